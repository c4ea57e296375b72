//! Corpus fidelity of the built-in catalogue (what users get without libvirt installed): on the
//! 1870 corpus documents labelled by xmllint with libvirt 11.3.0's `domain.rng`, the catalogue
//! must report no error on any valid document, and catch the invalid ones. The invalid documents
//! it does not catch are listed in `MISSED` below: the test fails when that set changes either
//! way (a regression, or an improvement to record by shrinking the list).

use std::collections::BTreeSet;
use std::path::PathBuf;

use domxml_libvirt::builtin::EmbeddedFiles;
use domxml_schema::{Validator, compile};

/// Invalid corpus documents (per xmllint) on which the built-in catalogue reports nothing.
const MISSED: &[&str] = &[];

fn corpus() -> Option<PathBuf> {
    domxml_testdata::domain_corpus()
}

#[test]
fn builtin_catalogue_on_the_corpus() {
    let Some(corpus) = corpus() else {
        println!(
            "SKIPPED: ../shared/libvirt-11.3.0/corpus is absent (builtin fidelity not checked)"
        );
        return;
    };
    let cat = compile(&EmbeddedFiles, EmbeddedFiles::DOMAIN)
        .unwrap_or_else(|e| panic!("the embedded catalogue does not compile: {e:?}"));
    let mut validator = Validator::new(&cat);
    let labels =
        std::fs::read_to_string(corpus.join("LABELS.tsv")).expect("LABELS.tsv is readable");
    let (mut valid, mut invalid) = (0usize, 0usize);
    let mut false_errors = Vec::new();
    let mut missed = BTreeSet::new();
    for line in labels
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let mut fields = line.split('\t');
        let (Some(file), Some(label)) = (fields.next(), fields.next()) else {
            continue;
        };
        let text = std::fs::read_to_string(corpus.join(file))
            .unwrap_or_else(|e| panic!("corpus file {file}: {e}"));
        let parse = domxml_syntax::parse(&text);
        let problems: Vec<String> = if parse.errors().is_empty() {
            validator
                .validate(&parse.document())
                .into_iter()
                .map(|d| format!("{} [{}]", d.message, d.code))
                .collect()
        } else {
            vec!["not well-formed".to_owned()]
        };
        match label {
            "valid" => {
                valid += 1;
                if let Some(first) = problems.first() {
                    false_errors.push(format!("{file}: {first} (+{} more)", problems.len() - 1));
                }
            }
            "invalid" => {
                invalid += 1;
                if problems.is_empty() {
                    missed.insert(file.to_owned());
                }
            }
            other => panic!("{file}: unknown label {other:?}"),
        }
    }
    let caught = invalid - missed.len();
    println!(
        "built-in catalogue on the libvirt 11.3.0 corpus: {} files; valid {valid}: {} false errors; invalid {invalid}: {caught} caught ({:.1}%), {} missed",
        valid + invalid,
        false_errors.len(),
        if invalid == 0 {
            100.0
        } else {
            caught as f64 * 100.0 / invalid as f64
        },
        missed.len()
    );
    assert!(
        valid + invalid >= 1870,
        "expected the whole corpus, saw {} files",
        valid + invalid
    );
    assert!(
        false_errors.is_empty(),
        "{} valid documents get errors from the built-in catalogue:\n{}",
        false_errors.len(),
        false_errors.join("\n")
    );
    let expected: BTreeSet<String> = MISSED.iter().map(|s| (*s).to_owned()).collect();
    let newly_missed: Vec<&String> = missed.difference(&expected).collect();
    let now_caught: Vec<&String> = expected.difference(&missed).collect();
    assert!(
        newly_missed.is_empty() && now_caught.is_empty(),
        "the set of missed invalid documents changed.\nnewly missed (regressions): {newly_missed:?}\nnow caught (remove from MISSED): {now_caught:?}"
    );
}
