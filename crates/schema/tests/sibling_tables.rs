//! The sibling tables (states between the children of a long child list, reused across edits)
//! give the same answers as replaying every earlier sibling: on libvirt 11.3's corpus, with
//! `<devices>` padded to a long child list, at every element and every child boundary, and
//! again after edits that reuse the tables of the version before.

use std::path::Path;

use domxml_schema::{Catalogue, query};
use domxml_syntax::{Parse, TextEdit, TextRange, TextSize, ast};

fn catalogue(shared: &Path) -> Catalogue {
    let entry = shared.join("schemas/domain.rng");
    domxml_schema::compile(&domxml_schema::DiskFiles, &entry.to_string_lossy())
        .unwrap_or_else(|errors| panic!("libvirt schemas do not compile: {errors:?}"))
}

/// `text` with the content of its first `<devices>` repeated until it has at least `children`
/// child elements (counted as lines starting a tag at the devices' children indentation).
fn padded(text: &str, children: usize) -> Option<String> {
    let open = text.find("<devices>")? + "<devices>".len();
    let close = text.find("</devices>")?;
    let inner = text.get(open..close)?;
    let count = inner.matches("\n    <").count().max(1);
    let copies = children.div_ceil(count).max(2);
    Some(format!(
        "{}{}{}",
        &text[..open],
        inner.repeat(copies),
        &text[close..]
    ))
}

fn elements(parse: &Parse) -> Vec<ast::Element> {
    parse
        .syntax()
        .descendants()
        .filter_map(ast::Element::cast)
        .collect()
}

/// Compares every question at (a spread of at most 40) elements of `parse`, the last one always
/// included; returns how many were asked. A replay costs the whole child list, so asking at
/// every element of a padded document would make the debug-build run long.
fn compare(cat: &Catalogue, parse: &Parse, name: &str) -> usize {
    let mut asked = 0;
    let all = elements(parse);
    let step = (all.len() / 40).max(1);
    let last = all.last().cloned();
    let sample = all.into_iter().step_by(step).chain(last);
    for e in sample {
        let at = e.syntax().text_range();
        assert_eq!(
            query::element_definition(cat, &e),
            query::replayed::element_definition(cat, &e),
            "{name}: definition of the element at {at:?}"
        );
        for include_present in [false, true] {
            assert_eq!(
                query::attributes(cat, &e, include_present),
                query::replayed::attributes(cat, &e, include_present),
                "{name}: attributes of the element at {at:?}"
            );
        }
        let mut offsets: Vec<TextSize> = vec![at.start(), at.end()];
        for child in e.children() {
            let r = child.syntax().text_range();
            offsets.extend([r.start(), r.end(), r.end() + TextSize::from(1)]);
        }
        // The content of a long list at a few places is enough: each boundary is a table lookup.
        let step = (offsets.len() / 8).max(1);
        for offset in offsets.into_iter().step_by(step) {
            assert_eq!(
                query::allowed_children(cat, &e, offset),
                query::replayed::allowed_children(cat, &e, offset),
                "{name}: children allowed in the element at {at:?} at {offset:?}"
            );
            asked += 1;
        }
        asked += 3;
    }
    asked
}

#[test]
fn tables_agree_with_replay_on_padded_corpus_documents() {
    let Some(shared) = domxml_testdata::libvirt11() else {
        return;
    };
    let cat = catalogue(&shared);
    let dir = shared.join("corpus/domain");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .collect();
    files.sort();
    let mut documents = 0;
    let mut asked = 0;
    // Every 24th document keeps the debug-build run short.
    for path in files.iter().step_by(24) {
        let text = std::fs::read_to_string(path).expect("corpus file");
        let Some(long) = padded(&text, 80) else {
            continue;
        };
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let name = name.unwrap_or_default();
        let parse = domxml_syntax::parse(&long);
        asked += compare(&cat, &parse, &name);
        documents += 1;
    }
    assert!(
        documents >= 40,
        "only {documents} corpus documents have <devices>"
    );
    println!("{documents} documents, {asked} questions");
}

/// Edits that keep most of `<devices>`'s children: the new version's tables start from the
/// old version's, and must still agree with a replay.
#[test]
fn tables_reused_across_edits_agree_with_replay() {
    let Some(shared) = domxml_testdata::libvirt11() else {
        return;
    };
    let cat = catalogue(&shared);
    let dir = shared.join("corpus/domain");
    let files = [
        "qemuxmlconfdata__pci-bridge-many-disks.xml",
        "qemuxmlconfdata__pcie-expander-bus.x86_64-latest.xml",
        "qemuxmlconfdata__qemu-ns-alt.x86_64-latest.xml",
    ];
    for file in files {
        let text = std::fs::read_to_string(dir.join(file)).expect("corpus file");
        let Some(mut text) = padded(&text, 100) else {
            continue;
        };
        let mut parse = domxml_syntax::parse(&text);
        compare(&cat, &parse, file);
        let devices_at = |t: &str| t.find("<devices>").map(|i| i + "<devices>".len());
        let Some(start) = devices_at(&text) else {
            continue;
        };
        // Insert a device near the start, one in the middle, one near the end; break a tag;
        // delete what was inserted; change an attribute value of the first child.
        let middle = text[..text.len() / 2]
            .rfind("\n    <")
            .map_or(start, |i| i + 1);
        let end = text.find("</devices>").unwrap_or(text.len());
        let edits = [
            TextEdit::new(
                TextRange::empty(TextSize::from(start as u32)),
                "\n<watchdog model='i6300esb'/>",
            ),
            TextEdit::new(
                TextRange::empty(TextSize::from(middle as u32)),
                "<watchdog model='ib700' action='reset'/>\n    ",
            ),
            TextEdit::new(
                TextRange::empty(TextSize::from(end as u32)),
                "<panic model='isa'/>\n  ",
            ),
            TextEdit::new(TextRange::empty(TextSize::from(middle as u32)), "<"),
            TextEdit::new(
                TextRange::at(TextSize::from(middle as u32), TextSize::from(1)),
                "",
            ),
            TextEdit::new(
                TextRange::at(TextSize::from(start as u32), TextSize::from(29)),
                "",
            ),
        ];
        for (i, edit) in edits.iter().enumerate() {
            let mut next = text.clone();
            edit.apply(&mut next);
            parse = parse.reparse(edit, next.as_str());
            text = next;
            compare(&cat, &parse, &format!("{file} after edit {i}"));
        }
    }
}
