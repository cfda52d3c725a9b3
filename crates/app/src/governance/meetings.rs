//! Governance meetings: scheduled with attendees; the agenda Lantern assembles from what
//! happened since the previous meeting (disruptions, near misses, reviews, overdue actions,
//! risks above appetite, registers' overdue items, drills, training, audits); minutes with
//! decisions and actions (into the plan), and the minutes as a PDF.

use crate::{Actor, App, AppError};
use lantern_core::FieldError;
use lantern_core::event::Event;
use lantern_core::governance::{DueState, Register};
use lantern_core::ids::MeetingId;
use lantern_core::meeting::{FIRST_LOOKBACK_DAYS, Meeting, MeetingInput, MinutesInput};
use lantern_core::role::Role;
use lantern_core::time::{show, show_date};
use lantern_journal::{MeetingRow, NewEvent};
use serde::Serialize;

/// One part of an agenda: its heading and what is in it (empty: nothing to report).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AgendaSection {
    /// Heading ("Disruptions since the last meeting").
    pub heading: String,
    /// The items, in words.
    pub items: Vec<String>,
}

/// A meeting as people read it: facts, agenda, minutes.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct MeetingView {
    /// Its id.
    pub id: String,
    /// Its name.
    pub title: String,
    /// When.
    pub at: String,
    /// The chair's name.
    pub chair: String,
    /// Who is invited, by name.
    pub attendees: Vec<String>,
    /// What the agenda covers ("since Thu 1 Oct 2026 14:00").
    pub since: String,
    /// The agenda.
    pub agenda: Vec<AgendaSection>,
    /// Minutes, if recorded: who was there, who was not, notes, decisions, actions (what,
    /// owner, due), recorded when and by whom.
    pub minutes: Option<MinutesView>,
}

/// Minutes as people read them.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct MinutesView {
    /// Present, by name.
    pub present: Vec<String>,
    /// Invited but absent, by name.
    pub absent: Vec<String>,
    /// What was discussed.
    pub notes: String,
    /// What was decided.
    pub decisions: Vec<String>,
    /// Actions: what, owner, due.
    pub actions: Vec<(String, String, String)>,
    /// Recorded when and by whom.
    pub recorded: String,
}

/// What the minutes PDF is made from.
#[derive(Serialize)]
struct MinutesDoc<'a> {
    org: String,
    printed_at: String,
    m: &'a MeetingView,
}

impl App {
    /// Schedule a governance meeting.
    pub fn schedule_meeting(
        &mut self,
        actor: &Actor,
        input: &MeetingInput,
    ) -> Result<Meeting, AppError> {
        actor.require(Role::may_review, "schedule governance meetings")?;
        let id = MeetingId::parse(&format!("gm-{}", self.journal.meeting_count()? + 1))
            .map_err(|e| e.in_record("meeting"))?;
        let m = input.parse(id)?;
        let rec = format!("meeting {}", m.id);
        let staff = self.journal.staff()?;
        if !staff.iter().any(|s| s.id == m.chair && s.partner.is_none()) {
            return Err(
                FieldError::new(&rec, "chair", "a member of our staff", m.chair.as_str()).into(),
            );
        }
        for (i, a) in m.attendees.iter().enumerate() {
            if !staff.iter().any(|s| &s.id == a) {
                return Err(FieldError::new(
                    &rec,
                    format!("attendees[{i}]"),
                    "a member of staff",
                    a.as_str(),
                )
                .into());
            }
        }
        self.journal.append(
            NewEvent::now(actor.journal_name(), Event::MeetingScheduled(m.clone())),
            self.now(),
        )?;
        Ok(m)
    }

    fn meeting_row(&self, id: &str) -> Result<(MeetingRow, Option<jiff::Timestamp>), AppError> {
        let rows = self.journal.meetings()?;
        let i = rows
            .iter()
            .position(|r| r.meeting.id.as_str() == id.trim())
            .ok_or_else(|| AppError::not_found("meeting", id, "see lantern meeting list"))?;
        let previous = i.checked_sub(1).map(|p| rows[p].meeting.at);
        Ok((rows[i].clone(), previous))
    }

    /// Record a meeting's minutes.
    pub fn record_minutes(
        &mut self,
        actor: &Actor,
        id: &str,
        input: &MinutesInput,
    ) -> Result<(), AppError> {
        actor.require(Role::may_review, "record minutes")?;
        let (row, _) = self.meeting_row(id)?;
        let rec = format!("minutes of meeting {id}");
        if row.minutes.is_some() {
            return Err(
                FieldError::new(&rec, "meeting", "a meeting without minutes yet", id).into(),
            );
        }
        if row.meeting.at > self.now() {
            return Err(FieldError::new(
                &rec,
                "meeting",
                format!(
                    "a meeting that has been held (this one is at {})",
                    show(row.meeting.at)
                ),
                id,
            )
            .into());
        }
        let m = input.parse(&row.meeting.id, self.today())?;
        let staff = self.journal.staff()?;
        for (i, p) in m.present.iter().enumerate() {
            if !staff.iter().any(|s| &s.id == p) {
                return Err(FieldError::new(
                    &rec,
                    format!("present[{i}]"),
                    "a member of staff",
                    p.as_str(),
                )
                .into());
            }
        }
        self.check_action_owners(&rec, &m.actions)?;
        self.journal.append(
            NewEvent::now(actor.journal_name(), Event::MinutesRecorded(m)),
            self.now(),
        )?;
        Ok(())
    }

    /// The agenda for a meeting: what happened from `since` to `until`.
    fn agenda(
        &self,
        since: jiff::Timestamp,
        until: jiff::Timestamp,
    ) -> Result<Vec<AgendaSection>, AppError> {
        let names = self.names(false)?;
        let within = |t: jiff::Timestamp| t >= since && t < until;
        let parse = |s: &str| s.parse::<jiff::Timestamp>().ok();
        let mut sections = Vec::new();
        let mut section = |heading: &str, items: Vec<String>| {
            sections.push(AgendaSection {
                heading: heading.to_string(),
                items,
            })
        };
        let disruptions = self.journal.disruptions()?;
        section(
            "Disruptions since the last meeting",
            disruptions
                .iter()
                .filter_map(|v| {
                    let d = v.disruption.as_ref()?;
                    within(d.started_at).then(|| {
                        format!(
                            "{}{} ({}), started {}",
                            if d.drill { "DRILL: " } else { "" },
                            d.title,
                            v.stage.as_str(),
                            show(d.started_at)
                        )
                    })
                })
                .collect(),
        );
        let near = self.journal.near_misses()?;
        section(
            "Near misses and incidents since the last meeting",
            near.iter()
                .filter(|n| within(n.near_miss.occurred_at))
                .map(|n| {
                    format!(
                        "{} {}: {} ({})",
                        n.near_miss.kind.word(),
                        show(n.near_miss.occurred_at),
                        n.near_miss.what_happened,
                        if n.review.is_some() {
                            "reviewed"
                        } else {
                            "awaiting review"
                        }
                    )
                })
                .collect(),
        );
        let mut reviews = Vec::new();
        for v in &disruptions {
            if let Some((r, at, _)) = self.journal.review(v.id.as_str())?
                && parse(&at).is_some_and(within)
            {
                reviews.push(format!(
                    "{}: root cause {}; {} action(s)",
                    v.title(),
                    r.root_cause,
                    r.actions.len()
                ));
            }
        }
        for n in &near {
            if let Some((r, at, _)) = &n.review
                && parse(at).is_some_and(within)
            {
                reviews.push(format!(
                    "Near miss {}: {}; learning: {}",
                    n.near_miss.id, r.root_cause, r.learning
                ));
            }
        }
        section("Reviews since the last meeting", reviews);
        let due = self.due_items()?;
        let overdue = |reg: Register| -> Vec<String> {
            due.iter()
                .filter(|i| i.register == reg && i.state == DueState::Overdue)
                .map(|i| {
                    format!(
                        "{} (due {}; {})",
                        i.what,
                        show_date(i.due),
                        names.staff(i.owner.as_str())
                    )
                })
                .collect()
        };
        section("Overdue improvement actions", overdue(Register::Actions));
        section(
            "Risks above appetite (residual high or extreme)",
            self.journal
                .risks()?
                .iter()
                .filter(|r| r.status != lantern_core::risk::RiskStatus::Closed)
                .filter(|r| {
                    matches!(
                        r.residual.band(),
                        lantern_core::risk::Band::High | lantern_core::risk::Band::Extreme
                    )
                })
                .map(|r| {
                    format!(
                        "{}: residual {} {} ({})",
                        r.title,
                        r.residual.value(),
                        r.residual.band().word(),
                        names.staff(r.owner.as_str())
                    )
                })
                .collect(),
        );
        section(
            "Registers: overdue items",
            due.iter()
                .filter(|i| i.state == DueState::Overdue)
                .filter(|i| !matches!(i.register, Register::Actions | Register::Drills))
                .map(|i| {
                    format!(
                        "{}: {} ({})",
                        i.register.word(),
                        i.what,
                        names.staff(i.owner.as_str())
                    )
                })
                .collect(),
        );
        let mut drills: Vec<String> = self
            .journal
            .drills()?
            .iter()
            .filter_map(|r| {
                let h = r.held.as_ref()?;
                let on = h
                    .held_on
                    .to_zoned(lantern_core::time::london())
                    .ok()?
                    .timestamp();
                within(on).then(|| {
                    format!(
                        "Held {}: {} at {}, {} took part; lessons: {}",
                        show_date(h.held_on),
                        r.drill.scenario.title,
                        names.service(r.drill.service.as_str()),
                        h.attended.len(),
                        h.lessons
                    )
                })
            })
            .collect();
        drills.extend(
            overdue(Register::Drills)
                .into_iter()
                .map(|d| format!("OVERDUE: {d}")),
        );
        section("Drills", drills);
        section("Training and competence", self.training_agenda()?);
        section(
            "Audits since the last meeting",
            self.journal
                .integrity_audits()?
                .iter()
                .filter(|(at, _)| parse(at).is_some_and(within))
                .map(|(at, a)| {
                    format!(
                        "Integrity audit {}: {} of {} notes whole ({}%), {}",
                        parse(at).map(show).unwrap_or_default(),
                        a.whole,
                        a.expected,
                        a.accuracy_percent(),
                        a.scope
                    )
                })
                .collect(),
        );
        Ok(sections)
    }

    fn meeting_view(
        &self,
        row: MeetingRow,
        previous: Option<jiff::Timestamp>,
    ) -> Result<MeetingView, AppError> {
        let names = self.names(false)?;
        let m = &row.meeting;
        let since = previous.unwrap_or_else(|| {
            m.at.checked_sub(jiff::SignedDuration::from_hours(24 * FIRST_LOOKBACK_DAYS))
                .unwrap_or(m.at)
        });
        // Before the meeting, the agenda runs to now; once held, to the meeting.
        let until = m.at.min(self.now()).max(since);
        let staff = |ids: &[lantern_core::ids::StaffId]| -> Vec<String> {
            ids.iter().map(|s| names.staff(s.as_str())).collect()
        };
        Ok(MeetingView {
            id: m.id.to_string(),
            title: m.title.clone(),
            at: show(m.at),
            chair: names.staff(m.chair.as_str()),
            attendees: staff(&m.attendees),
            since: format!(
                "{}since {}",
                if previous.is_some() {
                    "since the last meeting: "
                } else {
                    "the first meeting: "
                },
                show(since)
            ),
            agenda: self.agenda(since, until)?,
            minutes: row.minutes.as_ref().map(|(mi, at, by)| MinutesView {
                present: staff(&mi.present),
                absent: staff(
                    &m.attendees
                        .iter()
                        .filter(|a| !mi.present.contains(a))
                        .cloned()
                        .collect::<Vec<_>>(),
                ),
                notes: mi.notes.clone(),
                decisions: mi.decisions.clone(),
                actions: mi
                    .actions
                    .iter()
                    .map(|a| {
                        (
                            a.what.clone(),
                            names.staff(a.owner.as_str()),
                            show_date(a.due),
                        )
                    })
                    .collect(),
                recorded: format!(
                    "{} by {}",
                    at.parse::<jiff::Timestamp>()
                        .map(show)
                        .unwrap_or_else(|_| at.clone()),
                    names.actor(by)
                ),
            }),
        })
    }

    /// Every meeting, newest first, each with its agenda and minutes.
    pub fn meetings(&self, actor: &Actor) -> Result<Vec<MeetingView>, AppError> {
        actor.require(Role::may_view_governance, "see governance meetings")?;
        let rows = self.journal.meetings()?;
        let mut out = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            let previous = i.checked_sub(1).map(|p| rows[p].meeting.at);
            out.push(self.meeting_view(r.clone(), previous)?);
        }
        out.reverse();
        Ok(out)
    }

    /// One meeting with its agenda and minutes.
    pub fn meeting(&self, actor: &Actor, id: &str) -> Result<MeetingView, AppError> {
        actor.require(Role::may_view_governance, "see governance meetings")?;
        let (row, previous) = self.meeting_row(id)?;
        self.meeting_view(row, previous)
    }

    /// The minutes as a PDF (the agenda as assembled, who was there, decisions, actions).
    pub fn minutes_pdf(&self, actor: &Actor, id: &str) -> Result<Vec<u8>, AppError> {
        let m = self.meeting(actor, id)?;
        if m.minutes.is_none() {
            return Err(FieldError::new(
                format!("meeting {id}"),
                "minutes",
                "a meeting whose minutes are recorded",
                "none yet",
            )
            .into());
        }
        let now = self.now();
        let doc = MinutesDoc {
            org: self.journal.org_name()?.unwrap_or_default(),
            printed_at: show(now),
            m: &m,
        };
        let (pdf, _) = lantern_print::render(
            lantern_print::Template::Minutes,
            &doc,
            &format!("minutes-{id}"),
            now,
        )
        .map_err(|e| AppError::Journal(lantern_journal::JournalError::corrupt("minutes", e)))?;
        Ok(pdf)
    }
}
