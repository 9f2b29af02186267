//! IG versions side by side: which version answers a profile reference, references inside a
//! package resolved within its own dependency closure, and packages that stand in for a
//! version that is not available (warnings that name the substitution, never false errors).

use fhirval::load::{IgSpec, compile_specs};
use fhirval::model::ProfileSet;
use fhirval::{Issue, Options, Severity, Validator};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn package_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fhir-packages")
}

const PATIENT: &str = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient";
const ETHNICITY: &str = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity";

/// US Core 3.1.1 and 8.0.0 loaded together.
fn both() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(|| {
        let set = compile_specs(
            &[
                IgSpec::Package("hl7.fhir.us.core#3.1.1".into()),
                IgSpec::Package("hl7.fhir.us.core#8.0.0".into()),
            ],
            Some(&package_dir()),
        )
        .expect("US Core 3.1.1 + 8.0.0");
        Validator::new(set, Options::default())
    })
}

/// A Patient without `gender` (1..1 in US Core 3.1.1, 0..1 in 8.0.0) whose ethnicity
/// extension carries a race code in `detailed` (not in 3.1.1's detailed-ethnicity value set;
/// 8.0.0 binds a VSAC value set no package holds).
fn patient(profile: &str) -> Vec<u8> {
    format!(
        r#"{{"resourceType":"Patient","id":"p1","meta":{{"profile":["{profile}"]}},
 "extension":[{{"url":"{ETHNICITY}","extension":[
   {{"url":"detailed","valueCoding":{{"system":"urn:oid:2.16.840.1.113883.6.238","code":"2106-3","display":"White"}}}},
   {{"url":"text","valueString":"x"}}]}}],
 "identifier":[{{"system":"http://example.org/mrn","value":"1"}}],
 "name":[{{"family":"Doe","given":["J"]}}]}}"#
    )
    .into_bytes()
}

fn issues(profile: &str) -> Vec<Issue> {
    both().validate(&patient(profile)).issues
}

fn find<'a>(issues: &'a [Issue], needle: &str) -> Vec<&'a Issue> {
    issues
        .iter()
        .filter(|i| i.message.contains(needle))
        .collect()
}

#[test]
fn a_versioned_profile_is_that_version() {
    let all = issues(&format!("{PATIENT}|3.1.1"));
    let gender = find(&all, "Patient.gender: minimum required = 1");
    assert_eq!(gender.len(), 1, "{all:#?}");
    assert_eq!(gender[0].severity, Severity::Error);
    // the issue names the profile it came from, with its version
    assert!(
        gender[0]
            .message
            .ends_with(&format!("(from {PATIENT}|3.1.1)"))
    );
    assert!(find(&all, "names no version").is_empty());
}

#[test]
fn an_unversioned_profile_is_the_newest_loaded_and_says_so() {
    let all = issues(PATIENT);
    assert!(find(&all, "Patient.gender: minimum required").is_empty());
    let chosen = find(&all, "names no version");
    assert_eq!(chosen.len(), 1);
    assert_eq!(chosen[0].severity, Severity::Information);
    assert_eq!(chosen[0].code, "informational");
    assert_eq!(chosen[0].expression, "Patient.meta.profile[0]");
    assert_eq!(
        chosen[0].message,
        format!(
            "Profile reference '{PATIENT}' names no version; 2 versions are loaded (3.1.1, 8.0.0): checked against the newest, {PATIENT}|8.0.0"
        )
    );
    assert_eq!(
        all.iter().filter(|i| i.severity.is_error()).count(),
        0,
        "{all:#?}"
    );
}

#[test]
fn a_version_that_is_not_loaded_is_an_error_naming_the_loaded_ones() {
    let all = issues(&format!("{PATIENT}|9.9.9"));
    let missing = find(&all, "has not been checked");
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0].severity, Severity::Error);
    assert_eq!(missing[0].code, "not-found");
    assert_eq!(
        missing[0].message,
        format!(
            "Profile reference '{PATIENT}|9.9.9' has not been checked because version 9.9.9 is not loaded (loaded: 3.1.1, 8.0.0)"
        )
    );
    // a partial version names its newest patch
    let partial = issues(&format!("{PATIENT}|3.1"));
    assert_eq!(find(&partial, "Patient.gender: minimum required").len(), 1);
}

#[test]
fn the_profile_option_follows_the_same_rules() {
    let bytes = patient(&format!("{PATIENT}|8.0.0"));
    let extra = format!("{PATIENT}|3.1.1");
    let all = both().validate_against(&bytes, &[extra]).issues;
    assert_eq!(find(&all, "Patient.gender: minimum required = 1").len(), 1);
    let all = both()
        .validate_against(&bytes, &[PATIENT.to_string()])
        .issues;
    assert_eq!(find(&all, "names no version").len(), 1);
}

/// US Core 3.1.1's Patient names `us-core-ethnicity` without a version and means its own: the
/// 3.1.1 extension (binding US Core's detailed-ethnicity value set) is checked, not 8.0.0's.
#[test]
fn references_inside_a_package_resolve_within_its_closure() {
    let all = issues(&format!("{PATIENT}|3.1.1"));
    let vs = find(
        &all,
        "was not found in the value set 'Detailed ethnicity' (http://hl7.org/fhir/us/core/ValueSet/detailed-ethnicity|3.1.1)",
    );
    assert_eq!(vs.len(), 1, "{all:#?}");
    assert_eq!(vs[0].severity, Severity::Error);
    assert_eq!(
        vs[0].expression,
        "Patient.extension[0].extension[0].value.ofType(Coding)"
    );
    // in the compiled set: 3.1.1's slice is pinned, 8.0.0's stays unversioned (the newest)
    let set = both().profile_set();
    assert_eq!(
        ethnicity_slice_profile(set, "3.1.1"),
        format!("{ETHNICITY}|3.1.1")
    );
    assert_eq!(ethnicity_slice_profile(set, "8.0.0"), ETHNICITY);
}

fn ethnicity_slice_profile(set: &ProfileSet, version: &str) -> String {
    let id = set
        .resolve(&format!("{PATIENT}|{version}"))
        .expect("profile loaded");
    let s = set.structure(id);
    let slice = s
        .elements
        .iter()
        .find(|e| e.path == "Patient.extension" && e.slice_name.as_deref() == Some("ethnicity"))
        .expect("ethnicity slice");
    slice.types[0].profiles[0].clone()
}

/// A package directory holding R4 core and small test packages, written as cache-style
/// `NAME#VERSION/package/` folders.
struct TestDir(PathBuf);

impl TestDir {
    fn new(tag: &str) -> TestDir {
        let dir =
            std::env::temp_dir().join(format!("fhirval-versions-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let core = "hl7.fhir.r4.core-4.0.1.tgz";
        std::fs::copy(package_dir().join(core), dir.join(core)).unwrap();
        TestDir(dir)
    }

    fn package(&self, name: &str, version: &str, deps: &str, files: &[(&str, String)]) {
        let root = self.0.join(format!("{name}#{version}")).join("package");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(
            root.join("package.json"),
            format!(
                r#"{{"name":"{name}","version":"{version}","canonical":"http://fhirval.test/{name}","dependencies":{{"hl7.fhir.r4.core":"4.0.1"{deps}}}}}"#
            ),
        )
        .unwrap();
        for (file, text) in files {
            std::fs::write(root.join(file), text).unwrap();
        }
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TestDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const BASE_CS: &str = "http://fhirval.test/test.base/CodeSystem/kinds";

/// `test.base` at `version`, with a complete CodeSystem of codes `a` and `b`.
fn base_package(dir: &TestDir, version: &str) {
    let cs = format!(
        r#"{{"resourceType":"CodeSystem","id":"kinds","url":"{BASE_CS}","version":"{version}","status":"active","content":"complete","concept":[{{"code":"a"}},{{"code":"b"}}]}}"#
    );
    dir.package("test.base", version, "", &[("CodeSystem-kinds.json", cs)]);
}

/// Data with a code `c` that the loaded CodeSystem lacks and an extension under test.base's
/// canonical that no loaded package defines.
const DATA: &str = r#"{"resourceType":"Basic","id":"b1",
 "extension":[{"url":"http://fhirval.test/test.base/StructureDefinition/later","valueString":"x"}],
 "code":{"coding":[{"system":"http://fhirval.test/test.base/CodeSystem/kinds","code":"c"}]}}"#;

fn validate_with(dir: &TestDir) -> (ProfileSet, Vec<Issue>) {
    let set = compile_specs(&[IgSpec::Package("test.ig#1.0.0".into())], Some(dir.path()))
        .expect("test IG compiles");
    let v = Validator::new(set.clone(), Options::default());
    (set, v.validate(DATA.as_bytes()).issues)
}

#[test]
fn content_a_stand_in_lacks_is_a_warning_naming_the_substitution() {
    let dir = TestDir::new("sub");
    base_package(&dir, "1.0.0");
    dir.package("test.ig", "1.0.0", r#","test.base":"1.1.0""#, &[]);
    let (set, all) = validate_with(&dir);
    assert!(
        set.notes
            .iter()
            .any(|n| n == "test.base#1.1.0 not found; using 1.0.0"),
        "{:#?}",
        set.notes
    );
    assert_eq!(
        set.stands_in_for("test.base#1.0.0"),
        Some("test.base#1.1.0")
    );
    assert_eq!(
        all.iter().filter(|i| i.severity.is_error()).count(),
        0,
        "{all:#?}"
    );
    let code = find(&all, "Unknown code 'c'");
    assert_eq!(code.len(), 1);
    assert_eq!(code[0].severity, Severity::Warning);
    assert_eq!(code[0].expression, "Basic.code.coding[0]");
    assert_eq!(
        code[0].message,
        format!(
            "Unknown code 'c' in the CodeSystem '{BASE_CS}' version '1.0.0'; the IG depends on test.base#1.1.0, which is not available here (test.base#1.0.0 stands in)"
        )
    );
    let ext = find(&all, "StructureDefinition/later");
    assert_eq!(ext.len(), 1);
    assert_eq!(ext[0].severity, Severity::Warning);
    assert_eq!(
        ext[0].message,
        "The extension http://fhirval.test/test.base/StructureDefinition/later could not be found in test.base#1.0.0; the IG depends on test.base#1.1.0, which is not available here"
    );
}

#[test]
fn the_exact_version_keeps_them_errors() {
    let dir = TestDir::new("exact");
    base_package(&dir, "1.1.0");
    dir.package("test.ig", "1.0.0", r#","test.base":"1.1.0""#, &[]);
    let (set, all) = validate_with(&dir);
    assert_eq!(set.stands_in_for("test.base#1.1.0"), None);
    let errors: Vec<&str> = all
        .iter()
        .filter(|i| i.severity.is_error())
        .map(|i| i.message.as_str())
        .collect();
    assert_eq!(
        errors,
        [
            "The extension http://fhirval.test/test.base/StructureDefinition/later could not be found so is not allowed here".to_string(),
            format!("Unknown code 'c' in the CodeSystem '{BASE_CS}' version '1.1.0'"),
        ]
    );
}

/// R4 core, the extensions pack and THO are in every set (the newest of each in the package
/// directory), unless the specifications bring a version of them; the notes say so.
#[test]
fn always_loaded_packages() {
    let set = compile_specs(
        &[IgSpec::Package("hl7.fhir.us.core#3.1.1".into())],
        Some(&package_dir()),
    )
    .unwrap();
    let dir = fhirval::package::PackageDir::open(&package_dir()).unwrap();
    for names in fhirval::load::ALWAYS_LOADED {
        let newest = dir
            .newest_of_names(names)
            .expect("in ../shared/fhir-packages");
        assert!(
            set.packages.contains(&newest.to_string()),
            "{newest}: {:?}",
            set.packages
        );
        assert!(
            set.notes
                .iter()
                .any(|n| n.starts_with(&format!("{newest} loaded as always")))
        );
    }
    assert_eq!(set.packages[0], "hl7.fhir.r4.core#4.0.1");
    // PDex 2.0.0 brings its own versions (extensions 1.0.0, terminology 5.3.0): no other added
    let set = compile_specs(
        &[IgSpec::Package("hl7.fhir.us.davinci-pdex#2.0.0".into())],
        Some(&package_dir()),
    )
    .unwrap();
    let ext: Vec<&String> = set
        .packages
        .iter()
        .filter(|p| p.starts_with("hl7.fhir.uv.extensions"))
        .collect();
    assert_eq!(ext, ["hl7.fhir.uv.extensions.r4#1.0.0"]);
    assert!(!set.notes.iter().any(|n| n.contains("loaded as always")));
}
