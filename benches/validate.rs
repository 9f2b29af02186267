//! Validating a real member-history Bundle (every entry against its meta.profile) compared with
//! plain serde_json parsing of the same bytes, with the core engine alone (no invariants,
//! no terminology) and with everything on (PDex mode, security checks), in one run: the ratios
//! are the figures that matter.
//!
//! `cargo bench --bench validate`

use criterion::{Criterion, criterion_group, criterion_main};
use fhirval::load::{self, LoadConfig};
use fhirval::{Mode, Options, Validator};
use std::hint::black_box;

const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/corpus/uscore_bundle_patient_355.json"
);

fn bench(c: &mut Criterion) {
    let bytes = std::fs::read(CORPUS).expect("corpus bundle beside the checkout");
    let set = load::load(&[], &LoadConfig::standard()).expect("default profile set");
    let structural = Validator::new(
        set.clone(),
        Options {
            invariants: false,
            terminology: false,
            ..Options::default()
        },
    );
    let everything = Validator::new(
        set.clone(),
        Options {
            mode: Mode::MemberHistory,
            security_checks: true,
            ..Options::default()
        },
    );
    let validator = Validator::new(set, Options::default());
    let mut g = c.benchmark_group("uscore_bundle_patient_355");
    g.bench_function("serde_json::from_slice", |b| {
        b.iter(|| {
            let v: serde_json::Value = serde_json::from_slice(black_box(&bytes)).unwrap();
            black_box(v)
        })
    });
    g.bench_function("fhirval::json::parse_bytes", |b| {
        b.iter(|| {
            let v = fhirval::json::parse_bytes(black_box(&bytes), &Default::default()).unwrap();
            black_box(v.offset)
        })
    });
    g.bench_function(
        "fhirval validate, core engine (no invariants, no terminology)",
        |b| b.iter(|| black_box(structural.validate(black_box(&bytes)))),
    );
    g.bench_function("fhirval validate", |b| {
        b.iter(|| black_box(validator.validate(black_box(&bytes))))
    });
    g.bench_function(
        "fhirval validate, everything on (pdex mode, security checks)",
        |b| b.iter(|| black_box(everything.validate(black_box(&bytes)))),
    );
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
