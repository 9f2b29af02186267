//! Conversion functions: `toX()` / `convertsToX()` for Boolean, Integer, Decimal, String,
//! Date, DateTime, Time and Quantity.

use super::*;

impl<'a> Evaluator<'a, '_> {
    /// `toX()` and `convertsToX()`.
    pub(super) fn call_conversion(
        &mut self,
        func: &'a Func,
        mut argv: Vec<Coll<'a>>,
        input: Coll<'a>,
    ) -> Result<Coll<'a>, EvalError> {
        use Func::*;
        Ok(match func {
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
            _ => return err(format!("internal: {func:?} is not a conversion function")),
        })
    }

    /// Shared shape of `toX()` / `convertsToX()`.
    pub(super) fn convert(
        &mut self,
        input: &[Item<'a>],
        func: &Func,
        conv: impl Fn(&Self, &Item<'a>) -> Result<Option<Item<'a>>, EvalError>,
    ) -> Result<Coll<'a>, EvalError> {
        let Some(it) = self.singleton(input, "conversion")? else {
            return Ok(Coll::new());
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

    pub(super) fn to_boolean(&self, it: &Item<'a>) -> Option<Item<'a>> {
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

    pub(super) fn to_integer(&self, it: &Item<'a>) -> Option<Item<'a>> {
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

    pub(super) fn to_decimal(&self, it: &Item<'a>) -> Option<Item<'a>> {
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

    pub(super) fn to_quantity(&self, it: &Item<'a>) -> Option<Quantity<'a>> {
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
