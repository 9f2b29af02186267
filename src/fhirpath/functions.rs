//! Function implementations: `call` (the functions with lambda arguments) and `call_simple`,
//! which handles existence, filtering, subsetting, tree, utility, type and FHIR functions and
//! hands the conversion, string and math families to `conversion`, `strings` and `math`.

use std::borrow::Cow;
use std::cmp::Ordering;

use super::ast::{Ast, Func, RegexArg};
use super::datetime::{DateTime, Prec};
use super::decimal::{Decimal, MAX_SCALE};
use super::eval::{Coll, Evaluator, Frame, err, resource_type_of, system_string, to_dec};
use super::parser::compile_regex;
use super::units;
use super::{Elem, EvalError, Item, Quantity, ResolveContext};
use crate::json::{Node, Value};
use smallvec::smallvec;

mod conversion;
mod math;
mod strings;

fn b<'a>(v: bool) -> Coll<'a> {
    smallvec![Item::Bool(v)]
}

/// Moves argument `i` out of the evaluated arguments (empty if absent).
fn take<'a>(argv: &mut [Coll<'a>], i: usize) -> Coll<'a> {
    argv.get_mut(i).map(std::mem::take).unwrap_or_default()
}

fn opt<'a>(v: Option<Item<'a>>) -> Coll<'a> {
    v.into_iter().collect()
}

impl<'a> Evaluator<'a, '_> {
    /// A string argument: `Ok(None)` when empty.
    fn str_arg(
        &mut self,
        argv: &mut [Coll<'a>],
        i: usize,
        what: &str,
    ) -> Result<Option<Cow<'a, str>>, EvalError> {
        let v = take(argv, i);
        match self.singleton(&v, what)? {
            None => Ok(None),
            Some(item) => self.str_of(&item, what),
        }
    }

    /// String value of an item (System string or string-like FHIR primitive).
    fn str_of(&self, item: &Item<'a>, what: &str) -> Result<Option<Cow<'a, str>>, EvalError> {
        // FHIR string-valued primitives (any type: string, code, uri, date, …) as written
        if let Some(s) = raw_string(item) {
            return Ok(Some(Cow::Borrowed(s)));
        }
        match self.to_system(item) {
            None => Ok(None),
            Some(Item::Str(s)) => Ok(Some(s)),
            Some(other) => err(format!(
                "{what}: expected a string, got {}",
                other.type_name()
            )),
        }
    }

    /// The input's single string (`Ok(None)` when empty).
    fn input_str(&self, input: &[Item<'a>], what: &str) -> Result<Option<Cow<'a, str>>, EvalError> {
        match self.singleton(input, what)? {
            None => Ok(None),
            Some(item) => self.str_of(&item, what),
        }
    }

    fn lambda_frame<'f>(this: &'f [Item<'a>], index: usize, outer: Frame<'a, 'f>) -> Frame<'a, 'f> {
        Frame {
            this,
            index: Some(index),
            total: outer.total,
        }
    }

    fn regex(
        &self,
        r: &'a RegexArg,
        pattern: &str,
        full: bool,
    ) -> Result<Cow<'a, regex::Regex>, EvalError> {
        match &r.pre {
            Some(re) => Ok(Cow::Borrowed(re)),
            None => compile_regex(pattern, full)
                .map(Cow::Owned)
                .map_err(EvalError::new),
        }
    }

    /// Function dispatch. Functions with lambda arguments (`where`, `select`, …) and lazy
    /// ones (`iif`) are evaluated here; the others get their arguments evaluated first.
    pub(crate) fn call(
        &mut self,
        func: &'a Func,
        args: &'a [Ast],
        input: Coll<'a>,
        f: Frame<'a, '_>,
    ) -> Result<Coll<'a>, EvalError> {
        match func {
            Func::Exists if !args.is_empty() => self.fn_exists(args, input, f),
            Func::All => self.fn_all(args, input, f),
            Func::Where => self.fn_where(args, input, f),
            Func::Select => self.fn_select(args, input, f),
            Func::Repeat => self.fn_repeat(args, input, f),
            Func::Iif => self.fn_iif(args, input, f),
            Func::Aggregate => self.fn_aggregate(args, input, f),
            Func::Sort => self.sort(input, args, f),
            Func::Trace => Ok(input),
            _ => {
                let mut argv = Vec::with_capacity(args.len());
                for a in args {
                    argv.push(self.eval(a, f)?);
                }
                self.call_simple(func, argv, input)
            }
        }
    }

    fn fn_exists(
        &mut self,
        args: &'a [Ast],
        input: Coll<'a>,
        f: Frame<'a, '_>,
    ) -> Result<Coll<'a>, EvalError> {
        for (i, it) in input.iter().enumerate() {
            self.tick()?;
            let r = self.eval_arg0(args, std::slice::from_ref(it), i, f)?;
            if self.coll_bool(&r) == Some(true) {
                return Ok(b(true));
            }
        }
        Ok(b(false))
    }

    fn fn_all(
        &mut self,
        args: &'a [Ast],
        input: Coll<'a>,
        f: Frame<'a, '_>,
    ) -> Result<Coll<'a>, EvalError> {
        for (i, it) in input.iter().enumerate() {
            self.tick()?;
            let r = self.eval_arg0(args, std::slice::from_ref(it), i, f)?;
            if self.coll_bool(&r) != Some(true) {
                return Ok(b(false));
            }
        }
        Ok(b(true))
    }

    fn fn_where(
        &mut self,
        args: &'a [Ast],
        input: Coll<'a>,
        f: Frame<'a, '_>,
    ) -> Result<Coll<'a>, EvalError> {
        let mut out = Coll::new();
        for (i, it) in input.iter().enumerate() {
            self.tick()?;
            let r = self.eval_arg0(args, std::slice::from_ref(it), i, f)?;
            if self.coll_bool(&r) == Some(true) {
                out.push(it.clone());
            }
        }
        Ok(out)
    }

    fn fn_select(
        &mut self,
        args: &'a [Ast],
        input: Coll<'a>,
        f: Frame<'a, '_>,
    ) -> Result<Coll<'a>, EvalError> {
        let mut out = Coll::new();
        for (i, it) in input.iter().enumerate() {
            self.tick()?;
            let r = self.eval_arg0(args, std::slice::from_ref(it), i, f)?;
            out.extend(r);
        }
        Ok(out)
    }

    fn fn_repeat(
        &mut self,
        args: &'a [Ast],
        input: Coll<'a>,
        f: Frame<'a, '_>,
    ) -> Result<Coll<'a>, EvalError> {
        let mut out: Coll<'a> = Coll::new();
        let mut frontier = input;
        while !frontier.is_empty() {
            let mut next = Coll::new();
            for (i, it) in frontier.iter().enumerate() {
                self.tick()?;
                let r = self.eval_arg0(args, std::slice::from_ref(it), i, f)?;
                for x in r {
                    self.tick()?;
                    if !out.iter().any(|y| same_item(self, y, &x)) {
                        out.push(x.clone());
                        next.push(x);
                    }
                }
            }
            frontier = next;
        }
        Ok(out)
    }

    fn fn_iif(
        &mut self,
        args: &'a [Ast],
        input: Coll<'a>,
        f: Frame<'a, '_>,
    ) -> Result<Coll<'a>, EvalError> {
        if input.len() > 1 {
            return err("iif() on a collection of several items");
        }
        let frame = Frame {
            this: &input,
            index: f.index,
            total: f.total,
        };
        let c = match args.first() {
            Some(a) => self.eval(a, frame)?,
            None => Coll::new(),
        };
        let branch = if self.coll_bool_strict(&c, "iif criterion")? == Some(true) {
            1
        } else {
            2
        };
        match args.get(branch) {
            Some(a) => self.eval(a, frame),
            None => Ok(Coll::new()),
        }
    }

    fn fn_aggregate(
        &mut self,
        args: &'a [Ast],
        input: Coll<'a>,
        f: Frame<'a, '_>,
    ) -> Result<Coll<'a>, EvalError> {
        let mut total = match args.get(1) {
            Some(init) => self.eval(init, f)?,
            None => Coll::new(),
        };
        let Some(expr) = args.first() else {
            return Ok(Coll::new());
        };
        for (i, it) in input.iter().enumerate() {
            self.tick()?;
            let frame = Frame {
                this: std::slice::from_ref(it),
                index: Some(i),
                total: Some(&total),
            };
            total = self.eval(expr, frame)?;
        }
        Ok(total)
    }

    /// Functions without lambda arguments: the arguments are already evaluated (in the
    /// caller's frame). Kept out of line so that its large frame is not on the recursion path.
    #[inline(never)]
    fn call_simple(
        &mut self,
        func: &'a Func,
        mut argv: Vec<Coll<'a>>,
        input: Coll<'a>,
    ) -> Result<Coll<'a>, EvalError> {
        use Func::*;
        Ok(match func {
            // ------------------------------------------------------------ existence
            Empty => b(input.is_empty()),
            Exists => b(!input.is_empty()),
            AllTrue | AnyTrue | AllFalse | AnyFalse => {
                let mut vals = Vec::with_capacity(input.len());
                for it in &input {
                    match self.as_bool(it) {
                        Some(v) => vals.push(v),
                        None => return err("allTrue/anyTrue/allFalse/anyFalse need booleans"),
                    }
                }
                b(match func {
                    AllTrue => vals.iter().all(|v| *v),
                    AnyTrue => vals.iter().any(|v| *v),
                    AllFalse => vals.iter().all(|v| !*v),
                    _ => vals.iter().any(|v| !*v),
                })
            }
            SubsetOf | SupersetOf => {
                let other = take(&mut argv, 0);
                let (small, big) = if matches!(func, SubsetOf) {
                    (&input, &other)
                } else {
                    (&other, &input)
                };
                self.charge((small.len() as u64).saturating_mul(big.len() as u64))?;
                b(small.iter().all(|x| self.contains_item(big, x)))
            }
            Count => smallvec![Item::Int(input.len() as i64)],
            Distinct => self.distinct(input)?,
            IsDistinct => {
                let n = input.len();
                let d = self.distinct(input)?;
                b(d.len() == n)
            }
            // ------------------------------------------------------------ filtering
            OfType(ts) => {
                let mut out = Coll::new();
                for it in input {
                    if self.type_matches(&it, ts, true)? {
                        out.push(it);
                    }
                }
                out
            }
            // ------------------------------------------------------------ subsetting
            Single => match input.len() {
                0 | 1 => input,
                n => return err(format!("single(): {n} items")),
            },
            First => input.into_iter().take(1).collect(),
            Last => input.into_iter().next_back().into_iter().collect(),
            Tail => input.into_iter().skip(1).collect(),
            Skip | Take => {
                let n = take(&mut argv, 0);
                let Some(n) = self.single_int(&n, "skip/take")? else {
                    return Ok(Coll::new());
                };
                let n = n.max(0) as usize;
                if matches!(func, Skip) {
                    input.into_iter().skip(n).collect()
                } else {
                    input.into_iter().take(n).collect()
                }
            }
            Intersect => {
                let other = take(&mut argv, 0);
                let mut out: Coll<'a> = Coll::new();
                for it in input {
                    self.charge(1 + other.len() as u64 + out.len() as u64)?;
                    if self.contains_item(&other, &it) && !self.contains_item(&out, &it) {
                        out.push(it);
                    }
                }
                out
            }
            Exclude => {
                let other = take(&mut argv, 0);
                self.charge((input.len() as u64).saturating_mul(other.len() as u64))?;
                input
                    .into_iter()
                    .filter(|it| !self.contains_item(&other, it))
                    .collect()
            }
            Union => {
                let other = take(&mut argv, 0);
                let mut all = input;
                all.extend(other);
                self.distinct(all)?
            }
            Combine => {
                let other = take(&mut argv, 0);
                let mut all = input;
                all.extend(other);
                all
            }
            // ------------------------------------------------------------ conversion
            ToBoolean | ConvertsToBoolean | ToInteger | ConvertsToInteger | ToDecimal
            | ConvertsToDecimal | ToStringF | ConvertsToString | ToDate | ConvertsToDate
            | ToDateTime | ConvertsToDateTime | ToTime | ConvertsToTime | ToQuantity
            | ConvertsToQuantity => return self.call_conversion(func, argv, input),
            // ------------------------------------------------------------ strings
            IndexOf | Substring | StartsWith | EndsWith | Contains | Upper | Lower | Trim
            | Length | ToChars | Replace | Matches(_) | MatchesFull(_) | ReplaceMatches(_)
            | Split | Join | Encode | Decode | Escape | Unescape => {
                return self.call_string(func, argv, input);
            }
            // ------------------------------------------------------------ math
            Abs | Ceiling | Floor | Truncate | Exp | Ln | Sqrt | Log | Power | Round => {
                return self.call_math(func, argv, input);
            }
            // ------------------------------------------------------------ tree
            Children => {
                let mut out = Coll::new();
                for it in &input {
                    self.children_of(it, &mut out)?;
                }
                out
            }
            Descendants => {
                let mut out = Coll::new();
                for it in &input {
                    self.children_of(it, &mut out)?;
                }
                let mut i = 0;
                while let Some(it) = out.get(i).cloned() {
                    // every descendant is work: a huge resource must hit the step budget
                    self.tick()?;
                    self.children_of(&it, &mut out)?;
                    i += 1;
                }
                out
            }
            // ------------------------------------------------------------ utility
            Now => smallvec![Item::DateTime(self.now()?)],
            Today => {
                let mut d = self.now()?;
                d.prec = Prec::Day;
                d.tz = None;
                d.hour = 0;
                d.minute = 0;
                d.second = 0;
                d.milli = 0;
                smallvec![Item::Date(d)]
            }
            TimeOfDay => {
                let mut d = self.now()?;
                d.year = 0;
                d.month = 0;
                d.day = 0;
                d.tz = None;
                smallvec![Item::Time(d)]
            }
            Not => match self.coll_bool_strict_not(&input)? {
                Some(v) => b(!v),
                None => Coll::new(),
            },
            // handled by `call`
            Sort | All | Where | Select | Repeat | Iif | Aggregate | Trace => input,
            LowBoundary | HighBoundary => {
                let Some(x) = self.singleton(&input, "boundary")? else {
                    return Ok(Coll::new());
                };
                let p = if argv.is_empty() {
                    None
                } else {
                    let a = take(&mut argv, 0);
                    self.single_int(&a, "boundary")?
                };
                opt(self.boundary(&x, p, matches!(func, HighBoundary)))
            }
            Precision => {
                let Some(x) = self.singleton(&input, "precision")? else {
                    return Ok(Coll::new());
                };
                match self.to_system(&x) {
                    Some(Item::Dec(d)) => smallvec![Item::Int(d.scale() as i64)],
                    Some(Item::Int(_)) => smallvec![Item::Int(0)],
                    Some(Item::Date(d) | Item::DateTime(d)) => {
                        smallvec![Item::Int(d.precision_digits(false))]
                    }
                    Some(Item::Time(d)) => smallvec![Item::Int(d.precision_digits(true))],
                    _ => Coll::new(),
                }
            }
            Comparable => {
                let Some(x) = self.singleton(&input, "comparable")? else {
                    return Ok(Coll::new());
                };
                let a = take(&mut argv, 0);
                let Some(y) = self.singleton(&a, "comparable")? else {
                    return Ok(Coll::new());
                };
                match (self.quantity_of(&x), self.quantity_of(&y)) {
                    (Some(p), Some(q)) => b(units::comparable(&p.unit, &q.unit)),
                    _ => return err("comparable() needs quantities"),
                }
            }
            // ------------------------------------------------------------ types
            Is(ts) => match self.singleton(&input, "is")? {
                Some(it) => b(self.type_matches(&it, ts, false)?),
                None => Coll::new(),
            },
            As(ts) => self.as_type(input, ts)?,
            Type => input
                .iter()
                .map(|it| match it {
                    Item::Elem(e) => Item::Type("FHIR", self.elem_type(e)),
                    other => Item::Type("System", system_type_name(other)),
                })
                .collect(),
            // ------------------------------------------------------------ FHIR
            Extension => {
                let Some(url) = self.str_arg(&mut argv, 0, "extension")? else {
                    return Ok(Coll::new());
                };
                let mut exts = Coll::new();
                self.navigate(&input, "extension", &mut exts)?;
                exts.retain(|e| match e {
                    Item::Elem(Elem { value: Some(n), .. }) => n
                        .get("url")
                        .and_then(|u| u.value.as_str())
                        .is_some_and(|u| u == url),
                    _ => false,
                });
                exts
            }
            HasValue => b(match input.as_slice() {
                [Item::Elem(e)] => e.value.is_some_and(|v| {
                    !matches!(v.value, Value::Object(_) | Value::Array(_) | Value::Null)
                }),
                [_] => true,
                _ => false,
            }),
            GetValue => match input.as_slice() {
                [it @ Item::Elem(e)]
                    if e.value
                        .is_some_and(|v| !matches!(v.value, Value::Object(_))) =>
                {
                    opt(self.to_system(it))
                }
                _ => Coll::new(),
            },
            Resolve => {
                let mut out = Coll::new();
                for it in &input {
                    self.tick()?;
                    if let Some(n) = self.resolve_item(it) {
                        let ty = resource_type_of(n).unwrap_or("");
                        out.push(Item::Elem(Elem::new(n, ty)));
                    }
                }
                out
            }
            MemberOf => {
                let Some(vs) = self.str_arg(&mut argv, 0, "memberOf")? else {
                    return Ok(Coll::new());
                };
                let mut out = Coll::new();
                for it in &input {
                    if let Item::Elem(e) = it
                        && let Some(n) = e.value
                    {
                        let ty = self.elem_type(e);
                        if let Some(v) = self.model.member_of(n, ty, &vs) {
                            out.push(Item::Bool(v));
                        }
                    }
                }
                out
            }
            ConformsTo => {
                let Some(url) = self.str_arg(&mut argv, 0, "conformsTo")? else {
                    return Ok(Coll::new());
                };
                match self.singleton(&input, "conformsTo")? {
                    Some(Item::Elem(e)) => match e.value {
                        Some(n) => {
                            let ty = self.elem_type(&e);
                            match self.model.conforms_to(n, ty, &url) {
                                Some(v) => b(v),
                                None => {
                                    return err(format!("conformsTo(): unknown profile '{url}'"));
                                }
                            }
                        }
                        None => Coll::new(),
                    },
                    Some(_) => b(false),
                    None => Coll::new(),
                }
            }
            HtmlChecks => match self.singleton(&input, "htmlChecks")? {
                Some(Item::Elem(e)) => {
                    let div = match e.value {
                        Some(
                            n @ Node {
                                value: Value::Object(_),
                                ..
                            },
                        ) => n.get("div").and_then(|d| d.value.as_str()),
                        Some(n) => n.value.as_str(),
                        None => None,
                    };
                    match div {
                        Some(d) => b(self.model.html_checks(d)),
                        None => b(false),
                    }
                }
                Some(Item::Str(s)) => b(self.model.html_checks(&s)),
                Some(_) => b(false),
                None => Coll::new(),
            },
        })
    }

    fn eval_arg0(
        &mut self,
        args: &'a [Ast],
        this: &[Item<'a>],
        index: usize,
        f: Frame<'a, '_>,
    ) -> Result<Coll<'a>, EvalError> {
        match args.first() {
            Some(a) => self.eval(a, Self::lambda_frame(this, index, f)),
            None => Ok(Coll::new()),
        }
    }

    fn coll_bool_strict_not(&self, c: &[Item<'a>]) -> Result<Option<bool>, EvalError> {
        match c {
            [] => Ok(None),
            [x] => Ok(Some(self.as_bool(x).unwrap_or(true))),
            _ => err("not(): expected a single item"),
        }
    }

    fn now(&self) -> Result<DateTime, EvalError> {
        if let Some(s) = self.env.now
            && let Some(d) = DateTime::parse_datetime(s, false)
        {
            return Ok(d);
        }
        if let Some((y, m, d)) = self.env.today {
            let s = format!("{y:04}-{m:02}-{d:02}T00:00:00.000Z");
            if let Some(d) = DateTime::parse_datetime(&s, false) {
                return Ok(d);
            }
        }
        err("now()/today(): the current date is not set in the environment")
    }

    fn sort(
        &mut self,
        input: Coll<'a>,
        args: &'a [Ast],
        f: Frame<'a, '_>,
    ) -> Result<Coll<'a>, EvalError> {
        // keys: (expression, descending)
        let keys: Vec<(&'a Ast, bool)> = args
            .iter()
            .map(|a| match a {
                Ast::Neg(inner) => (&**inner, true),
                other => (other, false),
            })
            .collect();
        let mut rows: Vec<(Vec<Option<Item<'a>>>, Item<'a>)> = Vec::with_capacity(input.len());
        for (i, it) in input.into_iter().enumerate() {
            self.tick()?;
            let mut kv = Vec::with_capacity(keys.len().max(1));
            if keys.is_empty() {
                kv.push(Some(it.clone()));
            } else {
                for (k, _) in &keys {
                    let v = self.eval(k, Self::lambda_frame(std::slice::from_ref(&it), i, f))?;
                    kv.push(v.into_iter().next());
                }
            }
            rows.push((kv, it));
        }
        let mut failed = None;
        rows.sort_by(|(ka, _), (kb, _)| {
            for (j, (x, y)) in ka.iter().zip(kb).enumerate() {
                let desc = keys.get(j).is_some_and(|k| k.1);
                let o = match (x, y) {
                    (None, None) => Ordering::Equal,
                    // empty keys sort after all values
                    (None, Some(_)) => Ordering::Greater,
                    (Some(_), None) => Ordering::Less,
                    (Some(x), Some(y)) => match self.cmp_item(x, y) {
                        Ok(Some(o)) => o,
                        Ok(None) => Ordering::Equal,
                        Err(e) => {
                            failed = Some(e);
                            Ordering::Equal
                        }
                    },
                };
                let o = if desc { o.reverse() } else { o };
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        });
        if let Some(e) = failed {
            return Err(e);
        }
        Ok(rows.into_iter().map(|(_, it)| it).collect())
    }

    /// The resource a reference item points to.
    fn resolve_item(&self, it: &Item<'a>) -> Option<&'a Node<'a>> {
        let (reference, from): (&'a str, Option<&'a Node<'a>>) = match it {
            Item::Elem(Elem { value: Some(n), .. }) => match &n.value {
                Value::Object(_) => (n.get("reference")?.value.as_str()?, Some(n)),
                Value::String(s) => (&**s, Some(n)),
                _ => return None,
            },
            Item::Str(Cow::Borrowed(s)) => (s, None),
            _ => return None,
        };
        if let Some(id) = reference.strip_prefix('#') {
            if id.is_empty() {
                return Some(self.env.root_resource);
            }
            for container in [self.env.resource, self.env.root_resource] {
                if let Some(Value::Array(cs)) = container.get("contained").map(|c| &c.value)
                    && let Some(found) = cs
                        .iter()
                        .find(|c| c.get("id").and_then(|i| i.value.as_str()) == Some(id))
                {
                    return Some(found);
                }
            }
            return None;
        }
        let ctx = ResolveContext {
            from,
            resource: self.env.resource,
            root_resource: self.env.root_resource,
        };
        self.model.resolve(reference, &ctx)
    }
}

/// The JSON text of a string-valued FHIR primitive element.
fn raw_string<'a>(item: &Item<'a>) -> Option<&'a str> {
    match item {
        Item::Elem(Elem {
            value:
                Some(Node {
                    value: Value::String(s),
                    ..
                }),
            ..
        }) => Some(s),
        _ => None,
    }
}

/// Identity for elements (same JSON nodes), equality for System values (used by `repeat`).
fn same_item<'a>(ev: &Evaluator<'a, '_>, a: &Item<'a>, b: &Item<'a>) -> bool {
    match (a, b) {
        (Item::Elem(x), Item::Elem(y)) => {
            let same = |a: Option<&Node<'_>>, b: Option<&Node<'_>>| match (a, b) {
                (Some(a), Some(b)) => std::ptr::eq(a, b),
                (a, b) => a.is_none() && b.is_none(),
            };
            same(x.value, y.value) && same(x.ext, y.ext)
        }
        (Item::Elem(_), _) | (_, Item::Elem(_)) => false,
        _ => ev.eq_item(a, b) == Some(true),
    }
}

fn system_type_name(it: &Item<'_>) -> &'static str {
    match it {
        Item::Bool(_) => "Boolean",
        Item::Int(_) => "Integer",
        Item::Dec(_) => "Decimal",
        Item::Str(_) => "String",
        Item::Date(_) => "Date",
        Item::DateTime(_) => "DateTime",
        Item::Time(_) => "Time",
        Item::Quantity(_) => "Quantity",
        Item::Type(..) | Item::Elem(_) => "TypeInfo",
    }
}
