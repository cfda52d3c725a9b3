//! Read-side queries over the projections and the events, returning domain types.

use crate::verify::{SELECT_EVENTS, read_stored_event};
use crate::{Journal, JournalError, StoredEvent};
use lantern_core::account::Account;
use lantern_core::event::Event;
use lantern_core::ids::{DependencyId, PersonId};
use lantern_core::mei::{
    MarkKind, MethodKind, SectionKind, SectionRecord, SectionState, derive_status,
};
use lantern_core::org::{Contact, Partner, Service, Staff};
use lantern_core::person::Person;
use lantern_core::readiness::Readiness;
use lantern_core::rules::{HandoverPoint, RuleSet};
use lantern_core::visit::Visit;
use rusqlite::{OptionalExtension, params};
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;

/// A published rule set with who published it, when and why.
#[derive(Debug, Clone)]
pub struct RuleSetRow {
    /// The rules.
    pub rule_set: RuleSet,
    /// Why this version was published.
    pub reason: String,
    /// Who published it.
    pub author: String,
    /// When.
    pub published_at: String,
}

/// A dependency's hand-set status.
#[derive(Debug, Clone)]
pub struct DependencyRow {
    /// Which.
    pub id: DependencyId,
    /// Degraded now.
    pub degraded: bool,
    /// Note.
    pub note: String,
    /// Since when.
    pub since: String,
}

/// One read of a person's essential information.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct AuditRow {
    /// Journal position.
    pub pos: i64,
    /// When.
    pub recorded_at: String,
    /// Who.
    pub actor: String,
    /// Whose information.
    pub person: String,
    /// Which sections.
    pub sections: Vec<SectionKind>,
    /// Web, API or CLI.
    pub channel: String,
    /// The break-glass reason, when outside the viewer's scope.
    pub break_glass: Option<String>,
}

/// A logged call with when it happened and who logged it.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct CallRow {
    /// Journal position.
    pub pos: i64,
    /// When the call happened.
    pub occurred_at: String,
    /// Who logged it.
    pub actor: String,
    /// The call.
    pub call: lantern_core::call::Call,
}

/// An event with its local position, parsed.
#[derive(Debug, Clone)]
pub struct EventRow {
    /// Local position in this node's journal.
    pub pos: i64,
    /// The stored event.
    pub stored: StoredEvent,
    /// Parsed.
    pub event: Event,
}

fn parse<T: DeserializeOwned>(what: &str, doc: &str) -> Result<T, JournalError> {
    serde_json::from_str(doc).map_err(|e| JournalError::corrupt(what, e))
}

impl Journal {
    pub(crate) fn docs<T: DeserializeOwned>(
        &self,
        what: &str,
        sql: &str,
        p: impl rusqlite::Params,
    ) -> Result<Vec<T>, JournalError> {
        let mut st = self.conn.prepare_cached(sql)?;
        let docs = st
            .query_map(p, |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        docs.iter().map(|d| parse(what, d)).collect()
    }

    /// The organisation's name, once initialised.
    pub fn org_name(&self) -> Result<Option<String>, JournalError> {
        Ok(self
            .conn
            .query_row("SELECT name FROM p_org WHERE id = 1", [], |r| r.get(0))
            .optional()?)
    }

    /// Services.
    pub fn services(&self) -> Result<Vec<Service>, JournalError> {
        self.docs("service", "SELECT doc FROM p_services ORDER BY name", [])
    }

    /// Staff, by name.
    pub fn staff(&self) -> Result<Vec<Staff>, JournalError> {
        self.docs("staff", "SELECT doc FROM p_staff ORDER BY name", [])
    }

    /// One member of staff.
    pub fn staff_member(&self, id: &str) -> Result<Option<Staff>, JournalError> {
        Ok(self
            .docs("staff", "SELECT doc FROM p_staff WHERE id = ?1", [id])?
            .pop())
    }

    /// Partner organisations.
    pub fn partners(&self) -> Result<Vec<Partner>, JournalError> {
        self.docs("partner", "SELECT doc FROM p_partners ORDER BY name", [])
    }

    /// Partner contacts.
    pub fn contacts(&self) -> Result<Vec<Contact>, JournalError> {
        self.docs(
            "contact",
            "SELECT doc FROM p_contacts ORDER BY partner, id",
            [],
        )
    }

    /// People, optionally in one service, by family name.
    pub fn people(&self, service: Option<&str>) -> Result<Vec<Person>, JournalError> {
        match service {
            Some(s) => self.docs(
                "person",
                "SELECT doc FROM p_people WHERE service = ?1 ORDER BY family_name, given_name, id",
                [s],
            ),
            None => self.docs(
                "person",
                "SELECT doc FROM p_people ORDER BY family_name, given_name, id",
                [],
            ),
        }
    }

    /// One person.
    pub fn person(&self, id: &str) -> Result<Option<Person>, JournalError> {
        Ok(self
            .docs(
                &format!("person {id}"),
                "SELECT doc FROM p_people WHERE id = ?1",
                [id],
            )?
            .pop())
    }

    /// Decisions standing about pairs that include this person (merged, kept apart).
    pub fn duplicate_decisions(
        &self,
        person: &str,
    ) -> Result<Vec<lantern_core::duplicate::PairDecision>, JournalError> {
        self.docs(
            "duplicate decision",
            "SELECT doc FROM p_duplicate_decisions WHERE person = ?1 OR other = ?1 ORDER BY person, other",
            [person],
        )
    }

    /// The source patients linked to a person, as `(source, patient)`.
    pub fn source_links_of(&self, person: &str) -> Result<Vec<(String, String)>, JournalError> {
        let mut st = self.conn.prepare_cached(
            "SELECT source, patient FROM p_source_links WHERE person = ?1 ORDER BY source, patient",
        )?;
        let rows = st
            .query_map([person], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<(String, String)>, _>>()?;
        Ok(rows)
    }

    /// Whether a person with this NHS number is held (and who).
    pub fn person_by_nhs_number(&self, nhs: &str) -> Result<Option<String>, JournalError> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM p_people WHERE nhs_number = ?1",
                [nhs],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// A person's MEI sections that are held.
    pub fn mei(&self, person: &str) -> Result<Vec<(SectionKind, SectionRecord)>, JournalError> {
        let mut st = self
            .conn
            .prepare_cached("SELECT section, doc FROM p_mei WHERE person = ?1")?;
        let rows = st.query_map([person], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (s, doc) = row?;
            let kind =
                SectionKind::parse(&s).map_err(|e| JournalError::corrupt("section name", e))?;
            out.push((kind, parse(&format!("{s} section of {person}"), &doc)?));
        }
        out.sort_by_key(|(k, _)| *k);
        Ok(out)
    }

    /// Every person's held sections (for readiness over the whole caseload).
    pub fn all_mei(
        &self,
    ) -> Result<BTreeMap<PersonId, Vec<(SectionKind, SectionRecord)>>, JournalError> {
        let mut st = self
            .conn
            .prepare("SELECT person, section, doc FROM p_mei")?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out: BTreeMap<PersonId, Vec<(SectionKind, SectionRecord)>> = BTreeMap::new();
        for row in rows {
            let (p, s, doc) = row?;
            let pid = PersonId::parse(&p).map_err(|e| JournalError::corrupt("person id", e))?;
            let kind =
                SectionKind::parse(&s).map_err(|e| JournalError::corrupt("section name", e))?;
            out.entry(pid)
                .or_default()
                .push((kind, parse("section", &doc)?));
        }
        Ok(out)
    }

    /// Every person's section states at `now`, from columns alone (no documents parsed).
    pub fn all_section_states(
        &self,
        now: jiff::Timestamp,
    ) -> Result<BTreeMap<PersonId, Vec<SectionState>>, JournalError> {
        let mut st = self.conn.prepare_cached(
            "SELECT person, section, stale_at, mark, conflicts, method, conditions FROM p_mei ORDER BY person",
        )?;
        let mut rows = st.query([])?;
        let mut out: BTreeMap<PersonId, Vec<SectionState>> = BTreeMap::new();
        let mut last: Option<(String, PersonId)> = None;
        while let Some(r) = rows.next()? {
            let person: String = r.get(0)?;
            let section: String = r.get(1)?;
            let stale_at: String = r.get(2)?;
            let mark: Option<String> = r.get(3)?;
            let conflicts: i64 = r.get(4)?;
            let method: String = r.get(5)?;
            let conditions: i64 = r.get(6)?;
            let pid = match &last {
                Some((p, id)) if *p == person => id.clone(),
                _ => {
                    let id = PersonId::parse(&person)
                        .map_err(|e| JournalError::corrupt("person id", e))?;
                    last = Some((person, id.clone()));
                    id
                }
            };
            let kind = SectionKind::parse(&section)
                .map_err(|e| JournalError::corrupt("section name", e))?;
            let stale_at: jiff::Timestamp = stale_at
                .parse()
                .map_err(|e| JournalError::corrupt("stale_at", e))?;
            let mark = match mark.as_deref() {
                None => None,
                Some("stale") => Some(MarkKind::Stale),
                Some("disputed") => Some(MarkKind::Disputed),
                Some(other) => return Err(JournalError::corrupt("section mark", other)),
            };
            let method: MethodKind = serde_json::from_value(serde_json::Value::String(method))
                .map_err(|e| JournalError::corrupt("method", e))?;
            let status = derive_status(stale_at, mark, conflicts > 0, now);
            out.entry(pid).or_default().push(SectionState {
                kind,
                status,
                method: Some(method),
                conditions: lantern_core::mei::Conditions(
                    u16::try_from(conditions)
                        .map_err(|e| JournalError::corrupt("section conditions", e))?,
                ),
            });
        }
        Ok(out)
    }

    /// The current (or a given) version of a handover's rule set.
    pub fn rule_set(
        &self,
        handover: HandoverPoint,
        version: Option<u32>,
    ) -> Result<Option<RuleSetRow>, JournalError> {
        let row = match version {
            Some(v) => self
                .conn
                .query_row(
                    "SELECT doc, reason, author, published_at FROM p_rule_sets WHERE handover = ?1 AND version = ?2",
                    params![handover.as_str(), v],
                    |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?,
            None => self
                .conn
                .query_row(
                    "SELECT doc, reason, author, published_at FROM p_rule_sets WHERE handover = ?1 ORDER BY version DESC LIMIT 1",
                    params![handover.as_str()],
                    |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?,
        };
        row.map(|(doc, reason, author, published_at)| {
            Ok(RuleSetRow {
                rule_set: parse(&format!("rule set {handover}"), &doc)?,
                reason,
                author,
                published_at,
            })
        })
        .transpose()
    }

    /// Every version of a handover's rule set, oldest first.
    pub fn rule_set_versions(
        &self,
        handover: HandoverPoint,
    ) -> Result<Vec<RuleSetRow>, JournalError> {
        let mut st = self.conn.prepare(
            "SELECT doc, reason, author, published_at FROM p_rule_sets WHERE handover = ?1 ORDER BY version",
        )?;
        let rows = st.query_map([handover.as_str()], |r| {
            Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (doc, reason, author, published_at) = row?;
            out.push(RuleSetRow {
                rule_set: parse("rule set", &doc)?,
                reason,
                author,
                published_at,
            });
        }
        Ok(out)
    }

    /// Dependencies whose status was set by hand.
    pub fn dependencies(&self) -> Result<Vec<DependencyRow>, JournalError> {
        let mut st = self
            .conn
            .prepare("SELECT id, degraded, note, since FROM p_dependencies ORDER BY id")?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, bool>(1)?,
                r.get(2)?,
                r.get(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, degraded, note, since) = row?;
            let id =
                DependencyId::parse(&id).map_err(|e| JournalError::corrupt("dependency id", e))?;
            out.push(DependencyRow {
                id,
                degraded,
                note,
                since,
            });
        }
        Ok(out)
    }

    /// The latest recorded readiness check for a person at a handover point.
    pub fn last_readiness(
        &self,
        person: &str,
        handover: HandoverPoint,
    ) -> Result<Option<Readiness>, JournalError> {
        Ok(self
            .docs(
                "readiness",
                "SELECT doc FROM p_readiness WHERE person = ?1 AND handover = ?2",
                [person, handover.as_str()],
            )?
            .pop())
    }

    /// Decisions recorded about a person, oldest first.
    pub fn decisions(&self, person: &str) -> Result<Vec<Event>, JournalError> {
        self.docs(
            "decision",
            "SELECT doc FROM p_decisions WHERE person = ?1 ORDER BY pos",
            [person],
        )
    }

    /// The latest break-glass opening of `person` by `actor` recorded at or after `since`
    /// (RFC 3339): when, and the reason given.
    pub fn break_glass_since(
        &self,
        actor: &str,
        person: &str,
        since: &str,
    ) -> Result<Option<(String, String)>, JournalError> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .prepare_cached(
                "SELECT recorded_at, break_glass FROM p_audit
                 WHERE person = ?1 AND actor = ?2 AND break_glass IS NOT NULL AND recorded_at >= ?3
                 ORDER BY pos DESC, n DESC LIMIT 1",
            )?
            .query_row(params![person, actor, since], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?)
    }

    /// Every node enrolment held, oldest first, with the node that signed it.
    pub fn enrolments(&self) -> Result<Vec<(String, Event)>, JournalError> {
        let mut st = self
            .conn
            .prepare("SELECT enrolled_by, doc FROM p_nodes ORDER BY pos")?;
        let rows = st
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(by, d)| Ok((by, parse("node enrolment", &d)?)))
            .collect()
    }

    /// Every readiness decision, oldest first.
    pub fn all_decisions(&self) -> Result<Vec<Event>, JournalError> {
        self.docs("decision", "SELECT doc FROM p_decisions ORDER BY pos", [])
    }

    /// Visits starting in `[from, to)`, by start time.
    pub fn visits_between(
        &self,
        from: jiff::Timestamp,
        to: jiff::Timestamp,
    ) -> Result<Vec<Visit>, JournalError> {
        self.docs(
            "visit",
            "SELECT doc FROM p_visits WHERE start >= ?1 AND start < ?2 ORDER BY start, id",
            [from.to_string(), to.to_string()],
        )
    }

    /// One planned visit.
    pub fn visit(&self, id: &str) -> Result<Option<Visit>, JournalError> {
        Ok(self
            .docs("visit", "SELECT doc FROM p_visits WHERE id = ?1", [id])?
            .pop())
    }

    /// One partner contact.
    pub fn contact(&self, id: &str) -> Result<Option<Contact>, JournalError> {
        Ok(self
            .docs("contact", "SELECT doc FROM p_contacts WHERE id = ?1", [id])?
            .pop())
    }

    /// Every event about a person, in journal order.
    pub fn person_history(&self, person: &str) -> Result<Vec<EventRow>, JournalError> {
        self.event_rows(
            &format!("{SELECT_EVENTS} WHERE pos IN (SELECT pos FROM p_person_events WHERE person = ?1) ORDER BY pos"),
            params![person],
        )
    }

    /// The latest `limit` events about a person, newest first.
    pub fn person_history_latest(
        &self,
        person: &str,
        limit: u32,
    ) -> Result<Vec<EventRow>, JournalError> {
        self.event_rows(
            &format!(
                "{SELECT_EVENTS} WHERE pos IN (SELECT pos FROM p_person_events WHERE person = ?1 ORDER BY pos DESC LIMIT ?2) ORDER BY pos DESC"
            ),
            params![person, limit],
        )
    }

    /// Every event of the given kinds, in journal order.
    pub fn events_of_kinds(&self, kinds: &[&str]) -> Result<Vec<EventRow>, JournalError> {
        let list = kinds
            .iter()
            .map(|k| format!("'{}'", k.replace('\'', "")))
            .collect::<Vec<_>>()
            .join(", ");
        self.event_rows(
            &format!("{SELECT_EVENTS} WHERE kind IN ({list}) ORDER BY pos"),
            [],
        )
    }

    /// The last `limit` events, in journal order.
    pub fn recent_events(&self, limit: u32) -> Result<Vec<EventRow>, JournalError> {
        let mut rows = self.event_rows(
            &format!("{SELECT_EVENTS} ORDER BY pos DESC LIMIT ?1"),
            params![limit],
        )?;
        rows.reverse();
        Ok(rows)
    }

    /// An account and its password hash.
    pub fn account(&self, username: &str) -> Result<Option<(Account, String)>, JournalError> {
        let row: Option<(String, String)> = self
            .conn
            .prepare_cached("SELECT doc, password_hash FROM p_accounts WHERE username = ?1")?
            .query_row([username], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        row.map(|(doc, hash)| Ok((parse(&format!("account {username}"), &doc)?, hash)))
            .transpose()
    }

    /// Every account.
    pub fn accounts(&self) -> Result<Vec<Account>, JournalError> {
        self.docs(
            "account",
            "SELECT doc FROM p_accounts ORDER BY username",
            [],
        )
    }

    /// People with visits assigned to any member of staff of a partner organisation.
    pub fn people_assigned_to_partner(&self, partner: &str) -> Result<Vec<String>, JournalError> {
        let mut st = self.conn.prepare_cached(
            "SELECT DISTINCT vc.person FROM p_visit_carers vc JOIN p_staff s ON s.id = vc.staff
             WHERE s.partner = ?1 ORDER BY vc.person",
        )?;
        let rows = st
            .query_map([partner], |r| r.get(0))?
            .collect::<Result<Vec<String>, _>>()?;
        Ok(rows)
    }

    /// The audit trail of reads, newest first, optionally for one person or only break-glass.
    pub fn audit(
        &self,
        person: Option<&str>,
        break_glass_only: bool,
        limit: u32,
    ) -> Result<Vec<AuditRow>, JournalError> {
        let mut st = self.conn.prepare_cached(
            "SELECT pos, recorded_at, actor, person, sections, channel, break_glass FROM p_audit
             WHERE (?1 IS NULL OR person = ?1) AND (?2 = 0 OR break_glass IS NOT NULL)
             ORDER BY pos DESC, n DESC LIMIT ?3",
        )?;
        let rows = st.query_map(params![person, break_glass_only, limit], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get::<_, String>(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (pos, recorded_at, actor, person, sections, channel, break_glass) = row?;
            out.push(AuditRow {
                pos,
                recorded_at,
                actor,
                person,
                sections: parse("audit sections", &sections)?,
                channel,
                break_glass,
            });
        }
        Ok(out)
    }

    /// Calls logged about a person, oldest first.
    pub fn calls(&self, person: &str) -> Result<Vec<CallRow>, JournalError> {
        let mut st = self
            .conn
            .prepare_cached("SELECT pos, occurred_at, actor, doc FROM p_calls WHERE person = ?1 ORDER BY occurred_at, pos")?;
        let rows = st.query_map([person], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get::<_, String>(3)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (pos, occurred_at, actor, doc) = row?;
            out.push(CallRow {
                pos,
                occurred_at,
                actor,
                call: parse("call", &doc)?,
            });
        }
        Ok(out)
    }

    /// The position of the last event that changed anything other than the audit trail.
    pub fn data_version(&self) -> Result<i64, JournalError> {
        Ok(self
            .conn
            .prepare_cached("SELECT data_pos FROM p_version WHERE id = 1")?
            .query_row([], |r| r.get(0))
            .optional()?
            .unwrap_or(0))
    }

    /// Number of events held.
    pub fn event_count(&self) -> Result<u64, JournalError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM events", [], |r| r.get::<_, i64>(0))?
            as u64)
    }

    pub(crate) fn event_rows(
        &self,
        sql: &str,
        p: impl rusqlite::Params,
    ) -> Result<Vec<EventRow>, JournalError> {
        let mut out = Vec::new();
        self.each_event_row(sql, p, |r| {
            out.push(r);
            Ok(())
        })?;
        Ok(out)
    }

    /// Each event row a query gives, one at a time: nothing is held but the row in hand.
    pub(crate) fn each_event_row(
        &self,
        sql: &str,
        p: impl rusqlite::Params,
        mut f: impl FnMut(EventRow) -> Result<(), JournalError>,
    ) -> Result<(), JournalError> {
        let mut st = self.conn.prepare(sql)?;
        let mut rows = st.query(p)?;
        while let Some(row) = rows.next()? {
            let pos: i64 = row.get(0)?;
            let stored = read_stored_event(row)
                .map_err(|e| JournalError::corrupt(format!("event at position {pos}"), e))?;
            let event = crate::event_format::decode(&stored.payload)
                .map_err(|e| JournalError::corrupt(format!("event at position {pos}"), e))?;
            f(EventRow { pos, stored, event })?;
        }
        Ok(())
    }
}
