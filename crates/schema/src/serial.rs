//! A compiled [`Catalogue`] as bytes and back, so a schema compiled once (at build time for
//! the built-in catalogue, or into a cache for host schemas) is loaded without compiling.
//!
//! The format is private to this crate's version: a magic line naming the format and the
//! crate version, the payload, and a checksum of both. Anything that does not match exactly
//! (another version, a truncated or corrupt file) is refused with an error, never a panic, so
//! callers fall back to compiling. Hash indexes are rebuilt on load; regexes stay lazy.

use crate::catalogue::{AttributeDef, Catalogue, ElementDef, Location, Since, Text, ValueDef};
use crate::datatype::{BaseType, Datatype, Facet, IntKind, LazyRegex};
use crate::intern::Interner;
use crate::name_class::{NameClass, NameClasses, NcId};
use crate::pattern::{Arena, AttrId, DtId, ElemId, Node, Pat, ValueId};

const MAGIC: &[u8] = concat!("domxml-catalogue 7 ", env!("CARGO_PKG_VERSION"), "\n").as_bytes();

/// A 64-bit checksum (XXH3), enough to tell a damaged file from a whole one, at memory speed.
pub fn checksum(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

const INT_KINDS: &[IntKind] = &[
    IntKind::Integer,
    IntKind::Long,
    IntKind::Int,
    IntKind::Short,
    IntKind::Byte,
    IntKind::NonNegative,
    IntKind::Positive,
    IntKind::NonPositive,
    IntKind::Negative,
    IntKind::UnsignedLong,
    IntKind::UnsignedInt,
    IntKind::UnsignedShort,
    IntKind::UnsignedByte,
];

const BASES: &[BaseType] = &[
    BaseType::String,
    BaseType::Token,
    BaseType::NormalizedString,
    BaseType::Boolean,
    BaseType::Decimal,
    BaseType::Float,
    BaseType::Double,
    BaseType::DateTime,
    BaseType::Date,
    BaseType::Time,
    BaseType::Duration,
    BaseType::HexBinary,
    BaseType::Base64Binary,
    BaseType::AnyUri,
    BaseType::QName,
    BaseType::Name,
    BaseType::NcName,
    BaseType::NmToken,
    BaseType::Language,
];

struct W(Vec<u8>);

impl W {
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn len(&mut self, n: usize) {
        self.u32(n as u32);
    }
    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }
    fn opt<S: AsRef<str>>(&mut self, s: &Option<S>) {
        match s {
            None => self.0.push(0),
            Some(s) => {
                self.0.push(1);
                self.str(s.as_ref());
            }
        }
    }
    fn opt_id(&mut self, id: Option<NcId>) {
        self.u32(id.map_or(u32::MAX, |i| i.0));
    }
    fn base(&mut self, b: BaseType) {
        let tag = match b {
            BaseType::Integer(k) => 100 + INT_KINDS.iter().position(|x| *x == k).unwrap_or(0),
            other => BASES.iter().position(|x| *x == other).unwrap_or(0),
        };
        self.len(tag);
    }
    /// `dx:since`: absent, or the version, the driver it came to first and the element it is
    /// restricted to.
    fn since(&mut self, s: &Option<Since>) {
        self.opt(&s.as_ref().map(|s| s.version.clone()));
        self.opt(&s.as_ref().and_then(|s| s.driver.clone()));
        self.opt(&s.as_ref().and_then(|s| s.under.clone()));
    }
    fn location(&mut self, l: &Location) {
        self.str(&l.file);
        self.u32(l.line);
    }
}

/// The catalogue as bytes for [`from_bytes`].
pub fn to_bytes(cat: &Catalogue) -> Vec<u8> {
    let mut w = W(MAGIC.to_vec());
    w.len(cat.arena.nodes.len());
    for (node, nullable) in cat.arena.nodes.iter().zip(&cat.arena.nullable) {
        w.0.push(u8::from(*nullable));
        match *node {
            Node::NotAllowed => w.0.push(0),
            Node::Empty => w.0.push(1),
            Node::Text => w.0.push(2),
            Node::Choice(a, b) => pair(&mut w, 3, a.0, b.0),
            Node::Interleave(a, b) => pair(&mut w, 4, a.0, b.0),
            Node::Group(a, b) => pair(&mut w, 5, a.0, b.0),
            Node::OneOrMore(a) => one(&mut w, 6, a.0),
            Node::List(a) => one(&mut w, 7, a.0),
            Node::Data(d) => one(&mut w, 8, d.0),
            Node::DataExcept(d, p) => pair(&mut w, 9, d.0, p.0),
            Node::Value(v) => one(&mut w, 10, v.0),
            Node::Attribute(n, p, a) => {
                pair(&mut w, 11, n.0, p.0);
                w.u32(a.0);
            }
            Node::Element(e) => one(&mut w, 12, e.0),
            Node::After(a, b) => pair(&mut w, 13, a.0, b.0),
        }
    }
    w.len(cat.names.len());
    for i in 0..cat.names.len() {
        w.str(cat.names.get(crate::intern::Sym(i as u32)));
    }
    w.len(cat.name_classes.len());
    for i in 0..cat.name_classes.len() {
        match cat.name_classes.get(NcId(i as u32)) {
            NameClass::Name { ns, local } => pair(&mut w, 0, ns.0, local.0),
            NameClass::AnyName { except } => {
                w.0.push(1);
                w.opt_id(*except);
            }
            NameClass::NsName { ns, except } => {
                one(&mut w, 2, ns.0);
                w.opt_id(*except);
            }
            NameClass::Choice(a, b) => pair(&mut w, 3, a.0, b.0),
        }
    }
    w.len(cat.datatypes.len());
    for d in &cat.datatypes {
        w.base(d.base);
        w.opt(&d.label);
        w.len(d.facets.len());
        for f in &d.facets {
            let (name, value) = facet_param(f);
            w.str(name);
            w.str(&value);
            // Stored translated: translating again was a tenth of loading the catalogue.
            if let Facet::Pattern { regex, .. } = f {
                w.str(regex.translated());
            }
        }
    }
    w.len(cat.elements.len());
    for e in &cat.elements {
        w.u32(e.name.0);
        w.u32(e.content.0);
        w.opt(&e.doc);
        w.since(&e.since);
        w.location(&e.location);
    }
    w.len(cat.attributes.len());
    for a in &cat.attributes {
        w.u32(a.name.0);
        w.opt(&a.doc);
        w.opt(&a.default);
        w.since(&a.since);
        w.location(&a.location);
    }
    w.len(cat.values.len());
    for v in &cat.values {
        w.base(v.base);
        w.str(&v.raw);
        w.str(&v.normalized);
        w.opt(&v.doc);
        w.since(&v.since);
    }
    w.u32(cat.start.0);
    w.str(&cat.entry);
    let mut branches: Vec<_> = cat.interleave_branches.iter().collect();
    branches.sort_by_key(|(p, _)| **p);
    w.len(branches.len());
    for (p, list) in branches {
        w.u32(p.0);
        w.len(list.len());
        for b in list.iter() {
            w.u32(b.0);
        }
    }
    let sum = checksum(&w.0);
    w.0.extend_from_slice(&sum.to_le_bytes());
    w.0
}

fn one(w: &mut W, tag: u8, a: u32) {
    w.0.push(tag);
    w.u32(a);
}

fn pair(w: &mut W, tag: u8, a: u32, b: u32) {
    one(w, tag, a);
    w.u32(b);
}

/// The `<param>` a facet was compiled from (numbers print back exactly).
fn facet_param(f: &Facet) -> (&'static str, String) {
    match f {
        Facet::Pattern { source, .. } => ("pattern", source.clone()),
        Facet::Length(n) => ("length", n.to_string()),
        Facet::MinLength(n) => ("minLength", n.to_string()),
        Facet::MaxLength(n) => ("maxLength", n.to_string()),
        Facet::MinInclusive(n) => ("minInclusive", n.to_string()),
        Facet::MaxInclusive(n) => ("maxInclusive", n.to_string()),
        Facet::MinExclusive(n) => ("minExclusive", n.to_string()),
        Facet::MaxExclusive(n) => ("maxExclusive", n.to_string()),
    }
}

struct R<'b> {
    bytes: &'b [u8],
    at: usize,
    /// The same bytes when they live for the whole program (the precompiled catalogue):
    /// texts then borrow them instead of being copied.
    forever: Option<&'static [u8]>,
}

type Res<T> = Result<T, String>;

impl<'b> R<'b> {
    fn take(&mut self, n: usize) -> Res<&'b [u8]> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or_else(|| "truncated".to_owned())?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u8(&mut self) -> Res<u8> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Res<u32> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn len(&mut self) -> Res<usize> {
        let n = self.u32()? as usize;
        // No count can exceed the bytes left: a corrupt count must not allocate gigabytes.
        if n > self.bytes.len() - self.at {
            return Err("corrupt count".to_owned());
        }
        Ok(n)
    }
    fn str(&mut self) -> Res<String> {
        let n = self.len()?;
        std::str::from_utf8(self.take(n)?)
            .map(str::to_owned)
            .map_err(|_| "corrupt string".to_owned())
    }
    /// A text, borrowed from bytes that live forever, else copied.
    fn text(&mut self) -> Res<Text> {
        let n = self.len()?;
        let start = self.at;
        let bytes = self.take(n)?;
        let text = match self.forever {
            Some(all) => std::str::from_utf8(&all[start..start + n]).map(Text::Borrowed),
            None => std::str::from_utf8(bytes).map(|s| Text::Owned(s.to_owned())),
        };
        text.map_err(|_| "corrupt string".to_owned())
    }
    fn opt_text(&mut self) -> Res<Option<Text>> {
        match self.u8()? {
            0 => Ok(None),
            _ => Ok(Some(self.text()?)),
        }
    }
    fn opt(&mut self) -> Res<Option<String>> {
        match self.u8()? {
            0 => Ok(None),
            _ => Ok(Some(self.str()?)),
        }
    }
    fn opt_id(&mut self) -> Res<Option<NcId>> {
        let v = self.u32()?;
        Ok((v != u32::MAX).then_some(NcId(v)))
    }
    fn base(&mut self) -> Res<BaseType> {
        let tag = self.u32()? as usize;
        let base = if tag >= 100 {
            INT_KINDS.get(tag - 100).map(|k| BaseType::Integer(*k))
        } else {
            BASES.get(tag).copied()
        };
        base.ok_or_else(|| "corrupt datatype".to_owned())
    }
    fn since(&mut self) -> Res<Option<Since>> {
        let version = self.opt()?;
        let driver = self.opt()?;
        let under = self.opt()?;
        Ok(version.map(|version| Since {
            version,
            driver,
            under,
        }))
    }
    fn location(&mut self) -> Res<Location> {
        Ok(Location {
            file: self.text()?,
            line: self.u32()?,
        })
    }
}

/// A catalogue from [`to_bytes`]'s output; an error for anything else.
pub fn from_bytes(bytes: &[u8]) -> Result<Catalogue, String> {
    read(bytes, None)
}

/// [`from_bytes`] for bytes that live as long as the program (the catalogue compiled into the
/// binary): its documentation and file names are borrowed, not copied.
pub fn from_static_bytes(bytes: &'static [u8]) -> Result<Catalogue, String> {
    read(bytes, Some(bytes))
}

fn read(bytes: &[u8], forever: Option<&'static [u8]>) -> Result<Catalogue, String> {
    let body_len = bytes
        .len()
        .checked_sub(8)
        .ok_or_else(|| "truncated".to_owned())?;
    let (body, sum) = bytes.split_at(body_len);
    let mut s = [0u8; 8];
    s.copy_from_slice(sum);
    if u64::from_le_bytes(s) != checksum(body) {
        return Err("checksum mismatch".to_owned());
    }
    let payload = body
        .strip_prefix(MAGIC)
        .ok_or_else(|| "not a catalogue of this version".to_owned())?;
    // The payload's place in the everlasting bytes.
    let forever = forever.map(|all| &all[MAGIC.len()..MAGIC.len() + payload.len()]);
    let mut r = R {
        bytes: payload,
        at: 0,
        forever,
    };
    let nodes = r.len()?;
    let mut arena = Arena::default();
    // Sized once: growing the hash index step by step rehashed every node several times.
    arena.nodes.reserve(nodes);
    arena.nullable.reserve(nodes);
    arena.index.reserve(nodes);
    for _ in 0..nodes {
        let nullable = r.u8()? != 0;
        let tag = r.u8()?;
        let mut p = || r.u32().map(Pat);
        let node = match tag {
            0 => Node::NotAllowed,
            1 => Node::Empty,
            2 => Node::Text,
            3 => Node::Choice(p()?, p()?),
            4 => Node::Interleave(p()?, p()?),
            5 => Node::Group(p()?, p()?),
            6 => Node::OneOrMore(p()?),
            7 => Node::List(p()?),
            8 => Node::Data(DtId(r.u32()?)),
            9 => Node::DataExcept(DtId(r.u32()?), Pat(r.u32()?)),
            10 => Node::Value(ValueId(r.u32()?)),
            11 => Node::Attribute(NcId(r.u32()?), Pat(r.u32()?), AttrId(r.u32()?)),
            12 => Node::Element(ElemId(r.u32()?)),
            13 => Node::After(p()?, p()?),
            _ => return Err("corrupt pattern".to_owned()),
        };
        arena.push(node, nullable);
    }
    let mut names = Interner::default();
    let count = r.len()?;
    names.reserve(count);
    for _ in 0..count {
        names.intern(&r.str()?);
    }
    let mut name_classes = NameClasses::default();
    let count = r.len()?;
    name_classes.reserve(count);
    for _ in 0..count {
        let nc = match r.u8()? {
            0 => NameClass::Name {
                ns: crate::intern::Sym(r.u32()?),
                local: crate::intern::Sym(r.u32()?),
            },
            1 => NameClass::AnyName {
                except: r.opt_id()?,
            },
            2 => NameClass::NsName {
                ns: crate::intern::Sym(r.u32()?),
                except: r.opt_id()?,
            },
            3 => NameClass::Choice(NcId(r.u32()?), NcId(r.u32()?)),
            _ => return Err("corrupt name class".to_owned()),
        };
        name_classes.add(nc);
    }
    let mut datatypes = Vec::new();
    for _ in 0..r.len()? {
        let mut d = Datatype::new(r.base()?);
        d.label = r.opt()?;
        for _ in 0..r.len()? {
            let name = r.str()?;
            let value = r.str()?;
            if name == "pattern" {
                d.facets.push(Facet::Pattern {
                    source: value,
                    regex: LazyRegex::new(r.str()?),
                });
            } else {
                d.add_param(&name, &value)?;
            }
        }
        datatypes.push(d);
    }
    let mut elements = Vec::new();
    for _ in 0..r.len()? {
        elements.push(ElementDef {
            name: NcId(r.u32()?),
            content: Pat(r.u32()?),
            doc: r.opt_text()?,
            since: r.since()?,
            location: r.location()?,
        });
    }
    let mut attributes = Vec::new();
    for _ in 0..r.len()? {
        attributes.push(AttributeDef {
            name: NcId(r.u32()?),
            doc: r.opt_text()?,
            default: r.opt()?,
            since: r.since()?,
            location: r.location()?,
        });
    }
    let mut values = Vec::new();
    for _ in 0..r.len()? {
        values.push(ValueDef {
            base: r.base()?,
            raw: r.str()?,
            normalized: r.str()?,
            doc: r.opt_text()?,
            since: r.since()?,
        });
    }
    let start = Pat(r.u32()?);
    let entry = r.str()?;
    let mut interleave_branches = rustc_hash::FxHashMap::default();
    for _ in 0..r.len()? {
        let p = Pat(r.u32()?);
        let list: Res<Vec<Pat>> = (0..r.len()?).map(|_| r.u32().map(Pat)).collect();
        interleave_branches.insert(p, list?.into_boxed_slice());
    }
    if r.at != payload.len() {
        return Err("trailing bytes".to_owned());
    }
    let cat = Catalogue {
        arena,
        names,
        name_classes,
        datatypes,
        elements,
        attributes,
        values,
        start,
        entry,
        parents: std::sync::OnceLock::new(),
        sessions: Default::default(),
        interleave_branches,
        order_memo: Default::default(),
    };
    check_references(&cat)?;
    Ok(cat)
}

/// Every id in the catalogue points inside its table, so no lookup can index out of bounds.
fn check_references(cat: &Catalogue) -> Res<()> {
    let pats = cat.arena.nodes.len() as u32;
    let ok_pat = |p: Pat| p.0 < pats;
    let ok_nc = |n: NcId| (n.0 as usize) < cat.name_classes.len();
    let fits = cat.arena.nodes.iter().all(|n| match *n {
        Node::NotAllowed | Node::Empty | Node::Text => true,
        Node::Choice(a, b) | Node::Interleave(a, b) | Node::Group(a, b) | Node::After(a, b) => {
            ok_pat(a) && ok_pat(b)
        }
        Node::OneOrMore(a) | Node::List(a) => ok_pat(a),
        Node::Data(d) => (d.0 as usize) < cat.datatypes.len(),
        Node::DataExcept(d, p) => (d.0 as usize) < cat.datatypes.len() && ok_pat(p),
        Node::Value(v) => (v.0 as usize) < cat.values.len(),
        Node::Attribute(n, p, a) => ok_nc(n) && ok_pat(p) && (a.0 as usize) < cat.attributes.len(),
        Node::Element(e) => (e.0 as usize) < cat.elements.len(),
    });
    let syms = cat.names.len() as u32;
    let classes = (0..cat.name_classes.len()).all(|i| match cat.name_classes.get(NcId(i as u32)) {
        NameClass::Name { ns, local } => ns.0 < syms && local.0 < syms,
        NameClass::AnyName { except } => except.is_none_or(ok_nc),
        NameClass::NsName { ns, except } => ns.0 < syms && except.is_none_or(ok_nc),
        NameClass::Choice(a, b) => ok_nc(*a) && ok_nc(*b),
    });
    let defs = cat
        .elements
        .iter()
        .all(|e| ok_nc(e.name) && ok_pat(e.content))
        && cat.attributes.iter().all(|a| ok_nc(a.name))
        && ok_pat(cat.start)
        && cat
            .interleave_branches
            .iter()
            .all(|(p, l)| ok_pat(*p) && l.iter().all(|b| ok_pat(*b)));
    if fits && classes && defs && pats >= 3 {
        Ok(())
    } else {
        Err("corrupt reference".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemoryFiles;

    const SCHEMA: &str = r#"<grammar xmlns="http://relaxng.org/ns/structure/1.0"
        datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes">
      <start><element name="domain"><attribute name="type"><choice><value>kvm</value><value>qemu</value></choice></attribute>
        <interleave>
          <element name="name"><data type="string"><param name="pattern">[a-z]+</param></data></element>
          <optional><element name="memory"><data type="unsignedInt"><param name="maxInclusive">1024</param></data></element></optional>
          <zeroOrMore><element><anyName/><text/></element></zeroOrMore>
        </interleave></element></start></grammar>"#;

    fn compiled() -> Catalogue {
        crate::compile(&MemoryFiles(vec![("s.rng".into(), SCHEMA.into())]), "s.rng")
            .expect("compiles")
    }

    fn verdicts(cat: &Catalogue, doc: &str) -> Vec<String> {
        let parse = domxml_syntax::parse(doc);
        crate::validate(cat, &parse.document())
            .into_iter()
            .map(|d| format!("{:?} {:?} {}", d.range, d.code, d.message))
            .collect()
    }

    #[test]
    fn a_loaded_catalogue_validates_like_the_compiled_one() {
        let cat = compiled();
        let bytes = to_bytes(&cat);
        let loaded = from_bytes(&bytes).expect("loads");
        assert_eq!(to_bytes(&loaded), bytes);
        for doc in [
            "<domain type='kvm'><name>a</name><memory>5</memory></domain>",
            "<domain type='xen'><name>A1</name><memory>5000</memory><x/></domain>",
            "<domain><memory>1</memory></domain>",
        ] {
            assert_eq!(verdicts(&loaded, doc), verdicts(&cat, doc), "{doc}");
        }
    }

    #[test]
    fn releases_keep_their_driver_and_restriction_through_bytes() {
        let schema = r#"<grammar xmlns="http://relaxng.org/ns/structure/1.0"
            xmlns:dx="urn:x-domxml:annotations">
          <start><element name="disk" dx:since="0.0.3"><attribute name="type">
            <choice><value dx:since="0.8.7" dx:sinceUnder="disk">network</value>
              <value dx:since="6.0.0" dx:sinceDriver="QEMU" dx:sinceUnder=" disk/source ">nvme</value>
            </choice></attribute></element></start></grammar>"#;
        let cat = crate::compile(&MemoryFiles(vec![("s.rng".into(), schema.into())]), "s.rng")
            .expect("compiles");
        let releases = |cat: &Catalogue| {
            cat.releases()
                .map(|s| (s.version.clone(), s.driver.clone(), s.under.clone()))
                .collect::<Vec<_>>()
        };
        let owned = |s: &str| Some(s.to_owned());
        let compiled = releases(&cat);
        assert_eq!(
            compiled,
            vec![
                ("0.0.3".to_owned(), None, None),
                ("0.8.7".to_owned(), None, owned("disk")),
                ("6.0.0".to_owned(), owned("QEMU"), owned("disk/source")),
            ]
        );
        let loaded = from_bytes(&to_bytes(&cat)).expect("loads");
        assert_eq!(releases(&loaded), compiled);
    }

    #[test]
    fn damaged_bytes_are_refused_not_loaded() {
        let bytes = to_bytes(&compiled());
        for cut in [0, 1, 10, bytes.len() / 2, bytes.len() - 1] {
            assert!(from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut flipped = bytes.clone();
        flipped[bytes.len() / 2] ^= 0x40;
        assert!(from_bytes(&flipped).is_err());
        let mut other = bytes.clone();
        other[MAGIC.len() - 2] ^= 1;
        assert!(from_bytes(&other).is_err());
    }
}
