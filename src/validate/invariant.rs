//! Invariants: every `constraint` of the elements walked, parsed once per validator (on first
//! use, see [`Memo`](super::memo::Memo)) and evaluated by the crate's FHIRPath engine over the
//! data, with the constraint's severity and key. The R4 invariants that the walk meets most get
//! native forms with the same answers, chosen by their exact text (a profile may define another
//! rule under the same key) and falling back to the engine for unusual data: `ele-1` and
//! `ext-1` on every element, `ref-1` on References, `per-1` on Periods, `dom-2` to `dom-6` on
//! resources (the unit tests below check each against the engine). Some are checked natively
//! elsewhere (`txt-*` by the XHTML checker, `bdl-*` by the Bundle rules); each (constraint,
//! element) pair is evaluated once per validation, however many profiles walk it (once more
//! when the first time was a slice probe, which reports nothing; a failure found by a probe
//! fails later probes too).

use super::structure::match_child;
use super::{Checked, Item, Walker};
use crate::fhirpath::{self, ChildType, DateTime, Env, Model, ResolveContext};
use crate::json::{Node, NodeId, Value};
use crate::model::{Element, ProfileSet, StructId, Structure};
use crate::outcome::Severity;
use rustc_hash::{FxHashMap, FxHashSet};

/// Checked natively by another module (the XHTML checker, the Bundle rules), never by the
/// FHIRPath engine.
const NATIVE: &[&str] = &[
    "txt-1", "txt-2", "bdl-1", "bdl-2", "bdl-3", "bdl-4", "bdl-5", "bdl-7", "bdl-8", "bdl-9",
    "bdl-10", "bdl-11", "bdl-12",
];

/// R4's ele-1 and ext-1, checked natively here ([`ele_1`], [`ext_1`]) where a constraint has
/// exactly this text (a profile may define another rule under the same key).
const ELE_1_TEXT: &str = "hasValue() or (children().count() > id.count())";
const EXT_1_TEXT: &str = "extension.exists() != value.exists()";

/// R4's ref-1, checked natively (see [`Walker::ref_1`]).
const REF_1: &str = "reference.startsWith('#').not() or (reference.substring(1).trace('url') in %rootResource.contained.id.trace('ids'))";

/// How [`Walker::invariants`] handles a constraint (see [`Memo::class`](super::memo::Memo::class)).
const ELE_1: u8 = 1;
const EXT_1: u8 = 2;
/// In [`NATIVE`], checked by another module.
const NATIVE_ELSEWHERE: u8 = 3;
const FHIRPATH: u8 = 4;
/// R4's ref-1 text: natively, falling back to FHIRPath for the odd cases.
const REF_1_NATIVE: u8 = 5;
/// R4's dom-2 to dom-5: about contained resources, so they hold when there are none (else
/// FHIRPath).
const DOM_CONTAINED: u8 = 6;
/// R4's dom-6 (a narrative): natively when the data is plain, else FHIRPath.
const DOM_6: u8 = 7;
/// R4's per-1 text on a Period: natively when the data is plain, else FHIRPath.
const PER_1: u8 = 8;

/// R4's per-1.
const PER_1_TEXT: &str = "start.hasValue().not() or end.hasValue().not() or (start <= end)";

/// The R4 texts of the DomainResource invariants checked natively: every resource of a
/// Bundle has them, and FHIRPath would build the same empty collections for each.
const DOM_NATIVE: &[(&str, &str)] = &[
    ("dom-2", "contained.contained.empty()"),
    (
        "dom-3",
        "contained.where((('#'+id in (%resource.descendants().reference | %resource.descendants().as(canonical) | %resource.descendants().as(uri) | %resource.descendants().as(url))) or descendants().where(reference = '#').exists() or descendants().where(as(canonical) = '#').exists() or descendants().where(as(canonical) = '#').exists()).not()).trace('unmatched', id).empty()",
    ),
    (
        "dom-4",
        "contained.meta.versionId.empty() and contained.meta.lastUpdated.empty()",
    ),
    ("dom-5", "contained.meta.security.empty()"),
    ("dom-6", "text.`div`.exists()"),
];

fn classify(c: &crate::model::Constraint) -> u8 {
    match c.key.as_str() {
        "ele-1" if c.expression == ELE_1_TEXT => ELE_1,
        "ext-1" if c.expression == EXT_1_TEXT => EXT_1,
        k if NATIVE.contains(&k) => NATIVE_ELSEWHERE,
        "ref-1" if c.expression == REF_1 => REF_1_NATIVE,
        _ if c.expression == PER_1_TEXT => PER_1,
        k if DOM_NATIVE.contains(&(k, c.expression.as_str())) => {
            if k == "dom-6" {
                DOM_6
            } else {
                DOM_CONTAINED
            }
        }
        _ => FHIRPATH,
    }
}

/// The FHIR type model from a profile set, as the FHIRPath engine needs it: the types and
/// children of elements, and type inheritance. Nothing resolves, no terminology, no profiles
/// (the validator's model adds those); public for tools that evaluate FHIRPath over data
/// without validating it (the differential test against fhirpath.js).
pub struct TypeModel<'v> {
    /// The profile set whose structures describe the types.
    pub set: &'v ProfileSet,
}

impl<'v> TypeModel<'v> {
    /// The element a type name or backbone path (`Patient.contact`) stands for.
    fn element_of(&self, ty: &str) -> Option<(StructId, u32)> {
        match ty.split_once('.') {
            None => self.set.type_def(ty).map(|t| (t, 0)),
            Some((root, _)) => {
                let t = self.set.type_def(root)?;
                let s = self.set.structure(t);
                let i = s
                    .elements
                    .iter()
                    .position(|e| e.path == ty && e.slice_name.is_none())?;
                let e = s.elements.get(i)?;
                // a content reference (Questionnaire.item.item) names the referenced element
                Some((t, e.content_ref.unwrap_or(i as u32)))
            }
        }
    }

    /// The child of element `parent` that JSON key `key` belongs to, and the type a choice
    /// key selects (`valueQuantity`: `Quantity`).
    pub fn child<'s>(
        s: &'s Structure,
        parent: &'s Element,
        key: &str,
    ) -> Option<(u32, Option<&'s str>)> {
        match_child(s, parent, key)
    }

    /// The type name the engine uses for an element: its own path when it has children (a
    /// backbone element), the referenced path for a content reference, else its type (the
    /// one `chosen` by a choice key).
    pub fn type_name<'s>(
        s: &'s Structure,
        ce: &'s Element,
        chosen: Option<&'s str>,
    ) -> Option<&'s str> {
        if !ce.children.is_empty() {
            Some(ce.path.as_str())
        } else if let Some(target) = ce.content_ref {
            Some(s.elements.get(target as usize)?.path.as_str())
        } else {
            match (chosen, ce.types.as_slice()) {
                (Some(t), _) => Some(t),
                (None, [t]) => Some(t.code.as_str()),
                _ => None,
            }
        }
    }
}

impl Model for TypeModel<'_> {
    fn child_type(&self, parent: &str, key: &str) -> Option<ChildType<'_>> {
        let (sd, el) = self.element_of(parent)?;
        let s = self.set.structure(sd);
        let p = s.elements.get(el as usize)?;
        let (c, chosen) = match_child(s, p, key)?;
        let ce = s.elements.get(c as usize)?;
        Some(ChildType {
            type_name: Self::type_name(s, ce, chosen)?,
            name: ce.base_name(),
        })
    }

    fn is_type(&self, ty: &str, base: &str) -> bool {
        if ty == base {
            return self.set.type_def(ty).is_some() || ty.contains('.');
        }
        if ty.contains('.') {
            return matches!(base, "BackboneElement" | "Element" | "Base");
        }
        let mut current = self.set.type_def(ty);
        let mut steps = 0;
        while let Some(id) = current {
            let s = self.set.structure(id);
            if s.type_name == base {
                return true;
            }
            steps += 1;
            if steps > 16 {
                break;
            }
            current = s
                .base_definition
                .as_deref()
                .and_then(|b| self.set.resolve(b))
                .filter(|b| !self.set.structure(*b).is_profile);
        }
        base == "Base"
    }

    fn resolve<'a>(&self, _reference: &str, _ctx: &ResolveContext<'a>) -> Option<&'a Node<'a>> {
        None
    }

    fn member_of(&self, _item: &Node<'_>, _item_type: &str, _value_set: &str) -> Option<bool> {
        None
    }

    fn conforms_to(&self, _node: &Node<'_>, _node_type: &str, _profile: &str) -> Option<bool> {
        None
    }

    fn html_checks(&self, _div: &str) -> bool {
        true
    }
}

/// What the invariant rules remember during one validation.
#[derive(Default)]
pub(crate) struct Memory<'a> {
    /// (constraint, element) pairs already evaluated.
    evaluated: FxHashMap<(u32, NodeId), Checked>,
    /// The contained ids of one root resource, for ref-1.
    contained_ids: Option<(NodeId, FxHashSet<&'a str>)>,
}

/// The FHIR model as the validator's invariants see it: the type model, plus terminology
/// (`memberOf`), profiles (`conformsTo`) and the XHTML checks.
pub(crate) struct SetModel<'v> {
    pub types: TypeModel<'v>,
    pub memo: &'v super::memo::Memo,
    pub opts: &'v super::Options,
}

impl SetModel<'_> {
    /// [`TypeModel::child_type`]'s lookup, as indices into the set.
    fn find_child(&self, parent: &str, key: &str) -> Option<super::memo::ChildRef> {
        let (sd, el) = self.types.element_of(parent)?;
        let s = self.types.set.structure(sd);
        let p = s.elements.get(el as usize)?;
        let (c, chosen) = match_child(s, p, key)?;
        let chosen = match chosen {
            None => None,
            Some(t) => {
                let ce = s.elements.get(c as usize)?;
                let i = ce.types.iter().position(|x| x.code == t)?;
                Some(u16::try_from(i).ok()?)
            }
        };
        Some((sd, c, chosen))
    }
}

impl Model for SetModel<'_> {
    /// [`TypeModel::child_type`], remembered by the validator's [`Memo`](super::memo::Memo).
    fn child_type(&self, parent: &str, key: &str) -> Option<ChildType<'_>> {
        let (sd, c, chosen) = self
            .memo
            .child(parent, key, || self.find_child(parent, key))?;
        let s = self.types.set.structure(sd);
        let ce = s.elements.get(c as usize)?;
        let chosen = match chosen {
            None => None,
            Some(i) => Some(ce.types.get(usize::from(i))?.code.as_str()),
        };
        Some(ChildType {
            type_name: TypeModel::type_name(s, ce, chosen)?,
            name: ce.base_name(),
        })
    }

    fn is_type(&self, ty: &str, base: &str) -> bool {
        self.types.is_type(ty, base)
    }

    /// Only local `#id` references resolve inside invariants (the engine does those itself);
    /// Bundle references are resolved and checked by the reference rules instead.
    fn resolve<'a>(&self, _reference: &str, _ctx: &ResolveContext<'a>) -> Option<&'a Node<'a>> {
        None
    }

    fn member_of(&self, item: &Node<'_>, item_type: &str, value_set: &str) -> Option<bool> {
        super::binding::member_of(&self.types.set.terminology, item_type, item, value_set)
    }

    fn conforms_to(&self, node: &Node<'_>, _node_type: &str, profile: &str) -> Option<bool> {
        let set = self.types.set;
        let sd = set.resolve(profile)?;
        let mut w = Walker::new(set, self.memo, self.opts);
        Some(w.conforms(|w| w.against_structure(sd, node)))
    }

    fn html_checks(&self, div: &str) -> bool {
        super::xhtml::html_checks(div)
    }
}

/// dom-6, `text.div.exists()`, for the plain cases: no `text` at all, or a `text` object
/// with a string `div`. `None` for the rest (companions, wrong JSON types).
fn has_narrative(resource: &Node<'_>) -> Option<bool> {
    if resource.get("_text").is_some() {
        return None;
    }
    let Some(text) = resource.get("text") else {
        return Some(false);
    };
    match text.get("div").map(|d| &d.value) {
        Some(Value::String(_)) if text.get("_div").is_none() => Some(true),
        _ => None,
    }
}

impl<'v: 'a, 'a> Walker<'v, 'a> {
    /// Evaluate the invariants of element `el` on one occurrence. Most elements have only
    /// ele-1, which holds on almost every occurrence: that case is decided here, inline in the
    /// walk, and the rest by [`Self::all_invariants`].
    #[inline]
    pub(crate) fn invariants(
        &mut self,
        sd: StructId,
        el: u32,
        item: Item<'v, 'a>,
        type_code: Option<&'v str>,
    ) {
        if !self.opts.invariants {
            return;
        }
        let set = self.set;
        let Some(e) = set.structure(sd).elements.get(el as usize) else {
            return;
        };
        match e.constraints.as_slice() {
            [] => return,
            [ci] if self.memo.class(set, *ci, classify) == ELE_1
                && (self.profile_walk || ele_1(item)) =>
            {
                return;
            }
            _ => {}
        }
        self.all_invariants(sd, el, item, type_code);
    }

    /// [`Self::invariants`], every constraint of the element.
    #[inline(never)]
    fn all_invariants(
        &mut self,
        sd: StructId,
        el: u32,
        item: Item<'v, 'a>,
        type_code: Option<&'v str>,
    ) {
        let set = self.set;
        let s = set.structure(sd);
        let Some(e) = s.elements.get(el as usize) else {
            return;
        };
        let node = item.value.or(item.ext).map_or(NodeId::NONE, Node::id);
        // what the context is called by the engine
        let context_type: &'v str = if el == 0 {
            s.type_name.as_str()
        } else if !e.children.is_empty() {
            e.path.as_str()
        } else {
            type_code.unwrap_or_default()
        };
        for &ci in &e.constraints {
            let Some(c) = set.constraints.get(ci as usize) else {
                continue;
            };
            let once = (ci, node);
            let (holds, remembered) = match self.memo.class(set, ci, classify) {
                // type-level rules on every element: the base walk sees every element
                ELE_1 | EXT_1 if self.profile_walk => continue,
                ELE_1 => (Ok(ele_1(item)), false),
                EXT_1 => (Ok(item.value.is_none_or(ext_1)), false),
                NATIVE_ELSEWHERE => continue,
                REF_1_NATIVE => {
                    if !self.check_again(self.invariants.evaluated.get(&once).copied()) {
                        continue;
                    }
                    let holds = match self.ref_1(item) {
                        Some(holds) => Ok(holds),
                        None => self.evaluate(ci, item, context_type),
                    };
                    (holds, true)
                }
                PER_1 => {
                    if !self.check_again(self.invariants.evaluated.get(&once).copied()) {
                        continue;
                    }
                    let native = if context_type == "Period" {
                        per_1(item)
                    } else {
                        None
                    };
                    let holds = match native {
                        Some(holds) => Ok(holds),
                        None => self.evaluate(ci, item, context_type),
                    };
                    (holds, true)
                }
                class @ (DOM_CONTAINED | DOM_6) => {
                    if !self.check_again(self.invariants.evaluated.get(&once).copied()) {
                        continue;
                    }
                    let native = item.value.and_then(|resource| {
                        if class == DOM_6 {
                            has_narrative(resource)
                        } else {
                            let none = resource.get("contained").is_none()
                                && resource.get("_contained").is_none();
                            none.then_some(true)
                        }
                    });
                    let holds = match native {
                        Some(holds) => Ok(holds),
                        None => self.evaluate(ci, item, context_type),
                    };
                    (holds, true)
                }
                _ => {
                    if !self.check_again(self.invariants.evaluated.get(&once).copied()) {
                        continue;
                    }
                    (self.evaluate(ci, item, context_type), true)
                }
            };
            if remembered {
                let prev = self.invariants.evaluated.get(&once).copied();
                let done = self.checked(prev, c.error && holds == Ok(false));
                self.invariants.evaluated.insert(once, done);
            }
            let offset = item.offset;
            match holds {
                Ok(true) => {}
                Ok(false) => {
                    let severity = if c.error {
                        Severity::Error
                    } else {
                        Severity::Warning
                    };
                    self.report_keyed(severity, "invariant", Some(&c.key), offset, || {
                        format!("Constraint failed: {}: '{}'", c.key, c.human)
                    });
                }
                Err(message) => {
                    self.report(Severity::Warning, "exception", offset, || {
                        format!(
                            "The invariant {} could not be evaluated ({}): {message}",
                            c.key, c.expression
                        )
                    });
                }
            }
        }
    }

    /// ref-1 natively, with the root resource's contained ids indexed once: the FHIRPath
    /// text collects `%rootResource.contained.id` for every Reference, quadratic in the
    /// number of contained resources. `None` for the cases left to the engine (a bare `#`,
    /// a reference that is not a string).
    fn ref_1(&mut self, item: Item<'v, 'a>) -> Option<bool> {
        let id = match local_reference(item)? {
            LocalReference::None => return Some(true),
            LocalReference::Id(id) => id,
        };
        let root = self.resources.iter().rev().find(|r| !r.contained)?.node;
        let key = root.id();
        if self
            .invariants
            .contained_ids
            .as_ref()
            .is_none_or(|(k, _)| *k != key)
        {
            self.invariants.contained_ids = Some((key, contained_ids(root)));
        }
        Some(
            self.invariants
                .contained_ids
                .as_ref()
                .is_some_and(|(_, ids)| ids.contains(id)),
        )
    }

    fn evaluate(
        &mut self,
        ci: u32,
        item: Item<'v, 'a>,
        context_type: &'v str,
    ) -> Result<bool, String> {
        let set = self.set;
        let expr = match self.memo.expression(set, ci) {
            Some(Ok(expr)) => expr,
            Some(Err(e)) => return Err(format!("does not parse: {e}")),
            None => return Ok(true),
        };
        let Some(&resource) = self.resources.last() else {
            return Ok(true);
        };
        let root = self
            .resources
            .iter()
            .rev()
            .find(|r| !r.contained)
            .copied()
            .unwrap_or(resource);
        let mut env = Env::new(resource.node, resource.type_name);
        env.root_resource = root.node;
        env.root_type = root.type_name;
        env.context = item.value;
        env.context_ext = item.ext;
        env.context_type = context_type;
        env.today = super::primitive::today_days().map(super::primitive::civil_from_days);
        let model = SetModel {
            types: TypeModel { set },
            memo: self.memo,
            opts: self.opts,
        };
        fhirpath::evaluate_invariant(expr, &env, &model).map_err(|e| e.message)
    }
}

/// What ref-1 needs of a Reference: whether it names a local (`#id`) target.
enum LocalReference<'a> {
    /// No string `reference`, or one that does not start with `#`: ref-1 holds.
    None,
    /// `#id`: ref-1 holds when a contained resource of the root resource has this id.
    Id(&'a str),
}

/// The local target of a Reference for ref-1; `None` for the cases left to the engine (a
/// bare `#`, a `reference` that is not a string).
fn local_reference<'a>(item: Item<'_, 'a>) -> Option<LocalReference<'a>> {
    let Some(reference) = item.value.and_then(|n| n.get("reference")) else {
        return Some(LocalReference::None);
    };
    // `startsWith('#').not()` holds for every other string (the common case)
    match reference.value.as_str()?.strip_prefix('#') {
        None => Some(LocalReference::None),
        Some("") => None,
        Some(id) => Some(LocalReference::Id(id)),
    }
}

/// The string ids of a resource's contained resources.
fn contained_ids<'a>(root: &'a Node<'a>) -> FxHashSet<&'a str> {
    match root.get("contained").map(|c| &c.value) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|r| r.get("id").and_then(|i| i.value.as_str()))
            .collect(),
        _ => FxHashSet::default(),
    }
}

/// per-1 `start.hasValue().not() or end.hasValue().not() or (start <= end)` on a Period, for
/// the plain cases: no `_start` / `_end` companions or unknown members, string values, and
/// both dates parsed as the engine parses a dateTime. `None` for the rest.
fn per_1(item: Item<'_, '_>) -> Option<bool> {
    if item.ext.is_some() {
        return None;
    }
    let Value::Object(members) = &item.value?.value else {
        return None;
    };
    let (mut start, mut end) = (None, None);
    for m in members {
        match &*m.key {
            "start" => start = Some(m.value.value.as_str()?),
            "end" => end = Some(m.value.value.as_str()?),
            "id" | "extension" => {}
            _ => return None,
        }
    }
    let (Some(start), Some(end)) = (start, end) else {
        return Some(true);
    };
    let date_time = |s: &str| {
        s.starts_with(|c: char| c.is_ascii_digit())
            .then(|| DateTime::parse_datetime(s, false))
            .flatten()
    };
    let order = DateTime::compare(&date_time(start)?, &date_time(end)?);
    Some(order != Some(std::cmp::Ordering::Greater))
}

/// ele-1 `hasValue() or (children().count() > id.count())`.
fn ele_1(item: Item<'_, '_>) -> bool {
    let has_children = |n: &Node<'_>| match &n.value {
        Value::Object(members) => members
            .iter()
            .any(|m| m.key != "id" && m.key != "resourceType"),
        _ => false,
    };
    match item.value {
        Some(n) => match &n.value {
            Value::Object(_) => has_children(n),
            Value::Null => item.ext.is_some_and(has_children),
            _ => true,
        },
        None => item.ext.is_some_and(has_children),
    }
}

/// ext-1 `extension.exists() != value.exists()`.
fn ext_1(n: &Node<'_>) -> bool {
    let Value::Object(members) = &n.value else {
        return true;
    };
    let has_ext = members.iter().any(|m| m.key == "extension");
    let has_value = members.iter().any(|m| {
        m.key
            .strip_prefix("value")
            .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_uppercase()))
    });
    has_ext != has_value
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    //! Each native form against the FHIRPath engine, on passing, failing and fall-back inputs.
    use super::*;
    use crate::fhirpath::tests::TestModel;
    use crate::json::{self, Limits};

    /// The engine's verdict on `expr` with context `value` / `ext` (of type `ty`) in resource
    /// `resource`.
    fn engine(
        expr: &str,
        resource: &Node<'_>,
        value: Option<&Node<'_>>,
        ext: Option<&Node<'_>>,
        ty: &str,
    ) -> Result<bool, String> {
        let rt = resource
            .get("resourceType")
            .and_then(|r| r.value.as_str())
            .unwrap_or("Patient");
        let mut env = Env::new(resource, rt).with_context(value, ext, ty);
        env.today = Some((2024, 5, 1));
        let parsed = fhirpath::parse(expr).unwrap();
        fhirpath::evaluate_invariant(&parsed, &env, &TestModel).map_err(|e| e.message)
    }

    fn item<'a>(value: Option<&'a Node<'a>>, ext: Option<&'a Node<'a>>) -> Item<'a, 'a> {
        Item {
            value,
            ext,
            type_code: None,
            offset: 0,
        }
    }

    fn parse(text: &str) -> Node<'_> {
        // the arena lives as long as the test (leaked: tests only)
        json::parse(text, Box::leak(Box::default()), &Limits::default()).unwrap()
    }

    #[test]
    fn ele_1_agrees_with_the_engine() {
        let patient = parse(r#"{"resourceType": "Patient"}"#);
        // (value, `_name` companion, holds)
        let cases: &[(Option<&str>, Option<&str>, bool)] = &[
            (Some(r#""x""#), None, true),
            (Some("true"), None, true),
            (Some("12.5"), None, true),
            (Some(r#"{"family": "x"}"#), None, true),
            (Some(r#"{"id": "a", "family": "x"}"#), None, true),
            (Some(r#"{"id": "a"}"#), None, false),
            (Some("{}"), None, false),
            (Some(r#"{"extension": [{"url": "u"}]}"#), None, true),
            (Some(r#""x""#), Some(r#"{"id": "a"}"#), true),
            (None, Some(r#"{"extension": [{"url": "u"}]}"#), true),
            (None, Some(r#"{"id": "a"}"#), false),
            (None, Some("{}"), false),
            (Some("null"), Some(r#"{"extension": [{"url": "u"}]}"#), true),
        ];
        for (value, ext, holds) in cases {
            let v = value.map(parse);
            let x = ext.map(parse);
            let ty = if matches!(value, Some(t) if t.starts_with('{')) {
                "HumanName"
            } else {
                "string"
            };
            let native = ele_1(item(v.as_ref(), x.as_ref()));
            let want = engine(ELE_1_TEXT, &patient, v.as_ref(), x.as_ref(), ty);
            assert_eq!(want, Ok(*holds), "engine on {value:?} / {ext:?}");
            assert_eq!(native, *holds, "native on {value:?} / {ext:?}");
        }
    }

    #[test]
    fn ext_1_agrees_with_the_engine() {
        let patient = parse(r#"{"resourceType": "Patient"}"#);
        for (text, holds) in [
            (r#"{"url": "u", "valueString": "x"}"#, true),
            (r#"{"url": "u", "valueQuantity": {"value": 1}}"#, true),
            (
                r#"{"url": "u", "extension": [{"url": "v", "valueString": "x"}]}"#,
                true,
            ),
            (r#"{"url": "u"}"#, false),
            (
                r#"{"url": "u", "valueString": "x", "extension": [{"url": "v"}]}"#,
                false,
            ),
        ] {
            let v = parse(text);
            let native = ext_1(&v);
            let want = engine(EXT_1_TEXT, &patient, Some(&v), None, "Extension");
            assert_eq!(want, Ok(holds), "engine on {text}");
            assert_eq!(native, holds, "native on {text}");
        }
    }

    #[test]
    fn per_1_agrees_with_the_engine_or_falls_back() {
        let patient = parse(r#"{"resourceType": "Patient"}"#);
        // (Period, native verdict: None = left to the engine)
        for (text, native) in [
            ("{}", Some(true)),
            (r#"{"start": "2024-01-01"}"#, Some(true)),
            (
                r#"{"end": "2024-01-01", "id": "p", "extension": []}"#,
                Some(true),
            ),
            (
                r#"{"start": "2024-01-01", "end": "2024-01-02"}"#,
                Some(true),
            ),
            (
                r#"{"start": "2024-01-01", "end": "2024-01-01"}"#,
                Some(true),
            ),
            (
                r#"{"start": "2024-02-01", "end": "2024-01-01"}"#,
                Some(false),
            ),
            (
                r#"{"start": "2024-01-01T10:00:00Z", "end": "2024-01-01T09:00:00Z"}"#,
                Some(false),
            ),
            (
                r#"{"start": "2024-01-01T10:00:00+02:00", "end": "2024-01-01T09:00:00Z"}"#,
                Some(true),
            ),
            // different precisions: the comparison is empty, the invariant holds
            (r#"{"start": "2024-01", "end": "2024-01-01"}"#, Some(true)),
            (
                r#"{"start": "2025", "end": "2024-01-01T10:00:00Z"}"#,
                Some(false),
            ),
            (
                r#"{"start": "2024-01-01T10:00:00", "end": "2024-01-01"}"#,
                Some(true),
            ),
            // left to the engine
            (r#"{"start": "abc", "end": "2024-01-01"}"#, None),
            (r#"{"start": "2024-13-01", "end": "2024-01-01"}"#, None),
            (r#"{"start": "b", "end": "a"}"#, None),
            (r#"{"start": 2024, "end": "2024-01-01"}"#, None),
            (
                r#"{"start": "2024-02-01", "_start": {"id": "s"}, "end": "2024-01-01"}"#,
                None,
            ),
            (r#"{"startDate": "2024-02-01", "end": "2024-01-01"}"#, None),
        ] {
            let v = parse(text);
            let got = per_1(item(Some(&v), None));
            assert_eq!(got, native, "native on {text}");
            if let Some(holds) = got {
                let want = engine(PER_1_TEXT, &patient, Some(&v), None, "Period");
                assert_eq!(want, Ok(holds), "engine on {text}");
            }
        }
    }

    #[test]
    fn ref_1_agrees_with_the_engine_or_falls_back() {
        let doc = r##"{"resourceType": "Patient", "contained": [{"resourceType": "Organization", "id": "o1", "name": "x"}], "managingOrganization": REF}"##;
        // (Reference, native verdict: None = left to the engine)
        for (reference, native) in [
            (r#"{"reference": "Organization/1"}"#, Some(true)),
            (r#"{"reference": "urn:uuid:1"}"#, Some(true)),
            (r#"{"display": "x"}"#, Some(true)),
            (r##"{"reference": "#o1"}"##, Some(true)),
            (r##"{"reference": "#o2"}"##, Some(false)),
            (r##"{"reference": "#"}"##, None),
            (r#"{"reference": 12}"#, None),
        ] {
            let text = doc.replace("REF", reference);
            let patient = parse(&text);
            let value = patient.get("managingOrganization");
            let got = local_reference(item(value, None)).map(|local| match local {
                LocalReference::None => true,
                LocalReference::Id(id) => contained_ids(&patient).contains(id),
            });
            assert_eq!(got, native, "native on {reference}");
            if let Some(holds) = got {
                let want = engine(REF_1, &patient, value, None, "Reference");
                assert_eq!(want, Ok(holds), "engine on {reference}");
            }
        }
    }

    #[test]
    fn dom_natives_agree_with_the_engine() {
        let text = |k: &str| {
            DOM_NATIVE
                .iter()
                .find(|(key, _)| *key == k)
                .map(|(_, t)| *t)
                .unwrap()
        };
        // dom-6
        for (doc, native) in [
            (r#"{"resourceType": "Patient"}"#, Some(false)),
            (
                r#"{"resourceType": "Patient", "text": {"status": "generated", "div": "<div/>"}}"#,
                Some(true),
            ),
            (
                r#"{"resourceType": "Patient", "text": {"status": "generated"}}"#,
                None,
            ),
            (r#"{"resourceType": "Patient", "_text": {"id": "t"}}"#, None),
        ] {
            let patient = parse(doc);
            let got = has_narrative(&patient);
            assert_eq!(got, native, "native dom-6 on {doc}");
            if let Some(holds) = got {
                let want = engine(text("dom-6"), &patient, Some(&patient), None, "Patient");
                assert_eq!(want, Ok(holds), "engine dom-6 on {doc}");
            }
        }
        // dom-2 to dom-5 hold when there is nothing contained
        let patient = parse(r#"{"resourceType": "Patient", "active": true}"#);
        for key in ["dom-2", "dom-3", "dom-4", "dom-5"] {
            let want = engine(text(key), &patient, Some(&patient), None, "Patient");
            assert_eq!(want, Ok(true), "engine {key}");
        }
        // and can fail when there is: the engine decides then
        let contained = parse(
            r#"{"resourceType": "Patient", "contained": [{"resourceType": "Organization", "id": "o", "meta": {"versionId": "1"}}]}"#,
        );
        let want = engine(text("dom-4"), &contained, Some(&contained), None, "Patient");
        assert_eq!(want, Ok(false));
    }
}
