//! Cheap access to a document element's attributes and content for the validator: attributes
//! are read once per element, whitespace between child elements is recognised without being
//! decoded, and attribute values without references are borrowed, not copied. (The general
//! `ast::Element::content` decodes every chunk; validation only needs the non-blank ones.)

use std::borrow::Cow;

use domxml_syntax::{SyntaxKind, TextRange, ast};

/// An attribute as written.
pub(crate) struct Attr {
    pub name: ast::Name,
    pub value: Option<ast::AttributeValue>,
}

impl Attr {
    /// The value with references decoded ("" when missing).
    pub fn text(&self) -> Cow<'_, str> {
        match &self.value {
            Some(v) => {
                let raw = v.raw_inner();
                if raw.contains('&') {
                    Cow::Owned(v.unquoted())
                } else {
                    Cow::Borrowed(raw)
                }
            }
            None => Cow::Borrowed(""),
        }
    }
}

pub(crate) fn attributes_of(e: &ast::Element) -> Vec<Attr> {
    e.attributes()
        .filter_map(|a| {
            Some(Attr {
                name: a.name()?,
                value: a.value(),
            })
        })
        .collect()
}

/// A child element, or a run of character data (comments and PIs do not split runs).
pub(crate) enum Item {
    Element(ast::Element),
    /// `text` is `None` when the run is only whitespace.
    Text {
        range: TextRange,
        text: Option<String>,
    },
}

/// The content of `e` in order; blank runs are reported without their text.
pub(crate) fn content_of(e: &ast::Element) -> Vec<Item> {
    let mut out = Vec::new();
    let mut run: Vec<domxml_syntax::SyntaxToken> = Vec::new();
    let flush = |run: &mut Vec<domxml_syntax::SyntaxToken>, out: &mut Vec<Item>| {
        let (Some(first), Some(last)) = (run.first(), run.last()) else {
            return;
        };
        let range = TextRange::new(first.text_range().start(), last.text_range().end());
        let blank = run.iter().all(|t| t.kind() == SyntaxKind::WHITESPACE);
        let text = if blank { None } else { Some(decode_run(run)) };
        out.push(Item::Text { range, text });
        run.clear();
    };
    for child in e.syntax().children_with_tokens() {
        match child {
            domxml_syntax::SyntaxElement::Node(node) => {
                if let Some(element) = ast::Element::cast(node) {
                    flush(&mut run, &mut out);
                    out.push(Item::Element(element));
                }
            }
            domxml_syntax::SyntaxElement::Token(token) => {
                if ast::is_text_kind(token.kind()) {
                    run.push(token);
                }
            }
        }
    }
    flush(&mut run, &mut out);
    out
}

/// The decoded text of a run of text tokens, blank or not.
pub(crate) fn run_text(e: &ast::Element, range: TextRange) -> String {
    let tokens: Vec<domxml_syntax::SyntaxToken> = e
        .syntax()
        .children_with_tokens()
        .filter_map(|c| c.into_token())
        .filter(|t| ast::is_text_kind(t.kind()) && range.contains_range(t.text_range()))
        .collect();
    decode_run(&tokens)
}

fn decode_run(run: &[domxml_syntax::SyntaxToken]) -> String {
    let mut s = String::new();
    for t in run {
        match t.kind() {
            SyntaxKind::CDATA => {
                let text = t.text();
                let body = text.strip_prefix("<![CDATA[").unwrap_or(text);
                s.push_str(body.strip_suffix("]]>").unwrap_or(body));
            }
            SyntaxKind::ENTITY_REF | SyntaxKind::CHAR_REF | SyntaxKind::TEXT => {
                s.push_str(&decode(t.text()))
            }
            _ => s.push_str(t.text()),
        }
    }
    s
}

/// Decodes the predefined entities and character references; unknown ones stay as written.
pub(crate) fn decode(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let Some(end) = tail.find(';') else {
            out.push_str(tail);
            return Cow::Owned(out);
        };
        let name = &tail[1..end];
        let decoded = match name {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "apos" => Some('\''),
            "quot" => Some('"'),
            _ => name
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => out.push(c),
            None => out.push_str(&tail[..=end]),
        }
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_references() {
        assert_eq!(
            decode("a &lt;b&gt; &amp; &#65;&#x42; &unknown;"),
            "a <b> & AB &unknown;"
        );
        assert_eq!(decode("plain"), "plain");
    }

    #[test]
    fn content_runs() {
        let parse = domxml_syntax::parse("<a>\n  <b/> x &amp; y <!-- c --> z<![CDATA[<q>]]>\n</a>");
        let root = parse.document().root().expect("root");
        let items = content_of(&root);
        let shown: Vec<String> = items
            .iter()
            .map(|i| match i {
                Item::Element(_) => "elem".to_owned(),
                Item::Text { text, .. } => format!("{text:?}"),
            })
            .collect();
        assert_eq!(shown, ["None", "elem", "Some(\" x & y  z<q>\\n\")"]);
    }
}
