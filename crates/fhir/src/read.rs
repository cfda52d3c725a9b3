//! Reading one FHIR JSON document (a Bundle or a single resource) into source records.

use crate::map::{BOOKKEEPING, map};
use crate::refs::{FullUrls, RefUse, collect};
use crate::schema::{Problem, Schema};
use lantern_core::source::SourceRecord;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// A document that cannot be imported, naming the file, resource, element and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {resource}{sep}{path}: expected {expected}, got {got}",
    sep = if path.is_empty() { "" } else { ": " })]
pub struct DocumentError {
    /// The file (or URL).
    pub file: String,
    /// The resource, as `Type/id`, or `document` when it is not FHIR JSON at all.
    pub resource: String,
    /// The element path.
    pub path: String,
    /// What was expected.
    pub expected: String,
    /// What was found.
    pub got: String,
}

impl DocumentError {
    fn from_problem(file: &str, p: Problem) -> Self {
        DocumentError {
            file: file.to_string(),
            resource: if p.resource.is_empty() {
                "document".into()
            } else {
                p.resource
            },
            path: p.path,
            expected: p.expected,
            got: p.got,
        }
    }
}

/// What one document holds.
#[derive(Debug, Default)]
pub struct Document {
    /// Every resource in it (Bundles are envelopes: their entries are the records).
    pub records: Vec<SourceRecord>,
    /// Every reference used, to report the dangling ones.
    pub references: Vec<RefUse>,
    /// Entries with no resource (a transaction's DELETE, a response's status), said in words.
    pub notes: Vec<String>,
    /// How many Bundles enveloped the records.
    pub bundles: usize,
    /// Bundles whose type says they are a complete set (`searchset`, `collection`...).
    pub bundle_types: Vec<String>,
}

/// The largest document accepted.
pub const MAX_DOCUMENT_BYTES: usize = 256 * 1024 * 1024;

/// Parse, validate and map one document. Nothing is partial: any problem rejects it whole.
pub fn read_document(file: &str, bytes: &[u8]) -> Result<Document, DocumentError> {
    let err = |path: &str, expected: &str, got: String| DocumentError {
        file: file.to_string(),
        resource: "document".into(),
        path: path.to_string(),
        expected: expected.to_string(),
        got,
    };
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(err(
            "",
            &format!("at most {MAX_DOCUMENT_BYTES} bytes"),
            format!("{} bytes", bytes.len()),
        ));
    }
    // Windows tools write a UTF-8 byte order mark; it is not part of the JSON.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let trimmed = bytes.trim_ascii_start();
    if trimmed.starts_with(b"<") {
        return Err(err(
            "",
            "FHIR JSON (FHIR XML is not read yet: convert it to JSON first)",
            "an XML document".into(),
        ));
    }
    if file.ends_with(".ndjson") {
        return read_ndjson(file, bytes);
    }
    let v: Value = serde_json::from_slice(bytes).map_err(|e| {
        err(
            "",
            "a complete JSON document",
            format!("{e} (line {}, column {})", e.line(), e.column()),
        )
    })?;
    validate(file, &v)?;
    let mut doc = Document::default();
    flatten(&v, &mut doc, None);
    Ok(doc)
}

/// FHIR bulk data (NDJSON): one resource per line, the file all or nothing like any other.
fn read_ndjson(file: &str, bytes: &[u8]) -> Result<Document, DocumentError> {
    let mut resources = Vec::new();
    for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
        let line = line.trim_ascii();
        if line.is_empty() {
            continue;
        }
        let v: Value = serde_json::from_slice(line).map_err(|e| DocumentError {
            file: file.to_string(),
            resource: "document".into(),
            path: format!("line {}", i + 1),
            expected: "one complete JSON resource per line (FHIR NDJSON)".into(),
            got: format!("{e}"),
        })?;
        validate(file, &v).map_err(|mut e| {
            e.path = format!("line {}: {}", i + 1, e.path);
            e
        })?;
        resources.push(v);
    }
    let mut doc = Document::default();
    for v in &resources {
        flatten(v, &mut doc, None);
    }
    Ok(doc)
}

/// The schema, then the required value sets it leaves as plain codes.
fn validate(file: &str, v: &Value) -> Result<(), DocumentError> {
    Schema::get()
        .validate(v)
        .map_err(|p| DocumentError::from_problem(file, p))?;
    bindings_in(file, v)
}

fn bindings_in(file: &str, v: &Value) -> Result<(), DocumentError> {
    if v["resourceType"] == "Bundle" {
        for e in v
            .get("entry")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(r) = e.get("resource") {
                bindings_in(file, r)?;
            }
        }
        return Ok(());
    }
    match crate::bindings::check(v) {
        None => Ok(()),
        Some((path, expected, got)) => Err(DocumentError {
            file: file.to_string(),
            resource: format!(
                "{}/{}",
                v["resourceType"].as_str().unwrap_or_default(),
                v["id"].as_str().unwrap_or("(no id)")
            ),
            path,
            expected,
            got,
        }),
    }
}

fn flatten(v: &Value, doc: &mut Document, outer: Option<&FullUrls>) {
    let rt = v["resourceType"].as_str().unwrap_or_default();
    if rt != "Bundle" {
        let urls = FullUrls::default();
        push(v, None, outer.unwrap_or(&urls), doc);
        return;
    }
    doc.bundles += 1;
    if let Some(t) = v.get("type").and_then(Value::as_str) {
        doc.bundle_types.push(t.to_string());
    }
    let entries = v
        .get("entry")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let mut urls = FullUrls::default();
    for e in entries {
        if let (Some(full), Some(r)) = (e.get("fullUrl").and_then(Value::as_str), e.get("resource"))
        {
            let rt = r["resourceType"].as_str().unwrap_or_default();
            let id = r
                .get("id")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| id_from_url(full));
            urls.0.insert(full.to_string(), format!("{rt}/{id}"));
        }
    }
    for (i, e) in entries.iter().enumerate() {
        match e.get("resource") {
            Some(r) if r["resourceType"] == "Bundle" => flatten(r, doc, Some(&urls)),
            Some(r) => push(r, e.get("fullUrl").and_then(Value::as_str), &urls, doc),
            None => {
                let what = e
                    .get("request")
                    .map(|q| {
                        format!(
                            "{} {}",
                            q["method"].as_str().unwrap_or_default(),
                            q["url"].as_str().unwrap_or_default()
                        )
                    })
                    .or_else(|| {
                        e.get("response").map(|q| {
                            format!("response {}", q["status"].as_str().unwrap_or_default())
                        })
                    })
                    .unwrap_or_else(|| "an empty entry".into());
                doc.notes.push(format!(
                    "entry[{i}] has no resource ({what}): kept in the report, nothing imported"
                ));
            }
        }
    }
}

fn id_from_url(full: &str) -> String {
    full.rsplit([':', '/']).next().unwrap_or(full).to_string()
}

fn push(r: &Value, full_url: Option<&str>, urls: &FullUrls, doc: &mut Document) {
    let rt = r["resourceType"].as_str().unwrap_or_default().to_string();
    let raw = serde_json::to_string(r).unwrap_or_default();
    let hash = hex::encode(Sha256::digest(raw.as_bytes()));
    let id = r
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| full_url.map(id_from_url))
        .unwrap_or_else(|| format!("sha256-{}", &hash[..16]));
    let key = format!("{rt}/{id}");
    let meta = r.get("meta");
    let version_id = meta
        .and_then(|m| m.get("versionId"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let last_updated = meta
        .and_then(|m| m.get("lastUpdated"))
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<jiff::Timestamp>().ok());
    let patient = if rt == "Patient" {
        Some(key.clone())
    } else {
        ["subject", "patient", "beneficiary"]
            .iter()
            .filter_map(|k| r.get(*k))
            .filter_map(|x| x.get("reference").and_then(Value::as_str))
            .filter_map(|x| urls.normalise(x))
            .find(|t| t.starts_with("Patient/"))
    };
    let m = map(&rt, r, urls);
    let unmapped = if m.mapped {
        r.as_object()
            .map(|o| {
                o.keys()
                    .filter(|k| {
                        !BOOKKEEPING.contains(&k.as_str())
                            && !m.used.contains(&k.as_str())
                            && !k.starts_with('_')
                    })
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    collect(&key, r, urls, &mut doc.references);
    doc.records.push(lantern_core::source::SourceRecord {
        resource_type: rt,
        id,
        version_id,
        last_updated,
        hash,
        patient,
        summary: m.summary,
        mapped: m.mapped,
        facts: m.facts,
        unmapped,
        raw,
    });
}
