//! Completion and hover questions answered from the catalogue and a syntax tree: which child
//! elements may come next, which attributes and values are possible, and the documentation of a
//! document path. Pure functions; each builds a short-lived derivative session.
//!
//! The state at an element is found by replaying the derivatives along its ancestors, stepping
//! over earlier siblings without looking inside them (their attributes still narrow choices),
//! so a query costs a walk along one path, not a validation of the whole document.

use std::collections::HashSet;

use domxml_syntax::{TextSize, ast};

use crate::catalogue::{Catalogue, Location, Since};
use crate::derive::Session;
use crate::explain;
use crate::pattern::{self as p, ElemId, Node, Pat, Store};
use crate::sibling_states::{self, SiblingTable};
use crate::validate::{NsScope, describe_expected};
use crate::xml_tree::is_xmlns;

/// An element the schema allows somewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElementChoice {
    pub name: String,
    /// Namespace URI ("" for libvirt's own elements).
    pub namespace: String,
    pub doc: Option<String>,
    /// The release that introduced it (`dx:since`).
    pub since: Option<Since>,
    /// Attributes every instance must have.
    pub required_attributes: Vec<String>,
    /// Neither children nor text allowed: complete as `<name/>`.
    pub empty: bool,
    pub location: Location,
}

/// An attribute an element may have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeChoice {
    pub name: String,
    pub namespace: String,
    pub doc: Option<String>,
    pub default: Option<String>,
    pub since: Option<Since>,
    pub required: bool,
    pub values: Vec<ValueChoice>,
    /// The free-form datatype(s) in words, when not only an enumeration.
    pub datatype: Option<String>,
    pub location: Location,
}

/// An enumerated value with its documentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueChoice {
    pub value: String,
    pub doc: Option<String>,
    pub since: Option<Since>,
}

/// Documentation found for a document path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathDoc {
    pub doc: Option<String>,
    pub default: Option<String>,
    pub since: Option<Since>,
    pub location: Location,
    /// False when found by name only (the path itself did not lead to it).
    pub exact: bool,
}

/// Derivative states around one element of a document.
struct ElementStates {
    /// The parent's state just before this element.
    before: Pat,
    /// After `<name` (attributes not applied).
    opened: Pat,
    /// After the attributes actually present (bad ones forgiven).
    with_attributes: Pat,
    /// After `>`: the content state.
    content: Pat,
}

fn element_key(
    s: &mut Session<'_>,
    ns: &NsScope,
    e: &ast::Element,
) -> Option<crate::derive::NameKey> {
    let name = e.name()?;
    let uri = ns.resolve(name.prefix()).unwrap_or("").to_owned();
    Some(s.name_key(&uri, name.local()))
}

fn apply_attributes(
    s: &mut Session<'_>,
    ns: &NsScope,
    mut state: Pat,
    e: &ast::Element,
    skip: Option<&str>,
) -> Pat {
    for attr in e.attributes() {
        let Some(name) = attr.name() else { continue };
        if is_xmlns(name.text()) || Some(name.text()) == skip {
            continue;
        }
        let uri = if name.prefix().is_some() {
            ns.resolve(name.prefix()).unwrap_or("").to_owned()
        } else {
            String::new()
        };
        let key = s.name_key(&uri, name.local());
        let value = attr.value().map(|v| v.unquoted()).unwrap_or_default();
        let next = s.attribute(state, key, &value);
        if next != Pat::NOT_ALLOWED {
            state = next;
            continue;
        }
        let any = s.attribute_any_value(state, key);
        if any != Pat::NOT_ALLOWED {
            state = any;
        }
    }
    state
}

/// The parent state after `e` without looking into `e`'s content.
pub(crate) fn step_over(
    s: &mut Session<'_>,
    ns: &mut NsScope,
    state: Pat,
    e: &ast::Element,
) -> Pat {
    let pushed = ns.enter(e);
    let result = (|| {
        let key = element_key(s, ns, e)?;
        let opened = s.start_tag_open(state, key);
        if opened == Pat::NOT_ALLOWED {
            return None;
        }
        let attrs = apply_attributes(s, ns, opened, e, None);
        let closed = s.start_tag_close_forgiving(attrs);
        Some(s.end_tag_forgiving(closed))
    })();
    ns.leave(pushed);
    result.unwrap_or(state)
}

/// How the state before a child is found: from the sibling tables (the default), or by
/// replaying every earlier sibling (what the tables must agree with; tests compare the two).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lookup {
    Tabled,
    Replayed,
}

/// The table of `parent`'s children when it has enough of them and tables are wanted.
fn table(
    s: &mut Session<'_>,
    ns: &mut NsScope,
    parent: &ast::Element,
    content: Pat,
    how: Lookup,
) -> Option<std::sync::Arc<SiblingTable>> {
    (how == Lookup::Tabled && sibling_states::worth_a_table(parent))
        .then(|| sibling_states::table_of(s, ns, parent, content, step_over))
}

/// Replays the derivatives from the root down to `target`.
fn states_of(
    s: &mut Session<'_>,
    ns: &mut NsScope,
    target: &ast::Element,
    how: Lookup,
) -> Option<ElementStates> {
    let mut chain: Vec<ast::Element> = target.ancestors().collect();
    chain.reverse();
    chain.push(target.clone());
    let mut state = s.cat.start();
    let mut result = None;
    for (i, e) in chain.iter().enumerate() {
        if i > 0 {
            let parent = &chain[i - 1];
            match table(s, ns, parent, state, how)
                .and_then(|t| Some(t.before(t.ordinal(parent, e)?)))
            {
                Some(before) => state = before,
                None => {
                    for sibling in parent.children().take_while(|c| c != e) {
                        state = step_over(s, ns, state, &sibling);
                    }
                }
            }
        }
        ns.enter(e);
        let key = element_key(s, ns, e)?;
        let before = state;
        let opened = s.start_tag_open(state, key);
        if opened == Pat::NOT_ALLOWED {
            return None;
        }
        let with_attributes = apply_attributes(s, ns, opened, e, None);
        let content = s.start_tag_close_forgiving(with_attributes);
        state = content;
        result = Some(ElementStates {
            before,
            opened,
            with_attributes,
            content,
        });
    }
    result
}

fn element_choice(cat: &Catalogue, s: &mut Session<'_>, id: ElemId) -> ElementChoice {
    let def = cat.element(id);
    let (namespace, name) = cat
        .class_names(def.name)
        .first()
        .map_or((String::new(), "*".to_owned()), |(n, l)| {
            ((*n).to_owned(), (*l).to_owned())
        });
    let mut required_attributes: Vec<String> = explain::required_attributes(&*s, def.content)
        .iter()
        .map(|nc| cat.class_label(*nc))
        .collect();
    required_attributes.dedup();
    let empty = s.start_tag_close_forgiving(def.content) == Pat::EMPTY;
    ElementChoice {
        name,
        namespace,
        doc: def.doc.as_deref().map(str::to_owned),
        since: def.since.clone(),
        required_attributes,
        empty,
        location: def.location.clone(),
    }
}

/// Elements allowed as the document's root.
pub fn root_elements(cat: &Catalogue) -> Vec<ElementChoice> {
    let mut s = Session::new(cat);
    explain::first_elements(&s, cat.start())
        .into_iter()
        .map(|id| element_choice(cat, &mut s, id))
        .collect()
}

/// Child elements that may be inserted in `parent` at `offset`: allowed after the children
/// that end before `offset`, and compatible with the children after it (no second `<name>`).
pub fn allowed_children(
    cat: &Catalogue,
    parent: &ast::Element,
    offset: TextSize,
) -> Vec<ElementChoice> {
    allowed_children_by(cat, parent, offset, Lookup::Tabled)
}

fn allowed_children_by(
    cat: &Catalogue,
    parent: &ast::Element,
    offset: TextSize,
    how: Lookup,
) -> Vec<ElementChoice> {
    let mut s = Session::new(cat);
    let mut ns = NsScope::default();
    let Some(states) = states_of(&mut s, &mut ns, parent, how) else {
        return Vec::new();
    };
    let (state, following) = match table(&mut s, &mut ns, parent, states.content, how) {
        Some(t) => {
            let split = offset
                .checked_sub(parent.syntax().text_range().start())
                .map_or(0, |rel| t.ending_by(rel));
            let following: Vec<ast::Element> = t
                .element(parent, split)
                .map(|first| {
                    std::iter::successors(Some(first), sibling_states::next_element).collect()
                })
                .unwrap_or_default();
            (t.before(split), following)
        }
        None => {
            let mut state = states.content;
            let mut children: Vec<ast::Element> = parent.children().collect();
            let split = children
                .iter()
                .position(|c| c.syntax().text_range().end() > offset)
                .unwrap_or(children.len());
            for child in &children[..split] {
                state = step_over(&mut s, &mut ns, state, child);
            }
            (state, children.split_off(split))
        }
    };
    let following = &following[..];
    let fits = |s: &mut Session<'_>, ns: &mut NsScope, mut st: Pat| -> bool {
        for child in following {
            let Some(key) = element_key(s, ns, child) else {
                continue;
            };
            if s.start_tag_open(st, key) == Pat::NOT_ALLOWED {
                return false;
            }
            st = step_over(s, ns, st, child);
        }
        true
    };
    let baseline_fits = fits(&mut s, &mut ns, state);
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for id in explain::first_elements(&s, state) {
        let def = cat.element(id);
        if baseline_fits {
            let elem = s.intern(Node::Element(id));
            let opened = s.start_tag_open_any(state, elem);
            let closed = s.start_tag_close_forgiving(opened);
            let after = s.end_tag_forgiving(closed);
            if !fits(&mut s, &mut ns, after) {
                continue;
            }
        }
        let choice = element_choice(cat, &mut s, id);
        if seen.insert((choice.namespace.clone(), choice.name.clone(), def.name)) {
            out.push(choice);
        }
    }
    out
}

/// The definition of `element` where it stands (the first documented one if several match).
pub fn element_definition(cat: &Catalogue, element: &ast::Element) -> Option<ElementChoice> {
    element_definition_by(cat, element, Lookup::Tabled)
}

fn element_definition_by(
    cat: &Catalogue,
    element: &ast::Element,
    how: Lookup,
) -> Option<ElementChoice> {
    let mut s = Session::new(cat);
    let mut ns = NsScope::default();
    let states = states_of(&mut s, &mut ns, element, how)?;
    let name = element.name()?;
    let uri = ns.resolve(name.prefix()).unwrap_or("").to_owned();
    let mut candidates: Vec<ElemId> = explain::first_elements(&s, states.before)
        .into_iter()
        .filter(|id| cat.name_matches(cat.element(*id).name, &uri, name.local()))
        .collect();
    candidates.sort_by_key(|id| cat.element(*id).doc.is_none());
    let id = *candidates.first()?;
    Some(element_choice(cat, &mut s, id))
}

/// Attributes of `element`: every possible one when `include_present`, else only those that
/// may still be added given the attributes already there. Required ones are marked.
pub fn attributes(
    cat: &Catalogue,
    element: &ast::Element,
    include_present: bool,
) -> Vec<AttributeChoice> {
    attributes_by(cat, element, include_present, Lookup::Tabled)
}

fn attributes_by(
    cat: &Catalogue,
    element: &ast::Element,
    include_present: bool,
    how: Lookup,
) -> Vec<AttributeChoice> {
    let mut s = Session::new(cat);
    let mut ns = NsScope::default();
    let Some(states) = states_of(&mut s, &mut ns, element, how) else {
        return Vec::new();
    };
    let state = if include_present {
        states.opened
    } else {
        states.with_attributes
    };
    let present: Vec<String> = element
        .attributes()
        .filter_map(|a| a.name())
        .map(|n| n.local().to_owned())
        .collect();
    let required: Vec<crate::name_class::NcId> = explain::required_attributes(&s, state);
    let mut out: Vec<AttributeChoice> = Vec::new();
    // Whether each entry's documentation comes from a definition that accepts the value the
    // element has: of several definitions of one name (`machine` for Xen and for QEMU), the one
    // the document uses documents it.
    let mut fits: Vec<bool> = Vec::new();
    let candidates = explain::attributes(&s, state);
    for (nc, content, id) in candidates {
        for (namespace, name) in cat.class_names(nc) {
            if !include_present && namespace.is_empty() && present.iter().any(|p| p == name) {
                continue;
            }
            let (values, datatype) = values_of(cat, &s, content);
            let def = cat.attribute(id);
            let current = namespace
                .is_empty()
                .then(|| element.attribute_value(name))
                .flatten();
            let accepts = current
                .as_deref()
                .is_some_and(|v| s.value_matches(content, v));
            if let Some(i) = out
                .iter()
                .position(|a| a.name == name && a.namespace == namespace)
            {
                let existing = &mut out[i];
                for v in values {
                    if !existing.values.iter().any(|x| x.value == v.value) {
                        existing.values.push(v);
                    }
                }
                if accepts && !fits[i] && def.doc.is_some() {
                    existing.doc = def.doc.as_deref().map(str::to_owned);
                    existing.since = def.since.clone();
                    existing.location = def.location.clone();
                    fits[i] = true;
                } else {
                    existing.doc = existing
                        .doc
                        .take()
                        .or_else(|| def.doc.as_deref().map(str::to_owned));
                    existing.since = existing.since.take().or_else(|| def.since.clone());
                }
                existing.default = existing.default.take().or_else(|| def.default.clone());
                existing.datatype = match (existing.datatype.take(), datatype) {
                    (Some(a), Some(b)) if a != b => Some(format!("{a} or {b}")),
                    (a, b) => a.or(b),
                };
                continue;
            }
            fits.push(accepts && def.doc.is_some());
            out.push(AttributeChoice {
                name: name.to_owned(),
                namespace: namespace.to_owned(),
                doc: def.doc.as_deref().map(str::to_owned),
                default: def.default.clone(),
                since: def.since.clone(),
                required: required.contains(&nc),
                values,
                datatype,
                location: def.location.clone(),
            });
        }
    }
    out
}

fn values_of(cat: &Catalogue, s: &Session<'_>, content: Pat) -> (Vec<ValueChoice>, Option<String>) {
    let expected = explain::expected_text(s, content);
    let mut values: Vec<ValueChoice> = Vec::new();
    for v in &expected.values {
        let def = cat.value(*v);
        match values.iter_mut().find(|x| x.value == def.normalized) {
            Some(existing) => {
                existing.doc = existing
                    .doc
                    .take()
                    .or_else(|| def.doc.as_deref().map(str::to_owned));
                existing.since = existing.since.take().or_else(|| def.since.clone());
            }
            None => values.push(ValueChoice {
                value: def.normalized.clone(),
                doc: def.doc.as_deref().map(str::to_owned),
                since: def.since.clone(),
            }),
        }
    }
    let datatype =
        if expected.datatypes.is_empty() && !(expected.text && expected.values.is_empty()) {
            None
        } else {
            let only_types = explain::Expected {
                values: Vec::new(),
                datatypes: expected.datatypes.clone(),
                text: expected.text,
                list: expected.list,
            };
            Some(describe_expected(cat, &only_types).0)
        };
    (values, datatype)
}

/// Values allowed for attribute `qname` of `element` (given its other attributes).
pub fn attribute_values(
    cat: &Catalogue,
    element: &ast::Element,
    qname: &str,
) -> (Vec<ValueChoice>, Option<String>) {
    let mut s = Session::new(cat);
    let mut ns = NsScope::default();
    let Some(states) = states_of(&mut s, &mut ns, element, Lookup::Tabled) else {
        return (Vec::new(), None);
    };
    let state = apply_attributes(&mut s, &ns, states.opened, element, Some(qname));
    let (prefix, local) = match qname.split_once(':') {
        Some((p, l)) => (Some(p), l),
        None => (None, qname),
    };
    let uri = if prefix.is_some() {
        ns.resolve(prefix).unwrap_or("").to_owned()
    } else {
        String::new()
    };
    let mut values = Vec::new();
    let mut words: Vec<String> = Vec::new();
    for (nc, content, _) in explain::attributes(&s, state) {
        if cat.name_matches(nc, &uri, local) {
            let (v, d) = values_of(cat, &s, content);
            for x in v {
                if !values.iter().any(|y: &ValueChoice| y.value == x.value) {
                    values.push(x);
                }
            }
            if let Some(d) = d
                && !words.contains(&d)
            {
                words.push(d);
            }
        }
    }
    (values, (!words.is_empty()).then(|| words.join(" or ")))
}

/// Values allowed as the text content of `element`.
pub fn text_values(cat: &Catalogue, element: &ast::Element) -> (Vec<ValueChoice>, Option<String>) {
    let mut s = Session::new(cat);
    let mut ns = NsScope::default();
    let Some(states) = states_of(&mut s, &mut ns, element, Lookup::Tabled) else {
        return (Vec::new(), None);
    };
    values_of(cat, &s, states.content)
}

/// The same questions answered by replaying every earlier sibling, without the sibling tables:
/// what the tables must agree with (tests compare the two).
#[doc(hidden)]
pub mod replayed {
    use super::*;

    pub fn allowed_children(
        cat: &Catalogue,
        parent: &ast::Element,
        offset: TextSize,
    ) -> Vec<ElementChoice> {
        allowed_children_by(cat, parent, offset, Lookup::Replayed)
    }

    pub fn element_definition(cat: &Catalogue, element: &ast::Element) -> Option<ElementChoice> {
        element_definition_by(cat, element, Lookup::Replayed)
    }

    pub fn attributes(
        cat: &Catalogue,
        element: &ast::Element,
        include_present: bool,
    ) -> Vec<AttributeChoice> {
        attributes_by(cat, element, include_present, Lookup::Replayed)
    }
}

/// Documentation by document path: `domain/devices/watchdog`, `domain/devices/watchdog/@action`,
/// optionally of one value (`value`). Follows the path through the schema; when the path does
/// not lead anywhere (another schema validates the document), falls back to the definition with
/// the same name whose ancestors best match the path. A release restricted to some elements
/// (`dx:sinceUnder`) is kept only when the path ends in them.
pub fn documentation(cat: &Catalogue, path: &str, value: Option<&str>) -> Option<PathDoc> {
    let mut found = documentation_of(cat, path, value)?;
    let lineage: Vec<&str> = path
        .rsplit('/')
        .filter(|p| !p.is_empty() && !p.starts_with('@'))
        .map(|p| p.rsplit(':').next().unwrap_or(p))
        .collect();
    if found
        .since
        .as_ref()
        .is_some_and(|s| !s.holds_within(&lineage))
    {
        found.since = None;
    }
    Some(found)
}

fn documentation_of(cat: &Catalogue, path: &str, value: Option<&str>) -> Option<PathDoc> {
    let mut parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let attribute = match parts.last() {
        Some(last) if last.starts_with('@') => parts.pop().map(|a| &a[1..]),
        _ => None,
    };
    let local = |name: &str| name.rsplit(':').next().unwrap_or(name).to_owned();
    let mut s = Session::new(cat);
    // Exact walk.
    let mut current: Vec<ElemId> = Vec::new();
    let mut exact = true;
    for (i, part) in parts.iter().enumerate() {
        let pool = if i == 0 {
            explain::all_elements(&s, cat.start())
        } else {
            let mut v = Vec::new();
            for id in &current {
                for c in explain::all_elements(&s, cat.element(*id).content) {
                    if !v.contains(&c) {
                        v.push(c);
                    }
                }
            }
            v
        };
        let name = local(part);
        current = pool
            .into_iter()
            .filter(|id| element_local_names(cat, *id).contains(&name))
            .collect();
        if current.is_empty() {
            exact = false;
            break;
        }
    }
    if !exact {
        let last = parts.last().map(|p| local(p))?;
        current = best_by_ancestry(
            cat,
            &mut s,
            &parts.iter().map(|p| local(p)).collect::<Vec<_>>(),
            &last,
        );
    }
    let ids = current;
    match attribute {
        None => {
            let id = ids
                .iter()
                .copied()
                .find(|id| cat.element(*id).doc.is_some())
                .or(ids.first().copied())?;
            let def = cat.element(id);
            if let Some(value) = value {
                let (values, _) = values_of(cat, &s, def.content);
                if let Some(v) = values.into_iter().find(|v| v.value == value) {
                    return Some(PathDoc {
                        doc: v.doc,
                        default: None,
                        since: v.since,
                        location: def.location.clone(),
                        exact,
                    });
                }
            }
            Some(PathDoc {
                doc: def.doc.as_deref().map(str::to_owned),
                default: None,
                since: def.since.clone(),
                location: def.location.clone(),
                exact,
            })
        }
        Some(attr) => {
            let attr = local(attr);
            let mut found: Option<PathDoc> = None;
            for id in &ids {
                let content = cat.element(*id).content;
                for (nc, acontent, aid) in explain::attributes(&s, content) {
                    if !cat.class_names(nc).iter().any(|(_, l)| *l == attr) {
                        continue;
                    }
                    let def = cat.attribute(aid);
                    let mut doc = def.doc.as_deref().map(str::to_owned);
                    let mut since = def.since.clone();
                    if let Some(value) = value {
                        let (values, _) = values_of(cat, &s, acontent);
                        match values.into_iter().find(|v| v.value == value) {
                            Some(v) => (doc, since) = (v.doc, v.since),
                            None => continue,
                        }
                    }
                    let candidate = PathDoc {
                        doc,
                        default: def.default.clone(),
                        since,
                        location: def.location.clone(),
                        exact,
                    };
                    if candidate.doc.is_some() {
                        return Some(candidate);
                    }
                    found.get_or_insert(candidate);
                }
            }
            found
        }
    }
}

fn element_local_names(cat: &Catalogue, id: ElemId) -> Vec<String> {
    cat.class_names(cat.element(id).name)
        .into_iter()
        .map(|(_, l)| l.to_owned())
        .collect()
}

/// Elements named `last`, best first by how many of the path's ancestors match theirs.
fn best_by_ancestry(
    cat: &Catalogue,
    s: &mut Session<'_>,
    path: &[String],
    last: &str,
) -> Vec<ElemId> {
    let parents = cat.parents();
    let mut scored: Vec<(usize, bool, ElemId)> = Vec::new();
    for i in 0..cat.element_count() {
        let id = ElemId(i as u32);
        if !element_local_names(cat, id).iter().any(|n| n == last) {
            continue;
        }
        let score = ancestry_score(cat, parents, id, &path[..path.len().saturating_sub(1)], 0);
        scored.push((score, cat.element(id).doc.is_some(), id));
    }
    let _ = s;
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    scored.into_iter().map(|(_, _, id)| id).collect()
}

fn ancestry_score(
    cat: &Catalogue,
    parents: &[Vec<ElemId>],
    id: ElemId,
    path: &[String],
    depth: u32,
) -> usize {
    let Some(wanted) = path.last() else { return 0 };
    if depth > 12 {
        return 0;
    }
    parents[id.0 as usize]
        .iter()
        .filter(|p| element_local_names(cat, **p).contains(wanted))
        .map(|p| 1 + ancestry_score(cat, parents, *p, &path[..path.len() - 1], depth + 1))
        .max()
        .unwrap_or(0)
}

impl Catalogue {
    /// For every element, the elements whose content may contain it (computed once).
    pub(crate) fn parents(&self) -> &[Vec<ElemId>] {
        self.parents.get_or_init(|| {
            let mut parents = vec![Vec::new(); self.elements.len()];
            for (i, def) in self.elements.iter().enumerate() {
                for child in explain::all_elements(&self.arena, def.content) {
                    let list: &mut Vec<ElemId> = &mut parents[child.0 as usize];
                    if !list.contains(&ElemId(i as u32)) {
                        list.push(ElemId(i as u32));
                    }
                }
            }
            parents
        })
    }
}

impl Session<'_> {
    /// Derivative for a start tag of exactly the element pattern `elem` (a candidate).
    pub(crate) fn start_tag_open_any(&mut self, state: Pat, elem: Pat) -> Pat {
        let Node::Element(id) = self.node(elem) else {
            return Pat::NOT_ALLOWED;
        };
        let names = self.cat.class_names(self.cat.element(id).name);
        let Some((ns, local)) = names
            .first()
            .map(|(n, l)| ((*n).to_owned(), (*l).to_owned()))
        else {
            // A wildcard element: any name it accepts will do; pretend it was consumed.
            return p::after(self, Pat::EMPTY, state);
        };
        let key = self.name_key(&ns, &local);
        self.start_tag_open(state, key)
    }
}
