//! Features answer in an element with hundreds of children as they do where it has a few: the
//! same domain with 3 and with 600 disks in `<devices>` before the places looked at must give
//! the same answers there (ranges taken from the start of those places). Long child lists take
//! their own paths in places (validation in runs, sibling states, the reparse of one stretch),
//! and these tests hold every feature on them to the short list's answers.

use std::sync::OnceLock;

use domxml_ide::actions::code_actions;
use domxml_ide::completion::{CompletionOptions, completions};
use domxml_ide::diagnostics::{DiagnosticsOptions, diagnostics};
use domxml_ide::format::{FormatOptions, format};
use domxml_ide::hover::hover;
use domxml_ide::structure::{document_symbols, folding_ranges, selection_ranges};
use domxml_ide::tags::linked_editing_ranges;
use domxml_ide::{Document, SchemaModel};
use domxml_libvirt::kinds::DocumentKind;
use domxml_libvirt::model::CatalogueModel;
use domxml_libvirt::rules::RuleOptions;
use domxml_syntax::{TextEdit, TextRange, TextSize};

fn model() -> &'static CatalogueModel {
    static MODEL: OnceLock<CatalogueModel> = OnceLock::new();
    MODEL.get_or_init(|| {
        let cat = domxml_libvirt::builtin::catalogue().expect("the built-in catalogue compiles");
        CatalogueModel::new(cat, "built-in catalogue", Some("11.3".into()))
    })
}

/// What every test looks at, after the filler disks: a misspelt device, a bad value, two disks
/// with the same target (a rule of libvirt's), and `$0` where a new device would go.
const SUBJECT: &str = "    <vidoe/>
    <watchdog model='i6300esb' action='rest'/>
    <disk type='file' device='disk'>
      <source file='/var/lib/libvirt/images/a.qcow2'/>
      <target dev='vdzz' bus='virtio'/>
    </disk>
    <disk type='file' device='disk'>
      <source file='/var/lib/libvirt/images/b.qcow2'/>
      <target dev='vdzz' bus='virtio'/>
    </disk>
    $0
";

/// A domain whose `<devices>` holds `fillers` valid disks then [`SUBJECT`]; the text without
/// the `$0`, where the subject starts, and the offset of the `$0`.
fn domain(fillers: usize) -> (String, TextSize, TextSize) {
    let mut devices = String::new();
    for i in 0..fillers {
        // Targets vdaa, vdab, ...: unique, and never vdzz.
        let (a, b) = (
            (b'a' + (i / 26) as u8) as char,
            (b'a' + (i % 26) as u8) as char,
        );
        devices.push_str(&format!(
            "    <disk type='file' device='disk'>\n      <source file='/var/lib/libvirt/images/f{i}.qcow2'/>\n      <target dev='vd{a}{b}' bus='virtio'/>\n    </disk>\n"
        ));
    }
    let head = "<domain type='kvm'>\n  <name>t</name>\n  <memory unit='KiB'>4194304</memory>\n  <os>\n    <type arch='x86_64'>hvm</type>\n  </os>\n  <devices>\n";
    let subject_start = head.len() + devices.len();
    let mut text = format!("{head}{devices}{SUBJECT}  </devices>\n</domain>\n");
    let cursor = text.find("$0").expect("the subject has $0");
    text.replace_range(cursor..cursor + 2, "");
    (
        text,
        TextSize::from(subject_start as u32),
        TextSize::from(cursor as u32),
    )
}

/// `range` from `base`, for ranges in the subject; `None` for the others.
fn from(base: TextSize, range: TextRange) -> Option<(u32, u32)> {
    (range.start() >= base).then(|| (u32::from(range.start() - base), u32::from(range.len())))
}

/// Each feature's answers in the narrow and in the wide domain, which must be equal.
fn both<T: PartialEq + std::fmt::Debug>(
    what: &str,
    answer: impl Fn(&str, TextSize, TextSize) -> T,
) -> T {
    let (narrow, narrow_base, narrow_cursor) = domain(3);
    let (wide, wide_base, wide_cursor) = domain(600);
    let a = answer(&narrow, narrow_base, narrow_cursor);
    let b = answer(&wide, wide_base, wide_cursor);
    assert_eq!(
        a, b,
        "{what}: a <devices> of 600 disks answers otherwise than one of 3"
    );
    a
}

fn diags(parse: &domxml_syntax::Parse, text: &str) -> Vec<domxml_ide::Diagnostic> {
    diagnostics(
        parse,
        text,
        DocumentKind::Libvirt,
        Some(model() as &dyn SchemaModel),
        &DiagnosticsOptions::default(),
    )
}

fn offset_of(text: &str, base: TextSize, needle: &str) -> TextSize {
    let from = usize::from(base);
    TextSize::from((from + text[from..].find(needle).expect("needle in the subject")) as u32)
}

#[test]
fn diagnostics_are_the_same() {
    let found = both("diagnostics", |text, base, _| {
        diags(&domxml_syntax::parse(text), text)
            .into_iter()
            .map(|d| (from(base, d.range), d.code, d.message))
            .collect::<Vec<_>>()
    });
    let codes: Vec<String> = found.iter().map(|(_, c, _)| format!("{c:?}")).collect();
    assert!(found.iter().all(|(r, _, _)| r.is_some()), "{found:?}");
    assert!(
        found.len() >= 3,
        "the misspelt device, the value, the target: {codes:?}"
    );
}

#[test]
fn completion_is_the_same() {
    let labels = both("completion", |text, _, cursor| {
        let parse = domxml_syntax::parse(text);
        completions(
            &parse,
            text,
            cursor,
            Some(model() as &dyn SchemaModel),
            &CompletionOptions::default(),
        )
        .into_iter()
        .map(|i| i.label)
        .collect::<Vec<_>>()
    });
    assert!(labels.iter().any(|l| l == "watchdog"), "{labels:?}");
}

#[test]
fn hover_is_the_same() {
    let shown = both("hover", |text, base, _| {
        let parse = domxml_syntax::parse(text);
        let on = |needle: &str| {
            let at = offset_of(text, base, needle) + TextSize::from(2);
            hover(&parse, at, Some(model() as &dyn SchemaModel))
                .map(|h| (from(base, h.range), h.markdown))
        };
        (
            on("<watchdog"),
            on("model='i6300esb'"),
            on("<target dev='vdzz'"),
        )
    });
    assert!(shown.0.is_some() && shown.1.is_some() && shown.2.is_some());
}

#[test]
fn outline_folds_and_selections_are_the_same() {
    both("outline", |text, base, _| {
        let parse = domxml_syntax::parse(text);
        let symbols = document_symbols(&parse, 100_000);
        let devices = symbols[0]
            .children
            .iter()
            .find(|s| s.name == "devices")
            .expect("devices in the outline");
        // The subject's four devices, last in <devices>, after the fillers.
        let (fillers, subject) = devices.children.split_at(devices.children.len() - 4);
        assert!(fillers.iter().all(|s| from(base, s.range).is_none()));
        let last: Vec<_> = subject
            .iter()
            .map(|s| (s.name.clone(), from(base, s.range), s.children.len()))
            .collect();
        last
    });
    both("folding", |text, base, _| {
        let parse = domxml_syntax::parse(text);
        folding_ranges(&parse, text)
            .into_iter()
            .filter_map(|f| from(base, TextRange::new(f.start, f.end)))
            .collect::<Vec<_>>()
    });
    both("selection", |text, base, _| {
        let parse = domxml_syntax::parse(text);
        let at = offset_of(text, base, "dev='vdzz'") + TextSize::from(6);
        selection_ranges(&parse, at)
            .into_iter()
            .map(|r| from(base, r))
            .collect::<Vec<_>>()
    });
}

#[test]
fn fixes_tags_and_formatting_are_the_same() {
    both("fixes", |text, base, _| {
        let parse = domxml_syntax::parse(text);
        let at = offset_of(text, base, "vidoe");
        code_actions(
            &parse,
            text,
            TextRange::empty(at),
            DocumentKind::Libvirt,
            Some(model() as &dyn SchemaModel),
            &RuleOptions::default(),
        )
        .into_iter()
        .map(|a| {
            let edits: Vec<_> = a
                .edits
                .iter()
                .map(|e| (from(base, e.delete), e.insert.clone()))
                .collect();
            (a.title, edits)
        })
        .collect::<Vec<_>>()
    });
    both("linked editing", |text, base, _| {
        let parse = domxml_syntax::parse(text);
        let at = offset_of(text, base, "<disk") + TextSize::from(2);
        linked_editing_ranges(&parse, text, at)
            .map(|rs| rs.into_iter().map(|r| from(base, r)).collect::<Vec<_>>())
    });
    both("formatting", |text, base, _| {
        // The subject's lines lose their indentation; formatting gives it back.
        let start = usize::from(base);
        let flat: String = text[start..]
            .lines()
            .map(|l| format!("{}\n", l.trim_start()))
            .collect();
        let text = format!("{}{flat}", &text[..start]);
        let parse = domxml_syntax::parse(&text);
        format(&parse, &text, &FormatOptions::default(), None)
            .into_iter()
            .map(|e| (from(base, e.delete), e.insert))
            .collect::<Vec<_>>()
    });
}

/// Typing a device into the long list, one character at a time, keeps the diagnostics those of
/// the text parsed and validated afresh (the incremental paths taken in long lists).
#[test]
fn typing_into_the_long_list_matches_a_fresh_analysis() {
    let (text, _, cursor) = domain(600);
    let mut doc = Document::new(text);
    let line = "<watchdog model='i6300esb' action='reset'/>";
    let analyse = |parse: &domxml_syntax::Parse, text: &str| {
        diags(parse, text)
            .into_iter()
            .map(|d| (d.range, d.code, d.message))
            .collect::<Vec<_>>()
    };
    for (i, c) in line.char_indices() {
        let at = cursor + TextSize::from(i as u32);
        doc.apply_edit(&TextEdit::new(TextRange::empty(at), c.to_string()));
        let fresh = domxml_syntax::parse(doc.text());
        assert_eq!(doc.parse(), &fresh, "tree after typing {:?}", &line[..=i]);
        assert_eq!(
            analyse(doc.parse(), doc.text()),
            analyse(&fresh, doc.text()),
            "diagnostics after typing {:?}",
            &line[..=i]
        );
    }
}
