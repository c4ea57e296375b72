//! vCPU counts, topology, pinning and scheduling, IOThreads, CPU cache and cputune: the checks
//! of libvirt's vCPU parser (`virDomainVcpuParse`, `virDomainDefSetVcpus`), cputune parser and
//! validator, and the QEMU driver's topology and CPU checks.

use std::collections::BTreeMap;

use domxml_syntax::{TextEdit, TextRange};

use super::codes::RuleCode;
use super::domain::{
    Domain, attr, attr_or_name_range, child, children, name_range, parse_cpu_set, parse_decimal,
};
use super::machine::MachineFamily;
use super::values::{Vcpus, iothread_ids};
use super::{Findings, finding};
use crate::Fix;
use domxml_syntax::elements::El;

pub(super) fn check(d: &Domain, out: &mut Findings) {
    let vcpus = Vcpus::of(d);
    if let Some(v) = vcpus {
        counts(d, v, out);
        vcpu_list(d, v, out);
        topology(d, v, out);
        pins(d, v, out);
    }
    iothreads(d, vcpus, out);
    cpu_cache(d, out);
    cputune_ranges(d, out);
    empty_sets(d, out);
}

fn counts(d: &Domain, v: &Vcpus, out: &mut Findings) {
    let Some(element) = &v.element else { return };
    if v.max == 0 {
        out.push(
            RuleCode::VcpuCurrentAboveMax,
            v.range(d),
            "the maximum vCPU count must be at least 1",
        );
        return;
    }
    let Some((current, range)) = v.current else {
        return;
    };
    if current > v.max || current == 0 {
        let message = if current == 0 {
            "the current vCPU count must be at least 1; libvirt: \"Domain requires at least 1 vCPU\"".to_owned()
        } else {
            format!(
                "current vCPU count {current} is above the maximum {}; libvirt: \"maximum vCPU count must not be less than current vCPU count\"",
                v.max
            )
        };
        let mut f = finding(RuleCode::VcpuCurrentAboveMax, range, message)
            .related(name_range(element), "the maximum vCPU count");
        f = f.fix(Fix::new(
            format!("Set current to the maximum ({})", v.max),
            vec![TextEdit::new(range, v.max.to_string())],
        ));
        out.push_finding(f);
    }
}

fn vcpu_list(d: &Domain, v: &Vcpus, out: &mut Findings) {
    let Some(list) = d.top("vcpus") else {
        return;
    };
    for c in children(&list, "vcpu") {
        let Some((id_text, id_range)) = attr(&c, "id") else {
            continue;
        };
        let Some(id) = parse_decimal(id_text) else {
            continue;
        };
        if id >= v.max {
            let mut f = finding(
                RuleCode::VcpuIdOutOfRange,
                id_range,
                format!(
                    "vCPU ids run from 0 to {}; libvirt: \"vcpu id '{id}' is out of range of maximum vcpu count\"",
                    v.max.saturating_sub(1)
                ),
            );
            if let Some(e) = &v.element {
                f = f.related(name_range(e), "the maximum vCPU count");
            }
            out.push_finding(f);
            continue;
        }
        let enabled = c.attribute_value("enabled");
        let hotpluggable = c.attribute_value("hotpluggable");
        if enabled == Some("no") && hotpluggable == Some("no") {
            out.push(
                RuleCode::VcpuOfflineNotHotpluggable,
                name_range(&c),
                format!("an offline vCPU must be hotpluggable; libvirt: \"vcpu '{id}' is both offline and not hotpluggable\""),
            );
        }
        if id == 0 {
            if enabled == Some("no") {
                out.push(
                    RuleCode::VcpuZeroNotStatic,
                    attr_or_name_range(&c, "enabled"),
                    "vCPU 0 must be online; libvirt: \"vcpu 0 can't be offline\"",
                );
            } else if hotpluggable == Some("yes") {
                out.push(
                    RuleCode::VcpuZeroNotStatic,
                    attr_or_name_range(&c, "hotpluggable"),
                    "vCPU 0 cannot be unplugged; libvirt: \"vcpu0 can't be hotpluggable\"",
                );
            }
        }
    }
}

fn topology(d: &Domain, v: &Vcpus, out: &mut Findings) {
    if let Some(topo) = d.at(&["cpu", "topology"]) {
        let mut product: Option<u64> = Some(1);
        for (name, default) in [
            ("sockets", None),
            ("dies", Some(1)),
            ("clusters", Some(1)),
            ("cores", None),
            ("threads", None),
        ] {
            let value = match attr(&topo, name) {
                Some((s, _)) => parse_decimal(s),
                None => default,
            };
            product = match (product, value) {
                (Some(p), Some(n)) => p.checked_mul(n),
                _ => None,
            };
        }
        if let Some(product) = product.filter(|p| *p != 0 && *p != v.max) {
            let mut f = finding(
                RuleCode::CpuTopologyMismatch,
                name_range(&topo),
                format!(
                    "the topology gives {product} vCPUs but the maximum is {}; libvirt: \"CPU topology doesn't match maximum vcpu count\"",
                    v.max
                ),
            );
            if let (Some(e), Some(r)) = (&v.element, v.max_range) {
                f = f
                    .related(name_range(e), "the maximum vCPU count")
                    .fix(Fix::new(
                        format!("Set the vCPU count to {product}"),
                        vec![TextEdit::new(r, product.to_string())],
                    ));
                // A `current` above the new maximum would trade one error for another.
                if let Some((cur, cur_range)) = v.current
                    && cur > product
                    && let Some(last) = f.fixes.last_mut()
                {
                    last.edits
                        .insert(0, TextEdit::new(cur_range, product.to_string()));
                }
            }
            out.push_finding(f);
        }
    }

    let family = MachineFamily::of(d.arch, d.machine);
    let x86 = match d.arch {
        Some(a) => a == "x86_64" || a == "i686",
        None => family.is_x86(),
    };
    if x86 && v.max > 255 {
        // On q35 libvirt adds an intel IOMMU with eim itself, and turns eim on when it is
        // not set; only an explicit eim='off' remains.
        let eim_off = d
            .devices_named("iommu")
            .filter_map(|i| child(&i, "driver"))
            .any(|drv| drv.attribute_value("eim") == Some("off"));
        let message = if family != MachineFamily::Q35 {
            Some(
                "more than 255 vCPUs need a q35 machine; libvirt: \"more than 255 vCPUs are only supported on q35-based machine types\"",
            )
        } else if eim_off {
            Some(
                "more than 255 vCPUs need <iommu><driver eim='on'/>; libvirt: \"more than 255 vCPUs require extended interrupt mode enabled on the iommu device\"",
            )
        } else {
            None
        };
        if let Some(message) = message {
            out.push(RuleCode::VcpusNeedQ35Eim, v.range(d), message);
        }
    }
}

fn pins(d: &Domain, v: &Vcpus, out: &mut Findings) {
    let Some(cputune) = d.top("cputune") else {
        return;
    };
    let mut seen: BTreeMap<u64, TextRange> = BTreeMap::new();
    for pin in children(&cputune, "vcpupin") {
        let Some((s, range)) = attr(&pin, "vcpu") else {
            continue;
        };
        let Some(id) = parse_decimal(s) else {
            continue;
        };
        if id >= v.max {
            out.push(
                RuleCode::VcpupinOutOfRange,
                range,
                format!(
                    "vCPU {id} does not exist (the maximum is {}): libvirt drops this <vcpupin> without an error",
                    v.max
                ),
            );
            continue;
        }
        if let Some(first) = seen.get(&id) {
            out.push_finding(
                finding(
                    RuleCode::VcpupinDuplicate,
                    range,
                    format!(
                        "vCPU {id} is pinned twice; libvirt: \"duplicate vcpupin for vcpu '{id}'\""
                    ),
                )
                .related(*first, "first pinned here"),
            );
        } else {
            seen.insert(id, range);
        }
    }
    sched(&cputune, "vcpusched", "vcpus", out, |id| {
        (id >= v.max).then(|| {
            (
                RuleCode::VcpuschedOutOfRange,
                format!(
                    "vCPU {id} does not exist (the maximum is {}); libvirt: \"vCPU '{id}' is not present in domain definition\"",
                    v.max
                ),
            )
        })
    });
}

/// `<vcpusched vcpus>` / `<iothreadsched iothreads>`: each id must exist, and two elements must
/// not name the same thread.
fn sched(
    cputune: &El,
    element: &str,
    attribute: &str,
    out: &mut Findings,
    missing: impl Fn(u64) -> Option<(RuleCode, String)>,
) {
    let mut owner: BTreeMap<u32, TextRange> = BTreeMap::new();
    for s in children(cputune, element) {
        let Some((value, range)) = attr(&s, attribute) else {
            continue;
        };
        let Some(ids) = parse_cpu_set(value) else {
            continue;
        };
        if let Some((code, message)) = ids.iter().find_map(|id| missing(u64::from(*id))) {
            out.push(code, range, message);
            continue;
        }
        if let Some(first) = ids.iter().find_map(|id| owner.get(id)) {
            out.push_finding(
                finding(
                    RuleCode::SchedOverlap,
                    range,
                    format!("these threads already have a scheduler; libvirt: \"'{element}' attributes '{attribute}' must not overlap\""),
                )
                .related(*first, "the earlier element naming them"),
            );
            continue;
        }
        for id in ids {
            owner.insert(id, range);
        }
    }
}

fn iothreads(d: &Domain, vcpus: Option<&Vcpus>, out: &mut Findings) {
    let _ = vcpus;
    if let Some(list) = d.top("iothreadids") {
        let mut seen: BTreeMap<u64, TextRange> = BTreeMap::new();
        for t in children(&list, "iothread") {
            let Some((s, range)) = attr(&t, "id") else {
                continue;
            };
            let Some(id) = parse_decimal(s) else {
                continue;
            };
            if let Some(first) = seen.get(&id) {
                out.push_finding(
                    finding(
                        RuleCode::IothreadDuplicateId,
                        range,
                        format!("IOThread id {id} is defined twice; libvirt: \"duplicate iothread id '{id}' found\""),
                    )
                    .related(*first, "first defined here"),
                );
            } else {
                seen.insert(id, range);
            }
        }
    }
    let Some(ids) = iothread_ids(d) else { return };
    let iothreads_element = d.top("iothreads");
    let related = |f: super::Finding| match &iothreads_element {
        Some(e) => f.related(name_range(e), "the IOThread count"),
        None => f,
    };
    if let Some(cputune) = d.top("cputune") {
        for pin in children(&cputune, "iothreadpin") {
            let Some((s, range)) = attr(&pin, "iothread") else {
                continue;
            };
            let Some(id) = parse_decimal(s) else {
                continue;
            };
            if !ids.contains(&id) {
                out.push_finding(related(finding(
                    RuleCode::IothreadMissing,
                    range,
                    format!(
                        "no IOThread {id} is defined; libvirt: \"Cannot find 'iothread' : {id}\""
                    ),
                )));
            }
        }
        sched(&cputune, "iothreadsched", "iothreads", out, |id| {
            (!ids.contains(&id)).then(|| {
                (
                    RuleCode::IothreadMissing,
                    format!(
                        "no IOThread {id} is defined; libvirt: \"Cannot find 'iothread' : {id}\""
                    ),
                )
            })
        });
    }
    for dev in d.devices() {
        let kind = dev.name();
        if kind != "disk" && kind != "controller" {
            continue;
        }
        // QEMU looks up controller IOThreads for virtio-scsi only; other controllers with an
        // iothread are refused earlier, for another reason.
        if kind == "controller"
            && !(dev.attribute_value("type") == Some("scsi")
                && dev
                    .attribute_value("model")
                    .is_some_and(|m| m.starts_with("virtio-")))
        {
            continue;
        }
        let Some(driver) = child(&dev, "driver") else {
            continue;
        };
        let Some((s, range)) = attr(&driver, "iothread") else {
            continue;
        };
        let Some(id) = parse_decimal(s).filter(|id| *id != 0) else {
            continue;
        };
        if !ids.contains(&id) {
            let quoted = if kind == "disk" {
                format!("Disk iothread '{id}' not defined in iothreadid")
            } else {
                format!("controller iothread '{id}' not defined in iothreadid")
            };
            out.push_finding(related(finding(
                RuleCode::DeviceIothreadMissing,
                range,
                format!("no IOThread {id} is defined; libvirt: \"{quoted}\""),
            )));
        }
    }
}

fn cpu_cache(d: &Domain, out: &mut Findings) {
    let Some(cpu) = d.top("cpu") else {
        return;
    };
    let cpu_mode = cpu.attribute_value("mode").unwrap_or("custom");
    if let Some(cache) = child(&cpu, "cache") {
        let level = attr(&cache, "level");
        match cache.attribute_value("mode") {
            Some("emulate") if level.as_ref().is_none_or(|(l, _)| l.trim() != "3") => {
                out.push(
                    RuleCode::CpuCacheMode,
                    level.map_or_else(|| name_range(&cache), |(_, r)| r),
                    "an emulated cache must be level 3; libvirt: \"CPU cache mode 'emulate' can only be used with level='3'\"",
                );
            }
            Some(mode @ ("passthrough" | "disable")) => {
                if mode == "passthrough" && cpu_mode != "host-passthrough" && cpu_mode != "maximum"
                {
                    out.push(
                        RuleCode::CpuCacheMode,
                        attr_or_name_range(&cache, "mode"),
                        "cache passthrough needs a host-passthrough or maximum CPU; libvirt: \"CPU cache mode 'passthrough' can only be used with 'host-passthrough' / 'maximum' CPUs\"",
                    );
                } else if let Some((_, r)) = level {
                    out.push(
                        RuleCode::CpuCacheMode,
                        r,
                        format!("cache mode '{mode}' takes no level; libvirt: \"unsupported CPU cache level for mode '{mode}'\""),
                    );
                }
            }
            _ => {}
        }
    }
    if let Some(addr) = child(&cpu, "maxphysaddr")
        && addr.attribute_value("mode") == Some("passthrough")
        && let Some((_, r)) = attr(&addr, "bits")
    {
        out.push(
            RuleCode::CpuPhysBits,
            r,
            "passthrough takes the host's address width, so bits cannot be set; libvirt: \"CPU maximum physical address bits number specification cannot be used with mode='passthrough'\"",
        );
    }
}

fn cputune_ranges(d: &Domain, out: &mut Findings) {
    let Some(cputune) = d.top("cputune") else {
        return;
    };
    const PERIOD: (i128, i128) = (1000, 1_000_000);
    const QUOTA: (i128, i128) = (1000, 17_592_186_044_415);
    for (name, (min, max)) in [
        ("period", PERIOD),
        ("global_period", PERIOD),
        ("emulator_period", PERIOD),
        ("iothread_period", PERIOD),
        ("quota", QUOTA),
        ("global_quota", QUOTA),
        ("emulator_quota", QUOTA),
        ("iothread_quota", QUOTA),
    ] {
        let Some(e) = child(&cputune, name) else {
            continue;
        };
        let Some((t, range)) = super::values::text(&e) else {
            continue;
        };
        let Ok(value) = t.parse::<i128>() else {
            continue;
        };
        if value > 0 && (value < min || value > max) {
            out.push(
                RuleCode::CputuneRange,
                range,
                format!("{name} must be in [{min}, {max}]; libvirt: \"Value of cputune '{name}' must be in range [{min}, {max}]\""),
            );
        }
    }
}

/// Sets that parse but select nothing (`0,^0`): libvirt refuses them.
fn empty_sets(d: &Domain, out: &mut Findings) {
    let mut check = |e: &El, name: &str| {
        // Only an exclusion (`^`) can leave a set that parses empty: the usual `0-3` is not
        // parsed at all.
        if let Some((v, range)) = attr(e, name)
            && v.contains('^')
            && parse_cpu_set(v).is_some_and(|s| s.is_empty())
        {
            out.push(
                RuleCode::EmptySet,
                range,
                format!("'{v}' selects no id; libvirt: \"Invalid value of '{name}': {v}\""),
            );
        }
    };
    if let Some(v) = d.top("vcpu") {
        check(&v, "cpuset");
    }
    if let Some(cputune) = d.top("cputune") {
        for e in cputune.children() {
            match Some(e.name()) {
                Some("vcpupin" | "emulatorpin" | "iothreadpin") => check(&e, "cpuset"),
                Some("vcpusched") => check(&e, "vcpus"),
                Some("iothreadsched") => check(&e, "iothreads"),
                _ => {}
            }
        }
    }
    if let Some(numatune) = d.top("numatune") {
        for e in numatune.children() {
            check(&e, "nodeset");
        }
    }
    if let Some(hp) = d.at(&["memoryBacking", "hugepages"]) {
        for p in children(&hp, "page") {
            check(&p, "nodeset");
        }
    }
}
