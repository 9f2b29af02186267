//! Tokenizer for FHIRPath expressions.

use super::ParseError;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// Plain identifier (may be a keyword such as `and`, `true`, `is`).
    Ident(String),
    /// Backtick-delimited identifier.
    DelimIdent(String),
    Str(String),
    /// Number text and whether it has a fractional part.
    Num(String, bool),
    /// `@…` date/time literal text without the `@`.
    DateTime(String),
    /// `$this`, `$index`, `$total`
    Dollar(String),
    /// `%name`, ``%`name` ``, `%'name'`
    Percent(String),
    Punct(&'static str),
    Eof,
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub tok: Tok,
    pub pos: usize,
}

fn err(message: impl Into<String>, position: usize) -> ParseError {
    ParseError {
        message: message.into(),
        position,
    }
}

const PUNCTS: [&str; 22] = [
    "<=", ">=", "!=", "!~", ".", ",", "(", ")", "[", "]", "{", "}", "+", "-", "*", "/", "&", "|",
    "=", "~", "<", ">",
];

pub(crate) fn tokenize(src: &str) -> Result<Vec<Token>, ParseError> {
    let b = src.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    while i < b.len() {
        let c = b.get(i).copied().unwrap_or(0);
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b.get(i) != Some(&b'\n') {
                i += 1;
            }
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'*') {
            let start = i;
            i += 2;
            loop {
                if i + 1 >= b.len() {
                    return Err(err("unterminated comment", start));
                }
                if b.get(i) == Some(&b'*') && b.get(i + 1) == Some(&b'/') {
                    i += 2;
                    break;
                }
                i += 1;
            }
            continue;
        }
        let start = i;
        let tok = if c.is_ascii_alphabetic() || c == b'_' {
            while b
                .get(i)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
            {
                i += 1;
            }
            Tok::Ident(src.get(start..i).unwrap_or_default().to_string())
        } else if c == b'`' {
            let (s, n) = quoted(src, i, b'`')?;
            i = n;
            Tok::DelimIdent(s)
        } else if c == b'\'' {
            let (s, n) = quoted(src, i, b'\'')?;
            i = n;
            Tok::Str(s)
        } else if c.is_ascii_digit() {
            while b.get(i).is_some_and(|c| c.is_ascii_digit()) {
                i += 1;
            }
            let mut dec = false;
            if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(|c| c.is_ascii_digit()) {
                dec = true;
                i += 1;
                while b.get(i).is_some_and(|c| c.is_ascii_digit()) {
                    i += 1;
                }
            }
            // 'L' suffix (Long) is accepted as an integer.
            let text = src.get(start..i).unwrap_or_default().to_string();
            if b.get(i) == Some(&b'L')
                && !b.get(i + 1).is_some_and(|c| c.is_ascii_alphanumeric())
                && !dec
            {
                i += 1;
            }
            Tok::Num(text, dec)
        } else if c == b'@' {
            i += 1;
            // date/time characters: digits - : T . + Z (a '.' only when followed by a digit)
            while let Some(&d) = b.get(i) {
                let ok = d.is_ascii_digit()
                    || d == b'-'
                    || d == b':'
                    || d == b'T'
                    || d == b'Z'
                    || d == b'+'
                    || (d == b'.'
                        && b.get(i + 1).is_some_and(|c| c.is_ascii_digit())
                        && i > start + 1);
                if !ok {
                    break;
                }
                i += 1;
            }
            Tok::DateTime(src.get(start + 1..i).unwrap_or_default().to_string())
        } else if c == b'$' {
            i += 1;
            while b
                .get(i)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
            {
                i += 1;
            }
            Tok::Dollar(src.get(start + 1..i).unwrap_or_default().to_string())
        } else if c == b'%' {
            i += 1;
            match b.get(i) {
                Some(b'`') => {
                    let (s, n) = quoted(src, i, b'`')?;
                    i = n;
                    Tok::Percent(s)
                }
                Some(b'\'') => {
                    let (s, n) = quoted(src, i, b'\'')?;
                    i = n;
                    Tok::Percent(s)
                }
                _ => {
                    let s0 = i;
                    while b
                        .get(i)
                        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
                    {
                        i += 1;
                    }
                    if i == s0 {
                        return Err(err("expected a variable name after '%'", start));
                    }
                    Tok::Percent(src.get(s0..i).unwrap_or_default().to_string())
                }
            }
        } else {
            let rest = src.get(i..).unwrap_or_default();
            match PUNCTS.iter().find(|p| rest.starts_with(**p)) {
                Some(p) => {
                    i += p.len();
                    Tok::Punct(p)
                }
                None => {
                    let ch = rest.chars().next().unwrap_or('?');
                    return Err(err(format!("unexpected character '{ch}'"), start));
                }
            }
        };
        out.push(Token { tok, pos: start });
    }
    out.push(Token {
        tok: Tok::Eof,
        pos: src.len(),
    });
    Ok(out)
}

/// Reads a quoted string starting at `start` (the quote); returns the unescaped text and the index after it.
fn quoted(src: &str, start: usize, q: u8) -> Result<(String, usize), ParseError> {
    let mut out = String::new();
    let mut chars = src.get(start + 1..).unwrap_or_default().char_indices();
    while let Some((off, ch)) = chars.next() {
        let pos = start + 1 + off;
        if ch as u32 == q as u32 {
            return Ok((out, pos + 1));
        }
        if ch != '\\' {
            out.push(ch);
            continue;
        }
        let Some((_, e)) = chars.next() else {
            break;
        };
        match e {
            '\'' | '"' | '`' | '\\' | '/' => out.push(e),
            'f' => out.push('\u{000C}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'u' => {
                let mut v = 0u32;
                for _ in 0..4 {
                    let d = chars
                        .next()
                        .and_then(|(_, h)| h.to_digit(16))
                        .ok_or_else(|| err("invalid \\u escape", pos))?;
                    v = v * 16 + d;
                }
                out.push(char::from_u32(v).unwrap_or('\u{FFFD}'));
            }
            other => {
                // Unknown escapes are kept literally (lenient, as most engines are).
                out.push('\\');
                out.push(other);
            }
        }
    }
    Err(err("unterminated string or identifier", start))
}
