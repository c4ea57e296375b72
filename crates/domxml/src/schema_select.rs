//! The schema `domxml check` and the language server validate with when none is forced:
//! discovery (explicit choice, `DOMXML_SCHEMA_PATH`, the host's libvirt schemas, else the
//! built-in catalogue; see `domxml_schema::discovery`), `--print-schema`'s report, and the
//! host-schema model: a libvirt schema (host directory or given path) wrapped so that
//!
//! - problems about elements, attributes or values the newer built-in catalogue accepts are
//!   version-drift warnings naming the host's libvirt (`domxml_schema::drift`);
//! - hovers and completions get the catalogue's documentation (libvirt's `.rng` files have
//!   none), looked up by document path.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, OnceLock};

use domxml_ide::catalogue::CatalogueModel;
use domxml_ide::{AttributeInfo, ElementInfo, SchemaModel, SchemaProblem, Severity, ValueInfo};
use domxml_schema::discovery::{self, BUILTIN_LIBVIRT_VERSION, Discovery, Inputs, SchemaChoice};
use domxml_schema::{Catalogue, DiskFiles, EmbeddedFiles, compile, drift, query};
use domxml_syntax::TextSize;
use domxml_syntax::ast::{Document, Element};

use crate::check_schema::{SchemaArg, schema_file_for_root};

/// The code of a version-drift warning.
pub const CODE_VERSION_DRIFT: &str = "version-drift";

/// Discovery from the process environment and the standard host directories; `from` says
/// where `explicit` came from (`--schema`, `setting domxml.schema.path`).
pub fn discover(explicit: Option<&str>, from: &str) -> Discovery {
    discovery::discover(&Inputs::from_process(explicit, from))
}

/// What `domxml check`'s schema cache should compile for a discovery.
pub fn schema_arg(d: &Discovery) -> SchemaArg {
    match &d.choice {
        SchemaChoice::Builtin => SchemaArg::Builtin,
        // The same reading of a path as `--schema` has always had.
        SchemaChoice::Dir(p) | SchemaChoice::File(p) => SchemaArg::parse(&p.to_string_lossy()),
    }
}

/// The built-in catalogue, compiled once (documentation and drift reference).
fn builtin_catalogue() -> Option<&'static Catalogue> {
    static CAT: OnceLock<Option<Catalogue>> = OnceLock::new();
    CAT.get_or_init(|| compile(&EmbeddedFiles, EmbeddedFiles::DOMAIN).ok())
        .as_ref()
}

fn version_numbers(v: &str) -> Vec<u32> {
    v.split('.').filter_map(|p| p.parse().ok()).collect()
}

/// How drift warnings name the host's libvirt, when drift applies: the schema is not the
/// built-in catalogue and its libvirt is known to be older than the catalogue's.
pub fn drift_label(d: &Discovery) -> Option<String> {
    if d.choice == SchemaChoice::Builtin {
        return None;
    }
    match &d.version {
        Some(v) => {
            let host = version_numbers(&v.short());
            let builtin = version_numbers(BUILTIN_LIBVIRT_VERSION);
            (host < builtin && !v.at_least).then(|| format!("libvirt {}", v.short()))
        }
        // Unknown: it may as well be newer, or not libvirt's at all; its word is final.
        None => None,
    }
}

/// `--print-schema`: which schema is used and why, and for `file`, which schema file its root
/// element selects.
pub fn describe(d: &Discovery, file: Option<&Path>) -> String {
    let mut out = format!("schema: {}\nwhy: {}\n", d.choice, d.reason);
    match &d.version {
        Some(v) => out.push_str(&format!("libvirt: {v}\n")),
        None => out.push_str("libvirt: version unknown\n"),
    }
    for note in &d.notes {
        out.push_str(&format!("note: {note}\n"));
    }
    if let Some(label) = drift_label(d) {
        out.push_str(&format!(
            "drift: what {label} rejects but the built-in catalogue (libvirt {BUILTIN_LIBVIRT_VERSION}) accepts is reported as a warning\n"
        ));
    }
    let Some(file) = file else {
        return out;
    };
    let root = std::fs::read_to_string(file)
        .ok()
        .and_then(|text| domxml_ide::kinds::root_name(&domxml_syntax::parse(&text)));
    let shown = file.display();
    let line = match (&root, &d.choice) {
        (None, _) => format!("{shown}: no root element (or unreadable): syntax only"),
        (Some(root), SchemaChoice::Builtin) if root == "domain" => {
            format!("{shown}: <domain> -> the built-in catalogue")
        }
        (Some(root), SchemaChoice::Builtin) => format!(
            "{shown}: <{root}> -> syntax only (the built-in catalogue covers <domain>; give --schema a libvirt schema directory)"
        ),
        (Some(root), SchemaChoice::Dir(dir)) => match schema_file_for_root(root) {
            Some(f) => format!("{shown}: <{root}> -> {}", dir.join(f).display()),
            None => format!("{shown}: <{root}> -> syntax only (not a libvirt document)"),
        },
        (Some(root), SchemaChoice::File(f)) => format!("{shown}: <{root}> -> {}", f.display()),
    };
    out.push_str(&line);
    out.push('\n');
    out
}

/// `domxml check --print-schema [FILE]...`: the report on standard output.
pub fn print(d: &Discovery, files: &[PathBuf]) -> ExitCode {
    let mut out = describe(d, None);
    for file in files {
        let full = describe(d, Some(file));
        if let Some(line) = full.lines().last() {
            out.push_str(line);
            out.push('\n');
        }
    }
    print!("{out}");
    ExitCode::SUCCESS
}

/// `model` (compiled from the discovered host or given schema) with drift warnings and the
/// catalogue's documentation; the built-in catalogue is returned as it is.
pub fn host_model(model: Arc<dyn SchemaModel>, d: &Discovery) -> Arc<dyn SchemaModel> {
    if d.choice == SchemaChoice::Builtin {
        return model;
    }
    Arc::new(HostModel {
        inner: model,
        drift: drift_label(d),
        version: d.version.as_ref().map(|v| v.version.clone()),
    })
}

/// For the language server when no schema is configured: the discovered host schema
/// (environment variable or host directory), or `None` for the built-in catalogue.
pub fn server_default() -> Option<Result<Arc<dyn SchemaModel>, String>> {
    let d = discover(None, "setting domxml.schema.path");
    server_model(&d)
}

/// What `domxml/status` reports when no schema is configured and discovery finds one other
/// than the built-in catalogue: (kind `environment` or `host`, libvirt version, entry file).
pub fn server_status_default() -> Option<(String, Option<String>, String)> {
    let d = discover(None, "setting domxml.schema.path");
    let entry = match &d.choice {
        SchemaChoice::Builtin => return None,
        SchemaChoice::Dir(dir) => dir.join("domain.rng"),
        SchemaChoice::File(f) => f.clone(),
    };
    let kind = match d.origin {
        discovery::Origin::Environment => "environment",
        _ => "host",
    };
    Some((
        kind.to_owned(),
        d.version.as_ref().map(|v| v.version.clone()),
        entry.to_string_lossy().into_owned(),
    ))
}

/// The libvirt version detected for a configured schema path (directory or `.rng` file).
pub fn configured_version(path: &str) -> Option<String> {
    discover(Some(path), "setting domxml.schema.path")
        .version
        .map(|v| v.version)
}

/// The model for a configured `domxml.schema.path` (a directory or an `.rng` file).
pub fn server_configured(path: &str) -> Result<Arc<dyn SchemaModel>, String> {
    let d = discover(Some(path), "setting domxml.schema.path");
    server_model(&d).unwrap_or_else(|| Err("the built-in catalogue was asked for".to_owned()))
}

fn server_model(d: &Discovery) -> Option<Result<Arc<dyn SchemaModel>, String>> {
    let model = entry_model(d)?;
    let SchemaChoice::Dir(dir) = &d.choice else {
        return Some(model);
    };
    // A directory serves every libvirt kind, each with the file its root selects.
    let for_file = d.clone();
    Some(model.map(|domain| {
        Arc::new(crate::schema_by_root::ByRoot::new(
            dir.clone(),
            domain,
            move |file| {
                let d = Discovery {
                    choice: SchemaChoice::File(file),
                    ..for_file.clone()
                };
                entry_model(&d).and_then(Result::ok)
            },
        )) as Arc<dyn SchemaModel>
    }))
}

/// The model of the discovered entry file (`domain.rng` for a directory).
fn entry_model(d: &Discovery) -> Option<Result<Arc<dyn SchemaModel>, String>> {
    let entry = match &d.choice {
        SchemaChoice::Builtin => return None,
        SchemaChoice::Dir(dir) => dir.join("domain.rng"),
        SchemaChoice::File(f) => f.clone(),
    };
    let shown = entry.display().to_string();
    Some(match compile(&DiskFiles, &shown) {
        Ok(cat) => {
            let label = match d.libvirt_label() {
                Some(v) => format!("schema `{shown}` ({v}; {})", d.reason),
                None => format!("schema `{shown}` ({})", d.reason),
            };
            let version = d.version.as_ref().map(|v| v.version.clone());
            let model: Arc<dyn SchemaModel> =
                Arc::new(CatalogueModel::new(Arc::new(cat), label, version));
            Ok(host_model(model, d))
        }
        Err(errors) => {
            let first: Vec<String> = errors.iter().take(3).map(|e| e.to_string()).collect();
            Err(format!(
                "cannot compile schema '{shown}': {}",
                first.join("; ")
            ))
        }
    })
}

/// A libvirt schema with drift warnings and the catalogue's documentation.
struct HostModel {
    inner: Arc<dyn SchemaModel>,
    /// How drift warnings name the host's libvirt; `None`: no drift (same or newer libvirt).
    drift: Option<String>,
    version: Option<String>,
}

/// `domain/devices/watchdog`: the document path of an element.
fn path_of(e: &Element) -> String {
    let mut names: Vec<String> = e.ancestors().filter_map(|a| a.name_text()).collect();
    names.reverse();
    names.extend(e.name_text());
    names.join("/")
}

fn doc_for(path: &str, value: Option<&str>) -> Option<String> {
    let cat = builtin_catalogue()?;
    query::documentation(cat, path, value).and_then(|d| d.doc)
}

fn fill_element(info: &mut ElementInfo, path: &str) {
    if info.doc.is_none() {
        info.doc = doc_for(path, None);
    }
}

fn fill_values(values: &mut [ValueInfo], path: &str) {
    for v in values.iter_mut().filter(|v| v.doc.is_none()) {
        v.doc = doc_for(path, Some(&v.value));
    }
}

fn fill_attribute(info: &mut AttributeInfo, element_path: &str) {
    let path = format!("{element_path}/@{}", info.name);
    if info.doc.is_none() {
        info.doc = doc_for(&path, None);
    }
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
        let mut problems = self.inner.validate(document);
        // The catalogue is compiled only when a problem may need reclassifying: with no drift
        // label (same or newer libvirt) or no problem, it is not needed at all.
        let Some(host) = &self.drift else {
            return problems;
        };
        let is_domain = document
            .root()
            .and_then(|r| r.name())
            .is_some_and(|n| n.local() == "domain");
        if problems.is_empty() || !is_domain {
            return problems;
        }
        let Some(cat) = builtin_catalogue() else {
            return problems;
        };
        let newer = domxml_schema::validate(cat, document);
        let mut unknown = Vec::new();
        for p in &mut problems {
            if let Some(r) = drift::reclassify(document, p.range, &p.code, &p.message, &newer, host)
            {
                unknown.extend(r.unknown_element);
                p.severity = Severity::Warning;
                p.code = CODE_VERSION_DRIFT.to_owned();
                p.message = r.message;
                p.suggestion = None;
            }
        }
        for d in drift::inside_unknown_elements(&unknown, &newer, host) {
            if !problems.iter().any(|p| p.range == d.range) {
                problems.push(SchemaProblem {
                    range: d.range,
                    severity: Severity::Error,
                    code: d.code.to_owned(),
                    message: d.message,
                    suggestion: d.suggestion,
                    expected: d.expected,
                });
            }
        }
        problems.sort_by_key(|p| (p.range.start(), p.range.end()));
        problems
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

    fn libvirt_version(&self) -> Option<String> {
        self.inner
            .libvirt_version()
            .or_else(|| self.version.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domxml_schema::discovery::{DetectedVersion, Origin};

    fn libvirt9() -> Option<PathBuf> {
        let dir = match std::env::var_os("DOMXML_LIBVIRT9_SCHEMAS") {
            Some(dir) => PathBuf::from(dir),
            None => PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../target/libvirt-9.0/usr/share/libvirt/schemas"),
        };
        dir.join("domain.rng").is_file().then_some(dir)
    }

    fn host_discovery(dir: PathBuf) -> Discovery {
        discovery::discover(&Inputs {
            explicit: None,
            env: None,
            host_dirs: vec![dir],
        })
    }

    #[test]
    fn drift_only_for_known_older_host_versions() {
        let mut d = Discovery {
            choice: SchemaChoice::Dir("/x".into()),
            origin: Origin::Host,
            reason: String::new(),
            version: Some(DetectedVersion {
                version: "9.0.0".into(),
                at_least: false,
                how: String::new(),
            }),
            notes: Vec::new(),
        };
        assert_eq!(drift_label(&d).as_deref(), Some("libvirt 9.0"));
        d.version = Some(DetectedVersion {
            version: BUILTIN_LIBVIRT_VERSION.into(),
            at_least: false,
            how: String::new(),
        });
        assert_eq!(drift_label(&d), None);
        d.version = None;
        assert_eq!(drift_label(&d), None);
        d.choice = SchemaChoice::Builtin;
        assert_eq!(drift_label(&d), None);
    }

    #[test]
    fn host_model_on_libvirt_9_warns_and_documents() {
        let Some(dir) = libvirt9() else {
            println!("SKIPPED: libvirt 9.0 schemas absent: run tests/fetch-libvirt-9.sh");
            return;
        };
        let d = host_discovery(dir);
        let model = match server_model(&d) {
            Some(Ok(m)) => m,
            other => panic!("no host model: {:?}", other.map(|r| r.map(|_| ()))),
        };
        let text = r#"<domain type="kvm"><name>a</name><memory>1024</memory><os><type>hvm</type></os>
<devices><watchdog model="itco" action="reset"/><memballoon model="virtio" bogus="1"/></devices></domain>"#;
        let parse = domxml_syntax::parse(text);
        let problems = model.validate(&parse.document());
        let itco = problems
            .iter()
            .find(|p| &text[p.range] == "itco")
            .expect("a problem on itco");
        assert_eq!(itco.severity, Severity::Warning);
        assert_eq!(itco.code, CODE_VERSION_DRIFT);
        assert!(
            itco.message.contains("libvirt 9.0 (host schema)"),
            "{}",
            itco.message
        );
        let bogus = problems
            .iter()
            .find(|p| &text[p.range] == "bogus")
            .expect("a problem on bogus");
        assert_eq!(bogus.severity, Severity::Error);

        // Documentation from the catalogue, although libvirt's schema has none.
        let root = parse.document().root().expect("root");
        let devices = root
            .children()
            .find(|c| c.name_text().as_deref() == Some("devices"));
        let watchdog = devices.and_then(|d| d.children().next()).expect("watchdog");
        let info = model.element_info(&watchdog).expect("watchdog is known");
        assert!(info.doc.is_some_and(|d| !d.is_empty()));
        let action = model
            .attributes(&watchdog, true)
            .into_iter()
            .find(|a| a.name == "action")
            .expect("action attribute");
        assert!(action.doc.is_some());
        assert!(
            action
                .values
                .iter()
                .any(|v| v.value == "reset" && v.doc.is_some())
        );
    }

    #[test]
    fn print_schema_names_the_file_for_a_root() {
        let Some(dir) = libvirt9() else {
            println!("SKIPPED: libvirt 9.0 schemas absent");
            return;
        };
        let d = host_discovery(dir.clone());
        let tmp = std::env::temp_dir().join(format!("domxml-print-{}.xml", std::process::id()));
        std::fs::write(&tmp, "<pool type='dir'/>").expect("write");
        let text = describe(&d, Some(&tmp));
        let _ = std::fs::remove_file(&tmp);
        assert!(text.contains("libvirt: 9.0.0"), "{text}");
        assert!(text.contains("host's installed libvirt schemas"), "{text}");
        assert!(
            text.contains(&*dir.join("storagepool.rng").to_string_lossy()),
            "{text}"
        );
        assert!(text.contains("drift: what libvirt 9.0 rejects"), "{text}");
    }
}
