//! Any depth: every feature answers (something or nothing) on documents nested deeper than the
//! syntax tree's limit, and on documents nested right up to it, at offsets across the nesting.

use domxml_ide::completion::{CompletionOptions, completions};
use domxml_ide::diagnostics::{DiagnosticsOptions, diagnostics};
use domxml_ide::format::{FormatOptions, format};
use domxml_ide::{SchemaModel, actions, cursor_context, hints, hover, structure, tags};
use domxml_libvirt::kinds::DocumentKind;
use domxml_libvirt::model::CatalogueModel;
use domxml_syntax::{MAX_DEPTH, TextRange, TextSize};

/// `<domain><devices>` around a chain of `depth` more elements, text at the bottom.
fn deep_document(depth: usize) -> String {
    let mut text = String::from("<domain type='kvm'><devices>");
    for i in 0..depth {
        text.push_str(if i % 2 == 0 {
            "<disk type='file'>"
        } else {
            "<a>"
        });
    }
    text.push_str("text");
    for i in (0..depth).rev() {
        text.push_str(if i % 2 == 0 { "</disk>" } else { "</a>" });
    }
    text.push_str("</devices></domain>\n");
    text
}

fn every_feature(text: &str) {
    let cat = domxml_libvirt::builtin::catalogue().expect("the built-in catalogue compiles");
    let model = CatalogueModel::new(cat, "built-in", None);
    let schema: &dyn SchemaModel = &model;
    let parse = domxml_syntax::parse(text);
    let too_deep = parse
        .errors()
        .iter()
        .filter(|e| e.code == domxml_syntax::ErrorCode::TooDeep)
        .count();
    let _ = diagnostics(
        &parse,
        text,
        DocumentKind::Libvirt,
        Some(schema),
        &DiagnosticsOptions::default(),
    );
    let _ = format(&parse, text, &FormatOptions::default(), None);
    let _ = structure::document_symbols(&parse, 1000);
    let _ = structure::folding_ranges(&parse, text);
    let whole = TextRange::up_to(TextSize::of(text));
    let _ = actions::code_actions(
        &parse,
        text,
        whole,
        DocumentKind::Libvirt,
        Some(schema),
        &Default::default(),
    );
    let _ = hints::inlay_hints(&parse, whole, 1000);
    let len = text.len();
    let limit_tag = text
        .match_indices('<')
        .nth(MAX_DEPTH + 1)
        .map_or(len / 3, |(i, _)| i);
    for offset in [
        0,
        1,
        20,
        28,
        29,
        limit_tag,
        limit_tag + 2,
        len / 3,
        len / 2,
        len / 2 + 3,
        len - 20,
        len - 1,
        len,
    ] {
        let o = TextSize::from(offset as u32);
        let _ = cursor_context(&parse, text, o);
        let _ = completions(&parse, text, o, Some(schema), &CompletionOptions::default());
        let _ = hover::hover(&parse, o, Some(schema));
        let _ = structure::selection_ranges(&parse, o);
        let _ = tags::linked_editing_ranges(&parse, text, o);
        let _ = tags::highlights(&parse, o);
    }
    let depth = text.matches("<disk").count() + text.matches("<a>").count() + 2;
    assert_eq!(too_deep, usize::from(depth > MAX_DEPTH));
}

#[test]
fn features_answer_right_up_to_the_limit() {
    every_feature(&deep_document(MAX_DEPTH - 2));
}

#[test]
fn features_answer_on_a_100k_deep_document() {
    every_feature(&deep_document(100_000));
}

#[test]
#[ignore = "slow in debug builds: cargo test --release -- --ignored"]
fn features_answer_on_a_1m_deep_document() {
    every_feature(&deep_document(1_000_000));
}
