//! Issue 20: three real `lantern serve` processes (hub, office, on-call laptop) replicating
//! through proxies the test controls; partitions with writes on every side, then healing.

use crate::support::*;
use serde_json::Value;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A TCP proxy to one node: while down it refuses new connections and cuts the open ones, as a
/// failed link does.
struct Proxy {
    url: String,
    up: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<TcpStream>>>,
}

impl Proxy {
    fn to(target: &str) -> Proxy {
        let target = target.trim_start_matches("http://").to_string();
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", l.local_addr().unwrap());
        let up = Arc::new(AtomicBool::new(true));
        let open: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let (u, o) = (up.clone(), open.clone());
        std::thread::spawn(move || {
            for s in l.incoming() {
                let Ok(s) = s else { continue };
                if !u.load(Ordering::SeqCst) {
                    let _ = s.shutdown(Shutdown::Both);
                    continue;
                }
                let Ok(b) = TcpStream::connect(&target) else {
                    continue;
                };
                {
                    let mut o = o.lock().unwrap();
                    o.push(s.try_clone().unwrap());
                    o.push(b.try_clone().unwrap());
                }
                for (mut from, mut to) in [(s.try_clone().unwrap(), b.try_clone().unwrap()), (b, s)]
                {
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut from, &mut to);
                        let _ = to.shutdown(Shutdown::Write);
                    });
                }
            }
        });
        Proxy { url, up, open }
    }

    fn set(&self, up: bool) {
        self.up.store(up, Ordering::SeqCst);
        if !up {
            for c in self.open.lock().unwrap().drain(..) {
                let _ = c.shutdown(Shutdown::Both);
            }
        }
    }
}

struct Node {
    dir: tempfile::TempDir,
    server: Server,
}

struct Net {
    hub: Node,
    office: Node,
    laptop: Node,
    to_hub: [Proxy; 2],
}

/// The demo organisation on a hub; an office and a laptop joined by invitation, each serving
/// and replicating with the hub through its own proxy.
fn network() -> Net {
    let hub_dir = demo();
    let hub = Server::start(hub_dir.path(), &[], None);
    let join = |name: &str, role: &str| {
        let d = tempfile::tempdir().unwrap();
        let file = hub_dir.path().join(format!("{role}.invitation"));
        json(
            hub_dir.path(),
            &[
                "node",
                "add",
                "--name",
                name,
                "--role",
                role,
                "--peer",
                &hub.base,
                "--out",
                file.to_str().unwrap(),
            ],
        );
        let v = json(d.path(), &["init", "--join", file.to_str().unwrap()]);
        assert!(v["pulled"].as_u64().unwrap() > 500, "{v}");
        // One time only.
        let again = tempfile::tempdir().unwrap();
        let e = fails(again.path(), &["init", "--join", file.to_str().unwrap()]);
        assert!(e.contains("already used"), "{e}");
        assert!(!again.path().join("lantern.db").exists());
        d
    };
    let (office_dir, laptop_dir) = (join("Office", "office"), join("On-call laptop", "laptop"));
    let to_hub = [Proxy::to(&hub.base), Proxy::to(&hub.base)];
    let serve =
        |d: &Path, p: &Proxy| Server::start(d, &["--peer", &p.url, "--peer-every", "1"], None);
    let office = serve(office_dir.path(), &to_hub[0]);
    let laptop = Server::start(
        laptop_dir.path(),
        &[
            "--peer",
            &to_hub[1].url,
            "--peer-every",
            "1",
            "--stale-after",
            "3s",
        ],
        None,
    );
    Net {
        hub: Node {
            dir: hub_dir,
            server: hub,
        },
        office: Node {
            dir: office_dir,
            server: office,
        },
        laptop: Node {
            dir: laptop_dir,
            server: laptop,
        },
        to_hub,
    }
}

fn status(d: &Path) -> Value {
    json(d, &["node", "status"])
}

/// Wait until every node holds the same events, then require the same projections and a clean
/// `verify` on each. Returns how long convergence took.
fn converge(nodes: &[&Path]) -> Duration {
    let start = Instant::now();
    loop {
        let s: Vec<Value> = nodes.iter().map(|d| status(d)).collect();
        if s.iter()
            .all(|x| x["events_digest"] == s[0]["events_digest"])
        {
            for x in &s {
                assert_eq!(
                    x["projections_digest"], s[0]["projections_digest"],
                    "same events, different projections: {x} vs {}",
                    s[0]
                );
            }
            for d in nodes {
                lantern(d).arg("verify").assert().success();
            }
            return start.elapsed();
        }
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "no convergence in 90 s: {s:?}"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

fn add_person(d: &Path, id: &str) {
    lantern(d)
        .args([
            "person",
            "add",
            "--id",
            id,
            "--given",
            "Test",
            "--family",
            id,
            "--dob",
            "1940-02-03",
            "--service",
            "riverside-homecare",
        ])
        .assert()
        .success();
}

fn set_mobility(d: &Path, person: &str, aid: &str) {
    let content = format!(r#"{{"aids_indoors": ["{aid}"]}}"#);
    lantern(d)
        .args([
            "--as",
            "s-fatima-khan",
            "mei",
            "set",
            person,
            "mobility",
            "--content",
            &content,
            "--source",
            "test",
            "--method",
            "in_person",
        ])
        .assert()
        .success();
}

fn mobility_status(d: &Path, person: &str) -> String {
    json(d, &["mei", "show", person, "mobility"])["sections"][0]["status"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The on-call manager declares a disruption of email on node `d`; its id.
fn declare(d: &Path, title: &str, severity: &str) -> String {
    let declared = json(
        d,
        &[
            "--as",
            "s-daniel-hughes",
            "disruption",
            "declare",
            "--title",
            title,
            "--dependency",
            "email",
            "--severity",
            severity,
        ],
    );
    declared["disruption"]["id"].as_str().unwrap().to_string()
}

/// The on-call manager records on node `d` calling the registered manager about Chen.
fn call_the_manager(d: &Path) {
    lantern(d)
        .args([
            "--as",
            "s-daniel-hughes",
            "record",
            "call",
            "--direction",
            "outgoing",
            "--party",
            "Amara Osei",
            "--purpose",
            "Tell the registered manager",
            "--outcome",
            "She will open the office at 7",
            "--person",
            "p-0001",
        ])
        .assert()
        .success();
}

/// A small deterministic generator (xorshift), so a failing schedule can be run again.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn three_nodes_converge_after_seeded_partition_schedules_with_one_dispute_per_concurrent_edit() {
    let net = network();
    let dirs = [
        net.hub.dir.path(),
        net.office.dir.path(),
        net.laptop.dir.path(),
    ];
    converge(&dirs);
    let runs: u64 = std::env::var("LANTERN_PARTITION_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let mut people = 0;
    for run in 0..runs {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (run + 1));
        // Office and laptop both cut off, each edits the same section from the same version.
        let person = format!("p-{:04}", run + 2);
        net.to_hub[0].set(false);
        net.to_hub[1].set(false);
        set_mobility(dirs[1], &person, "frame");
        set_mobility(dirs[2], &person, "stick");
        // Then a random schedule of links up and down with writes on every side.
        for step in 0..4 {
            for p in &net.to_hub {
                p.set(rng.next().is_multiple_of(2));
            }
            for (i, d) in dirs.iter().enumerate() {
                add_person(d, &format!("p-r{run}s{step}n{i}"));
                people += 1;
            }
            std::thread::sleep(Duration::from_millis(300 + rng.next() % 700));
        }
        for p in &net.to_hub {
            p.set(true);
        }
        let took = converge(&dirs);
        for d in dirs {
            assert_eq!(mobility_status(d, &person), "disputed", "run {run}");
            let sections = json(d, &["mei", "show", &person, "mobility"]);
            assert_eq!(
                sections["sections"][0]["record"]["conflicts"]
                    .as_array()
                    .unwrap()
                    .len(),
                1,
                "one dispute holding both versions, run {run}"
            );
        }
        eprintln!(
            "run {run}: converged {:.1} s after healing",
            took.as_secs_f64()
        );
    }
    // Nothing lost: every person written anywhere is on every node.
    for d in dirs {
        let list = json(d, &["person", "list"]);
        let n = list
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["person"]["id"].as_str().unwrap_or("").starts_with("p-r"))
            .count();
        assert_eq!(n, people);
    }
    eprintln!("{runs} seeded partition schedules: all three nodes converged every time");
}

#[test]
fn the_laptop_cut_off_serves_and_records_and_its_events_reach_the_hub_with_their_times() {
    let net = network();
    let (hub, laptop) = (net.hub.dir.path(), net.laptop.dir.path());
    converge(&[hub, net.office.dir.path(), laptop]);
    net.to_hub[1].set(false);
    // The on-call manager at home: the laptop's own server answers.
    let token = net.laptop.server.sign_in("daniel");
    let (code, body) = net.laptop.server.get(&token, "/api/v1/people/p-0001");
    assert_eq!(code, 200, "{body}");
    assert!(body.contains("Chen"), "{body}");
    // Every API answer says how fresh it is too.
    let r = agent()
        .get(&format!("{}/api/v1/people", net.laptop.server.base))
        .header("Authorization", &format!("Bearer {token}"))
        .call()
        .unwrap();
    let fresh = r
        .headers()
        .get("x-lantern-freshness")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(fresh.starts_with("This node is "), "{fresh:?}");
    assert!(fresh.contains("the hub"), "{fresh:?}");
    let (code, page) = net.laptop.server.get(&token, "/people/p-0001");
    assert_eq!(code, 200);
    assert!(
        page.contains("in step with the hub as of") || page.contains("not reaching the hub"),
        "the page says how fresh it is"
    );
    // A disruption declared and a call recorded while cut off.
    let disruption = declare(laptop, "Email and office internet down", "major");
    call_the_manager(laptop);
    std::thread::sleep(Duration::from_secs(3));
    let held = |d: &Path| -> Vec<(String, String)> {
        let db = rusqlite::Connection::open(d.join("lantern.db")).unwrap();
        let mut st = db
            .prepare("SELECT kind, recorded_at FROM events WHERE kind IN ('disruption_declared', 'downtime_recorded') ORDER BY node_id, seq")
            .unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(held(laptop).len(), 2);
    assert!(held(hub).is_empty(), "nothing crosses a cut link");
    let (_, page) = net.laptop.server.get(&token, "/people/p-0001");
    assert!(
        page.contains("not reaching the hub"),
        "the laptop says it is cut off"
    );
    // Out of step longer than it may be: its copy is a degraded dependency, on its dashboard.
    let copy = |d: &Path| -> Option<bool> {
        json(d, &["dependency", "list"])["hand_set"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"].as_str().unwrap_or("").starts_with("lantern-copy-"))
            .map(|x| x["degraded"].as_bool().unwrap())
    };
    let start = Instant::now();
    while copy(laptop) != Some(true) {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the stale copy was not flagged"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    // Its printed pack says how old its copy is.
    let pdf = laptop.join("pack.pdf");
    lantern(laptop)
        .args([
            "--as",
            "s-daniel-hughes",
            "print",
            "pack",
            "--service",
            "riverside-homecare",
            "--out",
        ])
        .arg(&pdf)
        .assert()
        .success();
    let text = pdf_text(&pdf)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        text.contains("This node is not reaching the hub: last in step as of"),
        "{}",
        &text[..text.len().min(1500)]
    );
    net.to_hub[1].set(true);
    converge(&[hub, net.office.dir.path(), laptop]);
    assert_eq!(
        held(hub),
        held(laptop),
        "the same events with their original times"
    );
    // At the hub the laptop's disruption is open with its call waiting to be reconciled.
    let board = json(hub, &["reconcile", "status", &disruption]);
    assert_eq!(board["figures"]["total"], 1, "{board}");
    assert_eq!(board["figures"]["outstanding"], 1, "{board}");
    let (_, page) = net.laptop.server.get(&token, "/people/p-0001");
    assert!(page.contains("in step with the hub as of"));
    let start = Instant::now();
    while copy(laptop) != Some(false) {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the copy's status was not cleared"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

#[test]
fn a_forged_node_and_a_retired_node_are_refused_by_every_peer() {
    let net = network();
    let (hub, office, laptop) = (
        net.hub.dir.path(),
        net.office.dir.path(),
        net.laptop.dir.path(),
    );
    // A node nobody enrolled.
    let forged = tempfile::tempdir().unwrap();
    lantern(forged.path())
        .args(["init", "--org", "Northshire Care Partnership (demo)"])
        .assert()
        .success();
    for peer in [
        &net.hub.server.base,
        &net.office.server.base,
        &net.laptop.server.base,
    ] {
        let e = fails(forged.path(), &["sync", "--peer", peer]);
        assert!(e.contains("no trusted node enrolled"), "{e}");
    }
    converge(&[hub, office, laptop]);
    // The laptop is lost: retired on the hub; the retirement reaches the office.
    let lap_id = status(laptop)["node"].as_str().unwrap().to_string();
    net.to_hub[1].set(false);
    json(
        hub,
        &[
            "node",
            "retire",
            &lap_id,
            "--reason",
            "Laptop reported stolen",
        ],
    );
    let start = Instant::now();
    while json(office, &["node", "list"])
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["retired"].is_null())
    {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the retirement reached the office"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // Whatever it writes now is refused by every peer.
    add_person(laptop, "p-after-retirement");
    for peer in [&net.hub.server.base, &net.office.server.base] {
        let e = fails(laptop, &["sync", "--peer", peer]);
        assert!(e.contains("retired"), "{e}");
    }
    for d in [hub, office] {
        assert!(fails(d, &["person", "show", "p-after-retirement"]).contains("not found"));
        lantern(d).arg("verify").assert().success();
    }
    // The stolen key still signs evidence packs that hold together on their own; checked against
    // the organisation's record of its nodes, they are refused. The hub's own pass.
    let pack = |d: &Path, name: &str| {
        let id = declare(d, name, "minor");
        let out = d.join(name);
        lantern(d)
            .args([
                "--as",
                "s-peter-grant",
                "evidence",
                "--disruption",
                &id,
                "--out",
            ])
            .arg(&out)
            .assert()
            .success();
        out
    };
    let forged_pack = pack(laptop, "after-retirement");
    lantern(hub)
        .arg("verify-evidence")
        .arg(&forged_pack)
        .assert()
        .success();
    for d in [hub, office] {
        let out = lantern(d)
            .args(["verify-evidence", "--here"])
            .arg(&forged_pack)
            .output()
            .unwrap();
        let e = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{e}");
        assert!(e.contains("retired"), "{e}");
    }
    let good = pack(hub, "hub-pack");
    let out = lantern(office)
        .args(["verify-evidence", "--here"])
        .arg(&good)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("trusted by this node"), "{said}");
}

#[test]
fn a_node_joins_and_replicates_over_https_pinning_the_hubs_own_certificate() {
    let hub_dir = demo();
    let hub = Server::start(hub_dir.path(), &["--tls-self-signed"], None);
    assert!(hub.base.starts_with("https://"), "{}", hub.base);
    // Reached by name, as the certificate names it.
    let base = hub.base.replace("127.0.0.1", "localhost");
    let file = hub_dir.path().join("office.invitation");
    json(
        hub_dir.path(),
        &[
            "node",
            "add",
            "--name",
            "Office",
            "--role",
            "office",
            "--peer",
            &base,
            "--out",
            file.to_str().unwrap(),
        ],
    );
    let inv: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert!(
        inv["peer_ca"]
            .as_str()
            .unwrap()
            .contains("BEGIN CERTIFICATE")
    );
    let office = tempfile::tempdir().unwrap();
    json(office.path(), &["init", "--join", file.to_str().unwrap()]);
    add_person(office.path(), "p-over-tls");
    let v = json(office.path(), &["sync", "--peer", &base]);
    assert_eq!(v[0]["pushed"], 1, "{v}");
    converge(&[hub_dir.path(), office.path()]);
    // Another server's certificate at that address is not the pinned one: refused.
    let other_dir = demo();
    let other = Server::start(other_dir.path(), &["--tls-self-signed"], None);
    let e = fails(
        office.path(),
        &[
            "sync",
            "--peer",
            &other.base.replace("127.0.0.1", "localhost"),
        ],
    );
    assert!(e.contains("certificate"), "{e}");
}

/// Wait until the nodes hold the same chains (a node holding some services holds the events
/// about others as stubs, so only the events digests are the same).
fn same_chains(nodes: &[&Path]) {
    let start = Instant::now();
    loop {
        let s: Vec<Value> = nodes.iter().map(|d| status(d)).collect();
        if s.iter()
            .all(|x| x["events_digest"] == s[0]["events_digest"])
        {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "not in step in 90 s: {s:?}"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// Deliver 1: a laptop may hold only the services its owner covers.
#[test]
fn a_laptop_of_one_service_serves_its_people_says_others_are_held_elsewhere_and_its_work_reaches_the_hub()
 {
    let hub_dir = demo();
    let hub = hub_dir.path();
    let server = Server::start(hub, &[], None);
    let file = hub.join("riverside.invitation");
    let invite = |services: &str, out: &Path| {
        lantern(hub)
            .args([
                "--json",
                "node",
                "add",
                "--name",
                "Riverside on-call laptop",
                "--role",
                "laptop",
                "--services",
                services,
                "--peer",
                &server.base,
                "--out",
            ])
            .arg(out)
            .output()
            .unwrap()
    };
    // A service the organisation does not have is refused, naming those it has; nothing written.
    let bad = invite("riverside", &hub.join("bad.invitation"));
    let e = String::from_utf8_lossy(&bad.stderr).to_string();
    assert!(!bad.status.success() && e.contains("services"), "{e}");
    assert!(e.contains("riverside-homecare"), "{e}");
    assert!(!hub.join("bad.invitation").exists());
    assert!(invite("riverside-homecare", &file).status.success());
    let laptop_dir = tempfile::tempdir().unwrap();
    let laptop = laptop_dir.path();
    let joined = json(laptop, &["init", "--join", file.to_str().unwrap()]);
    assert!(joined["withheld"].as_u64().unwrap() > 100, "{joined}");
    assert!(
        joined["holds"]
            .as_str()
            .unwrap()
            .contains("the people of Riverside"),
        "{joined}"
    );
    let proxy = Proxy::to(&server.base);
    let served = Server::start(laptop, &["--peer", &proxy.url, "--peer-every", "1"], None);
    same_chains(&[hub, laptop]);
    lantern(laptop).arg("verify").assert().success();
    // The hub lists what the laptop holds.
    let listed = json(hub, &["node", "list"]).to_string();
    assert!(
        listed.contains("laptop, holding the people of Riverside"),
        "{listed}"
    );

    // The on-call manager on the laptop: Riverside's people are there; a Maple Court resident is
    // said to be held elsewhere, by name, on the API and the page.
    let token = served.sign_in("daniel");
    let (code, body) = served.get(&token, "/api/v1/people/p-0001");
    assert_eq!(code, 200, "{body}");
    assert!(body.contains("Chen"), "{body}");
    let (code, body) = served.get(&token, "/api/v1/people/p-0038");
    assert_eq!(code, 404, "{body}");
    assert!(body.contains("not held on this node"), "{body}");
    assert!(body.contains("Pauline Kaur"), "{body}");
    let (code, page) = served.get(&token, "/people/p-0038");
    assert_eq!(code, 404);
    assert!(page.contains("not held on this node"), "{page}");
    // The hub holds her whole.
    let sections = |d: &Path| json(d, &["mei", "show", "p-0038"])["sections"].to_string();
    assert!(sections(hub).contains("mobility"));
    // Lists, readiness and prints on the laptop cover the people it holds, never others shown
    // as if their information were missing.
    let listed = |d: &Path| json(d, &["person", "list"]).as_array().unwrap().len();
    assert_eq!((listed(laptop), listed(hub)), (31, 60));
    let e = fails(
        laptop,
        &[
            "--as",
            "s-daniel-hughes",
            "print",
            "rota",
            "--service",
            "maple-court",
            "--date",
            "2026-12-03",
            "--out",
            laptop.join("rota.pdf").to_str().unwrap(),
        ],
    );
    assert!(e.contains("a service this node holds"), "{e}");
    // Nothing that needs every event is made on the laptop.
    let e = fails(
        laptop,
        &["export", "all", "--out", laptop.join("x").to_str().unwrap()],
    );
    assert!(e.contains("only as stubs"), "{e}");
    // Nor an import: matching another system's patients to people needs every person's links.
    let any = laptop.join("people.csv");
    std::fs::write(&any, "person_id,given_name\n").unwrap();
    let e = fails(
        laptop,
        &[
            "--as",
            "s-amara-osei",
            "import",
            "csv",
            "people",
            any.to_str().unwrap(),
        ],
    );
    assert!(e.contains("node holding the whole organisation"), "{e}");

    // Cut off, the laptop records a call; healed, the hub holds it and the laptop's reads.
    proxy.set(false);
    declare(laptop, "Office internet down", "major");
    call_the_manager(laptop);
    proxy.set(true);
    same_chains(&[hub, laptop]);
    let node = status(laptop)["node"].as_str().unwrap().to_string();
    let db = rusqlite::Connection::open(hub.join("lantern.db")).unwrap();
    let kinds: Vec<String> = db
        .prepare("SELECT kind FROM events WHERE node_id = ?1 ORDER BY seq")
        .unwrap()
        .query_map([&node], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(kinds.iter().any(|k| k == "downtime_recorded"), "{kinds:?}");
    assert!(
        kinds.iter().any(|k| k == "mei_reads" || k == "mei_viewed"),
        "the laptop's reads are in the hub's audit trail: {kinds:?}"
    );
    drop(db);

    // Pauline Kaur moves to Riverside (the main record says so): the laptop fetches her history
    // whole and serves her like anyone of its service.
    let csv = hub.join("move.csv");
    let row = json(hub, &["person", "show", "p-0038"]);
    let p = &row["person"];
    std::fs::write(
        &csv,
        format!(
            "person_id,given_name,family_name,preferred_name,date_of_birth,nhs_number,address,access_note,service,lives_alone,key_contacts\np-0038,Pauline,Kaur,,{},{},\"{}\",,riverside-homecare,{},\n",
            p["date_of_birth"].as_str().unwrap(),
            p["nhs_number"].as_str().unwrap_or(""),
            p["address"].as_str().unwrap(),
            p["lives_alone"]
        ),
    )
    .unwrap();
    lantern(hub)
        .args(["--as", "s-amara-osei", "import", "csv", "people"])
        .arg(&csv)
        .assert()
        .success();
    same_chains(&[hub, laptop]);
    let (code, body) = served.get(&token, "/api/v1/people/p-0038");
    assert_eq!(code, 200, "{body}");
    assert_eq!(sections(laptop), sections(hub));
    let db = rusqlite::Connection::open(laptop.join("lantern.db")).unwrap();
    let (filled, waiting): (i64, i64) = db
        .query_row(
            "SELECT count(filled_pos), count(*) - count(filled_pos) FROM withheld_events WHERE person = 'p-0038'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(
        filled > 0 && waiting == 0,
        "{filled} filled, {waiting} waiting"
    );
    drop(db);
    assert_eq!(listed(laptop), 32);
    lantern(laptop).arg("verify").assert().success();
    lantern(hub).arg("verify").assert().success();
}
