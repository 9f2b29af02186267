//! `fhirval._fhirval`: the native half of the Python package (`python/fhirval/`), a thin host
//! over the library like the CLI (`src/main.rs`) and the wasm build (`src/wasm.rs`).
//!
//! Results cross to Python as JSON text (the OperationOutcome exactly as `fhirval validate
//! --format json` writes it, keys in its order), which the Python side turns into dicts with
//! `json.loads`: one C call instead of building every dict across the boundary. Every
//! validation runs with the GIL released. Errors are `fhirval.Error`.

use fhirval::OperationOutcome;
use fhirval::bulk::{self, Resource};
use fhirval::load::{self, LoadConfig};
use fhirval::suppress::Suppressions;
use fhirval::{Options, Spelling, Validator, profileset};
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};
use std::path::PathBuf;

create_exception!(
    _fhirval,
    Error,
    PyException,
    "A profile set, package or option fhirval cannot use."
);

fn err(message: impl std::fmt::Display) -> PyErr {
    Error::new_err(message.to_string())
}

/// What a validator is made with besides its profile set: the library's options, the
/// profiles every input is also checked against, suppressions, and how to load the set.
struct Setup {
    options: Options,
    profiles: Vec<String>,
    suppress: Suppressions,
    no_cache: bool,
}

/// The Python keyword options (`Validator(**options)`): the CLI's validate flags in snake case,
/// named and checked by the library ([`Options::from_host`]), and this host's own keys:
/// `profiles`, `suppress` (a suppression file's path) and `no_cache`.
fn setup(mode: &str, options: Option<&Bound<'_, PyDict>>) -> PyResult<Setup> {
    const HOST_KEYS: [&str; 3] = ["profiles", "suppress", "no_cache"];
    let mut s = Setup {
        options: Options::default(),
        profiles: Vec::new(),
        suppress: Suppressions::default(),
        no_cache: false,
    };
    let mut given = serde_json::Map::new();
    given.insert("mode".into(), mode.into());
    if let Some(options) = options {
        for (key, value) in options.iter() {
            let key: String = key.extract()?;
            let bad = |e: PyErr| err(format!("option {key}: {e}"));
            match key.as_str() {
                "profiles" => s.profiles = value.extract().map_err(bad)?,
                "suppress" => {
                    let path: PathBuf = value.extract().map_err(bad)?;
                    let text = std::fs::read_to_string(&path)
                        .map_err(|e| err(format!("{}: {e}", path.display())))?;
                    s.suppress = Suppressions::parse(&text)
                        .map_err(|e| err(format!("{}: {e}", path.display())))?;
                }
                "no_cache" => s.no_cache = value.extract().map_err(bad)?,
                _ => {
                    let v = json_of(&value).map_err(bad)?;
                    given.insert(key, v);
                }
            }
        }
    }
    s.options = Options::from_host(given, Spelling::SnakeCase, &HOST_KEYS).map_err(err)?;
    Ok(s)
}

/// A keyword option's value as JSON, for the library's serde reading of the options: the
/// few Python types an option can have, written out here because that is all it takes (a
/// crate such as pythonize would be a dependency for these six cases).
fn json_of(v: &Bound<'_, PyAny>) -> PyResult<serde_json::Value> {
    use pyo3::types::{PyBool, PyFloat, PyInt, PyString, PyTuple};
    use serde_json::Value;
    Ok(if v.is_none() {
        Value::Null
    } else if let Ok(b) = v.cast::<PyBool>() {
        Value::Bool(b.is_true())
    } else if v.is_instance_of::<PyInt>() {
        match v.extract::<i64>() {
            Ok(n) => n.into(),
            Err(_) => v.extract::<u64>()?.into(),
        }
    } else if let Ok(f) = v.cast::<PyFloat>() {
        let n = serde_json::Number::from_f64(f.value());
        Value::Number(n.ok_or_else(|| err(format!("{} is not a number", f.value())))?)
    } else if v.is_instance_of::<PyString>() {
        Value::String(v.extract()?)
    } else if v.is_instance_of::<PyList>() || v.is_instance_of::<PyTuple>() {
        Value::Array(
            v.try_iter()?
                .map(|x| json_of(&x?))
                .collect::<PyResult<Vec<_>>>()?,
        )
    } else {
        return Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "{} is not an option value (a bool, number, string or list)",
            v.get_type().name()?
        )));
    })
}

/// A validator over one compiled profile set (`fhirval.Validator` wraps it).
#[pyclass(frozen, module = "fhirval._fhirval")]
struct Engine {
    v: Validator,
    profiles: Vec<String>,
    suppress: Suppressions,
}

impl Engine {
    fn new(set: fhirval::model::ProfileSet, s: Setup) -> PyResult<Engine> {
        if let Some(p) = s.profiles.iter().find(|p| set.resolve(p).is_none()) {
            return Err(err(format!(
                "profile {p}: no such profile in the loaded set"
            )));
        }
        Ok(Engine {
            v: Validator::new(set, s.options),
            profiles: s.profiles,
            suppress: s.suppress,
        })
    }

    fn one(&self, input: &[u8]) -> OperationOutcome {
        let mut o = self.v.validate_against(input, &self.profiles);
        self.suppress.apply(&mut o);
        o
    }

    /// Each resource of an NDJSON text, in order, suppressions applied.
    fn resources(&self, input: &[u8]) -> std::io::Result<Vec<Resource>> {
        let mut out = Vec::new();
        bulk::for_each_resource(&self.v, input, &self.profiles, &|_| {}, &mut |mut r| {
            self.suppress.apply(&mut r.outcome);
            out.push(r);
            Ok(())
        })?;
        Ok(out)
    }
}

fn json(o: &OperationOutcome) -> PyResult<String> {
    o.to_json().map_err(err)
}

#[pymethods]
impl Engine {
    /// Load (from the cache, or compile) the set `igs` name, as the CLI's `--ig`: none = the
    /// default (the newest PDex).
    #[staticmethod]
    #[pyo3(signature = (igs, packages_dir, mode, options=None))]
    fn load(
        py: Python<'_>,
        igs: Vec<String>,
        packages_dir: Option<PathBuf>,
        mode: &str,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Engine> {
        let s = setup(mode, options)?;
        let cfg = LoadConfig {
            package_dir: packages_dir,
            cache_dir: if s.no_cache {
                None
            } else {
                load::default_cache_dir()
            },
        };
        let set = py.detach(|| load::load(&igs, &cfg)).map_err(err)?;
        Engine::new(set, s)
    }

    /// A validator over a compiled profile set (`fhirval compile` output, `profile_set()`).
    #[staticmethod]
    #[pyo3(signature = (data, mode, options=None))]
    fn from_profile_set(
        py: Python<'_>,
        data: &[u8],
        mode: &str,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Engine> {
        let s = setup(mode, options)?;
        let set = py.detach(|| profileset::from_bytes(data)).map_err(err)?;
        Engine::new(set, s)
    }

    /// The set in the `fhirval compile` format.
    fn profile_set<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let bytes = py
            .detach(|| profileset::to_bytes(self.v.profile_set()))
            .map_err(err)?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// One JSON input → its OperationOutcome as JSON text.
    fn validate(&self, py: Python<'_>, data: &[u8]) -> PyResult<String> {
        json(&py.detach(|| self.one(data)))
    }

    /// Several JSON inputs (bytes) → their OperationOutcomes as one JSON array text.
    fn validate_many(&self, py: Python<'_>, data: Vec<Vec<u8>>) -> PyResult<String> {
        let outcomes: Vec<OperationOutcome> =
            py.detach(|| data.iter().map(|d| self.one(d)).collect());
        let texts: Vec<String> = outcomes.iter().map(json).collect::<PyResult<_>>()?;
        Ok(format!("[{}]", texts.join(",")))
    }

    /// NDJSON → one result per resource (non-blank line), as one JSON array text of
    /// `{"line", "resourceType", "id", "valid", "outcome"}`.
    fn validate_ndjson(&self, py: Python<'_>, data: &[u8]) -> PyResult<String> {
        let resources = py.detach(|| self.resources(data)).map_err(err)?;
        let texts: Vec<String> = resources
            .iter()
            .map(|r| r.to_json(None).map_err(err))
            .collect::<PyResult<_>>()?;
        Ok(format!("[{}]", texts.join(",")))
    }

    /// Values given as one buffer and their `offsets` (little-endian i64, one more than the
    /// values: an Arrow string or binary column's buffers, widened) → the issues, as rows
    /// (index of the value, resourceType, id, severity, code, expression or None, message),
    /// and per resource (index, labels, errors, warnings) for summaries. With `lines`, each
    /// value is an NDJSON line (blank ones skipped, as in a file; the caller knows the file
    /// lines and sets them); else each value is one whole JSON input.
    fn validate_values<'py>(
        &self,
        py: Python<'py>,
        data: &[u8],
        offsets: &[u8],
        lines: bool,
    ) -> PyResult<(Bound<'py, PyList>, Bound<'py, PyList>)> {
        let bounds: Vec<usize> = offsets
            .chunks_exact(8)
            .map(|c| {
                let n = i64::from_le_bytes(c.try_into().unwrap_or_default());
                usize::try_from(n).map_err(|_| err("negative offset"))
            })
            .collect::<PyResult<_>>()?;
        let resources: Vec<(usize, Resource)> = py.detach(|| {
            let mut out = Vec::new();
            for (i, w) in bounds.windows(2).enumerate() {
                let value = data.get(w[0]..w[1]).unwrap_or_default();
                let r = if lines {
                    bulk::validate_line(&self.v, 0, value, &self.profiles)
                } else {
                    let (resource_type, id) = bulk::type_and_id(value);
                    Some(Resource {
                        line: 0,
                        resource_type,
                        id,
                        labels: Vec::new(),
                        outcome: self.v.validate_against(value, &self.profiles),
                    })
                };
                if let Some(mut r) = r {
                    self.suppress.apply(&mut r.outcome);
                    out.push((i, r));
                }
            }
            out
        });
        let issues = PyList::empty(py);
        let per_resource = PyList::empty(py);
        for (i, r) in &resources {
            for issue in &r.outcome.issues {
                issues.append((
                    i,
                    r.resource_type.as_deref(),
                    r.id.as_deref(),
                    issue.severity.code(),
                    issue.code,
                    (!issue.expression.is_empty()).then_some(issue.expression.as_str()),
                    issue.message.as_str(),
                ))?;
            }
            let errors = r
                .outcome
                .issues
                .iter()
                .filter(|i| i.severity.is_error())
                .count();
            let warnings = r.outcome.count(fhirval::Severity::Warning);
            per_resource.append((i, r.labels.clone(), errors, warnings))?;
        }
        Ok((issues, per_resource))
    }
}

#[pymodule]
fn _fhirval(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Engine>()?;
    m.add("Error", m.py().get_type::<Error>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
