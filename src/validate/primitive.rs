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
            if !is_valid_base64(text) {
                let shown = if utf16_len(text) < 100 { text } else { "(snip)" };
                error(
                    &mut out,
                    format!("The value '{shown}' is not a valid Base64 value"),
                );
                ok = false;
            } else if text.chars().any(is_util_ws) {
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

// ---------------------------------------------------------------------------
// Character classes

/// `Character.isWhitespace` (Java 11+).
fn is_java_ws(c: char) -> bool {
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
fn is_util_ws(c: char) -> bool {
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
fn is_regex_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r')
}

/// `Utilities.trimWS`.
fn trim_ws(s: &str) -> &str {
    s.trim_matches(is_util_ws)
}

fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// `Utilities.escapeJson`.
fn escape_json(s: &str) -> String {
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
fn java_group(n: usize) -> String {
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
struct Scan {
    /// A char < 0x20 other than CR, LF, TAB.
    control: bool,
    /// A '<'.
    lt: bool,
    /// A '\n' (Java counts it among the bi-di characters, as PARA).
    newline: bool,
    /// A real bi-di control character.
    bidi: bool,
}

impl Scan {
    fn of(text: &str) -> Scan {
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

fn bidi_name(c: char) -> Option<&'static str> {
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
fn replace_bidi_chars(s: &str) -> String {
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
fn check_unicode_well_formed(s: &str) -> Option<String> {
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
fn bad_chars_message(text: &str) -> String {
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
fn contains_html_tags(text: &str) -> bool {
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

fn is_html_fragment(s: &str) -> bool {
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
fn markdown_html_start(text: &str) -> Option<String> {
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

// ---------------------------------------------------------------------------
// Type-specific helpers

/// `FormatUtilities.isValidId`: `[A-Za-z0-9\-\.]{1,64}`.
fn is_valid_id(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// `[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`.
fn is_valid_uuid(s: &str) -> bool {
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
fn is_valid_oid(s: &str) -> bool {
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
fn is_unsigned_int_syntax(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty() && b.iter().all(u8::is_ascii_digit) && (b.len() == 1 || b.first() != Some(&b'0'))
}

/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn is_fhir_decimal_syntax(s: &str) -> bool {
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
fn is_absolute_url(r: &str) -> bool {
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
fn is_token(s: &str) -> bool {
    let b = s.as_bytes();
    b.first().is_some_and(u8::is_ascii_alphabetic)
        && b.iter()
            .skip(1)
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'[' | b']'))
}

/// `InstanceValidator.passesCodeWhitespaceRules`.
fn passes_code_whitespace_rules(v: &str) -> bool {
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
/// ignored); the count must be a multiple of 4.
fn is_valid_base64(s: &str) -> bool {
    let mut count: usize = 0;
    for c in s.chars() {
        if is_util_ws(c) {
            continue;
        }
        // Java iterates UTF-16 units: surrogates are neither letters nor digits.
        let bmp = (c as u32) < 0x10000;
        if (bmp && (c.is_alphabetic() || c.is_numeric())) || matches!(c, '/' | '=' | '+') {
            count += 1;
        }
    }
    count.is_multiple_of(4)
}

/// `Utilities.isInteger` (ASCII digits only; Java would also take other Unicode
/// digits, which then fail the type regex anyway).
fn java_is_integer(s: &str) -> bool {
    let v = s.strip_prefix('-').unwrap_or(s);
    !v.is_empty()
        && v.bytes().all(|b| b.is_ascii_digit())
        && v.len() <= 10
        // Java compares the whole string (sign included) with "2147483648", so the
        // lower bound is never enforced; Integer.valueOf then fails (see caller).
        && (s.starts_with('-') || v.len() < 10 || v <= "2147483647")
}

/// `Utilities.isLong`.
fn java_is_long(s: &str) -> bool {
    let v = s.strip_prefix('-').unwrap_or(s);
    !v.is_empty()
        && v.bytes().all(|b| b.is_ascii_digit())
        && v.len() <= 20
        && (s.starts_with('-') || v.len() < 20 || v <= "9223372036854775807")
}

#[derive(Debug, PartialEq, Eq)]
enum DecimalStatus {
    Ok,
    Syntax,
    Range,
}

/// `Utilities.checkDecimal(value, allowExponent = true, allowLeadingZero = false)`.
fn java_check_decimal(value: &str) -> DecimalStatus {
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

// ---------------------------------------------------------------------------
// Dates and times

#[derive(Debug, Clone, Copy)]
struct TimePart<'a> {
    hour: u32,
    minute: u32,
    second: u32,
    /// Fraction digits (may be empty).
    frac: &'a str,
    /// Offset in minutes east of UTC.
    tz: Option<i32>,
}

#[derive(Debug, Clone, Copy)]
struct Temporal<'a> {
    negative: bool,
    year: u32,
    month: Option<u32>,
    day: Option<u32>,
    time: Option<TimePart<'a>>,
}

#[derive(Clone, Copy)]
struct Syntax {
    /// `-?` before the year (Java's instant regex).
    sign: bool,
    /// Year `0000` allowed.
    zero_year: bool,
    /// `T...` allowed after a full date.
    time_allowed: bool,
    /// Full date and time required.
    time_required: bool,
    /// A zone is required when a time is present.
    tz_required: bool,
}

const JAVA_DATE: Syntax = Syntax {
    sign: false,
    zero_year: false,
    time_allowed: false,
    time_required: false,
    tz_required: true,
};
const SD_DATE: Syntax = JAVA_DATE;
const JAVA_DATETIME: Syntax = Syntax {
    sign: false,
    zero_year: false,
    time_allowed: true,
    time_required: false,
    tz_required: false,
};
const SD_DATETIME: Syntax = Syntax {
    tz_required: true,
    ..JAVA_DATETIME
};
const JAVA_INSTANT: Syntax = Syntax {
    sign: true,
    zero_year: true,
    time_allowed: true,
    time_required: true,
    tz_required: true,
};
const SD_INSTANT: Syntax = Syntax {
    sign: false,
    zero_year: false,
    ..JAVA_INSTANT
};
const LENIENT: Syntax = Syntax {
    sign: false,
    zero_year: true,
    time_allowed: true,
    time_required: false,
    tz_required: false,
};

fn digits_at(b: &[u8], i: usize, n: usize) -> Option<u32> {
    let mut v = 0u32;
    for k in 0..n {
        let d = *b.get(i + k)?;
        if !d.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(d - b'0');
    }
    Some(v)
}

fn parse_temporal(s: &str, syn: Syntax) -> Option<Temporal<'_>> {
    let b = s.as_bytes();
    let negative = syn.sign && b.first() == Some(&b'-');
    let mut i = usize::from(negative);
    let year = digits_at(b, i, 4)?;
    if year == 0 && !syn.zero_year {
        return None;
    }
    i += 4;
    let mut t = Temporal {
        negative,
        year,
        month: None,
        day: None,
        time: None,
    };
    if i == b.len() {
        return (!syn.time_required).then_some(t);
    }
    if b.get(i) != Some(&b'-') {
        return None;
    }
    let month = digits_at(b, i + 1, 2).filter(|m| (1..=12).contains(m))?;
    t.month = Some(month);
    i += 3;
    if i == b.len() {
        return (!syn.time_required).then_some(t);
    }
    if b.get(i) != Some(&b'-') {
        return None;
    }
    let day = digits_at(b, i + 1, 2).filter(|d| (1..=31).contains(d))?;
    t.day = Some(day);
    i += 3;
    if i == b.len() {
        return (!syn.time_required).then_some(t);
    }
    if !syn.time_allowed || b.get(i) != Some(&b'T') {
        return None;
    }
    let (time, end) = parse_time_at(s, i + 1, true)?;
    let mut time = time;
    i = end;
    if i < b.len() {
        let (tz, end) = parse_zone(b, i)?;
        time.tz = Some(tz);
        i = end;
    } else if syn.tz_required {
        return None;
    }
    if i != b.len() {
        return None;
    }
    t.time = Some(time);
    Some(t)
}

/// `hh:mm:ss(.f+)?` starting at `i`; returns the part and the end offset.
fn parse_time_at(s: &str, i: usize, frac_allowed: bool) -> Option<(TimePart<'_>, usize)> {
    let b = s.as_bytes();
    let hour = digits_at(b, i, 2).filter(|h| *h <= 23)?;
    if b.get(i + 2) != Some(&b':') {
        return None;
    }
    let minute = digits_at(b, i + 3, 2).filter(|m| *m <= 59)?;
    if b.get(i + 5) != Some(&b':') {
        return None;
    }
    let second = digits_at(b, i + 6, 2).filter(|s| *s <= 60)?;
    let mut end = i + 8;
    let mut frac = "";
    if frac_allowed && b.get(end) == Some(&b'.') {
        let start = end + 1;
        let mut k = start;
        while b.get(k).is_some_and(u8::is_ascii_digit) {
            k += 1;
        }
        if k == start {
            return None;
        }
        frac = s.get(start..k).unwrap_or("");
        end = k;
    }
    Some((
        TimePart {
            hour,
            minute,
            second,
            frac,
            tz: None,
        },
        end,
    ))
}

/// `Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)`; returns offset minutes and end.
fn parse_zone(b: &[u8], i: usize) -> Option<(i32, usize)> {
    match b.get(i) {
        Some(b'Z') => Some((0, i + 1)),
        Some(&sign @ (b'+' | b'-')) => {
            let h = digits_at(b, i + 1, 2)?;
            if b.get(i + 3) != Some(&b':') {
                return None;
            }
            let m = digits_at(b, i + 4, 2)?;
            if !((h <= 13 && m <= 59) || (h == 14 && m == 0)) {
                return None;
            }
            let minutes = i32::try_from(h * 60 + m).ok()?;
            Some((if sign == b'-' { -minutes } else { minutes }, i + 6))
        }
        _ => None,
    }
}

/// A whole `time` value: Java's own check has no fraction; the R4 regex has one.
fn parse_time(s: &str, frac_allowed: bool) -> Option<TimePart<'_>> {
    let (t, end) = parse_time_at(s, 0, frac_allowed)?;
    (end == s.len()).then_some(t)
}

fn is_leap_java(year: u32) -> bool {
    // GregorianCalendar: Julian rules before the 1582 cut-over.
    if year <= 1582 {
        year.is_multiple_of(4)
    } else {
        (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
    }
}

fn days_in_month(year: u32, month: u32, leap: fn(u32) -> bool) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 => {
            if leap(year) {
                29
            } else {
                28
            }
        }
        _ => 31,
    }
}

/// What `BaseDateTimeType.parse` rejects among values that pass Java's regex:
/// a day beyond the month, and (instant) a negative year. Returns the exception
/// message.
fn java_calendar_check(s: &str, t: &Temporal<'_>) -> Result<(), String> {
    if t.negative {
        // parseInt("-YYY") is negative, or "-000" is 0 and index 4 is not '-'.
        let b = s.as_bytes();
        if b.get(1..4) == Some(b"000") {
            let found = s.get(4..5).unwrap_or("");
            return Err(format!(
                "Invalid date/time format: \"{s}\": Expected character '-' at index 4 but found {found}"
            ));
        }
        return Err(format!("Invalid date/time format: \"{s}\""));
    }
    if let (Some(m), Some(d)) = (t.month, t.day)
        && d > days_in_month(t.year, m, is_leap_java)
    {
        return Err(format!("Invalid date/time format: \"{s}\""));
    }
    Ok(())
}

/// `InstanceValidator.hasTime`.
fn has_time(s: &str) -> bool {
    s.contains('T')
}

/// `InstanceValidator.hasTimeZone`: `-`, `+` or `Z` after UTF-16 index 10.
fn has_time_zone(s: &str) -> bool {
    let mut idx = 0usize;
    let mut found = false;
    for c in s.chars() {
        if idx >= 10 && matches!(c, '-' | '+' | 'Z') {
            found = true;
        }
        idx += c.len_utf16();
    }
    idx > 10 && found
}

/// `InstanceValidator.yearIsValid`: 1800 <= year <= this year + 80.
fn year_is_valid(v: &str) -> bool {
    // Integer.parseInt(v.substring(0, min(4, v.length())))
    let end = v.char_indices().nth(4).map_or(v.len(), |(i, _)| i);
    let head = v.get(..end).unwrap_or("");
    let digits = head.strip_prefix(['+', '-']).unwrap_or(head);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    head.parse::<i32>()
        .is_ok_and(|y| y >= 1800 && y <= this_year().saturating_add(80))
}

fn this_year() -> i32 {
    static YEAR: OnceLock<i32> = OnceLock::new();
    *YEAR.get_or_init(|| today_days().map_or(2026, |d| civil_from_days(d).0))
}

/// Days since 1970-01-01 today, from the system clock; `None` where there is no clock
/// (wasm32-unknown-unknown has no `SystemTime`).
pub fn today_days() -> Option<i64> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_secs();
        i64::try_from(secs / 86_400).ok()
    }
    #[cfg(target_arch = "wasm32")]
    {
        None
    }
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian.
pub fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        i32::try_from(y).unwrap_or(1970),
        u32::try_from(m).unwrap_or(1),
        u32::try_from(d).unwrap_or(1),
    )
}

/// (year, month, day) to days since 1970-01-01, proleptic Gregorian.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

// ---------------------------------------------------------------------------
// Comparison helpers (for minValue/maxValue)

/// An integer value (optional `+`/`-`, ASCII digits); None if not one or out of range.
pub fn parse_integer(text: &str) -> Option<i64> {
    let digits = text
        .strip_prefix('-')
        .or_else(|| text.strip_prefix('+'))
        .unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<i64>().ok()
}

/// A decimal normalised as `sign * 0.D * 10^exp`, D without leading/trailing zeros.
struct Dec<'a> {
    negative: bool,
    /// Integer and fraction digits, as written.
    int: &'a str,
    frac: &'a str,
    exp: i64,
}

fn parse_dec(text: &str) -> Option<Dec<'_>> {
    let (negative, body) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..)?),
        Some(b'+') => (false, text.get(1..)?),
        _ => (false, text),
    };
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(i) => {
            let e = body.get(i + 1..)?;
            let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            (body.get(..i)?, e.parse::<i64>().ok()?)
        }
        None => (body, 0),
    };
    let (int, frac) = match mantissa.find('.') {
        Some(i) => (mantissa.get(..i)?, mantissa.get(i + 1..)?),
        None => (mantissa, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.len() + frac.len() == 0 || !all_digits(int) || !all_digits(frac) {
        return None;
    }
    Some(Dec {
        negative,
        int,
        frac,
        exp,
    })
}

/// Compares two decimals exactly, on their text (exponents allowed); None if either
/// is not a decimal.
pub fn compare_decimal(a: &str, b: &str) -> Option<Ordering> {
    let (x, y) = (parse_dec(a)?, parse_dec(b)?);
    let (xs, xe) = significand(&x)?;
    let (ys, ye) = significand(&y)?;
    let sign = |neg: bool, zero: bool| -> i8 {
        if zero {
            0
        } else if neg {
            -1
        } else {
            1
        }
    };
    let (sx, sy) = (
        sign(x.negative, xs.is_empty()),
        sign(y.negative, ys.is_empty()),
    );
    if sx != sy || sx == 0 {
        return Some(sx.cmp(&sy));
    }
    let magnitude = xe.cmp(&ye).then_with(|| xs.iter().cmp(ys.iter()));
    Some(if sx < 0 {
        magnitude.reverse()
    } else {
        magnitude
    })
}

/// Significant digits (no leading/trailing zeros; empty for zero) and the exponent E
/// such that the value is 0.DIGITS * 10^E.
fn significand(d: &Dec<'_>) -> Option<(Vec<u8>, i64)> {
    let all = d.int.bytes().chain(d.frac.bytes());
    let lead = all.clone().take_while(|&c| c == b'0').count();
    let mut digits: Vec<u8> = all.skip(lead).collect();
    while digits.last() == Some(&b'0') {
        digits.pop();
    }
    let e = i64::try_from(d.int.len())
        .ok()?
        .checked_sub(i64::try_from(lead).ok()?)?
        .checked_add(d.exp)?;
    Some((digits, e))
}

/// Compares two date/dateTime/instant values. None when either does not parse or the
/// two are not comparable (different precision after equal common parts, or only one
/// of two times has a zone).
pub fn compare_temporal(a: &str, b: &str) -> Option<Ordering> {
    let x = parse_temporal(a, LENIENT)?;
    let y = parse_temporal(b, LENIENT)?;
    if let (Some(tx), Some(ty)) = (x.time, y.time) {
        let secs = |t: &Temporal<'_>, tp: &TimePart<'_>, zone: i32| -> i64 {
            let days = days_from_civil(
                i64::from(t.year),
                i64::from(t.month.unwrap_or(1)),
                i64::from(t.day.unwrap_or(1)),
            );
            days * 86_400
                + i64::from(tp.hour) * 3600
                + i64::from(tp.minute) * 60
                + i64::from(tp.second)
                - i64::from(zone) * 60
        };
        let ord = match (tx.tz, ty.tz) {
            (Some(zx), Some(zy)) => secs(&x, &tx, zx).cmp(&secs(&y, &ty, zy)),
            (None, None) => secs(&x, &tx, 0).cmp(&secs(&y, &ty, 0)),
            _ => return None,
        };
        return Some(ord.then_with(|| compare_fraction(tx.frac, ty.frac)));
    }
    let ord = x.year.cmp(&y.year);
    if ord != Ordering::Equal {
        return Some(ord);
    }
    for (l, r) in [(x.month, y.month), (x.day, y.day)] {
        match (l, r) {
            (Some(l), Some(r)) => {
                if l != r {
                    return Some(l.cmp(&r));
                }
            }
            (None, None) => return Some(Ordering::Equal),
            _ => return None,
        }
    }
    // Equal dates: equal if neither has a time.
    (x.time.is_none() && y.time.is_none()).then_some(Ordering::Equal)
}

fn compare_fraction(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.trim_end_matches('0'), b.trim_end_matches('0'));
    a.cmp(b)
}

// ---------------------------------------------------------------------------

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::expect_used)]
mod tests {
    use super::*;

    const ALL: [Primitive; 21] = [
        Primitive::Boolean,
        Primitive::Integer,
        Primitive::Integer64,
        Primitive::String,
        Primitive::Decimal,
        Primitive::Uri,
        Primitive::Url,
        Primitive::Canonical,
        Primitive::Base64Binary,
        Primitive::Instant,
        Primitive::Date,
        Primitive::DateTime,
        Primitive::Time,
        Primitive::Code,
        Primitive::Oid,
        Primitive::Id,
        Primitive::Markdown,
        Primitive::UnsignedInt,
        Primitive::PositiveInt,
        Primitive::Uuid,
        Primitive::Xhtml,
    ];

    /// Checks with the JSON kind the type expects.
    fn c(p: Primitive, text: &str) -> Vec<PrimitiveIssue> {
        check(p, p.json_kind(), text)
    }

    fn ok(p: Primitive, text: &str) {
        let issues = c(p, text);
        assert!(issues.is_empty(), "{p:?} {text:?} -> {issues:?}");
    }

    fn one(p: Primitive, text: &str, severity: Severity, code: &str, message: &str) {
        let issues = c(p, text);
        assert_eq!(
            issues,
            vec![PrimitiveIssue {
                severity,
                code: match code {
                    "invalid" => INVALID,
                    "value" => VALUE,
                    _ => CODE_INVALID,
                },
                message: message.to_owned(),
            }],
            "{p:?} {text:?}"
        );
    }

    fn err(p: Primitive, text: &str, message: &str) {
        one(p, text, Severity::Error, "invalid", message);
    }

    fn messages(issues: &[PrimitiveIssue]) -> Vec<&str> {
        issues.iter().map(|i| i.message.as_str()).collect()
    }

    #[test]
    fn codes_round_trip() {
        for p in ALL {
            assert_eq!(Primitive::from_code(p.code()), Some(p));
        }
        assert_eq!(
            Primitive::from_code("http://hl7.org/fhirpath/System.String"),
            None
        );
        assert_eq!(Primitive::from_code("DateTime"), None);
        assert_eq!(Primitive::Boolean.json_kind(), JsonKind::Bool);
        for p in [
            Primitive::Integer,
            Primitive::UnsignedInt,
            Primitive::PositiveInt,
            Primitive::Decimal,
        ] {
            assert_eq!(p.json_kind(), JsonKind::Number);
        }
        assert_eq!(Primitive::Integer64.json_kind(), JsonKind::String);
        assert_eq!(Primitive::Xhtml.json_kind(), JsonKind::String);
    }

    #[test]
    fn wrong_json_kind() {
        assert_eq!(
            messages(&check(Primitive::Boolean, JsonKind::String, "true")),
            [MSG_MUST_BE_BOOLEAN]
        );
        assert_eq!(
            messages(&check(Primitive::Integer, JsonKind::String, "12")),
            [MSG_MUST_BE_NUMBER]
        );
        assert_eq!(
            messages(&check(Primitive::Decimal, JsonKind::String, "1.5")),
            [MSG_MUST_BE_NUMBER]
        );
        assert_eq!(
            messages(&check(Primitive::String, JsonKind::Number, "12")),
            [MSG_MUST_BE_STRING]
        );
        assert_eq!(
            messages(&check(Primitive::Code, JsonKind::Bool, "true")),
            [MSG_MUST_BE_STRING]
        );
        // Java goes on to check the value as text.
        assert_eq!(
            messages(&check(Primitive::Integer, JsonKind::Bool, "true")),
            [
                MSG_MUST_BE_NUMBER,
                "The value 'true' is not a valid integer"
            ]
        );
        assert_eq!(
            messages(&check(Primitive::Date, JsonKind::Number, "2020")),
            [MSG_MUST_BE_STRING]
        );
        assert_eq!(
            messages(&check(Primitive::Boolean, JsonKind::String, "yes")),
            [MSG_MUST_BE_BOOLEAN, MSG_BOOLEAN]
        );
        let i = &check(Primitive::Uri, JsonKind::Number, "1")[0];
        assert_eq!((i.severity, i.code), (Severity::Error, "invalid"));
    }

    #[test]
    fn empty_and_blank() {
        for p in ALL {
            let issues = check(p, JsonKind::String, "");
            let msgs = messages(&issues);
            assert_eq!(msgs.last(), Some(&MSG_NOT_EMPTY), "{p:?}");
            let with_children = CheckOptions {
                has_children: true,
                ..CheckOptions::DEFAULT
            };
            assert!(
                !messages(&check_with(p, JsonKind::String, "", &with_children))
                    .contains(&MSG_NOT_EMPTY)
            );
        }
        err(Primitive::String, "", MSG_NOT_EMPTY);
        one(
            Primitive::String,
            "   ",
            Severity::Warning,
            "invalid",
            MSG_PRIMITIVE_WS,
        );
        // Whitespace-only values stop there, whatever the type.
        one(
            Primitive::Date,
            " \t",
            Severity::Warning,
            "invalid",
            MSG_PRIMITIVE_WS,
        );
        // Java-blank but not Utilities-whitespace: nothing at all.
        ok(Primitive::String, "\u{1c}");
    }

    #[test]
    fn strings() {
        ok(Primitive::String, "hello world");
        ok(Primitive::String, "multi\nline\ttext\r\nend");
        ok(Primitive::String, "€ 𝐀 é");
        one(
            Primitive::String,
            " padded",
            Severity::Warning,
            "invalid",
            "value should not start or finish with whitespace ' padded'",
        );
        one(
            Primitive::String,
            "line\n",
            Severity::Warning,
            "invalid",
            "value should not start or finish with whitespace 'line\\n'",
        );
        one(
            Primitive::String,
            "\u{a0}",
            Severity::Warning,
            "invalid",
            "value should not be all whitespace '\u{a0}'",
        );
        let big = "a".repeat(1_048_577);
        err(Primitive::String, &big, MSG_STRING_LENGTH);
        ok(Primitive::String, &"a".repeat(1_048_576));
        // 1MB is counted in UTF-16 units, not bytes.
        ok(Primitive::String, &"é".repeat(600_000));
        // Leading/trailing whitespace on other types is not a string rule.
        ok(Primitive::Markdown, " text ");
    }

    #[test]
    fn control_and_bidi_characters() {
        one(
            Primitive::String,
            "a\u{1}b",
            Severity::Warning,
            "invalid",
            "This content includes the character [1] (hex value). This character is illegal in the XML version of FHIR, and there is generally no valid use for such characters",
        );
        let issues = c(Primitive::String, "a\u{1f}\u{2}\u{1f}b");
        assert_eq!(
            messages(&issues),
            [
                "This content includes the characters [2, 1f] (hex values). These characters are illegal in the XML version of FHIR, and there is generally no valid use for such characters"
            ]
        );
        one(
            Primitive::String,
            "abc\u{202E}def",
            Severity::Warning,
            "invalid",
            "The Unicode sequence has unterminated bi-di control characters (see CVE-2021-42574): Unicode Character RLO at index 3 has no terminating match",
        );
        ok(Primitive::String, "abc\u{202E}def\u{202C}");
        ok(Primitive::String, "a\u{2067}b\u{2069}c");
        ok(Primitive::String, "abc\u{202E}def\nmore");
        let strict = CheckOptions {
            no_unicode_bidi_control_chars: true,
            ..CheckOptions::DEFAULT
        };
        let issues = check_with(Primitive::String, JsonKind::String, "a\u{200E}b", &strict);
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].code, "code-invalid");
        assert_eq!(
            issues[0].message,
            "The Unicode sequence has bi-di control characters which are not allowed in this context: a|LRM|b"
        );
    }

    #[test]
    fn embedded_html() {
        let hint = "The string value contains text that looks like embedded HTML tags. If this content is rendered to HTML without appropriate post-processing, it may be a security risk";
        one(
            Primitive::String,
            "Standard <script>somescript</script>",
            Severity::Information,
            "invalid",
            hint,
        );
        ok(Primitive::String, "a < b > c < d");
        ok(Primitive::String, "x <br> y");
        ok(Primitive::Markdown, "Standard text *bold*");
        let secure = CheckOptions {
            security_checks: true,
            ..CheckOptions::DEFAULT
        };
        let issues = check_with(
            Primitive::String,
            JsonKind::String,
            "Standard <script>somescript</script>",
            &secure,
        );
        assert_eq!(messages(&issues), [MSG_SECURITY_ERROR]);
        assert_eq!(issues[0].severity, Severity::Error);
        ok(
            Primitive::Xhtml,
            "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>x</p></div>",
        );
    }

    #[test]
    fn markdown_html() {
        let msg = "The markdown contains content that appears to be an embedded HTML tag starting at '<r'. This will (or SHOULD) be escaped by the presentation layer. The content should be checked to confirm that this is the desired behaviour";
        one(
            Primitive::Markdown,
            "<resource type>\\<id>",
            Severity::Warning,
            "invalid",
            msg,
        );
        let strict = CheckOptions {
            html_in_markdown: HtmlInMarkdown::Error,
            ..CheckOptions::DEFAULT
        };
        let issues = check_with(
            Primitive::Markdown,
            JsonKind::String,
            "<resource type>\\<id>",
            &strict,
        );
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].severity, Severity::Error);
        ok(Primitive::Markdown, "a \\<b> c < d <1");
    }

    #[test]
    fn booleans() {
        ok(Primitive::Boolean, "true");
        ok(Primitive::Boolean, "false");
        assert_eq!(
            messages(&check(Primitive::Boolean, JsonKind::String, "True")),
            [MSG_MUST_BE_BOOLEAN, MSG_BOOLEAN]
        );
    }

    #[test]
    fn integers() {
        ok(Primitive::Integer, "0");
        ok(Primitive::Integer, "-0");
        ok(Primitive::Integer, "2147483647");
        ok(Primitive::Integer, "-2147483648");
        err(
            Primitive::Integer,
            "2147483648",
            "The value '2147483648' is not a valid integer",
        );
        err(
            Primitive::Integer,
            "-2147483649",
            "The value '-2147483649' is not a valid integer",
        );
        err(
            Primitive::Integer,
            "1.0",
            "The value '1.0' is not a valid integer",
        );
        err(
            Primitive::Integer,
            "1e2",
            "The value '1e2' is not a valid integer",
        );
        err(
            Primitive::Integer,
            "+5",
            "The value '+5' is not a valid integer",
        );
        // Java's isInteger accepts leading zeros; the type regex then fails.
        err(
            Primitive::Integer,
            "007",
            "Element value '007' does not meet integer regex '-?([0]|([1-9][0-9]*))'",
        );
        ok(Primitive::UnsignedInt, "0");
        ok(Primitive::UnsignedInt, "42");
        err(Primitive::UnsignedInt, "-1", MSG_INTEGER_LT0);
        err(
            Primitive::UnsignedInt,
            "-0",
            "Element value '-0' does not meet unsignedInt regex '[0]|([1-9][0-9]*)'",
        );
        ok(Primitive::PositiveInt, "1");
        err(Primitive::PositiveInt, "0", MSG_INTEGER_LT1);
        err(Primitive::PositiveInt, "-3", MSG_INTEGER_LT1);
        err(
            Primitive::PositiveInt,
            "01",
            "Element value '01' does not meet positiveInt regex '[1-9][0-9]*'",
        );
        ok(Primitive::Integer64, "-9223372036854775808");
        ok(Primitive::Integer64, "9223372036854775807");
        err(
            Primitive::Integer64,
            "9223372036854775808",
            "The value '9223372036854775808' is not a valid integer64",
        );
        err(
            Primitive::Integer64,
            "-",
            "The value '-' is not a valid integer64",
        );
    }

    #[test]
    fn decimals() {
        for v in [
            "0", "-0", "0.0", "1.5", "-12.25", "1e5", "1.5E-10", "100", "0.000001",
        ] {
            ok(Primitive::Decimal, v);
        }
        for v in [
            "01.0", "1.", ".5", "1.2.3", "--1", "1e", "abc", "0x10", "1 ",
        ] {
            err(
                Primitive::Decimal,
                v,
                &format!("The value '{v}' is not a valid decimal"),
            );
        }
        one(
            Primitive::Decimal,
            "1.1234567890123456789",
            Severity::Warning,
            "value",
            "The value '1.1234567890123456789' is outside the range of commonly/reasonably supported decimals",
        );
        one(
            Primitive::Decimal,
            "1e12345",
            Severity::Warning,
            "value",
            "The value '1e12345' is outside the range of commonly/reasonably supported decimals",
        );
        // checkDecimal allows '+'; the R4 regex does not.
        err(
            Primitive::Decimal,
            "+1.5",
            r"Element value '+1.5' does not meet decimal regex '-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?'",
        );
    }

    #[test]
    fn dates() {
        ok(Primitive::Date, "2024");
        ok(Primitive::Date, "2024-02");
        ok(Primitive::Date, "2024-02-29");
        ok(Primitive::Date, "2000-02-29");
        err(
            Primitive::Date,
            "2023-02-29",
            "Not a valid date format: 'Invalid date/time format: \"2023-02-29\"'",
        );
        err(
            Primitive::Date,
            "1900-02-29",
            "Not a valid date format: 'Invalid date/time format: \"1900-02-29\"'",
        );
        err(
            Primitive::Date,
            "2023-02-30",
            "Not a valid date format: 'Invalid date/time format: \"2023-02-30\"'",
        );
        err(
            Primitive::Date,
            "2023-04-31",
            "Not a valid date format: 'Invalid date/time format: \"2023-04-31\"'",
        );
        err(
            Primitive::Date,
            "2023-13-01",
            "Not a valid date format: '2023-13-01'",
        );
        err(
            Primitive::Date,
            "2023-00",
            "Not a valid date format: '2023-00'",
        );
        err(Primitive::Date, "0000", "Not a valid date format: '0000'");
        err(
            Primitive::Date,
            "2023-1-5",
            "Not a valid date format: '2023-1-5'",
        );
        err(
            Primitive::Date,
            "2023-01-01T10:00:00Z",
            "Not a valid date format: '2023-01-01T10:00:00Z'",
        );
        // ai4 in the conformance suite.
        err(
            Primitive::Date,
            "not a date",
            "Not a valid date format: 'not a date'",
        );
        one(
            Primitive::Date,
            "1799-12-31",
            Severity::Warning,
            "invalid",
            "The value '1799-12-31' is outside the range of reasonable years - check for data entry error",
        );
        one(
            Primitive::Date,
            "9999",
            Severity::Warning,
            "invalid",
            "The value '9999' is outside the range of reasonable years - check for data entry error",
        );
        // Julian calendar before 1582 (GregorianCalendar), with the year warning.
        assert_eq!(c(Primitive::Date, "1500-02-29").len(), 1);
        assert_eq!(
            c(Primitive::Date, "1500-02-29")[0].severity,
            Severity::Warning
        );
    }

    #[test]
    fn date_times() {
        ok(Primitive::DateTime, "2024");
        ok(Primitive::DateTime, "2024-05");
        ok(Primitive::DateTime, "2024-05-06");
        ok(Primitive::DateTime, "2024-05-06T10:11:12Z");
        ok(Primitive::DateTime, "2024-05-06T10:11:12.123456+14:00");
        ok(Primitive::DateTime, "2024-05-06T23:59:60-05:30");
        // hakan-se in the conformance suite.
        err(
            Primitive::DateTime,
            "2020-11-11T10:58:14.768528",
            MSG_DATETIME_TZ,
        );
        assert_eq!(
            messages(&c(Primitive::DateTime, "2020-13-11T10:58:14")),
            [
                "Not a valid date/time format: '2020-13-11T10:58:14'",
                MSG_DATETIME_TZ
            ]
        );
        err(
            Primitive::DateTime,
            "2024-05-06T10:11Z",
            "Not a valid date/time format: '2024-05-06T10:11Z'",
        );
        err(
            Primitive::DateTime,
            "2024-05-06T24:00:00Z",
            "Not a valid date/time format: '2024-05-06T24:00:00Z'",
        );
        err(
            Primitive::DateTime,
            "2024-05-06T10:00:00+14:30",
            "Not a valid date/time format: '2024-05-06T10:00:00+14:30'",
        );
        err(
            Primitive::DateTime,
            "2023-02-29T10:00:00Z",
            "Not a valid date/time format: 'Invalid date/time format: \"2023-02-29T10:00:00Z\"'",
        );
        err(
            Primitive::DateTime,
            "2024-05-06 10:00:00Z",
            "Not a valid date/time format: '2024-05-06 10:00:00Z'",
        );
    }

    #[test]
    fn instants() {
        ok(Primitive::Instant, "2024-05-06T10:11:12Z");
        ok(Primitive::Instant, "2024-05-06T10:11:12.5-03:00");
        err(
            Primitive::Instant,
            "2024-05-06T10:11Z",
            "Not a valid instant format: '2024-05-06T10:11Z'",
        );
        err(
            Primitive::Instant,
            "2024-05-06T10:11:12",
            "Not a valid instant format: '2024-05-06T10:11:12'",
        );
        err(
            Primitive::Instant,
            "2024-05-06",
            "Not a valid instant format: '2024-05-06'",
        );
        err(
            Primitive::Instant,
            "2023-02-29T10:11:12Z",
            "Not a valid instant (Invalid date/time format: \"2023-02-29T10:11:12Z\")",
        );
        err(
            Primitive::Instant,
            "-2024-05-06T10:11:12Z",
            "Not a valid instant (Invalid date/time format: \"-2024-05-06T10:11:12Z\")",
        );
        // Java's instant regex takes year 0000; the R4 regex does not.
        let issues = c(Primitive::Instant, "0000-05-06T10:11:12Z");
        assert_eq!(issues.len(), 2);
        assert_eq!(issues[0].severity, Severity::Warning);
        assert!(
            issues[1]
                .message
                .starts_with("Element value '0000-05-06T10:11:12Z' does not meet instant regex")
        );
    }

    #[test]
    fn times() {
        ok(Primitive::Time, "00:00:00");
        ok(Primitive::Time, "23:59:60");
        err(
            Primitive::Time,
            "24:00:00",
            "The time '24:00:00' is not a valid time",
        );
        err(
            Primitive::Time,
            "12:00",
            "The time '12:00' is not a valid time",
        );
        // Java's own time check has no fractional seconds.
        err(
            Primitive::Time,
            "12:00:00.5",
            "The time '12:00:00.5' is not a valid time",
        );
        err(
            Primitive::Time,
            "12:00:00Z",
            "The time '12:00:00Z' is not a valid time",
        );
    }

    #[test]
    fn codes_and_ids() {
        ok(Primitive::Code, "final");
        ok(Primitive::Code, "a b c");
        ok(Primitive::Code, "mg/dL");
        for v in ["a  b", "a\tb", "a\u{1}", "a\u{2003}b", "a\nb"] {
            let issues = c(Primitive::Code, v);
            assert!(
                messages(&issues)
                    .contains(&format!("The code '{v}' is not valid (whitespace rules)").as_str()),
                "{v:?} {issues:?}"
            );
        }
        err(
            Primitive::Code,
            "a  b",
            "The code 'a  b' is not valid (whitespace rules)",
        );
        ok(Primitive::Id, "abc-123.X");
        ok(Primitive::Id, &"a".repeat(64));
        let long = "a".repeat(65);
        err(
            Primitive::Id,
            &long,
            &format!("id value '{long}' is not valid"),
        );
        err(Primitive::Id, "bad_id", "id value 'bad_id' is not valid");
        err(Primitive::Id, "bad id", "id value 'bad id' is not valid");
    }

    #[test]
    fn resource_ids() {
        assert_eq!(check_resource_id("example"), None);
        assert_eq!(
            check_resource_id(&format!("{}12345", "1234567890".repeat(6))),
            Some(issue(
                Severity::Error,
                INVALID,
                "Invalid Resource id: Too long (65 chars)".to_owned()
            ))
        );
        assert_eq!(
            check_resource_id("bad-id_1").map(|i| i.message),
            Some("Invalid Resource id: Invalid Characters ('bad-id_1')".to_owned())
        );
        assert_eq!(
            check_resource_id("/foobar==").map(|i| i.message),
            Some("Invalid Resource id: Invalid Characters ('/foobar==')".to_owned())
        );
        assert_eq!(
            check_resource_id(&"x".repeat(1234)).map(|i| i.message),
            Some("Invalid Resource id: Too long (1,234 chars)".to_owned())
        );
    }

    #[test]
    fn uris() {
        ok(Primitive::Uri, "http://example.org/fhir");
        ok(Primitive::Uri, "urn:ietf:rfc:3986");
        ok(Primitive::Uri, "relative/path");
        err(
            Primitive::Uri,
            "http://example.org/a b",
            "URI values cannot have whitespace('http://example.org/a b')",
        );
        err(
            Primitive::Uri,
            " http://x",
            "URI values cannot have whitespace(' http://x')",
        );
        err(
            Primitive::Uri,
            "a\tb",
            r"Element value 'a	b' does not meet uri regex '\S*'",
        );
        // Java exempts this old example from the whitespace rule, but its final
        // regex step still rejects it.
        err(
            Primitive::Uri,
            ACME_URI,
            &format!(r"Element value '{ACME_URI}' does not meet uri regex '\S*'"),
        );
        err(Primitive::Uri, "oid:1.2.3", MSG_URI_OID);
        err(Primitive::Uri, "uuid:abc", MSG_URI_UUID);
        err(
            Primitive::Uri,
            "urn:uuid:A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
            "UUIDs must be valid and lowercase (A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11)",
        );
        ok(Primitive::Url, "https://example.org/x?y=1");
        ok(
            Primitive::Canonical,
            "http://hl7.org/fhir/StructureDefinition/Patient|4.0.1",
        );
        ok(Primitive::Canonical, "#contained");
        err(
            Primitive::Canonical,
            "StructureDefinition/Patient",
            "Canonical URLs must be absolute URLs if they are not fragment references (StructureDefinition/Patient)",
        );
        ok(
            Primitive::Canonical,
            "urn:uuid:a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11|1.0",
        );
        ok(Primitive::Canonical, "urn:oid:2.16.840.1.113883|1.0");
    }

    #[test]
    fn oids_and_uuids() {
        ok(Primitive::Oid, "urn:oid:2.16.840.1.113883.6.1");
        ok(Primitive::Oid, "urn:oid:1.3.6");
        assert_eq!(messages(&c(Primitive::Oid, "2.16.840")), [MSG_OID_START]);
        err(Primitive::Oid, "urn:oid:1.2", "OIDs must be valid (1.2)");
        err(
            Primitive::Oid,
            "urn:oid:2.16.08",
            "OIDs must be valid (2.16.08)",
        );
        err(
            Primitive::Oid,
            "urn:oid:3.1.2.3",
            "OIDs must be valid (3.1.2.3)",
        );
        ok(
            Primitive::Uuid,
            "urn:uuid:a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
        );
        assert_eq!(
            messages(&c(Primitive::Uuid, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")),
            [MSG_UUID_START]
        );
        err(
            Primitive::Uuid,
            "urn:uuid:A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
            "UUIDs must be valid and lowercase (A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11)",
        );
        err(
            Primitive::Uuid,
            "urn:uuid:a0eebc99-9c0b-4ef8-bb6d",
            "UUIDs must be valid and lowercase (a0eebc99-9c0b-4ef8-bb6d)",
        );
        // The fragment is ignored by the UUID rule but not by the R4 regex.
        err(
            Primitive::Uuid,
            "urn:uuid:a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11#x",
            "Element value 'urn:uuid:a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11#x' does not meet uuid regex 'urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'",
        );
    }

    #[test]
    fn base64() {
        ok(Primitive::Base64Binary, "SGVsbG8=");
        one(
            Primitive::Base64Binary,
            "SGVs bG8=",
            Severity::Warning,
            "invalid",
            MSG_BASE64_WS,
        );
        one(
            Primitive::Base64Binary,
            "SGVs\nbG8=",
            Severity::Warning,
            "invalid",
            MSG_BASE64_WS,
        );
        err(
            Primitive::Base64Binary,
            "%%%2@()()",
            "The value '%%%2@()()' is not a valid Base64 value",
        );
        err(
            Primitive::Base64Binary,
            "abc",
            "The value 'abc' is not a valid Base64 value",
        );
        let long = "a".repeat(101);
        err(
            Primitive::Base64Binary,
            &long,
            "The value '(snip)' is not a valid Base64 value",
        );
        // Java ignores characters outside letters, digits and +/=.
        ok(Primitive::Base64Binary, "ab-c_d");
    }

    #[test]
    fn integer_parse() {
        assert_eq!(parse_integer("0"), Some(0));
        assert_eq!(parse_integer("-17"), Some(-17));
        assert_eq!(parse_integer("+17"), Some(17));
        assert_eq!(parse_integer("007"), Some(7));
        assert_eq!(parse_integer("9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_integer("9223372036854775808"), None);
        for bad in ["", "-", "+", "1.0", "1e3", " 1", "++1", "١"] {
            assert_eq!(parse_integer(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn decimal_compare() {
        use Ordering::*;
        let cases = [
            ("1", "1.0", Equal),
            ("1.10", "1.1", Equal),
            ("-0", "0.000", Equal),
            ("0", "-0.1", Greater),
            ("2", "10", Less),
            ("1e2", "100", Equal),
            ("1.5e1", "15", Equal),
            ("12.5E-1", "1.25", Equal),
            ("-2", "-10", Greater),
            ("0.0001", "1e-4", Equal),
            ("0.1", "0.09", Greater),
            (
                "99999999999999999999999",
                "99999999999999999999998",
                Greater,
            ),
            ("+3", "3", Equal),
            ("-1e-3", "-0.0009", Less),
        ];
        for (a, b, expected) in cases {
            assert_eq!(compare_decimal(a, b), Some(expected), "{a} vs {b}");
            assert_eq!(
                compare_decimal(b, a),
                Some(expected.reverse()),
                "{b} vs {a}"
            );
        }
        for bad in [
            "",
            ".",
            "1.2.3",
            "e5",
            "1e",
            "abc",
            "1e99999999999999999999",
        ] {
            assert_eq!(compare_decimal(bad, "1"), None, "{bad:?}");
        }
    }

    #[test]
    fn temporal_compare() {
        use Ordering::*;
        let cases = [
            ("2020", "2021", Some(Less)),
            ("2020-01", "2020-02", Some(Less)),
            ("2020-01-05", "2020-01-05", Some(Equal)),
            ("2020", "2020-01", None),
            ("2020-01", "2021-06-01", Some(Less)),
            (
                "2020-01-01T10:00:00Z",
                "2020-01-01T12:00:00+02:00",
                Some(Equal),
            ),
            ("2020-01-01T10:00:00Z", "2020-01-01T10:00:00.5Z", Some(Less)),
            (
                "2020-01-01T10:00:00.50Z",
                "2020-01-01T10:00:00.5Z",
                Some(Equal),
            ),
            (
                "2020-01-01T23:00:00-05:00",
                "2020-01-02T03:00:00Z",
                Some(Greater),
            ),
            ("2020-01-01T10:00:00", "2020-01-01T10:00:00Z", None),
            ("2020-01-01T10:00:00", "2020-01-01T09:00:00", Some(Greater)),
            ("2020-01-01", "2020-01-01T10:00:00Z", None),
            ("2020-01-02", "2020-01-01T10:00:00Z", Some(Greater)),
        ];
        for (a, b, expected) in cases {
            assert_eq!(compare_temporal(a, b), expected, "{a} vs {b}");
            assert_eq!(
                compare_temporal(b, a),
                expected.map(Ordering::reverse),
                "{b} vs {a}"
            );
        }
        assert_eq!(compare_temporal("2020-13", "2020"), None);
        assert_eq!(compare_temporal("x", "2020"), None);
    }

    #[test]
    fn civil_roundtrip() {
        for days in [-800_000i64, -1, 0, 1, 59, 10_957, 19_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(
                days_from_civil(i64::from(y), i64::from(m), i64::from(d)),
                days
            );
        }
        assert!(this_year() >= 2024);
    }

    #[test]
    fn helpers_match_java() {
        assert!(is_absolute_url("http://x"));
        assert!(is_absolute_url("urn:iso:std:iso:3166"));
        assert!(is_absolute_url("mailto:a@b"));
        assert!(!is_absolute_url("Http://x"));
        assert!(!is_absolute_url("http:"));
        assert!(!is_absolute_url("http://a b"));
        assert!(!is_absolute_url("Patient/1"));
        assert_eq!(java_group(1_048_576), "1,048,576");
        assert_eq!(java_group(65), "65");
        assert_eq!(escape_json("a\"b\\c\u{1}"), "a\\\"b\\\\c\\u0001");
        assert!(contains_html_tags("<b>x</b>"));
        assert!(contains_html_tags("<a href='x'>y</a>"));
        assert!(!contains_html_tags("<br/>x<"));
        assert!(!contains_html_tags("x <= y and y >= z <"));
    }

    /// xorshift64*, for the no-panic sweep.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
    }

    #[test]
    fn never_panics() {
        const PIECES: [&str; 48] = [
            "",
            " ",
            "\t",
            "\n",
            "\r",
            "\u{0}",
            "\u{1f}",
            "\u{b}",
            "a",
            "Z",
            "z",
            "0",
            "1",
            "9",
            "-",
            "+",
            ".",
            "e",
            "E",
            ":",
            "T",
            "Z",
            "<",
            ">",
            "/",
            "=",
            "#",
            "|",
            "\\",
            "urn:oid:",
            "urn:uuid:",
            "oid:",
            "é",
            "€",
            "𝐀",
            "\u{200E}",
            "\u{202A}",
            "\u{202C}",
            "\u{2066}",
            "\u{2069}",
            "\u{a0}",
            "\u{3000}",
            "١",
            "2023",
            "-02-",
            "T12:00:00",
            "+14:00",
            "<b>x</b>",
        ];
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let kinds = [JsonKind::Bool, JsonKind::Number, JsonKind::String];
        let all_opts = [
            CheckOptions::DEFAULT,
            CheckOptions {
                has_children: true,
                security_checks: true,
                html_in_markdown: HtmlInMarkdown::Error,
                no_unicode_bidi_control_chars: true,
            },
        ];
        for round in 0..6000 {
            let n = (rng.next() % 12) as usize;
            let mut s = String::new();
            for _ in 0..n {
                s.push_str(PIECES[(rng.next() % PIECES.len() as u64) as usize]);
            }
            for p in ALL {
                for kind in kinds {
                    let _ = check_with(p, kind, &s, &all_opts[round % 2]);
                }
            }
            let _ = check_resource_id(&s);
            let _ = parse_integer(&s);
            let _ = compare_decimal(&s, "1.5");
            let _ = compare_temporal(&s, "2020-01-01T00:00:00Z");
            let _ = compare_temporal("2020", &s);
        }
        // Every code point class at every position.
        for cp in (0u32..0x3100).chain(0x1F600..0x1F610) {
            if let Some(ch) = char::from_u32(cp) {
                for s in [
                    ch.to_string(),
                    format!("2020-01-0{ch}"),
                    format!("{ch}<a>x</a><"),
                ] {
                    for p in ALL {
                        let _ = check(p, p.json_kind(), &s);
                    }
                }
            }
        }
    }

    #[test]
    fn valid_values_allocate_nothing_visible() {
        // A valid value returns an empty Vec, which never allocates.
        for (p, v) in [
            (Primitive::String, "plain text"),
            (Primitive::Code, "final"),
            (Primitive::DateTime, "2024-05-06T10:11:12Z"),
            (Primitive::Decimal, "12.5"),
            (Primitive::Uri, "http://example.org"),
        ] {
            let issues = c(p, v);
            assert!(issues.is_empty());
            assert_eq!(issues.capacity(), 0);
        }
    }
}
