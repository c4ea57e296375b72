//! Network interfaces: static checks of `virDomainNetDefValidate` and QEMU's.

use domxml_syntax::elements::El;

use super::domain::{attr, attr_or_name_range, child, children, name_range, parse_decimal};
use super::{Domain, Findings, RuleCode, finding};

pub(super) fn check(d: &Domain, out: &mut Findings) {
    for iface in d.devices_named("interface") {
        let ty = iface.attribute_value("type").unwrap_or_default();
        let backend = child(&iface, "backend").and_then(|b| b.attribute_value("type"));
        filterref(&iface, ty, out);
        port_forward(&iface, ty, backend, out);
        queue_sizes(&iface, out);
        if ty == "vhostuser" && backend == Some("passt") && !shared_memory(d) {
            out.push(
                RuleCode::NetRequiresSharedMemory,
                attr_or_name_range(&iface, "type"),
                "a vhost-user interface reads guest memory directly, so the memory must be \
                 shared (<memoryBacking><access mode='shared'/>). libvirt: \"'interface' requires \
                 shared memory\"",
            );
        }
    }
}

fn filterref(iface: &El, ty: &str, out: &mut Findings) {
    let Some(f) = child(iface, "filterref") else {
        return;
    };
    if !matches!(ty, "hostdev" | "vhostuser" | "vdpa") {
        return;
    }
    let mac = child(iface, "mac")
        .and_then(|m| m.attribute_value("address"))
        .unwrap_or_default();
    out.push(
        RuleCode::NetFilterrefUnsupported,
        name_range(&f),
        format!(
            "network filters act on a host tap device, which a type='{ty}' interface does not \
             have. libvirt: \"interface {mac} - custom tap device path is not supported for \
             network interfaces of type {ty}\""
        ),
    );
}

fn port_forward(iface: &El, ty: &str, backend: Option<&str>, out: &mut Findings) {
    if (ty == "user" && backend == Some("passt")) || ty == "vhostuser" {
        return;
    }
    if let Some(pf) = child(iface, "portForward") {
        out.push(
            RuleCode::NetPortForwardBackend,
            name_range(&pf),
            "port forwarding is done by passt (<backend type='passt'/>). libvirt: \"The \
             <portForward> element can only be used with the 'passt' backend of interface \
             type='user' or type='vhostuser'\"",
        );
    }
}

fn queue_sizes(iface: &El, out: &mut Findings) {
    let Some(driver) = child(iface, "driver") else {
        return;
    };
    for name in ["rx_queue_size", "tx_queue_size"] {
        if let Some((v, range)) = attr(&driver, name)
            && parse_decimal(v).is_some_and(|n| !n.is_power_of_two())
        {
            out.push_finding(finding(
                RuleCode::NetQueueSizePowerOfTwo,
                range,
                format!(
                    "virtio queue sizes are powers of two (256, 512, 1024). libvirt: \"{name} has \
                     to be a power of two\""
                ),
            ));
        }
    }
}

/// Guest memory is shared: `<memoryBacking><access mode='shared'>`, or every NUMA cell
/// shares its memory.
fn shared_memory(d: &Domain) -> bool {
    if d.at(&["memoryBacking", "access"])
        .is_some_and(|a| a.attribute_value("mode") == Some("shared"))
    {
        return true;
    }
    let cells: Vec<El> = d
        .at(&["cpu", "numa"])
        .map(|n| children(&n, "cell").collect())
        .unwrap_or_default();
    !cells.is_empty()
        && cells
            .iter()
            .all(|c| c.attribute_value("memAccess") == Some("shared"))
}
