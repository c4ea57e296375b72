//! A host's (or a given) libvirt schema, wrapped so that
//!
//! - problems about elements, attributes or values the newer built-in catalogue accepts are
//!   version-drift warnings naming the host's libvirt (`crate::drift`);
//! - hovers and completions get the built-in catalogue's documentation (libvirt's `.rng` files
//!   have none), looked up by document path.

use std::sync::Arc;

use domxml_schema::query;
use domxml_syntax::ast::{Document, Element};
use domxml_syntax::{TextEdit, TextSize};

use super::{AttributeInfo, ElementInfo, SchemaModel, SchemaProblem, Since, ValueInfo};
use crate::drift;

/// A libvirt schema with drift warnings and the catalogue's documentation.
pub struct HostModel {
    inner: Arc<dyn SchemaModel>,
    /// How drift warnings name the host's libvirt; `None`: no drift (same or newer libvirt).
    drift: Option<String>,
    version: Option<String>,
}

impl HostModel {
    /// `drift`: how drift warnings name the host's libvirt (`libvirt 9.0`), `None` when the
    /// host's libvirt is not known to be older than the built-in catalogue's.
    pub fn new(
        inner: Arc<dyn SchemaModel>,
        drift: Option<String>,
        version: Option<String>,
    ) -> HostModel {
        HostModel {
            inner,
            drift,
            version,
        }
    }
}

/// `domain/devices/watchdog`: the document path of an element.
fn path_of(e: &Element) -> String {
    let mut names: Vec<String> = e.ancestors().filter_map(|a| a.name_text()).collect();
    names.reverse();
    names.extend(e.name_text());
    names.join("/")
}

fn doc_for(path: &str, value: Option<&str>) -> Option<query::PathDoc> {
    let cat = crate::builtin::catalogue().ok()?;
    query::documentation(&cat, path, value)
}

/// The catalogue's documentation and release where the host schema has none.
fn fill(doc: &mut Option<String>, since: &mut Option<Since>, path: &str, value: Option<&str>) {
    if doc.is_some() && since.is_some() {
        return;
    }
    let Some(found) = doc_for(path, value) else {
        return;
    };
    if doc.is_none() {
        *doc = found.doc;
    }
    if since.is_none() {
        *since = found.since;
    }
}

fn fill_element(info: &mut ElementInfo, path: &str) {
    fill(&mut info.doc, &mut info.since, path, None);
}

fn fill_values(values: &mut [ValueInfo], path: &str) {
    for v in values.iter_mut() {
        fill(&mut v.doc, &mut v.since, path, Some(&v.value));
    }
}

fn fill_attribute(info: &mut AttributeInfo, element_path: &str) {
    let path = format!("{element_path}/@{}", info.name);
    fill(&mut info.doc, &mut info.since, &path, None);
    fill_values(&mut info.values, &path);
}

impl SchemaModel for HostModel {
    fn label(&self) -> String {
        self.inner.label()
    }

    fn accepts_root(&self, name: &str) -> bool {
        self.inner.accepts_root(name)
    }

    fn root_elements(&self) -> Vec<ElementInfo> {
        let mut roots = self.inner.root_elements();
        for r in &mut roots {
            let path = r.name.clone();
            fill_element(r, &path);
        }
        roots
    }

    fn validate(&self, document: &Document) -> Vec<SchemaProblem> {
        let problems = self.inner.validate(document);
        match &self.drift {
            Some(host) => drift::apply(document, problems, host),
            // Same or newer libvirt (or unknown): the host's word is final.
            None => problems,
        }
    }

    fn allowed_children(&self, parent: &Element, offset: TextSize) -> Vec<ElementInfo> {
        let mut children = self.inner.allowed_children(parent, offset);
        let base = path_of(parent);
        for c in &mut children {
            let path = format!("{base}/{}", c.name);
            fill_element(c, &path);
        }
        children
    }

    fn element_info(&self, element: &Element) -> Option<ElementInfo> {
        let mut info = self.inner.element_info(element)?;
        fill_element(&mut info, &path_of(element));
        Some(info)
    }

    fn attributes(&self, element: &Element, include_present: bool) -> Vec<AttributeInfo> {
        let mut attributes = self.inner.attributes(element, include_present);
        let path = path_of(element);
        for a in &mut attributes {
            fill_attribute(a, &path);
        }
        attributes
    }

    fn attribute_values(&self, element: &Element, name: &str) -> (Vec<ValueInfo>, Option<String>) {
        let (mut values, datatype) = self.inner.attribute_values(element, name);
        fill_values(&mut values, &format!("{}/@{name}", path_of(element)));
        (values, datatype)
    }

    fn text_values(&self, element: &Element) -> (Vec<ValueInfo>, Option<String>) {
        let (mut values, datatype) = self.inner.text_values(element);
        fill_values(&mut values, &path_of(element));
        (values, datatype)
    }

    fn libvirt_order(&self, parent: &Element) -> Option<TextEdit> {
        self.inner.libvirt_order(parent)
    }
    fn prepare(&self, document: &Document) {
        if self.drift.is_some() {
            drift::prepare(document);
        }
        self.inner.prepare(document);
    }

    fn libvirt_version(&self) -> Option<String> {
        self.inner
            .libvirt_version()
            .or_else(|| self.version.clone())
    }
}
