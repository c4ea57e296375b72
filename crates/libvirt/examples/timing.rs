//! Times schema compilation and corpus validation: `cargo run --release --example timing -- ENTRY.rng DIR`.
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Counts live heap bytes, to measure what a compiled catalogue keeps.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(entry), Some(dir)) = (args.next(), args.next()) else {
        eprintln!("usage: timing ENTRY.rng CORPUS_DIR");
        return;
    };
    // Warm up process-wide caches (e.g. the syntax crate's) so they are not counted.
    drop(domxml_schema::compile(&domxml_schema::DiskFiles, &entry));
    let before = LIVE.load(Ordering::Relaxed);
    let kept = domxml_schema::compile(&domxml_schema::DiskFiles, &entry).expect("compiles");
    println!(
        "catalogue live heap: {} KiB",
        (LIVE.load(Ordering::Relaxed) - before) / 1024
    );
    drop(kept);
    let t = Instant::now();
    let mut n = 0;
    let cat = loop {
        let cat = domxml_schema::compile(&domxml_schema::DiskFiles, &entry).expect("compiles");
        n += 1;
        if n == std::env::var("COMPILES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(20)
        {
            break cat;
        }
    };
    println!(
        "compile: {:?} per run; {} patterns, ~{} KiB",
        t.elapsed() / 20,
        cat.pattern_count(),
        cat.heap_bytes() / 1024
    );
    let mut texts = Vec::new();
    for e in std::fs::read_dir(&dir).expect("dir").filter_map(Result::ok) {
        if e.path().extension().is_some_and(|x| x == "xml") {
            texts.push(std::fs::read_to_string(e.path()).expect("read"));
        }
    }
    let t = Instant::now();
    let parses: Vec<_> = texts.iter().map(|t| domxml_syntax::parse(t)).collect();
    println!("parse {} files: {:?}", texts.len(), t.elapsed());
    let t = Instant::now();
    let mut bad = 0;
    for p in &parses {
        bad += usize::from(!domxml_schema::validate(&cat, &p.document()).is_empty());
    }
    println!(
        "validate, fresh session per file: {:?} ({bad} invalid)",
        t.elapsed()
    );
    let t = Instant::now();
    let mut v = domxml_schema::Validator::new(&cat);
    for p in &parses {
        let _ = v.validate(&p.document());
    }
    println!("validate, one session: {:?}", t.elapsed());
    let t = Instant::now();
    for p in &parses {
        let _ = v.validate(&p.document());
    }
    println!("validate, warm session: {:?}", t.elapsed());
    let t = Instant::now();
    let mut count = 0usize;
    for p in &parses {
        let mut stack: Vec<domxml_syntax::ast::Element> = p.document().root().into_iter().collect();
        while let Some(e) = stack.pop() {
            for a in e.attributes() {
                count += a.value().map(|v| v.unquoted().len()).unwrap_or(0);
                count += a.name().map(|n| n.local().len()).unwrap_or(0);
            }
            for c in e.content() {
                match c {
                    domxml_syntax::ast::Content::Element(c) => stack.push(c),
                    domxml_syntax::ast::Content::Text(t) => count += t.value.len(),
                }
            }
        }
    }
    println!(
        "tree walk only (content + attributes): {:?} ({count})",
        t.elapsed()
    );
}
