//! The pinned child-order set (`tests/order/set.tsv`, made by `tests/order/make-set.py`):
//! corpus documents with the children of one element shuffled, labelled by `xmllint
//! --relaxng` (libxml2 2.9.14) with libvirt 11.3's and 9.0's schemas. Our verdict must equal
//! xmllint's on every one, and reordering a rejected element the way libvirt writes it must
//! give a document we (like xmllint) accept.

use std::path::Path;

use domxml_libvirt::builtin::EmbeddedFiles;
use domxml_schema::libxml2_order::reorder;
use domxml_schema::{Catalogue, Code, DiskFiles};
use domxml_syntax::ast;

struct Row {
    file: String,
    path: Vec<usize>,
    order: Vec<usize>,
    label11: String,
    label9: String,
    extra: String,
}

fn rows() -> Vec<Row> {
    let text = std::fs::read_to_string(domxml_testdata::workspace().join("tests/order/set.tsv"))
        .expect("tests/order/set.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let nums = |s: &str, sep| -> Vec<usize> {
                s.split(sep)
                    .filter(|x| !x.is_empty())
                    .map(|x| x.parse().expect("index"))
                    .collect()
            };
            Row {
                file: f[0].to_owned(),
                path: nums(f[1], '.'),
                order: nums(f[2], ','),
                label11: f[3].to_owned(),
                label9: f[4].to_owned(),
                extra: f.get(5).copied().unwrap_or("").to_owned(),
            }
        })
        .collect()
}

fn element_at(doc: &ast::Document, path: &[usize]) -> Option<ast::Element> {
    let mut e = doc.root()?;
    for &i in path {
        e = e.children().nth(i)?;
    }
    Some(e)
}

/// The shuffled document of `row`.
fn shuffled(corpus: &Path, row: &Row) -> String {
    let mut text = std::fs::read_to_string(corpus.join(&row.file)).expect("corpus file");
    let parse = domxml_syntax::parse(&text);
    let e = element_at(&parse.document(), &row.path).expect("element path");
    let edit = reorder::permute(&e, &row.order).expect("a permutation");
    edit.apply(&mut text);
    text
}

fn verdict(cat: &Catalogue, text: &str) -> (&'static str, Vec<domxml_schema::Diagnostic>) {
    let parse = domxml_syntax::parse(text);
    let diags = domxml_schema::validate(cat, &parse.document());
    (if diags.is_empty() { "valid" } else { "invalid" }, diags)
}

/// Checks every row against `label`; returns (agreements, rows, rejected-for-order rows).
fn agree(cat: &Catalogue, corpus: &Path, label: impl Fn(&Row) -> &str, what: &str) {
    let rows = rows();
    let mut wrong = Vec::new();
    let mut named = 0;
    let mut order_rejections = 0;
    let mut not_fixed = Vec::new();
    for row in &rows {
        let text = shuffled(corpus, row);
        let (got, diags) = verdict(cat, &text);
        if got != label(row) {
            wrong.push(format!(
                "{} {:?}: xmllint {}, domxml {got}: {:?}",
                row.file,
                row.path,
                label(row),
                diags.first().map(|d| &d.message)
            ));
        }
        let order: Vec<_> = diags
            .iter()
            .filter(|d| d.code == Code::LibvirtElementOrder)
            .collect();
        if order.is_empty() {
            continue;
        }
        order_rejections += 1;
        if order[0].expected.first().is_some_and(|x| *x == row.extra) {
            named += 1;
        }
        // Reorder the element the way libvirt writes it: the document must then pass.
        let parse = domxml_syntax::parse(&text);
        let e = element_at(&parse.document(), &row.path).expect("element path");
        let mut fixed = text.clone();
        if let Some(edit) = reorder::libvirt_order(cat, &e) {
            edit.apply(&mut fixed);
        }
        let (after, diags) = verdict(cat, &fixed);
        if after != "valid" {
            not_fixed.push(format!(
                "{} {:?}: {:?}",
                row.file,
                row.path,
                diags.first().map(|d| &d.message)
            ));
        }
    }
    println!(
        "{what}: {} of {} verdicts agree with xmllint; {order_rejections} rejected for their order \
         alone, {named} naming xmllint's element; {} not fixed by the reorder",
        rows.len() - wrong.len(),
        rows.len(),
        not_fixed.len()
    );
    assert!(
        wrong.is_empty(),
        "{what}: {} disagreements:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert!(
        not_fixed.is_empty(),
        "{what}: reorder leaves errors:\n{}",
        not_fixed.join("\n")
    );
    assert!(
        order_rejections > 0,
        "{what}: the set must contain orders libxml2 rejects"
    );
}

#[test]
fn libvirt_11_schemas_agree_with_xmllint() {
    let (Some(lv), Some(corpus)) = (
        domxml_testdata::libvirt11(),
        domxml_testdata::domain_corpus(),
    ) else {
        return;
    };
    let cat = domxml_schema::compile(&DiskFiles, &lv.join("schemas/domain.rng").to_string_lossy())
        .expect("libvirt 11.3 schemas compile");
    agree(&cat, &corpus, |r| &r.label11, "libvirt 11.3");
}

/// The built-in catalogue's <domain> interleave has libvirt 11.3's branches, in its order and
/// with its nested interleaves (catalogue/domain.rng), so libxml2 would split the children of
/// a document the same way under both.
#[test]
fn builtin_schema_agrees_with_xmllint_on_libvirt_11() {
    let Some(corpus) = domxml_testdata::domain_corpus() else {
        return;
    };
    let cat = domxml_schema::compile(&EmbeddedFiles, EmbeddedFiles::DOMAIN).expect("builtin");
    agree(&cat, &corpus, |r| &r.label11, "builtin");
}

#[test]
fn libvirt_9_schemas_agree_with_xmllint() {
    let (Some(s9), Some(corpus)) = (
        domxml_testdata::libvirt9_schemas(),
        domxml_testdata::domain_corpus(),
    ) else {
        return;
    };
    let cat = domxml_schema::compile(&DiskFiles, &s9.join("domain.rng").to_string_lossy())
        .expect("libvirt 9.0 schemas compile");
    agree(&cat, &corpus, |r| &r.label9, "libvirt 9.0");
}
