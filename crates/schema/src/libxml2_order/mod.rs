//! Child orders that libxml2 rejects although RELAX NG allows them.
//!
//! libvirt validates domain XML with libxml2 (`virsh edit`, `virsh define --validate`,
//! `virt-xml-validate`), whose `<interleave>` support is incomplete: an interleave nested in a
//! branch of another one (libvirt's `resources`, `os`, `events`, ...) must not have its
//! children split by children of a later branch that are not the last of theirs, and a
//! repeated interleave takes all its matching children in its first round (see `emulate`).
//! The validator runs this check on every element whose children it accepted, so a document
//! is reported exactly when xmllint would refuse it for its order alone.

mod emulate;
pub mod reorder;

use domxml_syntax::TextRange;

use crate::catalogue::Catalogue;
use crate::diagnostic::{Code, Diagnostic};
use crate::pattern::{Node, Pat, Store};

pub(crate) use emulate::Memo;

/// Records the branches of a compiled `<interleave>` in schema order.
pub(crate) fn record_branches(cat: &mut Catalogue, pat: Pat, mut branches: Vec<Pat>) {
    branches.retain(|b| *b != Pat::EMPTY);
    if branches.len() < 2 || !matches!(cat.arena.node(pat), Node::Interleave(..)) {
        return;
    }
    cat.interleave_branches
        .entry(pat)
        .or_insert_with(|| branches.into_boxed_slice());
}

/// A child element as the check sees it: its resolved name and where its name is written.
pub(crate) struct Child<'a> {
    pub ns: &'a str,
    pub local: &'a str,
    pub qname: &'a str,
    pub range: TextRange,
}

/// The `libvirt-element-order` diagnostic for the children of `parent` (named at
/// `parent_range`), when libxml2 rejects their order; `contents` are the parent's possible
/// content patterns (one per matching definition).
pub(crate) fn check(
    cat: &Catalogue,
    memo: &mut Memo,
    contents: &[Pat],
    parent: &str,
    parent_range: TextRange,
    children: &[Child<'_>],
) -> Option<Diagnostic> {
    let names: Vec<(&str, &str)> = children.iter().map(|c| (c.ns, c.local)).collect();
    let rejection = emulate::replay(cat, memo, contents, &names)?;
    let extra = rejection.extra.and_then(|i| children.get(i));
    let partner = rejection
        .partner
        .and_then(|i| children.get(i).map(|c| (i, c)));
    let hint = match (rejection.extra, extra, partner) {
        (Some(xi), Some(x), Some((pi, p))) => match children.get(pi + 1..xi) {
            Some([first, ..]) => format!(
                "move <{}> before <{}>, next to <{}>",
                x.qname, first.qname, p.qname
            ),
            _ => format!("keep <{}> next to <{}>", x.qname, p.qname),
        },
        _ => format!("put the children of <{parent}> in the order libvirt writes them"),
    };
    let message = format!(
        "libvirt's validator (libxml2) rejects this order of the children of <{parent}> although \
         each element is allowed here: {hint}; `virsh edit`, `virsh define --validate` and \
         `virt-xml-validate` refuse the document as it is"
    );
    let range = extra.map_or(parent_range, |x| x.range);
    let mut d = Diagnostic::new(range, Code::LibvirtElementOrder, message);
    if let Some(x) = extra {
        d.expected = vec![x.qname.to_owned()];
    }
    Some(d)
}
