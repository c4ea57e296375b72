//! Reading green trees directly (no cursors): children with the offsets where they start.

use rowan::{GreenNodeData, GreenTokenData, NodeOrToken, TextSize};

/// A green node's children, each with its start, the node starting at `start`.
pub(crate) fn children_at(
    node: &GreenNodeData,
    start: TextSize,
) -> impl Iterator<Item = (TextSize, NodeOrToken<&GreenNodeData, &GreenTokenData>)> {
    node.children().scan(start, |offset, child| {
        let at = *offset;
        *offset += child.text_len();
        Some((at, child))
    })
}
