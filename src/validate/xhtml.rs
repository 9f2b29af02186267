//! FHIR narrative (`Narrative.div`, type `xhtml`) checks, mirroring the HL7 Java validator.
//!
//! Sources emulated (hapifhir/org.hl7.fhir.core, 2025/2026 sources):
//! * `org.hl7.fhir.utilities.xhtml.XhtmlParser` as the JSON parser drives it
//!   (`new XhtmlParser().setXmlMode(true).parse(value, null)`, policy `Accept`,
//!   `mustBeWellFormed = true`). Its quirks are kept on purpose: an element still open
//!   at the end of the input is *not* an error, unquoted attribute values and
//!   attributes without a value are accepted, a `>` ends a quoted attribute value,
//!   anything after the root's end tag is ignored, `<script>` content is raw text, a
//!   `U+FFFF` character acts as end of input, the root name is lower-cased.
//!   Entities: numeric references are always fine (`&#X..;` with a capital X and
//!   other malformed numeric references are silently dropped); in XML mode every
//!   named entity other than `quot amp apos lt gt` is reported as
//!   `Invalid entity in the XHTML ('&name;')` (an *error*, not fatal: parsing goes
//!   on) when it is one of the 2121 HTML5 names Java knows, and is a *fatal* parse
//!   error otherwise (the invalid-entity issues recorded so far are then dropped, as
//!   in `JsonParser`, which only reports them after a successful parse). A bare `&`
//!   is therefore fatal. Entities declared in an inline `<!DOCTYPE .. [<!ENTITY ..>]>`
//!   are expanded.
//! * `org.hl7.fhir.r5.elementmodel.JsonParser`: a parse failure gives
//!   `Error parsing XHTML: <message>` and leaves the element without XHTML, so both
//!   invariants fail and no further XHTML check runs.
//! * `FHIRPathEngine.funcHtmlChecks1/2` (`htmlChecks()`; the validator rewrites the R4
//!   `txt-2` expression to `htmlChecks2()`): txt-1 = every node (root included) is an
//!   allowed element with allowed attributes and no comment starts with `DOCTYPE`
//!   (Java's `block && !"p".equals(c)` bug keeps the full element list in force at
//!   every depth); txt-2 = some text node is non-blank after `String.trim()` or some
//!   element is an `img`.
//! * `org.hl7.fhir.validation.instance.type.XhtmlValidator#validate`: root namespace,
//!   inner namespaces, root name `div`, element/attribute names (the root's own
//!   attributes are only seen by txt-1), `xml:space` (a hint), DOCTYPE comments,
//!   block elements inside `<p>`, `UrlUtil.checkValidUrl` on `a/@href` and
//!   `img/@src`, the 2025-06-16 structure rules (optional, see
//!   [`XhtmlOptions::structure_checks`]), mixed-language sections and duplicate ids.
//! * `InstanceValidator#checkReferences/#checkImageSources` message texts for
//!   internal links that do not resolve (needs [`XhtmlOptions::local_ids`]).
//!
//! Evidence from the Java outcomes (fhir-test-cases): `pat-security-bad-xhtml`
//! (txt-1 + `Invalid element name in the XHTML ('script')`), `xml-bad-entities-json`
//! (only `Invalid entity in the XHTML ('&reg;')`), `ips-htmlrefs-forwards` (txt-1 +
//! `Invalid attribute name in the XHTML ('idref' on 'tr')` per div, so `idref` fails
//! txt-1 too), `ab-list-slicing` (`Hyperlink '#hcListExample/MyAppointmentExample' at
//! 'div/table/tr/td/a' for 'Appointment: status = proposed' does not resolve`).
//! Java does not flag `javascript:` URLs (only characters outside the RFC 3986 set).
//!
//! The 40 other narratives of the suite's inputs give no issue (structure rules on).
//!
//! Java reports every XHTML issue at the location of the `div` value, and identical
//! messages there collapse into one (`ips-htmlrefs-forwards` has two offending `tr`
//! per div but one error), so [`check_div`] drops duplicates too.
//!
//! Caveats: texts of the messages not seen in an outcome (namespace, name, URL,
//! structure, `xml:space`, mixed languages, duplicate ids) are reconstructed from
//! `Messages.properties` keys and comments; txt-1 accepts `xml:space` (newest
//! `checkHtmlNames`) but not `idref` (outcome evidence, although some FHIRPath
//! versions list it).
//!
//! Everything is iterative (no recursion), linear in the input, and never panics.
//! Attribute-level issues on one element come in Java `HashMap` iteration order.
//! At most 10,000 issues are returned (then one information issue says so), and
//! values quoted in messages are cut at 1,000 characters.

use std::collections::{HashMap, HashSet};

/// The XHTML namespace.
pub const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";

pub use crate::outcome::Severity;

/// One problem found in a narrative div.
#[derive(Debug, Clone, PartialEq)]
pub struct XhtmlIssue {
    /// How bad it is.
    pub severity: Severity,
    /// FHIR IssueType code as Java uses it (`invalid`, `invariant`, `structure`,
    /// `business-rule`, `informational`).
    pub code: &'static str,
    /// The Java validator's message.
    pub message: String,
    /// `Some("txt-1")` / `Some("txt-2")` when the issue is that Narrative invariant.
    pub key: Option<&'static str>,
    /// Byte offset in the div string where the problem starts.
    pub offset: usize,
}

/// Options for [`check_div`].
#[derive(Debug, Clone)]
pub struct XhtmlOptions {
    /// The validator's security-checks mode. Java's XHTML checks do not depend on it
    /// (`pat-security-bad-xhtml` gives the same two errors either way); kept for the
    /// caller's convenience and future use.
    pub security_checks: bool,
    /// Run `XhtmlValidator.checkXhtmlStructure` (rules dated 2025-06-16: block content
    /// in paragraphs, inline recursion, table/list/dl/map children and parents,
    /// children of `br`/`img`/`hr`/`area`). Default `true`.
    pub structure_checks: bool,
    /// When `Some`, every `<a href="#x">` / `<img src="#x">` whose target `x` is
    /// neither in this list nor an `id` / `a/@name` of this div is reported as not
    /// resolving. Pass every id Java's `countTargetMatches` can find in the resource
    /// (contained resource ids, element ids, ids/names in all its narratives).
    pub local_ids: Option<Vec<String>>,
}

impl Default for XhtmlOptions {
    fn default() -> Self {
        XhtmlOptions {
            security_checks: false,
            structure_checks: true,
            local_ids: None,
        }
    }
}

/// Link targets and anchors found in a div (empty when the div does not parse, as Java
/// then has no XHTML to look at).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Anchors {
    /// Every `id` attribute value (root included), document order.
    pub ids: Vec<String>,
    /// Every `a/@name` value, document order.
    pub names: Vec<String>,
    /// `<a href="#x">` links: (`x`, byte offset of the `<a`).
    pub internal_links: Vec<(String, usize)>,
    /// Details of the internal `a/@href` and `img/@src` links, for Java's messages.
    pub links: Vec<InternalLink>,
    /// `idref` attribute values with the offset of their element (Java has an
    /// `XHTML_IDREF_NOT_FOUND` check, but the `ips-htmlrefs-forwards` outcome shows it
    /// is not run for R4 narratives).
    pub idrefs: Vec<(String, usize)>,
}

/// An internal (`#...`) link in a div.
#[derive(Debug, Clone, PartialEq)]
pub struct InternalLink {
    /// The attribute value as written (`#x`).
    pub href: String,
    /// The fragment without `#`.
    pub target: String,
    /// Byte offset of the element.
    pub offset: usize,
    /// Java's path, e.g. `div/table/tr/td/a`.
    pub path: String,
    /// The link text (descendant text, at most 200 characters).
    pub text: String,
    /// `true` for `img/@src`, `false` for `a/@href`.
    pub image: bool,
    node: usize,
}

impl InternalLink {
    /// Java's message when the link does not resolve (`Type_Specific_Checks_DT_XHTML_Resolve`
    /// / `_Resolve_Img`), an error of type `invalid`.
    pub fn unresolved_message(&self) -> String {
        if self.image {
            format!(
                "Image source '{}' at '{}' does not resolve",
                self.href, self.path
            )
        } else {
            format!(
                "Hyperlink '{}' at '{}' for '{}' does not resolve",
                self.href, self.path, self.text
            )
        }
    }
}

/// Message of the txt-1 invariant failure (R4 wording, as Java prints it).
pub const TXT1_MESSAGE: &str = "Constraint failed: txt-1: 'The narrative SHALL contain only the basic html formatting elements and attributes described in chapters 7-11 (except section 4 of chapter 9) and 15 of the HTML 4.0 standard, <a> elements (either name or href), images and internally contained style attributes'";
/// Message of the txt-2 invariant failure.
pub const TXT2_MESSAGE: &str =
    "Constraint failed: txt-2: 'The narrative SHALL have some non-whitespace content'";

const MAX_ISSUES: usize = 10_000;
const MAX_VALUE_IN_MESSAGE: usize = 1_000;
const MAX_LINK_TEXT: usize = 200;
const PATH_TAIL: usize = 15;

/// Parse and check one div (the unescaped JSON string value). Returns every issue, in
/// Java's order: parser issues, txt-1, txt-2, then the `XhtmlValidator` issues.
pub fn check_div(div: &str, options: &XhtmlOptions) -> Vec<XhtmlIssue> {
    let mut out = Issues::default();
    match parse(div) {
        Err(e) => {
            out.push(
                Severity::Error,
                "invalid",
                format!("Error parsing XHTML: {}", e.msg),
                None,
                e.offset,
            );
            out.push(
                Severity::Error,
                "invariant",
                TXT1_MESSAGE.to_string(),
                Some("txt-1"),
                0,
            );
            out.push(
                Severity::Error,
                "invariant",
                TXT2_MESSAGE.to_string(),
                Some("txt-2"),
                0,
            );
        }
        Ok(parsed) => {
            for (msg, off) in &parsed.entity_issues {
                out.push(Severity::Error, "invalid", msg.clone(), None, *off);
            }
            let tree = &parsed.tree;
            if let Some(off) = txt1_failure(tree) {
                out.push(
                    Severity::Error,
                    "invariant",
                    TXT1_MESSAGE.to_string(),
                    Some("txt-1"),
                    off,
                );
            }
            if !has_content(tree) {
                out.push(
                    Severity::Error,
                    "invariant",
                    TXT2_MESSAGE.to_string(),
                    Some("txt-2"),
                    0,
                );
            }
            validate_tree(tree, options, &mut out);
        }
    }
    out.finish()
}

/// txt-1 and txt-2 as one boolean (`htmlChecks()` for both invariants).
pub fn html_checks(div: &str) -> bool {
    match parse(div) {
        Ok(p) => txt1_failure(&p.tree).is_none() && has_content(&p.tree),
        Err(_) => false,
    }
}

/// txt-1 alone (Java's `htmlChecks1()`).
pub fn html_checks1(div: &str) -> bool {
    matches!(parse(div), Ok(p) if txt1_failure(&p.tree).is_none())
}

/// txt-2 alone (Java's `htmlChecks2()`, which the validator substitutes for R4 txt-2).
pub fn html_checks2(div: &str) -> bool {
    matches!(parse(div), Ok(p) if has_content(&p.tree))
}

/// The ids, names and internal link targets of a div.
pub fn anchors(div: &str) -> Anchors {
    match parse(div) {
        Ok(p) => collect_anchors(&p.tree),
        Err(_) => Anchors::default(),
    }
}

// ---------------------------------------------------------------------------
// issue collection

/// Java reports every XHTML issue at the location of the `div` value, and identical
/// messages at one location collapse into one (`ips-htmlrefs-forwards`: two `tr`
/// elements with `idref` give one `Invalid attribute name` error per div), so
/// duplicates are dropped here, keeping the first offset.
#[derive(Default)]
struct Issues {
    list: Vec<XhtmlIssue>,
    seen: HashSet<(u8, &'static str, String, u64)>,
    overflow: bool,
}

impl Issues {
    fn push(
        &mut self,
        severity: Severity,
        code: &'static str,
        message: String,
        key: Option<&'static str>,
        offset: usize,
    ) {
        self.push_keyed(severity, code, message, key, offset, 0);
    }

    /// `disc` tells apart messages whose quoted path was shortened (it is a hash of
    /// the full path), so that they collapse exactly when Java's full texts would.
    fn push_keyed(
        &mut self,
        severity: Severity,
        code: &'static str,
        message: String,
        key: Option<&'static str>,
        offset: usize,
        disc: u64,
    ) {
        if !self
            .seen
            .insert((severity as u8, code, message.clone(), disc))
        {
            return;
        }
        if self.list.len() >= MAX_ISSUES {
            self.overflow = true;
            return;
        }
        self.list.push(XhtmlIssue {
            severity,
            code,
            message,
            key,
            offset,
        });
    }

    fn finish(mut self) -> Vec<XhtmlIssue> {
        if self.overflow {
            self.list.push(XhtmlIssue {
                severity: Severity::Information,
                code: "informational",
                message: format!("Too many XHTML issues; only the first {MAX_ISSUES} are reported"),
                key: None,
                offset: 0,
            });
        }
        self.list
    }
}

// ---------------------------------------------------------------------------
// the parsed tree: an arena in document (pre-)order, so every subtree is the
// contiguous index range `i..node.end`

const NONE: u32 = u32::MAX;
const ROOT: usize = 0;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Element,
    Text,
    Comment,
    CData,
}

#[derive(Clone, Copy, Default, Debug)]
struct Span {
    start: u32,
    end: u32,
}

#[derive(Debug)]
struct Node {
    kind: Kind,
    /// log2 of the capacity of Java's attribute `HashMap` (for iteration order)
    cap_shift: u8,
    /// element: local name; text/comment: content
    s: Span,
    attr_start: u32,
    attr_end: u32,
    parent: u32,
    offset: u32,
    /// exclusive end of the subtree
    end: u32,
}

#[derive(Debug)]
struct AttrRec {
    name: Span,
    value: Option<Span>,
    offset: u32,
}

#[derive(Default, Debug)]
struct Tree {
    nodes: Vec<Node>,
    attrs: Vec<AttrRec>,
    buf: String,
}

fn to_u32(v: usize) -> u32 {
    u32::try_from(v).unwrap_or(NONE)
}

impl Tree {
    fn str_of(&self, s: Span) -> &str {
        self.buf.get(s.start as usize..s.end as usize).unwrap_or("")
    }

    fn add_str(&mut self, s: &str) -> Span {
        let start = to_u32(self.buf.len());
        self.buf.push_str(s);
        Span {
            start,
            end: to_u32(self.buf.len()),
        }
    }

    fn len(&self) -> usize {
        self.nodes.len()
    }

    fn kind(&self, i: usize) -> Option<Kind> {
        self.nodes.get(i).map(|n| n.kind)
    }

    fn is_element(&self, i: usize) -> bool {
        self.kind(i) == Some(Kind::Element)
    }

    /// element name, or text/comment content
    fn name(&self, i: usize) -> &str {
        self.nodes.get(i).map(|n| self.str_of(n.s)).unwrap_or("")
    }

    fn offset(&self, i: usize) -> usize {
        self.nodes.get(i).map(|n| n.offset as usize).unwrap_or(0)
    }

    fn parent(&self, i: usize) -> Option<usize> {
        match self.nodes.get(i) {
            Some(n) if n.parent != NONE => Some(n.parent as usize),
            _ => None,
        }
    }

    fn end(&self, i: usize) -> usize {
        self.nodes.get(i).map(|n| n.end as usize).unwrap_or(i + 1)
    }

    fn has_children(&self, i: usize) -> bool {
        self.end(i) > i + 1
    }

    /// direct children, in order
    fn children(&self, i: usize) -> Children<'_> {
        Children {
            tree: self,
            next: i + 1,
            end: self.end(i),
        }
    }

    fn attrs(&self, i: usize) -> &[AttrRec] {
        match self.nodes.get(i) {
            Some(n) => self
                .attrs
                .get(n.attr_start as usize..n.attr_end as usize)
                .unwrap_or(&[]),
            None => &[],
        }
    }

    /// `None`: attribute absent; `Some(None)`: present without a value.
    fn attr(&self, i: usize, name: &str) -> Option<Option<&str>> {
        self.attrs(i)
            .iter()
            .find(|a| self.str_of(a.name) == name)
            .map(|a| a.value.map(|v| self.str_of(v)))
    }

    /// attribute value (absent and value-less both give `None`)
    fn attr_value(&self, i: usize, name: &str) -> Option<&str> {
        self.attr(i, name).flatten()
    }

    /// The attributes of element `i` in Java `HashMap` iteration order.
    fn attrs_java_order(&self, i: usize) -> Vec<&AttrRec> {
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
    fn path(&self, i: usize) -> String {
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
    fn path_hashes(&self) -> Vec<u64> {
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

    fn finish(&mut self) {
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

struct Children<'a> {
    tree: &'a Tree,
    next: usize,
    end: usize,
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
struct PErr {
    msg: String,
    offset: usize,
}

struct Parsed {
    tree: Tree,
    entity_issues: Vec<(String, usize)>,
}

enum TmpVal {
    Str(String),
    /// interned namespace id
    Ns(u32),
}

struct TmpAttr {
    name: String,
    value: Option<TmpVal>,
    offset: usize,
    alive: bool,
}

enum Undo {
    Default(Option<u32>),
    Orig(Option<String>),
    Map(String, Option<Option<u32>>),
}

/// `NamespaceNormalizationMap` as a scoped map with an undo log (Java copies the map
/// for every element; this keeps it linear).
#[derive(Default)]
struct NsState {
    default: Option<u32>,
    orig: Option<String>,
    map: HashMap<String, Option<u32>>,
    undo: Vec<Undo>,
}

impl NsState {
    fn set_default(&mut self, v: Option<u32>) {
        let old = std::mem::replace(&mut self.default, v);
        self.undo.push(Undo::Default(old));
    }

    fn set_orig(&mut self, v: Option<String>) {
        let old = std::mem::replace(&mut self.orig, v);
        self.undo.push(Undo::Orig(old));
    }

    fn put(&mut self, k: &str, v: Option<u32>) {
        let old = self.map.insert(k.to_string(), v);
        self.undo.push(Undo::Map(k.to_string(), old));
    }

    fn remove(&mut self, k: &str) {
        if let Some(old) = self.map.remove(k) {
            self.undo.push(Undo::Map(k.to_string(), Some(old)));
        }
    }

    fn undo_to(&mut self, mark: usize) {
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

struct Frame {
    node: usize,
    mark: usize,
}

struct Parser<'a> {
    src: &'a str,
    /// Java stops at U+FFFF (its END_OF_CHARS)
    limit: usize,
    pos: usize,
    line: u32,
    col: u32,
    last_nl: char,
    tree: Tree,
    text: String,
    text_off: usize,
    last_text: Option<usize>,
    entity_issues: Vec<(String, usize)>,
    declared: HashMap<String, String>,
    ns: NsState,
    ns_ids: HashMap<String, u32>,
    ns_spans: Vec<Span>,
    tmp: Vec<TmpAttr>,
    tmp_index: HashMap<String, usize>,
    tmp_live: usize,
    tmp_peak: usize,
}

const UNDEFINED_NS: &str = "http://error/undefined-namespace";

fn parse(src: &str) -> Result<Parsed, PErr> {
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

fn split_name(raw: &str) -> (Option<&str>, &str) {
    match raw.split_once(':') {
        Some((p, l)) => (Some(p), l),
        None => (None, raw),
    }
}

fn show(c: Option<char>) -> char {
    c.unwrap_or('\u{FFFF}')
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        if self.pos >= self.limit {
            return None;
        }
        self.src.get(self.pos..).and_then(|s| s.chars().next())
    }

    fn peek2(&self) -> Option<char> {
        let mut it = self.src.get(self.pos..)?.chars();
        let c1 = it.next()?;
        if self.pos + c1.len_utf8() >= self.limit {
            return None;
        }
        it.next()
    }

    fn read(&mut self) -> Option<char> {
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

    fn loc(&self) -> String {
        format!(" at line {} column {}", self.line, self.col)
    }

    fn err(&self, msg: String) -> PErr {
        PErr {
            msg,
            offset: self.pos.min(self.src.len()),
        }
    }

    fn err_at(&self, msg: String, offset: usize) -> PErr {
        PErr {
            msg,
            offset: offset.min(self.src.len()),
        }
    }

    fn unexpected_end(&self) -> PErr {
        self.err(format!(
            "Unexpected termination of html source{}",
            self.loc()
        ))
    }

    fn last_text(&self) -> &str {
        self.last_text.map(|i| self.tree.name(i)).unwrap_or("")
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(c) if java_ws(c)) {
            self.read();
        }
    }

    fn intern(&mut self, v: &str) -> u32 {
        if let Some(id) = self.ns_ids.get(v) {
            return *id;
        }
        let span = self.tree.add_str(v);
        let id = to_u32(self.ns_spans.len());
        self.ns_spans.push(span);
        self.ns_ids.insert(v.to_string(), id);
        id
    }

    fn new_node(&mut self, kind: Kind, s: &str, parent: u32, offset: usize) -> usize {
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

    fn flush_text(&mut self, cur: usize) {
        if !self.text.is_empty() {
            let t = std::mem::take(&mut self.text);
            let idx = self.new_node(Kind::Text, &t, to_u32(cur), self.text_off);
            self.last_text = Some(idx);
            self.text = t;
            self.text.clear();
        }
    }

    fn read_name(&mut self) -> String {
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

    fn run(&mut self) -> Result<(), PErr> {
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
    fn skip_prolog(&mut self) -> Result<(), PErr> {
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

    fn read_to_tag_end(&mut self) -> Result<String, PErr> {
        let mut s = String::new();
        loop {
            match self.read() {
                Some('>') => return Ok(s),
                Some(c) => s.push(c),
                None => return Err(self.unexpected_end()),
            }
        }
    }

    fn read_to_comment_end(&mut self, simple: bool, bang_done: bool) -> Result<String, PErr> {
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
    fn parse_doctype_entities(&mut self, s: &str) -> Result<(), PErr> {
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

    fn read_cdata(&mut self) -> Result<(), PErr> {
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

    fn parse_content(&mut self, root: usize) -> Result<(), PErr> {
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

    fn parse_element(&mut self, parent: usize, lt: usize) -> Result<Option<Frame>, PErr> {
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

    fn parse_script_inner(&mut self, node: usize) {
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

    fn tmp_put(&mut self, name: &str, value: Option<TmpVal>, offset: usize) {
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

    fn parse_attributes(&mut self, el: &str) -> Result<(), PErr> {
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

    fn parse_attr_value(&mut self, term: Option<char>) -> Result<String, PErr> {
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
    fn normalize(&mut self, prefix: Option<&str>, is_root: bool) -> Result<(), PErr> {
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

    fn commit_attrs(&mut self, node: usize) {
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

    fn parse_literal(&mut self, s: &mut String) -> Result<(), PErr> {
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

    fn push_code_point(&self, s: &mut String, v: i32, amp: usize) -> Result<(), PErr> {
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

// ---------------------------------------------------------------------------
// txt-1 / txt-2 (FHIRPathEngine.checkHtmlNames / checkForContent)

/// Offset of the first node that makes txt-1 fail.
fn txt1_failure(tree: &Tree) -> Option<usize> {
    for i in 0..tree.len() {
        match tree.kind(i) {
            Some(Kind::Comment) if tree.name(i).starts_with("DOCTYPE") => {
                return Some(tree.offset(i));
            }
            Some(Kind::Element) => {
                let name = tree.name(i);
                if !html_element(name) {
                    return Some(tree.offset(i));
                }
                for a in tree.attrs(i) {
                    let an = tree.str_of(a.name);
                    if !(attr_allowed(name, an) || an == "xml:space") {
                        return Some(a.offset as usize);
                    }
                }
            }
            _ => {}
        }
    }
    None
}

fn has_content(tree: &Tree) -> bool {
    (0..tree.len()).any(|i| match tree.kind(i) {
        Some(Kind::Text) => !java_trim(tree.name(i)).is_empty(),
        Some(Kind::Element) => tree.name(i) == "img",
        _ => false,
    })
}

// ---------------------------------------------------------------------------
// XhtmlValidator

fn validate_tree(tree: &Tree, options: &XhtmlOptions, out: &mut Issues) {
    let n = tree.len();
    let root_off = tree.offset(ROOT);

    // namespace of the root, then of every element below
    let ns = tree.attr_value(ROOT, "xmlns");
    if ns != Some(XHTML_NS) {
        out.push(
            Severity::Error,
            "invalid",
            format!(
                "Wrong namespace on the XHTML ('{}', should be '{XHTML_NS}')",
                clip(ns.unwrap_or("null"))
            ),
            None,
            root_off,
        );
    }
    for i in 1..n {
        if !tree.is_element(i) {
            continue;
        }
        if let Some(ns) = tree.attr_value(i, "xmlns")
            && ns != XHTML_NS
        {
            out.push(
                Severity::Error,
                "invalid",
                format!(
                    "Wrong namespace on the XHTML ('{}', should be '{XHTML_NS}')",
                    clip(ns)
                ),
                None,
                tree.offset(i),
            );
        }
    }
    if tree.name(ROOT) != "div" {
        out.push(
            Severity::Error,
            "invalid",
            format!(
                "Wrong name on the XHTML ('{}') - must start with div",
                clip(tree.name(ROOT))
            ),
            None,
            root_off,
        );
    }

    // checkInnerNames
    let mut para_below = vec![false; n];
    for i in 1..n {
        let in_para = match tree.parent(i) {
            Some(p) if p != ROOT => para_below.get(p).copied().unwrap_or(false),
            _ => false,
        };
        match tree.kind(i) {
            Some(Kind::Comment) if tree.name(i).starts_with("DOCTYPE") => out.push(
                Severity::Error,
                "invalid",
                "Malformed XHTML: Found a DocType declaration, and these are not allowed (XXE security vulnerability protection)".to_string(),
                None,
                tree.offset(i),
            ),
            Some(Kind::Element) => {
                let name = tree.name(i);
                if let Some(slot) = para_below.get_mut(i) {
                    *slot = in_para || name == "p";
                }
                if !html_element(name) {
                    out.push(
                        Severity::Error,
                        "invalid",
                        format!("Invalid element name in the XHTML ('{name}')"),
                        None,
                        tree.offset(i),
                    );
                }
                for a in tree.attrs_java_order(i) {
                    let an = tree.str_of(a.name);
                    if attr_allowed(name, an) {
                        continue;
                    }
                    if an == "xml:space" {
                        out.push(
                            Severity::Information,
                            "invalid",
                            format!("The attribute '{an}' on '{name}' is legal but ignored in FHIR narrative"),
                            None,
                            a.offset as usize,
                        );
                    } else {
                        out.push(
                            Severity::Error,
                            "invalid",
                            format!("Invalid attribute name in the XHTML ('{an}' on '{name}')"),
                            None,
                            a.offset as usize,
                        );
                    }
                }
                if in_para && matches!(name, "div" | "blockquote" | "table" | "ol" | "ul" | "p") {
                    out.push(
                        Severity::Error,
                        "invalid",
                        format!("Invalid element name inside a paragraph in the XHTML ('{name}')"),
                        None,
                        tree.offset(i),
                    );
                }
            }
            _ => {}
        }
    }

    // checkUrls
    for i in 1..n {
        if !tree.is_element(i) {
            continue;
        }
        let attr = match tree.name(i) {
            "a" => "href",
            "img" => "src",
            _ => continue,
        };
        if let Some(v) = tree.attr_value(i, attr)
            && let Some(msg) = check_valid_url(v)
        {
            out.push(
                Severity::Error,
                "invalid",
                format!("The URL is not valid because '({msg})': {v}"),
                None,
                tree.offset(i),
            );
        }
    }

    // internal links (InstanceValidator.checkReferences / checkImageSources)
    if let Some(local) = &options.local_ids {
        let anchors = collect_anchors(tree);
        let hashes = tree.path_hashes();
        let known: HashSet<&str> = local
            .iter()
            .map(String::as_str)
            .chain(anchors.ids.iter().map(String::as_str))
            .chain(anchors.names.iter().map(String::as_str))
            .collect();
        for image in [false, true] {
            for l in anchors.links.iter().filter(|l| l.image == image) {
                if !l.target.is_empty() && !known.contains(l.target.as_str()) {
                    out.push_keyed(
                        Severity::Error,
                        "invalid",
                        l.unresolved_message(),
                        None,
                        l.offset,
                        hashes.get(l.node).copied().unwrap_or(0),
                    );
                }
            }
        }
    }

    if options.structure_checks {
        check_structure(tree, out);
    }
    check_mixed_langs(tree, out);
    check_duplicate_ids(tree, out);
}

const STRUCT_NAMES: [&str; 25] = [
    "div", "pre", "table", "ul", "ol", "a", "b", "em", "i", "strong", "small", "big", "sub", "sup",
    "code", "tt", "dfn", "q", "var", "abbr", "acronym", "cite", "bdo", "kbd", "samp",
];
const BLOCK_MASK: u32 = 0b11111;

fn struct_bit(name: &str) -> u32 {
    STRUCT_NAMES
        .iter()
        .position(|n| *n == name)
        .map(|p| 1u32 << p)
        .unwrap_or(0)
}

fn mask_names(mask: u32) -> String {
    STRUCT_NAMES
        .iter()
        .enumerate()
        .filter(|(k, _)| mask & (1u32 << k) != 0)
        .map(|(_, n)| *n)
        .collect::<Vec<_>>()
        .join(",")
}

/// `XhtmlValidator.checkXhtmlStructure` (rules dated 2025-06-16).
fn check_structure(tree: &Tree, out: &mut Issues) {
    let n = tree.len();
    // names (from STRUCT_NAMES) present strictly below each node
    let mut below = vec![0u32; n];
    for i in (1..n).rev() {
        if !tree.is_element(i) {
            continue;
        }
        let own = below.get(i).copied().unwrap_or(0) | struct_bit(tree.name(i));
        if let Some(p) = tree.parent(i)
            && let Some(slot) = below.get_mut(p)
        {
            *slot |= own;
        }
    }
    let hashes = tree.path_hashes();
    let err = |out: &mut Issues, i: usize, msg: String| {
        let disc = hashes.get(i).copied().unwrap_or(0);
        out.push_keyed(
            Severity::Error,
            "structure",
            msg,
            None,
            tree.offset(i),
            disc,
        );
    };
    for i in 1..n {
        if !tree.is_element(i) {
            continue;
        }
        let name = tree.name(i);
        let sub = below.get(i).copied().unwrap_or(0);
        let p_rules = |out: &mut Issues| {
            if sub & BLOCK_MASK != 0 {
                err(
                    out,
                    i,
                    format!(
                        "Found block structures inside a paragraph/text element {name} at {}: {}",
                        tree.path(i),
                        mask_names(sub & BLOCK_MASK)
                    ),
                );
            }
        };
        let parent_in = |out: &mut Issues, allowed: &[&str]| {
            let pname = tree.parent(i).map(|p| tree.name(p)).unwrap_or("");
            if !allowed.contains(&pname) {
                err(
                    out,
                    i,
                    format!(
                        "Elements of type {name} must be in a {}, not a {pname} at {}",
                        allowed.join("|"),
                        tree.path(i)
                    ),
                );
            }
        };
        let only_children = |out: &mut Issues, allowed: &[&str]| {
            let mut bad: Vec<&str> = Vec::new();
            for c in tree.children(i) {
                match tree.kind(c) {
                    Some(Kind::Text) if !is_blank_ws(tree.name(c)) => bad.push("@text"),
                    Some(Kind::Element) if !allowed.contains(&tree.name(c)) => {
                        bad.push(tree.name(c))
                    }
                    _ => {}
                }
            }
            if !bad.is_empty() {
                err(
                    out,
                    i,
                    format!(
                        "Elements of type {name} at {} cannot have the following children: {}",
                        tree.path(i),
                        bad.join(",")
                    ),
                );
            }
        };
        let no_children = |out: &mut Issues| {
            if tree.has_children(i) {
                err(
                    out,
                    i,
                    format!(
                        "Elements of type {name} cannot have children (at {})",
                        tree.path(i)
                    ),
                );
            }
        };
        match name {
            "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "pre" | "address" | "span" => {
                p_rules(out)
            }
            "br" | "img" | "hr" | "area" => no_children(out),
            "a" | "b" | "em" | "i" | "strong" | "small" | "big" | "sub" | "sup" | "code" | "tt"
            | "dfn" | "q" | "var" | "abbr" | "acronym" | "cite" | "bdo" | "kbd" | "samp" => {
                p_rules(out);
                if sub & struct_bit(name) != 0 {
                    err(
                        out,
                        i,
                        format!(
                            "Elements of type {name} cannot contain other elements of type {name} (at {})",
                            tree.path(i)
                        ),
                    );
                }
            }
            "table" => only_children(
                out,
                &[
                    "tbody", "tr", "caption", "thead", "tfoot", "col", "colgroup",
                ],
            ),
            "tr" => {
                parent_in(out, &["table", "thead", "tfoot", "tbody"]);
                only_children(out, &["td", "th"]);
            }
            "tbody" | "thead" | "tfoot" => {
                parent_in(out, &["table"]);
                only_children(out, &["tr"]);
            }
            "ul" | "ol" => only_children(out, &["li"]),
            "caption" => {
                p_rules(out);
                parent_in(out, &["table"]);
            }
            "colgroup" | "col" => parent_in(out, &["table"]),
            "th" | "td" => parent_in(out, &["tr", "thead", "tfoot"]),
            "li" => parent_in(out, &["ul", "ol"]),
            "dl" => only_children(out, &["dd", "dt"]),
            "dd" | "dt" => {
                p_rules(out);
                parent_in(out, &["dl"]);
            }
            "map" => only_children(out, &["area"]),
            _ => {}
        }
    }
}

/// `XhtmlValidator.checkMixedLangs` (warning, dated 2025-06-07).
fn check_mixed_langs(tree: &Tree, out: &mut Issues) {
    let mut langs: Vec<&str> = Vec::new();
    let mut non_lang = false;
    for c in tree.children(ROOT) {
        match tree.kind(c) {
            Some(Kind::Element) if tree.name(c) == "div" && tree.attr(c, "xml:lang").is_some() => {
                let l = tree.attr_value(c, "xml:lang").unwrap_or("null");
                if !langs.contains(&l) {
                    langs.push(l);
                }
            }
            Some(Kind::Text) if !is_blank_ws(tree.name(c)) => non_lang = true,
            _ => {}
        }
    }
    if !langs.is_empty() && non_lang {
        out.push(
            Severity::Warning,
            "business-rule",
            format!(
                "The narrative has language sections (xml:lang = {}) and also content that is not in any language section",
                langs.join(", ")
            ),
            None,
            tree.offset(ROOT),
        );
    }
}

/// `XhtmlValidator.checkForDuplicateIds` (warning, dated 2025-06-12).
fn check_duplicate_ids<'t>(tree: &'t Tree, out: &mut Issues) {
    let mut seen: HashSet<Option<&'t str>> = HashSet::new();
    let mut dups: HashMap<Option<&'t str>, usize> = HashMap::new();
    let mut first_dup: Option<usize> = None;
    let mut note = |v: Option<&'t str>, off: usize| {
        if seen.insert(v) {
            return;
        }
        let e = dups.entry(v).or_insert(1);
        *e += 1;
        first_dup.get_or_insert(off);
    };
    for i in 1..tree.len() {
        if !tree.is_element(i) {
            continue;
        }
        let id = tree.attr(i, "id");
        if let Some(v) = id {
            note(v, tree.offset(i));
        }
        if tree.name(i) == "a"
            && let Some(name) = tree.attr(i, "name")
        {
            let same = matches!((name, id), (Some(a), Some(Some(b))) if a == b);
            if !same {
                note(name, tree.offset(i));
            }
        }
    }
    if dups.is_empty() {
        return;
    }
    let mut summary: Vec<(String, usize)> = dups
        .into_iter()
        .map(|(k, c)| (k.unwrap_or("null").to_string(), c))
        .collect();
    summary.sort();
    let text = summary
        .iter()
        .map(|(k, c)| format!("{k} ({c}x)"))
        .collect::<Vec<_>>()
        .join(", ");
    out.push(
        Severity::Warning,
        "business-rule",
        format!("Duplicate ids found in the XHTML: {text}"),
        None,
        first_dup.unwrap_or(0),
    );
}

fn collect_anchors(tree: &Tree) -> Anchors {
    let mut a = Anchors::default();
    let mut next_text: Option<Vec<u32>> = None;
    for i in 0..tree.len() {
        if !tree.is_element(i) {
            continue;
        }
        let name = tree.name(i);
        if let Some(id) = tree.attr_value(i, "id") {
            a.ids.push(id.to_string());
        }
        if let Some(r) = tree.attr_value(i, "idref") {
            a.idrefs.push((r.to_string(), tree.offset(i)));
        }
        let link = match name {
            "a" => {
                if let Some(nm) = tree.attr_value(i, "name") {
                    a.names.push(nm.to_string());
                }
                tree.attr_value(i, "href").map(|h| (h, false))
            }
            "img" => tree.attr_value(i, "src").map(|s| (s, true)),
            _ => None,
        };
        let Some((href, image)) = link else {
            continue;
        };
        let Some(target) = href.strip_prefix('#') else {
            continue;
        };
        let text = if image {
            String::new()
        } else {
            let jumps = next_text.get_or_insert_with(|| build_next_text(tree));
            link_text(tree, jumps, i)
        };
        if !image {
            a.internal_links.push((target.to_string(), tree.offset(i)));
        }
        a.links.push(InternalLink {
            href: href.to_string(),
            target: target.to_string(),
            offset: tree.offset(i),
            path: tree.path(i),
            text,
            image,
            node: i,
        });
    }
    a
}

/// `next[i]` = first text node at index >= i (or `NONE`)
fn build_next_text(tree: &Tree) -> Vec<u32> {
    let n = tree.len();
    let mut v = vec![NONE; n + 1];
    for i in (0..n).rev() {
        let nx = if tree.kind(i) == Some(Kind::Text) {
            to_u32(i)
        } else {
            v.get(i + 1).copied().unwrap_or(NONE)
        };
        if let Some(slot) = v.get_mut(i) {
            *slot = nx;
        }
    }
    v
}

fn link_text(tree: &Tree, next: &[u32], i: usize) -> String {
    let end = tree.end(i);
    let mut s = String::new();
    let mut count = 0usize;
    let mut j = next.get(i + 1).copied().unwrap_or(NONE);
    while j != NONE && (j as usize) < end && count < MAX_LINK_TEXT {
        for ch in tree.name(j as usize).chars() {
            if count >= MAX_LINK_TEXT {
                break;
            }
            s.push(ch);
            count += 1;
        }
        j = next.get(j as usize + 1).copied().unwrap_or(NONE);
    }
    s
}

// ---------------------------------------------------------------------------
// UrlUtil.checkValidUrl

fn check_valid_url(v: &str) -> Option<String> {
    if v.is_empty() {
        return Some("The URL is empty".to_string());
    }
    if let Some(rest) = v.strip_prefix("data:") {
        let mut p: Vec<&str> = rest.split(',').collect();
        if p.len() > 1 {
            while p.last() == Some(&"") {
                p.pop();
            }
        }
        let (p0, p1) = match p.as_slice() {
            [a, b] => (*a, *b),
            [_, _, _, ..] => {
                return Some(format!("The data: URL '{v}' has more than one comma"));
            }
            _ => return Some(format!("The data: URL '{v}' has no data")),
        };
        if p0.ends_with(";base64") && !is_valid_base64(p1) {
            return Some(format!(
                "The data: URL '{v}' does not have valid base64 data"
            ));
        }
        let p0 = if p0.starts_with(' ') {
            p0.trim_matches(|c: char| java_ws(c) || c == '\u{A0}')
        } else {
            p0
        };
        let mt = match p0.strip_suffix(";base64") {
            Some(_) => p0.rfind(';').and_then(|k| p0.get(..k)).unwrap_or(p0),
            None => p0,
        };
        if !java_trim(mt).is_empty() && !mime_type_ok(mt) {
            return Some(format!(
                "The data: URL '{v}' has an invalid mime type: Mime type invalid"
            ));
        }
        return None;
    }
    let mut count = 0usize;
    let mut bad: Vec<String> = Vec::new();
    for ch in v.chars() {
        let ok = (ch as u32) <= 0xFFFF
            && (java_is_digit(ch) || ch.is_alphabetic() || ";?:@&=+$.,/%-_~#[]!'()*|".contains(ch));
        if !ok {
            count += ch.len_utf16();
            let q = format!("'{ch}'");
            if !bad.contains(&q) {
                bad.push(q);
            }
        }
    }
    if bad.is_empty() {
        return None;
    }
    bad.sort();
    Some(if count == 1 {
        format!("URL contains an invalid character ({})", bad.join(","))
    } else {
        format!(
            "URL contains {count} invalid characters ({})",
            bad.join(",")
        )
    })
}

fn is_valid_base64(s: &str) -> bool {
    let n = s
        .chars()
        .filter(|&c| java_letter_or_digit(c) || matches!(c, '/' | '=' | '+'))
        .count();
    n == 0 || n % 4 == 0
}

/// `^(\w+|\*)/([\w-+]+|\*)((;\s*(\w+)=\s*(\S+))?)$`
fn mime_type_ok(mt: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r');
    let Some((ty, rest)) = mt.split_once('/') else {
        return false;
    };
    if !(ty == "*" || (!ty.is_empty() && ty.chars().all(word))) {
        return false;
    }
    let (sub, param) = match rest.find(';') {
        Some(k) => (rest.get(..k).unwrap_or(""), rest.get(k + 1..)),
        None => (rest, None),
    };
    let sub_ok =
        sub == "*" || (!sub.is_empty() && sub.chars().all(|c| word(c) || c == '-' || c == '+'));
    if !sub_ok {
        return false;
    }
    let Some(param) = param else {
        return true;
    };
    let param = param.trim_start_matches(space);
    let Some((key, val)) = param.split_once('=') else {
        return false;
    };
    let val = val.trim_start_matches(space);
    !key.is_empty() && key.chars().all(word) && !val.is_empty() && !val.chars().any(space)
}

// ---------------------------------------------------------------------------
// Java character semantics and the allowed names

/// Long values quoted in messages are cut (a namespace declared once can be quoted by
/// every element below it).
fn clip(s: &str) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(MAX_VALUE_IN_MESSAGE) {
        Some((k, _)) => std::borrow::Cow::Owned(format!("{}...", s.get(..k).unwrap_or(""))),
        None => std::borrow::Cow::Borrowed(s),
    }
}

/// `Character.isWhitespace`
fn java_ws(c: char) -> bool {
    match c {
        '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r' | '\u{1C}'..='\u{1F}' => true,
        '\u{85}' | '\u{A0}' | '\u{2007}' | '\u{202F}' => false,
        _ => c.is_whitespace(),
    }
}

/// `Character.isLetterOrDigit(char)`; supplementary characters are surrogate pairs in
/// Java and never letters.
fn java_letter_or_digit(c: char) -> bool {
    (c as u32) <= 0xFFFF && (c.is_alphabetic() || java_is_digit(c))
}

/// `Character.isDigit` (general category Nd), approximated
fn java_is_digit(c: char) -> bool {
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

fn is_name_char(c: char) -> bool {
    java_letter_or_digit(c) || matches!(c, '_' | '-' | ':' | '.')
}

/// `String.trim()`
fn java_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

/// `!StringUtils.isNotBlank`
fn is_blank_ws(s: &str) -> bool {
    s.chars().all(java_ws)
}

/// `String.hashCode()`
fn java_string_hash(s: &str) -> i32 {
    let mut h: i32 = 0;
    for u in s.encode_utf16() {
        h = h.wrapping_mul(31).wrapping_add(i32::from(u));
    }
    h
}

/// `Integer.parseInt(s, radix)` (ASCII digits)
fn java_parse_int(s: &str, radix: u32) -> Option<i32> {
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

/// `XhtmlValidator.HTML_ELEMENTS` (also FHIRPath `checkHtmlNames`)
fn html_element(name: &str) -> bool {
    matches!(
        name,
        "p" | "br"
            | "div"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "a"
            | "span"
            | "b"
            | "em"
            | "i"
            | "strong"
            | "small"
            | "big"
            | "tt"
            | "dfn"
            | "q"
            | "var"
            | "abbr"
            | "acronym"
            | "cite"
            | "blockquote"
            | "hr"
            | "address"
            | "bdo"
            | "kbd"
            | "sub"
            | "sup"
            | "ul"
            | "ol"
            | "li"
            | "dl"
            | "dt"
            | "dd"
            | "pre"
            | "table"
            | "caption"
            | "colgroup"
            | "col"
            | "thead"
            | "tr"
            | "tfoot"
            | "tbody"
            | "th"
            | "td"
            | "code"
            | "samp"
            | "img"
            | "map"
            | "area"
    )
}

/// `an.startsWith("xmlns") || HTML_ATTRIBUTES.contains(an) || HTML_COMBO_LIST.contains(el.an)`
fn attr_allowed(el: &str, an: &str) -> bool {
    if an.starts_with("xmlns") {
        return true;
    }
    if matches!(
        an,
        "title"
            | "style"
            | "class"
            | "id"
            | "lang"
            | "xml:lang"
            | "dir"
            | "accesskey"
            | "tabindex"
            | "span"
            | "width"
            | "align"
            | "valign"
            | "char"
            | "charoff"
            | "abbr"
            | "axis"
            | "headers"
            | "scope"
            | "rowspan"
            | "colspan"
    ) {
        return true;
    }
    match el {
        "a" => matches!(
            an,
            "href" | "name" | "charset" | "type" | "hreflang" | "rel" | "rev" | "shape" | "coords"
        ),
        "img" => matches!(
            an,
            "src" | "border" | "alt" | "longdesc" | "height" | "width" | "usemap" | "ismap"
        ),
        "div" => an == "xmlns",
        "blockquote" | "q" => an == "cite",
        "map" => an == "name",
        "area" => matches!(an, "shape" | "coords" | "href" | "nohref" | "alt"),
        "table" => matches!(
            an,
            "summary" | "width" | "border" | "frame" | "rules" | "cellspacing" | "cellpadding"
        ),
        "pre" => an == "space",
        "td" => an == "nowrap",
        _ => false,
    }
}

fn lookup_entity(name: &str) -> Option<&'static str> {
    HTML_ENTITIES
        .binary_search_by(|(n, _)| (*n).cmp(name))
        .ok()
        .and_then(|k| HTML_ENTITIES.get(k))
        .map(|(_, v)| *v)
}

/// `XhtmlParser.DEFINED_ENTITIES`: the HTML5 named character references (those with a
/// `;`), without `AMP`, `GT`, `LT` and `QUOT` (commented out in Java). Sorted.
#[rustfmt::skip]
static HTML_ENTITIES: &[(&str, &str)] = &[
    ("AElig","\u{c6}"),("Aacute","\u{c1}"),("Abreve","\u{102}"),("Acirc","\u{c2}"),
    ("Acy","\u{410}"),("Afr","\u{1d504}"),("Agrave","\u{c0}"),("Alpha","\u{391}"),
    ("Amacr","\u{100}"),("And","\u{2a53}"),("Aogon","\u{104}"),("Aopf","\u{1d538}"),
    ("ApplyFunction","\u{2061}"),("Aring","\u{c5}"),("Ascr","\u{1d49c}"),("Assign","\u{2254}"),
    ("Atilde","\u{c3}"),("Auml","\u{c4}"),("Backslash","\u{2216}"),("Barv","\u{2ae7}"),
    ("Barwed","\u{2306}"),("Bcy","\u{411}"),("Because","\u{2235}"),("Bernoullis","\u{212c}"),
    ("Beta","\u{392}"),("Bfr","\u{1d505}"),("Bopf","\u{1d539}"),("Breve","\u{2d8}"),
    ("Bscr","\u{212c}"),("Bumpeq","\u{224e}"),("CHcy","\u{427}"),("COPY","\u{a9}"),
    ("Cacute","\u{106}"),("Cap","\u{22d2}"),("CapitalDifferentialD","\u{2145}"),
    ("Cayleys","\u{212d}"),("Ccaron","\u{10c}"),("Ccedil","\u{c7}"),("Ccirc","\u{108}"),
    ("Cconint","\u{2230}"),("Cdot","\u{10a}"),("Cedilla","\u{b8}"),("CenterDot","\u{b7}"),
    ("Cfr","\u{212d}"),("Chi","\u{3a7}"),("CircleDot","\u{2299}"),("CircleMinus","\u{2296}"),
    ("CirclePlus","\u{2295}"),("CircleTimes","\u{2297}"),("ClockwiseContourIntegral","\u{2232}"),
    ("CloseCurlyDoubleQuote","\u{201d}"),("CloseCurlyQuote","\u{2019}"),("Colon","\u{2237}"),
    ("Colone","\u{2a74}"),("Congruent","\u{2261}"),("Conint","\u{222f}"),
    ("ContourIntegral","\u{222e}"),("Copf","\u{2102}"),("Coproduct","\u{2210}"),
    ("CounterClockwiseContourIntegral","\u{2233}"),("Cross","\u{2a2f}"),("Cscr","\u{1d49e}"),
    ("Cup","\u{22d3}"),("CupCap","\u{224d}"),("DD","\u{2145}"),("DDotrahd","\u{2911}"),
    ("DJcy","\u{402}"),("DScy","\u{405}"),("DZcy","\u{40f}"),("Dagger","\u{2021}"),
    ("Darr","\u{21a1}"),("Dashv","\u{2ae4}"),("Dcaron","\u{10e}"),("Dcy","\u{414}"),
    ("Del","\u{2207}"),("Delta","\u{394}"),("Dfr","\u{1d507}"),("DiacriticalAcute","\u{b4}"),
    ("DiacriticalDot","\u{2d9}"),("DiacriticalDoubleAcute","\u{2dd}"),("DiacriticalGrave","`"),
    ("DiacriticalTilde","\u{2dc}"),("Diamond","\u{22c4}"),("DifferentialD","\u{2146}"),
    ("Dopf","\u{1d53b}"),("Dot","\u{a8}"),("DotDot","\u{20dc}"),("DotEqual","\u{2250}"),
    ("DoubleContourIntegral","\u{222f}"),("DoubleDot","\u{a8}"),("DoubleDownArrow","\u{21d3}"),
    ("DoubleLeftArrow","\u{21d0}"),("DoubleLeftRightArrow","\u{21d4}"),
    ("DoubleLeftTee","\u{2ae4}"),("DoubleLongLeftArrow","\u{27f8}"),
    ("DoubleLongLeftRightArrow","\u{27fa}"),("DoubleLongRightArrow","\u{27f9}"),
    ("DoubleRightArrow","\u{21d2}"),("DoubleRightTee","\u{22a8}"),("DoubleUpArrow","\u{21d1}"),
    ("DoubleUpDownArrow","\u{21d5}"),("DoubleVerticalBar","\u{2225}"),("DownArrow","\u{2193}"),
    ("DownArrowBar","\u{2913}"),("DownArrowUpArrow","\u{21f5}"),("DownBreve","\u{311}"),
    ("DownLeftRightVector","\u{2950}"),("DownLeftTeeVector","\u{295e}"),
    ("DownLeftVector","\u{21bd}"),("DownLeftVectorBar","\u{2956}"),
    ("DownRightTeeVector","\u{295f}"),("DownRightVector","\u{21c1}"),
    ("DownRightVectorBar","\u{2957}"),("DownTee","\u{22a4}"),("DownTeeArrow","\u{21a7}"),
    ("Downarrow","\u{21d3}"),("Dscr","\u{1d49f}"),("Dstrok","\u{110}"),("ENG","\u{14a}"),
    ("ETH","\u{d0}"),("Eacute","\u{c9}"),("Ecaron","\u{11a}"),("Ecirc","\u{ca}"),("Ecy","\u{42d}"),
    ("Edot","\u{116}"),("Efr","\u{1d508}"),("Egrave","\u{c8}"),("Element","\u{2208}"),
    ("Emacr","\u{112}"),("EmptySmallSquare","\u{25fb}"),("EmptyVerySmallSquare","\u{25ab}"),
    ("Eogon","\u{118}"),("Eopf","\u{1d53c}"),("Epsilon","\u{395}"),("Equal","\u{2a75}"),
    ("EqualTilde","\u{2242}"),("Equilibrium","\u{21cc}"),("Escr","\u{2130}"),("Esim","\u{2a73}"),
    ("Eta","\u{397}"),("Euml","\u{cb}"),("Exists","\u{2203}"),("ExponentialE","\u{2147}"),
    ("Fcy","\u{424}"),("Ffr","\u{1d509}"),("FilledSmallSquare","\u{25fc}"),
    ("FilledVerySmallSquare","\u{25aa}"),("Fopf","\u{1d53d}"),("ForAll","\u{2200}"),
    ("Fouriertrf","\u{2131}"),("Fscr","\u{2131}"),("GJcy","\u{403}"),("Gamma","\u{393}"),
    ("Gammad","\u{3dc}"),("Gbreve","\u{11e}"),("Gcedil","\u{122}"),("Gcirc","\u{11c}"),
    ("Gcy","\u{413}"),("Gdot","\u{120}"),("Gfr","\u{1d50a}"),("Gg","\u{22d9}"),
    ("Gopf","\u{1d53e}"),("GreaterEqual","\u{2265}"),("GreaterEqualLess","\u{22db}"),
    ("GreaterFullEqual","\u{2267}"),("GreaterGreater","\u{2aa2}"),("GreaterLess","\u{2277}"),
    ("GreaterSlantEqual","\u{2a7e}"),("GreaterTilde","\u{2273}"),("Gscr","\u{1d4a2}"),
    ("Gt","\u{226b}"),("HARDcy","\u{42a}"),("Hacek","\u{2c7}"),("Hat","^"),("Hcirc","\u{124}"),
    ("Hfr","\u{210c}"),("HilbertSpace","\u{210b}"),("Hopf","\u{210d}"),
    ("HorizontalLine","\u{2500}"),("Hscr","\u{210b}"),("Hstrok","\u{126}"),
    ("HumpDownHump","\u{224e}"),("HumpEqual","\u{224f}"),("IEcy","\u{415}"),("IJlig","\u{132}"),
    ("IOcy","\u{401}"),("Iacute","\u{cd}"),("Icirc","\u{ce}"),("Icy","\u{418}"),("Idot","\u{130}"),
    ("Ifr","\u{2111}"),("Igrave","\u{cc}"),("Im","\u{2111}"),("Imacr","\u{12a}"),
    ("ImaginaryI","\u{2148}"),("Implies","\u{21d2}"),("Int","\u{222c}"),("Integral","\u{222b}"),
    ("Intersection","\u{22c2}"),("InvisibleComma","\u{2063}"),("InvisibleTimes","\u{2062}"),
    ("Iogon","\u{12e}"),("Iopf","\u{1d540}"),("Iota","\u{399}"),("Iscr","\u{2110}"),
    ("Itilde","\u{128}"),("Iukcy","\u{406}"),("Iuml","\u{cf}"),("Jcirc","\u{134}"),
    ("Jcy","\u{419}"),("Jfr","\u{1d50d}"),("Jopf","\u{1d541}"),("Jscr","\u{1d4a5}"),
    ("Jsercy","\u{408}"),("Jukcy","\u{404}"),("KHcy","\u{425}"),("KJcy","\u{40c}"),
    ("Kappa","\u{39a}"),("Kcedil","\u{136}"),("Kcy","\u{41a}"),("Kfr","\u{1d50e}"),
    ("Kopf","\u{1d542}"),("Kscr","\u{1d4a6}"),("LJcy","\u{409}"),("Lacute","\u{139}"),
    ("Lambda","\u{39b}"),("Lang","\u{27ea}"),("Laplacetrf","\u{2112}"),("Larr","\u{219e}"),
    ("Lcaron","\u{13d}"),("Lcedil","\u{13b}"),("Lcy","\u{41b}"),("LeftAngleBracket","\u{27e8}"),
    ("LeftArrow","\u{2190}"),("LeftArrowBar","\u{21e4}"),("LeftArrowRightArrow","\u{21c6}"),
    ("LeftCeiling","\u{2308}"),("LeftDoubleBracket","\u{27e6}"),("LeftDownTeeVector","\u{2961}"),
    ("LeftDownVector","\u{21c3}"),("LeftDownVectorBar","\u{2959}"),("LeftFloor","\u{230a}"),
    ("LeftRightArrow","\u{2194}"),("LeftRightVector","\u{294e}"),("LeftTee","\u{22a3}"),
    ("LeftTeeArrow","\u{21a4}"),("LeftTeeVector","\u{295a}"),("LeftTriangle","\u{22b2}"),
    ("LeftTriangleBar","\u{29cf}"),("LeftTriangleEqual","\u{22b4}"),
    ("LeftUpDownVector","\u{2951}"),("LeftUpTeeVector","\u{2960}"),("LeftUpVector","\u{21bf}"),
    ("LeftUpVectorBar","\u{2958}"),("LeftVector","\u{21bc}"),("LeftVectorBar","\u{2952}"),
    ("Leftarrow","\u{21d0}"),("Leftrightarrow","\u{21d4}"),("LessEqualGreater","\u{22da}"),
    ("LessFullEqual","\u{2266}"),("LessGreater","\u{2276}"),("LessLess","\u{2aa1}"),
    ("LessSlantEqual","\u{2a7d}"),("LessTilde","\u{2272}"),("Lfr","\u{1d50f}"),("Ll","\u{22d8}"),
    ("Lleftarrow","\u{21da}"),("Lmidot","\u{13f}"),("LongLeftArrow","\u{27f5}"),
    ("LongLeftRightArrow","\u{27f7}"),("LongRightArrow","\u{27f6}"),("Longleftarrow","\u{27f8}"),
    ("Longleftrightarrow","\u{27fa}"),("Longrightarrow","\u{27f9}"),("Lopf","\u{1d543}"),
    ("LowerLeftArrow","\u{2199}"),("LowerRightArrow","\u{2198}"),("Lscr","\u{2112}"),
    ("Lsh","\u{21b0}"),("Lstrok","\u{141}"),("Lt","\u{226a}"),("Map","\u{2905}"),("Mcy","\u{41c}"),
    ("MediumSpace","\u{205f}"),("Mellintrf","\u{2133}"),("Mfr","\u{1d510}"),
    ("MinusPlus","\u{2213}"),("Mopf","\u{1d544}"),("Mscr","\u{2133}"),("Mu","\u{39c}"),
    ("NJcy","\u{40a}"),("Nacute","\u{143}"),("Ncaron","\u{147}"),("Ncedil","\u{145}"),
    ("Ncy","\u{41d}"),("NegativeMediumSpace","\u{200b}"),("NegativeThickSpace","\u{200b}"),
    ("NegativeThinSpace","\u{200b}"),("NegativeVeryThinSpace","\u{200b}"),
    ("NestedGreaterGreater","\u{226b}"),("NestedLessLess","\u{226a}"),("NewLine","\u{a}"),
    ("Nfr","\u{1d511}"),("NoBreak","\u{2060}"),("NonBreakingSpace","\u{a0}"),("Nopf","\u{2115}"),
    ("Not","\u{2aec}"),("NotCongruent","\u{2262}"),("NotCupCap","\u{226d}"),
    ("NotDoubleVerticalBar","\u{2226}"),("NotElement","\u{2209}"),("NotEqual","\u{2260}"),
    ("NotEqualTilde","\u{2242}\u{338}"),("NotExists","\u{2204}"),("NotGreater","\u{226f}"),
    ("NotGreaterEqual","\u{2271}"),("NotGreaterFullEqual","\u{2267}\u{338}"),
    ("NotGreaterGreater","\u{226b}\u{338}"),("NotGreaterLess","\u{2279}"),
    ("NotGreaterSlantEqual","\u{2a7e}\u{338}"),("NotGreaterTilde","\u{2275}"),
    ("NotHumpDownHump","\u{224e}\u{338}"),("NotHumpEqual","\u{224f}\u{338}"),
    ("NotLeftTriangle","\u{22ea}"),("NotLeftTriangleBar","\u{29cf}\u{338}"),
    ("NotLeftTriangleEqual","\u{22ec}"),("NotLess","\u{226e}"),("NotLessEqual","\u{2270}"),
    ("NotLessGreater","\u{2278}"),("NotLessLess","\u{226a}\u{338}"),
    ("NotLessSlantEqual","\u{2a7d}\u{338}"),("NotLessTilde","\u{2274}"),
    ("NotNestedGreaterGreater","\u{2aa2}\u{338}"),("NotNestedLessLess","\u{2aa1}\u{338}"),
    ("NotPrecedes","\u{2280}"),("NotPrecedesEqual","\u{2aaf}\u{338}"),
    ("NotPrecedesSlantEqual","\u{22e0}"),("NotReverseElement","\u{220c}"),
    ("NotRightTriangle","\u{22eb}"),("NotRightTriangleBar","\u{29d0}\u{338}"),
    ("NotRightTriangleEqual","\u{22ed}"),("NotSquareSubset","\u{228f}\u{338}"),
    ("NotSquareSubsetEqual","\u{22e2}"),("NotSquareSuperset","\u{2290}\u{338}"),
    ("NotSquareSupersetEqual","\u{22e3}"),("NotSubset","\u{2282}\u{20d2}"),
    ("NotSubsetEqual","\u{2288}"),("NotSucceeds","\u{2281}"),
    ("NotSucceedsEqual","\u{2ab0}\u{338}"),("NotSucceedsSlantEqual","\u{22e1}"),
    ("NotSucceedsTilde","\u{227f}\u{338}"),("NotSuperset","\u{2283}\u{20d2}"),
    ("NotSupersetEqual","\u{2289}"),("NotTilde","\u{2241}"),("NotTildeEqual","\u{2244}"),
    ("NotTildeFullEqual","\u{2247}"),("NotTildeTilde","\u{2249}"),("NotVerticalBar","\u{2224}"),
    ("Nscr","\u{1d4a9}"),("Ntilde","\u{d1}"),("Nu","\u{39d}"),("OElig","\u{152}"),
    ("Oacute","\u{d3}"),("Ocirc","\u{d4}"),("Ocy","\u{41e}"),("Odblac","\u{150}"),
    ("Ofr","\u{1d512}"),("Ograve","\u{d2}"),("Omacr","\u{14c}"),("Omega","\u{3a9}"),
    ("Omicron","\u{39f}"),("Oopf","\u{1d546}"),("OpenCurlyDoubleQuote","\u{201c}"),
    ("OpenCurlyQuote","\u{2018}"),("Or","\u{2a54}"),("Oscr","\u{1d4aa}"),("Oslash","\u{d8}"),
    ("Otilde","\u{d5}"),("Otimes","\u{2a37}"),("Ouml","\u{d6}"),("OverBar","\u{203e}"),
    ("OverBrace","\u{23de}"),("OverBracket","\u{23b4}"),("OverParenthesis","\u{23dc}"),
    ("PartialD","\u{2202}"),("Pcy","\u{41f}"),("Pfr","\u{1d513}"),("Phi","\u{3a6}"),
    ("Pi","\u{3a0}"),("PlusMinus","\u{b1}"),("Poincareplane","\u{210c}"),("Popf","\u{2119}"),
    ("Pr","\u{2abb}"),("Precedes","\u{227a}"),("PrecedesEqual","\u{2aaf}"),
    ("PrecedesSlantEqual","\u{227c}"),("PrecedesTilde","\u{227e}"),("Prime","\u{2033}"),
    ("Product","\u{220f}"),("Proportion","\u{2237}"),("Proportional","\u{221d}"),
    ("Pscr","\u{1d4ab}"),("Psi","\u{3a8}"),("Qfr","\u{1d514}"),("Qopf","\u{211a}"),
    ("Qscr","\u{1d4ac}"),("RBarr","\u{2910}"),("REG","\u{ae}"),("Racute","\u{154}"),
    ("Rang","\u{27eb}"),("Rarr","\u{21a0}"),("Rarrtl","\u{2916}"),("Rcaron","\u{158}"),
    ("Rcedil","\u{156}"),("Rcy","\u{420}"),("Re","\u{211c}"),("ReverseElement","\u{220b}"),
    ("ReverseEquilibrium","\u{21cb}"),("ReverseUpEquilibrium","\u{296f}"),("Rfr","\u{211c}"),
    ("Rho","\u{3a1}"),("RightAngleBracket","\u{27e9}"),("RightArrow","\u{2192}"),
    ("RightArrowBar","\u{21e5}"),("RightArrowLeftArrow","\u{21c4}"),("RightCeiling","\u{2309}"),
    ("RightDoubleBracket","\u{27e7}"),("RightDownTeeVector","\u{295d}"),
    ("RightDownVector","\u{21c2}"),("RightDownVectorBar","\u{2955}"),("RightFloor","\u{230b}"),
    ("RightTee","\u{22a2}"),("RightTeeArrow","\u{21a6}"),("RightTeeVector","\u{295b}"),
    ("RightTriangle","\u{22b3}"),("RightTriangleBar","\u{29d0}"),("RightTriangleEqual","\u{22b5}"),
    ("RightUpDownVector","\u{294f}"),("RightUpTeeVector","\u{295c}"),("RightUpVector","\u{21be}"),
    ("RightUpVectorBar","\u{2954}"),("RightVector","\u{21c0}"),("RightVectorBar","\u{2953}"),
    ("Rightarrow","\u{21d2}"),("Ropf","\u{211d}"),("RoundImplies","\u{2970}"),
    ("Rrightarrow","\u{21db}"),("Rscr","\u{211b}"),("Rsh","\u{21b1}"),("RuleDelayed","\u{29f4}"),
    ("SHCHcy","\u{429}"),("SHcy","\u{428}"),("SOFTcy","\u{42c}"),("Sacute","\u{15a}"),
    ("Sc","\u{2abc}"),("Scaron","\u{160}"),("Scedil","\u{15e}"),("Scirc","\u{15c}"),
    ("Scy","\u{421}"),("Sfr","\u{1d516}"),("ShortDownArrow","\u{2193}"),
    ("ShortLeftArrow","\u{2190}"),("ShortRightArrow","\u{2192}"),("ShortUpArrow","\u{2191}"),
    ("Sigma","\u{3a3}"),("SmallCircle","\u{2218}"),("Sopf","\u{1d54a}"),("Sqrt","\u{221a}"),
    ("Square","\u{25a1}"),("SquareIntersection","\u{2293}"),("SquareSubset","\u{228f}"),
    ("SquareSubsetEqual","\u{2291}"),("SquareSuperset","\u{2290}"),
    ("SquareSupersetEqual","\u{2292}"),("SquareUnion","\u{2294}"),("Sscr","\u{1d4ae}"),
    ("Star","\u{22c6}"),("Sub","\u{22d0}"),("Subset","\u{22d0}"),("SubsetEqual","\u{2286}"),
    ("Succeeds","\u{227b}"),("SucceedsEqual","\u{2ab0}"),("SucceedsSlantEqual","\u{227d}"),
    ("SucceedsTilde","\u{227f}"),("SuchThat","\u{220b}"),("Sum","\u{2211}"),("Sup","\u{22d1}"),
    ("Superset","\u{2283}"),("SupersetEqual","\u{2287}"),("Supset","\u{22d1}"),("THORN","\u{de}"),
    ("TRADE","\u{2122}"),("TSHcy","\u{40b}"),("TScy","\u{426}"),("Tab","\u{9}"),("Tau","\u{3a4}"),
    ("Tcaron","\u{164}"),("Tcedil","\u{162}"),("Tcy","\u{422}"),("Tfr","\u{1d517}"),
    ("Therefore","\u{2234}"),("Theta","\u{398}"),("ThickSpace","\u{205f}\u{200a}"),
    ("ThinSpace","\u{2009}"),("Tilde","\u{223c}"),("TildeEqual","\u{2243}"),
    ("TildeFullEqual","\u{2245}"),("TildeTilde","\u{2248}"),("Topf","\u{1d54b}"),
    ("TripleDot","\u{20db}"),("Tscr","\u{1d4af}"),("Tstrok","\u{166}"),("Uacute","\u{da}"),
    ("Uarr","\u{219f}"),("Uarrocir","\u{2949}"),("Ubrcy","\u{40e}"),("Ubreve","\u{16c}"),
    ("Ucirc","\u{db}"),("Ucy","\u{423}"),("Udblac","\u{170}"),("Ufr","\u{1d518}"),
    ("Ugrave","\u{d9}"),("Umacr","\u{16a}"),("UnderBar","_"),("UnderBrace","\u{23df}"),
    ("UnderBracket","\u{23b5}"),("UnderParenthesis","\u{23dd}"),("Union","\u{22c3}"),
    ("UnionPlus","\u{228e}"),("Uogon","\u{172}"),("Uopf","\u{1d54c}"),("UpArrow","\u{2191}"),
    ("UpArrowBar","\u{2912}"),("UpArrowDownArrow","\u{21c5}"),("UpDownArrow","\u{2195}"),
    ("UpEquilibrium","\u{296e}"),("UpTee","\u{22a5}"),("UpTeeArrow","\u{21a5}"),
    ("Uparrow","\u{21d1}"),("Updownarrow","\u{21d5}"),("UpperLeftArrow","\u{2196}"),
    ("UpperRightArrow","\u{2197}"),("Upsi","\u{3d2}"),("Upsilon","\u{3a5}"),("Uring","\u{16e}"),
    ("Uscr","\u{1d4b0}"),("Utilde","\u{168}"),("Uuml","\u{dc}"),("VDash","\u{22ab}"),
    ("Vbar","\u{2aeb}"),("Vcy","\u{412}"),("Vdash","\u{22a9}"),("Vdashl","\u{2ae6}"),
    ("Vee","\u{22c1}"),("Verbar","\u{2016}"),("Vert","\u{2016}"),("VerticalBar","\u{2223}"),
    ("VerticalLine","|"),("VerticalSeparator","\u{2758}"),("VerticalTilde","\u{2240}"),
    ("VeryThinSpace","\u{200a}"),("Vfr","\u{1d519}"),("Vopf","\u{1d54d}"),("Vscr","\u{1d4b1}"),
    ("Vvdash","\u{22aa}"),("Wcirc","\u{174}"),("Wedge","\u{22c0}"),("Wfr","\u{1d51a}"),
    ("Wopf","\u{1d54e}"),("Wscr","\u{1d4b2}"),("Xfr","\u{1d51b}"),("Xi","\u{39e}"),
    ("Xopf","\u{1d54f}"),("Xscr","\u{1d4b3}"),("YAcy","\u{42f}"),("YIcy","\u{407}"),
    ("YUcy","\u{42e}"),("Yacute","\u{dd}"),("Ycirc","\u{176}"),("Ycy","\u{42b}"),
    ("Yfr","\u{1d51c}"),("Yopf","\u{1d550}"),("Yscr","\u{1d4b4}"),("Yuml","\u{178}"),
    ("ZHcy","\u{416}"),("Zacute","\u{179}"),("Zcaron","\u{17d}"),("Zcy","\u{417}"),
    ("Zdot","\u{17b}"),("ZeroWidthSpace","\u{200b}"),("Zeta","\u{396}"),("Zfr","\u{2128}"),
    ("Zopf","\u{2124}"),("Zscr","\u{1d4b5}"),("aacute","\u{e1}"),("abreve","\u{103}"),
    ("ac","\u{223e}"),("acE","\u{223e}\u{333}"),("acd","\u{223f}"),("acirc","\u{e2}"),
    ("acute","\u{b4}"),("acy","\u{430}"),("aelig","\u{e6}"),("af","\u{2061}"),("afr","\u{1d51e}"),
    ("agrave","\u{e0}"),("alefsym","\u{2135}"),("aleph","\u{2135}"),("alpha","\u{3b1}"),
    ("amacr","\u{101}"),("amalg","\u{2a3f}"),("amp","&"),("and","\u{2227}"),("andand","\u{2a55}"),
    ("andd","\u{2a5c}"),("andslope","\u{2a58}"),("andv","\u{2a5a}"),("ang","\u{2220}"),
    ("ange","\u{29a4}"),("angle","\u{2220}"),("angmsd","\u{2221}"),("angmsdaa","\u{29a8}"),
    ("angmsdab","\u{29a9}"),("angmsdac","\u{29aa}"),("angmsdad","\u{29ab}"),
    ("angmsdae","\u{29ac}"),("angmsdaf","\u{29ad}"),("angmsdag","\u{29ae}"),
    ("angmsdah","\u{29af}"),("angrt","\u{221f}"),("angrtvb","\u{22be}"),("angrtvbd","\u{299d}"),
    ("angsph","\u{2222}"),("angst","\u{c5}"),("angzarr","\u{237c}"),("aogon","\u{105}"),
    ("aopf","\u{1d552}"),("ap","\u{2248}"),("apE","\u{2a70}"),("apacir","\u{2a6f}"),
    ("ape","\u{224a}"),("apid","\u{224b}"),("apos","'"),("approx","\u{2248}"),
    ("approxeq","\u{224a}"),("aring","\u{e5}"),("ascr","\u{1d4b6}"),("ast","*"),
    ("asymp","\u{2248}"),("asympeq","\u{224d}"),("atilde","\u{e3}"),("auml","\u{e4}"),
    ("awconint","\u{2233}"),("awint","\u{2a11}"),("bNot","\u{2aed}"),("backcong","\u{224c}"),
    ("backepsilon","\u{3f6}"),("backprime","\u{2035}"),("backsim","\u{223d}"),
    ("backsimeq","\u{22cd}"),("barvee","\u{22bd}"),("barwed","\u{2305}"),("barwedge","\u{2305}"),
    ("bbrk","\u{23b5}"),("bbrktbrk","\u{23b6}"),("bcong","\u{224c}"),("bcy","\u{431}"),
    ("bdquo","\u{201e}"),("becaus","\u{2235}"),("because","\u{2235}"),("bemptyv","\u{29b0}"),
    ("bepsi","\u{3f6}"),("bernou","\u{212c}"),("beta","\u{3b2}"),("beth","\u{2136}"),
    ("between","\u{226c}"),("bfr","\u{1d51f}"),("bigcap","\u{22c2}"),("bigcirc","\u{25ef}"),
    ("bigcup","\u{22c3}"),("bigodot","\u{2a00}"),("bigoplus","\u{2a01}"),("bigotimes","\u{2a02}"),
    ("bigsqcup","\u{2a06}"),("bigstar","\u{2605}"),("bigtriangledown","\u{25bd}"),
    ("bigtriangleup","\u{25b3}"),("biguplus","\u{2a04}"),("bigvee","\u{22c1}"),
    ("bigwedge","\u{22c0}"),("bkarow","\u{290d}"),("blacklozenge","\u{29eb}"),
    ("blacksquare","\u{25aa}"),("blacktriangle","\u{25b4}"),("blacktriangledown","\u{25be}"),
    ("blacktriangleleft","\u{25c2}"),("blacktriangleright","\u{25b8}"),("blank","\u{2423}"),
    ("blk12","\u{2592}"),("blk14","\u{2591}"),("blk34","\u{2593}"),("block","\u{2588}"),
    ("bne","=\u{20e5}"),("bnequiv","\u{2261}\u{20e5}"),("bnot","\u{2310}"),("bopf","\u{1d553}"),
    ("bot","\u{22a5}"),("bottom","\u{22a5}"),("bowtie","\u{22c8}"),("boxDL","\u{2557}"),
    ("boxDR","\u{2554}"),("boxDl","\u{2556}"),("boxDr","\u{2553}"),("boxH","\u{2550}"),
    ("boxHD","\u{2566}"),("boxHU","\u{2569}"),("boxHd","\u{2564}"),("boxHu","\u{2567}"),
    ("boxUL","\u{255d}"),("boxUR","\u{255a}"),("boxUl","\u{255c}"),("boxUr","\u{2559}"),
    ("boxV","\u{2551}"),("boxVH","\u{256c}"),("boxVL","\u{2563}"),("boxVR","\u{2560}"),
    ("boxVh","\u{256b}"),("boxVl","\u{2562}"),("boxVr","\u{255f}"),("boxbox","\u{29c9}"),
    ("boxdL","\u{2555}"),("boxdR","\u{2552}"),("boxdl","\u{2510}"),("boxdr","\u{250c}"),
    ("boxh","\u{2500}"),("boxhD","\u{2565}"),("boxhU","\u{2568}"),("boxhd","\u{252c}"),
    ("boxhu","\u{2534}"),("boxminus","\u{229f}"),("boxplus","\u{229e}"),("boxtimes","\u{22a0}"),
    ("boxuL","\u{255b}"),("boxuR","\u{2558}"),("boxul","\u{2518}"),("boxur","\u{2514}"),
    ("boxv","\u{2502}"),("boxvH","\u{256a}"),("boxvL","\u{2561}"),("boxvR","\u{255e}"),
    ("boxvh","\u{253c}"),("boxvl","\u{2524}"),("boxvr","\u{251c}"),("bprime","\u{2035}"),
    ("breve","\u{2d8}"),("brvbar","\u{a6}"),("bscr","\u{1d4b7}"),("bsemi","\u{204f}"),
    ("bsim","\u{223d}"),("bsime","\u{22cd}"),("bsol","\u{5c}"),("bsolb","\u{29c5}"),
    ("bsolhsub","\u{27c8}"),("bull","\u{2022}"),("bullet","\u{2022}"),("bump","\u{224e}"),
    ("bumpE","\u{2aae}"),("bumpe","\u{224f}"),("bumpeq","\u{224f}"),("cacute","\u{107}"),
    ("cap","\u{2229}"),("capand","\u{2a44}"),("capbrcup","\u{2a49}"),("capcap","\u{2a4b}"),
    ("capcup","\u{2a47}"),("capdot","\u{2a40}"),("caps","\u{2229}\u{fe00}"),("caret","\u{2041}"),
    ("caron","\u{2c7}"),("ccaps","\u{2a4d}"),("ccaron","\u{10d}"),("ccedil","\u{e7}"),
    ("ccirc","\u{109}"),("ccups","\u{2a4c}"),("ccupssm","\u{2a50}"),("cdot","\u{10b}"),
    ("cedil","\u{b8}"),("cemptyv","\u{29b2}"),("cent","\u{a2}"),("centerdot","\u{b7}"),
    ("cfr","\u{1d520}"),("chcy","\u{447}"),("check","\u{2713}"),("checkmark","\u{2713}"),
    ("chi","\u{3c7}"),("cir","\u{25cb}"),("cirE","\u{29c3}"),("circ","\u{2c6}"),
    ("circeq","\u{2257}"),("circlearrowleft","\u{21ba}"),("circlearrowright","\u{21bb}"),
    ("circledR","\u{ae}"),("circledS","\u{24c8}"),("circledast","\u{229b}"),
    ("circledcirc","\u{229a}"),("circleddash","\u{229d}"),("cire","\u{2257}"),
    ("cirfnint","\u{2a10}"),("cirmid","\u{2aef}"),("cirscir","\u{29c2}"),("clubs","\u{2663}"),
    ("clubsuit","\u{2663}"),("colon",":"),("colone","\u{2254}"),("coloneq","\u{2254}"),
    ("comma",","),("commat","@"),("comp","\u{2201}"),("compfn","\u{2218}"),
    ("complement","\u{2201}"),("complexes","\u{2102}"),("cong","\u{2245}"),("congdot","\u{2a6d}"),
    ("conint","\u{222e}"),("copf","\u{1d554}"),("coprod","\u{2210}"),("copy","\u{a9}"),
    ("copysr","\u{2117}"),("crarr","\u{21b5}"),("cross","\u{2717}"),("cscr","\u{1d4b8}"),
    ("csub","\u{2acf}"),("csube","\u{2ad1}"),("csup","\u{2ad0}"),("csupe","\u{2ad2}"),
    ("ctdot","\u{22ef}"),("cudarrl","\u{2938}"),("cudarrr","\u{2935}"),("cuepr","\u{22de}"),
    ("cuesc","\u{22df}"),("cularr","\u{21b6}"),("cularrp","\u{293d}"),("cup","\u{222a}"),
    ("cupbrcap","\u{2a48}"),("cupcap","\u{2a46}"),("cupcup","\u{2a4a}"),("cupdot","\u{228d}"),
    ("cupor","\u{2a45}"),("cups","\u{222a}\u{fe00}"),("curarr","\u{21b7}"),("curarrm","\u{293c}"),
    ("curlyeqprec","\u{22de}"),("curlyeqsucc","\u{22df}"),("curlyvee","\u{22ce}"),
    ("curlywedge","\u{22cf}"),("curren","\u{a4}"),("curvearrowleft","\u{21b6}"),
    ("curvearrowright","\u{21b7}"),("cuvee","\u{22ce}"),("cuwed","\u{22cf}"),
    ("cwconint","\u{2232}"),("cwint","\u{2231}"),("cylcty","\u{232d}"),("dArr","\u{21d3}"),
    ("dHar","\u{2965}"),("dagger","\u{2020}"),("daleth","\u{2138}"),("darr","\u{2193}"),
    ("dash","\u{2010}"),("dashv","\u{22a3}"),("dbkarow","\u{290f}"),("dblac","\u{2dd}"),
    ("dcaron","\u{10f}"),("dcy","\u{434}"),("dd","\u{2146}"),("ddagger","\u{2021}"),
    ("ddarr","\u{21ca}"),("ddotseq","\u{2a77}"),("deg","\u{b0}"),("delta","\u{3b4}"),
    ("demptyv","\u{29b1}"),("dfisht","\u{297f}"),("dfr","\u{1d521}"),("dharl","\u{21c3}"),
    ("dharr","\u{21c2}"),("diam","\u{22c4}"),("diamond","\u{22c4}"),("diamondsuit","\u{2666}"),
    ("diams","\u{2666}"),("die","\u{a8}"),("digamma","\u{3dd}"),("disin","\u{22f2}"),
    ("div","\u{f7}"),("divide","\u{f7}"),("divideontimes","\u{22c7}"),("divonx","\u{22c7}"),
    ("djcy","\u{452}"),("dlcorn","\u{231e}"),("dlcrop","\u{230d}"),("dollar","$"),
    ("dopf","\u{1d555}"),("dot","\u{2d9}"),("doteq","\u{2250}"),("doteqdot","\u{2251}"),
    ("dotminus","\u{2238}"),("dotplus","\u{2214}"),("dotsquare","\u{22a1}"),
    ("doublebarwedge","\u{2306}"),("downarrow","\u{2193}"),("downdownarrows","\u{21ca}"),
    ("downharpoonleft","\u{21c3}"),("downharpoonright","\u{21c2}"),("drbkarow","\u{2910}"),
    ("drcorn","\u{231f}"),("drcrop","\u{230c}"),("dscr","\u{1d4b9}"),("dscy","\u{455}"),
    ("dsol","\u{29f6}"),("dstrok","\u{111}"),("dtdot","\u{22f1}"),("dtri","\u{25bf}"),
    ("dtrif","\u{25be}"),("duarr","\u{21f5}"),("duhar","\u{296f}"),("dwangle","\u{29a6}"),
    ("dzcy","\u{45f}"),("dzigrarr","\u{27ff}"),("eDDot","\u{2a77}"),("eDot","\u{2251}"),
    ("eacute","\u{e9}"),("easter","\u{2a6e}"),("ecaron","\u{11b}"),("ecir","\u{2256}"),
    ("ecirc","\u{ea}"),("ecolon","\u{2255}"),("ecy","\u{44d}"),("edot","\u{117}"),
    ("ee","\u{2147}"),("efDot","\u{2252}"),("efr","\u{1d522}"),("eg","\u{2a9a}"),
    ("egrave","\u{e8}"),("egs","\u{2a96}"),("egsdot","\u{2a98}"),("el","\u{2a99}"),
    ("elinters","\u{23e7}"),("ell","\u{2113}"),("els","\u{2a95}"),("elsdot","\u{2a97}"),
    ("emacr","\u{113}"),("empty","\u{2205}"),("emptyset","\u{2205}"),("emptyv","\u{2205}"),
    ("emsp","\u{2003}"),("emsp13","\u{2004}"),("emsp14","\u{2005}"),("eng","\u{14b}"),
    ("ensp","\u{2002}"),("eogon","\u{119}"),("eopf","\u{1d556}"),("epar","\u{22d5}"),
    ("eparsl","\u{29e3}"),("eplus","\u{2a71}"),("epsi","\u{3b5}"),("epsilon","\u{3b5}"),
    ("epsiv","\u{3f5}"),("eqcirc","\u{2256}"),("eqcolon","\u{2255}"),("eqsim","\u{2242}"),
    ("eqslantgtr","\u{2a96}"),("eqslantless","\u{2a95}"),("equals","="),("equest","\u{225f}"),
    ("equiv","\u{2261}"),("equivDD","\u{2a78}"),("eqvparsl","\u{29e5}"),("erDot","\u{2253}"),
    ("erarr","\u{2971}"),("escr","\u{212f}"),("esdot","\u{2250}"),("esim","\u{2242}"),
    ("eta","\u{3b7}"),("eth","\u{f0}"),("euml","\u{eb}"),("euro","\u{20ac}"),("excl","!"),
    ("exist","\u{2203}"),("expectation","\u{2130}"),("exponentiale","\u{2147}"),
    ("fallingdotseq","\u{2252}"),("fcy","\u{444}"),("female","\u{2640}"),("ffilig","\u{fb03}"),
    ("fflig","\u{fb00}"),("ffllig","\u{fb04}"),("ffr","\u{1d523}"),("filig","\u{fb01}"),
    ("fjlig","fj"),("flat","\u{266d}"),("fllig","\u{fb02}"),("fltns","\u{25b1}"),
    ("fnof","\u{192}"),("fopf","\u{1d557}"),("forall","\u{2200}"),("fork","\u{22d4}"),
    ("forkv","\u{2ad9}"),("fpartint","\u{2a0d}"),("frac12","\u{bd}"),("frac13","\u{2153}"),
    ("frac14","\u{bc}"),("frac15","\u{2155}"),("frac16","\u{2159}"),("frac18","\u{215b}"),
    ("frac23","\u{2154}"),("frac25","\u{2156}"),("frac34","\u{be}"),("frac35","\u{2157}"),
    ("frac38","\u{215c}"),("frac45","\u{2158}"),("frac56","\u{215a}"),("frac58","\u{215d}"),
    ("frac78","\u{215e}"),("frasl","\u{2044}"),("frown","\u{2322}"),("fscr","\u{1d4bb}"),
    ("gE","\u{2267}"),("gEl","\u{2a8c}"),("gacute","\u{1f5}"),("gamma","\u{3b3}"),
    ("gammad","\u{3dd}"),("gap","\u{2a86}"),("gbreve","\u{11f}"),("gcirc","\u{11d}"),
    ("gcy","\u{433}"),("gdot","\u{121}"),("ge","\u{2265}"),("gel","\u{22db}"),("geq","\u{2265}"),
    ("geqq","\u{2267}"),("geqslant","\u{2a7e}"),("ges","\u{2a7e}"),("gescc","\u{2aa9}"),
    ("gesdot","\u{2a80}"),("gesdoto","\u{2a82}"),("gesdotol","\u{2a84}"),
    ("gesl","\u{22db}\u{fe00}"),("gesles","\u{2a94}"),("gfr","\u{1d524}"),("gg","\u{226b}"),
    ("ggg","\u{22d9}"),("gimel","\u{2137}"),("gjcy","\u{453}"),("gl","\u{2277}"),
    ("glE","\u{2a92}"),("gla","\u{2aa5}"),("glj","\u{2aa4}"),("gnE","\u{2269}"),
    ("gnap","\u{2a8a}"),("gnapprox","\u{2a8a}"),("gne","\u{2a88}"),("gneq","\u{2a88}"),
    ("gneqq","\u{2269}"),("gnsim","\u{22e7}"),("gopf","\u{1d558}"),("grave","`"),
    ("gscr","\u{210a}"),("gsim","\u{2273}"),("gsime","\u{2a8e}"),("gsiml","\u{2a90}"),("gt",">"),
    ("gtcc","\u{2aa7}"),("gtcir","\u{2a7a}"),("gtdot","\u{22d7}"),("gtlPar","\u{2995}"),
    ("gtquest","\u{2a7c}"),("gtrapprox","\u{2a86}"),("gtrarr","\u{2978}"),("gtrdot","\u{22d7}"),
    ("gtreqless","\u{22db}"),("gtreqqless","\u{2a8c}"),("gtrless","\u{2277}"),
    ("gtrsim","\u{2273}"),("gvertneqq","\u{2269}\u{fe00}"),("gvnE","\u{2269}\u{fe00}"),
    ("hArr","\u{21d4}"),("hairsp","\u{200a}"),("half","\u{bd}"),("hamilt","\u{210b}"),
    ("hardcy","\u{44a}"),("harr","\u{2194}"),("harrcir","\u{2948}"),("harrw","\u{21ad}"),
    ("hbar","\u{210f}"),("hcirc","\u{125}"),("hearts","\u{2665}"),("heartsuit","\u{2665}"),
    ("hellip","\u{2026}"),("hercon","\u{22b9}"),("hfr","\u{1d525}"),("hksearow","\u{2925}"),
    ("hkswarow","\u{2926}"),("hoarr","\u{21ff}"),("homtht","\u{223b}"),
    ("hookleftarrow","\u{21a9}"),("hookrightarrow","\u{21aa}"),("hopf","\u{1d559}"),
    ("horbar","\u{2015}"),("hscr","\u{1d4bd}"),("hslash","\u{210f}"),("hstrok","\u{127}"),
    ("hybull","\u{2043}"),("hyphen","\u{2010}"),("iacute","\u{ed}"),("ic","\u{2063}"),
    ("icirc","\u{ee}"),("icy","\u{438}"),("iecy","\u{435}"),("iexcl","\u{a1}"),("iff","\u{21d4}"),
    ("ifr","\u{1d526}"),("igrave","\u{ec}"),("ii","\u{2148}"),("iiiint","\u{2a0c}"),
    ("iiint","\u{222d}"),("iinfin","\u{29dc}"),("iiota","\u{2129}"),("ijlig","\u{133}"),
    ("imacr","\u{12b}"),("image","\u{2111}"),("imagline","\u{2110}"),("imagpart","\u{2111}"),
    ("imath","\u{131}"),("imof","\u{22b7}"),("imped","\u{1b5}"),("in","\u{2208}"),
    ("incare","\u{2105}"),("infin","\u{221e}"),("infintie","\u{29dd}"),("inodot","\u{131}"),
    ("int","\u{222b}"),("intcal","\u{22ba}"),("integers","\u{2124}"),("intercal","\u{22ba}"),
    ("intlarhk","\u{2a17}"),("intprod","\u{2a3c}"),("iocy","\u{451}"),("iogon","\u{12f}"),
    ("iopf","\u{1d55a}"),("iota","\u{3b9}"),("iprod","\u{2a3c}"),("iquest","\u{bf}"),
    ("iscr","\u{1d4be}"),("isin","\u{2208}"),("isinE","\u{22f9}"),("isindot","\u{22f5}"),
    ("isins","\u{22f4}"),("isinsv","\u{22f3}"),("isinv","\u{2208}"),("it","\u{2062}"),
    ("itilde","\u{129}"),("iukcy","\u{456}"),("iuml","\u{ef}"),("jcirc","\u{135}"),
    ("jcy","\u{439}"),("jfr","\u{1d527}"),("jmath","\u{237}"),("jopf","\u{1d55b}"),
    ("jscr","\u{1d4bf}"),("jsercy","\u{458}"),("jukcy","\u{454}"),("kappa","\u{3ba}"),
    ("kappav","\u{3f0}"),("kcedil","\u{137}"),("kcy","\u{43a}"),("kfr","\u{1d528}"),
    ("kgreen","\u{138}"),("khcy","\u{445}"),("kjcy","\u{45c}"),("kopf","\u{1d55c}"),
    ("kscr","\u{1d4c0}"),("lAarr","\u{21da}"),("lArr","\u{21d0}"),("lAtail","\u{291b}"),
    ("lBarr","\u{290e}"),("lE","\u{2266}"),("lEg","\u{2a8b}"),("lHar","\u{2962}"),
    ("lacute","\u{13a}"),("laemptyv","\u{29b4}"),("lagran","\u{2112}"),("lambda","\u{3bb}"),
    ("lang","\u{27e8}"),("langd","\u{2991}"),("langle","\u{27e8}"),("lap","\u{2a85}"),
    ("laquo","\u{ab}"),("larr","\u{2190}"),("larrb","\u{21e4}"),("larrbfs","\u{291f}"),
    ("larrfs","\u{291d}"),("larrhk","\u{21a9}"),("larrlp","\u{21ab}"),("larrpl","\u{2939}"),
    ("larrsim","\u{2973}"),("larrtl","\u{21a2}"),("lat","\u{2aab}"),("latail","\u{2919}"),
    ("late","\u{2aad}"),("lates","\u{2aad}\u{fe00}"),("lbarr","\u{290c}"),("lbbrk","\u{2772}"),
    ("lbrace","{"),("lbrack","["),("lbrke","\u{298b}"),("lbrksld","\u{298f}"),
    ("lbrkslu","\u{298d}"),("lcaron","\u{13e}"),("lcedil","\u{13c}"),("lceil","\u{2308}"),
    ("lcub","{"),("lcy","\u{43b}"),("ldca","\u{2936}"),("ldquo","\u{201c}"),("ldquor","\u{201e}"),
    ("ldrdhar","\u{2967}"),("ldrushar","\u{294b}"),("ldsh","\u{21b2}"),("le","\u{2264}"),
    ("leftarrow","\u{2190}"),("leftarrowtail","\u{21a2}"),("leftharpoondown","\u{21bd}"),
    ("leftharpoonup","\u{21bc}"),("leftleftarrows","\u{21c7}"),("leftrightarrow","\u{2194}"),
    ("leftrightarrows","\u{21c6}"),("leftrightharpoons","\u{21cb}"),
    ("leftrightsquigarrow","\u{21ad}"),("leftthreetimes","\u{22cb}"),("leg","\u{22da}"),
    ("leq","\u{2264}"),("leqq","\u{2266}"),("leqslant","\u{2a7d}"),("les","\u{2a7d}"),
    ("lescc","\u{2aa8}"),("lesdot","\u{2a7f}"),("lesdoto","\u{2a81}"),("lesdotor","\u{2a83}"),
    ("lesg","\u{22da}\u{fe00}"),("lesges","\u{2a93}"),("lessapprox","\u{2a85}"),
    ("lessdot","\u{22d6}"),("lesseqgtr","\u{22da}"),("lesseqqgtr","\u{2a8b}"),
    ("lessgtr","\u{2276}"),("lesssim","\u{2272}"),("lfisht","\u{297c}"),("lfloor","\u{230a}"),
    ("lfr","\u{1d529}"),("lg","\u{2276}"),("lgE","\u{2a91}"),("lhard","\u{21bd}"),
    ("lharu","\u{21bc}"),("lharul","\u{296a}"),("lhblk","\u{2584}"),("ljcy","\u{459}"),
    ("ll","\u{226a}"),("llarr","\u{21c7}"),("llcorner","\u{231e}"),("llhard","\u{296b}"),
    ("lltri","\u{25fa}"),("lmidot","\u{140}"),("lmoust","\u{23b0}"),("lmoustache","\u{23b0}"),
    ("lnE","\u{2268}"),("lnap","\u{2a89}"),("lnapprox","\u{2a89}"),("lne","\u{2a87}"),
    ("lneq","\u{2a87}"),("lneqq","\u{2268}"),("lnsim","\u{22e6}"),("loang","\u{27ec}"),
    ("loarr","\u{21fd}"),("lobrk","\u{27e6}"),("longleftarrow","\u{27f5}"),
    ("longleftrightarrow","\u{27f7}"),("longmapsto","\u{27fc}"),("longrightarrow","\u{27f6}"),
    ("looparrowleft","\u{21ab}"),("looparrowright","\u{21ac}"),("lopar","\u{2985}"),
    ("lopf","\u{1d55d}"),("loplus","\u{2a2d}"),("lotimes","\u{2a34}"),("lowast","\u{2217}"),
    ("lowbar","_"),("loz","\u{25ca}"),("lozenge","\u{25ca}"),("lozf","\u{29eb}"),("lpar","("),
    ("lparlt","\u{2993}"),("lrarr","\u{21c6}"),("lrcorner","\u{231f}"),("lrhar","\u{21cb}"),
    ("lrhard","\u{296d}"),("lrm","\u{200e}"),("lrtri","\u{22bf}"),("lsaquo","\u{2039}"),
    ("lscr","\u{1d4c1}"),("lsh","\u{21b0}"),("lsim","\u{2272}"),("lsime","\u{2a8d}"),
    ("lsimg","\u{2a8f}"),("lsqb","["),("lsquo","\u{2018}"),("lsquor","\u{201a}"),
    ("lstrok","\u{142}"),("lt","<"),("ltcc","\u{2aa6}"),("ltcir","\u{2a79}"),("ltdot","\u{22d6}"),
    ("lthree","\u{22cb}"),("ltimes","\u{22c9}"),("ltlarr","\u{2976}"),("ltquest","\u{2a7b}"),
    ("ltrPar","\u{2996}"),("ltri","\u{25c3}"),("ltrie","\u{22b4}"),("ltrif","\u{25c2}"),
    ("lurdshar","\u{294a}"),("luruhar","\u{2966}"),("lvertneqq","\u{2268}\u{fe00}"),
    ("lvnE","\u{2268}\u{fe00}"),("mDDot","\u{223a}"),("macr","\u{af}"),("male","\u{2642}"),
    ("malt","\u{2720}"),("maltese","\u{2720}"),("map","\u{21a6}"),("mapsto","\u{21a6}"),
    ("mapstodown","\u{21a7}"),("mapstoleft","\u{21a4}"),("mapstoup","\u{21a5}"),
    ("marker","\u{25ae}"),("mcomma","\u{2a29}"),("mcy","\u{43c}"),("mdash","\u{2014}"),
    ("measuredangle","\u{2221}"),("mfr","\u{1d52a}"),("mho","\u{2127}"),("micro","\u{b5}"),
    ("mid","\u{2223}"),("midast","*"),("midcir","\u{2af0}"),("middot","\u{b7}"),
    ("minus","\u{2212}"),("minusb","\u{229f}"),("minusd","\u{2238}"),("minusdu","\u{2a2a}"),
    ("mlcp","\u{2adb}"),("mldr","\u{2026}"),("mnplus","\u{2213}"),("models","\u{22a7}"),
    ("mopf","\u{1d55e}"),("mp","\u{2213}"),("mscr","\u{1d4c2}"),("mstpos","\u{223e}"),
    ("mu","\u{3bc}"),("multimap","\u{22b8}"),("mumap","\u{22b8}"),("nGg","\u{22d9}\u{338}"),
    ("nGt","\u{226b}\u{20d2}"),("nGtv","\u{226b}\u{338}"),("nLeftarrow","\u{21cd}"),
    ("nLeftrightarrow","\u{21ce}"),("nLl","\u{22d8}\u{338}"),("nLt","\u{226a}\u{20d2}"),
    ("nLtv","\u{226a}\u{338}"),("nRightarrow","\u{21cf}"),("nVDash","\u{22af}"),
    ("nVdash","\u{22ae}"),("nabla","\u{2207}"),("nacute","\u{144}"),("nang","\u{2220}\u{20d2}"),
    ("nap","\u{2249}"),("napE","\u{2a70}\u{338}"),("napid","\u{224b}\u{338}"),("napos","\u{149}"),
    ("napprox","\u{2249}"),("natur","\u{266e}"),("natural","\u{266e}"),("naturals","\u{2115}"),
    ("nbsp","\u{a0}"),("nbump","\u{224e}\u{338}"),("nbumpe","\u{224f}\u{338}"),("ncap","\u{2a43}"),
    ("ncaron","\u{148}"),("ncedil","\u{146}"),("ncong","\u{2247}"),("ncongdot","\u{2a6d}\u{338}"),
    ("ncup","\u{2a42}"),("ncy","\u{43d}"),("ndash","\u{2013}"),("ne","\u{2260}"),
    ("neArr","\u{21d7}"),("nearhk","\u{2924}"),("nearr","\u{2197}"),("nearrow","\u{2197}"),
    ("nedot","\u{2250}\u{338}"),("nequiv","\u{2262}"),("nesear","\u{2928}"),
    ("nesim","\u{2242}\u{338}"),("nexist","\u{2204}"),("nexists","\u{2204}"),("nfr","\u{1d52b}"),
    ("ngE","\u{2267}\u{338}"),("nge","\u{2271}"),("ngeq","\u{2271}"),("ngeqq","\u{2267}\u{338}"),
    ("ngeqslant","\u{2a7e}\u{338}"),("nges","\u{2a7e}\u{338}"),("ngsim","\u{2275}"),
    ("ngt","\u{226f}"),("ngtr","\u{226f}"),("nhArr","\u{21ce}"),("nharr","\u{21ae}"),
    ("nhpar","\u{2af2}"),("ni","\u{220b}"),("nis","\u{22fc}"),("nisd","\u{22fa}"),
    ("niv","\u{220b}"),("njcy","\u{45a}"),("nlArr","\u{21cd}"),("nlE","\u{2266}\u{338}"),
    ("nlarr","\u{219a}"),("nldr","\u{2025}"),("nle","\u{2270}"),("nleftarrow","\u{219a}"),
    ("nleftrightarrow","\u{21ae}"),("nleq","\u{2270}"),("nleqq","\u{2266}\u{338}"),
    ("nleqslant","\u{2a7d}\u{338}"),("nles","\u{2a7d}\u{338}"),("nless","\u{226e}"),
    ("nlsim","\u{2274}"),("nlt","\u{226e}"),("nltri","\u{22ea}"),("nltrie","\u{22ec}"),
    ("nmid","\u{2224}"),("nopf","\u{1d55f}"),("not","\u{ac}"),("notin","\u{2209}"),
    ("notinE","\u{22f9}\u{338}"),("notindot","\u{22f5}\u{338}"),("notinva","\u{2209}"),
    ("notinvb","\u{22f7}"),("notinvc","\u{22f6}"),("notni","\u{220c}"),("notniva","\u{220c}"),
    ("notnivb","\u{22fe}"),("notnivc","\u{22fd}"),("npar","\u{2226}"),("nparallel","\u{2226}"),
    ("nparsl","\u{2afd}\u{20e5}"),("npart","\u{2202}\u{338}"),("npolint","\u{2a14}"),
    ("npr","\u{2280}"),("nprcue","\u{22e0}"),("npre","\u{2aaf}\u{338}"),("nprec","\u{2280}"),
    ("npreceq","\u{2aaf}\u{338}"),("nrArr","\u{21cf}"),("nrarr","\u{219b}"),
    ("nrarrc","\u{2933}\u{338}"),("nrarrw","\u{219d}\u{338}"),("nrightarrow","\u{219b}"),
    ("nrtri","\u{22eb}"),("nrtrie","\u{22ed}"),("nsc","\u{2281}"),("nsccue","\u{22e1}"),
    ("nsce","\u{2ab0}\u{338}"),("nscr","\u{1d4c3}"),("nshortmid","\u{2224}"),
    ("nshortparallel","\u{2226}"),("nsim","\u{2241}"),("nsime","\u{2244}"),("nsimeq","\u{2244}"),
    ("nsmid","\u{2224}"),("nspar","\u{2226}"),("nsqsube","\u{22e2}"),("nsqsupe","\u{22e3}"),
    ("nsub","\u{2284}"),("nsubE","\u{2ac5}\u{338}"),("nsube","\u{2288}"),
    ("nsubset","\u{2282}\u{20d2}"),("nsubseteq","\u{2288}"),("nsubseteqq","\u{2ac5}\u{338}"),
    ("nsucc","\u{2281}"),("nsucceq","\u{2ab0}\u{338}"),("nsup","\u{2285}"),
    ("nsupE","\u{2ac6}\u{338}"),("nsupe","\u{2289}"),("nsupset","\u{2283}\u{20d2}"),
    ("nsupseteq","\u{2289}"),("nsupseteqq","\u{2ac6}\u{338}"),("ntgl","\u{2279}"),
    ("ntilde","\u{f1}"),("ntlg","\u{2278}"),("ntriangleleft","\u{22ea}"),
    ("ntrianglelefteq","\u{22ec}"),("ntriangleright","\u{22eb}"),("ntrianglerighteq","\u{22ed}"),
    ("nu","\u{3bd}"),("num","#"),("numero","\u{2116}"),("numsp","\u{2007}"),("nvDash","\u{22ad}"),
    ("nvHarr","\u{2904}"),("nvap","\u{224d}\u{20d2}"),("nvdash","\u{22ac}"),
    ("nvge","\u{2265}\u{20d2}"),("nvgt",">\u{20d2}"),("nvinfin","\u{29de}"),("nvlArr","\u{2902}"),
    ("nvle","\u{2264}\u{20d2}"),("nvlt","<\u{20d2}"),("nvltrie","\u{22b4}\u{20d2}"),
    ("nvrArr","\u{2903}"),("nvrtrie","\u{22b5}\u{20d2}"),("nvsim","\u{223c}\u{20d2}"),
    ("nwArr","\u{21d6}"),("nwarhk","\u{2923}"),("nwarr","\u{2196}"),("nwarrow","\u{2196}"),
    ("nwnear","\u{2927}"),("oS","\u{24c8}"),("oacute","\u{f3}"),("oast","\u{229b}"),
    ("ocir","\u{229a}"),("ocirc","\u{f4}"),("ocy","\u{43e}"),("odash","\u{229d}"),
    ("odblac","\u{151}"),("odiv","\u{2a38}"),("odot","\u{2299}"),("odsold","\u{29bc}"),
    ("oelig","\u{153}"),("ofcir","\u{29bf}"),("ofr","\u{1d52c}"),("ogon","\u{2db}"),
    ("ograve","\u{f2}"),("ogt","\u{29c1}"),("ohbar","\u{29b5}"),("ohm","\u{3a9}"),
    ("oint","\u{222e}"),("olarr","\u{21ba}"),("olcir","\u{29be}"),("olcross","\u{29bb}"),
    ("oline","\u{203e}"),("olt","\u{29c0}"),("omacr","\u{14d}"),("omega","\u{3c9}"),
    ("omicron","\u{3bf}"),("omid","\u{29b6}"),("ominus","\u{2296}"),("oopf","\u{1d560}"),
    ("opar","\u{29b7}"),("operp","\u{29b9}"),("oplus","\u{2295}"),("or","\u{2228}"),
    ("orarr","\u{21bb}"),("ord","\u{2a5d}"),("order","\u{2134}"),("orderof","\u{2134}"),
    ("ordf","\u{aa}"),("ordm","\u{ba}"),("origof","\u{22b6}"),("oror","\u{2a56}"),
    ("orslope","\u{2a57}"),("orv","\u{2a5b}"),("oscr","\u{2134}"),("oslash","\u{f8}"),
    ("osol","\u{2298}"),("otilde","\u{f5}"),("otimes","\u{2297}"),("otimesas","\u{2a36}"),
    ("ouml","\u{f6}"),("ovbar","\u{233d}"),("par","\u{2225}"),("para","\u{b6}"),
    ("parallel","\u{2225}"),("parsim","\u{2af3}"),("parsl","\u{2afd}"),("part","\u{2202}"),
    ("pcy","\u{43f}"),("percnt","%"),("period","."),("permil","\u{2030}"),("perp","\u{22a5}"),
    ("pertenk","\u{2031}"),("pfr","\u{1d52d}"),("phi","\u{3c6}"),("phiv","\u{3d5}"),
    ("phmmat","\u{2133}"),("phone","\u{260e}"),("pi","\u{3c0}"),("pitchfork","\u{22d4}"),
    ("piv","\u{3d6}"),("planck","\u{210f}"),("planckh","\u{210e}"),("plankv","\u{210f}"),
    ("plus","+"),("plusacir","\u{2a23}"),("plusb","\u{229e}"),("pluscir","\u{2a22}"),
    ("plusdo","\u{2214}"),("plusdu","\u{2a25}"),("pluse","\u{2a72}"),("plusmn","\u{b1}"),
    ("plussim","\u{2a26}"),("plustwo","\u{2a27}"),("pm","\u{b1}"),("pointint","\u{2a15}"),
    ("popf","\u{1d561}"),("pound","\u{a3}"),("pr","\u{227a}"),("prE","\u{2ab3}"),
    ("prap","\u{2ab7}"),("prcue","\u{227c}"),("pre","\u{2aaf}"),("prec","\u{227a}"),
    ("precapprox","\u{2ab7}"),("preccurlyeq","\u{227c}"),("preceq","\u{2aaf}"),
    ("precnapprox","\u{2ab9}"),("precneqq","\u{2ab5}"),("precnsim","\u{22e8}"),
    ("precsim","\u{227e}"),("prime","\u{2032}"),("primes","\u{2119}"),("prnE","\u{2ab5}"),
    ("prnap","\u{2ab9}"),("prnsim","\u{22e8}"),("prod","\u{220f}"),("profalar","\u{232e}"),
    ("profline","\u{2312}"),("profsurf","\u{2313}"),("prop","\u{221d}"),("propto","\u{221d}"),
    ("prsim","\u{227e}"),("prurel","\u{22b0}"),("pscr","\u{1d4c5}"),("psi","\u{3c8}"),
    ("puncsp","\u{2008}"),("qfr","\u{1d52e}"),("qint","\u{2a0c}"),("qopf","\u{1d562}"),
    ("qprime","\u{2057}"),("qscr","\u{1d4c6}"),("quaternions","\u{210d}"),("quatint","\u{2a16}"),
    ("quest","?"),("questeq","\u{225f}"),("quot","\u{22}"),("rAarr","\u{21db}"),
    ("rArr","\u{21d2}"),("rAtail","\u{291c}"),("rBarr","\u{290f}"),("rHar","\u{2964}"),
    ("race","\u{223d}\u{331}"),("racute","\u{155}"),("radic","\u{221a}"),("raemptyv","\u{29b3}"),
    ("rang","\u{27e9}"),("rangd","\u{2992}"),("range","\u{29a5}"),("rangle","\u{27e9}"),
    ("raquo","\u{bb}"),("rarr","\u{2192}"),("rarrap","\u{2975}"),("rarrb","\u{21e5}"),
    ("rarrbfs","\u{2920}"),("rarrc","\u{2933}"),("rarrfs","\u{291e}"),("rarrhk","\u{21aa}"),
    ("rarrlp","\u{21ac}"),("rarrpl","\u{2945}"),("rarrsim","\u{2974}"),("rarrtl","\u{21a3}"),
    ("rarrw","\u{219d}"),("ratail","\u{291a}"),("ratio","\u{2236}"),("rationals","\u{211a}"),
    ("rbarr","\u{290d}"),("rbbrk","\u{2773}"),("rbrace","}"),("rbrack","]"),("rbrke","\u{298c}"),
    ("rbrksld","\u{298e}"),("rbrkslu","\u{2990}"),("rcaron","\u{159}"),("rcedil","\u{157}"),
    ("rceil","\u{2309}"),("rcub","}"),("rcy","\u{440}"),("rdca","\u{2937}"),("rdldhar","\u{2969}"),
    ("rdquo","\u{201d}"),("rdquor","\u{201d}"),("rdsh","\u{21b3}"),("real","\u{211c}"),
    ("realine","\u{211b}"),("realpart","\u{211c}"),("reals","\u{211d}"),("rect","\u{25ad}"),
    ("reg","\u{ae}"),("rfisht","\u{297d}"),("rfloor","\u{230b}"),("rfr","\u{1d52f}"),
    ("rhard","\u{21c1}"),("rharu","\u{21c0}"),("rharul","\u{296c}"),("rho","\u{3c1}"),
    ("rhov","\u{3f1}"),("rightarrow","\u{2192}"),("rightarrowtail","\u{21a3}"),
    ("rightharpoondown","\u{21c1}"),("rightharpoonup","\u{21c0}"),("rightleftarrows","\u{21c4}"),
    ("rightleftharpoons","\u{21cc}"),("rightrightarrows","\u{21c9}"),
    ("rightsquigarrow","\u{219d}"),("rightthreetimes","\u{22cc}"),("ring","\u{2da}"),
    ("risingdotseq","\u{2253}"),("rlarr","\u{21c4}"),("rlhar","\u{21cc}"),("rlm","\u{200f}"),
    ("rmoust","\u{23b1}"),("rmoustache","\u{23b1}"),("rnmid","\u{2aee}"),("roang","\u{27ed}"),
    ("roarr","\u{21fe}"),("robrk","\u{27e7}"),("ropar","\u{2986}"),("ropf","\u{1d563}"),
    ("roplus","\u{2a2e}"),("rotimes","\u{2a35}"),("rpar",")"),("rpargt","\u{2994}"),
    ("rppolint","\u{2a12}"),("rrarr","\u{21c9}"),("rsaquo","\u{203a}"),("rscr","\u{1d4c7}"),
    ("rsh","\u{21b1}"),("rsqb","]"),("rsquo","\u{2019}"),("rsquor","\u{2019}"),
    ("rthree","\u{22cc}"),("rtimes","\u{22ca}"),("rtri","\u{25b9}"),("rtrie","\u{22b5}"),
    ("rtrif","\u{25b8}"),("rtriltri","\u{29ce}"),("ruluhar","\u{2968}"),("rx","\u{211e}"),
    ("sacute","\u{15b}"),("sbquo","\u{201a}"),("sc","\u{227b}"),("scE","\u{2ab4}"),
    ("scap","\u{2ab8}"),("scaron","\u{161}"),("sccue","\u{227d}"),("sce","\u{2ab0}"),
    ("scedil","\u{15f}"),("scirc","\u{15d}"),("scnE","\u{2ab6}"),("scnap","\u{2aba}"),
    ("scnsim","\u{22e9}"),("scpolint","\u{2a13}"),("scsim","\u{227f}"),("scy","\u{441}"),
    ("sdot","\u{22c5}"),("sdotb","\u{22a1}"),("sdote","\u{2a66}"),("seArr","\u{21d8}"),
    ("searhk","\u{2925}"),("searr","\u{2198}"),("searrow","\u{2198}"),("sect","\u{a7}"),
    ("semi",";"),("seswar","\u{2929}"),("setminus","\u{2216}"),("setmn","\u{2216}"),
    ("sext","\u{2736}"),("sfr","\u{1d530}"),("sfrown","\u{2322}"),("sharp","\u{266f}"),
    ("shchcy","\u{449}"),("shcy","\u{448}"),("shortmid","\u{2223}"),("shortparallel","\u{2225}"),
    ("shy","\u{ad}"),("sigma","\u{3c3}"),("sigmaf","\u{3c2}"),("sigmav","\u{3c2}"),
    ("sim","\u{223c}"),("simdot","\u{2a6a}"),("sime","\u{2243}"),("simeq","\u{2243}"),
    ("simg","\u{2a9e}"),("simgE","\u{2aa0}"),("siml","\u{2a9d}"),("simlE","\u{2a9f}"),
    ("simne","\u{2246}"),("simplus","\u{2a24}"),("simrarr","\u{2972}"),("slarr","\u{2190}"),
    ("smallsetminus","\u{2216}"),("smashp","\u{2a33}"),("smeparsl","\u{29e4}"),("smid","\u{2223}"),
    ("smile","\u{2323}"),("smt","\u{2aaa}"),("smte","\u{2aac}"),("smtes","\u{2aac}\u{fe00}"),
    ("softcy","\u{44c}"),("sol","/"),("solb","\u{29c4}"),("solbar","\u{233f}"),
    ("sopf","\u{1d564}"),("spades","\u{2660}"),("spadesuit","\u{2660}"),("spar","\u{2225}"),
    ("sqcap","\u{2293}"),("sqcaps","\u{2293}\u{fe00}"),("sqcup","\u{2294}"),
    ("sqcups","\u{2294}\u{fe00}"),("sqsub","\u{228f}"),("sqsube","\u{2291}"),
    ("sqsubset","\u{228f}"),("sqsubseteq","\u{2291}"),("sqsup","\u{2290}"),("sqsupe","\u{2292}"),
    ("sqsupset","\u{2290}"),("sqsupseteq","\u{2292}"),("squ","\u{25a1}"),("square","\u{25a1}"),
    ("squarf","\u{25aa}"),("squf","\u{25aa}"),("srarr","\u{2192}"),("sscr","\u{1d4c8}"),
    ("ssetmn","\u{2216}"),("ssmile","\u{2323}"),("sstarf","\u{22c6}"),("star","\u{2606}"),
    ("starf","\u{2605}"),("straightepsilon","\u{3f5}"),("straightphi","\u{3d5}"),
    ("strns","\u{af}"),("sub","\u{2282}"),("subE","\u{2ac5}"),("subdot","\u{2abd}"),
    ("sube","\u{2286}"),("subedot","\u{2ac3}"),("submult","\u{2ac1}"),("subnE","\u{2acb}"),
    ("subne","\u{228a}"),("subplus","\u{2abf}"),("subrarr","\u{2979}"),("subset","\u{2282}"),
    ("subseteq","\u{2286}"),("subseteqq","\u{2ac5}"),("subsetneq","\u{228a}"),
    ("subsetneqq","\u{2acb}"),("subsim","\u{2ac7}"),("subsub","\u{2ad5}"),("subsup","\u{2ad3}"),
    ("succ","\u{227b}"),("succapprox","\u{2ab8}"),("succcurlyeq","\u{227d}"),("succeq","\u{2ab0}"),
    ("succnapprox","\u{2aba}"),("succneqq","\u{2ab6}"),("succnsim","\u{22e9}"),
    ("succsim","\u{227f}"),("sum","\u{2211}"),("sung","\u{266a}"),("sup","\u{2283}"),
    ("sup1","\u{b9}"),("sup2","\u{b2}"),("sup3","\u{b3}"),("supE","\u{2ac6}"),
    ("supdot","\u{2abe}"),("supdsub","\u{2ad8}"),("supe","\u{2287}"),("supedot","\u{2ac4}"),
    ("suphsol","\u{27c9}"),("suphsub","\u{2ad7}"),("suplarr","\u{297b}"),("supmult","\u{2ac2}"),
    ("supnE","\u{2acc}"),("supne","\u{228b}"),("supplus","\u{2ac0}"),("supset","\u{2283}"),
    ("supseteq","\u{2287}"),("supseteqq","\u{2ac6}"),("supsetneq","\u{228b}"),
    ("supsetneqq","\u{2acc}"),("supsim","\u{2ac8}"),("supsub","\u{2ad4}"),("supsup","\u{2ad6}"),
    ("swArr","\u{21d9}"),("swarhk","\u{2926}"),("swarr","\u{2199}"),("swarrow","\u{2199}"),
    ("swnwar","\u{292a}"),("szlig","\u{df}"),("target","\u{2316}"),("tau","\u{3c4}"),
    ("tbrk","\u{23b4}"),("tcaron","\u{165}"),("tcedil","\u{163}"),("tcy","\u{442}"),
    ("tdot","\u{20db}"),("telrec","\u{2315}"),("tfr","\u{1d531}"),("there4","\u{2234}"),
    ("therefore","\u{2234}"),("theta","\u{3b8}"),("thetasym","\u{3d1}"),("thetav","\u{3d1}"),
    ("thickapprox","\u{2248}"),("thicksim","\u{223c}"),("thinsp","\u{2009}"),("thkap","\u{2248}"),
    ("thksim","\u{223c}"),("thorn","\u{fe}"),("tilde","\u{2dc}"),("times","\u{d7}"),
    ("timesb","\u{22a0}"),("timesbar","\u{2a31}"),("timesd","\u{2a30}"),("tint","\u{222d}"),
    ("toea","\u{2928}"),("top","\u{22a4}"),("topbot","\u{2336}"),("topcir","\u{2af1}"),
    ("topf","\u{1d565}"),("topfork","\u{2ada}"),("tosa","\u{2929}"),("tprime","\u{2034}"),
    ("trade","\u{2122}"),("triangle","\u{25b5}"),("triangledown","\u{25bf}"),
    ("triangleleft","\u{25c3}"),("trianglelefteq","\u{22b4}"),("triangleq","\u{225c}"),
    ("triangleright","\u{25b9}"),("trianglerighteq","\u{22b5}"),("tridot","\u{25ec}"),
    ("trie","\u{225c}"),("triminus","\u{2a3a}"),("triplus","\u{2a39}"),("trisb","\u{29cd}"),
    ("tritime","\u{2a3b}"),("trpezium","\u{23e2}"),("tscr","\u{1d4c9}"),("tscy","\u{446}"),
    ("tshcy","\u{45b}"),("tstrok","\u{167}"),("twixt","\u{226c}"),("twoheadleftarrow","\u{219e}"),
    ("twoheadrightarrow","\u{21a0}"),("uArr","\u{21d1}"),("uHar","\u{2963}"),("uacute","\u{fa}"),
    ("uarr","\u{2191}"),("ubrcy","\u{45e}"),("ubreve","\u{16d}"),("ucirc","\u{fb}"),
    ("ucy","\u{443}"),("udarr","\u{21c5}"),("udblac","\u{171}"),("udhar","\u{296e}"),
    ("ufisht","\u{297e}"),("ufr","\u{1d532}"),("ugrave","\u{f9}"),("uharl","\u{21bf}"),
    ("uharr","\u{21be}"),("uhblk","\u{2580}"),("ulcorn","\u{231c}"),("ulcorner","\u{231c}"),
    ("ulcrop","\u{230f}"),("ultri","\u{25f8}"),("umacr","\u{16b}"),("uml","\u{a8}"),
    ("uogon","\u{173}"),("uopf","\u{1d566}"),("uparrow","\u{2191}"),("updownarrow","\u{2195}"),
    ("upharpoonleft","\u{21bf}"),("upharpoonright","\u{21be}"),("uplus","\u{228e}"),
    ("upsi","\u{3c5}"),("upsih","\u{3d2}"),("upsilon","\u{3c5}"),("upuparrows","\u{21c8}"),
    ("urcorn","\u{231d}"),("urcorner","\u{231d}"),("urcrop","\u{230e}"),("uring","\u{16f}"),
    ("urtri","\u{25f9}"),("uscr","\u{1d4ca}"),("utdot","\u{22f0}"),("utilde","\u{169}"),
    ("utri","\u{25b5}"),("utrif","\u{25b4}"),("uuarr","\u{21c8}"),("uuml","\u{fc}"),
    ("uwangle","\u{29a7}"),("vArr","\u{21d5}"),("vBar","\u{2ae8}"),("vBarv","\u{2ae9}"),
    ("vDash","\u{22a8}"),("vangrt","\u{299c}"),("varepsilon","\u{3f5}"),("varkappa","\u{3f0}"),
    ("varnothing","\u{2205}"),("varphi","\u{3d5}"),("varpi","\u{3d6}"),("varpropto","\u{221d}"),
    ("varr","\u{2195}"),("varrho","\u{3f1}"),("varsigma","\u{3c2}"),
    ("varsubsetneq","\u{228a}\u{fe00}"),("varsubsetneqq","\u{2acb}\u{fe00}"),
    ("varsupsetneq","\u{228b}\u{fe00}"),("varsupsetneqq","\u{2acc}\u{fe00}"),
    ("vartheta","\u{3d1}"),("vartriangleleft","\u{22b2}"),("vartriangleright","\u{22b3}"),
    ("vcy","\u{432}"),("vdash","\u{22a2}"),("vee","\u{2228}"),("veebar","\u{22bb}"),
    ("veeeq","\u{225a}"),("vellip","\u{22ee}"),("verbar","|"),("vert","|"),("vfr","\u{1d533}"),
    ("vltri","\u{22b2}"),("vnsub","\u{2282}\u{20d2}"),("vnsup","\u{2283}\u{20d2}"),
    ("vopf","\u{1d567}"),("vprop","\u{221d}"),("vrtri","\u{22b3}"),("vscr","\u{1d4cb}"),
    ("vsubnE","\u{2acb}\u{fe00}"),("vsubne","\u{228a}\u{fe00}"),("vsupnE","\u{2acc}\u{fe00}"),
    ("vsupne","\u{228b}\u{fe00}"),("vzigzag","\u{299a}"),("wcirc","\u{175}"),("wedbar","\u{2a5f}"),
    ("wedge","\u{2227}"),("wedgeq","\u{2259}"),("weierp","\u{2118}"),("wfr","\u{1d534}"),
    ("wopf","\u{1d568}"),("wp","\u{2118}"),("wr","\u{2240}"),("wreath","\u{2240}"),
    ("wscr","\u{1d4cc}"),("xcap","\u{22c2}"),("xcirc","\u{25ef}"),("xcup","\u{22c3}"),
    ("xdtri","\u{25bd}"),("xfr","\u{1d535}"),("xhArr","\u{27fa}"),("xharr","\u{27f7}"),
    ("xi","\u{3be}"),("xlArr","\u{27f8}"),("xlarr","\u{27f5}"),("xmap","\u{27fc}"),
    ("xnis","\u{22fb}"),("xodot","\u{2a00}"),("xopf","\u{1d569}"),("xoplus","\u{2a01}"),
    ("xotime","\u{2a02}"),("xrArr","\u{27f9}"),("xrarr","\u{27f6}"),("xscr","\u{1d4cd}"),
    ("xsqcup","\u{2a06}"),("xuplus","\u{2a04}"),("xutri","\u{25b3}"),("xvee","\u{22c1}"),
    ("xwedge","\u{22c0}"),("yacute","\u{fd}"),("yacy","\u{44f}"),("ycirc","\u{177}"),
    ("ycy","\u{44b}"),("yen","\u{a5}"),("yfr","\u{1d536}"),("yicy","\u{457}"),("yopf","\u{1d56a}"),
    ("yscr","\u{1d4ce}"),("yucy","\u{44e}"),("yuml","\u{ff}"),("zacute","\u{17a}"),
    ("zcaron","\u{17e}"),("zcy","\u{437}"),("zdot","\u{17c}"),("zeetrf","\u{2128}"),
    ("zeta","\u{3b6}"),("zfr","\u{1d537}"),("zhcy","\u{436}"),("zigrarr","\u{21dd}"),
    ("zopf","\u{1d56b}"),("zscr","\u{1d4cf}"),("zwj","\u{200d}"),("zwnj","\u{200c}"),
];

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::expect_used)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    const NS: &str = r#"xmlns="http://www.w3.org/1999/xhtml""#;

    fn div(body: &str) -> String {
        format!("<div {NS}>{body}</div>")
    }

    fn check(s: &str) -> Vec<XhtmlIssue> {
        check_div(s, &XhtmlOptions::default())
    }

    fn issue(
        severity: Severity,
        code: &'static str,
        message: &str,
        key: Option<&'static str>,
        offset: usize,
    ) -> XhtmlIssue {
        XhtmlIssue {
            severity,
            code,
            message: message.to_string(),
            key,
            offset,
        }
    }

    fn err(message: &str, offset: usize) -> XhtmlIssue {
        issue(Severity::Error, "invalid", message, None, offset)
    }

    fn txt1(offset: usize) -> XhtmlIssue {
        issue(
            Severity::Error,
            "invariant",
            TXT1_MESSAGE,
            Some("txt-1"),
            offset,
        )
    }

    fn txt2() -> XhtmlIssue {
        issue(Severity::Error, "invariant", TXT2_MESSAGE, Some("txt-2"), 0)
    }

    fn structure(message: &str, offset: usize) -> XhtmlIssue {
        issue(Severity::Error, "structure", message, None, offset)
    }

    fn at(s: &str, needle: &str) -> usize {
        s.find(needle).expect(needle)
    }

    /// parse failure: the error plus both invariants
    fn parse_failure(message: &str, offset: usize) -> Vec<XhtmlIssue> {
        vec![
            err(&format!("Error parsing XHTML: {message}"), offset),
            txt1(0),
            txt2(),
        ]
    }

    // --- the conformance inputs (fhir-test-cases), Java verdicts

    const PAT_SECURITY_BAD_XHTML: &str = "<div xmlns=\"http://www.w3.org/1999/xhtml\">\n      some text in no particular language\n   <script>somescript</script>   </div>";

    #[test]
    fn conformance_pat_security_bad_xhtml() {
        let s = PAT_SECURITY_BAD_XHTML;
        let o = at(s, "<script>");
        let expected = vec![
            txt1(o),
            err("Invalid element name in the XHTML ('script')", o),
        ];
        assert_eq!(check(s), expected);
        // security checks change nothing for XHTML
        let opts = XhtmlOptions {
            security_checks: true,
            ..XhtmlOptions::default()
        };
        assert_eq!(check_div(s, &opts), expected);
        assert!(!html_checks(s));
    }

    const XML_BAD_ENTITIES: &str = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p><b>Generated Narrative: Encounter</b><a name=\"example-1\"> </a></p><div style=\"display: inline-block; background-color: #d9e0e7; padding: 6px; margin: 4px; border: 1px solid #8da1b4; border-radius: 5px; line-height: 60%\"><p style=\"margin-bottom: 0px\">Resource Encounter \"example-1\" Updated \"2017-05-26 11:56:57-0400\" </p><p style=\"margin-bottom: 0px\">Profile: <a href=\"StructureDefinition-us-core-encounter.html\">US Core Encounter Profile</a></p></div><p><b>status</b>: finished</p><p><b>class</b>: ambulatory (Details: http://terminology.hl7.org/CodeSystem/v3-ActCode code AMB = 'ambulatory', stated as 'ambulatory')</p><p><b>type</b>: Office Visit <span style=\"background: LightGoldenRodYellow; margin: 4px; border: 1px solid khaki\"> (<a href=\"http://terminology.hl7.org/4.0.0/CodeSystem-CPT.html\">Current Procedural Terminology (CPT&reg;)</a>#99201)</span></p><p><b>subject</b>: <a href=\"Patient-example.html\">Patient/example</a> \" SHAW\"</p><p><b>period</b>: 2015-11-01 05:00:14-0500 --&gt; 2015-11-01 06:00:14-0500</p></div>";

    #[test]
    fn conformance_xml_bad_entities() {
        let s = XML_BAD_ENTITIES;
        assert_eq!(
            check(s),
            vec![err("Invalid entity in the XHTML ('&reg;')", at(s, "&reg;"))]
        );
        // the entity is not fatal, so the invariants hold
        assert!(html_checks(s));
    }

    const IPS_SECTION_DIV: &str = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><table class=\"hapiPropertyTable\"><caption>Allergies And Intolerances</caption><thead><tr><th>Allergen</th><th>Status</th><th>Category</th><th>Reaction</th><th>Severity</th><th>Comments</th><th>Onset</th></tr></thead><tbody><tr idref=\"ai1\"><td> Barbituraten </td><td> active </td><td> MEDICATION </td><td></td><td></td><td> erg duizelig en misselijkheid </td><td>Fri May 08 00:00:00 GMT 2020</td></tr><tr idref=\"ai2\"><td> PARACETAMOL </td><td> active </td><td> BIOLOGIC </td><td></td><td></td><td></td><td>Tue May 18 00:00:00 GMT 2021</td></tr></tbody></table></div>";

    #[test]
    fn conformance_ips_htmlrefs_forwards() {
        let s = IPS_SECTION_DIV;
        let o = at(s, "idref");
        // two offending `tr`, one message: Java collapses identical messages
        assert_eq!(
            check(s),
            vec![
                txt1(o),
                err("Invalid attribute name in the XHTML ('idref' on 'tr')", o)
            ]
        );
        let a = anchors(s);
        assert_eq!(a.idrefs.len(), 2);
        assert_eq!(a.idrefs[0].0, "ai1");
    }

    const AB_LIST_DIV: &str = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p class=\"res-header-id\"><b>Generated Narrative: List ListExample</b></p><a name=\"ListExample\"> </a><a name=\"hcListExample\"> </a><a name=\"ListExample-en-US\"> </a><table class=\"clstu\"><tr><td>Mode: Snapshot List </td><td>Status: Current </td></tr><tr><td/></tr></table><table class=\"grid\"><tr style=\"backgound-color: #eeeeee\"><td><b>Items</b></td></tr><tr><td><a href=\"#hcListExample/MyAppointmentExample\">Appointment: status = proposed</a></td></tr></table></div>";

    #[test]
    fn conformance_ab_list_slicing() {
        let s = AB_LIST_DIV;
        assert_eq!(check(s), vec![]);
        let opts = XhtmlOptions {
            local_ids: Some(vec![
                "ListExample".into(),
                "MyAppointmentExample".into(),
                "DeviceExample".into(),
            ]),
            ..XhtmlOptions::default()
        };
        assert_eq!(
            check_div(s, &opts),
            vec![err(
                "Hyperlink '#hcListExample/MyAppointmentExample' at 'div/table/tr/td/a' for 'Appointment: status = proposed' does not resolve",
                at(s, "<a href=\"#")
            )]
        );
        let a = anchors(s);
        assert_eq!(
            a.names,
            vec!["ListExample", "hcListExample", "ListExample-en-US"]
        );
        assert_eq!(
            a.internal_links,
            vec![(
                "hcListExample/MyAppointmentExample".to_string(),
                at(s, "<a href=\"#")
            )]
        );
        assert_eq!(a.links[0].path, "div/table/tr/td/a");
    }

    #[test]
    fn internal_link_to_own_anchor_resolves() {
        let s = div(
            "<p><a href=\"#sec\">go</a></p><p><a name=\"sec\">here</a><span id=\"x\">t</span></p><img src=\"#pic\" alt=\"p\"/>",
        );
        let opts = XhtmlOptions {
            local_ids: Some(vec![]),
            ..XhtmlOptions::default()
        };
        assert_eq!(
            check_div(&s, &opts),
            vec![err(
                "Image source '#pic' at 'div/img' does not resolve",
                at(&s, "<img")
            )]
        );
        let opts = XhtmlOptions {
            local_ids: Some(vec!["pic".into()]),
            ..XhtmlOptions::default()
        };
        assert_eq!(check_div(&s, &opts), vec![]);
        let a = anchors(&s);
        assert_eq!(a.ids, vec!["x"]);
        assert_eq!(a.links.len(), 2);
        assert!(a.links[1].image);
    }

    #[test]
    fn every_conformance_div_without_java_issue_is_clean() {
        // shapes of the other narratives in the suite (no XHTML issue in Java)
        for s in [
            "<div xmlns=\"http://www.w3.org/1999/xhtml\">\n      some text in no particular language\n    </div>".to_string(),
            div("<div>Id <i>afgeschermd (ontbrekend gegeven)</i> (BSN), OG O.O. Persoon1, Man, 1 januari 1954</div><div>Lomanstraat 1, 1075PW Amsterdam</div>"),
            div("<table><caption>Allergie. <span title=\"neiging (419511003 - SNOMED CT)\">neiging</span>, Status: actief / <i>onbekend</i></caption><tfoot><tr><td colspan=\"2\">erg duizelig</td></tr></tfoot><tbody><tr><th>Code</th><td><span title=\"Barbituraten\">Barbituraten</span></td></tr></tbody></table>"),
            div("<p><b>id</b>: x</p><p><img src=\"tbl_spacer.png\" alt=\".\" style=\"background-color: inherit\" class=\"hierarchy\"/></p><table border=\"0\" cellpadding=\"0\" cellspacing=\"0\" style=\"border: 0px #F0F0F0 solid; font-size: 11px\"><tr style=\"border: 1px #F0F0F0 solid\"><th class=\"hierarchy\" style=\"vertical-align: top\">Name</th></tr></table><hr/><ul><li>a</li></ul><pre>code</pre><h3>T</h3><br/>"),
        ] {
            assert_eq!(check(&s), vec![], "{s}");
            assert!(html_checks(&s));
        }
    }

    // --- root and namespaces

    #[test]
    fn valid_minimal_div() {
        let s = div("<p>Hello <b>world</b></p>");
        assert_eq!(check(&s), vec![]);
        assert!(html_checks(&s) && html_checks1(&s) && html_checks2(&s));
    }

    #[test]
    fn missing_namespace() {
        assert_eq!(
            check("<div>text</div>"),
            vec![err(
                "Wrong namespace on the XHTML ('null', should be 'http://www.w3.org/1999/xhtml')",
                0
            )]
        );
    }

    #[test]
    fn wrong_namespace() {
        assert_eq!(
            check("  <div xmlns=\"http://example.org\">text</div>"),
            vec![err(
                "Wrong namespace on the XHTML ('http://example.org', should be 'http://www.w3.org/1999/xhtml')",
                2
            )]
        );
    }

    #[test]
    fn wrong_inner_namespace() {
        let s = div(
            "<p xmlns=\"urn:x\">a</p><x:p>b</x:p><p xmlns=\"http://www.w3.org/1999/xhtml\">c</p>",
        );
        assert_eq!(
            check(&s),
            vec![
                err(
                    "Wrong namespace on the XHTML ('urn:x', should be 'http://www.w3.org/1999/xhtml')",
                    at(&s, "<p xmlns=\"urn")
                ),
                err(
                    "Wrong namespace on the XHTML ('http://error/undefined-namespace', should be 'http://www.w3.org/1999/xhtml')",
                    at(&s, "<x:p>")
                ),
            ]
        );
    }

    #[test]
    fn prefixed_xhtml_is_fine() {
        let s = "<h:div xmlns:h=\"http://www.w3.org/1999/xhtml\"><h:p>x</h:p></h:div>";
        assert_eq!(check(s), vec![]);
    }

    #[test]
    fn root_must_be_div() {
        let s = format!("<p {NS}>text</p>");
        assert_eq!(
            check(&s),
            vec![err(
                "Wrong name on the XHTML ('p') - must start with div",
                0
            )]
        );
    }

    // --- element and attribute names (txt-1)

    #[test]
    fn invalid_element_and_its_attribute() {
        let s = div("<p>This is some narrative</p><object value=\"false\"/>");
        assert_eq!(
            check(&s),
            vec![
                txt1(at(&s, "<object")),
                err(
                    "Invalid element name in the XHTML ('object')",
                    at(&s, "<object")
                ),
                err(
                    "Invalid attribute name in the XHTML ('value' on 'object')",
                    at(&s, "value=")
                ),
            ]
        );
    }

    #[test]
    fn event_attribute() {
        let s = div("<p onClick=\"check\">x</p>");
        let o = at(&s, "onClick");
        assert_eq!(
            check(&s),
            vec![
                txt1(o),
                err("Invalid attribute name in the XHTML ('onClick' on 'p')", o)
            ]
        );
    }

    #[test]
    fn root_attributes_only_fail_txt1() {
        let s = format!("<div {NS} onclick=\"x\">text</div>");
        assert_eq!(check(&s), vec![txt1(at(&s, "onclick"))]);
    }

    #[test]
    fn element_names_are_case_sensitive() {
        let s = div("<P>x</P>");
        let o = at(&s, "<P>");
        assert_eq!(
            check(&s),
            vec![txt1(o), err("Invalid element name in the XHTML ('P')", o)]
        );
    }

    #[test]
    fn xlink_href_is_not_allowed() {
        let s = div("<a xlink:href=\"x.html\">x</a>");
        let o = at(&s, "xlink");
        assert_eq!(
            check(&s),
            vec![
                txt1(o),
                err(
                    "Invalid attribute name in the XHTML ('xlink:href' on 'a')",
                    o
                )
            ]
        );
    }

    #[test]
    fn attribute_issues_follow_java_hashmap_order() {
        // "b" hashes to bucket 2, "a" to bucket 1
        let s = div("<p b=\"1\" a=\"2\">x</p>");
        assert_eq!(
            check(&s),
            vec![
                txt1(at(&s, "b=")),
                err(
                    "Invalid attribute name in the XHTML ('a' on 'p')",
                    at(&s, "a=")
                ),
                err(
                    "Invalid attribute name in the XHTML ('b' on 'p')",
                    at(&s, "b=")
                ),
            ]
        );
    }

    #[test]
    fn xml_space_is_a_hint() {
        let s = div("<pre xml:space=\"preserve\">x</pre>");
        assert_eq!(
            check(&s),
            vec![issue(
                Severity::Information,
                "invalid",
                "The attribute 'xml:space' on 'pre' is legal but ignored in FHIR narrative",
                None,
                at(&s, "xml:space")
            )]
        );
        assert!(html_checks(&s));
    }

    #[test]
    fn doctype_inside_the_div() {
        let s = div("<!DOCTYPE foo [ <!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><p>x &xxe;</p>");
        let o = at(&s, "<!DOCTYPE");
        assert_eq!(
            check(&s),
            vec![
                txt1(o),
                err(
                    "Malformed XHTML: Found a DocType declaration, and these are not allowed (XXE security vulnerability protection)",
                    o
                ),
            ]
        );
    }

    #[test]
    fn block_inside_paragraph() {
        let s = div("<p>outer<p>nested Paragraph</p></p>");
        assert_eq!(
            check(&s),
            vec![err(
                "Invalid element name inside a paragraph in the XHTML ('p')",
                at(&s, "<p>nested")
            )]
        );
        let s = div("<p><span><div>x</div></span></p>");
        let d = at(&s, "<div>x");
        assert_eq!(
            check(&s),
            vec![
                err(
                    "Invalid element name inside a paragraph in the XHTML ('div')",
                    d
                ),
                structure(
                    "Found block structures inside a paragraph/text element p at div/p: div",
                    at(&s, "<p>")
                ),
                structure(
                    "Found block structures inside a paragraph/text element span at div/p/span: div",
                    at(&s, "<span>")
                ),
            ]
        );
    }

    // --- entities

    #[test]
    fn html_entity_is_an_error_but_not_fatal() {
        let s = div("<p>&nbsp;&copy;&reg;&reg; &amp;&lt;&gt;&quot;&apos;</p>");
        assert_eq!(
            check(&s),
            vec![
                err("Invalid entity in the XHTML ('&nbsp;')", at(&s, "&nbsp;")),
                err("Invalid entity in the XHTML ('&copy;')", at(&s, "&copy;")),
                err("Invalid entity in the XHTML ('&reg;')", at(&s, "&reg;")),
            ]
        );
    }

    #[test]
    fn known_entities_decode_to_their_values() {
        assert_eq!(lookup_entity("eacute"), Some("\u{e9}"));
        assert_eq!(lookup_entity("Afr"), Some("\u{1d504}"));
        assert_eq!(lookup_entity("AMP"), None);
        assert_eq!(HTML_ENTITIES.len(), 2121);
        assert!(HTML_ENTITIES.windows(2).all(|w| w[0].0 < w[1].0));
        // &Tab; is a tab: no content
        let s = div("&Tab;");
        assert_eq!(
            check(&s),
            vec![
                err("Invalid entity in the XHTML ('&Tab;')", at(&s, "&Tab;")),
                txt2()
            ]
        );
    }

    #[test]
    fn unknown_entity_is_fatal() {
        let s = div("<p>a &foo; b</p>");
        assert_eq!(
            check(&s),
            parse_failure(
                "unable to parse character reference 'foo'' (last text = '' at line 1 column 52",
                at(&s, "&foo")
            )
        );
    }

    #[test]
    fn bare_ampersand_is_fatal() {
        let s = div("<p>x</p><p>AT&T rocks</p>");
        assert_eq!(
            check(&s),
            parse_failure(
                "unable to parse character reference 'T rocks'' (last text = 'x' at line 1 column 64",
                at(&s, "&T")
            )
        );
        let s = div("<p>a &; b</p>");
        assert_eq!(
            check(&s),
            parse_failure(
                "Invalid literal declaration following text: a ",
                at(&s, "&;")
            )
        );
    }

    #[test]
    fn numeric_references() {
        let s = div("<p>&#169; &#xA9; &#X41; &#abc; &#x; &#99999999999;</p>");
        assert_eq!(check(&s), vec![]);
        let s = div("<p>&#1114112;</p>");
        assert_eq!(
            check(&s),
            parse_failure("Not a valid Unicode code point: 0x110000", at(&s, "&#"))
        );
        let s = div("<p>&#-1;</p>");
        assert_eq!(
            check(&s),
            parse_failure("Not a valid Unicode code point: 0xFFFFFFFF", at(&s, "&#"))
        );
        let s = div("<p>&#;</p>");
        assert_eq!(
            check(&s),
            parse_failure("Index 1 out of bounds for length 1", at(&s, "&#"))
        );
        // &#160; (NBSP) is content for txt-2 (Java's trim() keeps it)
        assert!(html_checks(&div("&#160;")));
    }

    #[test]
    fn entity_in_attribute() {
        let s = div("<a href=\"x.html?a=1&amp;b=2\" title=\"&eacute;\">x</a>");
        assert_eq!(
            check(&s),
            vec![err(
                "Invalid entity in the XHTML ('&eacute;')",
                at(&s, "&eacute;")
            )]
        );
        let s = div("<a href=\"x.html?a=1&b=2\">x</a>");
        assert_eq!(
            check(&s),
            parse_failure(
                "unable to parse character reference 'b=2'' (last text = '' at line 1 column 66",
                at(&s, "&b")
            )
        );
    }

    // --- well-formedness

    #[test]
    fn mismatched_end_tag() {
        let s = div("<p>This is some narrative</pa>");
        let end = at(&s, "</pa>");
        assert_eq!(
            check(&s),
            parse_failure(
                &format!(
                    "Malformed XHTML: Found \"</pa>\" expecting \"</p>\" at line 1 column {}",
                    end + 5
                ),
                end
            )
        );
    }

    #[test]
    fn open_elements_at_the_end_are_accepted() {
        // Java's parser simply stops
        assert_eq!(check(&format!("<div {NS}><p>text")), vec![]);
        assert_eq!(check(&format!("<div {NS}><p")), vec![txt2()]);
    }

    #[test]
    fn lenient_attribute_syntax_is_accepted() {
        assert_eq!(check(&div("<p class=x title>y</p>")), vec![]);
        // a '>' ends even a quoted value; the rest is text
        assert_eq!(check(&div("<p title=\"a>b\">c</p>")), vec![]);
    }

    #[test]
    fn attribute_syntax_errors() {
        let s = div("<p \"x\">y</p>");
        assert_eq!(
            check(&s),
            parse_failure(
                "Unable to read attribute on <p> at line 1 column 45",
                at(&s, "\"x\"")
            )
        );
        let s = div("<p title \"x\">y</p>");
        assert_eq!(
            check(&s),
            parse_failure(
                "Unable to read attribute 'title' value on <p> at line 1 column 51",
                at(&s, "\"x\"")
            )
        );
        let s = div("<br/ >");
        assert_eq!(
            check(&s),
            parse_failure(
                "unexpected non-end of element null::br  at line 1 column 46",
                at(&s, " >")
            )
        );
    }

    #[test]
    fn unexpected_content() {
        let s = div("<p>a < b</p>");
        assert_eq!(
            check(&s),
            parse_failure(
                "Unable to Parse HTML - node 'p' has unexpected content ' ' (last text = 'a ' at line 1 column 48",
                at(&s, "< b")
            )
        );
    }

    #[test]
    fn does_not_start_with_a_tag() {
        assert_eq!(
            check("hello"),
            parse_failure(
                "Unable to Parse HTML - does not start with tag. Found 'h'  at line 1 column 0",
                0
            )
        );
        assert_eq!(
            check(""),
            parse_failure(
                "Unable to Parse HTML - does not start with tag. Found '\u{FFFF}'  at line 1 column 0",
                0
            )
        );
        assert!(!html_checks(""));
    }

    #[test]
    fn unterminated_comment_and_cdata() {
        let s = format!("<div {NS}><!-- x");
        assert_eq!(
            check(&s),
            parse_failure(
                "Unexpected termination of html source at line 1 column 48",
                s.len()
            )
        );
        let s = div("<![CDATA[abc");
        assert_eq!(
            check(&s),
            parse_failure("Stream ended before finding ']]>' terminator", s.len())
        );
    }

    #[test]
    fn prolog_and_trailing_content() {
        let s = format!(
            "\u{FEFF} <?xml version=\"1.0\"?><!-- c --><div {NS}>x</div><script>bad</script>"
        );
        assert_eq!(check(&s), vec![]);
        // U+FFFF is Java's end of input
        assert_eq!(check(&format!("<div {NS}>x\u{FFFF}<script>")), vec![]);
    }

    #[test]
    fn script_content_is_raw_text() {
        let s = div("<script>if (a < b && c) {}</script>");
        let o = at(&s, "<script>");
        assert_eq!(
            check(&s),
            vec![
                txt1(o),
                err("Invalid element name in the XHTML ('script')", o)
            ]
        );
    }

    // --- txt-2

    #[test]
    fn no_content() {
        for s in [
            div(""),
            format!("<div {NS}/>"),
            div("  \n\t "),
            div("<!-- comment -->"),
            div("<![CDATA[text]]>"),
            div("<p> </p>"),
        ] {
            assert_eq!(check(&s), vec![txt2()], "{s}");
            assert!(html_checks1(&s) && !html_checks2(&s) && !html_checks(&s));
        }
        assert_eq!(check(&div("<img src=\"x.png\" alt=\"x\"/>")), vec![]);
    }

    // --- URLs

    #[test]
    fn invalid_urls() {
        let s = div(
            "<a href=\"a b\">x</a><a href=\"\">y</a><a href=\"javascript:alert(1)\">z</a><a>w</a>",
        );
        assert_eq!(
            check(&s),
            vec![
                err(
                    "The URL is not valid because '(URL contains an invalid character (' '))': a b",
                    at(&s, "<a href=\"a b")
                ),
                err(
                    "The URL is not valid because '(The URL is empty)': ",
                    at(&s, "<a href=\"\"")
                ),
            ]
        );
        let s = div("<a href=\"a{b}\">x</a>");
        assert_eq!(
            check(&s),
            vec![err(
                "The URL is not valid because '(URL contains 2 invalid characters ('{','}'))': a{b}",
                at(&s, "<a")
            )]
        );
    }

    #[test]
    fn data_urls() {
        let ok = div("<img src=\"data:image/png;base64,iVBORw0KGgo=\"/><img src=\"data:,hello\"/>");
        assert_eq!(check(&ok), vec![]);
        let s = div(
            "<img src=\"data:image/png;base64,abc\"/><img src=\"data:image/png\"/><img src=\"data:a/b,c,d\"/><img src=\"data:foo,bar\"/>",
        );
        let imgs: Vec<usize> = s.match_indices("<img").map(|(k, _)| k).collect();
        assert_eq!(
            check(&s),
            vec![
                err(
                    "The URL is not valid because '(The data: URL 'data:image/png;base64,abc' does not have valid base64 data)': data:image/png;base64,abc",
                    imgs[0]
                ),
                err(
                    "The URL is not valid because '(The data: URL 'data:image/png' has no data)': data:image/png",
                    imgs[1]
                ),
                err(
                    "The URL is not valid because '(The data: URL 'data:a/b,c,d' has more than one comma)': data:a/b,c,d",
                    imgs[2]
                ),
                err(
                    "The URL is not valid because '(The data: URL 'data:foo,bar' has an invalid mime type: Mime type invalid)': data:foo,bar",
                    imgs[3]
                ),
            ]
        );
    }

    // --- structure rules (2025-06-16)

    #[test]
    fn table_structure() {
        let s = div("<table><td>x</td></table>");
        let expected = vec![
            structure(
                "Elements of type table at div/table cannot have the following children: td",
                at(&s, "<table>"),
            ),
            structure(
                "Elements of type td must be in a tr|thead|tfoot, not a table at div/table/td",
                at(&s, "<td>"),
            ),
        ];
        assert_eq!(check(&s), expected);
        let off = XhtmlOptions {
            structure_checks: false,
            ..XhtmlOptions::default()
        };
        assert_eq!(check_div(&s, &off), vec![]);
    }

    #[test]
    fn list_and_inline_structure() {
        let s = div("<ul>text<li>a</li></ul><b><b>x</b></b><br>x</br><li>y</li>");
        assert_eq!(
            check(&s),
            vec![
                structure(
                    "Elements of type ul at div/ul cannot have the following children: @text",
                    at(&s, "<ul>")
                ),
                structure(
                    "Elements of type b cannot contain other elements of type b (at div/b)",
                    at(&s, "<b>")
                ),
                structure(
                    "Elements of type br cannot have children (at div/br)",
                    at(&s, "<br>")
                ),
                structure(
                    "Elements of type li must be in a ul|ol, not a div at div/li",
                    at(&s, "<li>y")
                ),
            ]
        );
    }

    // --- warnings

    #[test]
    fn mixed_languages() {
        let s = div("text<div xml:lang=\"en\">Hello</div>");
        assert_eq!(
            check(&s),
            vec![issue(
                Severity::Warning,
                "business-rule",
                "The narrative has language sections (xml:lang = en) and also content that is not in any language section",
                None,
                0
            )]
        );
        assert_eq!(
            check(&div(
                "<div xml:lang=\"en\">Hello</div><div xml:lang=\"fr\">Bonjour</div>"
            )),
            vec![]
        );
    }

    #[test]
    fn duplicate_ids() {
        let s = div("<p id=\"a\">x</p><p id=\"a\">y</p><a name=\"n\" id=\"n\">z</a>");
        let second = s.match_indices("<p id").nth(1).map(|(k, _)| k).unwrap();
        assert_eq!(
            check(&s),
            vec![issue(
                Severity::Warning,
                "business-rule",
                "Duplicate ids found in the XHTML: a (2x)",
                None,
                second
            )]
        );
    }

    // --- robustness

    #[test]
    fn never_panics_on_noise() {
        let alphabet: Vec<char> = "<>/!?-[]&#;x:=\"' abcdivp\u{FFFF}\u{FEFF}é𝐀\0\r\n"
            .chars()
            .collect();
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..3000 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let len = (seed >> 33) as usize % 60;
            let mut s = String::from(if seed & 1 == 0 {
                "<div xmlns=\"http://www.w3.org/1999/xhtml\">"
            } else {
                ""
            });
            for _ in 0..len {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                s.push(alphabet[(seed >> 33) as usize % alphabet.len()]);
            }
            let issues = check(&s);
            for i in &issues {
                assert!(i.offset <= s.len());
            }
            let _ = anchors(&s);
            let _ = html_checks(&s);
        }
    }

    fn timed<F: FnOnce()>(f: F) -> Duration {
        let t = Instant::now();
        f();
        t.elapsed()
    }

    #[test]
    fn ten_megabyte_div_is_linear() {
        let para = "<p>Some <b>bold</b> text &amp; more <a href=\"#x\">link</a></p>";
        let mut s = format!("<div {NS}>");
        while s.len() < 10_000_000 {
            s.push_str(para);
        }
        s.push_str("</div>");
        let d = timed(|| {
            let issues = check(&s);
            assert!(issues.is_empty());
        });
        assert!(d < Duration::from_secs(30), "{d:?}");
    }

    #[test]
    fn deep_nesting_is_iterative() {
        let n = 100_000;
        let s = format!(
            "<div {NS}>{}x{}</div>",
            "<div>".repeat(n),
            "</div>".repeat(n)
        );
        let d = timed(|| assert!(check(&s).is_empty()));
        assert!(d < Duration::from_secs(20), "{d:?}");
        // nested inline elements: one recursion error per level, paths stay short
        let s = format!("<div {NS}>{}x{}</div>", "<b>".repeat(n), "</b>".repeat(n));
        let d = timed(|| {
            let issues = check(&s);
            assert_eq!(issues.len(), MAX_ISSUES + 1);
            assert!(
                issues[0].message.contains("div/b (") || issues[0].message.contains("(at div/b)")
            );
            assert!(issues[MAX_ISSUES - 1].message.len() < 200);
        });
        assert!(d < Duration::from_secs(20), "{d:?}");
        // unclosed nesting and nested links
        let s = format!("<div {NS}>{}", "<a href=\"#q\">".repeat(n));
        let d = timed(|| {
            let a = anchors(&s);
            assert_eq!(a.links.len(), n);
        });
        assert!(d < Duration::from_secs(20), "{d:?}");
    }

    #[test]
    fn adversarial_shapes_are_linear() {
        // many attributes on one element
        let attrs: String = (0..100_000).map(|k| format!(" a{k}=\"v\"")).collect();
        let s = div(&format!("<p{attrs}>x</p>"));
        let d = timed(|| {
            let issues = check(&s);
            assert_eq!(issues.len(), MAX_ISSUES + 1);
        });
        assert!(d < Duration::from_secs(20), "{d:?}");
        // a long namespace reused by many prefixed children
        let long_ns = "u".repeat(1_000_000);
        let s = format!(
            "<div {NS} xmlns:p=\"{long_ns}\">{}</div>",
            "<p:span>x</p:span>".repeat(100_000)
        );
        let d = timed(|| {
            let issues = check(&s);
            assert_eq!(issues.len(), 1);
        });
        assert!(d < Duration::from_secs(20), "{d:?}");
        // many entities, long text, long comments
        let s = div(&format!(
            "{}{}<!--{}-->",
            "&amp;".repeat(500_000),
            "x".repeat(2_000_000),
            "-".repeat(1_000_000)
        ));
        let d = timed(|| assert!(check(&s).is_empty()));
        assert!(d < Duration::from_secs(20), "{d:?}");
    }
}
