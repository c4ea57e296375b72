//! Host devices: one host device assigned once, PCI source numbers, mediated devices.

use domxml_syntax::elements::El;

use super::domain::{attr, child, name_range, parse_c_number};
use super::{Domain, Findings, RuleCode, finding};

pub(super) fn check(d: &Domain, out: &mut Findings) {
    let hostdevs: Vec<El> = d.devices_named("hostdev").collect();
    duplicates(&hostdevs, out);
    for h in &hostdevs {
        if h.attribute_value("type") == Some("pci") {
            radix(h, out);
        }
        if h.attribute_value("type") == Some("scsi_host")
            && let Some(b) = child(h, "boot")
        {
            out.push(
                RuleCode::HostdevVhostScsiBoot,
                name_range(&b),
                "QEMU cannot boot from a vhost-scsi host device. libvirt: \"booting from \
                 assigned devices is not supported by vhost SCSI devices\"",
            );
        }
    }
    for iface in d.devices_named("interface") {
        if iface.attribute_value("type") == Some("hostdev") {
            radix(&iface, out);
        }
    }
    mdev(d, &hostdevs, out);
}

/// What identifies the host side of a host device; `None` when it cannot be told statically.
fn identity(h: &El) -> Option<String> {
    let ty = h.attribute_value("type")?;
    let source = child(h, "source")?;
    let a = |e: &El, name: &str| e.attribute_value(name).unwrap_or_default().to_owned();
    let num = |e: &El, name: &str| {
        e.attribute_value(name)
            .and_then(parse_c_number)
            .unwrap_or(0)
    };
    Some(match ty {
        "pci" => {
            let addr = child(&source, "address")?;
            format!(
                "pci {:x}:{:x}:{:x}.{:x}",
                num(&addr, "domain"),
                num(&addr, "bus"),
                num(&addr, "slot"),
                num(&addr, "function")
            )
        }
        "usb" => {
            // libvirt compares the numbers (read as C numbers), by host address when it has a
            // bus and a device other than 0, else by vendor and product: two sticks of one
            // model told apart by their addresses are two devices.
            let c = |e: &El, name: &str| e.attribute_value(name).and_then(parse_c_number);
            let address = child(&source, "address")
                .and_then(|addr| Some((c(&addr, "bus")?, c(&addr, "device")?)))
                .filter(|(bus, device)| *bus != 0 && *device != 0);
            match address {
                Some((bus, device)) => format!("usb addr {bus} {device}"),
                None => format!(
                    "usb id {} {}",
                    c(&child(&source, "vendor")?, "id")?,
                    c(&child(&source, "product")?, "id")?
                ),
            }
        }
        "scsi" => {
            let adapter = child(&source, "adapter")?;
            let addr = child(&source, "address")?;
            format!(
                "scsi {} {} {} {}",
                a(&adapter, "name"),
                a(&addr, "bus"),
                a(&addr, "target"),
                a(&addr, "unit")
            )
        }
        "mdev" => format!("mdev {}", a(&child(&source, "address")?, "uuid")),
        "scsi_host" => format!("scsi_host {}", a(&source, "wwpn")),
        _ => return None,
    })
}

fn duplicates(hostdevs: &[El], out: &mut Findings) {
    let ids: Vec<Option<String>> = hostdevs.iter().map(identity).collect();
    for (i, id) in ids.iter().enumerate() {
        let Some(id) = id else { continue };
        let Some(j) = ids[..i].iter().position(|o| o.as_ref() == Some(id)) else {
            continue;
        };
        let range =
            child(&hostdevs[i], "source").map_or(name_range(&hostdevs[i]), |s| name_range(&s));
        out.push_finding(
            finding(
                RuleCode::HostdevDuplicate,
                range,
                "this host device is already assigned to the domain. libvirt: \"Hostdev already \
                 exists in the domain configuration\"",
            )
            .related(name_range(&hostdevs[j]), "the first assignment"),
        );
    }
}

/// libvirt reads PCI source numbers like C's strtoul with base 0: `010` is octal 8.
fn radix(dev: &El, out: &mut Findings) {
    let Some(addr) = child(dev, "source").and_then(|s| child(&s, "address")) else {
        return;
    };
    for name in ["domain", "bus", "slot", "function"] {
        let Some((v, range)) = attr(&addr, name) else {
            continue;
        };
        let t = v.trim();
        let octal = t.len() > 1
            && t.starts_with('0')
            && !t.starts_with("0x")
            && !t.starts_with("0X")
            && t.bytes().all(|b| b.is_ascii_digit());
        if !octal {
            continue;
        }
        let msg = match parse_c_number(t) {
            Some(n) => format!(
                "{name}='{t}' has a leading 0, so libvirt reads it as octal: {n} (0x{n:x}). Write \
                 0x{n:x} for hexadecimal or {n} in decimal to say what you mean"
            ),
            None => format!(
                "{name}='{t}' has a leading 0, so libvirt reads it as octal, and it is no octal \
                 number"
            ),
        };
        out.push(RuleCode::PciNumberRadix, range, msg);
    }
}

fn mdev(d: &Domain, hostdevs: &[El], out: &mut Findings) {
    let mdevs: Vec<&El> = hostdevs
        .iter()
        .filter(|h| h.attribute_value("type") == Some("mdev"))
        .collect();
    let has_graphics = d.devices_named("graphics").next().is_some();
    let mut first_ramfb: Option<&El> = None;
    for h in mdevs {
        let model = h.attribute_value("model").unwrap_or_default();
        if let Some(a) = child(h, "address")
            && let Some((ty, range)) = attr(&a, "type")
        {
            let wanted = match model {
                "vfio-pci" => Some("pci"),
                "vfio-ccw" => Some("ccw"),
                _ => None,
            };
            if wanted.is_some_and(|w| w != ty) {
                out.push(
                    RuleCode::HostdevMdevAddress,
                    range,
                    format!(
                        "a {model} mediated device takes a {} address. libvirt: \"Unsupported \
                         address type '{ty}' with mediated device model '{model}'\"",
                        wanted.unwrap_or_default()
                    ),
                );
            }
        }
        if let Some((v, range)) = attr(h, "display")
            && v == "on"
            && !has_graphics
            && model == "vfio-pci"
        {
            out.push(
                RuleCode::HostdevMdevDisplayGraphics,
                range,
                "display='on' shows the vGPU through a <graphics> device, and there is none. \
                 libvirt: \"graphics device is needed for attribute value 'display=on' in \
                 <hostdev>\"",
            );
        }
        if let Some((v, range)) = attr(h, "ramfb")
            && v == "on"
        {
            match first_ramfb {
                None => first_ramfb = Some(h),
                Some(first) => out.push_finding(
                    finding(
                        RuleCode::HostdevMdevRamfbMultiple,
                        range,
                        "only one vGPU can have ramfb='on'. libvirt: \"Only one vgpu device can \
                         have 'ramfb' enabled\"",
                    )
                    .related(name_range(first), "the vGPU with ramfb"),
                ),
            }
        }
    }
}
