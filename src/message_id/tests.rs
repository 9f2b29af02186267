//! The template matcher and the ids of issues.

use super::*;
use crate::outcome::Severity;

fn issue(message: &str, key: Option<&str>) -> Issue {
    Issue {
        severity: Severity::Error,
        code: "invalid",
        message: message.into(),
        expression: String::new(),
        line: 0,
        col: 0,
        diagnostics: None,
        key: key.map(str::to_string),
    }
}

#[test]
fn ids_by_template_key_and_invariant() {
    let cases = [
        (
            "value should not start or finish with whitespace ' x'",
            None,
            "Type_Specific_Checks_DT_String_WS",
        ),
        (
            "Patient.name: minimum required = 1, but only found 0 (from http://x|1)",
            None,
            "Validation_VAL_Profile_Minimum",
        ),
        (
            "Slice 'Observation.component:systolic': a matching slice is required, but not found (from http://x)",
            None,
            "Validation_VAL_Profile_Minimum_SLICE",
        ),
        (
            "Entry 3 matches the reference Patient/1 by type and id but its fullUrl <missing> does not match the full target URL x by Bundle resolution rules",
            None,
            "BUNDLE_BUNDLE_POSSIBLE_MATCH_NO_FU",
        ),
        (
            "Entry 3 matches the reference Patient/1 by type and id but its fullUrl urn:uuid:1 does not match the full target URL x by Bundle resolution rules",
            None,
            "BUNDLE_BUNDLE_POSSIBLE_MATCH_WRONG_FU",
        ),
        (
            "Constraint failed: dom-6: 'A resource should have narrative'",
            Some("dom-6"),
            INVARIANT,
        ),
        (
            "whatever the engine says",
            Some("Terminology_TX_NoValid_1_CC"),
            "Terminology_TX_NoValid_1_CC",
        ),
        (
            "The value '1.0' is not a valid integer",
            None,
            "Type_Specific_Checks_DT_Integer_Valid",
        ),
        (
            "The value '1' is not a valid integer64",
            None,
            "Type_Specific_Checks_DT_Integer64_Valid",
        ),
        (
            "Not a valid date/time format: 'x'",
            None,
            "Type_Specific_Checks_DT_DateTime_Valid",
        ),
        (
            "Not a valid date format: 'x'",
            None,
            "Type_Specific_Checks_DT_Date_Valid",
        ),
        ("something no template knows", None, FALLBACK),
    ];
    for (message, key, id) in cases {
        assert_eq!(of(&issue(message, key)), id, "{message}");
    }
}

#[test]
fn template_matching() {
    assert!(matches("a*b*c", "a-b-c"));
    assert!(matches("a*b*c", "abc"));
    assert!(matches("a*b*c", "a b b c c"));
    assert!(!matches("a*b*c", "a c b"));
    assert!(matches("*: x", "é: x"));
    assert!(!matches("ab*ba", "aba")); // prefix and suffix may not overlap
    assert!(matches("exact", "exact"));
    assert!(!matches("exact", "exact!"));
    assert!(matches("x*", "x"));
}

#[test]
fn ids_are_stable_names() {
    for (template, id) in TEMPLATES {
        assert!(
            !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "{template} → {id}"
        );
    }
}
