//! Resources checked against the definition they answer to: a QuestionnaireResponse against its
//! Questionnaire, a MeasureReport against its Measure (src/validate/questionnaire.rs and
//! src/validate/measure.rs), a SearchParameter's expression against its base types
//! (src/validate/business.rs). The definitions are loaded as loose resources on top of the
//! shared set (as `--ig questionnaire.json` does); each test asserts the exact errors
//! (invariants aside), their expression and message.

use crate::common::*;
use fhirval::Severity::{Error, Warning};
use fhirval::compile::Compiler;
use fhirval::{Options, Validator};
use serde_json::json;
use std::sync::OnceLock;

const Q: &str = "http://fhirval.test/Questionnaire/visit";
const M_COHORT: &str = "http://fhirval.test/Measure/cohort";
const M_PROPORTION: &str = "http://fhirval.test/Measure/proportion";

fn questionnaire() -> serde_json::Value {
    json!({
        "resourceType": "Questionnaire",
        "url": Q,
        "version": "1.0.0",
        "status": "active",
        "item": [
            {"linkId": "smoker", "text": "Do you smoke?", "type": "boolean", "required": true},
            {"linkId": "packs", "text": "Packs a day", "type": "integer",
             "enableWhen": [{"question": "smoker", "operator": "=", "answerBoolean": true}]},
            {"linkId": "colour", "text": "Eye colour", "type": "choice",
             "answerOption": [
                {"valueCoding": {"system": "http://fhirval.test/colour", "code": "blue"}},
                {"valueCoding": {"system": "http://fhirval.test/colour", "code": "brown"}}]},
            {"linkId": "history", "type": "group", "item": [
                {"linkId": "history/note", "text": "Notes", "type": "string"}]}
        ]
    })
}

/// A Measure's stratifier (one code).
fn stratifier(code: &str) -> serde_json::Value {
    json!({"code": {"coding": [{"system": "http://fhirval.test/strata", "code": code}]}})
}

/// A MeasureReport's stratifier (its code repeats).
fn reported_stratifier(code: &str) -> serde_json::Value {
    json!({"code": [{"coding": [{"system": "http://fhirval.test/strata", "code": code}]}]})
}

fn population(code: &str) -> serde_json::Value {
    json!({"code": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/measure-population", "code": code}]}})
}

fn measures() -> Vec<serde_json::Value> {
    vec![
        json!({
            "resourceType": "Measure", "url": M_COHORT, "status": "active",
            "scoring": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/measure-scoring", "code": "cohort"}]},
            "group": [{
                "population": [population("initial-population")],
                "stratifier": [stratifier("age"), stratifier("gender")]
            }]
        }),
        json!({
            "resourceType": "Measure", "url": M_PROPORTION, "status": "active",
            "scoring": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/measure-scoring", "code": "proportion"}]},
            "group": [{"population": [population("numerator"), population("denominator")]}]
        }),
    ]
}

/// The shared set plus the Questionnaire and the Measures above.
fn v() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(|| {
        let mut c = Compiler::extend(profile_set().clone());
        let index = c.add_package("(definitions test)");
        c.add_resource(&questionnaire(), index);
        for m in measures() {
            c.add_resource(&m, index);
        }
        Validator::new(c.finish(), Options::default())
    })
}

fn qr(status: &str, items: serde_json::Value) -> String {
    json!({
        "resourceType": "QuestionnaireResponse",
        "questionnaire": format!("{Q}|1.0.0"),
        "status": status,
        "item": items
    })
    .to_string()
}

fn errs(json: &str) -> Vec<fhirval::Issue> {
    errors_with(v(), json, &[])
}

// ---------------------------------------------------------------------------------------------
// QuestionnaireResponse

#[test]
fn response_that_follows_its_questionnaire_is_valid() {
    let json = qr(
        "completed",
        json!([
            {"linkId": "smoker", "text": "Do you smoke?", "answer": [{"valueBoolean": true}]},
            {"linkId": "packs", "answer": [{"valueInteger": 2}]},
            {"linkId": "colour", "answer": [{"valueCoding": {"system": "http://fhirval.test/colour", "code": "blue"}}]},
            {"linkId": "history", "item": [{"linkId": "history/note", "answer": [{"valueString": "none"}]}]}
        ]),
    );
    assert_error_count(&errs(&json), 0);
}

#[test]
fn response_link_id_not_in_questionnaire() {
    let json = qr(
        "completed",
        json!([
            {"linkId": "smoker", "answer": [{"valueBoolean": false}]},
            {"linkId": "1.1", "answer": [{"valueString": "x"}]}
        ]),
    );
    let e = errs(&json);
    assert_error_count(&e, 1);
    assert_issue(
        &e[0],
        Error,
        "QuestionnaireResponse",
        "LinkId '1.1' not found in questionnaire",
    );
}

#[test]
fn response_item_in_the_wrong_place() {
    let json = qr(
        "completed",
        json!([
            {"linkId": "smoker", "answer": [{"valueBoolean": false}]},
            {"linkId": "history/note", "answer": [{"valueString": "x"}]}
        ]),
    );
    let e = errs(&json);
    assert_error_count(&e, 1);
    assert_issue(
        &e[0],
        Error,
        "QuestionnaireResponse",
        "Structural Error: item with linkid history/note is in the wrong place",
    );
}

#[test]
fn response_items_out_of_order() {
    let json = qr(
        "completed",
        json!([
            {"linkId": "colour", "answer": [{"valueCoding": {"system": "http://fhirval.test/colour", "code": "brown"}}]},
            {"linkId": "smoker", "answer": [{"valueBoolean": false}]}
        ]),
    );
    let e = errs(&json);
    assert_error_count(&e, 1);
    assert_issue(
        &e[0],
        Error,
        "QuestionnaireResponse",
        "Structural Error: items are out of order",
    );
}

#[test]
fn response_missing_required_item_is_an_error_when_completed_a_warning_in_progress() {
    let items = json!([{"linkId": "colour", "answer": [{"valueCoding": {"system": "http://fhirval.test/colour", "code": "blue"}}]}]);
    let e = errs(&qr("completed", items.clone()));
    assert_error_count(&e, 1);
    assert_issue(
        &e[0],
        Error,
        "QuestionnaireResponse",
        "No response answer found for required item 'smoker'",
    );
    let o = outcome_with(v(), &qr("in-progress", items), &[]);
    assert_error_count(&errors_of(&o.issues), 0);
    let w: Vec<_> = o
        .issues
        .iter()
        .filter(|i| i.message.contains("required item 'smoker'"))
        .collect();
    assert_eq!(w.len(), 1, "{}", show(&o.issues));
    assert_issue(
        w[0],
        Warning,
        "QuestionnaireResponse",
        "No response answer found",
    );
}

#[test]
fn response_answer_of_the_wrong_type() {
    let json = qr(
        "completed",
        json!([{"linkId": "smoker", "answer": [{"valueString": "yes"}]}]),
    );
    let e = errs(&json);
    assert_error_count(&e, 1);
    assert_issue(
        &e[0],
        Error,
        "QuestionnaireResponse.item[0].answer[0].value.ofType(string)",
        "Answer value must be of type boolean",
    );
}

#[test]
fn response_answers_a_question_that_is_not_enabled() {
    // packs is enabled only when smoker = true
    let json = qr(
        "completed",
        json!([
            {"linkId": "smoker", "answer": [{"valueBoolean": false}]},
            {"linkId": "packs", "answer": [{"valueInteger": 2}]}
        ]),
    );
    let e = errs(&json);
    assert_error_count(&e, 1);
    assert_issue(
        &e[0],
        Error,
        "QuestionnaireResponse.item[1]",
        "Item has answer, even though it is not enabled (item id = 'packs')",
    );
}

#[test]
fn response_choice_not_among_the_options() {
    let json = qr(
        "completed",
        json!([
            {"linkId": "smoker", "answer": [{"valueBoolean": false}]},
            {"linkId": "colour", "answer": [{"valueCoding": {"system": "http://fhirval.test/colour", "code": "green"}}]}
        ]),
    );
    let e = errs(&json);
    assert_error_count(&e, 1);
    assert_issue(
        &e[0],
        Error,
        "QuestionnaireResponse.item[1].answer[0].value.ofType(Coding)",
        "The code http://fhirval.test/colour::green is not a valid option",
    );
}

#[test]
fn response_text_must_match_and_single_answers_only() {
    let json = qr(
        "completed",
        json!([{"linkId": "smoker", "text": "Smoking?",
                "answer": [{"valueBoolean": true}, {"valueBoolean": false}]}]),
    );
    let e = errs(&json);
    assert_error_count(&e, 2);
    assert_issue(
        &e[0],
        Error,
        "QuestionnaireResponse.item[0]",
        "If text exists, it must match the questionnaire definition for linkId smoker",
    );
    assert_issue(
        &e[1],
        Error,
        "QuestionnaireResponse.item[0]",
        "Only one response answer item with this linkId allowed",
    );
}

#[test]
fn response_against_a_contained_questionnaire() {
    let mut q = questionnaire();
    q["id"] = json!("q");
    let json = json!({
        "resourceType": "QuestionnaireResponse",
        "contained": [q],
        "questionnaire": "#q",
        "status": "completed",
        "item": [{"linkId": "nope", "answer": [{"valueBoolean": true}]}]
    })
    .to_string();
    let e = errs(&json);
    assert_error_count(&e, 2);
    assert_issue(
        &e[0],
        Error,
        "QuestionnaireResponse",
        "LinkId 'nope' not found in questionnaire",
    );
    assert_issue(
        &e[1],
        Error,
        "QuestionnaireResponse",
        "No response answer found for required item 'smoker'",
    );
}

#[test]
fn response_to_an_unknown_questionnaire_is_a_warning() {
    let json = json!({
        "resourceType": "QuestionnaireResponse",
        "questionnaire": "http://fhirval.test/Questionnaire/unknown",
        "status": "completed",
        "item": [{"linkId": "anything", "answer": [{"valueBoolean": true}]}]
    })
    .to_string();
    let o = outcome_with(v(), &json, &[]);
    assert_error_count(&errors_of(&o.issues), 0);
    let w: Vec<_> = o
        .issues
        .iter()
        .filter(|i| i.message.contains("could not be resolved"))
        .collect();
    assert_eq!(w.len(), 1, "{}", show(&o.issues));
    assert_issue(
        w[0],
        Warning,
        "QuestionnaireResponse",
        "The questionnaire 'http://fhirval.test/Questionnaire/unknown' could not be resolved",
    );
}

// ---------------------------------------------------------------------------------------------
// MeasureReport

fn report(measure: &str, group: serde_json::Value) -> String {
    json!({
        "resourceType": "MeasureReport",
        "status": "complete",
        "type": "summary",
        "measure": measure,
        "period": {"start": "2024-01-01", "end": "2024-12-31"},
        "group": [group]
    })
    .to_string()
}

#[test]
fn measure_report_that_follows_its_measure_is_valid() {
    let mut pop = population("initial-population");
    pop["count"] = json!(10);
    let json = report(
        M_COHORT,
        json!({"population": [pop], "stratifier": [reported_stratifier("age"), reported_stratifier("gender")]}),
    );
    assert_error_count(&errs(&json), 0);
}

#[test]
fn measure_report_cohort_has_no_score() {
    let mut pop = population("initial-population");
    pop["count"] = json!(10);
    let json = report(
        M_COHORT,
        json!({"population": [pop], "measureScore": {"value": 10},
               "stratifier": [reported_stratifier("age"), reported_stratifier("gender")]}),
    );
    let e = errs(&json);
    assert_error_count(&e, 1);
    assert_issue(
        &e[0],
        Error,
        "MeasureReport.group[0].measureScore",
        "No measureScore when the scoring of the message is 'cohort'",
    );
}

#[test]
fn measure_report_stratifiers_match_the_measure_by_code() {
    let mut pop = population("initial-population");
    pop["count"] = json!(10);
    let json = report(
        M_COHORT,
        json!({"population": [pop], "stratifier": [reported_stratifier("age"), reported_stratifier("height")]}),
    );
    let e = errs(&json);
    assert_error_count(&e, 2);
    assert_issue(
        &e[0],
        Error,
        "MeasureReport.group[0].stratifier[1]",
        "Group should have a code that matches the group stratifier definition in the measure",
    );
    assert_issue(
        &e[1],
        Error,
        "MeasureReport.group[0]",
        "The MeasureReport does not include a stratifier for the stratifier with code 'gender' (id = '')",
    );
}

#[test]
fn measure_report_proportion_score_required_and_between_0_and_1() {
    let pops = json!([population("numerator"), population("denominator")]);
    let e = errs(&report(M_PROPORTION, json!({"population": pops})));
    assert_error_count(&e, 1);
    assert_issue(
        &e[0],
        Error,
        "MeasureReport.group[0]",
        "A measureScore is required when the Measure.scoring = 'proportion'",
    );
    let e = errs(&report(
        M_PROPORTION,
        json!({"population": pops, "measureScore": {"value": 1.5}}),
    ));
    assert_error_count(&e, 1);
    assert_issue(
        &e[0],
        Error,
        "MeasureReport.group[0].measureScore.value",
        "The value of the measureScore must be between 0 and 1",
    );
    let e = errs(&report(
        M_PROPORTION,
        json!({"population": [population("numerator")], "measureScore": {"value": 0.5}}),
    ));
    assert_error_count(&e, 1);
    assert_issue(
        &e[0],
        Error,
        "MeasureReport.group[0]",
        "The MeasureReport does not include a population for the population with code 'denominator'",
    );
}

#[test]
fn measure_report_for_an_unknown_measure_is_a_warning() {
    let json = json!({
        "resourceType": "MeasureReport", "status": "complete", "type": "summary",
        "measure": "http://fhirval.test/Measure/unknown",
        "period": {"start": "2024-01-01"}
    })
    .to_string();
    let o = outcome_with(v(), &json, &[]);
    assert_error_count(&errors_of(&o.issues), 0);
    let w: Vec<_> = o
        .issues
        .iter()
        .filter(|i| i.message.contains("could not be resolved"))
        .collect();
    assert_eq!(w.len(), 1, "{}", show(&o.issues));
    assert_issue(
        w[0],
        Warning,
        "MeasureReport",
        "The Measure 'http://fhirval.test/Measure/unknown' could not be resolved",
    );
}

// ---------------------------------------------------------------------------------------------
// SearchParameter: its expression against its base types

fn search_parameter(base: &str, expression: &str) -> String {
    json!({
        "resourceType": "SearchParameter",
        "url": "http://fhirval.test/SearchParameter/name",
        "name": "name",
        "status": "active",
        "description": "By name",
        "code": "name",
        "base": [base],
        "type": "string",
        "expression": expression
    })
    .to_string()
}

#[test]
fn search_expression_must_start_from_the_base_types() {
    let e = errs(&search_parameter(
        "Patient",
        "Patient.name | Organization.name | Organization.alias",
    ));
    assert_error_count(&e, 1);
    assert_issue(
        &e[0],
        Error,
        "SearchParameter.expression",
        "Error in search expression 'Patient.name | Organization.name | Organization.alias': Error evaluating FHIRPath expression: The name 'Organization' is not valid for any of the possible types: [http://hl7.org/fhir/StructureDefinition/Patient] (@char 16)",
    );
    assert_error_count(
        &errs(&search_parameter(
            "Patient",
            "Patient.name.where(use = 'official') | (Patient.contact.name as HumanName)",
        )),
        0,
    );
    assert_error_count(&errs(&search_parameter("Resource", "Resource.id")), 0);
}

#[test]
fn search_expression_must_parse() {
    let e = errs(&search_parameter("Patient", "Patient.name |"));
    assert_error_count(&e, 1);
    assert_issue(
        &e[0],
        Error,
        "SearchParameter.expression",
        "Error in search expression 'Patient.name |'",
    );
}

// ---------------------------------------------------------------------------------------------
// StructureDefinition: its differential against its base

fn derived(base: &str, kind: &str, ty: &str, elements: serde_json::Value) -> String {
    json!({
        "resourceType": "StructureDefinition",
        "url": "http://fhirval.test/StructureDefinition/derived",
        "name": "Derived",
        "status": "draft",
        "fhirVersion": "4.0.1",
        "kind": kind,
        "abstract": false,
        "type": ty,
        "baseDefinition": base,
        "derivation": "constraint",
        "differential": {"element": elements}
    })
    .to_string()
}

#[test]
fn differential_renames_a_choice_without_constraining_its_type() {
    let obs = "http://hl7.org/fhir/StructureDefinition/Observation";
    let e = errs(&derived(
        obs,
        "resource",
        "Observation",
        json!([{"id": "Observation.valueQuantity", "path": "Observation.valueBla"}]),
    ));
    assert_error_count(&e, 1);
    assert_issue(
        &e[0],
        Error,
        "StructureDefinition",
        "Error generating Snapshot: The path must be 'Observation.value[x]' not 'Observation.valueBla' when the type list is not constrained",
    );
    // renamed for the one type it is constrained to: fine
    let ok = derived(
        obs,
        "resource",
        "Observation",
        json!([{"id": "Observation.valueQuantity", "path": "Observation.valueQuantity",
                "type": [{"code": "Quantity"}]}]),
    );
    assert_error_count(&errs(&ok), 0);
}

#[test]
fn differential_changes_a_fixed_value_of_its_base() {
    // the fixture extension ext-flag fixes Extension.url to its own URL
    let base = fx("ext-flag");
    let e = errs(&derived(
        &base,
        "complex-type",
        "Extension",
        json!([{"id": "Extension.url", "path": "Extension.url",
                "fixedUri": "http://fhirval.test/StructureDefinition/derived"}]),
    ));
    assert_error_count(&e, 1);
    assert_issue(
        &e[0],
        Error,
        "StructureDefinition.differential.element[0].fixedUri",
        &format!(
            "Value is 'http://fhirval.test/StructureDefinition/derived' but is fixed to '{base}' in the profile , because the value must match the fixed value define in '{base}'"
        ),
    );
}

#[test]
fn discriminator_path_must_start_with_a_child_of_the_sliced_element() {
    let obs = "http://hl7.org/fhir/StructureDefinition/Observation";
    let sliced = |path: &str, discriminator: &str| {
        derived(
            obs,
            "resource",
            "Observation",
            json!([{"id": path, "path": path,
                    "slicing": {"discriminator": [{"type": "value", "path": discriminator}],
                                "rules": "open"}}]),
        )
    };
    // Observation.extension holds Extensions: `url` is one of their elements, `type` is not
    let e = errs(&sliced("Observation.extension", "type"));
    assert_error_count(&e, 1);
    assert_issue(
        &e[0],
        Error,
        "StructureDefinition.differential.element[0].slicing.discriminator[0]",
        "The discriminator path 'type' does not appear to be valid for the element that is being sliced 'Observation.extension'",
    );
    assert_error_count(&errs(&sliced("Observation.extension", "url")), 0);
    // a backbone element's own children, a choice by its name, and $this
    assert_error_count(
        &errs(&sliced("Observation.component", "code.coding.code")),
        0,
    );
    assert_error_count(&errs(&sliced("Observation.component", "value")), 0);
    assert_error_count(&errs(&sliced("Observation.category", "$this")), 0);
    let e = errs(&sliced("Observation.component", "status"));
    assert_error_count(&e, 1);
}
