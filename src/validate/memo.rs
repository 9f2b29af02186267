//! What a [`Validator`](super::Validator) remembers about its profile set across validations:
//! each invariant's parsed FHIRPath and how the walk handles it, the children the FHIRPath
//! engine looks up by type and JSON key, and how the walk searches and visits each element's
//! children. The profile set itself stays pure data; these caches belong to the validator
//! that fills them (and are shared by the threads validating with it).

use crate::fhirpath::{self, Expr};
use crate::model::{Constraint, ProfileSet, StructId};
use rustc_hash::FxHashMap;
use std::sync::atomic::{AtomicU8, Ordering::Relaxed};
use std::sync::{OnceLock, RwLock};

/// The child element a FHIRPath navigation finds: structure, element, and the index in the
/// element's types of the type a choice key selects.
pub(crate) type ChildRef = (StructId, u32, Option<u16>);

/// Per parent type name, per JSON key: the child found.
type ChildTable = FxHashMap<Box<str>, FxHashMap<Box<str>, ChildRef>>;

/// Per constraint of the set: its parsed expression and its class, computed on first use
/// (loading stays fast: most invariants of a large set are never evaluated in one run).
pub(crate) struct Memo {
    /// `constraints[i]` parsed; `Err` holds why an expression does not parse.
    expressions: Vec<OnceLock<Result<Expr, String>>>,
    /// How the walk handles `constraints[i]` (its own code, 0 until first asked).
    classes: Vec<AtomicU8>,
    /// The engine's child lookups, each computed once: finding a child walks the parent's
    /// elements (and, for a backbone type, the structure's) comparing names.
    children: RwLock<ChildTable>,
    /// Per structure, per element: how the walk searches and visits its children
    /// ([`Memo::children_plan`]), computed for a structure when first asked.
    plans: Vec<OnceLock<Box<[ChildrenPlan]>>>,
}

impl Memo {
    /// Empty caches for the constraints of `set`.
    pub(crate) fn new(set: &ProfileSet) -> Memo {
        Memo {
            expressions: set.constraints.iter().map(|_| OnceLock::new()).collect(),
            classes: set.constraints.iter().map(|_| AtomicU8::new(0)).collect(),
            children: RwLock::default(),
            plans: set.structures.iter().map(|_| OnceLock::new()).collect(),
        }
    }

    /// The child of type `parent` that JSON key `key` names, computed by `find` on first use
    /// and remembered when found (the children of the set's types are finitely many; the keys
    /// that name none come from the data, and would grow the table without bound).
    pub(crate) fn child(
        &self,
        parent: &str,
        key: &str,
        find: impl FnOnce() -> Option<ChildRef>,
    ) -> Option<ChildRef> {
        if let Ok(table) = self.children.read()
            && let Some(&known) = table.get(parent).and_then(|keys| keys.get(key))
        {
            return Some(known);
        }
        let found = find()?;
        if let Ok(mut table) = self.children.write() {
            table
                .entry(parent.into())
                .or_default()
                .insert(key.into(), found);
        }
        Some(found)
    }

    /// How the walk searches and visits the children of element `el` of structure `sd`
    /// (the default plan, which assumes nothing, for an unknown element).
    pub(crate) fn children_plan(&self, set: &ProfileSet, sd: StructId, el: u32) -> ChildrenPlan {
        let Some(cell) = self.plans.get(sd as usize) else {
            return ChildrenPlan::default();
        };
        let plans = cell.get_or_init(|| {
            let s = set.structure(sd);
            let children = set.children(sd);
            (0..s.elements.len())
                .map(|i| {
                    let kids = children.map(|c| c.of(i as u32)).unwrap_or_default();
                    let names: Vec<(&str, bool)> = kids
                        .iter()
                        .filter_map(|k| s.elements.get(k.index as usize))
                        .map(|c| (c.base_name(), c.is_choice()))
                        .collect();
                    let distinct = names.len() == kids.len()
                        && names.iter().enumerate().all(|(i, (a, a_choice))| {
                            names.iter().enumerate().all(|(j, (b, _))| {
                                i == j || (a != b && !(*a_choice && b.starts_with(a)))
                            })
                        });
                    let absent = (kids.len() <= 64).then(|| {
                        kids.iter()
                            .enumerate()
                            .filter(|(_, k)| k.check_absent)
                            .fold(0u64, |mask, (pos, _)| mask | 1 << pos)
                    });
                    ChildrenPlan { distinct, absent }
                })
                .collect()
        });
        plans.get(el as usize).copied().unwrap_or_default()
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

/// How the walk searches and visits the children of one element.
#[derive(Clone, Copy, Default)]
pub(crate) struct ChildrenPlan {
    /// No property name can match two of the children: they may be searched from any
    /// position (the walk starts after the child the previous property matched: JSON
    /// properties mostly come in definition order). It is not so when two children have one
    /// name, or a choice's name (`value` of `value[x]`) starts another child's name.
    pub(crate) distinct: bool,
    /// The positions of the children checked even when absent from the data
    /// ([`crate::model::Child::check_absent`]), as bits, when there are at most 64 children:
    /// with the bits of those present, the children an object's walk visits.
    pub(crate) absent: Option<u64>,
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
