//! Compiler: FHIR conformance resources → [`ProfileSet`].
//!
//! A StructureDefinition's snapshot becomes a [`Structure`]: the elements are laid out in snapshot
//! order and linked into a tree by their ids (`Patient.extension:race.url`), slices hang off the
//! element they slice, and only the properties validation uses are kept.

use crate::model::{
    Binding, BindingStrength, Capability, Constraint, Context, Discriminator, DiscriminatorType,
    Element, FValue, Kind, MANY, PackageInfo, ProfileSet, Slicing, SlicingRules, Structure,
    TypeRef,
};
mod pin;
mod snapshot;

use serde_json::Value;
use std::collections::HashMap;

/// Why a StructureDefinition could not be compiled.
#[derive(Debug, Clone, PartialEq)]
pub struct CompileError {
    /// The StructureDefinition's canonical URL.
    pub url: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.url, self.message)
    }
}

impl std::error::Error for CompileError {}

/// Why a structure cannot be compiled (the text becomes a [`CompileError`]'s message).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum StructureError {
    /// A snapshot element without a `path`.
    #[error("element without path")]
    ElementWithoutPath,
    /// A snapshot element whose parent element is not in the snapshot.
    #[error("element {0} has no parent in the snapshot")]
    NoParent(String),
    /// A StructureDefinition with neither a snapshot nor a differential.
    #[error("neither snapshot nor differential")]
    NoSnapshotNorDifferential,
    /// A differential element without a `path`.
    #[error("differential element without path")]
    DifferentialElementWithoutPath,
    /// A specialization (a new type) given as a differential only.
    #[error("a new type (specialization) needs a snapshot")]
    SpecializationWithoutSnapshot,
    /// A logical model.
    #[error("logical models are not supported")]
    LogicalModel,
}

/// Builds a profile set from packages and loose resources.
#[derive(Default)]
pub struct Compiler {
    set: ProfileSet,
    constraint_cache: HashMap<Constraint, u32>,
    /// Differential-only StructureDefinitions, generated once their bases are known.
    pending: Vec<(Value, u32)>,
    /// StructureDefinitions that could not be compiled (moved into the set's notes by
    /// [`Compiler::finish`]).
    errors: Vec<CompileError>,
}

impl Compiler {
    /// An empty compiler (add R4 core first).
    pub fn new() -> Self {
        Self::default()
    }

    /// Continue compiling into an existing set (e.g. core + test-specific profiles).
    pub fn extend(set: ProfileSet) -> Self {
        let mut constraint_cache = HashMap::new();
        for (i, c) in set.constraints.iter().enumerate() {
            constraint_cache.insert(c.clone(), i as u32);
        }
        Compiler {
            set,
            constraint_cache,
            pending: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// Register a package; returns its index for [`Compiler::add_resource`].
    pub fn add_package(&mut self, name_version: &str) -> u32 {
        self.set.packages.push(name_version.to_string());
        self.set.package_info.push(PackageInfo::default());
        (self.set.packages.len() - 1) as u32
    }

    /// The index of the last registered package named `name` (`name#version` → `name`).
    pub fn package_index_of(&self, name: &str) -> Option<u32> {
        self.set
            .packages
            .iter()
            .rposition(|p| p.split('#').next() == Some(name))
            .map(|i| i as u32)
    }

    /// What the loader knows of package `index` (its canonical, dependencies, substitution):
    /// references in its definitions resolve within its dependency closure first.
    pub fn set_package_info(&mut self, index: u32, info: PackageInfo) {
        if let Some(slot) = self.set.package_info.get_mut(index as usize) {
            *slot = info;
        }
    }

    /// Add a note for the user to the set's notes.
    pub fn add_note(&mut self, note: String) {
        self.set.notes.push(note);
    }

    /// Add one conformance resource (a Bundle of them is unpacked): StructureDefinitions,
    /// CodeSystems, ValueSets, SearchParameters, CapabilityStatements, ImplementationGuides,
    /// Questionnaires and Measures; other resources are ignored.
    pub fn add_resource(&mut self, res: &Value, package: u32) {
        match res.get("resourceType").and_then(Value::as_str) {
            Some("StructureDefinition") if res.get("snapshot").is_none() => {
                self.pending.push((res.clone(), package));
            }
            Some("StructureDefinition") => {
                match compile_structure(res, package, &mut self.set, &mut self.constraint_cache) {
                    Ok(s) => self.set.structures.push(s),
                    Err(e) => self.errors.push(e),
                }
            }
            Some("CodeSystem" | "ValueSet") => {
                let name = self
                    .set
                    .packages
                    .get(package as usize)
                    .cloned()
                    .unwrap_or_default();
                self.set.terminology.add_from(res, &name);
            }
            Some("SearchParameter") => {
                if let (Some(url), Some(kind)) = (str_of(res, "url"), str_of(res, "type")) {
                    self.set.search_params.push(crate::model::SearchParam {
                        url: url.to_string(),
                        version: str_of(res, "version").unwrap_or_default().to_string(),
                        kind: kind.to_string(),
                        base: strings_of(res, "base"),
                    });
                }
            }
            Some(rt @ ("Questionnaire" | "Measure")) => {
                if let Some(url) = str_of(res, "url") {
                    self.set.definitions.push(crate::model::Definition {
                        resource_type: rt.to_string(),
                        url: url.to_string(),
                        version: str_of(res, "version").unwrap_or_default().to_string(),
                        json: res.to_string(),
                    });
                }
            }
            Some("CapabilityStatement") => {
                if let Some(c) = compile_capability(res) {
                    self.set.capabilities.push(c);
                }
            }
            Some("ImplementationGuide") => {
                for g in res
                    .get("global")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let (Some(t), Some(p)) = (str_of(g, "type"), str_of(g, "profile")) {
                        self.set
                            .global_profiles
                            .push((t.to_string(), p.to_string()));
                    }
                }
            }
            Some("Bundle") => {
                if let Some(entries) = res.get("entry").and_then(Value::as_array) {
                    for e in entries {
                        if let Some(r) = e.get("resource") {
                            self.add_resource(r, package);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// Expand the value sets, then keep only those a rule can ask for (see [`asked_value_sets`])
    /// with every loaded CodeSystem (the checks of any coding's code and display read them).
    /// A set compiled over this one later compiles its own packages' terminology afresh.
    fn finish_terminology(&mut self) {
        let t = &mut self.set.terminology;
        t.finish(&crate::terminology::ExpansionLimits::default());
        let r = t.report();
        let note = format!(
            "terminology: {} value sets expanded, {} in part, {} not expandable offline",
            r.expanded, r.partial, r.unexpandable
        );
        self.set.notes.push(note);
        if let Some(asked) = asked_value_sets(&self.set) {
            self.set.terminology.retain_value_sets(
                |url| asked.contains(url),
                crate::terminology::KeepCodeSystems::All,
            );
        }
    }

    /// Generate pending snapshots, index the set and hand it over (compile errors become notes).
    pub fn finish(mut self) -> ProfileSet {
        self.set.reindex();
        // generate snapshots, bases first: each round generates those whose base is known
        while !self.pending.is_empty() {
            let mut progress = false;
            for (sd, package) in std::mem::take(&mut self.pending) {
                let base = sd
                    .get("baseDefinition")
                    .and_then(Value::as_str)
                    .and_then(|b| self.set.resolve_from(b, package));
                match base {
                    Some(base) => {
                        let mut warnings = Vec::new();
                        let r = snapshot::generate(
                            &sd,
                            base,
                            package,
                            &mut self.set,
                            &mut self.constraint_cache,
                            &mut warnings,
                        );
                        self.set.notes.extend(warnings);
                        match r {
                            Ok(s) => self.set.structures.push(s),
                            Err(message) => self.errors.push(CompileError {
                                url: str_of(&sd, "url").unwrap_or_default().to_string(),
                                message: format!("snapshot generation failed: {message}"),
                            }),
                        }
                        progress = true;
                    }
                    None => self.pending.push((sd, package)),
                }
            }
            self.set.reindex();
            if !progress {
                for (sd, _) in std::mem::take(&mut self.pending) {
                    self.errors.push(CompileError {
                        url: str_of(&sd, "url").unwrap_or_default().to_string(),
                        message: format!(
                            "no snapshot, and its base {} is not loaded",
                            str_of(&sd, "baseDefinition").unwrap_or("(none)")
                        ),
                    });
                }
            }
        }
        self.finish_terminology();
        pin::pin_references(&mut self.set);
        for e in std::mem::take(&mut self.errors) {
            self.set
                .notes
                .push(format!("StructureDefinition {e}: skipped"));
        }
        self.set
    }
}

/// The URLs of the value sets validation can ask for in `set`: those of every binding
/// (`valueSet`, `maxValueSet`, additional bindings: the binding checks and the slicing by a
/// required binding) and every `memberOf('…')` of an invariant. `None` (all are asked) when an
/// invariant computes `memberOf`'s argument instead of naming it.
fn asked_value_sets(set: &ProfileSet) -> Option<std::collections::HashSet<String>> {
    let mut asked = std::collections::HashSet::new();
    let mut add = |vs: &str| {
        asked.insert(crate::canonical::url(vs).to_string());
    };
    for s in &set.structures {
        for b in s.elements.iter().filter_map(|e| e.binding.as_ref()) {
            b.value_set
                .iter()
                .chain(&b.max_value_set)
                .for_each(|v| add(v));
            b.additional.iter().for_each(|(_, v)| add(v));
        }
    }
    for c in &set.constraints {
        let text = crate::validate::effective_expression(&c.key, &c.expression);
        // (a text scan that can only find more than the calls: `memberOf` in a string or a
        // comment adds a value set, or keeps all)
        for (at, _) in text.match_indices("memberOf") {
            let after = text.get(at + "memberOf".len()..)?;
            let Some(arg) = after.trim_start_matches('`').trim_start().strip_prefix('(') else {
                continue;
            };
            let literal = arg.trim_start().strip_prefix('\'')?;
            let end = literal.find(['\'', '\\'])?;
            if literal.get(end..)?.starts_with('\\') {
                return None;
            }
            add(literal.get(..end)?);
        }
    }
    Some(asked)
}

pub(crate) fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// The strings of array `key` (other items skipped).
fn strings_of(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) fn parse_max(s: Option<&str>) -> Option<u32> {
    match s {
        Some("*") => Some(MANY),
        Some(n) => n.parse().ok(),
        None => None,
    }
}

/// The `fixed[x]`/`pattern[x]`/`minValue[x]`/... value of an element, whatever its type suffix.
pub(crate) fn prefixed_value(e: &Value, prefix: &str) -> Option<FValue> {
    let obj = e.as_object()?;
    obj.iter()
        .find(|(k, _)| {
            k.strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
        })
        .map(|(_, v)| FValue::from_json(v))
}

pub(crate) fn compile_structure(
    sd: &Value,
    package: u32,
    set: &mut ProfileSet,
    cache: &mut HashMap<Constraint, u32>,
) -> Result<Structure, CompileError> {
    let url = str_of(sd, "url").unwrap_or_default().to_string();
    let err = |message: &str| CompileError {
        url: url.clone(),
        message: message.to_string(),
    };
    let kind = match str_of(sd, "kind") {
        Some("primitive-type") => Kind::PrimitiveType,
        Some("complex-type") => Kind::ComplexType,
        Some("resource") => Kind::Resource,
        Some("logical") => Kind::Logical,
        _ => return Err(err("missing or unknown kind")),
    };
    let type_name = str_of(sd, "type")
        .ok_or_else(|| err("missing type"))?
        .to_string();
    let snapshot = sd
        .get("snapshot")
        .and_then(|s| s.get("element"))
        .and_then(Value::as_array)
        .ok_or_else(|| err("no snapshot"))?;
    if snapshot.is_empty() {
        return Err(err("empty snapshot"));
    }
    let contexts = compile_contexts(sd);
    let elements = compile_elements(snapshot, set, cache).map_err(|m| err(&m.to_string()))?;
    Ok(Structure {
        url: url.clone(),
        version: str_of(sd, "version").unwrap_or_default().to_string(),
        name: str_of(sd, "name").unwrap_or_default().to_string(),
        type_name,
        kind,
        is_profile: str_of(sd, "derivation") == Some("constraint"),
        is_abstract: sd.get("abstract").and_then(Value::as_bool) == Some(true),
        base_definition: str_of(sd, "baseDefinition").map(str::to_string),
        package,
        contexts,
        elements: elements.into(),
    })
}

/// A server CapabilityStatement's promised profiles per resource type (deduplicated, in
/// order); client statements are left out.
fn compile_capability(cs: &Value) -> Option<Capability> {
    let mut resources: Vec<(String, Vec<String>)> = Vec::new();
    for rest in cs.get("rest").and_then(Value::as_array)? {
        if str_of(rest, "mode") != Some("server") {
            continue;
        }
        for r in rest
            .get("resource")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(t) = str_of(r, "type") else {
                continue;
            };
            let mut profiles: Vec<String> = Vec::new();
            let listed = str_of(r, "profile").into_iter().chain(
                r.get("supportedProfile")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str),
            );
            for p in listed {
                if !profiles.iter().any(|x| x == p) {
                    profiles.push(p.to_string());
                }
            }
            resources.push((t.to_string(), profiles));
        }
    }
    Some(Capability {
        url: str_of(cs, "url")?.to_string(),
        version: str_of(cs, "version").unwrap_or_default().to_string(),
        resources,
    })
}

/// An extension definition's `context`s (R4 `context.type` + `context.expression`).
pub(crate) fn compile_contexts(sd: &Value) -> Vec<Context> {
    sd.get("context")
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .filter_map(|c| {
                    let e = str_of(c, "expression")?.to_string();
                    Some(match str_of(c, "type") {
                        Some("extension") => Context::Extension(e),
                        Some("fhirpath") => Context::FhirPath(e),
                        _ => Context::Element(e),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Split an element id into (parent id, name, slice name). `Patient.extension:race` →
/// (`Patient`, `extension`, `race`); slice names never contain dots.
pub(crate) fn split_id(id: &str) -> (Option<&str>, &str, Option<&str>) {
    let (parent, last) = match id.rfind('.') {
        Some(i) => (Some(&id[..i]), &id[i + 1..]),
        None => (None, id),
    };
    match last.split_once(':') {
        Some((name, slice)) => (parent, name, Some(slice)),
        None => (parent, last, None),
    }
}

fn compile_elements(
    snapshot: &[Value],
    set: &mut ProfileSet,
    cache: &mut HashMap<Constraint, u32>,
) -> Result<Vec<Element>, StructureError> {
    let mut elements: Vec<Element> = Vec::with_capacity(snapshot.len());
    let mut by_id: HashMap<String, u32> = HashMap::with_capacity(snapshot.len());
    // contentReference targets, resolved once every element is known
    let mut content_refs: Vec<(u32, String)> = Vec::new();
    // for snapshots without ids: the id of the last element seen at each path
    let mut last_at_path: HashMap<String, String> = HashMap::new();

    for e in snapshot {
        let path = str_of(e, "path").ok_or(StructureError::ElementWithoutPath)?;
        let slice_name = str_of(e, "sliceName");
        let id = match str_of(e, "id") {
            Some(id) => id.to_string(),
            None => synthesize_id(path, slice_name, &last_at_path),
        };
        last_at_path.insert(path.to_string(), id.clone());
        let index = elements.len() as u32;
        let element = compile_element(e, path, slice_name, set, cache);
        if let Some(r) = str_of(e, "contentReference") {
            content_refs.push((index, r.to_string()));
        }
        let (parent, name, slice) = split_id(&id);
        elements.push(element);
        by_id.insert(id.clone(), index);
        let Some(parent) = parent else {
            continue; // the root
        };
        if let Some(slice) = slice {
            // a slice (or re-slice `a/b`) of the element it is named after; a name with a
            // `/` but no slice `a` before it (US Core 5's `category:us-core/social-history`)
            // is a slice of the unsliced element, as Java reads the snapshot
            let element_id = format!("{parent}.{name}");
            let base = slice
                .rsplit_once('/')
                .and_then(|(outer, _)| by_id.get(&format!("{element_id}:{outer}")))
                .or_else(|| by_id.get(&element_id))
                .copied();
            if let Some(base) = base {
                add_slice(&mut elements, base, index);
                continue;
            }
        }
        let parent_index = *by_id
            .get(parent)
            .ok_or_else(|| StructureError::NoParent(id.clone()))?;
        // `Observation.valueQuantity` (an old-style type-specific path) is a type slice of
        // `Observation.value[x]`
        if slice.is_none()
            && let Some(choice) = choice_parent(&elements, parent_index, name)
        {
            if let Some(el) = elements.get_mut(index as usize) {
                el.slice_name = Some(name.to_string());
            }
            add_slice(&mut elements, choice, index);
            continue;
        }
        if let Some(p) = elements.get_mut(parent_index as usize) {
            p.children.push(index);
        }
    }
    for (index, reference) in content_refs {
        let target = reference.rsplit('#').next().unwrap_or_default();
        let target = by_id.get(target).copied().or_else(|| {
            elements
                .iter()
                .position(|el| el.path == target && el.slice_name.is_none())
                .map(|i| i as u32)
        });
        if let Some(el) = elements.get_mut(index as usize) {
            el.content_ref = target;
        }
    }
    // a choice element with type slices but no explicit slicing gets the implied type slicing
    for el in elements.iter_mut() {
        if el.slicing.is_none() && !el.slices.is_empty() && el.is_choice() {
            el.slicing = Some(Slicing {
                discriminators: vec![Discriminator {
                    kind: DiscriminatorType::Type,
                    path: "$this".into(),
                }],
                ordered: false,
                rules: SlicingRules::Open,
            });
        }
    }
    Ok(elements)
}

/// If `name` is a type-specific form of a choice child of `parent` (`valueQuantity` of
/// `value[x]`), that child.
fn choice_parent(elements: &[Element], parent: u32, name: &str) -> Option<u32> {
    let p = elements.get(parent as usize)?;
    p.children.iter().copied().find(|c| {
        elements.get(*c as usize).is_some_and(|el| {
            el.is_choice()
                && name
                    .strip_prefix(el.base_name())
                    .is_some_and(|rest| rest.starts_with(|ch: char| ch.is_ascii_uppercase()))
        })
    })
}

fn add_slice(elements: &mut [Element], base: u32, slice: u32) {
    if let Some(b) = elements.get_mut(base as usize) {
        b.slices.push(slice);
    }
}

pub(crate) fn synthesize_id(
    path: &str,
    slice: Option<&str>,
    last: &HashMap<String, String>,
) -> String {
    let (parent, name) = match path.rfind('.') {
        Some(i) => (Some(&path[..i]), &path[i + 1..]),
        None => (None, path),
    };
    let parent_id = parent.map(|p| last.get(p).cloned().unwrap_or_else(|| p.to_string()));
    let own = match slice {
        Some(s) => format!("{name}:{s}"),
        None => name.to_string(),
    };
    match parent_id {
        Some(p) => format!("{p}.{own}"),
        None => own,
    }
}

pub(crate) fn compile_element(
    e: &Value,
    path: &str,
    slice_name: Option<&str>,
    set: &mut ProfileSet,
    cache: &mut HashMap<Constraint, u32>,
) -> Element {
    let min = e.get("min").and_then(Value::as_u64).unwrap_or(0) as u32;
    let max = parse_max(str_of(e, "max")).unwrap_or(MANY);
    let base_max = e
        .get("base")
        .and_then(|b| parse_max(str_of(b, "max")))
        .unwrap_or(max);
    let types = e
        .get("type")
        .and_then(Value::as_array)
        .map(|ts| ts.iter().filter_map(compile_type).collect())
        .unwrap_or_default();
    let slicing = e.get("slicing").map(compile_slicing);
    let binding = e.get("binding").and_then(compile_binding);
    let constraints = compile_constraints(e, set, cache);
    let name = crate::model::last_segment(path).to_string();
    Element {
        path: path.to_string(),
        name,
        slice_name: slice_name.map(str::to_string),
        min,
        max,
        is_array: base_max > 1,
        types,
        children: Vec::new(),
        content_ref: None,
        slicing,
        slices: Vec::new(),
        fixed: prefixed_value(e, "fixed"),
        pattern: prefixed_value(e, "pattern"),
        max_length: e
            .get("maxLength")
            .and_then(Value::as_u64)
            .map(|n| n.min(u32::MAX as u64) as u32),
        min_value: prefixed_value(e, "minValue"),
        max_value: prefixed_value(e, "maxValue"),
        binding,
        constraints,
        is_modifier: e.get("isModifier").and_then(Value::as_bool) == Some(true),
        must_support: e.get("mustSupport").and_then(Value::as_bool) == Some(true),
    }
}

pub(crate) fn compile_constraints(
    e: &Value,
    set: &mut ProfileSet,
    cache: &mut HashMap<Constraint, u32>,
) -> Vec<u32> {
    e.get("constraint")
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .filter_map(|c| {
                    let constraint = Constraint {
                        key: str_of(c, "key")?.to_string(),
                        error: str_of(c, "severity") != Some("warning"),
                        human: str_of(c, "human").unwrap_or_default().to_string(),
                        expression: str_of(c, "expression")?.to_string(),
                    };
                    Some(set.intern_constraint(constraint, cache))
                })
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) fn compile_type(t: &Value) -> Option<TypeRef> {
    let code = str_of(t, "code")?;
    // `http://hl7.org/fhirpath/System.String` with the fhir-type extension names the FHIR type
    let code = t
        .get("extension")
        .and_then(Value::as_array)
        .and_then(|exts| {
            exts.iter().find(|x| {
                str_of(x, "url")
                    == Some("http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type")
            })
        })
        .and_then(|x| str_of(x, "valueUrl").or_else(|| str_of(x, "valueUri")))
        .unwrap_or(code);
    Some(TypeRef {
        code: code.to_string(),
        profiles: strings_of(t, "profile"),
        target_profiles: strings_of(t, "targetProfile"),
    })
}

pub(crate) fn compile_slicing(s: &Value) -> Slicing {
    let discriminators = s
        .get("discriminator")
        .and_then(Value::as_array)
        .map(|ds| {
            ds.iter()
                .filter_map(|d| {
                    let kind = match str_of(d, "type")? {
                        "value" => DiscriminatorType::Value,
                        "pattern" => DiscriminatorType::Pattern,
                        "type" => DiscriminatorType::Type,
                        "profile" => DiscriminatorType::Profile,
                        "exists" => DiscriminatorType::Exists,
                        _ => return None,
                    };
                    Some(Discriminator {
                        kind,
                        path: str_of(d, "path").unwrap_or("$this").to_string(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Slicing {
        discriminators,
        ordered: s.get("ordered").and_then(Value::as_bool).unwrap_or(false),
        rules: match str_of(s, "rules") {
            Some("closed") => SlicingRules::Closed,
            Some("openAtEnd") => SlicingRules::OpenAtEnd,
            _ => SlicingRules::Open,
        },
    }
}

pub(crate) fn compile_binding(b: &Value) -> Option<Binding> {
    let strength = match str_of(b, "strength")? {
        "required" => BindingStrength::Required,
        "extensible" => BindingStrength::Extensible,
        "preferred" => BindingStrength::Preferred,
        _ => BindingStrength::Example,
    };
    let max_value_set = b
        .get("extension")
        .and_then(Value::as_array)
        .and_then(|exts| {
            exts.iter().find(|x| {
                str_of(x, "url")
                    == Some("http://hl7.org/fhir/StructureDefinition/elementdefinition-maxValueSet")
            })
        })
        .and_then(|x| str_of(x, "valueCanonical"))
        .map(str::to_string);
    // additional bindings: the R5 element as a cross-version extension, or the tools IG's
    let additional = b
        .get("extension")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|x| {
            matches!(
                str_of(x, "url"),
                Some(
                    "http://hl7.org/fhir/5.0/StructureDefinition/extension-ElementDefinition.binding.additional"
                        | "http://hl7.org/fhir/tools/StructureDefinition/additional-binding"
                )
            )
        })
        .filter_map(|x| {
            let part = |name: &str, value: &str| {
                x.get("extension")
                    .and_then(Value::as_array)?
                    .iter()
                    .find(|p| str_of(p, "url") == Some(name))
                    .and_then(|p| str_of(p, value))
                    .map(str::to_string)
            };
            Some((part("purpose", "valueCode")?, part("valueSet", "valueCanonical")?))
        })
        .collect();
    Some(Binding {
        strength,
        value_set: str_of(b, "valueSet").map(str::to_string),
        max_value_set,
        additional,
    })
}

#[cfg(test)]
mod tests {
    use super::Compiler;
    use serde_json::json;

    /// A set of one CodeSystem, three value sets of it, and a structure binding `vs1` whose
    /// invariant has `expression`.
    fn compiled(expression: &str) -> crate::model::ProfileSet {
        let mut c = Compiler::new();
        let p = c.add_package("test#1.0.0");
        c.add_resource(
            &json!({"resourceType": "CodeSystem", "url": "http://x/cs", "content": "complete",
                "concept": [{"code": "a", "display": "A"}, {"code": "b"}]}),
            p,
        );
        for vs in ["vs1", "vs2", "vs3"] {
            c.add_resource(
                &json!({"resourceType": "ValueSet", "url": format!("http://x/{vs}"),
                    "compose": {"include": [{"system": "http://x/cs"}]}}),
                p,
            );
        }
        c.add_resource(
            &json!({"resourceType": "StructureDefinition", "url": "http://x/sd", "kind": "resource",
                "type": "Foo", "snapshot": {"element": [
                    {"id": "Foo", "path": "Foo", "min": 0, "max": "*", "constraint": [
                        {"key": "x-1", "severity": "error", "human": "h", "expression": expression}]},
                    {"id": "Foo.code", "path": "Foo.code", "min": 0, "max": "1",
                        "type": [{"code": "code"}],
                        "binding": {"strength": "required", "valueSet": "http://x/vs1|1.0"}}]}}),
            p,
        );
        c.finish()
    }

    #[test]
    fn only_the_value_sets_a_rule_can_ask_for_are_kept() {
        let t = |set: &crate::model::ProfileSet, vs: &str| {
            set.terminology
                .value_set_sources(&format!("http://x/{vs}"))
                .len()
        };
        let set = compiled("code.memberOf( 'http://x/vs2')");
        assert_eq!((t(&set, "vs1"), t(&set, "vs2"), t(&set, "vs3")), (1, 1, 0));
        // the CodeSystem stays whole: codes and displays of any coding are checked
        assert_eq!(
            set.terminology.code_in_system("http://x/cs", "b"),
            Some(true)
        );
        assert_eq!(
            set.terminology.display_ok("http://x/cs", "a", "A"),
            Some(true)
        );
        // an argument computed, not named: every value set is kept
        let set = compiled("code.memberOf(%vs)");
        assert_eq!((t(&set, "vs1"), t(&set, "vs2"), t(&set, "vs3")), (1, 1, 1));
    }
}
