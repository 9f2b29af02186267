//! Bulk data: NDJSON (one resource per line), streamed in bounded chunks and validated in
//! parallel (with the `parallel` feature). Each non-blank line is one [`Resource`]: its own
//! outcome (capped by `max_issues` per line, so the file's totals stay exact), its issues
//! located by file line; and a summary of resources, errors and warnings per profile.

use crate::outcome::{Issue, OperationOutcome, Severity};
use crate::validate::Validator;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{BufRead, Read};

/// Lines validated together, and the bytes they may hold: bounds memory whatever the file size
/// (a line itself is bounded by the validator's input size limit).
const CHUNK: usize = 2_048;
const CHUNK_BYTES: usize = 64 << 20;

/// Resources, errors and warnings counted per profile (the declared `meta.profile`s, or the
/// resource type when none is declared).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Resources validated.
    pub resources: usize,
    /// Counts per profile (or resource type).
    pub by_profile: BTreeMap<String, ProfileCounts>,
    /// Issues left out by a suppression file.
    pub suppressed: usize,
}

/// Resources, errors (fatal included) and warnings of one profile.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ProfileCounts {
    /// Resources that declare it.
    pub resources: usize,
    /// Their errors and fatal issues.
    pub errors: usize,
    /// Their warnings.
    pub warnings: usize,
}

impl Summary {
    /// Count one validated resource.
    pub fn add(&mut self, resource: &[u8], outcome: &OperationOutcome) {
        self.add_labelled(&Facts::of(resource).labels, outcome);
    }

    /// Count one validated resource under the labels it was filed under ([`Resource::labels`]).
    pub fn add_labelled(&mut self, labels: &[String], outcome: &OperationOutcome) {
        self.resources += 1;
        let errors = outcome
            .issues
            .iter()
            .filter(|i| i.severity.is_error())
            .count();
        let warnings = outcome.count(Severity::Warning);
        for label in labels {
            let c = self.by_profile.entry(label.clone()).or_default();
            c.resources += 1;
            c.errors += errors;
            c.warnings += warnings;
        }
    }

    /// Add another summary's counts.
    pub fn merge(&mut self, other: Summary) {
        self.resources += other.resources;
        self.suppressed += other.suppressed;
        for (k, v) in other.by_profile {
            let c = self.by_profile.entry(k).or_default();
            c.resources += v.resources;
            c.errors += v.errors;
            c.warnings += v.warnings;
        }
    }

    /// A readable table.
    pub fn to_text(&self) -> String {
        let mut out = format!("{} resources", self.resources);
        if self.suppressed > 0 {
            out.push_str(&format!(", {} issues suppressed", self.suppressed));
        }
        out.push('\n');
        for (p, c) in &self.by_profile {
            out.push_str(&format!(
                "  {p}: {} resources, {} errors, {} warnings\n",
                c.resources, c.errors, c.warnings
            ));
        }
        out
    }
}

/// What the summary and the per-resource results need from a resource's top level.
struct Facts {
    /// The declared profiles, else the resource type (`(no resourceType)`, `(not JSON)`).
    labels: Vec<String>,
    resource_type: Option<String>,
    id: Option<String>,
}

impl Facts {
    fn of(resource: &[u8]) -> Facts {
        let arena = crate::json::Arena::new();
        let Ok(root) = crate::json::parse_bytes(resource, &arena, &crate::json::Limits::default())
        else {
            return Facts {
                labels: vec!["(not JSON)".into()],
                resource_type: None,
                id: None,
            };
        };
        let text = |key: &str| {
            root.get(key)
                .and_then(|t| t.value.as_str())
                .map(str::to_string)
        };
        let resource_type = text("resourceType");
        let declared: Vec<String> = root
            .get("meta")
            .and_then(|m| m.get("profile"))
            .and_then(|p| p.value.as_array())
            .map(|ps| {
                ps.iter()
                    .filter_map(|p| p.value.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let labels = if declared.is_empty() {
            vec![
                resource_type
                    .clone()
                    .unwrap_or_else(|| "(no resourceType)".into()),
            ]
        } else {
            declared
        };
        Facts {
            labels,
            id: text("id"),
            resource_type,
        }
    }
}

/// One resource (non-blank line) of an NDJSON input, validated: its outcome's issues carry
/// the line of the file (the column stays the column in the line).
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// 1-based line in the input.
    pub line: usize,
    /// The top-level `resourceType` and `id`, when they are strings.
    pub resource_type: Option<String>,
    /// See `resource_type`.
    pub id: Option<String>,
    /// What [`Summary`] counts it under: the declared profiles, else the resource type.
    pub labels: Vec<String>,
    /// Its outcome (issue lines are lines of the whole input).
    pub outcome: OperationOutcome,
}

/// The JSON form of a [`Resource`] (fields in the order written).
#[derive(Serialize)]
struct ResourceJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    line: Option<usize>,
    #[serde(rename = "resourceType")]
    resource_type: Option<&'a str>,
    id: Option<&'a str>,
    valid: bool,
    outcome: serde_json::Value,
}

impl Resource {
    /// No fatal issue and no error.
    pub fn valid(&self) -> bool {
        !self.outcome.has_errors()
    }

    /// The per-resource result as compact JSON: `{"file"?, "line", "resourceType", "id",
    /// "valid", "outcome"}`, `file` only when given, `resourceType` and `id` null when the
    /// resource has none, `outcome` the OperationOutcome as `--format json` writes it.
    pub fn to_json(&self, file: Option<&str>) -> Result<String, serde_json::Error> {
        result_json(
            file,
            Some(self.line),
            self.resource_type.as_deref(),
            self.id.as_deref(),
            &self.outcome,
        )
    }
}

/// One result record (see [`Resource::to_json`]); `line` is null for a whole-file input.
pub fn result_json(
    file: Option<&str>,
    line: Option<usize>,
    resource_type: Option<&str>,
    id: Option<&str>,
    outcome: &OperationOutcome,
) -> Result<String, serde_json::Error> {
    serde_json::to_string(&ResourceJson {
        file,
        line,
        resource_type,
        id,
        valid: !outcome.has_errors(),
        outcome: outcome.to_operation_outcome(),
    })
}

/// The top-level `resourceType` and `id` of a JSON document, when they are strings.
pub fn type_and_id(resource: &[u8]) -> (Option<String>, Option<String>) {
    let f = Facts::of(resource);
    (f.resource_type, f.id)
}

/// Validate every non-empty line of an NDJSON stream; issues carry the file line.
/// `progress` is told the number of lines done after each chunk. The issues of all lines in
/// one outcome (each line capped by `max_issues`, none for the whole input), and the summary.
pub fn validate_ndjson(
    validator: &Validator,
    reader: impl BufRead,
    profiles: &[String],
    progress: &dyn Fn(usize),
) -> std::io::Result<(OperationOutcome, Summary)> {
    let mut outcome = OperationOutcome::default();
    let mut summary = Summary::default();
    for_each_resource(validator, reader, profiles, progress, &mut |r| {
        summary.add_labelled(&r.labels, &r.outcome);
        outcome.issues.extend(r.outcome.issues);
        Ok(())
    })?;
    Ok((outcome, summary))
}

/// Validate every non-empty line of an NDJSON stream and hand each [`Resource`] to `each`, in
/// input order, chunk by chunk (memory bounded by a chunk, whatever the input size). An error
/// from `each` stops the run and is returned.
pub fn for_each_resource(
    validator: &Validator,
    mut reader: impl BufRead,
    profiles: &[String],
    progress: &dyn Fn(usize),
    each: &mut dyn FnMut(Resource) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut line_no = 0usize;
    let max_line = validator.options().max_input_bytes;
    loop {
        let mut chunk: Vec<(usize, Vec<u8>)> = Vec::with_capacity(CHUNK);
        // lines over the size limit: not kept, reported in place
        let mut oversized: Vec<Resource> = Vec::new();
        let mut bytes = 0usize;
        while chunk.len() < CHUNK && bytes < CHUNK_BYTES {
            let mut line = Vec::new();
            let limit = u64::try_from(max_line)
                .unwrap_or(u64::MAX)
                .saturating_add(2);
            if Read::take(&mut reader, limit).read_until(b'\n', &mut line)? == 0 {
                break;
            }
            line_no += 1;
            if line.last() != Some(&b'\n') && line.len() > max_line.saturating_add(1) {
                let skipped = skip_line(&mut reader)?;
                oversized.push(too_long(line_no, line.len() + skipped, max_line));
                continue;
            }
            if !is_blank(&line) {
                trim_end(&mut line);
                bytes += line.len();
                chunk.push((line_no, line));
            }
        }
        if chunk.is_empty() && oversized.is_empty() {
            break;
        }
        let mut done = validate_chunk(validator, chunk, profiles);
        for r in oversized {
            let at = done.partition_point(|d| d.line < r.line);
            done.insert(at, r);
        }
        for r in done {
            each(r)?;
        }
        progress(line_no);
    }
    Ok(())
}

/// One line of an NDJSON input (without its `\n`), validated as [`for_each_resource`] does:
/// `None` for a blank line, a fatal issue for a line longer than the input size limit (+1,
/// for a `\r`). For hosts that split the lines themselves (the npm package's streams).
pub fn validate_line(
    validator: &Validator,
    line_no: usize,
    line: &[u8],
    profiles: &[String],
) -> Option<Resource> {
    let max_line = validator.options().max_input_bytes;
    if line.len() > max_line.saturating_add(1) {
        return Some(too_long(line_no, line.len(), max_line));
    }
    if is_blank(line) {
        return None;
    }
    let mut end = line.len();
    while end > 0 && matches!(line.get(end - 1), Some(b'\n' | b'\r')) {
        end -= 1;
    }
    Some(validate_one(
        validator,
        line_no,
        line.get(..end).unwrap_or(line),
        profiles,
    ))
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

fn trim_end(line: &mut Vec<u8>) {
    while matches!(line.last(), Some(b'\n' | b'\r')) {
        line.pop();
    }
}

/// Consume the rest of a line (through its `\n`) without keeping it; the bytes skipped
/// before the `\n`.
fn skip_line(reader: &mut impl BufRead) -> std::io::Result<usize> {
    let mut skipped = 0;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(skipped);
        }
        match buf.iter().position(|&b| b == b'\n') {
            Some(i) => {
                reader.consume(i + 1);
                return Ok(skipped + i);
            }
            None => {
                let n = buf.len();
                reader.consume(n);
                skipped += n;
            }
        }
    }
}

/// A line over the input size limit (the parser's message for a whole file).
fn too_long(line: usize, len: usize, max: usize) -> Resource {
    Resource {
        line,
        resource_type: None,
        id: None,
        labels: vec!["(not JSON)".into()],
        outcome: OperationOutcome {
            issues: vec![Issue {
                severity: Severity::Fatal,
                code: "invalid",
                message: format!(
                    "Error parsing JSON: input size at least {len} bytes exceeds limit of {max} bytes"
                ),
                expression: String::new(),
                line: u32::try_from(line).unwrap_or(u32::MAX),
                col: 1,
                diagnostics: None,
                key: None,
            }],
        },
    }
}

/// One line's resource validated; every issue carries the file line.
fn validate_one(v: &Validator, line: usize, bytes: &[u8], profiles: &[String]) -> Resource {
    let mut outcome = v.validate_against(bytes, profiles);
    let at = u32::try_from(line).unwrap_or(u32::MAX);
    for issue in &mut outcome.issues {
        issue.line = at;
    }
    let facts = Facts::of(bytes);
    Resource {
        line,
        resource_type: facts.resource_type,
        id: facts.id,
        labels: facts.labels,
        outcome,
    }
}

#[cfg(feature = "parallel")]
fn validate_chunk(
    v: &Validator,
    chunk: Vec<(usize, Vec<u8>)>,
    profiles: &[String],
) -> Vec<Resource> {
    use rayon::prelude::*;
    chunk
        .into_par_iter()
        .map(|(line, bytes)| validate_one(v, line, &bytes, profiles))
        .collect()
}

#[cfg(not(feature = "parallel"))]
fn validate_chunk(
    v: &Validator,
    chunk: Vec<(usize, Vec<u8>)>,
    profiles: &[String],
) -> Vec<Resource> {
    chunk
        .into_iter()
        .map(|(line, bytes)| validate_one(v, line, &bytes, profiles))
        .collect()
}
