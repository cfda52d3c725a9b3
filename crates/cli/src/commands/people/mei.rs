//! mei show | set | confirm | mark

use crate::{Ctx, out};
use clap::{Args, Subcommand};
use lantern_app::SectionInput;
use lantern_app::core::mei::{Mark, SectionContent};
use lantern_app::core::time::show as show_time;
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

fn input(p: &ProvenanceArgs) -> SectionInput {
    SectionInput {
        source: p.source.clone(),
        method: p.method.clone(),
        contact: p.contact.clone(),
        confirmed_by: p.confirmed_by.clone(),
        confirmed_at: p.confirmed_at.clone(),
        stale_after_days: p.stale_after_days,
        still_stands: p.still_stands.clone(),
    }
}

/// Read a file argument (`-` is standard input), with a size limit.
pub fn read_input(path: &std::path::Path) -> anyhow::Result<String> {
    const LIMIT: u64 = 4 * 1024 * 1024;
    let mut s = String::new();
    if path.as_os_str() == "-" {
        std::io::stdin().take(LIMIT + 1).read_to_string(&mut s)?;
    } else {
        let f =
            std::fs::File::open(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        f.take(LIMIT + 1)
            .read_to_string(&mut s)
            .map_err(|e| anyhow::anyhow!("{}: {e} (expected UTF-8 JSON)", path.display()))?;
    }
    if s.len() as u64 > LIMIT {
        anyhow::bail!(
            "{}: larger than 4 MiB; expected a JSON document",
            path.display()
        );
    }
    Ok(s)
}

pub fn run(ctx: &Ctx, cmd: &MeiCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        MeiCmd::Show {
            person,
            section,
            break_glass,
        } => show(ctx, person, section.as_deref(), break_glass.as_deref()),
        MeiCmd::Set {
            person,
            section,
            file,
            content,
            provenance,
        } => {
            let json = match (file, content) {
                (Some(f), _) => read_input(f)?,
                (None, Some(c)) => c.clone(),
                (None, None) => {
                    anyhow::bail!("give the section content with --file FILE or --content JSON")
                }
            };
            let mut app = ctx.open()?;
            let actor = ctx.actor(&app)?;
            let rec = app.set_section(&actor, person, section, &json, &input(provenance))?;
            done(ctx, &rec, &format!("Set {section} for {person}"))
        }
        MeiCmd::Confirm {
            person,
            section,
            provenance,
        } => {
            let mut app = ctx.open()?;
            let actor = ctx.actor(&app)?;
            let rec = app.confirm_section(&actor, person, section, &input(provenance))?;
            done(ctx, &rec, &format!("Confirmed {section} for {person}"))
        }
        MeiCmd::Mark {
            person,
            section,
            disputed,
            reason,
        } => {
            let mut app = ctx.open()?;
            let actor = ctx.actor(&app)?;
            let rec = app.mark_section(&actor, person, section, *disputed, reason)?;
            done(
                ctx,
                &rec,
                &format!(
                    "Marked {section} for {person} {}",
                    if *disputed { "DISPUTED" } else { "STALE" }
                ),
            )
        }
    }
}

fn done(
    ctx: &Ctx,
    rec: &lantern_app::core::mei::SectionRecord,
    msg: &str,
) -> anyhow::Result<ExitCode> {
    if ctx.cli.json {
        out::json(rec)?;
    } else {
        println!(
            "{msg} (version {}/{}; confirmed {} by {}, {})",
            rec.version.node,
            rec.version.seq,
            show_time(rec.provenance.confirmed_at),
            rec.provenance.confirmed_by,
            rec.provenance.method.describe()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Show a person and their sections (or one section).
pub fn show(
    ctx: &Ctx,
    person: &str,
    section: Option<&str>,
    break_glass: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let kind = section
        .map(lantern_app::core::mei::SectionKind::parse)
        .transpose()
        .map_err(lantern_app::AppError::from)?;
    let mut app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    // Reads from the command line are audited like any other.
    let shown: Vec<_> = match kind {
        Some(k) => vec![k],
        None => lantern_app::core::mei::ALL_SECTIONS.to_vec(),
    };
    let view = app.view_person_sections(&actor, person, "cli", &shown, break_glass)?;
    let sections: Vec<_> = view
        .sections
        .iter()
        .filter(|s| kind.is_none_or(|k| k == s.section))
        .collect();
    if ctx.cli.json {
        return out::json(&serde_json::json!({"person": view.person, "sections": sections}))
            .map(|_| ExitCode::SUCCESS);
    }
    let p = &view.person;
    println!("{} ({})", p.display_name(), p.id);
    println!(
        "  born {}   NHS {}   service {}",
        p.date_of_birth,
        p.nhs_shown(),
        p.service
    );
    if !p.address.is_empty() {
        println!("  {}", p.address);
    }
    for s in sections {
        println!();
        println!("[{}] {}", s.status.word(), s.title);
        let Some(r) = &s.record else {
            println!("  not held");
            continue;
        };
        let pv = &r.provenance;
        println!("  {}", pv.line());
        match &r.mark {
            Some(Mark::Stale { reason }) => println!("  marked STALE: {reason}"),
            Some(Mark::Disputed { reason }) => println!("  marked DISPUTED: {reason}"),
            None => {}
        }
        if !r.conflicts.is_empty() {
            println!(
                "  CONFLICT: {} concurrent version(s) to resolve",
                r.conflicts.len()
            );
        }
        print_content(&r.content);
    }
    Ok(ExitCode::SUCCESS)
}

/// A section's content, in the same label/value lines as the person page and the printed pack
/// (core's `SectionContent::lines`).
fn print_content(c: &SectionContent) {
    for (label, value) in c.lines() {
        println!("  {label}: {value}");
    }
}

// ---- command-line arguments ----

/// How a section was confirmed.
#[derive(Args, Debug)]
pub struct ProvenanceArgs {
    /// Source system or partner.
    #[arg(long)]
    pub source: String,
    /// Method: portal, phone, in_person, document, import.
    #[arg(long)]
    pub method: String,
    /// For --method phone: the named contact spoken to.
    #[arg(long)]
    pub contact: Option<String>,
    /// Who confirmed it (default: you).
    #[arg(long)]
    pub confirmed_by: Option<String>,
    /// When (default now): RFC 3339 or London time `YYYY-MM-DD HH:MM`.
    #[arg(long)]
    pub confirmed_at: Option<String>,
    /// Days until it becomes stale (default depends on the section).
    #[arg(long)]
    pub stale_after_days: Option<u32>,
    /// Confirming content that still says "to confirm", "before admission" or an unknown: why it
    /// still stands unchanged (otherwise amend it with `mei set`).
    #[arg(long)]
    pub still_stands: Option<String>,
}

/// `lantern mei ...`
#[derive(Subcommand, Debug)]
pub enum MeiCmd {
    /// Show a person's sections (or one section) with provenance and status.
    Show {
        /// Person identifier.
        person: String,
        /// One section: risks, medication, mobility, communication, consent, escalation.
        section: Option<String>,
        /// A person outside your service: why you must open them (audited, listed for review;
        /// you may then act on them for the next hours without giving it again).
        #[arg(long, value_name = "REASON")]
        break_glass: Option<String>,
    },
    /// Set a section's content from JSON, with provenance.
    Set {
        /// Person identifier.
        person: String,
        /// Section.
        section: String,
        /// JSON file with the content (`-` for standard input).
        #[arg(long, conflicts_with = "content")]
        file: Option<PathBuf>,
        /// The content as a JSON string.
        #[arg(long)]
        content: Option<String>,
        #[command(flatten)]
        provenance: ProvenanceArgs,
    },
    /// Confirm a section unchanged (clears a stale or disputed mark).
    Confirm {
        /// Person identifier.
        person: String,
        /// Section.
        section: String,
        #[command(flatten)]
        provenance: ProvenanceArgs,
    },
    /// Mark a section stale or disputed until it is confirmed again.
    Mark {
        /// Person identifier.
        person: String,
        /// Section.
        section: String,
        /// Mark as disputed (default: stale).
        #[arg(long)]
        disputed: bool,
        /// Why.
        #[arg(long)]
        reason: String,
    },
}
