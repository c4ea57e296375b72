//! Device addresses: PCI (with the machine's own chipset devices), drive, and USB.
//!
//! libvirt builds an address set when a domain is defined: it records every explicit address
//! in document order, then reserves the chipset's fixed functions, and refuses a second user of
//! one address, a slot the controller does not have, or a controller that cannot take the
//! device (`conf/domain_addr.c`, `qemu/qemu_domain_address.c`). Buses without a declared
//! controller are added by libvirt, so only declared controllers are judged.

use domxml_syntax::elements::El;
use domxml_syntax::{TextEdit, TextRange};

use super::domain::{
    attr, attr_or_name_range, child, is, name_range, parse_c_number, parse_decimal,
};
use super::machine::{ImplicitContext, MachineFamily};
use super::{Domain, Findings, RuleCode, finding};
use crate::Fix;

/// A parsed `<address type='pci'>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct PciAddr {
    pub domain: u64,
    pub bus: u64,
    pub slot: u64,
    pub function: u64,
}

impl PciAddr {
    fn show(&self) -> String {
        format!(
            "{:04x}:{:02x}:{:02x}.{:x}",
            self.domain, self.bus, self.slot, self.function
        )
    }
}

/// The address an `<address type='pci'>` names; an all-zero address asks libvirt to pick
/// one, as does a malformed number.
fn pci_address(a: &El) -> Option<PciAddr> {
    let num = |name: &str| match attr(a, name) {
        None => Some(0),
        Some((v, _)) => parse_c_number(v),
    };
    let addr = PciAddr {
        domain: num("domain")?,
        bus: num("bus")?,
        slot: num("slot")?,
        function: num("function")?,
    };
    (addr
        != PciAddr {
            domain: 0,
            bus: 0,
            slot: 0,
            function: 0,
        })
    .then_some(addr)
}

/// The controller index as written; `None` when absent or malformed (libvirt assigns one).
#[inline(always)]
pub(super) fn controller_index(e: &El) -> Option<u64> {
    attr(e, "index").and_then(|(v, _)| parse_decimal(v))
}

#[inline(always)]
pub(super) fn controller_type<'a>(e: &El<'a>) -> Option<&'a str> {
    e.attribute_value("type")
}

/// What a PCI bus of a given controller model accepts downstream (libvirt's bus flags).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plug {
    Endpoint,
    PciBridge,
    PciExpanderBus,
    PcieExpanderBus,
    DmiToPciBridge,
    PcieToPciBridge,
    PcieRootPort,
    UpstreamPort,
    DownstreamPort,
}

impl Plug {
    fn of_device(dev: &El) -> Option<Plug> {
        if !is(dev, "controller") || controller_type(dev) != Some("pci") {
            return Some(Plug::Endpoint);
        }
        Some(match dev.attribute_value("model")? {
            "pci-bridge" => Plug::PciBridge,
            "pci-expander-bus" => Plug::PciExpanderBus,
            "pcie-expander-bus" => Plug::PcieExpanderBus,
            "dmi-to-pci-bridge" => Plug::DmiToPciBridge,
            "pcie-to-pci-bridge" => Plug::PcieToPciBridge,
            "pcie-root-port" => Plug::PcieRootPort,
            "pcie-switch-upstream-port" => Plug::UpstreamPort,
            "pcie-switch-downstream-port" => Plug::DownstreamPort,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Plug::Endpoint => "PCI device",
            Plug::PciBridge => "pci-bridge",
            Plug::PciExpanderBus => "pci-expander-bus",
            Plug::PcieExpanderBus => "pcie-expander-bus",
            Plug::DmiToPciBridge => "dmi-to-pci-bridge",
            Plug::PcieToPciBridge => "pcie-to-pci-bridge",
            Plug::PcieRootPort => "pcie-root-port",
            Plug::UpstreamPort => "pcie-switch-upstream-port",
            Plug::DownstreamPort => "pcie-switch-downstream-port",
        }
    }
}

/// What a bus of controller `model` takes and its usable slots; `None` for a model this table
/// does not know.
fn bus_model(model: &str) -> Option<(&'static [Plug], u64, u64)> {
    use Plug::*;
    Some(match model {
        "pci-root" => (&[Endpoint, PciBridge, PciExpanderBus], 1, 31),
        "pci-bridge" | "pcie-to-pci-bridge" => (&[Endpoint, PciBridge], 1, 31),
        "pci-expander-bus" | "dmi-to-pci-bridge" => (&[Endpoint, PciBridge], 0, 31),
        "pcie-root" => (
            &[Endpoint, PcieRootPort, DmiToPciBridge, PcieExpanderBus],
            1,
            31,
        ),
        "pcie-root-port" | "pcie-switch-downstream-port" => {
            (&[Endpoint, UpstreamPort, PcieToPciBridge], 0, 0)
        }
        "pcie-switch-upstream-port" => (&[DownstreamPort], 0, 31),
        "pcie-expander-bus" => (&[PcieRootPort, DmiToPciBridge], 0, 31),
        _ => return None,
    })
}

pub(super) fn check(d: &Domain, out: &mut Findings) {
    let family = MachineFamily::of(d.arch, d.machine);
    pci(d, family, out);
    drive::check(d, out);
    usb::check(d, out);
}

/// Who holds a PCI function.
enum Holder<'a> {
    Chipset,
    Device { device: El<'a>, range: TextRange },
}

struct Bus<'a> {
    model: &'a str,
    controller: Option<El<'a>>,
}

/// The declared PCI buses by index (first declaration wins), a handful per domain: a vector
/// searched in place is cheaper than a map built and dropped per check.
struct Buses<'a>(Vec<(u64, Bus<'a>)>);

impl<'a> Buses<'a> {
    fn get(&self, index: &u64) -> Option<&Bus<'a>> {
        self.0.iter().find(|(i, _)| i == index).map(|(_, b)| b)
    }

    fn add(&mut self, index: u64, bus: Bus<'a>) {
        if self.get(&index).is_none() {
            self.0.push((index, bus));
        }
    }
}

/// Who holds each (bus, slot, function), in the order they were taken.
struct Held<'a>(Vec<((u64, u64, u64), Holder<'a>)>);

impl<'a> Held<'a> {
    fn get(&self, key: &(u64, u64, u64)) -> Option<&Holder<'a>> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, h)| h)
    }

    fn insert(&mut self, key: (u64, u64, u64), holder: Holder<'a>) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, h)) => *h = holder,
            None => self.0.push((key, holder)),
        }
    }

    fn keys(&self) -> impl Iterator<Item = &(u64, u64, u64)> {
        self.0.iter().map(|(k, _)| k)
    }
}

/// A device with an explicit PCI address: the device, its `<address>` and the address.
type Placed<'a> = (El<'a>, El<'a>, PciAddr);

fn pci(d: &Domain, family: MachineFamily, out: &mut Findings) {
    // Every explicit PCI address, read once: the checks below look at nothing else, and most
    // documents have none. The first <console> of a serial type is the first <serial>
    // again, address included.
    let all: Vec<Placed> = d
        .addressed()
        .filter(|(device, _, kind)| *kind == Some("pci") && !is(device, "console"))
        .filter_map(|(device, a, _)| Some((device, a, pci_address(&a)?)))
        .collect();
    let placed = || all.iter().filter(|(_, _, addr)| addr.domain == 0);

    if family.has_no_pci() {
        no_pci_bus(d, placed(), out);
        return;
    }
    if all.is_empty() {
        return;
    }

    // One pass over the controllers for the PCI buses and, on i440fx, the PIIX3's.
    let i440fx = family == MachineFamily::I440fx;
    let mut buses = Buses(Vec::new());
    let mut cx = ImplicitContext::default();
    let index0 = |c: &El| controller_index(c).unwrap_or(0) == 0;
    for c in d.devices_named("controller") {
        match controller_type(&c) {
            Some("pci") => {
                if let (Some(index), Some(model)) =
                    (controller_index(&c), c.attribute_value("model"))
                {
                    buses.add(
                        index,
                        Bus {
                            model,
                            controller: Some(c),
                        },
                    );
                }
            }
            Some("ide") if i440fx && !cx.ide0 => cx.ide0 = index0(&c),
            Some("usb") if i440fx && !cx.piix3_usb0 => {
                cx.piix3_usb0 =
                    index0(&c) && matches!(c.attribute_value("model"), None | Some("piix3-uhci"));
            }
            _ => {}
        }
    }
    if i440fx && !cx.ide0 {
        cx.ide0 = d.devices_named("disk").any(|disk| {
            child(&disk, "target").and_then(|t| t.attribute_value("bus")) == Some("ide")
        });
    }
    if let Some(root) = family.pci_root() {
        buses.add(
            0,
            Bus {
                model: root.as_str(),
                controller: None,
            },
        );
    }

    let mut held = Held(Vec::with_capacity(all.len() + 4));
    for (dev, a, addr) in placed() {
        if is_chipset_controller(family, dev, addr, &cx) {
            continue;
        }
        let bus = buses.get(&addr.bus);
        if let Some(bus) = bus {
            check_placement(dev, a, addr, bus, out);
        }
        let key = (addr.bus, addr.slot, addr.function);
        if let Some(Holder::Device { device, range }) = held.get(&key) {
            report_in_use(
                a,
                addr,
                device_label(device),
                Some(*range),
                &held,
                &buses,
                out,
            );
            continue;
        }
        held.insert(
            key,
            Holder::Device {
                device: *dev,
                range: name_range(dev),
            },
        );
    }
    chipset_addresses(family, &all, out);
    for imp in family.implicit_pci_devices(cx) {
        let key = (0, u64::from(imp.slot), u64::from(imp.function));
        if let Some(Holder::Device { device, .. }) = held.get(&key)
            && let Some((_, a, addr)) = placed().find(|(dev, _, _)| dev == device)
        {
            report_in_use(a, addr, imp.what.to_owned(), None, &held, &buses, out);
        }
        held.insert(key, Holder::Chipset);
    }
    integrated_devices(&all, out);
}

fn device_label(dev: &El) -> String {
    let name = dev.name().to_owned();
    match dev
        .attribute_value("type")
        .or_else(|| dev.attribute_value("model"))
    {
        Some(t) => format!("the <{name} type='{t}'>"),
        None => format!("the <{name}>"),
    }
}

fn report_in_use(
    a: &El,
    addr: &PciAddr,
    other: String,
    other_range: Option<TextRange>,
    held: &Held,
    buses: &Buses,
    out: &mut Findings,
) {
    let code = RuleCode::PciAddressInUse;
    if !out.wants(code) {
        return;
    }
    let shown = addr.show();
    let mut f = finding(
        code,
        attr_or_name_range(a, "slot"),
        format!(
            "PCI address {shown} is already taken by {other}. \
             libvirt: \"Attempted double use of PCI Address {shown}\""
        ),
    );
    if let Some(r) = other_range {
        f = f.related(r, "the device that holds this address");
    }
    let (lo, hi) = buses
        .get(&addr.bus)
        .and_then(|b| bus_model(b.model))
        .map_or((1, 31), |(_, lo, hi)| (lo, hi));
    let used = |slot: u64| held.keys().any(|(b, s, _)| *b == addr.bus && *s == slot);
    let reserved = |slot: u64| addr.bus == 0 && (slot == 1 || slot == 0x1f || slot == 2);
    if let (Some((_, slot_range)), Some(free)) = (
        attr(a, "slot"),
        (lo..=hi).find(|s| !used(*s) && !reserved(*s)),
    ) {
        let mut edits = vec![TextEdit::new(slot_range, format!("0x{free:02x}"))];
        if let Some((_, fr)) = attr(a, "function").filter(|_| addr.function != 0) {
            edits.push(TextEdit::new(fr, "0x0"));
        }
        f = f.fix(Fix::new(
            format!("Move to the free slot 0x{free:02x} on bus {}", addr.bus),
            edits,
        ));
    }
    out.push_finding(f);
}

/// The slot range and connection type of a device on a declared controller.
fn check_placement(dev: &El, a: &El, addr: &PciAddr, bus: &Bus, out: &mut Findings) {
    let Some((accepts, lo, hi)) = bus_model(bus.model) else {
        return;
    };
    let Some(plug) = Plug::of_device(dev) else {
        return;
    };
    // A pci-bridge given an address by hand goes wherever a PCI device may.
    let fits =
        accepts.contains(&plug) || (plug == Plug::PciBridge && accepts.contains(&Plug::Endpoint));
    let bus_desc = || format!("the {} controller with index='{}'", bus.model, addr.bus);
    if !fits {
        let mut f = finding(
            RuleCode::PciControllerIncompatible,
            attr_or_name_range(a, "bus"),
            format!(
                "{} cannot take a {}. libvirt: \"The device at PCI address {} cannot be \
                 plugged into the PCI controller with index='{}'. It requires a controller that \
                 accepts a {}.\"",
                bus_desc(),
                plug.name(),
                addr.show(),
                addr.bus,
                plug.name()
            ),
        );
        if let Some(c) = &bus.controller {
            f = f.related(name_range(c), "the controller");
        }
        out.push_finding(f);
        return;
    }
    if addr.slot < lo || addr.slot > hi {
        let limit = if addr.slot < lo {
            format!("slot must be >= {lo}")
        } else {
            format!("slot must be <= {hi}")
        };
        let mut f = finding(
            RuleCode::PciSlotOutOfRange,
            attr_or_name_range(a, "slot"),
            format!(
                "{} has slots {lo} to {hi} only. libvirt: \"Invalid PCI address {}. {limit}\"",
                bus_desc(),
                addr.show()
            ),
        );
        if let Some(c) = &bus.controller {
            f = f.related(name_range(c), "the controller");
        }
        out.push_finding(f);
    }
}

/// i440fx's first IDE and USB controllers live in the PIIX3 at 00:01.1 and 00:01.2; libvirt
/// reserves those functions for them instead of recording their addresses.
fn is_chipset_controller(
    family: MachineFamily,
    dev: &El,
    addr: &PciAddr,
    cx: &ImplicitContext,
) -> bool {
    if family != MachineFamily::I440fx || !is(dev, "controller") {
        return false;
    }
    if controller_index(dev).unwrap_or(0) != 0 || (addr.bus, addr.slot) != (0, 1) {
        return false;
    }
    match controller_type(dev) {
        Some("ide") => addr.function == 1 && cx.ide0,
        Some("usb") => addr.function == 2 && cx.piix3_usb0,
        _ => false,
    }
}

/// The chipset's own controllers cannot move: PIIX3 IDE/USB on i440fx, ICH9 SATA on q35.
fn chipset_addresses(family: MachineFamily, all: &[Placed], out: &mut Findings) {
    let code = RuleCode::PciChipsetControllerAddress;
    if !out.wants(code) {
        return;
    }
    for (c, a, addr) in all {
        if !is(c, "controller") || controller_index(c).unwrap_or(0) != 0 {
            continue;
        }
        let model = c.attribute_value("model");
        let wanted = match (family, controller_type(c)) {
            (MachineFamily::I440fx, Some("ide")) => {
                (1, 1, "Primary IDE controller must have PCI address 0:0:1.1")
            }
            (MachineFamily::I440fx, Some("usb")) if matches!(model, None | Some("piix3-uhci")) => (
                1,
                2,
                "PIIX3 USB controller at index 0 must have PCI address 0:0:1.2",
            ),
            (MachineFamily::Q35, Some("sata")) => (
                0x1f,
                2,
                "Primary SATA controller must have PCI address 0:0:1f.2",
            ),
            _ => continue,
        };
        if (addr.bus, addr.slot, addr.function) != (0, wanted.0, wanted.1) {
            out.push_finding(finding(
                code,
                name_range(a),
                format!(
                    "this controller is part of the machine's chipset and sits at \
                     0000:00:{:02x}.{}. libvirt: \"{}\"",
                    wanted.0, wanted.1, wanted.2
                ),
            ));
        }
    }
}

/// isapc has no PCI bus: any PCI address, and any USB controller (they are all PCI devices).
fn no_pci_bus<'p>(d: &Domain, placed: impl Iterator<Item = &'p Placed<'p>>, out: &mut Findings) {
    let code = RuleCode::PciNoBus;
    let msg = "this machine type has no PCI bus. libvirt: \"No PCI buses available\"";
    for (_, a, _) in placed {
        out.push(code, name_range(a), msg);
    }
    for c in d.devices_named("controller") {
        if controller_type(&c) == Some("usb")
            && c.attribute_value("model") != Some("none")
            && child(&c, "address").is_none()
        {
            out.push(code, name_range(&c), msg);
        }
    }
}

/// virtio-iommu is integrated into the root complex: it must sit on bus 0.
fn integrated_devices(all: &[Placed], out: &mut Findings) {
    for (iommu, a, addr) in all {
        if !is(iommu, "iommu") || iommu.attribute_value("model") != Some("virtio") {
            continue;
        }
        if addr.bus != 0 {
            out.push(
                RuleCode::PciIntegratedDeviceBus,
                attr_or_name_range(a, "bus"),
                format!(
                    "virtio-iommu is an integrated device and must be on bus 0. libvirt: \"The \
                     device at PCI address {} needs to be an integrated device (bus=0)\"",
                    addr.show()
                ),
            );
        }
    }
}

pub(super) mod drive;
mod usb;
