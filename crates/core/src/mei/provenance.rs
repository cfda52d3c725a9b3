//! Where a section's information came from and when it was last confirmed.

use crate::FieldError;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// How information was confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Method {
    /// Read from a partner's or our own system (referral portal, care-planning system).
    Portal,
    /// A phone call with a named contact.
    Phone {
        /// Who was spoken to.
        contact: String,
    },
    /// Seen or confirmed in person.
    InPerson,
    /// From a document (discharge letter, care plan).
    Document,
    /// Imported from another system (FHIR, CSV).
    Import,
}

/// The kind of a [`Method`] without its details, for rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MethodKind {
    /// See [`Method::Portal`].
    Portal,
    /// See [`Method::Phone`].
    Phone,
    /// See [`Method::InPerson`].
    InPerson,
    /// See [`Method::Document`].
    Document,
    /// See [`Method::Import`].
    Import,
}

impl MethodKind {
    /// Every kind, in the order a form lists them.
    pub const ALL: [MethodKind; 5] = [
        MethodKind::Portal,
        MethodKind::Phone,
        MethodKind::InPerson,
        MethodKind::Document,
        MethodKind::Import,
    ];

    /// As stored (`in_person`).
    pub fn as_str(self) -> &'static str {
        match self {
            MethodKind::Portal => "portal",
            MethodKind::Phone => "phone",
            MethodKind::InPerson => "in_person",
            MethodKind::Document => "document",
            MethodKind::Import => "import",
        }
    }

    /// In words, for a form.
    pub fn words(self) -> &'static str {
        match self {
            MethodKind::Portal => "a partner's portal",
            MethodKind::Phone => "a phone call",
            MethodKind::InPerson => "in person",
            MethodKind::Document => "a document",
            MethodKind::Import => "an import from another system",
        }
    }
}

impl Method {
    /// The kind.
    pub fn kind(&self) -> MethodKind {
        match self {
            Method::Portal => MethodKind::Portal,
            Method::Phone { .. } => MethodKind::Phone,
            Method::InPerson => MethodKind::InPerson,
            Method::Document => MethodKind::Document,
            Method::Import => MethodKind::Import,
        }
    }

    /// Parse from a name and, for phone, the contact spoken to.
    pub fn parse(name: &str, contact: Option<&str>) -> Result<Method, FieldError> {
        match (name, contact) {
            ("portal", _) => Ok(Method::Portal),
            ("in_person", _) | ("in-person", _) => Ok(Method::InPerson),
            ("document", _) => Ok(Method::Document),
            ("import", _) => Ok(Method::Import),
            ("phone", Some(c)) if !c.trim().is_empty() => Ok(Method::Phone {
                contact: c.trim().to_string(),
            }),
            ("phone", _) => Err(FieldError::new(
                "input",
                "contact",
                "the name of the person spoken to, for a phone confirmation",
                "",
            )),
            _ => Err(FieldError::new(
                "input",
                "method",
                "one of portal, phone, in_person, document, import",
                name,
            )),
        }
    }

    /// Short description, such as `phone call with J. Okafor`.
    pub fn describe(&self) -> String {
        match self {
            Method::Portal => "portal".into(),
            Method::Phone { contact } => format!("phone call with {contact}"),
            Method::InPerson => "in person".into(),
            Method::Document => "document".into(),
            Method::Import => "import".into(),
        }
    }
}

/// Provenance of a section: source, confirmation and how long it stays fresh.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Provenance {
    /// Source system or partner (`referral-portal`, `Northshire General Hospital`).
    pub source: String,
    /// When it was last confirmed.
    pub confirmed_at: Timestamp,
    /// Who confirmed it.
    pub confirmed_by: String,
    /// How.
    pub method: Method,
    /// Days after confirmation when it becomes stale.
    pub stale_after_days: u32,
    /// For imported content: every source record it was composed from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<crate::source::FactSource>,
}

impl Provenance {
    /// When this confirmation becomes stale.
    pub fn stale_at(&self) -> Timestamp {
        let d = SignedDuration::from_hours(24 * i64::from(self.stale_after_days));
        self.confirmed_at.checked_add(d).unwrap_or(Timestamp::MAX)
    }

    /// One line saying where the content came from and until when it is fresh; imported content
    /// says "as of" its source's last update.
    pub fn line(&self) -> String {
        use crate::time::show;
        if self.method == Method::Import {
            let n = self.records.len();
            format!(
                "from {}, as of {} (taken from {n} record{}); stale from {}",
                self.source,
                show(self.confirmed_at),
                if n == 1 { "" } else { "s" },
                show(self.stale_at())
            )
        } else {
            format!(
                "source {}; confirmed {} by {} ({}); stale from {}",
                self.source,
                show(self.confirmed_at),
                self.confirmed_by,
                self.method.describe(),
                show(self.stale_at())
            )
        }
    }

    /// Check the fields: source and confirmer named, sensible period, not confirmed in the future.
    pub fn validate(&self, record: &str, now: Timestamp) -> Result<(), FieldError> {
        if self.source.trim().is_empty() {
            return Err(FieldError::new(
                record,
                "source",
                "the source system or partner",
                &self.source,
            ));
        }
        if self.confirmed_by.trim().is_empty() {
            return Err(FieldError::new(
                record,
                "confirmed_by",
                "who confirmed it",
                &self.confirmed_by,
            ));
        }
        if self.stale_after_days == 0 || self.stale_after_days > 3660 {
            return Err(FieldError::new(
                record,
                "stale_after_days",
                "a whole number of days from 1 to 3660",
                self.stale_after_days.to_string(),
            ));
        }
        if self.confirmed_at > now.checked_add(SignedDuration::from_mins(5)).unwrap_or(now) {
            return Err(FieldError::new(
                record,
                "confirmed_at",
                "a time that is not in the future",
                self.confirmed_at.to_string(),
            ));
        }
        Ok(())
    }
}
