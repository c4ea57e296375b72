//! Runs libvirt's rules alone over XML files, for a profiler: `cargo run --profile profiling
//! --example rules_only -- FILE...` (e.g. under `valgrind --tool=callgrind
//! --toggle-collect=domxml_libvirt::rules::check`). Prints the number of findings.
fn main() {
    let options = domxml_libvirt::rules::RuleOptions::default();
    let mut findings = 0;
    for path in std::env::args().skip(1) {
        let Ok(text) = std::fs::read_to_string(&path) else {
            eprintln!("cannot read {path}");
            continue;
        };
        let parse = domxml_syntax::parse(&text);
        findings += domxml_libvirt::rules::check(&parse.document(), &options).len();
    }
    println!("{findings} findings");
}
