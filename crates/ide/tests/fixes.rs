//! Quick fixes that keep tag pairs together, found from anywhere on the tag.

use std::sync::OnceLock;

use domxml_ide::actions::{CodeAction, code_actions};
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

fn actions_at(fixture: &str) -> (String, Vec<CodeAction>) {
    let at = fixture.find("$0").expect("fixture has $0");
    let text = fixture.replacen("$0", "", 1);
    let parse = domxml_syntax::parse(&text);
    let actions = code_actions(
        &parse,
        &text,
        TextRange::empty(TextSize::from(at as u32)),
        DocumentKind::Libvirt,
        Some(model() as &dyn SchemaModel),
        &Default::default(),
    );
    (text, actions)
}

const HEAD: &str =
    "<domain type='kvm'>\n  <name>a</name>\n  <memory>1</memory>\n  <os><type>hvm</type></os>\n";

#[test]
fn a_misspelt_element_is_renamed_with_its_end_tag() {
    // The cursor on the `<`, as Neovim's `gra` sends it.
    let (text, actions) = actions_at(&format!(
        "{HEAD}  $0<devcies>\n    <disk type='file'/>\n  </devcies>\n  <on_crash>destroy</on_crash>\n</domain>\n"
    ));
    let fix = actions
        .iter()
        .find(|a| a.title == "Replace 'devcies' with 'devices'")
        .unwrap_or_else(|| panic!("{actions:?}"));
    let after = apply_edits(&text, &fix.edits);
    assert!(
        after.contains("  <devices>\n    <disk type='file'/>\n  </devices>\n  <on_crash>"),
        "{after}"
    );
}

#[test]
fn a_mismatched_end_tag_is_changed() {
    let (text, actions) = actions_at(&format!(
        "{HEAD}  <devices>\n    <video>\n      <model type='virtio'/>\n    </vi$0de>\n  </devices>\n</domain>\n"
    ));
    let fix = actions
        .iter()
        .find(|a| a.title == "Change to </video>")
        .unwrap_or_else(|| panic!("{actions:?}"));
    assert!(apply_edits(&text, &fix.edits).contains("    </video>\n  </devices>"));
    // From the start tag (the unclosed-element diagnostic), the same repair, no second end tag.
    let (text, actions) = actions_at(&format!(
        "{HEAD}  <devices>\n    <vid$0eo>\n      <model type='virtio'/>\n    </vide>\n  </devices>\n</domain>\n"
    ));
    let fix = actions
        .iter()
        .find(|a| a.title == "Change </vide> to </video>")
        .unwrap_or_else(|| panic!("{actions:?}"));
    let after = apply_edits(&text, &fix.edits);
    assert!(after.contains("    </video>\n  </devices>"), "{after}");
    assert!(!actions.iter().any(|a| a.title.starts_with("Close <video>")));
}
