//! Reading CodeSystems/ValueSets and expanding value sets (compile time only): the raw
//! resources are read here, `expand` expands them and assembles the store, `filter` applies
//! `compose.include.filter`s.

use super::regex::Regex;
use super::{
    Content, ExpansionLimits, FinishReport, SortedIds, SystemData, UnknownPart, ValueSetData,
    describe_system, describe_value_set_source, fold, text_eq_ci,
};
use crate::package::version::{compare_padded, dotted_numbers};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

mod expand;
mod filter;

pub(super) use expand::finish;

// ---------------------------------------------------------------------------
// Raw resources
// ---------------------------------------------------------------------------

#[derive(Default, Clone, Debug)]
pub(super) struct Pending {
    cs: Vec<RawCs>,
    vs: Vec<RawVs>,
    seq: u32,
}

#[derive(Clone, Debug)]
struct RawCs {
    url: String,
    version: Option<String>,
    name: Option<String>,
    content: Content,
    case_sensitive: bool,
    rank: u8,
    seq: u32,
    concepts: Vec<RawConcept>,
    props: Vec<PropDef>,
}

#[derive(Clone, Debug)]
struct RawConcept {
    code: String,
    display: Option<String>,
    designations: Vec<String>,
    /// the concept it is nested in
    nest_parent: Option<u32>,
    /// (property code, value as text)
    props: Vec<(String, String)>,
}

#[derive(Clone, Debug)]
struct PropDef {
    code: String,
    uri: String,
}

#[derive(Clone, Debug)]
struct RawVs {
    url: String,
    package: Option<String>,
    version: Option<String>,
    title: Option<String>,
    rank: u8,
    seq: u32,
    compose: Option<Compose>,
    expansion: Option<RawExpansion>,
}

#[derive(Clone, Debug, Default)]
struct Compose {
    include: Vec<Include>,
    exclude: Vec<Include>,
}

#[derive(Clone, Debug, Default)]
struct Include {
    system: Option<String>,
    version: Option<String>,
    concepts: Vec<String>,
    filters: Vec<Filter>,
    value_sets: Vec<String>,
}

#[derive(Clone, Debug)]
struct Filter {
    property: String,
    op: String,
    value: String,
}

#[derive(Clone, Debug)]
struct RawExpansion {
    /// (system, code)
    codes: Vec<(String, String)>,
    complete: bool,
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn array<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// Copies of `http://terminology.hl7.org/` resources inside the FHIR core package rank below
/// the terminology package's own (their version labels, "4.0.1", "2.9", "2018-08-12", are not
/// comparable with THO's).
fn rank(url: &str, version: Option<&str>, package: Option<&str>) -> u8 {
    if !url.starts_with("http://terminology.hl7.org/") {
        return 1;
    }
    match package {
        Some(p) => {
            let name = p.split(['#', '@']).next().unwrap_or(p);
            let core = name.starts_with("hl7.fhir.r") && name.ends_with(".core");
            u8::from(!core)
        }
        None => match version {
            None => 1,
            Some("4.0.1") => 0,
            Some(v) => u8::from(v.split('.').count() == 3 && dotted_numbers(v).is_some()),
        },
    }
}

/// Is `a` (rank, version, seq) preferable to `b` as "the newest"?
fn newer(a: (u8, Option<&str>, u32), b: (u8, Option<&str>, u32)) -> bool {
    if a.0 != b.0 {
        return a.0 > b.0;
    }
    if let (Some(va), Some(vb)) = (a.1.and_then(dotted_numbers), b.1.and_then(dotted_numbers)) {
        match compare_padded(&va, &vb) {
            std::cmp::Ordering::Equal => {}
            order => return order == std::cmp::Ordering::Greater,
        }
    }
    // not comparable (or equal): the later added wins
    a.2 > b.2
}

impl Pending {
    pub(super) fn add(&mut self, r: &Value, package: Option<&str>) {
        match r.get("resourceType").and_then(Value::as_str) {
            Some("CodeSystem") => {
                if let Some(cs) = parse_cs(r, package, self.seq) {
                    self.cs.push(cs);
                    self.seq += 1;
                }
            }
            Some("ValueSet") => {
                if let Some(vs) = parse_vs(r, package, self.seq) {
                    self.vs.push(vs);
                    self.seq += 1;
                }
            }
            Some("Bundle") => {
                for e in array(r, "entry") {
                    if let Some(res) = e.get("resource")
                        && res.get("resourceType").and_then(Value::as_str) != Some("Bundle")
                    {
                        self.add(res, package);
                    }
                }
            }
            _ => {}
        }
    }
}

fn prop_value(p: &Value) -> Option<String> {
    for k in ["valueCode", "valueString", "valueDateTime", "valueUri"] {
        if let Some(s) = p.get(k).and_then(Value::as_str) {
            return Some(s.to_string());
        }
    }
    if let Some(b) = p.get("valueBoolean").and_then(Value::as_bool) {
        return Some(b.to_string());
    }
    for k in ["valueInteger", "valueDecimal"] {
        if let Some(n) = p.get(k).filter(|n| n.is_number()) {
            return Some(n.to_string());
        }
    }
    p.get("valueCoding").and_then(|c| text(c, "code"))
}

fn parse_cs(r: &Value, package: Option<&str>, seq: u32) -> Option<RawCs> {
    let url = text(r, "url")?;
    let version = text(r, "version");
    let content = match r.get("content").and_then(Value::as_str) {
        Some("complete") => Content::Complete,
        Some("fragment") => Content::Fragment,
        Some("example") => Content::Example,
        Some("not-present") => Content::NotPresent,
        Some("supplement") => Content::Supplement,
        // missing or unknown: treat what is there as a fragment
        _ => Content::Fragment,
    };
    let mut concepts = Vec::new();
    flatten(array(r, "concept"), None, &mut concepts, 0);
    let props = array(r, "property")
        .iter()
        .filter_map(|p| {
            Some(PropDef {
                code: text(p, "code")?,
                uri: text(p, "uri").unwrap_or_default(),
            })
        })
        .collect();
    Some(RawCs {
        rank: rank(&url, version.as_deref(), package),
        url,
        version,
        name: text(r, "title").or_else(|| text(r, "name")),
        content,
        case_sensitive: r
            .get("caseSensitive")
            .and_then(Value::as_bool)
            .unwrap_or(true),
        seq,
        concepts,
        props,
    })
}

fn flatten(list: &[Value], parent: Option<u32>, out: &mut Vec<RawConcept>, depth: usize) {
    for c in list {
        let Some(code) = text(c, "code") else {
            continue;
        };
        let idx = out.len() as u32;
        out.push(RawConcept {
            code,
            display: text(c, "display"),
            designations: array(c, "designation")
                .iter()
                .filter_map(|d| text(d, "value"))
                .collect(),
            nest_parent: parent,
            props: array(c, "property")
                .iter()
                .filter_map(|p| Some((text(p, "code")?, prop_value(p)?)))
                .collect(),
        });
        // serde_json bounds the nesting depth (128) already; this is belt and braces
        if depth < 256 {
            flatten(array(c, "concept"), Some(idx), out, depth + 1);
        }
    }
}

fn parse_include(v: &Value) -> Include {
    // `system: "url|version"` (seen in the wild) is a versioned system
    let (system, piped) = match text(v, "system") {
        Some(s) => match crate::canonical::split(&s) {
            (u, Some(ver)) => (Some(u.to_string()), Some(ver.to_string())),
            (_, None) => (Some(s), None),
        },
        None => (None, None),
    };
    Include {
        system,
        version: text(v, "version").or(piped),
        concepts: array(v, "concept")
            .iter()
            .filter_map(|c| text(c, "code"))
            .collect(),
        filters: array(v, "filter")
            .iter()
            .filter_map(|f| {
                Some(Filter {
                    property: text(f, "property").unwrap_or_default(),
                    op: text(f, "op")?,
                    value: text(f, "value").unwrap_or_default(),
                })
            })
            .collect(),
        value_sets: array(v, "valueSet")
            .iter()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect(),
    }
}

fn collect_contains(list: &[Value], out: &mut Vec<(String, String)>, depth: usize) {
    for c in list {
        if let (Some(s), Some(code)) = (text(c, "system"), text(c, "code")) {
            out.push((s, code));
        }
        if depth < 256 {
            collect_contains(array(c, "contains"), out, depth + 1);
        }
    }
}

fn parse_vs(r: &Value, package: Option<&str>, seq: u32) -> Option<RawVs> {
    let url = text(r, "url")?;
    let version = text(r, "version");
    let compose = r.get("compose").map(|c| Compose {
        include: array(c, "include").iter().map(parse_include).collect(),
        exclude: array(c, "exclude").iter().map(parse_include).collect(),
    });
    let expansion = r.get("expansion").map(|e| {
        let mut codes = Vec::new();
        collect_contains(array(e, "contains"), &mut codes, 0);
        let offset = e.get("offset").and_then(Value::as_u64).unwrap_or(0) > 0
            || array(e, "parameter")
                .iter()
                .any(|p| text(p, "name").as_deref() == Some("offset"));
        let total_ok = e
            .get("total")
            .and_then(Value::as_u64)
            .is_none_or(|t| t as usize <= codes.len());
        RawExpansion {
            complete: !offset && total_ok,
            codes,
        }
    });
    Some(RawVs {
        rank: rank(&url, version.as_deref(), package),
        package: package.map(str::to_string),
        url,
        version,
        title: text(r, "title").or_else(|| text(r, "name")),
        seq,
        compose,
        expansion,
    })
}
