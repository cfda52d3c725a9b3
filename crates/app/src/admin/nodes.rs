//! The nodes this organisation trusts (the trust anchors) and signed checkpoints of the journal's
//! head kept outside the database.

use crate::{Actor, App, AppError};
use lantern_core::FieldError;
use lantern_core::event::Event;
use lantern_core::role::Role;
use lantern_journal::{Checkpoint, NewEvent};
use serde::Serialize;

/// Node roles.
pub const NODE_ROLES: [&str; 3] = ["hub", "office", "laptop"];

/// A node this one trusts.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct NodeLine {
    /// Its id.
    pub node: String,
    /// Its name ("this node" for the local one).
    pub name: String,
    /// Its role.
    pub role: String,
    /// Which node enrolled it (none for this node: its own key is the root).
    pub enrolled_by: Option<String>,
    /// Retired: the last of its events accepted, and why.
    pub retired: Option<String>,
}

/// What checking one checkpoint found.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CheckpointCheck {
    /// The checkpoint, as its line.
    pub checkpoint: String,
    /// Whether the journal holds what it says.
    pub ok: bool,
    /// Why not.
    pub problem: Option<String>,
}

impl App {
    /// Enrol another node's key: its signed events are then this organisation's own. Admins and
    /// the local operator only; the enrolment is itself a signed event of this node.
    pub fn enrol_node(
        &mut self,
        actor: &Actor,
        public_key: &str,
        name: &str,
        role: &str,
        reason: &str,
    ) -> Result<String, AppError> {
        actor.require(|r| r == Role::Admin, "enrol nodes")?;
        let rec = "node enrolment";
        let public_key = public_key.trim().to_lowercase();
        let node = lantern_journal::node_id_for_key(&public_key).map_err(|e| {
            FieldError::new(
                rec,
                "public_key",
                format!("an Ed25519 public key, 64 hexadecimal characters ({e})"),
                &public_key,
            )
        })?;
        if node == self.journal.node_id() || self.journal.trusted_nodes()?.contains(&node) {
            return Err(
                FieldError::new(rec, "public_key", "a node not already trusted", &node).into(),
            );
        }
        if !NODE_ROLES.contains(&role) {
            return Err(FieldError::new(rec, "role", "hub, office or laptop", role).into());
        }
        for (field, v) in [("name", name), ("reason", reason)] {
            if v.trim().is_empty() {
                return Err(FieldError::new(rec, field, "a non-empty value", v).into());
            }
        }
        let ev = Event::NodeEnrolled {
            node: node.clone(),
            public_key,
            name: name.trim().to_string(),
            role: role.to_string(),
            reason: reason.trim().to_string(),
            services: vec![],
        };
        self.journal
            .append(NewEvent::now(actor.journal_name(), ev), self.now())?;
        Ok(node)
    }

    /// The nodes this one trusts: itself, then each enrolled node.
    pub fn nodes(&self, actor: &Actor) -> Result<Vec<NodeLine>, AppError> {
        actor.require(
            |r| r == Role::Admin || r.may_read_audit(),
            "see the trusted nodes",
        )?;
        let mut out = vec![NodeLine {
            node: self.journal.node_id().to_string(),
            name: "this node".into(),
            role: format!(
                "this node, holding {} (its own key is the root of trust)",
                self.holding_words()?
            ),
            enrolled_by: None,
            retired: None,
        }];
        let trusted = self.journal.trusted_nodes()?;
        let retired = self.journal.retired_nodes()?;
        for (by, ev) in self.journal.enrolments()? {
            if let Event::NodeEnrolled {
                node,
                name,
                role,
                services,
                ..
            } = ev
                && trusted.contains(&node)
                && node != self.journal.node_id()
            {
                let holding = lantern_core::holding::Holding::of(&services);
                let role = if holding.is_whole() {
                    role
                } else {
                    format!("{role}, holding {}", self.holding_in_words(&holding)?)
                };
                out.push(NodeLine {
                    retired: retired
                        .get(&node)
                        .map(|r| format!("retired: events after {} refused", r.last_seq)),
                    node,
                    name,
                    role,
                    enrolled_by: Some(by),
                });
            }
        }
        Ok(out)
    }

    /// A signed checkpoint of this node's head now (to keep outside the database).
    pub fn checkpoint(&self) -> Result<Checkpoint, AppError> {
        Ok(self.journal.checkpoint(self.now())?)
    }

    /// Check the journal against every checkpoint in `text` (a witness file, a pack's page).
    pub fn check_checkpoints(&self, text: &str) -> Result<Vec<CheckpointCheck>, AppError> {
        let all = Checkpoint::all_in(text)
            .map_err(|e| FieldError::new("checkpoints", "against", e, ""))?;
        if all.is_empty() {
            return Err(FieldError::new(
                "checkpoints",
                "against",
                "at least one line 'lantern-checkpoint v1 …'",
                "none found",
            )
            .into());
        }
        all.into_iter()
            .map(|c| {
                let r = self.journal.check_against(&c)?;
                Ok(CheckpointCheck {
                    checkpoint: c.line(),
                    ok: r.is_ok(),
                    problem: r.err(),
                })
            })
            .collect()
    }
}

/// Append a checkpoint line to a witness file (created if need be), synced to disk.
pub fn witness(path: &std::path::Path, c: &Checkpoint) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    writeln!(f, "{}", c.line())?;
    f.sync_all()
}

/// Where checkpoints are sent while serving, so that a copy of the journal's head is held where
/// someone who controls this machine cannot rewrite it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Witness {
    /// A file (on another disk or a share), appended to and synced.
    File(std::path::PathBuf),
    /// An HTTP(S) endpoint, sent `{"checkpoint": LINE, "node", "seq"}` by POST.
    Webhook(String),
    /// An email address (`mailto:`), sent the line through the SMTP server of `LANTERN_SMTP_URL`.
    Email(String),
}

impl Witness {
    /// `https://…` or `http://…` is a webhook, `mailto:ADDRESS` an email, anything else a file.
    pub fn parse(s: &str) -> Witness {
        let t = s.trim();
        if t.starts_with("https://") || t.starts_with("http://") {
            Witness::Webhook(t.to_string())
        } else if let Some(to) = t.strip_prefix("mailto:") {
            Witness::Email(to.to_string())
        } else {
            Witness::File(std::path::PathBuf::from(s))
        }
    }

    /// Send one checkpoint; returns what to log on failure.
    pub fn send(
        &self,
        c: &Checkpoint,
        notifier: &crate::disruption::notify::Notifier,
    ) -> Result<(), String> {
        match self {
            Witness::File(p) => witness(p, c).map_err(|e| format!("{}: {e}", p.display())),
            Witness::Webhook(url) => notifier
                .webhook(
                    url,
                    &serde_json::json!({"checkpoint": c.line(), "node": c.node, "seq": c.seq}),
                )
                .map(drop)
                .map_err(|e| format!("{url}: {e}")),
            Witness::Email(to) => notifier
                .email(
                    to,
                    &format!("Lantern checkpoint: node {} at event {}", c.node, c.seq),
                    &format!(
                        "Keep this message. It lets `lantern verify --against` prove later that the journal was not rolled back or cut short.\n\n{}\n",
                        c.line()
                    ),
                )
                .map(drop)
                .map_err(|e| format!("{to}: {e}")),
        }
    }
}

/// While serving: every `every`, send a checkpoint to each witness when the head moved (a
/// witness that failed is tried again next time).
pub fn witness_forever(
    dir: std::path::PathBuf,
    clock: crate::Clock,
    witnesses: Vec<Witness>,
    notifier: crate::disruption::notify::Notifier,
    every: std::time::Duration,
) {
    let mut last: Vec<Option<(u64, String)>> = vec![None; witnesses.len()];
    loop {
        match App::open(&dir, clock).and_then(|app| app.checkpoint()) {
            Ok(c) => {
                for (w, last) in witnesses.iter().zip(last.iter_mut()) {
                    if last.as_ref() != Some(&(c.seq, c.hash.clone())) {
                        match w.send(&c, &notifier) {
                            Ok(()) => *last = Some((c.seq, c.hash.clone())),
                            Err(e) => eprintln!("witness {e}"),
                        }
                    }
                }
            }
            Err(e) => eprintln!("witness: {e}"),
        }
        std::thread::sleep(every);
    }
}
