//! Live sync against a real HTTP server started by the test, speaking FHIR search with
//! `_lastUpdated` and paging links, serving the project's own fixtures (and, in
//! `external_corpus`, the HL7 and UK Core examples).

use crate::import_fhir::fhir;
use crate::support::{demo, event_count, json, lantern};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct Server {
    resources: Vec<Value>,
    fail: bool,
    requests: Vec<String>,
    clock: u32,
    page: usize,
}

impl Server {
    fn stamp(&mut self) -> String {
        self.clock += 1;
        format!(
            "2026-11-{:02}T00:00:{:02}Z",
            1 + self.clock / 60,
            self.clock % 60
        )
    }

    /// Serves every resource of these files: loose resources as they are, a bundle's entries as
    /// a server holds them (its `urn:uuid` references become `Type/id`).
    fn load(&mut self, files: &[PathBuf], flatten: bool) {
        let types = [
            "Organization",
            "Practitioner",
            "PractitionerRole",
            "Medication",
            "Patient",
            "RelatedPerson",
            "CareTeam",
            "Flag",
            "AllergyIntolerance",
            "MedicationStatement",
            "MedicationRequest",
            "Condition",
            "Observation",
            "CarePlan",
            "Consent",
        ];
        let mut all = Vec::new();
        for f in files {
            let Ok(v) = serde_json::from_str::<Value>(&std::fs::read_to_string(f).unwrap()) else {
                continue;
            };
            if flatten && v["resourceType"] == "Bundle" && v["type"] == "transaction" {
                let mut text = v.to_string();
                for e in v["entry"].as_array().unwrap() {
                    let r = &e["resource"];
                    let (rt, id) = (
                        r["resourceType"].as_str().unwrap(),
                        r["id"].as_str().unwrap(),
                    );
                    text = text.replace(&format!("urn:uuid:{id}"), &format!("{rt}/{id}"));
                }
                let v: Value = serde_json::from_str(&text).unwrap();
                all.extend(
                    v["entry"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|e| e["resource"].clone()),
                );
            } else {
                all.push(v);
            }
        }
        for mut v in all {
            {
                let rt = v["resourceType"].as_str().unwrap_or_default().to_string();
                if !types.contains(&rt.as_str()) {
                    continue;
                }
                let id = v["id"].as_str().unwrap_or_default().to_string();
                if self
                    .resources
                    .iter()
                    .any(|r| r["resourceType"] == rt && r["id"] == id)
                {
                    continue;
                }
                let t = self.stamp();
                v["meta"]["lastUpdated"] = Value::from(t);
                self.resources.push(v);
            }
        }
    }

    fn answer(&mut self, base: &str, path: &str) -> (u16, String) {
        self.requests.push(path.to_string());
        if self.fail {
            return (500, r#"{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"exception"}]}"#.into());
        }
        let (ty, query) = path
            .trim_start_matches("/fhir/")
            .split_once('?')
            .unwrap_or((path, ""));
        let mut count = 100;
        let mut offset = 0;
        let mut since = String::new();
        for kv in query.split('&') {
            match kv.split_once('=') {
                Some(("_count", v)) => count = v.parse().unwrap(),
                Some(("_offset", v)) => offset = v.parse().unwrap(),
                Some(("_lastUpdated", v)) => since = v.trim_start_matches("ge").to_string(),
                _ => {}
            }
        }
        let mut hits: Vec<&Value> = self
            .resources
            .iter()
            .filter(|r| r["resourceType"] == ty)
            .filter(|r| r["meta"]["lastUpdated"].as_str().unwrap() >= since.as_str())
            .collect();
        hits.sort_by_key(|r| r["meta"]["lastUpdated"].as_str().unwrap().to_string());
        let page: Vec<Value> = hits
            .iter()
            .skip(offset)
            .take(count)
            .map(|r| {
                json!({
                    "fullUrl": format!("{base}/{ty}/{}", r["id"].as_str().unwrap()),
                    "resource": r,
                    "search": { "mode": "match" },
                })
            })
            .collect();
        let mut link = vec![
            json!({ "relation": "self", "url": format!("{base}{}", path.trim_start_matches("/fhir")) }),
        ];
        if offset + count < hits.len() {
            let mut next = format!("{base}/{ty}?_count={count}&_offset={}", offset + count);
            if !since.is_empty() {
                next.push_str(&format!("&_lastUpdated=ge{since}"));
            }
            link.push(json!({ "relation": "next", "url": next }));
        }
        let bundle = json!({
            "resourceType": "Bundle",
            "type": "searchset",
            "total": hits.len(),
            "link": link,
            "entry": page,
        });
        (200, bundle.to_string())
    }
}

fn start(state: Arc<Mutex<Server>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/fhir", listener.local_addr().unwrap());
    let b = base.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).is_err() || h == "\r\n" || h.is_empty() {
                    break;
                }
            }
            let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
            // A small page size so that paging is exercised.
            let (status, body) = {
                let mut s = state.lock().unwrap();
                let path = path.replace("_count=100", &format!("_count={}", s.page));
                s.answer(&b, &path)
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: application/fhir+json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    base
}

fn pull(data: &std::path::Path) -> (i32, Value) {
    let out = lantern(data)
        .args(["--json", "source", "pull", "ehr"])
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap_or(-1), v)
}

#[test]
fn pulls_by_last_updated_with_paging_takes_only_changes_and_records_a_failing_source() {
    let mut files = Vec::new();
    for dir in ["bundles", "resources"] {
        let mut f: Vec<_> = std::fs::read_dir(fhir(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        f.sort();
        files.extend(f);
    }
    pull_by_last_updated_with_paging(&files, true, "cashew", 2, 15);
}

/// Serves these files' resources (with `flatten`, a transaction bundle's entries too), `page` to
/// a page, and pulls: more than `min_pages` pages, the patient `example` with their cashew allergy
/// (id `allergy`), only changes after the first pull, a failing server recorded as a degraded
/// dependency.
pub fn pull_by_last_updated_with_paging(
    files: &[PathBuf],
    flatten: bool,
    allergy: &str,
    page: usize,
    min_pages: u64,
) {
    let d = demo();
    let state = Arc::new(Mutex::new(Server {
        page,
        ..Server::default()
    }));
    state.lock().unwrap().load(files, flatten);
    let base = start(state.clone());
    json(
        d.path(),
        &[
            "source",
            "add",
            "ehr",
            "--fhir-base",
            &base,
            "--service",
            "maple-court",
            "--poll-minutes",
            "5",
        ],
    );

    let (code, first) = pull(d.path());
    assert_eq!(code, 0, "{first}");
    assert!(first["pages"].as_u64().unwrap() > min_pages, "{first}");
    assert_eq!(first["since"], Value::Null);
    let people = first["import"]["people_added"].as_array().unwrap();
    assert!(people.iter().any(|p| p == "ehr-example"), "{people:?}");
    let mei = json(d.path(), &["mei", "show", "ehr-example"]).to_string();
    assert!(mei.contains("Cashew"), "{mei}");
    // "As of": the section's provenance carries the source's lastUpdated.
    assert!(mei.contains("\"last_updated\":\"2026-11-"), "{mei}");

    // Nothing changed: the next pull starts from the newest record held and appends nothing.
    let before = event_count(d.path());
    let requested = state.lock().unwrap().requests.len();
    let (code, second) = pull(d.path());
    assert_eq!(code, 0);
    assert!(second["since"].as_str().unwrap().starts_with("2026-11-"));
    assert_eq!(second["import"]["events"], 0, "{second}");
    assert_eq!(event_count(d.path()), before);
    let paths: Vec<String> = state.lock().unwrap().requests[requested..].to_vec();
    assert!(
        paths.iter().all(|p| p.contains("_lastUpdated=ge")),
        "{paths:?}"
    );

    // The main record changes one allergy: exactly that comes across.
    {
        let mut s = state.lock().unwrap();
        let t = s.stamp();
        let a = s
            .resources
            .iter_mut()
            .find(|r| r["resourceType"] == "AllergyIntolerance" && r["id"] == allergy)
            .unwrap();
        a["code"]["text"] = Value::from("Cashew nuts (confirmed anaphylaxis)");
        a["meta"]["lastUpdated"] = Value::from(t);
    }
    let (code, third) = pull(d.path());
    assert_eq!(code, 0);
    assert_eq!(
        third["import"]["by_type"]["AllergyIntolerance"]["updated"], 1,
        "{third}"
    );
    assert_eq!(third["import"]["events"], 2, "{third}");
    let mei = json(d.path(), &["mei", "show", "ehr-example", "medication"]).to_string();
    assert!(mei.contains("confirmed anaphylaxis"), "{mei}");

    // The server fails: the pull says so, and the source is recorded as a degraded dependency.
    state.lock().unwrap().fail = true;
    let (code, failed) = pull(d.path());
    assert_eq!(code, 3, "{failed}");
    assert!(
        failed["failure"].as_str().unwrap().contains("HTTP 500"),
        "{failed}"
    );
    let deps = json(d.path(), &["dependency", "list"]).to_string();
    assert!(
        deps.contains("ehr") && deps.contains("sync from ehr failing"),
        "{deps}"
    );

    // And restored when it answers again.
    state.lock().unwrap().fail = false;
    let (code, _) = pull(d.path());
    assert_eq!(code, 0);
    let deps = json(d.path(), &["dependency", "list"]).to_string();
    assert!(deps.contains("answering again"), "{deps}");
    json(d.path(), &["verify"]);
}

#[test]
fn an_unreachable_source_is_a_failure_not_a_crash() {
    let d = demo();
    // A port nobody listens on.
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/fhir", l.local_addr().unwrap());
    drop(l);
    json(
        d.path(),
        &[
            "source",
            "add",
            "ehr",
            "--fhir-base",
            &base,
            "--service",
            "maple-court",
        ],
    );
    let (code, r) = pull(d.path());
    assert_eq!(code, 3, "{r}");
    assert!(r["failure"].as_str().unwrap().contains(&base), "{r}");
    let out = lantern(d.path())
        .args([
            "source",
            "add",
            "bad",
            "--fhir-base",
            "ftp://x",
            "--service",
            "maple-court",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("fhir_base"));
}
