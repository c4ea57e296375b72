//! Controllers: unique indexes, the PCI root the machine requires, expander buses, USB
//! companions and port counts, iothreads.

use domxml_syntax::TextEdit;
use domxml_syntax::elements::El;

use super::addresses::{controller_index, controller_type};
use super::domain::{attr, attr_or_name_range, child, children, name_range, parse_decimal};
use super::machine::MachineFamily;
use super::{Domain, Findings, RuleCode, finding};
use crate::Fix;

pub(super) fn check(d: &Domain, out: &mut Findings) {
    let controllers: Vec<El> = d.devices_named("controller").collect();
    let family = MachineFamily::of(d.arch, d.machine);
    duplicate_indexes(&controllers, out);
    for c in &controllers {
        match controller_type(c) {
            Some("pci") => pci(d, family, c, out),
            Some("usb") => usb_ports(c, out),
            _ => {}
        }
        iothread(c, out);
    }
    usb_master(&controllers, out);
}

/// libvirt allows several USB controllers at one index (a master and its companions).
fn duplicate_indexes(controllers: &[El], out: &mut Findings) {
    let code = RuleCode::ControllerIndexDuplicate;
    let keyed: Vec<(&str, u64, &El)> = controllers
        .iter()
        .filter_map(|c| Some((controller_type(c)?, controller_index(c)?, c)))
        .filter(|(t, _, _)| *t != "usb")
        .collect();
    for (i, (ty, index, c)) in keyed.iter().enumerate() {
        let Some((_, _, first)) = keyed[..i].iter().find(|(t, n, _)| t == ty && n == index) else {
            continue;
        };
        let mut free = 0;
        while keyed.iter().any(|(t, n, _)| t == ty && *n == free) {
            free += 1;
        }
        let range = attr_or_name_range(c, "index");
        out.push_finding(
            finding(
                code,
                range,
                format!(
                    "another {ty} controller already has index {index}. libvirt: \"Multiple \
                     '{ty}' controllers with index '{index}'\""
                ),
            )
            .related(name_range(first), "the first controller with this index")
            .fix(Fix::new(
                format!("Use the free index {free}"),
                vec![TextEdit::new(range, free.to_string())],
            )),
        );
    }
}

fn pci(d: &Domain, family: MachineFamily, c: &El, out: &mut Findings) {
    let Some((model, model_range)) = attr(c, "model") else {
        return;
    };
    let index = controller_index(c);
    let is_root = model == "pci-root" || model == "pcie-root";
    if index == Some(0)
        && let Some(root) = family.pci_root()
        && model != root.as_str()
    {
        out.push_finding(
            finding(
                RuleCode::PciRootModel,
                model_range,
                format!(
                    "this machine type's PCI root is {}. libvirt: \"The PCI controller with \
                     index='0' must be model='{}' for this machine type, but model='{model}' was \
                     found instead\"",
                    root.as_str(),
                    root.as_str()
                ),
            )
            .fix(Fix::new(
                format!("Use model='{}'", root.as_str()),
                vec![TextEdit::new(model_range, root.as_str())],
            )),
        );
    }
    if is_root && index.is_some_and(|i| i != 0) && family != MachineFamily::Pseries {
        out.push(
            RuleCode::PciRootIndex,
            attr_or_name_range(c, "index"),
            "a PCI root controller is bus 0. libvirt: \"pci-root and pcie-root controllers \
             should have index 0\"",
        );
    }
    if is_root && let Some(a) = child(c, "address") {
        out.push(
            RuleCode::PciRootAddress,
            name_range(&a),
            "a PCI root controller is the machine's own bus and has no address. libvirt: \
             \"pci-root and pcie-root controllers should not have an address\"",
        );
    }
    let wrong_machine = match model {
        "pci-expander-bus" => family != MachineFamily::I440fx,
        "pcie-expander-bus" => !matches!(family, MachineFamily::Q35 | MachineFamily::Virt),
        _ => false,
    };
    if wrong_machine && family != MachineFamily::Other {
        let wants = if model == "pci-expander-bus" {
            "440fx"
        } else {
            "q35"
        };
        out.push(
            RuleCode::PciExpanderBusMachine,
            model_range,
            format!(
                "{model} does not exist on this machine type. libvirt: \"{model} controllers are \
                 only supported on {wants}-based machinetypes\""
            ),
        );
    }
    if model.ends_with("expander-bus") {
        expander_node(d, c, model, index, out);
    }
}

fn expander_node(d: &Domain, c: &El, model: &str, index: Option<u64>, out: &mut Findings) {
    let Some(node) = child(c, "target").and_then(|t| child(&t, "node")) else {
        return;
    };
    let Some(n) = parse_decimal(&node.text()) else {
        return;
    };
    let cells = d
        .at(&["cpu", "numa"])
        .map_or(0, |numa| children(&numa, "cell").count() as u64);
    if n >= cells {
        let index = index.map_or_else(|| "?".to_owned(), |i| i.to_string());
        out.push(
            RuleCode::PciExpanderBusNumaNode,
            node.range(),
            format!(
                "the guest has {cells} NUMA cells. libvirt: \"{model} with index {index} is \
                 configured for a NUMA node ({n}) not present in the domain's <cpu><numa> array \
                 ({cells})\""
            ),
        );
    }
}

fn usb_ports(c: &El, out: &mut Findings) {
    let Some(model) = c.attribute_value("model") else {
        return;
    };
    if model != "nec-xhci" && model != "qemu-xhci" {
        return;
    }
    if let Some((v, range)) = attr(c, "ports")
        && parse_decimal(v).is_some_and(|p| p > 15)
    {
        out.push_finding(
            finding(
                RuleCode::UsbControllerPortsLimit,
                range,
                format!(
                    "an xHCI controller has at most 15 ports. libvirt: \"'{model}' controller \
                     only supports up to '15' ports\""
                ),
            )
            .fix(Fix::new("Use 15 ports", vec![TextEdit::new(range, "15")])),
        );
    }
}

/// USB companions (`<master startport>`) need a master controller.
fn usb_master(controllers: &[El], out: &mut Findings) {
    let usb = || {
        controllers
            .iter()
            .filter(|c| controller_type(c) == Some("usb"))
            .filter(|c| c.attribute_value("model") != Some("none"))
    };
    if usb().any(|c| child(c, "master").is_none()) {
        return;
    }
    for c in usb() {
        if let Some(m) = child(c, "master") {
            out.push(
                RuleCode::UsbCompanionWithoutMaster,
                name_range(&m),
                "a companion controller shares the ports of a master controller (such as \
                 ich9-ehci1), and there is none. libvirt: \"No master USB controller specified\"",
            );
        }
    }
}

fn iothread(c: &El, out: &mut Findings) {
    let Some(driver) = child(c, "driver") else {
        return;
    };
    let Some((_, range)) = attr(&driver, "iothread") else {
        return;
    };
    let ty = controller_type(c);
    let model = c.attribute_value("model");
    if ty == Some("scsi")
        && matches!(
            model,
            None | Some("virtio-scsi" | "virtio-transitional" | "virtio-non-transitional")
        )
    {
        return;
    }
    out.push(
        RuleCode::ControllerIothreadUnsupported,
        range,
        "only virtio-scsi controllers run in an iothread. libvirt: \"'iothread' attribute only \
         supported for virtio scsi controllers\"",
    );
}
