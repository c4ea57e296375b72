//! Document validation: walks a syntax tree against the catalogue with derivatives, reports
//! every problem with a precise range and recovers (ignores the bad element or attribute,
//! accepts the bad value, forgives what is missing) so siblings and children are checked too.

use domxml_syntax::{TextRange, ast};

use crate::catalogue::Catalogue;
use crate::derive::{NameKey, Session, is_whitespace};
use crate::diagnostic::{Code, Diagnostic, one_of};
use crate::doc_walk::{Attr, GElem, Item, Name, Parts, PartsPool, attribute_pairs, parts_of};
use crate::explain::{self, Expected};
use crate::pattern::{self as p, ElemId, Node, Pat, Store};
use crate::suggest::did_you_mean;
use crate::xml_tree::{XML_NS, is_xmlns};

/// Validates documents against one catalogue; reuse it across documents to reuse its memos.
pub struct Validator<'c> {
    pub(crate) session: Session<'c>,
    order: crate::libxml2_order::Memo,
    /// Reuse the results of unchanged elements from earlier validations (see `elem_cache`).
    reuse: bool,
}

/// Validates one document (convenience for `Validator::new(cat).validate(doc)`).
pub fn validate(cat: &Catalogue, doc: &ast::Document) -> Vec<Diagnostic> {
    Validator::new(cat).validate(doc)
}

/// Validates one document from scratch, reusing no element's earlier result: the reference
/// that incremental validation is tested against.
pub fn validate_without_reuse(cat: &Catalogue, doc: &ast::Document) -> Vec<Diagnostic> {
    let mut v = Validator::new(cat);
    v.reuse = false;
    v.validate(doc)
}

impl Drop for Validator<'_> {
    fn drop(&mut self) {
        let memo: crate::libxml2_order::Memo = std::mem::take(&mut self.order);
        self.session.cat.order_memo.put(memo, 8);
    }
}

/// Namespace declarations in scope during a walk, innermost last.
#[derive(Default)]
pub(crate) struct NsScope {
    decls: Vec<(String, String)>,
    /// `decls` as a shared value, made when first asked for after a change.
    snapshot: Option<std::sync::Arc<[(String, String)]>>,
}

impl NsScope {
    /// Pushes the declarations of `e`; returns how many to pop afterwards.
    pub(crate) fn enter(&mut self, e: &ast::Element) -> usize {
        let before = self.decls.len();
        for (name, value) in attribute_pairs(e) {
            if name == "xmlns" {
                self.declare(String::new(), value);
            } else if let Some(prefix) = name.strip_prefix("xmlns:") {
                self.declare(prefix.to_owned(), value);
            }
        }
        self.decls.len() - before
    }

    /// Pushes the declarations among `attrs`; returns how many to pop afterwards.
    pub(crate) fn enter_attrs(&mut self, attrs: &[Attr]) -> usize {
        let before = self.decls.len();
        for attr in attrs {
            let text = attr.name.text();
            if text == "xmlns" {
                self.declare(String::new(), attr.text().into_owned());
            } else if let Some(prefix) = text.strip_prefix("xmlns:") {
                self.declare(prefix.to_owned(), attr.text().into_owned());
            }
        }
        self.decls.len() - before
    }

    fn declare(&mut self, prefix: String, uri: String) {
        self.snapshot = None;
        self.decls.push((prefix, uri));
    }

    pub(crate) fn leave(&mut self, n: usize) {
        if n > 0 {
            self.snapshot = None;
        }
        let len = self.decls.len().saturating_sub(n);
        self.decls.truncate(len);
    }

    /// The declarations in scope, as a value an element's cached result can be checked against.
    pub(crate) fn snapshot(&mut self) -> std::sync::Arc<[(String, String)]> {
        self.snapshot
            .get_or_insert_with(|| self.decls.as_slice().into())
            .clone()
    }

    pub(crate) fn resolve(&self, prefix: Option<&str>) -> Option<&str> {
        match prefix {
            Some("xml") => Some(XML_NS),
            Some(p) => self
                .decls
                .iter()
                .rev()
                .find(|(q, _)| q == p)
                .map(|(_, u)| u.as_str()),
            None => Some(
                self.decls
                    .iter()
                    .rev()
                    .find(|(q, _)| q.is_empty())
                    .map_or("", |(_, u)| u.as_str()),
            ),
        }
    }
}

impl<'c> Validator<'c> {
    pub fn new(cat: &'c Catalogue) -> Validator<'c> {
        let order: crate::libxml2_order::Memo = cat.order_memo.take().unwrap_or_default();
        Validator {
            session: Session::new(cat),
            order,
            reuse: true,
        }
    }

    pub fn catalogue(&self) -> &'c Catalogue {
        self.session.cat
    }

    /// Every schema problem of `doc`, in document order.
    pub fn validate(&mut self, doc: &ast::Document) -> Vec<Diagnostic> {
        self.session.trim();
        self.session.elements().begin();
        let mut walk = Walk {
            s: &mut self.session,
            out: Vec::new(),
            ns: NsScope::default(),
            depth: 0,
            too_deep_reported: false,
            pool: PartsPool::default(),
            order: &mut self.order,
            uses_place: false,
            last_used_place: false,
            reuse: self.reuse,
        };
        if let Some(root) = doc.root() {
            let start = walk.s.cat.start();
            walk.element(
                start,
                GElem::of(&root),
                Place {
                    parent: None,
                    prev: &[],
                    earlier: None,
                },
            );
        }
        let mut out = walk.out;
        self.session.elements().end();
        out.sort_by_key(|d| d.range.start());
        out
    }
}

struct Walk<'a, 'c> {
    s: &'a mut Session<'c>,
    out: Vec<Diagnostic>,
    ns: NsScope,
    depth: usize,
    too_deep_reported: bool,
    pool: PartsPool,
    order: &'a mut crate::libxml2_order::Memo,
    /// Set when the element being validated read its siblings or parent (it was not allowed
    /// where it stands): its result depends on more than itself and is not cached.
    uses_place: bool,
    /// `uses_place` of the element `element` validated last (its result, if cached, is not).
    last_used_place: bool,
    reuse: bool,
}

/// Deeper documents are not validated below this depth: the walk is recursive and a hostile
/// document must not exhaust the stack.
const MAX_DEPTH: usize = 256;
/// Elements larger than this are not cached whole: an edit anywhere inside makes a new one, so
/// its entry would rarely be used again, and it would keep the old version's tree alive (and
/// its drop, a pass over a long child list, would fall on a later validation). Their children
/// are cached.
const MAX_CACHED_LEN: u32 = 64 * 1024;

fn is_big(e: GElem<'_>) -> bool {
    u32::from(e.green().text_len()) > MAX_CACHED_LEN
}

/// A cached result's diagnostics (relative to the element or run) put back at `start`.
fn replay(out: &mut Vec<Diagnostic>, cached: &[Diagnostic], start: domxml_syntax::TextSize) {
    out.extend(cached.iter().map(|d| {
        let mut d = d.clone();
        d.range += start;
        d
    }));
}

/// More places than this for a misplaced element: the list of allowed names says more.
const MAX_HOMES: usize = 3;

/// What the walk knows about the parent while looking at a child.
/// Where an element stands: its parent (none for the root) and the siblings before it.
#[derive(Clone, Copy)]
struct Place<'p, 'g> {
    parent: Option<&'p Parent<'p>>,
    prev: &'p [Item<'g>],
    /// Inside a chunk of the parent's children: where the chunk stands (its `prev` are the
    /// siblings before the chunk).
    earlier: Option<&'p Place<'p, 'g>>,
}

impl<'p, 'g> Place<'p, 'g> {
    fn child_of(parent: &'p Parent<'p>, prev: &'p [Item<'g>]) -> Place<'p, 'g> {
        Place {
            parent: Some(parent),
            prev,
            earlier: None,
        }
    }
}

struct Parent<'n> {
    name: &'n str,
    /// The parent's content pattern right after its start tag: every child it can ever have.
    content: Pat,
    /// One attribute value rules out every child and that was reported once on the value:
    /// children it rules out are not reported again one by one.
    children_explained: bool,
}

impl Walk<'_, '_> {
    fn cat(&self) -> &Catalogue {
        self.s.cat
    }

    fn push(&mut self, d: Diagnostic) {
        self.out.push(d);
    }

    fn element_label(&self, id: ElemId) -> String {
        self.cat().class_label(self.cat().element(id).name)
    }

    /// Sorted explicit names of elements, and whether a wildcard element is among them.
    fn names_of(&self, ids: &[ElemId]) -> (Vec<String>, bool) {
        let mut names = Vec::new();
        let mut wildcard = false;
        for id in ids {
            let nc = self.cat().element(*id).name;
            wildcard |= self.cat().name_classes().is_wildcard(nc);
            names.extend(
                self.cat()
                    .class_names(nc)
                    .into_iter()
                    .map(|(_, l)| l.to_owned()),
            );
        }
        names.sort();
        names.dedup();
        (names, wildcard)
    }

    /// The names of the elements a `ns`:`local` element may be a child of anywhere in the
    /// schema (for "it goes in <devices>").
    fn homes_of(&self, ns: &str, local: &str) -> Vec<String> {
        let cat = self.cat();
        let parents = cat.parents();
        let mut homes: Vec<String> = (0..cat.element_count())
            .map(|i| ElemId(i as u32))
            // Elements of any name (inside <metadata>) say nothing about where this one goes.
            .filter(|id| {
                let nc = cat.element(*id).name;
                !cat.name_classes().is_wildcard(nc) && cat.name_matches(nc, ns, local)
            })
            .flat_map(|id| parents.get(id.0 as usize).into_iter().flatten())
            .flat_map(|p| cat.class_names(cat.element(*p).name))
            .map(|(_, l)| l.to_owned())
            .collect();
        homes.sort();
        homes.dedup();
        homes
    }

    /// The namespace of an element among `ids` with the same local name but another namespace.
    fn other_namespace(&self, ids: &[ElemId], ns: &str, local: &str) -> Option<String> {
        ids.iter().find_map(|id| {
            self.cat()
                .class_names(self.cat().element(*id).name)
                .into_iter()
                .find(|(n, l)| *l == local && *n != ns)
                .map(|(n, _)| n.to_owned())
        })
    }

    /// Validates `e` in state `pat`; returns the state after it.
    /// Reuses the result of an earlier validation when `e` is an unchanged element entered
    /// the same way (see `elem_cache`).
    /// The element cache's key for `e` entered in `state`, in this walk's context.
    fn key(&self, e: GElem<'_>, state: Pat) -> crate::elem_cache::Key {
        crate::elem_cache::Key {
            node: std::ptr::from_ref(e.green()) as usize,
            state,
            depth: self.depth as u32,
            too_deep_reported: self.too_deep_reported,
        }
    }

    fn element(&mut self, pat: Pat, e: GElem<'_>, place: Place<'_, '_>) -> Pat {
        if !self.reuse || is_big(e) {
            return self.element_uncached(pat, e, place);
        }
        let key = self.key(e, pat);
        let ns = self.ns.snapshot();
        if let Some(hit) = self.s.elements().get(&key, &ns) {
            let start = e.start();
            self.too_deep_reported |= hit.reported_too_deep;
            let after = hit.after;
            replay(&mut self.out, &hit.diagnostics, start);
            self.last_used_place = false;
            return after;
        }
        let before = self.out.len();
        let outer_uses_place = std::mem::replace(&mut self.uses_place, false);
        let after = self.element_uncached(pat, e, place);
        if !self.uses_place {
            let reported_too_deep = self.too_deep_reported && !key.too_deep_reported;
            self.s.elements().put(
                key,
                e.green().to_owned(),
                ns,
                e.start(),
                crate::elem_cache::Outcome {
                    after,
                    diagnostics: &self.out[before..],
                    reported_too_deep,
                },
            );
        }
        self.last_used_place = self.uses_place;
        self.uses_place = outer_uses_place;
        after
    }

    fn element_uncached(&mut self, pat: Pat, e: GElem<'_>, place: Place<'_, '_>) -> Pat {
        let parts = self.pool.parts_of(e, self.depth < MAX_DEPTH);
        let after = self.element_parts(pat, e, &parts, place);
        self.pool.put(parts);
        after
    }

    fn element_parts(
        &mut self,
        pat: Pat,
        e: GElem<'_>,
        parts: &Parts<'_>,
        place: Place<'_, '_>,
    ) -> Pat {
        let Some(name) = parts.name else {
            return pat;
        };
        if self.depth >= MAX_DEPTH {
            if !self.too_deep_reported {
                self.too_deep_reported = true;
                self.push(Diagnostic::new(
                    name.range(),
                    Code::TooDeep,
                    format!("elements nested deeper than {MAX_DEPTH} levels are not validated"),
                ));
            }
            return pat;
        }
        let pushed = self.ns.enter_attrs(&parts.attrs);
        self.depth += 1;
        let result = self.element_in_scope(pat, e, parts, &name, place);
        self.depth -= 1;
        self.ns.leave(pushed);
        result
    }

    fn resolve_element_name(&mut self, name: &Name) -> NameKey {
        if let Some(ns) = self.ns.resolve(name.prefix()) {
            return self.s.name_key(ns, name.local());
        }
        let ns = match self.ns.resolve(name.prefix()) {
            Some(ns) => ns.to_owned(),
            None => {
                let prefix = name.prefix().unwrap_or_default().to_owned();
                self.push(Diagnostic::new(
                    name.range(),
                    Code::UndeclaredPrefix,
                    format!("namespace prefix '{prefix}' is not declared"),
                ));
                String::new()
            }
        };
        self.s.name_key(&ns, name.local())
    }

    fn element_in_scope(
        &mut self,
        pat: Pat,
        e: GElem<'_>,
        parts: &Parts<'_>,
        name: &Name,
        place: Place<'_, '_>,
    ) -> Pat {
        let attrs = &parts.attrs;
        let key = self.resolve_element_name(name);
        let opened = self.s.start_tag_open(pat, key);
        if opened == Pat::NOT_ALLOWED {
            self.element_not_allowed(pat, e, parts, name, key, place);
            return pat;
        }
        if let Node::After(content, rest) = self.s.node(opened) {
            // One definition matches (the usual case): work on the element's own content state,
            // which recurs across documents, so the derivative memo tables keep hitting; the
            // parent's continuation `rest` is only needed once the element is complete.
            if !self.reuse || is_big(e) {
                self.element_content(content, parts, name);
                return rest;
            }
            let key = self.key(e, content);
            let ns = self.ns.snapshot();
            if let Some(hit) = self.s.elements().get_content(&key, &ns) {
                let start = e.start();
                self.too_deep_reported |= hit.reported_too_deep;
                replay(&mut self.out, &hit.diagnostics, start);
                return rest;
            }
            let before = self.out.len();
            // Nothing below reads where the element stands (its children's places are inside
            // it), so the result is a function of the key.
            let outer_uses_place = std::mem::replace(&mut self.uses_place, false);
            self.element_content(content, parts, name);
            if !self.uses_place {
                let reported_too_deep = self.too_deep_reported && !key.too_deep_reported;
                self.s.elements().put_content(
                    key,
                    e.green().to_owned(),
                    ns,
                    e.start(),
                    crate::elem_cache::Outcome {
                        after: content,
                        diagnostics: &self.out[before..],
                        reported_too_deep,
                    },
                );
            }
            self.uses_place = outer_uses_place;
            return rest;
        }
        let content_start = opened;
        let after_attrs = self.attributes(opened, attrs, name);
        let mut state = self.s.start_tag_close(after_attrs);
        if state == Pat::NOT_ALLOWED {
            self.missing_attributes(after_attrs, attrs, name);
            state = self.s.start_tag_close_forgiving(after_attrs);
        }
        let children_explained =
            self.attribute_rules_out_children(content_start, attrs, state, &parts.items, name);
        let me = Parent {
            name: name.text(),
            content: content_start,
            children_explained,
        };
        let before = self.out.len();
        state = self.content(state, &parts.items, name, &me);
        let ended = self.s.end_tag(state);
        if ended != Pat::NOT_ALLOWED {
            if self.out.len() == before {
                let mut alts = Vec::new();
                p::alternatives(&*self.s, content_start, &mut alts);
                let contents: Vec<Pat> = alts
                    .into_iter()
                    .filter_map(|a| match self.s.node(a) {
                        Node::After(c, _) => Some(c),
                        _ => None,
                    })
                    .collect();
                self.libxml2_order(&contents, &parts.items, name);
            }
            return ended;
        }
        self.missing_children(state, name);
        self.s.end_tag_forgiving(state)
    }

    /// Validates an element's attributes and content from its own content state `content`
    /// (of the one definition its name matched).
    fn element_content(&mut self, content: Pat, parts: &Parts<'_>, name: &Name) {
        let attrs = &parts.attrs;
        let after_attrs = self.attributes(content, attrs, name);
        let mut state = self.s.start_tag_close(after_attrs);
        if state == Pat::NOT_ALLOWED {
            self.missing_attributes(after_attrs, attrs, name);
            state = self.s.start_tag_close_forgiving(after_attrs);
        }
        let children_explained =
            self.attribute_rules_out_children(content, attrs, state, &parts.items, name);
        let me = Parent {
            name: name.text(),
            content,
            children_explained,
        };
        let before = self.out.len();
        state = self.content(state, &parts.items, name, &me);
        if !self.s.nullable(state) {
            self.missing_children(state, name);
        }
        if self.out.len() == before {
            self.libxml2_order(&[content], &parts.items, name);
        }
    }

    /// When the element has children but one of its attribute values allows none (and other
    /// values would allow the first child), reports that once on the value, naming the values
    /// that take children: `<hyperv mode='passthrough'>` with children is one problem, not one
    /// per child that never mentions the mode.
    fn attribute_rules_out_children(
        &mut self,
        content: Pat,
        attrs: &[Attr],
        state: Pat,
        items: &[Item<'_>],
        name: &Name,
    ) -> bool {
        let mut children = crate::doc_walk::elements_of(items).map(|child| parts_of(child, false));
        let Some(first) = children.next() else {
            return false;
        };
        let Some(first_name) = first.name else {
            return false;
        };
        // The child's name in its own scope (it may declare its prefix itself), quietly: its
        // own validation reports an undeclared prefix.
        let declared = self.ns.enter_attrs(&first.attrs);
        let child_ns = self.ns.resolve(first_name.prefix()).map(str::to_owned);
        self.ns.leave(declared);
        let Some(child_ns) = child_ns else {
            return false;
        };
        let child_key = self.s.name_key(&child_ns, first_name.local());
        let first = first_name;
        // The usual case, the first child fits, costs one memoised derivative.
        if self.s.start_tag_open(state, child_key) != Pat::NOT_ALLOWED
            || !explain::first_elements(&*self.s, state).is_empty()
        {
            return false;
        }
        for (i, attr) in attrs.iter().enumerate() {
            let Some(key) = self.attribute_key(attr) else {
                continue;
            };
            let any = self.start_state_with(content, attrs, i, None);
            if any == Pat::NOT_ALLOWED || self.s.start_tag_open(any, child_key) == Pat::NOT_ALLOWED
            {
                continue;
            }
            let (ns, local) = {
                let (ns, local) = self.s.name_of(key);
                (ns.to_owned(), local.to_owned())
            };
            let mut candidates = Vec::new();
            for (nc, values, _) in explain::attributes(&*self.s, content) {
                if self.cat().name_matches(nc, &ns, &local) {
                    for id in explain::expected_text(&*self.s, values).values {
                        candidates.push(self.cat().value(id).raw.clone());
                    }
                }
            }
            let mut taking: Vec<String> = Vec::new();
            for value in candidates {
                let with = self.start_state_with(content, attrs, i, Some(&value));
                if with != Pat::NOT_ALLOWED
                    && self.s.start_tag_open(with, child_key) != Pat::NOT_ALLOWED
                    && !taking.contains(&value)
                {
                    taking.push(value);
                }
            }
            let others = children.count();
            let shown_children = match others {
                0 => format!("<{}>", first.text()),
                1 => format!("<{}> and 1 other child", first.text()),
                n => format!("<{}> and {n} other children", first.text()),
            };
            let quoted: Vec<String> = taking.iter().map(|v| format!("'{v}'")).collect();
            let attr_name = attr.name.text();
            let value = attr.text();
            let mut message = format!(
                "<{} {attr_name}='{value}'> takes no child elements, but it has {shown_children}",
                name.text()
            );
            if quoted.is_empty() {
                message.push_str(&format!(": remove them or change '{attr_name}'"));
            } else {
                message.push_str(&format!(
                    ": they apply with {attr_name}={}; remove them or change the value",
                    one_of(&quoted, 6)
                ));
            }
            let mut d = Diagnostic::new(attr.value_range(), Code::ElementNotAllowed, message);
            if taking.len() == 1 {
                d.suggestion = taking.first().cloned();
            }
            d.expected = taking;
            self.push(d);
            return true;
        }
        false
    }

    /// The attribute's name key, or None for namespace declarations and undeclared prefixes.
    fn attribute_key(&mut self, attr: &Attr) -> Option<NameKey> {
        if is_xmlns(attr.name.text()) {
            return None;
        }
        let ns = match attr.name.prefix() {
            None => String::new(),
            Some(_) => self.ns.resolve(attr.name.prefix())?.to_owned(),
        };
        Some(self.s.name_key(&ns, attr.name.local()))
    }

    /// The content state after the start tag with attribute `which` set to `value` (any value
    /// when None) and the others as written; NOT_ALLOWED when they do not fit.
    fn start_state_with(
        &mut self,
        content: Pat,
        attrs: &[Attr],
        which: usize,
        value: Option<&str>,
    ) -> Pat {
        let mut state = content;
        for (i, attr) in attrs.iter().enumerate() {
            if attrs[..i].iter().any(|a| a.name.text() == attr.name.text()) {
                continue;
            }
            let Some(key) = self.attribute_key(attr) else {
                continue;
            };
            state = match (i == which, value) {
                (true, Some(v)) => self.s.attribute(state, key, v),
                (true, None) => self.s.attribute_any_value(state, key),
                (false, _) => self.s.attribute(state, key, &attr.text()),
            };
            if state == Pat::NOT_ALLOWED {
                return state;
            }
        }
        self.s.start_tag_close(state)
    }

    /// Reports an order of `items` that libxml2 rejects (the spec accepted it).
    fn libxml2_order(&mut self, contents: &[Pat], items: &[Item<'_>], name: &Name) {
        let cat = self.s.cat;
        // One child has no order to get wrong.
        if crate::doc_walk::elements_of(items).nth(1).is_none() {
            return;
        }
        if !contents.iter().any(|c| self.order.has_interleave(cat, *c)) {
            return;
        }
        let mut named = Vec::new();
        for child in crate::doc_walk::elements_of(items) {
            let parts = self.pool.parts_of(child, false);
            if let Some(n) = parts.name {
                let pushed = self.ns.enter_attrs(&parts.attrs);
                let ns = self.ns.resolve(n.prefix()).unwrap_or("").to_owned();
                self.ns.leave(pushed);
                named.push((ns, n));
            }
            self.pool.put(parts);
        }
        let children: Vec<crate::libxml2_order::Child> = named
            .iter()
            .map(|(ns, n)| crate::libxml2_order::Child {
                ns,
                local: n.local(),
                qname: n.text(),
                range: n.range(),
            })
            .collect();
        if let Some(d) = crate::libxml2_order::check(
            cat,
            self.order,
            contents,
            name.text(),
            name.range(),
            &children,
        ) {
            self.push(d);
        }
    }

    fn element_not_allowed(
        &mut self,
        pat: Pat,
        e: GElem<'_>,
        parts: &Parts<'_>,
        name: &Name,
        key: NameKey,
        place: Place<'_, '_>,
    ) {
        self.uses_place = true;
        let (ns, local) = {
            let (ns, local) = self.s.name_of(key);
            (ns.to_owned(), local.to_owned())
        };
        let allowed_now: Vec<ElemId> = explain::first_elements(&*self.s, pat);
        let (allowed_names, _) = self.names_of(&allowed_now);
        let prefix_broken = name.prefix().is_some() && self.ns.resolve(name.prefix()).is_none();
        let Some(parent) = place.parent else {
            let message = match self.other_namespace(&allowed_now, &ns, &local) {
                Some(wanted) => format!(
                    "<{}> must be in namespace '{wanted}' to be the root element (add xmlns=\"{wanted}\")",
                    name.text()
                ),
                None => format!(
                    "<{}> cannot be the root element here: expected <{}>",
                    name.text(),
                    one_of(&allowed_names, 8)
                ),
            };
            let mut d = Diagnostic::new(name.range(), Code::WrongRoot, message);
            d.suggestion =
                did_you_mean(&local, allowed_names.iter().map(String::as_str)).map(str::to_owned);
            d.expected = allowed_names;
            self.push(d);
            return;
        };
        let everywhere = explain::all_elements(&*self.s, parent.content);
        let known: Vec<ElemId> = everywhere
            .iter()
            .copied()
            .filter(|id| {
                self.cat()
                    .name_matches(self.cat().element(*id).name, &ns, &local)
            })
            .collect();
        if known.is_empty() {
            if prefix_broken {
                // Already reported as an undeclared prefix: the name cannot be judged.
                return;
            }
            let (all_names, wildcard) = self.names_of(&everywhere);
            if let Some(wanted) = self.other_namespace(&everywhere, &ns, &local) {
                let mut d = Diagnostic::new(
                    name.range(),
                    Code::WrongNamespace,
                    format!(
                        "<{}> in <{}> must be in namespace '{wanted}' (declare a prefix for it, e.g. xmlns:p=\"{wanted}\", and write <p:{local}>)",
                        name.text(),
                        parent.name
                    ),
                );
                d.expected = vec![wanted];
                self.push(d);
                return;
            }
            let homes = self.homes_of(&ns, &local);
            if !homes.is_empty() && homes.len() <= MAX_HOMES {
                let shown: Vec<String> = homes.iter().map(|h| format!("<{h}>")).collect();
                let mut d = Diagnostic::new(
                    name.range(),
                    Code::MisplacedElement,
                    format!(
                        "<{}> does not belong directly in <{}>: it goes in {}",
                        name.text(),
                        parent.name,
                        one_of(&shown, MAX_HOMES)
                    ),
                );
                d.expected = homes;
                self.push(d);
                return;
            }
            // A name allowed at this point first; else one of the parent's other children
            // that is not already there (those it rules out by now).
            let present = self.names_before(place);
            let suggestion = did_you_mean(&local, allowed_names.iter().map(String::as_str))
                .or_else(|| {
                    did_you_mean(
                        &local,
                        all_names
                            .iter()
                            .map(String::as_str)
                            .filter(|n| !present.iter().any(|p| p == n)),
                    )
                })
                .map(str::to_owned);
            let mut message = format!("unknown element <{}> in <{}>", name.text(), parent.name);
            let others = if wildcard {
                " (or elements of other namespaces)"
            } else {
                ""
            };
            match &suggestion {
                Some(s) => message.push_str(&format!(": did you mean <{s}>?")),
                None if all_names.is_empty() && wildcard => message.push_str(&format!(
                    ": only elements of other namespaces are allowed in <{}>",
                    parent.name
                )),
                None if all_names.is_empty() => {
                    message.push_str(&format!(": <{}> has no child elements", parent.name))
                }
                None => message.push_str(&format!("; allowed: {}{others}", one_of(&all_names, 12))),
            }
            let mut d = Diagnostic::new(name.range(), Code::UnknownElement, message);
            d.suggestion = suggestion;
            d.expected = all_names;
            self.push(d);
            return;
        }
        let seen_before = self.names_before(place).contains(name.text());
        let message = if seen_before {
            format!(
                "too many <{}> in <{}>: it is not allowed again here",
                name.text(),
                parent.name
            )
        } else if allowed_names.is_empty() {
            format!(
                "<{}> is not allowed here: nothing more is allowed in <{}> at this point",
                name.text(),
                parent.name
            )
        } else {
            format!(
                "<{}> is not allowed here in <{}>; expected {}",
                name.text(),
                parent.name,
                one_of(
                    &allowed_names
                        .iter()
                        .map(|n| format!("<{n}>"))
                        .collect::<Vec<_>>(),
                    10
                )
            )
        };
        if !parent.children_explained {
            let mut d = Diagnostic::new(name.range(), Code::ElementNotAllowed, message);
            d.expected = allowed_names;
            self.push(d);
        }
        // Still check the element's own content against its definition(s).
        let mut alone = Pat::NOT_ALLOWED;
        for id in known {
            let elem = self.s.intern(Node::Element(id));
            alone = p::choice(self.s, alone, elem);
        }
        // Content that can never match (`notAllowed`) would only repeat the same complaint.
        if self.s.start_tag_open(alone, key) != Pat::NOT_ALLOWED {
            let _ = self.element_in_scope(alone, e, parts, name, place);
        }
    }

    /// The names (as written) of the elements before `place` among its siblings; those in
    /// chunks from the element cache's name sets, so that a misplaced element at the end of a
    /// long list does not read every sibling at each validation.
    fn names_before(&mut self, place: Place<'_, '_>) -> rustc_hash::FxHashSet<String> {
        let mut names = rustc_hash::FxHashSet::default();
        let mut at = Some(&place);
        while let Some(place) = at {
            for item in place.prev {
                match item {
                    Item::Element(sibling) => {
                        if let Some(n) = parts_of(*sibling, false).name {
                            names.insert(n.text().to_owned());
                        }
                    }
                    Item::Chunk(chunk) => names.extend(
                        self.s
                            .elements()
                            .names_in(*chunk)
                            .iter()
                            .map(|n| n.to_string()),
                    ),
                    Item::Text { .. } => {}
                }
            }
            at = place.earlier;
        }
        names
    }

    /// Runs the attribute derivatives, reporting unknown attributes and invalid values.
    fn attributes(&mut self, mut state: Pat, attrs: &[Attr], elem_name: &Name) -> Pat {
        for (i, attr) in attrs.iter().enumerate() {
            let aname = &attr.name;
            if is_xmlns(aname.text()) {
                continue;
            }
            // A repeated attribute is a well-formedness error, reported once by the parser.
            if attrs[..i].iter().any(|a| a.name.text() == aname.text()) {
                continue;
            }
            let ns = match aname.prefix() {
                None => String::new(),
                Some(_) => match self.ns.resolve(aname.prefix()) {
                    Some(ns) => ns.to_owned(),
                    None => {
                        self.push(Diagnostic::new(
                            aname.range(),
                            Code::UndeclaredPrefix,
                            format!(
                                "namespace prefix '{}' is not declared",
                                aname.prefix().unwrap_or_default()
                            ),
                        ));
                        String::new()
                    }
                },
            };
            let key = self.s.name_key(&ns, aname.local());
            let text = attr.text();
            let next = self.s.attribute(state, key, &text);
            if next != Pat::NOT_ALLOWED {
                state = next;
                continue;
            }
            let any_value = self.s.attribute_any_value(state, key);
            if any_value != Pat::NOT_ALLOWED {
                let range = attr.value_range();
                self.invalid_attribute_value(state, &ns, attr, range, elem_name);
                state = any_value;
                continue;
            }
            let others_present = attrs[..i].iter().any(|a| !is_xmlns(a.name.text()));
            self.unknown_attribute(state, &ns, aname, elem_name, others_present);
        }
        state
    }

    fn invalid_attribute_value(
        &mut self,
        state: Pat,
        ns: &str,
        attr: &Attr,
        range: TextRange,
        elem_name: &Name,
    ) {
        let local = attr.name.local();
        let shown_name = attr.name.text();
        let text = attr.text();
        let text: &str = &text;
        let mut expected = Expected::default();
        for (nc, content, _) in explain::attributes(&*self.s, state) {
            if self.cat().name_matches(nc, ns, local) {
                let e = explain::expected_text(&*self.s, content);
                expected.values.extend(e.values);
                expected.datatypes.extend(e.datatypes);
                expected.text |= e.text;
                expected.list |= e.list;
            }
        }
        let (words, values) = describe_expected(self.cat(), &expected);
        let message = format!(
            "invalid value '{text}' for attribute '{shown_name}' of <{}>: expected {words}",
            elem_name.text()
        );
        self.push_invalid_value(range, text, message, values);
    }

    /// An invalid-value diagnostic: `message`, then a did-you-mean for `typed` among `values`.
    fn push_invalid_value(
        &mut self,
        range: TextRange,
        typed: &str,
        mut message: String,
        values: Vec<String>,
    ) {
        let suggestion = did_you_mean(typed, values.iter().map(String::as_str)).map(str::to_owned);
        if let Some(s) = &suggestion {
            message.push_str(&format!("; did you mean '{s}'?"));
        }
        let mut d = Diagnostic::new(range, Code::InvalidValue, message);
        d.suggestion = suggestion;
        d.expected = values;
        self.push(d);
    }

    fn unknown_attribute(
        &mut self,
        state: Pat,
        ns: &str,
        aname: &Name,
        elem_name: &Name,
        others_present: bool,
    ) {
        let all = explain::attributes(&*self.s, state);
        let exists = all
            .iter()
            .any(|(nc, ..)| self.cat().name_matches(*nc, ns, aname.local()));
        let mut names: Vec<String> = all
            .iter()
            .flat_map(|(nc, ..)| self.cat().class_names(*nc))
            .map(|(_, l)| l.to_owned())
            .collect();
        names.sort();
        names.dedup();
        if exists {
            let d = Diagnostic::new(
                aname.range(),
                Code::AttributeNotAllowed,
                format!(
                    "attribute '{}' is not allowed on <{}> together with the other attributes",
                    aname.text(),
                    elem_name.text()
                ),
            );
            self.push(d);
            return;
        }
        let suggestion =
            did_you_mean(aname.local(), names.iter().map(String::as_str)).map(str::to_owned);
        let mut message = format!(
            "unknown attribute '{}' on <{}>",
            aname.text(),
            elem_name.text()
        );
        match &suggestion {
            Some(s) => message.push_str(&format!(": did you mean '{s}'?")),
            None if names.is_empty() && others_present => message.push_str(&format!(
                ": every attribute <{}> allows here is already present",
                elem_name.text()
            )),
            None if names.is_empty() => {
                message.push_str(&format!(": <{}> has no attributes", elem_name.text()))
            }
            None => message.push_str(&format!("; allowed: {}", one_of(&names, 12))),
        }
        let mut d = Diagnostic::new(aname.range(), Code::UnknownAttribute, message);
        d.suggestion = suggestion;
        d.expected = names;
        self.push(d);
    }

    fn missing_attributes(&mut self, state: Pat, attrs: &[Attr], name: &Name) {
        let present: Vec<String> = attrs.iter().map(|a| a.name.local().to_owned()).collect();
        let required = explain::required_attributes(&*self.s, state);
        // A class of several names ("a" or "b") is missing as a whole.
        let mut missing: Vec<String> = required
            .iter()
            .map(|nc| {
                self.cat()
                    .class_names(*nc)
                    .into_iter()
                    .map(|(_, l)| l.to_owned())
                    .collect::<Vec<_>>()
            })
            .filter(|names| !names.is_empty() && !names.iter().any(|n| present.contains(n)))
            .map(|names| names.join("' or '"))
            .collect();
        missing.sort();
        missing.dedup();
        let message = if missing.is_empty() {
            let mut names: Vec<String> = explain::attributes(&*self.s, state)
                .iter()
                .map(|(nc, ..)| self.cat().class_label(*nc))
                .filter(|n| !present.contains(n))
                .collect();
            names.sort();
            names.dedup();
            let m = format!(
                "<{}> is missing an attribute: one of {}",
                name.text(),
                one_of(&names, 10)
            );
            missing = names;
            m
        } else if missing.len() == 1 {
            format!(
                "<{}> is missing required attribute '{}'",
                name.text(),
                missing[0]
            )
        } else {
            format!(
                "<{}> is missing required attributes {}",
                name.text(),
                missing.join(", ")
            )
        };
        let mut d = Diagnostic::new(name.range(), Code::MissingAttribute, message);
        d.expected = missing;
        self.push(d);
    }

    /// Validates the children and text of `e`.
    fn content(&mut self, state: Pat, content: &[Item<'_>], name: &Name, me: &Parent) -> Pat {
        let has_elements = content
            .iter()
            .any(|c| matches!(c, Item::Element(_) | Item::Chunk(_)));
        if !has_elements {
            let (text, range) = match content.first() {
                Some(Item::Text { range, text, .. }) => (text.as_ref(), *range),
                _ => ("", name.range()),
            };
            let mut next = self.s.text(state, text);
            if is_whitespace(text) {
                next = p::choice(self.s, state, next);
            }
            if next != Pat::NOT_ALLOWED {
                return next;
            }
            return self.bad_text(state, text, range, name, true);
        }
        let place = Place::child_of(me, &[]);
        self.items(state, content, name, place).0
    }

    /// Validates the items of a content (or of a chunk of it) standing at `place` (its
    /// `prev` unused); returns the state after them and whether a child's result read where
    /// it stands.
    fn items(
        &mut self,
        mut state: Pat,
        content: &[Item<'_>],
        name: &Name,
        place: Place<'_, '_>,
    ) -> (Pat, bool) {
        let mut used_place = false;
        for (i, item) in content.iter().enumerate() {
            let here = Place {
                prev: &content[..i],
                ..place
            };
            match item {
                Item::Element(child) => {
                    state = self.element(state, *child, here);
                    used_place |= self.last_used_place;
                }
                Item::Chunk(chunk) => {
                    state = self.chunk(state, *chunk, name, here);
                    used_place |= self.last_used_place;
                }
                Item::Text { blank: true, .. } => {}
                Item::Text { range, text, .. } => {
                    let next = self.s.text(state, text);
                    state = if next != Pat::NOT_ALLOWED {
                        next
                    } else {
                        self.bad_text(state, text, *range, name, false)
                    };
                }
            }
        }
        (state, used_place)
    }

    /// Validates a chunk of a long child list entered in `state`, reusing the result of an
    /// earlier validation when the chunk is unchanged and entered the same way (as for an
    /// element, `element`), so that a keystroke in a list of 85,000 children looks up a few
    /// hundred chunks. Not kept when a child read its earlier siblings (they lie outside).
    fn chunk(&mut self, state: Pat, chunk: GElem<'_>, name: &Name, place: Place<'_, '_>) -> Pat {
        let key = self.key(chunk, state);
        let ns = self.ns.snapshot();
        if self.reuse
            && let Some(hit) = self.s.elements().get(&key, &ns)
        {
            self.too_deep_reported |= hit.reported_too_deep;
            let after = hit.after;
            replay(&mut self.out, &hit.diagnostics, chunk.start());
            self.last_used_place = false;
            return after;
        }
        let before = self.out.len();
        let items = crate::doc_walk::chunk_items(chunk);
        let inside = Place {
            prev: &[],
            earlier: Some(&place),
            ..place
        };
        let (after, used_place) = self.items(state, &items, name, inside);
        if self.reuse && !used_place {
            let reported_too_deep = self.too_deep_reported && !key.too_deep_reported;
            self.s.elements().put(
                key,
                chunk.green().to_owned(),
                ns,
                chunk.start(),
                crate::elem_cache::Outcome {
                    after,
                    diagnostics: &self.out[before..],
                    reported_too_deep,
                },
            );
        }
        self.last_used_place = used_place;
        after
    }

    /// Reports text that does not fit `state`; returns the recovered state.
    fn bad_text(
        &mut self,
        state: Pat,
        text: &str,
        range: TextRange,
        name: &Name,
        whole: bool,
    ) -> Pat {
        let expected = explain::expected_text(&*self.s, state);
        let wants_value = !expected.values.is_empty() || !expected.datatypes.is_empty();
        if wants_value {
            let (words, values) = describe_expected(self.cat(), &expected);
            let shown = text.trim();
            let message = if shown.is_empty() {
                format!("<{}> needs a value: expected {words}", name.text())
            } else {
                format!(
                    "invalid value '{shown}' in <{}>: expected {words}",
                    name.text()
                )
            };
            self.push_invalid_value(range, shown, message, values);
            let forgiven = self.s.text_forgiving(state);
            return if forgiven == Pat::NOT_ALLOWED {
                state
            } else {
                forgiven
            };
        }
        if !is_whitespace(text) {
            let d = Diagnostic::new(
                range,
                Code::UnexpectedText,
                format!("text is not allowed in <{}>", name.text()),
            );
            self.push(d);
        } else if whole {
            // Empty content where elements are required: reported by the end tag.
        }
        state
    }

    fn missing_children(&mut self, state: Pat, name: &Name) {
        let cat = self.s.cat;
        let required = explain::required_elements(&*self.s, state, &|id| cat.element(id).name);
        let mut missing: Vec<String> = required.iter().map(|nc| cat.class_label(*nc)).collect();
        missing.dedup();
        let message = if missing.is_empty() {
            let mut names: Vec<String> = explain::first_elements(&*self.s, state)
                .iter()
                .map(|id| self.element_label(*id))
                .collect();
            names.sort();
            names.dedup();
            let expected_text = explain::expected_text(&*self.s, state);
            let m = if names.is_empty()
                && (!expected_text.values.is_empty() || !expected_text.datatypes.is_empty())
            {
                let (words, values) = describe_expected(cat, &expected_text);
                missing = values;
                format!("<{}> needs a value: expected {words}", name.text())
            } else {
                format!(
                    "<{}> is incomplete: expected {}",
                    name.text(),
                    one_of(
                        &names.iter().map(|n| format!("<{n}>")).collect::<Vec<_>>(),
                        10
                    )
                )
            };
            if missing.is_empty() {
                missing = names;
            }
            m
        } else if missing.len() == 1 {
            format!(
                "<{}> is missing required child element <{}>",
                name.text(),
                missing[0]
            )
        } else {
            format!(
                "<{}> is missing required child elements {}",
                name.text(),
                missing
                    .iter()
                    .map(|m| format!("<{m}>"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let mut d = Diagnostic::new(name.range(), Code::MissingElement, message);
        d.expected = missing;
        self.push(d);
    }
}

/// Expected values in words, and the enumerated values themselves.
pub(crate) fn describe_expected(cat: &Catalogue, expected: &Expected) -> (String, Vec<String>) {
    // Ids were assigned when the schema was compiled, so sorting by them gives schema order:
    // the same whatever derivatives this session built before (their order is not).
    let mut value_ids = expected.values.clone();
    value_ids.sort_unstable();
    let mut datatype_ids = expected.datatypes.clone();
    datatype_ids.sort_unstable();
    let mut values: Vec<String> = Vec::new();
    for v in &value_ids {
        let raw = cat.value(*v).normalized.clone();
        if !values.contains(&raw) {
            values.push(raw);
        }
    }
    let mut parts: Vec<String> = Vec::new();
    if !values.is_empty() {
        let quoted: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
        parts.push(if quoted.len() == 1 {
            quoted[0].clone()
        } else {
            format!("one of {}", one_of(&quoted, 16))
        });
    }
    // Datatypes of one named type ("a PCI slot") are described together.
    let mut groups: Vec<(Option<String>, Vec<String>)> = Vec::new();
    for d in &datatype_ids {
        let dt = cat.datatype(*d);
        if let Some(words) = &dt.words {
            if !parts.contains(words) {
                parts.push(words.clone());
            }
            continue;
        }
        let (label, words) = (dt.label_words(), dt.describe_plain());
        match groups.iter_mut().find(|(l, _)| *l == label) {
            Some((_, list)) if list.contains(&words) => {}
            Some((_, list)) => list.push(words),
            None => groups.push((label, vec![words])),
        }
    }
    for (label, words) in groups {
        let joined = words.join(" or ");
        let part = match label {
            Some(label) => format!("{label} ({joined})"),
            None => joined,
        };
        if !parts.contains(&part) {
            parts.push(part);
        }
    }
    if expected.text && parts.is_empty() {
        parts.push("text".to_owned());
    }
    if expected.list {
        parts = vec![format!(
            "a whitespace-separated list of {}",
            parts.join(" or ")
        )];
    }
    if parts.is_empty() {
        parts.push("nothing (no value is allowed here)".to_owned());
    }
    (parts.join(" or "), values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::ValueId;
    use crate::{MemoryFiles, compile};

    /// The order in which a session's derivatives list expected values depends on what it
    /// validated before; the words must not.
    #[test]
    fn expected_values_are_described_in_schema_order_whatever_their_arrival_order() {
        let schema = r#"<element name="a" xmlns="http://relaxng.org/ns/structure/1.0"><attribute name="arch"><choice>
            <value>x86_64</value><value>aarch64</value><value>ppc64</value><value>s390x</value>
            </choice></attribute></element>"#;
        let cat = compile(&MemoryFiles(vec![("s.rng".into(), schema.into())]), "s.rng")
            .expect("compiles");
        let ids = |order: &[u32]| Expected {
            values: order.iter().map(|&i| ValueId(i)).collect(),
            ..Expected::default()
        };
        let (words, values) = describe_expected(&cat, &ids(&[0, 1, 2, 3]));
        assert_eq!(values, ["x86_64", "aarch64", "ppc64", "s390x"]);
        for shuffled in [[3, 1, 0, 2], [2, 3, 1, 0], [1, 0, 3, 2]] {
            assert_eq!(
                describe_expected(&cat, &ids(&shuffled)),
                (words.clone(), values.clone())
            );
        }
    }
}
