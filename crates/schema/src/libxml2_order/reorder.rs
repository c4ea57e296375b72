//! Reordering an element's children into an order libxml2 accepts: libvirt's own order for
//! `<domain>` (what `virsh dumpxml` writes, from `virDomainDefFormatInternal`), the schema's
//! order of interleave branches elsewhere. Whitespace and comments before a child move with it.

use domxml_syntax::{SyntaxKind, TextEdit, TextRange, ast};

use crate::catalogue::Catalogue;
use crate::libxml2_order::Memo;
use crate::pattern::{Node, Pat, Store};

/// The children of `<domain>` in the order libvirt's formatter writes them.
const DOMAIN_ORDER: &[&str] = &[
    "name",
    "uuid",
    "genid",
    "title",
    "description",
    "metadata",
    "maxMemory",
    "memory",
    "currentMemory",
    "blkiotune",
    "memtune",
    "memoryBacking",
    "vcpu",
    "vcpus",
    "iothreads",
    "iothreadids",
    "defaultiothread",
    "throttlegroups",
    "cputune",
    "numatune",
    "resource",
    "sysinfo",
    "bootloader",
    "bootloader_args",
    "os",
    "idmap",
    "features",
    "cpu",
    "clock",
    "on_poweroff",
    "on_reboot",
    "on_crash",
    "on_lockfailure",
    "pm",
    "perf",
    "devices",
    "seclabel",
    "keywrap",
    "launchSecurity",
];

/// Where libvirt writes a child of `<domain>` (namespaced extensions last).
pub(crate) fn domain_rank(local: &str, namespaced: bool) -> usize {
    match DOMAIN_ORDER.iter().position(|n| *n == local) {
        Some(i) if !namespaced => i,
        _ => DOMAIN_ORDER.len(),
    }
}

/// The first move that sorts children by `ranks` (stably): (the child to move, the child it
/// must go before); `None` when they are sorted.
pub(crate) fn first_move(ranks: &[usize]) -> Option<(usize, usize)> {
    let mut order: Vec<usize> = (0..ranks.len()).collect();
    order.sort_by_key(|i| ranks[*i]);
    order
        .iter()
        .enumerate()
        .find(|(k, i)| *k != **i)
        .map(|(k, i)| (*i, k))
}

/// One child with what precedes it since the previous child (whitespace, comments).
struct Unit {
    range: TextRange,
}

fn units(parent: &ast::Element) -> Vec<Unit> {
    let mut out = Vec::new();
    let mut from = None;
    for child in domxml_syntax::chunk::children_with_tokens(parent.syntax()) {
        let range = child.text_range();
        match child {
            domxml_syntax::SyntaxElement::Node(node) => {
                if ast::Element::cast(node).is_some() {
                    let start = from.unwrap_or(range.start());
                    out.push(Unit {
                        range: TextRange::new(start, range.end()),
                    });
                    from = Some(range.end());
                } else if from.is_none() {
                    from = Some(range.end());
                }
            }
            domxml_syntax::SyntaxElement::Token(token) => {
                // Tokens of the start tag come before any content.
                if from.is_none() && !is_content(token.kind()) {
                    from = Some(range.end());
                }
            }
        }
    }
    out
}

fn is_content(kind: SyntaxKind) -> bool {
    matches!(
        kind,
        SyntaxKind::WHITESPACE
            | SyntaxKind::TEXT
            | SyntaxKind::COMMENT
            | SyntaxKind::PI
            | SyntaxKind::CDATA
            | SyntaxKind::ENTITY_REF
            | SyntaxKind::CHAR_REF
    )
}

/// The edit that puts the child elements of `parent` in `order` (indices into its child
/// elements); `None` when `order` is not a permutation of them or changes nothing.
pub fn permute(parent: &ast::Element, order: &[usize]) -> Option<TextEdit> {
    let units = units(parent);
    let mut seen = vec![false; units.len()];
    if order.len() != units.len() {
        return None;
    }
    for &i in order {
        if *seen.get(i)? {
            return None;
        }
        seen[i] = true;
    }
    if order.iter().enumerate().all(|(k, i)| k == *i) {
        return None;
    }
    let text = parent.syntax().text().to_string();
    let base = parent.syntax().text_range().start();
    let slice = |r: TextRange| -> Option<&str> {
        let r = r.checked_sub(base)?;
        text.get(std::ops::Range::<usize>::from(r))
    };
    let mut insert = String::new();
    for &i in order {
        insert.push_str(slice(units[i].range)?);
    }
    let whole = TextRange::new(units.first()?.range.start(), units.last()?.range.end());
    Some(TextEdit::new(whole, insert))
}

/// The edit that reorders the children of `parent` the way libvirt writes them (`<domain>`)
/// or in the schema's order of interleave branches; `None` when nothing moves.
pub fn libvirt_order(cat: &Catalogue, parent: &ast::Element) -> Option<TextEdit> {
    let children: Vec<ast::Element> = parent.children().collect();
    let rank: Vec<usize> =
        if parent.parent().is_none() && parent.name().is_some_and(|n| n.local() == "domain") {
            children
                .iter()
                .map(|c| {
                    let local = c.name().map(|n| n.local().to_owned()).unwrap_or_default();
                    let namespaced = c.name().is_some_and(|n| n.prefix().is_some());
                    domain_rank(&local, namespaced)
                })
                .collect()
        } else {
            schema_ranks(cat, parent, &children)?
        };
    let mut order: Vec<usize> = (0..children.len()).collect();
    order.sort_by_key(|i| rank[*i]);
    permute(parent, &order)
}

/// Each child's branch in the outermost interleave of the first definition of `parent` that
/// has one (children of other branches ranked last).
fn schema_ranks(
    cat: &Catalogue,
    parent: &ast::Element,
    children: &[ast::Element],
) -> Option<Vec<usize>> {
    let ns = parent.namespace().unwrap_or_default();
    let name = parent.name()?;
    let mut memo = Memo::default();
    let interleave = (0..cat.element_count()).find_map(|i| {
        let def = cat.element(crate::pattern::ElemId(i as u32));
        if !cat.name_matches(def.name, &ns, name.local()) {
            return None;
        }
        outermost_interleave(cat, def.content)
    })?;
    let part = memo.partition(cat, interleave);
    Some(
        children
            .iter()
            .map(|c| {
                let ns = c.namespace().unwrap_or_default();
                let local = c.name().map(|n| n.local().to_owned()).unwrap_or_default();
                part.branch_of_name(cat, &ns, &local).unwrap_or(usize::MAX)
            })
            .collect(),
    )
}

pub(crate) fn outermost_interleave(cat: &Catalogue, p: Pat) -> Option<Pat> {
    let mut stack = vec![p];
    let mut seen = Vec::new();
    while let Some(q) = stack.pop() {
        if seen.contains(&q) {
            continue;
        }
        seen.push(q);
        match cat.node(q) {
            Node::Interleave(..) => return Some(q),
            Node::Choice(a, b) | Node::Group(a, b) => {
                stack.push(b);
                stack.push(a);
            }
            Node::OneOrMore(a) => stack.push(a),
            _ => {}
        }
    }
    None
}
