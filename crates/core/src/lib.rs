//! Lantern's domain: people, the six minimum-essential-information (MEI) sections with provenance
//! and staleness, handover rules and readiness, and the events that record every change.
//!
//! Pure by design: nothing here does I/O, touches SQLite or HTTP, or knows FHIR JSON.

/// An enum of words: stored as `snake_case`, shown in words, parsed from what people type
/// (`in use`, `in-use`, `In_Use`) with a `FieldError` naming the field and the choices.
macro_rules! word_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $v:ident => $s:literal, $w:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $v),* }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$v),*];
            /// As stored and typed.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $s),* }
            }
            /// In words, for people.
            pub fn word(self) -> &'static str {
                match self { $($name::$v => $w),* }
            }
            /// Parse what was typed (`in_use`, `in use` or `in-use`), naming the field otherwise.
            pub fn parse(record: &str, field: &str, s: &str) -> Result<$name, $crate::FieldError> {
                let t = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
                Self::ALL.iter().copied().find(|v| v.as_str() == t).ok_or_else(|| {
                    let names: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                    $crate::FieldError::new(record, field, format!("one of {}", names.join(", ")), s)
                })
            }
        }
    };
}

pub mod access;
pub mod account;
pub mod asset;
pub mod assurance;
pub mod audit;
pub mod call;
pub mod comms;
pub mod compose;
pub mod decision_review;
pub mod dependency;
pub mod disruption;
pub mod disruption_view;
pub mod downtime;
pub mod drill;
pub mod duplicate;
pub mod error;
pub mod event;
pub mod governance;
pub mod holding;
pub mod ids;
pub mod integrity;
pub mod ladder;
pub mod mar_check;
pub mod meeting;
pub mod mei;
pub mod near_miss;
pub mod nhs;
pub mod oncall;
pub mod org;
pub mod person;
pub mod phone;
pub mod plan;
pub mod print;
pub mod readiness;
pub mod reconcile;
pub mod referral;
pub mod review;
pub mod risk;
pub mod role;
pub mod rules;
pub mod source;
pub mod supplier;
pub mod text;
pub mod time;
pub mod training;
pub mod triage;
pub mod visit;

pub use error::FieldError;
