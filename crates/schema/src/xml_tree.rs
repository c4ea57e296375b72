//! A schema file as a small owned XML tree with resolved namespaces and line numbers, built
//! from a domxml-syntax tree. The compiler walks this instead of the lossless syntax tree
//! because it needs namespace-resolved names and cheap sharing of define bodies (`Rc`).

use std::rc::Rc;

use crate::doc_walk::{GElem, Item, parts_of};

pub const RNG_NS: &str = "http://relaxng.org/ns/structure/1.0";
pub const ANNOTATIONS_NS: &str = "http://relaxng.org/ns/compatibility/annotations/1.0";
/// domxml's own annotations (`dx:since`), next to the compatibility ones.
pub const DOMXML_NS: &str = "urn:x-domxml:annotations";
pub const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// A namespace declaration (`xmlns`, `xmlns:p`), not an attribute.
pub(crate) fn is_xmlns(qname: &str) -> bool {
    qname == "xmlns" || qname.starts_with("xmlns:")
}

#[derive(Debug)]
pub struct XElem {
    /// Shared with the declaration in scope (no copy of the namespace per element).
    pub ns: Rc<str>,
    pub local: String,
    pub attrs: Vec<XAttr>,
    pub children: Vec<XChild>,
    /// 1-based line of the start tag.
    pub line: u32,
    /// Namespace declarations in scope (prefix, uri), innermost last; "" prefix = default.
    pub scope: Rc<Vec<(String, Rc<str>)>>,
}

#[derive(Debug)]
pub struct XAttr {
    pub ns: String,
    pub local: String,
    pub value: String,
}

#[derive(Debug)]
pub enum XChild {
    Elem(Rc<XElem>),
    Text(String),
}

impl XElem {
    pub fn is_rng(&self, local: &str) -> bool {
        *self.ns == *RNG_NS && self.local == local
    }

    /// An unqualified attribute.
    pub fn attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.ns.is_empty() && a.local == local)
            .map(|a| a.value.as_str())
    }

    pub fn attr_ns(&self, ns: &str, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.ns == ns && a.local == local)
            .map(|a| a.value.as_str())
    }

    /// The `dx:since` (and `dx:sinceDriver`, `dx:sinceUnder`) annotation on this pattern.
    pub fn since(&self) -> Option<crate::catalogue::Since> {
        let version = self.attr_ns(DOMXML_NS, "since")?.trim().to_owned();
        let other = |local| self.attr_ns(DOMXML_NS, local).map(|d| d.trim().to_owned());
        Some(crate::catalogue::Since {
            version,
            driver: other("sinceDriver"),
            under: other("sinceUnder"),
        })
    }

    /// RELAX NG child elements (annotations and foreign elements skipped).
    pub fn rng_children(&self) -> impl Iterator<Item = &Rc<XElem>> {
        self.children.iter().filter_map(|c| match c {
            XChild::Elem(e) if *e.ns == *RNG_NS => Some(e),
            _ => None,
        })
    }

    /// The concatenated text children.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for c in &self.children {
            if let XChild::Text(t) = c {
                s.push_str(t);
            }
        }
        s
    }

    /// Resolves a prefix in the scope; `None` for an undeclared prefix.
    pub fn resolve_prefix(&self, prefix: &str) -> Option<&str> {
        if prefix == "xml" {
            return Some(XML_NS);
        }
        self.scope
            .iter()
            .rev()
            .find(|(p, _)| p == prefix)
            .map(|(_, u)| &**u)
    }

    /// The first `a:documentation` child, trimmed.
    pub fn documentation(&self) -> Option<String> {
        self.children.iter().find_map(|c| match c {
            XChild::Elem(e) if *e.ns == *ANNOTATIONS_NS && e.local == "documentation" => {
                Some(crate::docs::clean(&e.text()))
            }
            _ => None,
        })
    }
}

/// Builds an owned tree from a parsed schema file; `Err((line, message))` on XML errors.
pub fn from_text(text: &str) -> Result<Rc<XElem>, (u32, String)> {
    let parse = domxml_syntax::parse(text);
    if let Some(err) = parse.errors().first() {
        return Err((
            line_of(text, u32::from(err.range.start()) as usize),
            err.message.clone(),
        ));
    }
    let root = parse
        .document()
        .root()
        .ok_or((1, "no root element".to_owned()))?;
    let lines = LineStarts::new(text);
    convert(GElem::of(&root), &Rc::new(Vec::new()), &lines)
}

struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(text: &str) -> LineStarts {
        let mut v = vec![0];
        v.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineStarts(v)
    }
    fn line(&self, offset: usize) -> u32 {
        (self.0.partition_point(|&s| s <= offset)) as u32
    }
}

fn line_of(text: &str, offset: usize) -> u32 {
    LineStarts::new(text).line(offset)
}

fn convert(
    elem: GElem<'_>,
    parent_scope: &Rc<Vec<(String, Rc<str>)>>,
    lines: &LineStarts,
) -> Result<Rc<XElem>, (u32, String)> {
    let parts = parts_of(elem, true);
    let name = parts.name.ok_or((1, "element without a name".to_owned()))?;
    let line = lines.line(u32::from(name.range().start()) as usize);
    let mut scope = parent_scope.clone();
    for attr in &parts.attrs {
        let qname = attr.name.text();
        if qname == "xmlns" {
            Rc::make_mut(&mut scope).push((String::new(), Rc::from(&*attr.text())));
        } else if let Some(p) = qname.strip_prefix("xmlns:") {
            Rc::make_mut(&mut scope).push((p.to_owned(), Rc::from(&*attr.text())));
        }
    }
    let lookup = |prefix: &str| -> Option<Rc<str>> {
        if prefix == "xml" {
            return Some(Rc::from(XML_NS));
        }
        scope
            .iter()
            .rev()
            .find(|(p, _)| p == prefix)
            .map(|(_, u)| u.clone())
    };
    let ns = match name.prefix() {
        Some(p) => lookup(p).ok_or((line, format!("undeclared namespace prefix '{p}'")))?,
        None => lookup("").unwrap_or_else(|| Rc::from("")),
    };
    let mut attrs = Vec::with_capacity(parts.attrs.len());
    for attr in &parts.attrs {
        let an = attr.name;
        if is_xmlns(an.text()) {
            continue;
        }
        let ns = match an.prefix() {
            Some(p) => lookup(p)
                .ok_or((line, format!("undeclared namespace prefix '{p}'")))?
                .to_string(),
            None => String::new(),
        };
        attrs.push(XAttr {
            ns,
            local: an.local().to_owned(),
            value: attr.text().into_owned(),
        });
    }
    // Whitespace next to child elements means nothing in a schema (RELAX NG 4.2); text of
    // elements without children (value, param, name, documentation) is kept whole.
    let items = crate::doc_walk::without_chunks(parts.items);
    let has_elements = items.iter().any(|i| matches!(i, Item::Element(_)));
    let mut children = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Item::Chunk(_) => unreachable!("chunks are read through"),
            Item::Element(child) => children.push(XChild::Elem(convert(child, &scope, lines)?)),
            Item::Text { blank: true, .. } if has_elements => {}
            Item::Text { text, .. } => children.push(XChild::Text(text.into_owned())),
        }
    }
    Ok(Rc::new(XElem {
        ns,
        local: name.local().to_owned(),
        attrs,
        children,
        line,
        scope,
    }))
}
