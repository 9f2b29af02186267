//! Offline terminology: value set expansion and code membership.
//!
//! At compile time every CodeSystem and ValueSet of the loaded packages is handed to
//! [`Terminology::add`] (or [`Terminology::add_from`], which knows the package), then
//! [`Terminology::finish`] expands every value set that can be expanded offline and keeps a
//! compact, serialisable store: per code system its codes (the concepts of the loaded
//! CodeSystem first, with displays for display checks), per value set its members as sorted
//! code ids, "the whole of system S" markers for value sets that contain every concept of a
//! loaded CodeSystem, and the parts that cannot be decided offline with the reason (a code
//! system that is not loaded, SNOMED CT, LOINC..., a `content = not-present` system, an
//! imported value set that is not loaded, a filter that is not supported).
//!
//! At validation time [`Terminology::check_code`] answers [`Membership`] for `system|code` in
//! a value set without allocating on a hit or a miss; lookups are hash based (built lazily on
//! first use after deserialisation). [`binding`] turns answers into Java-like issue texts.
//!
//! Library code is wasm-friendly: no I/O, clocks or threads; no panics on input data.

use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

pub mod binding;
mod build;
mod regex;
#[cfg(test)]
mod tests;

/// Bounds for [`Terminology::finish`].
#[derive(Clone, Debug)]
pub struct ExpansionLimits {
    /// A value set whose stored expansion would hold more codes than this (codes covered by a
    /// "whole system" marker do not count) stays unexpanded, with a reason.
    pub max_codes: usize,
}

impl Default for ExpansionLimits {
    fn default() -> Self {
        ExpansionLimits { max_codes: 100_000 }
    }
}

/// Which CodeSystems [`Terminology::retain_value_sets`] keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeepCodeSystems {
    /// every loaded CodeSystem (codes and displays)
    All,
    /// only those the kept value sets use
    Referenced,
}

/// Answer of [`Terminology::check_code`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Membership {
    /// The code is in the value set.
    In,
    /// The code is not in the value set.
    NotIn,
    /// Cannot be decided offline: which system or value set, and why (e.g. "code system
    /// `http://loinc.org` (LOINC) not loaded").
    Unknown(String),
    /// The value set is not loaded at all.
    NoValueSet,
}

/// `CodeSystem.content` of the loaded code system (`Unloaded`: only referenced).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Content {
    /// All codes are in the resource.
    Complete,
    /// Some codes are in the resource.
    Fragment,
    /// A few example codes.
    Example,
    /// No codes (the system is only described).
    NotPresent,
    /// A supplement to another code system.
    Supplement,
    /// Not loaded: only referenced.
    #[default]
    Unloaded,
}

/// Sorted `u32`s, serialised as deltas (small varints in postcard).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct SortedIds(pub(crate) Vec<u32>);

impl Serialize for SortedIds {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        let mut prev = 0u32;
        for &x in &self.0 {
            seq.serialize_element(&x.wrapping_sub(prev))?;
            prev = x;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for SortedIds {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let deltas = Vec::<u32>::deserialize(d)?;
        let mut out = Vec::with_capacity(deltas.len());
        let mut acc = 0u32;
        for (i, dx) in deltas.into_iter().enumerate() {
            acc = if i == 0 {
                dx
            } else {
                acc.checked_add(dx)
                    .ok_or_else(|| serde::de::Error::custom("code id overflow"))?
            };
            out.push(acc);
        }
        Ok(SortedIds(out))
    }
}

/// One code system as stored: its codes (global id = system offset + local index).
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub(crate) struct SystemData {
    pub(crate) url: String,
    pub(crate) version: Option<String>,
    /// title, else name, of the loaded CodeSystem
    pub(crate) name: Option<String>,
    pub(crate) content: Content,
    pub(crate) case_sensitive: bool,
    /// The first `defined` codes are the concepts of the loaded CodeSystem; the rest are codes
    /// only known from value sets (explicit concept lists, older versions, expansions).
    pub(crate) defined: u32,
    pub(crate) codes: Vec<String>,
    /// Display of each defined code ("" when none); `displays.len() == defined`.
    pub(crate) displays: Vec<String>,
    /// Other designations `(local index, value)`, sorted by index; only those that differ
    /// (case-insensitively) from the display.
    pub(crate) designations: Vec<(u32, String)>,
}

/// A part of a value set that cannot be decided offline.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub(crate) struct UnknownPart {
    /// Only codes of this system are concerned; `None`: any code.
    pub(crate) system: Option<u32>,
    /// index into `Terminology::reasons`
    pub(crate) reason: u32,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub(crate) struct ValueSetData {
    pub(crate) url: String,
    pub(crate) version: Option<String>,
    /// title, else name
    pub(crate) title: Option<String>,
    /// the newest of its url (the one a version-less canonical resolves to)
    pub(crate) current: bool,
    pub(crate) members: SortedIds,
    /// every defined code of these systems is a member
    pub(crate) whole: Vec<u32>,
    pub(crate) unknown: Vec<UnknownPart>,
    /// systems with members or a whole marker (searched when a code has no system)
    pub(crate) systems: Vec<u32>,
    /// the package it came from (compile time only)
    #[serde(skip)]
    pub(crate) package: Option<String>,
}

/// What [`Terminology::finish`] did (not serialised).
#[derive(Clone, Debug, Default)]
pub struct FinishReport {
    /// Code systems indexed.
    pub code_systems: usize,
    /// Value sets indexed.
    pub value_sets: usize,
    /// value sets fully expanded (no unknown part)
    pub expanded: usize,
    /// expanded in part: some codes decided, some parts unknown
    pub partial: usize,
    /// nothing could be expanded
    pub unexpandable: usize,
    /// reason → number of value sets (each value set counted once per reason)
    pub reasons: Vec<(String, usize)>,
    /// version mismatches, unknown codes in explicit lists, ...
    pub notes: Vec<String>,
}

/// Lookup structures rebuilt after deserialisation.
#[derive(Clone, Debug, Default)]
struct Index {
    system_by_url: HashMap<Box<str>, u32>,
    /// global id of each system's first code; one extra entry at the end
    offsets: Vec<u32>,
    /// open addressing table of global code ids (`EMPTY` = free)
    table: Vec<u32>,
    /// url → value set indexes, the current one first
    vs_by_url: HashMap<Box<str>, Vec<u32>>,
}

const EMPTY: u32 = u32::MAX;

/// The terminology store. Serialisable (postcard-friendly); build with `add`… then `finish`.
#[derive(Serialize, Deserialize, Default, Clone, Debug)]
pub struct Terminology {
    pub(crate) systems: Vec<SystemData>,
    pub(crate) value_sets: Vec<ValueSetData>,
    pub(crate) reasons: Vec<String>,
    #[serde(skip)]
    pending: Option<Box<build::Pending>>,
    #[serde(skip)]
    report: FinishReport,
    #[serde(skip)]
    index: OnceLock<Index>,
}

impl Terminology {
    /// An empty terminology.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a CodeSystem or ValueSet resource (others are ignored). Call for every conformance
    /// resource of every loaded package, then [`Terminology::finish`].
    pub fn add(&mut self, resource: &serde_json::Value) {
        self.pending
            .get_or_insert_with(Default::default)
            .add(resource, None);
    }

    /// Like [`Terminology::add`], naming the package (`"hl7.terminology.r4#7.0.1"`): copies
    /// of `http://terminology.hl7.org/` resources in the FHIR core package then never win
    /// over the terminology package's own, whatever their version labels say. (Without the
    /// package this is guessed from the version label.)
    pub fn add_from(&mut self, resource: &serde_json::Value, package: &str) {
        self.pending
            .get_or_insert_with(Default::default)
            .add(resource, Some(package));
    }

    /// Expand every ValueSet that can be expanded offline and record why the others cannot.
    /// Replaces whatever the store held with the resources added since the last `finish`.
    pub fn finish(&mut self, limits: &ExpansionLimits) {
        let pending = self.pending.take().unwrap_or_default();
        let out = build::finish(*pending, limits);
        self.systems = out.systems;
        self.value_sets = out.value_sets;
        self.reasons = out.reasons;
        self.report = out.report;
        self.index = OnceLock::new();
    }

    /// Counts, reasons and notes of the last [`Terminology::finish`] (empty after
    /// deserialisation).
    pub fn report(&self) -> &FinishReport {
        &self.report
    }

    /// Builds the lookup index now (it is otherwise built on first use).
    pub fn reindex(&self) {
        let _ = self.index();
    }

    fn index(&self) -> &Index {
        self.index.get_or_init(|| self.build_index())
    }

    fn build_index(&self) -> Index {
        let mut ix = Index::default();
        let mut total: u64 = 0;
        for (i, s) in self.systems.iter().enumerate() {
            ix.system_by_url
                .entry(s.url.as_str().into())
                .or_insert(i as u32);
            ix.offsets.push(total.min(u32::MAX as u64) as u32);
            total += s.codes.len() as u64;
        }
        ix.offsets.push(total.min(u32::MAX as u64) as u32);
        let n = total.min((u32::MAX / 4) as u64) as usize;
        let size = (n * 2).max(16).next_power_of_two();
        ix.table = vec![EMPTY; size];
        let mask = size - 1;
        for (si, s) in self.systems.iter().enumerate() {
            let base = ix.offsets[si];
            for (li, code) in s.codes.iter().enumerate() {
                let gid = base.saturating_add(li as u32);
                if gid as usize >= n {
                    break;
                }
                let mut h = hash_code(si as u32, code, s.case_sensitive) as usize & mask;
                loop {
                    match ix.table.get(h) {
                        Some(&EMPTY) => {
                            ix.table[h] = gid;
                            break;
                        }
                        Some(_) => h = (h + 1) & mask,
                        None => break,
                    }
                }
            }
        }
        for (i, v) in self.value_sets.iter().enumerate() {
            let e = ix.vs_by_url.entry(v.url.as_str().into()).or_default();
            if v.current {
                e.insert(0, i as u32);
            } else {
                e.push(i as u32);
            }
        }
        ix
    }

    /// (system index, global code id) of `code` in `system`.
    fn lookup(&self, ix: &Index, sys: u32, code: &str) -> Option<u32> {
        let s = self.systems.get(sys as usize)?;
        if ix.table.is_empty() {
            return None;
        }
        let mask = ix.table.len() - 1;
        let base = *ix.offsets.get(sys as usize)?;
        let end = *ix.offsets.get(sys as usize + 1)?;
        let mut h = hash_code(sys, code, s.case_sensitive) as usize & mask;
        for _ in 0..ix.table.len() {
            let gid = *ix.table.get(h)?;
            if gid == EMPTY {
                return None;
            }
            if gid >= base && gid < end {
                let stored = s.codes.get((gid - base) as usize)?;
                if codes_equal(stored, code, s.case_sensitive) {
                    return Some(gid);
                }
            }
            h = (h + 1) & mask;
        }
        None
    }

    fn find_vs(&self, canonical: &str) -> Option<&ValueSetData> {
        let (url, version) = crate::canonical::split(canonical);
        let list = self.index().vs_by_url.get(url)?;
        if let Some(v) = version {
            for &i in list {
                let vs = self.value_sets.get(i as usize)?;
                if vs.version.as_deref() == Some(v) {
                    return Some(vs);
                }
            }
        }
        // version not loaded (or none asked): the newest
        self.value_sets.get(*list.first()? as usize)
    }

    fn contains(&self, ix: &Index, vs: &ValueSetData, sys: u32, gid: u32) -> bool {
        if vs.members.0.binary_search(&gid).is_ok() {
            return true;
        }
        if vs.whole.contains(&sys) {
            let base = ix.offsets.get(sys as usize).copied().unwrap_or(0);
            let defined = self.systems.get(sys as usize).map_or(0, |s| s.defined);
            return gid >= base && gid - base < defined;
        }
        false
    }

    /// Membership of `system|code` in value set `vs` (canonical; `url|version` honoured when
    /// that version is loaded, the newest otherwise). Without a system (a `code` element) the
    /// code is looked for in every system of the value set.
    pub fn check_code(&self, vs: &str, system: Option<&str>, code: &str) -> Membership {
        let Some(v) = self.find_vs(vs) else {
            return Membership::NoValueSet;
        };
        let ix = self.index();
        match system {
            Some(system) => {
                let sys = ix.system_by_url.get(system).copied();
                if let Some(sys) = sys
                    && let Some(gid) = self.lookup(ix, sys, code)
                    && self.contains(ix, v, sys, gid)
                {
                    return Membership::In;
                }
                for u in &v.unknown {
                    if u.system.is_none() || u.system == sys {
                        return Membership::Unknown(self.reason(u.reason));
                    }
                }
                Membership::NotIn
            }
            None => {
                for &sys in &v.systems {
                    if let Some(gid) = self.lookup(ix, sys, code)
                        && self.contains(ix, v, sys, gid)
                    {
                        return Membership::In;
                    }
                }
                match v.unknown.first() {
                    Some(u) => Membership::Unknown(self.reason(u.reason)),
                    None => Membership::NotIn,
                }
            }
        }
    }

    fn reason(&self, i: u32) -> String {
        self.reasons
            .get(i as usize)
            .cloned()
            .unwrap_or_else(|| "not expandable offline".to_string())
    }

    /// The systems of `vs` that hold `code` (for a `code` element: which system the code was
    /// taken from; more than one means it is ambiguous).
    pub fn systems_for_code<'a>(&'a self, vs: &str, code: &str) -> Vec<&'a str> {
        let mut out = Vec::new();
        let Some(v) = self.find_vs(vs) else {
            return out;
        };
        let ix = self.index();
        for &sys in &v.systems {
            if let Some(gid) = self.lookup(ix, sys, code)
                && self.contains(ix, v, sys, gid)
                && let Some(s) = self.systems.get(sys as usize)
            {
                out.push(s.url.as_str());
            }
        }
        out
    }

    fn defined_code(&self, system: &str, code: &str) -> Option<(&SystemData, usize)> {
        let ix = self.index();
        let sys = *ix.system_by_url.get(system)?;
        let s = self.systems.get(sys as usize)?;
        if s.defined == 0 {
            return None;
        }
        let gid = self.lookup(ix, sys, code)?;
        let local = (gid - ix.offsets.get(sys as usize)?) as usize;
        (local < s.defined as usize).then_some((s, local))
    }

    /// Display check against a loaded CodeSystem: case-insensitive, the display or any
    /// designation (as Java). `None` when the system or code is unknown, or the concept has no
    /// display at all.
    pub fn display_ok(&self, system: &str, code: &str, display: &str) -> Option<bool> {
        let (s, local) = self.defined_code(system, code)?;
        let mut any = false;
        for d in displays_of(s, local) {
            any = true;
            if text_eq_ci(d, display) {
                return Some(true);
            }
        }
        any.then_some(false)
    }

    /// The display and designations of a defined code (for "Valid display is ..." messages).
    pub fn displays(&self, system: &str, code: &str) -> Vec<&str> {
        match self.defined_code(system, code) {
            Some((s, local)) => displays_of(s, local).collect(),
            None => Vec::new(),
        }
    }

    /// Title (else name) of the value set, for messages.
    pub fn value_set_name(&self, vs: &str) -> Option<&str> {
        self.find_vs(vs)?.title.as_deref()
    }

    /// The loaded versions of value set `url` with the package each came from (as given to
    /// [`Terminology::add_from`]), the one an unversioned reference resolves to first.
    /// Compile time only: package names are not serialised.
    pub fn value_set_sources(&self, url: &str) -> Vec<(Option<&str>, Option<&str>)> {
        self.index()
            .vs_by_url
            .get(url)
            .map_or_else(Vec::new, |list| {
                list.iter()
                    .filter_map(|&i| self.value_sets.get(i as usize))
                    .map(|v| (v.version.as_deref(), v.package.as_deref()))
                    .collect()
            })
    }

    /// Version of the value set `vs` resolves to.
    pub fn value_set_version(&self, vs: &str) -> Option<&str> {
        self.find_vs(vs)?.version.as_deref()
    }

    /// `'Title' (url|version)` as Java names a value set in messages; `'url'` when unknown.
    pub fn describe_value_set(&self, vs: &str) -> String {
        match self.find_vs(vs) {
            Some(v) => {
                let canonical = match &v.version {
                    Some(ver) => format!("{}|{}", v.url, ver),
                    None => v.url.clone(),
                };
                match &v.title {
                    Some(t) => format!("'{t}' ({canonical})"),
                    None => format!("'{canonical}'"),
                }
            }
            None => format!("'{vs}'"),
        }
    }

    /// A complete CodeSystem (`content = complete`) is loaded for `system`.
    pub fn has_system(&self, system: &str) -> bool {
        self.system(system)
            .is_some_and(|s| s.content == Content::Complete)
    }

    /// Whether `code` is defined by the loaded CodeSystem `system`. `None`: the system is not
    /// loaded, or is not complete and does not define the code.
    pub fn code_in_system(&self, system: &str, code: &str) -> Option<bool> {
        let s = self.system(system)?;
        if s.defined == 0 && s.content != Content::Complete {
            return None;
        }
        if self.defined_code(system, code).is_some() {
            return Some(true);
        }
        (s.content == Content::Complete).then_some(false)
    }

    /// Version of the loaded CodeSystem `system` (for "Unknown code 'x' in the CodeSystem 's'
    /// version 'v'").
    pub fn system_version(&self, system: &str) -> Option<&str> {
        self.system(system)?.version.as_deref()
    }

    /// `CodeSystem.content` of `system` as loaded (`Unloaded` when only referenced), `None`
    /// when never seen.
    pub fn system_content(&self, system: &str) -> Option<Content> {
        Some(self.system(system)?.content)
    }

    fn system(&self, system: &str) -> Option<&SystemData> {
        let sys = *self.index().system_by_url.get(system)?;
        self.systems.get(sys as usize)
    }

    /// Why `vs` cannot be fully decided offline (empty when it is fully expanded).
    pub fn unknown_reasons(&self, vs: &str) -> Vec<&str> {
        match self.find_vs(vs) {
            Some(v) => v
                .unknown
                .iter()
                .filter_map(|u| self.reasons.get(u.reason as usize).map(String::as_str))
                .collect(),
            None => Vec::new(),
        }
    }

    /// Keeps only the value sets whose url `keep` accepts (all their versions) and drops the
    /// codes and unloaded systems that only the others used. Call after `finish` with the
    /// value sets the profile set can ask for: binding `valueSet`s, `maxValueSet`s,
    /// `memberOf('…')` arguments of constraints. With [`KeepCodeSystems::All`] every loaded
    /// CodeSystem stays (display and unknown-code checks of any coding); with
    /// [`KeepCodeSystems::Referenced`] only those the kept value sets use (the others become
    /// unknown systems: no display checks for them).
    pub fn retain_value_sets(
        &mut self,
        keep: impl Fn(&str) -> bool,
        code_systems: KeepCodeSystems,
    ) {
        let offsets = self.build_index().offsets;
        self.value_sets.retain(|v| keep(&v.url));
        let total = offsets.last().copied().unwrap_or(0) as usize;
        let nsys = self.systems.len();
        let system_of = |g: u32| offsets.partition_point(|&o| o <= g).saturating_sub(1);
        let mut used = vec![false; total];
        let mut sys_used = vec![false; nsys];
        let mut mark = |s: usize| {
            if let Some(x) = sys_used.get_mut(s) {
                *x = true;
            }
        };
        let mut reason_used = vec![false; self.reasons.len()];
        for v in &self.value_sets {
            for &g in &v.members.0 {
                if let Some(u) = used.get_mut(g as usize) {
                    *u = true;
                }
                mark(system_of(g));
            }
            for &s in v.whole.iter().chain(&v.systems) {
                mark(s as usize);
            }
            for u in &v.unknown {
                if let Some(s) = u.system {
                    mark(s as usize);
                }
                if let Some(r) = reason_used.get_mut(u.reason as usize) {
                    *r = true;
                }
            }
        }
        // new systems and code ids
        let mut sys_map = vec![u32::MAX; nsys];
        let mut gid_map = vec![u32::MAX; total];
        let mut systems = Vec::new();
        let mut next = 0u32;
        for (si, mut s) in std::mem::take(&mut self.systems).into_iter().enumerate() {
            let loaded_kept =
                s.content != Content::Unloaded && code_systems == KeepCodeSystems::All;
            if !loaded_kept && !sys_used[si] {
                continue;
            }
            sys_map[si] = systems.len() as u32;
            let base = offsets.get(si).copied().unwrap_or(0) as usize;
            let defined = s.defined as usize;
            let codes = std::mem::take(&mut s.codes);
            for (li, code) in codes.into_iter().enumerate() {
                if li < defined || used.get(base + li).copied().unwrap_or(false) {
                    if let Some(m) = gid_map.get_mut(base + li) {
                        *m = next;
                    }
                    next += 1;
                    s.codes.push(code);
                }
            }
            systems.push(s);
        }
        self.systems = systems;
        // reasons
        let mut reason_map = vec![u32::MAX; self.reasons.len()];
        let mut reasons = Vec::new();
        for (i, r) in std::mem::take(&mut self.reasons).into_iter().enumerate() {
            if reason_used[i] {
                reason_map[i] = reasons.len() as u32;
                reasons.push(r);
            }
        }
        self.reasons = reasons;
        let map_sys = |s: u32| sys_map.get(s as usize).copied().filter(|&x| x != u32::MAX);
        for v in &mut self.value_sets {
            let mut m: Vec<u32> = v
                .members
                .0
                .iter()
                .filter_map(|&g| gid_map.get(g as usize).copied().filter(|&x| x != u32::MAX))
                .collect();
            m.sort_unstable();
            v.members = SortedIds(m);
            v.whole = v.whole.iter().filter_map(|&s| map_sys(s)).collect();
            v.systems = v.systems.iter().filter_map(|&s| map_sys(s)).collect();
            for u in &mut v.unknown {
                u.system = u.system.and_then(map_sys);
                u.reason = reason_map
                    .get(u.reason as usize)
                    .copied()
                    .unwrap_or(u32::MAX);
            }
        }
        self.index = OnceLock::new();
    }

    /// Number of stored code systems, value sets, codes and expansion entries.
    pub fn sizes(&self) -> (usize, usize, usize, usize) {
        (
            self.systems.len(),
            self.value_sets.len(),
            self.systems.iter().map(|s| s.codes.len()).sum(),
            self.value_sets.iter().map(|v| v.members.0.len()).sum(),
        )
    }
}

fn displays_of(s: &SystemData, local: usize) -> impl Iterator<Item = &str> {
    let first = s
        .displays
        .get(local)
        .map(String::as_str)
        .filter(|d| !d.is_empty());
    let start = s
        .designations
        .partition_point(|(i, _)| (*i as usize) < local);
    let rest = s.designations[start..]
        .iter()
        .take_while(move |(i, _)| *i as usize == local)
        .map(|(_, d)| d.as_str());
    first.into_iter().chain(rest)
}

/// FNV-1a over the system index and the code (lower-cased when case-insensitive).
pub(crate) fn hash_code(sys: u32, code: &str, case_sensitive: bool) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |b: u8| {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    };
    for b in sys.to_le_bytes() {
        feed(b);
    }
    if case_sensitive || code.is_ascii() {
        for b in code.bytes() {
            feed(if case_sensitive {
                b
            } else {
                b.to_ascii_lowercase()
            });
        }
    } else {
        let mut buf = [0u8; 4];
        for c in code.chars().flat_map(char::to_lowercase) {
            for b in c.encode_utf8(&mut buf).bytes() {
                feed(b);
            }
        }
    }
    h
}

pub(crate) fn codes_equal(a: &str, b: &str, case_sensitive: bool) -> bool {
    if case_sensitive {
        a == b
    } else {
        text_eq_ci(a, b)
    }
}

/// Case-insensitive equality (Unicode lower-casing, no allocation).
pub(crate) fn text_eq_ci(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

/// Lower-cases a code of a case-insensitive system (the interning key).
pub(crate) fn fold(code: &str) -> String {
    if code.is_ascii() {
        code.to_ascii_lowercase()
    } else {
        code.chars().flat_map(char::to_lowercase).collect()
    }
}

/// A readable name for well-known external systems, for reasons and messages.
pub fn describe_system(url: &str) -> String {
    let known = [
        ("http://snomed.info/sct", "SNOMED CT"),
        ("http://loinc.org", "LOINC"),
        ("http://www.nlm.nih.gov/research/umls/rxnorm", "RxNorm"),
        (
            "http://nucc.org/provider-taxonomy",
            "NUCC provider taxonomy",
        ),
        ("http://www.ama-assn.org/go/cpt", "CPT"),
        ("http://unitsofmeasure.org", "UCUM"),
        ("http://hl7.org/fhir/sid/icd-10-cm", "ICD-10-CM"),
        ("http://hl7.org/fhir/sid/icd-10", "ICD-10"),
        ("http://hl7.org/fhir/sid/icd-9-cm", "ICD-9-CM"),
        ("http://www.cms.gov/Medicare/Coding/ICD10", "ICD-10-PCS"),
        ("http://hl7.org/fhir/sid/ndc", "NDC"),
        ("http://hl7.org/fhir/sid/cvx", "CVX"),
        ("urn:ietf:bcp:47", "BCP-47 language tags"),
        ("urn:ietf:bcp:13", "MIME types"),
        ("urn:iso:std:iso:3166", "ISO 3166"),
        ("urn:iso:std:iso:4217", "ISO 4217"),
        (
            "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
            "HCPCS",
        ),
        ("http://www.ada.org/cdt", "CDT"),
        ("http://www.ada.org/snodent", "SNODENT"),
        ("http://www.whocc.no/atc", "ATC"),
        ("http://fdasis.nlm.nih.gov", "UNII"),
        ("http://hl7.org/fhir/sid/us-npi", "NPI"),
    ];
    if let Some((_, n)) = known.iter().find(|(u, _)| *u == url) {
        return format!("{url} ({n})");
    }
    if url.starts_with("https://x12.org/") || url.contains("x12.org/codes") {
        return format!("{url} (X12)");
    }
    if url.starts_with("https://www.nubc.org/") {
        return format!("{url} (NUBC)");
    }
    url.to_string()
}

/// A readable name for a value set that is not loaded (VSAC, PHIN VADS...).
pub fn describe_value_set_source(url: &str) -> String {
    if url.starts_with("http://cts.nlm.nih.gov/fhir/ValueSet/") {
        format!("{url} (VSAC)")
    } else if url.starts_with("http://phinvads.cdc.gov/") {
        format!("{url} (PHIN VADS)")
    } else {
        url.to_string()
    }
}
