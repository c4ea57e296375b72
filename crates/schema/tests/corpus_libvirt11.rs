//! Corpus fidelity against libvirt 11.3.0's own schemas: our verdict (any syntax or schema
//! error = invalid) must agree with xmllint's, recorded in `corpus/domain/LABELS.tsv`.

use std::path::PathBuf;

fn shared() -> Option<PathBuf> {
    domxml_testdata::libvirt11()
}

#[test]
fn verdicts_agree_with_xmllint_labels() {
    let Some(shared) = shared() else {
        println!("SKIPPED: ../shared/libvirt-11.3.0 is absent (corpus fidelity not checked)");
        return;
    };
    let entry = shared.join("schemas/domain.rng");
    let cat = domxml_schema::compile(&domxml_schema::DiskFiles, &entry.to_string_lossy())
        .unwrap_or_else(|errors| panic!("libvirt schemas do not compile: {errors:?}"));
    let labels =
        std::fs::read_to_string(shared.join("corpus/domain/LABELS.tsv")).expect("LABELS.tsv");
    let mut validator = domxml_schema::Validator::new(&cat);
    let (mut total, mut agree) = (0, 0);
    let mut disagreements = Vec::new();
    for line in labels.lines().filter(|l| !l.starts_with('#')) {
        let mut fields = line.split('\t');
        let (Some(file), Some(label)) = (fields.next(), fields.next()) else {
            continue;
        };
        let text =
            std::fs::read_to_string(shared.join("corpus/domain").join(file)).expect("corpus file");
        let parse = domxml_syntax::parse(&text);
        let diagnostics = if parse.errors().is_empty() {
            validator.validate(&parse.document())
        } else {
            Vec::new()
        };
        let ours = if parse.errors().is_empty() && diagnostics.is_empty() {
            "valid"
        } else {
            "invalid"
        };
        total += 1;
        if ours == label {
            agree += 1;
        } else {
            let first = diagnostics
                .first()
                .map(|d| d.message.clone())
                .unwrap_or_default();
            disagreements.push(format!("{file}: xmllint {label}, domxml {ours} {first}"));
        }
    }
    println!("libvirt 11.3.0 corpus: {agree}/{total} verdicts agree with xmllint");
    assert!(
        total >= 1870,
        "expected the whole corpus, saw {total} files"
    );
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}
