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

use std::cell::Cell;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use serde_json::Value;

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

/// The result of [`PackageDir::resolve`].
#[derive(Debug)]
pub struct Resolution {
    /// Dependencies before dependents (`hl7.fhir.r4.core` first); each real
    /// package (name + version) at most once. The root package is last.
    pub packages: Vec<Package>,
    /// Human-readable substitution / missing-package messages, in discovery
    /// order, de-duplicated. Per-file problems stay in [`Package::warnings`].
    pub notes: Vec<String>,
    /// Dependencies answered by another version than the one asked for, in discovery order.
    pub substitutions: Vec<Substitution>,
    /// Each loaded package's direct dependencies as loaded (real ids; skipped ones absent).
    pub dependencies: BTreeMap<PackageId, Vec<PackageId>>,
}

/// A dependency answered by another version than the one asked for: `hl7.fhir.us.carin-bb#2.1.0`
/// asked, `hl7.fhir.us.carin-bb#2.0.0` loaded. A change of spelling alone (`X.r4#1.0.0` →
/// `X#1.0.0`, `hl7.fhir.us.core.v610#6.1.0` → `hl7.fhir.us.core#6.1.0`) is no substitution; nor is a
/// partial version answered by one of its releases (`3.1` → `3.1.1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Substitution {
    /// What a package's `package.json` asked for.
    pub asked: PackageId,
    /// What stands in for it.
    pub used: PackageId,
}

impl Substitution {
    /// `Some` when `used` answers `asked` with a different (numeric) version.
    fn of(asked: &PackageId, used: &PackageId) -> Option<Substitution> {
        let (a, u) = (asked.version.as_str(), used.version.as_str());
        let same = a == u || u.strip_prefix(a).is_some_and(|rest| rest.starts_with('.'));
        (!same && numeric_version(a).is_some()).then(|| Substitution {
            asked: asked.clone(),
            used: used.clone(),
        })
    }
}

// ---------------------------------------------------------------------------
// Hashing
// ---------------------------------------------------------------------------

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv1a(mut hash: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(FNV_PRIME);
    }
    hash
}

// ---------------------------------------------------------------------------
// Versions
// ---------------------------------------------------------------------------

/// Leading numeric `(major, minor, patch)` of a version: `5.1.0-cibuild` →
/// `(5,1,0)`, `1.2` → `(1,2,0)`; `None` when it does not start with a digit.
fn numeric_version(v: &str) -> Option<(u64, u64, u64)> {
    let mut out = [0u64; 3];
    let mut rest = v.trim();
    for (i, slot) in out.iter_mut().enumerate() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            if i == 0 {
                return None;
            }
            break;
        }
        let (num, tail) = rest.split_at(digits);
        *slot = num.parse::<u64>().unwrap_or(u64::MAX);
        match tail.strip_prefix('.') {
            Some(t) => rest = t,
            None => break,
        }
    }
    let [a, b, c] = out;
    Some((a, b, c))
}

/// A release (`1.2.3`) sorts above a pre-release/build of the same numbers (`1.2.3-ballot`).
fn is_plain_release(v: &str) -> bool {
    v.trim().bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

/// Total order on versions: numeric versions above non-numeric ones; then by
/// numbers, release above suffixed, then by string.
fn version_cmp(a: &str, b: &str) -> Ordering {
    match (numeric_version(a), numeric_version(b)) {
        (Some(x), Some(y)) => x
            .cmp(&y)
            .then_with(|| is_plain_release(a).cmp(&is_plain_release(b)))
            .then_with(|| a.cmp(b)),
        (Some(_), None) => Ordering::Greater,
        (None, Some(_)) => Ordering::Less,
        (None, None) => a.cmp(b),
    }
}

fn newest_of<'a>(versions: &[&'a str]) -> Option<&'a str> {
    versions.iter().copied().max_by(|a, b| version_cmp(a, b))
}

/// Position of a version on a number line (components clamped to 40 bits).
fn version_key((a, b, c): (u64, u64, u64)) -> i128 {
    const MAX: u64 = (1 << 40) - 1;
    let (a, b, c) = (
        i128::from(a.min(MAX)),
        i128::from(b.min(MAX)),
        i128::from(c.min(MAX)),
    );
    (a << 80) + (b << 40) + c
}

/// Picks the available version nearest to `asked`, in tiers:
/// 1. same major.minor: smallest patch difference;
/// 2. same major: smallest minor difference, then patch difference;
/// 3. any: smallest major difference, then distance on the number line
///    (so below the asked major the highest release of that major wins).
///
/// Ties go to the higher version. A non-numeric `asked` (e.g. `current`)
/// picks the newest; non-numeric available versions are only used when no
/// numeric one exists.
fn nearest_version<'a>(asked: &str, available: &[&'a str]) -> Option<&'a str> {
    type Tier = fn((u64, u64, u64), (u64, u64, u64)) -> Option<(u128, u128)>;
    let Some(t) = numeric_version(asked) else {
        return newest_of(available);
    };
    let numeric: Vec<(&'a str, (u64, u64, u64))> = available
        .iter()
        .filter_map(|v| numeric_version(v).map(|n| (*v, n)))
        .collect();
    if numeric.is_empty() {
        return newest_of(available);
    }
    let tiers: [Tier; 3] = [
        |t, n| (n.0 == t.0 && n.1 == t.1).then(|| (u128::from(n.2.abs_diff(t.2)), 0)),
        |t, n| (n.0 == t.0).then(|| (u128::from(n.1.abs_diff(t.1)), u128::from(n.2.abs_diff(t.2)))),
        |t, n| {
            Some((
                u128::from(n.0.abs_diff(t.0)),
                version_key(n).abs_diff(version_key(t)),
            ))
        },
    ];
    for tier in tiers {
        let best = numeric
            .iter()
            .filter_map(|(v, n)| tier(t, *n).map(|k| (k, *v)))
            .min_by(|(ka, va), (kb, vb)| ka.cmp(kb).then_with(|| version_cmp(vb, va)));
        if let Some((_, v)) = best {
            return Some(v);
        }
    }
    None
}

// ---------------------------------------------------------------------------
// Shared parsing helpers
// ---------------------------------------------------------------------------

struct Manifest {
    id: PackageId,
    dependencies: Vec<PackageId>,
    canonical: Option<String>,
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

fn parse_json(bytes: &[u8]) -> Result<Value, String> {
    serde_json::from_slice(strip_bom(bytes)).map_err(|e| format!("invalid JSON: {e}"))
}

fn parse_manifest(
    bytes: &[u8],
    source: &str,
    warnings: &mut Vec<String>,
) -> Result<Manifest, PackageError> {
    let fmt_err = |message: String| PackageError::Format {
        source: source.to_string(),
        message,
    };
    let v = parse_json(bytes).map_err(|e| fmt_err(format!("package.json: {e}")))?;
    let field = |k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let name = field("name").ok_or_else(|| fmt_err("package.json has no \"name\"".into()))?;
    let version =
        field("version").ok_or_else(|| fmt_err("package.json has no \"version\"".into()))?;
    let mut dependencies = Vec::new();
    match v.get("dependencies") {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => {
            for (dep, ver) in map {
                match ver.as_str().map(str::trim) {
                    Some(ver) if !ver.is_empty() && !dep.trim().is_empty() => {
                        dependencies.push(PackageId::new(dep.trim(), ver));
                    }
                    _ => warnings.push(format!(
                        "package.json: ignoring dependency {dep:?} with version {ver}"
                    )),
                }
            }
        }
        Some(_) => warnings.push("package.json: \"dependencies\" is not an object; ignored".into()),
    }
    dependencies.sort();
    dependencies.dedup();
    Ok(Manifest {
        id: PackageId::new(name, version),
        dependencies,
        canonical: field("canonical").map(|c| c.trim_end_matches('/').to_string()),
    })
}

/// `.index.json` → file name → resourceType (if given).
fn parse_index(bytes: &[u8]) -> Result<HashMap<String, Option<String>>, String> {
    let v = parse_json(bytes)?;
    let files = v
        .get("files")
        .and_then(Value::as_array)
        .ok_or("no \"files\" array")?;
    Ok(files
        .iter()
        .filter_map(|f| {
            let name = f.get("filename")?.as_str()?.to_string();
            Some((
                name,
                f.get("resourceType")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            ))
        })
        .collect())
}

fn is_conformance(rt: &str) -> bool {
    CONFORMANCE_TYPES.contains(&rt)
}

fn skip_ws(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    b.get(n..).unwrap_or_default()
}

/// Cheap look at a JSON document: if its first key is `"resourceType"` with
/// a plain string value, return that value without parsing the rest.
fn sniff_resource_type(bytes: &[u8]) -> Option<&str> {
    let b = skip_ws(strip_bom(bytes));
    let b = skip_ws(b.strip_prefix(b"{")?);
    let b = skip_ws(b.strip_prefix(b"\"resourceType\"")?);
    let b = skip_ws(b.strip_prefix(b":")?);
    let b = b.strip_prefix(b"\"")?;
    let end = b.iter().position(|c| *c == b'"' || *c == b'\\')?;
    if b.get(end) != Some(&b'"') {
        return None;
    }
    std::str::from_utf8(b.get(..end)?).ok()
}

fn resource_type(v: &Value) -> Option<&str> {
    v.get("resourceType").and_then(Value::as_str)
}

fn is_json_name(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".json")
}

fn is_example_dir(name: &str) -> bool {
    name == "example" || name == "examples"
}

/// Accumulates package content from files in any order (tarball streams may
/// put `package.json` and `.index.json` anywhere).
struct Collector {
    source: String,
    manifest: Option<Manifest>,
    index: Option<HashMap<String, Option<String>>>,
    resources: Vec<(String, Value)>,
    examples: Vec<(String, Value)>,
    warnings: Vec<String>,
}

/// What to do with a top-level package file before reading its bytes.
#[derive(Clone, Copy)]
enum Decision {
    Skip,
    Parse,
    /// Sniff / parse and filter by resourceType.
    Check,
}

impl Collector {
    fn new(source: &str) -> Collector {
        Collector {
            source: source.to_string(),
            manifest: None,
            index: None,
            resources: Vec::new(),
            examples: Vec::new(),
            warnings: Vec::new(),
        }
    }

    fn decide(&self, file: &str) -> Decision {
        match self.index.as_ref().and_then(|idx| idx.get(file)) {
            Some(Some(rt)) if is_conformance(rt) => Decision::Parse,
            Some(Some(_)) => Decision::Skip,
            _ => Decision::Check,
        }
    }

    fn set_manifest(&mut self, path: &str, bytes: &[u8]) -> Result<(), PackageError> {
        let source = format!("{}: {path}", self.source);
        let m = parse_manifest(bytes, &source, &mut self.warnings)?;
        self.manifest = Some(m);
        Ok(())
    }

    fn set_index(&mut self, path: &str, bytes: &[u8]) {
        match parse_index(bytes) {
            Ok(idx) => self.index = Some(idx),
            Err(e) => self.warnings.push(format!("{path}: ignoring index: {e}")),
        }
    }

    /// A top-level `package/<file>.json` (not package.json / .index.json).
    fn add_resource(&mut self, path: &str, file: &str, bytes: &[u8], decision: Decision) {
        if let Decision::Check = decision
            && let Some(rt) = sniff_resource_type(bytes)
            && !is_conformance(rt)
        {
            return;
        }
        match parse_json(bytes) {
            Ok(v) => {
                if resource_type(&v).is_some_and(is_conformance) {
                    self.resources.push((file.to_string(), v));
                }
            }
            Err(e) => self.warnings.push(format!("{path}: {e}")),
        }
    }

    fn add_example(&mut self, path: &str, file: &str, bytes: &[u8]) {
        match parse_json(bytes) {
            Ok(v) if resource_type(&v).is_some() => self.examples.push((file.to_string(), v)),
            Ok(_) => self.warnings.push(format!(
                "{path}: not a FHIR resource (no resourceType); skipped"
            )),
            Err(e) => self.warnings.push(format!("{path}: {e}")),
        }
    }

    fn finish(mut self, digest: u64) -> Result<Package, PackageError> {
        let Some(manifest) = self.manifest else {
            return Err(PackageError::Format {
                source: self.source,
                message: "no package/package.json".into(),
            });
        };
        self.resources.sort_by(|a, b| a.0.cmp(&b.0));
        self.examples.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(Package {
            id: manifest.id,
            dependencies: manifest.dependencies,
            canonical: manifest.canonical,
            resources: self.resources.into_iter().map(|(_, v)| v).collect(),
            examples: self.examples,
            digest,
            warnings: self.warnings,
        })
    }
}

// ---------------------------------------------------------------------------
// Tarballs
// ---------------------------------------------------------------------------

/// Counts decompressed bytes and fails once the limit is passed.
struct CountingReader<'a, R> {
    inner: R,
    count: &'a Cell<u64>,
    limit: u64,
    exceeded: &'a Cell<bool>,
}

impl<R: Read> Read for CountingReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let total = self.count.get().saturating_add(n as u64);
        self.count.set(total);
        if total > self.limit {
            self.exceeded.set(true);
            return Err(io::Error::other("decompressed size limit exceeded"));
        }
        Ok(n)
    }
}

/// Where a tar entry lives in the package layout.
enum EntryKind {
    Manifest,
    Index,
    /// Top-level `package/<file>.json`.
    Resource(String),
    /// JSON under an example folder; the value is the file's base name.
    Example(String),
    Other,
}

/// Splits a tar path into components; `None` if it is absolute or has `..`.
fn safe_components(path: &str) -> Option<Vec<&str>> {
    if path.starts_with('/') || path.starts_with('\\') {
        return None;
    }
    let mut out = Vec::new();
    for c in path.split(['/', '\\']) {
        match c {
            "" | "." => {}
            ".." => return None,
            c if c.contains(':') && out.is_empty() => return None, // `C:` style prefixes
            c => out.push(c),
        }
    }
    Some(out)
}

fn classify(parts: &[&str]) -> EntryKind {
    match parts {
        ["package", "package.json"] => EntryKind::Manifest,
        ["package", ".index.json"] => EntryKind::Index,
        ["package", file] if is_json_name(file) => EntryKind::Resource((*file).to_string()),
        ["package", dir, .., file] | [dir, .., file]
            if is_example_dir(dir) && is_json_name(file) && *file != ".index.json" =>
        {
            EntryKind::Example((*file).to_string())
        }
        _ => EntryKind::Other,
    }
}

fn read_entry(
    reader: &mut dyn Read,
    size: u64,
    path: &str,
    limits: &TarLimits,
) -> Result<Vec<u8>, io::Error> {
    if size > limits.max_entry_bytes {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            EntryTooBig(format!(
                "{path} is {size} bytes (max_entry_bytes {})",
                limits.max_entry_bytes
            )),
        ));
    }
    let cap = usize::try_from(size.min(8 << 20)).unwrap_or(0);
    let mut buf = Vec::with_capacity(cap);
    reader
        .take(limits.max_entry_bytes.saturating_add(1))
        .read_to_end(&mut buf)?;
    Ok(buf)
}

#[derive(Debug)]
struct EntryTooBig(String);
impl fmt::Display for EntryTooBig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for EntryTooBig {}

fn entry_error(source: &str, path: &str, e: &io::Error) -> PackageError {
    if let Some(big) = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<EntryTooBig>())
    {
        return PackageError::Limit(format!("{source}: {big}"));
    }
    PackageError::Format {
        source: source.to_string(),
        message: format!("{path}: {e}"),
    }
}

/// Whether to keep reading the archive after a file.
enum Flow {
    Continue,
    Stop,
}

/// Callback of [`walk_tar`]: (path components, path, size, content reader).
type Visit<'a> = dyn FnMut(&[&str], &str, u64, &mut dyn Read) -> Result<Flow, PackageError> + 'a;

/// Streams the regular files of a (gzipped) tarball. `visit` gets the safe
/// path components, the entry size and a reader for the content.
fn walk_tar(
    bytes: &[u8],
    limits: &TarLimits,
    source: &str,
    warnings: &mut Vec<String>,
    visit: &mut Visit<'_>,
) -> Result<(), PackageError> {
    let fmt_err = |message: String| PackageError::Format {
        source: source.to_string(),
        message,
    };
    let count = Cell::new(0u64);
    let exceeded = Cell::new(false);
    let map_io = |e: io::Error, what: &str| -> PackageError {
        if exceeded.get() {
            return PackageError::Limit(format!(
                "{source}: more than {} decompressed bytes (max_total_bytes)",
                limits.max_total_bytes
            ));
        }
        if let Some(big) = e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<EntryTooBig>())
        {
            return PackageError::Limit(format!("{source}: {big}"));
        }
        fmt_err(format!("{what}: {e}"))
    };

    let inner: Box<dyn Read + '_> = if bytes.starts_with(&[0x1f, 0x8b]) {
        Box::new(flate2::read::GzDecoder::new(bytes))
    } else if bytes.get(257..262) == Some(b"ustar".as_slice()) {
        Box::new(bytes)
    } else {
        return Err(fmt_err("not a gzip-compressed tar archive".into()));
    };
    let counting = CountingReader {
        inner,
        count: &count,
        limit: limits.max_total_bytes,
        exceeded: &exceeded,
    };
    let mut archive = tar::Archive::new(counting);
    let mut n_entries = 0usize;
    let mut stopped = false;
    {
        let entries = archive.entries().map_err(|e| map_io(e, "reading tar"))?;
        for entry in entries {
            let mut entry = entry.map_err(|e| map_io(e, "reading tar"))?;
            n_entries += 1;
            if n_entries > limits.max_entries {
                return Err(PackageError::Limit(format!(
                    "{source}: more than {} tar entries (max_entries)",
                    limits.max_entries
                )));
            }
            let et = entry.header().entry_type();
            if !(et.is_file() || et.is_contiguous()) {
                continue;
            }
            let raw = entry.path_bytes().into_owned();
            let Ok(path) = String::from_utf8(raw) else {
                warnings.push(format!(
                    "{source}: ignoring tar entry with a non-UTF-8 path"
                ));
                continue;
            };
            let Some(parts) = safe_components(&path) else {
                warnings.push(format!("{source}: ignoring unsafe tar entry path {path:?}"));
                continue;
            };
            let size = entry.size();
            match visit(&parts, &path, size, &mut entry) {
                Ok(Flow::Continue) => {}
                Ok(Flow::Stop) => {
                    stopped = true;
                    break;
                }
                // The gzip counter tripped while the entry was being read.
                Err(_) if exceeded.get() => {
                    return Err(map_io(io::Error::other("limit"), "reading tar"));
                }
                Err(e) => return Err(e),
            }
        }
    }
    if !stopped {
        // Drain the rest so truncation / CRC errors in the gzip stream surface.
        io::copy(&mut archive.into_inner(), &mut io::sink())
            .map_err(|e| map_io(e, "reading gzip trailer"))?;
    }
    Ok(())
}

/// Reads a package tarball held in memory (gzip-compressed tar, or plain tar).
/// Does not use the file system.
pub fn read_tgz(bytes: &[u8], load: Load, limits: &TarLimits) -> Result<Package, PackageError> {
    read_tgz_named(bytes, load, limits, "tarball")
}

fn read_tgz_named(
    bytes: &[u8],
    load: Load,
    limits: &TarLimits,
    source: &str,
) -> Result<Package, PackageError> {
    let digest = fnv1a(FNV_OFFSET, bytes);
    let mut col = Collector::new(source);
    let mut warnings = Vec::new();
    let read_err = |path: &str, e: io::Error| entry_error(source, path, &e);
    let mut visit =
        |parts: &[&str], path: &str, size: u64, r: &mut dyn Read| -> Result<Flow, PackageError> {
            match classify(parts) {
                EntryKind::Manifest => {
                    let b = read_entry(r, size, path, limits).map_err(|e| read_err(path, e))?;
                    col.set_manifest(path, &b)?;
                }
                EntryKind::Index => {
                    let b = read_entry(r, size, path, limits).map_err(|e| read_err(path, e))?;
                    col.set_index(path, &b);
                }
                EntryKind::Resource(file) => {
                    let decision = col.decide(&file);
                    if !matches!(decision, Decision::Skip) {
                        let b = read_entry(r, size, path, limits).map_err(|e| read_err(path, e))?;
                        col.add_resource(path, &file, &b, decision);
                    }
                }
                EntryKind::Example(file) if load == Load::WithExamples => {
                    let b = read_entry(r, size, path, limits).map_err(|e| read_err(path, e))?;
                    col.add_example(path, &file, &b);
                }
                EntryKind::Example(_) | EntryKind::Other => {}
            }
            Ok(Flow::Continue)
        };
    walk_tar(bytes, limits, source, &mut warnings, &mut visit)?;
    col.warnings.splice(0..0, warnings);
    col.finish(digest)
}

/// Reads only `package/package.json` from a tarball (stops as soon as it is found).
fn read_tgz_manifest(
    bytes: &[u8],
    limits: &TarLimits,
    source: &str,
) -> Result<Manifest, PackageError> {
    let mut found: Option<Manifest> = None;
    let mut warnings = Vec::new();
    let mut visit =
        |parts: &[&str], path: &str, size: u64, r: &mut dyn Read| -> Result<Flow, PackageError> {
            if let EntryKind::Manifest = classify(parts) {
                let b =
                    read_entry(r, size, path, limits).map_err(|e| entry_error(source, path, &e))?;
                let mut w = Vec::new();
                found = Some(parse_manifest(&b, &format!("{source}: {path}"), &mut w)?);
                return Ok(Flow::Stop);
            }
            Ok(Flow::Continue)
        };
    walk_tar(bytes, limits, source, &mut warnings, &mut visit)?;
    found.ok_or_else(|| PackageError::Format {
        source: source.to_string(),
        message: "no package/package.json".into(),
    })
}

// ---------------------------------------------------------------------------
// Unpacked directories
// ---------------------------------------------------------------------------

fn io_err(path: &Path, e: &io::Error) -> PackageError {
    PackageError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// The folder holding `package.json`: `dir/package` or `dir` itself.
fn package_root(dir: &Path) -> Option<PathBuf> {
    let nested = dir.join("package");
    if nested.join("package.json").is_file() {
        return Some(nested);
    }
    if dir.join("package.json").is_file() {
        return Some(dir.to_path_buf());
    }
    None
}

/// Sorted `(file name, path, is_dir, size)` of a directory's entries (symlinks followed).
fn list_dir(dir: &Path) -> Result<Vec<(String, PathBuf, bool, u64)>, PackageError> {
    let rd = std::fs::read_dir(dir).map_err(|e| io_err(dir, &e))?;
    let mut out = Vec::new();
    for entry in rd {
        let entry = entry.map_err(|e| io_err(dir, &e))?;
        let path = entry.path();
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        out.push((name, path, meta.is_dir(), meta.len()));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

const MAX_DIR_DEPTH: usize = 16;

/// Hashes relative paths and sizes of all regular files below `dir`.
fn hash_listing(dir: &Path, prefix: &str, depth: usize, hash: &mut u64) {
    let Ok(entries) = list_dir(dir) else { return };
    for (name, path, is_dir, size) in entries {
        let rel = format!("{prefix}{name}");
        if is_dir {
            if depth < MAX_DIR_DEPTH {
                hash_listing(&path, &format!("{rel}/"), depth + 1, hash);
            }
        } else {
            *hash = fnv1a(*hash, rel.as_bytes());
            *hash = fnv1a(*hash, &[0]);
            *hash = fnv1a(*hash, &size.to_le_bytes());
        }
    }
}

fn read_file_limited(path: &Path, size: u64, max: u64) -> Result<Vec<u8>, String> {
    if size > max {
        return Err(format!(
            "{size} bytes is over the {max}-byte limit; skipped"
        ));
    }
    std::fs::read(path).map_err(|e| e.to_string())
}

fn collect_dir_examples(col: &mut Collector, dir: &Path, rel: &str, depth: usize, max: u64) {
    let entries = match list_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            col.warnings.push(e.to_string());
            return;
        }
    };
    for (name, path, is_dir, size) in entries {
        let rel_path = format!("{rel}/{name}");
        if is_dir {
            if depth < MAX_DIR_DEPTH {
                collect_dir_examples(col, &path, &rel_path, depth + 1, max);
            }
        } else if is_json_name(&name) && name != ".index.json" {
            match read_file_limited(&path, size, max) {
                Ok(b) => col.add_example(&rel_path, &name, &b),
                Err(e) => col.warnings.push(format!("{rel_path}: {e}")),
            }
        }
    }
}

/// Reads an unpacked package directory: `dir` contains `package/package.json`
/// (cache layout `NAME#VERSION/package/...`) or is itself the folder holding
/// `package.json`.
pub fn read_dir_package(dir: &Path, load: Load) -> Result<Package, PackageError> {
    let source = dir.display().to_string();
    let root = package_root(dir).ok_or_else(|| PackageError::Format {
        source: source.clone(),
        message: "no package/package.json".into(),
    })?;
    let max = TarLimits::default().max_entry_bytes;
    let mut col = Collector::new(&source);

    let manifest_path = root.join("package.json");
    let bytes = std::fs::read(&manifest_path).map_err(|e| io_err(&manifest_path, &e))?;
    col.set_manifest("package/package.json", &bytes)?;
    let index_path = root.join(".index.json");
    if index_path.is_file() {
        match std::fs::read(&index_path) {
            Ok(b) => col.set_index("package/.index.json", &b),
            Err(e) => col.warnings.push(format!("package/.index.json: {e}")),
        }
    }

    for (name, path, is_dir, size) in list_dir(&root)? {
        if is_dir || !is_json_name(&name) || name == "package.json" || name == ".index.json" {
            continue;
        }
        let rel = format!("package/{name}");
        let decision = col.decide(&name);
        if let Decision::Skip = decision {
            continue;
        }
        match read_file_limited(&path, size, max) {
            Ok(b) => col.add_resource(&rel, &name, &b, decision),
            Err(e) => col.warnings.push(format!("{rel}: {e}")),
        }
    }

    if load == Load::WithExamples {
        let mut bases = vec![(root.clone(), "package".to_string())];
        if root != dir {
            bases.push((dir.to_path_buf(), String::new()));
        }
        for (base, prefix) in bases {
            for sub in ["example", "examples"] {
                let d = base.join(sub);
                if d.is_dir() {
                    let rel = if prefix.is_empty() {
                        sub.to_string()
                    } else {
                        format!("{prefix}/{sub}")
                    };
                    collect_dir_examples(&mut col, &d, &rel, 0, max);
                }
            }
        }
    }

    let mut digest = FNV_OFFSET;
    hash_listing(&root, "", 0, &mut digest);
    col.finish(digest)
}

fn read_dir_manifest(dir: &Path) -> Result<Manifest, PackageError> {
    let root = package_root(dir).ok_or_else(|| PackageError::Format {
        source: dir.display().to_string(),
        message: "no package/package.json".into(),
    })?;
    let path = root.join("package.json");
    let bytes = std::fs::read(&path).map_err(|e| io_err(&path, &e))?;
    parse_manifest(&bytes, &path.display().to_string(), &mut Vec::new())
}

// ---------------------------------------------------------------------------
// Package directories and resolution
// ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Source {
    Tgz(PathBuf),
    Dir(PathBuf),
    /// A tarball held in memory (see [`PackageDir::from_tarballs`]); the name it was given.
    Bytes(String, std::sync::Arc<[u8]>),
}

/// A directory of packages: `*.tgz` files and/or cache-style `NAME#VERSION`
/// directories.
#[derive(Debug)]
pub struct PackageDir {
    dir: PathBuf,
    entries: BTreeMap<PackageId, Source>,
    limits: TarLimits,
    warnings: Vec<String>,
}

/// Names a tarball from its file stem: `NAME#VERSION`, or `NAME-VERSION`
/// when exactly one `-<digits>.` split point exists.
fn id_from_file_stem(stem: &str) -> Option<PackageId> {
    if stem.contains('#') {
        return PackageId::parse(stem);
    }
    let bytes = stem.as_bytes();
    let mut found = None;
    let mut count = 0;
    for (i, b) in bytes.iter().enumerate() {
        if *b != b'-' || i == 0 {
            continue;
        }
        let rest = stem.get(i + 1..).unwrap_or_default();
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && rest.as_bytes().get(digits) == Some(&b'.') {
            count += 1;
            found = Some(i);
        }
    }
    match (count, found) {
        (1, Some(i)) => Some(PackageId::new(stem.get(..i)?, stem.get(i + 1..)?)),
        _ => None,
    }
}

fn tgz_stem(file_name: &str) -> Option<&str> {
    file_name
        .strip_suffix(".tgz")
        .or_else(|| file_name.strip_suffix(".tar.gz"))
}

/// `X.r4` ↔ `X`.
fn equivalent_name(name: &str) -> String {
    match name.strip_suffix(".r4") {
        Some(base) => base.to_string(),
        None => format!("{name}.r4"),
    }
}

impl PackageDir {
    /// Lists the packages in `dir`. Tarballs are named from their file name
    /// (`NAME-VERSION.tgz`, `NAME#VERSION.tgz`); only when that is ambiguous
    /// is the tarball read up to its `package/package.json`. Directories named
    /// `NAME#VERSION` (with `package/package.json` inside) are listed by name;
    /// other directories holding a `package.json` are named from it.
    /// Unreadable entries are skipped (see [`PackageDir::warnings`]). When
    /// the same id appears twice, the first in file-name order wins.
    pub fn open(dir: &Path) -> Result<PackageDir, PackageError> {
        if !dir.is_dir() {
            return Err(PackageError::NotFound(format!(
                "package directory {}",
                dir.display()
            )));
        }
        let limits = TarLimits::default();
        let mut entries = BTreeMap::new();
        let mut warnings = Vec::new();
        for (name, path, is_dir, _) in list_dir(dir)? {
            let (id, source) = if is_dir {
                if package_root(&path).is_none() {
                    continue;
                }
                let id = match PackageId::parse(&name) {
                    Some(id) => id,
                    None => match read_dir_manifest(&path) {
                        Ok(m) => m.id,
                        Err(e) => {
                            warnings.push(e.to_string());
                            continue;
                        }
                    },
                };
                (id, Source::Dir(path))
            } else if let Some(stem) = tgz_stem(&name) {
                let id = if let Some(id) = id_from_file_stem(stem) {
                    id
                } else {
                    let named = std::fs::read(&path)
                        .map_err(|e| io_err(&path, &e))
                        .and_then(|b| read_tgz_manifest(&b, &limits, &path.display().to_string()));
                    match named {
                        Ok(m) => m.id,
                        Err(e) => {
                            warnings.push(e.to_string());
                            continue;
                        }
                    }
                };
                (id, Source::Tgz(path))
            } else {
                continue;
            };
            if let Some(prev) = entries.get(&id) {
                warnings.push(format!(
                    "{id}: duplicate {source:?} ignored (using {prev:?})"
                ));
                continue;
            }
            entries.insert(id, source);
        }
        Ok(PackageDir {
            dir: dir.to_path_buf(),
            entries,
            limits,
            warnings,
        })
    }

    /// A package directory made of tarballs held in memory, `(file name, bytes)`: what a host
    /// without a file system (WebAssembly) hands over. Each is named from its file name as
    /// by [`PackageDir::open`], else from its `package/package.json`; unreadable ones are
    /// skipped with a warning. [`PackageDir::path`] is empty.
    pub fn from_tarballs(files: Vec<(String, Vec<u8>)>) -> PackageDir {
        let limits = TarLimits::default();
        let mut entries = BTreeMap::new();
        let mut warnings = Vec::new();
        for (name, bytes) in files {
            let id = match tgz_stem(&name).and_then(id_from_file_stem) {
                Some(id) => id,
                None => match read_tgz_manifest(&bytes, &limits, &name) {
                    Ok(m) => m.id,
                    Err(e) => {
                        warnings.push(e.to_string());
                        continue;
                    }
                },
            };
            if entries.contains_key(&id) {
                warnings.push(format!("{id}: duplicate {name} ignored"));
                continue;
            }
            entries.insert(id, Source::Bytes(name, bytes.into()));
        }
        PackageDir {
            dir: PathBuf::new(),
            entries,
            limits,
            warnings,
        }
    }

    /// The directory this listing came from.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Problems met while listing (unreadable tarballs, duplicates).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Replaces the [`TarLimits`] used for tarballs (default: [`TarLimits::default`]).
    pub fn set_limits(&mut self, limits: TarLimits) {
        self.limits = limits;
    }

    /// All available package ids, sorted.
    pub fn available(&self) -> Vec<PackageId> {
        self.entries.keys().cloned().collect()
    }

    fn versions_of(&self, name: &str) -> Vec<&str> {
        self.entries
            .keys()
            .filter(|id| id.name == name)
            .map(|id| id.version.as_str())
            .collect()
    }

    /// The newest available version of `name` (numeric versions above
    /// non-numeric ones such as `current`; `1.0.0` above `1.0.0-ballot`).
    pub fn newest(&self, name: &str) -> Option<PackageId> {
        newest_of(&self.versions_of(name)).map(|v| PackageId::new(name, v))
    }

    /// The newest available package under any of `names` (spellings of one package, such as
    /// `hl7.terminology.r4` and `hl7.terminology`).
    pub fn newest_of_names(&self, names: &[&str]) -> Option<PackageId> {
        self.entries
            .keys()
            .filter(|id| names.contains(&id.name.as_str()))
            .max_by(|a, b| version_cmp(&a.version, &b.version))
            .cloned()
    }

    /// Loads one available package.
    pub fn load(&self, id: &PackageId, load: Load) -> Result<Package, PackageError> {
        let source = self
            .entries
            .get(id)
            .ok_or_else(|| PackageError::NotFound(id.to_string()))?;
        let mut pkg = match source {
            Source::Tgz(path) => {
                let bytes = std::fs::read(path).map_err(|e| io_err(path, &e))?;
                read_tgz_named(&bytes, load, &self.limits, &path.display().to_string())?
            }
            Source::Dir(path) => read_dir_package(path, load)?,
            Source::Bytes(name, bytes) => read_tgz_named(bytes, load, &self.limits, name)?,
        };
        if pkg.id != *id {
            pkg.warnings
                .push(format!("listed as {id} but package.json says {}", pkg.id));
        }
        Ok(pkg)
    }

    fn load_manifest(&self, id: &PackageId) -> Result<Manifest, PackageError> {
        match self
            .entries
            .get(id)
            .ok_or_else(|| PackageError::NotFound(id.to_string()))?
        {
            Source::Tgz(path) => {
                let bytes = std::fs::read(path).map_err(|e| io_err(path, &e))?;
                read_tgz_manifest(&bytes, &self.limits, &path.display().to_string())
            }
            Source::Dir(path) => read_dir_manifest(path),
            Source::Bytes(name, bytes) => read_tgz_manifest(bytes, &self.limits, name),
        }
    }

    /// Maps an asked `name` + optional version to an available package.
    /// Returns the id and a note when it is not the exact one asked for.
    fn pick(&self, name: &str, version: Option<&str>) -> Option<(PackageId, Option<String>)> {
        let mut names = vec![name.to_string(), equivalent_name(name)];
        if names.iter().all(|n| self.versions_of(n).is_empty()) {
            // Alias ids such as `hl7.fhir.us.core.v610`: longest available dotted prefix.
            let alias = name
                .match_indices('.')
                .map(|(i, _)| name.get(..i).unwrap_or_default())
                .rev()
                .find(|prefix| !prefix.is_empty() && !self.versions_of(prefix).is_empty());
            names.push(alias?.to_string());
        }
        let asked = match version {
            Some(v) => format!("{name}#{v}"),
            None => name.to_string(),
        };
        let describe = |id: &PackageId| {
            if id.name == name {
                id.version.clone()
            } else {
                id.to_string()
            }
        };
        if let Some(v) = version {
            for n in &names {
                let id = PackageId::new(n.as_str(), v);
                if self.entries.contains_key(&id) {
                    let note = (n != name).then(|| format!("{asked} not found; using {id}"));
                    return Some((id, note));
                }
            }
        }
        let chosen = match version {
            // X and X.r4 are one package: the nearest version over both spellings.
            Some(v) => {
                let pool: Vec<&str> = names.iter().flat_map(|n| self.versions_of(n)).collect();
                nearest_version(v, &pool).and_then(|best| {
                    names
                        .iter()
                        .find(|n| self.entries.contains_key(&PackageId::new(n.as_str(), best)))
                        .map(|n| PackageId::new(n.as_str(), best))
                })
            }
            None => names.iter().find_map(|n| {
                newest_of(&self.versions_of(n)).map(|v| PackageId::new(n.as_str(), v))
            }),
        };
        if let Some(id) = chosen {
            let note = (version.is_some() || id.name != name)
                .then(|| format!("{asked} not found; using {}", describe(&id)));
            return Some((id, note));
        }
        None
    }

    /// Generic dependency walk; `fetch` returns (real id, dependencies, payload).
    fn walk<T>(
        &self,
        root: &str,
        fetch: &mut Fetch<'_, T>,
    ) -> Result<(Vec<Node<T>>, WalkState<T>), PackageError> {
        let root = root.trim();
        let (name, version) = match root.split_once('#') {
            Some((n, v)) => (n.trim(), Some(v.trim()).filter(|v| !v.is_empty())),
            None => (root, None),
        };
        if name.is_empty() {
            return Err(PackageError::NotFound(root.to_string()));
        }
        let Some((root_id, note)) = self.pick(name, version) else {
            return Err(PackageError::NotFound(root.to_string()));
        };
        let mut st = WalkState {
            notes: Vec::new(),
            done: HashSet::new(),
            on_path: Vec::new(),
            out: Vec::new(),
            substitutions: Vec::new(),
            real_of: HashMap::new(),
            edges: BTreeMap::new(),
        };
        if let Some(note) = note {
            st.push_note(note);
        }
        if let Some(v) = version
            && let Some(sub) = Substitution::of(&PackageId::new(name, v), &root_id)
        {
            st.substitutions.push(sub);
        }
        let (real, deps, payload) = fetch(&root_id, true)?;
        self.visit_deps(&root_id, real, deps, payload, &mut st, fetch);
        // hl7.fhir.r4.core (no dependencies) first, order otherwise kept.
        let (mut core, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut st.out)
            .into_iter()
            .partition(|(id, deps, _)| id.name == "hl7.fhir.r4.core" && deps.is_empty());
        core.extend(rest);
        Ok((core, st))
    }

    fn visit_deps<T>(
        &self,
        listed: &PackageId,
        real: PackageId,
        deps: Vec<PackageId>,
        payload: T,
        st: &mut WalkState<T>,
        fetch: &mut Fetch<'_, T>,
    ) {
        st.done.insert(listed.clone());
        st.done.insert(real.clone());
        st.real_of.insert(listed.clone(), real.clone());
        st.on_path.push(listed.clone());
        let mut loaded_deps = Vec::new();
        for dep in &deps {
            let Some((id, note)) = self.pick(&dep.name, Some(&dep.version)) else {
                st.push_note(format!("{dep} not available; skipped"));
                continue;
            };
            if let Some(note) = note {
                st.push_note(note);
            }
            if let Some(sub) = Substitution::of(dep, &id)
                && !st.substitutions.contains(&sub)
            {
                st.substitutions.push(sub);
            }
            loaded_deps.push(id.clone());
            if st.on_path.contains(&id) {
                st.push_note(format!("dependency cycle through {id} ignored"));
                continue;
            }
            if st.done.contains(&id) {
                continue;
            }
            match fetch(&id, false) {
                Ok((dep_real, dep_deps, dep_payload)) => {
                    if st.done.contains(&dep_real) {
                        st.real_of.insert(id.clone(), dep_real);
                        st.done.insert(id);
                        continue;
                    }
                    self.visit_deps(&id, dep_real, dep_deps, dep_payload, st, fetch);
                }
                Err(e) => {
                    st.done.insert(id.clone());
                    loaded_deps.pop();
                    st.push_note(format!("{id} could not be read ({e}); skipped"));
                }
            }
        }
        st.on_path.pop();
        st.edges.insert(real.clone(), loaded_deps);
        st.out.push((real, deps, payload));
    }

    /// Resolves `name#version` (or a bare `name` = its newest version) plus its
    /// transitive dependency closure. The root is loaded with `load_root`,
    /// dependencies with [`Load::Conformance`].
    ///
    /// Each asked `name#version` is mapped to an available package by, in order:
    /// 1. the exact id; 2. the exact version under the other spelling
    ///    (`X.r4` ↔ `X`); 3. if neither spelling exists at all, the longest
    ///    dotted prefix of the name that is an available package (alias ids like
    ///    `hl7.fhir.us.core.v610#6.1.0` → `hl7.fhir.us.core`), exact version;
    /// 4. the nearest version among all versions of those names (`X` and
    ///    `X.r4` count as one package): same major.minor (closest patch), then
    ///    same major (closest minor, then patch), then the closest major and
    ///    number-line distance; ties go to the higher version. A non-numeric
    ///    asked version (`current`) or a bare root name → the newest.
    ///
    /// Substitutions add a note (`"A#1.1.0 not found; using 1.0.0"`,
    /// `"A.r4#5.3.0 not found; using A#5.3.0"`); a dependency with no candidate
    /// at all adds `"A#2.0.0 not available; skipped"`; a dependency that fails
    /// to load is skipped with a note. Only a missing or unreadable root is an
    /// error. Notes are de-duplicated. Dependencies are visited in name order.
    pub fn resolve(&self, root: &str, load_root: Load) -> Result<Resolution, PackageError> {
        let mut fetch = |id: &PackageId,
                         is_root: bool|
         -> Result<(PackageId, Vec<PackageId>, Package), PackageError> {
            let pkg = self.load(
                id,
                if is_root {
                    load_root
                } else {
                    Load::Conformance
                },
            )?;
            Ok((pkg.id.clone(), pkg.dependencies.clone(), pkg))
        };
        let (list, st) = self.walk(root, &mut fetch)?;
        let dependencies = st.real_dependencies();
        Ok(Resolution {
            packages: list.into_iter().map(|(_, _, p)| p).collect(),
            notes: st.notes,
            substitutions: st.substitutions,
            dependencies,
        })
    }

    /// Like [`PackageDir::resolve`] but reads only each package's
    /// `package.json`: returns the ids `resolve` would load (same order) and
    /// the same notes.
    pub fn plan(&self, root: &str) -> Result<(Vec<PackageId>, Vec<String>), PackageError> {
        let mut fetch =
            |id: &PackageId, _: bool| -> Result<(PackageId, Vec<PackageId>, ()), PackageError> {
                let m = self.load_manifest(id)?;
                Ok((m.id, m.dependencies, ()))
            };
        let (list, st) = self.walk(root, &mut fetch)?;
        Ok((list.into_iter().map(|(id, _, ())| id).collect(), st.notes))
    }
}

/// A visited package: (real id, dependencies, payload).
type Node<T> = (PackageId, Vec<PackageId>, T);
/// Reads a listed package (flag: is it the root) for [`PackageDir::walk`].
type Fetch<'a, T> = dyn FnMut(&PackageId, bool) -> Result<Node<T>, PackageError> + 'a;

struct WalkState<T> {
    notes: Vec<String>,
    done: HashSet<PackageId>,
    on_path: Vec<PackageId>,
    out: Vec<Node<T>>,
    substitutions: Vec<Substitution>,
    /// listed (picked) id → the id its package.json gives
    real_of: HashMap<PackageId, PackageId>,
    /// real id → picked ids of its loaded dependencies
    edges: BTreeMap<PackageId, Vec<PackageId>>,
}

impl<T> WalkState<T> {
    /// [`WalkState::edges`] with every dependency under its real id.
    fn real_dependencies(&self) -> BTreeMap<PackageId, Vec<PackageId>> {
        self.edges
            .iter()
            .map(|(p, deps)| {
                let mut real: Vec<PackageId> = deps
                    .iter()
                    .filter_map(|d| self.real_of.get(d).cloned())
                    .collect();
                real.dedup();
                (p.clone(), real)
            })
            .collect()
    }

    fn push_note(&mut self, note: String) {
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }
}

// ---------------------------------------------------------------------------
// Default location
// ---------------------------------------------------------------------------

/// Finds the package directory, first match wins:
/// 1. `explicit`, if given (returned as is, even if it does not exist);
/// 2. `$FHIRVAL_PACKAGES`, if set and non-empty (returned as is);
/// 3. `<A>/shared/fhir-packages` for each ancestor `A` of the current
///    directory, nearest first (so `./shared/fhir-packages`, then
///    `../shared/fhir-packages`, ...);
/// 4. the same walk from the directory of the running executable
///    (`/work/main/target/release/fhirval` → `/work/shared/fhir-packages`);
/// 5. `~/.fhir/packages` (`$HOME`, else `%USERPROFILE%`), if it is a directory.
///
/// Steps 3–5 only return existing directories. On `wasm32-unknown-unknown`
/// only step 1 can succeed.
pub fn default_package_dir(explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return Some(p.to_path_buf());
    }
    if let Some(v) = std::env::var_os("FHIRVAL_PACKAGES")
        && !v.is_empty()
    {
        return Some(PathBuf::from(v));
    }
    let search = |start: &Path| -> Option<PathBuf> {
        start
            .ancestors()
            .map(|a| a.join("shared").join("fhir-packages"))
            .find(|c| c.is_dir())
    };
    if let Ok(cwd) = std::env::current_dir()
        && let Some(found) = search(&cwd)
    {
        return Some(found);
    }
    if let Ok(exe) = std::env::current_exe()
        && let Some(found) = exe.parent().and_then(search)
    {
        return Some(found);
    }
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var_os("USERPROFILE"))?;
    let cache = PathBuf::from(home).join(".fhir").join("packages");
    cache.is_dir().then_some(cache)
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::indexing_slicing,
        clippy::expect_used,
        clippy::panic
    )]
    use super::*;
    use std::io::Write;

    fn shared_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fhir-packages")
    }

    fn shared() -> Option<PackageDir> {
        // the packages beside the checkout are part of the test set-up: missing is a failure
        let dir = shared_dir();
        if !dir.join("hl7.fhir.us.davinci-pdex-2.0.0.tgz").is_file() {
            panic!("no FHIR packages at {}", dir.display());
        }
        Some(PackageDir::open(&dir).unwrap())
    }

    fn id(s: &str) -> PackageId {
        PackageId::parse(s).unwrap()
    }

    fn ids(list: &[&str]) -> Vec<PackageId> {
        list.iter().map(|s| id(s)).collect()
    }

    /// Builds a gzipped tar from (path, content) pairs; paths are written raw
    /// into the header so unsafe names can be produced.
    fn make_tgz(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        for (path, data) in files {
            let mut header = tar::Header::new_gnu();
            let name = path.as_bytes();
            header.as_gnu_mut().unwrap().name[..name.len()].copy_from_slice(name);
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            header.set_entry_type(tar::EntryType::Regular);
            header.set_cksum();
            builder.append(&header, *data).unwrap();
        }
        let tar = builder.into_inner().unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&tar).unwrap();
        gz.finish().unwrap()
    }

    const MANIFEST: &[u8] =
        br#"{"name":"test.pkg","version":"1.0.0","dependencies":{"hl7.fhir.r4.core":"4.0.1","b.pkg":"2.0"}}"#;
    const SD: &[u8] = br#"{"resourceType":"StructureDefinition","url":"http://x/sd"}"#;
    const PATIENT: &[u8] = br#"{"resourceType":"Patient","id":"p1"}"#;

    #[test]
    fn version_parsing_and_order() {
        assert_eq!(numeric_version("4.0.1"), Some((4, 0, 1)));
        assert_eq!(numeric_version("5.1.0-cibuild"), Some((5, 1, 0)));
        assert_eq!(numeric_version("1.2"), Some((1, 2, 0)));
        assert_eq!(numeric_version("current"), None);
        assert_eq!(version_cmp("1.0.0", "1.0.0-ballot"), Ordering::Greater);
        assert_eq!(version_cmp("10.0.0", "9.9.9"), Ordering::Greater);
        assert_eq!(version_cmp("current", "0.0.1"), Ordering::Less);
        assert_eq!(
            newest_of(&["1.0.0", "current", "1.10.0", "1.9.0"]),
            Some("1.10.0")
        );
    }

    #[test]
    fn nearest_version_choice() {
        // Same major.minor preferred.
        assert_eq!(nearest_version("1.1.0", &["1.0.0"]), Some("1.0.0"));
        assert_eq!(
            nearest_version("7.1.0", &["7.0.1", "7.1.5", "7.2.0"]),
            Some("7.1.5")
        );
        // Same major before a numerically closer other major.
        assert_eq!(nearest_version("2.0.0", &["1.9.9", "2.5.0"]), Some("2.5.0"));
        assert_eq!(
            nearest_version("5.1.0-cibuild", &["1.0.0", "5.2.0"]),
            Some("5.2.0")
        );
        // Closest by numeric distance across majors.
        assert_eq!(nearest_version("6.3.0", &["5.3.0", "7.0.1"]), Some("7.0.1"));
        assert_eq!(
            nearest_version("4.0.0", &["3.1.1", "6.1.0", "7.0.0"]),
            Some("3.1.1")
        );
        assert_eq!(nearest_version("2.1.0", &["1.1.0", "1.2.0"]), Some("1.2.0"));
        // Ties go to the higher version.
        assert_eq!(nearest_version("1.5.0", &["1.4.0", "1.6.0"]), Some("1.6.0"));
        assert_eq!(nearest_version("2.1.0", &["2.0.1", "2.2.1"]), Some("2.2.1"));
        assert_eq!(nearest_version("2.1.0", &["2.0.5", "2.3.0"]), Some("2.0.5"));
        assert_eq!(
            nearest_version("1.1.3", &["1.1.0", "1.1.5", "1.2.3"]),
            Some("1.1.5")
        );
        assert_eq!(nearest_version("2.0.0", &["1.0.0", "3.0.0"]), Some("3.0.0"));
        // Release preferred over a pre-release with the same numbers.
        assert_eq!(
            nearest_version("5.1.0", &["5.1.0-ballot", "5.1.0"]),
            Some("5.1.0")
        );
        // Non-numeric asked version → newest.
        assert_eq!(
            nearest_version("current", &["1.0.0", "2.0.0"]),
            Some("2.0.0")
        );
        assert_eq!(nearest_version("1.0.0", &["current"]), Some("current"));
        assert_eq!(nearest_version("1.0.0", &[]), None);
    }

    #[test]
    fn file_stem_names() {
        assert_eq!(
            id_from_file_stem("hl7.fhir.us.davinci-pdex-2.0.0"),
            Some(id("hl7.fhir.us.davinci-pdex#2.0.0"))
        );
        assert_eq!(
            id_from_file_stem("hl7.fhir.uv.extensions.r4#5.2.0"),
            Some(id("hl7.fhir.uv.extensions.r4#5.2.0"))
        );
        assert_eq!(
            id_from_file_stem("a.b-5.1.0-cibuild"),
            Some(id("a.b#5.1.0-cibuild"))
        );
        assert_eq!(id_from_file_stem("package"), None);
        assert_eq!(id_from_file_stem("us_core_311"), None);
        assert_eq!(id_from_file_stem("x-1.0-2.0"), None); // ambiguous
    }

    #[test]
    fn sniffing() {
        assert_eq!(
            sniff_resource_type(b"\xEF\xBB\xBF { \"resourceType\" : \"ValueSet\", \"id\":1}"),
            Some("ValueSet")
        );
        assert_eq!(
            sniff_resource_type(br#"{"id":"x","resourceType":"ValueSet"}"#),
            None
        );
        assert_eq!(sniff_resource_type(br#"{"resourceType":"Val\"ue"}"#), None);
        assert_eq!(sniff_resource_type(b"garbage"), None);
    }

    #[test]
    fn reads_synthetic_tgz_with_and_without_examples() {
        let other = br#"{"resourceType":"OperationDefinition"}"#;
        let tgz = make_tgz(&[
            ("package/package.json", MANIFEST),
            ("package/StructureDefinition-a.json", SD),
            ("package/OperationDefinition-x.json", other),
            ("package/bad.json", b"{not json"),
            ("package/example/Patient-p1.json", PATIENT),
            ("package/examples/sub/Patient-p2.json", PATIENT),
            ("package/other/StructureDefinition-ignored.json", SD),
            ("package/xml/StructureDefinition-a.xml", b"<x/>"),
        ]);
        let p = read_tgz(&tgz, Load::Conformance, &TarLimits::default()).unwrap();
        assert_eq!(p.id, id("test.pkg#1.0.0"));
        assert_eq!(
            p.dependencies,
            ids(&["b.pkg#2.0", "hl7.fhir.r4.core#4.0.1"])
        );
        assert_eq!(p.resources.len(), 1);
        assert!(p.examples.is_empty());
        assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
        assert!(p.warnings[0].contains("package/bad.json"));
        assert_eq!(p.digest, fnv1a(FNV_OFFSET, &tgz));

        let p = read_tgz(&tgz, Load::WithExamples, &TarLimits::default()).unwrap();
        let names: Vec<&str> = p.examples.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Patient-p1.json", "Patient-p2.json"]);
        assert_eq!(p.resources.len(), 1);
    }

    #[test]
    fn index_drives_selection() {
        // The index says the (mislabelled) file is a Basic: it is not parsed.
        let index = br#"{"index-version":1,"files":[
            {"filename":"StructureDefinition-a.json","resourceType":"StructureDefinition"},
            {"filename":"Basic-b.json","resourceType":"Basic"}]}"#;
        let tgz = make_tgz(&[
            ("package/.index.json", index),
            ("package/package.json", MANIFEST),
            ("package/StructureDefinition-a.json", SD),
            ("package/Basic-b.json", b"{broken"),
            (
                "package/ValueSet-unindexed.json",
                br#"{"id":"v","resourceType":"ValueSet"}"#,
            ),
        ]);
        let p = read_tgz(&tgz, Load::Conformance, &TarLimits::default()).unwrap();
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        let types: Vec<&str> = p.resources.iter().filter_map(resource_type).collect();
        assert_eq!(types, ["StructureDefinition", "ValueSet"]);
    }

    #[test]
    fn index_less_package() {
        let tgz = make_tgz(&[
            ("package/package.json", MANIFEST),
            ("package/StructureDefinition-a.json", SD),
            (
                "package/CodeSystem-c.json",
                br#"{"id":"c","resourceType":"CodeSystem"}"#,
            ),
            ("package/Patient-x.json", PATIENT),
        ]);
        let p = read_tgz(&tgz, Load::Conformance, &TarLimits::default()).unwrap();
        let types: Vec<&str> = p.resources.iter().filter_map(resource_type).collect();
        assert_eq!(types, ["CodeSystem", "StructureDefinition"]);
    }

    #[test]
    fn unsafe_paths_are_ignored_with_warning() {
        let tgz = make_tgz(&[
            ("package/package.json", MANIFEST),
            ("../evil.json", SD),
            ("package/../../evil2.json", SD),
            ("/abs/evil3.json", SD),
            ("package/StructureDefinition-a.json", SD),
        ]);
        let p = read_tgz(&tgz, Load::WithExamples, &TarLimits::default()).unwrap();
        assert_eq!(p.resources.len(), 1);
        assert_eq!(p.warnings.len(), 3, "{:?}", p.warnings);
        assert!(p.warnings.iter().any(|w| w.contains("../evil.json")));
        assert!(p.warnings.iter().all(|w| w.contains("unsafe")));
    }

    #[test]
    fn malformed_input_is_format_error() {
        let good = make_tgz(&[
            ("package/package.json", MANIFEST),
            ("package/StructureDefinition-a.json", SD),
        ]);
        for cut in [0, 1, 10, good.len() / 2, good.len() - 4, good.len() - 1] {
            let r = read_tgz(&good[..cut], Load::Conformance, &TarLimits::default());
            assert!(
                matches!(r, Err(PackageError::Format { .. })),
                "cut {cut}: {r:?}"
            );
        }
        let garbage: Vec<u8> = (0..5000u32).map(|i| (i * 7919 % 251) as u8).collect();
        assert!(matches!(
            read_tgz(&garbage, Load::Conformance, &TarLimits::default()),
            Err(PackageError::Format { .. })
        ));
        // Valid gzip, not a tar.
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&garbage).unwrap();
        let gz = gz.finish().unwrap();
        assert!(matches!(
            read_tgz(&gz, Load::Conformance, &TarLimits::default()),
            Err(PackageError::Format { .. })
        ));
        // Valid tarball without package.json.
        let no_manifest = make_tgz(&[("package/StructureDefinition-a.json", SD)]);
        let r = read_tgz(&no_manifest, Load::Conformance, &TarLimits::default());
        assert!(
            matches!(&r, Err(PackageError::Format { message, .. }) if message.contains("package.json"))
        );
        // Bad package.json.
        let bad_manifest = make_tgz(&[("package/package.json", br#"{"name":"x"}"#)]);
        assert!(matches!(
            read_tgz(&bad_manifest, Load::Conformance, &TarLimits::default()),
            Err(PackageError::Format { .. })
        ));
        // Corrupted byte in the middle of the deflate stream.
        let mut flipped = good.clone();
        let mid = flipped.len() / 2;
        flipped[mid] ^= 0xff;
        assert!(read_tgz(&flipped, Load::Conformance, &TarLimits::default()).is_err());
    }

    #[test]
    fn limits_are_enforced() {
        // Gzip bomb: 8 MiB of zeros compresses to a few KiB.
        let zeros = vec![b' '; 8 << 20];
        let bomb = make_tgz(&[
            ("package/package.json", MANIFEST),
            ("package/xml/big.xml", &zeros),
        ]);
        assert!(bomb.len() < 100_000);
        let limits = TarLimits {
            max_total_bytes: 1 << 20,
            ..TarLimits::default()
        };
        let r = read_tgz(&bomb, Load::Conformance, &limits);
        assert!(
            matches!(&r, Err(PackageError::Limit(m)) if m.contains("max_total_bytes")),
            "{r:?}"
        );
        // Same bomb in a JSON file that is read into memory.
        let bomb_json = make_tgz(&[
            ("package/package.json", MANIFEST),
            ("package/big.json", &zeros),
        ]);
        let r = read_tgz(&bomb_json, Load::Conformance, &limits);
        assert!(matches!(r, Err(PackageError::Limit(_))), "{r:?}");
        // Per-entry limit.
        let limits = TarLimits {
            max_entry_bytes: 1 << 20,
            ..TarLimits::default()
        };
        let r = read_tgz(&bomb_json, Load::Conformance, &limits);
        assert!(
            matches!(&r, Err(PackageError::Limit(m)) if m.contains("max_entry_bytes")),
            "{r:?}"
        );
        // Skipped entries are not subject to the per-entry limit.
        assert!(read_tgz(&bomb, Load::Conformance, &limits).is_ok());
        // Entry count.
        let many: Vec<(String, &[u8])> = (0..20)
            .map(|i| (format!("package/xml/{i}.xml"), b"x" as &[u8]))
            .collect();
        let mut files: Vec<(&str, &[u8])> = many.iter().map(|(p, d)| (p.as_str(), *d)).collect();
        files.push(("package/package.json", MANIFEST));
        let tgz = make_tgz(&files);
        let limits = TarLimits {
            max_entries: 10,
            ..TarLimits::default()
        };
        assert!(matches!(
            read_tgz(&tgz, Load::Conformance, &limits),
            Err(PackageError::Limit(_))
        ));
        assert!(read_tgz(&tgz, Load::Conformance, &TarLimits::default()).is_ok());
    }

    fn temp_dir(tag: &str) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("fhirval-package-test-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn write_pkg_dir(base: &Path, dir_name: &str, manifest: &str, files: &[(&str, &[u8])]) {
        let root = base.join(dir_name).join("package");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("package.json"), manifest).unwrap();
        for (rel, data) in files {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, data).unwrap();
        }
    }

    #[test]
    fn cache_style_dirs_and_resolution_rules() {
        let base = temp_dir("cache");
        let m = |n: &str, v: &str, deps: &str| {
            format!(r#"{{"name":"{n}","version":"{v}","dependencies":{{{deps}}}}}"#)
        };
        write_pkg_dir(
            &base,
            "hl7.fhir.r4.core#4.0.1",
            &m("hl7.fhir.r4.core", "4.0.1", ""),
            &[("StructureDefinition-a.json", SD)],
        );
        write_pkg_dir(
            &base,
            "root.ig#1.0.0",
            &m(
                "root.ig",
                "1.0.0",
                r#""hl7.fhir.r4.core":"4.0.1","a.b.r4":"1.0.0","lib.x.v2":"2.0.0","cyc":"1.0.0","gone":"9.9.9""#,
            ),
            &[
                ("StructureDefinition-a.json", SD),
                ("example/Patient-p.json", PATIENT),
                ("other/x.json", SD),
            ],
        );
        write_pkg_dir(
            &base,
            "a.b#1.0.0",
            &m("a.b", "1.0.0", r#""hl7.fhir.r4.core":"4.0.1""#),
            &[],
        );
        write_pkg_dir(
            &base,
            "lib.x#2.1.0",
            &m("lib.x", "2.1.0", r#""root.ig":"1.0.0""#),
            &[],
        );
        write_pkg_dir(&base, "lib.x#1.0.0", &m("lib.x", "1.0.0", ""), &[]);
        write_pkg_dir(
            &base,
            "cyc#1.0.0",
            &m("cyc", "1.0.0", r#""cyc":"1.0.0""#),
            &[],
        );
        std::fs::write(base.join("not-a-package.txt"), "x").unwrap();
        // A tarball whose file name does not tell its id is named from package.json.
        std::fs::write(
            base.join("output.tgz"),
            make_tgz(&[("package/package.json", MANIFEST)]),
        )
        .unwrap();
        std::fs::write(base.join("broken-1.0.0.tgz"), b"not a tarball").unwrap();
        std::fs::write(base.join("broken.tgz"), b"not a tarball").unwrap();
        let dir = PackageDir::open(&base).unwrap();
        assert_eq!(dir.available().len(), 8);
        assert!(dir.available().contains(&id("test.pkg#1.0.0")));
        assert_eq!(dir.warnings().len(), 1, "{:?}", dir.warnings()); // broken.tgz
        assert!(matches!(
            dir.load(&id("broken#1.0.0"), Load::Conformance),
            Err(PackageError::Format { .. })
        ));
        assert_eq!(
            dir.load(&id("test.pkg#1.0.0"), Load::Conformance)
                .unwrap()
                .id,
            id("test.pkg#1.0.0")
        );
        assert_eq!(dir.newest("lib.x"), Some(id("lib.x#2.1.0")));

        let res = dir.resolve("root.ig", Load::WithExamples).unwrap();
        let got: Vec<PackageId> = res.packages.iter().map(|p| p.id.clone()).collect();
        assert_eq!(
            got,
            ids(&[
                "hl7.fhir.r4.core#4.0.1",
                "a.b#1.0.0",
                "cyc#1.0.0",
                "lib.x#2.1.0",
                "root.ig#1.0.0"
            ])
        );
        assert_eq!(
            res.notes,
            [
                "a.b.r4#1.0.0 not found; using a.b#1.0.0",
                "dependency cycle through cyc#1.0.0 ignored",
                "gone#9.9.9 not available; skipped",
                "lib.x.v2#2.0.0 not found; using lib.x#2.1.0",
                "dependency cycle through root.ig#1.0.0 ignored",
            ]
        );
        let root = res.packages.last().unwrap();
        assert_eq!(root.resources.len(), 1);
        assert_eq!(root.examples.len(), 1);
        assert_eq!(res.packages[1].examples.len(), 0);
        assert_eq!(dir.plan("root.ig#1.0.0").unwrap().0, got);
        assert!(matches!(
            dir.resolve("nope#1.0.0", Load::Conformance),
            Err(PackageError::NotFound(_))
        ));

        // read_dir_package accepts the folder holding package.json directly.
        let p = read_dir_package(&base.join("root.ig#1.0.0/package"), Load::WithExamples).unwrap();
        assert_eq!((p.resources.len(), p.examples.len()), (1, 1));
        let _ = std::fs::remove_dir_all(&base);
    }

    /// Position of `want` in `plan` (panics with the plan when absent).
    fn pos(plan: &[PackageId], want: &str) -> usize {
        plan.iter()
            .position(|p| *p == id(want))
            .unwrap_or_else(|| panic!("{want} not in {plan:#?}"))
    }

    /// The rules every resolution keeps, whatever packages the directory holds: the core
    /// first, the root last, each package once, dependencies before dependents.
    fn assert_resolution_rules(dir: &PackageDir, root: &str, res: &Resolution) {
        let plan: Vec<PackageId> = res.packages.iter().map(|p| p.id.clone()).collect();
        assert_eq!(plan.first(), Some(&id("hl7.fhir.r4.core#4.0.1")));
        let unique: HashSet<&PackageId> = plan.iter().collect();
        assert_eq!(unique.len(), plan.len(), "{plan:#?}");
        for (p, deps) in &res.dependencies {
            for d in deps {
                assert!(
                    pos(&plan, &d.to_string()) < pos(&plan, &p.to_string()),
                    "{d} after {p}"
                );
            }
        }
        let (planned, plan_notes) = dir.plan(root).unwrap();
        assert_eq!(planned, plan);
        assert_eq!(plan_notes, res.notes);
    }

    #[test]
    fn pdex_2_0_0_resolution() {
        let Some(dir) = shared() else { return };
        let root = "hl7.fhir.us.davinci-pdex#2.0.0";
        let res = dir.resolve(root, Load::WithExamples).unwrap();
        assert_resolution_rules(&dir, root, &res);
        let plan: Vec<PackageId> = res.packages.iter().map(|p| p.id.clone()).collect();
        assert_eq!(plan.last(), Some(&id(root)));
        // exact versions where they exist; the nearest (same release under the other
        // spelling) where not
        for want in [
            "hl7.fhir.us.core#3.1.1",
            "hl7.fhir.us.davinci-hrex#1.0.0",
            "hl7.fhir.uv.extensions.r4#1.0.0",
            "hl7.terminology#5.3.0",
            "hl7.fhir.us.davinci-pas#2.0.1",
        ] {
            pos(&plan, want);
        }
        assert!(
            pos(&plan, "hl7.fhir.us.core#3.1.1") < pos(&plan, "hl7.fhir.us.davinci-hrex#1.0.0")
        );
        for want in [
            "hl7.fhir.us.udap-security#0.1.0 not available; skipped",
            "hl7.terminology.r4#5.3.0 not found; using hl7.terminology#5.3.0",
        ] {
            assert!(
                res.notes.iter().any(|n| n == want),
                "{want:?} not in {:#?}",
                res.notes
            );
        }
        // a change of spelling is no substitution: this closure has none
        assert_eq!(res.substitutions, []);
        assert_eq!(
            res.dependencies[&id(root)],
            ids(&[
                "hl7.fhir.r4.core#4.0.1",
                "hl7.fhir.us.core#3.1.1",
                "hl7.fhir.us.davinci-hrex#1.0.0",
                "hl7.fhir.us.davinci-pas#2.0.1",
                "hl7.fhir.uv.extensions.r4#1.0.0",
                "hl7.terminology#5.3.0",
            ])
        );

        // Content: the core package (read once here, reused below): the R4 definitions.
        let core = &res.packages[0];
        let count = |rt: &str| {
            core.resources
                .iter()
                .filter(|r| resource_type(r) == Some(rt))
                .count()
        };
        assert_eq!(
            (
                count("StructureDefinition"),
                count("CodeSystem"),
                count("ValueSet")
            ),
            (649, 1063, 1317)
        );
        assert_eq!(count("SearchParameter"), 1377);
        assert!(core.examples.is_empty());
        assert!(core.warnings.is_empty(), "{:?}", core.warnings);
        let pdex = res.packages.last().unwrap();
        assert!(pdex.examples.len() >= 30, "{}", pdex.examples.len());
        assert!(
            pdex.resources
                .iter()
                .all(|r| resource_type(r).is_some_and(is_conformance))
        );
        let deps_have_no_examples = res.packages[..res.packages.len() - 1]
            .iter()
            .all(|p| p.examples.is_empty());
        assert!(deps_have_no_examples);
        for p in &res.packages {
            assert!(p.warnings.is_empty(), "{}: {:?}", p.id, p.warnings);
        }
    }

    #[test]
    fn pdex_newest_resolution_plan() {
        let Some(dir) = shared() else { return };
        let newest = dir.newest("hl7.fhir.us.davinci-pdex").unwrap();
        let res = dir
            .resolve("hl7.fhir.us.davinci-pdex", Load::Conformance)
            .unwrap();
        assert_resolution_rules(&dir, "hl7.fhir.us.davinci-pdex", &res);
        let plan: Vec<PackageId> = res.packages.iter().map(|p| p.id.clone()).collect();
        assert_eq!(plan.last(), Some(&newest));
        if newest != id("hl7.fhir.us.davinci-pdex#2.1.1") {
            return; // the rest is about the 2.1.1 closure
        }
        // the US Core versions the closure names, each exactly (alias ids answered by the
        // package of that version, no substitution)
        for want in [
            "hl7.fhir.us.core#3.1.1",
            "hl7.fhir.us.core#6.1.0",
            "hl7.fhir.us.core#7.0.0",
        ] {
            pos(&plan, want);
        }
        assert!(pos(&plan, "hl7.fhir.us.core#7.0.0") < pos(&plan, "hl7.fhir.us.davinci-pas#2.2.1"));
        assert!(
            pos(&plan, "hl7.fhir.uv.extensions.r4#5.2.0") < pos(&plan, "hl7.fhir.us.core#7.0.0")
        );
        for want in [
            "hl7.fhir.us.core.v610#6.1.0 not found; using hl7.fhir.us.core#6.1.0",
            "hl7.fhir.us.core.v311#3.1.1 not found; using hl7.fhir.us.core#3.1.1",
            "hl7.fhir.us.davinci-crd#2.1.0 not available; skipped",
        ] {
            assert!(
                res.notes.iter().any(|n| n == want),
                "missing note {want:?} in {:#?}",
                res.notes
            );
        }
        // The rules of substitution, whatever versions are present: the nearest version
        // of the same major when there is one, recorded as a substitution with a note.
        let sub = |asked: &str| {
            res.substitutions
                .iter()
                .find(|s| s.asked == id(asked))
                .unwrap_or_else(|| panic!("{asked} not substituted: {:#?}", res.substitutions))
        };
        for asked in [
            "hl7.fhir.us.carin-bb#2.1.0",
            "hl7.fhir.us.davinci-pas#2.1.0",
        ] {
            let s = sub(asked);
            let versions = dir.versions_of(&s.asked.name);
            assert_eq!(
                Some(s.used.version.as_str()),
                nearest_version(&s.asked.version, &versions)
            );
            assert_eq!(numeric_version(&s.used.version).unwrap().0, 2, "{s:?}");
            assert!(
                res.notes
                    .iter()
                    .any(|n| *n == format!("{asked} not found; using {}", s.used.version))
            );
            pos(&plan, &s.used.to_string());
        }
        // alias spellings are not substitutions
        assert!(
            res.substitutions
                .iter()
                .all(|s| s.asked.version != s.used.version)
        );
    }

    #[test]
    fn root_lookup_rules() {
        let Some(dir) = shared() else { return };
        assert!(matches!(
            dir.plan("no.such.package"),
            Err(PackageError::NotFound(_))
        ));
        let (plan, notes) = dir.plan("hl7.terminology.r4#5.3.0").unwrap();
        assert_eq!(plan.last(), Some(&id("hl7.terminology#5.3.0")));
        assert_eq!(
            notes[0],
            "hl7.terminology.r4#5.3.0 not found; using hl7.terminology#5.3.0"
        );
        // a non-numeric version and a bare name: the newest available
        let newest = dir.newest("hl7.fhir.us.core").unwrap();
        let (plan, notes) = dir.plan("hl7.fhir.us.core#current").unwrap();
        assert_eq!(plan.last(), Some(&newest));
        assert_eq!(
            notes[0],
            format!(
                "hl7.fhir.us.core#current not found; using {}",
                newest.version
            )
        );
        let (plan, _) = dir.plan("hl7.fhir.us.core").unwrap();
        assert_eq!(plan.last(), Some(&newest));
        // no older version is newer than the newest
        for v in dir.versions_of("hl7.fhir.us.core") {
            assert_ne!(version_cmp(v, &newest.version), Ordering::Greater);
        }
    }

    /// `cargo test --release -- --ignored --nocapture timing` prints load times.
    #[test]
    #[ignore]
    fn timing() {
        let dir = shared_dir();
        for name in [
            "hl7.fhir.r4.core-4.0.1.tgz",
            "hl7.terminology.r4-7.0.1.tgz",
            "hl7.fhir.us.core-7.0.0.tgz",
        ] {
            let bytes = std::fs::read(dir.join(name)).unwrap();
            for load in [Load::Conformance, Load::WithExamples] {
                let t = std::time::Instant::now();
                let p = read_tgz(&bytes, load, &TarLimits::default()).unwrap();
                eprintln!(
                    "{name} {load:?}: {} resources, {} examples in {:?}",
                    p.resources.len(),
                    p.examples.len(),
                    t.elapsed()
                );
            }
        }
        let pd = PackageDir::open(&dir).unwrap();
        let t = std::time::Instant::now();
        let res = pd
            .resolve("hl7.fhir.us.davinci-pdex", Load::WithExamples)
            .unwrap();
        eprintln!(
            "resolve pdex 2.1.1: {} packages in {:?}",
            res.packages.len(),
            t.elapsed()
        );
        let t = std::time::Instant::now();
        let _ = pd.plan("hl7.fhir.us.davinci-pdex").unwrap();
        eprintln!("plan pdex 2.1.1 in {:?}", t.elapsed());
    }

    #[test]
    fn mutated_archives_never_panic() {
        let gz = make_tgz(&[
            ("package/package.json", MANIFEST),
            ("package/.index.json", br#"{"files":[{"filename":"StructureDefinition-a.json","resourceType":"StructureDefinition"}]}"#),
            ("package/StructureDefinition-a.json", SD),
            ("package/example/Patient-p1.json", PATIENT),
        ]);
        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut plain)
            .unwrap();
        assert!(read_tgz(&plain, Load::WithExamples, &TarLimits::default()).is_ok());
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for round in 0..400 {
            let mut b = if round % 2 == 0 {
                plain.clone()
            } else {
                gz.clone()
            };
            for _ in 0..(1 + next() % 3) {
                let pos = (next() % b.len() as u64) as usize;
                b[pos] = next() as u8;
            }
            if next() % 5 == 0 {
                let n = (next() % b.len() as u64) as usize;
                b.truncate(n);
            }
            let _ = read_tgz(&b, Load::WithExamples, &TarLimits::default());
        }
    }

    #[test]
    fn default_dir_lookup() {
        assert_eq!(
            default_package_dir(Some(Path::new("/x/y"))),
            Some(PathBuf::from("/x/y"))
        );
        if std::env::var_os("FHIRVAL_PACKAGES").is_none() && shared_dir().is_dir() {
            let found = default_package_dir(None).unwrap();
            assert!(
                found.ends_with("shared/fhir-packages"),
                "{}",
                found.display()
            );
        }
    }
}
