//! A referral as a FHIR R4 ServiceRequest: what Lantern reads of it to make a referral record.
//! The rest of the document (the Patient, allergies, medicines, flags) goes through the ordinary
//! import.

use crate::datatypes::{concept, string};
use serde_json::Value;

/// What a ServiceRequest says about a referral.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceRequestFacts {
    /// `Type/id` in the source.
    pub key: String,
    /// The referrer's reference (`identifier[0].value`).
    pub their_ref: Option<String>,
    /// Who referred (`requester.display`).
    pub requester: Option<String>,
    /// When it was made (`authoredOn`).
    pub authored_on: Option<String>,
    /// When the first visit is due by (`occurrenceDateTime`, or `occurrencePeriod.end`, else
    /// its `start`).
    pub due: Option<String>,
    /// The package asked for (`code`'s text or first display, with `note[].text`).
    pub package: Option<String>,
    /// `urgent`, `asap`, `stat` or `routine`.
    pub priority: Option<String>,
}

/// Read a ServiceRequest resource (as raw JSON).
pub fn service_request(raw: &str) -> Result<ServiceRequestFacts, String> {
    let v: Value = serde_json::from_str(raw).map_err(|e| e.to_string())?;
    if v.get("resourceType").and_then(Value::as_str) != Some("ServiceRequest") {
        return Err("not a ServiceRequest".into());
    }
    let id = string(&v, "id").unwrap_or_default();
    let due = string(&v, "occurrenceDateTime").or_else(|| {
        let p = v.get("occurrencePeriod")?;
        string(p, "end").or_else(|| string(p, "start"))
    });
    let notes: Vec<String> = crate::datatypes::list(&v, "note")
        .iter()
        .filter_map(|n| string(n, "text"))
        .collect();
    let code = v.get("code").and_then(concept);
    let package = match (code, notes.is_empty()) {
        (Some(c), true) => Some(c),
        (Some(c), false) => Some(format!("{c}: {}", notes.join(" "))),
        (None, false) => Some(notes.join(" ")),
        (None, true) => None,
    };
    Ok(ServiceRequestFacts {
        key: format!("ServiceRequest/{id}"),
        their_ref: crate::datatypes::list(&v, "identifier")
            .first()
            .and_then(|i| string(i, "value")),
        requester: v.get("requester").and_then(|r| string(r, "display")),
        authored_on: string(&v, "authoredOn"),
        due,
        package,
        priority: string(&v, "priority"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_referral_from_a_service_request() {
        let raw = r#"{"resourceType":"ServiceRequest","id":"sr-1","status":"active","intent":"order",
            "identifier":[{"value":"NCC-REF-881"}],"priority":"urgent",
            "code":{"text":"Rapid-start homecare: four calls a day"},
            "note":[{"text":"Lives alone."}],
            "subject":{"reference":"Patient/p1"},
            "requester":{"display":"Northshire County Council brokerage"},
            "authoredOn":"2026-10-05T09:00:00+01:00",
            "occurrencePeriod":{"start":"2026-10-05T09:00:00+01:00","end":"2026-10-06T09:00:00+01:00"}}"#;
        let f = service_request(raw).unwrap();
        assert_eq!(f.their_ref.as_deref(), Some("NCC-REF-881"));
        assert_eq!(f.due.as_deref(), Some("2026-10-06T09:00:00+01:00"));
        assert_eq!(
            f.package.as_deref(),
            Some("Rapid-start homecare: four calls a day: Lives alone.")
        );
        assert_eq!(
            f.requester.as_deref(),
            Some("Northshire County Council brokerage")
        );
        assert!(service_request(r#"{"resourceType":"Patient"}"#).is_err());
    }
}
