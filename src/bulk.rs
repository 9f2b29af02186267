//! Bulk data: NDJSON (one resource per line), streamed in bounded chunks and validated in
//! parallel (with the `parallel` feature), with issues located by file line, and a summary of
//! resources, errors and warnings per profile.

use crate::outcome::{Issue, OperationOutcome, Severity};
use crate::validate::Validator;
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
        self.resources += 1;
        let errors = outcome
            .issues
            .iter()
            .filter(|i| i.severity.is_error())
            .count();
        let warnings = outcome.count(Severity::Warning);
        for label in labels(resource) {
            let c = self.by_profile.entry(label).or_default();
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

/// The profiles a resource declares, or its type.
fn labels(resource: &[u8]) -> Vec<String> {
    let Ok(root) = crate::json::parse_bytes(resource, &crate::json::Limits::default()) else {
        return vec!["(not JSON)".into()];
    };
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
    if declared.is_empty() {
        let t = root
            .get("resourceType")
            .and_then(|t| t.value.as_str())
            .unwrap_or("(no resourceType)");
        vec![t.to_string()]
    } else {
        declared
    }
}

/// Validate every non-empty line of an NDJSON stream; issues carry the file line.
/// `progress` is told the number of lines done after each chunk.
pub fn validate_ndjson(
    validator: &Validator,
    mut reader: impl BufRead,
    profiles: &[String],
    progress: &dyn Fn(usize),
) -> std::io::Result<(OperationOutcome, Summary)> {
    let mut outcome = OperationOutcome::default();
    let mut summary = Summary::default();
    let mut line_no = 0usize;
    let max = validator.options().max_issues;
    let max_line = validator.options().max_input_bytes;
    loop {
        let mut chunk: Vec<(usize, Vec<u8>)> = Vec::with_capacity(CHUNK);
        // lines over the size limit: not kept, reported in place
        let mut oversized: Vec<(usize, OperationOutcome)> = Vec::new();
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
                oversized.push((line_no, too_long(line.len() + skipped, max_line)));
                continue;
            }
            while matches!(line.last(), Some(b'\n' | b'\r')) {
                line.pop();
            }
            if line.iter().any(|b| !b.is_ascii_whitespace()) {
                bytes += line.len();
                chunk.push((line_no, line));
            }
        }
        if chunk.is_empty() && oversized.is_empty() {
            break;
        }
        let mut done = validate_chunk(validator, chunk, profiles);
        for (line, o) in oversized {
            let at = done.partition_point(|(l, _, _)| *l < line);
            done.insert(at, (line, Vec::new(), o));
        }
        for (line, resource, o) in done {
            summary.add(&resource, &o);
            for mut issue in o.issues {
                if outcome.issues.len() >= max {
                    break;
                }
                issue.line = u32::try_from(line).unwrap_or(u32::MAX);
                outcome.issues.push(issue);
            }
        }
        progress(line_no);
    }
    if outcome.issues.len() >= max {
        outcome.issues.push(Issue {
            severity: Severity::Error,
            code: "too-costly",
            message: format!("Too many issues: only the first {max} are reported"),
            expression: String::new(),
            line: 0,
            col: 0,
            diagnostics: None,
            key: None,
        });
    }
    Ok((outcome, summary))
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

/// The outcome of a line over the input size limit (the parser's message for a whole file).
fn too_long(len: usize, max: usize) -> OperationOutcome {
    OperationOutcome {
        issues: vec![Issue {
            severity: Severity::Fatal,
            code: "invalid",
            message: format!(
                "Error parsing JSON: input size at least {len} bytes exceeds limit of {max} bytes"
            ),
            expression: String::new(),
            line: 0,
            col: 1,
            diagnostics: None,
            key: None,
        }],
    }
}

type Done = (usize, Vec<u8>, OperationOutcome);

#[cfg(feature = "parallel")]
fn validate_chunk(v: &Validator, chunk: Vec<(usize, Vec<u8>)>, profiles: &[String]) -> Vec<Done> {
    use rayon::prelude::*;
    chunk
        .into_par_iter()
        .map(|(line, bytes)| {
            let o = v.validate_against(&bytes, profiles);
            (line, bytes, o)
        })
        .collect()
}

#[cfg(not(feature = "parallel"))]
fn validate_chunk(v: &Validator, chunk: Vec<(usize, Vec<u8>)>, profiles: &[String]) -> Vec<Done> {
    chunk
        .into_iter()
        .map(|(line, bytes)| {
            let o = v.validate_against(&bytes, profiles);
            (line, bytes, o)
        })
        .collect()
}
