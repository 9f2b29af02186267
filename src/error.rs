//! [`Error`]: the one error type of the front door. Bad *input to validate* is never an error:
//! it is a fatal issue in the [`OperationOutcome`](crate::OperationOutcome). Errors are about
//! setting a validator up (packages, profile sets, options) and about I/O around it.

use std::path::PathBuf;

/// Why a validator could not be set up, or a stream or file not read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Loading or compiling the profile set from `--ig`-style specifications failed (a package
    /// not found, a file not readable, ...).
    #[error(transparent)]
    Load(#[from] crate::load::LoadError),
    /// Bytes that are not a usable compiled profile set (`fhirval compile` output).
    #[error(transparent)]
    ProfileSet(#[from] crate::profileset::FormatError),
    /// A FHIR package (`.tgz`) that cannot be read.
    #[error("package {index}: {source}")]
    Package {
        /// Its place in the list given.
        index: usize,
        /// What is wrong with it.
        #[source]
        source: crate::package::PackageError,
    },
    /// The base profile set given with packages is not a usable profile set.
    #[error("base: {0}")]
    Base(#[source] crate::profileset::FormatError),
    /// Packages compiled without FHIR R4 core and without a base set that has it.
    #[error(
        "no FHIR R4 core: add hl7.fhir.r4.core-4.0.1.tgz to the packages, or compile them over a base profile set (in browsers, await Validator.init() first to have the default one)"
    )]
    NoCore,
    /// A profile asked for (`--profile`, [`ValidatorBuilder::profile`](crate::ValidatorBuilder::profile))
    /// that the profile set does not hold.
    #[error("no such profile in the loaded set: {0}")]
    UnknownProfile(String),
    /// Options that cannot be used (e.g. `maxIssues` 0).
    #[error("invalid options: {0}")]
    Options(String),
    /// A suppression file line that is not `ID-OR-PATTERN<TAB>EXPRESSION-PATTERN`.
    #[error("line {line}: expected `ID-OR-PATTERN<TAB>EXPRESSION-PATTERN`")]
    Suppressions {
        /// 1-based line of the suppression file.
        line: usize,
    },
    /// Reading or writing a file or stream.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file (`stdin` for standard input).
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// An error about a file's content (a suppression file's line, ...).
    #[error("{}: {source}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// What is wrong in it.
        #[source]
        source: Box<Error>,
    },
    /// Writing JSON.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
