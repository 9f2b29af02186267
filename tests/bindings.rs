//! Terminology bindings checked offline, one case per binding strength and per
//! "not checkable offline" situation, each with its severity and expression.

mod common;

use common::*;
use fhirval::Issue;
use fhirval::Severity::{Error, Information, Warning};

const NARRATIVE: &str = r#""text": {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"}"#;

fn coded(issues: &[Issue]) -> Vec<&Issue> {
    issues
        .iter()
        .filter(|i| matches!(i.code, "code-invalid" | "not-found" | "not-supported"))
        .collect()
}

#[test]
fn required_binding_on_a_code() {
    let json = format!(r#"{{"resourceType": "Patient", {NARRATIVE}, "gender": "mal"}}"#);
    let e = single_error(&json, &[]);
    assert_issue(
        &e,
        Error,
        "Patient.gender",
        "The value provided ('mal') was not found in the value set 'AdministrativeGender' (http://hl7.org/fhir/ValueSet/administrative-gender|4.0.1), and a code is required from this value set",
    );
    let ok = format!(r#"{{"resourceType": "Patient", {NARRATIVE}, "gender": "male"}}"#);
    assert!(coded(&issues(&ok, &[])).is_empty());
}

#[test]
fn required_binding_on_a_codeable_concept() {
    // Condition.clinicalStatus: required to condition-clinical
    let json = format!(
        r#"{{"resourceType": "Condition", {NARRATIVE},
  "clinicalStatus": {{"coding": [{{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "gone"}}]}},
  "subject": {{"reference": "Patient/p1"}}}}"#
    );
    let all = issues(&json, &[]);
    let e = errors_of(&all);
    assert!(
        e.iter().any(|i| i.expression == "Condition.clinicalStatus"
            && i.message.starts_with("None of the codings provided are in the value set 'Condition Clinical Status Codes'")),
        "{}",
        show(&all)
    );
}

#[test]
fn extensible_binding_is_a_warning() {
    // Patient.maritalStatus: extensible to marital-status
    let json = format!(
        r#"{{"resourceType": "Patient", {NARRATIVE},
  "maritalStatus": {{"coding": [{{"system": "http://example.org/marital", "code": "x"}}]}}}}"#
    );
    let all = issues(&json, &[]);
    assert_error_count(&errors_of(&all), 0);
    let w: Vec<&Issue> = coded(&all)
        .into_iter()
        .filter(|i| i.severity == Warning)
        .collect();
    assert_eq!(w.len(), 1, "{}", show(&all));
    assert_issue(
        w[0],
        Warning,
        "Patient.maritalStatus",
        "None of the codings provided are in the value set 'MaritalStatus' (http://hl7.org/fhir/ValueSet/marital-status|4.0.1)",
    );
}

#[test]
fn preferred_and_example_bindings_say_nothing() {
    // Condition.severity: preferred; Observation.bodySite: example
    let json = format!(
        r#"{{"resourceType": "Condition", {NARRATIVE}, "subject": {{"reference": "Patient/p1"}},
  "severity": {{"coding": [{{"system": "http://example.org/severity", "code": "bad"}}]}}}}"#
    );
    assert!(
        coded(&issues(&json, &[])).is_empty(),
        "{}",
        show(&issues(&json, &[]))
    );
    let obs = format!(
        r#"{{"resourceType": "Observation", {NARRATIVE}, "status": "final", "code": {{"text": "x"}},
  "bodySite": {{"coding": [{{"system": "http://example.org/sites", "code": "elbow"}}]}}}}"#
    );
    assert!(
        coded(&issues(&obs, &[])).is_empty(),
        "{}",
        show(&issues(&obs, &[]))
    );
}

#[test]
fn wrong_display_for_a_known_code_is_an_error() {
    let json = format!(
        r#"{{"resourceType": "Patient", {NARRATIVE},
  "maritalStatus": {{"coding": [{{"system": "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", "code": "M", "display": "Single"}}]}}}}"#
    );
    let all = issues(&json, &[]);
    let e = errors_of(&all);
    assert_eq!(e.len(), 1, "{}", show(&all));
    assert_issue(
        &e[0],
        Error,
        "Patient.maritalStatus.coding[0].display",
        "Wrong Display Name 'Single' for http://terminology.hl7.org/CodeSystem/v3-MaritalStatus#M",
    );
}

#[test]
fn unknown_code_in_a_complete_code_system_is_an_error() {
    let json = format!(
        r#"{{"resourceType": "Patient", {NARRATIVE},
  "maritalStatus": {{"coding": [{{"system": "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", "code": "ZZ"}}]}}}}"#
    );
    let all = issues(&json, &[]);
    assert!(
        errors_of(&all)
            .iter()
            .any(|i| i.message.starts_with("Unknown code 'ZZ' in the CodeSystem 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus'")),
        "{}",
        show(&all)
    );
}

#[test]
fn codes_from_systems_not_loaded_are_not_checked_offline() {
    // Patient.communication.language: preferred, with the maximum value set all-languages,
    // which is BCP-47: no package holds that code system, so the code is not checked offline
    let json = format!(
        r#"{{"resourceType": "Patient", {NARRATIVE},
  "communication": [{{"language": {{"coding": [{{"system": "urn:ietf:bcp:47", "code": "xx-nowhere"}}]}}}}]}}"#
    );
    let all = issues(&json, &[]);
    assert_error_count(&errors_of(&all), 0);
    let offline = coded(&all);
    assert_eq!(offline.len(), 1, "{}", show(&all));
    assert_issue(
        offline[0],
        Information,
        "Patient.communication[0].language",
        "The code urn:ietf:bcp:47#xx-nowhere was not checked offline against the maximum value set 'All Languages'",
    );
    assert!(
        offline[0]
            .message
            .ends_with("code system urn:ietf:bcp:47 (BCP-47 language tags) not loaded")
    );
}
