//! Document structure: the outline (with names that say which disk or interface an element is),
//! folding ranges and selection ranges.

use domxml_syntax::ast::Element;
use domxml_syntax::{Parse, SyntaxKind::*, SyntaxNode, TextRange, TextSize};

/// One outline entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    /// The whole element.
    pub range: TextRange,
    /// The element's name in its start tag.
    pub selection_range: TextRange,
    /// Whether the element has child elements (a container rather than a leaf).
    pub container: bool,
    pub children: Vec<Symbol>,
}

/// How deep the outline goes. Deeper elements are left out: an outline that deep helps no one,
/// a bounded tree of symbols is built, converted and dropped without recursion growing with the
/// document, and its JSON (two levels per symbol) stays within the nesting limit of common JSON
/// parsers (128 for serde_json, which Rust-based clients use).
pub const MAX_SYMBOL_DEPTH: usize = 32;

/// The outline of a document, at most `limit` symbols (huge documents stay responsive).
pub fn document_symbols(parse: &Parse, limit: usize) -> Vec<Symbol> {
    let mut budget = limit;
    parse
        .syntax()
        .children()
        .filter_map(Element::cast)
        .filter_map(|e| symbol(&e, &mut budget, 1))
        .collect()
}

fn symbol(e: &Element, budget: &mut usize, depth: usize) -> Option<Symbol> {
    if *budget == 0 {
        return None;
    }
    *budget -= 1;
    let name = e.name()?;
    let mut children = Vec::new();
    if depth < MAX_SYMBOL_DEPTH {
        for child in e.children() {
            match symbol(&child, budget, depth + 1) {
                Some(s) => children.push(s),
                None if *budget == 0 => break,
                None => {}
            }
        }
    }
    let (label, detail) = describe(e, name.text());
    Some(Symbol {
        name: label,
        detail,
        range: e.syntax().text_range(),
        selection_range: name.range(),
        container: e.children().next().is_some(),
        children,
    })
}

fn attr(e: &Element, name: &str) -> Option<String> {
    e.attribute_value(name).filter(|v| !v.trim().is_empty())
}

fn child(e: &Element, name: &str) -> Option<Element> {
    e.children()
        .find(|c| c.name().is_some_and(|n| n.text() == name))
}

fn child_attr(e: &Element, child_name: &str, attr_name: &str) -> Option<String> {
    child(e, child_name).and_then(|c| attr(&c, attr_name))
}

fn short_text(e: &Element) -> Option<String> {
    let t = e.text();
    let t = t.trim();
    if t.is_empty() || t.contains('\n') {
        return None;
    }
    let mut s: String = t.chars().take(40).collect();
    if t.chars().count() > 40 {
        s.push('…');
    }
    Some(s)
}

/// The label ("disk vda (file qcow2)") and detail of an element.
fn describe(e: &Element, name: &str) -> (String, Option<String>) {
    let join = |parts: Vec<Option<String>>| -> String {
        let parts: Vec<String> = parts.into_iter().flatten().collect();
        parts.join(" ")
    };
    let label = match name {
        "disk" => {
            let target = child_attr(e, "target", "dev");
            let kind = join(vec![attr(e, "type"), child_attr(e, "driver", "type")]);
            let device = attr(e, "device").filter(|d| d != "disk");
            let mut s = join(vec![Some("disk".into()), device, target]);
            if !kind.is_empty() {
                s.push_str(&format!(" ({kind})"));
            }
            s
        }
        "interface" => {
            let source = child(e, "source").and_then(|s| {
                ["bridge", "network", "dev", "name", "path"]
                    .iter()
                    .find_map(|a| attr(&s, a))
            });
            let source = source.or_else(|| attr(e, "type"));
            join(vec![
                Some("interface".into()),
                source,
                child_attr(e, "model", "type"),
            ])
        }
        "hostdev" => {
            let addr = child(e, "source")
                .and_then(|s| child(&s, "address"))
                .map(
                    |a| match (attr(&a, "bus"), attr(&a, "slot"), attr(&a, "function")) {
                        (Some(b), Some(s), Some(f)) => {
                            format!("{}:{}.{}", strip0x(&b), strip0x(&s), strip0x(&f))
                        }
                        _ => join(vec![attr(&a, "vendor"), attr(&a, "product")]),
                    },
                );
            join(vec![
                Some("hostdev".into()),
                attr(e, "type"),
                addr.filter(|s| !s.is_empty()),
            ])
        }
        "controller" => join(vec![
            Some("controller".into()),
            attr(e, "type"),
            attr(e, "index"),
            attr(e, "model"),
        ]),
        "graphics" | "video" | "sound" | "input" | "watchdog" | "rng" | "tpm" | "memballoon"
        | "panic" => {
            let model = child_attr(e, "model", "type").or_else(|| attr(e, "model"));
            join(vec![Some(name.into()), attr(e, "type"), model])
        }
        "serial" | "console" | "channel" | "parallel" => {
            let target =
                child_attr(e, "target", "name").or_else(|| child_attr(e, "target", "type"));
            join(vec![Some(name.into()), attr(e, "type"), target])
        }
        "filesystem" => join(vec![
            Some("filesystem".into()),
            child_attr(e, "target", "dir"),
            child(e, "source").and_then(|s| attr(&s, "dir").or_else(|| attr(&s, "file"))),
        ]),
        "domain" => join(vec![
            Some("domain".into()),
            child(e, "name").and_then(|n| short_text(&n)),
            attr(e, "type").map(|t| format!("({t})")),
        ]),
        _ => {
            let key = ["name", "type", "dev", "id", "index", "mode"]
                .iter()
                .find_map(|a| attr(e, a).map(|v| format!("{a}={v}")));
            let text = if e.children().next().is_none() {
                short_text(e)
            } else {
                None
            };
            join(vec![Some(name.into()), key.or(text)])
        }
    };
    let detail = if name == "domain" {
        attr(e, "type")
    } else {
        None
    };
    (label, detail)
}

fn strip0x(s: &str) -> &str {
    s.strip_prefix("0x").unwrap_or(s)
}

/// A foldable region as byte offsets: the line of `start` to the line of `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fold {
    pub start: TextSize,
    pub end: TextSize,
    pub comment: bool,
}

/// Elements folding from their start tag to the line before their end tag, and multi-line
/// comments. The caller drops folds that do not span lines.
pub fn folding_ranges(parse: &Parse, text: &str) -> Vec<Fold> {
    let mut out = Vec::new();
    // Nested elements would scan the same text once per level.
    let line_breaks: Vec<TextSize> = text
        .match_indices('\n')
        .map(|(i, _)| TextSize::from(i as u32))
        .collect();
    let spans_lines = |r: TextRange| {
        let first = line_breaks.partition_point(|&b| b < r.start());
        line_breaks.get(first).is_some_and(|&b| b < r.end())
    };
    for item in parse.syntax().descendants_with_tokens() {
        if let Some(n) = item.as_node().filter(|n| n.kind() == ELEMENT) {
            let r = n.text_range();
            if !spans_lines(r) {
                continue;
            }
            let end = Element::cast(n.clone())
                .and_then(|e| e.end_tag())
                .map_or(r.end(), |t| t.syntax().text_range().start());
            out.push(Fold {
                start: r.start(),
                end,
                comment: false,
            });
        } else if let Some(t) = item
            .as_token()
            .filter(|t| t.kind() == COMMENT && spans_lines(t.text_range()))
        {
            out.push(Fold {
                start: t.text_range().start(),
                end: t.text_range().end(),
                comment: true,
            });
        }
    }
    out
}

/// Growing selections at `offset`, innermost first: the word (name or value), the quoted value,
/// the attribute, the tag, the element, and every enclosing element up to the document.
pub fn selection_ranges(parse: &Parse, offset: TextSize) -> Vec<TextRange> {
    let root = parse.syntax();
    let mut out: Vec<TextRange> = Vec::new();
    let mut push = |r: TextRange| {
        if out.last().is_none_or(|l| *l != r && l.len() <= r.len()) {
            out.push(r);
        }
    };
    let token = root
        .token_at_offset(offset)
        .right_biased()
        .or_else(|| root.token_at_offset(offset).left_biased());
    let Some(token) = token else { return vec![] };
    if token.kind() == ATTR_VALUE {
        let r = token.text_range();
        let text = token.text();
        if text.len() >= 2 && (text.starts_with('"') || text.starts_with('\'')) {
            let inner_end = if text.ends_with(&text[..1]) {
                r.end() - TextSize::from(1)
            } else {
                r.end()
            };
            push(TextRange::new(
                r.start() + TextSize::from(1),
                inner_end.max(r.start() + TextSize::from(1)),
            ));
        }
    }
    if !token.kind().is_trivia() {
        push(token.text_range());
    }
    // Chunks of a long content are no selection of their own.
    let mut node: Option<SyntaxNode> = domxml_syntax::chunk::token_parent(&token);
    while let Some(n) = node {
        push(n.text_range());
        node = domxml_syntax::chunk::parent(&n);
    }
    if out.len() > MAX_SELECTION_RANGES {
        // The protocol nests each range in the next: keep the innermost and the whole document.
        let whole = out[out.len() - 1];
        out.truncate(MAX_SELECTION_RANGES - 1);
        out.push(whole);
    }
    out
}

/// At most this many growing selections (see [`MAX_SYMBOL_DEPTH`] for why JSON depth matters).
pub const MAX_SELECTION_RANGES: usize = 48;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::cursor;

    fn outline(symbols: &[Symbol], depth: usize, out: &mut String) {
        for s in symbols {
            out.push_str(&format!("{}{}\n", "  ".repeat(depth), s.name));
            outline(&s.children, depth + 1, out);
        }
    }

    #[test]
    fn outline_names() {
        let text = r#"<domain type='kvm'>
  <name>web1</name>
  <memory unit='KiB'>4194304</memory>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/web1.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='cdrom'><target dev='sda' bus='sata'/></disk>
    <interface type='bridge'>
      <source bridge='br0'/>
      <model type='virtio'/>
    </interface>
    <hostdev mode='subsystem' type='pci'><source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source></hostdev>
    <controller type='usb' index='0' model='qemu-xhci'/>
  </devices>
</domain>"#;
        let mut out = String::new();
        outline(
            &document_symbols(&domxml_syntax::parse(text), 1000),
            0,
            &mut out,
        );
        expect_test::expect![[r#"
            domain web1 (kvm)
              name web1
              memory 4194304
              devices
                disk vda (file qcow2)
                  driver name=qemu
                  source
                  target dev=vda
                disk cdrom sda (file)
                  target dev=sda
                interface br0 virtio
                  source
                  model type=virtio
                hostdev pci 01:00.0
                  source
                    address
                controller usb 0 qemu-xhci
        "#]]
        .assert_eq(&out);
        assert_eq!(document_symbols(&domxml_syntax::parse(text), 3).len(), 1);
    }

    #[test]
    fn folds() {
        let text = "<a>\n  <b>\n    <c/>\n  </b>\n  <!-- x\n  y -->\n  <d/>\n</a>\n";
        let folds = folding_ranges(&domxml_syntax::parse(text), text);
        let shown: Vec<String> = folds
            .iter()
            .map(|f| {
                format!(
                    "{:?}{}",
                    &text[f.start.into()..f.end.into()],
                    if f.comment { " comment" } else { "" }
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                "\"<a>\\n  <b>\\n    <c/>\\n  </b>\\n  <!-- x\\n  y -->\\n  <d/>\\n\"",
                "\"<b>\\n    <c/>\\n  \"",
                "\"<!-- x\\n  y -->\" comment"
            ]
        );
    }

    #[test]
    fn selections_grow() {
        let (text, offset) = cursor("<a><b x='v$0al'/></a>");
        let parse = domxml_syntax::parse(&text);
        let shown: Vec<&str> = selection_ranges(&parse, offset)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(
            shown,
            [
                "val",
                "'val'",
                "x='val'",
                "<b x='val'/>",
                "<a><b x='val'/></a>"
            ]
        );
    }

    fn nested(depth: usize) -> String {
        format!("{}<x/>{}", "<a>\n".repeat(depth), "</a>".repeat(depth))
    }

    #[test]
    fn the_outline_stops_at_its_depth_limit() {
        fn depth(symbols: &[Symbol]) -> usize {
            // Iterative on purpose: follows the first child down.
            let mut d = 0;
            let mut level = symbols;
            while let Some(s) = level.first() {
                d += 1;
                level = &s.children;
            }
            d
        }
        let parse = domxml_syntax::parse(&nested(100));
        assert_eq!(depth(&document_symbols(&parse, 10_000)), MAX_SYMBOL_DEPTH);
        let parse = domxml_syntax::parse(&nested(10));
        assert_eq!(depth(&document_symbols(&parse, 10_000)), 11);
    }

    #[test]
    fn deep_selections_keep_the_innermost_and_the_document() {
        let text = nested(100);
        let parse = domxml_syntax::parse(&text);
        let offset = TextSize::from(text.find("<x/>").unwrap() as u32 + 1);
        let ranges = selection_ranges(&parse, offset);
        assert_eq!(ranges.len(), MAX_SELECTION_RANGES);
        assert_eq!(&text[ranges[0]], "x");
        assert_eq!(ranges.last().copied(), Some(parse.syntax().text_range()));
        assert!(ranges.windows(2).all(|w| w[1].contains_range(w[0])));
    }
}
