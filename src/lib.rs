//! fhirval: an offline FHIR R4 profile validator.
//!
//! Give it FHIR JSON (a resource or a Bundle); it answers with a FHIR `OperationOutcome` whose
//! issues carry severity, issue type, message, the FHIRPath `expression` as the HL7 Java
//! validator writes it and the line/column of the offending JSON. Profiles come from FHIR
//! packages (by default Da Vinci PDex with US Core and their dependencies), compiled once into a
//! compact profile set.
//!
//! # The front door
//!
//! [`Validator::builder`] sets a [`Validator`] up: the profile set (the default, `--ig`-style
//! specifications, packages' bytes or a compiled set's bytes), the [`Options`] and any profile
//! every input is validated against. [`Validator::validate`] takes bytes and never fails: bad
//! input is a fatal issue in the [`OperationOutcome`], which serialises (serde) to exactly the
//! JSON `fhirval validate --format json` prints. Setting up can fail, with an [`Error`].
//!
//! ```
//! # fn main() -> Result<(), fhirval::Error> {
//! // the default profile set: the newest PDex in the package directory, with its closure
//! // (compiled on first use, then cached)
//! let validator = fhirval::Validator::builder().build()?;
//! let outcome = validator.validate(br#"{"resourceType": "Patient", "gender": "bogus"}"#);
//! assert!(outcome.has_errors());
//! let issue = &outcome.issues[0];
//! assert_eq!(issue.expression, "Patient.gender");
//! assert_eq!((issue.line, issue.col), (1, 39));
//! // the CLI's JSON, key order included
//! let json = serde_json::to_string_pretty(&outcome)?;
//! assert!(json.starts_with("{\n  \"resourceType\": \"OperationOutcome\",\n  \"issue\": ["));
//! # Ok(())
//! # }
//! ```
//!
//! Compile once, validate many: a compiled set's bytes ([`Validator::profile_set_bytes`], or
//! `fhirval compile -o FILE`) build a validator without reading or compiling any package, and
//! one validator serves any number of inputs and threads.
//!
//! ```
//! # fn main() -> Result<(), fhirval::Error> {
//! let bytes = fhirval::Validator::builder().build()?.profile_set_bytes()?;
//! let strict = fhirval::Validator::builder()
//!     .profile_set_bytes(bytes)
//!     .options(fhirval::Options {
//!         max_issues: 100,
//!         security_checks: true,
//!         ..Default::default()
//!     })
//!     .build()?;
//! let outcomes = strict.validate_many(&[
//!     br#"{"resourceType": "Patient"}"#.as_slice(),
//!     b"not json",
//! ]);
//! assert!(!outcomes[0].has_errors());
//! assert_eq!(outcomes[1].issues[0].severity, fhirval::Severity::Fatal);
//! // NDJSON: one resource per line; issue lines are lines of the whole stream
//! let ndjson = b"{\"resourceType\": \"Patient\"}\n{}\n";
//! let (outcome, summary) = strict.validate_ndjson(&ndjson[..])?;
//! assert_eq!(summary.resources, 2);
//! assert!(outcome.issues.iter().any(|i| i.line == 2 && i.severity.is_error()));
//! # Ok(())
//! # }
//! ```
//!
//! # The pipeline (internals, for power users)
//!
//! One module per stage, each usable alone; their API follows the engine and may change:
//! packages ([`package`]) → compile ([`compile`]) → profile set ([`model`], pure data, stored
//! by [`profileset`], assembled by [`load`]) → validate ([`validate`], over [`json`], with the
//! [`fhirpath`] engine, [`terminology`] and the leaf [`checks`]) → [`outcome`] (each issue
//! named by its [`message_id`]); [`canonical`]
//! splits `url|version`, [`bulk`] streams NDJSON, [`suppress`] filters known issues and
//! [`coverage`] counts the Must Support elements the data populates. The
//! front door itself is `builder.rs` ([`ValidatorBuilder`]), `options.rs` ([`Options`]) and
//! `error.rs` ([`Error`]). The CLI (`src/main.rs`) and the WebAssembly host (`src/wasm.rs`) are
//! thin hosts on the front door.
//!
//! One home each for what several stages share: [`calendar`] (leap years, month lengths, day
//! numbers), UCUM in the FHIRPath engine ([`fhirpath::convert_units`]), version orders in
//! [`package::version`], canonical references in [`canonical`].
//!
//! Library code never panics on input: no `unwrap`/`expect`/`panic!` and no panicking
//! indexing or slicing outside tests (`.get()` instead).
#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod builder;
mod error;
mod options;

pub mod bulk;
pub mod calendar;
pub mod canonical;
pub mod checks;
pub mod compile;
pub mod coverage;
pub mod fhirpath;
pub mod json;
pub mod load;
pub mod message_id;
// exempt from `indexing_slicing` until converted: `ProfileSet::structure` indexes by StructId
#[allow(clippy::indexing_slicing)]
pub mod model;
pub mod outcome;
pub mod package;
pub mod profileset;
pub mod suppress;
// exempt from `indexing_slicing` until converted (67 sites when the lint came)
#[allow(clippy::indexing_slicing)]
pub mod terminology;
pub mod validate;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use builder::ValidatorBuilder;
pub use checks::primitive::HtmlInMarkdown;
pub use error::Error;
pub use options::{MAX_DEPTH, Mode, Options, Spelling};
pub use outcome::{Issue, OperationOutcome, Severity};
pub use validate::Validator;
