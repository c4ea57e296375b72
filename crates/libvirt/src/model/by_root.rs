//! A libvirt schema directory seen as one schema: each document is validated and completed
//! with the file its root element selects (`<network>` -> `network.rng`). Files other than
//! `domain.rng` are compiled the first time a document needs them, and kept; one that does not
//! compile is reported on the document's root element.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use domxml_syntax::ast::{Document, Element};
use domxml_syntax::{TextEdit, TextSize};

use super::{AttributeInfo, ElementInfo, SchemaModel, SchemaProblem, ValueInfo};
use crate::kinds::schema_file_for_root;
use crate::{Code, Severity};

type Loaded = Result<Arc<dyn SchemaModel>, String>;

pub struct ByRoot {
    dir: PathBuf,
    domain: Arc<dyn SchemaModel>,
    /// Compiles one schema file of the directory (with version and drift handling).
    load: Box<dyn Fn(PathBuf) -> Loaded + Send + Sync>,
    /// Other kinds, by schema file.
    others: Mutex<HashMap<&'static str, Loaded>>,
}

impl ByRoot {
    pub fn new(
        dir: PathBuf,
        domain: Arc<dyn SchemaModel>,
        load: impl Fn(PathBuf) -> Loaded + Send + Sync + 'static,
    ) -> ByRoot {
        ByRoot {
            dir,
            domain,
            load: Box::new(load),
            others: Mutex::new(HashMap::new()),
        }
    }

    fn loaded(&self, root: &str) -> Option<Loaded> {
        let file = schema_file_for_root(root)?;
        if file == "domain.rng" {
            return Some(Ok(self.domain.clone()));
        }
        let mut others = self.others.lock().ok()?;
        Some(
            others
                .entry(file)
                .or_insert_with(|| (self.load)(self.dir.join(file)))
                .clone(),
        )
    }

    fn for_root(&self, root: &str) -> Option<Arc<dyn SchemaModel>> {
        self.loaded(root)?.ok()
    }

    fn for_element(&self, element: &Element) -> Option<Arc<dyn SchemaModel>> {
        let root = element
            .ancestors()
            .last()
            .unwrap_or_else(|| element.clone());
        self.for_root(root.name()?.local())
    }
}

impl SchemaModel for ByRoot {
    fn label(&self) -> String {
        self.domain.label()
    }

    fn accepts_root(&self, name: &str) -> bool {
        self.for_root(name).is_some_and(|m| m.accepts_root(name))
    }

    fn root_elements(&self) -> Vec<ElementInfo> {
        self.domain.root_elements()
    }

    fn validate(&self, document: &Document) -> Vec<SchemaProblem> {
        let Some(name) = document.root().and_then(|r| r.name()) else {
            return Vec::new();
        };
        match self.loaded(name.text()) {
            Some(Ok(model)) => model.validate(document),
            Some(Err(message)) => vec![SchemaProblem {
                range: name.range(),
                severity: Severity::Error,
                code: Code::SchemaUnavailable,
                message: format!("not validated: {message}"),
                suggestion: None,
                expected: Vec::new(),
            }],
            None => Vec::new(),
        }
    }

    fn allowed_children(&self, parent: &Element, offset: TextSize) -> Vec<ElementInfo> {
        self.for_element(parent)
            .map(|m| m.allowed_children(parent, offset))
            .unwrap_or_default()
    }

    fn element_info(&self, element: &Element) -> Option<ElementInfo> {
        self.for_element(element)?.element_info(element)
    }

    fn attributes(&self, element: &Element, include_present: bool) -> Vec<AttributeInfo> {
        self.for_element(element)
            .map(|m| m.attributes(element, include_present))
            .unwrap_or_default()
    }

    fn attribute_values(&self, element: &Element, name: &str) -> (Vec<ValueInfo>, Option<String>) {
        self.for_element(element)
            .map(|m| m.attribute_values(element, name))
            .unwrap_or_default()
    }

    fn text_values(&self, element: &Element) -> (Vec<ValueInfo>, Option<String>) {
        self.for_element(element)
            .map(|m| m.text_values(element))
            .unwrap_or_default()
    }

    fn libvirt_order(&self, parent: &Element) -> Option<TextEdit> {
        self.for_element(parent)?.libvirt_order(parent)
    }

    fn libvirt_version(&self) -> Option<String> {
        self.domain.libvirt_version()
    }

    fn prepare(&self, document: &Document) {
        let name = document.root().and_then(|r| r.name());
        if let Some(Ok(model)) = name.and_then(|n| self.loaded(n.text())) {
            model.prepare(document);
        }
    }
}
