//! Assembling a profile set from `--ig` specifications: package references resolved with
//! their dependency closure, package tarballs, directories, loose conformance resources, or a
//! compiled profile set file. Compiled sets are cached on disk, keyed by the specifications and
//! the identity (name, size, mtime) of every input file, so the packages are compiled once.

use crate::compile::Compiler;
use crate::model::ProfileSet;
use crate::package::{self, Load, Package, PackageDir, PackageId, TarLimits};
use crate::profileset;
use std::collections::HashSet;
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

/// Compile the named specifications (no cache).
pub fn compile_specs(specs: &[IgSpec], dir_path: Option<&Path>) -> Result<ProfileSet, LoadError> {
    let dir = match dir_path {
        Some(d) => Some(PackageDir::open(d).map_err(|e| LoadError(e.to_string()))?),
        None => None,
    };
    let need_dir = |what: &str| -> LoadError {
        LoadError(format!(
            "{what}: no FHIR package directory (use --packages DIR or set FHIRVAL_PACKAGES)"
        ))
    };
    let mut packages: Vec<Package> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let mut loose: Vec<(String, serde_json::Value)> = Vec::new();
    let mut seen: HashSet<PackageId> = HashSet::new();
    let mut add = |resolved: Vec<Package>, packages: &mut Vec<Package>| {
        for p in resolved {
            if seen.insert(p.id.clone()) {
                packages.push(p);
            }
        }
    };
    for spec in specs {
        match spec {
            IgSpec::Package(name) => {
                let dir = dir.as_ref().ok_or_else(|| need_dir(name))?;
                let r = dir
                    .resolve(name, Load::Conformance)
                    .map_err(|e| LoadError(e.to_string()))?;
                notes.extend(r.notes);
                add(r.packages, &mut packages);
            }
            IgSpec::Tgz(p) => {
                let bytes = read(p)?;
                let pkg = package::read_tgz(&bytes, Load::Conformance, &TarLimits::default())
                    .map_err(|e| LoadError(format!("{}: {e}", p.display())))?;
                let deps = resolve_deps(&pkg, dir.as_ref(), &mut notes);
                add(deps, &mut packages);
                add(vec![pkg], &mut packages);
            }
            IgSpec::Dir(p) => {
                if p.join("package").join("package.json").is_file()
                    || p.join("package.json").is_file()
                {
                    let pkg = package::read_dir_package(p, Load::Conformance)
                        .map_err(|e| LoadError(format!("{}: {e}", p.display())))?;
                    let deps = resolve_deps(&pkg, dir.as_ref(), &mut notes);
                    add(deps, &mut packages);
                    add(vec![pkg], &mut packages);
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
    if !packages.iter().any(|p| p.id.name == "hl7.fhir.r4.core") {
        let dir = dir.as_ref().ok_or_else(|| need_dir(CORE))?;
        let r = dir
            .resolve(CORE, Load::Conformance)
            .map_err(|e| LoadError(e.to_string()))?;
        notes.extend(r.notes);
        let mut core = r.packages;
        core.append(&mut packages);
        packages = core;
    }
    // the core defines the base types: it is compiled first
    packages.sort_by_key(|p| p.id.name != "hl7.fhir.r4.core");
    let mut c = Compiler::new();
    for n in notes {
        c.add_note(n);
    }
    for p in &packages {
        let index = c.add_package(&p.id.to_string());
        for w in &p.warnings {
            c.add_note(format!("{}: {w}", p.id));
        }
        for r in &p.resources {
            c.add_resource(r, index);
        }
    }
    if !loose.is_empty() {
        let index = c.add_package("(files)");
        for (_, r) in &loose {
            c.add_resource(r, index);
        }
    }
    Ok(c.finish())
}

fn resolve_deps(pkg: &Package, dir: Option<&PackageDir>, notes: &mut Vec<String>) -> Vec<Package> {
    let mut out = Vec::new();
    for d in &pkg.dependencies {
        let Some(dir) = dir else {
            notes.push(format!("{d} not resolved: no package directory"));
            continue;
        };
        match dir.resolve(&d.to_string(), Load::Conformance) {
            Ok(r) => {
                notes.extend(r.notes);
                out.extend(r.packages);
            }
            Err(e) => notes.push(format!("{d}: {e}")),
        }
    }
    out
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
