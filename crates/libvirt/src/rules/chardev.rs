//! Character devices (serial, parallel, console, channel, and the chardev backends of rng,
//! smartcard and redirdev): libvirt's `virDomainChrSourceDefValidate` and the QEMU driver's
//! chardev checks.

use domxml_syntax::elements::El;

use super::codes::RuleCode;
use super::domain::{Domain, attr, attr_or_name_range, child, children, is, name_range};
use super::machine::MachineFamily;
use super::values::{arch, is_arm_virt};
use super::{Findings, finding};

/// QEMU's default directory for channel sockets it generates itself.
const GENERATED_CHANNEL_DIR: &str = "/var/lib/libvirt/qemu/channel/target/domain-";

pub(super) fn check(d: &Domain, out: &mut Findings) {
    for dev in d.devices() {
        let name = dev.name();
        if name.is_empty() {
            continue;
        }
        match name {
            "serial" | "parallel" | "console" | "channel" => {
                source(&dev, &dev, out);
                if name == "serial" {
                    serial_target(d, &dev, out);
                }
            }
            "smartcard" if dev.attribute_value("mode") == Some("passthrough") => {
                source(&dev, &dev, out)
            }
            "redirdev" => source(&dev, &dev, out),
            "rng" => {
                if let Some(b) = child(&dev, "backend")
                    && b.attribute_value("model") == Some("egd")
                {
                    source(&dev, &b, out);
                }
            }
            _ => {}
        }
    }
}

/// `holder` carries `type` and the `<source>` elements; `device` is the device element.
fn source(device: &El, holder: &El, out: &mut Findings) {
    let Some(kind) = holder.attribute_value("type") else {
        return;
    };
    // Read again where needed rather than collected: most devices have one source or none.
    let sources = || children(holder, "source");
    let has = |a: &str| sources().any(|s| s.has_attribute(a));
    let target_type = child(device, "target").and_then(|t| t.attribute_value("type"));
    let is_channel = is(device, "channel");
    let missing = match kind {
        "file" | "dev" | "pipe" if !has("path") => Some("path"),
        "unix" if !(has("path") || is_channel && matches!(target_type, Some("xen" | "virtio"))) => {
            Some("path")
        }
        _ => None,
    };
    if let Some(what) = missing {
        let at = sources()
            .next()
            .map_or_else(|| attr_or_name_range(holder, "type"), |s| name_range(&s));
        out.push(
            RuleCode::ChardevSourceMissing,
            at,
            format!("a '{kind}' character device needs a source {what}; libvirt: \"Missing source {what} attribute for char device\""),
        );
    }
    if !matches!(kind, "tcp" | "unix") {
        return;
    }
    for s in sources() {
        let s = &s;
        let Some(reconnect) = child(s, "reconnect") else {
            continue;
        };
        if reconnect.attribute_value("enabled") != Some("yes") {
            continue;
        }
        let listen = s.attribute_value("mode") == Some("bind");
        if listen {
            out.push_finding(
                finding(
                    RuleCode::ChardevReconnectMode,
                    name_range(&reconnect),
                    "a listening socket does not reconnect; libvirt: \"chardev reconnect is possible only for connect mode\"",
                )
                .related(attr_or_name_range(s, "mode"), "the source listens"),
            );
        } else if kind == "unix"
            && is_channel
            && target_type == Some("virtio")
            && let Some((path, path_range)) = attr(s, "path")
            && path.starts_with(GENERATED_CHANNEL_DIR)
        {
            out.push_finding(
                finding(
                    RuleCode::ChardevGeneratedPath,
                    path_range,
                    "libvirt treats this path as one it generated: it drops it and makes the channel listen, so reconnect is refused; libvirt: \"chardev reconnect is possible only for connect mode\"",
                )
                .related(name_range(&reconnect), "reconnect is enabled"),
            );
        }
        if let Some((t, r)) = attr(&reconnect, "timeout")
            && t.trim() == "0"
        {
            out.push(
                RuleCode::ChardevReconnectTimeout,
                r,
                "a reconnect timeout of 0 would retry without pause; give at least 1 second; libvirt: \"chardev reconnect source timeout cannot be '0'\"",
            );
        }
    }
    if kind == "tcp"
        && let Some(p) = child(holder, "protocol")
        && let Some((t, r)) = attr(&p, "type")
        && t == "tls"
    {
        out.push(
            RuleCode::ChardevTcpProtocol,
            r,
            "use <source tls='yes'> for TLS; libvirt: \"tcp chardev protocol 'tls' not supported\"",
        );
    }
}

fn serial_target(d: &Domain, serial: &El, out: &mut Findings) {
    let Some(target) = child(serial, "target") else {
        return;
    };
    let ttype = target.attribute_value("type");
    let model_el = child(&target, "model");
    let model = model_el.as_ref().and_then(|m| m.attribute_value("name"));
    let family = MachineFamily::of(d.arch, d.machine);
    let system = matches!(ttype, None | Some("system-serial"));
    // QEMU puts a 16550A UART on the RISC-V and LoongArch virt machines.
    let riscv_virt = matches!(arch(d), "riscv64" | "loongarch64") && family == MachineFamily::Virt;
    let incompatible = (system && model == Some("pl011") && !is_arm_virt(d))
        || (system && model == Some("16550a") && !riscv_virt)
        || ((ttype == Some("spapr-vio-serial") || model == Some("spapr-vty"))
            && family != MachineFamily::Pseries)
        || ((ttype == Some("sclp-serial")
            || matches!(model, Some("sclpconsole" | "sclplmconsole")))
            && !arch(d).starts_with("s390"));
    if incompatible {
        let at = model_el
            .as_ref()
            .map(|m| attr_or_name_range(m, "name"))
            .unwrap_or_else(|| attr_or_name_range(&target, "type"));
        out.push(
            RuleCode::SerialTargetMachine,
            at,
            format!(
                "this serial target does not exist on {} / {}; libvirt: \"Serial device with target type '{}' and target model '{}' not compatible with guest architecture or machine type\"",
                arch(d),
                d.machine.unwrap_or("the default machine"),
                ttype.unwrap_or("system-serial"),
                model.unwrap_or("none"),
            ),
        );
    }
}
