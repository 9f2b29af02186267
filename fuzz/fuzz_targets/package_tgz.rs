//! (c) Package tarballs: arbitrary bytes read as a `.tgz` (gzip/tar corruption, truncation,
//! bombs), and — structure-aware — tarballs built from the input's entries (any names:
//! `..`, absolute, `C:`, non-UTF-8, duplicates; any contents) and gzipped, then read with
//! small limits; the conformance resources of a package that loads are compiled over R4 core
//! and an empty resource validated against each new profile.
#![no_main]

use fhirval::compile::Compiler;
use fhirval::package::{self, Load, PackageError, TarLimits};
use fhirval::{Options, Validator};
use libfuzzer_sys::fuzz_target;
use std::io::Write;

#[path = "common.rs"]
mod common;

fn limits() -> TarLimits {
    TarLimits {
        max_entries: 64,
        max_total_bytes: 4 << 20,
        max_entry_bytes: 1 << 20,
    }
}

/// A ustar header with the raw name bytes (no sanitising: the reader must cope).
fn header(name: &[u8], size: usize, kind: u8) -> [u8; 512] {
    let mut h = [0u8; 512];
    let n = name.len().min(100);
    h[..n].copy_from_slice(&name[..n]);
    h[100..107].copy_from_slice(b"0000644");
    h[108..115].copy_from_slice(b"0000000");
    h[116..123].copy_from_slice(b"0000000");
    let sz = format!("{size:011o}");
    h[124..135].copy_from_slice(&sz.as_bytes()[sz.len() - 11..]);
    h[136..147].copy_from_slice(b"00000000000");
    h[156] = kind;
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    let s = format!("{sum:06o}\0 ");
    h[148..156].copy_from_slice(s.as_bytes());
    h
}

/// Entries from the input: [kind][name length][name][content length: 2 bytes][content]...
fn build_tar(mut data: &[u8]) -> Vec<u8> {
    let mut tar = Vec::new();
    let take = |n: usize, data: &mut &[u8]| -> Vec<u8> {
        let n = n.min(data.len());
        let (a, b) = data.split_at(n);
        *data = b;
        a.to_vec()
    };
    while data.len() >= 2 {
        let kind = take(1, &mut data)[0];
        let nlen = usize::from(take(1, &mut data)[0]);
        let mut name = take(nlen, &mut data);
        // most entries in the package layout, so that the reader gets past the names
        if kind & 1 == 0 {
            let mut n = b"package/".to_vec();
            n.extend_from_slice(&name);
            name = n;
        }
        let len = take(2, &mut data);
        let clen = usize::from(len.first().copied().unwrap_or(0))
            | usize::from(len.get(1).copied().unwrap_or(0)) << 8;
        let content = take(clen, &mut data);
        let type_flag = match kind >> 5 {
            0..=4 => b'0',
            5 => b'5',
            6 => b'2',
            _ => b'x',
        };
        tar.extend_from_slice(&header(&name, content.len(), type_flag));
        tar.extend_from_slice(&content);
        tar.resize(tar.len().div_ceil(512) * 512, 0);
    }
    tar.extend_from_slice(&[0u8; 1024]);
    tar
}

fn load(bytes: &[u8]) {
    match package::read_tgz(bytes, Load::WithExamples, &limits()) {
        Ok(pkg) => {
            let _ = (pkg.warnings.len(), pkg.examples.len(), pkg.digest);
            if pkg.resources.is_empty() || pkg.resources.len() > 8 {
                return;
            }
            let mut c = Compiler::extend(common::core_set().clone());
            let p = c.add_package(&format!("{}#{}", pkg.id.name, pkg.id.version));
            for r in &pkg.resources {
                c.add_resource(r, p);
            }
            let set = c.finish();
            let urls: Vec<(String, String)> = set
                .structures
                .iter()
                .filter(|s| s.is_profile && s.package == p)
                .map(|s| (s.url.clone(), s.type_name.clone()))
                .collect();
            let v = Validator::new(set, Options::default());
            for (url, ty) in urls.iter().take(4) {
                let doc = format!(
                    "{{\"resourceType\":{}}}",
                    serde_json::Value::from(ty.as_str())
                );
                let _ = v.validate_against(doc.as_bytes(), std::slice::from_ref(url));
            }
        }
        Err(PackageError::Limit(_) | PackageError::Format { .. }) => {}
        Err(e) => panic!("unexpected error kind reading memory: {e}"),
    }
}

fuzz_target!(
    init: {
        common::core_set();
    },
    |data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode % 3 {
        0 => load(rest),
        1 => load(&build_tar(rest)),
        _ => {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            let _ = gz.write_all(&build_tar(rest));
            load(&gz.finish().unwrap_or_default());
        }
    }
});
