//! Typed views over the untyped tree, in the style of rust-analyzer's `ast`: cheap wrappers that
//! answer "what is this element's name, its attributes, its children" with ranges.

use rowan::TextRange;

use crate::chunk;
use crate::green::children_at;
use crate::refs;
use crate::{SyntaxKind, SyntaxKind::*, SyntaxNode, SyntaxToken};

macro_rules! ast_node {
    ($name:ident, $kind:ident) => {
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name(SyntaxNode);

        impl $name {
            pub fn cast(node: SyntaxNode) -> Option<Self> {
                (node.kind() == $kind).then_some($name(node))
            }

            pub fn syntax(&self) -> &SyntaxNode {
                &self.0
            }

            pub fn range(&self) -> TextRange {
                self.0.text_range()
            }
        }
    };
}

ast_node!(Document, DOCUMENT);
ast_node!(Element, ELEMENT);
ast_node!(Attribute, ATTRIBUTE);
ast_node!(StartTag, START_TAG);
ast_node!(EndTag, END_TAG);

impl Document {
    /// The first element at the top level.
    pub fn root(&self) -> Option<Element> {
        self.0.children().find_map(Element::cast)
    }
}

/// An element or attribute name as written, possibly prefixed (`qemu:commandline`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Name(SyntaxToken);

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

    pub fn token(&self) -> &SyntaxToken {
        &self.0
    }
}

/// Content of an element: child elements and text, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    Element(Element),
    Text(TextChunk),
}

/// A run of character data: text, references and CDATA merged; comments and processing
/// instructions inside it are skipped without splitting it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextChunk {
    pub range: TextRange,
    pub value: String,
}

impl TextChunk {
    pub fn is_whitespace(&self) -> bool {
        crate::parser::is_xml_whitespace(&self.value)
    }
}

impl Element {
    /// The start tag, or the empty-element tag of `<x/>`.
    pub fn tag(&self) -> Option<SyntaxNode> {
        self.0
            .children()
            .find(|n| matches!(n.kind(), START_TAG | EMPTY_ELEM_TAG))
    }

    pub fn start_tag(&self) -> Option<StartTag> {
        self.0.children().find_map(StartTag::cast)
    }

    pub fn end_tag(&self) -> Option<EndTag> {
        // Usually the last child; tags of elements nested past the depth limit (not nodes)
        // are content, in chunks when there are many.
        self.0
            .last_child()
            .and_then(EndTag::cast)
            .or_else(|| chunk::children(&self.0).filter_map(EndTag::cast).last())
    }

    pub fn name(&self) -> Option<Name> {
        name_token(&self.tag()?).map(Name)
    }

    /// The name as written, read from the green tree (no cursor is created).
    pub fn name_text(&self) -> Option<String> {
        self.with_name_text(str::to_owned)
    }

    /// `f` of the name as written, read from the green tree: no cursor and no allocation.
    pub fn with_name_text<T>(&self, f: impl FnOnce(&str) -> T) -> Option<T> {
        use rowan::{Language, NodeOrToken};
        let kind = crate::XmlLanguage::kind_from_raw;
        let green = self.0.green();
        let tag = green.children().find_map(|c| match c {
            NodeOrToken::Node(n) if matches!(kind(n.kind()), START_TAG | EMPTY_ELEM_TAG) => Some(n),
            _ => None,
        })?;
        tag.children()
            .find_map(|t| match t {
                NodeOrToken::Token(token) if kind(token.kind()) == NAME => Some(token),
                _ => None,
            })
            .map(|token| f(token.text()))
    }

    /// The element's range together with the indentation before it on its own line, so that
    /// removing it leaves no blank line.
    pub fn range_with_line_indent(&self) -> TextRange {
        let range = self.range();
        let own = rowan::NodeOrToken::Node(self.0.clone());
        let Some(prev) = chunk::prev_sibling_or_token(&own).and_then(|p| p.into_token()) else {
            return range;
        };
        let space = prev.text();
        match space.rfind('\n') {
            Some(nl) if space.chars().all(char::is_whitespace) => TextRange::new(
                prev.text_range().start() + rowan::TextSize::from(nl as u32),
                range.end(),
            ),
            _ => range,
        }
    }

    pub fn is_self_closing(&self) -> bool {
        self.tag().is_some_and(|t| t.kind() == EMPTY_ELEM_TAG)
    }

    pub fn attributes(&self) -> impl Iterator<Item = Attribute> + use<> {
        self.tag()
            .into_iter()
            .flat_map(|t| t.children().filter_map(Attribute::cast))
    }

    /// The first attribute with this qualified name.
    pub fn attribute(&self, qname: &str) -> Option<Attribute> {
        self.attributes()
            .find(|a| a.name().is_some_and(|n| n.text() == qname))
    }

    /// The unquoted, decoded value of an attribute, when present.
    pub fn attribute_value(&self, qname: &str) -> Option<String> {
        self.attribute_value_and_range(qname).map(|(v, _)| v)
    }

    /// The decoded value of the first attribute named `qname` and the range between its
    /// quotes. Read from the green tree: no cursor is created, so it is cheap to ask often.
    pub fn attribute_value_and_range(&self, qname: &str) -> Option<(String, TextRange)> {
        use rowan::{Language, NodeOrToken};
        let kind = crate::XmlLanguage::kind_from_raw;
        let green = self.0.green();
        for (tag_at, child) in children_at(green, self.0.text_range().start()) {
            let NodeOrToken::Node(tag) = child else {
                continue;
            };
            if !matches!(kind(tag.kind()), START_TAG | EMPTY_ELEM_TAG) {
                continue;
            }
            for (at, part) in children_at(tag, tag_at) {
                let NodeOrToken::Node(attribute) = part else {
                    continue;
                };
                if kind(attribute.kind()) != ATTRIBUTE {
                    continue;
                }
                let mut named = false;
                for (start, t) in children_at(attribute, at) {
                    let NodeOrToken::Token(token) = t else {
                        continue;
                    };
                    match kind(token.kind()) {
                        NAME if !named => {
                            if token.text() != qname {
                                break;
                            }
                            named = true;
                        }
                        ATTR_VALUE if named => {
                            let text = token.text();
                            let r = inner_range_in(text);
                            let range = TextRange::new(
                                start + rowan::TextSize::from(r.start as u32),
                                start + rowan::TextSize::from(r.end as u32),
                            );
                            return Some((refs::decode(&text[r]).into_owned(), range));
                        }
                        _ => {}
                    }
                }
                if named {
                    // The first attribute of that name has no value.
                    return None;
                }
            }
            return None;
        }
        None
    }

    /// Whether this element's name (as written, with any prefix) is `qname`, read from the
    /// green tree without creating cursors.
    pub fn name_is(&self, qname: &str) -> bool {
        use rowan::{Language, NodeOrToken};
        let kind = crate::XmlLanguage::kind_from_raw;
        let green = self.0.green();
        for child in green.children() {
            if let NodeOrToken::Node(tag) = child
                && matches!(kind(tag.kind()), START_TAG | EMPTY_ELEM_TAG)
            {
                return tag.children().any(|t| {
                    matches!(t, NodeOrToken::Token(token) if kind(token.kind()) == NAME && token.text() == qname)
                });
            }
        }
        false
    }

    /// The child elements (through the chunks of a long content, `chunk.rs`).
    pub fn children(&self) -> impl Iterator<Item = Element> + use<> {
        chunk::children(&self.0).filter_map(Element::cast)
    }

    pub fn parent(&self) -> Option<Element> {
        chunk::parent(&self.0).and_then(Element::cast)
    }

    pub fn ancestors(&self) -> impl Iterator<Item = Element> + use<> {
        self.0.ancestors().skip(1).filter_map(Element::cast)
    }

    pub fn content(&self) -> impl Iterator<Item = Content> + use<> {
        let mut out = Vec::new();
        let mut chunk: Option<TextChunk> = None;
        let flush = |chunk: &mut Option<TextChunk>, out: &mut Vec<Content>| {
            if let Some(c) = chunk.take() {
                out.push(Content::Text(c));
            }
        };
        for child in chunk::children_with_tokens(&self.0) {
            match child {
                rowan::NodeOrToken::Node(node) => {
                    if let Some(e) = Element::cast(node) {
                        flush(&mut chunk, &mut out);
                        out.push(Content::Element(e));
                    }
                }
                rowan::NodeOrToken::Token(token) => {
                    let piece = match token.kind() {
                        TEXT | WHITESPACE | ENTITY_REF | CHAR_REF => {
                            refs::decode(token.text()).into_owned()
                        }
                        CDATA => cdata_body(token.text()).to_string(),
                        _ => continue,
                    };
                    let range = token.text_range();
                    match &mut chunk {
                        Some(c) => {
                            c.value.push_str(&piece);
                            c.range = c.range.cover(range);
                        }
                        None => {
                            chunk = Some(TextChunk {
                                range,
                                value: piece,
                            })
                        }
                    }
                }
            }
        }
        flush(&mut chunk, &mut out);
        out.into_iter()
    }

    /// The decoded character data directly inside this element (not inside child elements).
    pub fn text(&self) -> String {
        let mut s = String::new();
        for c in self.content() {
            if let Content::Text(t) = c {
                s.push_str(&t.value);
            }
        }
        s
    }

    /// The namespace URI bound to `prefix` (`None`: the default namespace) here.
    pub fn lookup_namespace(&self, prefix: Option<&str>) -> Option<String> {
        let wanted = match prefix {
            Some(p) => format!("xmlns:{p}"),
            None => "xmlns".to_string(),
        };
        std::iter::once(self.clone())
            .chain(self.ancestors())
            .find_map(|e| e.attribute_value(&wanted))
            .or_else(|| {
                (prefix == Some("xml")).then(|| "http://www.w3.org/XML/1998/namespace".into())
            })
    }

    /// The namespace URI of this element's own name.
    pub fn namespace(&self) -> Option<String> {
        let name = self.name()?;
        self.lookup_namespace(name.prefix())
            .filter(|ns| !ns.is_empty())
    }
}

impl Attribute {
    pub fn name(&self) -> Option<Name> {
        name_token(&self.0).map(Name)
    }

    pub fn value(&self) -> Option<AttributeValue> {
        self.0
            .children_with_tokens()
            .filter_map(|c| c.into_token())
            .find(|t| t.kind() == ATTR_VALUE)
            .map(AttributeValue)
    }

    /// The element whose tag holds this attribute.
    pub fn element(&self) -> Option<Element> {
        self.0.parent()?.parent().and_then(Element::cast)
    }
}

impl EndTag {
    pub fn name(&self) -> Option<Name> {
        name_token(&self.0).map(Name)
    }
}

impl StartTag {
    pub fn name(&self) -> Option<Name> {
        name_token(&self.0).map(Name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AttributeValue(SyntaxToken);

impl AttributeValue {
    /// The value without its quotes, with references decoded.
    pub fn unquoted(&self) -> String {
        refs::decode(self.raw_inner()).into_owned()
    }

    /// The text between the quotes, exactly as written.
    pub fn raw_inner(&self) -> &str {
        let text = self.0.text();
        let r = inner_range_in(text);
        &text[r]
    }

    /// The value including its quotes.
    pub fn range(&self) -> TextRange {
        self.0.text_range()
    }

    /// The value between its quotes.
    pub fn value_range(&self) -> TextRange {
        let text = self.0.text();
        let r = inner_range_in(text);
        let start = self.0.text_range().start();
        TextRange::new(
            start + rowan::TextSize::from(r.start as u32),
            start + rowan::TextSize::from(r.end as u32),
        )
    }

    /// The quote character, if the value is quoted.
    pub fn quote(&self) -> Option<char> {
        self.0
            .text()
            .chars()
            .next()
            .filter(|c| matches!(c, '"' | '\''))
    }

    pub fn token(&self) -> &SyntaxToken {
        &self.0
    }
}

/// The bytes of an attribute value token between its quotes: all of it when unquoted, the
/// rest after an opening quote that is never closed.
pub fn inner_range_in(text: &str) -> std::ops::Range<usize> {
    let bytes = text.as_bytes();
    match bytes.first() {
        Some(&q @ (b'"' | b'\'')) => {
            let end = if bytes.len() >= 2 && bytes[bytes.len() - 1] == q {
                bytes.len() - 1
            } else {
                bytes.len()
            };
            1..end
        }
        _ => 0..bytes.len(),
    }
}

fn name_token(node: &SyntaxNode) -> Option<SyntaxToken> {
    node.children_with_tokens()
        .filter_map(|c| c.into_token())
        .find(|t| t.kind() == NAME)
}

fn cdata_body(text: &str) -> &str {
    let body = text.strip_prefix("<![CDATA[").unwrap_or(text);
    body.strip_suffix("]]>").unwrap_or(body)
}

/// Kinds whose tokens carry character data.
pub fn is_text_kind(kind: SyntaxKind) -> bool {
    matches!(kind, TEXT | WHITESPACE | ENTITY_REF | CHAR_REF | CDATA)
}
