//! The domain as rules see it: its driver, architecture and machine, and small readers for
//! elements, attributes and libvirt's number syntaxes.

use domxml_syntax::TextRange;
use domxml_syntax::elements::{El, Elements};

/// The hypervisor driver named by `<domain type>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Driver {
    /// `kvm`, `qemu` (and `kqemu`): the QEMU driver's own checks apply.
    Qemu,
    Other,
}

pub struct Domain<'a> {
    pub root: El<'a>,
    pub driver: Driver,
    /// `<os><type arch>`, when given.
    pub arch: Option<&'a str>,
    /// `<os><type machine>`, when given.
    pub machine: Option<&'a str>,
    devices: Option<El<'a>>,
}

impl<'a> Domain<'a> {
    /// `None` unless the tree's root is `<domain>`.
    pub fn new(tree: &'a Elements<'a>) -> Option<Domain<'a>> {
        let root = tree.root();
        if !root.is("domain") {
            return None;
        }
        let driver = match root.attribute_value("type") {
            Some("kvm" | "qemu" | "kqemu") => Driver::Qemu,
            _ => Driver::Other,
        };
        let os_type = root.child("os").and_then(|os| os.child("type"));
        let arch = os_type.and_then(|t| t.attribute_value("arch"));
        let machine = os_type.and_then(|t| t.attribute_value("machine"));
        Some(Domain {
            root,
            driver,
            arch,
            machine,
            devices: root.child("devices"),
        })
    }

    /// `<devices>`'s children (all of them, in document order).
    pub fn devices(&self) -> impl Iterator<Item = El<'a>> + use<'a> {
        self.devices.into_iter().flat_map(|d| d.children())
    }

    /// `<devices>`'s children named `name`.
    #[inline(always)]
    pub fn devices_named(&self, name: &'static str) -> impl Iterator<Item = El<'a>> + use<'a> {
        self.devices().filter(move |e| e.is(name))
    }

    /// The element at `path` below the root (`["cpu", "numa"]`), first match at each step.
    #[inline(always)]
    pub fn at(&self, path: &[&str]) -> Option<El<'a>> {
        let mut e = self.root;
        for name in path {
            e = e.child(name)?;
        }
        Some(e)
    }
}

/// Whether `e` is named `name` (as written).
#[inline(always)]
pub fn is(e: &El, name: &str) -> bool {
    e.is(name)
}

/// The first child named `name`.
#[inline(always)]
pub fn child<'a>(e: &El<'a>, name: &str) -> Option<El<'a>> {
    e.child(name)
}

/// The children named `name`.
#[inline(always)]
pub fn children<'a, 'n>(e: &El<'a>, name: &'n str) -> impl Iterator<Item = El<'a>> + use<'a, 'n> {
    e.children_named(name)
}

/// An attribute's decoded value and the range of the value (inside the quotes).
#[inline(always)]
pub fn attr<'a>(e: &El<'a>, name: &str) -> Option<(&'a str, TextRange)> {
    e.attr(name)
}

/// The range to report an element at: its name in the start tag.
pub fn name_range(e: &El) -> TextRange {
    e.name_range()
}

/// The range of attribute `name`'s value, else the element's name.
#[inline(always)]
pub fn attr_or_name_range(e: &El, name: &str) -> TextRange {
    attr(e, name).map_or_else(|| name_range(e), |(_, r)| r)
}

/// `<os><type>`'s text is `hvm`.
pub fn is_hvm(d: &Domain) -> bool {
    d.at(&["os", "type"])
        .is_some_and(|t| t.text().trim() == "hvm")
}

/// A number as C's `strtoul(s, _, 0)` reads it, as libvirt does for PCI address parts:
/// `0x1f` hex, `010` octal, `10` decimal. `None` for anything else.
pub fn parse_c_number(s: &str) -> Option<u64> {
    let s = trim(s);
    if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        u64::from_str_radix(hex, 16).ok()
    } else if s.len() > 1 && s.starts_with('0') {
        u64::from_str_radix(&s[1..], 8).ok()
    } else {
        s.parse().ok()
    }
}

/// A plain decimal number.
pub fn parse_decimal(s: &str) -> Option<u64> {
    trim(s).parse().ok()
}

/// `str::trim`, without its character decoding for the usual value that starts and ends with
/// a visible ASCII character.
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// A libvirt bitmap/range list such as `0-3,^2,8`, as a sorted set; `None` when malformed.
#[allow(dead_code)] // for the CPU/NUMA rule areas, not on this branch
pub fn parse_cpu_set(s: &str) -> Option<Vec<u32>> {
    // A vector sorted and deduplicated at the end: cheaper than a tree set for the usual few ids.
    let mut set = Vec::new();
    let mut excluded = Vec::new();
    for part in s.split(',') {
        let part = part.trim();
        if let Some(neg) = part.strip_prefix('^') {
            excluded.push(neg.parse::<u32>().ok()?);
        } else if let Some((a, b)) = part.split_once('-') {
            let (a, b): (u32, u32) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
            if a > b || b - a > 1 << 16 {
                return None;
            }
            set.extend(a..=b);
            // Overlapping ranges repeat ids: compact now and then so that the vector stays
            // within a range of the set's own size.
            if set.len() > 1 << 17 {
                set.sort_unstable();
                set.dedup();
            }
        } else {
            set.push(part.parse::<u32>().ok()?);
        }
    }
    set.sort_unstable();
    set.dedup();
    if !excluded.is_empty() {
        excluded.sort_unstable();
        set.retain(|x| excluded.binary_search(x).is_err());
    }
    Some(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_numbers() {
        assert_eq!(parse_c_number("0x1f"), Some(31));
        assert_eq!(parse_c_number("010"), Some(8));
        assert_eq!(parse_c_number("0"), Some(0));
        assert_eq!(parse_c_number("10"), Some(10));
        assert_eq!(parse_c_number("09"), None);
        assert_eq!(parse_c_number("x"), None);
    }

    #[test]
    fn cpu_sets() {
        assert_eq!(parse_cpu_set("0-3,^2,8"), Some(vec![0, 1, 3, 8]));
        assert_eq!(parse_cpu_set("5"), Some(vec![5]));
        assert_eq!(parse_cpu_set("a"), None);
        assert_eq!(parse_cpu_set("3-1"), None);
    }
}
