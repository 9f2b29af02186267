//! The emulation of the Java `XhtmlParser` in XML mode (see the parent module for its quirks): the
//! text of a `div` becomes a [`Tree`], an arena of nodes in document order.

use super::*;

// ---------------------------------------------------------------------------
// the parsed tree: an arena in document (pre-)order, so every subtree is the
// contiguous index range `i..node.end`

pub(super) const NONE: u32 = u32::MAX;
pub(super) const ROOT: usize = 0;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Kind {
    Element,
    Text,
    Comment,
    CData,
}

#[derive(Clone, Copy, Default, Debug)]
pub(super) struct Span {
    pub(super) start: u32,
    pub(super) end: u32,
}

#[derive(Debug)]
pub(super) struct Node {
    pub(super) kind: Kind,
    /// log2 of the capacity of Java's attribute `HashMap` (for iteration order)
    pub(super) cap_shift: u8,
    /// element: local name; text/comment: content
    pub(super) s: Span,
    pub(super) attr_start: u32,
    pub(super) attr_end: u32,
    pub(super) parent: u32,
    pub(super) offset: u32,
    /// exclusive end of the subtree
    pub(super) end: u32,
}

#[derive(Debug)]
pub(super) struct AttrRec {
    pub(super) name: Span,
    pub(super) value: Option<Span>,
    pub(super) offset: u32,
}

#[derive(Default, Debug)]
pub(super) struct Tree {
    pub(super) nodes: Vec<Node>,
    pub(super) attrs: Vec<AttrRec>,
    pub(super) buf: String,
}

pub(super) fn to_u32(v: usize) -> u32 {
    u32::try_from(v).unwrap_or(NONE)
}

impl Tree {
    pub(super) fn str_of(&self, s: Span) -> &str {
        self.buf.get(s.start as usize..s.end as usize).unwrap_or("")
    }

    pub(super) fn add_str(&mut self, s: &str) -> Span {
        let start = to_u32(self.buf.len());
        self.buf.push_str(s);
        Span {
            start,
            end: to_u32(self.buf.len()),
        }
    }

    pub(super) fn len(&self) -> usize {
        self.nodes.len()
    }

    pub(super) fn kind(&self, i: usize) -> Option<Kind> {
        self.nodes.get(i).map(|n| n.kind)
    }

    pub(super) fn is_element(&self, i: usize) -> bool {
        self.kind(i) == Some(Kind::Element)
    }

    /// element name, or text/comment content
    pub(super) fn name(&self, i: usize) -> &str {
        self.nodes.get(i).map(|n| self.str_of(n.s)).unwrap_or("")
    }

    pub(super) fn offset(&self, i: usize) -> usize {
        self.nodes.get(i).map(|n| n.offset as usize).unwrap_or(0)
    }

    pub(super) fn parent(&self, i: usize) -> Option<usize> {
        match self.nodes.get(i) {
            Some(n) if n.parent != NONE => Some(n.parent as usize),
            _ => None,
        }
    }

    pub(super) fn end(&self, i: usize) -> usize {
        self.nodes.get(i).map(|n| n.end as usize).unwrap_or(i + 1)
    }

    pub(super) fn has_children(&self, i: usize) -> bool {
        self.end(i) > i + 1
    }

    /// direct children, in order
    pub(super) fn children(&self, i: usize) -> Children<'_> {
        Children {
            tree: self,
            next: i + 1,
            end: self.end(i),
        }
    }

    pub(super) fn attrs(&self, i: usize) -> &[AttrRec] {
        match self.nodes.get(i) {
            Some(n) => self
                .attrs
                .get(n.attr_start as usize..n.attr_end as usize)
                .unwrap_or(&[]),
            None => &[],
        }
    }

    /// `None`: attribute absent; `Some(None)`: present without a value.
    pub(super) fn attr(&self, i: usize, name: &str) -> Option<Option<&str>> {
        self.attrs(i)
            .iter()
            .find(|a| self.str_of(a.name) == name)
            .map(|a| a.value.map(|v| self.str_of(v)))
    }

    /// attribute value (absent and value-less both give `None`)
    pub(super) fn attr_value(&self, i: usize, name: &str) -> Option<&str> {
        self.attr(i, name).flatten()
    }

    /// The attributes of element `i` in Java `HashMap` iteration order.
    pub(super) fn attrs_java_order(&self, i: usize) -> Vec<&AttrRec> {
        let cap_shift = self.nodes.get(i).map(|n| n.cap_shift).unwrap_or(4);
        let mask = (1u32 << cap_shift.min(31)) - 1;
        let mut v: Vec<(u32, usize, &AttrRec)> = self
            .attrs(i)
            .iter()
            .enumerate()
            .map(|(k, a)| {
                let h = java_string_hash(self.str_of(a.name)) as u32;
                ((h ^ (h >> 16)) & mask, k, a)
            })
            .collect();
        v.sort_by_key(|&(b, k, _)| (b, k));
        v.into_iter().map(|(_, _, a)| a).collect()
    }

    /// Java-style path (`div/table/tr/td/a`), the first segment always `div` as in
    /// `XhtmlValidator` (it is the FHIR element name). Deep paths keep the last
    /// segments only, so building one is O(1).
    pub(super) fn path(&self, i: usize) -> String {
        let mut segs: Vec<&str> = Vec::new();
        let mut cur = i;
        let mut complete = false;
        while segs.len() <= PATH_TAIL {
            if cur == ROOT {
                complete = true;
                break;
            }
            segs.push(self.name(cur));
            match self.parent(cur) {
                Some(p) => cur = p,
                None => {
                    complete = true;
                    break;
                }
            }
        }
        let mut out = String::from("div");
        if !complete {
            segs.truncate(PATH_TAIL);
            out.push_str("/...");
        }
        for s in segs.iter().rev() {
            out.push('/');
            out.push_str(s);
        }
        out
    }

    /// A hash of every node's full path (names from the root), top-down.
    pub(super) fn path_hashes(&self) -> Vec<u64> {
        let mut v = vec![0u64; self.len()];
        for i in 1..self.len() {
            let parent = self.parent(i).and_then(|p| v.get(p).copied()).unwrap_or(0);
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for b in self.name(i).bytes().chain(std::iter::once(b'/')) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
            if let Some(slot) = v.get_mut(i) {
                *slot = h ^ parent.rotate_left(23).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            }
        }
        v
    }

    pub(super) fn finish(&mut self) {
        let n = self.nodes.len();
        for i in (0..n).rev() {
            let (p, e) = match self.nodes.get_mut(i) {
                Some(node) => {
                    let min_end = to_u32(i + 1);
                    if node.end < min_end {
                        node.end = min_end;
                    }
                    (node.parent, node.end)
                }
                None => continue,
            };
            if p != NONE
                && let Some(pn) = self.nodes.get_mut(p as usize)
                && pn.end < e
            {
                pn.end = e;
            }
        }
    }
}

pub(super) struct Children<'a> {
    pub(super) tree: &'a Tree,
    pub(super) next: usize,
    pub(super) end: usize,
}

impl Iterator for Children<'_> {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        if self.next >= self.end {
            return None;
        }
        let cur = self.next;
        self.next = self.tree.end(cur).max(cur + 1);
        Some(cur)
    }
}

// ---------------------------------------------------------------------------
// parser (XhtmlParser in XML mode, mustBeWellFormed)

#[derive(Debug)]
pub(super) struct PErr {
    pub(super) msg: String,
    pub(super) offset: usize,
}

pub(super) struct Parsed {
    pub(super) tree: Tree,
    pub(super) entity_issues: Vec<(String, usize)>,
}

pub(super) enum TmpVal {
    Str(String),
    /// interned namespace id
    Ns(u32),
}

pub(super) struct TmpAttr {
    pub(super) name: String,
    pub(super) value: Option<TmpVal>,
    pub(super) offset: usize,
    pub(super) alive: bool,
}

pub(super) enum Undo {
    Default(Option<u32>),
    Orig(Option<String>),
    Map(String, Option<Option<u32>>),
}

/// `NamespaceNormalizationMap` as a scoped map with an undo log (Java copies the map
/// for every element; this keeps it linear).
#[derive(Default)]
pub(super) struct NsState {
    pub(super) default: Option<u32>,
    pub(super) orig: Option<String>,
    pub(super) map: HashMap<String, Option<u32>>,
    pub(super) undo: Vec<Undo>,
}

impl NsState {
    pub(super) fn set_default(&mut self, v: Option<u32>) {
        let old = std::mem::replace(&mut self.default, v);
        self.undo.push(Undo::Default(old));
    }

    pub(super) fn set_orig(&mut self, v: Option<String>) {
        let old = std::mem::replace(&mut self.orig, v);
        self.undo.push(Undo::Orig(old));
    }

    pub(super) fn put(&mut self, k: &str, v: Option<u32>) {
        let old = self.map.insert(k.to_string(), v);
        self.undo.push(Undo::Map(k.to_string(), old));
    }

    pub(super) fn remove(&mut self, k: &str) {
        if let Some(old) = self.map.remove(k) {
            self.undo.push(Undo::Map(k.to_string(), Some(old)));
        }
    }

    pub(super) fn undo_to(&mut self, mark: usize) {
        while self.undo.len() > mark {
            match self.undo.pop() {
                Some(Undo::Default(v)) => self.default = v,
                Some(Undo::Orig(v)) => self.orig = v,
                Some(Undo::Map(k, Some(v))) => {
                    self.map.insert(k, v);
                }
                Some(Undo::Map(k, None)) => {
                    self.map.remove(&k);
                }
                None => break,
            }
        }
    }
}

pub(super) struct Frame {
    pub(super) node: usize,
    pub(super) mark: usize,
}

pub(super) struct Parser<'a> {
    pub(super) src: &'a str,
    /// Java stops at U+FFFF (its END_OF_CHARS)
    pub(super) limit: usize,
    pub(super) pos: usize,
    pub(super) line: u32,
    pub(super) col: u32,
    pub(super) last_nl: char,
    pub(super) tree: Tree,
    pub(super) text: String,
    pub(super) text_off: usize,
    pub(super) last_text: Option<usize>,
    pub(super) entity_issues: Vec<(String, usize)>,
    pub(super) declared: HashMap<String, String>,
    pub(super) ns: NsState,
    pub(super) ns_ids: HashMap<String, u32>,
    pub(super) ns_spans: Vec<Span>,
    pub(super) tmp: Vec<TmpAttr>,
    pub(super) tmp_index: HashMap<String, usize>,
    pub(super) tmp_live: usize,
    pub(super) tmp_peak: usize,
}

pub(super) const UNDEFINED_NS: &str = "http://error/undefined-namespace";

pub(super) fn parse(src: &str) -> Result<Parsed, PErr> {
    if src.len() >= (u32::MAX / 4) as usize {
        return Err(PErr {
            msg: "XHTML content too large".to_string(),
            offset: 0,
        });
    }
    let mut p = Parser {
        src,
        limit: src.find('\u{FFFF}').unwrap_or(src.len()),
        pos: 0,
        line: 1,
        col: 0,
        last_nl: '\0',
        tree: Tree::default(),
        text: String::new(),
        text_off: 0,
        last_text: None,
        entity_issues: Vec::new(),
        declared: HashMap::new(),
        ns: NsState::default(),
        ns_ids: HashMap::new(),
        ns_spans: Vec::new(),
        tmp: Vec::new(),
        tmp_index: HashMap::new(),
        tmp_live: 0,
        tmp_peak: 0,
    };
    p.run()?;
    p.tree.finish();
    Ok(Parsed {
        tree: p.tree,
        entity_issues: p.entity_issues,
    })
}

pub(super) fn split_name(raw: &str) -> (Option<&str>, &str) {
    match raw.split_once(':') {
        Some((p, l)) => (Some(p), l),
        None => (None, raw),
    }
}

pub(super) fn show(c: Option<char>) -> char {
    c.unwrap_or('\u{FFFF}')
}

impl Parser<'_> {
    pub(super) fn peek(&self) -> Option<char> {
        if self.pos >= self.limit {
            return None;
        }
        self.src.get(self.pos..).and_then(|s| s.chars().next())
    }

    pub(super) fn peek2(&self) -> Option<char> {
        let mut it = self.src.get(self.pos..)?.chars();
        let c1 = it.next()?;
        if self.pos + c1.len_utf8() >= self.limit {
            return None;
        }
        it.next()
    }

    pub(super) fn read(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        if c == '\r' || c == '\n' {
            if c == '\r' || self.last_nl != '\r' {
                self.line += 1;
                self.col = 0;
            }
            self.last_nl = c;
        }
        self.col += to_u32(c.len_utf16());
        Some(c)
    }

    pub(super) fn loc(&self) -> String {
        format!(" at line {} column {}", self.line, self.col)
    }

    pub(super) fn err(&self, msg: String) -> PErr {
        PErr {
            msg,
            offset: self.pos.min(self.src.len()),
        }
    }

    pub(super) fn err_at(&self, msg: String, offset: usize) -> PErr {
        PErr {
            msg,
            offset: offset.min(self.src.len()),
        }
    }

    pub(super) fn unexpected_end(&self) -> PErr {
        self.err(format!(
            "Unexpected termination of html source{}",
            self.loc()
        ))
    }

    pub(super) fn last_text(&self) -> &str {
        self.last_text.map(|i| self.tree.name(i)).unwrap_or("")
    }

    pub(super) fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(c) if java_ws(c)) {
            self.read();
        }
    }

    pub(super) fn intern(&mut self, v: &str) -> u32 {
        if let Some(id) = self.ns_ids.get(v) {
            return *id;
        }
        let span = self.tree.add_str(v);
        let id = to_u32(self.ns_spans.len());
        self.ns_spans.push(span);
        self.ns_ids.insert(v.to_string(), id);
        id
    }

    pub(super) fn new_node(&mut self, kind: Kind, s: &str, parent: u32, offset: usize) -> usize {
        let span = self.tree.add_str(s);
        let at = to_u32(self.tree.attrs.len());
        self.tree.nodes.push(Node {
            kind,
            cap_shift: 4,
            s: span,
            attr_start: at,
            attr_end: at,
            parent,
            offset: to_u32(offset),
            end: 0,
        });
        self.tree.nodes.len() - 1
    }

    pub(super) fn flush_text(&mut self, cur: usize) {
        if !self.text.is_empty() {
            let t = std::mem::take(&mut self.text);
            let idx = self.new_node(Kind::Text, &t, to_u32(cur), self.text_off);
            self.last_text = Some(idx);
            self.text = t;
            self.text.clear();
        }
    }

    pub(super) fn read_name(&mut self) -> String {
        let mut s = String::new();
        while let Some(c) = self.peek() {
            if !is_name_char(c) {
                break;
            }
            self.read();
            s.push(c);
        }
        s
    }

    pub(super) fn run(&mut self) -> Result<(), PErr> {
        self.skip_prolog()?;
        if self.peek() != Some('<') {
            return Err(self.err(format!(
                "Unable to Parse HTML - does not start with tag. Found '{}' {}",
                show(self.peek()),
                self.loc()
            )));
        }
        let off = self.pos;
        self.read();
        let raw = self.read_name().to_lowercase();
        let (prefix, local) = split_name(&raw);
        let root = self.new_node(Kind::Element, local, NONE, off);
        self.parse_attributes(local)?;
        self.normalize(prefix, true)?;
        self.commit_attrs(root);
        if self.read() == Some('/') {
            if self.peek() != Some('>') {
                return Err(self.err(format!(
                    "unexpected non-end of element {}::{} {}",
                    prefix.unwrap_or("null"),
                    local,
                    self.loc()
                )));
            }
            self.read();
            return Ok(());
        }
        self.parse_content(root)
    }

    /// `skipWhiteSpaceAndComments` before the root element
    pub(super) fn skip_prolog(&mut self) -> Result<(), PErr> {
        loop {
            while matches!(self.peek(), Some(c) if java_ws(c) || c == '\u{FEFF}') {
                self.read();
            }
            if self.peek() != Some('<') {
                return Ok(());
            }
            match self.peek2() {
                Some('!') => {
                    self.read();
                    self.read();
                    if self.peek() == Some('-') {
                        self.read();
                        if self.peek() == Some('-') {
                            self.read();
                            if self.peek() == Some(' ') {
                                self.read();
                            }
                            self.read_to_comment_end(false, false)?;
                        } else {
                            return Err(self.err(format!(
                                "unrecognised element type <!{}{}",
                                show(self.peek()),
                                self.loc()
                            )));
                        }
                    } else {
                        // readToDocTypeEnd
                        loop {
                            match self.read() {
                                Some('>') => break,
                                Some(_) => {}
                                None => return Err(self.unexpected_end()),
                            }
                        }
                    }
                }
                Some('?') => {
                    self.read();
                    let r = self.read_to_tag_end()?;
                    let n = r.encode_utf16().count();
                    if n < 2 {
                        return Err(self.err(format!(
                            "begin 1, end {}, length {}",
                            n as i64 - 1,
                            n
                        )));
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    pub(super) fn read_to_tag_end(&mut self) -> Result<String, PErr> {
        let mut s = String::new();
        loop {
            match self.read() {
                Some('>') => return Ok(s),
                Some(c) => s.push(c),
                None => return Err(self.unexpected_end()),
            }
        }
    }

    pub(super) fn read_to_comment_end(
        &mut self,
        simple: bool,
        bang_done: bool,
    ) -> Result<String, PErr> {
        let mut simple = simple;
        if !bang_done && self.peek() == Some('!') {
            self.read();
        }
        let mut s = String::new();
        if self.peek() == Some('-') {
            self.read();
            simple = self.peek() != Some('-');
            if simple {
                s.push('-');
            } else {
                self.read();
            }
        }
        let mut doctype_entities = false;
        loop {
            match self.peek() {
                Some('-') => {
                    self.read();
                    if self.peek() == Some('-') && self.peek2() == Some('>') {
                        self.read();
                        break;
                    }
                    // Java pushes the second '-' back and re-examines it
                    s.push('-');
                }
                Some(']') if doctype_entities => {
                    self.read();
                    s.push(']');
                    if self.peek() == Some('>') {
                        break;
                    }
                }
                Some('>') if simple && !doctype_entities => break,
                Some('[') if s.starts_with("DOCTYPE ") => {
                    doctype_entities = true;
                    self.read();
                    s.push('[');
                }
                Some(c) => {
                    self.read();
                    s.push(c);
                }
                None => return Err(self.unexpected_end()),
            }
        }
        if self.peek().is_some() {
            self.read();
        }
        if doctype_entities {
            self.parse_doctype_entities(&s)?;
        }
        Ok(s)
    }

    /// `parseDoctypeEntities`, with Java's exceptions on malformed declarations
    pub(super) fn parse_doctype_entities(&mut self, s: &str) -> Result<(), PErr> {
        let bad = |this: &Self, len: usize| this.err(format!("begin 0, end -1, length {len}"));
        let mut rest = s;
        while let Some(i) = rest.find("<!ENTITY") {
            rest = rest.get(i..).unwrap_or("");
            let Some(e) = rest.find('>') else {
                return Err(self.err("begin 8, end 0, length 0".to_string()));
            };
            let ed_full = rest.get(..=e).unwrap_or("");
            rest = rest.get(e + 1..).unwrap_or("");
            let ed = java_trim(ed_full.get(8..).unwrap_or(""));
            let Some(e) = ed.find(' ') else {
                return Err(bad(self, ed.len()));
            };
            let name = java_trim(ed.get(..e).unwrap_or(""));
            let ed = java_trim(ed.get(e..).unwrap_or(""));
            let Some(e) = ed.find(' ') else {
                return Err(bad(self, ed.len()));
            };
            let ed = java_trim(ed.get(e..).unwrap_or(""));
            let Some(last) = ed.chars().last() else {
                return Err(bad(self, 0));
            };
            let v = ed.get(..ed.len() - last.len_utf8()).unwrap_or("");
            self.declared.insert(name.to_string(), v.to_string());
        }
        Ok(())
    }

    pub(super) fn read_cdata(&mut self) -> Result<(), PErr> {
        let (mut p1, mut p2) = ('\0', '\0');
        let mut n16 = 0usize;
        loop {
            let Some(c) = self.read() else {
                return Err(self.err("Stream ended before finding ']]>' terminator".to_string()));
            };
            n16 += c.len_utf16();
            if c == '>' && p1 == ']' && p2 == ']' {
                break;
            }
            p2 = p1;
            p1 = c;
        }
        if n16 < 10 {
            return Err(self.err(format!("begin 7, end {}, length {}", n16 as i64 - 3, n16)));
        }
        Ok(())
    }

    pub(super) fn parse_content(&mut self, root: usize) -> Result<(), PErr> {
        let mut stack = vec![Frame {
            node: root,
            mark: 0,
        }];
        loop {
            let Some(cur) = stack.last().map(|f| f.node) else {
                return Ok(());
            };
            let Some(c) = self.peek() else {
                self.flush_text(cur);
                return Ok(());
            };
            match c {
                '<' => {
                    self.flush_text(cur);
                    let lt = self.pos;
                    self.read();
                    match self.peek() {
                        Some('!') => {
                            self.read();
                            if self.peek() == Some('[') {
                                self.read_cdata()?;
                                self.new_node(Kind::CData, "", to_u32(cur), lt);
                            } else {
                                let s = self.read_to_comment_end(true, true)?;
                                self.new_node(Kind::Comment, &s, to_u32(cur), lt);
                            }
                        }
                        Some('?') => {
                            let s = self.read_to_tag_end()?;
                            self.new_node(Kind::Comment, &s, to_u32(cur), lt);
                        }
                        Some('/') => {
                            self.read();
                            let n = self.read_to_tag_end()?;
                            let (_, local) = split_name(&n);
                            if self.tree.name(cur) == local {
                                if let Some(f) = stack.pop() {
                                    self.ns.undo_to(f.mark);
                                }
                            } else {
                                return Err(self.err_at(
                                    format!(
                                        "Malformed XHTML: Found \"</{}>\" expecting \"</{}>\"{}",
                                        local,
                                        self.tree.name(cur),
                                        self.loc()
                                    ),
                                    lt,
                                ));
                            }
                        }
                        Some(ch) if java_letter_or_digit(ch) => {
                            if let Some(f) = self.parse_element(cur, lt)? {
                                stack.push(f);
                            }
                        }
                        other => {
                            return Err(self.err_at(format!(
                                "Unable to Parse HTML - node '{}' has unexpected content '{}' (last text = '{}'{}",
                                self.tree.name(cur),
                                show(other),
                                self.last_text(),
                                self.loc()
                            ), lt));
                        }
                    }
                }
                '&' => {
                    if self.text.is_empty() {
                        self.text_off = self.pos;
                    }
                    let mut t = std::mem::take(&mut self.text);
                    let r = self.parse_literal(&mut t);
                    self.text = t;
                    r?;
                }
                _ => {
                    if self.text.is_empty() {
                        self.text_off = self.pos;
                    }
                    self.read();
                    self.text.push(c);
                }
            }
        }
    }

    pub(super) fn parse_element(
        &mut self,
        parent: usize,
        lt: usize,
    ) -> Result<Option<Frame>, PErr> {
        let raw = self.read_name();
        let (prefix, local) = split_name(&raw);
        let node = self.new_node(Kind::Element, local, to_u32(parent), lt);
        self.parse_attributes(local)?;
        let mark = self.ns.undo.len();
        self.normalize(prefix, false)?;
        self.commit_attrs(node);
        if self.read() == Some('/') {
            if self.peek() != Some('>') {
                return Err(self.err(format!(
                    "unexpected non-end of element {}::{} {}",
                    prefix.unwrap_or("null"),
                    local,
                    self.loc()
                )));
            }
            self.read();
            self.ns.undo_to(mark);
            return Ok(None);
        }
        if local == "script" {
            self.parse_script_inner(node);
            self.ns.undo_to(mark);
            return Ok(None);
        }
        Ok(Some(Frame { node, mark }))
    }

    pub(super) fn parse_script_inner(&mut self, node: usize) {
        let start = self.pos;
        let mut s = String::new();
        while !s.ends_with("</script>") {
            match self.read() {
                Some(c) => s.push(c),
                None => break,
            }
        }
        // Java drops the last 9 UTF-16 units whether or not they are "</script>"
        let mut drop16 = 9usize;
        if s.encode_utf16().count() >= 9 {
            while drop16 > 0 {
                match s.pop() {
                    Some(c) => drop16 = drop16.saturating_sub(c.len_utf16()),
                    None => break,
                }
            }
        }
        if !s.is_empty() {
            let idx = self.new_node(Kind::Text, &s, to_u32(node), start);
            self.last_text = Some(idx);
        }
    }

    // --- attributes

    pub(super) fn tmp_put(&mut self, name: &str, value: Option<TmpVal>, offset: usize) {
        if let Some(&k) = self.tmp_index.get(name)
            && let Some(a) = self.tmp.get_mut(k)
        {
            a.value = value;
            return;
        }
        self.tmp_index.insert(name.to_string(), self.tmp.len());
        self.tmp.push(TmpAttr {
            name: name.to_string(),
            value,
            offset,
            alive: true,
        });
        self.tmp_live += 1;
        self.tmp_peak = self.tmp_peak.max(self.tmp_live);
    }

    pub(super) fn parse_attributes(&mut self, el: &str) -> Result<(), PErr> {
        self.tmp.clear();
        self.tmp_index.clear();
        self.tmp_live = 0;
        self.tmp_peak = 0;
        self.skip_ws();
        while let Some(c) = self.peek() {
            if c == '>' || c == '/' {
                break;
            }
            let off = self.pos;
            let name = self.read_name();
            if name.is_empty() {
                return Err(self.err(format!("Unable to read attribute on <{el}>{}", self.loc())));
            }
            self.skip_ws();
            match self.peek() {
                Some(c) if is_name_char(c) || c == '>' || c == '/' => {
                    self.tmp_put(&name, None, off);
                }
                Some('=') => {
                    self.read();
                    self.skip_ws();
                    let v = match self.peek() {
                        Some(q @ ('"' | '\'')) => {
                            self.read();
                            self.parse_attr_value(Some(q))?
                        }
                        _ => self.parse_attr_value(None)?,
                    };
                    self.tmp_put(&name, Some(TmpVal::Str(v)), off);
                }
                _ => {
                    return Err(self.err(format!(
                        "Unable to read attribute '{name}' value on <{el}>{}",
                        self.loc()
                    )));
                }
            }
            self.skip_ws();
        }
        Ok(())
    }

    pub(super) fn parse_attr_value(&mut self, term: Option<char>) -> Result<String, PErr> {
        let mut b = String::new();
        while let Some(c) = self.peek() {
            if c == '>' || (term.is_none() && c == '/') || Some(c) == term {
                break;
            }
            if c == '&' {
                self.parse_literal(&mut b)?;
            } else {
                self.read();
                b.push(c);
            }
        }
        if self.peek() == term {
            self.read();
        }
        Ok(b)
    }

    /// `normalizeNamespaces`: strips `xmlns`/`xmlns:p` declarations and states the
    /// element's namespace as `xmlns` when it differs from the parent's.
    pub(super) fn normalize(&mut self, prefix: Option<&str>, is_root: bool) -> Result<(), PErr> {
        let parent_default = self.ns.default;
        let mut new_default: Option<Option<String>> = None;
        let mut decls: Vec<(String, Option<String>)> = Vec::new();
        for a in self.tmp.iter_mut() {
            if !a.alive {
                continue;
            }
            let value = match &a.value {
                Some(TmpVal::Str(s)) => Some(s.clone()),
                _ => None,
            };
            if a.name == "xmlns" {
                new_default = Some(value);
            } else if let Some(p) = a.name.strip_prefix("xmlns:") {
                decls.push((p.to_string(), value));
            } else {
                continue;
            }
            a.alive = false;
            self.tmp_index.remove(&a.name);
            self.tmp_live = self.tmp_live.saturating_sub(1);
        }
        if let Some(v) = new_default {
            let id = v.map(|s| self.intern(&s));
            self.ns.set_default(id);
        }
        let mut readd: Vec<String> = Vec::new();
        for (p, v) in decls {
            let in_parent = self.ns.map.contains_key(&p);
            let id = v.map(|s| self.intern(&s));
            self.ns.put(&p, id);
            if !in_parent {
                readd.push(p);
            }
        }
        if let Some(p) = prefix {
            let ens = if self.ns.orig.as_deref() == Some(p) {
                self.ns.default
            } else if let Some(v) = self.ns.map.get(p) {
                *v
            } else {
                Some(self.intern(UNDEFINED_NS))
            };
            let Some(ens) = ens else {
                return Err(self.err(
                    "Cannot invoke \"String.equals(Object)\" because \"elementNamespace\" is null"
                        .to_string(),
                ));
            };
            if Some(ens) != self.ns.default {
                self.tmp_put("xmlns", Some(TmpVal::Ns(ens)), self.pos);
                self.ns.set_default(Some(ens));
                self.ns.set_orig(Some(p.to_string()));
                self.ns.remove(p);
            }
        }
        if let Some(d) = self.ns.default
            && (is_root || parent_default != Some(d))
        {
            self.tmp_put("xmlns", Some(TmpVal::Ns(d)), self.pos);
        }
        for p in readd {
            if let Some(v) = self.ns.map.get(&p).copied() {
                let name = format!("xmlns:{p}");
                self.tmp_put(&name, v.map(TmpVal::Ns), self.pos);
            }
        }
        Ok(())
    }

    pub(super) fn commit_attrs(&mut self, node: usize) {
        let tmp = std::mem::take(&mut self.tmp);
        let start = to_u32(self.tree.attrs.len());
        for a in &tmp {
            if !a.alive {
                continue;
            }
            let name = self.tree.add_str(&a.name);
            let value = match &a.value {
                None => None,
                Some(TmpVal::Str(s)) => Some(self.tree.add_str(s)),
                Some(TmpVal::Ns(id)) => self.ns_spans.get(*id as usize).copied(),
            };
            self.tree.attrs.push(AttrRec {
                name,
                value,
                offset: to_u32(a.offset),
            });
        }
        let end = to_u32(self.tree.attrs.len());
        let mut cap: usize = 16;
        let mut shift: u8 = 4;
        while self.tmp_peak > cap / 4 * 3 && shift < 31 {
            cap *= 2;
            shift += 1;
        }
        if let Some(n) = self.tree.nodes.get_mut(node) {
            n.attr_start = start;
            n.attr_end = end;
            n.cap_shift = shift;
        }
        self.tmp = tmp;
        self.tmp.clear();
    }

    // --- entities

    pub(super) fn parse_literal(&mut self, s: &mut String) -> Result<(), PErr> {
        let amp = self.pos;
        self.read();
        let mut c = String::new();
        loop {
            match self.peek() {
                // Java loops forever here
                None => return Err(self.unexpected_end()),
                Some(ch) if ch == '\0' || ";&'\"><".contains(ch) => break,
                Some(ch) => {
                    self.read();
                    c.push(ch);
                }
            }
        }
        self.read();
        if c.is_empty() {
            return Err(self.err_at(
                format!("Invalid literal declaration following text: {s}"),
                amp,
            ));
        }
        if let Some(rest) = c.strip_prefix('#') {
            if let Some(v) = java_parse_int(rest, 10) {
                return self.push_code_point(s, v, amp);
            }
            match rest.strip_prefix('x') {
                Some(hex) => {
                    if let Some(v) = java_parse_int(hex, 16) {
                        return self.push_code_point(s, v, amp);
                    }
                }
                None if rest.is_empty() => {
                    return Err(self.err_at("Index 1 out of bounds for length 1".to_string(), amp));
                }
                None => {}
            }
            return Ok(());
        }
        if let Some(v) = self.declared.get(&c) {
            s.push_str(v);
            return Ok(());
        }
        if !matches!(c.as_str(), "quot" | "amp" | "apos" | "lt" | "gt") {
            self.entity_issues
                .push((format!("Invalid entity in the XHTML ('&{c};')"), amp));
        }
        match lookup_entity(&c) {
            Some(v) => {
                s.push_str(v);
                Ok(())
            }
            None => Err(self.err_at(
                format!(
                    "unable to parse character reference '{}'' (last text = '{}'{}",
                    c,
                    self.last_text(),
                    self.loc()
                ),
                amp,
            )),
        }
    }

    pub(super) fn push_code_point(&self, s: &mut String, v: i32, amp: usize) -> Result<(), PErr> {
        if !(0..=0x10FFFF).contains(&v) {
            return Err(self.err_at(
                format!("Not a valid Unicode code point: 0x{:X}", v as u32),
                amp,
            ));
        }
        s.push(char::from_u32(v as u32).unwrap_or('\u{FFFD}'));
        Ok(())
    }
}
