//! Math functions (`abs()` … `round()`) and the decimal, quantity and date/time boundaries of
//! `lowBoundary()` / `highBoundary()`.

use super::*;

impl<'a> Evaluator<'a, '_> {
    /// Math functions.
    pub(super) fn call_math(
        &mut self,
        func: &'a Func,
        mut argv: Vec<Coll<'a>>,
        input: Coll<'a>,
    ) -> Result<Coll<'a>, EvalError> {
        use Func::*;
        Ok(match func {
            Abs | Ceiling | Floor | Truncate | Exp | Ln | Sqrt => {
                let Some(x) = self.singleton(&input, "math")? else {
                    return Ok(Coll::new());
                };
                let x = self.to_system(&x);
                if let (Abs, Some(Item::Quantity(q))) = (func, &x) {
                    return Ok(smallvec![Item::Quantity(Quantity {
                        value: q.value.abs(),
                        unit: q.unit.clone(),
                    })]);
                }
                let Some(d) = x.as_ref().and_then(to_dec) else {
                    return err("math function needs a number");
                };
                match func {
                    Abs => match x {
                        Some(Item::Int(i)) => smallvec![Item::Int(
                            i.checked_abs().ok_or_else(|| EvalError::new("overflow"))?,
                        )],
                        _ => smallvec![Item::Dec(d.abs())],
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
                    return Ok(Coll::new());
                };
                let a = take(&mut argv, 0);
                let Some(y) = self.singleton(&a, "math")? else {
                    return Ok(Coll::new());
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
                    return Ok(Coll::new());
                };
                let p = if argv.is_empty() {
                    0
                } else {
                    let a = take(&mut argv, 0);
                    match self.single_int(&a, "round")? {
                        Some(p) => p,
                        None => return Ok(Coll::new()),
                    }
                };
                if !(0..=MAX_SCALE as i64).contains(&p) {
                    return err("round(): precision out of range");
                }
                let Some(d) = self.to_system(&x).as_ref().and_then(to_dec) else {
                    return err("round() needs a number");
                };
                smallvec![Item::Dec(d.round(p as u8))]
            }
            _ => return err(format!("internal: {func:?} is not a math function")),
        })
    }

    pub(super) fn boundary(&self, x: &Item<'a>, p: Option<i64>, high: bool) -> Option<Item<'a>> {
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
