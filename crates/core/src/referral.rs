//! Referrals for new packages of care: where from, received when and how, the package, when the
//! first visit is due, and which essential information arrived with it from which source. A
//! referral starts (on time or late, with the readiness check at the first visit kept on it), is
//! delayed with a reason, or is declined with a reason. What is still waiting, and what has
//! passed its first-visit time with no start, is read from here.

use crate::FieldError;
use crate::ids::{PersonId, ReferralId, ServiceId};
use crate::mei::SectionKind;
use crate::readiness::{Outcome, Restrictions};
use crate::rules::HandoverPoint;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

word_enum!(
    /// Who referred.
    ReferralFrom {
        /// A local authority (a framework or spot purchase).
        LocalAuthority => "local_authority", "local authority",
        /// A hospital discharge team.
        HospitalDischarge => "hospital_discharge", "hospital discharge",
        /// A prime provider subcontracting the package.
        PrimeProvider => "prime_provider", "prime provider",
        /// Anyone else (a family, a GP practice, self-funded).
        Other => "other", "other",
    }
);

word_enum!(
    /// How the referral reached us.
    ReferralChannel {
        /// A referral or brokerage portal.
        Portal => "portal", "referral portal",
        /// Email.
        Email => "email", "email",
        /// A phone call.
        Phone => "phone", "phone",
        /// A FHIR message (ServiceRequest).
        Fhir => "fhir", "FHIR message",
        /// Paper or fax.
        Paper => "paper", "paper or fax",
    }
);

/// One essential-information section that arrived with the referral, and from where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Arrived {
    /// The section.
    pub section: SectionKind,
    /// Where it came from (the referrer's system, a discharge summary).
    pub source: String,
}

/// A referral as received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Referral {
    /// Identifier.
    pub id: ReferralId,
    /// The person referred.
    pub person: PersonId,
    /// The service that will provide the care.
    pub service: ServiceId,
    /// Who referred.
    pub from: ReferralFrom,
    /// The referring organisation or team, by name.
    pub referrer: String,
    /// The referrer's own reference, if given.
    #[serde(default)]
    pub their_ref: Option<String>,
    /// When it was received.
    pub received_at: Timestamp,
    /// How.
    pub channel: ReferralChannel,
    /// The package of care asked for.
    pub package: String,
    /// The handover point its first visit is checked at.
    pub handover: HandoverPoint,
    /// When the first visit must take place by.
    pub first_visit_due: Timestamp,
    /// Which sections arrived with it, and from which source.
    #[serde(default)]
    pub arrived: Vec<Arrived>,
}

/// A referral as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReferralInput {
    /// The person's id.
    pub person: String,
    /// The service (empty: the person's own).
    #[serde(default)]
    pub service: String,
    /// local_authority, hospital_discharge, prime_provider or other.
    pub from: String,
    /// The referring organisation or team.
    pub referrer: String,
    /// Their reference.
    #[serde(default)]
    pub their_ref: String,
    /// When received (London time; empty: now).
    #[serde(default)]
    pub received_at: String,
    /// portal, email, phone, fhir or paper.
    pub channel: String,
    /// The package of care.
    pub package: String,
    /// The handover point (empty: hospital_discharge for a discharge, else rapid_start).
    #[serde(default)]
    pub handover: String,
    /// When the first visit is due by (London time).
    pub first_visit_due: String,
    /// The sections that arrived with it.
    #[serde(default)]
    pub arrived: Vec<String>,
    /// Where they came from (empty: the referrer).
    #[serde(default)]
    pub arrived_from: String,
}

impl ReferralInput {
    /// Check and convert (whether the person and service exist is for the caller). A referral
    /// received in the future, or due before it was received, is refused.
    pub fn parse(
        &self,
        id: ReferralId,
        person_service: Option<&ServiceId>,
        now: Timestamp,
    ) -> Result<Referral, FieldError> {
        let rec = format!("referral {id}");
        let person = PersonId::parse(self.person.trim())
            .map_err(|e| e.in_record(&rec).with_field("person"))?;
        let service = match self.service.trim() {
            "" => person_service.cloned().ok_or_else(|| {
                FieldError::new(
                    &rec,
                    "service",
                    "the service that will provide the care",
                    "",
                )
            })?,
            s => ServiceId::parse(s).map_err(|e| e.in_record(&rec).with_field("service"))?,
        };
        let from = ReferralFrom::parse(&rec, "from", &self.from)?;
        crate::text::required(&rec, "referrer", &self.referrer, 200)?;
        crate::text::optional(&rec, "their_ref", &self.their_ref, 100)?;
        let received_at = match self.received_at.trim() {
            "" => now,
            s => crate::time::parse_instant("received_at", s).map_err(|e| e.in_record(&rec))?,
        };
        if received_at > now {
            return Err(FieldError::new(
                &rec,
                "received_at",
                "a time that has already happened",
                &self.received_at,
            ));
        }
        let channel = ReferralChannel::parse(&rec, "channel", &self.channel)?;
        crate::text::required(&rec, "package", &self.package, 2_000)?;
        let handover = match self.handover.trim() {
            "" if from == ReferralFrom::HospitalDischarge => HandoverPoint::HospitalDischarge,
            "" => HandoverPoint::RapidStart,
            s => HandoverPoint::parse(s).map_err(|e| e.in_record(&rec).with_field("handover"))?,
        };
        let first_visit_due = crate::time::parse_instant("first_visit_due", &self.first_visit_due)
            .map_err(|e| e.in_record(&rec))?;
        if first_visit_due < received_at {
            return Err(FieldError::new(
                &rec,
                "first_visit_due",
                "a time after the referral was received",
                &self.first_visit_due,
            ));
        }
        crate::text::optional(&rec, "arrived_from", &self.arrived_from, 200)?;
        let source = match self.arrived_from.trim() {
            "" => self.referrer.trim().to_string(),
            s => s.to_string(),
        };
        let mut arrived: Vec<Arrived> = Vec::new();
        for (i, s) in self.arrived.iter().enumerate() {
            if s.trim().is_empty() {
                continue;
            }
            let section = SectionKind::parse(s.trim())
                .map_err(|e| e.in_record(&rec).with_field(&format!("arrived[{i}]")))?;
            if !arrived.iter().any(|a| a.section == section) {
                arrived.push(Arrived {
                    section,
                    source: source.clone(),
                });
            }
        }
        Ok(Referral {
            id,
            person,
            service,
            from,
            referrer: self.referrer.trim().to_string(),
            their_ref: Some(self.their_ref.trim().to_string()).filter(|s| !s.is_empty()),
            received_at,
            channel,
            package: self.package.trim().to_string(),
            handover,
            first_visit_due,
            arrived,
        })
    }
}

/// The first visit took place: when, and what the readiness check at it said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Start {
    /// When the first visit began.
    pub started_at: Timestamp,
    /// The readiness outcome at the first visit.
    pub outcome: Outcome,
    /// The rule-set version it was checked with.
    pub rule_set_version: u32,
    /// Restrictions in force at the start.
    #[serde(default)]
    pub restrictions: Restrictions,
    /// Sections not confirmed when care started (missing, stale or disputed).
    #[serde(default)]
    pub unconfirmed: Vec<SectionKind>,
    /// Why it started after its due time (required then).
    #[serde(default)]
    pub late_reason: Option<String>,
}

/// Where a referral stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReferralState {
    /// Not started, first visit not yet due.
    Awaiting,
    /// Not started, a delay recorded with its reason.
    Delayed,
    /// Not started and past its first-visit time with nothing recorded: a missed start.
    Missed,
    /// Started by its first-visit time.
    StartedOnTime,
    /// Started after its first-visit time.
    StartedLate,
    /// Declined, with the reason.
    Declined,
}

impl ReferralState {
    /// In capitals, as a tag.
    pub fn label(self) -> &'static str {
        match self {
            ReferralState::Awaiting => "AWAITING START",
            ReferralState::Delayed => "DELAYED",
            ReferralState::Missed => "MISSED START",
            ReferralState::StartedOnTime => "STARTED ON TIME",
            ReferralState::StartedLate => "STARTED LATE",
            ReferralState::Declined => "DECLINED",
        }
    }

    /// Still waiting for a first visit.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            ReferralState::Awaiting | ReferralState::Delayed | ReferralState::Missed
        )
    }
}

/// Where a referral with these facts stands at `now`. A start or a decline settles it; a delay
/// recorded before the due time keeps it delayed rather than missed.
pub fn state(
    r: &Referral,
    start: Option<&Start>,
    delayed: bool,
    declined: bool,
    now: Timestamp,
) -> ReferralState {
    match (start, declined) {
        (Some(s), _) if s.started_at <= r.first_visit_due => ReferralState::StartedOnTime,
        (Some(_), _) => ReferralState::StartedLate,
        (None, true) => ReferralState::Declined,
        (None, false) if delayed => ReferralState::Delayed,
        (None, false) if now > r.first_visit_due => ReferralState::Missed,
        (None, false) => ReferralState::Awaiting,
    }
}

/// A reason as typed for a delay, a decline or a late start: required, at most 2,000 characters.
pub fn reason(record: &str, field: &str, s: &str) -> Result<String, FieldError> {
    crate::text::required(record, field, s, 2_000)?;
    Ok(s.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ReferralInput {
        ReferralInput {
            person: "p-0001".into(),
            from: "hospital discharge".into(),
            referrer: "Northshire General discharge team".into(),
            channel: "portal".into(),
            package: "Four calls a day".into(),
            received_at: "2026-10-05 09:00".into(),
            first_visit_due: "2026-10-06 09:00".into(),
            arrived: vec!["medication".into(), "risks".into(), "medication".into()],
            ..Default::default()
        }
    }

    fn now() -> Timestamp {
        "2026-10-05T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_discharge_is_checked_at_hospital_discharge_with_the_persons_service() {
        let svc = ServiceId::parse("riverside").unwrap();
        let r = input()
            .parse(ReferralId::parse("ref-1").unwrap(), Some(&svc), now())
            .unwrap();
        assert_eq!(r.handover, HandoverPoint::HospitalDischarge);
        assert_eq!(r.service, svc);
        assert_eq!(r.arrived.len(), 2, "a section named twice arrives once");
        assert_eq!(r.arrived[0].source, "Northshire General discharge team");
    }

    #[test]
    fn bad_input_names_the_field() {
        let svc = ServiceId::parse("riverside").unwrap();
        let id = || ReferralId::parse("ref-1").unwrap();
        let field = |i: ReferralInput| i.parse(id(), Some(&svc), now()).unwrap_err().field;
        let mut i = input();
        i.first_visit_due = "2026-10-04 09:00".into();
        assert_eq!(field(i), "first_visit_due");
        let mut i = input();
        i.channel = "pigeon".into();
        assert_eq!(field(i), "channel");
        let mut i = input();
        i.arrived = vec!["shoe size".into()];
        assert_eq!(field(i), "arrived[0]");
        let mut i = input();
        i.received_at = "2026-10-07 09:00".into();
        assert_eq!(field(i), "received_at");
        let mut i = input();
        i.package = " ".into();
        assert_eq!(field(i), "package");
    }

    #[test]
    fn a_referral_is_missed_once_its_first_visit_time_passes_with_nothing_recorded() {
        let svc = ServiceId::parse("riverside").unwrap();
        let r = input()
            .parse(ReferralId::parse("ref-1").unwrap(), Some(&svc), now())
            .unwrap();
        let at = |s: &str| s.parse::<Timestamp>().unwrap();
        assert_eq!(
            state(&r, None, false, false, at("2026-10-06T08:00:00Z")),
            ReferralState::Awaiting
        );
        assert_eq!(
            state(&r, None, false, false, at("2026-10-06T08:01:00Z")),
            ReferralState::Missed,
            "09:00 London in October is 08:00 UTC"
        );
        assert_eq!(
            state(&r, None, true, false, at("2026-10-06T09:00:00Z")),
            ReferralState::Delayed
        );
        let start = |t: &str| Start {
            started_at: at(t),
            outcome: Outcome::Go,
            rule_set_version: 1,
            restrictions: Restrictions::default(),
            unconfirmed: vec![],
            late_reason: None,
        };
        assert_eq!(
            state(&r, Some(&start("2026-10-06T08:00:00Z")), true, false, now()),
            ReferralState::StartedOnTime
        );
        assert_eq!(
            state(&r, Some(&start("2026-10-06T08:30:00Z")), true, false, now()),
            ReferralState::StartedLate
        );
    }
}
