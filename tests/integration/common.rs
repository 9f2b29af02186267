//! Shared set-up of the integration tests: the compiled profile sets (R4 core plus the
//! differential-only profiles in `tests/fixtures/profiles/`; the default profile set), each
//! made once per test run, validators over them, and helpers to pick issues out of an outcome.
//!
//! Paths are relative to the checkout: the FHIR packages live in `../shared/fhir-packages`
//! beside it (as in CI), never at an absolute location.

use fhirval::load::{self, IgSpec, LoadConfig, compile_specs};
use fhirval::model::ProfileSet;
use fhirval::{Issue, OperationOutcome, Options, Severity, Validator};
use std::path::PathBuf;
use std::sync::OnceLock;

pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");
pub const CORE: &str = "hl7.fhir.r4.core#4.0.1";
/// Canonical base of the fixture profiles.
pub const FX: &str = "http://fhirval.test/StructureDefinition/";

pub fn package_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/fhir-packages"
    ))
}

pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(ROOT).join("tests").join("fixtures")
}

pub fn profiles_dir() -> PathBuf {
    fixtures_dir().join("profiles")
}

/// R4 core + the fixture profiles, compiled once per test run (every module shares it).
pub fn profile_set() -> &'static ProfileSet {
    static SET: OnceLock<ProfileSet> = OnceLock::new();
    SET.get_or_init(|| {
        let pkg = package_dir();
        compile_specs(
            &[IgSpec::Package(CORE.into()), IgSpec::Dir(profiles_dir())],
            Some(pkg.as_path()),
        )
        .unwrap_or_else(|e| panic!("compiling R4 core + fixtures: {e}"))
    })
}

/// The default profile set (the newest PDex with its closure, as the CLI loads it without
/// `--ig`), loaded once per test run for every module that needs it; between runs it is kept
/// in `target/test-cache`.
pub fn default_set() -> &'static ProfileSet {
    static SET: OnceLock<ProfileSet> = OnceLock::new();
    SET.get_or_init(|| {
        let cfg = LoadConfig {
            package_dir: Some(package_dir()),
            cache_dir: Some(PathBuf::from(ROOT).join("target/test-cache")),
        };
        load::load(&[], &cfg).unwrap_or_else(|e| panic!("the default profile set: {e}"))
    })
}

/// The validator with default options (no allowed extension domains).
pub fn validator() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(|| Validator::new(profile_set().clone(), Options::default()))
}

/// Domain accepted without a definition by [`validator_allowing`].
pub const ALLOWED_DOMAIN: &str = "http://allowed.fhirval.test/";

/// A validator whose `allow_extension_domains` holds [`ALLOWED_DOMAIN`].
pub fn validator_allowing() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(|| {
        let options = Options {
            allow_extension_domains: vec![ALLOWED_DOMAIN.to_string()],
            ..Options::default()
        };
        Validator::new(profile_set().clone(), options)
    })
}

/// Canonical URL of a fixture profile.
pub fn fx(name: &str) -> String {
    format!("{FX}{name}")
}

pub fn outcome_with(v: &Validator, json: &str, profiles: &[&str]) -> OperationOutcome {
    let profiles: Vec<String> = profiles.iter().map(|p| p.to_string()).collect();
    v.validate_against(json.as_bytes(), &profiles)
}

pub fn outcome(json: &str, profiles: &[&str]) -> OperationOutcome {
    outcome_with(validator(), json, profiles)
}

/// Every issue.
pub fn issues(json: &str, profiles: &[&str]) -> Vec<Issue> {
    outcome(json, profiles).issues
}

/// FHIRPath invariants (`Constraint failed: ...`) belong to the constraint engine, not to
/// the rules tested here; they are left out of the error counts so that each test counts
/// exactly the issues of its own rule.
pub fn is_invariant(i: &Issue) -> bool {
    i.message.starts_with("Constraint failed")
}

/// The fatal and error issues, invariants aside.
pub fn errors_of(issues: &[Issue]) -> Vec<Issue> {
    issues
        .iter()
        .filter(|i| i.severity.is_error() && !is_invariant(i))
        .cloned()
        .collect()
}

pub fn errors(json: &str, profiles: &[&str]) -> Vec<Issue> {
    errors_of(&issues(json, profiles))
}

pub fn errors_with(v: &Validator, json: &str, profiles: &[&str]) -> Vec<Issue> {
    errors_of(&outcome_with(v, json, profiles).issues)
}

/// The warnings, invariants (such as dom-6, "should have narrative") aside.
pub fn warnings(json: &str, profiles: &[&str]) -> Vec<Issue> {
    issues(json, profiles)
        .into_iter()
        .filter(|i| i.severity == Severity::Warning && !is_invariant(i))
        .collect()
}

pub fn show(issues: &[Issue]) -> String {
    let mut s = String::new();
    for i in issues {
        s.push_str(&format!(
            "\n  {:?} [{}] {} @{}:{} {}",
            i.severity, i.code, i.expression, i.line, i.col, i.message
        ));
    }
    if s.is_empty() {
        s.push_str(" (none)");
    }
    s
}

/// Exactly `n` errors (invariants aside).
#[track_caller]
pub fn assert_error_count(errs: &[Issue], n: usize) {
    assert_eq!(errs.len(), n, "expected {n} error(s), got:{}", show(errs));
}

/// No errors (invariants aside).
#[track_caller]
pub fn assert_valid(json: &str, profiles: &[&str]) {
    let all = issues(json, profiles);
    let errs = errors_of(&all);
    assert!(errs.is_empty(), "expected no errors, got:{}", show(&all));
}

/// The single error: asserts there is exactly one, then returns it.
#[track_caller]
pub fn single_error(json: &str, profiles: &[&str]) -> Issue {
    let all = issues(json, profiles);
    let errs = errors_of(&all);
    assert_eq!(
        errs.len(),
        1,
        "expected exactly one error, got:{}",
        show(&all)
    );
    errs.into_iter().next().unwrap_or_else(|| unreachable!())
}

/// Severity, exact expression and a message substring.
#[track_caller]
pub fn assert_issue(i: &Issue, severity: Severity, expression: &str, message_part: &str) {
    assert_eq!(
        i.severity,
        severity,
        "severity of{}",
        show(std::slice::from_ref(i))
    );
    assert_eq!(
        i.expression,
        expression,
        "expression of{}",
        show(std::slice::from_ref(i))
    );
    assert!(
        i.message.contains(message_part),
        "message should contain {message_part:?}:{}",
        show(std::slice::from_ref(i))
    );
}

/// 1-based line and (character) column of the first occurrence of `needle` in `text`: where
/// an issue about that token must point.
#[track_caller]
pub fn pos(text: &str, needle: &str) -> (u32, u32) {
    pos_nth(text, needle, 0)
}

/// Like [`pos`], for the `n`th (0-based) occurrence.
#[track_caller]
pub fn pos_nth(text: &str, needle: &str, n: usize) -> (u32, u32) {
    let (at, _) = text
        .match_indices(needle)
        .nth(n)
        .unwrap_or_else(|| panic!("{needle:?} (occurrence {n}) not in the test input"));
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text[line_start..at].chars().count() + 1;
    (line as u32, col as u32)
}

#[track_caller]
pub fn assert_at(i: &Issue, at: (u32, u32)) {
    assert_eq!(
        (i.line, i.col),
        at,
        "line:col of{}",
        show(std::slice::from_ref(i))
    );
}
