//! Feature tests against the built-in catalogue, with `$0` marking the cursor.

use std::sync::OnceLock;

use domxml_ide::actions::code_actions;
use domxml_ide::completion::{CompletionKind, CompletionOptions, completions};
use domxml_ide::diagnostics::{DiagnosticsOptions, diagnostics};
use domxml_ide::hover::hover;
use domxml_ide::{SchemaModel, apply_edits};
use domxml_libvirt::kinds::DocumentKind;
use domxml_libvirt::model::CatalogueModel;
use domxml_syntax::{TextRange, TextSize};

fn model() -> &'static CatalogueModel {
    static MODEL: OnceLock<CatalogueModel> = OnceLock::new();
    MODEL.get_or_init(|| {
        let cat = domxml_libvirt::builtin::catalogue().expect("the built-in catalogue compiles");
        CatalogueModel::new(cat, "built-in catalogue", Some("11.3".into()))
    })
}

fn cursor(fixture: &str) -> (String, TextSize) {
    let at = fixture.find("$0").expect("fixture has $0");
    let mut text = fixture.to_string();
    text.replace_range(at..at + 2, "");
    (text, TextSize::from(at as u32))
}

fn domain(devices: &str) -> String {
    format!(
        "<domain type='kvm'>\n  <name>t</name>\n  <memory unit='KiB'>4194304</memory>\n  <os>\n    <type arch='x86_64'>hvm</type>\n  </os>\n  <devices>\n{devices}\n  </devices>\n</domain>\n"
    )
}

fn complete(fixture: &str) -> (String, Vec<domxml_ide::completion::CompletionItem>) {
    let (text, offset) = cursor(fixture);
    let parse = domxml_syntax::parse(&text);
    let items = completions(
        &parse,
        &text,
        offset,
        Some(model() as &dyn SchemaModel),
        &CompletionOptions::default(),
    );
    (text, items)
}

#[test]
fn watchdog_action_values() {
    let (text, items) = complete(&domain("    <watchdog model='i6300esb' action='$0'/>"));
    let labels: Vec<&str> = items.iter().map(|i| i.label.as_str()).collect();
    for v in [
        "reset",
        "shutdown",
        "poweroff",
        "pause",
        "none",
        "dump",
        "inject-nmi",
    ] {
        assert!(labels.contains(&v), "{labels:?}");
    }
    assert!(
        items
            .iter()
            .all(|i| i.kind == CompletionKind::Value && i.range.is_empty())
    );
    let at = text.find("action='").unwrap() + "action='".len();
    assert_eq!(items[0].range, TextRange::empty(TextSize::from(at as u32)));
}

#[test]
fn partly_typed_value_is_replaced() {
    let (text, items) = complete(&domain("    <video><model type='vi$0rt'/></video>"));
    let virtio = items
        .iter()
        .find(|i| i.label == "virtio")
        .expect("virtio offered");
    assert_eq!(&text[virtio.range], "virt");
}

#[test]
fn child_elements_are_snippets() {
    let (_, items) = complete(&domain("    <$0"));
    let rng = items
        .iter()
        .find(|i| i.label == "rng")
        .expect("rng offered in devices");
    assert!(rng.snippet);
    assert!(rng.insert.starts_with("rng model='$1'>"), "{}", rng.insert);
    assert!(rng.insert.ends_with("</rng>"), "{}", rng.insert);
    assert!(rng.documentation.is_some());
    // <devices> is closed already: no end tag for it.
    assert!(!items.iter().any(|i| i.kind == CompletionKind::EndTag));
    let (_, items) = complete("<domain type='kvm'>\n  <devices>\n    <disk/>\n    <$0\n</domain>");
    let end = items
        .iter()
        .find(|i| i.kind == CompletionKind::EndTag)
        .expect("end tag of the open <devices> offered");
    assert_eq!(end.insert, "/devices>");
    // <name> is already present: not offered again at the domain level.
    let (_, items) = complete("<domain type='kvm'>\n  <name>a</name>\n  <$0\n</domain>");
    assert!(!items.iter().any(|i| i.label == "name"));
    assert!(items.iter().any(|i| i.label == "memory"));
}

#[test]
fn empty_elements_close_themselves() {
    let (_, items) = complete("<domain type='kvm'><features><$0</features></domain>");
    let acpi = items
        .iter()
        .find(|i| i.label == "acpi")
        .expect("acpi offered");
    assert_eq!(acpi.insert, "acpi/>$0");
}

#[test]
fn attributes_not_yet_present() {
    let (_, items) = complete(&domain("    <memballoon model='virtio' $0/>"));
    let labels: Vec<&str> = items.iter().map(|i| i.label.as_str()).collect();
    assert!(labels.contains(&"autodeflate"), "{labels:?}");
    assert!(!labels.contains(&"model"));
    let a = items.iter().find(|i| i.label == "autodeflate").unwrap();
    assert_eq!(a.insert, "autodeflate='$1'");
    assert!(a.retrigger);
}

#[test]
fn text_values() {
    let (text, items) = complete("<domain type='kvm'><on_poweroff>des$0</on_poweroff></domain>");
    let destroy = items
        .iter()
        .find(|i| i.label == "destroy")
        .expect("destroy offered");
    assert_eq!(&text[destroy.range], "des");
}

fn hover_at(fixture: &str) -> String {
    let (text, offset) = cursor(fixture);
    let parse = domxml_syntax::parse(&text);
    hover(&parse, offset, Some(model() as &dyn SchemaModel))
        .map(|h| h.markdown)
        .unwrap_or_default()
}

#[test]
fn hovers() {
    let md = hover_at(&domain("    <memb$0alloon model='virtio'/>"));
    assert!(md.starts_with("**`<memballoon>`**"), "{md}");
    // The footer names the schema and its release once (the server's built-in model).
    let (text, offset) = cursor(&domain("    <memb$0alloon model='virtio'/>"));
    let builtin = domxml_libvirt::select::builtin_model().expect("the built-in model");
    let real = hover(&domxml_syntax::parse(&text), offset, Some(builtin.as_ref()))
        .map(|h| h.markdown)
        .unwrap_or_default();
    assert!(
        real.ends_with(" · built-in domxml catalogue (libvirt 11.3)"),
        "{real}"
    );
    assert_eq!(real.matches("11.3").count(), 1, "{real}");
    // No schema file names users do not have; a link to libvirt's section instead.
    assert!(!md.contains(".rng"), "{md}");
    assert!(
        md.contains("(https://libvirt.org/formatdomain.html#memory-balloon-device)"),
        "{md}"
    );
    // `machine` on a KVM x86 guest: the machines people use there.
    let md = hover_at(
        "<domain type='kvm'><os><type arch='x86_64' mach$0ine='q35'>hvm</type></os></domain>",
    );
    assert!(md.contains("`q35`") && md.contains("`pc`"), "{md}");
    // A typed value in words, no backticks around words.
    let md = hover_at(&domain(
        "    <disk type='file'><source file='rel$0/x'/></disk>",
    ));
    assert!(md.contains("an absolute file path such as"), "{md}");
    assert!(!md.contains("`an absolute"), "{md}");
    let md = hover_at(&domain("    <watchdog model='i6300esb' act$0ion='reset'/>"));
    assert!(
        md.contains("Allowed values:") && md.contains("`poweroff`"),
        "{md}"
    );
    let md = hover_at("<domain type='kvm'><memory unit='KiB'>41$094304</memory></domain>");
    assert!(md.contains("4194304 KiB = 4 GiB"), "{md}");
    let md = hover_at(&domain(
        "    <disk type='file'><address type='pci' slot='0x1$0f'/></disk>",
    ));
    assert!(md.contains("31 (decimal)"), "{md}");
}

#[test]
fn hovers_name_the_libvirt_release_that_introduced_an_item() {
    let md = hover_at(&domain("    <watchdog model='it$0co'/>"));
    assert!(md.contains("Since libvirt 9.1"), "{md}");
    assert!(!md.contains("9.1.0"), "{md}");
    let md = hover_at(&domain("    <watch$0dog model='itco'/>"));
    assert!(md.contains("Since libvirt 0.7.3 (QEMU)"), "{md}");
    let md = hover_at("<domain type='kvm'><os fir$0mware='efi'/></domain>");
    assert!(md.contains("Since libvirt 5.2 (QEMU)"), "{md}");
    let md = hover_at("<domain type='kvm'><os firmware='efi'><firm$0ware/></os></domain>");
    assert!(md.contains("Since libvirt 7.2 (QEMU)"), "{md}");
    // No release where libvirt's documentation states none.
    let md = hover_at(&domain("    <watchdog model='i63$000esb'/>"));
    assert!(!md.contains("Since libvirt"), "{md}");
}

#[test]
fn a_release_of_a_shared_definition_is_shown_only_where_it_holds() {
    // `<disk type>` and `<nvram type>` share their values: network disks came in 0.8.7,
    // network NVRAM in 8.5, so the disk's release is not the NVRAM's.
    let md = hover_at(&domain(
        "    <disk type='netw$0ork'><source protocol='nbd'/><target dev='vda'/></disk>",
    ));
    assert!(md.contains("Since libvirt 0.8.7"), "{md}");
    let nvram = |inner: &str| {
        format!(
            "<domain type='kvm'><name>t</name><memory>1</memory><os><type>hvm</type>{inner}</os></domain>"
        )
    };
    let md = hover_at(&nvram(
        "<nvram type='netw$0ork'><source protocol='nbd' name='n'/></nvram>",
    ));
    assert!(md.contains("network"), "{md}");
    assert!(!md.contains("Since libvirt"), "{md}");
    // The other way round: `file` is 8.5 for the NVRAM and undocumented for the disk.
    let md = hover_at(&nvram("<nvram type='fi$0le'><source file='/v'/></nvram>"));
    assert!(md.contains("Since libvirt 8.5"), "{md}");
    let md = hover_at(&domain(
        "    <disk type='fi$0le'><source file='/v'/><target dev='vda'/></disk>",
    ));
    assert!(!md.contains("Since libvirt"), "{md}");
    // Attributes and elements: the disk source's `file`, not the backing store's.
    let md = hover_at(&domain(
        "    <disk type='file'><source fi$0le='/v'/><target dev='vda'/></disk>",
    ));
    assert!(md.contains("Since libvirt 0.0.3"), "{md}");
    let md = hover_at(&domain(
        "    <disk type='file'><source file='/v'/><backingStore type='file'><source fi$0le='/b'/></backingStore><target dev='vda'/></disk>",
    ));
    assert!(!md.contains("Since libvirt"), "{md}");
    let md = hover_at(&domain(
        "    <disk type='network'><source protocol='rbd' name='p/i'><snap$0shot name='s'/></source><target dev='vda'/></disk>",
    ));
    assert!(md.contains("Since libvirt 1.2.11 (QEMU)"), "{md}");
}

#[test]
fn vgaa_is_reported_and_fixed() {
    let text = domain("    <video>\n      <model type='vgaa'/>\n    </video>");
    let parse = domxml_syntax::parse(&text);
    let diags = diagnostics(
        &parse,
        &text,
        DocumentKind::Libvirt,
        Some(model()),
        &DiagnosticsOptions::default(),
    );
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(&text[diags[0].range], "vgaa");
    let actions = code_actions(
        &parse,
        &text,
        diags[0].range,
        DocumentKind::Libvirt,
        Some(model()),
        &Default::default(),
    );
    let fix = actions
        .iter()
        .find(|a| a.preferred && a.title.contains("'vga'"))
        .expect("did-you-mean fix");
    assert_eq!(apply_edits(&text, &fix.edits), text.replace("vgaa", "vga"));
}

#[test]
fn missing_attribute_fix() {
    let text = domain("    <watchdog/>");
    let parse = domxml_syntax::parse(&text);
    let diags = diagnostics(
        &parse,
        &text,
        DocumentKind::Libvirt,
        Some(model()),
        &DiagnosticsOptions::default(),
    );
    let d = diags
        .iter()
        .find(|d| d.code.as_str() == "missing-attribute")
        .expect("missing model");
    let actions = code_actions(
        &parse,
        &text,
        d.range,
        DocumentKind::Libvirt,
        Some(model()),
        &Default::default(),
    );
    let fix = actions
        .iter()
        .find(|a| a.title.contains("'model'"))
        .expect("add model");
    assert!(apply_edits(&text, &fix.edits).contains("<watchdog model=''/>"));
}

#[test]
fn large_documents_skip_schema_validation_with_a_note() {
    let text = domain("    <video><model type='vgaa'/></video>");
    let parse = domxml_syntax::parse(&text);
    let opts = DiagnosticsOptions {
        schema_size_limit: 100,
        ..Default::default()
    };
    let diags = diagnostics(&parse, &text, DocumentKind::Libvirt, Some(model()), &opts);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].code.as_str(), "analysis-limited");
    assert_eq!(diags[0].severity, domxml_ide::Severity::Information);
}

#[test]
fn other_xml_is_syntax_only() {
    let text = "<project><bogus/></project>";
    let parse = domxml_syntax::parse(text);
    assert!(
        diagnostics(
            &parse,
            text,
            DocumentKind::OtherXml,
            Some(model()),
            &DiagnosticsOptions::default()
        )
        .is_empty()
    );
}

#[test]
fn unclosed_value_replaces_only_the_word_and_closes_the_quote() {
    let (text, items) = complete(&domain("    <video><model type=\"vi$0/>\n    </video>"));
    let virtio = items
        .iter()
        .find(|i| i.label == "virtio")
        .expect("virtio offered");
    assert_eq!(&text[virtio.range], "vi");
    assert_eq!(virtio.insert, "virtio\"");
}

#[test]
fn trigger_characters_only_complete_where_they_mean_something() {
    let with = |fixture: &str, trigger: char| {
        let (text, offset) = cursor(fixture);
        let parse = domxml_syntax::parse(&text);
        let options = CompletionOptions {
            trigger: Some(trigger),
            ..Default::default()
        };
        completions(
            &parse,
            &text,
            offset,
            Some(model() as &dyn SchemaModel),
            &options,
        )
        .len()
    };
    // Indenting inside <devices> with spaces: nothing pops up.
    assert_eq!(with(&domain("     $0"), ' '), 0);
    // A space inside a tag: attributes.
    assert!(with(&domain("    <memballoon $0/>"), ' ') > 0);
    // A quote typed in text: nothing; opening a value: its values.
    assert_eq!(
        with(
            "<domain type='kvm'><on_poweroff>'$0</on_poweroff></domain>",
            '\''
        ),
        0
    );
    assert!(
        with(
            &domain("    <watchdog model='i6300esb' action='$0'/>"),
            '\''
        ) > 0
    );
    assert!(with(&domain("    <$0"), '<') > 0);
    assert_eq!(
        with("<domain type='kvm'><emulator>/$0</emulator></domain>", '/'),
        0
    );
    assert_eq!(with("<domain type='kvm'><devices></$0", '/'), 1);
}

#[test]
fn unknown_attribute_can_be_removed() {
    let text = domain("    <memballoon model='virtio' bogus='1'/>");
    let parse = domxml_syntax::parse(&text);
    let diags = diagnostics(
        &parse,
        &text,
        DocumentKind::Libvirt,
        Some(model()),
        &DiagnosticsOptions::default(),
    );
    let d = diags
        .iter()
        .find(|d| &text[d.range] == "bogus")
        .expect("bogus is reported");
    let actions = code_actions(
        &parse,
        &text,
        d.range,
        DocumentKind::Libvirt,
        Some(model()),
        &Default::default(),
    );
    let fix = actions
        .iter()
        .find(|a| a.title == "Remove attribute 'bogus'")
        .expect("removal offered");
    assert!(apply_edits(&text, &fix.edits).contains("<memballoon model='virtio'/>"));
}

#[test]
fn a_new_file_offers_the_domain_root() {
    let (text, offset) = cursor("<$0");
    let parse = domxml_syntax::parse(&text);
    assert_eq!(
        domxml_libvirt::kinds::document_kind(&parse, "/srv/new.xml"),
        DocumentKind::Libvirt
    );
    let items = completions(
        &parse,
        &text,
        offset,
        Some(model() as &dyn SchemaModel),
        &CompletionOptions::default(),
    );
    let domain = items
        .iter()
        .find(|i| i.label == "domain")
        .expect("domain offered");
    assert!(
        domain.insert.starts_with("domain type=\"$1\">"),
        "{}",
        domain.insert
    );
}

/// Each diagnostic as (code, the text it covers, message).
fn problems(text: &str) -> Vec<(String, String, String)> {
    let parse = domxml_syntax::parse(text);
    let kind = domxml_libvirt::kinds::document_kind(&parse, "/srv/vm.xml");
    diagnostics(
        &parse,
        text,
        kind,
        Some(model()),
        &DiagnosticsOptions::default(),
    )
    .into_iter()
    .map(|d| {
        (
            d.code.as_str().to_string(),
            text[d.range].to_string(),
            d.message,
        )
    })
    .collect()
}

#[test]
fn messages_say_what_is_wrong() {
    let text = "<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os>\
        <watchdog model='i6300esb'/><devices>\
        <disk type='file' type='file' device='disk'><source file='/a'/><target dev='vda'/><boot order='1' loadparm='A' ordr='2'/></disk>\
        </devices></domain>";
    let found = problems(text);
    let by_code = |code: &str| found.iter().filter(|p| p.0 == code).collect::<Vec<_>>();
    let misplaced = by_code("misplaced-element");
    assert_eq!(misplaced.len(), 1, "{found:?}");
    assert_eq!(misplaced[0].1, "watchdog");
    assert!(
        misplaced[0].2.ends_with("it goes in <devices>"),
        "{found:?}"
    );
    let unknown = by_code("unknown-attribute");
    assert_eq!(unknown.len(), 1, "{found:?}");
    assert!(
        unknown[0]
            .2
            .contains("every attribute <boot> allows here is already present"),
        "{found:?}"
    );
    // The repeated type is one problem, the parser's.
    let on_type: Vec<_> = found.iter().filter(|p| p.1 == "type").collect();
    assert_eq!(on_type.len(), 1, "{found:?}");
    assert_eq!(on_type[0].0, "duplicate-attribute");
}

#[test]
fn misspelt_root_is_diagnosed_and_fixed() {
    let text = "<domian type='kvm'><name>a</name></domian>";
    let found = problems(text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].0.as_str(), found[0].1.as_str()),
        ("wrong-root", "domian")
    );
    let parse = domxml_syntax::parse(text);
    let actions = code_actions(
        &parse,
        text,
        TextRange::new(1.into(), 2.into()),
        DocumentKind::Libvirt,
        Some(model()),
        &Default::default(),
    );
    let fix = actions.iter().find(|a| a.preferred).expect("rename fix");
    assert_eq!(
        apply_edits(text, &fix.edits),
        text.replace("domian", "domain")
    );
    // Other vocabularies stay other.
    assert!(problems("<project><x/></project>").is_empty());
}

#[test]
fn did_you_mean_skips_names_already_used() {
    // <initrd> is a sibling already: <initrdd> does not mean a second one.
    let text = "<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type>\
        <kernel>/k</kernel><initrd>/i</initrd><initrdd>/x</initrdd></os><devices/></domain>";
    let found = problems(text);
    let on = found.iter().find(|p| p.1 == "initrdd").expect("reported");
    assert!(!on.2.contains("did you mean <initrd>"), "{found:?}");
}

#[test]
fn a_misplaced_device_is_moved_into_devices() {
    let text = "<domain type='kvm'>\n  <name>a</name>\n  <memory>1</memory>\n  <os><type>hvm</type></os>\n  <watchdog model='i6300esb'/>\n  <devices>\n    <disk type='file' device='disk'><source file='/a'/><target dev='vda'/></disk>\n  </devices>\n</domain>\n";
    let parse = domxml_syntax::parse(text);
    let diags = diagnostics(
        &parse,
        text,
        DocumentKind::Libvirt,
        Some(model()),
        &DiagnosticsOptions::default(),
    );
    let d = diags
        .iter()
        .find(|d| d.code.as_str() == "misplaced-element")
        .expect("misplaced watchdog");
    let actions = code_actions(
        &parse,
        text,
        d.range,
        DocumentKind::Libvirt,
        Some(model()),
        &Default::default(),
    );
    let fix = actions
        .iter()
        .find(|a| a.title == "Move <watchdog> into <devices>")
        .expect("move offered");
    let fixed = apply_edits(text, &fix.edits);
    assert!(
        fixed.contains("</disk>\n    <watchdog model='i6300esb'/>\n  </devices>"),
        "{fixed}"
    );
    assert!(!fixed.contains("</os>\n  <watchdog"), "{fixed}");
    let parse = domxml_syntax::parse(&fixed);
    let after = diagnostics(
        &parse,
        &fixed,
        DocumentKind::Libvirt,
        Some(model()),
        &DiagnosticsOptions::default(),
    );
    assert!(after.is_empty(), "{after:?}");
}
