//! The WebAssembly host: a small wasm-bindgen API over the library, wrapped by the JavaScript
//! of the npm package (`pkg/`), which is the public API (`Validator`). Built only for
//! `wasm32` (`scripts/build-pkg.sh`).
//!
//! Every export takes loosely typed values (`JsValue`) and answers with a value, never by
//! throwing: bad input becomes an `OperationOutcome` with a fatal issue, a bad profile set or
//! package an error object. A panic still traps (wasm32 has no unwinding); the hook installed
//! at start keeps its message for [`take_panic_message`] so that the JavaScript wrapper can
//! report it as an issue and start a fresh instance.

use crate::load::{self, IgSpec};
use crate::model::{Kind, ProfileSet};
use crate::outcome::{Issue, OperationOutcome, Severity};
use crate::package;
use crate::profileset;
use crate::suppress::Suppressions;
use crate::{Mode, Options, Spelling, Validator};
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

/// Options of one `validate` call.
#[derive(Deserialize, Default)]
#[serde(default)]
struct CallOptions {
    profiles: Option<OneOrMany>,
    format: Option<String>,
    mode: Option<Mode>,
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
fn fatal(code: &'static str, message: String) -> OperationOutcome {
    OperationOutcome {
        issues: vec![Issue {
            severity: Severity::Fatal,
            code,
            message,
            expression: String::new(),
            line: 0,
            col: 0,
            diagnostics: None,
            key: None,
        }],
    }
}

/// The outcome as the JavaScript wrapper takes it: [`OperationOutcome::to_rows_json`].
fn outcome_rows(o: &OperationOutcome) -> String {
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

/// The setup option names: the CLI's validate flags in camelCase as [`Options::from_host`]
/// defines them, then `suppress`. The wrapper (pkg/src/core.cjs) checks a constructor's keys
/// against them and its own, and hands these on to [`setup_options`] as they are.
#[wasm_bindgen]
pub fn setup_option_names() -> js_sys::Array {
    Options::host_names(Spelling::CamelCase)
        .into_iter()
        .chain([SUPPRESS.to_string()])
        .map(|n| JsValue::from_str(&n))
        .collect()
}

/// The setup option that is the host's filter, not an engine option.
const SUPPRESS: &str = "suppress";

/// The validator's [`Options`] from the JavaScript setup options (the CLI's flag names in
/// camelCase, read by [`Options::from_host`]), checked; and the suppressions of `suppress` (a
/// suppression file's text: the host's filter, not an engine option).
fn setup_options(options: &JsValue) -> Result<(Options, Suppressions), String> {
    if options.is_undefined() || options.is_null() {
        return Ok((Options::default(), Suppressions::default()));
    }
    if !options.is_object() {
        return Err("invalid options: not an object".into());
    }
    let copy = js_sys::Object::assign(
        &js_sys::Object::new(),
        &js_sys::Object::from(options.clone()),
    );
    let key = JsValue::from_str(SUPPRESS);
    let suppress = js_sys::Reflect::get(&copy, &key)
        .ok()
        .filter(|v| !v.is_undefined());
    let _ = js_sys::Reflect::delete_property(&copy, &key);
    let given: serde_json::Map<String, serde_json::Value> =
        serde_wasm_bindgen::from_value(copy.into()).map_err(|e| format!("invalid options: {e}"))?;
    let o =
        Options::from_host(given, Spelling::CamelCase, &[SUPPRESS]).map_err(|e| e.to_string())?;
    let suppress = match suppress {
        Some(v) => {
            let text = v
                .as_string()
                .ok_or("invalid options: suppress must be the text of a suppression file")?;
            Suppressions::parse(&text).map_err(|e| format!("invalid options: suppress: {e}"))?
        }
        None => Suppressions::default(),
    };
    Ok((o, suppress))
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
        let (opts, suppress) = opts;
        match Validator::builder()
            .profile_set_bytes(bytes)
            .options(opts.clone())
            .build()
        {
            Ok(v) => Engine {
                v,
                base: opts,
                suppress,
            }
            .into(),
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
        let mut pkgs: Vec<Vec<u8>> = Vec::with_capacity(list.len());
        for (i, p) in list.iter().enumerate() {
            let Some(bytes) = bytes_of(p) else {
                return error_object(&format!("package {i}: not a Uint8Array"));
            };
            pkgs.push(bytes);
        }
        let (opts, suppress) = opts;
        let mut builder = Validator::builder().packages(pkgs).options(opts.clone());
        if !(base.is_undefined() || base.is_null()) {
            let Some(b) = bytes_of(base) else {
                return error_object("the base profile set must be a Uint8Array");
            };
            builder = builder.base_profile_set(b);
        }
        match builder.build() {
            Ok(v) => Engine {
                v,
                base: opts,
                suppress,
            }
            .into(),
            Err(e) => error_object(&e.to_string()),
        }
    }

    /// Compile the IGs `igs` (`name#version`, or a bare name for the newest) with their
    /// dependency closures out of a package directory handed over as tarballs (`files`: an
    /// array of `{ name, bytes }`, `name` the file name, `NAME-VERSION.tgz` or
    /// `NAME#VERSION.tgz`), as the CLI's `--ig` does over `--packages DIR`: nearest-version
    /// substitution, R4 core and the always-loaded packages included.
    pub fn from_package_dir(files: &JsValue, igs: &JsValue, options: &JsValue) -> JsValue {
        let opts = match setup_options(options) {
            Ok(o) => o,
            Err(e) => return error_object(&e),
        };
        if !Array::is_array(files) {
            return error_object("the package directory must be an array of { name, bytes }");
        }
        let mut tarballs = Vec::new();
        for (i, f) in Array::from(files).iter().enumerate() {
            let name = js_sys::Reflect::get(&f, &JsValue::from_str("name"))
                .ok()
                .and_then(|n| n.as_string());
            let bytes = js_sys::Reflect::get(&f, &JsValue::from_str("bytes"))
                .ok()
                .and_then(|b| bytes_of(&b));
            match (name, bytes) {
                (Some(n), Some(b)) => tarballs.push((n, b)),
                _ => return error_object(&format!("package file {i}: not {{ name, bytes }}")),
            }
        }
        let specs: Vec<IgSpec> = if Array::is_array(igs) {
            let mut out = Vec::new();
            for (i, s) in Array::from(igs).iter().enumerate() {
                match s.as_string() {
                    Some(s) => out.push(IgSpec::Package(s)),
                    None => return error_object(&format!("igs[{i}] is not a string")),
                }
            }
            out
        } else {
            return error_object("igs must be an array of package names (name#version)");
        };
        if specs.is_empty() {
            return error_object("igs is empty: name at least one package (name#version)");
        }
        let dir = package::PackageDir::from_tarballs(tarballs);
        match load::compile_specs_in(&specs, Some(&dir)) {
            Ok(set) => Engine::new(set, opts).into(),
            Err(e) => error_object(&e.to_string()),
        }
    }

    /// Validate a JSON text. `options`: `{ profiles?: string | string[], mode?: 'standard' |
    /// 'pdex', capability?: string, format?: 'json' | 'ndjson' }`. Always an outcome, as
    /// the JSON rows of [`OperationOutcome::to_rows_json`]: one string and the host's `JSON.parse`
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

    /// Validate JSON given as UTF-8 bytes and group the issues as `fhirval validate --format
    /// text` summarises them: `{"rows": ROWS, "groups": [...]}`, ROWS as
    /// [`Engine::validate_str`] gives them, the groups of [`OperationOutcome::summary`].
    pub fn summary_bytes(&mut self, input: &[u8], options: &JsValue) -> String {
        let o = self.run(input, options);
        let groups = serde_json::to_string(&o.summary()).unwrap_or_else(|_| "[]".into());
        format!(r#"{{"rows":{},"groups":{groups}}}"#, outcome_rows(&o))
    }

    /// Must Support coverage over `inputs` (an array of JSON texts; see `coverage_of`): the
    /// report's JSON text, or an error object.
    pub fn coverage(&mut self, inputs: &JsValue, options: &JsValue) -> JsValue {
        if !Array::is_array(inputs) {
            return error_object("coverage inputs must be an array of JSON texts");
        }
        let mut texts = Vec::new();
        for (i, x) in Array::from(inputs).iter().enumerate() {
            match x.as_string() {
                Some(t) => texts.push(t),
                None => return error_object(&format!("coverage input {i} is not a string")),
            }
        }
        match self.coverage_of(&texts, options) {
            Ok(json) => JsValue::from_str(&json),
            Err(e) => error_object(&e),
        }
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

    fn run(&mut self, input: &[u8], options: &JsValue) -> OperationOutcome {
        let call = match self.prepare(options) {
            Ok(x) => x,
            Err(o) => return o,
        };
        let mut o = match call.format {
            Format::Json => self.v.validate_against(input, &call.profiles),
            Format::Ndjson => self.ndjson(input, &call.profiles),
        };
        self.suppress.apply(&mut o);
        o
    }

    /// A call's options checked and the validator set to its mode; else the fatal outcome.
    fn prepare(&mut self, options: &JsValue) -> Result<Call, OperationOutcome> {
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

    /// Must Support coverage over `inputs` (JSON texts, or NDJSON texts with `format:
    /// 'ndjson'`; options as [`Engine::validate_str`]'s): the report's JSON text, as
    /// `fhirval coverage --format json` writes it.
    fn coverage_of(&mut self, inputs: &[String], options: &JsValue) -> Result<String, String> {
        let call = self.prepare(options).map_err(|o| {
            o.issues
                .first()
                .map(|i| i.message.clone())
                .unwrap_or_default()
        })?;
        let mut counts = crate::coverage::Coverage::default();
        for (i, input) in inputs.iter().enumerate() {
            let docs: Vec<&str> = match call.format {
                Format::Json => vec![input.as_str()],
                Format::Ndjson => input.lines().filter(|l| !l.trim().is_empty()).collect(),
            };
            for doc in docs {
                counts
                    .add(&self.v, doc.as_bytes(), &call.profiles)
                    .map_err(|e| format!("input {i}: {e}"))?;
            }
        }
        serde_json::to_string(&counts.report(self.v.profile_set())).map_err(|e| e.to_string())
    }

    /// Each non-blank line is a resource; issue lines are lines of the whole input (as
    /// `fhirval validate` does for a `.ndjson` file).
    fn ndjson(&self, input: &[u8], profiles: &[String]) -> OperationOutcome {
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
fn error_json(o: &OperationOutcome) -> String {
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
    Ok(Call {
        profiles,
        format,
        mode: o.mode,
        capability: o.capability,
        panic_for_test: o.panic_for_test,
    })
}
