//! Message ids (`operationoutcome-message-id`) as the CLI writes them: every issue of every
//! OperationOutcome on the corpus and the hostile suite, standard and `--mode pdex`, carries
//! exactly one, a stable name (letters, digits, `_`) that a template of `src/message_id.rs`
//! gave (never the fallback); and `--suppress` by an id removes exactly those issues.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

const MESSAGE_ID: &str = "http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn cache() -> PathBuf {
    std::env::var_os("FHIRVAL_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/test-cache"))
}

/// `fhirval validate --format json ARGS…`: its stdout as JSON.
fn validate(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_fhirval"))
        .args(["validate", "--format", "json"])
        .args(args)
        .env("FHIRVAL_CACHE", cache())
        .output()
        .expect("run fhirval");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: stdout is not JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The issues of an OperationOutcome or of a Bundle of them.
fn issues(doc: &Value) -> Vec<&Value> {
    let outcomes: Vec<&Value> = match doc["resourceType"].as_str() {
        Some("Bundle") => doc["entry"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| &e["resource"])
            .collect(),
        _ => vec![doc],
    };
    outcomes
        .into_iter()
        .flat_map(|o| o["issue"].as_array().into_iter().flatten())
        .collect()
}

/// The message ids an issue carries.
fn ids(issue: &Value) -> Vec<&str> {
    issue["extension"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["url"] == MESSAGE_ID)
        .map(|e| e["valueString"].as_str().unwrap_or("(not a string)"))
        .collect()
}

fn inputs() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let corpus = root().join("../shared/corpus");
    let hostile = root().join("tests/hostile");
    for dir in [corpus, hostile.join("gen"), hostile.join("hand")] {
        let mut these: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_none_or(|x| x != "txt"))
            .collect();
        these.sort();
        files.extend(these);
    }
    files
}

#[test]
fn every_issue_on_the_corpus_and_the_hostile_suite_has_one_message_id() {
    let files = inputs();
    assert!(files.len() > 100, "inputs found: {}", files.len());
    let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
    let mut total = 0usize;
    let mut bad = Vec::new();
    for mode in ["standard", "pdex"] {
        for file in &files {
            let path = file.to_string_lossy();
            let doc = validate(&["--mode", mode, &path]);
            for issue in issues(&doc) {
                total += 1;
                let found = ids(issue);
                let ok = matches!(found.as_slice(), [id] if !id.is_empty()
                    && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    && *id != fhirval::message_id::FALLBACK);
                if ok {
                    *by_id.entry(found[0].to_string()).or_default() += 1;
                } else if bad.len() < 20 {
                    bad.push(format!(
                        "{} ({mode}): {found:?} on {}",
                        file.display(),
                        issue["details"]["text"]
                    ));
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "issues without exactly one known message id:\n{}",
        bad.join("\n")
    );
    assert!(total > 10_000, "issues seen: {total}");
    // the ids are Java's where Java has the message
    for id in [
        "INV_FAILED",
        "Unrecognised_property_",
        "Extension_EXT_Unknown_NotHere",
        "Validation_VAL_Profile_Minimum",
        "Type_Specific_Checks_DT_String_WS",
        "Terminology_TX_NoValid_1_CC",
        "Error_parsing_JSON_",
    ] {
        assert!(by_id.contains_key(id), "{id} not seen; ids: {by_id:?}");
    }
    // a Bundle of outcomes (several inputs) carries them too
    let dir = root().join("../shared/corpus");
    let doc = validate(&[&dir.to_string_lossy()]);
    let all = issues(&doc);
    assert!(all.len() > 1000);
    assert!(all.iter().all(|i| ids(i).len() == 1));
}

/// (issues, issues with this id) of an outcome.
fn count(doc: &Value, id: &str) -> (usize, usize) {
    let all = issues(doc);
    let with = all.iter().filter(|i| ids(i) == [id]).count();
    (all.len(), with)
}

/// A file of this text in target/tmp.
fn suppress_file(name: &str, text: &str) -> PathBuf {
    let dir = root().join("target/tmp");
    std::fs::create_dir_all(&dir).expect("target/tmp");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write the suppression file");
    path
}

#[test]
fn suppress_by_a_java_message_id_removes_exactly_those_issues() {
    // two US Core Patients missing required elements, three unknown extensions, narrative-less
    // resources (dom-6) and an Observation failing obs-6
    let profile = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient|6.1.0";
    let patient = |id: &str, ext: &str| {
        serde_json::json!({"fullUrl": format!("urn:uuid:0000000{id}-0000-4000-8000-000000000000"), "resource": {
            "resourceType": "Patient", "id": id, "meta": {"profile": [profile]},
            "extension": [{"url": format!("http://example.org/{ext}"), "valueString": "x"}]}})
    };
    let bundle = serde_json::json!({"resourceType": "Bundle", "type": "collection", "entry": [
        patient("1", "a"),
        patient("2", "b"),
        {"fullUrl": "urn:uuid:00000003-0000-4000-8000-000000000000", "resource": {
            "resourceType": "Observation", "id": "3", "status": "final", "code": {"text": "x"},
            "valueString": "x", "dataAbsentReason": {"text": "y"},
            "extension": [{"url": "http://example.org/c", "valueString": "x"}]}}
    ]});
    let input = suppress_file("ids-input.json", &bundle.to_string());
    let input = input.to_string_lossy();
    let before = validate(&[&input]);
    let (total, unknown_ext) = count(&before, "Extension_EXT_Unknown_NotHere");
    let (_, minimum) = count(&before, "Validation_VAL_Profile_Minimum");
    assert_eq!((unknown_ext, minimum), (3, 6), "{before:#}");

    let file = suppress_file(
        "ids.suppress",
        "# by Java's id\nExtension_EXT_Unknown_NotHere\n",
    );
    let after = validate(&["--suppress", &file.to_string_lossy(), &input]);
    assert_eq!(
        count(&after, "Extension_EXT_Unknown_NotHere"),
        (total - unknown_ext, 0)
    );
    // the others are untouched, in order
    let kept: Vec<&Value> = issues(&before)
        .into_iter()
        .filter(|i| ids(i) != ["Extension_EXT_Unknown_NotHere"])
        .collect();
    assert_eq!(issues(&after), kept);

    // an id and an expression pattern; and an invariant key with Java's id for invariants
    let file = suppress_file(
        "ids2.suppress",
        "Validation_VAL_Profile_Minimum\tBundle.entry[*].resource/*Patient*\n",
    );
    let after = validate(&["--suppress", &file.to_string_lossy(), &input]);
    let patient_minimum = issues(&before)
        .into_iter()
        .filter(|i| {
            ids(i) == ["Validation_VAL_Profile_Minimum"]
                && i["expression"][0]
                    .as_str()
                    .is_some_and(|e| e.contains("/*Patient"))
        })
        .count();
    assert!(patient_minimum > 0);
    assert_eq!(
        count(&after, "Validation_VAL_Profile_Minimum").1,
        minimum - patient_minimum
    );
    assert_eq!(issues(&after).len(), total - patient_minimum);

    let (_, invariants) = count(&before, "INV_FAILED");
    let dom6 = issues(&before)
        .into_iter()
        .filter(|i| {
            i["details"]["text"]
                .as_str()
                .is_some_and(|t| t.starts_with("Constraint failed: dom-6:"))
        })
        .count();
    assert!(dom6 > 0 && invariants > dom6);
    let file = suppress_file("ids3.suppress", "dom-6\n");
    let after = validate(&["--suppress", &file.to_string_lossy(), &input]);
    assert_eq!(
        count(&after, "INV_FAILED"),
        (total - dom6, invariants - dom6)
    );
    let file = suppress_file("ids4.suppress", "INV_FAILED\n");
    let after = validate(&["--suppress", &file.to_string_lossy(), &input]);
    assert_eq!(count(&after, "INV_FAILED"), (total - invariants, 0));
}
