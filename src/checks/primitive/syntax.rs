//! The syntax of the type-specific primitives: id, uuid, oid, unsignedInt, decimal, absolute
//! URLs, code whitespace, base64, and Java's integer and decimal checks.

use super::*;

// ---------------------------------------------------------------------------
// Type-specific helpers

/// `FormatUtilities.isValidId`: `[A-Za-z0-9\-\.]{1,64}`.
pub(super) fn is_valid_id(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// `[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`.
pub(super) fn is_valid_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == b'-'
            } else {
                c.is_ascii_digit() || (b'a'..=b'f').contains(&c)
            }
        })
}

/// `[0-2](\.(0|[1-9][0-9]*))+`.
pub(super) fn is_valid_oid(s: &str) -> bool {
    let mut parts = s.split('.');
    let first_ok = matches!(parts.next(), Some("0" | "1" | "2"));
    let mut count = 0;
    for part in parts {
        if !is_unsigned_int_syntax(part) {
            return false;
        }
        count += 1;
    }
    first_ok && count > 0
}

/// `0|[1-9][0-9]*`.
pub(super) fn is_unsigned_int_syntax(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty() && b.iter().all(u8::is_ascii_digit) && (b.len() == 1 || b.first() != Some(&b'0'))
}

/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
pub(super) fn is_fhir_decimal_syntax(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let int_start = i;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    let int_len = i - int_start;
    if int_len == 0 || (int_len > 1 && b.get(int_start) == Some(&b'0')) {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        let f = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == f {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let f = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == f {
            return false;
        }
    }
    i == b.len()
}

/// `Utilities.isAbsoluteUrl`.
pub(super) fn is_absolute_url(r: &str) -> bool {
    let Some(colon) = r.find(':') else {
        return false;
    };
    let scheme = r.get(..colon).unwrap_or("");
    let details = r.get(colon + 1..).unwrap_or("");
    let scheme_ok = matches!(scheme, "http" | "https" | "urn")
        || (is_token(scheme) && !scheme.bytes().any(|b| b.is_ascii_uppercase()))
        || [
            "urn:iso:",
            "urn:iso-iec:",
            "urn:iso-cie:",
            "urn:iso-astm:",
            "urn:iso-ieee:",
            "urn:iec:",
        ]
        .iter()
        .any(|p| r.starts_with(p));
    scheme_ok && !details.is_empty() && !details.contains(' ')
}

/// `Utilities.isToken`.
pub(super) fn is_token(s: &str) -> bool {
    let b = s.as_bytes();
    b.first().is_some_and(u8::is_ascii_alphabetic)
        && b.iter()
            .skip(1)
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'[' | b']'))
}

/// `InstanceValidator.passesCodeWhitespaceRules`.
pub(super) fn passes_code_whitespace_rules(v: &str) -> bool {
    // String.trim() strips chars <= U+0020 at both ends.
    if v.trim_matches(|c: char| c <= ' ').len() != v.len() {
        return false;
    }
    let mut last_was_space = true;
    for c in v.chars() {
        if c == ' ' {
            if last_was_space {
                return false;
            }
            last_was_space = true;
        } else if is_java_ws(c) {
            return false;
        } else {
            last_was_space = false;
        }
    }
    true
}

/// `Base64Util.isValidBase64`: counts letters, digits, `+/=` (other characters are
/// ignored); the count must be a multiple of 4. Returned with whether `s` holds whitespace ([`is_util_ws`]),
/// in one pass: ASCII bytes (all of a well-formed value, which can be large) by table, other
/// characters as chars.
pub(super) fn base64_scan(s: &str) -> (bool, bool) {
    // per ASCII byte: 1 counts (letter, digit, '/', '=', '+'), 2 is whitespace (indexing
    // in a constant: out of bounds would not compile)
    #[allow(clippy::indexing_slicing)]
    const CLASS: [u8; 128] = {
        let mut t = [0u8; 128];
        let mut b = 0;
        while b < 128 {
            let c = b as u8;
            let class = if c.is_ascii_alphanumeric() || c == b'/' || c == b'=' || c == b'+' {
                1
            } else if matches!(c, b'\t'..=b'\r' | b' ') {
                2
            } else {
                0
            };
            t[b] = class;
            b += 1;
        }
        t
    };
    let (mut count, mut ws) = (0usize, false);
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if let Some(&class) = CLASS.get(usize::from(b)) {
            count += usize::from(class & 1);
            ws |= class == 2;
            i += 1;
            continue;
        }
        // a non-ASCII character
        let Some(c) = s.get(i..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        if is_util_ws(c) {
            ws = true;
        } else if (c as u32) < 0x10000 && (c.is_alphabetic() || c.is_numeric()) {
            // Java iterates UTF-16 units: surrogates are neither letters nor digits.
            count += 1;
        }
        i += c.len_utf8();
    }
    (count.is_multiple_of(4), ws)
}

/// `Utilities.isInteger` (ASCII digits only; Java would also take other Unicode
/// digits, which then fail the type regex anyway).
pub(super) fn java_is_integer(s: &str) -> bool {
    let v = s.strip_prefix('-').unwrap_or(s);
    !v.is_empty()
        && v.bytes().all(|b| b.is_ascii_digit())
        && v.len() <= 10
        // Java compares the whole string (sign included) with "2147483648", so the
        // lower bound is never enforced; Integer.valueOf then fails (see caller).
        && (s.starts_with('-') || v.len() < 10 || v <= "2147483647")
}

/// `Utilities.isLong`.
pub(super) fn java_is_long(s: &str) -> bool {
    let v = s.strip_prefix('-').unwrap_or(s);
    !v.is_empty()
        && v.bytes().all(|b| b.is_ascii_digit())
        && v.len() <= 20
        && (s.starts_with('-') || v.len() < 20 || v <= "9223372036854775807")
}

#[derive(Debug, PartialEq, Eq)]
pub(super) enum DecimalStatus {
    Ok,
    Syntax,
    Range,
}

/// `Utilities.checkDecimal(value, allowExponent = true, allowLeadingZero = false)`.
pub(super) fn java_check_decimal(value: &str) -> DecimalStatus {
    for sign in ["", "-", "+"] {
        if let Some(rest) = value.strip_prefix(sign)
            && rest.starts_with('0')
            && rest != "0"
            && !rest.starts_with("0.")
        {
            return DecimalStatus::Syntax;
        }
    }
    if value.ends_with('.') {
        return DecimalStatus::Syntax;
    }
    let (mut have_period, mut have_exponent, mut have_sign, mut have_digits) =
        (false, false, false, false);
    let (mut pre, mut post, mut exp, mut length) = (0usize, 0usize, 0usize, 0usize);
    for c in value.chars() {
        match c {
            '.' => {
                if !have_digits || have_period || have_exponent {
                    return DecimalStatus::Syntax;
                }
                have_period = true;
                pre = length;
                length = 0;
            }
            '-' | '+' => {
                if have_digits || have_sign {
                    return DecimalStatus::Syntax;
                }
                have_sign = true;
            }
            'e' | 'E' => {
                if !have_digits || have_exponent {
                    return DecimalStatus::Syntax;
                }
                have_exponent = true;
                have_sign = false;
                have_digits = false;
                if have_period {
                    post = length;
                } else {
                    pre = length;
                }
                length = 0;
            }
            '0'..='9' => {
                have_digits = true;
                length += 1;
            }
            _ => return DecimalStatus::Syntax,
        }
    }
    if have_exponent && !have_digits {
        return DecimalStatus::Syntax;
    }
    if have_exponent {
        exp = length;
    } else if have_period {
        post = length;
    } else {
        pre = length;
    }
    if exp > 4 || pre.saturating_add(post) > 18 {
        DecimalStatus::Range
    } else {
        DecimalStatus::Ok
    }
}
