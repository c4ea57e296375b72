//! The typed layer: names, attributes, children, text and namespaces with their ranges.

use domxml_syntax::ast::Content;
use domxml_syntax::parse;

const DOC: &str = r#"<domain type='kvm' xmlns:qemu="http://libvirt.org/schemas/domain/qemu/1.0">
  <name>vm &amp; co</name>
  <memory unit="KiB">4194304</memory>
  <!-- a comment -->
  <devices><watchdog model='i6300esb' action="reset"/></devices>
  <qemu:commandline><qemu:arg value='-s'/></qemu:commandline>
</domain>"#;

#[test]
fn elements_attributes_and_text() {
    let doc = parse(DOC).document();
    let root = doc.root().unwrap();
    assert_eq!(root.name().unwrap().text(), "domain");
    assert_eq!(root.attribute_value("type").as_deref(), Some("kvm"));
    let children: Vec<_> = root.children().map(|c| c.name_text().unwrap()).collect();
    assert_eq!(children, ["name", "memory", "devices", "qemu:commandline"]);
    let name = root.children().next().unwrap();
    assert_eq!(name.text(), "vm & co");
    let watchdog = root.children().nth(2).unwrap().children().next().unwrap();
    assert!(watchdog.is_self_closing());
    let action = watchdog.attribute("action").unwrap().value().unwrap();
    assert_eq!(action.unquoted(), "reset");
    assert_eq!(
        &DOC[std::ops::Range::<usize>::from(action.value_range())],
        "reset"
    );
    assert_eq!(
        &DOC[std::ops::Range::<usize>::from(action.range())],
        "\"reset\""
    );
    assert_eq!(
        watchdog.parent().unwrap().name_text().as_deref(),
        Some("devices")
    );
}

#[test]
fn content_merges_text_and_skips_comments() {
    let doc = parse("<a>x<!-- c -->y&lt;<![CDATA[<z>]]><b/>tail</a>").document();
    let content: Vec<_> = doc.root().unwrap().content().collect();
    assert_eq!(content.len(), 3);
    let Content::Text(first) = &content[0] else {
        panic!()
    };
    assert_eq!(first.value, "xy<<z>");
    assert!(matches!(&content[1], Content::Element(e) if e.name_text().as_deref() == Some("b")));
}

#[test]
fn namespaces_resolve_through_ancestors() {
    let doc = parse(DOC).document();
    let cmd = doc.root().unwrap().children().last().unwrap();
    let arg = cmd.children().next().unwrap();
    assert_eq!(arg.name().unwrap().local(), "arg");
    assert_eq!(arg.name().unwrap().prefix(), Some("qemu"));
    assert_eq!(
        arg.namespace().as_deref(),
        Some("http://libvirt.org/schemas/domain/qemu/1.0")
    );
    assert_eq!(doc.root().unwrap().namespace(), None);
}

#[test]
fn broken_documents_still_have_a_typed_view() {
    let doc = parse("<domain><devices><disk type='file' device=</devices>").document();
    let disk = doc
        .root()
        .unwrap()
        .children()
        .next()
        .unwrap()
        .children()
        .next()
        .unwrap();
    assert_eq!(disk.name_text().as_deref(), Some("disk"));
    assert_eq!(disk.attribute_value("type").as_deref(), Some("file"));
    assert!(disk.attribute("device").unwrap().value().is_none());
}

/// The green-tree readers agree with the cursor-based ones on every element and attribute.
#[test]
fn green_readers_agree_with_cursors() {
    let texts = [
        "<a x='1' y=\"&amp;2\" z><b x='3'/><c:d c:e='4' x=''/><f x/></a>".to_string(),
        "<a  x = '1'   x='dup'><b/></a>".to_string(),
    ];
    let corpus: Vec<String> = domxml_testdata::domain_corpus()
        .map(|dir| {
            let mut files: Vec<_> = std::fs::read_dir(dir)
                .expect("corpus")
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "xml"))
                .collect();
            files.sort();
            files
                .iter()
                .take(200)
                .filter_map(|f| std::fs::read_to_string(f).ok())
                .collect()
        })
        .unwrap_or_default();
    for text in texts.iter().chain(&corpus) {
        let parse = domxml_syntax::parse(text);
        for node in parse.syntax().descendants() {
            let Some(e) = domxml_syntax::ast::Element::cast(node) else {
                continue;
            };
            if let Some(name) = e.name() {
                assert!(e.name_is(name.text()));
                assert!(!e.name_is("no-such-name"));
            }
            for a in e.attributes() {
                let Some(name) = a.name() else { continue };
                let slow = e
                    .attribute(name.text())
                    .and_then(|a| a.value())
                    .map(|v| (v.unquoted(), v.value_range()));
                assert_eq!(e.attribute_value_and_range(name.text()), slow, "{text}");
            }
            assert_eq!(e.attribute_value_and_range("no-such"), None);
        }
    }
}

#[test]
fn green_name_text_agrees_with_the_name_token() {
    for text in ["<a><b/><c:d x='1'>t</c:d><e></e></a>", "<a><b", "<a/><"] {
        let parse = domxml_syntax::parse(text);
        for node in parse.syntax().descendants() {
            if let Some(e) = domxml_syntax::ast::Element::cast(node) {
                assert_eq!(e.name_text(), e.name().map(|n| n.text().to_owned()));
            }
        }
    }
}
