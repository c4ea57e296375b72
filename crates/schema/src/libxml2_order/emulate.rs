//! A replay of libxml2's (2.9.14, `relaxng.c`) tree validator on the child sequence of one
//! element, at the level of element names, to find the orders it rejects although RELAX NG
//! allows them.
//!
//! libxml2 validates an `<interleave>` by triage: each child goes to the first branch whose
//! top-level elements can match it, the children of one branch are chained by rewriting their
//! `next` pointers, and each branch is then validated on its own chain. When it is done, it
//! "repairs" the chain by walking `prev` pointers back from the last rewritten node, which
//! restores plain document order between its first and last node — including nodes of other
//! branches of an enclosing interleave, whose chains are thereby cut. A later branch of the
//! enclosing interleave then follows document order into foreign elements and fails with
//! "Extra element X in interleave". Triage also takes every remaining matching child at once,
//! so an interleave that repeats (`oneOrMore`) gets all of them in its first round.
//!
//! The replay models exactly those pointer rewrites on the element children and the state
//! sets of libxml2's choice/optional/zeroOrMore handling. Elements match by name only: it is
//! run on sequences the spec-conforming validator accepted, so each child is valid for its
//! definition.

use std::sync::Arc as Rc;

use crate::catalogue::Catalogue;
use crate::pattern::{ElemId, Node, Pat, Store};
use rustc_hash::FxHashMap;

/// No node (libxml2's NULL `next`).
const NONE: u32 = u32::MAX;

/// Work limit of one replay: beyond it the replay gives no verdict.
const BUDGET: u32 = 200_000;

/// One branch of an interleave as libxml2 partitions it.
struct Branch {
    rule: Pat,
    /// The elements the branch can contain outside of nested elements (libxml2's `defs`).
    elements: Vec<ElemId>,
}

/// An interleave's branches in schema order; `mixed` when one is a bare `<text/>`.
pub(crate) struct Partition {
    branches: Vec<Branch>,
    mixed: bool,
    /// The first branch of each explicit element name, and the elements with wildcard names.
    by_name: FxHashMap<(Box<str>, Box<str>), usize>,
    wildcards: Vec<(usize, ElemId)>,
}

impl Partition {
    /// The first branch that can contain an element named (`ns`, `local`).
    pub(crate) fn branch_of_name(&self, cat: &Catalogue, ns: &str, local: &str) -> Option<usize> {
        let named = self
            .by_name
            .get(&(Box::from(ns), Box::from(local)))
            .copied();
        let wild = self
            .wildcards
            .iter()
            .find(|(_, id)| cat.name_matches(cat.element(*id).name, ns, local))
            .map(|(i, _)| *i);
        match (named, wild) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// Memoized facts about catalogue patterns, kept by a validator across documents.
#[derive(Default)]
pub(crate) struct Memo {
    partitions: FxHashMap<Pat, Rc<Partition>>,
    has_interleave: FxHashMap<Pat, bool>,
    /// Verdicts by content patterns and child names: documents repeat the same sequences.
    verdicts: FxHashMap<VerdictKey, Option<Rejection>>,
}

/// Content patterns and the children's (namespace, local name).
type VerdictKey = (Vec<Pat>, Vec<(Box<str>, Box<str>)>);

/// Beyond this many remembered sequences the verdict memo starts over.
const MAX_VERDICTS: usize = 20_000;

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("libxml2_order::Memo")
    }
}

/// Where libxml2 gives up on a child sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rejection {
    /// The child libxml2 names ("Extra element X in interleave"), if it names one.
    pub extra: Option<usize>,
    /// The nearest child before `extra` in the same branch of the content's outermost
    /// interleave: libxml2 accepts `extra` next to it.
    pub partner: Option<usize>,
}

impl Memo {
    /// Whether libxml2 can disagree with the spec on `p`'s children: it contains, outside of
    /// nested elements, an interleave inside a branch of another interleave, inside a
    /// repetition, or followed by more content in a group. A lone interleave is triaged and
    /// validated exactly as the spec says.
    pub(crate) fn has_interleave(&mut self, cat: &Catalogue, p: Pat) -> bool {
        if let Some(b) = self.has_interleave.get(&p) {
            return *b;
        }
        let mut risky = false;
        // (pattern, inside an interleave branch, a repetition or before more content)
        let mut stack = vec![(p, false)];
        let mut seen = rustc_hash::FxHashSet::default();
        while let Some((q, inside)) = stack.pop() {
            if !seen.insert((q, inside)) {
                continue;
            }
            match cat.arena.node(q) {
                Node::Interleave(..) => {
                    if inside {
                        risky = true;
                        break;
                    }
                    for b in branches(cat, q) {
                        stack.push((b, true));
                    }
                }
                Node::Choice(a, b) | Node::After(a, b) => {
                    stack.push((a, inside));
                    stack.push((b, inside));
                }
                Node::Group(a, b) => {
                    let more = inside || !top_elements(cat, b).is_empty();
                    stack.push((a, more));
                    stack.push((b, inside));
                }
                Node::OneOrMore(a) => stack.push((a, true)),
                _ => {}
            }
        }
        self.has_interleave.insert(p, risky);
        risky
    }

    pub(crate) fn partition(&mut self, cat: &Catalogue, p: Pat) -> Rc<Partition> {
        if let Some(part) = self.partitions.get(&p) {
            return part.clone();
        }
        let rules = branches(cat, p);
        let mixed = rules.contains(&Pat::TEXT);
        let branches: Vec<Branch> = rules
            .into_iter()
            .map(|rule| Branch {
                rule,
                elements: top_elements(cat, rule),
            })
            .collect();
        let mut by_name = FxHashMap::default();
        let mut wildcards = Vec::new();
        for (i, b) in branches.iter().enumerate() {
            for id in &b.elements {
                let nc = cat.element(*id).name;
                if cat.name_classes().is_wildcard(nc) {
                    wildcards.push((i, *id));
                }
                // A class can also exclude names; only plain ones are looked up by name.
                for (ns, local) in cat.class_names(nc) {
                    if cat.name_matches(nc, ns, local) {
                        by_name
                            .entry((Box::from(ns), Box::from(local)))
                            .or_insert(i);
                    }
                }
            }
        }
        let part = Rc::new(Partition {
            branches,
            mixed,
            by_name,
            wildcards,
        });
        self.partitions.insert(p, part.clone());
        part
    }
}

/// The branches of interleave `p` in schema order: as written when the compiler recorded them,
/// else the binary tree flattened (interleaves from `combine="interleave"` or `<mixed>`).
fn branches(cat: &Catalogue, p: Pat) -> Vec<Pat> {
    if let Some(b) = cat.interleave_branches.get(&p) {
        return b.to_vec();
    }
    let mut out = Vec::new();
    let mut stack = vec![p];
    while let Some(q) = stack.pop() {
        match cat.arena.node(q) {
            Node::Interleave(a, b) if q == p || !cat.interleave_branches.contains_key(&q) => {
                stack.push(b);
                stack.push(a);
            }
            _ => out.push(q),
        }
    }
    out
}

/// libxml2's `xmlRelaxNGGetElements(.., 2)` for elements: every element reachable without
/// entering an element or attribute.
fn top_elements(cat: &Catalogue, p: Pat) -> Vec<ElemId> {
    let mut out = Vec::new();
    let mut stack = vec![p];
    let mut seen = Vec::new();
    while let Some(q) = stack.pop() {
        if seen.contains(&q) {
            continue;
        }
        seen.push(q);
        match cat.arena.node(q) {
            Node::Element(id) => out.push(id),
            Node::Choice(a, b) | Node::Group(a, b) | Node::Interleave(a, b) => {
                stack.push(b);
                stack.push(a);
            }
            Node::OneOrMore(a) => stack.push(a),
            _ => {}
        }
    }
    out
}

/// The replay over one child sequence: libxml2's `next` pointers over the element children.
struct Replay<'a> {
    cat: &'a Catalogue,
    memo: &'a mut Memo,
    names: &'a [(&'a str, &'a str)],
    next: Vec<u32>,
    budget: u32,
    /// The last "Extra element" of a failed branch, and the interleave it happened in.
    extra: Option<(u32, Pat)>,
    out_of_budget: bool,
}

/// A set of positions (libxml2's `states`), in the order libxml2 adds them, without duplicates.
type States = Vec<u32>;

fn add(states: &mut States, s: u32) {
    if !states.contains(&s) {
        states.push(s);
    }
}

/// Replays libxml2 on `names` (the element children, in document order, as (namespace, local
/// name)) against each of `contents` (the element's possible content patterns); `None` when
/// libxml2 accepts the sequence (or the replay gave up).
pub(crate) fn replay(
    cat: &Catalogue,
    memo: &mut Memo,
    contents: &[Pat],
    names: &[(&str, &str)],
) -> Option<Rejection> {
    let key = (
        contents.to_vec(),
        names
            .iter()
            .map(|(ns, local)| (Box::from(*ns), Box::from(*local)))
            .collect::<Vec<_>>(),
    );
    if let Some(v) = memo.verdicts.get(&key) {
        return *v;
    }
    let verdict = replay_uncached(cat, memo, contents, names);
    if memo.verdicts.len() >= MAX_VERDICTS {
        memo.verdicts.clear();
    }
    memo.verdicts.insert(key, verdict);
    verdict
}

fn replay_uncached(
    cat: &Catalogue,
    memo: &mut Memo,
    contents: &[Pat],
    names: &[(&str, &str)],
) -> Option<Rejection> {
    let mut first_rejection = None;
    for &content in contents {
        if !memo.has_interleave(cat, content) {
            return None;
        }
        let n = names.len();
        let mut r = Replay {
            cat,
            memo,
            names,
            next: (0..n as u32)
                .map(|k| if k + 1 < n as u32 { k + 1 } else { NONE })
                .collect(),
            budget: BUDGET,
            extra: None,
            out_of_budget: false,
        };
        let start = if n == 0 { NONE } else { 0 };
        let accepted = match r.definition(content, vec![start]) {
            Some(states) => states.contains(&NONE),
            None => false,
        };
        if accepted || r.out_of_budget {
            return None;
        }
        if first_rejection.is_none() {
            let extra = r.extra.map(|(node, _)| node as usize);
            let partner = extra.and_then(|x| r.partner(content, x));
            first_rejection = Some(Rejection { extra, partner });
        }
    }
    first_rejection
}

impl Replay<'_> {
    fn matches(&self, id: ElemId, node: u32) -> bool {
        let Some((ns, local)) = self.names.get(node as usize) else {
            return false;
        };
        self.cat.name_matches(self.cat.element(id).name, ns, local)
    }

    fn branch_of(&self, part: &Partition, node: u32) -> Option<usize> {
        let (ns, local) = self.names.get(node as usize)?;
        part.branch_of_name(self.cat, ns, local)
    }

    /// The nearest child before `node` in the same branch of the outermost interleave of
    /// `content`.
    fn partner(&mut self, content: Pat, node: usize) -> Option<usize> {
        let mut stack = vec![content];
        let mut seen = rustc_hash::FxHashSet::default();
        while let Some(q) = stack.pop() {
            if !seen.insert(q) {
                continue;
            }
            match self.cat.arena.node(q) {
                Node::Interleave(..) => {
                    let part = self.memo.partition(self.cat, q);
                    let i = self.branch_of(&part, node as u32)?;
                    return (0..node)
                        .rev()
                        .find(|k| self.branch_of(&part, *k as u32) == Some(i));
                }
                Node::Choice(a, b) | Node::Group(a, b) => {
                    stack.push(b);
                    stack.push(a);
                }
                Node::OneOrMore(a) => stack.push(a),
                _ => {}
            }
        }
        None
    }

    /// `xmlRelaxNGValidateDefinition`: `p` from every state; `None` when no state survives.
    fn definition(&mut self, p: Pat, states: States) -> Option<States> {
        let mut out = States::new();
        for s in states {
            if let Some(got) = self.state(p, s) {
                for g in got {
                    add(&mut out, g);
                }
            }
        }
        if out.is_empty() { None } else { Some(out) }
    }

    /// `xmlRelaxNGValidateState`: `p` from position `s`.
    fn state(&mut self, p: Pat, s: u32) -> Option<States> {
        if self.budget == 0 {
            self.out_of_budget = true;
            return None;
        }
        self.budget -= 1;
        match self.cat.arena.node(p) {
            Node::NotAllowed => None,
            Node::Empty
            | Node::Text
            | Node::Data(_)
            | Node::DataExcept(..)
            | Node::Value(_)
            | Node::List(_)
            | Node::Attribute(..) => Some(vec![s]),
            Node::Element(id) => {
                if s != NONE && self.matches(id, s) {
                    Some(vec![self.next[s as usize]])
                } else {
                    None
                }
            }
            Node::Choice(..) => {
                let mut alts = Vec::new();
                crate::pattern::alternatives(&self.cat.arena, p, &mut alts);
                // libxml2's optional/zeroOrMore list the state that skips them first.
                alts.sort_by_key(|a| *a != Pat::EMPTY);
                let mut out = States::new();
                for alt in alts {
                    if let Some(got) = self.state(alt, s) {
                        for g in got {
                            add(&mut out, g);
                        }
                    }
                }
                if out.is_empty() { None } else { Some(out) }
            }
            Node::Group(a, b) => {
                let mid = self.state(a, s)?;
                self.definition(b, mid)
            }
            Node::OneOrMore(a) => {
                let first = self.state(a, s)?;
                let mut all = first.clone();
                let mut fresh = first;
                while !fresh.is_empty() {
                    let mut round = States::new();
                    for f in fresh {
                        if let Some(got) = self.state(a, f) {
                            for g in got {
                                if !all.contains(&g) {
                                    all.push(g);
                                    add(&mut round, g);
                                }
                            }
                        }
                    }
                    fresh = round;
                }
                Some(all)
            }
            Node::Interleave(..) => self.interleave(p, s),
            Node::After(..) => None,
        }
    }

    /// `xmlRelaxNGValidateInterleave` from position `s`.
    fn interleave(&mut self, p: Pat, s: u32) -> Option<States> {
        let part = self.memo.partition(self.cat, p);
        let nb = part.branches.len();
        if part.mixed && nb == 2 {
            let other = part.branches.iter().find(|b| b.rule != Pat::TEXT)?;
            return self.state(other.rule, s);
        }
        let mut list = vec![NONE; nb];
        let mut lasts = vec![NONE; nb];
        let start = s;
        let mut lastchg = NONE;
        let mut cur = s;
        while cur != NONE {
            let Some(i) = self.branch_of(&part, cur) else {
                break;
            };
            if lasts[i] != NONE {
                self.next[lasts[i] as usize] = cur;
            } else {
                list[i] = cur;
            }
            lasts[i] = cur;
            let after = self.next[cur as usize];
            lastchg = if after != NONE { after } else { cur };
            cur = after;
        }
        let lastelem = cur;
        let mut ok = true;
        for i in 0..nb {
            let mut saved = NONE;
            if lasts[i] != NONE {
                saved = self.next[lasts[i] as usize];
                self.next[lasts[i] as usize] = NONE;
            }
            let Some(states) = self.state(part.branches[i].rule, list[i]) else {
                ok = false;
                break;
            };
            if !states.contains(&NONE) {
                // libxml2 names the leftover of the last state it looked at.
                if let Some(&left) = states.last() {
                    self.extra = Some((left, p));
                }
                ok = false;
                break;
            }
            if lasts[i] != NONE {
                self.next[lasts[i] as usize] = saved;
            }
        }
        // The repair: document order from `lastchg` back to `start`.
        let mut c = lastchg;
        while c != NONE && c != start && c != 0 {
            self.next[c as usize - 1] = c;
            c -= 1;
        }
        if ok { Some(vec![lastelem]) } else { None }
    }
}
