//! Java's character and string semantics the parser and the rules reproduce
//! (`Character.isWhitespace`, `String.trim`, `Integer.parseInt`, ...).

use super::*;

// ---------------------------------------------------------------------------
// Java character semantics and the allowed names

/// Long values quoted in messages are cut (a namespace declared once can be quoted by
/// every element below it).
pub(super) fn clip(s: &str) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(MAX_VALUE_IN_MESSAGE) {
        Some((k, _)) => std::borrow::Cow::Owned(format!("{}...", s.get(..k).unwrap_or(""))),
        None => std::borrow::Cow::Borrowed(s),
    }
}

/// `Character.isWhitespace`
pub(super) fn java_ws(c: char) -> bool {
    match c {
        '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r' | '\u{1C}'..='\u{1F}' => true,
        '\u{85}' | '\u{A0}' | '\u{2007}' | '\u{202F}' => false,
        _ => c.is_whitespace(),
    }
}

/// `Character.isLetterOrDigit(char)`; supplementary characters are surrogate pairs in
/// Java and never letters.
pub(super) fn java_letter_or_digit(c: char) -> bool {
    (c as u32) <= 0xFFFF && (c.is_alphabetic() || java_is_digit(c))
}

/// `Character.isDigit` (general category Nd), approximated
pub(super) fn java_is_digit(c: char) -> bool {
    c.is_ascii_digit()
        || (!c.is_ascii()
            && c.is_numeric()
            && !matches!(c,
                '\u{B2}' | '\u{B3}' | '\u{B9}' | '\u{BC}'..='\u{BE}' | '\u{9F4}'..='\u{9F9}'
                | '\u{2070}'..='\u{218F}' | '\u{2460}'..='\u{24FF}' | '\u{2776}'..='\u{2793}'
                | '\u{2CFD}' | '\u{3007}' | '\u{3021}'..='\u{3029}' | '\u{3038}'..='\u{303A}'
                | '\u{3192}'..='\u{3195}' | '\u{3220}'..='\u{3229}' | '\u{3248}'..='\u{324F}'
                | '\u{3251}'..='\u{325F}' | '\u{3280}'..='\u{3289}' | '\u{32B1}'..='\u{32BF}'))
}

pub(super) fn is_name_char(c: char) -> bool {
    java_letter_or_digit(c) || matches!(c, '_' | '-' | ':' | '.')
}

/// `String.trim()`
pub(super) fn java_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

/// `!StringUtils.isNotBlank`
pub(super) fn is_blank_ws(s: &str) -> bool {
    s.chars().all(java_ws)
}

/// `String.hashCode()`
pub(super) fn java_string_hash(s: &str) -> i32 {
    let mut h: i32 = 0;
    for u in s.encode_utf16() {
        h = h.wrapping_mul(31).wrapping_add(i32::from(u));
    }
    h
}

/// `Integer.parseInt(s, radix)` (ASCII digits)
pub(super) fn java_parse_int(s: &str, radix: u32) -> Option<i32> {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, s.get(1..)?),
        Some(b'+') => (false, s.get(1..)?),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let mut acc: i64 = 0;
    for ch in digits.chars() {
        let d = ch.to_digit(radix)?;
        acc = acc * i64::from(radix) + i64::from(d);
        if acc > 1 << 31 {
            return None;
        }
    }
    let v = if neg { -acc } else { acc };
    i32::try_from(v).ok()
}
