//! Printing: downtime packs and rota backups as PDF, the register of what was printed, what
//! is superseded, and the destruction of old copies.

use crate::{Actor, App, AppError};
use lantern_core::FieldError;
use lantern_core::event::Event;
use lantern_core::ids::ServiceId;
use lantern_core::mei::{
    ALL_SECTIONS, FallsRisk, Mark, SafeguardingStatus, SectionContent, SectionStatus,
};
use lantern_core::print::{Change, PrintKind, PrintRecord, PrintedPerson, PrintedSection};
use lantern_core::role::Role;
use lantern_core::time::{london, show};
use lantern_journal::{NewEvent, PrintRow};
use lantern_print::Template;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// A rendered document and its register entry.
#[derive(Debug, Clone)]
pub struct Printed {
    /// The PDF.
    pub pdf: Vec<u8>,
    /// What the register says of it.
    pub record: PrintRecord,
}

/// A print in the register with what has changed since.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PrintStatus {
    /// The print.
    pub row: PrintRow,
    /// What changed since it was printed (empty: still current).
    pub changes: Vec<Change>,
    /// The day the copy must be destroyed by.
    pub destroy_by: jiff::civil::Date,
    /// Past that day: expired, to be destroyed now, even when nothing in it changed.
    pub expired: bool,
}

#[derive(Serialize, schemars::JsonSchema)]
struct SectionOut {
    title: &'static str,
    status: &'static str,
    provenance: String,
    lines: Vec<(String, String)>,
}

#[derive(Serialize, schemars::JsonSchema)]
struct MedicineOut {
    name: String,
    dose: String,
    times: Vec<String>,
    time_critical: bool,
    notes: Option<String>,
}

#[derive(Serialize, schemars::JsonSchema)]
struct PersonOut {
    id: String,
    name: String,
    /// For the contents, by surname: family name, given name.
    surname: String,
    given: String,
    /// Where to find them: the first line of the address (a room or flat in a home).
    area: String,
    dob: String,
    nhs: String,
    address: String,
    access: Option<String>,
    lives_alone: bool,
    alerts: Vec<String>,
    sections: Vec<SectionOut>,
    support_level: String,
    medicines: Vec<MedicineOut>,
    allergies: Vec<String>,
}

#[derive(Serialize, schemars::JsonSchema)]
struct PackOut {
    org: String,
    service: String,
    data_as_of: String,
    printed_at: String,
    printed_by: String,
    serial: String,
    version: u32,
    reprint_of: Option<String>,
    destroy_by: String,
    /// How far behind its peers the printing node was ("in step with the hub as of 13:51:07").
    freshness: Option<String>,
    /// A signed checkpoint of the journal as printed: the paper copy is a witness that
    /// `lantern verify --against` can check the journal against later.
    checkpoint: String,
    legend: Vec<(&'static str, &'static str)>,
    contacts: Vec<[String; 4]>,
    on_call: Vec<[String; 3]>,
    /// Who is on call for the service over the pack's week: from, to, who, phone.
    on_call_rota: Vec<[String; 4]>,
    /// The service's downtime procedure in force, printed at the front.
    procedure: Option<crate::governance::plans::ProcedureView>,
    mar_days: Vec<String>,
}

#[derive(Serialize, schemars::JsonSchema)]
struct VisitOut {
    start: String,
    end: String,
    person: String,
    /// Every marker of the visit, symbol and word.
    priorities: Vec<(&'static str, &'static str)>,
    /// High priority: a marker that changes a decision (`lantern_core::triage`).
    high: bool,
    address: String,
    access: Option<String>,
    carers: Vec<(String, String)>,
}

#[derive(Serialize, schemars::JsonSchema)]
struct RotaOut {
    org: String,
    service: String,
    date: String,
    serial: String,
    data_as_of: String,
    printed_at: String,
    printed_by: String,
    /// How far behind its peers the printing node was.
    freshness: Option<String>,
    legend: Vec<(&'static str, &'static str)>,
    /// How many visits in all.
    visits: usize,
    /// Each carer's run: their visits, high-priority first, then by time.
    runs: Vec<RunOut>,
}

/// One carer's run on the rota.
#[derive(Serialize, schemars::JsonSchema)]
struct RunOut {
    carer: String,
    phone: String,
    high: usize,
    visits: Vec<VisitOut>,
}

const LEGEND: [(&str, &str); 7] = [
    (
        "STALE",
        "older than its freshness period, or marked stale: reconfirm before relying on it",
    ),
    (
        "MISSING",
        "not held at all: find it out before care relies on it",
    ),
    (
        "DISPUTED",
        "someone disputes it, or two versions disagree: check with the named source",
    ),
    (
        "TIME-CRITICAL",
        "a medicine that must be given on time (Parkinson's, insulin...)",
    ),
    ("ALLERGIES", "known allergies: check before giving anything"),
    ("LIVES ALONE", "nobody else will notice a missed visit"),
    (
        "DESTROY BY",
        "shred this copy by then, or when Lantern lists it as superseded",
    ),
];

// Letter codes, not pictograms: the bundled font has every letter, and a code still reads when
// photocopied in black and white.
const ROTA_LEGEND: [(&str, &str); 5] = [
    ("TC", "TIME-CRITICAL MEDICATION"),
    ("LA", "LIVES ALONE"),
    ("FR", "HIGH FALLS RISK"),
    ("SG", "SAFEGUARDING"),
    ("2C", "TWO CARERS"),
];

fn priority_marker(p: lantern_core::visit::Priority) -> (&'static str, &'static str) {
    use lantern_core::visit::Priority::*;
    match p {
        TimeCriticalMedication => ROTA_LEGEND[0],
        LivesAlone => ROTA_LEGEND[1],
        HighFallsRisk => ROTA_LEGEND[2],
        Safeguarding => ROTA_LEGEND[3],
        TwoCarers => ROTA_LEGEND[4],
    }
}

impl App {
    fn printed_people(
        &self,
        people: &[lantern_core::person::Person],
    ) -> Result<Vec<PrintedPerson>, AppError> {
        people
            .iter()
            .map(|p| {
                let held = self.journal.mei(p.id.as_str())?;
                Ok(PrintedPerson {
                    details: p.clone(),
                    sections: ALL_SECTIONS
                        .iter()
                        .map(|&k| {
                            let r = held.iter().find(|(h, _)| *h == k).map(|(_, r)| r);
                            PrintedSection {
                                kind: k,
                                version: r.map(|r| r.version.clone()),
                                mark: r.and_then(|r| r.mark.as_ref().map(Mark::kind)),
                                status: Some(
                                    r.map_or(SectionStatus::Missing, |r| r.status_at(self.now())),
                                ),
                            }
                        })
                        .collect(),
                })
            })
            .collect()
    }

    fn next_serial(&self, prefix: &str) -> Result<String, AppError> {
        let day = self
            .now()
            .to_zoned(london())
            .date()
            .strftime("%Y%m%d")
            .to_string();
        let n = self.journal.prints()?.len() + 1;
        Ok(format!("{prefix}-{day}-{n:04}"))
    }

    fn service_people(
        &self,
        service: &ServiceId,
        only: &[String],
    ) -> Result<Vec<lantern_core::person::Person>, AppError> {
        // A restricted record's address and access details are never printed.
        let all: Vec<_> = self
            .journal
            .people(Some(service.as_str()))?
            .into_iter()
            .map(|p| p.withheld())
            .collect();
        if only.is_empty() {
            // The active caseload: people recorded as deceased are not printed.
            return Ok(all.into_iter().filter(|p| p.is_active()).collect());
        }
        only.iter()
            .map(|id| {
                all.iter()
                    .find(|p| p.id.as_str() == id)
                    .cloned()
                    .ok_or_else(|| {
                        AppError::not_found(
                            "person",
                            id.clone(),
                            &format!("not supported by service {service}"),
                        )
                    })
            })
            .collect()
    }

    /// Print a downtime pack for a service (everyone, or the people named), or reprint only the
    /// people whose pages changed since pack `reprint_of`. Recorded in the register, and as a read
    /// of each person's information.
    pub fn print_pack(
        &mut self,
        actor: &Actor,
        service: &str,
        only: &[String],
        reprint_of: Option<&str>,
        break_glass: Option<&str>,
    ) -> Result<Printed, AppError> {
        actor.require(Role::may_print, "print packs")?;
        let service = self.service_ref("print pack", service)?;
        self.ensure_service_held("print pack", &service)?;
        let (only, version) = match reprint_of {
            Some(serial) => {
                let status = self
                    .print_status()?
                    .into_iter()
                    .find(|s| s.row.record.serial == serial)
                    .ok_or_else(|| {
                        AppError::not_found("pack", serial, "see `lantern print status`")
                    })?;
                let mut changed: Vec<String> = status
                    .changes
                    .iter()
                    .filter_map(|c| c.person.as_ref().map(|p| p.to_string()))
                    .collect();
                changed.dedup();
                if changed.is_empty() {
                    return Err(FieldError::new(
                        format!("pack {serial}"),
                        "reprint",
                        "a pack with superseded pages (this one is still current)",
                        serial,
                    )
                    .into());
                }
                (changed, status.row.record.version + 1)
            }
            None => (only.to_vec(), 1),
        };
        let people = self.service_people(&service, &only)?;
        // Printing someone is reading them: outside the printer's service it needs the same
        // break-glass reason as opening them, and each is audited as such.
        let reads: Vec<_> = people
            .iter()
            .map(|p| self.authorize_view(actor, p.id.as_str(), "print", break_glass))
            .collect::<Result<_, _>>()?;
        let org = self.journal.org_name()?.unwrap_or_default();
        let service_name = self
            .journal
            .services()?
            .into_iter()
            .find(|s| s.id == service)
            .map(|s| s.name)
            .unwrap_or_default();
        let now = self.now();
        let today = now.to_zoned(london()).date();
        let serial = self.next_serial("PK")?;
        let data_pos = self.journal.data_version()?;
        let mut out_people = Vec::new();
        for p in &people {
            let held = self.journal.mei(p.id.as_str())?;
            let mut alerts = Vec::new();
            let mut sections = Vec::new();
            let (mut medicines, mut allergies, mut support_level) =
                (Vec::new(), Vec::new(), "not recorded".to_string());
            for &k in &ALL_SECTIONS {
                let r = held.iter().find(|(h, _)| *h == k).map(|(_, r)| r);
                let status = r.map_or(SectionStatus::Missing, |r| r.status_at(now));
                if status == SectionStatus::Disputed {
                    alerts.push(format!(
                        "DISPUTED: {} — check before relying on it",
                        k.title()
                    ));
                }
                let mut lines = r.map(|r| r.content.lines()).unwrap_or_default();
                if let Some(Mark::Stale { reason } | Mark::Disputed { reason }) =
                    r.and_then(|r| r.mark.as_ref())
                {
                    lines.insert(0, ("Marked".into(), reason.clone()));
                }
                sections.push(SectionOut {
                    title: k.title(),
                    status: status.word(),
                    provenance: r.map(|r| r.provenance.line()).unwrap_or_default(),
                    lines,
                });
                match r.map(|r| &r.content) {
                    Some(SectionContent::Medication(m)) => {
                        support_level = m.support_level.label().to_lowercase();
                        if m.allergies_not_stated() {
                            alerts.push(
                                "ALLERGIES NOT STATED: ask before giving anything new".into(),
                            );
                        }
                        for a in &m.allergies {
                            let text = format!("{} ({})", a.substance, a.reaction);
                            alerts.push(format!("ALLERGY: {text}"));
                            allergies.push(text);
                        }
                        for med in &m.medicines {
                            if med.time_critical {
                                alerts.push(format!(
                                    "TIME-CRITICAL: {} at {}",
                                    med.name,
                                    med.times.join(", ")
                                ));
                            }
                            medicines.push(MedicineOut {
                                name: med.name.clone(),
                                dose: med.dose.clone(),
                                times: med.times.clone(),
                                time_critical: med.time_critical,
                                notes: med.notes.clone(),
                            });
                        }
                    }
                    Some(SectionContent::Risks(r))
                        if r.safeguarding.status != SafeguardingStatus::None =>
                    {
                        alerts.push(format!("SAFEGUARDING: {}", r.safeguarding.line()));
                    }
                    Some(SectionContent::Mobility(m)) if m.falls_risk == FallsRisk::High => {
                        alerts.push("HIGH FALLS RISK".into());
                    }
                    _ => {}
                }
            }
            out_people.push(PersonOut {
                id: p.id.to_string(),
                name: p.display_name(),
                surname: p.family_name.clone(),
                given: p.given_name.clone(),
                area: p.address.split(',').next().unwrap_or("").trim().to_string(),
                dob: lantern_core::time::show_date(p.date_of_birth),
                nhs: p.nhs_shown(),
                address: p.address.clone(),
                access: p.access_note.clone(),
                lives_alone: p.lives_alone,
                alerts,
                sections,
                support_level,
                medicines,
                allergies,
            });
        }
        let partners = self.journal.partners()?;
        let contacts = self
            .journal
            .contacts()?
            .into_iter()
            .map(|c| {
                [
                    partners
                        .iter()
                        .find(|p| p.id == c.partner)
                        .map(|p| p.name.clone())
                        .unwrap_or_default(),
                    c.name,
                    c.role,
                    c.phone.map(|p| p.to_string()).unwrap_or_default(),
                ]
            })
            .collect();
        let on_call = self
            .journal
            .staff()?
            .into_iter()
            .filter(|s| {
                matches!(s.role, Role::OnCallManager | Role::RegisteredManager)
                    && s.service.as_ref().is_none_or(|x| *x == service)
            })
            .map(|s| {
                [
                    s.name,
                    s.role.to_string(),
                    s.phone.map(|p| p.to_string()).unwrap_or_default(),
                ]
            })
            .collect();
        // People in the order of the contents: by surname, then given name and birth date.
        out_people.sort_by(|a, b| {
            (
                a.surname.to_lowercase(),
                a.given.to_lowercase(),
                &a.dob,
                &a.id,
            )
                .cmp(&(
                    b.surname.to_lowercase(),
                    b.given.to_lowercase(),
                    &b.dob,
                    &b.id,
                ))
        });
        let data = PackOut {
            org,
            service: service_name,
            data_as_of: show(now),
            printed_at: show(now),
            printed_by: actor.display_name(),
            serial: serial.clone(),
            version,
            reprint_of: reprint_of.map(str::to_string),
            destroy_by: (today + jiff::Span::new().days(lantern_core::print::PACK_KEEP_DAYS))
                .to_string(),
            freshness: self.freshness_line(),
            checkpoint: self.checkpoint()?.printed(),
            legend: LEGEND.to_vec(),
            contacts,
            on_call,
            on_call_rota: self.pack_rota(&service, now)?,
            procedure: self.procedure_in_force(&service, None)?,
            mar_days: (0..7)
                .map(|i| {
                    (today + jiff::Span::new().days(i))
                        .strftime("%a %d/%m")
                        .to_string()
                })
                .collect(),
        };
        let (pdf, pages) = lantern_print::render_pack(&data, &out_people, &serial, now)
            .map_err(|e| AppError::Journal(lantern_journal::JournalError::corrupt("pack", e)))?;
        let record = PrintRecord {
            serial,
            kind: PrintKind::Pack,
            version,
            reprint_of: reprint_of.map(str::to_string),
            service,
            date: None,
            people: self.printed_people(&people)?,
            visits: vec![],
            data_pos,
            pages: pages as u32,
            sha256: hex::encode(Sha256::digest(&pdf)),
        };
        let mut events = vec![NewEvent::now(
            actor.journal_name(),
            Event::Printed(record.clone()),
        )];
        events.extend(reads.into_iter().map(|a| a.0));
        self.journal.append_batch(events, now)?;
        Ok(Printed { pdf, record })
    }

    /// Print the day's rota backup for a service.
    pub fn print_rota(
        &mut self,
        actor: &Actor,
        service: &str,
        date: &str,
    ) -> Result<Printed, AppError> {
        actor.require(Role::may_print, "print rotas")?;
        let service = self.service_ref("print rota", service)?;
        self.ensure_service_held("print rota", &service)?;
        let day =
            lantern_core::time::parse_date("date", date).map_err(|e| e.in_record("print rota"))?;
        let visits = self.day_visits(&service, day)?;
        let now = self.now();
        let serial = self.next_serial("RT")?;
        let staff = self.journal.staff()?;
        let show_access = actor.role() != Role::Subcontractor;
        let sole = lantern_core::triage::sole_contacts(&visits);
        let carer_of = |c: &lantern_core::ids::StaffId| {
            let s = staff.iter().find(|s| s.id == *c);
            (
                s.map(|s| s.name.clone()).unwrap_or_else(|| c.to_string()),
                s.and_then(|s| s.phone.as_ref().map(|p| p.to_string()))
                    .unwrap_or_default(),
            )
        };
        // Runs keyed by carer (a two-carer visit is in both runs; one with nobody assigned is in
        // a run of its own), in the order of each run's first visit.
        let mut runs: Vec<RunOut> = Vec::new();
        for v in &visits {
            // Never printed: a restricted record's address and access details.
            let p = self
                .journal
                .person(v.person.as_str())?
                .map(|p| p.withheld());
            let carers: Vec<(String, String)> = v.carers.iter().map(carer_of).collect();
            let keys: Vec<(String, String)> = if carers.is_empty() {
                vec![("Nobody assigned".to_string(), String::new())]
            } else {
                carers.clone()
            };
            for (name, phone) in keys {
                let out = VisitOut {
                    start: v.start.to_zoned(london()).strftime("%H:%M").to_string(),
                    end: v.end.to_zoned(london()).strftime("%H:%M").to_string(),
                    person: p.as_ref().map(|p| p.display_name()).unwrap_or_default(),
                    priorities: v.priorities.iter().map(|&x| priority_marker(x)).collect(),
                    high: lantern_core::triage::is_high_priority(v, sole.contains(&v.id)),
                    address: p.as_ref().map(|p| p.address.clone()).unwrap_or_default(),
                    access: if show_access {
                        p.as_ref().and_then(|p| p.access_note.clone())
                    } else {
                        None
                    },
                    carers: carers.iter().filter(|c| c.0 != name).cloned().collect(),
                };
                match runs.iter_mut().find(|r| r.carer == name) {
                    Some(r) => r.visits.push(out),
                    None => runs.push(RunOut {
                        carer: name,
                        phone,
                        high: 0,
                        visits: vec![out],
                    }),
                }
            }
        }
        for r in &mut runs {
            // Stable: high priority first, each part still by time.
            r.visits.sort_by_key(|v| !v.high);
            r.high = r.visits.iter().filter(|v| v.high).count();
        }
        let data = RotaOut {
            org: self.journal.org_name()?.unwrap_or_default(),
            service: self
                .journal
                .services()?
                .into_iter()
                .find(|s| s.id == service)
                .map(|s| s.name)
                .unwrap_or_default(),
            date: day.to_string(),
            serial: serial.clone(),
            data_as_of: show(now),
            printed_at: show(now),
            printed_by: actor.display_name(),
            freshness: self.freshness_line(),
            legend: ROTA_LEGEND.to_vec(),
            visits: visits.len(),
            runs,
        };
        let (pdf, pages) = lantern_print::render(Template::Rota, &data, &serial, now)
            .map_err(|e| AppError::Journal(lantern_journal::JournalError::corrupt("rota", e)))?;
        let record = PrintRecord {
            serial,
            kind: PrintKind::Rota,
            version: 1,
            reprint_of: None,
            service,
            date: Some(day.to_string()),
            people: vec![],
            visits,
            data_pos: self.journal.data_version()?,
            pages: pages as u32,
            sha256: hex::encode(Sha256::digest(&pdf)),
        };
        self.journal.append(
            NewEvent::now(actor.journal_name(), Event::Printed(record.clone())),
            now,
        )?;
        Ok(Printed { pdf, record })
    }

    fn day_visits(
        &self,
        service: &ServiceId,
        day: jiff::civil::Date,
    ) -> Result<Vec<lantern_core::visit::Visit>, AppError> {
        let start = day
            .to_zoned(london())
            .map_err(|e| FieldError::new("print rota", "date", "a day in London", e.to_string()))?;
        let end = start
            .tomorrow()
            .map_err(|e| FieldError::new("print rota", "date", "a day in London", e.to_string()))?;
        Ok(self
            .journal
            .visits_between(start.timestamp(), end.timestamp())?
            .into_iter()
            .filter(|v| v.service == *service)
            .collect())
    }

    /// Every print not yet destroyed, with what changed since it was printed.
    pub fn print_status(&self) -> Result<Vec<PrintStatus>, AppError> {
        let today = self.now().to_zoned(london()).date();
        let mut out = Vec::new();
        for row in self.journal.prints()? {
            if row.destroyed.is_some() {
                continue;
            }
            let r = &row.record;
            let changes = match r.kind {
                PrintKind::Pack => {
                    let ids: Vec<String> =
                        r.people.iter().map(|p| p.details.id.to_string()).collect();
                    let current: Vec<_> = self
                        .journal
                        .people(Some(r.service.as_str()))?
                        .into_iter()
                        .filter(|p| ids.contains(&p.id.to_string()))
                        .collect();
                    let now = self.printed_people(&current)?;
                    lantern_core::print::changes_since(r, &now, None)
                }
                PrintKind::Rota => {
                    let day = r
                        .date
                        .as_deref()
                        .and_then(|d| d.parse::<jiff::civil::Date>().ok());
                    match day {
                        Some(day) => {
                            let visits = self.day_visits(&r.service, day)?;
                            lantern_core::print::changes_since(r, &[], Some(&visits))
                        }
                        None => vec![],
                    }
                }
            };
            let printed_on = row
                .printed_at
                .parse::<jiff::Timestamp>()
                .map(|t| t.to_zoned(london()).date())
                .unwrap_or(today);
            let destroy_by = lantern_core::print::destroy_by(r, printed_on);
            out.push(PrintStatus {
                expired: today > destroy_by,
                destroy_by,
                row,
                changes,
            });
        }
        Ok(out)
    }

    /// Record that a printed copy was destroyed, and how.
    pub fn print_destroyed(
        &mut self,
        actor: &Actor,
        serial: &str,
        how: &str,
    ) -> Result<(), AppError> {
        actor.require(Role::may_print, "record destruction of printed copies")?;
        let rec = format!("print {serial}");
        let how = how.trim();
        if how.is_empty() {
            return Err(FieldError::new(
                rec,
                "how",
                "how it was destroyed (shredded, confidential waste)",
                how,
            )
            .into());
        }
        match self
            .journal
            .prints()?
            .into_iter()
            .find(|p| p.record.serial == serial)
        {
            None => {
                return Err(AppError::not_found(
                    "print",
                    serial,
                    "see `lantern print status`",
                ));
            }
            Some(p) if p.destroyed.is_some() => {
                return Err(FieldError::new(
                    rec,
                    "serial",
                    "a copy not already recorded as destroyed",
                    serial,
                )
                .into());
            }
            Some(_) => {}
        }
        self.journal.append(
            NewEvent::now(
                actor.journal_name(),
                Event::PrintDestroyed {
                    serial: serial.to_string(),
                    how: how.to_string(),
                },
            ),
            self.now(),
        )?;
        Ok(())
    }
}

impl App {
    /// The scheduled print: the next day's rota for every service, and the changed pages of every
    /// superseded pack, written to `folder` (a printer's hot folder). Returns the files written.
    pub fn scheduled_print(
        &mut self,
        actor: &Actor,
        folder: &std::path::Path,
    ) -> Result<Vec<std::path::PathBuf>, AppError> {
        actor.require(Role::may_print, "print")?;
        std::fs::create_dir_all(folder).map_err(|e| {
            FieldError::new(
                "scheduled print",
                "folder",
                "a folder Lantern can write",
                format!("{}: {e}", folder.display()),
            )
        })?;
        let tomorrow =
            (self.now().to_zoned(london()).date() + jiff::Span::new().days(1)).to_string();
        let mut written = Vec::new();
        let mut write = |p: &Printed| -> Result<(), AppError> {
            let f = folder.join(format!("{}.pdf", p.record.serial));
            std::fs::write(&f, &p.pdf).map_err(|e| {
                FieldError::new(
                    "scheduled print",
                    "folder",
                    "a folder Lantern can write",
                    format!("{}: {e}", f.display()),
                )
            })?;
            written.push(f);
            Ok(())
        };
        for s in self.journal.services()? {
            let p = self.print_rota(actor, s.id.as_str(), &tomorrow)?;
            write(&p)?;
        }
        let superseded: Vec<(String, String)> = self
            .print_status()?
            .into_iter()
            .filter(|s| {
                s.row.record.kind == PrintKind::Pack && s.changes.iter().any(|c| c.person.is_some())
            })
            .map(|s| (s.row.record.service.to_string(), s.row.record.serial))
            .collect();
        for (service, serial) in superseded {
            let p = self.print_pack(actor, &service, &[], Some(&serial), None)?;
            write(&p)?;
        }
        Ok(written)
    }
}

/// Run the scheduled print each day at `at` (London time) for as long as the process runs
/// (inside `lantern serve --print-folder DIR --print-at HH:MM`).
pub fn schedule_forever(
    dir: std::path::PathBuf,
    clock: crate::Clock,
    folder: std::path::PathBuf,
    at: jiff::civil::Time,
) {
    let actor = Actor::LocalOperator("scheduled-print".into());
    let mut last_day = None;
    loop {
        if let Ok(mut app) = App::open(&dir, clock) {
            let now = app.now().to_zoned(london());
            if now.time() >= at && last_day != Some(now.date()) {
                last_day = Some(now.date());
                match app.scheduled_print(&actor, &folder) {
                    Ok(files) => eprintln!(
                        "scheduled print: {} file(s) to {}",
                        files.len(),
                        folder.display()
                    ),
                    Err(e) => eprintln!("scheduled print failed: {e}"),
                }
            }
        }
        std::thread::sleep(std::time::Duration::from_secs(30));
    }
}
