//! Reading an input file with a size bound, refusing anything but a regular file without
//! blocking: the file is opened with `O_NONBLOCK` (so a FIFO without a writer does not block the
//! open), checked with `fstat` on the open handle (so a path swapped after a check cannot slip
//! through), then read up to [`MAX_INPUT_BYTES`] + 1 bytes (so a file that grows while it is
//! read is still caught).

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::Path;

use super::FileError;

/// The largest input file actionhost reads: 16 MiB. Scripts, JSON inputs, case files, tenant
/// files, state files and keyword files are far smaller; a larger one is refused rather than
/// read into memory.
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

/// The bytes of a regular file of at most [`MAX_INPUT_BYTES`].
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, FileError> {
    let file = open(path).map_err(|e| FileError::io(path, &e))?;
    let meta = file.metadata().map_err(|e| FileError::io(path, &e))?;
    if !meta.is_file() {
        let kind = describe(&meta.file_type());
        return Err(FileError::new(path, format!("not a regular file ({kind}); actionhost reads only regular files")));
    }
    if meta.len() > MAX_INPUT_BYTES {
        return Err(too_large(path, meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes).map_err(|e| FileError::io(path, &e))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(too_large(path, bytes.len() as u64));
    }
    Ok(bytes)
}

/// Whether a path given on the command line names standard input (`-` or `/dev/stdin`).
pub fn is_stdin(path: &Path) -> bool {
    path == Path::new("-") || path == Path::new("/dev/stdin")
}

/// Standard input as UTF-8 text, read to its end but never past [`MAX_INPUT_BYTES`]: for an
/// input the user pipes in explicitly (`--event -`), the one input that is not a regular file.
pub fn read_stdin_text() -> Result<String, FileError> {
    let path = Path::new("standard input");
    let mut bytes = Vec::new();
    std::io::stdin().lock().take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes).map_err(|e| FileError::io(path, &e))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(too_large(path, bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| {
        FileError::new(path, format!("not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to()))
    })
}

/// The UTF-8 text of a regular file of at most [`MAX_INPUT_BYTES`].
pub fn read_text(path: &Path) -> Result<String, FileError> {
    String::from_utf8(read_bytes(path)?).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        FileError::new(path, format!("not UTF-8 text (invalid byte at offset {at})"))
    })
}

fn too_large(path: &Path, size: u64) -> FileError {
    let limit = MAX_INPUT_BYTES / (1024 * 1024);
    let shown = if size > MAX_INPUT_BYTES + 1 { format!("{size} bytes") } else { format!("more than {limit} MiB") };
    FileError::new(path, format!("too large ({shown}): actionhost reads at most {limit} MiB from an input file"))
}

#[cfg(unix)]
fn open(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY).open(path)
}

#[cfg(not(unix))]
fn open(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().read(true).open(path)
}

#[cfg(unix)]
fn describe(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_dir() {
        "a folder"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "not a file"
    }
}

#[cfg(not(unix))]
fn describe(kind: &std::fs::FileType) -> &'static str {
    if kind.is_dir() {
        "a folder"
    } else {
        "not a file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_are_read_and_others_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.json");
        std::fs::write(&file, "{}").unwrap();
        assert_eq!(read_text(&file).unwrap(), "{}");
        let err = read_text(dir.path()).unwrap_err();
        assert_eq!(err.reason, "not a regular file (a folder); actionhost reads only regular files");
        let err = read_text(Path::new("/dev/zero")).unwrap_err();
        assert!(err.reason.starts_with("not a regular file (a character device)"), "{err}");
        let err = read_text(&dir.path().join("missing")).unwrap_err();
        assert!(err.not_found, "{err}");
        std::fs::write(&file, [b'a', 0xff]).unwrap();
        assert_eq!(read_text(&file).unwrap_err().reason, "not UTF-8 text (invalid byte at offset 1)");
    }

    #[test]
    fn files_over_the_bound_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("big.js");
        let handle = File::create(&file).unwrap();
        handle.set_len(MAX_INPUT_BYTES).unwrap();
        assert_eq!(read_bytes(&file).unwrap().len() as u64, MAX_INPUT_BYTES);
        handle.set_len(MAX_INPUT_BYTES + 10).unwrap();
        let err = read_bytes(&file).unwrap_err();
        assert_eq!(
            err.reason,
            format!("too large ({} bytes): actionhost reads at most 16 MiB from an input file", MAX_INPUT_BYTES + 10)
        );
    }
}
