//! Firmware, loader, NVRAM and boot menu: libvirt's `virDomainDefOSValidate` and
//! `virDomainDefBootValidate`, and the QEMU driver's UEFI/ACPI and secure-boot checks.

use super::codes::RuleCode;
use super::domain::{Domain, attr, attr_or_name_range, child, children, name_range};
use super::machine::MachineFamily;
use super::values::{arch, feature_state, is_x86_arch, text};
use super::{Findings, finding};

pub(super) fn check(d: &Domain, out: &mut Findings) {
    let Some(os) = d.top("os") else {
        return;
    };
    let firmware = attr(&os, "firmware");
    let loader = child(&os, "loader");
    let nvram = child(&os, "nvram");
    let features: Vec<_> = child(&os, "firmware")
        .map(|f| children(&f, "feature").collect())
        .unwrap_or_default();
    let feature = |name: &str| {
        features
            .iter()
            .find(|f| f.attribute_value("name") == Some(name))
            .map(|f| (*f, f.attribute_value("enabled")))
    };
    let has_nvram_storage = nvram
        .as_ref()
        .is_some_and(|n| text(n).is_some() || child(n, "source").is_some());

    match &firmware {
        Some((fw, fw_range)) => {
            if let (Some((keys, Some(k))), Some((_, Some(sb)))) =
                (feature("enrolled-keys"), feature("secure-boot"))
                && k == "yes"
                && sb == "no"
            {
                out.push(
                    RuleCode::FirmwareEnrolledKeys,
                    attr_or_name_range(&keys, "enabled"),
                    "enrolled keys are only used by secure boot; libvirt: \"firmware feature 'enrolled-keys' cannot be enabled when firmware feature 'secure-boot' is disabled\"",
                );
            }
            if let Some(n) = &nvram
                && *fw != "efi"
            {
                out.push_finding(
                    finding(
                        RuleCode::FirmwareNvramNotEfi,
                        name_range(n),
                        format!("only EFI firmware keeps variables in NVRAM; libvirt: \"firmware type '{fw}' does not support nvram\""),
                    )
                    .related(*fw_range, "the firmware type"),
                );
            }
        }
        None => {
            if (loader.is_some() || nvram.is_some()) && loader.as_ref().and_then(text).is_none() {
                let at = loader.as_ref().or(nvram.as_ref()).map(name_range);
                if let Some(at) = at {
                    out.push(
                        RuleCode::FirmwareLoaderPath,
                        at,
                        "without <os firmware=...> libvirt does not pick a firmware, so the loader needs a path; libvirt: \"no loader path specified and firmware auto selection disabled\"",
                    );
                }
            }
        }
    }

    if let Some(l) = &loader {
        match l.attribute_value("stateless") {
            Some("yes") => {
                let stateless = attr_or_name_range(l, "stateless");
                if let Some(n) = &nvram {
                    if let Some((_, r)) = attr(n, "template") {
                        out.push_finding(
                            finding(
                                RuleCode::FirmwareStatelessNvram,
                                r,
                                "a stateless loader has no NVRAM to create from a template; libvirt: \"NVRAM template is not permitted when loader is stateless\"",
                            )
                            .related(stateless, "the loader is stateless"),
                        );
                    } else if has_nvram_storage {
                        out.push_finding(
                            finding(
                                RuleCode::FirmwareStatelessNvram,
                                name_range(n),
                                "a stateless loader keeps no variables; libvirt: \"NVRAM is not permitted when loader is stateless\"",
                            )
                            .related(stateless, "the loader is stateless"),
                        );
                    }
                }
            }
            Some("no") => {
                let range = attr_or_name_range(l, "stateless");
                match &firmware {
                    None if l.attribute_value("type") != Some("pflash") => out.push(
                        RuleCode::FirmwareNvramNotEfi,
                        range,
                        "a stateful loader keeps NVRAM, which needs type='pflash'; libvirt: \"Only pflash loader type permits NVRAM\"",
                    ),
                    Some((fw, _)) if *fw != "efi" => out.push(
                        RuleCode::FirmwareNvramNotEfi,
                        range,
                        "a stateful loader keeps NVRAM, which needs EFI firmware; libvirt: \"Only EFI firmware permits NVRAM\"",
                    ),
                    _ => {}
                }
            }
            _ => {}
        }
    }

    let efi = firmware.as_ref().is_some_and(|(f, _)| *f == "efi")
        || loader
            .as_ref()
            .is_some_and(|l| l.attribute_value("type") == Some("pflash"));
    if efi && is_x86_arch(d) && feature_state(d, "acpi") != Some(true) {
        let at = firmware
            .as_ref()
            .map(|(_, r)| *r)
            .or_else(|| loader.as_ref().map(|l| attr_or_name_range(l, "type")))
            .unwrap_or_else(|| name_range(&os));
        out.push(
            RuleCode::UefiRequiresAcpi,
            at,
            "UEFI on x86 needs <features><acpi/>; libvirt: \"UEFI requires ACPI on this architecture\"",
        );
    }

    if let Some(l) = &loader
        && l.attribute_value("secure") == Some("yes")
    {
        let range = attr_or_name_range(l, "secure");
        let family = MachineFamily::of(d.arch, d.machine);
        let message = if family != MachineFamily::Q35 {
            Some(
                "secure boot needs the q35 machine's SMM; libvirt: \"Secure boot is supported with q35 machine types only\"",
            )
        } else if arch(d) != "x86_64" {
            Some(
                "secure boot is offered for x86_64 guests only; libvirt: \"Secure boot is supported for x86_64 architecture only\"",
            )
        } else if firmware.is_none() && feature_state(d, "smm") != Some(true) {
            Some(
                "secure boot needs <features><smm state='on'/>; libvirt: \"Secure boot requires SMM feature enabled\"",
            )
        } else {
            None
        };
        if let Some(message) = message {
            out.push(RuleCode::SecureBootRequirements, range, message);
        }
    }

    if let Some(menu) = child(&os, "bootmenu")
        && let Some((t, r)) = attr(&menu, "timeout")
        && t.trim().parse::<u64>().is_ok_and(|v| v > 65535)
    {
        out.push(
            RuleCode::BootTimeoutRange,
            r,
            "the boot menu waits at most 65535 ms; libvirt: \"invalid value for boot menu timeout, must be in range [0,65535]\"",
        );
    }
    if let Some(bios) = child(&os, "bios")
        && let Some((t, r)) = attr(&bios, "rebootTimeout")
        && t.trim()
            .parse::<i64>()
            .is_ok_and(|v| !(-1..=65535).contains(&v))
    {
        out.push(
            RuleCode::BootTimeoutRange,
            r,
            "the reboot timeout runs from -1 (never) to 65535 ms; libvirt: \"invalid value for rebootTimeout, must be in range [-1,65535]\"",
        );
    }
}
