//! Escalation ladders: ordered steps through channels, waiting for acknowledgement, skipping a
//! channel that is down. Timing is a pure function of what happened and the time now.

use crate::FieldError;
use crate::dependency::Channel;
use crate::ids::{DisruptionId, EscalationId, LadderId, PersonId, RecordId};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// One rung.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Step {
    /// Who: a role, person or organisation ("Safeguarding hub, Northshire County Council").
    pub target: String,
    /// How.
    pub channel: Channel,
    /// Email address, webhook URL or phone number.
    pub address: String,
    /// Minutes to wait for acknowledgement before the next step.
    pub wait_minutes: u32,
    /// Addressed to whoever is on call for the service concerned (else the organisation) when
    /// the step fires, found in the on-call rota then; `target` and `address` are left empty.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub on_call: bool,
}

/// Who an on-call step reached when it fired (found in the on-call rota then).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Reached {
    /// Who ("Daniel Hughes, on call for Maple Court until Thu 3 Dec 2026 08:00").
    pub target: String,
    /// The number or address used.
    pub address: String,
}

/// How an on-call step reads before it fires.
pub const ON_CALL_TARGET: &str = "the on-call manager for the service concerned";

/// An escalation ladder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Ladder {
    /// Identifier.
    pub id: LadderId,
    /// Name.
    pub name: String,
    /// The steps, in order.
    pub steps: Vec<Step>,
    /// How many times to go round again after the last step (0: once through).
    pub repeat: u32,
}

impl Ladder {
    /// Check what types cannot.
    pub fn validate(&self) -> Result<(), FieldError> {
        let rec = format!("ladder {}", self.id);
        crate::text::required(&rec, "name", &self.name, 200)?;
        if self.steps.is_empty() || self.steps.len() > 20 {
            return Err(FieldError::new(
                &rec,
                "steps",
                "1 to 20 steps",
                self.steps.len().to_string(),
            ));
        }
        if self.repeat > 10 {
            return Err(FieldError::new(
                &rec,
                "repeat",
                "0 to 10",
                self.repeat.to_string(),
            ));
        }
        for (i, s) in self.steps.iter().enumerate() {
            let f = |n: &str| format!("steps[{i}].{n}");
            if s.wait_minutes > 24 * 60 {
                return Err(FieldError::new(
                    &rec,
                    f("wait_minutes"),
                    "0 to 1,440 minutes",
                    s.wait_minutes.to_string(),
                ));
            }
            if s.on_call {
                if s.channel == Channel::Webhook {
                    return Err(FieldError::new(
                        &rec,
                        f("channel"),
                        "phone or email (the on-call manager is called or emailed)",
                        "webhook",
                    ));
                }
                continue;
            }
            crate::text::required(&rec, &f("target"), &s.target, 200)?;
            crate::text::required(&rec, &f("address"), &s.address, 500)?;
            let ok = match s.channel {
                Channel::Email => {
                    s.address.contains('@') && !s.address.contains(char::is_whitespace)
                }
                Channel::Webhook => {
                    s.address.starts_with("http://") || s.address.starts_with("https://")
                }
                Channel::Phone => crate::phone::PhoneNumber::parse(&s.address).is_ok(),
            };
            if !ok {
                let what = match s.channel {
                    Channel::Email => "an email address",
                    Channel::Webhook => "an http:// or https:// URL",
                    Channel::Phone => "a UK phone number",
                };
                return Err(FieldError::new(&rec, f("address"), what, &s.address));
            }
        }
        Ok(())
    }
}

/// One run of a ladder: about something, for a disruption. The ladder is copied in, so later
/// edits to it do not change what this run did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Escalation {
    /// Identifier.
    pub id: EscalationId,
    /// The disruption it belongs to.
    pub disruption: DisruptionId,
    /// The ladder as it was when started.
    pub ladder: Ladder,
    /// What it is about.
    pub about: String,
    /// People concerned.
    #[serde(default)]
    pub people: Vec<PersonId>,
    /// The instruction whose follow-up was missed (or the decision whose review fell due), when
    /// that is why it started.
    #[serde(default)]
    pub follow_up_of: Option<RecordId>,
    /// The high-priority visit not verified in time, when that is why it started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit: Option<crate::ids::VisitId>,
}

/// What happened at a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepOutcome {
    /// The message was sent (email, webhook).
    Notified,
    /// A person must make the call now; Lantern shows it and waits.
    CallRequired,
    /// The channel is down: skipped without waiting.
    Skipped,
    /// Every attempt to send failed: moved on without waiting.
    Failed,
}

impl StepOutcome {
    /// Whether the ladder waits after this outcome.
    pub fn waits(self) -> bool {
        matches!(self, StepOutcome::Notified | StepOutcome::CallRequired)
    }
}

/// A step taken, as the timing rule needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Taken {
    /// Index into the ladder's steps.
    pub step: usize,
    /// When.
    pub at: Timestamp,
    /// What happened.
    pub outcome: StepOutcome,
}

/// The next step a run must take and when it falls due: `(step index, round, due at)`, or
/// `None` once the ladder (with its repeats) is exhausted. The first step is due at the start;
/// each later one when the previous step's wait has run out — at once after a skipped or failed
/// step.
pub fn next_due(
    ladder: &Ladder,
    started: Timestamp,
    taken: &[Taken],
) -> Option<(usize, u32, Timestamp)> {
    let n = ladder.steps.len();
    if n == 0 {
        return None;
    }
    let k = taken.len();
    let round = (k / n) as u32;
    if round > ladder.repeat {
        return None;
    }
    let due = match taken.last() {
        None => started,
        Some(t) if t.outcome.waits() => {
            let wait = ladder.steps.get(t.step).map_or(0, |s| s.wait_minutes);
            t.at + SignedDuration::from_mins(i64::from(wait))
        }
        Some(t) => t.at,
    };
    Some((k % n, round, due))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ladder() -> Ladder {
        let step = |channel, address: &str, wait| Step {
            target: "x".into(),
            channel,
            address: address.into(),
            wait_minutes: wait,
            on_call: false,
        };
        Ladder {
            id: LadderId::parse("safeguarding").unwrap(),
            name: "Safeguarding".into(),
            steps: vec![
                step(Channel::Email, "hub@example.org", 15),
                step(Channel::Phone, "0300 123 4567", 10),
            ],
            repeat: 1,
        }
    }

    #[test]
    fn waits_after_a_notification_but_not_after_a_skip() {
        let l = ladder();
        let t0: Timestamp = "2026-11-22T02:00:00Z".parse().unwrap();
        assert_eq!(next_due(&l, t0, &[]), Some((0, 0, t0)));
        let sent = Taken {
            step: 0,
            at: t0,
            outcome: StepOutcome::Notified,
        };
        assert_eq!(
            next_due(&l, t0, &[sent]),
            Some((1, 0, "2026-11-22T02:15:00Z".parse().unwrap()))
        );
        let skipped = Taken {
            outcome: StepOutcome::Skipped,
            ..sent
        };
        assert_eq!(next_due(&l, t0, &[skipped]), Some((1, 0, t0)));
    }

    #[test]
    fn repeats_then_stops() {
        let l = ladder();
        let t0: Timestamp = "2026-11-22T02:00:00Z".parse().unwrap();
        let t = |step| Taken {
            step,
            at: t0,
            outcome: StepOutcome::CallRequired,
        };
        assert_eq!(
            next_due(&l, t0, &[t(0), t(1)]).map(|d| (d.0, d.1)),
            Some((0, 1))
        );
        assert_eq!(next_due(&l, t0, &[t(0), t(1), t(0), t(1)]), None);
    }
}
