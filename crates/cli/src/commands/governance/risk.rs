//! `lantern risk ...`: the pathway risk register and digital risk assessments.

use crate::{Ctx, out};
use clap::{Args, Subcommand};
use lantern_app::core::risk::{AssessmentInput, ControlInput, RiskInput};
use lantern_app::governance::risks::ReviewInput;
use std::process::ExitCode;

/// A risk's fields, as flags.
#[derive(Args, Debug, Clone)]
pub struct RiskArgs {
    /// Identifier (such as r-emar).
    pub id: String,
    /// In a line.
    #[arg(long)]
    pub title: String,
    /// What could cause it.
    #[arg(long)]
    pub cause: String,
    /// What it would do to people's care.
    #[arg(long)]
    pub effect: String,
    /// A dependency it concerns (repeat).
    #[arg(long = "dependency", value_name = "ID")]
    pub dependencies: Vec<String>,
    /// A handover point it concerns (repeat).
    #[arg(long = "handover", value_name = "H")]
    pub handovers: Vec<String>,
    /// A service it concerns (repeat).
    #[arg(long = "service", value_name = "ID")]
    pub services: Vec<String>,
    /// A partner it concerns (repeat).
    #[arg(long = "partner", value_name = "ID")]
    pub partners: Vec<String>,
    /// Inherent likelihood,impact (each 1-5), such as 3,5.
    #[arg(long)]
    pub inherent: String,
    /// Residual likelihood,impact with the controls in place, such as 2,5.
    #[arg(long)]
    pub residual: String,
    /// A control as KIND|WHAT|REFERENCE (kind: playbook, rule, drill, contract_clause, other;
    /// reference optional), repeat for several.
    #[arg(long = "control", value_name = "KIND|WHAT|REF")]
    pub controls: Vec<String>,
    /// Staff identifier of the owner.
    #[arg(long)]
    pub owner: String,
    /// Next review date (YYYY-MM-DD).
    #[arg(long)]
    pub review_by: String,
    /// open, treating, tolerated or closed.
    #[arg(long, default_value = "open")]
    pub status: String,
}

fn pair(s: &str) -> (String, String) {
    match s.split_once([',', 'x', '×']) {
        Some((a, b)) => (a.trim().to_string(), b.trim().to_string()),
        None => (s.trim().to_string(), String::new()),
    }
}

impl RiskArgs {
    fn input(&self) -> RiskInput {
        let (il, ii) = pair(&self.inherent);
        let (rl, ri) = pair(&self.residual);
        RiskInput {
            id: self.id.clone(),
            title: self.title.clone(),
            cause: self.cause.clone(),
            effect: self.effect.clone(),
            dependencies: self.dependencies.clone(),
            handovers: self.handovers.clone(),
            services: self.services.clone(),
            partners: self.partners.clone(),
            inherent_likelihood: il,
            inherent_impact: ii,
            residual_likelihood: rl,
            residual_impact: ri,
            controls: self
                .controls
                .iter()
                .map(|c| {
                    let mut p = c.splitn(3, '|');
                    ControlInput {
                        kind: p.next().unwrap_or_default().trim().to_string(),
                        what: p.next().unwrap_or_default().trim().to_string(),
                        reference: p.next().unwrap_or_default().trim().to_string(),
                    }
                })
                .collect(),
            owner: self.owner.clone(),
            review_by: self.review_by.clone(),
            status: self.status.clone(),
        }
    }
}

/// The pathway risk register.
#[derive(Subcommand, Debug)]
pub enum RiskCmd {
    /// Every risk, highest residual first, with the heat map's counts.
    List,
    /// One risk: scores, controls, what it concerns, history and assessments.
    Show {
        /// Risk identifier.
        id: String,
    },
    /// Add a risk.
    Add(RiskArgs),
    /// Change a risk (all its fields, as for add) and say why.
    Edit {
        #[command(flatten)]
        risk: RiskArgs,
        /// Why it changed.
        #[arg(long)]
        reason: String,
    },
    /// Record a review: the residual score now, status, what it found, the next review.
    Review {
        /// Risk identifier.
        id: String,
        /// Residual likelihood,impact now, such as 2,4.
        #[arg(long)]
        residual: String,
        /// open, treating, tolerated or closed.
        #[arg(long)]
        status: String,
        /// What the review found.
        #[arg(long)]
        note: String,
        /// The next review (YYYY-MM-DD); not needed when closing.
        #[arg(long, default_value = "")]
        review_by: String,
    },
    /// The interface risk Lantern proposes for each dependency with none (drafts: add one with
    /// `risk add`, giving an owner and a review date).
    Propose,
    /// Record a digital risk assessment (a new system, a change, a positive-risk decision) and
    /// its decision.
    Assess {
        /// Identifier (such as dra-new-rota-tool).
        id: String,
        /// In a line.
        #[arg(long)]
        title: String,
        /// new_system, change or positive_risk.
        #[arg(long)]
        kind: String,
        /// What was assessed and how.
        #[arg(long)]
        summary: String,
        /// What was decided, with any conditions.
        #[arg(long)]
        decision: String,
        /// Staff identifier of who decided.
        #[arg(long)]
        decided_by: String,
        /// When (YYYY-MM-DD).
        #[arg(long)]
        decided_on: String,
        /// A risk it bears on (repeat).
        #[arg(long = "risk", value_name = "ID")]
        risks: Vec<String>,
    },
}

/// `lantern risk ...`
pub fn risk(ctx: &Ctx, cmd: &RiskCmd) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open()?;
    let actor = ctx.actor(&app)?;
    match cmd {
        RiskCmd::List => {
            let r = app.risk_register(&actor)?;
            if ctx.cli.json {
                return out::json(&r).map(|_| ExitCode::SUCCESS);
            }
            for l in &r.risks {
                println!(
                    "{:<22} residual {:<18} {:<10} review {}{}  {} (owner {})",
                    l.id,
                    l.residual,
                    l.status,
                    l.review_by,
                    if l.review_overdue { " OVERDUE" } else { "" },
                    l.title,
                    l.owner
                );
            }
            if !r.proposals.is_empty() {
                println!(
                    "\n{} dependencies have no risk yet: see `lantern risk propose`.",
                    r.proposals.len()
                );
            }
        }
        RiskCmd::Show { id } => {
            let v = app.risk_view(&actor, id)?;
            if ctx.cli.json {
                return out::json(&v).map(|_| ExitCode::SUCCESS);
            }
            let l = &v.line;
            println!("{} ({}): {}", l.id, l.status, l.title);
            println!("  cause: {}", v.risk.cause);
            println!("  effect: {}", v.risk.effect);
            for (k, n) in &v.about {
                println!("  {k}: {n}");
            }
            println!("  inherent {}; residual {}", l.inherent, l.residual);
            for (k, w, r) in &v.controls {
                println!(
                    "  control ({k}): {w}{}",
                    if r.is_empty() {
                        String::new()
                    } else {
                        format!(" [{r}]")
                    }
                );
            }
            println!(
                "  owner {}, review by {}{}",
                l.owner,
                l.review_by,
                if l.review_overdue { " (OVERDUE)" } else { "" }
            );
            for h in &v.history {
                println!(
                    "  {}  {:<22} residual {:<3} {} ({})",
                    h.at, h.what, h.residual, h.note, h.by
                );
            }
            for a in &v.assessments {
                println!(
                    "  assessment {}: {} — {} ({})",
                    a.id, a.title, a.decision, a.decided
                );
            }
        }
        RiskCmd::Add(r) => {
            let risk = app.record_risk(&actor, &r.input(), "")?;
            if ctx.cli.json {
                return out::json(&risk).map(|_| ExitCode::SUCCESS);
            }
            println!(
                "risk {} added (residual {})",
                risk.id,
                risk.residual.value()
            );
        }
        RiskCmd::Edit { risk, reason } => {
            let risk = app.record_risk(&actor, &risk.input(), reason)?;
            if ctx.cli.json {
                return out::json(&risk).map(|_| ExitCode::SUCCESS);
            }
            println!("risk {} changed", risk.id);
        }
        RiskCmd::Review {
            id,
            residual,
            status,
            note,
            review_by,
        } => {
            let (l, i) = pair(residual);
            let risk = app.review_risk(
                &actor,
                id,
                &ReviewInput {
                    residual_likelihood: l,
                    residual_impact: i,
                    status: status.clone(),
                    review_by: review_by.clone(),
                    note: note.clone(),
                },
            )?;
            if ctx.cli.json {
                return out::json(&risk).map(|_| ExitCode::SUCCESS);
            }
            println!(
                "risk {} reviewed: residual {}, {}, next review {}",
                risk.id,
                risk.residual.value(),
                risk.status.word(),
                risk.review_by
            );
        }
        RiskCmd::Propose => {
            let r = app.risk_register(&actor)?;
            if ctx.cli.json {
                return out::json(&r.proposals).map(|_| ExitCode::SUCCESS);
            }
            for p in &r.proposals {
                println!(
                    "{}: {} (inherent {},{}; residual {},{}); add with `lantern risk add {} ... --owner STAFF --review-by DATE`",
                    p.id,
                    p.title,
                    p.inherent_likelihood,
                    p.inherent_impact,
                    p.residual_likelihood,
                    p.residual_impact,
                    p.id
                );
            }
        }
        RiskCmd::Assess {
            id,
            title,
            kind,
            summary,
            decision,
            decided_by,
            decided_on,
            risks,
        } => {
            let a = app.record_assessment(
                &actor,
                &AssessmentInput {
                    id: id.clone(),
                    title: title.clone(),
                    kind: kind.clone(),
                    summary: summary.clone(),
                    decision: decision.clone(),
                    decided_by: decided_by.clone(),
                    decided_on: decided_on.clone(),
                    risks: risks.clone(),
                },
            )?;
            if ctx.cli.json {
                return out::json(&a).map(|_| ExitCode::SUCCESS);
            }
            println!("risk assessment {} recorded", a.id);
        }
    }
    Ok(ExitCode::SUCCESS)
}
