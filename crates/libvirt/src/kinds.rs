//! Which documents are libvirt XML: the one table of libvirt's root elements and the schema
//! file each selects (as libvirt's own `virt-xml-validate` does), and the temporary file names
//! `virsh edit` uses.

use domxml_syntax::Parse;

/// A libvirt document kind: its root element and the schema file that validates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RootKind {
    pub root: &'static str,
    pub schema_file: &'static str,
}

const fn kind(root: &'static str, schema_file: &'static str) -> RootKind {
    RootKind { root, schema_file }
}

/// Root elements of the XML documents libvirt reads and writes. The editor plugins carry a
/// copy of the root names (a test keeps them equal).
pub const ROOT_KINDS: &[RootKind] = &[
    kind("domain", "domain.rng"),
    kind("network", "network.rng"),
    kind("networkport", "networkport.rng"),
    kind("pool", "storagepool.rng"),
    kind("volume", "storagevol.rng"),
    // libvirt's nwfilter documents are `<filter>`, bindings `<filterbinding>`.
    kind("filter", "nwfilter.rng"),
    kind("filterbinding", "nwfilterbinding.rng"),
    kind("nwfilter", "nwfilter.rng"),
    kind("nwfilterbinding", "nwfilterbinding.rng"),
    kind("secret", "secret.rng"),
    kind("interface", "interface.rng"),
    kind("device", "nodedev.rng"),
    kind("domainsnapshot", "domainsnapshot.rng"),
    kind("domaincheckpoint", "domaincheckpoint.rng"),
    kind("domainbackup", "domainbackup.rng"),
    kind("capabilities", "capability.rng"),
    kind("domainCapabilities", "domaincaps.rng"),
    kind("storagepoolCapabilities", "storagepoolcaps.rng"),
];

/// The libvirt schema file for a document root element.
pub fn schema_file_for_root(root: &str) -> Option<&'static str> {
    ROOT_KINDS
        .iter()
        .find(|k| k.root == root)
        .map(|k| k.schema_file)
}

pub fn is_libvirt_root(root: &str) -> bool {
    schema_file_for_root(root).is_some()
}

/// How a document is analysed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// A libvirt document: syntax, schema and libvirt's rules.
    Libvirt,
    /// Any other XML: syntax only.
    OtherXml,
}

/// `virsh edit` writes the XML to `$TMPDIR/virshXXXXXX.xml` (mkstemps): recognise it even while
/// its root element is still being typed.
pub fn is_virsh_temp_file(path: &str) -> bool {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    name.strip_prefix("virsh")
        .and_then(|rest| rest.strip_suffix(".xml"))
        .is_some_and(|mid| mid.len() == 6 && mid.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// The root element's name, if any.
pub fn root_name(parse: &Parse) -> Option<String> {
    parse
        .document()
        .root()?
        .name()
        .map(|n| n.text().to_string())
}

/// The libvirt root a misspelt root most likely means (`domian` -> `domain`): at most two
/// edits, at least three letters per edit, and the same first letter (other vocabularies'
/// short roots often differ from libvirt's there; typos rarely do).
pub fn near_libvirt_root(root: &str) -> Option<&'static str> {
    let lower = root.to_lowercase();
    ROOT_KINDS
        .iter()
        .map(|k| k.root)
        .filter(|r| *r != root && r.get(..1) == lower.get(..1))
        .map(|r| (domxml_schema::edit_distance(&lower, &r.to_lowercase()), r))
        .filter(|(d, r)| *d <= 2 && d * 3 <= r.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, r)| r)
}

pub fn document_kind(parse: &Parse, path: &str) -> DocumentKind {
    match root_name(parse) {
        Some(root) if is_libvirt_root(&root) => DocumentKind::Libvirt,
        Some(root) if near_libvirt_root(&root).is_some() => DocumentKind::Libvirt,
        // No root element yet (a new file): offer libvirt's roots; nothing to validate anyway.
        None => DocumentKind::Libvirt,
        _ if is_virsh_temp_file(path) => DocumentKind::Libvirt,
        _ => DocumentKind::OtherXml,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        let k = |t: &str, p: &str| document_kind(&domxml_syntax::parse(t), p);
        assert_eq!(
            k("<domain type='kvm'/>", "/srv/vm.xml"),
            DocumentKind::Libvirt
        );
        assert_eq!(k("<network/>", "net.xml"), DocumentKind::Libvirt);
        assert_eq!(k("<project/>", "/x/pom.xml"), DocumentKind::OtherXml);
        assert_eq!(k("", "/tmp/virshAb12Cd.xml"), DocumentKind::Libvirt);
        assert_eq!(
            k("<?xml version='1.0'?>\n<", "/srv/new.xml"),
            DocumentKind::Libvirt
        );
        assert_eq!(k("<dom", "/tmp/virshAb12Cd.xml"), DocumentKind::Libvirt);
        assert_eq!(
            k("<domian type='kvm'/>", "/srv/vm.xml"),
            DocumentKind::Libvirt
        );
        assert_eq!(near_libvirt_root("domian"), Some("domain"));
        assert_eq!(near_libvirt_root("Domain"), Some("domain"));
        assert_eq!(near_libvirt_root("netwrk"), Some("network"));
        assert_eq!(near_libvirt_root("domain"), None);
        assert_eq!(near_libvirt_root("tool"), None);
        assert_eq!(near_libvirt_root("html"), None);
        assert_eq!(k("<project/>", "/x/pom.xml"), DocumentKind::OtherXml);
        assert!(!is_virsh_temp_file("/tmp/virsh.xml"));
        assert!(!is_virsh_temp_file("/tmp/virshAb12Cd.txt"));
    }

    #[test]
    fn roots_map_to_libvirt_schema_files() {
        assert_eq!(schema_file_for_root("pool"), Some("storagepool.rng"));
        assert_eq!(schema_file_for_root("device"), Some("nodedev.rng"));
        assert_eq!(schema_file_for_root("project"), None);
    }
}
