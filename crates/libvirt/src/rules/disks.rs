//! Disks: target names, the bus's address type, and the static storage checks of
//! `virDomainDiskDefValidate` and QEMU's disk validation.

use domxml_syntax::TextEdit;
use domxml_syntax::elements::El;

use super::addresses::drive::target_index;
use super::domain::{attr, attr_or_name_range, child, name_range};
use super::{Domain, Findings, RuleCode, finding};
use crate::Fix;

const PREFIXES: [&str; 5] = ["hd", "sd", "vd", "xvd", "ubd"];

struct Disk<'a> {
    e: El<'a>,
    device: &'a str,
    bus: Option<&'a str>,
    target: Option<(&'a str, domxml_syntax::TextRange)>,
    children: Children<'a>,
}

/// The first of each child the checks read, found in one pass over the disk's children.
#[derive(Default)]
struct Children<'a> {
    target: Option<El<'a>>,
    source: Option<El<'a>>,
    driver: Option<El<'a>>,
    address: Option<El<'a>>,
    encryption: Option<El<'a>>,
    auth: Option<El<'a>>,
    shareable: Option<El<'a>>,
    readonly: Option<El<'a>>,
    vendor: Option<El<'a>>,
    product: Option<El<'a>>,
}

impl<'a> Children<'a> {
    fn of(disk: &El<'a>) -> Children<'a> {
        let mut found = Children::default();
        for c in disk.children() {
            let slot = match c.name() {
                "target" => &mut found.target,
                "source" => &mut found.source,
                "driver" => &mut found.driver,
                "address" => &mut found.address,
                "encryption" => &mut found.encryption,
                "auth" => &mut found.auth,
                "shareable" => &mut found.shareable,
                "readonly" => &mut found.readonly,
                "vendor" => &mut found.vendor,
                "product" => &mut found.product,
                _ => continue,
            };
            slot.get_or_insert(c);
        }
        found
    }
}

pub(super) fn check(d: &Domain, out: &mut Findings) {
    let disks: Vec<Disk> = d
        .devices_named("disk")
        .map(|e| {
            let children = Children::of(&e);
            let target = children.target;
            Disk {
                device: e.attribute_value("device").unwrap_or("disk"),
                bus: target.as_ref().and_then(|t| t.attribute_value("bus")),
                target: target.as_ref().and_then(|t| attr(t, "dev")),
                e,
                children,
            }
        })
        .collect();
    duplicate_targets(&disks, out);
    for disk in &disks {
        target_name(disk, out);
        address_type(disk, out);
        floppy_bus(disk, out);
        storage(disk, out);
        vendor_product(disk, out);
    }
}

fn source_name<'a>(disk: &Disk<'a>) -> &'a str {
    let Some(s) = disk.children.source else {
        return "";
    };
    ["file", "dev", "dir", "name", "volume", "path"]
        .iter()
        .find_map(|a| s.attribute_value(a))
        .unwrap_or_default()
}

/// The target name for index `idx` after `prefix`: 0 `a`, 25 `z`, 26 `aa`.
fn target_name_for(prefix: &str, mut idx: u64) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'a' + (idx % 26) as u8);
        if idx < 26 {
            break;
        }
        idx = idx / 26 - 1;
    }
    letters.reverse();
    format!("{prefix}{}", String::from_utf8_lossy(&letters))
}

/// Up to this many disks, the earlier ones are searched in place; past it a map keeps the
/// first disk of each target, so that 17,000 disks are not compared pairwise.
const FEW_DISKS: usize = 32;

fn duplicate_targets(disks: &[Disk], out: &mut Findings) {
    let code = RuleCode::DiskTargetDuplicate;
    let mut first_of: Option<std::collections::HashMap<&str, usize>> =
        (disks.len() > FEW_DISKS).then(std::collections::HashMap::new);
    // Only a duplicate needs every target (to suggest a free one).
    let mut all_targets: Option<std::collections::HashSet<&str>> = None;
    for (i, disk) in disks.iter().enumerate() {
        let Some((name, range)) = &disk.target else {
            continue;
        };
        let first = match &mut first_of {
            Some(map) => *map.entry(name).or_insert(i),
            None => disks[..i]
                .iter()
                .position(|d| d.target.is_some_and(|(n, _)| n == *name))
                .unwrap_or(i),
        };
        if first == i {
            continue;
        }
        let first = &disks[first];
        let mut f = finding(
            code,
            *range,
            format!(
                "another disk already has target '{name}'. libvirt: \"target '{name}' duplicated \
                 for disk sources '{}' and '{}'\"",
                source_name(first),
                source_name(disk)
            ),
        );
        if let Some((_, r)) = &first.target {
            f = f.related(*r, "the first disk with this target");
        }
        let prefix = PREFIXES
            .iter()
            .chain(std::iter::once(&"fd"))
            .filter(|p| name.starts_with(**p))
            .max_by_key(|p| p.len());
        if let Some(prefix) = prefix {
            let all_targets = all_targets.get_or_insert_with(|| {
                disks
                    .iter()
                    .filter_map(|d| d.target.as_ref().map(|(n, _)| *n))
                    .collect()
            });
            let taken = |n: &str| all_targets.contains(n);
            if let Some(free) = (0..18278)
                .map(|i| target_name_for(prefix, i))
                .find(|n| !taken(n))
            {
                f = f.fix(Fix::new(
                    format!("Use target '{free}'"),
                    vec![TextEdit::new(*range, free)],
                ));
            }
        }
        out.push_finding(f);
    }
}

fn target_name(disk: &Disk, out: &mut Findings) {
    let Some((name, range)) = &disk.target else {
        return;
    };
    let bad_prefix = match disk.device {
        "disk" | "lun" => !PREFIXES.iter().any(|p| name.starts_with(p)),
        "floppy" => !name.starts_with("fd"),
        _ => false,
    };
    if bad_prefix {
        let (kind, expect) = if disk.device == "floppy" {
            ("floppy", "fd")
        } else {
            ("harddisk", "hd, sd, vd, xvd or ubd")
        };
        out.push(
            RuleCode::DiskTargetPrefix,
            *range,
            format!(
                "a {} target name starts with {expect}. libvirt: \"Invalid {kind} device name: \
                 {name}\"",
                disk.device
            ),
        );
        return;
    }
    if target_index(name).is_some() && name.ends_with(|c: char| c.is_ascii_digit()) {
        let trimmed = name
            .trim_end_matches(|c: char| c.is_ascii_digit())
            .to_owned();
        out.push_finding(
            finding(
                RuleCode::DiskTargetPartition,
                *range,
                format!(
                    "a target names a whole disk, not a partition. libvirt: \"invalid disk target \
                     '{name}', partitions can't appear in disk targets\""
                ),
            )
            .fix(Fix::new(
                format!("Use target '{trimmed}'"),
                vec![TextEdit::new(*range, trimmed.clone())],
            )),
        );
    }
}

fn address_type(disk: &Disk, out: &mut Findings) {
    let Some(bus) = disk.bus else {
        return;
    };
    let Some(a) = disk.children.address else {
        return;
    };
    let Some((ty, range)) = attr(&a, "type") else {
        return;
    };
    let name = disk.target.as_ref().map_or("", |(n, _)| n);
    match bus {
        "ide" | "fdc" | "scsi" | "sata" if ty != "drive" => out.push(
            RuleCode::DiskAddressType,
            range,
            format!(
                "a disk on the {bus} bus takes a drive address. libvirt: \"Invalid address type \
                 '{ty}' for the disk '{name}' with the bus type '{bus}'\""
            ),
        ),
        "usb" if ty != "usb" => out.push(
            RuleCode::DiskUsbAddressType,
            range,
            "a USB disk takes a usb address. libvirt: \"unexpected address type for usb disk\"",
        ),
        _ => {}
    }
}

fn floppy_bus(disk: &Disk, out: &mut Findings) {
    let Some(bus) = disk.bus else {
        return;
    };
    let floppy = disk.device == "floppy";
    if floppy == (bus == "fdc") {
        return;
    }
    let range = disk
        .children
        .target
        .and_then(|t| attr(&t, "bus"))
        .map_or_else(|| name_range(&disk.e), |(_, r)| r);
    let libvirt = if floppy {
        format!("Invalid bus type '{bus}' for floppy disk")
    } else {
        format!("Invalid bus type '{bus}' for disk")
    };
    out.push(
        RuleCode::DiskFloppyBus,
        range,
        format!("floppies, and only floppies, go on the fdc bus. libvirt: \"{libvirt}\""),
    );
}

fn storage(disk: &Disk, out: &mut Findings) {
    let e = &disk.e;
    let ty = e.attribute_value("type");
    let source = disk.children.source;
    let driver = disk.children.driver;
    let format = driver.as_ref().and_then(|dr| attr(dr, "type"));
    let protocol = source.as_ref().and_then(|s| attr(s, "protocol"));

    if disk.device == "lun" {
        let bad = match ty {
            Some("network") => protocol.as_ref().is_some_and(|(p, _)| *p != "iscsi"),
            Some("block" | "volume") | None => false,
            Some(_) => true,
        };
        if bad {
            out.push(
                RuleCode::DiskLunSource,
                attr_or_name_range(e, "type"),
                "a device='lun' disk passes a whole host SCSI device through. libvirt: \"disk \
                 device='lun' is only valid for block type disk source\"",
            );
        }
    }

    if let Some((p, range)) = &protocol
        && *p == "sheepdog"
    {
        out.push(
            RuleCode::DiskProtocolRemoved,
            *range,
            "sheepdog is gone from QEMU and libvirt. libvirt: \"'sheepdog' protocol is no longer \
             supported by any hypervisor driver\"",
        );
    }

    let encryptions: Vec<El> = disk
        .children
        .encryption
        .into_iter()
        .chain(source.as_ref().and_then(|s| child(s, "encryption")))
        .collect();
    for (name, found) in [
        (
            "auth",
            (
                disk.children.auth,
                source.as_ref().and_then(|s| child(s, "auth")),
            ),
        ),
        (
            "encryption",
            (
                disk.children.encryption,
                source.as_ref().and_then(|s| child(s, "encryption")),
            ),
        ),
    ] {
        if let (Some(outer), Some(inner)) = found {
            out.push_finding(
                finding(
                    RuleCode::DiskDefinedTwice,
                    name_range(&outer),
                    format!(
                        "<{name}> is given both on the disk and in its <source>; keep one. \
                         libvirt: \"an <{name}> definition already found for disk source\""
                    ),
                )
                .related(name_range(&inner), "the one in <source>"),
            );
        }
    }

    if let Some((fmt, range)) = &format {
        if *fmt == "iso" {
            out.push_finding(
                finding(
                    RuleCode::DiskFormatIso,
                    *range,
                    "an ISO image is raw data to QEMU. libvirt: \"storage format 'iso' is not \
                     directly supported by QEMU, use 'raw' instead\"",
                )
                .fix(Fix::new(
                    "Use type='raw'",
                    vec![TextEdit::new(*range, "raw")],
                )),
            );
        }
        // librbd decrypts by itself, whatever the image format.
        let luks = encryptions.iter().any(|enc| {
            matches!(
                enc.attribute_value("format"),
                Some("luks" | "luks2" | "luks-any")
            ) && enc.attribute_value("engine") != Some("librbd")
        });
        if luks && *fmt != "raw" && *fmt != "qcow2" {
            out.push(
                RuleCode::DiskEncryptionFormat,
                *range,
                "LUKS encryption works on raw and qcow2 images only. libvirt: \"encryption is \
                 supported only with 'raw' and 'qcow2' image format\"",
            );
        }
        if disk.children.shareable.is_some() && disk.children.readonly.is_none() && *fmt != "raw" {
            out.push(
                RuleCode::DiskShareableFormat,
                *range,
                format!(
                    "only raw images can be written by several guests at once. libvirt: \"shared \
                     access for disk '{}' requires use of supported storage format\"",
                    disk.target.as_ref().map_or("", |(n, _)| n)
                ),
            );
        }
    }

    if ty == Some("network")
        && let Some((p, _)) = &protocol
    {
        let auth = disk
            .children
            .auth
            .or_else(|| source.as_ref().and_then(|s| child(s, "auth")));
        let secret = auth.as_ref().and_then(|a| child(a, "secret"));
        if let Some((st, range)) = secret.as_ref().and_then(|s| attr(s, "type")) {
            let wanted = match *p {
                "iscsi" => Some("iscsi"),
                "rbd" => Some("ceph"),
                _ => None,
            };
            if let Some(w) = wanted.filter(|w| *w != st) {
                out.push(
                    RuleCode::DiskSecretType,
                    range,
                    format!(
                        "a {p} disk authenticates with a '{w}' secret. libvirt: \"invalid secret \
                         type '{st}'\""
                    ),
                );
            }
        }
    }

    if disk.bus == Some("usb") {
        let empty = source
            .as_ref()
            .is_none_or(|s| !s.has_attributes() && s.children().next().is_none());
        if empty {
            out.push(
                RuleCode::DiskUsbEmpty,
                name_range(e),
                "a USB disk or cdrom needs a medium when the domain is defined. libvirt: \"'usb' \
                 disk must not be empty\"",
            );
        }
    }
}

fn vendor_product(disk: &Disk, out: &mut Findings) {
    for (name, element, limit) in [
        ("vendor", disk.children.vendor, 8),
        ("product", disk.children.product, 16),
    ] {
        let Some(el) = element else {
            continue;
        };
        // QEMU's SATA/IDE disks take a product string too; only the vendor is SCSI's alone.
        if name == "vendor" && disk.bus.is_some_and(|b| b != "scsi") {
            out.push(
                RuleCode::DiskVendorProductBus,
                name_range(&el),
                format!(
                    "<{name}> describes a SCSI disk. libvirt: \"Only scsi disk supports '{name}'\""
                ),
            );
        }
        if el.text().chars().count() > limit {
            out.push(
                RuleCode::DiskVendorProductLength,
                name_range(&el),
                format!(
                    "a disk {name} has at most {limit} characters. libvirt: \"disk {name} is more \
                     than {limit} characters\""
                ),
            );
        }
    }
}
