//! Bundle rules and reference resolution inside Bundles: each case asserts the exact issue,
//! its severity and expression.

use crate::common::*;
use fhirval::Severity::{Error, Information, Warning};
use fhirval::{Issue, Severity};

const NARRATIVE: &str = r#""text": {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"}"#;

fn patient(id: &str) -> String {
    format!(r#"{{"resourceType": "Patient", "id": "{id}", {NARRATIVE}}}"#)
}

fn with_severity(issues: &[Issue], s: Severity) -> Vec<&Issue> {
    issues.iter().filter(|i| i.severity == s).collect()
}

#[test]
fn transaction_with_an_unresolvable_urn_uuid_reference() {
    let json = format!(
        r#"{{"resourceType": "Bundle", "type": "transaction", "entry": [
  {{"fullUrl": "urn:uuid:8d2a1f9e-8f3b-4a5c-9d7e-111111111111",
    "resource": {{"resourceType": "Observation", "id": "o1", {NARRATIVE}, "status": "final",
      "code": {{"text": "x"}},
      "subject": {{"reference": "urn:uuid:8d2a1f9e-8f3b-4a5c-9d7e-999999999999"}}}},
    "request": {{"method": "POST", "url": "Observation"}}}}
]}}"#
    );
    let all = issues(&json, &[]);
    assert_error_count(&errors_of(&all), 0);
    let w = with_severity(&all, Warning);
    assert_eq!(w.len(), 1, "{}", show(&all));
    assert_issue(
        w[0],
        Warning,
        "Bundle.entry[0].resource/*Observation/o1*/.subject",
        "URN reference is not locally contained within the bundle urn:uuid:8d2a1f9e-8f3b-4a5c-9d7e-999999999999",
    );
}

#[test]
fn resolved_reference_to_the_wrong_target_type() {
    // Observation.subject may be a Patient, Group, Device or Location, not a Medication
    let json = format!(
        r#"{{"resourceType": "Bundle", "type": "collection", "entry": [
  {{"fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000001",
    "resource": {{"resourceType": "Observation", "id": "o1", {NARRATIVE}, "status": "final",
      "code": {{"text": "x"}},
      "subject": {{"reference": "urn:uuid:00000000-0000-4000-8000-000000000002"}}}}}},
  {{"fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000002",
    "resource": {{"resourceType": "Medication", "id": "m1", {NARRATIVE}}}}}
]}}"#
    );
    let e = single_error(&json, &[]);
    assert_issue(
        &e,
        Error,
        "Bundle.entry[0].resource/*Observation/o1*/.subject",
        "Invalid Resource target type. Found Medication, but expected one of ([Patient, Group, Device, Location])",
    );
}

#[test]
fn duplicate_full_url() {
    let json = format!(
        r#"{{"resourceType": "Bundle", "type": "collection", "entry": [
  {{"fullUrl": "http://example.org/fhir/Patient/p1", "resource": {}}},
  {{"fullUrl": "http://example.org/fhir/Patient/p1", "resource": {}}}
]}}"#,
        patient("p1"),
        patient("p1")
    );
    let all = issues(&json, &[]);
    let e: Vec<&Issue> = all.iter().filter(|i| i.severity.is_error()).collect();
    assert_eq!(e.len(), 1, "{}", show(&all));
    assert_issue(e[0], Error, "Bundle", "Constraint failed: bdl-7:");
    assert!(e[0].message.contains("FullUrl must be unique in a bundle"));
}

#[test]
fn searchset_search_mode_rules() {
    // no self link, one entry without a search mode, and an `outcome` entry that is not an
    // OperationOutcome
    let json = format!(
        r#"{{"resourceType": "Bundle", "type": "searchset", "entry": [
  {{"fullUrl": "http://example.org/fhir/Patient/p1", "resource": {}, "search": {{"mode": "match"}}}},
  {{"fullUrl": "http://example.org/fhir/Patient/p2", "resource": {}}},
  {{"fullUrl": "http://example.org/fhir/Patient/p3", "resource": {}, "search": {{"mode": "outcome"}}}}
]}}"#,
        patient("p1"),
        patient("p2"),
        patient("p3")
    );
    let all = issues(&json, &[]);
    let e = errors_of(&all);
    assert_eq!(e.len(), 1, "{}", show(&all));
    assert_issue(
        &e[0],
        Error,
        "Bundle.entry[2].resource",
        "An entry in mode outcome must be an OperationOutcome, not a Patient",
    );
    let w = with_severity(&all, Warning);
    assert_eq!(w.len(), 2, "{}", show(&all));
    assert_issue(
        w[0],
        Warning,
        "Bundle",
        "SearchSet Bundles should have a self link",
    );
    assert_issue(
        w[1],
        Warning,
        "Bundle.entry[1]",
        "SearchSet bundles should have search modes on the entries",
    );
}

#[test]
fn search_entries_outside_a_searchset() {
    let json = format!(
        r#"{{"resourceType": "Bundle", "type": "collection", "entry": [
  {{"fullUrl": "http://example.org/fhir/Patient/p1", "resource": {}, "search": {{"mode": "match"}}}}
]}}"#,
        patient("p1")
    );
    let all = issues(&json, &[]);
    let e: Vec<&Issue> = all.iter().filter(|i| i.severity.is_error()).collect();
    assert_eq!(e.len(), 1, "{}", show(&all));
    assert_issue(e[0], Error, "Bundle", "Constraint failed: bdl-2:");
}

#[test]
fn document_without_a_composition() {
    let json = format!(
        r#"{{"resourceType": "Bundle", "type": "document",
  "identifier": {{"system": "urn:ietf:rfc:3986", "value": "urn:uuid:0c3201bd-1cbf-4d64-b04d-cd9187a4c6e0"}},
  "timestamp": "2024-01-01T00:00:00Z",
  "entry": [{{"fullUrl": "http://example.org/fhir/Patient/p1", "resource": {}}}]}}"#,
        patient("p1")
    );
    let all = issues(&json, &[]);
    let e = errors_of(&all);
    let invariants: Vec<&Issue> = all.iter().filter(|i| is_invariant(i)).collect();
    assert_eq!(invariants.len(), 1, "{}", show(&all));
    assert_issue(invariants[0], Error, "Bundle", "Constraint failed: bdl-11:");
    assert_eq!(e.len(), 1, "{}", show(&all));
    assert_issue(
        &e[0],
        Error,
        "Bundle.entry[0].resource",
        "The first entry in a document must be a Composition",
    );
}

#[test]
fn full_url_must_be_absolute_and_match_the_resource() {
    let json = format!(
        r#"{{"resourceType": "Bundle", "type": "collection", "entry": [
  {{"fullUrl": "Patient/p1", "resource": {}}},
  {{"fullUrl": "http://example.org/fhir/Patient/other", "resource": {}}}
]}}"#,
        patient("p1"),
        patient("p2")
    );
    let all = issues(&json, &[]);
    let e = errors_of(&all);
    assert_eq!(e.len(), 2, "{}", show(&all));
    assert_issue(
        &e[0],
        Error,
        "Bundle.entry[0]",
        "The fullUrl must be an absolute URL (not 'Patient/p1')",
    );
    assert_issue(
        &e[1],
        Error,
        "Bundle.entry[1]",
        "looks like a RESTful server URL, so it must end with the correct type and id (/Patient/p2)",
    );
}

#[test]
fn relative_reference_resolves_against_a_restful_full_url() {
    let json = format!(
        r#"{{"resourceType": "Bundle", "type": "collection", "entry": [
  {{"fullUrl": "http://example.org/fhir/Observation/o1",
    "resource": {{"resourceType": "Observation", "id": "o1", {NARRATIVE}, "status": "final",
      "code": {{"text": "x"}}, "subject": {{"reference": "Patient/p1"}}}}}},
  {{"fullUrl": "http://example.org/fhir/Patient/p1", "resource": {}}}
]}}"#,
        patient("p1")
    );
    let all = issues(&json, &[]);
    assert!(
        all.iter().all(|i| i.severity == Information),
        "{}",
        show(&all)
    );
}

#[test]
fn relative_reference_from_a_urn_full_url_does_not_resolve() {
    let json = format!(
        r#"{{"resourceType": "Bundle", "type": "collection", "entry": [
  {{"fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000001",
    "resource": {{"resourceType": "Observation", "id": "o1", {NARRATIVE}, "status": "final",
      "code": {{"text": "x"}}, "subject": {{"reference": "Patient/p1"}}}}}},
  {{"fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000002", "resource": {}}}
]}}"#,
        patient("p1")
    );
    let all = issues(&json, &[]);
    let w = with_severity(&all, Warning);
    assert_eq!(w.len(), 1, "{}", show(&all));
    assert_issue(
        w[0],
        Warning,
        "Bundle.entry[0].resource/*Observation/o1*/.subject",
        "Entry 1 matches the reference Patient/p1 by type and id but its fullUrl urn:uuid:00000000-0000-4000-8000-000000000002 does not match the full target URL urn:uuid:p1",
    );
}

#[test]
fn contained_reference_that_does_not_resolve() {
    let json = format!(
        r##"{{"resourceType": "Observation", "id": "o1", {NARRATIVE}, "status": "final",
  "code": {{"text": "x"}}, "subject": {{"reference": "#missing"}}}}"##
    );
    let e = single_error(&json, &[]);
    assert_issue(
        &e,
        Error,
        "Observation.subject",
        "Unable to resolve resource with reference '#missing'",
    );
}

/// 20,000 entries all pointing at the first: resolution stays O(1) per reference (the test
/// would take minutes if it were quadratic).
#[test]
fn large_bundle_resolution_is_linear() {
    let mut entries = vec![format!(
        r#"{{"fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000000", "resource": {}}}"#,
        patient("p0")
    )];
    for i in 1..20_000 {
        entries.push(format!(
            r#"{{"fullUrl": "urn:uuid:00000000-0000-4000-8000-{i:012}", "resource": {{"resourceType": "Observation", "id": "o{i}", {NARRATIVE}, "status": "final", "code": {{"text": "x"}}, "subject": {{"reference": "urn:uuid:00000000-0000-4000-8000-000000000000"}}}}}}"#
        ));
    }
    let json = format!(
        r#"{{"resourceType": "Bundle", "type": "collection", "entry": [{}]}}"#,
        entries.join(",")
    );
    let started = std::time::Instant::now();
    let all = issues(&json, &[]);
    assert_error_count(&errors_of(&all), 0);
    assert!(
        started.elapsed().as_secs() < 20,
        "took {:?}",
        started.elapsed()
    );
}

// ---------------------------------------------------------------------------------------------
// Parameters resolve references among their parameters' resources (as Java's validateReference)

fn parameters_with_subject(reference: &str) -> String {
    format!(
        r#"{{"resourceType": "Parameters", "parameter": [
  {{"name": "patient", "resource": {patient}}},
  {{"name": "obs", "resource": {{"resourceType": "Observation", "id": "o1", {NARRATIVE},
      "status": "final", "code": {{"text": "x"}},
      "subject": {{"reference": "{reference}"}}}}}}
]}}"#,
        patient = patient("p1")
    )
}

/// References must resolve (Java's CHECK_EXISTS reference policy).
fn strict() -> &'static fhirval::Validator {
    static V: std::sync::OnceLock<fhirval::Validator> = std::sync::OnceLock::new();
    V.get_or_init(|| {
        let options = fhirval::Options {
            check_references_resolve: true,
            ..fhirval::Options::default()
        };
        fhirval::Validator::new(profile_set().clone(), options)
    })
}

#[test]
fn parameters_reference_resolves_to_a_parameter_resource() {
    assert_error_count(
        &errors_with(strict(), &parameters_with_subject("Patient/p1"), &[]),
        0,
    );
    assert_valid(&parameters_with_subject("Patient/p1"), &[]);
}

#[test]
fn parameters_reference_that_does_not_resolve_when_references_must_resolve() {
    let json = parameters_with_subject("Patient/p2");
    let e = errors_with(strict(), &json, &[]);
    assert_error_count(&e, 1);
    assert_issue(
        &e[0],
        Error,
        "Parameters.parameter[1].resource/*Observation/o1*/.subject",
        "Unable to resolve resource with reference 'Patient/p2'",
    );
    assert_at(&e[0], pos(&json, r#""Patient/p2""#));
    // by default (Java's default policy) an unresolved reference is not checked
    assert_valid(&json, &[]);
}

/// A reference whose target profile the target must meet: a target already validated
/// against that profile without errors is not walked again; one that had errors, or never
/// claimed the profile, is checked against it.
#[test]
fn reference_targets_checked_against_the_target_profile() {
    let uuid = |n: u32| format!("urn:uuid:00000000-0000-4000-8000-00000000000{n}");
    let named = format!("{FX}patient-named");
    let patient = |n: u32, profile: bool, name: bool| {
        format!(
            r#"{{"fullUrl": "{}", "resource": {{"resourceType": "Patient", "id": "p{n}", {NARRATIVE}{}{}}}}}"#,
            uuid(n),
            if profile {
                format!(r#", "meta": {{"profile": ["{named}"]}}"#)
            } else {
                String::new()
            },
            if name {
                r#", "name": [{"family": "Doe"}]"#
            } else {
                ""
            },
        )
    };
    let observation = |n: u32, subject: u32| {
        format!(
            r#"{{"fullUrl": "{}", "resource": {{"resourceType": "Observation", "id": "o{n}", {NARRATIVE},
  "meta": {{"profile": ["{FX}obs-subject-named-patient"]}}, "status": "final", "code": {{"text": "x"}},
  "subject": {{"reference": "{}"}}}}}}"#,
            uuid(n),
            uuid(subject)
        )
    };
    let json = format!(
        r#"{{"resourceType": "Bundle", "type": "collection", "entry": [{}, {}, {}, {}, {}, {}]}}"#,
        patient(1, true, true),
        patient(2, false, false),
        patient(3, true, false),
        observation(4, 1),
        observation(5, 2),
        observation(6, 3),
    );
    let all = issues(&json, &[]);
    let e = errors_of(&all);
    assert_error_count(&e, 3);
    assert_issue(
        &e[0],
        Error,
        "Bundle.entry[2].resource/*Patient/p3*/",
        "Patient.name: minimum required = 1, but only found 0 (from http://fhirval.test/StructureDefinition/patient-named|1.0.0)",
    );
    for (at, n, target) in [(1, 5, 2), (2, 6, 3)] {
        assert_issue(
            &e[at],
            Error,
            &format!(
                "Bundle.entry[{}].resource/*Observation/o{n}*/.subject",
                n - 1
            ),
            &format!(
                "Unable to find a profile match for {} among choices: {named}|1.0.0",
                uuid(target)
            ),
        );
    }
}
