//! A section's content from a structured form: each field is named by its path in the content
//! (`medicines[1].name`, `safeguarding.status`), so an error names the same field the page shows.
//!
//! The shape of each section says what a field holds: `""` one line of text (or a choice), `null`
//! text that may be left blank, `false` a tick box, `[""]` a list typed one per line, `[","]` a
//! list typed on one line with commas, `[{…}]` repeated rows. A row left wholly blank is not an
//! item: that is how a page offers spare rows and how a person removes one.

use lantern_core::FieldError;
use lantern_core::mei::SectionKind;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// More rows than this in one list is not a form a person filled in.
const MAX_ROWS: usize = 200;

/// What each field of a section's form holds.
pub fn shape(kind: SectionKind) -> Value {
    match kind {
        SectionKind::Risks => json!({
            "risks": [{"description": "", "triggers": [""], "what_helps": [""]}],
            "safeguarding": {"status": "", "note": null},
            "behaviours_that_challenge": [""],
            "restrictive_practice": null,
        }),
        SectionKind::Medication => json!({
            "support_level": "",
            "medicines": [{"name": "", "dose": "", "times": [","], "time_critical": false, "notes": null}],
            "allergies": [{"substance": "", "reaction": ""}],
            "no_known_allergies": false,
        }),
        SectionKind::Mobility => json!({
            "aids_indoors": [""], "aids_outdoors": [""], "transfers": "", "manual_handling_plan": "",
            "falls_risk": "", "recent_falls_or_admissions": [""],
        }),
        SectionKind::Communication => json!({
            "language": "", "interpreter_needed": false, "hearing": null, "sight": null,
            "preferred_approach": "", "de_escalation_prompts": [""],
        }),
        SectionKind::Consent => json!({
            "capacity_notes": [{"decision": "", "note": ""}],
            "lpa_or_deputy": null, "dnacpr_respect": null, "dols_status": null,
        }),
        SectionKind::Escalation => json!({
            "route": [{"name": "", "role": "", "phone": "", "when": ""}],
        }),
    }
}

enum Seg {
    Key(String),
    Index(usize),
}

fn parse_path(record: &str, path: &str) -> Result<Vec<Seg>, FieldError> {
    let bad = || FieldError::new(record, path, "a field of this section's form", path);
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, rest) = part.split_once('[').unwrap_or((part, ""));
        if key.is_empty() {
            return Err(bad());
        }
        out.push(Seg::Key(key.to_string()));
        if !rest.is_empty() {
            let n = rest.strip_suffix(']').ok_or_else(bad)?;
            let i: usize = n.parse().map_err(|_| bad())?;
            if i >= MAX_ROWS {
                return Err(FieldError::new(
                    record,
                    path,
                    format!("at most {MAX_ROWS} rows"),
                    n,
                ));
            }
            out.push(Seg::Index(i));
        }
    }
    Ok(out)
}

/// A tree being filled: rows are kept by their index until the end.
enum Node {
    Leaf(Value),
    Object(BTreeMap<String, Node>),
    Rows(BTreeMap<usize, Node>),
}

fn leaf(record: &str, path: &str, shape: &Value, v: &str) -> Result<Value, FieldError> {
    let v = v.trim();
    Ok(match shape {
        Value::Object(_) => return Err(FieldError::new(record, path, "one of its fields", v)),
        Value::Array(a) if a.first().is_some_and(Value::is_object) => {
            return Err(FieldError::new(record, path, "a numbered row", v));
        }
        Value::Null if v.is_empty() => Value::Null,
        Value::Bool(_) => match v {
            "true" | "on" | "yes" => Value::Bool(true),
            "false" | "" => Value::Bool(false),
            _ => return Err(FieldError::new(record, path, "ticked or not", v)),
        },
        Value::Array(a) => {
            let sep = if a.first() == Some(&json!(",")) {
                &[',', '\n'][..]
            } else {
                &['\n'][..]
            };
            Value::Array(
                v.split(sep)
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| Value::String(s.to_string()))
                    .collect(),
            )
        }
        _ => Value::String(v.to_string()),
    })
}

fn insert(
    record: &str,
    path: &str,
    node: &mut Node,
    shape: &Value,
    segs: &[Seg],
    v: &str,
) -> Result<(), FieldError> {
    let unknown = || FieldError::new(record, path, "a field of this section's form", path);
    match (segs.first(), node) {
        (None, n) => {
            *n = Node::Leaf(leaf(record, path, shape, v)?);
            Ok(())
        }
        (Some(Seg::Key(k)), Node::Object(m)) => {
            let sub = shape.get(k).ok_or_else(unknown)?;
            let child = m.entry(k.clone()).or_insert_with(|| empty(sub, &segs[1..]));
            insert(record, path, child, sub, &segs[1..], v)
        }
        (Some(Seg::Index(i)), Node::Rows(rows)) => {
            let sub = shape
                .as_array()
                .and_then(|a| a.first())
                .filter(|s| s.is_object())
                .ok_or_else(unknown)?;
            let child = rows
                .entry(*i)
                .or_insert_with(|| Node::Object(BTreeMap::new()));
            insert(record, path, child, sub, &segs[1..], v)
        }
        _ => Err(unknown()),
    }
}

fn empty(shape: &Value, rest: &[Seg]) -> Node {
    match (shape, rest.first()) {
        (Value::Array(_), Some(Seg::Index(_))) => Node::Rows(BTreeMap::new()),
        (Value::Object(_), _) => Node::Object(BTreeMap::new()),
        _ => Node::Leaf(Value::Null),
    }
}

fn blank(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.iter().all(blank),
        Value::Object(m) => m.values().all(blank),
        _ => false,
    }
}

fn finish(node: Node) -> Value {
    match node {
        Node::Leaf(v) => v,
        Node::Object(m) => Value::Object(m.into_iter().map(|(k, n)| (k, finish(n))).collect()),
        Node::Rows(rows) => Value::Array(
            rows.into_values()
                .map(finish)
                .filter(|row| !blank(row))
                .collect(),
        ),
    }
}

/// The content a form describes, as the JSON the section editor and the API take. Fields with
/// names outside the section's shape are refused; blank rows are dropped.
pub fn form_content(
    record: &str,
    kind: SectionKind,
    fields: &[(String, String)],
) -> Result<Value, FieldError> {
    let shape = shape(kind);
    let mut root = Node::Object(BTreeMap::new());
    for (name, v) in fields {
        let segs = parse_path(record, name)?;
        insert(record, name, &mut root, &shape, &segs, v)?;
    }
    Ok(finish(root))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn rows_lists_and_ticks() {
        let v = form_content(
            "r",
            SectionKind::Medication,
            &f(&[
                ("support_level", "administer"),
                ("medicines[0].name", "Co-careldopa 25/100"),
                ("medicines[0].times", "08:00, 12:00\n16:00"),
                ("medicines[0].time_critical", "true"),
                ("medicines[1].name", ""),
                ("medicines[1].times", ""),
                ("medicines[3].name", "Paracetamol"),
                ("allergies[0].substance", "Penicillin"),
                ("allergies[0].reaction", "rash"),
            ]),
        )
        .unwrap();
        assert_eq!(v["medicines"].as_array().unwrap().len(), 2);
        assert_eq!(
            v["medicines"][0]["times"],
            json!(["08:00", "12:00", "16:00"])
        );
        assert_eq!(v["medicines"][0]["time_critical"], json!(true));
        assert_eq!(v["medicines"][1]["name"], json!("Paracetamol"));
        assert_eq!(v["allergies"][0]["substance"], json!("Penicillin"));
    }

    #[test]
    fn unknown_and_huge_fields_are_refused() {
        let e = form_content("r", SectionKind::Mobility, &f(&[("walking", "x")])).unwrap_err();
        assert_eq!(e.field, "walking");
        let e = form_content(
            "r",
            SectionKind::Medication,
            &f(&[("medicines[999].name", "x")]),
        )
        .unwrap_err();
        assert!(e.expected.contains("at most"));
        let e = form_content(
            "r",
            SectionKind::Mobility,
            &f(&[("aids_indoors[0].x", "x")]),
        )
        .unwrap_err();
        assert_eq!(e.field, "aids_indoors[0].x");
    }
}
