//! Tests: small synthetic resources, and the real packages of the default set.

use super::binding::{CodingRef, Kind, Policy, Severity, Strength};
use super::*;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::collections::HashSet;
use std::io::Read;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The shared FHIR package folder, relative to `CARGO_MANIFEST_DIR`
/// (in fhirval: `"../shared/fhir-packages"`).
const PACKAGES: &str = "../shared/fhir-packages";

/// The default profile set's packages (file stems).
const DEFAULT_SET: &[&str] = &[
    "hl7.fhir.r4.core-4.0.1",
    "hl7.terminology.r4-7.0.1",
    "hl7.fhir.us.core-3.1.1",
    "hl7.fhir.us.core-6.1.0",
    "hl7.fhir.us.core-7.0.0",
    "hl7.fhir.us.davinci-pdex-2.1.1",
    "hl7.fhir.us.davinci-hrex-1.0.0",
    "hl7.fhir.us.davinci-pas-2.2.1",
    "hl7.fhir.us.carin-bb-1.2.0",
    "hl7.fhir.uv.extensions.r4-5.2.0",
];

fn packages_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(PACKAGES)
}

/// The resourceType of a JSON document without parsing all of it.
fn sniff(bytes: &[u8]) -> Option<&str> {
    let s = std::str::from_utf8(bytes).ok()?;
    let at = s.find("\"resourceType\"")?;
    let rest = s[at + 14..].trim_start().strip_prefix(':')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    Some(&rest[..rest.find('"')?])
}

/// CodeSystems and ValueSets of `package/*.json` of a package tarball.
fn read_package(stem: &str) -> Vec<Value> {
    read_package_types(stem, &["CodeSystem", "ValueSet"])
}

fn read_package_types(stem: &str, types: &[&str]) -> Vec<Value> {
    let path = packages_dir().join(format!("{stem}.tgz"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(&bytes[..]));
    let mut out = Vec::new();
    for entry in ar.entries().expect("tar") {
        let mut entry = entry.expect("tar entry");
        let name = entry.path().expect("path").to_string_lossy().into_owned();
        let Some(file) = name.strip_prefix("package/") else {
            continue;
        };
        if file.contains('/') || !file.ends_with(".json") {
            continue;
        }
        let mut buf = Vec::new();
        entry.read_to_end(&mut buf).expect("read");
        if sniff(&buf).is_some_and(|t| types.contains(&t)) {
            let bytes = buf.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(&buf);
            if let Ok(v) = serde_json::from_slice::<Value>(bytes) {
                out.push(v);
            }
        }
    }
    out
}

fn package_id(stem: &str) -> String {
    match stem.rsplit_once('-') {
        Some((n, v)) => format!("{n}#{v}"),
        None => stem.to_string(),
    }
}

struct Loaded {
    tx: Terminology,
    finish_time: Duration,
    resources: usize,
}

fn default_set() -> &'static Loaded {
    static SET: OnceLock<Loaded> = OnceLock::new();
    SET.get_or_init(|| {
        let mut tx = Terminology::new();
        let mut resources = 0;
        for stem in DEFAULT_SET {
            let id = package_id(stem);
            for r in read_package(stem) {
                tx.add_from(&r, &id);
                resources += 1;
            }
        }
        let t = Instant::now();
        tx.finish(&ExpansionLimits::default());
        let finish_time = t.elapsed();
        Loaded {
            tx,
            finish_time,
            resources,
        }
    })
}

fn tx() -> &'static Terminology {
    &default_set().tx
}

const GENDER_VS: &str = "http://hl7.org/fhir/ValueSet/administrative-gender";
const GENDER_CS: &str = "http://hl7.org/fhir/administrative-gender";
const ACTCODE: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

// ---------------------------------------------------------------------------
// The default set
// ---------------------------------------------------------------------------

#[test]
fn administrative_gender() {
    let tx = tx();
    assert_eq!(
        tx.check_code(GENDER_VS, Some(GENDER_CS), "male"),
        Membership::In
    );
    assert_eq!(
        tx.check_code(GENDER_VS, Some(GENDER_CS), "foo"),
        Membership::NotIn
    );
    assert_eq!(tx.check_code(GENDER_VS, None, "female"), Membership::In);
    assert_eq!(tx.check_code(GENDER_VS, None, "foo"), Membership::NotIn);
    // case-sensitive system
    assert_eq!(
        tx.check_code(GENDER_VS, Some(GENDER_CS), "Male"),
        Membership::NotIn
    );
    // wrong system
    assert_eq!(
        tx.check_code(GENDER_VS, Some("http://example.org/x"), "male"),
        Membership::NotIn
    );
    assert_eq!(
        tx.check_code(&format!("{GENDER_VS}|4.0.1"), Some(GENDER_CS), "other"),
        Membership::In
    );
    assert_eq!(
        tx.check_code("http://example.org/ValueSet/none", Some(GENDER_CS), "male"),
        Membership::NoValueSet
    );
    assert_eq!(tx.value_set_name(GENDER_VS), Some("AdministrativeGender"));
    assert!(tx.has_system(GENDER_CS));
    assert_eq!(tx.code_in_system(GENDER_CS, "unknown"), Some(true));
    assert_eq!(tx.code_in_system(GENDER_CS, "foo"), Some(false));
    assert_eq!(tx.code_in_system("http://loinc.org", "1-8"), None);
    assert_eq!(
        tx.systems_for_code(GENDER_VS, "male"),
        vec![GENDER_CS.to_string()]
    );
    // other core required bindings
    assert_eq!(
        tx.check_code(
            "http://hl7.org/fhir/ValueSet/observation-status|4.0.1",
            None,
            "final"
        ),
        Membership::In
    );
    assert_eq!(
        tx.check_code("http://hl7.org/fhir/ValueSet/identifier-use", None, "usual"),
        Membership::In
    );
    assert_eq!(
        tx.check_code(
            "http://hl7.org/fhir/ValueSet/encounter-status|4.0.1",
            None,
            "completed"
        ),
        Membership::NotIn
    );
}

#[test]
fn hierarchical_is_a_with_exclude() {
    // include v3-ActCode is-a _ActEncounterCode, exclude _ActEncounterCode itself
    let vs = "http://terminology.hl7.org/ValueSet/v3-ActEncounterCode";
    let tx = tx();
    for code in ["AMB", "EMER", "IMP", "ACUTE", "NONAC", "VR", "HH"] {
        assert_eq!(
            tx.check_code(vs, Some(ACTCODE), code),
            Membership::In,
            "{code}"
        );
    }
    // the excluded abstract head, a code of another branch, an unknown code
    for code in ["_ActEncounterCode", "_ActCoverageTypeCode", "CPT", "zzz"] {
        assert_eq!(
            tx.check_code(vs, Some(ACTCODE), code),
            Membership::NotIn,
            "{code}"
        );
    }
    assert!(tx.unknown_reasons(vs).is_empty());
    // v3 ActCode is newest from THO (9.0.0), not R4 core's 2018-08-12 copy
    assert_eq!(tx.system_version(ACTCODE), Some("9.0.0"));
}

#[test]
fn exclude_by_concept_list() {
    // core encounter-participant-type: v3-ParticipationType is-a _ParticipationAncillary +
    // SPRF, PPRF, PART + participant-type; the exclude removes the abstract head
    let vs = "http://hl7.org/fhir/ValueSet/encounter-participant-type";
    let pt = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
    let tx = tx();
    assert_eq!(tx.check_code(vs, Some(pt), "ADM"), Membership::In);
    assert_eq!(tx.check_code(vs, Some(pt), "SPRF"), Membership::In);
    assert_eq!(
        tx.check_code(vs, Some(pt), "_ParticipationAncillary"),
        Membership::NotIn
    );
    assert_eq!(tx.check_code(vs, Some(pt), "AUT"), Membership::NotIn);
}

#[test]
fn imported_value_set() {
    let tx = tx();
    // yesnodontknow imports v2-0136 and adds data-absent-reason#asked-unknown; it also ships
    // an expansion
    let vs = "http://hl7.org/fhir/ValueSet/yesnodontknow";
    assert_eq!(
        tx.check_code(
            vs,
            Some("http://terminology.hl7.org/CodeSystem/v2-0136"),
            "Y"
        ),
        Membership::In
    );
    assert_eq!(
        tx.check_code(
            vs,
            Some("http://terminology.hl7.org/CodeSystem/data-absent-reason"),
            "asked-unknown"
        ),
        Membership::In
    );
    assert_eq!(
        tx.check_code(
            vs,
            Some("http://terminology.hl7.org/CodeSystem/data-absent-reason"),
            "masked"
        ),
        Membership::NotIn
    );
    // US Core 6.1.0 us-core-observation-smoking-status-status? Use a pure import instead:
    // all-types = data-types + resource-types + abstract-types (whole systems)
    let all = "http://hl7.org/fhir/ValueSet/all-types";
    assert_eq!(
        tx.check_code(all, Some("http://hl7.org/fhir/resource-types"), "Patient"),
        Membership::In
    );
    assert_eq!(
        tx.check_code(all, Some("http://hl7.org/fhir/data-types"), "Quantity"),
        Membership::In
    );
    assert_eq!(tx.check_code(all, None, "Nonsense"), Membership::NotIn);
}

#[test]
fn loinc_based_value_set_is_unknown() {
    let tx = tx();
    let vs = "http://hl7.org/fhir/us/core/ValueSet/us-core-laboratory-test-codes";
    match tx.check_code(vs, Some("http://loinc.org"), "2345-7") {
        Membership::Unknown(why) => {
            assert!(why.contains("LOINC") && why.contains("not loaded"), "{why}")
        }
        other => panic!("{other:?}"),
    }
    // a code of another system is simply not in a LOINC-only value set
    assert_eq!(
        tx.check_code(vs, Some("http://snomed.info/sct"), "123"),
        Membership::NotIn
    );
    // SNOMED CT: the packages only hold a not-present stub
    let cond = "http://hl7.org/fhir/us/core/ValueSet/us-core-condition-code";
    match tx.check_code(cond, Some("http://snomed.info/sct"), "44054006") {
        Membership::Unknown(why) => assert!(why.contains("SNOMED CT"), "{why}"),
        other => panic!("{other:?}"),
    }
    // VSAC-imported value sets
    let unknown_vsac = tx
        .value_sets
        .iter()
        .flat_map(|v| v.unknown.iter())
        .filter_map(|u| tx.reasons.get(u.reason as usize))
        .any(|r| r.contains("(VSAC)"));
    assert!(unknown_vsac);
}

#[test]
fn x12_not_present_system_is_unknown() {
    let tx = tx();
    let vs = "http://hl7.org/fhir/us/carin-bb/ValueSet/X12ClaimAdjustmentReasonCodesCMSRemittanceAdviceRemarkCodes";
    match tx.check_code(
        vs,
        Some("https://x12.org/codes/claim-adjustment-reason-codes"),
        "45",
    ) {
        Membership::Unknown(why) => {
            assert!(
                why.contains("not-present") && why.contains("not loaded"),
                "{why}"
            )
        }
        other => panic!("{other:?}"),
    }
    // PAS: X12 system not loaded at all
    let pas = "http://hl7.org/fhir/us/davinci-pas/ValueSet/X12278ConditionCategory";
    match tx.check_code(pas, Some("https://codesystem.x12.org/005010/1136"), "E1") {
        Membership::Unknown(why) => assert!(why.contains("not loaded"), "{why}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn display_checks() {
    let tx = tx();
    assert_eq!(tx.display_ok(GENDER_CS, "male", "Male"), Some(true));
    assert_eq!(tx.display_ok(GENDER_CS, "male", "MALE"), Some(true));
    assert_eq!(tx.display_ok(GENDER_CS, "male", "Man"), Some(false));
    assert_eq!(tx.display_ok(GENDER_CS, "foo", "Male"), None);
    assert_eq!(tx.display_ok("http://loinc.org", "1-8", "x"), None);
    // v3 ActCode from THO
    assert_eq!(tx.display_ok(ACTCODE, "AMB", "ambulatory"), Some(true));
    assert_eq!(tx.display_ok(ACTCODE, "AMB", "inpatient"), Some(false));
    let policy = Policy::default();
    let wrong = CodingRef {
        system: Some(GENDER_CS),
        code: "male",
        display: Some("Man"),
    };
    let issues = tx.check_coding(0, &wrong, &policy);
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].severity, Severity::Error);
    assert_eq!(
        issues[0].text,
        "Wrong Display Name 'Man' for http://hl7.org/fhir/administrative-gender#male. Valid display is 'Male' (for the language(s) '--')"
    );
    let lenient = Policy {
        display: Severity::Warning,
        ..Policy::default()
    };
    assert_eq!(
        tx.check_coding(0, &wrong, &lenient)[0].severity,
        Severity::Warning
    );
    let unknown = CodingRef {
        system: Some(GENDER_CS),
        code: "foo",
        display: None,
    };
    assert_eq!(
        tx.check_coding(0, &unknown, &policy)[0].text,
        "Unknown code 'foo' in the CodeSystem 'http://hl7.org/fhir/administrative-gender' version '4.0.1'"
    );
}

#[test]
fn case_insensitive_code_system() {
    let tx = tx();
    let cs = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";
    assert_eq!(tx.code_in_system(cs, "ASSET"), Some(true));
    let upper = tx
        .systems
        .iter()
        .find(|s| s.url == cs)
        .map(|s| s.case_sensitive);
    assert_eq!(upper, Some(false));
    // any case is the same code
    assert_eq!(tx.code_in_system(cs, "asset"), Some(true));
    assert_eq!(tx.code_in_system(cs, "AsSeT"), Some(true));
    // PDex: case-insensitive, used by a required binding
    let pdex = "http://hl7.org/fhir/us/davinci-pdex/CodeSystem/PDexPayerAdjudicationStatus";
    let vs = "http://hl7.org/fhir/us/davinci-pdex/ValueSet/PDexPayerAdjudicationStatusVS";
    if tx.find_vs(vs).is_some() {
        assert_eq!(tx.check_code(vs, Some(pdex), "INNETWORK"), Membership::In);
        assert_eq!(tx.check_code(vs, Some(pdex), "innetwork"), Membership::In);
    }
    // a case-sensitive one
    assert_eq!(tx.code_in_system(GENDER_CS, "MALE"), Some(false));
}

#[test]
fn expansion_provided_value_set() {
    let tx = tx();
    // example-hierarchical has an expansion (and no usable compose for offline use)
    let vs = "http://hl7.org/fhir/ValueSet/example-hierarchical";
    let v = tx.find_vs(vs).expect("loaded");
    assert!(!v.members.0.is_empty() || !v.whole.is_empty());
    let ix = tx.index();
    let (sys, gid) = v
        .members
        .0
        .first()
        .map(|g| {
            let s = ix.offsets.partition_point(|o| o <= g) - 1;
            (s, *g)
        })
        .expect("a member");
    let s = &tx.systems[sys];
    let code = &s.codes[(gid - ix.offsets[sys]) as usize];
    assert_eq!(tx.check_code(vs, Some(&s.url), code), Membership::In);
    assert_eq!(
        tx.check_code(vs, Some(&s.url), "no-such"),
        Membership::NotIn
    );
}

#[test]
fn version_suffixed_canonical() {
    let tx = tx();
    // two versions: R4 core's copy (2018-08-12) and THO's (3.0.0, the newest)
    let vs = "http://terminology.hl7.org/ValueSet/v3-ActPriority";
    assert_eq!(tx.value_set_version(vs), Some("3.0.0"));
    assert_eq!(
        tx.value_set_version(&format!("{vs}|2018-08-12")),
        Some("2018-08-12")
    );
    assert_eq!(tx.value_set_version(&format!("{vs}|3.0.0")), Some("3.0.0"));
    // a version not loaded: the newest
    assert_eq!(tx.value_set_version(&format!("{vs}|9.9.9")), Some("3.0.0"));
    let p = "http://terminology.hl7.org/CodeSystem/v3-ActPriority";
    assert_eq!(
        tx.check_code(&format!("{vs}|2018-08-12"), Some(p), "EM"),
        Membership::In
    );
    assert_eq!(tx.check_code(vs, Some(p), "R"), Membership::In);
    // pinning a binding to its own package's version
    let cond = "http://hl7.org/fhir/us/core/ValueSet/us-core-condition-code";
    let sources = tx.value_set_sources(cond);
    assert_eq!(
        sources.first(),
        Some(&(Some("7.0.0"), Some("hl7.fhir.us.core#7.0.0")))
    );
    assert!(sources.contains(&(Some("3.1.1"), Some("hl7.fhir.us.core#3.1.1"))));
    assert_eq!(tx.value_set_version(cond), Some("7.0.0"));
    assert_eq!(
        tx.describe_value_set(&format!("{GENDER_VS}|4.0.1")),
        "'AdministrativeGender' (http://hl7.org/fhir/ValueSet/administrative-gender|4.0.1)"
    );
}

#[test]
fn binding_messages() {
    let tx = tx();
    let policy = Policy::default();
    let status = "http://hl7.org/fhir/ValueSet/encounter-status|4.0.1";
    let c = [CodingRef {
        system: None,
        code: "completed",
        display: None,
    }];
    let issues = tx.check_binding(Kind::Code, Strength::Required, status, None, &c, &policy);
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].severity, Severity::Error);
    assert_eq!(
        issues[0].text,
        "The value provided ('completed') was not found in the value set 'EncounterStatus' (http://hl7.org/fhir/ValueSet/encounter-status|4.0.1), and a code is required from this value set"
    );
    let idt = "http://hl7.org/fhir/ValueSet/identifier-type";
    let cc = [CodingRef {
        system: Some("http://terminology.hl7.org/CodeSystem/v2-0203"),
        code: "NPI",
        display: None,
    }];
    let issues = tx.check_binding(
        Kind::CodeableConcept,
        Strength::Extensible,
        idt,
        None,
        &cc,
        &policy,
    );
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0].severity, Severity::Warning);
    assert_eq!(
        issues[0].text,
        "None of the codings provided are in the value set 'IdentifierType' (http://hl7.org/fhir/ValueSet/identifier-type|4.0.1), and a coding should come from this value set unless it has no suitable code (note that the validator cannot judge what is suitable) (codes = http://terminology.hl7.org/CodeSystem/v2-0203#NPI)"
    );
    let mr = [CodingRef {
        system: Some("http://terminology.hl7.org/CodeSystem/v2-0203"),
        code: "MR",
        display: None,
    }];
    assert!(
        tx.check_binding(
            Kind::CodeableConcept,
            Strength::Extensible,
            idt,
            None,
            &mr,
            &policy
        )
        .is_empty()
    );
    // preferred: nothing
    assert!(
        tx.check_binding(Kind::Code, Strength::Preferred, status, None, &c, &policy)
            .is_empty()
    );
    // not checkable offline: information naming the system
    let loinc = [CodingRef {
        system: Some("http://loinc.org"),
        code: "2345-7",
        display: None,
    }];
    let issues = tx.check_binding(
        Kind::CodeableConcept,
        Strength::Required,
        "http://hl7.org/fhir/us/core/ValueSet/us-core-laboratory-test-codes",
        None,
        &loinc,
        &policy,
    );
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].severity, Severity::Information);
    assert!(
        issues[0].text.contains("not checked offline"),
        "{}",
        issues[0].text
    );
    assert!(
        issues[0].text.contains("LOINC) not loaded"),
        "{}",
        issues[0].text
    );
    // maxValueSet is checked whatever the strength
    let lang = [CodingRef {
        system: Some("urn:ietf:bcp:47"),
        code: "en-US",
        display: None,
    }];
    let issues = tx.check_binding(
        Kind::Code,
        Strength::Preferred,
        "http://hl7.org/fhir/ValueSet/languages",
        Some("http://hl7.org/fhir/ValueSet/all-languages"),
        &lang,
        &policy,
    );
    assert!(
        issues.iter().all(|i| i.severity == Severity::Information),
        "{issues:?}"
    );
}

#[test]
fn default_set_report_sizes_and_timing() {
    let loaded = default_set();
    let tx = &loaded.tx;
    let r = tx.report();
    println!(
        "default set: {} CodeSystem/ValueSet resources; finish took {:?}",
        loaded.resources, loaded.finish_time
    );
    println!(
        "code systems {}, value sets {}: expanded {}, partial {}, unexpandable {}",
        r.code_systems, r.value_sets, r.expanded, r.partial, r.unexpandable
    );
    println!("top reasons (value sets per reason):");
    for (why, n) in r.reasons.iter().take(25) {
        println!("  {n:5}  {why}");
    }
    let mut grouped: HashMap<String, usize> = HashMap::new();
    for (why, n) in &r.reasons {
        let key = if let Some(rest) = why.strip_prefix("imported value set ") {
            if rest.contains("(VSAC)") {
                "imported value set (VSAC) not loaded".to_string()
            } else {
                "imported value set (other) not loaded".to_string()
            }
        } else if why.starts_with("filter ") {
            "filter not supported".to_string()
        } else {
            why.clone()
        };
        *grouped.entry(key).or_default() += n;
    }
    let mut grouped: Vec<_> = grouped.into_iter().collect();
    grouped.sort_by_key(|b| std::cmp::Reverse(b.1));
    println!("reasons grouped:");
    for (why, n) in grouped.iter().take(15) {
        println!("  {n:5}  {why}");
    }
    println!("notes: {}", r.notes.len());
    for n in r.notes.iter().take(5) {
        println!("  {n}");
    }
    let (nsys, nvs, ncodes, nmembers) = tx.sizes();
    let wholes: usize = tx.value_sets.iter().map(|v| v.whole.len()).sum();
    println!(
        "store: {nsys} systems, {nvs} value sets, {ncodes} codes, {nmembers} expansion entries, {wholes} whole-system markers"
    );
    let bytes = postcard::to_allocvec(tx).expect("postcard");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut gz, &bytes).expect("gzip");
    let gz = gz.finish().expect("gzip");
    println!(
        "postcard: {} bytes raw, {} bytes gzip",
        bytes.len(),
        gz.len()
    );
    // round trip
    let back: Terminology = postcard::from_bytes(&bytes).expect("decode");
    assert_eq!(back.check_code(GENDER_VS, None, "male"), Membership::In);
    assert_eq!(
        back.check_code(
            "http://terminology.hl7.org/ValueSet/v3-ActEncounterCode",
            Some(ACTCODE),
            "ACUTE"
        ),
        Membership::In
    );
    assert_eq!(back.display_ok(GENDER_CS, "male", "male"), Some(true));
    // the hot path
    let t = Instant::now();
    let n = 1_000_000;
    let mut hits = 0;
    for i in 0..n {
        let code = if i % 2 == 0 { "male" } else { "foo" };
        if back.check_code(GENDER_VS, Some(GENDER_CS), code) == Membership::In {
            hits += 1;
        }
    }
    println!("check_code: {:?} per call", t.elapsed() / n);
    assert_eq!(hits, n / 2);
    assert!(r.expanded > 2000, "{}", r.expanded);
    // a debug build is slow; the 2 s target is for release builds
    if !cfg!(debug_assertions) {
        assert!(loaded.finish_time < Duration::from_secs(2));
    }
}

// ---------------------------------------------------------------------------
// Synthetic
// ---------------------------------------------------------------------------

fn synthetic() -> Terminology {
    let mut tx = Terminology::new();
    tx.add(&json!({
        "resourceType": "CodeSystem", "url": "http://x/cs", "version": "1.0.0",
        "content": "complete", "caseSensitive": true,
        "property": [
            {"code": "parent", "uri": "http://hl7.org/fhir/concept-properties#parent", "type": "code"},
            {"code": "kind", "type": "string"},
            {"code": "retired", "type": "boolean"}
        ],
        "concept": [
            {"code": "A", "display": "Alpha", "designation": [{"value": "First"}], "concept": [
                {"code": "A1", "display": "Alpha one", "property": [{"code": "kind", "valueString": "leaf"}]},
                {"code": "A2", "display": "Alpha two", "concept": [
                    {"code": "A21", "display": "deep", "property": [{"code": "retired", "valueBoolean": true}]}
                ]}
            ]},
            {"code": "B", "display": "Beta"},
            {"code": "B1", "display": "Beta one", "property": [{"code": "parent", "valueCode": "B"}]},
            {"code": "C99", "display": "C"}
        ]
    }));
    tx.add(&json!({
        "resourceType": "CodeSystem", "url": "http://x/ci", "content": "complete",
        "caseSensitive": false, "concept": [{"code": "Up"}, {"code": "down"}]
    }));
    tx.add(&json!({
        "resourceType": "CodeSystem", "url": "http://x/np", "content": "not-present"
    }));
    let vs = |id: &str, compose: Value| json!({"resourceType": "ValueSet", "url": format!("http://x/vs/{id}"), "name": id, "compose": compose});
    let cs = "http://x/cs";
    tx.add(&vs("isa", json!({"include": [{"system": cs, "filter": [{"property": "concept", "op": "is-a", "value": "A"}]}]})));
    tx.add(&vs("desc", json!({"include": [{"system": cs, "filter": [{"property": "concept", "op": "descendent-of", "value": "A"}]}]})));
    tx.add(&vs("prop-parent", json!({"include": [{"system": cs, "filter": [{"property": "concept", "op": "is-a", "value": "B"}]}]})));
    tx.add(&vs("eq", json!({"include": [{"system": cs, "filter": [{"property": "kind", "op": "=", "value": "leaf"}]}]})));
    tx.add(&vs("notretired", json!({"include": [{"system": cs, "filter": [{"property": "retired", "op": "=", "value": "false"}]}]})));
    tx.add(&vs("regex", json!({"include": [{"system": cs, "filter": [{"property": "code", "op": "regex", "value": "[A-C][0-9]+"}]}]})));
    tx.add(&vs("whole", json!({"include": [{"system": cs}]})));
    tx.add(&vs("whole-minus", json!({"include": [{"system": cs}], "exclude": [{"system": cs, "concept": [{"code": "B"}]}]})));
    tx.add(&vs("import", json!({"include": [{"valueSet": ["http://x/vs/isa"]}, {"system": "http://x/ci", "concept": [{"code": "UP"}]}]})));
    tx.add(&vs(
        "import-intersect",
        json!({"include": [{"valueSet": ["http://x/vs/isa", "http://x/vs/regex"]}]}),
    ));
    tx.add(&vs(
        "cycle-a",
        json!({"include": [{"valueSet": ["http://x/vs/cycle-b"]}]}),
    ));
    tx.add(&vs("cycle-b", json!({"include": [{"valueSet": ["http://x/vs/cycle-a"]}, {"system": cs, "concept": [{"code": "B"}]}]})));
    tx.add(&vs("mixed", json!({"include": [
        {"system": "http://loinc.org", "filter": [{"property": "CLASSTYPE", "op": "=", "value": "1"}]},
        {"system": "http://loinc.org", "concept": [{"code": "1-8"}]},
        {"system": cs, "concept": [{"code": "A"}]},
        {"valueSet": ["http://cts.nlm.nih.gov/fhir/ValueSet/2.16.840.1.113762.1.4.1"]}
    ]})));
    tx.add(&vs("scoped", json!({"include": [
        {"system": "http://loinc.org", "filter": [{"property": "CLASSTYPE", "op": "=", "value": "1"}]},
        {"system": cs, "concept": [{"code": "A"}]}
    ]})));
    tx.add(&vs("np", json!({"include": [{"system": "http://x/np"}]})));
    tx.add(&vs(
        "np-list",
        json!({"include": [{"system": "http://x/np", "concept": [{"code": "k"}]}]}),
    ));
    tx.add(&vs("badfilter", json!({"include": [{"system": cs, "filter": [{"property": "nope", "op": "=", "value": "x"}]}]})));
    tx.add(&vs("ci", json!({"include": [{"system": "http://x/ci"}]})));
    tx.add(&json!({"resourceType": "ValueSet", "url": "http://x/vs/v", "version": "1.0.0", "name": "old",
        "compose": {"include": [{"system": cs, "concept": [{"code": "A"}]}]}}));
    tx.add(&json!({"resourceType": "ValueSet", "url": "http://x/vs/v", "version": "1.10.0", "title": "New",
        "compose": {"include": [{"system": cs, "concept": [{"code": "B"}]}]}}));
    tx.add(&json!({"resourceType": "ValueSet", "url": "http://x/vs/v", "version": "1.2.0", "name": "middle",
        "compose": {"include": [{"system": cs, "concept": [{"code": "C99"}]}]}}));
    tx.add(&json!({"resourceType": "Patient", "id": "ignored"}));
    tx.finish(&ExpansionLimits::default());
    tx
}

fn members(tx: &Terminology, vs: &str, codes: &[&str]) -> Vec<Membership> {
    codes
        .iter()
        .map(|c| tx.check_code(&format!("http://x/vs/{vs}"), Some("http://x/cs"), c))
        .collect()
}

fn ins(v: &[Membership]) -> Vec<bool> {
    v.iter().map(|m| *m == Membership::In).collect()
}

#[test]
fn synthetic_filters() {
    let tx = synthetic();
    let all = ["A", "A1", "A2", "A21", "B", "B1", "C99", "X"];
    assert_eq!(
        ins(&members(&tx, "isa", &all)),
        [true, true, true, true, false, false, false, false]
    );
    assert_eq!(
        ins(&members(&tx, "desc", &all)),
        [false, true, true, true, false, false, false, false]
    );
    assert_eq!(
        ins(&members(&tx, "prop-parent", &all)),
        [false, false, false, false, true, true, false, false]
    );
    assert_eq!(
        ins(&members(&tx, "eq", &all)),
        [false, true, false, false, false, false, false, false]
    );
    assert_eq!(
        ins(&members(&tx, "notretired", &all)),
        [true, true, true, false, true, true, true, false]
    );
    assert_eq!(
        ins(&members(&tx, "regex", &all)),
        [false, true, true, true, false, true, true, false]
    );
    assert_eq!(
        ins(&members(&tx, "whole", &all)),
        [true, true, true, true, true, true, true, false]
    );
    assert_eq!(
        ins(&members(&tx, "whole-minus", &all)),
        [true, true, true, true, false, true, true, false]
    );
    assert_eq!(
        ins(&members(&tx, "import-intersect", &all)),
        [false, true, true, true, false, false, false, false]
    );
    // whole system is stored compactly
    let whole = tx.find_vs("http://x/vs/whole").expect("vs");
    assert_eq!(whole.whole.len(), 1);
    assert!(whole.members.0.is_empty());
    assert!(
        tx.find_vs("http://x/vs/badfilter")
            .is_some_and(|v| !v.unknown.is_empty())
    );
    match tx.check_code("http://x/vs/badfilter", Some("http://x/cs"), "A") {
        Membership::Unknown(w) => assert!(w.contains("not supported"), "{w}"),
        m => panic!("{m:?}"),
    }
}

#[test]
fn synthetic_imports_unknowns_versions() {
    let tx = synthetic();
    let ci = "http://x/ci";
    assert_eq!(
        tx.check_code("http://x/vs/import", Some(ci), "up"),
        Membership::In
    );
    assert_eq!(
        tx.check_code("http://x/vs/import", Some(ci), "down"),
        Membership::NotIn
    );
    assert_eq!(
        tx.check_code("http://x/vs/import", Some("http://x/cs"), "A2"),
        Membership::In
    );
    assert_eq!(
        tx.check_code("http://x/vs/ci", Some(ci), "DOWN"),
        Membership::In
    );
    assert_eq!(tx.check_code("http://x/vs/ci", None, "uP"), Membership::In);
    // cycles end, with a reason
    assert_eq!(
        tx.check_code("http://x/vs/cycle-b", Some("http://x/cs"), "B"),
        Membership::In
    );
    assert!(matches!(
        tx.check_code("http://x/vs/cycle-a", Some("http://x/cs"), "A"),
        Membership::Unknown(w) if w.contains("circular")
    ));
    // explicit LOINC code is decided; other LOINC codes are unknown; an unloaded VSAC import
    // makes every non-member unknown
    let mixed = "http://x/vs/mixed";
    assert_eq!(
        tx.check_code(mixed, Some("http://loinc.org"), "1-8"),
        Membership::In
    );
    assert!(matches!(
        tx.check_code(mixed, Some("http://x/cs"), "B"),
        Membership::Unknown(w) if w.contains("VSAC")
    ));
    let scoped = "http://x/vs/scoped";
    assert_eq!(
        tx.check_code(scoped, Some("http://x/cs"), "A"),
        Membership::In
    );
    assert_eq!(
        tx.check_code(scoped, Some("http://x/cs"), "B"),
        Membership::NotIn
    );
    assert!(matches!(
        tx.check_code(scoped, Some("http://loinc.org"), "2-6"),
        Membership::Unknown(w) if w == "code system http://loinc.org (LOINC) not loaded"
    ));
    assert!(matches!(
        tx.check_code(scoped, None, "2-6"),
        Membership::Unknown(_)
    ));
    assert!(matches!(
        tx.check_code("http://x/vs/np", Some("http://x/np"), "k"),
        Membership::Unknown(w) if w.contains("not-present")
    ));
    assert_eq!(
        tx.check_code("http://x/vs/np-list", Some("http://x/np"), "k"),
        Membership::In
    );
    assert_eq!(
        tx.check_code("http://x/vs/np-list", Some("http://x/np"), "j"),
        Membership::NotIn
    );
    // versions: newest is 1.10.0 (numeric compare), exact versions are honoured
    assert_eq!(tx.value_set_name("http://x/vs/v"), Some("New"));
    assert_eq!(
        tx.check_code("http://x/vs/v", Some("http://x/cs"), "B"),
        Membership::In
    );
    assert_eq!(
        tx.check_code("http://x/vs/v|1.0.0", Some("http://x/cs"), "A"),
        Membership::In
    );
    assert_eq!(
        tx.check_code("http://x/vs/v|1.0.0", Some("http://x/cs"), "B"),
        Membership::NotIn
    );
    assert_eq!(
        tx.check_code("http://x/vs/v|1.2.0", Some("http://x/cs"), "C99"),
        Membership::In
    );
    // displays: display or designation, case-insensitive
    assert_eq!(tx.display_ok("http://x/cs", "A", "alpha"), Some(true));
    assert_eq!(tx.display_ok("http://x/cs", "A", "FIRST"), Some(true));
    assert_eq!(tx.display_ok("http://x/cs", "A", "Second"), Some(false));
    assert_eq!(tx.displays("http://x/cs", "A"), vec!["Alpha", "First"]);
    let policy = Policy::default();
    let c = CodingRef {
        system: Some("http://x/cs"),
        code: "A",
        display: Some("Second"),
    };
    assert_eq!(
        tx.check_coding(0, &c, &policy)[0].text,
        "Wrong Display Name 'Second' for http://x/cs#A. Valid display is one of 2 choices: 'Alpha' or 'First' (for the language(s) '--')"
    );
    assert_eq!(tx.display_ok("http://x/ci", "Up", "x"), None);
}

#[test]
fn synthetic_limits_and_serde() {
    let mut tx = Terminology::new();
    let concepts: Vec<Value> = (0..50).map(|i| json!({"code": format!("c{i}")})).collect();
    tx.add(&json!({"resourceType": "CodeSystem", "url": "http://x/big", "content": "complete", "concept": concepts}));
    tx.add(
        &json!({"resourceType": "ValueSet", "url": "http://x/vs/most", "compose": {
        "include": [{"system": "http://x/big"}],
        "exclude": [{"system": "http://x/big", "concept": [{"code": "c0"}]}]}}),
    );
    tx.add(
        &json!({"resourceType": "ValueSet", "url": "http://x/vs/all", "compose": {
        "include": [{"system": "http://x/big"}]}}),
    );
    tx.finish(&ExpansionLimits { max_codes: 10 });
    // 49 codes > 10: unexpanded with a reason; the whole system needs no list
    assert!(matches!(
        tx.check_code("http://x/vs/most", Some("http://x/big"), "c5"),
        Membership::Unknown(w) if w.contains("too large")
    ));
    assert_eq!(
        tx.check_code("http://x/vs/all", Some("http://x/big"), "c5"),
        Membership::In
    );
    assert_eq!(tx.report().unexpandable, 1);
    // hostile postcard input does not panic
    for n in 0..64u8 {
        let junk: Vec<u8> = (0..200u32).map(|i| (i as u8).wrapping_mul(n)).collect();
        let _ = postcard::from_bytes::<Terminology>(&junk);
    }
    // an empty store answers
    let empty = Terminology::new();
    assert_eq!(
        empty.check_code("http://x", None, "a"),
        Membership::NoValueSet
    );
    assert_eq!(empty.display_ok("http://x", "a", "b"), None);
}

#[test]
fn size_breakdown() {
    let tx = tx();
    let gz = |b: &[u8]| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut e, b).expect("gz");
        e.finish().expect("gz").len()
    };
    let part = |name: &str, b: Vec<u8>| println!("{name:12} raw {:8} gz {:8}", b.len(), gz(&b));
    let sys_urls: Vec<&str> = tx.systems.iter().map(|s| s.url.as_str()).collect();
    part("sys urls", postcard::to_allocvec(&sys_urls).expect("p"));
    let codes: Vec<&Vec<String>> = tx.systems.iter().map(|s| &s.codes).collect();
    part("codes", postcard::to_allocvec(&codes).expect("p"));
    let disp: Vec<&Vec<String>> = tx.systems.iter().map(|s| &s.displays).collect();
    part("displays", postcard::to_allocvec(&disp).expect("p"));
    let des: Vec<&Vec<(u32, String)>> = tx.systems.iter().map(|s| &s.designations).collect();
    part("designation", postcard::to_allocvec(&des).expect("p"));
    let vsh: Vec<(&str, &Option<String>, &Option<String>)> = tx
        .value_sets
        .iter()
        .map(|v| (v.url.as_str(), &v.version, &v.title))
        .collect();
    part("vs headers", postcard::to_allocvec(&vsh).expect("p"));
    let mem: Vec<&SortedIds> = tx.value_sets.iter().map(|v| &v.members).collect();
    part("members", postcard::to_allocvec(&mem).expect("p"));
    part("reasons", postcard::to_allocvec(&tx.reasons).expect("p"));
    let cur = tx.value_sets.iter().filter(|v| v.current).count();
    println!("current value sets {cur} of {}", tx.value_sets.len());
}

/// Value sets the default set's profiles can ask for: binding valueSet, maxValueSet,
/// memberOf('...') in constraints.
fn bound_value_sets() -> HashSet<String> {
    let mut out = HashSet::new();
    for stem in DEFAULT_SET {
        for sd in read_package_types(stem, &["StructureDefinition"]) {
            for part in ["snapshot", "differential"] {
                let elements = sd
                    .get(part)
                    .and_then(|p| p.get("element"))
                    .and_then(Value::as_array);
                for e in elements.into_iter().flatten() {
                    if let Some(b) = e.get("binding") {
                        if let Some(v) = b.get("valueSet").and_then(Value::as_str) {
                            out.insert(v.split('|').next().unwrap_or(v).to_string());
                        }
                        for x in b
                            .get("extension")
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                        {
                            if let Some(v) = x.get("valueCanonical").and_then(Value::as_str) {
                                out.insert(v.split('|').next().unwrap_or(v).to_string());
                            }
                        }
                    }
                    for c in e
                        .get("constraint")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        let ex = c.get("expression").and_then(Value::as_str).unwrap_or("");
                        for piece in ex.split("memberOf('").skip(1) {
                            if let Some(end) = piece.find('\'') {
                                let v = &piece[..end];
                                out.insert(v.split('|').next().unwrap_or(v).to_string());
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

#[test]
fn pruned_to_bound_value_sets() {
    let bound = bound_value_sets();
    let full = tx();
    let mut tx = full.clone();
    tx.retain_value_sets(|u| bound.contains(u), KeepCodeSystems::All);
    let undecidable = tx
        .value_sets
        .iter()
        .filter(|v| !v.unknown.is_empty())
        .count();
    let empty = tx
        .value_sets
        .iter()
        .filter(|v| !v.unknown.is_empty() && v.members.0.is_empty() && v.whole.is_empty())
        .count();
    println!(
        "bound value sets: {} stored, {} fully decidable offline, {} with unknown parts ({} entirely unknown)",
        tx.value_sets.len(),
        tx.value_sets.len() - undecidable,
        undecidable,
        empty
    );
    let (nsys, nvs, ncodes, nmembers) = tx.sizes();
    let bytes = postcard::to_allocvec(&tx).expect("postcard");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut gz, &bytes).expect("gzip");
    let gz = gz.finish().expect("gzip");
    println!(
        "pruned to {} bound urls: {nsys} systems, {nvs} value sets, {ncodes} codes, {nmembers} entries; postcard {} bytes raw, {} gzip",
        bound.len(),
        bytes.len(),
        gz.len()
    );
    // same answers for kept value sets
    for v in &full.value_sets {
        if !bound.contains(&v.url) {
            continue;
        }
        let canonical = match &v.version {
            Some(ver) => format!("{}|{}", v.url, ver),
            None => v.url.clone(),
        };
        let ix = full.index();
        for &g in v.members.0.iter().take(50) {
            let s = ix.offsets.partition_point(|&o| o <= g) - 1;
            let sys = &full.systems[s];
            let code = &sys.codes[(g - ix.offsets[s]) as usize];
            assert_eq!(
                tx.check_code(&canonical, Some(&sys.url), code),
                Membership::In,
                "{canonical} {} {code}",
                sys.url
            );
        }
        for u in &v.unknown {
            let sys = u.system.map(|s| full.systems[s as usize].url.as_str());
            assert_eq!(
                tx.check_code(&canonical, sys, "no-such-code-x"),
                full.check_code(&canonical, sys, "no-such-code-x")
            );
        }
    }
    assert_eq!(tx.check_code(GENDER_VS, None, "male"), Membership::In);
    assert_eq!(tx.display_ok(ACTCODE, "AMB", "ambulatory"), Some(true));
}

#[test]
fn pruned_to_referenced_code_systems() {
    let bound = bound_value_sets();
    let full = tx();
    let mut tx = full.clone();
    tx.retain_value_sets(|u| bound.contains(u), KeepCodeSystems::Referenced);
    let (nsys, nvs, ncodes, nmembers) = tx.sizes();
    let bytes = postcard::to_allocvec(&tx).expect("postcard");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut gz, &bytes).expect("gzip");
    println!(
        "pruned, referenced code systems only: {nsys} systems, {nvs} value sets, {ncodes} codes, {nmembers} entries; postcard {} bytes raw, {} gzip",
        bytes.len(),
        gz.finish().expect("gz").len()
    );
    assert_eq!(tx.check_code(GENDER_VS, None, "male"), Membership::In);
    assert_eq!(tx.display_ok(GENDER_CS, "male", "Male"), Some(true));
    // conceptdomains is loaded but no bound value set uses it: now unknown, not "complete"
    let cd = "http://terminology.hl7.org/CodeSystem/conceptdomains";
    assert!(full.has_system(cd));
    assert!(!tx.has_system(cd));
    assert_eq!(tx.code_in_system(cd, "anything"), None);
}

#[test]
fn core_copies_of_tho_resources_lose_without_package_names() {
    let cs = |version: &str, codes: &[&str]| {
        let concepts: Vec<Value> = codes.iter().map(|c| json!({"code": c})).collect();
        json!({"resourceType": "CodeSystem", "url": "http://terminology.hl7.org/CodeSystem/t",
            "version": version, "content": "complete", "concept": concepts})
    };
    let vs = json!({"resourceType": "ValueSet", "url": "http://x/vs/t",
        "compose": {"include": [{"system": "http://terminology.hl7.org/CodeSystem/t"}]}});
    let sys = "http://terminology.hl7.org/CodeSystem/t";
    // R4 core labels its copies 4.0.1 / 2.9 / a date; THO uses x.y.z: THO wins either order
    for (core_version, tho_first) in [("4.0.1", false), ("2.9", true), ("2018-08-12", false)] {
        let mut tx = Terminology::new();
        let core = cs(core_version, &["a"]);
        let tho = cs("1.0.1", &["a", "b"]);
        if tho_first {
            tx.add(&tho);
            tx.add(&core);
        } else {
            tx.add(&core);
            tx.add(&tho);
        }
        tx.add(&vs);
        tx.finish(&ExpansionLimits::default());
        assert_eq!(tx.system_version(sys), Some("1.0.1"), "{core_version}");
        assert_eq!(
            tx.check_code("http://x/vs/t", Some(sys), "b"),
            Membership::In
        );
    }
    // with package names
    let mut tx = Terminology::new();
    tx.add_from(&cs("1.0.1", &["a", "b"]), "hl7.terminology.r4#7.0.1");
    tx.add_from(&cs("4.0.1", &["a"]), "hl7.fhir.r4.core#4.0.1");
    tx.finish(&ExpansionLimits::default());
    assert_eq!(tx.system_version(sys), Some("1.0.1"));
}

#[test]
#[ignore]
fn dump_notes_and_partials() {
    let tx = tx();
    let mut kinds: HashMap<String, usize> = HashMap::new();
    for n in &tx.report().notes {
        let k = n
            .split(": ")
            .nth(1)
            .unwrap_or(n)
            .split(' ')
            .take(3)
            .collect::<Vec<_>>()
            .join(" ");
        *kinds.entry(k).or_default() += 1;
    }
    println!("{kinds:#?}");
    for n in tx
        .report()
        .notes
        .iter()
        .filter(|n| n.contains("codes not defined"))
        .take(30)
    {
        println!("{n}");
    }
    for v in tx
        .value_sets
        .iter()
        .filter(|v| !v.unknown.is_empty() && (!v.members.0.is_empty() || !v.whole.is_empty()))
        .take(60)
    {
        let r: Vec<&str> = v
            .unknown
            .iter()
            .map(|u| tx.reasons[u.reason as usize].as_str())
            .collect();
        println!(
            "PARTIAL {} ({} + {} whole): {:?}",
            v.url,
            v.members.0.len(),
            v.whole.len(),
            r
        );
    }
}
