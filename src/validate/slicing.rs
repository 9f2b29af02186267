//! Slicing: each occurrence of a sliced element is assigned to the first slice whose
//! discriminators it matches (value, pattern, type, profile, exists), then validated against
//! that slice; slice counts, closed/openAtEnd rules and order are checked. A `value`/`pattern`
//! discriminator on an element with only a required binding is `memberOf` its value set, as in
//! Java, and one on the `url` of an extension whose definition is not loaded compares with the
//! slice's type profile. A discriminator this engine cannot evaluate statically falls back to
//! "does the occurrence conform to the slice".
//!
//! When slicing decides an issue (an occurrence matching no slice of a closed slicing, a
//! required slice missing, an ordered slicing out of order), the diagnostics give the
//! reasoning: per occurrence and candidate slice, the first discriminator that failed, what the
//! slice wants and what was found (`component[0]: slice 'systolic' wants code.coding with
//! system http://loinc.org and code 8480-6, found http://loinc.org#9999-9`).

use super::binding::codings_of;
use super::structure::{from_text, match_child};
use super::value::matches_value;
use super::{Item, Walker};
use crate::json::{Node, Value};
use crate::model::{
    BindingStrength, DiscriminatorType, Element, FValue, MANY, SlicingRules, StructId,
};
use crate::outcome::Severity;
use crate::terminology::Membership;
use std::fmt::Write as _;

/// Occurrences explained per issue, at most (a hostile array gets a bounded diagnostics text).
const MAX_EXPLAINED: usize = 20;
/// Longest found value quoted in a reason, in characters.
const MAX_FOUND: usize = 120;

/// One step of a discriminator path.
enum Step<'p> {
    This,
    Name(&'p str),
    Extension(&'p str),
    OfType,
    Unsupported,
}

fn steps(path: &str) -> Vec<Step<'_>> {
    let mut out = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        // split at the next '.' outside quotes/parentheses
        let mut depth = 0i32;
        let mut quoted = false;
        let mut end = rest.len();
        for (i, c) in rest.char_indices() {
            match c {
                '\'' => quoted = !quoted,
                '(' if !quoted => depth += 1,
                ')' if !quoted => depth -= 1,
                '.' if !quoted && depth == 0 => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        let seg = rest.get(..end).unwrap_or_default();
        rest = rest.get(end + 1..).unwrap_or_default();
        out.push(if seg == "$this" {
            Step::This
        } else if let Some(url) = seg
            .strip_prefix("extension('")
            .and_then(|s| s.strip_suffix("')"))
        {
            Step::Extension(url)
        } else if seg.starts_with("ofType(") {
            Step::OfType
        } else if seg.contains('(') {
            Step::Unsupported
        } else {
            Step::Name(seg)
        });
    }
    out
}

impl<'v: 'a, 'a> Walker<'v, 'a> {
    pub(crate) fn slicing(
        &mut self,
        sd: StructId,
        el: u32,
        items: &[Item<'v, 'a>],
        parent_offset: u32,
    ) {
        let set = self.set;
        let s = set.structure(sd);
        let Some(e) = s.elements.get(el as usize) else {
            return;
        };
        let Some(slicing) = &e.slicing else {
            return;
        };
        let mut counts = vec![0usize; e.slices.len()];
        let mut assigned: Vec<Option<usize>> = Vec::with_capacity(items.len());
        let mut last = 0usize;
        let mut unmatched_seen = false;
        let is_extension = e.base_name() == "extension" || e.base_name() == "modifierExtension";
        for (i, item) in items.iter().enumerate() {
            let depth = self.path.len();
            self.push_item_path(e, i, item);
            let found = e
                .slices
                .iter()
                .position(|&sl| self.slice_matches(sd, e, sl, item));
            assigned.push(found);
            match found {
                Some(k) => {
                    if let Some(c) = counts.get_mut(k) {
                        *c += 1;
                    }
                    if slicing.ordered && k < last {
                        let why = (self.probing == 0).then(|| {
                            format!(
                                "{}: matches slice '{}', which comes before slice '{}' that an earlier element matched",
                                item_label(e, i),
                                slice_name(s, e, k),
                                slice_name(s, e, last)
                            )
                        });
                        self.report_with(Severity::Error, "invariant", item.offset, || {
                            format!(
                                "As specified by profile {}, Element '{}' is out of order in the instance",
                                from_text(s),
                                e.path
                            )
                        }, why);
                    }
                    if slicing.rules == SlicingRules::OpenAtEnd && unmatched_seen {
                        self.report(Severity::Error, "structure", item.offset, || {
                            format!("The slicing of {} is open at the end, but this element matches a slice after one that did not", e.path)
                        });
                    }
                    last = k;
                    if let Some(&sl) = e.slices.get(k) {
                        self.element(sd, sl, *item);
                    }
                }
                None => {
                    unmatched_seen = true;
                    if slicing.rules == SlicingRules::Closed {
                        let why = (self.probing == 0).then(|| {
                            let label = item_label(e, i);
                            let mut out = String::new();
                            for &sl in &e.slices {
                                let reason = self.why_not(sd, e, sl, item);
                                let _ = writeln!(out, "{label}: {reason}");
                            }
                            if e.slices.is_empty() {
                                let _ = writeln!(out, "{label}: the slicing defines no slice");
                            }
                            out.trim_end().to_string()
                        });
                        self.report_with(Severity::Error, "invalid", item.offset, || {
                            format!(
                                "This element does not match any known slice defined in the profile {} and slicing is CLOSED: {}",
                                from_text(s),
                                e.path
                            )
                        }, why);
                    } else if !is_extension {
                        self.report(Severity::Information, "informational", item.offset, || {
                            format!(
                                "This element does not match any known slice defined in the profile {} (this may not be a problem, but you should check that it's not intended to match a slice)",
                                from_text(s)
                            )
                        });
                    }
                }
            }
            self.path.truncate(depth);
        }
        for (k, &sl) in e.slices.iter().enumerate() {
            let Some(se) = s.elements.get(sl as usize) else {
                continue;
            };
            let count = counts.get(k).copied().unwrap_or(0);
            let name = se.slice_name.as_deref().unwrap_or_default();
            if (count as u64) < u64::from(se.min) {
                let why = (self.probing == 0).then(|| self.why_missing(sd, e, sl, items));
                self.report_with(
                    Severity::Error,
                    "structure",
                    parent_offset,
                    || {
                        format!(
                            "Slice '{}:{name}': a matching slice is required, but not found (from {})",
                            e.path,
                            from_text(s)
                        )
                    },
                    why,
                );
            }
            if se.max != MANY && (count as u64) > u64::from(se.max) {
                self.report(Severity::Error, "structure", parent_offset, || {
                    format!(
                        "{}:{name}: max allowed = {}, but found {count} (from {})",
                        e.path,
                        se.max,
                        from_text(s)
                    )
                });
            }
            // re-slicing: the occurrences in this slice are sliced again
            if se.slicing.is_some() && !se.slices.is_empty() {
                let mine: Vec<Item<'v, 'a>> = items
                    .iter()
                    .zip(&assigned)
                    .filter(|(_, a)| **a == Some(k))
                    .map(|(it, _)| *it)
                    .collect();
                self.slicing(sd, sl, &mine, parent_offset);
            }
        }
    }

    fn slice_matches(
        &mut self,
        sd: StructId,
        base: &'v Element,
        sl: u32,
        item: &Item<'v, 'a>,
    ) -> bool {
        let Some(slicing) = &base.slicing else {
            return false;
        };
        if slicing.discriminators.is_empty() {
            return self.conforms(|w| w.element(sd, sl, *item));
        }
        for d in &slicing.discriminators {
            let verdict = self.discriminator(sd, sl, d.kind, &d.path, item);
            match verdict {
                Some(true) => {}
                Some(false) => return false,
                None => return self.conforms(|w| w.element(sd, sl, *item)),
            }
        }
        true
    }

    /// Why no occurrence matched the required slice `sl` of `base`: each occurrence's reason.
    fn why_missing(
        &mut self,
        sd: StructId,
        base: &'v Element,
        sl: u32,
        items: &[Item<'v, 'a>],
    ) -> String {
        let set = self.set;
        let name = slice_name_of(set.structure(sd), sl);
        if items.is_empty() {
            return format!("no {} present to match slice '{name}'", base.base_name());
        }
        let mut out = String::new();
        for (i, item) in items.iter().enumerate().take(MAX_EXPLAINED) {
            let reason = self.why_not(sd, base, sl, item);
            let _ = writeln!(out, "{}: {reason}", item_label(base, i));
        }
        if items.len() > MAX_EXPLAINED {
            let _ = writeln!(out, "(and {} more)", items.len() - MAX_EXPLAINED);
        }
        out.trim_end().to_string()
    }

    /// Why `item` does not match slice `sl` of `base`: the first discriminator that failed,
    /// what the slice wants and what was found.
    fn why_not(&mut self, sd: StructId, base: &'v Element, sl: u32, item: &Item<'v, 'a>) -> String {
        let set = self.set;
        let name = slice_name_of(set.structure(sd), sl);
        let Some(slicing) = &base.slicing else {
            return format!("slice '{name}': no slicing");
        };
        for d in &slicing.discriminators {
            match self.discriminator(sd, sl, d.kind, &d.path, item) {
                Some(true) => {}
                Some(false) => {
                    return format!(
                        "slice '{name}' {}",
                        self.wanted_found(sd, sl, d.kind, &d.path, item)
                    );
                }
                None => {
                    return if self.conforms(|w| w.element(sd, sl, *item)) {
                        format!("slice '{name}' matches")
                    } else if let Some(reason) =
                        self.wanted_in_slices(sd, sl, d.kind, &d.path, item)
                    {
                        format!("slice '{name}' {reason}")
                    } else {
                        format!(
                            "slice '{name}': the element does not conform to the slice (its {} discriminator at {} is decided by validating against it)",
                            kind_name(d.kind),
                            d.path
                        )
                    };
                }
            }
        }
        if slicing.discriminators.is_empty() {
            format!("slice '{name}': the element does not conform to the slice (no discriminator)")
        } else {
            format!("slice '{name}' matches")
        }
    }

    /// `wants X, found Y` for a value or pattern discriminator whose path runs through
    /// slices of the slice (`code.coding.code` where `code.coding` is sliced again): the
    /// fixed and pattern values at the path in any of them, when no value found matches one.
    fn wanted_in_slices(
        &mut self,
        sd: StructId,
        sl: u32,
        kind: DiscriminatorType,
        path: &str,
        item: &Item<'v, 'a>,
    ) -> Option<String> {
        if !matches!(kind, DiscriminatorType::Value | DiscriminatorType::Pattern) {
            return None;
        }
        let steps = steps(path);
        let set = self.set;
        let mut at: Vec<(StructId, u32)> = vec![(sd, sl)];
        for step in &steps {
            match step {
                Step::This | Step::OfType => {}
                Step::Name(name) => {
                    let mut next = Vec::new();
                    for (csd, cel) in at
                        .iter()
                        .filter_map(|&(s, e)| self.definition_children(s, e))
                    {
                        let s = set.structure(csd);
                        let Some(parent) = s.elements.get(cel as usize) else {
                            continue;
                        };
                        if let Some((child, _)) = match_child(s, parent, name) {
                            next.push((csd, child));
                            if let Some(c) = s.elements.get(child as usize) {
                                next.extend(c.slices.iter().map(|&x| (csd, x)));
                            }
                        }
                    }
                    at = next;
                }
                Step::Extension(_) | Step::Unsupported => return None,
            }
        }
        let wanted: Vec<(&'v FValue, bool)> = at
            .iter()
            .filter_map(|&(s, e)| set.structure(s).elements.get(e as usize))
            .filter_map(|e| match (&e.fixed, &e.pattern) {
                (Some(f), _) => Some((f, true)),
                (None, Some(p)) => Some((p, false)),
                (None, None) => None,
            })
            .collect();
        if wanted.is_empty() {
            return None;
        }
        let values: Vec<&'a Node<'a>> = match item.value {
            Some(v) => data_at(v, &steps),
            None => Vec::new(),
        };
        let any_match = values
            .iter()
            .any(|v| wanted.iter().any(|(f, exact)| matches_value(v, f, *exact)));
        if any_match {
            return None;
        }
        let described: Vec<String> = wanted
            .iter()
            .map(|(f, _)| describe_wanted(path, f))
            .collect();
        Some(format!(
            "wants {}, found {}",
            described.join(" or "),
            describe_found(&values)
        ))
    }

    /// `wants X, found Y` for a discriminator that failed.
    fn wanted_found(
        &mut self,
        sd: StructId,
        sl: u32,
        kind: DiscriminatorType,
        path: &str,
        item: &Item<'v, 'a>,
    ) -> String {
        let steps = steps(path);
        let values: Vec<&'a Node<'a>> = match item.value {
            Some(v) => data_at(v, &steps),
            None => Vec::new(),
        };
        let found = describe_found(&values);
        let Some(target) = self.definition_at(sd, sl, &steps) else {
            return format!("wants {path} as its definition says, found {found}");
        };
        match kind {
            DiscriminatorType::Value | DiscriminatorType::Pattern => {
                let wanted = match (&target.fixed, &target.pattern) {
                    (Some(f), _) | (None, Some(f)) => describe_wanted(path, f),
                    (None, None) => path.to_string(),
                };
                format!("wants {wanted}, found {found}")
            }
            DiscriminatorType::Exists if target.min >= 1 => {
                format!("wants {path} present, found nothing")
            }
            DiscriminatorType::Exists => format!("wants {path} absent, found {found}"),
            DiscriminatorType::Type => {
                let wanted: Vec<&str> = target.types.iter().map(|t| t.code.as_str()).collect();
                let data_type = item.type_code.map(str::to_string).or_else(|| {
                    values
                        .first()
                        .or(item.value.as_ref())
                        .and_then(|v| v.get("resourceType"))
                        .and_then(|n| n.value.as_str())
                        .map(str::to_string)
                });
                format!(
                    "wants type {}, found {}",
                    wanted.join(" or "),
                    data_type.as_deref().unwrap_or("no type")
                )
            }
            DiscriminatorType::Profile => {
                let wanted: Vec<&str> = target
                    .types
                    .iter()
                    .flat_map(|t| t.profiles.iter().map(String::as_str))
                    .collect();
                format!(
                    "wants {path} conforming to {}, found {found}, which does not",
                    wanted.join(" or ")
                )
            }
        }
    }

    /// `Some(matches)`, or `None` when this discriminator cannot be decided statically.
    fn discriminator(
        &mut self,
        sd: StructId,
        sl: u32,
        kind: DiscriminatorType,
        path: &str,
        item: &Item<'v, 'a>,
    ) -> Option<bool> {
        let steps = steps(path);
        if steps.iter().any(|s| matches!(s, Step::Unsupported)) {
            return None;
        }
        let target: &'v Element = self.definition_at(sd, sl, &steps)?;
        let at_this = steps.iter().all(|s| matches!(s, Step::This | Step::OfType));
        let values: Vec<&'a Node<'a>> = match item.value {
            Some(v) => data_at(v, &steps),
            None => Vec::new(),
        };
        match kind {
            DiscriminatorType::Value | DiscriminatorType::Pattern => {
                let (f, exact) = match (&target.fixed, &target.pattern) {
                    (Some(f), _) => (f, true),
                    (None, Some(p)) => (p, false),
                    (None, None) => {
                        return self
                            .bound_discriminator(target, &values)
                            .or_else(|| self.extension_url_discriminator(sd, sl, &steps, item));
                    }
                };
                Some(values.iter().any(|v| matches_value(v, f, exact)))
            }
            DiscriminatorType::Exists => {
                if target.min >= 1 {
                    Some(!values.is_empty())
                } else if target.max == 0 {
                    Some(values.is_empty())
                } else {
                    None
                }
            }
            DiscriminatorType::Type => {
                let data_type: Option<&str> = if at_this {
                    item.type_code.or_else(|| {
                        item.value
                            .and_then(|v| v.get("resourceType"))
                            .and_then(|n| n.value.as_str())
                    })
                } else {
                    values
                        .first()
                        .and_then(|v| v.get("resourceType"))
                        .and_then(|n| n.value.as_str())
                };
                let data_type = data_type?;
                Some(target.types.is_empty() || target.types.iter().any(|t| t.code == data_type))
            }
            DiscriminatorType::Profile => {
                let profiles: Vec<StructId> = target
                    .types
                    .iter()
                    .flat_map(|t| t.profiles.iter())
                    .filter_map(|p| self.set.resolve(p))
                    .collect();
                if profiles.is_empty() {
                    return None;
                }
                Some(values.iter().any(|v| {
                    let probe = Item {
                        value: Some(*v),
                        ext: None,
                        type_code: None,
                        offset: v.offset,
                    };
                    profiles
                        .iter()
                        .any(|p| self.conforms(|w| w.element(*p, 0, probe)))
                }))
            }
        }
    }

    /// An extension slice discriminated by `url` whose extension definition is not loaded (no
    /// fixed url to compare with): as Java, the extension's url is compared with the slice's
    /// type profile, instead of "conforms to a slice that cannot be checked".
    fn extension_url_discriminator(
        &self,
        sd: StructId,
        sl: u32,
        steps: &[Step<'_>],
        item: &Item<'v, 'a>,
    ) -> Option<bool> {
        if !matches!(steps, [Step::Name("url")]) {
            return None;
        }
        let slice = self.set.structure(sd).elements.get(sl as usize)?;
        let [ty] = slice.types.as_slice() else {
            return None;
        };
        let [profile] = ty.profiles.as_slice() else {
            return None;
        };
        if ty.code != "Extension" {
            return None;
        }
        let canonical = crate::canonical::url(profile);
        let url = item.value?.get("url")?.value.as_str()?;
        Some(url == canonical)
    }

    /// A `value`/`pattern` discriminator whose element in the slice has no fixed value or
    /// pattern but a required binding: the Java validator matches it by `memberOf(valueSet)`.
    /// A value set that is not loaded answers no (Java's `memberOf` is empty then), as do
    /// codes it excludes; codes that cannot be decided offline leave the discriminator
    /// undecided (conformance to the slice decides). `None` without such a binding.
    fn bound_discriminator(&self, target: &Element, values: &[&'a Node<'a>]) -> Option<bool> {
        let b = target.binding.as_ref()?;
        let vs = b.value_set.as_deref()?;
        let [ty] = target.types.as_slice() else {
            return None;
        };
        if b.strength != BindingStrength::Required {
            return None;
        }
        let mut undecided = false;
        for v in values {
            let (_, codings) = codings_of(&ty.code, v)?;
            for c in &codings {
                match self.set.terminology.check_code(vs, c.system, c.code) {
                    Membership::In => return Some(true),
                    Membership::NotIn | Membership::NoValueSet => {}
                    Membership::Unknown(_) => undecided = true,
                }
            }
        }
        (!undecided).then_some(false)
    }

    /// Follow a discriminator path through a slice's definition (into type profiles and type
    /// definitions where the snapshot does not go).
    fn definition_at(&self, sd: StructId, el: u32, steps: &[Step<'_>]) -> Option<&'v Element> {
        let set = self.set;
        let (mut sd, mut el) = (sd, el);
        for step in steps {
            match step {
                Step::This | Step::OfType => {}
                Step::Unsupported => return None,
                Step::Name(name) => {
                    let (csd, cel) = self.definition_children(sd, el)?;
                    let s = set.structure(csd);
                    let parent = s.elements.get(cel as usize)?;
                    let (child, _) = match_child(s, parent, name)?;
                    (sd, el) = (csd, child);
                }
                Step::Extension(url) => {
                    let (csd, cel) = self.definition_children(sd, el)?;
                    let s = set.structure(csd);
                    let parent = s.elements.get(cel as usize)?;
                    let (ext, _) = match_child(s, parent, "extension")?;
                    let ext_el = s.elements.get(ext as usize)?;
                    let slice = ext_el.slices.iter().copied().find(|&sl| {
                        s.elements.get(sl as usize).is_some_and(|se| {
                            se.types.iter().any(|t| t.profiles.iter().any(|p| p == url))
                                || self.fixed_url_of(csd, sl) == Some(url)
                        })
                    })?;
                    (sd, el) = (csd, slice);
                }
            }
        }
        set.structure(sd).elements.get(el as usize)
    }

    fn fixed_url_of(&self, sd: StructId, el: u32) -> Option<&'v str> {
        let s = self.set.structure(sd);
        let e = s.elements.get(el as usize)?;
        let (url_el, _) = match_child(s, e, "url")?;
        match &s.elements.get(url_el as usize)?.fixed {
            Some(crate::model::FValue::String(u)) => Some(u.as_str()),
            _ => None,
        }
    }

    /// Where a definition's children are: in the snapshot, else in its (single) type profile,
    /// else in its type's definition.
    fn definition_children(&self, sd: StructId, el: u32) -> Option<(StructId, u32)> {
        let e = self.set.structure(sd).elements.get(el as usize)?;
        if !e.children.is_empty() {
            return Some((sd, el));
        }
        if let Some(target) = e.content_ref {
            return Some(self.content_target(sd, target));
        }
        let t = match e.types.as_slice() {
            [t] => t,
            _ => return None,
        };
        if let Some(p) = t.profiles.first().and_then(|p| self.set.resolve(p)) {
            return Some((p, 0));
        }
        self.set.type_def(&t.code).map(|id| (id, 0))
    }
}

/// `component[0]`: how an occurrence of `e` is named in slice reasons.
fn item_label(e: &Element, i: usize) -> String {
    if e.is_array {
        format!("{}[{i}]", e.base_name())
    } else {
        e.base_name().to_string()
    }
}

/// The name of the `k`th slice of `e`.
fn slice_name<'s>(s: &'s crate::model::Structure, e: &Element, k: usize) -> &'s str {
    e.slices.get(k).map_or("", |&sl| slice_name_of(s, sl))
}

/// The slice name of element `sl` of `s` (empty when it has none).
fn slice_name_of(s: &crate::model::Structure, sl: u32) -> &str {
    s.elements
        .get(sl as usize)
        .and_then(|se| se.slice_name.as_deref())
        .unwrap_or_default()
}

fn kind_name(kind: DiscriminatorType) -> &'static str {
    match kind {
        DiscriminatorType::Value => "value",
        DiscriminatorType::Pattern => "pattern",
        DiscriminatorType::Type => "type",
        DiscriminatorType::Profile => "profile",
        DiscriminatorType::Exists => "exists",
    }
}

/// What a fixed or pattern value at `path` asks for: `code.coding with system
/// http://loinc.org and code 8480-6` when its leaves share one parent, else `path = JSON`.
fn describe_wanted(path: &str, value: &FValue) -> String {
    let mut leaves: Vec<(Vec<&str>, String)> = Vec::new();
    leaves_of(value, &mut Vec::new(), &mut leaves);
    let subject = |parent: &[&str]| -> String {
        let mut parts: Vec<&str> = Vec::new();
        if path != "$this" {
            parts.push(path);
        }
        parts.extend(parent);
        if parts.is_empty() {
            "the value".to_string()
        } else {
            parts.join(".")
        }
    };
    if let Some((first, _)) = leaves.first() {
        let parent = first
            .get(..first.len().saturating_sub(1))
            .unwrap_or_default();
        let same_parent = leaves.iter().all(|(p, _)| {
            p.len() == first.len() && p.get(..p.len().saturating_sub(1)) == Some(parent)
        });
        if same_parent && !first.is_empty() {
            let fields: Vec<String> = leaves
                .iter()
                .map(|(p, v)| format!("{} {v}", p.last().copied().unwrap_or_default()))
                .collect();
            return format!("{} with {}", subject(parent), fields.join(" and "));
        }
        if let [(p, v)] = leaves.as_slice()
            && p.is_empty()
        {
            return format!("{} = {v}", subject(&[]));
        }
    }
    format!("{} = {}", subject(&[]), value.to_json_text())
}

/// The primitive leaves of a fixed or pattern value, with their paths (array items
/// flattened).
fn leaves_of<'f>(v: &'f FValue, at: &mut Vec<&'f str>, out: &mut Vec<(Vec<&'f str>, String)>) {
    match v {
        FValue::Object(members) => {
            for (k, m) in members {
                at.push(k);
                leaves_of(m, at, out);
                at.pop();
            }
        }
        FValue::Array(items) => {
            for i in items {
                leaves_of(i, at, out);
            }
        }
        FValue::String(s) => out.push((at.clone(), s.clone())),
        other => out.push((at.clone(), other.to_json_text())),
    }
}

/// The values found at a discriminator path: codings as `system#code`, other values as
/// their JSON (shortened); `nothing` when there is none.
fn describe_found(values: &[&Node<'_>]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for v in values {
        let codings: Vec<&Node<'_>> = match v.get("coding").and_then(|c| c.value.as_array()) {
            Some(cs) => cs.iter().collect(),
            None if v.get("code").is_some() || v.get("system").is_some() => vec![*v],
            None => Vec::new(),
        };
        if codings.is_empty() {
            parts.push(shorten(&compact(v)));
        } else {
            for c in codings {
                let field = |k: &str| c.get(k).and_then(|n| n.value.as_str()).unwrap_or_default();
                parts.push(shorten(&format!("{}#{}", field("system"), field("code"))));
            }
        }
    }
    if parts.is_empty() {
        "nothing".to_string()
    } else {
        parts.join(", ")
    }
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= MAX_FOUND {
        return text.to_string();
    }
    let mut out: String = text.chars().take(MAX_FOUND).collect();
    out.push('…');
    out
}

/// Compact JSON text of a parsed value (strings unquoted at the top level).
fn compact(n: &Node<'_>) -> String {
    match &n.value {
        Value::String(s) => s.to_string(),
        _ => {
            let mut out = String::new();
            write_json(n, &mut out, 0);
            out
        }
    }
}

fn write_json(n: &Node<'_>, out: &mut String, depth: usize) {
    if out.len() > MAX_FOUND || depth > 32 {
        out.push('…');
        return;
    }
    match &n.value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(t) => out.push_str(t),
        Value::String(s) => out.push_str(&serde_json::Value::String(s.to_string()).to_string()),
        Value::Array(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(x, out, depth + 1);
            }
            out.push(']');
        }
        Value::Object(members) => {
            out.push('{');
            for (i, m) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::String(m.key.to_string()).to_string());
                out.push(':');
                write_json(&m.value, out, depth + 1);
            }
            out.push('}');
        }
    }
}

/// The data values at a discriminator path (arrays flattened).
fn data_at<'a>(node: &'a Node<'a>, steps: &[Step<'_>]) -> Vec<&'a Node<'a>> {
    let mut current: Vec<&'a Node<'a>> = vec![node];
    for step in steps {
        let mut next = Vec::new();
        for n in current {
            match step {
                Step::This | Step::OfType => next.push(n),
                Step::Unsupported => {}
                Step::Name(name) => {
                    if let Value::Object(members) = &n.value {
                        for m in members {
                            let k = m.key.as_ref();
                            let hit = k == *name
                                || k.strip_prefix(*name).is_some_and(|rest| {
                                    rest.starts_with(|c: char| c.is_ascii_uppercase())
                                });
                            if hit {
                                flatten(&m.value, &mut next);
                            }
                        }
                    }
                }
                Step::Extension(url) => {
                    if let Some(exts) = n.get("extension").and_then(|e| e.value.as_array()) {
                        next.extend(
                            exts.iter().filter(|x| {
                                x.get("url").and_then(|u| u.value.as_str()) == Some(*url)
                            }),
                        );
                    }
                }
            }
        }
        current = next;
    }
    current
}

fn flatten<'a>(n: &'a Node<'a>, out: &mut Vec<&'a Node<'a>>) {
    match &n.value {
        Value::Array(items) => out.extend(items.iter()),
        _ => out.push(n),
    }
}
