//! The WebAssembly host: a small wasm-bindgen API over the library, wrapped by the JavaScript
//! of the npm package (`pkg/`), which is the public API (`Validator`). Built only for
//! `wasm32` (`scripts/build-pkg.sh`).
//!
//! Every export takes loosely typed values (`JsValue`) and answers with a value, never by
//! throwing: bad input becomes an `OperationOutcome` with a fatal issue, a bad profile set or
//! package an error object. A panic still traps (wasm32 has no unwinding); the hook installed
//! at start keeps its message for [`take_panic_message`] so that the JavaScript wrapper can
//! report it as an issue and start a fresh instance.

use crate::compile::Compiler;
use crate::model::{Kind, ProfileSet};
use crate::outcome::{Issue, Outcome, Severity};
use crate::package::{self, Load, Package, TarLimits};
use crate::profileset;
use crate::suppress::Suppressions;
use crate::validate::Mode;
use crate::{Options, Validator};
use js_sys::{Array, Uint8Array};
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use wasm_bindgen::prelude::*;

#[cfg(not(target_feature = "atomics"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

static LAST_PANIC: Mutex<String> = Mutex::new(String::new());

/// Runs when the module is instantiated: installs the panic hook.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = info.to_string();
        }
        #[cfg(debug_assertions)]
        console_error_panic_hook::hook(info);
    }));
}

/// The message of the last panic (empty if none), cleared.
#[wasm_bindgen]
pub fn take_panic_message() -> String {
    LAST_PANIC
        .lock()
        .map(|mut m| std::mem::take(&mut *m))
        .unwrap_or_default()
}

/// The crate version, for the JavaScript side to check it loaded the matching wasm.
#[wasm_bindgen]
pub fn engine_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Options of a validator (`Validator.create(options)` and the other constructors): the CLI's
/// validate flags in camel case (`noInvariants`, `maxInputMb`, ...; `suppress` is the text of a
/// suppression file). The JavaScript wrapper rejects unknown keys (serde-wasm-bindgen reads
/// only the fields it knows).
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct SetupOptions {
    allow_extension_domains: Option<Vec<String>>,
    max_issues: Option<f64>,
    security_checks: Option<bool>,
    allow_comments: Option<bool>,
    mode: Option<String>,
    capability: Option<String>,
    no_invariants: Option<bool>,
    no_terminology: Option<bool>,
    display_issues_are_warnings: Option<bool>,
    unchecked_codes_are_warnings: Option<bool>,
    check_references_resolve: Option<bool>,
    max_input_mb: Option<f64>,
    max_depth: Option<f64>,
    max_string_mb: Option<f64>,
    suppress: Option<String>,
}

/// Options of one `validate` call.
#[derive(Deserialize, Default)]
#[serde(default)]
struct CallOptions {
    profiles: Option<OneOrMany>,
    format: Option<String>,
    mode: Option<String>,
    capability: Option<String>,
    /// Testing only (tests/js): panic, to check that a trap is reported as an issue and the
    /// instance replaced.
    #[serde(rename = "__panicForTest")]
    panic_for_test: bool,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// How an input is read.
#[derive(Clone, Copy, PartialEq)]
enum Format {
    /// One JSON resource (a Bundle included).
    Json,
    /// Newline-delimited JSON: one resource per line; issues carry the line in the whole input.
    Ndjson,
}

/// One profile in the set (`Validator.profiles()`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProfileInfo<'a> {
    url: &'a str,
    name: &'a str,
    version: &'a str,
    /// The constrained type (`Patient`, `Extension`).
    #[serde(rename = "type")]
    type_name: &'a str,
    kind: &'static str,
    package: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SetInfo<'a> {
    packages: &'a [String],
    notes: &'a [String],
    structures: usize,
    profiles: usize,
    engine_version: &'static str,
}

/// A FHIR value → a plain JavaScript value (objects, not `Map`s).
fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    let ser = serde_wasm_bindgen::Serializer::json_compatible();
    value
        .serialize(&ser)
        .unwrap_or_else(|e| JsValue::from_str(&format!("fhirval: cannot convert result: {e}")))
}

/// An `OperationOutcome` with one fatal issue.
fn fatal(code: &'static str, message: String) -> Outcome {
    Outcome {
        issues: vec![Issue {
            severity: Severity::Fatal,
            code,
            message,
            expression: String::new(),
            line: 0,
            col: 0,
        }],
    }
}

/// The outcome as the JavaScript wrapper takes it: [`Outcome::to_rows_json`].
fn outcome_rows(o: &Outcome) -> String {
    o.to_rows_json().unwrap_or_else(|e| {
        format!(r#"[["fatal","exception","cannot write the outcome: {e}","",0,0]]"#)
    })
}

/// Bytes from a `Uint8Array`, an `ArrayBuffer` or a typed-array view.
fn bytes_of(v: &JsValue) -> Option<Vec<u8>> {
    if let Some(a) = v.dyn_ref::<Uint8Array>() {
        return Some(a.to_vec());
    }
    if v.is_instance_of::<js_sys::ArrayBuffer>() {
        return Some(Uint8Array::new(v).to_vec());
    }
    if let Some(view) = v.dyn_ref::<js_sys::DataView>() {
        return Some(
            Uint8Array::new_with_byte_offset_and_length(
                &view.buffer(),
                view.byte_offset() as u32,
                view.byte_length() as u32,
            )
            .to_vec(),
        );
    }
    if js_sys::ArrayBuffer::is_view(v) {
        let buf = js_sys::Reflect::get(v, &JsValue::from_str("buffer")).ok()?;
        let off = js_sys::Reflect::get(v, &JsValue::from_str("byteOffset"))
            .ok()?
            .as_f64()?;
        let len = js_sys::Reflect::get(v, &JsValue::from_str("byteLength"))
            .ok()?
            .as_f64()?;
        return Some(
            Uint8Array::new_with_byte_offset_and_length(&buf, off as u32, len as u32).to_vec(),
        );
    }
    None
}

/// A JavaScript `Error` carrying the problem as an `OperationOutcome` (`resourceType`, `issue`).
fn error_object(message: &str) -> JsValue {
    let err = js_sys::Error::new(&format!("fhirval: {message}"));
    err.set_name("FhirvalError");
    let oo = to_js(&fatal("invalid", message.to_string()).to_operation_outcome());
    for key in ["resourceType", "issue"] {
        if let Ok(v) = js_sys::Reflect::get(&oo, &JsValue::from_str(key)) {
            let _ = js_sys::Reflect::set(&err, &JsValue::from_str(key), &v);
        }
    }
    let _ = js_sys::Reflect::set(
        &err,
        &JsValue::from_str("error"),
        &JsValue::from_str(message),
    );
    err.into()
}

fn setup_options(options: &JsValue) -> Result<(Options, Suppressions), String> {
    if options.is_undefined() || options.is_null() {
        return Ok((Options::default(), Suppressions::default()));
    }
    let o: SetupOptions = serde_wasm_bindgen::from_value(options.clone())
        .map_err(|e| format!("invalid options: {e}"))?;
    let mut opts = Options::default();
    // a whole number in min..=max
    let count = |name: &str, n: f64, min: f64, max: f64| -> Result<usize, String> {
        if n.is_nan() || n < min || n > max || n.fract() != 0.0 {
            return Err(format!(
                "invalid options: {name} must be a whole number from {min} to {max}"
            ));
        }
        Ok(n as usize)
    };
    const MIB: usize = 1024 * 1024;
    if let Some(d) = o.allow_extension_domains {
        opts.allowed_extension_domains = d;
    }
    if let Some(n) = o.max_issues {
        if n.is_nan() || n < 1.0 {
            return Err("invalid options: maxIssues must be a positive number".into());
        }
        opts.max_issues = n.min(usize::MAX as f64) as usize;
    }
    if let Some(s) = o.security_checks {
        opts.security_checks = s;
    }
    if let Some(c) = o.allow_comments {
        opts.limits.allow_comments = c;
    }
    if let Some(m) = o.mode {
        opts.mode = parse_mode(&m).map_err(|e| format!("invalid options: {e}"))?;
    }
    opts.capability = o.capability;
    if let Some(b) = o.no_invariants {
        opts.invariants = !b;
    }
    if let Some(b) = o.no_terminology {
        opts.terminology = !b;
    }
    if let Some(b) = o.display_issues_are_warnings {
        opts.display_issues_as_warnings = b;
    }
    if let Some(b) = o.unchecked_codes_are_warnings {
        opts.unchecked_codes_as_warnings = b;
    }
    if let Some(b) = o.check_references_resolve {
        opts.check_references_resolve = b;
    }
    // 4 GiB: a wasm32 memory holds no more
    if let Some(n) = o.max_input_mb {
        opts.limits.max_size = count("maxInputMb", n, 1.0, 4096.0)?.saturating_mul(MIB);
    }
    if let Some(n) = o.max_depth {
        opts.limits.max_depth = count("maxDepth", n, 1.0, 1000.0)?;
    }
    if let Some(n) = o.max_string_mb {
        opts.limits.max_string = count("maxStringMb", n, 1.0, 4096.0)?.saturating_mul(MIB);
    }
    let suppress = match o.suppress {
        Some(text) => {
            Suppressions::parse(&text).map_err(|e| format!("invalid options: suppress: {e}"))?
        }
        None => Suppressions::default(),
    };
    Ok((opts, suppress))
}

/// `standard`, or `pdex` (member-history mode, as the CLI's `--mode pdex`).
fn parse_mode(m: &str) -> Result<Mode, String> {
    match m {
        "standard" => Ok(Mode::Standard),
        "pdex" | "member-history" => Ok(Mode::MemberHistory),
        _ => Err(format!("mode '{m}' (use 'standard' or 'pdex')")),
    }
}

/// A validator over one compiled profile set (the JavaScript `Validator` wraps it).
#[wasm_bindgen]
pub struct Engine {
    v: Validator,
    /// The options it was made with; a call may change the mode for itself.
    base: Options,
    suppress: Suppressions,
}

#[wasm_bindgen]
impl Engine {
    /// A validator over a profile set (`fhirval compile` output); an error object if the bytes
    /// are not one.
    pub fn from_profile_set(bytes: &JsValue, options: &JsValue) -> JsValue {
        let Some(bytes) = bytes_of(bytes) else {
            return error_object("a profile set must be given as a Uint8Array or ArrayBuffer");
        };
        let opts = match setup_options(options) {
            Ok(o) => o,
            Err(e) => return error_object(&e),
        };
        match profileset::from_bytes(&bytes) {
            Ok(set) => Engine::new(set, opts).into(),
            Err(e) => error_object(&e.to_string()),
        }
    }

    /// Compile FHIR packages (`.tgz` bytes, gzip or plain tar) into a validator. Unless they
    /// include R4 core, `base` (a profile set's bytes) is compiled in first: it supplies the
    /// core and the dependencies the packages do not bring.
    pub fn from_packages(packages: &JsValue, base: &JsValue, options: &JsValue) -> JsValue {
        let opts = match setup_options(options) {
            Ok(o) => o,
            Err(e) => return error_object(&e),
        };
        let list: Vec<JsValue> = if Array::is_array(packages) {
            Array::from(packages).iter().collect()
        } else if bytes_of(packages).is_some() {
            vec![packages.clone()]
        } else {
            return error_object("packages must be an array of .tgz contents (Uint8Array)");
        };
        let mut pkgs: Vec<Package> = Vec::with_capacity(list.len());
        for (i, p) in list.iter().enumerate() {
            let Some(bytes) = bytes_of(p) else {
                return error_object(&format!("package {i}: not a Uint8Array"));
            };
            match package::read_tgz(&bytes, Load::Conformance, &TarLimits::default()) {
                Ok(pkg) => pkgs.push(pkg),
                Err(e) => return error_object(&format!("package {i}: {e}")),
            }
        }
        let has_core = pkgs.iter().any(|p| p.id.name == "hl7.fhir.r4.core");
        let base_set = if has_core || base.is_undefined() || base.is_null() {
            None
        } else {
            let Some(b) = bytes_of(base) else {
                return error_object("the base profile set must be a Uint8Array");
            };
            match profileset::from_bytes(&b) {
                Ok(s) => Some(s),
                Err(e) => return error_object(&format!("base: {e}")),
            }
        };
        match compile_packages(pkgs, base_set) {
            Ok(set) => Engine::new(set, opts).into(),
            Err(e) => error_object(&e),
        }
    }

    /// Validate a JSON text. `options`: `{ profiles?: string | string[], mode?: 'standard' |
    /// 'pdex', capability?: string, format?: 'json' | 'ndjson' }`. Always an outcome, as
    /// the JSON rows of [`Outcome::to_rows_json`]: one string and the host's `JSON.parse`
    /// are faster than building objects across the boundary when there are hundreds of
    /// issues, and the rows are half the text of the OperationOutcome's JSON (the wrapper
    /// builds the OperationOutcome from them).
    pub fn validate_str(&mut self, input: &str, options: &JsValue) -> String {
        outcome_rows(&self.run(input.as_bytes(), options))
    }

    /// Validate JSON given as UTF-8 bytes; the outcome as [`Engine::validate_str`] gives it.
    pub fn validate_bytes(&mut self, input: &[u8], options: &JsValue) -> String {
        outcome_rows(&self.run(input, options))
    }

    /// The profiles (constraining StructureDefinitions) of the set, extensions included.
    pub fn profiles(&self) -> JsValue {
        let set = self.v.profile_set();
        let list: Vec<ProfileInfo<'_>> = set
            .structures
            .iter()
            .filter(|s| s.is_profile)
            .map(|s| ProfileInfo {
                url: &s.url,
                name: &s.name,
                version: &s.version,
                type_name: &s.type_name,
                kind: match s.kind {
                    Kind::PrimitiveType => "primitive-type",
                    Kind::ComplexType => "complex-type",
                    Kind::Resource => "resource",
                    Kind::Logical => "logical",
                },
                package: set
                    .packages
                    .get(s.package as usize)
                    .map_or("", String::as_str),
            })
            .collect();
        to_js(&list)
    }

    /// What the set holds: packages, notes from compiling it, counts.
    pub fn info(&self) -> JsValue {
        let set = self.v.profile_set();
        to_js(&SetInfo {
            packages: &set.packages,
            notes: &set.notes,
            structures: set.structures.len(),
            profiles: set.structures.iter().filter(|s| s.is_profile).count(),
            engine_version: env!("CARGO_PKG_VERSION"),
        })
    }

    /// The set in the `fhirval compile` format (to cache a set compiled from packages).
    pub fn to_profile_set(&self) -> JsValue {
        match profileset::to_bytes(self.v.profile_set()) {
            Ok(b) => Uint8Array::from(b.as_slice()).into(),
            Err(e) => error_object(&e.to_string()),
        }
    }
}

impl Engine {
    fn new(set: ProfileSet, (options, suppress): (Options, Suppressions)) -> Engine {
        Engine {
            v: Validator::new(set, options.clone()),
            base: options,
            suppress,
        }
    }

    fn run(&mut self, input: &[u8], options: &JsValue) -> Outcome {
        let call = match self.prepare(options) {
            Ok(x) => x,
            Err(o) => return o,
        };
        let mut o = match call.format {
            Format::Json => self.v.validate(input, &call.profiles),
            Format::Ndjson => self.ndjson(input, &call.profiles),
        };
        self.suppress.apply(&mut o);
        o
    }

    /// A call's options checked and the validator set to its mode; else the fatal outcome.
    fn prepare(&mut self, options: &JsValue) -> Result<Call, Outcome> {
        let call = call_options(options).map_err(|e| fatal("invalid", e))?;
        if call.panic_for_test {
            panic_for_test();
        }
        let set = self.v.profile_set();
        if let Some(p) = call.profiles.iter().find(|p| set.resolve(p).is_none()) {
            return Err(fatal(
                "not-found",
                format!("Profile '{p}' is not in the loaded profile set"),
            ));
        }
        // the call's mode, else the validator's
        let mode = call.mode.unwrap_or(self.base.mode);
        let capability = call
            .capability
            .clone()
            .or_else(|| self.base.capability.clone());
        let current = self.v.options();
        if current.mode != mode || current.capability != capability {
            let mut o = self.base.clone();
            o.mode = mode;
            o.capability = capability;
            self.v.set_options(o);
        }
        Ok(call)
    }

    /// Each non-blank line is a resource; issue lines are lines of the whole input (as
    /// `fhirval validate` does for a `.ndjson` file).
    fn ndjson(&self, input: &[u8], profiles: &[String]) -> Outcome {
        if input.iter().all(u8::is_ascii_whitespace) {
            return fatal("invalid", "Error parsing JSON: empty input".into());
        }
        match crate::bulk::validate_ndjson(&self.v, input, profiles, &|_| {}) {
            Ok((outcome, _)) => outcome,
            Err(e) => fatal("exception", format!("reading NDJSON: {e}")),
        }
    }
}

#[wasm_bindgen]
impl Engine {
    /// NDJSON lines (whole lines: a chunk of a stream, or all of an input) whose first line is
    /// line `first_line` of the input → one result per non-blank line, as JSON text:
    /// `[[line, resourceType | null, id | null, rows], ...]`, rows as
    /// [`Outcome::to_rows_json`] writes them, issue lines lines of the whole input. Call options
    /// as `validate_str` (`format` is ignored). A bad option: `{"error": message}`.
    pub fn validate_lines(&mut self, input: &[u8], first_line: f64, options: &JsValue) -> String {
        let call = match self.prepare(options) {
            Ok(x) => x,
            Err(o) => return error_json(&o),
        };
        let before = if first_line.is_finite() && first_line >= 1.0 {
            (first_line as usize).saturating_sub(1)
        } else {
            0
        };
        let mut out = String::from("[");
        let written = crate::bulk::for_each_resource(
            &self.v,
            input,
            &call.profiles,
            &|_| {},
            &mut |mut r| {
                self.suppress.apply(&mut r.outcome);
                let line = r.line.saturating_add(before);
                let at = u32::try_from(line).unwrap_or(u32::MAX);
                for i in &mut r.outcome.issues {
                    i.line = at;
                }
                let head = serde_json::to_string(&(line, &r.resource_type, &r.id))
                    .map_err(std::io::Error::other)?;
                if out.len() > 1 {
                    out.push(',');
                }
                // `[line, type, id` + `,rows]`
                out.push_str(head.strip_suffix(']').unwrap_or(&head));
                out.push(',');
                out.push_str(&outcome_rows(&r.outcome));
                out.push(']');
                Ok(())
            },
        );
        match written {
            Ok(()) => {
                out.push(']');
                out
            }
            Err(e) => error_json(&fatal("exception", format!("reading NDJSON: {e}"))),
        }
    }
}

/// `{"error": message}` of a fatal outcome's first issue.
fn error_json(o: &Outcome) -> String {
    let message = o.issues.first().map_or("", |i| i.message.as_str());
    serde_json::json!({ "error": message }).to_string()
}

/// One call's options, checked.
struct Call {
    profiles: Vec<String>,
    format: Format,
    mode: Option<Mode>,
    capability: Option<String>,
    panic_for_test: bool,
}

#[allow(clippy::panic)]
fn panic_for_test() {
    panic!("a panic requested by a test (__panicForTest)");
}

fn call_options(options: &JsValue) -> Result<Call, String> {
    let o: CallOptions = if options.is_undefined() || options.is_null() {
        CallOptions::default()
    } else {
        serde_wasm_bindgen::from_value(options.clone())
            .map_err(|e| format!("invalid validate options: {e}"))?
    };
    let profiles = match o.profiles {
        None => Vec::new(),
        Some(OneOrMany::One(p)) => vec![p],
        Some(OneOrMany::Many(v)) => v,
    };
    let format = match o.format.as_deref() {
        None | Some("json") => Format::Json,
        Some("ndjson") => Format::Ndjson,
        Some(f) => {
            return Err(format!(
                "invalid validate options: format '{f}' (use 'json' or 'ndjson')"
            ));
        }
    };
    let mode = match o.mode.as_deref() {
        None => None,
        Some(m) => Some(parse_mode(m).map_err(|e| format!("invalid validate options: {e}"))?),
    };
    Ok(Call {
        profiles,
        format,
        mode,
        capability: o.capability,
        panic_for_test: o.panic_for_test,
    })
}

/// Compile packages in memory, over `base` when given (a package also in the base is compiled
/// again: both versions stay, and a canonical without a version resolves to the newest).
fn compile_packages(
    mut pkgs: Vec<Package>,
    base: Option<ProfileSet>,
) -> Result<ProfileSet, String> {
    let has_core = pkgs.iter().any(|p| p.id.name == "hl7.fhir.r4.core")
        || base.as_ref().is_some_and(|b| {
            b.packages
                .iter()
                .any(|p| p.starts_with("hl7.fhir.r4.core#"))
        });
    if !has_core {
        return Err(
            "no FHIR R4 core: add hl7.fhir.r4.core-4.0.1.tgz to the packages, or compile them over a base profile set (in browsers, await Validator.init() first to have the default one)"
                .into(),
        );
    }
    // dependencies first: the core, then by how many of the given packages each depends on
    let names: Vec<String> = pkgs.iter().map(|p| p.id.name.clone()).collect();
    pkgs.sort_by_key(|p| {
        (
            p.id.name != "hl7.fhir.r4.core",
            p.dependencies
                .iter()
                .filter(|d| names.contains(&d.name))
                .count(),
        )
    });
    let mut notes = Vec::new();
    let known: Vec<String> = base
        .as_ref()
        .map(|b| b.packages.clone())
        .unwrap_or_default();
    for p in &pkgs {
        for d in &p.dependencies {
            let given = pkgs.iter().any(|q| q.id.name == d.name);
            let in_base = known
                .iter()
                .any(|k| k.split('#').next() == Some(d.name.as_str()));
            if !given && !in_base {
                notes.push(format!("{}: dependency {d} not given; skipped", p.id));
            }
        }
    }
    let mut c = match base {
        Some(b) => Compiler::extend(b),
        None => Compiler::new(),
    };
    for n in notes {
        c.add_note(n);
    }
    for p in &pkgs {
        let index = c.add_package(&p.id.to_string());
        for w in &p.warnings {
            c.add_note(format!("{}: {w}", p.id));
        }
        for r in &p.resources {
            c.add_resource(r, index);
        }
    }
    Ok(c.finish())
}
