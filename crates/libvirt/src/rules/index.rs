//! The domain's elements read once per check: names and children, so the rules' many small
//! questions (`child(e, "os")`, `is(e, "disk")`) are answered from a table instead of walking
//! the syntax tree (and allocating its cursors) again each time. Elements are found by their start
//! offset, which is unique within a document and sorted in document (preorder) order.

use std::cell::RefCell;

use domxml_syntax::SyntaxNode;
use domxml_syntax::ast::Element;

/// No node: ends a child list.
const NONE: u32 = u32::MAX;

struct Node {
    start: u32,
    /// The element's name: `names[name.0..name.1]` (one buffer for all, not one per element).
    name: (u32, u32),
    element: Element,
    /// The first child element and the next sibling: the children as a list threaded through
    /// the table, so building it allocates nothing per node.
    first_child: u32,
    next_sibling: u32,
}

#[derive(Default)]
struct Index {
    nodes: Vec<Node>,
    names: String,
}

thread_local! {
    static CURRENT: RefCell<Option<Index>> = const { RefCell::new(None) };
}

/// Runs `f` with `root`'s subtree indexed (on this thread); the index is dropped afterwards,
/// also when `f` panics.
pub(super) fn with_index<T>(root: &Element, f: impl FnOnce() -> T) -> T {
    struct Clear;
    impl Drop for Clear {
        fn drop(&mut self) {
            CURRENT.with(|c| c.borrow_mut().take());
        }
    }
    let index = build(root);
    CURRENT.with(|c| *c.borrow_mut() = Some(index));
    let _clear = Clear;
    f()
}

fn build(root: &Element) -> Index {
    let mut nodes: Vec<Node> = Vec::new();
    let mut names = String::new();
    // (element, its parent's node, the previous sibling's node)
    let mut stack: Vec<(Element, u32, u32)> = vec![(root.clone(), NONE, NONE)];
    while let Some((e, parent, previous)) = stack.pop() {
        let id = nodes.len() as u32;
        let next = next_element(e.syntax());
        let name_start = names.len() as u32;
        e.with_name_text(|n| names.push_str(n));
        nodes.push(Node {
            start: e.range().start().into(),
            name: (name_start, names.len() as u32),
            first_child: NONE,
            next_sibling: NONE,
            element: e,
        });
        match (previous, parent) {
            (NONE, NONE) => {}
            (NONE, p) => nodes[p as usize].first_child = id,
            (prev, _) => nodes[prev as usize].next_sibling = id,
        }
        // The next sibling waits below the first child: preorder keeps starts sorted.
        if let Some(sibling) = next {
            stack.push((sibling, parent, id));
        }
        if let Some(child) = nodes[id as usize].element.children().next() {
            stack.push((child, id, NONE));
        }
    }
    Index { nodes, names }
}

fn next_element(node: &SyntaxNode) -> Option<Element> {
    std::iter::successors(node.next_sibling(), |n| n.next_sibling()).find_map(Element::cast)
}

impl Index {
    fn name(&self, n: &Node) -> &str {
        self.names
            .get(n.name.0 as usize..n.name.1 as usize)
            .unwrap_or_default()
    }

    fn children(&self, i: usize) -> impl Iterator<Item = &Node> {
        let first = self.nodes[i].first_child;
        std::iter::successors(self.nodes.get(first as usize), |n| {
            self.nodes.get(n.next_sibling as usize)
        })
    }
}

fn find(index: &Index, e: &Element) -> Option<usize> {
    let start: u32 = e.range().start().into();
    let i = index.nodes.binary_search_by_key(&start, |n| n.start).ok()?;
    Some(i)
}

/// Answers `f` from the index when `e` is indexed; `None` otherwise (the caller walks the tree).
fn with_node<T>(e: &Element, f: impl FnOnce(&Index, usize) -> T) -> Option<T> {
    CURRENT.with(|c| {
        let c = c.borrow();
        let index = c.as_ref()?;
        let i = find(index, e)?;
        Some(f(index, i))
    })
}

pub(super) fn children_named(e: &Element, name: &str) -> Option<Vec<Element>> {
    with_node(e, |ix, i| {
        ix.children(i)
            .filter(|n| ix.name(n) == name)
            .map(|n| n.element.clone())
            .collect()
    })
}

pub(super) fn first_child_named(e: &Element, name: &str) -> Option<Option<Element>> {
    with_node(e, |ix, i| {
        ix.children(i)
            .find(|n| ix.name(n) == name)
            .map(|n| n.element.clone())
    })
}
