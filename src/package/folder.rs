//! Unpacked package directories (the `~/.fhir/packages/NAME#VERSION/package/...` cache layout,
//! or a folder holding `package.json` itself).

use std::io;
use std::path::{Path, PathBuf};

use super::collect::{Collector, Decision, FileError, Manifest, is_json_name, parse_manifest};
use super::{FNV_OFFSET, Load, Package, PackageError, TarLimits, fnv1a};

pub(super) fn io_err(path: &Path, e: &io::Error) -> PackageError {
    PackageError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// The folder holding `package.json`: `dir/package` or `dir` itself.
pub(super) fn package_root(dir: &Path) -> Option<PathBuf> {
    let nested = dir.join("package");
    if nested.join("package.json").is_file() {
        return Some(nested);
    }
    if dir.join("package.json").is_file() {
        return Some(dir.to_path_buf());
    }
    None
}

/// Sorted `(file name, path, is_dir, size)` of a directory's entries (symlinks followed).
pub(super) fn list_dir(dir: &Path) -> Result<Vec<(String, PathBuf, bool, u64)>, PackageError> {
    let rd = std::fs::read_dir(dir).map_err(|e| io_err(dir, &e))?;
    let mut out = Vec::new();
    for entry in rd {
        let entry = entry.map_err(|e| io_err(dir, &e))?;
        let path = entry.path();
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        out.push((name, path, meta.is_dir(), meta.len()));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

pub(super) const MAX_DIR_DEPTH: usize = 16;

/// Hashes relative paths and sizes of all regular files below `dir`.
pub(super) fn hash_listing(dir: &Path, prefix: &str, depth: usize, hash: &mut u64) {
    let Ok(entries) = list_dir(dir) else { return };
    for (name, path, is_dir, size) in entries {
        let rel = format!("{prefix}{name}");
        if is_dir {
            if depth < MAX_DIR_DEPTH {
                hash_listing(&path, &format!("{rel}/"), depth + 1, hash);
            }
        } else {
            *hash = fnv1a(*hash, rel.as_bytes());
            *hash = fnv1a(*hash, &[0]);
            *hash = fnv1a(*hash, &size.to_le_bytes());
        }
    }
}

pub(super) fn read_file_limited(path: &Path, size: u64, max: u64) -> Result<Vec<u8>, FileError> {
    if size > max {
        return Err(FileError::TooBig { size, max });
    }
    Ok(std::fs::read(path)?)
}

pub(super) fn collect_dir_examples(
    col: &mut Collector,
    dir: &Path,
    rel: &str,
    depth: usize,
    max: u64,
) {
    let entries = match list_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            col.warnings.push(e.to_string());
            return;
        }
    };
    for (name, path, is_dir, size) in entries {
        let rel_path = format!("{rel}/{name}");
        if is_dir {
            if depth < MAX_DIR_DEPTH {
                collect_dir_examples(col, &path, &rel_path, depth + 1, max);
            }
        } else if is_json_name(&name) && name != ".index.json" {
            match read_file_limited(&path, size, max) {
                Ok(b) => col.add_example(&rel_path, &name, &b),
                Err(e) => col.warnings.push(format!("{rel_path}: {e}")),
            }
        }
    }
}

/// Reads an unpacked package directory: `dir` contains `package/package.json`
/// (cache layout `NAME#VERSION/package/...`) or is itself the folder holding
/// `package.json`.
pub fn read_dir_package(dir: &Path, load: Load) -> Result<Package, PackageError> {
    let source = dir.display().to_string();
    let root = package_root(dir).ok_or_else(|| PackageError::Format {
        source: source.clone(),
        message: "no package/package.json".into(),
    })?;
    let max = TarLimits::default().max_entry_bytes;
    let mut col = Collector::new(&source);

    let manifest_path = root.join("package.json");
    let bytes = std::fs::read(&manifest_path).map_err(|e| io_err(&manifest_path, &e))?;
    col.set_manifest("package/package.json", &bytes)?;
    let index_path = root.join(".index.json");
    if index_path.is_file() {
        match std::fs::read(&index_path) {
            Ok(b) => col.set_index("package/.index.json", &b),
            Err(e) => col.warnings.push(format!("package/.index.json: {e}")),
        }
    }

    for (name, path, is_dir, size) in list_dir(&root)? {
        if is_dir || !is_json_name(&name) || name == "package.json" || name == ".index.json" {
            continue;
        }
        let rel = format!("package/{name}");
        let decision = col.decide(&name);
        if let Decision::Skip = decision {
            continue;
        }
        match read_file_limited(&path, size, max) {
            Ok(b) => col.add_resource(&rel, &name, &b, decision),
            Err(e) => col.warnings.push(format!("{rel}: {e}")),
        }
    }

    if load == Load::WithExamples {
        let mut bases = vec![(root.clone(), "package".to_string())];
        if root != dir {
            bases.push((dir.to_path_buf(), String::new()));
        }
        for (base, prefix) in bases {
            for sub in ["example", "examples"] {
                let d = base.join(sub);
                if d.is_dir() {
                    let rel = if prefix.is_empty() {
                        sub.to_string()
                    } else {
                        format!("{prefix}/{sub}")
                    };
                    collect_dir_examples(&mut col, &d, &rel, 0, max);
                }
            }
        }
    }

    let mut digest = FNV_OFFSET;
    hash_listing(&root, "", 0, &mut digest);
    col.finish(digest)
}

pub(super) fn read_dir_manifest(dir: &Path) -> Result<Manifest, PackageError> {
    let root = package_root(dir).ok_or_else(|| PackageError::Format {
        source: dir.display().to_string(),
        message: "no package/package.json".into(),
    })?;
    let path = root.join("package.json");
    let bytes = std::fs::read(&path).map_err(|e| io_err(&path, &e))?;
    parse_manifest(&bytes, &path.display().to_string(), &mut Vec::new())
}
