//! Every value type of libvirt 11.3's schemas and of the built-in catalogue is described in words:
//! no regular expression, no define name (snake_case, camelCase, dotted) and no abbreviation.

use domxml_schema::{Catalogue, DiskFiles, compile};

/// Why a description is not for people, if it is not.
fn unfit(words: &str) -> Option<&'static str> {
    const REGEX_RUNS: &[&str] = &[
        "[a-", "[0-", "\\d", "\\.", "\\s", ".+", ".*", "]+", "]*", "]{", ")?", "(?", "|", "^(",
        "$", "`",
    ];
    if REGEX_RUNS.iter().any(|r| words.contains(r)) {
        return Some("regular expression");
    }
    const SHORT: &[&str] = &[
        "abs", "addr", "dir", "num", "uint", "ulong", "ushort", "hexuint", "kb", "func", "dev",
        "types", "ncname",
    ];
    for word in words.split(|c: char| c.is_whitespace() || ",()".contains(c)) {
        if word.contains('_') {
            return Some("snake_case name");
        }
        if SHORT.contains(&word) {
            return Some("abbreviation");
        }
        let camel = word
            .as_bytes()
            .windows(2)
            .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase());
        // "IPv4", "vCPU", "KiB", "MiB" are how people write them.
        if camel && !["vCPU", "vCPUs", "KiB", "MiB", "GiB", "TiB", "iSCSI"].contains(&word) {
            return Some("camelCase name");
        }
        if word.starts_with("types.") {
            return Some("define name");
        }
    }
    None
}

fn check(what: &str, cat: &Catalogue) -> usize {
    let mut bad = Vec::new();
    for dt in cat.datatypes() {
        let words = dt.describe();
        if let Some(why) = unfit(&words) {
            bad.push(format!("{:?}: {words:?} ({why})", dt.label));
        }
    }
    assert!(
        bad.is_empty(),
        "{what}: {} unfit descriptions:\n{}",
        bad.len(),
        bad.join("\n")
    );
    cat.datatypes().len()
}

#[test]
fn built_in_catalogue_types_are_described_in_words() {
    let cat = domxml_libvirt::builtin::catalogue().expect("compiles");
    assert!(check("built-in", &cat) > 50);
    let abs = cat
        .datatypes()
        .iter()
        .find(|d| d.label.as_deref() == Some("types.path.absFile"))
        .expect("absolute file paths are a type");
    assert!(abs.describe().contains("/var/lib/libvirt/images/vm.qcow2"));
}

#[test]
fn libvirt_11_schema_types_are_described_in_words() {
    let Some(dir) = domxml_testdata::libvirt11() else {
        return;
    };
    let mut total = 0;
    for entry in std::fs::read_dir(dir.join("schemas")).expect("schemas directory") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "rng") {
            continue;
        }
        let Ok(mut cat) = compile(&DiskFiles, &path.to_string_lossy()) else {
            continue;
        };
        cat.describe_datatypes(domxml_libvirt::words::datatype_words);
        total += check(&path.display().to_string(), &cat);
    }
    assert!(total > 100, "{total} datatypes checked");
}
