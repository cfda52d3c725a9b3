//! The pathway risk register: risks with their 5 × 5 scores, controls, owners and reviews; the
//! interface risks Lantern proposes for dependencies with none; digital risk assessments.

use crate::names::Names;
use crate::{Actor, App, AppError};
use lantern_core::FieldError;
use lantern_core::event::Event;
use lantern_core::risk::{
    Assessment, AssessmentInput, ControlKind, Risk, RiskInput, RiskStatus, Score, heat_map,
    proposals,
};
use lantern_core::role::Role;
use lantern_core::time::{show, show_date};
use lantern_journal::NewEvent;
use serde::{Deserialize, Serialize};

/// A risk as pages and the CLI show it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RiskLine {
    /// Identifier.
    pub id: String,
    /// In a line.
    pub title: String,
    /// What it is about, in names ("eMAR; Maple Court Supported Living; routine visit").
    pub concerns: String,
    /// Inherent "L×I = S band".
    pub inherent: String,
    /// Residual "L×I = S band".
    pub residual: String,
    /// The residual band (for styling): low, moderate, high, extreme.
    pub band: String,
    /// The residual score.
    pub score: u8,
    /// Status in words.
    pub status: String,
    /// Owner's name.
    pub owner: String,
    /// Next review (a London date).
    pub review_by: String,
    /// The review date has passed.
    pub review_overdue: bool,
}

/// A digital risk assessment as shown.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AssessmentLine {
    /// Identifier.
    pub id: String,
    /// In a line.
    pub title: String,
    /// What it was for, in words.
    pub kind: String,
    /// What was assessed.
    pub summary: String,
    /// What was decided.
    pub decision: String,
    /// Who decided, and when.
    pub decided: String,
    /// The risks it bears on: identifier and title.
    pub risks: Vec<(String, String)>,
}

/// The register: every risk, the heat map of residual risk, proposals and assessments.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RiskRegister {
    /// Every risk, highest residual first (closed last).
    pub risks: Vec<RiskLine>,
    /// Residual risk on the 5 × 5 grid (SVG).
    pub heat_map: String,
    /// One interface risk for each dependency with none, for a person to complete.
    pub proposals: Vec<RiskInput>,
    /// Digital risk assessments, newest first.
    pub assessments: Vec<AssessmentLine>,
}

/// One entry of a risk's history as shown.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RiskHistoryLine {
    /// When.
    pub at: String,
    /// Who.
    pub by: String,
    /// Added, changed or reviewed.
    pub what: String,
    /// Why, or what the review found.
    pub note: String,
    /// The residual score after it.
    pub residual: u8,
}

/// One risk in full.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RiskView {
    /// As stored.
    pub risk: Risk,
    /// As shown.
    pub line: RiskLine,
    /// What it is about: a label and the names.
    pub about: Vec<(String, String)>,
    /// The controls: kind, what, what it points at (in names).
    pub controls: Vec<(String, String, String)>,
    /// Its history.
    pub history: Vec<RiskHistoryLine>,
    /// Assessments that bear on it.
    pub assessments: Vec<AssessmentLine>,
}

/// A review as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    /// 1–5.
    pub residual_likelihood: String,
    /// 1–5.
    pub residual_impact: String,
    /// open, treating, tolerated or closed.
    pub status: String,
    /// The next review, YYYY-MM-DD (after today unless closed).
    #[serde(default)]
    pub review_by: String,
    /// What the review found.
    pub note: String,
}

fn scored(s: Score) -> String {
    format!(
        "{}×{} = {} {}",
        s.likelihood,
        s.impact,
        s.value(),
        s.band().word()
    )
}

impl App {
    fn risk_line(&self, names: &Names, r: &Risk) -> RiskLine {
        let today = self.today();
        let mut about: Vec<String> = Vec::new();
        about.extend(
            r.concerns
                .dependencies
                .iter()
                .map(|d| names.dependency(d.as_str())),
        );
        about.extend(
            r.concerns
                .services
                .iter()
                .map(|s| names.service(s.as_str())),
        );
        about.extend(
            r.concerns
                .handovers
                .iter()
                .map(|h| h.words().to_lowercase()),
        );
        about.extend(
            r.concerns
                .partners
                .iter()
                .map(|p| names.partner(p.as_str())),
        );
        RiskLine {
            id: r.id.to_string(),
            title: r.title.clone(),
            concerns: about.join("; "),
            inherent: scored(r.inherent),
            residual: scored(r.residual),
            band: r.residual.band().word().to_string(),
            score: r.residual.value(),
            status: r.status.word().to_string(),
            owner: names.staff(r.owner.as_str()),
            review_by: show_date(r.review_by),
            review_overdue: r.status != RiskStatus::Closed && r.review_by < today,
        }
    }

    fn assessment_line(&self, names: &Names, a: &Assessment, risks: &[Risk]) -> AssessmentLine {
        AssessmentLine {
            id: a.id.to_string(),
            title: a.title.clone(),
            kind: a.kind.word().to_string(),
            summary: a.summary.clone(),
            decision: a.decision.clone(),
            decided: format!(
                "{} on {}",
                names.staff(a.decided_by.as_str()),
                show_date(a.decided_on)
            ),
            risks: a
                .risks
                .iter()
                .map(|id| {
                    (
                        id.to_string(),
                        risks
                            .iter()
                            .find(|r| &r.id == id)
                            .map_or_else(|| id.to_string(), |r| r.title.clone()),
                    )
                })
                .collect(),
        }
    }

    /// The pathway risk register.
    pub fn risk_register(&self, actor: &Actor) -> Result<RiskRegister, AppError> {
        actor.require(Role::may_view_governance, "see the risk register")?;
        let names = self.names(false)?;
        let mut risks = self.journal.risks()?;
        risks.sort_by_key(|r| {
            (
                r.status == RiskStatus::Closed,
                std::cmp::Reverse(r.residual.value()),
                r.id.clone(),
            )
        });
        let deps = self.journal.dependency_register()?;
        let assessments = self
            .journal
            .assessments()?
            .iter()
            .map(|a| self.assessment_line(&names, a, &risks))
            .collect();
        Ok(RiskRegister {
            heat_map: crate::charts::heat_map(
                "Residual risk: likelihood × impact of open risks",
                &heat_map(&risks),
            ),
            proposals: proposals(&deps, &risks),
            risks: risks.iter().map(|r| self.risk_line(&names, r)).collect(),
            assessments,
        })
    }

    /// One risk in full.
    pub fn risk_view(&self, actor: &Actor, id: &str) -> Result<RiskView, AppError> {
        actor.require(Role::may_view_governance, "see the risk register")?;
        let names = self.names(false)?;
        let r = self.journal.risk(id)?.ok_or_else(|| {
            AppError::not_found("risk", id, "see the risk register (lantern risk list)")
        })?;
        let all = self.journal.risks()?;
        let c = &r.concerns;
        let mut about = Vec::new();
        let mut add = |label: &str, v: Vec<String>| {
            if !v.is_empty() {
                about.push((label.to_string(), v.join(", ")));
            }
        };
        add(
            "Dependencies",
            c.dependencies
                .iter()
                .map(|d| names.dependency(d.as_str()))
                .collect(),
        );
        add(
            "Handover points",
            c.handovers.iter().map(|h| h.words().to_string()).collect(),
        );
        add(
            "Services",
            c.services
                .iter()
                .map(|s| names.service(s.as_str()))
                .collect(),
        );
        add(
            "Partners",
            c.partners
                .iter()
                .map(|p| names.partner(p.as_str()))
                .collect(),
        );
        let controls = r
            .controls
            .iter()
            .map(|k| {
                let reference = match k.kind {
                    ControlKind::Playbook if !k.reference.is_empty() => {
                        format!("{} playbook", names.dependency(&k.reference))
                    }
                    _ => k.reference.clone(),
                };
                (k.kind.word().to_string(), k.what.clone(), reference)
            })
            .collect();
        let history = self
            .journal
            .risk_history(id)?
            .into_iter()
            .map(|h| RiskHistoryLine {
                at: h
                    .at
                    .parse::<jiff::Timestamp>()
                    .map(show)
                    .unwrap_or(h.at.clone()),
                by: names.actor(&h.actor),
                what: match h.what.as_str() {
                    "added" => "added to the register".into(),
                    "edited" => "details changed".into(),
                    other => other.to_string(),
                },
                note: h.note,
                residual: h.residual,
            })
            .collect();
        let assessments = self
            .journal
            .assessments()?
            .iter()
            .filter(|a| a.risks.contains(&r.id))
            .map(|a| self.assessment_line(&names, a, &all))
            .collect();
        Ok(RiskView {
            line: self.risk_line(&names, &r),
            risk: r,
            about,
            controls,
            history,
            assessments,
        })
    }

    /// Add a risk to the register, or change one (`reason` says why; required for a change).
    pub fn record_risk(
        &mut self,
        actor: &Actor,
        input: &RiskInput,
        reason: &str,
    ) -> Result<Risk, AppError> {
        actor.require(Role::may_manage_risks, "change the risk register")?;
        let r = input.parse()?;
        let rec = format!("risk {}", r.id);
        for (i, d) in r.concerns.dependencies.iter().enumerate() {
            if self.journal.registered_dependency(d.as_str())?.is_none() {
                return Err(FieldError::new(
                    &rec,
                    format!("dependencies[{i}]"),
                    "a dependency in the register (lantern dependency list)",
                    d.as_str(),
                )
                .into());
            }
        }
        let services = self.journal.services()?;
        for (i, s) in r.concerns.services.iter().enumerate() {
            if !services.iter().any(|x| &x.id == s) {
                return Err(FieldError::new(
                    &rec,
                    format!("services[{i}]"),
                    "a service of this organisation",
                    s.as_str(),
                )
                .into());
            }
        }
        let partners = self.journal.partners()?;
        for (i, p) in r.concerns.partners.iter().enumerate() {
            if !partners.iter().any(|x| &x.id == p) {
                return Err(FieldError::new(
                    &rec,
                    format!("partners[{i}]"),
                    "a partner organisation (lantern partner list)",
                    p.as_str(),
                )
                .into());
            }
        }
        for (i, c) in r.controls.iter().enumerate() {
            if c.kind == ControlKind::Playbook
                && !c.reference.is_empty()
                && self.journal.registered_dependency(&c.reference)?.is_none()
            {
                return Err(FieldError::new(
                    &rec,
                    format!("controls[{i}].reference"),
                    "the dependency whose playbook it is (lantern dependency list)",
                    &c.reference,
                )
                .into());
            }
        }
        if self.journal.staff_member(r.owner.as_str())?.is_none() {
            return Err(FieldError::new(
                &rec,
                "owner",
                "a member of staff (lantern staff list)",
                r.owner.as_str(),
            )
            .into());
        }
        let existing = self.journal.risk(r.id.as_str())?;
        if existing.is_some() {
            lantern_core::text::required(&rec, "reason", reason, 2_000)?;
        }
        lantern_core::text::optional(&rec, "reason", reason, 2_000)?;
        if existing.as_ref() == Some(&r) {
            return Err(FieldError::new(
                &rec,
                "id",
                "a change to the risk (nothing differs from the register)",
                r.id.as_str(),
            )
            .into());
        }
        if existing.is_none() && r.review_by < self.today() {
            return Err(FieldError::new(
                &rec,
                "review_by",
                "a review date that is not in the past",
                r.review_by.to_string(),
            )
            .into());
        }
        self.journal.append(
            NewEvent::now(
                actor.journal_name(),
                Event::RiskRecorded {
                    risk: r.clone(),
                    reason: reason.trim().to_string(),
                },
            ),
            self.now(),
        )?;
        Ok(r)
    }

    /// Review a risk: its residual score now, its status, what the review found and the next
    /// review date.
    pub fn review_risk(
        &mut self,
        actor: &Actor,
        id: &str,
        input: &ReviewInput,
    ) -> Result<Risk, AppError> {
        actor.require(Role::may_manage_risks, "review risks")?;
        let rec = format!("review of risk {id}");
        let r = self.journal.risk(id)?.ok_or_else(|| {
            AppError::not_found("risk", id, "see the risk register (lantern risk list)")
        })?;
        let residual = Score::parse(
            &rec,
            "residual",
            &input.residual_likelihood,
            &input.residual_impact,
        )?;
        residual.within(&rec, r.inherent)?;
        let status = RiskStatus::parse(&rec, "status", &input.status)?;
        lantern_core::text::required(&rec, "note", &input.note, 5_000)?;
        let review_by = match input.review_by.trim() {
            "" if status == RiskStatus::Closed => self.today(),
            s => {
                let d = lantern_core::time::parse_date("review_by", s)
                    .map_err(|e| e.in_record(&rec))?;
                if status != RiskStatus::Closed && d <= self.today() {
                    return Err(FieldError::new(
                        &rec,
                        "review_by",
                        "the next review date, after today",
                        s,
                    )
                    .into());
                }
                d
            }
        };
        self.journal.append(
            NewEvent::now(
                actor.journal_name(),
                Event::RiskReviewed {
                    risk: r.id.clone(),
                    residual,
                    status,
                    review_by,
                    note: input.note.trim().to_string(),
                },
            ),
            self.now(),
        )?;
        self.journal
            .risk(id)?
            .ok_or_else(|| AppError::not_found("risk", id, "see the risk register"))
    }

    /// Record a digital risk assessment with its decision.
    pub fn record_assessment(
        &mut self,
        actor: &Actor,
        input: &AssessmentInput,
    ) -> Result<Assessment, AppError> {
        actor.require(Role::may_manage_risks, "record risk assessments")?;
        let a = input.parse()?;
        let rec = format!("risk assessment {}", a.id);
        if self.journal.staff_member(a.decided_by.as_str())?.is_none() {
            return Err(FieldError::new(
                &rec,
                "decided_by",
                "a member of staff (lantern staff list)",
                a.decided_by.as_str(),
            )
            .into());
        }
        if a.decided_on > self.today() {
            return Err(FieldError::new(
                &rec,
                "decided_on",
                "a date that is not in the future",
                a.decided_on.to_string(),
            )
            .into());
        }
        for (i, r) in a.risks.iter().enumerate() {
            if self.journal.risk(r.as_str())?.is_none() {
                return Err(FieldError::new(
                    &rec,
                    format!("risks[{i}]"),
                    "a risk in the register",
                    r.as_str(),
                )
                .into());
            }
        }
        if self.journal.assessments()?.iter().any(|x| x.id == a.id) {
            return Err(FieldError::new(
                &rec,
                "id",
                "a new identifier (an assessment is a record of a decision: record a new one)",
                a.id.as_str(),
            )
            .into());
        }
        self.journal.append(
            NewEvent::now(
                actor.journal_name(),
                Event::RiskAssessmentRecorded(a.clone()),
            ),
            self.now(),
        )?;
        Ok(a)
    }
}
