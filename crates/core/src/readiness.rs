//! Readiness: a pure function from a rule set, section states and degraded dependencies to an outcome.

use crate::ids::DependencyId;
use crate::mei::{SectionKind, SectionState, SectionStatus};
use crate::rules::{Effect, HandoverPoint, RuleSet};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Whether care can start or continue.
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
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Go.
    Go,
    /// Go, with restrictions.
    GoWithRestrictions,
    /// Do not start.
    DoNotStart,
}

impl Outcome {
    /// As shown to staff.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Go => "GO",
            Outcome::GoWithRestrictions => "GO WITH RESTRICTIONS",
            Outcome::DoNotStart => "DO NOT START",
        }
    }
}

/// Why the outcome is what it is: one rule that fired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Reason {
    /// The rule.
    pub rule: String,
    /// The section it read.
    pub section: SectionKind,
    /// The section's status.
    pub status: SectionStatus,
    /// What it means.
    pub effect: Effect,
    /// The message for staff.
    pub message: String,
    /// What in the section's content made it fire, when the rule reads content.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub content: Vec<String>,
}

/// The restrictions in force, merged over all rules that fired.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Restrictions {
    /// Tasks paused.
    pub paused_tasks: Vec<String>,
    /// Staffing requirements.
    pub staffing: Vec<String>,
    /// Required actions.
    pub actions: Vec<String>,
}

impl Restrictions {
    /// No restriction at all.
    pub fn is_empty(&self) -> bool {
        self.paused_tasks.is_empty() && self.staffing.is_empty() && self.actions.is_empty()
    }

    /// What `self` had that `now` no longer has: the restrictions that lifted.
    pub fn lifted_in(&self, now: &Restrictions) -> Restrictions {
        let gone = |a: &Vec<String>, b: &Vec<String>| {
            a.iter().filter(|x| !b.contains(x)).cloned().collect()
        };
        Restrictions {
            paused_tasks: gone(&self.paused_tasks, &now.paused_tasks),
            staffing: gone(&self.staffing, &now.staffing),
            actions: gone(&self.actions, &now.actions),
        }
    }
}

/// The result of a readiness check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Readiness {
    /// Handover point checked.
    pub handover: HandoverPoint,
    /// Rule-set version used.
    pub rule_set_version: u32,
    /// Outcome.
    pub outcome: Outcome,
    /// Every rule that fired.
    pub reasons: Vec<Reason>,
    /// Restrictions in force (when the outcome is go with restrictions).
    pub restrictions: Restrictions,
    /// Dependencies that were degraded when checked.
    pub degraded: Vec<DependencyId>,
}

/// Evaluate a rule set. Sections absent from `states` count as missing.
pub fn evaluate(
    rules: &RuleSet,
    states: &[SectionState],
    degraded: &BTreeSet<DependencyId>,
) -> Readiness {
    let mut outcome = Outcome::Go;
    let mut reasons = Vec::new();
    let mut restrictions = Restrictions::default();
    for rule in &rules.rules {
        if let Some(dep) = &rule.only_when_degraded
            && !degraded.contains(dep)
        {
            continue;
        }
        let state = states
            .iter()
            .find(|s| s.kind == rule.section)
            .copied()
            .unwrap_or(SectionState::missing(rule.section));
        let by_status = rule.when.contains(&state.status);
        let by_method = state.status == SectionStatus::Confirmed
            && state
                .method
                .is_some_and(|m| rule.not_confirmed_via.contains(&m));
        let by_content = state.conditions.matching(&rule.when_content);
        if !(by_status || by_method || !by_content.is_empty()) {
            continue;
        }
        match &rule.effect {
            Effect::DoNotStart => outcome = Outcome::DoNotStart,
            Effect::Restrict {
                paused_tasks,
                staffing,
                actions,
            } => {
                outcome = outcome.max(Outcome::GoWithRestrictions);
                push_unique(&mut restrictions.paused_tasks, paused_tasks);
                push_unique(&mut restrictions.staffing, staffing);
                push_unique(&mut restrictions.actions, actions);
            }
            Effect::Warning => {}
        }
        reasons.push(Reason {
            rule: rule.id.clone(),
            section: rule.section,
            status: state.status,
            effect: rule.effect.clone(),
            message: rule.message.clone(),
            content: by_content.iter().map(|c| c.label().to_string()).collect(),
        });
    }
    Readiness {
        handover: rules.handover,
        rule_set_version: rules.version,
        outcome,
        reasons,
        restrictions,
        degraded: degraded.iter().cloned().collect(),
    }
}

fn push_unique(into: &mut Vec<String>, from: &[String]) {
    for x in from {
        if !into.contains(x) {
            into.push(x.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mei::{ALL_SECTIONS, MethodKind};
    use crate::rules::default_rule_sets;
    use proptest::prelude::*;

    fn states(f: impl Fn(SectionKind) -> SectionStatus) -> Vec<SectionState> {
        ALL_SECTIONS
            .iter()
            .map(|&k| SectionState {
                kind: k,
                status: f(k),
                method: Some(MethodKind::Portal),
                conditions: Default::default(),
            })
            .collect()
    }

    #[test]
    fn s1_partial_referral_starts_with_restrictions_then_lifts() {
        let rs = default_rule_sets().remove(0);
        assert_eq!(rs.handover, HandoverPoint::RapidStart);
        let none = BTreeSet::new();
        let before = evaluate(
            &rs,
            &states(|k| match k {
                SectionKind::Mobility | SectionKind::Risks => SectionStatus::Stale,
                _ => SectionStatus::Confirmed,
            }),
            &none,
        );
        assert_eq!(before.outcome, Outcome::GoWithRestrictions);
        assert!(
            before
                .restrictions
                .paused_tasks
                .contains(&"manual handling".to_string())
        );
        assert!(
            before
                .restrictions
                .staffing
                .contains(&"senior carer attends".to_string())
        );
        let after = evaluate(&rs, &states(|_| SectionStatus::Confirmed), &none);
        assert_eq!(after.outcome, Outcome::Go);
        let lifted = before.restrictions.lifted_in(&after.restrictions);
        assert_eq!(lifted.paused_tasks, vec!["manual handling".to_string()]);
    }

    #[test]
    fn degraded_only_rules_fire_only_while_degraded() {
        let mut rs = default_rule_sets().remove(0);
        let portal = DependencyId::parse("referral-portal").unwrap();
        rs.rules.push(crate::rules::Rule {
            id: "explicit-mobility".into(),
            section: SectionKind::Mobility,
            when: vec![],
            not_confirmed_via: vec![MethodKind::Portal],
            when_content: vec![],
            only_when_degraded: Some(portal.clone()),
            effect: Effect::Restrict {
                paused_tasks: vec!["manual handling".into()],
                staffing: vec![],
                actions: vec![],
            },
            message: "Portal degraded: confirm mobility explicitly".into(),
        });
        let all_ok = states(|_| SectionStatus::Confirmed);
        assert_eq!(
            evaluate(&rs, &all_ok, &BTreeSet::new()).outcome,
            Outcome::Go
        );
        let r = evaluate(&rs, &all_ok, &BTreeSet::from([portal]));
        assert_eq!(r.outcome, Outcome::GoWithRestrictions);
        assert_eq!(r.reasons[0].rule, "explicit-mobility");
    }

    #[test]
    fn missing_escalation_route_means_do_not_start() {
        let rs = default_rule_sets().remove(0);
        let st: Vec<_> = states(|_| SectionStatus::Confirmed)
            .into_iter()
            .filter(|s| s.kind != SectionKind::Escalation)
            .collect();
        assert_eq!(
            evaluate(&rs, &st, &BTreeSet::new()).outcome,
            Outcome::DoNotStart
        );
    }

    fn status() -> impl Strategy<Value = SectionStatus> {
        prop_oneof![
            Just(SectionStatus::Confirmed),
            Just(SectionStatus::Stale),
            Just(SectionStatus::Missing),
            Just(SectionStatus::Disputed)
        ]
    }

    proptest! {
        /// Making any one section worse never makes the outcome better, and all-confirmed is always go.
        #[test]
        fn outcome_is_monotone(sts in proptest::collection::vec(status(), 6), which in 0usize..6, worse in status()) {
            for rs in default_rule_sets() {
                let base: Vec<_> = ALL_SECTIONS.iter().zip(&sts)
                    .map(|(&k, &s)| SectionState { kind: k, status: s, method: Some(MethodKind::Phone), conditions: Default::default() }).collect();
                let r1 = evaluate(&rs, &base, &BTreeSet::new());
                let all_ok: Vec<_> = base.iter().map(|s| SectionState { status: SectionStatus::Confirmed, ..*s }).collect();
                prop_assert_eq!(evaluate(&rs, &all_ok, &BTreeSet::new()).outcome, Outcome::Go);
                if base[which].status == SectionStatus::Confirmed && worse != SectionStatus::Confirmed {
                    let mut b2 = base.clone();
                    b2[which].status = worse;
                    prop_assert!(evaluate(&rs, &b2, &BTreeSet::new()).outcome >= r1.outcome);
                }
            }
        }
    }
}
