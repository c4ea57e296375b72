//! The derivative state between every two child elements of a long child list, so that a query
//! about a child near the end of `<devices>` (17,000 disks) is a binary search, not a replay
//! over every earlier sibling.
//!
//! The state after a child is a function of the state before it, the child's green node and
//! the namespace declarations in scope, so a table is kept per (parent green node, state the
//! parent's content was entered in, declarations). An edit makes a new parent green node whose
//! children are mostly the old ones: its table starts as a copy of the old one up to the first
//! changed child, and copies the old tail again as soon as the state after the changed children
//! meets the old state at the same unchanged child. Building that way costs a pass over the
//! parent's green children (pointers and lengths, no cursors) plus the changed children.
//!
//! Short child lists are not tabled: replaying them is as cheap as looking a table up.

use std::sync::Arc;

use domxml_syntax::{GreenNode, SyntaxKind, TextRange, TextSize, ast};

use crate::derive::Session;
use crate::pattern::Pat;
use crate::validate::NsScope;

/// Parents with fewer children (elements, whitespace, comments) are replayed, not tabled.
pub(crate) const MIN_CHILDREN: usize = 64;
/// Tables kept per session state (documents being edited, a few parents each).
const MAX_TABLES: usize = 8;

type GreenNodeData = <GreenNode as std::ops::Deref>::Target;

/// A green node's identity (equal addresses: the same immutable node).
fn address_of(node: &GreenNodeData) -> usize {
    std::ptr::from_ref(node) as usize
}

const ELEMENT: u16 = SyntaxKind::ELEMENT as u16;

/// States between the element children of one parent.
pub(crate) struct SiblingTable {
    /// Keeps the parent and its children alive, so the addresses below stay theirs.
    parent: GreenNode,
    entered: Pat,
    ns: Arc<[(String, String)]>,
    /// Per element child (chunks read through), in order: its start and end relative to the parent's start,
    rel_start: Vec<TextSize>,
    rel_end: Vec<TextSize>,
    /// its green node's address,
    green: Vec<usize>,
    /// and the parent's state after it.
    after: Vec<Pat>,
}

impl SiblingTable {
    /// The parent's state before its `k`-th element child.
    pub fn before(&self, k: usize) -> Pat {
        match k.checked_sub(1) {
            None => self.entered,
            Some(i) => self.after[i],
        }
    }

    /// Which element child `child` is (`parent` being the table's element).
    pub fn ordinal(&self, parent: &ast::Element, child: &ast::Element) -> Option<usize> {
        let rel = child.range().start().checked_sub(parent.range().start())?;
        let k = self.rel_start.binary_search(&rel).ok()?;
        (self.rel_end[k] - self.rel_start[k] == child.range().len()).then_some(k)
    }

    /// How many element children end at or before `rel` (relative to the parent's start).
    pub fn ending_by(&self, rel: TextSize) -> usize {
        self.rel_end.partition_point(|end| *end <= rel)
    }

    /// The `k`-th element child of `parent` (the element this table was made for).
    pub fn element(&self, parent: &ast::Element, k: usize) -> Option<ast::Element> {
        let start = parent.syntax().text_range().start() + *self.rel_start.get(k)?;
        element_at(parent, start, self.rel_end[k] - self.rel_start[k])
            .or_else(|| parent.children().nth(k))
    }

    pub fn len(&self) -> usize {
        self.after.len()
    }

    fn address(&self) -> usize {
        address_of(&self.parent)
    }

    fn matches(&self, address: usize, entered: Pat, ns: &Arc<[(String, String)]>) -> bool {
        self.address() == address
            && self.entered == entered
            && (Arc::ptr_eq(&self.ns, ns) || self.ns == *ns)
    }
}

#[derive(Default)]
pub(crate) struct SiblingCache {
    /// Most recently used last.
    tables: Vec<Arc<SiblingTable>>,
}

/// Whether `parent` has enough children to be tabled.
pub(crate) fn worth_a_table(parent: &ast::Element) -> bool {
    let green = parent.syntax().green();
    green.children().len() >= MIN_CHILDREN
        || green
            .children()
            .any(|c| c.kind() == SyntaxKind::CHUNK.into())
}

/// The table of `parent`, whose content was entered in state `entered` with the declarations
/// `ns` in scope (the parent's own included). `step` is the query's step over one child.
pub(crate) fn table_of(
    s: &mut Session<'_>,
    ns: &mut NsScope,
    parent: &ast::Element,
    entered: Pat,
    step: fn(&mut Session<'_>, &mut NsScope, Pat, &ast::Element) -> Pat,
) -> Arc<SiblingTable> {
    let green = parent.syntax().green().to_owned();
    let address = address_of(&green);
    let snapshot = ns.snapshot();
    let cache = s.siblings();
    if let Some(i) = cache
        .tables
        .iter()
        .position(|t| t.matches(address, entered, &snapshot))
    {
        let table = cache.tables.remove(i);
        cache.tables.push(table.clone());
        return table;
    }

    let mut rel_end = Vec::new();
    let mut addresses = Vec::new();
    let mut rel_start = Vec::new();
    for (rel, child) in domxml_syntax::chunk::green_content(&green, TextSize::from(0)) {
        if let Some(node) = child.as_node()
            && child.kind().0 == ELEMENT
        {
            rel_start.push(rel);
            rel_end.push(rel + child.text_len());
            addresses.push(address_of(node));
        }
    }
    let n = addresses.len();

    // The old table sharing the longest run of unchanged children at either end.
    let base = cache
        .tables
        .iter()
        .filter(|t| t.entered == entered && (Arc::ptr_eq(&t.ns, &snapshot) || t.ns == snapshot))
        .map(|t| {
            let prefix = common_prefix(&t.green, &addresses);
            let room = n.min(t.green.len()) - prefix;
            let suffix = common_suffix(&t.green, &addresses).min(room);
            (prefix + suffix, prefix, suffix, t.clone())
        })
        .max_by_key(|(shared, ..)| *shared)
        .filter(|(shared, ..)| *shared > 0);

    let mut after: Vec<Pat> = Vec::with_capacity(n);
    let mut state = entered;
    let parent_start = parent.syntax().text_range().start();
    let mut k = 0;
    if let Some((_, prefix, _, old)) = &base {
        after.extend_from_slice(&old.after[..*prefix]);
        k = *prefix;
        state = after.last().copied().unwrap_or(entered);
    }
    let mut current: Option<ast::Element> = None;
    while k < n {
        if let Some((_, _, suffix, old)) = &base
            && k >= n - suffix
        {
            let old_k = k + old.len() - n;
            if old.before(old_k) == state {
                after.extend_from_slice(&old.after[old_k..]);
                break;
            }
        }
        let child = match current.take() {
            Some(previous) => next_element(&previous),
            None => element_at(
                parent,
                parent_start + rel_start[k],
                rel_end[k] - rel_start[k],
            ),
        };
        // The red children are the green ones; the linear search only guards that belief.
        let Some(child) = child.or_else(|| parent.children().nth(k)) else {
            after.push(state);
            k += 1;
            continue;
        };
        state = step(s, ns, state, &child);
        after.push(state);
        current = Some(child);
        k += 1;
    }

    let table = Arc::new(SiblingTable {
        parent: green,
        entered,
        ns: snapshot,
        rel_start,
        rel_end,
        green: addresses,
        after,
    });
    let cache = s.siblings();
    if cache.tables.len() >= MAX_TABLES {
        cache.tables.remove(0);
    }
    cache.tables.push(table.clone());
    table
}

fn common_prefix(a: &[usize], b: &[usize]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

fn common_suffix(a: &[usize], b: &[usize]) -> usize {
    a.iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// The child element of `parent` starting at `start` with length `len`, found by binary search
/// (through chunks).
pub(crate) fn element_at(
    parent: &ast::Element,
    start: TextSize,
    len: TextSize,
) -> Option<ast::Element> {
    domxml_syntax::chunk::child_or_token_at(parent.syntax(), start)?
        .into_node()
        .filter(|n| n.text_range() == TextRange::at(start, len))
        .and_then(ast::Element::cast)
}

/// The next sibling element (through chunks).
pub(crate) fn next_element(e: &ast::Element) -> Option<ast::Element> {
    let mut node = domxml_syntax::chunk::next_sibling(e.syntax());
    while let Some(n) = node {
        if let Some(e) = ast::Element::cast(n.clone()) {
            return Some(e);
        }
        node = domxml_syntax::chunk::next_sibling(&n);
    }
    None
}
