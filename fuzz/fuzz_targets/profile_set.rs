//! Compiled profile sets from untrusted bytes (`Validator.fromProfileSet` in the npm package,
//! `--ig FILE.fvps`): a small valid set (Basic and the types it needs from R4 core, with a
//! ValueSet and CodeSystem) is serialised once; each input patches bytes of it (offset, value
//! pairs), or is taken whole, and `profileset::from_bytes` reads it. A set that loads must
//! validate a resource without panicking, whatever ids or indexes the patches produced.
#![no_main]

use fhirval::compile::Compiler;
use fhirval::package::{self, Load, TarLimits};
use fhirval::{Options, Validator, profileset};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const TYPES: &[&str] = &[
    "Basic",
    "DomainResource",
    "Resource",
    "Element",
    "BackboneElement",
    "Extension",
    "Meta",
    "Narrative",
    "Identifier",
    "CodeableConcept",
    "Coding",
    "Reference",
    "Period",
    "string",
    "code",
    "uri",
    "id",
    "boolean",
    "dateTime",
    "date",
    "instant",
    "markdown",
    "xhtml",
    "canonical",
    "integer",
    "decimal",
    "Quantity",
];

fn base() -> &'static Vec<u8> {
    static B: OnceLock<Vec<u8>> = OnceLock::new();
    B.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let tgz = std::fs::read(dir.join("../../shared/fhir-packages/hl7.fhir.r4.core-4.0.1.tgz"))
            .expect("R4 core package");
        let core =
            package::read_tgz(&tgz, Load::Conformance, &TarLimits::default()).expect("R4 core");
        let mut c = Compiler::new();
        let p = c.add_package("hl7.fhir.r4.core#4.0.1");
        for r in &core.resources {
            let url = r.get("url").and_then(|u| u.as_str()).unwrap_or_default();
            let keep = TYPES
                .iter()
                .any(|t| url == format!("http://hl7.org/fhir/StructureDefinition/{t}"))
                || url == "http://hl7.org/fhir/ValueSet/identifier-use"
                || url == "http://hl7.org/fhir/identifier-use";
            if keep {
                c.add_resource(r, p);
            }
        }
        profileset::to_bytes(&c.finish()).expect("serialises")
    })
}

const DOC: &[u8] = br#"{"resourceType": "Basic", "id": "b", "code": {"coding": [{"system": "http://x", "code": "y"}]},
 "identifier": [{"use": "official", "value": "1"}, {"use": "nope"}], "created": "2020-02-30",
 "extension": [{"url": "http://x/e", "valueString": "s"}], "text": {"status": "generated",
 "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"}}"#;

fuzz_target!(
    init: {
        base();
    },
    |data: &[u8]| {
        let Some((&mode, rest)) = data.split_first() else {
            return;
        };
        let bytes = if mode & 1 == 0 {
            // patches: (offset: 3 bytes, value: 1 byte) over the body of the valid set
            let mut b = base().clone();
            let n = b.len();
            for p in rest.chunks_exact(4) {
                let off = (usize::from(p[0]) | usize::from(p[1]) << 8 | usize::from(p[2]) << 16) % n;
                if off >= 12 {
                    b[off] = p[3];
                }
            }
            b
        } else {
            let mut b = base()[..12].to_vec();
            b.extend_from_slice(rest);
            b
        };
        let Ok(set) = profileset::from_bytes(&bytes) else {
            return;
        };
        let v = Validator::new(set, Options::default());
        let o = v.validate(DOC);
        let _ = o.to_operation_outcome();
        let _ = v.validate(b"{\"resourceType\": \"Patient\"}");
    }
);
