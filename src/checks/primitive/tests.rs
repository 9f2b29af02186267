//! The primitive checks against the Java validator's behaviour.

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
