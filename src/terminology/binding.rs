//! Binding and display checks turned into Java-like issues (texts follow the Java validator's
//! messages, with their message ids), independent of the validator's own issue type.

use super::{Membership, Terminology};

/// `ElementDefinition.binding.strength`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Strength {
    /// The code must come from the value set.
    Required,
    /// From the value set unless none fits.
    Extensible,
    /// A suggestion.
    Preferred,
    /// An example.
    Example,
}

pub use crate::outcome::Severity;

/// What the checks report, and how loudly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// A code that cannot be checked offline (system not loaded, value set not expandable):
    /// `Information` (default) or `Warning`; never silent, never an error.
    pub not_checked: Severity,
    /// A wrong display: `Error` (Java's default) or `Warning` (Java's option to make display
    /// issues warnings).
    pub display: Severity,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            not_checked: Severity::Information,
            display: Severity::Error,
        }
    }
}

/// The type of the bound element (it picks Java's message).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `code`, `string`, `uri` (no system: the code is looked for in every system of the set)
    Code,
    /// `Coding`.
    Coding,
    /// `CodeableConcept` (any of its codings may match).
    CodeableConcept,
    /// `Quantity` (system and code: a unit).
    Quantity,
}

/// One coding of the value (`Quantity`: system and code; `code`: code only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodingRef<'a> {
    /// `system`, when given.
    pub system: Option<&'a str>,
    /// `code`.
    pub code: &'a str,
    /// `display`, when given.
    pub display: Option<&'a str>,
}

/// One binding or display problem, in the Java validator's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxIssue {
    /// How bad it is (by the binding strength and the [`Policy`]).
    pub severity: Severity,
    /// OperationOutcome issue type: `code-invalid`, `not-found`, `invalid`, `not-supported`
    pub code: &'static str,
    /// Java's message id, kept as the issue's [key](crate::Issue::key) (suppression files name it)
    pub message_id: &'static str,
    /// The message.
    pub text: String,
    /// Which coding the issue is about (its `.display` when `on_display`), if one.
    pub coding: Option<usize>,
    /// The issue is about that coding's display.
    pub on_display: bool,
}

fn coded(c: &CodingRef) -> String {
    format!("{}#{}", c.system.unwrap_or("null"), c.code)
}

impl Terminology {
    fn membership(&self, kind: Kind, vs: &str, c: &CodingRef) -> Membership {
        match (kind, c.system) {
            (Kind::Code, s) => self.check_code(vs, s, c.code),
            (_, Some(s)) => self.check_code(vs, Some(s), c.code),
            // a coding with no system has no meaning: never a member (as Java)
            (_, None) => match self.check_code(vs, None, c.code) {
                Membership::NoValueSet => Membership::NoValueSet,
                _ => Membership::NotIn,
            },
        }
    }

    /// Checks a bound value: `codings` are the value's codings (one for `code`, `Coding`,
    /// `Quantity`; all of a `CodeableConcept`, any may match). Required → error when no code
    /// is in the expansion, extensible → warning, preferred/example → nothing; the max value
    /// set (if any) must hold a code whatever the strength. A code that cannot be decided
    /// offline gives one `policy.not_checked` issue naming the reason.
    pub fn check_binding(
        &self,
        kind: Kind,
        strength: Strength,
        value_set: &str,
        max_value_set: Option<&str>,
        codings: &[CodingRef],
        policy: &Policy,
    ) -> Vec<TxIssue> {
        let mut out = Vec::new();
        if matches!(strength, Strength::Required | Strength::Extensible) {
            self.check_one(kind, strength, value_set, false, codings, policy, &mut out);
        }
        if let Some(max) = max_value_set {
            self.check_one(
                kind,
                Strength::Required,
                max,
                true,
                codings,
                policy,
                &mut out,
            );
        }
        out
    }

    /// An additional binding (`purpose`: `required` → error, `extensible` → warning,
    /// `maximum` → as a max value set; the other purposes constrain nothing the validator can
    /// judge), reported as the Java validator does ("... specified in an additional binding").
    pub fn check_additional_binding(
        &self,
        kind: Kind,
        purpose: &str,
        value_set: &str,
        codings: &[CodingRef],
        policy: &Policy,
    ) -> Vec<TxIssue> {
        let (strength, is_max) = match purpose {
            "required" => (Strength::Required, false),
            "extensible" => (Strength::Extensible, false),
            "maximum" => (Strength::Required, true),
            _ => return Vec::new(),
        };
        let mut out = Vec::new();
        self.check_one(kind, strength, value_set, is_max, codings, policy, &mut out);
        let name = self.describe_value_set(value_set);
        for i in &mut out {
            if i.code == "code-invalid" {
                i.text = i.text.replacen(
                    &name,
                    &format!("{name} specified in an additional binding"),
                    1,
                );
            }
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn check_one(
        &self,
        kind: Kind,
        strength: Strength,
        vs: &str,
        is_max: bool,
        codings: &[CodingRef],
        policy: &Policy,
        out: &mut Vec<TxIssue>,
    ) {
        // the value set's description is built only for a message
        if codings.is_empty() {
            if kind == Kind::CodeableConcept && !is_max {
                let name = self.describe_value_set(vs);
                let (severity, id, text) = if strength == Strength::Required {
                    (
                        Severity::Error,
                        "Terminology_TX_Code_ValueSet",
                        format!(
                            "No code provided, and a code is required from the value set {name}"
                        ),
                    )
                } else {
                    (
                        Severity::Warning,
                        "Terminology_TX_Code_ValueSet_Ext",
                        format!(
                            "No code provided, and a code should be provided from the value set {name}"
                        ),
                    )
                };
                out.push(TxIssue {
                    severity,
                    code: "code-invalid",
                    message_id: id,
                    text,
                    coding: None,
                    on_display: false,
                });
            }
            return;
        }
        let mut unknown: Option<(usize, String)> = None;
        for (i, c) in codings.iter().enumerate() {
            match self.membership(kind, vs, c) {
                Membership::In => return,
                Membership::NotIn => {}
                Membership::Unknown(why) => {
                    if unknown.is_none() {
                        unknown = Some((i, why));
                    }
                }
                Membership::NoValueSet => {
                    // e.g. a VSAC value set: no package here holds it, so the codes are not
                    // checked offline (said per the policy, never an error)
                    let vs_url = crate::canonical::url(vs);
                    out.push(TxIssue {
                        severity: policy.not_checked,
                        code: "not-found",
                        message_id: "Terminology_TX_ValueSet_NotFound",
                        text: format!(
                            "ValueSet '{vs_url}' is not loaded: the codes bound to it are not checked offline"
                        ),
                        coding: None,
                        on_display: false,
                    });
                    return;
                }
            }
        }
        let name = self.describe_value_set(vs);
        if let Some((i, why)) = unknown {
            let what = if kind == Kind::Code {
                format!("'{}'", codings[i].code)
            } else {
                coded(&codings[i])
            };
            let max = if is_max { "maximum " } else { "" };
            out.push(TxIssue {
                severity: policy.not_checked,
                code: "not-supported",
                message_id: "TX_NOT_CHECKED_OFFLINE",
                text: format!(
                    "The code {what} was not checked offline against the {max}value set {name}: {why}"
                ),
                coding: Some(i),
                on_display: false,
            });
            return;
        }
        let codes = codings.iter().map(coded).collect::<Vec<_>>().join(", ");
        let first = &codings[0];
        let required = strength == Strength::Required;
        let (id, text) = match (is_max, kind, required) {
            (true, Kind::CodeableConcept, _) => (
                "Terminology_TX_NoValid_8",
                format!(
                    "None of the codes provided are in the maximum value set {name}, and a code from this value set is required) (codes = {codes})"
                ),
            ),
            (true, _, _) => (
                "Terminology_TX_NoValid_10",
                format!(
                    "The code provided is not in the maximum value set {name}, and a code from this value set is required) (code = {})",
                    coded(first)
                ),
            ),
            (false, Kind::Code, true) => (
                "Terminology_TX_NoValid_16",
                format!(
                    "The value provided ('{}') was not found in the value set {name}, and a code is required from this value set",
                    first.code
                ),
            ),
            (false, Kind::Code, false) => (
                "Terminology_TX_NoValid_17",
                format!(
                    "The value provided ('{}') was not found in the value set {name}, and a code should come from this value set unless it has no suitable code (note that the validator cannot judge what is suitable)",
                    first.code
                ),
            ),
            (false, Kind::Coding, true) => (
                "Terminology_TX_NoValid_12",
                format!(
                    "The Coding provided ({}) was not found in the value set {name}, and a code is required from this value set",
                    coded(first)
                ),
            ),
            (false, Kind::Coding, false) => (
                "Terminology_TX_NoValid_13",
                format!(
                    "The Coding provided ({}) was not found in the value set {name}, and a code should come from this value set unless it has no suitable code (note that the validator cannot judge what is suitable)",
                    coded(first)
                ),
            ),
            (false, Kind::CodeableConcept, true) => (
                "Terminology_TX_NoValid_1_CC",
                format!(
                    "None of the codings provided are in the value set {name}, and a coding from this value set is required) (codes = {codes})"
                ),
            ),
            (false, Kind::CodeableConcept, false) => (
                "Terminology_TX_NoValid_2_CC",
                format!(
                    "None of the codings provided are in the value set {name}, and a coding should come from this value set unless it has no suitable code (note that the validator cannot judge what is suitable) (codes = {codes})"
                ),
            ),
            (false, Kind::Quantity, true) => {
                let canonical = name_canonical(&name);
                (
                    "Terminology_TX_Confirm_4a",
                    format!(
                        "The code provided ({c}) was not found in the value set {name}, and a code from this value set is required: The provided code '{c}' was not found in the value set '{canonical}'",
                        c = coded(first)
                    ),
                )
            }
            (false, Kind::Quantity, false) => (
                "Terminology_TX_Confirm_5",
                format!(
                    "The code provided ({}) is not in the value set {name}, and a code should come from this value set unless it has no suitable code (the validator cannot judge what is suitable)",
                    coded(first)
                ),
            ),
        };
        out.push(TxIssue {
            severity: if required {
                Severity::Error
            } else {
                Severity::Warning
            },
            code: "code-invalid",
            message_id: id,
            text,
            coding: None,
            on_display: false,
        });
    }

    /// Checks a coding against its CodeSystem when that is loaded, whatever the binding: an
    /// unknown code in a complete CodeSystem (error, as Java's `Unknown_Code_in_Version`), and
    /// a wrong display (`policy.display`, Java's `Display_Name_for__should_be_one_of__instead_of`).
    /// Systems that are not loaded are not reported here (bindings report them).
    pub fn check_coding(&self, index: usize, c: &CodingRef, policy: &Policy) -> Vec<TxIssue> {
        let mut out = Vec::new();
        let Some(system) = c.system else {
            return out;
        };
        if self.code_in_system(system, c.code) == Some(false) {
            out.push(TxIssue {
                severity: Severity::Error,
                code: "code-invalid",
                message_id: "Unknown_Code_in_Version",
                text: format!(
                    "Unknown code '{}' in the CodeSystem '{system}' version '{}'",
                    c.code,
                    self.system_version(system).unwrap_or("")
                ),
                coding: Some(index),
                on_display: false,
            });
            return out;
        }
        if let Some(display) = c.display
            && self.display_ok(system, c.code, display) == Some(false)
        {
            let valid = self.displays(system, c.code);
            let choices = if valid.len() == 1 {
                format!("Valid display is '{}'", valid[0])
            } else {
                let quoted: Vec<String> = valid.iter().map(|d| format!("'{d}'")).collect();
                let (last, rest) = quoted.split_last().map_or(("", &[][..]), |(l, r)| (l, r));
                format!(
                    "Valid display is one of {} choices: {} or {last}",
                    valid.len(),
                    rest.join(", ")
                )
            };
            out.push(TxIssue {
                severity: policy.display,
                code: "invalid",
                message_id: "Display_Name_for__should_be_one_of__instead_of",
                text: format!(
                    "Wrong Display Name '{display}' for {system}#{}. {choices} (for the language(s) '--')",
                    c.code
                ),
                coding: Some(index),
                on_display: true,
            });
        }
        out
    }
}

/// `url|version` out of `'Title' (url|version)`.
fn name_canonical(name: &str) -> &str {
    match (name.rfind('('), name.ends_with(')')) {
        (Some(i), true) => &name[i + 1..name.len() - 1],
        _ => name.trim_matches('\''),
    }
}
