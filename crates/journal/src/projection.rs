//! Projections: the current-state tables, updated from each event in the same transaction as its
//! append, and rebuildable from the events alone.

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
        .filter(|_| !matches!(ev, Event::MeiViewed { .. }))
    {
        exec(
            conn,
            "INSERT OR IGNORE INTO p_person_events (person, pos) VALUES (?1, ?2)",
            params![p.as_str(), at.pos],
        )?;
    }
    if ev.disruption().is_some() {
        crate::disruptions::project(conn, at, ev)?;
    }
    match ev {
        Event::OrgInitialised { name } => {
            exec(
                conn,
                "INSERT OR REPLACE INTO p_org (id, name) VALUES (1, ?1)",
                [name],
            )?;
        }
        Event::ServiceAdded(s) => {
            insert_unique(
                conn,
                ev,
                "INSERT INTO p_services (id, name, doc) VALUES (?1, ?2, ?3)",
                params![s.id.as_str(), s.name, json(s)],
                &format!("service {}", s.id),
            )?;
        }
        Event::StaffAdded(s) => {
            insert_unique(
                conn,
                ev,
                "INSERT INTO p_staff (id, name, role, partner, doc) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    s.id.as_str(),
                    s.name,
                    s.role.as_str(),
                    s.partner.as_ref().map(|p| p.as_str()),
                    json(s)
                ],
                &format!("staff {}", s.id),
            )?;
        }
        Event::PartnerAdded(p) => {
            insert_unique(
                conn,
                ev,
                "INSERT INTO p_partners (id, name, doc) VALUES (?1, ?2, ?3)",
                params![p.id.as_str(), p.name, json(p)],
                &format!("partner {}", p.id),
            )?;
        }
        Event::ContactAdded(c) => {
            insert_unique(
                conn,
                ev,
                "INSERT INTO p_contacts (id, partner, doc) VALUES (?1, ?2, ?3)",
                params![c.id.as_str(), c.partner.as_str(), json(c)],
                &format!("contact {}", c.id),
            )?;
        }
        Event::PersonAdded(p) => {
            insert_unique(
                conn,
                ev,
                "INSERT INTO p_people (id, family_name, given_name, service, nhs_number, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    p.id.as_str(),
                    p.family_name,
                    p.given_name,
                    p.service.as_str(),
                    p.nhs_number.as_ref().map(|n| n.as_str().to_string()),
                    json(p)
                ],
                &format!("person {} (or NHS number already held)", p.id),
            )?;
        }
        Event::MeiSectionSet {
            person,
            content,
            provenance,
            base,
        } => {
            let section = content.kind().as_str();
            let version = VersionRef {
                node: at.node_id.to_string(),
                seq: at.seq,
            };
            let incoming = SectionRecord {
                content: content.clone(),
                provenance: provenance.clone(),
                version: version.clone(),
                mark: None,
                conflicts: vec![],
            };
            let doc = json(&incoming);
            exec(
                conn,
                "INSERT INTO p_mei_versions (person, section, node_id, seq, doc) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![person.as_str(), section, at.node_id, at.seq as i64, doc],
            )?;
            // The common case, a writer who saw the current version (or a first version), needs no parsing.
            let current_version = current_version(conn, person.as_str(), section)?;
            if current_version.as_ref() == base.as_ref() {
                save_doc(conn, person.as_str(), section, &incoming, &doc)?;
                return Ok(true);
            }
            let current = load_section(conn, person.as_str(), section)?;
            let next = match current {
                Some(cur) if base.as_ref() == Some(&cur.version) => incoming,
                // Concurrent edits: keep both visible, show a deterministic winner, mark disputed.
                Some(cur) => {
                    let mut conflicts = cur.conflicts.clone();
                    let (mut winner, loser) = if version > cur.version {
                        (incoming, cur.version.clone())
                    } else {
                        (cur, version)
                    };
                    conflicts.push(loser);
                    conflicts.retain(|c| *c != winner.version);
                    conflicts.sort();
                    conflicts.dedup();
                    winner.conflicts = conflicts;
                    winner
                }
                None => incoming,
            };
            save_section(conn, person.as_str(), section, &next)?;
        }
        Event::MeiSectionConfirmed {
            person,
            section,
            provenance,
            base,
        } => {
            let s = section.as_str();
            let Some(mut cur) = load_section(conn, person.as_str(), s)? else {
                return Err(rejected(
                    ev,
                    format!("person {person} has no {s} section to confirm"),
                ));
            };
            if cur.version == *base {
                cur.provenance = provenance.clone();
                cur.mark = None;
            } else if !cur.conflicts.contains(base) {
                // Confirmed a version that has since been replaced elsewhere: a person must look.
                cur.conflicts.push(base.clone());
                cur.conflicts.sort();
            }
            save_section(conn, person.as_str(), s, &cur)?;
        }
        Event::MeiSectionMarked {
            person,
            section,
            mark,
        } => {
            let s = section.as_str();
            let Some(mut cur) = load_section(conn, person.as_str(), s)? else {
                return Err(rejected(
                    ev,
                    format!("person {person} has no {s} section to mark"),
                ));
            };
            cur.mark = Some(mark.clone());
            save_section(conn, person.as_str(), s, &cur)?;
        }
        Event::RuleSetPublished { rule_set, reason } => {
            insert_unique(
                conn,
                ev,
                "INSERT INTO p_rule_sets (handover, version, doc, reason, author, published_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    rule_set.handover.as_str(),
                    rule_set.version,
                    json(rule_set),
                    reason,
                    at.actor,
                    at.recorded_at
                ],
                &format!(
                    "rule set {} version {}",
                    rule_set.handover, rule_set.version
                ),
            )?;
        }
        Event::DependencyStatusSet {
            dependency,
            degraded,
            note,
        } => {
            exec(
                conn,
                "INSERT OR REPLACE INTO p_dependencies (id, degraded, note, since) VALUES (?1, ?2, ?3, ?4)",
                params![dependency.as_str(), degraded, note, at.recorded_at],
            )?;
        }
        Event::ReadinessChecked {
            person, readiness, ..
        } => {
            exec(
                conn,
                "INSERT OR REPLACE INTO p_readiness (person, handover, outcome, doc, pos) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    person.as_str(),
                    readiness.handover.as_str(),
                    json(&readiness.outcome),
                    json(readiness),
                    at.pos
                ],
            )?;
        }
        Event::DecisionRecorded { id, person, .. } => {
            insert_unique(
                conn,
                ev,
                "INSERT INTO p_decisions (id, person, doc, pos) VALUES (?1, ?2, ?3, ?4)",
                params![id.as_str(), person.as_str(), json(ev), at.pos],
                &format!("decision {id}"),
            )?;
        }
        Event::VisitPlanned(v) => {
            insert_unique(
                conn,
                ev,
                "INSERT INTO p_visits (id, person, service, start, doc) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    v.id.as_str(),
                    v.person.as_str(),
                    v.service.as_str(),
                    v.start.to_string(),
                    json(v)
                ],
                &format!("visit {}", v.id),
            )?;
            for c in &v.carers {
                exec(
                    conn,
                    "INSERT OR IGNORE INTO p_visit_carers (visit, person, staff) VALUES (?1, ?2, ?3)",
                    params![v.id.as_str(), v.person.as_str(), c.as_str()],
                )?;
            }
        }
        Event::AccountCreated {
            account,
            password_hash,
        } => {
            insert_unique(
                conn,
                ev,
                "INSERT INTO p_accounts (username, staff, password_hash, doc) VALUES (?1, ?2, ?3, ?4)",
                params![
                    account.username.as_str(),
                    account.staff.as_str(),
                    password_hash,
                    json(account)
                ],
                &format!("account {}", account.username),
            )?;
        }
        Event::PasswordChanged {
            username,
            password_hash,
            must_change_password,
        } => {
            let doc: Option<String> = conn
                .prepare_cached("SELECT doc FROM p_accounts WHERE username = ?1")?
                .query_row([username.as_str()], |r| r.get(0))
                .optional()?;
            let Some(doc) = doc else {
                return Err(rejected(ev, format!("no account {username}")));
            };
            let mut account: lantern_core::account::Account = serde_json::from_str(&doc)
                .map_err(|e| JournalError::corrupt(format!("account {username}"), e))?;
            account.must_change_password = *must_change_password;
            exec(
                conn,
                "UPDATE p_accounts SET password_hash = ?2, doc = ?3 WHERE username = ?1",
                params![username.as_str(), password_hash, json(&account)],
            )?;
        }
        Event::MeiViewed {
            person,
            sections,
            channel,
            break_glass,
        } => {
            exec(
                conn,
                "INSERT INTO p_audit (pos, recorded_at, actor, person, sections, channel, break_glass)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![at.pos, at.recorded_at, at.actor, person.as_str(), json(sections), channel, break_glass],
            )?;
        }
        Event::PersonUpdated(p) => {
            let n = conn.execute(
                "UPDATE p_people SET family_name = ?2, given_name = ?3, service = ?4, nhs_number = ?5, doc = ?6 WHERE id = ?1",
                params![
                    p.id.as_str(),
                    p.family_name,
                    p.given_name,
                    p.service.as_str(),
                    p.nhs_number.as_ref().map(|n| n.as_str().to_string()),
                    json(p)
                ],
            )?;
            if n == 0 {
                return Err(rejected(ev, format!("person {} is not held", p.id)));
            }
        }
        Event::SourceRecordsImported {
            source,
            records,
            links,
        } => {
            let mut st = conn.prepare_cached(
                "INSERT OR REPLACE INTO p_source_records (source, resource_type, id, version_id, last_updated, hash, patient, summary, mapped, facts, unmapped, missing, imported_at, event_pos, event_index)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 0, ?12, ?13, ?14)",
            )?;
            for (i, r) in records.iter().enumerate() {
                st.execute(params![
                    source,
                    r.resource_type,
                    r.id,
                    r.version_id,
                    r.last_updated.map(|t| t.to_string()),
                    r.hash,
                    r.patient,
                    r.summary,
                    r.mapped,
                    json(&r.facts),
                    json(&r.unmapped),
                    at.recorded_at,
                    at.pos,
                    i as i64
                ])?;
            }
            for l in links {
                exec(
                    conn,
                    "INSERT OR REPLACE INTO p_source_links (source, patient, person) VALUES (?1, ?2, ?3)",
                    params![source, l.patient, l.person.as_str()],
                )?;
            }
        }
        Event::SourceRecordsMissing { source, records } => {
            for key in records {
                let (rt, id) = key.split_once('/').unwrap_or((key, ""));
                exec(
                    conn,
                    "UPDATE p_source_records SET missing = 1 WHERE source = ?1 AND resource_type = ?2 AND id = ?3",
                    params![source, rt, id],
                )?;
            }
        }
        Event::Printed(r) => {
            insert_unique(
                conn,
                ev,
                "INSERT INTO p_prints (serial, kind, service, printed_at, printed_by, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    r.serial,
                    json(&r.kind),
                    r.service.as_str(),
                    at.recorded_at,
                    at.actor,
                    json(r)
                ],
                &format!("print {}", r.serial),
            )?;
        }
        Event::PrintDestroyed { serial, how } => {
            let n = conn.execute(
                "UPDATE p_prints SET destroyed = ?2 WHERE serial = ?1 AND destroyed IS NULL",
                params![
                    serial,
                    format!("{} by {} ({how})", at.recorded_at, at.actor)
                ],
            )?;
            if n == 0 {
                return Err(rejected(
                    ev,
                    format!("print {serial} is not held or already destroyed"),
                ));
            }
        }
        Event::SourceAdded(s) => {
            insert_unique(
                conn,
                ev,
                "INSERT INTO p_sources (id, doc) VALUES (?1, ?2)",
                params![s.id.as_str(), json(s)],
                &format!("source {}", s.id),
            )?;
        }
        Event::DependencyRegistered(d) => {
            exec(
                conn,
                "INSERT OR REPLACE INTO p_dependency_register (id, doc) VALUES (?1, ?2)",
                params![d.id.as_str(), json(d)],
            )?;
        }
        Event::ProbeObserved {
            dependency,
            result,
            failures,
        } => {
            let status = json(&result.status);
            let prev: Option<String> = conn
                .prepare_cached("SELECT status FROM p_probe_status WHERE dependency = ?1")?
                .query_row([dependency.as_str()], |r| r.get(0))
                .optional()?;
            let since: Option<String> = conn
                .prepare_cached("SELECT since FROM p_probe_status WHERE dependency = ?1")?
                .query_row([dependency.as_str()], |r| r.get(0))
                .optional()?;
            let since = match (prev, since) {
                (Some(p), Some(s)) if p == status.trim_matches('"') => s,
                _ => at.occurred_at.to_string(),
            };
            exec(
                conn,
                "INSERT OR REPLACE INTO p_probe_status (dependency, status, failures, since, doc) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    dependency.as_str(),
                    status.trim_matches('"'),
                    failures,
                    since,
                    json(result)
                ],
            )?;
        }
        // Folded into p_disruptions above.
        Event::DisruptionProposed { .. }
        | Event::DisruptionDeclared(_)
        | Event::DisruptionStageChanged { .. }
        | Event::DutyAssigned { .. }
        | Event::PlaybookTicked { .. }
        | Event::DowntimeRecorded(_)
        | Event::EscalationStarted(_)
        | Event::EscalationStep { .. }
        | Event::NotificationAttempted { .. }
        | Event::EscalationAcknowledged { .. } => {}
        Event::RecordsExported {
            disruption,
            format,
            records,
            ..
        } => {
            for r in records {
                // A re-export refreshes the hash of what is not yet settled; settled stays.
                exec(
                    conn,
                    "INSERT INTO p_reconciliation (disruption, record, state, hash, exported_at, format)
                     VALUES (?1, ?2, 'exported', ?3, ?4, ?5)
                     ON CONFLICT (disruption, record) DO UPDATE SET hash = excluded.hash,
                       exported_at = excluded.exported_at, format = excluded.format
                     WHERE state = 'exported'",
                    params![disruption.as_str(), r.record.as_str(), r.hash, at.occurred_at, format],
                )?;
            }
        }
        Event::RecordsReconciled {
            disruption,
            records,
            settled,
        } => {
            let (state, main_ref, reason) = match settled {
                lantern_core::reconcile::Settled::Confirmed { main_ref } => {
                    ("confirmed", Some(main_ref.as_str()), None)
                }
                lantern_core::reconcile::Settled::NotApplicable { reason } => {
                    ("not_applicable", None, Some(reason.as_str()))
                }
            };
            for r in records {
                exec(
                    conn,
                    "INSERT INTO p_reconciliation (disruption, record, state, hash, exported_at, format, main_ref, reason, settled_at, settled_by)
                     VALUES (?1, ?2, ?3, '', '', '', ?4, ?5, ?6, ?7)
                     ON CONFLICT (disruption, record) DO UPDATE SET state = excluded.state,
                       main_ref = excluded.main_ref, reason = excluded.reason,
                       settled_at = excluded.settled_at, settled_by = excluded.settled_by",
                    params![disruption.as_str(), r.as_str(), state, main_ref, reason, at.occurred_at, at.actor],
                )?;
            }
        }
        Event::ReviewRecorded(r) => {
            exec(
                conn,
                "INSERT OR REPLACE INTO p_reviews (disruption, reviewed_at, reviewed_by, doc) VALUES (?1, ?2, ?3, ?4)",
                params![r.disruption.as_str(), at.occurred_at, at.actor, json(r)],
            )?;
            for a in &r.actions {
                let Some(id) = &a.id else { continue };
                // A repeated review keeps an action's progress.
                exec(
                    conn,
                    "INSERT INTO p_actions (id, disruption, status, updated_at, note, doc) VALUES (?1, ?2, 'open', ?3, '', ?4)
                     ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
                    params![id.as_str(), r.disruption.as_str(), at.occurred_at, json(a)],
                )?;
            }
        }
        Event::IntegrityAudited(a) => {
            exec(
                conn,
                "INSERT INTO p_integrity_audits (pos, audited_at, disruption, accuracy, doc) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    at.pos,
                    at.occurred_at,
                    a.disruption.as_ref().map(|d| d.as_str()),
                    a.accuracy_percent(),
                    json(a)
                ],
            )?;
        }
        Event::ActionsScheduled {
            disruption,
            actions,
            ..
        } => {
            for a in actions {
                let Some(id) = &a.id else { continue };
                insert_unique(
                    conn,
                    ev,
                    "INSERT INTO p_actions (id, disruption, status, updated_at, note, doc) VALUES (?1, ?2, 'open', ?3, '', ?4)",
                    params![id.as_str(), disruption.as_str(), at.occurred_at, json(a)],
                    &format!("improvement action {id}"),
                )?;
            }
        }
        Event::ActionUpdated {
            action,
            status,
            note,
        } => {
            let n = exec(
                conn,
                "UPDATE p_actions SET status = ?2, updated_at = ?3, note = ?4 WHERE id = ?1",
                params![action.as_str(), status.as_str(), at.occurred_at, note],
            )?;
            if n == 0 {
                return Err(rejected(ev, format!("no improvement action {action}")));
            }
        }
        Event::LadderDefined(l) => {
            exec(
                conn,
                "INSERT OR REPLACE INTO p_ladders (id, doc) VALUES (?1, ?2)",
                params![l.id.as_str(), json(l)],
            )?;
        }
        Event::CallLogged(c) => {
            exec(
                conn,
                "INSERT INTO p_calls (pos, person, occurred_at, actor, doc) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![at.pos, c.person.as_str(), at.occurred_at, at.actor, json(c)],
            )?;
        }
    }
    Ok(!matches!(ev, Event::MeiViewed { .. }))
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
         (person, section, version_node, version_seq, stale_at, mark, conflicts, method, doc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            person,
            section,
            rec.version.node,
            rec.version.seq as i64,
            rec.provenance.stale_at().to_string(),
            rec.mark.as_ref().map(|m| m.kind().as_str()),
            rec.conflicts.len() as i64,
            json(&rec.provenance.method.kind()).trim_matches('"'),
            doc
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
