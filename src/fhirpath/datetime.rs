//! Partial date / dateTime / time values with FHIRPath precision semantics.
//!
//! One struct serves `Date`, `DateTime` and `Time` (the `Item` variant says
//! which). Fields below the precision are zero and ignored.

use std::cmp::Ordering;
use std::fmt::Write;

use crate::calendar::{self, civil_from_days, days_from_civil};

/// The precision of a date, dateTime or time: the last component given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Prec {
    /// Year only (`2024`).
    Year = 1,
    /// Year and month.
    Month,
    /// A full date.
    Day,
    /// Up to the hour.
    Hour,
    /// Up to the minute.
    Minute,
    /// Up to the second.
    Second,
    /// Up to the millisecond.
    Milli,
}

/// A FHIRPath Date, DateTime or Time value: components up to its precision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateTime {
    /// Year (0..=9999).
    pub year: i32,
    /// Month (1..=12), when the precision reaches it.
    pub month: u8,
    /// Day of the month, when the precision reaches it.
    pub day: u8,
    /// Hour (0..=23), when the precision reaches it.
    pub hour: u8,
    /// Minute, when the precision reaches it.
    pub minute: u8,
    /// Second, when the precision reaches it.
    pub second: u8,
    /// Millisecond, when the precision reaches it.
    pub milli: u16,
    /// The last component given.
    pub prec: Prec,
    /// Timezone offset in minutes (`Z` = 0); `None` when not given.
    pub tz: Option<i16>,
}

/// Calendar duration units usable in date arithmetic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CalUnit {
    Year,
    Month,
    Week,
    Day,
    Hour,
    Minute,
    Second,
    Milli,
}

/// Days in the month of a year (0 for a month outside 1–12).
fn days_in_month(y: i32, m: u8) -> u8 {
    let leap = calendar::is_leap(i64::from(y));
    calendar::days_in_month(u32::from(m), leap).map_or(0, |d| d as u8)
}

struct Cursor<'s> {
    b: &'s [u8],
    i: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, n: usize) -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..n {
            let c = *self.b.get(self.i)?;
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + (c - b'0') as u32;
            self.i += 1;
        }
        Some(v)
    }
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn done(&self) -> bool {
        self.i >= self.b.len()
    }
}

impl DateTime {
    fn empty(prec: Prec) -> DateTime {
        DateTime {
            year: 0,
            month: 0,
            day: 0,
            hour: 0,
            minute: 0,
            second: 0,
            milli: 0,
            prec,
            tz: None,
        }
    }

    fn parse_date_part(c: &mut Cursor) -> Option<DateTime> {
        let mut d = DateTime::empty(Prec::Year);
        d.year = c.digits(4)? as i32;
        if c.peek() == Some(b'-') {
            c.i += 1;
            d.month = c.digits(2)? as u8;
            d.prec = Prec::Month;
            if !(1..=12).contains(&d.month) {
                return None;
            }
            if c.peek() == Some(b'-') {
                c.i += 1;
                d.day = c.digits(2)? as u8;
                d.prec = Prec::Day;
                if d.day < 1 || d.day > days_in_month(d.year, d.month) {
                    return None;
                }
            }
        }
        Some(d)
    }

    fn parse_time_part(c: &mut Cursor, d: &mut DateTime) -> Option<()> {
        d.hour = c.digits(2)? as u8;
        d.prec = Prec::Hour;
        if d.hour > 23 {
            return None;
        }
        if c.eat(b':') {
            d.minute = c.digits(2)? as u8;
            d.prec = Prec::Minute;
            if d.minute > 59 {
                return None;
            }
            if c.eat(b':') {
                d.second = c.digits(2)? as u8;
                d.prec = Prec::Second;
                if d.second > 59 {
                    return None;
                }
                if c.peek() == Some(b'.') && c.b.get(c.i + 1).is_some_and(|b| b.is_ascii_digit()) {
                    c.i += 1;
                    let mut ms = 0u32;
                    let mut n = 0;
                    while let Some(b) = c.peek().filter(|b| b.is_ascii_digit()) {
                        if n < 3 {
                            ms = ms * 10 + (b - b'0') as u32;
                        }
                        n += 1;
                        c.i += 1;
                    }
                    while n < 3 {
                        ms *= 10;
                        n += 1;
                    }
                    d.milli = ms as u16;
                    d.prec = Prec::Milli;
                }
            }
        }
        Some(())
    }

    fn parse_tz(c: &mut Cursor) -> Option<Option<i16>> {
        match c.peek() {
            Some(b'Z') => {
                c.i += 1;
                Some(Some(0))
            }
            Some(s @ (b'+' | b'-')) => {
                c.i += 1;
                let h = c.digits(2)?;
                if !c.eat(b':') {
                    return None;
                }
                let m = c.digits(2)?;
                if h > 14 || m > 59 {
                    return None;
                }
                let off = (h * 60 + m) as i16;
                Some(Some(if s == b'-' { -off } else { off }))
            }
            _ => Some(None),
        }
    }

    /// `YYYY[-MM[-DD]]`.
    pub fn parse_date(s: &str) -> Option<DateTime> {
        let mut c = Cursor {
            b: s.as_bytes(),
            i: 0,
        };
        let d = DateTime::parse_date_part(&mut c)?;
        c.done().then_some(d)
    }

    /// `YYYY[-MM[-DD[Thh[:mm[:ss[.fff]]][tz]]]]`; with `allow_bare_t` a trailing `T` alone is accepted
    /// (FHIRPath literal `@2015T`).
    pub fn parse_datetime(s: &str, allow_bare_t: bool) -> Option<DateTime> {
        let mut c = Cursor {
            b: s.as_bytes(),
            i: 0,
        };
        let mut d = DateTime::parse_date_part(&mut c)?;
        if c.eat(b'T') {
            if c.done() && allow_bare_t {
                return Some(d);
            }
            if d.prec != Prec::Day {
                return None;
            }
            DateTime::parse_time_part(&mut c, &mut d)?;
            d.tz = DateTime::parse_tz(&mut c)?;
        }
        c.done().then_some(d)
    }

    /// `hh[:mm[:ss[.fff]]]`.
    pub fn parse_time(s: &str) -> Option<DateTime> {
        let mut c = Cursor {
            b: s.as_bytes(),
            i: 0,
        };
        let mut d = DateTime::empty(Prec::Hour);
        DateTime::parse_time_part(&mut c, &mut d)?;
        c.done().then_some(d)
    }

    /// Append the date part (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`, by precision).
    pub fn fmt_date(&self, out: &mut String) {
        let _ = write!(out, "{:04}", self.year);
        if self.prec >= Prec::Month {
            let _ = write!(out, "-{:02}", self.month);
        }
        if self.prec >= Prec::Day {
            let _ = write!(out, "-{:02}", self.day);
        }
    }

    /// Append the time part (`hh`, `hh:mm`, `hh:mm:ss` or `hh:mm:ss.fff`, by precision).
    pub fn fmt_time(&self, out: &mut String) {
        let _ = write!(out, "{:02}", self.hour);
        if self.prec >= Prec::Minute {
            let _ = write!(out, ":{:02}", self.minute);
        }
        if self.prec >= Prec::Second {
            let _ = write!(out, ":{:02}", self.second);
        }
        if self.prec >= Prec::Milli {
            let _ = write!(out, ".{:03}", self.milli);
        }
    }

    /// FHIR dateTime text (no `@`).
    pub fn fmt_datetime(&self, out: &mut String) {
        self.fmt_date(out);
        if self.prec >= Prec::Hour {
            out.push('T');
            self.fmt_time(out);
            if let Some(tz) = self.tz {
                if tz == 0 {
                    out.push('Z');
                } else {
                    let sign = if tz < 0 { '-' } else { '+' };
                    let a = tz.unsigned_abs();
                    let _ = write!(out, "{}{:02}:{:02}", sign, a / 60, a % 60);
                }
            }
        }
    }

    fn epoch_minutes(&self) -> i64 {
        days_from_civil(
            self.year as i64,
            self.month.max(1) as i64,
            self.day.max(1) as i64,
        ) * 1440
            + self.hour as i64 * 60
            + self.minute as i64
    }

    fn set_from_epoch_minutes(&mut self, m: i64) {
        let days = m.div_euclid(1440);
        let rem = m.rem_euclid(1440);
        let (y, mo, d) = civil_from_days(days);
        self.year = y as i32;
        self.month = mo as u8;
        self.day = d as u8;
        self.hour = (rem / 60) as u8;
        self.minute = (rem % 60) as u8;
    }

    fn to_utc(self) -> DateTime {
        let mut d = self;
        if let Some(tz) = self.tz {
            d.set_from_epoch_minutes(self.epoch_minutes() - tz as i64);
            d.tz = Some(0);
        }
        d
    }

    /// Compares two dates/dateTimes; `None` when the result is uncertain
    /// (different precisions, or only one side has a timezone).
    pub fn compare(a: &DateTime, b: &DateTime) -> Option<Ordering> {
        let (a, b) = if a.prec >= Prec::Hour && b.prec >= Prec::Hour {
            match (a.tz, b.tz) {
                (Some(_), Some(_)) => (a.to_utc(), b.to_utc()),
                (None, None) => (*a, *b),
                _ => return None,
            }
        } else {
            (*a, *b)
        };
        let fields = [
            (Prec::Year, a.year as i64, b.year as i64),
            (Prec::Month, a.month as i64, b.month as i64),
            (Prec::Day, a.day as i64, b.day as i64),
            (Prec::Hour, a.hour as i64, b.hour as i64),
            (Prec::Minute, a.minute as i64, b.minute as i64),
            (
                Prec::Second,
                a.second as i64 * 1000 + a.milli as i64,
                b.second as i64 * 1000 + b.milli as i64,
            ),
        ];
        Self::cmp_fields(&a, &b, &fields)
    }

    /// Compares two times (no timezone).
    pub fn compare_time(a: &DateTime, b: &DateTime) -> Option<Ordering> {
        let fields = [
            (Prec::Hour, a.hour as i64, b.hour as i64),
            (Prec::Minute, a.minute as i64, b.minute as i64),
            (
                Prec::Second,
                a.second as i64 * 1000 + a.milli as i64,
                b.second as i64 * 1000 + b.milli as i64,
            ),
        ];
        Self::cmp_fields(a, b, &fields)
    }

    fn cmp_fields(a: &DateTime, b: &DateTime, fields: &[(Prec, i64, i64)]) -> Option<Ordering> {
        for &(p, x, y) in fields {
            let ha = a.prec >= p;
            let hb = b.prec >= p;
            match (ha, hb) {
                (true, true) => {
                    if x != y {
                        return Some(x.cmp(&y));
                    }
                }
                (false, false) => return Some(Ordering::Equal),
                _ => return None,
            }
        }
        Some(Ordering::Equal)
    }

    fn clamp_day(&mut self) {
        if self.prec >= Prec::Day {
            let max = days_in_month(self.year, self.month);
            if self.day > max {
                self.day = max;
            }
        }
    }

    /// Adds `amount` calendar units. `is_time` for `Time` values (wraps at midnight).
    pub fn add(&self, amount: i64, unit: CalUnit, is_time: bool) -> Option<DateTime> {
        let mut d = *self;
        if is_time {
            let ms_unit: i64 = match unit {
                CalUnit::Hour => 3_600_000,
                CalUnit::Minute => 60_000,
                CalUnit::Second => 1000,
                CalUnit::Milli => 1,
                _ => return None,
            };
            let cur = ((d.hour as i64 * 60 + d.minute as i64) * 60 + d.second as i64) * 1000
                + d.milli as i64;
            let t = (cur + amount.checked_mul(ms_unit)?).rem_euclid(86_400_000);
            d.hour = (t / 3_600_000) as u8;
            d.minute = (t / 60_000 % 60) as u8;
            d.second = (t / 1000 % 60) as u8;
            d.milli = (t % 1000) as u16;
            return Some(d);
        }
        match unit {
            CalUnit::Year => {
                d.year = i32::try_from((d.year as i64).checked_add(amount)?).ok()?;
                d.clamp_day();
            }
            CalUnit::Month => {
                if d.prec < Prec::Month {
                    d.year = i32::try_from(d.year as i64 + amount / 12).ok()?;
                } else {
                    let m = (d.year as i64 * 12 + (d.month as i64 - 1)).checked_add(amount)?;
                    d.year = i32::try_from(m.div_euclid(12)).ok()?;
                    d.month = (m.rem_euclid(12) + 1) as u8;
                    d.clamp_day();
                }
            }
            CalUnit::Week | CalUnit::Day => {
                let days = if unit == CalUnit::Week {
                    amount.checked_mul(7)?
                } else {
                    amount
                };
                d = d.add_days(days)?;
            }
            CalUnit::Hour | CalUnit::Minute | CalUnit::Second | CalUnit::Milli => {
                let ms_unit: i64 = match unit {
                    CalUnit::Hour => 3_600_000,
                    CalUnit::Minute => 60_000,
                    CalUnit::Second => 1000,
                    _ => 1,
                };
                let delta = amount.checked_mul(ms_unit)?;
                if d.prec < Prec::Hour {
                    d = d.add_days(delta / 86_400_000)?;
                } else {
                    let day0 = days_from_civil(d.year as i64, d.month as i64, d.day as i64);
                    let t = (((day0 * 24 + d.hour as i64) * 60 + d.minute as i64) * 60_000
                        + d.second as i64 * 1000
                        + d.milli as i64)
                        .checked_add(delta)?;
                    let days = t.div_euclid(86_400_000);
                    let rem = t.rem_euclid(86_400_000);
                    let (y, mo, dd) = civil_from_days(days);
                    d.year = i32::try_from(y).ok()?;
                    d.month = mo as u8;
                    d.day = dd as u8;
                    d.hour = (rem / 3_600_000) as u8;
                    d.minute = (rem / 60_000 % 60) as u8;
                    d.second = (rem / 1000 % 60) as u8;
                    d.milli = (rem % 1000) as u16;
                }
            }
        }
        if !(0..=9999).contains(&d.year) {
            return None;
        }
        Some(d)
    }

    fn add_days(mut self, days: i64) -> Option<DateTime> {
        if self.prec < Prec::Day {
            return Some(self);
        }
        let n = days_from_civil(self.year as i64, self.month as i64, self.day as i64)
            .checked_add(days)?;
        let (y, m, d) = civil_from_days(n);
        self.year = i32::try_from(y).ok()?;
        self.month = m as u8;
        self.day = d as u8;
        Some(self)
    }

    /// Precision in digits (4 = year … 17 = milliseconds; for times 2 … 9).
    pub fn precision_digits(&self, is_time: bool) -> i64 {
        let p = match self.prec {
            Prec::Year => 4,
            Prec::Month => 6,
            Prec::Day => 8,
            Prec::Hour => 10,
            Prec::Minute => 12,
            Prec::Second => 14,
            Prec::Milli => 17,
        };
        if is_time {
            match self.prec {
                Prec::Hour => 2,
                Prec::Minute => 4,
                Prec::Second => 6,
                _ => 9,
            }
        } else {
            p
        }
    }

    /// lowBoundary / highBoundary to `digits` precision. Returns the value and whether
    /// it is a plain date (precision ≤ day).
    pub fn boundary(&self, digits: i64, high: bool, is_time: bool) -> Option<DateTime> {
        let target = if is_time {
            match digits {
                2 => Prec::Hour,
                4 => Prec::Minute,
                6 => Prec::Second,
                9 => Prec::Milli,
                _ => return None,
            }
        } else {
            match digits {
                4 => Prec::Year,
                6 => Prec::Month,
                8 => Prec::Day,
                10 => Prec::Hour,
                12 => Prec::Minute,
                14 => Prec::Second,
                17 => Prec::Milli,
                _ => return None,
            }
        };
        let mut d = *self;
        if d.prec == Prec::Hour {
            // `T08` is read as `T08:00`.
            d.minute = 0;
            d.prec = Prec::Minute;
        }
        if !is_time && d.prec < Prec::Month {
            d.month = if high { 12 } else { 1 };
        }
        if !is_time && d.prec < Prec::Day {
            d.day = if high {
                days_in_month(d.year, d.month)
            } else {
                1
            };
        }
        if d.prec < Prec::Hour && !is_time {
            d.hour = if high { 23 } else { 0 };
        }
        if d.prec < Prec::Minute {
            d.minute = if high { 59 } else { 0 };
        }
        if d.prec < Prec::Second {
            d.second = if high { 59 } else { 0 };
        }
        if d.prec < Prec::Milli {
            d.milli = if high { 999 } else { 0 };
        }
        if !is_time && target >= Prec::Hour && d.tz.is_none() {
            d.tz = Some(if high { -12 * 60 } else { 14 * 60 });
        }
        d.prec = target;
        Some(d)
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

    fn dt(s: &str) -> DateTime {
        DateTime::parse_datetime(s, true).unwrap()
    }

    fn fmt(d: &DateTime) -> String {
        let mut s = String::new();
        d.fmt_datetime(&mut s);
        s
    }

    #[test]
    fn parse_format() {
        assert_eq!(
            fmt(&dt("2015-02-04T14:34:28.123+10:00")),
            "2015-02-04T14:34:28.123+10:00"
        );
        assert_eq!(fmt(&dt("2015-02")), "2015-02");
        assert!(DateTime::parse_datetime("2015-02-30", false).is_none());
        assert!(DateTime::parse_datetime("2015-13", false).is_none());
        assert!(DateTime::parse_time("14:34:28Z").is_none());
        assert_eq!(DateTime::parse_time("14:34").unwrap().prec, Prec::Minute);
    }

    #[test]
    fn precision_comparisons() {
        use Ordering::*;
        let c = |a: &str, b: &str| DateTime::compare(&dt(a), &dt(b));
        assert_eq!(c("2012-04-15", "2012-04-16"), Some(Less));
        assert_eq!(c("2012-04-15", "2012-04-15T10:00:00"), None);
        assert_eq!(c("2012-04-14", "2012-04-15T10:00:00"), Some(Less));
        assert_eq!(c("2018-03", "2018-03-01"), None);
        assert_eq!(
            c("2012-04-15T15:30:31", "2012-04-15T15:30:31.0"),
            Some(Equal)
        );
        assert_eq!(
            c("2012-04-15T15:00:00+02:00", "2012-04-15T16:00:00+03:00"),
            Some(Equal)
        );
        assert_eq!(c("2012-04-15T15:00:00Z", "2012-04-15T10:00:00"), None);
        assert_eq!(
            c("2017-11-05T01:30:00.0-04:00", "2017-11-05T01:15:00.0-05:00"),
            Some(Less)
        );
    }

    #[test]
    fn arithmetic() {
        let d = dt("1973-12-25");
        assert_eq!(fmt(&d.add(7, CalUnit::Day, false).unwrap()), "1974-01-01");
        assert_eq!(fmt(&d.add(1, CalUnit::Month, false).unwrap()), "1974-01-25");
        let d = dt("2020-01-31");
        assert_eq!(fmt(&d.add(1, CalUnit::Month, false).unwrap()), "2020-02-29");
        let d = dt("1973-12-25T00:00:00.000+10:00");
        assert_eq!(
            fmt(&d.add(10, CalUnit::Milli, false).unwrap()),
            "1973-12-25T00:00:00.010+10:00"
        );
        assert_eq!(
            fmt(&d.add(-1, CalUnit::Hour, false).unwrap()),
            "1973-12-24T23:00:00.000+10:00"
        );
    }
}
