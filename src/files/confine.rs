//! Writes confined to a root folder (a tenant): the target must lie under the root without `..`,
//! and neither the target nor any folder between the root and it may be a symbolic link, so a
//! link planted in a tenant (say `.actionhost -> /etc`) cannot send a write elsewhere. The root
//! itself is taken as given (it may be a link the user made to their tenant).

use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

use super::{write_atomic, FileError, Mode};

/// Checks that `path` is inside `root` and that no folder between them, nor `path` itself, is a
/// symbolic link; with `create_folders`, the missing folders are created one at a time (each
/// checked). Returns `path` relative to `root`.
pub fn check_inside(root: &Path, path: &Path, create_folders: bool) -> Result<PathBuf, FileError> {
    let relative = relative_to(root, path)?;
    let names: Vec<OsString> = relative.iter().map(ToOwned::to_owned).collect();
    let mut current = root.to_path_buf();
    for (index, name) in names.iter().enumerate() {
        current.push(name);
        let last = index + 1 == names.len();
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let what = if last { "the file" } else { "a folder on the way to it" };
                let reason = format!(
                    "is a symbolic link ({what} inside {}); actionhost does not write through symbolic links",
                    root.display()
                );
                return Err(FileError::new(&current, reason));
            }
            Ok(meta) if !last && !meta.is_dir() => return Err(FileError::new(&current, "is not a folder")),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && last => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && create_folders => match std::fs::create_dir(&current)
            {
                Ok(()) => {}
                // Created meanwhile by another writer: checked again.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let meta = std::fs::symlink_metadata(&current).map_err(|e| FileError::io(&current, &e))?;
                    if !meta.is_dir() {
                        return Err(FileError::new(&current, "is not a folder (or is a symbolic link)"));
                    }
                }
                Err(e) => return Err(FileError::io_while(&current, "create folder", &e)),
            },
            Err(e) => return Err(FileError::io(&current, &e)),
        }
    }
    Ok(relative)
}

/// [`write_atomic`] of a file that must be inside `root` (see [`check_inside`]); missing folders
/// under the root are created.
pub fn write_inside(root: &Path, path: &Path, bytes: &[u8], mode: Mode) -> Result<(), FileError> {
    check_inside(root, path, true)?;
    write_atomic(path, bytes, mode)
}

/// `path` relative to `root`, lexically (as given, else both made absolute), refusing `..` and a
/// path that is the root itself or outside it.
fn relative_to(root: &Path, path: &Path) -> Result<PathBuf, FileError> {
    let outside = || {
        FileError::new(
            path,
            format!("is outside the tenant folder {}; actionhost writes only inside it", root.display()),
        )
    };
    let relative = match path.strip_prefix(root) {
        Ok(relative) => relative.to_path_buf(),
        Err(_) => {
            let root = std::path::absolute(root).map_err(|_| outside())?;
            let path = std::path::absolute(path).map_err(|_| outside())?;
            path.strip_prefix(&root).map_err(|_| outside())?.to_path_buf()
        }
    };
    let mut clean = PathBuf::new();
    for component in relative.components() {
        match component {
            Component::Normal(name) => clean.push(name),
            Component::CurDir => {}
            _ => {
                return Err(FileError::new(
                    path,
                    format!(
                        "leaves the tenant folder {} through `..`; actionhost writes only inside it",
                        root.display()
                    ),
                ))
            }
        }
    }
    if clean.as_os_str().is_empty() {
        return Err(outside());
    }
    Ok(clean)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn inside_paths_are_checked_and_folders_created() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("tenant");
        std::fs::create_dir(&root).unwrap();
        let file = root.join(".actionhost/flows/s.json");
        assert_eq!(check_inside(&root, &file, true).unwrap(), PathBuf::from(".actionhost/flows/s.json"));
        assert!(root.join(".actionhost/flows").is_dir());
        write_inside(&root, &file, b"{}", Mode::default()).unwrap();

        let err = check_inside(&root, &dir.path().join("x.json"), true).unwrap_err();
        assert!(err.reason.starts_with("is outside the tenant folder"), "{err}");
        let err = check_inside(&root, &root.join("users/../../x.json"), true).unwrap_err();
        assert!(err.reason.starts_with("leaves the tenant folder"), "{err}");
    }

    #[test]
    fn a_symbolic_link_on_the_way_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("tenant");
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::os::unix::fs::symlink(&elsewhere, root.join(".actionhost")).unwrap();
        let err = write_inside(&root, &root.join(".actionhost/flows/s.json"), b"{}", Mode::default()).unwrap_err();
        assert_eq!(err.path, root.join(".actionhost"));
        assert!(err.reason.starts_with("is a symbolic link (a folder on the way to it inside"), "{err}");
        assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0, "nothing created through the link");
    }
}
