//! The domain's elements read once per check, in one pass over the green tree: names, ranges,
//! parents, children and decoded attributes, so the rules' many small questions (`child(e,
//! "os")`, `attr(e, "slot")`) are answered from a table. No syntax cursor is created and no
//! string is allocated for a value without references. An [`El`] is a handle into the table;
//! [`El::element`] finds the syntax node only when a fix needs it.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

use domxml_syntax::ast::{Element, inner_range_in};
use domxml_syntax::{SyntaxKind, SyntaxKind::*, TextRange, TextSize};
use rowan::{GreenNodeData, NodeOrToken};

/// The table of a `<domain>`'s elements, borrowed from its green tree.
pub struct Tree<'a> {
    root: &'a Element,
    nodes: Vec<Node<'a>>,
    attrs: Vec<Attr<'a>>,
    /// Values with references, decoded once.
    decoded: Vec<String>,
}

struct Node<'a> {
    green: &'a GreenNodeData,
    range: TextRange,
    /// The name as written (prefix included); empty when the tag has none.
    name: &'a str,
    name_range: Option<TextRange>,
    parent: u32,
    /// The children are the contiguous ids `children.0..children.1`.
    children: (u32, u32),
    attrs: (u32, u32),
}

struct Attr<'a> {
    name: &'a str,
    /// The value (raw when it holds no reference, else an index into `decoded`) and its range
    /// between the quotes; `None` for an attribute written without a value.
    value: Option<(Value<'a>, TextRange)>,
}

#[derive(Clone, Copy)]
enum Value<'a> {
    Raw(&'a str),
    Decoded(u32),
}

/// No node.
const NONE: u32 = u32::MAX;

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
const R_TEXT: rowan::SyntaxKind = raw(TEXT);
const R_WHITESPACE: rowan::SyntaxKind = raw(WHITESPACE);
const R_ENTITY_REF: rowan::SyntaxKind = raw(ENTITY_REF);
const R_CHAR_REF: rowan::SyntaxKind = raw(CHAR_REF);
const R_CDATA: rowan::SyntaxKind = raw(CDATA);

impl<'a> Tree<'a> {
    /// Indexes `root` and every element below it reachable through element children. `green`
    /// is `root`'s green node (the caller keeps it alive).
    pub fn build(root: &'a Element, green: &'a GreenNodeData) -> Tree<'a> {
        // About one element per 40 bytes and 1.5 attributes per element in libvirt's XML:
        // sized once rather than grown.
        let len = u32::from(green.text_len()) as usize;
        let (mut nodes, mut attrs) = SPARE.take().unwrap_or_default();
        nodes.reserve(len / 40 + 8);
        attrs.reserve(len / 25 + 8);
        let mut tree = Tree {
            root,
            nodes: relife(nodes),
            attrs: relife(attrs),
            decoded: Vec::new(),
        };
        tree.nodes.push(Node {
            green,
            range: root.range(),
            name: "",
            name_range: None,
            parent: NONE,
            children: (0, 0),
            attrs: (0, 0),
        });
        // Nodes are filled in id order; a node's children get their ids when it is filled, so
        // they are contiguous and the loop needs no stack.
        let mut next = 0;
        while next < tree.nodes.len() {
            tree.fill(next);
            next += 1;
        }
        tree
    }

    fn fill(&mut self, id: usize) {
        let green = self.nodes[id].green;
        let mut offset = self.nodes[id].range.start();
        let first_child = self.nodes.len() as u32;
        let mut tag_seen = false;
        for child in green.children() {
            let at = offset;
            offset += child.text_len();
            let NodeOrToken::Node(node) = child else {
                continue;
            };
            match node.kind() {
                R_ELEMENT => self.nodes.push(Node {
                    green: node,
                    range: TextRange::at(at, child.text_len()),
                    name: "",
                    name_range: None,
                    parent: id as u32,
                    children: (0, 0),
                    attrs: (0, 0),
                }),
                R_START_TAG | R_EMPTY_ELEM_TAG if !tag_seen => {
                    tag_seen = true;
                    self.read_tag(id, node, at);
                }
                _ => {}
            }
        }
        self.nodes[id].children = (first_child, self.nodes.len() as u32);
    }

    /// The element's name and attributes, from its (first) start tag.
    fn read_tag(&mut self, id: usize, tag: &'a GreenNodeData, start: TextSize) {
        let first_attr = self.attrs.len() as u32;
        let mut offset = start;
        let mut name = None;
        for part in tag.children() {
            let at = offset;
            let len = part.text_len();
            offset += len;
            match part {
                NodeOrToken::Token(t) if name.is_none() && t.kind() == R_NAME => {
                    name = Some((t.text(), TextRange::at(at, len)));
                }
                NodeOrToken::Node(a) if a.kind() == R_ATTRIBUTE => self.read_attribute(a, at),
                _ => {}
            }
        }
        let node = &mut self.nodes[id];
        if let Some((text, range)) = name {
            node.name = text;
            node.name_range = Some(range);
        }
        node.attrs = (first_attr, self.attrs.len() as u32);
    }

    /// An attribute: its first name token, then the first value after it (as
    /// `Element::attribute_value_and_range` reads it). Attributes without a name are skipped.
    fn read_attribute(&mut self, attribute: &'a GreenNodeData, start: TextSize) {
        let mut offset = start;
        let mut name = None;
        let mut value = None;
        for t in attribute.children() {
            let at = offset;
            offset += t.text_len();
            let NodeOrToken::Token(token) = t else {
                continue;
            };
            match token.kind() {
                R_NAME if name.is_none() => name = Some(token.text()),
                R_ATTR_VALUE if name.is_some() => {
                    let text = token.text();
                    let r = inner_range_in(text);
                    let range = TextRange::new(
                        at + TextSize::from(r.start as u32),
                        at + TextSize::from(r.end as u32),
                    );
                    let inner = &text[r];
                    let v = if !inner.bytes().any(|b| b == b'&') {
                        Value::Raw(inner)
                    } else {
                        self.decoded
                            .push(domxml_syntax::decode_references(inner).into_owned());
                        Value::Decoded(self.decoded.len() as u32 - 1)
                    };
                    value = Some((v, range));
                    break;
                }
                _ => {}
            }
        }
        if let Some(name) = name {
            self.attrs.push(Attr { name, value });
        }
    }

    pub fn root(&self) -> El<'_> {
        El { tree: self, id: 0 }
    }
}

thread_local! {
    /// The last check's tables, emptied, for the next check on this thread: each table is one
    /// large allocation, which glibc serves slowly after a check's many small frees.
    static SPARE: Cell<Option<Spare>> = const { Cell::new(None) };
}

type Spare = (Vec<Node<'static>>, Vec<Attr<'static>>);

/// Tables of more entries than this (a document of some megabytes) are not kept.
const SPARE_MAX: usize = 1 << 16;

impl Drop for Tree<'_> {
    fn drop(&mut self) {
        let nodes = std::mem::take(&mut self.nodes);
        let attrs = std::mem::take(&mut self.attrs);
        if nodes.capacity() <= SPARE_MAX && attrs.capacity() <= SPARE_MAX {
            SPARE.set(Some((relife(nodes), relife(attrs))));
        }
    }
}

/// An emptied vector for another lifetime of the same type; the collect reuses the allocation
/// (same layout), so no element is copied and nothing is allocated.
fn relife<T, U>(mut v: Vec<T>) -> Vec<U> {
    v.clear();
    v.into_iter().filter_map(|_| None).collect()
}

/// An element of a [`Tree`]: cheap to copy, answers from the table.
#[derive(Clone, Copy)]
pub struct El<'a> {
    tree: &'a Tree<'a>,
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
    fn node(&self) -> &'a Node<'a> {
        &self.tree.nodes[self.id as usize]
    }

    /// The name as written, prefix included; empty when the tag has none.
    pub fn name(&self) -> &'a str {
        self.node().name
    }

    /// Whether the name as written is `name`.
    // Inlined so that comparisons with a literal name compile to a length check and a load.
    #[inline(always)]
    pub fn is(&self, name: &str) -> bool {
        let node = self.node();
        node.name == name && node.name_range.is_some()
    }

    pub fn range(&self) -> TextRange {
        self.node().range
    }

    /// The range to report the element at: its name in the start tag, else the element.
    pub fn name_range(&self) -> TextRange {
        self.node().name_range.unwrap_or(self.node().range)
    }

    // Inlined so that comparisons with a literal name compile to a length check and a load.
    #[inline(always)]
    fn attribute(&self, name: &str) -> Option<&'a Attr<'a>> {
        let (from, to) = self.node().attrs;
        self.tree.attrs[from as usize..to as usize]
            .iter()
            .find(|a| a.name == name)
    }

    /// Whether the element has an attribute `name` (with a value or not).
    #[inline(always)]
    pub fn has_attribute(&self, name: &str) -> bool {
        self.attribute(name).is_some()
    }

    /// Whether the element has any attribute.
    pub fn has_attributes(&self) -> bool {
        let (from, to) = self.node().attrs;
        from < to
    }

    /// The decoded value of the first attribute `name` and its range between the quotes.
    #[inline(always)]
    pub fn attr(&self, name: &str) -> Option<(&'a str, TextRange)> {
        let (value, range) = self.attribute(name)?.value?;
        let text = match value {
            Value::Raw(raw) => raw,
            Value::Decoded(i) => self.tree.decoded[i as usize].as_str(),
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
        let (from, to) = self.node().children;
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

    pub fn parent(&self) -> Option<El<'a>> {
        let parent = self.node().parent;
        (parent != NONE).then_some(El {
            tree: self.tree,
            id: parent,
        })
    }

    /// The runs of character data directly inside the element, as `Element::content` splits
    /// them (child elements separate runs; comments do not): `f` gets each run's decoded value
    /// and range and stops the walk by returning `Some`. A run of one token is not copied.
    fn text_runs<T>(&self, mut f: impl FnMut(Cow<'a, str>, TextRange) -> Option<T>) -> Option<T> {
        let node = self.node();
        let mut run: Option<(Cow<'a, str>, TextRange)> = None;
        let mut offset = node.range.start();
        for child in node.green.children() {
            let at = offset;
            offset += child.text_len();
            let token = match child {
                NodeOrToken::Node(n) => {
                    if n.kind() == R_ELEMENT
                        && let Some((value, range)) = run.take()
                        && let Some(found) = f(value, range)
                    {
                        return Some(found);
                    }
                    continue;
                }
                NodeOrToken::Token(t) => t,
            };
            let piece = match token.kind() {
                R_TEXT | R_WHITESPACE | R_ENTITY_REF | R_CHAR_REF => {
                    domxml_syntax::decode_references(token.text())
                }
                R_CDATA => Cow::Borrowed(cdata_body(token.text())),
                _ => continue,
            };
            let range = TextRange::at(at, child.text_len());
            match &mut run {
                Some((value, r)) => {
                    value.to_mut().push_str(&piece);
                    *r = r.cover(range);
                }
                None => run = Some((piece, range)),
            }
        }
        let (value, range) = run?;
        f(value, range)
    }

    /// The decoded character data directly inside the element (borrowed when it is one run
    /// without references).
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

fn cdata_body(text: &str) -> &str {
    let body = text.strip_prefix("<![CDATA[").unwrap_or(text);
    body.strip_suffix("]]>").unwrap_or(body)
}
