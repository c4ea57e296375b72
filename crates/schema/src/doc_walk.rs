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
const CHUNK: u16 = SyntaxKind::CHUNK as u16;

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

/// A child element, a chunk of children, or a run of character data (comments and PIs do not
/// split runs).
pub(crate) enum Item<'g> {
    Element(GElem<'g>),
    /// A chunk of a long child list (`domxml_syntax::chunk`) that no run of character data
    /// enters or leaves, so that its children can be validated (and their result kept) as a
    /// whole: it follows an element and ends with one, with no text in between. Its items are
    /// read when it is validated ([`chunk_items`]), and are those a read through it would
    /// give. Other chunks are read through, child by child.
    Chunk(GElem<'g>),
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
/// the common single token is borrowed, more are decoded as they come.
struct Run<'g> {
    start: TextSize,
    end: TextSize,
    /// The first token's kind and text.
    kind: u16,
    text: &'g str,
    /// The decoded text, once a second token joined the run.
    more: Option<String>,
    blank: bool,
}

impl<'g> Run<'g> {
    fn new(kind: u16, text: &'g str, start: TextSize, end: TextSize) -> Run<'g> {
        Run {
            start,
            end,
            kind,
            text,
            more: None,
            blank: kind == WHITESPACE,
        }
    }

    fn push(&mut self, kind: u16, text: &str, end: TextSize) {
        let more = self.more.get_or_insert_with(|| {
            let mut s = String::new();
            decode_into(&mut s, self.kind, self.text);
            s
        });
        decode_into(more, kind, text);
        self.end = end;
        self.blank &= kind == WHITESPACE;
    }
}

/// Appends a character data token's decoded text.
fn decode_into(s: &mut String, kind: u16, text: &str) {
    match kind {
        CDATA => {
            let body = text.strip_prefix("<![CDATA[").unwrap_or(text);
            s.push_str(body.strip_suffix("]]>").unwrap_or(body));
        }
        ENTITY_REF | CHAR_REF | TEXT => s.push_str(&decode_references(text)),
        WHITESPACE => s.push_str(text),
        _ => {}
    }
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
    items: Vec<Item<'g>>,
) -> Parts<'g> {
    let mut parts = Parts {
        name: None,
        attrs,
        items,
    };
    let mut children = e.green.children();
    let mut offset = e.start;
    // The start tag, usually the first child (before it, tokens of a broken tag at most).
    for child in children.by_ref() {
        let at = offset;
        offset += child.text_len();
        if let Some(tag) = child.as_node()
            && matches!(child.kind().0, START_TAG | EMPTY_ELEM_TAG)
        {
            read_tag(tag, at, &mut parts);
            break;
        }
    }
    if content {
        // At most one item per child but the end tag (whitespace between child elements
        // included): one allocation instead of a growing vector.
        parts.items.reserve(children.len().saturating_sub(1));
        read_content(children, offset, false, &mut parts.items);
    }
    parts
}

/// The items of a chunk item ([`Item::Chunk`]): it follows an element, so blank text at its
/// start is left out too.
pub(crate) fn chunk_items(chunk: GElem<'_>) -> Vec<Item<'_>> {
    let mut items = Vec::with_capacity(chunk.green.children().len());
    read_content(chunk.green.children(), chunk.start, true, &mut items);
    items
}

/// Reads content children (from `offset`) into items, through chunks that runs of text cross.
fn read_content<'g>(
    children: domxml_syntax::GreenChildren<'g>,
    offset: TextSize,
    mut seen_element: bool,
    items: &mut Vec<Item<'g>>,
) {
    let mut run: Option<Run<'_>> = None;
    let mut stack = vec![(children, offset)];
    while let Some((children, offset)) = stack.last_mut() {
        let Some(child) = children.next() else {
            stack.pop();
            continue;
        };
        let at = *offset;
        let len = child.text_len();
        *offset += len;
        let raw = child.kind().0;
        if let Some(node) = child.as_node() {
            match raw {
                ELEMENT => {
                    flush_after(run.take(), seen_element, items);
                    seen_element = true;
                    items.push(Item::Element(GElem {
                        green: node,
                        start: at,
                    }));
                }
                CHUNK if run.is_none() && seen_element && ends_with_element(node) => {
                    seen_element = true;
                    items.push(Item::Chunk(GElem {
                        green: node,
                        start: at,
                    }));
                }
                CHUNK => stack.push((node.children(), at)),
                _ => {}
            }
        } else if let Some(token) = child.as_token()
            && is_text(raw)
        {
            let end = at + len;
            match &mut run {
                Some(r) => r.push(raw, token.text(), end),
                None => run = Some(Run::new(raw, token.text(), at, end)),
            }
        }
    }
    flush_after(run, seen_element, items);
}

/// Whether no character data follows the last element under `chunk` (and it has one).
fn ends_with_element(chunk: &GreenNodeData) -> bool {
    let mut stack = vec![chunk.children().rev()];
    while let Some(children) = stack.last_mut() {
        let Some(child) = children.next() else {
            stack.pop();
            continue;
        };
        match (child.kind().0, child.as_node()) {
            (ELEMENT, _) => return true,
            (CHUNK, Some(node)) => stack.push(node.children().rev()),
            (raw, _) if is_text(raw) => return false,
            _ => {}
        }
    }
    false
}

/// `items` with every chunk replaced by its items, for readers of all children at once.
pub(crate) fn without_chunks(items: Vec<Item<'_>>) -> Vec<Item<'_>> {
    if !items.iter().any(|i| matches!(i, Item::Chunk(_))) {
        return items;
    }
    let mut out = Vec::with_capacity(items.len());
    let mut stack = vec![items.into_iter()];
    while let Some(top) = stack.last_mut() {
        match top.next() {
            None => {
                stack.pop();
            }
            Some(Item::Chunk(c)) => stack.push(chunk_items(c).into_iter()),
            Some(item) => out.push(item),
        }
    }
    out
}

/// The child elements among `items`, chunks read through (for the rare questions about all
/// of them at once).
pub(crate) fn elements_of<'i, 'g>(items: &'i [Item<'g>]) -> impl Iterator<Item = GElem<'g>> + 'i {
    items.iter().flat_map(|item| {
        let (one, chunk) = match item {
            Item::Element(e) => (Some(*e), None),
            Item::Chunk(c) => (None, Some(*c)),
            Item::Text { .. } => (None, None),
        };
        one.into_iter().chain(chunk.into_iter().flat_map(|c| {
            domxml_syntax::chunk::green_content(c.green, c.start).filter_map(|(at, child)| {
                let node = child.into_node()?;
                (node.kind().0 == ELEMENT).then_some(GElem {
                    green: node,
                    start: at,
                })
            })
        }))
    })
}

/// Turns `run` into an item, unless it is blank and follows a child element: the validator
/// ignores blank text in content with child elements, and in a long child list the whitespace
/// between elements would double the items to write (one per indented line).
fn flush_after<'g>(run: Option<Run<'g>>, seen_element: bool, out: &mut Vec<Item<'g>>) {
    match run {
        Some(r) if r.blank && seen_element => {}
        run => flush(run, out),
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

fn flush<'g>(run: Option<Run<'g>>, out: &mut Vec<Item<'g>>) {
    let Some(run) = run else {
        return;
    };
    let range = TextRange::new(run.start, run.end);
    let text = match run.more {
        Some(more) => Cow::Owned(more),
        None if matches!(run.kind, WHITESPACE | TEXT) && !run.text.contains('&') => {
            Cow::Borrowed(run.text)
        }
        None => {
            let mut s = String::new();
            decode_into(&mut s, run.kind, run.text);
            Cow::Owned(s)
        }
    };
    out.push(Item::Text {
        range,
        blank: run.blank,
        text,
    });
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
                Item::Chunk(_) => "chunk".to_owned(),
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
                Item::Chunk(_) => "chunk",
                Item::Text { blank: true, .. } => "blank",
                Item::Text { .. } => "text",
            })
            .collect();
        assert_eq!(kinds, ["blank", "elem", "elem"]);
    }
}
