//! fhirval: an offline FHIR R4 profile validator.
//!
//! The pipeline, one module per stage:
//! packages ([`package`]) → compile ([`compile`]) → profile set ([`model`], stored by
//! [`profileset`], assembled by [`load`]) → validate ([`validate`], over [`json`]) →
//! OperationOutcome ([`outcome`]); [`bulk`] streams NDJSON, [`suppress`] filters known issues and
//! [`coverage`] counts the Must Support elements the data populates.
//! The CLI (`src/main.rs`) is a thin host on top.
//!
//! Library code never panics on input: no `unwrap`/`expect`/`panic!` and no panicking
//! indexing or slicing outside tests (`.get()` instead).
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod bulk;
pub mod compile;
pub mod coverage;
pub mod fhirpath;
pub mod json;
pub mod load;
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

pub use outcome::{Issue, Outcome, Severity};
pub use validate::{Options, Validator};
