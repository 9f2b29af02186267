//! Properties and cardinality: every JSON property must be a known element (choice elements
//! by their typed name), arrays where the element repeats and single values where it does not,
//! and each element's count within its min..max.

use super::path::Seg;
use super::{Item, Walker, article};
use crate::json::{Member, Node, Value};
use crate::model::{Child, Element, MANY, StructId, Structure, name_prefix};
use crate::outcome::Severity;
use smallvec::SmallVec;
use std::collections::HashSet;

/// The occurrences of one element in an object (usually one or a few).
type Items<'v, 'a> = SmallVec<[Item<'v, 'a>; 4]>;

/// One property matched to a child element.
#[derive(Clone, Copy)]
struct Matched<'v> {
    child: u32,
    member: usize,
    type_code: Option<&'v str>,
    /// `_name`: the companion of a primitive.
    companion: bool,
}

/// `valueQuantity` names type `Quantity`, `valueDateTime` type `dateTime`.
fn suffix_names_type(suffix: &str, code: &str) -> bool {
    let (mut a, mut b) = (suffix.chars(), code.chars());
    match (a.next(), b.next()) {
        (Some(x), Some(y)) if x == y.to_ascii_uppercase() => a.as_str() == b.as_str(),
        _ => false,
    }
}

/// The child of `parent` that property `name` belongs to, with the type a choice name selects.
pub(crate) fn match_child<'v>(
    s: &'v Structure,
    parent: &'v Element,
    name: &str,
) -> Option<(u32, Option<&'v str>)> {
    for &c in &parent.children {
        let Some(ce) = s.elements.get(c as usize) else {
            continue;
        };
        if ce.is_choice() {
            if let Some(rest) = name.strip_prefix(ce.base_name())
                && let Some(t) = ce.types.iter().find(|t| suffix_names_type(rest, &t.code))
            {
                return Some((c, Some(t.code.as_str())));
            }
        } else if ce.name == name {
            return Some((c, None));
        }
    }
    None
}

/// [`match_child`] over the packed children of the parent (the same answer, with the
/// child's position among them): most children are ruled out by name length and the first 8
/// bytes of the name ([`Child::prefix`]), and a name of up to 8 bytes that is not a choice is
/// matched by them alone. The children are searched from position `from` on, then those
/// before it: the same answer where a name can match at most one child
/// ([`super::memo::Memo::distinct_children`]; `from` is 0 otherwise).
fn match_packed<'v>(
    s: &'v Structure,
    kids: &[Child],
    from: usize,
    name: &str,
) -> Option<(usize, u32, Option<&'v str>)> {
    let prefix = name_prefix(name.as_bytes());
    let n = kids.len();
    for step in 0..n {
        let at = from + step;
        let pos = if at < n { at } else { at - n };
        let Some(k) = kids.get(pos) else {
            continue;
        };
        let len = k.name_len as usize;
        if k.is_choice {
            // the name starts with the choice's: compare as many bytes of the prefix
            let head = len.min(8) as u32;
            let mask = u64::MAX.checked_shr(64 - 8 * head).unwrap_or(0);
            if len > name.len() || prefix & mask != k.prefix {
                continue;
            }
        } else if len != name.len() || prefix != k.prefix {
            continue;
        } else if len <= 8 {
            return Some((pos, k.index, None));
        }
        let Some(ce) = s.elements.get(k.index as usize) else {
            continue;
        };
        if k.is_choice {
            if let Some(rest) = name.strip_prefix(ce.base_name())
                && let Some(t) = ce.types.iter().find(|t| suffix_names_type(rest, &t.code))
            {
                return Some((pos, k.index, Some(t.code.as_str())));
            }
        } else if ce.name == name {
            return Some((pos, k.index, None));
        }
    }
    None
}

/// Which children of an element an object has, by position: a bit each for the first 64
/// (all of them but in hostile or huge definitions), flags beyond.
struct Present {
    bits: u64,
    more: Vec<bool>,
}

impl Present {
    fn new(children: usize) -> Present {
        Present {
            bits: 0,
            more: vec![false; children.saturating_sub(64)],
        }
    }

    fn set(&mut self, pos: usize) {
        match pos.checked_sub(64) {
            None => self.bits |= 1 << pos,
            Some(i) => {
                if let Some(flag) = self.more.get_mut(i) {
                    *flag = true;
                }
            }
        }
    }

    fn get(&self, pos: usize) -> bool {
        match pos.checked_sub(64) {
            None => self.bits & (1 << pos) != 0,
            Some(i) => self.more.get(i).copied().unwrap_or(true),
        }
    }
}

/// A bit (0..64) for a key, from its length and first and last bytes.
fn key_bit(key: &str) -> u32 {
    let b = key.as_bytes();
    let (first, last) = (b.first().copied(), b.last().copied());
    let h = (key.len() as u32).wrapping_mul(0x9E37_79B9)
        ^ u32::from(first.unwrap_or(0)).wrapping_mul(0x85EB_CA6B)
        ^ u32::from(last.unwrap_or(0)).wrapping_mul(0xC2B2_AE35);
    h >> 26
}

fn is_duplicate(members: &[Member<'_>], mi: usize) -> bool {
    let Some(m) = members.get(mi) else {
        return false;
    };
    members
        .get(..mi)
        .is_some_and(|before| before.iter().any(|o| o.key == m.key))
}

pub(crate) fn from_text(s: &Structure) -> String {
    if s.version.is_empty() {
        s.url.clone()
    } else {
        format!("{}|{}", s.url, s.version)
    }
}

impl<'v: 'a, 'a> Walker<'v, 'a> {
    /// Validate the properties of object `node` against the children of element `parent`.
    pub(crate) fn members(
        &mut self,
        sd: StructId,
        parent: u32,
        node: &'a Node<'a>,
        resource_root: bool,
    ) {
        self.members_of(sd, parent, node, resource_root, None);
    }

    /// [`Walker::members`], limited to the children named in `only` when given (other
    /// properties are neither matched nor reported).
    pub(crate) fn members_of(
        &mut self,
        sd: StructId,
        parent: u32,
        node: &'a Node<'a>,
        resource_root: bool,
        only: Option<&[&str]>,
    ) {
        let set = self.set;
        let s = set.structure(sd);
        let Some(p) = s.elements.get(parent as usize) else {
            return;
        };
        let Value::Object(members) = &node.value else {
            return;
        };
        let Some(kids) = set.children(sd).map(|c| c.of(parent)) else {
            return;
        };
        // which children the data has (by position in `kids`): bits of the first 64
        let mut present_in_data = Present::new(kids.len());
        // where to start searching the children for the next property (after the child the
        // last one matched), when the order cannot change the answer
        let hinted = self.memo.distinct_children(set, sd, parent);
        let mut from = 0usize;
        let mut matched: SmallVec<[Matched<'v>; 16]> = SmallVec::new();
        let mut excluded: SmallVec<[u32; 2]> = SmallVec::new();
        // large (hostile) objects get a set instead of the quadratic scan
        let mut seen = (members.len() > 32).then(HashSet::new);
        // otherwise a 64-bit filter over the keys: only a key whose bit is taken already
        // can be a duplicate
        let mut taken = 0u64;
        for (mi, m) in members.iter().enumerate() {
            let key = m.key.as_ref();
            let duplicate = match seen.as_mut() {
                Some(seen) => !seen.insert(key),
                None => {
                    let bit = 1u64 << key_bit(key);
                    let maybe = taken & bit != 0;
                    taken |= bit;
                    maybe && is_duplicate(members, mi)
                }
            };
            if duplicate {
                self.report(Severity::Error, "structure", m.key_offset, || {
                    format!("Duplicate property '{key}'")
                });
                continue;
            }
            if resource_root && key == "resourceType" {
                continue;
            }
            let (name, companion) = match key.strip_prefix('_') {
                Some(n) => (n, true),
                None => (key, false),
            };
            if only.is_some_and(|names| !names.iter().any(|n| name.starts_with(n))) {
                continue;
            }
            match match_packed(s, kids, from, name) {
                Some((pos, child, type_code)) => {
                    present_in_data.set(pos);
                    if hinted {
                        from = pos + 1;
                    }
                    matched.push(Matched {
                        child,
                        member: mi,
                        type_code,
                        companion,
                    });
                }
                None => match self.excluded_choice(s, p, name) {
                    // a type the base allows but this profile does not: it still counts
                    Some((child, found)) => {
                        if !companion {
                            self.report_excluded_type(s, child, found, &m.value);
                        }
                        if let Some(pos) = kids.iter().position(|k| k.index == child) {
                            present_in_data.set(pos);
                        }
                        excluded.push(child);
                    }
                    None => self.report(Severity::Error, "structure", m.key_offset, || {
                        format!("Unrecognized property '{key}'")
                    }),
                },
            }
        }
        for (pos, k) in kids.iter().enumerate() {
            // absent and nothing to check when absent (no minimum, no slices)
            if !k.check_absent && !present_in_data.get(pos) {
                continue;
            }
            // a probe that failed already has its answer: what it would check next reports
            // nothing, and the checks it remembers are made again when next asked
            if self.probe_failed && self.probing > 0 {
                return;
            }
            let c = k.index;
            let Some(ce) = s.elements.get(c as usize) else {
                continue;
            };
            if only.is_some_and(|names| !names.contains(&ce.base_name())) {
                continue;
            }
            let mut items: Items<'v, 'a> = SmallVec::new();
            for m in matched.iter().filter(|m| m.child == c && !m.companion) {
                if let Some(member) = members.get(m.member) {
                    let companion = matched
                        .iter()
                        .filter(|x| x.child == c && x.companion)
                        .filter_map(|x| members.get(x.member))
                        .find(|x| x.key.get(1..) == Some(member.key.as_ref()));
                    self.collect_items(ce, member, companion, m.type_code, &mut items);
                }
            }
            // a primitive given only by its `_name` companion
            for m in matched.iter().filter(|m| m.child == c && m.companion) {
                let Some(member) = members.get(m.member) else {
                    continue;
                };
                let has_value = members
                    .iter()
                    .any(|x| Some(x.key.as_ref()) == member.key.get(1..));
                if !has_value {
                    self.collect_companion_only(ce, member, m.type_code, &mut items);
                }
            }
            let present = items.len() + excluded.iter().filter(|x| **x == c).count();
            self.cardinality(s, ce, present, node.offset);
            if ce.slicing.is_some() && !ce.slices.is_empty() {
                self.slicing(sd, c, &items, node.offset);
            }
            for (i, item) in items.iter().enumerate() {
                let depth = self.path.len();
                self.push_item_path(ce, i, item);
                self.element(sd, c, *item);
                self.path.truncate(depth);
            }
        }
    }

    /// `valueString` where this profile narrowed `value[x]` to Quantity: the choice child
    /// and the type the name gives (a FHIR type the profile does not allow).
    fn excluded_choice(
        &self,
        s: &'v Structure,
        p: &'v Element,
        name: &str,
    ) -> Option<(u32, &'v str)> {
        p.children.iter().copied().find_map(|c| {
            let ce = s.elements.get(c as usize)?;
            let rest = name
                .strip_prefix(ce.base_name())
                .filter(|_| ce.is_choice())?;
            let mut chars = rest.chars();
            let first = chars.next()?;
            let lower = format!("{}{}", first.to_ascii_lowercase(), chars.as_str());
            [lower.as_str(), rest].into_iter().find_map(|candidate| {
                let t = self.set.type_def(candidate)?;
                Some((c, self.set.structure(t).type_name.as_str()))
            })
        })
    }

    fn report_excluded_type(
        &mut self,
        s: &'v Structure,
        child: u32,
        found: &'v str,
        value: &'a Node<'a>,
    ) {
        let Some(ce) = s.elements.get(child as usize) else {
            return;
        };
        let allowed: Vec<&str> = ce.types.iter().map(|t| t.code.as_str()).collect();
        let what = if s.type_name == "Extension" {
            "Extension"
        } else {
            "Profile"
        };
        let depth = self.path.len();
        self.path.push(Seg::Name(ce.base_name()));
        self.path.push(Seg::OfType(found));
        self.report(Severity::Error, "structure", value.offset, || {
            if let [one] = allowed.as_slice() {
                format!(
                    "The {what} '{}' definition allows for the type {one} but found type {found}",
                    from_text(s)
                )
            } else {
                format!(
                    "The {what} '{}' definition allows for the types [{}] but found type {found}",
                    from_text(s),
                    allowed.join(", ")
                )
            }
        });
        self.path.truncate(depth);
    }

    /// Report at the element itself (`Patient.gender`), or at one of its entries.
    fn report_at_element(
        &mut self,
        e: &'v Element,
        index: Option<usize>,
        code: &'static str,
        offset: u32,
        message: impl FnOnce() -> String,
    ) {
        let depth = self.path.len();
        self.path.push(Seg::Name(e.base_name()));
        if let Some(i) = index {
            self.path.push(Seg::Index(i));
        }
        self.report(Severity::Error, code, offset, message);
        self.path.truncate(depth);
    }

    /// Push `.name`, `[i]` and `.ofType(T)` for an occurrence of element `e`.
    pub(crate) fn push_item_path(&mut self, e: &'v Element, i: usize, item: &Item<'v, 'a>) {
        self.path.push(Seg::Name(e.base_name()));
        if e.is_array {
            self.path.push(Seg::Index(i));
        }
        if e.is_choice()
            && let Some(t) = item.type_code
        {
            self.path.push(Seg::OfType(t));
        }
    }

    pub(crate) fn cardinality(&mut self, s: &'v Structure, e: &'v Element, count: usize, at: u32) {
        let count32 = u32::try_from(count).unwrap_or(u32::MAX);
        if count32 < e.min {
            self.report(Severity::Error, "structure", at, || {
                format!(
                    "{}: minimum required = {}, but only found {count} (from {})",
                    e.path,
                    e.min,
                    from_text(s)
                )
            });
        }
        if e.max != MANY && count32 > e.max {
            self.report(Severity::Error, "structure", at, || {
                format!(
                    "{}: max allowed = {}, but found {count} (from {})",
                    e.path,
                    e.max,
                    from_text(s)
                )
            });
        }
    }

    /// The occurrences a property holds, checking array vs single value.
    fn collect_items(
        &mut self,
        e: &'v Element,
        member: &'a Member<'a>,
        companion: Option<&'a Member<'a>>,
        type_code: Option<&'v str>,
        items: &mut Items<'v, 'a>,
    ) {
        let value = &member.value;
        let key = member.key.as_ref();
        match &value.value {
            Value::Array(values) => {
                if !e.is_array {
                    self.report_at_element(e, None, "structure", value.offset, || {
                        format!("The property {key} must be a single value, not an Array")
                    });
                }
                if values.is_empty() {
                    self.report_at_element(e, None, "structure", value.offset, || {
                        format!("Array cannot be empty - the property {key} should not be present if it has no values")
                    });
                }
                if let Some(c) = companion
                    && !matches!(c.value.value, Value::Array(_) | Value::Null)
                {
                    let kind = c.value.value.kind_name();
                    self.report_at_element(e, None, "structure", c.value.offset, || {
                        format!(
                            "The base property {key} must be a JSON Array, not {}",
                            article(kind)
                        )
                    });
                }
                let exts = companion.and_then(|c| c.value.value.as_array());
                if let (Some(exts), Some(c)) = (exts, companion)
                    && exts.len() != values.len()
                {
                    self.report(Severity::Error, "structure", c.value.offset, || {
                        format!(
                            "The property {} has {} entries but {key} has {}: they must line up",
                            c.key,
                            exts.len(),
                            values.len()
                        )
                    });
                }
                for (i, v) in values.iter().enumerate() {
                    let ext = exts
                        .and_then(|x| x.get(i))
                        .filter(|x| !matches!(x.value, Value::Null));
                    let is_null = matches!(v.value, Value::Null);
                    if is_null && ext.is_none() {
                        self.report_at_element(e, Some(i), "structure", v.offset, || {
                            format!("The property {key} contains a null that has no extension: null is only allowed in arrays of primitives aligned with _{key}")
                        });
                        continue;
                    }
                    items.push(Item {
                        value: (!is_null).then_some(v),
                        ext,
                        type_code,
                        offset: v.offset,
                    });
                }
            }
            Value::Null => {
                let primitive = match e.types.as_slice() {
                    [t] => super::primitive::Primitive::from_code(&t.code).is_some(),
                    _ => false,
                };
                let expected = if e.is_array {
                    "a JSON Array"
                } else if primitive {
                    "a primitive value"
                } else {
                    "an Object"
                };
                self.report_at_element(e, None, "invalid", value.offset, || {
                    format!("The property {key} must be {expected}, not a Null")
                });
                if let Some(c) = companion {
                    items.push(Item {
                        value: None,
                        ext: Some(&c.value),
                        type_code,
                        offset: c.value.offset,
                    });
                }
            }
            other => {
                if e.is_array {
                    let kind = other.kind_name();
                    let at = self.path.render();
                    self.path.push(Seg::Name(e.base_name()));
                    self.report(Severity::Error, "invalid", value.offset, || {
                        format!(
                            "The property {key} must be a JSON Array, not {} (at {at})",
                            article(kind)
                        )
                    });
                    self.path.pop();
                }
                items.push(Item {
                    value: Some(value),
                    ext: companion.map(|c| &c.value),
                    type_code,
                    offset: value.offset,
                });
            }
        }
    }

    fn collect_companion_only(
        &mut self,
        e: &'v Element,
        member: &'a Member<'a>,
        type_code: Option<&'v str>,
        items: &mut Items<'v, 'a>,
    ) {
        match &member.value.value {
            Value::Array(exts) => {
                if !e.is_array {
                    self.report_at_element(e, None, "structure", member.value.offset, || {
                        format!(
                            "The property {} must be a single value, not an Array",
                            member.key
                        )
                    });
                }
                for x in exts.iter().filter(|x| !matches!(x.value, Value::Null)) {
                    items.push(Item {
                        value: None,
                        ext: Some(x),
                        type_code,
                        offset: x.offset,
                    });
                }
            }
            other => {
                if e.is_array {
                    let kind = other.kind_name();
                    let key = member.key.as_ref();
                    self.report_at_element(e, None, "structure", member.value.offset, || {
                        format!(
                            "The property {key} must be a JSON Array, not {}",
                            article(kind)
                        )
                    });
                }
                items.push(Item {
                    value: None,
                    ext: Some(&member.value),
                    type_code,
                    offset: member.value.offset,
                });
            }
        }
    }
}
