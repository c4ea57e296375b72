//! Cheap access to a document element's attributes and content for the validator: attributes
//! are read once per element, whitespace between child elements is recognised without being
//! decoded, and attribute values without references are borrowed, not copied. (The general
//! `ast::Element::content` decodes every chunk; validation only needs the non-blank ones.)

use std::borrow::Cow;

use domxml_syntax::{SyntaxKind, TextRange, TextSize, ast};

/// Rowan's green node type (named through `GreenNode`'s `Deref`, so this crate needs no
/// direct dependency on rowan).
type GreenNodeData = <domxml_syntax::GreenNode as std::ops::Deref>::Target;

/// An element of the document read straight from the immutable green tree: no cursor
/// allocations, which dominated validation time when walking through `SyntaxNode`s.
#[derive(Clone, Copy)]
pub(crate) struct GElem<'g> {
    green: &'g GreenNodeData,
    start: TextSize,
}

impl<'g> GElem<'g> {
    pub fn of(e: &'g ast::Element) -> GElem<'g> {
        GElem {
            green: e.syntax().green(),
            start: e.syntax().text_range().start(),
        }
    }
}

fn kind(raw: u16) -> Option<SyntaxKind> {
    const KINDS: &[SyntaxKind] = &[
        SyntaxKind::WHITESPACE,
        SyntaxKind::TEXT,
        SyntaxKind::ENTITY_REF,
        SyntaxKind::CHAR_REF,
        SyntaxKind::CDATA,
        SyntaxKind::NAME,
        SyntaxKind::ATTR_VALUE,
        SyntaxKind::ELEMENT,
        SyntaxKind::START_TAG,
        SyntaxKind::EMPTY_ELEM_TAG,
        SyntaxKind::ATTRIBUTE,
    ];
    KINDS.iter().copied().find(|k| *k as u16 == raw)
}

/// An element or attribute name as written (`qemu:commandline`).
#[derive(Clone, Copy)]
pub(crate) struct Name<'g> {
    text: &'g str,
    start: TextSize,
}

impl<'g> Name<'g> {
    pub fn text(&self) -> &'g str {
        self.text
    }

    pub fn prefix(&self) -> Option<&'g str> {
        self.text.split_once(':').map(|(p, _)| p)
    }

    pub fn local(&self) -> &'g str {
        self.text.split_once(':').map_or(self.text, |(_, l)| l)
    }

    pub fn range(&self) -> TextRange {
        TextRange::at(self.start, TextSize::of(self.text))
    }
}

/// An attribute as written.
pub(crate) struct Attr<'g> {
    pub name: Name<'g>,
    /// The value token's text (quotes included) and start.
    value: Option<(&'g str, TextSize)>,
}

impl<'g> Attr<'g> {
    /// The value with references decoded ("" when missing).
    pub fn text(&self) -> Cow<'g, str> {
        match self.value {
            Some((raw, _)) => decode(&raw[inner(raw)]),
            None => Cow::Borrowed(""),
        }
    }

    /// The value's range inside its quotes, else the attribute name's range.
    pub fn value_range(&self) -> TextRange {
        match self.value {
            Some((raw, start)) => {
                let r = inner(raw);
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
pub(crate) enum Item<'g> {
    Element(GElem<'g>),
    /// `blank`: only whitespace (between child elements it is ignored).
    Text {
        range: TextRange,
        blank: bool,
        text: Cow<'g, str>,
    },
}

/// An element read in one pass over its green tree: name, attributes and content.
pub(crate) struct Parts<'g> {
    pub name: Option<Name<'g>>,
    pub attrs: Vec<Attr<'g>>,
    pub items: Vec<Item<'g>>,
}

/// Reads the start tag (name and attributes) of `e` and, when `content`, its content.
pub(crate) fn parts_of(e: GElem<'_>, content: bool) -> Parts<'_> {
    let mut parts = Parts {
        name: None,
        attrs: Vec::new(),
        items: Vec::new(),
    };
    let mut run: Vec<(SyntaxKind, &str, TextSize)> = Vec::new();
    let mut seen_tag = false;
    let mut offset = e.start;
    for child in e.green.children() {
        let len = child.text_len();
        let k = kind(child.kind().0);
        if let Some(node) = child.as_node() {
            match k {
                Some(SyntaxKind::START_TAG | SyntaxKind::EMPTY_ELEM_TAG) if !seen_tag => {
                    seen_tag = true;
                    read_tag(node, offset, &mut parts);
                    if !content {
                        return parts;
                    }
                }
                Some(SyntaxKind::ELEMENT) if content => {
                    flush(&mut run, &mut parts.items);
                    parts.items.push(Item::Element(GElem {
                        green: node,
                        start: offset,
                    }));
                }
                _ => {}
            }
        } else if let (Some(token), Some(k)) = (child.as_token(), k)
            && content
            && ast::is_text_kind(k)
        {
            run.push((k, token.text(), offset));
        }
        offset += len;
    }
    flush(&mut run, &mut parts.items);
    parts
}

fn read_tag<'g>(tag: &'g GreenNodeData, start: TextSize, parts: &mut Parts<'g>) {
    let mut offset = start;
    for child in tag.children() {
        let len = child.text_len();
        match (kind(child.kind().0), child.as_node(), child.as_token()) {
            (Some(SyntaxKind::NAME), _, Some(t)) if parts.name.is_none() => {
                parts.name = Some(Name {
                    text: t.text(),
                    start: offset,
                });
            }
            (Some(SyntaxKind::ATTRIBUTE), Some(attr), _) => {
                let mut name = None;
                let mut value = None;
                let mut at = offset;
                for piece in attr.children() {
                    let plen = piece.text_len();
                    if let Some(t) = piece.as_token() {
                        match kind(piece.kind().0) {
                            Some(SyntaxKind::NAME) if name.is_none() => {
                                name = Some(Name {
                                    text: t.text(),
                                    start: at,
                                })
                            }
                            Some(SyntaxKind::ATTR_VALUE) if value.is_none() => {
                                value = Some((t.text(), at))
                            }
                            _ => {}
                        }
                    }
                    at += plen;
                }
                if let Some(name) = name {
                    parts.attrs.push(Attr { name, value });
                }
            }
            _ => {}
        }
        offset += len;
    }
}

/// The attributes of an element of a syntax tree, with values decoded: (qualified name, value).
pub(crate) fn attribute_pairs(e: &ast::Element) -> Vec<(String, String)> {
    parts_of(GElem::of(e), false)
        .attrs
        .iter()
        .map(|a| (a.name.text().to_owned(), a.text().into_owned()))
        .collect()
}

fn flush<'g>(run: &mut Vec<(SyntaxKind, &'g str, TextSize)>, out: &mut Vec<Item<'g>>) {
    let (Some(first), Some(last)) = (run.first(), run.last()) else {
        return;
    };
    let range = TextRange::new(first.2, last.2 + TextSize::of(last.1));
    let blank = run.iter().all(|(k, ..)| *k == SyntaxKind::WHITESPACE);
    let text = match run.as_slice() {
        [(SyntaxKind::WHITESPACE | SyntaxKind::TEXT, text, _)] if !text.contains('&') => {
            Cow::Borrowed(*text)
        }
        _ => Cow::Owned(decode_run(run)),
    };
    out.push(Item::Text { range, blank, text });
    run.clear();
}

fn decode_run(run: &[(SyntaxKind, &str, TextSize)]) -> String {
    let mut s = String::new();
    for (k, text, _) in run {
        match k {
            SyntaxKind::CDATA => {
                let body = text.strip_prefix("<![CDATA[").unwrap_or(text);
                s.push_str(body.strip_suffix("]]>").unwrap_or(body));
            }
            SyntaxKind::ENTITY_REF | SyntaxKind::CHAR_REF | SyntaxKind::TEXT => {
                s.push_str(&decode(text))
            }
            _ => s.push_str(text),
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
        let items = parts_of(GElem::of(&root), true).items;
        let shown: Vec<String> = items
            .iter()
            .map(|i| match i {
                Item::Element(_) => "elem".to_owned(),
                Item::Text { text, blank, range } => format!("{blank} {text:?} {range:?}"),
            })
            .collect();
        assert_eq!(
            shown,
            [
                "true \"\\n  \" 3..6",
                "elem",
                "false \" x & y  z<q>\\n\" 10..49"
            ]
        );
    }
}
