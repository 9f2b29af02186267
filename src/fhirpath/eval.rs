//! Evaluation core: the evaluator, its frames and budget, values and System conversions,
//! equality and ordering, and types; navigation over the JSON tree is in `navigate`, the
//! operators in `operators`.

use std::borrow::Cow;
use std::cmp::Ordering;

use super::ast::{Ast, BinOp, Lit, TypeSpec, Var};
use super::datetime::{CalUnit, DateTime};
use super::decimal::Decimal;
use super::units;
use super::{Elem, Env, EvalError, Item, Model, Quantity};
use crate::json::{Node, Value};
use smallvec::{SmallVec, smallvec};

mod navigate;
mod operators;

/// A collection: most hold zero or one item, kept inline (no allocation).
pub(crate) type Coll<'a> = SmallVec<[Item<'a>; 1]>;

/// The evaluation frame: the focus for terms (`$this`), `$index`, `$total`.
#[derive(Clone, Copy)]
pub(crate) struct Frame<'a, 'f> {
    pub this: &'f [Item<'a>],
    pub index: Option<usize>,
    pub total: Option<&'f [Item<'a>]>,
}

pub(crate) struct Evaluator<'a, 'e> {
    pub env: &'e Env<'a>,
    pub model: &'a dyn Model,
    steps: u64,
}

pub(crate) fn err<T>(msg: impl Into<String>) -> Result<T, EvalError> {
    Err(EvalError::new(msg))
}

const SYSTEM_TYPES: [&str; 9] = [
    "Boolean", "Integer", "Decimal", "String", "Date", "DateTime", "Time", "Quantity", "Long",
];

/// Types whose JSON object is read as a Quantity.
fn is_quantity_type(t: &str) -> bool {
    matches!(
        t,
        "Quantity" | "Age" | "Distance" | "Duration" | "Count" | "SimpleQuantity" | "MoneyQuantity"
    )
}

/// FHIR primitive type names (lower-case first letter).
fn is_primitive_type(t: &str) -> bool {
    t.as_bytes().first().is_some_and(|c| c.is_ascii_lowercase())
}

/// Data types that may appear as a choice suffix (`valueQuantity`), used when the model
/// does not know the parent type.
const CHOICE_SUFFIXES: [&str; 50] = [
    "Address",
    "Age",
    "Annotation",
    "Attachment",
    "Base64Binary",
    "Boolean",
    "Canonical",
    "Code",
    "CodeableConcept",
    "Coding",
    "ContactDetail",
    "ContactPoint",
    "Contributor",
    "Count",
    "DataRequirement",
    "Date",
    "DateTime",
    "Decimal",
    "Distance",
    "Dosage",
    "Duration",
    "Expression",
    "HumanName",
    "Id",
    "Identifier",
    "Instant",
    "Integer",
    "Markdown",
    "Meta",
    "Money",
    "Oid",
    "ParameterDefinition",
    "Period",
    "PositiveInt",
    "Quantity",
    "Range",
    "Ratio",
    "Reference",
    "RelatedArtifact",
    "SampledData",
    "Signature",
    "String",
    "Time",
    "Timing",
    "TriggerDefinition",
    "UnsignedInt",
    "Uri",
    "Url",
    "UsageContext",
    "Uuid",
];

fn choice_suffix_type(suffix: &str) -> Option<&'static str> {
    let i = CHOICE_SUFFIXES.iter().position(|s| *s == suffix)?;
    Some(match *CHOICE_SUFFIXES.get(i)? {
        "Base64Binary" => "base64Binary",
        "Boolean" => "boolean",
        "Canonical" => "canonical",
        "Code" => "code",
        "Date" => "date",
        "DateTime" => "dateTime",
        "Decimal" => "decimal",
        "Id" => "id",
        "Instant" => "instant",
        "Integer" => "integer",
        "Markdown" => "markdown",
        "Oid" => "oid",
        "PositiveInt" => "positiveInt",
        "String" => "string",
        "Time" => "time",
        "UnsignedInt" => "unsignedInt",
        "Uri" => "uri",
        "Url" => "url",
        "Uuid" => "uuid",
        other => other,
    })
}

fn is_null(n: &Node<'_>) -> bool {
    matches!(n.value, Value::Null)
}

/// `resourceType` of a JSON object.
pub(crate) fn resource_type_of<'a>(n: &'a Node<'a>) -> Option<&'a str> {
    match &n.value {
        Value::Object(members) => members
            .iter()
            .find(|m| m.key == "resourceType")
            .and_then(|m| match &m.value.value {
                Value::String(s) => Some(&**s),
                _ => None,
            }),
        _ => None,
    }
}

fn member<'a>(n: &'a Node<'a>, key: &str) -> Option<&'a Node<'a>> {
    match &n.value {
        Value::Object(members) => members.iter().find(|m| m.key == key).map(|m| &m.value),
        _ => None,
    }
}

fn num_eq(a: &str, b: &str) -> bool {
    a == b
        || match (Decimal::parse(a), Decimal::parse(b)) {
            (Some(x), Some(y)) => x.compare(y) == Ordering::Equal,
            _ => false,
        }
}

/// Structural JSON equality (member order ignored, numbers compared by value).
fn json_eq(a: &Node<'_>, b: &Node<'_>, equiv: bool, depth: u32) -> bool {
    if depth > 300 {
        return false;
    }
    match (&a.value, &b.value) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Number(x), Value::Number(y)) => {
            if equiv {
                match (Decimal::parse(x), Decimal::parse(y)) {
                    (Some(p), Some(q)) => p.equivalent(q),
                    _ => x == y,
                }
            } else {
                num_eq(x, y)
            }
        }
        (Value::String(x), Value::String(y)) => {
            if equiv {
                normalize_ws_lower(x) == normalize_ws_lower(y)
            } else {
                x == y
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|(p, q)| json_eq(p, q, equiv, depth + 1))
        }
        (Value::Object(x), Value::Object(y)) => {
            let relevant = |k: &str| !(equiv && (k == "id" || k == "_id"));
            let nx = x.iter().filter(|m| relevant(&m.key)).count();
            let ny = y.iter().filter(|m| relevant(&m.key)).count();
            nx == ny
                && x.iter().filter(|m| relevant(&m.key)).all(|m| {
                    y.iter()
                        .find(|n| n.key == m.key)
                        .is_some_and(|n| json_eq(&m.value, &n.value, equiv, depth + 1))
                })
        }
        _ => false,
    }
}

pub(crate) fn normalize_ws_lower(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

pub(crate) fn calendar_unit(u: &str) -> Option<CalUnit> {
    Some(match u {
        "year" | "years" => CalUnit::Year,
        "month" | "months" => CalUnit::Month,
        "week" | "weeks" | "wk" => CalUnit::Week,
        "day" | "days" | "d" => CalUnit::Day,
        "hour" | "hours" | "h" => CalUnit::Hour,
        "minute" | "minutes" | "min" => CalUnit::Minute,
        "second" | "seconds" | "s" => CalUnit::Second,
        "millisecond" | "milliseconds" | "ms" => CalUnit::Milli,
        _ => return None,
    })
}

const CALENDAR_WORDS: [&str; 16] = [
    "year",
    "years",
    "month",
    "months",
    "week",
    "weeks",
    "day",
    "days",
    "hour",
    "hours",
    "minute",
    "minutes",
    "second",
    "seconds",
    "millisecond",
    "milliseconds",
];

pub(crate) fn quantity_string(q: &Quantity<'_>) -> String {
    if CALENDAR_WORDS.contains(&&*q.unit) {
        format!("{} {}", q.value, q.unit)
    } else {
        format!("{} '{}'", q.value, q.unit)
    }
}

/// Text of a System value / primitive (no `@` on dates), as `toString()` gives it.
pub(crate) fn system_string(item: &Item<'_>) -> Option<String> {
    Some(match item {
        Item::Bool(b) => b.to_string(),
        Item::Int(i) => i.to_string(),
        Item::Dec(d) => d.to_string(),
        Item::Str(s) => s.to_string(),
        Item::Date(d) => {
            let mut s = String::new();
            d.fmt_date(&mut s);
            s
        }
        Item::DateTime(d) => {
            let mut s = String::new();
            d.fmt_datetime(&mut s);
            s
        }
        Item::Time(d) => {
            let mut s = String::new();
            d.fmt_time(&mut s);
            s
        }
        Item::Quantity(q) => quantity_string(q),
        Item::Type(ns, n) => format!("{ns}.{n}"),
        Item::Elem(e) => match e.value.map(|v| &v.value) {
            Some(Value::String(s)) => s.to_string(),
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::Bool(b)) => b.to_string(),
            _ => return None,
        },
    })
}

pub(crate) fn display(item: &Item<'_>) -> String {
    match item {
        Item::Date(_) | Item::DateTime(_) => {
            format!("@{}", system_string(item).unwrap_or_default())
        }
        Item::Time(_) => format!("@T{}", system_string(item).unwrap_or_default()),
        Item::Elem(e) => match system_string(item) {
            Some(s) => s,
            None if e.value.is_none() => "(no value)".to_string(),
            None => "{…}".to_string(),
        },
        other => system_string(other).unwrap_or_default(),
    }
}

fn lit_item<'a>(l: &'a Lit) -> Item<'a> {
    match l {
        Lit::Bool(b) => Item::Bool(*b),
        Lit::Int(i) => Item::Int(*i),
        Lit::Dec(d) => Item::Dec(*d),
        Lit::Str(s) => Item::Str(Cow::Borrowed(s)),
        Lit::Date(d) => Item::Date(*d),
        Lit::DateTime(d) => Item::DateTime(*d),
        Lit::Time(d) => Item::Time(*d),
        Lit::Quantity(v, u) => Item::Quantity(Quantity {
            value: *v,
            unit: Cow::Borrowed(u),
        }),
    }
}

impl<'a, 'e> Evaluator<'a, 'e> {
    pub(crate) fn new(env: &'e Env<'a>, model: &'a dyn Model) -> Self {
        Evaluator {
            env,
            model,
            steps: 0,
        }
    }

    #[inline]
    pub(crate) fn tick(&mut self) -> Result<(), EvalError> {
        self.charge(1)
    }

    /// Counts `n` steps of work (items scanned or compared) against the budget.
    #[inline]
    pub(crate) fn charge(&mut self, n: u64) -> Result<(), EvalError> {
        self.steps = self.steps.saturating_add(n);
        if self.steps > self.env.max_steps {
            return err("evaluation step budget exceeded");
        }
        Ok(())
    }

    pub(crate) fn context_item(&self) -> Option<Item<'a>> {
        if self.env.context.is_none() && self.env.context_ext.is_none() {
            return None;
        }
        Some(Item::Elem(Elem {
            value: self.env.context,
            ext: self.env.context_ext,
            ty: self.env.context_type,
            key: "",
        }))
    }

    pub(crate) fn run(&mut self, ast: &'a Ast) -> Result<Coll<'a>, EvalError> {
        let ctx: Coll<'a> = self.context_item().into_iter().collect();
        let frame = Frame {
            this: &ctx,
            index: None,
            total: None,
        };
        self.eval(ast, frame)
    }

    /// The element's own FHIR type ("" if unknown).
    pub(crate) fn elem_type(&self, e: &Elem<'a>) -> &'a str {
        if e.key.is_empty() {
            return e.ty;
        }
        let declared = self.model.child_type(e.ty, e.key).map(|c| c.type_name);
        match declared {
            Some(t) if t != "Resource" && t != "DomainResource" => t,
            _ => e
                .value
                .and_then(resource_type_of)
                .or(declared)
                .unwrap_or(""),
        }
    }

    /// Evaluates a node. This function and [`Self::binary`] / [`Self::call`] are the recursion
    /// path, so they keep few locals; the work happens in out-of-line helpers.
    pub(crate) fn eval(&mut self, ast: &'a Ast, f: Frame<'a, '_>) -> Result<Coll<'a>, EvalError> {
        self.tick()?;
        match ast {
            Ast::Member(base, name) => {
                let b = self.eval(base, f)?;
                self.navigate_new(&b, name)
            }
            Ast::Call { base, func, args } => {
                let input = match base {
                    Some(b) => self.eval(b, f)?,
                    None => Coll::from(f.this),
                };
                self.call(func, args, input, f)
            }
            Ast::Bin(op, l, r) => self.binary(*op, l, r, f),
            Ast::Indexer(base, idx) => {
                let b = self.eval(base, f)?;
                let i = self.eval(idx, f)?;
                self.index_into(b, &i)
            }
            Ast::Neg(inner) => {
                let v = self.eval(inner, f)?;
                self.negate(&v)
            }
            Ast::Is(e, ts) => {
                let v = self.eval(e, f)?;
                self.is_op(&v, ts)
            }
            Ast::As(e, ts) => {
                let v = self.eval(e, f)?;
                self.as_type(v, ts)
            }
            _ => self.eval_leaf(ast, f),
        }
    }

    #[inline(never)]
    fn eval_leaf(&mut self, ast: &'a Ast, f: Frame<'a, '_>) -> Result<Coll<'a>, EvalError> {
        Ok(match ast {
            Ast::Empty => Coll::new(),
            Ast::Lit(l) => smallvec![lit_item(l)],
            Ast::This => Coll::from(f.this),
            Ast::Index => f.index.map(|i| Item::Int(i as i64)).into_iter().collect(),
            Ast::Total => f.total.map(Coll::from).unwrap_or_default(),
            Ast::Var(v) => match v {
                Var::Resource => smallvec![Item::Elem(Elem::new(
                    self.env.resource,
                    self.env.resource_type,
                ))],
                Var::RootResource => smallvec![Item::Elem(Elem::new(
                    self.env.root_resource,
                    self.env.root_type,
                ))],
                Var::Context => self.context_item().into_iter().collect(),
                Var::Const(s) => smallvec![Item::Str(Cow::Borrowed(s))],
            },
            Ast::Ident(name) => self.ident(f.this, name)?,
            _ => Coll::new(),
        })
    }

    #[inline(never)]
    fn navigate_new(&mut self, input: &[Item<'a>], name: &'a str) -> Result<Coll<'a>, EvalError> {
        let mut out = Coll::new();
        self.navigate(input, name, &mut out)?;
        Ok(out)
    }

    #[inline(never)]
    fn index_into(&mut self, b: Coll<'a>, i: &[Item<'a>]) -> Result<Coll<'a>, EvalError> {
        Ok(match self.single_int(i, "indexer")? {
            Some(n) if n >= 0 => b.into_iter().nth(n as usize).into_iter().collect(),
            _ => Coll::new(),
        })
    }

    #[inline(never)]
    fn is_op(&mut self, v: &[Item<'a>], ts: &TypeSpec) -> Result<Coll<'a>, EvalError> {
        Ok(match self.singleton(v, "is")? {
            Some(item) => smallvec![Item::Bool(self.type_matches(&item, ts, false)?)],
            None => Coll::new(),
        })
    }

    #[inline(never)]
    fn negate(&mut self, v: &[Item<'a>]) -> Result<Coll<'a>, EvalError> {
        let Some(item) = self.singleton(v, "unary minus")? else {
            return Ok(Coll::new());
        };
        Ok(match self.to_system(&item) {
            Some(Item::Int(i)) => smallvec![Item::Int(
                i.checked_neg()
                    .ok_or_else(|| EvalError::new("integer overflow"))?,
            )],
            Some(Item::Dec(d)) => smallvec![Item::Dec(d.negated())],
            Some(Item::Quantity(q)) => smallvec![Item::Quantity(Quantity {
                value: q.value.negated(),
                unit: q.unit,
            })],
            Some(Item::Elem(e)) => match self.elem_quantity(&e) {
                Some(q) => smallvec![Item::Quantity(Quantity {
                    value: q.value.negated(),
                    unit: q.unit,
                })],
                None => return err("unary minus needs a number or quantity"),
            },
            None => Coll::new(),
            Some(_) => return err("unary minus needs a number or quantity"),
        })
    }

    #[inline(never)]
    pub(crate) fn as_type(&mut self, v: Coll<'a>, ts: &TypeSpec) -> Result<Coll<'a>, EvalError> {
        if v.len() > 1 && self.env.strict {
            return err("as() on a collection of several items");
        }
        let mut out = Coll::new();
        for item in v {
            if self.type_matches(&item, ts, true)? {
                out.push(item);
            }
        }
        Ok(out)
    }

    /// The single item of a collection: `None` if empty, error if several.
    pub(crate) fn singleton(
        &self,
        c: &[Item<'a>],
        what: &str,
    ) -> Result<Option<Item<'a>>, EvalError> {
        match c {
            [] => Ok(None),
            [x] => Ok(Some(x.clone())),
            _ => err(format!("{what}: expected a single item, got {}", c.len())),
        }
    }

    pub(crate) fn single_int(&self, c: &[Item<'a>], what: &str) -> Result<Option<i64>, EvalError> {
        match self.singleton(c, what)? {
            None => Ok(None),
            Some(item) => match self.to_system(&item) {
                Some(Item::Int(i)) => Ok(Some(i)),
                Some(Item::Dec(d)) => match d.to_i64_exact() {
                    Some(i) => Ok(Some(i)),
                    None => err(format!("{what}: expected an integer")),
                },
                _ => err(format!("{what}: expected an integer")),
            },
        }
    }

    // ---------------------------------------------------------------- values

    /// Converts a FHIR primitive element to its System value; complex elements are returned
    /// as they are; `None` for an element without a value.
    pub(crate) fn to_system(&self, item: &Item<'a>) -> Option<Item<'a>> {
        let Item::Elem(e) = item else {
            return Some(item.clone());
        };
        let v = e.value?;
        Some(match &v.value {
            Value::Bool(b) => Item::Bool(*b),
            Value::Number(n) => {
                if n.bytes().any(|c| c == b'.' || c == b'e' || c == b'E') {
                    Item::Dec(Decimal::parse(n)?)
                } else {
                    match n.parse::<i64>() {
                        Ok(i) => Item::Int(i),
                        Err(_) => Item::Dec(Decimal::parse(n)?),
                    }
                }
            }
            Value::String(s) => {
                let s: &'a str = s;
                if s.as_bytes().first().is_some_and(|c| c.is_ascii_digit()) {
                    match self.elem_type(e) {
                        "date" => match DateTime::parse_date(s) {
                            Some(d) => Item::Date(d),
                            None => Item::Str(Cow::Borrowed(s)),
                        },
                        "dateTime" | "instant" => match DateTime::parse_datetime(s, false) {
                            Some(d) if d.prec <= super::Prec::Day && !s.contains('T') => {
                                Item::DateTime(d)
                            }
                            Some(d) => Item::DateTime(d),
                            None => Item::Str(Cow::Borrowed(s)),
                        },
                        "time" => match DateTime::parse_time(s) {
                            Some(d) => Item::Time(d),
                            None => Item::Str(Cow::Borrowed(s)),
                        },
                        _ => Item::Str(Cow::Borrowed(s)),
                    }
                } else {
                    Item::Str(Cow::Borrowed(s))
                }
            }
            Value::Object(_) => item.clone(),
            Value::Null | Value::Array(_) => return None,
        })
    }

    /// A Quantity-typed element as a System quantity.
    pub(crate) fn elem_quantity(&self, e: &Elem<'a>) -> Option<Quantity<'a>> {
        let node = e.value?;
        let t = self.elem_type(e);
        if !(t.is_empty() || is_quantity_type(t) || self.model.is_type(t, "Quantity")) {
            return None;
        }
        let value = match &member(node, "value")?.value {
            Value::Number(n) => Decimal::parse(n)?,
            _ => return None,
        };
        let s = |k: &str| -> Option<&'a str> {
            match &member(node, k)?.value {
                Value::String(s) => Some(&**s),
                _ => None,
            }
        };
        let unit = match (s("system"), s("code"), s("unit")) {
            (Some("http://unitsofmeasure.org"), Some(code), _) => code,
            (_, _, Some(unit)) => unit,
            (_, Some(code), None) => code,
            _ => "1",
        };
        Some(Quantity {
            value,
            unit: Cow::Borrowed(unit),
        })
    }

    /// The quantity view of an item (System quantity or Quantity element).
    pub(crate) fn quantity_of(&self, item: &Item<'a>) -> Option<Quantity<'a>> {
        match item {
            Item::Quantity(q) => Some(q.clone()),
            Item::Elem(e) => self.elem_quantity(e),
            _ => None,
        }
    }

    /// A boolean item's value (System or FHIR boolean).
    pub(crate) fn as_bool(&self, item: &Item<'a>) -> Option<bool> {
        match item {
            Item::Bool(b) => Some(*b),
            Item::Elem(Elem {
                value:
                    Some(Node {
                        value: Value::Bool(b),
                        ..
                    }),
                ..
            }) => Some(*b),
            _ => None,
        }
    }

    /// Singleton evaluation of a collection as a boolean (lenient: a non-boolean single
    /// item, or several items, count as `true`).
    pub(crate) fn coll_bool(&self, c: &[Item<'a>]) -> Option<bool> {
        match c {
            [] => None,
            [x] => Some(self.as_bool(x).unwrap_or(true)),
            _ => Some(true),
        }
    }

    /// Singleton evaluation, strict: several items or a non-boolean item is an error.
    pub(crate) fn coll_bool_strict(
        &self,
        c: &[Item<'a>],
        what: &str,
    ) -> Result<Option<bool>, EvalError> {
        match c {
            [] => Ok(None),
            [x] => match self.as_bool(x) {
                Some(b) => Ok(Some(b)),
                None => err(format!("{what}: expected a boolean")),
            },
            _ => err(format!(
                "{what}: expected a single boolean, got {} items",
                c.len()
            )),
        }
    }

    // ---------------------------------------------------------------- equality / ordering

    /// `=` on two items: `None` when the result is empty (uncertain precision, no value).
    pub(crate) fn eq_item(&self, a: &Item<'a>, b: &Item<'a>) -> Option<bool> {
        // the very same element
        if let (Item::Elem(x), Item::Elem(y)) = (a, b) {
            let same = |p: Option<&Node<'_>>, q: Option<&Node<'_>>| match (p, q) {
                (Some(p), Some(q)) => std::ptr::eq(p, q),
                (None, None) => true,
                _ => false,
            };
            if (x.value.is_some() || x.ext.is_some())
                && same(x.value, y.value)
                && same(x.ext, y.ext)
            {
                return Some(true);
            }
        }
        let a = self.to_system(a)?;
        let b = self.to_system(b)?;
        Some(match (&a, &b) {
            (Item::Elem(x), Item::Elem(y)) => match (x.value, y.value) {
                (Some(p), Some(q)) => json_eq(p, q, false, 0),
                _ => false,
            },
            (Item::Elem(x), Item::Quantity(q)) | (Item::Quantity(q), Item::Elem(x)) => {
                match self.elem_quantity(x) {
                    Some(p) => return quantity_cmp(&p, q).map(|o| o == Ordering::Equal),
                    None => false,
                }
            }
            (Item::Bool(x), Item::Bool(y)) => x == y,
            (Item::Int(x), Item::Int(y)) => x == y,
            (Item::Int(_) | Item::Dec(_), Item::Int(_) | Item::Dec(_)) => {
                num_cmp(&a, &b) == Some(Ordering::Equal)
            }
            (Item::Str(x), Item::Str(y)) => x == y,
            (Item::Date(x) | Item::DateTime(x), Item::Date(y) | Item::DateTime(y)) => {
                return DateTime::compare(x, y).map(|o| o == Ordering::Equal);
            }
            (Item::Time(x), Item::Time(y)) => {
                return DateTime::compare_time(x, y).map(|o| o == Ordering::Equal);
            }
            (Item::Quantity(x), Item::Quantity(y)) => {
                return quantity_cmp(x, y).map(|o| o == Ordering::Equal);
            }
            (Item::Str(s), d @ (Item::Date(_) | Item::DateTime(_) | Item::Time(_)))
            | (d @ (Item::Date(_) | Item::DateTime(_) | Item::Time(_)), Item::Str(s)) => {
                system_string(d).is_some_and(|t| t == **s)
            }
            (Item::Type(n1, t1), Item::Type(n2, t2)) => n1 == n2 && t1 == t2,
            _ => false,
        })
    }

    /// `~` on two items.
    pub(crate) fn equiv_item(&self, a: &Item<'a>, b: &Item<'a>) -> bool {
        let (Some(a), Some(b)) = (self.to_system(a), self.to_system(b)) else {
            return self.to_system(a).is_none() && self.to_system(b).is_none();
        };
        match (&a, &b) {
            (Item::Elem(x), Item::Elem(y)) => match (x.value, y.value) {
                (Some(p), Some(q)) => json_eq(p, q, true, 0),
                _ => false,
            },
            (Item::Str(x), Item::Str(y)) => normalize_ws_lower(x) == normalize_ws_lower(y),
            (Item::Int(_) | Item::Dec(_), Item::Int(_) | Item::Dec(_)) => {
                match (to_dec(&a), to_dec(&b)) {
                    (Some(x), Some(y)) => x.equivalent(y),
                    _ => false,
                }
            }
            (Item::Quantity(_) | Item::Elem(_), Item::Quantity(_) | Item::Elem(_)) => {
                match (self.quantity_of(&a), self.quantity_of(&b)) {
                    (Some(x), Some(y)) => quantity_equiv(&x, &y),
                    _ => false,
                }
            }
            _ => self.eq_item(&a, &b) == Some(true),
        }
    }

    /// Ordering of two items; `Ok(None)` when uncertain or incomparable units.
    pub(crate) fn cmp_item(
        &self,
        a: &Item<'a>,
        b: &Item<'a>,
    ) -> Result<Option<Ordering>, EvalError> {
        let (Some(a), Some(b)) = (self.to_system(a), self.to_system(b)) else {
            return Ok(None);
        };
        Ok(match (&a, &b) {
            (Item::Int(_) | Item::Dec(_), Item::Int(_) | Item::Dec(_)) => num_cmp(&a, &b),
            (Item::Str(x), Item::Str(y)) => Some(x.cmp(y)),
            (Item::Date(x) | Item::DateTime(x), Item::Date(y) | Item::DateTime(y)) => {
                DateTime::compare(x, y)
            }
            (Item::Time(x), Item::Time(y)) => DateTime::compare_time(x, y),
            (Item::Quantity(_) | Item::Elem(_), Item::Quantity(_) | Item::Elem(_)) => {
                match (self.quantity_of(&a), self.quantity_of(&b)) {
                    (Some(x), Some(y)) => quantity_cmp(&x, &y),
                    _ => {
                        return err(format!(
                            "cannot compare {} with {}",
                            a.type_name(),
                            b.type_name()
                        ));
                    }
                }
            }
            (Item::Str(s), d @ (Item::Date(_) | Item::DateTime(_))) => {
                match DateTime::parse_datetime(s, false) {
                    Some(x) => match d {
                        Item::Date(y) | Item::DateTime(y) => DateTime::compare(&x, y),
                        _ => None,
                    },
                    None => return err("cannot compare a string with a date"),
                }
            }
            (d @ (Item::Date(_) | Item::DateTime(_)), Item::Str(s)) => {
                match DateTime::parse_datetime(s, false) {
                    Some(y) => match d {
                        Item::Date(x) | Item::DateTime(x) => DateTime::compare(x, &y),
                        _ => None,
                    },
                    None => return err("cannot compare a date with a string"),
                }
            }
            _ => {
                return err(format!(
                    "cannot compare {} with {}",
                    a.type_name(),
                    b.type_name()
                ));
            }
        })
    }

    /// Is `item` in `coll` (by `=`)?
    pub(crate) fn contains_item(&self, coll: &[Item<'a>], item: &Item<'a>) -> bool {
        coll.iter().any(|x| self.eq_item(x, item) == Some(true))
    }

    /// Removes duplicates (by `=`), keeping the first occurrence.
    /// A string whose FHIRPath equality is plain string equality: System strings and FHIR
    /// string primitives other than dates and times.
    fn plain_string_key<'i>(&self, it: &'i Item<'a>) -> Option<&'i str> {
        match it {
            Item::Str(s) => Some(s),
            Item::Elem(
                e @ Elem {
                    value:
                        Some(Node {
                            value: Value::String(s),
                            ..
                        }),
                    ..
                },
            ) => {
                let maybe_date = s.as_bytes().first().is_some_and(|c| c.is_ascii_digit())
                    && matches!(
                        self.elem_type(e),
                        "date" | "dateTime" | "instant" | "time" | ""
                    );
                (!maybe_date).then_some(&**s)
            }
            _ => None,
        }
    }

    pub(crate) fn distinct(&mut self, c: Coll<'a>) -> Result<Coll<'a>, EvalError> {
        if c.len() <= 8 {
            let mut out: Coll<'a> = Coll::with_capacity(c.len());
            for it in c {
                self.tick()?;
                if !self.contains_item(&out, &it) {
                    out.push(it);
                }
            }
            return Ok(out);
        }
        // Larger collections: plain strings (the common case: ids, codes, urls) are
        // de-duplicated by sorting; other items pairwise.
        let mut keep = vec![true; c.len()];
        let mut keyed: Vec<(&str, usize)> = Vec::new();
        let mut others: Vec<usize> = Vec::new();
        for (i, it) in c.iter().enumerate() {
            self.tick()?;
            match self.plain_string_key(it) {
                Some(k) => keyed.push((k, i)),
                None => {
                    // the pairwise scan is quadratic: charge it
                    self.charge(others.len() as u64)?;
                    let dup = others
                        .iter()
                        .any(|&j| c.get(j).is_some_and(|o| self.eq_item(o, it) == Some(true)));
                    if dup {
                        if let Some(k) = keep.get_mut(i) {
                            *k = false;
                        }
                    } else {
                        others.push(i);
                    }
                }
            }
        }
        keyed.sort_unstable();
        for w in keyed.windows(2) {
            if let [(a, _), (b, j)] = w
                && a == b
                && let Some(k) = keep.get_mut(*j)
            {
                *k = false;
            }
        }
        Ok(c.into_iter()
            .zip(keep)
            .filter_map(|(it, k)| k.then_some(it))
            .collect())
    }

    // ---------------------------------------------------------------- types

    /// Does `item` have type `ts`? `exact` (for `as` / `ofType`) does not let a FHIR
    /// primitive match a primitive it is derived from (`code` is not `as(string)`).
    pub(crate) fn type_matches(
        &self,
        item: &Item<'a>,
        ts: &TypeSpec,
        exact: bool,
    ) -> Result<bool, EvalError> {
        let name: &str = &ts.name;
        let ns = ts.ns.as_deref();
        if self.env.strict
            && !SYSTEM_TYPES.contains(&name)
            && ns != Some("System")
            && !self.model.is_type(name, name)
        {
            return err(format!("unknown type '{name}'"));
        }
        Ok(match item {
            Item::Elem(e) => {
                if ns == Some("System") {
                    return Ok(false);
                }
                // a JSON object is never a primitive (saves a model lookup)
                if is_primitive_type(name)
                    && e.value.is_some_and(|v| matches!(v.value, Value::Object(_)))
                {
                    return Ok(false);
                }
                let t = self.elem_type(e);
                if t.is_empty() {
                    return Ok(false);
                }
                if t == name {
                    true
                } else if exact && is_primitive_type(t) {
                    false
                } else {
                    self.model.is_type(t, name)
                        || (name == "BackboneElement" || name == "Element") && t.contains('.')
                }
            }
            other => {
                if ns == Some("FHIR") {
                    return Ok(false);
                }
                let tn = other.type_name();
                tn == name
                    || (name == "Integer" && matches!(other, Item::Int(_)) && tn == "Integer")
            }
        })
    }
}

pub(crate) fn to_dec(i: &Item<'_>) -> Option<Decimal> {
    match i {
        Item::Int(v) => Some(Decimal::from_i64(*v)),
        Item::Dec(d) => Some(*d),
        _ => None,
    }
}

fn num_cmp(a: &Item<'_>, b: &Item<'_>) -> Option<Ordering> {
    match (a, b) {
        (Item::Int(x), Item::Int(y)) => Some(x.cmp(y)),
        _ => Some(to_dec(a)?.compare(to_dec(b)?)),
    }
}

/// Compares quantities after unit conversion; `None` when the units are not comparable.
pub(crate) fn quantity_cmp(a: &Quantity<'_>, b: &Quantity<'_>) -> Option<Ordering> {
    if units::same_unit(&a.unit, &b.unit) {
        return Some(a.value.compare(b.value));
    }
    let (va, ca) = units::to_canonical(a.value, &a.unit)?;
    let (vb, cb) = units::to_canonical(b.value, &b.unit)?;
    if ca.dims != cb.dims {
        return None;
    }
    Some(va.compare(vb))
}

fn quantity_equiv(a: &Quantity<'_>, b: &Quantity<'_>) -> bool {
    if units::same_unit(&a.unit, &b.unit) {
        return a.value.equivalent(b.value);
    }
    match (
        units::to_canonical(a.value, &a.unit),
        units::to_canonical(b.value, &b.unit),
    ) {
        (Some((va, ca)), Some((vb, cb))) if ca.dims == cb.dims => va.equivalent(vb),
        _ => false,
    }
}
