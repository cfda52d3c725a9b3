//! node, checkpoint: the trust anchors and signed checkpoints kept outside the database.

use crate::{Ctx, out};
use clap::Subcommand;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand, Debug)]
pub enum NodeCmd {
    /// The nodes this one trusts: itself (the root) and each node enrolled by a trusted node.
    List,
    /// Enrol another node's key (admin): its signed events are then the organisation's own.
    Enrol {
        /// Its Ed25519 public key, 64 hexadecimal characters (`lantern node show` on that node).
        #[arg(long)]
        public_key: String,
        /// A name people know it by.
        #[arg(long)]
        name: String,
        /// hub, office or laptop.
        #[arg(long)]
        role: String,
        /// Why it is trusted.
        #[arg(long)]
        reason: String,
    },
    /// This node's id and public key (to enrol it elsewhere).
    Show,
    /// What this node holds (events, version vector, digests two replicas in step agree on) and
    /// how far behind each peer it is.
    Status,
    /// Invite a new node (admin): writes a one-time invitation file for `lantern init --join` on
    /// the new machine. Keep it as you would a password until it is used or expires.
    Add {
        /// The name people will know it by ("on-call laptop").
        #[arg(long)]
        name: String,
        /// hub, office or laptop.
        #[arg(long)]
        role: String,
        /// This node's address as the new machine reaches it (https://HOST:PORT).
        #[arg(long)]
        peer: String,
        /// Where to write the invitation (mode 0600).
        #[arg(long)]
        out: PathBuf,
        /// Hours until it expires.
        #[arg(long, default_value_t = 24)]
        valid_hours: u32,
        /// The services whose people the new node holds (a laptop for the services its owner
        /// covers; repeat or separate with commas). None: the whole organisation.
        #[arg(long, value_delimiter = ',')]
        services: Vec<String>,
    },
    /// Retire a node (admin): its key is no longer accepted for new events anywhere; its
    /// history stays.
    Retire {
        /// Its node id (`lantern node list`).
        node: String,
        /// Why (lost, stolen, replaced).
        #[arg(long)]
        reason: String,
    },
}

pub fn node(ctx: &Ctx, cmd: &NodeCmd) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    match cmd {
        NodeCmd::List => {
            let nodes = app.nodes(&actor)?;
            if ctx.cli.json {
                out::json(&nodes)?;
            } else {
                for n in nodes {
                    println!(
                        "{}  {}  {}{}{}",
                        n.node,
                        n.name,
                        n.role,
                        n.enrolled_by
                            .map(|b| format!("  (enrolled by {b})"))
                            .unwrap_or_default(),
                        n.retired.map(|r| format!("  {r}")).unwrap_or_default()
                    );
                }
            }
        }
        NodeCmd::Enrol {
            public_key,
            name,
            role,
            reason,
        } => {
            let node = app.enrol_node(&actor, public_key, name, role, reason)?;
            if ctx.cli.json {
                out::json(&serde_json::json!({"enrolled": node}))?;
            } else {
                println!("Enrolled {node} ({name}, {role}): its signed events are now trusted.");
            }
        }
        NodeCmd::Add {
            name,
            role,
            peer,
            out: file,
            valid_hours,
            services,
        } => {
            let inv = app.invite_node(
                &actor,
                name,
                role,
                peer,
                jiff::SignedDuration::from_hours(i64::from(*valid_hours)),
                services,
            )?;
            inv.save(file)?;
            if ctx.cli.json {
                out::json(
                    &serde_json::json!({"invitation": inv.id, "file": file, "expires_at": inv.expires_at}),
                )?;
            } else {
                println!(
                    "Invitation {} for {name} ({role}) written to {} (valid until {}).",
                    inv.id,
                    file.display(),
                    lantern_app::core::time::show(inv.expires_at)
                );
                println!(
                    "On the new machine: lantern --data DIR init --join {}",
                    file.display()
                );
            }
        }
        NodeCmd::Retire { node, reason } => {
            let last = app.retire_node(&actor, node, reason)?;
            if ctx.cli.json {
                out::json(&serde_json::json!({"retired": node, "last_seq": last}))?;
            } else {
                println!(
                    "Retired {node}: its events after {last} are refused by every node once this reaches them."
                );
            }
        }
        NodeCmd::Status => {
            let s = app.node_status(&actor)?;
            if ctx.cli.json {
                out::json(&s)?;
            } else {
                println!("node {}: {} events; holds {}", s.node, s.events, s.holds);
                for (n, seq) in &s.vector {
                    println!("  {n} up to {seq}");
                }
                println!("events digest       {}", s.events_digest);
                println!("projections digest  {}", s.projections_digest);
                if s.peers.is_empty() {
                    println!("No peers: this node replicates with nobody.");
                }
                for p in &s.peers {
                    println!("{} ({})", p.line, p.url);
                }
            }
        }
        NodeCmd::Show => {
            let (id, key) = (app.node_id().to_string(), app.public_key());
            if ctx.cli.json {
                out::json(&serde_json::json!({"node_id": id, "public_key": key}))?;
            } else {
                println!("node id     {id}\npublic key  {key}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `lantern checkpoint [--witness FILE]`.
pub fn checkpoint(ctx: &Ctx, witness: Option<&PathBuf>) -> anyhow::Result<ExitCode> {
    let app = ctx.open()?;
    let c = app.checkpoint()?;
    if let Some(w) = witness {
        lantern_app::admin::nodes::witness(w, &c)
            .map_err(|e| anyhow::anyhow!("{}: {e}", w.display()))?;
    }
    if ctx.cli.json {
        out::json(&serde_json::json!({"checkpoint": c.line(), "node": c.node, "seq": c.seq}))?;
    } else {
        println!("{}", c.line());
    }
    Ok(ExitCode::SUCCESS)
}

/// `lantern init --join FILE`: a new node of an existing organisation.
pub fn join(ctx: &Ctx, file: &std::path::Path) -> anyhow::Result<ExitCode> {
    let t = lantern_app::replication::client::Transport::for_node(&ctx.cli.data)
        .map_err(|e| anyhow::anyhow!(e))?;
    let (app, answer, round) =
        lantern_app::App::join(&ctx.cli.data, file, &crate::local_user(), ctx.clock, &t)?;
    if ctx.cli.json {
        out::json(&serde_json::json!({
            "data": ctx.cli.data, "node_id": app.node_id(), "org": answer.organisation,
            "name": answer.name, "role": answer.role, "pulled": round.pulled, "pushed": round.pushed,
            "withheld": round.withheld, "holds": app.holding_words()?,
        }))?;
    } else {
        println!(
            "Joined {} as {} ({}, node {}).",
            answer.organisation,
            answer.name,
            answer.role,
            app.node_id()
        );
        println!(
            "  took {} events from {} and gave it {}.",
            round.pulled, round.peer, round.pushed
        );
        if round.withheld > 0 {
            println!(
                "  It holds {}: {} events about other people are held as stubs (their identity and signature only).",
                app.holding_words()?,
                round.withheld
            );
        }
        println!(
            "Next: `lantern serve --peer {}` keeps this node in step.",
            round.peer
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `lantern sync [--peer URL]...`: one round with each peer.
pub fn sync(ctx: &Ctx, peers: &[String]) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let t = lantern_app::replication::client::Transport::for_node(&ctx.cli.data)
        .map_err(|e| anyhow::anyhow!(e))?;
    let peers: Vec<String> = if peers.is_empty() {
        app.freshness()?
            .into_iter()
            .map(|p| p.url)
            .filter(|u| u.starts_with("http"))
            .collect()
    } else {
        peers.to_vec()
    };
    if peers.is_empty() {
        anyhow::bail!(
            "no peer: give --peer https://HOST:PORT (this node has replicated with none yet)"
        );
    }
    let mut failed = false;
    let mut reports = Vec::new();
    for p in &peers {
        match app.sync_with(&t, p) {
            Ok(r) => {
                if !ctx.cli.json {
                    println!(
                        "{}: took {} events{}, gave {} ({} requests); in step.",
                        r.peer,
                        r.pulled,
                        if r.withheld > 0 {
                            format!(" and {} stubs", r.withheld)
                        } else {
                            String::new()
                        },
                        r.pushed,
                        r.requests
                    );
                }
                reports.push(serde_json::json!(r));
            }
            Err(e) => {
                failed = true;
                eprintln!("{p}: {e}");
                reports.push(serde_json::json!({"peer": p, "error": e.to_string()}));
            }
        }
    }
    if ctx.cli.json {
        out::json(&reports)?;
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
