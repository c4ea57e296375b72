//! The domain's elements read once per check: names and children, so the rules' many small
//! questions (`child(e, "os")`, `is(e, "disk")`) are answered from a table instead of walking
//! the syntax tree (and allocating its cursors) again each time. Elements are found by their start
//! offset, which is unique within a document and sorted in document (preorder) order.

use std::cell::RefCell;

use domxml_syntax::ast::Element;

struct Node {
    start: u32,
    name: Box<str>,
    element: Element,
    children: Vec<u32>,
}

#[derive(Default)]
struct Index {
    nodes: Vec<Node>,
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
    // (element, parent's node index)
    let mut stack: Vec<(Element, Option<usize>)> = vec![(root.clone(), None)];
    while let Some((e, parent)) = stack.pop() {
        let id = nodes.len();
        let name = e.name_text().unwrap_or_default().into_boxed_str();
        nodes.push(Node {
            start: e.range().start().into(),
            name,
            element: e.clone(),
            children: Vec::new(),
        });
        if let Some(p) = parent {
            nodes[p].children.push(id as u32);
        }
        let children: Vec<Element> = e.children().collect();
        // Reversed so that the first child is indexed next: preorder keeps starts sorted.
        for c in children.into_iter().rev() {
            stack.push((c, Some(id)));
        }
    }
    Index { nodes }
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

pub(super) fn name_is(e: &Element, name: &str) -> Option<bool> {
    with_node(e, |ix, i| &*ix.nodes[i].name == name)
}

pub(super) fn children_named(e: &Element, name: &str) -> Option<Vec<Element>> {
    with_node(e, |ix, i| {
        ix.nodes[i]
            .children
            .iter()
            .map(|&c| &ix.nodes[c as usize])
            .filter(|n| &*n.name == name)
            .map(|n| n.element.clone())
            .collect()
    })
}

pub(super) fn first_child_named(e: &Element, name: &str) -> Option<Option<Element>> {
    with_node(e, |ix, i| {
        ix.nodes[i]
            .children
            .iter()
            .map(|&c| &ix.nodes[c as usize])
            .find(|n| &*n.name == name)
            .map(|n| n.element.clone())
    })
}
