//! People, their essential information (sections, versions, conflicts), visits, calls and the audit trail of reads.

use super::*;

/// Apply one event of this area to its projections (routed here by `projections::apply`).
pub(crate) fn project(conn: &Connection, at: &At<'_>, ev: &Event) -> Result<(), JournalError> {
    match ev {
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
                return Ok(());
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
            ..
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
        Event::MeiViewed {
            person,
            sections,
            channel,
            break_glass,
        } => {
            exec(
                conn,
                "INSERT INTO p_audit (pos, n, recorded_at, actor, person, sections, channel, break_glass)
                 VALUES (?1, 0, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![at.pos, at.recorded_at, at.actor, person.as_str(), json(sections), channel, break_glass],
            )?;
        }
        Event::MeiReads { reads } => {
            for (n, r) in reads.iter().enumerate() {
                exec(
                    conn,
                    "INSERT INTO p_audit (pos, n, recorded_at, actor, person, sections, channel, break_glass)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![at.pos, n as i64, r.at.map(|t| t.to_string()).unwrap_or_else(|| at.recorded_at.to_string()), r.actor, r.person.as_str(), json(&r.sections), r.channel, r.break_glass],
                )?;
            }
        }
        Event::DuplicateDecided {
            person,
            other,
            decision,
            reason,
        } => {
            use lantern_core::duplicate::{DuplicateDecision, PairDecision};
            let (links, to) = match decision {
                DuplicateDecision::Merged { links, .. } => (links, person),
                DuplicateDecision::Undone { links } => (links, other),
                DuplicateDecision::KeptApart => (&Vec::new(), person),
            };
            for (source, patient) in links {
                exec(
                    conn,
                    "UPDATE p_source_links SET person = ?3 WHERE source = ?1 AND patient = ?2",
                    params![source, patient, to.as_str()],
                )?;
            }
            exec(
                conn,
                "DELETE FROM p_duplicate_decisions WHERE (person = ?1 AND other = ?2) OR (person = ?2 AND other = ?1)",
                params![person.as_str(), other.as_str()],
            )?;
            if !matches!(decision, DuplicateDecision::Undone { .. }) {
                let row = PairDecision {
                    person: person.to_string(),
                    other: other.to_string(),
                    decision: decision.clone(),
                    reason: reason.clone(),
                    decided_by: at.actor.to_string(),
                    decided_at: at.recorded_at.to_string(),
                };
                exec(
                    conn,
                    "INSERT INTO p_duplicate_decisions (person, other, doc) VALUES (?1, ?2, ?3)",
                    params![person.as_str(), other.as_str(), json(&row)],
                )?;
            }
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
        Event::CallLogged(c) => {
            exec(
                conn,
                "INSERT INTO p_calls (pos, person, occurred_at, actor, doc) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![at.pos, c.person.as_str(), at.occurred_at, at.actor, json(c)],
            )?;
        }
        _ => {}
    }
    Ok(())
}
