//! The result of validation: [`OperationOutcome`], a list of typed [`Issue`]s that serialises (with
//! serde) to the FHIR `OperationOutcome` JSON exactly as `fhirval validate --format json` writes
//! it, key order included; also rendered as text and as the compact rows the WebAssembly host
//! hands to JavaScript.

use crate::message_id;
use serde::{Serialize, Serializer};
use serde_json::{Value, json};
use std::fmt::Write as _;

/// How bad an issue is (FHIR `IssueSeverity`), worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The input could not be processed (not JSON, over a limit, ...).
    Fatal,
    /// The input is invalid.
    Error,
    /// Possibly a problem.
    Warning,
    /// For the reader; not a problem.
    Information,
}

impl Severity {
    /// The FHIR code: `fatal`, `error`, `warning`, `information`.
    pub fn code(self) -> &'static str {
        match self {
            Severity::Fatal => "fatal",
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
        }
    }
    /// Fatal or error: the input is not valid.
    pub fn is_error(self) -> bool {
        matches!(self, Severity::Fatal | Severity::Error)
    }
}

/// One problem found, located by FHIRPath expression and by line/column in the input.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Issue {
    /// How bad it is.
    pub severity: Severity,
    /// FHIR IssueType code (`structure`, `invalid`, `value`, `required`, `not-found`, ...).
    pub code: &'static str,
    /// What is wrong, in the Java validator's words where it has them (`details.text`).
    pub message: String,
    /// FHIRPath of the offending element as the Java validator writes it.
    pub expression: String,
    /// 1-based line in the input; 0 when the issue has no place in the input.
    pub line: u32,
    /// 1-based column (in characters); 0 when the issue has no place in the input.
    pub col: u32,
    /// Why, when the message alone does not say it (slicing: what each candidate slice wants
    /// and what was found): the OperationOutcome's `issue.diagnostics`, one reason a line.
    pub diagnostics: Option<String>,
    /// The invariant key (`us-core-8`, `txt-1`, `bdl-7`) or the Java validator's message id
    /// (`Terminology_TX_NoValid_1_CC`) the issue answers to, when it has one. Data: the JSON
    /// carries the issue's [message id](Issue::message_id), which for a failed invariant is
    /// Java's `INV_FAILED`, the key staying here (and in the message text).
    pub key: Option<String>,
}

impl Issue {
    /// The issue's message id (Java's where the issue is one of the Java validator's messages,
    /// else a stable id of ours; see [`crate::message_id`]): what the JSON's
    /// `operationoutcome-message-id` extension carries, and what suppressions and the grouped
    /// summary name.
    pub fn message_id(&self) -> &str {
        message_id::of(self)
    }

    /// What the grouped summary groups by: the invariant key of a failed invariant (all share
    /// the id `INV_FAILED`), else the message id.
    pub fn group_key(&self) -> &str {
        match self.key.as_deref() {
            Some(k) => k,
            None => self.message_id(),
        }
    }
}

/// All issues for one input, in the order found: what [`Validator::validate`](crate::Validator::validate)
/// returns. Serialised with serde it is the FHIR `OperationOutcome` (see [`Serialize`] below);
/// `serde_json::to_string_pretty` of it is byte for byte what `fhirval validate --format json`
/// prints for one input.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OperationOutcome {
    /// The issues; empty when the input is valid without remarks.
    pub issues: Vec<Issue>,
}

/// The FHIR JSON form: `resourceType`, then `issue` (each with the line/column extensions when
/// placed, `severity`, `code`, `details.text` and `expression`); an outcome without issues holds
/// the one information issue "All OK", as the Java validator writes it.
impl Serialize for OperationOutcome {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.fhir().serialize(serializer)
    }
}

/// The JSON form of an outcome (fields in the order written).
#[derive(Serialize)]
struct FhirOutcome<'a> {
    #[serde(rename = "resourceType")]
    resource_type: &'static str,
    issue: Vec<FhirIssue<'a>>,
}

#[derive(Serialize)]
struct FhirIssue<'a> {
    /// Line and column when placed, then the message id.
    extension: Extensions<'a>,
    severity: &'static str,
    code: &'static str,
    details: Details<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    diagnostics: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expression: Option<[&'a str; 1]>,
}

/// One issue as [`OperationOutcome::to_rows_json`] writes it: seven fields, an eighth (the
/// diagnostics) when the issue has them.
#[derive(Serialize)]
#[serde(untagged)]
enum Row<'a> {
    Plain(&'a str, &'a str, &'a str, &'a str, u32, u32, &'a str),
    Diagnosed(
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        u32,
        u32,
        &'a str,
        &'a str,
    ),
}

/// An issue's extensions: the line and column when it has a place, then its message id.
struct Extensions<'a> {
    place: Option<(u32, u32)>,
    id: &'a str,
}

impl Serialize for Extensions<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(Some(if self.place.is_some() { 3 } else { 1 }))?;
        if let Some((line, col)) = self.place {
            seq.serialize_element(&Position {
                url: LINE_EXT,
                value_integer: line,
            })?;
            seq.serialize_element(&Position {
                url: COL_EXT,
                value_integer: col,
            })?;
        }
        seq.serialize_element(&MessageId {
            url: message_id::EXTENSION_URL,
            value_string: self.id,
        })?;
        seq.end()
    }
}

#[derive(Serialize)]
struct Position {
    url: &'static str,
    #[serde(rename = "valueInteger")]
    value_integer: u32,
}

#[derive(Serialize)]
struct MessageId<'a> {
    url: &'static str,
    #[serde(rename = "valueString")]
    value_string: &'a str,
}

#[derive(Serialize)]
struct Details<'a> {
    text: &'a str,
}

const LINE_EXT: &str = "http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-line";
const COL_EXT: &str = "http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-col";
/// The extension tagging each outcome of a Bundle of outcomes with its input file.
pub const FILE_EXT: &str = "http://hl7.org/fhir/StructureDefinition/operationoutcome-file";

impl OperationOutcome {
    /// Any fatal or error issue: the input is not valid.
    pub fn has_errors(&self) -> bool {
        self.issues.iter().any(|i| i.severity.is_error())
    }

    /// The number of issues of this severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.issues
            .iter()
            .filter(|i| i.severity == severity)
            .count()
    }

    /// The FHIR `OperationOutcome`. An outcome without issues carries the single information
    /// issue the Java validator writes ("All OK"), as FHIR requires at least one issue.
    pub fn to_operation_outcome(&self) -> Value {
        // cannot fail: every key is a string
        serde_json::to_value(self.fhir()).unwrap_or(Value::Null)
    }

    /// [`OperationOutcome::to_operation_outcome`] as compact JSON text, written without building
    /// the JSON tree first.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(&self.fhir())
    }

    /// The JSON text `fhirval validate --format json` prints for one input (without the final
    /// newline): `serde_json::to_string_pretty` of the outcome.
    pub fn to_json_pretty(&self) -> Result<String, crate::Error> {
        Ok(serde_json::to_string_pretty(self)?)
    }

    /// The issues of [`OperationOutcome::to_operation_outcome`] as compact JSON rows, `[severity,
    /// code, text, expression ("" when none), line, column (0 when unknown)]`, and the
    /// diagnostics as a seventh field when the issue has them: the form the
    /// WebAssembly host hands to its JavaScript wrapper, which builds the OperationOutcome
    /// objects from them (half the text of the full JSON to write, decode and parse).
    pub fn to_rows_json(&self) -> Result<String, serde_json::Error> {
        let rows: Vec<Row<'_>> = self
            .fhir()
            .issue
            .iter()
            .map(|i| {
                let (line, col) = i.extension.place.unwrap_or((0, 0));
                let (severity, code, text, id) =
                    (i.severity, i.code, i.details.text, i.extension.id);
                let expression = i.expression.map_or("", |[e]| e);
                match i.diagnostics {
                    None => Row::Plain(severity, code, text, expression, line, col, id),
                    Some(d) => Row::Diagnosed(severity, code, text, expression, line, col, id, d),
                }
            })
            .collect();
        serde_json::to_string(&rows)
    }

    fn fhir(&self) -> FhirOutcome<'_> {
        let mut issue: Vec<FhirIssue<'_>> = self
            .issues
            .iter()
            .map(|i| FhirIssue {
                extension: Extensions {
                    place: (i.line > 0).then_some((i.line, i.col)),
                    id: i.message_id(),
                },
                severity: i.severity.code(),
                code: i.code,
                details: Details { text: &i.message },
                diagnostics: i.diagnostics.as_deref(),
                expression: (!i.expression.is_empty()).then_some([i.expression.as_str()]),
            })
            .collect();
        if issue.is_empty() {
            issue.push(FhirIssue {
                extension: Extensions {
                    place: None,
                    id: message_id::ALL_OK,
                },
                severity: "information",
                code: "informational",
                details: Details { text: "All OK" },
                diagnostics: None,
                expression: None,
            });
        }
        FhirOutcome {
            resource_type: "OperationOutcome",
            issue,
        }
    }

    /// The issues grouped by severity and by what they answer to: the invariant key of a
    /// failed invariant, else the message id ([`Issue::message_id`]): per group the count, the
    /// first one's message and the first locations; errors first, then the larger groups, then
    /// first seen.
    pub fn summary(&self) -> Vec<Group> {
        let mut groups: Vec<(Severity, usize, Group)> = Vec::new();
        let mut index: std::collections::HashMap<(Severity, &str), usize> =
            std::collections::HashMap::new();
        for i in &self.issues {
            let key = i.group_key();
            let what = (i.severity, key);
            let at = *index.entry(what).or_insert_with(|| {
                groups.push((
                    i.severity,
                    groups.len(),
                    Group {
                        severity: i.severity.code(),
                        key: key.to_string(),
                        count: 0,
                        message: i.message.clone(),
                        locations: Vec::new(),
                    },
                ));
                groups.len() - 1
            });
            if let Some((_, _, g)) = groups.get_mut(at) {
                g.count += 1;
                if g.locations.len() < Group::LOCATIONS {
                    g.locations.push(if i.expression.is_empty() {
                        format!("{}:{}", i.line, i.col)
                    } else {
                        i.expression.clone()
                    });
                }
            }
        }
        groups.sort_by(group_order);
        groups.into_iter().map(|(_, _, g)| g).collect()
    }

    /// The grouped summary of [`OperationOutcome::summary`] as text, after a heading line.
    pub fn summary_text(&self, source: &str) -> String {
        let groups = self.summary();
        let mut out = String::new();
        if groups.is_empty() {
            return out;
        }
        let _ = writeln!(
            out,
            "{source}: summary — {} issues in {} groups, errors first:",
            self.issues.len(),
            groups.len()
        );
        for g in &groups {
            let id = if g.message.contains(g.key.as_str()) {
                String::new()
            } else {
                format!(" [{}]", g.key)
            };
            let _ = writeln!(
                out,
                "  {:<11} {:>6}×  {}{id}",
                g.severity, g.count, g.message
            );
            let more = g.count - g.locations.len();
            let _ = writeln!(
                out,
                "  {:<11} {:>6}   at {}{}",
                "",
                "",
                g.locations.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            );
        }
        out
    }

    /// A readable report: one line per issue (its diagnostics indented under it) and a
    /// summary line.
    pub fn to_text(&self, source: &str) -> String {
        self.to_text_with(source, false, false)
    }

    /// [`OperationOutcome::to_text`], with the grouped summary ([`OperationOutcome::summary_text`]) before the
    /// verdict line when `grouped`, and only the fatal and error issues listed when `quiet`.
    pub fn to_text_with(&self, source: &str, grouped: bool, quiet: bool) -> String {
        let mut out = String::new();
        for i in self
            .issues
            .iter()
            .filter(|i| !quiet || i.severity.is_error())
        {
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
            for d in i.diagnostics.iter().flat_map(|d| d.lines()) {
                let _ = writeln!(out, "    {d}");
            }
        }
        if grouped {
            out.push_str(&self.summary_text(source));
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

/// Issues grouped by what they say ([`OperationOutcome::summary`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    /// `fatal`, `error`, `warning` or `information`.
    pub severity: &'static str,
    /// What the issues answer to: the invariant key of failed invariants (`dom-6`), else the
    /// message id ([`Issue::message_id`]).
    pub key: String,
    /// How many issues say it.
    pub count: usize,
    /// What they say (the first one's text).
    pub message: String,
    /// Where the first [`Group::LOCATIONS`] of them are (their expressions; `line:col` for
    /// one without).
    pub locations: Vec<String>,
}

impl Group {
    /// Locations kept per group.
    pub const LOCATIONS: usize = 3;
}

/// Severity first (fatal, error, warning, information), then the larger groups.
fn group_order(a: &(Severity, usize, Group), b: &(Severity, usize, Group)) -> std::cmp::Ordering {
    a.0.cmp(&b.0)
        .then(b.2.count.cmp(&a.2.count))
        .then(a.1.cmp(&b.1))
}

/// Several outcomes (one per input file) as a `collection` Bundle, each tagged with its file.
pub fn bundle_of_outcomes(outcomes: &[(String, &OperationOutcome)]) -> Value {
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn json_text_is_the_operation_outcome() {
        let o = OperationOutcome {
            issues: vec![
                Issue {
                    severity: Severity::Error,
                    code: "structure",
                    message: "Unrecognized property 'x\"y'".into(),
                    expression: "Patient.name[0]".into(),
                    line: 3,
                    col: 7,
                    diagnostics: None,
                    key: None,
                },
                Issue {
                    severity: Severity::Warning,
                    code: "not-found",
                    message: "no place".into(),
                    expression: String::new(),
                    line: 0,
                    col: 0,
                    diagnostics: Some("a: why\nb: why not".into()),
                    key: Some("x-1".into()),
                },
            ],
        };
        let expected = r#"{"resourceType":"OperationOutcome","issue":[{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-line","valueInteger":3},{"url":"http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-col","valueInteger":7},{"url":"http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id","valueString":"Unrecognised_property_"}],"severity":"error","code":"structure","details":{"text":"Unrecognized property 'x\"y'"},"expression":["Patient.name[0]"]},{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id","valueString":"x-1"}],"severity":"warning","code":"not-found","details":{"text":"no place"},"diagnostics":"a: why\nb: why not"}]}"#;
        assert_eq!(o.to_json().unwrap(), expected);
        assert_eq!(
            serde_json::to_string(&o.to_operation_outcome()).unwrap(),
            expected
        );
        let ok = OperationOutcome::default();
        let all_ok = r#"{"resourceType":"OperationOutcome","issue":[{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id","valueString":"ALL_OK"}],"severity":"information","code":"informational","details":{"text":"All OK"}}]}"#;
        assert_eq!(ok.to_json().unwrap(), all_ok);
        assert_eq!(
            serde_json::to_string(&ok.to_operation_outcome()).unwrap(),
            all_ok
        );
        // the rows the WebAssembly host hands over carry the same
        assert_eq!(
            o.to_rows_json().unwrap(),
            r#"[["error","structure","Unrecognized property 'x\"y'","Patient.name[0]",3,7,"Unrecognised_property_"],["warning","not-found","no place","",0,0,"x-1","a: why\nb: why not"]]"#
        );
        assert!(
            o.to_text("f.json").contains(
                "f.json:0:0: warning [not-found] -: no place\n    a: why\n    b: why not\n"
            )
        );
        assert_eq!(
            ok.to_rows_json().unwrap(),
            r#"[["information","informational","All OK","",0,0,"ALL_OK"]]"#
        );
    }

    #[test]
    fn summary_groups_by_key_else_message_id_errors_first() {
        let issue = |severity, message: &str, expression: &str, key: Option<&str>| Issue {
            severity,
            code: "invariant",
            message: message.into(),
            expression: expression.into(),
            line: 2,
            col: 5,
            diagnostics: None,
            key: key.map(str::to_string),
        };
        let o = OperationOutcome {
            issues: vec![
                issue(
                    Severity::Warning,
                    "Constraint failed: k-1: 'x'",
                    "A.a",
                    Some("k-1"),
                ),
                issue(
                    Severity::Warning,
                    "Constraint failed: k-1: 'x'",
                    "A.b",
                    Some("k-1"),
                ),
                issue(Severity::Warning, "Unrecognized property 'c'", "A.c", None),
                issue(Severity::Error, "value cannot be empty", "", None),
                // one id, several messages: one group, the first message shown
                issue(Severity::Warning, "Unrecognized property 'd'", "A.d", None),
                issue(Severity::Warning, "Unrecognized property 'e'", "A.e", None),
                issue(Severity::Warning, "Unrecognized property 'f'", "A.f", None),
            ],
        };
        let g = o.summary();
        let brief: Vec<(&str, &str, usize, &str)> = g
            .iter()
            .map(|g| (g.severity, g.key.as_str(), g.count, g.message.as_str()))
            .collect();
        assert_eq!(
            brief,
            [
                (
                    "error",
                    "Type_Specific_Checks_DT_Primitive_NotEmpty",
                    1,
                    "value cannot be empty"
                ),
                (
                    "warning",
                    "Unrecognised_property_",
                    4,
                    "Unrecognized property 'c'"
                ),
                ("warning", "k-1", 2, "Constraint failed: k-1: 'x'"),
            ]
        );
        assert_eq!(g[0].locations, ["2:5"]);
        assert_eq!(g[1].locations, ["A.c", "A.d", "A.e"]);
        let text = o.summary_text("f");
        assert_eq!(
            text,
            "f: summary — 7 issues in 3 groups, errors first:\n  \
             error            1×  value cannot be empty [Type_Specific_Checks_DT_Primitive_NotEmpty]\n                       at 2:5\n  \
             warning          4×  Unrecognized property 'c' [Unrecognised_property_]\n                       at A.c, A.d, A.e and 1 more\n  \
             warning          2×  Constraint failed: k-1: 'x'\n                       at A.a, A.b\n"
        );
    }
}
