//! FHIRPath engine over the positioned JSON tree ([`crate::json`]).
//!
//! * Expressions are parsed once ([`parse`]) into an immutable, `Send + Sync`
//!   [`Expr`] and evaluated many times ([`evaluate`], [`evaluate_invariant`]).
//! * Evaluation borrows the JSON: collections hold [`Item`]s that point into the
//!   tree (FHIR elements) or are small System values (exact [`Decimal`], partial
//!   date/time, quantity). Nothing is async and nothing needs a clock or a file
//!   system: `now()` / `today()` come from [`Env`], so it runs on wasm32.
//! * What the engine needs from the FHIR model (element types, inheritance,
//!   reference resolution, terminology, profiles, narrative checks) it asks a
//!   [`Model`] implemented by the host.
//!
//! Navigation follows FHIR JSON: choice elements (`value` matches `valueQuantity`
//! and yields a `Quantity`), primitives with their `_name` companions (a primitive
//! with only `_name` has extensions but no value), arrays flatten, and resources
//! are typed by `resourceType`.
//!
//! Robustness: no panics on input (expressions or JSON), a bounded expression
//! depth ([`parser::MAX_DEPTH`]; deeper is a [`ParseError`]) and a step budget
//! ([`Env::max_steps`]; exceeding it is an [`EvalError`]). At the maximum depth a
//! debug build needs about 1 MiB of stack, a release build under 256 KiB.
//!
//! Lifetimes: [`evaluate`] ties the expression, the environment and the model to one
//! lifetime `'a` so that results can borrow literal strings from the [`Expr`] and
//! type names from the [`Model`] without copying; `'a` simply shrinks to the JSON
//! document's lifetime when the expression and the model live longer.
//!
//! Semantics worth knowing:
//! * Empty propagates; `and`/`or`/`xor`/`implies` are three-valued and short-circuit.
//!   As operands of the logical operators and in `where`/`all`/`exists` criteria, a
//!   single non-boolean item or a collection of several items counts as `true` (as
//!   the reference Java engine does); `not()`, `iif()` and `allTrue()`-style functions
//!   are strict.
//! * Dates/times compare with precision: different precisions (or a timezone on only
//!   one side) give empty; `=` gives empty, `~` gives false. Seconds and milliseconds
//!   are one precision.
//! * Decimals are exact; `=` compares values (`1.10 = 1.1`), `~` rounds to the less
//!   precise operand; `/` keeps 8 fractional digits.
//! * Quantities compare after unit conversion for a UCUM subset (see `units.rs`);
//!   calendar `year`/`month` compare only with each other.
//! * `is()` follows inheritance (`code` is a `string`); `as()`/`ofType()` do not for
//!   primitives (`code.as(string)` is empty), as the test suite requires.
//!
//! Not supported: `defineVariable()` and user `%variables`, `slice()`,
//! `checkModifiers()`, `elementDefinition()`, `lastIndexOf()` and other FHIRPath 2.1
//! additions not listed in `ast.rs` (unknown functions are a [`ParseError`]); static
//! (compile-time) type checking — strict mode checks at run time only; `trace()` has
//! no output; non-linear units (`Cel`, `[degF]`); negative zero (`-0.0`).
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod ast;
mod datetime;
mod decimal;
mod eval;
mod functions;
mod lexer;
pub mod parser;
mod units;

use std::borrow::Cow;

use crate::json::Node;

pub use datetime::{DateTime, Prec};
pub use decimal::Decimal;

/// `value` in unit `from` expressed exactly in unit `to`, for the UCUM subset the engine knows
/// (linear units: metric prefixes on the SI and common metric atoms, time, customary length and
/// mass, percent and parts per; products, quotients and powers of them) and the FHIRPath
/// calendar durations (`day` is `d`; `year`/`month` convert only with each other). `None` when
/// the units do not convert: an unknown unit, different dimensions, or an overflow.
///
/// ```
/// use fhirval::fhirpath::{Decimal, convert_units};
/// let kg = convert_units(Decimal::parse("1500").unwrap(), "g", "kg");
/// assert_eq!(kg, Decimal::parse("1.5"));
/// assert_eq!(convert_units(Decimal::parse("1").unwrap(), "kg", "m"), None);
/// ```
pub fn convert_units(value: Decimal, from: &str, to: &str) -> Option<Decimal> {
    units::convert(value, from, to)
}

/// A parsed FHIRPath expression. Immutable; share it freely between threads.
#[derive(Debug, Clone)]
pub struct Expr {
    ast: ast::Ast,
    source: Box<str>,
    depth: u32,
}

impl Expr {
    /// The source text the expression was parsed from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The identifiers that start the expression's top-level paths (`Patient` and
    /// `Organization` in `Patient.name | Organization.alias.where(use = 'x')`): what a search
    /// parameter's expression navigates from.
    pub fn path_roots(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.ast.path_roots(&mut out);
        out
    }

    /// Depth of the expression tree (at most [`parser::MAX_DEPTH`]).
    pub fn depth(&self) -> u32 {
        self.depth
    }

    /// Names of the functions the expression calls (sorted, without duplicates), e.g. to
    /// see whether an invariant needs `resolve()` or `memberOf()`.
    pub fn functions(&self) -> Vec<&'static str> {
        let mut names = Vec::new();
        self.ast.visit_calls(&mut |f| names.push(f.name()));
        names.sort_unstable();
        names.dedup();
        names
    }
}

/// A syntax error, with the byte offset in the expression where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// What is wrong.
    pub message: String,
    /// Byte offset in the expression.
    pub position: usize,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (at offset {})", self.message, self.position)
    }
}

impl std::error::Error for ParseError {}

/// An evaluation error (type error, singleton violation, budget exceeded, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError {
    /// What went wrong.
    pub message: String,
}

impl EvalError {
    pub(crate) fn new(message: impl Into<String>) -> EvalError {
        EvalError {
            message: message.into(),
        }
    }
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EvalError {}

/// Parses an expression.
pub fn parse(src: &str) -> Result<Expr, ParseError> {
    let (ast, depth) = parser::parse(src)?;
    Ok(Expr {
        ast,
        source: src.into(),
        depth,
    })
}

/// Type information about a JSON property, from [`Model::child_type`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChildType<'m> {
    /// FHIR type name: `"Quantity"`, `"dateTime"`, `"Patient"`; for a backbone element the
    /// host's name for it (conventionally its path, e.g. `"Patient.contact"`); `"Resource"`
    /// for resource-typed elements (the engine then uses `resourceType`).
    pub type_name: &'m str,
    /// The element's FHIRPath name: `"value"` for the key `valueQuantity`, else the key.
    pub name: &'m str,
}

/// Where a `resolve()` call happens.
#[derive(Debug, Clone, Copy)]
pub struct ResolveContext<'a> {
    /// The node holding the reference: a `Reference` object, or a string (uri/canonical).
    pub from: Option<&'a Node<'a>>,
    /// `%resource` and `%rootResource` of the evaluation.
    pub resource: &'a Node<'a>,
    /// `%rootResource`.
    pub root_resource: &'a Node<'a>,
}

/// What the engine needs to know about the FHIR model and the world.
pub trait Model {
    /// FHIR type of JSON property `key` (e.g. `"valueQuantity"`, `"birthDate"`; never a
    /// `_name` key) of a value of FHIR type `parent`. For a choice key the concrete type.
    /// `None` if unknown.
    fn child_type(&self, parent: &str, key: &str) -> Option<ChildType<'_>>;
    /// Is `ty` the same as, or derived from, `base` (`Age`→`Quantity`, `code`→`string`,
    /// `Patient`→`DomainResource`→`Resource`, a backbone path → `BackboneElement`)?
    fn is_type(&self, ty: &str, base: &str) -> bool;
    /// `resolve()` of a reference that is not a local `#id` (those the engine resolves in
    /// `contained` itself). Answer from the Bundle / the validation context.
    fn resolve<'a>(&self, reference: &str, ctx: &ResolveContext<'a>) -> Option<&'a Node<'a>>;
    /// `memberOf(valueSet)` for a `code` / `Coding` / `CodeableConcept` (or string) node;
    /// `None` when unknown (the engine then returns empty).
    fn member_of(&self, item: &Node<'_>, item_type: &str, value_set: &str) -> Option<bool>;
    /// `conformsTo(profile)`; `None` when the profile is unknown (an evaluation error, as
    /// the specification requires).
    fn conforms_to(&self, node: &Node<'_>, node_type: &str, profile: &str) -> Option<bool>;
    /// `htmlChecks()` on the xhtml text of a narrative `div`.
    fn html_checks(&self, div: &str) -> bool;
    /// Does type `ty` define an element called `name` (FHIRPath name, `value` for
    /// `value[x]`)? Only consulted in strict mode ([`Env::strict`]); `None` = unknown.
    fn has_element(&self, ty: &str, name: &str) -> Option<bool> {
        let _ = (ty, name);
        None
    }
}

/// A FHIR element in the JSON tree (what `Item::Elem` holds).
#[derive(Debug, Clone, Copy)]
pub struct Elem<'a> {
    /// The JSON value; `None` for a primitive that has only its `_name` companion.
    pub value: Option<&'a Node<'a>>,
    /// The `_name` companion object of a primitive (holding `id` / `extension`).
    pub ext: Option<&'a Node<'a>>,
    /// The FHIR type when `key` is empty; otherwise the *parent's* type, the element's own
    /// type being looked up lazily from (`ty`, `key`). Items returned by [`evaluate`] are
    /// always resolved (`key` empty).
    pub ty: &'a str,
    /// The JSON property name when the type is not yet resolved; empty once resolved.
    pub key: &'a str,
}

impl<'a> Elem<'a> {
    /// An element of known type.
    pub fn new(value: &'a Node<'a>, ty: &'a str) -> Elem<'a> {
        Elem {
            value: Some(value),
            ext: None,
            ty,
            key: "",
        }
    }

    /// The element's FHIR type ("" if unknown); needs a resolved element (see [`Elem::ty`]).
    pub fn type_name(&self) -> &'a str {
        if self.key.is_empty() { self.ty } else { "" }
    }
}

/// A quantity value (`System.Quantity`).
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity<'a> {
    /// The number.
    pub value: Decimal,
    /// UCUM code or calendar keyword (`year`, `days`, …).
    pub unit: Cow<'a, str>,
}

/// One item of a FHIRPath collection.
#[derive(Debug, Clone)]
pub enum Item<'a> {
    /// A FHIR element (resource, complex value or primitive) in the JSON tree.
    Elem(Elem<'a>),
    /// A Boolean.
    Bool(bool),
    /// An Integer.
    Int(i64),
    /// A Decimal.
    Dec(Decimal),
    /// A String.
    Str(Cow<'a, str>),
    /// A Date.
    Date(DateTime),
    /// A DateTime.
    DateTime(DateTime),
    /// A Time.
    Time(DateTime),
    /// A Quantity.
    Quantity(Quantity<'a>),
    /// Result of `type()`: namespace (`"System"` / `"FHIR"`) and name.
    Type(&'static str, &'a str),
}

impl Item<'_> {
    /// FHIRPath type name of a System value (`"Boolean"`, `"String"`, …), or the FHIR type of an element.
    pub fn type_name(&self) -> &str {
        match self {
            Item::Elem(e) => e.type_name(),
            Item::Bool(_) => "Boolean",
            Item::Int(_) => "Integer",
            Item::Dec(_) => "Decimal",
            Item::Str(_) => "String",
            Item::Date(_) => "Date",
            Item::DateTime(_) => "DateTime",
            Item::Time(_) => "Time",
            Item::Quantity(_) => "Quantity",
            Item::Type(..) => "TypeInfo",
        }
    }

    /// A readable rendering (used for messages and tests): primitives as their text,
    /// dates with `@`, quantities as `value 'unit'`, complex elements as `{…}`.
    pub fn display(&self) -> String {
        eval::display(self)
    }
}

/// The evaluation environment.
#[derive(Debug, Clone)]
pub struct Env<'a> {
    /// `%resource`: the resource containing the context (a contained resource, if it is in one).
    pub resource: &'a Node<'a>,
    /// The FHIR type of `resource`.
    pub resource_type: &'a str,
    /// `%rootResource`: the container of a contained resource, else the same as `resource`.
    pub root_resource: &'a Node<'a>,
    /// The FHIR type of `root_resource`.
    pub root_type: &'a str,
    /// `%context` / initial `$this`: the element the expression is evaluated on. `None` for a
    /// primitive that has only its `_name` companion (then `context_ext` is set).
    pub context: Option<&'a Node<'a>>,
    /// The `_name` companion when the context is a primitive with extensions.
    pub context_ext: Option<&'a Node<'a>>,
    /// The FHIR type of the context.
    pub context_type: &'a str,
    /// `today()` as (year, month, day).
    pub today: Option<(i32, u32, u32)>,
    /// `now()` as a FHIR dateTime/instant string (e.g. `2024-05-01T10:00:00.000Z`).
    /// When absent, `now()` is `today()` at 00:00:00.000Z.
    pub now: Option<&'a str>,
    /// Evaluation budget (roughly: AST nodes visited + items processed).
    pub max_steps: u64,
    /// Specification-strict checks, as in the FHIRPath test suite: navigating to an element
    /// the type does not define, or by a concrete choice name (`valueQuantity`), a type name
    /// that does not match the context, and `as()` on several items are errors. Validators
    /// should leave this off: real-world invariants rely on the lenient behaviour.
    pub strict: bool,
}

/// Default evaluation budget.
pub const DEFAULT_MAX_STEPS: u64 = 1_000_000;

impl<'a> Env<'a> {
    /// An environment evaluating on a resource (context = resource = root resource).
    pub fn new(resource: &'a Node<'a>, resource_type: &'a str) -> Env<'a> {
        Env {
            resource,
            resource_type,
            root_resource: resource,
            root_type: resource_type,
            context: Some(resource),
            context_ext: None,
            context_type: resource_type,
            today: None,
            now: None,
            max_steps: DEFAULT_MAX_STEPS,
            strict: false,
        }
    }

    /// Sets the context element (`%context`, `$this`).
    pub fn with_context(
        mut self,
        context: Option<&'a Node<'a>>,
        ext: Option<&'a Node<'a>>,
        ty: &'a str,
    ) -> Env<'a> {
        self.context = context;
        self.context_ext = ext;
        self.context_type = ty;
        self
    }
}

/// Evaluates an expression; returns the output collection. FHIR elements in the result
/// have their type resolved.
pub fn evaluate<'a>(
    expr: &'a Expr,
    env: &Env<'a>,
    model: &'a dyn Model,
) -> Result<Vec<Item<'a>>, EvalError> {
    let mut ev = eval::Evaluator::new(env, model);
    let mut out = ev.run(&expr.ast)?;
    for it in out.iter_mut() {
        if let Item::Elem(e) = it {
            let ty = ev.elem_type(e);
            e.ty = ty;
            e.key = "";
        }
    }
    Ok(out.into_vec())
}

/// Evaluates an invariant: empty → `true`; a single boolean → its value; any other
/// non-empty result → `true` (as the reference validator does); errors → `Err`.
pub fn evaluate_invariant(
    expr: &Expr,
    env: &Env<'_>,
    model: &dyn Model,
) -> Result<bool, EvalError> {
    let mut ev = eval::Evaluator::new(env, model);
    let out = ev.run(&expr.ast)?;
    Ok(match out.as_slice() {
        [] => true,
        [one] => ev.as_bool(one).unwrap_or(true),
        _ => true,
    })
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
pub(crate) mod tests;
