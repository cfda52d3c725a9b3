//! The asset register (S6): devices per service, their log, failures that declare a disruption
//! limited to the device's service, replacement from spares, spares minima and the programme.

use super::due::DueLine;
use crate::disruption::lifecycle::DeclareInput;
use crate::names::Names;
use crate::{Actor, App, AppError};
use lantern_core::FieldError;
use lantern_core::asset::{
    Device, DeviceInput, DeviceKind, DeviceStatus, LogKind, SparesMinimum, check_replacement,
    programme, spares,
};
use lantern_core::event::Event;
use lantern_core::ids::{AssetId, DisruptionId, ServiceId, StaffId};
use lantern_core::role::Role;
use lantern_core::time::{show, show_date};
use lantern_journal::{DeviceLogRow, NewEvent};
use serde::{Deserialize, Serialize};

/// A device as pages and the CLI show it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DeviceLine {
    /// Asset tag.
    pub id: String,
    /// Service name.
    pub service: String,
    /// Kind in words.
    pub kind: String,
    /// Make and model.
    pub model: String,
    /// Serial number.
    pub serial: String,
    /// Bought, or "not known".
    pub bought: String,
    /// Expected end of life.
    pub end_of_life: String,
    /// Battery health and cycles, or "not known".
    pub battery: String,
    /// Assigned to.
    pub assigned_to: String,
    /// Status in words.
    pub status: String,
    /// Status as stored (for styling).
    pub status_key: String,
    /// Who answers for it.
    pub owner: String,
    /// Failed since (London time), while failed.
    pub failed_since: Option<String>,
}

/// Spares of one kind in one service against the minimum.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SparesLine {
    /// Kind in words.
    pub kind: String,
    /// Held now.
    pub held: u32,
    /// The minimum (0: none set).
    pub minimum: u32,
    /// Fewer than the minimum.
    pub below_minimum: bool,
    /// Who answers for it.
    pub owner: String,
}

/// One service's devices and spares.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ServiceAssets {
    /// Service identifier.
    pub id: String,
    /// Service name.
    pub name: String,
    /// Its devices, retired last.
    pub devices: Vec<DeviceLine>,
    /// Its spares by kind.
    pub spares: Vec<SparesLine>,
}

/// The whole register: every service's devices and spares, and the replacement programme.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AssetRegister {
    /// By service.
    pub services: Vec<ServiceAssets>,
    /// What is due, overdue first.
    pub programme: Vec<DueLine>,
}

/// One entry of a device's log as shown.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LogLine {
    /// When (London time).
    pub at: String,
    /// Who recorded it.
    pub by: String,
    /// What happened, in words.
    pub entry: String,
    /// Note.
    pub note: String,
    /// The disruption declared for it.
    pub disruption: Option<String>,
}

/// One device in full: its details, log, what is due, and the spares that could replace it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DeviceView {
    /// As stored.
    pub device: Device,
    /// As shown.
    pub line: DeviceLine,
    /// Its log, oldest first.
    pub log: Vec<LogLine>,
    /// What the programme says of it.
    pub due: Vec<DueLine>,
    /// Spares that may replace it: asset tag and a label.
    pub spares: Vec<(String, String)>,
}

/// Something that happened to a device, as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogInput {
    /// maintenance, failure, sent_for_repair, repaired or retired.
    pub entry: String,
    /// What happened.
    #[serde(default)]
    pub note: String,
    /// When it happened, if before now (YYYY-MM-DD HH:MM London time, or RFC 3339).
    #[serde(default)]
    pub at: Option<String>,
    /// For a failure: declare a disruption of this dependency limited to the device's service.
    #[serde(default)]
    pub declare_dependency: Option<String>,
}

/// What logging did: the disruption declared, if one was.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Logged {
    /// The device as it now stands.
    pub device: Device,
    /// The disruption declared for the failure.
    pub disruption: Option<String>,
}

/// A spares minimum as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SparesInput {
    /// Service identifier.
    pub service: String,
    /// Kind of device.
    pub kind: String,
    /// The fewest spares to keep (a whole number).
    pub minimum: String,
    /// Staff identifier of who answers for it.
    pub owner: String,
}

fn entry_word(entry: &str) -> String {
    match entry {
        "registered" => "added to the register".into(),
        "edited" => "details changed".into(),
        "brought_into_use" => "brought into use from spares".into(),
        other => LogKind::ALL
            .iter()
            .find(|k| k.as_str() == other)
            .map_or_else(|| other.replace('_', " "), |k| k.word().to_string()),
    }
}

impl App {
    fn device_line(&self, names: &Names, d: &Device, failed_at: Option<&str>) -> DeviceLine {
        let battery = match (d.battery_health, d.battery_cycles) {
            (None, None) => "not known".to_string(),
            (Some(h), None) => format!("{h}%"),
            (None, Some(c)) => format!("{c} cycles"),
            (Some(h), Some(c)) => format!("{h}% after {c} cycles"),
        };
        DeviceLine {
            id: d.id.to_string(),
            service: names.service(d.service.as_str()),
            kind: d.kind.word().to_string(),
            model: d.model.clone(),
            serial: d.serial.clone(),
            bought: d.bought.map_or_else(|| "not known".into(), show_date),
            end_of_life: show_date(d.end_of_life),
            battery,
            assigned_to: d.assigned_to.clone(),
            status: d.status.word().to_string(),
            status_key: d.status.as_str().to_string(),
            owner: names.staff(d.owner.as_str()),
            failed_since: failed_at
                .and_then(|f| f.parse::<jiff::Timestamp>().ok())
                .map(show),
        }
    }

    /// Today's date in London.
    pub fn today(&self) -> jiff::civil::Date {
        self.now().to_zoned(lantern_core::time::london()).date()
    }

    /// The replacement programme as the core rule gives it (every service).
    pub(crate) fn asset_programme(
        &self,
    ) -> Result<Vec<lantern_core::governance::DueItem>, AppError> {
        let rows = self.journal.devices()?;
        let devices: Vec<Device> = rows.iter().map(|r| r.device.clone()).collect();
        let failed = |id: &AssetId| {
            rows.iter()
                .find(|r| &r.device.id == id)
                .and_then(|r| r.failed_at.as_deref())
                .and_then(|f| f.parse::<jiff::Timestamp>().ok())
                .map(|t| t.to_zoned(lantern_core::time::london()).date())
        };
        Ok(programme(
            &devices,
            &self.journal.spares_minima()?,
            &failed,
            self.today(),
        ))
    }

    /// The asset register: every service's devices and spares, and the replacement programme.
    pub fn asset_register(&self, actor: &Actor) -> Result<AssetRegister, AppError> {
        actor.require(Role::may_view_governance, "see the asset register")?;
        let names = self.names(false)?;
        let rows = self.journal.devices()?;
        let devices: Vec<Device> = rows.iter().map(|r| r.device.clone()).collect();
        let counts = spares(&devices, &self.journal.spares_minima()?);
        let services = self
            .journal
            .services()?
            .into_iter()
            .map(|s| {
                let mut mine: Vec<&lantern_journal::DeviceRow> =
                    rows.iter().filter(|r| r.device.service == s.id).collect();
                mine.sort_by_key(|r| {
                    (
                        r.device.status == DeviceStatus::Retired,
                        r.device.id.clone(),
                    )
                });
                ServiceAssets {
                    id: s.id.to_string(),
                    name: s.name.clone(),
                    devices: mine
                        .into_iter()
                        .map(|r| self.device_line(&names, &r.device, r.failed_at.as_deref()))
                        .collect(),
                    spares: counts
                        .iter()
                        .filter(|c| c.service == s.id)
                        .map(|c| SparesLine {
                            kind: c.kind.word().to_string(),
                            held: c.held,
                            minimum: c.minimum,
                            below_minimum: c.below_minimum(),
                            owner: c
                                .owner
                                .as_ref()
                                .map_or_else(|| "nobody named".into(), |o| names.staff(o.as_str())),
                        })
                        .collect(),
                }
            })
            .collect();
        let programme = self
            .asset_programme()?
            .iter()
            .map(|i| DueLine::new(&names, i))
            .collect();
        Ok(AssetRegister {
            services,
            programme,
        })
    }

    /// One device in full.
    pub fn device_view(&self, actor: &Actor, id: &str) -> Result<DeviceView, AppError> {
        actor.require(Role::may_view_governance, "see the asset register")?;
        let names = self.names(false)?;
        let row = self.journal.device(id)?.ok_or_else(|| {
            AppError::not_found("device", id, "see the asset register (lantern asset list)")
        })?;
        let d = &row.device;
        let log = self
            .journal
            .device_log(id)?
            .into_iter()
            .map(|l: DeviceLogRow| LogLine {
                at: l
                    .at
                    .parse::<jiff::Timestamp>()
                    .map(show)
                    .unwrap_or(l.at.clone()),
                by: names.actor(&l.actor),
                entry: entry_word(&l.entry),
                note: l.note,
                disruption: l.disruption,
            })
            .collect();
        let due = self
            .asset_programme()?
            .iter()
            .filter(|i| i.subject == d.id.as_str())
            .map(|i| DueLine::new(&names, i))
            .collect();
        let spares = self
            .journal
            .devices()?
            .into_iter()
            .map(|r| r.device)
            .filter(|s| check_replacement(d, s).is_ok())
            .map(|s| {
                (
                    s.id.to_string(),
                    format!(
                        "{} {} ({}, serial {})",
                        s.kind.word(),
                        s.id,
                        s.model,
                        s.serial
                    ),
                )
            })
            .collect();
        Ok(DeviceView {
            line: self.device_line(&names, d, row.failed_at.as_deref()),
            device: row.device,
            log,
            due,
            spares,
        })
    }

    fn check_refs(&self, rec: &str, service: &ServiceId, owner: &StaffId) -> Result<(), AppError> {
        if !self.journal.services()?.iter().any(|s| &s.id == service) {
            return Err(FieldError::new(
                rec,
                "service",
                "a service of this organisation",
                service.as_str(),
            )
            .into());
        }
        if self.journal.staff_member(owner.as_str())?.is_none() {
            return Err(FieldError::new(
                rec,
                "owner",
                "a member of staff (lantern staff list)",
                owner.as_str(),
            )
            .into());
        }
        Ok(())
    }

    /// Add a device to the register, or change one (`reason` says why; required for a change).
    pub fn record_device(
        &mut self,
        actor: &Actor,
        input: &DeviceInput,
        reason: &str,
    ) -> Result<Device, AppError> {
        actor.require(Role::may_manage_assets, "change the asset register")?;
        let d = input.parse()?;
        let rec = format!("device {}", d.id);
        self.check_refs(&rec, &d.service, &d.owner)?;
        let existing = self.journal.device(d.id.as_str())?;
        if existing.is_some() {
            lantern_core::text::required(&rec, "reason", reason, 2_000)?;
        }
        lantern_core::text::optional(&rec, "reason", reason, 2_000)?;
        if existing.is_some_and(|e| e.device == d) {
            return Err(FieldError::new(
                &rec,
                "id",
                "a change to the device's details (nothing differs from the register)",
                d.id.as_str(),
            )
            .into());
        }
        self.journal.append(
            NewEvent::now(
                actor.journal_name(),
                Event::DeviceRecorded {
                    device: d.clone(),
                    reason: reason.trim().to_string(),
                },
            ),
            self.now(),
        )?;
        Ok(d)
    }

    /// Record something that happened to a device. A failure may declare a disruption of a
    /// dependency limited to the device's service (S6: a tablet failing in Maple Court).
    pub fn log_device(
        &mut self,
        actor: &Actor,
        id: &str,
        input: &LogInput,
    ) -> Result<Logged, AppError> {
        actor.require(Role::may_manage_assets, "change the asset register")?;
        let rec = format!("log of device {id}");
        let row = self.journal.device(id)?.ok_or_else(|| {
            AppError::not_found("device", id, "see the asset register (lantern asset list)")
        })?;
        let d = row.device;
        let entry = LogKind::parse(&rec, "entry", &input.entry)?;
        let dependency = input
            .declare_dependency
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        lantern_core::asset::check_entry(&rec, &d, entry, &input.note, dependency.is_some())?;
        let now = self.now();
        let at = match input.at.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => {
                let t =
                    lantern_core::time::parse_instant("at", s).map_err(|e| e.in_record(&rec))?;
                if t > now {
                    return Err(
                        FieldError::new(&rec, "at", "a time that is not in the future", s).into(),
                    );
                }
                Some(t)
            }
            None => None,
        };
        let disruption: Option<DisruptionId> = match dependency {
            Some(dep) => {
                let names = self.names(false)?;
                let v = self
                    .declare_disruption(
                        actor,
                        &DeclareInput {
                            title: format!(
                                "{} {} failed in {}",
                                lantern_core::text::sentence(d.kind.word()),
                                d.id,
                                names.service(d.service.as_str())
                            ),
                            dependencies: vec![dep.to_string()],
                            severity: "major".into(),
                            started_at: at.map(|t| t.to_string()),
                            note: input.note.trim().to_string(),
                            service: Some(d.service.to_string()),
                            ..Default::default()
                        },
                    )
                    .map_err(|e| match e {
                        AppError::Invalid(f) if f.field == "dependencies[0]" => {
                            AppError::Invalid(f.in_record(&rec).with_field("declare_dependency"))
                        }
                        AppError::Invalid(f) if f.field == "service" => FieldError::new(
                            &rec,
                            "declare_dependency",
                            "a dependency that feeds the device's service",
                            dep,
                        )
                        .into(),
                        e => e,
                    })?;
                Some(v.id)
            }
            None => None,
        };
        let mut ev = NewEvent::now(
            actor.journal_name(),
            Event::DeviceLogged {
                device: d.id.clone(),
                entry,
                note: input.note.trim().to_string(),
                disruption: disruption.clone(),
            },
        );
        ev.occurred_at = at;
        self.journal.append(ev, now)?;
        let device = self
            .journal
            .device(id)?
            .map(|r| r.device)
            .ok_or_else(|| AppError::not_found("device", id, "see the asset register"))?;
        Ok(Logged {
            device,
            disruption: disruption.map(|d| d.to_string()),
        })
    }

    /// Replace a device from its service's spares: it is retired and the spare takes its place.
    pub fn replace_device(
        &mut self,
        actor: &Actor,
        id: &str,
        spare: &str,
        note: &str,
    ) -> Result<Device, AppError> {
        actor.require(Role::may_manage_assets, "change the asset register")?;
        let rec = format!("replacement of device {id}");
        let failed = self.journal.device(id)?.ok_or_else(|| {
            AppError::not_found("device", id, "see the asset register (lantern asset list)")
        })?;
        let spare = spare.trim();
        if spare.is_empty() {
            return Err(FieldError::new(
                &rec,
                "spare",
                "the asset tag of a spare of the same kind in the same service",
                "",
            )
            .into());
        }
        let s = self
            .journal
            .device(spare)?
            .ok_or_else(|| FieldError::new(&rec, "spare", "a device in the register", spare))?;
        check_replacement(&failed.device, &s.device)?;
        lantern_core::text::optional(&rec, "note", note, 2_000)?;
        self.journal.append(
            NewEvent::now(
                actor.journal_name(),
                Event::DeviceReplaced {
                    failed: failed.device.id.clone(),
                    spare: s.device.id.clone(),
                    note: note.trim().to_string(),
                },
            ),
            self.now(),
        )?;
        self.journal
            .device(spare)?
            .map(|r| r.device)
            .ok_or_else(|| AppError::not_found("device", spare, "see the asset register"))
    }

    /// Set the fewest spares of a kind a service keeps.
    pub fn set_spares_minimum(
        &mut self,
        actor: &Actor,
        input: &SparesInput,
    ) -> Result<SparesMinimum, AppError> {
        actor.require(Role::may_manage_assets, "change the asset register")?;
        let rec = "spares minimum";
        let service = ServiceId::parse(input.service.trim())
            .map_err(|e| e.in_record(rec).with_field("service"))?;
        let kind = DeviceKind::parse(rec, "kind", &input.kind)?;
        let minimum = input
            .minimum
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| *n <= 1000)
            .ok_or_else(|| {
                FieldError::new(
                    rec,
                    "minimum",
                    "a whole number of spares from 0 to 1000",
                    &input.minimum,
                )
            })?;
        let owner =
            StaffId::parse(input.owner.trim()).map_err(|e| e.in_record(rec).with_field("owner"))?;
        self.check_refs(rec, &service, &owner)?;
        let m = SparesMinimum {
            service,
            kind,
            minimum,
            owner,
        };
        self.journal.append(
            NewEvent::now(actor.journal_name(), Event::SparesMinimumSet(m.clone())),
            self.now(),
        )?;
        Ok(m)
    }
}
