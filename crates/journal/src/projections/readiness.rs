//! Handover rule sets, readiness checks and decisions.

use super::*;

/// Apply one event of this area to its projections (routed here by `projections::apply`).
pub(crate) fn project(conn: &Connection, at: &At<'_>, ev: &Event) -> Result<(), JournalError> {
    match ev {
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
        _ => {}
    }
    Ok(())
}
