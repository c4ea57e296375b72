//! libvirt's rules against libvirt's own test corpus.
//!
//! - Every document libvirt accepts (no `*.libvirt-err.txt`) gets no semantic error.
//! - Every line of `rules_corpus/*.tsv` (`file<TAB>code`) names a document libvirt refuses and
//!   the rule that must report it, with an error.
//! - `rules_corpus/host.tsv` (`file<TAB>why`) lists refused documents whose rule needs the host
//!   (emulator capabilities, firmware descriptors, host NUMA...): out of reach statically.
//! - Of the schema-valid refused documents that are not host-dependent, at least 95% are caught.

use std::collections::BTreeMap;
use std::path::Path;

use domxml_libvirt::Severity;
use domxml_libvirt::rules::{self, RuleOptions};

fn lists(ext: &str) -> BTreeMap<String, Vec<String>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules_corpus");
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/rules_corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "tsv"))
        .collect();
    files.sort();
    for path in files {
        let is_host = path.file_stem().is_some_and(|s| s == "host");
        if is_host != (ext == "host") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("tsv");
        for line in text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        {
            let (file, second) = line.split_once('\t').unwrap_or((line, ""));
            out.entry(file.trim().to_owned())
                .or_default()
                .push(second.trim().to_owned());
        }
    }
    out
}

fn errors(text: &str) -> Vec<rules::Finding> {
    let parse = domxml_syntax::parse(text);
    rules::check(&parse, text, &RuleOptions::default())
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .collect()
}

#[test]
fn no_error_on_documents_libvirt_accepts() {
    let Some(corpus) = domxml_testdata::domain_corpus() else {
        return;
    };
    let mut false_positives = Vec::new();
    let mut checked = 0;
    for (file, _) in domxml_testdata::labels(&corpus) {
        let err = corpus.join(file.replace(".xml", ".libvirt-err.txt"));
        if err.exists() {
            continue;
        }
        checked += 1;
        let text = std::fs::read_to_string(corpus.join(&file)).expect("corpus file");
        for f in errors(&text) {
            false_positives.push(format!("{file}: {} {}", f.code.as_str(), f.message));
        }
    }
    println!("{checked} accepted documents checked");
    assert!(
        false_positives.is_empty(),
        "{} semantic errors on documents libvirt accepts:\n{}",
        false_positives.len(),
        false_positives.join("\n")
    );
}

#[test]
fn refused_documents_are_reported() {
    let Some(corpus) = domxml_testdata::domain_corpus() else {
        return;
    };
    let expected = lists("rules");
    let host = lists("host");
    let mut missed = Vec::new();
    for (file, codes) in &expected {
        assert!(
            corpus
                .join(file.replace(".xml", ".libvirt-err.txt"))
                .exists(),
            "{file} is listed but libvirt accepts it"
        );
        let text = std::fs::read_to_string(corpus.join(file)).expect("listed corpus file");
        let found = errors(&text);
        for code in codes {
            if !found.iter().any(|f| f.code.as_str() == code) {
                missed.push(format!(
                    "{file}: expected {code}, got {:?}",
                    found.iter().map(|f| f.code.as_str()).collect::<Vec<_>>()
                ));
            }
        }
    }
    assert!(missed.is_empty(), "missed:\n{}", missed.join("\n"));

    // Coverage of the schema-valid, host-independent refused documents.
    let (mut total, mut caught) = (0, 0);
    let mut uncaught = Vec::new();
    for (file, label) in domxml_testdata::labels(&corpus) {
        let err = corpus.join(file.replace(".xml", ".libvirt-err.txt"));
        if label != "valid" || !err.exists() || host.contains_key(&file) {
            continue;
        }
        total += 1;
        let text = std::fs::read_to_string(corpus.join(&file)).expect("corpus file");
        if errors(&text).is_empty() {
            uncaught.push(file);
        } else {
            caught += 1;
        }
    }
    println!(
        "caught {caught} of {total} schema-valid, host-independent refused documents; uncaught: {uncaught:?}"
    );
    {
        assert!(caught * 100 >= total * 95, "coverage below 95%");
    }
}
