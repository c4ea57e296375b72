//! Completion ranked for people: common children and the hypervisor's values first, filtered
//! and preselected by what was typed, namespaced elements with their prefix.

use std::sync::OnceLock;

use domxml_ide::completion::{CompletionItem, CompletionKind, CompletionOptions, completions};
use domxml_ide::{SchemaModel, apply_edits};
use domxml_libvirt::model::CatalogueModel;
use domxml_syntax::TextSize;

fn model() -> &'static CatalogueModel {
    static MODEL: OnceLock<CatalogueModel> = OnceLock::new();
    MODEL.get_or_init(|| {
        let cat = domxml_libvirt::builtin::catalogue().expect("the built-in catalogue compiles");
        CatalogueModel::new(cat, "built-in catalogue", Some("11.3".into()))
    })
}

fn complete(fixture: &str) -> (String, Vec<CompletionItem>) {
    let at = fixture.find("$0").expect("fixture has $0");
    let mut text = fixture.to_string();
    text.replace_range(at..at + 2, "");
    let parse = domxml_syntax::parse(&text);
    let items = completions(
        &parse,
        &text,
        TextSize::from(at as u32),
        Some(model() as &dyn SchemaModel),
        &CompletionOptions::default(),
    );
    (text, items)
}

/// Labels in the order a client shows them (by sortText, then label).
fn ordered(items: &[CompletionItem]) -> Vec<String> {
    let mut v: Vec<&CompletionItem> = items.iter().collect();
    v.sort_by(|a, b| {
        a.sort_text
            .cmp(&b.sort_text)
            .then_with(|| a.label.cmp(&b.label))
    });
    v.iter().map(|i| i.label.clone()).collect()
}

fn position(labels: &[String], name: &str) -> usize {
    labels
        .iter()
        .position(|l| l == name)
        .unwrap_or_else(|| panic!("{name} not offered: {labels:?}"))
}

fn preselected(items: &[CompletionItem]) -> Vec<String> {
    items
        .iter()
        .filter(|i| i.preselect)
        .map(|i| i.label.clone())
        .collect()
}

#[test]
fn every_domain_s_elements_come_first() {
    let (_, items) = complete("<domain type='kvm'>\n  <$0\n</domain>\n");
    let labels = ordered(&items);
    for name in ["name", "memory", "vcpu", "os", "devices"] {
        assert!(position(&labels, name) < 6, "{name}: {labels:?}");
    }
    assert!(position(&labels, "devices") < position(&labels, "bootloader_args"));
}

#[test]
fn values_ranked_for_the_hypervisor() {
    let (_, items) =
        complete("<domain type='kvm'>\n  <os>\n    <type>$0</type>\n  </os>\n</domain>\n");
    assert_eq!(ordered(&items)[0], "hvm");

    let (_, items) = complete(
        "<domain type='kvm'>\n  <os>\n    <type arch='x86_64' machine='$0'>hvm</type>\n  </os>\n</domain>\n",
    );
    let labels = ordered(&items);
    assert_eq!(&labels[..2], ["q35", "pc"]);
    assert!(
        labels.iter().any(|l| l.starts_with("pc-q35-")),
        "{labels:?}"
    );
    assert!(
        labels.iter().any(|l| l.starts_with("pc-i440fx-")),
        "{labels:?}"
    );
    assert!(position(&labels, "pc") < position(&labels, "xenpv"));

    // On Xen the Xen machines lead.
    let (_, items) = complete(
        "<domain type='xen'>\n  <os>\n    <type machine='$0'>hvm</type>\n  </os>\n</domain>\n",
    );
    assert!(
        ordered(&items)[0].starts_with("xen"),
        "{:?}",
        ordered(&items)
    );

    let (_, items) = complete(
        "<domain type='kvm'>\n  <devices>\n    <video><model type='$0'/></video>\n  </devices>\n</domain>\n",
    );
    let labels = ordered(&items);
    assert_eq!(&labels[..3], ["virtio", "qxl", "vga"]);
    assert!(position(&labels, "vga") < position(&labels, "cirrus"));
}

#[test]
fn typed_prefix_filters_and_preselects() {
    let (text, items) = complete("<domain type='kvm'>\n  <dev$0\n</domain>\n");
    assert_eq!(ordered(&items)[0], "devices");
    let devices = items.iter().find(|i| i.label == "devices").unwrap();
    assert_eq!(&text[devices.range], "dev");
    assert_eq!(devices.filter_text.as_deref(), Some("devices"));

    for (fixture, want) in [
        ("<domain type='kvm'>\n  <nam$0\n</domain>\n", "name"),
        ("<domain type='kvm'>\n  <vc$0\n</domain>\n", "vcpu"),
        (
            "<domain type='kvm'>\n  <devices>\n    <disk><driver type='qco$0'/></disk>\n  </devices>\n</domain>\n",
            "qcow2",
        ),
    ] {
        let (_, items) = complete(fixture);
        assert_eq!(preselected(&items), [want], "{fixture}");
    }
}

#[test]
fn namespaced_elements_carry_their_prefix() {
    let (text, items) = complete("<domain type='kvm'>\n  <$0\n</domain>\n");
    let labels = ordered(&items);
    assert!(!labels.iter().any(|l| l == "commandline"), "{labels:?}");
    let mut unique = labels.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), labels.len(), "duplicates in {labels:?}");
    let qemu = items
        .iter()
        .find(|i| i.label == "qemu:commandline")
        .expect("qemu:commandline offered");
    assert!(
        qemu.insert.starts_with("qemu:commandline>"),
        "{}",
        qemu.insert
    );
    // Other drivers' extensions are not offered on a kvm domain...
    for other in [
        "vmware:datacenterpath",
        "lxc:namespace",
        "bhyve:commandline",
        "xen:commandline",
    ] {
        assert!(!labels.iter().any(|l| l == other), "{other} in {labels:?}");
    }
    // ...but on theirs, and when the document declares their namespace.
    let (_, items) = complete("<domain type='vmware'>\n  <$0\n</domain>\n");
    let labels = ordered(&items);
    assert!(
        labels.iter().any(|l| l == "vmware:datacenterpath"),
        "{labels:?}"
    );
    assert!(
        !labels.iter().any(|l| l == "qemu:commandline"),
        "{labels:?}"
    );
    let (_, items) = complete(
        "<domain type='kvm' xmlns:lxc='http://libvirt.org/schemas/domain/lxc/1.0'>\n  <$0\n</domain>\n",
    );
    assert!(ordered(&items).iter().any(|l| l == "lxc:namespace"));
    let mut edits = qemu.additional_edits.clone();
    edits.push(domxml_ide::TextEdit::new(qemu.range, "qemu:commandline/>"));
    let after = apply_edits(&text, &edits);
    assert!(
        after.starts_with(
            "<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>"
        ),
        "{after}"
    );
    // Valid once declared.
    let parse = domxml_syntax::parse(&after);
    let doc = domxml_syntax::ast::Document::cast(parse.syntax()).unwrap();
    let problems = model().validate(&doc);
    assert!(
        !problems.iter().any(|p| p.message.contains("commandline")),
        "{problems:?}"
    );

    // Typing the prefix completes; a declared prefix is reused with no new declaration.
    let (_, items) = complete("<domain type='kvm'>\n  <qemu:$0\n</domain>\n");
    assert_eq!(ordered(&items)[0], "qemu:commandline");
    let (_, items) = complete(
        "<domain type='kvm' xmlns:q='http://libvirt.org/schemas/domain/qemu/1.0'>\n  <$0\n</domain>\n",
    );
    let q = items.iter().find(|i| i.label == "q:commandline").unwrap();
    assert!(q.additional_edits.is_empty());
    assert!(!items.iter().any(|i| i.label == "qemu:commandline"));
}

#[test]
fn units_and_common_values_of_free_datatypes() {
    let (_, items) = complete("<domain type='kvm'>\n  <memory unit='$0'>4</memory>\n</domain>\n");
    let labels = ordered(&items);
    for unit in ["KiB", "MiB", "GiB"] {
        assert!(labels.contains(&unit.to_string()), "{labels:?}");
    }
    assert!(items.iter().all(|i| i.kind == CompletionKind::Value));
    // A closed list gets no extra values.
    let (_, items) = complete("<domain type='kvm'>\n  <clock offset='$0'/>\n</domain>\n");
    assert!(
        items
            .iter()
            .all(|i| i.detail.as_deref() != Some("common value"))
    );
}

#[test]
fn an_element_snippet_asks_for_its_first_attribute_s_values() {
    let (_, items) =
        complete("<domain type='kvm'>\n  <devices>\n    <$0\n  </devices>\n</domain>\n");
    let interface = items.iter().find(|i| i.label == "interface").unwrap();
    assert!(interface.insert.starts_with("interface type='$1'"));
    assert!(interface.retrigger);
    let disk = items.iter().find(|i| i.label == "disk").unwrap();
    assert!(!disk.retrigger);
}

#[test]
fn items_say_since_which_libvirt() {
    let (_, items) =
        complete("<domain type='kvm'><devices><watchdog model='$0'/></devices></domain>");
    let itco = items
        .iter()
        .find(|i| i.label == "itco")
        .expect("itco offered");
    let doc = itco.documentation.as_deref().unwrap_or("");
    assert!(doc.ends_with("Since libvirt 9.1"), "{doc}");
    let i6300esb = items
        .iter()
        .find(|i| i.label == "i6300esb")
        .expect("i6300esb offered");
    assert!(
        !i6300esb
            .documentation
            .as_deref()
            .unwrap_or("")
            .contains("Since")
    );
}

#[test]
fn a_release_of_a_shared_definition_is_offered_only_where_it_holds() {
    let doc_of = |fixture: &str, label: &str| {
        let (_, items) = complete(fixture);
        let item = items.iter().find(|i| i.label == label).expect("offered");
        item.documentation.clone().unwrap_or_default()
    };
    let disk = doc_of(
        "<domain type='kvm'><devices><disk type='$0'/></devices></domain>",
        "network",
    );
    assert!(disk.ends_with("Since libvirt 0.8.7"), "{disk}");
    let nvram = doc_of(
        "<domain type='kvm'><os><nvram type='$0'/></os></domain>",
        "network",
    );
    assert!(!nvram.contains("Since"), "{nvram}");
    // A child element offered inside `<disk>`'s `<source>`, not inside the NVRAM's.
    let in_disk = doc_of(
        "<domain type='kvm'><devices><disk type='network'><source protocol='rbd' name='p/i'><$0</source></disk></devices></domain>",
        "snapshot",
    );
    assert!(
        in_disk.ends_with("Since libvirt 1.2.11 (QEMU)"),
        "{in_disk}"
    );
    let in_nvram = doc_of(
        "<domain type='kvm'><os><nvram type='network'><source protocol='rbd' name='p/i'><$0</source></nvram></os></domain>",
        "snapshot",
    );
    assert!(!in_nvram.contains("Since"), "{in_nvram}");
}
