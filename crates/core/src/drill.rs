//! The drill programme: scheduled downtime scenario tests per service, from the nine scenarios
//! Lantern knows or a custom one, with invited people, attendance, outcome, lessons and
//! improvement actions. A drill not held by its date is overdue; a recurring one schedules its
//! next when held.

use crate::FieldError;
use crate::governance::{DueItem, DueState, Register};
use crate::ids::{DependencyId, DrillId, ServiceId, StaffId};
use crate::review::ImprovementAction;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// A drill due within this many days is due soon.
pub const DUE_SOON_DAYS: i64 = 14;

/// A scenario from the library: its id, title, and the dependencies it takes down.
pub struct LibraryScenario {
    /// Its id (`s4`).
    pub id: &'static str,
    /// What it rehearses.
    pub title: &'static str,
    /// The dependencies a run takes down.
    pub dependencies: &'static [&'static str],
}

/// The nine scenarios of the product brief, as drills.
pub const LIBRARY: [LibraryScenario; 9] = [
    LibraryScenario {
        id: "s1",
        title: "S1 Rapid start with a partial referral (referral portal degraded)",
        dependencies: &["referral-portal"],
    },
    LibraryScenario {
        id: "s2",
        title: "S2 Subcontracted night visits while shared notes are down",
        dependencies: &["shared-care-record"],
    },
    LibraryScenario {
        id: "s3",
        title: "S3 Safeguarding allegation during an email outage",
        dependencies: &["email"],
    },
    LibraryScenario {
        id: "s4",
        title: "S4 Internet outage in a residential service",
        dependencies: &["internet"],
    },
    LibraryScenario {
        id: "s5",
        title: "S5 Scheduling platform outage in homecare",
        dependencies: &["rota-tool"],
    },
    LibraryScenario {
        id: "s6",
        title: "S6 Tablet failure during medication rounds",
        dependencies: &["devices"],
    },
    LibraryScenario {
        id: "s7",
        title: "S7 Overnight outage of mobile access",
        dependencies: &["call-monitoring"],
    },
    LibraryScenario {
        id: "s8",
        title: "S8 Supplier change of ownership",
        dependencies: &["emar"],
    },
    LibraryScenario {
        id: "s9",
        title: "S9 Synchronisation error drops care notes",
        dependencies: &["shared-care-record"],
    },
];

/// What a drill rehearses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Scenario {
    /// The library scenario's id (`s4`), or `custom`.
    pub key: String,
    /// What it rehearses.
    pub title: String,
    /// The dependencies a run takes down.
    pub dependencies: Vec<DependencyId>,
}

/// A scheduled drill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Drill {
    /// Identifier.
    pub id: DrillId,
    /// The service it is for.
    pub service: ServiceId,
    /// What it rehearses.
    pub scenario: Scenario,
    /// To be held by.
    pub due: Date,
    /// Who is invited (coordinators and on-call managers at least).
    pub invited: Vec<StaffId>,
    /// Repeat every this many months once held (3: quarterly); none: once.
    #[serde(default)]
    pub every_months: Option<u8>,
    /// Who answers for it.
    pub owner: StaffId,
}

/// A drill as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DrillInput {
    /// The service.
    pub service: String,
    /// A library scenario (`s1` to `s9`) or `custom`.
    pub scenario: String,
    /// For a custom scenario: what it rehearses.
    #[serde(default)]
    pub title: String,
    /// For a custom scenario: the dependencies it takes down.
    #[serde(default)]
    pub dependencies: Vec<String>,
    /// To be held by (YYYY-MM-DD).
    pub due: String,
    /// Who is invited.
    #[serde(default)]
    pub invited: Vec<String>,
    /// Repeat every this many months (empty: once).
    #[serde(default)]
    pub every_months: String,
    /// Who answers for it.
    pub owner: String,
}

impl DrillInput {
    /// Check and convert (whether the service, people and dependencies exist, and that a
    /// coordinator and an on-call manager are invited, is for the caller).
    pub fn parse(&self, id: DrillId) -> Result<Drill, FieldError> {
        let rec = format!("drill {id}");
        let service = ServiceId::parse(self.service.trim())
            .map_err(|e| e.in_record(&rec).with_field("service"))?;
        let key = self.scenario.trim().to_ascii_lowercase();
        let scenario = match LIBRARY.iter().find(|s| s.id == key) {
            Some(s) => Scenario {
                key: s.id.to_string(),
                title: s.title.to_string(),
                dependencies: s
                    .dependencies
                    .iter()
                    .map(|d| DependencyId::parse(d))
                    .collect::<Result<_, _>>()?,
            },
            None if key == "custom" => {
                crate::text::required(&rec, "title", &self.title, 300)?;
                let mut deps = Vec::new();
                for (i, d) in self.dependencies.iter().enumerate() {
                    if d.trim().is_empty() {
                        continue;
                    }
                    deps.push(DependencyId::parse(d.trim()).map_err(|e| {
                        e.in_record(&rec).with_field(&format!("dependencies[{i}]"))
                    })?);
                }
                if deps.is_empty() {
                    return Err(FieldError::new(
                        &rec,
                        "dependencies",
                        "at least one dependency the drill takes down",
                        "",
                    ));
                }
                Scenario {
                    key: "custom".into(),
                    title: self.title.trim().to_string(),
                    dependencies: deps,
                }
            }
            None => {
                return Err(FieldError::new(
                    &rec,
                    "scenario",
                    "one of s1 to s9 (the scenario library) or custom",
                    &self.scenario,
                ));
            }
        };
        let due = crate::time::parse_date("due", &self.due).map_err(|e| e.in_record(&rec))?;
        let mut invited = Vec::new();
        for (i, s) in self.invited.iter().enumerate() {
            if s.trim().is_empty() {
                continue;
            }
            let s = StaffId::parse(s.trim())
                .map_err(|e| e.in_record(&rec).with_field(&format!("invited[{i}]")))?;
            if !invited.contains(&s) {
                invited.push(s);
            }
        }
        let every_months = match self.every_months.trim() {
            "" | "0" => None,
            m => Some(
                m.parse::<u8>()
                    .ok()
                    .filter(|m| (1..=24).contains(m))
                    .ok_or_else(|| {
                        FieldError::new(
                            &rec,
                            "every_months",
                            "1 to 24 months, or empty for once",
                            m,
                        )
                    })?,
            ),
        };
        let owner =
            StaffId::parse(self.owner.trim()).map_err(|e| e.in_record(&rec).with_field("owner"))?;
        Ok(Drill {
            id,
            service,
            scenario,
            due,
            invited,
            every_months,
            owner,
        })
    }
}

/// A drill as held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DrillHeld {
    /// Which.
    pub drill: DrillId,
    /// When.
    pub held_on: Date,
    /// Who took part.
    pub attended: Vec<StaffId>,
    /// How it went.
    pub outcome: String,
    /// What we learned.
    pub lessons: String,
    /// Improvement actions (into the plan).
    #[serde(default)]
    pub actions: Vec<ImprovementAction>,
}

impl DrillHeld {
    /// Check what types cannot.
    pub fn validate(&self) -> Result<(), FieldError> {
        let rec = format!("drill {}", self.drill);
        if self.attended.is_empty() {
            return Err(FieldError::new(
                &rec,
                "attended",
                "who took part (at least one)",
                "",
            ));
        }
        crate::text::required(&rec, "outcome", &self.outcome, 10_000)?;
        crate::text::required(&rec, "lessons", &self.lessons, 10_000)?;
        for (i, a) in self.actions.iter().enumerate() {
            crate::text::required(&rec, &format!("actions[{i}].what"), &a.what, 2_000)?;
        }
        Ok(())
    }
}

/// The next date of a recurring drill held on `held_on`.
pub fn next_due(d: &Drill, held_on: Date) -> Option<Date> {
    let m = d.every_months?;
    held_on
        .checked_add(jiff::Span::new().months(i64::from(m)))
        .ok()
}

/// A scheduled drill not yet held: overdue after its date, due soon within [`DUE_SOON_DAYS`].
pub fn due(d: &Drill, service_name: &str, today: Date) -> Option<DueItem> {
    let soon = today
        .checked_add(jiff::Span::new().days(DUE_SOON_DAYS))
        .unwrap_or(today);
    if d.due > soon {
        return None;
    }
    Some(DueItem {
        register: Register::Drills,
        subject: d.id.to_string(),
        service: Some(d.service.clone()),
        what: format!("hold the drill \"{}\" at {service_name}", d.scenario.title),
        owner: d.owner.clone(),
        due: d.due,
        state: if d.due < today {
            DueState::Overdue
        } else {
            DueState::DueSoon
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> DrillInput {
        DrillInput {
            service: "maple-court".into(),
            scenario: "S4".into(),
            due: "2026-12-15".into(),
            invited: vec!["s-a".into(), "s-a".into(), "s-b".into()],
            every_months: "3".into(),
            owner: "s-m".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_library_scenario_brings_its_dependencies_and_a_quarterly_drill_recurs() {
        let d = input().parse(DrillId::parse("drill-1").unwrap()).unwrap();
        assert_eq!(d.scenario.dependencies[0].as_str(), "internet");
        assert_eq!(d.invited.len(), 2);
        assert_eq!(
            next_due(&d, "2026-12-10".parse().unwrap()),
            Some("2027-03-10".parse().unwrap())
        );
        let today: Date = "2026-12-02".parse().unwrap();
        assert_eq!(
            due(&d, "Maple Court", today).unwrap().state,
            DueState::DueSoon
        );
        assert_eq!(
            due(&d, "Maple Court", "2026-12-16".parse().unwrap())
                .unwrap()
                .state,
            DueState::Overdue
        );
        assert!(due(&d, "x", "2026-11-01".parse().unwrap()).is_none());
    }

    #[test]
    fn an_unknown_scenario_or_a_custom_one_without_dependencies_is_refused() {
        let id = DrillId::parse("drill-1").unwrap();
        let bad = DrillInput {
            scenario: "s10".into(),
            ..input()
        };
        assert_eq!(bad.parse(id.clone()).unwrap_err().field, "scenario");
        let custom = DrillInput {
            scenario: "custom".into(),
            title: "Power cut".into(),
            ..input()
        };
        assert_eq!(custom.parse(id.clone()).unwrap_err().field, "dependencies");
        let every = DrillInput {
            every_months: "quarterly".into(),
            ..input()
        };
        assert_eq!(every.parse(id).unwrap_err().field, "every_months");
    }
}
