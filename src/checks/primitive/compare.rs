//! Comparisons for `minValue`/`maxValue`: integers, decimals (exactly, on their text) and
//! dates/times (on the same precision).

use super::*;

// ---------------------------------------------------------------------------
// Comparison helpers (for minValue/maxValue)

/// An integer value (optional `+`/`-`, ASCII digits); None if not one or out of range.
pub fn parse_integer(text: &str) -> Option<i64> {
    let digits = text
        .strip_prefix('-')
        .or_else(|| text.strip_prefix('+'))
        .unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<i64>().ok()
}

/// A decimal normalised as `sign * 0.D * 10^exp`, D without leading/trailing zeros.
pub(super) struct Dec<'a> {
    pub(super) negative: bool,
    /// Integer and fraction digits, as written.
    pub(super) int: &'a str,
    pub(super) frac: &'a str,
    pub(super) exp: i64,
}

pub(super) fn parse_dec(text: &str) -> Option<Dec<'_>> {
    let (negative, body) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..)?),
        Some(b'+') => (false, text.get(1..)?),
        _ => (false, text),
    };
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(i) => {
            let e = body.get(i + 1..)?;
            let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            (body.get(..i)?, e.parse::<i64>().ok()?)
        }
        None => (body, 0),
    };
    let (int, frac) = match mantissa.find('.') {
        Some(i) => (mantissa.get(..i)?, mantissa.get(i + 1..)?),
        None => (mantissa, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.len() + frac.len() == 0 || !all_digits(int) || !all_digits(frac) {
        return None;
    }
    Some(Dec {
        negative,
        int,
        frac,
        exp,
    })
}

/// Compares two decimals exactly, on their text (exponents allowed); None if either
/// is not a decimal.
pub fn compare_decimal(a: &str, b: &str) -> Option<Ordering> {
    let (x, y) = (parse_dec(a)?, parse_dec(b)?);
    let (xs, xe) = significand(&x)?;
    let (ys, ye) = significand(&y)?;
    let sign = |neg: bool, zero: bool| -> i8 {
        if zero {
            0
        } else if neg {
            -1
        } else {
            1
        }
    };
    let (sx, sy) = (
        sign(x.negative, xs.is_empty()),
        sign(y.negative, ys.is_empty()),
    );
    if sx != sy || sx == 0 {
        return Some(sx.cmp(&sy));
    }
    let magnitude = xe.cmp(&ye).then_with(|| xs.iter().cmp(ys.iter()));
    Some(if sx < 0 {
        magnitude.reverse()
    } else {
        magnitude
    })
}

/// Significant digits (no leading/trailing zeros; empty for zero) and the exponent E
/// such that the value is 0.DIGITS * 10^E.
pub(super) fn significand(d: &Dec<'_>) -> Option<(Vec<u8>, i64)> {
    let all = d.int.bytes().chain(d.frac.bytes());
    let lead = all.clone().take_while(|&c| c == b'0').count();
    let mut digits: Vec<u8> = all.skip(lead).collect();
    while digits.last() == Some(&b'0') {
        digits.pop();
    }
    let e = i64::try_from(d.int.len())
        .ok()?
        .checked_sub(i64::try_from(lead).ok()?)?
        .checked_add(d.exp)?;
    Some((digits, e))
}

/// Compares two date/dateTime/instant values. None when either does not parse or the
/// two are not comparable (different precision after equal common parts, or only one
/// of two times has a zone).
pub fn compare_temporal(a: &str, b: &str) -> Option<Ordering> {
    let x = parse_temporal(a, LENIENT)?;
    let y = parse_temporal(b, LENIENT)?;
    if let (Some(tx), Some(ty)) = (x.time, y.time) {
        let secs = |t: &Temporal<'_>, tp: &TimePart<'_>, zone: i32| -> i64 {
            let days = days_from_civil(
                i64::from(t.year),
                i64::from(t.month.unwrap_or(1)),
                i64::from(t.day.unwrap_or(1)),
            );
            days * 86_400
                + i64::from(tp.hour) * 3600
                + i64::from(tp.minute) * 60
                + i64::from(tp.second)
                - i64::from(zone) * 60
        };
        let ord = match (tx.tz, ty.tz) {
            (Some(zx), Some(zy)) => secs(&x, &tx, zx).cmp(&secs(&y, &ty, zy)),
            (None, None) => secs(&x, &tx, 0).cmp(&secs(&y, &ty, 0)),
            _ => return None,
        };
        return Some(ord.then_with(|| compare_fraction(tx.frac, ty.frac)));
    }
    let ord = x.year.cmp(&y.year);
    if ord != Ordering::Equal {
        return Some(ord);
    }
    for (l, r) in [(x.month, y.month), (x.day, y.day)] {
        match (l, r) {
            (Some(l), Some(r)) => {
                if l != r {
                    return Some(l.cmp(&r));
                }
            }
            (None, None) => return Some(Ordering::Equal),
            _ => return None,
        }
    }
    // Equal dates: equal if neither has a time.
    (x.time.is_none() && y.time.is_none()).then_some(Ordering::Equal)
}

pub(super) fn compare_fraction(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.trim_end_matches('0'), b.trim_end_matches('0'));
    a.cmp(b)
}
