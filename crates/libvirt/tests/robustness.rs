//! No panics on user data: every corpus document, cut at several points (so it is broken in
//! all sorts of ways), is validated and queried at many offsets against libvirt's schemas and
//! the embedded catalogue. Also a very deep document.

use std::path::PathBuf;

use domxml_libvirt::builtin::EmbeddedFiles;
use domxml_schema::{Catalogue, DiskFiles, compile, query, validate};
use domxml_syntax::{TextSize, ast};

fn exercise(cat: &Catalogue, text: &str) {
    let parse = domxml_syntax::parse(text);
    let _ = validate(cat, &parse.document());
    let Some(root) = parse.document().root() else {
        return;
    };
    for (i, e) in std::iter::once(root.clone())
        .chain(root.syntax().descendants().filter_map(ast::Element::cast))
        .enumerate()
        .filter(|(i, _)| i % 7 == 0)
    {
        let offset = TextSize::from((i * 31 % text.len().max(1)) as u32);
        let _ = query::allowed_children(cat, &e, offset);
        let _ = query::attributes(cat, &e, i % 2 == 0);
        let _ = query::text_values(cat, &e);
        let _ = query::element_definition(cat, &e);
        if let Some(a) = e.attributes().next().and_then(|a| a.name()) {
            let _ = query::attribute_values(cat, &e, a.text());
        }
    }
}

#[test]
fn broken_documents_never_panic() {
    let builtin =
        compile(&EmbeddedFiles, EmbeddedFiles::DOMAIN).expect("embedded catalogue compiles");
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/libvirt-11.3.0");
    let libvirt = compile(
        &DiskFiles,
        &shared.join("schemas/domain.rng").to_string_lossy(),
    )
    .ok();
    let corpus = shared.join("corpus/domain");
    let mut texts: Vec<String> = match std::fs::read_dir(&corpus) {
        Ok(dir) => dir
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "xml"))
            .take(50)
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .collect(),
        Err(_) => {
            println!("corpus absent: only the built-in samples are exercised");
            Vec::new()
        }
    };
    texts.push("<domain type='kvm'><name>x</name><devices><disk type='file'><source file='/a'/></disk></devices></domain>".into());
    for text in &texts {
        for cut in [
            text.len(),
            text.len() / 2,
            text.len() / 3,
            text.len() * 9 / 10,
        ] {
            let mut cut = cut.min(text.len());
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            let piece = &text[..cut];
            exercise(&builtin, piece);
            if let Some(cat) = &libvirt {
                exercise(cat, piece);
            }
        }
    }
}

#[test]
fn very_deep_documents_are_cut_off_not_overflowed() {
    let cat = compile(&EmbeddedFiles, EmbeddedFiles::DOMAIN).expect("embedded catalogue compiles");
    let depth = 5000;
    let text = format!(
        "<domain type='kvm'><metadata>{}{}</metadata></domain>",
        "<x:a xmlns:x='urn:x'>".repeat(depth),
        "</x:a>".repeat(depth)
    );
    let parse = domxml_syntax::parse(&text);
    let diagnostics = validate(&cat, &parse.document());
    assert!(
        diagnostics
            .iter()
            .any(|d| d.code == domxml_schema::Code::TooDeep),
        "{diagnostics:?}"
    );
}
