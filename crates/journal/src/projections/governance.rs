//! The governance registers: the asset register (devices, their log, spares minima) and the
//! pathway risk register (risks, their history, digital risk assessments).

use super::*;
use crate::Journal;
use lantern_core::asset::{Device, DeviceStatus, SparesMinimum};
use lantern_core::risk::{Assessment, Risk};
use lantern_core::supplier::{ExitPlan, ExportTest, Supplier};

fn load(conn: &Connection, id: &str) -> Result<Option<(Device, Option<String>)>, JournalError> {
    let row: Option<(String, Option<String>)> = conn
        .prepare_cached("SELECT doc, failed_at FROM p_devices WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(doc, f)| {
        Ok((
            serde_json::from_str(&doc).map_err(|e| JournalError::corrupt("device", e))?,
            f,
        ))
    })
    .transpose()
}

/// Store a device, keeping when it failed while it stays failed.
fn store(
    conn: &Connection,
    at: &At<'_>,
    d: &Device,
    before: Option<&(Device, Option<String>)>,
) -> Result<(), JournalError> {
    let failed_at = match (d.status, before) {
        (DeviceStatus::Failed, Some((b, Some(f)))) if b.status == DeviceStatus::Failed => {
            Some(f.clone())
        }
        (DeviceStatus::Failed, _) => Some(at.occurred_at.to_string()),
        _ => None,
    };
    exec(
        conn,
        "INSERT OR REPLACE INTO p_devices (id, service, status, failed_at, doc) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            d.id.as_str(),
            d.service.as_str(),
            d.status.as_str(),
            failed_at,
            json(d)
        ],
    )?;
    Ok(())
}

fn log(
    conn: &Connection,
    at: &At<'_>,
    device: &str,
    entry: &str,
    note: &str,
    disruption: Option<&str>,
) -> Result<(), JournalError> {
    exec(
        conn,
        "INSERT INTO p_device_log (device, pos, at, actor, entry, note, disruption) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            device,
            at.pos,
            at.occurred_at,
            at.actor,
            entry,
            note,
            disruption
        ],
    )?;
    Ok(())
}

/// Apply one event of this area to its projections (routed here by `projections::apply`).
pub(crate) fn project(conn: &Connection, at: &At<'_>, ev: &Event) -> Result<(), JournalError> {
    match ev {
        Event::DeviceRecorded { device, reason } => {
            let before = load(conn, device.id.as_str())?;
            store(conn, at, device, before.as_ref())?;
            let entry = if before.is_some() {
                "edited"
            } else {
                "registered"
            };
            log(conn, at, device.id.as_str(), entry, reason, None)?;
        }
        Event::DeviceLogged {
            device,
            entry,
            note,
            disruption,
        } => {
            let before = load(conn, device.as_str())?
                .ok_or_else(|| rejected(ev, format!("no device {device} in the register")))?;
            let mut d = before.0.clone();
            d.status = entry.status_after(d.status);
            store(conn, at, &d, Some(&before))?;
            log(
                conn,
                at,
                device.as_str(),
                entry.as_str(),
                note,
                disruption.as_ref().map(|d| d.as_str()),
            )?;
        }
        Event::DeviceReplaced {
            failed,
            spare,
            note,
        } => {
            let old = load(conn, failed.as_str())?
                .ok_or_else(|| rejected(ev, format!("no device {failed} in the register")))?;
            let new = load(conn, spare.as_str())?
                .ok_or_else(|| rejected(ev, format!("no device {spare} in the register")))?;
            let mut o = old.0.clone();
            o.status = DeviceStatus::Retired;
            let mut n = new.0.clone();
            n.status = DeviceStatus::InUse;
            n.assigned_to = o.assigned_to.clone();
            store(conn, at, &o, Some(&old))?;
            store(conn, at, &n, Some(&new))?;
            let with = |s: &str| {
                if note.is_empty() {
                    s.to_string()
                } else {
                    format!("{s}: {note}")
                }
            };
            log(
                conn,
                at,
                failed.as_str(),
                "replaced",
                &with(&format!("replaced by spare {spare}")),
                None,
            )?;
            log(
                conn,
                at,
                spare.as_str(),
                "brought_into_use",
                &with(&format!("in place of {failed}")),
                None,
            )?;
        }
        Event::RiskRecorded { risk, reason } => {
            let before = load_risk(conn, risk.id.as_str())?;
            store_risk(conn, risk)?;
            exec(
                conn,
                "INSERT INTO p_risk_history (risk, pos, at, actor, what, note, residual) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    risk.id.as_str(),
                    at.pos,
                    at.occurred_at,
                    at.actor,
                    if before.is_some() { "edited" } else { "added" },
                    reason,
                    risk.residual.value()
                ],
            )?;
        }
        Event::RiskReviewed {
            risk,
            residual,
            status,
            review_by,
            note,
        } => {
            let mut r = load_risk(conn, risk.as_str())?
                .ok_or_else(|| rejected(ev, format!("no risk {risk} in the register")))?;
            r.residual = *residual;
            r.status = *status;
            r.review_by = *review_by;
            store_risk(conn, &r)?;
            exec(
                conn,
                "INSERT INTO p_risk_history (risk, pos, at, actor, what, note, residual) VALUES (?1, ?2, ?3, ?4, 'reviewed', ?5, ?6)",
                params![
                    risk.as_str(),
                    at.pos,
                    at.occurred_at,
                    at.actor,
                    note,
                    residual.value()
                ],
            )?;
        }
        Event::RiskAssessmentRecorded(a) => {
            exec(
                conn,
                "INSERT OR REPLACE INTO p_assessments (id, decided_on, doc) VALUES (?1, ?2, ?3)",
                params![a.id.as_str(), a.decided_on.to_string(), json(a)],
            )?;
        }
        Event::SupplierRecorded { supplier, reason } => {
            let before = load_supplier(conn, supplier.id.as_str())?;
            exec(
                conn,
                "INSERT INTO p_suppliers (id, review_opened, doc) VALUES (?1, NULL, ?2)
                 ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
                params![supplier.id.as_str(), json(supplier)],
            )?;
            let what = if before.is_some() { "edited" } else { "added" };
            supplier_log(conn, at, supplier.id.as_str(), what, reason)?;
        }
        Event::SupplierEventRecorded {
            supplier,
            happened,
            on,
            note,
        } => {
            load_supplier(conn, supplier.as_str())?
                .ok_or_else(|| rejected(ev, format!("no supplier {supplier}")))?;
            if happened.opens_review() {
                exec(
                    conn,
                    "UPDATE p_suppliers SET review_opened = COALESCE(review_opened, ?2) WHERE id = ?1",
                    params![supplier.as_str(), on.to_string()],
                )?;
            }
            supplier_log(conn, at, supplier.as_str(), happened.as_str(), note)?;
        }
        Event::SupplierReviewClosed { supplier, outcome } => {
            load_supplier(conn, supplier.as_str())?
                .ok_or_else(|| rejected(ev, format!("no supplier {supplier}")))?;
            exec(
                conn,
                "UPDATE p_suppliers SET review_opened = NULL WHERE id = ?1",
                params![supplier.as_str()],
            )?;
            supplier_log(conn, at, supplier.as_str(), "review_closed", outcome)?;
        }
        Event::ExitPlanSet { supplier, plan } => {
            load_supplier(conn, supplier.as_str())?
                .ok_or_else(|| rejected(ev, format!("no supplier {supplier}")))?;
            exec(
                conn,
                "INSERT OR REPLACE INTO p_exit_plans (supplier, doc) VALUES (?1, ?2)",
                params![supplier.as_str(), json(plan)],
            )?;
            let done = plan.steps.iter().filter(|s| s.done).count();
            supplier_log(
                conn,
                at,
                supplier.as_str(),
                "exit_plan",
                &format!("{} steps ({done} done)", plan.steps.len()),
            )?;
        }
        Event::ExportTested(t) => {
            let sup = t.supplier.as_ref().map(|s| s.as_str()).unwrap_or("");
            exec(
                conn,
                "INSERT INTO p_export_tests (pos, supplier, at, actor, doc) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![at.pos, sup, at.occurred_at, at.actor, json(t)],
            )?;
            if !sup.is_empty() {
                supplier_log(
                    conn,
                    at,
                    sup,
                    "export_tested",
                    &format!(
                        "{}: {} of {} people, {} of {} sections{}",
                        t.file,
                        t.people_found,
                        t.people_expected,
                        t.sections_found,
                        t.sections_expected,
                        if t.complete {
                            ", complete"
                        } else {
                            ", gaps found"
                        }
                    ),
                )?;
            }
        }
        Event::AssuranceChecked(c) => {
            exec(
                conn,
                "INSERT INTO p_assurance_checks (pos, partner, kind, doc) VALUES (?1, ?2, ?3, ?4)",
                params![at.pos, c.partner.as_str(), c.check.as_str(), json(c)],
            )?;
        }
        Event::GuidancePublished {
            partner,
            version,
            text,
        } => {
            insert_unique(
                conn,
                ev,
                "INSERT INTO p_guidance (partner, version, text, published_at, published_by) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![partner.as_str(), version, text, at.occurred_at, at.actor],
                "that version of the guidance",
            )?;
        }
        Event::GuidanceAcknowledged { partner, version } => {
            exec(
                conn,
                "INSERT OR IGNORE INTO p_guidance_acks (partner, version, actor, at) VALUES (?1, ?2, ?3, ?4)",
                params![partner.as_str(), version, at.actor, at.occurred_at],
            )?;
        }
        Event::SparesMinimumSet(m) => {
            exec(
                conn,
                "INSERT OR REPLACE INTO p_spares_minimum (service, kind, doc) VALUES (?1, ?2, ?3)",
                params![m.service.as_str(), m.kind.as_str(), json(m)],
            )?;
        }
        _ => {}
    }
    Ok(())
}

fn load_risk(conn: &Connection, id: &str) -> Result<Option<Risk>, JournalError> {
    let doc: Option<String> = conn
        .prepare_cached("SELECT doc FROM p_risks WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    doc.map(|d| serde_json::from_str(&d).map_err(|e| JournalError::corrupt("risk", e)))
        .transpose()
}

fn store_risk(conn: &Connection, r: &Risk) -> Result<(), JournalError> {
    exec(
        conn,
        "INSERT OR REPLACE INTO p_risks (id, status, review_by, doc) VALUES (?1, ?2, ?3, ?4)",
        params![
            r.id.as_str(),
            r.status.as_str(),
            r.review_by.to_string(),
            json(r)
        ],
    )?;
    Ok(())
}

/// One entry of a risk's history.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct RiskHistoryRow {
    /// When (RFC 3339).
    pub at: String,
    /// Who.
    pub actor: String,
    /// added, edited or reviewed.
    pub what: String,
    /// Why, or what the review found.
    pub note: String,
    /// The residual score after it.
    pub residual: u8,
}

impl Journal {
    /// Every risk in the register, by identifier.
    pub fn risks(&self) -> Result<Vec<Risk>, JournalError> {
        self.docs("risk", "SELECT doc FROM p_risks ORDER BY id", [])
    }

    /// One risk.
    pub fn risk(&self, id: &str) -> Result<Option<Risk>, JournalError> {
        load_risk(&self.conn, id)
    }

    /// A risk's history, oldest first.
    pub fn risk_history(&self, id: &str) -> Result<Vec<RiskHistoryRow>, JournalError> {
        let mut st = self.conn.prepare_cached(
            "SELECT at, actor, what, note, residual FROM p_risk_history WHERE risk = ?1 ORDER BY pos",
        )?;
        let rows = st
            .query_map([id], |r| {
                Ok(RiskHistoryRow {
                    at: r.get(0)?,
                    actor: r.get(1)?,
                    what: r.get(2)?,
                    note: r.get(3)?,
                    residual: r.get(4)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Every digital risk assessment, newest decision first.
    pub fn assessments(&self) -> Result<Vec<Assessment>, JournalError> {
        self.docs(
            "risk assessment",
            "SELECT doc FROM p_assessments ORDER BY decided_on DESC, id",
            [],
        )
    }
}

fn load_supplier(conn: &Connection, id: &str) -> Result<Option<SupplierRow>, JournalError> {
    let row: Option<(String, Option<String>)> = conn
        .prepare_cached("SELECT doc, review_opened FROM p_suppliers WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(doc, review_opened)| {
        Ok(SupplierRow {
            supplier: serde_json::from_str(&doc)
                .map_err(|e| JournalError::corrupt("supplier", e))?,
            review_opened,
        })
    })
    .transpose()
}

fn supplier_log(
    conn: &Connection,
    at: &At<'_>,
    supplier: &str,
    what: &str,
    note: &str,
) -> Result<(), JournalError> {
    exec(
        conn,
        "INSERT INTO p_supplier_log (supplier, pos, at, actor, what, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![supplier, at.pos, at.occurred_at, at.actor, what, note],
    )?;
    Ok(())
}

/// A supplier with the date its open review began, if one is open.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct SupplierRow {
    /// The supplier.
    pub supplier: Supplier,
    /// When the open review began (YYYY-MM-DD).
    pub review_opened: Option<String>,
}

/// One entry of a supplier's log.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct SupplierLogRow {
    /// When (RFC 3339).
    pub at: String,
    /// Who.
    pub actor: String,
    /// added, edited, an event kind, review_closed, exit_plan, export_tested.
    pub what: String,
    /// In words.
    pub note: String,
}

/// A data export test with when and by whom.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct ExportTestRow {
    /// When (RFC 3339).
    pub at: String,
    /// Who.
    pub actor: String,
    /// What it found.
    pub test: ExportTest,
}

impl Journal {
    /// Every supplier, by identifier.
    pub fn suppliers(&self) -> Result<Vec<SupplierRow>, JournalError> {
        let mut st = self
            .conn
            .prepare_cached("SELECT id FROM p_suppliers ORDER BY id")?;
        let ids = st
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        ids.iter()
            .filter_map(|id| load_supplier(&self.conn, id).transpose())
            .collect()
    }

    /// One supplier.
    pub fn supplier(&self, id: &str) -> Result<Option<SupplierRow>, JournalError> {
        load_supplier(&self.conn, id)
    }

    /// A supplier's log, oldest first.
    pub fn supplier_log(&self, id: &str) -> Result<Vec<SupplierLogRow>, JournalError> {
        let mut st = self.conn.prepare_cached(
            "SELECT at, actor, what, note FROM p_supplier_log WHERE supplier = ?1 ORDER BY pos",
        )?;
        let rows = st
            .query_map([id], |r| {
                Ok(SupplierLogRow {
                    at: r.get(0)?,
                    actor: r.get(1)?,
                    what: r.get(2)?,
                    note: r.get(3)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// A supplier's exit plan, if drafted.
    pub fn exit_plan(&self, supplier: &str) -> Result<Option<ExitPlan>, JournalError> {
        Ok(self
            .docs(
                "exit plan",
                "SELECT doc FROM p_exit_plans WHERE supplier = ?1",
                [supplier],
            )?
            .pop())
    }

    /// Export tests, newest first: one supplier's, or Lantern's own with `""`, or all with `None`.
    pub fn export_tests(&self, supplier: Option<&str>) -> Result<Vec<ExportTestRow>, JournalError> {
        let mut st = self.conn.prepare_cached(
            "SELECT at, actor, doc FROM p_export_tests WHERE ?1 IS NULL OR supplier = ?1 ORDER BY pos DESC",
        )?;
        let rows = st
            .query_map([supplier], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(at, actor, doc)| {
                Ok(ExportTestRow {
                    at,
                    actor,
                    test: serde_json::from_str(&doc)
                        .map_err(|e| JournalError::corrupt("export test", e))?,
                })
            })
            .collect()
    }
}

/// A version of a subcontractor's downtime guidance.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct GuidanceRow {
    /// Its version.
    pub version: u32,
    /// The guidance.
    pub text: String,
    /// When published (RFC 3339).
    pub published_at: String,
    /// By whom.
    pub published_by: String,
}

impl Journal {
    /// The latest assurance check of each kind for an organisation.
    pub fn latest_assurance(
        &self,
        partner: &str,
    ) -> Result<Vec<lantern_core::assurance::AssuranceCheck>, JournalError> {
        self.docs(
            "assurance check",
            "SELECT doc FROM p_assurance_checks c WHERE partner = ?1
             AND pos = (SELECT MAX(pos) FROM p_assurance_checks d WHERE d.partner = c.partner AND d.kind = c.kind)
             ORDER BY kind",
            [partner],
        )
    }

    /// Every assurance check of an organisation, newest first, with who recorded it.
    pub fn assurance_history(
        &self,
        partner: &str,
    ) -> Result<Vec<lantern_core::assurance::AssuranceCheck>, JournalError> {
        self.docs(
            "assurance check",
            "SELECT doc FROM p_assurance_checks WHERE partner = ?1 ORDER BY pos DESC",
            [partner],
        )
    }

    /// An organisation's current downtime guidance (its highest version).
    pub fn current_guidance(&self, partner: &str) -> Result<Option<GuidanceRow>, JournalError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT version, text, published_at, published_by FROM p_guidance WHERE partner = ?1 ORDER BY version DESC LIMIT 1",
            )?
            .query_row([partner], |r| {
                Ok(GuidanceRow {
                    version: r.get(0)?,
                    text: r.get(1)?,
                    published_at: r.get(2)?,
                    published_by: r.get(3)?,
                })
            })
            .optional()?)
    }

    /// Who acknowledged a version of an organisation's guidance: actor and when.
    pub fn guidance_acks(
        &self,
        partner: &str,
        version: u32,
    ) -> Result<Vec<(String, String)>, JournalError> {
        let mut st = self.conn.prepare_cached(
            "SELECT actor, at FROM p_guidance_acks WHERE partner = ?1 AND version = ?2 ORDER BY at",
        )?;
        let rows = st
            .query_map(params![partner, version], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}

/// A device with when it failed, if it is failed now.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct DeviceRow {
    /// The device as it stands.
    pub device: Device,
    /// When it failed (RFC 3339), while it is failed.
    pub failed_at: Option<String>,
}

/// One entry of a device's log.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct DeviceLogRow {
    /// When it happened (RFC 3339).
    pub at: String,
    /// Who recorded it.
    pub actor: String,
    /// registered, edited, maintenance, failure, sent_for_repair, repaired, retired, replaced,
    /// brought_into_use.
    pub entry: String,
    /// In words.
    pub note: String,
    /// The disruption declared for it, if one was.
    pub disruption: Option<String>,
}

impl Journal {
    /// Every device in the register, by service and asset tag.
    pub fn devices(&self) -> Result<Vec<DeviceRow>, JournalError> {
        let mut st = self
            .conn
            .prepare_cached("SELECT doc, failed_at FROM p_devices ORDER BY service, id")?;
        let rows = st
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(doc, failed_at)| {
                Ok(DeviceRow {
                    device: serde_json::from_str(&doc)
                        .map_err(|e| JournalError::corrupt("device", e))?,
                    failed_at,
                })
            })
            .collect()
    }

    /// One device.
    pub fn device(&self, id: &str) -> Result<Option<DeviceRow>, JournalError> {
        Ok(load(&self.conn, id)?.map(|(device, failed_at)| DeviceRow { device, failed_at }))
    }

    /// A device's log, oldest first.
    pub fn device_log(&self, id: &str) -> Result<Vec<DeviceLogRow>, JournalError> {
        let mut st = self.conn.prepare_cached(
            "SELECT at, actor, entry, note, disruption FROM p_device_log WHERE device = ?1 ORDER BY pos",
        )?;
        let rows = st
            .query_map([id], |r| {
                Ok(DeviceLogRow {
                    at: r.get(0)?,
                    actor: r.get(1)?,
                    entry: r.get(2)?,
                    note: r.get(3)?,
                    disruption: r.get(4)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// The spares minimum of every service and kind that has one.
    pub fn spares_minima(&self) -> Result<Vec<SparesMinimum>, JournalError> {
        self.docs(
            "spares minimum",
            "SELECT doc FROM p_spares_minimum ORDER BY service, kind",
            [],
        )
    }
}
