//! Every example in the PDex 2.0.0, US Core 3.1.1 and US Core 6.1.0 packages, validated against
//! its meta.profile with the package's own closure loaded. Examples that report errors are listed
//! with their error count and the reason (checked against the specification) in
//! `tests/examples/expected.tsv`; any other count fails the test.
//!
//! `FHIRVAL_UPDATE_EXAMPLES=1 cargo test --release --test examples` rewrites the counts (reasons
//! kept; new lines need a reason before committing).

use fhirval::load::{IgSpec, compile_specs};
use fhirval::package::{Load, PackageDir, PackageId};
use fhirval::{Options, Validator};
use std::collections::BTreeMap;
use std::path::PathBuf;

const PACKAGES: &[&str] = &[
    "hl7.fhir.us.davinci-pdex#2.0.0",
    "hl7.fhir.us.core#3.1.1",
    "hl7.fhir.us.core#6.1.0",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn expected_file() -> PathBuf {
    root().join("tests/examples/expected.tsv")
}

/// package#version \t file → (error count, reason)
fn read_expected() -> BTreeMap<(String, String), (usize, String)> {
    let text = std::fs::read_to_string(expected_file()).unwrap_or_default();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut f = l.splitn(4, '\t');
            let pkg = f.next()?.to_string();
            let file = f.next()?.to_string();
            let count = f.next()?.parse().ok()?;
            let reason = f.next().unwrap_or_default().to_string();
            Some(((pkg, file), (count, reason)))
        })
        .collect()
}

#[test]
fn package_examples_validate_as_recorded() {
    let pkg_dir = root().join("../shared/fhir-packages");
    let dir = PackageDir::open(&pkg_dir).expect("package directory beside the checkout");
    let expected = read_expected();
    let mut actual: BTreeMap<(String, String), (usize, String)> = BTreeMap::new();
    let mut total = 0usize;
    let mut report = String::new();
    for spec in PACKAGES {
        let set = compile_specs(&[IgSpec::Package(spec.to_string())], Some(&pkg_dir))
            .expect("package closure compiles");
        let validator = Validator::new(set, Options::default());
        let id = PackageId::parse(spec).expect("package id");
        let pkg = dir.load(&id, Load::WithExamples).expect("package loads");
        for (file, example) in &pkg.examples {
            total += 1;
            let bytes = serde_json::to_vec(example).expect("example re-serialises");
            let outcome = validator.validate(&bytes);
            let errors: Vec<_> = outcome
                .issues
                .iter()
                .filter(|i| i.severity.is_error())
                .collect();
            if !errors.is_empty() {
                for e in errors.iter().take(5) {
                    report.push_str(&format!(
                        "{spec} {file}: {} — {}\n",
                        e.expression, e.message
                    ));
                }
                let key = (spec.to_string(), file.clone());
                let reason = expected
                    .get(&key)
                    .map(|(_, r)| r.clone())
                    .unwrap_or_else(|| "TODO: triage".into());
                actual.insert(key, (errors.len(), reason));
            }
        }
    }
    std::fs::create_dir_all(root().join("target")).ok();
    std::fs::write(root().join("target/examples-report.txt"), &report).ok();
    println!(
        "{total} examples, {} with errors (details: target/examples-report.txt)",
        actual.len()
    );
    if std::env::var_os("FHIRVAL_UPDATE_EXAMPLES").is_some() {
        let mut out =
            String::from("# package\tfile\terror count\twhy (checked against the specification)\n");
        for ((p, f), (n, r)) in &actual {
            out.push_str(&format!("{p}\t{f}\t{n}\t{r}\n"));
        }
        std::fs::write(expected_file(), out).expect("write expected.tsv");
        return;
    }
    let mut diffs = Vec::new();
    for (k, (n, _)) in &actual {
        match expected.get(k) {
            Some((m, _)) if m == n => {}
            Some((m, _)) => diffs.push(format!("{} {}: {n} errors, recorded {m}", k.0, k.1)),
            None => diffs.push(format!("{} {}: {n} errors, none recorded", k.0, k.1)),
        }
    }
    for k in expected.keys() {
        if !actual.contains_key(k) {
            diffs.push(format!("{} {}: no errors, recorded some", k.0, k.1));
        }
    }
    assert!(
        diffs.is_empty(),
        "examples differ from tests/examples/expected.tsv:\n{}",
        diffs.join("\n")
    );
    assert!(
        total > 300,
        "expected the three packages' examples, found {total}"
    );
}
