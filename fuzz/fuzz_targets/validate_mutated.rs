//! (b) Structure-aware: real resources (package examples and ../shared/corpus, the seed corpus)
//! mutated as JSON trees — values replaced by hostile ones (wrong JSON kinds, numbers beyond
//! f64/i64, lone surrogates, huge strings, bad dates), keys deleted, duplicated, renamed into
//! near-miss FHIR names, values wrapped into arrays and back, subtrees copied elsewhere
//! (resources into `contained` and Bundles), resource types swapped — then validated against
//! the default profile set with the checks of common.rs. Inputs that are not JSON fall back to
//! libFuzzer's byte mutations.
#![no_main]

use libfuzzer_sys::{fuzz_mutator, fuzz_target, fuzzer_mutate};
use serde_json::{Map, Value};

#[path = "common.rs"]
mod common;

fuzz_target!(
    init: {
        common::default_validator();
    },
    |data: &[u8]| {
    common::check_validate(common::default_validator(), data);
});

/// Raw JSON text that serde_json cannot hold as a value; spliced in after serialisation.
const RAW: &[&str] = &[
    "1e400",
    "-0",
    "123456789012345678901234567890",
    "-9223372036854775809",
    "18446744073709551616",
    "0.1000000000000000000000000000000000001",
    "1E-400",
    "2147483648",
    "-2147483649",
    "\"\\ud800\"",
    "\"\\udc00x\"",
    "\"\\u0000\"",
    "\"a\\u0085b\"",
    "null",
];

const TYPES: &[&str] = &[
    "Patient",
    "Bundle",
    "Observation",
    "Parameters",
    "OperationOutcome",
    "Questionnaire",
    "Coverage",
    "ExplanationOfBenefit",
    "Resource",
    "DomainResource",
    "Element",
    "patient",
    "StructureDefinition",
    "Binary",
    "Provenance",
    "",
];

const STRINGS: &[&str] = &[
    "",
    " ",
    " leading",
    "trailing ",
    "2020-02-30",
    "2020-13-01T25:61:61Z",
    "T",
    "urn:uuid:x",
    "#",
    "#missing",
    "Patient/",
    "Patient/../../etc",
    "http://",
    "<script>alert(1)</script>",
    "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p onclick=\"x\">a</p></div>",
    "&unknown;",
    "😀",
    "\u{202e}",
    "a\tb",
    "\u{feff}",
    "0",
    "-1",
    "1.0",
    "true",
    "%resource",
    "$this",
    "http://hl7.org/fhir/StructureDefinition/Patient",
    "cid:",
    "data:,x",
];

const KEY_SUFFIXES: &[&str] = &["x", "String", "Quantity", "[x]", "_", "Foo", " "];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

#[derive(Clone)]
enum Step {
    Key(String),
    Index(usize),
}

fn paths(v: &Value, here: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    out.push(here.clone());
    if out.len() > 20_000 {
        return;
    }
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                here.push(Step::Key(k.clone()));
                paths(c, here, out);
                here.pop();
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                here.push(Step::Index(i));
                paths(c, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

fn get_mut<'a>(v: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    let mut cur = v;
    for s in path {
        cur = match s {
            Step::Key(k) => cur.get_mut(k.as_str())?,
            Step::Index(i) => cur.get_mut(*i)?,
        };
    }
    Some(cur)
}

fn get<'a>(v: &'a Value, path: &[Step]) -> Option<&'a Value> {
    let mut cur = v;
    for s in path {
        cur = match s {
            Step::Key(k) => cur.get(k.as_str())?,
            Step::Index(i) => cur.get(*i)?,
        };
    }
    Some(cur)
}

/// One mutation; returns raw-text splices (placeholder, replacement) to apply after printing.
fn mutate(root: &mut Value, rng: &mut Rng) -> Vec<(String, String)> {
    let mut splices = Vec::new();
    let mut all = Vec::new();
    paths(root, &mut Vec::new(), &mut all);
    let path = rng.pick(&all).clone();
    let other = rng.pick(&all).clone();
    let copy = get(root, &other).cloned().unwrap_or(Value::Null);
    let Some(target) = get_mut(root, &path) else {
        return splices;
    };
    match rng.below(12) {
        // a raw number/string/literal serde_json cannot represent
        0 => {
            let tag = format!("@@RAW{}@@", rng.next());
            splices.push((format!("\"{tag}\""), rng.pick(RAW).to_string()));
            *target = Value::String(tag);
        }
        // a hostile string
        1 => *target = Value::String(rng.pick(STRINGS).to_string()),
        // a long string
        2 => *target = Value::String("x".repeat(1 << rng.below(17))),
        // the wrong JSON kind
        3 => {
            *target = match rng.below(6) {
                0 => Value::Null,
                1 => Value::Bool(true),
                2 => Value::from(rng.next() as i64),
                3 => Value::Array(vec![]),
                4 => Value::Object(Map::new()),
                _ => Value::Array(vec![target.clone(), Value::Null]),
            }
        }
        // delete / duplicate / rename a key of an object
        4 | 5 | 6 => {
            if let Value::Object(m) = target
                && !m.is_empty()
            {
                let i = rng.below(m.len());
                let key = m.keys().nth(i).cloned().unwrap_or_default();
                let op = rng.below(3);
                if op == 0 {
                    m.shift_remove(&key);
                } else if op == 1 {
                    let tag = format!("@@DUP{}@@", rng.next());
                    let val = m.get(&key).cloned().unwrap_or(Value::Null);
                    m.insert(tag.clone(), val);
                    splices.push((format!("\"{tag}\""), serde_json::to_string(&key).unwrap()));
                } else {
                    let val = m.shift_remove(&key).unwrap_or(Value::Null);
                    let new = match rng.below(4) {
                        0 => format!("_{key}"),
                        1 => format!("{key}{}", rng.pick(KEY_SUFFIXES)),
                        2 => key.to_uppercase(),
                        _ => key
                            .trim_end_matches(|c: char| c.is_ascii_uppercase())
                            .to_string(),
                    };
                    m.insert(new, val);
                }
            } else {
                *target = copy;
            }
        }
        // wrap in an array, or unwrap one
        7 => {
            *target = match target.take() {
                Value::Array(mut a) if !a.is_empty() => a.swap_remove(0),
                v => Value::Array(vec![v]),
            }
        }
        // copy another subtree here (a resource into a resource, an element elsewhere)
        8 => *target = copy,
        // a resource type swapped, or a nested resource
        9 => {
            if let Value::Object(m) = target {
                if m.contains_key("resourceType") || rng.below(2) == 0 {
                    m.insert(
                        "resourceType".into(),
                        Value::String(rng.pick(TYPES).to_string()),
                    );
                } else {
                    m.insert("contained".into(), Value::Array(vec![copy]));
                }
            } else {
                *target = serde_json::json!({"resourceType": "Bundle", "type": "collection",
                    "entry": [{"fullUrl": "urn:uuid:1", "resource": copy}]});
            }
        }
        // an extension with an odd url, or a primitive's companion
        10 => {
            if let Value::Object(m) = target {
                let url = rng.pick(STRINGS).to_string();
                m.insert(
                    "extension".into(),
                    serde_json::json!([{"url": url, "valueString": "x"}]),
                );
            } else if let Some(Step::Key(k)) = path.last() {
                let k = k.clone();
                if let Some(parent) = get_mut(root, &path[..path.len() - 1])
                    && let Value::Object(m) = parent
                {
                    m.insert(format!("_{k}"), serde_json::json!({"extension": [{"url": "http://x/e", "valueBoolean": true}]}));
                }
            }
        }
        // grow: the subtree repeated
        _ => {
            if let Value::Array(a) = target {
                let n = a.len();
                for i in 0..(1 + rng.below(64)) {
                    if let Some(v) = a.get(i % n.max(1)).cloned() {
                        a.push(v);
                    }
                }
            } else {
                *target = Value::Array(vec![copy.clone(), copy]);
            }
        }
    }
    splices
}

fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, seed: u32| {
    let mut rng = Rng(u64::from(seed) | 1 << 40);
    // a quarter of the time, plain byte mutations (they find the parser's corners)
    if rng.below(4) == 0 {
        return fuzzer_mutate(data, size, max_size);
    }
    let Ok(mut root) = serde_json::from_slice::<Value>(&data[..size]) else {
        return fuzzer_mutate(data, size, max_size);
    };
    let mut splices = Vec::new();
    for _ in 0..=rng.below(3) {
        splices.extend(mutate(&mut root, &mut rng));
    }
    let mut text = if rng.below(2) == 0 {
        serde_json::to_string(&root)
    } else {
        serde_json::to_string_pretty(&root)
    }
    .unwrap_or_default();
    for (from, to) in splices {
        text = text.replacen(&from, &to, 1);
    }
    let bytes = text.as_bytes();
    if bytes.len() > max_size {
        return fuzzer_mutate(data, size, max_size);
    }
    data[..bytes.len()].copy_from_slice(bytes);
    bytes.len()
});
