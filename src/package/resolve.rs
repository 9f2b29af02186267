//! Directories of packages ([`PackageDir`]): listing `*.tgz` files and `NAME#VERSION` folders,
//! resolving a package plus its dependency closure with version substitution, and finding the
//! default package directory.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::collect::Manifest;
use super::folder::{io_err, list_dir, package_root, read_dir_manifest, read_dir_package};
use super::tarball::{read_tgz_manifest, read_tgz_named};
use super::version::{nearest_version, newest_of, numeric_version, version_cmp};
use super::{Load, Package, PackageError, PackageId, TarLimits};

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

#[derive(Debug, Clone)]
pub(super) enum Source {
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
pub(super) fn id_from_file_stem(stem: &str) -> Option<PackageId> {
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

pub(super) fn tgz_stem(file_name: &str) -> Option<&str> {
    file_name
        .strip_suffix(".tgz")
        .or_else(|| file_name.strip_suffix(".tar.gz"))
}

/// `X.r4` ↔ `X`.
pub(super) fn equivalent_name(name: &str) -> String {
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

    pub(super) fn versions_of(&self, name: &str) -> Vec<&str> {
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
pub(super) type Node<T> = (PackageId, Vec<PackageId>, T);
/// Reads a listed package (flag: is it the root) for [`PackageDir::walk`].
pub(super) type Fetch<'a, T> = dyn FnMut(&PackageId, bool) -> Result<Node<T>, PackageError> + 'a;

pub(super) struct WalkState<T> {
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
