//! A small UCUM subset for comparing and combining quantities.
//!
//! Units are reduced to a canonical form: a decimal factor and exponents over the
//! base dimensions. Only linear units are supported (no `Cel`, `[degF]`, `[pH]`);
//! an unknown unit makes quantities incomparable (unless the unit strings are equal).
//! FHIRPath calendar durations (`year`, `month`, `week`, …) are included: `week` and
//! below equal their UCUM counterparts (`wk`, `d`, `h`, `min`, `s`, `ms`); `year` and
//! `month` compare only with each other (not with UCUM `a` / `mo`).

use super::decimal::Decimal;

const NDIM: usize = 9;
/// Names of the base dimensions, used when printing a derived unit.
const DIM_NAMES: [&str; NDIM] = ["m", "g", "s", "mol", "K", "A", "cd", "[iU]", "{calmonth}"];

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Canon {
    pub factor: Decimal,
    pub dims: [i8; NDIM],
}

impl Canon {
    fn one() -> Canon {
        Canon {
            factor: Decimal::from_i64(1),
            dims: [0; NDIM],
        }
    }

    fn mul(self, o: Canon) -> Option<Canon> {
        let mut dims = self.dims;
        for (d, e) in dims.iter_mut().zip(o.dims) {
            *d = d.checked_add(e)?;
        }
        Some(Canon {
            factor: self.factor.checked_mul(o.factor)?,
            dims,
        })
    }

    fn div(self, o: Canon) -> Option<Canon> {
        let mut dims = self.dims;
        for (d, e) in dims.iter_mut().zip(o.dims) {
            *d = d.checked_sub(e)?;
        }
        Some(Canon {
            factor: exact_div(self.factor, o.factor)?,
            dims,
        })
    }

    fn pow(self, e: i32) -> Option<Canon> {
        if !(-12..=12).contains(&e) {
            return None;
        }
        let mut r = Canon::one();
        for _ in 0..e.unsigned_abs() {
            r = if e > 0 { r.mul(self)? } else { r.div(self)? };
        }
        Some(r)
    }

    /// A UCUM string for this canonical unit (factor ignored).
    pub fn unit_string(&self) -> String {
        let mut s = String::new();
        for (i, &e) in self.dims.iter().enumerate() {
            if e == 0 {
                continue;
            }
            if !s.is_empty() {
                s.push('.');
            }
            s.push_str(DIM_NAMES.get(i).copied().unwrap_or("1"));
            if e != 1 {
                s.push_str(&e.to_string());
            }
        }
        if s.is_empty() {
            s.push('1');
        }
        s
    }
}

/// Division that keeps exactness for the power-of-ten factors used here.
fn exact_div(a: Decimal, b: Decimal) -> Option<Decimal> {
    // Try increasing precision so that e.g. 1 / 1000 is exact.
    let q = a.checked_div(b)?;
    if q.checked_mul(b)?.compare(a) == std::cmp::Ordering::Equal {
        return Some(q);
    }
    let scaled = a.with_scale(a.scale().saturating_add(12).min(super::decimal::MAX_SCALE))?;
    scaled.checked_div(b)
}

fn dims(list: &[(usize, i8)]) -> [i8; NDIM] {
    let mut d = [0; NDIM];
    for &(i, e) in list {
        if let Some(x) = d.get_mut(i) {
            *x = e;
        }
    }
    d
}

const M: usize = 0;
const G: usize = 1;
const S: usize = 2;
const MOL: usize = 3;
const K: usize = 4;
const A: usize = 5;
const CD: usize = 6;
const IU: usize = 7;
const CAL: usize = 8;

/// (atom, metric?, factor, dims)
fn atom(name: &str) -> Option<(bool, &'static str, [i8; NDIM])> {
    let r = match name {
        "m" => (true, "1", dims(&[(M, 1)])),
        "g" => (true, "1", dims(&[(G, 1)])),
        "s" => (true, "1", dims(&[(S, 1)])),
        "mol" => (true, "1", dims(&[(MOL, 1)])),
        "K" => (true, "1", dims(&[(K, 1)])),
        "A" => (true, "1", dims(&[(A, 1)])),
        "cd" => (true, "1", dims(&[(CD, 1)])),
        "L" | "l" => (true, "0.001", dims(&[(M, 3)])),
        "Pa" => (true, "1000", dims(&[(G, 1), (M, -1), (S, -2)])),
        "bar" => (true, "100000000", dims(&[(G, 1), (M, -1), (S, -2)])),
        "m[Hg]" => (true, "133322000", dims(&[(G, 1), (M, -1), (S, -2)])),
        "Hz" => (true, "1", dims(&[(S, -1)])),
        "N" => (true, "1000", dims(&[(G, 1), (M, 1), (S, -2)])),
        "J" => (true, "1000", dims(&[(G, 1), (M, 2), (S, -2)])),
        "W" => (true, "1000", dims(&[(G, 1), (M, 2), (S, -3)])),
        "cal" => (true, "4184", dims(&[(G, 1), (M, 2), (S, -2)])),
        "eq" | "osm" => (true, "1", dims(&[(MOL, 1)])),
        "kat" => (true, "1", dims(&[(MOL, 1), (S, -1)])),
        "U" => (true, "1", dims(&[(IU, 1)])),
        "[iU]" | "[IU]" | "IU" => (true, "1", dims(&[(IU, 1)])),
        "t" => (true, "1000000", dims(&[(G, 1)])),
        "min" => (false, "60", dims(&[(S, 1)])),
        "h" => (false, "3600", dims(&[(S, 1)])),
        "d" => (false, "86400", dims(&[(S, 1)])),
        "wk" => (false, "604800", dims(&[(S, 1)])),
        "mo" => (false, "2629800", dims(&[(S, 1)])),
        "a" => (false, "31557600", dims(&[(S, 1)])),
        "[in_i]" => (false, "0.0254", dims(&[(M, 1)])),
        "[ft_i]" => (false, "0.3048", dims(&[(M, 1)])),
        "[yd_i]" => (false, "0.9144", dims(&[(M, 1)])),
        "[mi_i]" => (false, "1609.344", dims(&[(M, 1)])),
        "[lb_av]" => (false, "453.59237", dims(&[(G, 1)])),
        "[oz_av]" => (false, "28.349523125", dims(&[(G, 1)])),
        "[gr]" => (false, "0.06479891", dims(&[(G, 1)])),
        "%" => (false, "0.01", [0; NDIM]),
        "[ppm]" => (false, "0.000001", [0; NDIM]),
        "[ppb]" => (false, "0.000000001", [0; NDIM]),
        "[ppth]" => (false, "0.001", [0; NDIM]),
        _ => return None,
    };
    Some(r)
}

fn prefix(p: &str) -> Option<i32> {
    Some(match p {
        "Y" => 24,
        "Z" => 21,
        "E" => 18,
        "P" => 15,
        "T" => 12,
        "G" => 9,
        "M" => 6,
        "k" => 3,
        "h" => 2,
        "da" => 1,
        "d" => -1,
        "c" => -2,
        "m" => -3,
        "u" | "μ" => -6,
        "n" => -9,
        "p" => -12,
        "f" => -15,
        "a" => -18,
        _ => return None,
    })
}

fn pow10(e: i32) -> Option<Decimal> {
    if e >= 0 {
        Some(Decimal::new(10i128.checked_pow(e as u32)?, 0))
    } else {
        let s = u8::try_from(-e).ok()?;
        Some(Decimal::new(1, s))
    }
}

fn simple_atom(name: &str) -> Option<Canon> {
    if let Some((_, f, d)) = atom(name) {
        return Some(Canon {
            factor: Decimal::parse(f)?,
            dims: d,
        });
    }
    // prefix + metric atom
    for plen in [1, 2] {
        if name.len() <= plen || !name.is_char_boundary(plen) {
            continue;
        }
        let (p, rest) = name.split_at(plen);
        if let (Some(e), Some((true, f, d))) = (prefix(p), atom(rest)) {
            return Some(Canon {
                factor: Decimal::parse(f)?.checked_mul(pow10(e)?)?,
                dims: d,
            });
        }
    }
    // "μ" is two bytes
    if let Some(rest) = name.strip_prefix('μ')
        && let Some((true, f, d)) = atom(rest)
    {
        return Some(Canon {
            factor: Decimal::parse(f)?.checked_mul(pow10(-6)?)?,
            dims: d,
        });
    }
    None
}

/// A calendar-duration keyword (`year`, `months`, `day`, …) as its canonical form.
pub fn calendar_canon(unit: &str) -> Option<Canon> {
    let (f, d) = match unit {
        "year" | "years" => ("12", dims(&[(CAL, 1)])),
        "month" | "months" => ("1", dims(&[(CAL, 1)])),
        "week" | "weeks" => ("604800", dims(&[(S, 1)])),
        "day" | "days" => ("86400", dims(&[(S, 1)])),
        "hour" | "hours" => ("3600", dims(&[(S, 1)])),
        "minute" | "minutes" => ("60", dims(&[(S, 1)])),
        "second" | "seconds" => ("1", dims(&[(S, 1)])),
        "millisecond" | "milliseconds" => ("0.001", dims(&[(S, 1)])),
        _ => return None,
    };
    Some(Canon {
        factor: Decimal::parse(f)?,
        dims: d,
    })
}

struct P<'s> {
    b: &'s [u8],
    s: &'s str,
    i: usize,
    depth: u32,
}

impl P<'_> {
    fn term(&mut self) -> Option<Canon> {
        self.depth += 1;
        if self.depth > 16 {
            return None;
        }
        let mut acc = if self.b.get(self.i) == Some(&b'/') {
            self.i += 1;
            Canon::one().div(self.component()?)?
        } else {
            self.component()?
        };
        loop {
            match self.b.get(self.i) {
                Some(b'.') => {
                    self.i += 1;
                    acc = acc.mul(self.component()?)?;
                }
                Some(b'/') => {
                    self.i += 1;
                    acc = acc.div(self.component()?)?;
                }
                _ => break,
            }
        }
        self.depth -= 1;
        Some(acc)
    }

    fn annotation(&mut self) -> Option<()> {
        if self.b.get(self.i) == Some(&b'{') {
            while let Some(&c) = self.b.get(self.i) {
                self.i += 1;
                if c == b'}' {
                    return Some(());
                }
            }
            return None;
        }
        Some(())
    }

    fn exponent(&mut self) -> Option<i32> {
        let start = self.i;
        if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
            self.i += 1;
        }
        while self.b.get(self.i).is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        if self.i == start {
            return Some(1);
        }
        self.s.get(start..self.i)?.parse().ok()
    }

    fn component(&mut self) -> Option<Canon> {
        match self.b.get(self.i) {
            Some(b'(') => {
                self.i += 1;
                let c = self.term()?;
                if self.b.get(self.i) != Some(&b')') {
                    return None;
                }
                self.i += 1;
                let e = self.exponent()?;
                c.pow(e)
            }
            Some(b'{') => {
                self.annotation()?;
                Some(Canon::one())
            }
            Some(_) => {
                // Collect the symbol: up to an operator, digits after letters, or '{'.
                let start = self.i;
                let mut in_bracket = false;
                while let Some(&c) = self.b.get(self.i) {
                    if in_bracket {
                        if c == b']' {
                            in_bracket = false;
                        }
                        self.i += 1;
                        continue;
                    }
                    match c {
                        b'[' => in_bracket = true,
                        b'.' | b'/' | b'(' | b')' | b'{' => break,
                        _ => {}
                    }
                    self.i += 1;
                }
                let tok = self.s.get(start..self.i)?;
                let canon = symbol(tok)?;
                self.annotation()?;
                Some(canon)
            }
            None => None,
        }
    }
}

/// A unit symbol with an optional trailing exponent, a `10*n` / `10^n` factor or an integer.
fn symbol(tok: &str) -> Option<Canon> {
    if tok.is_empty() {
        return None;
    }
    if let Some(rest) = tok.strip_prefix("10*").or_else(|| tok.strip_prefix("10^")) {
        let e: i32 = rest.parse().ok()?;
        return Some(Canon {
            factor: pow10(e)?,
            dims: [0; NDIM],
        });
    }
    if tok.bytes().all(|c| c.is_ascii_digit()) {
        return Some(Canon {
            factor: Decimal::parse(tok)?,
            dims: [0; NDIM],
        });
    }
    if let Some(c) = simple_atom(tok) {
        return Some(c);
    }
    // trailing exponent
    let b = tok.as_bytes();
    let mut j = b.len();
    while j > 0 && b.get(j - 1).is_some_and(|c| c.is_ascii_digit()) {
        j -= 1;
    }
    if j > 0 && matches!(b.get(j - 1), Some(b'-' | b'+')) {
        j -= 1;
    }
    if j == 0 || j == b.len() {
        return None;
    }
    let base = simple_atom(tok.get(..j)?)?;
    let e: i32 = tok.get(j..)?.parse().ok()?;
    base.pow(e)
}

/// Canonical form of a UCUM unit string or calendar keyword; `None` if unsupported.
pub fn canon(unit: &str) -> Option<Canon> {
    if let Some(c) = calendar_canon(unit) {
        return Some(c);
    }
    if unit.is_empty() || unit == "1" {
        return Some(Canon::one());
    }
    let mut p = P {
        b: unit.as_bytes(),
        s: unit,
        i: 0,
        depth: 0,
    };
    let c = p.term()?;
    (p.i == unit.len()).then_some(c)
}

/// Value converted to the canonical unit.
pub fn to_canonical(value: Decimal, unit: &str) -> Option<(Decimal, Canon)> {
    let c = canon(unit)?;
    Some((value.checked_mul(c.factor)?, c))
}

/// Equal unit strings, treating a calendar keyword ≤ week as its UCUM code.
pub fn same_unit(a: &str, b: &str) -> bool {
    a == b || normalize_calendar(a) == normalize_calendar(b)
}

fn normalize_calendar(u: &str) -> &str {
    match u {
        "year" | "years" => "year",
        "month" | "months" => "month",
        "week" | "weeks" | "wk" => "wk",
        "day" | "days" | "d" => "d",
        "hour" | "hours" | "h" => "h",
        "minute" | "minutes" | "min" => "min",
        "second" | "seconds" | "s" => "s",
        "millisecond" | "milliseconds" | "ms" => "ms",
        other => other,
    }
}

/// Can values in these two units be compared?
pub fn comparable(a: &str, b: &str) -> bool {
    if same_unit(a, b) {
        return true;
    }
    match (canon(a), canon(b)) {
        (Some(x), Some(y)) => x.dims == y.dims,
        _ => false,
    }
}

/// Converts `value` in unit `from` into unit `to`.
pub fn convert(value: Decimal, from: &str, to: &str) -> Option<Decimal> {
    if same_unit(from, to) {
        return Some(value);
    }
    let (v, cf) = to_canonical(value, from)?;
    let ct = canon(to)?;
    if cf.dims != ct.dims {
        return None;
    }
    exact_div(v, ct.factor)
}

/// Product / quotient of two quantities: (value, unit).
pub fn combine(
    a: Decimal,
    ua: &str,
    b: Decimal,
    ub: &str,
    divide: bool,
) -> Option<(Decimal, String)> {
    let (va, ca) = to_canonical(a, ua)?;
    let (vb, cb) = to_canonical(b, ub)?;
    if divide {
        let c = ca.div(cb)?;
        Some((va.checked_div(vb)?, c.unit_string()))
    } else {
        let c = ca.mul(cb)?;
        Some((va.checked_mul(vb)?, c.unit_string()))
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).unwrap()
    }

    #[test]
    fn conversions() {
        assert_eq!(
            convert(d("4000.0"), "mg", "g").unwrap().compare(d("4")),
            std::cmp::Ordering::Equal
        );
        assert!(comparable("cm", "[in_i]"));
        assert!(!comparable("cm", "[s]"));
        assert!(!comparable("cm", "s"));
        assert!(comparable("kg/m2", "g.m-2"));
        assert!(comparable("mm[Hg]", "kPa"));
        assert!(comparable("week", "d"));
        assert!(!comparable("year", "a"));
        assert!(comparable("10*3/uL", "10*9/L"));
        assert!(comparable("{beats}/min", "/s"));
        let (v, u) = combine(d("2.0"), "cm", d("2.0"), "m", false).unwrap();
        assert_eq!(
            (v.compare(d("0.04")), u.as_str()),
            (std::cmp::Ordering::Equal, "m2")
        );
        let (v, u) = combine(d("1.0"), "m", d("1.0"), "m", true).unwrap();
        assert_eq!(
            (v.compare(d("1")), u.as_str()),
            (std::cmp::Ordering::Equal, "1")
        );
    }

    /// The conversions the validator's Quantity bounds (`minValueQuantity` / `maxValueQuantity`)
    /// and Duration bounds on dates rely on.
    #[test]
    fn converts_within_a_dimension_only() {
        let eq = |v: &str, from: &str, to: &str, want: &str| {
            let got = convert(d(v), from, to).unwrap();
            assert_eq!(
                got.compare(d(want)),
                std::cmp::Ordering::Equal,
                "{v} {from} → {to}"
            );
        };
        eq("1500", "g", "kg", "1.5");
        eq("2", "h", "min", "120");
        eq("1", "a", "d", "365.25");
        eq("1", "mo", "d", "30.4375");
        eq("1", "mL", "L", "0.001");
        eq("0.3", "L", "mL", "300");
        eq("1", "[lb_av]", "g", "453.59237");
        eq("50", "%", "1", "0.5");
        eq("3", "days", "d", "3");
        assert_eq!(convert(d("1"), "kg", "m"), None);
        assert_eq!(convert(d("1"), "furlong", "m"), None);
    }
}
