//! On US Core 6.1.0's own examples (read from the package): `fhirval coverage` (Must Support
//! coverage on a Bundle of them with one Must Support element removed everywhere), and the
//! slice reasoning of `fhirval validate` on a blood pressure with a wrong component code.
//!
//! Expected counts are not written down: they are counted from the examples themselves (how
//! many have each plain Must Support path), so the report must agree with the data.

use crate::common::*;
use serde_json::{Value, json};
use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Output};

const US_CORE: &str = "hl7.fhir.us.core#6.1.0";
const PATIENT: &str = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient";
const BP: &str = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-blood-pressure";

fn tmp_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fhirval-coverage-tests")
}

/// The US Core 6.1.0 examples whose file name starts with `prefix`, sorted by name.
fn examples(prefix: &str) -> Vec<Value> {
    let path = package_dir().join("hl7.fhir.us.core-6.1.0.tgz");
    let file = std::fs::File::open(&path).expect("US Core 6.1.0 package");
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut found: Vec<(String, Value)> = Vec::new();
    for entry in archive.entries().expect("tar entries") {
        let mut entry = entry.expect("tar entry");
        let name = entry.path().expect("entry path").display().to_string();
        if let Some(file) = name.strip_prefix("package/example/")
            && file.starts_with(prefix)
            && file.ends_with(".json")
        {
            let mut text = String::new();
            entry.read_to_string(&mut text).expect("example text");
            found.push((file.to_string(), serde_json::from_str(&text).expect("JSON")));
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found.into_iter().map(|(_, v)| v).collect()
}

fn coverage(args: &[&str]) -> Output {
    run("coverage", args)
}

fn run(command: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fhirval"))
        .env("FHIRVAL_CACHE", tmp_dir().join("cache"))
        .env_remove("FHIRVAL_PACKAGES")
        .current_dir(ROOT)
        .args([command, "--ig", US_CORE, "--packages"])
        .arg(package_dir())
        .args(args)
        .output()
        .expect("running fhirval")
}

/// Does `v` have a value at `path` (JSON names, arrays flattened)?
fn has(v: &Value, path: &[&str]) -> bool {
    match path.split_first() {
        None => !v.is_null(),
        Some((name, rest)) => match v.get(name) {
            Some(Value::Array(items)) => items.iter().any(|i| has(i, rest)),
            Some(x) => has(x, rest),
            None => false,
        },
    }
}

fn profile<'r>(report: &'r Value, url: &str) -> &'r Value {
    report["profiles"]
        .as_array()
        .expect("profiles")
        .iter()
        .find(|p| p["url"] == url)
        .unwrap_or_else(|| panic!("no {url} in {report:#}"))
}

fn populated(p: &Value, id: &str) -> u64 {
    p["elements"]
        .as_array()
        .expect("elements")
        .iter()
        .find(|e| e["id"] == id)
        .unwrap_or_else(|| panic!("no element {id} in {p:#}"))["populated"]
        .as_u64()
        .expect("a count")
}

#[test]
fn a_must_support_element_removed_everywhere_is_never_populated() {
    let mut patients = examples("Patient-");
    assert!(patients.len() >= 5, "US Core 6.1.0 has 5 Patient examples");
    for p in &mut patients {
        let o = p.as_object_mut().expect("a Patient");
        o.remove("birthDate");
        o.remove("_birthDate");
    }
    let mut bps = examples("Observation-blood-pressure");
    assert_eq!(bps.len(), 1);
    // a second blood pressure without its diastolic component
    let mut second = bps[0].clone();
    second["id"] = json!("bp-no-diastolic");
    let components = second["component"].as_array_mut().expect("components");
    components.retain(|c| c["code"]["coding"][0]["code"] != "8462-4");
    assert_eq!(components.len(), 1);
    bps.push(second);
    let entries: Vec<Value> = patients
        .iter()
        .chain(&bps)
        .map(|r| {
            json!({
                "fullUrl": format!("http://example.org/fhir/{}/{}", r["resourceType"].as_str().unwrap(), r["id"].as_str().unwrap()),
                "resource": r
            })
        })
        .collect();
    let bundle = json!({"resourceType": "Bundle", "type": "collection", "entry": entries});
    std::fs::create_dir_all(tmp_dir()).unwrap();
    let file = tmp_dir().join("us-core-examples.json");
    std::fs::write(&file, serde_json::to_string_pretty(&bundle).unwrap()).unwrap();
    let file = file.display().to_string();

    let out = coverage(&["--format", "json", &file]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let p = profile(&report, &format!("{PATIENT}|6.1.0"));
    assert_eq!(p["resources"], patients.len());
    // the removed element, and every other plain Must Support element counted from the data
    assert_eq!(populated(p, "Patient.birthDate"), 0);
    let ids: Vec<&str> = p["elements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "Patient.identifier",
            "Patient.identifier.system",
            "Patient.identifier.value",
            "Patient.name",
            "Patient.name.family",
            "Patient.name.given",
            "Patient.telecom.system",
            "Patient.telecom.value",
            "Patient.telecom.use",
            "Patient.gender",
            "Patient.birthDate",
            "Patient.address",
            "Patient.address.line",
            "Patient.address.city",
            "Patient.address.state",
            "Patient.address.postalCode",
            "Patient.communication.language",
        ]
    );
    for e in p["elements"].as_array().unwrap() {
        let id = e["id"].as_str().unwrap();
        let path: Vec<&str> = id.split('.').skip(1).collect();
        let expected = patients.iter().filter(|r| has(r, &path)).count() as u64;
        assert_eq!(e["populated"], expected, "{id}");
        assert_eq!(e["path"], id, "no slices here: the id is the path");
    }
    assert!(populated(p, "Patient.name.family") >= 5);

    // slices: populated only by the occurrences that match them
    let b = profile(&report, &format!("{BP}|6.1.0"));
    assert_eq!(b["resources"], 2);
    assert_eq!(populated(b, "Observation.component"), 2);
    assert_eq!(populated(b, "Observation.component:systolic"), 2);
    assert_eq!(populated(b, "Observation.component:systolic.code"), 2);
    assert_eq!(populated(b, "Observation.component:diastolic"), 1);
    assert_eq!(populated(b, "Observation.component:diastolic.value[x]"), 1);
    let slice = b["elements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "Observation.component:diastolic.code")
        .unwrap();
    assert_eq!(slice["path"], "Observation.component.code");

    // the text form: a table per profile, the never-populated element marked
    let text = coverage(&[&file]);
    assert_eq!(text.status.code(), Some(0));
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    let n = patients.len();
    assert!(
        text.contains(&format!("{PATIENT}|6.1.0 — {n} resources")),
        "{text}"
    );
    assert!(
        text.contains(&format!("  0/{n}  Patient.birthDate  ← never populated\n")),
        "{text}"
    );
    assert!(
        text.contains(&format!("  {n}/{n}  Patient.identifier\n")),
        "{text}"
    );
}

#[test]
fn an_unreadable_input_exits_2_and_bad_json_too() {
    let out = coverage(&["tests/fixtures/no-such-file.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-file.json"));
    std::fs::create_dir_all(tmp_dir()).unwrap();
    let bad = tmp_dir().join("bad.json");
    std::fs::write(&bad, "{\"resourceType\": ").unwrap();
    let out = coverage(&["--format", "json", &bad.display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    // the report of what could be read still comes out
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(report, json!({"profiles": []}));
}

#[test]
fn a_blood_pressure_with_a_wrong_component_code_says_what_systolic_wants() {
    let mut bp = examples("Observation-blood-pressure").remove(0);
    let systolic = bp["component"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|c| c["code"]["coding"][0]["code"] == "8480-6")
        .expect("a systolic component");
    systolic["code"]["coding"][0]["code"] = json!("9999-9");
    std::fs::create_dir_all(tmp_dir()).unwrap();
    let file = tmp_dir().join("bp-wrong-code.json");
    std::fs::write(&file, serde_json::to_string_pretty(&bp).unwrap()).unwrap();
    let file = file.display().to_string();
    let out = run("validate", &["--format", "json", &file]);
    assert_eq!(out.status.code(), Some(1));
    let oo: Value = serde_json::from_slice(&out.stdout).unwrap();
    let missing: Vec<&Value> = oo["issue"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| {
            i["details"]["text"]
                .as_str()
                .unwrap()
                .starts_with("Slice 'Observation.component:systolic': a matching slice is required")
        })
        .collect();
    assert_eq!(missing.len(), 1, "{oo:#}");
    let diagnostics = missing[0]["diagnostics"].as_str().unwrap();
    let lines: Vec<&str> = diagnostics.lines().collect();
    assert_eq!(lines.len(), 2, "{diagnostics}");
    let (first, second) = (lines[0], lines[1]);
    let wants = "slice 'systolic' wants code.coding with system http://loinc.org and code 8480-6";
    let systolic_at = bp["component"]
        .as_array()
        .unwrap()
        .iter()
        .position(|c| c["code"]["coding"][0]["code"] == "9999-9")
        .unwrap();
    assert_eq!(
        lines[systolic_at],
        format!("component[{systolic_at}]: {wants}, found http://loinc.org#9999-9")
    );
    assert_eq!(
        lines[1 - systolic_at],
        format!(
            "component[{}]: {wants}, found http://loinc.org#8462-4",
            1 - systolic_at
        )
    );
    assert_ne!(first, second);
    // the text form: the reasons indented under the issue
    let text = run("validate", &[&file]);
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    assert!(
        text.contains(&format!(
            "a matching slice is required, but not found (from http://hl7.org/fhir/us/core/StructureDefinition/us-core-blood-pressure|6.1.0)\n    {}\n    {}\n",
            lines[0], lines[1]
        )),
        "{text}"
    );
}
