//! (c) StructureDefinitions and other conformance resources: the input (a StructureDefinition,
//! with or without snapshot, a ValueSet or CodeSystem — expansion, filters, regular
//! expressions —, a Bundle of them, an ImplementationGuide, a CapabilityStatement) compiled
//! over R4 core; each new profile is then used to validate the input itself and a
//! minimal resource of its type. Compiling must never panic; bad definitions become notes.
#![no_main]

use fhirval::compile::Compiler;
use fhirval::{Options, Validator};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(
    init: {
        common::core_set();
    },
    |data: &[u8]| {
    let Ok(res) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let mut c = Compiler::extend(common::core_set().clone());
    let p = c.add_package("fuzz#0.0.0");
    c.add_resource(&res, p);
    let set = c.finish();
    let new: Vec<(String, String)> = set
        .structures
        .iter()
        .filter(|s| s.package == p)
        .map(|s| (s.url.clone(), s.type_name.clone()))
        .collect();
    let v = Validator::new(set, Options::default());
    for (url, ty) in new.iter().take(4) {
        let doc = format!("{{\"resourceType\":{}}}", serde_json::Value::from(ty.as_str()));
        common::check_validate(&v, doc.as_bytes());
        let _ = v.validate_against(doc.as_bytes(), std::slice::from_ref(url));
        let _ = v.validate_against(data, std::slice::from_ref(url));
    }
});
