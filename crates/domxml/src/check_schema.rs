//! `domxml check --schema`: which compiled schema validates which document. PATH is an `.rng`
//! file (validates every document, whatever its root), a directory of libvirt schemas (the file
//! is chosen by the document's root element) or `builtin` (the embedded catalogue). Each schema
//! is compiled once per run and shared by all the files that need it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use domxml_ide::catalogue::CatalogueModel;
use domxml_ide::{AttributeInfo, ElementInfo, SchemaModel, SchemaProblem, ValueInfo};
use domxml_schema::{DiskFiles, compile};
use domxml_syntax::TextSize;
use domxml_syntax::ast::{Document, Element};

/// What `--schema` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaArg {
    Builtin,
    File(PathBuf),
    Dir(PathBuf),
}

impl SchemaArg {
    pub fn parse(s: &str) -> SchemaArg {
        if s == "builtin" {
            SchemaArg::Builtin
        } else if Path::new(s).is_dir() {
            SchemaArg::Dir(PathBuf::from(s))
        } else {
            SchemaArg::File(PathBuf::from(s))
        }
    }
}

/// The libvirt schema file for a document root element (as libvirt's own `virt-xml-validate`).
pub fn schema_file_for_root(root: &str) -> Option<&'static str> {
    Some(match root {
        "domain" => "domain.rng",
        "network" => "network.rng",
        "networkport" => "networkport.rng",
        "pool" => "storagepool.rng",
        "volume" => "storagevol.rng",
        // libvirt's nwfilter documents are `<filter>`, bindings `<filterbinding>`.
        "filter" | "nwfilter" => "nwfilter.rng",
        "filterbinding" | "nwfilterbinding" => "nwfilterbinding.rng",
        "secret" => "secret.rng",
        "interface" => "interface.rng",
        "device" => "nodedev.rng",
        "capabilities" => "capability.rng",
        "domainsnapshot" => "domainsnapshot.rng",
        "domaincheckpoint" => "domaincheckpoint.rng",
        "domainbackup" => "domainbackup.rng",
        "domainCapabilities" => "domaincaps.rng",
        "storagepoolCapabilities" => "storagepoolcaps.rng",
        _ => return None,
    })
}

/// Compiled schemas of one run, by entry file.
pub struct Schemas {
    arg: SchemaArg,
    compiled: HashMap<PathBuf, Option<Arc<dyn SchemaModel>>>,
    /// Compiled models wrapped for drift and documentation (`host_model`), made once each.
    hosts: Vec<(Arc<dyn SchemaModel>, Arc<dyn SchemaModel>)>,
}

/// A schema to validate one document with.
pub struct Chosen {
    pub model: Arc<dyn SchemaModel>,
    /// Named explicitly as an `.rng` file: every document is validated, whatever its root.
    pub explicit: bool,
}

impl Schemas {
    pub fn new(arg: SchemaArg) -> Schemas {
        Schemas {
            arg,
            compiled: HashMap::new(),
            hosts: Vec::new(),
        }
    }

    /// `for_root`, the model wrapped by `schema_select::host_model` for `discovery`.
    pub fn for_root_host(
        &mut self,
        root: Option<&str>,
        discovery: &domxml_schema::discovery::Discovery,
    ) -> Result<Option<Chosen>, String> {
        let Some(chosen) = self.for_root(root)? else {
            return Ok(None);
        };
        let model = match self
            .hosts
            .iter()
            .find(|(m, _)| Arc::ptr_eq(m, &chosen.model))
        {
            Some((_, host)) => host.clone(),
            None => {
                let host = crate::schema_select::host_model(chosen.model.clone(), discovery);
                self.hosts.push((chosen.model, host.clone()));
                host
            }
        };
        Ok(Some(Chosen {
            model,
            explicit: chosen.explicit,
        }))
    }

    /// The schema for a document whose root element is `root`. `Ok(None)`: no schema applies
    /// (syntax only). `Err` carries a compile failure, returned the first time only.
    pub fn for_root(&mut self, root: Option<&str>) -> Result<Option<Chosen>, String> {
        let (entry, explicit) = match &self.arg {
            SchemaArg::Builtin => {
                let model = crate::lsp::schema::builtin()?;
                return Ok(Some(Chosen {
                    model,
                    explicit: false,
                }));
            }
            SchemaArg::File(path) => (path.clone(), true),
            SchemaArg::Dir(dir) => match root.and_then(schema_file_for_root) {
                Some(file) => (dir.join(file), false),
                None => return Ok(None),
            },
        };
        if let Some(model) = self.compiled.get(&entry) {
            return Ok(model.clone().map(|model| Chosen { model, explicit }));
        }
        let shown = entry.display().to_string();
        match compile(&DiskFiles, &entry.to_string_lossy()) {
            Ok(cat) => {
                let model: Arc<dyn SchemaModel> = Arc::new(CatalogueModel::new(
                    Arc::new(cat),
                    format!("schema `{shown}`"),
                    None,
                ));
                let model: Arc<dyn SchemaModel> = if explicit {
                    Arc::new(AnyRoot(model))
                } else {
                    model
                };
                self.compiled.insert(entry, Some(model.clone()));
                Ok(Some(Chosen { model, explicit }))
            }
            Err(errors) => {
                self.compiled.insert(entry, None);
                let listed: Vec<String> =
                    errors.iter().take(20).map(|e| format!("  {e}")).collect();
                let more = errors.len().saturating_sub(20);
                let tail = if more > 0 {
                    format!("\n  ... and {more} more")
                } else {
                    String::new()
                };
                Err(format!(
                    "cannot compile schema '{shown}':\n{}{tail}",
                    listed.join("\n")
                ))
            }
        }
    }
}

/// A schema named explicitly: documents of any root are validated against it (a wrong root is
/// then reported instead of the document being silently skipped).
struct AnyRoot(Arc<dyn SchemaModel>);

impl SchemaModel for AnyRoot {
    fn label(&self) -> String {
        self.0.label()
    }
    fn accepts_root(&self, _name: &str) -> bool {
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
    fn libvirt_version(&self) -> Option<String> {
        self.0.libvirt_version()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_map_to_libvirt_schema_files() {
        assert_eq!(schema_file_for_root("pool"), Some("storagepool.rng"));
        assert_eq!(schema_file_for_root("device"), Some("nodedev.rng"));
        assert_eq!(schema_file_for_root("project"), None);
    }

    #[test]
    fn schema_argument_kinds() {
        assert_eq!(SchemaArg::parse("builtin"), SchemaArg::Builtin);
        assert_eq!(SchemaArg::parse("/"), SchemaArg::Dir(PathBuf::from("/")));
        assert_eq!(
            SchemaArg::parse("x.rng"),
            SchemaArg::File(PathBuf::from("x.rng"))
        );
    }
}
