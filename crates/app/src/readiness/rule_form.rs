//! A rule set from a structured form: one group of fields per rule, named `rule{N}_{field}`
//! (`rule0_section`, `rule0_when` ticked once per status…), so a manager edits rules by choosing
//! and ticking, never by writing JSON. A group with neither a name nor a message is a spare row
//! left blank: that is how the page offers rows to add and how a person removes one.

use lantern_core::FieldError;
use lantern_core::ids::DependencyId;
use lantern_core::mei::{ContentCondition, MethodKind, SectionKind, SectionStatus};
use lantern_core::rules::{Effect, Rule};
use std::collections::BTreeMap;

/// More rules than this is not a form a person filled in.
const MAX_RULES: usize = 200;

/// The statuses a rule can be triggered by, in form order.
pub const STATUSES: [SectionStatus; 3] = [
    SectionStatus::Missing,
    SectionStatus::Stale,
    SectionStatus::Disputed,
];

/// The rules in a form's fields, in the order of their rows.
pub fn rules_from_form(record: &str, fields: &[(String, String)]) -> Result<Vec<Rule>, FieldError> {
    let mut rows: BTreeMap<usize, Vec<(&str, &str)>> = BTreeMap::new();
    for (k, v) in fields {
        let Some(rest) = k.strip_prefix("rule") else {
            continue;
        };
        let Some((n, field)) = rest.split_once('_') else {
            continue;
        };
        let Ok(n) = n.parse::<usize>() else {
            continue;
        };
        if n >= MAX_RULES {
            return Err(FieldError::new(
                record,
                k,
                format!("at most {MAX_RULES} rules"),
                n.to_string(),
            ));
        }
        rows.entry(n).or_default().push((field, v.as_str()));
    }
    let mut rules = Vec::new();
    for (n, row) in rows {
        let one = |f: &str| {
            row.iter()
                .rev()
                .find(|(k, _)| *k == f)
                .map_or("", |(_, v)| v.trim())
        };
        let all = |f: &str| -> Vec<&str> {
            row.iter()
                .filter(|(k, v)| *k == f && !v.trim().is_empty())
                .map(|(_, v)| v.trim())
                .collect()
        };
        let lines = |f: &str| -> Vec<String> {
            one(f)
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect()
        };
        let field = |f: &str| format!("rule{n}_{f}");
        let (id, message) = (one("id"), one("message"));
        if id.is_empty() && message.is_empty() {
            continue;
        }
        if id.is_empty() {
            return Err(FieldError::new(
                record,
                field("id"),
                "a short name for the rule (such as mobility-unconfirmed)",
                "",
            ));
        }
        if message.is_empty() {
            return Err(FieldError::new(
                record,
                field("message"),
                "the reason staff are shown when the rule applies",
                "",
            ));
        }
        let section = SectionKind::parse(one("section"))
            .map_err(|e| FieldError::new(record, field("section"), e.expected, one("section")))?;
        let when = pick(record, &field("when"), all("when"), &STATUSES, |s| {
            s.as_str()
        })?;
        let not_confirmed_via = pick(record, &field("via"), all("via"), &MethodKind::ALL, |m| {
            m.as_str()
        })?;
        let when_content = pick(
            record,
            &field("content"),
            all("content"),
            &ContentCondition::ALL,
            |c| c.as_str(),
        )?;
        let only_when_degraded = match one("degraded") {
            "" => None,
            d => Some(
                DependencyId::parse(d)
                    .map_err(|e| FieldError::new(record, field("degraded"), e.expected, d))?,
            ),
        };
        let effect = match one("effect") {
            "do_not_start" => Effect::DoNotStart,
            "warning" => Effect::Warning,
            "restrict" => Effect::Restrict {
                paused_tasks: lines("paused"),
                staffing: lines("staffing"),
                actions: lines("actions"),
            },
            other => {
                return Err(FieldError::new(
                    record,
                    field("effect"),
                    "do not start, start with restrictions, or a warning",
                    other,
                ));
            }
        };
        if rules.iter().any(|r: &Rule| r.id == id) {
            return Err(FieldError::new(
                record,
                field("id"),
                "a name no other rule in the set has",
                id,
            ));
        }
        if when.is_empty() && not_confirmed_via.is_empty() && when_content.is_empty() {
            return Err(FieldError::new(
                record,
                field("when"),
                format!(
                    "at least one thing that makes rule {id} apply (a status, a confirmation method or what the section says)"
                ),
                "nothing ticked",
            ));
        }
        rules.push(Rule {
            id: id.to_string(),
            section,
            when,
            not_confirmed_via,
            when_content,
            only_when_degraded,
            effect,
            message: message.to_string(),
        });
    }
    Ok(rules)
}

/// Each ticked value as the item of `known` it names; anything else is refused naming the field
/// and what it takes.
fn pick<T: Copy>(
    record: &str,
    field: &str,
    ticked: Vec<&str>,
    known: &[T],
    name: fn(T) -> &'static str,
) -> Result<Vec<T>, FieldError> {
    ticked
        .into_iter()
        .map(|v| {
            known
                .iter()
                .copied()
                .find(|k| name(*k) == v)
                .ok_or_else(|| {
                    let all: Vec<&str> = known.iter().map(|k| name(*k)).collect();
                    FieldError::new(record, field, format!("one of {}", all.join(", ")), v)
                })
        })
        .collect()
}

/// The form's fields holding `rules`, to show a rule set for editing.
pub fn rules_to_form(rules: &[Rule]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (n, r) in rules.iter().enumerate() {
        let mut put = |f: &str, v: &str| out.push((format!("rule{n}_{f}"), v.to_string()));
        put("id", &r.id);
        put("section", r.section.as_str());
        for s in &r.when {
            put("when", s.as_str());
        }
        for m in &r.not_confirmed_via {
            put("via", m.as_str());
        }
        for c in &r.when_content {
            put("content", c.as_str());
        }
        if let Some(d) = &r.only_when_degraded {
            put("degraded", d.as_str());
        }
        match &r.effect {
            Effect::DoNotStart => put("effect", "do_not_start"),
            Effect::Warning => put("effect", "warning"),
            Effect::Restrict {
                paused_tasks,
                staffing,
                actions,
            } => {
                put("effect", "restrict");
                put("paused", &paused_tasks.join("\n"));
                put("staffing", &staffing.join("\n"));
                put("actions", &actions.join("\n"));
            }
        }
        put("message", &r.message);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(id: &str, effect: Effect) -> Rule {
        Rule {
            id: id.into(),
            section: SectionKind::Mobility,
            when: vec![SectionStatus::Missing, SectionStatus::Stale],
            not_confirmed_via: vec![MethodKind::Portal],
            when_content: vec![ContentCondition::FallsRiskUnknown],
            only_when_degraded: Some(DependencyId::parse("referral-portal").unwrap()),
            effect,
            message: "Mobility not confirmed".into(),
        }
    }

    #[test]
    fn a_rule_set_goes_through_the_form_unchanged_and_blank_rows_are_not_rules() {
        let rules = vec![
            rule(
                "a",
                Effect::Restrict {
                    paused_tasks: vec!["manual handling".into(), "bathing".into()],
                    staffing: vec![],
                    actions: vec!["confirm with the ward".into()],
                },
            ),
            rule("b", Effect::DoNotStart),
            rule("c", Effect::Warning),
        ];
        let mut fields = rules_to_form(&rules);
        // A spare row as the page offers it: a section chosen, nothing typed.
        fields.push(("rule3_section".into(), "risks".into()));
        fields.push(("rule3_effect".into(), "warning".into()));
        assert_eq!(rules_from_form("r", &fields).unwrap(), rules);
    }

    #[test]
    fn errors_name_the_rule_and_field() {
        let f = |pairs: &[(&str, &str)]| {
            let fields: Vec<(String, String)> = pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            rules_from_form("rule set rapid-start v2", &fields).unwrap_err()
        };
        let e = f(&[("rule0_message", "Say why"), ("rule0_section", "risks")]);
        assert_eq!(e.field, "rule0_id");
        let e = f(&[
            ("rule1_id", "x"),
            ("rule1_message", "m"),
            ("rule1_section", "risks"),
            ("rule1_effect", "maybe"),
        ]);
        assert_eq!(
            (e.field.as_str(), e.record.as_str()),
            ("rule1_effect", "rule set rapid-start v2")
        );
        let e = f(&[
            ("rule0_id", "x"),
            ("rule0_message", "m"),
            ("rule0_section", "risks"),
            ("rule0_effect", "warning"),
            ("rule0_when", "confirmed"),
        ]);
        assert_eq!(e.field, "rule0_when");
    }
}
