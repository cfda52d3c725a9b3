//! Handover rule sets: show, and publish a new version with its reason.

use crate::{Actor, App, AppError};
use lantern_core::FieldError;
use lantern_core::event::Event;
use lantern_core::readiness::Readiness;
use lantern_core::role::Role;
use lantern_core::rules::{HandoverPoint, Rule, RuleSet};
use lantern_journal::{NewEvent, RuleSetRow};

impl App {
    /// The current version of a handover's rule set, or a given version.
    pub fn rule_set(&self, handover: &str, version: Option<u32>) -> Result<RuleSetRow, AppError> {
        let h = HandoverPoint::parse(handover)?;
        self.journal.rule_set(h, version)?.ok_or_else(|| {
            AppError::not_found(
                "rule set",
                format!(
                    "{h}{}",
                    version.map(|v| format!(" version {v}")).unwrap_or_default()
                ),
                "see `lantern rules list`",
            )
        })
    }

    /// Every version of a handover's rule set.
    pub fn rule_set_versions(&self, handover: &str) -> Result<Vec<RuleSetRow>, AppError> {
        Ok(self
            .journal
            .rule_set_versions(HandoverPoint::parse(handover)?)?)
    }

    /// Publish a new version: `rules_json` is a JSON array of rules; the version is the next number.
    pub fn publish_rule_set(
        &mut self,
        actor: &Actor,
        handover: &str,
        rules_json: &str,
        reason: &str,
    ) -> Result<RuleSet, AppError> {
        actor.require_staff(Role::may_publish_rules, "publish handover rules")?;
        let h = HandoverPoint::parse(handover)?;
        let current = self
            .journal
            .rule_set(h, None)?
            .map(|r| r.rule_set.version)
            .unwrap_or(0);
        let rec = format!("rule set {h} v{}", current + 1);
        if rules_json.len() > 1024 * 1024 {
            return Err(FieldError::new(
                &rec,
                "rules",
                "at most 1 MiB of JSON",
                format!("{} bytes", rules_json.len()),
            )
            .into());
        }
        let rules: Vec<Rule> = crate::json::parse(&rec, "rules", "a valid rule", rules_json)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(
                FieldError::new(&rec, "reason", "why the rules are changing", reason).into(),
            );
        }
        let rule_set = RuleSet {
            handover: h,
            version: current + 1,
            rules,
        };
        rule_set.validate()?;
        let ev = Event::RuleSetPublished {
            rule_set: rule_set.clone(),
            reason: reason.to_string(),
        };
        self.journal
            .append(NewEvent::now(actor.journal_name(), ev), self.now())?;
        Ok(rule_set)
    }

    /// Publish a new version from the structured form's fields (see `rule_form`).
    pub fn publish_rule_set_from_form(
        &mut self,
        actor: &Actor,
        handover: &str,
        fields: &[(String, String)],
        reason: &str,
    ) -> Result<RuleSet, AppError> {
        let rules = self.rules_of_form(handover, fields)?;
        let json = serde_json::to_string(&rules).map_err(|e| {
            FieldError::new(
                "rule set",
                "rules",
                "rules that can be stored",
                e.to_string(),
            )
        })?;
        self.publish_rule_set(actor, handover, &json, reason)
    }

    /// What a draft rule set from the form would decide for one person now, beside what the
    /// rules in force decide: nothing is published or recorded; the read of the person's
    /// essential information is audited (channel `web:rules-preview`) like any check.
    pub fn preview_rules(
        &mut self,
        actor: &Actor,
        handover: &str,
        fields: &[(String, String)],
        person: &str,
    ) -> Result<(Readiness, Readiness), AppError> {
        actor.require_staff(Role::may_publish_rules, "try out handover rules")?;
        let rules = self.rules_of_form(handover, fields)?;
        let h = HandoverPoint::parse(handover)?;
        let current = self.rule_set(handover, None)?;
        let draft = RuleSet {
            handover: h,
            version: current.rule_set.version + 1,
            rules,
        };
        draft.validate()?;
        self.person_in_reach(actor, person, "web:rules-preview")?;
        let now = self.readiness_of(person, handover)?;
        let with_draft = self.readiness_under(person, &draft)?;
        Ok((now, with_draft))
    }

    /// The draft's rules, checked as a new version of `handover`'s set would be.
    fn rules_of_form(
        &self,
        handover: &str,
        fields: &[(String, String)],
    ) -> Result<Vec<Rule>, AppError> {
        let h = HandoverPoint::parse(handover)?;
        let next = self
            .journal
            .rule_set(h, None)?
            .map(|r| r.rule_set.version)
            .unwrap_or(0)
            + 1;
        Ok(crate::readiness::rule_form::rules_from_form(
            &format!("rule set {h} v{next}"),
            fields,
        )?)
    }
}
