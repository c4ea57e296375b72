//! Loading the schema the server validates with: the built-in catalogue (compiled once and
//! kept), the RELAX NG entry file or schema directory named by `domxml.schema.path`, or when
//! none is named the discovered one (`DOMXML_SCHEMA_PATH`, the host's libvirt schemas; see
//! `schema_select`).

use std::sync::{Arc, OnceLock};

use domxml_ide::SchemaModel;
use domxml_ide::catalogue::CatalogueModel;
use domxml_schema::{EmbeddedFiles, compile};

/// The libvirt release the built-in catalogue follows.
pub const BUILTIN_LIBVIRT_VERSION: &str = "11.3";

/// The built-in catalogue's model.
pub fn builtin() -> Result<Arc<dyn SchemaModel>, String> {
    static BUILTIN: OnceLock<Result<Arc<CatalogueModel>, String>> = OnceLock::new();
    let model = BUILTIN.get_or_init(|| {
        compile(&EmbeddedFiles, EmbeddedFiles::DOMAIN)
            .map(|cat| {
                Arc::new(CatalogueModel::new(
                    Arc::new(cat),
                    "built-in domxml catalogue",
                    Some(BUILTIN_LIBVIRT_VERSION.to_string()),
                ))
            })
            .map_err(|errors| describe_errors("the built-in catalogue", &errors))
    });
    match model {
        Ok(m) => Ok(m.clone() as Arc<dyn SchemaModel>),
        Err(e) => Err(e.clone()),
    }
}

fn describe_errors(what: &str, errors: &[domxml_schema::SchemaError]) -> String {
    let first: Vec<String> = errors.iter().take(3).map(|e| e.to_string()).collect();
    format!("cannot compile {what}: {}", first.join("; "))
}

/// A configured path: an `.rng` entry file, or a directory holding libvirt's `domain.rng`.
fn entry_file(path: &str) -> String {
    let p = std::path::Path::new(path);
    if p.is_dir() {
        return p.join("domain.rng").to_string_lossy().into_owned();
    }
    path.to_string()
}

/// What `domxml/status` says about the schema of a configured path (`None`: built-in).
pub fn status(path: Option<&str>, error: Option<String>) -> super::SchemaStatus {
    match path {
        None => match crate::schema_select::server_status_default() {
            // Discovered: DOMXML_SCHEMA_PATH or the host's libvirt schemas.
            Some((kind, libvirt_version, path)) => super::SchemaStatus {
                kind,
                libvirt_version,
                path: Some(path),
                error,
            },
            None => super::SchemaStatus {
                kind: "builtin".into(),
                libvirt_version: Some(BUILTIN_LIBVIRT_VERSION.into()),
                path: None,
                error,
            },
        },
        Some(p) => super::SchemaStatus {
            kind: "path".into(),
            libvirt_version: crate::schema_select::configured_version(p),
            path: Some(entry_file(p)),
            error,
        },
    }
}

/// The schema for a configured path (`None`: built-in).
pub fn load(path: Option<&str>) -> Result<Option<Arc<dyn SchemaModel>>, String> {
    match path {
        // Discovery: DOMXML_SCHEMA_PATH, the host's libvirt schemas, else the built-in one.
        None => match crate::schema_select::server_default() {
            Some(found) => found.map(Some),
            None => builtin().map(Some),
        },
        // A directory or `.rng` file, with version detection, drift warnings and docs.
        Some(p) => crate::schema_select::server_configured(p).map(Some),
    }
}
