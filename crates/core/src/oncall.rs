//! The on-call rota: who is on call for each service, or for the whole organisation, and when,
//! around the clock. A shift added later over the same hours replaces the earlier one there (a
//! swap); ladder steps addressed to "the on-call manager for this service" find who that is here
//! at the moment they fire; and gaps in cover are found ahead of time.

use crate::FieldError;
use crate::governance::{DueItem, DueState, Register};
use crate::ids::{ServiceId, ShiftId, StaffId};
use crate::phone::PhoneNumber;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// How far ahead gaps in cover are looked for.
pub const GAP_HORIZON_DAYS: i64 = 14;
/// The longest one shift may be (a typing slip guard: a week at a time is the most rotas use).
pub const MAX_SHIFT_DAYS: i64 = 7;

/// One stretch of on-call cover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Shift {
    /// Identifier.
    pub id: ShiftId,
    /// The service covered; none: the whole organisation (covers every service).
    #[serde(default)]
    pub service: Option<ServiceId>,
    /// Who is on call.
    pub staff: StaffId,
    /// From.
    pub from: Timestamp,
    /// To (the next shift's start, for a hand-over).
    pub to: Timestamp,
    /// The number they answer while on call.
    pub phone: PhoneNumber,
    /// The email address they read while on call, if any.
    #[serde(default)]
    pub email: Option<String>,
    /// A hand-over note (what the next person should know).
    #[serde(default)]
    pub note: String,
}

impl Shift {
    /// Check what types cannot.
    pub fn validate(&self) -> Result<(), FieldError> {
        let rec = format!("on-call shift {}", self.id);
        if self.to <= self.from {
            return Err(FieldError::new(
                &rec,
                "to",
                "a time after the shift starts",
                self.to.to_string(),
            ));
        }
        if self.to.duration_since(self.from) > SignedDuration::from_hours(24 * MAX_SHIFT_DAYS) {
            return Err(FieldError::new(
                &rec,
                "to",
                format!("at most {MAX_SHIFT_DAYS} days after the shift starts"),
                self.to.to_string(),
            ));
        }
        if let Some(e) = &self.email
            && (!e.contains('@') || e.contains(char::is_whitespace) || e.len() > 300)
        {
            return Err(FieldError::new(&rec, "email", "an email address", e));
        }
        crate::text::optional(&rec, "note", &self.note, 2_000)
    }

    /// Whether it covers an instant.
    pub fn covers(&self, at: Timestamp) -> bool {
        self.from <= at && at < self.to
    }
}

/// A shift as typed (a form, the CLI, the API).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ShiftInput {
    /// The service covered; empty: the whole organisation.
    #[serde(default)]
    pub service: String,
    /// Who is on call (a member of staff).
    pub staff: String,
    /// From (London time, `2026-12-02 20:00`).
    pub from: String,
    /// To.
    pub to: String,
    /// The number they answer; empty: their work phone.
    #[serde(default)]
    pub phone: String,
    /// An email address they read while on call, if any.
    #[serde(default)]
    pub email: String,
    /// A hand-over note.
    #[serde(default)]
    pub note: String,
}

impl ShiftInput {
    /// Check and convert (whether the staff member and service exist is for the caller);
    /// `work_phone` is the staff member's, used when no number is typed.
    pub fn parse(
        &self,
        id: ShiftId,
        work_phone: Option<&PhoneNumber>,
    ) -> Result<Shift, FieldError> {
        let rec = format!("on-call shift {id}");
        let service = opt(&self.service)
            .map(|s| ServiceId::parse(s).map_err(|e| e.in_record(&rec).with_field("service")))
            .transpose()?;
        let staff =
            StaffId::parse(self.staff.trim()).map_err(|e| e.in_record(&rec).with_field("staff"))?;
        let from = crate::time::parse_instant("from", &self.from).map_err(|e| e.in_record(&rec))?;
        let to = crate::time::parse_instant("to", &self.to).map_err(|e| e.in_record(&rec))?;
        let phone = match opt(&self.phone) {
            Some(p) => PhoneNumber::parse(p).map_err(|e| e.in_record(&rec))?,
            None => work_phone.cloned().ok_or_else(|| {
                FieldError::new(
                    &rec,
                    "phone",
                    "the number they answer on call (they have no work phone on record)",
                    "",
                )
            })?,
        };
        let s = Shift {
            id,
            service,
            staff,
            from,
            to,
            phone,
            email: opt(&self.email).map(str::to_string),
            note: self.note.trim().to_string(),
        };
        s.validate()?;
        Ok(s)
    }
}

fn opt(s: &str) -> Option<&str> {
    Some(s.trim()).filter(|t| !t.is_empty())
}

/// Who is on call for a service at an instant: the service's own shift added last that covers
/// it, else the organisation's. `shifts` are in the order they were added, cancelled ones left
/// out. With `service` none, only the organisation's own rota answers.
pub fn on_call_at<'a>(
    shifts: &'a [Shift],
    service: Option<&ServiceId>,
    at: Timestamp,
) -> Option<&'a Shift> {
    let last = |scope: Option<&ServiceId>| {
        shifts
            .iter()
            .rev()
            .find(|s| s.service.as_ref() == scope && s.covers(at))
    };
    service.and_then(|s| last(Some(s))).or_else(|| last(None))
}

/// A stretch with nobody on call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Gap {
    /// From.
    pub from: Timestamp,
    /// To.
    pub to: Timestamp,
}

/// The stretches of `[from, to)` when nobody is on call for a service (neither its own rota nor
/// the organisation's covers it).
pub fn gaps(shifts: &[Shift], service: &ServiceId, from: Timestamp, to: Timestamp) -> Vec<Gap> {
    let mut spans: Vec<(Timestamp, Timestamp)> = shifts
        .iter()
        .filter(|s| s.service.is_none() || s.service.as_ref() == Some(service))
        .filter(|s| s.to > from && s.from < to)
        .map(|s| (s.from.max(from), s.to.min(to)))
        .collect();
    spans.sort();
    let mut out = Vec::new();
    let mut cursor = from;
    for (a, b) in spans {
        if a > cursor {
            out.push(Gap {
                from: cursor,
                to: a,
            });
        }
        cursor = cursor.max(b);
    }
    if cursor < to {
        out.push(Gap { from: cursor, to });
    }
    out
}

/// What the rota has due for one service: each gap in cover from now to [`GAP_HORIZON_DAYS`]
/// ahead (overdue once it has begun).
pub fn due(
    service: &ServiceId,
    name: &str,
    owner: &StaffId,
    shifts: &[Shift],
    now: Timestamp,
) -> Vec<DueItem> {
    let until = now
        .checked_add(SignedDuration::from_hours(24 * GAP_HORIZON_DAYS))
        .unwrap_or(now);
    gaps(shifts, service, now, until)
        .into_iter()
        .map(|g| DueItem {
            register: Register::OnCall,
            subject: service.to_string(),
            service: Some(service.clone()),
            what: format!(
                "Nobody on call for {name} from {} to {}",
                crate::time::show(g.from),
                crate::time::show(g.to)
            ),
            owner: owner.clone(),
            due: g.from.to_zoned(crate::time::london()).date(),
            state: if g.from <= now {
                DueState::Overdue
            } else {
                DueState::DueSoon
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        crate::time::parse_instant("t", s).unwrap()
    }

    fn shift(id: &str, service: Option<&str>, staff: &str, from: &str, to: &str) -> Shift {
        Shift {
            id: ShiftId::parse(id).unwrap(),
            service: service.map(|s| ServiceId::parse(s).unwrap()),
            staff: StaffId::parse(staff).unwrap(),
            from: t(from),
            to: t(to),
            phone: PhoneNumber::parse("07700 900101").unwrap(),
            email: None,
            note: String::new(),
        }
    }

    #[test]
    fn the_night_shift_answers_after_the_hand_over_and_a_swap_replaces_it() {
        let mc = ServiceId::parse("maple-court").unwrap();
        let mut rota = vec![
            shift(
                "a",
                Some("maple-court"),
                "s-day",
                "2026-12-02 08:00",
                "2026-12-02 20:00",
            ),
            shift(
                "b",
                Some("maple-court"),
                "s-night",
                "2026-12-02 20:00",
                "2026-12-03 08:00",
            ),
        ];
        let who = |r: &[Shift], at| on_call_at(r, Some(&mc), t(at)).map(|s| s.staff.to_string());
        assert_eq!(who(&rota, "2026-12-02 19:59").as_deref(), Some("s-day"));
        assert_eq!(who(&rota, "2026-12-02 20:00").as_deref(), Some("s-night"));
        assert_eq!(who(&rota, "2026-12-02 21:00").as_deref(), Some("s-night"));
        assert_eq!(who(&rota, "2026-12-03 08:00"), None);
        // A swap for part of the night, added later, answers for those hours.
        rota.push(shift(
            "c",
            Some("maple-court"),
            "s-swap",
            "2026-12-02 22:00",
            "2026-12-03 02:00",
        ));
        assert_eq!(who(&rota, "2026-12-02 21:00").as_deref(), Some("s-night"));
        assert_eq!(who(&rota, "2026-12-02 23:00").as_deref(), Some("s-swap"));
        // The organisation's on-call covers a service with nobody of its own.
        rota.push(shift(
            "d",
            None,
            "s-org",
            "2026-12-03 08:00",
            "2026-12-04 08:00",
        ));
        assert_eq!(who(&rota, "2026-12-03 09:00").as_deref(), Some("s-org"));
    }

    #[test]
    fn gaps_are_the_hours_nobody_covers() {
        let mc = ServiceId::parse("maple-court").unwrap();
        let rota = vec![
            shift(
                "a",
                Some("maple-court"),
                "s-day",
                "2026-12-02 08:00",
                "2026-12-02 20:00",
            ),
            shift("b", None, "s-org", "2026-12-03 00:00", "2026-12-03 08:00"),
            shift(
                "c",
                Some("willow-house"),
                "s-w",
                "2026-12-02 20:00",
                "2026-12-03 00:00",
            ),
        ];
        let g = gaps(&rota, &mc, t("2026-12-02 06:00"), t("2026-12-03 12:00"));
        assert_eq!(
            g,
            vec![
                Gap {
                    from: t("2026-12-02 06:00"),
                    to: t("2026-12-02 08:00")
                },
                Gap {
                    from: t("2026-12-02 20:00"),
                    to: t("2026-12-03 00:00")
                },
                Gap {
                    from: t("2026-12-03 08:00"),
                    to: t("2026-12-03 12:00")
                },
            ]
        );
        let items = due(
            &mc,
            "Maple Court",
            &StaffId::parse("s-m").unwrap(),
            &rota,
            t("2026-12-02 07:00"),
        );
        assert_eq!(items[0].state, DueState::Overdue);
        assert_eq!(items[1].state, DueState::DueSoon);
        assert!(
            items[1]
                .what
                .contains("Wed 2 Dec 2026 20:00 to Thu 3 Dec 2026 00:00"),
            "{}",
            items[1].what
        );
    }

    #[test]
    fn a_shift_ending_before_it_starts_or_longer_than_a_week_is_refused() {
        let s = shift("a", None, "s", "2026-12-02 08:00", "2026-12-02 07:00");
        assert_eq!(s.validate().unwrap_err().field, "to");
        let s = shift("a", None, "s", "2026-12-02 08:00", "2026-12-12 07:00");
        assert_eq!(s.validate().unwrap_err().field, "to");
        let mut s = shift("a", None, "s", "2026-12-02 08:00", "2026-12-02 20:00");
        s.email = Some("not an email".into());
        assert_eq!(s.validate().unwrap_err().field, "email");
    }
}
