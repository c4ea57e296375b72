//! From a [`Discovery`] to the one schema model `domxml check` and the language server share:
//! the built-in catalogue, a libvirt schema directory (each document validated with the file its
//! root selects), or one explicitly named `.rng` file (every document); host schemas get drift
//! warnings and the built-in catalogue's documentation.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use domxml_schema::SchemaError;

use crate::builtin;
use crate::discovery::{self, Discovery, Inputs, Origin, SchemaChoice};
use crate::model::{AnyRoot, ByRoot, CatalogueModel, HostModel, SchemaModel};

/// Discovery from the process environment and the host directories (see
/// [`Inputs::from_process`]); `from` says where `explicit` came from (`--schema`, `setting
/// domxml.schema.path`).
pub fn discover(explicit: Option<&str>, from: &str) -> Discovery {
    discovery::discover(&Inputs::from_process(explicit, from))
}

/// [`discover`] with only the best version evidence (checking and the server: start-up time).
pub fn discover_first(explicit: Option<&str>, from: &str) -> Discovery {
    discovery::discover_first(&Inputs::from_process(explicit, from))
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
            let builtin = version_numbers(builtin::LIBVIRT_VERSION);
            (host < builtin && !v.at_least).then(|| format!("libvirt {}", v.short()))
        }
        // Unknown: it may as well be newer, or not libvirt's at all; its word is final.
        None => None,
    }
}

/// "cannot compile WHAT: first; second; third".
pub fn describe_compile_errors(what: &str, errors: &[SchemaError]) -> String {
    let first: Vec<String> = errors.iter().take(3).map(|e| e.to_string()).collect();
    let more = errors.len().saturating_sub(3);
    let tail = if more > 0 {
        format!(" (and {more} more)")
    } else {
        String::new()
    };
    format!("cannot compile {what}: {}{tail}", first.join("; "))
}

/// The model for a discovery. `Err` when its entry file does not compile.
pub fn open(d: &Discovery) -> Result<Arc<dyn SchemaModel>, String> {
    match &d.choice {
        SchemaChoice::Builtin => builtin_model(),
        SchemaChoice::File(file) => Ok(Arc::new(AnyRoot(host_file(d, file)?))),
        SchemaChoice::Dir(dir) => {
            let domain = host_file(d, &dir.join("domain.rng"))?;
            let for_files = d.clone();
            Ok(Arc::new(ByRoot::new(dir.clone(), domain, move |file| {
                host_file(&for_files, &file)
            })))
        }
    }
}

/// The built-in catalogue's model (label and version for hovers), made once.
pub fn builtin_model() -> Result<Arc<dyn SchemaModel>, String> {
    static MODEL: OnceLock<Result<Arc<dyn SchemaModel>, String>> = OnceLock::new();
    MODEL
        .get_or_init(|| match builtin::catalogue() {
            Ok(cat) => Ok(Arc::new(CatalogueModel::new(
                cat,
                format!(
                    "built-in domxml catalogue (libvirt {})",
                    builtin::LIBVIRT_VERSION
                ),
                Some(builtin::LIBVIRT_VERSION.to_owned()),
            )) as Arc<dyn SchemaModel>),
            Err(errors) => Err(describe_compile_errors("the built-in catalogue", errors)),
        })
        .clone()
}

/// One host (or given) schema file, compiled and wrapped for drift and documentation.
fn host_file(d: &Discovery, file: &Path) -> Result<Arc<dyn SchemaModel>, String> {
    let shown = file.display().to_string();
    let cache = crate::cache::directory();
    let (cat, _) = crate::cache::compile_cached(cache.as_deref(), &file.to_string_lossy());
    let mut cat =
        cat.map_err(|errors| describe_compile_errors(&format!("schema '{shown}'"), &errors))?;
    cat.describe_datatypes(crate::words::datatype_words);
    // Where the schema came from is `domxml check --print-schema`'s and the status item's to
    // say; a hover names the file and the release only.
    let label = match d.libvirt_label() {
        Some(v) => format!("schema `{shown}` ({v})"),
        None => format!("schema `{shown}`"),
    };
    let version = d.version.as_ref().map(|v| v.version.clone());
    let model = Arc::new(CatalogueModel::new(Arc::new(cat), label, version.clone()));
    Ok(Arc::new(HostModel::new(model, drift_label(d), version)))
}

/// What the server reports as its schema (`domxml/status`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// `builtin`, `path` (configured), `environment` (`DOMXML_SCHEMA_PATH`) or `host`.
    pub kind: &'static str,
    pub libvirt_version: Option<String>,
    /// The entry file (`domain.rng` of a directory); `None` for the built-in catalogue.
    pub path: Option<String>,
}

pub fn status(d: &Discovery) -> Status {
    let path = match &d.choice {
        SchemaChoice::Builtin => None,
        SchemaChoice::Dir(dir) => Some(dir.join("domain.rng").to_string_lossy().into_owned()),
        SchemaChoice::File(f) => Some(f.to_string_lossy().into_owned()),
    };
    let kind = match (&d.choice, d.origin) {
        (SchemaChoice::Builtin, _) => "builtin",
        (_, Origin::Explicit) => "path",
        (_, Origin::Environment) => "environment",
        _ => "host",
    };
    Status {
        kind,
        libvirt_version: d.version.as_ref().map(|v| v.version.clone()),
        path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::DetectedVersion;

    #[test]
    fn drift_only_for_known_older_host_versions() {
        let version = |v: &str| {
            Some(DetectedVersion {
                version: v.into(),
                at_least: false,
                how: String::new(),
            })
        };
        let mut d = Discovery {
            choice: SchemaChoice::Dir("/x".into()),
            origin: Origin::Host,
            reason: String::new(),
            version: version("9.0.0"),
            notes: Vec::new(),
        };
        assert_eq!(drift_label(&d).as_deref(), Some("libvirt 9.0"));
        d.version = version(builtin::LIBVIRT_VERSION);
        assert_eq!(drift_label(&d), None);
        d.version = None;
        assert_eq!(drift_label(&d), None);
        d.choice = SchemaChoice::Builtin;
        assert_eq!(drift_label(&d), None);
    }

    #[test]
    fn status_names_where_the_schema_came_from() {
        let builtin = crate::discovery::discover(&Inputs {
            explicit: Some(("builtin".into(), "setting".into())),
            env: None,
            host_dirs: vec![],
        });
        assert_eq!(status(&builtin).kind, "builtin");
        let none = crate::discovery::discover(&Inputs::default());
        assert_eq!(status(&none).kind, "builtin");
        assert_eq!(status(&none).path, None);
    }
}
