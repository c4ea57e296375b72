//! Readers shared by the vCPU, NUMA, memory and device areas: element text, libvirt's scaled
//! sizes, the vCPU count, the guest NUMA cells and the IOThread ids, each as libvirt computes
//! them before its checks run.

use domxml_syntax::TextRange;
use domxml_syntax::elements::El;

use super::domain::{Domain, attr, children, parse_cpu_set, parse_decimal};

/// An element's text, trimmed, with the range of the trimmed text.
pub fn text<'a>(e: &El<'a>) -> Option<(std::borrow::Cow<'a, str>, TextRange)> {
    let (raw, chunk_range) = e.first_text()?;
    let (lead, trimmed_len) = trim_bounds(&raw);
    // Only trust the computed range when the text holds no references (decoded length equals
    // source length); otherwise report the whole chunk.
    let len = u32::from(chunk_range.len()) as usize;
    let range = if len == raw.len() {
        let start = chunk_range.start() + domxml_syntax::TextSize::from(lead as u32);
        TextRange::at(start, domxml_syntax::TextSize::from(trimmed_len as u32))
    } else {
        chunk_range
    };
    let trimmed = match raw {
        std::borrow::Cow::Borrowed(b) => std::borrow::Cow::Borrowed(&b[lead..lead + trimmed_len]),
        std::borrow::Cow::Owned(o) => {
            std::borrow::Cow::Owned(o[lead..lead + trimmed_len].to_owned())
        }
    };
    Some((trimmed, range))
}

/// Where `s.trim()` starts in `s` and its length. The usual text (`512`) starts and ends with
/// a visible ASCII character and skips `trim`'s character decoding.
fn trim_bounds(s: &str) -> (usize, usize) {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => (0, s.len()),
        _ => {
            let rest = s.trim_start();
            (s.len() - rest.len(), rest.trim_end().len())
        }
    }
}

/// A decimal number in an element's text.
pub fn text_number(e: &El) -> Option<(u64, TextRange)> {
    let (t, r) = text(e)?;
    Some((parse_decimal(&t)?, r))
}

/// `value` in `unit` (libvirt's scaled integers), in KiB rounded up; `default_unit` applies
/// without a unit. `None` for an unknown unit or an overflow.
pub fn scaled_kib(value: u64, unit: Option<&str>, default_unit: &str) -> Option<u64> {
    let unit = unit.unwrap_or(default_unit);
    let factor: u128 = match unit {
        "b" | "bytes" => 1,
        "KB" => 1000,
        "k" | "K" | "KiB" => 1 << 10,
        "MB" => 1_000_000,
        "m" | "M" | "MiB" => 1 << 20,
        "GB" => 1_000_000_000,
        "g" | "G" | "GiB" => 1 << 30,
        "TB" => 1_000_000_000_000,
        "t" | "T" | "TiB" => 1 << 40,
        "PB" => 1_000_000_000_000_000,
        "p" | "P" | "PiB" => 1 << 50,
        "EB" => 1_000_000_000_000_000_000,
        "e" | "E" | "EiB" => 1 << 60,
        _ => return None,
    };
    let bytes = u128::from(value).checked_mul(factor)?;
    u64::try_from(bytes.div_ceil(1024)).ok()
}

/// A size element (`<memory unit='MiB'>512</memory>`) in KiB, with the range of its number.
pub fn size_kib(e: &El) -> Option<(u64, TextRange)> {
    let (n, r) = text_number(e)?;
    let unit = attr(e, "unit").map(|(u, _)| u);
    Some((scaled_kib(n, unit, "KiB")?, r))
}

/// The maximum and current vCPU counts of `<vcpu current='2'>4</vcpu>`.
pub struct Vcpus<'a> {
    pub element: Option<El<'a>>,
    /// 1 when `<vcpu>` is absent, as libvirt assumes.
    pub max: u64,
    pub max_range: Option<TextRange>,
    pub current: Option<(u64, TextRange)>,
}

impl<'a> Vcpus<'a> {
    /// `None` when the count is present but unreadable: rules that depend on it stay silent.
    pub fn of<'d>(d: &'d Domain<'a>) -> Option<&'d Vcpus<'a>> {
        d.vcpus.get_or_init(|| Vcpus::read(d)).as_ref()
    }

    fn read(d: &Domain<'a>) -> Option<Vcpus<'a>> {
        let Some(element) = d.top("vcpu") else {
            return Some(Vcpus {
                element: None,
                max: 1,
                max_range: None,
                current: None,
            });
        };
        let (max, max_range) = text_number(&element)?;
        let current = match attr(&element, "current") {
            Some((v, r)) => Some((parse_decimal(v)?, r)),
            None => None,
        };
        Some(Vcpus {
            element: Some(element),
            max,
            max_range: Some(max_range),
            current,
        })
    }

    /// Where to point at the count: its number, else the domain.
    pub fn range(&self, d: &Domain) -> TextRange {
        self.max_range
            .or_else(|| self.element.as_ref().map(super::domain::name_range))
            .unwrap_or_else(|| super::domain::name_range(&d.root))
    }
}

/// One `<cpu><numa><cell>`.
pub struct Cell<'a> {
    pub element: El<'a>,
    pub id: Option<u64>,
    pub cpus: Option<Vec<u32>>,
    /// In KiB; `None` when absent or unreadable.
    pub memory_kib: Option<u64>,
}

/// The guest NUMA cells, in document order.
pub fn numa_cells<'d, 'a>(d: &'d Domain<'a>) -> &'d [Cell<'a>] {
    d.numa_cells.get_or_init(|| read_numa_cells(d))
}

fn read_numa_cells<'a>(d: &Domain<'a>) -> Vec<Cell<'a>> {
    let Some(numa) = d.at(&["cpu", "numa"]) else {
        return Vec::new();
    };
    children(&numa, "cell")
        .map(|element| {
            let id = attr(&element, "id").and_then(|(v, _)| parse_decimal(v));
            let cpus = attr(&element, "cpus").and_then(|(v, _)| parse_cpu_set(v));
            let memory_kib = attr(&element, "memory").and_then(|(v, _)| {
                let unit = attr(&element, "unit").map(|(u, _)| u);
                scaled_kib(parse_decimal(v)?, unit, "KiB")
            });
            Cell {
                element,
                id,
                cpus,
                memory_kib,
            }
        })
        .collect()
}

/// The IOThread ids the domain defines: `<iothreadids>` plus the ids libvirt adds (lowest
/// free first) until `<iothreads>` is reached. `None` when a count or id is unreadable.
pub fn iothread_ids(d: &Domain) -> Option<std::collections::BTreeSet<u64>> {
    let mut ids = std::collections::BTreeSet::new();
    if let Some(list) = d.top("iothreadids") {
        for t in children(&list, "iothread") {
            ids.insert(parse_decimal(attr(&t, "id")?.0)?);
        }
    }
    let count = match d.top("iothreads") {
        Some(e) => text_number(&e)?.0,
        None => 0,
    };
    // Bounded: a count beyond what any host runs is capped to keep this cheap.
    let count = count.min(1 << 16) as usize;
    let mut next = 1u64;
    while ids.len() < count {
        ids.insert(next);
        next += 1;
    }
    Some(ids)
}

/// The state of a `<features>` child: `Some(true)` for `<acpi/>` or `state='on'`,
/// `Some(false)` for `state='off'`, `None` when absent.
pub fn feature_state(d: &Domain, name: &str) -> Option<bool> {
    let f = d.at(&["features", name])?;
    Some(!matches!(f.attribute_value("state"), Some("off" | "no")))
}

/// `value` in `unit` (libvirt's scaled integers) in bytes; `default_unit` applies without a unit.
pub fn scaled_bytes(value: u64, unit: Option<&str>, default_unit: &str) -> Option<u128> {
    // Reuse the KiB table exactly: bytes = value * factor, where factor = KiB(1 unit) * 1024
    // except for the byte and decimal-kilo units below 1 KiB.
    let unit = unit.unwrap_or(default_unit);
    let factor: u128 = match unit {
        "b" | "bytes" => 1,
        "KB" => 1000,
        "MB" => 1_000_000,
        "GB" => 1_000_000_000,
        "TB" => 1_000_000_000_000,
        "PB" => 1_000_000_000_000_000,
        "EB" => 1_000_000_000_000_000_000,
        other => u128::from(scaled_kib(1, Some(other), "KiB")?) * 1024,
    };
    u128::from(value).checked_mul(factor)
}

/// The architecture, with libvirt's usual default (the x86_64 host) when none is given.
pub fn arch<'a>(d: &Domain<'a>) -> &'a str {
    d.arch.unwrap_or("x86_64")
}

pub fn is_x86_arch(d: &Domain) -> bool {
    matches!(arch(d), "x86_64" | "i686")
}

/// An ARM `virt` machine (libvirt's `qemuDomainIsARMVirt`).
pub fn is_arm_virt(d: &Domain) -> bool {
    matches!(arch(d), "aarch64" | "armv7l")
        && super::machine::MachineFamily::of(d.arch, d.machine)
            == super::machine::MachineFamily::Virt
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_bounds_match_trim() {
        for s in [
            "512",
            " 512\n",
            "\u{a0}5 1\t",
            "",
            "  ",
            "a",
            "\u{2003}x\u{2003}",
        ] {
            let (lead, len) = trim_bounds(s);
            assert_eq!(&s[lead..lead + len], s.trim(), "{s:?}");
            assert_eq!(lead, s.len() - s.trim_start().len(), "{s:?}");
        }
    }

    #[test]
    fn scaling() {
        assert_eq!(scaled_kib(1, Some("MiB"), "KiB"), Some(1024));
        assert_eq!(scaled_kib(1, None, "KiB"), Some(1));
        assert_eq!(scaled_kib(1500, Some("b"), "KiB"), Some(2));
        assert_eq!(scaled_kib(1, Some("parsec"), "KiB"), None);
        assert_eq!(scaled_kib(u64::MAX, Some("EiB"), "KiB"), None);
    }
}
