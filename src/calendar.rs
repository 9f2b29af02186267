//! Civil-calendar arithmetic (proleptic Gregorian): leap years, month lengths, day numbers
//! since 1970-01-01 and today's day number. The one home of calendar maths: the FHIRPath
//! engine's date arithmetic ([`crate::fhirpath`]) and the primitive checkers' calendar validity
//! and `today()` bounds ([`crate::checks::primitive`]) both use it.
//!
//! ```
//! use fhirval::calendar::{civil_from_days, days_from_civil, days_in_month, is_leap};
//! assert_eq!(days_from_civil(2000, 3, 1), 11_017);
//! assert_eq!(civil_from_days(11_017), (2000, 3, 1));
//! assert_eq!(days_in_month(2, is_leap(2024)), Some(29));
//! assert_eq!(days_in_month(13, false), None);
//! ```

/// A Gregorian leap year: divisible by 4, and not by 100 unless by 400.
pub fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in `month` (1–12) of a year that is (`leap`) or is not a leap year; `None` for a month
/// outside 1–12.
pub fn days_in_month(month: u32, leap: bool) -> Option<u32> {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => Some(31),
        4 | 6 | 9 | 11 => Some(30),
        2 if leap => Some(29),
        2 => Some(28),
        _ => None,
    }
}

/// (year, month, day) to days since 1970-01-01, proleptic Gregorian.
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    // 1 <= m <= 12 and 1 <= d <= 31 by construction
    (
        y,
        u32::try_from(m).unwrap_or(1),
        u32::try_from(d).unwrap_or(1),
    )
}

/// Days since 1970-01-01 today, from the system clock; `None` where there is no clock
/// (wasm32-unknown-unknown has no `SystemTime`).
pub fn today_days() -> Option<i64> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_secs();
        i64::try_from(secs / 86_400).ok()
    }
    #[cfg(target_arch = "wasm32")]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip_across_eras() {
        for days in [-800_000, -719_468, -1, 0, 59, 60, 11_016, 11_017, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(
                days_from_civil(y, i64::from(m), i64::from(d)),
                days,
                "{days}"
            );
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(days_from_civil(-1, 12, 31), -719_529);
    }

    #[test]
    fn leap_years_and_month_lengths() {
        assert!(is_leap(2000) && is_leap(2024) && is_leap(-4));
        assert!(!is_leap(1900) && !is_leap(2023));
        assert_eq!(days_in_month(2, false), Some(28));
        assert_eq!(days_in_month(4, true), Some(30));
        assert_eq!(days_in_month(0, true), None);
    }
}
