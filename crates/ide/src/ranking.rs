//! How completion ranks for people: the one table of which children and values come first, by
//! the document's hypervisor (`<domain type>`) and architecture (`<os><type arch>`), and the
//! well-known values of free datatypes (`unit`, `machine`, NIC models) the schema cannot list.
//! Data, not code: add a line here, never a special case in `completion.rs`.

use domxml_syntax::Parse;
use domxml_syntax::ast::{Document, Element};

/// Children people write first, per parent (local names), best first. Others follow in the
/// schema's order.
const CHILDREN: &[(&str, &[&str])] = &[
    (
        "domain",
        &[
            "name",
            "memory",
            "vcpu",
            "os",
            "devices",
            "uuid",
            "currentMemory",
            "features",
            "cpu",
            "clock",
            "on_poweroff",
            "on_reboot",
            "on_crash",
            "title",
            "description",
            "metadata",
            "iothreads",
            "cputune",
            "memoryBacking",
            "numatune",
            "pm",
            // Extensions, by the prefix people write.
            "qemu:commandline",
            "qemu:override",
            "qemu:capabilities",
        ],
    ),
    (
        "devices",
        &[
            "disk",
            "interface",
            "graphics",
            "video",
            "console",
            "serial",
            "channel",
            "controller",
            "input",
            "hostdev",
            "filesystem",
            "sound",
            "rng",
            "tpm",
            "watchdog",
            "memballoon",
            "emulator",
            "redirdev",
            "smartcard",
            "panic",
        ],
    ),
    (
        "disk",
        &[
            "driver",
            "source",
            "target",
            "boot",
            "readonly",
            "shareable",
            "serial",
            "address",
        ],
    ),
    (
        "interface",
        &[
            "mac", "source", "model", "target", "driver", "boot", "address",
        ],
    ),
    (
        "os",
        &[
            "type", "loader", "nvram", "boot", "bootmenu", "kernel", "initrd", "cmdline",
        ],
    ),
    (
        "features",
        &["acpi", "apic", "pae", "hyperv", "kvm", "vmport", "smm"],
    ),
    ("cpu", &["model", "topology", "feature", "numa", "cache"]),
    ("video", &["model", "driver", "address"]),
    ("graphics", &["listen", "gl", "image"]),
    ("controller", &["model", "driver", "address"]),
    ("hostdev", &["source", "driver", "address", "boot"]),
];

/// Values in the order people want them, for one element's attribute (or text), where the
/// document's hypervisor and architecture fit.
struct Values {
    /// Element local name, optionally after its parent's: `video/model`.
    element: &'static str,
    /// Attribute name, or "" for the element's text.
    attribute: &'static str,
    /// `<domain type>` values this line is for; empty: any.
    hypervisors: &'static [&'static str],
    /// `<os><type arch>` values this line is for; empty: any (also when the document has none).
    arches: &'static [&'static str],
    values: &'static [&'static str],
}

const KVM: &[&str] = &["kvm", "qemu"];
const X86: &[&str] = &["x86_64", "i686"];

/// First matching line wins: specific lines before general ones.
const VALUES: &[Values] = &[
    Values {
        element: "domain",
        attribute: "type",
        hypervisors: &[],
        arches: &[],
        values: &["kvm", "qemu", "xen", "lxc"],
    },
    Values {
        element: "os/type",
        attribute: "",
        hypervisors: KVM,
        arches: &[],
        values: &["hvm"],
    },
    Values {
        element: "os/type",
        attribute: "",
        hypervisors: &["xen"],
        arches: &[],
        values: &["hvm", "xen", "xenpvh"],
    },
    Values {
        element: "os/type",
        attribute: "",
        hypervisors: &["lxc", "openvz"],
        arches: &[],
        values: &["exe"],
    },
    Values {
        element: "os/type",
        attribute: "",
        hypervisors: &[],
        arches: &[],
        values: &["hvm"],
    },
    Values {
        element: "os/type",
        attribute: "arch",
        hypervisors: &[],
        arches: &[],
        values: &["x86_64", "aarch64", "i686", "ppc64le", "s390x", "riscv64"],
    },
    Values {
        element: "os/type",
        attribute: "machine",
        hypervisors: KVM,
        arches: X86,
        values: &[
            "q35",
            "pc",
            "pc-q35-10.0",
            "pc-q35-9.2",
            "pc-q35-8.2",
            "pc-i440fx-10.0",
            "pc-i440fx-9.2",
            "pc-i440fx-8.2",
            "microvm",
        ],
    },
    Values {
        element: "os/type",
        attribute: "machine",
        hypervisors: KVM,
        arches: &["aarch64", "armv7l", "riscv64"],
        values: &["virt", "virt-10.0", "virt-9.2"],
    },
    Values {
        element: "os/type",
        attribute: "machine",
        hypervisors: KVM,
        arches: &["ppc64", "ppc64le"],
        values: &["pseries", "pseries-10.0", "pseries-9.2"],
    },
    Values {
        element: "os/type",
        attribute: "machine",
        hypervisors: KVM,
        arches: &["s390x"],
        values: &["s390-ccw-virtio", "s390-ccw-virtio-10.0"],
    },
    Values {
        element: "os/type",
        attribute: "machine",
        hypervisors: &["xen"],
        arches: &[],
        values: &["xenfv", "xenpv", "xenpvh"],
    },
    Values {
        element: "video/model",
        attribute: "type",
        hypervisors: &[],
        arches: &[],
        values: &[
            "virtio", "qxl", "vga", "bochs", "ramfb", "none", "cirrus", "vmvga",
        ],
    },
    Values {
        element: "disk/driver",
        attribute: "type",
        hypervisors: &[],
        arches: &[],
        values: &["qcow2", "raw"],
    },
    Values {
        element: "disk/driver",
        attribute: "name",
        hypervisors: KVM,
        arches: &[],
        values: &["qemu"],
    },
    Values {
        element: "disk",
        attribute: "type",
        hypervisors: &[],
        arches: &[],
        values: &["file", "block", "network", "volume"],
    },
    Values {
        element: "disk",
        attribute: "device",
        hypervisors: &[],
        arches: &[],
        values: &["disk", "cdrom"],
    },
    Values {
        element: "disk/target",
        attribute: "bus",
        hypervisors: KVM,
        arches: &[],
        values: &["virtio", "sata", "scsi", "usb"],
    },
    Values {
        element: "interface",
        attribute: "type",
        hypervisors: &[],
        arches: &[],
        values: &["network", "bridge", "user", "direct"],
    },
    Values {
        element: "interface/model",
        attribute: "type",
        hypervisors: KVM,
        arches: &[],
        values: &["virtio", "e1000e", "e1000", "rtl8139"],
    },
    Values {
        element: "graphics",
        attribute: "type",
        hypervisors: &[],
        arches: &[],
        values: &["vnc", "spice"],
    },
    Values {
        element: "controller",
        attribute: "type",
        hypervisors: &[],
        arches: &[],
        values: &["usb", "pci", "scsi", "virtio-serial", "sata"],
    },
    Values {
        element: "input",
        attribute: "type",
        hypervisors: &[],
        arches: &[],
        values: &["tablet", "keyboard", "mouse"],
    },
    Values {
        element: "input",
        attribute: "bus",
        hypervisors: &[],
        arches: &[],
        values: &["usb", "virtio", "ps2"],
    },
    Values {
        element: "cpu",
        attribute: "mode",
        hypervisors: &[],
        arches: &[],
        values: &["host-passthrough", "host-model", "custom"],
    },
    Values {
        element: "clock",
        attribute: "offset",
        hypervisors: &[],
        arches: &[],
        values: &["utc", "localtime"],
    },
    Values {
        element: "watchdog",
        attribute: "model",
        hypervisors: &[],
        arches: X86,
        values: &["itco", "i6300esb"],
    },
    Values {
        element: "tpm",
        attribute: "model",
        hypervisors: &[],
        arches: &[],
        values: &["tpm-crb", "tpm-tis"],
    },
    Values {
        element: "sound",
        attribute: "model",
        hypervisors: &[],
        arches: &[],
        values: &["ich9", "ich6"],
    },
    Values {
        element: "emulator",
        attribute: "",
        hypervisors: KVM,
        arches: X86,
        values: &["/usr/bin/qemu-system-x86_64"],
    },
    Values {
        element: "emulator",
        attribute: "",
        hypervisors: KVM,
        arches: &["aarch64"],
        values: &["/usr/bin/qemu-system-aarch64"],
    },
    // Sizes: the unit attribute of any scaled integer.
    Values {
        element: "*",
        attribute: "unit",
        hypervisors: &[],
        arches: &[],
        values: &["KiB", "MiB", "GiB", "TiB", "bytes"],
    },
];

/// A namespace of libvirt's hypervisor-specific extensions: the prefix people write for it and
/// the domain types (`<domain type>`) whose driver reads it.
pub struct Extension {
    pub uri: &'static str,
    pub prefix: &'static str,
    pub hypervisors: &'static [&'static str],
}

pub const EXTENSIONS: &[Extension] = &[
    Extension {
        uri: "http://libvirt.org/schemas/domain/qemu/1.0",
        prefix: "qemu",
        hypervisors: &["kvm", "qemu", "hvf"],
    },
    Extension {
        uri: "http://libvirt.org/schemas/domain/lxc/1.0",
        prefix: "lxc",
        hypervisors: &["lxc"],
    },
    Extension {
        uri: "http://libvirt.org/schemas/domain/bhyve/1.0",
        prefix: "bhyve",
        hypervisors: &["bhyve"],
    },
    Extension {
        uri: "http://libvirt.org/schemas/domain/xen/1.0",
        prefix: "xen",
        hypervisors: &["xen"],
    },
    Extension {
        uri: "http://libvirt.org/schemas/domain/vmware/1.0",
        prefix: "vmware",
        hypervisors: &["vmware"],
    },
];

/// The conventional prefix for a namespace URI.
pub fn conventional_prefix(uri: &str) -> Option<&'static str> {
    EXTENSIONS.iter().find(|e| e.uri == uri).map(|e| e.prefix)
}

/// Whether the extension namespace `uri` means anything to the driver of `hypervisor` (a
/// namespace that is not an extension, or an unknown hypervisor, always does).
pub fn extension_applies(uri: &str, hypervisor: Option<&str>) -> bool {
    match (EXTENSIONS.iter().find(|e| e.uri == uri), hypervisor) {
        (Some(ext), Some(h)) => ext.hypervisors.contains(&h),
        _ => true,
    }
}

/// What of the document steers the ranking.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    pub hypervisor: Option<String>,
    pub arch: Option<String>,
}

impl Facts {
    pub fn of(parse: &Parse) -> Facts {
        let Some(root) = Document::cast(parse.syntax()).and_then(|d| d.root()) else {
            return Facts::default();
        };
        let arch = root
            .children()
            .filter(|c| c.name_text().as_deref() == Some("os"))
            .flat_map(|os| os.children())
            .find(|t| t.name_text().as_deref() == Some("type"))
            .and_then(|t| t.attribute_value("arch"));
        Facts {
            hypervisor: root.attribute_value("type"),
            arch,
        }
    }

    fn fits(&self, line: &Values) -> bool {
        let ok = |wanted: &[&str], have: &Option<String>| {
            wanted.is_empty() || have.as_deref().is_some_and(|h| wanted.contains(&h))
        };
        // A document without an arch is most likely for the host's, commonly x86_64.
        let arch = self.arch.clone().or_else(|| Some("x86_64".into()));
        ok(line.hypervisors, &self.hypervisor) && ok(line.arches, &arch)
    }
}

/// Rank of a child element under `parent` (lower is better), if people want it early.
pub fn child_rank(parent: Option<&str>, child: &str) -> Option<usize> {
    let parent = parent.unwrap_or("");
    CHILDREN
        .iter()
        .find(|(p, _)| *p == parent)
        .and_then(|(_, list)| list.iter().position(|c| *c == child))
}

fn element_matches(pattern: &str, element: &Element) -> bool {
    if pattern == "*" {
        return true;
    }
    let name = element.name().map(|n| n.local().to_owned());
    match pattern.split_once('/') {
        Some((parent, local)) => {
            name.as_deref() == Some(local)
                && element
                    .parent()
                    .and_then(|p| p.name().map(|n| n.local().to_owned()))
                    .as_deref()
                    == Some(parent)
        }
        None => name.as_deref() == Some(pattern),
    }
}

/// The values people want for `attribute` of `element` ("" for its text), best first, given the
/// document's facts; empty when the table says nothing.
pub fn preferred_values(
    facts: &Facts,
    element: &Element,
    attribute: &str,
) -> &'static [&'static str] {
    VALUES
        .iter()
        .find(|line| {
            line.attribute == attribute
                && element_matches(line.element, element)
                && facts.fits(line)
        })
        .map_or(&[], |line| line.values)
}
