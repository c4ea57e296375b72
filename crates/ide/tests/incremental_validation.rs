//! Incremental validation equals a fresh one: after any sequence of edits applied to a
//! `Document` (incremental reparse, element results reused across validations), the schema
//! diagnostics are those of validating the final text from scratch with nothing reused.
//! Cases: DOMXML_PROPTEST_CASES (default 200).

use domxml_ide::Document;
use domxml_schema::Catalogue;
use domxml_syntax::{TextEdit, TextRange, TextSize};
use proptest::prelude::*;

const DOMAIN: &str = include_str!("../../../tests/lsp/data/domain.xml");

fn cases() -> u32 {
    std::env::var("DOMXML_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
}

fn catalogue() -> std::sync::Arc<Catalogue> {
    domxml_libvirt::builtin::catalogue().expect("the built-in catalogue compiles")
}

/// Fragments that make and unmake schema problems: names, values, whole elements, broken tags.
fn fragment() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "",
        "x",
        "'",
        "<",
        ">",
        "/>",
        "</",
        " ",
        "\n",
        "disk",
        "video",
        "vda",
        "virtio",
        "ide",
        "qcow2",
        "raw",
        "kvm",
        "hvm",
        "q35",
        "yes",
        "no",
        "0x1f",
        "bogus",
        "<watchdog model='i6300esb' action='reset'/>",
        "<memballoon model='virtio'/>",
        "<boot dev='hd'/>",
        "<acpi/>",
        "<name>n</name>",
        "<console type='pty'/>",
        "<disk type='file' device='disk'><target dev='vdb' bus='virtio'/></disk>",
        "<video><model type='vga'/></video>",
        " type='bridge'",
        " unknown='1'",
        "<qemu:commandline xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'/>",
        " xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'",
        "<!-- c -->",
        "&amp;",
    ])
    .prop_map(str::to_string)
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
        prop_oneof![3 => 0..3usize, 1 => 0..60usize],
        fragment(),
    )
        .prop_map(|(at, delete, insert)| RawEdit { at, delete, insert })
}

fn concrete(text: &str, raw: &RawEdit) -> TextEdit {
    let mut start = ((text.len() as f64) * raw.at) as usize;
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + raw.delete).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    TextEdit::new(
        TextRange::new(TextSize::from(start as u32), TextSize::from(end as u32)),
        raw.insert.clone(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn incremental_validation_equals_a_fresh_one(edits in prop::collection::vec(raw_edit(), 1..25)) {
        let cat = catalogue();
        let mut doc = Document::new(DOMAIN.to_string());
        domxml_schema::validate(&cat, &doc.parse().document());
        for raw in &edits {
            let edit = concrete(doc.text(), raw);
            doc.apply_edit(&edit);
            // Validated after every edit, as the server does, so that each step reuses the last.
            let incremental = domxml_schema::validate(&cat, &doc.parse().document());
            let fresh = domxml_schema::validate_without_reuse(
                &cat,
                &domxml_syntax::parse(doc.text()).document(),
            );
            prop_assert_eq!(incremental, fresh, "after {:?}:\n{}", edit, doc.text());
        }
    }
}

/// The domain with a long child list in `<devices>` (validated in runs of siblings): disks,
/// most distinct, some identical (one shared green node), a few invalid, one misplaced element
/// (its message reads its siblings) and the whitespace between them varying.
fn long_domain() -> String {
    let (head, tail) = DOMAIN
        .split_once("    <console")
        .expect("the fixture has a console");
    let mut out = head.to_string();
    for i in 0..180 {
        let file = if i % 7 == 3 { 3 } else { i };
        let bus = if i % 9 == 5 { "bogus" } else { "virtio" };
        let indent = if i % 13 == 0 { "  " } else { "    " };
        out.push_str(&format!(
            "{indent}<disk type='file' device='disk'><source file='/d{file}.qcow2'/><target dev='vd{file}' bus='{bus}'/></disk>\n"
        ));
        if i == 90 {
            out.push_str("    <name>misplaced</name>\n");
        }
    }
    out + "    <console" + tail
}

proptest! {
    #![proptest_config(ProptestConfig { cases: (cases() / 5).max(1), ..ProptestConfig::default() })]

    /// Edits in and around a long child list: runs of siblings reused, split, merged, and
    /// entered in new states (a `<watchdog>` typed mid-list).
    #[test]
    fn incremental_validation_of_a_long_child_list_equals_a_fresh_one(
        edits in prop::collection::vec((0.3..=0.95f64, any::<bool>(), raw_edit()), 1..20)
    ) {
        let cat = catalogue();
        let text = long_domain();
        let mut doc = Document::new(text);
        domxml_schema::validate(&cat, &doc.parse().document());
        for (at, between, raw) in &edits {
            // Most edits land in <devices>, half of them between two children.
            let raw = RawEdit { at: *at, ..raw.clone() };
            let mut edit = concrete(doc.text(), &raw);
            if *between {
                let start = usize::from(edit.delete.start());
                if let Some(nl) = doc.text()[start..].find('\n') {
                    let at = TextSize::from((start + nl + 1) as u32);
                    edit = TextEdit::new(TextRange::empty(at), raw.insert.clone());
                }
            }
            doc.apply_edit(&edit);
            let incremental = domxml_schema::validate(&cat, &doc.parse().document());
            let fresh = domxml_schema::validate_without_reuse(
                &cat,
                &domxml_syntax::parse(doc.text()).document(),
            );
            prop_assert_eq!(incremental, fresh, "after {:?}:\n{}", edit, doc.text());
        }
    }
}

/// Identical elements in one document (rowan shares their green nodes) each get their own
/// diagnostics at their own place.
#[test]
fn shared_subtrees_report_at_each_place() {
    let cat = catalogue();
    let text = DOMAIN.replace(
        "<memballoon model='virtio'/>",
        "<memballoon model='bad'/><memballoon model='bad'/>",
    );
    let parse = domxml_syntax::parse(&text);
    let twice = domxml_schema::validate(&cat, &parse.document());
    let again = domxml_schema::validate(&cat, &parse.document());
    let fresh = domxml_schema::validate_without_reuse(&cat, &parse.document());
    assert_eq!(twice, fresh);
    assert_eq!(again, fresh);
    let bad: Vec<_> = fresh
        .iter()
        .filter(|d| d.message.contains("'bad'"))
        .map(|d| d.range)
        .collect();
    assert_eq!(bad.len(), 2, "{fresh:?}");
    assert_ne!(bad[0], bad[1]);
}
