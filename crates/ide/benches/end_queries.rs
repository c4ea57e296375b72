//! Completion and hover near the top and near the end of a ~1 MB domain, side by side, with the
//! end/top ratio (issue 13: a position lookup should not cost more at the end of a document).
//! The document is `bench/lsp_bench.py`'s: the LSP test domain padded with disks.
//!
//!     cargo bench -p domxml-ide --bench end_queries [-- --size BYTES --iterations N]
//!
//! Not a test: the figures depend on the machine. Prints p50 per request and the ratio.

use std::time::Instant;

use domxml_ide::SchemaModel;
use domxml_ide::completion::{CompletionOptions, completions};
use domxml_ide::hover::hover;
use domxml_libvirt::model::CatalogueModel;
use domxml_syntax::TextSize;

const BASE: &str = include_str!("../../../tests/lsp/data/domain.xml");

/// Letters for disk `n` (1-based): a..z, aa..zz, ...
fn disk_name(mut n: usize) -> String {
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        n = (n - 1) / 26;
        out.push(b'a' + r as u8);
    }
    out.reverse();
    format!("vd{}", String::from_utf8_lossy(&out))
}

fn domain_of_size(target: usize) -> String {
    let Some((head, tail)) = BASE.split_once("    <console") else {
        return BASE.to_owned();
    };
    let mut disks = String::new();
    let mut i = 0;
    while BASE.len() + disks.len() < target {
        disks.push_str(&format!(
            "    <disk type='file' device='disk'>\n      <driver name='qemu' type='qcow2' cache='none'/>\n      <source file='/var/lib/libvirt/images/disk{i}.qcow2'/>\n      <target dev='{}' bus='virtio'/>\n    </disk>\n",
            disk_name(i + 1)
        ));
        i += 1;
    }
    format!("{head}{disks}    <console{tail}")
}

fn offset_after(text: &str, line_has: &str, after: &str) -> Option<usize> {
    let line_start = text.find(line_has)?;
    Some(line_start + text[line_start..].find(after)? + after.len())
}

fn p50(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() {
    let mut size = 1024 * 1024;
    let mut iterations = 200;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--size" => size = args.next().and_then(|v| v.parse().ok()).unwrap_or(size),
            "--iterations" => {
                iterations = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(iterations)
            }
            _ => {}
        }
    }
    let cat = match domxml_libvirt::builtin::catalogue() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("the built-in catalogue does not compile: {e:?}");
            return;
        }
    };
    let model = CatalogueModel::new(cat, "built-in catalogue", Some("11.3".into()));
    let schema: &dyn SchemaModel = &model;
    let text = domain_of_size(size);
    let parse = domxml_syntax::parse(&text);
    let places = [
        (
            "top",
            offset_after(&text, "<vcpu placement=", "placement='"),
        ),
        ("end", offset_after(&text, "<watchdog", "action='")),
    ];
    println!("document: {} bytes, {iterations} iterations", text.len());
    // The first question about the end makes the schema's tables of `<devices>`' children.
    if let Some(at) = places[1].1 {
        let t = Instant::now();
        let _ = completions(
            &parse,
            &text,
            TextSize::from(at as u32),
            Some(schema),
            &CompletionOptions::default(),
        );
        println!(
            "  first completion at the end (tables made): {:8.3} ms",
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
    let mut top = (0.0, 0.0);
    for (where_, at) in places {
        let Some(at) = at else {
            eprintln!("no {where_} position in the document");
            return;
        };
        let (mut comp, mut hov) = (Vec::new(), Vec::new());
        for _ in 0..iterations {
            let t = Instant::now();
            let items = completions(
                &parse,
                &text,
                TextSize::from(at as u32),
                Some(schema),
                &CompletionOptions::default(),
            );
            comp.push(t.elapsed().as_secs_f64() * 1000.0);
            assert!(!items.is_empty(), "completion at the {where_} is empty");
            let t = Instant::now();
            let h = hover(&parse, TextSize::from(at as u32 - 3), Some(schema));
            hov.push(t.elapsed().as_secs_f64() * 1000.0);
            assert!(h.is_some(), "no hover at the {where_}");
        }
        let (c, h) = (p50(comp), p50(hov));
        if where_ == "top" {
            top = (c, h);
        }
        println!(
            "  completion at the {where_}: p50 {c:8.3} ms ({:5.1}x the top)   hover: p50 {h:8.3} ms ({:5.1}x the top)",
            c / top.0,
            h / top.1
        );
    }
}
