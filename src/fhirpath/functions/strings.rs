//! String functions: searching, slicing, case, regular expressions, splitting and joining,
//! and `encode()` / `decode()` / `escape()` / `unescape()`.

use super::*;

impl<'a> Evaluator<'a, '_> {
    /// String functions.
    pub(super) fn call_string(
        &mut self,
        func: &'a Func,
        mut argv: Vec<Coll<'a>>,
        input: Coll<'a>,
    ) -> Result<Coll<'a>, EvalError> {
        use Func::*;
        Ok(match func {
            IndexOf => {
                let Some(s) = self.input_str(&input, "indexOf")? else {
                    return Ok(Coll::new());
                };
                let Some(sub) = self.str_arg(&mut argv, 0, "indexOf")? else {
                    return Ok(Coll::new());
                };
                let r = match s.find(&*sub) {
                    Some(byte) => s
                        .get(..byte)
                        .map(|p| p.chars().count() as i64)
                        .unwrap_or(-1),
                    None => -1,
                };
                smallvec![Item::Int(r)]
            }
            Substring => {
                let Some(s) = self.input_str(&input, "substring")? else {
                    return Ok(Coll::new());
                };
                let start = take(&mut argv, 0);
                let Some(start) = self.single_int(&start, "substring")? else {
                    return Ok(Coll::new());
                };
                let len = if argv.len() > 1 {
                    let l = take(&mut argv, 1);
                    match self.single_int(&l, "substring")? {
                        Some(l) => Some(l),
                        None => return Ok(Coll::new()),
                    }
                } else {
                    None
                };
                let n = s.chars().count() as i64;
                if start < 0 || start >= n {
                    return Ok(Coll::new());
                }
                let take = len.map(|l| l.max(0)).unwrap_or(n).min(n - start);
                let r: String = s.chars().skip(start as usize).take(take as usize).collect();
                smallvec![Item::Str(Cow::Owned(r))]
            }
            StartsWith | EndsWith | Contains => {
                let Some(s) = self.input_str(&input, "startsWith/endsWith/contains")? else {
                    return Ok(Coll::new());
                };
                let Some(p) = self.str_arg(&mut argv, 0, "startsWith/endsWith/contains")? else {
                    return Ok(Coll::new());
                };
                b(match func {
                    StartsWith => s.starts_with(&*p),
                    EndsWith => s.ends_with(&*p),
                    _ => s.contains(&*p),
                })
            }
            Upper | Lower | Trim | Length | ToChars => {
                let Some(s) = self.input_str(&input, "string function")? else {
                    return Ok(Coll::new());
                };
                match func {
                    Upper => smallvec![Item::Str(Cow::Owned(s.to_uppercase()))],
                    Lower => smallvec![Item::Str(Cow::Owned(s.to_lowercase()))],
                    Trim => smallvec![Item::Str(Cow::Owned(s.trim().to_string()))],
                    Length => smallvec![Item::Int(s.chars().count() as i64)],
                    _ => s
                        .chars()
                        .map(|c| Item::Str(Cow::Owned(c.to_string())))
                        .collect(),
                }
            }
            Replace => {
                let Some(s) = self.input_str(&input, "replace")? else {
                    return Ok(Coll::new());
                };
                let (Some(p), Some(r)) = (
                    self.str_arg(&mut argv, 0, "replace")?,
                    self.str_arg(&mut argv, 1, "replace")?,
                ) else {
                    return Ok(Coll::new());
                };
                smallvec![Item::Str(Cow::Owned(s.replace(&*p, &r)))]
            }
            Matches(r) | MatchesFull(r) => {
                let Some(s) = self.input_str(&input, "matches")? else {
                    return Ok(Coll::new());
                };
                let Some(p) = self.str_arg(&mut argv, 0, "matches")? else {
                    return Ok(Coll::new());
                };
                let re = self.regex(r, &p, matches!(func, MatchesFull(_)))?;
                b(re.is_match(&s))
            }
            ReplaceMatches(r) => {
                let Some(s) = self.input_str(&input, "replaceMatches")? else {
                    return Ok(Coll::new());
                };
                let (Some(p), Some(sub)) = (
                    self.str_arg(&mut argv, 0, "replaceMatches")?,
                    self.str_arg(&mut argv, 1, "replaceMatches")?,
                ) else {
                    return Ok(Coll::new());
                };
                if p.is_empty() {
                    return Ok(smallvec![Item::Str(s)]);
                }
                let re = self.regex(r, &p, false)?;
                smallvec![Item::Str(Cow::Owned(
                    re.replace_all(&s, &*sub).into_owned(),
                ))]
            }
            Split => {
                let Some(s) = self.input_str(&input, "split")? else {
                    return Ok(Coll::new());
                };
                let Some(sep) = self.str_arg(&mut argv, 0, "split")? else {
                    return Ok(Coll::new());
                };
                if sep.is_empty() {
                    s.chars()
                        .map(|c| Item::Str(Cow::Owned(c.to_string())))
                        .collect()
                } else {
                    s.split(&*sep)
                        .map(|p| Item::Str(Cow::Owned(p.to_string())))
                        .collect()
                }
            }
            Join => {
                let sep = if argv.is_empty() {
                    Cow::Borrowed("")
                } else {
                    self.str_arg(&mut argv, 0, "join")?
                        .unwrap_or(Cow::Borrowed(""))
                };
                let mut parts = Vec::with_capacity(input.len());
                for it in &input {
                    if let Some(s) = self.str_of(it, "join")? {
                        parts.push(s.into_owned());
                    }
                }
                smallvec![Item::Str(Cow::Owned(parts.join(&sep)))]
            }
            Encode | Decode | Escape | Unescape => {
                let Some(s) = self.input_str(&input, "encode/decode")? else {
                    return Ok(Coll::new());
                };
                let Some(kind) = self.str_arg(&mut argv, 0, "encode/decode")? else {
                    return Ok(Coll::new());
                };
                let r = match func {
                    Encode => encode(&s, &kind),
                    Decode => decode(&s, &kind),
                    Escape => escape(&s, &kind),
                    _ => unescape(&s, &kind),
                };
                opt(r.map(|x| Item::Str(Cow::Owned(x))))
            }
            _ => return err(format!("internal: {func:?} is not a string function")),
        })
    }
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn encode(s: &str, kind: &str) -> Option<String> {
    let bytes = s.as_bytes();
    match kind {
        "hex" => Some(bytes.iter().map(|b| format!("{b:02x}")).collect()),
        "base64" | "urlbase64" => {
            let mut out = String::new();
            for chunk in bytes.chunks(3) {
                let b0 = chunk.first().copied().unwrap_or(0) as u32;
                let b1 = chunk.get(1).copied().unwrap_or(0) as u32;
                let b2 = chunk.get(2).copied().unwrap_or(0) as u32;
                let n = (b0 << 16) | (b1 << 8) | b2;
                for i in 0..4 {
                    if i <= chunk.len() {
                        let c = B64
                            .get(((n >> (18 - 6 * i)) & 63) as usize)
                            .copied()
                            .unwrap_or(b'A');
                        out.push(c as char);
                    } else {
                        out.push('=');
                    }
                }
            }
            if kind == "urlbase64" {
                out = out.replace('+', "-").replace('/', "_");
            }
            Some(out)
        }
        _ => None,
    }
}

fn decode(s: &str, kind: &str) -> Option<String> {
    match kind {
        "hex" => {
            if !s.len().is_multiple_of(2) {
                return None;
            }
            let bytes: Option<Vec<u8>> = (0..s.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
                .collect();
            String::from_utf8(bytes?).ok()
        }
        "base64" | "urlbase64" => {
            let mut out = Vec::new();
            let mut acc = 0u32;
            let mut bits = 0;
            for c in s.bytes() {
                let v = match c {
                    b'A'..=b'Z' => c - b'A',
                    b'a'..=b'z' => c - b'a' + 26,
                    b'0'..=b'9' => c - b'0' + 52,
                    b'+' | b'-' => 62,
                    b'/' | b'_' => 63,
                    b'=' => break,
                    _ => return None,
                } as u32;
                acc = (acc << 6) | v;
                bits += 6;
                if bits >= 8 {
                    bits -= 8;
                    out.push((acc >> bits) as u8);
                    acc &= (1 << bits) - 1;
                }
            }
            String::from_utf8(out).ok()
        }
        _ => None,
    }
}

fn escape(s: &str, kind: &str) -> Option<String> {
    match kind {
        "html" => Some(
            s.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
                .replace('\'', "&#39;"),
        ),
        "json" => {
            let mut out = String::new();
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    c => out.push(c),
                }
            }
            Some(out)
        }
        _ => None,
    }
}

fn unescape(s: &str, kind: &str) -> Option<String> {
    match kind {
        "html" => Some(
            s.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&apos;", "'")
                .replace("&amp;", "&"),
        ),
        "json" => {
            let mut out = String::new();
            let mut it = s.chars();
            while let Some(c) = it.next() {
                if c == '\\' {
                    match it.next() {
                        Some('n') => out.push('\n'),
                        Some('r') => out.push('\r'),
                        Some('t') => out.push('\t'),
                        Some(o) => out.push(o),
                        None => out.push('\\'),
                    }
                } else {
                    out.push(c);
                }
            }
            Some(out)
        }
        _ => None,
    }
}
