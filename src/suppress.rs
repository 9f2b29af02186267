//! Issue suppression: a file of `ID-OR-PATTERN <TAB> EXPRESSION-PATTERN` lines (`#`
//! comments; without a tab, the two fields are separated by white space and cannot contain
//! it; a line of one field suppresses at every expression). An issue is suppressed when the
//! first field names its [message id](crate::Issue::message_id) (`Extension_EXT_Unknown_NotHere`,
//! `Terminology_TX_NoValid_1_CC`, `INV_FAILED`), its [key](crate::Issue::key) (an invariant key
//! such as `us-core-8`) or matches its message, and the second matches its expression.
//! Patterns are globs: `*` any run, `?` one character.

use crate::outcome::OperationOutcome;

/// The rules of a suppression file.
#[derive(Debug, Clone, Default)]
pub struct Suppressions {
    rules: Vec<(String, String)>,
}

impl Suppressions {
    /// Read the rules of a suppression file's text.
    pub fn parse(text: &str) -> Result<Suppressions, crate::Error> {
        let mut rules = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or_default().trim();
            if line.is_empty() {
                continue;
            }
            if let Some((id, expr)) = line.rsplit_once('\t') {
                rules.push((id.trim().to_string(), expr.trim().to_string()));
                continue;
            }
            let mut parts = line.split_whitespace();
            match (parts.next(), parts.next(), parts.next()) {
                (Some(id), Some(expr), None) => rules.push((id.to_string(), expr.to_string())),
                (Some(id), None, None) => rules.push((id.to_string(), "*".to_string())),
                _ => {
                    return Err(crate::Error::Suppressions { line: n + 1 });
                }
            }
        }
        Ok(Suppressions { rules })
    }

    /// No rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Drop the matching issues; returns how many were dropped.
    pub fn apply(&self, outcome: &mut OperationOutcome) -> usize {
        let before = outcome.issues.len();
        if self.rules.is_empty() {
            return 0;
        }
        outcome.issues.retain(|i| {
            // the id is found by matching the message against the templates: once an issue
            let message_id = i.message_id();
            !self.rules.iter().any(|(id, expr)| {
                let by_key = i.key.as_deref().is_some_and(|key| glob(id, key));
                (by_key || glob(id, message_id) || glob(id, &i.message))
                    && glob(expr, &i.expression)
            })
        });
        before - outcome.issues.len()
    }
}

/// `*` and `?` glob matching over characters, iterative (no backtracking blow-up).
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(c) if *c == '?' || Some(c) == t.get(ti) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..)
        .is_some_and(|rest| rest.iter().all(|c| *c == '*'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{Issue, Severity};

    fn issue(message: &str, expression: &str) -> Issue {
        // the key as the validator records it with an invariant's issue
        let key = message
            .strip_prefix("Constraint failed: ")
            .and_then(|m| m.split_once(':'))
            .map(|(k, _)| k.to_string());
        Issue {
            severity: Severity::Error,
            code: "invariant",
            message: message.into(),
            expression: expression.into(),
            line: 1,
            col: 1,
            diagnostics: None,
            key,
        }
    }

    #[test]
    fn globs() {
        assert!(glob("Patient.*", "Patient.name[0]"));
        assert!(glob("*.name[?]", "Patient.name[0]"));
        assert!(!glob("Patient.name", "Patient.name[0]"));
        assert!(glob("*", ""));
        assert!(!glob("a*b", "acd"));
    }

    #[test]
    fn suppresses_by_key_or_message_and_expression() {
        let s = Suppressions::parse(
            "# known\nus-core-8 Patient.name*\n*could not be found*\tBundle.entry[*].resource*\n",
        )
        .unwrap();
        let mut o = OperationOutcome {
            issues: vec![
                issue("Constraint failed: us-core-8: 'x'", "Patient.name[0]"),
                issue("Constraint failed: us-core-8: 'x'", "Patient.telecom[0]"),
                issue(
                    "The extension http://x could not be found so is not allowed here",
                    "Bundle.entry[3].resource/*Patient/1*/.extension[0]",
                ),
            ],
        };
        assert_eq!(s.apply(&mut o), 2);
        assert_eq!(o.issues.len(), 1);
        assert_eq!(o.issues[0].expression, "Patient.telecom[0]");
    }

    #[test]
    fn rejects_lines_with_too_many_fields() {
        assert!(Suppressions::parse("a b c").is_err());
    }
}
