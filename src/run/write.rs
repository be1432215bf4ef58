//! Writing fixed files without ever leaving one half-written: a temporary file beside the original, the
//! original's permissions, then a rename. A file that changed on disk since it was read is not overwritten.

use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("not written: the file changed on disk after it was read; run again")]
    ChangedOnDisk,
    #[error("not written: the file is read-only")]
    ReadOnly,
    #[error("could not write: {0}")]
    Io(#[from] std::io::Error),
}

/// Replaces the file at `path` (following a symlink to its target, so the link stays a link) with `bytes`,
/// provided it still holds `original`.
pub fn write_atomic(path: &Path, original: &[u8], bytes: &[u8]) -> Result<(), WriteError> {
    let target: PathBuf = std::fs::canonicalize(path)?;
    let current = std::fs::read(&target)?;
    if current != original {
        return Err(WriteError::ChangedOnDisk);
    }
    let permissions = std::fs::metadata(&target)?.permissions();
    // Replacing by rename would succeed on a read-only file; its mode says the user does not want it changed.
    if permissions.readonly() {
        return Err(WriteError::ReadOnly);
    }
    let dir = target.parent().unwrap_or_else(|| Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".kfp-upgrade-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    std::fs::set_permissions(temp.path(), permissions)?;
    temp.persist(&target).map_err(|e| WriteError::Io(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn keeps_permissions_and_refuses_changed_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.py");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o750)).unwrap();
        write_atomic(&path, b"old", b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o750
        );
        assert!(matches!(
            write_atomic(&path, b"old", b"newer"),
            Err(WriteError::ChangedOnDisk)
        ));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left behind"
        );
    }

    #[test]
    fn refuses_read_only_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.py");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
        assert!(matches!(
            write_atomic(&path, b"old", b"new"),
            Err(WriteError::ReadOnly)
        ));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
    }

    #[test]
    fn writes_through_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.py");
        let link = dir.path().join("link.py");
        std::fs::write(&real, "old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, b"old", b"new").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
    }
}
