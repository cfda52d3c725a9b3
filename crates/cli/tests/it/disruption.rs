//! Running a disruption end to end through the CLI, with a controllable clock (`LANTERN_NOW`):
//! probes against real local servers that fail in different ways, S2, S3, S5 and S7, ladder and
//! follow-up timing, SMTP against a real listener on loopback, drills, and bad input.

use crate::support::{at, demo_at, event_count, lantern, ok, refused};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const ON_CALL: &str = "s-daniel-hughes";
const COORDINATOR: &str = "s-lucy-turner";

fn text(data: &Path, now: &str, args: &[&str]) -> String {
    let out = at(data, now, ON_CALL, args);
    String::from_utf8(out.stdout).unwrap()
}

// ---- local servers that fail in different ways ----

/// An HTTP server answering every request with `status` after `delay`.
fn http_server(status: u16, delay: Duration) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            std::thread::spawn(move || {
                let mut buf = [0u8; 2048];
                let _ = s.read(&mut buf);
                std::thread::sleep(delay);
                let _ = write!(
                    s,
                    "HTTP/1.1 {status} X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                );
            });
        }
    });
    port
}

/// A server that accepts and never answers.
fn silent_server() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in l.incoming() {
            held.push(s);
        }
    });
    port
}

/// A port nothing listens on.
fn refused_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

fn register(data: &Path, now: &str, dep: Value) {
    let f = data.join(format!("{}.json", dep["id"].as_str().unwrap()));
    std::fs::write(&f, dep.to_string()).unwrap();
    ok(
        data,
        now,
        "s-amara-osei",
        &["dependency", "add", f.to_str().unwrap()],
    );
}

fn probed(id: &str, target: Value, threshold: u32) -> Value {
    json!({
        "id": id, "name": id, "owner": "supplier", "owner_name": "Test Ltd", "criticality": "high",
        "services": ["riverside-homecare"], "fallback": "paper",
        "playbook": ["Switch to paper"],
        "probe": {"target": target, "every_seconds": 60, "timeout_ms": 400, "slow_ms": 200, "threshold": threshold}
    })
}

fn probe(data: &Path, now: &str, id: &str) -> Value {
    let out = at(data, now, "", &["--json", "dependency", "probe", id]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v[0].clone()
}

#[test]
fn probes_fail_in_different_ways_and_propose_a_disruption() {
    let now = "2026-11-21T10:00:00Z";
    let d = demo_at(now);
    let data = d.path();
    let url = |p: u16| format!("http://127.0.0.1:{p}/health");
    let cases = [
        (
            "http-ok",
            json!({"kind": "http", "url": url(http_server(200, Duration::ZERO))}),
            "UP",
            "HTTP 200",
        ),
        (
            "http-500",
            json!({"kind": "http", "url": url(http_server(500, Duration::ZERO))}),
            "DOWN",
            "HTTP 500",
        ),
        (
            "http-slow",
            json!({"kind": "http", "url": url(http_server(200, Duration::from_millis(300)))}),
            "SLOW",
            "slower than 200 ms",
        ),
        (
            "http-timeout",
            json!({"kind": "http", "url": url(silent_server())}),
            "DOWN",
            "timed out",
        ),
        (
            "http-refused",
            json!({"kind": "http", "url": url(refused_port())}),
            "DOWN",
            "refused",
        ),
        (
            "tcp-ok",
            json!({"kind": "tcp", "host": "127.0.0.1", "port": http_server(200, Duration::ZERO)}),
            "UP",
            "connected",
        ),
        (
            "tcp-refused",
            json!({"kind": "tcp", "host": "127.0.0.1", "port": refused_port()}),
            "DOWN",
            "refused",
        ),
        (
            "dns-ok",
            json!({"kind": "dns", "name": "localhost"}),
            "UP",
            "address",
        ),
        (
            "dns-bad",
            json!({"kind": "dns", "name": "no-such-host.invalid"}),
            "DOWN",
            "did not resolve",
        ),
    ];
    for (id, target, _, _) in &cases {
        register(data, now, probed(id, target.clone(), 2));
    }
    for (id, _, status, detail) in &cases {
        let r = probe(data, now, id);
        assert_eq!(
            r["result"]["status"].as_str().unwrap().to_uppercase(),
            *status,
            "{id}: {r}"
        );
        assert!(
            r["result"]["detail"].as_str().unwrap().contains(detail),
            "{id}: {r}"
        );
        assert!(
            r["proposed"].is_null(),
            "one failure is below the threshold of 2"
        );
    }
    // A second failure crosses the threshold: a disruption is proposed, once.
    let r = probe(data, now, "http-500");
    let proposal = r["proposed"].as_str().unwrap().to_string();
    assert_eq!(r["failures"], 2);
    assert!(
        probe(data, now, "http-500")["proposed"].is_null(),
        "proposed once per streak"
    );
    // A run of successes records nothing; the dependency counts as down only past the threshold.
    let before = event_count(data);
    probe(data, now, "http-ok");
    assert_eq!(event_count(data), before);
    let list = ok(data, now, ON_CALL, &["dependency", "list"]);
    let row = |id: &str| {
        list["register"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["dependency"]["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(row("http-500")["degraded"], true);
    assert_eq!(
        row("http-slow")["degraded"],
        false,
        "one slow answer is below the threshold"
    );
    assert_eq!(row("http-ok")["degraded"], false);
    // A person confirms the proposal.
    let v = ok(
        data,
        now,
        ON_CALL,
        &[
            "disruption",
            "declare",
            "--id",
            &proposal,
            "--title",
            "Test system answering 500",
        ],
    );
    assert_eq!(v["stage"], "declared");
    assert_eq!(v["disruption"]["dependencies"][0], "http-500");
    assert_eq!(v["stages"][0]["stage"], "proposed");
    // History shows the failures.
    let h = ok(data, now, ON_CALL, &["dependency", "history", "http-500"]);
    assert_eq!(h.as_array().unwrap().len(), 3);
    lantern(data).arg("verify").assert().success();
}

#[test]
fn s3_safeguarding_allegation_during_an_email_outage() {
    let d = demo_at("2026-11-21T20:00:00Z");
    let data = d.path();
    let t = |hm: &str| format!("2026-11-22T{hm}:00Z");
    // 01:50 email fails; the on-call manager declares it at 02:00.
    let v = ok(
        data,
        &t("02:00"),
        ON_CALL,
        &[
            "disruption",
            "declare",
            "--title",
            "Email down across the organisation",
            "--dependency",
            "email",
            "--started-at",
            &t("01:50"),
            "--severity",
            "major",
        ],
    );
    let id = v["id"].as_str().unwrap().to_string();
    ok(
        data,
        &t("02:00"),
        ON_CALL,
        &[
            "disruption",
            "assign",
            &id,
            "--role",
            "lead",
            "--who",
            ON_CALL,
        ],
    );
    // 02:10 an allegation: the safeguarding ladder skips email and prompts the phone referral.
    let e = ok(
        data,
        &t("02:10"),
        ON_CALL,
        &[
            "escalation",
            "start",
            "--ladder",
            "safeguarding",
            "--person",
            "p-edith-marlow",
            "--about",
            "Allegation of financial abuse by a visitor to Mrs Marlow",
        ],
    );
    let esc = e["escalation"]["id"].as_str().unwrap().to_string();
    let steps = e["tick"]["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 2, "{steps:?}");
    assert!(
        steps[0]
            .as_str()
            .unwrap()
            .contains("email is down (dependency email), so this step was skipped")
    );
    assert!(
        steps[1]
            .as_str()
            .unwrap()
            .contains("call Northshire Safeguarding Adults Hub on 01632 960301")
    );
    // Nothing more is due until the phone step's 15 minutes have run out.
    assert!(
        ok(data, &t("02:24"), "", &["escalation", "tick"])["steps"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // The status says what the console says while the phone step waits (one presenter for both).
    let waiting = text(data, &t("02:12"), &["disruption", "status", &id]);
    assert!(
        waiting.contains("RUNNING")
            && waiting.contains("Call Northshire Safeguarding Adults Hub on 01632 960301 now"),
        "{waiting}"
    );
    // 02:15 the referral is made by phone; the reference goes in the log and answers the ladder.
    let call = ok(
        data,
        &t("02:16"),
        ON_CALL,
        &[
            "record",
            "call",
            "--occurred-at",
            &t("02:15"),
            "--direction",
            "outgoing",
            "--party",
            "Grace Adeyemi",
            "--organisation",
            "Northshire Safeguarding Adults Hub",
            "--number",
            "01632 960301",
            "--purpose",
            "Safeguarding referral: allegation of financial abuse",
            "--outcome",
            "Referral accepted; hub to visit tomorrow",
            "--reference",
            "SG-2026-1142",
            "--person",
            "p-edith-marlow",
            "--escalation",
            &esc,
        ],
    );
    assert_eq!(call["record"]["body"]["reference"], "SG-2026-1142");
    assert!(
        ok(data, &t("02:40"), "", &["escalation", "tick"])["steps"]
            .as_array()
            .unwrap()
            .is_empty(),
        "acknowledged: the ladder stops"
    );
    ok(
        data,
        &t("02:20"),
        ON_CALL,
        &[
            "record",
            "decision",
            "--what",
            "Visitor not to be admitted alone; two carers at each call until the hub visits",
            "--rationale",
            "Protect Mrs Marlow pending the safeguarding enquiry (ref SG-2026-1142)",
            "--restriction",
            "Named visitor only with staff present",
            "--review-at",
            &t("12:00"),
            "--person",
            "p-edith-marlow",
        ],
    );
    ok(
        data,
        &t("02:25"),
        ON_CALL,
        &[
            "record",
            "instruction",
            "--to",
            "Mark Bennett, on-call senior",
            "--what",
            "Increased oversight of Mrs Marlow's calls tonight and tomorrow",
            "--person",
            "p-edith-marlow",
        ],
    );
    // A back-entered paper form dated before the outage, or in the future, is refused.
    let e1 = refused(
        data,
        &t("09:00"),
        ON_CALL,
        &[
            "record",
            "incident",
            "--occurred-at",
            &t("01:30"),
            "--key-facts",
            "x",
            "--protective-actions",
            "y",
            "--told",
            "z",
            "--reg18",
            "undecided",
        ],
    );
    assert!(
        e1.contains("occurred_at") && e1.contains("which started at"),
        "{e1}"
    );
    let e2 = refused(
        data,
        &t("09:00"),
        ON_CALL,
        &[
            "record",
            "incident",
            "--occurred-at",
            &t("10:00"),
            "--key-facts",
            "x",
            "--protective-actions",
            "y",
            "--told",
            "z",
            "--reg18",
            "undecided",
        ],
    );
    assert!(e2.contains("not in the future"), "{e2}");
    let e3 = refused(
        data,
        &t("09:00"),
        ON_CALL,
        &[
            "record",
            "incident",
            "--key-facts",
            "x",
            "--protective-actions",
            "y",
            "--told",
            "z",
            "--reg18",
            "undecided",
            "--restriction",
            "Door locked",
        ],
    );
    assert!(e3.contains("restriction_rationale"), "{e3}");
    // 09:00 the paper incident form is entered with its original time and reference.
    let inc = ok(
        data,
        &t("09:00"),
        ON_CALL,
        &[
            "record",
            "incident",
            "--occurred-at",
            &t("02:05"),
            "--paper-ref",
            "IF-0457",
            "--key-facts",
            "Neighbour reported a visitor taking Mrs Marlow's bank card",
            "--protective-actions",
            "Card cancelled with the bank; visitor asked to leave",
            "--restriction",
            "Visitor not admitted alone",
            "--restriction-rationale",
            "Risk of further financial abuse",
            "--told",
            "Daughter (Sarah Marlow), safeguarding hub",
            "--reg18",
            "notifiable",
            "--safeguarding-shared-at",
            &t("02:15"),
            "--person",
            "p-edith-marlow",
        ],
    );
    assert_eq!(inc["occurred_at"], t("02:05"));
    assert_eq!(inc["recorded_at"], t("09:00"));
    assert_eq!(inc["record"]["paper_ref"], "IF-0457");
    // The timeline puts everything in the order it happened, paper entries marked.
    let status = text(data, &t("09:05"), &["disruption", "status", &id]);
    let pos = |s: &str| {
        status
            .find(s)
            .unwrap_or_else(|| panic!("{s} missing from:\n{status}"))
    };
    assert!(
        pos("Declared") < pos("Incident: Neighbour reported")
            && pos("Incident: Neighbour reported") < pos("Escalation started")
    );
    assert!(
        status.contains("[from paper IF-0457] (entered Sun 22 Nov 2026 09:00)"),
        "{status}"
    );
    assert!(status.contains("ACKNOWLEDGED"));
    assert!(status.contains("lead: Daniel Hughes"));
    // The outage ends; lifecycle only moves on valid transitions.
    let bad = refused(data, &t("09:10"), ON_CALL, &["disruption", "close", &id]);
    assert!(bad.contains("from declared: stable or recovered"), "{bad}");
    ok(
        data,
        &t("09:30"),
        ON_CALL,
        &[
            "disruption",
            "stage",
            &id,
            "recovered",
            "--note",
            "Email back",
        ],
    );
    crate::reconcile::s3_reconciled_with_nothing_lost(data, &t("09:45"), &id);
    crate::reconcile::s3_reviewed(data, &t("09:50"), &id);
    ok(data, &t("10:00"), ON_CALL, &["disruption", "close", &id]);
    lantern(data).arg("verify").assert().success();
    // The evidence pack verifies on its own, and any changed byte fails it.
    crate::evidence::pack_verifies_and_tampering_fails(data, &t("10:05"), &id);
}

/// A minimal SMTP server on loopback: accepts (or, with `fail`, refuses every sender with 451),
/// and keeps each message received.
pub(crate) fn smtp_server(fail: bool) -> (u16, Arc<Mutex<Vec<String>>>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let got = Arc::new(Mutex::new(Vec::new()));
    let g = got.clone();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(s) = s else { continue };
            let g = g.clone();
            std::thread::spawn(move || smtp_session(s, fail, &g));
        }
    });
    (port, got)
}

fn smtp_session(s: TcpStream, fail: bool, got: &Mutex<Vec<String>>) {
    let mut w = s.try_clone().unwrap();
    let mut r = BufReader::new(s);
    let _ = w.write_all(b"220 loopback ESMTP test\r\n");
    let mut line = String::new();
    while {
        line.clear();
        r.read_line(&mut line).unwrap_or(0) > 0
    } {
        let cmd = line.to_ascii_uppercase();
        let reply: &[u8] = if cmd.starts_with("EHLO") || cmd.starts_with("HELO") {
            b"250 loopback\r\n"
        } else if cmd.starts_with("MAIL FROM") {
            if fail {
                b"451 4.3.0 try again later\r\n"
            } else {
                b"250 OK\r\n"
            }
        } else if cmd.starts_with("RCPT TO") {
            b"250 OK\r\n"
        } else if cmd.starts_with("DATA") {
            let _ = w.write_all(b"354 go ahead\r\n");
            let mut msg = String::new();
            loop {
                let mut l = String::new();
                if r.read_line(&mut l).unwrap_or(0) == 0 || l == ".\r\n" {
                    break;
                }
                msg.push_str(&l);
            }
            got.lock().unwrap().push(msg);
            b"250 2.0.0 queued as T1\r\n"
        } else if cmd.starts_with("QUIT") {
            let _ = w.write_all(b"221 bye\r\n");
            return;
        } else if cmd.starts_with("RSET") || cmd.starts_with("NOOP") {
            b"250 OK\r\n"
        } else {
            b"502 not implemented\r\n"
        };
        let _ = w.write_all(reply);
    }
}

#[test]
fn ladders_email_by_smtp_retry_and_record_every_attempt() {
    let d = demo_at("2026-11-21T20:00:00Z");
    let data = d.path();
    let t = |hm: &str| format!("2026-11-22T{hm}:00Z");
    let (port, inbox) = smtp_server(false);
    let (bad_port, _) = smtp_server(true);
    ok(
        data,
        &t("03:00"),
        ON_CALL,
        &[
            "disruption",
            "declare",
            "--title",
            "eMAR down",
            "--dependency",
            "emar",
        ],
    );
    // Email is up: the safeguarding ladder's first step is sent to the real listener.
    let run = |smtp: u16, now: &str, args: &[&str]| {
        let mut c = lantern(data);
        c.env("LANTERN_NOW", now)
            .env("LANTERN_SMTP_URL", format!("smtp://127.0.0.1:{smtp}"))
            .env("LANTERN_SMTP_FROM", "lantern@northshire.example")
            .args(["--json", "--as", ON_CALL])
            .args(args);
        let out = c.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let e = run(
        port,
        &t("03:05"),
        &[
            "escalation",
            "start",
            "--ladder",
            "safeguarding",
            "--about",
            "Unexplained bruising found at the morning call",
        ],
    );
    assert!(
        e["tick"]["steps"][0]
            .as_str()
            .unwrap()
            .contains("sent to Northshire Safeguarding Adults Hub"),
        "{e}"
    );
    let mail = inbox.lock().unwrap().join("\n");
    assert!(
        mail.contains("Unexplained bruising") && mail.contains("safeguarding@northshire.example"),
        "{mail}"
    );
    // The ladder waits 30 minutes for acknowledgement, then moves on (tested by the clock, not sleeps).
    assert!(
        run(port, &t("03:34"), &["escalation", "tick"])["steps"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let s = run(port, &t("03:35"), &["escalation", "tick"]);
    assert!(
        s["steps"][0]
            .as_str()
            .unwrap()
            .contains("call Northshire Safeguarding Adults Hub"),
        "{s}"
    );
    let esc = e["escalation"]["id"].as_str().unwrap();
    run(
        port,
        &t("03:40"),
        &[
            "escalation",
            "ack",
            esc,
            "--note",
            "Hub phoned back: referral taken",
        ],
    );
    let e = refused(
        data,
        &t("03:41"),
        ON_CALL,
        &["escalation", "ack", esc, "--note", "again"],
    );
    assert!(e.contains("not yet acknowledged"), "{e}");
    // A server refusing every message: three attempts recorded, the step fails, the next step
    // follows at once.
    let e2 = run(
        bad_port,
        &t("04:00"),
        &[
            "escalation",
            "start",
            "--ladder",
            "safeguarding",
            "--about",
            "Second concern",
        ],
    );
    let steps = e2["tick"]["steps"].as_array().unwrap();
    assert!(
        steps[0]
            .as_str()
            .unwrap()
            .contains("every attempt to reach"),
        "{steps:?}"
    );
    assert!(
        steps[1].as_str().unwrap().contains("call Northshire"),
        "{steps:?}"
    );
    let id = e2["escalation"]["disruption"].as_str().unwrap();
    let v = ok(data, &t("04:01"), ON_CALL, &["disruption", "status", id]);
    let run2 = v["escalations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["escalation"]["about"] == "Second concern")
        .unwrap();
    let attempts = run2["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 3);
    assert!(
        attempts
            .iter()
            .all(|a| a["ok"] == false && a["detail"].as_str().unwrap().contains("451")),
        "{attempts:?}"
    );
    lantern(data).arg("verify").assert().success();
}

#[test]
fn s2_subcontracted_night_visit_with_a_missed_follow_up() {
    let d = demo_at("2026-11-21T20:00:00Z");
    let data = d.path();
    let t = |hm: &str| format!("2026-11-21T{hm}:00Z");
    let v = ok(
        data,
        &t("21:00"),
        ON_CALL,
        &[
            "disruption",
            "declare",
            "--title",
            "Shared care record unavailable",
            "--dependency",
            "shared-care-record",
        ],
    );
    let id = v["id"].as_str().unwrap().to_string();
    assert!(
        v["disruption"]["playbook"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s.as_str().unwrap().contains("end-of-visit call"))
    );
    // The on-call manager opens the locally held summary (an audited read) and confirms the
    // de-escalation prompts.
    let p = "p-0005";
    let out = at(data, &t("21:05"), ON_CALL, &["mei", "show", p, "risks"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    ok(
        data,
        &t("21:06"),
        ON_CALL,
        &[
            "disruption",
            "tick",
            &id,
            "2",
            "--note",
            "Read triggers to Jo Fletcher by phone",
        ],
    );
    // Instruction with a required end-of-visit follow-up at 22:00.
    let ins = ok(
        data,
        &t("21:10"),
        ON_CALL,
        &[
            "record",
            "instruction",
            "--person",
            p,
            "--to",
            "Jo Fletcher (Northgate Care Partners)",
            "--what",
            "Do not enter the kitchen unannounced; knock and say who you are before each room",
            "--follow-up",
            "Call the on-call manager at the end of the visit",
            "--follow-up-due",
            &t("22:00"),
        ],
    );
    let ins_id = ins["record"]["id"].as_str().unwrap().to_string();
    // A follow-up logged on time raises nothing (a second instruction, fulfilled).
    let ins2 = ok(
        data,
        &t("21:12"),
        ON_CALL,
        &[
            "record",
            "instruction",
            "--person",
            p,
            "--to",
            "Ben Ortiz",
            "--what",
            "Check the back door is locked",
            "--follow-up",
            "Text when done",
            "--follow-up-due",
            &t("21:40"),
        ],
    );
    ok(
        data,
        &t("21:30"),
        ON_CALL,
        &[
            "record",
            "call",
            "--direction",
            "incoming",
            "--party",
            "Ben Ortiz",
            "--purpose",
            "Follow-up",
            "--outcome",
            "Back door locked",
            "--fulfils",
            ins2["record"]["id"].as_str().unwrap(),
        ],
    );
    // Not due yet at 21:59; at 22:01 the missed follow-up starts its ladder: phone the on-call.
    let r = ok(data, &t("21:59"), "", &["escalation", "tick"]);
    assert!(r["started"].as_array().unwrap().is_empty(), "{r}");
    let r = ok(data, &t("22:01"), "", &["escalation", "tick"]);
    assert_eq!(r["started"].as_array().unwrap().len(), 1, "{r}");
    assert!(
        r["started"][0]
            .as_str()
            .unwrap()
            .contains("Follow-up missed")
    );
    assert!(
        r["steps"][0]
            .as_str()
            .unwrap()
            .contains("call Daniel Hughes, on-call manager on 07700 900101"),
        "{r}"
    );
    // Still nothing from the carer 10 minutes later: the registered manager is next.
    assert!(
        ok(data, &t("22:10"), "", &["escalation", "tick"])["steps"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let r = ok(data, &t("22:11"), "", &["escalation", "tick"]);
    assert!(
        r["steps"][0].as_str().unwrap().contains("Amara Osei"),
        "{r}"
    );
    // The carer's call is logged as the follow-up: the escalation is acknowledged.
    ok(
        data,
        &t("22:15"),
        ON_CALL,
        &[
            "record",
            "call",
            "--direction",
            "incoming",
            "--party",
            "Jo Fletcher",
            "--organisation",
            "Northgate Care Partners",
            "--purpose",
            "End-of-visit call",
            "--outcome",
            "Visit calm; kitchen trigger avoided",
            "--fulfils",
            &ins_id,
            "--person",
            p,
        ],
    );
    let v = ok(data, &t("22:20"), ON_CALL, &["disruption", "status", &id]);
    let escs = v["escalations"].as_array().unwrap();
    assert_eq!(escs.len(), 1, "only the missed follow-up escalated");
    assert!(
        escs[0]["acknowledged"]["note"]
            .as_str()
            .unwrap()
            .contains("Jo Fletcher")
    );
    assert_eq!(escs[0]["escalation"]["follow_up_of"], ins_id.as_str());
    assert!(
        ok(data, &t("23:00"), "", &["escalation", "tick"])["steps"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Subcontractors cannot see disruptions (they span every person).
    let e = refused(
        data,
        &t("22:30"),
        "s-jo-fletcher",
        &["disruption", "status", &id],
    );
    assert!(e.contains("not permitted"), "{e}");
    lantern(data).arg("verify").assert().success();
}

fn watch(data: &Path, now: &str, id: &str) -> (Value, bool) {
    let out = at(
        data,
        now,
        COORDINATOR,
        &["--json", "disruption", "watch", id],
    );
    (
        serde_json::from_slice(&out.stdout).unwrap(),
        out.status.success(),
    )
}

#[test]
fn s5_scheduling_outage_high_priority_watch_and_family_calls() {
    let d = demo_at("2026-11-22T06:00:00Z");
    let data = d.path();
    let t = |hm: &str| format!("2026-11-22T{hm}:00Z");
    // Rota backups were printed earlier that day with priority markers.
    let pdf = data.join("rota.pdf");
    ok(
        data,
        &t("06:30"),
        COORDINATOR,
        &[
            "print",
            "rota",
            "--service",
            "riverside-homecare",
            "--date",
            "2026-11-22",
            "--out",
            pdf.to_str().unwrap(),
        ],
    );
    let v = ok(
        data,
        &t("07:00"),
        COORDINATOR,
        &[
            "disruption",
            "declare",
            "--title",
            "ShiftPlan rota platform down",
            "--dependency",
            "rota-tool",
            "--started-at",
            &t("06:50"),
        ],
    );
    let id = v["id"].as_str().unwrap().to_string();
    ok(
        data,
        &t("07:01"),
        COORDINATOR,
        &[
            "disruption",
            "tick",
            &id,
            "1",
            "--note",
            "Rota backup printed 06:30 is current",
        ],
    );
    // 07:45: the morning's high-priority visits are on the board until verified.
    let (w, _) = watch(data, &t("07:45"), &id);
    let rows = w["visits"].as_array().unwrap();
    assert!(!rows.is_empty());
    let high: Vec<&Value> = rows
        .iter()
        .filter(|r| !r["visit"]["priorities"].as_array().unwrap().is_empty())
        .collect();
    assert!(!high.is_empty());
    let first = high[0]["visit"]["id"].as_str().unwrap().to_string();
    // Coordinators verify by phone; one call runs late and the family is told.
    ok(
        data,
        &t("07:50"),
        COORDINATOR,
        &[
            "record",
            "visit",
            "--visit",
            &first,
            "--method",
            "phone",
            "--actual-at",
            &t("07:35"),
        ],
    );
    let late = high[1]["visit"]["id"].as_str().unwrap().to_string();
    let person = high[1]["visit"]["person"].as_str().unwrap().to_string();
    ok(
        data,
        &t("07:55"),
        COORDINATOR,
        &[
            "record",
            "visit",
            "--visit",
            &late,
            "--method",
            "phone",
            "--actual-at",
            &t("07:52"),
            "--deviation",
            "22 minutes late",
            "--reason",
            "Carer re-routed by phone after the rota went down",
        ],
    );
    ok(
        data,
        &t("07:56"),
        COORDINATOR,
        &[
            "record",
            "comms",
            "--person",
            &person,
            "--who",
            "Daughter",
            "--what",
            "Morning call moved to about 07:50 today; lunch call unchanged",
            "--channel",
            "phone",
        ],
    );
    let (w, _) = watch(data, &t("08:00"), &id);
    let board: Vec<&str> = w["visits"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["state"] == "not_yet_verified"
                && !r["visit"]["priorities"].as_array().unwrap().is_empty()
        })
        .map(|r| r["visit"]["id"].as_str().unwrap())
        .collect();
    assert!(!board.contains(&first.as_str()) && !board.contains(&late.as_str()));
    assert_eq!(board.len(), high.len() - 2);
    let st = text(data, &t("08:00"), &["disruption", "status", &id]);
    assert!(st.contains("Told Daughter: Morning call moved"), "{st}");
    assert!(
        st.contains("Visit verified with deviation: 22 minutes late"),
        "{st}"
    );
    // A visit of a service the outage does not affect is refused.
    let e = refused(
        data,
        &t("08:01"),
        COORDINATOR,
        &[
            "record",
            "visit",
            "--visit",
            "v-none",
            "--method",
            "phone",
            "--actual-at",
            &t("07:00"),
        ],
    );
    assert!(e.contains("field `visit`"), "{e}");
}

#[test]
fn s7_overnight_outage_every_planned_visit_verified_or_explained() {
    let d = demo_at("2026-11-21T18:00:00Z");
    let data = d.path();
    let t = |hm: &str| format!("2026-11-21T{hm}:00Z");
    let v = ok(
        data,
        &t("20:45"),
        ON_CALL,
        &[
            "disruption",
            "declare",
            "--title",
            "Carer app and call monitoring down overnight",
            "--dependency",
            "call-monitoring",
            "--started-at",
            &t("20:30"),
        ],
    );
    let id = v["id"].as_str().unwrap().to_string();
    ok(
        data,
        &t("23:30"),
        ON_CALL,
        &["disruption", "stage", &id, "stable"],
    );
    ok(
        data,
        &t("23:59"),
        ON_CALL,
        &["disruption", "stage", &id, "recovered"],
    );
    let (w, all) = watch(data, &t("23:59"), &id);
    assert!(!all, "unverified visits: watch exits non-zero");
    // The disruption has ended: a visit with nothing recorded is missed or unverified.
    assert!(
        w["visits"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["state"] == "missed_or_unverified"),
        "{w}"
    );
    let out = text(data, &t("23:59"), &["disruption", "watch", &id]);
    assert!(out.contains("MISSED OR UNVERIFIED"), "{out}");
    let rows = w["visits"].as_array().unwrap().clone();
    assert!(
        rows.len() >= 5,
        "the 21:00 bed calls fall in the window: {}",
        rows.len()
    );
    for (i, r) in rows.iter().enumerate() {
        let vid = r["visit"]["id"].as_str().unwrap();
        if i == 0 {
            // One did not happen: explained.
            ok(
                data,
                &t("23:59"),
                ON_CALL,
                &[
                    "record",
                    "visit",
                    "--visit",
                    vid,
                    "--method",
                    "phone",
                    "--deviation",
                    "Visit cancelled",
                    "--reason",
                    "Person's son stayed overnight and declined the call",
                ],
            );
        } else {
            ok(
                data,
                &t("23:59"),
                ON_CALL,
                &[
                    "record",
                    "visit",
                    "--visit",
                    vid,
                    "--method",
                    "phone",
                    "--actual-at",
                    r["visit"]["start"].as_str().unwrap(),
                ],
            );
        }
    }
    let (w, all) = watch(data, &t("23:59"), &id);
    assert!(all, "{w}");
    assert!(
        w["visits"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["state"] == "verified" || r["state"] == "explained")
    );
    assert_eq!(w["visits"][0]["state"], "explained");
    let out = text(data, &t("23:59"), &["disruption", "watch", &id]);
    assert!(
        out.contains("Every planned visit in the window was verified or explained."),
        "{out}"
    );
    // A visit verification without an actual time or a reason is refused.
    let e = refused(
        data,
        &t("23:59"),
        ON_CALL,
        &[
            "record",
            "visit",
            "--visit",
            rows[1]["visit"]["id"].as_str().unwrap(),
            "--method",
            "phone",
        ],
    );
    assert!(e.contains("actual_at") || e.contains("reason"), "{e}");
}

#[test]
fn drills_are_marked_and_kept_out_of_real_figures() {
    let d = demo_at("2026-11-21T18:00:00Z");
    let data = d.path();
    let now = "2026-11-21T19:00:00Z";
    let v = ok(
        data,
        now,
        "s-amara-osei",
        &[
            "disruption",
            "declare",
            "--drill",
            "--title",
            "Quarterly email outage drill",
            "--dependency",
            "email",
        ],
    );
    assert!(v["id"].as_str().unwrap().starts_with("drill-"));
    // In a drill the ladder treats the drill's dependency as down: the scenario is exercised...
    let e = ok(
        data,
        now,
        "s-amara-osei",
        &[
            "escalation",
            "start",
            "--ladder",
            "safeguarding",
            "--about",
            "Drill: allegation",
        ],
    );
    assert!(
        e["tick"]["steps"][0].as_str().unwrap().contains("skipped"),
        "{e}"
    );
    // ...but real readiness is unaffected and figures count it apart.
    let list = ok(data, now, ON_CALL, &["dependency", "list"]);
    let email = list["register"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["dependency"]["id"] == "email")
        .unwrap()
        .clone();
    assert_eq!(email["degraded"], false);
    ok(
        data,
        now,
        ON_CALL,
        &[
            "disruption",
            "declare",
            "--title",
            "Real eMAR outage",
            "--dependency",
            "emar",
        ],
    );
    let s = ok(data, now, ON_CALL, &["disruption", "status"]);
    assert_eq!(s["figures"]["drills"], 1);
    assert_eq!(s["figures"]["disruptions"], 1);
    let txt = text(data, now, &["disruption", "status"]);
    assert!(
        txt.contains("DRILL") && txt.contains("Drills: 1 (not counted)"),
        "{txt}"
    );
    let e = ok(
        data,
        now,
        ON_CALL,
        &["disruption", "status", v["id"].as_str().unwrap()],
    );
    assert!(
        e["timeline"][0]["what"]
            .as_str()
            .unwrap()
            .starts_with("DRILL.")
    );
}

#[test]
fn bad_disruption_input_is_refused_and_names_the_field() {
    let d = demo_at("2026-11-21T18:00:00Z");
    let data = d.path();
    let now = "2026-11-21T19:00:00Z";
    let e = refused(
        data,
        now,
        ON_CALL,
        &[
            "disruption",
            "declare",
            "--title",
            "x",
            "--dependency",
            "no-such-system",
        ],
    );
    assert!(e.contains("dependencies[0]"), "{e}");
    let e = refused(
        data,
        now,
        ON_CALL,
        &[
            "disruption",
            "declare",
            "--title",
            "x",
            "--dependency",
            "email",
            "--severity",
            "apocalyptic",
        ],
    );
    assert!(e.contains("severity"), "{e}");
    let e = refused(
        data,
        now,
        ON_CALL,
        &[
            "disruption",
            "declare",
            "--title",
            "x",
            "--dependency",
            "email",
            "--started-at",
            "2026-11-22T19:00:00Z",
        ],
    );
    assert!(e.contains("started_at"), "{e}");
    let e = refused(
        data,
        now,
        ON_CALL,
        &[
            "record",
            "comms",
            "--who",
            "a",
            "--what",
            "b",
            "--channel",
            "c",
        ],
    );
    assert!(e.contains("none is open"), "{e}");
    ok(
        data,
        now,
        ON_CALL,
        &[
            "disruption",
            "declare",
            "--title",
            "x",
            "--dependency",
            "email",
        ],
    );
    let e = refused(
        data,
        now,
        "s-emma-clarke",
        &["record", "decision", "--what", "a", "--rationale", "b"],
    );
    assert!(e.contains("not permitted"), "{e}");
    let e = refused(
        data,
        now,
        ON_CALL,
        &[
            "record",
            "mar",
            "--medicine",
            "Levodopa",
            "--dose",
            "100mg",
            "--due-at",
            now,
            "--outcome",
            "refused",
            "--person",
            "p-0001",
        ],
    );
    assert!(e.contains("field `reason`"), "{e}");
    let e = refused(
        data,
        now,
        ON_CALL,
        &[
            "record",
            "call",
            "--direction",
            "sideways",
            "--party",
            "a",
            "--purpose",
            "b",
            "--outcome",
            "c",
        ],
    );
    assert!(e.contains("direction"), "{e}");
    let e = refused(
        data,
        now,
        ON_CALL,
        &[
            "record",
            "comms",
            "--who",
            "a",
            "--what",
            "b",
            "--channel",
            "c",
            "--person",
            "p-nobody",
        ],
    );
    assert!(e.contains("people[0]"), "{e}");
    // A Maple Court care worker cannot write about a Riverside person.
    let e = refused(
        data,
        now,
        "s-hannah-lee",
        &[
            "record",
            "comms",
            "--who",
            "a",
            "--what",
            "b",
            "--channel",
            "c",
            "--person",
            "p-edith-marlow",
        ],
    );
    assert!(e.contains("people[0]"), "{e}");
    let huge = "x".repeat(20_000);
    let e = refused(
        data,
        now,
        ON_CALL,
        &[
            "record",
            "comms",
            "--who",
            "a",
            "--what",
            &huge,
            "--channel",
            "c",
        ],
    );
    assert!(e.contains("at most 10000 characters"), "{e}");
    let f = data.join("bad.json");
    std::fs::write(&f, r#"{"id": "x", "name": "X", "owner": "aliens"}"#).unwrap();
    let e = refused(
        data,
        now,
        "s-amara-osei",
        &["dependency", "add", f.to_str().unwrap()],
    );
    assert!(e.contains("owner"), "{e}");
    std::fs::write(&f, r#"{"id": "l", "name": "L", "repeat": 0, "steps": [{"target": "t", "channel": "email", "address": "not an address", "wait_minutes": 5}]}"#).unwrap();
    let e = refused(
        data,
        now,
        "s-amara-osei",
        &["ladder", "add", f.to_str().unwrap()],
    );
    assert!(e.contains("steps[0].address"), "{e}");
    let e = refused(
        data,
        now,
        ON_CALL,
        &["escalation", "start", "--ladder", "no-such", "--about", "x"],
    );
    assert!(e.contains("ladder"), "{e}");
}

#[test]
fn while_a_disruption_is_declared_readiness_uses_the_degraded_rules() {
    let d = demo_at("2026-11-21T18:00:00Z");
    let data = d.path();
    let now = "2026-11-21T19:00:00Z";
    let degraded = |now: &str| {
        let r = ok(
            data,
            now,
            ON_CALL,
            &[
                "check",
                "p-edith-marlow",
                "--handover",
                "rapid-start",
                "--dry-run",
            ],
        );
        r["readiness"]["degraded"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    // The demo marks the portal degraded by hand; restore it, then a declared disruption does it.
    ok(
        data,
        now,
        ON_CALL,
        &["dependency", "restore", "referral-portal"],
    );
    assert!(degraded(now).is_empty());
    let v = ok(
        data,
        now,
        ON_CALL,
        &[
            "disruption",
            "declare",
            "--title",
            "Portal partial referrals",
            "--dependency",
            "referral-portal",
        ],
    );
    assert_eq!(degraded(now), ["referral-portal"]);
    ok(
        data,
        now,
        ON_CALL,
        &[
            "disruption",
            "stage",
            v["id"].as_str().unwrap(),
            "recovered",
        ],
    );
    assert!(
        degraded(now).is_empty(),
        "recovered: the degraded rules stop"
    );
}

/// Issue 14: a drill never sends to a partner's address. Its email goes to the drill sink (or
/// nowhere), every message and prompt says DRILL, and the SMTP listener sees nothing addressed
/// to the safeguarding hub.
#[test]
fn a_drill_never_reaches_a_partner_address() {
    let d = demo_at("2026-11-21T18:00:00Z");
    let data = d.path();
    let now = "2026-11-21T19:00:00Z";
    let (port, inbox) = smtp_server(false);
    let run = |sink: Option<&str>, args: &[&str]| {
        let mut c = lantern(data);
        c.env("LANTERN_NOW", now)
            .env("LANTERN_SMTP_URL", format!("smtp://127.0.0.1:{port}"))
            .env("LANTERN_SMTP_FROM", "lantern@northshire.example")
            .args(["--json", "--as", "s-amara-osei"])
            .args(args);
        match sink {
            Some(s) => c.env("LANTERN_DRILL_SINK", s),
            None => c.env_remove("LANTERN_DRILL_SINK"),
        };
        let out = c.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    // A drill of an eMAR outage: email itself is up, so only the drill rule stops the send.
    run(
        None,
        &[
            "disruption",
            "declare",
            "--drill",
            "--title",
            "eMAR drill",
            "--dependency",
            "emar",
        ],
    );
    let start = |sink: Option<&str>, about: &str| {
        run(
            sink,
            &[
                "escalation",
                "start",
                "--ladder",
                "safeguarding",
                "--about",
                about,
            ],
        )
    };
    // With no drill sink, nothing is sent; the phone prompt that follows says DRILL.
    let e = start(None, "Drill: allegation at the tea call");
    let steps = e["tick"]["steps"].to_string();
    assert!(
        steps.contains("DRILL: not sent to Northshire Safeguarding Adults Hub"),
        "{steps}"
    );
    assert!(
        steps.contains("DRILL: say it is a drill first; call"),
        "{steps}"
    );
    assert!(
        inbox.lock().unwrap().is_empty(),
        "nothing sent without a drill sink"
    );
    // With a drill sink, the email goes there, marked as a drill.
    let e = start(
        Some("drills@northshire.example"),
        "Drill: second allegation",
    );
    let steps = e["tick"]["steps"].to_string();
    assert!(
        steps.contains("sent to the drill sink drills@northshire.example"),
        "{steps}"
    );
    let mail = inbox.lock().unwrap().clone();
    assert_eq!(mail.len(), 1, "{mail:?}");
    assert!(
        mail[0].contains("To: drills@northshire.example"),
        "{}",
        mail[0]
    );
    assert!(mail[0].contains("THIS IS A DRILL"), "{}", mail[0]);
    assert!(mail[0].contains("[Lantern DRILL]"), "{}", mail[0]);
    assert!(
        !mail.iter().any(|m| m.contains("To: safeguarding@")),
        "no drill message reaches the hub"
    );
    // A bad sink is named, and nothing is written.
    let out = lantern(data)
        .env("LANTERN_NOW", now)
        .env("LANTERN_DRILL_SINK", "not an address")
        .args(["--as", "s-amara-osei", "escalation", "tick"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("LANTERN_DRILL_SINK"));
}

/// Issue 14: a paper MAR is checked against the person's current medicines and the doses already
/// recorded. What really happened is always recorded; an unlisted medicine, a double dose and a
/// late time-critical dose each carry a named warning and start the medication-safety ladder.
#[test]
fn paper_mar_doses_are_checked_and_problems_escalate() {
    let d = demo_at("2026-11-22T06:00:00Z");
    let data = d.path();
    let now = "2026-11-22T09:00:00Z";
    ok(
        data,
        "2026-11-22T06:30:00Z",
        ON_CALL,
        &[
            "disruption",
            "declare",
            "--title",
            "eMAR down",
            "--dependency",
            "emar",
        ],
    );
    let mar = |medicine: &str, due: &str, at: &str| {
        ok(
            data,
            now,
            ON_CALL,
            &[
                "record",
                "mar",
                "--person",
                "p-edith-marlow",
                "--medicine",
                medicine,
                "--dose",
                "1 tablet",
                "--due-at",
                due,
                "--outcome",
                "given",
                "--occurred-at",
                at,
            ],
        )
    };
    let summary = |v: &Value| v.to_string();
    // A listed medicine on time: no warning, no escalation.
    let fine = mar(
        "Paracetamol 500mg tablets",
        "2026-11-22T08:00:00Z",
        "2026-11-22T08:05:00Z",
    );
    assert!(!summary(&fine).contains("WARNING"), "{fine}");
    // Warfarin is not on her list.
    let w = mar(
        "Warfarin 1mg",
        "2026-11-22T08:00:00Z",
        "2026-11-22T08:05:00Z",
    );
    assert!(
        summary(&w).contains("not on Edith Marlow's current medicines"),
        "{w}"
    );
    // A second paracetamol at the same time.
    let twice = mar(
        "Paracetamol 500mg",
        "2026-11-22T08:00:00Z",
        "2026-11-22T08:20:00Z",
    );
    assert!(
        summary(&twice).contains("a second dose of Paracetamol"),
        "{twice}"
    );
    // Apixaban is time-critical: given 50 minutes late.
    let late = mar(
        "Apixaban 2.5mg",
        "2026-11-22T08:00:00Z",
        "2026-11-22T08:50:00Z",
    );
    assert!(summary(&late).contains("50 min late"), "{late}");
    // Each problem started the medication-safety ladder; the fine dose did not.
    let s = ok(
        data,
        now,
        ON_CALL,
        &["disruption", "status", "emar-20261122-0630"],
    );
    let abouts: Vec<String> = s["escalations"]
        .as_array()
        .unwrap_or_else(|| panic!("{s}"))
        .iter()
        .map(|e| {
            e["escalation"]["about"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .filter(|a| a.starts_with("Medication record"))
        .collect();
    assert_eq!(
        abouts.len(),
        3,
        "one escalation per problem dose: {abouts:?}"
    );
    assert!(abouts.iter().all(|a| !a.contains("mar-1-")), "{abouts:?}");
    let tick = ok(data, now, ON_CALL, &["escalation", "tick"]);
    assert!(
        tick.to_string()
            .contains("call Daniel Hughes, on-call manager"),
        "{tick}"
    );
}

/// Issue 14: during an outage of what visits are verified through, a high-priority visit not
/// verified by 15 minutes after its planned end starts the high-priority-visit ladder, once; a
/// verified one does not; an email outage never does; a restriction whose review time passes
/// starts a reminder. All through the one tick.
#[test]
fn overdue_high_priority_visits_and_restriction_reviews_escalate_once() {
    let d = demo_at("2026-11-22T06:00:00Z");
    let data = d.path();
    let t = |hm: &str| format!("2026-11-22T{hm}:00Z");
    let v = ok(
        data,
        &t("06:50"),
        COORDINATOR,
        &[
            "disruption",
            "declare",
            "--title",
            "Call monitoring down",
            "--dependency",
            "call-monitoring",
        ],
    );
    let id = v["id"].as_str().unwrap().to_string();
    let (w, _) = watch(data, &t("07:40"), &id);
    let high: Vec<Value> = w["visits"]
        .as_array()
        .unwrap()
        .iter()
        // High priority: a marker that changes a decision (living alone only for the day's
        // only visit).
        .filter(|r| !r["decisive"].as_array().unwrap().is_empty())
        .filter(|r| {
            r["visit"]["start"]
                .as_str()
                .unwrap()
                .starts_with("2026-11-22T07:30")
        })
        .cloned()
        .collect();
    assert!(high.len() >= 2, "{w}");
    let verified = high[0]["visit"]["id"].as_str().unwrap().to_string();
    ok(
        data,
        &t("07:50"),
        COORDINATOR,
        &[
            "record",
            "visit",
            "--visit",
            &verified,
            "--method",
            "phone",
            "--actual-at",
            &t("07:35"),
        ],
    );
    // A restriction to review at 09:00.
    ok(
        data,
        &t("07:55"),
        ON_CALL,
        &[
            "record",
            "decision",
            "--what",
            "Two carers at Maple Court breakfast",
            "--rationale",
            "No visit log",
            "--restriction",
            "Two carers per call",
            "--review-at",
            &t("09:00"),
        ],
    );
    // 08:14: still within the grace period after the 08:00 end.
    let r = ok(data, &t("08:14"), "", &["escalation", "tick"]);
    assert!(
        !r["started"].to_string().contains("High-priority visit"),
        "{r}"
    );
    let r = ok(data, &t("08:16"), "", &["escalation", "tick"]);
    let started = r["started"].to_string();
    assert!(started.contains("High-priority visit not verified"), "{r}");
    let s = ok(data, &t("08:17"), ON_CALL, &["disruption", "status", &id]);
    let escalated: Vec<String> = s["escalations"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["escalation"]["visit"].as_str().map(str::to_string))
        .collect();
    assert_eq!(escalated.len(), high.len() - 1, "{escalated:?}");
    assert!(
        !escalated.contains(&verified),
        "the verified visit is not escalated"
    );
    // Once only.
    let r = ok(data, &t("08:30"), "", &["escalation", "tick"]);
    assert!(
        !r["started"].to_string().contains("High-priority visit"),
        "{r}"
    );
    // The restriction's review time passes: one reminder.
    let r = ok(data, &t("09:01"), "", &["escalation", "tick"]);
    assert!(
        r["started"].to_string().contains("Restriction review due"),
        "{r}"
    );
    let r = ok(data, &t("09:02"), "", &["escalation", "tick"]);
    assert!(
        !r["started"].to_string().contains("Restriction review due"),
        "{r}"
    );
}

#[test]
fn an_email_outage_does_not_escalate_visits() {
    let d = demo_at("2026-11-22T06:00:00Z");
    let data = d.path();
    let t = |hm: &str| format!("2026-11-22T{hm}:00Z");
    ok(
        data,
        &t("06:50"),
        COORDINATOR,
        &[
            "disruption",
            "declare",
            "--title",
            "Email down",
            "--dependency",
            "email",
        ],
    );
    let r = ok(data, &t("09:00"), "", &["escalation", "tick"]);
    assert!(r["started"].as_array().unwrap().is_empty(), "{r}");
    // Nor does it watch them: the figures never read as missed visits.
    let id = ok(data, &t("09:00"), ON_CALL, &["disruption", "status"])["disruptions"][0]["id"]
        .as_str()
        .map(str::to_string);
    if let Some(id) = id {
        let (w, all) = watch(data, &t("09:00"), &id);
        assert!(all, "{w}");
        assert_eq!(w["visits"].as_array().unwrap().len(), 0, "{w}");
        let out = text(data, &t("09:00"), &["disruption", "watch", &id]);
        assert!(out.contains("no visits are watched"), "{out}");
    } else {
        panic!("the email outage is listed");
    }
}

/// Issue 14: while the eMAR is down, a time-critical dose with no MAR entry by the end of its
/// window starts the medication-safety ladder, once per dose; a dose recorded in time does not.
#[test]
fn a_time_critical_dose_never_recorded_escalates_once() {
    let d = demo_at("2026-11-22T06:00:00Z");
    let data = d.path();
    let t = |hm: &str| format!("2026-11-22T{hm}:00Z");
    ok(
        data,
        &t("06:30"),
        ON_CALL,
        &[
            "disruption",
            "declare",
            "--title",
            "eMAR down",
            "--dependency",
            "emar",
        ],
    );
    ok(
        data,
        &t("08:10"),
        ON_CALL,
        &[
            "record",
            "mar",
            "--person",
            "p-edith-marlow",
            "--medicine",
            "Apixaban 2.5mg tablets",
            "--dose",
            "1 tablet",
            "--due-at",
            &t("08:00"),
            "--outcome",
            "given",
            "--occurred-at",
            &t("08:05"),
        ],
    );
    let r = ok(data, &t("08:31"), "", &["escalation", "tick"]);
    let started = r["started"].to_string();
    assert!(started.contains("Time-critical dose not recorded"), "{r}");
    assert!(!started.contains("Edith Marlow's Apixaban"), "{r}");
    let again = ok(data, &t("08:40"), "", &["escalation", "tick"]);
    assert!(
        !again["started"]
            .to_string()
            .contains("Time-critical dose not recorded"),
        "once per dose: {again}"
    );
    // Her 20:00 dose: nothing recorded by 20:30.
    let r = ok(data, &t("20:29"), "", &["escalation", "tick"]);
    assert!(
        !r["started"].to_string().contains("Edith Marlow's Apixaban"),
        "{r}"
    );
    let r = ok(data, &t("20:31"), "", &["escalation", "tick"]);
    assert!(
        r["started"].to_string().contains(
            "Time-critical dose not recorded: Edith Marlow's Apixaban 2.5mg tablets due at"
        ),
        "{r}"
    );
}

/// Issue 14: a readiness decision with a review time appears on the dashboard from a day before
/// it falls due, OVERDUE once it passes, until a later decision for the same person and
/// handover point settles it. No disruption needed.
#[test]
fn a_readiness_decision_due_for_review_is_on_the_dashboard_until_reviewed() {
    let d = demo_at("2026-11-22T06:00:00Z");
    let data = d.path();
    let t = |day: &str, hm: &str| format!("2026-11-{day}T{hm}:00Z");
    let decide = |now: &str, review: Option<&str>| {
        let mut args = vec![
            "decide",
            "p-edith-marlow",
            "--handover",
            "rapid-start",
            "--decision",
            "Start today with a senior carer; manual handling paused",
            "--rationale",
            "Mobility to be confirmed with the discharge team",
        ];
        if let Some(r) = review {
            args.extend(["--review-at", r]);
        }
        ok(data, now, "s-amara-osei", &args)
    };
    let reviews = |now: &str| ok(data, now, "s-amara-osei", &["dashboard"])["reviews"].clone();
    decide(&t("22", "07:00"), Some("2026-11-23 10:00"));
    // More than a day ahead: not yet listed.
    assert_eq!(reviews(&t("22", "09:00")), json!([]));
    let soon = reviews(&t("22", "11:00"));
    assert_eq!(soon[0]["name"], "Edith Marlow", "{soon}");
    assert_eq!(soon[0]["overdue"], false, "{soon}");
    let late = reviews(&t("23", "10:01"));
    assert_eq!(late[0]["overdue"], true, "{late}");
    // The review: a new decision, with no further review time, settles it.
    decide(&t("23", "10:30"), None);
    assert_eq!(reviews(&t("23", "10:31")), json!([]));
}
