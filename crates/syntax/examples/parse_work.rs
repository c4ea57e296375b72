//! Runs one of the `benches/parse.rs` workloads a given number of times, for load-independent
//! measurements on a shared machine: `perf stat -e instructions:u,task-clock` on
//! `parse_work <case> <iterations>`, minus the same with 0 iterations, divided by the iterations.
//! Cases: full-1mb, full-corpus, key-1mb-incremental, disk-1mb-incremental, key-1mb-full, disk-1mb-full.

use std::hint::black_box;

use domxml_syntax::{TextEdit, TextRange, TextSize, parse};

/// The same document as `generated_domain(4300)` in `benches/parse.rs`.
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

fn edit_at(text: &str, needle: &str, offset: usize, insert: &str) -> (TextEdit, String) {
    let at = text[text.len() / 2..].find(needle).expect("needle") + text.len() / 2 + offset;
    let edit = TextEdit::new(TextRange::empty(TextSize::from(at as u32)), insert);
    let mut new = text.to_string();
    edit.apply(&mut new);
    (edit, new)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let case = args.get(1).map_or("full-1mb", String::as_str);
    let n: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(10);
    let text = generated_domain(4300);
    let edit = match case {
        c if c.starts_with("key") => Some(edit_at(&text, "type='qcow2'", 7, "x")),
        c if c.starts_with("disk") => Some(edit_at(
            &text,
            "    <interface",
            0,
            "    <disk type='file' device='cdrom'><target dev='sda' bus='sata'/></disk>\n",
        )),
        _ => None,
    };
    match case {
        "full-1mb" => {
            for _ in 0..n {
                black_box(parse(black_box(&text)));
            }
        }
        "full-corpus" => {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/libvirt-11.3.0/corpus/domain");
            let corpus: Vec<String> = std::fs::read_dir(&dir)
                .expect("corpus")
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "xml"))
                .filter_map(|p| std::fs::read_to_string(p).ok())
                .collect();
            eprintln!(
                "corpus bytes {}",
                corpus.iter().map(String::len).sum::<usize>()
            );
            for _ in 0..n {
                for t in &corpus {
                    black_box(parse(black_box(t)).errors().len());
                }
            }
        }
        c if c.ends_with("-incremental") => {
            let (edit, new_text) = edit.expect("edit case");
            let old = parse(&text);
            assert_eq!(old.reparse(&edit, new_text.as_str()), parse(&new_text));
            for _ in 0..n {
                black_box(old.reparse(black_box(&edit), black_box(new_text.as_str())));
            }
        }
        c if c.ends_with("-full") => {
            let (_, new_text) = edit.expect("edit case");
            let old = parse(&text);
            for _ in 0..n {
                black_box(parse(black_box(&new_text)));
            }
            drop(old);
        }
        other => panic!("unknown case {other}"),
    }
}
