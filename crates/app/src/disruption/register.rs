//! The dependency register and escalation ladders: what care relies on, and how to reach people
//! when it fails.

use crate::{Actor, App, AppError};
use lantern_core::FieldError;
use lantern_core::dependency::{Channel, Dependency, ProbeResult, ProbeStatus};
use lantern_core::event::Event;
use lantern_core::ids::DependencyId;
use lantern_core::ladder::Ladder;
use lantern_core::role::Role;
use lantern_journal::NewEvent;
use serde::Serialize;
use std::collections::BTreeSet;

/// A register entry with its status now.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DependencyView {
    /// The entry.
    pub dependency: Dependency,
    /// Counted as down now (by hand, probe or declared disruption).
    pub degraded: bool,
    /// When it is down only in some services (a disruption limited to one), which.
    pub only_in: Vec<lantern_core::ids::ServiceId>,
    /// The latest recorded probe result.
    pub probe: Option<ProbeResult>,
    /// Consecutive probe failures.
    pub failures: u32,
    /// In that probe status since.
    pub since: Option<String>,
}

/// Parse a JSON document, refusing huge ones and naming the bad field.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(
    record: &str,
    what: &str,
    text: &str,
) -> Result<T, FieldError> {
    if text.len() > 1_000_000 {
        return Err(FieldError::new(record, "", "at most 1 MB of JSON", ""));
    }
    crate::json::parse(record, "", what, text)
}

impl App {
    /// Add or replace a register entry (JSON, as in `docs/disruptions.md`).
    pub fn register_dependency(
        &mut self,
        actor: &Actor,
        json: &str,
    ) -> Result<Dependency, AppError> {
        actor.require(
            Role::may_configure_resilience,
            "edit the dependency register",
        )?;
        let d: Dependency = from_json("dependency", "a dependency register entry", json)?;
        d.validate()?;
        let services: BTreeSet<String> = self
            .journal
            .services()?
            .into_iter()
            .map(|s| s.id.to_string())
            .collect();
        for (i, s) in d.services.iter().enumerate() {
            if !services.contains(s.as_str()) {
                return Err(FieldError::new(
                    format!("dependency {}", d.id),
                    format!("services[{i}]"),
                    "a service of this organisation",
                    s.as_str(),
                )
                .into());
            }
        }
        self.journal.append(
            NewEvent::now(actor.journal_name(), Event::DependencyRegistered(d.clone())),
            self.now(),
        )?;
        Ok(d)
    }

    /// Add or replace an escalation ladder (JSON).
    pub fn define_ladder(&mut self, actor: &Actor, json: &str) -> Result<Ladder, AppError> {
        actor.require(Role::may_configure_resilience, "define escalation ladders")?;
        let l: Ladder = from_json("ladder", "an escalation ladder", json)?;
        l.validate()?;
        self.journal.append(
            NewEvent::now(actor.journal_name(), Event::LadderDefined(l.clone())),
            self.now(),
        )?;
        Ok(l)
    }

    /// Escalation ladders.
    pub fn ladders(&self, actor: &Actor) -> Result<Vec<Ladder>, AppError> {
        actor.require(Role::may_view_disruptions, "see escalation ladders")?;
        Ok(self.journal.ladders()?)
    }

    /// The register, each entry with its status now.
    pub fn dependency_register(&self, actor: &Actor) -> Result<Vec<DependencyView>, AppError> {
        actor.require(Role::may_view_disruptions, "see the dependency register")?;
        let degraded = self.degraded()?;
        let probes = self.journal.probe_status()?;
        Ok(self
            .journal
            .dependency_register()?
            .into_iter()
            .map(|d| {
                let p = probes.iter().find(|p| p.dependency == d.id.as_str());
                DependencyView {
                    degraded: degraded.anywhere(&d.id),
                    only_in: degraded.only_in(&d.id),
                    probe: p.map(|p| p.result.clone()),
                    failures: p.map_or(0, |p| p.failures),
                    since: p.map(|p| p.since.clone()),
                    dependency: d,
                }
            })
            .collect())
    }

    /// Dependencies whose probe has failed at least its threshold times in a row.
    pub(crate) fn probe_failing(&self) -> Result<BTreeSet<DependencyId>, AppError> {
        let register = self.journal.dependency_register()?;
        Ok(self
            .journal
            .probe_status()?
            .into_iter()
            .filter(|p| p.result.status != ProbeStatus::Up)
            .filter_map(|p| {
                let d = register.iter().find(|d| d.id.as_str() == p.dependency)?;
                let threshold = d.probe.as_ref().map_or(1, |p| p.threshold);
                (p.failures >= threshold).then(|| d.id.clone())
            })
            .collect())
    }

    /// Which dependency takes a channel down, if any is down. `extra` adds dependencies that
    /// count as down for this purpose (a drill's own).
    pub(crate) fn channel_down(
        &self,
        channel: Channel,
        extra: &[DependencyId],
    ) -> Result<Option<DependencyId>, AppError> {
        // Org-wide channels: a device down in one service does not take them down.
        let degraded = self.degraded()?.everywhere;
        Ok(self
            .journal
            .dependency_register()?
            .into_iter()
            .find(|d| {
                d.channels.contains(&channel) && (degraded.contains(&d.id) || extra.contains(&d.id))
            })
            .map(|d| d.id))
    }
}

impl App {
    /// The registered dependencies by id and name, for pickers (names only: no status).
    pub fn dependency_names(&self) -> Result<Vec<(String, String)>, AppError> {
        Ok(self
            .journal
            .dependency_register()?
            .into_iter()
            .map(|d| (d.id.to_string(), d.name))
            .collect())
    }
}

/// The demo organisation's dependency register and ladders (`crates/app/demo/resilience.json`).
pub(crate) fn demo_resilience() -> Result<Vec<Event>, AppError> {
    #[derive(serde::Deserialize, schemars::JsonSchema)]
    struct Demo {
        dependencies: Vec<Dependency>,
        ladders: Vec<Ladder>,
        #[serde(default)]
        devices: Vec<lantern_core::asset::DeviceInput>,
        #[serde(default)]
        spares: Vec<lantern_core::asset::SparesMinimum>,
        #[serde(default)]
        risks: Vec<lantern_core::risk::RiskInput>,
        #[serde(default)]
        assessments: Vec<lantern_core::risk::AssessmentInput>,
        #[serde(default)]
        suppliers: Vec<lantern_core::supplier::SupplierInput>,
        #[serde(default)]
        assurance: Vec<DemoCheck>,
        #[serde(default)]
        guidance: Vec<DemoGuidance>,
        #[serde(default)]
        comms: Vec<lantern_core::comms::CommsRule>,
    }
    #[derive(serde::Deserialize, schemars::JsonSchema)]
    struct DemoCheck {
        partner: lantern_core::ids::PartnerId,
        checked_by: lantern_core::ids::StaffId,
        #[serde(flatten)]
        check: lantern_core::assurance::CheckInput,
    }
    #[derive(serde::Deserialize, schemars::JsonSchema)]
    struct DemoGuidance {
        partner: lantern_core::ids::PartnerId,
        text: String,
    }
    let d: Demo = from_json(
        "demo resilience",
        "the demo register",
        include_str!("../../demo/resilience.json"),
    )?;
    let mut out = Vec::new();
    for dep in d.dependencies {
        dep.validate()?;
        out.push(Event::DependencyRegistered(dep));
    }
    for l in d.ladders {
        l.validate()?;
        out.push(Event::LadderDefined(l));
    }
    for dev in d.devices {
        out.push(Event::DeviceRecorded {
            device: dev.parse()?,
            reason: String::new(),
        });
    }
    out.extend(d.spares.into_iter().map(Event::SparesMinimumSet));
    for r in d.risks {
        out.push(Event::RiskRecorded {
            risk: r.parse()?,
            reason: String::new(),
        });
    }
    for a in d.assessments {
        out.push(Event::RiskAssessmentRecorded(a.parse()?));
    }
    for s in d.suppliers {
        out.push(Event::SupplierRecorded {
            supplier: s.parse()?,
            reason: String::new(),
        });
    }
    for c in d.assurance {
        out.push(Event::AssuranceChecked(
            c.check.parse(&c.partner, &c.checked_by)?,
        ));
    }
    out.extend(d.comms.into_iter().map(Event::CommsRuleSet));
    for g in d.guidance {
        out.push(Event::GuidancePublished {
            partner: g.partner,
            version: 1,
            text: g.text,
        });
    }
    Ok(out)
}
