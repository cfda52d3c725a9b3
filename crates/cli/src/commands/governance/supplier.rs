//! `lantern supplier ...`: suppliers and contracts, reviews, exit plans, export tests (S8).

use super::print_due;
use crate::{Ctx, out};
use clap::{Args, Subcommand};
use lantern_app::core::supplier::{ExitStepInput, Provision, SupplierInput};
use lantern_app::governance::suppliers::{ExitPlanInput, SupplierEventInput};
use std::process::ExitCode;

/// A supplier's fields, as flags.
#[derive(Args, Debug, Clone)]
pub struct SupplierArgs {
    /// Identifier (such as medstrack).
    pub id: String,
    /// Company name.
    #[arg(long)]
    pub name: String,
    /// A dependency it supplies (repeat).
    #[arg(long = "dependency", value_name = "ID")]
    pub dependencies: Vec<String>,
    /// Account manager or support line.
    #[arg(long, default_value = "")]
    pub contact: String,
    /// Staff identifier of who answers for it.
    #[arg(long)]
    pub owner: String,
    /// The contract's reference (leave out when none is recorded yet).
    #[arg(long, default_value = "")]
    pub contract: String,
    /// Contract start (YYYY-MM-DD).
    #[arg(long, default_value = "")]
    pub start: String,
    /// Renewal or end (YYYY-MM-DD).
    #[arg(long, default_value = "")]
    pub renewal: String,
    /// Next contract review (YYYY-MM-DD).
    #[arg(long, default_value = "")]
    pub review_by: String,
    /// Days' notice to end it.
    #[arg(long, default_value = "")]
    pub notice_days: String,
    /// Who owns the data.
    #[arg(long, default_value = "")]
    pub data_ownership: String,
    /// The export format.
    #[arg(long, default_value = "")]
    pub export_format: String,
    /// The exit clauses.
    #[arg(long, default_value = "")]
    pub exit_clauses: String,
    /// A provision's coverage as PROVISION=covered|partly|not[:CLAUSE] (alternative_access,
    /// offline_recording, escalation_routes, communication, post_incident_review); all five.
    #[arg(long = "provision", value_name = "P=COVERAGE:CLAUSE")]
    pub provisions: Vec<String>,
}

impl SupplierArgs {
    fn input(&self) -> SupplierInput {
        let mut coverage = vec![String::new(); Provision::ALL.len()];
        let mut clauses = vec![String::new(); Provision::ALL.len()];
        for p in &self.provisions {
            let (key, rest) = p.split_once('=').unwrap_or((p, ""));
            let (cov, clause) = rest.split_once(':').unwrap_or((rest, ""));
            if let Some(i) = Provision::ALL.iter().position(|x| x.as_str() == key.trim()) {
                coverage[i] = cov.trim().to_string();
                clauses[i] = clause.trim().to_string();
            }
        }
        SupplierInput {
            id: self.id.clone(),
            name: self.name.clone(),
            dependencies: self.dependencies.clone(),
            contact: self.contact.clone(),
            owner: self.owner.clone(),
            contract_reference: self.contract.clone(),
            start: self.start.clone(),
            renewal: self.renewal.clone(),
            review_by: self.review_by.clone(),
            notice_days: self.notice_days.clone(),
            data_ownership: self.data_ownership.clone(),
            export_format: self.export_format.clone(),
            exit_clauses: self.exit_clauses.clone(),
            coverage,
            clauses,
        }
    }
}

/// Suppliers and contracts, supplier events and reviews, exit plans, data export tests.
#[derive(Subcommand, Debug)]
pub enum SupplierCmd {
    /// Every supplier with its contract, provisions, open review and latest export test.
    List,
    /// One supplier: contract and provisions, log, exit plan, export tests, what is due.
    Show {
        /// Supplier identifier.
        id: String,
    },
    /// Add a supplier (and its contract).
    Add(SupplierArgs),
    /// Change a supplier or its contract (all fields, as for add) and say why.
    Edit {
        #[command(flatten)]
        supplier: SupplierArgs,
        /// Why it changed.
        #[arg(long)]
        reason: String,
    },
    /// Record something that happened to a supplier: change_of_ownership, insolvency,
    /// service_change and security_incident open a review.
    Event {
        /// Supplier identifier.
        id: String,
        /// What happened.
        happened: String,
        /// When (YYYY-MM-DD).
        #[arg(long)]
        on: String,
        /// In words.
        #[arg(long)]
        note: String,
    },
    /// Conclude a supplier's open review.
    CloseReview {
        /// Supplier identifier.
        id: String,
        /// What it concluded about exit clauses, data ownership and migration options.
        #[arg(long)]
        outcome: String,
    },
    /// Draft or update the exit plan: every step as WHAT|OWNER|DUE[|done]; the parallel-running
    /// items done by position (from 0).
    ExitPlan {
        /// Supplier identifier.
        id: String,
        /// A migration step (repeat).
        #[arg(long = "step", value_name = "WHAT|OWNER|DUE")]
        steps: Vec<String>,
        /// A parallel-running item that is done (repeat).
        #[arg(long = "parallel-done", value_name = "N")]
        parallel_done: Vec<usize>,
    },
    /// Test a supplier's data export (FHIR R4 JSON) against what Lantern holds, or with --own
    /// Lantern's own `export all` → `import all`; the result is recorded with the file's hash.
    ExportTest {
        /// Supplier identifier (not with --own).
        #[arg(required_unless_present = "own")]
        id: Option<String>,
        /// The export file.
        #[arg(long, required_unless_present = "own")]
        file: Option<std::path::PathBuf>,
        /// Lantern's own round trip.
        #[arg(long, conflicts_with_all = ["id", "file"])]
        own: bool,
    },
}

fn print_export_test(t: &lantern_app::core::supplier::ExportTest, gaps: &[String]) {
    println!(
        "{} ({}, sha256 {}): {} of {} people, {} of {} sections: {}",
        t.file,
        t.format,
        t.sha256,
        t.people_found,
        t.people_expected,
        t.sections_found,
        t.sections_expected,
        if t.complete { "COMPLETE" } else { "GAPS" }
    );
    for m in gaps {
        println!("  missing: {m}");
    }
}

/// `lantern supplier ...`
pub fn supplier(ctx: &Ctx, cmd: &SupplierCmd) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    match cmd {
        SupplierCmd::List => {
            let r = app.supplier_register(&actor)?;
            if ctx.cli.json {
                return out::json(&r).map(|_| ExitCode::SUCCESS);
            }
            for s in &r.suppliers {
                println!(
                    "{:<12} {:<18} supplies {}; contract {}; provisions {}{}; export test: {} (owner {})",
                    s.id,
                    s.name,
                    s.supplies,
                    s.contract,
                    s.provisions,
                    s.review_open
                        .as_ref()
                        .map(|d| format!("; REVIEW OPEN since {d}"))
                        .unwrap_or_default(),
                    s.last_export_test,
                    s.owner
                );
            }
            for t in &r.own_tests {
                println!(
                    "Lantern's own export, {}: {} ({})",
                    t.at,
                    t.counts,
                    if t.complete { "complete" } else { "gaps" }
                );
            }
        }
        SupplierCmd::Show { id } => {
            let v = app.supplier_view(&actor, id)?;
            if ctx.cli.json {
                return out::json(&v).map(|_| ExitCode::SUCCESS);
            }
            let l = &v.line;
            println!(
                "{} ({}) supplies {}; owner {}",
                l.name, l.id, l.supplies, l.owner
            );
            println!("  contract {}", l.contract);
            if let Some(c) = &v.supplier.contract {
                println!("  data ownership: {}", c.data_ownership);
                println!(
                    "  export format: {}; notice {} days",
                    c.export_format, c.notice_days
                );
                println!("  exit clauses: {}", c.exit_clauses);
            }
            for (p, cov, _, clause) in &v.provisions {
                println!("  {:<58} {:<12} {}", p, cov, clause);
            }
            if let Some(d) = &l.review_open {
                println!("  REVIEW OPEN since {d}");
            }
            for (at, what, note, by) in &v.log {
                println!("  {at}  {what:<24} {note} ({by})");
            }
            if let Some(p) = &v.exit_plan {
                println!("Exit plan");
                for (s, owner) in p.steps.iter().zip(&v.step_owners) {
                    println!(
                        "  [{}] {} ({owner}, by {})",
                        if s.done { "x" } else { " " },
                        s.what,
                        s.due
                    );
                }
                for (i, c) in p.parallel.iter().enumerate() {
                    println!("  {i}. [{}] {}", if c.done { "x" } else { " " }, c.item);
                }
            }
            for t in &v.export_tests {
                println!(
                    "Export test {}: {} {} ({})",
                    t.at,
                    t.file,
                    t.counts,
                    if t.complete { "complete" } else { "gaps" }
                );
                for m in &t.missing {
                    println!("  missing: {m}");
                }
            }
            print_due(&v.due);
        }
        SupplierCmd::Add(a) => {
            let s = app.record_supplier(&actor, &a.input(), "")?;
            if ctx.cli.json {
                return out::json(&s).map(|_| ExitCode::SUCCESS);
            }
            println!("supplier {} added", s.id);
        }
        SupplierCmd::Edit { supplier, reason } => {
            let s = app.record_supplier(&actor, &supplier.input(), reason)?;
            if ctx.cli.json {
                return out::json(&s).map(|_| ExitCode::SUCCESS);
            }
            println!("supplier {} changed", s.id);
        }
        SupplierCmd::Event {
            id,
            happened,
            on,
            note,
        } => {
            let opened = app.record_supplier_event(
                &actor,
                id,
                &SupplierEventInput {
                    happened: happened.clone(),
                    on: on.clone(),
                    note: note.clone(),
                },
            )?;
            if ctx.cli.json {
                return out::json(&serde_json::json!({"review_opened": opened}))
                    .map(|_| ExitCode::SUCCESS);
            }
            println!(
                "recorded{}",
                if opened {
                    ": a review of exit clauses, data ownership and migration options is open"
                } else {
                    ""
                }
            );
        }
        SupplierCmd::CloseReview { id, outcome } => {
            app.close_supplier_review(&actor, id, outcome)?;
            if ctx.cli.json {
                return out::json(&serde_json::json!({"closed": true})).map(|_| ExitCode::SUCCESS);
            }
            println!("review of {id} concluded");
        }
        SupplierCmd::ExitPlan {
            id,
            steps,
            parallel_done,
        } => {
            let steps = steps
                .iter()
                .map(|s| {
                    let p: Vec<&str> = s.split('|').map(str::trim).collect();
                    ExitStepInput {
                        what: p.first().copied().unwrap_or_default().to_string(),
                        owner: p.get(1).copied().unwrap_or_default().to_string(),
                        due: p.get(2).copied().unwrap_or_default().to_string(),
                        done: p.get(3).is_some_and(|d| *d == "done"),
                    }
                })
                .collect();
            let plan = app.set_exit_plan(
                &actor,
                id,
                &ExitPlanInput {
                    steps,
                    parallel_done: parallel_done.clone(),
                },
            )?;
            if ctx.cli.json {
                return out::json(&plan).map(|_| ExitCode::SUCCESS);
            }
            println!(
                "exit plan for {id}: {} steps, {} parallel-running items",
                plan.steps.len(),
                plan.parallel.len()
            );
        }
        SupplierCmd::ExportTest { id, file, own } => {
            let t = if *own {
                app.test_own_export(&actor)?
            } else {
                let (Some(id), Some(file)) = (id, file) else {
                    anyhow::bail!("give the supplier and --file, or --own");
                };
                let bytes =
                    std::fs::read(file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
                let name = file
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                app.test_supplier_export(&actor, id, &name, &bytes)?
            };
            if ctx.cli.json {
                return out::json(&t).map(|_| ExitCode::SUCCESS);
            }
            let gaps = app.export_gaps(&actor, &t)?;
            print_export_test(&t, &gaps);
        }
    }
    Ok(ExitCode::SUCCESS)
}
