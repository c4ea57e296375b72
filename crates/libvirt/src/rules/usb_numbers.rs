//! USB numbers read as C numbers: a USB host device's vendor and product ids and its host bus
//! and device numbers (`virDomainHostdevSubsysUSBDefParseXML`), and a redirection filter's
//! class, vendor and product (`virDomainRedirFilterUSBDevDefParseXML`).
//!
//! libvirt reads them all with base 0, like C's `strtoul`: `0x1234` is hex, `1234` decimal and
//! `0123` octal. The schema's pattern accepts hex digits with or without `0x`, so `beef` passes
//! the schema and libvirt refuses it, and `1234` copied from `lsusb`'s `1234:abcd` silently
//! becomes 0x04d2. Bus and device numbers are the other way round: `lsusb` prints them in
//! decimal with leading zeros (`Bus 001 Device 010`), which libvirt reads as octal.
//!
//! A device's guest USB address (`<address type='usb' bus port>`) is the odd one out: libvirt
//! reads it in base 10 only (`virDomainDeviceUSBAddressParseXML`), while the schema's pattern
//! allows `0x` and hex digits.

use domxml_syntax::{TextEdit, TextRange};

use super::domain::{attr, child, parse_c_number};
use super::{Domain, Findings, RuleCode, finding};
use crate::Fix;
use domxml_syntax::elements::El;

/// How people write one attribute, and how libvirt reads it.
#[derive(Clone, Copy)]
struct Place {
    element: &'static str,
    attribute: &'static str,
    /// Ids and classes are hex in `lsusb` and USB documents; bus and device numbers decimal.
    hex_by_habit: bool,
    /// Most hex digits the schema's pattern allows after the optional `0x`.
    max_digits: usize,
    /// `virXMLPropInt` (the filter, where `-1` is "any") rather than `virXMLPropUInt`.
    signed: bool,
    /// libvirt refuses 0 (`VIR_XML_PROP_NONZERO`).
    nonzero: bool,
}

const VENDOR_ID: Place = Place {
    element: "vendor",
    attribute: "id",
    hex_by_habit: true,
    max_digits: 4,
    signed: false,
    nonzero: true,
};
const PRODUCT_ID: Place = Place {
    element: "product",
    attribute: "id",
    nonzero: false,
    ..VENDOR_ID
};
const HOST_BUS: Place = Place {
    element: "address",
    attribute: "bus",
    hex_by_habit: false,
    max_digits: 3,
    signed: false,
    nonzero: false,
};
const HOST_DEVICE: Place = Place {
    attribute: "device",
    ..HOST_BUS
};
const FILTER_CLASS: Place = Place {
    element: "usbdev",
    attribute: "class",
    hex_by_habit: true,
    max_digits: 2,
    signed: true,
    nonzero: false,
};
const FILTER_VENDOR: Place = Place {
    attribute: "vendor",
    max_digits: 4,
    ..FILTER_CLASS
};
const FILTER_PRODUCT: Place = Place {
    attribute: "product",
    ..FILTER_VENDOR
};

pub(super) fn check(d: &Domain, out: &mut Findings) {
    if out.wants(RuleCode::UsbAddressNotDecimal) {
        for (_, address, kind) in d.addressed() {
            if kind == Some("usb") {
                guest_address(&address, out);
            }
        }
    }
    if !out.wants(RuleCode::UsbNumberRadix) && !out.wants(RuleCode::UsbNumberInvalid) {
        return;
    }
    for h in d.devices_named("hostdev") {
        if h.attribute_value("type") != Some("usb") {
            continue;
        }
        let Some(source) = child(&h, "source") else {
            continue;
        };
        for (place, element) in [
            (VENDOR_ID, child(&source, "vendor")),
            (PRODUCT_ID, child(&source, "product")),
            (HOST_BUS, child(&source, "address")),
            (HOST_DEVICE, child(&source, "address")),
        ] {
            if let Some(e) = element {
                judge(&e, place, out);
            }
        }
    }
    for filter in d.devices_named("redirfilter") {
        for usbdev in filter.children_named("usbdev") {
            for place in [FILTER_CLASS, FILTER_VENDOR, FILTER_PRODUCT] {
                judge(&usbdev, place, out);
            }
        }
    }
}

/// What libvirt makes of a value the schema accepts.
enum Reading {
    /// The number the writer most likely meant, libvirt's too.
    AsMeant,
    /// libvirt reads `read`, and the writer's habit says `meant`.
    Differs {
        read: u64,
        meant: u64,
        octal: bool,
    },
    /// Hex digits without `0x`: no C number.
    HexWithout0x,
    /// A leading 0 with an 8 or 9 after it: no octal number.
    BadOctal,
    Zero,
}

fn judge(e: &El, place: Place, out: &mut Findings) {
    let Some((value, range)) = attr(e, place.attribute) else {
        return;
    };
    if place.signed && value == "-1" {
        return;
    }
    let digits = value.strip_prefix("0x").unwrap_or(value);
    // Anything the schema's pattern refuses is the schema's business.
    if digits.is_empty()
        || digits.len() > place.max_digits
        || !digits.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return;
    }
    let as_hex = u64::from_str_radix(digits, 16).ok();
    let as_decimal = digits.parse::<u64>().ok();
    let reading = match parse_c_number(value) {
        Some(0) if place.nonzero => Reading::Zero,
        Some(_) if value.starts_with("0x") => Reading::AsMeant,
        Some(read) => {
            let meant = if place.hex_by_habit {
                as_hex
            } else {
                as_decimal
            };
            match meant {
                Some(meant) if meant != read => Reading::Differs {
                    read,
                    meant,
                    octal: value.len() > 1 && value.starts_with('0'),
                },
                _ => Reading::AsMeant,
            }
        }
        None if as_decimal.is_some() => Reading::BadOctal,
        None => Reading::HexWithout0x,
    };
    let name = place.attribute;
    let element = place.element;
    // What to write instead: the writer's habit, said so that libvirt reads it the same way.
    let rewrite = match (&reading, place.hex_by_habit) {
        (Reading::HexWithout0x, _) | (_, true) => format!("0x{digits}"),
        (_, false) => as_decimal.map_or_else(|| format!("0x{digits}"), |n| n.to_string()),
    };
    match reading {
        Reading::AsMeant => {}
        Reading::Differs { read, meant, octal } => {
            let how = if octal {
                "as octal (it has a leading 0)"
            } else {
                "as decimal (it has no 0x)"
            };
            let message = if place.hex_by_habit {
                let width = place.max_digits;
                format!(
                    "libvirt reads {name}='{value}' {how}: {read}, which is 0x{read:0width$x}. \
                     lsusb shows USB ids and classes in hex: if you meant 0x{meant:0width$x}, \
                     write {rewrite}"
                )
            } else {
                format!(
                    "libvirt reads {name}='{value}' {how}: {read}. lsusb shows bus and device \
                     numbers in decimal: if you meant {meant}, write {rewrite}"
                )
            };
            push(out, RuleCode::UsbNumberRadix, range, message, &rewrite);
        }
        Reading::HexWithout0x | Reading::BadOctal => {
            let why = if matches!(reading, Reading::BadOctal) {
                "has a leading 0, so libvirt reads it as octal, and 8 and 9 are no octal digits"
            } else {
                "has hex digits without 0x, and libvirt reads numbers as C does"
            };
            let expected = if place.signed {
                "Expected integer value"
            } else {
                "Expected non-negative integer value"
            };
            let message = format!(
                "{name}='{value}' {why}: write {rewrite}. libvirt: \"Invalid value for attribute \
                 '{name}' in element '{element}': '{value}'. {expected}\""
            );
            push(out, RuleCode::UsbNumberInvalid, range, message, &rewrite);
        }
        Reading::Zero => out.push(
            RuleCode::UsbNumberInvalid,
            range,
            format!(
                "a USB vendor id cannot be 0. libvirt: \"Invalid value for attribute '{name}' in \
                 element '{element}': Zero is not permitted\""
            ),
        ),
    }
}

fn push(out: &mut Findings, code: RuleCode, range: TextRange, message: String, rewrite: &str) {
    out.push_finding(finding(code, range, message).fix(Fix::new(
        format!("Write {rewrite}"),
        vec![TextEdit::new(range, rewrite)],
    )));
}

/// A guest USB address: `bus` a decimal number, `port` up to four of them joined by dots.
fn guest_address(address: &El, out: &mut Findings) {
    if let Some((bus, range)) = attr(address, "bus")
        && let Some(decimal) = in_decimal(bus)
    {
        push(
            out,
            RuleCode::UsbAddressNotDecimal,
            range,
            format!(
                "libvirt reads a guest USB address in decimal only: bus='{bus}' is refused; \
                 write {decimal}. libvirt: \"Invalid value for attribute 'bus' in element \
                 'address': '{bus}'. Expected non-negative integer value\""
            ),
            &decimal,
        );
    }
    if let Some((port, range)) = attr(address, "port") {
        let parts: Vec<Option<String>> = port.split('.').map(in_decimal).collect();
        if parts.iter().any(Option::is_some) {
            let decimal = port
                .split('.')
                .zip(&parts)
                .map(|(part, fixed)| fixed.as_deref().unwrap_or(part))
                .collect::<Vec<_>>()
                .join(".");
            push(
                out,
                RuleCode::UsbAddressNotDecimal,
                range,
                format!(
                    "libvirt reads a guest USB port in decimal only: port='{port}' is refused; \
                     write {decimal}. libvirt: \"Cannot parse <address> 'port' attribute\""
                ),
                &decimal,
            );
        }
    }
}

/// For a number written in hex (`0x1f`, or hex letters), its decimal form; `None` when it is
/// decimal already or no number the schema would accept.
fn in_decimal(value: &str) -> Option<String> {
    let (digits, prefixed) = match value.strip_prefix("0x") {
        Some(rest) => (rest, true),
        None => (value, false),
    };
    let hex = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_hexdigit());
    let decimal = digits.bytes().all(|b| b.is_ascii_digit());
    (hex && (prefixed || !decimal))
        .then(|| u64::from_str_radix(digits, 16).ok())
        .flatten()
        .map(|n| n.to_string())
}
