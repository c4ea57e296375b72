//! Parse throughput, and the cost of one edit reparsed incrementally versus from scratch.
//! `cargo bench -p domxml-syntax`; the corpus group needs ../shared.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use domxml_syntax::{TextEdit, TextRange, TextSize, parse};

/// A domain with `devices` disks and interfaces, about 230 bytes each.
fn generated_domain(devices: usize) -> String {
    let mut s = String::from(
        "<domain type='kvm'>\n  <name>bench</name>\n  <memory unit='GiB'>4</memory>\n  <devices>\n",
    );
    for i in 0..devices {
        s.push_str(&format!(
            "    <disk type='file' device='disk'>\n      <driver name='qemu' type='qcow2'/>\n      <source file='/var/lib/libvirt/images/d{i}.qcow2'/>\n      <target dev='vd{i}' bus='virtio'/>\n    </disk>\n    <interface type='network'><source network='net{i}'/><model type='virtio'/></interface>\n"
        ));
    }
    s.push_str("  </devices>\n</domain>\n");
    s
}

fn sizes() -> [(&'static str, String); 2] {
    [
        ("10KB", generated_domain(40)),
        ("1MB", generated_domain(4300)),
    ]
}

fn full_parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("full_parse");
    for (name, text) in sizes() {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), &text, |b, t| {
            b.iter(|| parse(black_box(t)))
        });
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/libvirt-11.3.0/corpus/domain");
    match std::fs::read_dir(&dir) {
        Ok(entries) => {
            let corpus: Vec<String> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "xml"))
                .filter_map(|p| std::fs::read_to_string(p).ok())
                .collect();
            let bytes: usize = corpus.iter().map(String::len).sum();
            group.throughput(Throughput::Bytes(bytes as u64));
            group.bench_function("corpus", |b| {
                b.iter(|| {
                    corpus
                        .iter()
                        .map(|t| parse(black_box(t)).errors().len())
                        .sum::<usize>()
                })
            });
        }
        Err(_) => println!("SKIPPED corpus throughput: {} not found", dir.display()),
    }
    group.finish();
}

fn edit_at(
    text: &str,
    needle: &str,
    offset_in_needle: usize,
    delete: usize,
    insert: &str,
) -> (TextEdit, String) {
    let at = text[text.len() / 2..]
        .find(needle)
        .map(|i| i + text.len() / 2)
        .expect("needle in text")
        + offset_in_needle;
    let edit = TextEdit::new(
        TextRange::new(
            TextSize::from(at as u32),
            TextSize::from((at + delete) as u32),
        ),
        insert,
    );
    let mut new = text.to_string();
    edit.apply(&mut new);
    (edit, new)
}

fn edits(c: &mut Criterion) {
    for (name, text) in sizes() {
        let old = parse(&text);
        let cases = [
            (
                "keystroke_in_attribute_value",
                edit_at(&text, "type='qcow2'", 7, 0, "x"),
            ),
            (
                "insert_disk_line",
                edit_at(
                    &text,
                    "    <interface",
                    0,
                    0,
                    "    <disk type='file' device='cdrom'><target dev='sda' bus='sata'/></disk>\n",
                ),
            ),
        ];
        for (case, (edit, new_text)) in cases {
            assert_eq!(old.reparse(&edit, new_text.as_str()), parse(&new_text));
            let mut group = c.benchmark_group(format!("{case}/{name}"));
            group.bench_function("incremental", |b| {
                b.iter(|| old.reparse(black_box(&edit), black_box(new_text.as_str())))
            });
            group.bench_function("full", |b| b.iter(|| parse(black_box(&new_text))));
            group.finish();
        }
    }
}

criterion_group!(benches, full_parse, edits);
criterion_main!(benches);
