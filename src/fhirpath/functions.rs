//! Function implementations.

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

fn b<'a>(v: bool) -> Coll<'a> {
    vec![Item::Bool(v)]
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
        let mut out = Vec::new();
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
        let mut out = Vec::new();
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
        let mut out: Coll<'a> = Vec::new();
        let mut frontier = input;
        while !frontier.is_empty() {
            let mut next = Vec::new();
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
            None => Vec::new(),
        };
        let branch = if self.coll_bool_strict(&c, "iif criterion")? == Some(true) {
            1
        } else {
            2
        };
        match args.get(branch) {
            Some(a) => self.eval(a, frame),
            None => Ok(Vec::new()),
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
            None => Vec::new(),
        };
        let Some(expr) = args.first() else {
            return Ok(Vec::new());
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
            Count => vec![Item::Int(input.len() as i64)],
            Distinct => self.distinct(input)?,
            IsDistinct => {
                let n = input.len();
                let d = self.distinct(input)?;
                b(d.len() == n)
            }
            // ------------------------------------------------------------ filtering
            OfType(ts) => {
                let mut out = Vec::new();
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
            Last => input.into_iter().last().into_iter().collect(),
            Tail => input.into_iter().skip(1).collect(),
            Skip | Take => {
                let n = take(&mut argv, 0);
                let Some(n) = self.single_int(&n, "skip/take")? else {
                    return Ok(Vec::new());
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
                let mut out: Coll<'a> = Vec::new();
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
            ToBoolean | ConvertsToBoolean => {
                self.convert(&input, func, |s, it| Ok(s.to_boolean(it)))?
            }
            ToInteger | ConvertsToInteger => {
                self.convert(&input, func, |s, it| Ok(s.to_integer(it)))?
            }
            ToDecimal | ConvertsToDecimal => {
                self.convert(&input, func, |s, it| Ok(s.to_decimal(it)))?
            }
            ToStringF | ConvertsToString => self.convert(&input, func, |s, it| {
                if let Some(raw) = raw_string(it) {
                    return Ok(Some(Item::Str(Cow::Borrowed(raw))));
                }
                Ok(match s.to_system(it) {
                    Some(Item::Elem(_)) | None => None,
                    Some(Item::Str(x)) => Some(Item::Str(x)),
                    Some(x) => system_string(&x).map(|t| Item::Str(Cow::Owned(t))),
                })
            })?,
            ToDate | ConvertsToDate => self.convert(&input, func, |s, it| {
                Ok(match s.to_system(it) {
                    Some(Item::Date(d)) => Some(Item::Date(d)),
                    Some(Item::DateTime(mut d)) => {
                        d.prec = d.prec.min(Prec::Day);
                        d.tz = None;
                        Some(Item::Date(d))
                    }
                    Some(Item::Str(x)) => DateTime::parse_date(&x)
                        .or_else(|| {
                            DateTime::parse_datetime(&x, false).map(|mut d| {
                                d.prec = d.prec.min(Prec::Day);
                                d.tz = None;
                                d
                            })
                        })
                        .map(Item::Date),
                    _ => None,
                })
            })?,
            ToDateTime | ConvertsToDateTime => self.convert(&input, func, |s, it| {
                Ok(match s.to_system(it) {
                    Some(Item::Date(d) | Item::DateTime(d)) => Some(Item::DateTime(d)),
                    Some(Item::Str(x)) => DateTime::parse_datetime(&x, false).map(Item::DateTime),
                    _ => None,
                })
            })?,
            ToTime | ConvertsToTime => self.convert(&input, func, |s, it| {
                Ok(match s.to_system(it) {
                    Some(Item::Time(d)) => Some(Item::Time(d)),
                    Some(Item::Str(x)) => {
                        DateTime::parse_time(x.strip_prefix('T').unwrap_or(&x)).map(Item::Time)
                    }
                    _ => None,
                })
            })?,
            ToQuantity | ConvertsToQuantity => {
                let unit = if argv.is_empty() {
                    None
                } else {
                    self.str_arg(&mut argv, 0, "toQuantity unit")?
                };
                self.convert(&input, func, |s, it| {
                    let q = s.to_quantity(it);
                    Ok(match (q, &unit) {
                        (Some(q), Some(u)) => units::convert(q.value, &q.unit, u).map(|v| {
                            Item::Quantity(Quantity {
                                value: v,
                                unit: Cow::Owned(u.to_string()),
                            })
                        }),
                        (Some(q), None) => Some(Item::Quantity(q)),
                        (None, _) => None,
                    })
                })?
            }
            // ------------------------------------------------------------ strings
            IndexOf => {
                let Some(s) = self.input_str(&input, "indexOf")? else {
                    return Ok(Vec::new());
                };
                let Some(sub) = self.str_arg(&mut argv, 0, "indexOf")? else {
                    return Ok(Vec::new());
                };
                let r = match s.find(&*sub) {
                    Some(byte) => s
                        .get(..byte)
                        .map(|p| p.chars().count() as i64)
                        .unwrap_or(-1),
                    None => -1,
                };
                vec![Item::Int(r)]
            }
            Substring => {
                let Some(s) = self.input_str(&input, "substring")? else {
                    return Ok(Vec::new());
                };
                let start = take(&mut argv, 0);
                let Some(start) = self.single_int(&start, "substring")? else {
                    return Ok(Vec::new());
                };
                let len = if argv.len() > 1 {
                    let l = take(&mut argv, 1);
                    match self.single_int(&l, "substring")? {
                        Some(l) => Some(l),
                        None => return Ok(Vec::new()),
                    }
                } else {
                    None
                };
                let n = s.chars().count() as i64;
                if start < 0 || start >= n {
                    return Ok(Vec::new());
                }
                let take = len.map(|l| l.max(0)).unwrap_or(n).min(n - start);
                let r: String = s.chars().skip(start as usize).take(take as usize).collect();
                vec![Item::Str(Cow::Owned(r))]
            }
            StartsWith | EndsWith | Contains => {
                let Some(s) = self.input_str(&input, "startsWith/endsWith/contains")? else {
                    return Ok(Vec::new());
                };
                let Some(p) = self.str_arg(&mut argv, 0, "startsWith/endsWith/contains")? else {
                    return Ok(Vec::new());
                };
                b(match func {
                    StartsWith => s.starts_with(&*p),
                    EndsWith => s.ends_with(&*p),
                    _ => s.contains(&*p),
                })
            }
            Upper | Lower | Trim | Length | ToChars => {
                let Some(s) = self.input_str(&input, "string function")? else {
                    return Ok(Vec::new());
                };
                match func {
                    Upper => vec![Item::Str(Cow::Owned(s.to_uppercase()))],
                    Lower => vec![Item::Str(Cow::Owned(s.to_lowercase()))],
                    Trim => vec![Item::Str(Cow::Owned(s.trim().to_string()))],
                    Length => vec![Item::Int(s.chars().count() as i64)],
                    _ => s
                        .chars()
                        .map(|c| Item::Str(Cow::Owned(c.to_string())))
                        .collect(),
                }
            }
            Replace => {
                let Some(s) = self.input_str(&input, "replace")? else {
                    return Ok(Vec::new());
                };
                let (Some(p), Some(r)) = (
                    self.str_arg(&mut argv, 0, "replace")?,
                    self.str_arg(&mut argv, 1, "replace")?,
                ) else {
                    return Ok(Vec::new());
                };
                vec![Item::Str(Cow::Owned(s.replace(&*p, &r)))]
            }
            Matches(r) | MatchesFull(r) => {
                let Some(s) = self.input_str(&input, "matches")? else {
                    return Ok(Vec::new());
                };
                let Some(p) = self.str_arg(&mut argv, 0, "matches")? else {
                    return Ok(Vec::new());
                };
                let re = self.regex(r, &p, matches!(func, MatchesFull(_)))?;
                b(re.is_match(&s))
            }
            ReplaceMatches(r) => {
                let Some(s) = self.input_str(&input, "replaceMatches")? else {
                    return Ok(Vec::new());
                };
                let (Some(p), Some(sub)) = (
                    self.str_arg(&mut argv, 0, "replaceMatches")?,
                    self.str_arg(&mut argv, 1, "replaceMatches")?,
                ) else {
                    return Ok(Vec::new());
                };
                if p.is_empty() {
                    return Ok(vec![Item::Str(s)]);
                }
                let re = self.regex(r, &p, false)?;
                vec![Item::Str(Cow::Owned(
                    re.replace_all(&s, &*sub).into_owned(),
                ))]
            }
            Split => {
                let Some(s) = self.input_str(&input, "split")? else {
                    return Ok(Vec::new());
                };
                let Some(sep) = self.str_arg(&mut argv, 0, "split")? else {
                    return Ok(Vec::new());
                };
                if sep.is_empty() {
                    s.chars()
                        .map(|c| Item::Str(Cow::Owned(c.to_string())))
                        .collect()
                } else {
                    s.split(&*sep)
                        .map(|p| Item::Str(Cow::Owned(p.to_string())))
                        .collect()
                }
            }
            Join => {
                let sep = if argv.is_empty() {
                    Cow::Borrowed("")
                } else {
                    self.str_arg(&mut argv, 0, "join")?
                        .unwrap_or(Cow::Borrowed(""))
                };
                let mut parts = Vec::with_capacity(input.len());
                for it in &input {
                    if let Some(s) = self.str_of(it, "join")? {
                        parts.push(s.into_owned());
                    }
                }
                vec![Item::Str(Cow::Owned(parts.join(&sep)))]
            }
            Encode | Decode | Escape | Unescape => {
                let Some(s) = self.input_str(&input, "encode/decode")? else {
                    return Ok(Vec::new());
                };
                let Some(kind) = self.str_arg(&mut argv, 0, "encode/decode")? else {
                    return Ok(Vec::new());
                };
                let r = match func {
                    Encode => encode(&s, &kind),
                    Decode => decode(&s, &kind),
                    Escape => escape(&s, &kind),
                    _ => unescape(&s, &kind),
                };
                opt(r.map(|x| Item::Str(Cow::Owned(x))))
            }
            // ------------------------------------------------------------ math
            Abs | Ceiling | Floor | Truncate | Exp | Ln | Sqrt => {
                let Some(x) = self.singleton(&input, "math")? else {
                    return Ok(Vec::new());
                };
                let x = self.to_system(&x);
                if let (Abs, Some(Item::Quantity(q))) = (func, &x) {
                    return Ok(vec![Item::Quantity(Quantity {
                        value: q.value.abs(),
                        unit: q.unit.clone(),
                    })]);
                }
                let Some(d) = x.as_ref().and_then(to_dec) else {
                    return err("math function needs a number");
                };
                match func {
                    Abs => match x {
                        Some(Item::Int(i)) => vec![Item::Int(
                            i.checked_abs().ok_or_else(|| EvalError::new("overflow"))?,
                        )],
                        _ => vec![Item::Dec(d.abs())],
                    },
                    Ceiling => opt(d.ceiling().trunc_i64().map(Item::Int)),
                    Floor => opt(d.floor().trunc_i64().map(Item::Int)),
                    Truncate => opt(d.truncate_to(0).trunc_i64().map(Item::Int)),
                    Exp => opt(Decimal::from_f64(d.to_f64().exp()).map(Item::Dec)),
                    Ln => opt(Decimal::from_f64(d.to_f64().ln()).map(Item::Dec)),
                    _ => opt(Decimal::from_f64(d.to_f64().sqrt()).map(Item::Dec)),
                }
            }
            Log | Power => {
                let Some(x) = self.singleton(&input, "math")? else {
                    return Ok(Vec::new());
                };
                let a = take(&mut argv, 0);
                let Some(y) = self.singleton(&a, "math")? else {
                    return Ok(Vec::new());
                };
                let (x, y) = (self.to_system(&x), self.to_system(&y));
                let (Some(dx), Some(dy)) =
                    (x.as_ref().and_then(to_dec), y.as_ref().and_then(to_dec))
                else {
                    return err("math function needs numbers");
                };
                if let (Power, Some(Item::Int(bx)), Some(Item::Int(e))) = (func, &x, &y)
                    && *e >= 0
                {
                    return Ok(opt(u32::try_from(*e)
                        .ok()
                        .and_then(|e| bx.checked_pow(e))
                        .map(Item::Int)));
                }
                let r = if matches!(func, Log) {
                    dx.to_f64().ln() / dy.to_f64().ln()
                } else {
                    dx.to_f64().powf(dy.to_f64())
                };
                opt(Decimal::from_f64(r).map(Item::Dec))
            }
            Round => {
                let Some(x) = self.singleton(&input, "round")? else {
                    return Ok(Vec::new());
                };
                let p = if argv.is_empty() {
                    0
                } else {
                    let a = take(&mut argv, 0);
                    match self.single_int(&a, "round")? {
                        Some(p) => p,
                        None => return Ok(Vec::new()),
                    }
                };
                if !(0..=MAX_SCALE as i64).contains(&p) {
                    return err("round(): precision out of range");
                }
                let Some(d) = self.to_system(&x).as_ref().and_then(to_dec) else {
                    return err("round() needs a number");
                };
                vec![Item::Dec(d.round(p as u8))]
            }
            // ------------------------------------------------------------ tree
            Children => {
                let mut out = Vec::new();
                for it in &input {
                    self.children_of(it, &mut out)?;
                }
                out
            }
            Descendants => {
                let mut out = Vec::new();
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
            Now => vec![Item::DateTime(self.now()?)],
            Today => {
                let mut d = self.now()?;
                d.prec = Prec::Day;
                d.tz = None;
                d.hour = 0;
                d.minute = 0;
                d.second = 0;
                d.milli = 0;
                vec![Item::Date(d)]
            }
            TimeOfDay => {
                let mut d = self.now()?;
                d.year = 0;
                d.month = 0;
                d.day = 0;
                d.tz = None;
                vec![Item::Time(d)]
            }
            Not => match self.coll_bool_strict_not(&input)? {
                Some(v) => b(!v),
                None => Vec::new(),
            },
            // handled by `call`
            Sort | All | Where | Select | Repeat | Iif | Aggregate | Trace => input,
            LowBoundary | HighBoundary => {
                let Some(x) = self.singleton(&input, "boundary")? else {
                    return Ok(Vec::new());
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
                    return Ok(Vec::new());
                };
                match self.to_system(&x) {
                    Some(Item::Dec(d)) => vec![Item::Int(d.scale() as i64)],
                    Some(Item::Int(_)) => vec![Item::Int(0)],
                    Some(Item::Date(d) | Item::DateTime(d)) => {
                        vec![Item::Int(d.precision_digits(false))]
                    }
                    Some(Item::Time(d)) => vec![Item::Int(d.precision_digits(true))],
                    _ => Vec::new(),
                }
            }
            Comparable => {
                let Some(x) = self.singleton(&input, "comparable")? else {
                    return Ok(Vec::new());
                };
                let a = take(&mut argv, 0);
                let Some(y) = self.singleton(&a, "comparable")? else {
                    return Ok(Vec::new());
                };
                match (self.quantity_of(&x), self.quantity_of(&y)) {
                    (Some(p), Some(q)) => b(units::comparable(&p.unit, &q.unit)),
                    _ => return err("comparable() needs quantities"),
                }
            }
            // ------------------------------------------------------------ types
            Is(ts) => match self.singleton(&input, "is")? {
                Some(it) => b(self.type_matches(&it, ts, false)?),
                None => Vec::new(),
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
                    return Ok(Vec::new());
                };
                let mut exts = Vec::new();
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
                _ => Vec::new(),
            },
            Resolve => {
                let mut out = Vec::new();
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
                    return Ok(Vec::new());
                };
                let mut out = Vec::new();
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
                    return Ok(Vec::new());
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
                        None => Vec::new(),
                    },
                    Some(_) => b(false),
                    None => Vec::new(),
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
                None => Vec::new(),
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
            None => Ok(Vec::new()),
        }
    }

    fn coll_bool_strict_not(&self, c: &[Item<'a>]) -> Result<Option<bool>, EvalError> {
        match c {
            [] => Ok(None),
            [x] => Ok(Some(self.as_bool(x).unwrap_or(true))),
            _ => err("not(): expected a single item"),
        }
    }

    /// Shared shape of `toX()` / `convertsToX()`.
    fn convert(
        &mut self,
        input: &[Item<'a>],
        func: &Func,
        conv: impl Fn(&Self, &Item<'a>) -> Result<Option<Item<'a>>, EvalError>,
    ) -> Result<Coll<'a>, EvalError> {
        let Some(it) = self.singleton(input, "conversion")? else {
            return Ok(Vec::new());
        };
        let r = conv(self, &it)?;
        let converts = matches!(
            func,
            Func::ConvertsToBoolean
                | Func::ConvertsToInteger
                | Func::ConvertsToDecimal
                | Func::ConvertsToString
                | Func::ConvertsToDate
                | Func::ConvertsToDateTime
                | Func::ConvertsToTime
                | Func::ConvertsToQuantity
        );
        Ok(if converts { b(r.is_some()) } else { opt(r) })
    }

    fn to_boolean(&self, it: &Item<'a>) -> Option<Item<'a>> {
        Some(Item::Bool(match self.to_system(it)? {
            Item::Bool(v) => v,
            Item::Int(1) => true,
            Item::Int(0) => false,
            Item::Dec(d) => {
                if d.compare(Decimal::from_i64(1)) == Ordering::Equal {
                    true
                } else if d.is_zero() {
                    false
                } else {
                    return None;
                }
            }
            Item::Str(s) => match s.to_lowercase().as_str() {
                "true" | "t" | "yes" | "y" | "1" | "1.0" => true,
                "false" | "f" | "no" | "n" | "0" | "0.0" => false,
                _ => return None,
            },
            _ => return None,
        }))
    }

    fn to_integer(&self, it: &Item<'a>) -> Option<Item<'a>> {
        Some(Item::Int(match self.to_system(it)? {
            Item::Int(i) => i,
            Item::Bool(v) => v as i64,
            Item::Str(s) => {
                let t = s.strip_prefix('+').unwrap_or(&s);
                let digits = t.strip_prefix('-').unwrap_or(t);
                if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
                    return None;
                }
                t.parse().ok()?
            }
            _ => return None,
        }))
    }

    fn to_decimal(&self, it: &Item<'a>) -> Option<Item<'a>> {
        Some(Item::Dec(match self.to_system(it)? {
            Item::Int(i) => Decimal::from_i64(i),
            Item::Dec(d) => d,
            Item::Bool(v) => Decimal::new(v as i128 * 10, 1),
            Item::Str(s) => {
                if s.contains(['e', 'E']) {
                    return None;
                }
                Decimal::parse(&s)?
            }
            _ => return None,
        }))
    }

    fn to_quantity(&self, it: &Item<'a>) -> Option<Quantity<'a>> {
        match self.to_system(it)? {
            Item::Int(i) => Some(Quantity {
                value: Decimal::from_i64(i),
                unit: Cow::Borrowed("1"),
            }),
            Item::Dec(d) => Some(Quantity {
                value: d,
                unit: Cow::Borrowed("1"),
            }),
            Item::Bool(v) => Some(Quantity {
                value: Decimal::new(v as i128 * 10, 1),
                unit: Cow::Borrowed("1"),
            }),
            Item::Quantity(q) => Some(q),
            Item::Elem(e) => self.elem_quantity(&e),
            Item::Str(s) => parse_quantity_string(&s),
            _ => None,
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

    fn boundary(&self, x: &Item<'a>, p: Option<i64>, high: bool) -> Option<Item<'a>> {
        match self.to_system(x)? {
            Item::Int(i) => dec_boundary(Decimal::from_i64(i), p, high).map(Item::Dec),
            Item::Dec(d) => dec_boundary(d, p, high).map(Item::Dec),
            Item::Quantity(q) => dec_boundary(q.value, p, high).map(|v| {
                Item::Quantity(Quantity {
                    value: v,
                    unit: q.unit,
                })
            }),
            Item::Date(d) => d.boundary(p.unwrap_or(8), high, false).map(Item::Date),
            Item::DateTime(d) => {
                let r = d.boundary(p.unwrap_or(17), high, false)?;
                Some(if r.prec <= Prec::Day {
                    Item::Date(r)
                } else {
                    Item::DateTime(r)
                })
            }
            Item::Time(d) => d.boundary(p.unwrap_or(9), high, true).map(Item::Time),
            Item::Elem(e) => self.elem_quantity(&e).and_then(|q| {
                dec_boundary(q.value, p, high).map(|v| {
                    Item::Quantity(Quantity {
                        value: v,
                        unit: q.unit,
                    })
                })
            }),
            _ => None,
        }
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

/// `"1.5 'mg'"`, `"4 days"`, `"1.0"` → quantity.
fn parse_quantity_string<'a>(s: &str) -> Option<Quantity<'a>> {
    let s = s.trim();
    let end = s
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.' || *c == '-' || *c == '+'))
        .map(|(i, _)| i)
        .unwrap_or(s.len());
    let value = Decimal::parse(s.get(..end)?)?;
    let rest = s.get(end..)?.trim();
    let unit = if rest.is_empty() {
        "1".to_string()
    } else if let Some(q) = rest.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
        q.to_string()
    } else if units::calendar_canon(rest).is_some() {
        rest.to_string()
    } else {
        return None;
    };
    Some(Quantity {
        value,
        unit: Cow::Owned(unit),
    })
}

fn dec_boundary(d: Decimal, p: Option<i64>, high: bool) -> Option<Decimal> {
    let p = p.unwrap_or(8);
    if !(0..=MAX_SCALE as i64).contains(&p) {
        return None;
    }
    let p = p as u8;
    let half = Decimal::new(5, d.scale().checked_add(1)?);
    let edge = if high {
        d.checked_add(half)?
    } else {
        d.checked_sub(half)?
    };
    if p >= edge.scale() {
        return edge.with_scale(p);
    }
    // below the requested precision the whole value rounds to zero
    if let Some(unit) = Decimal::new(1, p).with_scale(d.scale())
        && d.abs().compare(unit) == Ordering::Less
    {
        return Some(Decimal::new(0, p));
    }
    let t = edge.truncate_to(p);
    let exact = t.with_scale(edge.scale()) == Some(edge);
    let ulp = Decimal::new(1, p);
    Some(if exact {
        t
    } else if high && !edge.is_negative() {
        t.checked_add(ulp)?
    } else if !high && edge.is_negative() {
        t.checked_sub(ulp)?
    } else {
        t
    })
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn encode(s: &str, kind: &str) -> Option<String> {
    let bytes = s.as_bytes();
    match kind {
        "hex" => Some(bytes.iter().map(|b| format!("{b:02x}")).collect()),
        "base64" | "urlbase64" => {
            let mut out = String::new();
            for chunk in bytes.chunks(3) {
                let b0 = chunk.first().copied().unwrap_or(0) as u32;
                let b1 = chunk.get(1).copied().unwrap_or(0) as u32;
                let b2 = chunk.get(2).copied().unwrap_or(0) as u32;
                let n = (b0 << 16) | (b1 << 8) | b2;
                for i in 0..4 {
                    if i <= chunk.len() {
                        let c = B64
                            .get(((n >> (18 - 6 * i)) & 63) as usize)
                            .copied()
                            .unwrap_or(b'A');
                        out.push(c as char);
                    } else {
                        out.push('=');
                    }
                }
            }
            if kind == "urlbase64" {
                out = out.replace('+', "-").replace('/', "_");
            }
            Some(out)
        }
        _ => None,
    }
}

fn decode(s: &str, kind: &str) -> Option<String> {
    match kind {
        "hex" => {
            if !s.len().is_multiple_of(2) {
                return None;
            }
            let bytes: Option<Vec<u8>> = (0..s.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
                .collect();
            String::from_utf8(bytes?).ok()
        }
        "base64" | "urlbase64" => {
            let mut out = Vec::new();
            let mut acc = 0u32;
            let mut bits = 0;
            for c in s.bytes() {
                let v = match c {
                    b'A'..=b'Z' => c - b'A',
                    b'a'..=b'z' => c - b'a' + 26,
                    b'0'..=b'9' => c - b'0' + 52,
                    b'+' | b'-' => 62,
                    b'/' | b'_' => 63,
                    b'=' => break,
                    _ => return None,
                } as u32;
                acc = (acc << 6) | v;
                bits += 6;
                if bits >= 8 {
                    bits -= 8;
                    out.push((acc >> bits) as u8);
                    acc &= (1 << bits) - 1;
                }
            }
            String::from_utf8(out).ok()
        }
        _ => None,
    }
}

fn escape(s: &str, kind: &str) -> Option<String> {
    match kind {
        "html" => Some(
            s.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
                .replace('\'', "&#39;"),
        ),
        "json" => {
            let mut out = String::new();
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    c => out.push(c),
                }
            }
            Some(out)
        }
        _ => None,
    }
}

fn unescape(s: &str, kind: &str) -> Option<String> {
    match kind {
        "html" => Some(
            s.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&apos;", "'")
                .replace("&amp;", "&"),
        ),
        "json" => {
            let mut out = String::new();
            let mut it = s.chars();
            while let Some(c) = it.next() {
                if c == '\\' {
                    match it.next() {
                        Some('n') => out.push('\n'),
                        Some('r') => out.push('\r'),
                        Some('t') => out.push('\t'),
                        Some(o) => out.push(o),
                        None => out.push('\\'),
                    }
                } else {
                    out.push(c);
                }
            }
            Some(out)
        }
        _ => None,
    }
}
