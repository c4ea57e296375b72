//! Where the cursor is, in XML terms: typing an element name, an end tag, an attribute name, an
//! attribute value or element text. Completion and hover start from here.

use domxml_syntax::ast::{self, Element};
use domxml_syntax::{
    Parse, SyntaxElement, SyntaxKind::*, SyntaxNode, SyntaxToken, TextRange, TextSize,
};

/// The tokens touching `offset`: (the left one when two meet there, the right one), like
/// rowan's `token_at_offset(..).left_biased()` and `.right_biased()`. Rowan scans every child
/// of every node on the way down (17,000 under a long `<devices>`); this finds each level's
/// child by binary search.
pub(crate) fn tokens_at(
    root: &SyntaxNode,
    offset: TextSize,
) -> (Option<SyntaxToken>, Option<SyntaxToken>) {
    let range = root.text_range();
    if range.is_empty() || offset < range.start() || offset > range.end() {
        return (None, None);
    }
    let mut node = root.clone();
    loop {
        match touching(&node, offset) {
            (Some(left), Some(right)) => {
                return (descend(left, offset), descend(right, offset));
            }
            (Some(SyntaxElement::Token(t)), None) => return (Some(t.clone()), Some(t)),
            (Some(SyntaxElement::Node(n)), None) => node = n,
            _ => return (None, None),
        }
    }
}

/// The one token under a child that touches `offset` at one of its ends or inside.
fn descend(element: SyntaxElement, offset: TextSize) -> Option<SyntaxToken> {
    let mut element = element;
    loop {
        match element {
            SyntaxElement::Token(t) => return Some(t),
            SyntaxElement::Node(n) => element = touching(&n, offset).0?,
        }
    }
}

/// The non-empty children of `node` whose range contains `offset` (ends included), in order:
/// at most two, one ending and one starting there.
fn touching(node: &SyntaxNode, offset: TextSize) -> (Option<SyntaxElement>, Option<SyntaxElement>) {
    let Some(found) = node.child_or_token_at_range(TextRange::empty(offset)) else {
        return (None, None);
    };
    let range = found.text_range();
    if range.is_empty() {
        // Rowan skips empty children; so does a scan, which is rare enough here.
        let mut it = node.children_with_tokens().filter(|c| {
            let r = c.text_range();
            !r.is_empty() && r.start() <= offset && offset <= r.end()
        });
        return (it.next(), it.next());
    }
    let non_empty = |c: &SyntaxElement| !c.text_range().is_empty();
    if range.end() == offset {
        let next =
            std::iter::successors(found.next_sibling_or_token(), |c| c.next_sibling_or_token())
                .find(non_empty)
                .filter(|c| c.text_range().start() == offset);
        return (Some(found), next);
    }
    if range.start() == offset {
        let previous =
            std::iter::successors(found.prev_sibling_or_token(), |c| c.prev_sibling_or_token())
                .find(non_empty)
                .filter(|c| c.text_range().end() == offset);
        return match previous {
            Some(p) => (Some(p), Some(found)),
            None => (Some(found), None),
        };
    }
    (Some(found), None)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CursorContext {
    /// After `<`: `replace` covers the partly typed name. `tag` is the tag being typed (None for
    /// a bare `<`); `parent` is the element the new one goes into.
    ElementName {
        parent: Option<Element>,
        tag: Option<Element>,
        replace: TextRange,
    },
    /// After `</`: `element` is the element to close; `replace` covers the typed name and `>`.
    EndTag {
        element: Element,
        replace: TextRange,
    },
    /// On an attribute name, or in the whitespace of a start tag.
    AttributeName {
        element: Element,
        attribute: Option<ast::Attribute>,
        replace: TextRange,
    },
    /// Inside an attribute value's quotes.
    AttributeValue {
        element: Element,
        attribute: ast::Attribute,
        name: String,
        replace: TextRange,
        /// The quote still to insert after the value when it is not closed yet.
        missing_quote: Option<char>,
    },
    /// In the character data of an element; `replace` covers the trimmed text around the cursor.
    Text {
        element: Element,
        replace: TextRange,
    },
    None,
}

fn enclosing_element(node: &SyntaxNode) -> Option<Element> {
    node.ancestors().find_map(Element::cast)
}

/// The deepest element that contains `offset` in its content (between its start and end tags).
fn content_element(token: &SyntaxToken) -> Option<Element> {
    token.parent_ancestors().find_map(Element::cast)
}

/// The element a `</` at `offset` inside `parent` most likely closes: the last unclosed element
/// before the cursor, searched depth-first, else the parent itself.
pub(crate) fn element_to_close(parent: &Element, offset: TextSize) -> Element {
    let mut current = parent.clone();
    loop {
        let last_open = current
            .children()
            .filter(|c| c.syntax().text_range().end() <= offset)
            .last()
            .filter(|c| !c.is_self_closing() && c.end_tag().is_none_or(|e| e.name().is_none()));
        match last_open {
            Some(child) => current = child,
            None => return current,
        }
    }
}

pub fn cursor_context(parse: &Parse, text: &str, offset: TextSize) -> CursorContext {
    let offset = offset.min(TextSize::of(text));
    let (left, right) = tokens_at(&parse.syntax(), offset);
    // Prefer the token the cursor is strictly inside of, then the one to its left.
    let token = match (&left, &right) {
        (Some(l), _) if l.text_range().end() > offset || l.text_range().start() == offset => {
            l.clone()
        }
        (Some(l), _) => l.clone(),
        (None, Some(r)) => r.clone(),
        (None, None) => return CursorContext::None,
    };
    let range = token.text_range();
    // Chunks of a long content seen through: text in it belongs to the element.
    let parent = match domxml_syntax::chunk::token_parent(&token) {
        Some(p) => p,
        None => return CursorContext::None,
    };
    match token.kind() {
        NAME => {
            // Cursor touches a name: which kind?
            if range.start() > offset {
                return CursorContext::None;
            }
            match parent.kind() {
                START_TAG | EMPTY_ELEM_TAG => {
                    let tag = enclosing_element(&parent);
                    CursorContext::ElementName {
                        parent: tag.as_ref().and_then(Element::parent),
                        tag,
                        replace: range,
                    }
                }
                ATTRIBUTE => match (enclosing_element(&parent), ast::Attribute::cast(parent)) {
                    (Some(element), Some(attribute)) => CursorContext::AttributeName {
                        element,
                        attribute: Some(attribute),
                        replace: range,
                    },
                    _ => CursorContext::None,
                },
                END_TAG => match enclosing_element(&parent) {
                    Some(e) => {
                        let element = if parent.parent().is_some_and(|p| p.kind() == ERROR) {
                            element_to_close(&e, range.start())
                        } else {
                            e
                        };
                        CursorContext::EndTag {
                            element,
                            replace: end_tag_replace(&parent, range),
                        }
                    }
                    None => CursorContext::None,
                },
                _ => CursorContext::None,
            }
        }
        L_ANGLE if range.end() == offset && matches!(parent.kind(), START_TAG | EMPTY_ELEM_TAG) => {
            let tag = enclosing_element(&parent);
            CursorContext::ElementName {
                parent: tag.as_ref().and_then(Element::parent),
                tag,
                replace: TextRange::empty(offset),
            }
        }
        ERROR_TOKEN if token.text() == "<" && range.end() == offset => CursorContext::ElementName {
            parent: enclosing_element(&parent),
            tag: None,
            replace: TextRange::empty(offset),
        },
        L_ANGLE_SLASH if range.end() == offset => match enclosing_element(&parent) {
            Some(e) => {
                let element = if parent.parent().is_some_and(|p| p.kind() == ERROR) {
                    element_to_close(&e, range.start())
                } else {
                    e
                };
                CursorContext::EndTag {
                    element,
                    replace: end_tag_replace(&parent, TextRange::empty(offset)),
                }
            }
            None => CursorContext::None,
        },
        ATTR_VALUE => {
            let (Some(element), Some(attribute)) =
                (enclosing_element(&parent), ast::Attribute::cast(parent))
            else {
                return CursorContext::None;
            };
            let Some(value) = attribute.value() else {
                return CursorContext::None;
            };
            let inner = value.value_range();
            if offset < inner.start() || offset > inner.end() {
                return CursorContext::None;
            }
            let name = attribute
                .name()
                .map(|n| n.text().to_string())
                .unwrap_or_default();
            let raw = token.text();
            let quote = value.quote();
            let closed = raw.len() >= 2 && quote.is_some_and(|q| raw.ends_with(q));
            if closed {
                return CursorContext::AttributeValue {
                    element,
                    attribute,
                    name,
                    replace: inner,
                    missing_quote: None,
                };
            }
            // An unclosed value runs on over what follows (`type="/>`): replace only the
            // word being typed, and close the quote.
            let stop = |c: char| c.is_whitespace() || matches!(c, '/' | '>' | '<' | '"' | '\'');
            let o = usize::from(offset);
            let after = text.get(o..usize::from(inner.end())).unwrap_or("");
            let end = o + after.find(stop).unwrap_or(after.len());
            let before = text.get(usize::from(inner.start())..o).unwrap_or("");
            let start = usize::from(inner.start()) + before.rfind(stop).map_or(0, |i| i + 1);
            CursorContext::AttributeValue {
                element,
                attribute,
                name,
                replace: TextRange::new(TextSize::from(start as u32), TextSize::from(end as u32)),
                missing_quote: quote,
            }
        }
        WHITESPACE
            if matches!(parent.kind(), START_TAG | EMPTY_ELEM_TAG) && range.start() < offset =>
        {
            match enclosing_element(&parent) {
                Some(element) => CursorContext::AttributeName {
                    element,
                    attribute: None,
                    replace: TextRange::empty(offset),
                },
                None => CursorContext::None,
            }
        }
        // `<a x="1"|>`: right after a value or name, before `>`: no completion.
        TEXT | WHITESPACE | ENTITY_REF | CHAR_REF if parent.kind() == ELEMENT => {
            let Some(element) = content_element(&token) else {
                return CursorContext::None;
            };
            if range.start() == offset
                && left
                    .as_ref()
                    .is_some_and(|l| l.text_range().end() == offset)
            {
                // The cursor sits right before this token: the token to the left decides.
                if let Some(l) = &left
                    && (l.kind() == R_ANGLE || l.kind() == SLASH_R_ANGLE)
                {
                    return CursorContext::Text {
                        element,
                        replace: TextRange::empty(offset),
                    };
                }
            }
            CursorContext::Text {
                element,
                replace: word_around(text, range, offset),
            }
        }
        R_ANGLE | SLASH_R_ANGLE if range.end() == offset => {
            // Right after a tag: content of the element whose start tag this is, or of the parent.
            let Some(element) = enclosing_element(&parent) else {
                return CursorContext::None;
            };
            let element = if parent.kind() == START_TAG {
                Some(element)
            } else {
                element.parent()
            };
            match element {
                Some(element) => CursorContext::Text {
                    element,
                    replace: TextRange::empty(offset),
                },
                None => CursorContext::None,
            }
        }
        _ => CursorContext::None,
    }
}

/// The typed end-tag name plus a following `>` when present.
fn end_tag_replace(end_tag: &SyntaxNode, name: TextRange) -> TextRange {
    let close = end_tag
        .children_with_tokens()
        .filter_map(|c| c.into_token())
        .find(|t| t.kind() == R_ANGLE)
        .map(|t| t.text_range().end());
    TextRange::new(name.start(), close.unwrap_or(name.end()).max(name.end()))
}

/// The non-whitespace run of `text` inside `range` that contains `offset` (empty at `offset`
/// when it is in whitespace).
fn word_around(text: &str, range: TextRange, offset: TextSize) -> TextRange {
    let s = usize::from(range.start());
    let e = usize::from(range.end()).min(text.len());
    let o = usize::from(offset).clamp(s, e);
    let Some(chunk) = text.get(s..e) else {
        return TextRange::empty(offset);
    };
    let rel = o - s;
    let is_ws = |c: char| c.is_ascii_whitespace();
    let start = chunk[..rel].rfind(is_ws).map_or(0, |i| i + 1);
    let end = chunk[rel..].find(is_ws).map_or(chunk.len(), |i| rel + i);
    TextRange::new(
        TextSize::from((s + start) as u32),
        TextSize::from((s + end) as u32),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::cursor;

    fn ctx(fixture: &str) -> String {
        let (text, offset) = cursor(fixture);
        let parse = domxml_syntax::parse(&text);
        let name = |e: &Element| e.name().map(|n| n.text().to_string()).unwrap_or_default();
        let slice = |r: TextRange| text[r].to_string();
        match cursor_context(&parse, &text, offset) {
            CursorContext::ElementName {
                parent,
                tag,
                replace,
            } => format!(
                "element-name parent={} tag={} replace={:?}",
                parent.as_ref().map(name).unwrap_or_default(),
                tag.is_some(),
                slice(replace)
            ),
            CursorContext::EndTag { element, replace } => {
                format!("end-tag of={} replace={:?}", name(&element), slice(replace))
            }
            CursorContext::AttributeName {
                element,
                attribute,
                replace,
            } => format!(
                "attribute-name of={} existing={} replace={:?}",
                name(&element),
                attribute.is_some(),
                slice(replace)
            ),
            CursorContext::AttributeValue {
                element,
                name: attr,
                replace,
                missing_quote,
                ..
            } => {
                format!(
                    "attribute-value of={} attr={attr} replace={:?}{}",
                    name(&element),
                    slice(replace),
                    missing_quote
                        .map(|q| format!(" close={q}"))
                        .unwrap_or_default()
                )
            }
            CursorContext::Text { element, replace } => {
                format!("text of={} replace={:?}", name(&element), slice(replace))
            }
            CursorContext::None => "none".to_string(),
        }
    }

    #[test]
    fn tokens_at_matches_rowan_at_every_offset() {
        let mut long = String::from("<domain><devices>");
        for i in 0..200 {
            long.push_str(&format!(
                "\n  <disk n='{i}'><target dev='vd'/></disk><!-- c -->"
            ));
        }
        long.push_str("\n</devices></domain>\n");
        let docs = [
            "",
            "<d/>",
            "<d a='1' b=\"2\">text &amp; more<e/><![CDATA[x]]></d>",
            "<d><w a=\"v$i b='1'/>\n</d>",
            "<?xml version='1.0'?>\n<!DOCTYPE d>\n<d>\n  <</d  <x",
            long.as_str(),
        ];
        for text in docs {
            let parse = domxml_syntax::parse(text);
            let root = parse.syntax();
            for o in 0..=text.len() {
                let offset = TextSize::from(o as u32);
                let at = root.token_at_offset(offset);
                let want = (at.clone().left_biased(), at.right_biased());
                assert_eq!(tokens_at(&root, offset), want, "{text:?} at {o}");
            }
        }
    }

    #[test]
    fn contexts() {
        let cases = [
            (
                "<d>\n  <$0\n</d>",
                r#"element-name parent=d tag=false replace="""#,
            ),
            (
                "<d><wat$0</d>",
                r#"element-name parent=d tag=true replace="wat""#,
            ),
            (
                "<d><wa$0t/></d>",
                r#"element-name parent=d tag=true replace="wat""#,
            ),
            (
                "<d><w a=\"x$0\"/></d>",
                r#"attribute-value of=w attr=a replace="x""#,
            ),
            (
                "<d><w a=\"$0\"/></d>",
                r#"attribute-value of=w attr=a replace="""#,
            ),
            (
                "<d><w a='x$0",
                r#"attribute-value of=w attr=a replace="x" close='"#,
            ),
            (
                "<d><w a=\"$0/>\n</d>",
                r#"attribute-value of=w attr=a replace="" close=""#,
            ),
            (
                "<d><w a=\"v$0i b='1'/>\n</d>",
                r#"attribute-value of=w attr=a replace="vi" close=""#,
            ),
            (
                "<d><w $0/></d>",
                r#"attribute-name of=w existing=false replace="""#,
            ),
            (
                "<d><w ac$0/></d>",
                r#"attribute-name of=w existing=true replace="ac""#,
            ),
            (
                "<d><w ac$0=\"1\"/></d>",
                r#"attribute-name of=w existing=true replace="ac""#,
            ),
            ("<d><w></$0", r#"end-tag of=w replace="""#),
            ("<d><w>\n</$0\n</d>", r#"end-tag of=w replace="""#),
            ("<d><w/></$0", r#"end-tag of=d replace="""#),
            ("<d><w></w$0", r#"end-tag of=w replace="w""#),
            ("<d><w>de$0st</w></d>", r#"text of=w replace="dest""#),
            ("<d><w>$0</w></d>", r#"text of=w replace="""#),
            ("<d><w> a $0 </w></d>", r#"text of=w replace="""#),
            ("<d><w/>$0</d>", r#"text of=d replace="""#),
        ];
        for (fixture, want) in cases {
            assert_eq!(ctx(fixture), want, "{fixture:?}");
        }
    }
}
