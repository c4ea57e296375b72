//! Document links: absolute file paths in a domain (`<source file>`, `<loader>`, `<nvram>`,
//! `<kernel>`, `<initrd>`, `<emulator>`...) open in the editor.

use domxml_syntax::ast::Element;
use domxml_syntax::{Parse, SyntaxKind::*, TextRange};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentLink {
    pub range: TextRange,
    /// `file://` URI of the absolute path.
    pub target: String,
}

/// Elements whose text is a path on the host.
const TEXT_PATHS: &[&str] = &["loader", "nvram", "kernel", "initrd", "dtb", "emulator"];
/// (element, attribute) pairs holding a path on the host.
const ATTRIBUTE_PATHS: &[(&str, &str)] = &[("source", "file"), ("nvram", "template")];

pub fn document_links(parse: &Parse, limit: usize) -> Vec<DocumentLink> {
    let mut out = Vec::new();
    for node in parse.syntax().descendants().filter(|n| n.kind() == ELEMENT) {
        if out.len() >= limit {
            break;
        }
        let Some(element) = Element::cast(node) else {
            continue;
        };
        let Some(name) = element.name() else { continue };
        let local = name.local();
        if TEXT_PATHS.contains(&local) {
            let text_tokens: Vec<_> = domxml_syntax::chunk::children_with_tokens(element.syntax())
                .filter_map(|c| c.into_token())
                .filter(|t| t.kind() == TEXT)
                .collect();
            if let [token] = text_tokens.as_slice() {
                let raw = token.text();
                let lead = raw.len() - raw.trim_start().len();
                let path = raw.trim();
                let start = token.text_range().start() + domxml_syntax::TextSize::from(lead as u32);
                push(
                    &mut out,
                    path,
                    TextRange::at(start, domxml_syntax::TextSize::of(path)),
                );
            }
        }
        for (e, a) in ATTRIBUTE_PATHS {
            if *e == local
                && let Some(value) = element.attribute(a).and_then(|a| a.value())
            {
                push(&mut out, &value.unquoted(), value.value_range());
            }
        }
    }
    out
}

fn push(out: &mut Vec<DocumentLink>, path: &str, range: TextRange) {
    // Only absolute paths without references or odd characters: they mean the same file to
    // the editor as to libvirt.
    if !path.starts_with('/') || path.contains(['&', '\n', '\r', '\t']) {
        return;
    }
    out.push(DocumentLink {
        range,
        target: format!("file://{}", encode(path)),
    });
}

fn encode(path: &str) -> String {
    let mut s = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~+,=@:".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_file_links() {
        let text = "<domain><os><loader readonly='yes'>/usr/share/OVMF/OVMF_CODE.fd</loader>\
                    <nvram> /var/lib/libvirt/qemu/nvram/vm 1.fd </nvram><kernel>rel/k</kernel></os>\
                    <devices><emulator>/usr/bin/qemu-system-x86_64</emulator>\
                    <disk><source file=\"/var/lib/libvirt/images/vm.qcow2\"/></disk></devices></domain>";
        let parse = domxml_syntax::parse(text);
        let links = document_links(&parse, 100);
        let shown: Vec<(&str, &str)> = links
            .iter()
            .map(|l| (&text[l.range], l.target.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                (
                    "/usr/share/OVMF/OVMF_CODE.fd",
                    "file:///usr/share/OVMF/OVMF_CODE.fd"
                ),
                (
                    "/var/lib/libvirt/qemu/nvram/vm 1.fd",
                    "file:///var/lib/libvirt/qemu/nvram/vm%201.fd"
                ),
                (
                    "/usr/bin/qemu-system-x86_64",
                    "file:///usr/bin/qemu-system-x86_64"
                ),
                (
                    "/var/lib/libvirt/images/vm.qcow2",
                    "file:///var/lib/libvirt/images/vm.qcow2"
                ),
            ]
        );
    }
}
