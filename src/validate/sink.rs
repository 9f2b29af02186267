//! The issue sink: the issues one validation keeps, in the order found, each kept once (the
//! same severity, expression and message at the same place, from several profiles or repeated
//! walks, is one issue), up to [`Options::max_issues`](crate::Options::max_issues); and the
//! count of errors found outside probes (dropped duplicates included), which the walker reads
//! to learn whether a nested resource had errors. Line and column are computed in
//! [`Sink::finish`], once per document and only if there are issues.

use super::RawIssue;
use crate::outcome::{Issue, OperationOutcome, Severity};
use rustc_hash::FxHashMap;
use smallvec::SmallVec;
use std::hash::{Hash, Hasher};

#[derive(Default)]
pub(super) struct Sink {
    issues: Vec<RawIssue>,
    /// The issues in `issues` by the hash of (severity, expression, message).
    reported: FxHashMap<u64, SmallVec<[u32; 1]>>,
    /// Errors reported outside probes, counting those dropped as duplicates or over the cap.
    errors: usize,
    /// An issue was dropped over the cap.
    truncated: bool,
}

impl Sink {
    /// Keep `issue` unless the same one is kept already or `max_issues` are.
    pub(super) fn push(&mut self, issue: RawIssue, max_issues: usize) {
        if issue.severity.is_error() {
            self.errors += 1;
        }
        // the same issue at the same place (several profiles, repeated walks) is kept once,
        // before the cap: "only the first N are reported" counts distinct issues
        let hash = {
            let mut h = rustc_hash::FxHasher::default();
            (issue.severity, &issue.expression, &issue.message).hash(&mut h);
            h.finish()
        };
        let same = self.reported.get(&hash).is_some_and(|at| {
            at.iter().any(|&i| {
                self.issues.get(i as usize).is_some_and(|r| {
                    r.severity == issue.severity
                        && r.expression == issue.expression
                        && r.message == issue.message
                })
            })
        });
        if same {
            return;
        }
        if self.issues.len() >= max_issues {
            self.truncated = true;
            return;
        }
        let at = u32::try_from(self.issues.len()).unwrap_or(u32::MAX);
        self.reported.entry(hash).or_default().push(at);
        self.issues.push(issue);
    }

    /// Errors reported so far (outside probes).
    pub(super) fn errors(&self) -> usize {
        self.errors
    }

    /// The OperationOutcome of the kept issues, placed in `text` (the document walked).
    pub(super) fn finish(self, text: &str, max_issues: usize) -> OperationOutcome {
        let mut issues = Vec::with_capacity(self.issues.len());
        if !self.issues.is_empty() {
            let offsets: Vec<u32> = self.issues.iter().map(|r| r.offset).collect();
            let places = crate::json::line_cols(text, &offsets);
            for (r, (line, col)) in self.issues.into_iter().zip(places) {
                issues.push(Issue {
                    severity: r.severity,
                    code: r.code,
                    message: r.message,
                    expression: r.expression,
                    line,
                    col,
                    diagnostics: r.diagnostics,
                    key: r.key,
                });
            }
        }
        if self.truncated {
            issues.push(Issue {
                severity: Severity::Error,
                code: "too-costly",
                message: format!("Too many issues: only the first {max_issues} are reported"),
                expression: String::new(),
                line: 0,
                col: 0,
                diagnostics: None,
                key: None,
            });
        }
        OperationOutcome { issues }
    }
}
