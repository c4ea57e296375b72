//! Drive addresses (`<address type='drive'>`) of disks and SCSI host devices. A disk without
//! one gets an address derived from its target name when the domain is defined, so those
//! count too (libvirt's `virDomainDiskDefAssignAddress`).

use domxml_syntax::TextRange;
use domxml_syntax::elements::El;

use super::super::domain::{attr, child, name_range, parse_decimal};
use super::super::{Domain, Driver, Findings, RuleCode, finding};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Drive {
    controller: u64,
    bus: u64,
    target: u64,
    unit: u64,
}

impl Drive {
    fn show(&self) -> String {
        format!(
            "controller='{}' bus='{}' target='{}' unit='{}'",
            self.controller, self.bus, self.target, self.unit
        )
    }
}

/// The device's own `<address type='drive'>`, with unset parts 0.
fn explicit<'a>(device: &El<'a>) -> Option<(El<'a>, Drive)> {
    drive_address(child(device, "address")?)
}

/// An `<address>` if it is of type drive, with unset parts 0.
fn drive_address(a: El) -> Option<(El, Drive)> {
    if a.attribute_value("type") != Some("drive") {
        return None;
    }
    let num = |name: &str| match attr(&a, name) {
        None => Some(0),
        Some((v, _)) => parse_decimal(v),
    };
    let drive = Drive {
        controller: num("controller")?,
        bus: num("bus")?,
        target: num("target")?,
        unit: num("unit")?,
    };
    Some((a, drive))
}

/// A disk target's index as libvirt counts it: `sda` 0, `sdz` 25, `sdaa` 26.
pub(in super::super) fn target_index(target: &str) -> Option<u64> {
    let rest = ["xvd", "ubd", "hd", "sd", "vd", "fd"]
        .iter()
        .find_map(|p| target.strip_prefix(p))?;
    let letters = &rest[..rest.bytes().take_while(u8::is_ascii_lowercase).count()];
    if letters.is_empty() || letters.len() > 6 {
        return None;
    }
    let mut idx: u64 = 0;
    for (i, c) in letters.bytes().enumerate() {
        idx = (idx + u64::from(i > 0)) * 26 + u64::from(c - b'a');
    }
    Some(idx)
}

/// The address libvirt gives an unaddressed disk on `bus` with target index `idx`.
fn derived(bus: &str, idx: u64, wide_scsi: bool) -> Option<Drive> {
    let d = |controller, bus, unit| Drive {
        controller,
        bus,
        target: 0,
        unit,
    };
    Some(match bus {
        "ide" => d(idx / 4, (idx % 4) / 2, idx % 2),
        "sata" => d(idx / 6, 0, idx % 6),
        "fdc" => d(idx / 2, 0, idx % 2),
        "scsi" if wide_scsi => {
            let unit = idx % 15;
            d(idx / 15, 0, if unit >= 7 { unit + 1 } else { unit })
        }
        "scsi" => d(idx / 7, 0, idx % 7),
        _ => return None,
    })
}

struct Placed<'a> {
    bus: &'a str,
    drive: Drive,
    /// Where to report: the `<address>` element, or the target name for a derived address.
    range: TextRange,
    derived_from: Option<&'a str>,
}

fn disks<'a>(d: &Domain<'a>) -> Vec<Placed<'a>> {
    let wide = d.driver == Driver::Qemu;
    let mut out = Vec::new();
    for disk in d.devices_named("disk") {
        let Some(target) = child(&disk, "target") else {
            continue;
        };
        let Some(bus) = target.attribute_value("bus") else {
            continue;
        };
        let address = child(&disk, "address");
        if let Some((a, drive)) = address.and_then(drive_address) {
            out.push(Placed {
                bus,
                drive,
                range: name_range(&a),
                derived_from: None,
            });
        } else if address.is_none()
            && let Some((dev, range)) = attr(&target, "dev")
            && let Some(drive) = target_index(dev).and_then(|i| derived(bus, i, wide))
        {
            out.push(Placed {
                bus,
                drive,
                range,
                derived_from: Some(dev),
            });
        }
    }
    out
}

type Key<'a> = (&'a str, Drive);

/// Per address, the first disk and the first with an explicit address: searched in place for
/// the usual few disks, a hash map past that (domains with thousands of disks).
enum Firsts<'a> {
    Few(Vec<(Key<'a>, (usize, Option<usize>))>),
    Many(std::collections::HashMap<Key<'a>, (usize, Option<usize>)>),
}

impl<'a> Firsts<'a> {
    fn new(disks: usize) -> Firsts<'a> {
        if disks > 32 {
            Firsts::Many(std::collections::HashMap::new())
        } else {
            Firsts::Few(Vec::with_capacity(disks))
        }
    }

    /// The entry of `key`, made with disk `i` first when there is none.
    fn slot(&mut self, key: Key<'a>, i: usize) -> &mut (usize, Option<usize>) {
        match self {
            Firsts::Few(v) => {
                let at = match v.iter().position(|(k, _)| *k == key) {
                    Some(at) => at,
                    None => {
                        v.push((key, (i, None)));
                        v.len() - 1
                    }
                };
                &mut v[at].1
            }
            Firsts::Many(m) => m.entry(key).or_insert((i, None)),
        }
    }
}

pub(super) fn check(d: &Domain, out: &mut Findings) {
    let code = RuleCode::DriveAddressInUse;
    if !out.wants(code) {
        return;
    }
    let disks = disks(d);
    let mut firsts = Firsts::new(disks.len());
    for (i, p) in disks.iter().enumerate() {
        let slot = firsts.slot((p.bus, p.drive), i);
        let (any, explicit) = *slot;
        if p.derived_from.is_none() && explicit.is_none() {
            slot.1 = Some(i);
        }
        // Two derived addresses come from two target names; their clash is the duplicate target.
        let first = match p.derived_from {
            None => any,
            Some(_) => match explicit {
                Some(e) => e,
                None => continue,
            },
        };
        if first == i {
            continue;
        }
        let Some(first) = disks.get(first) else {
            continue;
        };
        out.push_finding(
            finding(
                code,
                p.range,
                format!(
                    "another {} disk already uses drive address {}. libvirt: \"Found duplicate \
                     drive address for disk with target name ... {}\"",
                    p.bus,
                    p.drive.show(),
                    p.drive.show()
                ),
            )
            .related(first.range, "the disk that has this address"),
        );
    }

    let hostdevs: Vec<(El, Drive)> = d
        .devices_named("hostdev")
        .filter(|h| h.attribute_value("type") == Some("scsi"))
        .filter_map(|h| explicit(&h))
        .collect();
    for (i, (a, drive)) in hostdevs.iter().enumerate() {
        if let Some((first, _)) = hostdevs[..i].iter().find(|(_, d2)| d2 == drive) {
            out.push_finding(
                finding(
                    code,
                    name_range(a),
                    format!(
                        "another SCSI host device already uses this address. libvirt: \"SCSI \
                         host address {} in use by another SCSI host device\"",
                        drive.show()
                    ),
                )
                .related(name_range(first), "the host device that has this address"),
            );
        }
        for disk in disks
            .iter()
            .filter(|p| p.bus == "scsi" && p.drive == *drive)
        {
            let f = match &disk.derived_from {
                Some(name) => finding(
                    code,
                    disk.range,
                    format!(
                        "disk '{name}' gets drive address {} from its target name, which a SCSI \
                         host device already uses. libvirt: \"using disk target name '{name}' \
                         conflicts with SCSI host device address {}\"",
                        drive.show(),
                        drive.show()
                    ),
                )
                .related(name_range(a), "the SCSI host device's address"),
                None => finding(
                    code,
                    name_range(a),
                    format!(
                        "a SCSI disk already uses this address. libvirt: \"SCSI host address {} \
                         in use by a SCSI disk\"",
                        drive.show()
                    ),
                )
                .related(disk.range, "the disk's address"),
            };
            out.push_finding(f);
        }
    }
}
