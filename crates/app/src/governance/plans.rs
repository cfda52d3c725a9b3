//! Continuity plans and policies by version: owner, approval, review; staff confirm having read
//! their service's downtime procedure ("how we work when systems fail"), whose summary is printed
//! at the front of the service's pack.

use super::due::DueLine;
use crate::{Actor, App, AppError};
use lantern_core::FieldError;
use lantern_core::event::Event;
use lantern_core::governance::DueItem;
use lantern_core::ids::ServiceId;
use lantern_core::plan::{Document, DocumentInput, DocumentKind, id_for};
use lantern_core::role::Role;
use lantern_core::time::{show, show_date};
use lantern_journal::{DocumentRow, NewEvent};
use serde::Serialize;

/// A document in brief: its latest version and the one in force.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DocumentLine {
    /// Its id.
    pub id: String,
    /// What it is, in words.
    pub kind: String,
    /// What it is, as stored.
    pub kind_key: String,
    /// The service's id, if one.
    pub service_id: String,
    /// The owner's id.
    pub owner_id: String,
    /// Its title.
    pub title: String,
    /// The service's name, if one.
    pub service: String,
    /// The latest version.
    pub version: u32,
    /// "version 2, approved Tue 1 Dec 2026 by Amara Osei", or "NOT APPROVED".
    pub in_force: String,
    /// Whether the latest version is approved.
    pub approved: bool,
    /// The owner's name.
    pub owner: String,
    /// Review by.
    pub review_by: String,
    /// For a downtime procedure: "5 of 7 staff of Maple Court have read version 2".
    pub read: String,
}

/// One document in full.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DocumentView {
    /// In brief.
    pub line: DocumentLine,
    /// The latest version's summary.
    pub summary: String,
    /// Every version, newest first: version, change, approved (when, by whom) or not.
    pub versions: Vec<(u32, String, String)>,
    /// For a downtime procedure: its service's staff and when they read the version in force.
    pub readers: Vec<(String, Option<String>)>,
    /// What it has due.
    pub due: Vec<DueLine>,
}

/// The downtime procedure in force for a service, as people read it (and as the pack prints it).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ProcedureView {
    /// The document's id.
    pub id: String,
    /// The service's name.
    pub service: String,
    /// Its title.
    pub title: String,
    /// The version in force.
    pub version: u32,
    /// "approved Tue 1 Dec 2026 by Amara Osei".
    pub approved: String,
    /// Review by.
    pub review_by: String,
    /// What to do.
    pub summary: String,
    /// When the viewer confirmed having read this version, if they have.
    pub read_at: Option<String>,
}

impl App {
    fn document_rows(&self, id: &str) -> Result<Vec<DocumentRow>, AppError> {
        let rows: Vec<DocumentRow> = self
            .journal
            .documents()?
            .into_iter()
            .filter(|r| r.document.id.as_str() == id.trim())
            .collect();
        if rows.is_empty() {
            return Err(AppError::not_found("document", id, "see lantern plan list"));
        }
        Ok(rows)
    }

    /// Add a document, or a new version of one (the same kind, service and, for a policy,
    /// title); it is in force once approved.
    pub fn add_document_version(
        &mut self,
        actor: &Actor,
        input: &DocumentInput,
    ) -> Result<Document, AppError> {
        actor.require(
            Role::may_configure_resilience,
            "keep continuity plans and policies",
        )?;
        let rec = "document";
        let kind = DocumentKind::parse(rec, "kind", &input.kind)?;
        let service = Some(input.service.trim())
            .filter(|s| !s.is_empty())
            .map(|s| ServiceId::parse(s).map_err(|e| e.in_record(rec).with_field("service")))
            .transpose()?;
        if let Some(s) = &service
            && !self.journal.services()?.iter().any(|x| &x.id == s)
        {
            return Err(FieldError::new(rec, "service", "a service", s.as_str()).into());
        }
        let id = id_for(kind, service.as_ref(), &input.title).map_err(|e| e.in_record(rec))?;
        let version = self
            .journal
            .documents()?
            .iter()
            .filter(|r| r.document.id == id)
            .map(|r| r.document.version)
            .max()
            .unwrap_or(0)
            + 1;
        let d = input.parse(id, version, self.today())?;
        if !self
            .journal
            .staff()?
            .iter()
            .any(|s| s.id == d.owner && s.partner.is_none())
        {
            return Err(FieldError::new(
                format!("document {}", d.id),
                "owner",
                "a member of our staff",
                d.owner.as_str(),
            )
            .into());
        }
        self.journal.append(
            NewEvent::now(actor.journal_name(), Event::DocumentVersioned(d.clone())),
            self.now(),
        )?;
        Ok(d)
    }

    /// Approve a document's latest version: it is in force from now.
    pub fn approve_document(&mut self, actor: &Actor, id: &str) -> Result<u32, AppError> {
        actor.require(
            Role::may_configure_resilience,
            "approve continuity plans and policies",
        )?;
        let rows = self.document_rows(id)?;
        let Some(latest) = rows.last() else {
            return Err(AppError::not_found("document", id, "see lantern plan list"));
        };
        if latest.approved.is_some() {
            return Err(FieldError::new(
                format!("document {id}"),
                "version",
                "a version not yet approved",
                latest.document.version.to_string(),
            )
            .into());
        }
        let version = latest.document.version;
        self.journal.append(
            NewEvent::now(
                actor.journal_name(),
                Event::DocumentApproved {
                    document: latest.document.id.clone(),
                    version,
                },
            ),
            self.now(),
        )?;
        Ok(version)
    }

    /// The version in force (the latest approved) of a document.
    fn in_force(rows: &[DocumentRow]) -> Option<&DocumentRow> {
        rows.iter().rev().find(|r| r.approved.is_some())
    }

    /// Confirm having read the version in force (naming it: another is refused, "read it again").
    pub fn acknowledge_document(
        &mut self,
        actor: &Actor,
        id: &str,
        version: u32,
    ) -> Result<(), AppError> {
        let rows = self.document_rows(id)?;
        let rec = format!("acknowledgement of document {id}");
        let Some(current) = Self::in_force(&rows) else {
            return Err(FieldError::new(
                &rec,
                "version",
                "a document with a version in force",
                "none approved",
            )
            .into());
        };
        if current.document.version != version {
            return Err(FieldError::new(
                &rec,
                "version",
                format!(
                    "the version in force, {} (it has changed: read it again)",
                    current.document.version
                ),
                version.to_string(),
            )
            .into());
        }
        if !matches!(actor, Actor::Staff(_)) {
            return Err(AppError::Forbidden(
                "only a member of staff can confirm having read it".into(),
            ));
        }
        self.journal.append(
            NewEvent::now(
                actor.journal_name(),
                Event::DocumentAcknowledged {
                    document: current.document.id.clone(),
                    version,
                },
            ),
            self.now(),
        )?;
        Ok(())
    }

    fn approval_words(&self, r: &DocumentRow, names: &crate::names::Names) -> String {
        match &r.approved {
            Some((by, at)) => format!(
                "approved {} by {}",
                at.parse::<jiff::Timestamp>()
                    .map(show)
                    .unwrap_or_else(|_| at.clone()),
                names.actor(by)
            ),
            None => "NOT APPROVED".into(),
        }
    }

    /// A service's staff, for who has read its downtime procedure.
    fn service_staff(
        &self,
        service: &ServiceId,
    ) -> Result<Vec<lantern_core::org::Staff>, AppError> {
        Ok(self
            .journal
            .staff()?
            .into_iter()
            .filter(|s| s.service.as_ref() == Some(service) && s.partner.is_none())
            .collect())
    }

    fn document_line(
        &self,
        rows: &[DocumentRow],
        names: &crate::names::Names,
    ) -> Result<DocumentLine, AppError> {
        let latest = rows
            .last()
            .ok_or_else(|| AppError::not_found("document", "", ""))?;
        let d = &latest.document;
        let force = Self::in_force(rows);
        let read = match (&d.service, force) {
            (Some(s), Some(f)) if d.kind == DocumentKind::DowntimeProcedure => {
                let staff = self.service_staff(s)?;
                let acks = self
                    .journal
                    .document_acks(d.id.as_str(), f.document.version)?;
                let n = staff
                    .iter()
                    .filter(|m| acks.iter().any(|(a, _)| a == &format!("staff:{}", m.id)))
                    .count();
                format!(
                    "{n} of {} staff of {} have read version {}",
                    staff.len(),
                    names.service(s.as_str()),
                    f.document.version
                )
            }
            _ => String::new(),
        };
        Ok(DocumentLine {
            id: d.id.to_string(),
            kind: d.kind.word().to_string(),
            kind_key: d.kind.as_str().to_string(),
            service_id: d
                .service
                .as_ref()
                .map(|s| s.to_string())
                .unwrap_or_default(),
            owner_id: d.owner.to_string(),
            title: d.title.clone(),
            service: d
                .service
                .as_ref()
                .map(|s| names.service(s.as_str()))
                .unwrap_or_default(),
            version: d.version,
            in_force: match force {
                Some(f) => format!(
                    "version {}, {}",
                    f.document.version,
                    self.approval_words(f, names)
                ),
                None => "NOT APPROVED".into(),
            },
            approved: latest.approved.is_some(),
            owner: names.staff(d.owner.as_str()),
            review_by: show_date(d.review_by),
            read,
        })
    }

    fn grouped_documents(&self) -> Result<Vec<Vec<DocumentRow>>, AppError> {
        let mut groups: Vec<Vec<DocumentRow>> = Vec::new();
        for r in self.journal.documents()? {
            match groups.last_mut() {
                Some(g) if g[0].document.id == r.document.id => g.push(r),
                _ => groups.push(vec![r]),
            }
        }
        Ok(groups)
    }

    /// Every document in brief.
    pub fn documents(&self, actor: &Actor) -> Result<Vec<DocumentLine>, AppError> {
        actor.require(
            Role::may_view_governance,
            "see continuity plans and policies",
        )?;
        let names = self.names(false)?;
        self.grouped_documents()?
            .iter()
            .map(|g| self.document_line(g, &names))
            .collect()
    }

    /// One document in full.
    pub fn document(&self, actor: &Actor, id: &str) -> Result<DocumentView, AppError> {
        actor.require(
            Role::may_view_governance,
            "see continuity plans and policies",
        )?;
        let names = self.names(false)?;
        let rows = self.document_rows(id)?;
        let line = self.document_line(&rows, &names)?;
        let latest = rows
            .last()
            .map(|r| r.document.clone())
            .ok_or_else(|| AppError::not_found("document", id, ""))?;
        let readers = match (&latest.service, Self::in_force(&rows)) {
            (Some(s), Some(f)) if latest.kind == DocumentKind::DowntimeProcedure => {
                let acks = self.journal.document_acks(id, f.document.version)?;
                self.service_staff(s)?
                    .into_iter()
                    .map(|m| {
                        let at = acks
                            .iter()
                            .find(|(a, _)| a == &format!("staff:{}", m.id))
                            .map(|(_, at)| {
                                at.parse::<jiff::Timestamp>()
                                    .map(show)
                                    .unwrap_or_else(|_| at.clone())
                            });
                        (m.name, at)
                    })
                    .collect()
            }
            _ => vec![],
        };
        let due = lantern_core::plan::due(
            &latest,
            rows.last().is_some_and(|r| r.approved.is_some()),
            self.today(),
        )
        .iter()
        .map(|i| DueLine::new(&names, i))
        .collect();
        Ok(DocumentView {
            line,
            summary: latest.summary.clone(),
            versions: rows
                .iter()
                .rev()
                .map(|r| {
                    (
                        r.document.version,
                        if r.document.change.is_empty() {
                            "first version".to_string()
                        } else {
                            r.document.change.clone()
                        },
                        self.approval_words(r, &names),
                    )
                })
                .collect(),
            readers,
            due,
        })
    }

    /// What plans and policies have due.
    pub(crate) fn plans_due(&self) -> Result<Vec<DueItem>, AppError> {
        let today = self.today();
        Ok(self
            .grouped_documents()?
            .iter()
            .filter_map(|g| g.last())
            .flat_map(|r| lantern_core::plan::due(&r.document, r.approved.is_some(), today))
            .collect())
    }

    /// A service's downtime procedure in force, if any (`reader`: when they read it).
    pub(crate) fn procedure_in_force(
        &self,
        service: &ServiceId,
        reader: Option<&str>,
    ) -> Result<Option<ProcedureView>, AppError> {
        let names = self.names(false)?;
        for g in self.grouped_documents()? {
            let Some(first) = g.first() else { continue };
            if first.document.kind != DocumentKind::DowntimeProcedure
                || first.document.service.as_ref() != Some(service)
            {
                continue;
            }
            let Some(f) = Self::in_force(&g) else {
                continue;
            };
            let read_at = match reader {
                Some(a) => self
                    .journal
                    .document_acks(f.document.id.as_str(), f.document.version)?
                    .into_iter()
                    .find(|(x, _)| x == a)
                    .map(|(_, at)| at.parse::<jiff::Timestamp>().map(show).unwrap_or(at)),
                None => None,
            };
            return Ok(Some(ProcedureView {
                id: f.document.id.to_string(),
                service: names.service(service.as_str()),
                title: f.document.title.clone(),
                version: f.document.version,
                approved: self.approval_words(f, &names),
                review_by: show_date(f.document.review_by),
                summary: f.document.summary.clone(),
                read_at,
            }));
        }
        Ok(None)
    }

    /// "How we work when systems fail": the downtime procedure in force for the viewer's service
    /// (every service's, for those without one), with whether they have read it.
    pub fn my_procedures(&self, actor: &Actor) -> Result<Vec<ProcedureView>, AppError> {
        let Actor::Staff(s) = actor else {
            return Err(AppError::Forbidden(
                "only a member of staff reads the downtime procedure".into(),
            ));
        };
        let services: Vec<ServiceId> = match &s.service {
            Some(x) => vec![x.clone()],
            None => self.journal.services()?.into_iter().map(|x| x.id).collect(),
        };
        let me = actor.journal_name();
        let mut out = Vec::new();
        for svc in services {
            if let Some(p) = self.procedure_in_force(&svc, Some(&me))? {
                out.push(p);
            }
        }
        Ok(out)
    }
}
