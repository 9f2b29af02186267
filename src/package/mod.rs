//! FHIR NPM-style package loading: tarballs (`*.tgz`), unpacked package
//! directories (the `~/.fhir/packages/NAME#VERSION/package/...` cache layout)
//! and dependency resolution over a directory of packages.
//!
//! * [`read_tgz`] reads a package tarball held in memory. It never touches the
//!   file system, so it works on `wasm32-unknown-unknown`. Input is untrusted:
//!   malformed gzip/tar data yields [`PackageError::Format`], size limits
//!   ([`TarLimits`]) yield [`PackageError::Limit`], entries with `..` or
//!   absolute paths are ignored with a warning. Nothing is ever written to disk.
//! * [`read_dir_package`] reads an unpacked package directory.
//! * [`PackageDir`] lists a directory holding `*.tgz` files and/or cache-style
//!   `NAME#VERSION` directories and resolves a package plus its dependency
//!   closure ([`PackageDir::resolve`]), substituting the nearest available
//!   version when an exact one is missing and skipping missing dependencies
//!   with a note (see [`PackageDir::resolve`] for the exact rules).
//! * [`default_package_dir`] finds the package directory to use.
//!
//! What is read from a package:
//! * `package/package.json` (required): name, version, dependencies.
//! * Top-level `package/*.json` whose `resourceType` is one of
//!   [`CONFORMANCE_TYPES`] go to [`Package::resources`]. `package/.index.json`
//!   (and, in tarballs, a cheap sniff of a leading `"resourceType"` key) is
//!   used to avoid parsing the other files; without an index every top-level
//!   JSON file is considered.
//! * With [`Load::WithExamples`], every JSON resource below
//!   `package/example/` or `package/examples/` (any depth, any resourceType)
//!   goes to [`Package::examples`]. A top-level `example/` / `examples/`
//!   folder beside `package/` (seen in hl7.fhir.us.carin-bb 1.2.0) is read too.
//! * Everything else (`package/other/`, `package/xml/`, `package/openapi/`,
//!   non-JSON files) is ignored.
//!
//! Layout: [`version`] orders versions (all the orders in use) and picks the nearest one; `collect` parses
//! `package.json` / `.index.json` and gathers a package's files whatever their source;
//! `tarball` and `folder` read the two package forms; `resolve` lists a directory of packages
//! and walks the dependency closure.

use std::fmt;

use serde_json::Value;

mod collect;
mod folder;
mod resolve;
mod tarball;
pub mod version;

pub use folder::read_dir_package;
pub use resolve::{PackageDir, Resolution, Substitution, default_package_dir};
pub use tarball::read_tgz;

// ---------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------

/// A package identity: `name#version`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PackageId {
    /// Package name (`hl7.fhir.us.core`).
    pub name: String,
    /// Version (`6.1.0`).
    pub version: String,
}

impl PackageId {
    /// `name#version`.
    pub fn new(name: impl Into<String>, version: impl Into<String>) -> PackageId {
        PackageId {
            name: name.into(),
            version: version.into(),
        }
    }

    /// Parses `name#version`; returns `None` when there is no `#` or a side is empty.
    pub fn parse(s: &str) -> Option<PackageId> {
        let (name, version) = s.trim().split_once('#')?;
        let (name, version) = (name.trim(), version.trim());
        if name.is_empty() || version.is_empty() {
            return None;
        }
        Some(PackageId::new(name, version))
    }
}

impl fmt::Display for PackageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.name, self.version)
    }
}

/// A loaded package.
#[derive(Debug)]
pub struct Package {
    /// Identity from the package's own `package.json`.
    pub id: PackageId,
    /// Declared dependencies (from `package.json`), sorted by name then version.
    pub dependencies: Vec<PackageId>,
    /// The package's canonical base (`package.json` `canonical`, e.g.
    /// `http://hl7.org/fhir/us/core`), when it states one.
    pub canonical: Option<String>,
    /// Conformance resources (resourceType in [`CONFORMANCE_TYPES`]), ordered by file name.
    pub resources: Vec<Value>,
    /// Examples `(file name, resource)` (only with [`Load::WithExamples`]), ordered by file name.
    pub examples: Vec<(String, Value)>,
    /// FNV-1a 64 of the tarball bytes, or of the directory listing (relative paths + sizes).
    pub digest: u64,
    /// Files skipped because they were unreadable, unparseable or unsafe (e.g. `../x.json`).
    pub warnings: Vec<String>,
}

/// What to read from a package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Load {
    /// Conformance resources only.
    Conformance,
    /// Conformance resources plus `package/example(s)/`.
    WithExamples,
}

/// The resource types collected into [`Package::resources`].
pub const CONFORMANCE_TYPES: &[&str] = &[
    "StructureDefinition",
    "ImplementationGuide",
    "ValueSet",
    "CodeSystem",
    "CapabilityStatement",
    "SearchParameter",
    "ConceptMap",
    "NamingSystem",
    // the definitions QuestionnaireResponses and MeasureReports are checked against
    "Questionnaire",
    "Measure",
];

/// Errors from reading or resolving packages.
#[derive(Debug)]
pub enum PackageError {
    /// File-system error.
    Io {
        /// The file or directory.
        path: String,
        /// The I/O error's text.
        message: String,
    },
    /// Malformed input (bad gzip/tar, missing or bad `package.json`, ...).
    Format {
        /// The package or file.
        source: String,
        /// What is wrong.
        message: String,
    },
    /// A package (or package directory) that does not exist.
    NotFound(String),
    /// A [`TarLimits`] limit was exceeded.
    Limit(String),
}

impl fmt::Display for PackageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PackageError::Io { path, message } => write!(f, "{path}: {message}"),
            PackageError::Format { source, message } => write!(f, "{source}: {message}"),
            PackageError::NotFound(what) => write!(f, "package not found: {what}"),
            PackageError::Limit(what) => write!(f, "limit exceeded: {what}"),
        }
    }
}

impl std::error::Error for PackageError {}

/// Limits applied while reading a tarball (protection against gzip/tar bombs).
#[derive(Debug, Clone)]
pub struct TarLimits {
    /// Maximum number of tar entries (all kinds, including directories).
    pub max_entries: usize,
    /// Maximum decompressed bytes read from the gzip stream.
    pub max_total_bytes: u64,
    /// Maximum size of one entry that is read into memory (entries that are
    /// skipped are only bounded by `max_total_bytes`).
    pub max_entry_bytes: u64,
}

impl Default for TarLimits {
    fn default() -> Self {
        TarLimits {
            max_entries: 100_000,
            max_total_bytes: 1 << 30,
            max_entry_bytes: 256 << 20,
        }
    }
}

// ---------------------------------------------------------------------------
// Hashing
// ---------------------------------------------------------------------------

pub(super) const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
pub(super) const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

pub(super) fn fnv1a(mut hash: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(FNV_PRIME);
    }
    hash
}

#[cfg(test)]
mod tests;
