//! Unit tests of package reading and resolution.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::expect_used,
    clippy::panic
)]
use super::collect::*;
use super::folder::*;
use super::resolve::*;
use super::tarball::*;
use super::version::*;
use super::*;
use std::cmp::Ordering;
use std::collections::HashSet;
use std::io::Read;
use std::io::Write;
use std::path::{Path, PathBuf};

fn shared_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fhir-packages")
}

fn shared() -> Option<PackageDir> {
    // the packages beside the checkout are part of the test set-up: missing is a failure
    let dir = shared_dir();
    if !dir.join("hl7.fhir.us.davinci-pdex-2.0.0.tgz").is_file() {
        panic!("no FHIR packages at {}", dir.display());
    }
    Some(PackageDir::open(&dir).unwrap())
}

fn id(s: &str) -> PackageId {
    PackageId::parse(s).unwrap()
}

fn ids(list: &[&str]) -> Vec<PackageId> {
    list.iter().map(|s| id(s)).collect()
}

/// Builds a gzipped tar from (path, content) pairs; paths are written raw
/// into the header so unsafe names can be produced.
fn make_tgz(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (path, data) in files {
        let mut header = tar::Header::new_gnu();
        let name = path.as_bytes();
        header.as_gnu_mut().unwrap().name[..name.len()].copy_from_slice(name);
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        header.set_cksum();
        builder.append(&header, *data).unwrap();
    }
    let tar = builder.into_inner().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar).unwrap();
    gz.finish().unwrap()
}

const MANIFEST: &[u8] =
    br#"{"name":"test.pkg","version":"1.0.0","dependencies":{"hl7.fhir.r4.core":"4.0.1","b.pkg":"2.0"}}"#;
const SD: &[u8] = br#"{"resourceType":"StructureDefinition","url":"http://x/sd"}"#;
const PATIENT: &[u8] = br#"{"resourceType":"Patient","id":"p1"}"#;

#[test]
fn version_parsing_and_order() {
    assert_eq!(numeric_version("4.0.1"), Some((4, 0, 1)));
    assert_eq!(numeric_version("5.1.0-cibuild"), Some((5, 1, 0)));
    assert_eq!(numeric_version("1.2"), Some((1, 2, 0)));
    assert_eq!(numeric_version("current"), None);
    assert_eq!(version_cmp("1.0.0", "1.0.0-ballot"), Ordering::Greater);
    assert_eq!(version_cmp("10.0.0", "9.9.9"), Ordering::Greater);
    assert_eq!(version_cmp("current", "0.0.1"), Ordering::Less);
    assert_eq!(
        newest_of(&["1.0.0", "current", "1.10.0", "1.9.0"]),
        Some("1.10.0")
    );
}

#[test]
fn nearest_version_choice() {
    // Same major.minor preferred.
    assert_eq!(nearest_version("1.1.0", &["1.0.0"]), Some("1.0.0"));
    assert_eq!(
        nearest_version("7.1.0", &["7.0.1", "7.1.5", "7.2.0"]),
        Some("7.1.5")
    );
    // Same major before a numerically closer other major.
    assert_eq!(nearest_version("2.0.0", &["1.9.9", "2.5.0"]), Some("2.5.0"));
    assert_eq!(
        nearest_version("5.1.0-cibuild", &["1.0.0", "5.2.0"]),
        Some("5.2.0")
    );
    // Closest by numeric distance across majors.
    assert_eq!(nearest_version("6.3.0", &["5.3.0", "7.0.1"]), Some("7.0.1"));
    assert_eq!(
        nearest_version("4.0.0", &["3.1.1", "6.1.0", "7.0.0"]),
        Some("3.1.1")
    );
    assert_eq!(nearest_version("2.1.0", &["1.1.0", "1.2.0"]), Some("1.2.0"));
    // Ties go to the higher version.
    assert_eq!(nearest_version("1.5.0", &["1.4.0", "1.6.0"]), Some("1.6.0"));
    assert_eq!(nearest_version("2.1.0", &["2.0.1", "2.2.1"]), Some("2.2.1"));
    assert_eq!(nearest_version("2.1.0", &["2.0.5", "2.3.0"]), Some("2.0.5"));
    assert_eq!(
        nearest_version("1.1.3", &["1.1.0", "1.1.5", "1.2.3"]),
        Some("1.1.5")
    );
    assert_eq!(nearest_version("2.0.0", &["1.0.0", "3.0.0"]), Some("3.0.0"));
    // Release preferred over a pre-release with the same numbers.
    assert_eq!(
        nearest_version("5.1.0", &["5.1.0-ballot", "5.1.0"]),
        Some("5.1.0")
    );
    // Non-numeric asked version → newest.
    assert_eq!(
        nearest_version("current", &["1.0.0", "2.0.0"]),
        Some("2.0.0")
    );
    assert_eq!(nearest_version("1.0.0", &["current"]), Some("current"));
    assert_eq!(nearest_version("1.0.0", &[]), None);
}

#[test]
fn file_stem_names() {
    assert_eq!(
        id_from_file_stem("hl7.fhir.us.davinci-pdex-2.0.0"),
        Some(id("hl7.fhir.us.davinci-pdex#2.0.0"))
    );
    assert_eq!(
        id_from_file_stem("hl7.fhir.uv.extensions.r4#5.2.0"),
        Some(id("hl7.fhir.uv.extensions.r4#5.2.0"))
    );
    assert_eq!(
        id_from_file_stem("a.b-5.1.0-cibuild"),
        Some(id("a.b#5.1.0-cibuild"))
    );
    assert_eq!(id_from_file_stem("package"), None);
    assert_eq!(id_from_file_stem("us_core_311"), None);
    assert_eq!(id_from_file_stem("x-1.0-2.0"), None); // ambiguous
}

#[test]
fn sniffing() {
    assert_eq!(
        sniff_resource_type(b"\xEF\xBB\xBF { \"resourceType\" : \"ValueSet\", \"id\":1}"),
        Some("ValueSet")
    );
    assert_eq!(
        sniff_resource_type(br#"{"id":"x","resourceType":"ValueSet"}"#),
        None
    );
    assert_eq!(sniff_resource_type(br#"{"resourceType":"Val\"ue"}"#), None);
    assert_eq!(sniff_resource_type(b"garbage"), None);
}

#[test]
fn reads_synthetic_tgz_with_and_without_examples() {
    let other = br#"{"resourceType":"OperationDefinition"}"#;
    let tgz = make_tgz(&[
        ("package/package.json", MANIFEST),
        ("package/StructureDefinition-a.json", SD),
        ("package/OperationDefinition-x.json", other),
        ("package/bad.json", b"{not json"),
        ("package/example/Patient-p1.json", PATIENT),
        ("package/examples/sub/Patient-p2.json", PATIENT),
        ("package/other/StructureDefinition-ignored.json", SD),
        ("package/xml/StructureDefinition-a.xml", b"<x/>"),
    ]);
    let p = read_tgz(&tgz, Load::Conformance, &TarLimits::default()).unwrap();
    assert_eq!(p.id, id("test.pkg#1.0.0"));
    assert_eq!(
        p.dependencies,
        ids(&["b.pkg#2.0", "hl7.fhir.r4.core#4.0.1"])
    );
    assert_eq!(p.resources.len(), 1);
    assert!(p.examples.is_empty());
    assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
    assert!(p.warnings[0].contains("package/bad.json"));
    assert_eq!(p.digest, fnv1a(FNV_OFFSET, &tgz));

    let p = read_tgz(&tgz, Load::WithExamples, &TarLimits::default()).unwrap();
    let names: Vec<&str> = p.examples.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Patient-p1.json", "Patient-p2.json"]);
    assert_eq!(p.resources.len(), 1);
}

#[test]
fn index_drives_selection() {
    // The index says the (mislabelled) file is a Basic: it is not parsed.
    let index = br#"{"index-version":1,"files":[
        {"filename":"StructureDefinition-a.json","resourceType":"StructureDefinition"},
        {"filename":"Basic-b.json","resourceType":"Basic"}]}"#;
    let tgz = make_tgz(&[
        ("package/.index.json", index),
        ("package/package.json", MANIFEST),
        ("package/StructureDefinition-a.json", SD),
        ("package/Basic-b.json", b"{broken"),
        (
            "package/ValueSet-unindexed.json",
            br#"{"id":"v","resourceType":"ValueSet"}"#,
        ),
    ]);
    let p = read_tgz(&tgz, Load::Conformance, &TarLimits::default()).unwrap();
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    let types: Vec<&str> = p.resources.iter().filter_map(resource_type).collect();
    assert_eq!(types, ["StructureDefinition", "ValueSet"]);
}

#[test]
fn index_less_package() {
    let tgz = make_tgz(&[
        ("package/package.json", MANIFEST),
        ("package/StructureDefinition-a.json", SD),
        (
            "package/CodeSystem-c.json",
            br#"{"id":"c","resourceType":"CodeSystem"}"#,
        ),
        ("package/Patient-x.json", PATIENT),
    ]);
    let p = read_tgz(&tgz, Load::Conformance, &TarLimits::default()).unwrap();
    let types: Vec<&str> = p.resources.iter().filter_map(resource_type).collect();
    assert_eq!(types, ["CodeSystem", "StructureDefinition"]);
}

#[test]
fn unsafe_paths_are_ignored_with_warning() {
    let tgz = make_tgz(&[
        ("package/package.json", MANIFEST),
        ("../evil.json", SD),
        ("package/../../evil2.json", SD),
        ("/abs/evil3.json", SD),
        ("package/StructureDefinition-a.json", SD),
    ]);
    let p = read_tgz(&tgz, Load::WithExamples, &TarLimits::default()).unwrap();
    assert_eq!(p.resources.len(), 1);
    assert_eq!(p.warnings.len(), 3, "{:?}", p.warnings);
    assert!(p.warnings.iter().any(|w| w.contains("../evil.json")));
    assert!(p.warnings.iter().all(|w| w.contains("unsafe")));
}

#[test]
fn malformed_input_is_format_error() {
    let good = make_tgz(&[
        ("package/package.json", MANIFEST),
        ("package/StructureDefinition-a.json", SD),
    ]);
    for cut in [0, 1, 10, good.len() / 2, good.len() - 4, good.len() - 1] {
        let r = read_tgz(&good[..cut], Load::Conformance, &TarLimits::default());
        assert!(
            matches!(r, Err(PackageError::Format { .. })),
            "cut {cut}: {r:?}"
        );
    }
    let garbage: Vec<u8> = (0..5000u32).map(|i| (i * 7919 % 251) as u8).collect();
    assert!(matches!(
        read_tgz(&garbage, Load::Conformance, &TarLimits::default()),
        Err(PackageError::Format { .. })
    ));
    // Valid gzip, not a tar.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&garbage).unwrap();
    let gz = gz.finish().unwrap();
    assert!(matches!(
        read_tgz(&gz, Load::Conformance, &TarLimits::default()),
        Err(PackageError::Format { .. })
    ));
    // Valid tarball without package.json.
    let no_manifest = make_tgz(&[("package/StructureDefinition-a.json", SD)]);
    let r = read_tgz(&no_manifest, Load::Conformance, &TarLimits::default());
    assert!(
        matches!(&r, Err(PackageError::Format { message, .. }) if message.contains("package.json"))
    );
    // Bad package.json.
    let bad_manifest = make_tgz(&[("package/package.json", br#"{"name":"x"}"#)]);
    assert!(matches!(
        read_tgz(&bad_manifest, Load::Conformance, &TarLimits::default()),
        Err(PackageError::Format { .. })
    ));
    // Corrupted byte in the middle of the deflate stream.
    let mut flipped = good.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0xff;
    assert!(read_tgz(&flipped, Load::Conformance, &TarLimits::default()).is_err());
}

#[test]
fn limits_are_enforced() {
    // Gzip bomb: 8 MiB of zeros compresses to a few KiB.
    let zeros = vec![b' '; 8 << 20];
    let bomb = make_tgz(&[
        ("package/package.json", MANIFEST),
        ("package/xml/big.xml", &zeros),
    ]);
    assert!(bomb.len() < 100_000);
    let limits = TarLimits {
        max_total_bytes: 1 << 20,
        ..TarLimits::default()
    };
    let r = read_tgz(&bomb, Load::Conformance, &limits);
    assert!(
        matches!(&r, Err(PackageError::Limit(m)) if m.contains("max_total_bytes")),
        "{r:?}"
    );
    // Same bomb in a JSON file that is read into memory.
    let bomb_json = make_tgz(&[
        ("package/package.json", MANIFEST),
        ("package/big.json", &zeros),
    ]);
    let r = read_tgz(&bomb_json, Load::Conformance, &limits);
    assert!(matches!(r, Err(PackageError::Limit(_))), "{r:?}");
    // Per-entry limit.
    let limits = TarLimits {
        max_entry_bytes: 1 << 20,
        ..TarLimits::default()
    };
    let r = read_tgz(&bomb_json, Load::Conformance, &limits);
    assert!(
        matches!(&r, Err(PackageError::Limit(m)) if m.contains("max_entry_bytes")),
        "{r:?}"
    );
    // Skipped entries are not subject to the per-entry limit.
    assert!(read_tgz(&bomb, Load::Conformance, &limits).is_ok());
    // Entry count.
    let many: Vec<(String, &[u8])> = (0..20)
        .map(|i| (format!("package/xml/{i}.xml"), b"x" as &[u8]))
        .collect();
    let mut files: Vec<(&str, &[u8])> = many.iter().map(|(p, d)| (p.as_str(), *d)).collect();
    files.push(("package/package.json", MANIFEST));
    let tgz = make_tgz(&files);
    let limits = TarLimits {
        max_entries: 10,
        ..TarLimits::default()
    };
    assert!(matches!(
        read_tgz(&tgz, Load::Conformance, &limits),
        Err(PackageError::Limit(_))
    ));
    assert!(read_tgz(&tgz, Load::Conformance, &TarLimits::default()).is_ok());
}

fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("fhirval-package-test-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write_pkg_dir(base: &Path, dir_name: &str, manifest: &str, files: &[(&str, &[u8])]) {
    let root = base.join(dir_name).join("package");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("package.json"), manifest).unwrap();
    for (rel, data) in files {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, data).unwrap();
    }
}

#[test]
fn cache_style_dirs_and_resolution_rules() {
    let base = temp_dir("cache");
    let m = |n: &str, v: &str, deps: &str| {
        format!(r#"{{"name":"{n}","version":"{v}","dependencies":{{{deps}}}}}"#)
    };
    write_pkg_dir(
        &base,
        "hl7.fhir.r4.core#4.0.1",
        &m("hl7.fhir.r4.core", "4.0.1", ""),
        &[("StructureDefinition-a.json", SD)],
    );
    write_pkg_dir(
        &base,
        "root.ig#1.0.0",
        &m(
            "root.ig",
            "1.0.0",
            r#""hl7.fhir.r4.core":"4.0.1","a.b.r4":"1.0.0","lib.x.v2":"2.0.0","cyc":"1.0.0","gone":"9.9.9""#,
        ),
        &[
            ("StructureDefinition-a.json", SD),
            ("example/Patient-p.json", PATIENT),
            ("other/x.json", SD),
        ],
    );
    write_pkg_dir(
        &base,
        "a.b#1.0.0",
        &m("a.b", "1.0.0", r#""hl7.fhir.r4.core":"4.0.1""#),
        &[],
    );
    write_pkg_dir(
        &base,
        "lib.x#2.1.0",
        &m("lib.x", "2.1.0", r#""root.ig":"1.0.0""#),
        &[],
    );
    write_pkg_dir(&base, "lib.x#1.0.0", &m("lib.x", "1.0.0", ""), &[]);
    write_pkg_dir(
        &base,
        "cyc#1.0.0",
        &m("cyc", "1.0.0", r#""cyc":"1.0.0""#),
        &[],
    );
    std::fs::write(base.join("not-a-package.txt"), "x").unwrap();
    // A tarball whose file name does not tell its id is named from package.json.
    std::fs::write(
        base.join("output.tgz"),
        make_tgz(&[("package/package.json", MANIFEST)]),
    )
    .unwrap();
    std::fs::write(base.join("broken-1.0.0.tgz"), b"not a tarball").unwrap();
    std::fs::write(base.join("broken.tgz"), b"not a tarball").unwrap();
    let dir = PackageDir::open(&base).unwrap();
    assert_eq!(dir.available().len(), 8);
    assert!(dir.available().contains(&id("test.pkg#1.0.0")));
    assert_eq!(dir.warnings().len(), 1, "{:?}", dir.warnings()); // broken.tgz
    assert!(matches!(
        dir.load(&id("broken#1.0.0"), Load::Conformance),
        Err(PackageError::Format { .. })
    ));
    assert_eq!(
        dir.load(&id("test.pkg#1.0.0"), Load::Conformance)
            .unwrap()
            .id,
        id("test.pkg#1.0.0")
    );
    assert_eq!(dir.newest("lib.x"), Some(id("lib.x#2.1.0")));

    let res = dir.resolve("root.ig", Load::WithExamples).unwrap();
    let got: Vec<PackageId> = res.packages.iter().map(|p| p.id.clone()).collect();
    assert_eq!(
        got,
        ids(&[
            "hl7.fhir.r4.core#4.0.1",
            "a.b#1.0.0",
            "cyc#1.0.0",
            "lib.x#2.1.0",
            "root.ig#1.0.0"
        ])
    );
    assert_eq!(
        res.notes,
        [
            "a.b.r4#1.0.0 not found; using a.b#1.0.0",
            "dependency cycle through cyc#1.0.0 ignored",
            "gone#9.9.9 not available; skipped",
            "lib.x.v2#2.0.0 not found; using lib.x#2.1.0",
            "dependency cycle through root.ig#1.0.0 ignored",
        ]
    );
    let root = res.packages.last().unwrap();
    assert_eq!(root.resources.len(), 1);
    assert_eq!(root.examples.len(), 1);
    assert_eq!(res.packages[1].examples.len(), 0);
    assert_eq!(dir.plan("root.ig#1.0.0").unwrap().0, got);
    assert!(matches!(
        dir.resolve("nope#1.0.0", Load::Conformance),
        Err(PackageError::NotFound(_))
    ));

    // read_dir_package accepts the folder holding package.json directly.
    let p = read_dir_package(&base.join("root.ig#1.0.0/package"), Load::WithExamples).unwrap();
    assert_eq!((p.resources.len(), p.examples.len()), (1, 1));
    let _ = std::fs::remove_dir_all(&base);
}

/// Position of `want` in `plan` (panics with the plan when absent).
fn pos(plan: &[PackageId], want: &str) -> usize {
    plan.iter()
        .position(|p| *p == id(want))
        .unwrap_or_else(|| panic!("{want} not in {plan:#?}"))
}

/// The rules every resolution keeps, whatever packages the directory holds: the core
/// first, the root last, each package once, dependencies before dependents.
fn assert_resolution_rules(dir: &PackageDir, root: &str, res: &Resolution) {
    let plan: Vec<PackageId> = res.packages.iter().map(|p| p.id.clone()).collect();
    assert_eq!(plan.first(), Some(&id("hl7.fhir.r4.core#4.0.1")));
    let unique: HashSet<&PackageId> = plan.iter().collect();
    assert_eq!(unique.len(), plan.len(), "{plan:#?}");
    for (p, deps) in &res.dependencies {
        for d in deps {
            assert!(
                pos(&plan, &d.to_string()) < pos(&plan, &p.to_string()),
                "{d} after {p}"
            );
        }
    }
    let (planned, plan_notes) = dir.plan(root).unwrap();
    assert_eq!(planned, plan);
    assert_eq!(plan_notes, res.notes);
}

#[test]
fn pdex_2_0_0_resolution() {
    let Some(dir) = shared() else { return };
    let root = "hl7.fhir.us.davinci-pdex#2.0.0";
    let res = dir.resolve(root, Load::WithExamples).unwrap();
    assert_resolution_rules(&dir, root, &res);
    let plan: Vec<PackageId> = res.packages.iter().map(|p| p.id.clone()).collect();
    assert_eq!(plan.last(), Some(&id(root)));
    // exact versions where they exist; the nearest (same release under the other
    // spelling) where not
    for want in [
        "hl7.fhir.us.core#3.1.1",
        "hl7.fhir.us.davinci-hrex#1.0.0",
        "hl7.fhir.uv.extensions.r4#1.0.0",
        "hl7.terminology#5.3.0",
        "hl7.fhir.us.davinci-pas#2.0.1",
    ] {
        pos(&plan, want);
    }
    assert!(pos(&plan, "hl7.fhir.us.core#3.1.1") < pos(&plan, "hl7.fhir.us.davinci-hrex#1.0.0"));
    for want in [
        "hl7.fhir.us.udap-security#0.1.0 not available; skipped",
        "hl7.terminology.r4#5.3.0 not found; using hl7.terminology#5.3.0",
    ] {
        assert!(
            res.notes.iter().any(|n| n == want),
            "{want:?} not in {:#?}",
            res.notes
        );
    }
    // a change of spelling is no substitution: this closure has none
    assert_eq!(res.substitutions, []);
    assert_eq!(
        res.dependencies[&id(root)],
        ids(&[
            "hl7.fhir.r4.core#4.0.1",
            "hl7.fhir.us.core#3.1.1",
            "hl7.fhir.us.davinci-hrex#1.0.0",
            "hl7.fhir.us.davinci-pas#2.0.1",
            "hl7.fhir.uv.extensions.r4#1.0.0",
            "hl7.terminology#5.3.0",
        ])
    );

    // Content: the core package (read once here, reused below): the R4 definitions.
    let core = &res.packages[0];
    let count = |rt: &str| {
        core.resources
            .iter()
            .filter(|r| resource_type(r) == Some(rt))
            .count()
    };
    assert_eq!(
        (
            count("StructureDefinition"),
            count("CodeSystem"),
            count("ValueSet")
        ),
        (649, 1063, 1317)
    );
    assert_eq!(count("SearchParameter"), 1377);
    assert!(core.examples.is_empty());
    assert!(core.warnings.is_empty(), "{:?}", core.warnings);
    let pdex = res.packages.last().unwrap();
    assert!(pdex.examples.len() >= 30, "{}", pdex.examples.len());
    assert!(
        pdex.resources
            .iter()
            .all(|r| resource_type(r).is_some_and(is_conformance))
    );
    let deps_have_no_examples = res.packages[..res.packages.len() - 1]
        .iter()
        .all(|p| p.examples.is_empty());
    assert!(deps_have_no_examples);
    for p in &res.packages {
        assert!(p.warnings.is_empty(), "{}: {:?}", p.id, p.warnings);
    }
}

#[test]
fn pdex_newest_resolution_plan() {
    let Some(dir) = shared() else { return };
    let newest = dir.newest("hl7.fhir.us.davinci-pdex").unwrap();
    let res = dir
        .resolve("hl7.fhir.us.davinci-pdex", Load::Conformance)
        .unwrap();
    assert_resolution_rules(&dir, "hl7.fhir.us.davinci-pdex", &res);
    let plan: Vec<PackageId> = res.packages.iter().map(|p| p.id.clone()).collect();
    assert_eq!(plan.last(), Some(&newest));
    if newest != id("hl7.fhir.us.davinci-pdex#2.1.1") {
        return; // the rest is about the 2.1.1 closure
    }
    // the US Core versions the closure names, each exactly (alias ids answered by the
    // package of that version, no substitution)
    for want in [
        "hl7.fhir.us.core#3.1.1",
        "hl7.fhir.us.core#6.1.0",
        "hl7.fhir.us.core#7.0.0",
    ] {
        pos(&plan, want);
    }
    assert!(pos(&plan, "hl7.fhir.us.core#7.0.0") < pos(&plan, "hl7.fhir.us.davinci-pas#2.2.1"));
    assert!(pos(&plan, "hl7.fhir.uv.extensions.r4#5.2.0") < pos(&plan, "hl7.fhir.us.core#7.0.0"));
    for want in [
        "hl7.fhir.us.core.v610#6.1.0 not found; using hl7.fhir.us.core#6.1.0",
        "hl7.fhir.us.core.v311#3.1.1 not found; using hl7.fhir.us.core#3.1.1",
        "hl7.fhir.us.davinci-crd#2.1.0 not available; skipped",
    ] {
        assert!(
            res.notes.iter().any(|n| n == want),
            "missing note {want:?} in {:#?}",
            res.notes
        );
    }
    // The rules of substitution, whatever versions are present: the nearest version
    // of the same major when there is one, recorded as a substitution with a note.
    let sub = |asked: &str| {
        res.substitutions
            .iter()
            .find(|s| s.asked == id(asked))
            .unwrap_or_else(|| panic!("{asked} not substituted: {:#?}", res.substitutions))
    };
    for asked in [
        "hl7.fhir.us.carin-bb#2.1.0",
        "hl7.fhir.us.davinci-pas#2.1.0",
    ] {
        let s = sub(asked);
        let versions = dir.versions_of(&s.asked.name);
        assert_eq!(
            Some(s.used.version.as_str()),
            nearest_version(&s.asked.version, &versions)
        );
        assert_eq!(numeric_version(&s.used.version).unwrap().0, 2, "{s:?}");
        assert!(
            res.notes
                .iter()
                .any(|n| *n == format!("{asked} not found; using {}", s.used.version))
        );
        pos(&plan, &s.used.to_string());
    }
    // alias spellings are not substitutions
    assert!(
        res.substitutions
            .iter()
            .all(|s| s.asked.version != s.used.version)
    );
}

#[test]
fn root_lookup_rules() {
    let Some(dir) = shared() else { return };
    assert!(matches!(
        dir.plan("no.such.package"),
        Err(PackageError::NotFound(_))
    ));
    let (plan, notes) = dir.plan("hl7.terminology.r4#5.3.0").unwrap();
    assert_eq!(plan.last(), Some(&id("hl7.terminology#5.3.0")));
    assert_eq!(
        notes[0],
        "hl7.terminology.r4#5.3.0 not found; using hl7.terminology#5.3.0"
    );
    // a non-numeric version and a bare name: the newest available
    let newest = dir.newest("hl7.fhir.us.core").unwrap();
    let (plan, notes) = dir.plan("hl7.fhir.us.core#current").unwrap();
    assert_eq!(plan.last(), Some(&newest));
    assert_eq!(
        notes[0],
        format!(
            "hl7.fhir.us.core#current not found; using {}",
            newest.version
        )
    );
    let (plan, _) = dir.plan("hl7.fhir.us.core").unwrap();
    assert_eq!(plan.last(), Some(&newest));
    // no older version is newer than the newest
    for v in dir.versions_of("hl7.fhir.us.core") {
        assert_ne!(version_cmp(v, &newest.version), Ordering::Greater);
    }
}

/// `cargo test --release -- --ignored --nocapture timing` prints load times.
#[test]
#[ignore]
fn timing() {
    let dir = shared_dir();
    for name in [
        "hl7.fhir.r4.core-4.0.1.tgz",
        "hl7.terminology.r4-7.0.1.tgz",
        "hl7.fhir.us.core-7.0.0.tgz",
    ] {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        for load in [Load::Conformance, Load::WithExamples] {
            let t = std::time::Instant::now();
            let p = read_tgz(&bytes, load, &TarLimits::default()).unwrap();
            eprintln!(
                "{name} {load:?}: {} resources, {} examples in {:?}",
                p.resources.len(),
                p.examples.len(),
                t.elapsed()
            );
        }
    }
    let pd = PackageDir::open(&dir).unwrap();
    let t = std::time::Instant::now();
    let res = pd
        .resolve("hl7.fhir.us.davinci-pdex", Load::WithExamples)
        .unwrap();
    eprintln!(
        "resolve pdex 2.1.1: {} packages in {:?}",
        res.packages.len(),
        t.elapsed()
    );
    let t = std::time::Instant::now();
    let _ = pd.plan("hl7.fhir.us.davinci-pdex").unwrap();
    eprintln!("plan pdex 2.1.1 in {:?}", t.elapsed());
}

#[test]
fn mutated_archives_never_panic() {
    let gz = make_tgz(&[
        ("package/package.json", MANIFEST),
        ("package/.index.json", br#"{"files":[{"filename":"StructureDefinition-a.json","resourceType":"StructureDefinition"}]}"#),
        ("package/StructureDefinition-a.json", SD),
        ("package/example/Patient-p1.json", PATIENT),
    ]);
    let mut plain = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut plain)
        .unwrap();
    assert!(read_tgz(&plain, Load::WithExamples, &TarLimits::default()).is_ok());
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for round in 0..400 {
        let mut b = if round % 2 == 0 {
            plain.clone()
        } else {
            gz.clone()
        };
        for _ in 0..(1 + next() % 3) {
            let pos = (next() % b.len() as u64) as usize;
            b[pos] = next() as u8;
        }
        if next() % 5 == 0 {
            let n = (next() % b.len() as u64) as usize;
            b.truncate(n);
        }
        let _ = read_tgz(&b, Load::WithExamples, &TarLimits::default());
    }
}

#[test]
fn default_dir_lookup() {
    assert_eq!(
        default_package_dir(Some(Path::new("/x/y"))),
        Some(PathBuf::from("/x/y"))
    );
    if std::env::var_os("FHIRVAL_PACKAGES").is_none() && shared_dir().is_dir() {
        let found = default_package_dir(None).unwrap();
        assert!(
            found.ends_with("shared/fhir-packages"),
            "{}",
            found.display()
        );
    }
}
