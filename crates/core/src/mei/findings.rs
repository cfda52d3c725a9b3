//! What a section's *content* says that needs attention, whatever its status: a safeguarding
//! status still "to confirm", medicines with no support level, a value noted "before admission".
//! Handover rules test these (a rule's `when_content`), so re-confirming a section unchanged
//! never lifts a restriction its content still calls for.

use super::content::*;
use serde::{Deserialize, Serialize};

/// A condition of a section's content that rules can test.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ContentCondition {
    /// Risks: the safeguarding status is "to confirm".
    SafeguardingToConfirm,
    /// Risks: an active safeguarding plan or enquiry.
    SafeguardingActive,
    /// Medication: medicines are listed but the support needed is not stated.
    SupportUnknown,
    /// Mobility: the falls risk is not stated.
    FallsRiskUnknown,
    /// Mobility: neither aids nor transfers are stated.
    MobilityUnknown,
    /// Any section: a value noted as from before an admission, or still to be confirmed.
    PendingNote,
    /// Escalation: no step has a number that can be dialled (a full UK or international number,
    /// or 999, 111, 112 or 101).
    NoDialableNumber,
    /// Medication: no allergy is listed and nothing says "no known allergies".
    AllergiesNotStated,
}

impl ContentCondition {
    /// Every condition, in the order a form lists them.
    pub const ALL: [ContentCondition; 8] = [
        ContentCondition::SafeguardingToConfirm,
        ContentCondition::SafeguardingActive,
        ContentCondition::SupportUnknown,
        ContentCondition::AllergiesNotStated,
        ContentCondition::FallsRiskUnknown,
        ContentCondition::MobilityUnknown,
        ContentCondition::PendingNote,
        ContentCondition::NoDialableNumber,
    ];

    /// As stored (`safeguarding_to_confirm`).
    pub fn as_str(self) -> &'static str {
        match self {
            ContentCondition::SafeguardingToConfirm => "safeguarding_to_confirm",
            ContentCondition::SafeguardingActive => "safeguarding_active",
            ContentCondition::SupportUnknown => "support_unknown",
            ContentCondition::FallsRiskUnknown => "falls_risk_unknown",
            ContentCondition::MobilityUnknown => "mobility_unknown",
            ContentCondition::PendingNote => "pending_note",
            ContentCondition::NoDialableNumber => "no_dialable_number",
            ContentCondition::AllergiesNotStated => "allergies_not_stated",
        }
    }

    /// As shown beside a reason.
    pub fn label(self) -> &'static str {
        match self {
            ContentCondition::SafeguardingToConfirm => "safeguarding status is 'to confirm'",
            ContentCondition::SafeguardingActive => "an active safeguarding plan or enquiry",
            ContentCondition::SupportUnknown => {
                "medicines are listed but the support needed is not stated"
            }
            ContentCondition::FallsRiskUnknown => "the falls risk is not stated",
            ContentCondition::MobilityUnknown => "neither aids nor transfers are stated",
            ContentCondition::PendingNote => {
                "a value noted as from before an admission or still to be confirmed"
            }
            ContentCondition::NoDialableNumber => {
                "no step of the escalation route has a number that can be dialled"
            }
            ContentCondition::AllergiesNotStated => {
                "no allergy is listed and 'no known allergies' is not stated"
            }
        }
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// A set of content conditions, small enough to keep beside a section's status.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct Conditions(pub u16);

impl Conditions {
    /// Whether it holds `c`.
    pub fn contains(self, c: ContentCondition) -> bool {
        self.0 & c.bit() != 0
    }

    /// Those of `wanted` it holds.
    pub fn matching(self, wanted: &[ContentCondition]) -> Vec<ContentCondition> {
        wanted
            .iter()
            .copied()
            .filter(|c| self.contains(*c))
            .collect()
    }
}

impl FromIterator<ContentCondition> for Conditions {
    fn from_iter<I: IntoIterator<Item = ContentCondition>>(iter: I) -> Self {
        Conditions(iter.into_iter().fold(0, |acc, c| acc | c.bit()))
    }
}

/// One thing the content says that needs attention, with the words that say it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Finding {
    /// Which condition.
    pub condition: ContentCondition,
    /// The content that shows it.
    pub detail: String,
}

/// Words that mark a value as not current: noted before an admission, or still to confirm.
const PENDING: [&str; 5] = [
    "before admission",
    "to confirm",
    "to be confirmed",
    "tbc",
    "unconfirmed",
];

fn marked_pending(text: &str) -> bool {
    let t = text.to_lowercase();
    PENDING.iter().any(|p| {
        // "tbc" only as a word of its own.
        if *p == "tbc" {
            t.split(|c: char| !c.is_alphanumeric()).any(|w| w == "tbc")
        } else {
            t.contains(p)
        }
    })
}

/// A number someone can ring: 10 to 15 digits (a full UK or international number), or one of
/// the short national numbers.
pub fn dialable(number: &str) -> bool {
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    (10..=15).contains(&digits.len()) || matches!(digits.as_str(), "999" | "111" | "112" | "101")
}

/// Everything in `content` that needs attention.
pub fn findings(content: &SectionContent) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut push = |condition, detail: String| out.push(Finding { condition, detail });
    let mut texts: Vec<String> = Vec::new();
    match content {
        SectionContent::Risks(r) => {
            let note = r.safeguarding.note.clone().unwrap_or_default();
            match r.safeguarding.status {
                SafeguardingStatus::ToConfirm => push(
                    ContentCondition::SafeguardingToConfirm,
                    format!("safeguarding: to confirm {note}")
                        .trim()
                        .to_string(),
                ),
                SafeguardingStatus::Active => push(
                    ContentCondition::SafeguardingActive,
                    format!("safeguarding: active {note}").trim().to_string(),
                ),
                _ => {}
            }
            texts.extend(r.risks.iter().map(|x| x.description.clone()));
            texts.extend(r.behaviours_that_challenge.iter().cloned());
            texts.extend(r.restrictive_practice.clone());
        }
        SectionContent::Medication(m) => {
            if !m.medicines.is_empty() && m.support_level == SupportLevel::NotStated {
                push(
                    ContentCondition::SupportUnknown,
                    format!("{} medicine(s), support not stated", m.medicines.len()),
                );
            }
            if m.allergies_not_stated() {
                push(
                    ContentCondition::AllergiesNotStated,
                    "allergies: not stated".into(),
                );
            }
            texts.extend(m.medicines.iter().map(|x| format!("{} {}", x.name, x.dose)));
        }
        SectionContent::Mobility(m) => {
            if m.falls_risk == FallsRisk::NotStated {
                push(
                    ContentCondition::FallsRiskUnknown,
                    "falls risk: not stated".into(),
                );
            }
            if m.aids_indoors.is_empty() && m.aids_outdoors.is_empty() && m.transfers.is_empty() {
                push(
                    ContentCondition::MobilityUnknown,
                    "aids and transfers: not stated".into(),
                );
            }
            texts.extend(m.aids_indoors.iter().cloned());
            texts.extend(m.aids_outdoors.iter().cloned());
            texts.push(m.transfers.clone());
            texts.push(m.manual_handling_plan.clone());
        }
        SectionContent::Communication(c) => {
            texts.push(c.language.clone());
            texts.push(c.preferred_approach.clone());
            texts.extend(c.hearing.clone());
            texts.extend(c.sight.clone());
        }
        SectionContent::Consent(c) => {
            texts.extend(c.capacity_notes.iter().map(|n| n.note.clone()));
            texts.extend(c.lpa_or_deputy.clone());
            texts.extend(c.dnacpr_respect.clone());
            texts.extend(c.dols_status.clone());
        }
        SectionContent::Escalation(e) => {
            if !e.route.iter().any(|s| dialable(s.phone.as_str())) {
                push(
                    ContentCondition::NoDialableNumber,
                    e.route
                        .iter()
                        .map(|s| format!("{} {}", s.name, s.phone))
                        .collect::<Vec<_>>()
                        .join("; "),
                );
            }
            texts.extend(e.route.iter().map(|s| format!("{} {}", s.name, s.when)));
        }
    }
    for t in texts.into_iter().filter(|t| marked_pending(t)) {
        push(ContentCondition::PendingNote, t);
    }
    out
}

/// What in `content` still carries a pending marker (all findings but an active safeguarding
/// plan, which is a state, not a gap): such content is not confirmed unchanged without a reason.
pub fn pending(content: &SectionContent) -> Vec<String> {
    findings(content)
        .into_iter()
        .filter(|f| f.condition != ContentCondition::SafeguardingActive)
        .map(|f| f.detail)
        .collect()
}

/// The conditions of `content`, as kept beside its status.
pub fn conditions(content: &SectionContent) -> Conditions {
    findings(content).iter().map(|f| f.condition).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_notes_and_unknowns_are_found_and_plain_content_is_not() {
        let m = SectionContent::Mobility(Mobility {
            aids_indoors: vec!["walking stick (before admission)".into()],
            transfers: "Independent before admission".into(),
            falls_risk: FallsRisk::High,
            ..Mobility::default()
        });
        let f = findings(&m);
        assert_eq!(f.len(), 2, "{f:?}");
        assert!(
            f.iter()
                .all(|x| x.condition == ContentCondition::PendingNote)
        );
        assert!(f[0].detail.contains("walking stick"));
        let now = SectionContent::Mobility(Mobility {
            aids_indoors: vec!["walking frame".into()],
            transfers: "Stand-aid with one carer".into(),
            falls_risk: FallsRisk::High,
            ..Mobility::default()
        });
        assert!(findings(&now).is_empty());
        let r = SectionContent::Risks(Risks {
            safeguarding: Safeguarding {
                status: SafeguardingStatus::ToConfirm,
                note: Some("portal shows a section that did not transfer".into()),
            },
            ..Risks::default()
        });
        let c = conditions(&r);
        assert!(c.contains(ContentCondition::SafeguardingToConfirm));
        assert!(
            !c.contains(ContentCondition::PendingNote),
            "the status says it"
        );
        assert!(!marked_pending("Stable; obtain a new TBCA form") && marked_pending("GP TBC"));
        let step = |phone: &str| EscalationStep {
            name: "Office".into(),
            role: String::new(),
            phone: crate::phone::PhoneNumber::parse(phone).unwrap(),
            when: String::new(),
            source: None,
        };
        let e = |p: &str| {
            SectionContent::Escalation(Escalation {
                route: vec![step(p)],
            })
        };
        assert!(conditions(&e("1234")).contains(ContentCondition::NoDialableNumber));
        assert!(!conditions(&e("01632 960111")).contains(ContentCondition::NoDialableNumber));
        assert!(!conditions(&e("111")).contains(ContentCondition::NoDialableNumber));
    }

    #[test]
    fn allergies_are_not_stated_until_listed_or_none_known_is_said() {
        let m = |allergies: Vec<Allergy>, nka: bool| {
            SectionContent::Medication(Medication {
                support_level: SupportLevel::Prompt,
                allergies,
                no_known_allergies: nka,
                ..Medication::default()
            })
        };
        let silent = m(vec![], false);
        assert!(conditions(&silent).contains(ContentCondition::AllergiesNotStated));
        assert!(pending(&silent).iter().any(|p| p.contains("allergies")));
        assert!(
            silent
                .lines()
                .iter()
                .any(|(k, v)| k == "Allergies" && v.starts_with("NOT STATED")),
            "never shown as none known"
        );
        assert!(!conditions(&m(vec![], true)).contains(ContentCondition::AllergiesNotStated));
        let listed = vec![Allergy {
            substance: "Penicillin".into(),
            reaction: "rash".into(),
            source: None,
        }];
        assert!(
            !conditions(&m(listed.clone(), false)).contains(ContentCondition::AllergiesNotStated)
        );
        let e = m(listed, true).validate("medication of p-1").unwrap_err();
        assert_eq!(e.field, "no_known_allergies");
    }
}
