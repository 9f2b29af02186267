//! The result of validation: issues, rendered as a FHIR `OperationOutcome` or as text.

use serde_json::{Map, Value, json};
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Fatal,
    Error,
    Warning,
    Information,
}

impl Severity {
    pub fn code(self) -> &'static str {
        match self {
            Severity::Fatal => "fatal",
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
        }
    }
    pub fn is_error(self) -> bool {
        matches!(self, Severity::Fatal | Severity::Error)
    }
}

/// One problem found, located by FHIRPath expression and by line/column in the input.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Issue {
    pub severity: Severity,
    /// FHIR IssueType code (`structure`, `invalid`, `value`, `required`, `not-found`, ...).
    pub code: &'static str,
    pub message: String,
    /// FHIRPath of the offending element as the Java validator writes it.
    pub expression: String,
    /// 1-based; 0 when the issue has no place in the input.
    pub line: u32,
    pub col: u32,
}

/// All issues for one input.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    pub issues: Vec<Issue>,
}

const LINE_EXT: &str = "http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-line";
const COL_EXT: &str = "http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-col";
pub const FILE_EXT: &str = "http://hl7.org/fhir/StructureDefinition/operationoutcome-file";

impl Outcome {
    pub fn has_errors(&self) -> bool {
        self.issues.iter().any(|i| i.severity.is_error())
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.issues
            .iter()
            .filter(|i| i.severity == severity)
            .count()
    }

    /// The FHIR `OperationOutcome`. An outcome without issues carries the single information
    /// issue the Java validator writes ("All OK"), as FHIR requires at least one issue.
    pub fn to_operation_outcome(&self) -> Value {
        let mut issues: Vec<Value> = self
            .issues
            .iter()
            .map(|i| {
                let mut issue = Map::new();
                if i.line > 0 {
                    issue.insert(
                        "extension".into(),
                        json!([
                            {"url": LINE_EXT, "valueInteger": i.line},
                            {"url": COL_EXT, "valueInteger": i.col},
                        ]),
                    );
                }
                issue.insert("severity".into(), json!(i.severity.code()));
                issue.insert("code".into(), json!(i.code));
                issue.insert("details".into(), json!({"text": i.message}));
                if !i.expression.is_empty() {
                    issue.insert("expression".into(), json!([i.expression]));
                }
                Value::Object(issue)
            })
            .collect();
        if issues.is_empty() {
            issues.push(json!({
                "severity": "information",
                "code": "informational",
                "details": {"text": "All OK"}
            }));
        }
        json!({"resourceType": "OperationOutcome", "issue": issues})
    }

    /// A readable report: one line per issue and a summary line.
    pub fn to_text(&self, source: &str) -> String {
        let mut out = String::new();
        for i in &self.issues {
            let _ = writeln!(
                out,
                "{source}:{}:{}: {} [{}] {}: {}",
                i.line,
                i.col,
                i.severity.code(),
                i.code,
                if i.expression.is_empty() {
                    "-"
                } else {
                    &i.expression
                },
                i.message
            );
        }
        let _ = writeln!(
            out,
            "{source}: {} — {} fatal, {} errors, {} warnings, {} information",
            if self.has_errors() {
                "INVALID"
            } else {
                "valid"
            },
            self.count(Severity::Fatal),
            self.count(Severity::Error),
            self.count(Severity::Warning),
            self.count(Severity::Information)
        );
        out
    }
}

/// Several outcomes (one per input file) as a `collection` Bundle, each tagged with its file.
pub fn bundle_of_outcomes(outcomes: &[(String, &Outcome)]) -> Value {
    let entries: Vec<Value> = outcomes
        .iter()
        .map(|(file, o)| {
            let mut oo = o.to_operation_outcome();
            if let Value::Object(m) = &mut oo {
                m.insert(
                    "extension".into(),
                    json!([{"url": FILE_EXT, "valueString": file}]),
                );
            }
            json!({"resource": oo})
        })
        .collect();
    json!({"resourceType": "Bundle", "type": "collection", "entry": entries})
}
