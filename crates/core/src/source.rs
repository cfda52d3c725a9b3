//! Records taken from another system (a FHIR server, a CSV file): what each says, in Lantern's
//! terms, and where every fact came from.
//!
//! The FHIR crate turns a resource into a [`SourceRecord`] (its identity, a hash of its content, the
//! [`Fact`]s Lantern understands in it, and the raw document so nothing is lost); the journal keeps
//! them; [`crate::compose`] turns a person's facts into section content.

use crate::mei::{Allergy, CapacityNote, EscalationStep, FallsRisk, Medicine, Risk};
use crate::nhs::NhsNumber;
use crate::person::KeyContact;
use crate::phone::PhoneNumber;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where one imported fact came from: the system, the resource and its version.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct FactSource {
    /// The source system, as registered (`care-planning`, `csv`).
    pub system: String,
    /// Resource type (`AllergyIntolerance`) or CSV kind.
    pub resource_type: String,
    /// The resource's id in that system.
    pub id: String,
    /// `meta.versionId`, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    /// `meta.lastUpdated`, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated: Option<Timestamp>,
}

impl fmt::Display for FactSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}/{}", self.system, self.resource_type, self.id)?;
        if let Some(v) = &self.version_id {
            write!(f, " v{v}")?;
        }
        if let Some(t) = &self.last_updated {
            write!(f, " (updated {})", crate::time::show(*t))?;
        }
        Ok(())
    }
}

/// Where an imported item came from, as a suffix for display (` [from ehr Flag/1 v2]`); empty for
/// items typed into Lantern.
pub fn from_suffix(src: &Option<FactSource>) -> String {
    src.as_ref()
        .map(|s| format!(" [from {s}]"))
        .unwrap_or_default()
}

/// One thing Lantern understands in a source record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "fact", rename_all = "snake_case")]
pub enum Fact {
    /// Who the person is (from a Patient).
    Person(PersonFacts),
    /// A risk (from a Flag).
    Risk(Risk),
    /// A current condition, shown as a risk.
    Condition {
        /// What it is.
        description: String,
    },
    /// A safeguarding concern (from a Flag).
    Safeguarding {
        /// What the flag says.
        note: String,
    },
    /// An allergy or intolerance.
    Allergy(Allergy),
    /// A statement that no allergies are known (SNOMED CT 716186003).
    NoKnownAllergies,
    /// A current medicine; when the medicine is named by reference, `product` names the record.
    Medicine {
        /// The medicine (its name may be a placeholder until `product` is resolved).
        medicine: Medicine,
        /// A reference to a Medication record that names it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        product: Option<String>,
    },
    /// A medicinal product's name (from a Medication), found by reference.
    Product {
        /// Its name.
        name: String,
    },
    /// Falls risk (from an Observation or Condition).
    Falls {
        /// The level.
        level: FallsRisk,
        /// What the record says.
        note: String,
    },
    /// Something that matters for mobility (a fracture, a stroke, a recent fall).
    MobilityNote {
        /// What the record says.
        note: String,
    },
    /// Communication needs.
    Communication {
        /// Preferred language.
        language: String,
        /// Interpreter needed.
        interpreter_needed: bool,
        /// Other needs (Makaton, hearing...).
        #[serde(default)]
        notes: Vec<String>,
    },
    /// A consent or capacity record.
    Capacity(CapacityNote),
    /// A contact who belongs on the escalation route, with a number to ring.
    Contact(EscalationStep),
    /// A contact named by reference (a GP, a care-team member), resolved against directory records.
    ContactRef {
        /// The reference (`Practitioner/123`).
        reference: String,
        /// Their role for this person.
        role: String,
        /// Name shown in the reference, if any.
        #[serde(default)]
        display: Option<String>,
    },
    /// A directory entry: a practitioner, a role or an organisation, found by reference.
    Directory {
        /// Name.
        name: String,
        /// Phone, when it has one Lantern can dial.
        #[serde(default)]
        phone: Option<PhoneNumber>,
    },
    /// A whole section as the source states it (a CSV of a provider's records): it replaces
    /// the section's content.
    Section(crate::mei::SectionContent),
    /// A whole section as another Lantern node exported it: its own fields here, its items
    /// (medicines, allergies, risks, capacity notes, escalation steps) in the records `entries`
    /// names (`Type/id`, in order). It replaces the section's content, like [`Fact::Section`].
    SectionList {
        /// The section's own fields; its item lists are filled from `entries`.
        content: crate::mei::SectionContent,
        /// The records holding its items, in order.
        entries: Vec<String>,
    },
    /// A mark (stale, disputed) another Lantern node had on a section when it exported it.
    Mark {
        /// The section.
        section: crate::mei::SectionKind,
        /// The mark.
        mark: crate::mei::Mark,
    },
    /// Context worth showing beside the essentials (an active care plan).
    Context {
        /// One line.
        note: String,
    },
}

/// Identity facts from a Patient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PersonFacts {
    /// Given name(s).
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Name they like to be called.
    #[serde(default)]
    pub preferred_name: Option<String>,
    /// Date of birth, when a full date is given.
    #[serde(default)]
    pub date_of_birth: Option<Date>,
    /// NHS number, when given and valid.
    #[serde(default)]
    pub nhs_number: Option<NhsNumber>,
    /// Address, one line.
    #[serde(default)]
    pub address: String,
    /// Family and other contacts.
    #[serde(default)]
    pub key_contacts: Vec<KeyContact>,
    /// The service supporting them, when the source says (CSV).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<crate::ids::ServiceId>,
    /// How to get in, when the source says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_note: Option<String>,
    /// Lives alone, when the source says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lives_alone: Option<bool>,
    /// An NHS number given that fails the NHS number check, as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nhs_number_as_given: Option<String>,
    /// Recorded as deceased.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deceased: Option<crate::person::Deceased>,
    /// A restricted (sensitive) record.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub restricted: bool,
}

/// One record as taken from a source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SourceRecord {
    /// Resource type (`Patient`) or CSV kind.
    pub resource_type: String,
    /// Its id in the source.
    pub id: String,
    /// `meta.versionId`.
    #[serde(default)]
    pub version_id: Option<String>,
    /// `meta.lastUpdated`.
    #[serde(default)]
    pub last_updated: Option<Timestamp>,
    /// SHA-256 of the raw document, hex: unchanged content is recognised by it.
    pub hash: String,
    /// The patient it is about, as `Patient/<id>` in the source.
    #[serde(default)]
    pub patient: Option<String>,
    /// One line saying what it is.
    pub summary: String,
    /// What Lantern understood.
    #[serde(default)]
    pub facts: Vec<Fact>,
    /// Whether Lantern maps this kind of record at all (an Encounter or a Claim is kept, not mapped).
    pub mapped: bool,
    /// Top-level elements Lantern did not map (kept in `raw`).
    #[serde(default)]
    pub unmapped: Vec<String>,
    /// The document as received.
    pub raw: String,
}

impl SourceRecord {
    /// `Type/id`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.resource_type, self.id)
    }

    /// Where its facts came from.
    pub fn fact_source(&self, system: &str) -> FactSource {
        FactSource {
            system: system.to_string(),
            resource_type: self.resource_type.clone(),
            id: self.id.clone(),
            version_id: self.version_id.clone(),
            last_updated: self.last_updated,
        }
    }
}

/// A source system registered for live sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Source {
    /// Its name, used as the source system of everything taken from it.
    pub id: crate::ids::DependencyId,
    /// The FHIR server's base URL (`https://ehr.example/fhir`).
    pub fhir_base: String,
    /// Minutes between polls.
    pub poll_minutes: u32,
    /// The service new people from this source are added to.
    pub service: crate::ids::ServiceId,
}

impl Source {
    /// Check the URL and the poll interval.
    pub fn validate(&self) -> Result<(), crate::FieldError> {
        let rec = format!("source {}", self.id);
        let b = self.fhir_base.trim();
        if !(b.starts_with("http://") || b.starts_with("https://")) || b.len() > 2000 {
            return Err(crate::FieldError::new(
                rec,
                "fhir_base",
                "an http:// or https:// URL of a FHIR R4 server",
                b,
            ));
        }
        if !(1..=1440).contains(&self.poll_minutes) {
            return Err(crate::FieldError::new(
                rec,
                "poll_minutes",
                "a whole number of minutes from 1 to 1440",
                self.poll_minutes.to_string(),
            ));
        }
        Ok(())
    }
}

/// A patient in a source system known to be a person in Lantern.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SourceLink {
    /// `Patient/<id>` in the source.
    pub patient: String,
    /// The person.
    pub person: crate::ids::PersonId,
}

impl SourceRecord {
    /// Whether this record is an older version than the one held (`held_version`,
    /// `held_updated`): by `meta.versionId` when both are whole numbers, else by
    /// `meta.lastUpdated` when both are given. When neither tells, it is not older.
    pub fn older_than(&self, held_version: Option<&str>, held_updated: Option<Timestamp>) -> bool {
        let num = |v: Option<&str>| v.and_then(|v| v.trim().parse::<u64>().ok());
        if let (Some(a), Some(b)) = (num(self.version_id.as_deref()), num(held_version))
            && a != b
        {
            return a < b;
        }
        match (self.last_updated, held_updated) {
            (Some(a), Some(b)) => a < b,
            _ => false,
        }
    }
}

/// Why a record taken from a source was held back: kept whole and visible, changing nothing
/// current.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum HeldReason {
    /// An older version than the one held (by `meta.versionId`, else `meta.lastUpdated`).
    OlderThanHeld {
        /// The version held, when it has one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        held_version_id: Option<String>,
        /// When the version held was last updated, when it says.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        held_last_updated: Option<Timestamp>,
    },
    /// The patient the record is about does not match the person that patient is linked to
    /// (a different NHS number, or a different birth date and name): nothing of it reaches a
    /// section until a person resolves the conflict.
    IdentityConflict {
        /// The conflict's id (all records held with one Patient share it).
        conflict: String,
        /// The patient in the source (`Patient/<id>`).
        patient: String,
        /// The person that patient is linked to, or who holds the NHS number.
        person: crate::ids::PersonId,
        /// What differs, in words.
        detail: String,
    },
}

/// A record held back, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HeldRecord {
    /// The record, whole.
    pub record: SourceRecord,
    /// Why it was held.
    pub reason: HeldReason,
}

/// How a person resolved an identity conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "resolution", rename_all = "snake_case")]
pub enum IdentityResolution {
    /// The record is not about anyone Lantern supports (or is wrong): it stays held, visible.
    Rejected,
    /// The record is about someone else: a new person was made from it, with its records.
    NewPerson {
        /// The new person.
        person: crate::ids::PersonId,
    },
}

/// What makes a source's patient a different person from the one it is linked to, if anything:
/// a different NHS number when both have one; otherwise a different birth date, or both names
/// different. `None` when nothing conflicts (a corrected address or a married name does not).
pub fn identity_conflict(person: &crate::person::Person, facts: &PersonFacts) -> Option<String> {
    if let (Some(a), Some(b)) = (&facts.nhs_number, &person.nhs_number) {
        return (a != b).then(|| {
            format!(
                "the record's NHS number {} is not {}'s ({})",
                a.as_str(),
                person.display_name(),
                b.as_str()
            )
        });
    }
    let differs =
        |a: &str, b: &str| !a.trim().is_empty() && !a.trim().eq_ignore_ascii_case(b.trim());
    let dob = facts
        .date_of_birth
        .filter(|d| *d != person.date_of_birth)
        .map(|d| format!("born {d}, not {}", person.date_of_birth));
    let names = (differs(&facts.given_name, &person.given_name)
        && differs(&facts.family_name, &person.family_name))
    .then(|| {
        format!(
            "named {} {}, not {}",
            facts.given_name.trim(),
            facts.family_name.trim(),
            person.display_name()
        )
    });
    match (dob, names) {
        (None, None) => None,
        (a, b) => Some(format!(
            "the record's patient is {} (no NHS number to compare)",
            [a, b]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" and ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::person::Person;

    fn record(version: Option<&str>, updated: Option<&str>) -> SourceRecord {
        SourceRecord {
            resource_type: "Patient".into(),
            id: "1".into(),
            version_id: version.map(String::from),
            last_updated: updated.map(|t| t.parse().unwrap()),
            hash: "h".into(),
            patient: None,
            summary: String::new(),
            facts: vec![],
            mapped: true,
            unmapped: vec![],
            raw: String::new(),
        }
    }

    #[test]
    fn the_newest_version_wins_by_version_id_then_last_updated() {
        let t1: Timestamp = "2026-11-01T00:00:00Z".parse().unwrap();
        let t2: Timestamp = "2026-11-02T00:00:00Z".parse().unwrap();
        // Numeric versions compare as numbers (9 < 10), whatever lastUpdated says.
        assert!(record(Some("9"), Some("2026-11-03T00:00:00Z")).older_than(Some("10"), Some(t1)));
        assert!(!record(Some("10"), None).older_than(Some("9"), Some(t2)));
        // Otherwise lastUpdated decides.
        assert!(record(Some("a"), Some("2026-11-01T00:00:00Z")).older_than(Some("b"), Some(t2)));
        assert!(record(None, Some("2026-11-01T00:00:00Z")).older_than(None, Some(t2)));
        assert!(!record(None, Some("2026-11-02T00:00:00Z")).older_than(None, Some(t1)));
        // When nothing tells, it is taken as newer (as before).
        assert!(!record(None, None).older_than(Some("3"), Some(t2)));
    }

    fn person() -> Person {
        Person {
            id: crate::ids::PersonId::parse("p-1").unwrap(),
            given_name: "Edith".into(),
            family_name: "Marlow".into(),
            preferred_name: None,
            date_of_birth: "1938-04-02".parse().unwrap(),
            nhs_number: Some(NhsNumber::parse("9434765919").unwrap()),
            address: String::new(),
            access_note: None,
            service: crate::ids::ServiceId::parse("home").unwrap(),
            key_contacts: vec![],
            lives_alone: false,
            deceased: None,
            nhs_number_as_given: None,
            restricted: false,
            merged_into: None,
        }
    }

    fn facts(nhs: Option<&str>, given: &str, family: &str, dob: &str) -> PersonFacts {
        PersonFacts {
            given_name: given.into(),
            family_name: family.into(),
            preferred_name: None,
            date_of_birth: Some(dob.parse().unwrap()),
            nhs_number: nhs.map(|n| NhsNumber::parse(n).unwrap()),
            address: String::new(),
            key_contacts: vec![],
            service: None,
            access_note: None,
            lives_alone: None,
            nhs_number_as_given: None,
            deceased: None,
            restricted: false,
        }
    }

    #[test]
    fn a_different_nhs_number_is_a_different_person_and_a_new_address_is_not() {
        let p = person();
        let c = identity_conflict(
            &p,
            &facts(Some("9000000009"), "Edith", "Marlow", "1938-04-02"),
        );
        assert!(c.unwrap().contains("9000000009"));
        // Same NHS number: a corrected birth date or a married name is the same person.
        assert_eq!(
            identity_conflict(
                &p,
                &facts(Some("9434765919"), "Edith", "Jones", "1938-04-03")
            ),
            None
        );
        // No NHS number to compare: a different birth date, or both names, conflict.
        assert!(identity_conflict(&p, &facts(None, "Edith", "Marlow", "1940-01-01")).is_some());
        assert!(identity_conflict(&p, &facts(None, "John", "Smith", "1938-04-02")).is_some());
        assert_eq!(
            identity_conflict(&p, &facts(None, "Edie", "Marlow", "1938-04-02")),
            None
        );
    }
}
