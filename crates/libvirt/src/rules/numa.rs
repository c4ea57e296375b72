//! Guest NUMA cells, distances and `<numatune>`: libvirt's NUMA parser (`numa_conf.c`), the
//! cell/vCPU cross-checks of the domain parser, and the `<memory>` rewrite of post-parse.

use std::collections::BTreeMap;

use domxml_syntax::{TextEdit, TextRange};

use super::codes::RuleCode;
use super::domain::{Domain, attr, attr_or_name_range, child, children, name_range, parse_decimal};
use super::values::{Cell, Vcpus, numa_cells, size_kib};
use super::{Findings, finding};
use crate::Fix;

pub(super) fn check(d: &Domain, out: &mut Findings) {
    let cells = numa_cells(d);
    if let Some(v) = Vcpus::of(d) {
        cpus(cells, v, out);
    }
    ids(cells, out);
    distances(cells, out);
    numatune(d, cells, out);
    memory_sum(d, cells, out);
}

fn cpus(cells: &[Cell], v: &Vcpus, out: &mut Findings) {
    let mut owner: BTreeMap<u32, &Cell> = BTreeMap::new();
    for cell in cells {
        let Some(cpus) = &cell.cpus else { continue };
        let range = attr_or_name_range(&cell.element, "cpus");
        if let Some(max_id) = cpus.last()
            && u64::from(*max_id) >= v.max
        {
            let mut f = finding(
                RuleCode::NumaCpusExceedVcpus,
                range,
                format!(
                    "vCPU {max_id} is beyond the maximum vCPU count {}; libvirt: \"CPU IDs in <numa> exceed the <vcpu> count\"",
                    v.max
                ),
            );
            if let Some(e) = &v.element {
                f = f.related(name_range(e), "the maximum vCPU count");
            }
            out.push_finding(f);
        }
        if let Some((id, first)) = cpus.iter().find_map(|c| owner.get(c).map(|o| (*c, *o))) {
            out.push_finding(
                finding(
                    RuleCode::NumaCpusOverlap,
                    range,
                    format!("vCPU {id} is in two cells; libvirt: \"NUMA cells ... have overlapping vCPU ids\""),
                )
                .related(attr_or_name_range(&first.element, "cpus"), "the other cell"),
            );
        }
        for c in cpus {
            owner.entry(*c).or_insert(cell);
        }
    }
}

fn ids(cells: &[Cell], out: &mut Findings) {
    let n = cells.len() as u64;
    let mut seen: BTreeMap<u64, TextRange> = BTreeMap::new();
    for cell in cells {
        let Some(id) = cell.id else { continue };
        let range = attr_or_name_range(&cell.element, "id");
        if id >= n {
            out.push(
                RuleCode::NumaCellId,
                range,
                format!(
                    "with {n} cells the ids run 0..{}; libvirt: \"Exactly one 'cell' element per guest NUMA cell allowed, non-contiguous ranges or ranges not starting from 0 are not allowed\"",
                    n.saturating_sub(1)
                ),
            );
        } else if let Some(first) = seen.get(&id) {
            out.push_finding(
                finding(
                    RuleCode::NumaCellId,
                    range,
                    format!("cell {id} is defined twice; libvirt: \"Duplicate NUMA cell info for cell id '{id}'\""),
                )
                .related(*first, "first defined here"),
            );
        } else {
            seen.insert(id, range);
        }
    }
}

fn distances(cells: &[Cell], out: &mut Findings) {
    let n = cells.len() as u64;
    for (index, cell) in cells.iter().enumerate() {
        let Some(list) = child(&cell.element, "distances") else {
            continue;
        };
        let own = cell.id.unwrap_or(index as u64);
        for s in children(&list, "sibling") {
            let Some((id_text, id_range)) = attr(&s, "id") else {
                continue;
            };
            let Some(id) = parse_decimal(id_text) else {
                continue;
            };
            if id >= n {
                out.push(
                    RuleCode::NumaSiblingMissing,
                    id_range,
                    format!("there is no cell {id}; libvirt: \"'sibling_id {id}' does not refer to a valid cell within NUMA 'cell id {own}'\""),
                );
                continue;
            }
            let Some((value_text, value_range)) = attr(&s, "value") else {
                continue;
            };
            let Some(value) = parse_decimal(value_text) else {
                continue;
            };
            let why = if !(10..=255).contains(&value) {
                Some("a distance is between 10 and 255")
            } else if id == own && value != 10 {
                Some("the distance of a cell to itself is 10")
            } else if id != own && value == 10 {
                Some("10 is the local distance; a remote cell needs more")
            } else {
                None
            };
            if let Some(why) = why {
                out.push(
                    RuleCode::NumaDistanceValue,
                    value_range,
                    format!("{why}; libvirt: \"'value {value}' is invalid for 'sibling id {id}' under NUMA 'cell id {own}'\""),
                );
            }
        }
    }
}

fn numatune(d: &Domain, cells: &[Cell], out: &mut Findings) {
    let Some(tune) = d.top("numatune") else {
        return;
    };
    let memory = child(&tune, "memory");
    let vcpu_auto = d
        .top("vcpu")
        .and_then(|v| v.attribute_value("placement"))
        .is_some_and(|p| p == "auto");
    let placement = memory.as_ref().and_then(|m| m.attribute_value("placement"));
    let nodeset = memory.as_ref().and_then(|m| m.attribute_value("nodeset"));
    let auto = match placement {
        Some("auto") => true,
        Some(_) => false,
        None => nodeset.is_none() && vcpu_auto,
    };
    if let Some(m) = &memory
        && placement == Some("static")
        && nodeset.is_none()
    {
        out.push(
            RuleCode::NumatuneStaticNodeset,
            attr_or_name_range(m, "placement"),
            "static placement needs a nodeset; libvirt: \"nodeset for NUMA memory tuning must be set if 'placement' is 'static'\"",
        );
    }
    let memory_mode = memory
        .as_ref()
        .and_then(|m| m.attribute_value("mode"))
        .unwrap_or("strict");
    let n = cells.len() as u64;
    let mut seen: BTreeMap<u64, TextRange> = BTreeMap::new();
    let mut restrictive_memnode: Option<TextRange> = None;
    for node in children(&tune, "memnode") {
        if auto {
            out.push(
                RuleCode::NumatuneMemnode,
                name_range(&node),
                "memory placement is automatic, so nodes cannot be bound; libvirt: \"Per-node binding is not compatible with automatic NUMA placement.\"",
            );
            return;
        }
        if n == 0 {
            out.push(
                RuleCode::NumatuneMemnode,
                name_range(&node),
                "there are no guest NUMA cells to bind; libvirt: \"Element 'memnode' is invalid without any guest NUMA cells\"",
            );
            return;
        }
        if let Some((t, range)) = attr(&node, "cellid")
            && let Some(id) = parse_decimal(t)
        {
            if id >= n {
                out.push(
                    RuleCode::NumatuneMemnode,
                    range,
                    format!("there is no cell {id}; libvirt: \"Argument 'cellid' in memnode element must correspond to existing guest's NUMA cell\""),
                );
            } else if let Some(first) = seen.get(&id) {
                out.push_finding(
                    finding(
                        RuleCode::NumatuneMemnode,
                        range,
                        format!("cell {id} is bound twice; libvirt: \"Multiple memnode elements with cellid {id}\""),
                    )
                    .related(*first, "first bound here"),
                );
            } else {
                seen.insert(id, range);
            }
        }
        let mode = node.attribute_value("mode").unwrap_or("strict");
        if memory_mode == "restrictive" && mode != "restrictive" {
            out.push(
                RuleCode::NumatuneRestrictive,
                attr_or_name_range(&node, "mode"),
                "<memory> is restrictive, so every <memnode> must be; libvirt: \"'restrictive' mode is required in memnode element when mode is 'restrictive' in memory element\"",
            );
        }
        if mode == "restrictive" && memory_mode != "restrictive" {
            restrictive_memnode.get_or_insert(attr_or_name_range(&node, "mode"));
        }
    }
    if let Some(range) = restrictive_memnode {
        let mut f = finding(
            RuleCode::NumatuneRestrictive,
            range,
            "a restrictive <memnode> needs <memory mode='restrictive'>; libvirt: \"'restrictive' mode is required in memory element when mode is 'restrictive' in memnode element\"",
        );
        if let Some(m) = &memory {
            f = f.related(attr_or_name_range(m, "mode"), "the <memory> mode");
        }
        out.push_finding(f);
    }
}

/// `virsh define` sets `<memory>` to the cells' sum plus the memory devices.
fn memory_sum(d: &Domain, cells: &[Cell], out: &mut Findings) {
    if cells.is_empty() {
        return;
    }
    let mut numa: u64 = 0;
    for c in cells {
        let Some(m) = c.memory_kib else { return };
        numa = numa.saturating_add(m);
    }
    if numa == 0 {
        return;
    }
    let mut devices: u64 = 0;
    for m in d.devices_named("memory") {
        let Some(size) = child(&m, "target").and_then(|t| child(&t, "size")) else {
            continue;
        };
        let Some((kib, _)) = size_kib(&size) else {
            return;
        };
        devices = devices.saturating_add(kib);
    }
    let Some(memory) = d.top("memory") else {
        return;
    };
    let Some((kib, range)) = size_kib(&memory) else {
        return;
    };
    let total = numa.saturating_add(devices);
    if kib != total {
        let unit_range = attr(&memory, "unit").map(|(_, r)| r);
        let mut edits = vec![TextEdit::new(range, total.to_string())];
        if let Some(r) = unit_range {
            edits.insert(0, TextEdit::new(r, "KiB"));
        }
        let f = finding(
            RuleCode::NumaMemorySum,
            range,
            format!(
                "libvirt replaces <memory> ({kib} KiB) by the NUMA cells' sum plus memory devices: {total} KiB"
            ),
        )
        .related(name_range(&cells[0].element), "the NUMA cells")
        .fix(Fix::new(format!("Set <memory> to {total} KiB"), edits));
        out.push_finding(f);
    }
}
