//! Cheap access to a document element's attributes and content for the validator: attributes
//! are read once per element, whitespace between child elements is recognised without being
//! decoded, and attribute values without references are borrowed, not copied. (The general
//! `ast::Element::content` decodes every chunk; validation only needs the non-blank ones.)

use std::borrow::Cow;

use domxml_syntax::{SyntaxElement, SyntaxKind, SyntaxToken, TextRange, TextSize, ast};

/// An element or attribute name token (`qemu:commandline`).
#[derive(Clone)]
pub(crate) struct Name(SyntaxToken);

impl Name {
    pub fn text(&self) -> &str {
        self.0.text()
    }

    pub fn prefix(&self) -> Option<&str> {
        self.text().split_once(':').map(|(p, _)| p)
    }

    pub fn local(&self) -> &str {
        self.text().split_once(':').map_or(self.text(), |(_, l)| l)
    }

    pub fn range(&self) -> TextRange {
        self.0.text_range()
    }
}

/// An attribute as written.
pub(crate) struct Attr {
    pub name: Name,
    /// The value token, quotes included.
    pub value: Option<SyntaxToken>,
}

impl Attr {
    /// The value with references decoded ("" when missing).
    pub fn text(&self) -> Cow<'_, str> {
        match &self.value {
            Some(v) => decode(&v.text()[inner(v.text())]),
            None => Cow::Borrowed(""),
        }
    }

    /// The value's range inside its quotes, else the attribute name's range.
    pub fn value_range(&self) -> TextRange {
        match &self.value {
            Some(v) => {
                let r = inner(v.text());
                let start = v.text_range().start();
                TextRange::new(
                    start + TextSize::from(r.start as u32),
                    start + TextSize::from(r.end as u32),
                )
            }
            None => self.name.range(),
        }
    }
}

/// The byte range of a quoted value's inside.
fn inner(text: &str) -> std::ops::Range<usize> {
    match text.chars().next() {
        Some(q @ ('"' | '\'')) => {
            let end = if text.len() >= 2 && text.ends_with(q) {
                text.len() - 1
            } else {
                text.len()
            };
            1..end
        }
        _ => 0..text.len(),
    }
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

/// An element read in one pass over its tree: name, attributes and content.
pub(crate) struct Parts {
    pub name: Option<Name>,
    pub attrs: Vec<Attr>,
    pub items: Vec<Item>,
}

/// Reads the start tag (name and attributes) of `e` and, when `content`, its content.
pub(crate) fn parts_of(e: &ast::Element, content: bool) -> Parts {
    let mut parts = Parts {
        name: None,
        attrs: Vec::new(),
        items: Vec::new(),
    };
    let mut run: Vec<SyntaxToken> = Vec::new();
    let mut seen_tag = false;
    for child in e.syntax().children_with_tokens() {
        match child {
            SyntaxElement::Node(node) => match node.kind() {
                SyntaxKind::START_TAG | SyntaxKind::EMPTY_ELEM_TAG if !seen_tag => {
                    seen_tag = true;
                    read_tag(&node, &mut parts);
                    if !content {
                        return parts;
                    }
                }
                SyntaxKind::ELEMENT if content => {
                    flush(&mut run, &mut parts.items);
                    if let Some(element) = ast::Element::cast(node) {
                        parts.items.push(Item::Element(element));
                    }
                }
                _ => {}
            },
            SyntaxElement::Token(token) => {
                if content && ast::is_text_kind(token.kind()) {
                    run.push(token);
                }
            }
        }
    }
    flush(&mut run, &mut parts.items);
    parts
}

fn read_tag(tag: &domxml_syntax::SyntaxNode, parts: &mut Parts) {
    for child in tag.children_with_tokens() {
        match child {
            SyntaxElement::Token(t) if t.kind() == SyntaxKind::NAME && parts.name.is_none() => {
                parts.name = Some(Name(t));
            }
            SyntaxElement::Node(attr) if attr.kind() == SyntaxKind::ATTRIBUTE => {
                let mut name = None;
                let mut value = None;
                for t in attr.children_with_tokens().filter_map(|c| c.into_token()) {
                    match t.kind() {
                        SyntaxKind::NAME if name.is_none() => name = Some(Name(t)),
                        SyntaxKind::ATTR_VALUE if value.is_none() => value = Some(t),
                        _ => {}
                    }
                }
                if let Some(name) = name {
                    parts.attrs.push(Attr { name, value });
                }
            }
            _ => {}
        }
    }
}

pub(crate) fn attributes_of(e: &ast::Element) -> Vec<Attr> {
    parts_of(e, false).attrs
}

fn flush(run: &mut Vec<SyntaxToken>, out: &mut Vec<Item>) {
    let (Some(first), Some(last)) = (run.first(), run.last()) else {
        return;
    };
    let range = TextRange::new(first.text_range().start(), last.text_range().end());
    let blank = run.iter().all(|t| t.kind() == SyntaxKind::WHITESPACE);
    let text = if blank { None } else { Some(decode_run(run)) };
    out.push(Item::Text { range, text });
    run.clear();
}

/// The decoded text of a run of text tokens, blank or not.
pub(crate) fn run_text(e: &ast::Element, range: TextRange) -> String {
    let tokens: Vec<SyntaxToken> = e
        .syntax()
        .children_with_tokens()
        .filter_map(|c| c.into_token())
        .filter(|t| ast::is_text_kind(t.kind()) && range.contains_range(t.text_range()))
        .collect();
    decode_run(&tokens)
}

fn decode_run(run: &[SyntaxToken]) -> String {
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
        let items = parts_of(&root, true).items;
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
