//! What a [`Validator`](super::Validator) remembers about its profile set across validations:
//! each invariant's parsed FHIRPath and how the walk handles it, and which elements' children
//! a property name can match at most one of. The profile set itself stays
//! pure data; these caches belong to the validator that fills them (and are shared by the
//! threads validating with it).

use crate::fhirpath::{self, Expr};
use crate::model::{Constraint, ProfileSet, StructId};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering::Relaxed};

/// Per constraint of the set: its parsed expression and its class, computed on first use
/// (loading stays fast: most invariants of a large set are never evaluated in one run).
pub(crate) struct Memo {
    /// `constraints[i]` parsed; `Err` holds why an expression does not parse.
    expressions: Vec<OnceLock<Result<Expr, String>>>,
    /// How the walk handles `constraints[i]` (its own code, 0 until first asked).
    classes: Vec<AtomicU8>,
    /// Per structure, per element: no property name can match two of its children (see
    /// [`Memo::distinct_children`]), computed for a structure when first asked.
    distinct: Vec<OnceLock<Box<[bool]>>>,
}

impl Memo {
    /// Empty caches for the constraints of `set`.
    pub(crate) fn new(set: &ProfileSet) -> Memo {
        Memo {
            expressions: set.constraints.iter().map(|_| OnceLock::new()).collect(),
            classes: set.constraints.iter().map(|_| AtomicU8::new(0)).collect(),
            distinct: set.structures.iter().map(|_| OnceLock::new()).collect(),
        }
    }

    /// Can a property name match at most one child of element `el` of structure `sd`? Then
    /// the children may be searched from any position (the walk starts after the child the
    /// previous property matched: JSON properties mostly come in definition order). It is not
    /// so when two children have one name, or a choice's name (`value` of `value[x]`) starts
    /// another child's name; `false` for an unknown element.
    pub(crate) fn distinct_children(&self, set: &ProfileSet, sd: StructId, el: u32) -> bool {
        let Some(cell) = self.distinct.get(sd as usize) else {
            return false;
        };
        let flags = cell.get_or_init(|| {
            let s = set.structure(sd);
            s.elements
                .iter()
                .map(|e| {
                    let names: Vec<(&str, bool)> = e
                        .children
                        .iter()
                        .filter_map(|&c| s.elements.get(c as usize))
                        .map(|c| (c.base_name(), c.is_choice()))
                        .collect();
                    names.iter().enumerate().all(|(i, (a, a_choice))| {
                        names.iter().enumerate().all(|(j, (b, _))| {
                            i == j || (a != b && !(*a_choice && b.starts_with(a)))
                        })
                    })
                })
                .collect()
        });
        flags.get(el as usize).copied().unwrap_or(false)
    }

    /// The parsed FHIRPath of constraint `i` of `set` (the corrected text where R4 published
    /// a bug: [`effective_expression`]).
    pub(crate) fn expression<'m>(
        &'m self,
        set: &ProfileSet,
        i: u32,
    ) -> Option<&'m Result<Expr, String>> {
        let c = set.constraints.get(i as usize)?;
        let cell = self.expressions.get(i as usize)?;
        Some(cell.get_or_init(|| {
            let text = effective_expression(&c.key, &c.expression);
            fhirpath::parse(text).map_err(|e| e.message)
        }))
    }

    /// A code (1..=255) classifying constraint `i` of `set`, computed by `classify` on first
    /// use and remembered (0 when there is no such constraint).
    #[inline]
    pub(crate) fn class(
        &self,
        set: &ProfileSet,
        i: u32,
        classify: impl FnOnce(&Constraint) -> u8,
    ) -> u8 {
        let (Some(c), Some(cell)) = (
            set.constraints.get(i as usize),
            self.classes.get(i as usize),
        ) else {
            return 0;
        };
        match cell.load(Relaxed) {
            0 => {
                let class = classify(c);
                cell.store(class, Relaxed);
                class
            }
            known => known,
        }
    }
}

/// R4 invariants published with a bug that the Java validator evaluates corrected (the
/// published text, then the corrected one).
const CORRECTED: &[(&str, &str, &str)] = &[(
    "que-12",
    "enableWhen.count() > 2 implies enableBehavior.exists()",
    "enableWhen.count() > 1 implies enableBehavior.exists()",
)];

/// The expression the validator evaluates for a constraint: its own, or the corrected one
/// where R4 published a bug that the Java validator evaluates corrected (`que-12`).
pub fn effective_expression<'e>(key: &str, expression: &'e str) -> &'e str {
    CORRECTED
        .iter()
        .find(|(k, published, _)| *k == key && *published == expression)
        .map_or(expression, |(_, _, fixed)| fixed)
}
