//! Differential test of the FHIRPath engine, Rust half: every invariant × every element of
//! every package example (US Core 6.1.0, US Core 3.1.1, PDex 2.0.0), evaluated by our engine
//! and written to `target/fhirpath-differential/` for `tests/differential/compare.mjs`, which
//! evaluates the same (expression, context) pairs with fhirpath.js and fails on any
//! disagreement not explained in `tests/differential/explained.tsv`.
//!
//! What is evaluated, for each example resource (and each resource inside it: Bundle entries,
//! contained resources, `Parameters` resources), walking the JSON along the element tree:
//! * the resource type's base StructureDefinition: the constraints of every element reached
//!   (`ele-1` on each element, `dom-*` on the root, `obs-*`, …), and on each complex or
//!   primitive value the constraints of its type's root (`per-1` on a Period, `ref-1` on a
//!   Reference, `ext-1` on an Extension, …);
//! * each profile of the resource's `meta.profile` that the example's package closure defines:
//!   the same walk over the profile's elements (slices are not entered: which slice an item
//!   belongs to is the validator's business, not the engine's).
//!
//! Each (node, key, expression) is evaluated once, with the validator's environment: context
//! = the node, typed as the validator types it (a type name, or the path of a backbone
//! element), `%resource` = the resource holding it, `%rootResource` = the container of a
//! contained resource, else `%resource`; `today()`/`now()` from the clock.
//!
//! Not compared (the record is written with `skip`): expressions calling `resolve()`,
//! `memberOf()`, `conformsTo()` or `htmlChecks()`. The validator's model answers those from
//! its profile set, terminology and Bundle (or not at all), fhirpath.js from a FHIR server or
//! a terminology server, or not at all: no second engine can check them offline.
//!
//! Run: `cargo test --release --test integration fhirpath_differential::` then
//! `(cd tests/differential && npm ci && node compare.mjs)`.

use fhirval::fhirpath::{self, Env, Item, Model};
use fhirval::json::{self, Node, Value};
use fhirval::load::{self, LoadConfig};
use fhirval::model::{ProfileSet, StructId};
use fhirval::package::{Load, PackageDir, PackageId};
use fhirval::validate::{TypeModel, effective_expression};
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The packages whose examples are evaluated, each against its own closure.
const PACKAGES: &[(&str, &str)] = &[
    ("hl7.fhir.us.core", "6.1.0"),
    ("hl7.fhir.us.core", "3.1.1"),
    ("hl7.fhir.us.davinci-pdex", "2.0.0"),
];

/// Functions whose answer depends on the host (see the module documentation).
const HOST_FUNCTIONS: &[&str] = &["conformsTo", "htmlChecks", "memberOf", "resolve"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

// ---------------------------------------------------------------------------------------------
// The walk.

/// One step of a JSON pointer.
#[derive(Clone)]
enum Step {
    Key(String),
    Index(usize),
}

fn pointer_json(p: &[Step]) -> serde_json::Value {
    p.iter()
        .map(|s| match s {
            Step::Key(k) => json!(k),
            Step::Index(i) => json!(i),
        })
        .collect()
}

/// Where a node is: a FHIRPath navigation from the example's root (`` `entry`[0].`resource` ``,
/// empty for the root) that reaches exactly that node.
#[derive(Clone, Default)]
struct Place {
    nav: String,
    pointer: Vec<Step>,
}

impl Place {
    fn child(&self, name: &str, key: &str, index: Option<usize>) -> Place {
        let mut nav = self.nav.clone();
        if !nav.is_empty() {
            nav.push('.');
        }
        nav.push('`');
        nav.push_str(name);
        nav.push('`');
        let mut pointer = self.pointer.clone();
        pointer.push(Step::Key(key.to_string()));
        if let Some(i) = index {
            nav.push_str(&format!("[{i}]"));
            pointer.push(Step::Index(i));
        }
        Place { nav, pointer }
    }
}

/// `%resource` and `%rootResource` of the nodes being walked.
#[derive(Clone)]
struct Resources<'a> {
    resource: &'a Node<'a>,
    resource_type: &'a str,
    resource_at: Vec<Step>,
    root: &'a Node<'a>,
    root_type: &'a str,
    root_at: Vec<Step>,
}

struct Walk<'s, 'w> {
    set: &'s ProfileSet,
    example: &'w str,
    today: (i32, u32, u32),
    now: &'w str,
    /// (node address, key, expression) already evaluated.
    seen: HashSet<(usize, String, String)>,
    /// Each constraint's expression as the validator evaluates it, parsed once.
    parsed: &'w mut HashMap<u32, Result<std::rc::Rc<fhirpath::Expr>, String>>,
    out: &'w mut Vec<serde_json::Value>,
}

fn resource_type<'a>(n: &'a Node<'a>) -> Option<&'a str> {
    n.get("resourceType").and_then(|t| t.value.as_str())
}

impl<'s: 'a, 'a> Walk<'s, '_> {
    /// A resource: its base definition and the profiles it claims.
    fn resource(
        &mut self,
        node: &'a Node<'a>,
        at: &Place,
        outer: Option<&Resources<'a>>,
        contained: bool,
    ) {
        let Some(rt) = resource_type(node) else {
            return;
        };
        let res = Resources {
            resource: node,
            resource_type: rt,
            resource_at: at.pointer.clone(),
            root: match outer {
                Some(o) if contained => o.root,
                _ => node,
            },
            root_type: match outer {
                Some(o) if contained => o.root_type,
                _ => rt,
            },
            root_at: match outer {
                Some(o) if contained => o.root_at.clone(),
                _ => at.pointer.clone(),
            },
        };
        let mut structures: Vec<StructId> = self.set.type_def(rt).into_iter().collect();
        let profiles = node
            .get("meta")
            .and_then(|m| m.get("profile"))
            .and_then(|p| p.value.as_array())
            .unwrap_or_default();
        for p in profiles {
            if let Some(sd) = p.value.as_str().and_then(|u| self.set.resolve(u))
                && self.set.structure(sd).type_name == rt
                && !structures.contains(&sd)
            {
                structures.push(sd);
            }
        }
        for sd in structures {
            self.element(sd, 0, Some(node), None, rt, at, &res);
        }
    }

    /// Element `el` of structure `sd` on one occurrence (`value`, with its `_name` companion
    /// `ext` for a primitive), of engine type `ty`.
    #[allow(clippy::too_many_arguments)]
    fn element(
        &mut self,
        sd: StructId,
        el: u32,
        value: Option<&'a Node<'a>>,
        ext: Option<&'a Node<'a>>,
        ty: &'a str,
        at: &Place,
        res: &Resources<'a>,
    ) {
        let set = self.set;
        let s = set.structure(sd);
        let Some(e) = s.elements.get(el as usize) else {
            return;
        };
        for &ci in &e.constraints {
            self.check(ci, value, ext, ty, at, res);
        }
        let target = match e.content_ref {
            Some(t) => match s.elements.get(t as usize) {
                Some(t) => t,
                None => return,
            },
            None => e,
        };
        if target.children.is_empty() {
            // a leaf: the value is walked as its type (type-level constraints, then its parts)
            if set.type_def(ty).is_some_and(|t| t != sd) {
                let t = set.type_def(ty).unwrap_or(sd);
                self.element(t, 0, value, ext, ty, at, res);
            }
            return;
        }
        // the properties: those of the object, or of the `_name` companion of a primitive
        let obj = match value {
            Some(
                n @ Node {
                    value: Value::Object(_),
                    ..
                },
            ) => n,
            _ => match ext {
                Some(x) => x,
                None => return,
            },
        };
        let Some(members) = obj.value.as_object() else {
            return;
        };
        for m in members {
            let key: &str = &m.key;
            if key == "resourceType" {
                continue;
            }
            let (name, val, companion) = match key.strip_prefix('_') {
                Some(base) => {
                    if obj.get(base).is_some() {
                        continue; // walked with its value
                    }
                    (base, None, Some(&m.value))
                }
                None => (key, Some(&m.value), obj.get(&format!("_{key}"))),
            };
            let Some((c, chosen)) = TypeModel::child(s, target, name) else {
                continue;
            };
            let Some(ce) = s.elements.get(c as usize) else {
                continue;
            };
            let Some(cty) = TypeModel::type_name(s, ce, chosen) else {
                continue;
            };
            let fp_name = ce.base_name();
            let arrays = (
                val.and_then(|v| v.value.as_array()),
                companion.and_then(|v| v.value.as_array()),
            );
            let items: Vec<(Option<usize>, Option<&'a Node<'a>>, Option<&'a Node<'a>>)> =
                if arrays.0.is_some() || arrays.1.is_some() {
                    let (a, b) = (arrays.0.unwrap_or_default(), arrays.1.unwrap_or_default());
                    (0..a.len().max(b.len()))
                        .map(|i| {
                            let non_null = |n: Option<&'a Node<'a>>| {
                                n.filter(|n| !matches!(n.value, Value::Null))
                            };
                            (Some(i), non_null(a.get(i)), non_null(b.get(i)))
                        })
                        .collect()
                } else {
                    vec![(None, val, companion)]
                };
            for (i, v, x) in items {
                if v.is_none() && x.is_none() {
                    continue;
                }
                let place = at.child(fp_name, name, i);
                let is_resource = cty == "Resource"
                    || v.and_then(|v| v.get("resourceType")).is_some()
                        && set.type_def(cty).is_some_and(|t| {
                            set.structure(t).kind == fhirval::model::Kind::Resource
                        });
                if is_resource {
                    if let Some(v) = v {
                        let contained = ce.path.ends_with(".contained");
                        self.resource(v, &place, Some(res), contained);
                    }
                } else {
                    self.element(sd, c, v, x, cty, &place, res);
                }
            }
        }
    }

    fn check(
        &mut self,
        ci: u32,
        value: Option<&'a Node<'a>>,
        ext: Option<&'a Node<'a>>,
        ty: &'a str,
        at: &Place,
        res: &Resources<'a>,
    ) {
        let set = self.set;
        let Some(c) = set.constraints.get(ci as usize) else {
            return;
        };
        let address = value.or(ext).map_or(0, |n| n as *const Node<'a> as usize);
        if !self
            .seen
            .insert((address, c.key.clone(), c.expression.clone()))
        {
            return;
        }
        let mut record = json!({
            "example": self.example,
            "key": c.key,
            "expression": c.expression,
            "node": at.nav,
            "type": ty,
            "resource": pointer_json(&res.resource_at),
            "rootResource": pointer_json(&res.root_at),
        });
        let parsed = self.parsed.entry(ci).or_insert_with(|| {
            fhirpath::parse(effective_expression(&c.key, &c.expression))
                .map(std::rc::Rc::new)
                .map_err(|e| e.message)
        });
        let expr = match parsed.clone() {
            Ok(expr) => expr,
            Err(e) => {
                record["ours"] = json!(format!("error: does not parse: {e}"));
                self.out.push(record);
                return;
            }
        };
        let expr = expr.as_ref();
        let host: Vec<&str> = expr
            .functions()
            .into_iter()
            .filter(|f| HOST_FUNCTIONS.contains(f))
            .collect();
        if !host.is_empty() {
            record["skip"] = json!(format!("calls {}()", host.join("(), ")));
            self.out.push(record);
            return;
        }
        let mut env = Env::new(res.resource, res.resource_type);
        env.root_resource = res.root;
        env.root_type = res.root_type;
        env.context = value;
        env.context_ext = ext;
        env.context_type = ty;
        env.today = Some(self.today);
        env.now = Some(self.now);
        let model = TypeModel { set };
        let model: &dyn Model = &model;
        let verdict = fhirpath::evaluate_invariant(expr, &env, model);
        record["ours"] = match &verdict {
            Ok(b) => json!(b),
            Err(e) => json!(format!("error: {e}")),
        };
        if let Ok(items) = fhirpath::evaluate(expr, &env, model) {
            let shown: Vec<String> = items.iter().map(show).collect();
            record["result"] = json!(shown);
        }
        self.out.push(record);
    }
}

fn show(item: &Item<'_>) -> String {
    match item {
        Item::Str(s) => format!("'{s}'"),
        other => {
            let t = other.type_name();
            format!("{}: {t}", other.display())
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Inputs and outputs.

/// The raw text of each example of a package tarball, by file name (`Patient-example.json`),
/// as `fhirval::package` finds them (under `package/example(s)/`). Raw, so that decimals keep
/// their written precision.
fn raw_examples(tgz: &Path) -> BTreeMap<String, String> {
    let bytes = std::fs::read(tgz).unwrap_or_else(|e| panic!("{}: {e}", tgz.display()));
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()));
    let mut out = BTreeMap::new();
    for entry in archive.entries().expect("tar entries") {
        let mut entry = entry.expect("tar entry");
        let path = entry
            .path()
            .expect("entry path")
            .to_string_lossy()
            .into_owned();
        let mut parts = path.split('/');
        let in_examples =
            parts.next() == Some("package") && matches!(parts.next(), Some("example" | "examples"));
        let file = path.rsplit('/').next().unwrap_or_default().to_string();
        if !in_examples || !file.ends_with(".json") {
            continue;
        }
        let mut text = String::new();
        if entry.read_to_string(&mut text).is_ok() {
            out.insert(file, text);
        }
    }
    out
}

/// `now()` and `today()` from the clock, as fhirpath.js will see them (give or take the run).
fn clock() -> ((i32, u32, u32), String) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs() as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = fhirval::calendar::civil_from_days(days);
    let y = y as i32;
    let now = format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.000Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    );
    ((y, m, d), now)
}

#[test]
fn differential_records_for_every_invariant_on_every_example() {
    let packages = root().join("../shared/fhir-packages");
    let dir = PackageDir::open(&packages).expect("package directory");
    let cfg = LoadConfig {
        package_dir: Some(packages.clone()),
        cache_dir: Some(root().join("target/test-cache")),
    };
    let out_dir = root().join("target/fhirpath-differential");
    let _ = std::fs::remove_dir_all(&out_dir);
    std::fs::create_dir_all(out_dir.join("examples")).expect("output directory");
    let (today, now) = clock();

    let mut records: Vec<serde_json::Value> = Vec::new();
    let mut examples = 0;
    for (name, version) in PACKAGES {
        let id = PackageId::new(*name, *version);
        let spec = format!("{name}#{version}");
        let set = load::load(std::slice::from_ref(&spec), &cfg)
            .unwrap_or_else(|e| panic!("profile set of {spec}: {e}"));
        // constraint indexes are the set's own
        let mut parsed = HashMap::new();
        let package = dir
            .load(&id, Load::WithExamples)
            .unwrap_or_else(|e| panic!("{spec}: {e}"));
        let raw = raw_examples(&packages.join(format!("{name}-{version}.tgz")));
        assert!(
            package.examples.len() >= 30,
            "{spec}: {} examples",
            package.examples.len()
        );
        for (file, value) in &package.examples {
            let text = raw
                .get(file)
                .cloned()
                .unwrap_or_else(|| serde_json::to_string(value).expect("example JSON"));
            let example = format!("{spec}/{file}");
            let example_dir = out_dir.join("examples").join(&spec);
            std::fs::create_dir_all(&example_dir).expect("examples directory");
            std::fs::write(example_dir.join(file), &text).expect("example written");
            let arena = json::Arena::new();
            let node = json::parse(&text, &arena, &json::Limits::default())
                .unwrap_or_else(|e| panic!("{example}: {e:?}"));
            let before = records.len();
            let mut walk = Walk {
                set: &set,
                example: &example,
                today,
                now: &now,
                seen: HashSet::new(),
                parsed: &mut parsed,
                out: &mut records,
            };
            walk.resource(&node, &Place::default(), None, false);
            assert!(records.len() > before, "{example}: no invariant evaluated");
            examples += 1;
        }
    }

    let file = out_dir.join("records.ndjson");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&file).expect("records file"));
    for r in &records {
        writeln!(w, "{r}").expect("record written");
    }
    w.flush().expect("records flushed");

    let skipped = records.iter().filter(|r| r.get("skip").is_some()).count();
    let errors = records
        .iter()
        .filter(|r| r["ours"].as_str().is_some_and(|s| s.starts_with("error")))
        .count();
    let falses = records.iter().filter(|r| r["ours"] == json!(false)).count();
    println!(
        "{examples} examples, {} (node, invariant) pairs: {} evaluated ({falses} false, {errors} errors), {skipped} skipped; written to {}",
        records.len(),
        records.len() - skipped,
        file.display()
    );
    assert!(examples >= 250, "{examples} examples");
}
