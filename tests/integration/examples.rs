//! Every example of every package in `../shared/fhir-packages` that ships examples (found by
//! listing the directory, so packages added later are covered), validated against its
//! meta.profile with the package's own closure loaded — what `fhirval validate --ig
//! name#version` does. Each closure is compiled once; packages are shared between two worker
//! threads (CI has 2 cores).
//!
//! Examples that report errors are listed in `tests/examples/expected.tsv` with their error count
//! and the reason, which starts with one of [`REASONS`]: a defect in the example (naming the rule
//! of the specification it breaks), a dependency not to be had here (named; see
//! `../shared/fhir-packages/SOURCES.txt`), or our gap (fhirval reports an error the HL7 Java
//! validator would not). Any other count, an example with errors and no line, a line for an
//! example without errors, or a line without a reason fails the test.
//!
//! `cargo test --release --test integration examples:: -- --nocapture` prints the table kept in
//! the README ("IG examples"); every error found is written to `target/examples-report.txt`.
//! `FHIRVAL_UPDATE_EXAMPLES=1 cargo test --release --test integration examples::` rewrites the
//! counts (reasons kept; new lines get `TODO: triage`, which fails the test until replaced by a
//! reason).

use fhirval::load::{IgSpec, compile_specs};
use fhirval::package::{Load, PackageDir, PackageId};
use fhirval::{Options, Validator};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// The reasons an example may report errors, as the reason column starts; the table has one
/// column for each.
const REASONS: &[(&str, &str)] = &[
    ("example defect:", "example defect"),
    ("missing dependency:", "missing dependency"),
    ("our gap:", "our gap"),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn expected_file() -> PathBuf {
    root().join("tests/examples/expected.tsv")
}

type Key = (String, String);

/// package#version \t file → (error count, reason)
fn read_expected() -> BTreeMap<Key, (usize, String)> {
    let text = std::fs::read_to_string(expected_file()).unwrap_or_default();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut f = l.splitn(4, '\t');
            let pkg = f.next().unwrap_or_default().to_string();
            let file = f.next().unwrap_or_default().to_string();
            let count = f
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("expected.tsv: no error count in {l:?}"));
            let reason = f.next().unwrap_or_default().to_string();
            ((pkg, file), (count, reason))
        })
        .collect()
}

/// The packages of `dir` that ship examples, with their examples.
fn packages_with_examples(dir: &PackageDir) -> Vec<(PackageId, Vec<(String, Value)>)> {
    dir.available()
        .into_iter()
        .filter_map(|id| {
            let pkg = dir
                .load(&id, Load::WithExamples)
                .unwrap_or_else(|e| panic!("{id}: {e}"));
            (!pkg.examples.is_empty()).then_some((id, pkg.examples))
        })
        .collect()
}

/// One package's results: its examples' error counts (those with errors) and its report lines.
struct PackageRun {
    examples: usize,
    errors: BTreeMap<String, usize>,
    report: String,
    seconds: f64,
}

fn run_package(pkg_dir: &Path, id: &PackageId, examples: &[(String, Value)]) -> PackageRun {
    let start = Instant::now();
    let set = compile_specs(&[IgSpec::Package(id.to_string())], Some(pkg_dir))
        .unwrap_or_else(|e| panic!("{id}: closure does not compile: {e}"));
    let validator = Validator::new(set, Options::default());
    let mut errors = BTreeMap::new();
    let mut report = String::new();
    for (file, example) in examples {
        let bytes = serde_json::to_vec(example).expect("example re-serialises");
        let outcome = validator.validate(&bytes);
        let found: Vec<_> = outcome
            .issues
            .iter()
            .filter(|i| i.severity.is_error())
            .collect();
        for e in &found {
            let _ = writeln!(report, "{id} {file}: {} — {}", e.expression, e.message);
        }
        if !found.is_empty() {
            errors.insert(file.clone(), found.len());
        }
    }
    PackageRun {
        examples: examples.len(),
        errors,
        report,
        seconds: start.elapsed().as_secs_f64(),
    }
}

/// The README table: per package, its examples, the clean ones and those with errors by reason.
fn table(
    runs: &BTreeMap<PackageId, PackageRun>,
    expected: &BTreeMap<Key, (usize, String)>,
) -> String {
    let mut out = String::from("| package | examples | clean |");
    for (_, col) in REASONS {
        let _ = write!(out, " {col} |");
    }
    out.push_str("\n|---|---:|---:|");
    out.push_str(&"---:|".repeat(REASONS.len()));
    out.push('\n');
    let mut totals = vec![0usize; REASONS.len() + 2];
    for (id, run) in runs {
        let mut row = vec![run.examples, run.examples - run.errors.len()];
        for (prefix, _) in REASONS {
            let n = run
                .errors
                .keys()
                .filter(|f| {
                    expected
                        .get(&(id.to_string(), (*f).clone()))
                        .is_some_and(|(_, r)| r.starts_with(prefix))
                })
                .count();
            row.push(n);
        }
        let _ = write!(out, "| {id} |");
        for (t, n) in totals.iter_mut().zip(&row) {
            *t += n;
            let _ = write!(out, " {n} |");
        }
        out.push('\n');
    }
    out.push_str("| **all** |");
    for t in totals {
        let _ = write!(out, " **{t}** |");
    }
    out.push('\n');
    out
}

#[test]
fn package_examples_validate_as_recorded() {
    let start = Instant::now();
    let pkg_dir = root().join("../shared/fhir-packages");
    let dir = PackageDir::open(&pkg_dir).expect("package directory beside the checkout");
    let packages = packages_with_examples(&dir);
    let discovered = start.elapsed().as_secs_f64();
    let next = AtomicUsize::new(0);
    let runs: Mutex<BTreeMap<PackageId, PackageRun>> = Mutex::new(BTreeMap::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                while let Some((id, examples)) = packages.get(next.fetch_add(1, Ordering::Relaxed))
                {
                    let run = run_package(&pkg_dir, id, examples);
                    runs.lock()
                        .expect("no worker panicked")
                        .insert(id.clone(), run);
                }
            });
        }
    });
    let runs = runs.into_inner().expect("no worker panicked");
    assert_eq!(runs.len(), packages.len());

    let expected = read_expected();
    let mut actual: BTreeMap<Key, (usize, String)> = BTreeMap::new();
    let mut report = String::new();
    for (id, run) in &runs {
        report.push_str(&run.report);
        for (file, n) in &run.errors {
            let key = (id.to_string(), file.clone());
            let reason = expected
                .get(&key)
                .map(|(_, r)| r.clone())
                .unwrap_or_else(|| "TODO: triage".into());
            actual.insert(key, (*n, reason));
        }
    }
    std::fs::create_dir_all(root().join("target")).ok();
    std::fs::write(root().join("target/examples-report.txt"), &report).ok();
    let total: usize = runs.values().map(|r| r.examples).sum();
    println!(
        "{} packages with examples, {total} examples, {} with errors (details: \
         target/examples-report.txt)\n",
        runs.len(),
        actual.len()
    );
    println!("{}", table(&runs, &expected));
    for (id, run) in &runs {
        println!("{id}: compiled and validated in {:.1} s", run.seconds);
    }
    println!(
        "listing {discovered:.1} s, all {:.1} s (2 threads)",
        start.elapsed().as_secs_f64()
    );

    if std::env::var_os("FHIRVAL_UPDATE_EXAMPLES").is_some() {
        let mut out = String::from(
            "# package\tfile\terror count\treason: example defect: (the rule broken) | missing \
             dependency: (which) | our gap: (what fhirval gets wrong)\n",
        );
        for ((p, f), (n, r)) in &actual {
            let _ = writeln!(out, "{p}\t{f}\t{n}\t{r}");
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
    for (k, (_, reason)) in &expected {
        if !actual.contains_key(k) {
            diffs.push(format!("{} {}: no errors, recorded some", k.0, k.1));
        }
        if !REASONS.iter().any(|(p, _)| reason.starts_with(p)) {
            diffs.push(format!(
                "{} {}: reason {reason:?} is none of {REASONS:?}",
                k.0, k.1
            ));
        }
    }
    assert!(
        diffs.is_empty(),
        "examples differ from tests/examples/expected.tsv:\n{}",
        diffs.join("\n")
    );
    // the packages here hold over 1,500 examples: a listing that finds none is broken
    assert!(total > 1000, "found only {total} examples");
}
