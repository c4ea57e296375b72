//! A flat table of a document's root element and everything below it: names, ranges, parents,
//! children, attributes (values decoded) and the character data directly inside each element,
//! so that many small questions (`child(e, "os")`, `attr(e, "slot")`) are answered without
//! syntax cursors or allocations. libvirt's rules read documents through it.
//!
//! Two builders give the same table (tested over the corpus and random documents): the parser
//! records it while it reads a document ([`crate::parse_with_elements`]: every name and value
//! is at hand there, so recording costs a fraction of a walk), and [`ElementTable::of`] walks
//! any tree once (after an incremental reparse, which records nothing). Element ids follow
//! document order, so both builders append in the same order.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

use rowan::{GreenNodeData, NodeOrToken};

use crate::ast::{Element, inner_range_in};
use crate::green::children_at;
use crate::{SyntaxKind, SyntaxKind::*, TextRange, TextSize};

/// The elements of one root element, in document order (the root is id 0). Names, values and
/// text are ranges into the document's text, which [`Elements`] pairs with the table.
#[derive(Debug, PartialEq, Eq)]
pub struct ElementTable {
    nodes: Vec<Node>,
    attrs: Vec<Attr>,
    /// Attribute values with references, decoded once.
    decoded: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Node {
    range: TextRange,
    /// The name as written (prefix included); `None` when the tag has none.
    name: Option<TextRange>,
    parent: u32,
    /// The child elements, as a chain through `next_sibling`.
    first_child: u32,
    next_sibling: u32,
    /// The attributes are `attrs.0..attrs.1`.
    attrs: (u32, u32),
    /// Between the start tag and the end tag (empty for an empty-element tag).
    content: TextRange,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Attr {
    name: TextRange,
    /// The value's range between the quotes, and its decoded copy in `decoded` when it holds a
    /// reference; `None` for an attribute written without a value.
    value: Option<(TextRange, u32)>,
}

/// No node, no decoded value.
const NONE: u32 = u32::MAX;

thread_local! {
    /// The last table's vectors, emptied, for the next table on this thread: each is one large
    /// allocation, which glibc serves slowly after a check's many small frees.
    static SPARE: Cell<Option<Spare>> = const { Cell::new(None) };
}

type Spare = (Vec<Node>, Vec<Attr>);

/// Tables of more entries than this (a document of some megabytes) are not kept.
const SPARE_MAX: usize = 1 << 16;

impl Drop for ElementTable {
    fn drop(&mut self) {
        let mut nodes = std::mem::take(&mut self.nodes);
        let mut attrs = std::mem::take(&mut self.attrs);
        if nodes.capacity() <= SPARE_MAX && attrs.capacity() <= SPARE_MAX {
            nodes.clear();
            attrs.clear();
            SPARE.set(Some((nodes, attrs)));
        }
    }
}

/// Appends a table in document order: attributes of a tag first, then its element (`open`),
/// its child elements, and its end (`close`).
pub(crate) struct TableBuilder {
    table: ElementTable,
    /// The open elements, innermost last, each with its last child so far (where the next
    /// child is chained).
    open: Vec<(u32, u32)>,
    /// Where the attributes of the tag being read start.
    tag_attrs: u32,
    /// A start tag is being read: attributes are its own (an XML declaration's are not).
    in_tag: bool,
    /// The root element has ended: what follows it (a second root, an error) is not recorded.
    done: bool,
}

impl TableBuilder {
    /// `len`: the length of the text, to size the table once (about one element per 40 bytes
    /// and 1.5 attributes per element in libvirt's XML).
    pub(crate) fn new(len: usize) -> TableBuilder {
        let (mut nodes, mut attrs) = SPARE.take().unwrap_or_default();
        nodes.reserve(len / 40 + 8);
        attrs.reserve(len / 25 + 8);
        TableBuilder {
            table: ElementTable {
                nodes,
                attrs,
                decoded: Vec::new(),
            },
            open: Vec::with_capacity(16),
            tag_attrs: 0,
            in_tag: false,
            done: false,
        }
    }

    /// A start tag begins: the attributes that follow are its own.
    pub(crate) fn tag(&mut self) {
        if self.done {
            return;
        }
        self.in_tag = true;
        self.tag_attrs = self.table.attrs.len() as u32;
    }

    /// The tag just read opens no element of the table: its attributes are dropped.
    pub(crate) fn drop_tag(&mut self) {
        self.in_tag = false;
        if self.done {
            return;
        }
        self.table.attrs.truncate(self.tag_attrs as usize);
    }

    /// An attribute of the current tag whose value, between quotes at `value`, holds no
    /// reference (what [`Self::attribute`] records for it, without looking at its text).
    #[inline]
    pub(crate) fn plain_attribute(&mut self, name: TextRange, value: TextRange) {
        if self.done || !self.in_tag {
            return;
        }
        self.table.attrs.push(Attr {
            name,
            value: Some((value, NONE)),
        });
    }

    /// An attribute of the current tag: its name, and its value token (quotes included) and
    /// where that starts.
    pub(crate) fn attribute(&mut self, name: TextRange, value: Option<(&str, TextSize)>) {
        if self.done || !self.in_tag {
            return;
        }
        let value = value.map(|(token, start)| {
            let r = inner_range_in(token);
            let inner = &token[r.clone()];
            let range = TextRange::new(
                start + TextSize::from(r.start as u32),
                start + TextSize::from(r.end as u32),
            );
            let decoded = if inner.bytes().any(|b| b == b'&') {
                self.table
                    .decoded
                    .push(crate::decode_references(inner).into_owned());
                self.table.decoded.len() as u32 - 1
            } else {
                NONE
            };
            (range, decoded)
        });
        self.table.attrs.push(Attr { name, value });
    }

    /// The element of the current tag starts at `start`, inside the innermost open one; its
    /// start tag ends at `content`.
    #[inline]
    pub(crate) fn open(&mut self, start: TextSize, name: Option<TextRange>, content: TextSize) {
        self.in_tag = false;
        if self.done {
            return;
        }
        let id = self.table.nodes.len() as u32;
        let parent = self.open.last_mut().map_or(NONE, |(parent, last_child)| {
            let previous = std::mem::replace(last_child, id);
            let chained = match previous {
                NONE => &mut self.table.nodes[*parent as usize].first_child,
                _ => &mut self.table.nodes[previous as usize].next_sibling,
            };
            *chained = id;
            *parent
        });
        self.table.nodes.push(Node {
            range: TextRange::empty(start),
            name,
            parent,
            first_child: NONE,
            next_sibling: NONE,
            attrs: (self.tag_attrs, self.table.attrs.len() as u32),
            content: TextRange::empty(content),
        });
        self.open.push((id, NONE));
        self.tag_attrs = self.table.attrs.len() as u32;
    }

    /// The innermost open element ends at `end`, its content at `content_end`.
    #[inline]
    pub(crate) fn close(&mut self, content_end: TextSize, end: TextSize) {
        if let Some((id, _)) = self.open.pop() {
            let node = &mut self.table.nodes[id as usize];
            node.range = TextRange::new(node.range.start(), end);
            node.content =
                TextRange::new(node.content.start(), content_end.max(node.content.start()));
            self.done = self.open.is_empty();
        }
    }

    pub(crate) fn finish(self) -> ElementTable {
        self.table
    }
}

/// Raw kinds, compared without converting each child's kind (the conversion is a call).
const fn raw(kind: SyntaxKind) -> rowan::SyntaxKind {
    rowan::SyntaxKind(kind as u16)
}
const R_ELEMENT: rowan::SyntaxKind = raw(ELEMENT);
const R_START_TAG: rowan::SyntaxKind = raw(START_TAG);
const R_EMPTY_ELEM_TAG: rowan::SyntaxKind = raw(EMPTY_ELEM_TAG);
const R_ATTRIBUTE: rowan::SyntaxKind = raw(ATTRIBUTE);
const R_NAME: rowan::SyntaxKind = raw(NAME);
const R_ATTR_VALUE: rowan::SyntaxKind = raw(ATTR_VALUE);
const R_END_TAG: rowan::SyntaxKind = raw(END_TAG);
const R_CHUNK: rowan::SyntaxKind = raw(CHUNK);

impl ElementTable {
    /// The table of `root` and everything below it, by one walk over its green tree (a loop
    /// with a stack of open elements: no recursion).
    pub fn of(root: &Element) -> ElementTable {
        let green = root.syntax().green();
        let mut b = TableBuilder::new(u32::from(green.text_len()) as usize);
        let mut stack = Vec::with_capacity(16);
        let start = root.syntax().text_range().start();
        stack.push(open_in_walk(&mut b, green, start));
        while let Some(frame) = stack.last_mut() {
            let Some(child) = frame.children.next() else {
                if !frame.chunk {
                    b.close(frame.content_end, frame.end);
                }
                stack.pop();
                continue;
            };
            let at = frame.offset;
            frame.offset += child.text_len();
            if let NodeOrToken::Node(node) = child {
                match node.kind() {
                    R_ELEMENT => {
                        let frame = open_in_walk(&mut b, node, at);
                        stack.push(frame);
                    }
                    R_END_TAG => frame.content_end = at,
                    R_CHUNK => {
                        let frame = Frame {
                            children: node.children(),
                            offset: at,
                            content_end: at,
                            end: at,
                            chunk: true,
                        };
                        stack.push(frame);
                    }
                    _ => {}
                }
            }
        }
        b.finish()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}

struct Frame<'g> {
    children: rowan::Children<'g>,
    offset: TextSize,
    /// Where the end tag starts (the element's end while none is seen).
    content_end: TextSize,
    end: TextSize,
    /// A chunk of an element's content (`chunk.rs`), not an element.
    chunk: bool,
}

/// Reads the element's (first) start tag and opens it.
fn open_in_walk<'g>(
    b: &mut TableBuilder,
    element: &'g GreenNodeData,
    start: TextSize,
) -> Frame<'g> {
    b.tag();
    let mut name = None;
    let mut content = start;
    for (at, child) in children_at(element, start) {
        if let NodeOrToken::Node(tag) = child
            && matches!(tag.kind(), R_START_TAG | R_EMPTY_ELEM_TAG)
        {
            name = read_tag(b, tag, at);
            content = at + tag.text_len();
            break;
        }
    }
    b.open(start, name, content);
    let end = start + element.text_len();
    Frame {
        children: element.children(),
        offset: start,
        content_end: end,
        end,
        chunk: false,
    }
}

/// The tag's name and attributes (each attribute's first name token, then the first value
/// after it; attributes without a name are skipped).
fn read_tag(b: &mut TableBuilder, tag: &GreenNodeData, start: TextSize) -> Option<TextRange> {
    let mut name = None;
    for (at, part) in children_at(tag, start) {
        match part {
            NodeOrToken::Token(t) if name.is_none() && t.kind() == R_NAME => {
                name = Some(TextRange::at(at, t.text_len()));
            }
            NodeOrToken::Node(a) if a.kind() == R_ATTRIBUTE => {
                let mut attr_name = None;
                let mut value = None;
                for (p, piece) in children_at(a, at) {
                    let NodeOrToken::Token(token) = piece else {
                        continue;
                    };
                    match token.kind() {
                        R_NAME if attr_name.is_none() => {
                            attr_name = Some(TextRange::at(p, token.text_len()));
                        }
                        R_ATTR_VALUE if attr_name.is_some() => {
                            value = Some((token.text(), p));
                            break;
                        }
                        _ => {}
                    }
                }
                if let Some(attr_name) = attr_name {
                    b.attribute(attr_name, value);
                }
            }
            _ => {}
        }
    }
    name
}

/// A table with the text it was made from and the root's syntax node (for the fixes that
/// edit around an element), laid out for reading: elements in breadth-first order, so each
/// one's children are contiguous ids, with their names as string slices.
pub struct Elements<'a> {
    nodes: Vec<ViewNode<'a>>,
    attrs: &'a [Attr],
    decoded: &'a [String],
    text: &'a str,
    root: &'a Element,
}

struct ViewNode<'a> {
    /// The name as written (prefix included); empty when the tag has none.
    name: &'a str,
    /// The element's entry in the table.
    node: &'a Node,
    parent: u32,
    /// The child elements are the ids `children.0..children.1`.
    children: (u32, u32),
}

thread_local! {
    /// The last view's vector, emptied, for the next one on this thread.
    static SPARE_VIEW: Cell<Option<Vec<ViewNode<'static>>>> = const { Cell::new(None) };
}

impl<'a> Elements<'a> {
    /// `text` is the document's text and `table` is `root`'s table; `None` when they do not
    /// belong together (a table of another tree, another text), which would answer nonsense.
    pub fn new(table: &'a ElementTable, text: &'a str, root: &'a Element) -> Option<Elements<'a>> {
        let document_len = root.syntax().ancestors().last()?.text_range().end();
        if table.nodes.first()?.range != root.range()
            || u32::from(document_len) as usize != text.len()
        {
            return None;
        }
        let name = |node: &Node| {
            node.name
                .and_then(|r| text.get(std::ops::Range::<usize>::from(r)))
                .unwrap_or("")
        };
        let mut nodes = relife(SPARE_VIEW.take().unwrap_or_default());
        nodes.reserve(table.nodes.len());
        nodes.push(ViewNode {
            name: name(&table.nodes[0]),
            node: &table.nodes[0],
            parent: NONE,
            children: (0, 0),
        });
        // Each element's children get their ids when it is reached, after every element
        // before it: contiguous, and the loop needs no stack.
        let mut next = 0;
        while next < nodes.len() {
            let first = nodes.len() as u32;
            let mut kid = nodes[next].node.first_child;
            while let Some(node) = table.nodes.get(kid as usize) {
                nodes.push(ViewNode {
                    name: name(node),
                    node,
                    parent: next as u32,
                    children: (0, 0),
                });
                kid = node.next_sibling;
            }
            nodes[next].children = (first, nodes.len() as u32);
            next += 1;
        }
        Some(Elements {
            nodes,
            attrs: &table.attrs,
            decoded: &table.decoded,
            text,
            root,
        })
    }

    #[inline]
    pub fn root(&self) -> El<'_> {
        El { tree: self, id: 0 }
    }
}

impl Drop for Elements<'_> {
    fn drop(&mut self) {
        let nodes = std::mem::take(&mut self.nodes);
        if nodes.capacity() <= SPARE_MAX {
            SPARE_VIEW.set(Some(relife(nodes)));
        }
    }
}

/// An emptied vector for another lifetime of the same type; the collect reuses the allocation
/// (same layout), so nothing is copied or allocated.
fn relife<T, U>(mut v: Vec<T>) -> Vec<U> {
    v.clear();
    v.into_iter().filter_map(|_| None).collect()
}

/// An element of a table: cheap to copy, answers from the table.
#[derive(Clone, Copy)]
pub struct El<'a> {
    tree: &'a Elements<'a>,
    id: u32,
}

impl PartialEq for El<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id && std::ptr::eq(self.tree, other.tree)
    }
}

impl Eq for El<'_> {}

impl fmt::Debug for El<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{}>@{:?}", self.name(), self.range())
    }
}

impl<'a> El<'a> {
    #[inline(always)]
    fn view(&self) -> &'a ViewNode<'a> {
        &self.tree.nodes[self.id as usize]
    }

    #[inline(always)]
    fn node(&self) -> &'a Node {
        self.view().node
    }

    #[inline(always)]
    fn slice(&self, range: TextRange) -> &'a str {
        self.tree
            .text
            .get(std::ops::Range::<usize>::from(range))
            .unwrap_or("")
    }

    /// The name as written, prefix included; empty when the tag has none.
    #[inline]
    pub fn name(&self) -> &'a str {
        self.view().name
    }

    /// Whether the name as written is `name`.
    // Inlined so that comparisons with a literal name compile to a length check and a load.
    #[inline(always)]
    pub fn is(&self, name: &str) -> bool {
        let view = self.view();
        view.name == name && !name.is_empty()
    }

    #[inline]
    pub fn range(&self) -> TextRange {
        self.node().range
    }

    /// The range to report the element at: its name in the start tag, else the element.
    #[inline]
    pub fn name_range(&self) -> TextRange {
        let node = self.node();
        node.name.unwrap_or(node.range)
    }

    // Inlined so that comparisons with a literal name compile to a length check and a load.
    #[inline(always)]
    fn attribute(&self, name: &str) -> Option<&'a Attr> {
        let (from, to) = self.node().attrs;
        let text = self.tree.text.as_bytes();
        self.tree.attrs[from as usize..to as usize]
            .iter()
            .find(|a| {
                let (start, end) = (
                    u32::from(a.name.start()) as usize,
                    u32::from(a.name.end()) as usize,
                );
                end - start == name.len() && text.get(start..end) == Some(name.as_bytes())
            })
    }

    /// Whether the element has an attribute `name` (with a value or not).
    #[inline(always)]
    pub fn has_attribute(&self, name: &str) -> bool {
        self.attribute(name).is_some()
    }

    /// Whether the element has any attribute.
    #[inline]
    pub fn has_attributes(&self) -> bool {
        let (from, to) = self.node().attrs;
        from < to
    }

    /// The decoded value of the first attribute `name` and its range between the quotes.
    #[inline(always)]
    pub fn attr(&self, name: &str) -> Option<(&'a str, TextRange)> {
        let (range, decoded) = self.attribute(name)?.value?;
        let text = match self.tree.decoded.get(decoded as usize) {
            Some(decoded) => decoded.as_str(),
            None => self.slice(range),
        };
        Some((text, range))
    }

    /// The decoded value of the first attribute `name`.
    #[inline(always)]
    pub fn attribute_value(&self, name: &str) -> Option<&'a str> {
        self.attr(name).map(|(v, _)| v)
    }

    /// The child elements, in document order.
    #[inline(always)]
    pub fn children(&self) -> impl Iterator<Item = El<'a>> + use<'a> {
        let (from, to) = self.view().children;
        let tree = self.tree;
        (from..to).map(move |id| El { tree, id })
    }

    /// The first child named `name`.
    #[inline(always)]
    pub fn child(&self, name: &str) -> Option<El<'a>> {
        self.children().find(|c| c.is(name))
    }

    /// The children named `name`.
    #[inline(always)]
    pub fn children_named<'n>(&self, name: &'n str) -> impl Iterator<Item = El<'a>> + use<'a, 'n> {
        self.children().filter(move |c| c.is(name))
    }

    #[inline]
    pub fn parent(&self) -> Option<El<'a>> {
        let parent = self.view().parent;
        (parent != NONE).then_some(El {
            tree: self.tree,
            id: parent,
        })
    }

    /// The runs of character data directly inside the element, as `Element::content` splits
    /// them (child elements separate runs; comments and processing instructions do not): `f`
    /// gets each run's decoded value and range and stops the walk by returning `Some`. A run
    /// of plain text is not copied.
    fn text_runs<T>(&self, mut f: impl FnMut(Cow<'a, str>, TextRange) -> Option<T>) -> Option<T> {
        let content = self.node().content;
        let mut from = content.start();
        for child in self.children() {
            let range = child.range();
            if let Some((value, r)) = run_in(self.tree.text, TextRange::new(from, range.start()))
                && let Some(found) = f(value, r)
            {
                return Some(found);
            }
            from = range.end();
        }
        let (value, r) = run_in(
            self.tree.text,
            TextRange::new(from, content.end().max(from)),
        )?;
        f(value, r)
    }

    /// The decoded character data directly inside the element (borrowed when it is one run
    /// without references).
    #[inline]
    pub fn text(&self) -> Cow<'a, str> {
        let mut text: Option<Cow<'a, str>> = None;
        self.text_runs(|v, _| {
            match &mut text {
                None => text = Some(v),
                Some(t) => t.to_mut().push_str(&v),
            }
            None::<()>
        });
        text.unwrap_or_default()
    }

    /// The first run of character data that is not all whitespace, with its range.
    #[inline]
    pub fn first_text(&self) -> Option<(Cow<'a, str>, TextRange)> {
        self.text_runs(|v, r| {
            (!v.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))).then_some((v, r))
        })
    }

    /// The syntax node, for fixes that edit around it.
    pub fn element(&self) -> Option<Element> {
        let range = self.range();
        let root = self.tree.root.syntax();
        let start = match root.covering_element(range) {
            NodeOrToken::Node(n) => n,
            NodeOrToken::Token(t) => t.parent()?,
        };
        start
            .ancestors()
            .find(|n| n.kind() == ELEMENT && n.text_range() == range)
            .and_then(Element::cast)
    }

    /// The element's range with the indentation before it on its own line.
    pub fn range_with_line_indent(&self) -> TextRange {
        self.element()
            .map_or_else(|| self.range(), |e| e.range_with_line_indent())
    }
}

/// The character data in `region` of `text` (content between child elements), decoded, and
/// the range from its first to its last character data; `None` when there is none. Comments,
/// processing instructions and markup the parser did not make an element of are skipped; a
/// CDATA section contributes its body.
fn run_in(text: &str, region: TextRange) -> Option<(Cow<'_, str>, TextRange)> {
    let raw = text.get(std::ops::Range::<usize>::from(region))?;
    if raw.is_empty() {
        return None;
    }
    if !raw.as_bytes().contains(&b'<') {
        return Some((crate::decode_references(raw), region));
    }
    let mut value = String::new();
    let mut covered: Option<TextRange> = None;
    let mut cover = |at: usize, len: usize| {
        let piece = TextRange::at(
            region.start() + TextSize::from(at as u32),
            TextSize::from(len as u32),
        );
        covered = Some(covered.map_or(piece, |c| c.cover(piece)));
    };
    let mut at = 0;
    while at < raw.len() {
        let rest = &raw[at..];
        if !rest.starts_with('<') {
            let len = rest.find('<').unwrap_or(rest.len());
            value.push_str(&crate::decode_references(&rest[..len]));
            cover(at, len);
            at += len;
            continue;
        }
        let skipped = if let Some(body) = rest.strip_prefix("<![CDATA[") {
            let len = body.find("]]>").map_or(rest.len(), |i| 9 + i + 3);
            value.push_str(&body[..body.find("]]>").unwrap_or(body.len())]);
            cover(at, len);
            len
        } else {
            let close = if rest.starts_with("<!--") {
                "-->"
            } else if rest.starts_with("<?") {
                "?>"
            } else {
                ">"
            };
            rest.find(close).map_or(rest.len(), |i| i + close.len())
        };
        at += skipped;
    }
    Some((Cow::Owned(value), covered?))
}
