//! Downtime records for back-entry into the main record, as a FHIR R4 collection Bundle (one
//! DocumentReference per record: a readable text and the whole record as JSON) or as CSV, each
//! carrying the record's content hash — and the readers that prove nothing was lost.

use crate::export::instant;
use base64::Engine;
use lantern_core::person::Person;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The identifier system for downtime records.
pub const RECORD_SYSTEM: &str = "urn:lantern:downtime-record";
/// The identifier system for a record's content hash.
pub const HASH_SYSTEM: &str = "urn:lantern:content-sha256";

/// One record to export.
#[derive(Debug, Clone)]
pub struct BackEntry {
    /// Record id.
    pub id: String,
    /// Kind (decision, call...).
    pub kind: String,
    /// Its disruption.
    pub disruption: String,
    /// People it concerns.
    pub people: Vec<String>,
    /// One line.
    pub summary: String,
    /// When it happened.
    pub occurred_at: jiff::Timestamp,
    /// When it was entered.
    pub recorded_at: jiff::Timestamp,
    /// Who entered it.
    pub by: String,
    /// The whole content as canonical JSON (what the hash covers).
    pub content: String,
    /// SHA-256 of `content`, hex.
    pub hash: String,
    /// A drill's record.
    pub drill: bool,
}

/// What a reader found for one record: its id, the hash it carries and its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Record id.
    pub id: String,
    /// The hash written beside it.
    pub hash: String,
    /// The content as found.
    pub content: String,
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s.as_bytes())
}

/// A readable rendering of the content: every field, one per line, dotted paths.
pub fn readable(content: &str) -> String {
    fn walk(prefix: &str, v: &Value, out: &mut String) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    let p = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&p, x, out);
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    walk(&format!("{prefix}[{i}]"), x, out);
                }
            }
            Value::Null => {}
            Value::String(s) => out.push_str(&format!("{prefix}: {s}\n")),
            other => out.push_str(&format!("{prefix}: {other}\n")),
        }
    }
    let mut out = String::new();
    if let Ok(v) = serde_json::from_str::<Value>(content) {
        walk("", &v, &mut out);
    }
    out
}

/// The Bundle: the Patients named, then one DocumentReference per record.
pub fn bundle(
    entries: &[BackEntry],
    people: &BTreeMap<String, Person>,
    org: &str,
    now: jiff::Timestamp,
) -> Value {
    let mut out: Vec<(String, Value)> = Vec::new();
    let mut named: Vec<&String> = entries.iter().flat_map(|e| e.people.iter()).collect();
    named.sort();
    named.dedup();
    for p in named {
        if let Some(person) = people.get(p) {
            let shown = crate::export::PersonOut {
                person: person.clone(),
                withheld: person.restricted,
                sections: vec![],
            };
            out.push((
                format!("Patient/{p}"),
                crate::export::patient_resource(&shown),
            ));
        }
    }
    for e in entries {
        let mut doc = json!({
            "resourceType": "DocumentReference",
            "id": format!("downtime-{}", e.id),
            "identifier": [
                { "system": RECORD_SYSTEM, "value": e.id },
                { "system": HASH_SYSTEM, "value": e.hash },
            ],
            "status": "current",
            "type": { "text": format!("Downtime record: {}{}", e.kind, if e.drill { " (DRILL)" } else { "" }) },
            "date": instant(e.recorded_at),
            "author": [{ "display": e.by }],
            "custodian": { "display": org },
            "description": e.summary,
            "content": [
                { "attachment": {
                    "contentType": "text/plain; charset=utf-8",
                    "data": b64(&format!(
                        "{}\nDisruption: {}\nHappened: {}\nEntered: {} by {}\n\n{}",
                        e.summary, e.disruption, instant(e.occurred_at), instant(e.recorded_at), e.by,
                        readable(&e.content)
                    )),
                    "title": "Downtime record (readable)",
                    "creation": instant(e.occurred_at),
                }},
                { "attachment": {
                    "contentType": "application/json",
                    "data": b64(&e.content),
                    "title": "Downtime record (complete, as hashed)",
                    "creation": instant(e.occurred_at),
                }},
            ],
            "context": { "period": { "start": instant(e.occurred_at) } },
        });
        if let Some(p) = e.people.first().filter(|p| people.contains_key(*p)) {
            doc["subject"] = crate::export::reference(&format!("Patient/{p}"));
        }
        out.push((format!("DocumentReference/downtime-{}", e.id), doc));
    }
    json!({
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": instant(now),
        "meta": { "lastUpdated": instant(now) },
        "entry": out.into_iter().map(|(key, res)| crate::export::entry(&key, res)).collect::<Vec<_>>(),
    })
}

/// The CSV columns.
pub const CSV_COLUMNS: [&str; 11] = [
    "record",
    "kind",
    "disruption",
    "people",
    "occurred_at",
    "recorded_at",
    "by",
    "summary",
    "readable",
    "content_sha256",
    "content_json",
];

/// The CSV: one row per record.
pub fn csv(entries: &[BackEntry]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(CSV_COLUMNS);
    for e in entries {
        let _ = w.write_record([
            e.id.as_str(),
            &e.kind,
            &e.disruption,
            &e.people.join(" "),
            &instant(e.occurred_at),
            &instant(e.recorded_at),
            &e.by,
            &e.summary,
            &readable(&e.content),
            &e.hash,
            &e.content,
        ]);
    }
    w.into_inner().unwrap_or_default()
}

/// Read the records back out of an export (FHIR Bundle or CSV, told apart by the first byte).
pub fn read(bytes: &[u8]) -> Result<Vec<Found>, String> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
    if first == Some(b'{') {
        let v: Value = serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))?;
        let mut out = Vec::new();
        for (i, entry) in v["entry"].as_array().into_iter().flatten().enumerate() {
            let r = &entry["resource"];
            if r["resourceType"] != "DocumentReference" {
                continue;
            }
            let ident = |system: &str| {
                r["identifier"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|x| x["system"] == system)
                    .and_then(|x| x["value"].as_str())
                    .map(str::to_string)
            };
            let Some(id) = ident(RECORD_SYSTEM) else {
                continue;
            };
            let content = r["content"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|c| c["attachment"]["contentType"] == "application/json")
                .and_then(|c| c["attachment"]["data"].as_str())
                .map(|d| {
                    base64::engine::general_purpose::STANDARD
                        .decode(d)
                        .map_err(|e| {
                            format!("entry[{i}] ({id}): the JSON attachment is not base64: {e}")
                        })
                        .and_then(|b| {
                            String::from_utf8(b).map_err(|e| format!("entry[{i}] ({id}): {e}"))
                        })
                })
                .transpose()?
                .unwrap_or_default();
            out.push(Found {
                id,
                hash: ident(HASH_SYSTEM).unwrap_or_default(),
                content,
            });
        }
        Ok(out)
    } else {
        let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
        let headers = rdr
            .headers()
            .map_err(|e| format!("CSV header: {e}"))?
            .clone();
        let col = |name: &str| headers.iter().position(|h| h == name);
        let (Some(ri), Some(hi), Some(ci)) =
            (col("record"), col("content_sha256"), col("content_json"))
        else {
            return Err("CSV: expected the columns record, content_sha256 and content_json".into());
        };
        let mut out = Vec::new();
        for (n, row) in rdr.records().enumerate() {
            let row = row.map_err(|e| format!("CSV row {}: {e}", n + 2))?;
            out.push(Found {
                id: row.get(ri).unwrap_or_default().to_string(),
                hash: row.get(hi).unwrap_or_default().to_string(),
                content: row.get(ci).unwrap_or_default().to_string(),
            });
        }
        Ok(out)
    }
}
