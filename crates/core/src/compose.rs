//! Composing a person's section content from imported facts.
//!
//! The rule: content from one source system replaces that system's earlier contribution and
//! nothing else. Items typed into Lantern (no `source`) and items from other systems stay as they
//! are; scalar fields (language, falls risk) are set when the source says something about them.

use crate::mei::*;
use crate::phone::PhoneNumber;
use crate::source::{Fact, FactSource};
use std::collections::HashMap;

/// What a source did not say about a section it contributed to, each a reason to confirm the
/// section before it counts as current (the section is marked stale with them): never turned
/// into a default. `sources` are the records the content came from; `as_of_required` is false
/// for a provider's own files, which carry no per-record update time.
pub fn unstated(
    content: &SectionContent,
    sources: &[FactSource],
    as_of_required: bool,
) -> Vec<String> {
    let mut out = Vec::new();
    if as_of_required && !sources.is_empty() && sources.iter().all(|s| s.last_updated.is_none()) {
        out.push(
            "as of unknown: the source did not say when these records were last updated (no meta.lastUpdated); confirm they are current".to_string(),
        );
    }
    match content {
        SectionContent::Medication(m)
            if !m.medicines.is_empty() && m.support_level == SupportLevel::NotStated =>
        {
            out.push(
                "the source lists medicines but not the support needed (none, prompt, assist or administer); confirm it".to_string(),
            );
        }
        SectionContent::Mobility(m) if m.falls_risk == FallsRisk::NotStated => {
            out.push(
                "the source does not state the falls risk (low, medium or high); confirm it"
                    .to_string(),
            );
        }
        SectionContent::Communication(c)
            if c.hearing.is_none()
                && c.sight.is_none()
                && c.preferred_approach.trim().is_empty()
                && c.de_escalation_prompts.is_empty() =>
        {
            out.push(
                "the source gives only a preferred language; confirm hearing, sight and how best to communicate".to_string(),
            );
        }
        _ => {}
    }
    out
}

/// Directory entries and product names from the same source, for resolving references.
#[derive(Debug, Default, Clone)]
pub struct Lookup {
    /// `Type/id` → (name, phone).
    pub directory: HashMap<String, (String, Option<PhoneNumber>)>,
    /// `Medication/id` → name.
    pub products: HashMap<String, String>,
}

impl Lookup {
    /// Learn what a record says about itself (a practitioner's name, a product's name).
    pub fn learn(&mut self, key: &str, facts: &[Fact]) {
        for f in facts {
            match f {
                Fact::Directory { name, phone } => {
                    self.directory
                        .insert(key.to_string(), (name.clone(), phone.clone()));
                }
                Fact::Product { name } => {
                    self.products.insert(key.to_string(), name.clone());
                }
                _ => {}
            }
        }
    }
}

/// A fact with where it came from.
pub type Sourced<'a> = (&'a FactSource, &'a Fact);

fn from_system(source: &Option<FactSource>, system: &str) -> bool {
    source.as_ref().is_some_and(|s| s.system == system)
}

/// The section content after taking in `facts` from `system`, or `None` when there is nothing to
/// hold (no current content and nothing imported for this section).
pub fn compose(
    kind: SectionKind,
    current: Option<&SectionContent>,
    system: &str,
    facts: &[Sourced<'_>],
    lookup: &Lookup,
) -> Option<SectionContent> {
    let relevant = facts.iter().any(|(_, f)| section_of(f) == Some(kind));
    if current.is_none() && !relevant {
        return None;
    }
    // A source that states the whole section replaces it; its items carry the source.
    if let Some((src, Fact::Section(content))) = facts
        .iter()
        .rev()
        .find(|(_, f)| matches!(f, Fact::Section(c) if c.kind() == kind))
    {
        return Some(stamp(content.clone(), src));
    }
    if let Some((_, Fact::SectionList { content, entries })) = facts
        .iter()
        .rev()
        .find(|(_, f)| matches!(f, Fact::SectionList { content, .. } if content.kind() == kind))
    {
        return Some(from_list(content.clone(), entries, facts, lookup));
    }
    let out = match (kind, current.cloned()) {
        (SectionKind::Risks, c) => {
            let mut r = match c {
                Some(SectionContent::Risks(r)) => r,
                _ => Risks::default(),
            };
            r.risks.retain(|x| !from_system(&x.source, system));
            for (src, f) in facts {
                match f {
                    Fact::Risk(risk) => r.risks.push(Risk {
                        source: Some((*src).clone()),
                        ..risk.clone()
                    }),
                    Fact::Condition { description } => r.risks.push(Risk {
                        description: description.clone(),
                        triggers: vec![],
                        what_helps: vec![],
                        source: Some((*src).clone()),
                    }),
                    Fact::Safeguarding { note } => {
                        r.safeguarding = Safeguarding {
                            status: SafeguardingStatus::Concern,
                            note: Some(format!("{note} ({src})")),
                        };
                    }
                    _ => {}
                }
            }
            SectionContent::Risks(r)
        }
        (SectionKind::Medication, c) => {
            let mut m = match c {
                Some(SectionContent::Medication(m)) => m,
                _ => Medication::default(),
            };
            m.medicines.retain(|x| !from_system(&x.source, system));
            m.allergies.retain(|x| !from_system(&x.source, system));
            for (src, f) in facts {
                match f {
                    Fact::Medicine { medicine, product } => {
                        m.medicines
                            .push(named(medicine, product, lookup, Some((*src).clone())))
                    }
                    Fact::Allergy(a) => m.allergies.push(Allergy {
                        source: Some((*src).clone()),
                        ..a.clone()
                    }),
                    Fact::NoKnownAllergies => m.no_known_allergies = true,
                    _ => {}
                }
            }
            // A listed allergy outweighs a statement that none is known.
            m.no_known_allergies &= m.allergies.is_empty();
            SectionContent::Medication(m)
        }
        (SectionKind::Mobility, c) => {
            let mut m = match c {
                Some(SectionContent::Mobility(m)) => m,
                _ => Mobility::default(),
            };
            let tag = format!("[{system}]");
            m.recent_falls_or_admissions.retain(|n| !n.ends_with(&tag));
            let mut level = None;
            for (_, f) in facts {
                match f {
                    Fact::Falls { level: l, note } => {
                        level = Some(level.map_or(*l, |x: FallsRisk| max_falls(x, *l)));
                        m.recent_falls_or_admissions.push(format!("{note} {tag}"));
                    }
                    Fact::MobilityNote { note } => {
                        m.recent_falls_or_admissions.push(format!("{note} {tag}"));
                    }
                    _ => {}
                }
            }
            if let Some(l) = level {
                m.falls_risk = l;
            }
            SectionContent::Mobility(m)
        }
        (SectionKind::Communication, c) => {
            let mut m = match c {
                Some(SectionContent::Communication(m)) => m,
                _ => Communication::default(),
            };
            for (_, f) in facts {
                if let Fact::Communication {
                    language,
                    interpreter_needed,
                    notes,
                } = f
                {
                    if !language.is_empty() {
                        m.language = language.clone();
                    }
                    m.interpreter_needed = *interpreter_needed;
                    if !notes.is_empty() {
                        m.preferred_approach = notes.join("; ");
                    }
                }
            }
            SectionContent::Communication(m)
        }
        (SectionKind::Consent, c) => {
            let mut m = match c {
                Some(SectionContent::Consent(m)) => m,
                _ => Consent::default(),
            };
            m.capacity_notes.retain(|x| !from_system(&x.source, system));
            for (src, f) in facts {
                if let Fact::Capacity(n) = f {
                    m.capacity_notes.push(CapacityNote {
                        source: Some((*src).clone()),
                        ..n.clone()
                    });
                }
            }
            SectionContent::Consent(m)
        }
        (SectionKind::Escalation, c) => {
            let mut m = match c {
                Some(SectionContent::Escalation(m)) => m,
                _ => Escalation::default(),
            };
            m.route.retain(|x| !from_system(&x.source, system));
            for (src, f) in facts {
                match f {
                    Fact::Contact(step) => m.route.push(EscalationStep {
                        source: Some((*src).clone()),
                        ..step.clone()
                    }),
                    Fact::ContactRef {
                        reference,
                        role,
                        display,
                    } => {
                        if let Some((name, Some(phone))) = lookup.directory.get(reference) {
                            m.route.push(EscalationStep {
                                name: display.clone().unwrap_or_else(|| name.clone()),
                                role: role.clone(),
                                phone: phone.clone(),
                                when: String::new(),
                                source: Some((*src).clone()),
                            });
                        }
                    }
                    _ => {}
                }
            }
            if m.route.is_empty() {
                return None;
            }
            SectionContent::Escalation(m)
        }
    };
    Some(out)
}

fn stamp(mut content: SectionContent, src: &FactSource) -> SectionContent {
    let s = Some(src.clone());
    match &mut content {
        SectionContent::Risks(r) => r.risks.iter_mut().for_each(|x| x.source = s.clone()),
        SectionContent::Medication(m) => {
            m.medicines.iter_mut().for_each(|x| x.source = s.clone());
            m.allergies.iter_mut().for_each(|x| x.source = s.clone());
        }
        SectionContent::Consent(c) => c
            .capacity_notes
            .iter_mut()
            .for_each(|x| x.source = s.clone()),
        SectionContent::Escalation(e) => e.route.iter_mut().for_each(|x| x.source = s.clone()),
        SectionContent::Mobility(_) | SectionContent::Communication(_) => {}
    }
    content
}

/// A section stated by a list: its own fields, then the items of each record it names, in the
/// list's order, each item carrying the record it came from.
fn from_list(
    mut content: SectionContent,
    entries: &[String],
    facts: &[Sourced<'_>],
    lookup: &Lookup,
) -> SectionContent {
    for entry in entries {
        let of_entry = facts
            .iter()
            .filter(|(s, _)| format!("{}/{}", s.resource_type, s.id) == *entry);
        for (src, f) in of_entry {
            let source = Some((*src).clone());
            match (&mut content, f) {
                (SectionContent::Risks(r), Fact::Risk(x)) => r.risks.push(Risk {
                    source,
                    ..x.clone()
                }),
                (SectionContent::Medication(m), Fact::Medicine { medicine, product }) => {
                    m.medicines.push(named(medicine, product, lookup, source))
                }
                (SectionContent::Medication(m), Fact::Allergy(a)) => m.allergies.push(Allergy {
                    source,
                    ..a.clone()
                }),
                (SectionContent::Medication(m), Fact::NoKnownAllergies) => {
                    m.no_known_allergies = true
                }
                (SectionContent::Consent(c), Fact::Capacity(n)) => {
                    c.capacity_notes.push(CapacityNote {
                        source,
                        ..n.clone()
                    })
                }
                (SectionContent::Escalation(e), Fact::Contact(step)) => {
                    e.route.push(EscalationStep {
                        source,
                        ..step.clone()
                    })
                }
                _ => {}
            }
        }
    }
    content
}

/// A medicine named by its product record when it has one, carrying its source.
fn named(
    medicine: &Medicine,
    product: &Option<String>,
    lookup: &Lookup,
    source: Option<FactSource>,
) -> Medicine {
    let name = product
        .as_ref()
        .and_then(|p| lookup.products.get(p))
        .cloned()
        .unwrap_or_else(|| medicine.name.clone());
    Medicine {
        name,
        source,
        ..medicine.clone()
    }
}

fn max_falls(a: FallsRisk, b: FallsRisk) -> FallsRisk {
    let rank = |x: FallsRisk| match x {
        FallsRisk::NotStated => -1,
        FallsRisk::Low => 0,
        FallsRisk::Medium => 1,
        FallsRisk::High => 2,
    };
    if rank(b) > rank(a) { b } else { a }
}

/// Which section a fact belongs to, if any.
pub fn section_of(f: &Fact) -> Option<SectionKind> {
    Some(match f {
        Fact::Risk(_) | Fact::Condition { .. } | Fact::Safeguarding { .. } => SectionKind::Risks,
        Fact::Allergy(_) | Fact::NoKnownAllergies | Fact::Medicine { .. } => {
            SectionKind::Medication
        }
        Fact::Falls { .. } | Fact::MobilityNote { .. } => SectionKind::Mobility,
        Fact::Communication { .. } => SectionKind::Communication,
        Fact::Capacity(_) => SectionKind::Consent,
        Fact::Section(c) | Fact::SectionList { content: c, .. } => c.kind(),
        Fact::Mark { section, .. } => *section,
        Fact::Contact(_) | Fact::ContactRef { .. } => SectionKind::Escalation,
        Fact::Person(_) | Fact::Product { .. } | Fact::Directory { .. } | Fact::Context { .. } => {
            return None;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(id: &str) -> FactSource {
        FactSource {
            system: "ehr".into(),
            resource_type: "AllergyIntolerance".into(),
            id: id.into(),
            version_id: None,
            last_updated: None,
        }
    }

    #[test]
    fn an_import_replaces_only_its_own_items() {
        let typed = Allergy {
            substance: "Latex".into(),
            reaction: "rash".into(),
            source: None,
        };
        let current = SectionContent::Medication(Medication {
            allergies: vec![
                typed.clone(),
                Allergy {
                    substance: "Old".into(),
                    reaction: String::new(),
                    source: Some(src("old")),
                },
            ],
            ..Medication::default()
        });
        let s = src("a1");
        let f = Fact::Allergy(Allergy {
            substance: "Penicillin".into(),
            reaction: "anaphylaxis".into(),
            source: None,
        });
        let out = compose(
            SectionKind::Medication,
            Some(&current),
            "ehr",
            &[(&s, &f)],
            &Lookup::default(),
        )
        .unwrap();
        let SectionContent::Medication(m) = out else {
            panic!()
        };
        let names: Vec<_> = m.allergies.iter().map(|a| a.substance.as_str()).collect();
        assert_eq!(names, ["Latex", "Penicillin"]);
        assert_eq!(m.allergies[1].source.as_ref().unwrap().id, "a1");
    }

    #[test]
    fn a_falls_risk_not_stated_is_a_reason_to_confirm_never_low() {
        let m = SectionContent::Mobility(Mobility {
            transfers: "Independent".into(),
            ..Mobility::default()
        });
        let SectionContent::Mobility(x) = &m else {
            panic!()
        };
        assert_eq!(x.falls_risk, FallsRisk::NotStated);
        let gaps = unstated(&m, &[], false);
        assert!(gaps.iter().any(|g| g.contains("falls risk")), "{gaps:?}");
        assert_eq!(
            max_falls(FallsRisk::NotStated, FallsRisk::Low),
            FallsRisk::Low
        );
    }

    #[test]
    fn nothing_to_hold_gives_none() {
        assert!(compose(SectionKind::Consent, None, "ehr", &[], &Lookup::default()).is_none());
    }
}
