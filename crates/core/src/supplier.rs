//! Suppliers and contracts (S8): who supplies what, the contract's five contingency provisions,
//! exit clauses and data terms, supplier events that open a review, the exit plan with its
//! parallel-running checklist, and data export tests with what they found.

use crate::FieldError;
use crate::governance::{DueItem, DueState, Register};
use crate::ids::{DependencyId, StaffId, SupplierId};
use crate::mei::SectionKind;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// A contract's review or renewal decision counts as due soon this many days ahead.
pub const DUE_SOON_DAYS: i64 = 30;
/// A supplier review left open longer than this is overdue.
pub const REVIEW_WITHIN_DAYS: i64 = 28;
/// A data export test older than this is due again.
pub const EXPORT_TEST_EVERY_DAYS: i64 = 365;

word_enum!(
    /// The five contingency provisions commissioners expect in a digital supplier's contract.
    Provision {
        /// Alternative access to care plans and rotas.
        AlternativeAccess => "alternative_access", "alternative access to care plans and rotas",
        /// Manual or offline recording.
        OfflineRecording => "offline_recording", "manual or offline recording",
        /// Clear escalation routes during outages.
        EscalationRoutes => "escalation_routes", "clear escalation routes during outages",
        /// Communication protocols with commissioners and families.
        Communication => "communication", "communication protocols with commissioners and families",
        /// Post-incident review and learning.
        PostIncidentReview => "post_incident_review", "post-incident review and learning",
    }
);

word_enum!(
    /// How far the contract covers a provision.
    Coverage {
        /// Covered.
        Covered => "covered", "covered",
        /// Partly covered.
        Partly => "partly", "partly",
        /// Not covered.
        Not => "not", "not covered",
    }
);

word_enum!(
    /// Something that happened to a supplier.
    SupplierEventKind {
        /// Bought by, or merged into, another company.
        ChangeOfOwnership => "change_of_ownership", "change of ownership",
        /// Administration or insolvency.
        Insolvency => "insolvency", "insolvency",
        /// The service changes (withdrawn, moved, re-platformed).
        ServiceChange => "service_change", "service change",
        /// A security incident affecting our data.
        SecurityIncident => "security_incident", "security incident",
        /// A price change.
        PriceChange => "price_change", "price change",
        /// Anything else.
        Other => "other", "other",
    }
);

impl SupplierEventKind {
    /// Whether it opens a review of exit clauses, data ownership and migration options.
    pub fn opens_review(self) -> bool {
        !matches!(
            self,
            SupplierEventKind::PriceChange | SupplierEventKind::Other
        )
    }
}

/// How a contract covers one provision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProvisionCover {
    /// Which provision.
    pub provision: Provision,
    /// Covered, partly or not.
    pub coverage: Coverage,
    /// The clause reference (empty only when not covered).
    #[serde(default)]
    pub clause: String,
}

/// The current contract with a supplier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Contract {
    /// The contract's reference.
    pub reference: String,
    /// When it started.
    pub start: Date,
    /// When it renews or ends.
    pub renewal: Date,
    /// When it is next reviewed under contract management.
    pub review_by: Date,
    /// Days' notice to end it.
    pub notice_days: u32,
    /// Who owns the data, in the contract's words.
    pub data_ownership: String,
    /// The format data is exported in (FHIR R4, CSV, ...).
    pub export_format: String,
    /// The exit clauses, in words with their references.
    pub exit_clauses: String,
    /// The five provisions, each once.
    pub provisions: Vec<ProvisionCover>,
}

/// A supplier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Supplier {
    /// Identifier.
    pub id: SupplierId,
    /// Company name.
    pub name: String,
    /// The dependencies in the register it supplies.
    #[serde(default)]
    pub dependencies: Vec<DependencyId>,
    /// Account manager or support line.
    #[serde(default)]
    pub contact: String,
    /// Who answers for it in governance.
    pub owner: StaffId,
    /// The current contract, when recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract: Option<Contract>,
}

/// A supplier as typed (the contract's fields empty when there is none yet).
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SupplierInput {
    /// Identifier.
    pub id: String,
    /// Company name.
    pub name: String,
    /// Dependency identifiers it supplies.
    #[serde(default)]
    pub dependencies: Vec<String>,
    /// Account manager or support line.
    #[serde(default)]
    pub contact: String,
    /// Staff identifier of who answers for it.
    pub owner: String,
    /// Contract reference (empty: no contract recorded).
    #[serde(default)]
    pub contract_reference: String,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub start: String,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub renewal: String,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub review_by: String,
    /// Whole days.
    #[serde(default)]
    pub notice_days: String,
    /// Who owns the data.
    #[serde(default)]
    pub data_ownership: String,
    /// Export format.
    #[serde(default)]
    pub export_format: String,
    /// Exit clauses.
    #[serde(default)]
    pub exit_clauses: String,
    /// Coverage of each provision, in the order of [`Provision::ALL`]: covered, partly or not.
    #[serde(default)]
    pub coverage: Vec<String>,
    /// The clause of each provision, in the same order.
    #[serde(default)]
    pub clauses: Vec<String>,
}

impl SupplierInput {
    /// Check every field and build the supplier, naming the first field that is wrong.
    pub fn parse(&self) -> Result<Supplier, FieldError> {
        let rec = if self.id.trim().is_empty() {
            "supplier".to_string()
        } else {
            format!("supplier {}", self.id.trim())
        };
        let id =
            SupplierId::parse(self.id.trim()).map_err(|e| e.in_record(&rec).with_field("id"))?;
        crate::text::required(&rec, "name", &self.name, 200)?;
        let dependencies = self
            .dependencies
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .enumerate()
            .map(|(i, s)| {
                DependencyId::parse(s)
                    .map_err(|e| e.in_record(&rec).with_field(&format!("dependencies[{i}]")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        crate::text::optional(&rec, "contact", &self.contact, 300)?;
        let owner =
            StaffId::parse(self.owner.trim()).map_err(|e| e.in_record(&rec).with_field("owner"))?;
        let contract = if self.contract_reference.trim().is_empty() {
            None
        } else {
            let date =
                |f: &str, s: &str| crate::time::parse_date(f, s).map_err(|e| e.in_record(&rec));
            let start = date("start", &self.start)?;
            let renewal = date("renewal", &self.renewal)?;
            if renewal <= start {
                return Err(FieldError::new(
                    &rec,
                    "renewal",
                    "a renewal date after the contract started",
                    &self.renewal,
                ));
            }
            let review_by = date("review_by", &self.review_by)?;
            let notice_days = self
                .notice_days
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| *n <= 3650)
                .ok_or_else(|| {
                    FieldError::new(
                        &rec,
                        "notice_days",
                        "a whole number of days' notice",
                        &self.notice_days,
                    )
                })?;
            crate::text::required(&rec, "data_ownership", &self.data_ownership, 2_000)?;
            crate::text::required(&rec, "export_format", &self.export_format, 200)?;
            crate::text::required(&rec, "exit_clauses", &self.exit_clauses, 5_000)?;
            let mut provisions = Vec::new();
            for (i, p) in Provision::ALL.iter().enumerate() {
                let cov = self.coverage.get(i).map(String::as_str).unwrap_or("");
                let coverage =
                    Coverage::parse(&rec, &format!("coverage[{i}]"), cov).map_err(|e| {
                        FieldError {
                            expected: format!("{} for \"{}\"", e.expected, p.word()),
                            ..e
                        }
                    })?;
                let clause = self
                    .clauses
                    .get(i)
                    .map(|s| s.trim())
                    .unwrap_or("")
                    .to_string();
                if coverage != Coverage::Not && clause.is_empty() {
                    return Err(FieldError::new(
                        &rec,
                        format!("clauses[{i}]"),
                        format!("the clause that covers \"{}\"", p.word()),
                        "",
                    ));
                }
                crate::text::optional(&rec, &format!("clauses[{i}]"), &clause, 200)?;
                provisions.push(ProvisionCover {
                    provision: *p,
                    coverage,
                    clause,
                });
            }
            Some(Contract {
                reference: self.contract_reference.trim().to_string(),
                start,
                renewal,
                review_by,
                notice_days,
                data_ownership: self.data_ownership.trim().to_string(),
                export_format: self.export_format.trim().to_string(),
                exit_clauses: self.exit_clauses.trim().to_string(),
                provisions,
            })
        };
        Ok(Supplier {
            id,
            name: self.name.trim().to_string(),
            dependencies,
            contact: self.contact.trim().to_string(),
            owner,
            contract,
        })
    }

    /// A supplier written back into the form's fields.
    pub fn from_supplier(s: &Supplier) -> SupplierInput {
        let c = s.contract.as_ref();
        SupplierInput {
            id: s.id.to_string(),
            name: s.name.clone(),
            dependencies: s.dependencies.iter().map(|d| d.to_string()).collect(),
            contact: s.contact.clone(),
            owner: s.owner.to_string(),
            contract_reference: c.map(|c| c.reference.clone()).unwrap_or_default(),
            start: c.map(|c| c.start.to_string()).unwrap_or_default(),
            renewal: c.map(|c| c.renewal.to_string()).unwrap_or_default(),
            review_by: c.map(|c| c.review_by.to_string()).unwrap_or_default(),
            notice_days: c.map(|c| c.notice_days.to_string()).unwrap_or_default(),
            data_ownership: c.map(|c| c.data_ownership.clone()).unwrap_or_default(),
            export_format: c.map(|c| c.export_format.clone()).unwrap_or_default(),
            exit_clauses: c.map(|c| c.exit_clauses.clone()).unwrap_or_default(),
            coverage: c
                .map(|c| {
                    c.provisions
                        .iter()
                        .map(|p| p.coverage.as_str().to_string())
                        .collect()
                })
                .unwrap_or_default(),
            clauses: c
                .map(|c| c.provisions.iter().map(|p| p.clause.clone()).collect())
                .unwrap_or_default(),
        }
    }
}

/// One step of an exit plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ExitStep {
    /// What is to be done.
    pub what: String,
    /// Who does it.
    pub owner: StaffId,
    /// By when.
    pub due: Date,
    /// Done.
    #[serde(default)]
    pub done: bool,
}

/// One item of the parallel-running readiness checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChecklistItem {
    /// What must be true.
    pub item: String,
    /// It is.
    #[serde(default)]
    pub done: bool,
}

/// The plan for leaving a supplier: migration steps with owners, and the parallel-running
/// readiness checklist.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ExitPlan {
    /// Migration steps.
    pub steps: Vec<ExitStep>,
    /// Parallel-running readiness.
    pub parallel: Vec<ChecklistItem>,
}

/// The checklist a new exit plan starts with.
pub fn parallel_checklist() -> Vec<ChecklistItem> {
    [
        "A full data export has been tested and every gap explained",
        "The new system has been loaded from the export and checked against Lantern",
        "Both systems run side by side for at least one week",
        "Staff trained on the new system; downtime procedure updated",
        "Commissioners and families told of the change",
        "The old supplier's copy of our data deleted, with a certificate",
    ]
    .iter()
    .map(|s| ChecklistItem {
        item: s.to_string(),
        done: false,
    })
    .collect()
}

/// A step as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExitStepInput {
    /// What.
    pub what: String,
    /// Staff identifier.
    pub owner: String,
    /// YYYY-MM-DD.
    pub due: String,
    /// Done.
    #[serde(default)]
    pub done: bool,
}

/// Check an exit plan's steps, naming the first bad field (`steps[1].due`).
pub fn parse_steps(rec: &str, steps: &[ExitStepInput]) -> Result<Vec<ExitStep>, FieldError> {
    steps
        .iter()
        .filter(|s| {
            !(s.what.trim().is_empty() && s.owner.trim().is_empty() && s.due.trim().is_empty())
        })
        .enumerate()
        .map(|(i, s)| {
            let f = |n: &str| format!("steps[{i}].{n}");
            crate::text::required(rec, &f("what"), &s.what, 1_000)?;
            let owner = StaffId::parse(s.owner.trim())
                .map_err(|e| e.in_record(rec).with_field(&f("owner")))?;
            let due = crate::time::parse_date(&f("due"), &s.due).map_err(|e| e.in_record(rec))?;
            Ok(ExitStep {
                what: s.what.trim().to_string(),
                owner,
                due,
                done: s.done,
            })
        })
        .collect()
}

/// What a data export test found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ExportTest {
    /// The supplier whose export was tested; none for Lantern's own `export all` → `import all`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplier: Option<SupplierId>,
    /// The file tested, as named.
    pub file: String,
    /// SHA-256 of the file's bytes.
    pub sha256: String,
    /// fhir, csv, or lantern (a whole-journal export).
    pub format: String,
    /// People Lantern holds that the export should have.
    pub people_expected: u32,
    /// Of those, people found in it.
    pub people_found: u32,
    /// Sections Lantern holds that the export should carry.
    pub sections_expected: u32,
    /// Of those, sections found in it.
    pub sections_found: u32,
    /// What is missing, in words ("Ann Lee (NHS 999 …): medication").
    pub missing: Vec<String>,
    /// Everything expected was found.
    pub complete: bool,
}

/// A person as the export test compares them: an identity key and the sections held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    /// NHS number, else "family|given|birth date".
    pub key: String,
    /// How the person is named in a gap.
    pub label: String,
    /// The sections held.
    pub sections: Vec<SectionKind>,
}

/// How the export test matches a person: the NHS number, else both names and the birth date
/// (never a name alone).
pub fn identity_key(p: &crate::person::Person) -> String {
    match &p.nhs_number {
        Some(n) => n.to_string(),
        None => format!(
            "{}|{}|{}",
            p.family_name.to_lowercase(),
            p.given_name.to_lowercase(),
            p.date_of_birth
        ),
    }
}

/// Compare what Lantern holds (restricted to `carried` sections, all six when empty) with what
/// the export held, per person and section. Nothing is inferred: a person not found by NHS
/// number (or, without one, by names and birth date) is missing whole.
pub fn compare_export(
    expected: &[Held],
    found: &[Held],
    carried: &[SectionKind],
) -> (u32, u32, u32, u32, Vec<String>) {
    let mut missing = Vec::new();
    let (mut pe, mut pf, mut se, mut sf) = (0u32, 0u32, 0u32, 0u32);
    for h in expected {
        let want: Vec<SectionKind> = h
            .sections
            .iter()
            .copied()
            .filter(|s| carried.is_empty() || carried.contains(s))
            .collect();
        pe += 1;
        se += want.len() as u32;
        match found.iter().find(|f| f.key == h.key) {
            None => missing.push(format!("{}: not in the export", h.label)),
            Some(f) => {
                pf += 1;
                for s in want {
                    if f.sections.contains(&s) {
                        sf += 1;
                    } else {
                        missing.push(format!("{}: {}", h.label, s.title().to_lowercase()));
                    }
                }
            }
        }
    }
    (pe, pf, se, sf, missing)
}

/// What a supplier has due: the contract's review, the renewal decision before the notice
/// period starts, an open supplier review, exit steps past due, and an export test never run or
/// more than a year old.
pub fn due(
    s: &Supplier,
    review_opened: Option<Date>,
    plan: Option<&ExitPlan>,
    last_export_test: Option<Date>,
    today: Date,
) -> Vec<DueItem> {
    let days = |n: i64| jiff::Span::new().days(n);
    let soon = today.checked_add(days(DUE_SOON_DAYS)).unwrap_or(today);
    let item = |what: String, due: Date, owner: &StaffId| DueItem {
        register: Register::Suppliers,
        subject: s.id.to_string(),
        service: None,
        what,
        owner: owner.clone(),
        due,
        state: if due < today {
            DueState::Overdue
        } else {
            DueState::DueSoon
        },
    };
    let mut out = Vec::new();
    if let Some(c) = &s.contract {
        if c.review_by <= soon {
            out.push(item(
                format!("review the contract with {} ({})", s.name, c.reference),
                c.review_by,
                &s.owner,
            ));
        }
        let notice_by = c
            .renewal
            .checked_sub(days(c.notice_days as i64))
            .unwrap_or(c.renewal);
        if notice_by <= soon && c.renewal >= today {
            out.push(item(
                format!(
                    "decide whether to renew with {}: notice by this date ({} days before renewal)",
                    s.name, c.notice_days
                ),
                notice_by,
                &s.owner,
            ));
        }
        let next_test = last_export_test
            .and_then(|d| d.checked_add(days(EXPORT_TEST_EVERY_DAYS)).ok())
            .unwrap_or(today);
        if next_test <= soon {
            out.push(item(
                if last_export_test.is_some() {
                    format!(
                        "test {}'s data export again (last test over a year ago)",
                        s.name
                    )
                } else {
                    format!("test {}'s data export (never tested)", s.name)
                },
                next_test,
                &s.owner,
            ));
        }
    }
    if let Some(opened) = review_opened {
        let by = opened
            .checked_add(days(REVIEW_WITHIN_DAYS))
            .unwrap_or(opened);
        out.push(item(
            format!(
                "supplier review of {}: exit clauses, data ownership and migration options",
                s.name
            ),
            by,
            &s.owner,
        ));
    }
    for st in plan
        .iter()
        .flat_map(|p| p.steps.iter())
        .filter(|st| !st.done && st.due <= soon)
    {
        out.push(item(
            format!("exit plan for {}: {}", s.name, st.what),
            st.due,
            &st.owner,
        ));
    }
    crate::governance::sort(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> SupplierInput {
        SupplierInput {
            id: "medstrack".into(),
            name: "MedsTrack Ltd".into(),
            dependencies: vec!["emar".into()],
            owner: "s-nadia-ali".into(),
            contract_reference: "MT-2024-07".into(),
            start: "2024-07-01".into(),
            renewal: "2027-06-30".into(),
            review_by: "2027-01-15".into(),
            notice_days: "90".into(),
            data_ownership: "The provider owns all care data".into(),
            export_format: "FHIR R4".into(),
            exit_clauses: "Clause 18: full export within 30 days of notice".into(),
            coverage: vec![
                "covered".into(),
                "covered".into(),
                "partly".into(),
                "not".into(),
                "covered".into(),
            ],
            clauses: vec![
                "7.2".into(),
                "7.3".into(),
                "9.1".into(),
                "".into(),
                "11".into(),
            ],
            ..Default::default()
        }
    }

    #[test]
    fn a_contract_needs_each_provision_and_a_clause_for_what_it_covers() {
        let s = input().parse().unwrap();
        let c = s.contract.as_ref().unwrap();
        assert_eq!(c.provisions.len(), 5);
        assert_eq!(c.provisions[3].coverage, Coverage::Not);
        assert_eq!(SupplierInput::from_supplier(&s).parse().unwrap(), s);
        let mut i = input();
        i.clauses[2] = "".into();
        assert_eq!(i.parse().unwrap_err().field, "clauses[2]");
        let mut i = input();
        i.coverage.truncate(4);
        let e = i.parse().unwrap_err();
        assert_eq!(e.field, "coverage[4]");
        assert!(e.expected.contains("post-incident review"), "{e}");
        let mut i = input();
        i.renewal = "2024-01-01".into();
        assert_eq!(i.parse().unwrap_err().field, "renewal");
        let none = SupplierInput {
            contract_reference: "".into(),
            ..input()
        };
        assert!(none.parse().unwrap().contract.is_none());
    }

    #[test]
    fn reviews_renewal_notice_export_tests_and_exit_steps_come_due() {
        let s = input().parse().unwrap();
        let today: Date = "2026-12-20".parse().unwrap();
        let got: Vec<String> = due(&s, Some("2026-11-01".parse().unwrap()), None, None, today)
            .iter()
            .map(|d| format!("{} {}", d.state.word(), d.what))
            .collect();
        assert!(
            got.iter().any(|g| g.starts_with("OVERDUE supplier review")),
            "{got:?}"
        );
        assert!(
            got.iter()
                .any(|g| g.starts_with("DUE SOON review the contract")),
            "{got:?}"
        );
        assert!(got.iter().any(|g| g.contains("never tested")), "{got:?}");
        assert!(
            !got.iter().any(|g| g.contains("renew")),
            "notice starts 1 Apr: {got:?}"
        );
        let tested = due(&s, None, None, Some("2026-06-01".parse().unwrap()), today);
        assert!(!tested.iter().any(|d| d.what.contains("export")));
        let plan = ExitPlan {
            steps: vec![ExitStep {
                what: "Request the full export".into(),
                owner: s.owner.clone(),
                due: "2026-12-10".parse().unwrap(),
                done: false,
            }],
            parallel: parallel_checklist(),
        };
        let d = due(
            &s,
            None,
            Some(&plan),
            Some("2026-06-01".parse().unwrap()),
            today,
        );
        assert_eq!(d[0].state, DueState::Overdue);
        assert!(d[0].what.contains("Request the full export"));
    }

    #[test]
    fn an_export_is_compared_per_person_and_carried_section() {
        use SectionKind::*;
        let held = |k: &str, s: Vec<SectionKind>| Held {
            key: k.into(),
            label: format!("person {k}"),
            sections: s,
        };
        let expected = [
            held("1", vec![Medication, Risks]),
            held("2", vec![Medication]),
            held("3", vec![Risks]),
        ];
        let found = [held("1", vec![]), held("3", vec![])];
        let (pe, pf, se, sf, missing) = compare_export(&expected, &found, &[Medication]);
        assert_eq!((pe, pf, se, sf), (3, 2, 2, 0));
        assert_eq!(
            missing,
            [
                "person 1: medication support",
                "person 2: not in the export"
            ]
        );
    }
}
