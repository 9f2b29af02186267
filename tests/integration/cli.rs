//! The command-line contract: output shapes (one OperationOutcome, a Bundle of them, text),
//! exit codes (0 valid, 1 errors, 2 usage), standard input, and `compile` round trips.
//!
//! Every run uses R4 core from `../shared/fhir-packages` and a compiled-set cache inside
//! `target/` (`FHIRVAL_CACHE`), so the user's cache is never touched.

use crate::common::*;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const FILE_EXT: &str = "http://hl7.org/fhir/StructureDefinition/operationoutcome-file";
const LINE_EXT: &str = "http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-line";
const COL_EXT: &str = "http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-col";

fn tmp_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fhirval-cli-tests")
}

fn fhirval() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_fhirval"));
    c.env("FHIRVAL_CACHE", tmp_dir().join("cache"))
        .env_remove("FHIRVAL_PACKAGES")
        .current_dir(ROOT);
    c
}

/// `fhirval validate --ig <core> --packages <dir> <args...>`
fn validate(args: &[&str]) -> Output {
    let pkg = package_dir();
    let mut c = fhirval();
    c.args(["validate", "--ig", CORE, "--packages"])
        .arg(&pkg)
        .args(args);
    c.output().expect("running fhirval")
}

fn inst(name: &str) -> String {
    // relative to the working directory (the crate root), as a user would type it
    format!("tests/fixtures/instances/{name}")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
fn assert_exit(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "exit status\n--- stdout\n{}\n--- stderr\n{}",
        stdout(o),
        stderr(o)
    );
    assert!(!stderr(o).contains("panicked"), "panic: {}", stderr(o));
}

/// The whole of stdout as one JSON document.
#[track_caller]
fn json_out(o: &Output) -> Value {
    serde_json::from_str(&stdout(o))
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{}", stdout(o)))
}

fn ext_value<'a>(v: &'a Value, url: &str) -> Option<&'a Value> {
    v["extension"]
        .as_array()?
        .iter()
        .find(|x| x["url"] == url)
        .and_then(|x| x.get("valueInteger").or_else(|| x.get("valueString")))
}

/// (severity, expression, line, col) of each issue of an OperationOutcome.
fn issue_summary(oo: &Value) -> Vec<(String, String, i64, i64)> {
    oo["issue"]
        .as_array()
        .expect("issue array")
        .iter()
        .map(|i| {
            (
                i["severity"].as_str().unwrap_or_default().to_string(),
                i["expression"][0].as_str().unwrap_or_default().to_string(),
                ext_value(i, LINE_EXT).and_then(Value::as_i64).unwrap_or(0),
                ext_value(i, COL_EXT).and_then(Value::as_i64).unwrap_or(0),
            )
        })
        .collect()
}

fn s(x: &str) -> String {
    x.to_string()
}

#[test]
fn json_format_single_input_is_one_operation_outcome() {
    let o = validate(&["--format", "json", &inst("patient-invalid.json")]);
    assert_exit(&o, 1);
    let oo = json_out(&o);
    assert_eq!(oo["resourceType"], "OperationOutcome");
    assert_eq!(
        issue_summary(&oo),
        vec![
            (s("error"), s("Patient"), 5, 3),
            (s("error"), s("Patient.birthDate"), 6, 16),
        ]
    );
    assert_eq!(
        oo["issue"][0]["details"]["text"],
        "Unrecognized property 'nickname'"
    );
    assert!(
        oo["issue"][1]["details"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("Not a valid date format")),
        "{oo:#}"
    );
}

#[test]
fn valid_input_exits_0_with_all_ok() {
    let o = validate(&["--format", "json", &inst("patient-valid.json")]);
    assert_exit(&o, 0);
    let oo = json_out(&o);
    assert_eq!(oo["resourceType"], "OperationOutcome");
    let issues = oo["issue"].as_array().expect("issue array");
    assert_eq!(issues.len(), 1, "{oo:#}");
    assert_eq!(issues[0]["severity"], "information");
    assert_eq!(issues[0]["details"]["text"], "All OK");
}

#[test]
fn two_inputs_give_a_collection_bundle_in_order() {
    let files = [inst("observation-invalid.json"), inst("patient-valid.json")];
    let o = validate(&["--format", "json", &files[0], &files[1]]);
    assert_exit(&o, 1);
    let b = json_out(&o);
    assert_eq!(b["resourceType"], "Bundle");
    assert_eq!(b["type"], "collection");
    let entries = b["entry"].as_array().expect("entry array");
    assert_eq!(entries.len(), 2, "{b:#}");
    for (entry, file) in entries.iter().zip(&files) {
        let oo = &entry["resource"];
        assert_eq!(oo["resourceType"], "OperationOutcome");
        let tagged: Vec<&Value> = oo["extension"]
            .as_array()
            .expect("OperationOutcome.extension")
            .iter()
            .filter(|x| x["url"] == FILE_EXT)
            .collect();
        assert_eq!(tagged.len(), 1, "{oo:#}");
        assert_eq!(tagged[0]["valueString"], file.as_str());
    }
    assert_eq!(
        issue_summary(&entries[0]["resource"]),
        vec![(s("error"), s("Observation"), 1, 1)]
    );
    assert_eq!(
        entries[1]["resource"]["issue"][0]["details"]["text"],
        "All OK"
    );
}

#[test]
fn two_valid_inputs_exit_0() {
    let f = inst("patient-valid.json");
    let o = validate(&["--format", "json", &f, &f]);
    assert_exit(&o, 0);
    assert_eq!(json_out(&o)["entry"].as_array().map(Vec::len), Some(2));
}

#[test]
fn malformed_json_input_is_one_fatal_issue() {
    let o = validate(&["--format", "json", &inst("malformed.json")]);
    assert_exit(&o, 1);
    assert_eq!(
        issue_summary(&json_out(&o)),
        vec![(s("fatal"), s(""), 3, 13)]
    );
}

#[test]
fn text_format_one_line_per_issue_and_a_summary() {
    let f = inst("patient-invalid.json");
    let o = validate(&["--format", "text", &f]);
    assert_exit(&o, 1);
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    // two issues, the grouped summary (a heading, two lines per group), the verdict
    assert_eq!(lines.len(), 8, "{out}");
    assert!(lines[0].starts_with(&format!("{f}:5:3: error")), "{out}");
    assert!(
        lines[0].contains("Patient") && lines[0].contains("nickname"),
        "{out}"
    );
    assert!(lines[1].starts_with(&format!("{f}:6:16: error")), "{out}");
    assert!(lines[1].contains("Patient.birthDate"), "{out}");
    assert_eq!(
        lines[2],
        format!("{f}: summary — 2 issues in 2 groups, errors first:")
    );
    let message_of = |line: &str| {
        line.split_once(": ")
            .unwrap()
            .1
            .split_once(": ")
            .unwrap()
            .1
            .to_string()
    };
    // each group ends with its message id
    assert_eq!(
        lines[3],
        format!(
            "  error            1×  {} [Unrecognised_property_]",
            message_of(lines[0])
        )
    );
    assert_eq!(lines[4], "                       at Patient");
    assert_eq!(
        lines[5],
        format!(
            "  error            1×  {} [Type_Specific_Checks_DT_Date_Valid]",
            message_of(lines[1])
        )
    );
    assert_eq!(lines[6], "                       at Patient.birthDate");
    let summary = lines[7];
    assert!(summary.starts_with(&format!("{f}: INVALID")), "{out}");
    assert!(summary.contains("2 errors"), "{out}");
}

#[test]
fn text_summary_groups_repeated_issues_and_quiet_lists_errors_only() {
    let dir = tmp_dir().join("grouped");
    std::fs::create_dir_all(&dir).unwrap();
    // three contained resources without narrative (dom-6, a warning, three times) and one
    // unknown property (an error)
    let f = dir.join("grouped.json");
    std::fs::write(
        &f,
        r#"{"resourceType": "Bundle", "type": "collection", "entry": [
  {"fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000001", "resource": {"resourceType": "Basic", "code": {"text": "a"}}},
  {"fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000002", "resource": {"resourceType": "Basic", "code": {"text": "b"}}},
  {"fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000003", "resource": {"resourceType": "Basic", "code": {"text": "c"}, "oops": 1}}
]}"#,
    )
    .unwrap();
    let f = f.display().to_string();
    let o = validate(&[&f]);
    assert_exit(&o, 1);
    let out = stdout(&o);
    let dom6 = out
        .lines()
        .filter(|l| l.contains(": warning [") && l.contains("dom-6"))
        .count();
    assert_eq!(dom6, 3, "{out}");
    let summary: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.contains(": summary — "))
        .collect();
    // errors first: the unknown property, then the three dom-6 warnings as one group
    assert_eq!(
        summary[0],
        format!("{f}: summary — 4 issues in 2 groups, errors first:")
    );
    assert_eq!(
        summary[1],
        "  error            1×  Unrecognized property 'oops' [Unrecognised_property_]"
    );
    let warning = summary
        .iter()
        .position(|l| l.starts_with("  warning          3×  Constraint failed: dom-6"))
        .expect(&out);
    assert_eq!(
        summary[warning + 1],
        "                       at Bundle.entry[0].resource/*Basic/null*/, Bundle.entry[1].resource/*Basic/null*/, Bundle.entry[2].resource/*Basic/null*/"
    );
    // --quiet: the error alone, the same summary
    let q = validate(&["--quiet", &f]);
    assert_exit(&q, 1);
    let quiet = stdout(&q);
    let listed: Vec<&str> = quiet
        .lines()
        .take_while(|l| !l.contains(": summary — "))
        .collect();
    assert_eq!(listed.len(), 1, "{quiet}");
    assert!(
        listed[0].contains(": error [structure] ") && listed[0].contains("oops"),
        "{quiet}"
    );
    let quiet_summary: Vec<&str> = quiet
        .lines()
        .skip_while(|l| !l.contains(": summary — "))
        .collect();
    assert_eq!(quiet_summary, summary);
}

#[test]
fn text_format_is_the_default() {
    let o = validate(&[&inst("patient-valid.json")]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(
        out.starts_with(&format!("{}: valid", inst("patient-valid.json"))),
        "{out}"
    );
}

#[test]
fn dash_reads_standard_input() {
    let text = std::fs::read(Path::new(ROOT).join(inst("patient-invalid.json"))).expect("fixture");
    let pkg = package_dir();
    let mut child = fhirval()
        .args(["validate", "--ig", CORE, "--packages"])
        .arg(&pkg)
        .args(["--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawning fhirval");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&text)
        .expect("writing stdin");
    let o = child.wait_with_output().expect("fhirval output");
    assert_exit(&o, 1);
    let from_file = validate(&["--format", "json", &inst("patient-invalid.json")]);
    assert_eq!(json_out(&o), json_out(&from_file));
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let o = validate(&["--no-such-flag", &inst("patient-valid.json")]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("--no-such-flag"), "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
}

#[test]
fn missing_input_argument_is_a_usage_error() {
    let o = validate(&[]);
    assert_exit(&o, 2);
    assert!(!stderr(&o).is_empty());
}

#[test]
fn missing_file_is_a_usage_error() {
    let o = validate(&[
        "--format",
        "json",
        "tests/fixtures/instances/no-such-file.json",
    ]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("no-such-file.json"), "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
}

#[test]
fn unknown_profile_is_a_usage_error() {
    let o = validate(&[
        "--profile",
        "http://fhirval.test/StructureDefinition/nope",
        &inst("patient-valid.json"),
    ]);
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("http://fhirval.test/StructureDefinition/nope"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
}

#[test]
fn profile_flag_applies_a_profile() {
    let profiles = profiles_dir();
    let f = inst("patient-valid.json");
    let mut c = fhirval();
    c.args(["validate", "--ig", CORE, "--ig"])
        .arg(&profiles)
        .arg("--packages")
        .arg(package_dir())
        .args(["--format", "json", "--profile", &fx("patient-card"), &f]);
    let o = c.output().expect("running fhirval");
    assert_exit(&o, 1);
    let oo = json_out(&o);
    assert_eq!(issue_summary(&oo), vec![(s("error"), s("Patient"), 1, 1)]);
    assert!(
        oo["issue"][0]["details"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("Patient.identifier: minimum required = 1")),
        "{oo:#}"
    );
}

#[test]
fn compiled_profile_set_gives_the_same_outcome() {
    let dir = tmp_dir();
    std::fs::create_dir_all(&dir).expect("temp dir");
    let set = dir.join(format!("core-{}.fvps", std::process::id()));
    let o = fhirval()
        .args(["compile", "--ig", CORE, "--packages"])
        .arg(package_dir())
        .arg("-o")
        .arg(&set)
        .output()
        .expect("running fhirval compile");
    assert_exit(&o, 0);
    assert!(set.is_file(), "{} not written", set.display());
    let files = [inst("patient-invalid.json"), inst("patient-valid.json")];
    let from_set = fhirval()
        .arg("validate")
        .arg("--ig")
        .arg(&set)
        .args(["--format", "json", &files[0], &files[1]])
        .output()
        .expect("running fhirval validate");
    assert_exit(&from_set, 1);
    let from_package = validate(&["--format", "json", &files[0], &files[1]]);
    assert_eq!(json_out(&from_set), json_out(&from_package));
    let _ = std::fs::remove_file(&set);
}

/// NDJSON: `--max-issues` caps each line, never the file (every failing line reported);
/// `--format ndjson` gives one result per resource with its line, type, id and verdict, and
/// the flat `--format json` outcome is those results' issues, in order.
#[test]
fn ndjson_caps_issues_per_line_and_reports_each_resource() {
    let dir = tmp_dir().join("ndjson-per-line");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.ndjson");
    let bad = r#"{"resourceType": "Patient", "id": "p", "gender": "x", "birthDate": "x", "active": "x", "foo": 1}"#;
    let mut text = String::new();
    for _ in 0..30 {
        text.push_str(bad);
        text.push('\n');
    }
    text.push_str("\n{\"resourceType\": \"Basic\", \"id\": 7}\r\n{oops\n");
    std::fs::write(&file, &text).unwrap();
    let path = file.to_str().unwrap();

    let flat = validate(&["--format", "json", "--max-issues", "2", path]);
    assert_exit(&flat, 1);
    let oo = json_out(&flat);
    let issues = oo["issue"].as_array().unwrap();
    let capped = issues
        .iter()
        .filter(|i| i["details"]["text"] == "Too many issues: only the first 2 are reported")
        .count();
    assert_eq!(
        capped, 31,
        "one cap per failing line: the 30 Patients and the Basic"
    );
    // 30 lines x (2 issues + the cap), the Basic's 2 + cap, the parse error
    let on_line = |l: i64| {
        issues
            .iter()
            .filter(|i| ext_value(i, LINE_EXT).and_then(Value::as_i64) == Some(l))
            .count()
    };
    assert_eq!((1..=30).map(on_line).sum::<usize>(), 90);
    assert_eq!(on_line(32), 3);
    assert_eq!(on_line(33), 1);
    assert_eq!(issues.len(), 94);

    let per = validate(&["--format", "ndjson", "--max-issues", "2", path]);
    assert_exit(&per, 1);
    let records: Vec<Value> = stdout(&per)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 32);
    let first = &records[0];
    let keys: Vec<&str> = first
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["file", "line", "resourceType", "id", "valid", "outcome"]
    );
    assert_eq!(first["file"], path);
    assert_eq!(
        (first["line"].as_i64(), first["id"].as_str()),
        (Some(1), Some("p"))
    );
    assert_eq!(first["valid"], false);
    assert_eq!(first["outcome"]["issue"].as_array().unwrap().len(), 3);
    let basic = &records[30];
    assert_eq!(basic["line"], 32);
    assert_eq!(basic["resourceType"], "Basic");
    assert_eq!(basic["id"], Value::Null, "a number is not an id");
    let oops = &records[31];
    assert_eq!(
        (oops["line"].as_i64(), oops["valid"].as_bool()),
        (Some(33), Some(false))
    );
    assert_eq!(oops["resourceType"], Value::Null);
    let all: Vec<&Value> = records
        .iter()
        .flat_map(|r| r["outcome"]["issue"].as_array().unwrap())
        .filter(|i| i["details"]["text"] != "All OK")
        .collect();
    assert_eq!(all, issues.iter().collect::<Vec<_>>());

    // a JSON input: one result, no line
    let json = dir.join("one.json");
    std::fs::write(&json, bad).unwrap();
    let one = validate(&["--format", "ndjson", json.to_str().unwrap()]);
    assert_exit(&one, 1);
    let r: Value = serde_json::from_str(stdout(&one).trim()).unwrap();
    assert_eq!(
        (r["line"].clone(), r["resourceType"].as_str()),
        (Value::Null, Some("Patient"))
    );
}
