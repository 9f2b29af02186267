//! The integration tests: one test binary, so that the profile sets the modules share are
//! compiled once per `cargo test` run (R4 core with the fixture profiles, and the default
//! profile set: [`common`]) and the library is linked into one test executable, not one per
//! file.
//!
//! Each module is one suite; run one with a filter on its path, e.g.
//! `cargo test --release --test integration conformance:: -- --nocapture`. The suites that
//! write reports (target/conformance-report.txt, target/examples-report.txt,
//! target/fhirpath-suite-failures.txt, target/fhirpath-differential/) and read environment
//! variables (`FHIRVAL_UPDATE_CONFORMANCE`, `FHIRVAL_UPDATE_EXAMPLES`, ...) document them in
//! their module.

mod common;

mod bindings;
mod bundles;
mod cli;
mod conformance;
mod corpus;
mod coverage;
mod definitions;
mod examples;
mod fhirpath_differential;
mod fhirpath_suite;
mod hostile;
mod invariants;
mod message_ids;
mod rules;
mod versions;
