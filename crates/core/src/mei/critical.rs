//! What a carer must know first about a person, before reading the six sections: allergies,
//! time-critical medicines, safeguarding, falls risk, resuscitation decisions and an interpreter.
//! A section not held says so: never read as "nothing to know".

use crate::mei::content::{FallsRisk, SafeguardingStatus, SectionContent};

/// One line of the summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriticalLine {
    /// What it is about.
    pub label: &'static str,
    /// What to know, in words.
    pub value: String,
    /// Whether it changes what a carer does (shown as a warning).
    pub alert: bool,
}

fn line(label: &'static str, value: impl Into<String>, alert: bool) -> CriticalLine {
    CriticalLine {
        label,
        value: value.into(),
        alert,
    }
}

/// The summary from the sections held (in any order; sections not held are missing).
pub fn critical_summary<'a>(
    held: impl IntoIterator<Item = &'a SectionContent>,
) -> Vec<CriticalLine> {
    let (mut med, mut risks, mut mob, mut comm, mut consent) = (None, None, None, None, None);
    for c in held {
        match c {
            SectionContent::Medication(m) => med = Some(m),
            SectionContent::Risks(r) => risks = Some(r),
            SectionContent::Mobility(m) => mob = Some(m),
            SectionContent::Communication(c) => comm = Some(c),
            SectionContent::Consent(c) => consent = Some(c),
            _ => {}
        }
    }
    let not_held = |label| line(label, "NOT HELD: ask before care starts", true);
    let mut out = Vec::new();
    out.push(match med {
        None => not_held("Allergies"),
        Some(m) if !m.allergies.is_empty() => line(
            "Allergies",
            m.allergies
                .iter()
                .map(|a| format!("{} ({})", a.substance, a.reaction))
                .collect::<Vec<_>>()
                .join("; "),
            true,
        ),
        Some(m) if m.no_known_allergies => line("Allergies", "No known allergies", false),
        Some(_) => line("Allergies", "NOT STATED: ask", true),
    });
    out.push(match med {
        None => not_held("Time-critical medicines"),
        Some(m) => {
            let tc: Vec<String> = m
                .medicines
                .iter()
                .filter(|x| x.time_critical)
                .map(|x| format!("{} at {}", x.name, x.times.join(", ")))
                .collect();
            if tc.is_empty() {
                line("Time-critical medicines", "None", false)
            } else {
                line("Time-critical medicines", tc.join("; "), true)
            }
        }
    });
    out.push(match risks {
        None => not_held("Safeguarding"),
        Some(r) => line(
            "Safeguarding",
            r.safeguarding.line(),
            r.safeguarding.status != SafeguardingStatus::None,
        ),
    });
    out.push(match mob {
        None => not_held("Falls risk"),
        Some(m) => line(
            "Falls risk",
            m.falls_risk.label(),
            matches!(m.falls_risk, FallsRisk::High | FallsRisk::NotStated),
        ),
    });
    out.push(match consent {
        None => not_held("DNACPR / ReSPECT"),
        Some(c) => match &c.dnacpr_respect {
            Some(d) => line("DNACPR / ReSPECT", d.clone(), true),
            None => line("DNACPR / ReSPECT", "None recorded", false),
        },
    });
    if let Some(c) = comm
        && c.interpreter_needed
    {
        out.push(line(
            "Interpreter",
            format!("Needed ({})", c.language),
            true,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mei::content::*;

    #[test]
    fn what_changes_care_is_flagged_and_nothing_held_is_never_read_as_nothing_to_know() {
        let none = critical_summary([]);
        assert_eq!(none.len(), 5);
        assert!(
            none.iter()
                .all(|l| l.alert && l.value.starts_with("NOT HELD"))
        );
        let med = SectionContent::Medication(Medication {
            medicines: vec![Medicine {
                name: "Co-careldopa".into(),
                times: vec!["08:00".into(), "12:00".into()],
                time_critical: true,
                ..Default::default()
            }],
            allergies: vec![Allergy {
                substance: "Penicillin".into(),
                reaction: "rash".into(),
                source: None,
            }],
            ..Default::default()
        });
        let mob = SectionContent::Mobility(Mobility {
            falls_risk: FallsRisk::Low,
            ..Default::default()
        });
        let s = critical_summary([&med, &mob]);
        assert_eq!(s[0].value, "Penicillin (rash)");
        assert!(s[0].alert);
        assert_eq!(s[1].value, "Co-careldopa at 08:00, 12:00");
        assert_eq!((s[3].value.as_str(), s[3].alert), ("Low", false));
        let unstated = SectionContent::Medication(Medication::default());
        assert_eq!(critical_summary([&unstated])[0].value, "NOT STATED: ask");
    }
}
