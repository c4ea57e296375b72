//! Start/end tag pairs: linked editing (rename both at once) and highlighting the matching tag.

use domxml_syntax::ast::Element;
use domxml_syntax::{Parse, SyntaxKind::*, TextEdit, TextRange, TextSize};

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

/// The tag name under the cursor, when it can be renamed (textDocument/prepareRename).
pub fn prepare_rename(parse: &Parse, offset: TextSize) -> Option<TextRange> {
    let (start, end) = matching_tag_names(parse, offset)?;
    [Some(start), end]
        .into_iter()
        .flatten()
        .find(|r| r.contains_inclusive(offset))
}

/// Renames the element whose tag name is under the cursor: its start and end tag together.
/// None when `new_name` is not an XML name.
pub fn rename(parse: &Parse, offset: TextSize, new_name: &str) -> Option<Vec<TextEdit>> {
    if !is_xml_name(new_name) {
        return None;
    }
    let (start, end) = matching_tag_names(parse, offset)?;
    Some(
        [Some(start), end]
            .into_iter()
            .flatten()
            .map(|r| TextEdit::new(r, new_name))
            .collect(),
    )
}

/// A (possibly prefixed) XML name: a letter or `_` first, then letters, digits, `-._:`.
pub fn is_xml_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '_' | ':'))
        && !name.ends_with(':')
        && name.matches(':').count() <= 1
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

    #[test]
    fn rename_renames_the_pair() {
        let (text, offset) = cursor("<a><devcies>\n<disk/>\n</dev$0cies></a>");
        let parse = domxml_syntax::parse(&text);
        let at = prepare_rename(&parse, offset).unwrap();
        assert_eq!(&text[at], "devcies");
        let edits = rename(&parse, offset, "devices").unwrap();
        assert_eq!(
            crate::apply_edits(&text, &edits),
            "<a><devices>\n<disk/>\n</devices></a>"
        );
        assert_eq!(rename(&parse, offset, "bad name"), None);
        assert_eq!(rename(&parse, offset, "1x"), None);
        let (text, offset) = cursor("<a b='$0c'/>");
        assert_eq!(prepare_rename(&domxml_syntax::parse(&text), offset), None);
    }
}
