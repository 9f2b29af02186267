//! Bundles: the index that resolves references between entries (built once per Bundle, so
//! resolution is O(1) per reference and a 100,000-entry Bundle stays linear), and the Bundle
//! rules: the `bdl-*` invariants of R4 (natively, with the keys and texts of the Bundle
//! definition), absolute and consistent `fullUrl`s, unique link relations, and the search-set
//! conventions the Java validator warns about.

use super::Walker;
use super::path::Seg;
use crate::json::{Node, NodeId};
use crate::outcome::Severity;
use rustc_hash::FxHashMap as HashMap;

/// One entry as resolution sees it.
pub(crate) struct Entry<'a> {
    pub full_url: Option<&'a str>,
    pub resource: Option<&'a Node<'a>>,
    pub resource_type: Option<&'a str>,
    pub id: Option<&'a str>,
    pub version: Option<&'a str>,
}

pub(crate) struct BundleIndex<'a> {
    /// The Bundle itself.
    pub node: NodeId,
    pub bundle_type: Option<&'a str>,
    pub entries: Vec<Entry<'a>>,
    by_full_url: HashMap<&'a str, Vec<u32>>,
    by_type_id: HashMap<(&'a str, &'a str), Vec<u32>>,
    /// entry resource node → entry
    by_node: HashMap<NodeId, u32>,
}

fn str_at<'a>(node: &'a Node<'a>, key: &str) -> Option<&'a str> {
    node.get(key).and_then(|n| n.value.as_str())
}

impl<'a> BundleIndex<'a> {
    pub(crate) fn new(bundle: &'a Node<'a>) -> Self {
        let raw = bundle
            .get("entry")
            .and_then(|e| e.value.as_array())
            .unwrap_or_default();
        let mut index = BundleIndex {
            node: bundle.id(),
            bundle_type: str_at(bundle, "type"),
            entries: Vec::with_capacity(raw.len()),
            by_full_url: HashMap::with_capacity_and_hasher(raw.len(), Default::default()),
            by_type_id: HashMap::with_capacity_and_hasher(raw.len(), Default::default()),
            by_node: HashMap::with_capacity_and_hasher(raw.len(), Default::default()),
        };
        for (i, e) in raw.iter().enumerate() {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            let resource = e.get("resource").filter(|r| r.value.as_object().is_some());
            let entry = Entry {
                full_url: str_at(e, "fullUrl"),
                resource,
                resource_type: resource.and_then(|r| str_at(r, "resourceType")),
                id: resource.and_then(|r| str_at(r, "id")),
                version: resource
                    .and_then(|r| r.get("meta"))
                    .and_then(|m| str_at(m, "versionId")),
            };
            if let Some(u) = entry.full_url {
                index.by_full_url.entry(u).or_default().push(i);
            }
            if let Some(r) = resource {
                index.by_node.insert(r.id(), i);
            }
            if let (Some(t), Some(id)) = (entry.resource_type, entry.id) {
                index.by_type_id.entry((t, id)).or_default().push(i);
            }
            index.entries.push(entry);
        }
        index
    }

    /// The entry whose resource is this node.
    pub(crate) fn entry_of(&self, node: NodeId) -> Option<u32> {
        self.by_node.get(&node).copied()
    }

    /// Is entry `i` at `version` (any, when none is asked for)?
    fn has_version(&self, i: u32, version: Option<&str>) -> bool {
        version.is_none() || self.entries.get(i as usize).and_then(|e| e.version) == version
    }

    /// The entries a reference made from entry `from` resolves to, by the R4 Bundle rules:
    /// absolute references (and `urn:`) match `fullUrl`; a relative `Type/id` is resolved
    /// against the base of the referring entry's RESTful `fullUrl`.
    pub(crate) fn resolve(&self, reference: &str, from: Option<u32>) -> Lookup {
        let (target, version) = match split_history(reference) {
            Some((t, v)) => (t, Some(v)),
            None => (reference, None),
        };
        let absolute = target.starts_with("urn:") || has_scheme_slashes(target);
        let url: Option<std::borrow::Cow<'_, str>> = if absolute {
            Some(target.into())
        } else {
            from.and_then(|i| self.entries.get(i as usize))
                .and_then(|e| e.full_url)
                .and_then(|fu| restful_base(fu))
                .map(|base| [base, target].concat().into())
        };
        if let Some(url) = &url
            && let Some(hits) = self.by_full_url.get(url.as_ref())
        {
            let mut matching = hits
                .iter()
                .copied()
                .filter(|i| self.has_version(*i, version));
            return match (matching.next(), matching.count()) {
                (None, _) => Lookup::None,
                (Some(one), 0) => Lookup::Found(one),
                (Some(_), more) => Lookup::Many(more + 1),
            };
        }
        if absolute {
            return Lookup::None;
        }
        // the same type and id, but not by the fullUrl rules
        let mut parts = target.splitn(2, '/');
        if let (Some(t), Some(id)) = (parts.next(), parts.next())
            && let Some(hits) = self.by_type_id.get(&(t, id))
        {
            let hits = hits.iter().copied();
            return Lookup::Apparent(hits.filter(|i| self.has_version(*i, version)).collect());
        }
        Lookup::None
    }
}

/// The outcome of looking a reference up in a Bundle.
pub(crate) enum Lookup {
    Found(u32),
    Many(usize),
    /// Entries with the referenced type and id whose fullUrl does not match.
    Apparent(Vec<u32>),
    None,
}

/// `reference.split_once("/_history/")`, with a quick answer for the usual reference that
/// holds no `_`.
fn split_history(reference: &str) -> Option<(&str, &str)> {
    if !reference.contains('_') {
        return None;
    }
    reference.split_once("/_history/")
}

/// `s.contains("://")`, looking only after each `:`.
fn has_scheme_slashes(s: &str) -> bool {
    s.match_indices(':')
        .any(|(i, _)| s.get(i + 1..).is_some_and(|rest| rest.starts_with("//")))
}

/// `http://x/fhir/` of `http://x/fhir/Patient/1` (a RESTful fullUrl), else `None`.
fn restful_base(full_url: &str) -> Option<&str> {
    if !(full_url.starts_with("http://") || full_url.starts_with("https://")) {
        return None;
    }
    let trimmed = split_history(full_url).map_or(full_url, |(t, _)| t);
    let mut cut = trimmed.rsplitn(3, '/');
    let _id = cut.next()?;
    let _type = cut.next()?;
    let base = cut.next()?;
    full_url.get(..base.len() + 1)
}

/// An absolute URI: a scheme (`http:`, `urn:`, ...) and something after it.
fn is_absolute(url: &str) -> bool {
    url.split_once(':').is_some_and(|(scheme, rest)| {
        scheme
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic())
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
            && !rest.is_empty()
    })
}

/// The URL a relative reference `Type/id` stands for from an entry with this fullUrl:
/// `[base]Type/id` for a RESTful fullUrl, `urn:uuid:id` for a `urn:uuid:` one.
pub(crate) fn target_url(from_full_url: &str, reference: &str) -> String {
    if from_full_url.is_empty() {
        return reference.to_string();
    }
    match restful_base(from_full_url) {
        Some(base) => format!("{base}{reference}"),
        None => {
            let prefix = from_full_url.rsplit_once(':').map_or("", |(p, _)| p);
            let id = reference.rsplit('/').next().unwrap_or(reference);
            format!("{prefix}:{id}")
        }
    }
}

impl<'v: 'a, 'a> Walker<'v, 'a> {
    /// The human text of a Bundle invariant, from the loaded Bundle definition.
    fn invariant_text(&self, key: &str) -> String {
        self.set
            .constraints
            .iter()
            .find(|c| c.key == key)
            .map(|c| c.human.clone())
            .unwrap_or_default()
    }

    fn invariant(&mut self, key: &'static str, offset: u32) {
        let human = self.invariant_text(key);
        self.report_keyed(Severity::Error, "invariant", Some(key), offset, || {
            format!("Constraint failed: {key}: '{human}'")
        });
    }

    /// The Bundle rules, once per Bundle (the current path is the Bundle).
    pub(crate) fn bundle_rules(&mut self, bundle: &'a Node<'a>, index: &BundleIndex<'a>) {
        let ty = index.bundle_type.unwrap_or_default();
        let entries = bundle
            .get("entry")
            .and_then(|e| e.value.as_array())
            .unwrap_or_default();
        let at = bundle.offset;
        if bundle.get("total").is_some() && !matches!(ty, "searchset" | "history") {
            self.invariant("bdl-1", at);
        }
        if ty != "searchset" && entries.iter().any(|e| e.get("search").is_some()) {
            self.invariant("bdl-2", at);
        }
        let request_expected = matches!(ty, "batch" | "transaction" | "history");
        if entries
            .iter()
            .any(|e| e.get("request").is_some() != request_expected)
        {
            self.invariant("bdl-3", at);
        }
        let response_expected = matches!(ty, "batch-response" | "transaction-response" | "history");
        if entries
            .iter()
            .any(|e| e.get("response").is_some() != response_expected)
        {
            self.invariant("bdl-4", at);
        }
        if ty != "history" {
            let mut seen: HashMap<(&str, Option<&str>), usize> = HashMap::default();
            let mut duplicate = false;
            for (i, e) in index.entries.iter().enumerate() {
                if let Some(u) = e.full_url
                    && seen.insert((u, e.version), i).is_some()
                {
                    duplicate = true;
                }
            }
            if duplicate {
                self.invariant("bdl-7", at);
            }
        }
        if ty == "document" {
            let identifier = bundle.get("identifier");
            let has = |k: &str| identifier.is_some_and(|i| i.get(k).is_some());
            if !(has("system") && has("value")) {
                self.invariant("bdl-9", at);
            }
            if bundle.get("timestamp").is_none() {
                self.invariant("bdl-10", at);
            }
            if index.entries.first().and_then(|e| e.resource_type) != Some("Composition") {
                self.invariant("bdl-11", at);
            }
        }
        if ty == "message"
            && index.entries.first().and_then(|e| e.resource_type) != Some("MessageHeader")
        {
            self.invariant("bdl-12", at);
        }
        self.entry_rules(entries, index, ty);
        self.link_rules(bundle, ty);
        match ty {
            "searchset" => self.search_set_rules(bundle, entries),
            "document" | "message" => self.document_rules(bundle, entries, index, ty),
            _ => {}
        }
    }

    fn entry_rules(&mut self, entries: &'a [Node<'a>], index: &BundleIndex<'a>, ty: &str) {
        let full_url_optional = matches!(
            ty,
            "transaction" | "transaction-response" | "batch" | "batch-response"
        );
        for (i, (raw, e)) in entries.iter().zip(&index.entries).enumerate() {
            let depth = self.path.len();
            self.path.push(Seg::Name("entry"));
            self.path.push(Seg::Index(i));
            if raw.get("resource").is_none()
                && raw.get("request").is_none()
                && raw.get("response").is_none()
            {
                self.invariant("bdl-5", raw.offset);
            }
            match e.full_url {
                Some(u) => {
                    if u.contains("/_history/") {
                        self.invariant("bdl-8", raw.offset);
                    }
                    if !is_absolute(u) {
                        self.report(Severity::Error, "invalid", raw.offset, || {
                            format!("The fullUrl must be an absolute URL (not '{u}')")
                        });
                    } else if let Some(t) = e.resource_type
                        && self.looks_restful(u)
                    {
                        match e.id {
                            None => self.report(Severity::Error, "invalid", raw.offset, || {
                                format!("The fullUrl '{u}' looks like a RESTful server URL, but the resource has no id")
                            }),
                            Some(id) if !u.split("/_history/").next().is_some_and(|x| x.ends_with(&format!("/{t}/{id}"))) => {
                                self.report(Severity::Error, "invalid", raw.offset, || {
                                    format!("The fullUrl '{u}' looks like a RESTful server URL, so it must end with the correct type and id (/{t}/{id})")
                                });
                            }
                            Some(_) => {}
                        }
                    }
                }
                None if !full_url_optional && e.resource.is_some() => {
                    self.report(Severity::Error, "invalid", raw.offset, || {
                        "Except for transactions and batches, each entry in a Bundle must have a fullUrl which is the identity of the resource in the entry".to_string()
                    });
                }
                None => {}
            }
            self.path.truncate(depth);
        }
    }

    /// `[http(s)://host/path/]Type/id[/_history/v]` with a known resource type, as the Java
    /// validator's RESTful-URL pattern reads it (path segments of letters, digits, `.:%$`).
    fn looks_restful(&self, url: &str) -> bool {
        let (main, version) = match url.split_once("/_history/") {
            Some((m, v)) => (m, Some(v)),
            None => (url, None),
        };
        let is_id = |s: &str| {
            !s.is_empty()
                && s.len() <= 64
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        };
        if version.is_some_and(|v| !is_id(v)) {
            return false;
        }
        let mut parts = main.rsplitn(3, '/');
        let (Some(id), Some(ty)) = (parts.next(), parts.next()) else {
            return false;
        };
        let base = parts.next().unwrap_or_default();
        let type_ok = self
            .set
            .type_def(ty)
            .is_some_and(|t| self.set.structure(t).kind == crate::model::Kind::Resource);
        let base_ok = base.is_empty()
            || ["http://", "https://"].iter().any(|scheme| {
                base.strip_prefix(scheme).is_some_and(|rest| {
                    rest.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"\\.:%$/".contains(&b))
                })
            });
        type_ok && is_id(id) && base_ok
    }

    /// Link relations: the paging ones only in search sets and histories; `self` (and, in
    /// search sets, each paging relation) at most once.
    fn link_rules(&mut self, bundle: &'a Node<'a>, ty: &str) {
        let links = bundle
            .get("link")
            .and_then(|l| l.value.as_array())
            .unwrap_or_default();
        let search = matches!(ty, "searchset" | "history");
        let mut seen: Vec<&str> = Vec::new();
        for (i, l) in links.iter().enumerate() {
            let Some(rel) = str_at(l, "relation") else {
                continue;
            };
            let paging = matches!(rel, "first" | "previous" | "next" | "last");
            let depth = self.path.len();
            self.path.push(Seg::Name("link"));
            self.path.push(Seg::Index(i));
            if paging && !search && !ty.is_empty() {
                self.report(Severity::Error, "invalid", l.offset, || {
                    format!("The link relation '{rel}' is not allowed in a Bundle of type {ty}")
                });
            }
            let unique = rel == "self" || (search && paging);
            if unique && seen.contains(&rel) {
                self.report(Severity::Error, "invalid", l.offset, || {
                    format!("The link relationship type '{rel}' can only occur once")
                });
            }
            self.path.truncate(depth);
            seen.push(rel);
        }
    }

    /// Search sets: a self link, search modes, and what each mode allows.
    fn search_set_rules(&mut self, bundle: &'a Node<'a>, entries: &'a [Node<'a>]) {
        let links = bundle
            .get("link")
            .and_then(|l| l.value.as_array())
            .unwrap_or_default();
        let self_link = links
            .iter()
            .find(|l| str_at(l, "relation") == Some("self"))
            .and_then(|l| str_at(l, "url"));
        let at = bundle.offset;
        if self_link.is_none() {
            self.report(Severity::Warning, "invalid", at, || {
                "SearchSet Bundles should have a self link that specifies what the search was"
                    .to_string()
            });
        }
        let types = self_link
            .map(|u| self.searched_types(u))
            .unwrap_or_default();
        let modes: Vec<Option<&str>> = entries
            .iter()
            .map(|e| e.get("search").and_then(|s| str_at(s, "mode")))
            .collect();
        if modes.iter().all(Option::is_none) {
            let type_problem = entries.iter().any(|e| {
                let rt = e.get("resource").and_then(|r| str_at(r, "resourceType"));
                !types.is_empty() && rt.is_some_and(|rt| !types.contains(&rt))
            });
            let severity = if type_problem {
                Severity::Warning
            } else {
                Severity::Information
            };
            if !entries.is_empty() {
                self.report(severity, "invalid", at, || {
                    "SearchSet bundles should have search modes on the entries".to_string()
                });
            }
            return;
        }
        for (i, (e, mode)) in entries.iter().zip(modes).enumerate() {
            let depth = self.path.len();
            self.path.push(Seg::Name("entry"));
            self.path.push(Seg::Index(i));
            let Some(mode) = mode else {
                self.report(Severity::Warning, "invalid", e.offset, || {
                    "SearchSet bundles should have search modes on the entries".to_string()
                });
                self.path.truncate(depth);
                continue;
            };
            let resource = e.get("resource");
            let rt = resource.and_then(|r| str_at(r, "resourceType"));
            let has_id = resource.and_then(|r| str_at(r, "id")).is_some();
            self.path.push(Seg::Name("resource"));
            let at = resource.map_or(e.offset, |r| r.offset);
            match mode {
                "match" | "include" => {
                    if resource.is_some() && !has_id {
                        self.report(Severity::Error, "invalid", at, || {
                            format!("Search results in mode {mode} must have ids")
                        });
                    }
                    if mode == "match"
                        && let Some(rt) = rt
                        && !types.is_empty()
                        && !types.contains(&rt)
                    {
                        let list = types.join(",");
                        self.report(Severity::Error, "invalid", at, || {
                            format!("The resource type {rt} is not among the searched types [{list}] for a match")
                        });
                    }
                }
                "outcome" if rt.is_some_and(|rt| rt != "OperationOutcome") => {
                    let rt = rt.unwrap_or_default();
                    self.report(Severity::Error, "invalid", at, || {
                        format!("An entry in mode outcome must be an OperationOutcome, not a {rt}")
                    });
                }
                _ => {}
            }
            self.path.truncate(depth);
        }
    }

    /// The resource types a search URL asks for (`.../Patient?...`, or `_type=`).
    fn searched_types(&self, url: &'a str) -> Vec<&'a str> {
        let (head, query) = match url.split_once('?') {
            Some((h, q)) => (h, Some(q)),
            None => (url, None),
        };
        let last = head.rsplit('/').next().unwrap_or_default();
        if self
            .set
            .type_def(last)
            .is_some_and(|t| self.set.structure(t).kind == crate::model::Kind::Resource)
        {
            return vec![last];
        }
        query
            .into_iter()
            .flat_map(|q| q.split('&'))
            .filter_map(|p| p.strip_prefix("_type="))
            .flat_map(|t| t.split(','))
            .collect()
    }

    /// Documents and messages: the first entry, and the references from the Composition
    /// (subject, author, encounter, custodian, attesters, events, sections) or MessageHeader
    /// (focus) must resolve inside the Bundle.
    fn document_rules(
        &mut self,
        bundle: &'a Node<'a>,
        entries: &'a [Node<'a>],
        index: &BundleIndex<'a>,
        ty: &str,
    ) {
        let Some(first) = entries.first() else {
            self.report(Severity::Error, "invalid", bundle.offset, || {
                "Documents or Messages must contain at least one entry".to_string()
            });
            return;
        };
        let Some(resource) = first.get("resource") else {
            self.path.push(Seg::Name("entry"));
            self.report(Severity::Error, "invalid", first.offset, || {
                "The first entry in a document or message must have a resource".to_string()
            });
            self.path.pop();
            return;
        };
        let rt = str_at(resource, "resourceType").unwrap_or_default();
        let (expected, refs): (&str, &[(&str, Option<&str>)]) = if ty == "document" {
            (
                "Composition",
                &[
                    ("subject", None),
                    ("author", None),
                    ("encounter", None),
                    ("custodian", None),
                    ("attester", Some("party")),
                    ("event", Some("detail")),
                ],
            )
        } else {
            ("MessageHeader", &[("focus", None)])
        };
        if rt != expected {
            self.path.push(Seg::Name("entry"));
            self.path.push(Seg::Index(0));
            self.path.push(Seg::Name("resource"));
            self.report(Severity::Error, "invalid", resource.offset, || {
                format!("The first entry in a {ty} must be a {expected}")
            });
            self.path.truncate(self.path.len() - 3);
            return;
        }
        let mut found: Vec<(&'a Node<'a>, String)> = Vec::new();
        for (name, sub) in refs {
            for n in children(resource, name) {
                match sub {
                    None => found.push((n, format!("{expected}.{name}"))),
                    Some(s) => {
                        found.extend(children(n, s).map(|r| (r, format!("{expected}.{name}.{s}"))))
                    }
                }
            }
        }
        if ty == "document" {
            sections(resource, &mut found);
        }
        for (r, what) in found {
            let Some(reference) = str_at(r, "reference") else {
                continue;
            };
            if reference.starts_with('#') {
                continue;
            }
            match index.resolve(reference, Some(0)) {
                Lookup::Found(_) => {}
                Lookup::Many(n) => self.report(Severity::Error, "invalid", r.offset, || {
                    format!("Found {n} matches for '{reference}' in the bundle ({what})")
                }),
                Lookup::Apparent(_) | Lookup::None => {
                    self.report(Severity::Error, "not-found", r.offset, || {
                        format!("Can't find '{reference}' in the bundle ({what})")
                    })
                }
            }
        }
    }
}

fn children<'a>(node: &'a Node<'a>, name: &str) -> impl Iterator<Item = &'a Node<'a>> {
    let v = node.get(name);
    let many = v.and_then(|n| n.value.as_array());
    let one = v.filter(|n| n.value.as_array().is_none());
    many.into_iter().flatten().chain(one)
}

/// The references of every section (recursively): author, focus and entries.
fn sections<'a>(node: &'a Node<'a>, out: &mut Vec<(&'a Node<'a>, String)>) {
    for section in children(node, "section") {
        for r in children(section, "author") {
            out.push((r, "Section.author".into()));
        }
        for r in children(section, "focus") {
            out.push((r, "Section.focus".into()));
        }
        for r in children(section, "entry") {
            out.push((r, "Section Entry".into()));
        }
        sections(section, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_string_tests_agree_with_the_plain_ones() {
        for s in [
            "Patient/1",
            "Patient/1/_history/2",
            "http://x/fhir/Patient/1",
            "urn:uuid:1234",
            "a:b://c",
            "a:/b",
            "x_y",
            "http://x/_history/",
            "",
            ":",
            "://",
        ] {
            assert_eq!(split_history(s), s.split_once("/_history/"), "{s}");
            assert_eq!(has_scheme_slashes(s), s.contains("://"), "{s}");
        }
    }
}
