//! Auto-closing tags as the user types: after `>` of a start tag, the end tag goes in after the
//! cursor; after `</`, the name of the element to close and `>`. The editors ask through the
//! `domxml/autoClose` request right after inserting the character.

use domxml_syntax::{Parse, SyntaxKind::*, TextSize};

use crate::context::{CursorContext, cursor_context};

/// A snippet to insert at `offset` (just after the typed `ch`), with `$0` where the cursor goes;
/// None when the character closes nothing.
pub fn auto_close(parse: &Parse, text: &str, offset: TextSize, ch: char) -> Option<String> {
    if offset == TextSize::from(0) || offset > TextSize::of(text) {
        return None;
    }
    match ch {
        '>' => end_tag_after_start_tag(parse, offset),
        '/' => end_tag_name(parse, text, offset),
        _ => None,
    }
}

fn end_tag_after_start_tag(parse: &Parse, offset: TextSize) -> Option<String> {
    let token = parse.syntax().token_at_offset(offset).left_biased()?;
    if token.kind() != R_ANGLE || token.text_range().end() != offset {
        return None;
    }
    let tag = token.parent().filter(|p| p.kind() == START_TAG)?;
    let element = domxml_syntax::ast::Element::cast(tag.parent()?)?;
    let name = element.name()?;
    // Already closed by an end tag of its own name (the user retyped the `>`).
    if element
        .end_tag()
        .and_then(|e| e.name())
        .is_some_and(|n| n.text() == name.text())
    {
        return None;
    }
    Some(format!("$0</{}>", name.text()))
}

fn end_tag_name(parse: &Parse, text: &str, offset: TextSize) -> Option<String> {
    let before = text.get(..usize::from(offset))?;
    if !before.ends_with("</") {
        return None;
    }
    match cursor_context(parse, text, offset) {
        CursorContext::EndTag { element, replace } if replace.is_empty() => {
            let name = element.name()?;
            // Nothing typed after `</` yet: the name and the `>`.
            let rest = text.get(usize::from(offset)..).unwrap_or("");
            let next = rest.trim_start_matches([' ', '\t']);
            (!next.starts_with(|c: char| c.is_alphanumeric() || c == '>'))
                .then(|| format!("{}>$0", name.text()))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::cursor;

    fn close(fixture: &str, ch: char) -> Option<String> {
        let (text, offset) = cursor(fixture);
        auto_close(&domxml_syntax::parse(&text), &text, offset, ch)
    }

    #[test]
    fn start_tags_get_their_end_tag() {
        assert_eq!(
            close(
                "<domain>\n  <devices>\n    <video>$0\n  </devices>\n</domain>",
                '>'
            ),
            Some("$0</video>".into())
        );
        assert_eq!(
            close("<domain><os firmware='efi'>$0</domain>", '>'),
            Some("$0</os>".into())
        );
        // Self-closing, an end tag, a comment, a value: nothing.
        assert_eq!(close("<domain><acpi/>$0</domain>", '>'), None);
        assert_eq!(close("<domain><a></a>$0</domain>", '>'), None);
        assert_eq!(close("<domain><!-- x -->$0</domain>", '>'), None);
        assert_eq!(close("<domain><a b='>$0'/></domain>", '>'), None);
        // Already closed.
        assert_eq!(close("<domain><name>$0</name></domain>", '>'), None);
    }

    #[test]
    fn slash_after_lt_closes_the_open_element() {
        assert_eq!(
            close("<domain>\n  <devices>\n    <disk/>\n  </$0\n</domain>", '/'),
            Some("devices>$0".into())
        );
        assert_eq!(close("<domain><a x='1/$0'/></domain>", '/'), None);
        assert_eq!(close("<domain><acpi/$0</domain>", '/'), None);
    }
}
