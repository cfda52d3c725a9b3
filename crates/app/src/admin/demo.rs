//! A deterministic, synthetic but realistic UK organisation for demonstrations and tests.
//! Every name, number and address is made up: phone numbers are in Ofcom's drama ranges and NHS
//! numbers in the 999 test range. The same clock always gives the same data.

use crate::{App, AppError, Clock};
use jiff::{SignedDuration, Timestamp, civil::Date};
use lantern_core::event::Event;
use lantern_core::ids::*;
use lantern_core::mei::*;
use lantern_core::nhs::{NhsNumber, check_digit};
use lantern_core::org::*;
use lantern_core::person::{KeyContact, Person};
use lantern_core::phone::PhoneNumber;
use lantern_core::time::london;
use lantern_core::visit::{Priority, Visit};
use lantern_journal::NewEvent;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The organisation name the demo uses.
pub const DEMO_ORG: &str = "Northshire Care Partnership (demo)";
/// The S1 person: a rapid-start referral whose mobility is unconfirmed after a hospital admission.
pub const S1_PERSON: &str = "p-edith-marlow";
/// A registered manager who may record decisions and publish rules.
pub const DEMO_MANAGER: &str = "s-amara-osei";
/// An on-call manager.
pub const DEMO_ON_CALL: &str = "s-daniel-hughes";

/// The password of every demo account (published in the README: demo data only).
pub const DEMO_PASSWORD: &str = "northshire-demo-2026";

/// Demo sign-in accounts, one or more for every role: (username, staff id).
pub const DEMO_ACCOUNTS: [(&str, &str); 10] = [
    ("amara", DEMO_MANAGER),
    ("daniel", DEMO_ON_CALL),
    ("lucy", "s-lucy-turner"),
    ("fatima", "s-fatima-khan"),
    ("emma", "s-emma-clarke"),
    ("nadia", "s-nadia-ali"),
    ("jo.fletcher", "s-jo-fletcher"),
    ("peter", "s-peter-grant"),
    ("sam", "s-sam-morgan"),
    ("hannah", "s-hannah-lee"),
];

/// People in the standard demo (59 generated and the S1 person).
pub const DEMO_PEOPLE: usize = 60;

/// What the demo loaded.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DemoSummary {
    /// Whether data was loaded now (false: the directory already held it).
    pub loaded: bool,
    /// Organisation name.
    pub org: String,
    /// Services.
    pub services: usize,
    /// People.
    pub people: usize,
    /// Staff.
    pub staff: usize,
    /// Visits today and tomorrow.
    pub visits: usize,
    /// Events in the journal.
    pub events: u64,
}

/// A small deterministic generator (64-bit LCG), so the demo needs no randomness.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[(self.next() % xs.len() as u64) as usize]
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

// Identifiers and numbers below are literals known to be valid; a failure is a bug in this file.
fn id<T: TryFrom<String>>(s: &str) -> T {
    T::try_from(s.to_string()).unwrap_or_else(|_| panic!("demo identifier {s} is invalid"))
}
fn phone(s: &str) -> PhoneNumber {
    PhoneNumber::parse(s).unwrap_or_else(|_| panic!("demo phone {s} is invalid"))
}

fn demo_nhs_number(rng: &mut Lcg) -> NhsNumber {
    loop {
        let mut d = vec![9u32, 9, 9];
        for _ in 0..6 {
            d.push(rng.below(10) as u32);
        }
        if let Some(c) = check_digit(&d) {
            let s: String = d
                .iter()
                .chain(std::iter::once(&c))
                .map(|x| char::from(b'0' + *x as u8))
                .collect();
            if let Ok(n) = NhsNumber::parse(&s) {
                return n;
            }
        }
    }
}

fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

fn at_local(date: Date, hh: i8, mm: i8) -> Timestamp {
    date.at(hh, mm, 0, 0)
        .to_zoned(london())
        .map(|z| z.timestamp())
        .unwrap_or(Timestamp::UNIX_EPOCH)
}

struct Builder {
    evs: Vec<NewEvent>,
    now: Timestamp,
}

impl Builder {
    fn push(&mut self, e: Event) {
        self.evs.push(NewEvent::now("local:demo", e));
    }
    fn section(&mut self, person: &str, content: SectionContent, prov: Provenance) {
        let occurred = prov.confirmed_at;
        self.evs.push(NewEvent {
            actor: "local:demo".into(),
            occurred_at: Some(occurred),
            event: Event::MeiSectionSet {
                person: id(person),
                content,
                provenance: prov,
                base: None,
            },
        });
    }
    fn mark(&mut self, person: &str, section: SectionKind, mark: Mark) {
        self.push(Event::MeiSectionMarked {
            person: id(person),
            section,
            mark,
        });
    }
    fn prov(
        &self,
        source: &str,
        days_ago: i64,
        by: &str,
        method: Method,
        stale_after_days: u32,
    ) -> Provenance {
        Provenance {
            records: Vec::new(),
            source: source.into(),
            confirmed_at: self.now.checked_sub(days(days_ago)).unwrap_or(self.now),
            confirmed_by: by.into(),
            method,
            stale_after_days,
        }
    }
}

impl App {
    /// Open `dir`, creating it with the demo organisation if needed; loads the demo unless the
    /// directory already holds people.
    pub fn demo(dir: &Path, clock: Clock) -> Result<(App, DemoSummary), AppError> {
        App::demo_with(dir, clock, DEMO_PEOPLE)
    }

    /// The demo with a chosen number of people (for load tests); the first 60 are always the same.
    pub fn demo_with(
        dir: &Path,
        clock: Clock,
        people: usize,
    ) -> Result<(App, DemoSummary), AppError> {
        let mut app = match App::open(dir, clock) {
            Ok(app) => {
                super::staging::clear_stale_beside(dir, "partial");
                app
            }
            Err(AppError::Journal(lantern_journal::JournalError::NotInitialised(_))) => {
                // The whole demo is built aside and moved into place when complete.
                let app = super::init::build_in_place(dir, clock, |d| {
                    let mut app = App::init_here(d, DEMO_ORG, "demo", clock)?;
                    app.load_demo(people)?;
                    Ok(app)
                })?;
                let s = app.summary(true)?;
                return Ok((app, s));
            }
            Err(e) => return Err(e),
        };
        let loaded = if app.journal.people(None)?.is_empty() {
            app.load_demo(people)?;
            true
        } else {
            false
        };
        let s = app.summary(loaded)?;
        Ok((app, s))
    }

    fn summary(&self, loaded: bool) -> Result<DemoSummary, AppError> {
        let now = self.now();
        Ok(DemoSummary {
            loaded,
            org: self.journal.org_name()?.unwrap_or_default(),
            services: self.journal.services()?.len(),
            people: self.journal.people(None)?.len(),
            staff: self.journal.staff()?.len(),
            visits: self
                .journal
                .visits_between(
                    now.checked_sub(days(1)).unwrap_or(now),
                    now.checked_add(days(3)).unwrap_or(now),
                )?
                .len(),
            events: self.journal.event_count()?,
        })
    }

    fn load_demo(&mut self, people_count: usize) -> Result<(), AppError> {
        let now = self.now();
        let data = demo_data()?;
        let mut b = Builder {
            evs: Vec::new(),
            now,
        };
        let mut rng = Lcg(0x4c616e7465726e);
        organisation(&mut b, &data);
        // People: 30 homecare, 12 supported living, 17 care home, and the S1 person.
        let generated = people_count.saturating_sub(1).max(1);
        let people = generate_people(&mut rng, &data, now, generated);
        for p in &people {
            b.push(Event::PersonAdded(p.clone()));
        }
        for (i, p) in people.iter().take(generated).enumerate() {
            generated_sections(&mut b, &mut rng, &data, i, p);
        }
        s1_person(&mut b, &data.s1);
        // The dependency register and escalation ladders.
        b.evs.extend(
            crate::disruption::register::demo_resilience()?
                .into_iter()
                .map(|e| NewEvent::now("local:demo", e)),
        );
        visits(&mut b, &people, generated, now);
        on_call_rota(&mut b, &data.staff)?;
        drill_programme(&mut b)?;
        training_records(&mut b, &data.staff);
        meetings(&mut b)?;
        plans(&mut b)?;
        referrals(&mut b, &people, &data.s1.person)?;
        // A near miss three days ago at Maple Court, waiting for its review.
        b.push(Event::NearMissRecorded(lantern_core::near_miss::NearMiss {
            id: lantern_core::ids::NearMissId::parse("nm-1")?,
            kind: lantern_core::near_miss::NearMissKind::NearMiss,
            service: Some(ServiceId::parse("maple-court")?),
            occurred_at: now.checked_sub(days(3)).unwrap_or(now),
            what_happened: "The medication tablet showed the previous day's round after a failed overnight sync; a carer nearly gave a dose already given".into(),
            dependencies: vec![lantern_core::ids::DependencyId::parse("emar")?],
            immediate_action: "Checked the paper MAR and the blister pack, did not give the dose, told the senior carer".into(),
        }));
        accounts(&mut b)?;
        self.journal.append_batch(b.evs, now)?;
        Ok(())
    }
}

/// Referrals: the S1 person's rapid start waiting for its first visit (mobility did not arrive
/// through the degraded portal), a hospital discharge started on time, a package delayed and
/// one declined.
fn referrals(b: &mut Builder, people: &[Person], s1: &Person) -> Result<(), AppError> {
    use lantern_core::referral::{Arrived, Referral, ReferralChannel, ReferralFrom, Start};
    use lantern_core::rules::HandoverPoint;
    let now = b.now;
    let ago = |h: i64| {
        now.checked_sub(SignedDuration::from_hours(h))
            .unwrap_or(now)
    };
    let arrived = |sections: &[SectionKind], source: &str| -> Vec<Arrived> {
        sections
            .iter()
            .map(|&section| Arrived {
                section,
                source: source.to_string(),
            })
            .collect()
    };
    let homecare: Vec<&Person> = people
        .iter()
        .filter(|p| p.service.as_str() == "riverside-homecare")
        .collect();
    let pick = |i: usize| homecare.get(i).copied().unwrap_or(s1);
    let referral = |n: u32,
                    p: &Person,
                    from: ReferralFrom,
                    referrer: &str,
                    received: jiff::Timestamp,
                    package: &str,
                    handover: HandoverPoint,
                    arrived: Vec<Arrived>|
     -> Result<Referral, AppError> {
        Ok(Referral {
            id: lantern_core::ids::ReferralId::parse(&format!("ref-{n}"))?,
            person: p.id.clone(),
            service: p.service.clone(),
            from,
            referrer: referrer.into(),
            their_ref: Some(format!("NCC-{}", 4400 + n)),
            received_at: received,
            channel: ReferralChannel::Portal,
            package: package.into(),
            handover,
            first_visit_due: received
                .checked_add(SignedDuration::from_hours(24))
                .unwrap_or(received),
            arrived,
        })
    };
    let all_but = |k: SectionKind| -> Vec<SectionKind> {
        lantern_core::mei::ALL_SECTIONS
            .into_iter()
            .filter(|x| *x != k)
            .collect()
    };
    let discharge = referral(
        1,
        pick(3),
        ReferralFrom::HospitalDischarge,
        "Northshire General discharge team",
        ago(24 * 9),
        "Four calls a day after a hip fracture",
        HandoverPoint::HospitalDischarge,
        arrived(&lantern_core::mei::ALL_SECTIONS, "discharge summary"),
    )?;
    let started = discharge
        .received_at
        .checked_add(SignedDuration::from_hours(20))
        .unwrap_or(now);
    b.push(Event::ReferralReceived(discharge));
    b.evs.push(NewEvent::at(
        "local:demo",
        started,
        Event::ReferralStarted {
            referral: lantern_core::ids::ReferralId::parse("ref-1")?,
            start: Start {
                started_at: started,
                outcome: lantern_core::readiness::Outcome::Go,
                rule_set_version: 1,
                restrictions: Default::default(),
                unconfirmed: vec![],
                late_reason: None,
            },
        },
    ));
    b.push(Event::ReferralReceived(referral(
        2,
        pick(5),
        ReferralFrom::LocalAuthority,
        "Northshire County Council brokerage",
        ago(24 * 20),
        "Weekly shopping call",
        HandoverPoint::RapidStart,
        arrived(&[SectionKind::Communication], "brokerage portal"),
    )?));
    b.push(Event::ReferralDeclined {
        referral: lantern_core::ids::ReferralId::parse("ref-2")?,
        reason: "Outside our area: the address is in Eastvale".into(),
    });
    b.push(Event::ReferralReceived(referral(
        3,
        pick(7),
        ReferralFrom::PrimeProvider,
        "Carewell Partnership (prime provider)",
        ago(30),
        "Double-handed morning call",
        HandoverPoint::RapidStart,
        arrived(&all_but(SectionKind::Consent), "prime provider's care plan"),
    )?));
    b.push(Event::ReferralDelayed {
        referral: lantern_core::ids::ReferralId::parse("ref-3")?,
        reason: "No double-handed team free until Friday morning".into(),
        expected_at: now.checked_add(days(2)).ok(),
    });
    b.push(Event::ReferralReceived(referral(
        4,
        s1,
        ReferralFrom::LocalAuthority,
        "Northshire County Council brokerage",
        ago(3),
        "Rapid start: three calls a day after a recent admission",
        HandoverPoint::RapidStart,
        arrived(
            &all_but(SectionKind::Mobility),
            "referral portal (degraded: part of the referral arrived)",
        ),
    )?));
    Ok(())
}

/// The demo organisation's fixed data (`demo/organisation.json`).
#[derive(Deserialize, schemars::JsonSchema)]
struct DemoData {
    services: Vec<Service>,
    partners: Vec<Partner>,
    contacts: Vec<Contact>,
    staff: Vec<Staff>,
    names: Names,
    medicines: Vec<DemoMedicine>,
    allergies: Vec<DemoAllergy>,
    s1: S1,
}

/// Names the generated caseload is drawn from.
#[derive(Deserialize, schemars::JsonSchema)]
struct Names {
    given: Vec<String>,
    family: Vec<String>,
    streets: Vec<String>,
}

/// A medicine a generated person may take.
#[derive(Deserialize, schemars::JsonSchema)]
struct DemoMedicine {
    name: String,
    dose: String,
    times: Vec<String>,
    time_critical: bool,
}

/// An allergy a generated person may have.
#[derive(Deserialize, schemars::JsonSchema)]
struct DemoAllergy {
    substance: String,
    reaction: String,
}

/// The S1 person, their sections as the referral left them, and the degraded portal.
#[derive(Deserialize, schemars::JsonSchema)]
struct S1 {
    person: Person,
    sections: Vec<S1Section>,
    marks: Vec<S1Mark>,
    dependency_status: S1Dependency,
}

/// One of the S1 person's sections.
#[derive(Deserialize, schemars::JsonSchema)]
struct S1Section {
    content: SectionContent,
    provenance: DemoProvenance,
}

/// A provenance relative to the demo's clock.
#[derive(Deserialize, schemars::JsonSchema)]
struct DemoProvenance {
    source: String,
    days_ago: i64,
    by: String,
    method: Method,
    stale_after_days: u32,
}

/// A mark on one of the S1 person's sections.
#[derive(Deserialize, schemars::JsonSchema)]
struct S1Mark {
    section: SectionKind,
    mark: Mark,
}

/// The dependency the S1 referral came through, as degraded.
#[derive(Deserialize, schemars::JsonSchema)]
struct S1Dependency {
    dependency: DependencyId,
    degraded: bool,
    note: String,
}

fn demo_data() -> Result<DemoData, AppError> {
    Ok(crate::disruption::register::from_json(
        "demo organisation",
        "the demo organisation (demo/organisation.json)",
        include_str!("../../demo/organisation.json"),
    )?)
}

/// Services, partners, their contacts and staff.
fn organisation(b: &mut Builder, data: &DemoData) {
    for s in &data.services {
        b.push(Event::ServiceAdded(s.clone()));
    }
    for p in &data.partners {
        b.push(Event::PartnerAdded(p.clone()));
    }
    for c in &data.contacts {
        b.push(Event::ContactAdded(c.clone()));
    }
    for s in &data.staff {
        b.push(Event::StaffAdded(s.clone()));
    }
}

/// The generated caseload, then the S1 person.
fn generate_people(
    rng: &mut Lcg,
    data: &DemoData,
    now: Timestamp,
    generated: usize,
) -> Vec<Person> {
    let mut people: Vec<Person> = Vec::new();
    let mut nhs_seen = std::collections::HashSet::from(["9990001200".to_string()]);
    for i in 0..generated {
        let service = match i % 59 {
            0..30 => "riverside-homecare",
            30..42 => "maple-court",
            _ => "willow-house",
        };
        let given = rng.pick(&data.names.given).clone();
        let family = rng.pick(&data.names.family).clone();
        let age = if service == "maple-court" {
            25 + rng.below(40)
        } else {
            68 + rng.below(30)
        } as i16;
        let today = now.to_zoned(london()).date();
        let dob = Date::new(
            today.year() - age,
            (1 + rng.below(12)) as i8,
            (1 + rng.below(28)) as i8,
        )
        .unwrap_or(today);
        let address = match service {
            "willow-house" => format!(
                "Room {}, Willow House, 2 Willow Way, Northshire NS4 2WH",
                1 + i
            ),
            "maple-court" => format!(
                "Flat {}, Maple Court, 15 Park Avenue, Northshire NS3 7MC",
                1 + i - 30
            ),
            _ => format!(
                "{} {}, Northshire NS{} {}AB",
                1 + rng.below(120),
                rng.pick(&data.names.streets),
                1 + rng.below(6),
                1 + rng.below(9)
            ),
        };
        let access_note = (service == "riverside-homecare").then(|| {
            format!(
                "Key safe by front door, code held in rota tool (ref KS-{:03})",
                100 + i
            )
        });
        let pid = format!("p-{:04}", i + 1);
        people.push(Person {
            id: id(&pid),
            given_name: given,
            family_name: family.clone(),
            preferred_name: None,
            date_of_birth: dob,
            nhs_number: Some(loop {
                let n = demo_nhs_number(rng);
                if nhs_seen.insert(n.as_str().to_string()) {
                    break n;
                }
            }),
            address,
            access_note,
            service: id(service),
            key_contacts: vec![KeyContact {
                name: format!("{} {}", rng.pick(&data.names.given), family),
                relationship: rng
                    .pick(&["daughter", "son", "niece", "neighbour", "husband", "wife"])
                    .to_string(),
                phone: Some(phone(&format!("07700 900{:03}", 300 + i))),
            }],
            lives_alone: service == "riverside-homecare" && rng.below(3) > 0,
            deceased: None,
            nhs_number_as_given: None,
            restricted: false,
            merged_into: None,
        });
    }
    people.push(data.s1.person.clone());
    people
}

/// The six sections of one generated person, as their service's systems hold them.
fn generated_sections(b: &mut Builder, rng: &mut Lcg, data: &DemoData, i: usize, p: &Person) {
    let by = ["Lucy Turner", "Fatima Khan", "Mark Bennett", "Joe Parker"];
    let who = by[i % by.len()];
    risks(b, rng, i, p, who);
    medication(b, rng, data, i, p, who);
    mobility(b, rng, i, p, who);
    communication(b, rng, i, p, who);
    consent(b, rng, i, p, who);
    escalation(b, rng, i, p, who);
    if i == 20 {
        b.mark(p.id.as_str(), SectionKind::Medication, Mark::Disputed { reason: "Daughter says the morning dose was stopped by the GP last week; eMAR still lists it".into() });
    }
}

/// Days since a section was last confirmed: within the last fortnight.
fn fresh(rng: &mut Lcg) -> i64 {
    1 + rng.below(12) as i64
}

/// Risks, with two safeguarding cases and one restrictive practice.
fn risks(b: &mut Builder, rng: &mut Lcg, i: usize, p: &Person, who: &str) {
    let pid = p.id.as_str();
    let safeguarding = match i {
        7 => Safeguarding {
            status: SafeguardingStatus::Active,
            note: Some("Financial abuse enquiry; plan ref SG-2026-0412".into()),
        },
        33 => Safeguarding {
            status: SafeguardingStatus::Concern,
            note: Some("Unexplained bruising reported; enquiry open".into()),
        },
        _ => Safeguarding::default(),
    };
    let risks = Risks {
        risks: vec![Risk {
            source: None,
            description: rng
                .pick(&[
                    "Anxiety rises when routines change",
                    "Wanders at night",
                    "Refuses personal care when tired",
                    "Choking risk with dry foods",
                    "Self-neglect when low in mood",
                ])
                .to_string(),
            triggers: vec![
                rng.pick(&[
                    "Entering the kitchen unannounced",
                    "New carers",
                    "Loud voices",
                    "Late visits",
                ])
                .to_string(),
            ],
            what_helps: vec![
                rng.pick(&[
                    "Explain each step before starting",
                    "Offer tea and sit together first",
                    "Keep to the usual order of the visit",
                ])
                .to_string(),
            ],
        }],
        safeguarding,
        behaviours_that_challenge: if (30..42).contains(&i) {
            vec!["Shouting when distressed".into()]
        } else {
            vec![]
        },
        restrictive_practice: (i == 35)
            .then(|| "Sensor mat at night under DoLS authorisation; no other restriction".into()),
    };
    b.section(
        pid,
        SectionContent::Risks(risks),
        b.prov("care-planning", fresh(rng), who, Method::Portal, 90),
    );
}

/// Medicines and allergies (one in ten stale).
fn medication(b: &mut Builder, rng: &mut Lcg, data: &DemoData, i: usize, p: &Person, who: &str) {
    let pid = p.id.as_str();
    let n_meds = 1 + rng.below(3) as usize;
    let medicines: Vec<Medicine> = (0..n_meds)
        .map(|_| {
            let m = rng.pick(&data.medicines);
            Medicine {
                source: None,
                name: m.name.clone(),
                dose: m.dose.clone(),
                times: m.times.clone(),
                time_critical: m.time_critical,
                notes: None,
            }
        })
        .collect();
    // Picked with replacement: a medicine picked twice is listed once (as a real list would).
    let mut seen = std::collections::HashSet::new();
    let medicines: Vec<Medicine> = medicines
        .into_iter()
        .filter(|m: &Medicine| seen.insert(m.name.clone()))
        .collect();
    let allergies = if rng.below(3) == 0 {
        vec![{
            let a = rng.pick(&data.allergies);
            Allergy {
                source: None,
                substance: a.substance.clone(),
                reaction: a.reaction.clone(),
            }
        }]
    } else {
        vec![]
    };
    let med_age = if i % 10 == 3 { 45 } else { fresh(rng) };
    b.section(
        pid,
        SectionContent::Medication(Medication {
            support_level: *rng.pick(&[
                SupportLevel::Prompt,
                SupportLevel::Assist,
                SupportLevel::Administer,
            ]),
            // Most sources say "no known allergies" when there are none; some say nothing.
            no_known_allergies: allergies.is_empty() && i % 7 != 5,
            medicines,
            allergies,
        }),
        b.prov(
            "eMAR",
            med_age,
            who,
            Method::Phone {
                contact: "Ravi Mehta, Brook Street Pharmacy".into(),
            },
            30,
        ),
    );
}

/// Mobility and falls (one in eleven stale).
fn mobility(b: &mut Builder, rng: &mut Lcg, i: usize, p: &Person, who: &str) {
    let pid = p.id.as_str();
    let falls = *rng.pick(&[FallsRisk::Low, FallsRisk::Medium, FallsRisk::High]);
    let two = falls == FallsRisk::High && rng.below(2) == 0;
    let mob_age = if i % 11 == 9 { 40 } else { fresh(rng) };
    b.section(
        pid,
        SectionContent::Mobility(Mobility {
            aids_indoors: if falls == FallsRisk::Low {
                vec![]
            } else {
                vec!["walking frame".into()]
            },
            aids_outdoors: vec!["wheelchair".into()],
            transfers: if two {
                "Hoist with two carers".into()
            } else {
                "Stand-aid with one carer".into()
            },
            manual_handling_plan: if two {
                "Two carers for all transfers; full-body sling size M".into()
            } else {
                "Verbal prompts; one carer stands by".into()
            },
            falls_risk: falls,
            recent_falls_or_admissions: if falls == FallsRisk::High {
                vec!["Fall at home in the last 3 months".into()]
            } else {
                vec![]
            },
        }),
        b.prov("care-planning", mob_age, who, Method::InPerson, 30),
    );
}

/// Communication (one in thirteen missing).
fn communication(b: &mut Builder, rng: &mut Lcg, i: usize, p: &Person, who: &str) {
    let pid = p.id.as_str();
    if i % 13 != 5 {
        b.section(
            pid,
            SectionContent::Communication(Communication {
                language: (*rng.pick(&[
                    "English",
                    "English",
                    "English",
                    "Punjabi",
                    "Polish",
                    "Cantonese",
                ]))
                .into(),
                interpreter_needed: i % 9 == 4,
                hearing: (rng.below(3) == 0).then(|| "Hearing aid in the left ear".into()),
                sight: (rng.below(4) == 0).then(|| "Glasses for reading".into()),
                preferred_approach: "Speak slowly, face to face; give time to answer".into(),
                de_escalation_prompts: vec![
                    "Lower your voice and sit down".into(),
                    "Talk about the garden".into(),
                ],
            }),
            b.prov("care-planning", fresh(rng), who, Method::Document, 180),
        );
    }
}

/// Consent and capacity (one in seventeen missing).
fn consent(b: &mut Builder, rng: &mut Lcg, i: usize, p: &Person, who: &str) {
    let pid = p.id.as_str();
    if i % 17 != 7 {
        b.section(
            pid,
            SectionContent::Consent(Consent {
                capacity_notes: vec![CapacityNote {
                    source: None,
                    decision: "Medication".into(),
                    note: if i.is_multiple_of(5) {
                        "Lacks capacity; best-interests decision 2026-06".into()
                    } else {
                        "Has capacity".into()
                    },
                }],
                lpa_or_deputy: (i.is_multiple_of(4))
                    .then(|| format!("LPA health and welfare: {}", p.key_contacts[0].name)),
                dnacpr_respect: (i.is_multiple_of(6))
                    .then(|| "ReSPECT form in the red folder".into()),
                dols_status: (i >= 42 && i.is_multiple_of(3))
                    .then(|| "Authorised until 2027-03-31".into()),
            }),
            b.prov("care-planning", fresh(rng), who, Method::Document, 180),
        );
    }
}

/// Escalation route (one person without).
fn escalation(b: &mut Builder, rng: &mut Lcg, i: usize, p: &Person, who: &str) {
    let pid = p.id.as_str();
    if i != 41 {
        b.section(
            pid,
            SectionContent::Escalation(Escalation {
                route: vec![
                    EscalationStep {
                        source: None,
                        name: p.key_contacts[0].name.clone(),
                        role: p.key_contacts[0].relationship.clone(),
                        phone: p.key_contacts[0]
                            .phone
                            .clone()
                            .unwrap_or_else(|| phone("111")),
                        when: "First contact for any change".into(),
                    },
                    EscalationStep {
                        source: None,
                        name: "Elm Tree Surgery".into(),
                        role: "GP practice".into(),
                        phone: phone("01632 960400"),
                        when: "Health concern, weekdays 08:00-18:30".into(),
                    },
                    EscalationStep {
                        source: None,
                        name: "Daniel Hughes".into(),
                        role: "On-call manager".into(),
                        phone: phone("07700 900101"),
                        when: "Out of hours, or any safeguarding concern".into(),
                    },
                ],
            }),
            b.prov(
                "care-planning",
                fresh(rng),
                who,
                Method::Phone {
                    contact: p.key_contacts[0].name.clone(),
                },
                90,
            ),
        );
    }
}

/// The S1 person's sections as a partial referral left them, the marks that make it a case, and
/// the portal marked degraded.
fn s1_person(b: &mut Builder, s1: &S1) {
    let e = s1.person.id.as_str();
    for s in &s1.sections {
        let p = &s.provenance;
        let prov = b.prov(
            &p.source,
            p.days_ago,
            &p.by,
            p.method.clone(),
            p.stale_after_days,
        );
        b.section(e, s.content.clone(), prov);
    }
    for m in &s1.marks {
        b.mark(e, m.section, m.mark.clone());
    }
    let d = &s1.dependency_status;
    b.push(Event::DependencyStatusSet {
        dependency: d.dependency.clone(),
        degraded: d.degraded,
        note: d.note.clone(),
    });
}

/// Visits today and tomorrow for homecare and supported living.
fn visits(b: &mut Builder, people: &[Person], generated: usize, now: Timestamp) {
    let today = now.to_zoned(london()).date();
    let carers = [
        "s-emma-clarke",
        "s-ryan-cole",
        "s-sophie-wright",
        "s-kwame-mensah",
        "s-fatima-khan",
    ];
    let slots: [(i8, i8, &str); 4] = [
        (7, 30, "Morning call"),
        (12, 30, "Lunch call"),
        (17, 0, "Tea call"),
        (21, 0, "Bed call"),
    ];
    for day in [today, today.tomorrow().unwrap_or(today)] {
        for (i, p) in people.iter().enumerate() {
            let is_home = p.service.as_str() == "riverside-homecare";
            let is_sl = p.service.as_str() == "maple-court";
            if !is_home && !is_sl {
                continue;
            }
            let mine = if is_sl {
                &slots[..1]
            } else if i % 3 == 0 {
                &slots[..]
            } else {
                &slots[..2]
            };
            let high_falls = i == generated || (i % 11 == 2);
            for (n, (hh, mm, task)) in mine.iter().enumerate() {
                let start = at_local(day, *hh, *mm);
                let mut priorities = Vec::new();
                if i == generated || i % 4 == 1 {
                    priorities.push(Priority::TimeCriticalMedication);
                }
                if p.lives_alone {
                    priorities.push(Priority::LivesAlone);
                }
                if high_falls {
                    priorities.push(Priority::HighFallsRisk);
                }
                if i == 7 || i == 33 {
                    priorities.push(Priority::Safeguarding);
                }
                let two = i % 7 == 0 && is_home;
                if two {
                    priorities.push(Priority::TwoCarers);
                }
                // Northgate covers four homecare people's evening calls.
                let carer = if is_sl {
                    "s-hannah-lee"
                } else if matches!(i, 4 | 10 | 16 | 22) && *hh >= 12 {
                    if i % 2 == 0 {
                        "s-jo-fletcher"
                    } else {
                        "s-ben-ortiz"
                    }
                } else {
                    carers[(i + n) % carers.len()]
                };
                let mut assigned = vec![id::<StaffId>(carer)];
                if two {
                    assigned.push(id(carers[(i + n + 1) % carers.len()]));
                }
                b.push(Event::VisitPlanned(Visit {
                    id: id(&format!("v-{}-{}-{}", day.strftime("%Y%m%d"), p.id, n + 1)),
                    person: p.id.clone(),
                    service: p.service.clone(),
                    start,
                    end: start
                        .checked_add(SignedDuration::from_mins(if is_sl { 180 } else { 30 }))
                        .unwrap_or(start),
                    carers: assigned,
                    priorities,
                    tasks: vec![task.to_string(), "Medication support".into()],
                }));
            }
        }
    }
}

/// Sign-in accounts for every role, all with the published demo password.
/// The on-call rota from yesterday to two weeks ahead: each service's own day on-call
/// (08:00-20:00) and the organisation's night on-call (20:00-08:00, the two Riverside managers
/// in turn), with one day left uncovered at Willow House five days ahead, so the rota shows a
/// gap to fill.
fn on_call_rota(b: &mut Builder, staff: &[Staff]) -> Result<(), AppError> {
    use lantern_core::oncall::Shift;
    let today = b.now.to_zoned(london()).date();
    let phone = |id: &str| {
        staff
            .iter()
            .find(|s| s.id.as_str() == id)
            .and_then(|s| s.phone.clone())
    };
    let day_cover = [
        ("riverside-homecare", "s-lucy-turner"),
        ("maple-court", "s-joe-parker"),
        ("willow-house", "s-mark-bennett"),
    ];
    let mut n = 0;
    for d in -1..=lantern_core::oncall::GAP_HORIZON_DAYS {
        let date = today
            .checked_add(jiff::Span::new().days(d))
            .unwrap_or(today);
        let next = date.checked_add(jiff::Span::new().days(1)).unwrap_or(date);
        let mut shifts: Vec<(Option<&str>, &str, Timestamp, Timestamp)> = day_cover
            .iter()
            .filter(|(svc, _)| !(d == 5 && *svc == "willow-house"))
            .map(|(svc, who)| {
                (
                    Some(*svc),
                    *who,
                    at_local(date, 8, 0),
                    at_local(date, 20, 0),
                )
            })
            .collect();
        let night = if d.rem_euclid(2) == 0 {
            "s-daniel-hughes"
        } else {
            "s-amara-osei"
        };
        shifts.push((None, night, at_local(date, 20, 0), at_local(next, 8, 0)));
        for (svc, who, from, to) in shifts {
            let Some(phone) = phone(who) else { continue };
            n += 1;
            let s = Shift {
                id: lantern_core::ids::ShiftId::parse(&format!("oc-{n}"))?,
                service: svc.map(ServiceId::parse).transpose()?,
                staff: StaffId::parse(who)?,
                from,
                to,
                phone,
                email: None,
                note: String::new(),
            };
            s.validate()?;
            b.push(Event::OnCallShiftAdded(s));
        }
    }
    Ok(())
}

/// The drill programme: Riverside's quarterly email-outage drill held two months ago (one of
/// those invited absent) with its next due in a month, and Maple Court's tablet drill five days
/// overdue.
fn drill_programme(b: &mut Builder) -> Result<(), AppError> {
    use lantern_core::drill::{Drill, DrillHeld, LIBRARY, Scenario};
    let today = b.now.to_zoned(london()).date();
    let day = |n: i64| {
        today
            .checked_add(jiff::Span::new().days(n))
            .unwrap_or(today)
    };
    let staff = |ids: &[&str]| {
        ids.iter()
            .map(|s| StaffId::parse(s))
            .collect::<Result<Vec<_>, _>>()
    };
    let scenario = |key: &str| -> Result<Scenario, AppError> {
        let s = LIBRARY.iter().find(|s| s.id == key).ok_or_else(|| {
            lantern_core::FieldError::new("demo drill", "scenario", "s1 to s9", key)
        })?;
        Ok(Scenario {
            key: s.id.into(),
            title: s.title.into(),
            dependencies: s
                .dependencies
                .iter()
                .map(|d| lantern_core::ids::DependencyId::parse(d))
                .collect::<Result<_, _>>()?,
        })
    };
    let held_on = day(-62);
    let email = Drill {
        id: lantern_core::ids::DrillId::parse("drill-1")?,
        service: ServiceId::parse("riverside-homecare")?,
        scenario: scenario("s3")?,
        due: day(-60),
        invited: staff(&[
            "s-lucy-turner",
            "s-daniel-hughes",
            "s-amara-osei",
            "s-fatima-khan",
        ])?,
        every_months: Some(3),
        owner: StaffId::parse("s-nadia-ali")?,
    };
    let next = lantern_core::drill::next_due(&email, held_on).unwrap_or(day(30));
    b.push(Event::DrillScheduled(email.clone()));
    b.push(Event::DrillHeld(DrillHeld {
        drill: email.id.clone(),
        held_on,
        attended: staff(&["s-lucy-turner", "s-daniel-hughes", "s-amara-osei"])?,
        outcome: "The ladder skipped email and reached the safeguarding hub by phone in 12 minutes"
            .into(),
        lessons: "Night staff did not know where the printed safeguarding numbers are kept".into(),
        actions: vec![],
    }));
    b.push(Event::DrillScheduled(Drill {
        id: lantern_core::ids::DrillId::parse("drill-2")?,
        due: next,
        ..email
    }));
    b.push(Event::DrillScheduled(Drill {
        id: lantern_core::ids::DrillId::parse("drill-3")?,
        service: ServiceId::parse("maple-court")?,
        scenario: scenario("s6")?,
        due: day(-5),
        invited: staff(&["s-joe-parker", "s-lucy-turner", "s-daniel-hughes"])?,
        every_months: Some(3),
        owner: StaffId::parse("s-nadia-ali")?,
    }));
    Ok(())
}

/// Training records for everyone who needs them: a spread of completions over the last 14
/// months, so some are current, some expiring within the month, some expired, a few never done.
fn training_records(b: &mut Builder, staff: &[Staff]) {
    use lantern_core::training::{Completion, TrainingItem};
    let today = b.now.to_zoned(london()).date();
    let trainees = staff
        .iter()
        .filter(|s| lantern_core::training::needs_training(s.role));
    for (i, s) in trainees.enumerate() {
        for (j, item) in TrainingItem::ALL.iter().enumerate() {
            if (i + j) % 9 == 0 {
                continue;
            }
            let months = ((i * 5 + j * 3) % 14) as i64;
            let on = today
                .checked_sub(jiff::Span::new().months(months).days(3))
                .unwrap_or(today);
            b.push(Event::TrainingCompleted(Completion {
                staff: s.id.clone(),
                item: *item,
                on,
                evidence: "Training session register, signed".into(),
            }));
        }
    }
}

/// Last quarter's governance meeting, with its minutes, and the next, a fortnight ahead.
fn meetings(b: &mut Builder) -> Result<(), AppError> {
    use lantern_core::meeting::{Meeting, Minutes};
    let today = b.now.to_zoned(london()).date();
    let day = |n: i64| {
        today
            .checked_add(jiff::Span::new().days(n))
            .unwrap_or(today)
    };
    let people = |ids: &[&str]| {
        ids.iter()
            .map(|s| StaffId::parse(s))
            .collect::<Result<Vec<_>, _>>()
    };
    let invited = people(&[
        "s-nadia-ali",
        "s-amara-osei",
        "s-daniel-hughes",
        "s-lucy-turner",
    ])?;
    let last = Meeting {
        id: lantern_core::ids::MeetingId::parse("gm-1")?,
        title: "Quality and governance meeting".into(),
        at: at_local(day(-45), 14, 0),
        chair: StaffId::parse("s-nadia-ali")?,
        attendees: invited.clone(),
    };
    b.push(Event::MeetingScheduled(last.clone()));
    b.push(Event::MinutesRecorded(Minutes {
        meeting: last.id,
        present: people(&["s-nadia-ali", "s-amara-osei", "s-lucy-turner"])?,
        notes:
            "Reviewed the quarter's drills and the risk register; the email-outage drill went well"
                .into(),
        decisions: vec!["Hold a tablet-failure drill at Maple Court this quarter".into()],
        actions: vec![],
    }));
    b.push(Event::MeetingScheduled(Meeting {
        id: lantern_core::ids::MeetingId::parse("gm-2")?,
        title: "Quality and governance meeting".into(),
        at: at_local(day(14), 14, 0),
        chair: StaffId::parse("s-nadia-ali")?,
        attendees: invited,
    }));
    Ok(())
}

/// The continuity plan and each service's downtime procedure, approved by the registered
/// manager; a devices policy whose review has passed; Maple Court's tablet procedure read by one
/// of its two staff.
fn plans(b: &mut Builder) -> Result<(), AppError> {
    use lantern_core::ids::DocumentId;
    use lantern_core::plan::{Document, DocumentKind};
    let today = b.now.to_zoned(london()).date();
    let day = |n: i64| {
        today
            .checked_add(jiff::Span::new().days(n))
            .unwrap_or(today)
    };
    let owner = StaffId::parse("s-amara-osei")?;
    let procedures = [
        (
            "riverside-homecare",
            "Riverside Homecare downtime procedure",
            "Open Lantern on the office laptop or the on-call laptop: every person's essential information is there without the internet. If Lantern is down too, use today's printed rota backup and downtime pack in the office safe. Visits go ahead in priority order (time-critical medicines, lives alone, two carers). Record everything on the pack's forms. Call the on-call manager on the number printed on the back.",
        ),
        (
            "maple-court",
            "Maple Court downtime procedure",
            "If a tablet fails, take a spare from the office and log the swap. If the eMAR is down, medicines go on the paper MAR in the pack: one line per dose, initials and time. Time-critical medicines first. Call the on-call manager on the number printed on the back; never wait for the system to come back.",
        ),
        (
            "willow-house",
            "Willow House downtime procedure",
            "The printed pack is at the nurses' station. Use the paper MAR and the incident form in it. Tell the GP practice by phone about any medication change. Call the on-call manager on the number printed on the back.",
        ),
    ];
    let push = |b: &mut Builder, actor: &str, e: Event| b.evs.push(NewEvent::now(actor, e));
    let mut docs = vec![Document {
        id: DocumentId::parse("continuity-plan")?,
        kind: DocumentKind::ContinuityPlan,
        service: None,
        title: "Business continuity plan".into(),
        version: 1,
        owner: owner.clone(),
        review_by: day(150),
        summary: "Critical dependencies, their fallbacks and owners; roles during a disruption; the escalation ladders; recovery and reconciliation; review after every disruption and drill.".into(),
        change: String::new(),
    }];
    for (svc, title, summary) in procedures {
        docs.push(Document {
            id: DocumentId::parse(&format!("downtime-procedure-{svc}"))?,
            kind: DocumentKind::DowntimeProcedure,
            service: Some(ServiceId::parse(svc)?),
            title: title.into(),
            version: 1,
            owner: owner.clone(),
            review_by: day(120),
            summary: summary.into(),
            change: String::new(),
        });
    }
    for d in &docs {
        push(b, "local:demo", Event::DocumentVersioned(d.clone()));
        push(
            b,
            "staff:s-amara-osei",
            Event::DocumentApproved {
                document: d.id.clone(),
                version: 1,
            },
        );
    }
    push(
        b,
        "staff:s-joe-parker",
        Event::DocumentAcknowledged {
            document: DocumentId::parse("downtime-procedure-maple-court")?,
            version: 1,
        },
    );
    let policy = Document {
        id: DocumentId::parse("policy-digital-records-and-devices")?,
        kind: DocumentKind::Policy,
        service: None,
        title: "Digital records and devices".into(),
        version: 1,
        owner: StaffId::parse("s-nadia-ali")?,
        review_by: day(-10),
        summary: "How devices are issued, kept charged, secured and replaced; how records are kept when a device fails.".into(),
        change: String::new(),
    };
    push(b, "local:demo", Event::DocumentVersioned(policy.clone()));
    push(
        b,
        "staff:s-nadia-ali",
        Event::DocumentApproved {
            document: policy.id,
            version: 1,
        },
    );
    Ok(())
}

fn accounts(b: &mut Builder) -> Result<(), AppError> {
    let hash = crate::admin::accounts::hash_password(DEMO_PASSWORD)?;
    for (username, staff) in DEMO_ACCOUNTS {
        b.push(Event::AccountCreated {
            account: lantern_core::account::Account {
                username: id(username),
                staff: id(staff),
                must_change_password: false,
                disabled: false,
            },
            password_hash: hash.clone(),
        });
    }
    Ok(())
}
