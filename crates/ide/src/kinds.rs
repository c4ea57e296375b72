//! Which documents are libvirt XML: by root element name, or by the temporary file names
//! `virsh edit` uses.

use domxml_syntax::Parse;

/// Root elements of the XML documents libvirt reads and writes.
pub const LIBVIRT_ROOTS: &[&str] = &[
    "domain",
    "network",
    "networkport",
    "pool",
    "volume",
    "filter",
    "filterbinding",
    "nwfilter",
    "nwfilterbinding",
    "secret",
    "interface",
    "device",
    "domainsnapshot",
    "domaincheckpoint",
    "domainbackup",
    "capabilities",
    "domainCapabilities",
    "storagepoolCapabilities",
];

/// How a document is analysed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// A libvirt document: syntax and schema.
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

pub fn document_kind(parse: &Parse, path: &str) -> DocumentKind {
    match root_name(parse) {
        Some(root) if LIBVIRT_ROOTS.contains(&root.as_str()) => DocumentKind::Libvirt,
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
        assert!(!is_virsh_temp_file("/tmp/virsh.xml"));
        assert!(!is_virsh_temp_file("/tmp/virshAb12Cd.txt"));
    }
}
