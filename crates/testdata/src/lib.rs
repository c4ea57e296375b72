//! domxml-testdata: where tests find the reference data in `../shared` (libvirt's schemas and
//! test corpus) and libvirt 9.0's schemas; a dev-dependency only, never depends on domxml crates.
//!
//! Reference data is never committed. When it is missing, a test prints a visible `SKIPPED`
//! line and returns, except under CI (`CI` set), where missing data is a failure: a CI run
//! must never pass by testing nothing.

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `../shared/libvirt-11.3.0` next to the checkout.
pub fn libvirt11() -> Option<PathBuf> {
    required(
        workspace().join("../shared/libvirt-11.3.0"),
        "../shared/libvirt-11.3.0",
    )
}

/// `../shared/libvirt-11.3.0/corpus/domain`.
pub fn domain_corpus() -> Option<PathBuf> {
    libvirt11().map(|d| d.join("corpus/domain"))
}

/// libvirt 9.0's schemas (Debian bookworm's libvirt0), fetched by `tests/fetch-libvirt-9.sh`
/// (`DOMXML_LIBVIRT9_SCHEMAS` overrides where).
pub fn libvirt9_schemas() -> Option<PathBuf> {
    let dir = match std::env::var_os("DOMXML_LIBVIRT9_SCHEMAS") {
        Some(d) => PathBuf::from(d),
        None => workspace().join("target/libvirt-9.0/usr/share/libvirt/schemas"),
    };
    required(dir, "libvirt 9.0 schemas (run tests/fetch-libvirt-9.sh)")
}

fn required(dir: PathBuf, what: &str) -> Option<PathBuf> {
    if dir.join(".").is_dir() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!("{what} is missing at {}: required under CI", dir.display());
    }
    println!("SKIPPED: {what} is absent at {}", dir.display());
    None
}

/// `(file name, label)` rows of the corpus's `LABELS.tsv` (`valid`/`invalid` by xmllint).
pub fn labels(corpus: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(corpus.join("LABELS.tsv")).expect("LABELS.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some((f.next()?.to_owned(), f.next()?.to_owned()))
        })
        .collect()
}
