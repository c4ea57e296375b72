//! Runs libvirt's rules alone over XML files, for a profiler: `cargo run --profile profiling
//! --example rules_only -- FILE...` (e.g. under `valgrind --tool=callgrind
//! --toggle-collect=domxml_libvirt::rules::check`). Prints the number of findings.
//!
//! With `BARE=1` it also walks every node of each green tree doing nothing
//! (`--toggle-collect=rules_only::bare_walk`): the floor under any index built by walking the
//! tree (21 M instructions over the 1870 corpus files, where the index build costs 30 M).
fn main() {
    let options = domxml_libvirt::rules::RuleOptions::default();
    let mut findings = 0;
    let mut visited = 0;
    for path in std::env::args().skip(1) {
        let Ok(text) = std::fs::read_to_string(&path) else {
            eprintln!("cannot read {path}");
            continue;
        };
        let parse = domxml_syntax::parse(&text);
        findings += domxml_libvirt::rules::check(&parse.document(), &options).len();
        if std::env::var_os("BARE").is_some() {
            visited += bare_walk(parse.green());
        }
    }
    println!("{findings} findings, {visited} children visited by the bare walk");
}

/// Every child of every node, each one's length added up as the index does for offsets.
#[inline(never)]
pub fn bare_walk(green: &rowan::GreenNodeData) -> usize {
    let mut stack = vec![green];
    let mut n = 0usize;
    while let Some(node) = stack.pop() {
        let mut offset = rowan::TextSize::from(0);
        for child in node.children() {
            offset += child.text_len();
            if let rowan::NodeOrToken::Node(c) = child {
                stack.push(c);
            }
            n += 1;
        }
        std::hint::black_box(offset);
    }
    n
}
