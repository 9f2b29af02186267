//! What every package source shares: `package.json` and `.index.json` parsing, the cheap
//! `resourceType` sniff, and the [`Collector`] that gathers a package's files in any order.

use std::collections::HashMap;

use serde_json::Value;

use super::{CONFORMANCE_TYPES, Package, PackageError, PackageId};

pub(super) struct Manifest {
    pub(super) id: PackageId,
    pub(super) dependencies: Vec<PackageId>,
    pub(super) canonical: Option<String>,
}

pub(super) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// Why one file of a package was not used (the package is read on: these become warnings, or
/// a [`PackageError`] for `package.json`).
#[derive(Debug, thiserror::Error)]
pub(super) enum FileError {
    /// Not JSON.
    #[error("invalid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// `.index.json` without its `files` array.
    #[error("no \"files\" array")]
    NoFiles,
    /// A file over the size limit.
    #[error("{size} bytes is over the {max}-byte limit; skipped")]
    TooBig {
        /// The file's size.
        size: u64,
        /// The limit.
        max: u64,
    },
    /// A file that could not be read.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

pub(super) fn parse_json(bytes: &[u8]) -> Result<Value, FileError> {
    Ok(serde_json::from_slice(strip_bom(bytes))?)
}

pub(super) fn parse_manifest(
    bytes: &[u8],
    source: &str,
    warnings: &mut Vec<String>,
) -> Result<Manifest, PackageError> {
    let fmt_err = |message: String| PackageError::Format {
        source: source.to_string(),
        message,
    };
    let v = parse_json(bytes).map_err(|e| fmt_err(format!("package.json: {e}")))?;
    let field = |k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let name = field("name").ok_or_else(|| fmt_err("package.json has no \"name\"".into()))?;
    let version =
        field("version").ok_or_else(|| fmt_err("package.json has no \"version\"".into()))?;
    let mut dependencies = Vec::new();
    match v.get("dependencies") {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => {
            for (dep, ver) in map {
                match ver.as_str().map(str::trim) {
                    Some(ver) if !ver.is_empty() && !dep.trim().is_empty() => {
                        dependencies.push(PackageId::new(dep.trim(), ver));
                    }
                    _ => warnings.push(format!(
                        "package.json: ignoring dependency {dep:?} with version {ver}"
                    )),
                }
            }
        }
        Some(_) => warnings.push("package.json: \"dependencies\" is not an object; ignored".into()),
    }
    dependencies.sort();
    dependencies.dedup();
    Ok(Manifest {
        id: PackageId::new(name, version),
        dependencies,
        canonical: field("canonical").map(|c| c.trim_end_matches('/').to_string()),
    })
}

/// `.index.json` → file name → resourceType (if given).
pub(super) fn parse_index(bytes: &[u8]) -> Result<HashMap<String, Option<String>>, FileError> {
    let v = parse_json(bytes)?;
    let files = v
        .get("files")
        .and_then(Value::as_array)
        .ok_or(FileError::NoFiles)?;
    Ok(files
        .iter()
        .filter_map(|f| {
            let name = f.get("filename")?.as_str()?.to_string();
            Some((
                name,
                f.get("resourceType")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            ))
        })
        .collect())
}

pub(super) fn is_conformance(rt: &str) -> bool {
    CONFORMANCE_TYPES.contains(&rt)
}

pub(super) fn skip_ws(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    b.get(n..).unwrap_or_default()
}

/// Cheap look at a JSON document: if its first key is `"resourceType"` with
/// a plain string value, return that value without parsing the rest.
pub(super) fn sniff_resource_type(bytes: &[u8]) -> Option<&str> {
    let b = skip_ws(strip_bom(bytes));
    let b = skip_ws(b.strip_prefix(b"{")?);
    let b = skip_ws(b.strip_prefix(b"\"resourceType\"")?);
    let b = skip_ws(b.strip_prefix(b":")?);
    let b = b.strip_prefix(b"\"")?;
    let end = b.iter().position(|c| *c == b'"' || *c == b'\\')?;
    if b.get(end) != Some(&b'"') {
        return None;
    }
    std::str::from_utf8(b.get(..end)?).ok()
}

pub(super) fn resource_type(v: &Value) -> Option<&str> {
    v.get("resourceType").and_then(Value::as_str)
}

pub(super) fn is_json_name(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".json")
}

pub(super) fn is_example_dir(name: &str) -> bool {
    name == "example" || name == "examples"
}

/// Accumulates package content from files in any order (tarball streams may
/// put `package.json` and `.index.json` anywhere).
pub(super) struct Collector {
    pub(super) source: String,
    pub(super) manifest: Option<Manifest>,
    pub(super) index: Option<HashMap<String, Option<String>>>,
    pub(super) resources: Vec<(String, Value)>,
    pub(super) examples: Vec<(String, Value)>,
    pub(super) warnings: Vec<String>,
}

/// What to do with a top-level package file before reading its bytes.
#[derive(Clone, Copy)]
pub(super) enum Decision {
    Skip,
    Parse,
    /// Sniff / parse and filter by resourceType.
    Check,
}

impl Collector {
    pub(super) fn new(source: &str) -> Collector {
        Collector {
            source: source.to_string(),
            manifest: None,
            index: None,
            resources: Vec::new(),
            examples: Vec::new(),
            warnings: Vec::new(),
        }
    }

    pub(super) fn decide(&self, file: &str) -> Decision {
        match self.index.as_ref().and_then(|idx| idx.get(file)) {
            Some(Some(rt)) if is_conformance(rt) => Decision::Parse,
            Some(Some(_)) => Decision::Skip,
            _ => Decision::Check,
        }
    }

    pub(super) fn set_manifest(&mut self, path: &str, bytes: &[u8]) -> Result<(), PackageError> {
        let source = format!("{}: {path}", self.source);
        let m = parse_manifest(bytes, &source, &mut self.warnings)?;
        self.manifest = Some(m);
        Ok(())
    }

    pub(super) fn set_index(&mut self, path: &str, bytes: &[u8]) {
        match parse_index(bytes) {
            Ok(idx) => self.index = Some(idx),
            Err(e) => self.warnings.push(format!("{path}: ignoring index: {e}")),
        }
    }

    /// A top-level `package/<file>.json` (not package.json / .index.json).
    pub(super) fn add_resource(
        &mut self,
        path: &str,
        file: &str,
        bytes: &[u8],
        decision: Decision,
    ) {
        if let Decision::Check = decision
            && let Some(rt) = sniff_resource_type(bytes)
            && !is_conformance(rt)
        {
            return;
        }
        match parse_json(bytes) {
            Ok(v) => {
                if resource_type(&v).is_some_and(is_conformance) {
                    self.resources.push((file.to_string(), v));
                }
            }
            Err(e) => self.warnings.push(format!("{path}: {e}")),
        }
    }

    pub(super) fn add_example(&mut self, path: &str, file: &str, bytes: &[u8]) {
        match parse_json(bytes) {
            Ok(v) if resource_type(&v).is_some() => self.examples.push((file.to_string(), v)),
            Ok(_) => self.warnings.push(format!(
                "{path}: not a FHIR resource (no resourceType); skipped"
            )),
            Err(e) => self.warnings.push(format!("{path}: {e}")),
        }
    }

    pub(super) fn finish(mut self, digest: u64) -> Result<Package, PackageError> {
        let Some(manifest) = self.manifest else {
            return Err(PackageError::Format {
                source: self.source,
                message: "no package/package.json".into(),
            });
        };
        self.resources.sort_by(|a, b| a.0.cmp(&b.0));
        self.examples.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(Package {
            id: manifest.id,
            dependencies: manifest.dependencies,
            canonical: manifest.canonical,
            resources: self.resources.into_iter().map(|(_, v)| v).collect(),
            examples: self.examples,
            digest,
            warnings: self.warnings,
        })
    }
}
