//! Where schema files come from: the file system or memory.
//! `include`/`externalRef` hrefs resolve relative to the including file; nothing is ever
//! fetched over the network.

use std::path::{Component, Path, PathBuf};

/// A read-only set of schema files addressed by normalized '/'-separated paths.
pub trait SchemaFiles {
    fn read(&self, path: &str) -> Result<String, String>;
}

/// Files on disk.
#[derive(Debug, Default, Clone, Copy)]
pub struct DiskFiles;

impl SchemaFiles for DiskFiles {
    fn read(&self, path: &str) -> Result<String, String> {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read '{path}': {e}"))
    }
}

/// In-memory files (tests, editors with unsaved schemas).
#[derive(Debug, Default, Clone)]
pub struct MemoryFiles(pub Vec<(String, String)>);

impl SchemaFiles for MemoryFiles {
    fn read(&self, path: &str) -> Result<String, String> {
        self.0
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, t)| t.clone())
            .ok_or_else(|| format!("no schema file '{path}'"))
    }
}

/// Resolves `href` against the file that contains it.
pub fn resolve_href(base_file: &str, href: &str) -> Result<String, String> {
    let href = href.trim();
    if let Some(rest) = href.strip_prefix("file://") {
        return Ok(normalize(Path::new(rest)));
    }
    if let Some((scheme, _)) = href.split_once(':')
        && scheme.len() > 1
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    {
        return Err(format!(
            "'{href}' is not a local file: schemas are never fetched over the network"
        ));
    }
    if href.starts_with('/') {
        return Ok(normalize(Path::new(href)));
    }
    let dir = Path::new(base_file).parent().unwrap_or(Path::new(""));
    Ok(normalize(&dir.join(href)))
}

fn normalize(path: &Path) -> String {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrefs() {
        assert_eq!(
            resolve_href("devices/devices.rng", "disk.rng").unwrap(),
            "devices/disk.rng"
        );
        assert_eq!(
            resolve_href("devices/devices.rng", "../types.rng").unwrap(),
            "types.rng"
        );
        assert_eq!(
            resolve_href("/a/b/domain.rng", "x.rng").unwrap(),
            "/a/b/x.rng"
        );
        assert!(resolve_href("a.rng", "http://example.com/x.rng").is_err());
    }
}
