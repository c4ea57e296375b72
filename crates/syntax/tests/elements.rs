//! The element table's answers, for both of its builders (recorded by the parser, walked).

use domxml_syntax::elements::{ElementTable, Elements};
use domxml_syntax::{Parse, parse, parse_with_elements};

const DOC: &str = "<domain type='kvm' note=\"a &amp; b\">\n  <name>vm&#x31;</name>\n  \
<memory unit='KiB'> 1024 </memory>\n  <devices>\n    <disk type='file'><target dev='vda'/></disk>\n    \
<disk type='block'/>\n  </devices>\n  <mixed>one<b/>two<!-- c --> three<![CDATA[<4>]]></mixed>\n  <flag x/>\n</domain>\n";

/// Runs `f` on the table of `DOC` from each builder.
fn with_each_table(f: impl Fn(&Elements<'_>)) {
    let recorded = parse_with_elements(DOC);
    let root = recorded.document().root().expect("a root");
    f(
        &Elements::new(recorded.recorded_elements().expect("recorded"), DOC, &root)
            .expect("matches"),
    );
    let plain: Parse = parse(DOC);
    assert!(plain.recorded_elements().is_none());
    let root = plain.document().root().expect("a root");
    let walked = ElementTable::of(&root);
    f(&Elements::new(&walked, DOC, &root).expect("matches"));
}

#[test]
fn names_children_and_parents() {
    with_each_table(|t| {
        let domain = t.root();
        assert!(domain.is("domain"));
        let names: Vec<&str> = domain.children().map(|c| c.name()).collect();
        assert_eq!(names, ["name", "memory", "devices", "mixed", "flag"]);
        let devices = domain.child("devices").expect("devices");
        assert_eq!(devices.children_named("disk").count(), 2);
        let target = devices
            .child("disk")
            .and_then(|d| d.child("target"))
            .expect("target");
        assert_eq!(target.parent().and_then(|d| d.parent()), Some(devices));
        assert_eq!(domain.parent(), None);
        assert_eq!(&DOC[target.name_range()], "target");
        assert_eq!(&DOC[domain.range()], DOC.trim_end());
    });
}

#[test]
fn attributes_are_decoded_with_their_ranges() {
    with_each_table(|t| {
        let domain = t.root();
        assert_eq!(domain.attribute_value("type"), Some("kvm"));
        let (note, range) = domain.attr("note").expect("note");
        assert_eq!(note, "a & b");
        assert_eq!(&DOC[range], "a &amp; b");
        assert_eq!(domain.attribute_value("missing"), None);
        let flag = domain.child("flag").expect("flag");
        assert!(flag.has_attribute("x") && flag.attribute_value("x").is_none());
        assert!(!domain.child("name").expect("name").has_attributes());
    });
}

#[test]
fn text_runs_split_at_child_elements_only() {
    with_each_table(|t| {
        let domain = t.root();
        assert_eq!(domain.child("name").expect("name").text(), "vm1");
        let memory = domain.child("memory").expect("memory");
        let (first, range) = memory.first_text().expect("text");
        assert_eq!(first, " 1024 ");
        assert_eq!(&DOC[range], " 1024 ");
        let mixed = domain.child("mixed").expect("mixed");
        // A comment does not split a run; the CDATA section's body is text.
        assert_eq!(mixed.text(), "onetwo three<4>");
        assert_eq!(
            mixed.first_text().map(|(v, _)| v.into_owned()),
            Some("one".to_owned())
        );
        // Only whitespace directly inside <devices>: no first text.
        assert!(
            domain
                .child("devices")
                .expect("devices")
                .first_text()
                .is_none()
        );
    });
}

#[test]
fn element_finds_the_syntax_node() {
    with_each_table(|t| {
        let disk = t
            .root()
            .child("devices")
            .and_then(|d| d.child("disk"))
            .expect("disk");
        let node = disk.element().expect("syntax node");
        assert_eq!(node.range(), disk.range());
        assert_eq!(node.attribute_value("type").as_deref(), Some("file"));
    });
}

#[test]
fn a_table_of_another_tree_is_refused() {
    let recorded = parse_with_elements(DOC);
    let other = parse("<domain/>");
    let root = other.document().root().expect("a root");
    assert!(
        Elements::new(
            recorded.recorded_elements().expect("recorded"),
            "<domain/>",
            &root
        )
        .is_none()
    );
}

#[test]
fn a_text_of_another_length_is_refused() {
    let recorded = parse_with_elements(DOC);
    let root = recorded.document().root().expect("a root");
    let table = recorded.recorded_elements().expect("recorded");
    assert!(Elements::new(table, &DOC[..DOC.len() - 1], &root).is_none());
}

/// On well-formed corpus documents the table's text is the tree's, element by element.
#[test]
fn text_agrees_with_the_tree_on_the_corpus() {
    let Some(dir) = domxml_testdata::domain_corpus() else {
        return;
    };
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus dir readable")
        .map(|e| e.expect("corpus entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .collect();
    paths.sort();
    let mut compared = 0;
    for path in paths.iter().step_by(7) {
        let text = std::fs::read_to_string(path).expect("corpus file is UTF-8");
        let parse = parse_with_elements(&text);
        if !parse.errors().is_empty() {
            continue;
        }
        let root = parse.document().root().expect("a root");
        let table = parse.recorded_elements().expect("recorded");
        let elements = Elements::new(table, &text, &root).expect("matches");
        let mut todo = vec![elements.root()];
        while let Some(e) = todo.pop() {
            let node = e.element().expect("every element has its node");
            assert_eq!(e.text(), node.text(), "text of {e:?} in {}", path.display());
            todo.extend(e.children());
            compared += 1;
        }
    }
    assert!(compared > 1000, "only {compared} elements compared");
}
