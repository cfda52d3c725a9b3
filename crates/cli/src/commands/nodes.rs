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
                        "{}  {}  {}{}",
                        n.node,
                        n.name,
                        n.role,
                        n.enrolled_by
                            .map(|b| format!("  (enrolled by {b})"))
                            .unwrap_or_default()
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
