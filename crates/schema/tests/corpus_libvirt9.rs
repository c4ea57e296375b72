//! Corpus fidelity against libvirt 9.0's schemas (Debian bookworm's libvirt0, fetched by
//! `tests/fetch-libvirt-9.sh`): our verdict must agree with `xmllint --relaxng`, run here.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn libvirt9_schemas() -> Option<PathBuf> {
    domxml_testdata::libvirt9_schemas()
}

/// Files that xmllint says validate, running it over batches of files.
fn xmllint_valid(schema: &Path, files: &[PathBuf]) -> Option<HashSet<PathBuf>> {
    let mut valid = HashSet::new();
    for batch in files.chunks(300) {
        let output = Command::new("xmllint")
            .arg("--noout")
            .arg("--relaxng")
            .arg(schema)
            .args(batch)
            .output()
            .ok()?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        for line in stderr.lines() {
            if let Some(file) = line.strip_suffix(" validates") {
                valid.insert(PathBuf::from(file));
            }
        }
    }
    Some(valid)
}

#[test]
fn verdicts_agree_with_xmllint() {
    let Some(corpus) = domxml_testdata::domain_corpus() else {
        return;
    };
    if !corpus.is_dir() {
        println!("SKIPPED: ../shared/libvirt-11.3.0 is absent (corpus fidelity not checked)");
        return;
    }
    let Some(schemas) = libvirt9_schemas() else {
        return;
    };
    let entry = schemas.join("domain.rng");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("corpus dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    let Some(valid) = xmllint_valid(&entry, &files) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "xmllint is required under CI (tests/setup installs libxml2-utils)"
        );
        println!("SKIPPED: xmllint is not installed (apt-get install libxml2-utils)");
        return;
    };
    let cat = domxml_schema::compile(&domxml_schema::DiskFiles, &entry.to_string_lossy())
        .unwrap_or_else(|errors| panic!("libvirt 9.0 schemas do not compile: {errors:?}"));
    let mut validator = domxml_schema::Validator::new(&cat);
    let mut disagreements = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("corpus file");
        let parse = domxml_syntax::parse(&text);
        let diagnostics = if parse.errors().is_empty() {
            validator.validate(&parse.document())
        } else {
            Vec::new()
        };
        let ours = parse.errors().is_empty() && diagnostics.is_empty();
        let theirs = valid.contains(file);
        if ours != theirs {
            let first = diagnostics
                .first()
                .map(|d| d.message.clone())
                .unwrap_or_default();
            disagreements.push(format!(
                "{}: xmllint valid={theirs}, domxml valid={ours} {first}",
                file.display()
            ));
        }
    }
    println!(
        "libvirt 9.0 schemas: {}/{} verdicts agree with xmllint ({} valid per xmllint)",
        files.len() - disagreements.len(),
        files.len(),
        valid.len()
    );
    assert!(files.len() >= 1870);
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}
