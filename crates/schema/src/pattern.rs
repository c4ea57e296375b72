//! The pattern arena: simplified RELAX NG patterns as hash-consed nodes, so that equal patterns
//! share one id and derivatives can be memoized by id. The catalogue owns an immutable arena;
//! validation sessions stack a private arena on top of it (see `session`).

use rustc_hash::FxHashMap;

use crate::name_class::NcId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pat(pub u32);

impl Pat {
    pub const NOT_ALLOWED: Pat = Pat(0);
    pub const EMPTY: Pat = Pat(1);
    pub const TEXT: Pat = Pat(2);
}

/// Index into the catalogue's element definitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ElemId(pub u32);
/// Index into the catalogue's attribute definitions (one per `<attribute>` in the schema).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AttrId(pub u32);
/// Index into the catalogue's datatypes (one per `<data>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DtId(pub u32);
/// Index into the catalogue's values (one per `<value>`, so each keeps its own documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ValueId(pub u32);

/// A simplified pattern (RELAX NG spec section 4 output, plus `After` from the derivative
/// algorithm). `optional`, `zeroOrMore`, `mixed` and `ref` are compiled away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Node {
    NotAllowed,
    Empty,
    Text,
    Choice(Pat, Pat),
    Interleave(Pat, Pat),
    Group(Pat, Pat),
    OneOrMore(Pat),
    List(Pat),
    Data(DtId),
    DataExcept(DtId, Pat),
    Value(ValueId),
    Attribute(NcId, Pat, AttrId),
    Element(ElemId),
    After(Pat, Pat),
}

/// Something that stores hash-consed nodes: the catalogue's arena or a session overlay.
pub trait Store {
    fn node(&self, p: Pat) -> Node;
    fn nullable(&self, p: Pat) -> bool;
    fn intern(&mut self, node: Node) -> Pat;
    /// The content pattern of an element definition, when the store knows the catalogue.
    fn element_content(&self, _id: ElemId) -> Option<Pat> {
        None
    }
}

/// A growable hash-consed arena.
#[derive(Debug, Default)]
pub struct Arena {
    pub(crate) nodes: Vec<Node>,
    pub(crate) nullable: Vec<bool>,
    pub(crate) index: FxHashMap<Node, Pat>,
    /// Ids of this arena start here (non-zero for a session overlay).
    pub(crate) base: u32,
}

impl Arena {
    /// A root arena with the three constants at their fixed ids.
    pub fn new() -> Arena {
        let mut arena = Arena::default();
        for node in [Node::NotAllowed, Node::Empty, Node::Text] {
            let nullable = !matches!(node, Node::NotAllowed);
            arena.push(node, nullable);
        }
        arena
    }

    pub fn overlay(base: u32) -> Arena {
        Arena {
            base,
            ..Arena::default()
        }
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub(crate) fn get(&self, p: Pat) -> Option<Node> {
        self.nodes.get((p.0 - self.base) as usize).copied()
    }

    pub(crate) fn get_nullable(&self, p: Pat) -> bool {
        self.nullable
            .get((p.0 - self.base) as usize)
            .copied()
            .unwrap_or(false)
    }

    pub(crate) fn lookup(&self, node: &Node) -> Option<Pat> {
        self.index.get(node).copied()
    }

    pub(crate) fn push(&mut self, node: Node, nullable: bool) -> Pat {
        let p = Pat(self.base + self.nodes.len() as u32);
        self.nodes.push(node);
        self.nullable.push(nullable);
        self.index.insert(node, p);
        p
    }

    pub fn heap_bytes(&self) -> usize {
        self.nodes.capacity() * std::mem::size_of::<Node>()
            + self.nullable.capacity()
            + self.index.capacity() * (std::mem::size_of::<(Node, Pat)>() + 8)
    }
}

/// Nullability of a node from its children's nullability.
pub fn node_nullable<S: Store + ?Sized>(s: &S, node: &Node) -> bool {
    match *node {
        Node::Empty | Node::Text => true,
        Node::NotAllowed
        | Node::Data(_)
        | Node::DataExcept(..)
        | Node::Value(_)
        | Node::List(_)
        | Node::Attribute(..)
        | Node::Element(_)
        | Node::After(..) => false,
        Node::Choice(a, b) => s.nullable(a) || s.nullable(b),
        Node::Interleave(a, b) | Node::Group(a, b) => s.nullable(a) && s.nullable(b),
        Node::OneOrMore(a) => s.nullable(a),
    }
}

impl Store for Arena {
    fn node(&self, p: Pat) -> Node {
        self.get(p).unwrap_or(Node::NotAllowed)
    }
    fn nullable(&self, p: Pat) -> bool {
        self.get_nullable(p)
    }
    fn intern(&mut self, node: Node) -> Pat {
        if let Some(p) = self.lookup(&node) {
            return p;
        }
        let nullable = node_nullable(self, &node);
        self.push(node, nullable)
    }
}

/// Alternatives of a (possibly nested) choice, appended to `out`.
pub fn alternatives<S: Store + ?Sized>(s: &S, p: Pat, out: &mut Vec<Pat>) {
    let mut stack = vec![p];
    while let Some(p) = stack.pop() {
        match s.node(p) {
            Node::Choice(a, b) => {
                stack.push(b);
                stack.push(a);
            }
            _ => out.push(p),
        }
    }
}

/// `choice` with the simplifications that keep derivatives small: notAllowed is the unit,
/// alternatives are flattened, sorted and deduplicated (so choice is associative, commutative
/// and idempotent on ids).
pub fn choice<S: Store + ?Sized>(s: &mut S, a: Pat, b: Pat) -> Pat {
    if a == Pat::NOT_ALLOWED || a == b {
        return b;
    }
    if b == Pat::NOT_ALLOWED {
        return a;
    }
    // Fast path: two plain alternatives (no nested choice to flatten).
    let a_choice = matches!(s.node(a), Node::Choice(..));
    let b_choice = matches!(s.node(b), Node::Choice(..));
    if !a_choice && !b_choice {
        let (x, y) = if a < b { (a, b) } else { (b, a) };
        return s.intern(Node::Choice(x, y));
    }
    let mut alts = Vec::new();
    alternatives(s, a, &mut alts);
    alternatives(s, b, &mut alts);
    alts.sort_unstable();
    alts.dedup();
    let mut iter = alts.into_iter().rev();
    let Some(mut acc) = iter.next() else {
        return Pat::NOT_ALLOWED;
    };
    for alt in iter {
        acc = s.intern(Node::Choice(alt, acc));
    }
    acc
}

pub fn group<S: Store + ?Sized>(s: &mut S, a: Pat, b: Pat) -> Pat {
    if a == Pat::NOT_ALLOWED || b == Pat::NOT_ALLOWED {
        return Pat::NOT_ALLOWED;
    }
    if a == Pat::EMPTY {
        return b;
    }
    if b == Pat::EMPTY {
        return a;
    }
    s.intern(Node::Group(a, b))
}

pub fn interleave<S: Store + ?Sized>(s: &mut S, a: Pat, b: Pat) -> Pat {
    if a == Pat::NOT_ALLOWED || b == Pat::NOT_ALLOWED {
        return Pat::NOT_ALLOWED;
    }
    if a == Pat::EMPTY {
        return b;
    }
    if b == Pat::EMPTY {
        return a;
    }
    // Interleave is commutative: a canonical order lets more states share an id.
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    s.intern(Node::Interleave(a, b))
}

pub fn after<S: Store + ?Sized>(s: &mut S, a: Pat, b: Pat) -> Pat {
    if a == Pat::NOT_ALLOWED || b == Pat::NOT_ALLOWED {
        return Pat::NOT_ALLOWED;
    }
    s.intern(Node::After(a, b))
}

pub fn one_or_more<S: Store + ?Sized>(s: &mut S, a: Pat) -> Pat {
    if a == Pat::NOT_ALLOWED || a == Pat::EMPTY {
        return a;
    }
    s.intern(Node::OneOrMore(a))
}

pub fn optional<S: Store + ?Sized>(s: &mut S, a: Pat) -> Pat {
    choice(s, a, Pat::EMPTY)
}

pub fn zero_or_more<S: Store + ?Sized>(s: &mut S, a: Pat) -> Pat {
    let more = one_or_more(s, a);
    choice(s, more, Pat::EMPTY)
}

pub fn list<S: Store + ?Sized>(s: &mut S, a: Pat) -> Pat {
    if a == Pat::NOT_ALLOWED {
        return a;
    }
    s.intern(Node::List(a))
}
