//! The on-call rota: shifts per service and for the organisation, who is on call now and next,
//! gaps in cover ahead, and who an on-call ladder step reaches at the moment it fires.

use super::due::DueLine;
use crate::{Actor, App, AppError};
use lantern_core::FieldError;
use lantern_core::event::Event;
use lantern_core::governance::DueItem;
use lantern_core::ids::{ServiceId, ShiftId, StaffId};
use lantern_core::ladder::Reached;
use lantern_core::oncall::{GAP_HORIZON_DAYS, Shift, ShiftInput, on_call_at};
use lantern_core::role::Role;
use lantern_core::time::show;
use lantern_journal::NewEvent;
use serde::Serialize;

/// Who covers one service (or the organisation) now and next.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CoverLine {
    /// The service's id; empty for the organisation.
    pub service: String,
    /// Its name ("Whole organisation").
    pub name: String,
    /// Who is on call now ("Daniel Hughes on 07700 900101 until Thu 3 Dec 2026 08:00"), or
    /// empty when nobody is.
    pub now: String,
    /// Whether somebody is on call for it now (its own rota or the organisation's).
    pub covered: bool,
    /// The next hand-over ("Amara Osei from Thu 3 Dec 2026 08:00"), if any within the window.
    pub next: String,
}

/// One shift as people read it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ShiftLine {
    /// Its id.
    pub id: String,
    /// The service's name, or "Whole organisation".
    pub cover: String,
    /// Who.
    pub who: String,
    /// The number they answer.
    pub phone: String,
    /// From (London time).
    pub from: String,
    /// To.
    pub to: String,
    /// The hand-over note.
    pub note: String,
}

/// The rota page.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RotaView {
    /// As of (London time).
    pub as_of: String,
    /// Each service, then the organisation.
    pub covers: Vec<CoverLine>,
    /// Shifts from now to the horizon, by start.
    pub shifts: Vec<ShiftLine>,
    /// Gaps in cover ahead, overdue (begun) first.
    pub gaps: Vec<DueLine>,
    /// The next week as a picture (SVG): each service's own cover, the organisation's, gaps.
    pub chart: String,
}

/// How many days ahead the rota's picture shows.
pub const CHART_DAYS: i64 = 7;

/// The next [`CHART_DAYS`] as a picture: a row per service, coloured by who answers (its own
/// on-call, the organisation's, or nobody: a gap, marked so).
fn rota_chart(
    scopes: &[(Option<ServiceId>, String)],
    shifts: &[Shift],
    now: jiff::Timestamp,
    names: &crate::names::Names,
) -> String {
    use crate::charts::{Stretch, Tone, timeline};
    let end = now
        .checked_add(jiff::SignedDuration::from_hours(24 * CHART_DAYS))
        .unwrap_or(now);
    let span = end.duration_since(now).as_secs_f64().max(1.0);
    let frac = |t: jiff::Timestamp| t.duration_since(now).as_secs_f64() / span;
    let mut bounds: Vec<jiff::Timestamp> = shifts
        .iter()
        .flat_map(|s| [s.from, s.to])
        .filter(|t| *t > now && *t < end)
        .collect();
    bounds.push(now);
    bounds.push(end);
    bounds.sort();
    bounds.dedup();
    let rows = scopes
        .iter()
        .filter(|(id, _)| id.is_some())
        .map(|(id, name)| {
            // Runs of the same answer are one stretch: (from, to, tone, mark, who).
            let mut runs: Vec<(jiff::Timestamp, jiff::Timestamp, Tone, &str, String)> = Vec::new();
            for w in bounds.windows(2) {
                let (a, b) = (w[0], w[1]);
                let (tone, mark, who) = match on_call_at(shifts, id.as_ref(), a) {
                    None => (Tone::Stop, "GAP", "nobody on call".to_string()),
                    Some(s) if s.service.is_some() => {
                        (Tone::Good, "", names.staff(s.staff.as_str()))
                    }
                    Some(s) => (
                        Tone::Neutral,
                        "",
                        format!("{} (organisation)", names.staff(s.staff.as_str())),
                    ),
                };
                match runs.last_mut() {
                    Some(last) if last.2 == tone && last.4 == who => last.1 = b,
                    _ => runs.push((a, b, tone, mark, who)),
                }
            }
            let stretches = runs
                .into_iter()
                .map(|(a, b, tone, mark, who)| Stretch {
                    from: frac(a),
                    to: frac(b),
                    tone,
                    mark: mark.to_string(),
                    title: format!("{who}, {} to {}", show(a), show(b)),
                })
                .collect();
            (name.clone(), stretches)
        })
        .collect::<Vec<_>>();
    let today = now.to_zoned(lantern_core::time::london()).date();
    let ticks = (1..=CHART_DAYS)
        .filter_map(|d| {
            let date = today.checked_add(jiff::Span::new().days(d)).ok()?;
            let t = date
                .to_zoned(lantern_core::time::london())
                .ok()?
                .timestamp();
            Some((frac(t), date.strftime("%a %-d").to_string()))
        })
        .filter(|(x, _)| *x < 0.97)
        .collect::<Vec<_>>();
    timeline(
        "On-call cover for the next 7 days",
        &ticks,
        &rows,
        &[
            ("Service's own on-call", Tone::Good),
            ("Organisation's on-call", Tone::Neutral),
            ("Nobody (GAP)", Tone::Stop),
        ],
    )
}

const ORGANISATION: &str = "Whole organisation";

impl App {
    fn rota_window(&self) -> Result<(jiff::Timestamp, jiff::Timestamp, Vec<Shift>), AppError> {
        let now = self.now();
        let until = now
            .checked_add(jiff::SignedDuration::from_hours(24 * GAP_HORIZON_DAYS))
            .unwrap_or(now);
        Ok((now, until, self.journal.on_call_shifts(now, until)?))
    }

    /// Add a shift to the rota (over the same hours it replaces an earlier one: a swap).
    pub fn add_shift(&mut self, actor: &Actor, input: &ShiftInput) -> Result<Shift, AppError> {
        actor.require(Role::may_manage_on_call, "keep the on-call rota")?;
        let id = ShiftId::parse(&format!("oc-{}", self.journal.on_call_count()? + 1))
            .map_err(|e| e.in_record("on-call shift"))?;
        let rec = format!("on-call shift {id}");
        let staff = self
            .journal
            .staff_member(input.staff.trim())?
            .filter(|s| s.partner.is_none() && s.role.may_be_on_call())
            .ok_or_else(|| {
                FieldError::new(
                    &rec,
                    "staff",
                    "a manager, coordinator or senior carer of ours (lantern staff list)",
                    &input.staff,
                )
            })?;
        let shift = input.parse(id, staff.phone.as_ref())?;
        if let Some(s) = &shift.service
            && !self.journal.services()?.iter().any(|x| &x.id == s)
        {
            return Err(FieldError::new(
                &rec,
                "service",
                "a service (or none: the whole organisation)",
                s.as_str(),
            )
            .into());
        }
        self.journal.append(
            NewEvent::now(actor.journal_name(), Event::OnCallShiftAdded(shift.clone())),
            self.now(),
        )?;
        Ok(shift)
    }

    /// Take a shift off the rota.
    pub fn cancel_shift(&mut self, actor: &Actor, id: &str, reason: &str) -> Result<(), AppError> {
        actor.require(Role::may_manage_on_call, "keep the on-call rota")?;
        let rec = format!("on-call shift {id}");
        lantern_core::text::required(&rec, "reason", reason, 2_000)?;
        match self.journal.on_call_shift(id.trim())? {
            None => {
                return Err(AppError::not_found(
                    "on-call shift",
                    id,
                    "see lantern on-call list",
                ));
            }
            Some((_, Some(_))) => {
                return Err(FieldError::new(&rec, "shift", "a shift not yet cancelled", id).into());
            }
            Some((s, None)) => self.journal.append(
                NewEvent::now(
                    actor.journal_name(),
                    Event::OnCallShiftCancelled {
                        shift: s.id,
                        reason: reason.trim().to_string(),
                    },
                ),
                self.now(),
            )?,
        };
        Ok(())
    }

    /// Who is on call for a service (else the organisation) at an instant, as a ladder step
    /// reaches them; `Err` says, in words, that nobody is (a gap in the rota).
    pub(crate) fn reach_on_call(
        &self,
        service: Option<&ServiceId>,
        phone: bool,
        at: jiff::Timestamp,
    ) -> Result<Result<Reached, String>, AppError> {
        let shifts = self.journal.on_call_shifts(
            at,
            at.checked_add(jiff::SignedDuration::from_secs(1))
                .unwrap_or(at),
        )?;
        let names = self.names(false)?;
        let scope = service.map_or(ORGANISATION.to_string(), |s| names.service(s.as_str()));
        let Some(s) = on_call_at(&shifts, service, at) else {
            return Ok(Err(format!(
                "nobody is on call for {scope} at {} (a gap in the on-call rota), so this step was skipped",
                show(at)
            )));
        };
        let covering = s
            .service
            .as_ref()
            .map_or(ORGANISATION.to_string(), |x| names.service(x.as_str()));
        let address = if phone {
            s.phone.to_string()
        } else {
            match &s.email {
                Some(e) => e.clone(),
                None => {
                    return Ok(Err(format!(
                        "{} is on call for {covering} but has no email address on the rota, so this step was skipped",
                        names.staff(s.staff.as_str())
                    )));
                }
            }
        };
        Ok(Ok(Reached {
            target: format!(
                "{}, on call for {covering} until {}",
                names.staff(s.staff.as_str()),
                show(s.to)
            ),
            address,
        }))
    }

    /// The rota from now to the horizon: who covers each service now and next, the shifts, and
    /// the gaps.
    pub fn on_call_rota(&self, actor: &Actor) -> Result<RotaView, AppError> {
        actor.require(Role::may_view_governance, "see the on-call rota")?;
        let (now, _, shifts) = self.rota_window()?;
        let names = self.names(false)?;
        let who = |s: &Shift| names.staff(s.staff.as_str());
        let mut scopes: Vec<(Option<ServiceId>, String)> = self
            .journal
            .services()?
            .into_iter()
            .map(|s| (Some(s.id), s.name))
            .collect();
        scopes.push((None, ORGANISATION.to_string()));
        let covers = scopes
            .iter()
            .map(|(id, name)| {
                let current = on_call_at(&shifts, id.as_ref(), now);
                // The next hand-over: the first start after now among the shifts that answer
                // for this scope.
                let next = shifts
                    .iter()
                    .filter(|s| s.from > now && (s.service.is_none() || s.service == *id))
                    .filter(|s| {
                        on_call_at(&shifts, id.as_ref(), s.from).map(|x| &x.id) == Some(&s.id)
                    })
                    .min_by_key(|s| s.from);
                CoverLine {
                    service: id.as_ref().map(|s| s.to_string()).unwrap_or_default(),
                    name: name.clone(),
                    now: current
                        .map(|s| format!("{} on {} until {}", who(s), s.phone, show(s.to)))
                        .unwrap_or_default(),
                    covered: current.is_some(),
                    next: next
                        .map(|s| format!("{} from {}", who(s), show(s.from)))
                        .unwrap_or_default(),
                }
            })
            .collect();
        let all = shifts.clone();
        let mut sorted = shifts.clone();
        sorted.sort_by_key(|s| s.from);
        let shifts = sorted
            .iter()
            .map(|s| ShiftLine {
                id: s.id.to_string(),
                cover: s
                    .service
                    .as_ref()
                    .map_or(ORGANISATION.to_string(), |x| names.service(x.as_str())),
                who: who(s),
                phone: s.phone.to_string(),
                from: show(s.from),
                to: show(s.to),
                note: s.note.clone(),
            })
            .collect();
        let gaps = self
            .on_call_due()?
            .iter()
            .map(|i| DueLine::new(&names, i))
            .collect();
        Ok(RotaView {
            chart: rota_chart(&scopes, &all, now, &names),
            as_of: show(now),
            covers,
            shifts,
            gaps,
        })
    }

    /// Who answers for a service over the week from `now`, for the printed pack: from, to, who
    /// (and for which cover), phone; a gap says so.
    pub(crate) fn pack_rota(
        &self,
        service: &ServiceId,
        now: jiff::Timestamp,
    ) -> Result<Vec<[String; 4]>, AppError> {
        let end = now
            .checked_add(jiff::SignedDuration::from_hours(24 * CHART_DAYS))
            .unwrap_or(now);
        let shifts = self.journal.on_call_shifts(now, end)?;
        let names = self.names(false)?;
        let mut bounds: Vec<jiff::Timestamp> = shifts
            .iter()
            .flat_map(|s| [s.from, s.to])
            .filter(|t| *t > now && *t < end)
            .collect();
        bounds.extend([now, end]);
        bounds.sort();
        bounds.dedup();
        let mut runs: Vec<(jiff::Timestamp, jiff::Timestamp, Option<&Shift>)> = Vec::new();
        for w in bounds.windows(2) {
            let who = on_call_at(&shifts, Some(service), w[0]);
            match runs.last_mut() {
                Some(last) if last.2.map(|s| &s.id) == who.map(|s| &s.id) => last.1 = w[1],
                _ => runs.push((w[0], w[1], who)),
            }
        }
        Ok(runs
            .into_iter()
            .map(|(a, b, who)| match who {
                Some(s) => [
                    show(a),
                    show(b),
                    format!(
                        "{}{}",
                        names.staff(s.staff.as_str()),
                        if s.service.is_none() {
                            " (organisation)"
                        } else {
                            ""
                        }
                    ),
                    s.phone.to_string(),
                ],
                None => [show(a), show(b), "NOBODY ON CALL".into(), String::new()],
            })
            .collect())
    }

    /// Gaps in on-call cover ahead, per service, owned by the service's registered manager.
    pub(crate) fn on_call_due(&self) -> Result<Vec<DueItem>, AppError> {
        let (now, _, shifts) = self.rota_window()?;
        let staff = self.journal.staff()?;
        let any_manager = staff
            .iter()
            .find(|s| s.role == Role::RegisteredManager)
            .map(|s| s.id.clone());
        let mut out = Vec::new();
        for svc in self.journal.services()? {
            let owner: Option<StaffId> = staff
                .iter()
                .find(|s| s.role == Role::RegisteredManager && s.service.as_ref() == Some(&svc.id))
                .map(|s| s.id.clone())
                .or_else(|| any_manager.clone());
            let Some(owner) = owner else { continue };
            out.extend(lantern_core::oncall::due(
                &svc.id, &svc.name, &owner, &shifts, now,
            ));
        }
        Ok(out)
    }
}
