//! Long child lists in balanced pieces: the content of an element with more than
//! `CHUNK_ABOVE` children (a `<devices>` of 17,000 disks) is grouped into `CHUNK` nodes of
//! about `CHUNK_LEN` children each, and those again while there are too many, so that an edit
//! inside rebuilds a few arrays of at most a few hundred entries instead of one of 17,000, and
//! a validator can keep results per chunk.
//!
//! Chunks carry no meaning: they hold content only (never an element's tags), and readers see
//! through them with the walks below ([`children_with_tokens`], [`parent`],
//! [`next_sibling_or_token`] ...) or `ast::Element`'s. Where the boundaries lie depends on the
//! edit history (a fresh parse cuts after an element every `CHUNK_LEN` children or so;
//! reparsing splices inside chunks and cuts the ones that grew), so two parses of one text are
//! equal when their trees are equal with chunks taken away ([`crate::Parse`]'s `PartialEq`).

use rowan::{GreenNode, GreenNodeData, NodeOrToken, TextRange, TextSize};

use crate::builder::GreenElement;
use crate::green::children_at;
use crate::{SyntaxElement, SyntaxKind, SyntaxKind::*, SyntaxNode};

/// Children per chunk, when a fresh parse cuts them.
pub(crate) const CHUNK_LEN: usize = 64;
/// An element's content (or a chunk's) is grouped when it has more children than this.
pub(crate) const CHUNK_ABOVE: usize = 2 * CHUNK_LEN;

/// `items` (an element's content) grouped into chunks, and these again, until at most
/// [`CHUNK_ABOVE`] remain; unchanged when there are no more than that.
pub(crate) fn group(mut items: Vec<GreenElement>) -> Vec<GreenElement> {
    while items.len() > CHUNK_ABOVE {
        items = cut(items);
    }
    items
}

/// `items` in chunks of about [`CHUNK_LEN`]: each ends with the first element (or chunk) from
/// its `CHUNK_LEN`-th item on, so that no run of text crosses a boundary and a validator can
/// take each chunk whole; a chunk of [`CHUNK_ABOVE`] items ends anyway.
fn cut(items: Vec<GreenElement>) -> Vec<GreenElement> {
    let ends_run = |c: &GreenElement| matches!(c, NodeOrToken::Node(n) if n.kind() == ELEMENT.into() || is_chunk(n));
    let mut out = Vec::with_capacity(items.len().div_ceil(CHUNK_LEN));
    let mut chunk = Vec::with_capacity(CHUNK_ABOVE);
    for item in items {
        let full =
            chunk.len() + 1 >= CHUNK_ABOVE || (chunk.len() + 1 >= CHUNK_LEN && ends_run(&item));
        chunk.push(item);
        if full {
            let children = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK_ABOVE));
            out.push(NodeOrToken::Node(GreenNode::new(CHUNK.into(), children)));
        }
    }
    if !chunk.is_empty() {
        out.push(NodeOrToken::Node(GreenNode::new(CHUNK.into(), chunk)));
    }
    out
}

/// An element's children with its content grouped ([`group`]): the start tag (or empty-element
/// tag) and the end tag stay direct children.
pub(crate) fn group_element_children(mut children: Vec<GreenElement>) -> Vec<GreenElement> {
    let is_tag = |c: &GreenElement, kinds: &[SyntaxKind]| matches!(c, NodeOrToken::Node(n) if kinds.iter().any(|k| n.kind() == (*k).into()));
    let head = usize::from(
        children
            .first()
            .is_some_and(|c| is_tag(c, &[START_TAG, EMPTY_ELEM_TAG])),
    );
    let tail = usize::from(
        children.len() > head && children.last().is_some_and(|c| is_tag(c, &[END_TAG])),
    );
    if children.len() - head - tail <= CHUNK_ABOVE {
        return children;
    }
    let end: Vec<GreenElement> = children.split_off(children.len() - tail);
    let content = children.split_off(head);
    children.extend(group(content));
    children.extend(end);
    children
}

pub(crate) fn is_chunk(node: &GreenNodeData) -> bool {
    node.kind() == CHUNK.into()
}

/// `node` (starting at `start`) with its children inside `stretch` replaced by `new`, where
/// `stretch` starts and ends at boundaries between `node`'s content children (chunks seen
/// through). Splices inside the smallest chunk that holds the stretch; chunks cut by the
/// stretch are regrouped around it. The result may be several nodes when `node` is a chunk
/// that grew past [`CHUNK_ABOVE`] children.
pub(crate) fn splice(
    node: &GreenNodeData,
    start: TextSize,
    stretch: TextRange,
    new: Vec<GreenElement>,
) -> Vec<GreenElement> {
    let children: Vec<(TextSize, NodeOrToken<&GreenNodeData, _>)> =
        children_at(node, start).collect();
    let end_of = |(at, c): &(TextSize, NodeOrToken<&GreenNodeData, _>)| *at + c.text_len();
    // The one chunk that holds the whole stretch, not at its edge: splice inside it.
    let holder = children.iter().position(|child| {
        let (at, c) = child;
        matches!(c, NodeOrToken::Node(n) if is_chunk(n))
            && *at <= stretch.start()
            && stretch.end() <= end_of(child)
            && !(stretch.is_empty() && (stretch.start() == *at || stretch.start() == end_of(child)))
    });
    let mut out: Vec<GreenElement> = Vec::with_capacity(children.len() + new.len());
    if let Some(i) = holder {
        let (at, NodeOrToken::Node(chunk)) = children[i] else {
            unreachable!("the holder is a chunk")
        };
        out.extend(children[..i].iter().map(|&(_, c)| c.to_owned()));
        out.extend(splice(chunk, at, stretch, new));
        out.extend(children[i + 1..].iter().map(|&(_, c)| c.to_owned()));
    } else {
        // Children before the stretch, the ones it touches (chunks read through and cut around
        // it), the new ones, the rest.
        let before = children
            .iter()
            .take_while(|c| end_of(c) <= stretch.start() && c.0 < stretch.start())
            .count();
        let after = before
            + children[before..]
                .iter()
                .take_while(|c| c.0 < stretch.end())
                .count();
        let mut middle = Vec::new();
        let mut rest = Vec::new();
        for &(at, c) in &children[before..after] {
            for (leaf_at, leaf) in leaves(c, at) {
                if leaf_at + leaf.text_len() <= stretch.start() && leaf_at < stretch.start() {
                    middle.push(leaf.to_owned());
                } else if leaf_at >= stretch.end() {
                    rest.push(leaf.to_owned());
                }
            }
        }
        middle.extend(new);
        middle.extend(rest);
        out.extend(children[..before].iter().map(|&(_, c)| c.to_owned()));
        if is_chunk(node) || middle.len() > CHUNK_ABOVE {
            out.extend(into_chunks(middle));
        } else {
            out.extend(middle);
        }
        out.extend(children[after..].iter().map(|&(_, c)| c.to_owned()));
    }
    if !is_chunk(node) {
        return vec![NodeOrToken::Node(GreenNode::new(node.kind(), out))];
    }
    // A chunk that grew is cut again; one left empty goes.
    into_chunks(out)
}

/// `items` as one chunk, or cut ([`cut`]) when there are too many; none when empty.
fn into_chunks(items: Vec<GreenElement>) -> Vec<GreenElement> {
    match items.len() {
        0 => Vec::new(),
        n if n <= CHUNK_ABOVE => vec![NodeOrToken::Node(GreenNode::new(CHUNK.into(), items))],
        _ => cut(items),
    }
}

type GreenRef<'g> = NodeOrToken<&'g GreenNodeData, &'g rowan::GreenTokenData>;

/// `child` (at `start`) if it is not a chunk, else the children under it that are not, each
/// with its start.
fn leaves(child: GreenRef<'_>, start: TextSize) -> Vec<(TextSize, GreenRef<'_>)> {
    match child {
        NodeOrToken::Node(n) if is_chunk(n) => green_content(n, start).collect(),
        _ => vec![(start, child)],
    }
}

/// A green node's children with chunks seen through, each with its start (the node starting
/// at `start`).
pub fn green_content(
    node: &GreenNodeData,
    start: TextSize,
) -> impl Iterator<Item = (TextSize, GreenRef<'_>)> {
    let mut stack = vec![children_at(node, start)];
    std::iter::from_fn(move || {
        loop {
            let top = stack.last_mut()?;
            match top.next() {
                None => {
                    stack.pop();
                }
                Some((at, NodeOrToken::Node(n))) if is_chunk(n) => stack.push(children_at(n, at)),
                Some(item) => return Some(item),
            }
        }
    })
}

/// The node's children and tokens, chunks seen through: an element's start tag, its content,
/// its end tag.
pub fn children_with_tokens(node: &SyntaxNode) -> impl Iterator<Item = SyntaxElement> + use<> {
    let mut stack = vec![node.children_with_tokens()];
    std::iter::from_fn(move || {
        loop {
            let top = stack.last_mut()?;
            match top.next() {
                None => {
                    stack.pop();
                }
                Some(NodeOrToken::Node(n)) if n.kind() == CHUNK => {
                    stack.push(n.children_with_tokens())
                }
                Some(item) => return Some(item),
            }
        }
    })
}

/// The node's child nodes, chunks seen through.
pub fn children(node: &SyntaxNode) -> impl Iterator<Item = SyntaxNode> + use<> {
    children_with_tokens(node).filter_map(NodeOrToken::into_node)
}

/// The parent, chunks seen through.
pub fn parent(node: &SyntaxNode) -> Option<SyntaxNode> {
    above_chunks(node.parent()?)
}

/// A token's parent, chunks seen through.
pub fn token_parent(token: &crate::SyntaxToken) -> Option<SyntaxNode> {
    above_chunks(token.parent()?)
}

/// `node`, or the first ancestor that is not a chunk.
fn above_chunks(mut node: SyntaxNode) -> Option<SyntaxNode> {
    while node.kind() == CHUNK {
        node = node.parent()?;
    }
    Some(node)
}

/// The next sibling (node or token), chunks seen through.
pub fn next_sibling_or_token(element: &SyntaxElement) -> Option<SyntaxElement> {
    sibling_or_token(element, First)
}

/// The previous sibling (node or token), chunks seen through.
pub fn prev_sibling_or_token(element: &SyntaxElement) -> Option<SyntaxElement> {
    sibling_or_token(element, Last)
}

/// The sibling after `element` (`First`: the first child of what follows) or before it
/// (`Last`), chunks seen through.
fn sibling_or_token(element: &SyntaxElement, toward: End) -> Option<SyntaxElement> {
    let mut at = element.clone();
    loop {
        let sibling = match toward {
            First => at.next_sibling_or_token(),
            Last => at.prev_sibling_or_token(),
        };
        match sibling {
            Some(NodeOrToken::Node(n)) if n.kind() == CHUNK => return first_leaf_from(n, toward),
            Some(sibling) => return Some(sibling),
            None => {
                let parent = at.parent()?;
                if parent.kind() != CHUNK {
                    return None;
                }
                at = NodeOrToken::Node(parent);
            }
        }
    }
}

/// The next sibling node, chunks seen through.
pub fn next_sibling(node: &SyntaxNode) -> Option<SyntaxNode> {
    let mut at = NodeOrToken::Node(node.clone());
    loop {
        at = next_sibling_or_token(&at)?;
        if let NodeOrToken::Node(n) = &at {
            return Some(n.clone());
        }
    }
}

#[derive(Clone, Copy)]
enum End {
    First,
    Last,
}
use End::*;

/// The first (or last) child under `chunk` that is not a chunk; an empty chunk (never built)
/// gives its next (or previous) sibling.
fn first_leaf_from(chunk: SyntaxNode, end: End) -> Option<SyntaxElement> {
    let mut node = chunk;
    loop {
        let child = match end {
            First => node.first_child_or_token(),
            Last => node.last_child_or_token(),
        };
        match child {
            Some(NodeOrToken::Node(n)) if n.kind() == CHUNK => node = n,
            Some(c) => return Some(c),
            None => {
                return sibling_or_token(&NodeOrToken::Node(node), end);
            }
        }
    }
}

/// The child (node or token) of `node` covering `offset`, chunks seen through (as rowan's
/// `child_or_token_at_range` with an empty range).
pub fn child_or_token_at(node: &SyntaxNode, offset: TextSize) -> Option<SyntaxElement> {
    let mut child = node.child_or_token_at_range(TextRange::empty(offset))?;
    while let NodeOrToken::Node(n) = &child
        && n.kind() == CHUNK
    {
        child = n.child_or_token_at_range(TextRange::empty(offset))?;
    }
    Some(child)
}

/// Whether `green` and `other` are the same tree once chunks are taken away: kinds, token
/// texts, structure. A loop over both trees' children, no recursion.
pub(crate) fn same_unchunked(green: &GreenNodeData, other: &GreenNodeData) -> bool {
    if green.kind() != other.kind() || green.text_len() != other.text_len() {
        return false;
    }
    let mut stack = vec![(
        green_content(green, 0.into()),
        green_content(other, 0.into()),
    )];
    while let Some((a, b)) = stack.last_mut() {
        match (a.next(), b.next()) {
            (None, None) => {
                stack.pop();
            }
            (Some((_, x)), Some((_, y))) => match (x, y) {
                (NodeOrToken::Token(x), NodeOrToken::Token(y)) => {
                    if x != y {
                        return false;
                    }
                }
                (NodeOrToken::Node(x), NodeOrToken::Node(y)) => {
                    if std::ptr::eq(x, y) {
                        continue;
                    }
                    if x.kind() != y.kind() || x.text_len() != y.text_len() {
                        return false;
                    }
                    stack.push((green_content(x, 0.into()), green_content(y, 0.into())));
                }
                _ => return false,
            },
            _ => return false,
        }
    }
    true
}
