//! The asset register (scenario S6): devices per service, their maintenance log, spares with a
//! minimum per service, and the replacement programme that says what is due when.

use crate::FieldError;
use crate::governance::{DueItem, DueState, Register};
use crate::ids::{AssetId, ServiceId, StaffId};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// How far ahead a device's end of life counts as due soon.
pub const DUE_SOON_DAYS: i64 = 90;

/// A battery below this health needs replacing (the manufacturers' usual threshold).
pub const BATTERY_REPLACE_BELOW: u8 = 80;

word_enum!(
    /// What a device is.
    DeviceKind {
        /// A tablet (eMAR, care notes).
        Tablet => "tablet", "tablet",
        /// A mobile phone (call monitoring, on-call).
        Phone => "phone", "phone",
        /// A laptop.
        Laptop => "laptop", "laptop",
        /// A desktop computer.
        Desktop => "desktop", "desktop",
        /// A printer (downtime packs).
        Printer => "printer", "printer",
        /// A router or other network device.
        Router => "router", "router",
        /// Anything else.
        Other => "other", "other device",
    }
);

word_enum!(
    /// Where a device is in its life.
    DeviceStatus {
        /// In use by staff.
        InUse => "in_use", "in use",
        /// A spare, ready to replace one that fails.
        Spare => "spare", "spare",
        /// Failed and not yet repaired or replaced.
        Failed => "failed", "failed",
        /// Away for repair.
        InRepair => "in_repair", "in repair",
        /// No longer in service.
        Retired => "retired", "retired",
    }
);

word_enum!(
    /// What happened to a device, as its log records it.
    LogKind {
        /// Servicing, a battery check, an update: status unchanged.
        Maintenance => "maintenance", "maintenance",
        /// It stopped working: status becomes failed.
        Failure => "failure", "failure",
        /// Sent away for repair.
        SentForRepair => "sent_for_repair", "sent for repair",
        /// Working again: back in use.
        Repaired => "repaired", "repaired",
        /// Taken out of service.
        Retired => "retired", "retired",
    }
);

impl LogKind {
    /// The status a device has after this entry (maintenance leaves it as it was).
    pub fn status_after(self, before: DeviceStatus) -> DeviceStatus {
        match self {
            LogKind::Maintenance => before,
            LogKind::Failure => DeviceStatus::Failed,
            LogKind::SentForRepair => DeviceStatus::InRepair,
            LogKind::Repaired => DeviceStatus::InUse,
            LogKind::Retired => DeviceStatus::Retired,
        }
    }
}

/// Whether an entry may be logged against a device: not against a retired one; a failure says
/// what happened; a disruption is declared only for a failure.
pub fn check_entry(
    record: &str,
    device: &Device,
    entry: LogKind,
    note: &str,
    declaring: bool,
) -> Result<(), FieldError> {
    if device.status == DeviceStatus::Retired {
        return Err(FieldError::new(
            record,
            "device",
            "a device still in the register's service (this one is retired)",
            device.id.as_str(),
        ));
    }
    if entry == LogKind::Failure {
        crate::text::required(record, "note", note, 5_000)?;
    }
    crate::text::optional(record, "note", note, 5_000)?;
    if declaring && entry != LogKind::Failure {
        return Err(FieldError::new(
            record,
            "declare_dependency",
            "a disruption declared only for a failure",
            entry.as_str(),
        ));
    }
    Ok(())
}

/// A device in the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Device {
    /// Its asset tag.
    pub id: AssetId,
    /// The service it belongs to.
    pub service: ServiceId,
    /// What it is.
    pub kind: DeviceKind,
    /// Make and model.
    pub model: String,
    /// Serial number.
    pub serial: String,
    /// When it was bought, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bought: Option<Date>,
    /// When it is expected to reach the end of its life (the replacement programme's date).
    pub end_of_life: Date,
    /// Battery health in percent, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub battery_health: Option<u8>,
    /// Battery charge cycles, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub battery_cycles: Option<u32>,
    /// Who or where it is assigned to ("Maple Court medication round"), empty for a spare.
    #[serde(default)]
    pub assigned_to: String,
    /// Its status.
    pub status: DeviceStatus,
    /// Who answers for it in governance (its replacement and spares).
    pub owner: StaffId,
}

/// A device as typed into a form, the API or the CLI: every field text, checked by [`parse`](DeviceInput::parse).
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeviceInput {
    /// Asset tag (lower-case letters, digits and `-`).
    pub id: String,
    /// Service identifier.
    pub service: String,
    /// tablet, phone, laptop, desktop, printer, router or other.
    pub kind: String,
    /// Make and model.
    pub model: String,
    /// Serial number.
    pub serial: String,
    /// YYYY-MM-DD, or empty when not known.
    #[serde(default)]
    pub bought: String,
    /// YYYY-MM-DD.
    pub end_of_life: String,
    /// 0–100, or empty when not known.
    #[serde(default)]
    pub battery_health: String,
    /// A whole number, or empty when not known.
    #[serde(default)]
    pub battery_cycles: String,
    /// Who or where it is assigned to.
    #[serde(default)]
    pub assigned_to: String,
    /// in_use, spare, failed, in_repair or retired (empty: in use, or spare when assigned to nobody).
    #[serde(default)]
    pub status: String,
    /// Staff identifier of who answers for it.
    pub owner: String,
}

impl DeviceInput {
    /// Check every field and build the device, naming the first field that is wrong.
    pub fn parse(&self) -> Result<Device, FieldError> {
        let rec = if self.id.trim().is_empty() {
            "device".to_string()
        } else {
            format!("device {}", self.id.trim())
        };
        let id = AssetId::parse(self.id.trim()).map_err(|e| e.in_record(&rec).with_field("id"))?;
        let service = ServiceId::parse(self.service.trim())
            .map_err(|e| e.in_record(&rec).with_field("service"))?;
        let kind = DeviceKind::parse(&rec, "kind", &self.kind)?;
        crate::text::required(&rec, "model", &self.model, 200)?;
        crate::text::required(&rec, "serial", &self.serial, 100)?;
        let date =
            |field: &str, s: &str| crate::time::parse_date(field, s).map_err(|e| e.in_record(&rec));
        let bought = match self.bought.trim() {
            "" => None,
            s => Some(date("bought", s)?),
        };
        let end_of_life = date("end_of_life", &self.end_of_life)?;
        if let Some(b) = bought
            && end_of_life <= b
        {
            return Err(FieldError::new(
                &rec,
                "end_of_life",
                "a date after the device was bought",
                &self.end_of_life,
            ));
        }
        let battery_health = match self.battery_health.trim().trim_end_matches('%') {
            "" => None,
            s => Some(s.parse::<u8>().ok().filter(|n| *n <= 100).ok_or_else(|| {
                FieldError::new(
                    &rec,
                    "battery_health",
                    "a percentage from 0 to 100, or nothing when not known",
                    &self.battery_health,
                )
            })?),
        };
        let battery_cycles = match self.battery_cycles.trim() {
            "" => None,
            s => Some(s.parse::<u32>().map_err(|_| {
                FieldError::new(
                    &rec,
                    "battery_cycles",
                    "a whole number of charge cycles, or nothing when not known",
                    &self.battery_cycles,
                )
            })?),
        };
        crate::text::optional(&rec, "assigned_to", &self.assigned_to, 200)?;
        let status = match self.status.trim() {
            "" if self.assigned_to.trim().is_empty() => DeviceStatus::Spare,
            "" => DeviceStatus::InUse,
            s => DeviceStatus::parse(&rec, "status", s)?,
        };
        let owner =
            StaffId::parse(self.owner.trim()).map_err(|e| e.in_record(&rec).with_field("owner"))?;
        Ok(Device {
            id,
            service,
            kind,
            model: self.model.trim().to_string(),
            serial: self.serial.trim().to_string(),
            bought,
            end_of_life,
            battery_health,
            battery_cycles,
            assigned_to: self.assigned_to.trim().to_string(),
            status,
            owner,
        })
    }

    /// A device written back into the form's fields (to edit it).
    pub fn from_device(d: &Device) -> DeviceInput {
        DeviceInput {
            id: d.id.to_string(),
            service: d.service.to_string(),
            kind: d.kind.as_str().into(),
            model: d.model.clone(),
            serial: d.serial.clone(),
            bought: d.bought.map(|b| b.to_string()).unwrap_or_default(),
            end_of_life: d.end_of_life.to_string(),
            battery_health: d.battery_health.map(|b| b.to_string()).unwrap_or_default(),
            battery_cycles: d.battery_cycles.map(|b| b.to_string()).unwrap_or_default(),
            assigned_to: d.assigned_to.clone(),
            status: d.status.as_str().into(),
            owner: d.owner.to_string(),
        }
    }
}

/// Whether `spare` may replace `failed`: a spare of the same kind in the same service, replacing
/// a device still in service (not retired, not itself a spare).
pub fn check_replacement(failed: &Device, spare: &Device) -> Result<(), FieldError> {
    let rec = format!("replacement of device {}", failed.id);
    if matches!(failed.status, DeviceStatus::Retired | DeviceStatus::Spare) {
        return Err(FieldError::new(
            &rec,
            "device",
            "a device in service (in use, failed or in repair)",
            failed.status.word(),
        ));
    }
    if spare.id == failed.id {
        return Err(FieldError::new(
            &rec,
            "spare",
            "another device",
            spare.id.as_str(),
        ));
    }
    if spare.status != DeviceStatus::Spare {
        return Err(FieldError::new(
            &rec,
            "spare",
            "a device whose status is spare",
            format!("{} ({})", spare.id, spare.status.word()),
        ));
    }
    if spare.service != failed.service || spare.kind != failed.kind {
        return Err(FieldError::new(
            &rec,
            "spare",
            format!(
                "a spare {} of the same service ({})",
                failed.kind.word(),
                failed.service
            ),
            format!("{} ({} of {})", spare.id, spare.kind.word(), spare.service),
        ));
    }
    Ok(())
}

/// The fewest spares of a kind a service keeps, and who answers for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SparesMinimum {
    /// The service.
    pub service: ServiceId,
    /// The kind of device.
    pub kind: DeviceKind,
    /// How many spares it keeps at least.
    pub minimum: u32,
    /// Who answers for it.
    pub owner: StaffId,
}

/// Spares of one kind in one service: how many there are against the minimum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SparesCount {
    /// The service.
    pub service: ServiceId,
    /// The kind of device.
    pub kind: DeviceKind,
    /// Spares held now.
    pub held: u32,
    /// The minimum (0 when none is set).
    pub minimum: u32,
    /// Who answers for it, when a minimum is set.
    pub owner: Option<StaffId>,
}

impl SparesCount {
    /// Fewer spares than the minimum.
    pub fn below_minimum(&self) -> bool {
        self.held < self.minimum
    }
}

/// Spares per service and kind: every kind with a minimum or a spare held.
pub fn spares(devices: &[Device], minima: &[SparesMinimum]) -> Vec<SparesCount> {
    let mut out: Vec<SparesCount> = minima
        .iter()
        .map(|m| SparesCount {
            service: m.service.clone(),
            kind: m.kind,
            held: 0,
            minimum: m.minimum,
            owner: Some(m.owner.clone()),
        })
        .collect();
    for d in devices.iter().filter(|d| d.status == DeviceStatus::Spare) {
        match out
            .iter_mut()
            .find(|s| s.service == d.service && s.kind == d.kind)
        {
            Some(s) => s.held += 1,
            None => out.push(SparesCount {
                service: d.service.clone(),
                kind: d.kind,
                held: 1,
                minimum: 0,
                owner: None,
            }),
        }
    }
    out.sort_by(|a, b| (&a.service, a.kind).cmp(&(&b.service, b.kind)));
    out
}

/// When each device failed and was not yet dealt with (for the programme), by asset tag.
pub type FailedSince<'a> = &'a dyn Fn(&AssetId) -> Option<Date>;

/// The replacement programme on `today`: devices past or near their end of life, batteries to
/// replace, failed devices not yet replaced or repaired, and spares below their minimum. Retired
/// devices are out of it. Overdue first, then by date.
pub fn programme(
    devices: &[Device],
    minima: &[SparesMinimum],
    failed_since: FailedSince<'_>,
    today: Date,
) -> Vec<DueItem> {
    let mut out = Vec::new();
    let soon = today
        .checked_add(jiff::Span::new().days(DUE_SOON_DAYS))
        .unwrap_or(today);
    for d in devices.iter().filter(|d| d.status != DeviceStatus::Retired) {
        let subject = format!("{} {}", d.kind.word(), d.id);
        if d.status == DeviceStatus::Failed {
            let since = failed_since(&d.id).unwrap_or(today);
            out.push(DueItem {
                register: Register::Assets,
                subject: d.id.to_string(),
                service: Some(d.service.clone()),
                what: format!("{subject} failed and is not yet replaced or repaired"),
                owner: d.owner.clone(),
                due: since,
                state: DueState::Overdue,
            });
        }
        if d.end_of_life <= soon {
            let overdue = d.end_of_life <= today;
            out.push(DueItem {
                register: Register::Assets,
                subject: d.id.to_string(),
                service: Some(d.service.clone()),
                what: format!(
                    "replace {subject} ({}): {} its expected end of life",
                    d.model,
                    if overdue { "past" } else { "nearing" }
                ),
                owner: d.owner.clone(),
                due: d.end_of_life,
                state: if overdue {
                    DueState::Overdue
                } else {
                    DueState::DueSoon
                },
            });
        }
        if let Some(h) = d.battery_health.filter(|h| *h < BATTERY_REPLACE_BELOW) {
            out.push(DueItem {
                register: Register::Assets,
                subject: d.id.to_string(),
                service: Some(d.service.clone()),
                what: format!(
                    "{subject}: battery health {h}% (below {BATTERY_REPLACE_BELOW}%): replace the battery or the device"
                ),
                owner: d.owner.clone(),
                due: today,
                state: DueState::DueSoon,
            });
        }
    }
    // Only a service that set a minimum can be below it, so each shortfall has the owner who
    // set it.
    for (s, owner) in spares(devices, minima)
        .into_iter()
        .filter(SparesCount::below_minimum)
        .filter_map(|s| s.owner.clone().map(|o| (s, o)))
    {
        out.push(DueItem {
            register: Register::Assets,
            subject: format!("spares-{}-{}", s.service, s.kind.as_str()),
            service: Some(s.service.clone()),
            what: format!(
                "spare {}s: {} held, minimum {}",
                s.kind.word(),
                s.held,
                s.minimum
            ),
            owner,
            due: today,
            state: DueState::Overdue,
        });
    }
    crate::governance::sort(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> DeviceInput {
        DeviceInput {
            id: "mc-tab-01".into(),
            service: "maple-court".into(),
            kind: "Tablet".into(),
            model: "Samsung Galaxy Tab A8".into(),
            serial: "R9XT30ABC".into(),
            bought: "2023-01-10".into(),
            end_of_life: "2027-01-10".into(),
            battery_health: "76%".into(),
            battery_cycles: "".into(),
            assigned_to: "Medication round".into(),
            status: "".into(),
            owner: "s-amara-osei".into(),
        }
    }

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    type Set = Box<dyn Fn(&mut DeviceInput)>;
    fn set(f: impl Fn(&mut DeviceInput) + 'static) -> Set {
        Box::new(f)
    }

    #[test]
    fn a_device_is_read_and_each_bad_field_is_named() {
        let d = input().parse().unwrap();
        assert_eq!(d.kind, DeviceKind::Tablet);
        assert_eq!(d.status, DeviceStatus::InUse, "assigned, so in use");
        assert_eq!(d.battery_health, Some(76));
        assert_eq!(d.battery_cycles, None, "not stated stays not stated");
        let spare = DeviceInput {
            assigned_to: "".into(),
            ..input()
        };
        assert_eq!(spare.parse().unwrap().status, DeviceStatus::Spare);
        for (f, set) in [
            ("id", set(|i| i.id = "Tab 1".into())),
            ("kind", set(|i| i.kind = "toaster".into())),
            ("model", set(|i| i.model = " ".into())),
            ("end_of_life", set(|i| i.end_of_life = "soon".into())),
            ("end_of_life", set(|i| i.end_of_life = "2022-01-01".into())),
            ("battery_health", set(|i| i.battery_health = "140".into())),
            ("battery_cycles", set(|i| i.battery_cycles = "-3".into())),
            ("status", set(|i| i.status = "lost".into())),
            ("owner", set(|i| i.owner = "".into())),
        ] {
            let mut i = input();
            set(&mut i);
            let e = i.parse().unwrap_err();
            assert_eq!(e.field, f, "{e}");
            assert!(e.record.contains("device"), "{e}");
        }
        assert_eq!(DeviceInput::from_device(&d).parse().unwrap(), d);
    }

    #[test]
    fn the_programme_flags_end_of_life_batteries_failures_and_spares() {
        let today = date("2026-12-02");
        let mut a = input().parse().unwrap();
        a.battery_health = Some(90);
        a.end_of_life = date("2027-06-01");
        let mut b = a.clone();
        b.id = AssetId::parse("mc-tab-02").unwrap();
        b.end_of_life = date("2027-01-15");
        let mut c = a.clone();
        c.id = AssetId::parse("mc-tab-03").unwrap();
        c.battery_health = Some(71);
        c.status = DeviceStatus::Failed;
        let mut old = a.clone();
        old.id = AssetId::parse("mc-tab-00").unwrap();
        old.end_of_life = date("2025-01-01");
        old.status = DeviceStatus::Retired;
        let min = SparesMinimum {
            service: a.service.clone(),
            kind: DeviceKind::Tablet,
            minimum: 1,
            owner: a.owner.clone(),
        };
        let failed = |id: &AssetId| (id.as_str() == "mc-tab-03").then(|| date("2026-12-01"));
        let p = programme(&[a, b, c, old], &[min], &failed, today);
        let whats: Vec<(&str, DueState)> =
            p.iter().map(|i| (i.subject.as_str(), i.state)).collect();
        assert_eq!(
            whats,
            vec![
                ("mc-tab-03", DueState::Overdue),
                ("spares-maple-court-tablet", DueState::Overdue),
                ("mc-tab-03", DueState::DueSoon),
                ("mc-tab-02", DueState::DueSoon),
            ],
            "{p:#?}"
        );
        assert!(p[1].what.contains("0 held, minimum 1"));
        assert!(p.iter().all(|i| i.subject != "mc-tab-00"), "retired is out");
    }
}
