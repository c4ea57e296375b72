//! The compiled schema: one immutable, `Send + Sync` catalogue of interned names, name classes,
//! datatypes, documented element/attribute/value definitions and the pattern arena, built once
//! and shared by every document.

use crate::datatype::{BaseType, Datatype};
use crate::intern::{Interner, Sym};
use crate::name_class::{NameClasses, NcId};
use crate::pattern::{Arena, AttrId, DtId, ElemId, Node, Pat, Store, ValueId};

/// Text of a definition: borrowed from the precompiled catalogue's bytes (no allocation at
/// start-up), owned when compiled or loaded from a cache file.
pub type Text = std::borrow::Cow<'static, str>;

/// Where a definition comes from in the schema sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: Text,
    pub line: u32,
}

/// The release of the schema's subject that introduced a definition, from the `dx:since`
/// annotation (`dx:sinceDriver` when only one driver had it then): structured, so hovers,
/// completion details and version drift can all read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Since {
    /// `major.minor.micro`, as written.
    pub version: String,
    /// The one driver it came to first ("QEMU"), when the documentation says so.
    pub driver: Option<String>,
    /// `dx:sinceUnder`: the release holds only where the element concerned (the one defined,
    /// or the one carrying the attribute or value) and its nearest ancestors are named so:
    /// `disk` (the element is a `<disk>`), `disk/source` (a `<source>` in a `<disk>`), or one
    /// of several such paths separated by spaces. A pattern shared by several elements (the
    /// disk's source is also the NVRAM's and the backing store's) came to each of them in its
    /// own release.
    pub under: Option<String>,
}

impl Since {
    /// The numbers of a well-formed `major.minor[.micro]` version, else `None`.
    pub fn numbers(&self) -> Option<(u32, u32, u32)> {
        let mut parts = self.version.split('.').map(|p| p.parse::<u32>().ok());
        let major = parts.next()??;
        let minor = parts.next()??;
        let micro = match parts.next() {
            Some(p) => p?,
            None => 0,
        };
        parts.next().is_none().then_some((major, minor, micro))
    }

    /// Whether the release holds for an element given by its lineage: the local names of the
    /// element concerned and of its ancestors, innermost first.
    pub fn holds_within<S: AsRef<str>>(&self, lineage: &[S]) -> bool {
        let Some(under) = &self.under else {
            return true;
        };
        under.split_whitespace().any(|path| {
            let mut names = lineage.iter();
            path.rsplit('/')
                .all(|name| names.next().is_some_and(|l| l.as_ref() == name))
        })
    }
}

#[derive(Debug)]
pub struct ElementDef {
    pub name: NcId,
    pub content: Pat,
    pub doc: Option<Text>,
    pub since: Option<Since>,
    pub location: Location,
}

#[derive(Debug)]
pub struct AttributeDef {
    pub name: NcId,
    pub doc: Option<Text>,
    pub default: Option<String>,
    pub since: Option<Since>,
    pub location: Location,
}

#[derive(Debug)]
pub struct ValueDef {
    pub base: BaseType,
    /// As written in the schema.
    pub raw: String,
    /// After the datatype's whitespace normalization.
    pub normalized: String,
    pub doc: Option<Text>,
    pub since: Option<Since>,
}

#[derive(Debug)]
pub struct Catalogue {
    pub(crate) arena: Arena,
    pub(crate) names: Interner,
    pub(crate) name_classes: NameClasses,
    pub(crate) datatypes: Vec<Datatype>,
    pub(crate) elements: Vec<ElementDef>,
    pub(crate) attributes: Vec<AttributeDef>,
    pub(crate) values: Vec<ValueDef>,
    pub(crate) start: Pat,
    /// The file the catalogue was compiled from (for messages).
    pub(crate) entry: String,
    /// Reverse element containment, for documentation lookups by name (built on first use).
    pub(crate) parents: std::sync::OnceLock<Vec<Vec<ElemId>>>,
    /// Derivative memo tables of finished validations, reused by the next ones.
    pub(crate) sessions: crate::pool::Pool,
    /// The branches of each `<interleave>` in schema order (the arena keeps interleaves binary
    /// and sorted): libxml2's validation depends on that order (see `libxml2_order`).
    pub(crate) interleave_branches: rustc_hash::FxHashMap<Pat, Box<[Pat]>>,
    /// The libxml2 replay's memos of finished validations, reused by the next ones.
    pub(crate) order_memo: crate::pool::Pool,
}

impl Store for Catalogue {
    fn node(&self, p: Pat) -> Node {
        self.arena.node(p)
    }
    fn nullable(&self, p: Pat) -> bool {
        self.arena.nullable(p)
    }
    fn intern(&mut self, node: Node) -> Pat {
        self.arena.intern(node)
    }
}

impl Catalogue {
    pub fn start(&self) -> Pat {
        self.start
    }

    pub fn entry(&self) -> &str {
        &self.entry
    }

    pub fn element(&self, id: ElemId) -> &ElementDef {
        &self.elements[id.0 as usize]
    }

    pub fn attribute(&self, id: AttrId) -> &AttributeDef {
        &self.attributes[id.0 as usize]
    }

    pub fn value(&self, id: ValueId) -> &ValueDef {
        &self.values[id.0 as usize]
    }

    /// Every `dx:since` of the schema, on elements, attributes and values alike.
    pub fn releases(&self) -> impl Iterator<Item = &Since> {
        let elements = self.elements.iter().filter_map(|e| e.since.as_ref());
        let attributes = self.attributes.iter().filter_map(|a| a.since.as_ref());
        let values = self.values.iter().filter_map(|v| v.since.as_ref());
        elements.chain(attributes).chain(values)
    }

    pub fn datatype(&self, id: DtId) -> &Datatype {
        &self.datatypes[id.0 as usize]
    }

    /// Every datatype of the schema (messages and hovers describe them).
    pub fn datatypes(&self) -> &[Datatype] {
        &self.datatypes
    }

    /// Gives datatypes their description in words by the name of the define they are the body
    /// of (`words(label)`); the caller knows what the schema's names mean, this crate does not.
    pub fn describe_datatypes(&mut self, words: impl Fn(&str) -> Option<String>) {
        for dt in &mut self.datatypes {
            if let Some(label) = &dt.label {
                dt.words = words(label);
            }
        }
    }

    pub fn sym(&self, s: Sym) -> &str {
        self.names.get(s)
    }

    pub fn name_classes(&self) -> &NameClasses {
        &self.name_classes
    }

    pub fn name_matches(&self, nc: NcId, ns: &str, local: &str) -> bool {
        self.name_classes.contains(&self.names, nc, ns, local)
    }

    /// Explicit names of a class as (namespace, local) strings.
    pub fn class_names(&self, nc: NcId) -> Vec<(&str, &str)> {
        let mut out = Vec::new();
        self.name_classes.names(nc, &mut out);
        out.into_iter()
            .map(|(n, l)| (self.names.get(n), self.names.get(l)))
            .collect()
    }

    /// The local name shown to users for a class: its first explicit name or "*".
    pub fn class_label(&self, nc: NcId) -> String {
        let names = self.class_names(nc);
        match names.first() {
            Some((_, l)) => (*l).to_owned(),
            None => "*".to_owned(),
        }
    }

    pub fn element_count(&self) -> usize {
        self.elements.len()
    }

    pub fn pattern_count(&self) -> usize {
        self.arena.len()
    }

    /// Approximate heap usage in bytes.
    pub fn heap_bytes(&self) -> usize {
        let docs = |d: &Option<Text>| match d {
            Some(std::borrow::Cow::Owned(s)) => s.capacity(),
            _ => 0,
        };
        self.arena.heap_bytes()
            + self.names.heap_bytes()
            + self.name_classes.len() * 48
            + self.datatypes.len() * std::mem::size_of::<Datatype>()
            + self
                .datatypes
                .iter()
                .map(|d| d.facets.len() * 2048)
                .sum::<usize>()
            + self
                .elements
                .iter()
                .map(|e| std::mem::size_of::<ElementDef>() + docs(&e.doc))
                .sum::<usize>()
            + self
                .attributes
                .iter()
                .map(|a| std::mem::size_of::<AttributeDef>() + docs(&a.doc))
                .sum::<usize>()
            + self
                .values
                .iter()
                .map(|v| std::mem::size_of::<ValueDef>() + v.raw.len() * 2 + docs(&v.doc))
                .sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn catalogue_is_shareable() {
        assert_send_sync::<super::Catalogue>();
    }

    fn since(under: Option<&str>) -> super::Since {
        super::Since {
            version: "0.8.7".to_owned(),
            driver: None,
            under: under.map(str::to_owned),
        }
    }

    #[test]
    fn a_restricted_release_holds_only_where_the_lineage_ends_in_its_path() {
        let disk_source = ["source", "disk", "devices", "domain"];
        let nvram_source = ["source", "nvram", "os", "domain"];
        let backing_source = ["source", "backingStore", "disk", "devices", "domain"];
        assert!(since(None).holds_within(&nvram_source));
        let under = since(Some("disk/source"));
        assert!(under.holds_within(&disk_source));
        assert!(!under.holds_within(&nvram_source));
        assert!(!under.holds_within(&backing_source));
        // The element concerned itself must be named: the disk's source is not the disk.
        assert!(!since(Some("disk")).holds_within(&disk_source));
        assert!(since(Some("disk")).holds_within(&disk_source[1..]));
        // A path longer than the lineage does not hold.
        assert!(!since(Some("domain/disk/source")).holds_within(&disk_source[..2]));
        let either = since(Some("disk/source  backingStore/source"));
        assert!(either.holds_within(&disk_source));
        assert!(either.holds_within(&backing_source));
        assert!(!either.holds_within(&nvram_source));
    }
}
