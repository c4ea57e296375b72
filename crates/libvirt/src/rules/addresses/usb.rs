//! USB: ports on each bus (controllers and hubs), and `model='none'` excluding everything USB.

use std::collections::BTreeMap;

use domxml_syntax::TextRange;
use domxml_syntax::elements::El;

use super::super::domain::is;
use super::super::domain::{attr, name_range, parse_decimal};
use super::super::{Domain, Findings, RuleCode, finding};
use super::{controller_index, controller_type};

/// Root ports of a USB controller model; `None` when unknown (no model: libvirt picks one
/// from the emulator) or a companion that shares its master's ports.
fn root_ports(c: &El) -> Option<u64> {
    let model = c.attribute_value("model")?;
    let ports = attr(c, "ports").and_then(|(v, _)| parse_decimal(v));
    match model {
        "piix3-uhci" | "piix4-uhci" | "vt82c686b-uhci" => Some(2),
        "ehci" | "ich9-ehci1" => Some(6),
        "pci-ohci" => Some(3),
        "nec-xhci" | "qemu-xhci" => Some(ports.unwrap_or(4)),
        _ => None,
    }
}

const HUB_PORTS: u64 = 8;
const MAX_DEPTH: usize = 4;

/// A port path `1.2.3`; `None` when malformed (the schema's business).
fn port_path(s: &str) -> Option<Vec<u64>> {
    let path: Option<Vec<u64>> = s.split('.').map(parse_decimal).collect();
    path.filter(|p| !p.is_empty() && p.len() <= MAX_DEPTH && p.iter().all(|&n| n >= 1))
}

struct UsbPlaced<'a> {
    is_hub: bool,
    bus: u64,
    path: Vec<u64>,
    port: &'a str,
    range: TextRange,
}

pub(super) fn check(d: &Domain, out: &mut Findings) {
    disabled(d, out);
    ports(d, out);
}

fn placed<'a>(d: &Domain<'a>) -> Vec<UsbPlaced<'a>> {
    let mut v = Vec::new();
    for (dev, a, kind) in d.addressed() {
        if kind != Some("usb") {
            continue;
        }
        let bus = match attr(&a, "bus") {
            None => 0,
            Some((b, _)) => match parse_decimal(b) {
                Some(b) => b,
                None => continue,
            },
        };
        let Some((port, range)) = attr(&a, "port") else {
            continue;
        };
        let Some(path) = port_path(port) else {
            continue;
        };
        v.push(UsbPlaced {
            is_hub: is(&dev, "hub"),
            bus,
            path,
            port,
            range,
        });
    }
    v
}

fn ports(d: &Domain, out: &mut Findings) {
    let placed = placed(d);
    if placed.is_empty() {
        return;
    }
    // Root port counts per bus; a bus whose controller model is unknown is not judged.
    let mut roots: BTreeMap<u64, Option<u64>> = BTreeMap::new();
    for c in d.devices_named("controller") {
        if controller_type(&c) != Some("usb") {
            continue;
        }
        let index = controller_index(&c).unwrap_or(0);
        let ports = root_ports(&c);
        let entry = roots.entry(index).or_insert(ports);
        if ports.is_some() {
            *entry = ports;
        }
    }
    // Hubs first, as libvirt adds them before reserving device ports.
    let mut hubs: Vec<(u64, Vec<u64>)> = Vec::new();
    let mut used: Vec<(u64, Vec<u64>, TextRange)> = Vec::new();
    let order = placed
        .iter()
        .filter(|p| p.is_hub)
        .chain(placed.iter().filter(|p| !p.is_hub));
    for p in order {
        // Hubs are judged on every bus; root ports only where the controller model is known.
        let root = roots.get(&p.bus).copied().flatten().unwrap_or(u64::MAX);
        let mut ok = true;
        for depth in 1..p.path.len() {
            let prefix = &p.path[..depth];
            let limit = if depth == 1 { root } else { HUB_PORTS };
            if prefix[depth - 1] > limit || !hubs.iter().any(|(b, h)| *b == p.bus && h == prefix) {
                out.push(
                    RuleCode::UsbPortMissing,
                    p.range,
                    format!(
                        "no USB hub is attached at port {} of bus {}. libvirt: \"there is no hub \
                         at port {} in USB address bus: {} port: {}\"",
                        prefix
                            .iter()
                            .map(u64::to_string)
                            .collect::<Vec<_>>()
                            .join("."),
                        p.bus,
                        prefix[depth - 1],
                        p.bus,
                        p.port
                    ),
                );
                ok = false;
                break;
            }
        }
        if !ok {
            continue;
        }
        let limit = if p.path.len() == 1 { root } else { HUB_PORTS };
        if p.path.last().is_some_and(|&last| last > limit) {
            out.push(
                RuleCode::UsbPortMissing,
                p.range,
                format!(
                    "this {} has {limit} ports. libvirt: \"requested USB port {} not present on \
                     USB bus {}\"",
                    if p.path.len() == 1 {
                        "USB controller"
                    } else {
                        "USB hub"
                    },
                    p.port,
                    p.bus
                ),
            );
            continue;
        }
        if let Some((_, _, first)) = used
            .iter()
            .find(|(b, path, _)| *b == p.bus && *path == p.path)
        {
            out.push_finding(
                finding(
                    RuleCode::UsbPortInUse,
                    p.range,
                    format!(
                        "USB port {} of bus {} is already used. libvirt: \"Duplicate USB \
                         address bus {} port {}\"",
                        p.port, p.bus, p.bus, p.port
                    ),
                )
                .related(*first, "the device on this port"),
            );
            continue;
        }
        used.push((p.bus, p.path.clone(), p.range));
        if p.is_hub {
            hubs.push((p.bus, p.path.clone()));
        }
    }
}

/// `<controller type='usb' model='none'>` turns USB off: no other USB controller, hub, USB
/// input, USB host device or redirected USB device may exist.
fn disabled(d: &Domain, out: &mut Findings) {
    let code = RuleCode::UsbDisabled;
    if !out.wants(code) {
        return;
    }
    let usb = || {
        d.devices_named("controller")
            .filter(|c| controller_type(c) == Some("usb"))
    };
    let Some(none) = usb().find(|c| c.attribute_value("model") == Some("none")) else {
        return;
    };
    let none = &none;
    let mut report = |e: &El, what: &str, libvirt: &str| {
        out.push_finding(
            finding(
                code,
                name_range(e),
                format!("USB is turned off for this domain, so {what} cannot be used. libvirt: \"{libvirt}\""),
            )
            .related(name_range(none), "USB is turned off here"),
        );
    };
    for c in usb().filter(|c| c != none) {
        report(
            &c,
            "another USB controller",
            "Can't add another USB controller: USB is disabled for this domain",
        );
    }
    for dev in d.devices() {
        let ty = dev.attribute_value("type");
        match (dev.name(), ty) {
            ("hub", Some("usb")) => report(
                &dev,
                "a USB hub",
                "Can't add USB hub: USB is disabled for this domain",
            ),
            ("input", _) if dev.attribute_value("bus") == Some("usb") => report(
                &dev,
                "a USB input device",
                "Can't add USB input device. USB is disabled for this domain",
            ),
            ("hostdev", Some("usb")) => report(
                &dev,
                "a USB host device",
                "Can't add host USB device: USB is disabled in this host",
            ),
            ("redirdev", _) => report(
                &dev,
                "a redirected USB device",
                "cannot add redirected USB device: USB is disabled for this domain",
            ),
            _ => {}
        }
    }
}
