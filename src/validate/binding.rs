//! Terminology bindings, offline: a bound `code`/`string`/`uri`, `Coding`, `CodeableConcept`
//! or `Quantity` checked against the value set's expansion in the profile set (required →
//! error, extensible → warning, preferred/example → nothing, `maxValueSet` always), codings
//! checked against loaded CodeSystems (unknown codes, displays), and what cannot be decided
//! offline said as such (information by default, never an error).

use super::Checked;
use super::path::Seg;
use super::{Item, Walker};
use crate::json::{Node, NodeId, Value};
use crate::model::{Binding, BindingStrength, StructId};
use crate::outcome::Severity;
use crate::terminology::binding::{CodingRef, Kind, Policy, Strength, TxIssue};
use crate::terminology::{Membership, Terminology};
use std::hash::{Hash, Hasher};

fn str_at<'a>(n: &'a Node<'a>, key: &str) -> Option<&'a str> {
    n.get(key).and_then(|v| v.value.as_str())
}

pub(crate) fn coding_of<'a>(n: &'a Node<'a>) -> Option<CodingRef<'a>> {
    Some(CodingRef {
        system: str_at(n, "system"),
        code: str_at(n, "code")?,
        display: str_at(n, "display"),
    })
}

/// The arguments of a binding check that vary: kind, strength, the binding (by its structure
/// and element: value set and maximum value set), and a hash of the codings (kept beside the
/// answer, and compared).
type BindingKey = (Kind, Strength, StructId, u32, u64);

/// One coding's system, code and display.
type CodingKey<'a> = (Option<&'a str>, &'a str, Option<&'a str>);

/// Binding checks answered: the codings (to compare) and the issues.
type BindingAnswers<'a> = rustc_hash::FxHashMap<BindingKey, (Vec<CodingKey<'a>>, Vec<TxIssue>)>;

/// What the binding rules remember during one validation.
#[derive(Default)]
pub(crate) struct Memory<'a> {
    /// (data, structure, element) bindings already checked.
    checked: rustc_hash::FxHashMap<(NodeId, StructId, u32), Checked>,
    /// What [`Terminology::check_binding`](crate::terminology::Terminology) answered, by its
    /// arguments (the policy is the walker's own).
    answers: BindingAnswers<'a>,
}

/// The codings of a value of FHIR type `ty` (one for code/Coding/Quantity, all of a
/// CodeableConcept).
pub(crate) fn codings_of<'a>(ty: &str, n: &'a Node<'a>) -> Option<(Kind, Vec<CodingRef<'a>>)> {
    Some(match ty {
        "Coding" => (Kind::Coding, coding_of(n).into_iter().collect()),
        "CodeableConcept" => (
            Kind::CodeableConcept,
            n.get("coding")
                .and_then(|c| c.value.as_array())
                .unwrap_or_default()
                .iter()
                .filter_map(coding_of)
                .collect(),
        ),
        "Quantity" | "Age" | "Duration" | "Count" | "Distance" | "SimpleQuantity"
        | "MoneyQuantity" => (
            Kind::Quantity,
            str_at(n, "code")
                .map(|code| CodingRef {
                    system: str_at(n, "system"),
                    code,
                    display: None,
                })
                .into_iter()
                .collect(),
        ),
        _ => match &n.value {
            Value::String(s) => (
                Kind::Code,
                vec![CodingRef {
                    system: None,
                    code: s.as_ref(),
                    display: None,
                }],
            ),
            _ => return None,
        },
    })
}

/// `memberOf(vs)`: some coding in the value set → true; all decided and none in → false;
/// otherwise unknown.
pub(crate) fn member_of(t: &Terminology, ty: &str, n: &Node<'_>, vs: &str) -> Option<bool> {
    let (_, codings) = codings_of(ty, n)?;
    let mut unknown = false;
    for c in &codings {
        match t.check_code(vs, c.system, c.code) {
            Membership::In => return Some(true),
            Membership::NotIn => {}
            Membership::Unknown(_) | Membership::NoValueSet => unknown = true,
        }
    }
    (!unknown && !codings.is_empty()).then_some(false)
}

fn is_common_ucum(vs: &str) -> bool {
    let url = crate::canonical::url(vs);
    matches!(
        url,
        "http://hl7.org/fhir/ValueSet/ucum-vitals-common"
            | "http://hl7.org/fhir/ValueSet/ucum-common"
            | "http://hl7.org/fhir/ValueSet/ucum-units"
    )
}

impl<'v: 'a, 'a> Walker<'v, 'a> {
    pub(crate) fn tx_policy(&self) -> Policy {
        Policy {
            not_checked: if self.opts.unchecked_codes_are_warnings {
                Severity::Warning
            } else {
                Severity::Information
            },
            display: if self.opts.display_issues_are_warnings {
                Severity::Warning
            } else {
                Severity::Error
            },
        }
    }

    /// An error about content of definition `canonical` (a code missing from its CodeSystem
    /// or value set) when the package defining it stands in for the version an IG asked for:
    /// the asked version may have that content, so it is a warning that names the
    /// substitution. Anything else is returned as it is.
    pub(crate) fn unless_substituted(
        &self,
        severity: Severity,
        text: String,
        canonical: &str,
    ) -> (Severity, String) {
        if severity != Severity::Error {
            return (severity, text);
        }
        let url = crate::canonical::url(canonical);
        match self.set.substitute_for(url) {
            Some((used, asked)) => (
                Severity::Warning,
                format!(
                    "{text}; the IG depends on {asked}, which is not available here ({used} stands in)"
                ),
            ),
            None => (severity, text),
        }
    }

    /// The binding of element `el` on one occurrence of type `ty`.
    pub(crate) fn binding(&mut self, sd: StructId, el: u32, item: Item<'v, 'a>, ty: &str) {
        let set = self.set;
        let Some(b) = set
            .structure(sd)
            .elements
            .get(el as usize)
            .and_then(|e| e.binding.as_ref())
        else {
            return;
        };
        let Some(vs) = b.value_set.as_deref() else {
            return;
        };
        let strength = match b.strength {
            BindingStrength::Required => Strength::Required,
            BindingStrength::Extensible => Strength::Extensible,
            BindingStrength::Preferred => Strength::Preferred,
            BindingStrength::Example => Strength::Example,
        };
        if matches!(strength, Strength::Preferred | Strength::Example)
            && b.max_value_set.is_none()
            && b.additional.is_empty()
        {
            return;
        }
        let Some(node) = item.value else {
            return;
        };
        // the same binding on the same data is checked once, whichever walk meets it first
        let key = (node.id(), sd, el);
        let prev = self.bindings.checked.get(&key).copied();
        if !self.check_again(prev) {
            return;
        }
        let failed = self.binding_issues((sd, el), b, vs, strength, node, ty);
        let done = self.checked(prev, failed);
        self.bindings.checked.insert(key, done);
    }

    /// Reports the issues of `node` against binding `b` (value set `vs`); whether any is an
    /// error.
    fn binding_issues(
        &mut self,
        (sd, el): (StructId, u32),
        b: &'v Binding,
        vs: &'v str,
        strength: Strength,
        node: &'a Node<'a>,
        ty: &str,
    ) -> bool {
        let set = self.set;
        let Some((kind, codings)) = codings_of(ty, node) else {
            return false;
        };
        // the core "common UCUM units" value sets are samples, not limits: the Java validator
        // accepts any UCUM code for them (any other UCUM value set is checked)
        if kind == Kind::Quantity && is_common_ucum(vs) {
            return false;
        }
        let policy = self.tx_policy();
        // the same codes against the same value sets (a LOINC code in every Observation):
        // the answer of the first time
        let coded = || codings.iter().map(|c| (c.system, c.code, c.display));
        let key: BindingKey = (kind, strength, sd, el, {
            let mut h = rustc_hash::FxHasher::default();
            coded().for_each(|c| c.hash(&mut h));
            h.finish()
        });
        let issues = match self.bindings.answers.get(&key) {
            Some((same, known)) if coded().eq(same.iter().copied()) => known.clone(),
            other => {
                let cache = other.is_none();
                let found = set.terminology.check_binding(
                    kind,
                    strength,
                    vs,
                    b.max_value_set.as_deref(),
                    &codings,
                    &policy,
                );
                if cache {
                    self.bindings
                        .answers
                        .insert(key, (coded().collect(), found.clone()));
                }
                found
            }
        };
        let additional = b.additional.iter().flat_map(|(purpose, avs)| {
            set.terminology
                .check_additional_binding(kind, purpose, avs, &codings, &policy)
        });
        let mut failed = false;
        for i in issues.into_iter().chain(additional) {
            let (sev, text) = self.unless_substituted(i.severity, i.text, vs);
            failed |= sev.is_error();
            self.report_keyed(sev, i.code, Some(i.message_id), node.offset, || text);
        }
        failed
    }

    /// A coding against the loaded CodeSystems (unknown code, display), bound or not.
    pub(crate) fn coding(&mut self, node: &'a Node<'a>) {
        let Some(c) = coding_of(node) else {
            return;
        };
        let policy = self.tx_policy();
        for i in self.set.terminology.check_coding(0, &c, &policy) {
            let at = if i.on_display {
                node.get("display").map_or(node.offset, |d| d.offset)
            } else {
                node.offset
            };
            if i.on_display {
                self.path.push(Seg::Name("display"));
            }
            let system = c.system.unwrap_or_default();
            let (sev, text) = self.unless_substituted(i.severity, i.text, system);
            self.report_keyed(sev, i.code, Some(i.message_id), at, || text);
            if i.on_display {
                self.path.pop();
            }
        }
    }
}
