//! Schema migrations, numbered by SQLite's `user_version`. Append only: never edit a shipped step.

use crate::JournalError;
use rusqlite::Connection;

/// Each step moves the schema from version i to i+1.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: the journal, node keys and heads, and the first projections.
    r#"
    CREATE TABLE nodes (
        node_id    TEXT PRIMARY KEY,
        public_key TEXT NOT NULL,
        is_local   INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE events (
        pos         INTEGER PRIMARY KEY,
        node_id     TEXT NOT NULL,
        seq         INTEGER NOT NULL,
        occurred_at TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        actor       TEXT NOT NULL,
        kind        TEXT NOT NULL,
        payload     TEXT NOT NULL,
        prev_hash   TEXT NOT NULL,
        hash        TEXT NOT NULL,
        signature   TEXT NOT NULL,
        UNIQUE (node_id, seq)
    );
    CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only: record a correction instead'); END;
    CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only: record a correction instead'); END;
    CREATE TABLE node_heads (
        node_id TEXT PRIMARY KEY,
        seq     INTEGER NOT NULL,
        hash    TEXT NOT NULL
    );

    CREATE TABLE p_org (id INTEGER PRIMARY KEY CHECK (id = 1), name TEXT NOT NULL);
    CREATE TABLE p_services (id TEXT PRIMARY KEY, name TEXT NOT NULL, doc TEXT NOT NULL);
    CREATE TABLE p_staff (id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, doc TEXT NOT NULL);
    CREATE TABLE p_partners (id TEXT PRIMARY KEY, name TEXT NOT NULL, doc TEXT NOT NULL);
    CREATE TABLE p_contacts (id TEXT PRIMARY KEY, partner TEXT NOT NULL, doc TEXT NOT NULL);
    CREATE TABLE p_people (
        id          TEXT PRIMARY KEY,
        family_name TEXT NOT NULL,
        given_name  TEXT NOT NULL,
        service     TEXT NOT NULL,
        nhs_number  TEXT UNIQUE,
        doc         TEXT NOT NULL
    );
    CREATE INDEX p_people_service ON p_people (service, family_name);
    CREATE TABLE p_mei (
        person       TEXT NOT NULL,
        section      TEXT NOT NULL,
        version_node TEXT NOT NULL,
        version_seq  INTEGER NOT NULL,
        stale_at     TEXT NOT NULL,
        mark         TEXT,
        conflicts    INTEGER NOT NULL,
        method       TEXT NOT NULL,
        doc          TEXT NOT NULL,
        PRIMARY KEY (person, section)
    );
    CREATE TABLE p_mei_versions (
        person  TEXT NOT NULL,
        section TEXT NOT NULL,
        node_id TEXT NOT NULL,
        seq     INTEGER NOT NULL,
        doc     TEXT NOT NULL,
        PRIMARY KEY (person, section, node_id, seq)
    );
    CREATE TABLE p_rule_sets (
        handover TEXT NOT NULL,
        version  INTEGER NOT NULL,
        doc      TEXT NOT NULL,
        reason   TEXT NOT NULL,
        author   TEXT NOT NULL,
        published_at TEXT NOT NULL,
        PRIMARY KEY (handover, version)
    );
    CREATE TABLE p_dependencies (
        id       TEXT PRIMARY KEY,
        degraded INTEGER NOT NULL,
        note     TEXT NOT NULL,
        since    TEXT NOT NULL
    );
    CREATE TABLE p_readiness (
        person   TEXT NOT NULL,
        handover TEXT NOT NULL,
        outcome  TEXT NOT NULL,
        doc      TEXT NOT NULL,
        pos      INTEGER NOT NULL,
        PRIMARY KEY (person, handover)
    );
    CREATE TABLE p_decisions (id TEXT PRIMARY KEY, person TEXT NOT NULL, doc TEXT NOT NULL, pos INTEGER NOT NULL);
    CREATE TABLE p_visits (
        id      TEXT PRIMARY KEY,
        person  TEXT NOT NULL,
        service TEXT NOT NULL,
        start   TEXT NOT NULL,
        doc     TEXT NOT NULL
    );
    CREATE INDEX p_visits_start ON p_visits (start);
    CREATE TABLE p_person_events (person TEXT NOT NULL, pos INTEGER NOT NULL, PRIMARY KEY (person, pos));
    "#,
    // 2: accounts, the audit trail of reads, calls, visit assignments, and web sessions.
    r#"
    ALTER TABLE p_staff ADD COLUMN partner TEXT;
    CREATE TABLE p_visit_carers (
        visit  TEXT NOT NULL,
        person TEXT NOT NULL,
        staff  TEXT NOT NULL,
        PRIMARY KEY (visit, staff)
    );
    CREATE INDEX p_visit_carers_staff ON p_visit_carers (staff, person);
    CREATE TABLE p_accounts (
        username      TEXT PRIMARY KEY,
        staff         TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        doc           TEXT NOT NULL
    );
    CREATE TABLE p_audit (
        pos         INTEGER PRIMARY KEY,
        recorded_at TEXT NOT NULL,
        actor       TEXT NOT NULL,
        person      TEXT NOT NULL,
        sections    TEXT NOT NULL,
        channel     TEXT NOT NULL,
        break_glass TEXT
    );
    CREATE INDEX p_audit_person ON p_audit (person, pos);
    CREATE TABLE p_calls (
        pos         INTEGER PRIMARY KEY,
        person      TEXT NOT NULL,
        occurred_at TEXT NOT NULL,
        actor       TEXT NOT NULL,
        doc         TEXT NOT NULL
    );
    CREATE INDEX p_calls_person ON p_calls (person, pos);
    -- The position of the last event that changed anything but the audit trail: caches of
    -- derived views (dashboards) are valid while it stays the same.
    CREATE TABLE p_version (id INTEGER PRIMARY KEY CHECK (id = 1), data_pos INTEGER NOT NULL);
    -- Sessions are credentials in use, not records: they live outside the journal, expire, and are
    -- never replicated. Only a hash of each token is stored.
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        username   TEXT NOT NULL,
        csrf       TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    );
    "#,
    // 3: records taken from other systems (FHIR, CSV), their links to people, registered sources.
    r#"
    CREATE TABLE p_source_records (
        source        TEXT NOT NULL,
        resource_type TEXT NOT NULL,
        id            TEXT NOT NULL,
        version_id    TEXT,
        last_updated  TEXT,
        hash          TEXT NOT NULL,
        patient       TEXT,
        summary       TEXT NOT NULL,
        mapped        INTEGER NOT NULL,
        facts         TEXT NOT NULL,
        unmapped      TEXT NOT NULL,
        missing       INTEGER NOT NULL DEFAULT 0,
        imported_at   TEXT NOT NULL,
        -- The raw document stays in the event that brought it (its position, and its index
        -- among that event's records): stored once, not twice.
        event_pos     INTEGER NOT NULL,
        event_index   INTEGER NOT NULL,
        PRIMARY KEY (source, resource_type, id)
    );
    CREATE INDEX p_source_records_patient ON p_source_records (source, patient);
    CREATE TABLE p_source_links (
        source  TEXT NOT NULL,
        patient TEXT NOT NULL,
        person  TEXT NOT NULL,
        PRIMARY KEY (source, patient)
    );
    CREATE INDEX p_source_links_person ON p_source_links (person);
    CREATE TABLE p_sources (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
    -- The print register: every pack and rota printed, and when its copy was destroyed.
    CREATE TABLE p_prints (
        serial       TEXT PRIMARY KEY,
        kind         TEXT NOT NULL,
        service      TEXT NOT NULL,
        printed_at   TEXT NOT NULL,
        printed_by   TEXT NOT NULL,
        doc          TEXT NOT NULL,
        destroyed    TEXT
    );
    "#,
    // 4: running a disruption: the dependency register, probe status, disruptions (each a fold
    // of its events), escalation ladders.
    r#"
    CREATE TABLE p_dependency_register (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
    CREATE TABLE p_probe_status (
        dependency TEXT PRIMARY KEY,
        status     TEXT NOT NULL,
        failures   INTEGER NOT NULL,
        since      TEXT NOT NULL,
        doc        TEXT NOT NULL
    );
    CREATE TABLE p_disruptions (
        id         TEXT PRIMARY KEY,
        stage      TEXT NOT NULL,
        drill      INTEGER NOT NULL,
        started_at TEXT NOT NULL,
        doc        TEXT NOT NULL
    );
    -- A disruption's records and timeline grow for as long as it lasts: kept as rows, not in
    -- its document, so each new record costs the same however many came before.
    CREATE TABLE p_disruption_records (
        disruption TEXT NOT NULL,
        id         TEXT NOT NULL,
        pos        INTEGER NOT NULL,
        fulfils    TEXT,
        doc        TEXT NOT NULL,
        PRIMARY KEY (disruption, id)
    );
    CREATE INDEX p_disruption_records_fulfils ON p_disruption_records (disruption, fulfils);
    CREATE TABLE p_disruption_timeline (
        disruption TEXT NOT NULL,
        pos        INTEGER NOT NULL,
        doc        TEXT NOT NULL,
        PRIMARY KEY (disruption, pos)
    );
    CREATE TABLE p_ladders (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
    -- Post-incident reviews (the latest per disruption) and the quality improvement plan.
    CREATE TABLE p_reviews (disruption TEXT PRIMARY KEY, reviewed_at TEXT NOT NULL, reviewed_by TEXT NOT NULL, doc TEXT NOT NULL);
    CREATE TABLE p_actions (
        id         TEXT PRIMARY KEY,
        disruption TEXT NOT NULL,
        status     TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        note       TEXT NOT NULL,
        doc        TEXT NOT NULL
    );
    -- Integrity audits, for the trend.
    CREATE TABLE p_integrity_audits (pos INTEGER PRIMARY KEY, audited_at TEXT NOT NULL, disruption TEXT, accuracy REAL NOT NULL, doc TEXT NOT NULL);
    -- Where each downtime record stands in reconciliation (absent: outstanding).
    CREATE TABLE p_reconciliation (
        disruption TEXT NOT NULL,
        record     TEXT NOT NULL,
        state      TEXT NOT NULL,
        hash       TEXT NOT NULL,
        exported_at TEXT NOT NULL,
        format     TEXT NOT NULL,
        main_ref   TEXT,
        reason     TEXT,
        settled_at TEXT,
        settled_by TEXT,
        PRIMARY KEY (disruption, record)
    );
    "#,
    // 5: records held back from an import (older versions, identity conflicts), kept whole and
    // visible, and the identity conflicts a person resolves.
    r#"
    CREATE TABLE p_held_records (
        source        TEXT NOT NULL,
        hash          TEXT NOT NULL,
        resource_type TEXT NOT NULL,
        id            TEXT NOT NULL,
        version_id    TEXT,
        last_updated  TEXT,
        patient       TEXT,
        summary       TEXT NOT NULL,
        facts         TEXT NOT NULL,
        why           TEXT NOT NULL,
        conflict      TEXT,
        reason        TEXT NOT NULL,
        held_at       TEXT NOT NULL,
        event_pos     INTEGER NOT NULL,
        event_index   INTEGER NOT NULL,
        PRIMARY KEY (source, hash)
    );
    CREATE INDEX p_held_records_conflict ON p_held_records (conflict);
    CREATE TABLE p_identity_conflicts (
        id          TEXT PRIMARY KEY,
        source      TEXT NOT NULL,
        patient     TEXT NOT NULL,
        person      TEXT NOT NULL,
        detail      TEXT NOT NULL,
        held_at     TEXT NOT NULL,
        resolution  TEXT,
        resolved_by TEXT,
        resolved_at TEXT,
        reason      TEXT
    );
    "#,
    // 6: decisions about two records that may be one person (merged, kept apart); undoing one
    // removes its row (the journal keeps every decision).
    r#"
    CREATE TABLE p_duplicate_decisions (
        person     TEXT NOT NULL,
        other      TEXT NOT NULL,
        doc        TEXT NOT NULL,
        PRIMARY KEY (person, other)
    );
    CREATE INDEX p_duplicate_decisions_other ON p_duplicate_decisions (other);
    "#,
    // 7: what each section's content says that needs attention (core `mei::conditions`), beside
    // its status, so readiness over a caseload reads content rules without parsing documents.
    // Existing rows are filled by the rebuild that follows this step (see `REBUILD_AFTER`).
    r#"
    ALTER TABLE p_mei ADD COLUMN conditions INTEGER NOT NULL DEFAULT 0;
    "#,
    // 8: a new content condition (allergies not stated): no schema change, but every row's
    // `conditions` is computed again by the rebuild that follows.
    r#"
    SELECT 1;
    "#,
    // 9: nodes enrolled by a signed event (the trust anchors): which, by whom, the event.
    r#"
    CREATE TABLE p_nodes (
        node_id     TEXT PRIMARY KEY,
        enrolled_by TEXT NOT NULL,
        pos         INTEGER NOT NULL,
        doc         TEXT NOT NULL
    );
    "#,
    // 10: sign-in failures kept in the database (a throttle that survives a restart), and when
    // each session was last used (the idle timeout). Neither is a record: not journaled.
    r#"
    CREATE TABLE signin_failures (key TEXT NOT NULL, at TEXT NOT NULL);
    CREATE INDEX signin_failures_key ON signin_failures (key, at);
    ALTER TABLE sessions ADD COLUMN last_seen TEXT;
    "#,
    // 11: the audit trail keyed by event and place in it, so one event can carry a group commit's
    // reads (`mei_reads`). Rows are filled by the rebuild that follows (see `REBUILD_AFTER`).
    r#"
    DROP TABLE p_audit;
    CREATE TABLE p_audit (
        pos         INTEGER NOT NULL,
        n           INTEGER NOT NULL,
        recorded_at TEXT NOT NULL,
        actor       TEXT NOT NULL,
        person      TEXT NOT NULL,
        sections    TEXT NOT NULL,
        channel     TEXT NOT NULL,
        break_glass TEXT,
        PRIMARY KEY (pos, n)
    );
    CREATE INDEX p_audit_person ON p_audit (person, pos);
    "#,
    // 12: the asset register: devices (the document, with status and when it failed as columns),
    // each device's log, and the spares minimum per service and kind.
    r#"
    CREATE TABLE p_devices (
        id        TEXT PRIMARY KEY,
        service   TEXT NOT NULL,
        status    TEXT NOT NULL,
        failed_at TEXT,
        doc       TEXT NOT NULL
    );
    CREATE INDEX p_devices_service ON p_devices (service);
    CREATE TABLE p_device_log (
        device     TEXT NOT NULL,
        pos        INTEGER NOT NULL,
        at         TEXT NOT NULL,
        actor      TEXT NOT NULL,
        entry      TEXT NOT NULL,
        note       TEXT NOT NULL,
        disruption TEXT,
        PRIMARY KEY (device, pos)
    );
    CREATE TABLE p_spares_minimum (
        service TEXT NOT NULL,
        kind    TEXT NOT NULL,
        doc     TEXT NOT NULL,
        PRIMARY KEY (service, kind)
    );
    "#,
    // 13: the pathway risk register: risks (document, status and review date as columns), each
    // risk's history, and digital risk assessments.
    r#"
    CREATE TABLE p_risks (
        id        TEXT PRIMARY KEY,
        status    TEXT NOT NULL,
        review_by TEXT NOT NULL,
        doc       TEXT NOT NULL
    );
    CREATE TABLE p_risk_history (
        risk     TEXT NOT NULL,
        pos      INTEGER NOT NULL,
        at       TEXT NOT NULL,
        actor    TEXT NOT NULL,
        what     TEXT NOT NULL,
        note     TEXT NOT NULL,
        residual INTEGER NOT NULL,
        PRIMARY KEY (risk, pos)
    );
    CREATE TABLE p_assessments (
        id         TEXT PRIMARY KEY,
        decided_on TEXT NOT NULL,
        doc        TEXT NOT NULL
    );
    "#,
    // 14: suppliers and contracts: each supplier (document, and the date a review opened while
    // one is open), its log, its exit plan, and every data export test.
    r#"
    CREATE TABLE p_suppliers (
        id            TEXT PRIMARY KEY,
        review_opened TEXT,
        doc           TEXT NOT NULL
    );
    CREATE TABLE p_supplier_log (
        supplier TEXT NOT NULL,
        pos      INTEGER NOT NULL,
        at       TEXT NOT NULL,
        actor    TEXT NOT NULL,
        what     TEXT NOT NULL,
        note     TEXT NOT NULL,
        PRIMARY KEY (supplier, pos)
    );
    CREATE TABLE p_exit_plans (
        supplier TEXT PRIMARY KEY,
        doc      TEXT NOT NULL
    );
    CREATE TABLE p_export_tests (
        pos      INTEGER PRIMARY KEY,
        supplier TEXT NOT NULL,
        at       TEXT NOT NULL,
        actor    TEXT NOT NULL,
        doc      TEXT NOT NULL
    );
    "#,
    // 15: subcontractor assurance: checks, downtime guidance by version, and who acknowledged
    // which version.
    r#"
    CREATE TABLE p_assurance_checks (
        pos     INTEGER PRIMARY KEY,
        partner TEXT NOT NULL,
        kind    TEXT NOT NULL,
        doc     TEXT NOT NULL
    );
    CREATE INDEX p_assurance_checks_partner ON p_assurance_checks (partner, kind, pos);
    CREATE TABLE p_guidance (
        partner      TEXT NOT NULL,
        version      INTEGER NOT NULL,
        text         TEXT NOT NULL,
        published_at TEXT NOT NULL,
        published_by TEXT NOT NULL,
        PRIMARY KEY (partner, version)
    );
    CREATE TABLE p_guidance_acks (
        partner TEXT NOT NULL,
        version INTEGER NOT NULL,
        actor   TEXT NOT NULL,
        at      TEXT NOT NULL,
        PRIMARY KEY (partner, version, actor)
    );
    "#,
    // 16: the resilience programme: the on-call rota; improvement actions from any source.
    r#"
    CREATE TABLE p_on_call (
        pos       INTEGER PRIMARY KEY,
        id        TEXT NOT NULL UNIQUE,
        service   TEXT,
        starts    INTEGER NOT NULL,
        ends      INTEGER NOT NULL,
        cancelled TEXT,
        doc       TEXT NOT NULL
    );
    CREATE INDEX p_on_call_ends ON p_on_call (ends);
    ALTER TABLE p_actions ADD COLUMN source TEXT NOT NULL DEFAULT '';
    CREATE TABLE p_near_misses (
        id          TEXT PRIMARY KEY,
        service     TEXT,
        occurred_at TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        recorded_by TEXT NOT NULL,
        reviewed_at TEXT,
        reviewed_by TEXT,
        review      TEXT,
        doc         TEXT NOT NULL
    );
    CREATE TABLE p_drills (
        id         TEXT PRIMARY KEY,
        service    TEXT NOT NULL,
        due        TEXT NOT NULL,
        disruption TEXT,
        held       TEXT,
        doc        TEXT NOT NULL
    );
    CREATE TABLE p_meetings (
        id         TEXT PRIMARY KEY,
        at         INTEGER NOT NULL,
        minutes    TEXT,
        minutes_at TEXT,
        minutes_by TEXT,
        doc        TEXT NOT NULL
    );
    CREATE TABLE p_training (
        pos   INTEGER PRIMARY KEY,
        staff TEXT NOT NULL,
        item  TEXT NOT NULL,
        on_day TEXT NOT NULL,
        doc   TEXT NOT NULL
    );
    CREATE TABLE p_documents (
        id          TEXT NOT NULL,
        version     INTEGER NOT NULL,
        kind        TEXT NOT NULL,
        service     TEXT,
        approved_by TEXT,
        approved_at TEXT,
        doc         TEXT NOT NULL,
        PRIMARY KEY (id, version)
    );
    CREATE TABLE p_document_acks (
        id      TEXT NOT NULL,
        version INTEGER NOT NULL,
        actor   TEXT NOT NULL,
        at      TEXT NOT NULL,
        PRIMARY KEY (id, version, actor)
    );
    CREATE TABLE p_comms_rules (
        id      TEXT PRIMARY KEY,
        service TEXT NOT NULL,
        removed TEXT,
        doc     TEXT NOT NULL
    );
    "#,
    // 17: referrals with their first-visit deadlines; audits signed off.
    r#"
    CREATE TABLE p_referrals (
        id          TEXT PRIMARY KEY,
        person      TEXT NOT NULL,
        service     TEXT NOT NULL,
        received    INTEGER NOT NULL,
        due         INTEGER NOT NULL,
        recorded_by TEXT NOT NULL,
        doc         TEXT NOT NULL,
        start       TEXT,
        started_by  TEXT,
        delay       TEXT,
        declined    TEXT
    );
    CREATE INDEX p_referrals_due ON p_referrals (due);
    CREATE TABLE p_audit_signoffs (
        pos     INTEGER PRIMARY KEY,
        audit   TEXT NOT NULL,
        at      TEXT NOT NULL,
        by      TEXT NOT NULL,
        doc     TEXT NOT NULL
    );
    "#,
    // 18: replication bookkeeping, outside the journal as sessions are: each peer's checkpoint
    // (its version vector as last seen, when a round last succeeded) and the one-time
    // invitations for nodes to join (a MAC of the secret, never the secret). The enrolment of a
    // node that can be held by several nodes now keeps the lowest enrolling node (rebuilt).
    r#"
    CREATE TABLE replication_peers (
        url             TEXT PRIMARY KEY,
        node_id         TEXT,
        last_attempt_at TEXT NOT NULL,
        last_ok_at      TEXT,
        in_step_at      TEXT,
        last_error      TEXT,
        their_vector    TEXT NOT NULL DEFAULT '{}',
        behind          INTEGER NOT NULL DEFAULT 0,
        ahead           INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE node_invitations (
        id          TEXT PRIMARY KEY,
        secret_mac  TEXT NOT NULL,
        name        TEXT NOT NULL,
        role        TEXT NOT NULL,
        issued_by   TEXT NOT NULL,
        issued_at   TEXT NOT NULL,
        expires_at  TEXT NOT NULL,
        used_by     TEXT
    );
    -- Who is trusted and who is retired is read from these events on every replication request:
    -- found through a partial index each, not a scan of the journal.
    CREATE INDEX events_node_enrolled ON events (pos) WHERE kind = 'node_enrolled';
    CREATE INDEX events_node_retired ON events (pos) WHERE kind = 'node_retired';
    "#,
    // 19: nodes holding only some services. An event such a node does not take whole is held as
    // a stub (its identity, time, chain link, hash and signature, and whom it is about when one
    // person), which keeps each origin's chain checkable; a stub is never removed: when the event
    // itself arrives (its person came into the node's services) it is appended to `events` and
    // the stub keeps where (`filled_pos`). Invitations say which services the new node holds.
    r#"
    CREATE TABLE withheld_events (
        node_id     TEXT NOT NULL,
        seq         INTEGER NOT NULL,
        recorded_at TEXT NOT NULL,
        prev_hash   TEXT NOT NULL,
        hash        TEXT NOT NULL,
        signature   TEXT NOT NULL,
        person      TEXT,
        filled_pos  INTEGER,
        PRIMARY KEY (node_id, seq)
    );
    CREATE INDEX withheld_events_person ON withheld_events (person) WHERE filled_pos IS NULL;
    CREATE TRIGGER withheld_events_kept BEFORE DELETE ON withheld_events
        BEGIN SELECT RAISE(ABORT, 'stubs are kept: the chain is checked through them'); END;
    ALTER TABLE node_invitations ADD COLUMN services TEXT NOT NULL DEFAULT '';
    -- What this node holds, set when it joins (before its first events arrive): no row, the
    -- whole organisation. Other nodes read a node's holding from its enrolment event.
    CREATE TABLE node_holding (
        id       INTEGER PRIMARY KEY CHECK (id = 1),
        services TEXT NOT NULL
    );
    "#,
];

/// Steps after which the projections are rebuilt from the events (a new column computed from
/// content that existing rows cannot fill in SQL).
pub(crate) const REBUILD_AFTER: [u32; 4] = [7, 8, 11, 18];

/// The schema version stored and the one this Lantern knows; a newer stored one is refused.
fn versions(conn: &Connection) -> Result<(u32, u32), JournalError> {
    let current: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let known = MIGRATIONS.len() as u32;
    if current > known {
        return Err(JournalError::SchemaTooNew {
            found: current,
            known,
        });
    }
    Ok((current, known))
}

/// Check, without changing anything, that a database opened read-only is at this Lantern's
/// schema: an older one would need its migrations, which a read-only copy cannot take.
pub(crate) fn check_current(conn: &Connection) -> Result<(), JournalError> {
    let (current, known) = versions(conn)?;
    if current < known {
        return Err(JournalError::ReadOnlyNeedsUpgrade {
            found: current,
            known,
        });
    }
    Ok(())
}

/// Bring the schema up to date, each step in its own transaction. Returns whether a step ran
/// that needs the projections rebuilt.
pub(crate) fn run(conn: &mut Connection) -> Result<bool, JournalError> {
    let (current, _) = versions(conn)?;
    let mut rebuild = false;
    for (i, step) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(step)?;
        tx.pragma_update(None, "user_version", (i + 1) as u32)?;
        tx.commit()?;
        // A fresh database has nothing to rebuild.
        rebuild |= current > 0 && REBUILD_AFTER.contains(&((i + 1) as u32));
    }
    Ok(rebuild)
}
