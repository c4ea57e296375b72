//! The built-in catalogue: our own documented RELAX NG of libvirt 11.3's domain XML
//! (`crates/libvirt/catalogue/**.rng`), embedded at build time and compiled once per process.

use std::sync::{Arc, OnceLock};

use domxml_schema::{Catalogue, SchemaError, SchemaFiles, compile};

/// The libvirt release the built-in catalogue follows.
pub const LIBVIRT_VERSION: &str = "11.3";

mod generated {
    include!(concat!(env!("OUT_DIR"), "/embedded_catalogue.rs"));
}

/// The catalogue's files, as embedded at build time.
#[derive(Debug, Default, Clone, Copy)]
pub struct EmbeddedFiles;

impl EmbeddedFiles {
    /// The entry file of the embedded domain schema.
    pub const DOMAIN: &'static str = "domain.rng";

    pub fn list() -> impl Iterator<Item = &'static str> {
        generated::FILES.iter().map(|(p, _)| *p)
    }
}

impl SchemaFiles for EmbeddedFiles {
    fn read(&self, path: &str) -> Result<String, String> {
        generated::FILES
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, text)| (*text).to_owned())
            .ok_or_else(|| format!("no embedded schema file '{path}'"))
    }
}

/// The catalogue compiled from the embedded files at build time (`build.rs`), serialised.
static PRECOMPILED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/builtin.catalogue"));

/// The built-in catalogue, loaded on first use from its build-time compilation (compiled
/// here only if that cannot be loaded) and kept for the process.
pub fn catalogue() -> Result<Arc<Catalogue>, &'static [SchemaError]> {
    static CAT: OnceLock<Result<Arc<Catalogue>, Vec<SchemaError>>> = OnceLock::new();
    let load = || {
        let cat = match domxml_schema::serial::from_static_bytes(PRECOMPILED) {
            Ok(cat) => Ok(cat),
            Err(_) => compile(&EmbeddedFiles, EmbeddedFiles::DOMAIN),
        };
        cat.map(|mut cat| {
            cat.describe_datatypes(crate::words::datatype_words);
            Arc::new(cat)
        })
    };
    match CAT.get_or_init(load) {
        Ok(cat) => Ok(cat.clone()),
        Err(errors) => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_catalogue_is_listed_and_compiles() {
        assert!(EmbeddedFiles::list().any(|p| p == "domain.rng"));
        assert!(EmbeddedFiles::list().any(|p| p == "devices/devices.rng"));
        assert!(EmbeddedFiles.read("domain.rng").is_ok());
        assert!(catalogue().is_ok());
    }

    #[test]
    fn the_precompiled_catalogue_is_the_embedded_files_compiled() {
        let loaded =
            domxml_schema::serial::from_static_bytes(PRECOMPILED).expect("build.rs wrote it");
        let compiled = compile(&EmbeddedFiles, EmbeddedFiles::DOMAIN).expect("compiles");
        assert_eq!(
            domxml_schema::serial::to_bytes(&loaded),
            domxml_schema::serial::to_bytes(&compiled)
        );
    }
}
