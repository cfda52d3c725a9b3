//! Nodes joining and leaving: a one-time invitation file issued on a trusted node (`lantern node
//! add`), used by `lantern init --join` on the new machine, which the issuing node answers by
//! enrolling the new node's key in a signed event; and retirement (`lantern node retire`).

use super::client::{RoundReport, Transport};
use super::{CLOCK_SKEW, NodeSignature, parse_body};
use crate::admin::nodes::NODE_ROLES;
use crate::{Actor, App, AppError, Clock};
use lantern_core::FieldError;
use lantern_core::event::Event;
use lantern_core::role::Role;
use lantern_journal::{InvitationRow, Journal, NewEvent};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Where `serve --tls-self-signed` keeps its certificate, in the data directory.
pub const SELF_SIGNED_CERT: &str = "tls/self-signed-cert.pem";
/// Where a node keeps the certificates it pins for its peers, in the data directory.
pub const PEER_CA: &str = "tls/peer-ca.pem";

/// The path a new node presents its invitation to.
pub const JOIN_PATH: &str = "/api/v1/replication/join";

/// A one-time invitation, as the file `lantern node add` writes. Whoever holds it may join the
/// organisation until it expires or is used: keep it as you would a password.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Invitation {
    /// Always 1.
    pub lantern_invitation: u32,
    /// The organisation.
    pub organisation: String,
    /// Its id.
    pub id: String,
    /// The one-time secret (hex).
    pub secret: String,
    /// Where the issuing node is reached.
    pub peer: String,
    /// The issuing node's id.
    pub issuer: String,
    /// Its public key: the new node trusts it, and checks every answer against it.
    pub issuer_key: String,
    /// The name the issuing node is known by.
    pub issuer_name: String,
    /// Its role.
    pub issuer_role: String,
    /// The name the new node will be known by.
    pub name: String,
    /// hub, office or laptop.
    pub role: String,
    /// Until when it may be used.
    pub expires_at: jiff::Timestamp,
    /// The issuing node's own HTTPS certificate (PEM) when it serves a self-signed one: the new
    /// node trusts it for that address (pinned), and no other.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer_ca: Option<String>,
    /// The services whose people the new node will hold (none: the whole organisation).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
}

/// What a new node presents (signed with its own key, which proves it holds it).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinRequest {
    /// The invitation's id.
    pub invitation: String,
    /// Its secret.
    pub secret: String,
    /// The new node's Ed25519 public key (hex).
    pub public_key: String,
}

/// The issuing node's answer: the new node is enrolled.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct JoinAnswer {
    /// The new node's id, as enrolled.
    pub enrolled: String,
    /// The name it was enrolled under.
    pub name: String,
    /// Its role.
    pub role: String,
    /// The organisation.
    pub organisation: String,
    /// The services whose people it holds (none: the whole organisation).
    #[serde(default)]
    pub services: Vec<String>,
}

impl Invitation {
    /// Write it to `path`, a new file only its owner can read.
    pub fn save(&self, path: &Path) -> Result<(), AppError> {
        let text = serde_json::to_vec_pretty(self)
            .map_err(|e| AppError::Unreachable(format!("invitation: {e}")))?;
        crate::admin::backup::write_private(path, &text)
    }
}

impl App {
    /// Issue a one-time invitation for a new node (admins): valid for `valid_for`, presented to
    /// this node at `peer_url`.
    pub fn invite_node(
        &mut self,
        actor: &Actor,
        name: &str,
        role: &str,
        peer_url: &str,
        valid_for: jiff::SignedDuration,
        services: &[String],
    ) -> Result<Invitation, AppError> {
        actor.require(|r| r == Role::Admin, "invite nodes")?;
        let rec = "node invitation";
        if name.trim().is_empty() || name.len() > 100 {
            return Err(FieldError::new(rec, "name", "a name of 1-100 characters", name).into());
        }
        if !NODE_ROLES.contains(&role) {
            return Err(FieldError::new(rec, "role", "hub, office or laptop", role).into());
        }
        let peer = peer_url.trim().trim_end_matches('/');
        if !(peer.starts_with("https://") || peer.starts_with("http://")) || peer.len() < 10 {
            return Err(FieldError::new(
                rec,
                "peer",
                "this node's address as the new node reaches it, https://HOST:PORT",
                peer_url,
            )
            .into());
        }
        let known = self.services()?;
        let mut held: Vec<String> = Vec::new();
        for s in services.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            let Some(found) = known
                .iter()
                .find(|k| k.id.as_str() == s || k.name.eq_ignore_ascii_case(s))
            else {
                let names: Vec<&str> = known.iter().map(|k| k.id.as_str()).collect();
                return Err(FieldError::new(
                    rec,
                    "services",
                    format!("services of this organisation ({})", names.join(", ")),
                    s,
                )
                .into());
            };
            if !held.contains(&found.id.to_string()) {
                held.push(found.id.to_string());
            }
        }
        if !held.is_empty() && role == "hub" {
            return Err(FieldError::new(
                rec,
                "services",
                "no services for a hub: a hub holds the whole organisation",
                held.join(", "),
            )
            .into());
        }
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| AppError::Forbidden(e.to_string()))?;
        let secret = hex::encode(bytes);
        let mut idb = [0u8; 4];
        getrandom::fill(&mut idb).map_err(|e| AppError::Forbidden(e.to_string()))?;
        let id = format!("inv-{}", hex::encode(idb));
        let now = self.now();
        let expires_at = now
            .checked_add(valid_for)
            .map_err(|e| FieldError::new(rec, "valid_for", "a few hours or days", e.to_string()))?;
        let local = self.journal.node_id().to_string();
        let (issuer_name, issuer_role) = self
            .journal
            .enrolments()?
            .into_iter()
            .find_map(|(_, ev)| match ev {
                Event::NodeEnrolled {
                    node, name, role, ..
                } if node == local => Some((name, role)),
                _ => None,
            })
            .unwrap_or_else(|| ("the hub".into(), "hub".into()));
        self.journal.create_invitation(
            &InvitationRow {
                id: id.clone(),
                name: name.trim().to_string(),
                role: role.to_string(),
                issued_by: actor.journal_name(),
                issued_at: now.to_string(),
                expires_at: expires_at.to_string(),
                used_by: None,
                services: held.clone(),
            },
            &self.journal.invitation_mac(&secret),
        )?;
        Ok(Invitation {
            lantern_invitation: 1,
            organisation: self.journal.org_name()?.unwrap_or_default(),
            id,
            secret,
            peer: peer.to_string(),
            issuer: local,
            issuer_key: self.public_key(),
            issuer_name,
            issuer_role,
            name: name.trim().to_string(),
            role: role.to_string(),
            expires_at,
            peer_ca: if peer.starts_with("https://") {
                std::fs::read_to_string(self.journal.dir().join(SELF_SIGNED_CERT)).ok()
            } else {
                None
            },
            services: held,
        })
    }

    /// Answer a new node presenting an invitation: its signature must be by the key it presents,
    /// the invitation unexpired and unused (or used by this same node: a retry), the secret its.
    /// The new node is enrolled by a signed event in the issuer's name.
    pub fn accept_join(
        &mut self,
        sig: &NodeSignature,
        body: &[u8],
    ) -> Result<JoinAnswer, AppError> {
        let req: JoinRequest = parse_body("join request", body)?;
        let rec = "join request";
        let key = lantern_journal::node_id_for_key(&req.public_key).map_err(|e| {
            FieldError::new(
                rec,
                "public_key",
                format!("an Ed25519 public key ({e})"),
                "",
            )
        })?;
        if key != sig.node {
            return Err(AppError::Unauthenticated(
                "the request is not signed by the node whose key it presents".into(),
            ));
        }
        let at: jiff::Timestamp = sig
            .time
            .parse()
            .map_err(|_| AppError::Unauthenticated("the request's time does not read".into()))?;
        if self.now().duration_since(at).abs() > CLOCK_SKEW {
            return Err(AppError::Unauthenticated(
                "the request was signed more than 5 minutes from this node's clock".into(),
            ));
        }
        let msg = lantern_journal::request_message("POST", JOIN_PATH, &sig.time, body);
        let pk = lantern_journal::parse_public_key(&req.public_key)
            .map_err(AppError::Unauthenticated)?;
        if !lantern_journal::verify_signature(&pk, &msg, &sig.signature) {
            return Err(AppError::Unauthenticated(
                "the request's signature is not by the key it presents".into(),
            ));
        }
        let mac = self.journal.invitation_mac(req.secret.trim());
        let inv = self
            .journal
            .invitation(req.invitation.trim(), &mac)?
            .ok_or_else(|| {
                AppError::Unauthenticated(format!(
                    "invitation {}: no such invitation on this node, or its secret is wrong",
                    req.invitation
                ))
            })?;
        if let Some(used) = &inv.used_by
            && *used != key
        {
            return Err(AppError::Forbidden(format!(
                "invitation {} was already used by node {used}: issue another with `lantern node add`",
                inv.id
            )));
        }
        let expires: jiff::Timestamp = inv
            .expires_at
            .parse()
            .map_err(|_| AppError::Forbidden("the invitation's expiry does not read".into()))?;
        if inv.used_by.is_none() && self.now() > expires {
            return Err(AppError::Forbidden(format!(
                "invitation {} expired at {}: issue another with `lantern node add`",
                inv.id,
                lantern_core::time::show(expires)
            )));
        }
        if !self.journal.trusted_nodes()?.contains(&key) {
            let ev = Event::NodeEnrolled {
                node: key.clone(),
                public_key: req.public_key.trim().to_lowercase(),
                name: inv.name.clone(),
                role: inv.role.clone(),
                reason: format!(
                    "joined with invitation {} issued by {} at {}",
                    inv.id, inv.issued_by, inv.issued_at
                ),
                services: inv
                    .services
                    .iter()
                    .map(|s| {
                        lantern_core::ids::ServiceId::parse(s).map_err(|e| {
                            AppError::Journal(lantern_journal::JournalError::corrupt(
                                format!("invitation {}", inv.id),
                                e,
                            ))
                        })
                    })
                    .collect::<Result<_, _>>()?,
            };
            self.journal
                .append(NewEvent::now(inv.issued_by.clone(), ev), self.now())?;
        }
        self.journal.use_invitation(&inv.id, &key)?;
        Ok(JoinAnswer {
            enrolled: key,
            name: inv.name,
            role: inv.role,
            organisation: self.journal.org_name()?.unwrap_or_default(),
            services: inv.services,
        })
    }

    /// Retire a node (admins): events it signs after the last this node holds of it are refused
    /// everywhere; its history stays.
    pub fn retire_node(
        &mut self,
        actor: &Actor,
        node: &str,
        reason: &str,
    ) -> Result<u64, AppError> {
        actor.require(|r| r == Role::Admin, "retire nodes")?;
        let rec = "node retirement";
        let node = node.trim();
        if node == self.journal.node_id() {
            return Err(FieldError::new(
                rec,
                "node",
                "another node (a node cannot retire itself: do it from another)",
                node,
            )
            .into());
        }
        if !self.journal.trusted_nodes()?.contains(node) {
            return Err(FieldError::new(
                rec,
                "node",
                "a trusted node (see `lantern node list`)",
                node,
            )
            .into());
        }
        if self.journal.retired_nodes()?.contains_key(node) {
            return Err(FieldError::new(rec, "node", "a node not already retired", node).into());
        }
        if reason.trim().is_empty() {
            return Err(FieldError::new(rec, "reason", "a non-empty value", reason).into());
        }
        let last_seq = self
            .journal
            .version_vector()?
            .get(node)
            .copied()
            .unwrap_or(0);
        self.journal.append(
            NewEvent::now(
                actor.journal_name(),
                Event::NodeRetired {
                    node: node.to_string(),
                    last_seq,
                    reason: reason.trim().to_string(),
                },
            ),
            self.now(),
        )?;
        Ok(last_seq)
    }

    /// Make a new node in `dir` from an invitation file: its own key, the issuing node trusted,
    /// itself enrolled by the issuing node, and a first catch-up. Built aside and moved into
    /// place only when complete: a failed join leaves nothing behind.
    pub fn join(
        dir: &Path,
        invitation: &Path,
        operator: &str,
        clock: Clock,
        t: &Transport,
    ) -> Result<(App, JoinAnswer, RoundReport), AppError> {
        let text = std::fs::read_to_string(invitation).map_err(AppError::io(invitation))?;
        let rec = invitation.display().to_string();
        let inv: Invitation = serde_json::from_str(&text).map_err(|e| {
            FieldError::new(
                &rec,
                "invitation",
                "an invitation file written by `lantern node add`",
                e.to_string(),
            )
        })?;
        if inv.lantern_invitation != 1 {
            return Err(FieldError::new(
                &rec,
                "lantern_invitation",
                "1",
                inv.lantern_invitation.to_string(),
            )
            .into());
        }
        if lantern_journal::node_id_for_key(&inv.issuer_key)
            .ok()
            .as_deref()
            != Some(inv.issuer.as_str())
        {
            return Err(FieldError::new(
                &rec,
                "issuer_key",
                "the issuing node's public key",
                &inv.issuer_key,
            )
            .into());
        }
        if clock.now() > inv.expires_at {
            return Err(AppError::Forbidden(format!(
                "invitation {} expired at {}: ask for another (`lantern node add` on a trusted node)",
                inv.id,
                lantern_core::time::show(inv.expires_at)
            )));
        }
        let pinned;
        let t = match &inv.peer_ca {
            Some(pem) => {
                pinned = Transport::new(std::time::Duration::from_secs(60), Some(pem.as_bytes()))
                    .map_err(|e| FieldError::new(&rec, "peer_ca", "a PEM certificate", e))?;
                &pinned
            }
            None => t,
        };
        let mut out = None;
        let app = crate::admin::init::build_in_place(dir, clock, |d| {
            if let Some(pem) = &inv.peer_ca {
                let p = d.join(PEER_CA);
                if let Some(parent) = p.parent() {
                    std::fs::create_dir_all(parent).map_err(AppError::io(parent))?;
                }
                std::fs::write(&p, pem).map_err(AppError::io(&p))?;
            }
            let mut app = App {
                journal: Journal::create(d)?,
                clock,
            };
            app.journal.append(
                NewEvent::now(
                    format!("local:{operator}"),
                    Event::NodeEnrolled {
                        node: inv.issuer.clone(),
                        public_key: inv.issuer_key.clone(),
                        name: inv.issuer_name.clone(),
                        role: inv.issuer_role.clone(),
                        reason: format!(
                            "this node joined {} with invitation {}",
                            inv.organisation, inv.id
                        ),
                        services: vec![],
                    },
                ),
                clock.now(),
            )?;
            let body = serde_json::to_vec(&JoinRequest {
                invitation: inv.id.clone(),
                secret: inv.secret.clone(),
                public_key: app.public_key(),
            })
            .map_err(|e| AppError::Unreachable(e.to_string()))?;
            let (_, bytes) = t
                .post(&app, &inv.peer, JOIN_PATH, &body, Some(&inv.issuer))
                .map_err(|e| AppError::Unreachable(format!("{}: {e}", inv.peer)))?;
            let answer: JoinAnswer = serde_json::from_slice(&bytes).map_err(|e| {
                AppError::Unreachable(format!("{}: its answer did not read: {e}", inv.peer))
            })?;
            // What it holds is the issuer's word (its enrolment), kept before any event arrives.
            if !answer.services.is_empty() {
                app.journal.set_holding(&answer.services)?;
            }
            let round = app.sync_with(t, &inv.peer)?;
            out = Some((answer, round));
            Ok(app)
        })?;
        let (answer, round) =
            out.ok_or_else(|| AppError::Unreachable("the join did not finish".into()))?;
        Ok((app, answer, round))
    }
}
