//! The pathway risk register: risks to care pathways, digital interface risks first, scored on
//! the 5 × 5 likelihood × impact matrix UK providers already use, with their controls, owner and
//! review date; digital risk assessments as documents with their decision, linked to risks.

use crate::FieldError;
use crate::dependency::{Criticality, Dependency};
use crate::governance::{DueItem, DueState, Register};
pub use crate::ids::{AssessmentId, RiskId};
use crate::ids::{DependencyId, PartnerId, ServiceId, StaffId};
use crate::rules::HandoverPoint;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// A risk's review counts as due soon this many days ahead.
pub const REVIEW_DUE_SOON_DAYS: i64 = 14;

/// Likelihood × impact, each 1–5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Score {
    /// 1 rare, 2 unlikely, 3 possible, 4 likely, 5 almost certain.
    pub likelihood: u8,
    /// 1 negligible, 2 minor, 3 moderate, 4 major, 5 catastrophic.
    pub impact: u8,
}

/// The band of a score, as the NHS 5 × 5 matrix colours it (and words it, never colour alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// 1–3.
    Low,
    /// 4–6.
    Moderate,
    /// 8–12.
    High,
    /// 15–25.
    Extreme,
}

impl Band {
    /// In words.
    pub fn word(self) -> &'static str {
        match self {
            Band::Low => "low",
            Band::Moderate => "moderate",
            Band::High => "high",
            Band::Extreme => "extreme",
        }
    }
}

impl Score {
    /// Likelihood × impact.
    pub fn value(self) -> u8 {
        self.likelihood * self.impact
    }

    /// Its band.
    pub fn band(self) -> Band {
        match self.value() {
            0..=3 => Band::Low,
            4..=6 => Band::Moderate,
            8..=12 => Band::High,
            _ => Band::Extreme,
        }
    }

    /// A residual score must be no higher than the inherent one: controls do not add risk (to
    /// raise it, raise the inherent score by changing the risk).
    pub fn within(self, record: &str, inherent: Score) -> Result<(), FieldError> {
        if self.value() > inherent.value() {
            return Err(FieldError::new(
                record,
                "residual_likelihood",
                format!(
                    "a residual score no higher than the inherent {} (controls do not add risk)",
                    inherent.value()
                ),
                self.value().to_string(),
            ));
        }
        Ok(())
    }

    /// Read two typed numbers, naming `{prefix}_likelihood` or `{prefix}_impact` if wrong.
    pub fn parse(record: &str, prefix: &str, l: &str, i: &str) -> Result<Score, FieldError> {
        let one = |field: String, s: &str| {
            s.trim()
                .parse::<u8>()
                .ok()
                .filter(|n| (1..=5).contains(n))
                .ok_or_else(|| FieldError::new(record, field, "a whole number from 1 to 5", s))
        };
        Ok(Score {
            likelihood: one(format!("{prefix}_likelihood"), l)?,
            impact: one(format!("{prefix}_impact"), i)?,
        })
    }
}

word_enum!(
    /// Where a risk stands.
    RiskStatus {
        /// Identified; controls being put in place.
        Open => "open", "open",
        /// Controls in place; being reduced further.
        Treating => "treating", "treating",
        /// Accepted at its residual score.
        Tolerated => "tolerated", "tolerated",
        /// No longer a risk.
        Closed => "closed", "closed",
    }
);

word_enum!(
    /// What a control is.
    ControlKind {
        /// A dependency's downtime playbook.
        Playbook => "playbook", "playbook",
        /// A handover rule.
        Rule => "rule", "handover rule",
        /// A drill that rehearses it.
        Drill => "drill", "drill",
        /// A contract clause.
        ContractClause => "contract_clause", "contract clause",
        /// Anything else (training, a spare device, a procedure).
        Other => "other", "other",
    }
);

/// A control on a risk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Control {
    /// What kind.
    pub kind: ControlKind,
    /// What it does, in words.
    pub what: String,
    /// What it points at: the dependency whose playbook, the rule's id, the drill, the clause.
    #[serde(default)]
    pub reference: String,
}

/// What a risk is about: the links that tie it to the rest of Lantern.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Concerns {
    /// Dependencies (systems, partners' portals).
    #[serde(default)]
    pub dependencies: Vec<DependencyId>,
    /// Handover points.
    #[serde(default)]
    pub handovers: Vec<HandoverPoint>,
    /// Services.
    #[serde(default)]
    pub services: Vec<ServiceId>,
    /// Partner organisations.
    #[serde(default)]
    pub partners: Vec<PartnerId>,
}

impl Concerns {
    /// Whether it names nothing.
    pub fn is_empty(&self) -> bool {
        self.dependencies.is_empty()
            && self.handovers.is_empty()
            && self.services.is_empty()
            && self.partners.is_empty()
    }
}

/// A risk in the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Risk {
    /// Identifier.
    pub id: RiskId,
    /// In a line.
    pub title: String,
    /// What could cause it.
    pub cause: String,
    /// What it would do to people's care.
    pub effect: String,
    /// What it is about.
    pub concerns: Concerns,
    /// Before controls.
    pub inherent: Score,
    /// With the controls in place.
    pub residual: Score,
    /// The controls.
    #[serde(default)]
    pub controls: Vec<Control>,
    /// Who owns it.
    pub owner: StaffId,
    /// When it is next reviewed.
    pub review_by: Date,
    /// Where it stands.
    pub status: RiskStatus,
}

/// A control as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ControlInput {
    /// playbook, rule, drill, contract_clause or other.
    pub kind: String,
    /// What it does.
    pub what: String,
    /// What it points at.
    #[serde(default)]
    pub reference: String,
}

/// A risk as typed into a form, the API or the CLI.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskInput {
    /// Identifier (lower-case letters, digits and '-').
    pub id: String,
    /// In a line.
    pub title: String,
    /// What could cause it.
    pub cause: String,
    /// What it would do to people's care.
    pub effect: String,
    /// Dependency identifiers.
    #[serde(default)]
    pub dependencies: Vec<String>,
    /// Handover points.
    #[serde(default)]
    pub handovers: Vec<String>,
    /// Service identifiers.
    #[serde(default)]
    pub services: Vec<String>,
    /// Partner identifiers.
    #[serde(default)]
    pub partners: Vec<String>,
    /// 1–5.
    pub inherent_likelihood: String,
    /// 1–5.
    pub inherent_impact: String,
    /// 1–5.
    pub residual_likelihood: String,
    /// 1–5.
    pub residual_impact: String,
    /// The controls.
    #[serde(default)]
    pub controls: Vec<ControlInput>,
    /// Staff identifier of the owner.
    pub owner: String,
    /// YYYY-MM-DD.
    pub review_by: String,
    /// open, treating, tolerated or closed (empty: open).
    #[serde(default)]
    pub status: String,
}

impl RiskInput {
    /// Check every field and build the risk, naming the first field that is wrong. References
    /// are checked for shape here; the app checks they exist.
    pub fn parse(&self) -> Result<Risk, FieldError> {
        let rec = if self.id.trim().is_empty() {
            "risk".to_string()
        } else {
            format!("risk {}", self.id.trim())
        };
        let id = RiskId::parse(self.id.trim()).map_err(|e| e.in_record(&rec).with_field("id"))?;
        crate::text::required(&rec, "title", &self.title, 200)?;
        crate::text::required(&rec, "cause", &self.cause, 2_000)?;
        crate::text::required(&rec, "effect", &self.effect, 2_000)?;
        fn list<T>(
            rec: &str,
            field: &str,
            items: &[String],
            parse: impl Fn(&str) -> Result<T, FieldError>,
        ) -> Result<Vec<T>, FieldError> {
            items
                .iter()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .enumerate()
                .map(|(i, s)| {
                    parse(s).map_err(|e| e.in_record(rec).with_field(&format!("{field}[{i}]")))
                })
                .collect()
        }
        let concerns = Concerns {
            dependencies: list(
                &rec,
                "dependencies",
                &self.dependencies,
                DependencyId::parse,
            )?,
            handovers: list(&rec, "handovers", &self.handovers, HandoverPoint::parse)?,
            services: list(&rec, "services", &self.services, ServiceId::parse)?,
            partners: list(&rec, "partners", &self.partners, PartnerId::parse)?,
        };
        if concerns.is_empty() {
            return Err(FieldError::new(
                &rec,
                "dependencies",
                "at least one dependency, handover point, service or partner the risk is about",
                "",
            ));
        }
        let inherent = Score::parse(
            &rec,
            "inherent",
            &self.inherent_likelihood,
            &self.inherent_impact,
        )?;
        let residual = Score::parse(
            &rec,
            "residual",
            &self.residual_likelihood,
            &self.residual_impact,
        )?;
        residual.within(&rec, inherent)?;
        let mut controls = Vec::new();
        for (i, c) in self
            .controls
            .iter()
            .filter(|c| !(c.what.trim().is_empty() && c.reference.trim().is_empty()))
            .enumerate()
        {
            let f = |n: &str| format!("controls[{i}].{n}");
            let kind = ControlKind::parse(&rec, &f("kind"), &c.kind)?;
            crate::text::required(&rec, &f("what"), &c.what, 1_000)?;
            crate::text::optional(&rec, &f("reference"), &c.reference, 200)?;
            controls.push(Control {
                kind,
                what: c.what.trim().to_string(),
                reference: c.reference.trim().to_string(),
            });
        }
        let owner =
            StaffId::parse(self.owner.trim()).map_err(|e| e.in_record(&rec).with_field("owner"))?;
        let review_by =
            crate::time::parse_date("review_by", &self.review_by).map_err(|e| e.in_record(&rec))?;
        let status = match self.status.trim() {
            "" => RiskStatus::Open,
            s => RiskStatus::parse(&rec, "status", s)?,
        };
        Ok(Risk {
            id,
            title: self.title.trim().to_string(),
            cause: self.cause.trim().to_string(),
            effect: self.effect.trim().to_string(),
            concerns,
            inherent,
            residual,
            controls,
            owner,
            review_by,
            status,
        })
    }

    /// A risk written back into the form's fields.
    pub fn from_risk(r: &Risk) -> RiskInput {
        RiskInput {
            id: r.id.to_string(),
            title: r.title.clone(),
            cause: r.cause.clone(),
            effect: r.effect.clone(),
            dependencies: r
                .concerns
                .dependencies
                .iter()
                .map(|x| x.to_string())
                .collect(),
            handovers: r.concerns.handovers.iter().map(|x| x.to_string()).collect(),
            services: r.concerns.services.iter().map(|x| x.to_string()).collect(),
            partners: r.concerns.partners.iter().map(|x| x.to_string()).collect(),
            inherent_likelihood: r.inherent.likelihood.to_string(),
            inherent_impact: r.inherent.impact.to_string(),
            residual_likelihood: r.residual.likelihood.to_string(),
            residual_impact: r.residual.impact.to_string(),
            controls: r
                .controls
                .iter()
                .map(|c| ControlInput {
                    kind: c.kind.as_str().into(),
                    what: c.what.clone(),
                    reference: c.reference.clone(),
                })
                .collect(),
            owner: r.owner.to_string(),
            review_by: r.review_by.to_string(),
            status: r.status.as_str().into(),
        }
    }
}

/// An interface risk for each dependency in the register that no risk (other than a closed one)
/// is about yet, as a draft for a person to complete: scored from the dependency's criticality,
/// its playbook and fallback as the controls already in place. Owner and review date are left
/// for the person adding it — Lantern does not choose who owns a risk.
pub fn proposals(dependencies: &[Dependency], risks: &[Risk]) -> Vec<RiskInput> {
    dependencies
        .iter()
        .filter(|d| {
            !risks.iter().any(|r| {
                r.status != RiskStatus::Closed && r.concerns.dependencies.contains(&d.id)
            })
        })
        .map(|d| {
            let (l, i) = match d.criticality {
                Criticality::High => (3, 4),
                Criticality::Medium => (3, 3),
                Criticality::Low => (2, 2),
            };
            let mut controls = vec![ControlInput {
                kind: ControlKind::Playbook.as_str().into(),
                what: if d.playbook.is_empty() {
                    d.fallback.clone()
                } else {
                    d.playbook.join("; ")
                },
                reference: d.id.to_string(),
            }];
            if !d.playbook.is_empty() && !d.fallback.is_empty() {
                controls.push(ControlInput {
                    kind: ControlKind::Other.as_str().into(),
                    what: format!("Fallback: {}", d.fallback),
                    reference: String::new(),
                });
            }
            RiskInput {
                id: format!("r-{}", d.id),
                title: format!("{} unavailable", d.name),
                cause: format!(
                    "{} ({}) fails, is withdrawn or cannot be reached",
                    d.name, d.owner_name
                ),
                effect: format!(
                    "Essential information or records it carries are not available at {}; care relies on paper and phone",
                    if d.handovers.is_empty() {
                        "handover".to_string()
                    } else {
                        d.handovers
                            .iter()
                            .map(|h| h.words().to_lowercase())
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                ),
                dependencies: vec![d.id.to_string()],
                handovers: d.handovers.iter().map(|h| h.to_string()).collect(),
                services: d.services.iter().map(|s| s.to_string()).collect(),
                partners: vec![],
                inherent_likelihood: l.to_string(),
                inherent_impact: i.to_string(),
                residual_likelihood: (l - 1).to_string(),
                residual_impact: i.to_string(),
                controls,
                owner: String::new(),
                review_by: String::new(),
                status: RiskStatus::Open.as_str().into(),
            }
        })
        .collect()
}

/// Risks whose review is overdue or due within [`REVIEW_DUE_SOON_DAYS`] (closed ones are out).
pub fn reviews_due(risks: &[Risk], today: Date) -> Vec<DueItem> {
    let soon = today
        .checked_add(jiff::Span::new().days(REVIEW_DUE_SOON_DAYS))
        .unwrap_or(today);
    let mut out: Vec<DueItem> = risks
        .iter()
        .filter(|r| r.status != RiskStatus::Closed && r.review_by <= soon)
        .map(|r| DueItem {
            register: Register::Risks,
            subject: r.id.to_string(),
            service: (r.concerns.services.len() == 1).then(|| r.concerns.services[0].clone()),
            what: format!(
                "review the risk: {} (residual {} {}, {})",
                r.title,
                r.residual.value(),
                r.residual.band().word(),
                r.status.word()
            ),
            owner: r.owner.clone(),
            due: r.review_by,
            state: if r.review_by < today {
                DueState::Overdue
            } else {
                DueState::DueSoon
            },
        })
        .collect();
    crate::governance::sort(&mut out);
    out
}

/// Residual risk as a 5 × 5 grid: `grid[impact - 1][likelihood - 1]` counts the open (not
/// closed) risks in that cell.
pub fn heat_map(risks: &[Risk]) -> [[usize; 5]; 5] {
    let mut g = [[0usize; 5]; 5];
    for r in risks.iter().filter(|r| r.status != RiskStatus::Closed) {
        g[(r.residual.impact - 1) as usize][(r.residual.likelihood - 1) as usize] += 1;
    }
    g
}

word_enum!(
    /// What a digital risk assessment was for.
    AssessmentKind {
        /// A new system.
        NewSystem => "new_system", "new system",
        /// A change to a system or how it is used.
        Change => "change", "change",
        /// A positive-risk decision (accepting a risk for a benefit).
        PositiveRisk => "positive_risk", "positive-risk decision",
    }
);

/// A digital risk assessment: a document with its decision, linked to risks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Assessment {
    /// Identifier.
    pub id: AssessmentId,
    /// In a line.
    pub title: String,
    /// What it was for.
    pub kind: AssessmentKind,
    /// What was assessed and how.
    pub summary: String,
    /// What was decided, with any conditions.
    pub decision: String,
    /// Who decided.
    pub decided_by: StaffId,
    /// When.
    pub decided_on: Date,
    /// The risks it bears on.
    #[serde(default)]
    pub risks: Vec<RiskId>,
}

/// An assessment as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentInput {
    /// Identifier.
    pub id: String,
    /// In a line.
    pub title: String,
    /// new_system, change or positive_risk.
    pub kind: String,
    /// What was assessed and how.
    pub summary: String,
    /// What was decided.
    pub decision: String,
    /// Staff identifier of who decided.
    pub decided_by: String,
    /// YYYY-MM-DD.
    pub decided_on: String,
    /// Risk identifiers.
    #[serde(default)]
    pub risks: Vec<String>,
}

impl AssessmentInput {
    /// Check every field, naming the first that is wrong.
    pub fn parse(&self) -> Result<Assessment, FieldError> {
        let rec = if self.id.trim().is_empty() {
            "risk assessment".to_string()
        } else {
            format!("risk assessment {}", self.id.trim())
        };
        let id =
            AssessmentId::parse(self.id.trim()).map_err(|e| e.in_record(&rec).with_field("id"))?;
        crate::text::required(&rec, "title", &self.title, 200)?;
        let kind = AssessmentKind::parse(&rec, "kind", &self.kind)?;
        crate::text::required(&rec, "summary", &self.summary, 10_000)?;
        crate::text::required(&rec, "decision", &self.decision, 5_000)?;
        let decided_by = StaffId::parse(self.decided_by.trim())
            .map_err(|e| e.in_record(&rec).with_field("decided_by"))?;
        let decided_on = crate::time::parse_date("decided_on", &self.decided_on)
            .map_err(|e| e.in_record(&rec))?;
        let risks = self
            .risks
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .enumerate()
            .map(|(i, s)| {
                RiskId::parse(s).map_err(|e| e.in_record(&rec).with_field(&format!("risks[{i}]")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Assessment {
            id,
            title: self.title.trim().to_string(),
            kind,
            summary: self.summary.trim().to_string(),
            decision: self.decision.trim().to_string(),
            decided_by,
            decided_on,
            risks,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> RiskInput {
        RiskInput {
            id: "r-emar".into(),
            title: "eMAR unavailable during a round".into(),
            cause: "Supplier outage".into(),
            effect: "Doses given without the record".into(),
            dependencies: vec!["emar".into()],
            inherent_likelihood: "3".into(),
            inherent_impact: "5".into(),
            residual_likelihood: "2".into(),
            residual_impact: "5".into(),
            controls: vec![ControlInput {
                kind: "playbook".into(),
                what: "Paper MAR".into(),
                reference: "emar".into(),
            }],
            owner: "s-nadia-ali".into(),
            review_by: "2027-01-31".into(),
            ..Default::default()
        }
    }

    #[test]
    fn scores_band_as_the_nhs_matrix_does() {
        let s = |l, i| Score {
            likelihood: l,
            impact: i,
        };
        assert_eq!(s(1, 3).band(), Band::Low);
        assert_eq!(s(2, 2).band(), Band::Moderate);
        assert_eq!(s(2, 3).band(), Band::Moderate);
        assert_eq!(s(2, 4).band(), Band::High);
        assert_eq!(s(3, 4).band(), Band::High);
        assert_eq!(s(3, 5).band(), Band::Extreme);
        assert_eq!(s(5, 5).value(), 25);
    }

    #[test]
    fn a_risk_is_read_and_each_bad_field_is_named() {
        let r = input().parse().unwrap();
        assert_eq!(r.residual.value(), 10);
        assert_eq!(r.status, RiskStatus::Open);
        assert_eq!(RiskInput::from_risk(&r).parse().unwrap(), r);
        type Change = Box<dyn Fn(&mut RiskInput)>;
        let cases: Vec<(&str, Change)> = vec![
            ("id", Box::new(|i| i.id = "R 1".into())),
            ("title", Box::new(|i| i.title = "".into())),
            ("dependencies", Box::new(|i| i.dependencies = vec![])),
            (
                "dependencies[0]",
                Box::new(|i| i.dependencies = vec!["E MAR".into()]),
            ),
            (
                "handovers[0]",
                Box::new(|i| i.handovers = vec!["teatime".into()]),
            ),
            (
                "inherent_impact",
                Box::new(|i| i.inherent_impact = "6".into()),
            ),
            (
                "residual_likelihood",
                Box::new(|i| i.residual_likelihood = "4".into()),
            ),
            (
                "controls[0].kind",
                Box::new(|i| i.controls[0].kind = "prayer".into()),
            ),
            (
                "controls[0].what",
                Box::new(|i| i.controls[0].what = " ".into()),
            ),
            ("review_by", Box::new(|i| i.review_by = "soon".into())),
            ("status", Box::new(|i| i.status = "forgotten".into())),
        ];
        for (field, set) in cases {
            let mut i = input();
            set(&mut i);
            let e = i.parse().unwrap_err();
            assert_eq!(e.field, field, "{e}");
        }
    }

    #[test]
    fn reviews_are_due_soon_then_overdue_and_closed_risks_are_out() {
        let today: Date = "2026-12-02".parse().unwrap();
        let mut a = input().parse().unwrap();
        a.review_by = "2026-12-10".parse().unwrap();
        let mut b = a.clone();
        b.id = RiskId::parse("r-b").unwrap();
        b.review_by = "2026-11-30".parse().unwrap();
        let mut c = b.clone();
        c.id = RiskId::parse("r-c").unwrap();
        c.status = RiskStatus::Closed;
        let mut d = a.clone();
        d.id = RiskId::parse("r-d").unwrap();
        d.review_by = "2027-03-01".parse().unwrap();
        let due = reviews_due(&[a, b, c, d], today);
        let got: Vec<(&str, DueState)> =
            due.iter().map(|d| (d.subject.as_str(), d.state)).collect();
        assert_eq!(
            got,
            [("r-b", DueState::Overdue), ("r-emar", DueState::DueSoon)]
        );
    }

    #[test]
    fn one_interface_risk_is_proposed_per_dependency_without_one() {
        let dep = |id: &str, c: Criticality| Dependency {
            id: DependencyId::parse(id).unwrap(),
            name: id.to_uppercase(),
            owner: crate::dependency::Owner::Supplier,
            owner_name: "Supplier Ltd".into(),
            criticality: c,
            services: vec![],
            handovers: vec![HandoverPoint::RoutineVisit],
            sections: vec![],
            visits: false,
            fallback: "Paper".into(),
            playbook: vec!["Print the MAR".into()],
            channels: vec![],
            probe: None,
        };
        let deps = [
            dep("emar", Criticality::High),
            dep("email", Criticality::Low),
        ];
        let held = input().parse().unwrap();
        let p = proposals(&deps, std::slice::from_ref(&held));
        assert_eq!(p.len(), 1, "emar already has a risk");
        assert_eq!(p[0].dependencies, ["email"]);
        assert_eq!(
            (
                p[0].inherent_likelihood.as_str(),
                p[0].inherent_impact.as_str()
            ),
            ("2", "2")
        );
        assert!(p[0].owner.is_empty(), "Lantern does not choose an owner");
        let mut closed = held;
        closed.status = RiskStatus::Closed;
        assert_eq!(
            proposals(&deps, &[closed]).len(),
            2,
            "a closed risk does not count"
        );
        let g = heat_map(&[input().parse().unwrap()]);
        assert_eq!(g[4][1], 1, "impact 5, likelihood 2");
    }
}
