//! Suppliers and contracts (S8): the register, supplier events that open a review, exit plans,
//! and data export tests — a supplier's export read into a scratch node and compared with what
//! Lantern holds, per person and section; Lantern's own `export all` → `import all` likewise.

use super::due::DueLine;
use crate::names::Names;
use crate::{Actor, App, AppError, Clock, ImportOptions};
use lantern_core::FieldError;
use lantern_core::event::Event;
use lantern_core::governance::DueItem;
use lantern_core::mei::{ALL_SECTIONS, SectionKind};
use lantern_core::role::Role;
use lantern_core::supplier::{
    ChecklistItem, Coverage, ExitPlan, ExitStepInput, ExportTest, Held, Supplier,
    SupplierEventKind, SupplierInput, compare_export, parallel_checklist, parse_steps,
};
use lantern_core::time::{show, show_date};
use lantern_journal::NewEvent;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A supplier as a line of the register.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SupplierLine {
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: String,
    /// What it supplies, in names.
    pub supplies: String,
    /// The contract's reference and renewal, or "no contract recorded".
    pub contract: String,
    /// Provisions covered / partly / not ("3 covered, 1 partly, 1 not").
    pub provisions: String,
    /// An open review, since when.
    pub review_open: Option<String>,
    /// The latest export test in words, or "never tested".
    pub last_export_test: String,
    /// Who answers for it.
    pub owner: String,
}

/// A data export test as shown.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ExportTestLine {
    /// When.
    pub at: String,
    /// Who ran it.
    pub by: String,
    /// The file and its SHA-256.
    pub file: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// "11 of 12 people, 10 of 12 sections".
    pub counts: String,
    /// Complete, or the gaps.
    pub complete: bool,
    /// What is missing, in names (for roles that see people; counted for others).
    pub missing: Vec<String>,
}

/// The register.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SupplierRegister {
    /// Every supplier.
    pub suppliers: Vec<SupplierLine>,
    /// Lantern's own `export all` → `import all` round trips, newest first.
    pub own_tests: Vec<ExportTestLine>,
}

/// One supplier in full.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SupplierView {
    /// As stored.
    pub supplier: Supplier,
    /// As a line.
    pub line: SupplierLine,
    /// Each provision: what it is, coverage in words, coverage as stored, clause.
    pub provisions: Vec<(String, String, String, String)>,
    /// Its log: when, what, note, by.
    pub log: Vec<(String, String, String, String)>,
    /// The exit plan, if drafted.
    pub exit_plan: Option<ExitPlan>,
    /// Step owners' names, in the plan's order.
    pub step_owners: Vec<String>,
    /// Export tests, newest first.
    pub export_tests: Vec<ExportTestLine>,
    /// What it has due.
    pub due: Vec<DueLine>,
}

/// A supplier event as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SupplierEventInput {
    /// change_of_ownership, insolvency, service_change, security_incident, price_change, other.
    pub happened: String,
    /// When it happened (YYYY-MM-DD).
    pub on: String,
    /// In words.
    pub note: String,
}

/// An exit plan as typed: its steps, and which checklist items are done (their positions).
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExitPlanInput {
    /// Migration steps.
    pub steps: Vec<ExitStepInput>,
    /// Positions (from 0) of the parallel-running items that are done.
    #[serde(default)]
    pub parallel_done: Vec<usize>,
}

fn event_word(what: &str) -> String {
    match what {
        "added" => "added to the register".into(),
        "edited" => "details changed".into(),
        "review_closed" => "review concluded".into(),
        "exit_plan" => "exit plan updated".into(),
        "export_tested" => "data export tested".into(),
        other => SupplierEventKind::ALL
            .iter()
            .find(|k| k.as_str() == other)
            .map_or_else(|| other.replace('_', " "), |k| k.word().to_string()),
    }
}

impl App {
    fn export_test_line(
        &self,
        names: &Names,
        see_people: bool,
        r: &lantern_journal::ExportTestRow,
    ) -> ExportTestLine {
        let t = &r.test;
        ExportTestLine {
            at: r
                .at
                .parse::<jiff::Timestamp>()
                .map(show)
                .unwrap_or(r.at.clone()),
            by: names.actor(&r.actor),
            file: t.file.clone(),
            sha256: t.sha256.clone(),
            counts: format!(
                "{} of {} people, {} of {} sections",
                t.people_found, t.people_expected, t.sections_found, t.sections_expected
            ),
            complete: t.complete,
            missing: gaps(names, see_people, t),
        }
    }

    fn supplier_line(
        &self,
        names: &Names,
        row: &lantern_journal::SupplierRow,
    ) -> Result<SupplierLine, AppError> {
        let s = &row.supplier;
        let count = |c: Coverage| {
            s.contract.as_ref().map_or(0, |k| {
                k.provisions.iter().filter(|p| p.coverage == c).count()
            })
        };
        let last = self.journal.export_tests(Some(s.id.as_str()))?;
        Ok(SupplierLine {
            id: s.id.to_string(),
            name: s.name.clone(),
            supplies: s
                .dependencies
                .iter()
                .map(|d| names.dependency(d.as_str()))
                .collect::<Vec<_>>()
                .join(", "),
            contract: s.contract.as_ref().map_or_else(
                || "no contract recorded".to_string(),
                |c| format!("{}, renews {}", c.reference, show_date(c.renewal)),
            ),
            provisions: if s.contract.is_some() {
                format!(
                    "{} covered, {} partly, {} not",
                    count(Coverage::Covered),
                    count(Coverage::Partly),
                    count(Coverage::Not)
                )
            } else {
                "—".into()
            },
            review_open: row
                .review_opened
                .as_deref()
                .and_then(|d| d.parse::<jiff::civil::Date>().ok())
                .map(show_date),
            last_export_test: last.first().map_or_else(
                || "never tested".to_string(),
                |t| {
                    format!(
                        "{}: {}",
                        t.at.parse::<jiff::Timestamp>()
                            .map(show)
                            .unwrap_or(t.at.clone()),
                        if t.test.complete {
                            "complete".to_string()
                        } else {
                            format!("{} gaps", t.test.missing.len())
                        }
                    )
                },
            ),
            owner: names.staff(s.owner.as_str()),
        })
    }

    /// What the suppliers have due (every supplier).
    pub(crate) fn supplier_due(&self) -> Result<Vec<DueItem>, AppError> {
        let today = self.today();
        let mut out = Vec::new();
        for row in self.journal.suppliers()? {
            let id = row.supplier.id.as_str();
            let last = self
                .journal
                .export_tests(Some(id))?
                .first()
                .and_then(|t| t.at.parse::<jiff::Timestamp>().ok())
                .map(|t| t.to_zoned(lantern_core::time::london()).date());
            let opened = row
                .review_opened
                .as_deref()
                .and_then(|d| d.parse::<jiff::civil::Date>().ok());
            let plan = self.journal.exit_plan(id)?;
            out.extend(lantern_core::supplier::due(
                &row.supplier,
                opened,
                plan.as_ref(),
                last,
                today,
            ));
        }
        Ok(out)
    }

    /// The supplier register, and Lantern's own export round trips.
    pub fn supplier_register(&self, actor: &Actor) -> Result<SupplierRegister, AppError> {
        actor.require(Role::may_view_governance, "see the supplier register")?;
        let names = self.names(true)?;
        let see = Role::may_view_people(actor.role());
        Ok(SupplierRegister {
            suppliers: self
                .journal
                .suppliers()?
                .iter()
                .map(|r| self.supplier_line(&names, r))
                .collect::<Result<_, _>>()?,
            own_tests: self
                .journal
                .export_tests(Some(""))?
                .iter()
                .map(|r| self.export_test_line(&names, see, r))
                .collect(),
        })
    }

    /// One supplier in full.
    pub fn supplier_view(&self, actor: &Actor, id: &str) -> Result<SupplierView, AppError> {
        actor.require(Role::may_view_governance, "see the supplier register")?;
        let names = self.names(true)?;
        let see = Role::may_view_people(actor.role());
        let row = self.journal.supplier(id)?.ok_or_else(|| {
            AppError::not_found(
                "supplier",
                id,
                "see the supplier register (lantern supplier list)",
            )
        })?;
        let s = &row.supplier;
        let provisions = s
            .contract
            .iter()
            .flat_map(|c| c.provisions.iter())
            .map(|p| {
                (
                    p.provision.word().to_string(),
                    p.coverage.word().to_string(),
                    p.coverage.as_str().to_string(),
                    p.clause.clone(),
                )
            })
            .collect();
        let log = self
            .journal
            .supplier_log(id)?
            .into_iter()
            .map(|l| {
                (
                    l.at.parse::<jiff::Timestamp>()
                        .map(show)
                        .unwrap_or(l.at.clone()),
                    event_word(&l.what),
                    l.note,
                    names.actor(&l.actor),
                )
            })
            .collect();
        let exit_plan = self.journal.exit_plan(id)?;
        let step_owners = exit_plan
            .iter()
            .flat_map(|p| p.steps.iter())
            .map(|s| names.staff(s.owner.as_str()))
            .collect();
        let due = self
            .supplier_due()?
            .iter()
            .filter(|d| d.subject == id)
            .map(|d| DueLine::new(&names, d))
            .collect();
        Ok(SupplierView {
            line: self.supplier_line(&names, &row)?,
            provisions,
            log,
            exit_plan,
            step_owners,
            export_tests: self
                .journal
                .export_tests(Some(id))?
                .iter()
                .map(|r| self.export_test_line(&names, see, r))
                .collect(),
            due,
            supplier: row.supplier,
        })
    }

    /// Add a supplier (with its contract, if given), or change one (`reason` says why).
    pub fn record_supplier(
        &mut self,
        actor: &Actor,
        input: &SupplierInput,
        reason: &str,
    ) -> Result<Supplier, AppError> {
        actor.require(Role::may_manage_suppliers, "change the supplier register")?;
        let s = input.parse()?;
        let rec = format!("supplier {}", s.id);
        for (i, d) in s.dependencies.iter().enumerate() {
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
        if self.journal.staff_member(s.owner.as_str())?.is_none() {
            return Err(FieldError::new(
                &rec,
                "owner",
                "a member of staff (lantern staff list)",
                s.owner.as_str(),
            )
            .into());
        }
        let existing = self.journal.supplier(s.id.as_str())?;
        if existing.is_some() {
            lantern_core::text::required(&rec, "reason", reason, 2_000)?;
        }
        lantern_core::text::optional(&rec, "reason", reason, 2_000)?;
        if existing.is_some_and(|e| e.supplier == s) {
            return Err(FieldError::new(
                &rec,
                "id",
                "a change to the supplier (nothing differs from the register)",
                s.id.as_str(),
            )
            .into());
        }
        self.journal.append(
            NewEvent::now(
                actor.journal_name(),
                Event::SupplierRecorded {
                    supplier: s.clone(),
                    reason: reason.trim().to_string(),
                },
            ),
            self.now(),
        )?;
        Ok(s)
    }

    fn supplier_or_404(&self, id: &str) -> Result<lantern_journal::SupplierRow, AppError> {
        self.journal.supplier(id)?.ok_or_else(|| {
            AppError::not_found(
                "supplier",
                id,
                "see the supplier register (lantern supplier list)",
            )
        })
    }

    /// Record something that happened to a supplier; a change of ownership (and the like) opens
    /// a review of exit clauses, data ownership and migration options.
    pub fn record_supplier_event(
        &mut self,
        actor: &Actor,
        id: &str,
        input: &SupplierEventInput,
    ) -> Result<bool, AppError> {
        actor.require(Role::may_manage_suppliers, "record supplier events")?;
        let row = self.supplier_or_404(id)?;
        let rec = format!("event of supplier {id}");
        let happened = SupplierEventKind::parse(&rec, "happened", &input.happened)?;
        let on = lantern_core::time::parse_date("on", &input.on).map_err(|e| e.in_record(&rec))?;
        if on > self.today() {
            return Err(
                FieldError::new(&rec, "on", "a date that is not in the future", &input.on).into(),
            );
        }
        lantern_core::text::required(&rec, "note", &input.note, 5_000)?;
        self.journal.append(
            NewEvent::now(
                actor.journal_name(),
                Event::SupplierEventRecorded {
                    supplier: row.supplier.id,
                    happened,
                    on,
                    note: input.note.trim().to_string(),
                },
            ),
            self.now(),
        )?;
        Ok(happened.opens_review())
    }

    /// Conclude a supplier's open review.
    pub fn close_supplier_review(
        &mut self,
        actor: &Actor,
        id: &str,
        outcome: &str,
    ) -> Result<(), AppError> {
        actor.require(Role::may_manage_suppliers, "conclude supplier reviews")?;
        let row = self.supplier_or_404(id)?;
        let rec = format!("review of supplier {id}");
        if row.review_opened.is_none() {
            return Err(
                FieldError::new(&rec, "supplier", "a supplier with a review open", id).into(),
            );
        }
        lantern_core::text::required(&rec, "outcome", outcome, 5_000)?;
        self.journal.append(
            NewEvent::now(
                actor.journal_name(),
                Event::SupplierReviewClosed {
                    supplier: row.supplier.id,
                    outcome: outcome.trim().to_string(),
                },
            ),
            self.now(),
        )?;
        Ok(())
    }

    /// Draft or update a supplier's exit plan: its steps with owners and dates, and which
    /// parallel-running items are done (a new plan starts with the standard checklist).
    pub fn set_exit_plan(
        &mut self,
        actor: &Actor,
        id: &str,
        input: &ExitPlanInput,
    ) -> Result<ExitPlan, AppError> {
        actor.require(Role::may_manage_suppliers, "draft exit plans")?;
        let row = self.supplier_or_404(id)?;
        let rec = format!("exit plan for supplier {id}");
        let steps = parse_steps(&rec, &input.steps)?;
        if steps.is_empty() {
            return Err(FieldError::new(
                &rec,
                "steps",
                "at least one migration step with its owner and date",
                "",
            )
            .into());
        }
        for (i, s) in steps.iter().enumerate() {
            if self.journal.staff_member(s.owner.as_str())?.is_none() {
                return Err(FieldError::new(
                    &rec,
                    format!("steps[{i}].owner"),
                    "a member of staff (lantern staff list)",
                    s.owner.as_str(),
                )
                .into());
            }
        }
        let mut parallel: Vec<ChecklistItem> = self
            .journal
            .exit_plan(id)?
            .map(|p| p.parallel)
            .filter(|p| !p.is_empty())
            .unwrap_or_else(parallel_checklist);
        for (i, item) in parallel.iter_mut().enumerate() {
            item.done = input.parallel_done.contains(&i);
        }
        if let Some(bad) = input.parallel_done.iter().find(|i| **i >= parallel.len()) {
            return Err(FieldError::new(
                &rec,
                "parallel_done",
                format!("positions from 0 to {}", parallel.len() - 1),
                bad.to_string(),
            )
            .into());
        }
        let plan = ExitPlan { steps, parallel };
        self.journal.append(
            NewEvent::now(
                actor.journal_name(),
                Event::ExitPlanSet {
                    supplier: row.supplier.id,
                    plan: plan.clone(),
                },
            ),
            self.now(),
        )?;
        Ok(plan)
    }

    /// What this node holds for the people of `services` (all when empty), keyed as the export
    /// test matches them.
    fn held_people(
        &self,
        services: &[lantern_core::ids::ServiceId],
    ) -> Result<Vec<Held>, AppError> {
        let mut out = Vec::new();
        for p in self.journal.people(None)? {
            if !p.is_active() || (!services.is_empty() && !services.contains(&p.service)) {
                continue;
            }
            let sections: Vec<SectionKind> = self
                .journal
                .mei(p.id.as_str())?
                .into_iter()
                .map(|(k, _)| k)
                .collect();
            out.push(Held {
                key: lantern_core::supplier::identity_key(&p),
                label: p.id.to_string(),
                sections,
            });
        }
        Ok(out)
    }

    /// Test a supplier's data export: read the file (FHIR R4 JSON) into a scratch node and count,
    /// per person and section, what it holds of what Lantern holds for the people of the
    /// services the supplier's dependencies feed (sections limited to what those dependencies
    /// carry). The result, with the file's SHA-256, is an event; nothing else is written.
    pub fn test_supplier_export(
        &mut self,
        actor: &Actor,
        id: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<ExportTest, AppError> {
        actor.require(Role::may_manage_suppliers, "test supplier exports")?;
        let row = self.supplier_or_404(id)?;
        let rec = format!("export test of supplier {id}");
        if bytes.is_empty() {
            return Err(FieldError::new(
                &rec,
                "file",
                "the supplier's export file (FHIR R4 JSON)",
                "",
            )
            .into());
        }
        let mut services = Vec::new();
        let mut carried: Vec<SectionKind> = Vec::new();
        for d in &row.supplier.dependencies {
            if let Some(dep) = self.journal.registered_dependency(d.as_str())? {
                services.extend(dep.services);
                if dep.sections.is_empty() {
                    carried.extend(ALL_SECTIONS);
                } else {
                    carried.extend(dep.sections);
                }
            }
        }
        carried.sort();
        carried.dedup();
        if carried.len() == ALL_SECTIONS.len() {
            carried.clear();
        }
        let expected = self.held_people(&services)?;
        // The scratch node: a fresh organisation with one service, the file imported as any
        // import is (validated, composed), then read back.
        let scratch = crate::admin::staging::Scratch::beside(
            self.journal.dir(),
            &format!("export-test-{}", self.now().as_nanosecond()),
            false,
        )?;
        let dir = scratch.0.join("node");
        let mut node = App::init(&dir, "Export test", "export-test", Clock::Fixed(self.now()))?;
        let op = Actor::LocalOperator("export-test".into());
        node.add_service(&op, "scratch", "Scratch", "homecare")?;
        let path = scratch.0.join("export.json");
        std::fs::write(&path, bytes).map_err(AppError::io(&path))?;
        let report = node
            .import_fhir(
                &op,
                &ImportOptions {
                    source: format!("{id}-export"),
                    service: Some("scratch".into()),
                    full: false,
                },
                &[path],
                &mut |_, _| {},
            )
            .map_err(|e| match e {
                AppError::Invalid(f) => AppError::Invalid(FieldError::new(
                    &rec,
                    "file",
                    format!(
                        "a FHIR R4 export Lantern can read ({}: {})",
                        f.field, f.expected
                    ),
                    file_name,
                )),
                other => other,
            })?;
        // A document the import refused is the supplier's export failing the test's first
        // step: say why, and record nothing.
        if let Some(why) = report.rejected.first() {
            return Err(FieldError::new(
                &rec,
                "file",
                format!("a FHIR R4 export Lantern can read (refused: {why})"),
                file_name,
            )
            .into());
        }
        let found = node.held_people(&[])?;
        let (pe, pf, se, sf, missing) = compare_export(&expected, &found, &carried);
        let test = ExportTest {
            supplier: Some(row.supplier.id),
            file: file_name.to_string(),
            sha256: hex::encode(Sha256::digest(bytes)),
            format: "fhir".into(),
            people_expected: pe,
            people_found: pf,
            sections_expected: se,
            sections_found: sf,
            complete: missing.is_empty(),
            missing,
        };
        self.journal.append(
            NewEvent::now(actor.journal_name(), Event::ExportTested(test.clone())),
            self.now(),
        )?;
        Ok(test)
    }

    /// Lantern's own exit test: `export all` into a scratch folder, `import all` into a scratch
    /// node (which checks every file, event and projection digest), and the people and sections
    /// compared; recorded like a supplier's, with the events file's SHA-256.
    pub fn test_own_export(&mut self, actor: &Actor) -> Result<ExportTest, AppError> {
        // The export goes to a scratch folder that is removed afterwards: no file of everyone's
        // information leaves the node, so this needs the supplier role, not `may_export`.
        actor.require(Role::may_manage_suppliers, "test Lantern's own export")?;
        let scratch = crate::admin::staging::Scratch::beside(
            self.journal.dir(),
            &format!("export-test-{}", self.now().as_nanosecond()),
            false,
        )?;
        let out = scratch.0.join("export");
        self.journal.export_all(&out, self.now())?;
        let events = out.join("events.jsonl");
        let bytes = std::fs::read(&events).map_err(AppError::io(&events))?;
        let (node, _) = App::import_all(&scratch.0.join("node"), &out, Clock::Fixed(self.now()))?;
        let expected = self.held_people(&[])?;
        let found = node.held_people(&[])?;
        let (pe, pf, se, sf, missing) = compare_export(&expected, &found, &[]);
        let test = ExportTest {
            supplier: None,
            file: "export all (events.jsonl)".into(),
            sha256: hex::encode(Sha256::digest(&bytes)),
            format: "lantern".into(),
            people_expected: pe,
            people_found: pf,
            sections_expected: se,
            sections_found: sf,
            complete: missing.is_empty(),
            missing,
        };
        self.journal.append(
            NewEvent::now(actor.journal_name(), Event::ExportTested(test.clone())),
            self.now(),
        )?;
        Ok(test)
    }
}

impl App {
    /// An export test's gaps in names for people who may see them (counted for others).
    pub fn export_gaps(&self, actor: &Actor, t: &ExportTest) -> Result<Vec<String>, AppError> {
        Ok(gaps(
            &self.names(true)?,
            Role::may_view_people(actor.role()),
            t,
        ))
    }
}

/// A test's gaps as a reader sees them: by name for roles that see people, as a count for the
/// others (an auditor reads that gaps exist, never who).
fn gaps(names: &Names, see_people: bool, t: &ExportTest) -> Vec<String> {
    if see_people {
        t.missing.iter().map(|m| names.humanise(m)).collect()
    } else if t.missing.is_empty() {
        vec![]
    } else {
        vec![format!(
            "{} gaps (who is named only to roles that see people)",
            t.missing.len()
        )]
    }
}
