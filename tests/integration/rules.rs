//! Targeted negative tests, one (or a few) per validation rule: each asserts the exact number
//! of errors, the severity, the exact FHIRPath expression as the Java validator writes it
//! (cardinality at the parent element, `X.value.ofType(T)` for choices,
//! `X.contained[0]/*Type/id*/.field` inside nested resources), a message substring and, where
//! the issue has a place in the input, its line:column (the first character of the offending
//! key or value).
//!
//! Profiles are the differential-only StructureDefinitions in `tests/fixtures/profiles/`
//! (canonical base `http://fhirval.test/StructureDefinition/`), turned into snapshots by the
//! engine. Error counts leave out FHIRPath invariant failures (see `common::is_invariant`).
//!

use crate::common::*;
use fhirval::Issue;
use fhirval::Severity::{Error, Fatal, Information, Warning};
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// Set-up

#[test]
fn fixture_profiles_compile_without_skips() {
    let set = profile_set();
    let skipped: Vec<&String> = set.notes.iter().filter(|n| n.contains("skipped")).collect();
    assert!(skipped.is_empty(), "skipped definitions: {skipped:#?}");
    let mut count = 0;
    for entry in std::fs::read_dir(profiles_dir()).expect("fixture profiles directory") {
        let path = entry.expect("directory entry").path();
        let text = std::fs::read_to_string(&path).expect("fixture profile");
        let sd: Value = serde_json::from_str(&text).expect("fixture profile JSON");
        assert!(
            sd.get("snapshot").is_none(),
            "{}: fixtures are differential-only",
            path.display()
        );
        let url = sd["url"].as_str().expect("url");
        let id = set
            .resolve(url)
            .unwrap_or_else(|| panic!("{url} was not compiled"));
        let s = set.structure(id);
        assert!(s.is_profile, "{url} compiled as a base definition");
        assert_eq!(s.type_name, sd["type"].as_str().expect("type"), "{url}");
        count += 1;
    }
    assert!(count >= 20, "only {count} fixture profiles found");
}

// ---------------------------------------------------------------------------------------------
// JSON shape

#[test]
fn unknown_property() {
    let json = r#"{
  "resourceType": "Patient",
  "active": true,
  "foo": 1
}"#;
    let e = single_error(json, &[]);
    assert_issue(&e, Error, "Patient", "Unrecognized property 'foo'");
    assert_at(&e, pos(json, r#""foo""#));
}

#[test]
fn unknown_property_in_nested_element() {
    let json = r#"{
  "resourceType": "Patient",
  "name": [{
    "family": "Chalmers",
    "nickname": "Jim"
  }]
}"#;
    let e = single_error(json, &[]);
    assert_issue(
        &e,
        Error,
        "Patient.name[0]",
        "Unrecognized property 'nickname'",
    );
    assert_at(&e, pos(json, r#""nickname""#));
}

#[test]
fn array_where_single_value_expected_primitive() {
    let json = r#"{
  "resourceType": "Patient",
  "gender": ["male"]
}"#;
    let e = single_error(json, &[]);
    assert_issue(&e, Error, "Patient.gender", "Array");
    assert!(e.message.contains("gender"), "{}", e.message);
    assert_at(&e, pos(json, r#"["male"]"#));
}

#[test]
fn array_where_single_value_expected_complex() {
    let json = r#"{
  "resourceType": "Patient",
  "maritalStatus": [{"text": "married"}]
}"#;
    let e = single_error(json, &[]);
    assert_issue(&e, Error, "Patient.maritalStatus", "Array");
    assert!(e.message.contains("maritalStatus"), "{}", e.message);
    assert_at(&e, pos(json, r#"[{"text""#));
}

#[test]
fn single_value_where_array_expected_complex() {
    let json = r#"{
  "resourceType": "Patient",
  "name": {"family": "Chalmers"}
}"#;
    let e = single_error(json, &[]);
    assert_issue(
        &e,
        Error,
        "Patient.name",
        "must be a JSON Array, not an Object",
    );
    assert_at(&e, pos(json, r#"{"family""#));
}

#[test]
fn single_value_where_array_expected_primitive() {
    let json = r#"{
  "resourceType": "Patient",
  "name": [{"given": "Peter"}]
}"#;
    let e = single_error(json, &[]);
    assert_issue(&e, Error, "Patient.name[0].given", "must be a JSON Array");
    assert_at(&e, pos(json, r#""Peter""#));
}

#[test]
fn empty_object() {
    let json = r#"{
  "resourceType": "Patient",
  "maritalStatus": {}
}"#;
    let e = single_error(json, &[]);
    assert_issue(
        &e,
        Error,
        "Patient.maritalStatus",
        "Object must have some content",
    );
    assert_at(&e, pos(json, "{}"));
}

#[test]
fn empty_array() {
    let json = r#"{
  "resourceType": "Patient",
  "identifier": []
}"#;
    let e = single_error(json, &[]);
    assert_issue(&e, Error, "Patient.identifier", "Array cannot be empty");
    assert_at(&e, pos(json, "[]"));
}

#[test]
fn null_value_for_primitive() {
    let json = r#"{
  "resourceType": "Patient",
  "gender": null
}"#;
    let e = single_error(json, &[]);
    assert_issue(&e, Error, "Patient.gender", "Null");
    assert_at(&e, pos(json, "null"));
}

#[test]
fn null_value_for_complex_element() {
    let json = r#"{
  "resourceType": "Patient",
  "maritalStatus": null
}"#;
    let e = single_error(json, &[]);
    assert_issue(&e, Error, "Patient.maritalStatus", "Null");
    assert_at(&e, pos(json, "null"));
}

#[test]
fn missing_resource_type() {
    let json = r#"{
  "id": "p1",
  "active": true
}"#;
    let e = single_error(json, &[]);
    assert_eq!(e.severity, Fatal);
    assert!(
        e.message.contains("Unable to find resourceType property"),
        "{}",
        e.message
    );
    // Java writes "$" (no element to name); this engine writes no expression
    assert!(
        e.expression.is_empty() || e.expression == "$",
        "{}",
        e.expression
    );
    assert_at(&e, (1, 1));
}

#[test]
fn resource_that_is_not_an_object() {
    let e = single_error(r#"[{"resourceType": "Patient"}]"#, &[]);
    assert_eq!(e.severity, Fatal);
    assert_at(&e, (1, 1));
}

#[test]
fn unknown_resource_type() {
    let json = r#"{
  "resourceType": "Foo",
  "id": "x"
}"#;
    let e = single_error(json, &[]);
    assert_issue(&e, Fatal, "Foo", "Foo");
    assert_at(&e, pos(json, r#""Foo""#));
}

#[test]
fn unknown_contained_resource_type() {
    let json = r#"{
  "resourceType": "Patient",
  "contained": [{"resourceType": "Foo", "id": "x"}]
}"#;
    let e = single_error(json, &[]);
    assert_issue(&e, Fatal, "Patient.contained[0]", "Foo");
}

#[test]
fn contained_resource_without_resource_type() {
    let json = r#"{
  "resourceType": "Patient",
  "contained": [{"id": "x"}]
}"#;
    let e = single_error(json, &[]);
    assert_issue(
        &e,
        Fatal,
        "Patient.contained[0]",
        "Unable to find resourceType property",
    );
    assert_at(&e, pos(json, r#"{"id""#));
}

#[test]
fn duplicate_property() {
    let json = r#"{
  "resourceType": "Patient",
  "active": true,
  "active": false
}"#;
    let e = single_error(json, &[]);
    assert_eq!(e.severity, Error);
    assert_eq!(e.expression, "Patient");
    assert!(
        e.message.to_lowercase().contains("duplicate") && e.message.contains("'active'"),
        "{}",
        e.message
    );
    assert_at(&e, pos_nth(json, r#""active""#, 1));
}

const DAR: &str = r#"{"extension": [{"url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason", "valueCode": "unknown"}]}"#;

#[test]
fn primitive_extension_aligned_with_null_is_valid() {
    let json = format!(
        r#"{{
  "resourceType": "Patient",
  "name": [{{
    "given": ["Peter", null],
    "_given": [null, {DAR}]
  }}]
}}"#
    );
    assert_valid(&json, &[]);
}

#[test]
fn primitive_extension_on_a_value_with_null_companion_is_valid() {
    let json = format!(
        r#"{{
  "resourceType": "Patient",
  "name": [{{
    "given": ["Peter", "James"],
    "_given": [null, {DAR}]
  }}]
}}"#
    );
    assert_valid(&json, &[]);
}

#[test]
fn null_in_primitive_array_without_aligned_extension() {
    // the extension is aligned with "Peter", so the null at index 1 has neither value nor
    // extension
    let json = format!(
        r#"{{
  "resourceType": "Patient",
  "name": [{{
    "given": ["Peter", null],
    "_given": [{DAR}, null]
  }}]
}}"#
    );
    let e = single_error(&json, &[]);
    assert_eq!(e.severity, Error);
    assert_eq!(e.expression, "Patient.name[0].given[1]");
    let m = e.message.to_lowercase();
    assert!(
        m.contains("null") || m.contains("must have a value"),
        "{}",
        e.message
    );
    assert_at(&e, pos(&json, "null"));
}

#[test]
fn primitive_companion_must_be_an_array_when_the_element_repeats() {
    let json = r#"{
  "resourceType": "Patient",
  "name": [{
    "given": ["Peter"],
    "_given": {"id": "g1"}
  }]
}"#;
    let e = single_error(json, &[]);
    assert_issue(&e, Error, "Patient.name[0].given", "Array");
    assert_at(&e, pos(json, r#"{"id""#));
}

#[test]
fn primitive_companion_with_unknown_extension() {
    let json = r#"{
  "resourceType": "Patient",
  "birthDate": "1974-12-25",
  "_birthDate": {
    "extension": [{"url": "http://unknown.fhirval.test/ext", "valueString": "x"}]
  }
}"#;
    let e = single_error(json, &[]);
    assert_issue(
        &e,
        Error,
        "Patient.birthDate.extension[0]",
        "The extension http://unknown.fhirval.test/ext could not be found so is not allowed here",
    );
    assert_at(&e, pos(json, r#"{"url""#));
}

#[test]
fn primitive_companion_with_known_extension_is_valid() {
    let json = r#"{
  "resourceType": "Patient",
  "birthDate": "1974-12-25",
  "_birthDate": {
    "extension": [{
      "url": "http://hl7.org/fhir/StructureDefinition/patient-birthTime",
      "valueDateTime": "1974-12-25T14:35:45-05:00"
    }]
  }
}"#;
    assert_valid(json, &[]);
}

#[test]
fn error_inside_contained_resource() {
    let json = r##"{
  "resourceType": "Observation",
  "contained": [{
    "resourceType": "Patient",
    "id": "p1",
    "birthDate": "2020-13-01"
  }],
  "status": "final",
  "code": {"text": "weight"},
  "subject": {"reference": "#p1"}
}"##;
    let e = single_error(json, &[]);
    assert_issue(
        &e,
        Error,
        "Observation.contained[0]/*Patient/p1*/.birthDate",
        "Not a valid date format",
    );
    assert_at(&e, pos(json, r#""2020-13-01""#));
}

#[test]
fn cardinality_inside_contained_resource() {
    let json = r##"{
  "resourceType": "DiagnosticReport",
  "contained": [{
    "resourceType": "Observation",
    "id": "o1",
    "code": {"text": "weight"}
  }],
  "status": "final",
  "code": {"text": "report"},
  "result": [{"reference": "#o1"}]
}"##;
    let e = single_error(json, &[]);
    assert_issue(
        &e,
        Error,
        "DiagnosticReport.contained[0]/*Observation/o1*/",
        "Observation.status: minimum required = 1, but only found 0",
    );
    assert_at(
        &e,
        pos(
            json,
            r#"{
    "resourceType": "Observation""#,
        ),
    );
}

#[test]
fn error_inside_bundle_entry_resource() {
    let json = r#"{
  "resourceType": "Bundle",
  "type": "collection",
  "entry": [{
    "fullUrl": "urn:uuid:6b0f3e52-3f5b-4c44-9b2e-2f3c9a3f8f10",
    "resource": {"resourceType": "Patient", "id": "p0"}
  }, {
    "fullUrl": "urn:uuid:6b0f3e52-3f5b-4c44-9b2e-2f3c9a3f8f11",
    "resource": {"resourceType": "Patient", "id": "p1", "name": [{"nick": "x"}]}
  }]
}"#;
    let e = single_error(json, &[]);
    assert_issue(
        &e,
        Error,
        "Bundle.entry[1].resource/*Patient/p1*/.name[0]",
        "Unrecognized property 'nick'",
    );
    assert_at(&e, pos(json, r#""nick""#));
}

// ---------------------------------------------------------------------------------------------
// Base R4: cardinality and choice types

#[test]
fn min_cardinality() {
    let json = r#"{
  "resourceType": "Observation",
  "status": "final"
}"#;
    let e = single_error(json, &[]);
    assert_issue(
        &e,
        Error,
        "Observation",
        "Observation.code: minimum required = 1, but only found 0 (from http://hl7.org/fhir/StructureDefinition/Observation|4.0.1)",
    );
    assert_at(&e, (1, 1));
}

#[test]
fn min_cardinality_in_nested_element() {
    let json = r#"{
  "resourceType": "Patient",
  "link": [{"type": "seealso"}]
}"#;
    let e = single_error(json, &[]);
    assert_issue(
        &e,
        Error,
        "Patient.link[0]",
        "Patient.link.other: minimum required = 1, but only found 0",
    );
    assert_at(&e, pos(json, r#"{"type""#));
}

#[test]
fn two_choice_types_at_once() {
    // value[x] has max 1: Java parses the first type in definition order (string) and
    // reports the other property as unrecognised; either wording names the problem
    let json = r#"{
  "resourceType": "Observation",
  "status": "final",
  "code": {"text": "x"},
  "valueString": "x",
  "valueBoolean": true
}"#;
    let e = single_error(json, &[]);
    assert_eq!(e.severity, Error);
    assert_eq!(e.expression, "Observation");
    assert!(
        e.message.contains("Unrecognized property 'valueBoolean'")
            || e.message
                .contains("Observation.value[x]: max allowed = 1, but found 2"),
        "{}",
        e.message
    );
}

#[test]
fn invalid_choice_type_name() {
    let json = r#"{
  "resourceType": "Observation",
  "status": "final",
  "code": {"text": "x"},
  "valueFoo": "x"
}"#;
    let e = single_error(json, &[]);
    assert_issue(&e, Error, "Observation", "Unrecognized property 'valueFoo'");
    assert_at(&e, pos(json, r#""valueFoo""#));
}

// ---------------------------------------------------------------------------------------------
// Base R4: primitive formats (src/checks/primitive.rs, Java's checkPrimitive)

/// A Patient with one extra property; its only error is about that property.
fn patient_with(property: &str) -> String {
    format!("{{\n  \"resourceType\": \"Patient\",\n  {property}\n}}")
}

#[track_caller]
fn assert_primitive_error(json: &str, expression: &str, message: &str, token: &str) {
    let e = single_error(json, &[]);
    assert_issue(&e, Error, expression, message);
    assert_at(&e, pos(json, token));
}

#[test]
fn date_with_month_13() {
    let json = patient_with(r#""birthDate": "2020-13-01""#);
    assert_primitive_error(
        &json,
        "Patient.birthDate",
        "Not a valid date format",
        r#""2020-13-01""#,
    );
}

#[test]
fn date_february_30() {
    let json = patient_with(r#""birthDate": "2023-02-30""#);
    assert_primitive_error(
        &json,
        "Patient.birthDate",
        "Not a valid date format",
        r#""2023-02-30""#,
    );
}

#[test]
fn date_time_with_time_but_no_zone() {
    let json = patient_with(r#""deceasedDateTime": "2020-01-01T10:00:00""#);
    assert_primitive_error(
        &json,
        "Patient.deceased.ofType(dateTime)",
        "If a date has a time, it must have a timezone",
        r#""2020-01-01T10:00:00""#,
    );
}

#[test]
fn instant_without_time() {
    let json = r#"{
  "resourceType": "Observation",
  "status": "final",
  "code": {"text": "x"},
  "issued": "2020-01-01"
}"#;
    assert_primitive_error(
        json,
        "Observation.issued",
        "Not a valid instant format",
        r#""2020-01-01""#,
    );
}

#[test]
fn integer_out_of_32_bit_range() {
    let json = patient_with(r#""multipleBirthInteger": 2147483648"#);
    assert_primitive_error(
        &json,
        "Patient.multipleBirth.ofType(integer)",
        "The value '2147483648' is not a valid integer",
        "2147483648",
    );
}

#[test]
fn integer_with_fraction() {
    let json = patient_with(r#""multipleBirthInteger": 1.5"#);
    assert_primitive_error(
        &json,
        "Patient.multipleBirth.ofType(integer)",
        "The value '1.5' is not a valid integer",
        "1.5",
    );
}

#[test]
fn boolean_given_as_string() {
    let json = patient_with(r#""active": "true""#);
    assert_primitive_error(&json, "Patient.active", "must be a boolean", r#""true""#);
}

#[test]
fn resource_id_over_64_characters() {
    let id = "a".repeat(65);
    let json = patient_with(&format!(r#""id": "{id}""#));
    assert_primitive_error(
        &json,
        "Patient.id",
        "Invalid Resource id: Too long (65 chars)",
        &format!("\"{id}\""),
    );
}

#[test]
fn resource_id_with_invalid_characters() {
    let json = patient_with(r#""id": "bad_id""#);
    assert_primitive_error(
        &json,
        "Patient.id",
        "Invalid Resource id: Invalid Characters ('bad_id')",
        r#""bad_id""#,
    );
}

#[test]
fn decimal_given_as_string() {
    let json = r#"{
  "resourceType": "Observation",
  "status": "final",
  "code": {"text": "x"},
  "valueQuantity": {"value": "1.5"}
}"#;
    assert_primitive_error(
        json,
        "Observation.value.ofType(Quantity).value",
        "must be a number",
        r#""1.5""#,
    );
}

#[test]
fn base64_invalid() {
    // Java's Base64Util counts letters, digits and +/= only: this has one, not a multiple of 4
    let json = patient_with(r#""photo": [{"data": "%%%2@()()"}]"#);
    assert_primitive_error(
        &json,
        "Patient.photo[0].data",
        "The value '%%%2@()()' is not a valid Base64 value",
        r#""%%%2@()()""#,
    );
}

#[test]
fn uri_with_space() {
    let json = patient_with(r#""identifier": [{"system": "http://a b", "value": "1"}]"#);
    assert_primitive_error(
        &json,
        "Patient.identifier[0].system",
        "URI values cannot have whitespace",
        r#""http://a b""#,
    );
}

#[test]
fn uri_starting_with_oid_prefix() {
    let json = patient_with(r#""identifier": [{"system": "oid:1.2.3.4.5", "value": "1"}]"#);
    assert_primitive_error(
        &json,
        "Patient.identifier[0].system",
        "URI values cannot start with oid:",
        r#""oid:1.2.3.4.5""#,
    );
}

#[test]
fn uri_with_invalid_uuid() {
    let json = patient_with(r#""identifier": [{"system": "urn:uuid:ABC", "value": "1"}]"#);
    assert_primitive_error(
        &json,
        "Patient.identifier[0].system",
        "UUIDs must be valid and lowercase",
        r#""urn:uuid:ABC""#,
    );
}

#[test]
fn uri_with_invalid_oid() {
    let json = patient_with(r#""identifier": [{"system": "urn:oid:1.2.x", "value": "1"}]"#);
    assert_primitive_error(
        &json,
        "Patient.identifier[0].system",
        "OIDs must be valid",
        r#""urn:oid:1.2.x""#,
    );
}

/// A Parameters resource with one parameter `p` carrying `value` (e.g. `"valueOid": "1.2"`).
fn parameter_with(value: &str) -> String {
    format!(
        "{{\n  \"resourceType\": \"Parameters\",\n  \"parameter\": [{{\n    \"name\": \"p\",\n    {value}\n  }}]\n}}"
    )
}

#[test]
fn oid_without_urn_prefix() {
    let json = parameter_with(r#""valueOid": "1.2.3.4.5""#);
    assert_primitive_error(
        &json,
        "Parameters.parameter[0].value.ofType(oid)",
        "OIDs must start with urn:oid:",
        r#""1.2.3.4.5""#,
    );
}

#[test]
fn uuid_not_lowercase() {
    let json = parameter_with(r#""valueUuid": "urn:uuid:6B0F3E52-3F5B-4C44-9B2E-2F3C9A3F8F10""#);
    assert_primitive_error(
        &json,
        "Parameters.parameter[0].value.ofType(uuid)",
        "UUIDs must be valid and lowercase",
        r#""urn:uuid:"#,
    );
}

#[test]
fn time_out_of_range() {
    let json = parameter_with(r#""valueTime": "25:00:00""#);
    assert_primitive_error(
        &json,
        "Parameters.parameter[0].value.ofType(time)",
        "The time '25:00:00' is not a valid time",
        r#""25:00:00""#,
    );
}

#[test]
fn empty_string() {
    let json = patient_with(r#""name": [{"family": ""}]"#);
    assert_primitive_error(&json, "Patient.name[0].family", "empty", r#""""#);
}

#[test]
fn valid_primitives_raise_nothing() {
    let json = r#"{
  "resourceType": "Patient",
  "id": "p-1.x",
  "active": true,
  "birthDate": "2024-02-29",
  "deceasedDateTime": "2020-01-01T10:00:00.123+14:00",
  "multipleBirthInteger": -2147483648,
  "photo": [{"data": "aGVsbG8="}],
  "identifier": [
    {"system": "urn:uuid:6b0f3e52-3f5b-4c44-9b2e-2f3c9a3f8f10", "value": "1"},
    {"system": "urn:oid:2.16.840.1.113883", "value": "2"}
  ]
}"#;
    assert_valid(json, &[]);
}

// ---------------------------------------------------------------------------------------------
// Profiles

#[test]
fn profile_cardinality_tightened_max() {
    let json = r#"{
  "resourceType": "Patient",
  "identifier": [{"value": "1"}, {"value": "2"}, {"value": "3"}]
}"#;
    assert_valid(json, &[]);
    let p = fx("patient-card");
    let e = single_error(json, &[&p]);
    assert_issue(
        &e,
        Error,
        "Patient",
        "Patient.identifier: max allowed = 2, but found 3 (from http://fhirval.test/StructureDefinition/patient-card|1.0.0)",
    );
    assert_at(&e, (1, 1));
}

#[test]
fn profile_cardinality_tightened_min() {
    let json = r#"{"resourceType": "Patient", "active": true}"#;
    assert_valid(json, &[]);
    let p = fx("patient-card");
    let e = single_error(json, &[&p]);
    assert_issue(
        &e,
        Error,
        "Patient",
        "Patient.identifier: minimum required = 1, but only found 0",
    );
}

#[test]
fn profile_fixed_primitive() {
    let p = fx("patient-fixed");
    let json = r#"{
  "resourceType": "Patient",
  "gender": "male"
}"#;
    let e = single_error(json, &[&p]);
    assert_issue(
        &e,
        Error,
        "Patient.gender",
        "Value is 'male' but is fixed to 'female'",
    );
    assert_at(&e, pos(json, r#""male""#));
    assert_valid(r#"{"resourceType": "Patient", "gender": "female"}"#, &[&p]);
}

#[test]
fn profile_fixed_complex_differing_value() {
    let p = fx("patient-fixed");
    let json = r#"{
  "resourceType": "Patient",
  "managingOrganization": {"reference": "Organization/o2"}
}"#;
    let e = single_error(json, &[&p]);
    assert_issue(
        &e,
        Error,
        "Patient.managingOrganization.reference",
        "Value is 'Organization/o2' but is fixed to",
    );
    assert_at(&e, pos(json, r#""Organization/o2""#));
    assert_valid(
        r#"{"resourceType": "Patient", "managingOrganization": {"reference": "Organization/o1"}}"#,
        &[&p],
    );
}

#[test]
fn profile_fixed_complex_extra_element() {
    let p = fx("patient-fixed");
    let json = r#"{
  "resourceType": "Patient",
  "managingOrganization": {"reference": "Organization/o1", "display": "Acme"}
}"#;
    let e = single_error(json, &[&p]);
    assert_issue(
        &e,
        Error,
        "Patient.managingOrganization.display",
        "The element display is present in the instance but not allowed in the applicable fixed value",
    );
}

#[test]
fn profile_pattern_codeable_concept() {
    let p = fx("patient-pattern");
    let json = r#"{
  "resourceType": "Patient",
  "maritalStatus": {
    "coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", "code": "S"}]
  }
}"#;
    let e = single_error(json, &[&p]);
    assert_issue(&e, Error, "Patient.maritalStatus", "pattern");
    assert!(e.message.contains("not found"), "{}", e.message);
    assert_at(&e, pos(json, "{\n    \"coding\""));
    // a pattern is contained, not equal: more codings, display and text are fine
    let ok = r#"{
  "resourceType": "Patient",
  "maritalStatus": {
    "coding": [
      {"system": "http://example.net/other", "code": "x"},
      {"system": "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", "code": "M", "display": "Married"}
    ],
    "text": "married"
  }
}"#;
    assert_valid(ok, &[&p]);
}

#[test]
fn profile_choice_type_restricted() {
    let p = fx("obs-quantity-only");
    let json = r#"{
  "resourceType": "Observation",
  "status": "final",
  "code": {"text": "x"},
  "valueString": "12"
}"#;
    assert_valid(json, &[]);
    let e = single_error(json, &[&p]);
    assert_issue(
        &e,
        Error,
        "Observation.value.ofType(string)",
        "allows for the type Quantity but found type string",
    );
}

#[test]
fn profile_choice_type_restricted_allows_the_kept_type() {
    let p = fx("obs-quantity-only");
    let json = r#"{
  "resourceType": "Observation",
  "status": "final",
  "code": {"text": "x"},
  "valueQuantity": {"value": 12}
}"#;
    assert_valid(json, &[&p]);
}

#[test]
fn profile_type_profile_on_quantity() {
    let p = fx("obs-typed-profile");
    let json = r#"{
  "resourceType": "Observation",
  "status": "final",
  "code": {"text": "x"},
  "valueQuantity": {"value": 1, "comparator": "<"}
}"#;
    let all = issues(json, &[&p]);
    let errs = errors_of(&all);
    assert_error_count(&errs, 2);
    let from = "(from http://fhirval.test/StructureDefinition/quantity-with-unit|1.0.0)";
    for msg in [
        format!("Quantity.comparator: max allowed = 0, but found 1 {from}"),
        format!("Quantity.unit: minimum required = 1, but only found 0 {from}"),
    ] {
        let e = errs
            .iter()
            .find(|e| e.message.contains(&msg))
            .unwrap_or_else(|| panic!("no error {msg:?}:{}", show(&all)));
        assert_issue(e, Error, "Observation.value.ofType(Quantity)", &msg);
        assert_at(e, pos(json, r#"{"value": 1"#));
    }
    let ok = r#"{
  "resourceType": "Observation",
  "status": "final",
  "code": {"text": "x"},
  "valueQuantity": {"value": 1, "unit": "mg"}
}"#;
    assert_valid(ok, &[&p]);
}

#[test]
fn core_type_profile_simple_quantity() {
    // Observation.referenceRange.low is a SimpleQuantity in R4 core
    let json = r#"{
  "resourceType": "Observation",
  "status": "final",
  "code": {"text": "x"},
  "referenceRange": [{"low": {"value": 1, "comparator": "<"}}]
}"#;
    let e = single_error(json, &[]);
    assert_issue(
        &e,
        Error,
        "Observation.referenceRange[0].low",
        "Quantity.comparator: max allowed = 0, but found 1 (from http://hl7.org/fhir/StructureDefinition/SimpleQuantity|4.0.1)",
    );
}

#[test]
fn profile_max_length() {
    let p = fx("patient-maxlength");
    let json = r#"{
  "resourceType": "Patient",
  "name": [{"family": "Abcdef"}]
}"#;
    assert_valid(json, &[]);
    let e = single_error(json, &[&p]);
    assert_issue(&e, Error, "Patient.name[0].family", "maximum length of 5");
    assert_at(&e, pos(json, r#""Abcdef""#));
    assert_valid(
        r#"{"resourceType": "Patient", "name": [{"family": "Abcde"}]}"#,
        &[&p],
    );
}

fn observation_integer(v: &str) -> String {
    format!(
        "{{\n  \"resourceType\": \"Observation\",\n  \"status\": \"final\",\n  \"code\": {{\"text\": \"x\"}},\n  \"valueInteger\": {v}\n}}"
    )
}

#[test]
fn profile_max_value() {
    let p = fx("obs-range");
    let json = observation_integer("11");
    let e = single_error(&json, &[&p]);
    assert_issue(
        &e,
        Error,
        "Observation.value.ofType(integer)",
        "greater than the specified maximum value",
    );
    assert_at(&e, pos(&json, "11"));
    assert_valid(&observation_integer("10"), &[&p]);
}

#[test]
fn profile_min_value() {
    let p = fx("obs-range");
    let json = observation_integer("0");
    let e = single_error(&json, &[&p]);
    assert_issue(
        &e,
        Error,
        "Observation.value.ofType(integer)",
        "less than the specified minimum value",
    );
    assert_valid(&observation_integer("1"), &[&p]);
}

fn observation_quantity(value: &str, code: &str) -> String {
    format!(
        "{{\n  \"resourceType\": \"Observation\",\n  \"status\": \"final\",\n  \"code\": {{\"text\": \"x\"}},\n  \"valueQuantity\": {{\"value\": {value}, \"system\": \"http://unitsofmeasure.org\", \"code\": \"{code}\"}}\n}}"
    )
}

/// minValueQuantity 700 mL, maxValueQuantity 3 L: the bounds compare after an exact UCUM
/// conversion (0.7 L is exactly 700 mL, not 699.999… as in floating point).
#[test]
fn profile_quantity_bounds_convert_units_exactly() {
    let p = fx("obs-quantity-range");
    for (value, code) in [
        ("0.7", "L"),
        ("700", "mL"),
        ("3", "L"),
        ("30", "dL"),
        ("1.5", "L"),
    ] {
        assert_valid(&observation_quantity(value, code), &[&p]);
    }
    for (value, code) in [("0.25", "L"), ("699", "mL"), ("6.99", "dL")] {
        let json = observation_quantity(value, code);
        let e = single_error(&json, &[&p]);
        assert_issue(&e, Error, "Observation.value.ofType(Quantity)", "less than");
    }
    for (value, code) in [("3001", "mL"), ("3.01", "L")] {
        let json = observation_quantity(value, code);
        let e = single_error(&json, &[&p]);
        assert_issue(
            &e,
            Error,
            "Observation.value.ofType(Quantity)",
            "greater than",
        );
    }
}

// slicing --------------------------------------------------------------------------------------

const MRN: &str = r#"{"system": "http://fhirval.test/mrn", "value": "1"}"#;
const MRN2: &str = r#"{"system": "http://fhirval.test/mrn", "value": "2"}"#;
const SSN: &str = r#"{"system": "http://hl7.org/fhir/sid/us-ssn", "value": "3"}"#;
const OTHER: &str = r#"{"system": "http://example.net/other", "value": "4"}"#;

fn patient_identifiers(ids: &[&str]) -> String {
    format!(
        "{{\n  \"resourceType\": \"Patient\",\n  \"identifier\": [\n    {}\n  ]\n}}",
        ids.join(",\n    ")
    )
}

#[test]
fn slice_value_discriminator_required_slice_missing() {
    let p = fx("patient-slice-closed");
    let json = patient_identifiers(&[SSN]);
    let e = single_error(&json, &[&p]);
    assert_issue(
        &e,
        Error,
        "Patient",
        "Slice 'Patient.identifier:mrn': a matching slice is required, but not found",
    );
    assert_at(&e, (1, 1));
    assert_valid(&patient_identifiers(&[MRN, SSN]), &[&p]);
}

#[test]
fn slice_max_exceeded() {
    let p = fx("patient-slice-closed");
    let json = patient_identifiers(&[MRN, MRN2]);
    let e = single_error(&json, &[&p]);
    assert_issue(
        &e,
        Error,
        "Patient",
        "Patient.identifier:mrn: max allowed = 1, but found 2",
    );
}

#[test]
fn slicing_closed_rejects_unmatched_element() {
    let p = fx("patient-slice-closed");
    let json = patient_identifiers(&[MRN, OTHER]);
    let e = single_error(&json, &[&p]);
    assert_issue(
        &e,
        Error,
        "Patient.identifier[1]",
        "does not match any known slice",
    );
    assert!(e.message.contains("CLOSED"), "{}", e.message);
    assert_at(&e, pos(&json, OTHER));
}

#[test]
fn slicing_closed_unmatched_element_says_what_each_slice_wants() {
    let p = fx("patient-slice-closed");
    let json = patient_identifiers(&[MRN, OTHER]);
    let e = single_error(&json, &[&p]);
    assert_eq!(
        e.diagnostics.as_deref(),
        Some(
            "identifier[1]: slice 'mrn' wants system = http://fhirval.test/mrn, found http://example.net/other\n\
             identifier[1]: slice 'ssn' wants system = http://hl7.org/fhir/sid/us-ssn, found http://example.net/other"
        )
    );
    // the OperationOutcome carries them as `diagnostics`, the text indented under the issue
    let o = outcome(&json, &[&p]);
    let oo = o.to_operation_outcome();
    let closed = oo["issue"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["severity"] == "error")
        .unwrap();
    assert_eq!(closed["diagnostics"], e.diagnostics.clone().unwrap());
    let text = o.to_text("p.json");
    assert!(
        text.contains("CLOSED: Patient.identifier\n    identifier[1]: slice 'mrn' wants system = http://fhirval.test/mrn, found http://example.net/other\n    identifier[1]: slice 'ssn'"),
        "{text}"
    );
}

#[test]
fn blood_pressure_with_a_wrong_component_code_says_why_no_component_is_systolic() {
    let json = r#"{
  "resourceType": "Observation",
  "meta": {"profile": ["http://hl7.org/fhir/StructureDefinition/bp"]},
  "status": "final",
  "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs"}]}],
  "code": {"coding": [{"system": "http://loinc.org", "code": "85354-9"}]},
  "subject": {"reference": "Patient/1"},
  "effectiveDateTime": "2024-01-01",
  "component": [
    {"code": {"coding": [{"system": "http://loinc.org", "code": "9999-9"}]},
     "valueQuantity": {"value": 120, "unit": "mmHg", "system": "http://unitsofmeasure.org", "code": "mm[Hg]"}},
    {"code": {"coding": [{"system": "http://loinc.org", "code": "8462-4"}]},
     "valueQuantity": {"value": 80, "unit": "mmHg", "system": "http://unitsofmeasure.org", "code": "mm[Hg]"}}
  ]
}"#;
    let all = issues(json, &[]);
    let missing: Vec<&Issue> = all
        .iter()
        .filter(|i| i.message.contains("a matching slice is required"))
        .collect();
    assert_eq!(missing.len(), 1, "{}", show(&all));
    let m = missing[0];
    assert_issue(
        m,
        Error,
        "Observation",
        "Slice 'Observation.component:SystolicBP': a matching slice is required, but not found",
    );
    assert_eq!(
        m.diagnostics.as_deref(),
        Some(
            "component[0]: slice 'SystolicBP' wants code.coding.code = 8480-6, found 9999-9\n\
             component[1]: slice 'SystolicBP' wants code.coding.code = 8480-6, found 8462-4"
        )
    );
}

#[test]
fn slicing_open_accepts_unmatched_element() {
    let p = fx("patient-slice-open");
    let json = patient_identifiers(&[MRN, OTHER]);
    let all = issues(&json, &[&p]);
    assert_error_count(&errors_of(&all), 0);
    // at most a hint about the unmatched element (and dom-6: no narrative)
    assert!(
        all.iter()
            .all(|i| i.severity == Information || is_invariant(i)),
        "{}",
        show(&all)
    );
}

#[test]
fn slicing_open_at_end_rejects_slice_after_unmatched_element() {
    let p = fx("patient-slice-openatend");
    let json = patient_identifiers(&[OTHER, MRN]);
    let e = single_error(&json, &[&p]);
    assert_issue(&e, Error, "Patient.identifier[1]", "Patient.identifier");
    assert_at(&e, pos(&json, MRN));
    assert_valid(&patient_identifiers(&[MRN, OTHER]), &[&p]);
}

#[test]
fn slicing_ordered_rejects_out_of_order_slices() {
    let p = fx("patient-slice-ordered");
    let json = patient_identifiers(&[SSN, MRN]);
    let e = single_error(&json, &[&p]);
    assert_issue(&e, Error, "Patient.identifier[1]", "out of order");
    assert_at(&e, pos(&json, MRN));
    assert_valid(&patient_identifiers(&[MRN, SSN]), &[&p]);
    // the unordered twin accepts the same data
    assert_valid(&json, &[&fx("patient-slice-closed")]);
}

#[test]
fn reslicing_required_reslice_missing() {
    let p = fx("patient-reslice");
    let json = patient_identifiers(&[
        r#"{"use": "usual", "system": "http://fhirval.test/mrn", "value": "1"}"#,
    ]);
    let e = single_error(&json, &[&p]);
    assert_issue(&e, Error, "Patient", "a matching slice is required");
    assert!(
        e.message.contains("Patient.identifier:mrn/official"),
        "{}",
        e.message
    );
}

#[test]
fn reslicing_matching_reslice() {
    let p = fx("patient-reslice");
    let ok = patient_identifiers(&[
        r#"{"use": "official", "system": "http://fhirval.test/mrn", "value": "1"}"#,
    ]);
    assert_valid(&ok, &[&p]);
    // the re-slice is checked: without the official one there is exactly one error, about it
    let bad = patient_identifiers(&[
        r#"{"use": "usual", "system": "http://fhirval.test/mrn", "value": "1"}"#,
    ]);
    let e = single_error(&bad, &[&p]);
    assert_issue(&e, Error, "Patient", "a matching slice is required");
    assert!(e.message.contains("official"), "{}", e.message);
}

#[test]
fn slice_pattern_discriminator() {
    let p = fx("obs-slice-pattern");
    let obs = |code: &str| {
        format!(
            r#"{{
  "resourceType": "Observation",
  "status": "final",
  "category": [{{
    "coding": [{{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "{code}"}}]
  }}],
  "code": {{"text": "x"}}
}}"#
        )
    };
    let e = single_error(&obs("social-history"), &[&p]);
    assert_issue(
        &e,
        Error,
        "Observation",
        "Slice 'Observation.category:lab': a matching slice is required, but not found",
    );
    assert_valid(&obs("laboratory"), &[&p]);
}

fn bundle_of(resource: &str) -> String {
    format!(
        r#"{{
  "resourceType": "Bundle",
  "type": "collection",
  "entry": [{{
    "fullUrl": "urn:uuid:6b0f3e52-3f5b-4c44-9b2e-2f3c9a3f8f10",
    "resource": {resource}
  }}]
}}"#
    )
}

#[test]
fn slice_type_discriminator() {
    let p = fx("bundle-slice-type");
    let json = bundle_of(r#"{"resourceType": "Basic", "code": {"text": "x"}}"#);
    let e = single_error(&json, &[&p]);
    assert_issue(
        &e,
        Error,
        "Bundle",
        "Slice 'Bundle.entry:patient': a matching slice is required, but not found",
    );
    assert_valid(&bundle_of(r#"{"resourceType": "Patient"}"#), &[&p]);
}

#[test]
fn slice_profile_discriminator() {
    let p = fx("bundle-slice-profile");
    // a Patient without a name does not conform to patient-named, so it is not the slice
    let json = bundle_of(r#"{"resourceType": "Patient"}"#);
    let e = single_error(&json, &[&p]);
    assert_issue(
        &e,
        Error,
        "Bundle",
        "Slice 'Bundle.entry:named': a matching slice is required, but not found",
    );
    assert_valid(
        &bundle_of(r#"{"resourceType": "Patient", "name": [{"family": "X"}]}"#),
        &[&p],
    );
}

#[test]
fn slice_exists_discriminator() {
    let p = fx("patient-slice-exists");
    let json = r#"{
  "resourceType": "Patient",
  "telecom": [
    {"value": "1", "period": {"start": "2020"}},
    {"value": "2", "period": {"start": "2021"}},
    {"value": "3"}
  ]
}"#;
    let e = single_error(json, &[&p]);
    assert_issue(
        &e,
        Error,
        "Patient",
        "Patient.telecom:withPeriod: max allowed = 1, but found 2",
    );
    let ok = r#"{
  "resourceType": "Patient",
  "telecom": [{"value": "1", "period": {"start": "2020"}}, {"value": "3"}, {"value": "4"}]
}"#;
    assert_valid(ok, &[&p]);
}

// extensions -----------------------------------------------------------------------------------

fn patient_extension(ext: &str) -> String {
    format!("{{\n  \"resourceType\": \"Patient\",\n  \"extension\": [{ext}]\n}}")
}

const FLAG: &str = "http://fhirval.test/StructureDefinition/ext-flag";
const COMPLEX: &str = "http://fhirval.test/StructureDefinition/ext-complex";

#[test]
fn extension_with_unknown_url() {
    let json =
        patient_extension(r#"{"url": "http://unknown.fhirval.test/ext", "valueString": "a"}"#);
    let e = single_error(&json, &[]);
    assert_issue(
        &e,
        Error,
        "Patient.extension[0]",
        "The extension http://unknown.fhirval.test/ext could not be found so is not allowed here",
    );
    assert_at(&e, pos(&json, r#"{"url""#));
}

#[test]
fn extension_in_allowed_domain() {
    let json = patient_extension(&format!(
        r#"{{"url": "{ALLOWED_DOMAIN}ext", "valueString": "a"}}"#
    ));
    assert_error_count(&errors_with(validator_allowing(), &json, &[]), 0);
    // the same extension is an error without the allowed domain...
    let e = single_error(&json, &[]);
    assert_issue(&e, Error, "Patient.extension[0]", "could not be found");
    // ...and the allowed domain does not let other unknown extensions through
    let other =
        patient_extension(r#"{"url": "http://unknown.fhirval.test/ext", "valueString": "a"}"#);
    assert_error_count(&errors_with(validator_allowing(), &other, &[]), 1);
}

#[test]
fn extension_with_allowed_value_type() {
    let json = patient_extension(&format!(r#"{{"url": "{FLAG}", "valueBoolean": true}}"#));
    assert_valid(&json, &[]);
}

#[test]
fn extension_with_value_type_not_allowed() {
    let json = patient_extension(&format!(r#"{{"url": "{FLAG}", "valueString": "yes"}}"#));
    let e = single_error(&json, &[]);
    assert_issue(
        &e,
        Error,
        "Patient.extension[0]",
        "allows for the types [boolean] but found type string",
    );
    assert_at(&e, pos(&json, r#"{"url""#));
}

fn complex_extension(a: &str, b: &str) -> String {
    patient_extension(&format!(
        r#"{{
    "url": "{COMPLEX}",
    "extension": [
      {{"url": "a", {a}}},
      {{"url": "b", {b}}}
    ]
  }}"#
    ))
}

#[test]
fn complex_extension_valid() {
    assert_valid(
        &complex_extension(r#""valueString": "abc""#, r#""valueInteger": 2"#),
        &[],
    );
}

#[test]
fn complex_extension_nested_value_too_long() {
    let json = complex_extension(r#""valueString": "abcdef""#, r#""valueInteger": 2"#);
    let e = single_error(&json, &[]);
    assert_issue(
        &e,
        Error,
        "Patient.extension[0].extension[0].value.ofType(string)",
        "maximum length of 5",
    );
    assert_at(&e, pos(&json, r#""abcdef""#));
}

#[test]
fn complex_extension_nested_value_of_wrong_type() {
    let json = complex_extension(r#""valueString": "abc""#, r#""valueString": "2""#);
    let e = single_error(&json, &[]);
    assert_issue(
        &e,
        Error,
        "Patient.extension[0].extension[1].value.ofType(string)",
        "allows for the type integer but found type string",
    );
}

#[test]
fn extension_slice_with_type_profile_required() {
    let p = fx("patient-ext-slice");
    let json = r#"{"resourceType": "Patient", "active": true}"#;
    let e = single_error(json, &[&p]);
    assert_issue(
        &e,
        Error,
        "Patient",
        "Slice 'Patient.extension:flag': a matching slice is required, but not found",
    );
    assert_valid(
        &patient_extension(&format!(r#"{{"url": "{FLAG}", "valueBoolean": true}}"#)),
        &[&p],
    );
}

// which profiles apply -------------------------------------------------------------------------

#[test]
fn meta_profile_not_found_is_a_warning() {
    let json = r#"{
  "resourceType": "Patient",
  "meta": {"profile": ["http://fhirval.test/StructureDefinition/nope"]}
}"#;
    let all = issues(json, &[]);
    assert_error_count(&errors_of(&all), 0);
    let w = warnings(json, &[]);
    assert_eq!(w.len(), 1, "{}", show(&all));
    assert_issue(
        &w[0],
        Warning,
        "Patient.meta.profile[0]",
        "Profile reference 'http://fhirval.test/StructureDefinition/nope' has not been checked because it could not be found",
    );
    assert_at(
        &w[0],
        pos(json, r#""http://fhirval.test/StructureDefinition/nope""#),
    );
}

#[test]
fn meta_profile_is_applied() {
    let json = r#"{
  "resourceType": "Patient",
  "meta": {"profile": ["http://fhirval.test/StructureDefinition/patient-card"]}
}"#;
    let e = single_error(json, &[]);
    assert_issue(
        &e,
        Error,
        "Patient",
        "Patient.identifier: minimum required = 1, but only found 0",
    );
}

#[test]
fn profiles_argument_is_applied() {
    let json = r#"{"resourceType": "Patient", "gender": "male"}"#;
    assert_valid(json, &[]);
    let p = fx("patient-fixed");
    let e = single_error(json, &[&p]);
    assert_issue(&e, Error, "Patient.gender", "fixed to 'female'");
}

#[test]
fn profile_for_another_type() {
    let json = r#"{"resourceType": "Patient", "active": true}"#;
    let p = fx("obs-range");
    let e = single_error(json, &[&p]);
    assert_eq!(e.severity, Error);
    assert_eq!(e.expression, "Patient");
    assert!(
        e.message.contains("Observation") && e.message.contains("Patient"),
        "{}",
        e.message
    );
}

// ---------------------------------------------------------------------------------------------
// References

fn observation_subject(reference: &str) -> String {
    format!(
        "{{\n  \"resourceType\": \"Observation\",\n  \"status\": \"final\",\n  \"code\": {{\"text\": \"x\"}},\n  \"subject\": {{\"reference\": \"{reference}\"}}\n}}"
    )
}

#[test]
fn reference_target_type_not_allowed() {
    let json = observation_subject("Medication/1");
    let e = single_error(&json, &[]);
    assert_issue(&e, Error, "Observation.subject", "Medication");
    assert!(
        e.message.contains("[Patient, Group, Device, Location]"),
        "{}",
        e.message
    );
    assert_at(&e, pos(&json, r#""Medication/1""#));
    assert_valid(&observation_subject("Patient/1"), &[]);
    assert_valid(
        &observation_subject("http://example.net/fhir/Group/g1/_history/2"),
        &[],
    );
}

#[test]
fn reference_with_unknown_resource_type() {
    let json = observation_subject("Foo/1");
    let e = single_error(&json, &[]);
    assert_issue(&e, Error, "Observation.subject", "'Foo'");
    assert_at(&e, pos(&json, r#""Foo/1""#));
}

#[test]
fn resolved_reference_whose_target_profile_is_not_loaded() {
    // the profile's Observation.subject may only be a not-loaded-patient, which is not in the
    // set: the target cannot be checked, and no target type is allowed
    let json = r#"{"resourceType": "Bundle", "type": "collection", "entry": [
  {"fullUrl": "http://example.net/fhir/Observation/o1",
   "resource": {"resourceType": "Observation", "id": "o1", "status": "final",
     "meta": {"profile": ["http://fhirval.test/StructureDefinition/obs-subject-unknown-target"]},
     "code": {"text": "x"}, "subject": {"reference": "Patient/p1"}}},
  {"fullUrl": "http://example.net/fhir/Patient/p1",
   "resource": {"resourceType": "Patient", "id": "p1"}}
]}"#;
    let e = errors(json, &[]);
    assert_error_count(&e, 2);
    let at = "Bundle.entry[0].resource/*Observation/o1*/.subject";
    assert_issue(
        &e[0],
        Error,
        at,
        "Unable to resolve the profile reference 'http://fhirval.test/StructureDefinition/not-loaded-patient'",
    );
    assert_issue(
        &e[1],
        Error,
        at,
        "Invalid Resource target type. Found Patient, but expected one of ([])",
    );
    assert_at(&e[0], pos(json, r#""Patient/p1""#));
    // without the profile the reference is fine
    assert_valid(
        &json.replace("obs-subject-unknown-target", "obs-typed-profile"),
        &[],
    );
}

// ---------------------------------------------------------------------------------------------
// OperationOutcome

#[track_caller]
fn assert_single_fatal_parse_error(json: &str, at: (u32, u32)) {
    let all = issues(json, &[]);
    assert_eq!(all.len(), 1, "malformed JSON is one issue:{}", show(&all));
    let e = &all[0];
    assert_eq!(e.severity, Fatal);
    assert!(e.message.starts_with("Error parsing JSON"), "{}", e.message);
    assert!(e.expression.is_empty(), "{}", e.expression);
    assert_at(e, at);
}

#[test]
fn malformed_json_bad_literal() {
    let json = "{\n  \"resourceType\": \"Patient\",\n  \"active\": tru\n}";
    assert_single_fatal_parse_error(json, pos(json, "tru"));
}

#[test]
fn malformed_json_missing_comma() {
    let json = "{\n  \"resourceType\": \"Patient\",\n  \"active\": true\n  \"gender\": \"male\"\n}";
    assert_single_fatal_parse_error(json, pos(json, "\"gender\""));
}

#[test]
fn malformed_json_unterminated() {
    // reported where the unclosed array opens
    let json = "{\n  \"resourceType\": \"Patient\",\n  \"name\": [{\"family\": \"X\"}";
    assert_single_fatal_parse_error(json, pos(json, "["));
    let e = &issues(json, &[])[0];
    assert!(e.message.contains("']'"), "{}", e.message);
}

#[test]
fn operation_outcome_shape() {
    let json = r#"{
  "resourceType": "Patient",
  "foo": 1,
  "text": {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"}
}"#;
    let oo = outcome(json, &[]).to_operation_outcome();
    assert_eq!(oo["resourceType"], "OperationOutcome");
    let issues = oo["issue"].as_array().expect("issue array");
    assert_eq!(issues.len(), 1, "{oo:#}");
    let i = &issues[0];
    assert_eq!(i["severity"], "error");
    assert_eq!(i["code"], "structure");
    assert_eq!(i["details"]["text"], "Unrecognized property 'foo'");
    assert_eq!(i["expression"], serde_json::json!(["Patient"]));
    assert_eq!(
        i["extension"],
        serde_json::json!([
            {"url": "http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-line", "valueInteger": 3},
            {"url": "http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-col", "valueInteger": 3},
            {"url": "http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id", "valueString": "Unrecognised_property_"}
        ])
    );
}

#[test]
fn operation_outcome_of_valid_resource_says_all_ok() {
    let oo = outcome(
        r#"{"resourceType": "Patient", "active": true,
            "text": {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"}}"#,
        &[],
    )
    .to_operation_outcome();
    assert_eq!(
        oo,
        serde_json::json!({
            "resourceType": "OperationOutcome",
            "issue": [{
                "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id", "valueString": "ALL_OK"}],
                "severity": "information", "code": "informational", "details": {"text": "All OK"}
            }]
        })
    );
}

#[test]
fn operation_outcome_of_malformed_json() {
    let json = "{\n  \"resourceType\": \"Patient\",\n  \"active\": tru\n}";
    let oo = outcome(json, &[]).to_operation_outcome();
    let issues = oo["issue"].as_array().expect("issue array");
    assert_eq!(issues.len(), 1, "{oo:#}");
    assert_eq!(issues[0]["severity"], "fatal");
    assert_eq!(issues[0]["code"], "invalid");
    assert!(issues[0].get("expression").is_none(), "{oo:#}");
    assert_eq!(issues[0]["extension"][0]["valueInteger"], 3);
    assert_eq!(issues[0]["extension"][1]["valueInteger"], 13);
}

#[test]
fn an_unpaired_surrogate_is_a_warning_at_its_element() {
    let json = r#"{"resourceType": "Patient", "name": [{"family": "Sm\ud800ith", "given": ["\ud83d\ude00", "A\udc00"]}]}"#;
    let all = issues(json, &[]);
    let surrogates: Vec<&Issue> = all
        .iter()
        .filter(|i| i.message.contains("unpaired UTF-16 surrogate"))
        .collect();
    assert_eq!(surrogates.len(), 2, "{}", show(&all));
    assert_issue(
        surrogates[0],
        Warning,
        "Patient.name[0].family",
        "The string contains an unpaired UTF-16 surrogate (\\ud800), which is not a Unicode character: it was replaced by U+FFFD, so the value validated is not the value sent",
    );
    assert_at(surrogates[0], pos(json, r#""Sm\ud800ith""#));
    // a surrogate pair is a character: no warning for given[0]
    assert_issue(
        surrogates[1],
        Warning,
        "Patient.name[0].given[1]",
        "unpaired UTF-16 surrogate (\\udc00)",
    );
}

/// A snapshot slice named `a/b` with no slice `a` before it (US Core 5.0.1's
/// `Observation.category:us-core/social-history`) is a slice of the unsliced element, as Java
/// reads the snapshot: not a second `category` element that nothing matches.
#[test]
fn slash_in_a_slice_name_without_an_outer_slice_is_a_plain_slice() {
    use fhirval::package::{Load, PackageDir, PackageId};
    let dir = PackageDir::open(&package_dir()).expect("package directory");
    let core = dir
        .load(&PackageId::parse(CORE).expect("id"), Load::Conformance)
        .expect("core loads");
    let mut sd = core
        .resources
        .iter()
        .find(|r| r["url"] == "http://hl7.org/fhir/StructureDefinition/Observation")
        .expect("core Observation")
        .clone();
    let url = "http://fhirval.test/StructureDefinition/obs-slash-slice";
    sd["url"] = url.into();
    sd["version"] = "1.0.0".into();
    sd["name"] = "ObsSlashSlice".into();
    sd["derivation"] = "constraint".into();
    sd["baseDefinition"] = "http://hl7.org/fhir/StructureDefinition/Observation".into();
    sd.as_object_mut().expect("object").remove("differential");
    let elements = sd["snapshot"]["element"].as_array_mut().expect("snapshot");
    let at = elements
        .iter()
        .position(|e| e["id"] == "Observation.category")
        .expect("category");
    let mut category = elements[at].clone();
    category["min"] = 1.into();
    category["slicing"] = serde_json::json!({
        "discriminator": [{"type": "pattern", "path": "$this"}], "rules": "open"});
    let mut slice = elements[at].clone();
    slice["id"] = "Observation.category:us-core/social-history".into();
    slice["sliceName"] = "us-core/social-history".into();
    slice["min"] = 1.into();
    slice["max"] = "1".into();
    slice["patternCodeableConcept"] = serde_json::json!({"coding": [{
        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
        "code": "social-history"}]});
    elements[at] = category;
    elements.insert(at + 1, slice);
    let mut c = fhirval::compile::Compiler::extend(profile_set().clone());
    let index = c.add_package("(slash slice test)");
    c.add_resource(&sd, index);
    let v = fhirval::Validator::new(c.finish(), fhirval::Options::default());
    let obs = |code: &str| {
        format!(
            r#"{{"resourceType": "Observation", "status": "final",
  "text": {{"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"}},
  "category": [{{"coding": [{{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "{code}"}}]}}],
  "code": {{"text": "smoking"}}, "subject": {{"reference": "Patient/p"}}}}"#
        )
    };
    let all = outcome_with(&v, &obs("social-history"), &[url]).issues;
    assert_error_count(&errors_of(&all), 0);
    // another category: the slice (and only it) is missing
    let all = outcome_with(&v, &obs("exam"), &[url]).issues;
    let e = errors_of(&all);
    assert_error_count(&e, 1);
    assert_issue(
        &e[0],
        Error,
        "Observation",
        "Slice 'Observation.category:us-core/social-history': a matching slice is required, but not found",
    );
}

/// Extension slices discriminated by `url` whose extension definition is not loaded match by
/// the slice's type profile, as Java: an extension of another url is not "in" such a slice
/// (before: it conformed to a slice that could not be checked, and the slice it belongs to
/// was reported missing).
#[test]
fn extension_slice_of_an_unloaded_definition_matches_by_url() {
    let url = "http://fhirval.test/StructureDefinition/patient-unloaded-ext-slice";
    let ext_slice = |name: &str, profile: &str, min: u32| {
        serde_json::json!({"id": format!("Patient.extension:{name}"), "path": "Patient.extension",
            "sliceName": name, "min": min, "max": "1",
            "type": [{"code": "Extension", "profile": [profile]}]})
    };
    let profile = serde_json::json!({
        "resourceType": "StructureDefinition", "url": url, "version": "1.0.0",
        "name": "PatientUnloadedExtSlice", "status": "active", "fhirVersion": "4.0.1",
        "kind": "resource", "abstract": false, "type": "Patient",
        "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Patient",
        "derivation": "constraint",
        "differential": {"element": [
            {"id": "Patient", "path": "Patient"},
            {"id": "Patient.extension", "path": "Patient.extension",
             "slicing": {"discriminator": [{"type": "value", "path": "url"}], "rules": "open"}},
            ext_slice("unloaded", "http://fhirval.test/StructureDefinition/not-loaded-extension", 0),
            ext_slice("birthPlace", "http://hl7.org/fhir/StructureDefinition/patient-birthPlace", 1)
        ]}
    });
    let mut c = fhirval::compile::Compiler::extend(profile_set().clone());
    let index = c.add_package("(unloaded extension slice test)");
    c.add_resource(&profile, index);
    let v = fhirval::Validator::new(c.finish(), fhirval::Options::default());
    let json = r#"{"resourceType": "Patient",
  "text": {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"},
  "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/patient-birthPlace",
    "valueAddress": {"city": "Springfield"}}]}"#;
    let all = outcome_with(&v, json, &[url]).issues;
    assert_error_count(&errors_of(&all), 0);
    assert!(
        !all.iter()
            .any(|i| i.message.contains("not-loaded-extension")),
        "{}",
        show(&all)
    );
}
