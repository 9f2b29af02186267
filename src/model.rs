//! The compiled profile set: the intermediate representation between the compiler and the
//! validator (like `regex`'s HIR). A StructureDefinition becomes a [`Structure`]: a flat vector of
//! [`Element`]s forming a tree (children and slices are indexes), carrying only what validation
//! needs. Cross-structure links (type codes, type profiles, extension URLs) are resolved by
//! canonical URL through [`ProfileSet`]'s index, built once when the set is loaded.
//!
//! Serialised with postcard behind a small header (see `profiles/FORMAT.md`).

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

// the versions of one canonical in the index are ordered by `compare_versions`; the one home
// of version orders is `crate::package::version`
pub use crate::package::version::compare_dotted as compare_versions;

/// A JSON value as stored in the profile set (fixed/pattern values, min/max values). Numbers keep
/// their decimal text so comparisons are exact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FValue {
    /// JSON `null`.
    Null,
    /// A JSON boolean.
    Bool(bool),
    /// A JSON number, as its decimal text.
    Number(String),
    /// A JSON string.
    String(String),
    /// A JSON array.
    Array(Vec<FValue>),
    /// A JSON object, its members in order.
    Object(Vec<(String, FValue)>),
}

impl FValue {
    /// The stored form of a JSON value.
    pub fn from_json(v: &serde_json::Value) -> FValue {
        match v {
            serde_json::Value::Null => FValue::Null,
            serde_json::Value::Bool(b) => FValue::Bool(*b),
            serde_json::Value::Number(n) => FValue::Number(n.to_string()),
            serde_json::Value::String(s) => FValue::String(s.clone()),
            serde_json::Value::Array(a) => FValue::Array(a.iter().map(FValue::from_json).collect()),
            serde_json::Value::Object(o) => FValue::Object(
                o.iter()
                    .map(|(k, v)| (k.clone(), FValue::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// Compact JSON text, for messages.
    pub fn to_json_text(&self) -> String {
        match self {
            FValue::Null => "null".into(),
            FValue::Bool(b) => b.to_string(),
            FValue::Number(n) => n.clone(),
            FValue::String(s) => serde_json::Value::String(s.clone()).to_string(),
            FValue::Array(a) => {
                let parts: Vec<String> = a.iter().map(FValue::to_json_text).collect();
                format!("[{}]", parts.join(","))
            }
            FValue::Object(o) => {
                let parts: Vec<String> = o
                    .iter()
                    .map(|(k, v)| {
                        format!(
                            "{}:{}",
                            serde_json::Value::String(k.clone()),
                            v.to_json_text()
                        )
                    })
                    .collect();
                format!("{{{}}}", parts.join(","))
            }
        }
    }
}

/// A StructureDefinition's `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    /// A primitive type (`string`, `date`, ...).
    PrimitiveType,
    /// A complex data type (`HumanName`, `Extension`, ...).
    ComplexType,
    /// A resource type or a profile of one.
    Resource,
    /// A logical model.
    Logical,
}

/// A compiled StructureDefinition: its identity and its elements as a flat tree.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Structure {
    /// Canonical URL.
    pub url: String,
    /// Business version (empty when none).
    pub version: String,
    /// Computer-friendly name.
    pub name: String,
    /// The type this structure defines or constrains (`Patient`, `Extension`, `string`).
    pub type_name: String,
    /// The StructureDefinition `kind`.
    pub kind: Kind,
    /// `derivation = constraint` (a profile), as opposed to a base definition.
    pub is_profile: bool,
    /// `abstract = true`.
    pub is_abstract: bool,
    /// The canonical it derives from (`baseDefinition`).
    pub base_definition: Option<String>,
    /// Index into [`ProfileSet::packages`].
    pub package: u32,
    /// For extensions: where they may be used.
    pub contexts: Vec<Context>,
    /// `elements[0]` is the root.
    pub elements: Elements,
}

/// A structure's elements (a `Vec<Element>` to use). A structure loaded from a profile set
/// keeps its elements encoded and decodes them on first use: loading a set then decodes only
/// what its index needs, and a validation run uses a fraction of the structures. In the file
/// they are one length-prefixed postcard blob per structure (bytes that do not decode, which
/// only a damaged file can hold, give no elements), each element preceded by its front-coded
/// path and, where it is not the path's last segment, its JSON name.
#[derive(Clone, Default)]
pub struct Elements {
    /// The elements, when built in memory or changed.
    list: Vec<Element>,
    /// Decoded from `encoded` on first use (when `encoded` is not empty).
    lazy: OnceLock<Vec<Element>>,
    encoded: Box<[u8]>,
}

impl Elements {
    fn decode(bytes: &[u8]) -> Vec<Element> {
        let wire: Vec<(u32, String, Option<String>, Element)> =
            postcard::from_bytes(bytes).unwrap_or_default();
        let mut out: Vec<Element> = Vec::with_capacity(wire.len());
        for (shared, rest, name, mut e) in wire {
            let prev = out.last().map_or("", |p| p.path.as_str());
            let Some(head) = prev.get(..shared as usize) else {
                // (only a damaged file: no elements, as when the bytes do not decode)
                return Vec::new();
            };
            e.path = format!("{head}{rest}");
            e.name = name.unwrap_or_else(|| last_segment(&e.path).to_string());
            out.push(e);
        }
        out
    }

    fn encode(list: &[Element]) -> Result<Vec<u8>, postcard::Error> {
        let mut prev = "";
        let wire: Vec<(u32, &str, Option<&str>, &Element)> = list
            .iter()
            .map(|e| {
                let shared = shared_prefix(prev, &e.path);
                prev = &e.path;
                (
                    shared as u32,
                    e.path.get(shared..).unwrap_or_default(),
                    Some(e.name.as_str()).filter(|n| *n != last_segment(&e.path)),
                    e,
                )
            })
            .collect();
        postcard::to_allocvec(&wire)
    }
}

/// The length of the longest common prefix of `a` and `b` that ends on a character boundary.
fn shared_prefix(a: &str, b: &str) -> usize {
    let n = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    (0..=n).rev().find(|&k| b.is_char_boundary(k)).unwrap_or(0)
}

/// The last segment of an element path: the element's JSON name, as the compiler sets it (the
/// file stores a name only where it differs, as after a snapshot copy renames a root).
pub(crate) fn last_segment(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

impl From<Vec<Element>> for Elements {
    fn from(list: Vec<Element>) -> Self {
        Elements {
            list,
            ..Elements::default()
        }
    }
}

impl std::ops::Deref for Elements {
    type Target = Vec<Element>;
    fn deref(&self) -> &Vec<Element> {
        if self.encoded.is_empty() {
            &self.list
        } else {
            self.lazy.get_or_init(|| Elements::decode(&self.encoded))
        }
    }
}

impl std::ops::DerefMut for Elements {
    fn deref_mut(&mut self) -> &mut Vec<Element> {
        if !self.encoded.is_empty() {
            self.list = match self.lazy.take() {
                Some(list) => list,
                None => Elements::decode(&self.encoded),
            };
            self.encoded = Box::default();
        }
        &mut self.list
    }
}

impl<'a> IntoIterator for &'a Elements {
    type Item = &'a Element;
    type IntoIter = std::slice::Iter<'a, Element>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl std::fmt::Debug for Elements {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for Elements {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if !self.encoded.is_empty() && self.lazy.get().is_none() {
            // never decoded: written back as read
            return s.serialize_bytes(&self.encoded);
        }
        let bytes = Elements::encode(self).map_err(serde::ser::Error::custom)?;
        s.serialize_bytes(&bytes)
    }
}

impl<'de> Deserialize<'de> for Elements {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let encoded = d.deserialize_bytes(BytesVisitor)?;
        Ok(Elements {
            encoded,
            ..Elements::default()
        })
    }
}

/// A part of a set that a loaded set keeps encoded (postcard) until first used, behind
/// [`Deref`](std::ops::Deref): loading a set then copies its bytes and decodes nothing, and a
/// validation that never asks for the part never pays for decoding it. In the file it is one
/// length-prefixed byte string. Bytes that do not decode, which only a damaged file can hold,
/// give the part's default (empty) value, as [`Elements`] give no elements.
#[derive(Clone, Default)]
pub struct Deferred<T> {
    /// The value, when built in memory or changed (when `encoded` is empty).
    owned: T,
    /// Decoded from `encoded` on first use (when `encoded` is not empty).
    lazy: OnceLock<T>,
    encoded: Box<[u8]>,
}

impl<T: Default + serde::de::DeserializeOwned> Deferred<T> {
    fn decode(bytes: &[u8]) -> T {
        postcard::from_bytes(bytes).unwrap_or_default()
    }
}

impl<T: Default + serde::de::DeserializeOwned> std::ops::Deref for Deferred<T> {
    type Target = T;
    fn deref(&self) -> &T {
        if self.encoded.is_empty() {
            &self.owned
        } else {
            self.lazy.get_or_init(|| Deferred::decode(&self.encoded))
        }
    }
}

impl<T: Default + serde::de::DeserializeOwned> std::ops::DerefMut for Deferred<T> {
    fn deref_mut(&mut self) -> &mut T {
        if !self.encoded.is_empty() {
            self.owned = match self.lazy.take() {
                Some(v) => v,
                None => Deferred::decode(&self.encoded),
            };
            self.encoded = Box::default();
        }
        &mut self.owned
    }
}

impl<T: std::fmt::Debug + Default + serde::de::DeserializeOwned> std::fmt::Debug for Deferred<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

impl<T: Serialize> Serialize for Deferred<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if !self.encoded.is_empty() {
            // unchanged since read: written back as read
            return s.serialize_bytes(&self.encoded);
        }
        let bytes = postcard::to_allocvec(&self.owned).map_err(serde::ser::Error::custom)?;
        s.serialize_bytes(&bytes)
    }
}

impl<'de, T: Default> Deserialize<'de> for Deferred<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Deferred {
            owned: T::default(),
            lazy: OnceLock::new(),
            encoded: d.deserialize_bytes(BytesVisitor)?,
        })
    }
}

/// Reads a byte string (postcard's form of [`Elements`] and [`Deferred`]).
struct BytesVisitor;

impl<'de> serde::de::Visitor<'de> for BytesVisitor {
    type Value = Box<[u8]>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("encoded bytes")
    }
    fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Box<[u8]>, E> {
        Ok(v.into())
    }
    fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Box<[u8]>, E> {
        Ok(v.into_boxed_slice())
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Box<[u8]>, A::Error> {
        let mut out = Vec::new();
        while let Some(b) = seq.next_element::<u8>()? {
            out.push(b);
        }
        Ok(out.into_boxed_slice())
    }
}

/// An extension's `context`: an element (path or type), another extension (URL), or a FHIRPath
/// expression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Context {
    /// An element path or type name (`type = element`).
    Element(String),
    /// Another extension's URL (`type = extension`).
    Extension(String),
    /// A FHIRPath expression (`type = fhirpath`).
    FhirPath(String),
}

/// `Element::max` for an unbounded (`*`) cardinality.
pub const MANY: u32 = u32::MAX;

/// One element of a structure's snapshot, with only what validation needs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Element {
    /// Element path as in the snapshot (`Patient.name.given`, `Observation.value[x]`). Not
    /// serialised with the element: [`Elements`] stores it front-coded (the length of the
    /// prefix it shares with the previous element's path, then the rest).
    #[serde(skip)]
    pub path: String,
    /// The JSON name: last path segment (`given`, `value[x]`). Not serialised with the element:
    /// [`Elements`] stores it only where it is not the path's last segment.
    #[serde(skip)]
    pub name: String,
    /// `sliceName` (on slice roots).
    pub slice_name: Option<String>,
    /// Minimum cardinality.
    pub min: u32,
    /// [`MANY`] for `*`.
    pub max: u32,
    /// The JSON form is an array (the base definition's max is not 1).
    pub is_array: bool,
    /// The allowed types, with their profiles and target profiles.
    pub types: Vec<TypeRef>,
    /// Children (not slices), as element indexes in the same structure.
    pub children: Vec<u32>,
    /// `contentReference`: use the children of this element instead.
    pub content_ref: Option<u32>,
    /// `slicing`, on sliced elements.
    pub slicing: Option<Slicing>,
    /// Slice root elements, in definition order.
    pub slices: Vec<u32>,
    /// `fixed[x]`.
    pub fixed: Option<FValue>,
    /// `pattern[x]`.
    pub pattern: Option<FValue>,
    /// `maxLength`.
    pub max_length: Option<u32>,
    /// `minValue[x]`.
    pub min_value: Option<FValue>,
    /// `maxValue[x]`.
    pub max_value: Option<FValue>,
    /// The terminology binding.
    pub binding: Option<Binding>,
    /// Indexes into [`ProfileSet::constraints`].
    pub constraints: Vec<u32>,
    /// `isModifier` (on an extension definition's root: a modifier extension).
    pub is_modifier: bool,
    /// `mustSupport` (read by the Must Support coverage report, not by validation).
    pub must_support: bool,
}

impl Element {
    /// A choice element (`value[x]`).
    pub fn is_choice(&self) -> bool {
        self.name.ends_with("[x]")
    }
    /// The JSON name without `[x]`.
    pub fn base_name(&self) -> &str {
        self.name.strip_suffix("[x]").unwrap_or(&self.name)
    }
}

/// One allowed type of an element.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TypeRef {
    /// FHIR type code (`string`, `Reference`, `Patient`); FHIRPath system types keep their URL.
    pub code: String,
    /// `type.profile`: profiles the value must meet (any of them).
    pub profiles: Vec<String>,
    /// `type.targetProfile`: profiles a reference's target must meet (any of them).
    pub target_profiles: Vec<String>,
}

/// `slicing.discriminator.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DiscriminatorType {
    /// `value`: the value at the path is fixed or bound.
    Value,
    /// `pattern`: the value at the path matches a pattern.
    Pattern,
    /// `type`: the type at the path.
    Type,
    /// `profile`: the profile the value at the path meets.
    Profile,
    /// `exists`: whether the path is present.
    Exists,
}

/// One `slicing.discriminator`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Discriminator {
    /// Its type.
    pub kind: DiscriminatorType,
    /// Its FHIRPath-like path (`code`, `$this`, `resolve()`, ...).
    pub path: String,
}

/// `slicing.rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SlicingRules {
    /// No element outside the slices.
    Closed,
    /// Elements outside the slices anywhere.
    Open,
    /// Elements outside the slices only after them.
    OpenAtEnd,
}

/// An element's `slicing`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Slicing {
    /// How slices are told apart.
    pub discriminators: Vec<Discriminator>,
    /// Slices must come in definition order.
    pub ordered: bool,
    /// Whether other elements are allowed.
    pub rules: SlicingRules,
}

/// `binding.strength`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BindingStrength {
    /// The code must come from the value set.
    Required,
    /// The code should come from the value set; another where none fits.
    Extensible,
    /// The value set is a suggestion.
    Preferred,
    /// The value set is an example.
    Example,
}

/// An element's terminology binding.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Binding {
    /// How strictly.
    pub strength: BindingStrength,
    /// The value set's canonical (`url|version` allowed).
    pub value_set: Option<String>,
    /// The `maxValueSet` extension's value set.
    pub max_value_set: Option<String>,
    /// Additional bindings (R5 `binding.additional`, carried in R4 by an extension): (purpose,
    /// value set), e.g. (`required`, a value set the codes must also come from).
    pub additional: Vec<(String, String)>,
}

/// An invariant (`constraint`), shared by the elements that carry it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Constraint {
    /// Its key (`us-core-8`, `ele-1`).
    pub key: String,
    /// Severity `error` (else a warning).
    pub error: bool,
    /// Its human description.
    pub human: String,
    /// Its FHIRPath expression.
    pub expression: String,
}

/// A server CapabilityStatement, reduced to the profiles it promises per resource type
/// (`rest.resource.profile` then `supportedProfile`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Capability {
    /// Canonical URL.
    pub url: String,
    /// Business version.
    pub version: String,
    /// Per resource type, the profiles promised.
    pub resources: Vec<(String, Vec<String>)>,
}

impl Capability {
    /// The profiles promised for `resource_type` (none if the type is not listed).
    pub fn profiles_for(&self, resource_type: &str) -> &[String] {
        self.resources
            .iter()
            .find(|(t, _)| t == resource_type)
            .map_or(&[], |(_, p)| p.as_slice())
    }
}

/// A SearchParameter, reduced to what cross-resource rules compare.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SearchParam {
    /// Canonical URL.
    pub url: String,
    /// Business version.
    pub version: String,
    /// Its type (`token`, `reference`, ...).
    pub kind: String,
    /// The resource types it applies to.
    pub base: Vec<String>,
}

/// A Questionnaire or Measure, kept as its JSON text: the rules that compare a
/// QuestionnaireResponse or MeasureReport with its definition parse it when they need it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Definition {
    /// `Questionnaire` or `Measure`.
    pub resource_type: String,
    /// Canonical URL.
    pub url: String,
    /// Business version.
    pub version: String,
    /// The resource's JSON text.
    pub json: String,
}

/// What the loader knew of one package of a set (parallel to [`ProfileSet::packages`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PackageInfo {
    /// The package's canonical base (`http://hl7.org/fhir/us/carin-bb`), when it states one.
    pub canonical: Option<String>,
    /// Its direct dependencies as loaded (indexes into [`ProfileSet::packages`]).
    pub dependencies: Vec<u32>,
    /// When it stands in for another version that a package asked for and that is not
    /// available (`hl7.fhir.us.carin-bb#2.1.0`): that `name#version`.
    pub stands_in_for: Option<String>,
}

/// Everything the validator needs, compiled once.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ProfileSet {
    /// `name#version` of each package compiled in.
    pub packages: Vec<String>,
    /// Per package (same order as `packages`): canonical, dependencies, substitution.
    pub package_info: Vec<PackageInfo>,
    /// What the package resolution had to say (substitutions, missing dependencies).
    pub notes: Vec<String>,
    /// The structures (base definitions, profiles, extensions); [`StructId`] indexes them.
    pub structures: Vec<Structure>,
    /// The invariants; [`Element::constraints`] indexes them.
    pub constraints: Vec<Constraint>,
    /// `ImplementationGuide.global`: (resource type, profile) every such resource must meet.
    pub global_profiles: Vec<(String, String)>,
    /// Server CapabilityStatements: what a server promises per resource type.
    pub capabilities: Vec<Capability>,
    /// CodeSystems and ValueSet expansions, for bindings and `memberOf`.
    pub terminology: Deferred<crate::terminology::Terminology>,
    /// SearchParameters (for the rules on SearchParameters and CapabilityStatements).
    pub search_params: Vec<SearchParam>,
    /// Questionnaires and Measures (for QuestionnaireResponse and MeasureReport rules).
    pub definitions: Vec<Definition>,
    #[serde(skip)]
    index: Index,
}

#[derive(Debug, Clone, Default)]
struct Index {
    /// canonical URL → structure ids, newest version last.
    by_url: FxHashMap<String, Vec<u32>>,
    /// type name → the base (non-profile) structure defining it.
    by_type: FxHashMap<String, u32>,
    /// `structures[i]`'s children packed for the walk, built on first use.
    children: Vec<std::sync::OnceLock<Children>>,
    /// Per package: the package and its transitive dependencies, sorted.
    closure: Vec<Vec<u32>>,
}

/// The children of every element of one structure, packed: matching a JSON property to a
/// child and finding the children that need a check touch these few bytes per child, not
/// the (large) elements.
#[derive(Debug, Clone, Default)]
pub struct Children {
    /// Element `i`'s children are `entries[start[i]..start[i + 1]]`.
    start: Vec<u32>,
    entries: Vec<Child>,
}

/// One child of an element, as [`Children`] packs it.
#[derive(Debug, Clone, Copy)]
pub struct Child {
    /// The child's element index.
    pub index: u32,
    /// Length of its JSON name (without `[x]` for a choice).
    pub name_len: u32,
    /// The first 8 bytes of that name ([`name_prefix`]): a name of up to 8 bytes (most) is
    /// matched without reading the element.
    pub prefix: u64,
    /// A choice element (`value[x]`).
    pub is_choice: bool,
    /// Needs checking even when absent from the data: `min > 0`, or sliced (the slices'
    /// own minimums).
    pub check_absent: bool,
}

/// The first 8 bytes of `name` as a little-endian number, zero-padded (the JSON names of
/// [`Child`]ren, and the property names matched against them).
pub fn name_prefix(name: &[u8]) -> u64 {
    match name.first_chunk::<8>() {
        Some(head) => u64::from_le_bytes(*head),
        // (no copy into a buffer: that is a `memcpy` call per property)
        None => name.iter().rev().fold(0, |acc, &b| acc << 8 | u64::from(b)),
    }
}

impl Children {
    fn new(s: &Structure) -> Children {
        let mut start = Vec::with_capacity(s.elements.len() + 1);
        let mut entries = Vec::new();
        for e in &s.elements {
            start.push(entries.len() as u32);
            for &c in &e.children {
                let Some(ce) = s.elements.get(c as usize) else {
                    continue;
                };
                let name = ce.base_name();
                entries.push(Child {
                    index: c,
                    name_len: name.len() as u32,
                    prefix: name_prefix(name.as_bytes()),
                    is_choice: ce.is_choice(),
                    check_absent: ce.min > 0 || (ce.slicing.is_some() && !ce.slices.is_empty()),
                });
            }
        }
        start.push(entries.len() as u32);
        Children { start, entries }
    }

    /// The children of element `el`, in definition order (those of [`Element::children`]).
    pub fn of(&self, el: u32) -> &[Child] {
        let range = self
            .start
            .get(el as usize)
            .zip(self.start.get(el as usize + 1));
        range
            .and_then(|(&a, &b)| self.entries.get(a as usize..b as usize))
            .unwrap_or_default()
    }
}

/// Index of a structure in [`ProfileSet::structures`].
pub type StructId = u32;

impl ProfileSet {
    /// Rebuild the lookup index; call after changing `structures`.
    pub fn reindex(&mut self) {
        let mut index = Index::default();
        for (i, s) in self.structures.iter().enumerate() {
            let id = i as u32;
            index.by_url.entry(s.url.clone()).or_default().push(id);
            if !s.is_profile && s.kind != Kind::Logical {
                // the first definition of a type wins (R4 core is compiled first)
                index.by_type.entry(s.type_name.clone()).or_insert(id);
            }
        }
        index.children = self
            .structures
            .iter()
            .map(|_| std::sync::OnceLock::new())
            .collect();
        index.closure = (0..self.packages.len() as u32)
            .map(|p| self.dependency_closure(p))
            .collect();
        for ids in index.by_url.values_mut() {
            let structures = &self.structures;
            ids.sort_by(|a, b| {
                let va = structures.get(*a as usize).map(|s| s.version.as_str());
                let vb = structures.get(*b as usize).map(|s| s.version.as_str());
                compare_versions(va.unwrap_or(""), vb.unwrap_or(""))
            });
        }
        self.index = index;
    }

    /// The structure of `id` (panics only on an id not from this set).
    pub fn structure(&self, id: StructId) -> &Structure {
        // ids only come from the index, built from `structures`
        &self.structures[id as usize]
    }

    /// The children of structure `id`'s elements, packed (built on first use).
    pub fn children(&self, id: StructId) -> Option<&Children> {
        let cell = self.index.children.get(id as usize)?;
        let s = self.structures.get(id as usize)?;
        Some(cell.get_or_init(|| Children::new(s)))
    }

    /// Resolve a canonical, honouring `url|version` (newest version when none is given; a
    /// version names that version or, written partially like `3.1`, its newest patch).
    pub fn resolve(&self, canonical: &str) -> Option<StructId> {
        let (url, version) = crate::canonical::split(canonical);
        let ids = self.index.by_url.get(url)?;
        match version {
            None => ids.last().copied(),
            Some(v) => ids
                .iter()
                .rev()
                .find(|id| {
                    let sv = &self.structure(**id).version;
                    sv == v || sv.starts_with(&format!("{v}."))
                })
                .copied(),
        }
    }

    /// Resolve a canonical met in a definition of package `package` (a type profile, target
    /// profile or base of one of its profiles): `url|version` as [`ProfileSet::resolve`];
    /// without a version, the newest version among the package and its dependency closure,
    /// else the newest loaded (as the Java validator resolves references within a package's
    /// own dependencies first).
    pub fn resolve_from(&self, canonical: &str, package: u32) -> Option<StructId> {
        if canonical.contains('|') {
            return self.resolve(canonical);
        }
        let ids = self.index.by_url.get(canonical)?;
        if ids.len() > 1
            && let Some(closure) = self.index.closure.get(package as usize)
            && let Some(id) = ids
                .iter()
                .rev()
                .find(|id| closure.binary_search(&self.structure(**id).package).is_ok())
        {
            return Some(*id);
        }
        ids.last().copied()
    }

    /// The versions of structure `url` that are loaded, oldest first.
    pub fn versions_of(&self, url: &str) -> Vec<&str> {
        self.index.by_url.get(url).map_or_else(Vec::new, |ids| {
            let mut v: Vec<&str> = ids
                .iter()
                .map(|id| self.structure(*id).version.as_str())
                .collect();
            v.dedup();
            v
        })
    }

    /// Package `package` and its transitive dependencies, sorted (indexes into `packages`).
    fn dependency_closure(&self, package: u32) -> Vec<u32> {
        let mut out = vec![package];
        let mut i = 0;
        while let Some(p) = out.get(i).copied() {
            for d in self
                .package_info
                .get(p as usize)
                .map_or(&[][..], |info| info.dependencies.as_slice())
            {
                if !out.contains(d) {
                    out.push(*d);
                }
            }
            i += 1;
        }
        out.sort_unstable();
        out
    }

    /// Package `package` and its transitive dependencies (as [`ProfileSet::reindex`] found them).
    pub fn closure_of(&self, package: u32) -> &[u32] {
        self.index
            .closure
            .get(package as usize)
            .map_or(&[], Vec::as_slice)
    }

    /// When a definition with canonical `url` may come from a package that stands in for
    /// another version (its canonical base is a prefix of `url`): `(loaded name#version,
    /// asked name#version)`. The longest matching canonical base decides.
    pub fn substitute_for(&self, url: &str) -> Option<(&str, &str)> {
        self.package_info
            .iter()
            .zip(&self.packages)
            .filter_map(|(info, name)| {
                let base = info.canonical.as_deref()?;
                let rest = url.strip_prefix(base)?;
                (rest.is_empty() || rest.starts_with('/')).then_some((base.len(), info, name))
            })
            .max_by_key(|(len, _, _)| *len)
            .and_then(|(_, info, name)| Some((name.as_str(), info.stands_in_for.as_deref()?)))
    }

    /// When package `name#version` stands in for another version: the asked `name#version`.
    pub fn stands_in_for(&self, package: &str) -> Option<&str> {
        let i = self.packages.iter().position(|p| p == package)?;
        self.package_info.get(i)?.stands_in_for.as_deref()
    }

    /// A SearchParameter by canonical URL (`url|version` honoured).
    pub fn search_param(&self, canonical: &str) -> Option<&SearchParam> {
        let (url, version) = crate::canonical::split(canonical);
        self.search_params
            .iter()
            .rev()
            .find(|p| p.url == url && version.is_none_or(|v| p.version == v))
    }

    /// A Questionnaire or Measure by canonical URL (`url|version` honoured as by
    /// [`ProfileSet::resolve`]; newest loaded last wins when no version is given).
    pub fn definition(&self, resource_type: &str, canonical: &str) -> Option<&Definition> {
        let (url, version) = crate::canonical::split(canonical);
        self.definitions.iter().rev().find(|d| {
            d.resource_type == resource_type
                && d.url == url
                && version.is_none_or(|v| d.version == v || d.version.starts_with(&format!("{v}.")))
        })
    }

    /// The base definition of a type (`Patient`, `HumanName`, `string`).
    pub fn type_def(&self, type_name: &str) -> Option<StructId> {
        self.index.by_type.get(type_name).copied()
    }

    /// The index of this constraint, added if new (constraints are shared by key and expression).
    pub fn intern_constraint(
        &mut self,
        c: Constraint,
        cache: &mut HashMap<Constraint, u32>,
    ) -> u32 {
        if let Some(i) = cache.get(&c) {
            return *i;
        }
        let i = self.constraints.len() as u32;
        self.constraints.push(c.clone());
        cache.insert(c, i);
        i
    }
}
