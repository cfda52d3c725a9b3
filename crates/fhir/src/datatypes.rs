//! Reading FHIR datatypes (CodeableConcept, HumanName, ContactPoint, Address, Dosage) into text.

use lantern_core::phone::PhoneNumber;
use serde_json::Value;

/// A string element.
pub fn string(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// The elements of a list element (empty when absent).
pub fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// A CodeableConcept as words: its text, else the first coding's display, else its code.
pub fn concept(v: &Value) -> Option<String> {
    if let Some(t) = string(v, "text") {
        return Some(t);
    }
    for c in list(v, "coding") {
        if let Some(d) = string(c, "display") {
            return Some(d);
        }
    }
    list(v, "coding").iter().find_map(|c| string(c, "code"))
}

/// The codes of a CodeableConcept, as `system|code`.
pub fn codes(v: &Value) -> Vec<String> {
    list(v, "coding")
        .iter()
        .filter_map(|c| {
            let code = string(c, "code")?;
            Some(format!(
                "{}|{code}",
                string(c, "system").unwrap_or_default()
            ))
        })
        .collect()
}

/// The code of the first coding of a CodeableConcept (`active`, `confirmed`).
pub fn first_code(v: Option<&Value>) -> Option<String> {
    v.and_then(|c| list(c, "coding").iter().find_map(|x| string(x, "code")))
}

/// A HumanName as (given, family), preferring the `official` or `usual` name.
pub fn name(names: &[Value]) -> Option<(String, String)> {
    let pick = names
        .iter()
        .find(|n| {
            matches!(
                n.get("use").and_then(Value::as_str),
                Some("official" | "usual")
            )
        })
        .or_else(|| names.first())?;
    let given = list(pick, "given")
        .iter()
        .filter_map(Value::as_str)
        .collect::<Vec<_>>()
        .join(" ");
    let family = string(pick, "family").unwrap_or_default();
    if given.is_empty() && family.is_empty() {
        let text = string(pick, "text")?;
        let mut parts = text.rsplitn(2, ' ');
        let family = parts.next().unwrap_or_default().to_string();
        let given = parts.next().unwrap_or_default().to_string();
        return Some((given, family));
    }
    Some((given, family))
}

/// A HumanName as one line.
pub fn name_line(names: &[Value]) -> Option<String> {
    let (g, f) = name(names)?;
    let s = format!("{g} {f}").trim().to_string();
    (!s.is_empty()).then_some(s)
}

/// The first telephone number Lantern can dial, from ContactPoints.
pub fn phone(telecom: &[Value]) -> Option<PhoneNumber> {
    telecom
        .iter()
        .filter(|t| {
            matches!(
                t.get("system").and_then(Value::as_str),
                None | Some("phone") | Some("sms")
            )
        })
        .filter_map(|t| string(t, "value"))
        .find_map(|v| {
            let cleaned: String = v
                .chars()
                .filter(|c| !matches!(c, '-' | '(' | ')' | '.'))
                .collect();
            PhoneNumber::parse(&cleaned).ok()
        })
}

/// An Address as one line.
pub fn address(addresses: &[Value]) -> String {
    let Some(a) = addresses
        .iter()
        .find(|a| a.get("use").and_then(Value::as_str) == Some("home"))
        .or_else(|| addresses.first())
    else {
        return String::new();
    };
    if let Some(t) = string(a, "text") {
        return t;
    }
    let mut parts: Vec<String> = list(a, "line")
        .iter()
        .filter_map(|l| l.as_str().map(str::to_string))
        .collect();
    for k in ["city", "district", "state", "postalCode"] {
        if let Some(v) = string(a, k) {
            parts.push(v);
        }
    }
    parts.join(", ")
}

/// A Dosage: (dose text, times of day HH:MM, route and instructions).
pub fn dosage(dosages: &[Value]) -> (String, Vec<String>, Option<String>) {
    let Some(d) = dosages.first() else {
        return (String::new(), vec![], None);
    };
    let mut dose = string(d, "text").unwrap_or_default();
    if dose.is_empty()
        && let Some(q) = list(d, "doseAndRate")
            .first()
            .and_then(|r| r.get("doseQuantity"))
    {
        let value = q.get("value").map(|v| v.to_string()).unwrap_or_default();
        let unit = string(q, "unit")
            .or_else(|| string(q, "code"))
            .unwrap_or_default();
        dose = format!("{value} {unit}").trim().to_string();
    }
    let times = d
        .get("timing")
        .and_then(|t| t.get("repeat"))
        .map(|r| {
            list(r, "timeOfDay")
                .iter()
                .filter_map(Value::as_str)
                .filter_map(|t| t.get(..5).map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let mut notes = Vec::new();
    if let Some(r) = d.get("route").and_then(concept) {
        notes.push(r);
    }
    if let Some(p) = string(d, "patientInstruction") {
        notes.push(p);
    }
    for a in list(d, "additionalInstruction") {
        if let Some(t) = concept(a) {
            notes.push(t);
        }
    }
    let notes = (!notes.is_empty()).then(|| notes.join("; "));
    (dose, times, notes)
}
