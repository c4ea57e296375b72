//! Builds green trees without rowan's `GreenNodeBuilder`, whose `NodeCache` hashes every token's
//! text into a growing table (and every small node) and is thrown away after each parse. Here
//! tokens and small nodes are shared through fixed-size direct-mapped caches: a hit clones an
//! `Arc`, a miss builds a fresh element and takes the slot. Sharing never changes what a tree is
//! (green equality is structural); it only saves allocations, in both building and dropping.

use rowan::{GreenNode, GreenToken, NodeOrToken};

use crate::SyntaxKind;

pub(crate) type GreenElement = NodeOrToken<GreenNode, GreenToken>;

/// Tokens longer than this are rarely repeated (comments, paths, free text): built directly.
const MAX_SHARED_TOKEN_LEN: usize = 48;
/// Nodes with more children than this are rarely repeated: built directly.
const MAX_SHARED_NODE_CHILDREN: usize = 8;
/// Cache slots (log2) for the largest inputs; small inputs (incremental reparses) get fewer,
/// as filling and dropping the caches would cost more than the parse.
const MAX_SLOTS_LOG2: u32 = 11;
const MIN_SLOTS_LOG2: u32 = 5;

/// A position to wrap the elements added after it in a node, see [`TreeBuilder::start_node_at`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Checkpoint(usize);

pub(crate) struct TreeBuilder {
    parents: Vec<(SyntaxKind, usize)>,
    children: Vec<GreenElement>,
    /// Punctuation tokens (`<`, `>`, `=`, ...), by kind: their text never varies.
    punctuation: [Option<GreenToken>; PUNCTUATION.len()],
    tokens: Vec<Option<(u64, GreenToken)>>,
    nodes: Vec<Option<(u64, GreenNode)>>,
    slots_log2: u32,
}

impl TreeBuilder {
    /// A builder for about `text_len` bytes of text.
    pub(crate) fn new(text_len: usize) -> Self {
        let slots_log2 =
            (usize::BITS - (text_len / 64).leading_zeros()).clamp(MIN_SLOTS_LOG2, MAX_SLOTS_LOG2);
        TreeBuilder {
            parents: Vec::with_capacity(16),
            children: Vec::with_capacity(64),
            punctuation: Default::default(),
            tokens: Vec::new(),
            nodes: Vec::new(),
            slots_log2,
        }
    }

    pub(crate) fn token(&mut self, kind: SyntaxKind, text: &str) {
        let token = self.make_token(kind, text);
        self.children.push(NodeOrToken::Token(token));
    }

    fn make_token(&mut self, kind: SyntaxKind, text: &str) -> GreenToken {
        if let Some(i) = PUNCTUATION.iter().position(|&k| k == kind) {
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
        if self.tokens.is_empty() {
            self.tokens.resize_with(1 << self.slots_log2, || None);
        }
        let hash = hash_bytes(kind as u64, text.as_bytes());
        let slot = &mut self.tokens[(hash >> (64 - self.slots_log2)) as usize];
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
            return GreenNode::new(kind.into(), self.children.drain(first..));
        }
        if self.nodes.is_empty() {
            self.nodes.resize_with(1 << self.slots_log2, || None);
        }
        let children = &self.children[first..];
        let mut hash = mix(SEED, kind as u64);
        for child in children {
            hash = mix(hash, element_id(child) as u64);
        }
        let slot = &mut self.nodes[(hash >> (64 - self.slots_log2)) as usize];
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

/// Identity of an element: shared children are the same allocation.
fn element_id(e: &GreenElement) -> usize {
    match e {
        NodeOrToken::Node(n) => &**n as *const rowan::GreenNodeData as usize,
        NodeOrToken::Token(t) => &**t as *const rowan::GreenTokenData as usize,
    }
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
    let mut hash = mix(SEED, seed ^ ((bytes.len() as u64) << 16));
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        hash = mix(hash, u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8])));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        // By hand: `copy_from_slice` of a variable length is a call to `memcpy`.
        let word = rest
            .iter()
            .rev()
            .fold(0u64, |word, &b| (word << 8) | u64::from(b));
        hash = mix(hash, word);
    }
    hash
}

/// Byte equality without a call to `memcmp`, for the short texts of tokens.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
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
