//! Required value sets the FHIR JSON schema leaves as plain `code`: a resource whose status (or
//! other coded element Lantern reads) is outside its required binding is rejected naming the
//! element, like any other invalid input, rather than mapped into nothing.

use serde_json::Value;

/// `(resource type, element, the codes of its required value set)` for the elements Lantern
/// reads to decide what is current.
pub const REQUIRED: &[(&str, &str, &[&str])] = &[
    (
        "MedicationStatement",
        "status",
        &[
            "active",
            "completed",
            "entered-in-error",
            "intended",
            "stopped",
            "on-hold",
            "unknown",
            "not-taken",
        ],
    ),
    (
        "MedicationRequest",
        "status",
        &[
            "active",
            "on-hold",
            "cancelled",
            "completed",
            "entered-in-error",
            "stopped",
            "draft",
            "unknown",
        ],
    ),
    (
        "MedicationRequest",
        "intent",
        &[
            "proposal",
            "plan",
            "order",
            "original-order",
            "reflex-order",
            "filler-order",
            "instance-order",
            "option",
        ],
    ),
    (
        "AllergyIntolerance",
        "criticality",
        &["low", "high", "unable-to-assess"],
    ),
    ("AllergyIntolerance", "type", &["allergy", "intolerance"]),
    (
        "CarePlan",
        "status",
        &[
            "draft",
            "active",
            "on-hold",
            "revoked",
            "completed",
            "entered-in-error",
            "unknown",
        ],
    ),
    (
        "CareTeam",
        "status",
        &[
            "proposed",
            "active",
            "suspended",
            "inactive",
            "entered-in-error",
        ],
    ),
    (
        "Consent",
        "status",
        &[
            "draft",
            "proposed",
            "active",
            "rejected",
            "inactive",
            "entered-in-error",
        ],
    ),
    (
        "Observation",
        "status",
        &[
            "registered",
            "preliminary",
            "final",
            "amended",
            "corrected",
            "cancelled",
            "entered-in-error",
            "unknown",
        ],
    ),
    ("Patient", "gender", &["male", "female", "other", "unknown"]),
];

/// The first element of `r` (one resource, not a Bundle) outside its required value set:
/// `(element, expected, got)`.
pub fn check(r: &Value) -> Option<(String, String, String)> {
    let rt = r["resourceType"].as_str()?;
    REQUIRED
        .iter()
        .filter(|(t, _, _)| *t == rt)
        .find_map(|(_, element, codes)| {
            let v = r.get(*element)?.as_str()?;
            (!codes.contains(&v)).then(|| {
                (
                    element.to_string(),
                    format!("one of the required value set: {}", codes.join(", ")),
                    format!("\"{v}\""),
                )
            })
        })
}

#[cfg(test)]
mod tests {
    use super::check;
    use serde_json::json;

    #[test]
    fn a_status_outside_the_required_value_set_is_named() {
        let bad = json!({"resourceType": "MedicationStatement", "status": "current"});
        let (element, expected, got) = check(&bad).unwrap();
        assert_eq!(element, "status");
        assert!(expected.contains("active, completed"));
        assert_eq!(got, "\"current\"");
        let good = json!({"resourceType": "MedicationStatement", "status": "stopped"});
        assert_eq!(check(&good), None);
        assert_eq!(
            check(&json!({"resourceType": "Encounter", "status": "x"})),
            None
        );
    }
}
