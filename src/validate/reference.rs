//! References: the format of `Reference.reference` and the target type it implies, checked
//! against the element's `targetProfile`s. Resolution inside Bundles is not done here.

use super::Walker;
use crate::json::Node;
use crate::model::{Kind, StructId};
use crate::outcome::Severity;

/// The resource type a reference names, if it names one (`Patient/1`,
/// `http://x/fhir/Patient/1/_history/2`); `None` for `#local`, `urn:` and other forms.
pub(crate) fn reference_type(reference: &str) -> Option<&str> {
    if reference.starts_with('#') || reference.starts_with("urn:") {
        return None;
    }
    let path = reference.split(['?', '#']).next().unwrap_or_default();
    let segs: Vec<&str> = path.split('/').collect();
    let n = segs.len();
    // [..., Type, id, "_history", vid] or [..., Type, id]
    let type_at = if n >= 4 && segs.get(n - 2) == Some(&"_history") {
        n - 4
    } else {
        n.checked_sub(2)?
    };
    segs.get(type_at).copied()
}

impl<'v: 'a, 'a> Walker<'v, 'a> {
    pub(crate) fn reference(&mut self, sd: StructId, el: u32, node: &'a Node<'a>) {
        let set = self.set;
        let Some(e) = set.structure(sd).elements.get(el as usize) else {
            return;
        };
        let Some(r) = node.get("reference") else {
            return;
        };
        let Some(reference) = r.value.as_str() else {
            return;
        };
        let Some(rt) = reference_type(reference) else {
            return;
        };
        let is_type = set
            .type_def(rt)
            .is_some_and(|t| set.structure(t).kind == Kind::Resource);
        if !is_type {
            if !reference.contains("://") {
                self.report(Severity::Error, "structure", r.offset, || {
                    format!("The reference '{reference}' names an unknown resource type '{rt}'")
                });
            }
            return;
        }
        let targets: Vec<&str> = e
            .types
            .iter()
            .filter(|t| t.code == "Reference")
            .flat_map(|t| t.target_profiles.iter())
            .filter_map(|p| {
                set.resolve(p)
                    .map(|id| set.structure(id).type_name.as_str())
            })
            .collect();
        if targets.is_empty() || targets.iter().any(|t| *t == rt || *t == "Resource") {
            return;
        }
        self.report(Severity::Error, "structure", r.offset, || {
            format!(
                "The type '{rt}' implied by the reference URL {reference} is not a valid Target for this element (must be one of [{}])",
                targets.join(", ")
            )
        });
    }
}
