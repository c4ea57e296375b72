//! Go to definition, find references and highlights for the numeric ids a domain uses to point
//! at its own parts: iothreads, guest NUMA cells, vCPUs, and the boot order among devices.
//!
//! Which attribute points at which is data ([`RELATIONS`]); the functions below only walk the
//! enclosing `<domain>` and compare numbers.

use domxml_syntax::ast::{Attribute, Content, Element};
use domxml_syntax::{Parse, SyntaxKind::*, TextRange, TextSize};

/// Where an id is written: an element named by its path upwards (the element first, then its
/// parent, ...) and one of its attributes or its text.
#[derive(Debug, Clone, Copy)]
struct Site {
    path: &'static [&'static str],
    value: Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Value {
    /// One id in an attribute.
    Attr(&'static str),
    /// A list of ids in an attribute, libvirt's cpuset syntax: `0-3,^2,6`.
    List(&'static str),
    /// One id as the element's text.
    Text,
}

/// Sites that declare ids, and the sites that refer to them.
#[derive(Debug)]
struct Relation {
    declarations: &'static [Site],
    references: &'static [Site],
}

const fn attr(path: &'static [&'static str], name: &'static str) -> Site {
    Site {
        path,
        value: Value::Attr(name),
    }
}

const fn list(path: &'static [&'static str], name: &'static str) -> Site {
    Site {
        path,
        value: Value::List(name),
    }
}

/// The id relations of a domain. Boot orders are peers: every `<boot order>` is a declaration.
const RELATIONS: &[Relation] = &[
    // <iothreadids><iothread id='2'/>
    Relation {
        declarations: &[attr(&["iothread", "iothreadids"], "id")],
        references: &[
            attr(&["driver"], "iothread"),
            attr(&["iothread", "iothreads", "driver"], "id"),
            attr(&["iothreadpin", "cputune"], "iothread"),
            list(&["iothreadsched", "cputune"], "iothreads"),
        ],
    },
    // <cpu><numa><cell id='0'/>
    Relation {
        declarations: &[attr(&["cell", "numa", "cpu"], "id")],
        references: &[
            attr(&["memnode", "numatune"], "cellid"),
            Site {
                path: &["node", "target", "memory"],
                value: Value::Text,
            },
            attr(&["sibling", "distances", "cell"], "id"),
            attr(&["latency", "interconnects", "numa"], "initiator"),
            attr(&["latency", "interconnects", "numa"], "target"),
            attr(&["bandwidth", "interconnects", "numa"], "initiator"),
            attr(&["bandwidth", "interconnects", "numa"], "target"),
            list(&["page", "hugepages", "memoryBacking"], "nodeset"),
        ],
    },
    // <vcpus><vcpu id='3'/>
    Relation {
        declarations: &[attr(&["vcpu", "vcpus"], "id")],
        references: &[
            attr(&["vcpupin", "cputune"], "vcpu"),
            list(&["vcpusched", "cputune"], "vcpus"),
            list(&["cachetune", "cputune"], "vcpus"),
            list(&["memorytune", "cputune"], "vcpus"),
            list(&["cell", "numa", "cpu"], "cpus"),
        ],
    },
    // <boot order='1'/> in devices
    Relation {
        declarations: &[attr(&["boot"], "order")],
        references: &[],
    },
];

/// One written id (or run of ids): where, which ids, and whether it declares them.
#[derive(Debug, Clone)]
struct Mention {
    range: TextRange,
    low: u64,
    high: u64,
    declaration: bool,
}

impl Mention {
    fn overlaps(&self, other: &Mention) -> bool {
        self.low <= other.high && other.low <= self.high
    }
}

/// A highlighted id: declarations are writes, references reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Highlight {
    pub range: TextRange,
    pub declaration: bool,
}

/// Where the id under the cursor is declared (`<iothread id>` for `<driver iothread>`, ...).
/// For a boot order: the other devices with the same order.
pub fn definition(parse: &Parse, offset: TextSize) -> Vec<TextRange> {
    let Some((relation, at, scope)) = mention_at(parse, offset) else {
        return vec![];
    };
    mentions(&scope, relation)
        .into_iter()
        .filter(|m| m.declaration && m.overlaps(&at) && m.range != at.range)
        .map(|m| m.range)
        .collect()
}

/// Every place that names the id under the cursor; the declaration too when
/// `include_declaration`. For a boot order: every device's boot order.
pub fn references(parse: &Parse, offset: TextSize, include_declaration: bool) -> Vec<TextRange> {
    let Some((relation, at, scope)) = mention_at(parse, offset) else {
        return vec![];
    };
    let peers = relation.references.is_empty();
    mentions(&scope, relation)
        .into_iter()
        .filter(|m| peers || m.overlaps(&at))
        .filter(|m| {
            include_declaration
                || if peers {
                    m.range != at.range
                } else {
                    !m.declaration
                }
        })
        .map(|m| m.range)
        .collect()
}

/// The id under the cursor and every other mention of it, declarations marked.
pub fn highlights(parse: &Parse, offset: TextSize) -> Vec<Highlight> {
    let Some((relation, at, scope)) = mention_at(parse, offset) else {
        return vec![];
    };
    let peers = relation.references.is_empty();
    mentions(&scope, relation)
        .into_iter()
        .filter(|m| peers || m.overlaps(&at))
        .map(|m| Highlight {
            range: m.range,
            declaration: m.declaration,
        })
        .collect()
}

/// The relation, the mention under the cursor and the `<domain>` that scopes it.
fn mention_at(parse: &Parse, offset: TextSize) -> Option<(&'static Relation, Mention, Element)> {
    let root = parse.syntax();
    let token = root
        .token_at_offset(offset)
        .find(|t| matches!(t.kind(), ATTR_VALUE | NAME | TEXT | EQ))
        .or_else(|| root.token_at_offset(offset).next())?;
    let (element, attribute) = match token.parent_ancestors().find_map(Attribute::cast) {
        Some(a) => (a.element()?, Some(a)),
        None => (token.parent_ancestors().find_map(Element::cast)?, None),
    };
    let scope = std::iter::once(element.clone())
        .chain(element.ancestors())
        .find(|e| e.name_is("domain"))?;
    for relation in RELATIONS {
        for (site, declaration) in sites(relation) {
            if !matches_path(&element, site.path) {
                continue;
            }
            let here = match (site.value, &attribute) {
                (Value::Attr(n) | Value::List(n), Some(a)) if a.name()?.text() == n => {
                    site_mentions(&element, site, declaration)
                }
                (Value::Text, None) => site_mentions(&element, site, declaration),
                _ => continue,
            };
            // In a list, the entry under the cursor; elsewhere the one id.
            let found = here
                .into_iter()
                .find(|m| m.range.contains_inclusive(offset))
                .or_else(|| {
                    let written = site_mentions(&element, site, declaration);
                    (written.len() == 1 && attribute.is_some())
                        .then(|| written.into_iter().next())
                        .flatten()
                })?;
            return Some((relation, found, scope));
        }
    }
    None
}

fn sites(relation: &Relation) -> impl Iterator<Item = (&Site, bool)> {
    relation
        .declarations
        .iter()
        .map(|s| (s, true))
        .chain(relation.references.iter().map(|s| (s, false)))
}

/// Every mention of the relation's ids inside `scope`, in document order.
fn mentions(scope: &Element, relation: &Relation) -> Vec<Mention> {
    let mut out = Vec::new();
    for element in scope.syntax().descendants().filter_map(Element::cast) {
        for (site, declaration) in sites(relation) {
            if matches_path(&element, site.path) {
                out.extend(site_mentions(&element, site, declaration));
            }
        }
    }
    out
}

fn matches_path(element: &Element, path: &[&str]) -> bool {
    let mut current = Some(element.clone());
    for name in path {
        match current {
            Some(e) if e.name_is(name) => current = e.parent(),
            _ => return false,
        }
    }
    true
}

fn site_mentions(element: &Element, site: &Site, declaration: bool) -> Vec<Mention> {
    let mention = |range, low, high| Mention {
        range,
        low,
        high,
        declaration,
    };
    match site.value {
        Value::Attr(name) => element
            .attribute(name)
            .and_then(|a| a.value())
            .and_then(|v| {
                let id = parse_id(v.raw_inner())?;
                Some(mention(v.value_range(), id, id))
            })
            .into_iter()
            .collect(),
        Value::List(name) => {
            let Some(value) = element.attribute(name).and_then(|a| a.value()) else {
                return vec![];
            };
            let start = value.value_range().start();
            list_entries(value.raw_inner())
                .into_iter()
                .map(|(at, low, high)| {
                    let range = TextRange::new(
                        start + TextSize::from(at.start as u32),
                        start + TextSize::from(at.end as u32),
                    );
                    mention(range, low, high)
                })
                .collect()
        }
        Value::Text => element
            .content()
            .find_map(|c| match c {
                Content::Text(t) if !t.is_whitespace() => Some(t),
                _ => None,
            })
            .and_then(|t| {
                let id = parse_id(&t.value)?;
                let lead = t.value.len() - t.value.trim_start().len();
                let start = t.range.start() + TextSize::from(lead as u32);
                let len = TextSize::from(t.value.trim().len() as u32);
                Some(mention(TextRange::at(start, len), id, id))
            })
            .into_iter()
            .collect(),
    }
}

fn parse_id(text: &str) -> Option<u64> {
    let t = text.trim();
    t.bytes().all(|b| b.is_ascii_digit()).then_some(())?;
    t.parse().ok()
}

/// The entries of a cpuset-style list with their byte ranges: `1`, `2-5`, `^3`.
fn list_entries(text: &str) -> Vec<(std::ops::Range<usize>, u64, u64)> {
    let mut out = Vec::new();
    let mut at = 0;
    for part in text.split(',') {
        let lead = part.len() - part.trim_start().len();
        let entry = part.trim();
        let start = at + lead;
        at += part.len() + 1;
        let numbers = entry.strip_prefix('^').unwrap_or(entry);
        let (low, high) = match numbers.split_once('-') {
            Some((a, b)) => match (parse_id(a), parse_id(b)) {
                (Some(a), Some(b)) if a <= b => (a, b),
                _ => continue,
            },
            None => match parse_id(numbers) {
                Some(n) => (n, n),
                None => continue,
            },
        };
        out.push((start..start + entry.len(), low, high));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::cursor;

    const DOMAIN: &str = "<domain type='kvm'>
  <vcpu placement='static'>4</vcpu>
  <vcpus>
    <vcpu id='0' enabled='yes'/>
    <vcpu id='3' enabled='no'/>
  </vcpus>
  <iothreads>2</iothreads>
  <iothreadids>
    <iothread id='1'/>
    <iothread id='2'/>
  </iothreadids>
  <cputune>
    <vcpupin vcpu='3' cpuset='1'/>
    <iothreadpin iothread='2' cpuset='0'/>
    <vcpusched vcpus='0-3,^1' scheduler='fifo' priority='1'/>
    <iothreadsched iothreads='1,2' scheduler='batch'/>
  </cputune>
  <numatune>
    <memnode cellid='1' mode='strict' nodeset='0'/>
  </numatune>
  <cpu>
    <numa>
      <cell id='0' cpus='0-1' memory='1' unit='GiB'/>
      <cell id='1' cpus='2-3' memory='1' unit='GiB'/>
    </numa>
  </cpu>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' iothread='2'/>
      <boot order='2'/>
    </disk>
    <controller type='scsi' model='virtio-scsi'>
      <driver iothread='1'/>
    </controller>
    <interface type='network'>
      <boot order='1'/>
    </interface>
    <memory model='dimm'>
      <target><size unit='GiB'>1</size><node> 1 </node></target>
    </memory>
  </devices>
</domain>";

    /// The document with `$0` put before the `nth` occurrence of `needle`, plus its parse.
    fn at(needle: &str, nth: usize) -> (String, TextSize, Parse) {
        let (pos, _) = DOMAIN
            .match_indices(needle)
            .nth(nth)
            .expect("needle in domain");
        let mut fixture = DOMAIN.to_string();
        fixture.insert_str(pos + needle.len(), "$0");
        let (text, offset) = cursor(&fixture);
        let parse = domxml_syntax::parse(&text);
        (text, offset, parse)
    }

    /// Each range as the line it is on (trimmed) and the text it covers.
    fn show(text: &str, ranges: &[TextRange]) -> Vec<(String, String)> {
        ranges
            .iter()
            .map(|r| {
                let line_start = text[..usize::from(r.start())]
                    .rfind('\n')
                    .map_or(0, |i| i + 1);
                let line_end = text[usize::from(r.end())..]
                    .find('\n')
                    .map_or(text.len(), |i| i + usize::from(r.end()));
                (
                    text[line_start..line_end].trim().to_string(),
                    text[*r].to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn driver_iothread_goes_to_its_iothread() {
        let (text, offset, parse) = at("<driver name='qemu' iothread='", 0);
        let found = show(&text, &definition(&parse, offset));
        assert_eq!(found, [("<iothread id='2'/>".to_string(), "2".to_string())]);
        let (text, offset, parse) = at("<driver iothread='", 0);
        let found = show(&text, &definition(&parse, offset));
        assert_eq!(found, [("<iothread id='1'/>".to_string(), "1".to_string())]);
    }

    #[test]
    fn iothread_references_include_pins_and_schedulers() {
        let (text, offset, parse) = at("<iothread id='", 1);
        let refs = show(&text, &references(&parse, offset, false));
        let lines: Vec<&str> = refs.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(
            lines,
            [
                "<iothreadpin iothread='2' cpuset='0'/>",
                "<iothreadsched iothreads='1,2' scheduler='batch'/>",
                "<driver name='qemu' iothread='2'/>",
            ]
        );
        assert_eq!(refs[1].1, "2", "the list entry, not the whole list");
        assert_eq!(references(&parse, offset, true).len(), 4);
        let hl = highlights(&parse, offset);
        assert_eq!(hl.iter().filter(|h| h.declaration).count(), 1);
        assert_eq!(hl.len(), 4);
    }

    #[test]
    fn list_entry_under_cursor_selects_its_ids() {
        // `0-3` names vcpus 0 to 3: the declared ones are 0 and 3.
        let (text, offset, parse) = at("<vcpusched vcpus='0-", 0);
        let found = show(&text, &definition(&parse, offset));
        assert_eq!(
            found.iter().map(|(l, _)| l.as_str()).collect::<Vec<_>>(),
            [
                "<vcpu id='0' enabled='yes'/>",
                "<vcpu id='3' enabled='no'/>"
            ]
        );
        let (text, offset, parse) = at("<iothreadsched iothreads='1,", 0);
        let found = show(&text, &definition(&parse, offset));
        assert_eq!(found, [("<iothread id='2'/>".to_string(), "2".to_string())]);
    }

    #[test]
    fn vcpupin_and_numa_cells() {
        let (text, offset, parse) = at("<vcpupin vcpu='", 0);
        assert_eq!(
            show(&text, &definition(&parse, offset)),
            [("<vcpu id='3' enabled='no'/>".to_string(), "3".to_string())]
        );
        let (text, offset, parse) = at("<memnode cellid='", 0);
        assert_eq!(
            show(&text, &definition(&parse, offset))[0].0,
            "<cell id='1' cpus='2-3' memory='1' unit='GiB'/>"
        );
        // The memory device's target node is text.
        let (text, offset, parse) = at("<node> ", 0);
        assert_eq!(
            show(&text, &definition(&parse, offset))[0].0,
            "<cell id='1' cpus='2-3' memory='1' unit='GiB'/>"
        );
        let (text, offset, parse) = at("<cell id='", 1);
        let refs = show(&text, &references(&parse, offset, false));
        assert_eq!(refs.len(), 2);
        assert_eq!(refs[1].1, "1");
        assert!(refs[1].0.contains("<node> 1 </node>"));
    }

    #[test]
    fn boot_orders_are_peers() {
        let (text, offset, parse) = at("<boot order='", 0);
        let refs = show(&text, &references(&parse, offset, true));
        assert_eq!(
            refs.iter().map(|(_, v)| v.as_str()).collect::<Vec<_>>(),
            ["2", "1"]
        );
        assert_eq!(references(&parse, offset, false).len(), 1);
        assert!(
            definition(&parse, offset).is_empty(),
            "no other device boots second"
        );
        let dup = text.replacen("<boot order='1'/>", "<boot order='2'/>", 1);
        let parse = domxml_syntax::parse(&dup);
        assert_eq!(show(&dup, &definition(&parse, offset)).len(), 1);
    }

    #[test]
    fn nothing_outside_ids() {
        let (_, offset, parse) = at("<disk type='", 0);
        assert!(definition(&parse, offset).is_empty());
        assert!(highlights(&parse, offset).is_empty());
        let (_, offset, parse) = at("<vcpu placement='static'>", 0);
        assert!(references(&parse, offset, true).is_empty());
        // Outside a <domain>, the same names mean nothing.
        let (text, offset) = cursor("<capabilities><cell id='$00'/></capabilities>");
        assert!(highlights(&domxml_syntax::parse(&text), offset).is_empty());
    }

    #[test]
    fn broken_values_do_not_match() {
        assert_eq!(
            list_entries("0-3,^2, 6"),
            [(0..3, 0, 3), (4..6, 2, 2), (8..9, 6, 6)]
        );
        assert_eq!(list_entries("x,3-1,,-"), []);
        let (text, offset) =
            cursor("<domain><devices><disk><driver iothread='x$0'/></disk></devices></domain>");
        assert!(definition(&domxml_syntax::parse(&text), offset).is_empty());
    }
}
