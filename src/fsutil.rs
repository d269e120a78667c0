//! Writing files so that a reader never sees half of one: every file gouji
//! writes (baselines, SARIF/JSON/JUnit outputs) goes to a temporary file in
//! the same directory, is flushed to disk, and is then renamed over the
//! target. A run that is killed or fails mid-write leaves the old file as
//! it was (and at worst a stray `.NAME.tmp-*` file beside it).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// Write `bytes` to `path` atomically (temp file, fsync, rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with(path, |f| f.write_all(bytes))
}

/// Like [`write_atomic`], with the content produced by `fill`. When `fill`
/// fails, the temporary file is removed and `path` is not touched.
pub fn write_atomic_with<F>(path: &Path, fill: F) -> io::Result<()>
where
    F: FnOnce(&mut File) -> io::Result<()>,
{
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{}: not a file name", path.display()),
        )
    })?;
    let (tmp, mut file) = create_temp(&dir, &name.to_string_lossy())?;
    let result = (|| {
        fill(&mut file)?;
        file.flush()?;
        // Keep the permissions of the file being replaced.
        if let Ok(meta) = fs::metadata(path) {
            file.set_permissions(meta.permissions())?;
        }
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    sync_dir(&dir);
    Ok(())
}

fn create_temp(dir: &Path, name: &str) -> io::Result<(PathBuf, File)> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.tmp-{}-{n}", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Make the rename itself durable (best effort; not possible everywhere).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temps(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".tmp-"))
            .collect()
    }

    #[test]
    fn writes_and_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("baseline.toml");
        write_atomic(&p, "一".as_bytes()).unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "一");
        write_atomic(&p, "二".as_bytes()).unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "二");
        assert!(temps(dir.path()).is_empty());
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("baseline.toml");
        fs::write(&p, "old content").unwrap();
        let err = write_atomic_with(&p, |f| {
            f.write_all(b"half of the new con")?;
            Err(io::Error::other("disk full"))
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "disk full");
        assert_eq!(fs::read_to_string(&p).unwrap(), "old content");
        assert!(temps(dir.path()).is_empty(), "temp file removed");
    }

    #[test]
    fn a_panicking_writer_leaves_the_old_file_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.sarif");
        fs::write(&p, "old").unwrap();
        let r = std::panic::catch_unwind(|| {
            let _ = write_atomic_with(&p, |f| {
                f.write_all(b"partial")?;
                panic!("killed mid-write");
            });
        });
        assert!(r.is_err());
        // The stray temp file may remain, the target is intact.
        assert_eq!(fs::read_to_string(&p).unwrap(), "old");
    }

    #[test]
    fn missing_directory_is_an_error_not_a_partial_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("no/such/dir/out.json");
        assert!(write_atomic(&p, b"{}").is_err());
        assert!(!p.exists());
    }
}
