//! Schema validation per keystroke of typing a device line into <devices> of a large domain
//! (the case of `bench/lsp_typing.py`, validation alone, once per keystroke as the server does).
//!
//!     cargo run --release -p domxml-ide --example schema_keystroke -- [KiB...]

use std::time::{Duration, Instant};

use domxml_ide::Document;

#[path = "common/large_domain.rs"]
mod large_domain;
use large_domain::{domain_of_size, typing_edits};

fn pct(xs: &mut [Duration], p: usize) -> Duration {
    xs.sort();
    xs[((xs.len() - 1) * p / 100).min(xs.len() - 1)]
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![10, 1024]
    } else {
        sizes
    };
    // HOST=1: the schema the server would discover here (host schemas, drift), and syntax and
    // schema diagnostics together (the server's first publish).
    let host = std::env::var_os("HOST").is_some();
    let model = if host {
        domxml_libvirt::select::open(&domxml_libvirt::select::discover(None, "."))
            .expect("discovered model")
    } else {
        domxml_libvirt::select::builtin_model().expect("built-in model")
    };
    let opts = domxml_ide::diagnostics::DiagnosticsOptions::default();
    for kib in sizes {
        let mut doc = Document::new(domain_of_size(kib * 1024));
        domxml_ide::diagnostics::schema_problems(doc.parse(), &*model);
        let edits = typing_edits(doc.text());
        let mut validate = vec![];
        let rounds: usize = std::env::var("ROUNDS")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(2);
        for _round in 0..rounds {
            for edit in &edits {
                doc.apply_edit(edit);
                let t = Instant::now();
                if host {
                    domxml_ide::diagnostics::base_diagnostics(
                        doc.parse(),
                        domxml_libvirt::kinds::DocumentKind::Libvirt,
                        Some(&*model),
                        &opts,
                    );
                } else {
                    domxml_ide::diagnostics::schema_problems(doc.parse(), &*model);
                }
                validate.push(t.elapsed());
                if std::env::var_os("SHOW").is_some() {
                    eprintln!("{:?} {:?}", edit, t.elapsed());
                }
            }
        }
        println!(
            "{kib:>6} KiB ({} bytes), {} keystrokes: validate p50 {:?}, p90 {:?}, p99 {:?}, max {:?}",
            doc.text().len(),
            validate.len(),
            pct(&mut validate, 50),
            pct(&mut validate, 90),
            pct(&mut validate, 99),
            pct(&mut validate, 100),
        );
    }
}
