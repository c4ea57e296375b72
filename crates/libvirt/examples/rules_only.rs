//! Runs libvirt's rules alone over XML files, for a profiler: `cargo run --profile profiling
//! --example rules_only -- FILE...` (e.g. under `valgrind --tool=callgrind
//! --toggle-collect=domxml_libvirt::rules::check`). Prints the number of findings.
//!
//! Files are parsed as `domxml check` parses them, recording the element table
//! (`--toggle-collect=domxml_syntax::parse_with_elements` counts the parse with its recording);
//! with `WALK=1` they are parsed plainly and the rules walk the tree for the table, as after an
//! incremental reparse in the server (`--toggle-collect=domxml_syntax::parse` for the parse).
fn main() {
    let options = domxml_libvirt::rules::RuleOptions::default();
    let walk = std::env::var_os("WALK").is_some();
    let mut findings = 0;
    for path in std::env::args().skip(1) {
        let Ok(text) = std::fs::read_to_string(&path) else {
            eprintln!("cannot read {path}");
            continue;
        };
        let parse = if walk {
            domxml_syntax::parse(&text)
        } else {
            domxml_syntax::parse_with_elements(&text)
        };
        findings += domxml_libvirt::rules::check(&parse, &text, &options).len();
    }
    println!("{findings} findings");
}
