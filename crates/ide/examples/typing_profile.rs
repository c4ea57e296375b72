//! Where a keystroke's time goes on a large domain: applying the edit (text, tree, line index),
//! schema validation, libvirt's rules, and all diagnostics together, per keystroke of typing a
//! device line into <devices> (the case of `bench/lsp_typing.py`, without the protocol).
//!
//!     cargo run --release -p domxml-ide --example typing_profile -- [KiB] [--host]
//!
//! `--host`: the schema the server would choose here (a host's libvirt schemas when installed;
//! an older one than the catalogue validates each document twice while it reports drift), not
//! the built-in catalogue.

use std::time::{Duration, Instant};

use domxml_ide::Document;
use domxml_ide::diagnostics::{DiagnosticsOptions, diagnostics, semantic_diagnostics};
use domxml_libvirt::kinds::DocumentKind;
use domxml_libvirt::rules::RuleOptions;

#[path = "common/large_domain.rs"]
mod large_domain;
use large_domain::{domain_of_size, typing_edits};

fn p50(xs: &mut [Duration]) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn main() {
    let kib: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1024);
    let host = std::env::args().any(|a| a == "--host");
    let text = domain_of_size(kib * 1024);
    let model = if host {
        let discovery = domxml_libvirt::select::discover_first(None, "typing_profile --host");
        domxml_libvirt::select::open(&discovery).expect("the schema the server would use")
    } else {
        domxml_libvirt::select::builtin_model().expect("built-in model")
    };
    let mut doc = Document::new(text);
    let opts = DiagnosticsOptions::default();
    let all = |doc: &Document| {
        diagnostics(
            doc.parse(),
            doc.text(),
            DocumentKind::Libvirt,
            Some(&*model),
            &opts,
        )
    };
    all(&doc);
    let (mut apply, mut validate, mut rules, mut total) = (vec![], vec![], vec![], vec![]);
    let edits = typing_edits(doc.text());
    for edit in &edits {
        // A snapshot is alive while the edit is applied, as in the server.
        let snapshot = doc.clone();
        let t = Instant::now();
        doc.apply_edit(edit);
        apply.push(t.elapsed());
        drop(snapshot);
        let t = Instant::now();
        domxml_ide::diagnostics::schema_problems(doc.parse(), &*model);
        validate.push(t.elapsed());
        let t = Instant::now();
        semantic_diagnostics(doc.parse(), doc.text(), &RuleOptions::default());
        rules.push(t.elapsed());
        let t = Instant::now();
        all(&doc);
        total.push(t.elapsed());
    }
    // The slowest keystrokes (apply + validation: the in-process part of what the server's
    // first publish waits for), with what each typed or deleted.
    let mut slowest: Vec<(Duration, usize)> = apply
        .iter()
        .zip(&validate)
        .map(|(a, v)| *a + *v)
        .zip(0..)
        .collect();
    slowest.sort_by(|a, b| b.cmp(a));
    for (took, i) in slowest.iter().take(4) {
        let e = &edits[*i];
        let what = if e.insert.is_empty() {
            "a deletion".to_owned()
        } else {
            format!("{:?}", e.insert)
        };
        println!("  keystroke {i} ({what}): apply + validate {took:?}");
    }
    println!(
        "{} bytes, {} keystrokes, p50: apply {:?}, validate {:?}, rules {:?}, all diagnostics {:?}",
        doc.text().len(),
        edits.len(),
        p50(&mut apply),
        p50(&mut validate),
        p50(&mut rules),
        p50(&mut total)
    );
}
