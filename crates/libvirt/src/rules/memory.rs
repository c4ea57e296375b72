//! Memory sizes, memory devices and hugepages: libvirt's `virDomainDefPostParseMemory`,
//! `virDomainDefMemtuneValidate` and `virDomainMemoryDefValidate`.

use domxml_syntax::TextEdit;

use super::codes::RuleCode;
use super::domain::{Domain, attr, child, children, name_range, parse_cpu_set, parse_decimal};
use super::values::{numa_cells, scaled_kib, size_kib};
use super::{Findings, finding};
use crate::Fix;
use domxml_syntax::elements::El;

/// The largest size libvirt keeps, in KiB (`LLONG_MAX` bytes).
const MAX_KIB: u64 = 9_007_199_254_740_991;

pub(super) fn check(d: &Domain, out: &mut Findings) {
    sizes(d, out);
    target_nodes(d, out);
    hugepages(d, out);
    alignment(d, out);
}

fn sizes(d: &Domain, out: &mut Findings) {
    let cells = numa_cells(d);
    let numa: u64 = cells
        .iter()
        .map(|c| c.memory_kib.unwrap_or(0))
        .fold(0, u64::saturating_add);
    let mut hotplug: u64 = 0;
    let mut first_device = None;
    for m in d.devices_named("memory") {
        let Some(size) = child(&m, "target").and_then(|t| child(&t, "size")) else {
            continue;
        };
        let Some((kib, _)) = size_kib(&size) else {
            return;
        };
        hotplug = hotplug.saturating_add(kib);
        first_device.get_or_insert(m);
    }
    let memory = d.top("memory");
    let memory_kib = match &memory {
        Some(m) => match size_kib(m) {
            Some((kib, _)) => kib,
            None => return,
        },
        None => 0,
    };
    let total = if numa > 0 {
        numa.saturating_add(hotplug)
    } else {
        memory_kib
    };
    if numa == 0 && hotplug > memory_kib && memory_kib > 0 {
        let mut f = finding(
            RuleCode::MemoryDevicesExceedTotal,
            memory
                .as_ref()
                .map_or_else(|| name_range(&d.root), name_range),
            format!(
                "memory devices add up to {hotplug} KiB, more than <memory> ({memory_kib} KiB); libvirt: \"Total size of memory devices exceeds the total memory size\""
            ),
        );
        if let Some(dev) = &first_device {
            f = f.related(name_range(dev), "a memory device");
        }
        out.push_finding(f);
        return;
    }
    let initial = if numa > 0 {
        numa
    } else {
        memory_kib.saturating_sub(hotplug)
    };
    if initial == 0 {
        out.push(
            RuleCode::MemorySizeMissing,
            memory.as_ref().map_or_else(|| name_range(&d.root), name_range),
            "the guest has no memory size; libvirt: \"Memory size must be specified via <memory> or in the <numa> configuration\"",
        );
        return;
    }
    if let Some(current) = d.top("currentMemory")
        && let Some((kib, range)) = size_kib(&current)
        && kib > total
    {
        let mut edits = vec![TextEdit::new(range, total.to_string())];
        if let Some((_, r)) = attr(&current, "unit") {
            edits.insert(0, TextEdit::new(r, "KiB"));
        }
        out.push_finding(
            finding(
                RuleCode::CurrentMemoryAboveMemory,
                range,
                format!("<currentMemory> ({kib} KiB) is above the total ({total} KiB): libvirt lowers it to the total"),
            )
            .fix(Fix::new(format!("Set <currentMemory> to {total} KiB"), edits)),
        );
    }
    if let Some(max) = d.top("maxMemory") {
        let slots = attr(&max, "slots")
            .and_then(|(s, _)| parse_decimal(s))
            .unwrap_or(0);
        match size_kib(&max) {
            Some((0, r)) if slots > 0 => out.push(
                RuleCode::MemorySlotsWithoutMax,
                r,
                "memory slots need a maximum size; libvirt: \"maximum memory size must be specified when specifying number of memory slots\"",
            ),
            Some((max_kib, r)) if max_kib > 0 && max_kib < total => {
                let mut f = finding(
                    RuleCode::MaxMemoryBelowMemory,
                    r,
                    format!("<maxMemory> ({max_kib} KiB) is below the memory size ({total} KiB); libvirt: \"maximum memory size must be equal or greater than the actual memory size\""),
                );
                if let Some(m) = &memory {
                    f = f.related(name_range(m), "the memory size");
                }
                out.push_finding(f);
            }
            _ => {}
        }
    }
}

fn target_nodes(d: &Domain, out: &mut Findings) {
    let n = numa_cells(d).len() as u64;
    for m in d.devices_named("memory") {
        let Some(node) = child(&m, "target").and_then(|t| child(&t, "node")) else {
            continue;
        };
        let Some((id, range)) = super::values::text_number(&node) else {
            continue;
        };
        let message = if n == 0 {
            "the guest has no NUMA cells; libvirt: \"can't add memory backend as guest has no NUMA nodes configured\"".to_owned()
        } else if id >= n {
            format!(
                "there is no NUMA cell {id}; libvirt: \"can't add memory backend for guest node '{id}' as the guest has only '{n}' NUMA nodes configured\""
            )
        } else {
            continue;
        };
        let mut f = finding(RuleCode::MemoryTargetNode, range, message);
        if let Some(numa) = d.at(&["cpu", "numa"]) {
            f = f.related(name_range(&numa), "the guest NUMA cells");
        }
        out.push_finding(f);
    }
}

fn hugepages(d: &Domain, out: &mut Findings) {
    let Some(hp) = d.at(&["memoryBacking", "hugepages"]) else {
        return;
    };
    let n = numa_cells(d).len() as u32;
    struct Page<'a> {
        element: El<'a>,
        size: Option<u64>,
        nodes: Option<Vec<u32>>,
    }
    let mut pages: Vec<Page> = Vec::new();
    for p in children(&hp, "page") {
        let size = attr(&p, "size").and_then(|(s, _)| {
            let unit = attr(&p, "unit").map(|(u, _)| u);
            scaled_kib(parse_decimal(s)?, unit, "KiB")
        });
        let nodes = match attr(&p, "nodeset") {
            Some((s, _)) => match parse_cpu_set(s) {
                // Without guest NUMA, libvirt drops a nodeset of node 0 only.
                Some(set) if n == 0 && set.iter().all(|x| *x == 0) => None,
                Some(set) => Some(set),
                None => return,
            },
            None => None,
        };
        pages.push(Page {
            element: p,
            size,
            nodes,
        });
    }
    let show = |s: Option<u64>| s.map_or_else(|| "?".to_owned(), |s| s.to_string());
    for (i, page) in pages.iter().enumerate() {
        for earlier in &pages[..i] {
            match (&page.nodes, &earlier.nodes) {
                (None, None) => {
                    out.push_finding(
                        finding(
                            RuleCode::HugepagesTwoDefaults,
                            name_range(&page.element),
                            format!(
                                "two page sizes apply to all nodes; libvirt: \"two master hugepages detected: {} and {}\"",
                                show(page.size),
                                show(earlier.size)
                            ),
                        )
                        .related(name_range(&earlier.element), "the other default page"),
                    );
                }
                (Some(a), Some(b)) if a.iter().any(|x| b.contains(x)) => {
                    out.push_finding(
                        finding(
                            RuleCode::HugepagesNodesetOverlap,
                            super::domain::attr_or_name_range(&page.element, "nodeset"),
                            format!(
                                "a node has two page sizes; libvirt: \"nodeset attribute of hugepages of sizes {} and {} intersect\"",
                                show(page.size),
                                show(earlier.size)
                            ),
                        )
                        .related(
                            super::domain::attr_or_name_range(&earlier.element, "nodeset"),
                            "the other nodeset",
                        ),
                    );
                }
                _ => {}
            }
        }
        if let Some(missing) = page
            .nodes
            .as_ref()
            .and_then(|s| s.iter().find(|x| **x >= n))
        {
            let mut f = finding(
                RuleCode::HugepagesNodeMissing,
                super::domain::attr_or_name_range(&page.element, "nodeset"),
                format!(
                    "the guest has {n} NUMA cells; libvirt: \"hugepages: node {missing} not found\""
                ),
            );
            if let Some(numa) = d.at(&["cpu", "numa"]) {
                f = f.related(name_range(&numa), "the guest NUMA cells");
            }
            out.push_finding(f);
        }
    }
}

/// QEMU rounds NUMA cells up to whole MiB; a size near libvirt's maximum overflows.
fn alignment(d: &Domain, out: &mut Findings) {
    for cell in numa_cells(d) {
        let Some(kib) = cell.memory_kib else { continue };
        if kib.div_ceil(1024).saturating_mul(1024) > MAX_KIB {
            let id = cell.id.unwrap_or(0);
            out.push(
                RuleCode::MemoryAlignOverflow,
                super::domain::attr_or_name_range(&cell.element, "memory"),
                format!("rounded up to whole MiB, this size exceeds the largest memory size; libvirt: \"memory size of NUMA node '{id}' overflowed after alignment\""),
            );
        }
    }
}
