//! Every feature, at every offset of many randomly damaged documents, returns without panicking
//! and with ranges inside the text on character boundaries.

use domxml_ide::completion::{CompletionOptions, completions};
use domxml_ide::diagnostics::{DiagnosticsOptions, diagnostics};
use domxml_ide::format::{FormatOptions, format};
use domxml_ide::{SchemaModel, actions, hover, structure, tags};
use domxml_libvirt::kinds::DocumentKind;
use domxml_libvirt::model::CatalogueModel;
use domxml_syntax::{TextRange, TextSize};

const BASE: &str = "<?xml version='1.0'?>\n<!-- vm -->\n<domain type='kvm'>\n  <name>wé𝄞b</name>\n  <memory unit='KiB'>4194304</memory>\n  <devices>\n    <disk type='file' device='disk'>\n      <driver name='qemu' type='qcow2'/>\n      <target dev='vda' bus='virtio'/>\n    </disk>\n    <video><model type='vga'/></video>\n    <watchdog model='i6300esb' action='reset'/>\n  </devices>\n</domain>\n";
const PIECES: &[&str] = &[
    "<",
    ">",
    "/>",
    "</",
    "'",
    "\"",
    "=",
    " ",
    "\n",
    "<!--",
    "-->",
    "&amp;",
    "&",
    "é",
    "𝄞",
    "<![CDATA[",
    "]]>",
    "<?",
    "?>",
    "x",
    "disk",
    "",
];

struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

fn check_range(text: &str, r: TextRange) {
    assert!(
        usize::from(r.end()) <= text.len(),
        "{r:?} outside {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(r.start().into()) && text.is_char_boundary(r.end().into()),
        "{r:?}"
    );
}

#[test]
fn features_never_panic_on_damaged_documents() {
    let cat = domxml_libvirt::builtin::catalogue().expect("the built-in catalogue compiles");
    let model = CatalogueModel::new(cat, "built-in", None);
    let schema: &dyn SchemaModel = &model;
    let mut rng = Lcg(7);
    let mut text = BASE.to_string();
    for round in 0..40 {
        // Damage: replace a short span at a character boundary.
        let mut at = rng.next(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let mut end = (at + rng.next(4)).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        text.replace_range(at..end, PIECES[rng.next(PIECES.len())]);
        if round % 20 == 0 {
            text = BASE.to_string();
        }
        let parse = domxml_syntax::parse(&text);
        for d in diagnostics(
            &parse,
            &text,
            DocumentKind::Libvirt,
            Some(schema),
            &DiagnosticsOptions::default(),
        ) {
            check_range(&text, d.range);
        }
        for e in format(&parse, &text, &FormatOptions::default(), None) {
            check_range(&text, e.delete);
        }
        for s in structure::document_symbols(&parse, 1000) {
            check_range(&text, s.range);
        }
        let _ = structure::folding_ranges(&parse, &text);
        let whole = TextRange::up_to(TextSize::of(text.as_str()));
        for a in actions::code_actions(
            &parse,
            &text,
            whole,
            DocumentKind::Libvirt,
            Some(schema),
            &Default::default(),
        ) {
            for e in a.edits {
                check_range(&text, e.delete);
            }
        }
        for (offset, _) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            let o = TextSize::from(offset as u32);
            for item in completions(
                &parse,
                &text,
                o,
                Some(schema),
                &CompletionOptions::default(),
            ) {
                check_range(&text, item.range);
            }
            if let Some(h) = hover::hover(&parse, o, Some(schema)) {
                check_range(&text, h.range);
            }
            for r in structure::selection_ranges(&parse, o) {
                check_range(&text, r);
            }
            let _ = tags::linked_editing_ranges(&parse, &text, o);
            let _ = tags::highlights(&parse, o);
        }
    }
}
