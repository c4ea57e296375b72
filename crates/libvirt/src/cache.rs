//! A cache of compiled host schemas, so a run loads a schema directory's `domain.rng` instead of
//! compiling it. Never required: any failure (no cache directory, a corrupt or stale entry, a
//! full disk) falls back to compiling.
//!
//! An entry is named after the entry file's path and records every file the compilation read
//! with a checksum of its content; it is used only when each file still has that content, so
//! an upgraded libvirt is compiled again. Entries are written to a temporary file and renamed,
//! so concurrent runs see a whole entry or none; the catalogue in it carries its own checksum.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use domxml_schema::serial::{checksum, from_bytes, to_bytes};
use domxml_schema::{Catalogue, DiskFiles, SchemaError, SchemaFiles, compile};

const HEADER: &str = "domxml-schema-cache 2";

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
    Hit,
    /// Compiled, and stored when `dir` could be written.
    Compiled,
}

/// The compiled schema of `entry`, from the cache in `dir` when it is current.
pub fn compile_cached(
    dir: Option<&Path>,
    entry: &str,
) -> (Result<Catalogue, Vec<SchemaError>>, Outcome) {
    let Some(dir) = dir else {
        return (compile(&DiskFiles, entry), Outcome::Compiled);
    };
    let file = dir.join(format!("{:016x}.catalogue", checksum(entry.as_bytes())));
    if let Some(cat) = load(&file, entry) {
        return (Ok(cat), Outcome::Hit);
    }
    let recording = Recording::default();
    let compiled = compile(&recording, entry);
    if let Ok(cat) = &compiled {
        let read = recording.read.into_inner().unwrap_or_default();
        let _ = store(dir, &file, entry, &read, cat);
    }
    (compiled, Outcome::Compiled)
}

/// Disk files, remembering what was read.
#[derive(Default)]
struct Recording {
    read: Mutex<Vec<(String, u64)>>,
}

impl SchemaFiles for Recording {
    fn read(&self, path: &str) -> Result<String, String> {
        let text = DiskFiles.read(path)?;
        if let Ok(mut read) = self.read.lock() {
            read.push((path.to_owned(), checksum(text.as_bytes())));
        }
        Ok(text)
    }
}

fn load(file: &Path, entry: &str) -> Option<Catalogue> {
    let bytes = std::fs::read(file).ok()?;
    // Header: HEADER, the entry, the number of files, then `checksum path` per file.
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
    for _ in 0..count {
        let (sum, path) = line()?.split_once(' ')?;
        let sum = u64::from_str_radix(sum, 16).ok()?;
        let text = std::fs::read(path).ok()?;
        if checksum(&text) != sum {
            return None;
        }
    }
    from_bytes(bytes.get(at..)?).ok()
}

fn store(
    dir: &Path,
    file: &Path,
    entry: &str,
    read: &[(String, u64)],
    cat: &Catalogue,
) -> std::io::Result<()> {
    if entry.contains('\n') || read.iter().any(|(p, _)| p.contains('\n')) {
        return Ok(());
    }
    std::fs::create_dir_all(dir)?;
    let mut bytes = format!("{HEADER}\n{entry}\n{}\n", read.len()).into_bytes();
    for (path, sum) in read {
        bytes.extend_from_slice(format!("{sum:016x} {path}\n").as_bytes());
    }
    bytes.extend_from_slice(&to_bytes(cat));
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
    let written = std::fs::write(&tmp, &bytes).and_then(|()| std::fs::rename(&tmp, file));
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
        assert_eq!(o2, Outcome::Hit);
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
        assert_eq!(compile_cached(Some(&cache), &entry).1, Outcome::Hit);
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
        assert_eq!(compile_cached(Some(&cache), &entry).1, Outcome::Hit);
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
