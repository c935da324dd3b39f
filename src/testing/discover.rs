//! Finding case files: the paths given, and under each directory (recursively) every
//! `*.cases.yaml`, `*.cases.yml` and `*.cases.json`, skipping hidden directories, `target` and
//! `node_modules`. The order is stable: as given, then sorted within each directory.

use std::path::{Path, PathBuf};

const SUFFIXES: [&str; 3] = [".cases.yaml", ".cases.yml", ".cases.json"];

pub fn is_case_file(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|name| SUFFIXES.iter().any(|s| name.ends_with(s)))
}

/// A path given to search that is neither a file nor a directory.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}: no such file or directory", .0.display())]
pub struct DiscoverError(pub PathBuf);

/// Case files under `paths`; a file given explicitly is taken whatever its name. An error
/// names a path that does not exist.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, DiscoverError> {
    let mut found = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut found);
        } else if path.is_file() {
            found.push(path.clone());
        } else {
            return Err(DiscoverError(path.clone()));
        }
    }
    let mut seen = std::collections::HashSet::new();
    found.retain(|p| seen.insert(p.clone()));
    Ok(found)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if !name.starts_with('.') && name != "target" && name != "node_modules" {
                walk(&path, found);
            }
        } else if is_case_file(&path) {
            // `./x` reads better as `x`.
            found.push(path.strip_prefix(".").map(Path::to_path_buf).unwrap_or(path));
        }
    }
}
