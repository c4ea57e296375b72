//! Reading a derivative state back in human terms: which elements may come next, which are
//! required, which attributes exist and which are required, which values are expected. Used by
//! diagnostics (what to say) and by completion (what to offer).

use std::collections::HashSet;

use crate::name_class::NcId;
use crate::pattern::{AttrId, DtId, ElemId, Node, Pat, Store, ValueId};

/// How a [`walk`] goes through a group: into both halves, or (for what may come *next*) into
/// the second half only where the first can be empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    Anywhere,
    Next,
}

/// Calls `visit` once on every pattern reachable from `p` through choices, groups,
/// interleaves, repetitions and lists, in schema order; never into elements or attributes.
pub fn walk<S: Store + ?Sized>(s: &S, p: Pat, reach: Reach, mut visit: impl FnMut(Node)) {
    let mut seen = HashSet::new();
    let mut stack = vec![p];
    while let Some(p) = stack.pop() {
        if !seen.insert(p) {
            continue;
        }
        let node = s.node(p);
        visit(node);
        match node {
            Node::Choice(a, b) | Node::Interleave(a, b) => {
                stack.push(b);
                stack.push(a);
            }
            Node::Group(a, b) => {
                if reach == Reach::Anywhere || s.nullable(a) {
                    stack.push(b);
                }
                stack.push(a);
            }
            Node::OneOrMore(a) | Node::List(a) | Node::After(a, _) => stack.push(a),
            _ => {}
        }
    }
}

/// Elements that may start next in state `p` (first set), in schema order, deduplicated.
pub fn first_elements<S: Store + ?Sized>(s: &S, p: Pat) -> Vec<ElemId> {
    let mut out = Vec::new();
    walk(s, p, Reach::Next, |node| {
        if let Node::Element(id) = node
            && !out.contains(&id)
            && s.element_content(id) != Some(Pat::NOT_ALLOWED)
        {
            out.push(id);
        }
    });
    out
}

/// Every element that occurs anywhere in `p` without entering another element.
pub fn all_elements<S: Store + ?Sized>(s: &S, p: Pat) -> Vec<ElemId> {
    let mut out = Vec::new();
    walk(s, p, Reach::Anywhere, |node| {
        if let Node::Element(id) = node
            && !out.contains(&id)
        {
            out.push(id);
        }
    });
    out
}

/// Attributes that occur in `p` (not inside elements): (name class, content, definition).
pub fn attributes<S: Store + ?Sized>(s: &S, p: Pat) -> Vec<(NcId, Pat, AttrId)> {
    let mut out = Vec::new();
    walk(s, p, Reach::Anywhere, |node| {
        if let Node::Attribute(nc, content, id) = node {
            out.push((nc, content, id));
        }
    });
    out
}

/// Attributes that every way through `p` must still see.
pub fn required_attributes<S: Store + ?Sized>(s: &S, p: Pat) -> Vec<NcId> {
    required(s, p, &|n| match n {
        Node::Attribute(nc, ..) => Some(nc),
        _ => None,
    })
}

/// Names of the elements that every way through `p` must still see.
pub fn required_elements<S: Store + ?Sized>(
    s: &S,
    p: Pat,
    name_of: &dyn Fn(ElemId) -> NcId,
) -> Vec<NcId> {
    required(s, p, &|n| match n {
        Node::Element(id) => Some(name_of(id)),
        _ => None,
    })
}

/// Items every way through `p` must see: choice intersects, group and interleave unite.
fn required<S: Store + ?Sized, T: Copy + PartialEq>(
    s: &S,
    p: Pat,
    pick: &dyn Fn(Node) -> Option<T>,
) -> Vec<T> {
    fn walk<S: Store + ?Sized, T: Copy + PartialEq>(
        s: &S,
        p: Pat,
        pick: &dyn Fn(Node) -> Option<T>,
        depth: u32,
    ) -> Vec<T> {
        if depth > 200 {
            return Vec::new();
        }
        let node = s.node(p);
        if let Some(x) = pick(node) {
            return vec![x];
        }
        match node {
            Node::Group(a, b) | Node::Interleave(a, b) => {
                let mut v = walk(s, a, pick, depth + 1);
                for x in walk(s, b, pick, depth + 1) {
                    if !v.contains(&x) {
                        v.push(x);
                    }
                }
                v
            }
            Node::Choice(a, b) => {
                let left = walk(s, a, pick, depth + 1);
                let right = walk(s, b, pick, depth + 1);
                left.into_iter().filter(|x| right.contains(x)).collect()
            }
            Node::OneOrMore(a) | Node::After(a, _) => walk(s, a, pick, depth + 1),
            _ => Vec::new(),
        }
    }
    walk(s, p, pick, 0)
}

/// What a text or attribute-value position accepts.
#[derive(Debug, Default)]
pub struct Expected {
    pub values: Vec<ValueId>,
    pub datatypes: Vec<DtId>,
    pub text: bool,
    pub list: bool,
}

/// The values, datatypes and free text that `p` accepts as its next text.
pub fn expected_text<S: Store + ?Sized>(s: &S, p: Pat) -> Expected {
    let mut out = Expected::default();
    walk(s, p, Reach::Next, |node| match node {
        Node::Value(v) => out.values.push(v),
        Node::Data(d) | Node::DataExcept(d, _) => out.datatypes.push(d),
        Node::Text => out.text = true,
        Node::List(_) => out.list = true,
        _ => {}
    });
    out
}
