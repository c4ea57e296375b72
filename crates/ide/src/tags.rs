//! Start/end tag pairs: linked editing (rename both at once) and highlighting the matching tag.

use domxml_syntax::ast::Element;
use domxml_syntax::{Parse, SyntaxKind::*, TextRange, TextSize};

/// The name ranges of the start and end tag of the element whose tag name is at `offset`.
pub fn matching_tag_names(
    parse: &Parse,
    offset: TextSize,
) -> Option<(TextRange, Option<TextRange>)> {
    let root = parse.syntax();
    let token = root.token_at_offset(offset).find(|t| {
        t.kind() == NAME
            && t.parent()
                .is_some_and(|p| matches!(p.kind(), START_TAG | END_TAG | EMPTY_ELEM_TAG))
    })?;
    let tag = token.parent()?;
    let element = Element::cast(tag.parent()?)?;
    let start = element.name()?.range();
    let end = element.end_tag().and_then(|t| t.name()).map(|n| n.range());
    Some((start, end))
}

/// Both tag names when they are equal (editing one edits the other); None on a self-closing
/// element, a missing end tag or names that already differ.
pub fn linked_editing_ranges(
    parse: &Parse,
    text: &str,
    offset: TextSize,
) -> Option<Vec<TextRange>> {
    let (start, end) = matching_tag_names(parse, offset)?;
    let end = end?;
    (text.get(start.start().into()..start.end().into())?
        == text.get(end.start().into()..end.end().into())?)
    .then(|| vec![start, end])
}

/// The tag name under the cursor and its partner.
pub fn highlights(parse: &Parse, offset: TextSize) -> Vec<TextRange> {
    match matching_tag_names(parse, offset) {
        Some((start, Some(end))) => vec![start, end],
        Some((start, None)) => vec![start],
        None => vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::cursor;

    #[test]
    fn linked_names() {
        let (text, offset) = cursor("<a><dev$0ices>\n</devices></a>");
        let parse = domxml_syntax::parse(&text);
        let ranges = linked_editing_ranges(&parse, &text, offset).unwrap();
        assert_eq!(
            ranges.iter().map(|r| &text[*r]).collect::<Vec<_>>(),
            ["devices", "devices"]
        );
        let (text, offset) = cursor("<a><devices>\n</dev$0ices></a>");
        let parse = domxml_syntax::parse(&text);
        assert_eq!(highlights(&parse, offset).len(), 2);
        let (text, offset) = cursor("<a><b$0/></a>");
        let parse = domxml_syntax::parse(&text);
        assert_eq!(linked_editing_ranges(&parse, &text, offset), None);
        assert_eq!(highlights(&parse, offset).len(), 1);
        let (text, offset) = cursor("<a>te$0xt</a>");
        assert!(highlights(&domxml_syntax::parse(&text), offset).is_empty());
    }
}
