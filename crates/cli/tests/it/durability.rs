//! The durability harness: `lantern serve` killed with SIGKILL while concurrent API writers log
//! calls; after each kill every write the server acknowledged (HTTP 200) is in the journal and
//! `verify` passes. `LANTERN_DURABILITY_TRIALS` sets the number of kills (3 in the suite; see the
//! README for a long run and its figures).

use crate::support::{Server, agent, demo};
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[test]
fn every_acknowledged_write_survives_kill_9() {
    let trials: usize = std::env::var("LANTERN_DURABILITY_TRIALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let writers = 8;
    let d = demo();
    let data = d.path();
    let mut acknowledged_total = 0usize;
    for trial in 0..trials {
        let mut server = Server::start(data, &[], None);
        let base = server.base.clone();
        let token = server.sign_in("amara");
        let acked = Arc::new(Mutex::new(Vec::<String>::new()));
        let stop_at = Instant::now() + Duration::from_millis(400 + 300 * (trial as u64 % 4));
        let threads: Vec<_> = (0..writers)
            .map(|w| {
                let (base, token, acked) = (base.clone(), token.clone(), acked.clone());
                std::thread::spawn(move || {
                    let a = agent();
                    for i in 0.. {
                        let purpose = format!("durability t{trial} w{w} #{i}");
                        let r = a
                            .post(&format!("{base}/api/v1/people/p-edith-marlow/calls"))
                            .header("Content-Type", "application/json")
                            .header("Authorization", &format!("Bearer {token}"))
                            .send(
                                json!({"direction": "outgoing", "party": "Durability harness",
                                       "purpose": purpose, "outcome": "written"})
                                .to_string(),
                            );
                        match r {
                            Ok(resp) if resp.status() == 200 => acked.lock().unwrap().push(purpose),
                            Ok(_) => {}
                            Err(_) => return,
                        }
                    }
                })
            })
            .collect();
        while Instant::now() < stop_at {
            std::thread::sleep(Duration::from_millis(20));
        }
        server.child.kill().unwrap();
        server.child.wait().unwrap();
        for t in threads {
            t.join().unwrap();
        }
        let acked = acked.lock().unwrap().clone();
        assert!(!acked.is_empty(), "trial {trial}: nothing was acknowledged");
        acknowledged_total += acked.len();
        let db = rusqlite::Connection::open(data.join("lantern.db")).unwrap();
        let mut st = db
            .prepare("SELECT payload FROM events WHERE kind = 'call_logged' AND payload LIKE '%durability t' || ?1 || ' %'")
            .unwrap();
        let held: Vec<String> = st
            .query_map([trial.to_string()], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        drop(st);
        drop(db);
        for p in &acked {
            assert!(
                held.iter().any(|h| h.contains(&format!("\"{p}\""))),
                "trial {trial}: acknowledged write {p:?} is not in the journal"
            );
        }
        let out = crate::support::lantern(data)
            .arg("verify")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "trial {trial}: verify after kill -9: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    eprintln!("{trials} kill -9 trials, {acknowledged_total} acknowledged writes, none lost");
}
