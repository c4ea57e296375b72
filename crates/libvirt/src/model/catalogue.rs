//! [`SchemaModel`] over a compiled `domxml-schema` catalogue: validation and the completion and
//! documentation queries, with names and documentation as plain strings.

use std::sync::Arc;

use domxml_schema::Catalogue;
use domxml_schema::query::{self, AttributeChoice, ElementChoice, ValueChoice};
use domxml_syntax::ast::{Document, Element};
use domxml_syntax::{TextEdit, TextSize};

use super::{AttributeInfo, ElementInfo, SchemaModel, SchemaProblem, ValueInfo};
use crate::{Code, Severity};

pub struct CatalogueModel {
    catalogue: Arc<Catalogue>,
    label: String,
    libvirt_version: Option<String>,
    roots: Vec<String>,
}

impl CatalogueModel {
    /// `label` says where the schema comes from (shown in hovers).
    pub fn new(
        catalogue: Arc<Catalogue>,
        label: impl Into<String>,
        libvirt_version: Option<String>,
    ) -> CatalogueModel {
        let roots = query::root_elements(&catalogue)
            .into_iter()
            .map(|e| e.name)
            .collect();
        CatalogueModel {
            catalogue,
            label: label.into(),
            libvirt_version,
            roots,
        }
    }

    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }
}

fn location(l: &domxml_schema::Location) -> String {
    format!("{}:{}", l.file, l.line)
}

fn element_info(c: ElementChoice) -> ElementInfo {
    let name = c.name;
    ElementInfo {
        name,
        namespace: c.namespace,
        doc: c.doc,
        since: c.since,
        required_attributes: c.required_attributes,
        empty: c.empty,
        source: Some(location(&c.location)),
    }
}

fn value_info(v: ValueChoice) -> ValueInfo {
    ValueInfo {
        value: v.value,
        doc: v.doc,
        since: v.since,
    }
}

fn attribute_info(a: AttributeChoice) -> AttributeInfo {
    AttributeInfo {
        name: a.name,
        doc: a.doc,
        default: a.default,
        since: a.since,
        required: a.required,
        values: a.values.into_iter().map(value_info).collect(),
        datatype: a.datatype,
        source: Some(location(&a.location)),
    }
}

impl SchemaModel for CatalogueModel {
    fn libvirt_order(&self, parent: &Element) -> Option<TextEdit> {
        domxml_schema::libxml2_order::reorder::libvirt_order(&self.catalogue, parent)
    }

    fn label(&self) -> String {
        self.label.clone()
    }

    fn accepts_root(&self, name: &str) -> bool {
        self.roots.iter().any(|r| r == name || r == "*")
    }

    fn root_elements(&self) -> Vec<ElementInfo> {
        query::root_elements(&self.catalogue)
            .into_iter()
            .map(element_info)
            .collect()
    }

    fn validate(&self, document: &Document) -> Vec<SchemaProblem> {
        domxml_schema::validate(&self.catalogue, document)
            .into_iter()
            .map(|d| SchemaProblem {
                range: d.range,
                severity: Severity::Error,
                code: Code::Schema(d.code),
                message: d.message,
                suggestion: d.suggestion,
                expected: d.expected,
            })
            .collect()
    }

    fn allowed_children(&self, parent: &Element, offset: TextSize) -> Vec<ElementInfo> {
        query::allowed_children(&self.catalogue, parent, offset)
            .into_iter()
            .map(element_info)
            .collect()
    }

    fn element_info(&self, element: &Element) -> Option<ElementInfo> {
        query::element_definition(&self.catalogue, element).map(element_info)
    }

    fn attributes(&self, element: &Element, include_present: bool) -> Vec<AttributeInfo> {
        query::attributes(&self.catalogue, element, include_present)
            .into_iter()
            .map(attribute_info)
            .collect()
    }

    fn attribute_values(&self, element: &Element, name: &str) -> (Vec<ValueInfo>, Option<String>) {
        let (values, datatype) = query::attribute_values(&self.catalogue, element, name);
        (values.into_iter().map(value_info).collect(), datatype)
    }

    fn text_values(&self, element: &Element) -> (Vec<ValueInfo>, Option<String>) {
        let (values, datatype) = query::text_values(&self.catalogue, element);
        (values.into_iter().map(value_info).collect(), datatype)
    }

    fn libvirt_version(&self) -> Option<String> {
        self.libvirt_version.clone()
    }
}
