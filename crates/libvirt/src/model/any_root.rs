//! A schema file named explicitly (`--schema x.rng`, `domxml.schema.path` to a file): every
//! document is validated against it, whatever its root, so a wrong root is reported instead of
//! the document being silently skipped.

use std::sync::Arc;

use domxml_syntax::ast::{Document, Element};
use domxml_syntax::{TextEdit, TextSize};

use super::{AttributeInfo, ElementInfo, SchemaModel, SchemaProblem, ValueInfo};

pub struct AnyRoot(pub Arc<dyn SchemaModel>);

impl SchemaModel for AnyRoot {
    fn label(&self) -> String {
        self.0.label()
    }
    fn accepts_root(&self, _name: &str) -> bool {
        true
    }
    fn applies_to_any_document(&self) -> bool {
        true
    }
    fn root_elements(&self) -> Vec<ElementInfo> {
        self.0.root_elements()
    }
    fn validate(&self, document: &Document) -> Vec<SchemaProblem> {
        self.0.validate(document)
    }
    fn allowed_children(&self, parent: &Element, offset: TextSize) -> Vec<ElementInfo> {
        self.0.allowed_children(parent, offset)
    }
    fn element_info(&self, element: &Element) -> Option<ElementInfo> {
        self.0.element_info(element)
    }
    fn attributes(&self, element: &Element, include_present: bool) -> Vec<AttributeInfo> {
        self.0.attributes(element, include_present)
    }
    fn attribute_values(&self, element: &Element, name: &str) -> (Vec<ValueInfo>, Option<String>) {
        self.0.attribute_values(element, name)
    }
    fn text_values(&self, element: &Element) -> (Vec<ValueInfo>, Option<String>) {
        self.0.text_values(element)
    }
    fn libvirt_order(&self, parent: &Element) -> Option<TextEdit> {
        self.0.libvirt_order(parent)
    }
    fn libvirt_version(&self) -> Option<String> {
        self.0.libvirt_version()
    }
    fn prepare(&self, document: &Document) {
        self.0.prepare(document)
    }
}
