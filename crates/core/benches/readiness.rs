//! Readiness over a whole caseload: 10,000 people, every handover point's default rules.

use criterion::{Criterion, criterion_group, criterion_main};
use lantern_core::ids::DependencyId;
use lantern_core::mei::{ALL_SECTIONS, MethodKind, SectionState, SectionStatus};
use lantern_core::readiness::evaluate;
use lantern_core::rules::default_rule_sets;
use std::collections::BTreeSet;
use std::hint::black_box;

fn caseload(n: usize) -> Vec<Vec<SectionState>> {
    let statuses = [
        SectionStatus::Confirmed,
        SectionStatus::Confirmed,
        SectionStatus::Confirmed,
        SectionStatus::Stale,
        SectionStatus::Missing,
        SectionStatus::Disputed,
    ];
    (0..n)
        .map(|i| {
            ALL_SECTIONS
                .iter()
                .enumerate()
                .map(|(k, &kind)| SectionState {
                    kind,
                    status: statuses[(i * 7 + k * 3) % statuses.len()],
                    method: Some(MethodKind::Portal),
                    conditions: Default::default(),
                })
                .collect()
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let people = caseload(10_000);
    let rules = default_rule_sets().remove(0);
    let degraded = BTreeSet::from([DependencyId::parse("referral-portal").unwrap()]);
    c.bench_function("readiness: 10,000 people, rapid-start rules", |b| {
        b.iter(|| {
            let mut restricted = 0;
            for p in &people {
                if evaluate(&rules, black_box(p), &degraded).outcome
                    != lantern_core::readiness::Outcome::Go
                {
                    restricted += 1;
                }
            }
            black_box(restricted)
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
