//! Builds green trees without rowan's `GreenNodeBuilder`, whose `NodeCache` hashes every token's
//! text into a growing table (and every small node) and is thrown away after each parse. Here
//! tokens and small nodes are shared through fixed-size direct-mapped caches: a hit clones an
//! `Arc`, a miss builds a fresh element and takes the slot. Sharing never changes what a tree is
//! (green equality is structural); it only saves allocations, in both building and dropping.
//! The caches outlive a parse (one set per thread), so that small documents and incremental
//! reparses find their tokens and tags already there; they hold a few thousand small elements.

use std::cell::Cell;

use rowan::{GreenNode, GreenNodeData, GreenToken, NodeOrToken};

use crate::SyntaxKind;

pub(crate) type GreenElement = NodeOrToken<GreenNode, GreenToken>;

/// Tokens longer than this are rarely repeated (comments, paths, free text): built directly.
const MAX_SHARED_TOKEN_LEN: usize = 48;
/// Nodes with more children than this are rarely repeated: built directly.
const MAX_SHARED_NODE_CHILDREN: usize = 8;
const SLOTS_LOG2: u32 = 11;

/// A position to wrap the elements added after it in a node, see [`TreeBuilder::start_node_at`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Checkpoint(usize);

struct Caches {
    /// Punctuation tokens (`<`, `>`, `=`, ...), by kind: their text never varies.
    punctuation: [Option<GreenToken>; PUNCTUATION.len()],
    tokens: Vec<Option<(u64, GreenToken)>>,
    nodes: Vec<Option<(u64, GreenNode)>>,
    /// Nodes by their text, for constructs whose text alone decides their tree.
    by_text: Vec<Option<(u64, GreenNode)>>,
}

impl Caches {
    fn new() -> Box<Caches> {
        let slots = 1 << SLOTS_LOG2;
        let mut caches = Box::new(Caches {
            punctuation: Default::default(),
            tokens: Vec::with_capacity(slots),
            nodes: Vec::with_capacity(slots),
            by_text: Vec::with_capacity(slots),
        });
        caches.tokens.resize_with(slots, || None);
        caches.nodes.resize_with(slots, || None);
        caches.by_text.resize_with(slots, || None);
        caches
    }
}

thread_local! {
    static CACHES: Cell<Option<Box<Caches>>> = const { Cell::new(None) };
}

pub(crate) struct TreeBuilder {
    parents: Vec<(SyntaxKind, usize)>,
    children: Vec<GreenElement>,
    /// Taken from the thread's slot for the builder's life (a nested builder gets new ones).
    caches: Option<Box<Caches>>,
}

impl Drop for TreeBuilder {
    fn drop(&mut self) {
        if let Some(caches) = self.caches.take() {
            CACHES.with(|slot| slot.set(Some(caches)));
        }
    }
}

#[inline]
fn slot_of(hash: u64) -> usize {
    (hash >> (64 - SLOTS_LOG2)) as usize
}

impl TreeBuilder {
    pub(crate) fn new() -> Self {
        let caches = CACHES.with(|slot| slot.take()).unwrap_or_else(Caches::new);
        TreeBuilder {
            parents: Vec::with_capacity(16),
            children: Vec::with_capacity(64),
            caches: Some(caches),
        }
    }

    fn caches(&mut self) -> &mut Caches {
        self.caches.as_mut().expect("caches are taken only on drop")
    }

    pub(crate) fn token(&mut self, kind: SyntaxKind, text: &str) {
        let token = self.caches().token(kind, text);
        self.children.push(NodeOrToken::Token(token));
    }

    /// Adds the node of `kind` last built from exactly `text` (see [`Self::remember_text`]), if
    /// there is one. Only for kinds of nodes whose tree their text alone decides, and whose
    /// children are all tokens.
    pub(crate) fn node_by_text(&mut self, kind: SyntaxKind, text: &str) -> bool {
        let hash = hash_bytes(kind as u64, text.as_bytes());
        if let Some((h, node)) = &self.caches().by_text[slot_of(hash)]
            && *h == hash
            && node.kind() == kind.into()
            && has_text(node, text)
        {
            let node = node.clone();
            self.children.push(NodeOrToken::Node(node));
            return true;
        }
        false
    }

    /// Records the node just finished as the tree of `text`, for [`Self::node_by_text`].
    pub(crate) fn remember_text(&mut self, text: &str) {
        let Some(NodeOrToken::Node(node)) = self.children.last() else {
            return;
        };
        let node = node.clone();
        let hash = hash_bytes(node.kind().0 as u64, text.as_bytes());
        self.caches().by_text[slot_of(hash)] = Some((hash, node));
    }

    pub(crate) fn start_node(&mut self, kind: SyntaxKind) {
        self.parents.push((kind, self.children.len()));
    }

    pub(crate) fn checkpoint(&self) -> Checkpoint {
        Checkpoint(self.children.len())
    }

    /// Wraps everything added since `checkpoint` (which must not predate the current node's
    /// start) in a new node, left open.
    pub(crate) fn start_node_at(&mut self, checkpoint: Checkpoint, kind: SyntaxKind) {
        debug_assert!(checkpoint.0 <= self.children.len());
        debug_assert!(
            self.parents
                .last()
                .is_none_or(|&(_, first)| first <= checkpoint.0)
        );
        self.parents.push((kind, checkpoint.0));
    }

    pub(crate) fn finish_node(&mut self) {
        let (kind, first) = self.parents.pop().expect("finish_node without start_node");
        let node = self.make_node(kind, first);
        self.children.push(NodeOrToken::Node(node));
    }

    fn make_node(&mut self, kind: SyntaxKind, first: usize) -> GreenNode {
        let count = self.children.len() - first;
        if count > MAX_SHARED_NODE_CHILDREN {
            if kind == SyntaxKind::ELEMENT && count > crate::chunk::CHUNK_ABOVE {
                let children = self.children.drain(first..).collect();
                return GreenNode::new(kind.into(), crate::chunk::group_element_children(children));
            }
            return GreenNode::new(kind.into(), self.children.drain(first..));
        }
        let children = &self.children[first..];
        let caches = self.caches.as_mut().expect("caches are taken only on drop");
        let mut hash = mix(SEED, kind as u64);
        for child in children {
            hash = mix(hash, element_id(child) as u64);
        }
        let slot = &mut caches.nodes[slot_of(hash)];
        if let Some((h, node)) = slot
            && *h == hash
            && node.kind() == kind.into()
            && node.children().len() == count
            && node
                .children()
                .zip(children)
                .all(|(a, b)| ref_id(a) == element_id(b))
        {
            let node = node.clone();
            self.children.truncate(first);
            return node;
        }
        let node = GreenNode::new(kind.into(), self.children.drain(first..));
        *slot = Some((hash, node.clone()));
        node
    }

    /// The children of the node still open at the bottom, which must be the only one left.
    pub(crate) fn finish_children(mut self) -> Vec<GreenElement> {
        assert_eq!(self.parents.len(), 1);
        self.parents.clear();
        std::mem::take(&mut self.children)
    }

    pub(crate) fn finish(mut self) -> GreenNode {
        assert!(self.parents.is_empty() && self.children.len() == 1);
        match self.children.pop() {
            Some(NodeOrToken::Node(node)) => node,
            _ => unreachable!("the root is a node"),
        }
    }
}

impl Caches {
    fn token(&mut self, kind: SyntaxKind, text: &str) -> GreenToken {
        if let Some(i) = punctuation_index(kind) {
            if let Some(token) = &self.punctuation[i]
                && token.text() == text
            {
                return token.clone();
            }
            let token = GreenToken::new(kind.into(), text);
            self.punctuation[i] = Some(token.clone());
            return token;
        }
        if text.len() > MAX_SHARED_TOKEN_LEN {
            return GreenToken::new(kind.into(), text);
        }
        let hash = hash_bytes(kind as u64, text.as_bytes());
        let slot = &mut self.tokens[slot_of(hash)];
        if let Some((h, token)) = slot
            && *h == hash
            && token.kind() == kind.into()
            && same_bytes(token.text().as_bytes(), text.as_bytes())
        {
            return token.clone();
        }
        let token = GreenToken::new(kind.into(), text);
        *slot = Some((hash, token.clone()));
        token
    }
}

/// Identity of an element: shared children are the same allocation.
fn element_id(e: &GreenElement) -> usize {
    match e {
        NodeOrToken::Node(n) => &**n as *const rowan::GreenNodeData as usize,
        NodeOrToken::Token(t) => &**t as *const rowan::GreenTokenData as usize,
    }
}

/// Whether the tokens under `node` (all its children) spell `text`.
fn has_text(node: &GreenNodeData, text: &str) -> bool {
    if usize::from(node.text_len()) != text.len() {
        return false;
    }
    let mut rest = text.as_bytes();
    for child in node.children() {
        let NodeOrToken::Token(token) = child else {
            return false;
        };
        let t = token.text().as_bytes();
        if !same_bytes(&rest[..t.len().min(rest.len())], t) {
            return false;
        }
        rest = &rest[t.len()..];
    }
    rest.is_empty()
}

fn ref_id(e: NodeOrToken<&rowan::GreenNodeData, &rowan::GreenTokenData>) -> usize {
    match e {
        NodeOrToken::Node(n) => n as *const rowan::GreenNodeData as usize,
        NodeOrToken::Token(t) => t as *const rowan::GreenTokenData as usize,
    }
}

// FxHash's mixing step: cheap, and good enough for the top bits used as a slot index.
const SEED: u64 = 0;
const K: u64 = 0x517c_c1b7_2722_0a95;

#[inline]
fn mix(hash: u64, word: u64) -> u64 {
    (hash.rotate_left(5) ^ word).wrapping_mul(K)
}

#[inline]
fn hash_bytes(seed: u64, bytes: &[u8]) -> u64 {
    // Words read whole, the last one overlapping the one before: the length, mixed in first,
    // tells texts apart that this would otherwise confuse.
    let n = bytes.len();
    let mut hash = mix(SEED, seed ^ ((n as u64) << 16));
    if n >= 8 {
        let mut i = 0;
        while i + 8 <= n {
            hash = mix(hash, read_u64(bytes, i));
            i += 8;
        }
        if i < n {
            hash = mix(hash, read_u64(bytes, n - 8));
        }
    } else if n >= 4 {
        hash = mix(
            hash,
            u64::from(read_u32(bytes, 0)) | u64::from(read_u32(bytes, n - 4)) << 32,
        );
    } else if n > 0 {
        let word =
            u64::from(bytes[0]) | u64::from(bytes[n / 2]) << 8 | u64::from(bytes[n - 1]) << 16;
        hash = mix(hash, word);
    }
    hash
}

#[inline]
fn read_u64(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0u8; 8];
    word.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(word)
}

#[inline]
fn read_u32(bytes: &[u8], at: usize) -> u32 {
    let mut word = [0u8; 4];
    word.copy_from_slice(&bytes[at..at + 4]);
    u32::from_le_bytes(word)
}

/// Byte equality without a call to `memcmp`, for the short texts of tokens: a word at a time,
/// the last one overlapping.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n >= 8 {
        let mut i = 0;
        while i + 8 <= n {
            if read_u64(a, i) != read_u64(b, i) {
                return false;
            }
            i += 8;
        }
        i == n || read_u64(a, n - 8) == read_u64(b, n - 8)
    } else if n >= 4 {
        read_u32(a, 0) == read_u32(b, 0) && read_u32(a, n - 4) == read_u32(b, n - 4)
    } else {
        a.iter().zip(b).all(|(x, y)| x == y)
    }
}

#[inline]
fn punctuation_index(kind: SyntaxKind) -> Option<usize> {
    use SyntaxKind::*;
    // The positions in `PUNCTUATION`, as a match the compiler turns into a table.
    match kind {
        L_ANGLE => Some(0),
        L_ANGLE_SLASH => Some(1),
        R_ANGLE => Some(2),
        SLASH_R_ANGLE => Some(3),
        EQ => Some(4),
        PI_START => Some(5),
        PI_END => Some(6),
        _ => None,
    }
}

/// Kinds whose tokens always have the same text.
const PUNCTUATION: [SyntaxKind; 7] = [
    SyntaxKind::L_ANGLE,
    SyntaxKind::L_ANGLE_SLASH,
    SyntaxKind::R_ANGLE,
    SyntaxKind::SLASH_R_ANGLE,
    SyntaxKind::EQ,
    SyntaxKind::PI_START,
    SyntaxKind::PI_END,
];
