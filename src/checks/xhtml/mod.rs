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

mod allow;
mod entities;
mod java;
mod parser;
mod rules;
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::expect_used)]
mod tests;

use allow::*;
use entities::*;
use java::*;
use parser::*;
use rules::*;
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
