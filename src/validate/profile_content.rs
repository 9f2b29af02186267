//! A StructureDefinition's differential checked against the definition it constrains, as the
//! Java validator finds problems while generating the snapshot: a choice element renamed for
//! one type (`Observation.valueQuantity`) must constrain its types to that one type, a fixed
//! value may not change a value the base already fixes (an extension's `url`), and a slicing
//! discriminator's path must start with an element the sliced element has.

use super::Walker;
use super::business::{array, str_at};
use super::path::Seg;
use crate::json::Node;
use crate::model::{FValue, Structure};
use crate::outcome::Severity;

/// `string` → `String`: the suffix a type gives a renamed choice element.
fn suffix_is(suffix: &str, type_code: &str) -> bool {
    suffix.eq_ignore_ascii_case(type_code) && suffix.starts_with(|c: char| c.is_ascii_uppercase())
}

/// The `fixed[x]` of a differential element, when it is a primitive (its text).
fn fixed_text<'n>(e: &'n Node<'n>) -> Option<(&'n str, &'n str)> {
    e.value.as_object()?.iter().find_map(|m| {
        m.key.starts_with("fixed").then_some(())?;
        Some((m.key.as_ref(), m.value.value.as_str()?))
    })
}

impl<'v: 'a, 'a> Walker<'v, 'a> {
    pub(crate) fn structure_definition(&mut self, node: &'a Node<'a>) {
        let set = self.set;
        let Some(base) = str_at(node, "baseDefinition").and_then(|b| set.resolve(b)) else {
            return;
        };
        let base = set.structure(base);
        let Some(diff) = node.get("differential") else {
            return;
        };
        for (i, e) in array(diff, "element").iter().enumerate() {
            let Some(path) = str_at(e, "path") else {
                continue;
            };
            self.renamed_choice(node, base, e, path);
            self.discriminator_paths(base, e, i, path);
            if str_at(e, "sliceName").is_none()
                && let Some((key, value)) = fixed_text(e)
                && let Some(FValue::String(fixed)) = base
                    .elements
                    .iter()
                    .find(|b| b.path == path && b.slice_name.is_none())
                    .and_then(|b| b.fixed.as_ref())
                && fixed != value
            {
                let depth = self.path.len();
                for s in [
                    Seg::Name("differential"),
                    Seg::Name("element"),
                    Seg::Index(i),
                    Seg::Name(key),
                ] {
                    self.path.push(s);
                }
                let url = &base.url;
                self.report(Severity::Error, "value", e.offset, || {
                    format!("Value is '{value}' but is fixed to '{fixed}' in the profile , because the value must match the fixed value define in '{url}'")
                });
                self.path.truncate(depth);
            }
        }
    }

    /// The discriminators of a slicing in the differential: each path's first step must be a
    /// child of the sliced element (`type` is not one of an extension's).
    fn discriminator_paths(&mut self, base: &Structure, e: &'a Node<'a>, i: usize, path: &str) {
        let Some(slicing) = e.get("slicing") else {
            return;
        };
        let Some(children) = self.child_names(base, path) else {
            return;
        };
        for (j, d) in array(slicing, "discriminator").iter().enumerate() {
            let Some(dpath) = str_at(d, "path") else {
                continue;
            };
            let first = dpath.split('.').next().unwrap_or_default();
            if first.is_empty() || first == "$this" || first.contains('(') {
                continue;
            }
            let known = children.iter().any(|(name, choice)| {
                first == *name
                    || (*choice
                        && first
                            .strip_prefix(name)
                            .is_some_and(|t| t.starts_with(|c: char| c.is_ascii_uppercase())))
            });
            if known {
                continue;
            }
            let depth = self.path.len();
            for s in [
                Seg::Name("differential"),
                Seg::Name("element"),
                Seg::Index(i),
                Seg::Name("slicing"),
                Seg::Name("discriminator"),
                Seg::Index(j),
            ] {
                self.path.push(s);
            }
            self.report(Severity::Error, "invalid", d.offset, || {
                format!("The discriminator path '{dpath}' does not appear to be valid for the element that is being sliced '{path}'")
            });
            self.path.truncate(depth);
        }
    }

    /// The children (name, is a choice) of the element at `path` of `base`: its own, a
    /// contentReference's, or its single type's; `None` when that cannot be told.
    fn child_names(&self, base: &'v Structure, path: &str) -> Option<Vec<(&'v str, bool)>> {
        let set = self.set;
        let el = base
            .elements
            .iter()
            .find(|b| b.path == path && b.slice_name.is_none())?;
        let (owner, parent) = if !el.children.is_empty() {
            (base, el)
        } else if let Some(target) = el.content_ref {
            (base, base.elements.get(target as usize)?)
        } else {
            let [t] = el.types.as_slice() else {
                return None;
            };
            let def = set.structure(set.type_def(&t.code)?);
            // a resource (`Bundle.entry.resource`) is told by its resourceType, not an element
            if def.kind == crate::model::Kind::Resource || t.code == "Resource" {
                return None;
            }
            (def, def.elements.first()?)
        };
        Some(
            parent
                .children
                .iter()
                .filter_map(|c| owner.elements.get(*c as usize))
                .map(|c| (c.base_name(), c.is_choice()))
                .collect(),
        )
    }

    /// `Observation.valueBla`: a path that is not in the base but renames one of its choice
    /// elements must constrain the choice to the type it names.
    fn renamed_choice(&mut self, sd: &'a Node<'a>, base: &Structure, e: &'a Node<'a>, path: &str) {
        if base.elements.iter().any(|b| b.path == path) {
            return;
        }
        let Some((choice, suffix)) = base.elements.iter().find_map(|b| {
            let rest = path.strip_prefix(b.path.strip_suffix("[x]")?)?;
            (rest.starts_with(|c: char| c.is_ascii_uppercase()) && !rest.contains('.'))
                .then_some((b, rest))
        }) else {
            return;
        };
        let own: Vec<&str> = array(e, "type")
            .iter()
            .filter_map(|t| str_at(t, "code"))
            .collect();
        let constrained = match own.as_slice() {
            [t] => suffix_is(suffix, t),
            [] => matches!(choice.types.as_slice(), [t] if suffix_is(suffix, &t.code)),
            _ => false,
        };
        if !constrained {
            let expected = &choice.path;
            self.report(Severity::Error, "exception", sd.offset, || {
                format!("Error generating Snapshot: The path must be '{expected}' not '{path}' when the type list is not constrained (this usually arises from a problem in the differential)")
            });
        }
    }
}
