//! What a profile set's bytes are made of: raw and gzip -9 bytes of each part, each part
//! serialised alone with postcard (gzip of a part alone, so cross-part repetition is not
//! credited). A measuring tool, not a check:
//!
//! ```text
//! FHIRVAL_SET=pkg/fhirval-default.fvps cargo test --release --lib set_sizes -- --ignored --nocapture
//! ```

use crate::model::{Element, ProfileSet};
use serde::{Serialize, de::DeserializeOwned};
use std::io::Write;
use std::time::Instant;

/// Raw and gzip -9 bytes of the concatenated postcard encodings of `parts`.
fn measure<T: Serialize>(parts: impl IntoIterator<Item = T>) -> (usize, usize) {
    let mut raw = Vec::new();
    for p in parts {
        raw.extend(postcard::to_allocvec(&p).unwrap());
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&raw).unwrap();
    (raw.len(), gz.finish().unwrap().len())
}

fn row(rows: &mut Vec<(String, usize, usize)>, name: &str, sizes: (usize, usize)) {
    rows.push((name.to_string(), sizes.0, sizes.1));
}

/// Median milliseconds of decoding `part`'s postcard encoding back (what loading it costs).
fn decode_ms<T: Serialize + DeserializeOwned>(part: &T) -> f64 {
    let bytes = postcard::to_allocvec(part).unwrap();
    let mut ms: Vec<f64> = (0..7)
        .map(|_| {
            let t0 = Instant::now();
            let back: T = postcard::from_bytes(&bytes).unwrap();
            let dt = t0.elapsed().as_secs_f64() * 1e3;
            drop(back);
            dt
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    ms[3]
}

#[test]
#[ignore = "a measuring tool: run with --ignored --nocapture"]
fn set_sizes() {
    let path = std::env::var("FHIRVAL_SET").unwrap_or_else(|_| "pkg/fhirval-default.fvps".into());
    let bytes = std::fs::read(&path).unwrap();
    let set: ProfileSet = crate::profileset::from_bytes(&bytes).unwrap();
    let mut rows = Vec::new();
    row(&mut rows, "whole file", measure([bytes.as_slice()]));
    row(
        &mut rows,
        "packages + package_info",
        measure([(&set.packages, &set.package_info)]),
    );
    row(&mut rows, "notes", measure([&set.notes]));
    let meta = set.structures.iter().map(|s| {
        (
            &s.url,
            &s.version,
            &s.name,
            &s.type_name,
            s.kind,
            s.is_profile,
            &s.base_definition,
            &s.contexts,
        )
    });
    row(&mut rows, "structures: header fields", measure(meta));
    let blobs: Vec<Vec<u8>> = set
        .structures
        .iter()
        .map(|s| postcard::to_allocvec(&s.elements).unwrap())
        .collect();
    row(
        &mut rows,
        "structures: element blobs",
        measure(blobs.iter().map(|b| b.as_slice())),
    );
    let els: Vec<&Element> = set
        .structures
        .iter()
        .flat_map(|s| s.elements.iter())
        .collect();
    row(
        &mut rows,
        "  elements.path",
        measure(els.iter().map(|e| &e.path)),
    );
    row(
        &mut rows,
        "  elements.name (stored where not derivable)",
        measure(
            els.iter()
                .map(|e| Some(&e.name).filter(|n| **n != crate::model::last_segment(&e.path))),
        ),
    );
    row(
        &mut rows,
        "  elements.slice_name",
        measure(els.iter().map(|e| &e.slice_name)),
    );
    row(
        &mut rows,
        "  elements.min/max/is_array/flags",
        measure(els.iter().map(|e| {
            (
                e.min,
                e.max,
                e.is_array,
                e.is_modifier,
                e.must_support,
                e.max_length,
            )
        })),
    );
    row(
        &mut rows,
        "  elements.types",
        measure(els.iter().map(|e| &e.types)),
    );
    row(
        &mut rows,
        "  elements.children/slices/content_ref",
        measure(els.iter().map(|e| (&e.children, &e.slices, e.content_ref))),
    );
    row(
        &mut rows,
        "  elements.slicing",
        measure(els.iter().map(|e| &e.slicing)),
    );
    row(
        &mut rows,
        "  elements.fixed/pattern/min/max value",
        measure(
            els.iter()
                .map(|e| (&e.fixed, &e.pattern, &e.min_value, &e.max_value)),
        ),
    );
    row(
        &mut rows,
        "  elements.binding",
        measure(els.iter().map(|e| &e.binding)),
    );
    row(
        &mut rows,
        "  elements.constraints",
        measure(els.iter().map(|e| &e.constraints)),
    );
    row(&mut rows, "constraints", measure([&set.constraints]));
    row(
        &mut rows,
        "  constraints.human",
        measure(set.constraints.iter().map(|c| &c.human)),
    );
    row(
        &mut rows,
        "  constraints.expression",
        measure(set.constraints.iter().map(|c| &c.expression)),
    );
    row(
        &mut rows,
        "global_profiles + capabilities",
        measure([(&set.global_profiles, &set.capabilities)]),
    );
    let t = &*set.terminology;
    row(&mut rows, "terminology", measure([t]));
    row(
        &mut rows,
        "  systems: url/version/name/flags",
        measure(t.systems.iter().map(|s| {
            (
                &s.url,
                &s.version,
                &s.name,
                s.content,
                s.case_sensitive,
                s.defined,
            )
        })),
    );
    row(
        &mut rows,
        "  systems: codes",
        measure(t.systems.iter().map(|s| &s.codes)),
    );
    row(
        &mut rows,
        "  systems: displays",
        measure(t.systems.iter().map(|s| &s.displays)),
    );
    row(
        &mut rows,
        "  systems: designations",
        measure(t.systems.iter().map(|s| &s.designations)),
    );
    row(
        &mut rows,
        "  value_sets: url/version/title/current",
        measure(
            t.value_sets
                .iter()
                .map(|v| (&v.url, &v.version, &v.title, v.current)),
        ),
    );
    row(
        &mut rows,
        "  value_sets: members",
        measure(t.value_sets.iter().map(|v| &v.members)),
    );
    row(
        &mut rows,
        "  value_sets: whole/unknown/systems",
        measure(
            t.value_sets
                .iter()
                .map(|v| (&v.whole, &v.unknown, &v.systems)),
        ),
    );
    row(&mut rows, "  reasons", measure([&t.reasons]));
    row(&mut rows, "search_params", measure([&set.search_params]));
    row(&mut rows, "definitions", measure([&set.definitions]));
    println!(
        "{path}: {} structures, {} elements, {} constraints, {} code systems, {} value sets, {} definitions",
        set.structures.len(),
        els.len(),
        set.constraints.len(),
        t.systems.len(),
        t.value_sets.len(),
        set.definitions.len()
    );
    println!("{:<42} {:>10} {:>10}", "part", "raw", "gzip -9");
    for (name, raw, gz) in rows {
        println!("{name:<42} {raw:>10} {gz:>10}");
    }
    let mut systems: Vec<(usize, usize, &str, usize)> = t
        .systems
        .iter()
        .map(|s| {
            let (raw, gz) = measure([(&s.codes, &s.displays, &s.designations)]);
            (gz, raw, s.url.as_str(), s.codes.len())
        })
        .collect();
    systems.sort_unstable_by(|a, b| b.cmp(a));
    println!("largest code systems (codes + displays + designations):");
    for (gz, raw, url, n) in systems.iter().take(12) {
        println!("  {url:<60} {n:>7} codes {raw:>9} raw {gz:>8} gzip");
    }
    println!(
        "decoding (native, median of 7): structures {:.2} ms, constraints {:.2} ms, terminology {:.2} ms, search_params {:.2} ms, definitions {:.2} ms",
        decode_ms(&set.structures),
        decode_ms(&set.constraints),
        decode_ms(&*set.terminology),
        decode_ms(&set.search_params),
        decode_ms(&set.definitions)
    );
    let t0 = Instant::now();
    let _ = crate::profileset::from_bytes(&bytes).unwrap();
    println!(
        "whole from_bytes (decode + reindex): {:.2} ms",
        t0.elapsed().as_secs_f64() * 1e3
    );
}
