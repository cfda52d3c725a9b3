//! The structured content of each section.

use super::SectionKind;
use crate::FieldError;
use crate::phone::PhoneNumber;
use crate::source::from_suffix as from;
use serde::{Deserialize, Serialize};

/// Content of one section, tagged by which section it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "section", rename_all = "snake_case")]
pub enum SectionContent {
    /// Section 1.
    Risks(Risks),
    /// Section 2.
    Medication(Medication),
    /// Section 3.
    Mobility(Mobility),
    /// Section 4.
    Communication(Communication),
    /// Section 5.
    Consent(Consent),
    /// Section 6.
    Escalation(Escalation),
}

impl SectionContent {
    /// A section's content as label/value lines.
    pub fn lines(&self) -> Vec<(String, String)> {
        let c = self;
        let mut out: Vec<(String, String)> = Vec::new();
        let mut push = |k: &str, v: String| out.push((k.to_string(), v));
        match c {
            SectionContent::Risks(r) => {
                for risk in &r.risks {
                    push(
                        "Risk",
                        format!(
                            "{} — triggers: {}; what helps: {}{}",
                            risk.description,
                            join(&risk.triggers),
                            join(&risk.what_helps),
                            from(&risk.source)
                        ),
                    );
                }
                push("Safeguarding", r.safeguarding.line());
                if !r.behaviours_that_challenge.is_empty() {
                    push(
                        "Behaviours that challenge",
                        r.behaviours_that_challenge.join("; "),
                    );
                }
                if let Some(rp) = &r.restrictive_practice {
                    push("Restrictive practice", rp.clone());
                }
            }
            SectionContent::Medication(m) => {
                push("Support level", m.support_level.label().to_string());
                for med in &m.medicines {
                    let tc = if med.time_critical {
                        "TIME-CRITICAL: "
                    } else {
                        ""
                    };
                    push(
                        "Medicine",
                        format!(
                            "{tc}{} {} at {}{}",
                            med.name,
                            med.dose,
                            med.times.join(", "),
                            from(&med.source)
                        ),
                    );
                }
                if m.no_known_allergies {
                    push(
                        "Allergies",
                        "No known allergies (stated by the source)".into(),
                    );
                } else if m.allergies.is_empty() {
                    push(
                        "Allergies",
                        "NOT STATED (ask, and record the allergies or 'no known allergies')".into(),
                    );
                }
                for a in &m.allergies {
                    push(
                        "ALLERGY",
                        format!("{} ({}){}", a.substance, a.reaction, from(&a.source)),
                    );
                }
            }
            SectionContent::Mobility(m) => {
                push("Falls risk", m.falls_risk.label().to_string());
                push("Aids indoors", join(&m.aids_indoors));
                push("Aids outdoors", join(&m.aids_outdoors));
                push("Transfers", m.transfers.clone());
                push("Manual handling", m.manual_handling_plan.clone());
                for f in &m.recent_falls_or_admissions {
                    push("Recent", f.clone());
                }
            }
            SectionContent::Communication(c) => {
                push(
                    "Language",
                    format!(
                        "{}{}",
                        c.language,
                        if c.interpreter_needed {
                            " (interpreter needed)"
                        } else {
                            ""
                        }
                    ),
                );
                if let Some(h) = &c.hearing {
                    push("Hearing", h.clone());
                }
                if let Some(s) = &c.sight {
                    push("Sight", s.clone());
                }
                push("Approach", c.preferred_approach.clone());
                for d in &c.de_escalation_prompts {
                    push("De-escalation", d.clone());
                }
            }
            SectionContent::Consent(c) => {
                for n in &c.capacity_notes {
                    push(
                        &format!("Capacity: {}", n.decision),
                        format!("{}{}", n.note, from(&n.source)),
                    );
                }
                for (label, v) in [
                    ("LPA / deputy", &c.lpa_or_deputy),
                    ("DNACPR / ReSPECT", &c.dnacpr_respect),
                    ("DoLS", &c.dols_status),
                ] {
                    if let Some(v) = v {
                        push(label, v.clone());
                    }
                }
            }
            SectionContent::Escalation(e) => {
                for (i, s) in e.route.iter().enumerate() {
                    push(
                        &format!("{}. {}", i + 1, s.name),
                        format!("{} — {} — {}{}", s.role, s.phone, s.when, from(&s.source)),
                    );
                }
            }
        }
        out
    }

    /// The same content with no item saying which record it came from: what two copies of a
    /// section must agree on when they came by different routes (an export read back).
    pub fn without_sources(&self) -> SectionContent {
        let mut c = self.clone();
        match &mut c {
            SectionContent::Risks(r) => r.risks.iter_mut().for_each(|x| x.source = None),
            SectionContent::Medication(m) => {
                m.medicines.iter_mut().for_each(|x| x.source = None);
                m.allergies.iter_mut().for_each(|x| x.source = None);
            }
            SectionContent::Consent(n) => n.capacity_notes.iter_mut().for_each(|x| x.source = None),
            SectionContent::Escalation(e) => e.route.iter_mut().for_each(|x| x.source = None),
            SectionContent::Mobility(_) | SectionContent::Communication(_) => {}
        }
        c
    }

    /// Items typed again unchanged keep the record they came from: a form that does not carry
    /// each item's source must not make an imported allergy look as if someone here wrote it.
    /// An item that changed in any way is the new confirmer's, with no source.
    pub fn keep_sources_from(&mut self, old: &SectionContent) {
        fn keep<T: Clone + PartialEq>(
            new: &mut [T],
            old: &[T],
            src: impl Fn(&mut T) -> &mut Option<crate::source::FactSource>,
        ) {
            for item in new.iter_mut() {
                if src(item).is_some() {
                    continue;
                }
                if let Some(o) = old.iter().find(|o| {
                    let mut o = (*o).clone();
                    *src(&mut o) = None;
                    o == *item
                }) {
                    let mut o = o.clone();
                    *src(item) = src(&mut o).take();
                }
            }
        }
        match (self, old) {
            (SectionContent::Risks(n), SectionContent::Risks(o)) => {
                keep(&mut n.risks, &o.risks, |x| &mut x.source)
            }
            (SectionContent::Medication(n), SectionContent::Medication(o)) => {
                keep(&mut n.medicines, &o.medicines, |x| &mut x.source);
                keep(&mut n.allergies, &o.allergies, |x| &mut x.source);
            }
            (SectionContent::Consent(n), SectionContent::Consent(o)) => {
                keep(&mut n.capacity_notes, &o.capacity_notes, |x| &mut x.source)
            }
            (SectionContent::Escalation(n), SectionContent::Escalation(o)) => {
                keep(&mut n.route, &o.route, |x| &mut x.source)
            }
            _ => {}
        }
    }

    /// Which section this is.
    pub fn kind(&self) -> SectionKind {
        match self {
            SectionContent::Risks(_) => SectionKind::Risks,
            SectionContent::Medication(_) => SectionKind::Medication,
            SectionContent::Mobility(_) => SectionKind::Mobility,
            SectionContent::Communication(_) => SectionKind::Communication,
            SectionContent::Consent(_) => SectionKind::Consent,
            SectionContent::Escalation(_) => SectionKind::Escalation,
        }
    }

    /// Check what types cannot: times of day, non-empty names, at least one escalation step.
    pub fn validate(&self, record: &str) -> Result<(), FieldError> {
        match self {
            SectionContent::Risks(r) => {
                for (i, risk) in r.risks.iter().enumerate() {
                    non_empty(
                        record,
                        &format!("risks[{i}].description"),
                        &risk.description,
                    )?;
                }
                Ok(())
            }
            SectionContent::Medication(m) => {
                for (i, med) in m.medicines.iter().enumerate() {
                    non_empty(record, &format!("medicines[{i}].name"), &med.name)?;
                    for (j, t) in med.times.iter().enumerate() {
                        crate::time::parse_time_of_day(&format!("medicines[{i}].times[{j}]"), t)
                            .map_err(|e| e.in_record(record))?;
                    }
                    if med.time_critical && med.times.is_empty() {
                        return Err(FieldError::new(
                            record,
                            format!("medicines[{i}].times"),
                            "at least one time for a time-critical medicine",
                            "[]",
                        ));
                    }
                }
                for (i, a) in m.allergies.iter().enumerate() {
                    non_empty(record, &format!("allergies[{i}].substance"), &a.substance)?;
                }
                if m.no_known_allergies && !m.allergies.is_empty() {
                    return Err(FieldError::new(
                        record,
                        "no_known_allergies",
                        "either allergies listed or 'no known allergies', not both",
                        format!("{} allergies listed", m.allergies.len()),
                    ));
                }
                Ok(())
            }
            SectionContent::Escalation(e) => {
                if e.route.is_empty() {
                    return Err(FieldError::new(
                        record,
                        "route",
                        "at least one named contact",
                        "[]",
                    ));
                }
                for (i, s) in e.route.iter().enumerate() {
                    non_empty(record, &format!("route[{i}].name"), &s.name)?;
                }
                Ok(())
            }
            SectionContent::Consent(c) => {
                for (i, n) in c.capacity_notes.iter().enumerate() {
                    non_empty(
                        record,
                        &format!("capacity_notes[{i}].decision"),
                        &n.decision,
                    )?;
                }
                Ok(())
            }
            SectionContent::Mobility(_) | SectionContent::Communication(_) => Ok(()),
        }
    }
}

fn non_empty(record: &str, field: &str, v: &str) -> Result<(), FieldError> {
    if v.trim().is_empty() {
        Err(FieldError::new(record, field, "a non-empty value", v))
    } else {
        Ok(())
    }
}

/// Section 1: current risks and triggers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Risks {
    /// Each risk with its triggers and what helps.
    #[serde(default)]
    pub risks: Vec<Risk>,
    /// Safeguarding status.
    #[serde(default)]
    pub safeguarding: Safeguarding,
    /// Behaviours that challenge.
    #[serde(default)]
    pub behaviours_that_challenge: Vec<String>,
    /// Restrictive-practice context (what is permitted, under which authority).
    #[serde(default)]
    pub restrictive_practice: Option<String>,
}

/// One risk.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Risk {
    /// What the risk is.
    pub description: String,
    /// What sets it off.
    #[serde(default)]
    pub triggers: Vec<String>,
    /// What helps.
    #[serde(default)]
    pub what_helps: Vec<String>,
    /// Where it came from, when imported from another system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<crate::source::FactSource>,
}

/// Safeguarding status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Safeguarding {
    /// The status.
    #[serde(default)]
    pub status: SafeguardingStatus,
    /// Detail (who is involved, plan reference).
    #[serde(default)]
    pub note: Option<String>,
}

/// Safeguarding flag.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SafeguardingStatus {
    /// No concern known.
    #[default]
    None,
    /// A concern raised, under enquiry.
    Concern,
    /// An active safeguarding plan.
    Active,
    /// Not known: to be confirmed with the local authority.
    ToConfirm,
}

/// Section 2: medication support.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Medication {
    /// Level of support.
    pub support_level: SupportLevel,
    /// Medicines.
    #[serde(default)]
    pub medicines: Vec<Medicine>,
    /// Allergies and reactions.
    #[serde(default)]
    pub allergies: Vec<Allergy>,
    /// The source said in so many words that no allergies are known. With no allergy listed and
    /// no such statement the allergy status is not known: never shown or read as "none".
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_known_allergies: bool,
}

impl Medication {
    /// Whether nothing says what the person's allergies are.
    pub fn allergies_not_stated(&self) -> bool {
        self.allergies.is_empty() && !self.no_known_allergies
    }
}

/// Level of medication support.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SupportLevel {
    /// The source listed medicines but did not say what support is needed: a gap to confirm,
    /// never taken to mean "none".
    #[default]
    NotStated,
    /// Manages own medicines.
    None,
    /// Prompt only.
    Prompt,
    /// Assist.
    Assist,
    /// Administer.
    Administer,
}

impl SafeguardingStatus {
    /// As shown on pages, paper and the CLI.
    pub fn label(self) -> &'static str {
        match self {
            SafeguardingStatus::None => "None",
            SafeguardingStatus::Concern => "Concern",
            SafeguardingStatus::Active => "ACTIVE",
            SafeguardingStatus::ToConfirm => "TO CONFIRM",
        }
    }
}

impl Safeguarding {
    /// The status and its note in one line, as people read it.
    pub fn line(&self) -> String {
        match &self.note {
            Some(n) => format!("{} — {n}", self.status.label()),
            None => self.status.label().to_string(),
        }
    }
}

impl SupportLevel {
    /// As shown on pages, paper and the CLI.
    pub fn label(self) -> &'static str {
        match self {
            SupportLevel::NotStated => "NOT STATED (confirm what support is needed)",
            SupportLevel::None => "None",
            SupportLevel::Prompt => "Prompt",
            SupportLevel::Assist => "Assist",
            SupportLevel::Administer => "Administer",
        }
    }
}

/// One medicine.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Medicine {
    /// Name and strength.
    pub name: String,
    /// Dose.
    #[serde(default)]
    pub dose: String,
    /// Times of day, HH:MM.
    #[serde(default)]
    pub times: Vec<String>,
    /// Time-critical (Parkinson's medicines, insulin...).
    #[serde(default)]
    pub time_critical: bool,
    /// Notes (with food, route).
    #[serde(default)]
    pub notes: Option<String>,
    /// Where it came from, when imported from another system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<crate::source::FactSource>,
}

/// An allergy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Allergy {
    /// Substance.
    pub substance: String,
    /// Reaction.
    #[serde(default)]
    pub reaction: String,
    /// Where it came from, when imported from another system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<crate::source::FactSource>,
}

/// Section 3: mobility and falls.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Mobility {
    /// Aids used indoors (frame...).
    #[serde(default)]
    pub aids_indoors: Vec<String>,
    /// Aids used outdoors.
    #[serde(default)]
    pub aids_outdoors: Vec<String>,
    /// Transfers (independent, one carer, hoist with two).
    #[serde(default)]
    pub transfers: String,
    /// Manual handling plan.
    #[serde(default)]
    pub manual_handling_plan: String,
    /// Falls risk.
    #[serde(default)]
    pub falls_risk: FallsRisk,
    /// Recent falls or hospital admissions.
    #[serde(default)]
    pub recent_falls_or_admissions: Vec<String>,
}

/// Falls risk level.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum FallsRisk {
    /// The source did not say: never read as low.
    #[default]
    NotStated,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
}

impl FallsRisk {
    /// As shown on pages, paper and the CLI.
    pub fn label(self) -> &'static str {
        match self {
            FallsRisk::NotStated => "NOT STATED (confirm the falls risk)",
            FallsRisk::Low => "Low",
            FallsRisk::Medium => "Medium",
            FallsRisk::High => "High",
        }
    }
}

/// Section 4: communication.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Communication {
    /// Preferred language.
    #[serde(default)]
    pub language: String,
    /// Needs an interpreter.
    #[serde(default)]
    pub interpreter_needed: bool,
    /// Hearing.
    #[serde(default)]
    pub hearing: Option<String>,
    /// Sight.
    #[serde(default)]
    pub sight: Option<String>,
    /// Preferred approach.
    #[serde(default)]
    pub preferred_approach: String,
    /// De-escalation prompts.
    #[serde(default)]
    pub de_escalation_prompts: Vec<String>,
}

/// Section 5: consent and capacity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    /// Capacity per decision.
    #[serde(default)]
    pub capacity_notes: Vec<CapacityNote>,
    /// Lasting power of attorney or deputy.
    #[serde(default)]
    pub lpa_or_deputy: Option<String>,
    /// DNACPR / ReSPECT.
    #[serde(default)]
    pub dnacpr_respect: Option<String>,
    /// DoLS / LPS status.
    #[serde(default)]
    pub dols_status: Option<String>,
}

/// Capacity for one decision.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CapacityNote {
    /// The decision.
    pub decision: String,
    /// The assessment.
    pub note: String,
    /// Where it came from, when imported from another system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<crate::source::FactSource>,
}

/// Section 6: escalation route.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Escalation {
    /// Named contacts in order.
    pub route: Vec<EscalationStep>,
}

/// One step of the escalation route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalationStep {
    /// Name.
    pub name: String,
    /// Role or relationship.
    #[serde(default)]
    pub role: String,
    /// Phone.
    pub phone: PhoneNumber,
    /// When to use this contact.
    #[serde(default)]
    pub when: String,
    /// Where it came from, when imported from another system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<crate::source::FactSource>,
}

fn join(v: &[String]) -> String {
    if v.is_empty() {
        "none recorded".into()
    } else {
        v.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FactSource;

    #[test]
    fn items_typed_again_unchanged_keep_their_source_and_changed_ones_do_not() {
        let src = FactSource {
            system: "gp-record".into(),
            resource_type: "AllergyIntolerance".into(),
            id: "a1".into(),
            version_id: None,
            last_updated: None,
        };
        let old = SectionContent::Medication(Medication {
            support_level: SupportLevel::Administer,
            allergies: vec![
                Allergy {
                    substance: "Penicillin".into(),
                    reaction: "rash".into(),
                    source: Some(src.clone()),
                },
                Allergy {
                    substance: "Latex".into(),
                    reaction: "hives".into(),
                    source: Some(src.clone()),
                },
            ],
            ..Default::default()
        });
        let mut new = old.without_sources();
        if let SectionContent::Medication(m) = &mut new {
            m.allergies[1].reaction = "anaphylaxis".into();
        }
        new.keep_sources_from(&old);
        let SectionContent::Medication(m) = new else {
            panic!("medication")
        };
        assert_eq!(m.allergies[0].source, Some(src));
        assert_eq!(m.allergies[1].source, None);
    }
}
