//! `lantern reconcile status|export|confirm|not-applicable|check`.

use crate::{Ctx, out};
use clap::Subcommand;
use lantern_app::core::reconcile::Settled;
use lantern_app::core::time::show;
use std::path::PathBuf;
use std::process::ExitCode;

/// Run a reconcile command.
pub fn run(ctx: &Ctx, cmd: &ReconcileCmd) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    match cmd {
        ReconcileCmd::Status { disruption } => {
            let b = app.reconciliation(&actor, disruption)?;
            if ctx.cli.json {
                out::json(&b)?;
                return Ok(ExitCode::SUCCESS);
            }
            for i in &b.items {
                let detail = i.detail();
                println!(
                    "{:<16} {:<22} {}  {}  {}",
                    i.state.as_str().to_uppercase(),
                    i.entry.record.id,
                    show(i.entry.occurred_at),
                    i.entry.record.body.summary(),
                    detail
                );
            }
            println!("{}", b.figures.describe());
        }
        ReconcileCmd::Export {
            disruption,
            format,
            records,
            out: path,
        } => {
            let (bytes, _) = app.reconcile_export(&actor, disruption, format, records)?;
            std::fs::write(path, &bytes)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
            if ctx.cli.json {
                out::json(&serde_json::json!({"file": path, "bytes": bytes.len()}))?;
            } else {
                println!(
                    "Wrote {} ({} bytes); each record's content hash is recorded in the journal",
                    path.display(),
                    bytes.len()
                );
            }
        }
        ReconcileCmd::Sheets {
            disruption,
            out: path,
        } => {
            let pdf = app.reconcile_sheets(&actor, disruption)?;
            std::fs::write(path, &pdf)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
            if ctx.cli.json {
                out::json(&serde_json::json!({"file": path, "bytes": pdf.len()}))?;
            } else {
                println!("Wrote {} ({} bytes)", path.display(), pdf.len());
            }
        }
        ReconcileCmd::Confirm {
            disruption,
            records,
            main_ref,
        } => {
            let n = app.reconcile_settle(
                &actor,
                disruption,
                records,
                Settled::Confirmed {
                    main_ref: main_ref.clone(),
                },
            )?;
            if !ctx.cli.json {
                println!("{n} record(s) confirmed entered (ref {main_ref})");
            } else {
                out::json(&serde_json::json!({"confirmed": n}))?;
            }
        }
        ReconcileCmd::NotApplicable {
            disruption,
            records,
            reason,
        } => {
            let n = app.reconcile_settle(
                &actor,
                disruption,
                records,
                Settled::NotApplicable {
                    reason: reason.clone(),
                },
            )?;
            if !ctx.cli.json {
                println!("{n} record(s) set aside as not applicable");
            } else {
                out::json(&serde_json::json!({"not_applicable": n}))?;
            }
        }
        ReconcileCmd::Check { disruption, file } => {
            let bytes = std::fs::read(file)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let r = app.reconcile_check(&actor, disruption, &bytes)?;
            if ctx.cli.json {
                out::json(&r)?;
            } else if r.problems.is_empty() {
                println!(
                    "OK: all {} exported records are in {} whole — every field present and unchanged, each hash as recorded at export",
                    r.expected,
                    file.display()
                );
            } else {
                for p in &r.problems {
                    println!("MISSING OR CHANGED: {p}");
                }
                println!("{} of {} records whole", r.whole, r.expected);
            }
            return Ok(if r.problems.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(5)
            });
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `lantern review record|show`.
pub fn review(ctx: &Ctx, cmd: &ReviewCmd) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    match cmd {
        ReviewCmd::Record { file } => {
            let json = crate::commands::people::mei::read_input(file)?;
            let r = app.record_review(&actor, &json)?;
            if ctx.cli.json {
                out::json(&r)?;
            } else {
                println!(
                    "Review of {} recorded with {} action(s):",
                    r.disruption,
                    r.actions.len()
                );
                for a in &r.actions {
                    println!(
                        "  {} — {} (owner {}, due {})",
                        a.id.as_ref().map(|x| x.as_str()).unwrap_or(""),
                        a.what,
                        a.owner,
                        a.due
                    );
                }
            }
        }
        ReviewCmd::Show { disruption } => match app.review(&actor, disruption)? {
            Some((r, at, by)) => {
                if ctx.cli.json {
                    out::json(
                        &serde_json::json!({"review": r, "reviewed_at": at, "reviewed_by": by}),
                    )?;
                } else {
                    println!("Review of {} ({at}, {by})", r.disruption);
                    println!(
                        "Went well: {}\nDid not: {}\nRoot cause: {}{}",
                        r.went_well,
                        r.not_well,
                        r.root_cause,
                        r.supplier
                            .as_ref()
                            .map(|s| format!(" (supplier: {s})"))
                            .unwrap_or_default()
                    );
                    println!(
                        "Practice and policy: {}\nTraining needed: {}; supervision needed: {}\nReflection: {}",
                        r.followed_policy, r.training_needed, r.supervision_needed, r.reflection
                    );
                    if let Some(rp) = &r.restrictive_practice_review {
                        println!("Restrictive practice: {rp}");
                    }
                }
            }
            None => anyhow::bail!("disruption {disruption} has no review yet"),
        },
    }
    Ok(ExitCode::SUCCESS)
}

/// `lantern qi list|update`.
pub fn qi(ctx: &Ctx, cmd: &QiCmd) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    match cmd {
        QiCmd::List => {
            let rows = app.qi_plan(&actor)?;
            if ctx.cli.json {
                out::json(&rows)?;
            } else {
                for r in app.qi_lines(&actor, None)? {
                    println!(
                        "{:<40} {:<12} {:<9} due {}  owner {:<18} {} (from {}){}",
                        r.id,
                        r.status,
                        r.due_state,
                        r.due,
                        r.owner,
                        r.what,
                        r.source,
                        if r.note.is_empty() {
                            String::new()
                        } else {
                            format!(" — {}", r.note)
                        }
                    );
                }
            }
        }
        QiCmd::Add {
            what,
            owner,
            due,
            source,
            reference,
        } => {
            let a = app.add_action(
                &actor,
                &lantern_core::review::ActionInput {
                    what: what.clone(),
                    owner: owner.clone(),
                    due: due.clone(),
                    source: source.clone(),
                    reference: reference.clone(),
                },
            )?;
            if ctx.cli.json {
                out::json(&a)?;
            } else {
                println!(
                    "{} added: {} (owner {}, due {})",
                    a.id.as_ref().map(|x| x.as_str()).unwrap_or(""),
                    a.what,
                    a.owner,
                    a.due
                );
            }
        }
        QiCmd::Update {
            action,
            status,
            note,
        } => {
            app.update_action(&actor, action, status, note)?;
            if ctx.cli.json {
                out::json(&serde_json::json!({"action": action, "status": status}))?;
            } else {
                println!("{action} is now {status}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `lantern audit integrity|trend`.
pub fn audit(ctx: &Ctx, cmd: &AuditCmd) -> anyhow::Result<ExitCode> {
    use crate::commands::audits::run;
    let (name, args) = match cmd {
        AuditCmd::Referrals(a) => ("referrals", a),
        AuditCmd::Reconciliation(a) => ("reconciliation", a),
        AuditCmd::Visits(a) => ("visits", a),
        AuditCmd::Decisions(a) => ("decisions", a),
        AuditCmd::Safeguarding(a) => ("safeguarding", a),
        AuditCmd::Programme(a) => ("programme", a),
        AuditCmd::Integrity { .. } | AuditCmd::Trend => return integrity(ctx, cmd),
    };
    run(ctx, name, args)
}

/// `lantern audit integrity` and `lantern audit trend`.
fn integrity(ctx: &Ctx, cmd: &AuditCmd) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    match cmd {
        AuditCmd::Integrity {
            disruption,
            from,
            to,
            file,
            incident_actions,
            told,
            tasks,
        } => {
            let csv = std::fs::read(file)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let tasks = tasks
                .iter()
                .map(|t| {
                    let parts: Vec<&str> = t.split('|').collect();
                    match parts.as_slice() {
                        [w, o, d] => Ok((w.to_string(), o.to_string(), d.to_string())),
                        _ => Err(anyhow::anyhow!(
                            "--task: expected WHAT|OWNER|YYYY-MM-DD, got {t}"
                        )),
                    }
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let a = app.integrity_audit(
                &actor,
                &lantern_app::recovery::integrity::AuditInput {
                    disruption: disruption.clone(),
                    from: from.clone(),
                    to: to.clone(),
                    source: file
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    csv,
                    incident_actions: incident_actions.clone(),
                    told: told.clone(),
                    tasks,
                },
            )?;
            if ctx.cli.json {
                out::json(&a)?;
            } else {
                for f in &a.findings {
                    println!("{}", f.describe());
                }
                println!(
                    "Integrity audit of the {} against {}: {} of {} notes whole ({}%).",
                    a.scope,
                    a.source,
                    a.whole,
                    a.expected,
                    a.accuracy_percent()
                );
            }
            return Ok(if a.findings.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(6)
            });
        }
        AuditCmd::Trend => {
            let rows = app.integrity_trend(&actor)?;
            if ctx.cli.json {
                out::json(&rows.iter().map(|(at, a)| serde_json::json!({"at": at, "audit": a, "accuracy_percent": a.accuracy_percent()})).collect::<Vec<_>>())?;
            } else {
                for (at, a) in rows {
                    println!(
                        "{at}  {:>6}%  {} of {} whole  {} ({})",
                        a.accuracy_percent(),
                        a.whole,
                        a.expected,
                        a.scope,
                        a.source
                    );
                }
            }
        }
        // The period audits are run by `audit` before it comes here.
        _ => {}
    }
    Ok(ExitCode::SUCCESS)
}

// ---- command-line arguments ----

/// `lantern reconcile ...`
#[derive(Subcommand, Debug)]
pub enum ReconcileCmd {
    /// Every record of a disruption with where it stands, and the figures.
    Status {
        /// Disruption.
        disruption: String,
    },
    /// Export records for back-entry (all not yet settled, or --record ones), recording each
    /// record's content hash.
    Export {
        /// Disruption.
        disruption: String,
        /// fhir or csv.
        #[arg(long, default_value = "fhir")]
        format: String,
        /// Only these records (repeat).
        #[arg(long = "record")]
        records: Vec<String>,
        /// Where to write the file.
        #[arg(long)]
        out: PathBuf,
    },
    /// Printable back-entry sheets per person (every record not yet settled, all its fields).
    Sheets {
        /// Disruption.
        disruption: String,
        /// Where to write the PDF.
        #[arg(long)]
        out: PathBuf,
    },
    /// Confirm exported records entered in the main record.
    Confirm {
        /// Disruption.
        disruption: String,
        /// Record (repeat).
        #[arg(long = "record", required = true)]
        records: Vec<String>,
        /// The main system's reference.
        #[arg(long = "ref")]
        main_ref: String,
    },
    /// Set records aside as not applicable to the main record.
    NotApplicable {
        /// Disruption.
        disruption: String,
        /// Record (repeat).
        #[arg(long = "record", required = true)]
        records: Vec<String>,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Prove an export file holds every field of every exported record, with the hash recorded
    /// at export; exits 5 naming what is missing.
    Check {
        /// Disruption.
        disruption: String,
        /// The exported file (FHIR or CSV).
        #[arg(long)]
        file: PathBuf,
    },
}

/// `lantern review ...`
#[derive(Subcommand, Debug)]
pub enum ReviewCmd {
    /// Record a review from a JSON file (see docs/disruptions.md).
    Record {
        /// The JSON file.
        #[arg(long)]
        file: PathBuf,
    },
    /// Show a disruption's review.
    Show {
        /// Disruption.
        disruption: String,
    },
}

/// `lantern qi ...`
#[derive(Subcommand, Debug)]
pub enum QiCmd {
    /// Every improvement action.
    List,
    /// Add an action from any source (a meeting, a near miss, a drill, an audit, an inspection,
    /// a complaint).
    Add {
        /// What will be done.
        what: String,
        /// Who owns it (a member of staff).
        #[arg(long)]
        owner: String,
        /// By when (YYYY-MM-DD).
        #[arg(long)]
        due: String,
        /// meeting, near_miss, drill, audit, inspection, complaint or other.
        #[arg(long)]
        source: String,
        /// Which one ("governance meeting of 3 Dec 2026").
        #[arg(long)]
        reference: String,
    },
    /// Move an action on: open, in_progress, done, dropped (dropped needs a note).
    Update {
        /// Action.
        action: String,
        /// New status.
        #[arg(long)]
        status: String,
        /// Note.
        #[arg(long, default_value = "")]
        note: String,
    },
}

/// `lantern audit ...`
#[derive(Subcommand, Debug)]
pub enum AuditCmd {
    /// Compare the main system's notes (CSV `person,date,record,sha256`, or `person,date,count`)
    /// with every record Lantern confirmed entered; exits 6 when any are missing or altered.
    Integrity {
        /// One disruption's records.
        #[arg(long, conflicts_with_all = ["from", "to"])]
        disruption: Option<String>,
        /// Or every confirmed record from...
        #[arg(long, requires = "to")]
        from: Option<String>,
        /// ...to.
        #[arg(long, requires = "from")]
        to: Option<String>,
        /// The main system's CSV.
        #[arg(long)]
        file: PathBuf,
        /// Raise an incident in the disruption, with these immediate protective actions.
        #[arg(long)]
        incident_actions: Option<String>,
        /// Who was told of the incident.
        #[arg(long)]
        told: Option<String>,
        /// A task to schedule, `WHAT|OWNER|YYYY-MM-DD` (temporary supervision, spot checks).
        #[arg(long = "task")]
        tasks: Vec<String>,
    },
    /// Every integrity audit, oldest first.
    Trend,
    /// Referral completeness: all six sections confirmed before the first visit; restricted,
    /// delayed, missed and declined starts.
    Referrals(crate::commands::audits::AuditArgs),
    /// Reconciliation timeliness across disruptions: median and 90th percentile, within target,
    /// outstanding.
    Reconciliation(crate::commands::audits::AuditArgs),
    /// Visits during disruptions: verified, late, explained, missed or unverified.
    Visits(crate::commands::audits::AuditArgs),
    /// Decision-trail completeness: rationale, review times, reviews on time, restrictive
    /// practice reviewed.
    Decisions(crate::commands::audits::AuditArgs),
    /// Safeguarding escalation timeliness: concern to referral reference, by channel.
    Safeguarding(crate::commands::audits::AuditArgs),
    /// Drills held, training coverage, register items overdue.
    Programme(crate::commands::audits::AuditArgs),
}
