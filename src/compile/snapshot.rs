//! Snapshot generation for differential-only StructureDefinitions, done on the compiled model:
//! the base structure is copied, and each differential element is applied to the element its
//! id names, creating it first where needed: a new slice copies the sliced element, a path
//! into a datatype copies that type's elements under it (the type profile's, where one is
//! named). Covers what profiles in practice use; not the whole of the Java snapshot generator
//! (no differential validation, no inherited-constraint checks).

use super::{
    StructureError, compile_binding, compile_constraints, compile_contexts, compile_slicing,
    compile_type, parse_max, prefixed_value, split_id, str_of, synthesize_id,
};
use crate::model::{Constraint, Element, Kind, ProfileSet, StructId, Structure};
use serde_json::Value;
use std::collections::HashMap;

/// A structure being generated, with the id of every element.
struct Work<'s> {
    s: Structure,
    ids: HashMap<String, u32>,
    set: &'s ProfileSet,
}

pub(crate) fn generate(
    sd: &Value,
    base: StructId,
    package: u32,
    set: &mut ProfileSet,
    cache: &mut HashMap<Constraint, u32>,
    warnings: &mut Vec<String>,
) -> Result<Structure, StructureError> {
    // a "specialization" of the same type is a constraint in all but name (Java treats it so)
    if str_of(sd, "derivation") == Some("specialization")
        && str_of(sd, "type") != Some(set.structure(base).type_name.as_str())
    {
        return Err(StructureError::SpecializationWithoutSnapshot);
    }
    let diff = sd
        .get("differential")
        .and_then(|d| d.get("element"))
        .and_then(Value::as_array)
        .ok_or(StructureError::NoSnapshotNorDifferential)?;
    let mut s = set.structure(base).clone();
    s.url = str_of(sd, "url").unwrap_or_default().to_string();
    s.version = str_of(sd, "version").unwrap_or_default().to_string();
    s.name = str_of(sd, "name").unwrap_or_default().to_string();
    s.is_profile = true;
    s.is_abstract = sd.get("abstract").and_then(Value::as_bool) == Some(true);
    s.base_definition = str_of(sd, "baseDefinition").map(str::to_string);
    s.package = package;
    if sd.get("context").is_some() {
        s.contexts = compile_contexts(sd);
    }
    let ids = element_ids(&s);
    // applying the differential needs read access to the set (type definitions) while the
    // constraints are interned into it afterwards
    let mut applied: Vec<(u32, &Value)> = Vec::with_capacity(diff.len());
    let s = {
        let mut w = Work { s, ids, set };
        let mut last_at_path: HashMap<String, String> = HashMap::new();
        for d in diff {
            let path = str_of(d, "path").ok_or(StructureError::DifferentialElementWithoutPath)?;
            let id = match str_of(d, "id") {
                Some(id) => id.to_string(),
                None => synthesize_id(path, str_of(d, "sliceName"), &last_at_path),
            };
            last_at_path.insert(path.to_string(), id.clone());
            // like the Java generator, an element that names no element of the base is
            // reported and left out; the rest of the profile still applies
            let Some((index, type_restriction)) = w.ensure(&id) else {
                warnings.push(format!(
                    "{}: invalid path '{id}' in the differential: ignored",
                    str_of(sd, "url").unwrap_or_default()
                ));
                continue;
            };
            w.merge(index, d, type_restriction);
            applied.push((index, d));
        }
        w.s
    };
    let mut s = s;
    for (index, d) in applied {
        let added = compile_constraints(d, set, cache);
        if let Some(e) = s.elements.get_mut(index as usize) {
            for c in added {
                if !e.constraints.contains(&c) {
                    e.constraints.push(c);
                }
            }
        }
    }
    if s.kind == Kind::Logical {
        return Err(StructureError::LogicalModel);
    }
    Ok(s)
}

/// The id of every element of a compiled structure (`Patient.identifier:ssn.system`).
fn element_ids(s: &Structure) -> HashMap<String, u32> {
    let mut ids = HashMap::new();
    let Some(root) = s.elements.first() else {
        return ids;
    };
    let mut stack: Vec<(u32, String)> = vec![(0, root.path.clone())];
    while let Some((i, id)) = stack.pop() {
        let Some(e) = s.elements.get(i as usize) else {
            continue;
        };
        for &c in &e.children {
            if let Some(ce) = s.elements.get(c as usize) {
                stack.push((c, format!("{id}.{}", ce.name)));
            }
        }
        for &sl in &e.slices {
            if let Some(se) = s.elements.get(sl as usize) {
                stack.push((sl, slice_id(&id, e, se)));
            }
        }
        ids.insert(id, i);
    }
    ids
}

/// The id of slice `se` of element `base` (id `base_id`): `x:a`, or `x:a/b` for a re-slice
/// (whose sliceName is `a/b`).
fn slice_id(base_id: &str, base: &Element, se: &Element) -> String {
    let name = se.slice_name.as_deref().unwrap_or_default();
    let last = name.rsplit('/').next().unwrap_or(name);
    if base.slice_name.is_some() {
        format!("{base_id}/{last}")
    } else {
        format!("{base_id}:{last}")
    }
}

impl Work<'_> {
    /// The element with this id, created if the base allows it; plus the type a choice
    /// rename (`valueQuantity`) restricts `value[x]` to.
    fn ensure(&mut self, id: &str) -> Option<(u32, Option<String>)> {
        if let Some(i) = self.ids.get(id) {
            return Some((*i, None));
        }
        let (parent, name, slice) = split_id(id);
        let parent = parent?;
        if let Some(slice) = slice {
            let base_id = match slice.rsplit_once('/') {
                Some((outer, _)) => format!("{parent}.{name}:{outer}"),
                None => format!("{parent}.{name}"),
            };
            let (base, restriction) = self.ensure(&base_id)?;
            let new = self.copy_within(base);
            if let Some(e) = self.s.elements.get_mut(new as usize) {
                e.slice_name = Some(slice.to_string());
                e.slicing = None;
                e.slices.clear();
                e.min = 0;
                if let Some(t) = &restriction {
                    e.types.retain(|x| &x.code == t);
                }
            }
            if let Some(b) = self.s.elements.get_mut(base as usize) {
                b.slices.push(new);
            }
            self.register(new, id.to_string());
            return Some((new, None));
        }
        let (p, _) = self.ensure(parent)?;
        if self.children(p).is_empty() {
            self.expand(p)?;
        }
        for c in self.children(p) {
            let Some(ce) = self.s.elements.get(c as usize) else {
                continue;
            };
            if ce.name == name {
                return Some((c, None));
            }
            // `valueQuantity`: `value[x]` restricted to Quantity
            if ce.is_choice()
                && let Some(rest) = name.strip_prefix(ce.base_name())
                    && let Some(t) = ce.types.iter().find(|t| {
                        let mut a = rest.chars();
                        let mut b = t.code.chars();
                        matches!((a.next(), b.next()), (Some(x), Some(y)) if x == y.to_ascii_uppercase())
                            && a.as_str() == b.as_str()
                    }) {
                        return Some((c, Some(t.code.clone())));
                    }
        }
        None
    }

    fn children(&self, i: u32) -> Vec<u32> {
        self.s
            .elements
            .get(i as usize)
            .map(|e| e.children.clone())
            .unwrap_or_default()
    }

    fn register(&mut self, i: u32, id: String) {
        let (children, slices) = match self.s.elements.get(i as usize) {
            Some(e) => (e.children.clone(), e.slices.clone()),
            None => return,
        };
        for c in children {
            if let Some(ce) = self.s.elements.get(c as usize) {
                let cid = format!("{id}.{}", ce.name);
                self.register(c, cid);
            }
        }
        for sl in slices {
            let sid = match (
                self.s.elements.get(i as usize),
                self.s.elements.get(sl as usize),
            ) {
                (Some(e), Some(se)) => slice_id(&id, e, se),
                _ => continue,
            };
            self.register(sl, sid);
        }
        self.ids.insert(id, i);
    }

    /// Copy element `i` and its descendants (not its slices) to the end; returns the copy.
    fn copy_within(&mut self, i: u32) -> u32 {
        let src = self.s.clone();
        let path = src
            .elements
            .get(i as usize)
            .map(|e| e.path.clone())
            .unwrap_or_default();
        append_subtree(&mut self.s, &src, i, &path, &path, false, true)
    }

    /// Give element `p` the children of its type (or of its type profile).
    fn expand(&mut self, p: u32) -> Option<()> {
        let e = self.s.elements.get(p as usize)?;
        if let Some(target) = e.content_ref {
            // the referenced element as the base type defines it, not as this profile
            // constrains it
            let from = self.s.elements.get(target as usize)?.path.clone();
            let to = e.path.clone();
            let set = self.set;
            let base = set.structure(set.type_def(&self.s.type_name)?);
            let b = base
                .elements
                .iter()
                .position(|x| x.path == from && x.slice_name.is_none())?;
            let kids = base.elements.get(b)?.children.clone();
            let mut added = Vec::new();
            for k in kids {
                added.push(append_subtree(
                    &mut self.s,
                    base,
                    k,
                    &from,
                    &to,
                    true,
                    false,
                ));
            }
            self.s.elements.get_mut(p as usize)?.children = added;
            let pid = self
                .ids
                .iter()
                .find(|(_, v)| **v == p)
                .map(|(k, _)| k.clone())?;
            self.register(p, pid);
            return Some(());
        }
        let t = match e.types.as_slice() {
            [t] => t.clone(),
            _ => return None,
        };
        let to = e.path.clone();
        let set = self.set;
        let tsd = t
            .profiles
            .first()
            .and_then(|u| set.resolve(u))
            .or_else(|| set.type_def(&t.code))?;
        let src = set.structure(tsd);
        let root = src.elements.first()?;
        let from = root.path.clone();
        let mut added = Vec::new();
        for &k in &root.children {
            added.push(append_subtree(&mut self.s, src, k, &from, &to, true, false));
        }
        self.s.elements.get_mut(p as usize)?.children = added;
        // ids for the new children
        let pid = self
            .ids
            .iter()
            .find(|(_, v)| **v == p)
            .map(|(k, _)| k.clone())?;
        self.register(p, pid);
        Some(())
    }

    /// Apply a differential element to element `i`.
    fn merge(&mut self, i: u32, d: &Value, restriction: Option<String>) {
        let Some(e) = self.s.elements.get_mut(i as usize) else {
            return;
        };
        merge_into(e, d);
        if let (Some(t), None) = (restriction, d.get("type")) {
            e.types.retain(|x| x.code == t);
        }
    }
}

fn merge_into(e: &mut Element, d: &Value) {
    if let Some(min) = d.get("min").and_then(Value::as_u64) {
        e.min = u32::try_from(min).unwrap_or(u32::MAX);
    }
    if let Some(max) = parse_max(str_of(d, "max")) {
        e.max = max;
    }
    if let Some(ts) = d.get("type").and_then(Value::as_array) {
        e.types = ts.iter().filter_map(compile_type).collect();
    }
    if let Some(f) = prefixed_value(d, "fixed") {
        e.fixed = Some(f);
    }
    if let Some(f) = prefixed_value(d, "pattern") {
        e.pattern = Some(f);
    }
    if let Some(f) = prefixed_value(d, "minValue") {
        e.min_value = Some(f);
    }
    if let Some(f) = prefixed_value(d, "maxValue") {
        e.max_value = Some(f);
    }
    if let Some(n) = d.get("maxLength").and_then(Value::as_u64) {
        e.max_length = Some(u32::try_from(n).unwrap_or(u32::MAX));
    }
    if let Some(b) = d.get("binding").and_then(compile_binding) {
        e.binding = Some(b);
    }
    if let Some(s) = d.get("slicing") {
        e.slicing = Some(compile_slicing(s));
    }
    if let Some(m) = d.get("isModifier").and_then(Value::as_bool) {
        e.is_modifier = m;
    }
    if let Some(m) = d.get("mustSupport").and_then(Value::as_bool) {
        e.must_support = m;
    }
}

/// Append a copy of `src.elements[i]` and its descendants to `dst`, rewriting path prefix
/// `from` to `to`; returns the copy's index.
fn append_subtree(
    dst: &mut Structure,
    src: &Structure,
    i: u32,
    from: &str,
    to: &str,
    with_slices: bool,
    same_structure: bool,
) -> u32 {
    let Some(e) = src.elements.get(i as usize) else {
        return 0;
    };
    let mut copy = e.clone();
    copy.path = match e.path.strip_prefix(from) {
        Some(rest) => format!("{to}{rest}"),
        None => e.path.clone(),
    };
    copy.children = Vec::new();
    copy.slices = Vec::new();
    // a content reference indexes the source structure: across structures, point it at the
    // element of the same path here (the validator reads it as the base type's element)
    if !same_structure {
        copy.content_ref = e.content_ref.and_then(|t| {
            let target = &src.elements.get(t as usize)?.path;
            dst.elements
                .iter()
                .position(|x| &x.path == target && x.slice_name.is_none())
                .map(|i| i as u32)
        });
    }
    let index = dst.elements.len() as u32;
    dst.elements.push(copy);
    let mut children = Vec::new();
    for &c in &e.children {
        children.push(append_subtree(dst, src, c, from, to, true, same_structure));
    }
    let mut slices = Vec::new();
    if with_slices {
        for &sl in &e.slices {
            slices.push(append_subtree(dst, src, sl, from, to, true, same_structure));
        }
    }
    if let Some(x) = dst.elements.get_mut(index as usize) {
        x.children = children;
        x.slices = slices;
    }
    index
}
