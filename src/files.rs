//! Reading and writing the user's files safely (docs/FILES.md).
//!
//! Reading: every user file (scenario, save, script, configuration) is opened
//! non-blocking, so a FIFO with no writer reads as empty instead of hanging,
//! and read through `take(limit + 1)`, so `/dev/zero` or a huge file is
//! refused after `limit` bytes instead of filling memory. A folder is refused.
//!
//! Writing ([`write_atomic`]): a regular file (or a new one) is replaced
//! atomically — a temporary file with an unpredictable name created with
//! `O_EXCL` in the target's folder, synced, renamed over the target, then the
//! folder synced — so a killed process leaves the old file or the new one. A
//! symlink is followed and its target replaced. A target that exists and is
//! not a regular file (a terminal, a device, a FIFO) is written in place. The
//! temporary files of a killed run (`.NAME.bctmp-PID-RANDOM`, PID no longer
//! running) are removed at the next write of the same target.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The bytes of `path`, at most `limit` of them: a file over the limit is an
/// [`io::ErrorKind::FileTooLarge`] error (see [`is_too_large`]).
pub fn read_limited(path: &Path, limit: usize) -> io::Result<Vec<u8>> {
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    let meta = file.metadata()?;
    if meta.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "it is a folder, not a file",
        ));
    }
    // Blocking reads from here on: a FIFO whose writer has gone reads as
    // empty, one with a writer is read as it comes.
    set_blocking(&file)?;
    let mut bytes = Vec::with_capacity(if meta.is_file() {
        (meta.len() as usize).min(limit + 1)
    } else {
        0
    });
    file.take(limit as u64 + 1).read_to_end(&mut bytes)?;
    if bytes.len() > limit {
        return Err(too_large(limit));
    }
    Ok(bytes)
}

/// The error [`read_limited`] gives for a file over its limit.
pub fn too_large(limit: usize) -> io::Error {
    io::Error::new(
        io::ErrorKind::FileTooLarge,
        format!("the file is larger than {limit} bytes, the most read"),
    )
}

/// Whether an error from [`read_limited`] is the size limit.
pub fn is_too_large(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::FileTooLarge
}

fn set_blocking(file: &File) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let fd = file.as_raw_fd();
    // SAFETY: fcntl on a descriptor we own, with integer arguments only.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: as above.
    if unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// A problem with an output path, found before any work is done.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{file}: the folder {folder} does not exist")]
    NoFolder { file: String, folder: String },
    #[error("{file}: {folder} is not a folder")]
    NotAFolder { file: String, folder: String },
    #[error("{file}: is a folder; expected a file name")]
    IsAFolder { file: String },
    #[error("{file}: ends in '/', so names a folder; expected a file name")]
    FolderName { file: String },
    #[error("{file}: cannot write in the folder {folder}: {source}")]
    Folder {
        file: String,
        folder: String,
        #[source]
        source: io::Error,
    },
    #[error("{file}: cannot write: {source}")]
    Target {
        file: String,
        #[source]
        source: io::Error,
    },
    #[error("{file}: is also {what}; refusing to write over it")]
    Input { file: String, what: String },
}

/// How many symlinks [`resolve`] follows before giving up (as the kernel does).
const MAX_LINKS: usize = 40;

/// The file a write to `path` lands on: symlinks followed (even a dangling
/// one, whose target is then created). `None` when the write goes in place:
/// `path` is not a regular file (a terminal, a device, a FIFO), or it goes
/// through `/dev` or `/proc` (e.g. `/dev/stdout`, whose links only the kernel
/// resolves).
pub fn resolve(path: &Path) -> io::Result<Option<PathBuf>> {
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        return Ok(None);
    }
    let special = |p: &Path| p.starts_with("/dev") || p.starts_with("/proc");
    let mut p = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        if special(&p) {
            return Ok(None);
        }
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = std::fs::read_link(&p)?;
                p = match p.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            _ => return Ok(Some(p)),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// The folder a file lands in (`.` for a bare name).
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Check, before any work, that `path` can be written: its folder exists and
/// takes a new file, or it is an existing file that is not a folder.
pub fn check_output(path: &Path) -> Result<(), OutputError> {
    use std::os::unix::ffi::OsStrExt;
    let file = path.display().to_string();
    // `new/` cannot be made a file: refuse it now, not after the work.
    if path.as_os_str().as_bytes().ends_with(b"/") && !path.is_dir() {
        return Err(OutputError::FolderName { file });
    }
    let target = resolve(path).map_err(|source| OutputError::Target {
        file: file.clone(),
        source,
    })?;
    // Written in place: a terminal, a device, a FIFO.
    let Some(target) = target else {
        return match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => Err(OutputError::IsAFolder { file }),
            Ok(_) => Ok(()),
            Err(source) => Err(OutputError::Target { file, source }),
        };
    };
    if std::fs::metadata(&target).is_ok_and(|m| m.is_dir()) {
        return Err(OutputError::IsAFolder { file });
    }
    let dir = folder_of(&target);
    let folder = dir.display().to_string();
    match std::fs::metadata(&dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Err(OutputError::NotAFolder { file, folder }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            // A missing folder on the way, or a file where a folder should be.
            let blocked = dir.ancestors().skip(1).find_map(|a| {
                std::fs::metadata(if a.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    a
                })
                .ok()
                .map(|m| (a.to_path_buf(), m.is_dir()))
            });
            return Err(match blocked {
                Some((a, false)) => OutputError::NotAFolder {
                    file,
                    folder: a.display().to_string(),
                },
                _ => OutputError::NoFolder { file, folder },
            });
        }
        Err(source) => {
            return Err(OutputError::Folder {
                file,
                folder,
                source,
            });
        }
    }
    // The only honest test of "can a file be made here" is making one.
    let (probe, f) = create_temp(&dir, &target).map_err(|source| OutputError::Folder {
        file: file.clone(),
        folder: folder.clone(),
        source,
    })?;
    drop(f);
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// Refuse an output that is the same file as an input (after symlinks and
/// hard links: same device and inode). `what` names the input in the message.
pub fn check_not_input(out: &Path, input: &Path, what: &str) -> Result<(), OutputError> {
    if same_file(out, input) {
        return Err(OutputError::Input {
            file: out.display().to_string(),
            what: what.into(),
        });
    }
    Ok(())
}

/// Whether two paths name the same existing file.
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

/// Whether two output paths land on the same file, even when neither exists
/// yet: `x.txt`, `./x.txt` and `sub/../x.txt` (or a dangling symlink to it)
/// are one file once written.
pub fn same_target(a: &Path, b: &Path) -> bool {
    if a == b || same_file(a, b) {
        return true;
    }
    let landing = |p: &Path| -> Option<PathBuf> {
        let target = resolve(p).ok()??;
        let dir = std::fs::canonicalize(folder_of(&target)).ok()?;
        Some(dir.join(target.file_name()?))
    };
    matches!((landing(a), landing(b)), (Some(x), Some(y)) if x == y)
}

/// The temporary-name prefix for `target`: `.NAME.bctmp-`.
fn temp_prefix(target: &Path) -> String {
    let name = target
        .file_name()
        .map_or("out".into(), |n| n.to_string_lossy().into_owned());
    format!(".{name}.bctmp-")
}

/// A new temporary file beside `target`, created with `O_EXCL` under an
/// unpredictable name, so a file or link planted in a shared folder is never
/// opened.
fn create_temp(dir: &Path, target: &Path) -> io::Result<(PathBuf, File)> {
    let prefix = temp_prefix(target);
    let mut last = None;
    for _ in 0..8 {
        let tmp = dir.join(format!(
            "{prefix}{}-{:016x}",
            std::process::id(),
            rand::random::<u64>()
        ));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no free temporary name")))
}

/// Remove the temporary files of `target` left by runs that are no longer running.
fn remove_stale_temps(dir: &Path, target: &Path) {
    let prefix = temp_prefix(target);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let Some((pid, random)) = rest.split_once('-') else {
            continue;
        };
        let (Ok(pid), true) = (
            pid.parse::<i32>(),
            random.len() == 16 && random.chars().all(|c| c.is_ascii_hexdigit()),
        ) else {
            continue;
        };
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file && pid > 0 && pid as u32 != std::process::id() && !running(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether a process with this id exists.
fn running(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

/// Write `bytes` to `path`: atomically for a regular or new file, in place for
/// a terminal, device or FIFO (see the module documentation).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let Some(target) = resolve(path)? else {
        return write_in_place(path, bytes);
    };
    match std::fs::metadata(&target) {
        Ok(m) if m.is_dir() => Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "it is a folder, not a file",
        )),
        Ok(m) => write_replacing(&target, Some(m), bytes),
        Err(e) if e.kind() == io::ErrorKind::NotFound => write_replacing(&target, None, bytes),
        Err(e) => Err(e),
    }
}

fn write_in_place(target: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = open_in_place(target)?;
    file.write_all(bytes)?;
    file.flush()
}

/// Open a target that is written in place (a terminal, device or FIFO, or a
/// file reached through one of the system's special folders) for writing.
fn open_in_place(target: &Path) -> io::Result<File> {
    let meta = std::fs::metadata(target)?;
    if meta.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "it is a folder, not a file",
        ));
    }
    // Non-blocking open: a FIFO nobody reads is an error (ENXIO), not a hang.
    // A regular file reached through /dev or /proc is truncated first.
    let file = OpenOptions::new()
        .write(true)
        .truncate(meta.is_file())
        .custom_flags(libc::O_NONBLOCK)
        .open(target)
        .map_err(|e| {
            if meta.file_type().is_fifo() && e.raw_os_error() == Some(libc::ENXIO) {
                io::Error::new(e.kind(), "a FIFO with no reader")
            } else {
                e
            }
        })?;
    set_blocking(&file)?;
    Ok(file)
}

/// A file written as a stream and published whole: the bytes go to a
/// temporary file beside the target, and [`AtomicWriter::commit`] renames it
/// over the target (as [`write_atomic`] does). Dropped without a commit, the
/// temporary file is removed and the target is left as it was. A target that
/// is a terminal, device or FIFO is written in place.
pub struct AtomicWriter {
    file: io::BufWriter<File>,
    /// (temporary file, target, the target's old metadata) when replacing.
    replace: Option<(PathBuf, PathBuf, Option<Metadata>)>,
}

impl AtomicWriter {
    /// Start writing `path`.
    pub fn create(path: &Path) -> io::Result<AtomicWriter> {
        let Some(target) = resolve(path)? else {
            let file = open_in_place(path)?;
            return Ok(AtomicWriter {
                file: io::BufWriter::with_capacity(1 << 16, file),
                replace: None,
            });
        };
        let old = match std::fs::metadata(&target) {
            Ok(m) if m.is_dir() => {
                return Err(io::Error::new(
                    io::ErrorKind::IsADirectory,
                    "it is a folder, not a file",
                ));
            }
            Ok(m) => Some(m),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        let dir = check_folder(&target)?;
        remove_stale_temps(&dir, &target);
        let (tmp, file) = create_temp(&dir, &target)?;
        Ok(AtomicWriter {
            file: io::BufWriter::with_capacity(1 << 16, file),
            replace: Some((tmp, target, old)),
        })
    }

    /// Publish the file: flush, sync and rename it over the target.
    pub fn commit(mut self) -> io::Result<()> {
        self.file.flush()?;
        let Some((tmp, target, old)) = self.replace.take() else {
            return Ok(());
        };
        let result = (|| {
            let file = self.file.get_ref();
            if let Some(m) = &old {
                let mode = m.permissions().mode() & 0o7777;
                file.set_permissions(std::fs::Permissions::from_mode(mode))?;
            }
            file.sync_all()?;
            std::fs::rename(&tmp, &target)?;
            File::open(folder_of(&target))?.sync_all()
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }
}

impl Write for AtomicWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Drop for AtomicWriter {
    fn drop(&mut self) {
        if let Some((tmp, _, _)) = self.replace.take() {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// The folder a target goes in, checked to exist and be a folder.
fn check_folder(target: &Path) -> io::Result<PathBuf> {
    let dir = folder_of(target);
    match std::fs::metadata(&dir) {
        Ok(m) if m.is_dir() => Ok(dir),
        Ok(_) => Err(io::Error::new(io::ErrorKind::NotADirectory, "not a folder")),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("the folder {} does not exist", dir.display()),
        )),
        Err(e) => Err(e),
    }
}

fn write_replacing(target: &Path, old: Option<Metadata>, bytes: &[u8]) -> io::Result<()> {
    let dir = folder_of(target);
    match std::fs::metadata(&dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Err(io::Error::new(io::ErrorKind::NotADirectory, "not a folder")),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("the folder {} does not exist", dir.display()),
            ));
        }
        Err(e) => return Err(e),
    }
    remove_stale_temps(&dir, target);
    let (tmp, mut file) = create_temp(&dir, target)?;
    let result = (|| {
        file.write_all(bytes)?;
        // A replaced file keeps its permissions; a new one has the usual ones.
        if let Some(m) = &old {
            let mode = m.permissions().mode() & 0o7777;
            file.set_permissions(std::fs::Permissions::from_mode(mode))?;
        }
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, target)?;
        // The rename is durable only once the folder is synced.
        File::open(&dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("bc-files-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn stale_temps_of_dead_runs_are_removed_and_others_kept() {
        let d = scratch("stale");
        let target = d.join("out.txt");
        // pid 0x7fff_fff0 is far above any pid_max, so it is not running.
        let stale = d.join(".out.txt.bctmp-2147483632-0123456789abcdef");
        let alive = d.join(format!(
            ".out.txt.bctmp-{}-0123456789abcdef",
            std::process::id()
        ));
        let other = d.join(".other.txt.bctmp-2147483632-0123456789abcdef");
        let unlike = d.join(".out.txt.bctmp-2147483632-notours");
        for f in [&stale, &alive, &other, &unlike] {
            std::fs::write(f, "x").unwrap();
        }
        write_atomic(&target, b"new").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        assert!(!stale.exists());
        assert!(alive.exists() && other.exists() && unlike.exists());
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn a_replaced_file_keeps_its_permissions() {
        let d = scratch("perm");
        let target = d.join("out.txt");
        std::fs::write(&target, "old").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&target, b"new").unwrap();
        let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        let _ = std::fs::remove_dir_all(&d);
    }
}
