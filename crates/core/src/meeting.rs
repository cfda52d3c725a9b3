//! Governance meetings: scheduled with attendees, an agenda Lantern assembles from what happened
//! since the last meeting, and minutes with decisions and actions (into the improvement plan).

use crate::FieldError;
use crate::ids::{MeetingId, StaffId};
use crate::review::{ActionRowInput, ImprovementAction};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// With no earlier meeting, the agenda looks back this many days.
pub const FIRST_LOOKBACK_DAYS: i64 = 90;

/// A governance meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Meeting {
    /// Identifier.
    pub id: MeetingId,
    /// Its name ("Quality and governance meeting").
    pub title: String,
    /// When.
    pub at: Timestamp,
    /// Who chairs it.
    pub chair: StaffId,
    /// Who is invited.
    pub attendees: Vec<StaffId>,
}

/// A meeting as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MeetingInput {
    /// Its name.
    pub title: String,
    /// When (London time).
    pub at: String,
    /// Who chairs it.
    pub chair: String,
    /// Who is invited.
    #[serde(default)]
    pub attendees: Vec<String>,
}

fn staff_list(rec: &str, field: &str, ids: &[String]) -> Result<Vec<StaffId>, FieldError> {
    let mut out = Vec::new();
    for (i, s) in ids.iter().enumerate() {
        if s.trim().is_empty() {
            continue;
        }
        let s = StaffId::parse(s.trim())
            .map_err(|e| e.in_record(rec).with_field(&format!("{field}[{i}]")))?;
        if !out.contains(&s) {
            out.push(s);
        }
    }
    Ok(out)
}

impl MeetingInput {
    /// Check and convert (whether the people exist is for the caller).
    pub fn parse(&self, id: MeetingId) -> Result<Meeting, FieldError> {
        let rec = format!("meeting {id}");
        crate::text::required(&rec, "title", &self.title, 200)?;
        let at = crate::time::parse_instant("at", &self.at).map_err(|e| e.in_record(&rec))?;
        let chair =
            StaffId::parse(self.chair.trim()).map_err(|e| e.in_record(&rec).with_field("chair"))?;
        let mut attendees = staff_list(&rec, "attendees", &self.attendees)?;
        if !attendees.contains(&chair) {
            attendees.insert(0, chair.clone());
        }
        Ok(Meeting {
            id,
            title: self.title.trim().to_string(),
            at,
            chair,
            attendees,
        })
    }
}

/// A meeting's minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Minutes {
    /// Which meeting.
    pub meeting: MeetingId,
    /// Who was there.
    pub present: Vec<StaffId>,
    /// What was discussed, in brief.
    pub notes: String,
    /// What was decided.
    pub decisions: Vec<String>,
    /// Improvement actions (into the plan).
    #[serde(default)]
    pub actions: Vec<ImprovementAction>,
}

/// Minutes as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MinutesInput {
    /// Who was there.
    pub present: Vec<String>,
    /// What was discussed, in brief.
    pub notes: String,
    /// What was decided (one per line or per entry; empty ones are skipped).
    #[serde(default)]
    pub decisions: Vec<String>,
    /// Improvement actions (rows with nothing typed are skipped).
    #[serde(default)]
    pub actions: Vec<ActionRowInput>,
}

impl MinutesInput {
    /// Check and convert; action ids are `qi-{meeting}-{n}`; an action due before `today` is
    /// refused.
    pub fn parse(
        &self,
        meeting: &MeetingId,
        today: jiff::civil::Date,
    ) -> Result<Minutes, FieldError> {
        let rec = format!("minutes of meeting {meeting}");
        let present = staff_list(&rec, "present", &self.present)?;
        if present.is_empty() {
            return Err(FieldError::new(
                &rec,
                "present",
                "who was there (at least one)",
                "",
            ));
        }
        crate::text::required(&rec, "notes", &self.notes, 20_000)?;
        let decisions: Vec<String> = self
            .decisions
            .iter()
            .flat_map(|d| d.lines())
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_string)
            .collect();
        if decisions.len() > 50 {
            return Err(FieldError::new(
                &rec,
                "decisions",
                "at most 50 decisions",
                decisions.len().to_string(),
            ));
        }
        let actions =
            crate::review::parse_action_rows(&rec, &self.actions, today, meeting.as_str())?;
        Ok(Minutes {
            meeting: meeting.clone(),
            present,
            notes: self.notes.trim().to_string(),
            decisions,
            actions,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chair_attends_and_minutes_need_who_was_there() {
        let m = MeetingInput {
            title: "Quality and governance".into(),
            at: "2027-01-14 14:00".into(),
            chair: "s-n".into(),
            attendees: vec!["s-a".into(), "s-a".into()],
        }
        .parse(MeetingId::parse("gm-1").unwrap())
        .unwrap();
        assert_eq!(m.attendees.len(), 2, "the chair, and s-a once");
        let today: jiff::civil::Date = "2027-01-14".parse().unwrap();
        let none = MinutesInput {
            notes: "x".into(),
            ..Default::default()
        };
        assert_eq!(none.parse(&m.id, today).unwrap_err().field, "present");
        let ok = MinutesInput {
            present: vec!["s-n".into()],
            notes: "Reviewed the quarter".into(),
            decisions: vec!["Adopt the new ladder\n\nPrint packs daily".into()],
            actions: vec![ActionRowInput {
                what: "Print packs daily".into(),
                owner: "s-a".into(),
                due: "2027-02-01".into(),
            }],
        }
        .parse(&m.id, today)
        .unwrap();
        assert_eq!(ok.decisions.len(), 2);
        assert_eq!(ok.actions[0].id.as_ref().unwrap().as_str(), "qi-gm-1-1");
    }
}
