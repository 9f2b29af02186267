//! Must Support coverage: for every profile the inputs were validated against, how many of the
//! resources validated against it populate each of its Must Support elements.
//!
//! The Must Support elements of a profile are enumerated as Inferno's must-support tests do:
//! every element of the snapshot flagged `mustSupport`, slices (extension slices included),
//! choice-type slices and the Must Support children of complex elements and of slices (a
//! child is listed whether its parent is Must Support or not, as Inferno lists
//! `Patient.telecom.system`). An element is populated by a resource when the validator's
//! walk of the resource against the profile met an occurrence of it; a slice, when an
//! occurrence matched the slice (the validator's own slice matching decides).

use crate::json;
use crate::model::{ProfileSet, StructId, Structure};
use crate::validate::Validator;
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::fmt::Write as _;

/// Counts gathered over any number of inputs (see [`Coverage::add`]).
#[derive(Debug, Default)]
pub struct Coverage {
    /// Per profile: resources validated against it, and per element index the resources
    /// populating it.
    profiles: FxHashMap<StructId, (usize, FxHashMap<u32, usize>)>,
}

/// The coverage report: `{"profiles": [...]}`, profiles sorted by canonical.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// One entry per profile at least one resource was validated against.
    pub profiles: Vec<ProfileCoverage>,
}

/// One profile's Must Support elements and how many resources populate each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProfileCoverage {
    /// `url|version` (the bare URL when the profile has no version).
    pub url: String,
    /// Resources validated against the profile.
    pub resources: usize,
    /// Its Must Support elements, in snapshot order.
    pub elements: Vec<ElementCoverage>,
}

/// One Must Support element of a profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ElementCoverage {
    /// The element id (`Observation.component:systolic.code`).
    pub id: String,
    /// The element path (`Observation.component.code`).
    pub path: String,
    /// Resources populating it.
    pub populated: usize,
}

/// Why a document could not be counted ([`Coverage::add`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoverageError {
    /// The bytes are not text the parser reads (not UTF-8, over the size limit).
    #[error("{0}")]
    Text(String),
    /// The text is not JSON.
    #[error("line {line}, column {col}: {message}")]
    Json {
        /// 1-based line of the error.
        line: u32,
        /// 1-based column of the error.
        col: u32,
        /// What is wrong.
        message: String,
    },
}

impl Coverage {
    /// Walk one JSON document (a resource or a Bundle; its entries and contained resources
    /// count as resources of their own) with `validator`, also against `profiles`, and count
    /// what it populates. Bytes that are not JSON are an error (the message says why).
    pub fn add(
        &mut self,
        validator: &Validator,
        input: &[u8],
        profiles: &[String],
    ) -> Result<(), CoverageError> {
        let limits = &validator.options().limits();
        let text = json::utf8_text(input, limits).map_err(|e| CoverageError::Text(e.message))?;
        let root = json::parse(text, limits).map_err(|e| {
            let (line, col) = json::line_col(text, e.offset);
            CoverageError::Json {
                line,
                col,
                message: e.message,
            }
        })?;
        for (sd, elements) in validator.populated(&root, profiles) {
            let (resources, counts) = self.profiles.entry(sd).or_default();
            *resources += 1;
            for el in elements {
                *counts.entry(el).or_default() += 1;
            }
        }
        Ok(())
    }

    /// The report, read against the set the counts were gathered with.
    pub fn report(&self, set: &ProfileSet) -> Report {
        let mut profiles: Vec<ProfileCoverage> = self
            .profiles
            .iter()
            .map(|(&sd, (resources, counts))| {
                let s = set.structure(sd);
                ProfileCoverage {
                    url: if s.version.is_empty() {
                        s.url.clone()
                    } else {
                        format!("{}|{}", s.url, s.version)
                    },
                    resources: *resources,
                    elements: must_support_elements(s)
                        .into_iter()
                        .map(|(el, id)| ElementCoverage {
                            path: s
                                .elements
                                .get(el as usize)
                                .map(|e| e.path.clone())
                                .unwrap_or_default(),
                            id,
                            populated: counts.get(&el).copied().unwrap_or(0),
                        })
                        .collect(),
                }
            })
            .collect();
        profiles.sort_by(|a, b| a.url.cmp(&b.url));
        Report { profiles }
    }
}

/// The Must Support elements of `s` (see the module docs) as (element index, element id), in
/// snapshot order.
pub fn must_support_elements(s: &Structure) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    if let Some(root) = s.elements.first() {
        walk(s, 0, &root.path, &mut out, 0);
    }
    out.sort_by_key(|(el, _)| *el);
    out
}

/// Nesting deeper than this is not a real profile (a damaged set): the walk stops.
const MAX_DEPTH: usize = 64;

/// Add the Must Support descendants of element `el` (whose id is `id`): children, slices
/// and theirs.
fn walk(s: &Structure, el: u32, id: &str, out: &mut Vec<(u32, String)>, depth: usize) {
    let Some(e) = s.elements.get(el as usize) else {
        return;
    };
    if depth > MAX_DEPTH {
        return;
    }
    for &c in &e.children {
        let Some(ce) = s.elements.get(c as usize) else {
            continue;
        };
        let cid = format!("{id}.{}", ce.name);
        if ce.must_support {
            out.push((c, cid.clone()));
        }
        walk(s, c, &cid, out, depth + 1);
        slices(s, c, &cid, false, out, depth + 1);
    }
}

/// The Must Support slices (and re-slices) of element `el` whose id is `id`, and their Must
/// Support descendants.
fn slices(
    s: &Structure,
    el: u32,
    id: &str,
    is_slice: bool,
    out: &mut Vec<(u32, String)>,
    depth: usize,
) {
    let Some(e) = s.elements.get(el as usize) else {
        return;
    };
    if depth > MAX_DEPTH {
        return;
    }
    for &sl in &e.slices {
        let Some(se) = s.elements.get(sl as usize) else {
            continue;
        };
        let name = se.slice_name.as_deref().unwrap_or_default();
        // a re-slice's id: `extension:a/b`
        let sid = if is_slice {
            format!("{id}/{name}")
        } else {
            format!("{id}:{name}")
        };
        if se.must_support {
            out.push((sl, sid.clone()));
        }
        walk(s, sl, &sid, out, depth + 1);
        slices(s, sl, &sid, true, out, depth + 1);
    }
}

impl Report {
    /// A table per profile: populated/resources and the element id, the elements no
    /// resource populates marked `never populated`.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        if self.profiles.is_empty() {
            out.push_str("No resource was validated against a profile.\n");
        }
        for p in &self.profiles {
            let never = p.elements.iter().filter(|e| e.populated == 0).count();
            let _ = writeln!(
                out,
                "{} — {} resource{}, {} Must Support element{}, {never} never populated",
                p.url,
                p.resources,
                if p.resources == 1 { "" } else { "s" },
                p.elements.len(),
                if p.elements.len() == 1 { "" } else { "s" },
            );
            let width = p.resources.to_string().len();
            for e in &p.elements {
                let _ = writeln!(
                    out,
                    "  {:>width$}/{}  {}{}",
                    e.populated,
                    p.resources,
                    e.id,
                    if e.populated == 0 {
                        "  ← never populated"
                    } else {
                        ""
                    },
                );
            }
            out.push('\n');
        }
        out
    }
}
