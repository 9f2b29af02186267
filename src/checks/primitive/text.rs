//! Character classes (Java's, `Utilities`', the R4 regexes'), control and bi-di characters,
//! and embedded HTML in strings and markdown.

use super::*;

// ---------------------------------------------------------------------------
// Character classes

/// `Character.isWhitespace` (Java 11+).
pub(super) fn is_java_ws(c: char) -> bool {
    // printable ASCII, the usual character, first
    if (' '..'\u{7F}').contains(&c) {
        return c == ' ';
    }
    matches!(
        c,
        '\u{9}'..='\u{D}'
            | '\u{1C}'..='\u{20}'
            | '\u{1680}'
            | '\u{2000}'..='\u{2006}'
            | '\u{2008}'..='\u{200A}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{205F}'
            | '\u{3000}'
    )
}

/// `Utilities.isWhitespace`.
pub(super) fn is_util_ws(c: char) -> bool {
    if (' '..'\u{7F}').contains(&c) {
        return c == ' ';
    }
    matches!(
        c,
        '\u{9}'..='\u{D}'
            | ' '
            | '\u{85}'
            | '\u{A0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200A}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202F}'
            | '\u{205F}'
            | '\u{3000}'
    )
}

/// Java regex `\s` (no UNICODE_CHARACTER_CLASS).
pub(super) fn is_regex_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r')
}

/// `Utilities.trimWS`.
pub(super) fn trim_ws(s: &str) -> &str {
    s.trim_matches(is_util_ws)
}

pub(super) fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// `Utilities.escapeJson`.
pub(super) fn escape_json(s: &str) -> String {
    let mut b = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        match c {
            '\r' => b.push_str("\\r"),
            '\n' => b.push_str("\\n"),
            '\t' => b.push_str("\\t"),
            '"' => b.push_str("\\\""),
            '\\' => b.push_str("\\\\"),
            c if (c as u32) < 32 => b.push_str(&format!("\\u{:0>4}", c as u32)),
            c => b.push(c),
        }
    }
    b
}

/// `java.text.MessageFormat` rendering of an integer argument (grouping commas).
pub(super) fn java_group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

// ---------------------------------------------------------------------------
// Control / bi-di characters and embedded HTML

#[derive(Default)]
pub(super) struct Scan {
    /// A char < 0x20 other than CR, LF, TAB.
    pub(super) control: bool,
    /// A '<'.
    pub(super) lt: bool,
    /// A '\n' (Java counts it among the bi-di characters, as PARA).
    pub(super) newline: bool,
    /// A real bi-di control character.
    pub(super) bidi: bool,
}

impl Scan {
    pub(super) fn of(text: &str) -> Scan {
        let mut s = Scan::default();
        let mut maybe_bidi = false;
        // words of printable ASCII other than '<' hold nothing of interest
        let quiet = |w| !swar::has_below(w, 0x20) && !swar::has_byte(w, b'<') && !swar::has_high(w);
        swar::for_each_candidate(text.as_bytes(), quiet, |_, b| match b {
            b'\n' => s.newline = true,
            b'\t' | b'\r' => {}
            0..=0x1F => s.control = true,
            b'<' => s.lt = true,
            0xD8 | 0xE2 => maybe_bidi = true,
            _ => {}
        });
        if maybe_bidi {
            s.bidi = text.chars().any(|c| bidi_name(c).is_some() && c != '\n');
        }
        s
    }
}

pub(super) fn bidi_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{202A}' => "LRE",
        '\u{202B}' => "RLE",
        '\u{202C}' => "PDF",
        '\u{202D}' => "LRO",
        '\u{202E}' => "RLO",
        '\u{2066}' => "LRI",
        '\u{2067}' => "RLI",
        '\u{2068}' => "FSI",
        '\u{2069}' => "PDI",
        '\u{200E}' => "LRM",
        '\u{200F}' => "RLM",
        '\u{061C}' => "ALM",
        '\n' => "PARA",
        _ => return None,
    })
}

/// `UnicodeUtilities.replaceBiDiChars`.
pub(super) fn replace_bidi_chars(s: &str) -> String {
    let mut b = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match bidi_name(c) {
            Some(name) => {
                b.push('|');
                b.push_str(name);
                b.push('|');
            }
            None => b.push(c),
        }
    }
    b
}

/// `UnicodeUtilities.checkUnicodeWellFormed`: None when well formed.
pub(super) fn check_unicode_well_formed(s: &str) -> Option<String> {
    const EMBED: [char; 7] = [
        '\u{202A}', '\u{202B}', '\u{202D}', '\u{202E}', '\u{200E}', '\u{200F}', '\u{061C}',
    ];
    const ISOLATE: [char; 3] = ['\u{2066}', '\u{2067}', '\u{2068}'];
    let mut stack: Vec<(char, usize)> = Vec::new();
    let mut index = 0usize;
    for c in s.chars() {
        match c {
            '\n' => stack.clear(),
            '\u{202D}' | '\u{202E}' | '\u{2066}' | '\u{2067}' | '\u{2068}' | '\u{200E}'
            | '\u{200F}' | '\u{061C}' => stack.push((c, index)),
            '\u{202C}' if stack.last().is_some_and(|(t, _)| EMBED.contains(t)) => {
                stack.pop();
            }
            '\u{2069}' if stack.iter().any(|(t, _)| ISOLATE.contains(t)) => {
                while let Some(&(t, _)) = stack.last() {
                    if !(ISOLATE.contains(&t) || EMBED.contains(&t)) {
                        break;
                    }
                    stack.pop();
                    if ISOLATE.contains(&t) {
                        break;
                    }
                }
            }
            _ => {}
        }
        index += c.len_utf16();
    }
    let &(c, i) = stack.last()?;
    Some(format!(
        "Unicode Character {} at index {i} has no terminating match",
        bidi_name(c).unwrap_or("?")
    ))
}

/// The UNICODE_XML_BAD_CHARS warning, listing the characters in Java `HashSet` order.
pub(super) fn bad_chars_message(text: &str) -> String {
    let mut found: Vec<(String, u32)> = Vec::new();
    for c in text.chars() {
        let v = c as u32;
        if v < 32 && !matches!(c, '\r' | '\n' | '\t') {
            let hex = format!("{v:x}");
            if !found.iter().any(|(h, _)| *h == hex) {
                let hash = hex
                    .bytes()
                    .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
                found.push((hex, hash));
            }
        }
    }
    let cap: u32 = if found.len() > 24 {
        64
    } else if found.len() > 12 {
        32
    } else {
        16
    };
    found.sort_by_key(|&(_, h)| (h ^ (h >> 16)) & (cap - 1));
    let list = found
        .iter()
        .map(|(h, _)| h.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    if found.len() == 1 {
        format!(
            "This content includes the character [{list}] (hex value). This character is illegal in the XML version of FHIR, and there is generally no valid use for such characters"
        )
    } else {
        format!(
            "This content includes the characters [{list}] (hex values). These characters are illegal in the XML version of FHIR, and there is generally no valid use for such characters"
        )
    }
}

/// `HTMLUtilities.containsHtmlTags`: some `<x...>` followed later by another `<`,
/// where `x...` matches `[a-zA-Z]\w*(((\s+)(\S)*)*)`.
pub(super) fn contains_html_tags(text: &str) -> bool {
    let mut cnt = text;
    let mut i = cnt.find('<');
    while let Some(start) = i {
        cnt = cnt.get(start + 1..).unwrap_or("");
        i = cnt.find('<');
        if let (Some(e), Some(next)) = (cnt.find('>'), i)
            && e < next
            && is_html_fragment(cnt.get(..e).unwrap_or(""))
        {
            return true;
        }
    }
    false
}

pub(super) fn is_html_fragment(s: &str) -> bool {
    let b = s.as_bytes();
    if !b.first().is_some_and(u8::is_ascii_alphabetic) {
        return false;
    }
    let rest = b
        .iter()
        .skip(1)
        .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'));
    match rest {
        None => true,
        Some(p) => b.get(p + 1).copied().is_some_and(is_regex_ws),
    }
}

/// `MarkDownProcessor.preProcess` finds a `<` followed by a letter and not preceded
/// by `\`: returns the two characters Java quotes.
pub(super) fn markdown_html_start(text: &str) -> Option<String> {
    let mut prev: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '<'
            && prev != Some('\\')
            && let Some(&next) = chars.peek()
        {
            // Java looks at one UTF-16 unit: a supplementary char is a surrogate.
            if (next as u32) < 0x10000 && next.is_alphabetic() {
                return Some(format!("<{next}"));
            }
        }
        prev = Some(c);
    }
    None
}
