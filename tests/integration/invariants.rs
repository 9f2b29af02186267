//! FHIRPath invariants, one family at a time: R4 core (on datatypes and resources), US Core
//! and PDex (its own `adjudication-has-amount-type-slice`, which uses memberOf), each with the
//! exact key, severity and expression. The default profile set (newest PDex and its closure,
//! with US Core 7.0.0) is used.

use crate::common::default_set;
use fhirval::{Issue, Options, Severity, Validator};
use std::sync::OnceLock;

fn validator() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(|| Validator::new(default_set().clone(), Options::default()))
}

const NARRATIVE: &str = r#""text": {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"}"#;

fn invariants(json: &str, profiles: &[&str]) -> Vec<Issue> {
    let profiles: Vec<String> = profiles.iter().map(|p| p.to_string()).collect();
    validator()
        .validate_against(json.as_bytes(), &profiles)
        .issues
        .into_iter()
        .filter(|i| i.code == "invariant")
        .collect()
}

fn one(issues: &[Issue], key: &str) -> Issue {
    let hits: Vec<&Issue> = issues
        .iter()
        .filter(|i| i.message.starts_with(&format!("Constraint failed: {key}:")))
        .collect();
    assert_eq!(hits.len(), 1, "{key} in {issues:#?}");
    hits[0].clone()
}

#[test]
fn core_period_start_after_end() {
    let json = format!(
        r#"{{"resourceType": "Observation", {NARRATIVE}, "status": "final", "code": {{"text": "x"}},
  "effectivePeriod": {{"start": "2024-02-01", "end": "2024-01-01"}}}}"#
    );
    let all = invariants(&json, &[]);
    let i = one(&all, "per-1");
    assert_eq!(i.severity, Severity::Error);
    assert_eq!(i.expression, "Observation.effective.ofType(Period)");
    assert_eq!(all.len(), 1, "{all:#?}");
}

#[test]
fn core_resource_without_narrative_is_a_dom_6_warning() {
    let all = invariants(r#"{"resourceType": "Patient", "active": true}"#, &[]);
    let i = one(&all, "dom-6");
    assert_eq!(i.severity, Severity::Warning);
    assert_eq!(i.expression, "Patient");
    assert_eq!(all.len(), 1, "{all:#?}");
}

#[test]
fn core_extension_with_value_and_extensions_fails_ext_1() {
    let json = format!(
        r#"{{"resourceType": "Patient", {NARRATIVE}, "extension": [{{
  "url": "http://hl7.org/fhir/StructureDefinition/patient-birthPlace",
  "valueAddress": {{"city": "Paris"}},
  "extension": [{{"url": "x", "valueString": "y"}}]}}]}}"#
    );
    let all = invariants(&json, &[]);
    let i = one(&all, "ext-1");
    assert_eq!(i.severity, Severity::Error);
    assert_eq!(i.expression, "Patient.extension[0]");
}

#[test]
fn core_contained_resource_not_referenced_fails_dom_3() {
    let json = format!(
        r#"{{"resourceType": "Patient", {NARRATIVE},
  "contained": [{{"resourceType": "Organization", "id": "o1", "name": "Acme"}}]}}"#
    );
    let all = invariants(&json, &[]);
    let i = one(&all, "dom-3");
    assert_eq!(i.severity, Severity::Error);
    assert_eq!(i.expression, "Patient");
    // referenced from the container: no dom-3
    let ok = format!(
        r##"{{"resourceType": "Patient", {NARRATIVE},
  "contained": [{{"resourceType": "Organization", "id": "o1", "name": "Acme"}}],
  "managingOrganization": {{"reference": "#o1"}}}}"##
    );
    assert!(
        invariants(&ok, &[])
            .iter()
            .all(|i| !i.message.contains("dom-3")),
        "{:#?}",
        invariants(&ok, &[])
    );
}

/// dom-2 to dom-6 are answered natively for plain data (no `contained`, a string `div`) and
/// by FHIRPath otherwise: both paths give the R4 answers.
#[test]
fn core_dom_rules_on_plain_and_unusual_data() {
    // plain: no contained resources and a narrative, nothing to report
    let plain = format!(r#"{{"resourceType": "Patient", {NARRATIVE}, "active": true}}"#);
    assert_eq!(invariants(&plain, &[]), vec![]);
    // a narrative without its div: dom-6 still fails
    let no_div = r#"{"resourceType": "Patient", "text": {"status": "generated"}}"#;
    let all = invariants(no_div, &[]);
    assert_eq!(one(&all, "dom-6").expression, "Patient");
    assert_eq!(all.len(), 1, "{all:#?}");
    // a contained resource with its own contained resources and a versionId
    let nested = format!(
        r##"{{"resourceType": "Patient", {NARRATIVE},
  "contained": [{{"resourceType": "Organization", "id": "o1", "meta": {{"versionId": "2"}},
                  "contained": [{{"resourceType": "Organization", "id": "o2"}}]}}],
  "managingOrganization": {{"reference": "#o1"}}}}"##
    );
    let all = invariants(&nested, &[]);
    for key in ["dom-2", "dom-4"] {
        let i = one(&all, key);
        assert_eq!(i.severity, Severity::Error);
        assert_eq!(i.expression, "Patient");
    }
    assert!(all.iter().all(|i| !i.message.contains("dom-5")), "{all:#?}");
}

#[test]
fn core_local_reference_must_name_a_contained_resource_ref_1() {
    // the Organization references its sibling: ids are those of the container (the root)
    let json = format!(
        r##"{{"resourceType": "Patient", {NARRATIVE},
  "contained": [{{"resourceType": "Organization", "id": "o1", "name": "Acme", "partOf": {{"reference": "#o2"}}}},
                {{"resourceType": "Organization", "id": "o2", "name": "Parent"}}],
  "managingOrganization": {{"reference": "#o1"}},
  "generalPractitioner": [{{"reference": "#o3"}}, {{"reference": "Organization/o3"}}]}}"##
    );
    let all = invariants(&json, &[]);
    let i = one(&all, "ref-1");
    assert_eq!(i.severity, Severity::Error);
    assert_eq!(i.expression, "Patient.generalPractitioner[0]");
    let errors: Vec<&Issue> = all
        .iter()
        .filter(|i| i.severity == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{all:#?}");
}

#[test]
fn us_core_practitioner_role_needs_a_party() {
    let json = format!(
        r#"{{"resourceType": "PractitionerRole", "id": "r1", {NARRATIVE},
  "meta": {{"profile": ["http://hl7.org/fhir/us/core/StructureDefinition/us-core-practitionerrole"]}},
  "code": [{{"text": "nurse"}}]}}"#
    );
    let all = invariants(&json, &[]);
    let i = one(&all, "us-core-13");
    assert_eq!(i.severity, Severity::Error);
    assert_eq!(i.expression, "PractitionerRole");
}

#[test]
fn us_core_completed_dispense_needs_when_handed_over() {
    let json = format!(
        r#"{{"resourceType": "MedicationDispense", "id": "d1", {NARRATIVE},
  "meta": {{"profile": ["http://hl7.org/fhir/us/core/StructureDefinition/us-core-medicationdispense"]}},
  "status": "completed",
  "medicationCodeableConcept": {{"text": "x"}},
  "subject": {{"reference": "Patient/p1"}}}}"#
    );
    let all = invariants(&json, &[]);
    let i = one(&all, "us-core-20");
    assert_eq!(i.severity, Severity::Error);
    assert_eq!(i.expression, "MedicationDispense");
}

/// A PDex prior authorization (ExplanationOfBenefit), with or without a header-level
/// adjudication.
fn pdex_prior_authorization(adjudication: &str) -> String {
    format!(
        r#"{{"resourceType": "ExplanationOfBenefit", "id": "pa1", {NARRATIVE},
  "meta": {{"profile": ["http://hl7.org/fhir/us/davinci-pdex/StructureDefinition/pdex-priorauthorization"]}},
  "identifier": [{{"system": "https://www.exampleplan.com/fhir/EOBIdentifier", "value": "PA1"}}],
  "status": "active",
  "type": {{"coding": [{{"system": "http://terminology.hl7.org/CodeSystem/claim-type", "code": "institutional"}}]}},
  "use": "preauthorization",
  "patient": {{"reference": "Patient/1"}},
  "created": "2021-09-20T00:00:00+00:00",
  "insurer": {{"reference": "Organization/Payer1"}},
  "provider": {{"reference": "Organization/Payer2"}},
  "outcome": "queued",
  "insurance": [{{"focal": true, "coverage": {{"reference": "Coverage/Coverage1"}}}}]{adjudication}}}"#
    )
}

#[test]
fn pdex_prior_authorization_adjudication_needs_an_amount_type_slice() {
    // PDex's own invariant on the prior authorization profile: a header adjudication must have
    // a category `memberOf('http://hl7.org/fhir/us/davinc-pdex/ValueSet/PDEXAdjudication')`.
    // PDex 2.1.1 misspells that URL (its value set is .../davinci-pdex/ValueSet/PDexAdjudication),
    // so memberOf is empty for every category (as in the Java validator) and any header
    // adjudication fails the invariant, even `submitted`, a code of the intended value set
    let json = pdex_prior_authorization(
        r#",
  "adjudication": [{"category": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/adjudication", "code": "submitted"}]},
    "amount": {"value": 10, "currency": "USD"}}]"#,
    );
    let all = invariants(&json, &[]);
    let i = one(&all, "adjudication-has-amount-type-slice");
    assert_eq!(i.severity, Severity::Warning);
    assert_eq!(i.expression, "ExplanationOfBenefit");
    assert!(
        i.message.contains(
            "If Adjudication is present, it must have at least one adjudicationamounttype slice"
        ),
        "{}",
        i.message
    );
    // no header adjudication: the invariant holds
    let ok = invariants(&pdex_prior_authorization(""), &[]);
    assert!(
        ok.iter()
            .all(|i| !i.message.contains("adjudication-has-amount-type-slice")),
        "{ok:#?}"
    );
}

/// Issues carry their invariant key or Java message id as data (not only in the text), and a
/// suppression rule naming it removes exactly those issues.
#[test]
fn issues_carry_their_key_and_suppressions_use_it() {
    let json = format!(
        r#"{{"resourceType": "Observation", {NARRATIVE}, "status": "final", "code": {{"text": "x"}},
  "effectivePeriod": {{"start": "2024-02-01", "end": "2024-01-01"}}, "subject": {{"reference": "Patient/1"}},
  "valueCodeableConcept": {{"coding": [{{"system": "http://loinc.org", "code": "1-8"}}]}},
  "interpretation": [{{"coding": [{{"system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "code": "NOPE"}}]}}]}}"#
    );
    let mut outcome = validator().validate(json.as_bytes());
    let per1 = one(&outcome.issues, "per-1");
    assert_eq!(per1.key.as_deref(), Some("per-1"));
    let coded: Vec<&Issue> = outcome
        .issues
        .iter()
        .filter(|i| i.expression.starts_with("Observation.interpretation[0]"))
        .collect();
    assert!(!coded.is_empty(), "{:#?}", outcome.issues);
    let id = coded[0]
        .key
        .clone()
        .expect("a terminology issue has a message id");
    assert!(
        id.contains('_') && !id.contains(' '),
        "a Java message id: {id}"
    );
    let keyed_by_id = outcome
        .issues
        .iter()
        .filter(|i| {
            i.key.as_deref() == Some(id.as_str())
                && i.expression.starts_with("Observation.interpretation")
        })
        .count();
    let unkeyed = outcome.issues.iter().filter(|i| i.key.is_none()).count();
    let rules = fhirval::suppress::Suppressions::parse(&format!(
        "per-1\t*\n{id}\tObservation.interpretation*\n"
    ))
    .unwrap();
    let before = outcome.issues.len();
    assert_eq!(rules.apply(&mut outcome), 1 + keyed_by_id);
    assert_eq!(outcome.issues.len(), before - 1 - keyed_by_id);
    assert!(
        outcome
            .issues
            .iter()
            .all(|i| i.key.as_deref() != Some("per-1"))
    );
    // issues without a key are untouched (nothing is parsed back from their text)
    assert_eq!(
        outcome.issues.iter().filter(|i| i.key.is_none()).count(),
        unkeyed
    );
}
