//! Downtime records: what was decided, said, done and given while a system was down. Each is
//! entered live or later from a paper form, with the time it happened (the event's `occurred_at`).

use crate::FieldError;
use crate::call::Direction;
use crate::ids::{DisruptionId, EscalationId, LadderId, PersonId, RecordId, VisitId};
use crate::mei::{Provenance, SectionContent};
use crate::phone::PhoneNumber;
use crate::text::{optional, required};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// One downtime record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DowntimeRecord {
    /// Identifier.
    pub id: RecordId,
    /// The disruption it belongs to.
    pub disruption: DisruptionId,
    /// People it concerns.
    #[serde(default)]
    pub people: Vec<PersonId>,
    /// Visits it concerns.
    #[serde(default)]
    pub visits: Vec<VisitId>,
    /// The paper form's reference, when entered from paper.
    #[serde(default)]
    pub paper_ref: Option<String>,
    /// The instruction whose required follow-up this is.
    #[serde(default)]
    pub fulfils: Option<RecordId>,
    /// The escalation this answers (a call made at a ladder's prompt).
    #[serde(default)]
    pub escalation: Option<EscalationId>,
    /// What kind, and its fields.
    pub body: RecordBody,
}

/// The kinds of downtime record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RecordBody {
    /// A decision.
    Decision {
        /// What was decided.
        what: String,
        /// Why.
        rationale: String,
        /// Any restriction it imposes.
        restriction: Option<String>,
        /// When the restriction is reviewed.
        review_at: Option<Timestamp>,
    },
    /// A call.
    Call {
        /// Which way.
        direction: Direction,
        /// Who was spoken to.
        party: String,
        /// Their organisation.
        organisation: String,
        /// The number.
        number: Option<PhoneNumber>,
        /// Why.
        purpose: String,
        /// What came of it.
        outcome: String,
        /// Reference numbers given (a safeguarding referral reference, say).
        reference: Option<String>,
    },
    /// An incident.
    Incident {
        /// Key facts.
        key_facts: String,
        /// Immediate protective actions.
        protective_actions: String,
        /// Any restriction used.
        restriction: Option<String>,
        /// Why the restriction was used.
        restriction_rationale: Option<String>,
        /// Who was told.
        told: String,
        /// The answer to the CQC Regulation 18 notification prompt.
        reg18: Reg18,
        /// When a safeguarding concern was shared with the local authority.
        safeguarding_shared_at: Option<Timestamp>,
    },
    /// A visit verified by hand.
    Visit {
        /// Planned start.
        planned_at: Timestamp,
        /// Actual start, if it happened.
        actual_at: Option<Timestamp>,
        /// How it was verified.
        method: VerifyMethod,
        /// Any deviation from the plan.
        deviation: Option<String>,
        /// Why.
        reason: Option<String>,
    },
    /// One dose on a manual medication record.
    Medication {
        /// The medicine.
        medicine: String,
        /// The dose.
        dose: String,
        /// When it was due.
        due_at: Timestamp,
        /// Given, refused or not given.
        outcome: DoseOutcome,
        /// Why, when not given.
        reason: Option<String>,
        /// What the check against the person's current medicines and earlier doses found
        /// (see [`crate::mar_check`]): kept with the dose, never a reason to refuse recording it.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        warnings: Vec<String>,
    },
    /// A management instruction.
    Instruction {
        /// To whom.
        to: String,
        /// What.
        what: String,
        /// The follow-up required, if any.
        follow_up: Option<FollowUp>,
    },
    /// A communication with families or commissioners.
    Comms {
        /// Who was told (a daughter, the commissioner).
        who: String,
        /// What they were told.
        what: String,
        /// How (phone, email, letter, in person).
        channel: String,
        /// The line of the communication protocol it answers, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rule: Option<crate::ids::CommsRuleId>,
    },
    /// A change to a person's essential information made in Lantern while the disruption was
    /// active: the main record does not have it until it is entered there. Written by Lantern
    /// itself with the change, never by hand.
    MeiChange {
        /// The section's new content (its tag names the section).
        content: SectionContent,
        /// Where it came from and who confirmed it.
        provenance: Provenance,
    },
}

/// A follow-up an instruction requires; missing it by `due_at` starts `ladder`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FollowUp {
    /// What must be logged ("call at the end of the visit").
    pub what: String,
    /// By when.
    pub due_at: Timestamp,
    /// The ladder started if it is missed.
    pub ladder: LadderId,
}

/// The Regulation 18 prompt's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reg18 {
    /// Notifiable: the CQC must be told.
    Notifiable,
    /// Considered, not notifiable.
    NotNotifiable,
    /// Not yet decided: a manager must decide.
    Undecided,
}

/// How a visit was verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VerifyMethod {
    /// By phone.
    Phone,
    /// In person.
    InPerson,
    /// From a paper record.
    Paper,
}

impl VerifyMethod {
    /// In words ("by phone").
    pub fn words(self) -> &'static str {
        match self {
            VerifyMethod::Phone => "by phone",
            VerifyMethod::InPerson => "in person",
            VerifyMethod::Paper => "from a paper record",
        }
    }
}

/// A dose's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DoseOutcome {
    /// Given.
    Given,
    /// Refused by the person.
    Refused,
    /// Not given (unavailable, asleep, in hospital...).
    NotGiven,
}

/// The Regulation 18 prompt shown with every incident.
pub const REG18_PROMPT: &str = "CQC Regulation 18: is this notifiable? (death, serious injury, \
abuse or an allegation of abuse, an incident reported to or investigated by the police, an event \
that stops the service running safely)";

/// The kinds of downtime record people make. (A change to essential information made during an
/// outage is also a record, kind `mei`, but Lantern writes it itself; nobody makes one by hand.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A decision (and any restriction it imposes).
    Decision,
    /// A call made or received.
    Call,
    /// An incident, with the Regulation 18 prompt.
    Incident,
    /// A visit verified against the plan.
    Visit,
    /// A paper medication administration record entry.
    Mar,
    /// An instruction, with any follow-up.
    Instruction,
    /// Communication with families, commissioners or partners.
    Comms,
}

impl RecordKind {
    /// Every kind, in the order forms list them.
    pub const ALL: [RecordKind; 7] = [
        RecordKind::Decision,
        RecordKind::Call,
        RecordKind::Incident,
        RecordKind::Visit,
        RecordKind::Mar,
        RecordKind::Instruction,
        RecordKind::Comms,
    ];

    /// The kind as typed and written.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Decision => "decision",
            RecordKind::Call => "call",
            RecordKind::Incident => "incident",
            RecordKind::Visit => "visit",
            RecordKind::Mar => "mar",
            RecordKind::Instruction => "instruction",
            RecordKind::Comms => "comms",
        }
    }

    /// Parse a kind as typed, naming what was expected.
    pub fn parse(s: &str) -> Result<RecordKind, FieldError> {
        let s = s.trim();
        RecordKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = RecordKind::ALL.iter().map(|k| k.as_str()).collect();
                FieldError::new(
                    "downtime record",
                    "kind",
                    format!("one of {}", names.join(", ")),
                    s,
                )
            })
    }

    /// Whether only those who may decide (managers) may make this kind of record.
    pub fn needs_decider(self) -> bool {
        matches!(self, RecordKind::Decision | RecordKind::Instruction)
    }

    /// A field whose value is one of a closed list: each value with its words, for pickers
    /// (empty for free text).
    pub fn choices(self, field: &str) -> &'static [(&'static str, &'static str)] {
        match (self, field) {
            (RecordKind::Call, "direction") => &[
                ("outgoing", "We called them"),
                ("incoming", "They called us"),
            ],
            (RecordKind::Incident, "reg18") => &[
                ("undecided", "Not decided yet"),
                ("notifiable", "Notifiable to the CQC"),
                ("not_notifiable", "Not notifiable"),
            ],
            (RecordKind::Visit, "method") => &[
                ("phone", "By phone"),
                ("in_person", "In person"),
                ("paper", "Paper record"),
            ],
            (RecordKind::Mar, "outcome") => &[
                ("given", "Given"),
                ("refused", "Refused"),
                ("not_given", "Not given"),
            ],
            _ => &[],
        }
    }

    /// The fields this kind takes, for forms and help: `(name, label, required)`.
    pub fn fields(self) -> &'static [(&'static str, &'static str, bool)] {
        match self {
            RecordKind::Decision => &[
                ("what", "What was decided", true),
                ("rationale", "Rationale", true),
                ("restriction", "Any restriction it imposes", false),
                ("review_at", "Restriction reviewed at", false),
            ],
            RecordKind::Call => &[
                ("direction", "Direction (outgoing / incoming)", true),
                ("party", "Who was spoken to", true),
                ("organisation", "Their organisation", false),
                ("number", "Number", false),
                ("purpose", "Purpose", true),
                ("outcome", "Outcome", true),
                ("reference", "Reference numbers", false),
            ],
            RecordKind::Incident => &[
                ("key_facts", "Key facts", true),
                ("protective_actions", "Immediate protective actions", true),
                ("restriction", "Any restriction used", false),
                (
                    "restriction_rationale",
                    "Why the restriction was used",
                    false,
                ),
                ("told", "Who was told", true),
                (
                    "reg18",
                    "CQC Regulation 18 notifiable? (notifiable / not_notifiable / undecided)",
                    true,
                ),
                (
                    "safeguarding_shared_at",
                    "Shared with the local authority at",
                    false,
                ),
            ],
            RecordKind::Visit => &[
                ("visit", "Planned visit", true),
                ("actual_at", "Actual start", false),
                ("method", "Verified by (phone / in_person / paper)", true),
                ("deviation", "Deviation from the plan", false),
                ("reason", "Reason", false),
            ],
            RecordKind::Mar => &[
                ("medicine", "Medicine", true),
                ("dose", "Dose", true),
                ("due_at", "Due at", true),
                ("outcome", "Outcome (given / refused / not_given)", true),
                ("reason", "Reason if not given", false),
            ],
            RecordKind::Instruction => &[
                ("to", "To whom", true),
                ("what", "Instruction", true),
                ("follow_up", "Follow-up required", false),
                ("follow_up_due", "Follow-up due by", false),
                ("follow_up_ladder", "Ladder if missed", false),
            ],
            RecordKind::Comms => &[
                ("who", "Who was told", true),
                ("what", "What they were told", true),
                ("channel", "How (phone, email, letter)", true),
                (
                    "rule",
                    "The line of the communication protocol it answers",
                    false,
                ),
            ],
        }
    }
}

impl std::fmt::Display for RecordKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl RecordBody {
    /// The kind, as written.
    pub fn kind(&self) -> &'static str {
        match self {
            RecordBody::Decision { .. } => "decision",
            RecordBody::Call { .. } => "call",
            RecordBody::Incident { .. } => "incident",
            RecordBody::Visit { .. } => "visit",
            RecordBody::Medication { .. } => "mar",
            RecordBody::Instruction { .. } => "instruction",
            RecordBody::Comms { .. } => "comms",
            RecordBody::MeiChange { .. } => "mei",
        }
    }

    /// A one-line summary for timelines and boards.
    pub fn summary(&self) -> String {
        match self {
            RecordBody::Decision { what, .. } => format!("Decision: {what}"),
            RecordBody::Call {
                direction,
                party,
                organisation,
                outcome,
                reference,
                ..
            } => {
                let dir = match direction {
                    Direction::Outgoing => "to",
                    Direction::Incoming => "from",
                };
                let r = reference
                    .as_ref()
                    .map(|r| format!(" (ref {r})"))
                    .unwrap_or_default();
                let org = if organisation.trim().is_empty() {
                    String::new()
                } else {
                    format!(", {organisation}")
                };
                format!("Call {dir} {party}{org}: {outcome}{r}")
            }
            RecordBody::Incident { key_facts, .. } => format!("Incident: {key_facts}"),
            RecordBody::Visit {
                actual_at,
                deviation,
                ..
            } => match (actual_at, deviation) {
                (Some(_), None) => "Visit verified".to_string(),
                (Some(_), Some(d)) => format!("Visit verified with deviation: {d}"),
                (None, d) => format!(
                    "Visit did not take place: {}",
                    d.as_deref().unwrap_or("no reason")
                ),
            },
            RecordBody::Medication {
                medicine,
                outcome,
                warnings,
                ..
            } => format!(
                "Medication: {medicine} {}{}",
                match outcome {
                    DoseOutcome::Given => "given",
                    DoseOutcome::Refused => "refused",
                    DoseOutcome::NotGiven => "not given",
                },
                warnings
                    .iter()
                    .map(|w| format!(" — WARNING: {w}"))
                    .collect::<String>()
            ),
            RecordBody::Instruction { to, what, .. } => format!("Instruction to {to}: {what}"),
            RecordBody::Comms { who, what, .. } => format!("Told {who}: {what}"),
            RecordBody::MeiChange {
                content,
                provenance,
            } => format!(
                "Essential information changed: {} (from {})",
                content.kind().title(),
                provenance.source
            ),
        }
    }
}

impl DowntimeRecord {
    /// Check what types cannot.
    pub fn validate(&self) -> Result<(), FieldError> {
        let rec = format!("{} record {}", self.body.kind(), self.id);
        const LONG: usize = 10_000;
        const SHORT: usize = 300;
        if let Some(p) = &self.paper_ref {
            required(&rec, "paper_ref", p, SHORT)?;
        }
        match &self.body {
            RecordBody::Decision {
                what,
                rationale,
                restriction,
                review_at,
            } => {
                required(&rec, "what", what, LONG)?;
                required(&rec, "rationale", rationale, LONG)?;
                if let Some(r) = restriction {
                    required(&rec, "restriction", r, LONG)?;
                    if review_at.is_none() {
                        return Err(FieldError::new(
                            &rec,
                            "review_at",
                            "when the restriction will be reviewed",
                            "",
                        ));
                    }
                }
            }
            RecordBody::Call {
                party,
                organisation,
                purpose,
                outcome,
                reference,
                ..
            } => {
                required(&rec, "party", party, SHORT)?;
                optional(&rec, "organisation", organisation, SHORT)?;
                required(&rec, "purpose", purpose, LONG)?;
                required(&rec, "outcome", outcome, LONG)?;
                if let Some(r) = reference {
                    required(&rec, "reference", r, SHORT)?;
                }
            }
            RecordBody::Incident {
                key_facts,
                protective_actions,
                restriction,
                restriction_rationale,
                told,
                ..
            } => {
                required(&rec, "key_facts", key_facts, LONG)?;
                required(&rec, "protective_actions", protective_actions, LONG)?;
                required(&rec, "told", told, LONG)?;
                if let Some(r) = restriction {
                    required(&rec, "restriction", r, LONG)?;
                    match restriction_rationale {
                        Some(why) => required(&rec, "restriction_rationale", why, LONG)?,
                        None => {
                            return Err(FieldError::new(
                                &rec,
                                "restriction_rationale",
                                "why the restriction was used",
                                "",
                            ));
                        }
                    }
                }
            }
            RecordBody::Visit {
                actual_at,
                deviation,
                reason,
                ..
            } => {
                if self.visits.len() != 1 {
                    return Err(FieldError::new(
                        &rec,
                        "visit",
                        "exactly one planned visit",
                        self.visits.len().to_string(),
                    ));
                }
                if let Some(d) = deviation {
                    required(&rec, "deviation", d, LONG)?;
                }
                let needs_reason = actual_at.is_none() || deviation.is_some();
                match reason {
                    Some(r) => required(&rec, "reason", r, LONG)?,
                    None if needs_reason => {
                        return Err(FieldError::new(
                            &rec,
                            "reason",
                            "why the visit deviated or did not take place",
                            "",
                        ));
                    }
                    None => {}
                }
                if actual_at.is_none() && deviation.is_none() {
                    return Err(FieldError::new(
                        &rec,
                        "actual_at",
                        "the actual time, or a deviation explaining why there was none",
                        "",
                    ));
                }
            }
            RecordBody::Medication {
                medicine,
                dose,
                outcome,
                reason,
                ..
            } => {
                required(&rec, "medicine", medicine, SHORT)?;
                required(&rec, "dose", dose, SHORT)?;
                match (outcome, reason) {
                    (DoseOutcome::Given, Some(r)) => optional(&rec, "reason", r, LONG)?,
                    (DoseOutcome::Given, None) => {}
                    (_, Some(r)) => required(&rec, "reason", r, LONG)?,
                    (_, None) => {
                        return Err(FieldError::new(
                            &rec,
                            "reason",
                            "why the dose was refused or not given",
                            "",
                        ));
                    }
                }
            }
            RecordBody::Instruction {
                to,
                what,
                follow_up,
            } => {
                required(&rec, "to", to, SHORT)?;
                required(&rec, "what", what, LONG)?;
                if let Some(f) = follow_up {
                    required(&rec, "follow_up", &f.what, LONG)?;
                }
            }
            RecordBody::Comms {
                who, what, channel, ..
            } => {
                required(&rec, "who", who, SHORT)?;
                required(&rec, "what", what, LONG)?;
                required(&rec, "channel", channel, SHORT)?;
            }
            RecordBody::MeiChange { content, .. } => {
                content.validate(&rec)?;
                if self.people.len() != 1 {
                    return Err(FieldError::new(
                        &rec,
                        "people",
                        "exactly the person whose information changed",
                        self.people.len().to_string(),
                    ));
                }
            }
        }
        if self.people.len() > 500 || self.visits.len() > 500 {
            return Err(FieldError::new(
                &rec,
                "people",
                "at most 500 people and visits",
                "",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::RecordKind;

    #[test]
    fn a_record_kind_parses_as_typed_and_names_the_kinds_when_wrong() {
        for k in RecordKind::ALL {
            assert_eq!(RecordKind::parse(&format!(" {k} ")).unwrap(), k);
            assert!(!k.fields().is_empty(), "{k} has fields");
            let json = serde_json::to_string(&k).unwrap();
            assert_eq!(json, format!("\"{}\"", k.as_str()));
        }
        let e = RecordKind::parse("mei").unwrap_err();
        assert_eq!(e.field, "kind");
        assert!(e.expected.contains("decision, call, incident"), "{e}");
        assert!(RecordKind::Decision.needs_decider() && !RecordKind::Mar.needs_decider());
    }
}
