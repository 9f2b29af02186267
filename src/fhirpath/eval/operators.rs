//! Operators: the short-circuiting logical ones, comparison, membership, concatenation and
//! arithmetic (numbers, quantities, dates with calendar durations).

use super::*;

impl<'a, 'e> Evaluator<'a, 'e> {
    pub(super) fn binary(
        &mut self,
        op: BinOp,
        l: &'a Ast,
        r: &'a Ast,
        f: Frame<'a, '_>,
    ) -> Result<Coll<'a>, EvalError> {
        use BinOp::*;
        let one = |b: bool| smallvec![Item::Bool(b)];
        match op {
            And => {
                let a = self.eval(l, f)?;
                let a = self.coll_bool(&a);
                if a == Some(false) {
                    return Ok(one(false));
                }
                let b = self.eval(r, f)?;
                let b = self.coll_bool(&b);
                Ok(match (a, b) {
                    (Some(true), Some(true)) => one(true),
                    (_, Some(false)) => one(false),
                    _ => Coll::new(),
                })
            }
            Or => {
                let a = self.eval(l, f)?;
                let a = self.coll_bool(&a);
                if a == Some(true) {
                    return Ok(one(true));
                }
                let b = self.eval(r, f)?;
                let b = self.coll_bool(&b);
                Ok(match (a, b) {
                    (_, Some(true)) => one(true),
                    (Some(false), Some(false)) => one(false),
                    _ => Coll::new(),
                })
            }
            Xor => {
                let a = self.eval(l, f)?;
                let b = self.eval(r, f)?;
                Ok(match (self.coll_bool(&a), self.coll_bool(&b)) {
                    (Some(x), Some(y)) => one(x != y),
                    _ => Coll::new(),
                })
            }
            Implies => {
                let a = self.eval(l, f)?;
                let a = self.coll_bool(&a);
                if a == Some(false) {
                    return Ok(one(true));
                }
                let b = self.eval(r, f)?;
                let b = self.coll_bool(&b);
                Ok(match (a, b) {
                    (Some(true), Some(x)) => one(x),
                    (None, Some(true)) => one(true),
                    _ => Coll::new(),
                })
            }
            _ => {
                let a = self.eval(l, f)?;
                let b = self.eval(r, f)?;
                self.apply_binary(op, a, b)
            }
        }
    }

    /// Binary operators other than the short-circuiting logical ones, on evaluated operands.
    #[inline(never)]
    pub(super) fn apply_binary(
        &mut self,
        op: BinOp,
        a: Coll<'a>,
        b: Coll<'a>,
    ) -> Result<Coll<'a>, EvalError> {
        use BinOp::*;
        let one = |b: bool| smallvec![Item::Bool(b)];
        match op {
            Union => {
                let mut a = a;
                a.extend(b);
                self.distinct(a)
            }
            Eq | Ne => {
                if a.is_empty() || b.is_empty() {
                    return Ok(Coll::new());
                }
                let mut eq = Some(a.len() == b.len());
                if eq == Some(true) {
                    for (x, y) in a.iter().zip(&b) {
                        match self.eq_item(x, y) {
                            Some(true) => {}
                            Some(false) => {
                                eq = Some(false);
                                break;
                            }
                            None => eq = None,
                        }
                    }
                }
                Ok(match eq {
                    Some(v) => one(if op == Eq { v } else { !v }),
                    None => Coll::new(),
                })
            }
            Equiv | NotEquiv => {
                let mut v = a.len() == b.len();
                if v {
                    let mut used = vec![false; b.len()];
                    for x in &a {
                        let hit = b.iter().enumerate().find(|(i, y)| {
                            !used.get(*i).copied().unwrap_or(true) && self.equiv_item(x, y)
                        });
                        match hit {
                            Some((i, _)) => {
                                if let Some(u) = used.get_mut(i) {
                                    *u = true;
                                }
                            }
                            None => {
                                v = false;
                                break;
                            }
                        }
                    }
                }
                Ok(one(if op == Equiv { v } else { !v }))
            }
            Lt | Gt | Le | Ge => {
                let (Some(x), Some(y)) = (
                    self.singleton(&a, "comparison")?,
                    self.singleton(&b, "comparison")?,
                ) else {
                    return Ok(Coll::new());
                };
                Ok(match self.cmp_item(&x, &y)? {
                    Some(o) => one(match op {
                        Lt => o == Ordering::Less,
                        Gt => o == Ordering::Greater,
                        Le => o != Ordering::Greater,
                        _ => o != Ordering::Less,
                    }),
                    None => Coll::new(),
                })
            }
            In | Contains => {
                let (needle, hay) = if op == In { (a, b) } else { (b, a) };
                self.charge(hay.len() as u64)?;
                match self.singleton(&needle, if op == In { "in" } else { "contains" })? {
                    None => Ok(Coll::new()),
                    Some(n) => Ok(one(self.contains_item(&hay, &n))),
                }
            }
            Concat => {
                let x = self.singleton(&a, "&")?;
                let y = self.singleton(&b, "&")?;
                let s = |it: Option<Item<'a>>| -> Result<String, EvalError> {
                    match it.and_then(|i| self.to_system(&i)) {
                        None => Ok(String::new()),
                        Some(Item::Str(s)) => Ok(s.into_owned()),
                        Some(other) => match system_string(&other) {
                            Some(s) if !matches!(other, Item::Elem(_)) => Ok(s),
                            _ => err("& needs strings"),
                        },
                    }
                };
                let mut out = s(x)?;
                out.push_str(&s(y)?);
                Ok(smallvec![Item::Str(Cow::Owned(out))])
            }
            And | Or | Xor | Implies => Ok(Coll::new()),
            Add | Sub | Mul | Div | IntDiv | Mod => {
                let (Some(x), Some(y)) = (
                    self.singleton(&a, "arithmetic")?,
                    self.singleton(&b, "arithmetic")?,
                ) else {
                    return Ok(Coll::new());
                };
                self.arith(op, &x, &y)
            }
        }
    }

    pub(super) fn arith(
        &self,
        op: BinOp,
        x: &Item<'a>,
        y: &Item<'a>,
    ) -> Result<Coll<'a>, EvalError> {
        use BinOp::*;
        let (Some(x), Some(y)) = (self.to_system(x), self.to_system(y)) else {
            return Ok(Coll::new());
        };
        let overflow = || EvalError::new("arithmetic overflow");
        let as_q = |it: &Item<'a>| -> Option<Quantity<'a>> { self.quantity_of(it) };
        Ok(match (&x, &y) {
            (Item::Int(a), Item::Int(b)) => match op {
                Add => smallvec![Item::Int(a.checked_add(*b).ok_or_else(overflow)?)],
                Sub => smallvec![Item::Int(a.checked_sub(*b).ok_or_else(overflow)?)],
                Mul => smallvec![Item::Int(a.checked_mul(*b).ok_or_else(overflow)?)],
                Div => Decimal::from_i64(*a)
                    .checked_div(Decimal::from_i64(*b))
                    .map(Item::Dec)
                    .into_iter()
                    .collect(),
                IntDiv => a.checked_div(*b).map(Item::Int).into_iter().collect(),
                Mod => a.checked_rem(*b).map(Item::Int).into_iter().collect(),
                _ => Coll::new(),
            },
            (Item::Int(_) | Item::Dec(_), Item::Int(_) | Item::Dec(_)) => {
                let (Some(a), Some(b)) = (to_dec(&x), to_dec(&y)) else {
                    return Ok(Coll::new());
                };
                let r = match op {
                    Add => Some(a.checked_add(b).ok_or_else(overflow)?),
                    Sub => Some(a.checked_sub(b).ok_or_else(overflow)?),
                    Mul => Some(a.checked_mul(b).ok_or_else(overflow)?),
                    Div => a.checked_div(b),
                    IntDiv => {
                        return Ok(a
                            .div_trunc(b)
                            .and_then(|d| d.trunc_i64())
                            .map(Item::Int)
                            .into_iter()
                            .collect());
                    }
                    Mod => a.checked_rem(b),
                    _ => None,
                };
                r.map(Item::Dec).into_iter().collect()
            }
            (Item::Str(a), Item::Str(b)) if op == Add => {
                smallvec![Item::Str(Cow::Owned(format!("{a}{b}")))]
            }
            (Item::Date(d) | Item::DateTime(d) | Item::Time(d), _) if matches!(op, Add | Sub) => {
                let Some(q) = as_q(&y) else {
                    return err("date arithmetic needs a quantity");
                };
                let Some(unit) = calendar_unit(&q.unit) else {
                    return err(format!("'{}' is not a calendar duration unit", q.unit));
                };
                let Some(n) = q.value.trunc_i64() else {
                    return err("duration out of range");
                };
                let n = if op == Sub {
                    n.checked_neg().ok_or_else(overflow)?
                } else {
                    n
                };
                let is_time = matches!(x, Item::Time(_));
                let r = d
                    .add(n, unit, is_time)
                    .ok_or_else(|| EvalError::new("date out of range"))?;
                smallvec![match x {
                    Item::Date(_) => Item::Date(r),
                    Item::Time(_) => Item::Time(r),
                    _ => Item::DateTime(r),
                }]
            }
            _ => {
                let qx = as_q(&x);
                let qy = as_q(&y);
                match (qx, qy) {
                    (Some(a), Some(b)) => match op {
                        Add | Sub => {
                            let Some(bv) = units::convert(b.value, &b.unit, &a.unit) else {
                                return Ok(Coll::new());
                            };
                            let v = if op == Add {
                                a.value.checked_add(bv)
                            } else {
                                a.value.checked_sub(bv)
                            };
                            smallvec![Item::Quantity(Quantity {
                                value: v.ok_or_else(overflow)?,
                                unit: a.unit,
                            })]
                        }
                        Mul | Div => {
                            match units::combine(a.value, &a.unit, b.value, &b.unit, op == Div) {
                                Some((v, u)) => smallvec![Item::Quantity(Quantity {
                                    value: v,
                                    unit: Cow::Owned(u),
                                })],
                                None => Coll::new(),
                            }
                        }
                        _ => return err("unsupported quantity operation"),
                    },
                    (Some(a), None) if matches!(op, Mul | Div) && to_dec(&y).is_some() => {
                        let b = to_dec(&y).unwrap_or(Decimal::from_i64(1));
                        let v = if op == Mul {
                            a.value.checked_mul(b)
                        } else {
                            a.value.checked_div(b)
                        };
                        v.map(|v| {
                            Item::Quantity(Quantity {
                                value: v,
                                unit: a.unit,
                            })
                        })
                        .into_iter()
                        .collect()
                    }
                    (None, Some(b)) if op == Mul && to_dec(&x).is_some() => {
                        let a = to_dec(&x).unwrap_or(Decimal::from_i64(1));
                        a.checked_mul(b.value)
                            .map(|v| {
                                Item::Quantity(Quantity {
                                    value: v,
                                    unit: b.unit,
                                })
                            })
                            .into_iter()
                            .collect()
                    }
                    _ => {
                        return err(format!(
                            "cannot apply {op:?} to {} and {}",
                            x.type_name(),
                            y.type_name()
                        ));
                    }
                }
            }
        })
    }
}
