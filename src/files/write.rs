//! The one atomic writer. A file is replaced, never rewritten in place:
//!
//! 1. the target must not be a symbolic link, nor anything but a regular file when it exists;
//! 2. a temporary file with an unpredictable name (`.<name>.<random>.tmp`) is created in the
//!    target's folder by `tempfile`, exclusively (`O_CREAT | O_EXCL`, which never follows a
//!    symbolic link planted under that name);
//! 3. the bytes are written, the mode is set through the handle (`fchmod`), the file is synced;
//! 4. it is renamed over the target (a rename replaces a link, it does not write through it),
//!    and the folder is synced so the rename survives a crash.
//!
//! A reader, or a process killed mid-write, sees the old file or the new one, never half of one;
//! on a failure the temporary file is removed.

use std::io::Write;
use std::path::Path;

use super::FileError;

/// The mode of the file written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The mode the target has; this one when it does not exist yet.
    KeepOr(u32),
    /// Always this mode (a private key: `0o600`).
    Exactly(u32),
}

impl Default for Mode {
    /// An existing file keeps its mode; a new one is `0644`.
    fn default() -> Mode {
        Mode::KeepOr(0o644)
    }
}

/// Replaces `path` with `bytes` atomically (see the module documentation).
pub fn write_atomic(path: &Path, bytes: &[u8], mode: Mode) -> Result<(), FileError> {
    let name = path.file_name().ok_or_else(|| FileError::new(path, "not a file name"))?;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let existing = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(FileError::new(path, "is a symbolic link; actionhost does not write through symbolic links"));
        }
        Ok(meta) if !meta.is_file() => {
            return Err(FileError::new(path, "exists and is not a regular file; nothing written"))
        }
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(FileError::io(path, &e)),
    };
    let mode = match (mode, &existing) {
        (Mode::Exactly(mode), _) | (Mode::KeepOr(mode), None) => mode,
        (Mode::KeepOr(_), Some(meta)) => permission_bits(meta),
    };
    let prefix = format!(".{}.", name.to_string_lossy());
    let mut temporary = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".tmp")
        .rand_bytes(12)
        .tempfile_in(dir)
        .map_err(|e| FileError::io_while(path, "create a temporary file", &e))?;
    let write = |file: &mut std::fs::File| -> std::io::Result<()> {
        set_mode(file, mode)?;
        file.write_all(bytes)?;
        file.sync_all()
    };
    write(temporary.as_file_mut()).map_err(|e| FileError::io_while(path, "write", &e))?;
    temporary.persist(path).map_err(|e| FileError::io_while(path, "rename into place", &e.error))?;
    sync_dir(dir).map_err(|e| FileError::io_while(dir, "sync folder", &e))
}

#[cfg(unix)]
fn permission_bits(meta: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn permission_bits(_meta: &std::fs::Metadata) -> u32 {
    0o644
}

/// `fchmod` on the open handle.
#[cfg(unix)]
fn set_mode(file: &std::fs::File, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_file: &std::fs::File, _mode: u32) -> std::io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode_of(path: &Path) -> u32 {
        std::fs::symlink_metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn replaces_keeping_the_mode_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.json");
        write_atomic(&file, b"one", Mode::default()).unwrap();
        assert_eq!(mode_of(&file), 0o644);
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&file, b"two", Mode::default()).unwrap();
        assert_eq!((std::fs::read_to_string(&file).unwrap().as_str(), mode_of(&file)), ("two", 0o640));
        write_atomic(&file, b"three", Mode::Exactly(0o600)).unwrap();
        assert_eq!(mode_of(&file), 0o600);
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["a.json"]);
    }

    #[test]
    fn a_symbolic_link_target_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside.txt");
        std::fs::write(&outside, "keep").unwrap();
        let link = dir.path().join("a.json");
        std::os::unix::fs::symlink(&outside, &link).unwrap();
        let err = write_atomic(&link, b"x", Mode::default()).unwrap_err();
        assert_eq!(err.reason, "is a symbolic link; actionhost does not write through symbolic links");
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep");
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    }
}
