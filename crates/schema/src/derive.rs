//! James Clark's derivative algorithm for RELAX NG validation, over a session arena stacked on
//! the immutable catalogue. Every derivative is memoized by pattern id, and the session can be
//! reused across documents so later documents mostly hit the memo tables. The `forgiving_*`
//! variants are error recovery: they pretend the offending input was right so validation can
//! go on and report further problems.

use std::collections::HashMap;

use crate::catalogue::Catalogue;
use crate::datatype::values_equal;
use crate::pattern::{self as p, Arena, Node, Pat, Store, node_nullable};

/// A qualified name of the document, interned per session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NameKey(pub u32);

/// What `apply_after` does to the second half of each `After`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum AfterOp {
    /// x -> group(x, p)
    GroupWith(Pat),
    /// x -> interleave(x, p)
    InterleaveWith(Pat),
    /// x -> after(x, p)
    AfterWith(Pat),
}

/// Derivative state shared by the documents validated with one catalogue.
pub struct Session<'c> {
    pub(crate) cat: &'c Catalogue,
    local: Arena,
    names: HashMap<(String, String), NameKey>,
    name_strings: Vec<(String, String)>,
    open: HashMap<(Pat, NameKey), Pat>,
    open_any: HashMap<Pat, Pat>,
    attr: HashMap<(Pat, NameKey, String), Pat>,
    attr_any_value: HashMap<(Pat, NameKey), Pat>,
    close: HashMap<Pat, Pat>,
    close_forgiving: HashMap<Pat, Pat>,
    end: HashMap<Pat, Pat>,
    text: HashMap<(Pat, String), Pat>,
    after: HashMap<(Pat, AfterOp), Pat>,
}

impl Store for Session<'_> {
    fn node(&self, p: Pat) -> Node {
        if (p.0 as usize) < self.cat.arena.len() {
            self.cat.arena.node(p)
        } else {
            self.local.node(p)
        }
    }

    fn nullable(&self, p: Pat) -> bool {
        if (p.0 as usize) < self.cat.arena.len() {
            self.cat.arena.nullable(p)
        } else {
            self.local.nullable(p)
        }
    }

    fn intern(&mut self, node: Node) -> Pat {
        if let Some(p) = self.cat.arena.lookup(&node) {
            return p;
        }
        if let Some(p) = self.local.lookup(&node) {
            return p;
        }
        let nullable = node_nullable(self, &node);
        self.local.push(node, nullable)
    }

    fn element_content(&self, id: crate::pattern::ElemId) -> Option<Pat> {
        Some(self.cat.element(id).content)
    }
}

impl<'c> Session<'c> {
    pub fn new(cat: &'c Catalogue) -> Session<'c> {
        Session {
            cat,
            local: Arena::overlay(cat.arena.len() as u32),
            names: HashMap::new(),
            name_strings: Vec::new(),
            open: HashMap::new(),
            open_any: HashMap::new(),
            attr: HashMap::new(),
            attr_any_value: HashMap::new(),
            close: HashMap::new(),
            close_forgiving: HashMap::new(),
            end: HashMap::new(),
            text: HashMap::new(),
            after: HashMap::new(),
        }
    }

    /// Drops memo tables when a long-lived session grew too large.
    pub fn trim(&mut self) {
        if self.local.len() > 2_000_000 {
            *self = Session::new(self.cat);
        }
    }

    pub fn name_key(&mut self, ns: &str, local: &str) -> NameKey {
        if let Some(k) = self.names.get(&(ns.to_owned(), local.to_owned())) {
            return *k;
        }
        let k = NameKey(self.name_strings.len() as u32);
        self.name_strings.push((ns.to_owned(), local.to_owned()));
        self.names.insert((ns.to_owned(), local.to_owned()), k);
        k
    }

    pub fn name_of(&self, k: NameKey) -> (&str, &str) {
        let (ns, local) = &self.name_strings[k.0 as usize];
        (ns, local)
    }

    fn matches(&self, nc: crate::name_class::NcId, k: NameKey) -> bool {
        let (ns, local) = self.name_of(k);
        self.cat.name_matches(nc, ns, local)
    }

    fn apply_after(&mut self, op: AfterOp, pat: Pat) -> Pat {
        if let Some(r) = self.after.get(&(pat, op)) {
            return *r;
        }
        let r = match self.node(pat) {
            Node::After(a, b) => {
                let b2 = match op {
                    AfterOp::GroupWith(x) => p::group(self, b, x),
                    AfterOp::InterleaveWith(x) => p::interleave(self, b, x),
                    AfterOp::AfterWith(x) => p::after(self, b, x),
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
        self.after.insert((pat, op), r);
        r
    }

    /// Derivative for a start tag `<name`: a choice of `After(content, rest)`.
    pub fn start_tag_open(&mut self, pat: Pat, name: NameKey) -> Pat {
        self.start_tag_open_impl(pat, Some(name))
    }

    /// Like `start_tag_open` but for every element name at once (recovery of unknown content).
    fn start_tag_open_impl(&mut self, pat: Pat, name: Option<NameKey>) -> Pat {
        if let Some(name) = name {
            if let Some(r) = self.open.get(&(pat, name)) {
                return *r;
            }
        } else if let Some(r) = self.open_any.get(&pat) {
            return *r;
        }
        let r = match self.node(pat) {
            Node::Element(id) => {
                let def = self.cat.element(id);
                if name.is_none_or(|n| self.matches(def.name, n)) {
                    p::after(self, def.content, Pat::EMPTY)
                } else {
                    Pat::NOT_ALLOWED
                }
            }
            Node::Choice(a, b) => {
                let a2 = self.start_tag_open_impl(a, name);
                let b2 = self.start_tag_open_impl(b, name);
                p::choice(self, a2, b2)
            }
            Node::Interleave(a, b) => {
                let da = self.start_tag_open_impl(a, name);
                let x = self.apply_after(AfterOp::InterleaveWith(b), da);
                let db = self.start_tag_open_impl(b, name);
                let y = self.apply_after(AfterOp::InterleaveWith(a), db);
                p::choice(self, x, y)
            }
            Node::OneOrMore(a) => {
                let da = self.start_tag_open_impl(a, name);
                let rest = p::zero_or_more(self, a);
                self.apply_after(AfterOp::GroupWith(rest), da)
            }
            Node::Group(a, b) => {
                let da = self.start_tag_open_impl(a, name);
                let x = self.apply_after(AfterOp::GroupWith(b), da);
                if self.nullable(a) {
                    let db = self.start_tag_open_impl(b, name);
                    p::choice(self, x, db)
                } else {
                    x
                }
            }
            Node::After(a, b) => {
                let da = self.start_tag_open_impl(a, name);
                self.apply_after(AfterOp::AfterWith(b), da)
            }
            _ => Pat::NOT_ALLOWED,
        };
        match name {
            Some(name) => self.open.insert((pat, name), r),
            None => self.open_any.insert(pat, r),
        };
        r
    }

    /// Derivative for an attribute `name="value"`.
    pub fn attribute(&mut self, pat: Pat, name: NameKey, value: &str) -> Pat {
        let key = (pat, name, value.to_owned());
        if let Some(r) = self.attr.get(&key) {
            return *r;
        }
        let r = self.attribute_impl(pat, name, Some(value));
        self.attr.insert(key, r);
        r
    }

    /// Recovery: the attribute's name is right but its value is not; accept any value.
    pub fn attribute_any_value(&mut self, pat: Pat, name: NameKey) -> Pat {
        if let Some(r) = self.attr_any_value.get(&(pat, name)) {
            return *r;
        }
        let r = self.attribute_impl(pat, name, None);
        self.attr_any_value.insert((pat, name), r);
        r
    }

    fn attribute_impl(&mut self, pat: Pat, name: NameKey, value: Option<&str>) -> Pat {
        match self.node(pat) {
            Node::After(a, b) => {
                let da = self.attribute_impl(a, name, value);
                p::after(self, da, b)
            }
            Node::Choice(a, b) => {
                let da = self.attribute_impl(a, name, value);
                let db = self.attribute_impl(b, name, value);
                p::choice(self, da, db)
            }
            Node::Group(a, b) => {
                let da = self.attribute_impl(a, name, value);
                let x = p::group(self, da, b);
                let db = self.attribute_impl(b, name, value);
                let y = p::group(self, a, db);
                p::choice(self, x, y)
            }
            Node::Interleave(a, b) => {
                let da = self.attribute_impl(a, name, value);
                let x = p::interleave(self, da, b);
                let db = self.attribute_impl(b, name, value);
                let y = p::interleave(self, a, db);
                p::choice(self, x, y)
            }
            Node::OneOrMore(a) => {
                let da = self.attribute_impl(a, name, value);
                let rest = p::zero_or_more(self, a);
                p::group(self, da, rest)
            }
            Node::Attribute(nc, content, _) => {
                if !self.matches(nc, name) {
                    return Pat::NOT_ALLOWED;
                }
                match value {
                    None => Pat::EMPTY,
                    Some(v) if self.value_matches(content, v) => Pat::EMPTY,
                    Some(_) => Pat::NOT_ALLOWED,
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
            &self.close_forgiving
        } else {
            &self.close
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
            self.close_forgiving.insert(pat, r);
        } else {
            self.close.insert(pat, r);
        }
        r
    }

    /// Derivative for a text chunk.
    pub fn text(&mut self, pat: Pat, s: &str) -> Pat {
        if pat == Pat::NOT_ALLOWED {
            return pat;
        }
        let key = (pat, s.to_owned());
        if let Some(r) = self.text.get(&key) {
            return *r;
        }
        let r = self.text_impl(pat, s, false);
        self.text.insert(key, r);
        r
    }

    /// Recovery: any text is accepted where data or values are expected.
    pub fn text_forgiving(&mut self, pat: Pat) -> Pat {
        self.text_impl(pat, "", true)
    }

    fn text_impl(&mut self, pat: Pat, s: &str, forgiving: bool) -> Pat {
        match self.node(pat) {
            Node::Choice(a, b) => {
                let da = self.text_impl(a, s, forgiving);
                let db = self.text_impl(b, s, forgiving);
                p::choice(self, da, db)
            }
            Node::Interleave(a, b) => {
                let da = self.text_impl(a, s, forgiving);
                let x = p::interleave(self, da, b);
                let db = self.text_impl(b, s, forgiving);
                let y = p::interleave(self, a, db);
                p::choice(self, x, y)
            }
            Node::Group(a, b) => {
                let da = self.text_impl(a, s, forgiving);
                let x = p::group(self, da, b);
                if self.nullable(a) {
                    let db = self.text_impl(b, s, forgiving);
                    p::choice(self, x, db)
                } else {
                    x
                }
            }
            Node::After(a, b) => {
                let da = self.text_impl(a, s, forgiving);
                p::after(self, da, b)
            }
            Node::OneOrMore(a) => {
                let da = self.text_impl(a, s, forgiving);
                let rest = p::zero_or_more(self, a);
                p::group(self, da, rest)
            }
            Node::Text => Pat::TEXT,
            Node::Value(v) => {
                let def = self.cat.value(v);
                if forgiving || values_equal(def.base, &def.normalized, s) {
                    Pat::EMPTY
                } else {
                    Pat::NOT_ALLOWED
                }
            }
            Node::Data(dt) => {
                if forgiving || self.cat.datatype(dt).allows(s) {
                    Pat::EMPTY
                } else {
                    Pat::NOT_ALLOWED
                }
            }
            Node::DataExcept(dt, except) => {
                if forgiving {
                    return Pat::EMPTY;
                }
                let allowed = self.cat.datatype(dt).allows(s) && {
                    let d = self.text_impl(except, s, false);
                    !self.nullable(d)
                };
                if allowed {
                    Pat::EMPTY
                } else {
                    Pat::NOT_ALLOWED
                }
            }
            Node::List(inner) => {
                if forgiving {
                    return Pat::EMPTY;
                }
                let mut d = inner;
                for token in s.split([' ', '\t', '\n', '\r']).filter(|t| !t.is_empty()) {
                    d = self.text_impl(d, token, false);
                    if d == Pat::NOT_ALLOWED {
                        break;
                    }
                }
                if self.nullable(d) {
                    Pat::EMPTY
                } else {
                    Pat::NOT_ALLOWED
                }
            }
            _ => Pat::NOT_ALLOWED,
        }
    }

    /// Derivative for an end tag.
    pub fn end_tag(&mut self, pat: Pat) -> Pat {
        if let Some(r) = self.end.get(&pat) {
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
        self.end.insert(pat, r);
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

pub fn is_whitespace(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}
