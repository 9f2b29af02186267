//! Shared by the fuzz targets: the profile sets (compiled once, cached in the main
//! checkout's target/test-cache like the integration tests) and the checks every validation
//! result must pass — it renders, a JSON syntax error is a fatal issue, validating the same
//! bytes twice gives the same issues in the same order, and a leading BOM changes nothing.
#![allow(dead_code)]

use fhirval::load::{self, LoadConfig};
use fhirval::{OperationOutcome, Options, Severity, Validator};
use std::path::PathBuf;
use std::sync::OnceLock;

/// The main checkout (the same path spelling as the integration tests, so that they share
/// the cached compiled sets).
fn repo() -> PathBuf {
    let fuzz = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    fuzz.parent().map(PathBuf::from).unwrap_or(fuzz)
}

fn config() -> LoadConfig {
    let root = repo();
    LoadConfig {
        package_dir: Some(root.join("../shared/fhir-packages")),
        cache_dir: Some(root.join("target/test-cache")),
    }
}

/// The default set (newest PDex and its closure), as the CLI and the npm package use it.
pub fn default_validator() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(|| {
        let set = load::load(&[], &config()).expect("default profile set");
        Validator::new(set, Options::default())
    })
}

/// R4 core only (for compiling fuzzed StructureDefinitions on top).
pub fn core_set() -> &'static fhirval::model::ProfileSet {
    static S: OnceLock<fhirval::model::ProfileSet> = OnceLock::new();
    S.get_or_init(|| {
        load::load(&["hl7.fhir.r4.core#4.0.1".to_string()], &config()).expect("R4 core set")
    })
}

/// Validate `data` and check what must hold for any input.
pub fn check_validate(v: &Validator, data: &[u8]) -> OperationOutcome {
    let o = v.validate(data);
    // It renders, as JSON and as text.
    let oo = o.to_operation_outcome();
    let _ = serde_json::to_string(&oo).expect("OperationOutcome serialises");
    let _ = o.to_text("fuzz");
    // Not JSON (by our parser) means a fatal issue, never "valid".
    let arena = fhirval::json::Arena::new();
    if fhirval::json::parse_bytes(data, &arena, &v.options().limits()).is_err() {
        assert!(
            o.issues.iter().any(|i| i.severity == Severity::Fatal),
            "a JSON syntax error gave no fatal issue: {:?}",
            o.issues
        );
    }
    // Positions are inside the input.
    let lines = data.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
    for i in &o.issues {
        assert!(
            i.line <= lines,
            "issue line {} beyond {lines} lines: {i:?}",
            i.line
        );
    }
    // Deterministic: the same bytes give the same issues in the same order.
    let again = v.validate(data);
    assert_eq!(o, again, "two validations of the same input differ");
    // A BOM changes nothing, line and column included (it is zero-width).
    if !data.starts_with(b"\xEF\xBB\xBF") {
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(data);
        assert_eq!(
            o,
            v.validate(&with_bom),
            "a leading BOM changed the outcome"
        );
    }
    o
}
