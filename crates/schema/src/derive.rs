//! James Clark's derivative algorithm for RELAX NG validation, over a session arena stacked on
//! the immutable catalogue. Every derivative is memoized by pattern id. Session state (arena and
//! memo tables) is pooled inside the catalogue, so later documents mostly hit the memo tables.
//!
//! Attribute values and text only influence a derivative through which value/data leaves they
//! match, so those derivatives are memoized on (state, set of matching leaves) rather than on
//! the string: a UUID seen once still reuses the derivative computed for every other UUID.
//!
//! The `forgiving` variants are error recovery: they pretend the offending input was right so
//! validation can go on and report further problems.

use std::sync::Arc;

use crate::catalogue::Catalogue;
use crate::datatype::values_equal;
use rustc_hash::FxHashMap;

/// Hash of a string, for memo keys that must not allocate.
fn hash_str(s: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(s)
}
use crate::name_class::NcId;
use crate::pattern::{self as p, Arena, Node, Pat, Store, node_nullable};

/// A qualified name of the document, interned per session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NameKey(pub u32);

/// What `apply_after` does to the second half of each `After`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum AfterOp {
    /// x -> group(x, p)
    Group(Pat),
    /// x -> interleave(x, p)
    Interleave(Pat),
    /// x -> after(x, p)
    After(Pat),
}

/// Which of a state's leaves matched a string: up to `MAX_MATCHES` leaf indices, sorted.
/// More matches than that are not memoized (it does not happen with real schemas).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct MatchSet {
    len: u8,
    idx: [u16; MAX_MATCHES],
}

const MAX_MATCHES: usize = 6;
/// `MatchSet` meaning "every leaf matches" (forgiving recovery).
const ALL: MatchSet = MatchSet {
    len: u8::MAX,
    idx: [0; MAX_MATCHES],
};

impl MatchSet {
    fn contains(&self, i: usize) -> bool {
        self.len == u8::MAX || self.idx[..self.len as usize].contains(&(i as u16))
    }
}

/// The mutable part of a session: kept in the catalogue's pool between documents.
#[derive(Default)]
pub(crate) struct SessionState {
    local: Option<Arena>,
    names: FxHashMap<Box<str>, NameKey>,
    /// Names without a namespace (nearly all of a libvirt document), by local name alone.
    plain_names: FxHashMap<Box<str>, NameKey>,
    name_strings: Vec<(Box<str>, Box<str>)>,
    key_buf: String,
    open: FxHashMap<(Pat, NameKey), Pat>,
    attr_leaves: FxHashMap<(Pat, NameKey), Arc<[Pat]>>,
    attr: FxHashMap<(Pat, NameKey, MatchSet), Pat>,
    close: FxHashMap<Pat, Pat>,
    close_forgiving: FxHashMap<Pat, Pat>,
    end: FxHashMap<Pat, Pat>,
    text_leaves: FxHashMap<Pat, Arc<[Pat]>>,
    text: FxHashMap<(Pat, MatchSet), Pat>,
    /// Text derivatives by (state, hash of the string), the string kept to rule out collisions:
    /// values repeat a lot across documents ("yes", "virtio", "0x00").
    text_by_string: FxHashMap<(Pat, u64), (Box<str>, Pat)>,
    /// Attribute derivatives by (state, name, hash of the value), the value kept likewise.
    attr_by_string: FxHashMap<(Pat, NameKey, u64), (Box<str>, Pat)>,
    after: FxHashMap<(Pat, AfterOp), Pat>,
    /// Whole-element results (their states are this session's patterns).
    elements: crate::elem_cache::ElemCache,
    /// States between the children of long child lists, for queries.
    siblings: crate::sibling_states::SiblingCache,
}

/// Derivative computations against one catalogue.
pub struct Session<'c> {
    pub(crate) cat: &'c Catalogue,
    st: SessionState,
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        let st = std::mem::take(&mut self.st);
        self.cat.return_session_state(st);
    }
}

impl Store for Session<'_> {
    fn node(&self, p: Pat) -> Node {
        if (p.0 as usize) < self.cat.arena.len() {
            self.cat.arena.node(p)
        } else {
            self.local().node(p)
        }
    }

    fn nullable(&self, p: Pat) -> bool {
        if (p.0 as usize) < self.cat.arena.len() {
            self.cat.arena.nullable(p)
        } else {
            self.local().nullable(p)
        }
    }

    fn intern(&mut self, node: Node) -> Pat {
        if let Some(p) = self.cat.arena.lookup(&node) {
            return p;
        }
        if let Some(p) = self.local().lookup(&node) {
            return p;
        }
        let nullable = node_nullable(self, &node);
        self.local_mut().push(node, nullable)
    }

    fn element_content(&self, id: crate::pattern::ElemId) -> Option<Pat> {
        Some(self.cat.element(id).content)
    }
}

impl<'c> Session<'c> {
    pub fn new(cat: &'c Catalogue) -> Session<'c> {
        let mut st = cat.take_session_state();
        if st.local.is_none() {
            st.local = Some(Arena::overlay(cat.arena.len() as u32));
        }
        Session { cat, st }
    }

    fn local(&self) -> &Arena {
        self.st
            .local
            .as_ref()
            .expect("session arena exists from Session::new to drop")
    }

    fn local_mut(&mut self) -> &mut Arena {
        self.st
            .local
            .as_mut()
            .expect("session arena exists from Session::new to drop")
    }

    /// Drops memo tables when a long-lived session grew too large.
    pub fn trim(&mut self) {
        if self.local().len() > 1_000_000 {
            self.st = SessionState {
                local: Some(Arena::overlay(self.cat.arena.len() as u32)),
                ..SessionState::default()
            };
        }
    }

    /// Results of whole elements from earlier validations in this session state.
    pub(crate) fn elements(&mut self) -> &mut crate::elem_cache::ElemCache {
        &mut self.st.elements
    }

    /// Tables of states between siblings from earlier queries in this session state.
    pub(crate) fn siblings(&mut self) -> &mut crate::sibling_states::SiblingCache {
        &mut self.st.siblings
    }

    pub fn name_key(&mut self, ns: &str, local: &str) -> NameKey {
        if ns.is_empty() {
            if let Some(k) = self.st.plain_names.get(local) {
                return *k;
            }
            let k = NameKey(self.st.name_strings.len() as u32);
            self.st.name_strings.push(("".into(), local.into()));
            self.st.plain_names.insert(local.into(), k);
            return k;
        }
        let buf = &mut self.st.key_buf;
        buf.clear();
        buf.push_str(ns);
        buf.push('\u{1}');
        buf.push_str(local);
        if let Some(k) = self.st.names.get(buf.as_str()) {
            return *k;
        }
        let k = NameKey(self.st.name_strings.len() as u32);
        self.st.name_strings.push((ns.into(), local.into()));
        self.st.names.insert(buf.as_str().into(), k);
        k
    }

    pub fn name_of(&self, k: NameKey) -> (&str, &str) {
        let (ns, local) = &self.st.name_strings[k.0 as usize];
        (ns, local)
    }

    fn matches(&self, nc: NcId, k: NameKey) -> bool {
        let (ns, local) = self.name_of(k);
        self.cat.name_matches(nc, ns, local)
    }

    fn apply_after(&mut self, op: AfterOp, pat: Pat) -> Pat {
        if let Some(r) = self.st.after.get(&(pat, op)) {
            return *r;
        }
        let r = match self.node(pat) {
            Node::After(a, b) => {
                let b2 = match op {
                    AfterOp::Group(x) => p::group(self, b, x),
                    AfterOp::Interleave(x) => p::interleave(self, b, x),
                    AfterOp::After(x) => p::after(self, b, x),
                };
                p::after(self, a, b2)
            }
            Node::Choice(a, b) => {
                let a2 = self.apply_after(op, a);
                let b2 = self.apply_after(op, b);
                p::choice(self, a2, b2)
            }
            _ => Pat::NOT_ALLOWED,
        };
        self.st.after.insert((pat, op), r);
        r
    }

    /// Derivative for a start tag `<name`: a choice of `After(content, rest)`.
    pub fn start_tag_open(&mut self, pat: Pat, name: NameKey) -> Pat {
        if let Some(r) = self.st.open.get(&(pat, name)) {
            return *r;
        }
        // Leaves that cannot open the element are answered without a memo entry: a miss on
        // a big choice then inserts entries for its branches only, not for each of its leaves.
        match self.node(pat) {
            Node::Element(id) if !self.matches(self.cat.element(id).name, name) => {
                return Pat::NOT_ALLOWED;
            }
            Node::Element(_)
            | Node::Choice(..)
            | Node::Interleave(..)
            | Node::OneOrMore(_)
            | Node::Group(..)
            | Node::After(..) => {}
            _ => return Pat::NOT_ALLOWED,
        }
        let r = match self.node(pat) {
            Node::Element(id) => {
                let def = self.cat.element(id);
                if self.matches(def.name, name) {
                    p::after(self, def.content, Pat::EMPTY)
                } else {
                    Pat::NOT_ALLOWED
                }
            }
            Node::Choice(a, b) => {
                let a2 = self.start_tag_open(a, name);
                let b2 = self.start_tag_open(b, name);
                p::choice(self, a2, b2)
            }
            Node::Interleave(a, b) => {
                let da = self.start_tag_open(a, name);
                let x = self.apply_after(AfterOp::Interleave(b), da);
                let db = self.start_tag_open(b, name);
                let y = self.apply_after(AfterOp::Interleave(a), db);
                p::choice(self, x, y)
            }
            Node::OneOrMore(a) => {
                let da = self.start_tag_open(a, name);
                let rest = p::zero_or_more(self, a);
                self.apply_after(AfterOp::Group(rest), da)
            }
            Node::Group(a, b) => {
                let da = self.start_tag_open(a, name);
                let x = self.apply_after(AfterOp::Group(b), da);
                if self.nullable(a) {
                    let db = self.start_tag_open(b, name);
                    p::choice(self, x, db)
                } else {
                    x
                }
            }
            Node::After(a, b) => {
                let da = self.start_tag_open(a, name);
                self.apply_after(AfterOp::After(b), da)
            }
            _ => Pat::NOT_ALLOWED,
        };
        self.st.open.insert((pat, name), r);
        r
    }

    /// Contents of the attributes named `name` that `pat` may take now, sorted.
    fn attribute_leaves(&mut self, pat: Pat, name: NameKey) -> Arc<[Pat]> {
        if let Some(v) = self.st.attr_leaves.get(&(pat, name)) {
            return v.clone();
        }
        let mut out = Vec::new();
        let mut stack = vec![pat];
        let mut seen = rustc_hash::FxHashSet::default();
        while let Some(q) = stack.pop() {
            if !seen.insert(q) {
                continue;
            }
            match self.node(q) {
                Node::Attribute(nc, content, _) if self.matches(nc, name) => {
                    out.push(content);
                }
                Node::Choice(a, b) | Node::Group(a, b) | Node::Interleave(a, b) => {
                    stack.push(a);
                    stack.push(b);
                }
                Node::OneOrMore(a) | Node::After(a, _) => stack.push(a),
                _ => {}
            }
        }
        out.sort_unstable();
        out.dedup();
        let v: Arc<[Pat]> = out.into();
        self.st.attr_leaves.insert((pat, name), v.clone());
        v
    }

    /// Splits a state `After(content, rest)` (or a choice of them) so that memo tables are keyed
    /// on the element's content state, which recurs across documents, not on the whole state.
    fn split_after(&mut self, pat: Pat, f: &mut dyn FnMut(&mut Self, Pat) -> Pat) -> Option<Pat> {
        match self.node(pat) {
            Node::After(a, b) => {
                let da = f(self, a);
                Some(p::after(self, da, b))
            }
            Node::Choice(x, y)
                if matches!(self.node(x), Node::After(..) | Node::Choice(..))
                    && matches!(self.node(y), Node::After(..) | Node::Choice(..)) =>
            {
                let dx = self.split_after(x, f).unwrap_or_else(|| f(self, x));
                let dy = self.split_after(y, f).unwrap_or_else(|| f(self, y));
                Some(p::choice(self, dx, dy))
            }
            _ => None,
        }
    }

    /// Derivative for an attribute `name="value"`.
    pub fn attribute(&mut self, pat: Pat, name: NameKey, value: &str) -> Pat {
        if let Some(r) = self.split_after(pat, &mut |s, a| s.attribute(a, name, value)) {
            return r;
        }
        let key = (pat, name, hash_str(value));
        if let Some((seen, r)) = self.st.attr_by_string.get(&key)
            && **seen == *value
        {
            return *r;
        }
        let r = self.attribute_uncached(pat, name, value);
        if self.st.attr_by_string.len() > 500_000 {
            self.st.attr_by_string.clear();
        }
        self.st.attr_by_string.insert(key, (value.into(), r));
        r
    }

    fn attribute_uncached(&mut self, pat: Pat, name: NameKey, value: &str) -> Pat {
        let leaves = self.attribute_leaves(pat, name);
        if leaves.is_empty() {
            return Pat::NOT_ALLOWED;
        }
        let mut set = MatchSet {
            len: 0,
            idx: [0; MAX_MATCHES],
        };
        for (i, content) in leaves.iter().enumerate() {
            if self.value_matches(*content, value) {
                if set.len as usize == MAX_MATCHES {
                    let ok = match_flags(self, &leaves, value);
                    return self.attribute_impl(pat, name, &leaves, &ok);
                }
                set.idx[set.len as usize] = i as u16;
                set.len += 1;
            }
        }
        if set.len == 0 {
            return Pat::NOT_ALLOWED;
        }
        self.attribute_with(pat, name, &leaves, set)
    }

    /// Recovery: the attribute's name is right but its value is not; accept any value.
    pub fn attribute_any_value(&mut self, pat: Pat, name: NameKey) -> Pat {
        if let Some(r) = self.split_after(pat, &mut |s, a| s.attribute_any_value(a, name)) {
            return r;
        }
        let leaves = self.attribute_leaves(pat, name);
        if leaves.is_empty() {
            return Pat::NOT_ALLOWED;
        }
        self.attribute_with(pat, name, &leaves, ALL)
    }

    fn attribute_with(&mut self, pat: Pat, name: NameKey, leaves: &[Pat], set: MatchSet) -> Pat {
        if let Some(r) = self.st.attr.get(&(pat, name, set)) {
            return *r;
        }
        let ok: Vec<bool> = (0..leaves.len()).map(|i| set.contains(i)).collect();
        let r = self.attribute_impl(pat, name, leaves, &ok);
        self.st.attr.insert((pat, name, set), r);
        r
    }

    fn attribute_impl(&mut self, pat: Pat, name: NameKey, leaves: &[Pat], ok: &[bool]) -> Pat {
        match self.node(pat) {
            Node::After(a, b) => {
                let da = self.attribute_impl(a, name, leaves, ok);
                p::after(self, da, b)
            }
            Node::Choice(a, b) => {
                let da = self.attribute_impl(a, name, leaves, ok);
                let db = self.attribute_impl(b, name, leaves, ok);
                p::choice(self, da, db)
            }
            Node::Group(a, b) => {
                let da = self.attribute_impl(a, name, leaves, ok);
                let x = p::group(self, da, b);
                let db = self.attribute_impl(b, name, leaves, ok);
                let y = p::group(self, a, db);
                p::choice(self, x, y)
            }
            Node::Interleave(a, b) => {
                let da = self.attribute_impl(a, name, leaves, ok);
                let x = p::interleave(self, da, b);
                let db = self.attribute_impl(b, name, leaves, ok);
                let y = p::interleave(self, a, db);
                p::choice(self, x, y)
            }
            Node::OneOrMore(a) => {
                let da = self.attribute_impl(a, name, leaves, ok);
                let rest = p::zero_or_more(self, a);
                p::group(self, da, rest)
            }
            Node::Attribute(nc, content, _) => {
                if !self.matches(nc, name) {
                    return Pat::NOT_ALLOWED;
                }
                match leaves.binary_search(&content) {
                    Ok(i) if ok[i] => Pat::EMPTY,
                    _ => Pat::NOT_ALLOWED,
                }
            }
            _ => Pat::NOT_ALLOWED,
        }
    }

    /// Whether a whole string matches a content pattern (attribute values, text-only content).
    pub fn value_matches(&mut self, pat: Pat, value: &str) -> bool {
        let d = self.text(pat, value);
        self.nullable(d) || (is_whitespace(value) && self.nullable(pat))
    }

    /// Derivative for `>` closing a start tag: attributes still expected are missing.
    pub fn start_tag_close(&mut self, pat: Pat) -> Pat {
        self.close_impl(pat, false)
    }

    /// Recovery: treat every missing attribute as present.
    pub fn start_tag_close_forgiving(&mut self, pat: Pat) -> Pat {
        self.close_impl(pat, true)
    }

    fn close_impl(&mut self, pat: Pat, forgiving: bool) -> Pat {
        let memo = if forgiving {
            &self.st.close_forgiving
        } else {
            &self.st.close
        };
        if let Some(r) = memo.get(&pat) {
            return *r;
        }
        let r = match self.node(pat) {
            Node::After(a, b) => {
                let da = self.close_impl(a, forgiving);
                p::after(self, da, b)
            }
            Node::Choice(a, b) => {
                let da = self.close_impl(a, forgiving);
                let db = self.close_impl(b, forgiving);
                p::choice(self, da, db)
            }
            Node::Group(a, b) => {
                let da = self.close_impl(a, forgiving);
                let db = self.close_impl(b, forgiving);
                p::group(self, da, db)
            }
            Node::Interleave(a, b) => {
                let da = self.close_impl(a, forgiving);
                let db = self.close_impl(b, forgiving);
                p::interleave(self, da, db)
            }
            Node::OneOrMore(a) => {
                let da = self.close_impl(a, forgiving);
                p::one_or_more(self, da)
            }
            Node::Attribute(..) => {
                if forgiving {
                    Pat::EMPTY
                } else {
                    Pat::NOT_ALLOWED
                }
            }
            _ => pat,
        };
        if forgiving {
            self.st.close_forgiving.insert(pat, r);
        } else {
            self.st.close.insert(pat, r);
        }
        r
    }

    /// Value, data and list nodes that text may match next in `pat`, sorted.
    fn text_leaves(&mut self, pat: Pat) -> Arc<[Pat]> {
        if let Some(v) = self.st.text_leaves.get(&pat) {
            return v.clone();
        }
        let mut out = Vec::new();
        let mut stack = vec![pat];
        let mut seen = rustc_hash::FxHashSet::default();
        while let Some(q) = stack.pop() {
            if !seen.insert(q) {
                continue;
            }
            match self.node(q) {
                Node::Value(_) | Node::Data(_) | Node::DataExcept(..) | Node::List(_) => {
                    out.push(q)
                }
                Node::Choice(a, b) | Node::Interleave(a, b) => {
                    stack.push(a);
                    stack.push(b);
                }
                Node::Group(a, b) => {
                    stack.push(a);
                    if self.nullable(a) {
                        stack.push(b);
                    }
                }
                Node::OneOrMore(a) | Node::After(a, _) => stack.push(a),
                _ => {}
            }
        }
        out.sort_unstable();
        out.dedup();
        let v: Arc<[Pat]> = out.into();
        self.st.text_leaves.insert(pat, v.clone());
        v
    }

    /// Whether one value/data/list leaf accepts the whole string.
    fn leaf_matches(&mut self, leaf: Pat, s: &str) -> bool {
        match self.node(leaf) {
            Node::Value(v) => {
                let def = self.cat.value(v);
                values_equal(def.base, &def.normalized, s)
            }
            Node::Data(dt) => self.cat.datatype(dt).allows(s),
            Node::DataExcept(dt, except) => {
                self.cat.datatype(dt).allows(s) && {
                    let d = self.text(except, s);
                    !self.nullable(d)
                }
            }
            Node::List(inner) => {
                let mut d = inner;
                for token in s.split([' ', '\t', '\n', '\r']).filter(|t| !t.is_empty()) {
                    d = self.text(d, token);
                    if d == Pat::NOT_ALLOWED {
                        return false;
                    }
                }
                self.nullable(d)
            }
            _ => false,
        }
    }

    /// Derivative for a text chunk.
    pub fn text(&mut self, pat: Pat, s: &str) -> Pat {
        if pat == Pat::NOT_ALLOWED {
            return pat;
        }
        if let Some(r) = self.split_after(pat, &mut |st, a| st.text(a, s)) {
            return r;
        }
        let key = (pat, hash_str(s));
        if let Some((seen, r)) = self.st.text_by_string.get(&key)
            && **seen == *s
        {
            return *r;
        }
        let r = self.text_uncached(pat, s);
        if self.st.text_by_string.len() > 500_000 {
            self.st.text_by_string.clear();
        }
        self.st.text_by_string.insert(key, (s.into(), r));
        r
    }

    fn text_uncached(&mut self, pat: Pat, s: &str) -> Pat {
        let leaves = self.text_leaves(pat);
        let mut set = MatchSet {
            len: 0,
            idx: [0; MAX_MATCHES],
        };
        let mut overflow = false;
        for (i, leaf) in leaves.iter().enumerate() {
            if self.leaf_matches(*leaf, s) {
                if set.len as usize == MAX_MATCHES {
                    overflow = true;
                    break;
                }
                set.idx[set.len as usize] = i as u16;
                set.len += 1;
            }
        }
        if overflow {
            let ok: Vec<bool> = leaves.iter().map(|l| self.leaf_matches(*l, s)).collect();
            return self.text_impl(pat, &leaves, &ok);
        }
        self.text_with(pat, &leaves, set)
    }

    /// Recovery: any text is accepted where data or values are expected.
    pub fn text_forgiving(&mut self, pat: Pat) -> Pat {
        let leaves = self.text_leaves(pat);
        self.text_with(pat, &leaves, ALL)
    }

    fn text_with(&mut self, pat: Pat, leaves: &[Pat], set: MatchSet) -> Pat {
        if let Some(r) = self.st.text.get(&(pat, set)) {
            return *r;
        }
        let ok: Vec<bool> = (0..leaves.len()).map(|i| set.contains(i)).collect();
        let r = self.text_impl(pat, leaves, &ok);
        self.st.text.insert((pat, set), r);
        r
    }

    fn text_impl(&mut self, pat: Pat, leaves: &[Pat], ok: &[bool]) -> Pat {
        match self.node(pat) {
            Node::Choice(a, b) => {
                let da = self.text_impl(a, leaves, ok);
                let db = self.text_impl(b, leaves, ok);
                p::choice(self, da, db)
            }
            Node::Interleave(a, b) => {
                let da = self.text_impl(a, leaves, ok);
                let x = p::interleave(self, da, b);
                let db = self.text_impl(b, leaves, ok);
                let y = p::interleave(self, a, db);
                p::choice(self, x, y)
            }
            Node::Group(a, b) => {
                let da = self.text_impl(a, leaves, ok);
                let x = p::group(self, da, b);
                if self.nullable(a) {
                    let db = self.text_impl(b, leaves, ok);
                    p::choice(self, x, db)
                } else {
                    x
                }
            }
            Node::After(a, b) => {
                let da = self.text_impl(a, leaves, ok);
                p::after(self, da, b)
            }
            Node::OneOrMore(a) => {
                let da = self.text_impl(a, leaves, ok);
                let rest = p::zero_or_more(self, a);
                p::group(self, da, rest)
            }
            Node::Text => Pat::TEXT,
            Node::Value(_) | Node::Data(_) | Node::DataExcept(..) | Node::List(_) => {
                match leaves.binary_search(&pat) {
                    Ok(i) if ok[i] => Pat::EMPTY,
                    _ => Pat::NOT_ALLOWED,
                }
            }
            _ => Pat::NOT_ALLOWED,
        }
    }

    /// Derivative for an end tag.
    pub fn end_tag(&mut self, pat: Pat) -> Pat {
        if let Some(r) = self.st.end.get(&pat) {
            return *r;
        }
        let r = match self.node(pat) {
            Node::Choice(a, b) => {
                let da = self.end_tag(a);
                let db = self.end_tag(b);
                p::choice(self, da, db)
            }
            Node::After(a, b) => {
                if self.nullable(a) {
                    b
                } else {
                    Pat::NOT_ALLOWED
                }
            }
            _ => Pat::NOT_ALLOWED,
        };
        self.st.end.insert(pat, r);
        r
    }

    /// Recovery: leave the element whatever content is still missing.
    pub fn end_tag_forgiving(&mut self, pat: Pat) -> Pat {
        match self.node(pat) {
            Node::Choice(a, b) => {
                let da = self.end_tag_forgiving(a);
                let db = self.end_tag_forgiving(b);
                p::choice(self, da, db)
            }
            Node::After(_, b) => b,
            _ => Pat::NOT_ALLOWED,
        }
    }
}

/// Match flags for every leaf (the rare case of more matches than a `MatchSet` holds).
fn match_flags(s: &mut Session<'_>, leaves: &[Pat], value: &str) -> Vec<bool> {
    leaves.iter().map(|c| s.value_matches(*c, value)).collect()
}

pub fn is_whitespace(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

impl Catalogue {
    /// A pooled session state, or a fresh one.
    pub(crate) fn take_session_state(&self) -> SessionState {
        self.sessions.take().unwrap_or_default()
    }

    /// Returns a session state to the pool unless it grew too large or the pool is full.
    pub(crate) fn return_session_state(&self, st: SessionState) {
        if st.local.as_ref().is_some_and(|a| a.len() < 1_000_000) {
            self.sessions.put(st, 8);
        }
    }
}
