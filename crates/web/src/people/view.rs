//! Page models of the people area: plain data prepared for the askama templates.
#![allow(missing_docs)]

use crate::readiness::view::ReadinessCard;
use crate::view::{FormError, Nav, err_for, form_err};
use askama::Template;
use lantern_app::core::mei::{Mark, SectionContent};

/// A section as shown on the person page.
#[derive(Clone)]
pub struct SectionCard {
    /// Section key (mobility...).
    pub key: &'static str,
    /// Title.
    pub title: &'static str,
    /// Status key for CSS.
    pub status: &'static str,
    /// Status word: never colour alone.
    pub status_word: &'static str,
    /// Content, as label/value lines.
    pub lines: Vec<(String, String)>,
    /// Provenance line.
    pub provenance: Option<String>,
    /// Stale or disputed mark.
    pub mark: Option<String>,
    /// Unresolved concurrent versions.
    pub conflicts: usize,
    /// Content as JSON, for the editor.
    pub json: String,
    /// What in the content still carries a pending marker.
    pub pending: Vec<String>,
}

/// The status word for a status.
impl SectionCard {
    /// Build from a section view.
    pub fn from_view(v: &lantern_app::SectionView) -> SectionCard {
        let (lines, provenance, mark, conflicts, json) = match &v.record {
            None => (vec![], None, None, 0, String::from("{}")),
            Some(r) => {
                let p = &r.provenance;
                let prov = {
                    let l = p.line();
                    let mut c = l.chars();
                    c.next()
                        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                        .unwrap_or_default()
                };
                let mark = r.mark.as_ref().map(|m| match m {
                    Mark::Stale { reason } => format!("Marked stale: {reason}"),
                    Mark::Disputed { reason } => format!("Disputed: {reason}"),
                });
                let mut json = serde_json::to_value(&r.content).unwrap_or_default();
                if let Some(o) = json.as_object_mut() {
                    o.remove("section");
                }
                (
                    content_lines(&r.content),
                    Some(prov),
                    mark,
                    r.conflicts.len(),
                    serde_json::to_string_pretty(&json).unwrap_or_default(),
                )
            }
        };
        SectionCard {
            key: v.section.as_str(),
            title: v.title,
            status: v.status.as_str(),
            status_word: v.status.word(),
            lines,
            provenance,
            mark,
            conflicts,
            json,
            pending: v
                .record
                .as_ref()
                .map(|r| lantern_app::core::mei::pending(&r.content))
                .unwrap_or_default(),
        }
    }
}

/// A section's content as label/value lines (one rendering, in core, shared with the printed pack).
pub fn content_lines(c: &SectionContent) -> Vec<(String, String)> {
    c.lines()
}

/// People list.
#[derive(Template)]
#[template(path = "people.html")]
pub struct PeoplePage {
    pub nav: Option<Nav>,
    pub q: String,
    pub service: String,
    pub status: String,
    pub services: Vec<(String, String)>,
    pub rows: Vec<(String, String, String, String)>,
}

/// Person page.
#[derive(Template, Clone)]
#[template(path = "person.html")]
pub struct PersonPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub back: String,
    pub flash: Option<String>,
    pub break_glass: Option<String>,
    pub person_id: String,
    pub name: String,
    pub dob: String,
    pub nhs: String,
    pub service: String,
    pub address: String,
    pub access_note: Option<String>,
    /// "deceased 2026-03-01" when a source recorded it.
    pub deceased: Option<String>,
    /// An NHS number a source gave that fails its check.
    pub nhs_as_given: Option<String>,
    /// A restricted (sensitive) record.
    pub restricted: bool,
    /// People likely the same as this one: id, name.
    pub likely_duplicates: Vec<(String, String)>,
    /// Decisions standing about this record and another (merged, kept apart).
    pub duplicate_decisions: Vec<lantern_app::PairView>,
    /// The record this one was merged into: id, name.
    pub merged_into: Option<(String, String)>,
    /// Whether the viewer may merge or keep apart records.
    pub can_decide_duplicates: bool,
    /// The reason typed when a duplicate decision was refused.
    pub duplicate_reason: String,
    pub readiness: Vec<ReadinessCard>,
    pub can_check: bool,
    pub can_edit: bool,
    pub sections: Vec<SectionCard>,
    pub calls: Vec<(String, String, String, String)>,
    /// Records other systems hold about them: source, `Type/id`, summary, as of, note.
    pub imported: Vec<(String, String, String, String, String)>,
    pub history: Vec<(i64, String, String, String)>,
    pub errors: Vec<FormError>,
}

/// Break-glass reason.
#[derive(Template)]
#[template(path = "break_glass.html")]
pub struct BreakGlassPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub person_id: String,
    pub reason: String,
    pub error: Option<String>,
}

/// Section editor.
#[derive(Template)]
#[template(path = "section_edit.html")]
pub struct SectionEditPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub person_id: String,
    pub name: String,
    pub key: String,
    pub title: String,
    pub content: String,
    pub source: String,
    pub contact: String,
    pub errors: Vec<FormError>,
}

impl SectionEditPage {
    /// An error not tied to a shown field.
    pub fn other_err(&self) -> Option<String> {
        form_err(&self.errors, "edit", &["content", "source", "contact"])
    }
}

crate::view::form_errors!(PersonPage, SectionEditPage);
