#![allow(dead_code)] // each test binary uses part of these helpers
//! Helpers for tests on small in-memory schemas.

use domxml_schema::{Catalogue, MemoryFiles, SchemaError};

pub const HEADER: &str = r#"xmlns="http://relaxng.org/ns/structure/1.0" xmlns:a="http://relaxng.org/ns/compatibility/annotations/1.0" xmlns:dx="urn:x-domxml:annotations" datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes""#;

/// Compiles `main.rng` (wrapped in a grammar with the usual namespaces) plus extra files.
pub fn schema_with(main: &str, extra: &[(&str, &str)]) -> Result<Catalogue, Vec<SchemaError>> {
    let mut files = vec![(
        "main.rng".to_owned(),
        format!("<grammar {HEADER}>\n{main}\n</grammar>"),
    )];
    files.extend(
        extra
            .iter()
            .map(|(n, t)| ((*n).to_owned(), (*t).to_owned())),
    );
    domxml_schema::compile(&MemoryFiles(files), "main.rng")
}

pub fn schema(main: &str) -> Catalogue {
    schema_with(main, &[]).unwrap_or_else(|e| panic!("schema does not compile: {e:?}"))
}

/// The diagnostics of `doc`, one per line: `code @"covered text": message`.
pub fn check(cat: &Catalogue, doc: &str) -> String {
    let parse = domxml_syntax::parse(doc);
    assert!(
        parse.errors().is_empty(),
        "test document is not well-formed: {:?}",
        parse.errors()
    );
    let mut out = String::new();
    for d in domxml_schema::validate(cat, &parse.document()) {
        out.push_str(&format!("{} @{:?}: {}", d.code, &doc[d.range], d.message));
        if let Some(s) = &d.suggestion {
            out.push_str(&format!(" [fix: {s}]"));
        }
        out.push('\n');
    }
    if out.is_empty() {
        out.push_str("valid\n");
    }
    out
}

pub fn errors(e: Vec<SchemaError>) -> String {
    e.iter().map(|e| format!("{e}\n")).collect()
}
