//! Validate one FHIR JSON file (a resource or a member-history Bundle) with the default profile
//! set and print the OperationOutcome exactly as `fhirval validate --format json FILE` does;
//! exit 1 when it holds errors.
//!
//! ```sh
//! cargo run --release --example validate_bundle -- ../shared/corpus/uscore_bundle_patient_355.json
//! ```

use std::process::ExitCode;

fn main() -> Result<ExitCode, Box<dyn std::error::Error>> {
    let file = std::env::args()
        .nth(1)
        .ok_or("usage: validate_bundle FILE")?;
    // the newest Da Vinci PDex in the package directory with its dependency closure; compiled
    // on the first run, then read from the cache ($FHIRVAL_CACHE, ~/.cache/fhirval)
    let validator = fhirval::Validator::builder().build()?;
    let outcome = validator.validate(&std::fs::read(&file)?);
    println!("{}", outcome.to_json_pretty()?);
    for issue in outcome.issues.iter().filter(|i| i.severity.is_error()) {
        eprintln!(
            "{}:{}: {} {}",
            issue.line, issue.col, issue.expression, issue.message
        );
    }
    Ok(if outcome.has_errors() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
