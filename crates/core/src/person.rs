//! People supported.

use crate::FieldError;
use crate::ids::{PersonId, ServiceId};
use crate::nhs::NhsNumber;
use crate::phone::PhoneNumber;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// A person supported by a service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Person {
    /// Identifier.
    pub id: PersonId,
    /// Given name(s).
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Name they like to be called.
    #[serde(default)]
    pub preferred_name: Option<String>,
    /// Date of birth.
    pub date_of_birth: Date,
    /// NHS number, when known.
    #[serde(default)]
    pub nhs_number: Option<NhsNumber>,
    /// Home address.
    #[serde(default)]
    pub address: String,
    /// How to get in: key safe, door codes. Shown only where the role permits.
    #[serde(default)]
    pub access_note: Option<String>,
    /// The service supporting them.
    pub service: ServiceId,
    /// Family and other key contacts.
    #[serde(default)]
    pub key_contacts: Vec<KeyContact>,
    /// Lives alone (a visit priority).
    #[serde(default)]
    pub lives_alone: bool,
    /// Recorded as deceased by a source: kept, out of the active caseload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deceased: Option<Deceased>,
    /// An NHS number a source gave that fails the NHS number check: kept as given, flagged,
    /// never used to match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nhs_number_as_given: Option<String>,
    /// A restricted (sensitive) record: address and access details are shown only to managers
    /// and never printed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub restricted: bool,
    /// Found to be the same person as another record and merged into it: kept (its history
    /// stays readable here), out of the active caseload. A merge can be undone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<PersonId>,
}

/// What tells two records of one person apart when no NHS number does: the names (ignoring
/// case and spacing) and the birth date. Records with the same key are likely one person.
pub fn name_and_birth(given: &str, family: &str, born: Date) -> (String, String, Date) {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    (norm(given), norm(family), born)
}

/// That a person has died, as a source recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Deceased {
    /// When, when the source says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on: Option<Date>,
}

impl std::fmt::Display for Deceased {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.on {
            Some(d) => write!(f, "deceased {d}"),
            None => f.write_str("deceased (date not given)"),
        }
    }
}

/// What stands in for a restricted person's address and access details where the reader may
/// not see them.
pub const WITHHELD: &str = "RESTRICTED RECORD: withheld (a manager can see it)";

/// A family member or other key contact of a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct KeyContact {
    /// Name.
    pub name: String,
    /// Relationship (daughter, neighbour...).
    pub relationship: String,
    /// Phone.
    pub phone: Option<PhoneNumber>,
}

impl Person {
    /// Whether `other` is likely the same person under another id: the same names (ignoring
    /// case and spacing) and birth date, and not two different NHS numbers. Flagged for a person
    /// to check; never merged on this alone.
    pub fn likely_same_as(&self, other: &Person) -> bool {
        let key = |p: &Person| name_and_birth(&p.given_name, &p.family_name, p.date_of_birth);
        self.id != other.id
            && self.merged_into.is_none()
            && other.merged_into.is_none()
            && key(self) == key(other)
            && !matches!((&self.nhs_number, &other.nhs_number), (Some(a), Some(b)) if a != b)
    }

    /// In the active caseload (not recorded as deceased, not merged into another record).
    pub fn is_active(&self) -> bool {
        self.deceased.is_none() && self.merged_into.is_none()
    }

    /// The person with a restricted record's address and access details withheld.
    pub fn withheld(mut self) -> Person {
        if self.restricted {
            self.address = WITHHELD.to_string();
            if self.access_note.is_some() {
                self.access_note = Some(WITHHELD.to_string());
            }
            // Family names and numbers can say where a person is: withheld too, saying so
            // (never an empty list that reads as "no contacts").
            if !self.key_contacts.is_empty() {
                self.key_contacts = vec![KeyContact {
                    name: WITHHELD.to_string(),
                    relationship: format!("{} contact(s) withheld", self.key_contacts.len()),
                    phone: None,
                }];
            }
        }
        self
    }

    /// The NHS number as people read it ("not recorded" when there is none).
    pub fn nhs_shown(&self) -> String {
        self.nhs_number
            .as_ref()
            .map_or_else(|| "not recorded".to_string(), |n| n.to_string())
    }

    /// Full display name.
    pub fn display_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }

    /// Check the fields that a type cannot: names present, sensible date of birth.
    pub fn validate(&self, today: Date) -> Result<(), FieldError> {
        let rec = format!("person {}", self.id);
        if self.given_name.trim().is_empty() {
            return Err(FieldError::new(
                &rec,
                "given_name",
                "a non-empty name",
                &self.given_name,
            ));
        }
        if self.family_name.trim().is_empty() {
            return Err(FieldError::new(
                &rec,
                "family_name",
                "a non-empty name",
                &self.family_name,
            ));
        }
        for (field, v) in [
            ("given_name", &self.given_name),
            ("family_name", &self.family_name),
            ("address", &self.address),
        ] {
            if v.len() > 500 {
                return Err(FieldError::new(&rec, field, "at most 500 characters", v));
            }
        }
        if self.date_of_birth > today || self.date_of_birth.year() < 1890 {
            return Err(FieldError::new(
                &rec,
                "date_of_birth",
                "a date of birth between 1890-01-01 and today",
                self.date_of_birth.to_string(),
            ));
        }
        Ok(())
    }
}

/// The fields of a new person as typed, before parsing.
#[derive(Debug, Clone, Default)]
pub struct PersonInput {
    /// Identifier.
    pub id: String,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Date of birth, YYYY-MM-DD.
    pub date_of_birth: String,
    /// NHS number, optional.
    pub nhs_number: Option<String>,
    /// Address.
    pub address: String,
    /// Access note.
    pub access_note: Option<String>,
    /// Key contacts, each `NAME;RELATIONSHIP;PHONE` (phone optional).
    pub key_contacts: Vec<String>,
    /// Service identifier.
    pub service: String,
    /// Lives alone.
    pub lives_alone: bool,
}

impl PersonInput {
    /// Parse into a [`Person`], naming the first bad field.
    pub fn parse(&self, today: Date) -> Result<Person, FieldError> {
        let rec = if self.id.is_empty() {
            "new person".to_string()
        } else {
            format!("person {}", self.id)
        };
        let id = PersonId::parse(&self.id).map_err(|e| e.in_record(&rec).with_field("id"))?;
        let p = Person {
            id,
            given_name: self.given_name.trim().to_string(),
            family_name: self.family_name.trim().to_string(),
            preferred_name: None,
            date_of_birth: crate::time::parse_date("date_of_birth", &self.date_of_birth)
                .map_err(|e| e.in_record(&rec))?,
            nhs_number: match &self.nhs_number {
                Some(n) => Some(NhsNumber::parse(n).map_err(|e| e.in_record(&rec))?),
                None => None,
            },
            address: self.address.trim().to_string(),
            access_note: self.access_note.clone(),
            service: ServiceId::parse(&self.service)
                .map_err(|e| e.in_record(&rec).with_field("service"))?,
            key_contacts: self
                .key_contacts
                .iter()
                .enumerate()
                .map(|(i, c)| parse_key_contact(&rec, i, c))
                .collect::<Result<_, _>>()?,
            lives_alone: self.lives_alone,
            deceased: None,
            nhs_number_as_given: None,
            restricted: false,
            merged_into: None,
        };
        p.validate(today)?;
        Ok(p)
    }
}

impl FieldError {
    /// Replace the field name.
    pub fn with_field(mut self, field: &str) -> Self {
        self.field = field.to_string();
        self
    }
}

fn parse_key_contact(record: &str, i: usize, s: &str) -> Result<KeyContact, FieldError> {
    let field = format!("key_contacts[{i}]");
    let parts: Vec<&str> = s.split(';').map(str::trim).collect();
    let (name, relationship, phone) = match parts.as_slice() {
        [n, r] => (*n, *r, None),
        [n, r, p] => (*n, *r, Some(*p).filter(|p| !p.is_empty())),
        _ => {
            return Err(FieldError::new(
                record,
                field,
                "NAME;RELATIONSHIP;PHONE (phone optional)",
                s,
            ));
        }
    };
    if name.is_empty() || relationship.is_empty() {
        return Err(FieldError::new(
            record,
            field,
            "a name and a relationship",
            s,
        ));
    }
    let phone = phone
        .map(|p| {
            PhoneNumber::parse(p)
                .map_err(|e| e.in_record(record).with_field(&format!("{field}.phone")))
        })
        .transpose()?;
    Ok(KeyContact {
        name: name.into(),
        relationship: relationship.into(),
        phone,
    })
}

/// Parse an optional phone for a named field.
pub fn parse_phone(record: &str, field: &str, s: &str) -> Result<PhoneNumber, FieldError> {
    PhoneNumber::parse(s).map_err(|e| e.in_record(record).with_field(field))
}

#[cfg(test)]
mod likely_same {
    use super::*;

    fn p(id: &str, given: &str, family: &str, dob: &str, nhs: Option<&str>) -> Person {
        Person {
            id: PersonId::parse(id).unwrap(),
            given_name: given.into(),
            family_name: family.into(),
            preferred_name: None,
            date_of_birth: dob.parse().unwrap(),
            nhs_number: nhs.map(|n| NhsNumber::parse(n).unwrap()),
            address: String::new(),
            access_note: None,
            service: ServiceId::parse("home").unwrap(),
            key_contacts: vec![],
            lives_alone: false,
            deceased: None,
            nhs_number_as_given: None,
            restricted: false,
            merged_into: None,
        }
    }

    #[test]
    fn same_names_and_birth_date_are_likely_the_same_person_unless_nhs_numbers_differ() {
        let a = p("p-1", "Mary", "Quinn", "1938-05-14", Some("9434765919"));
        assert!(a.likely_same_as(&p("p-2", "mary ", "QUINN", "1938-05-14", None)));
        assert!(
            !a.likely_same_as(&p("p-1", "Mary", "Quinn", "1938-05-14", None)),
            "itself"
        );
        assert!(!a.likely_same_as(&p("p-3", "Mary", "Quinn", "1938-05-15", None)));
        assert!(!a.likely_same_as(&p("p-4", "Mary", "Quinn", "1938-05-14", Some("9000000009"))));
    }
}
