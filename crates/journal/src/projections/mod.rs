//! Projections: the current-state tables, updated from each event in the same transaction as its
//! append, and rebuildable from the events alone. [`apply`] routes each event to its area's
//! projection (one file per area, beside that area's queries); the match is exhaustive, so a new
//! kind of event does not compile until it is given an area.

pub(crate) mod admin;
pub(crate) mod audits;
pub(crate) mod disruption;
pub(crate) mod governance;
pub(crate) mod interop;
pub(crate) mod people;
pub(crate) mod printing;
pub(crate) mod programme;
pub(crate) mod readiness;
pub(crate) mod recovery;
pub(crate) mod referrals;

use crate::JournalError;
use lantern_core::event::Event;
use lantern_core::mei::{SectionRecord, VersionRef};
use rusqlite::{Connection, OptionalExtension, params};

/// Where an event sits: its local position and identity.
pub(crate) struct At<'a> {
    pub pos: i64,
    pub node_id: &'a str,
    pub seq: u64,
    pub recorded_at: &'a str,
    pub occurred_at: &'a str,
    pub actor: &'a str,
}

impl<'a> At<'a> {
    /// Where a stored event sits, at local position `pos`.
    pub(crate) fn of(pos: i64, ev: &'a crate::record::StoredEvent) -> At<'a> {
        At {
            pos,
            node_id: &ev.node_id,
            seq: ev.seq,
            recorded_at: &ev.recorded_at,
            occurred_at: &ev.occurred_at,
            actor: &ev.actor,
        }
    }
}

pub(crate) fn json<T: serde::Serialize>(v: &T) -> String {
    // Serialising our own plain data types cannot fail.
    serde_json::to_string(v).unwrap_or_default()
}

pub(crate) fn rejected(ev: &Event, detail: impl Into<String>) -> JournalError {
    JournalError::Rejected {
        kind: ev.kind().into(),
        detail: detail.into(),
    }
}

/// Record the last event that changed data (see `p_version`); callers do this once per
/// transaction, with the position of its last event for which [`apply`] returned true.
pub(crate) fn set_data_version(conn: &Connection, pos: Option<i64>) -> Result<(), JournalError> {
    if let Some(pos) = pos {
        exec(
            conn,
            "INSERT OR REPLACE INTO p_version (id, data_pos) VALUES (1, ?1)",
            [pos],
        )?;
    }
    Ok(())
}

/// Apply one event to the projections. Returns whether it changed data (anything but the audit
/// trail of reads).
pub(crate) fn apply(conn: &Connection, at: &At<'_>, ev: &Event) -> Result<bool, JournalError> {
    // Reads are in the audit trail, not in a person's history of changes.
    if let Some(p) = ev
        .person()
        .filter(|_| !matches!(ev, Event::MeiViewed { .. } | Event::MeiReads { .. }))
    {
        exec(
            conn,
            "INSERT OR IGNORE INTO p_person_events (person, pos) VALUES (?1, ?2)",
            params![p.as_str(), at.pos],
        )?;
    }
    if ev.disruption().is_some() {
        disruption::project_disruption(conn, at, ev)?;
    }
    match ev {
        Event::OrgInitialised { .. }
        | Event::ServiceAdded(_)
        | Event::StaffAdded(_)
        | Event::PartnerAdded(_)
        | Event::ContactAdded(_)
        | Event::AccountCreated { .. }
        | Event::NodeEnrolled { .. }
        | Event::NodeRetired { .. }
        | Event::RestoreTested { .. }
        | Event::PasswordChanged { .. } => admin::project(conn, at, ev)?,
        Event::PersonAdded(_)
        | Event::MeiSectionSet { .. }
        | Event::MeiSectionConfirmed { .. }
        | Event::MeiSectionMarked { .. }
        | Event::VisitPlanned(_)
        | Event::MeiViewed { .. }
        | Event::MeiReads { .. }
        | Event::PersonUpdated(_)
        | Event::DuplicateDecided { .. }
        | Event::CallLogged(_) => people::project(conn, at, ev)?,
        Event::RuleSetPublished { .. }
        | Event::ReadinessChecked { .. }
        | Event::DecisionRecorded { .. } => readiness::project(conn, at, ev)?,
        Event::SourceRecordsImported { .. }
        | Event::SourceRecordsMissing { .. }
        | Event::SourceRecordsHeld { .. }
        | Event::IdentityConflictResolved { .. }
        | Event::SourceAdded(_) => interop::project(conn, at, ev)?,
        Event::Printed(_) | Event::PrintDestroyed { .. } => printing::project(conn, at, ev)?,
        Event::DependencyStatusSet { .. }
        | Event::DependencyRegistered(_)
        | Event::ProbeObserved { .. }
        | Event::DisruptionProposed { .. }
        | Event::DisruptionDeclared(_)
        | Event::DisruptionStageChanged { .. }
        | Event::DutyAssigned { .. }
        | Event::PlaybookTicked { .. }
        | Event::DowntimeRecorded(_)
        | Event::EscalationStarted(_)
        | Event::EscalationStep { .. }
        | Event::NotificationAttempted { .. }
        | Event::EscalationAcknowledged { .. }
        | Event::LadderDefined(_) => disruption::project(conn, at, ev)?,
        Event::RecordsExported { .. }
        | Event::RecordsReconciled { .. }
        | Event::ReviewRecorded(_)
        | Event::IntegrityAudited(_)
        | Event::ActionsScheduled { .. }
        | Event::ActionUpdated { .. }
        | Event::ActionAdded { .. } => recovery::project(conn, at, ev)?,
        Event::DeviceRecorded { .. }
        | Event::DeviceLogged { .. }
        | Event::DeviceReplaced { .. }
        | Event::SparesMinimumSet(_)
        | Event::RiskRecorded { .. }
        | Event::RiskReviewed { .. }
        | Event::RiskAssessmentRecorded(_)
        | Event::SupplierRecorded { .. }
        | Event::SupplierEventRecorded { .. }
        | Event::SupplierReviewClosed { .. }
        | Event::ExitPlanSet { .. }
        | Event::ExportTested(_)
        | Event::AssuranceChecked(_)
        | Event::GuidancePublished { .. }
        | Event::GuidanceAcknowledged { .. } => governance::project(conn, at, ev)?,
        Event::OnCallShiftAdded(_)
        | Event::OnCallShiftCancelled { .. }
        | Event::CommsRuleSet(_)
        | Event::CommsRuleRemoved { .. }
        | Event::NearMissRecorded(_)
        | Event::NearMissReviewed(_)
        | Event::DrillScheduled(_)
        | Event::DrillStarted { .. }
        | Event::DrillHeld(_)
        | Event::MeetingScheduled(_)
        | Event::MinutesRecorded(_)
        | Event::TrainingCompleted(_)
        | Event::DocumentVersioned(_)
        | Event::DocumentApproved { .. }
        | Event::DocumentAcknowledged { .. } => programme::project(conn, at, ev)?,
        Event::ReferralReceived(_)
        | Event::ReferralStarted { .. }
        | Event::ReferralDelayed { .. }
        | Event::ReferralDeclined { .. } => referrals::project(conn, at, ev)?,
        Event::AuditSignedOff(_) => audits::project(conn, at, ev)?,
    }
    Ok(!matches!(
        ev,
        Event::MeiViewed { .. } | Event::MeiReads { .. }
    ))
}

pub(crate) fn exec(
    conn: &Connection,
    sql: &str,
    p: impl rusqlite::Params,
) -> rusqlite::Result<usize> {
    conn.prepare_cached(sql)?.execute(p)
}

fn insert_unique(
    conn: &Connection,
    ev: &Event,
    sql: &str,
    p: impl rusqlite::Params,
    what: &str,
) -> Result<(), JournalError> {
    match exec(conn, sql, p) {
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            Err(rejected(ev, format!("{what} already exists")))
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) fn load_section(
    conn: &Connection,
    person: &str,
    section: &str,
) -> Result<Option<SectionRecord>, JournalError> {
    let doc: Option<String> = conn
        .prepare_cached("SELECT doc FROM p_mei WHERE person = ?1 AND section = ?2")?
        .query_row([person, section], |r| r.get(0))
        .optional()?;
    doc.map(|d| {
        serde_json::from_str(&d)
            .map_err(|e| JournalError::corrupt(format!("{section} section of {person}"), e))
    })
    .transpose()
}

fn save_section(
    conn: &Connection,
    person: &str,
    section: &str,
    rec: &SectionRecord,
) -> Result<(), JournalError> {
    save_doc(conn, person, section, rec, &json(rec))
}

/// Store a section's document, with the few fields its status needs as columns so that readiness
/// over a whole caseload never parses documents.
fn save_doc(
    conn: &Connection,
    person: &str,
    section: &str,
    rec: &SectionRecord,
    doc: &str,
) -> Result<(), JournalError> {
    exec(
        conn,
        "INSERT OR REPLACE INTO p_mei
         (person, section, version_node, version_seq, stale_at, mark, conflicts, method, doc, conditions)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            person,
            section,
            rec.version.node,
            rec.version.seq as i64,
            rec.provenance.stale_at().to_string(),
            rec.mark.as_ref().map(|m| m.kind().as_str()),
            rec.conflicts.len() as i64,
            json(&rec.provenance.method.kind()).trim_matches('"'),
            doc,
            i64::from(lantern_core::mei::conditions(&rec.content).0),
        ],
    )?;
    Ok(())
}

fn current_version(
    conn: &Connection,
    person: &str,
    section: &str,
) -> Result<Option<VersionRef>, JournalError> {
    Ok(conn
        .prepare_cached(
            "SELECT version_node, version_seq FROM p_mei WHERE person = ?1 AND section = ?2",
        )?
        .query_row([person, section], |r| {
            Ok(VersionRef {
                node: r.get(0)?,
                seq: r.get::<_, i64>(1)? as u64,
            })
        })
        .optional()?)
}

/// The projection tables, for rebuild and comparison.
pub(crate) fn tables(conn: &Connection) -> Result<Vec<String>, JournalError> {
    let mut st = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'p\\_%' ESCAPE '\\' ORDER BY name")?;
    let names = st
        .query_map([], |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(names)
}
