//! Page models of the people area: plain data prepared for the askama templates.
#![allow(missing_docs)]

use crate::readiness::view::ReadinessCard;
use crate::view::{FormError, Nav, err_for};
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
    /// What in the content still carries a pending marker.
    pub pending: Vec<String>,
}

/// The status word for a status.
impl SectionCard {
    /// Build from a section view.
    pub fn from_view(
        v: &lantern_app::SectionView,
        names: &lantern_app::names::Names,
    ) -> SectionCard {
        let (lines, provenance, mark, conflicts) = match &v.record {
            None => (vec![], None, None, 0),
            Some(r) => {
                let p = &r.provenance;
                let prov = {
                    let l = names.humanise(&p.line());
                    let mut c = l.chars();
                    c.next()
                        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                        .unwrap_or_default()
                };
                let mark = r.mark.as_ref().map(|m| match m {
                    Mark::Stale { reason } => format!("Marked stale: {reason}"),
                    Mark::Disputed { reason } => format!("Disputed: {reason}"),
                });
                (
                    content_lines(&r.content),
                    Some(prov),
                    mark,
                    r.conflicts.len(),
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
    /// This page's rows.
    pub rows: Vec<PersonRow>,
    /// How many people match in all.
    pub total: usize,
    /// This page (from 1) and how many there are.
    pub page: usize,
    pub pages: usize,
}

impl PeoplePage {
    /// The position of this page's first row among all that match (from 1).
    pub fn first_shown(&self) -> usize {
        (self.page - 1) * crate::people::pages::PAGE_SIZE + 1
    }

    /// The position of this page's last row.
    pub fn last_shown(&self) -> usize {
        (self.page - 1) * crate::people::pages::PAGE_SIZE + self.rows.len()
    }

    /// The list's address at another page, keeping the search and filters.
    pub fn page_href(&self, page: usize) -> String {
        let enc = |s: &str| {
            s.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect::<String>()
        };
        format!(
            "/people?q={}&service={}&status={}&page={page}",
            enc(&self.q),
            enc(&self.service),
            enc(&self.status)
        )
    }
}

/// One person of the list as cached, before search and paging: the row, and what a search
/// matches against.
#[derive(Clone)]
pub struct ListedPerson {
    pub row: PersonRow,
    /// The name in lower case, the id, the NHS number's digits.
    pub name_lower: String,
    pub nhs_digits: String,
    /// Each section's status (`missing`, `stale`…), for the status filter.
    pub statuses: Vec<&'static str>,
}

/// One person in the list.
#[derive(Clone)]
pub struct PersonRow {
    pub id: String,
    /// Name, with "(merged into …)" or "(deceased)" when out of the caseload.
    pub name: String,
    /// Birth date, which tells apart two people of one name.
    pub born: String,
    pub service: String,
    pub issues: String,
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
    /// What to know first (allergies, time-critical medicines, safeguarding...).
    pub critical: Vec<lantern_app::core::mei::CriticalLine>,
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

/// Section editor: a structured form whose fields are named by their path in the content.
#[derive(Template)]
#[template(path = "section_edit.html")]
pub struct SectionEditPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub person_id: String,
    pub name: String,
    pub key: String,
    pub title: String,
    /// The content shown: the section as it stands, or what was typed when it was refused.
    pub values: serde_json::Value,
    pub source: String,
    pub method: String,
    pub contact: String,
    /// Where to go once saved (the check page the person came from).
    pub back: String,
    pub errors: Vec<FormError>,
}

/// How many blank rows a list offers for adding.
const SPARE_ROWS: usize = 2;

impl SectionEditPage {
    fn at(&self, path: impl std::fmt::Display) -> Option<&serde_json::Value> {
        let pointer = format!("/{path}")
            .replace("].", "/")
            .replace(['[', '.'], "/")
            .replace(']', "");
        self.values.pointer(&pointer)
    }

    fn joined(&self, path: impl std::fmt::Display, sep: &str) -> String {
        match self.at(path) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Array(a)) => a
                .iter()
                .filter_map(|x| x.as_str())
                .collect::<Vec<_>>()
                .join(sep),
            _ => String::new(),
        }
    }

    /// A field's text (a list one item per line).
    pub fn v(&self, path: impl std::fmt::Display) -> String {
        self.joined(path, "\n")
    }

    /// A list typed on one line, separated by commas.
    pub fn vc(&self, path: impl std::fmt::Display) -> String {
        self.joined(path, ", ")
    }

    /// Whether a tick box is ticked.
    pub fn on(&self, path: impl std::fmt::Display) -> bool {
        matches!(self.at(path), Some(serde_json::Value::Bool(true)))
    }

    /// Whether a choice is the one made.
    pub fn is(&self, path: impl std::fmt::Display, v: impl std::fmt::Display) -> bool {
        self.at(path).and_then(|x| x.as_str()) == Some(v.to_string().as_str())
    }

    /// The rows of a list to show: each item, then spare blank rows.
    pub fn rows(&self, list: &str) -> std::ops::Range<usize> {
        let n = self
            .at(list)
            .and_then(|x| x.as_array())
            .map_or(0, |a| a.len());
        0..n + SPARE_ROWS
    }

    /// The element id for a field.
    pub fn id(&self, path: impl std::fmt::Display) -> String {
        let p = path.to_string();
        if p.is_empty() {
            return "error-summary".into();
        }
        format!("f-{}", p.replace(['[', ']', '.'], "-").replace("--", "-"))
            .trim_end_matches('-')
            .to_string()
    }

    /// Where an error in the summary at the top links to: the field on the page that holds it
    /// (a list's own box for one item of it).
    pub fn anchor(&self, field: &str) -> String {
        match field {
            "source" | "contact" | "method" => field.to_string(),
            f if f.ends_with(']') => self.id(f.rsplit_once('[').map_or(f, |(a, _)| a)),
            f => self.id(f),
        }
    }

    /// The error for a field or anything inside it.
    pub fn e(&self, path: impl std::fmt::Display) -> Option<String> {
        let p = path.to_string();
        self.errors
            .iter()
            .find(|e| {
                e.field == p
                    || e.field.starts_with(&format!("{p}["))
                    || e.field.starts_with(&format!("{p}."))
            })
            .map(|e| e.message.clone())
    }
}

crate::view::form_errors!(PersonPage, SectionEditPage);
