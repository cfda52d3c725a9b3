//! Journal throughput: durable single appends, batches of 1,000, and verification.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use jiff::Timestamp;
use lantern_core::event::Event;
use lantern_core::ids::{PersonId, ServiceId};
use lantern_core::mei::{Method, Mobility, Provenance, SectionContent};
use lantern_core::org::{Service, ServiceKind};
use lantern_journal::{Journal, NewEvent};

fn now() -> Timestamp {
    "2026-11-21T09:00:00Z".parse().unwrap()
}

fn section_event(i: usize) -> NewEvent {
    NewEvent::now(
        "bench",
        Event::MeiSectionSet {
            person: PersonId::parse(&format!("p-{i}")).unwrap(),
            content: SectionContent::Mobility(Mobility {
                aids_indoors: vec!["walking frame".into()],
                transfers: "Stand-aid with one carer".into(),
                manual_handling_plan: "Verbal prompts; one carer stands by".into(),
                ..Default::default()
            }),
            provenance: Provenance {
                records: Vec::new(),
                source: "care-planning".into(),
                confirmed_at: now(),
                confirmed_by: "Bench".into(),
                method: Method::InPerson,
                stale_after_days: 30,
            },
            base: None,
        },
    )
}

fn section_of(person: usize, k: usize) -> NewEvent {
    let mut e = section_event(person);
    if let Event::MeiSectionSet { content, .. } = &mut e.event {
        *content = match k {
            0 => SectionContent::Risks(Default::default()),
            1 => SectionContent::Medication(Default::default()),
            2 => SectionContent::Mobility(Default::default()),
            3 => SectionContent::Communication(Default::default()),
            4 => SectionContent::Consent(Default::default()),
            _ => SectionContent::Escalation(lantern_core::mei::Escalation {
                route: vec![lantern_core::mei::EscalationStep {
                    source: None,
                    name: "Daughter".into(),
                    role: "daughter".into(),
                    phone: lantern_core::phone::PhoneNumber::parse("07700 900123").unwrap(),
                    when: "Any change".into(),
                }],
            }),
        };
    }
    e
}

fn journal() -> (tempfile::TempDir, Journal) {
    let dir = tempfile::tempdir().unwrap();
    let mut j = Journal::create(dir.path()).unwrap();
    let svc = Service {
        id: ServiceId::parse("svc").unwrap(),
        name: "Svc".into(),
        kind: ServiceKind::Homecare,
    };
    j.append(NewEvent::now("bench", Event::ServiceAdded(svc)), now())
        .unwrap();
    (dir, j)
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("journal");
    g.sample_size(20);

    g.throughput(Throughput::Elements(1));
    let (_d, mut j) = journal();
    let mut i = 0;
    g.bench_function("append one event, durable (fsync per commit)", |b| {
        b.iter(|| {
            i += 1;
            j.append(section_event(i), now()).unwrap()
        })
    });

    g.throughput(Throughput::Elements(1000));
    let (_d2, mut j2) = journal();
    let mut base = 0;
    g.bench_function("append batch of 1,000 events", |b| {
        b.iter_batched(
            || {
                base += 1000;
                (base..base + 1000).map(section_event).collect::<Vec<_>>()
            },
            |evs| j2.append_batch(evs, now()).unwrap(),
            BatchSize::PerIteration,
        )
    });

    let (_d3, mut j3) = journal();
    for chunk in 0..10 {
        j3.append_batch(
            (chunk * 1000..(chunk + 1) * 1000)
                .map(section_event)
                .collect(),
            now(),
        )
        .unwrap();
    }
    g.throughput(Throughput::Elements(j3.event_count().unwrap()));
    g.sample_size(10);
    g.bench_function(
        "verify 10,001 events (chain, hashes, signatures, projections)",
        |b| b.iter(|| assert!(j3.verify().unwrap().is_ok())),
    );

    // Readiness for the whole caseload: 10,000 people with all six sections each.
    let (_d4, mut j4) = journal();
    for chunk in 0..60 {
        j4.append_batch(
            (chunk * 1000..(chunk + 1) * 1000)
                .map(|i| section_of(i % 10_000, i / 10_000))
                .collect(),
            now(),
        )
        .unwrap();
    }
    g.throughput(Throughput::Elements(10_000));
    let rules = lantern_core::rules::default_rule_sets().remove(0);
    let degraded = std::collections::BTreeSet::new();
    g.bench_function(
        "readiness for 10,000 people x 6 sections, read from SQLite",
        |b| {
            b.iter(|| {
                let all = j4.all_section_states(now()).unwrap();
                let mut n = 0;
                for states in all.values() {
                    if lantern_core::readiness::evaluate(&rules, states, &degraded).outcome
                        != lantern_core::readiness::Outcome::Go
                    {
                        n += 1;
                    }
                }
                n
            })
        },
    );
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
