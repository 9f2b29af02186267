//! Terminology bindings checked offline, one case per binding strength (and additional
//! binding purpose) and per "not checkable offline" situation, each with its severity and
//! expression.

use crate::common::*;
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

/// R4 core + fixtures + a profile whose Observation.code has an example binding and two
/// additional bindings (R5 `binding.additional` as the cross-version extension).
fn additional_bindings_validator() -> &'static fhirval::Validator {
    static V: std::sync::OnceLock<fhirval::Validator> = std::sync::OnceLock::new();
    V.get_or_init(|| {
        let additional = |purpose: &str, vs: &str| {
            serde_json::json!({
                "url": "http://hl7.org/fhir/5.0/StructureDefinition/extension-ElementDefinition.binding.additional",
                "extension": [
                    {"url": "purpose", "valueCode": purpose},
                    {"url": "valueSet", "valueCanonical": vs}
                ]
            })
        };
        let value_set = |id: &str, codes: &[&str]| {
            let concepts: Vec<_> = codes.iter().map(|c| serde_json::json!({"code": c})).collect();
            serde_json::json!({
                "resourceType": "ValueSet", "url": format!("http://fhirval.test/ValueSet/{id}"),
                "version": "1.0.0", "name": id, "title": id, "status": "active",
                "compose": {"include": [{"system": "http://fhirval.test/CodeSystem/lab", "concept": concepts}]}
            })
        };
        let profile = serde_json::json!({
            "resourceType": "StructureDefinition",
            "url": "http://fhirval.test/StructureDefinition/obs-additional-bindings",
            "name": "ObsAdditionalBindings", "status": "active", "fhirVersion": "4.0.1",
            "kind": "resource", "abstract": false, "type": "Observation",
            "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Observation",
            "derivation": "constraint",
            "differential": {"element": [
                {"id": "Observation", "path": "Observation"},
                {"id": "Observation.code", "path": "Observation.code", "binding": {
                    "strength": "example",
                    "valueSet": "http://hl7.org/fhir/ValueSet/observation-codes",
                    "extension": [
                        additional("required", "http://fhirval.test/ValueSet/lab-required"),
                        additional("extensible", "http://fhirval.test/ValueSet/lab-extensible")
                    ]
                }}
            ]}
        });
        let mut c = fhirval::compile::Compiler::extend(profile_set().clone());
        let index = c.add_package("(additional bindings test)");
        c.add_resource(&value_set("lab-required", &["a", "b"]), index);
        c.add_resource(&value_set("lab-extensible", &["a"]), index);
        c.add_resource(&profile, index);
        fhirval::Validator::new(c.finish(), fhirval::Options::default())
    })
}

#[test]
fn additional_bindings_required_and_extensible() {
    let obs = |code: &str| {
        format!(
            r#"{{"resourceType": "Observation", {NARRATIVE}, "status": "final",
  "meta": {{"profile": ["http://fhirval.test/StructureDefinition/obs-additional-bindings"]}},
  "code": {{"coding": [{{"system": "http://fhirval.test/CodeSystem/lab", "code": "{code}"}}]}}}}"#
        )
    };
    let v = additional_bindings_validator();
    // in neither value set: an error for the required one, a warning for the extensible one
    let all = outcome_with(v, &obs("z"), &[]).issues;
    let e = errors_of(&all);
    assert_error_count(&e, 1);
    assert_issue(
        &e[0],
        Error,
        "Observation.code",
        "None of the codings provided are in the value set 'lab-required' (http://fhirval.test/ValueSet/lab-required|1.0.0) specified in an additional binding, and a coding from this value set is required) (codes = http://fhirval.test/CodeSystem/lab#z)",
    );
    let additional = |all: &[Issue]| -> Vec<Issue> {
        all.iter()
            .filter(|i| i.message.contains("additional binding"))
            .cloned()
            .collect()
    };
    let a = additional(&all);
    assert_eq!(a.len(), 2, "{}", show(&all));
    assert_issue(
        &a[1],
        Warning,
        "Observation.code",
        "'lab-extensible' (http://fhirval.test/ValueSet/lab-extensible|1.0.0) specified in an additional binding, and a coding should come from this value set",
    );
    // in the required one only: the extensible warning alone
    let all = outcome_with(v, &obs("b"), &[]).issues;
    assert_error_count(&errors_of(&all), 0);
    let a = additional(&all);
    assert_eq!(a.len(), 1, "{}", show(&all));
    assert_eq!(a[0].severity, Warning);
    // in both: nothing
    let all = outcome_with(v, &obs("a"), &[]).issues;
    assert!(additional(&all).is_empty(), "{}", show(&all));
}

/// The same codes against the same binding, met again (every entry of a Bundle): each
/// occurrence gets the answer, at its own place.
#[test]
fn repeated_codes_are_reported_at_each_occurrence() {
    let condition = |id: &str, code: &str| {
        format!(
            r#"{{"resource": {{"resourceType": "Condition", "id": "{id}", {NARRATIVE},
  "clinicalStatus": {{"coding": [{{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "{code}"}}]}},
  "subject": {{"reference": "Patient/p1"}}}}}}"#
        )
    };
    let json = format!(
        r#"{{"resourceType": "Bundle", "type": "collection", "entry": [{}, {}, {}]}}"#,
        condition("c1", "gone"),
        condition("c2", "active"),
        condition("c3", "gone"),
    );
    let all = issues(&json, &[]);
    let errors = errors_of(&all);
    let bad: Vec<&str> = errors
        .iter()
        .filter(|i| i.message.starts_with("None of the codings provided are in the value set 'Condition Clinical Status Codes'"))
        .map(|i| i.expression.as_str())
        .collect();
    assert_eq!(
        bad,
        [
            "Bundle.entry[0].resource/*Condition/c1*/.clinicalStatus",
            "Bundle.entry[2].resource/*Condition/c3*/.clinicalStatus"
        ],
        "{}",
        show(&all)
    );
}

/// R4 core + a profile slicing Observation.component by a `pattern` discriminator on `code`
/// whose slices carry no pattern, only required bindings (as CARIN BB's `total` slices), and
/// Observation.code.coding by a `value` discriminator on `$this` with a slice bound to a value
/// set that is not loaded (as PAS's Coverage.relationship): the Java validator matches an
/// occurrence to such a slice by `memberOf` the slice's value set.
fn binding_sliced_validator() -> &'static fhirval::Validator {
    static V: std::sync::OnceLock<fhirval::Validator> = std::sync::OnceLock::new();
    V.get_or_init(|| {
        let value_set = |id: &str, code: &str| {
            serde_json::json!({
                "resourceType": "ValueSet", "url": format!("http://fhirval.test/ValueSet/{id}"),
                "version": "1.0.0", "name": id, "status": "active",
                "compose": {"include": [{"system": "http://fhirval.test/CodeSystem/lab",
                    "concept": [{"code": code}]}]}
            })
        };
        let slice = |name: &str, min: u32, vs: &str| {
            [
                serde_json::json!({"id": format!("Observation.component:{name}"),
                    "path": "Observation.component", "sliceName": name, "min": min, "max": "1"}),
                serde_json::json!({"id": format!("Observation.component:{name}.code"),
                    "path": "Observation.component.code",
                    "binding": {"strength": "required", "valueSet": format!("http://fhirval.test/ValueSet/{vs}")}}),
            ]
        };
        let mut elements = vec![
            serde_json::json!({"id": "Observation", "path": "Observation"}),
            serde_json::json!({"id": "Observation.component", "path": "Observation.component",
                "slicing": {"discriminator": [{"type": "pattern", "path": "code"}], "rules": "open"}}),
        ];
        elements.extend(slice("first", 0, "lab-a"));
        elements.extend(slice("second", 1, "lab-b"));
        // codings sliced by value on $this, one slice bound to a value set not loaded
        elements.extend([
            serde_json::json!({"id": "Observation.code.coding", "path": "Observation.code.coding",
                "slicing": {"discriminator": [{"type": "value", "path": "$this"}], "rules": "open"}}),
            serde_json::json!({"id": "Observation.code.coding:x12", "path": "Observation.code.coding",
                "sliceName": "x12", "min": 0, "max": "1",
                "binding": {"strength": "required", "valueSet": "http://fhirval.test/ValueSet/not-loaded"}}),
        ]);
        let profile = serde_json::json!({
            "resourceType": "StructureDefinition",
            "url": "http://fhirval.test/StructureDefinition/obs-binding-slices", "version": "1.0.0",
            "name": "ObsBindingSlices", "status": "active", "fhirVersion": "4.0.1",
            "kind": "resource", "abstract": false, "type": "Observation",
            "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Observation",
            "derivation": "constraint",
            "differential": {"element": elements}
        });
        let mut c = fhirval::compile::Compiler::extend(profile_set().clone());
        let index = c.add_package("(binding slices test)");
        c.add_resource(&value_set("lab-a", "a"), index);
        c.add_resource(&value_set("lab-b", "b"), index);
        c.add_resource(&profile, index);
        fhirval::Validator::new(c.finish(), fhirval::Options::default())
    })
}

/// A slice probe that found a binding error remembers it: walking the same profile a second
/// time (meta.profile names it with and without its version) must not match the occurrence
/// to the first slice because the binding was "already checked".
#[test]
fn binding_failures_found_by_a_slice_probe_hold_in_every_walk() {
    let obs = |code: &str| {
        format!(
            r#"{{"resourceType": "Observation", {NARRATIVE}, "status": "final",
  "meta": {{"profile": ["http://fhirval.test/StructureDefinition/obs-binding-slices",
    "http://fhirval.test/StructureDefinition/obs-binding-slices|1.0.0"]}},
  "code": {{"text": "panel"}},
  "component": [{{"code": {{"coding": [{{"system": "http://fhirval.test/CodeSystem/lab", "code": "{code}"}}]}}, "valueString": "x"}}]}}"#
        )
    };
    let v = binding_sliced_validator();
    let all = outcome_with(v, &obs("b"), &[]).issues;
    assert_error_count(&errors_of(&all), 0);
    // a code in neither value set matches no slice: the required slice is missing, once
    let all = outcome_with(v, &obs("z"), &[]).issues;
    let e = errors_of(&all);
    assert_error_count(&e, 1);
    assert_issue(
        &e[0],
        Error,
        "Observation",
        "Slice 'Observation.component:second': a matching slice is required, but not found (from http://fhirval.test/StructureDefinition/obs-binding-slices|1.0.0)",
    );
}

/// A slice told apart only by a required binding to a value set that is not loaded matches
/// nothing (Java's `memberOf` is empty): two codings of other systems are not "2 in a slice of
/// at most 1".
#[test]
fn a_slice_bound_to_a_value_set_not_loaded_matches_nothing() {
    let json = format!(
        r#"{{"resourceType": "Observation", {NARRATIVE}, "status": "final",
  "meta": {{"profile": ["http://fhirval.test/StructureDefinition/obs-binding-slices"]}},
  "code": {{"coding": [{{"system": "http://fhirval.test/CodeSystem/lab", "code": "p"}},
    {{"system": "http://fhirval.test/CodeSystem/other", "code": "q"}}]}},
  "component": [{{"code": {{"coding": [{{"system": "http://fhirval.test/CodeSystem/lab", "code": "b"}}]}}, "valueString": "x"}}]}}"#
    );
    let all = outcome_with(binding_sliced_validator(), &json, &[]).issues;
    assert_error_count(&errors_of(&all), 0);
    assert!(
        !all.iter().any(|i| i.message.contains("coding:x12")),
        "{}",
        show(&all)
    );
}
