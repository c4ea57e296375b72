//! [`SchemaModel`] over a compiled `domxml-schema` catalogue: validation and the completion and
//! documentation queries, with names and documentation as plain strings.

use std::sync::Arc;

use domxml_schema::Catalogue;
use domxml_schema::query::{self, AttributeChoice, ElementChoice, ValueChoice};
use domxml_syntax::ast::{Document, Element};
use domxml_syntax::{TextEdit, TextSize};

use super::{
    AttributeInfo, ElementInfo, SchemaModel, SchemaProblem, ValueInfo, lineage, since_within,
};
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

/// `parents`: the lineage of the element's parent (empty for a root).
fn element_info(c: ElementChoice, parents: &[String]) -> ElementInfo {
    let mut within = Vec::with_capacity(parents.len() + 1);
    within.push(c.name.clone());
    within.extend_from_slice(parents);
    ElementInfo {
        since: since_within(c.since, &within),
        name: c.name,
        namespace: c.namespace,
        doc: c.doc,
        required_attributes: c.required_attributes,
        empty: c.empty,
        source: Some(location(&c.location)),
    }
}

/// `within`: the lineage of the element that carries the value (as attribute value or text).
fn value_info(v: ValueChoice, within: &[String]) -> ValueInfo {
    ValueInfo {
        value: v.value,
        doc: v.doc,
        since: since_within(v.since, within),
    }
}

/// `within`: the lineage of the element that carries the attribute.
fn attribute_info(a: AttributeChoice, within: &[String]) -> AttributeInfo {
    AttributeInfo {
        name: a.name,
        doc: a.doc,
        default: a.default,
        since: since_within(a.since, within),
        required: a.required,
        values: a
            .values
            .into_iter()
            .map(|v| value_info(v, within))
            .collect(),
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
            .map(|c| element_info(c, &[]))
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
        let parents = lineage(parent);
        query::allowed_children(&self.catalogue, parent, offset)
            .into_iter()
            .map(|c| element_info(c, &parents))
            .collect()
    }

    fn element_info(&self, element: &Element) -> Option<ElementInfo> {
        let parents: Vec<String> = lineage(element).into_iter().skip(1).collect();
        query::element_definition(&self.catalogue, element).map(|c| element_info(c, &parents))
    }

    fn attributes(&self, element: &Element, include_present: bool) -> Vec<AttributeInfo> {
        let within = lineage(element);
        query::attributes(&self.catalogue, element, include_present)
            .into_iter()
            .map(|a| attribute_info(a, &within))
            .collect()
    }

    fn attribute_values(&self, element: &Element, name: &str) -> (Vec<ValueInfo>, Option<String>) {
        let (values, datatype) = query::attribute_values(&self.catalogue, element, name);
        let within = lineage(element);
        let values = values.into_iter().map(|v| value_info(v, &within)).collect();
        (values, datatype)
    }

    fn text_values(&self, element: &Element) -> (Vec<ValueInfo>, Option<String>) {
        let (values, datatype) = query::text_values(&self.catalogue, element);
        let within = lineage(element);
        let values = values.into_iter().map(|v| value_info(v, &within)).collect();
        (values, datatype)
    }

    fn libvirt_version(&self) -> Option<String> {
        self.libvirt_version.clone()
    }
}
