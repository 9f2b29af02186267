//! Dates and times: the syntaxes Java and the StructureDefinitions accept, calendar validity
//! (Java's Julian leap years before 1582) and time zones; the calendar maths itself is
//! [`crate::calendar`].

use super::*;

// ---------------------------------------------------------------------------
// Dates and times

#[derive(Debug, Clone, Copy)]
pub(super) struct TimePart<'a> {
    pub(super) hour: u32,
    pub(super) minute: u32,
    pub(super) second: u32,
    /// Fraction digits (may be empty).
    pub(super) frac: &'a str,
    /// Offset in minutes east of UTC.
    pub(super) tz: Option<i32>,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Temporal<'a> {
    pub(super) negative: bool,
    pub(super) year: u32,
    pub(super) month: Option<u32>,
    pub(super) day: Option<u32>,
    pub(super) time: Option<TimePart<'a>>,
}

#[derive(Clone, Copy)]
pub(super) struct Syntax {
    /// `-?` before the year (Java's instant regex).
    pub(super) sign: bool,
    /// Year `0000` allowed.
    pub(super) zero_year: bool,
    /// `T...` allowed after a full date.
    pub(super) time_allowed: bool,
    /// Full date and time required.
    pub(super) time_required: bool,
    /// A zone is required when a time is present.
    pub(super) tz_required: bool,
}

pub(super) const JAVA_DATE: Syntax = Syntax {
    sign: false,
    zero_year: false,
    time_allowed: false,
    time_required: false,
    tz_required: true,
};
pub(super) const SD_DATE: Syntax = JAVA_DATE;
pub(super) const JAVA_DATETIME: Syntax = Syntax {
    sign: false,
    zero_year: false,
    time_allowed: true,
    time_required: false,
    tz_required: false,
};
pub(super) const SD_DATETIME: Syntax = Syntax {
    tz_required: true,
    ..JAVA_DATETIME
};
pub(super) const JAVA_INSTANT: Syntax = Syntax {
    sign: true,
    zero_year: true,
    time_allowed: true,
    time_required: true,
    tz_required: true,
};
pub(super) const SD_INSTANT: Syntax = Syntax {
    sign: false,
    zero_year: false,
    ..JAVA_INSTANT
};
pub(super) const LENIENT: Syntax = Syntax {
    sign: false,
    zero_year: true,
    time_allowed: true,
    time_required: false,
    tz_required: false,
};

pub(super) fn digits_at(b: &[u8], i: usize, n: usize) -> Option<u32> {
    let mut v = 0u32;
    for k in 0..n {
        let d = *b.get(i + k)?;
        if !d.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(d - b'0');
    }
    Some(v)
}

pub(super) fn parse_temporal(s: &str, syn: Syntax) -> Option<Temporal<'_>> {
    let b = s.as_bytes();
    let negative = syn.sign && b.first() == Some(&b'-');
    let mut i = usize::from(negative);
    let year = digits_at(b, i, 4)?;
    if year == 0 && !syn.zero_year {
        return None;
    }
    i += 4;
    let mut t = Temporal {
        negative,
        year,
        month: None,
        day: None,
        time: None,
    };
    if i == b.len() {
        return (!syn.time_required).then_some(t);
    }
    if b.get(i) != Some(&b'-') {
        return None;
    }
    let month = digits_at(b, i + 1, 2).filter(|m| (1..=12).contains(m))?;
    t.month = Some(month);
    i += 3;
    if i == b.len() {
        return (!syn.time_required).then_some(t);
    }
    if b.get(i) != Some(&b'-') {
        return None;
    }
    let day = digits_at(b, i + 1, 2).filter(|d| (1..=31).contains(d))?;
    t.day = Some(day);
    i += 3;
    if i == b.len() {
        return (!syn.time_required).then_some(t);
    }
    if !syn.time_allowed || b.get(i) != Some(&b'T') {
        return None;
    }
    let (time, end) = parse_time_at(s, i + 1, true)?;
    let mut time = time;
    i = end;
    if i < b.len() {
        let (tz, end) = parse_zone(b, i)?;
        time.tz = Some(tz);
        i = end;
    } else if syn.tz_required {
        return None;
    }
    if i != b.len() {
        return None;
    }
    t.time = Some(time);
    Some(t)
}

/// `hh:mm:ss(.f+)?` starting at `i`; returns the part and the end offset.
pub(super) fn parse_time_at(
    s: &str,
    i: usize,
    frac_allowed: bool,
) -> Option<(TimePart<'_>, usize)> {
    let b = s.as_bytes();
    let hour = digits_at(b, i, 2).filter(|h| *h <= 23)?;
    if b.get(i + 2) != Some(&b':') {
        return None;
    }
    let minute = digits_at(b, i + 3, 2).filter(|m| *m <= 59)?;
    if b.get(i + 5) != Some(&b':') {
        return None;
    }
    let second = digits_at(b, i + 6, 2).filter(|s| *s <= 60)?;
    let mut end = i + 8;
    let mut frac = "";
    if frac_allowed && b.get(end) == Some(&b'.') {
        let start = end + 1;
        let mut k = start;
        while b.get(k).is_some_and(u8::is_ascii_digit) {
            k += 1;
        }
        if k == start {
            return None;
        }
        frac = s.get(start..k).unwrap_or("");
        end = k;
    }
    Some((
        TimePart {
            hour,
            minute,
            second,
            frac,
            tz: None,
        },
        end,
    ))
}

/// `Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)`; returns offset minutes and end.
pub(super) fn parse_zone(b: &[u8], i: usize) -> Option<(i32, usize)> {
    match b.get(i) {
        Some(b'Z') => Some((0, i + 1)),
        Some(&sign @ (b'+' | b'-')) => {
            let h = digits_at(b, i + 1, 2)?;
            if b.get(i + 3) != Some(&b':') {
                return None;
            }
            let m = digits_at(b, i + 4, 2)?;
            if !((h <= 13 && m <= 59) || (h == 14 && m == 0)) {
                return None;
            }
            let minutes = i32::try_from(h * 60 + m).ok()?;
            Some((if sign == b'-' { -minutes } else { minutes }, i + 6))
        }
        _ => None,
    }
}

/// A whole `time` value: Java's own check has no fraction; the R4 regex has one.
pub(super) fn parse_time(s: &str, frac_allowed: bool) -> Option<TimePart<'_>> {
    let (t, end) = parse_time_at(s, 0, frac_allowed)?;
    (end == s.len()).then_some(t)
}

pub(super) fn is_leap_java(year: u32) -> bool {
    // GregorianCalendar: Julian rules before the 1582 cut-over.
    if year <= 1582 {
        year.is_multiple_of(4)
    } else {
        calendar::is_leap(i64::from(year))
    }
}

/// What `BaseDateTimeType.parse` rejects among values that pass Java's regex:
/// a day beyond the month, and (instant) a negative year. Returns the exception
/// message.
pub(super) fn java_calendar_check(s: &str, t: &Temporal<'_>) -> Result<(), String> {
    if t.negative {
        // parseInt("-YYY") is negative, or "-000" is 0 and index 4 is not '-'.
        let b = s.as_bytes();
        if b.get(1..4) == Some(b"000") {
            let found = s.get(4..5).unwrap_or("");
            return Err(format!(
                "Invalid date/time format: \"{s}\": Expected character '-' at index 4 but found {found}"
            ));
        }
        return Err(format!("Invalid date/time format: \"{s}\""));
    }
    if let (Some(m), Some(d)) = (t.month, t.day)
        && d > calendar::days_in_month(m, is_leap_java(t.year)).unwrap_or(31)
    {
        return Err(format!("Invalid date/time format: \"{s}\""));
    }
    Ok(())
}

/// `InstanceValidator.hasTime`.
pub(super) fn has_time(s: &str) -> bool {
    s.contains('T')
}

/// `InstanceValidator.hasTimeZone`: `-`, `+` or `Z` after UTF-16 index 10.
pub(super) fn has_time_zone(s: &str) -> bool {
    let mut idx = 0usize;
    let mut found = false;
    for c in s.chars() {
        if idx >= 10 && matches!(c, '-' | '+' | 'Z') {
            found = true;
        }
        idx += c.len_utf16();
    }
    idx > 10 && found
}

/// `InstanceValidator.yearIsValid`: 1800 <= year <= this year + 80.
pub(super) fn year_is_valid(v: &str) -> bool {
    // Integer.parseInt(v.substring(0, min(4, v.length())))
    let end = v.char_indices().nth(4).map_or(v.len(), |(i, _)| i);
    let head = v.get(..end).unwrap_or("");
    let digits = head.strip_prefix(['+', '-']).unwrap_or(head);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    head.parse::<i32>()
        .is_ok_and(|y| y >= 1800 && y <= this_year().saturating_add(80))
}

pub(super) fn this_year() -> i32 {
    static YEAR: OnceLock<i32> = OnceLock::new();
    *YEAR.get_or_init(|| today_days().map_or(2026, |d| civil_from_days(d).0))
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian ([`calendar`]), the year
/// as an `i32` (1970 when it does not fit).
pub fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let (y, m, d) = calendar::civil_from_days(z);
    (i32::try_from(y).unwrap_or(1970), m, d)
}
