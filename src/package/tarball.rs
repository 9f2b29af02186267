//! Package tarballs (`*.tgz`, or plain tar) read from memory: never the file system, so this
//! works on `wasm32-unknown-unknown`. Size limits ([`TarLimits`]) guard against gzip/tar bombs.

use std::cell::Cell;
use std::fmt;
use std::io::{self, Read};

use super::collect::{Collector, Decision, Manifest, is_example_dir, is_json_name, parse_manifest};
use super::{FNV_OFFSET, Load, Package, PackageError, TarLimits, fnv1a};

/// Counts decompressed bytes and fails once the limit is passed.
pub(super) struct CountingReader<'a, R> {
    inner: R,
    count: &'a Cell<u64>,
    limit: u64,
    exceeded: &'a Cell<bool>,
}

impl<R: Read> Read for CountingReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let total = self.count.get().saturating_add(n as u64);
        self.count.set(total);
        if total > self.limit {
            self.exceeded.set(true);
            return Err(io::Error::other("decompressed size limit exceeded"));
        }
        Ok(n)
    }
}

/// Where a tar entry lives in the package layout.
pub(super) enum EntryKind {
    Manifest,
    Index,
    /// Top-level `package/<file>.json`.
    Resource(String),
    /// JSON under an example folder; the value is the file's base name.
    Example(String),
    Other,
}

/// Splits a tar path into components; `None` if it is absolute or has `..`.
pub(super) fn safe_components(path: &str) -> Option<Vec<&str>> {
    if path.starts_with('/') || path.starts_with('\\') {
        return None;
    }
    let mut out = Vec::new();
    for c in path.split(['/', '\\']) {
        match c {
            "" | "." => {}
            ".." => return None,
            c if c.contains(':') && out.is_empty() => return None, // `C:` style prefixes
            c => out.push(c),
        }
    }
    Some(out)
}

pub(super) fn classify(parts: &[&str]) -> EntryKind {
    match parts {
        ["package", "package.json"] => EntryKind::Manifest,
        ["package", ".index.json"] => EntryKind::Index,
        ["package", file] if is_json_name(file) => EntryKind::Resource((*file).to_string()),
        ["package", dir, .., file] | [dir, .., file]
            if is_example_dir(dir) && is_json_name(file) && *file != ".index.json" =>
        {
            EntryKind::Example((*file).to_string())
        }
        _ => EntryKind::Other,
    }
}

pub(super) fn read_entry(
    reader: &mut dyn Read,
    size: u64,
    path: &str,
    limits: &TarLimits,
) -> Result<Vec<u8>, io::Error> {
    if size > limits.max_entry_bytes {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            EntryTooBig(format!(
                "{path} is {size} bytes (max_entry_bytes {})",
                limits.max_entry_bytes
            )),
        ));
    }
    let cap = usize::try_from(size.min(8 << 20)).unwrap_or(0);
    let mut buf = Vec::with_capacity(cap);
    reader
        .take(limits.max_entry_bytes.saturating_add(1))
        .read_to_end(&mut buf)?;
    Ok(buf)
}

#[derive(Debug)]
pub(super) struct EntryTooBig(String);
impl fmt::Display for EntryTooBig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for EntryTooBig {}

pub(super) fn entry_error(source: &str, path: &str, e: &io::Error) -> PackageError {
    if let Some(big) = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<EntryTooBig>())
    {
        return PackageError::Limit(format!("{source}: {big}"));
    }
    PackageError::Format {
        source: source.to_string(),
        message: format!("{path}: {e}"),
    }
}

/// Whether to keep reading the archive after a file.
pub(super) enum Flow {
    Continue,
    Stop,
}

/// Callback of [`walk_tar`]: (path components, path, size, content reader).
pub(super) type Visit<'a> =
    dyn FnMut(&[&str], &str, u64, &mut dyn Read) -> Result<Flow, PackageError> + 'a;

/// Streams the regular files of a (gzipped) tarball. `visit` gets the safe
/// path components, the entry size and a reader for the content.
pub(super) fn walk_tar(
    bytes: &[u8],
    limits: &TarLimits,
    source: &str,
    warnings: &mut Vec<String>,
    visit: &mut Visit<'_>,
) -> Result<(), PackageError> {
    let fmt_err = |message: String| PackageError::Format {
        source: source.to_string(),
        message,
    };
    let count = Cell::new(0u64);
    let exceeded = Cell::new(false);
    let map_io = |e: io::Error, what: &str| -> PackageError {
        if exceeded.get() {
            return PackageError::Limit(format!(
                "{source}: more than {} decompressed bytes (max_total_bytes)",
                limits.max_total_bytes
            ));
        }
        if let Some(big) = e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<EntryTooBig>())
        {
            return PackageError::Limit(format!("{source}: {big}"));
        }
        fmt_err(format!("{what}: {e}"))
    };

    let inner: Box<dyn Read + '_> = if bytes.starts_with(&[0x1f, 0x8b]) {
        Box::new(flate2::read::GzDecoder::new(bytes))
    } else if bytes.get(257..262) == Some(b"ustar".as_slice()) {
        Box::new(bytes)
    } else {
        return Err(fmt_err("not a gzip-compressed tar archive".into()));
    };
    let counting = CountingReader {
        inner,
        count: &count,
        limit: limits.max_total_bytes,
        exceeded: &exceeded,
    };
    let mut archive = tar::Archive::new(counting);
    let mut n_entries = 0usize;
    let mut stopped = false;
    {
        let entries = archive.entries().map_err(|e| map_io(e, "reading tar"))?;
        for entry in entries {
            let mut entry = entry.map_err(|e| map_io(e, "reading tar"))?;
            n_entries += 1;
            if n_entries > limits.max_entries {
                return Err(PackageError::Limit(format!(
                    "{source}: more than {} tar entries (max_entries)",
                    limits.max_entries
                )));
            }
            let et = entry.header().entry_type();
            if !(et.is_file() || et.is_contiguous()) {
                continue;
            }
            let raw = entry.path_bytes().into_owned();
            let Ok(path) = String::from_utf8(raw) else {
                warnings.push(format!(
                    "{source}: ignoring tar entry with a non-UTF-8 path"
                ));
                continue;
            };
            let Some(parts) = safe_components(&path) else {
                warnings.push(format!("{source}: ignoring unsafe tar entry path {path:?}"));
                continue;
            };
            let size = entry.size();
            match visit(&parts, &path, size, &mut entry) {
                Ok(Flow::Continue) => {}
                Ok(Flow::Stop) => {
                    stopped = true;
                    break;
                }
                // The gzip counter tripped while the entry was being read.
                Err(_) if exceeded.get() => {
                    return Err(map_io(io::Error::other("limit"), "reading tar"));
                }
                Err(e) => return Err(e),
            }
        }
    }
    if !stopped {
        // Drain the rest so truncation / CRC errors in the gzip stream surface.
        io::copy(&mut archive.into_inner(), &mut io::sink())
            .map_err(|e| map_io(e, "reading gzip trailer"))?;
    }
    Ok(())
}

/// Reads a package tarball held in memory (gzip-compressed tar, or plain tar).
/// Does not use the file system.
pub fn read_tgz(bytes: &[u8], load: Load, limits: &TarLimits) -> Result<Package, PackageError> {
    read_tgz_named(bytes, load, limits, "tarball")
}

pub(super) fn read_tgz_named(
    bytes: &[u8],
    load: Load,
    limits: &TarLimits,
    source: &str,
) -> Result<Package, PackageError> {
    let digest = fnv1a(FNV_OFFSET, bytes);
    let mut col = Collector::new(source);
    let mut warnings = Vec::new();
    let read_err = |path: &str, e: io::Error| entry_error(source, path, &e);
    let mut visit =
        |parts: &[&str], path: &str, size: u64, r: &mut dyn Read| -> Result<Flow, PackageError> {
            match classify(parts) {
                EntryKind::Manifest => {
                    let b = read_entry(r, size, path, limits).map_err(|e| read_err(path, e))?;
                    col.set_manifest(path, &b)?;
                }
                EntryKind::Index => {
                    let b = read_entry(r, size, path, limits).map_err(|e| read_err(path, e))?;
                    col.set_index(path, &b);
                }
                EntryKind::Resource(file) => {
                    let decision = col.decide(&file);
                    if !matches!(decision, Decision::Skip) {
                        let b = read_entry(r, size, path, limits).map_err(|e| read_err(path, e))?;
                        col.add_resource(path, &file, &b, decision);
                    }
                }
                EntryKind::Example(file) if load == Load::WithExamples => {
                    let b = read_entry(r, size, path, limits).map_err(|e| read_err(path, e))?;
                    col.add_example(path, &file, &b);
                }
                EntryKind::Example(_) | EntryKind::Other => {}
            }
            Ok(Flow::Continue)
        };
    walk_tar(bytes, limits, source, &mut warnings, &mut visit)?;
    col.warnings.splice(0..0, warnings);
    col.finish(digest)
}

/// Reads only `package/package.json` from a tarball (stops as soon as it is found).
pub(super) fn read_tgz_manifest(
    bytes: &[u8],
    limits: &TarLimits,
    source: &str,
) -> Result<Manifest, PackageError> {
    let mut found: Option<Manifest> = None;
    let mut warnings = Vec::new();
    let mut visit =
        |parts: &[&str], path: &str, size: u64, r: &mut dyn Read| -> Result<Flow, PackageError> {
            if let EntryKind::Manifest = classify(parts) {
                let b =
                    read_entry(r, size, path, limits).map_err(|e| entry_error(source, path, &e))?;
                let mut w = Vec::new();
                found = Some(parse_manifest(&b, &format!("{source}: {path}"), &mut w)?);
                return Ok(Flow::Stop);
            }
            Ok(Flow::Continue)
        };
    walk_tar(bytes, limits, source, &mut warnings, &mut visit)?;
    found.ok_or_else(|| PackageError::Format {
        source: source.to_string(),
        message: "no package/package.json".into(),
    })
}
