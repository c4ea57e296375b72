//! Cheap access to a document element's attributes and content for the validator: attributes
//! are read once per element, whitespace between child elements is recognised without being
//! decoded, and attribute values without references are borrowed, not copied. (The general
//! `ast::Element::content` decodes every chunk; validation only needs the non-blank ones.)

use std::borrow::Cow;

use domxml_syntax::ast::inner_range_in;
use domxml_syntax::{SyntaxKind, TextRange, TextSize, ast, decode_references};

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

    pub fn green(&self) -> &'g GreenNodeData {
        self.green
    }

    pub fn start(&self) -> TextSize {
        self.start
    }
}

// Raw kinds of the green tree, compared as integers (a child's kind is read for every token).
const WHITESPACE: u16 = SyntaxKind::WHITESPACE as u16;
const TEXT: u16 = SyntaxKind::TEXT as u16;
const ENTITY_REF: u16 = SyntaxKind::ENTITY_REF as u16;
const CHAR_REF: u16 = SyntaxKind::CHAR_REF as u16;
const CDATA: u16 = SyntaxKind::CDATA as u16;
const NAME: u16 = SyntaxKind::NAME as u16;
const ATTR_VALUE: u16 = SyntaxKind::ATTR_VALUE as u16;
const ELEMENT: u16 = SyntaxKind::ELEMENT as u16;
const START_TAG: u16 = SyntaxKind::START_TAG as u16;
const EMPTY_ELEM_TAG: u16 = SyntaxKind::EMPTY_ELEM_TAG as u16;
const ATTRIBUTE: u16 = SyntaxKind::ATTRIBUTE as u16;

/// Character data kinds (`ast::is_text_kind`).
fn is_text(raw: u16) -> bool {
    matches!(raw, WHITESPACE | TEXT | ENTITY_REF | CHAR_REF | CDATA)
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
            Some((raw, _)) => decode_references(&raw[inner_range_in(raw)]),
            None => Cow::Borrowed(""),
        }
    }

    /// The value's range inside its quotes, else the attribute name's range.
    pub fn value_range(&self) -> TextRange {
        match self.value {
            Some((raw, start)) => {
                let r = inner_range_in(raw);
                TextRange::new(
                    start + TextSize::from(r.start as u32),
                    start + TextSize::from(r.end as u32),
                )
            }
            None => self.name.range(),
        }
    }
}

/// A child element, or a run of character data (comments and PIs do not split runs).
pub(crate) enum Item<'g> {
    Element(GElem<'g>),
    /// `blank`: only whitespace. Blank text after a child element is left out (see
    /// `flush_after`); before the first one it is kept for content without child elements.
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

/// A run of character data tokens among an element's children, not yet turned into an item:
/// the common single token is borrowed, anything else is decoded from the green tree.
struct Run<'g> {
    /// Index (among the element's children) of the first and last token of the run.
    first: usize,
    last: usize,
    start: TextSize,
    end: TextSize,
    /// The first token's kind and text.
    kind: u16,
    text: &'g str,
    blank: bool,
}

/// Emptied `Parts` vectors kept for the next element: a walk reads every element of a document
/// and would otherwise allocate two vectors for each.
#[derive(Default)]
pub(crate) struct PartsPool {
    free: Vec<(Vec<Attr<'static>>, Vec<Item<'static>>)>,
}

/// Empty vectors of another lifetime reusing the allocations of `attrs` and `items` (the
/// standard library collects a mapped `vec::IntoIter` in place when the layouts agree).
fn recycle<'b>(
    mut attrs: Vec<Attr<'_>>,
    mut items: Vec<Item<'_>>,
) -> (Vec<Attr<'b>>, Vec<Item<'b>>) {
    attrs.clear();
    items.clear();
    (
        attrs
            .into_iter()
            .map(|_| -> Attr<'b> { unreachable!("the vector is empty") })
            .collect(),
        items
            .into_iter()
            .map(|_| -> Item<'b> { unreachable!("the vector is empty") })
            .collect(),
    )
}

impl PartsPool {
    /// `parts_of`, with vectors from the pool.
    pub fn parts_of<'g>(&mut self, e: GElem<'g>, content: bool) -> Parts<'g> {
        let (attrs, items) = self.free.pop().unwrap_or_default();
        let (attrs, items) = recycle(attrs, items);
        read_parts(e, content, attrs, items)
    }

    /// Gives `parts`' vectors back for the next element.
    pub fn put(&mut self, parts: Parts<'_>) {
        self.free.push(recycle(parts.attrs, parts.items));
    }
}

/// Reads the start tag (name and attributes) of `e` and, when `content`, its content.
pub(crate) fn parts_of(e: GElem<'_>, content: bool) -> Parts<'_> {
    read_parts(e, content, Vec::new(), Vec::new())
}

fn read_parts<'g>(
    e: GElem<'g>,
    content: bool,
    attrs: Vec<Attr<'g>>,
    mut items: Vec<Item<'g>>,
) -> Parts<'g> {
    if content {
        // At most one item per child but the tags (whitespace between child elements
        // included): one allocation instead of a growing vector.
        items.reserve(e.green.children().len().saturating_sub(2));
    }
    let mut parts = Parts {
        name: None,
        attrs,
        items,
    };
    let mut run: Option<Run<'_>> = None;
    let mut seen_tag = false;
    let mut seen_element = false;
    let mut offset = e.start;
    for (i, child) in e.green.children().enumerate() {
        let len = child.text_len();
        let raw = child.kind().0;
        if let Some(node) = child.as_node() {
            match raw {
                START_TAG | EMPTY_ELEM_TAG if !seen_tag => {
                    seen_tag = true;
                    read_tag(node, offset, &mut parts);
                    if !content {
                        return parts;
                    }
                }
                ELEMENT if content => {
                    flush_after(e, run.take(), seen_element, &mut parts.items);
                    seen_element = true;
                    parts.items.push(Item::Element(GElem {
                        green: node,
                        start: offset,
                    }));
                }
                _ => {}
            }
        } else if let Some(token) = child.as_token()
            && content
            && is_text(raw)
        {
            let end = offset + len;
            match &mut run {
                Some(r) => {
                    r.last = i;
                    r.end = end;
                    r.blank &= raw == WHITESPACE;
                }
                None => {
                    run = Some(Run {
                        first: i,
                        last: i,
                        start: offset,
                        end,
                        kind: raw,
                        text: token.text(),
                        blank: raw == WHITESPACE,
                    })
                }
            }
        }
        offset += len;
    }
    flush_after(e, run, seen_element, &mut parts.items);
    parts
}

/// Turns `run` into an item, unless it is blank and follows a child element: the validator
/// ignores blank text in content with child elements, and in a long child list the whitespace
/// between elements would double the items to write (one per indented line).
fn flush_after<'g>(
    e: GElem<'g>,
    run: Option<Run<'g>>,
    seen_element: bool,
    out: &mut Vec<Item<'g>>,
) {
    match run {
        Some(r) if r.blank && seen_element => {}
        run => flush(e, run, out),
    }
}

fn read_tag<'g>(tag: &'g GreenNodeData, start: TextSize, parts: &mut Parts<'g>) {
    let mut offset = start;
    for child in tag.children() {
        let len = child.text_len();
        match (child.kind().0, child.as_node(), child.as_token()) {
            (NAME, _, Some(t)) if parts.name.is_none() => {
                parts.name = Some(Name {
                    text: t.text(),
                    start: offset,
                });
            }
            (ATTRIBUTE, Some(attr), _) => {
                let mut name = None;
                let mut value = None;
                let mut at = offset;
                for piece in attr.children() {
                    let plen = piece.text_len();
                    if let Some(t) = piece.as_token() {
                        match piece.kind().0 {
                            NAME if name.is_none() => {
                                name = Some(Name {
                                    text: t.text(),
                                    start: at,
                                })
                            }
                            ATTR_VALUE if value.is_none() => value = Some((t.text(), at)),
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

fn flush<'g>(e: GElem<'g>, run: Option<Run<'g>>, out: &mut Vec<Item<'g>>) {
    let Some(run) = run else {
        return;
    };
    let range = TextRange::new(run.start, run.end);
    let text = if run.first == run.last
        && matches!(run.kind, WHITESPACE | TEXT)
        && !run.text.contains('&')
    {
        Cow::Borrowed(run.text)
    } else {
        Cow::Owned(decode_run(e, &run))
    };
    out.push(Item::Text {
        range,
        blank: run.blank,
        text,
    });
}

/// The decoded text of a run: its character data tokens (comments and PIs between them skipped).
fn decode_run(e: GElem<'_>, run: &Run<'_>) -> String {
    let mut s = String::new();
    let tokens = e
        .green
        .children()
        .skip(run.first)
        .take(run.last + 1 - run.first);
    for child in tokens {
        let (Some(token), raw) = (child.as_token(), child.kind().0) else {
            continue;
        };
        let text = token.text();
        match raw {
            CDATA => {
                let body = text.strip_prefix("<![CDATA[").unwrap_or(text);
                s.push_str(body.strip_suffix("]]>").unwrap_or(body));
            }
            ENTITY_REF | CHAR_REF | TEXT => s.push_str(&decode_references(text)),
            WHITESPACE => s.push_str(text),
            _ => {}
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn blank_text_after_a_child_element_is_left_out() {
        let parse = domxml_syntax::parse("<a>\n  <b/>\n  <c/> <!-- x -->\n</a>");
        let root = parse.document().root().expect("root");
        let kinds: Vec<&str> = parts_of(GElem::of(&root), true)
            .items
            .iter()
            .map(|i| match i {
                Item::Element(_) => "elem",
                Item::Text { blank: true, .. } => "blank",
                Item::Text { .. } => "text",
            })
            .collect();
        assert_eq!(kinds, ["blank", "elem", "elem"]);
    }
}
