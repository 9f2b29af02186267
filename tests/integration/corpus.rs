//! The member-history Bundles in ../shared/corpus, validated with the default profile set
//! (newest PDex and its closure), every entry against its meta.profile. None may crash or be
//! fatal; the errors are the ones explained here, each checked against the packages.

use crate::common::default_set;
use fhirval::{Issue, Options, Severity, Validator};
use std::path::PathBuf;
use std::sync::OnceLock;

fn validator() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(|| Validator::new(default_set().clone(), Options::default()))
}

fn validate(name: &str) -> Vec<Issue> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(name);
    let bytes = std::fs::read(&path).expect("corpus file");
    let outcome = validator().validate(&bytes);
    assert!(
        !outcome.issues.iter().any(|i| i.severity == Severity::Fatal),
        "{name}: fatal issue"
    );
    outcome.issues
}

fn errors(issues: &[Issue]) -> Vec<(&str, &str)> {
    issues
        .iter()
        .filter(|i| i.severity.is_error())
        .map(|i| (i.expression.as_str(), i.message.as_str()))
        .collect()
}

#[test]
fn pdex_bundle_and_everything_response_are_valid() {
    assert_eq!(errors(&validate("pdex_bundle_patient_999.json")), vec![]);
    assert_eq!(errors(&validate("pdex_everything_response.json")), vec![]);
}

/// The PDex closure asks for CARIN BB 2.1.0, which is not to be had; 2.0.0 stands in. The data
/// claims CARIN BB 2.0.0 profiles (`C4BB-*|2.0.0`): they are found and checked, and its CARIN
/// 2.x codes are in the stand-in's CodeSystems (with 1.2.0 standing in they were 31 false
/// "Unknown code" errors). The one error is the C4BB invariant whose `memberOf` names a VSAC
/// value set that no package here holds (offline, not a member, as in the Java validator).
#[test]
fn carin_2_0_0_data_is_checked_against_the_stand_in() {
    let issues = validate("carin_bundle_patient_888.json");
    assert_eq!(
        errors(&issues),
        vec![(
            "Bundle.entry[6].resource/*ExplanationOfBenefit/c4bb-EOBOutpatient*/.careTeam[0]",
            "Constraint failed: EOB-careteam-qualification: 'Care Team Rendering physician's qualifications are from Healthcare Provider Taxonomy Value Set'"
        )]
    );
    // the profiles were found: no "has not been checked"
    assert!(
        !issues
            .iter()
            .any(|i| i.message.contains("has not been checked")),
        "a C4BB profile was not found"
    );
    // every C4BB profile the data names is versioned: no "names no version" notes
    assert!(
        !issues
            .iter()
            .any(|i| i.message.contains("names no version"))
    );
}

/// `Period` has `start` and `end`; the data says `stop`.
#[test]
fn uscore_355_has_one_unknown_period_property() {
    let issues = validate("uscore_bundle_patient_355.json");
    assert_eq!(
        errors(&issues),
        vec![(
            "Bundle.entry[266].resource/*Observation/3c766796-d8a0-480f-8215-f1e7e3afab21*/.effective.ofType(Period)",
            "Unrecognized property 'stop'"
        )]
    );
}

/// us-core-interpreter-needed and us-core-authentication-time are US Core 8 extensions, not in
/// the default set (its US Core versions are 3.1.1, 6.1.0 and 7.0.0). A resource using one then
/// fails the profile a reference to it requires.
#[test]
fn uscore_bundles_use_extensions_that_are_not_loaded() {
    let issues85 = validate("uscore_bundle_patient_85.json");
    let e85 = errors(&issues85);
    assert_eq!(e85.len(), 4);
    // a US Core 8 category code, not in US Core 7's us-core-category CodeSystem
    assert!(
        e85[3]
            .1
            .starts_with("Unknown code 'observation-adi-documentation' in the CodeSystem")
    );
    // the Encounter carrying the unknown extension cannot meet US Core Encounter, which a
    // MedicationDispense's context must reference
    assert_eq!(
        e85[1].0,
        "Bundle.entry[259].resource/*MedicationDispense/17991da0-97b0-447c-bb49-185eb104a160*/.context"
    );
    assert!(e85[1].1.starts_with(
        "Unable to find a profile match for urn:uuid:09775519-5327-3bbf-cb95-66313dde54ee among choices"
    ));
    assert_eq!(
        e85[0].0,
        "Bundle.entry[5].resource/*Encounter/09775519-5327-3bbf-cb95-66313dde54ee*/.extension[0]"
    );
    assert!(
        e85[0]
            .1
            .contains("us-core-interpreter-needed could not be found")
    );
    // the IG publisher's instance-name / instance-description metadata is accepted as the
    // Java validator accepts it; what is left is US Core 8 content
    let client_issues = validate("uscore_bundle_patient_client_test.json");
    let client = errors(&client_issues);
    assert_eq!(client.len(), 2, "{client:#?}");
    assert_eq!(
        client[0].0,
        "Bundle.entry[52].resource/*DocumentReference/us-core-client-tests-adi-document-reference*/.extension[0]"
    );
    assert!(
        client[0]
            .1
            .contains("us-core-authentication-time could not be found")
    );
    assert!(
        client[1]
            .1
            .starts_with("Unknown code 'observation-adi-documentation'")
    );
    assert!(
        !client_issues
            .iter()
            .any(|i| i.message.contains("StructureDefinition/instance-"))
    );
}

/// Member-history mode adds what a PDex server promises: PDex MedicationDispense requires a
/// `medicationCodeableConcept` with an NDC code (the data has RxNorm codings, or a Reference),
/// and an Encounter carrying an unknown extension cannot be the US Core Encounter an
/// Observation must reference.
#[test]
fn member_history_mode_adds_the_pdex_promises() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let options = Options {
        mode: fhirval::validate::Mode::MemberHistory,
        ..Options::default()
    };
    let v = Validator::new(default_set().clone(), options);
    let run = |name: &str| {
        let bytes = std::fs::read(root.join("../shared/corpus").join(name)).expect("corpus");
        v.validate(&bytes)
            .issues
            .into_iter()
            .filter(|i| i.severity.is_error())
            .map(|i| i.message)
            .collect::<Vec<String>>()
    };
    let e85 = run("uscore_bundle_patient_85.json");
    assert_eq!(e85.len(), 8, "{e85:#?}");
    let ndc = |m: &String| {
        m.starts_with(
            "None of the codings provided are in the value set 'FDA National Drug Code (NDC)'",
        )
    };
    assert_eq!(e85.iter().filter(|m| ndc(m)).count(), 1);
    assert!(e85.iter().any(|m| m.contains(
        "pdex-medicationdispense|2.1.1' definition allows for the type CodeableConcept but found type Reference"
    )));
    let client = run("uscore_bundle_patient_client_test.json");
    assert_eq!(client.len(), 3, "{client:#?}");
    assert_eq!(client.iter().filter(|m| ndc(m)).count(), 1);
    // the PDex Bundles themselves stay valid
    assert!(run("pdex_bundle_patient_999.json").is_empty());
    assert!(run("pdex_everything_response.json").is_empty());
}
