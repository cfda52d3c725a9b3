//! What a printed pack or rota reflects, and the one rule for when paper is superseded: any
//! section printed has a new version or a new mark, a person's details changed, or the day's
//! visits changed.

use crate::ids::{PersonId, ServiceId};
use crate::mei::{MarkKind, SectionKind, VersionRef};
use crate::person::Person;
use crate::visit::Visit;
use serde::{Deserialize, Serialize};

/// Which document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PrintKind {
    /// A downtime pack.
    Pack,
    /// A day's rota backup.
    Rota,
}

/// A section as printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PrintedSection {
    /// Which.
    pub kind: SectionKind,
    /// The version printed (none: printed as missing).
    pub version: Option<VersionRef>,
    /// Its mark then.
    pub mark: Option<MarkKind>,
    /// The status printed beside it (CONFIRMED, STALE...), when recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<crate::mei::SectionStatus>,
}

/// A person as printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PrintedPerson {
    /// Their details then.
    pub details: Person,
    /// Their six sections then.
    pub sections: Vec<PrintedSection>,
}

/// The register entry of one print.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PrintRecord {
    /// Serial, such as `PK-20261122-a1b2c3`.
    pub serial: String,
    /// Pack or rota.
    pub kind: PrintKind,
    /// Version: 1, then 2 for the first reprint of changed pages.
    pub version: u32,
    /// The serial this reprints pages of.
    pub reprint_of: Option<String>,
    /// Service.
    pub service: ServiceId,
    /// For a rota, the day (YYYY-MM-DD).
    pub date: Option<String>,
    /// People in it, as printed.
    pub people: Vec<PrintedPerson>,
    /// For a rota, the visits as printed.
    pub visits: Vec<Visit>,
    /// The journal position of the newest data it reflects.
    pub data_pos: i64,
    /// Pages.
    pub pages: u32,
    /// SHA-256 of the PDF, hex.
    pub sha256: String,
}

/// What changed since a print, in words, person by person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Change {
    /// Whose pages (none: the rota as a whole).
    pub person: Option<PersonId>,
    /// What changed.
    pub what: String,
}

/// How long a printed pack may be kept before it is destroyed (a new one is printed weekly).
pub const PACK_KEEP_DAYS: i64 = 7;

/// The day a printed copy must be destroyed by: a pack a week after it was printed, a rota the
/// day after the day it is for (or after it was printed, when it names no day).
pub fn destroy_by(record: &PrintRecord, printed_on: jiff::civil::Date) -> jiff::civil::Date {
    let plus = |d: jiff::civil::Date, n: i64| d.checked_add(jiff::Span::new().days(n)).unwrap_or(d);
    match record.kind {
        PrintKind::Pack => plus(printed_on, PACK_KEEP_DAYS),
        PrintKind::Rota => {
            let day = record
                .date
                .as_deref()
                .and_then(|d| d.parse::<jiff::civil::Date>().ok())
                .unwrap_or(printed_on);
            plus(day, 1)
        }
    }
}

/// Everything that makes a print out of date, compared with the current state.
pub fn changes_since(
    record: &PrintRecord,
    now_people: &[PrintedPerson],
    now_visits: Option<&[Visit]>,
) -> Vec<Change> {
    let mut out = Vec::new();
    for then in &record.people {
        let id = then.details.id.clone();
        let Some(now) = now_people.iter().find(|p| p.details.id == id) else {
            out.push(Change {
                person: Some(id),
                what: "no longer supported by this service".into(),
            });
            continue;
        };
        if now.details != then.details {
            out.push(Change {
                person: Some(id.clone()),
                what: "personal details changed".into(),
            });
        }
        for s in &then.sections {
            let current = now.sections.iter().find(|x| x.kind == s.kind);
            let (version, mark) = current
                .map(|c| (c.version.clone(), c.mark))
                .unwrap_or((None, None));
            if version != s.version {
                out.push(Change {
                    person: Some(id.clone()),
                    what: format!("{} changed", s.kind.title()),
                });
            } else if mark != s.mark {
                let what = match mark {
                    Some(m) => format!("{} now marked {}", s.kind.title(), m.as_str()),
                    None => format!("{} reconfirmed", s.kind.title()),
                };
                out.push(Change {
                    person: Some(id.clone()),
                    what,
                });
            } else if let (Some(then_status), Some(now_status)) =
                (s.status, current.and_then(|c| c.status))
                && then_status != now_status
            {
                // Printed STALE and since reconfirmed (or printed CONFIRMED and now stale by age):
                // the page says something no longer true.
                out.push(Change {
                    person: Some(id.clone()),
                    what: format!(
                        "{} printed {}, now {}",
                        s.kind.title(),
                        then_status.word(),
                        now_status.word()
                    ),
                });
            }
        }
    }
    if let Some(v) = now_visits
        && v != record.visits.as_slice()
    {
        out.push(Change {
            person: None,
            what: "the day's visits changed".into(),
        });
    }
    out
}
