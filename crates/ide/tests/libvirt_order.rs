//! The quick fix and source action for orders libvirt's validator (libxml2) rejects:
//! reordering as libvirt writes them leaves no `libvirt-element-order` diagnostic, on a
//! fixture and on every rejected document of the pinned order set (`tests/order/set.tsv`).

use std::sync::OnceLock;

use domxml_ide::actions::{code_actions, libvirt_order_action};
use domxml_ide::diagnostics::{Diagnostic, DiagnosticsOptions, diagnostics};
use domxml_ide::{SchemaModel, apply_edits};
use domxml_libvirt::kinds::DocumentKind;
use domxml_libvirt::model::CatalogueModel;
use domxml_schema::Code as SchemaCode;
use domxml_schema::libxml2_order::reorder;
use domxml_syntax::ast;

const ORDER: domxml_ide::Code = domxml_ide::Code::Schema(SchemaCode::LibvirtElementOrder);

fn model() -> &'static CatalogueModel {
    static MODEL: OnceLock<CatalogueModel> = OnceLock::new();
    MODEL.get_or_init(|| {
        let cat = domxml_libvirt::builtin::catalogue().expect("the built-in catalogue compiles");
        CatalogueModel::new(cat, "built-in catalogue", Some("11.3".into()))
    })
}

fn diags(text: &str) -> Vec<Diagnostic> {
    let parse = domxml_syntax::parse(text);
    diagnostics(
        &parse,
        text,
        DocumentKind::Libvirt,
        Some(model() as &dyn SchemaModel),
        &DiagnosticsOptions::default(),
    )
}

/// The text after applying the order quick fix offered on the first order diagnostic.
fn quick_fixed(text: &str) -> Option<(String, String)> {
    let d = diags(text).into_iter().find(|d| d.code == ORDER)?;
    let parse = domxml_syntax::parse(text);
    let actions = code_actions(
        &parse,
        text,
        d.range,
        DocumentKind::Libvirt,
        Some(model()),
        &Default::default(),
    );
    let fix = actions
        .into_iter()
        .find(|a| a.fixes.is_some_and(|(r, c)| r == d.range && c == ORDER))?;
    Some((fix.title, apply_edits(text, &fix.edits)))
}

/// xmllint (libvirt 11.3's domain.rng) refuses this order: "Extra element vcpu in interleave".
const REJECTED: &str = "<domain type='kvm'>
  <name>t</name>
  <memory unit='KiB'>4194304</memory>
  <on_crash>destroy</on_crash>
  <vcpu>1</vcpu>
  <on_reboot>restart</on_reboot>
  <os>
    <type arch='x86_64'>hvm</type>
  </os>
</domain>
";

#[test]
fn quick_fix_reorders_the_domain_as_libvirt_writes_it() {
    let before = diags(REJECTED);
    let d = before
        .iter()
        .find(|d| d.code == ORDER)
        .expect("libxml2 rejects this order");
    assert_eq!(&REJECTED[d.range], "vcpu", "{}", d.message);
    assert!(
        d.message.starts_with("`virsh edit`, `virsh define --validate` and `virt-xml-validate` will refuse this document")
            && d.message.ends_with("To fix it, move <vcpu> before <on_crash>."),
        "{}",
        d.message
    );
    let (title, fixed) = quick_fixed(REJECTED).expect("a quick fix");
    assert_eq!(
        title,
        "Reorder the children of <domain> as libvirt writes them"
    );
    assert_eq!(
        fixed,
        "<domain type='kvm'>
  <name>t</name>
  <memory unit='KiB'>4194304</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64'>hvm</type>
  </os>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
</domain>
"
    );
    assert!(diags(&fixed).is_empty(), "{:?}", diags(&fixed));
}

#[test]
fn source_action_is_offered_when_the_order_differs_from_libvirts() {
    let parse = domxml_syntax::parse(REJECTED);
    let action = libvirt_order_action(&parse, DocumentKind::Libvirt, Some(model()))
        .expect("offered on a rejected order");
    assert_eq!(action.title, "Reorder elements as libvirt writes them");
    let fixed = apply_edits(REJECTED, &action.edits);
    assert!(diags(&fixed).is_empty());
    // Already in libvirt's order: nothing to offer; not a libvirt document: neither.
    let parse = domxml_syntax::parse(&fixed);
    assert_eq!(
        libvirt_order_action(&parse, DocumentKind::Libvirt, Some(model())),
        None
    );
    let parse = domxml_syntax::parse(REJECTED);
    assert_eq!(
        libvirt_order_action(&parse, DocumentKind::OtherXml, Some(model())),
        None
    );
}

fn element_at(doc: &ast::Document, path: &[usize]) -> Option<ast::Element> {
    let mut e = doc.root()?;
    for &i in path {
        e = e.children().nth(i)?;
    }
    Some(e)
}

fn numbers(s: &str, sep: char) -> Vec<usize> {
    s.split(sep)
        .filter(|x| !x.is_empty())
        .map(|x| x.parse().expect("an index"))
        .collect()
}

#[test]
fn quick_fix_repairs_every_rejected_order_of_the_set() {
    let Some(corpus) = domxml_testdata::domain_corpus() else {
        return;
    };
    let set = std::fs::read_to_string(domxml_testdata::workspace().join("tests/order/set.tsv"))
        .expect("tests/order/set.tsv");
    let (mut rejected, mut failures) = (0, Vec::new());
    for line in set.lines().filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.get(3) != Some(&"invalid") {
            continue;
        }
        let mut text = std::fs::read_to_string(corpus.join(f[0])).expect("corpus file");
        let parse = domxml_syntax::parse(&text);
        let e = element_at(&parse.document(), &numbers(f[1], '.')).expect("element path");
        let edit = reorder::permute(&e, &numbers(f[2], ',')).expect("a permutation");
        edit.apply(&mut text);
        rejected += 1;
        match quick_fixed(&text) {
            None => failures.push(format!("{} {}: no order diagnostic or no fix", f[0], f[1])),
            Some((_, fixed)) => {
                let left: Vec<_> = diags(&fixed)
                    .into_iter()
                    .filter(|d| matches!(d.code, domxml_ide::Code::Schema(_)))
                    .map(|d| d.message)
                    .collect();
                if !left.is_empty() {
                    failures.push(format!("{} {}: {left:?}", f[0], f[1]));
                }
            }
        }
    }
    println!(
        "{rejected} rejected orders, {} not repaired",
        failures.len()
    );
    assert!(rejected > 50, "the set has rejected orders");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
