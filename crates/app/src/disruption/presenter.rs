//! How a disruption reads: the escalation and watch wording and the timeline, built once here and
//! used by the console (web), `lantern disruption status|watch` (cli) and the evidence PDF, so the
//! three cannot drift apart.

use crate::disruption::watch::{VisitState, WatchReport};
use lantern_core::disruption::Stage;
use lantern_core::disruption_view::{DisruptionView, EscalationView, StepEntry};
use lantern_core::ladder::StepOutcome;
use lantern_core::time::show;
use serde::Serialize;

/// How an escalation stands: acknowledged (when, how), still running, or exhausted.
pub fn escalation_state(e: &EscalationView) -> String {
    match (&e.acknowledged, e.is_open()) {
        (Some(a), _) => format!("ACKNOWLEDGED {}: {}", show(a.at), a.note),
        (None, true) => "RUNNING".into(),
        (None, false) => "EXHAUSTED: every step taken, nobody acknowledged".into(),
    }
}

/// One step an escalation took: when, which, and what happened.
pub fn escalation_step(s: &StepEntry) -> String {
    format!("{} step {}: {}", show(s.at), s.step + 1, s.detail)
}

/// While a phone step waits for someone to make the call: "Call X on N now", and the number to
/// dial (digits and +).
pub fn call_now(e: &EscalationView) -> Option<(String, String)> {
    let last = e.steps.last()?;
    if e.acknowledged.is_some() || last.outcome != StepOutcome::CallRequired {
        return None;
    }
    let st = e.escalation.ladder.steps.get(last.step)?;
    let (target, address) = match &last.reached {
        Some(r) => (&r.target, &r.address),
        None => (&st.target, &st.address),
    };
    let tel = address
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    Some((format!("Call {target} on {address} now"), tel))
}

/// One line of a disruption's timeline.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TimelineLine {
    /// When it happened (London time).
    pub at: String,
    /// What happened.
    pub what: String,
    /// Who recorded it.
    pub by: String,
    /// When it was entered, if later than it happened (a paper form entered afterwards).
    pub entered: Option<String>,
}

/// The timeline in the order things happened (ties in the order they were recorded).
pub fn timeline(v: &DisruptionView) -> Vec<TimelineLine> {
    let mut t = v.timeline.clone();
    t.sort_by_key(|e| (e.at, e.pos));
    t.into_iter()
        .map(|e| TimelineLine {
            at: show(e.at),
            entered: (e.recorded_at != e.at).then(|| show(e.recorded_at)),
            what: e.what,
            by: e.by,
        })
        .collect()
}

/// The high-priority watch in one paragraph: planned visits in the window and where they stand.
pub fn watch_summary(w: &WatchReport) -> String {
    if !w.affects_visits {
        return "This outage does not affect how visits are planned or verified (none of its dependencies is one visits rely on): no visits are watched.".into();
    }
    let missed = w.count(VisitState::MissedOrUnverified);
    format!(
        "{} planned visits from {} to {}: {} verified, {} explained, {} not yet verified{}; {} high-priority not yet verified.{}",
        w.visits.len(),
        show(w.from),
        show(w.to),
        w.count(VisitState::Verified),
        w.count(VisitState::Explained),
        w.count(VisitState::NotYetVerified),
        if missed > 0 {
            format!(", {missed} MISSED OR UNVERIFIED")
        } else {
            String::new()
        },
        w.board().len(),
        if w.unsettled() == 0 {
            " Every planned visit in the window was verified or explained."
        } else {
            ""
        }
    )
}

/// A stage's name as a heading.
pub fn stage_label(stage: Stage) -> &'static str {
    match stage {
        Stage::Proposed => "Proposed",
        Stage::Declared => "Declared",
        Stage::Stable => "Stable",
        Stage::Recovered => "Recovered",
        Stage::Closed => "Closed",
        Stage::Dismissed => "Dismissed",
    }
}

/// The facts of a disruption, label and value: severity, start, what is down, the services (and
/// the people, when counted), the probe that proposed it, and each stage with when and by whom.
pub fn facts(v: &DisruptionView, people_affected: Option<usize>) -> Vec<(String, String)> {
    let mut facts = Vec::new();
    let list = |xs: Vec<&str>| xs.join(", ");
    if let Some(d) = &v.disruption {
        facts.push(("Severity".into(), format!("{:?}", d.severity)));
        facts.push(("Started".into(), show(d.started_at)));
        facts.push((
            "Dependencies".into(),
            list(d.dependencies.iter().map(|x| x.as_str()).collect()),
        ));
        facts.push((
            "Services".into(),
            list(d.services.iter().map(|x| x.as_str()).collect()),
        ));
        if let Some(n) = people_affected {
            facts.push(("People affected".into(), n.to_string()));
        }
    }
    if let Some(p) = &v.proposal {
        facts.push((
            "Proposed by probe".into(),
            format!("{} at {}", p.reason, show(p.at)),
        ));
    }
    for s in &v.stages {
        facts.push((
            stage_label(s.stage).into(),
            format!("{} by {}", show(s.at), s.by),
        ));
    }
    facts
}
