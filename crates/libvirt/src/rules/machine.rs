//! A small model of QEMU machine types: which family a `<os><type machine>` belongs to, its
//! PCI root controller, the devices it adds by itself and the slots they take.

/// A machine family, from `<os><type arch machine>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MachineFamily {
    /// x86 `pc`, `pc-i440fx-*`.
    I440fx,
    /// x86 `q35`, `pc-q35-*`.
    Q35,
    /// x86 `isapc`: no PCI.
    Isapc,
    /// ARM/RISC-V `virt`, `virt-*`.
    Virt,
    /// PowerPC `pseries`, `pseries-*`.
    Pseries,
    /// s390x `s390-ccw-virtio*`.
    S390Ccw,
    Other,
}

impl MachineFamily {
    /// The family of a machine name; with no name, the default libvirt picks for the
    /// architecture (`pc` on x86, `virt` on ARM and RISC-V, `pseries` on ppc64, s390-ccw).
    pub fn of(arch: Option<&str>, machine: Option<&str>) -> MachineFamily {
        let Some(m) = machine else {
            return match arch {
                None | Some("x86_64" | "i686") => MachineFamily::I440fx,
                Some("aarch64" | "armv7l" | "riscv64") => MachineFamily::Virt,
                Some("ppc64" | "ppc64le") => MachineFamily::Pseries,
                Some("s390x") => MachineFamily::S390Ccw,
                Some(_) => MachineFamily::Other,
            };
        };
        if m == "q35" || m.starts_with("pc-q35") {
            MachineFamily::Q35
        } else if m == "pc" || m.starts_with("pc-i440fx") || m.starts_with("pc-") {
            MachineFamily::I440fx
        } else if m == "isapc" {
            MachineFamily::Isapc
        } else if m == "virt" || m.starts_with("virt-") {
            MachineFamily::Virt
        } else if m.starts_with("pseries") {
            MachineFamily::Pseries
        } else if m.starts_with("s390-ccw") {
            MachineFamily::S390Ccw
        } else {
            MachineFamily::Other
        }
    }

    pub fn is_x86(self) -> bool {
        matches!(
            self,
            MachineFamily::I440fx | MachineFamily::Q35 | MachineFamily::Isapc
        )
    }
}

/// The controller model libvirt requires at PCI index 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PciRootModel {
    PciRoot,
    PcieRoot,
}

impl PciRootModel {
    pub fn as_str(self) -> &'static str {
        match self {
            PciRootModel::PciRoot => "pci-root",
            PciRootModel::PcieRoot => "pcie-root",
        }
    }
}

/// A device the machine brings by itself on bus 0, and the function it holds there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImplicitPciDevice {
    pub slot: u8,
    pub function: u8,
    pub what: &'static str,
}

/// What a machine's implicit devices depend on in the document.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImplicitContext {
    /// An IDE controller with index 0 exists (declared, or implied by an IDE disk).
    pub ide0: bool,
    /// USB controller 0 is the PIIX3 UHCI (`piix3-uhci`, or no model given).
    pub piix3_usb0: bool,
}

impl MachineFamily {
    /// The PCI root controller libvirt puts (and requires) at index 0; `None` for machines
    /// without PCI (isapc, s390-ccw) or that this model does not know.
    pub fn pci_root(self) -> Option<PciRootModel> {
        match self {
            MachineFamily::I440fx | MachineFamily::Pseries => Some(PciRootModel::PciRoot),
            MachineFamily::Q35 | MachineFamily::Virt => Some(PciRootModel::PcieRoot),
            MachineFamily::Isapc | MachineFamily::S390Ccw | MachineFamily::Other => None,
        }
    }

    /// Whether the machine certainly has no PCI bus at all.
    pub fn has_no_pci(self) -> bool {
        self == MachineFamily::Isapc
    }

    /// The functions of bus 0 that the chipset holds whatever the document says (libvirt's
    /// qemu_domain_address.c reserves them before any device's explicit address is checked
    /// against them).
    pub fn implicit_pci_devices(
        self,
        cx: ImplicitContext,
    ) -> impl Iterator<Item = ImplicitPciDevice> {
        const fn dev(slot: u8, function: u8, what: &'static str) -> ImplicitPciDevice {
            ImplicitPciDevice {
                slot,
                function,
                what,
            }
        }
        // The PIIX3 IDE (00:01.1) and USB (00:01.2) functions are there only with their
        // controllers; the others always.
        const I440FX: &[ImplicitPciDevice] = &[
            dev(1, 0, "PIIX3 ISA bridge"),
            dev(1, 1, "PIIX3 IDE controller"),
            dev(1, 2, "PIIX3 USB controller"),
            dev(1, 3, "PIIX4 ACPI/power management bridge"),
        ];
        // The ICH9 SATA controller (00:1f.2) is a declared controller that libvirt
        // places there when it has no address; it is not reserved beforehand.
        const Q35: &[ImplicitPciDevice] = &[
            dev(0x1f, 0, "ICH9 LPC/ISA bridge"),
            dev(0x1f, 3, "ICH9 SMBus controller"),
        ];
        let (all, piix3) = match self {
            MachineFamily::I440fx => (I440FX, true),
            MachineFamily::Q35 => (Q35, false),
            _ => (&[][..], false),
        };
        all.iter().copied().filter(move |d| {
            !piix3
                || match d.function {
                    1 => cx.ide0,
                    2 => cx.piix3_usb0,
                    _ => true,
                }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families() {
        assert_eq!(
            MachineFamily::of(None, Some("pc-q35-9.2")),
            MachineFamily::Q35
        );
        assert_eq!(
            MachineFamily::of(None, Some("pc-i440fx-2.1")),
            MachineFamily::I440fx
        );
        assert_eq!(
            MachineFamily::of(Some("aarch64"), None),
            MachineFamily::Virt
        );
        assert_eq!(MachineFamily::Q35.pci_root(), Some(PciRootModel::PcieRoot));
        assert_eq!(MachineFamily::Isapc.pci_root(), None);
    }

    #[test]
    fn implicit_devices_follow_the_document() {
        let bare = MachineFamily::I440fx.implicit_pci_devices(ImplicitContext::default());
        assert_eq!(
            bare.map(|d| (d.slot, d.function)).collect::<Vec<_>>(),
            [(1, 0), (1, 3)]
        );
        let full = MachineFamily::I440fx.implicit_pci_devices(ImplicitContext {
            ide0: true,
            piix3_usb0: true,
        });
        assert_eq!(full.count(), 4);
        let q35: Vec<_> = MachineFamily::Q35
            .implicit_pci_devices(ImplicitContext {
                ide0: true,
                piix3_usb0: true,
            })
            .collect();
        assert_eq!(q35.len(), 2);
        assert!(q35.iter().all(|d| d.slot == 0x1f));
        assert_eq!(
            MachineFamily::Virt
                .implicit_pci_devices(ImplicitContext::default())
                .count(),
            0
        );
    }
}
