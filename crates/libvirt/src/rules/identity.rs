//! Identity and labels: `<sysinfo>` against `<uuid>`, the SMBIOS BIOS date, security labels and
//! user aliases (libvirt's sysinfo and seclabel parsers and `virDomainDefValidateAliases`).

use std::collections::BTreeMap;

use domxml_syntax::TextRange;

use super::codes::RuleCode;
use super::domain::{Domain, attr, child, children, name_range};
use super::values::text;
use super::{Findings, finding};
use domxml_syntax::elements::El;

pub(super) fn check(d: &Domain, out: &mut Findings) {
    sysinfo(d, out);
    seclabels(d, out);
    aliases(d, out);
}

/// A UUID's 32 hex digits, lowercased; libvirt accepts hyphens anywhere between digit pairs.
fn uuid_digits(s: &str) -> Option<String> {
    let digits: String = s.trim().chars().filter(|c| *c != '-').collect();
    (digits.len() == 32 && digits.chars().all(|c| c.is_ascii_hexdigit()))
        .then(|| digits.to_ascii_lowercase())
}

fn entry<'a>(section: &El<'a>, name: &str) -> Option<(std::borrow::Cow<'a, str>, TextRange)> {
    children(section, "entry")
        .find(|e| e.attribute_value("name") == Some(name))
        .and_then(|e| text(&e))
}

fn sysinfo(d: &Domain, out: &mut Findings) {
    // Most domains have none: the table of root children says so without a scan.
    if d.top("sysinfo").is_none() {
        return;
    }
    // Read only for a sysinfo UUID to compare with.
    let mut domain_uuid = None;
    for info in children(&d.root, "sysinfo") {
        if info.attribute_value("type") != Some("smbios") {
            continue;
        }
        if let Some(system) = child(&info, "system")
            && let Some((uuid, range)) = entry(&system, "uuid")
            && let Some((dom, dom_range)) =
                domain_uuid.get_or_insert_with(|| d.top("uuid").and_then(|u| text(&u)))
            && let (Some(a), Some(b)) = (uuid_digits(&uuid), uuid_digits(dom))
            && a != b
        {
            out.push_finding(
                finding(
                    RuleCode::SysinfoUuidMismatch,
                    range,
                    "the SMBIOS system UUID must be the domain's; libvirt: \"UUID mismatch between <uuid> and <sysinfo>\"",
                )
                .related(*dom_range, "the domain's UUID"),
            );
        }
        if let Some(bios) = child(&info, "bios")
            && let Some((date, range)) = entry(&bios, "date")
            && !valid_bios_date(&date)
        {
            out.push(
                RuleCode::SmbiosDateFormat,
                range,
                "write the date as mm/dd/yy or mm/dd/yyyy; libvirt: \"Invalid BIOS 'date' format\"",
            );
        }
    }
}

/// `mm/dd/yy` or `mm/dd/yyyy`, with a real month and day.
fn valid_bios_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('/').collect();
    let [m, dd, y] = parts.as_slice() else {
        return false;
    };
    let number = |p: &str| {
        (!p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
            .then(|| p.parse::<u32>().ok())
            .flatten()
    };
    let (Some(m), Some(dd), Some(year)) = (number(m), number(dd), number(y)) else {
        return false;
    };
    (1..=12).contains(&m)
        && (1..=31).contains(&dd)
        && (y.len() == 2 || (y.len() == 4 && year >= 1900))
}

fn seclabels(d: &Domain, out: &mut Findings) {
    if d.top("seclabel").is_none() {
        return;
    }
    let labels: Vec<_> = children(&d.root, "seclabel").collect();
    let mut models: BTreeMap<&str, TextRange> = BTreeMap::new();
    for l in &labels {
        let Some((model, range)) = attr(l, "model") else {
            continue;
        };
        if let Some(first) = models.get(&model) {
            out.push_finding(
                finding(
                    RuleCode::SeclabelDuplicateModel,
                    range,
                    format!("each security model takes one label; libvirt: \"seclabel for model {model} is already provided\""),
                )
                .related(*first, "the first label of this model"),
            );
        } else {
            models.insert(model, range);
        }
    }
    if labels.len() > 1 {
        for l in labels.iter().filter(|l| !l.has_attribute("model")) {
            out.push(
                RuleCode::SeclabelMissingModel,
                name_range(l),
                "with several labels, each must say its security model; libvirt: \"missing security model when using multiple labels\"",
            );
        }
    }
}

fn aliases(d: &Domain, out: &mut Findings) {
    let serial_aliases: Vec<&str> = d
        .devices_named("serial")
        .filter_map(|s| child(&s, "alias").and_then(|a| a.attribute_value("name")))
        .collect();
    let mut seen: BTreeMap<&str, TextRange> = BTreeMap::new();
    for p in d.device_parts() {
        let (dev, Some(alias)) = (p.device, p.alias) else {
            continue;
        };
        let Some((name, range)) = attr(&alias, "name") else {
            continue;
        };
        if !name.starts_with("ua-") {
            continue;
        }
        // A console that mirrors the first serial port shares its alias on purpose.
        if super::domain::is(&dev, "console") && serial_aliases.contains(&name) {
            continue;
        }
        if let Some(first) = seen.get(&name) {
            out.push_finding(
                finding(
                    RuleCode::AliasDuplicate,
                    range,
                    format!("user aliases (ua-...) name one device each; libvirt: \"non unique alias detected: {name}\""),
                )
                .related(*first, "first used here"),
            );
        } else {
            seen.insert(name, range);
        }
    }
}
