//! Every document of libvirt's test corpus round-trips, and only the one meant to be broken
//! has syntax errors. Skipped, saying so, when ../shared is absent.

use std::path::PathBuf;

fn corpus() -> Option<Vec<PathBuf>> {
    let dir = domxml_testdata::domain_corpus()?;
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .collect();
    files.sort();
    Some(files)
}

#[test]
fn corpus_round_trips_and_is_well_formed() {
    let Some(files) = corpus() else {
        println!("SKIPPED: ../shared/libvirt-11.3.0/corpus/domain not found");
        return;
    };
    assert!(files.len() > 1800, "corpus has {} files", files.len());
    let mut broken = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("corpus files are UTF-8");
        let parse = domxml_syntax::parse(&text);
        assert_eq!(
            parse.syntax().text().to_string(),
            text,
            "{}",
            file.display()
        );
        if !parse.errors().is_empty() {
            broken.push((
                file.file_name().unwrap().to_string_lossy().into_owned(),
                parse.errors()[0].clone(),
            ));
        }
    }
    let names: Vec<_> = broken.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["qemuxmlconfdata__broken-xml-invalid.xml"],
        "{broken:#?}"
    );
    println!(
        "{} corpus files round-trip; the broken one says: {}",
        files.len(),
        broken[0].1.message
    );
}
