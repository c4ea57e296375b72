//! Hover documentation comes from the embedded catalogue even when the document is validated
//! with libvirt's own schema directory (libvirt's `.rng` files carry no documentation): for
//! document paths taken from a document libvirt 11.3.0's schema validates, the catalogue
//! answers with its documentation, libvirt's schema with none.

use domxml_libvirt::builtin::EmbeddedFiles;
use domxml_schema::query::documentation;
use domxml_schema::{DiskFiles, compile, validate};
use domxml_syntax::ast::Element;

const DOC: &str = r#"<domain type="kvm">
  <name>docs</name>
  <memory unit="MiB">1024</memory>
  <os><type arch="x86_64" machine="q35">hvm</type></os>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <watchdog model="i6300esb" action="poweroff"/>
    <memballoon model="virtio"/>
  </devices>
</domain>
"#;

/// `domain/devices/watchdog`: the document path of an element, as hovers compute it.
fn path_of(e: &Element) -> String {
    let mut names: Vec<String> = e.ancestors().filter_map(|a| a.name_text()).collect();
    names.reverse();
    names.extend(e.name_text());
    names.join("/")
}

fn find(e: &Element, name: &str) -> Option<Element> {
    if e.name_text().as_deref() == Some(name) {
        return Some(e.clone());
    }
    e.children().find_map(|c| find(&c, name))
}

#[test]
fn docs_come_from_the_catalogue_whatever_validates() {
    let Some(entry) = domxml_testdata::libvirt11().map(|d| d.join("schemas/domain.rng")) else {
        return;
    };
    if !entry.is_file() {
        println!("SKIPPED: ../shared/libvirt-11.3.0/schemas is absent");
        return;
    }
    let libvirt = compile(&DiskFiles, &entry.to_string_lossy()).expect("libvirt's schema");
    let ours = compile(&EmbeddedFiles, EmbeddedFiles::DOMAIN).expect("the catalogue");
    let parse = domxml_syntax::parse(DOC);
    let doc = parse.document();
    assert_eq!(
        validate(&libvirt, &doc),
        Vec::new(),
        "libvirt's schema validates the document"
    );
    let root = doc.root().expect("root");
    let element = |name: &str| find(&root, name).unwrap_or_else(|| panic!("<{name}> in DOC"));
    let watchdog = path_of(&element("watchdog"));
    let memballoon = path_of(&element("memballoon"));
    let on_poweroff = path_of(&element("on_poweroff"));
    assert_eq!(watchdog, "domain/devices/watchdog");
    let action = element("watchdog")
        .attribute_value("action")
        .expect("action");
    let model = element("watchdog").attribute_value("model").expect("model");
    let lifecycle = element("on_poweroff").text();

    // (path, value) pairs: an attribute, an element, values of an attribute and of text.
    let cases: Vec<(String, Option<String>)> = vec![
        (format!("{watchdog}/@action"), None),
        (memballoon.clone(), None),
        (format!("{memballoon}/@model"), None),
        (format!("{watchdog}/@action"), Some(action)),
        (format!("{watchdog}/@model"), Some(model)),
        (on_poweroff, Some(lifecycle)),
    ];
    for (path, value) in &cases {
        let found = documentation(&ours, path, value.as_deref())
            .unwrap_or_else(|| panic!("the catalogue has no definition for {path} {value:?}"));
        let text = found
            .doc
            .unwrap_or_else(|| panic!("no documentation for {path} {value:?}"));
        assert!(found.exact, "{path} was found by name only");
        assert!(text.trim().len() > 10, "{path} {value:?}: {text:?}");
        println!("{path} {value:?}: {text}");
        let theirs = documentation(&libvirt, path, value.as_deref()).and_then(|d| d.doc);
        assert_eq!(theirs, None, "libvirt's schema documents {path}?");
    }
    // A value's documentation is its own, not its attribute's.
    let attribute = documentation(&ours, &format!("{watchdog}/@action"), None).and_then(|d| d.doc);
    let value = cases[3].1.as_deref();
    let of_value = documentation(&ours, &format!("{watchdog}/@action"), value).and_then(|d| d.doc);
    assert_ne!(attribute, of_value);
}
