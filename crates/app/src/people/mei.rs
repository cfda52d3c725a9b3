//! A person's essential information: show, set, confirm, mark.

use crate::{Actor, App, AppError};
use jiff::Timestamp;
use lantern_core::FieldError;
use lantern_core::event::Event;
use lantern_core::mei::*;
use lantern_core::role::Role;
use lantern_journal::NewEvent;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The largest section document accepted.
pub const MAX_SECTION_BYTES: usize = 256 * 1024;

/// One section as shown: its status now, and the record when held.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SectionView {
    /// Which section.
    pub section: SectionKind,
    /// Title.
    pub title: &'static str,
    /// Status now.
    pub status: SectionStatus,
    /// When it becomes (or became) stale by age.
    pub stale_at: Option<Timestamp>,
    /// The record, when held.
    pub record: Option<SectionRecord>,
}

impl SectionView {
    /// All six sections from the ones held.
    pub fn all(held: &[(SectionKind, SectionRecord)], now: Timestamp) -> Vec<SectionView> {
        ALL_SECTIONS
            .iter()
            .map(|&k| match held.iter().find(|(h, _)| *h == k) {
                Some((_, r)) => SectionView {
                    section: k,
                    title: k.title(),
                    status: r.status_at(now),
                    stale_at: Some(r.provenance.stale_at()),
                    record: Some(r.clone()),
                },
                None => SectionView {
                    section: k,
                    title: k.title(),
                    status: SectionStatus::Missing,
                    stale_at: None,
                    record: None,
                },
            })
            .collect()
    }
}

/// Provenance as typed: how and by whom a section was confirmed.
#[derive(Debug, Clone, Default)]
pub struct SectionInput {
    /// Source system or partner.
    pub source: String,
    /// Method name: portal, phone, in_person, document, import.
    pub method: String,
    /// For phone: who was spoken to.
    pub contact: Option<String>,
    /// Who confirmed (defaults to the actor).
    pub confirmed_by: Option<String>,
    /// When (defaults to now); RFC 3339 or London time.
    pub confirmed_at: Option<String>,
    /// Days until stale (defaults per section).
    pub stale_after_days: Option<u32>,
    /// When confirming content that still carries a pending marker (safeguarding "to confirm",
    /// a value noted "before admission", support not stated): why it still stands unchanged.
    pub still_stands: Option<String>,
}

/// SHA-256 (hex) of a section's content as JSON: what a confirmation confirmed.
fn content_sha256(content: &lantern_core::mei::SectionContent) -> String {
    use sha2::{Digest, Sha256};
    let json = serde_json::to_vec(content).unwrap_or_default();
    hex::encode(Sha256::digest(&json))
}

/// How long each section stays fresh unless told otherwise.
pub fn default_stale_after_days(kind: SectionKind) -> u32 {
    match kind {
        SectionKind::Medication | SectionKind::Mobility => 30,
        SectionKind::Risks | SectionKind::Escalation => 90,
        SectionKind::Communication | SectionKind::Consent => 180,
    }
}

fn parse_doc<T: DeserializeOwned>(record: &str, json: &str) -> Result<T, FieldError> {
    crate::json::parse(record, "", "valid section content", json)
}

/// The JSON a section's structured form describes (what the section editor and the API take).
pub fn section_form_json(
    person: &str,
    section: &str,
    fields: &[(String, String)],
) -> Result<String, FieldError> {
    let kind = SectionKind::parse(section).map_err(|e| e.in_record(format!("person {person}")))?;
    let record = format!("{kind} section of person {person}");
    let v = super::section_form::form_content(&record, kind, fields)?;
    Ok(v.to_string())
}

/// Parse section content typed as JSON for the given section.
pub fn parse_content(
    record: &str,
    kind: SectionKind,
    json: &str,
) -> Result<SectionContent, FieldError> {
    if json.len() > MAX_SECTION_BYTES {
        return Err(FieldError::new(
            record,
            "content",
            format!("at most {MAX_SECTION_BYTES} bytes of JSON"),
            format!("{} bytes", json.len()),
        ));
    }
    let content = match kind {
        SectionKind::Risks => SectionContent::Risks(parse_doc(record, json)?),
        SectionKind::Medication => SectionContent::Medication(parse_doc(record, json)?),
        SectionKind::Mobility => SectionContent::Mobility(parse_doc(record, json)?),
        SectionKind::Communication => SectionContent::Communication(parse_doc(record, json)?),
        SectionKind::Consent => SectionContent::Consent(parse_doc(record, json)?),
        SectionKind::Escalation => SectionContent::Escalation(parse_doc(record, json)?),
    };
    content.validate(record)?;
    Ok(content)
}

impl App {
    fn provenance(
        &self,
        actor: &Actor,
        record: &str,
        kind: SectionKind,
        input: &SectionInput,
    ) -> Result<Provenance, FieldError> {
        let confirmed_at = match &input.confirmed_at {
            Some(s) => lantern_core::time::parse_instant("confirmed_at", s)
                .map_err(|e| e.in_record(record))?,
            None => self.now(),
        };
        let p = Provenance {
            records: Vec::new(),
            source: input.source.trim().to_string(),
            confirmed_at,
            confirmed_by: input
                .confirmed_by
                .clone()
                .unwrap_or_else(|| actor.display_name()),
            method: Method::parse(&input.method, input.contact.as_deref())
                .map_err(|e| e.in_record(record))?,
            stale_after_days: input
                .stale_after_days
                .unwrap_or(default_stale_after_days(kind)),
        };
        p.validate(record, self.now())?;
        Ok(p)
    }

    /// Set a section's content (JSON for that section) with its provenance.
    pub fn set_section(
        &mut self,
        actor: &Actor,
        person: &str,
        section: &str,
        content_json: &str,
        input: &SectionInput,
    ) -> Result<SectionRecord, AppError> {
        actor.require(Role::may_edit_mei, "change essential information")?;
        let kind =
            SectionKind::parse(section).map_err(|e| e.in_record(format!("person {person}")))?;
        let p = self.ensure_in_reach(actor, person)?;
        let record = format!("{kind} section of person {person}");
        let mut content = parse_content(&record, kind, content_json)?;
        let provenance = self.provenance(actor, &record, kind, input)?;
        let old = self
            .journal
            .mei(person)?
            .into_iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, r)| r);
        if let Some(o) = &old {
            content.keep_sources_from(&o.content);
        }
        let base = old.map(|r| r.version);
        let changes = self.mei_changes_to_reconcile(&p, &content, &provenance)?;
        let ev = Event::MeiSectionSet {
            person: p.id,
            content,
            provenance,
            base,
        };
        let mut evs = vec![NewEvent::now(actor.journal_name(), ev)];
        evs.extend(
            changes
                .into_iter()
                .map(|r| NewEvent::now(actor.journal_name(), Event::DowntimeRecorded(r))),
        );
        self.journal.append_batch(evs, self.now())?;
        self.section(person, kind)
    }

    /// Set a section's content from its structured form (fields named by their path in the
    /// content), with its provenance: the same checks as [`App::set_section`].
    pub fn set_section_from_form(
        &mut self,
        actor: &Actor,
        person: &str,
        section: &str,
        fields: &[(String, String)],
        input: &SectionInput,
    ) -> Result<SectionRecord, AppError> {
        let json = section_form_json(person, section, fields)?;
        self.set_section(actor, person, section, &json, input)
    }

    /// Confirm a section's content unchanged, with new provenance; clears any stale or disputed mark.
    pub fn confirm_section(
        &mut self,
        actor: &Actor,
        person: &str,
        section: &str,
        input: &SectionInput,
    ) -> Result<SectionRecord, AppError> {
        actor.require(Role::may_edit_mei, "confirm essential information")?;
        let kind =
            SectionKind::parse(section).map_err(|e| e.in_record(format!("person {person}")))?;
        let p = self.ensure_in_reach(actor, person)?;
        let record = format!("{kind} section of person {person}");
        let current = self.section(person, kind)?;
        if !current.conflicts.is_empty() {
            return Err(FieldError::new(&record, "section", "a section without unresolved concurrent edits: set the agreed content with `lantern mei set`", "conflicting versions").into());
        }
        let provenance = self.provenance(actor, &record, kind, input)?;
        // Confirming is of content: what still carries a pending marker cannot be confirmed
        // unchanged without saying why it still stands (amend it instead).
        let pending = lantern_core::mei::pending(&current.content);
        let still_stands = input
            .still_stands
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        if !pending.is_empty() && still_stands.is_none() {
            return Err(FieldError::new(
                &record,
                "still_stands",
                format!(
                    "the content amended first (edit the section), or why it still stands unchanged: it says {}",
                    pending.join("; ")
                ),
                "",
            )
            .into());
        }
        let ev = Event::MeiSectionConfirmed {
            person: p.id,
            section: kind,
            provenance,
            base: current.version,
            content_sha256: Some(content_sha256(&current.content)),
            still_stands: still_stands.filter(|_| !pending.is_empty()),
        };
        self.journal
            .append(NewEvent::now(actor.journal_name(), ev), self.now())?;
        self.section(person, kind)
    }

    /// Mark a section stale or disputed, with the reason, until it is confirmed again.
    pub fn mark_section(
        &mut self,
        actor: &Actor,
        person: &str,
        section: &str,
        disputed: bool,
        reason: &str,
    ) -> Result<SectionRecord, AppError> {
        actor.require(
            |r| r.may_edit_mei() || r == Role::CareWorker,
            "mark essential information",
        )?;
        let kind =
            SectionKind::parse(section).map_err(|e| e.in_record(format!("person {person}")))?;
        let p = self.ensure_in_reach(actor, person)?;
        let record = format!("{kind} section of person {person}");
        self.section(person, kind)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(FieldError::new(
                &record,
                "reason",
                "why the section needs reconfirming",
                reason,
            )
            .into());
        }
        let mark = if disputed {
            Mark::Disputed {
                reason: reason.into(),
            }
        } else {
            Mark::Stale {
                reason: reason.into(),
            }
        };
        self.journal.append(
            NewEvent::now(
                actor.journal_name(),
                Event::MeiSectionMarked {
                    person: p.id,
                    section: kind,
                    mark,
                },
            ),
            self.now(),
        )?;
        self.section(person, kind)
    }

    fn section(&self, person: &str, kind: SectionKind) -> Result<SectionRecord, AppError> {
        self.journal
            .mei(person)?
            .into_iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, r)| r)
            .ok_or_else(|| {
                AppError::not_found(
                    "section",
                    format!("{kind} of person {person}"),
                    "set it first with `lantern mei set`",
                )
            })
    }
}
