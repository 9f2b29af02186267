//! (a) Arbitrary bytes validated as a resource/Bundle against the default profile set, and as
//! NDJSON (one resource per line).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(
    init: {
        common::default_validator();
    },
    |data: &[u8]| {
    let v = common::default_validator();
    common::check_validate(v, data);
    if data.contains(&b'\n') {
        let (o, s) = fhirval::bulk::validate_ndjson(v, data, &[], &|_| {})
            .expect("reading from memory cannot fail");
        let _ = o.to_operation_outcome();
        let _ = s.to_text();
    }
});
