//! The domain as rules see it: its driver, architecture and machine, and small readers for
//! elements, attributes and libvirt's number syntaxes.

use std::cell::OnceCell;

use super::values::{Cell, Vcpus};
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
    /// The first root child of each name in [`TOP`], found in one pass: the areas ask for
    /// them some forty times per check.
    top: [Option<El<'a>>; TOP.len],
    /// Where the devices of each kind in [`DEVICE_KINDS`] sit among `<devices>`' children
    /// (from the first to after the last): a scan for one kind skips the others. (Grouping
    /// them in a list sorted by kind cost more than it saved.)
    spans: [Span; DEVICE_KINDS.len],
    /// Facts several areas read, computed on the first read.
    pub(super) numa_cells: OnceCell<Vec<Cell<'a>>>,
    pub(super) vcpus: OnceCell<Option<Vcpus<'a>>>,
    parts: OnceCell<Vec<DeviceParts<'a>>>,
}

/// A device's first `<address>`, `<boot>` and `<alias>` children, which several areas look
/// for in every device.
#[derive(Clone, Copy)]
pub struct DeviceParts<'a> {
    pub device: El<'a>,
    pub address: Option<El<'a>>,
    /// The address's `type`.
    pub address_kind: Option<&'a str>,
    pub boot: Option<El<'a>>,
    pub alias: Option<El<'a>>,
}

/// The root children that [`Domain::top`] finds without a scan.
const TOP: NameSet<18> = NameSet::new([
    "os",
    "vcpu",
    "vcpus",
    "cpu",
    "cputune",
    "iothreadids",
    "iothreads",
    "numatune",
    "memoryBacking",
    "memory",
    "currentMemory",
    "maxMemory",
    "features",
    "clock",
    "uuid",
    "seclabel",
    "sysinfo",
    "devices",
]);

/// The device kinds that [`Domain::devices_named`] finds without a full scan.
const DEVICE_KINDS: NameSet<14> = NameSet::new([
    "controller",
    "disk",
    "interface",
    "hostdev",
    "graphics",
    "video",
    "memory",
    "iommu",
    "tpm",
    "shmem",
    "watchdog",
    "redirfilter",
    "input",
    "serial",
]);

/// A fixed set of names and a table from a hash of each name to its place: a lookup is one
/// hash and one comparison, where a search of the list compares up to every name.
struct NameSet<const N: usize> {
    names: [&'static str; N],
    len: usize,
    /// `hash(name)` to the name's place plus one; 0 for no name.
    table: [u8; 512],
}

impl<const N: usize> NameSet<N> {
    /// Fails to compile when two names have the same hash.
    const fn new(names: [&'static str; N]) -> NameSet<N> {
        let mut table = [0u8; 512];
        let mut i = 0;
        while i < N {
            let h = hash(names[i].as_bytes());
            assert!(table[h] == 0, "two names with one hash: change the hash");
            table[h] = i as u8 + 1;
            i += 1;
        }
        NameSet {
            names,
            len: N,
            table,
        }
    }

    /// `name`'s place. Inlined so that a literal name folds to a constant.
    #[inline(always)]
    fn slot(&self, name: &str) -> Option<usize> {
        let i = (self.table[hash(name.as_bytes())] as usize).checked_sub(1)?;
        (self.names[i] == name).then_some(i)
    }
}

/// The length and the last letter: distinct for the names above.
#[inline(always)]
const fn hash(name: &[u8]) -> usize {
    match name.last() {
        Some(last) => (name.len() * 32 + (*last as usize & 31)) & 511,
        None => 0,
    }
}

/// Positions among a parent's children: `start..end`, empty when there is none.
#[derive(Clone, Copy, Default)]
struct Span {
    start: u32,
    end: u32,
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
        let mut top = [None; TOP.len];
        for c in root.children() {
            if let Some(i) = TOP.slot(c.name()) {
                top[i].get_or_insert(c);
            }
        }
        // (`slot` of a name of the table is never `None`.)
        let devices = top[TOP.slot("devices")?];
        let mut spans = [Span::default(); DEVICE_KINDS.len];
        if let Some(devices) = devices {
            for (at, dev) in devices.children().enumerate() {
                if let Some(i) = DEVICE_KINDS.slot(dev.name()) {
                    let span = &mut spans[i];
                    if span.start == span.end {
                        span.start = at as u32;
                    }
                    span.end = at as u32 + 1;
                }
            }
        }
        let os_type = top[TOP.slot("os")?].and_then(|os| os.child("type"));
        let arch = os_type.and_then(|t| t.attribute_value("arch"));
        let machine = os_type.and_then(|t| t.attribute_value("machine"));
        Some(Domain {
            root,
            driver,
            arch,
            machine,
            devices,
            top,
            spans,
            numa_cells: OnceCell::new(),
            vcpus: OnceCell::new(),
            parts: OnceCell::new(),
        })
    }

    /// `<devices>`'s children (all of them, in document order).
    #[inline(always)]
    pub fn devices(&self) -> impl Iterator<Item = El<'a>> + use<'a> {
        self.device_span(Span {
            start: 0,
            end: u32::MAX,
        })
    }

    /// `<devices>`'s children at positions `span`. A range of the one parent rather than a
    /// flattened `Option`, whose every step checks two inner iterators.
    #[inline(always)]
    fn device_span(&self, span: Span) -> impl Iterator<Item = El<'a>> + use<'a> {
        let (parent, span) = match self.devices {
            Some(d) => (d, span),
            None => (self.root, Span::default()),
        };
        parent
            .children()
            .skip(span.start as usize)
            .take((span.end - span.start) as usize)
    }

    /// `<devices>`'s children named `name`.
    #[inline(always)]
    pub fn devices_named(&self, name: &'static str) -> impl Iterator<Item = El<'a>> + use<'a> {
        let span = match DEVICE_KINDS.slot(name) {
            Some(i) => self.spans[i],
            None => Span {
                start: 0,
                end: u32::MAX,
            },
        };
        self.device_span(span).filter(move |e| e.is(name))
    }

    /// The devices with an `<address>`, `<boot>` or `<alias>`, in document order: the address,
    /// boot and alias checks each look among every device's children, so one pass finds them.
    pub fn device_parts(&self) -> &[DeviceParts<'a>] {
        self.parts.get_or_init(|| {
            // Most devices have an address: sized once rather than grown.
            let mut all = Vec::with_capacity(self.devices().size_hint().0);
            for device in self.devices() {
                let mut parts = DeviceParts {
                    device,
                    address: None,
                    address_kind: None,
                    boot: None,
                    alias: None,
                };
                for c in device.children() {
                    let part = match c.name() {
                        "address" => &mut parts.address,
                        "boot" => &mut parts.boot,
                        "alias" => &mut parts.alias,
                        _ => continue,
                    };
                    part.get_or_insert(c);
                }
                if parts.address.is_some() || parts.boot.is_some() || parts.alias.is_some() {
                    parts.address_kind = parts.address.and_then(|a| a.attribute_value("type"));
                    all.push(parts);
                }
            }
            all
        })
    }

    /// The devices with an `<address>`, with it and its type.
    pub fn addressed(&self) -> impl Iterator<Item = (El<'a>, El<'a>, Option<&'a str>)> + '_ {
        self.device_parts()
            .iter()
            .filter_map(|p| Some((p.device, p.address?, p.address_kind)))
    }

    /// The root's first child named `name`.
    #[inline(always)]
    pub fn top(&self, name: &str) -> Option<El<'a>> {
        match TOP.slot(name) {
            Some(i) => self.top[i],
            None => self.root.child(name),
        }
    }

    /// The element at `path` below the root (`["cpu", "numa"]`), first match at each step.
    #[inline(always)]
    pub fn at(&self, path: &[&str]) -> Option<El<'a>> {
        let (first, rest) = path.split_first()?;
        let mut e = self.top(first)?;
        for name in rest {
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
        from_radix(hex, 16)
    } else if s.len() > 1 && s.starts_with('0') {
        from_radix(&s[1..], 8)
    } else {
        from_radix(s, 10)
    }
}

/// A plain decimal number.
pub fn parse_decimal(s: &str) -> Option<u64> {
    from_radix(trim(s), 10)
}

/// `u64::from_str_radix(s, radix).ok()` (an optional `+`, then digits), in a loop the
/// compiler specialises per radix: the standard one is generic and costs several times more
/// for the short numbers of a domain.
#[inline(always)]
fn from_radix(s: &str, radix: u64) -> Option<u64> {
    let digits = match s.as_bytes() {
        [b'+'] => return None,
        [b'+', rest @ ..] => rest,
        all => all,
    };
    if digits.is_empty() {
        return None;
    }
    let mut n: u64 = 0;
    for b in digits {
        let d = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'z' => b - b'a' + 10,
            b'A'..=b'Z' => b - b'A' + 10,
            _ => return None,
        };
        if u64::from(d) >= radix {
            return None;
        }
        n = n.checked_mul(radix)?.checked_add(u64::from(d))?;
    }
    Some(n)
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
    fn numbers_read_as_the_standard_library_reads_them() {
        let cases = [
            "",
            "+",
            "-",
            "+7",
            "-7",
            "0",
            "7",
            "08",
            "0x",
            "0x1F",
            "0x+f",
            "0xg",
            "010",
            "0+7",
            "99999999999999999999",
            "18446744073709551615",
            "18446744073709551616",
            "0xffffffffffffffff",
            "0x10000000000000000",
            " 12 ",
            "1 2",
            "12a",
            "ff",
        ];
        for s in cases {
            assert_eq!(parse_decimal(s), s.trim().parse().ok(), "{s:?}");
            for radix in [8, 10, 16] {
                assert_eq!(
                    from_radix(s, u64::from(radix)),
                    u64::from_str_radix(s, radix).ok(),
                    "{s:?} in base {radix}"
                );
            }
        }
    }

    #[test]
    fn name_sets_find_their_names_only() {
        for (i, name) in TOP.names.iter().enumerate() {
            assert_eq!(TOP.slot(name), Some(i), "{name}");
        }
        for (i, name) in DEVICE_KINDS.names.iter().enumerate() {
            assert_eq!(DEVICE_KINDS.slot(name), Some(i), "{name}");
        }
        // Same hash as "vcpu" and "disk", another name.
        assert_eq!(TOP.slot("abcu"), None);
        assert_eq!(DEVICE_KINDS.slot("desk"), None);
        assert_eq!(TOP.slot(""), None);
    }

    #[test]
    fn cpu_sets() {
        assert_eq!(parse_cpu_set("0-3,^2,8"), Some(vec![0, 1, 3, 8]));
        assert_eq!(parse_cpu_set("5"), Some(vec![5]));
        assert_eq!(parse_cpu_set("a"), None);
        assert_eq!(parse_cpu_set("3-1"), None);
        assert_eq!(parse_cpu_set("0,^0"), Some(vec![]));
        // Without an exclusion a set is never empty (the empty-set rule relies on it).
        for s in ["", ",", "0", "0-0", "1,2", " 3 ", "0-3,8", "4-4,4"] {
            assert!(parse_cpu_set(s).is_none_or(|set| !set.is_empty()), "{s:?}");
        }
    }
}
