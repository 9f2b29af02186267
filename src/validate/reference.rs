//! References: the format of `Reference.reference` and the target type it implies; inside a
//! Bundle (or to contained resources) the reference is resolved by the Bundle rules, inside a
//! Parameters resource among the parameters' resources, reported when it does not resolve as
//! the Java validator does, and the target is checked against the element's target profiles
//! (the target validated against a profile when one is named).

use super::Walker;
use super::bundle::Lookup;
use super::structure::from_text;
use crate::json::{Node, NodeId};
use crate::model::{Kind, StructId};
use crate::outcome::Severity;
use rustc_hash::FxHashMap;
use smallvec::SmallVec;
use std::rc::Rc;

/// The resource type a reference names, if it names one (`Patient/1`,
/// `http://x/fhir/Patient/1/_history/2`); `None` for `#local`, `urn:` and other forms.
pub(crate) fn reference_type(reference: &str) -> Option<&str> {
    if reference.starts_with('#') || reference.starts_with("urn:") {
        return None;
    }
    let path = reference.split(['?', '#']).next().unwrap_or_default();
    // [..., Type, id, "_history", vid] or [..., Type, id], from the end
    let mut segs = path.rsplit('/');
    segs.next()?;
    let before_last = segs.next()?;
    if before_last == "_history"
        && let (Some(_id), Some(t)) = (segs.next(), segs.next())
    {
        return Some(t);
    }
    Some(before_last)
}

/// The type and id of a relative reference (`Patient/1`, `Patient/1/_history/2`).
fn relative_type_and_id(reference: &str) -> Option<(&str, &str)> {
    if reference.contains("://") {
        return None;
    }
    let t = reference_type(reference)?;
    let rest = reference.split(['?', '#']).next()?;
    let mut segs = rest.split('/');
    segs.find(|s| *s == t)?;
    Some((t, segs.next()?))
}

/// The resource of type `t` and id `id` among a Parameters resource's parameters (and their
/// parts).
fn parameter_resource<'a>(parameters: &'a Node<'a>, t: &str, id: &str) -> Option<&'a Node<'a>> {
    fn search<'a>(list: Option<&'a Node<'a>>, t: &str, id: &str) -> Option<&'a Node<'a>> {
        list?.value.as_array()?.iter().find_map(|p| {
            p.get("resource")
                .filter(|r| {
                    r.get("resourceType").and_then(|x| x.value.as_str()) == Some(t)
                        && r.get("id").and_then(|x| x.value.as_str()) == Some(id)
                })
                .or_else(|| search(p.get("part"), t, id))
        })
    }
    search(parameters.get("parameter"), t, id)
}

/// What the reference rules remember during one validation.
#[derive(Default)]
pub(crate) struct Memory<'v> {
    /// Does a reference target conform to structure? Filled once per (target, structure): an
    /// entry as (its Bundle, entry), any other target as (itself, `u32::MAX`).
    conforms: FxHashMap<(Option<NodeId>, u32, StructId), bool>,
    /// The target structures and their types of each Reference element met.
    targets: FxHashMap<(StructId, u32), Rc<ReferenceTargets<'v>>>,
}

/// The structures a Reference element's target profiles name, their types, and the target
/// profiles not loaded.
struct ReferenceTargets<'v> {
    targets: Vec<StructId>,
    types: Vec<&'v str>,
    unknown: Vec<&'v str>,
}

/// A resolved reference target.
struct Target<'a> {
    node: &'a Node<'a>,
    /// Bundle entry of the target, as (index into the walker's Bundles, entry).
    entry: Option<(usize, u32)>,
}

impl<'v: 'a, 'a> Walker<'v, 'a> {
    pub(crate) fn reference(&mut self, sd: StructId, el: u32, node: &'a Node<'a>) {
        let set = self.set;
        let s = set.structure(sd);
        let Some(e) = s.elements.get(el as usize) else {
            return;
        };
        let Some(r) = node.get("reference") else {
            return;
        };
        let Some(reference) = r.value.as_str() else {
            return;
        };
        // the target profiles, resolved once per element; those not loaded are kept to be
        // reported
        let allowed = match self.references.targets.get(&(sd, el)) {
            Some(known) => std::rc::Rc::clone(known),
            None => {
                let mut targets: Vec<StructId> = Vec::new();
                let mut unknown: Vec<&'v str> = Vec::new();
                for p in e
                    .types
                    .iter()
                    .filter(|t| t.code == "Reference")
                    .flat_map(|t| t.target_profiles.iter())
                {
                    match set.resolve(p) {
                        Some(id) => targets.push(id),
                        None => unknown.push(p),
                    }
                }
                let types = targets
                    .iter()
                    .map(|id| set.structure(*id).type_name.as_str())
                    .collect();
                let found = std::rc::Rc::new(ReferenceTargets {
                    targets,
                    types,
                    unknown,
                });
                self.references
                    .targets
                    .insert((sd, el), std::rc::Rc::clone(&found));
                found
            }
        };
        let (targets, target_types, unknown) = (&allowed.targets, &allowed.types, &allowed.unknown);
        let any_type = target_types.is_empty() || target_types.contains(&"Resource");
        if let Some(rt) = reference_type(reference) {
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
            if !any_type && !target_types.contains(&rt) {
                self.report(Severity::Error, "structure", r.offset, || {
                    format!(
                        "The type '{rt}' implied by the reference URL {reference} is not a valid Target for this element (must be one of [{}])",
                        target_types.join(", ")
                    )
                });
                return;
            }
        }
        // resolution problems are reported by the base walk only (profiles see the same data)
        let report = !s.is_profile;
        let Some(target) = self.resolve_reference(reference, r.offset, report) else {
            return;
        };
        let Some(tt) = target
            .node
            .get("resourceType")
            .and_then(|n| n.value.as_str())
        else {
            return;
        };
        // target profiles that are not loaded: the target cannot be checked against them (and
        // when none is loaded, no target type is allowed), as the Java validator reports it
        if !unknown.is_empty() {
            for p in unknown.iter() {
                self.report(Severity::Error, "structure", r.offset, || {
                    format!("Unable to resolve the profile reference '{p}'")
                });
            }
            if targets.is_empty() {
                self.report(Severity::Error, "structure", r.offset, || {
                    format!("Invalid Resource target type. Found {tt}, but expected one of ([])")
                });
                return;
            }
        }
        if !any_type && !target_types.contains(&tt) {
            self.report(Severity::Error, "structure", r.offset, || {
                format!(
                    "Invalid Resource target type. Found {tt}, but expected one of ([{}])",
                    target_types.join(", ")
                )
            });
            return;
        }
        // profiles (not base types) the target must meet one of
        let profiles: SmallVec<[StructId; 4]> = targets
            .iter()
            .copied()
            .filter(|id| {
                let p = set.structure(*id);
                p.is_profile && p.type_name == tt
            })
            .collect();
        let base_allowed = targets.iter().any(|id| {
            let p = set.structure(*id);
            !p.is_profile && (p.type_name == tt || p.type_name == "Resource")
        });
        if profiles.is_empty() || base_allowed {
            return;
        }
        if !profiles.iter().any(|p| self.target_conforms(&target, *p)) {
            let names: Vec<String> = profiles
                .iter()
                .map(|p| from_text(set.structure(*p)))
                .collect();
            self.report(Severity::Error, "structure", r.offset, || {
                format!(
                    "Unable to find a profile match for {reference} among choices: {}",
                    names.join(", ")
                )
            });
        }
    }

    /// Does the target conform to profile `p`? Bundle entries are checked once per profile.
    fn target_conforms(&mut self, target: &Target<'a>, p: StructId) -> bool {
        // an entry by (Bundle, entry index); any other target (contained, `#` for the
        // container, a Parameters resource) by its address, with an index no entry has
        let key = match target.entry {
            Some((b, e)) => {
                let bundle = self.bundles.get(b).map(|x| x.node);
                (bundle, e, p)
            }
            None => (Some(target.node.id()), u32::MAX, p),
        };
        if let Some(known) = self.references.conforms.get(&key) {
            return *known;
        }
        // validated already against `p` (its own meta.profile), without errors
        let id = target.node.id();
        if self.done.get(&id) == Some(&false)
            && self.walked.get(&id).is_some_and(|w| w.contains(&p))
        {
            self.references.conforms.insert(key, true);
            return true;
        }
        // a cycle of references (A → B → A, or a contained resource naming its container
        // `#`) is assumed to conform while it is being checked
        self.references.conforms.insert(key, true);
        // a target conforms to a profile only if it is also valid against its base: check
        // it fully (once per target and profile)
        let node = target.node;
        let outer = self.profile_walk;
        self.profile_walk = false;
        let ok = self.conforms(|w| w.against_structure(p, node));
        self.profile_walk = outer;
        self.references.conforms.insert(key, ok);
        ok
    }

    /// Resolve a reference inside the current Bundle or resource; `None` when it cannot be
    /// resolved offline (reported when `report` and the rules require resolution).
    fn resolve_reference(
        &mut self,
        reference: &str,
        offset: u32,
        report: bool,
    ) -> Option<Target<'a>> {
        if let Some(fragment) = reference.strip_prefix('#') {
            return self.resolve_contained(reference, fragment, offset, report);
        }
        // a Parameters resource resolves references among its parameters' resources, as a
        // Bundle does among its entries (whichever encloses the reference more closely)
        let container = self.resources.iter().rev().find_map(|r| match r.type_name {
            "Parameters" => Some(Some(r.node)),
            "Bundle" => Some(None),
            _ => None,
        });
        if let Some(Some(parameters)) = container {
            let found = relative_type_and_id(reference)
                .and_then(|(t, id)| parameter_resource(parameters, t, id));
            if found.is_none() && report {
                self.unresolved(reference, offset);
            }
            return found.map(|node| Target { node, entry: None });
        }
        let (b, from) = match self.entries.last() {
            Some((b, e)) if *b + 1 == self.bundles.len() => (*b, Some(*e)),
            _ => match self.bundles.len().checked_sub(1) {
                Some(b) => (b, None),
                None => {
                    if report {
                        self.unresolved(reference, offset);
                    }
                    return None;
                }
            },
        };
        let index = self.bundles.get(b)?;
        let bundle_type = index.bundle_type.unwrap_or_default();
        match index.resolve(reference, from) {
            Lookup::Found(i) => {
                let node = index.entries.get(i as usize)?.resource?;
                Some(Target {
                    node,
                    entry: Some((b, i)),
                })
            }
            Lookup::Many(n) => {
                if report {
                    self.report(Severity::Error, "invalid", offset, || {
                        format!("Found {n} matches for '{reference}' in the bundle")
                    });
                }
                None
            }
            Lookup::Apparent(hits) => {
                if report {
                    let from_url = from
                        .and_then(|i| index.entries.get(i as usize))
                        .and_then(|e| e.full_url)
                        .unwrap_or_default()
                        .to_string();
                    let found: Vec<(u32, String)> = hits
                        .iter()
                        .map(|i| {
                            let fu = index
                                .entries
                                .get(*i as usize)
                                .and_then(|e| e.full_url)
                                .unwrap_or("<missing>");
                            (*i, fu.to_string())
                        })
                        .collect();
                    let target = super::bundle::target_url(&from_url, reference);
                    for (i, fu) in found {
                        self.report(Severity::Warning, "required", offset, || {
                            format!("Entry {i} matches the reference {reference} by type and id but its fullUrl {fu} does not match the full target URL {target} by Bundle resolution rules")
                        });
                    }
                    if !from_url.starts_with("http") {
                        self.report(Severity::Information, "informational", offset, || {
                            format!("The URL '{reference}' cannot be resolved unless the fullURL is a RESTFul base URL, or a baseURL has been provided and the Bundle is a batch or transaction")
                        });
                    }
                }
                None
            }
            Lookup::None => {
                if report {
                    self.unresolved(reference, offset);
                    if reference.starts_with("urn:") {
                        self.report(Severity::Warning, "required", offset, || {
                            format!("URN reference is not locally contained within the bundle {reference}")
                        });
                    } else if matches!(bundle_type, "document" | "message") {
                        // the Composition's / MessageHeader's own references are errors
                        // (Bundle rules); any other is a hint, as in the Java validator
                        self.report(Severity::Information, "not-found", offset, || {
                            format!("Can't find '{reference}' in the bundle")
                        });
                    }
                }
                None
            }
        }
    }

    /// A relative reference that could not be resolved locally: an error when references must
    /// resolve (nothing can be fetched offline).
    fn unresolved(&mut self, reference: &str, offset: u32) {
        if self.opts.check_references_resolve && relative_type_and_id(reference).is_some() {
            self.report(Severity::Error, "structure", offset, || {
                format!("Unable to resolve resource with reference '{reference}'")
            });
        }
    }

    /// `#id`: a resource contained in the (innermost non-contained) containing resource;
    /// `#` alone is the container itself.
    fn resolve_contained(
        &mut self,
        reference: &str,
        fragment: &str,
        offset: u32,
        report: bool,
    ) -> Option<Target<'a>> {
        let container = self
            .resources
            .iter()
            .rev()
            .find(|r| !r.contained)
            .map(|r| r.node)?;
        if fragment.is_empty() {
            return Some(Target {
                node: container,
                entry: None,
            });
        }
        let found = container
            .get("contained")
            .and_then(|c| c.value.as_array())
            .unwrap_or_default()
            .iter()
            .find(|c| c.get("id").and_then(|i| i.value.as_str()) == Some(fragment));
        if found.is_none() && report {
            self.report(Severity::Error, "structure", offset, || {
                format!("Unable to resolve resource with reference '{reference}'")
            });
        }
        found.map(|node| Target { node, entry: None })
    }
}

#[cfg(test)]
mod tests {
    use super::reference_type;

    #[test]
    fn reference_types() {
        for (reference, expected) in [
            ("Patient/1", Some("Patient")),
            ("http://x/fhir/Patient/1", Some("Patient")),
            ("http://x/fhir/Patient/1/_history/2", Some("Patient")),
            ("Patient/1/_history/2", Some("Patient")),
            ("Patient/1?_format=json", Some("Patient")),
            ("Patient/1#frag", Some("Patient")),
            ("a/_history/2", Some("_history")),
            ("_history/2", Some("_history")),
            ("1", None),
            ("#p1", None),
            ("urn:uuid:00000000-0000-4000-8000-000000000001", None),
        ] {
            assert_eq!(reference_type(reference), expected, "{reference}");
        }
    }
}
