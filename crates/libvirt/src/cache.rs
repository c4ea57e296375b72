//! A cache of compiled host schemas, so a run loads a schema directory's `domain.rng` instead of
//! compiling it. Never required: any failure (no cache directory, a corrupt or stale entry, a
//! full disk) falls back to compiling.
//!
//! An entry is named after the entry file's path and records every file the compilation read
//! with a checksum of its content and its metadata; it is used only when each file still has
//! that content, so an upgraded libvirt is compiled again. Unchanged metadata vouches for
//! unchanged content (as in git's index), so a run reads no schema file; any difference in it
//! falls back to comparing content. Entries are written to a temporary file and renamed,
//! so concurrent runs see a whole entry or none; the catalogue in it carries its own checksum.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use domxml_schema::serial::{checksum, from_bytes, to_bytes};
use domxml_schema::{Catalogue, DiskFiles, SchemaError, SchemaFiles, compile};

const HEADER: &str = "domxml-schema-cache 3";

/// `$XDG_CACHE_HOME/domxml`, else `~/.cache/domxml`; `None` when neither can be named.
pub fn directory() -> Option<PathBuf> {
    let xdg = std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty());
    match xdg {
        Some(dir) => Some(PathBuf::from(dir).join("domxml")),
        None => std::env::var_os("HOME")
            .filter(|v| !v.is_empty())
            .map(|home| PathBuf::from(home).join(".cache/domxml")),
    }
}

/// A file's modification time and size, as a cache key part: `None` when it cannot be read.
pub fn file_stamp(file: &Path) -> Option<String> {
    let meta = std::fs::metadata(file).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some(format!(
        "{}.{:09}+{}",
        modified.as_secs(),
        modified.subsec_nanos(),
        meta.len()
    ))
}

const ANSWER_HEADER: &str = "domxml-answer 1";

/// A small remembered answer (one line of `key`, whatever text): `None` when `dir` has none
/// for exactly this key.
pub fn load_answer(dir: Option<&Path>, key: &str) -> Option<String> {
    let text = std::fs::read_to_string(answer_file(dir?, key)).ok()?;
    let rest = text.strip_prefix(ANSWER_HEADER)?.strip_prefix('\n')?;
    let rest = rest.strip_prefix(key)?.strip_prefix('\n')?;
    Some(rest.to_owned())
}

/// Remembers `answer` for `key` (best effort: a failure only means computing it again).
pub fn store_answer(dir: Option<&Path>, key: &str, answer: &str) {
    let Some(dir) = dir else { return };
    if key.contains('\n') || std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let file = answer_file(dir, key);
    let tmp = file.with_extension(format!("answer.{}.tmp", std::process::id()));
    let text = format!("{ANSWER_HEADER}\n{key}\n{answer}");
    if std::fs::write(&tmp, text).is_ok() && std::fs::rename(&tmp, &file).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

fn answer_file(dir: &Path, key: &str) -> PathBuf {
    // Named after the key without its last word (the stamp), so a new stamp replaces the
    // old answer instead of piling up files.
    let name = key.rsplit_once(' ').map_or(key, |(k, _)| k);
    dir.join(format!("{:016x}.answer", checksum(name.as_bytes())))
}

/// What a lookup did (tests and `--print-schema` tell hits from misses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every schema file has the metadata it had when the entry was written: none was read.
    Hit,
    /// Some file's metadata changed (or was too recent to vouch for its content), but every
    /// file still has the recorded content; the entry now records the current metadata.
    ContentHit,
    /// Compiled, and stored when `dir` could be written.
    Compiled,
}

/// How long after a file's last change its metadata is trusted to tell its content: file
/// times have a coarse granularity (a kernel tick; a second or two on some file systems), so
/// a file changed twice within one granule keeps its times. Only files whose last change is
/// older than this when they are read get their metadata recorded (git's "racily clean").
const SETTLED: std::time::Duration = std::time::Duration::from_secs(3);

/// The compiled schema of `entry`, from the cache in `dir` when it is current.
///
/// An entry is current when each file the compilation read has its recorded metadata (device,
/// inode, size, modification and change times, like git's index): then no schema file is
/// read. Otherwise each file is read and compared by checksum with what was compiled, so a
/// touched but unchanged file still hits, and a changed one never does.
pub fn compile_cached(
    dir: Option<&Path>,
    entry: &str,
) -> (Result<Catalogue, Vec<SchemaError>>, Outcome) {
    compile_cached_at(dir, entry, std::time::SystemTime::now())
}

fn compile_cached_at(
    dir: Option<&Path>,
    entry: &str,
    now: std::time::SystemTime,
) -> (Result<Catalogue, Vec<SchemaError>>, Outcome) {
    let Some(dir) = dir else {
        return (compile(&DiskFiles, entry), Outcome::Compiled);
    };
    // Named after the format too: binaries of other versions sharing the cache directory keep
    // their own entries instead of replacing each other's on every run.
    let name = checksum(format!("{HEADER}\n{entry}").as_bytes());
    let file = dir.join(format!("{name:016x}.catalogue"));
    if let Some(loaded) = load(&file, entry, now) {
        return match loaded {
            Loaded::Unchanged(cat) => (Ok(cat), Outcome::Hit),
            Loaded::SameContent(cat, refreshed) => {
                if let Some(bytes) = refreshed {
                    let _ = write_entry(dir, &file, &bytes);
                }
                (Ok(cat), Outcome::ContentHit)
            }
        };
    }
    let recording = Recording {
        read: Mutex::default(),
        now,
    };
    let compiled = compile(&recording, entry);
    if let Ok(cat) = &compiled {
        let read = recording.read.into_inner().unwrap_or_default();
        if let Some(header) = header(entry, &read) {
            let mut bytes = header;
            bytes.extend_from_slice(&to_bytes(cat));
            let _ = write_entry(dir, &file, &bytes);
        }
    }
    (compiled, Outcome::Compiled)
}

/// A file the compilation read: its path, the checksum of its content and, when it had
/// settled (see [`SETTLED`]), its metadata as read just before the content.
struct Record {
    path: String,
    sum: u64,
    stamp: Option<String>,
}

/// Disk files, remembering what was read.
struct Recording {
    read: Mutex<Vec<Record>>,
    now: std::time::SystemTime,
}

impl SchemaFiles for Recording {
    fn read(&self, path: &str) -> Result<String, String> {
        // Metadata before content: a change in between then shows as changed metadata,
        // never as new content under the old metadata.
        let stamp = settled_stamp(Path::new(path), self.now);
        let text = DiskFiles.read(path)?;
        if let Ok(mut read) = self.read.lock() {
            read.push(Record {
                path: path.to_owned(),
                sum: checksum(text.as_bytes()),
                stamp,
            });
        }
        Ok(text)
    }
}

/// A file's identity and change times (device, inode, size, modification and status change
/// times in nanoseconds); `None` when it cannot be read or on systems without them.
#[cfg(unix)]
fn metadata_stamp(file: &Path) -> Option<(String, std::time::SystemTime)> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(file).ok()?;
    let stamp = format!(
        "{}:{}:{}:{}.{:09}:{}.{:09}",
        m.dev(),
        m.ino(),
        m.size(),
        m.mtime(),
        m.mtime_nsec(),
        m.ctime(),
        m.ctime_nsec()
    );
    // The later of the two times: `touch` can set the modification time back, never the
    // status change time.
    let ctime = u64::try_from(m.ctime()).ok().map(|s| {
        std::time::UNIX_EPOCH
            + std::time::Duration::new(s, u32::try_from(m.ctime_nsec()).unwrap_or(0))
    })?;
    let changed = m.modified().ok().map_or(ctime, |t| t.max(ctime));
    Some((stamp, changed))
}

#[cfg(not(unix))]
fn metadata_stamp(_file: &Path) -> Option<(String, std::time::SystemTime)> {
    None
}

/// The file's stamp, when its last change is at least [`SETTLED`] before `now`.
fn settled_stamp(file: &Path, now: std::time::SystemTime) -> Option<String> {
    let (stamp, changed) = metadata_stamp(file)?;
    (changed + SETTLED <= now).then_some(stamp)
}

/// The entry's header: HEADER, the entry, the number of files, then `checksum stamp path` per
/// file (`-` for no stamp). `None` when a name cannot be written on one line.
fn header(entry: &str, read: &[Record]) -> Option<Vec<u8>> {
    let one_line = |s: &str| !s.contains('\n');
    if !one_line(entry) || !read.iter().all(|r| one_line(&r.path)) {
        return None;
    }
    let mut bytes = format!("{HEADER}\n{entry}\n{}\n", read.len()).into_bytes();
    for r in read {
        let stamp = r.stamp.as_deref().unwrap_or("-");
        bytes.extend_from_slice(format!("{:016x} {stamp} {}\n", r.sum, r.path).as_bytes());
    }
    Some(bytes)
}

enum Loaded {
    Unchanged(Catalogue),
    /// The catalogue, and the entry rewritten with current stamps when they differ.
    SameContent(Catalogue, Option<Vec<u8>>),
}

fn load(file: &Path, entry: &str, now: std::time::SystemTime) -> Option<Loaded> {
    let bytes = std::fs::read(file).ok()?;
    let mut at = 0;
    let mut line = || {
        let rest = bytes.get(at..)?;
        let end = rest.iter().position(|&b| b == b'\n')?;
        at += end + 1;
        std::str::from_utf8(&rest[..end]).ok()
    };
    if line()? != HEADER || line()? != entry {
        return None;
    }
    let count: usize = line()?.parse().ok()?;
    let mut records = Vec::new();
    for _ in 0..count {
        let (sum, rest) = line()?.split_once(' ')?;
        let (stamp, path) = rest.split_once(' ')?;
        records.push(Record {
            path: path.to_owned(),
            sum: u64::from_str_radix(sum, 16).ok()?,
            stamp: (stamp != "-").then(|| stamp.to_owned()),
        });
    }
    let payload = bytes.get(at..)?;
    let unchanged = records.iter().all(|r| {
        r.stamp.is_some() && metadata_stamp(Path::new(&r.path)).map(|(s, _)| s) == r.stamp
    });
    if unchanged {
        return from_bytes(payload).ok().map(Loaded::Unchanged);
    }
    let mut current = Vec::with_capacity(records.len());
    for r in &records {
        let stamp = settled_stamp(Path::new(&r.path), now);
        let text = std::fs::read(&r.path).ok()?;
        if checksum(&text) != r.sum {
            return None;
        }
        current.push(Record {
            path: r.path.clone(),
            sum: r.sum,
            stamp,
        });
    }
    let cat = from_bytes(payload).ok()?;
    let refresh = current
        .iter()
        .zip(&records)
        .any(|(now, then)| now.stamp != then.stamp);
    let refreshed = if refresh {
        header(entry, &current).map(|mut h| {
            h.extend_from_slice(payload);
            h
        })
    } else {
        None
    };
    Some(Loaded::SameContent(cat, refreshed))
}

/// Writes a whole entry: to a temporary file, then renamed over `file`, so concurrent runs
/// see a whole entry or none.
fn write_entry(dir: &Path, file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    static WRITES: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(
        ".{}.{}-{nanos}-{n}.tmp",
        file.file_name().and_then(|n| n.to_str()).unwrap_or("entry"),
        std::process::id()
    ));
    let written = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, file));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAIN: &str = r#"<grammar xmlns="http://relaxng.org/ns/structure/1.0">
      <include href="types.rng"/>
      <start><element name="domain"><ref name="t"/></element></start></grammar>"#;
    const TYPES: &str = r#"<grammar xmlns="http://relaxng.org/ns/structure/1.0">
      <define name="t"><attribute name="type"><value>kvm</value></attribute></define></grammar>"#;

    fn fixture() -> (tempdir::Dir, String) {
        let d = tempdir::Dir::new("cache");
        std::fs::write(d.path.join("domain.rng"), MAIN).unwrap();
        std::fs::write(d.path.join("types.rng"), TYPES).unwrap();
        let entry = d.path.join("domain.rng").to_string_lossy().into_owned();
        (d, entry)
    }

    fn hit(o: Outcome) -> bool {
        matches!(o, Outcome::Hit | Outcome::ContentHit)
    }

    /// A time when the fixture's files have long settled (their metadata is trusted).
    fn later() -> std::time::SystemTime {
        std::time::SystemTime::now() + std::time::Duration::from_secs(3600)
    }

    /// Rewrites `file` with `text` and puts its modification time back, as an editor or a
    /// tool preserving times might; returns once the change time moved (file times are
    /// coarse: two writes within one tick can share them).
    fn rewrite_keeping_mtime(file: &Path, text: &str) {
        let before = std::fs::metadata(file).unwrap();
        let ctime = |m: &std::fs::Metadata| {
            use std::os::unix::fs::MetadataExt;
            (m.ctime(), m.ctime_nsec())
        };
        for _ in 0..200 {
            std::fs::write(file, text).unwrap();
            set_modified(file, before.modified().unwrap());
            let after = std::fs::metadata(file).unwrap();
            assert_eq!(after.len(), before.len(), "a same-size edit");
            assert_eq!(after.modified().unwrap(), before.modified().unwrap());
            if ctime(&after) != ctime(&before) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        panic!("the change time of {} never moved", file.display());
    }

    /// What a lookup at time `at` did.
    fn lookup(cache: &Path, entry: &str, at: std::time::SystemTime) -> Outcome {
        compile_cached_at(Some(cache), entry, at).1
    }

    fn set_modified(file: &Path, time: std::time::SystemTime) {
        std::fs::File::options()
            .write(true)
            .open(file)
            .unwrap()
            .set_modified(time)
            .unwrap();
    }

    #[test]
    fn settled_files_hit_by_metadata_and_any_change_is_seen() {
        let (d, entry) = fixture();
        let cache = d.path.join("c");
        let at = later();
        assert_eq!(lookup(&cache, &entry, at), Outcome::Compiled);
        assert_eq!(lookup(&cache, &entry, at), Outcome::Hit);
        // Same size, same modification time, other content: the change time tells.
        let types = d.path.join("types.rng");
        rewrite_keeping_mtime(&types, &TYPES.replace("kvm", "xen"));
        let (cat, outcome) = compile_cached_at(Some(&cache), &entry, at);
        assert_eq!(outcome, Outcome::Compiled);
        let cat = cat.unwrap();
        assert_eq!(errors(&cat, "<domain type='xen'/>"), 0);
        assert_eq!(errors(&cat, "<domain type='kvm'/>"), 1);
        assert_eq!(lookup(&cache, &entry, at), Outcome::Hit);
        // Replaced by another file (a package upgrade renames into place) with the same size
        // and times as far as `touch` can set them: the inode tells.
        let modified = std::fs::metadata(&types).unwrap().modified().unwrap();
        let fresh = d.path.join("types.rng.new");
        std::fs::write(&fresh, TYPES).unwrap();
        set_modified(&fresh, modified);
        std::fs::rename(&fresh, &types).unwrap();
        let (cat, outcome) = compile_cached_at(Some(&cache), &entry, at);
        assert_eq!(outcome, Outcome::Compiled);
        assert_eq!(errors(&cat.unwrap(), "<domain type='kvm'/>"), 0);
    }

    #[test]
    fn touched_files_are_compared_by_content_and_then_trusted_again() {
        let (d, entry) = fixture();
        let cache = d.path.join("c");
        let at = later();
        assert_eq!(lookup(&cache, &entry, at), Outcome::Compiled);
        let types = d.path.join("types.rng");
        set_modified(
            &types,
            std::time::SystemTime::now() - std::time::Duration::from_secs(60),
        );
        assert_eq!(lookup(&cache, &entry, at), Outcome::ContentHit);
        assert_eq!(lookup(&cache, &entry, at), Outcome::Hit);
    }

    #[test]
    fn files_changed_moments_ago_are_always_compared_by_content() {
        // Just written: their times may not yet tell one write from the next, so they are
        // never vouched for by metadata, and an edit within the same tick is still seen.
        let (d, entry) = fixture();
        let cache = d.path.join("c");
        let now = std::time::SystemTime::now();
        assert_eq!(lookup(&cache, &entry, now), Outcome::Compiled);
        assert_eq!(lookup(&cache, &entry, now), Outcome::ContentHit);
        let stored = std::fs::read(cache.read_dir().unwrap().next().unwrap().unwrap().path());
        let stored = stored.unwrap();
        let records: Vec<&[u8]> = stored.split(|&b| b == b'\n').skip(3).take(2).collect();
        for record in records {
            let fields: Vec<&[u8]> = record.splitn(3, |&b| b == b' ').collect();
            assert_eq!(fields[1], b"-", "no stamp recorded");
        }
        std::fs::write(d.path.join("types.rng"), TYPES.replace("kvm", "xen")).unwrap();
        let (cat, outcome) = compile_cached_at(Some(&cache), &entry, now);
        assert_eq!(outcome, Outcome::Compiled);
        assert_eq!(errors(&cat.unwrap(), "<domain type='xen'/>"), 0);
    }

    fn errors(cat: &Catalogue, doc: &str) -> usize {
        domxml_schema::validate(cat, &domxml_syntax::parse(doc).document()).len()
    }

    #[test]
    fn miss_then_hit_then_recompiled_when_an_included_file_changes() {
        let (d, entry) = fixture();
        let cache = d.path.join("c");
        let (first, o1) = compile_cached(Some(&cache), &entry);
        assert_eq!(o1, Outcome::Compiled);
        let (second, o2) = compile_cached(Some(&cache), &entry);
        assert!(hit(o2), "{o2:?}");
        let (first, second) = (first.unwrap(), second.unwrap());
        for doc in ["<domain type='kvm'/>", "<domain type='xen'/>", "<domain/>"] {
            assert_eq!(errors(&first, doc), errors(&second, doc), "{doc}");
        }
        std::fs::write(d.path.join("types.rng"), TYPES.replace("kvm", "xen")).unwrap();
        let (third, o3) = compile_cached(Some(&cache), &entry);
        assert_eq!(o3, Outcome::Compiled);
        assert_eq!(errors(&third.unwrap(), "<domain type='xen'/>"), 0);
    }

    #[test]
    fn a_corrupt_entry_is_compiled_again_and_replaced() {
        let (d, entry) = fixture();
        let cache = d.path.join("c");
        let _ = compile_cached(Some(&cache), &entry);
        let stored = std::fs::read_dir(&cache)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let mut bytes = std::fs::read(&stored).unwrap();
        let last = bytes.len() - 20;
        bytes[last] ^= 0x55;
        std::fs::write(&stored, &bytes).unwrap();
        let (cat, outcome) = compile_cached(Some(&cache), &entry);
        assert_eq!(outcome, Outcome::Compiled);
        assert_eq!(errors(&cat.unwrap(), "<domain type='kvm'/>"), 0);
        std::fs::write(&stored, b"garbage").unwrap();
        assert_eq!(compile_cached(Some(&cache), &entry).1, Outcome::Compiled);
        assert!(hit(compile_cached(Some(&cache), &entry).1));
    }

    #[test]
    fn concurrent_runs_leave_one_whole_entry() {
        let (d, entry) = fixture();
        let cache = d.path.join("c");
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| assert!(compile_cached(Some(&cache), &entry).0.is_ok()));
            }
        });
        let names: Vec<_> = std::fs::read_dir(&cache)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        assert!(hit(compile_cached(Some(&cache), &entry).1));
    }

    #[test]
    fn an_unwritable_cache_still_compiles() {
        let (d, entry) = fixture();
        let blocked = d.path.join("file");
        std::fs::write(&blocked, "").unwrap();
        let (cat, outcome) = compile_cached(Some(&blocked.join("sub")), &entry);
        assert!(cat.is_ok());
        assert_eq!(outcome, Outcome::Compiled);
    }

    /// A temporary directory removed on drop (no extra dependency).
    mod tempdir {
        pub struct Dir {
            pub path: std::path::PathBuf,
        }
        impl Dir {
            pub fn new(tag: &str) -> Dir {
                use std::sync::atomic::{AtomicU32, Ordering};
                static N: AtomicU32 = AtomicU32::new(0);
                let path = std::env::temp_dir().join(format!(
                    "domxml-{tag}-{}-{}",
                    std::process::id(),
                    N.fetch_add(1, Ordering::Relaxed)
                ));
                std::fs::create_dir_all(&path).unwrap();
                Dir { path }
            }
        }
        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.path);
            }
        }
    }
}
