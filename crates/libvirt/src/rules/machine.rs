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
