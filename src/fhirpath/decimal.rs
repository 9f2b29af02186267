//! Exact decimal arithmetic for FHIRPath `Decimal` (and FHIR `decimal`).
//!
//! A value is `mantissa / 10^scale` with a 128-bit mantissa (up to 38 significant
//! digits) and `scale` ≤ [`MAX_SCALE`]. The scale is kept as written, so `1.50`
//! prints as `1.50` while still comparing equal to `1.5`. The mantissa is stored as
//! two 64-bit halves so the type stays 8-byte aligned (keeps `Item` small).

use std::cmp::Ordering;

/// Largest scale kept; more fractional digits are rounded away.
pub const MAX_SCALE: u8 = 28;
/// Scale used for the result of `/` (before trailing zeros are stripped).
const DIV_SCALE: u8 = 8;

/// An exact decimal: a 128-bit mantissa and a decimal scale (value = mantissa / 10^scale).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decimal {
    lo: u64,
    hi: i64,
    scale: u8,
}

fn pow10(n: u32) -> Option<i128> {
    10i128.checked_pow(n)
}

impl Decimal {
    /// `mantissa / 10^scale`.
    pub fn new(mantissa: i128, scale: u8) -> Decimal {
        Decimal {
            lo: mantissa as u64,
            hi: (mantissa >> 64) as i64,
            scale,
        }
    }

    /// An integer.
    pub fn from_i64(v: i64) -> Decimal {
        Decimal::new(v as i128, 0)
    }

    /// The mantissa.
    pub fn mantissa(&self) -> i128 {
        ((self.hi as i128) << 64) | (self.lo as i128)
    }

    /// The number of fractional digits.
    pub fn scale(&self) -> u8 {
        self.scale
    }

    /// Zero.
    pub fn is_zero(&self) -> bool {
        self.mantissa() == 0
    }

    /// Below zero.
    pub fn is_negative(&self) -> bool {
        self.mantissa() < 0
    }

    /// Parses `[+-]digits[.digits][(e|E)[+-]digits]` (JSON / FHIRPath number syntax).
    pub fn parse(s: &str) -> Option<Decimal> {
        let b = s.as_bytes();
        let mut i = 0;
        let mut neg = false;
        if let Some(&c) = b.first()
            && (c == b'-' || c == b'+')
        {
            neg = c == b'-';
            i = 1;
        }
        let mut mant: i128 = 0;
        let mut scale: i32 = 0;
        let mut digits = 0;
        let mut seen_dot = false;
        let mut dropped = false;
        while let Some(&c) = b.get(i) {
            if c.is_ascii_digit() {
                digits += 1;
                match mant
                    .checked_mul(10)
                    .and_then(|m| m.checked_add((c - b'0') as i128))
                {
                    Some(m) if !dropped => {
                        mant = m;
                        if seen_dot {
                            scale += 1;
                        }
                    }
                    _ => {
                        // Too many digits: keep the magnitude, drop precision.
                        dropped = true;
                        if !seen_dot {
                            scale -= 1;
                        }
                    }
                }
            } else if c == b'.' && !seen_dot {
                seen_dot = true;
            } else {
                break;
            }
            i += 1;
        }
        if digits == 0 {
            return None;
        }
        if seen_dot && b.get(i.wrapping_sub(1)) == Some(&b'.') {
            return None;
        }
        if let Some(&c) = b.get(i) {
            if c != b'e' && c != b'E' {
                return None;
            }
            let exp: i32 = s.get(i + 1..)?.parse().ok()?;
            if !(-400..=400).contains(&exp) {
                return None;
            }
            scale -= exp;
        }
        if neg {
            mant = -mant;
        }
        // Normalise a negative scale (e.g. from 1e3) into the mantissa.
        while scale < 0 {
            mant = mant.checked_mul(10)?;
            scale += 1;
        }
        let mut d = Decimal::new(mant, 0);
        if scale > MAX_SCALE as i32 {
            d = Decimal::new(mant, 0).div_pow10_round(scale as u32, MAX_SCALE)?;
        } else {
            d.scale = scale as u8;
        }
        Some(d)
    }

    /// mantissa / 10^scale rounded (half away from zero) to `target` scale.
    fn div_pow10_round(self, scale: u32, target: u8) -> Option<Decimal> {
        let drop = scale.checked_sub(target as u32)?;
        let m = self.mantissa();
        let Some(p) = pow10(drop) else {
            return Some(Decimal::new(0, target));
        };
        let q = m / p;
        let r = m % p;
        let q = if r.unsigned_abs() * 2 >= p.unsigned_abs() {
            q + m.signum()
        } else {
            q
        };
        Some(Decimal::new(q, target))
    }

    /// The same value with exactly `scale` fractional digits (rounding half away from zero).
    pub fn with_scale(self, scale: u8) -> Option<Decimal> {
        match scale.cmp(&self.scale) {
            Ordering::Equal => Some(self),
            Ordering::Greater => {
                let m = self
                    .mantissa()
                    .checked_mul(pow10((scale - self.scale) as u32)?)?;
                Some(Decimal::new(m, scale))
            }
            Ordering::Less => {
                Decimal::new(self.mantissa(), 0).div_pow10_round(self.scale as u32, scale)
            }
        }
    }

    /// Truncates (toward zero) to `scale` fractional digits.
    pub fn truncate_to(self, scale: u8) -> Decimal {
        if scale >= self.scale {
            return self;
        }
        match pow10((self.scale - scale) as u32) {
            Some(p) => Decimal::new(self.mantissa() / p, scale),
            None => Decimal::new(0, scale),
        }
    }

    /// Strips trailing fractional zeros.
    pub fn normalized(self) -> Decimal {
        let mut m = self.mantissa();
        let mut s = self.scale;
        while s > 0 && m % 10 == 0 {
            m /= 10;
            s -= 1;
        }
        Decimal::new(m, s)
    }

    fn align(a: Decimal, b: Decimal) -> Option<(i128, i128, u8)> {
        let s = a.scale.max(b.scale);
        Some((a.with_scale(s)?.mantissa(), b.with_scale(s)?.mantissa(), s))
    }

    /// `self + o`, `None` on overflow.
    pub fn checked_add(self, o: Decimal) -> Option<Decimal> {
        let (a, b, s) = Decimal::align(self, o)?;
        Some(Decimal::new(a.checked_add(b)?, s))
    }

    /// `self - o`, `None` on overflow.
    pub fn checked_sub(self, o: Decimal) -> Option<Decimal> {
        let (a, b, s) = Decimal::align(self, o)?;
        Some(Decimal::new(a.checked_sub(b)?, s))
    }

    /// `self * o`, `None` on overflow.
    pub fn checked_mul(self, o: Decimal) -> Option<Decimal> {
        let scale = self.scale as u32 + o.scale as u32;
        match self.mantissa().checked_mul(o.mantissa()) {
            Some(m) if scale <= MAX_SCALE as u32 => Some(Decimal::new(m, scale as u8)),
            Some(m) => Decimal::new(m, 0).div_pow10_round(scale, MAX_SCALE),
            None => {
                // Reduce precision of the operands and retry.
                let a = self.normalized();
                let b = o.normalized();
                if a != self || b != o {
                    return a.checked_mul(b);
                }
                let f = self.to_f64() * o.to_f64();
                Decimal::from_f64(f)
            }
        }
    }

    /// Division; `None` on division by zero or overflow. The result has up to
    /// 8 (or the operands' scale, if larger) fractional digits, trailing zeros stripped.
    pub fn checked_div(self, o: Decimal) -> Option<Decimal> {
        if o.is_zero() {
            return None;
        }
        let target = DIV_SCALE.max(self.scale).max(o.scale).min(MAX_SCALE);
        // result = (a / 10^sa) / (b / 10^sb) = a * 10^(sb - sa) / b
        // scaled: r * 10^target = a * 10^(target + sb - sa) / b
        let shift = target as i32 + o.scale as i32 - self.scale as i32 + 1; // one guard digit
        let (num, den) = if shift >= 0 {
            match self.mantissa().checked_mul(pow10(shift as u32)?) {
                Some(n) => (n, o.mantissa()),
                None => return Decimal::from_f64(self.to_f64() / o.to_f64()),
            }
        } else {
            (
                self.mantissa(),
                o.mantissa().checked_mul(pow10((-shift) as u32)?)?,
            )
        };
        let sign = if (num < 0) != (den < 0) { -1 } else { 1 };
        let q = num / den; // has target+1 fractional digits
        let r = (q % 10).unsigned_abs();
        let mut q = q / 10;
        if r >= 5 {
            q += sign;
        }
        Some(Decimal::new(q, target).normalized())
    }

    /// Truncated division (`div`): the integer part of self / o.
    pub fn div_trunc(self, o: Decimal) -> Option<Decimal> {
        if o.is_zero() {
            return None;
        }
        let (a, b, _) = Decimal::align(self, o)?;
        Some(Decimal::new(a / b, 0))
    }

    /// Remainder (`mod`) with the sign of the dividend.
    pub fn checked_rem(self, o: Decimal) -> Option<Decimal> {
        if o.is_zero() {
            return None;
        }
        let (a, b, s) = Decimal::align(self, o)?;
        Some(Decimal::new(a % b, s))
    }

    /// `-self`.
    pub fn negated(self) -> Decimal {
        Decimal::new(self.mantissa().saturating_neg(), self.scale)
    }

    /// The absolute value.
    pub fn abs(self) -> Decimal {
        Decimal::new(self.mantissa().saturating_abs(), self.scale)
    }

    /// The greatest integer not above it.
    pub fn floor(self) -> Decimal {
        let t = self.truncate_to(0);
        if self.is_negative() && t.with_scale(self.scale) != Some(self) {
            Decimal::new(t.mantissa().saturating_sub(1), 0)
        } else {
            t
        }
    }

    /// The least integer not below it.
    pub fn ceiling(self) -> Decimal {
        let t = self.truncate_to(0);
        if !self.is_negative() && t.with_scale(self.scale) != Some(self) {
            Decimal::new(t.mantissa().saturating_add(1), 0)
        } else {
            t
        }
    }

    /// Rounds half away from zero to `digits` fractional digits.
    pub fn round(self, digits: u8) -> Decimal {
        if digits >= self.scale {
            return self;
        }
        self.with_scale(digits).unwrap_or(self)
    }

    /// Integer value if the number has no fractional part and fits i64.
    pub fn to_i64_exact(self) -> Option<i64> {
        let n = self.normalized();
        if n.scale != 0 {
            return None;
        }
        i64::try_from(n.mantissa()).ok()
    }

    /// Integer part (truncated toward zero), if it fits i64.
    pub fn trunc_i64(self) -> Option<i64> {
        i64::try_from(self.truncate_to(0).mantissa()).ok()
    }

    /// The nearest `f64`.
    pub fn to_f64(self) -> f64 {
        let m = self.mantissa() as f64;
        m / 10f64.powi(self.scale as i32)
    }

    /// Converts a finite float, keeping up to 8 fractional digits (trailing zeros stripped).
    pub fn from_f64(f: f64) -> Option<Decimal> {
        if !f.is_finite() {
            return None;
        }
        let s = format!("{:.8}", f);
        Some(Decimal::parse(&s)?.normalized())
    }

    /// Numeric comparison (scale-independent).
    pub fn compare(self, o: Decimal) -> Ordering {
        match Decimal::align(self, o) {
            Some((a, b, _)) => a.cmp(&b),
            None => self
                .to_f64()
                .partial_cmp(&o.to_f64())
                .unwrap_or(Ordering::Equal),
        }
    }

    /// FHIRPath equivalence: equal when rounded to the precision of the less precise operand.
    pub fn equivalent(self, o: Decimal) -> bool {
        let s = self.scale.min(o.scale);
        match (self.with_scale(s), o.with_scale(s)) {
            (Some(a), Some(b)) => a.mantissa() == b.mantissa(),
            _ => self.compare(o) == Ordering::Equal,
        }
    }
}

impl std::fmt::Display for Decimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let m = self.mantissa();
        let neg = m < 0;
        let digits = m.unsigned_abs().to_string();
        let scale = self.scale as usize;
        let (int, frac) = if digits.len() > scale {
            let (a, b) = digits.split_at(digits.len() - scale);
            (a.to_string(), b.to_string())
        } else {
            (
                "0".to_string(),
                format!("{}{}", "0".repeat(scale - digits.len()), digits),
            )
        };
        if neg {
            f.write_str("-")?;
        }
        f.write_str(&int)?;
        if scale > 0 {
            f.write_str(".")?;
            f.write_str(&frac)?;
        }
        Ok(())
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
    fn parse_and_print() {
        assert_eq!(d("1.50").to_string(), "1.50");
        assert_eq!(d("-0.001").to_string(), "-0.001");
        assert_eq!(d("1e3").to_string(), "1000");
        assert_eq!(d("1.5E-2").to_string(), "0.015");
        assert_eq!(
            d("1234567890987654321.0").to_string(),
            "1234567890987654321.0"
        );
        assert!(Decimal::parse("1.").is_none());
        assert!(Decimal::parse("abc").is_none());
        assert!(Decimal::parse("").is_none());
    }

    #[test]
    fn arithmetic() {
        assert_eq!(
            d("1.2").checked_add(d("1.8")).unwrap().compare(d("3")),
            Ordering::Equal
        );
        assert_eq!(
            d("1").checked_div(d("3")).unwrap().to_string(),
            "0.33333333"
        );
        assert_eq!(d("2").checked_div(d("2")).unwrap().to_string(), "1");
        assert_eq!(
            d("1.2").checked_div(d("1.8")).unwrap().to_string(),
            "0.66666667"
        );
        assert_eq!(
            d("-1").checked_div(d("3")).unwrap().to_string(),
            "-0.33333333"
        );
        assert_eq!(d("2.2").div_trunc(d("1.8")).unwrap().to_string(), "1");
        assert_eq!(d("2.2").checked_rem(d("1.8")).unwrap().to_string(), "0.4");
        assert_eq!(d("-2.1").floor().to_string(), "-3");
        assert_eq!(d("-1.1").ceiling().to_string(), "-1");
        assert_eq!(d("3.14159").round(3).to_string(), "3.142");
        assert_eq!(d("-1.56").truncate_to(0).to_string(), "-1");
        assert!(d("1").checked_div(d("0")).is_none());
    }

    #[test]
    fn equality_and_equivalence() {
        assert_eq!(d("1.10").compare(d("1.1")), Ordering::Equal);
        assert!(d("0.66666667").equivalent(d("0.67")));
        assert!(!d("0.66666667").equivalent(d("0.6")));
        assert!(d("0.0").equivalent(d("0")));
    }
}
