//! CSV import for providers without FHIR: one documented column set per kind, a header-only
//! template for each, and the same all-or-nothing errors (file, row, column, expected).
//!
//! People and section files become source records, one per person, so re-importing an unchanged
//! file changes nothing and a changed person's rows change exactly their record. Cells holding
//! several values separate them with `;`.

use crate::read::DocumentError;
use lantern_core::FieldError;
use lantern_core::ids::{ContactId, PartnerId, PersonId, StaffId, VisitId};
use lantern_core::mei::*;
use lantern_core::org::Contact;
use lantern_core::person::PersonInput;
use lantern_core::phone::PhoneNumber;
use lantern_core::source::{Fact, PersonFacts, SourceRecord};
use lantern_core::visit::Priority;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// What a CSV file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvKind {
    /// People supported.
    People,
    /// One of the six sections.
    Section(SectionKind),
    /// Contacts at partner organisations.
    Contacts,
    /// Planned visits.
    Visits,
}

/// Every kind's name, in the order the documentation lists them.
pub const KIND_NAMES: [&str; 9] = [
    "people",
    "risks",
    "medication",
    "mobility",
    "communication",
    "consent",
    "escalation",
    "contacts",
    "visits",
];

impl CsvKind {
    /// Parse a kind name.
    pub fn parse(s: &str) -> Result<CsvKind, FieldError> {
        match s {
            "people" => Ok(CsvKind::People),
            "contacts" => Ok(CsvKind::Contacts),
            "visits" => Ok(CsvKind::Visits),
            other => SectionKind::parse(other).map(CsvKind::Section).map_err(|_| {
                FieldError::new(
                    "import csv",
                    "kind",
                    "one of people, risks, medication, mobility, communication, consent, escalation, contacts, visits",
                    s,
                )
            }),
        }
    }

    /// The name used on the command line and as the record type (`csv-people`).
    pub fn name(self) -> &'static str {
        match self {
            CsvKind::People => "people",
            CsvKind::Contacts => "contacts",
            CsvKind::Visits => "visits",
            CsvKind::Section(k) => k.as_str(),
        }
    }

    /// The columns, each with what it holds. Required columns are marked `(required)`.
    pub fn columns(self) -> &'static [(&'static str, &'static str)] {
        match self {
            CsvKind::People => &[
                ("person_id", "(required) Lantern identifier, such as p-0007"),
                ("given_name", "(required)"),
                ("family_name", "(required)"),
                ("preferred_name", ""),
                ("date_of_birth", "(required) YYYY-MM-DD or DD/MM/YYYY"),
                ("nhs_number", "10 digits, modulus-11 checked"),
                ("address", ""),
                ("access_note", "key safe, door code"),
                ("service", "(required) service identifier"),
                ("lives_alone", "yes or no"),
                (
                    "key_contacts",
                    "NAME;RELATIONSHIP;PHONE, several separated by |",
                ),
            ],
            CsvKind::Section(SectionKind::Risks) => &[
                ("person_id", "(required) one or more rows per person"),
                ("risk", "a risk"),
                ("triggers", "; separated"),
                ("what_helps", "; separated"),
                (
                    "safeguarding_status",
                    "none, concern, active or to_confirm (first row)",
                ),
                ("safeguarding_note", "(first row)"),
                ("behaviours_that_challenge", "; separated (first row)"),
                ("restrictive_practice", "(first row)"),
            ],
            CsvKind::Section(SectionKind::Medication) => &[
                ("person_id", "(required) one or more rows per person"),
                (
                    "support_level",
                    "none, prompt, assist or administer (first row)",
                ),
                ("medicine", "name and strength"),
                ("dose", ""),
                ("times", "HH:MM; separated"),
                ("time_critical", "yes or no"),
                ("notes", ""),
                (
                    "allergy",
                    "substance, or NKA when no allergies at all are known",
                ),
                ("reaction", ""),
            ],
            CsvKind::Section(SectionKind::Mobility) => &[
                ("person_id", "(required) one row per person"),
                ("aids_indoors", "; separated"),
                ("aids_outdoors", "; separated"),
                ("transfers", ""),
                ("manual_handling_plan", ""),
                (
                    "falls_risk",
                    "low, medium or high (left empty: not stated, to be confirmed)",
                ),
                ("recent_falls_or_admissions", "; separated"),
            ],
            CsvKind::Section(SectionKind::Communication) => &[
                ("person_id", "(required) one row per person"),
                ("language", ""),
                ("interpreter_needed", "yes or no"),
                ("hearing", ""),
                ("sight", ""),
                ("preferred_approach", ""),
                ("de_escalation_prompts", "; separated"),
            ],
            CsvKind::Section(SectionKind::Consent) => &[
                ("person_id", "(required) one or more rows per person"),
                ("decision", "the decision a capacity note is about"),
                ("capacity_note", "the assessment"),
                ("lpa_or_deputy", "(first row)"),
                ("dnacpr_respect", "(first row)"),
                ("dols_status", "(first row)"),
            ],
            CsvKind::Section(SectionKind::Escalation) => &[
                ("person_id", "(required) one row per contact, in order"),
                ("name", "(required)"),
                ("role", ""),
                ("phone", "(required)"),
                ("when", "when to use this contact"),
            ],
            CsvKind::Contacts => &[
                ("contact_id", "(required)"),
                ("partner_id", "(required) an existing partner"),
                ("name", "(required)"),
                ("role", ""),
                ("phone", ""),
                ("email", ""),
            ],
            CsvKind::Visits => &[
                ("visit_id", "(required)"),
                ("person_id", "(required) an existing person"),
                ("date", "(required) YYYY-MM-DD or DD/MM/YYYY"),
                ("start", "(required) HH:MM, London time"),
                (
                    "end",
                    "(required) HH:MM, London time; before the start means the next morning (overnight, sleep-in)",
                ),
                ("carers", "staff identifiers; separated"),
                (
                    "priorities",
                    "; separated: time_critical_medication, lives_alone, high_falls_risk, safeguarding, two_carers",
                ),
                ("tasks", "; separated"),
            ],
        }
    }

    /// The header-only template.
    pub fn template(self) -> String {
        let names: Vec<&str> = self.columns().iter().map(|(n, _)| *n).collect();
        format!("{}\n", names.join(","))
    }
}

/// A planned visit as a CSV row gives it (the service comes from the person).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitRow {
    /// Identifier.
    pub id: VisitId,
    /// Who.
    pub person: PersonId,
    /// Start, London time.
    pub start: jiff::Timestamp,
    /// End.
    pub end: jiff::Timestamp,
    /// Carers.
    pub carers: Vec<StaffId>,
    /// Priorities.
    pub priorities: Vec<Priority>,
    /// Tasks.
    pub tasks: Vec<String>,
}

/// What a CSV file held.
#[derive(Debug, Clone)]
pub enum CsvData {
    /// People or a section: source records, one per person, with the first row of each.
    Records(Vec<(usize, SourceRecord)>),
    /// Contacts, with their rows.
    Contacts(Vec<(usize, Contact)>),
    /// Visits, with their rows.
    Visits(Vec<(usize, VisitRow)>),
}

struct Row<'a> {
    file: &'a str,
    n: usize,
    cells: BTreeMap<&'static str, String>,
}

impl Row<'_> {
    fn err(&self, column: &str, expected: &str, got: &str) -> DocumentError {
        let who = self
            .cells
            .get("visit_id")
            .or_else(|| self.cells.get("contact_id"))
            .or_else(|| self.cells.get("person_id"))
            .filter(|s| !s.is_empty())
            .map(|p| format!(" ({p})"))
            .unwrap_or_default();
        DocumentError {
            file: self.file.to_string(),
            resource: format!("row {}{who}", self.n),
            path: column.to_string(),
            expected: expected.to_string(),
            got: FieldError::new("", "", "", got).got,
        }
    }
    fn field(&self, e: FieldError, column: &str) -> DocumentError {
        self.err(column, &e.expected, &e.got)
    }
    fn get(&self, c: &str) -> &str {
        self.cells.get(c).map(String::as_str).unwrap_or("")
    }
    fn opt(&self, c: &str) -> Option<String> {
        Some(self.get(c).to_string()).filter(|s| !s.is_empty())
    }
    fn required(&self, c: &str) -> Result<String, DocumentError> {
        self.opt(c)
            .ok_or_else(|| self.err(c, "a value (this column is required)", ""))
    }
    fn list(&self, c: &str) -> Vec<String> {
        self.get(c)
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }
    fn yes_no(&self, c: &str) -> Result<bool, DocumentError> {
        match self.get(c).to_ascii_lowercase().as_str() {
            "" | "no" | "n" | "false" => Ok(false),
            "yes" | "y" | "true" => Ok(true),
            other => Err(self.err(c, "yes or no", other)),
        }
    }
    fn choice<T: DeserializeOwned>(
        &self,
        c: &str,
        options: &str,
    ) -> Result<Option<T>, DocumentError> {
        match self.opt(c) {
            None => Ok(None),
            Some(s) => serde_json::from_value(serde_json::Value::String(s.to_lowercase()))
                .map(Some)
                .map_err(|_| self.err(c, &format!("one of {options}"), &s)),
        }
    }
}

/// The file as text: UTF-8 (a byte order mark skipped), or, when it is not valid UTF-8,
/// Windows-1252 — what Excel writes for "CSV" in a UK locale (see [`encoding_note`]).
pub fn decode(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => std::borrow::Cow::Owned(bytes.iter().map(|&b| windows_1252(b)).collect()),
    }
}

/// What to tell the user when a file was read as Windows-1252 rather than UTF-8.
pub fn encoding_note(file: &str, bytes: &[u8]) -> Option<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).is_err().then(|| {
        format!(
            "{file}: not UTF-8, so read as Windows-1252 (Excel's \"CSV\" format): check names with accents, and next time save as \"CSV UTF-8\""
        )
    })
}

fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[(b - 0x80) as usize],
        _ => b as char,
    }
}

/// A phone number from a spreadsheet cell. A 10-digit number without its leading 0 is what
/// Excel makes of `07700 900123` in a number column: refused, never guessed, since a number that
/// does not connect is worse than none on an escalation route.
fn phone(r: &Row<'_>, col: &str, s: &str) -> Result<PhoneNumber, DocumentError> {
    let t = s.trim();
    if t.len() == 10 && t.chars().all(|c| c.is_ascii_digit()) && !t.starts_with('0') {
        return Err(r.err(
            col,
            "a UK number with its leading 0 (Excel drops it from number cells: format the column as Text, or write the number with a space, such as 07700 900123)",
            t,
        ));
    }
    PhoneNumber::parse(t).map_err(|e| r.field(e, col))
}

/// The largest CSV accepted.
pub const MAX_CSV_BYTES: usize = 64 * 1024 * 1024;

/// Read a CSV file of `kind`: all rows or nothing.
pub fn read_csv(kind: CsvKind, file: &str, bytes: &[u8]) -> Result<CsvData, DocumentError> {
    let doc_err = |expected: &str, got: String| DocumentError {
        file: file.to_string(),
        resource: "document".into(),
        path: String::new(),
        expected: expected.to_string(),
        got,
    };
    if bytes.len() > MAX_CSV_BYTES {
        return Err(doc_err(
            &format!("at most {MAX_CSV_BYTES} bytes"),
            format!("{} bytes", bytes.len()),
        ));
    }
    let text = decode(bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut header: Vec<String> = rdr
        .headers()
        .map_err(|e| doc_err("a CSV header row", e.to_string()))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    // Excel writes empty columns to the right of the data: they are not columns.
    while header.last().is_some_and(|h| h.is_empty()) {
        header.pop();
    }
    let columns = kind.columns();
    for h in &header {
        if !columns.iter().any(|(c, _)| c == h) {
            let names: Vec<&str> = columns.iter().map(|(c, _)| *c).collect();
            return Err(DocumentError {
                file: file.to_string(),
                resource: "header".into(),
                path: h.clone(),
                expected: format!("only the {} columns: {}", kind.name(), names.join(", ")),
                got: h.clone(),
            });
        }
    }
    for (c, what) in columns {
        if what.starts_with("(required)") && !header.iter().any(|h| h == c) {
            return Err(DocumentError {
                file: file.to_string(),
                resource: "header".into(),
                path: c.to_string(),
                expected: "this required column".into(),
                got: "no such column".into(),
            });
        }
    }
    let mut rows = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let n = i + 2;
        let rec = rec.map_err(|e| DocumentError {
            file: file.to_string(),
            resource: format!("row {n}"),
            path: String::new(),
            expected: format!("{} cells, as in the header", header.len()),
            got: e.to_string(),
        })?;
        // A row of empty cells (Excel keeps formatted rows below the data) is not a row.
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if rec.iter().skip(header.len()).any(|c| !c.trim().is_empty()) {
            return Err(DocumentError {
                file: file.to_string(),
                resource: format!("row {n}"),
                path: String::new(),
                expected: format!("{} cells, as in the header", header.len()),
                got: format!("{} cells with something beyond the last column", rec.len()),
            });
        }
        let mut cells = BTreeMap::new();
        for (h, v) in header.iter().zip(rec.iter()) {
            let name = columns.iter().find(|(c, _)| c == h).map(|(c, _)| *c);
            if let Some(name) = name {
                cells.insert(name, v.trim().to_string());
            }
        }
        rows.push(Row { file, n, cells });
    }
    match kind {
        CsvKind::People => people(&rows).map(CsvData::Records),
        CsvKind::Section(k) => sections(k, &rows).map(CsvData::Records),
        CsvKind::Contacts => rows
            .iter()
            .map(|r| contact(r).map(|c| (r.n, c)))
            .collect::<Result<_, _>>()
            .map(CsvData::Contacts),
        CsvKind::Visits => rows
            .iter()
            .map(|r| visit(r).map(|v| (r.n, v)))
            .collect::<Result<_, _>>()
            .map(CsvData::Visits),
    }
}

fn record(kind: &str, person: &str, facts: Vec<Fact>, raw: &[&Row<'_>]) -> SourceRecord {
    let raw = serde_json::to_string(&raw.iter().map(|r| &r.cells).collect::<Vec<_>>())
        .unwrap_or_default();
    SourceRecord {
        resource_type: format!("csv-{kind}"),
        id: person.to_string(),
        version_id: None,
        last_updated: None,
        hash: hex::encode(Sha256::digest(raw.as_bytes())),
        patient: Some(format!("Patient/{person}")),
        summary: format!("{kind} for {person} ({} rows)", raw.len()),
        mapped: true,
        facts,
        unmapped: vec![],
        raw,
    }
}

fn person_id(r: &Row<'_>) -> Result<PersonId, DocumentError> {
    let s = r.required("person_id")?;
    PersonId::parse(&s).map_err(|e| r.field(e, "person_id"))
}

fn people(rows: &[Row<'_>]) -> Result<Vec<(usize, SourceRecord)>, DocumentError> {
    let mut out: Vec<(usize, SourceRecord)> = Vec::new();
    // Dates of birth are checked again against today when a person is added.
    let today = jiff::civil::date(9999, 12, 31);
    for r in rows {
        let id = person_id(r)?;
        if out.iter().any(|(_, x)| x.id == id.as_str()) {
            return Err(r.err(
                "person_id",
                "each person once in a people file",
                id.as_str(),
            ));
        }
        let input = PersonInput {
            id: id.to_string(),
            given_name: r.get("given_name").into(),
            family_name: r.get("family_name").into(),
            date_of_birth: r.get("date_of_birth").into(),
            nhs_number: r.opt("nhs_number"),
            address: r.get("address").into(),
            access_note: r.opt("access_note"),
            key_contacts: r
                .get("key_contacts")
                .split('|')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            service: r.get("service").into(),
            lives_alone: r.yes_no("lives_alone")?,
        };
        let p = input.parse(today).map_err(|e| {
            let col = e.field.split(['[', '.']).next().unwrap_or("").to_string();
            r.field(e, &col)
        })?;
        let facts = vec![Fact::Person(PersonFacts {
            given_name: p.given_name,
            family_name: p.family_name,
            preferred_name: r.opt("preferred_name"),
            date_of_birth: Some(p.date_of_birth),
            nhs_number: p.nhs_number,
            address: p.address,
            key_contacts: p.key_contacts,
            service: Some(p.service),
            access_note: p.access_note,
            lives_alone: Some(p.lives_alone),
            deceased: None,
            nhs_number_as_given: None,
            restricted: false,
        })];
        out.push((r.n, record("people", id.as_str(), facts, &[r])));
    }
    Ok(out)
}

fn sections(
    kind: SectionKind,
    rows: &[Row<'_>],
) -> Result<Vec<(usize, SourceRecord)>, DocumentError> {
    let mut by_person: BTreeMap<String, Vec<&Row<'_>>> = BTreeMap::new();
    let mut order = Vec::new();
    for r in rows {
        let id = person_id(r)?.to_string();
        if !by_person.contains_key(&id) {
            order.push(id.clone());
        }
        by_person.entry(id).or_default().push(r);
    }
    let mut out = Vec::new();
    for id in order {
        let rs = &by_person[&id];
        let first = rs[0];
        let content = match kind {
            SectionKind::Risks => SectionContent::Risks(Risks {
                risks: rs
                    .iter()
                    .filter_map(|r| {
                        r.opt("risk").map(|d| Risk {
                            description: d,
                            triggers: r.list("triggers"),
                            what_helps: r.list("what_helps"),
                            source: None,
                        })
                    })
                    .collect(),
                safeguarding: Safeguarding {
                    // An empty cell is not "no concern": it is to be confirmed.
                    status: first
                        .choice("safeguarding_status", "none, concern, active, to_confirm")?
                        .unwrap_or(SafeguardingStatus::ToConfirm),
                    note: first.opt("safeguarding_note"),
                },
                behaviours_that_challenge: first.list("behaviours_that_challenge"),
                restrictive_practice: first.opt("restrictive_practice"),
            }),
            SectionKind::Medication => {
                let mut m = Medication {
                    support_level: first
                        .choice("support_level", "none, prompt, assist, administer")?
                        .unwrap_or_default(),
                    ..Medication::default()
                };
                for r in rs {
                    for t in r.list("times") {
                        lantern_core::time::parse_time_of_day("times", &t)
                            .map_err(|e| r.field(e, "times"))?;
                    }
                    if let Some(name) = r.opt("medicine") {
                        m.medicines.push(Medicine {
                            name,
                            dose: r.get("dose").into(),
                            times: r.list("times"),
                            time_critical: r.yes_no("time_critical")?,
                            notes: r.opt("notes"),
                            source: None,
                        });
                    }
                    let stated = r.opt("allergy");
                    let word = stated
                        .as_deref()
                        .map(|s| s.to_lowercase().replace('.', "").trim().to_string());
                    match word.as_deref() {
                        Some("nka" | "no known allergies" | "no known allergy" | "none known") => {
                            m.no_known_allergies = true;
                            continue;
                        }
                        Some("nkda" | "no known drug allergies" | "no known drug allergy") => {
                            return Err(r.err(
                                "allergy",
                                "a substance, or NKA when no allergies at all are known (NKDA says nothing about food or latex)",
                                stated.as_deref().unwrap_or_default(),
                            ));
                        }
                        _ => {}
                    }
                    if let Some(substance) = stated {
                        m.allergies.push(Allergy {
                            substance,
                            reaction: r.get("reaction").into(),
                            source: None,
                        });
                    }
                }
                if m.no_known_allergies && !m.allergies.is_empty() {
                    return Err(first.err(
                        "allergy",
                        "either allergies named or NKA for this person, not both",
                        "NKA",
                    ));
                }
                SectionContent::Medication(m)
            }
            SectionKind::Mobility => {
                one_row(kind, rs)?;
                SectionContent::Mobility(Mobility {
                    aids_indoors: first.list("aids_indoors"),
                    aids_outdoors: first.list("aids_outdoors"),
                    transfers: first.get("transfers").into(),
                    manual_handling_plan: first.get("manual_handling_plan").into(),
                    falls_risk: first
                        .choice("falls_risk", "low, medium, high")?
                        .unwrap_or_default(),
                    recent_falls_or_admissions: first.list("recent_falls_or_admissions"),
                })
            }
            SectionKind::Communication => {
                one_row(kind, rs)?;
                SectionContent::Communication(Communication {
                    language: first.get("language").into(),
                    interpreter_needed: first.yes_no("interpreter_needed")?,
                    hearing: first.opt("hearing"),
                    sight: first.opt("sight"),
                    preferred_approach: first.get("preferred_approach").into(),
                    de_escalation_prompts: first.list("de_escalation_prompts"),
                })
            }
            SectionKind::Consent => SectionContent::Consent(Consent {
                capacity_notes: rs
                    .iter()
                    .filter_map(|r| {
                        r.opt("decision").map(|d| CapacityNote {
                            decision: d,
                            note: r.get("capacity_note").into(),
                            source: None,
                        })
                    })
                    .collect(),
                lpa_or_deputy: first.opt("lpa_or_deputy"),
                dnacpr_respect: first.opt("dnacpr_respect"),
                dols_status: first.opt("dols_status"),
            }),
            SectionKind::Escalation => SectionContent::Escalation(Escalation {
                route: rs
                    .iter()
                    .map(|r| {
                        Ok(EscalationStep {
                            name: r.required("name")?,
                            role: r.get("role").into(),
                            phone: phone(r, "phone", &r.required("phone")?)?,
                            when: r.get("when").into(),
                            source: None,
                        })
                    })
                    .collect::<Result<_, DocumentError>>()?,
            }),
        };
        content.validate("").map_err(|e| {
            // The section's field path (`medicines[0].name`) named as its CSV column.
            let last = e.field.rsplit('.').next().unwrap_or("");
            let last = last.split('[').next().unwrap_or("");
            let col = match last {
                "name" if kind == SectionKind::Medication => "medicine",
                "substance" => "allergy",
                "description" => "risk",
                "note" => "capacity_note",
                other => other,
            }
            .to_string();
            first.field(e, &col)
        })?;
        out.push((
            first.n,
            record(kind.as_str(), &id, vec![Fact::Section(content)], rs),
        ));
    }
    Ok(out)
}

fn one_row(kind: SectionKind, rs: &[&Row<'_>]) -> Result<(), DocumentError> {
    match rs.get(1) {
        Some(second) => Err(second.err(
            "person_id",
            &format!("one {} row per person", kind.as_str()),
            second.get("person_id"),
        )),
        None => Ok(()),
    }
}

fn contact(r: &Row<'_>) -> Result<Contact, DocumentError> {
    Ok(Contact {
        id: ContactId::parse(&r.required("contact_id")?).map_err(|e| r.field(e, "contact_id"))?,
        partner: PartnerId::parse(&r.required("partner_id")?)
            .map_err(|e| r.field(e, "partner_id"))?,
        name: r.required("name")?,
        role: r.get("role").into(),
        phone: r.opt("phone").map(|p| phone(r, "phone", &p)).transpose()?,
        email: r.opt("email"),
    })
}

fn visit(r: &Row<'_>) -> Result<VisitRow, DocumentError> {
    let date = lantern_core::time::parse_date("date", &r.required("date")?)
        .map_err(|e| r.field(e, "date"))?;
    let at = |c: &str| -> Result<jiff::Timestamp, DocumentError> {
        let t =
            lantern_core::time::parse_time_of_day(c, &r.required(c)?).map_err(|e| r.field(e, c))?;
        date.to_datetime(t)
            .to_zoned(lantern_core::time::london())
            .map(|z| z.timestamp())
            .map_err(|e| {
                r.err(
                    c,
                    "a time that exists in London on that date",
                    &e.to_string(),
                )
            })
    };
    let (start, mut end) = (at("start")?, at("end")?);
    if end == start {
        return Err(r.err("end", "a time other than the start", r.get("end")));
    }
    if end < start {
        // An overnight or sleep-in visit (22:00 to 07:00) ends the next morning; a longer one
        // is more likely a typing slip than a visit, and is refused.
        let next = date
            .tomorrow()
            .ok()
            .and_then(|d| {
                d.to_datetime(end.to_zoned(lantern_core::time::london()).time())
                    .to_zoned(lantern_core::time::london())
                    .ok()
            })
            .map(|z| z.timestamp())
            .ok_or_else(|| {
                r.err(
                    "end",
                    "a time that exists in London the next day",
                    r.get("end"),
                )
            })?;
        if next.duration_since(start).as_hours() > 14 {
            return Err(r.err(
                "end",
                "a time after the start (or, for an overnight or sleep-in visit, the next morning within 14 hours)",
                r.get("end"),
            ));
        }
        end = next;
    }
    Ok(VisitRow {
        id: VisitId::parse(&r.required("visit_id")?).map_err(|e| r.field(e, "visit_id"))?,
        person: person_id(r)?,
        start,
        end,
        carers: r
            .list("carers")
            .iter()
            .map(|c| StaffId::parse(c).map_err(|e| r.field(e, "carers")))
            .collect::<Result<_, _>>()?,
        priorities: r
            .list("priorities")
            .iter()
            .map(|p| {
                serde_json::from_value(serde_json::Value::String(p.to_lowercase())).map_err(|_| {
                    r.err(
                        "priorities",
                        "time_critical_medication, lives_alone, high_falls_risk, safeguarding or two_carers",
                        p,
                    )
                })
            })
            .collect::<Result<_, _>>()?,
        tasks: r.list("tasks"),
    })
}
