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
