//! Assembling a profile set from `--ig` specifications: package references resolved with
//! their dependency closure, package tarballs, directories, loose conformance resources, or a
//! compiled profile set file. Compiled sets are cached on disk, keyed by the specifications and
//! the identity (name, size, mtime) of every input file, so the packages are compiled once.

use crate::compile::Compiler;
use crate::model::{PackageInfo, ProfileSet};
use crate::package::{
    self, Load, Package, PackageDir, PackageId, Resolution, Substitution, TarLimits,
};
use crate::profileset;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The default: the newest PDex in the package directory, with its closure.
pub const DEFAULT_IG: &str = "hl7.fhir.us.davinci-pdex";
/// R4 core, always in a set.
pub const CORE: &str = "hl7.fhir.r4.core#4.0.1";

/// Where packages are found and compiled sets cached.
#[derive(Debug, Clone, Default)]
pub struct LoadConfig {
    /// `--packages`; else `$FHIRVAL_PACKAGES`, `../shared/fhir-packages`, `~/.fhir/packages`.
    pub package_dir: Option<PathBuf>,
    /// Where compiled sets are cached; `None` disables the cache.
    pub cache_dir: Option<PathBuf>,
}

impl LoadConfig {
    /// The default configuration: default package directory, default cache directory.
    pub fn standard() -> Self {
        LoadConfig {
            package_dir: None,
            cache_dir: default_cache_dir(),
        }
    }
}

/// `$FHIRVAL_CACHE`, else `$XDG_CACHE_HOME/fhirval`, else `~/.cache/fhirval`.
pub fn default_cache_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("FHIRVAL_CACHE") {
        return Some(PathBuf::from(d));
    }
    if let Some(d) = std::env::var_os("XDG_CACHE_HOME") {
        return Some(PathBuf::from(d).join("fhirval"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache").join("fhirval"))
}

/// Why a profile set could not be loaded or compiled (the message names the file or package).
#[derive(Debug)]
pub struct LoadError(pub String);

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LoadError {}

/// What one `--ig` names.
#[derive(Debug, Clone, PartialEq)]
pub enum IgSpec {
    /// `name#version` or a bare package name (newest version).
    Package(String),
    /// A package tarball (`.tgz`).
    Tgz(PathBuf),
    /// An unpacked package or a directory of JSON conformance resources.
    Dir(PathBuf),
    /// A JSON conformance resource (or a Bundle of them).
    Json(PathBuf),
    /// A compiled profile set.
    ProfileSet(PathBuf),
}

impl IgSpec {
    /// What `spec` names: a `.tgz`, a directory, a `.json` file, another existing file (a compiled set), else a package reference.
    pub fn parse(spec: &str) -> IgSpec {
        let path = Path::new(spec);
        if spec.ends_with(".tgz") || spec.ends_with(".tar.gz") {
            IgSpec::Tgz(path.into())
        } else if path.is_dir() {
            IgSpec::Dir(path.into())
        } else if spec.ends_with(".json") {
            IgSpec::Json(path.into())
        } else if path.is_file() {
            IgSpec::ProfileSet(path.into())
        } else {
            IgSpec::Package(spec.to_string())
        }
    }
}

/// Load (from cache, or compile) the profile set that `specs` name; no specs = the default.
/// Returns the set and notes for the user (substitutions, missing dependencies, skipped
/// definitions).
pub fn load(specs: &[String], cfg: &LoadConfig) -> Result<ProfileSet, LoadError> {
    let mut specs: Vec<IgSpec> = specs.iter().map(|s| IgSpec::parse(s)).collect();
    if let [IgSpec::ProfileSet(p)] = specs.as_slice() {
        let bytes = read(p)?;
        return profileset::from_bytes(&bytes)
            .map_err(|e| LoadError(format!("{}: {e}", p.display())));
    }
    let dir_path = package::default_package_dir(cfg.package_dir.as_deref());
    if specs.is_empty() {
        specs.push(IgSpec::Package(DEFAULT_IG.to_string()));
    }
    let key = cache_key(&specs, dir_path.as_deref());
    let cache_file = cfg
        .cache_dir
        .as_ref()
        .map(|d| d.join(format!("{key:016x}.fvps")));
    if let Some(bytes) = cache_file.as_ref().and_then(|f| std::fs::read(f).ok())
        && let Ok(set) = profileset::from_bytes(&bytes)
    {
        return Ok(set);
    }
    let set = compile_specs(&specs, dir_path.as_deref())?;
    if let Some(f) = cache_file {
        // best effort: a read-only cache only costs speed
        if let Ok(bytes) = profileset::to_bytes(&set) {
            if let Some(parent) = f.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            let tmp = f.with_extension(format!("tmp{}", std::process::id()));
            if std::fs::write(&tmp, bytes).is_ok() {
                let _ = std::fs::rename(&tmp, &f);
            }
        }
    }
    Ok(set)
}

fn read(p: &Path) -> Result<Vec<u8>, LoadError> {
    std::fs::read(p).map_err(|e| LoadError(format!("{}: {e}", p.display())))
}

/// Packages that are part of every profile set, as the Java validator loads them for every R4
/// validation: the FHIR extensions pack and HL7 terminology (THO), each the newest available
/// under either spelling, unless the set already holds a version of it. R4 core ([`CORE`]) is
/// always there too.
pub const ALWAYS_LOADED: &[&[&str]] = &[
    &["hl7.fhir.uv.extensions.r4", "hl7.fhir.uv.extensions"],
    &["hl7.terminology.r4", "hl7.terminology"],
];

/// Compile the named specifications (no cache), reading packages from `dir_path`.
pub fn compile_specs(specs: &[IgSpec], dir_path: Option<&Path>) -> Result<ProfileSet, LoadError> {
    let dir = match dir_path {
        Some(d) => Some(PackageDir::open(d).map_err(|e| LoadError(e.to_string()))?),
        None => None,
    };
    compile_specs_in(specs, dir.as_ref())
}

/// The packages a set is compiled from, with what resolution found out about them.
#[derive(Default)]
struct Gathered {
    packages: Vec<Package>,
    notes: Vec<String>,
    substitutions: Vec<Substitution>,
    /// real id → its loaded direct dependencies
    dependencies: BTreeMap<PackageId, Vec<PackageId>>,
}

impl Gathered {
    fn add(&mut self, p: Package) {
        if !self.packages.iter().any(|q| q.id == p.id) {
            self.packages.push(p);
        }
    }

    fn add_resolution(&mut self, r: Resolution) {
        self.notes.extend(r.notes);
        for s in r.substitutions {
            if !self.substitutions.contains(&s) {
                self.substitutions.push(s);
            }
        }
        self.dependencies.extend(r.dependencies);
        for p in r.packages {
            self.add(p);
        }
    }

    fn has(&self, names: &[&str]) -> bool {
        self.packages
            .iter()
            .any(|p| names.contains(&p.id.name.as_str()))
    }

    /// A package given as a file: its dependencies resolved in `dir`, then the package.
    fn add_with_deps(&mut self, pkg: Package, dir: Option<&PackageDir>) {
        let mut loaded = Vec::new();
        for d in &pkg.dependencies {
            let Some(dir) = dir else {
                self.notes
                    .push(format!("{d} not resolved: no package directory"));
                continue;
            };
            match dir.resolve(&d.to_string(), Load::Conformance) {
                Ok(r) => {
                    if let Some(root) = r.packages.last() {
                        loaded.push(root.id.clone());
                    }
                    self.add_resolution(r);
                }
                Err(e) => self.notes.push(format!("{d}: {e}")),
            }
        }
        self.dependencies.insert(pkg.id.clone(), loaded);
        self.add(pkg);
    }
}

/// Compile the named specifications (no cache) over a package directory (on disk, or
/// tarballs in memory: [`PackageDir::from_tarballs`]).
pub fn compile_specs_in(
    specs: &[IgSpec],
    dir: Option<&PackageDir>,
) -> Result<ProfileSet, LoadError> {
    let need_dir = |what: &str| -> LoadError {
        LoadError(format!(
            "{what}: no FHIR package directory (use --packages DIR or set FHIRVAL_PACKAGES)"
        ))
    };
    let mut g = Gathered::default();
    let mut loose: Vec<(String, serde_json::Value)> = Vec::new();
    for spec in specs {
        match spec {
            IgSpec::Package(name) => {
                let dir = dir.ok_or_else(|| need_dir(name))?;
                let r = dir
                    .resolve(name, Load::Conformance)
                    .map_err(|e| LoadError(e.to_string()))?;
                g.add_resolution(r);
            }
            IgSpec::Tgz(p) => {
                let bytes = read(p)?;
                let pkg = package::read_tgz(&bytes, Load::Conformance, &TarLimits::default())
                    .map_err(|e| LoadError(format!("{}: {e}", p.display())))?;
                g.add_with_deps(pkg, dir);
            }
            IgSpec::Dir(p) => {
                if p.join("package").join("package.json").is_file()
                    || p.join("package.json").is_file()
                {
                    let pkg = package::read_dir_package(p, Load::Conformance)
                        .map_err(|e| LoadError(format!("{}: {e}", p.display())))?;
                    g.add_with_deps(pkg, dir);
                } else {
                    let mut files: Vec<PathBuf> = std::fs::read_dir(p)
                        .map_err(|e| LoadError(format!("{}: {e}", p.display())))?
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|f| f.extension().is_some_and(|x| x == "json"))
                        .collect();
                    files.sort();
                    for f in files {
                        loose.push(read_json(&f)?);
                    }
                }
            }
            IgSpec::Json(p) => loose.push(read_json(p)?),
            IgSpec::ProfileSet(p) => {
                return Err(LoadError(format!(
                    "{}: a compiled profile set cannot be combined with other --ig specifications",
                    p.display()
                )));
            }
        }
    }
    if !g.has(&["hl7.fhir.r4.core"]) {
        let dir = dir.ok_or_else(|| need_dir(CORE))?;
        let r = dir
            .resolve(CORE, Load::Conformance)
            .map_err(|e| LoadError(e.to_string()))?;
        g.add_resolution(r);
    }
    if let Some(dir) = dir {
        for names in ALWAYS_LOADED {
            if g.has(names) {
                continue;
            }
            let Some(newest) = dir.newest_of_names(names) else {
                continue;
            };
            let r = dir
                .resolve(&newest.to_string(), Load::Conformance)
                .map_err(|e| LoadError(e.to_string()))?;
            g.notes.push(format!(
                "{newest} loaded as always (the Java validator loads the newest {} for every R4 validation)",
                names.first().copied().unwrap_or_default()
            ));
            g.add_resolution(r);
        }
    }
    Ok(compile_gathered(g, &loose))
}

fn compile_gathered(mut g: Gathered, loose: &[(String, serde_json::Value)]) -> ProfileSet {
    // the core defines the base types: it is compiled first
    g.packages.sort_by_key(|p| p.id.name != "hl7.fhir.r4.core");
    let mut c = Compiler::new();
    for n in g.notes {
        c.add_note(n);
    }
    let index_of = |id: &PackageId| g.packages.iter().position(|p| p.id == *id);
    for p in &g.packages {
        let index = c.add_package(&p.id.to_string());
        let dependencies = g
            .dependencies
            .get(&p.id)
            .into_iter()
            .flatten()
            .filter_map(|d| index_of(d).map(|i| i as u32))
            .collect();
        let stands_in_for = g
            .substitutions
            .iter()
            .find(|s| s.used == p.id)
            .map(|s| s.asked.to_string());
        c.set_package_info(
            index,
            PackageInfo {
                canonical: p.canonical.clone(),
                dependencies,
                stands_in_for,
            },
        );
        for w in &p.warnings {
            c.add_note(format!("{}: {w}", p.id));
        }
        for r in &p.resources {
            c.add_resource(r, index);
        }
    }
    if !loose.is_empty() {
        let index = c.add_package("(files)");
        for (_, r) in loose {
            c.add_resource(r, index);
        }
    }
    c.finish()
}

fn read_json(p: &Path) -> Result<(String, serde_json::Value), LoadError> {
    let bytes = read(p)?;
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(&bytes);
    let v = serde_json::from_slice(bytes)
        .map_err(|e| LoadError(format!("{}: not valid JSON: {e}", p.display())))?;
    Ok((p.display().to_string(), v))
}

/// FNV-1a over the specifications and the identity of every file they may read.
fn cache_key(specs: &[IgSpec], dir: Option<&Path>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0100_0000_01b3);
    };
    feed(&profileset::FORMAT_VERSION.to_le_bytes());
    feed(env!("CARGO_PKG_VERSION").as_bytes());
    let stamp = |p: &Path, feed: &mut dyn FnMut(&[u8])| {
        feed(p.to_string_lossy().as_bytes());
        if let Ok(m) = std::fs::metadata(p) {
            feed(&m.len().to_le_bytes());
            if let Ok(t) = m
                .modified()
                .map(|t| t.duration_since(std::time::UNIX_EPOCH))
                && let Ok(t) = t
            {
                feed(&t.as_nanos().to_le_bytes());
            }
        }
    };
    for s in specs {
        feed(format!("{s:?}").as_bytes());
        match s {
            IgSpec::Tgz(p) | IgSpec::Json(p) | IgSpec::ProfileSet(p) => stamp(p, &mut feed),
            IgSpec::Dir(p) => {
                if let Ok(rd) = std::fs::read_dir(p) {
                    let mut files: Vec<PathBuf> =
                        rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
                    files.sort();
                    for f in files {
                        stamp(&f, &mut feed);
                    }
                }
            }
            IgSpec::Package(_) => {}
        }
    }
    if let Some(d) = dir
        && let Ok(rd) = std::fs::read_dir(d)
    {
        let mut files: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        files.sort();
        for f in files {
            stamp(&f, &mut feed);
        }
    }
    h
}
