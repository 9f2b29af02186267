//! FHIRPath conformance runner and package-invariant checks.
//!
//! * `fhirpath_conformance_suite` runs the official FHIRPath R4 test suite
//!   (`SHARED/conformance/fhirpath/tests-fhir-r4.xml`) and writes the failures to
//!   `target/fhirpath-suite-failures.txt`.
//! * `package_invariants_parse` parses every `constraint.expression` of every
//!   StructureDefinition in `SHARED/fhir-packages/*.tgz`.
//! * `bench_invariants` (ignored; run with `--ignored --nocapture` in release) prints ns/eval.
//!
//! The model used here is a small R4 type table read from the core package
//! (element path → types), implementing [`fhirval::fhirpath::Model`].

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use fhirval::fhirpath::{self, ChildType, Env, Item, Model, ResolveContext};
use fhirval::json::{self, Node, Value};

/// Location of the shared folder, relative to the crate root (edit when moving the crate).
const SHARED: &str = "../shared";

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(SHARED)
}

fn out_dir() -> PathBuf {
    let target = std::env::var("CARGO_TARGET_DIR")
        .unwrap_or_else(|_| format!("{}/target", env!("CARGO_MANIFEST_DIR")));
    PathBuf::from(target)
}

// ============================================================================ package reading

/// All `(file name, text)` JSON entries of a package tarball.
fn read_tgz(path: &Path) -> Vec<(String, String)> {
    let f = std::fs::File::open(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(f));
    let mut out = Vec::new();
    for entry in ar.entries().expect("tar entries") {
        let mut entry = entry.expect("tar entry");
        let name = entry
            .path()
            .expect("entry path")
            .to_string_lossy()
            .to_string();
        if !name.ends_with(".json") {
            continue;
        }
        let mut s = String::new();
        if entry.read_to_string(&mut s).is_ok() {
            out.push((name, s));
        }
    }
    out
}

fn jstr<'a>(n: &'a Node<'a>, key: &str) -> Option<&'a str> {
    n.get(key).and_then(|v| v.value.as_str())
}

fn jarr<'a>(n: &'a Node<'a>, key: &str) -> &'a [Node<'a>] {
    n.get(key).and_then(|v| v.value.as_array()).unwrap_or(&[])
}

// ============================================================================ R4 model

#[derive(Default)]
struct R4Model {
    /// type (or backbone path) → JSON key → (type, element name)
    children: HashMap<String, HashMap<String, (String, String)>>,
    /// type → base type
    base: HashMap<String, String>,
    /// type → max cardinality "*" per JSON key (for XML conversion)
    repeating: HashSet<(String, String)>,
    resources: HashSet<String>,
}

fn cap(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

impl R4Model {
    fn load() -> R4Model {
        let mut m = R4Model::default();
        let pkg = shared().join("fhir-packages/hl7.fhir.r4.core-4.0.1.tgz");
        for (name, text) in read_tgz(&pkg) {
            if !name.contains("StructureDefinition-") {
                continue;
            }
            let arena = json::Arena::new();
            let Ok(sd) = json::parse(&text, &arena, &json::Limits::default()) else {
                continue;
            };
            if jstr(&sd, "resourceType") != Some("StructureDefinition") {
                continue;
            }
            let kind = jstr(&sd, "kind").unwrap_or("");
            if !matches!(kind, "resource" | "complex-type" | "primitive-type") {
                continue;
            }
            let ty = jstr(&sd, "type").unwrap_or("").to_string();
            let id = jstr(&sd, "id").unwrap_or("").to_string();
            let base = jstr(&sd, "baseDefinition")
                .and_then(|b| b.rsplit('/').next())
                .unwrap_or("");
            if jstr(&sd, "derivation") == Some("constraint") {
                // SimpleQuantity, MoneyQuantity, …: a named type derived from its base type.
                if id != ty && !id.contains('-') {
                    m.base.insert(id.clone(), ty.clone());
                    m.children.entry(id.clone()).or_default();
                }
                continue;
            }
            if kind == "resource" {
                m.resources.insert(ty.clone());
            }
            if !base.is_empty() {
                m.base.insert(ty.clone(), base.to_string());
            }
            m.children.entry(ty.clone()).or_default();
            let Some(snap) = sd.get("snapshot") else {
                continue;
            };
            let elements = jarr(snap, "element");
            let paths: Vec<&str> = elements.iter().filter_map(|e| jstr(e, "path")).collect();
            for e in elements {
                let Some(path) = jstr(e, "path") else {
                    continue;
                };
                let Some((parent, name)) = path.rsplit_once('.') else {
                    continue;
                };
                let max = jstr(e, "max").unwrap_or("1");
                let mut types: Vec<String> = Vec::new();
                if let Some(cr) = jstr(e, "contentReference") {
                    types.push(cr.trim_start_matches('#').to_string());
                } else {
                    for t in jarr(e, "type") {
                        let code = jstr(t, "code").unwrap_or("");
                        let code = if code.starts_with("http://hl7.org/fhirpath/System.") {
                            jarr(t, "extension")
                                .iter()
                                .find_map(|x| jstr(x, "valueUrl"))
                                .unwrap_or("string")
                                .to_string()
                        } else {
                            code.to_string()
                        };
                        types.push(code);
                    }
                }
                let has_children = paths.iter().any(|p| {
                    p.len() > path.len() + 1
                        && p.starts_with(path)
                        && p.as_bytes().get(path.len()) == Some(&b'.')
                });
                if has_children
                    && types.len() == 1
                    && matches!(types[0].as_str(), "BackboneElement" | "Element")
                {
                    m.base.insert(path.to_string(), types[0].clone());
                    types[0] = path.to_string();
                    m.children.entry(path.to_string()).or_default();
                }
                if kind == "resource" && name == "id" && parent == ty {
                    types = vec!["id".to_string()];
                }
                if kind == "primitive-type" && name == "value" {
                    continue;
                }
                let map = m.children.entry(parent.to_string()).or_default();
                if let Some(b) = name.strip_suffix("[x]") {
                    for t in &types {
                        let key = format!("{b}{}", cap(t));
                        map.insert(key.clone(), (t.clone(), b.to_string()));
                        if max != "1" && max != "0" {
                            m.repeating.insert((parent.to_string(), key));
                        }
                    }
                } else {
                    let t = types.first().cloned().unwrap_or_default();
                    map.insert(name.to_string(), (t, name.to_string()));
                    if max != "1" && max != "0" {
                        m.repeating.insert((parent.to_string(), name.to_string()));
                    }
                }
            }
        }
        m
    }
}

impl Model for R4Model {
    fn child_type(&self, parent: &str, key: &str) -> Option<ChildType<'_>> {
        let mut t = parent;
        for _ in 0..10 {
            if let Some((ty, name)) = self.children.get(t).and_then(|c| c.get(key)) {
                return Some(ChildType {
                    type_name: ty,
                    name,
                });
            }
            // constrained types (SimpleQuantity) have no own elements
            t = self.base.get(t)?;
        }
        None
    }

    fn is_type(&self, ty: &str, base: &str) -> bool {
        let mut t = ty;
        for _ in 0..20 {
            if t == base {
                return self.children.contains_key(t) || self.base.contains_key(t);
            }
            match self.base.get(t) {
                Some(b) => t = b,
                None => return false,
            }
        }
        false
    }

    fn resolve<'a>(&self, reference: &str, ctx: &ResolveContext<'a>) -> Option<&'a Node<'a>> {
        // Bundle entries by fullUrl or Type/id
        let root = ctx.root_resource;
        for e in jarr(root, "entry") {
            let Some(res) = e.get("resource") else {
                continue;
            };
            let full = jstr(e, "fullUrl").unwrap_or("");
            let rel = format!(
                "{}/{}",
                jstr(res, "resourceType").unwrap_or(""),
                jstr(res, "id").unwrap_or("")
            );
            if full == reference || rel == reference || full.ends_with(&format!("/{reference}")) {
                return Some(res);
            }
        }
        None
    }

    fn member_of(&self, _item: &Node<'_>, _item_type: &str, _value_set: &str) -> Option<bool> {
        None
    }

    fn conforms_to(&self, node: &Node<'_>, node_type: &str, profile: &str) -> Option<bool> {
        let name = profile.strip_prefix("http://hl7.org/fhir/StructureDefinition/")?;
        if !self.children.contains_key(name) {
            return None;
        }
        let _ = node;
        Some(self.is_type(node_type, name))
    }

    fn html_checks(&self, div: &str) -> bool {
        div.starts_with("<div") && !div.contains("<script")
    }

    fn has_element(&self, ty: &str, name: &str) -> Option<bool> {
        let mut t = ty;
        for _ in 0..10 {
            let c = self.children.get(t)?;
            if c.get(name).is_some_and(|(_, n)| n == name) || c.values().any(|(_, n)| n == name) {
                return Some(true);
            }
            match self.base.get(t) {
                Some(b) => t = b,
                None => return Some(false),
            }
        }
        None
    }
}

// ============================================================================ mini XML

#[derive(Debug, Clone)]
struct XElem {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<XNode>,
    /// byte range of the whole element in the source
    span: (usize, usize),
}

#[derive(Debug, Clone)]
enum XNode {
    Elem(XElem),
    Text(String),
}

impl XElem {
    fn attr(&self, k: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(a, _)| a == k)
            .map(|(_, v)| v.as_str())
    }
    fn elems(&self) -> impl Iterator<Item = &XElem> {
        self.children.iter().filter_map(|c| match c {
            XNode::Elem(e) => Some(e),
            _ => None,
        })
    }
    fn text(&self) -> String {
        self.children
            .iter()
            .map(|c| match c {
                XNode::Text(t) => t.clone(),
                XNode::Elem(e) => e.text(),
            })
            .collect()
    }
}

fn unescape_xml(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let Some(end) = after.find(';') else {
            out.push_str(after);
            return out;
        };
        let ent = &after[1..end];
        match ent {
            "lt" => out.push('<'),
            "gt" => out.push('>'),
            "amp" => out.push('&'),
            "quot" => out.push('"'),
            "apos" => out.push('\''),
            _ if ent.starts_with("#x") => out.push(
                char::from_u32(u32::from_str_radix(&ent[2..], 16).unwrap_or(63)).unwrap_or('?'),
            ),
            _ if ent.starts_with('#') => {
                out.push(char::from_u32(ent[1..].parse().unwrap_or(63)).unwrap_or('?'))
            }
            _ => out.push_str(&after[..=end]),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

struct XParser<'s> {
    s: &'s str,
    i: usize,
}

impl<'s> XParser<'s> {
    fn rest(&self) -> &'s str {
        &self.s[self.i..]
    }
    fn skip_misc(&mut self) {
        loop {
            let r = self.rest();
            let t = r.trim_start();
            self.i += r.len() - t.len();
            if t.starts_with("<?") {
                self.i += t.find("?>").map(|p| p + 2).unwrap_or(t.len());
            } else if t.starts_with("<!--") {
                self.i += t.find("-->").map(|p| p + 3).unwrap_or(t.len());
            } else if t.starts_with("<!") {
                self.i += t.find('>').map(|p| p + 1).unwrap_or(t.len());
            } else {
                return;
            }
        }
    }
    fn element(&mut self) -> XElem {
        let start = self.i;
        assert!(
            self.rest().starts_with('<'),
            "expected element at {}: {:?}",
            self.i,
            &self.rest()[..self.rest().len().min(60)]
        );
        self.i += 1;
        let name_end = self
            .rest()
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap();
        let name = self.rest()[..name_end].to_string();
        self.i += name_end;
        let mut attrs = Vec::new();
        loop {
            let r = self.rest();
            let t = r.trim_start();
            self.i += r.len() - t.len();
            if t.starts_with("/>") {
                self.i += 2;
                return XElem {
                    name,
                    attrs,
                    children: vec![],
                    span: (start, self.i),
                };
            }
            if t.starts_with('>') {
                self.i += 1;
                break;
            }
            let eq = t.find('=').unwrap();
            let an = t[..eq].trim().to_string();
            self.i += eq + 1;
            let r = self.rest().trim_start();
            self.i = self.s.len() - r.len();
            let q = r.chars().next().unwrap();
            let close = r[1..].find(q).unwrap();
            attrs.push((an, unescape_xml(&r[1..1 + close])));
            self.i += close + 2;
        }
        let mut children = Vec::new();
        loop {
            let r = self.rest();
            if r.starts_with("</") {
                let end = r.find('>').unwrap();
                self.i += end + 1;
                return XElem {
                    name,
                    attrs,
                    children,
                    span: (start, self.i),
                };
            } else if r.starts_with("<!--") {
                self.i += r.find("-->").unwrap() + 3;
            } else if r.starts_with("<![CDATA[") {
                let end = r.find("]]>").unwrap();
                children.push(XNode::Text(r[9..end].to_string()));
                self.i += end + 3;
            } else if r.starts_with('<') {
                children.push(XNode::Elem(self.element()));
            } else {
                let end = r.find('<').unwrap_or(r.len());
                children.push(XNode::Text(unescape_xml(&r[..end])));
                self.i += end;
            }
        }
    }
}

fn parse_xml(s: &str) -> XElem {
    let mut p = XParser { s, i: 0 };
    p.skip_misc();
    p.element()
}

// ============================================================================ FHIR XML → JSON

fn json_escape(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04x}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// Converts a FHIR XML resource to JSON text, using the model for types and cardinality.
fn xml_to_json(m: &R4Model, src: &str, e: &XElem) -> String {
    resource_json(m, src, e)
}

fn resource_json(m: &R4Model, src: &str, e: &XElem) -> String {
    let ty = e.name.clone();
    let mut members = vec![format!("\"resourceType\":{}", json_escape(&ty))];
    members.extend(object_members(m, src, e, &ty));
    format!("{{{}}}", members.join(","))
}

fn object_members(m: &R4Model, src: &str, e: &XElem, ty: &str) -> Vec<String> {
    // group children by name, keep order of first appearance
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, Vec<&XElem>> = HashMap::new();
    for c in e.elems() {
        if !groups.contains_key(&c.name) {
            order.push(c.name.clone());
        }
        groups.entry(c.name.clone()).or_default().push(c);
    }
    let mut out = Vec::new();
    if let Some(id) = e.attr("id") {
        out.push(format!("\"id\":{}", json_escape(id)));
    }
    if let Some(url) = e.attr("url") {
        out.push(format!("\"url\":{}", json_escape(url)));
    }
    for name in order {
        let items = &groups[&name];
        let ct = m.child_type(ty, &name);
        let cty = ct.map(|c| c.type_name.to_string()).unwrap_or_default();
        let repeating = {
            let mut t = ty.to_string();
            let mut r = false;
            for _ in 0..10 {
                if m.repeating.contains(&(t.clone(), name.clone())) {
                    r = true;
                    break;
                }
                match m.base.get(&t) {
                    Some(b) => t = b.clone(),
                    None => break,
                }
            }
            r || items.len() > 1
        };
        if name == "div" || cty == "xhtml" {
            let x = items[0];
            out.push(format!(
                "\"{name}\":{}",
                json_escape(&src[x.span.0..x.span.1])
            ));
            continue;
        }
        let is_prim = cty.chars().next().is_some_and(|c| c.is_lowercase());
        if is_prim {
            let mut vals = Vec::new();
            let mut exts = Vec::new();
            let mut any_ext = false;
            for x in items {
                let v = x
                    .attr("value")
                    .map(|v| prim_json(&cty, v))
                    .unwrap_or_else(|| "null".into());
                vals.push(v);
                let inner = object_members(m, src, x, &cty);
                let inner: Vec<String> = inner
                    .into_iter()
                    .filter(|s| !s.starts_with("\"value\""))
                    .collect();
                if inner.is_empty() {
                    exts.push("null".to_string());
                } else {
                    any_ext = true;
                    exts.push(format!("{{{}}}", inner.join(",")));
                }
            }
            let all_null = vals.iter().all(|v| v == "null");
            if repeating {
                if !all_null {
                    out.push(format!("\"{name}\":[{}]", vals.join(",")));
                }
                if any_ext {
                    out.push(format!("\"_{name}\":[{}]", exts.join(",")));
                }
            } else {
                if !all_null {
                    out.push(format!("\"{name}\":{}", vals[0]));
                }
                if any_ext {
                    out.push(format!("\"_{name}\":{}", exts[0]));
                }
            }
            continue;
        }
        let conv = |x: &XElem| -> String {
            if m.resources.contains(&cty) || cty == "Resource" {
                // contained resource: single child element
                match x.elems().next() {
                    Some(r) => resource_json(m, src, r),
                    None => "{}".into(),
                }
            } else {
                format!("{{{}}}", object_members(m, src, x, &cty).join(","))
            }
        };
        let vals: Vec<String> = items.iter().map(|x| conv(x)).collect();
        if repeating {
            out.push(format!("\"{name}\":[{}]", vals.join(",")));
        } else {
            out.push(format!("\"{name}\":{}", vals[0]));
        }
    }
    out
}

fn prim_json(ty: &str, v: &str) -> String {
    match ty {
        "boolean" if v == "true" || v == "false" => v.to_string(),
        "integer" | "positiveInt" | "unsignedInt" | "decimal" if v.parse::<f64>().is_ok() => {
            v.to_string()
        }
        _ => json_escape(v),
    }
}

// ============================================================================ the suite

struct Case {
    group: String,
    name: String,
    input: Option<String>,
    expr: String,
    invalid: Option<String>,
    predicate: bool,
    ordered: bool,
    outputs: Vec<(Option<String>, String)>,
}

fn load_cases(dir: &Path) -> Vec<Case> {
    let text = std::fs::read_to_string(dir.join("tests-fhir-r4.xml")).expect("read suite");
    let root = parse_xml(&text);
    let mut cases = Vec::new();
    for g in root.elems().filter(|e| e.name == "group") {
        for t in g.elems().filter(|e| e.name == "test") {
            let Some(ex) = t.elems().find(|e| e.name == "expression") else {
                continue;
            };
            cases.push(Case {
                group: g.attr("name").unwrap_or("").to_string(),
                name: t.attr("name").unwrap_or("").to_string(),
                input: t.attr("inputfile").map(str::to_string),
                expr: ex.text(),
                invalid: ex.attr("invalid").map(str::to_string),
                predicate: t.attr("predicate") == Some("true"),
                ordered: t.attr("ordered") != Some("false"),
                outputs: t
                    .elems()
                    .filter(|e| e.name == "output")
                    .map(|o| (o.attr("type").map(str::to_string), o.text()))
                    .collect(),
            });
        }
    }
    cases
}

fn now_string() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let days = secs.div_euclid(86400);
    let rem = secs.rem_euclid(86400);
    // civil from days
    let z = days + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.000Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

fn item_matches(model: &R4Model, item: &Item<'_>, ty: &Option<String>, text: &str) -> bool {
    let shown = item.display();
    match ty {
        None => shown == text,
        Some(t) => {
            let type_ok = match item {
                Item::Elem(e) => {
                    let et = e.type_name();
                    et == t || model.is_type(et, t)
                }
                Item::Bool(_) => t == "boolean",
                Item::Int(_) => t == "integer",
                Item::Dec(_) => t == "decimal",
                Item::Str(_) => t == "string",
                Item::Date(_) => t == "date",
                Item::DateTime(_) => t == "dateTime",
                Item::Time(_) => t == "time",
                Item::Quantity(_) => t == "Quantity",
                Item::Type(..) => false,
            };
            let norm = |s: &str| s.trim_start_matches('@').to_string();
            let value_ok = match (t.as_str(), item) {
                ("decimal", _) | ("integer", _) => {
                    match (shown.parse::<f64>(), text.parse::<f64>()) {
                        (Ok(a), Ok(b)) => a == b,
                        _ => shown == text,
                    }
                }
                _ => norm(&shown) == norm(text),
            };
            type_ok && value_ok
        }
    }
}

#[test]
fn fhirpath_conformance_suite() {
    let dir = shared().join("conformance/fhirpath");
    let model = R4Model::load();
    let cases = load_cases(&dir);
    let now = now_string();
    let today = {
        let y: i32 = now[0..4].parse().unwrap();
        let m: u32 = now[5..7].parse().unwrap();
        let d: u32 = now[8..10].parse().unwrap();
        (y, m, d)
    };
    // input texts: JSON when present, else XML converted with the model
    let mut inputs: HashMap<String, Option<String>> = HashMap::new();
    for c in &cases {
        let Some(f) = &c.input else { continue };
        if inputs.contains_key(f) {
            continue;
        }
        let json_name = match f.strip_suffix(".xml") {
            Some(stem) => format!("{stem}.json"),
            None => f.clone(),
        };
        let prefer_xml = std::env::var("FHIRPATH_SUITE_PREFER_XML").is_ok()
            && f.ends_with(".xml")
            && dir.join("input").join(f).exists();
        let text = if dir.join("input").join(&json_name).exists() && !prefer_xml {
            std::fs::read_to_string(dir.join("input").join(&json_name)).ok()
        } else if dir.join("input").join(f).exists() {
            let src = std::fs::read_to_string(dir.join("input").join(f)).unwrap();
            let x = parse_xml(&src);
            Some(xml_to_json(&model, &src, &x))
        } else {
            None
        };
        inputs.insert(f.clone(), text);
    }
    let empty = "{}".to_string();
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    let mut report = String::new();
    for c in &cases {
        let text = match &c.input {
            Some(f) => match inputs.get(f).cloned().flatten() {
                Some(t) => t,
                None => {
                    skipped += 1;
                    report.push_str(&format!(
                        "SKIP {}/{}: input {f} not available\n",
                        c.group, c.name
                    ));
                    continue;
                }
            },
            None => empty.clone(),
        };
        let arena = json::Arena::new();
        let node = json::parse(&text, &arena, &json::Limits::default()).expect("input json");
        let rt = match &node.value {
            Value::Object(_) => jstr(&node, "resourceType").unwrap_or(""),
            _ => "",
        };
        let mut env = Env::new(&node, rt);
        env.strict = true;
        env.now = Some(&now);
        env.today = Some(today);
        let parsed = fhirpath::parse(&c.expr);
        let outcome: Result<(), String> = match (&c.invalid, parsed) {
            (Some(kind), Err(_)) => {
                let _ = kind;
                Ok(())
            }
            (Some(kind), Ok(expr)) => {
                if kind == "syntax" {
                    Err("expected a syntax error, parsed fine".into())
                } else {
                    match fhirpath::evaluate(&expr, &env, &model) {
                        Err(_) => Ok(()),
                        Ok(r) => Err(format!(
                            "expected a {kind} error, got [{}]",
                            r.iter().map(|i| i.display()).collect::<Vec<_>>().join(", ")
                        )),
                    }
                }
            }
            (None, Err(e)) => Err(format!("parse error: {e}")),
            (None, Ok(expr)) => match fhirpath::evaluate(&expr, &env, &model) {
                Err(e) => Err(format!("evaluation error: {e}")),
                Ok(mut r) => {
                    if c.predicate {
                        r = vec![Item::Bool(!r.is_empty())];
                    }
                    let got: Vec<String> = r
                        .iter()
                        .map(|i| format!("{}:{}", i.type_name(), i.display()))
                        .collect();
                    let want: Vec<String> = c
                        .outputs
                        .iter()
                        .map(|(t, v)| format!("{}:{}", t.clone().unwrap_or_default(), v))
                        .collect();
                    let ok = r.len() == c.outputs.len()
                        && if c.ordered {
                            r.iter()
                                .zip(&c.outputs)
                                .all(|(i, (t, v))| item_matches(&model, i, t, v))
                        } else {
                            let mut used = vec![false; r.len()];
                            c.outputs.iter().all(|(t, v)| {
                                match r
                                    .iter()
                                    .enumerate()
                                    .find(|(k, i)| !used[*k] && item_matches(&model, i, t, v))
                                {
                                    Some((k, _)) => {
                                        used[k] = true;
                                        true
                                    }
                                    None => false,
                                }
                            })
                        };
                    if ok {
                        Ok(())
                    } else {
                        Err(format!(
                            "got [{}], want [{}]",
                            got.join(", "),
                            want.join(", ")
                        ))
                    }
                }
            },
        };
        match outcome {
            Ok(()) => passed += 1,
            Err(why) => {
                failed += 1;
                report.push_str(&format!(
                    "FAIL {}/{}: `{}`: {why}\n",
                    c.group,
                    c.name,
                    c.expr.replace('\n', " ")
                ));
            }
        }
    }
    let runnable = passed + failed;
    let summary = format!(
        "FHIRPath R4 suite: {passed} passed, {failed} failed, {skipped} skipped ({} total; {:.1}% of runnable)",
        cases.len(),
        100.0 * passed as f64 / runnable.max(1) as f64
    );
    report.insert_str(0, &format!("{summary}\n"));
    let path = out_dir().join("fhirpath-suite-failures.txt");
    let _ = std::fs::write(&path, &report);
    println!("{summary}\nfailures: {}", path.display());
    assert!(
        passed as f64 >= 0.95 * runnable as f64,
        "pass rate below 95%: {summary}"
    );
}

// ============================================================================ invariants in packages

#[test]
fn package_invariants_parse() {
    let dir = shared().join("fhir-packages");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("packages dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "tgz"))
        .collect();
    files.sort();
    let mut total = 0;
    let mut distinct: HashSet<String> = HashSet::new();
    let mut failures: Vec<String> = Vec::new();
    let mut functions: HashMap<String, usize> = HashMap::new();
    let mut max_depth = 0;
    for f in &files {
        for (name, text) in read_tgz(f) {
            let arena = json::Arena::new();
            let Ok(sd) = json::parse(&text, &arena, &json::Limits::default()) else {
                continue;
            };
            if jstr(&sd, "resourceType") != Some("StructureDefinition") {
                continue;
            }
            for part in ["snapshot", "differential"] {
                let Some(p) = sd.get(part) else { continue };
                for e in jarr(p, "element") {
                    for c in jarr(e, "constraint") {
                        let Some(expr) = jstr(c, "expression") else {
                            continue;
                        };
                        total += 1;
                        if !distinct.insert(expr.to_string()) {
                            continue;
                        }
                        match fhirpath::parse(expr) {
                            Ok(e) => {
                                max_depth = max_depth.max(e.depth());
                                for fname in e.functions() {
                                    *functions.entry(fname.to_string()).or_default() += 1;
                                }
                            }
                            Err(err) => failures.push(format!(
                                "{} {} [{}] `{}`: {err}",
                                f.file_name().unwrap_or_default().to_string_lossy(),
                                name,
                                jstr(c, "key").unwrap_or("?"),
                                expr
                            )),
                        }
                    }
                }
            }
        }
    }
    let mut fl: Vec<_> = functions.into_iter().collect();
    fl.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    println!(
        "{total} constraint expressions ({} distinct) in {} packages; {} fail to parse; deepest tree {max_depth}",
        distinct.len(),
        files.len(),
        failures.len()
    );
    println!(
        "functions used: {}",
        fl.iter()
            .map(|(n, c)| format!("{n}({c})"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    for f in &failures {
        println!("UNPARSEABLE {f}");
    }
    assert!(
        failures.is_empty(),
        "{} invariants fail to parse",
        failures.len()
    );
}

// ============================================================================ benchmark

const BENCH_RESOURCE: &str = r##"{
  "resourceType": "Patient",
  "id": "example",
  "contained": [{"resourceType": "Organization", "id": "org1", "name": "Acme"}],
  "managingOrganization": {"reference": "#org1"},
  "meta": {"profile": ["http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"]},
  "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/patient-birthPlace", "valueAddress": {"city": "Boston"}}],
  "identifier": [{"system": "http://hospital.example.org", "value": "12345", "period": {"start": "2001-05-06", "end": "2020-01-01T10:00:00Z"}}],
  "active": true,
  "name": [{"use": "official", "family": "Chalmers", "given": ["Peter", "James"]}],
  "gender": "male",
  "birthDate": "1974-12-25",
  "_birthDate": {"extension": [{"url": "http://hl7.org/fhir/StructureDefinition/patient-birthTime", "valueDateTime": "1974-12-25T14:35:45-05:00"}]}
}"##;

#[test]
#[ignore]
fn bench_invariants() {
    let model = R4Model::load();
    let arena = json::Arena::new();
    let node = json::parse(BENCH_RESOURCE, &arena, &json::Limits::default()).unwrap();
    let ext = &node.get("extension").unwrap().value.as_array().unwrap()[0];
    let period = node.get("identifier").unwrap().value.as_array().unwrap()[0]
        .get("period")
        .unwrap();
    let name = &node.get("name").unwrap().value.as_array().unwrap()[0];
    let org_ref = node.get("managingOrganization").unwrap();
    let cases: Vec<(&str, &str, &Node, &str)> = vec![
        (
            "ele-1 (on Patient)",
            "hasValue() or (children().count() > id.count())",
            &node,
            "Patient",
        ),
        (
            "ele-1 (on HumanName)",
            "hasValue() or (children().count() > id.count())",
            name,
            "HumanName",
        ),
        (
            "ext-1",
            "extension.exists() != value.exists()",
            ext,
            "Extension",
        ),
        (
            "per-1",
            "start.hasValue().not() or end.hasValue().not() or (start <= end)",
            period,
            "Period",
        ),
        (
            "us-core-8",
            "(family.exists() or given.exists()) xor extension.where(url='http://hl7.org/fhir/StructureDefinition/data-absent-reason').exists()",
            name,
            "HumanName",
        ),
        (
            "pat-1-like",
            "name.exists() or telecom.exists() or address.exists()",
            &node,
            "Patient",
        ),
        (
            "dom-3-lite",
            "contained.where(('#'+id in %resource.descendants().reference).not()).empty()",
            &node,
            "Patient",
        ),
        (
            "dom-3 (R4 core)",
            "contained.where((('#'+id in (%resource.descendants().reference | %resource.descendants().as(canonical) | %resource.descendants().as(uri) | %resource.descendants().as(url))) or descendants().where(reference = '#').exists() or descendants().where(as(canonical) = '#').exists() or descendants().where(as(canonical) = '#').exists()).not()).trace('unmatched', id).empty()",
            &node,
            "Patient",
        ),
        (
            "ref-1 (on Reference)",
            "reference.startsWith('#').not() or (reference.substring(1).trace('url') in %rootResource.contained.id.trace('ids'))",
            org_ref,
            "Reference",
        ),
        (
            "birthTime ext",
            "birthDate.extension('http://hl7.org/fhir/StructureDefinition/patient-birthTime').exists()",
            &node,
            "Patient",
        ),
    ];
    for (label, src, ctx, ty) in cases {
        let expr = fhirpath::parse(src).unwrap();
        let env = Env::new(&node, "Patient").with_context(Some(ctx), None, ty);
        let r = fhirpath::evaluate_invariant(&expr, &env, &model).unwrap();
        assert!(r, "{label} should hold");
        let n = 200_000;
        let t = std::time::Instant::now();
        for _ in 0..n {
            std::hint::black_box(fhirpath::evaluate_invariant(&expr, &env, &model).unwrap());
        }
        let ns = t.elapsed().as_nanos() as f64 / n as f64;
        println!("{label:22} {ns:8.0} ns/eval   {src}");
    }
    let t = std::time::Instant::now();
    let n = 20_000;
    for _ in 0..n {
        std::hint::black_box(
            fhirpath::parse("start.hasValue().not() or end.hasValue().not() or (start <= end)")
                .unwrap(),
        );
    }
    println!(
        "parse per-1            {:8.0} ns/parse",
        t.elapsed().as_nanos() as f64 / n as f64
    );
}

// ============================================================================ invariants on real resources

/// Evaluates every invariant of the resource's core StructureDefinition (ele-1 on every
/// element, dom-*, sdf-*, vsd-*, …) on every conformance resource of the R4 core package, as a
/// validator would, and reports true / false / error counts. Evaluation errors fail the test.
#[test]
fn core_invariants_on_core_resources() {
    let model = R4Model::load();
    let pkg = shared().join("fhir-packages/hl7.fhir.r4.core-4.0.1.tgz");
    let files = read_tgz(&pkg);
    // constraints per resource type: (element path, key, compiled expression)
    let mut constraints: HashMap<String, Vec<(String, String, fhirpath::Expr)>> = HashMap::new();
    for (_, text) in &files {
        let arena = json::Arena::new();
        let Ok(sd) = json::parse(text, &arena, &json::Limits::default()) else {
            continue;
        };
        if jstr(&sd, "resourceType") != Some("StructureDefinition")
            || jstr(&sd, "kind") != Some("resource")
            || jstr(&sd, "derivation") == Some("constraint")
        {
            continue;
        }
        let ty = jstr(&sd, "type").unwrap_or("").to_string();
        let Some(snap) = sd.get("snapshot") else {
            continue;
        };
        let list = constraints.entry(ty).or_default();
        for e in jarr(snap, "element") {
            let path = jstr(e, "path").unwrap_or("").replace("[x]", "");
            for c in jarr(e, "constraint") {
                if let Some(x) = jstr(c, "expression") {
                    list.push((
                        path.clone(),
                        jstr(c, "key").unwrap_or("").to_string(),
                        fhirpath::parse(x).expect("parses"),
                    ));
                }
            }
        }
    }
    let (mut t, mut f, mut errs, mut resources) = (0u64, 0u64, 0u64, 0u64);
    let mut failures: HashMap<String, usize> = HashMap::new();
    let mut errors: Vec<String> = Vec::new();
    let mut elapsed = std::time::Duration::ZERO;
    let path_exprs: HashMap<String, fhirpath::Expr> = constraints
        .values()
        .flatten()
        .map(|(p, _, _)| (p.clone(), fhirpath::parse(p).expect("path parses")))
        .collect();
    for (name, text) in &files {
        let arena = json::Arena::new();
        let Ok(node) = json::parse(text, &arena, &json::Limits::default()) else {
            continue;
        };
        let Some(rt) = jstr(&node, "resourceType") else {
            continue;
        };
        let Some(list) = constraints.get(rt) else {
            continue;
        };
        resources += 1;
        let env0 = Env::new(&node, rt);
        for (path, key, expr) in list {
            let targets =
                fhirpath::evaluate(&path_exprs[path], &env0, &model).expect("path evaluates");
            for target in targets {
                let Item::Elem(el) = target else { continue };
                let mut env = Env::new(&node, rt).with_context(el.value, el.ext, el.type_name());
                env.today = Some((2024, 1, 1));
                let start = std::time::Instant::now();
                let r = fhirpath::evaluate_invariant(expr, &env, &model);
                elapsed += start.elapsed();
                match r {
                    Ok(true) => t += 1,
                    Ok(false) => {
                        f += 1;
                        *failures.entry(format!("{rt} {key}")).or_default() += 1;
                    }
                    Err(e) => {
                        errs += 1;
                        if errors.len() < 30 {
                            errors
                                .push(format!("{name} {key} on {path}: {e} (`{}`)", expr.source()));
                        }
                    }
                }
            }
        }
    }
    let n = t + f + errs;
    println!(
        "{resources} core resources: {n} invariant evaluations, {t} true, {f} false, {errs} errors; {:.0} ns/eval (this build)",
        elapsed.as_nanos() as f64 / n.max(1) as f64
    );
    let mut fl: Vec<_> = failures.into_iter().collect();
    fl.sort_by_key(|x| std::cmp::Reverse(x.1));
    println!("false by invariant: {fl:?}");
    for e in &errors {
        println!("ERROR {e}");
    }
    assert_eq!(errs, 0, "invariant evaluation errors");
}
