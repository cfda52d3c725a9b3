//! Handover points and their versioned rule sets: data, editable, each change a new version.

use crate::FieldError;
use crate::ids::DependencyId;
use crate::mei::{ContentCondition, MethodKind, SectionKind, SectionStatus};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// A point in a pathway where care starts or passes between hands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum HandoverPoint {
    /// A rapid-start referral (care must begin within 24 hours).
    RapidStart,
    /// Discharge from hospital.
    HospitalDischarge,
    /// A visit made by a subcontractor.
    SubcontractedVisit,
    /// An ordinary visit.
    RoutineVisit,
    /// Transfer between services.
    Transfer,
}

/// All handover points.
pub const ALL_HANDOVERS: [HandoverPoint; 5] = [
    HandoverPoint::RapidStart,
    HandoverPoint::HospitalDischarge,
    HandoverPoint::SubcontractedVisit,
    HandoverPoint::RoutineVisit,
    HandoverPoint::Transfer,
];

impl HandoverPoint {
    /// Name as typed and stored.
    pub fn as_str(self) -> &'static str {
        match self {
            HandoverPoint::RapidStart => "rapid-start",
            HandoverPoint::HospitalDischarge => "hospital-discharge",
            HandoverPoint::SubcontractedVisit => "subcontracted-visit",
            HandoverPoint::RoutineVisit => "routine-visit",
            HandoverPoint::Transfer => "transfer",
        }
    }

    /// In words, for people: "Rapid start".
    pub fn words(self) -> &'static str {
        match self {
            HandoverPoint::RapidStart => "Rapid start",
            HandoverPoint::HospitalDischarge => "Hospital discharge",
            HandoverPoint::SubcontractedVisit => "Subcontracted visit",
            HandoverPoint::RoutineVisit => "Routine visit",
            HandoverPoint::Transfer => "Transfer",
        }
    }

    /// Parse a handover name.
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        ALL_HANDOVERS.into_iter().find(|h| h.as_str() == s).ok_or_else(|| {
            FieldError::new(
                "input",
                "handover",
                "one of rapid-start, hospital-discharge, subcontracted-visit, routine-visit, transfer",
                s,
            )
        })
    }
}

impl fmt::Display for HandoverPoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// What a gap means for care.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Effect {
    /// Care must not start.
    DoNotStart,
    /// Care may start with these restrictions.
    Restrict {
        /// Tasks paused (such as manual handling).
        #[serde(default)]
        paused_tasks: Vec<String>,
        /// Staffing requirements (such as a senior carer attends).
        #[serde(default)]
        staffing: Vec<String>,
        /// Actions required (such as confirming safeguarding status with the duty line).
        #[serde(default)]
        actions: Vec<String>,
    },
    /// Care may start; someone should know.
    Warning,
}

/// One rule: when a section is in one of these states, this is what it means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Short identifier, unique in the set.
    pub id: String,
    /// The section it reads.
    pub section: SectionKind,
    /// Statuses that trigger it.
    #[serde(default)]
    pub when: Vec<SectionStatus>,
    /// Also triggers when the section is confirmed, but only by one of these methods
    /// (such as: a portal confirmation is not enough while the portal is degraded).
    #[serde(default)]
    pub not_confirmed_via: Vec<MethodKind>,
    /// Also triggers, whatever the status, when the section's content shows one of these (a
    /// safeguarding status still to confirm, a value noted before admission...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub when_content: Vec<crate::mei::ContentCondition>,
    /// Applies only while this dependency is degraded.
    #[serde(default)]
    pub only_when_degraded: Option<DependencyId>,
    /// What it means.
    pub effect: Effect,
    /// The reason shown to staff.
    pub message: String,
}

impl Rule {
    /// The rule in a sentence for a reader: when it applies, what it means, what staff see.
    /// A dependency is named by its id (a page puts its name in).
    pub fn describe(&self) -> String {
        let mut when: Vec<String> = Vec::new();
        if !self.when.is_empty() {
            let s: Vec<&str> = self.when.iter().map(|s| s.as_str()).collect();
            when.push(format!("is {}", s.join(" or ")));
        }
        if !self.not_confirmed_via.is_empty() {
            let m: Vec<&str> = self.not_confirmed_via.iter().map(|m| m.words()).collect();
            when.push(format!("was confirmed only through {}", m.join(" or ")));
        }
        if !self.when_content.is_empty() {
            let c: Vec<&str> = self.when_content.iter().map(|c| c.label()).collect();
            when.push(format!("shows that {}", c.join(", or ")));
        }
        let mut out = format!(
            "When {} {}",
            self.section.title().to_lowercase(),
            when.join(", or ")
        );
        if let Some(d) = &self.only_when_degraded {
            out.push_str(&format!(" (only while {d} is down)"));
        }
        out.push_str(": ");
        out.push_str(&match &self.effect {
            Effect::DoNotStart => "do not start".to_string(),
            Effect::Warning => "start, with a warning".to_string(),
            Effect::Restrict {
                paused_tasks,
                staffing,
                actions,
            } => {
                let mut parts = Vec::new();
                if !paused_tasks.is_empty() {
                    parts.push(format!("pause {}", paused_tasks.join(", ")));
                }
                if !staffing.is_empty() {
                    parts.push(staffing.join(", "));
                }
                if !actions.is_empty() {
                    parts.push(actions.join(", "));
                }
                if parts.is_empty() {
                    "start with restrictions".to_string()
                } else {
                    format!("start with restrictions ({})", parts.join("; "))
                }
            }
        });
        out.push_str(&format!(". Staff see: \u{201c}{}\u{201d}", self.message));
        out
    }
}

/// A versioned rule set for one handover point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RuleSet {
    /// Which handover point.
    pub handover: HandoverPoint,
    /// Version, from 1.
    pub version: u32,
    /// The rules.
    pub rules: Vec<Rule>,
}

impl RuleSet {
    /// Check a rule set before it is published.
    pub fn validate(&self) -> Result<(), FieldError> {
        let rec = format!("rule set {} v{}", self.handover, self.version);
        if self.rules.len() > 500 {
            return Err(FieldError::new(
                &rec,
                "rules",
                "at most 500 rules",
                self.rules.len().to_string(),
            ));
        }
        let mut ids = BTreeSet::new();
        for (i, r) in self.rules.iter().enumerate() {
            let f = |name: &str| format!("rules[{i}].{name}");
            if r.id.trim().is_empty() || !ids.insert(r.id.clone()) {
                return Err(FieldError::new(
                    &rec,
                    f("id"),
                    "a non-empty identifier, unique in the set",
                    &r.id,
                ));
            }
            if r.when.is_empty() && r.not_confirmed_via.is_empty() && r.when_content.is_empty() {
                return Err(FieldError::new(
                    &rec,
                    f("when"),
                    "at least one status (missing, stale, disputed, confirmed), a not_confirmed_via method or a when_content condition",
                    "[]",
                ));
            }
            if r.message.trim().is_empty() {
                return Err(FieldError::new(
                    &rec,
                    f("message"),
                    "the reason shown to staff",
                    "",
                ));
            }
            if let Effect::Restrict {
                paused_tasks,
                staffing,
                actions,
            } = &r.effect
                && paused_tasks.is_empty()
                && staffing.is_empty()
                && actions.is_empty()
            {
                return Err(FieldError::new(
                    &rec,
                    f("effect"),
                    "a restriction naming paused_tasks, staffing or actions",
                    "restrict with nothing",
                ));
            }
        }
        Ok(())
    }
}

fn restrict(paused: &[&str], staffing: &[&str], actions: &[&str]) -> Effect {
    let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect();
    Effect::Restrict {
        paused_tasks: v(paused),
        staffing: v(staffing),
        actions: v(actions),
    }
}

fn rule(
    id: &str,
    section: SectionKind,
    when: &[SectionStatus],
    effect: Effect,
    message: &str,
) -> Rule {
    Rule {
        id: id.into(),
        section,
        when: when.to_vec(),
        not_confirmed_via: vec![],
        when_content: vec![],
        only_when_degraded: None,
        effect,
        message: message.into(),
    }
}

/// The rule sets a new organisation starts with (version 1 of each handover point).
pub fn default_rule_sets() -> Vec<RuleSet> {
    use SectionKind::*;
    use SectionStatus::*;
    let gaps = [Missing, Stale, Disputed];
    let core = |h: HandoverPoint| {
        let mut rules = vec![
            rule(
                "escalation-route",
                Escalation,
                &[Missing],
                Effect::DoNotStart,
                "No named escalation route: nobody to call for an urgent decision.",
            ),
            rule(
                "escalation-route-stale",
                Escalation,
                &[Stale, Disputed],
                restrict(
                    &[],
                    &[],
                    &["Confirm the escalation route by phone before the visit"],
                ),
                "Escalation route not confirmed recently.",
            ),
            rule(
                "medication-missing",
                Medication,
                &[Missing],
                Effect::DoNotStart,
                "Medication support needs unknown: medicines cannot be supported safely.",
            ),
            rule(
                "medication-unconfirmed",
                Medication,
                &[Stale, Disputed],
                restrict(
                    &["medication administration"],
                    &[],
                    &["Confirm current medicines with the GP practice or pharmacy"],
                ),
                "Medication list not confirmed: administer only once confirmed.",
            ),
            rule(
                "mobility-unconfirmed",
                Mobility,
                &gaps,
                restrict(
                    &["manual handling"],
                    &["senior carer attends"],
                    &["Confirm mobility and falls risk with the hospital discharge team"],
                ),
                "Mobility and falls risk not confirmed: manual handling paused until mobility is confirmed.",
            ),
            rule(
                "risks-unconfirmed",
                Risks,
                &gaps,
                restrict(
                    &[],
                    &["senior carer attends"],
                    &["Confirm safeguarding status with the local authority duty line"],
                ),
                "Risks and safeguarding status not confirmed.",
            ),
            rule(
                "communication-gap",
                Communication,
                &gaps,
                Effect::Warning,
                "Communication needs not confirmed: check the preferred approach on arrival.",
            ),
            rule(
                "consent-gap",
                Consent,
                &gaps,
                Effect::Warning,
                "Consent and capacity not confirmed: seek consent for each task and record it.",
            ),
        ];
        // Rules that read content: re-confirming a section unchanged never lifts these.
        let content_rule =
            |id: &str, section, when: &[ContentCondition], effect, message: &str| Rule {
                when: vec![],
                when_content: when.to_vec(),
                ..rule(id, section, &[], effect, message)
            };
        rules.extend([
            content_rule(
                "safeguarding-to-confirm",
                Risks,
                &[ContentCondition::SafeguardingToConfirm],
                restrict(
                    &[],
                    &["senior carer attends"],
                    &["Confirm safeguarding status with the local authority duty line"],
                ),
                "The risks section still says safeguarding status is to be confirmed.",
            ),
            content_rule(
                "medication-support-unknown",
                Medication,
                &[ContentCondition::SupportUnknown],
                restrict(
                    &["medication administration"],
                    &[],
                    &["Confirm the medication support needed (prompt, assist or administer)"],
                ),
                "Medicines are listed but the support needed is not stated.",
            ),
            content_rule(
                "escalation-not-dialable",
                Escalation,
                &[ContentCondition::NoDialableNumber],
                restrict(
                    &[],
                    &[],
                    &["Get a number that can be dialled for the escalation route before the visit"],
                ),
                "No step of the escalation route has a number that can be dialled.",
            ),
            content_rule(
                "allergies-not-stated",
                Medication,
                &[ContentCondition::AllergiesNotStated],
                Effect::Warning,
                "No allergy is listed and 'no known allergies' is not stated: ask, and record the answer, before giving anything new.",
            ),
            content_rule(
                "mobility-content-pending",
                Mobility,
                &[
                    ContentCondition::PendingNote,
                    ContentCondition::FallsRiskUnknown,
                    ContentCondition::MobilityUnknown,
                ],
                restrict(
                    &["manual handling"],
                    &["senior carer attends"],
                    &["Confirm mobility and falls risk with the hospital discharge team"],
                ),
                "Mobility content is not current (noted before admission, or not stated): manual handling paused until it is amended.",
            ),
        ]);
        if h == HandoverPoint::RoutineVisit {
            // A known person on a routine visit: stale information is a warning, not a restriction.
            for r in rules.iter_mut() {
                if r.when.contains(&Stale) && !matches!(r.effect, Effect::DoNotStart) {
                    r.when.retain(|s| *s != Stale);
                    if r.when.is_empty() {
                        r.when.push(Disputed);
                    }
                }
            }
            rules.push(rule(
                "routine-stale",
                Mobility,
                &[Stale],
                Effect::Warning,
                "Mobility guidance is due for review.",
            ));
        }
        RuleSet {
            handover: h,
            version: 1,
            rules,
        }
    };
    crate::rules::ALL_HANDOVERS.into_iter().map(core).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_round_trip() {
        for rs in default_rule_sets() {
            rs.validate().unwrap();
            let back: RuleSet = serde_json::from_str(&serde_json::to_string(&rs).unwrap()).unwrap();
            assert_eq!(back, rs);
        }
    }

    #[test]
    fn validation_names_the_rule() {
        let mut rs = default_rule_sets().remove(0);
        rs.rules[2].message = " ".into();
        let e = rs.validate().unwrap_err();
        assert_eq!(e.field, "rules[2].message");
        rs.rules[2].message = "x".into();
        rs.rules[3].id = rs.rules[0].id.clone();
        assert_eq!(rs.validate().unwrap_err().field, "rules[3].id");
    }
}
