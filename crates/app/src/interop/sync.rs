//! Live sync: sources registered with a FHIR base URL are pulled by `_lastUpdated`, page by page,
//! each page imported like a file. A failing source is recorded as its dependency going degraded,
//! and as restored when it answers again.

use crate::interop::import::{ImportOptions, ImportReport};
use crate::{Actor, App, AppError};
use lantern_core::FieldError;
use lantern_core::event::Event;
use lantern_core::ids::DependencyId;
use lantern_core::role::Role;
use lantern_core::source::Source;
use lantern_journal::NewEvent;
use serde::Serialize;
use std::time::Duration;

/// The resource types pulled, directory first so that references resolve as people arrive.
pub const SYNC_TYPES: [&str; 15] = [
    "Organization",
    "Practitioner",
    "PractitionerRole",
    "Medication",
    "Patient",
    "RelatedPerson",
    "CareTeam",
    "Flag",
    "AllergyIntolerance",
    "MedicationStatement",
    "MedicationRequest",
    "Condition",
    "Observation",
    "CarePlan",
    "Consent",
];

/// How long one request may take.
pub const SYNC_TIMEOUT: Duration = Duration::from_secs(30);

/// What a pull did.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PullReport {
    /// The import report over every page.
    pub import: ImportReport,
    /// Pages read.
    pub pages: usize,
    /// Where the pull started (`_lastUpdated=ge...`), if not from the beginning.
    pub since: Option<String>,
    /// Why it stopped early, if it did (the source is then marked degraded).
    pub failure: Option<String>,
}

impl App {
    /// Register a source for live sync.
    pub fn add_source(
        &mut self,
        actor: &Actor,
        name: &str,
        fhir_base: &str,
        poll_minutes: u32,
        service: &str,
    ) -> Result<Source, AppError> {
        actor.require(Role::may_import, "register sources")?;
        let rec = format!("source {name}");
        let s = Source {
            id: DependencyId::parse(name).map_err(|e| e.in_record(&rec))?,
            fhir_base: fhir_base.trim().trim_end_matches('/').to_string(),
            poll_minutes,
            service: self.service_ref(&rec, service)?,
        };
        s.validate()?;
        if self.journal.sources()?.iter().any(|x| x.id == s.id) {
            return Err(
                FieldError::new(&rec, "name", "a name not already registered", name).into(),
            );
        }
        self.journal.append(
            NewEvent::now(actor.journal_name(), Event::SourceAdded(s.clone())),
            self.now(),
        )?;
        Ok(s)
    }

    /// What each source holds about a person (for a page already authorised and audited).
    pub fn source_records_for_person(
        &self,
        person: &str,
    ) -> Result<Vec<lantern_journal::SourceRecordRow>, AppError> {
        Ok(self.journal.source_records_for_person(person)?)
    }

    /// One record as received. A record about a person is read only within the actor's scope,
    /// and the read is audited like any view of their information.
    pub fn source_record_raw(
        &mut self,
        actor: &Actor,
        source: &str,
        key: &str,
        channel: &str,
    ) -> Result<String, AppError> {
        let row = self
            .journal
            .source_record(source, key)?
            .ok_or_else(|| AppError::not_found("record", format!("{source} {key}"), ""))?;
        let person = match &row.patient {
            Some(p) => self.journal.source_link(source, p)?,
            None => None,
        };
        match &person {
            Some(p) => {
                self.ensure_in_reach(actor, p)?;
                self.journal.append(
                    NewEvent::now(
                        actor.journal_name(),
                        Event::MeiViewed {
                            person: lantern_core::ids::PersonId::parse(p)?,
                            sections: vec![],
                            channel: channel.into(),
                            break_glass: None,
                        },
                    ),
                    self.now(),
                )?;
            }
            None => actor.require(Role::may_view_people, "read imported records")?,
        }
        self.journal
            .source_raw(source, key)?
            .ok_or_else(|| AppError::not_found("record", format!("{source} {key}"), ""))
    }

    /// Registered sources.
    pub fn sources(&self) -> Result<Vec<Source>, AppError> {
        Ok(self.journal.sources()?)
    }

    /// Pull everything changed at a source since the newest record held from it.
    pub fn pull_source(&mut self, actor: &Actor, name: &str) -> Result<PullReport, AppError> {
        actor.require(Role::may_import, "pull from sources")?;
        let source = self
            .journal
            .sources()?
            .into_iter()
            .find(|s| s.id.as_str() == name)
            .ok_or_else(|| AppError::not_found("source", name, "see `lantern source list`"))?;
        let since = self.journal.source_high_water(name)?;
        let opts = ImportOptions {
            source: name.to_string(),
            service: Some(source.service.to_string()),
            full: false,
        };
        let mut run = self.begin_import(actor, &opts)?;
        let mut pages = 0;
        let mut failure = None;
        for ty in SYNC_TYPES {
            let mut journal_error = None;
            let r = lantern_fhir::search::search(
                &source.fhir_base,
                ty,
                since.as_deref(),
                SYNC_TIMEOUT,
                &mut |url, bytes| {
                    run.document(url, bytes).map_err(|e| {
                        let msg = e.to_string();
                        journal_error = Some(e);
                        msg
                    })
                },
            );
            if let Some(e) = journal_error {
                return Err(e);
            }
            match r {
                Ok(n) => pages += n,
                Err(e) => {
                    failure = Some(e.to_string());
                    break;
                }
            }
        }
        let import = run.finish()?;
        self.record_source_health(actor, name, failure.as_deref())?;
        Ok(PullReport {
            import,
            pages,
            since,
            failure,
        })
    }

    /// Say when a source stops or starts answering (only changes are recorded).
    fn record_source_health(
        &mut self,
        actor: &Actor,
        name: &str,
        failure: Option<&str>,
    ) -> Result<(), AppError> {
        let degraded_now = self
            .journal
            .dependencies()?
            .into_iter()
            .any(|d| d.id.as_str() == name && d.degraded);
        let note = match failure {
            Some(f) if !degraded_now => format!("sync from {name} failing: {f}"),
            None if degraded_now => format!("sync from {name} answering again"),
            _ => return Ok(()),
        };
        self.journal.append(
            NewEvent::now(
                actor.journal_name(),
                Event::DependencyStatusSet {
                    dependency: DependencyId::parse(name)?,
                    degraded: failure.is_some(),
                    note,
                },
            ),
            self.now(),
        )?;
        Ok(())
    }
}

/// Pull every registered source when its poll interval has passed, for as long as the process
/// runs (inside `lantern serve`). Each pull's outcome is one line on standard error.
pub fn poll_forever(dir: std::path::PathBuf, clock: crate::Clock) {
    let mut last: std::collections::HashMap<String, std::time::Instant> = Default::default();
    let actor = Actor::LocalOperator("sync".into());
    loop {
        if let Ok(mut app) = App::open(&dir, clock) {
            // A node holding some services leaves pulling from sources to the hub.
            let whole = app.holding().is_ok_and(|h| h.is_whole());
            for s in app
                .sources()
                .unwrap_or_default()
                .into_iter()
                .filter(|_| whole)
            {
                let due = last.get(s.id.as_str()).is_none_or(|t| {
                    t.elapsed() >= Duration::from_secs(60 * u64::from(s.poll_minutes))
                });
                if !due {
                    continue;
                }
                last.insert(s.id.to_string(), std::time::Instant::now());
                match app.pull_source(&actor, s.id.as_str()) {
                    Ok(r) => eprintln!(
                        "sync {}: {} pages, {} events{}",
                        s.id,
                        r.pages,
                        r.import.events,
                        r.failure
                            .map(|f| format!("; failing: {f}"))
                            .unwrap_or_default()
                    ),
                    Err(e) => eprintln!("sync {}: {e}", s.id),
                }
            }
        }
        std::thread::sleep(Duration::from_secs(15));
    }
}
