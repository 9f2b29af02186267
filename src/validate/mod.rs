//! The validation engine: [`Validator`] (a profile set, its [`Options`] and the caches it fills,
//! `memo`) and the walker. The walker goes over the JSON data once per applicable structure (the
//! base type and each profile; a profile named twice, as declared and as promised in
//! member-history mode, is walked once), guided by the compiled element tree: the data drives
//! the walk; the schema is only looked up.
//!
//! Each family of rules lives in its own module, as `impl Walker` blocks: `structure`
//! (properties, cardinality, choice names), `slicing`, `value` (primitive values through the
//! leaf checkers of [`crate::checks`], fixed/pattern, min/max, length, narrative), `extension`,
//! `reference` and `bundle` (reference resolution, Bundle rules), `binding` (terminology),
//! `invariant` (FHIRPath constraints, with the type model the engine needs), `member`
//! (`--mode pdex`), `implied` (global profiles), `business`, `questionnaire`, `measure` and
//! `profile_content` (resources against their definitions); `path` renders the
//! FHIRPath of an issue lazily. A family that remembers something during one validation owns
//! that state (`invariant::Memory`, `binding::Memory`, `reference::Memory`); the walker itself
//! keeps only what the walk shares: the path, the probe depth, the resources and Bundles being
//! walked and which (data, structure) pairs were walked already.
//!
//! Issues go to the `sink` with a byte offset and a formatted path only when a rule fails
//! outside a probe, with the invariant key or Java message id they answer to
//! ([`crate::Issue::key`]); the sink keeps each once, up to the cap, and computes line and
//! column at the end, only if there are issues.

mod binding;
mod bundle;
mod business;
mod extension;
mod implied;
mod invariant;
mod measure;
mod member;
mod memo;
pub use memo::effective_expression;
mod path;
pub use invariant::TypeModel;
mod profile_content;
mod questionnaire;
mod reference;
mod sink;
mod slicing;
mod structure;
mod value;

use crate::checks::{primitive, xhtml};
use crate::json::{self, Node, NodeId, Value};
use crate::model::{Capability, Kind, ProfileSet, StructId, Structure};
use crate::outcome::{Issue, OperationOutcome, Severity};
use path::{Path, Seg};
use rustc_hash::{FxHashMap, FxHashSet};
use smallvec::SmallVec;

pub use crate::options::{Mode, Options};

/// A compiled profile set and the options to validate with: the front door's validator. Build
/// one with [`Validator::builder`]; it is `Send + Sync`, so one validator serves many threads.
pub struct Validator {
    set: ProfileSet,
    /// Caches about `set` filled while validating.
    memo: memo::Memo,
    options: Options,
    /// Profiles every input is also validated against ([`crate::ValidatorBuilder::profile`]).
    profiles: Vec<String>,
}

impl Validator {
    /// A validator over an already loaded set, unchecked options and no extra profiles (the
    /// engine's constructor; [`Validator::builder`] is the front door).
    pub fn new(set: ProfileSet, options: Options) -> Self {
        Validator {
            memo: memo::Memo::new(&set),
            set,
            options,
            profiles: Vec::new(),
        }
    }

    /// [`Validator::new`] with profiles every input is also validated against.
    pub(crate) fn with_profiles(mut self, profiles: Vec<String>) -> Self {
        self.profiles = profiles;
        self
    }

    /// The compiled profile set.
    pub fn profile_set(&self) -> &ProfileSet {
        &self.set
    }

    /// The options it validates with.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The profiles every input is also validated against.
    pub fn profiles(&self) -> &[String] {
        &self.profiles
    }

    /// Change the options (the mode, limits, ...) of a validator without recompiling its set.
    pub fn set_options(&mut self, options: Options) {
        self.options = options;
    }

    /// Validate one JSON resource (any resource type, Bundles included) against its base
    /// definition, its `meta.profile`s and the validator's profiles. Never fails: input that is
    /// not JSON, or over a limit, is a fatal issue.
    pub fn validate(&self, input: &[u8]) -> OperationOutcome {
        self.validate_against(input, &self.profiles)
    }

    /// [`Validator::validate`], against `profiles` instead of the validator's profiles.
    pub fn validate_against(&self, input: &[u8], profiles: &[String]) -> OperationOutcome {
        let limits = &self.options.limits();
        let parsed =
            json::utf8_text(input, limits).and_then(|text| Ok((text, json::parse(text, limits)?)));
        match parsed {
            Err(e) => {
                let text = String::from_utf8_lossy(input);
                let (line, col) = json::line_col(&text, e.offset);
                OperationOutcome {
                    issues: vec![Issue {
                        severity: Severity::Fatal,
                        code: "invalid",
                        message: format!("Error parsing JSON: {}", e.message),
                        expression: String::new(),
                        line,
                        col,
                        diagnostics: None,
                        key: None,
                    }],
                }
            }
            Ok((text, root)) => self.validate_node(&root, text, profiles),
        }
    }

    /// Validate an already parsed document; `text` is its source (for line/column).
    pub fn validate_node(
        &self,
        root: &Node<'_>,
        text: &str,
        profiles: &[String],
    ) -> OperationOutcome {
        let mut w = Walker::new(&self.set, &self.memo, &self.options);
        w.source = text;
        if self.options.mode == Mode::MemberHistory {
            w.capability = member::pick(&self.set.capabilities, self.options.capability.as_deref());
            if w.capability.is_none() {
                let named = self
                    .options
                    .capability
                    .as_deref()
                    .unwrap_or("a PDex server CapabilityStatement");
                w.report(Severity::Warning, "not-found", root.offset, || {
                    format!("Member-history mode needs {named}, which is not in the loaded packages: entries are checked against their declared profiles only")
                });
            }
        }
        let extra: Vec<&str> = profiles.iter().map(String::as_str).collect();
        w.root_resource(root, &extra);
        w.finish(text)
    }

    /// Walk an already parsed document as [`Validator::validate_node`] does and return, for
    /// each (resource, profile) pair walked, the profile and the indexes of its elements the
    /// resource populates (a slice counts when an occurrence matched it). Issues are dropped:
    /// this is what the Must Support coverage report ([`crate::coverage`]) reads.
    pub fn populated(&self, root: &Node<'_>, profiles: &[String]) -> Vec<(StructId, Vec<u32>)> {
        let mut w = Walker::new(&self.set, &self.memo, &self.options);
        w.populated = Some(Box::default());
        if self.options.mode == Mode::MemberHistory {
            w.capability = member::pick(&self.set.capabilities, self.options.capability.as_deref());
        }
        let extra: Vec<&str> = profiles.iter().map(String::as_str).collect();
        w.root_resource(root, &extra);
        let Some(p) = w.populated.take() else {
            return Vec::new();
        };
        let mut by_pair: FxHashMap<(NodeId, StructId), Vec<u32>> =
            p.walked.iter().map(|pair| (*pair, Vec::new())).collect();
        for (r, sd, el) in p.elements {
            if let Some(els) = by_pair.get_mut(&(r, sd)) {
                els.push(el);
            }
        }
        by_pair
            .into_iter()
            .map(|((_, sd), mut els)| {
                els.sort_unstable();
                (sd, els)
            })
            .collect()
    }
}

/// One occurrence of an element in the data.
#[derive(Clone, Copy)]
pub(crate) struct Item<'v, 'a> {
    /// The JSON value; `None` for a primitive given only by its `_name` companion (or null).
    pub value: Option<&'a Node<'a>>,
    /// The `_name` companion of a primitive.
    pub ext: Option<&'a Node<'a>>,
    /// The type chosen by a choice element's property name (`valueQuantity` → `Quantity`).
    pub type_code: Option<&'v str>,
    /// Where to point at in the input.
    pub offset: u32,
}

struct RawIssue {
    severity: Severity,
    code: &'static str,
    message: String,
    expression: String,
    offset: u32,
    diagnostics: Option<String>,
    /// The invariant key or Java message id ([`Issue::key`]).
    key: Option<String>,
}

/// A resource being walked.
#[derive(Clone, Copy)]
struct Current<'a> {
    node: &'a Node<'a>,
    /// Contained in the resource walked before it.
    contained: bool,
    /// Its `resourceType` (`Resource` when it has none).
    type_name: &'a str,
}

/// How a check made once per validation went: whether it found an error, and whether its
/// issues were reported (see [`Walker::check_again`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Checked {
    failed: bool,
    reported: bool,
}

pub(crate) struct Walker<'v: 'a, 'a> {
    set: &'v ProfileSet,
    /// The validator's caches about `set`.
    memo: &'v memo::Memo,
    opts: &'v Options,
    path: Path<'a>,
    /// The issues kept.
    sink: sink::Sink,
    /// > 0 while checking whether data conforms (slice matching): issues are not kept.
    probing: u32,
    probe_failed: bool,
    /// The Bundles being walked (innermost last), for reference resolution.
    pub(crate) bundles: Vec<bundle::BundleIndex<'a>>,
    /// The Bundle entries being walked: (index into `bundles`, entry).
    entries: Vec<(usize, u32)>,
    /// The resources being walked (innermost last).
    resources: Vec<Current<'a>>,
    /// True while walking data that its base definition's walk has already checked (a
    /// profile walk): checks that depend only on the data's type are not repeated.
    pub(crate) profile_walk: bool,
    /// Nested resources already validated, and whether they had errors: a
    /// container's profile walk does not validate them again.
    done: FxHashMap<NodeId, bool>,
    /// The structures each resource was walked against outside probing: once
    /// it is `done` without errors, it is known to conform to each of them (a reference's
    /// target profile need not be checked by walking it again).
    walked: FxHashMap<NodeId, SmallVec<[StructId; 2]>>,
    /// Member-history mode's CapabilityStatement.
    capability: Option<&'v Capability>,
    /// What the invariant rules remember.
    invariants: invariant::Memory<'a>,
    /// What the binding rules remember.
    bindings: binding::Memory<'a>,
    /// (data, base type definition) pairs walked outside probing, and whether that
    /// walk was a profile walk: a later walk of the same data against the same base
    /// definition (a profile leaving a datatype unconstrained) would only repeat its issues.
    type_walks: FxHashMap<(NodeId, StructId), bool>,
    /// What the walk needs to know of each type code met, by the code's address and length
    /// (codes are strings of the profile set, not of the data: an address names one code
    /// while walking, and hashing it costs less than hashing the text, per element walked).
    types: FxHashMap<(usize, usize), TypeInfo>,
    /// What the reference rules remember.
    references: reference::Memory<'v>,
    /// What the Must Support coverage report needs, when it is asked for.
    populated: Option<Box<Populated>>,
    /// The JSON text walked (to find what the parser replaced in a string).
    source: &'a str,
}

/// What a walk saw of the profiles' elements, for the Must Support coverage report
/// ([`crate::coverage`]); resources are named by their [`NodeId`] in the parsed document.
#[derive(Default)]
struct Populated {
    /// (resource, profile) pairs walked outside probing.
    walked: FxHashSet<(NodeId, StructId)>,
    /// (resource, profile, element) triples: an occurrence of the element in the resource
    /// was walked (outside probing; a slice only when the occurrence matched it).
    elements: FxHashSet<(NodeId, StructId, u32)>,
}

#[derive(Clone, Copy)]
struct TypeInfo {
    primitive: Option<primitive::Primitive>,
    /// The type's base definition.
    def: Option<StructId>,
    is_resource: bool,
}

const MAX_WALK_DEPTH: usize = 2_000;

impl<'v: 'a, 'a> Walker<'v, 'a> {
    fn new(set: &'v ProfileSet, memo: &'v memo::Memo, opts: &'v Options) -> Self {
        Walker {
            set,
            memo,
            opts,
            path: Path::default(),
            sink: sink::Sink::default(),
            probing: 0,
            probe_failed: false,
            bundles: Vec::new(),
            entries: Vec::new(),
            resources: Vec::new(),
            profile_walk: false,
            done: FxHashMap::default(),
            walked: FxHashMap::default(),
            capability: None,
            invariants: invariant::Memory::default(),
            bindings: binding::Memory::default(),
            type_walks: FxHashMap::default(),
            types: FxHashMap::default(),
            references: reference::Memory::default(),
            populated: None,
            source: "",
        }
    }

    /// Record an issue at the current path. The message is only built when it is kept.
    pub(crate) fn report(
        &mut self,
        severity: Severity,
        code: &'static str,
        offset: u32,
        message: impl FnOnce() -> String,
    ) {
        self.report_full(severity, code, None, offset, message, None);
    }

    /// [`Walker::report`] for an issue that answers to an invariant key or a Java message id.
    pub(crate) fn report_keyed(
        &mut self,
        severity: Severity,
        code: &'static str,
        key: Option<&str>,
        offset: u32,
        message: impl FnOnce() -> String,
    ) {
        self.report_full(severity, code, key, offset, message, None);
    }

    /// [`Walker::report`] with the issue's diagnostics (why; build them only outside
    /// probing, where they are kept).
    pub(crate) fn report_with(
        &mut self,
        severity: Severity,
        code: &'static str,
        offset: u32,
        message: impl FnOnce() -> String,
        diagnostics: Option<String>,
    ) {
        self.report_full(severity, code, None, offset, message, diagnostics);
    }

    /// The issue with all it can carry: an invariant key or Java message id, diagnostics.
    fn report_full(
        &mut self,
        severity: Severity,
        code: &'static str,
        key: Option<&str>,
        offset: u32,
        message: impl FnOnce() -> String,
        diagnostics: Option<String>,
    ) {
        if self.probing > 0 {
            if severity.is_error() {
                self.probe_failed = true;
            }
            return;
        }
        let issue = RawIssue {
            severity,
            code,
            message: message(),
            expression: self.path.render(),
            offset,
            diagnostics,
            key: key.map(str::to_string),
        };
        self.sink.push(issue, self.opts.max_issues);
    }

    /// Would `check` report an error? Runs it without keeping any issue.
    /// Whether a check made once per validation (an invariant, a binding on one node) is to be
    /// made now, given how it went before (`prev`): while probing, a check made before is not
    /// made again, but its failure fails the probe; outside probing, it is made again only if
    /// its issues were not reported (it was made while probing, which reports nothing).
    pub(crate) fn check_again(&mut self, prev: Option<Checked>) -> bool {
        match prev {
            None => true,
            Some(c) if self.probing > 0 => {
                if c.failed {
                    self.probe_failed = true;
                }
                false
            }
            Some(c) => !c.reported,
        }
    }

    /// What to remember of a check just made (`failed`: it found an error).
    pub(crate) fn checked(&self, prev: Option<Checked>, failed: bool) -> Checked {
        Checked {
            failed,
            reported: self.probing == 0 || prev.is_some_and(|c| c.reported),
        }
    }

    pub(crate) fn conforms(&mut self, check: impl FnOnce(&mut Self)) -> bool {
        let (was_failed, depth) = (self.probe_failed, self.path.len());
        self.probing += 1;
        self.probe_failed = false;
        check(self);
        self.probing -= 1;
        self.path.truncate(depth);
        let ok = !self.probe_failed;
        self.probe_failed = was_failed;
        ok
    }

    fn finish(self, text: &str) -> OperationOutcome {
        self.sink.finish(text, self.opts.max_issues)
    }

    /// The document root: a resource validated against its type, meta.profile and `extra`.
    fn root_resource(&mut self, node: &'a Node<'a>, extra: &[&str]) {
        let Some(rt) = self.resource_type(node) else {
            return;
        };
        self.path.push(Seg::Name(rt));
        self.resource_body(node, rt, extra, true);
        self.path.pop();
    }

    /// Check that `node` is a resource and name its type, reporting why not.
    fn resource_type(&mut self, node: &'a Node<'a>) -> Option<&'a str> {
        let Value::Object(_) = &node.value else {
            self.report(Severity::Fatal, "structure", node.offset, || {
                format!(
                    "A resource must be a JSON object, not {}",
                    node.value.kind_name()
                )
            });
            return None;
        };
        match node.get("resourceType").map(|n| &n.value) {
            Some(Value::String(s)) => Some(s.as_ref()),
            _ => {
                self.report(Severity::Fatal, "structure", node.offset, || {
                    "Unable to find resourceType property".to_string()
                });
                None
            }
        }
    }

    /// A resource (root, contained or in a Bundle) whose path segment is already pushed;
    /// `extra`: profiles to check it against besides its own, named by the user
    /// (`extra_named`: `--profile`) or by a definition (a type profile).
    fn resource_body(
        &mut self,
        node: &'a Node<'a>,
        rt: &'a str,
        extra: &[&str],
        extra_named: bool,
    ) {
        let Some(base) = self.resource_def(node, rt) else {
            return;
        };
        if rt == "Bundle" {
            self.bundles.push(bundle::BundleIndex::new(node));
        }
        self.resource_id(node);
        let outer = self.profile_walk;
        self.profile_walk = false;
        self.walk_resource(base, node);
        self.profile_walk = true;
        // the structures walked by this body: a profile named twice (declared, and promised
        // in member-history mode or global) is walked once (see `walk_again`)
        let mut walked: SmallVec<[StructId; 4]> = smallvec::smallvec![base];
        let declared = node
            .get("meta")
            .and_then(|m| m.get("profile"))
            .and_then(|p| p.value.as_array())
            .unwrap_or_default();
        for (i, p) in declared.iter().enumerate() {
            let Some(url) = p.value.as_str() else {
                continue;
            };
            let depth = self.path.len();
            self.path.push(Seg::Name("meta"));
            self.path.push(Seg::Name("profile"));
            self.path.push(Seg::Index(i));
            let found = self.profile_for(url, rt, p.offset, true);
            self.path.truncate(depth);
            if let Some(id) = found
                && self.walk_again(&mut walked, id)
            {
                self.walk_resource(id, node);
            }
        }
        if let Some(req) = implied::required_profile(rt, node)
            && let Some(id) = self.set.resolve(&req.url)
        {
            self.report(Severity::Information, "informational", node.offset, || {
                req.message
            });
            if self.walk_again(&mut walked, id) {
                self.walk_resource(id, node);
            }
        }
        let top_level = self.path.len() == 1
            || self
                .bundles
                .last()
                .is_some_and(|b| b.entry_of(node.id()).is_some());
        let member: Vec<&str> = if top_level && self.capability.is_some() && rt != "Bundle" {
            self.member_profiles(node, rt)
        } else {
            Vec::new()
        };
        let set = self.set;
        let global = set
            .global_profiles
            .iter()
            .filter(|(t, _)| t == rt)
            .map(|(_, p)| p.as_str());
        let asked = extra.iter().map(|url| (*url, extra_named));
        let implied = global.chain(member).map(|url| (url, false));
        for (url, named) in asked.chain(implied) {
            if let Some(id) = self.profile_for(url, rt, node.offset, named)
                && self.walk_again(&mut walked, id)
            {
                self.walk_resource(id, node);
            }
        }
        self.profile_walk = outer;
        self.business_rules(node, rt);
        if rt == "Bundle"
            && let Some(index) = self.bundles.pop()
        {
            self.bundle_rules(node, &index);
        }
    }

    /// The definition of resource type `rt`; an unknown type is fatal for that resource.
    fn resource_def(&mut self, node: &'a Node<'a>, rt: &'a str) -> Option<StructId> {
        let found = self
            .set
            .type_def(rt)
            .filter(|id| self.set.structure(*id).kind == Kind::Resource);
        if found.is_none() {
            let at = node.get("resourceType").map_or(node.offset, |n| n.offset);
            self.report(Severity::Fatal, "structure", at, || {
                format!("Unknown resource type '{rt}': this is not a FHIR R4 resource")
            });
        }
        found
    }

    /// Resolve a profile to validate a resource of type `rt` against. `named`: the data or
    /// the user named it (`meta.profile`, `--profile`), rather than an IG's global profiles
    /// or member-history mode: a version that is not loaded is then an error, and when
    /// several versions are loaded, the one chosen is named.
    fn profile_for(&mut self, url: &str, rt: &str, offset: u32, named: bool) -> Option<StructId> {
        match self.set.resolve(url) {
            None => {
                let (base, version) = crate::canonical::split(url);
                let loaded = self.set.versions_of(base);
                if let (Some(v), false) = (version, loaded.is_empty()) {
                    let severity = if named {
                        Severity::Error
                    } else {
                        Severity::Warning
                    };
                    self.report(severity, "not-found", offset, || {
                        format!(
                            "Profile reference '{url}' has not been checked because version {v} is not loaded (loaded: {})",
                            loaded.join(", ")
                        )
                    });
                } else if let Some((used, asked)) = self.set.substitute_for(base) {
                    self.report(Severity::Warning, "not-found", offset, || {
                        format!(
                            "Profile reference '{url}' has not been checked because it could not be found in {used}; the IG depends on {asked}, which is not available here"
                        )
                    });
                } else {
                    self.report(Severity::Warning, "not-found", offset, || {
                        format!("Profile reference '{url}' has not been checked because it could not be found")
                    });
                }
                None
            }
            Some(id) => {
                let s = self.set.structure(id);
                if named && !url.contains('|') {
                    let loaded = self.set.versions_of(url);
                    if loaded.len() > 1 {
                        self.report(Severity::Information, "informational", offset, || {
                            format!(
                                "Profile reference '{url}' names no version; {} versions are loaded ({}): checked against the newest, {url}|{}",
                                loaded.len(),
                                loaded.join(", "),
                                s.version
                            )
                        });
                    }
                }
                if s.type_name != rt {
                    self.report(Severity::Error, "invalid", offset, || {
                        format!(
                            "Profile '{url}' is for type {} and cannot be used for a {rt}",
                            s.type_name
                        )
                    });
                    return None;
                }
                Some(id)
            }
        }
    }

    /// `Resource.id` (Java checks it apart from the `string` type it has in R4).
    fn resource_id(&mut self, node: &'a Node<'a>) {
        let Some(id) = node.get("id") else {
            return;
        };
        let Some(s) = id.value.as_str() else {
            return; // the type check reports it
        };
        if let Some(issue) = primitive::check_resource_id(s) {
            self.path.push(Seg::Name("id"));
            self.report(issue.severity, issue.code, id.offset, || issue.message);
            self.path.pop();
        }
    }

    /// Validate `node` as an instance of structure `sd` (its root element).
    pub(crate) fn against_structure(&mut self, sd: StructId, node: &'a Node<'a>) {
        let item = Item {
            value: Some(node),
            ext: None,
            type_code: None,
            offset: node.offset,
        };
        self.element(sd, 0, item);
    }

    /// [`Walker::against_structure`] for a whole resource, remembered (outside probing) in
    /// [`Walker::walked`].
    fn walk_resource(&mut self, sd: StructId, node: &'a Node<'a>) {
        self.against_structure(sd, node);
        if self.probing == 0 {
            if let Some(p) = self.populated.as_mut()
                && self.set.structure(sd).is_profile
            {
                p.walked.insert((node.id(), sd));
            }
            let walked = self.walked.entry(node.id()).or_default();
            if !walked.contains(&sd) {
                walked.push(sd);
            }
        }
    }

    /// Is a resource body to walk its resource against `sd`, given the structures it has
    /// walked it against (`walked`, which this extends)? Not again outside probing: the same
    /// data against the same structure at the same path, after a walk that reported all it
    /// found (a profile walk checks no more than the base walk before it), would report only
    /// issues already reported — each check is either remembered as made (invariants,
    /// bindings, nested resources, datatypes) or made again with the same answer.
    fn walk_again(&self, walked: &mut SmallVec<[StructId; 4]>, sd: StructId) -> bool {
        if walked.contains(&sd) {
            return self.probing > 0;
        }
        walked.push(sd);
        true
    }

    /// Make `node` the current resource (for `#id` and Bundle-relative references): its
    /// Bundle entry, if it is one, and whether it is contained in the current resource.
    /// Returns whether an entry was pushed.
    fn enter_resource(&mut self, node: &'a Node<'a>) -> bool {
        let key = node.id();
        let entry = self.bundles.len().checked_sub(1).and_then(|b| {
            self.bundles
                .get(b)
                .and_then(|index| index.entry_of(key))
                .map(|e| (b, e))
        });
        let contained = entry.is_none()
            && self.resources.last().is_some_and(|r| {
                r.node
                    .get("contained")
                    .and_then(|c| c.value.as_array())
                    .is_some_and(|cs| cs.iter().any(|c| std::ptr::eq(c, node)))
            });
        let type_name = node
            .get("resourceType")
            .and_then(|t| t.value.as_str())
            .unwrap_or("Resource");
        self.resources.push(Current {
            node,
            contained,
            type_name,
        });
        if let Some(e) = entry {
            self.entries.push(e);
        }
        entry.is_some()
    }

    /// Validate one occurrence of element `el` of structure `sd`.
    pub(crate) fn element(&mut self, sd: StructId, el: u32, item: Item<'v, 'a>) {
        if self.populated.is_some() {
            self.record_populated(sd, el, item);
        }
        // the root of a resource definition: that resource is the current one meanwhile
        match item.value {
            Some(node) if el == 0 && self.set.structure(sd).kind == Kind::Resource => {
                let entry = self.enter_resource(node);
                self.element_inner(sd, el, item);
                self.resources.pop();
                if entry {
                    self.entries.pop();
                }
            }
            _ => self.element_inner(sd, el, item),
        }
    }

    /// The string at `offset` had `\u` escapes of unpaired UTF-16 surrogates, which the parser
    /// replaced with U+FFFD: the value validated is not the value sent.
    fn lone_surrogates(&mut self, offset: u32) {
        let found = json::lone_surrogates(self.source, offset);
        if found.is_empty() {
            return;
        }
        self.report(Severity::Warning, "invalid", offset, || {
            format!(
                "The string contains an unpaired UTF-16 surrogate ({}), which is not a Unicode character: it was replaced by U+FFFD, so the value validated is not the value sent",
                found.join(", ")
            )
        });
    }

    /// Remember (outside probing) that the current resource populates element `el` of
    /// profile `sd` (the root: the resource itself, once it is the current one).
    fn record_populated(&mut self, sd: StructId, el: u32, item: Item<'v, 'a>) {
        if self.probing > 0 || !self.set.structure(sd).is_profile {
            return;
        }
        let resource = match item.value {
            Some(node) if el == 0 => Some(node.id()),
            _ => self.resources.last().map(|r| r.node.id()),
        };
        if let (Some(r), Some(p)) = (resource, self.populated.as_mut()) {
            p.elements.insert((r, sd, el));
        }
    }

    fn element_inner(&mut self, sd: StructId, el: u32, item: Item<'v, 'a>) {
        if self.path.len() > MAX_WALK_DEPTH {
            return;
        }
        let set = self.set;
        let s = set.structure(sd);
        let Some(e) = s.elements.get(el as usize) else {
            return;
        };
        let type_code: Option<&'v str> = item.type_code.or(match e.types.as_slice() {
            [t] => Some(t.code.as_str()),
            _ => None,
        });
        let info = type_code.map(|code| self.type_info(code));
        if let Some(p) = info.and_then(|i| i.primitive) {
            if let Some(Node {
                value: Value::String(std::borrow::Cow::Owned(text)),
                offset,
            }) = item.value
                && !self.profile_walk
                && text.contains('\u{FFFD}')
            {
                self.lone_surrogates(*offset);
            }
            self.primitive(sd, el, p, item);
        } else if let Some(node) = item.value {
            if info.is_some_and(|i| i.is_resource) {
                // the profiles declared for the resource's type (`Bundle.entry.resource` as a
                // Patient profile, a Parameters profile's resource)
                let rt = node.get("resourceType").and_then(|n| n.value.as_str());
                let profiles: Vec<&str> = e
                    .types
                    .iter()
                    .filter(|t| Some(t.code.as_str()) == rt || t.code == "Resource")
                    .flat_map(|t| t.profiles.iter().map(String::as_str))
                    .collect();
                // several profiles are alternatives: the resource must meet one of them
                let chosen: Vec<&str> = if profiles.len() > 1 {
                    let ok = profiles.iter().copied().find(|p| match set.resolve(p) {
                        Some(id) => self.conforms(|w| w.against_structure(id, node)),
                        None => false,
                    });
                    ok.or(profiles.first().copied()).into_iter().collect()
                } else {
                    profiles
                };
                self.nested_resource(node, &chosen);
                return;
            }
            if !self.expect_object(node) {
                return;
            }
            if el == 0 && s.kind == Kind::Resource && !self.is_instance_of(s, node) {
                return;
            }
            // where the children are defined: in the snapshot under the element, at a
            // contentReference, or in its type's definition
            let children = if !e.children.is_empty() {
                Some((sd, el))
            } else if let Some(target) = e.content_ref {
                Some(self.content_target(sd, target))
            } else {
                info.and_then(|i| i.def).map(|t| (t, 0))
            };
            if let Some((csd, cel)) = children
                && !self.type_walked(sd, csd, cel, node)
            {
                let resource_root = cel == 0 && set.structure(csd).kind == Kind::Resource;
                self.members(csd, cel, node, resource_root);
                // the type's own invariants (per-1 on a Period, ref-1 on a Reference)
                if csd != sd && cel == 0 {
                    self.invariants(csd, 0, item, type_code);
                }
            }
            self.fixed_and_pattern(sd, el, node);
            match type_code {
                Some("Extension") => self.extension(sd, el, node),
                Some("Reference") => self.reference(sd, el, node),
                Some("Attachment") if !self.profile_walk => self.attachment(node),
                _ => {}
            }
        }
        if self.opts.terminology
            && let Some(ty) = type_code
        {
            self.binding(sd, el, item, ty);
            if ty == "Coding"
                && !self.profile_walk
                && let Some(node) = item.value
            {
                self.coding(node);
            }
        }
        self.invariants(sd, el, item, type_code);
        // type profiles (`Quantity` constrained to SimpleQuantity, an extension slice's
        // definition)
        if let Some(t) = e
            .types
            .iter()
            .find(|t| Some(t.code.as_str()) == type_code)
            .filter(|t| !t.profiles.is_empty())
        {
            self.type_profiles(&t.profiles, item);
        }
    }

    /// Has `node` been walked against the base type definition `csd` already (outside
    /// probing, with at least the checks this walk would make)? Then walking it again would
    /// report nothing new and change no state: every check below depends only on the data
    /// and on `csd`. Records this walk otherwise. Probing walks always walk (what a probe
    /// sees depends on what earlier walks have already checked).
    fn type_walked(&mut self, sd: StructId, csd: StructId, cel: u32, node: &'a Node<'a>) -> bool {
        if csd == sd || cel != 0 || self.probing > 0 || self.set.structure(csd).is_profile {
            return false;
        }
        let key = (node.id(), csd);
        match self.type_walks.get(&key) {
            Some(&as_profile_walk) if !as_profile_walk || self.profile_walk => true,
            _ => {
                self.type_walks.insert(key, self.profile_walk);
                false
            }
        }
    }

    fn type_info(&mut self, code: &'v str) -> TypeInfo {
        let key = (code.as_ptr() as usize, code.len());
        if let Some(info) = self.types.get(&key) {
            return *info;
        }
        let info = TypeInfo {
            primitive: primitive::Primitive::from_code(code),
            def: self.set.type_def(code),
            is_resource: is_resource_type(self.set, Some(code)),
        };
        self.types.insert(key, info);
        info
    }

    /// Validate against type profiles: one must match (the first is reported when none does).
    fn type_profiles(&mut self, profiles: &'v [String], item: Item<'v, 'a>) {
        let resolved: Vec<StructId> = profiles
            .iter()
            .filter_map(|p| self.set.resolve(p))
            .collect();
        if resolved.is_empty() {
            if let Some(p) = profiles.first() {
                self.report(Severity::Warning, "not-found", item.offset, || {
                    format!("Profile '{p}' could not be found, so the element has not been checked against it")
                });
            }
            return;
        }
        let chosen = if resolved.len() == 1 {
            resolved.first().copied()
        } else {
            resolved
                .iter()
                .copied()
                .find(|id| self.conforms(|w| w.element(*id, 0, item)))
                .or(resolved.first().copied())
        };
        if let Some(id) = chosen {
            self.element(id, 0, item);
        }
    }

    /// A resource validated against a structure must be of the structure's type.
    fn is_instance_of(&mut self, s: &'v Structure, node: &'a Node<'a>) -> bool {
        let rt = node.get("resourceType").and_then(|n| n.value.as_str());
        if rt == Some(s.type_name.as_str())
            || s.type_name == "Resource"
            || s.type_name == "DomainResource"
        {
            return true;
        }
        self.report(Severity::Error, "structure", node.offset, || {
            format!(
                "This is a {} resource, but the profile {} is for {}",
                rt.unwrap_or("(unknown)"),
                structure::from_text(s),
                s.type_name
            )
        });
        false
    }

    /// A contentReference target. In a profile it names the base definition's element: the
    /// profile's constraints on `Parameters.parameter` do not apply to every nested `part`.
    pub(crate) fn content_target(&self, sd: StructId, target: u32) -> (StructId, u32) {
        let s = self.set.structure(sd);
        if !s.is_profile {
            return (sd, target);
        }
        let found = s.elements.get(target as usize).and_then(|t| {
            let base = self.set.type_def(&s.type_name)?;
            let b = self.set.structure(base);
            let i = b
                .elements
                .iter()
                .position(|x| x.path == t.path && x.slice_name.is_none())?;
            Some((base, i as u32))
        });
        found.unwrap_or((sd, target))
    }

    fn expect_object(&mut self, node: &'a Node<'a>) -> bool {
        match &node.value {
            Value::Object(members) => {
                if members.is_empty() {
                    self.report(Severity::Error, "structure", node.offset, || {
                        "Object must have some content".to_string()
                    });
                }
                true
            }
            other => {
                let kind = other.kind_name();
                self.report(Severity::Error, "structure", node.offset, || {
                    format!("This property must be an Object, not {}", article(kind))
                });
                false
            }
        }
    }

    /// A resource inside another (contained, Bundle.entry.resource, Parameters).
    fn nested_resource(&mut self, node: &'a Node<'a>, profiles: &[&str]) {
        let Some(rt) = self.resource_type(node) else {
            return;
        };
        if self.resource_def(node, rt).is_none() {
            return;
        }
        let key = node.id();
        if let Some(had_errors) = self.done.get(&key).copied() {
            // validated already (by the container's base walk): only what this walk adds
            if had_errors && self.probing > 0 {
                self.probe_failed = true;
            }
            let id = node.get("id").and_then(|n| n.value.as_str());
            self.path.push(Seg::Resource(rt, id));
            let outer = self.profile_walk;
            self.profile_walk = true;
            for url in profiles {
                if let Some(p) = self.profile_for(url, rt, node.offset, false) {
                    self.walk_resource(p, node);
                }
            }
            self.profile_walk = outer;
            self.path.pop();
            return;
        }
        let errors_before = self.error_count();
        let id = node.get("id").and_then(|n| n.value.as_str());
        self.path.push(Seg::Resource(rt, id));
        self.resource_body(node, rt, profiles, false);
        self.path.pop();
        if self.probing == 0 {
            let had_errors = self.error_count() > errors_before;
            self.done.insert(key, had_errors);
        }
    }

    fn error_count(&self) -> usize {
        self.sink.errors()
    }
}

fn is_resource_type(set: &ProfileSet, code: Option<&str>) -> bool {
    match code {
        Some("Resource" | "DomainResource") => true,
        Some(c) => set
            .type_def(c)
            .is_some_and(|t| set.structure(t).kind == Kind::Resource),
        None => false,
    }
}

/// `an Object`, `a Null`: the JSON kind as the Java validator's messages name it.
pub(crate) fn article(kind: &str) -> String {
    let name = match kind {
        "null" => "Null",
        "boolean" => "Boolean",
        "number" => "Number",
        "string" => "String",
        "array" => "Array",
        _ => "Object",
    };
    if matches!(name, "Object" | "Array") {
        format!("an {name}")
    } else {
        format!("a {name}")
    }
}
