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

/// A place for child `x` that libxml2 accepts with every other child where it is: (x, the
/// index of the child it goes before, or the count for the end). Tries next to `partner` (its
/// sibling in the same interleave branch) first, then places nearest to where it is.
fn one_move(
    cat: &Catalogue,
    memo: &mut Memo,
    contents: &[Pat],
    names: &[(&str, &str)],
    x: usize,
    partner: Option<usize>,
) -> Option<(usize, usize)> {
    let n = names.len();
    let mut places: Vec<usize> = (0..=n).filter(|j| *j != x && *j != x + 1).collect();
    places.sort_by_key(|j| j.abs_diff(x));
    if let Some(p) = partner {
        places.retain(|j| *j != p + 1);
        places.insert(0, p + 1);
    }
    places.into_iter().find_map(|to| {
        let mut moved: Vec<(&str, &str)> = Vec::with_capacity(n);
        for (i, name) in names.iter().enumerate() {
            if i == to {
                moved.push(*names.get(x)?);
            }
            if i != x {
                moved.push(*name);
            }
        }
        if to == n {
            moved.push(*names.get(x)?);
        }
        emulate::replay(cat, memo, contents, &moved)
            .is_none()
            .then_some((x, to))
    })
}

/// Where libvirt writes each child: `<domain>`'s in its formatter's order, others by their
/// branch of the content's outermost interleave.
fn libvirt_ranks(
    cat: &Catalogue,
    memo: &mut Memo,
    contents: &[Pat],
    parent_local: &str,
    children: &[Child<'_>],
) -> Option<Vec<usize>> {
    if parent_local == "domain" {
        return Some(
            children
                .iter()
                .map(|c| reorder::domain_rank(c.local, !c.ns.is_empty()))
                .collect(),
        );
    }
    let interleave = reorder::outermost_interleave(cat, *contents.first()?)?;
    let part = memo.partition(cat, interleave);
    Some(
        children
            .iter()
            .map(|c| {
                part.branch_of_name(cat, c.ns, c.local)
                    .unwrap_or(usize::MAX)
            })
            .collect(),
    )
}

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
    let local = parent.rsplit(':').next().unwrap_or(parent);
    let hint = rejection
        .extra
        .and_then(|xi| one_move(cat, memo, contents, &names, xi, rejection.partner))
        .and_then(|(xi, to)| {
            let x = children.get(xi)?;
            Some(match children.get(to) {
                Some(next) => format!("move <{}> before <{}>", x.qname, next.qname),
                None => format!("move <{}> to the end of <{parent}>", x.qname),
            })
        })
        .or_else(|| {
            let ranks = libvirt_ranks(cat, memo, contents, local, children)?;
            let (moved, before) = reorder::first_move(&ranks)?;
            Some(format!(
                "reorder the children of <{parent}> as libvirt writes them, starting by \
                 moving <{}> before <{}>",
                children.get(moved)?.qname,
                children.get(before)?.qname
            ))
        })
        .unwrap_or_else(|| {
            format!("put the children of <{parent}> in the order libvirt writes them")
        });
    let not_here = match extra {
        Some(x) => format!("does not accept <{}> where it is", x.qname),
        None => format!("does not accept this order of the children of <{parent}>"),
    };
    let message = format!(
        "`virsh edit`, `virsh define --validate` and `virt-xml-validate` will refuse this \
         document: libvirt's validator (libxml2) {not_here}, although the schema allows this \
         order. To fix it, {hint}."
    );
    let range = extra.map_or(parent_range, |x| x.range);
    let mut d = Diagnostic::new(range, Code::LibvirtElementOrder, message);
    if let Some(x) = extra {
        d.expected = vec![x.qname.to_owned()];
    }
    Some(d)
}
