//! Invariants over random inputs: the tree is lossless and nothing panics; incremental reparsing
//! after any sequence of edits equals a full parse (same green tree, same errors), whether the
//! new text is read from a string or a rope; the element table the parser records equals the
//! one a walk over the tree builds. Cases: DOMXML_PROPTEST_CASES (default 2000).

use domxml_syntax::{
    ElementTable, Rope, TextEdit, TextRange, TextSize, parse, parse_with_elements,
};
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("DOMXML_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000)
}

/// Fragments that exercise every lexer state, plus arbitrary characters.
fn xmlish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        8 => prop::sample::select(vec![
            "<", ">", "</", "/>", "=", "'", "\"", "&", ";", "&amp;", "&#x41;", "&#0;", "&bogus;",
            "<!--", "-->", "--", "<![CDATA[", "]]>", "<?", "?>", "<?xml version='1.0'?>",
            "<!DOCTYPE d [<!ENTITY e 'x'>]>", "[", "]", " ", "\n", "\r", "\r\n", "\t", "a", "b",
            "domain", "disk", "x:y", "é", "𝄞", "\u{0}", "\u{FEFF}", "<a>", "</a>", "<b x='1'>",
            "</b>", "<c/>", " y=\"2\"",
        ]).prop_map(str::to_string),
        1 => any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

/// The table recorded while parsing equals the table of a walk over the tree, and recording
/// changes neither the tree nor the errors.
fn check_elements(text: &str) {
    let recorded = parse_with_elements(text);
    assert_eq!(
        recorded,
        parse(text),
        "recording changed the parse of {text:?}"
    );
    let table = recorded
        .recorded_elements()
        .expect("parse_with_elements records a table");
    match recorded.document().root() {
        Some(root) => assert_eq!(*table, ElementTable::of(&root), "tables of {text:?}"),
        None => assert!(table.is_empty(), "a table without a root element: {text:?}"),
    }
}

fn check_parse(text: &str) {
    check_elements(text);
    let p = parse(text);
    assert_eq!(p.syntax().text().to_string(), text);
    for e in p.errors() {
        assert!(
            usize::from(e.range.end()) <= text.len(),
            "{e:?} out of {text:?}"
        );
        assert!(
            text.is_char_boundary(e.range.start().into())
                && text.is_char_boundary(e.range.end().into())
        );
    }
}

#[derive(Debug, Clone)]
struct RawEdit {
    at: f64,
    delete: usize,
    insert: String,
}

fn raw_edit() -> impl Strategy<Value = RawEdit> {
    (
        0.0..=1.0f64,
        prop_oneof![3 => 0..2usize, 1 => 0..40usize],
        prop_oneof![3 => "[a-z'\" =<>/]{0,2}", 1 => xmlish()],
    )
        .prop_map(|(at, delete, insert)| RawEdit { at, delete, insert })
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn to_edit(text: &str, raw: &RawEdit) -> TextEdit {
    let start = floor_boundary(text, (raw.at * text.len() as f64) as usize);
    let end = floor_boundary(text, start + raw.delete);
    TextEdit::new(
        TextRange::new(TextSize::from(start as u32), TextSize::from(end as u32)),
        raw.insert.clone(),
    )
}

fn check_edits(seed: &str, edits: &[RawEdit]) {
    let mut text = seed.to_string();
    let mut tree = parse(&text);
    // The same edits on a rope, as documents keep their text.
    let mut rope = Rope::from_str(&text);
    let mut rope_tree = tree.clone();
    for raw in edits {
        let edit = to_edit(&text, raw);
        let before = text.clone();
        edit.apply(&mut text);
        tree = tree.reparse(&edit, text.as_str());
        edit.apply_to_rope(&mut rope);
        rope_tree = rope_tree.reparse(&edit, &rope);
        assert_eq!(rope.to_string(), text);
        assert_eq!(rope_tree, tree, "tree read from a rope after {edit:?}");
        let full = parse(&text);
        assert_eq!(
            tree.errors(),
            full.errors(),
            "errors after {edit:?} on\n{before:?}\n->\n{text:?}"
        );
        // Equal trees once chunks are taken away (`Parse`'s equality).
        assert!(
            tree == full,
            "tree after {edit:?} on\n{before:?}\n->\n{text:?}"
        );
        check_chunks(&tree);
        check_elements(&text);
    }
}

/// Chunks (`domxml_syntax::chunk`) hold an element's content only, never nothing, and stay
/// small however the edits went.
fn check_chunks(parse: &domxml_syntax::Parse) {
    use domxml_syntax::SyntaxKind::*;
    for node in parse.syntax().descendants() {
        if node.kind() != CHUNK {
            continue;
        }
        let parent = node.parent().expect("a chunk has a parent").kind();
        assert!(matches!(parent, ELEMENT | CHUNK), "a chunk in {parent:?}");
        let count = node.children_with_tokens().count();
        assert!((1..=128).contains(&count), "a chunk of {count} children");
        // The element's own tags stay outside its chunks.
        let element = node.ancestors().find(|n| n.kind() == ELEMENT).unwrap();
        let first = element.first_child().map(|c| c.kind());
        assert_eq!(
            first,
            Some(START_TAG),
            "a chunked element starting with {first:?}"
        );
    }
}

/// A `<devices>` long enough to be cut into chunks (with `n` disks).
fn long_list(n: usize) -> String {
    let mut text = String::from("<domain type='kvm'>\n  <name>t</name>\n  <devices>\n");
    for i in 0..n {
        text.push_str(&format!(
            "    <disk type='file' device='disk'><target dev='vd{i}' bus='virtio'/></disk>\n"
        ));
    }
    text.push_str("  </devices>\n</domain>\n");
    text
}

const SEEDS: [&str; 3] = [
    include_str!("../../../examples/workstation.xml"),
    "<domain type='kvm'>\n  <name>t</name>\n  <devices>\n    <watchdog model='i6300esb' action='reset'/>\n    <!-- balloon -->\n    <memballoon model='virtio'>\n      <stats period='10'/>\n    </memballoon>\n  </devices>\n</domain>\n",
    "<a><b>text &amp; more</b><c x=\"1\" y='2'/><![CDATA[ <raw> ]]></a>",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn any_text_round_trips(text in xmlish()) {
        check_parse(&text);
    }

    #[test]
    fn any_unicode_round_trips(text in "\\PC{0,64}") {
        check_parse(&text);
    }

    #[test]
    fn incremental_equals_full_parse(seed in 0..SEEDS.len(), edits in prop::collection::vec(raw_edit(), 1..12)) {
        check_edits(SEEDS[seed], &edits);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases() / 10 + 1))]

    /// Edits anywhere in a list long enough to be chunked: across chunk boundaries, inserting
    /// many children, deleting whole runs of them.
    #[test]
    fn incremental_equals_full_parse_in_long_lists(
        edits in prop::collection::vec(prop_oneof![
            4 => raw_edit(),
            1 => (0.0..=1.0f64, 0..4000usize).prop_map(|(at, delete)| RawEdit { at, delete, insert: String::new() }),
            1 => (0.0..=1.0f64, 1..300usize).prop_map(|(at, n)| RawEdit { at, delete: 0, insert: "<disk/>\n".repeat(n) }),
        ], 1..16),
    ) {
        check_edits(&long_list(300), &edits);
    }
}

/// Chunks of chunks: a list of 10,000 children, edited at its start, its end and across the
/// boundaries of the outer chunks.
#[test]
fn incremental_equals_full_parse_in_nested_chunks() {
    let text = long_list(5000);
    let edits: Vec<RawEdit> = (0..40)
        .map(|i| RawEdit {
            at: [0.0, 0.001, 0.5, 0.999, 1.0, (i as f64 * 0.37) % 1.0][i % 6],
            delete: [0, 3, 90, 9000, 1][i % 5],
            insert: ["<", "x", "<watchdog model='i6300esb'/>\n", "", "</devices>"][i % 5]
                .to_string(),
        })
        .collect();
    check_edits(&text, &edits);
}

/// Real documents from libvirt's test suite as seeds, when `../shared` is there.
#[test]
fn incremental_equals_full_parse_on_corpus_documents() {
    let Some(dir) = corpus_dir() else {
        return;
    };
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus dir readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .collect();
    files.sort();
    let seeds: Vec<String> = files
        .iter()
        .step_by(files.len() / 40 + 1)
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    let mut runner =
        proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(cases() / 4 + 1));
    runner
        .run(
            &(0..seeds.len(), prop::collection::vec(raw_edit(), 1..8)),
            |(i, edits)| {
                check_edits(&seeds[i], &edits);
                Ok(())
            },
        )
        .unwrap();
}

fn corpus_dir() -> Option<std::path::PathBuf> {
    domxml_testdata::domain_corpus()
}

/// Found by `incremental_equals_full_parse`: an end tag without '>' looks at the text after its
/// name, so relexing that text alone is not enough when it gains the '>'.
#[test]
fn edit_closing_an_unclosed_end_tag() {
    let before = "<domain>\n  <devices/>\n</domai \">\n";
    let at = before.find('"').unwrap() as u32;
    let edit = TextEdit::new(TextRange::new(at.into(), (at + 1).into()), ">");
    let mut after = before.to_string();
    edit.apply(&mut after);
    let incremental = parse(before).reparse(&edit, after.as_str());
    let full = parse(&after);
    assert_eq!(incremental.errors(), full.errors());
    assert!(incremental == full);
}

/// Every corpus document: the recorded table equals the walked one.
#[test]
fn recorded_element_tables_equal_walked_ones_on_the_corpus() {
    let Some(dir) = corpus_dir() else {
        return;
    };
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("corpus dir readable") {
        let path = entry.expect("corpus entry").path();
        if path.extension().is_some_and(|x| x == "xml") {
            let text = std::fs::read_to_string(&path).expect("corpus file is UTF-8");
            check_elements(&text);
            checked += 1;
        }
    }
    assert!(checked > 1000, "only {checked} corpus documents");
}

/// Recovery paths, one by one: unclosed and mismatched elements, a tag cut off, values without
/// quotes or `=`, references, CDATA and comments in text, a second root, nesting beyond
/// `MAX_DEPTH`.
#[test]
fn recorded_element_tables_follow_recovery() {
    let deep = |n: usize| format!("{}x{}", "<e a='1'>".repeat(n), "</e>".repeat(n));
    for text in [
        "<a><b>one</b> two <c/>three</a>",
        "<a x='&amp;1' y=\"&#x41;\" z=v w = 'q' u>text &lt; more<![CDATA[<raw>]]><!-- c -->tail</a>",
        "<a><b><c></a>",
        "<a><b></c></b></a>",
        "<a><b x='1'",
        "<a><b x='1' <c/></a>",
        "<a x='unclosed><b/></a>",
        "<a/><b>second root</b>",
        "text<a> x </a>",
        "<a>\n  <b/>\n  \n</a>",
        "<a></",
        "<a>&bogus; &#0; ]]> </a>",
        &deep(3000),
        &format!("<r>{}</r>", deep(2100)),
    ] {
        check_elements(text);
    }
}
