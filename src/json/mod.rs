//! A small, strict, position-tracking JSON parser (RFC 8259).
//!
//! # Why not `serde_json`?
//!
//! `serde_json` gives no source positions for values, but the validator must
//! report a line/column for every issue it finds. It also needs control that
//! `serde_json` does not offer:
//!
//! * **Limits** – nesting depth, total input size and single-string size are
//!   bounded ([`Limits`]), so hostile input cannot exhaust the stack or memory.
//!   The parser is iterative (explicit stack), so it never recurses on input.
//! * **Duplicate keys** – every member is kept, in document order, so the
//!   validator can report duplicates instead of silently keeping the last.
//! * **Decimal text** – numbers are validated against the JSON grammar but
//!   kept as their raw source text ([`Value::Number`]); no `f64` conversion,
//!   so FHIR `decimal` precision (`1.50` vs `1.5`) and huge integers survive.
//!
//! Offsets are byte offsets into the original input (a leading UTF-8 BOM is
//! skipped but still counted, so offsets always index the caller's buffer).
//! Convert them to 1-based line/column with [`line_cols`] (or [`line_col`]), only once
//! issues actually have to be reported: it scans the text once for all of them.
//!
//! Strings borrow from the input when they contain no escapes. A `\u` escape
//! that encodes a lone (unpaired) UTF-16 surrogate is replaced with U+FFFD
//! REPLACEMENT CHARACTER, so decoded strings are always valid UTF-8;
//! [`lone_surrogates`] finds such escapes in a string's source again (the
//! validator warns about them: the value validated is not the value sent).
//!
//! The parser never panics on any input: it uses no `unwrap`/`expect` and no
//! panicking slice indexing (enforced by the clippy lints below).
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::borrow::Cow;

/// Resource limits applied while parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Maximum nesting depth of arrays/objects (a top-level `[]` is depth 1).
    pub max_depth: usize,
    /// Maximum input size in bytes (including any BOM).
    pub max_size: usize,
    /// Maximum length in bytes of a single string or key, measured on the
    /// raw source text between the quotes.
    pub max_string: usize,
    /// Accept `//` and `/* */` comments as white space (JSON5-style leniency; off by default,
    /// when a comment is an error).
    pub allow_comments: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 256,
            max_size: 256 * 1024 * 1024,
            max_string: 64 * 1024 * 1024,
            allow_comments: false,
        }
    }
}

/// A parsed JSON value.
#[derive(Debug, Clone)]
pub enum Value<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// Raw number text exactly as written (already validated).
    Number(&'a str),
    /// Unescaped string; `Borrowed` when the source had no escapes.
    String(Cow<'a, str>),
    /// Elements in order.
    Array(Vec<Node<'a>>),
    /// Members in document order; duplicate keys are kept.
    Object(Vec<Member<'a>>),
}

/// A value together with its source position.
#[derive(Debug, Clone)]
pub struct Node<'a> {
    /// The value.
    pub value: Value<'a>,
    /// Byte offset of the first character of the value.
    pub offset: u32,
}

/// A node's identity within its parsed document: the byte offset where its value starts.
///
/// Within one document no two nodes start at the same byte: a value's first character belongs
/// to it alone (an object's or array's children start after its `{` or `[`, a member's value
/// after its key and colon), every node comes from the parser (nothing else builds one), and an
/// input over 4 GiB is rejected before parsing, so offsets never saturate. Caches over one
/// walked document key nodes by it instead of their addresses. Ids of nodes of different
/// documents (NDJSON lines, a definition parsed from the profile set) are not comparable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(u32);

impl NodeId {
    /// An id no node has, for "no node" in a key (cheaper to hash than an `Option`): offsets
    /// stay below `u32::MAX`, since an input of over `u32::MAX` bytes is rejected.
    pub const NONE: NodeId = NodeId(u32::MAX);
}

impl Node<'_> {
    /// This node's identity within its document ([`NodeId`]).
    pub fn id(&self) -> NodeId {
        NodeId(self.offset)
    }
}

/// One `"key": value` member of an object.
#[derive(Debug, Clone)]
pub struct Member<'a> {
    /// The key, unescaped.
    pub key: Cow<'a, str>,
    /// Byte offset of the opening quote of the key.
    pub key_offset: u32,
    /// The value.
    pub value: Node<'a>,
}

/// The four hex digits at `at`, as a number.
fn hex4(bytes: &[u8], at: usize) -> Option<u32> {
    let digits = bytes.get(at..at + 4)?;
    digits.iter().try_fold(0u32, |acc, &d| {
        let v = (d as char).to_digit(16)?;
        Some(acc << 4 | v)
    })
}

/// The `\u` escapes of unpaired UTF-16 surrogates (`\ud800`) in the JSON string literal
/// whose opening quote is at byte `open` of `text`, as written: what the parser replaced
/// with U+FFFD. Empty when there is none (or no string literal at `open`).
pub fn lone_surrogates(text: &str, open: u32) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = open as usize;
    if bytes.get(i) != Some(&b'"') {
        return found;
    }
    i += 1;
    let is_u = |at: usize| bytes.get(at) == Some(&b'\\') && bytes.get(at + 1) == Some(&b'u');
    loop {
        match bytes.get(i) {
            None | Some(b'"') => return found,
            Some(b'\\') if is_u(i) => {
                let cp = hex4(bytes, i + 2);
                let paired = cp.is_some_and(|c| (0xD800..0xDC00).contains(&c))
                    && is_u(i + 6)
                    && hex4(bytes, i + 8).is_some_and(|lo| (0xDC00..0xE000).contains(&lo));
                if paired {
                    i += 12;
                    continue;
                }
                if cp.is_some_and(|c| (0xD800..0xE000).contains(&c))
                    && let Some(escape) = text.get(i..i + 6)
                {
                    found.push(escape);
                }
                i += 6;
            }
            Some(b'\\') => i += 2,
            Some(_) => i += 1,
        }
    }
}

/// A syntax or limit error, with the byte offset where it was detected.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    /// What is wrong.
    pub message: String,
    /// Byte offset where it was found.
    pub offset: u32,
}

impl ParseError {
    fn new(message: impl Into<String>, offset: usize) -> Self {
        ParseError {
            message: message.into(),
            offset: to_u32(offset),
        }
    }
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.offset)
    }
}

impl std::error::Error for ParseError {}

impl<'a> Value<'a> {
    /// The string content, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The members, if this is an object.
    pub fn as_object(&self) -> Option<&[Member<'a>]> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The elements, if this is an array.
    pub fn as_array(&self) -> Option<&[Node<'a>]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// JSON type name: "null", "boolean", "number", "string", "array", "object".
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }
}

impl<'a> Node<'a> {
    /// First member with this key; `None` if absent or not an object.
    pub fn get(&self, key: &str) -> Option<&Node<'a>> {
        self.value
            .as_object()?
            .iter()
            .find(|m| m.key == key)
            .map(|m| &m.value)
    }
}

/// Parses a complete JSON document. A leading BOM (U+FEFF) is skipped.
pub fn parse<'a>(input: &'a str, limits: &Limits) -> Result<Node<'a>, ParseError> {
    check_size(input.len(), limits)?;
    let start = if input.starts_with('\u{FEFF}') { 3 } else { 0 };
    Parser {
        src: input,
        bytes: input.as_bytes(),
        pos: start,
        max_depth: limits.max_depth,
        max_string: limits.max_string,
        allow_comments: limits.allow_comments,
    }
    .run()
}

/// Bytes entry point: strips a UTF-8 BOM, rejects invalid UTF-8 with the
/// offset of the first bad byte, rejects empty/whitespace-only input
/// ("empty input"), enforces `max_size`, then [`parse`].
///
/// The size limit is checked first (before UTF-8 validation). Offsets are
/// relative to `input` itself, i.e. they include the BOM if present.
pub fn parse_bytes<'a>(input: &'a [u8], limits: &Limits) -> Result<Node<'a>, ParseError> {
    parse(utf8_text(input, limits)?, limits)
}

/// The input as text, if it is within the size limit and UTF-8 (what [`parse_bytes`] checks
/// before parsing; for callers that need the text as well as the tree).
pub fn utf8_text<'a>(input: &'a [u8], limits: &Limits) -> Result<&'a str, ParseError> {
    check_size(input.len(), limits)?;
    std::str::from_utf8(input).map_err(|e| {
        let at = e.valid_up_to();
        let message = match (e.error_len(), input.get(at)) {
            (Some(_), Some(b)) => format!("invalid UTF-8: unexpected byte 0x{b:02X}"),
            _ => "invalid UTF-8: truncated multi-byte sequence at end of input".to_string(),
        };
        ParseError::new(message, at)
    })
}

fn check_size(len: usize, limits: &Limits) -> Result<(), ParseError> {
    if len > limits.max_size {
        return Err(ParseError::new(
            format!(
                "input size {len} bytes exceeds limit of {} bytes",
                limits.max_size
            ),
            0,
        ));
    }
    if u32::try_from(len).is_err() {
        return Err(ParseError::new(
            "input larger than 4 GiB is not supported",
            0,
        ));
    }
    Ok(())
}

/// Saturating conversion; inputs over `u32::MAX` bytes are rejected up front.
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// An open container. Its items (members) so far are on the parser's shared item (member)
/// stack from `start`: each container then gets one allocation of its exact size when closed.
enum Frame<'a> {
    Array {
        start: usize,
        offset: u32,
    },
    Object {
        start: usize,
        offset: u32,
        /// Key of the member whose value is currently being parsed.
        key: Cow<'a, str>,
        key_offset: u32,
    },
}

fn unterminated(frame: &Frame<'_>) -> ParseError {
    match frame {
        Frame::Array { offset, .. } => ParseError {
            message: "unterminated array: missing ']'".to_string(),
            offset: *offset,
        },
        Frame::Object { offset, .. } => unterminated_object(*offset),
    }
}

fn unterminated_object(offset: u32) -> ParseError {
    ParseError {
        message: "unterminated object: missing '}'".to_string(),
        offset,
    }
}

struct Parser<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    max_depth: usize,
    max_string: usize,
    allow_comments: bool,
}

impl<'a> Parser<'a> {
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    #[inline(always)]
    fn skip_ws(&mut self) {
        while let Some(&c) = self.bytes.get(self.pos) {
            match c {
                b' ' => self.skip_spaces(),
                b'\n' | b'\r' | b'\t' => self.pos += 1,
                b'/' if self.allow_comments && self.skip_comment() => {}
                _ => break,
            }
        }
    }

    /// Skips the run of spaces at `pos` 8 bytes at a time: pretty-printed JSON is a third
    /// indentation, which a byte at a time costs more than all its strings.
    #[inline(always)]
    fn skip_spaces(&mut self) {
        const SPACES: u64 = 0x2020_2020_2020_2020;
        while let Some(word) = self
            .bytes
            .get(self.pos..)
            .and_then(<[u8]>::first_chunk::<8>)
        {
            let other = u64::from_le_bytes(*word) ^ SPACES;
            if other != 0 {
                // the first byte that is not a space (little-endian: the lowest nonzero byte)
                self.pos += (other.trailing_zeros() / 8) as usize;
                return;
            }
            self.pos += 8;
        }
        while self.bytes.get(self.pos) == Some(&b' ') {
            self.pos += 1;
        }
    }

    /// Skip one comment at `pos`; false if there is none (or it is unterminated, which the
    /// caller then reports as an unexpected character).
    fn skip_comment(&mut self) -> bool {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        if rest.starts_with(b"//") {
            let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
            self.pos += end;
            true
        } else if rest.starts_with(b"/*") {
            match rest.windows(2).skip(2).position(|w| w == b"*/") {
                Some(i) => {
                    self.pos += i + 4;
                    true
                }
                None => false,
            }
        } else {
            false
        }
    }

    fn run(mut self) -> Result<Node<'a>, ParseError> {
        self.skip_ws();
        if self.peek().is_none() {
            return Err(ParseError::new("empty input", 0));
        }
        let mut stack: Vec<Frame<'a>> = Vec::new();
        let mut items: Vec<Node<'a>> = Vec::new();
        let mut members: Vec<Member<'a>> = Vec::new();
        'value: loop {
            // Here `pos` is at the first byte of a value (whitespace skipped).
            let start = self.pos;
            let offset = to_u32(start);
            let mut node = match self.peek() {
                None => {
                    return Err(match stack.last() {
                        Some(frame) => unterminated(frame),
                        None => ParseError::new("unexpected end of input", start),
                    });
                }
                Some(b'[') => {
                    self.check_depth(stack.len())?;
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        Node {
                            value: Value::Array(Vec::new()),
                            offset,
                        }
                    } else {
                        stack.push(Frame::Array {
                            start: items.len(),
                            offset,
                        });
                        continue 'value;
                    }
                }
                Some(b'{') => {
                    self.check_depth(stack.len())?;
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                        Node {
                            value: Value::Object(Vec::new()),
                            offset,
                        }
                    } else {
                        let (key, key_offset) = self.parse_key(offset)?;
                        stack.push(Frame::Object {
                            start: members.len(),
                            offset,
                            key,
                            key_offset,
                        });
                        continue 'value;
                    }
                }
                Some(b'"') => Node {
                    value: Value::String(self.parse_string()?),
                    offset,
                },
                Some(b'-' | b'0'..=b'9') => self.parse_number()?,
                Some(_) => self.parse_literal()?,
            };

            // Attach the finished node to its parent, closing containers.
            loop {
                let Some(frame) = stack.last_mut() else {
                    self.skip_ws();
                    return match self.peek() {
                        None => Ok(node),
                        Some(b'/') => Err(self.comment_error()),
                        Some(_) => Err(ParseError::new(
                            format!(
                                "unexpected {} after the JSON value (trailing content)",
                                self.describe(self.pos)
                            ),
                            self.pos,
                        )),
                    };
                };
                match frame {
                    Frame::Array { .. } => {
                        items.push(node);
                        self.skip_ws();
                        match self.peek() {
                            Some(b',') => {
                                let comma = self.pos;
                                self.pos += 1;
                                self.skip_ws();
                                if self.peek() == Some(b']') {
                                    return Err(ParseError::new(
                                        "trailing comma before ']' is not allowed",
                                        comma,
                                    ));
                                }
                                continue 'value;
                            }
                            Some(b']') => self.pos += 1,
                            Some(b'/') => return Err(self.comment_error()),
                            Some(_) => {
                                return Err(ParseError::new(
                                    format!(
                                        "expected ',' or ']' after array element but found {}",
                                        self.describe(self.pos)
                                    ),
                                    self.pos,
                                ));
                            }
                            None => return Err(unterminated(frame)),
                        }
                    }
                    Frame::Object {
                        offset,
                        key,
                        key_offset,
                        ..
                    } => {
                        members.push(Member {
                            key: std::mem::take(key),
                            key_offset: *key_offset,
                            value: node,
                        });
                        self.skip_ws();
                        match self.peek() {
                            Some(b',') => {
                                let comma = self.pos;
                                self.pos += 1;
                                self.skip_ws();
                                if self.peek() == Some(b'}') {
                                    return Err(ParseError::new(
                                        "trailing comma before '}' is not allowed",
                                        comma,
                                    ));
                                }
                                let (k, ko) = self.parse_key(*offset)?;
                                *key = k;
                                *key_offset = ko;
                                continue 'value;
                            }
                            Some(b'}') => self.pos += 1,
                            Some(b'/') => return Err(self.comment_error()),
                            Some(_) => {
                                return Err(ParseError::new(
                                    format!(
                                        "expected ',' or '}}' after object member but found {}",
                                        self.describe(self.pos)
                                    ),
                                    self.pos,
                                ));
                            }
                            None => return Err(unterminated_object(*offset)),
                        }
                    }
                }
                // The innermost container was just closed: pop it.
                // (`split_off`: one allocation of the exact size and one copy)
                node = match stack.pop() {
                    Some(Frame::Array { start, offset }) => Node {
                        value: Value::Array(items.split_off(start.min(items.len()))),
                        offset,
                    },
                    Some(Frame::Object { start, offset, .. }) => Node {
                        value: Value::Object(members.split_off(start.min(members.len()))),
                        offset,
                    },
                    None => return Err(ParseError::new("internal parser error", self.pos)),
                };
            }
        }
    }

    fn check_depth(&self, open: usize) -> Result<(), ParseError> {
        if open >= self.max_depth {
            return Err(ParseError::new(
                format!("nesting depth exceeds {}", self.max_depth),
                self.pos,
            ));
        }
        Ok(())
    }

    /// Parses `"key"` `:` at `pos` (whitespace already skipped) and skips the
    /// whitespace after the colon. `obj` is the offset of the enclosing `{`.
    fn parse_key(&mut self, obj: u32) -> Result<(Cow<'a, str>, u32), ParseError> {
        let at = self.pos;
        match self.peek() {
            Some(b'"') => {}
            None => return Err(unterminated_object(obj)),
            Some(b'/') => return Err(self.comment_error()),
            Some(b'\'') => return Err(self.single_quote_error()),
            Some(c) if c.is_ascii_alphabetic() || c == b'_' || c == b'$' => {
                return Err(ParseError::new(
                    format!(
                        "unquoted object key '{}'; keys must be double-quoted strings",
                        self.word(at)
                    ),
                    at,
                ));
            }
            Some(_) => {
                return Err(ParseError::new(
                    format!(
                        "expected a double-quoted object key but found {}",
                        self.describe(at)
                    ),
                    at,
                ));
            }
        }
        let key = self.parse_string()?;
        self.skip_ws();
        match self.peek() {
            Some(b':') => self.pos += 1,
            None => return Err(unterminated_object(obj)),
            Some(b'/') => return Err(self.comment_error()),
            Some(_) => {
                return Err(ParseError::new(
                    format!(
                        "expected ':' after object key but found {}",
                        self.describe(self.pos)
                    ),
                    self.pos,
                ));
            }
        }
        self.skip_ws();
        Ok((key, to_u32(at)))
    }

    /// Parses a string whose opening quote is at `pos`. The common case, no escape, is
    /// inlined into the callers; the rest is [`Parser::parse_string_escaped`].
    #[inline(always)]
    fn parse_string(&mut self) -> Result<Cow<'a, str>, ParseError> {
        let open = self.pos;
        let start = open + 1;
        let i = scan_plain(self.bytes, start);
        if self.bytes.get(i) == Some(&b'"')
            && i - start <= self.max_string
            && let Some(s) = self.src.get(start..i)
        {
            self.pos = i + 1;
            return Ok(Cow::Borrowed(s));
        }
        self.parse_string_escaped(open, i)
    }

    /// [`Parser::parse_string`] of a string with escapes (or an error): `i` is the first
    /// byte after the opening quote at `open` that is a quote, a backslash or a control
    /// character.
    #[inline(never)]
    fn parse_string_escaped(
        &mut self,
        open: usize,
        mut i: usize,
    ) -> Result<Cow<'a, str>, ParseError> {
        let start = open + 1;
        if self.bytes.get(i) == Some(&b'"') {
            // only here when over the length limit
            self.check_string_len(open, i)?;
        }
        let mut out = String::new();
        let mut run = start;
        loop {
            match self.bytes.get(i).copied() {
                Some(b'"') => {
                    self.check_string_len(open, i)?;
                    self.push_run(&mut out, run, i)?;
                    self.pos = i + 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    self.check_string_len(open, i)?;
                    if out.capacity() == 0 {
                        out.reserve(i - start + 16);
                    }
                    self.push_run(&mut out, run, i)?;
                    i = self.unescape(open, i, &mut out)?;
                    run = i;
                }
                Some(c) => return Err(control_char_error(c, i)),
                None => {
                    return Err(ParseError::new("unterminated string: missing '\"'", open));
                }
            }
            i = scan_plain(self.bytes, i);
        }
    }

    fn check_string_len(&self, open: usize, end: usize) -> Result<(), ParseError> {
        let len = end - open - 1;
        if len > self.max_string {
            return Err(ParseError::new(
                format!("string exceeds limit of {} bytes", self.max_string),
                open,
            ));
        }
        Ok(())
    }

    #[inline]
    fn push_run(&self, out: &mut String, from: usize, to: usize) -> Result<(), ParseError> {
        match self.src.get(from..to) {
            Some(s) => {
                out.push_str(s);
                Ok(())
            }
            None => Err(ParseError::new("internal parser error", from)),
        }
    }

    /// Decodes the escape whose backslash is at `at`; returns the index just
    /// past it. `open` is the offset of the string's opening quote.
    fn unescape(&self, open: usize, at: usize, out: &mut String) -> Result<usize, ParseError> {
        let c = match self.bytes.get(at + 1).copied() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let Some(cp) = self.hex4(at + 2) else {
                    return Err(ParseError::new(
                        "invalid \\u escape: expected 4 hex digits",
                        at,
                    ));
                };
                if (0xD800..0xDC00).contains(&cp) {
                    // High surrogate: combine with a following low surrogate.
                    let next = at + 6;
                    if self.bytes.get(next) == Some(&b'\\')
                        && self.bytes.get(next + 1) == Some(&b'u')
                        && let Some(lo) = self.hex4(next + 2)
                        && (0xDC00..0xE000).contains(&lo)
                    {
                        let cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                        out.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
                        return Ok(next + 6);
                    }
                    // Lone high surrogate.
                    out.push('\u{FFFD}');
                    return Ok(at + 6);
                }
                // Lone low surrogates also map to U+FFFD.
                out.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
                return Ok(at + 6);
            }
            None => return Err(ParseError::new("unterminated string: missing '\"'", open)),
            Some(_) => {
                let shown = self
                    .src
                    .get(at + 1..)
                    .and_then(|s| s.chars().next())
                    .map_or_else(String::new, |c| c.escape_debug().to_string());
                return Err(ParseError::new(
                    format!("invalid escape sequence '\\{shown}'"),
                    at,
                ));
            }
        };
        out.push(c);
        Ok(at + 2)
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        hex4(self.bytes, at)
    }

    /// Parses a number starting at `pos` (a `-` or a digit).
    fn parse_number(&mut self) -> Result<Node<'a>, ParseError> {
        let start = self.pos;
        let b = self.bytes;
        let digit = |i: usize| matches!(b.get(i), Some(b'0'..=b'9'));
        let mut i = start;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match b.get(i) {
            Some(b'0') => {
                i += 1;
                if digit(i) {
                    return Err(ParseError::new(
                        "invalid number: leading zeros are not allowed",
                        start,
                    ));
                }
            }
            Some(b'1'..=b'9') => {
                i += 1;
                while digit(i) {
                    i += 1;
                }
            }
            Some(b'I' | b'N') => return Err(nan_error(start)),
            _ => {
                return Err(ParseError::new(
                    "invalid number: expected a digit after '-'",
                    i,
                ));
            }
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            if !digit(i) {
                return Err(ParseError::new(
                    "invalid number: expected a digit after the decimal point",
                    i,
                ));
            }
            while digit(i) {
                i += 1;
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if !digit(i) {
                return Err(ParseError::new(
                    "invalid number: expected a digit in the exponent",
                    i,
                ));
            }
            while digit(i) {
                i += 1;
            }
        }
        self.pos = i;
        match self.src.get(start..i) {
            Some(text) => Ok(Node {
                value: Value::Number(text),
                offset: to_u32(start),
            }),
            None => Err(ParseError::new("internal parser error", start)),
        }
    }

    /// Parses `true`/`false`/`null` at `pos`, or reports what is there.
    fn parse_literal(&mut self) -> Result<Node<'a>, ParseError> {
        let start = self.pos;
        let value = match self.peek() {
            Some(b'/') => return Err(self.comment_error()),
            Some(b'\'') => return Err(self.single_quote_error()),
            Some(b'+') => {
                return Err(ParseError::new(
                    "invalid number: a leading '+' is not allowed",
                    start,
                ));
            }
            Some(b'.') => {
                return Err(ParseError::new(
                    "invalid number: expected a digit before the decimal point",
                    start,
                ));
            }
            Some(c) if c.is_ascii_alphabetic() => match self.word(start) {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                "null" => Value::Null,
                "NaN" | "Infinity" => return Err(nan_error(start)),
                w @ ("True" | "TRUE" | "False" | "FALSE" | "Null" | "NULL" | "None") => {
                    return Err(ParseError::new(
                        format!(
                            "invalid literal '{w}'; JSON literals are lowercase true, false and null"
                        ),
                        start,
                    ));
                }
                w => {
                    return Err(ParseError::new(
                        format!(
                            "unexpected token '{w}'; expected a JSON value (strings must be double-quoted)"
                        ),
                        start,
                    ));
                }
            },
            _ => {
                return Err(ParseError::new(
                    format!("expected a JSON value but found {}", self.describe(start)),
                    start,
                ));
            }
        };
        self.pos = start + self.word(start).len();
        Ok(Node {
            value,
            offset: to_u32(start),
        })
    }

    /// The identifier-like word starting at `at` (capped at 40 bytes).
    fn word(&self, at: usize) -> &'a str {
        let rest = self.bytes.get(at..).unwrap_or_default();
        let len = rest
            .iter()
            .take(40)
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_' || **c == b'$')
            .count();
        self.src.get(at..at + len).unwrap_or_default()
    }

    /// Human-readable description of the character at `at`.
    fn describe(&self, at: usize) -> String {
        match self.src.get(at..).and_then(|s| s.chars().next()) {
            None => "end of input".to_string(),
            Some(c) if c.is_control() || c.is_whitespace() => {
                format!("character U+{:04X}", c as u32)
            }
            Some(c) => format!("'{c}'"),
        }
    }

    fn comment_error(&self) -> ParseError {
        if self.allow_comments {
            // comments are white space here: this one is unterminated, or a lone '/'
            let rest = self.bytes.get(self.pos..).unwrap_or_default();
            let message = if rest.starts_with(b"/*") {
                "unterminated comment: missing '*/'"
            } else {
                "unexpected '/': a comment starts with '//' or '/*'"
            };
            return ParseError::new(message, self.pos);
        }
        ParseError::new("comments are not allowed in JSON", self.pos)
    }

    fn single_quote_error(&self) -> ParseError {
        ParseError::new(
            "single quotes are not allowed; strings must use double quotes",
            self.pos,
        )
    }
}

fn nan_error(at: usize) -> ParseError {
    ParseError::new("NaN and Infinity are not valid JSON numbers", at)
}

fn control_char_error(c: u8, at: usize) -> ParseError {
    ParseError::new(
        format!("unescaped control character U+{c:04X} in string"),
        at,
    )
}

/// Word-at-a-time byte tests (SWAR) on 8 bytes read little-endian: each says whether some
/// byte of the word matches (the "has zero byte" / "has byte less than n" tricks).
pub(crate) mod swar {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;

    /// Some byte equals `b`.
    #[inline(always)]
    pub(crate) fn has_byte(w: u64, b: u8) -> bool {
        let x = w ^ (LO * u64::from(b));
        x.wrapping_sub(LO) & !x & HI != 0
    }

    /// Some byte is below `n` (`n` ≤ 0x80).
    #[inline(always)]
    pub(crate) fn has_below(w: u64, n: u8) -> bool {
        w.wrapping_sub(LO * u64::from(n)) & !w & HI != 0
    }

    /// Some byte is 0x80 or above (not ASCII).
    #[inline(always)]
    pub(crate) fn has_high(w: u64) -> bool {
        w & HI != 0
    }

    /// Calls `f(index, byte)` for every byte of `bytes`, except in the 8-byte words that
    /// `quiet` says hold no byte `f` cares about.
    #[inline(always)]
    pub(crate) fn for_each_candidate(
        bytes: &[u8],
        quiet: impl Fn(u64) -> bool,
        mut f: impl FnMut(usize, u8),
    ) {
        let (words, rest) = bytes.as_chunks::<8>();
        for (k, word) in words.iter().enumerate() {
            if quiet(u64::from_le_bytes(*word)) {
                continue;
            }
            for (j, &b) in word.iter().enumerate() {
                f(k * 8 + j, b);
            }
        }
        let base = words.len() * 8;
        for (j, &b) in rest.iter().enumerate() {
            f(base + j, b);
        }
    }
}

/// Index of the first byte at or after `i` that is `"`, `\` or a control
/// character (< 0x20), or `bytes.len()`. Scans 8 bytes at a time (SWAR).
#[inline(always)]
fn scan_plain(bytes: &[u8], mut i: usize) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let Ok(arr) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let w = u64::from_le_bytes(arr);
        let q = w ^ (LO * b'"' as u64);
        let s = w ^ (LO * b'\\' as u64);
        // Classic "has zero byte" / "has byte less than n" tricks; the lowest
        // set bit is always exact, which is all we use.
        let m = ((q.wrapping_sub(LO) & !q)
            | (s.wrapping_sub(LO) & !s)
            | (w.wrapping_sub(LO * 0x20) & !w))
            & HI;
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&c) = bytes.get(i) {
        if c == b'"' || c == b'\\' || c < 0x20 {
            break;
        }
        i += 1;
    }
    i
}

/// The 1-based (line, column) of each of `offsets` in `input`, in the order given. Columns
/// count characters (not bytes) from 1. Lines end at `\n` (so `\r\n` is one line break; the
/// `\r` belongs to the line it ends). A leading BOM is zero-width: the first character after
/// it is column 1, and an offset inside it is (1, 1). Offsets past the end are clamped to the
/// input length.
///
/// One forward pass over the input up to the largest offset (the offsets are visited in
/// sorted order, each line's characters counted from the previous offset), so placing the
/// issues of a validation costs one scan of the text before the last one, and nothing when
/// there is no issue: no index of every line start is built.
pub fn line_cols(input: &str, offsets: &[u32]) -> Vec<(u32, u32)> {
    let bytes = input.as_bytes();
    let first = if input.starts_with('\u{FEFF}') { 3 } else { 0 };
    // (offset, index) pairs as one sort key each
    let mut order: Vec<u64> = (0u32..)
        .zip(offsets)
        .map(|(i, &o)| u64::from(o) << 32 | u64::from(i))
        .collect();
    order.sort_unstable();
    let mut out = vec![(1, 1); offsets.len()];
    // the position up to which the text is counted: its line and the characters before it
    // on that line (both counted from `first`, where line 1 starts)
    let mut at = first;
    let mut line = 1usize;
    let mut chars = 0usize;
    for key in order {
        let off = ((key >> 32) as usize).min(bytes.len());
        let i = (key & u64::from(u32::MAX)) as usize;
        if off < first {
            continue; // inside the BOM: (1, 1)
        }
        let seg = bytes.get(at..off).unwrap_or_default();
        let counted = match memchr::memrchr(b'\n', seg) {
            Some(last) => {
                line += count_bytes(seg.get(..=last).unwrap_or_default(), |b| b == b'\n');
                chars = 0;
                seg.get(last + 1..).unwrap_or_default()
            }
            None => seg,
        };
        // characters: bytes that are not UTF-8 continuation bytes (0x80..=0xBF)
        chars += counted.len() - count_bytes(counted, |b| (b as i8) < -0x40);
        at = off;
        if let Some(slot) = out.get_mut(i) {
            *slot = (to_u32(line), to_u32(chars + 1));
        }
    }
    out
}

/// How many bytes of `bytes` `pred` holds for. Counted in `u8` lanes over fixed blocks of 128
/// bytes, which the compiler turns into a few vector instructions per 16 bytes (a plain
/// `filter().count()` widens every lane to `usize` first, several times the instructions).
#[inline(always)]
fn count_bytes(bytes: &[u8], pred: impl Fn(u8) -> bool) -> usize {
    let in_u8 = |block: &[u8]| {
        let n = block
            .iter()
            .fold(0u8, |n, &b| n.wrapping_add(u8::from(pred(b))));
        usize::from(n)
    };
    let (blocks, rest) = bytes.as_chunks::<128>();
    blocks.iter().map(|block| in_u8(block)).sum::<usize>() + in_u8(rest)
}

/// The 1-based (line, column) of one byte offset ([`line_cols`] of one offset).
pub fn line_col(input: &str, offset: u32) -> (u32, u32) {
    line_cols(input, &[offset])
        .first()
        .copied()
        .unwrap_or((1, 1))
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
mod tests;
