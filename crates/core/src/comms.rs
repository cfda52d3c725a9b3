//! The communication protocol: per service, who is told (commissioners, families, partners)
//! about which disruptions, by when and how, with the message to use. A declared disruption
//! lists the communications due by its services' protocols; each is done once a communication
//! record answers it, and overdue once its time has passed without one.

use crate::FieldError;
use crate::disruption::{Disruption, Severity};
use crate::disruption_view::DisruptionView;
use crate::ids::{CommsRuleId, DependencyId, RecordId, ServiceId};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

word_enum!(
    /// Who is told.
    Audience {
        /// The commissioning local authority or ICB.
        Commissioner => "commissioner", "commissioners",
        /// Families and representatives of the people affected.
        Family => "family", "families and representatives",
        /// Partner organisations (GP, district nurses, subcontractors).
        Partner => "partner", "partner organisations",
        /// The regulator (CQC).
        Regulator => "regulator", "the regulator (CQC)",
        /// Our own staff.
        Staff => "staff", "our staff",
    }
);

word_enum!(
    /// Which disruptions a rule is for, by severity.
    Trigger {
        /// Any disruption.
        Any => "any", "any disruption",
        /// Major or critical.
        Major => "major", "major or critical disruptions",
        /// Critical only.
        Critical => "critical", "critical disruptions only",
    }
);

impl Trigger {
    /// Whether a disruption of this severity calls for it.
    pub fn matches(self, s: Severity) -> bool {
        match self {
            Trigger::Any => true,
            Trigger::Major => s >= Severity::Major,
            Trigger::Critical => s == Severity::Critical,
        }
    }
}

/// One line of a service's communication protocol.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CommsRule {
    /// Identifier.
    pub id: CommsRuleId,
    /// The service whose protocol it is.
    pub service: ServiceId,
    /// Who is told, in kind.
    pub audience: Audience,
    /// Who exactly ("Northshire County Council commissioning team").
    pub who: String,
    /// Which disruptions, by severity.
    pub trigger: Trigger,
    /// Only disruptions of these dependencies; empty: any.
    #[serde(default)]
    pub dependencies: Vec<DependencyId>,
    /// Minutes after the declaration by which they are told.
    pub within_minutes: u32,
    /// How ("phone the duty commissioner, then email").
    pub how: String,
    /// The message, with `{title}`, `{service}`, `{started}` and `{severity}` filled in.
    pub template: String,
}

/// The longest a protocol may allow before telling someone: a week.
pub const MAX_WITHIN_MINUTES: u32 = 7 * 24 * 60;

/// A rule as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CommsRuleInput {
    /// The service.
    pub service: String,
    /// commissioner, family, partner, regulator or staff.
    pub audience: String,
    /// Who exactly.
    pub who: String,
    /// any, major or critical.
    pub trigger: String,
    /// Only these dependencies (empty: any).
    #[serde(default)]
    pub dependencies: Vec<String>,
    /// Minutes after the declaration.
    pub within_minutes: String,
    /// How.
    pub how: String,
    /// The message.
    pub template: String,
}

impl CommsRuleInput {
    /// Check and convert (whether the service and dependencies exist is for the caller).
    pub fn parse(&self, id: CommsRuleId) -> Result<CommsRule, FieldError> {
        let rec = format!("communication rule {id}");
        let service = ServiceId::parse(self.service.trim())
            .map_err(|e| e.in_record(&rec).with_field("service"))?;
        let audience = Audience::parse(&rec, "audience", &self.audience)?;
        crate::text::required(&rec, "who", &self.who, 300)?;
        let trigger = Trigger::parse(&rec, "trigger", &self.trigger)?;
        let mut dependencies = Vec::new();
        for (i, d) in self.dependencies.iter().enumerate() {
            let d = d.trim();
            if d.is_empty() {
                continue;
            }
            dependencies.push(
                DependencyId::parse(d)
                    .map_err(|e| e.in_record(&rec).with_field(&format!("dependencies[{i}]")))?,
            );
        }
        let within_minutes = self
            .within_minutes
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|m| (1..=MAX_WITHIN_MINUTES).contains(m))
            .ok_or_else(|| {
                FieldError::new(
                    &rec,
                    "within_minutes",
                    format!("a whole number of minutes from 1 to {MAX_WITHIN_MINUTES}"),
                    &self.within_minutes,
                )
            })?;
        crate::text::required(&rec, "how", &self.how, 300)?;
        crate::text::required(&rec, "template", &self.template, 5_000)?;
        Ok(CommsRule {
            id,
            service,
            audience,
            who: self.who.trim().to_string(),
            trigger,
            dependencies,
            within_minutes,
            how: self.how.trim().to_string(),
            template: self.template.trim().to_string(),
        })
    }
}

impl CommsRule {
    /// Whether a declared disruption calls for it: one of its services, its severity, and (if the
    /// rule names any) one of its dependencies.
    pub fn applies(&self, d: &Disruption) -> bool {
        let services: Vec<&ServiceId> = match &d.limited_to {
            Some(s) => vec![s],
            None => d.services.iter().collect(),
        };
        services.contains(&&self.service)
            && self.trigger.matches(d.severity)
            && (self.dependencies.is_empty()
                || self.dependencies.iter().any(|x| d.dependencies.contains(x)))
    }

    /// The message for a disruption, its placeholders filled in.
    pub fn message(&self, d: &Disruption, service_name: &str) -> String {
        let severity = match d.severity {
            Severity::Minor => "minor",
            Severity::Major => "major",
            Severity::Critical => "critical",
        };
        self.template
            .replace("{title}", &d.title)
            .replace("{service}", service_name)
            .replace("{started}", &crate::time::show(d.started_at))
            .replace("{severity}", severity)
    }
}

/// Where one communication due stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommsState {
    /// A communication record answers it.
    Done,
    /// Not yet, and its time has not passed.
    Due,
    /// Not done and its time has passed.
    Overdue,
}

/// One communication a disruption's protocol calls for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CommsDue {
    /// The rule.
    pub rule: CommsRule,
    /// By when (the declaration plus the rule's minutes).
    pub due_at: Timestamp,
    /// The record that answers it and when it happened, if any.
    pub done: Option<(RecordId, Timestamp)>,
    /// Where it stands at `now`.
    pub state: CommsState,
}

/// The communications a disruption's protocol calls for, by due time: each rule that applies,
/// due its minutes after the declaration, done by the first communication record answering it,
/// overdue once `now` is past its time without one. Nothing while only proposed.
pub fn due(rules: &[CommsRule], v: &DisruptionView, now: Timestamp) -> Vec<CommsDue> {
    let Some(d) = &v.disruption else {
        return vec![];
    };
    let declared = v
        .stages
        .iter()
        .find(|s| s.stage == crate::disruption::Stage::Declared)
        .map_or(d.started_at, |s| s.at);
    let mut out: Vec<CommsDue> = rules
        .iter()
        .filter(|r| r.applies(d))
        .map(|r| {
            let due_at = declared
                .checked_add(SignedDuration::from_mins(i64::from(r.within_minutes)))
                .unwrap_or(declared);
            let done = v.records.iter().find_map(|e| match &e.record.body {
                crate::downtime::RecordBody::Comms { rule: Some(id), .. } if id == &r.id => {
                    Some((e.record.id.clone(), e.occurred_at))
                }
                _ => None,
            });
            let state = match (&done, now > due_at) {
                (Some(_), _) => CommsState::Done,
                (None, true) => CommsState::Overdue,
                (None, false) => CommsState::Due,
            };
            CommsDue {
                rule: r.clone(),
                due_at,
                done,
                state,
            }
        })
        .collect();
    out.sort_by(|a, b| (a.due_at, &a.rule.id).cmp(&(b.due_at, &b.rule.id)));
    out
}
