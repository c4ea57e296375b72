//! Machine-specific features and devices: IOMMU, SMM TSEG, pSeries-only features, i8042,
//! shmem, TPM and virtio input models (QEMU driver checks, plus libvirt's generic IOMMU and
//! external-TPM validation).

use super::codes::RuleCode;
use super::domain::{Domain, attr, attr_or_name_range, child, name_range};
use super::machine::MachineFamily;
use super::values::{feature_state, is_arm_virt, scaled_bytes, text_number};
use super::{Findings, finding};
use crate::Fix;
use domxml_syntax::TextEdit;

pub(super) fn check(d: &Domain, out: &mut Findings) {
    iommu(d, out);
    tseg(d, out);
    pseries(d, out);
    i8042(d, out);
    shmem(d, out);
    tpm(d, out);
    inputs(d, out);
}

fn iommu(d: &Domain, out: &mut Findings) {
    let q35 = MachineFamily::of(d.arch, d.machine) == MachineFamily::Q35;
    for dev in d.devices_named("iommu") {
        let Some(model) = dev.attribute_value("model") else {
            continue;
        };
        let model_range = attr_or_name_range(&dev, "model");
        let wrong_machine = match model {
            "intel" => (!q35).then_some("Q35 machines"),
            "smmuv3" => (!is_arm_virt(d)).then_some("ARM Virt machines"),
            "virtio" => (!q35 && !is_arm_virt(d)).then_some("Q35 and ARM Virt machines"),
            _ => None,
        };
        if let Some(machines) = wrong_machine {
            out.push(
                RuleCode::IommuMachine,
                model_range,
                format!("this IOMMU model does not exist on this machine type; libvirt: \"IOMMU device: '{model}' is only supported with {machines}\""),
            );
        }
        let driver = child(&dev, "driver");
        if let Some(drv) = driver
            .as_ref()
            .filter(|_| model == "virtio" || model == "smmuv3")
        {
            for a in [
                "intremap",
                "caching_mode",
                "eim",
                "iotlb",
                "aw_bits",
                "dma_translation",
            ] {
                if let Some((_, r)) = attr(drv, a) {
                    out.push(
                        RuleCode::IommuExtraAttributes,
                        r,
                        format!("{a} is an intel IOMMU setting; libvirt: \"iommu model '{model}' doesn't support additional attributes\""),
                    );
                }
            }
        }
        if model == "virtio" {
            if feature_state(d, "acpi") != Some(true) {
                out.push(
                    RuleCode::IommuVirtioAcpi,
                    model_range,
                    "the guest finds a virtio IOMMU through ACPI; add <features><acpi/>; libvirt: \"IOMMU device: 'virtio' requires ACPI\"",
                );
            }
            if let Some(address) = child(&dev, "address")
                && let Some((t, r)) = attr(&address, "type")
                && t != "pci"
            {
                out.push(
                    RuleCode::IommuVirtioAddress,
                    r,
                    "the virtio IOMMU is a PCI device; libvirt: \"IOMMU device: 'virtio' needs a PCI address\"",
                );
            }
        }
        if let Some(drv) = &driver {
            let intremap_on = drv.attribute_value("intremap") == Some("on");
            if intremap_on
                && d.at(&["features", "ioapic"])
                    .and_then(|i| i.attribute_value("driver"))
                    != Some("qemu")
            {
                out.push(
                    RuleCode::IommuIntremap,
                    attr_or_name_range(drv, "intremap"),
                    "interrupt remapping needs <features><ioapic driver='qemu'/>; libvirt: \"IOMMU interrupt remapping requires split I/O APIC (ioapic driver='qemu')\"",
                );
            }
            if drv.attribute_value("eim") == Some("on") && !intremap_on {
                out.push(
                    RuleCode::IommuIntremap,
                    attr_or_name_range(drv, "eim"),
                    "extended interrupt mode needs intremap='on'; libvirt: \"IOMMU eim requires interrupt remapping to be enabled\"",
                );
            }
        }
    }
}

fn tseg(d: &Domain, out: &mut Findings) {
    let Some(tseg) = d.at(&["features", "smm", "tseg"]) else {
        return;
    };
    if MachineFamily::of(d.arch, d.machine) != MachineFamily::Q35 {
        out.push(
            RuleCode::TsegMachine,
            name_range(&tseg),
            "the TSEG size is a q35 chipset setting; libvirt: \"SMM TSEG is only supported with q35 machine type\"",
        );
        return;
    }
    let Some((n, r)) = text_number(&tseg) else {
        return;
    };
    let unit = attr(&tseg, "unit").map(|(u, _)| u);
    if let Some(bytes) = scaled_bytes(n, unit, "MiB")
        && bytes % (1 << 20) != 0
    {
        out.push(
            RuleCode::TsegMachine,
            r,
            "the TSEG is sized in whole MiB; libvirt: \"SMM TSEG size must be divisible by 1 MiB\"",
        );
    }
}

fn pseries(d: &Domain, out: &mut Findings) {
    if MachineFamily::of(d.arch, d.machine) == MachineFamily::Pseries {
        return;
    }
    let Some(features) = d.top("features") else {
        return;
    };
    for f in features.children() {
        let name = f.name();
        if name.is_empty() {
            continue;
        }
        if matches!(
            name,
            "hpt" | "htm" | "nested-hv" | "ccf-assist" | "cfpc" | "sbbc" | "ibs"
        ) {
            out.push(
                RuleCode::PseriesOnlyFeature,
                name_range(&f),
                format!(
                    "'{name}' is a pSeries feature; libvirt: \"The '{name}' feature is not supported for architecture '{}' or machine type '{}'\"",
                    super::values::arch(d),
                    d.machine.unwrap_or("")
                ),
            );
        }
    }
}

fn i8042(d: &Domain, out: &mut Findings) {
    let Some(ps2) = d.at(&["features", "ps2"]) else {
        return;
    };
    if feature_state(d, "ps2") != Some(false) {
        return;
    }
    let off = name_range(&ps2);
    for input in d.devices_named("input") {
        if let Some((bus, r)) = attr(&input, "bus")
            && bus == "ps2"
        {
            out.push_finding(
                finding(
                    RuleCode::I8042Disabled,
                    r,
                    "a PS/2 input needs the PS/2 controller that <ps2 state='off'/> removes; libvirt: \"ps2 bus inputs require the ps2 feature not to be disabled\"",
                )
                .related(off, "the ps2 feature is off"),
            );
        }
    }
    if let Some(vmport) = d.at(&["features", "vmport"])
        && feature_state(d, "vmport") == Some(true)
    {
        out.push_finding(
            finding(
                RuleCode::I8042Disabled,
                name_range(&vmport),
                "the VMware port rides on the PS/2 controller that <ps2 state='off'/> removes; libvirt: \"vmport feature requires the ps2 feature not to be disabled\"",
            )
            .related(off, "the ps2 feature is off"),
        );
    }
}

fn shmem(d: &Domain, out: &mut Findings) {
    for s in d.devices_named("shmem") {
        // ivshmem is a PCI device; libvirt defines the domain with any address type but refuses
        // to start it (the QEMU command line is built at start).
        if let Some(address) = child(&s, "address")
            && let Some((kind, range)) = attr(&address, "type")
            && kind != "pci"
        {
            out.push_finding(
                finding(
                    RuleCode::ShmemAddressNotPci,
                    range,
                    format!(
                        "a shared memory device is a PCI device, not on a '{kind}' address: libvirt keeps the definition, but the guest does not start; libvirt: \"only 'pci' addresses are supported for the shared memory device\""
                    ),
                )
                .fix(Fix::new(
                    "Remove the <address> (libvirt picks a PCI slot)",
                    vec![TextEdit::new(address.range_with_line_indent(), "")],
                )),
            );
        }
        if let Some(size) = child(&s, "size")
            && let Some((n, r)) = text_number(&size)
        {
            let unit = attr(&size, "unit").map(|(u, _)| u);
            if let Some(bytes) = scaled_bytes(n, unit, "b")
                && (bytes < (1 << 20) || !bytes.is_power_of_two())
            {
                out.push(
                    RuleCode::ShmemSize,
                    r,
                    "shared memory is mapped as a PCI BAR, which must be a power of two of at least 1 MiB; libvirt: \"shmem size must be a power of 2 and at least 1 MiB (1024 KiB)\"",
                );
            }
        }
    }
}

fn tpm(d: &Domain, out: &mut Findings) {
    for t in d.devices_named("tpm") {
        if let Some(backend) = child(&t, "backend")
            && backend.attribute_value("type") == Some("external")
            && let Some(source) = child(&backend, "source")
        {
            let message = if source.attribute_value("type").is_some_and(|s| s != "unix") {
                Some(
                    "an external TPM is reached over a UNIX socket; libvirt: \"only source type 'unix' is supported for external TPM device\"",
                )
            } else if source.attribute_value("mode") == Some("bind") {
                Some(
                    "libvirt connects to an external TPM; it does not listen; libvirt: \"only 'connect' mode is supported for external TPM device\"",
                )
            } else if !source.has_attribute("path") {
                Some(
                    "an external TPM needs the path of its socket; libvirt: \"missing socket path for external TPM device\"",
                )
            } else {
                None
            };
            if let Some(message) = message {
                out.push(RuleCode::TpmExternalSource, name_range(&source), message);
            }
        }
    }
}

fn inputs(d: &Domain, out: &mut Findings) {
    for input in d.devices_named("input") {
        if input.attribute_value("bus") != Some("virtio") {
            continue;
        }
        if let Some((m, r)) = attr(&input, "model")
            && (m == "virtio-transitional" || m == "virtio-non-transitional")
        {
            let kind = input.attribute_value("type").unwrap_or_default();
            out.push(
                RuleCode::InputVirtioTransitional,
                r,
                format!("use model='virtio'; libvirt: \"virtio (non-)transitional models are not supported for input type={kind}\""),
            );
        }
    }
}
