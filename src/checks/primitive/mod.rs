//! FHIR R4 primitive value checks, mirroring the HL7 Java validator.
//!
//! Sources emulated (hapifhir/org.hl7.fhir.core, 2026 sources):
//! * `org.hl7.fhir.r5.elementmodel.JsonParser#parseChildPrimitiveInstance`: the JSON
//!   kind check (`boolean` must be a JSON boolean, `integer`/`unsignedInt`/
//!   `positiveInt`/`decimal` a JSON number, everything else a JSON string).
//! * `org.hl7.fhir.validation.instance.InstanceValidator#checkPrimitive`: the blank
//!   preamble, bi-di / control character checks, the embedded-HTML hint, the
//!   type-specific rules, and the final check against the type's R4 regex (run only
//!   when nothing else failed, and never for `id`, `base64Binary` and `markdown`).
//! * Helpers it relies on: `Utilities.isInteger/isLong/checkDecimal/isAbsoluteUrl/
//!   trimWS/isAllWhitespace`, `Base64Util`, `UnicodeUtilities`, `MarkDownProcessor
//!   .preProcess`, `FormatUtilities.isValidId`, and `BaseDateTimeType.parse` (whose
//!   calendar check rejects e.g. `2023-02-30`; it uses `GregorianCalendar`, so years
//!   up to 1582 follow the Julian leap rule).
//!
//! Message texts are those of the newest `Messages.properties`.
//!
//! Everything that needs context is left to the caller: element `maxLength`/
//! `minValue`/`maxValue`, profile regex extensions, bindings, fixed/pattern values,
//! reference/canonical resolution, XHTML content, and the `Resource.id` rule (see
//! [`check_resource_id`]).

mod compare;
mod syntax;
mod temporal;
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::expect_used)]
mod tests;
mod text;

pub use crate::calendar::today_days;
pub use compare::*;
use syntax::*;
pub use temporal::civil_from_days;
use temporal::*;
use text::*;

use crate::calendar::{self, days_from_civil};
use crate::json::swar;
use std::cmp::Ordering;
use std::sync::OnceLock;

/// The FHIR primitive data types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Primitive {
    /// `boolean`
    Boolean,
    /// `integer`
    Integer,
    /// `integer64` (R5; checked as in Java)
    Integer64,
    /// `string`
    String,
    /// `decimal`
    Decimal,
    /// `uri`
    Uri,
    /// `url`
    Url,
    /// `canonical`
    Canonical,
    /// `base64Binary`
    Base64Binary,
    /// `instant`
    Instant,
    /// `date`
    Date,
    /// `dateTime`
    DateTime,
    /// `time`
    Time,
    /// `code`
    Code,
    /// `oid`
    Oid,
    /// `id`
    Id,
    /// `markdown`
    Markdown,
    /// `unsignedInt`
    UnsignedInt,
    /// `positiveInt`
    PositiveInt,
    /// `uuid`
    Uuid,
    /// `xhtml`
    Xhtml,
}

/// The kind of JSON value actually present (or expected) for a primitive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonKind {
    /// `true` / `false`.
    Bool,
    /// A JSON number.
    Number,
    /// A JSON string.
    String,
}

pub use crate::outcome::Severity;

/// One issue about a primitive value.
#[derive(Debug, Clone, PartialEq)]
pub struct PrimitiveIssue {
    /// How bad it is.
    pub severity: Severity,
    /// FHIR IssueType code, as Java uses it ("invalid", "value", "code-invalid").
    pub code: &'static str,
    /// The Java validator's message.
    pub message: String,
}

/// How HTML-like tags in markdown are reported (Java `HtmlInMarkdownCheck`); in options,
/// `"ignore"`, `"warning"` or `"error"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HtmlInMarkdown {
    /// No check.
    Ignore,
    /// The Java default.
    Warning,
    /// Java with `noHtmlInMarkdown`.
    Error,
}

/// Settings and element context that change the outcome of [`check_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckOptions {
    /// The element has children (`id` or `extension`, i.e. a `_name` object). An empty
    /// or whitespace-only value is then not reported.
    pub has_children: bool,
    /// Java `securityChecks`: embedded HTML in any non-xhtml primitive (markdown
    /// included) is an error instead of an information hint.
    pub security_checks: bool,
    /// HTML-looking tags in markdown. Set to `Ignore` for `ElementDefinition.comment`
    /// of a `*.text.div` element (Java exempts that one).
    pub html_in_markdown: HtmlInMarkdown,
    /// Java `noUnicodeBiDiControlChars`: any bi-di control (and, as in Java, any
    /// newline) is an error.
    pub no_unicode_bidi_control_chars: bool,
}

impl CheckOptions {
    /// The Java validator's defaults.
    pub const DEFAULT: CheckOptions = CheckOptions {
        has_children: false,
        security_checks: false,
        html_in_markdown: HtmlInMarkdown::Warning,
        no_unicode_bidi_control_chars: false,
    };
}

impl Default for CheckOptions {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl Primitive {
    /// The primitive for a FHIR type code such as `"dateTime"`. FHIRPath system types
    /// (`http://hl7.org/fhirpath/System.String`, used for `.value` elements) are not
    /// primitives here.
    pub fn from_code(code: &str) -> Option<Primitive> {
        Some(match code {
            "boolean" => Primitive::Boolean,
            "integer" => Primitive::Integer,
            "integer64" => Primitive::Integer64,
            "string" => Primitive::String,
            "decimal" => Primitive::Decimal,
            "uri" => Primitive::Uri,
            "url" => Primitive::Url,
            "canonical" => Primitive::Canonical,
            "base64Binary" => Primitive::Base64Binary,
            "instant" => Primitive::Instant,
            "date" => Primitive::Date,
            "dateTime" => Primitive::DateTime,
            "time" => Primitive::Time,
            "code" => Primitive::Code,
            "oid" => Primitive::Oid,
            "id" => Primitive::Id,
            "markdown" => Primitive::Markdown,
            "unsignedInt" => Primitive::UnsignedInt,
            "positiveInt" => Primitive::PositiveInt,
            "uuid" => Primitive::Uuid,
            "xhtml" => Primitive::Xhtml,
            _ => return None,
        })
    }

    /// The FHIR type code.
    pub fn code(self) -> &'static str {
        match self {
            Primitive::Boolean => "boolean",
            Primitive::Integer => "integer",
            Primitive::Integer64 => "integer64",
            Primitive::String => "string",
            Primitive::Decimal => "decimal",
            Primitive::Uri => "uri",
            Primitive::Url => "url",
            Primitive::Canonical => "canonical",
            Primitive::Base64Binary => "base64Binary",
            Primitive::Instant => "instant",
            Primitive::Date => "date",
            Primitive::DateTime => "dateTime",
            Primitive::Time => "time",
            Primitive::Code => "code",
            Primitive::Oid => "oid",
            Primitive::Id => "id",
            Primitive::Markdown => "markdown",
            Primitive::UnsignedInt => "unsignedInt",
            Primitive::PositiveInt => "positiveInt",
            Primitive::Uuid => "uuid",
            Primitive::Xhtml => "xhtml",
        }
    }

    /// The JSON kind Java requires (integer64 is a JSON string, as in R5).
    pub fn json_kind(self) -> JsonKind {
        match self {
            Primitive::Boolean => JsonKind::Bool,
            Primitive::Integer
            | Primitive::UnsignedInt
            | Primitive::PositiveInt
            | Primitive::Decimal => JsonKind::Number,
            _ => JsonKind::String,
        }
    }

    /// The R4 regex of the type (extension on `<type>.value`), after Java's
    /// `FHIRPathExpressionFixer.fixRegex`, as quoted in Java's regex message.
    pub fn r4_regex(self) -> Option<&'static str> {
        Some(match self {
            Primitive::Boolean => "true|false",
            Primitive::Integer => "-?([0]|([1-9][0-9]*))",
            Primitive::String | Primitive::Markdown => r"^[\s\S]+$",
            Primitive::Decimal => r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?",
            Primitive::Uri | Primitive::Url | Primitive::Canonical => r"\S*",
            Primitive::Base64Binary => r"(\s*([0-9a-zA-Z\+/=]){4}\s*)+",
            Primitive::Instant => {
                r"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))"
            }
            Primitive::Date => {
                r"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)?"
            }
            Primitive::DateTime => {
                r"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?"
            }
            Primitive::Time => r"([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?",
            Primitive::Code => r"[^\s]+(\s[^\s]+)*",
            Primitive::Oid => r"urn:oid:[0-2](\.(0|[1-9][0-9]*))+",
            Primitive::Id => r"[A-Za-z0-9\-\.]{1,64}",
            Primitive::UnsignedInt => "[0]|([1-9][0-9]*)",
            Primitive::PositiveInt => "[1-9][0-9]*",
            Primitive::Uuid => {
                "urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
            }
            Primitive::Integer64 | Primitive::Xhtml => return None,
        })
    }
}

// ---------------------------------------------------------------------------
// Messages (Messages.properties, newest)

const MSG_MUST_BE_BOOLEAN: &str = "Error parsing JSON: the primitive value must be a boolean";
const MSG_MUST_BE_NUMBER: &str = "Error parsing JSON: the primitive value must be a number";
const MSG_MUST_BE_STRING: &str = "Error parsing JSON: the primitive value must be a string";
const MSG_NOT_EMPTY: &str = "value cannot be empty";
const MSG_PRIMITIVE_WS: &str = "Primitive types should not only be whitespace";
const MSG_BOOLEAN: &str = "Boolean values must be 'true' or 'false'";
const MSG_URI_OID: &str = "URI values cannot start with oid:";
const MSG_URI_UUID: &str = "URI values cannot start with uuid:";
const MSG_OID_START: &str = "OIDs must start with urn:oid:";
const MSG_UUID_START: &str = "UUIDs must start with urn:uuid:";
const MSG_STRING_LENGTH: &str =
    "value is longer than permitted maximum length of 1 MB (1048576 bytes)";
const MSG_DATETIME_TZ: &str = "If a date has a time, it must have a timezone";
const MSG_INTEGER_LT0: &str = "value is less than permitted minimum value of 0";
const MSG_INTEGER_LT1: &str = "value is less than permitted minimum value of 1";
const MSG_BASE64_WS: &str = "Base64 encoded values SHOULD not contain any whitespace (per RFC 4648). Note that non-validating readers are encouraged to accept whitespace anyway";
const MSG_SECURITY_WARNING: &str = "The string value contains text that looks like embedded HTML tags. If this content is rendered to HTML without appropriate post-processing, it may be a security risk";
const MSG_SECURITY_ERROR: &str = "The string value contains text that looks like embedded HTML tags, which are not allowed for security reasons in this context";
/// Work-around in Java for an old invalid example in a core package.
const ACME_URI: &str = "http://www.acme.com/identifiers/patient or urn:ietf:rfc:3986 if the Identifier.value itself is a full uri";

const INVALID: &str = "invalid";
const VALUE: &str = "value";
const CODE_INVALID: &str = "code-invalid";

fn issue(severity: Severity, code: &'static str, message: String) -> PrimitiveIssue {
    PrimitiveIssue {
        severity,
        code,
        message,
    }
}

fn error(out: &mut Vec<PrimitiveIssue>, message: String) {
    out.push(issue(Severity::Error, INVALID, message));
}

fn warning(out: &mut Vec<PrimitiveIssue>, message: String) {
    out.push(issue(Severity::Warning, INVALID, message));
}

// ---------------------------------------------------------------------------
// Public checks

/// Checks a primitive value with the Java validator's default settings.
///
/// `kind` is the JSON kind actually present; `text` is the unescaped string, the raw
/// number text, or `"true"`/`"false"`. Returns every issue Java reports for the value
/// itself, in Java's order (usually none; no allocation then).
pub fn check(p: Primitive, kind: JsonKind, text: &str) -> Vec<PrimitiveIssue> {
    check_with(p, kind, text, &CheckOptions::DEFAULT)
}

/// The first issue [`check`] reports, if any.
pub fn check_first(p: Primitive, kind: JsonKind, text: &str) -> Option<PrimitiveIssue> {
    check(p, kind, text).into_iter().next()
}

/// Like [`check`], with explicit settings and element context.
pub fn check_with(
    p: Primitive,
    kind: JsonKind,
    text: &str,
    opts: &CheckOptions,
) -> Vec<PrimitiveIssue> {
    let mut out = Vec::new();

    // JsonParser: the JSON kind must match the type.
    let expected = p.json_kind();
    if kind != expected {
        let msg = match expected {
            JsonKind::Bool => MSG_MUST_BE_BOOLEAN,
            JsonKind::Number => MSG_MUST_BE_NUMBER,
            JsonKind::String => MSG_MUST_BE_STRING,
        };
        error(&mut out, msg.to_owned());
    }

    // checkPrimitive preamble: blank values (StringUtils.isBlank: Java whitespace).
    if text.chars().all(is_java_ws) {
        if !opts.has_children {
            if text.is_empty() {
                error(&mut out, MSG_NOT_EMPTY.to_owned());
            } else if text.chars().all(is_util_ws) {
                warning(&mut out, MSG_PRIMITIVE_WS.to_owned());
            }
        }
        return out;
    }

    let mut ok = true;
    let scan = Scan::of(text);

    if scan.newline || scan.bidi {
        if opts.no_unicode_bidi_control_chars {
            out.push(issue(
                Severity::Error,
                CODE_INVALID,
                format!(
                    "The Unicode sequence has bi-di control characters which are not allowed in this context: {}",
                    replace_bidi_chars(text)
                ),
            ));
            ok = false;
        } else if scan.bidi
            && let Some(msg) = check_unicode_well_formed(text)
        {
            warning(
                &mut out,
                format!(
                    "The Unicode sequence has unterminated bi-di control characters (see CVE-2021-42574): {msg}"
                ),
            );
        }
    }
    if scan.control {
        warning(&mut out, bad_chars_message(text));
    }

    if p != Primitive::Xhtml && scan.lt {
        if opts.security_checks {
            if contains_html_tags(text) {
                error(&mut out, MSG_SECURITY_ERROR.to_owned());
                ok = false;
            }
        } else if p != Primitive::Markdown && contains_html_tags(text) {
            out.push(issue(
                Severity::Information,
                INVALID,
                MSG_SECURITY_WARNING.to_owned(),
            ));
        }
    }

    match p {
        Primitive::Boolean => {
            if text != "true" && text != "false" {
                error(&mut out, MSG_BOOLEAN.to_owned());
                ok = false;
            }
        }
        Primitive::Uri | Primitive::Url | Primitive::Canonical | Primitive::Oid | Primitive::Uuid => {
            ok = check_uri_family(p, text, &mut out) && ok;
        }
        Primitive::Id => {
            if !is_valid_id(text) {
                error(&mut out, format!("id value '{text}' is not valid"));
                ok = false;
            }
        }
        Primitive::String => {
            if text.chars().all(is_util_ws) {
                warning(
                    &mut out,
                    format!("value should not be all whitespace '{}'", escape_json(text)),
                );
            } else if trim_ws(text).len() != text.len() {
                warning(
                    &mut out,
                    format!(
                        "value should not start or finish with whitespace '{}'",
                        escape_json(text)
                    ),
                );
            }
            if text.len() > 1_048_576 && utf16_len(text) > 1_048_576 {
                error(&mut out, MSG_STRING_LENGTH.to_owned());
                ok = false;
            }
        }
        Primitive::DateTime => {
            let parsed = parse_temporal(text, JAVA_DATETIME);
            if parsed.is_none() {
                error(&mut out, format!("Not a valid date/time format: '{text}'"));
                ok = false;
            }
            let mut dok = ok;
            if has_time(text) && !has_time_zone(text) {
                error(&mut out, MSG_DATETIME_TZ.to_owned());
                dok = false;
            }
            if dok && let Some(parsed) = parsed {
                match java_calendar_check(text, &parsed) {
                    Err(msg) => {
                        error(&mut out, format!("Not a valid date/time format: '{msg}'"));
                        dok = false;
                    }
                    Ok(()) => year_warning(text, &mut out),
                }
            }
            ok = ok && dok;
        }
        Primitive::Time => {
            if parse_time(text, false).is_none() {
                error(&mut out, format!("The time '{text}' is not a valid time"));
                ok = false;
            }
        }
        Primitive::Date => {
            let mut dok = true;
            match parse_temporal(text, JAVA_DATE) {
                None => {
                    error(&mut out, format!("Not a valid date format: '{text}'"));
                    dok = false;
                }
                Some(parsed) => match java_calendar_check(text, &parsed) {
                    Err(msg) => {
                        error(&mut out, format!("Not a valid date format: '{msg}'"));
                        dok = false;
                    }
                    Ok(()) => year_warning(text, &mut out),
                },
            }
            ok = ok && dok;
        }
        Primitive::Base64Binary => {
            let (valid, whitespace) = base64_scan(text);
            if !valid {
                let shown = if utf16_len(text) < 100 { text } else { "(snip)" };
                error(
                    &mut out,
                    format!("The value '{shown}' is not a valid Base64 value"),
                );
                ok = false;
            } else if whitespace {
                warning(&mut out, MSG_BASE64_WS.to_owned());
            }
        }
        Primitive::Integer | Primitive::UnsignedInt | Primitive::PositiveInt => {
            // Utilities.isInteger, then Integer.valueOf (whose failure Java does not
            // catch; reported here as "not a valid integer").
            match java_is_integer(text).then(|| text.parse::<i32>().ok()).flatten() {
                None => {
                    error(&mut out, format!("The value '{text}' is not a valid integer"));
                    ok = false;
                }
                Some(v) => {
                    if p == Primitive::UnsignedInt && v < 0 {
                        error(&mut out, MSG_INTEGER_LT0.to_owned());
                        ok = false;
                    }
                    if p == Primitive::PositiveInt && v <= 0 {
                        error(&mut out, MSG_INTEGER_LT1.to_owned());
                        ok = false;
                    }
                }
            }
        }
        Primitive::Integer64 => {
            if !java_is_long(text) || text.parse::<i64>().is_err() {
                error(&mut out, format!("The value '{text}' is not a valid integer64"));
                ok = false;
            }
        }
        Primitive::Decimal => match java_check_decimal(text) {
            DecimalStatus::Syntax => {
                error(&mut out, format!("The value '{text}' is not a valid decimal"));
                ok = false;
            }
            DecimalStatus::Range => out.push(issue(
                Severity::Warning,
                VALUE,
                format!(
                    "The value '{text}' is outside the range of commonly/reasonably supported decimals"
                ),
            )),
            DecimalStatus::Ok => {}
        },
        Primitive::Instant => {
            let mut dok = true;
            match parse_temporal(text, JAVA_INSTANT) {
                None => {
                    error(&mut out, format!("Not a valid instant format: '{text}'"));
                    dok = false;
                }
                Some(parsed) => match java_calendar_check(text, &parsed) {
                    Err(msg) => {
                        error(&mut out, format!("Not a valid instant ({msg})"));
                        dok = false;
                    }
                    Ok(()) => year_warning(text, &mut out),
                },
            }
            ok = ok && dok;
        }
        Primitive::Code => {
            if !passes_code_whitespace_rules(text) {
                error(
                    &mut out,
                    format!("The code '{text}' is not valid (whitespace rules)"),
                );
                ok = false;
            }
        }
        Primitive::Markdown => {
            if opts.html_in_markdown != HtmlInMarkdown::Ignore
                && let Some(tag) = markdown_html_start(text)
            {
                let msg = format!(
                    "The markdown contains content that appears to be an embedded HTML tag starting at '{tag}'. This will (or SHOULD) be escaped by the presentation layer. The content should be checked to confirm that this is the desired behaviour"
                );
                if opts.html_in_markdown == HtmlInMarkdown::Error {
                    error(&mut out, msg);
                    ok = false;
                } else {
                    warning(&mut out, msg);
                }
            }
        }
        Primitive::Xhtml => {}
    }

    // Final step: the type's own R4 regex (Java skips id, base64Binary, markdown).
    if ok
        && !matches_r4_regex(p, text)
        && let Some(regex) = p.r4_regex()
    {
        error(
            &mut out,
            format!(
                "Element value '{text}' does not meet {} regex '{regex}'",
                p.code()
            ),
        );
    }
    out
}

/// Java's `Resource.id` rule (InstanceValidator.validateResource; R4 types
/// `Resource.id` as `string`, so [`check`] with [`Primitive::String`] applies too).
pub fn check_resource_id(text: &str) -> Option<PrimitiveIssue> {
    let len = utf16_len(text);
    let message = if len > 64 {
        format!("Invalid Resource id: Too long ({} chars)", java_group(len))
    } else if !is_valid_id(text) {
        format!("Invalid Resource id: Invalid Characters ('{text}')")
    } else {
        return None;
    };
    Some(issue(Severity::Error, INVALID, message))
}

fn check_uri_family(p: Primitive, url: &str, out: &mut Vec<PrimitiveIssue>) -> bool {
    let mut ok = true;
    if url.starts_with("oid:") {
        error(out, MSG_URI_OID.to_owned());
        ok = false;
    }
    if url.starts_with("uuid:") {
        error(out, MSG_URI_UUID.to_owned());
        ok = false;
    }
    // url.equals(Utilities.trimWS(url).replace(" ", ""))
    let ws_ok = trim_ws(url).len() == url.len() && !url.contains(' ');
    if !ws_ok && url != ACME_URI {
        error(out, format!("URI values cannot have whitespace('{url}')"));
        ok = false;
    }
    if p == Primitive::Oid && !url.starts_with("urn:oid:") {
        error(out, MSG_OID_START.to_owned());
        ok = false;
    }
    if p == Primitive::Uuid && !url.starts_with("urn:uuid:") {
        error(out, MSG_UUID_START.to_owned());
        ok = false;
    }
    if p == Primitive::Canonical && !(url.starts_with('#') || is_absolute_url(url)) {
        error(
            out,
            format!(
                "Canonical URLs must be absolute URLs if they are not fragment references ({url})"
            ),
        );
        ok = false;
    }
    if let Some(rest) = url.strip_prefix("urn:uuid:") {
        let mut s = url;
        if let Some(i) = s.find('#') {
            s = s.get(..i).unwrap_or(s);
        }
        if p == Primitive::Canonical
            && let Some(i) = s.rfind('|')
        {
            s = s.get(..i).unwrap_or(s);
        }
        let s = s.get(9..).unwrap_or(rest);
        if !is_valid_uuid(s) {
            error(out, format!("UUIDs must be valid and lowercase ({s})"));
            ok = false;
        }
    }
    if let Some(mut cc) = url.strip_prefix("urn:oid:") {
        if p == Primitive::Canonical
            && let Some(i) = cc.find('|')
        {
            cc = cc.get(..i).unwrap_or(cc);
        }
        // OID roots shorter than 4 chars are almost never valid, except for 1.3.x
        let valid =
            is_valid_oid(cc) && (cc.rfind('.').is_some_and(|i| i >= 4) || cc.starts_with("1.3"));
        if !valid {
            error(out, format!("OIDs must be valid ({cc})"));
            ok = false;
        }
    }
    ok
}

fn year_warning(text: &str, out: &mut Vec<PrimitiveIssue>) {
    if !year_is_valid(text) {
        warning(
            out,
            format!(
                "The value '{text}' is outside the range of reasonable years - check for data entry error"
            ),
        );
    }
}

/// Whether `text` matches the type's R4 regex (true for types Java does not check).
fn matches_r4_regex(p: Primitive, text: &str) -> bool {
    match p {
        Primitive::Boolean => text == "true" || text == "false",
        Primitive::Integer => {
            let t = text.strip_prefix('-').unwrap_or(text);
            is_unsigned_int_syntax(t)
        }
        Primitive::UnsignedInt => is_unsigned_int_syntax(text),
        Primitive::PositiveInt => {
            let b = text.as_bytes();
            !b.is_empty() && b.iter().all(u8::is_ascii_digit) && b.first() != Some(&b'0')
        }
        Primitive::Decimal => is_fhir_decimal_syntax(text),
        Primitive::Uri | Primitive::Url | Primitive::Canonical => !text.bytes().any(is_regex_ws),
        Primitive::Code => {
            let b = text.as_bytes();
            let mut prev_ws = true;
            for &c in b {
                let ws = is_regex_ws(c);
                if ws && prev_ws {
                    return false;
                }
                prev_ws = ws;
            }
            !prev_ws
        }
        Primitive::Oid => text.strip_prefix("urn:oid:").is_some_and(is_valid_oid),
        Primitive::Uuid => text.strip_prefix("urn:uuid:").is_some_and(is_valid_uuid),
        Primitive::Date => parse_temporal(text, SD_DATE).is_some(),
        Primitive::DateTime => parse_temporal(text, SD_DATETIME).is_some(),
        Primitive::Instant => parse_temporal(text, SD_INSTANT).is_some(),
        Primitive::Time => parse_time(text, true).is_some(),
        // string/markdown: "^[\s\S]+$" (value is non-empty here); id, base64Binary,
        // markdown are exempt; xhtml and integer64 have no R4 regex.
        Primitive::String
        | Primitive::Markdown
        | Primitive::Id
        | Primitive::Base64Binary
        | Primitive::Integer64
        | Primitive::Xhtml => true,
    }
}
