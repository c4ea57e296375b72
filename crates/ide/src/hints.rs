//! Inlay hints: sizes written in a libvirt unit shown in a readable one, right after the number
//! (`<memory unit='KiB'>4194304</memory>` gets `= 4 GiB`).

use domxml_syntax::ast::{Content, Element};
use domxml_syntax::{Parse, TextRange, TextSize};

use crate::numbers::{human_bytes, unit_bytes};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlayHint {
    pub offset: TextSize,
    pub label: String,
}

/// Elements whose content is a size in KiB unless a `unit` attribute says otherwise.
pub(crate) const KIB_BY_DEFAULT: &[&str] = &[
    "memory",
    "currentMemory",
    "maxMemory",
    "size",
    "requested",
    "current",
    "hard_limit",
    "soft_limit",
    "swap_hard_limit",
    "min_guarantee",
];

/// `= 4 GiB` when `value unit` reads better in another unit, else None.
fn readable(value: &str, unit: &str) -> Option<String> {
    let n: u128 = value.trim().parse().ok()?;
    let bytes = n.checked_mul(unit_bytes(unit)?)?;
    let human = human_bytes(bytes);
    let written = format!("{} {}", value.trim(), unit.trim());
    (human != written && n != 0).then(|| format!("= {human}"))
}

/// Hints for the sizes inside `range`, at most `limit` of them.
pub fn inlay_hints(parse: &Parse, range: TextRange, limit: usize) -> Vec<InlayHint> {
    let mut out = Vec::new();
    let root = parse.syntax();
    for node in root.descendants() {
        if out.len() >= limit {
            break;
        }
        let r = node.text_range();
        if r.end() < range.start() || r.start() > range.end() {
            continue;
        }
        let Some(e) = Element::cast(node) else {
            continue;
        };
        let Some(name) = e.name() else { continue };
        let unit = e.attribute_value("unit");
        // Text content: <memory unit='KiB'>4194304</memory>.
        let text_unit = unit.clone().or_else(|| {
            KIB_BY_DEFAULT
                .contains(&name.local())
                .then(|| "KiB".to_string())
        });
        if let Some(u) = &text_unit {
            let chunk = e.content().find_map(|c| match c {
                Content::Text(t) if !t.is_whitespace() => Some(t),
                _ => None,
            });
            if let Some(t) = chunk
                && let Some(label) = readable(&t.value, u)
            {
                let trailing = t.value.len() - t.value.trim_end().len();
                let end = t
                    .range
                    .end()
                    .checked_sub(TextSize::from(trailing as u32))
                    .unwrap_or(t.range.end());
                out.push(InlayHint { offset: end, label });
            }
        }
        // Attributes beside a unit: <page size='2048' unit='KiB'/>.
        if let Some(u) = &unit {
            for a in e.attributes() {
                let (Some(n), Some(v)) = (a.name(), a.value()) else {
                    continue;
                };
                if matches!(n.text(), "size" | "memory" | "value" | "limit")
                    && let Some(label) = readable(&v.unquoted(), u)
                {
                    out.push(InlayHint {
                        offset: v.range().end(),
                        label,
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_get_readable_hints() {
        let text = "<domain><memory unit='KiB'>4194304</memory><currentMemory>2097152 </currentMemory><vcpu>4</vcpu><memoryBacking><hugepages><page size='2048' unit='KiB'/></hugepages></memoryBacking><maxMemory unit='GiB'>4</maxMemory></domain>";
        let parse = domxml_syntax::parse(text);
        let hints = inlay_hints(&parse, TextRange::up_to(TextSize::of(text)), 100);
        let shown: Vec<String> = hints
            .iter()
            .map(|h| {
                format!(
                    "{}|{}",
                    &text[..usize::from(h.offset)]
                        .chars()
                        .rev()
                        .take(7)
                        .collect::<String>()
                        .chars()
                        .rev()
                        .collect::<String>(),
                    h.label
                )
            })
            .collect();
        assert_eq!(
            shown,
            ["4194304|= 4 GiB", "2097152|= 2 GiB", "='2048'|= 2 MiB"]
        );
    }
}
