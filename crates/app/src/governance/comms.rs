//! The communication protocol per service, and the communications a disruption's protocol calls
//! for: due by when, done by which record, or overdue.

use crate::{Actor, App, AppError};
use lantern_core::FieldError;
use lantern_core::comms::{CommsRule, CommsRuleInput, CommsState};
use lantern_core::event::Event;
use lantern_core::ids::CommsRuleId;
use lantern_core::role::Role;
use lantern_core::time::show;
use lantern_journal::NewEvent;
use serde::Serialize;

/// One line of a protocol as people read it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RuleLine {
    /// Its id.
    pub id: String,
    /// Who is told, in kind ("commissioners").
    pub audience: String,
    /// Who exactly.
    pub who: String,
    /// About which disruptions ("major or critical disruptions; only of eMAR").
    pub when: String,
    /// By when ("within 2 h of the declaration").
    pub within: String,
    /// How.
    pub how: String,
    /// The message template.
    pub template: String,
}

/// One service's protocol.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ServiceProtocol {
    /// The service's id.
    pub service: String,
    /// Its name.
    pub name: String,
    /// Its lines.
    pub rules: Vec<RuleLine>,
}

/// One communication a disruption calls for, as people read it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CommsDueLine {
    /// The protocol line's id.
    pub rule: String,
    /// The service's name.
    pub service: String,
    /// Who is told, in kind.
    pub audience: String,
    /// Who exactly.
    pub who: String,
    /// How.
    pub how: String,
    /// By when (London time).
    pub due: String,
    /// DONE, DUE or OVERDUE.
    pub state: String,
    /// Done: when, and by which record.
    pub done: String,
    /// The message to use, filled in.
    pub message: String,
}

/// "2 h", "45 min", "1 h 30 min", "2 days".
pub fn minutes_in_words(m: u32) -> String {
    match (m / 60, m % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) if h % 24 == 0 => format!("{} day{}", h / 24, if h == 24 { "" } else { "s" }),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

impl App {
    /// Add a line to a service's communication protocol.
    pub fn add_comms_rule(
        &mut self,
        actor: &Actor,
        input: &CommsRuleInput,
    ) -> Result<CommsRule, AppError> {
        actor.require(
            Role::may_configure_resilience,
            "keep the communication protocols",
        )?;
        let id = CommsRuleId::parse(&format!("cr-{}", self.journal.comms_rule_count()? + 1))
            .map_err(|e| e.in_record("communication rule"))?;
        let rule = input.parse(id)?;
        let rec = format!("communication rule {}", rule.id);
        if !self
            .journal
            .services()?
            .iter()
            .any(|s| s.id == rule.service)
        {
            return Err(
                FieldError::new(&rec, "service", "a service", rule.service.as_str()).into(),
            );
        }
        for (i, d) in rule.dependencies.iter().enumerate() {
            if self.journal.registered_dependency(d.as_str())?.is_none() {
                return Err(FieldError::new(
                    &rec,
                    format!("dependencies[{i}]"),
                    "a registered dependency (lantern dependency list)",
                    d.as_str(),
                )
                .into());
            }
        }
        self.journal.append(
            NewEvent::now(actor.journal_name(), Event::CommsRuleSet(rule.clone())),
            self.now(),
        )?;
        Ok(rule)
    }

    /// Take a line out of a protocol.
    pub fn remove_comms_rule(
        &mut self,
        actor: &Actor,
        id: &str,
        reason: &str,
    ) -> Result<(), AppError> {
        actor.require(
            Role::may_configure_resilience,
            "keep the communication protocols",
        )?;
        let rec = format!("communication rule {id}");
        lantern_core::text::required(&rec, "reason", reason, 2_000)?;
        let Some(rule) = self
            .journal
            .comms_rules()?
            .into_iter()
            .find(|r| r.id.as_str() == id.trim())
        else {
            return Err(AppError::not_found(
                "communication rule",
                id,
                "see lantern comms list",
            ));
        };
        self.journal.append(
            NewEvent::now(
                actor.journal_name(),
                Event::CommsRuleRemoved {
                    rule: rule.id,
                    reason: reason.trim().to_string(),
                },
            ),
            self.now(),
        )?;
        Ok(())
    }

    /// Every service's protocol.
    pub fn comms_protocols(&self, actor: &Actor) -> Result<Vec<ServiceProtocol>, AppError> {
        actor.require(Role::may_view_governance, "see the communication protocols")?;
        let rules = self.journal.comms_rules()?;
        let names = self.names(false)?;
        Ok(self
            .journal
            .services()?
            .into_iter()
            .map(|s| ServiceProtocol {
                rules: rules
                    .iter()
                    .filter(|r| r.service == s.id)
                    .map(|r| RuleLine {
                        id: r.id.to_string(),
                        audience: r.audience.word().to_string(),
                        who: r.who.clone(),
                        when: if r.dependencies.is_empty() {
                            r.trigger.word().to_string()
                        } else {
                            let deps: Vec<String> = r
                                .dependencies
                                .iter()
                                .map(|d| names.dependency(d.as_str()))
                                .collect();
                            format!("{}; only of {}", r.trigger.word(), deps.join(", "))
                        },
                        within: format!(
                            "within {} of the declaration",
                            minutes_in_words(r.within_minutes)
                        ),
                        how: r.how.clone(),
                        template: r.template.clone(),
                    })
                    .collect(),
                service: s.id.to_string(),
                name: s.name,
            })
            .collect())
    }

    /// The communications a disruption's protocol calls for, as of now.
    pub fn comms_due(
        &self,
        actor: &Actor,
        disruption: &str,
    ) -> Result<Vec<CommsDueLine>, AppError> {
        let v = self.disruption(actor, disruption)?;
        let names = self.names(false)?;
        let Some(d) = &v.disruption else {
            return Ok(vec![]);
        };
        Ok(
            lantern_core::comms::due(&self.journal.comms_rules()?, &v, self.now())
                .into_iter()
                .map(|c| {
                    let service = names.service(c.rule.service.as_str());
                    CommsDueLine {
                        rule: c.rule.id.to_string(),
                        message: c.rule.message(d, &service),
                        service,
                        audience: c.rule.audience.word().to_string(),
                        who: c.rule.who.clone(),
                        how: c.rule.how.clone(),
                        due: show(c.due_at),
                        state: match c.state {
                            CommsState::Done => "DONE",
                            CommsState::Due => "DUE",
                            CommsState::Overdue => "OVERDUE",
                        }
                        .to_string(),
                        done: c
                            .done
                            .map(|(id, at)| format!("told {} ({id})", show(at)))
                            .unwrap_or_default(),
                    }
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn minutes_read_as_people_say_them() {
        assert_eq!(super::minutes_in_words(45), "45 min");
        assert_eq!(super::minutes_in_words(120), "2 h");
        assert_eq!(super::minutes_in_words(90), "1 h 30 min");
        assert_eq!(super::minutes_in_words(1440), "1 day");
        assert_eq!(super::minutes_in_words(2880), "2 days");
    }
}
