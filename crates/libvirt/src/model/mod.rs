//! The schema as editor features and the CLI see it, in plain terms: [`SchemaModel`], and the
//! models behind it: a compiled catalogue (`catalogue.rs`), a host's libvirt schema with drift
//! warnings and the built-in catalogue's documentation (`host.rs`), a libvirt schema directory
//! choosing the file by root element (`by_root.rs`), and an explicitly named file that applies
//! to every document (`any_root.rs`). Features never look at patterns themselves.

mod any_root;
mod by_root;
pub mod catalogue;
mod host;

pub use any_root::AnyRoot;
pub use by_root::ByRoot;
pub use catalogue::CatalogueModel;
pub use host::HostModel;

use domxml_syntax::ast::{Document, Element};
use domxml_syntax::{TextEdit, TextRange, TextSize};

use crate::{Code, Severity};

/// The libvirt release that introduced an element, attribute or value (the catalogue's
/// `dx:since`), with the driver it came to first when libvirt's documentation says so.
pub use domxml_schema::Since;

/// An element the schema allows at some place.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ElementInfo {
    /// Local name.
    pub name: String,
    /// Namespace URI ("" for libvirt's own elements): completion adds the prefix.
    pub namespace: String,
    pub doc: Option<String>,
    pub since: Option<Since>,
    /// Attributes every instance must have, in schema order.
    pub required_attributes: Vec<String>,
    /// Neither child elements nor text are allowed: complete as `<name/>`.
    pub empty: bool,
    /// `file:line` of the definition.
    pub source: Option<String>,
}

/// An attribute of an element.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AttributeInfo {
    pub name: String,
    pub doc: Option<String>,
    pub default: Option<String>,
    pub since: Option<Since>,
    pub required: bool,
    /// Enumerated values (empty when the value is free or typed).
    pub values: Vec<ValueInfo>,
    /// A short description of the accepted datatype(s), e.g. `unsignedInt`.
    pub datatype: Option<String>,
    pub source: Option<String>,
}

/// One enumerated value with its documentation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ValueInfo {
    pub value: String,
    pub doc: Option<String>,
    pub since: Option<Since>,
}

/// A schema validation problem with the data quick fixes need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaProblem {
    pub range: TextRange,
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    /// A did-you-mean replacement for `range`.
    pub suggestion: Option<String>,
    /// Names or values expected here (missing attributes/elements, allowed values).
    pub expected: Vec<String>,
}

/// The schema questions editor features ask, answered for elements of a parsed document.
pub trait SchemaModel: Send + Sync {
    /// Shown in hovers: where the schema comes from ("built-in catalogue (libvirt 11.3)").
    fn label(&self) -> String;
    /// Whether documents with this root element are meant for this schema.
    fn accepts_root(&self, name: &str) -> bool;
    /// Named explicitly as one file: it applies to every document, libvirt's or not.
    fn applies_to_any_document(&self) -> bool {
        false
    }
    /// Elements allowed as the document's root.
    fn root_elements(&self) -> Vec<ElementInfo>;
    /// Every problem of the document against the schema.
    fn validate(&self, document: &Document) -> Vec<SchemaProblem>;
    /// Elements allowed as a child of `parent` at `offset` (after the children before it).
    fn allowed_children(&self, parent: &Element, offset: TextSize) -> Vec<ElementInfo>;
    /// The element's own definition.
    fn element_info(&self, element: &Element) -> Option<ElementInfo>;
    /// The attributes the element may have: all of them when `include_present`, else only
    /// those that can still be added next to the ones already there.
    fn attributes(&self, element: &Element, include_present: bool) -> Vec<AttributeInfo>;
    /// Values allowed for attribute `name` of `element` (given its other attributes), and a
    /// datatype description.
    fn attribute_values(&self, element: &Element, name: &str) -> (Vec<ValueInfo>, Option<String>) {
        match find_attribute(self, element, name) {
            Some(a) => (a.values, a.datatype),
            None => (Vec::new(), None),
        }
    }
    /// Enumerated values for the element's text content, and a datatype description.
    fn text_values(&self, element: &Element) -> (Vec<ValueInfo>, Option<String>);
    /// The libvirt version the schema describes, when known.
    fn libvirt_version(&self) -> Option<String> {
        None
    }
    /// The edit that puts the children of `parent` in an order libvirt's validator (libxml2)
    /// accepts: the order libvirt writes for `<domain>`, the schema's elsewhere; `None` when
    /// nothing moves or the schema cannot say.
    fn libvirt_order(&self, _parent: &Element) -> Option<TextEdit> {
        None
    }
    /// Readies what validating this document's next versions will need, for a caller to run
    /// off the keystroke path when the document opens.
    fn prepare(&self, _document: &Document) {}
}

/// The local names of `element` and of its ancestors, innermost first (an unnamed one as ""):
/// the context a release restricted to some elements (`dx:sinceUnder`) is checked against.
pub(crate) fn lineage(element: &Element) -> Vec<String> {
    std::iter::once(element.clone())
        .chain(element.ancestors())
        .map(|e| {
            e.with_name_text(|n| n.rsplit(':').next().unwrap_or(n).to_owned())
                .unwrap_or_default()
        })
        .collect()
}

/// `since` where it holds for an element of this lineage (see [`lineage`]), else nothing: a
/// release documented for one use of a shared definition is not shown for the others.
pub(crate) fn since_within(since: Option<Since>, lineage: &[String]) -> Option<Since> {
    since.filter(|s| s.holds_within(lineage))
}

/// Finds an attribute definition by qualified name.
pub fn find_attribute<S: SchemaModel + ?Sized>(
    schema: &S,
    element: &Element,
    name: &str,
) -> Option<AttributeInfo> {
    schema
        .attributes(element, true)
        .into_iter()
        .find(|a| a.name == name)
}
