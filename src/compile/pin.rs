//! Version pinning: references inside a package resolve within its own dependency closure.
//!
//! When several versions of a canonical are loaded (US Core 3.1.1 and 8.0.0 side by side), an
//! unversioned reference resolves to the newest loaded one — right for the data's
//! `meta.profile`, wrong for the definitions of the older package: US Core 3.1.1's Patient
//! profile names `us-core-race` without a version and means its own 3.1.1 extension. The Java
//! validator resolves a package's references within the package and its dependencies first.
//! This pass does that once, at compile time: every type profile, target profile and binding
//! value set of a structure whose closure holds a version other than the one the set would
//! pick globally is rewritten `url|version`. References that the closure does not define, or
//! whose closure choice is the global one, stay as written (outputs of single-version sets are
//! unchanged).

use crate::model::ProfileSet;

/// One rewrite: structure, element, and which reference of it.
enum Pin {
    /// `types[t].profiles[i]`
    Profile(usize, usize),
    /// `types[t].target_profiles[i]`
    Target(usize, usize),
    /// `binding.value_set`
    ValueSet,
}

/// Pins the references of every structure (see the module docs).
pub(super) fn pin_references(set: &mut ProfileSet) {
    let mut edits: Vec<(usize, usize, Pin, String)> = Vec::new();
    for (si, s) in set.structures.iter().enumerate() {
        let package = s.package;
        for (ei, el) in s.elements.iter().enumerate() {
            for (ti, t) in el.types.iter().enumerate() {
                for (i, p) in t.profiles.iter().enumerate() {
                    if let Some(v) = structure_pin(set, p, package) {
                        edits.push((si, ei, Pin::Profile(ti, i), v));
                    }
                }
                for (i, p) in t.target_profiles.iter().enumerate() {
                    if let Some(v) = structure_pin(set, p, package) {
                        edits.push((si, ei, Pin::Target(ti, i), v));
                    }
                }
            }
            if let Some(vs) = el.binding.as_ref().and_then(|b| b.value_set.as_deref())
                && let Some(v) = value_set_pin(set, vs, package)
            {
                edits.push((si, ei, Pin::ValueSet, v));
            }
        }
    }
    for (si, ei, pin, pinned) in edits {
        let Some(el) = set
            .structures
            .get_mut(si)
            .and_then(|s| s.elements.get_mut(ei))
        else {
            continue;
        };
        let slot = match pin {
            Pin::Profile(t, i) => el.types.get_mut(t).and_then(|t| t.profiles.get_mut(i)),
            Pin::Target(t, i) => el
                .types
                .get_mut(t)
                .and_then(|t| t.target_profiles.get_mut(i)),
            Pin::ValueSet => el.binding.as_mut().and_then(|b| b.value_set.as_mut()),
        };
        if let Some(slot) = slot {
            *slot = pinned;
        }
    }
    set.reindex();
}

/// `url|version` when package `package`'s closure answers `url` with another structure than
/// the set's global choice.
fn structure_pin(set: &ProfileSet, url: &str, package: u32) -> Option<String> {
    if url.contains('|') {
        return None;
    }
    let local = set.resolve_from(url, package)?;
    let global = set.resolve(url)?;
    let s = set.structure(local);
    (local != global && !s.version.is_empty()).then(|| format!("{url}|{}", s.version))
}

/// `url|version` when the value set version defined in package `package`'s closure is not
/// the one an unversioned reference resolves to.
fn value_set_pin(set: &ProfileSet, url: &str, package: u32) -> Option<String> {
    if url.contains('|') {
        return None;
    }
    let sources = set.terminology.value_set_sources(url);
    if sources.len() < 2 {
        return None;
    }
    let closure: Vec<&str> = set
        .closure_of(package)
        .iter()
        .filter_map(|p| set.packages.get(*p as usize).map(String::as_str))
        .collect();
    let in_closure = |p: Option<&str>| p.is_some_and(|p| closure.contains(&p));
    let (first_version, first_package) = *sources.first()?;
    if in_closure(first_package) {
        return None;
    }
    let (version, _) = sources.iter().find(|(_, p)| in_closure(*p))?;
    let version = (*version)?;
    (Some(version) != first_version).then(|| format!("{url}|{version}"))
}
