//! Which schema validates documents, and why: an explicit choice (`domxml check --schema`, the
//! server setting `domxml.schema.path`), then the `DOMXML_SCHEMA_PATH` environment variable,
//! then the host's installed libvirt schemas, else the built-in catalogue. For a schema
//! directory, the libvirt version is detected where possible: from the package manager's
//! records (dpkg), from the libvirt library installed next to the schemas (its soname encodes
//! the version), from the directory's name (`libvirt-11.3.0/schemas`), or from the schema
//! content (elements and values introduced in known releases).
//!
//! Nothing here compiles a schema; callers compile what [`Discovery::choice`] names.

use std::path::{Path, PathBuf};

/// The environment variable naming a schema (directory, `.rng` file or `builtin`).
pub const ENV_SCHEMA_PATH: &str = "DOMXML_SCHEMA_PATH";

/// Replaces the host directories discovery looks in (`:`-separated; empty: none).
pub const ENV_HOST_SCHEMA_DIRS: &str = "DOMXML_HOST_SCHEMA_DIRS";

/// Where distributions install libvirt's schemas, in the order they are tried.
pub const HOST_SCHEMA_DIRS: &[&str] = &[
    "/usr/share/libvirt/schemas",
    "/usr/local/share/libvirt/schemas",
];

/// What validates documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaChoice {
    /// The catalogue embedded in the binary.
    Builtin,
    /// A directory of libvirt schemas: the file is picked by the document's root element.
    Dir(PathBuf),
    /// One `.rng` entry file: validates every document.
    File(PathBuf),
}

impl SchemaChoice {
    /// `builtin`, a directory, or a file (which need not exist: compiling it reports that).
    pub fn parse(s: &str) -> SchemaChoice {
        let s = s.trim();
        if s == "builtin" {
            SchemaChoice::Builtin
        } else if Path::new(s).is_dir() {
            SchemaChoice::Dir(PathBuf::from(s))
        } else {
            SchemaChoice::File(PathBuf::from(s))
        }
    }

    /// The directory holding the schema files (`None` for the built-in catalogue).
    pub fn directory(&self) -> Option<&Path> {
        match self {
            SchemaChoice::Builtin => None,
            SchemaChoice::Dir(d) => Some(d),
            SchemaChoice::File(f) => f.parent(),
        }
    }
}

impl std::fmt::Display for SchemaChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SchemaChoice::Builtin => f.write_str("built-in domxml catalogue"),
            SchemaChoice::Dir(d) => write!(f, "libvirt schemas in {}", d.display()),
            SchemaChoice::File(p) => write!(f, "schema file {}", p.display()),
        }
    }
}

/// Which rule picked the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// `--schema` or `domxml.schema.path`.
    Explicit,
    /// `DOMXML_SCHEMA_PATH`.
    Environment,
    /// The host's installed libvirt schemas.
    Host,
    /// Nothing else applied: the built-in catalogue.
    Fallback,
}

/// A libvirt version and the evidence for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetectedVersion {
    /// `9.0.0`, `11.3`, or `11.2` when only a lower bound is known (see `at_least`).
    pub version: String,
    /// Only a lower bound: the schemas have everything of `version` and nothing later that
    /// the fingerprints know of.
    pub at_least: bool,
    /// How it was found, in words.
    pub how: String,
}

impl DetectedVersion {
    /// `major.minor` (what libvirt's release notes use to name a release).
    pub fn short(&self) -> String {
        let mut parts = self.version.split('.');
        match (parts.next(), parts.next()) {
            (Some(a), Some(b)) => format!("{a}.{b}"),
            _ => self.version.clone(),
        }
    }
}

impl std::fmt::Display for DetectedVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.at_least {
            write!(f, "{} or later ({})", self.version, self.how)
        } else {
            write!(f, "{} ({})", self.version, self.how)
        }
    }
}

/// The outcome of discovery: what was chosen, by which rule, why, and the libvirt version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovery {
    pub choice: SchemaChoice,
    pub origin: Origin,
    /// Why, in one sentence.
    pub reason: String,
    /// The libvirt version of the chosen schema, when it could be told.
    pub version: Option<DetectedVersion>,
    /// Further version evidence (after the first) and the places looked at and passed over.
    pub notes: Vec<String>,
}

impl Discovery {
    /// `libvirt 9.0` (or `libvirt 11.2 or later`), when the version is known.
    pub fn libvirt_label(&self) -> Option<String> {
        self.version.as_ref().map(|v| {
            if v.at_least {
                format!("libvirt {} or later", v.short())
            } else {
                format!("libvirt {}", v.short())
            }
        })
    }
}

/// What discovery looks at; [`Inputs::from_process`] reads the real environment.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// The explicit choice and where it came from (`--schema`, `setting domxml.schema.path`).
    pub explicit: Option<(String, String)>,
    /// The value of `DOMXML_SCHEMA_PATH`.
    pub env: Option<String>,
    /// Host schema directories to try, in order.
    pub host_dirs: Vec<PathBuf>,
}

impl Inputs {
    /// The process environment and the standard host directories, with an optional explicit
    /// choice (`from` says where it came from, e.g. `--schema`).
    pub fn from_process(explicit: Option<&str>, from: &str) -> Inputs {
        Inputs {
            explicit: explicit
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| (s.to_owned(), from.to_owned())),
            env: std::env::var(ENV_SCHEMA_PATH)
                .ok()
                .filter(|s| !s.trim().is_empty()),
            host_dirs: host_dirs_from(std::env::var_os(ENV_HOST_SCHEMA_DIRS)),
        }
    }
}

/// The host directories to look in: [`HOST_SCHEMA_DIRS`], or the `:`-separated list in
/// `DOMXML_HOST_SCHEMA_DIRS` when set (empty: none), so tests and packagers can say which host
/// they mean instead of whatever this machine has installed.
fn host_dirs_from(var: Option<std::ffi::OsString>) -> Vec<PathBuf> {
    match var {
        Some(list) => std::env::split_paths(&list)
            .filter(|p| !p.as_os_str().is_empty())
            .collect(),
        None => HOST_SCHEMA_DIRS.iter().map(PathBuf::from).collect(),
    }
}

/// Picks the schema (see the module documentation for the order), with every piece of version
/// evidence (`--print-schema` shows them all).
pub fn discover(inputs: &Inputs) -> Discovery {
    discover_with(inputs, Evidence::All)
}

/// [`discover`] with only the best version evidence: what a check needs, without reading
/// every schema file for fingerprints when a package record already says the version.
pub fn discover_first(inputs: &Inputs) -> Discovery {
    discover_with(inputs, Evidence::First)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Evidence {
    All,
    First,
}

fn discover_with(inputs: &Inputs, evidence: Evidence) -> Discovery {
    let finish = |choice, origin, reason, notes| finish(choice, origin, reason, notes, evidence);
    let mut notes = Vec::new();
    let named = |value: &str, origin: Origin, reason: String, mut notes: Vec<String>| {
        let choice = SchemaChoice::parse(value);
        if let SchemaChoice::File(f) = &choice
            && !f.is_file()
        {
            notes.push(format!("{} does not exist", f.display()));
        }
        finish(choice, origin, reason, notes)
    };
    if let Some((value, from)) = &inputs.explicit {
        return named(
            value,
            Origin::Explicit,
            format!("named by {from} ({value})"),
            notes,
        );
    }
    match &inputs.env {
        Some(value) => {
            return named(
                value,
                Origin::Environment,
                format!("named by the environment variable {ENV_SCHEMA_PATH}={value}"),
                notes,
            );
        }
        None => notes.push(format!("{ENV_SCHEMA_PATH} is not set")),
    }
    for dir in &inputs.host_dirs {
        if dir.join("domain.rng").is_file() {
            return finish(
                SchemaChoice::Dir(dir.clone()),
                Origin::Host,
                format!("the host's installed libvirt schemas ({})", dir.display()),
                notes,
            );
        }
        notes.push(format!("no libvirt schemas in {}", dir.display()));
    }
    finish(
        SchemaChoice::Builtin,
        Origin::Fallback,
        "no explicit schema, no environment variable and no libvirt schemas on this host"
            .to_owned(),
        notes,
    )
}

fn finish(
    choice: SchemaChoice,
    origin: Origin,
    reason: String,
    mut notes: Vec<String>,
    evidence: Evidence,
) -> Discovery {
    let version = match &choice {
        SchemaChoice::Builtin => Some(DetectedVersion {
            version: crate::builtin::LIBVIRT_VERSION.to_owned(),
            at_least: false,
            how: "the release the built-in catalogue follows".to_owned(),
        }),
        other => {
            let detect = match evidence {
                Evidence::All => detect_versions,
                Evidence::First => |dir: &Path| detect_version(dir).into_iter().collect(),
            };
            let mut found = other
                .directory()
                .map(detect)
                .unwrap_or_default()
                .into_iter();
            let first = found.next();
            notes.extend(found.map(|v| format!("also: libvirt {v}")));
            first
        }
    };
    Discovery {
        choice,
        origin,
        reason,
        version,
        notes,
    }
}

/// The best version evidence for a schema directory (see [`detect_versions`]); the later
/// sources are only looked at when the earlier ones say nothing.
pub fn detect_version(dir: &Path) -> Option<DetectedVersion> {
    from_dpkg(dir)
        .or_else(|| from_library(dir))
        .or_else(|| from_path(dir))
        .or_else(|| from_fingerprints(dir))
}

/// Every piece of version evidence for a schema directory, most reliable first: package
/// records, the installed library, the directory name, the schema content.
pub fn detect_versions(dir: &Path) -> Vec<DetectedVersion> {
    let mut out = Vec::new();
    out.extend(from_dpkg(dir));
    out.extend(from_library(dir));
    out.extend(from_path(dir));
    out.extend(from_fingerprints(dir));
    out
}

/// The prefix a `<prefix>/share/libvirt/schemas` directory belongs to.
fn install_prefix(dir: &Path) -> Option<&Path> {
    let libvirt = dir.parent()?;
    let share = libvirt.parent()?;
    let names = (
        dir.file_name()?.to_str()?,
        libvirt.file_name()?.to_str()?,
        share.file_name()?.to_str()?,
    );
    (names == ("schemas", "libvirt", "share")).then(|| share.parent())?
}

/// The file-system root whose dpkg records could name `dir`'s package: `/usr` -> `/`;
/// `/tmp/x/usr` -> `/tmp/x`. Local installs (`/usr/local`) are not packaged.
fn dpkg_root(dir: &Path) -> Option<&Path> {
    let prefix = install_prefix(dir)?;
    if prefix.file_name()?.to_str()? != "usr" {
        return None;
    }
    prefix.parent()
}

/// Debian and derivatives: [`from_dpkg_records`], remembered in the cache directory until
/// dpkg's status file changes (every install, upgrade or removal rewrites it), since reading
/// the records (a directory of thousands of file lists, the whole status file) is most of
/// a default `domxml check`'s start-up otherwise.
fn from_dpkg(dir: &Path) -> Option<DetectedVersion> {
    // Unit tests make throw-away roots: they keep them out of the user's cache.
    let cache = if cfg!(test) {
        None
    } else {
        crate::cache::directory()
    };
    from_dpkg_cached(dir, cache.as_deref())
}

fn from_dpkg_cached(dir: &Path, cache: Option<&Path>) -> Option<DetectedVersion> {
    let root = dpkg_root(dir)?;
    let stamp = crate::cache::file_stamp(&root.join("var/lib/dpkg/status"))?;
    let key = format!("dpkg {} {stamp}", dir.display());
    if let Some(answer) = crate::cache::load_answer(cache, &key) {
        return decode_dpkg_answer(&answer);
    }
    let found = from_dpkg_records(dir);
    let answer = match &found {
        Some(v) => format!("{}\n{}", v.version, v.how),
        None => String::new(),
    };
    crate::cache::store_answer(cache, &key, &answer);
    found
}

fn decode_dpkg_answer(answer: &str) -> Option<DetectedVersion> {
    let (version, how) = answer.split_once('\n')?;
    Some(DetectedVersion {
        version: version.to_owned(),
        at_least: false,
        how: how.to_owned(),
    })
}

/// The package whose file list has the directory, and its version in `var/lib/dpkg/status`
/// (both looked up under the file-system root the directory is in).
fn from_dpkg_records(dir: &Path) -> Option<DetectedVersion> {
    let root = dpkg_root(dir)?;
    let installed = Path::new("/").join(dir.strip_prefix(root).ok()?);
    let wanted = installed.to_string_lossy().into_owned();
    let info = root.join("var/lib/dpkg/info");
    let mut lists: Vec<PathBuf> = std::fs::read_dir(&info)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "list")
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("libvirt"))
        })
        .collect();
    lists.sort();
    let package = lists.iter().find_map(|list| {
        let text = std::fs::read_to_string(list).ok()?;
        text.lines()
            .any(|l| l.trim_end_matches('/') == wanted)
            .then(|| list.file_stem()?.to_str().map(str::to_owned))?
    })?;
    let name = package.split(':').next().unwrap_or(&package);
    let status = std::fs::read_to_string(root.join("var/lib/dpkg/status")).ok()?;
    let full = package_version(&status, name)?;
    let upstream = debian_upstream(&full)?;
    Some(DetectedVersion {
        version: upstream,
        at_least: false,
        how: format!("dpkg: package {name} {full} installed the schemas"),
    })
}

/// The `Version:` of `name`'s stanza in dpkg's status file, found by searching for its
/// `Package:` line rather than splitting the whole database into stanzas.
fn package_version(status: &str, name: &str) -> Option<String> {
    let line = format!("Package: {name}\n");
    let mut from = 0;
    while let Some(i) = status.get(from..)?.find(&line) {
        let at = from + i;
        from = at + line.len();
        if at != 0 && !status[..at].ends_with('\n') {
            continue;
        }
        let stanza = &status[at..];
        let stanza = &stanza[..stanza.find("\n\n").unwrap_or(stanza.len())];
        return stanza
            .lines()
            .find_map(|l| l.strip_prefix("Version:").map(|v| v.trim().to_owned()));
    }
    None
}

/// `1:9.0.0-4+deb12u2` -> `9.0.0`.
fn debian_upstream(full: &str) -> Option<String> {
    let no_epoch = full.split_once(':').map_or(full, |(_, v)| v);
    let upstream = no_epoch.rsplit_once('-').map_or(no_epoch, |(u, _)| u);
    let v: String = upstream
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let v = v.trim_end_matches('.');
    (v.contains('.')).then(|| v.to_owned())
}

/// `libvirt.so.0.9000.0` next to the schemas (`<prefix>/lib*/[triplet/]`): libvirt encodes its
/// version as `major * 1000 + minor` in the soname's minor number.
fn from_library(dir: &Path) -> Option<DetectedVersion> {
    let prefix = install_prefix(dir)?;
    let mut candidates = Vec::new();
    for lib in ["lib", "lib64", "lib32"] {
        let lib = prefix.join(lib);
        let Ok(entries) = std::fs::read_dir(&lib) else {
            continue;
        };
        let mut entries: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        entries.sort();
        for entry in entries {
            if entry.is_dir() {
                if let Ok(inner) = std::fs::read_dir(&entry) {
                    let mut inner: Vec<PathBuf> =
                        inner.filter_map(Result::ok).map(|e| e.path()).collect();
                    inner.sort();
                    candidates.extend(inner);
                }
            } else {
                candidates.push(entry);
            }
        }
    }
    candidates.iter().find_map(|path| {
        let name = path.file_name()?.to_str()?;
        let rest = name.strip_prefix("libvirt.so.0.")?;
        let (encoded, micro) = rest.split_once('.')?;
        let encoded: u32 = encoded.parse().ok()?;
        let micro: u32 = micro.parse().ok()?;
        Some(DetectedVersion {
            version: format!("{}.{}.{micro}", encoded / 1000, encoded % 1000),
            at_least: false,
            how: format!("library {} installed with the schemas", path.display()),
        })
    })
}

/// `.../libvirt-11.3.0/schemas` -> `11.3.0`.
fn from_path(dir: &Path) -> Option<DetectedVersion> {
    dir.ancestors().find_map(|a| {
        let name = a.file_name()?.to_str()?;
        let rest = name.strip_prefix("libvirt-")?;
        let v: String = rest
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let v = v.trim_end_matches('.');
        (v.contains('.') && v.len() == rest.len()).then(|| DetectedVersion {
            version: v.to_owned(),
            at_least: false,
            how: format!("directory name {name}"),
        })
    })
}

/// A piece of schema a release introduced, recognised whatever attributes (our catalogue's
/// `dx:since`, say) its tag carries.
#[derive(Debug, Clone, Copy)]
enum Mark {
    /// `<element name="NAME"`.
    Element(&'static str),
    /// `name="NAME"` on any pattern.
    Name(&'static str),
    /// `<value ...>VALUE</value>`.
    Value(&'static str),
}

use Mark::{Element, Name, Value};

impl Mark {
    fn is_in(self, text: &str) -> bool {
        match self {
            Element(name) => {
                let open = format!("<element name=\"{name}\"");
                text.match_indices(&open).any(|(at, _)| {
                    text[at + open.len()..]
                        .bytes()
                        .next()
                        .is_some_and(|b| b == b'>' || b == b'/' || b.is_ascii_whitespace())
                })
            }
            Name(name) => text.contains(&format!("name=\"{name}\"")),
            Value(value) => {
                let body = format!(">{value}</value>");
                text.match_indices(&body).any(|(at, _)| {
                    text[..at]
                        .rfind('<')
                        .is_some_and(|open| is_value_tag(&text[open..at]))
                })
            }
        }
    }
}

/// `<value` or `<value` followed by attributes (the closing `>` excluded).
fn is_value_tag(tag: &str) -> bool {
    tag.strip_prefix("<value")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_whitespace()))
}

impl std::fmt::Display for Mark {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Element(name) => write!(f, "<element name=\"{name}\">"),
            Name(name) => write!(f, "name=\"{name}\""),
            Value(value) => write!(f, "<value>{value}</value>"),
        }
    }
}

/// Schema content introduced by a libvirt release (per libvirt's `formatdomain` documentation),
/// oldest first. A directory has a release's marks and lacks the next release's: that release.
const FINGERPRINTS: &[(&str, &[Mark])] = &[
    ("8.5.0", &[Name("thread_pool_min")]),
    ("9.0.0", &[Name("fdgroup"), Value("passt")]),
    ("9.1.0", &[Value("itco"), Value("pvpanic")]),
    ("9.4.0", &[Element("poll"), Name("multichannel")]),
    ("9.5.0", &[Name("discard_no_unref")]),
    ("9.6.0", &[Element("async-teardown")]),
    ("9.8.0", &[Element("knownHosts"), Value("vhostvdpa")]),
    ("10.2.0", &[Value("mtp")]),
    ("10.3.0", &[Name("memReserve")]),
    ("10.4.0", &[Element("ras")]),
    ("10.5.0", &[Value("sev-snp")]),
    ("10.6.0", &[Element("openfiles")]),
    ("10.7.0", &[Name("dma_translation"), Element("ps2")]),
    ("10.10.0", &[Name("templateFormat"), Element("dataStore")]),
    ("11.1.0", &[Element("aia")]),
    ("11.2.0", &[Element("throttlegroups")]),
];

/// The release of a set of schema texts by [`FINGERPRINTS`].
pub fn fingerprint_version(texts: &[String]) -> Option<DetectedVersion> {
    let has = |mark: &Mark| texts.iter().any(|t| mark.is_in(t));
    let newest = FINGERPRINTS
        .iter()
        .rposition(|(_, marks)| marks.iter().all(has))?;
    let (version, marks) = FINGERPRINTS[newest];
    let next = FINGERPRINTS.get(newest + 1);
    let missing = next.and_then(|(v, marks)| marks.iter().find(|m| !has(m)).map(|m| (v, m)));
    let how = match missing {
        Some((next, lacks)) => format!(
            "schema content: has {} (libvirt {version}), lacks {lacks} (libvirt {next})",
            marks[0]
        ),
        None => format!(
            "schema content: has {} (libvirt {version}), the newest release fingerprinted",
            marks[0]
        ),
    };
    Some(DetectedVersion {
        version: version.to_owned(),
        at_least: next.is_none(),
        how,
    })
}

fn from_fingerprints(dir: &Path) -> Option<DetectedVersion> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "rng"))
        .collect();
    files.sort();
    let texts: Vec<String> = files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .collect();
    fingerprint_version(&texts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// A fresh empty directory under the system temp dir (removed on drop).
    struct TempTree(PathBuf);

    impl TempTree {
        fn new() -> TempTree {
            static N: AtomicU32 = AtomicU32::new(0);
            let dir = std::env::temp_dir().join(format!(
                "domxml-discovery-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("temp dir");
            TempTree(dir)
        }
        fn write(&self, rel: &str, text: &str) -> PathBuf {
            let path = self.0.join(rel);
            std::fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
            std::fs::write(&path, text).expect("write");
            path
        }
    }

    impl Drop for TempTree {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    const SCHEMAS: &str = "usr/share/libvirt/schemas";

    #[test]
    fn package_version_reads_only_the_named_stanza() {
        let status = "Package: libvirt-daemon-common\nStatus: install ok\nVersion: 9.9.9-1\n\n\
                      Package: libvirt-common\nStatus: install ok installed\nVersion: 1:9.0.0-4+deb12u2\n\n\
                      Package: libvirt\nVersion: 2.0-1\n";
        assert_eq!(
            package_version(status, "libvirt-common").as_deref(),
            Some("1:9.0.0-4+deb12u2")
        );
        assert_eq!(package_version(status, "libvirt").as_deref(), Some("2.0-1"));
        assert_eq!(package_version(status, "libvirt-daemon").as_deref(), None);
    }

    #[test]
    fn order_explicit_then_env_then_host_then_builtin() {
        let t = TempTree::new();
        t.write(&format!("{SCHEMAS}/domain.rng"), "<grammar/>");
        let host = t.0.join(SCHEMAS);
        let missing = t.0.join("nothing/here");
        let mut inputs = Inputs {
            explicit: None,
            env: None,
            host_dirs: vec![missing.clone(), host.clone()],
        };
        let d = discover(&inputs);
        assert_eq!(d.choice, SchemaChoice::Dir(host.clone()));
        assert_eq!(d.origin, Origin::Host);
        assert!(
            d.notes.iter().any(|n| n.contains("not set")),
            "{:?}",
            d.notes
        );
        assert!(
            d.notes
                .iter()
                .any(|n| n.contains(&*missing.to_string_lossy())),
            "{:?}",
            d.notes
        );

        inputs.env = Some("builtin".into());
        let d = discover(&inputs);
        assert_eq!(
            (d.choice, d.origin),
            (SchemaChoice::Builtin, Origin::Environment)
        );
        assert!(d.reason.contains(ENV_SCHEMA_PATH));

        let file = t.write("custom/domain.rng", "<grammar/>");
        inputs.explicit = Some((file.to_string_lossy().into_owned(), "--schema".into()));
        let d = discover(&inputs);
        assert_eq!(d.choice, SchemaChoice::File(file));
        assert_eq!(d.origin, Origin::Explicit);
        assert!(d.reason.contains("--schema"));

        let d = discover(&Inputs {
            host_dirs: vec![missing],
            ..Inputs::default()
        });
        assert_eq!(
            (d.choice, d.origin),
            (SchemaChoice::Builtin, Origin::Fallback)
        );
        assert_eq!(
            d.version.map(|v| v.version),
            Some(crate::builtin::LIBVIRT_VERSION.to_owned())
        );
    }

    #[test]
    fn a_missing_explicit_file_is_kept_and_noted() {
        let d = discover(&Inputs {
            explicit: Some(("/no/such/domain.rng".into(), "--schema".into())),
            ..Inputs::default()
        });
        assert_eq!(d.choice, SchemaChoice::File("/no/such/domain.rng".into()));
        assert!(d.notes.iter().any(|n| n.contains("does not exist")));
    }

    #[test]
    fn version_from_dpkg_records() {
        let t = TempTree::new();
        t.write(&format!("{SCHEMAS}/domain.rng"), "<grammar/>");
        t.write(
            "var/lib/dpkg/info/libvirt0:amd64.list",
            "/usr/lib/x86_64-linux-gnu/libvirt.so.0\n/usr/share/libvirt/schemas\n/usr/share/libvirt/schemas/domain.rng\n",
        );
        t.write(
            "var/lib/dpkg/status",
            "Package: bash\nVersion: 5.2\n\nPackage: libvirt0\nStatus: install ok installed\nVersion: 9.0.0-4+deb12u2\n\n",
        );
        let v = detect_version(&t.0.join(SCHEMAS)).expect("a version");
        assert_eq!(v.version, "9.0.0");
        assert!(
            v.how.contains("dpkg") && v.how.contains("libvirt0"),
            "{}",
            v.how
        );
        assert_eq!(v.short(), "9.0");
    }

    #[test]
    fn the_dpkg_answer_is_remembered_until_the_status_file_changes() {
        let t = TempTree::new();
        let dir = t.0.join(SCHEMAS);
        t.write(&format!("{SCHEMAS}/domain.rng"), "<grammar/>");
        t.write(
            "var/lib/dpkg/info/libvirt0:amd64.list",
            &format!("/usr/share/libvirt\n/{SCHEMAS}\n"),
        );
        let status = "Package: libvirt0\nStatus: install ok installed\nVersion: 9.0.0-4\n\n";
        t.write("var/lib/dpkg/status", status);
        let cache = t.0.join("cache");
        let first = from_dpkg_cached(&dir, Some(&cache)).expect("found");
        assert_eq!(first.version, "9.0.0");
        // The records go away but the status file is the same: the remembered answer holds.
        std::fs::remove_file(t.0.join("var/lib/dpkg/info/libvirt0:amd64.list")).expect("rm");
        assert_eq!(from_dpkg_cached(&dir, Some(&cache)), Some(first));
        // A changed status file (another size, so another stamp) is read again.
        t.write("var/lib/dpkg/status", &format!("{status}Package: x\n"));
        assert_eq!(from_dpkg_cached(&dir, Some(&cache)), None);
        assert_eq!(from_dpkg_cached(&dir, Some(&cache)), None);
    }

    #[test]
    fn version_from_library_soname() {
        let t = TempTree::new();
        t.write(&format!("{SCHEMAS}/domain.rng"), "<grammar/>");
        t.write("usr/lib64/libvirt.so.0.11003.0", "");
        let v = detect_version(&t.0.join(SCHEMAS)).expect("a version");
        assert_eq!((v.version.as_str(), v.at_least), ("11.3.0", false));
    }

    #[test]
    fn version_from_directory_name_and_content() {
        let t = TempTree::new();
        let dir = t.0.join("libvirt-10.6.0/schemas");
        t.write(
            "libvirt-10.6.0/schemas/domain.rng",
            "<element name=\"openfiles\"> <value>sev-snp</value> <element name=\"ras\"> \
             name=\"memReserve\" <value>mtp</value>",
        );
        let all = detect_versions(&dir);
        assert_eq!(all[0].version, "10.6.0");
        assert!(all[0].how.contains("directory name"));
        // Content alone: the newest complete fingerprint, bounded by the next one.
        let content = all
            .iter()
            .find(|v| v.how.starts_with("schema content"))
            .expect("content");
        assert_eq!(
            (content.version.as_str(), content.at_least),
            ("10.6.0", false)
        );
        assert!(content.how.contains("lacks"), "{}", content.how);
    }

    #[test]
    fn nothing_known_gives_no_version() {
        let t = TempTree::new();
        t.write("schemas/domain.rng", "<grammar/>");
        assert_eq!(detect_version(&t.0.join("schemas")), None);
        assert_eq!(debian_upstream("1:10.0.0-2ubuntu8"), Some("10.0.0".into()));
        assert_eq!(debian_upstream("garbage"), None);
    }

    #[test]
    fn marks_are_found_whatever_attributes_their_tag_carries() {
        let annotated = r#"<element name="aia" dx:since="11.1.0"><choice>
            <value dx:since="10.2.0">mtp</value><value>tcp</value></choice></element>"#;
        assert!(Element("aia").is_in(annotated));
        assert!(Value("mtp").is_in(annotated));
        assert!(Value("tcp").is_in(annotated));
        assert!(Element("poll").is_in(r#"<element name="poll">"#));
        assert!(Element("poll").is_in("<element name=\"poll\"\n  dx:since=\"9.4.0\">"));
        // Longer names, other tags and text elsewhere are not the mark.
        assert!(!Element("aia").is_in(r#"<element name="aia-x">"#));
        assert!(!Element("aia").is_in(r#"<attribute name="aia">"#));
        assert!(!Value("mtp").is_in("<param>mtp</value>"));
        assert!(!Value("mtp").is_in("<values>mtp</value>"));
        assert!(!Value("mtp").is_in("<value>xmtp</value>"));
    }

    #[test]
    fn embedded_catalogue_fingerprint_matches_its_release() {
        let texts: Vec<String> = crate::builtin::EmbeddedFiles::list()
            .filter_map(|p| {
                domxml_schema::SchemaFiles::read(&crate::builtin::EmbeddedFiles, p).ok()
            })
            .collect();
        let v = fingerprint_version(&texts).expect("the catalogue has fingerprints");
        let parse = |s: &str| -> Vec<u32> { s.split('.').filter_map(|p| p.parse().ok()).collect() };
        assert!(
            parse(&v.version)[..2] <= parse(crate::builtin::LIBVIRT_VERSION)[..2],
            "catalogue content looks newer ({v}) than {}",
            crate::builtin::LIBVIRT_VERSION
        );
        assert!(
            parse(&v.version)[..2] >= [11, 2][..],
            "catalogue content looks older than 11.2: {v}"
        );
    }
}
