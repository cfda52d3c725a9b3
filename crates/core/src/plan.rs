//! Continuity plans and policies: the business continuity plan, each service's downtime procedure
//! ("how we work when systems fail"), subcontractor downtime guidance, the communication protocol
//! and other policies, by version, with owner, approval and review date. Staff confirm having
//! read their service's current downtime procedure; its summary is printed at the front of the
//! service's downtime pack.

use crate::FieldError;
use crate::governance::{DueItem, DueState, Register};
use crate::ids::{DocumentId, ServiceId, StaffId};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// A review due within this many days is due soon.
pub const REVIEW_DUE_SOON_DAYS: i64 = 30;
/// The longest a summary may be: it must fit the front of a pack.
pub const SUMMARY_MAX: usize = 1_500;

word_enum!(
    /// What a document is.
    DocumentKind {
        /// The organisation's business continuity plan.
        ContinuityPlan => "continuity_plan", "business continuity plan",
        /// A service's downtime procedure: how we work when systems fail.
        DowntimeProcedure => "downtime_procedure", "downtime procedure",
        /// Downtime guidance for subcontracted providers.
        SubcontractorGuidance => "subcontractor_guidance", "subcontractor downtime guidance",
        /// The communication protocol.
        CommunicationProtocol => "communication_protocol", "communication protocol",
        /// Any other policy.
        Policy => "policy", "policy",
    }
);

/// One version of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Document {
    /// Identifier (the same across versions).
    pub id: DocumentId,
    /// What it is.
    pub kind: DocumentKind,
    /// The service it is for (a downtime procedure needs one).
    #[serde(default)]
    pub service: Option<ServiceId>,
    /// Its title.
    pub title: String,
    /// Version, from 1.
    pub version: u32,
    /// Who owns it.
    pub owner: StaffId,
    /// Review by.
    pub review_by: Date,
    /// Its summary: what staff read and confirm, and what the pack prints.
    pub summary: String,
    /// What changed from the last version.
    #[serde(default)]
    pub change: String,
}

/// A document version as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DocumentInput {
    /// continuity_plan, downtime_procedure, subcontractor_guidance, communication_protocol or
    /// policy.
    pub kind: String,
    /// The service (required for a downtime procedure).
    #[serde(default)]
    pub service: String,
    /// Its title.
    pub title: String,
    /// Who owns it.
    pub owner: String,
    /// Review by (YYYY-MM-DD).
    pub review_by: String,
    /// Its summary.
    pub summary: String,
    /// What changed (for a new version).
    #[serde(default)]
    pub change: String,
}

impl DocumentInput {
    /// Check and convert (whether the owner and service exist is for the caller).
    pub fn parse(&self, id: DocumentId, version: u32, today: Date) -> Result<Document, FieldError> {
        let rec = format!("document {id}");
        let kind = DocumentKind::parse(&rec, "kind", &self.kind)?;
        let service = Some(self.service.trim())
            .filter(|s| !s.is_empty())
            .map(|s| ServiceId::parse(s).map_err(|e| e.in_record(&rec).with_field("service")))
            .transpose()?;
        if kind == DocumentKind::DowntimeProcedure && service.is_none() {
            return Err(FieldError::new(
                &rec,
                "service",
                "the service a downtime procedure is for",
                "",
            ));
        }
        crate::text::required(&rec, "title", &self.title, 200)?;
        let owner =
            StaffId::parse(self.owner.trim()).map_err(|e| e.in_record(&rec).with_field("owner"))?;
        let review_by =
            crate::time::parse_date("review_by", &self.review_by).map_err(|e| e.in_record(&rec))?;
        if review_by <= today {
            return Err(FieldError::new(
                &rec,
                "review_by",
                format!("a date after today ({today})"),
                &self.review_by,
            ));
        }
        crate::text::required(&rec, "summary", &self.summary, SUMMARY_MAX)?;
        if version > 1 {
            crate::text::required(&rec, "change", &self.change, 2_000)?;
        }
        Ok(Document {
            id,
            kind,
            service,
            title: self.title.trim().to_string(),
            version,
            owner,
            review_by,
            summary: self.summary.trim().to_string(),
            change: self.change.trim().to_string(),
        })
    }
}

/// A document id from its kind and service (`downtime-procedure-maple-court`,
/// `continuity-plan`), or from its title for a policy.
pub fn id_for(
    kind: DocumentKind,
    service: Option<&ServiceId>,
    title: &str,
) -> Result<DocumentId, FieldError> {
    let base = kind.as_str().replace('_', "-");
    let tail = match (kind, service) {
        (DocumentKind::Policy, _) => {
            let slug: String = title
                .to_ascii_lowercase()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect();
            let slug = slug
                .split('-')
                .filter(|s| !s.is_empty())
                .take(6)
                .collect::<Vec<_>>()
                .join("-");
            format!("-{slug}")
        }
        (_, Some(s)) => format!("-{s}"),
        (_, None) => String::new(),
    };
    DocumentId::parse(&format!("{base}{tail}"))
}

/// What a document has due: its review (overdue after its date, due soon within
/// [`REVIEW_DUE_SOON_DAYS`]) and, while its latest version is not approved, the approval.
pub fn due(d: &Document, approved: bool, today: Date) -> Vec<DueItem> {
    let mut out = Vec::new();
    let soon = today
        .checked_add(jiff::Span::new().days(REVIEW_DUE_SOON_DAYS))
        .unwrap_or(today);
    if d.review_by <= soon {
        out.push(DueItem {
            register: Register::Plans,
            subject: d.id.to_string(),
            service: d.service.clone(),
            what: format!(
                "review the {} \"{}\" (version {})",
                d.kind.word(),
                d.title,
                d.version
            ),
            owner: d.owner.clone(),
            due: d.review_by,
            state: if d.review_by < today {
                DueState::Overdue
            } else {
                DueState::DueSoon
            },
        });
    }
    if !approved {
        out.push(DueItem {
            register: Register::Plans,
            subject: d.id.to_string(),
            service: d.service.clone(),
            what: format!("approve version {} of \"{}\"", d.version, d.title),
            owner: d.owner.clone(),
            due: today,
            state: DueState::DueSoon,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_downtime_procedure_needs_its_service_and_a_new_version_says_what_changed() {
        let today: Date = "2026-12-02".parse().unwrap();
        let input = DocumentInput {
            kind: "downtime_procedure".into(),
            title: "How we work when systems fail".into(),
            owner: "s-j".into(),
            review_by: "2027-06-01".into(),
            summary: "Use the printed pack.".into(),
            ..Default::default()
        };
        let id = DocumentId::parse("downtime-procedure-maple-court").unwrap();
        assert_eq!(
            input.parse(id.clone(), 1, today).unwrap_err().field,
            "service"
        );
        let with = DocumentInput {
            service: "maple-court".into(),
            ..input
        };
        assert!(with.parse(id.clone(), 1, today).is_ok());
        assert_eq!(
            with.parse(id.clone(), 2, today).unwrap_err().field,
            "change"
        );
        let past = DocumentInput {
            review_by: "2026-12-01".into(),
            ..with
        };
        assert_eq!(past.parse(id, 1, today).unwrap_err().field, "review_by");
        assert_eq!(
            id_for(
                DocumentKind::Policy,
                None,
                "Digital records & devices policy"
            )
            .unwrap()
            .as_str(),
            "policy-digital-records-devices-policy"
        );
    }
}
