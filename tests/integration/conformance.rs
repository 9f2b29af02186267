//! Conformance harness: runs the HL7 validator test-suite subset in
//! `../shared/conformance/fhir-test-cases` (see its `manifest.json` `documentation` and
//! `../shared/conformance/SOURCES.txt`) and compares our outcomes with the Java validator's.
//!
//! Figures: verdict agreement (valid = no issue of severity error/fatal), exact error-count
//! agreement, and first-error expression agreement (runs where both sides report an error and
//! Java's first error has an expression), and the share of message ids matching Java's (issues
//! paired by expression and severity; Java's outcomes carry no message-id extension, so its id
//! is read from its message text by `src/message_id.rs`). Printed with `--nocapture` and written to
//! `target/conformance-report.txt`, followed by a per-module breakdown and every disagreeing run.
//!
//! Holding the line (`tests/conformance/`):
//! - `floor.txt`: the minimum verdict-agreement count; the test fails below it.
//! - `message-id-floor.txt`: the minimum count of issues with Java's message id; the same.
//! - `disagreements.tsv`: `run-name<TAB>module<TAB>reason`, one line per run whose verdict
//!   disagrees. The test fails on a disagreeing run that is not listed (a hidden gap) and prints
//!   listed runs that now agree (stale lines to remove).
//! - `FHIRVAL_UPDATE_CONFORMANCE=1` rewrites both: existing reasons kept, new lines get
//!   `TODO: triage`, the floor becomes the current count. Triage the TODOs before committing
//!   (the test fails on TODO or empty reasons).
//! - `FHIRVAL_CONFORMANCE_SHOW=text` adds every issue (ours and Java's errors) of the runs whose
//!   name contains `text` to the report.
//!
//! Manifest options honoured: `file`, `supporting`/`profiles` (loaded on top of the base set),
//! `packages`, `profile` (`source`, `supporting`, `java`), `java` (a path under `outcomes/` or an
//! inline `{"outcome": ...}` / `{"errorCount": N}`), `use-test`, `module`,
//! `allowed-extension-domain(s)` (→ `Options::allow_extension_domains`), `examples` (Java's
//! harness default `allowExamples = true` accepts extensions from example.org / acme.com: added
//! to the allowed domains unless `examples` is false), `allow-comments` (→
//! `Options::allow_comments`), `security-checks` (→ `Options::security_checks`),
//! `noHtmlInMarkdown` (→ `Options::html_in_markdown = Error`), `validateReference` (the
//! CHECK_EXISTS policies → `Options::check_references_resolve`). Every other option (e.g.
//! `validateContains`, `best-practice`, `advisor`,
//! `supporting5`, the separate `matchetype` comparison) has no counterpart in our `Options` and is
//! ignored; the report lists those seen.
//!
//! The Java validator also loaded hl7.terminology and hl7.fhir.uv.extensions (SOURCES.txt);
//! the base set is the core plus the nearest versions of those in `../shared/fhir-packages`.

use fhirval::HtmlInMarkdown;
use fhirval::compile::Compiler;
use fhirval::load::{IgSpec, compile_specs};
use fhirval::model::ProfileSet;
use fhirval::{OperationOutcome, Options, Validator};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
/// Loaded for every run (besides a test's own `packages`).
const BASE_PACKAGES: &[&str] = &[
    "hl7.fhir.r4.core#4.0.1",
    "hl7.fhir.uv.extensions.r4#5.2.0",
    "hl7.terminology.r4#7.0.1",
];
/// Manifest keys with a meaning in this harness (the others are reported as ignored).
const HONOURED: &[&str] = &[
    "name",
    "file",
    "version",
    "module",
    "java",
    "supporting",
    "profiles",
    "packages",
    "profile",
    "use-test",
    "allowed-extension-domain",
    "allowed-extension-domains",
    "examples",
    "allow-comments",
    "security-checks",
    "noHtmlInMarkdown",
    "validateReference",
];
/// Documentation-only keys (not options).
const DOC_KEYS: &[&str] = &["description", "explanation", "documentation"];
/// Java-only keys the manifest marks as debug aids.
const DEBUG_KEYS: &[&str] = &["debug", "txLog", "crumb-trail"];
const TRUNC: usize = 150;
/// Java's `allowExamples` extension domains.
const EXAMPLE_DOMAINS: &[&str] = &[
    "http://example.org",
    "https://example.org",
    "http://acme.com",
    "https://acme.com",
];

fn cases_dir() -> PathBuf {
    Path::new(ROOT).join("../shared/conformance/fhir-test-cases")
}
fn packages_dir() -> PathBuf {
    Path::new(ROOT).join("../shared/fhir-packages")
}
fn data_dir() -> PathBuf {
    Path::new(ROOT).join("tests/conformance")
}

/// What Java found, reduced to what we compare.
#[derive(Debug, Clone, Default)]
struct Expected {
    errors: usize,
    /// (expression, message) of each error/fatal issue, in order; empty when the manifest
    /// only gives an error count.
    issues: Vec<(String, String)>,
    /// (severity, expression, message) of every issue but "All OK", for the message ids.
    all: Vec<(String, String, String)>,
}

impl Expected {
    fn valid(&self) -> bool {
        self.errors == 0
    }
}

/// One validation run: a test's plain run, or its second run against `profile.source`.
#[derive(Debug, Clone)]
struct Run {
    name: String,
    module: String,
    file: String,
    packages: Vec<String>,
    /// Files to load on top of the base set (in order).
    supporting: Vec<String>,
    /// A profile to validate against: the `url` of this file.
    profile_source: Option<String>,
    /// The manifest options that map to ours.
    options: Options,
    expected: Result<Expected, String>,
}

#[derive(Debug)]
struct RunResult {
    run: Run,
    /// Ours; `Err` when the run could not be set up (files missing, engine panic).
    ours: Result<OperationOutcome, String>,
    /// Compiler notes for this run's own files (skipped StructureDefinitions).
    notes: Vec<String>,
    time: Duration,
}

impl RunResult {
    fn our_errors(&self) -> Option<Vec<&fhirval::Issue>> {
        self.ours
            .as_ref()
            .ok()
            .map(|o| o.issues.iter().filter(|i| i.severity.is_error()).collect())
    }
    /// Verdict agreement; a run that failed to set up never agrees.
    fn verdict_agrees(&self) -> bool {
        match (&self.run.expected, self.our_errors()) {
            (Ok(e), Some(ours)) => e.valid() == ours.is_empty(),
            _ => false,
        }
    }
    fn count_agrees(&self) -> bool {
        match (&self.run.expected, self.our_errors()) {
            (Ok(e), Some(ours)) => e.errors == ours.len(),
            _ => false,
        }
    }
    /// Message ids against Java's: (Java's issues, those Java's id is known for, those paired
    /// with one of ours at the same expression and severity, pairs with the same id). Java's
    /// outcomes here carry no message-id extension, so Java's id is read from its message
    /// text by the templates of `src/message_id.rs` (Java's own texts); a pair prefers an
    /// issue of ours with the same id, else takes the first at that place.
    fn message_ids(&self) -> (usize, usize, usize, usize, Vec<(String, String)>) {
        let (Ok(e), Ok(ours)) = (&self.run.expected, &self.ours) else {
            return (0, 0, 0, 0, Vec::new());
        };
        let mut differ = Vec::new();
        let mut free: Vec<(&str, &str, &str)> = ours
            .issues
            .iter()
            .map(|i| (i.severity.code(), i.expression.as_str(), i.message_id()))
            .collect();
        let (mut known, mut paired, mut same) = (0, 0, 0);
        for (sev, expr, msg) in &e.all {
            let id = fhirval::message_id::of_message(msg);
            known += (id != fhirval::message_id::FALLBACK) as usize;
            let at = |want_id: bool| {
                free.iter()
                    .position(|(s, x, i)| s == sev && x == expr && (!want_id || *i == id))
            };
            if let Some(k) = at(true) {
                free.remove(k);
                paired += 1;
                same += 1;
            } else if let Some(k) = at(false) {
                let (_, _, ours) = free.remove(k);
                paired += 1;
                let java = match id {
                    fhirval::message_id::FALLBACK => format!("? {}", trunc(msg)),
                    id => id.to_string(),
                };
                differ.push((java, ours.to_string()));
            }
        }
        (e.all.len(), known, paired, same, differ)
    }

    /// `Some(agree)` when both report an error and Java's first error is known.
    fn expression_agrees(&self) -> Option<bool> {
        let (Ok(e), Some(ours)) = (&self.run.expected, self.our_errors()) else {
            return None;
        };
        let (theirs, ours) = (e.issues.first()?, ours.first()?);
        Some(theirs.0 == ours.expression)
    }
}

fn read_json(path: &Path) -> Result<Value, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", rel(path)))?;
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(&bytes);
    serde_json::from_slice(bytes).map_err(|e| format!("{} is not valid JSON: {e}", rel(path)))
}

/// A path relative to the test-case directory (or the crate), for messages.
fn rel(path: &Path) -> String {
    let p = path.to_string_lossy();
    if let Some(i) = p.find("fhir-test-cases/") {
        return p[i + "fhir-test-cases/".len()..].to_string();
    }
    match path.strip_prefix(ROOT) {
        Ok(r) => r.to_string_lossy().into_owned(),
        Err(_) => p.into_owned(),
    }
}

fn str_list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// The expected outcome named by a manifest `java` entry.
fn expected_of(java: Option<&Value>) -> Result<Expected, String> {
    let outcome = match java {
        None => return Err("manifest has no java expectation".into()),
        Some(Value::String(p)) => read_json(&cases_dir().join("outcomes").join(p))?,
        Some(Value::Object(o)) => {
            if let Some(oo) = o.get("outcome") {
                oo.clone()
            } else if let Some(n) = o.get("errorCount").and_then(Value::as_u64) {
                return Ok(Expected {
                    errors: n as usize,
                    ..Expected::default()
                });
            } else {
                return Err("inline java expectation has neither outcome nor errorCount".into());
            }
        }
        Some(other) => return Err(format!("unexpected java expectation {other}")),
    };
    let mut exp = Expected::default();
    for issue in outcome
        .get("issue")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let sev = issue.get("severity").and_then(Value::as_str).unwrap_or("");
        let expr = issue
            .get("expression")
            .and_then(|e| e.get(0))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let msg = issue
            .get("details")
            .and_then(|d| d.get("text"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if msg != "All OK" {
            exp.all.push((sev.to_string(), expr.clone(), msg.clone()));
        }
        if sev != "error" && sev != "fatal" {
            continue;
        }
        exp.errors += 1;
        exp.issues.push((expr, msg));
    }
    Ok(exp)
}

/// Our options for a test case: the manifest options that have a counterpart.
fn options_of(case: &Value) -> Options {
    let flag = |key: &str| case.get(key).and_then(Value::as_bool) == Some(true);
    let mut domains = str_list(case.get("allowed-extension-domain"));
    domains.extend(str_list(case.get("allowed-extension-domains")));
    // Java's test harness runs with allowExamples unless `examples` is false: extension URLs
    // containing example.org / acme.com are then accepted without a definition (approximated
    // here by URL prefixes)
    if case.get("examples").and_then(Value::as_bool) != Some(false) {
        domains.extend(EXAMPLE_DOMAINS.iter().map(|d| d.to_string()));
    }
    let defaults = Options::default();
    Options {
        allow_extension_domains: domains,
        allow_comments: flag("allow-comments"),
        security_checks: flag("security-checks"),
        check_references_resolve: case
            .get("validateReference")
            .and_then(Value::as_str)
            .is_some_and(|p| p.starts_with("CHECK_EXISTS") || p == "CHECK_VALID"),
        html_in_markdown: if case.get("noHtmlInMarkdown").is_some() {
            HtmlInMarkdown::Error
        } else {
            defaults.html_in_markdown
        },
        ..defaults
    }
}

/// The manifest's runs, plus the ignored option keys seen (with counts).
fn runs_of(manifest: &Value) -> (Vec<Run>, BTreeMap<String, usize>) {
    let mut runs = Vec::new();
    let mut ignored: BTreeMap<String, usize> = BTreeMap::new();
    let mut names: HashMap<String, usize> = HashMap::new();
    let cases = manifest.get("test-cases").and_then(Value::as_array);
    for (i, case) in cases.into_iter().flatten().enumerate() {
        if let Some(o) = case.as_object() {
            for k in o.keys() {
                let known = HONOURED.contains(&k.as_str())
                    || DOC_KEYS.contains(&k.as_str())
                    || DEBUG_KEYS.contains(&k.as_str());
                if !known {
                    *ignored.entry(k.clone()).or_default() += 1;
                }
            }
        }
        if case.get("use-test").and_then(Value::as_bool) == Some(false) {
            continue;
        }
        let base_name = case
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| format!("case-{i}"));
        // names are not unique in the manifest: later ones get a suffix
        let seen = names.entry(base_name.clone()).or_default();
        *seen += 1;
        let name = if *seen == 1 {
            base_name
        } else {
            format!("{base_name} #{seen}")
        };
        let module = case
            .get("module")
            .and_then(Value::as_str)
            .unwrap_or("(default)")
            .to_string();
        let mut supporting = str_list(case.get("supporting"));
        supporting.extend(str_list(case.get("profiles")));
        let plain = Run {
            name: name.clone(),
            module: module.clone(),
            file: case
                .get("file")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            packages: str_list(case.get("packages")),
            supporting,
            profile_source: None,
            options: options_of(case),
            expected: expected_of(case.get("java")),
        };
        if let Some(p) = case.get("profile") {
            let mut run = plain.clone();
            run.name = format!("{name} [profile]");
            run.supporting.extend(str_list(p.get("supporting")));
            match p.get("source").and_then(Value::as_str) {
                Some(src) => {
                    run.supporting.push(src.to_string());
                    run.profile_source = Some(src.to_string());
                    run.expected = expected_of(p.get("java"));
                }
                None => run.expected = Err("profile entry without source".into()),
            }
            runs.push(plain);
            runs.push(run);
        } else {
            runs.push(plain);
        }
    }
    (runs, ignored)
}

/// Base sets (the base packages plus a test's `packages`), compiled once per package list.
struct Bases {
    sets: HashMap<Vec<String>, Result<ProfileSet, String>>,
}

impl Bases {
    fn get(&mut self, extra: &[String]) -> Result<&ProfileSet, String> {
        let key = extra.to_vec();
        self.sets
            .entry(key)
            .or_insert_with(|| {
                let specs: Vec<IgSpec> = BASE_PACKAGES
                    .iter()
                    .map(|p| p.to_string())
                    .chain(extra.iter().cloned())
                    .map(IgSpec::Package)
                    .collect();
                compile_specs(&specs, Some(&packages_dir()))
                    .map_err(|e| format!("cannot load packages {extra:?}: {e}"))
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// Validators per (packages, supporting files, options): runs that share a setup share one.
type SetupKey = (Vec<String>, Vec<String>, String);

struct Setup {
    validator: Validator,
    notes: Vec<String>,
}

fn build_setup(bases: &mut Bases, run: &Run) -> Result<Setup, String> {
    let base = bases.get(&run.packages)?;
    let mut notes = Vec::new();
    let set = if run.supporting.is_empty() {
        base.clone()
    } else {
        let mut c = Compiler::extend(base.clone());
        let index = c.add_package("(test)");
        for f in &run.supporting {
            let v = read_json(&cases_dir().join(f))?;
            c.add_resource(&v, index);
        }
        let base_notes = base.notes.len();
        let set = c.finish();
        // compile errors end up in the notes; also name every StructureDefinition of the run
        // that did not make it into the set
        notes.extend(set.notes.iter().skip(base_notes).cloned());
        for f in &run.supporting {
            for url in structure_urls(&read_json(&cases_dir().join(f))?) {
                if set.resolve(&url).is_none() && !notes.iter().any(|n| n.contains(url.as_str())) {
                    notes.push(format!("StructureDefinition {url} ({f}) was not compiled"));
                }
            }
        }
        set
    };
    Ok(Setup {
        validator: Validator::new(set, run.options.clone()),
        notes,
    })
}

/// The urls of the StructureDefinitions in a resource (or Bundle of them).
fn structure_urls(v: &Value) -> Vec<String> {
    match v.get("resourceType").and_then(Value::as_str) {
        Some("StructureDefinition") => v
            .get("url")
            .and_then(Value::as_str)
            .map(|u| vec![u.to_string()])
            .unwrap_or_default(),
        Some("Bundle") => v
            .get("entry")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|e| e.get("resource"))
            .flat_map(structure_urls)
            .collect(),
        _ => Vec::new(),
    }
}

fn execute(
    run: &Run,
    setups: &mut HashMap<SetupKey, Result<Setup, String>>,
    bases: &mut Bases,
) -> RunResult {
    let start = Instant::now();
    let key = (
        run.packages.clone(),
        run.supporting.clone(),
        format!("{:?}", run.options),
    );
    let setup = setups.entry(key).or_insert_with(|| {
        catch_unwind(AssertUnwindSafe(|| build_setup(bases, run)))
            .unwrap_or_else(|p| Err(format!("compiler panicked: {}", panic_text(&p))))
    });
    let (ours, notes) = match setup {
        Err(e) => (Err(e.clone()), Vec::new()),
        Ok(setup) => {
            let ours = (|| {
                let input = std::fs::read(cases_dir().join(&run.file))
                    .map_err(|e| format!("cannot read {}: {e}", run.file))?;
                let profiles = match &run.profile_source {
                    None => Vec::new(),
                    Some(src) => {
                        let v = read_json(&cases_dir().join(src))?;
                        let url = v
                            .get("url")
                            .and_then(Value::as_str)
                            .ok_or_else(|| format!("profile {src} has no url"))?;
                        vec![url.to_string()]
                    }
                };
                catch_unwind(AssertUnwindSafe(|| {
                    setup.validator.validate_against(&input, &profiles)
                }))
                .map_err(|p| format!("validator panicked: {}", panic_text(&p)))
            })();
            (ours, setup.notes.clone())
        }
    };
    RunResult {
        run: run.clone(),
        ours,
        notes,
        time: start.elapsed(),
    }
}

fn panic_text(p: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic)".into()
    }
}

fn trunc(s: &str) -> String {
    let s = s.replace('\n', " ");
    if s.chars().count() <= TRUNC {
        s
    } else {
        let t: String = s.chars().take(TRUNC).collect();
        format!("{t}…")
    }
}

fn pct(n: usize, d: usize) -> String {
    if d == 0 {
        "n/a".into()
    } else {
        format!("{:.1}%", 100.0 * n as f64 / d as f64)
    }
}

fn verdict(valid: bool) -> &'static str {
    if valid { "valid" } else { "INVALID" }
}

/// `run-name → (module, reason)`, in file order.
fn read_disagreements(path: &Path) -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut parts = l.splitn(3, '\t');
            let name = parts.next().unwrap_or("").to_string();
            let module = parts.next().unwrap_or("").to_string();
            let reason = parts.next().unwrap_or("").to_string();
            (name, module, reason)
        })
        .collect()
}

#[test]
fn conformance() {
    let t0 = Instant::now();
    let manifest_path = cases_dir().join("manifest.json");
    let manifest = match read_json(&manifest_path) {
        Ok(m) => m,
        Err(e) => panic!("conformance suite not available: {e}"),
    };
    let (runs, ignored) = runs_of(&manifest);

    let mut bases = Bases {
        sets: HashMap::new(),
    };
    let tb = Instant::now();
    let base_notes = match bases.get(&[]) {
        Ok(set) => set.notes.clone(),
        Err(e) => panic!("{e}"),
    };
    let base_time = tb.elapsed();

    let mut setups = HashMap::new();
    let results: Vec<RunResult> = runs
        .iter()
        .map(|r| execute(r, &mut setups, &mut bases))
        .collect();

    // figures
    let total = results.len();
    let verdict_ok = results.iter().filter(|r| r.verdict_agrees()).count();
    let count_ok = results.iter().filter(|r| r.count_agrees()).count();
    let exprs: Vec<bool> = results
        .iter()
        .filter_map(RunResult::expression_agrees)
        .collect();
    let expr_ok = exprs.iter().filter(|b| **b).count();
    let expected_valid = results
        .iter()
        .filter(|r| r.run.expected.as_ref().is_ok_and(Expected::valid))
        .count();

    let mut out = String::new();
    let _ = writeln!(out, "fhirval conformance: {}", rel(&manifest_path));
    let _ = writeln!(
        out,
        "base set: {} ({} compiled in {:.1}s); runs: {total} ({expected_valid} expected valid)",
        BASE_PACKAGES.join(", "),
        base_notes.len().to_string() + " notes,",
        base_time.as_secs_f64()
    );
    if !ignored.is_empty() {
        let list: Vec<String> = ignored.iter().map(|(k, n)| format!("{k} ({n})")).collect();
        let _ = writeln!(out, "manifest options ignored: {}", list.join(", "));
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "verdict agreement:          {verdict_ok}/{total} = {}",
        pct(verdict_ok, total)
    );
    let _ = writeln!(
        out,
        "exact error-count agreement: {count_ok}/{total} = {}",
        pct(count_ok, total)
    );
    let _ = writeln!(
        out,
        "first-error expression:      {expr_ok}/{} = {} (runs where both report an error and Java's is itemised)",
        exprs.len(),
        pct(expr_ok, exprs.len())
    );
    let (mut java_issues, mut java_known, mut paired, mut same_id) = (0, 0, 0, 0);
    let mut id_differ: BTreeMap<(String, String), usize> = BTreeMap::new();
    for r in &results {
        let (n, k, p, s, differ) = r.message_ids();
        (java_issues, java_known, paired, same_id) =
            (java_issues + n, java_known + k, paired + p, same_id + s);
        for d in differ {
            *id_differ.entry(d).or_default() += 1;
        }
    }
    let _ = writeln!(
        out,
        "message ids matching Java:   {same_id}/{paired} = {} (issues paired by expression and severity; Java's id read from its text, known for {java_known} of its {java_issues} issues)",
        pct(same_id, paired)
    );
    // confusion
    let mut fp = 0;
    let mut fneg = 0;
    let mut broken = 0;
    for r in &results {
        match (&r.run.expected, r.our_errors()) {
            (Ok(e), Some(o)) if e.valid() && !o.is_empty() => fp += 1,
            (Ok(e), Some(o)) if !e.valid() && o.is_empty() => fneg += 1,
            (Ok(_), Some(_)) => {}
            _ => broken += 1,
        }
    }
    let _ = writeln!(
        out,
        "verdict disagreements: {fp} we reject a valid run, {fneg} we accept an invalid run, {broken} could not run"
    );

    // per module
    let _ = writeln!(out, "\nper module:          runs  verdict  count  expr");
    let mut modules: BTreeMap<&str, (usize, usize, usize, usize, usize)> = BTreeMap::new();
    for r in &results {
        let m = modules.entry(r.run.module.as_str()).or_default();
        m.0 += 1;
        m.1 += r.verdict_agrees() as usize;
        m.2 += r.count_agrees() as usize;
        if let Some(a) = r.expression_agrees() {
            m.3 += a as usize;
            m.4 += 1;
        }
    }
    for (m, (n, v, c, e, ed)) in &modules {
        let _ = writeln!(out, "  {m:<18} {n:>4}  {v:>7}  {c:>5}  {e:>2}/{ed}");
    }

    // message ids that differ from Java's at the same place
    let mut differ: Vec<(&(String, String), &usize)> = id_differ.iter().collect();
    differ.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let _ = writeln!(
        out,
        "\nmessage ids differing from Java's at the same place ({} pairs; Java's id, ours; '?' = Java's text matches no template):",
        paired - same_id
    );
    for ((java, ours), n) in differ {
        let _ = writeln!(out, "  {n:>3}  {java}  vs  {ours}");
    }

    // what the runs' own files lost in compilation
    let mut lost: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for r in &results {
        for n in &r.notes {
            lost.entry(n.as_str())
                .or_default()
                .push(r.run.name.as_str());
        }
    }
    if !lost.is_empty() {
        let _ = writeln!(out, "\ncompiler notes for the runs' own files:");
        for (n, runs) in &lost {
            let _ = writeln!(out, "  {} [{}]", trunc(n), runs.join(", "));
        }
    }

    // timing
    let mut by_time: Vec<&RunResult> = results.iter().collect();
    by_time.sort_by_key(|r| std::cmp::Reverse(r.time));
    let _ = writeln!(out, "\nslowest runs (including their set-up):");
    for r in by_time.iter().take(5) {
        let _ = writeln!(
            out,
            "  {:>8.1} ms  {}",
            r.time.as_secs_f64() * 1000.0,
            r.run.name
        );
    }

    // disagreements
    let tsv_path = data_dir().join("disagreements.tsv");
    let listed = read_disagreements(&tsv_path);
    let listed_map: HashMap<&str, &str> = listed
        .iter()
        .map(|(n, _, reason)| (n.as_str(), reason.as_str()))
        .collect();
    let disagreeing: Vec<&RunResult> = results.iter().filter(|r| !r.verdict_agrees()).collect();
    let _ = writeln!(out, "\ndisagreements ({}):", disagreeing.len());
    for r in &disagreeing {
        let exp = match &r.run.expected {
            Ok(e) => format!("{} ({} errors)", verdict(e.valid()), e.errors),
            Err(e) => format!("? ({e})"),
        };
        let ours = match (&r.ours, r.our_errors()) {
            (Ok(_), Some(errs)) => format!("{} ({} errors)", verdict(errs.is_empty()), errs.len()),
            (Err(e), _) => format!("could not run: {e}"),
            _ => "?".into(),
        };
        let _ = writeln!(
            out,
            "\n- {} ({}) file {}: java {exp}, ours {ours}",
            r.run.name, r.run.module, r.run.file
        );
        if let Some(reason) = listed_map.get(r.run.name.as_str()) {
            let _ = writeln!(out, "    listed: {reason}");
        }
        for n in &r.notes {
            let _ = writeln!(out, "    note: {}", trunc(n));
        }
        if let Some(errs) = r.our_errors() {
            for i in errs.iter().take(3) {
                let _ = writeln!(out, "    ours: {} — {}", i.expression, trunc(&i.message));
            }
        }
        if let Ok(e) = &r.run.expected {
            for (expr, msg) in e.issues.iter().take(3) {
                let _ = writeln!(out, "    java: {expr} — {}", trunc(msg));
            }
        }
    }

    // verdict right, count wrong: the next working list
    let miscounted: Vec<&RunResult> = results
        .iter()
        .filter(|r| r.verdict_agrees() && !r.count_agrees())
        .collect();
    let _ = writeln!(
        out,
        "\nverdict agrees but the error count differs ({}):",
        miscounted.len()
    );
    for r in &miscounted {
        let (Ok(e), Some(ours)) = (&r.run.expected, r.our_errors()) else {
            continue;
        };
        let _ = writeln!(
            out,
            "- {} ({}): java {} errors, ours {}",
            r.run.name,
            r.run.module,
            e.errors,
            ours.len()
        );
        // the issues one side has and the other lacks (by expression)
        for i in ours
            .iter()
            .filter(|i| !e.issues.iter().any(|(x, _)| *x == i.expression))
            .take(2)
        {
            let _ = writeln!(
                out,
                "    ours only: {} — {}",
                i.expression,
                trunc(&i.message)
            );
        }
        for (x, m) in e
            .issues
            .iter()
            .filter(|(x, _)| !ours.iter().any(|i| i.expression == *x))
            .take(2)
        {
            let _ = writeln!(out, "    java only: {x} — {}", trunc(m));
        }
    }

    let expr_differs: Vec<&RunResult> = results
        .iter()
        .filter(|r| r.expression_agrees() == Some(false))
        .collect();
    let _ = writeln!(
        out,
        "\nfirst-error expression differs ({}):",
        expr_differs.len()
    );
    for r in &expr_differs {
        let (Ok(e), Some(ours)) = (&r.run.expected, r.our_errors()) else {
            continue;
        };
        if let (Some((x, m)), Some(i)) = (e.issues.first(), ours.first()) {
            let _ = writeln!(out, "- {} ({})", r.run.name, r.run.module);
            let _ = writeln!(out, "    java: {x} — {}", trunc(m));
            let _ = writeln!(out, "    ours: {} — {}", i.expression, trunc(&i.message));
        }
    }

    // FHIRVAL_CONFORMANCE_SHOW=text: every issue, ours and Java's, of the runs whose name
    // contains `text` (a debugging aid)
    if let Ok(show) = std::env::var("FHIRVAL_CONFORMANCE_SHOW") {
        for r in results
            .iter()
            .filter(|r| r.run.name.contains(show.as_str()))
        {
            let _ = writeln!(
                out,
                "\n== {} ({}) file {}",
                r.run.name, r.run.module, r.run.file
            );
            for n in &r.notes {
                let _ = writeln!(out, "  note: {n}");
            }
            match &r.ours {
                Ok(o) => {
                    for i in &o.issues {
                        let _ = writeln!(
                            out,
                            "  ours {} {}:{} {} — {}",
                            i.severity.code(),
                            i.line,
                            i.col,
                            i.expression,
                            i.message
                        );
                    }
                }
                Err(e) => {
                    let _ = writeln!(out, "  ours: could not run: {e}");
                }
            }
            if let Ok(e) = &r.run.expected {
                for (expr, msg) in &e.issues {
                    let _ = writeln!(out, "  java error {expr} — {msg}");
                }
            }
        }
    }

    // holding the line
    let id_floor_path = data_dir().join("message-id-floor.txt");
    let id_floor: usize = std::fs::read_to_string(&id_floor_path)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0);
    let floor_path = data_dir().join("floor.txt");
    let floor: usize = std::fs::read_to_string(&floor_path)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0);
    let disagreeing_names: BTreeSet<&str> =
        disagreeing.iter().map(|r| r.run.name.as_str()).collect();
    let hidden: Vec<&&RunResult> = disagreeing
        .iter()
        .filter(|r| !listed_map.contains_key(r.run.name.as_str()))
        .collect();
    let stale: Vec<&str> = listed
        .iter()
        .map(|(n, _, _)| n.as_str())
        .filter(|n| !disagreeing_names.contains(n))
        .collect();
    let _ = writeln!(out);
    if !stale.is_empty() {
        let _ = writeln!(
            out,
            "listed in disagreements.tsv but now agreeing (remove these lines): {}",
            stale.join(", ")
        );
    }
    if !hidden.is_empty() {
        let names: Vec<&str> = hidden.iter().map(|r| r.run.name.as_str()).collect();
        let _ = writeln!(
            out,
            "NOT listed in disagreements.tsv (hidden gaps): {}",
            names.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "floor: {floor} (verdict agreement {verdict_ok}); total time {:.1}s",
        t0.elapsed().as_secs_f64()
    );

    let update = std::env::var("FHIRVAL_UPDATE_CONFORMANCE").is_ok_and(|v| v == "1");
    if update {
        let mut text = String::from(
            "# Runs whose verdict disagrees with the Java validator: run<TAB>module<TAB>reason.\n\
             # Checked by tests/integration/conformance.rs; regenerate with FHIRVAL_UPDATE_CONFORMANCE=1.\n",
        );
        for r in &disagreeing {
            let reason = listed_map
                .get(r.run.name.as_str())
                .copied()
                .unwrap_or("TODO: triage");
            let _ = writeln!(text, "{}\t{}\t{reason}", r.run.name, r.run.module);
        }
        std::fs::write(&tsv_path, text).expect("write disagreements.tsv");
        std::fs::write(&floor_path, format!("{verdict_ok}\n")).expect("write floor.txt");
        std::fs::write(&id_floor_path, format!("{same_id}\n")).expect("write message-id-floor.txt");
        let _ = writeln!(
            out,
            "updated {} and {} (floor {verdict_ok})",
            rel(&tsv_path),
            rel(&floor_path)
        );
    }

    println!("{out}");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(ROOT).join("target"));
    let report = target.join("conformance-report.txt");
    let _ = std::fs::create_dir_all(report.parent().unwrap_or(Path::new(".")));
    if let Err(e) = std::fs::write(&report, &out) {
        eprintln!("cannot write {}: {e}", report.display());
    }

    if !update {
        let untriaged: Vec<&str> = listed
            .iter()
            .filter(|(_, _, reason)| reason.trim().is_empty() || reason.contains("TODO"))
            .map(|(n, _, _)| n.as_str())
            .collect();
        assert!(
            untriaged.is_empty(),
            "disagreements.tsv has untriaged lines (empty or TODO reason): {}",
            untriaged.join(", ")
        );
        assert!(
            hidden.is_empty(),
            "{} disagreeing runs are not listed in tests/conformance/disagreements.tsv (see the report)",
            hidden.len()
        );
        assert!(
            verdict_ok >= floor,
            "verdict agreement {verdict_ok} fell below the floor {floor} (tests/conformance/floor.txt)"
        );
        assert!(
            same_id >= id_floor,
            "issues with Java's message id {same_id} fell below the floor {id_floor} (tests/conformance/message-id-floor.txt)"
        );
    }
}

/// A case whose files or packages cannot be loaded is a disagreement with a reason, not a panic.
#[test]
fn broken_cases_are_disagreements() {
    let manifest = serde_json::json!({"test-cases": [
        {"name": "x", "file": "no-such-file.json", "module": "m",
         "packages": ["no.such.package#1.0.0"], "java": "java/no-such-outcome.json"},
        {"name": "x", "file": "no-such-file.json", "java": {"errorCount": 2},
         "packages": ["no.such.package#1.0.0"],
         "profile": {"source": "no-such-profile.json", "java": {"unexpected": true}}},
    ]});
    let (runs, _) = runs_of(&manifest);
    let names: Vec<&str> = runs.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["x", "x #2", "x #2 [profile]"]);
    assert!(runs[0].expected.is_err());
    assert_eq!(runs[1].expected.as_ref().map(|e| e.errors), Ok(2));
    assert!(runs[2].expected.is_err());
    let mut bases = Bases {
        sets: HashMap::new(),
    };
    let mut setups = HashMap::new();
    for run in &runs {
        let r = execute(run, &mut setups, &mut bases);
        assert!(r.ours.is_err(), "{}: {:?}", run.name, r.ours);
        assert!(!r.verdict_agrees() && !r.count_agrees());
        assert_eq!(r.expression_agrees(), None);
    }
}
