//! The RELAX NG compiler: resolves `include` (with overriding defines), `externalRef`, nested
//! `grammar`s with `parentRef`, `define`/`combine`, `div`, `ns` and `datatypeLibrary`
//! inheritance, and turns every pattern into the catalogue's hash-consed arena. `ref`s are
//! inlined (a define is compiled once); element contents are compiled afterwards from a work
//! list, which is what makes recursion through elements possible.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::rc::Rc;

use crate::catalogue::{AttributeDef, Catalogue, ElementDef, Location, ValueDef};
use crate::datatype::{BaseType, Datatype};
use crate::intern::Interner;
use crate::name_class::{NameClass, NameClasses, NcId};
use crate::pattern::{self as p, Arena, AttrId, DtId, ElemId, Node, Pat, Store, ValueId};
use crate::sources::{SchemaFiles, resolve_href};
use crate::xml_tree::{self, ANNOTATIONS_NS, RNG_NS, XChild, XElem};

/// A problem in the schema sources, with the file and line it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    pub file: String,
    pub line: u32,
    pub message: String,
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        }
    }
}

impl std::error::Error for SchemaError {}

/// Compiles the schema whose entry file is `entry` (a path understood by `files`).
pub fn compile(files: &dyn SchemaFiles, entry: &str) -> Result<Catalogue, Vec<SchemaError>> {
    let mut c = Compiler {
        files,
        loaded: HashMap::new(),
        grammars: Vec::new(),
        defs: HashMap::new(),
        cat: Catalogue {
            arena: Arena::new(),
            names: Interner::default(),
            name_classes: NameClasses::default(),
            datatypes: Vec::new(),
            elements: Vec::new(),
            attributes: Vec::new(),
            values: Vec::new(),
            start: Pat::NOT_ALLOWED,
            entry: entry.to_owned(),
            parents: std::sync::OnceLock::new(),
            sessions: Default::default(),
            interleave_branches: Default::default(),
            order_memo: Default::default(),
        },
        pending: Vec::new(),
        errors: Vec::new(),
        loading: Vec::new(),
        type_label: None,
    };
    let root = match c.load(entry, entry, 0) {
        Some(root) => root,
        None => return Err(c.errors),
    };
    let ctx = Ctx {
        gid: usize::MAX,
        ns: Rc::from(""),
        dtlib: Rc::from(""),
        file: Rc::from(entry),
    };
    let start = c.top_pattern(&root, &ctx, None);
    c.drain_pending();
    c.cat.start = start;
    if c.errors.is_empty() {
        Ok(c.cat)
    } else {
        Err(c.errors)
    }
}

#[derive(Clone)]
struct Ctx {
    gid: usize,
    ns: Rc<str>,
    dtlib: Rc<str>,
    file: Rc<str>,
}

#[derive(Default)]
struct Grammar {
    parent: Option<usize>,
    defines: HashMap<String, DefineAcc>,
    start: DefineAcc,
}

#[derive(Default)]
struct DefineAcc {
    bodies: Vec<(Rc<XElem>, Ctx)>,
    combine: Option<String>,
    plain: u32,
}

enum DefState {
    InProgress,
    Done(Pat),
}

const START_KEY: &str = "\0start";

struct Compiler<'f> {
    files: &'f dyn SchemaFiles,
    loaded: HashMap<String, Rc<XElem>>,
    grammars: Vec<Grammar>,
    defs: HashMap<(usize, String), DefState>,
    cat: Catalogue,
    pending: Vec<(ElemId, Rc<XElem>, Ctx, bool)>,
    errors: Vec<SchemaError>,
    loading: Vec<String>,
    /// The name of the simple-type define being compiled, for its datatypes.
    type_label: Option<String>,
}

/// Whether a define body is only a datatype: data, value, choice, param and except.
fn is_simple_type(e: &XElem) -> bool {
    e.rng_children().all(|c| {
        matches!(
            c.local.as_str(),
            "data" | "value" | "choice" | "param" | "except"
        ) && is_simple_type(c)
    })
}

impl Compiler<'_> {
    fn error(&mut self, file: &str, line: u32, message: impl Into<String>) {
        self.errors.push(SchemaError {
            file: file.to_owned(),
            line,
            message: message.into(),
        });
    }

    /// Loads and parses a schema file (cached).
    fn load(&mut self, path: &str, from_file: &str, from_line: u32) -> Option<Rc<XElem>> {
        if let Some(root) = self.loaded.get(path) {
            return Some(root.clone());
        }
        let text = match self.files.read(path) {
            Ok(text) => text,
            Err(message) => {
                self.error(from_file, from_line, message);
                return None;
            }
        };
        match xml_tree::from_text(&text) {
            Ok(root) => {
                self.loaded.insert(path.to_owned(), root.clone());
                Some(root)
            }
            Err((line, message)) => {
                self.error(path, line, format!("not well-formed XML: {message}"));
                None
            }
        }
    }

    /// Applies `ns` / `datatypeLibrary` found on `e` to the inherited context.
    fn enter(&mut self, e: &XElem, ctx: &Ctx) -> Ctx {
        let mut ctx = ctx.clone();
        if let Some(ns) = e.attr("ns") {
            ctx.ns = Rc::from(ns);
        }
        if let Some(lib) = e.attr("datatypeLibrary") {
            ctx.dtlib = Rc::from(lib);
        }
        ctx
    }

    /// The root of a loaded file used as a pattern: a grammar gets a fresh scope.
    fn top_pattern(&mut self, root: &Rc<XElem>, ctx: &Ctx, parent: Option<usize>) -> Pat {
        if root.is_rng("grammar") {
            self.grammar_pattern(root, ctx, parent)
        } else {
            self.pattern(root, ctx)
        }
    }

    fn grammar_pattern(&mut self, e: &Rc<XElem>, ctx: &Ctx, parent: Option<usize>) -> Pat {
        let gid = self.grammars.len();
        self.grammars.push(Grammar {
            parent,
            ..Grammar::default()
        });
        let mut ctx = self.enter(e, ctx);
        ctx.gid = gid;
        let mut stack = Vec::new();
        self.collect(gid, e, &ctx, &HashSet::new(), false, &mut stack);
        if self.grammars[gid].start.bodies.is_empty() {
            self.error(&ctx.file, e.line, "<grammar> has no <start>");
            return Pat::NOT_ALLOWED;
        }
        self.define(gid, START_KEY, &ctx.file.clone(), e.line)
    }

    /// Adds the components of a grammar (or div / include) to grammar `gid`.
    fn collect(
        &mut self,
        gid: usize,
        container: &XElem,
        ctx: &Ctx,
        overrides: &HashSet<String>,
        start_overridden: bool,
        stack: &mut Vec<String>,
    ) {
        for child in container.rng_children() {
            let cctx = self.enter(child, ctx);
            match child.local.as_str() {
                "start" => {
                    if !start_overridden {
                        self.add_define(gid, START_KEY, child, &cctx);
                    }
                }
                "define" => {
                    let Some(name) = child.attr("name") else {
                        self.error(&ctx.file, child.line, "<define> without a name");
                        continue;
                    };
                    if !overrides.contains(name.trim()) {
                        self.add_define(gid, name.trim(), child, &cctx);
                    }
                }
                "div" => self.collect(gid, child, &cctx, overrides, start_overridden, stack),
                "include" => self.include(gid, child, &cctx, overrides, start_overridden, stack),
                other => {
                    let other = other.to_owned();
                    self.error(
                        &ctx.file,
                        child.line,
                        format!("<{other}> is not allowed in a <grammar>"),
                    );
                }
            }
        }
    }

    fn include(
        &mut self,
        gid: usize,
        inc: &Rc<XElem>,
        ctx: &Ctx,
        overrides: &HashSet<String>,
        start_overridden: bool,
        stack: &mut Vec<String>,
    ) {
        let Some(href) = inc.attr("href") else {
            self.error(&ctx.file, inc.line, "<include> without href");
            return;
        };
        let path = match resolve_href(&ctx.file, href) {
            Ok(path) => path,
            Err(message) => {
                self.error(&ctx.file, inc.line, message);
                return;
            }
        };
        if stack.contains(&path) || self.loading.contains(&path) {
            self.error(
                &ctx.file,
                inc.line,
                format!("include cycle: '{path}' includes itself"),
            );
            return;
        }
        let Some(root) = self.load(&path, &ctx.file, inc.line) else {
            return;
        };
        if !root.is_rng("grammar") {
            self.error(
                &path,
                root.line,
                "an included file must have a <grammar> root",
            );
            return;
        }
        let mut inner_overrides = overrides.clone();
        let mut inner_start = start_overridden;
        own_components(inc, &mut inner_overrides, &mut inner_start);
        let mut root_ctx = Ctx {
            gid,
            ns: Rc::from(inc.attr("ns").unwrap_or("")),
            dtlib: Rc::from(""),
            file: Rc::from(path.as_str()),
        };
        root_ctx = self.enter(&root, &root_ctx);
        stack.push(path);
        self.collect(gid, &root, &root_ctx, &inner_overrides, inner_start, stack);
        stack.pop();
        // The include's own children behave like a <div>.
        self.collect(gid, inc, ctx, overrides, start_overridden, stack);
    }

    fn add_define(&mut self, gid: usize, name: &str, e: &Rc<XElem>, ctx: &Ctx) {
        let combine = e.attr("combine").map(|c| c.trim().to_owned());
        if let Some(c) = &combine
            && c != "choice"
            && c != "interleave"
        {
            self.error(
                &ctx.file,
                e.line,
                format!("combine must be 'choice' or 'interleave', not '{c}'"),
            );
            return;
        }
        let acc = if name == START_KEY {
            &mut self.grammars[gid].start
        } else {
            self.grammars[gid]
                .defines
                .entry(name.to_owned())
                .or_default()
        };
        // The same file included twice into one grammar contributes its defines once.
        if acc
            .bodies
            .iter()
            .any(|(b, c)| Rc::ptr_eq(b, e) && c.file == ctx.file)
        {
            return;
        }
        let mut problem = None;
        match combine {
            Some(c) => {
                if let Some(old) = &acc.combine
                    && *old != c
                {
                    problem = Some(format!(
                        "'{}' is combined with both '{old}' and '{c}'",
                        display(name)
                    ));
                }
                acc.combine = Some(c);
            }
            None => {
                acc.plain += 1;
                if acc.plain > 1 {
                    problem = Some(format!(
                        "'{}' is defined more than once without a combine attribute",
                        display(name)
                    ));
                }
            }
        }
        acc.bodies.push((e.clone(), ctx.clone()));
        if let Some(message) = problem {
            self.error(&ctx.file, e.line, message);
        }
    }

    /// The compiled pattern of a define (or of the start when `name == START_KEY`).
    fn define(&mut self, gid: usize, name: &str, file: &str, line: u32) -> Pat {
        let key = (gid, name.to_owned());
        match self.defs.get(&key) {
            Some(DefState::Done(p)) => return *p,
            Some(DefState::InProgress) => {
                self.error(
                    file,
                    line,
                    format!(
                        "'{}' refers to itself without an element in between",
                        display(name)
                    ),
                );
                return Pat::NOT_ALLOWED;
            }
            None => {}
        }
        let bodies = match self.grammars.get(gid) {
            Some(g) if name == START_KEY => Some((g.start.bodies.clone(), g.start.combine.clone())),
            Some(g) => g
                .defines
                .get(name)
                .map(|d| (d.bodies.clone(), d.combine.clone())),
            None => None,
        };
        let Some((bodies, combine)) = bodies else {
            self.error(
                file,
                line,
                format!("reference to an undefined pattern '{name}'"),
            );
            return Pat::NOT_ALLOWED;
        };
        self.defs.insert(key.clone(), DefState::InProgress);
        let label = if name == START_KEY { None } else { Some(name) };
        let mut result: Option<Pat> = None;
        for (body, ctx) in &bodies {
            let pat = self.define_body(body, ctx, label);
            result = Some(match result {
                None => pat,
                Some(acc) if combine.as_deref() == Some("interleave") => {
                    p::interleave(&mut self.cat, acc, pat)
                }
                Some(acc) => p::choice(&mut self.cat, acc, pat),
            });
        }
        let pat = result.unwrap_or(Pat::NOT_ALLOWED);
        self.defs.insert(key, DefState::Done(pat));
        pat
    }

    fn define_body(&mut self, body: &Rc<XElem>, ctx: &Ctx, label: Option<&str>) -> Pat {
        // A define that is only a type (data / value choices) names its datatypes in messages:
        // "expected a PCI slot (...)".
        if let Some(label) = label
            && is_simple_type(body)
        {
            let saved = self.type_label.replace(label.to_owned());
            let pat = self.group_children(body, ctx, 0, Combinator::Group);
            self.type_label = saved;
            return pat;
        }
        let children: Vec<&Rc<XElem>> = body.rng_children().collect();
        if let ([only], Some(label)) = (children.as_slice(), label)
            && only.is_rng("data")
        {
            let ctx = self.enter(only, ctx);
            return self.data(only, &ctx, Some(label));
        }
        self.group_children(body, ctx, 0, Combinator::Group)
    }

    /// Compiles the pattern children of `e` (skipping the first `skip`) joined by `how`.
    /// Documentation right after a `<value>` is attached to that value.
    fn group_children(&mut self, e: &XElem, ctx: &Ctx, skip: usize, how: Combinator) -> Pat {
        let mut result: Option<Pat> = None;
        let mut last_value: Option<ValueId> = None;
        let mut seen = 0;
        let mut branches = Vec::new();
        for child in &e.children {
            let XChild::Elem(child) = child else { continue };
            if *child.ns == *ANNOTATIONS_NS && child.local == "documentation" {
                if let Some(v) = last_value.take() {
                    let doc = crate::docs::clean(&child.text());
                    if let Some(def) = self.cat.values.get_mut(v.0 as usize) {
                        def.doc.get_or_insert(doc.into());
                    }
                }
                continue;
            }
            if *child.ns != *RNG_NS {
                continue;
            }
            seen += 1;
            if seen <= skip {
                continue;
            }
            let pat = self.pattern(child, ctx);
            last_value = match self.cat.node(pat) {
                Node::Value(v) if child.is_rng("value") => Some(v),
                _ => None,
            };
            if matches!(how, Combinator::Interleave) {
                branches.push(pat);
            }
            result = Some(match result {
                None => pat,
                Some(acc) => match how {
                    Combinator::Group => p::group(&mut self.cat, acc, pat),
                    Combinator::Interleave => p::interleave(&mut self.cat, acc, pat),
                    Combinator::Choice => p::choice(&mut self.cat, acc, pat),
                },
            });
        }
        if let Some(pat) = result {
            crate::libxml2_order::record_branches(&mut self.cat, pat, branches);
        }
        match result {
            Some(pat) => pat,
            None => {
                self.error(
                    &ctx.file,
                    e.line,
                    format!("<{}> needs at least one pattern inside", e.local),
                );
                Pat::NOT_ALLOWED
            }
        }
    }

    fn pattern(&mut self, e: &Rc<XElem>, ctx: &Ctx) -> Pat {
        if *e.ns != *RNG_NS {
            return Pat::EMPTY;
        }
        let ctx = self.enter(e, ctx);
        let ctx = &ctx;
        match e.local.as_str() {
            "element" => self.element(e, ctx),
            "attribute" => self.attribute(e, ctx),
            "group" => self.group_children(e, ctx, 0, Combinator::Group),
            "interleave" => self.group_children(e, ctx, 0, Combinator::Interleave),
            "choice" => self.group_children(e, ctx, 0, Combinator::Choice),
            "optional" => {
                let inner = self.group_children(e, ctx, 0, Combinator::Group);
                p::optional(&mut self.cat, inner)
            }
            "zeroOrMore" => {
                let inner = self.group_children(e, ctx, 0, Combinator::Group);
                p::zero_or_more(&mut self.cat, inner)
            }
            "oneOrMore" => {
                let inner = self.group_children(e, ctx, 0, Combinator::Group);
                p::one_or_more(&mut self.cat, inner)
            }
            "mixed" => {
                let inner = self.group_children(e, ctx, 0, Combinator::Group);
                p::interleave(&mut self.cat, inner, Pat::TEXT)
            }
            "list" => {
                let inner = self.group_children(e, ctx, 0, Combinator::Group);
                p::list(&mut self.cat, inner)
            }
            "empty" => Pat::EMPTY,
            "text" => Pat::TEXT,
            "notAllowed" => Pat::NOT_ALLOWED,
            "ref" | "parentRef" => {
                let Some(name) = e.attr("name") else {
                    self.error(&ctx.file, e.line, format!("<{}> without a name", e.local));
                    return Pat::NOT_ALLOWED;
                };
                let gid = if e.local == "ref" {
                    Some(ctx.gid)
                } else {
                    self.grammars.get(ctx.gid).and_then(|g| g.parent)
                };
                match gid {
                    Some(gid) if gid < self.grammars.len() => {
                        self.define(gid, name.trim(), &ctx.file, e.line)
                    }
                    _ => {
                        self.error(
                            &ctx.file,
                            e.line,
                            format!("<{}> outside of a grammar that defines it", e.local),
                        );
                        Pat::NOT_ALLOWED
                    }
                }
            }
            "externalRef" => self.external_ref(e, ctx),
            "grammar" => {
                let parent = (ctx.gid < self.grammars.len()).then_some(ctx.gid);
                self.grammar_pattern(e, ctx, parent)
            }
            "value" => self.value(e, ctx),
            "data" => self.data(e, ctx, None),
            other => {
                let other = other.to_owned();
                self.error(&ctx.file, e.line, format!("<{other}> is not a pattern"));
                Pat::NOT_ALLOWED
            }
        }
    }

    fn external_ref(&mut self, e: &XElem, ctx: &Ctx) -> Pat {
        let Some(href) = e.attr("href") else {
            self.error(&ctx.file, e.line, "<externalRef> without href");
            return Pat::NOT_ALLOWED;
        };
        let path = match resolve_href(&ctx.file, href) {
            Ok(path) => path,
            Err(message) => {
                self.error(&ctx.file, e.line, message);
                return Pat::NOT_ALLOWED;
            }
        };
        if self.loading.contains(&path) {
            self.error(
                &ctx.file,
                e.line,
                format!("externalRef cycle through '{path}'"),
            );
            return Pat::NOT_ALLOWED;
        }
        let Some(root) = self.load(&path, &ctx.file, e.line) else {
            return Pat::NOT_ALLOWED;
        };
        let root_ctx = Ctx {
            gid: usize::MAX,
            ns: Rc::from(e.attr("ns").unwrap_or(&ctx.ns)),
            dtlib: Rc::from(""),
            file: Rc::from(path.as_str()),
        };
        self.loading.push(path);
        let parent = (ctx.gid < self.grammars.len()).then_some(ctx.gid);
        let pat = self.top_pattern(&root, &root_ctx, parent);
        self.loading.pop();
        pat
    }

    fn element(&mut self, e: &Rc<XElem>, ctx: &Ctx) -> Pat {
        let (name, skip) = match e.attr("name") {
            Some(qname) => (self.qname_class(e, ctx, qname, true), 0),
            None => (self.first_name_class(e, ctx), 1),
        };
        let id = ElemId(self.cat.elements.len() as u32);
        self.cat.elements.push(ElementDef {
            name,
            content: Pat::NOT_ALLOWED,
            doc: e.documentation().map(Into::into),
            since: e.since(),
            location: Location {
                file: ctx.file.to_string().into(),
                line: e.line,
            },
        });
        self.pending.push((id, e.clone(), ctx.clone(), skip == 1));
        self.cat.intern(Node::Element(id))
    }

    fn drain_pending(&mut self) {
        while let Some((id, e, ctx, skip_first)) = self.pending.pop() {
            let content = self.group_children(&e, &ctx, usize::from(skip_first), Combinator::Group);
            self.cat.elements[id.0 as usize].content = content;
        }
    }

    fn attribute(&mut self, e: &Rc<XElem>, ctx: &Ctx) -> Pat {
        let (name, skip) = match e.attr("name") {
            Some(qname) => (self.qname_class(e, ctx, qname, false), 0),
            None => (self.first_name_class(e, ctx), 1),
        };
        let has_content = e.rng_children().count() > skip;
        let content = if has_content {
            self.group_children(e, ctx, skip, Combinator::Group)
        } else {
            Pat::TEXT
        };
        let id = AttrId(self.cat.attributes.len() as u32);
        self.cat.attributes.push(AttributeDef {
            name,
            doc: e.documentation().map(Into::into),
            default: e.attr_ns(ANNOTATIONS_NS, "defaultValue").map(str::to_owned),
            since: e.since(),
            location: Location {
                file: ctx.file.to_string().into(),
                line: e.line,
            },
        });
        self.cat.intern(Node::Attribute(name, content, id))
    }

    /// A name class from a `name` attribute: unprefixed element names take the inherited
    /// namespace, unprefixed attribute names the empty one (unless `ns` is on the attribute).
    fn qname_class(&mut self, e: &XElem, ctx: &Ctx, qname: &str, is_element: bool) -> NcId {
        let qname = qname.trim();
        let (ns, local) = match qname.split_once(':') {
            Some((prefix, local)) => match e.resolve_prefix(prefix) {
                Some(uri) => (uri.to_owned(), local),
                None => {
                    self.error(
                        &ctx.file,
                        e.line,
                        format!("undeclared namespace prefix '{prefix}'"),
                    );
                    (String::new(), local)
                }
            },
            None if is_element => (ctx.ns.to_string(), qname),
            None => (e.attr("ns").unwrap_or("").to_owned(), qname),
        };
        let ns = self.cat.names.intern(&ns);
        let local = self.cat.names.intern(local);
        self.cat.name_classes.add(NameClass::Name { ns, local })
    }

    fn first_name_class(&mut self, e: &XElem, ctx: &Ctx) -> NcId {
        match e.rng_children().next() {
            Some(first) => {
                let first = first.clone();
                self.name_class(&first, ctx)
            }
            None => {
                self.error(
                    &ctx.file,
                    e.line,
                    format!("<{}> has neither a name nor a name class", e.local),
                );
                let empty = self.cat.names.intern("");
                self.cat.name_classes.add(NameClass::Name {
                    ns: empty,
                    local: empty,
                })
            }
        }
    }

    fn name_class(&mut self, e: &XElem, ctx: &Ctx) -> NcId {
        let ctx = self.enter(e, ctx);
        match e.local.as_str() {
            "name" => {
                let text = e.text();
                self.qname_class(e, &ctx, &text, true)
            }
            "anyName" => {
                let except = self.except_class(e, &ctx);
                self.cat.name_classes.add(NameClass::AnyName { except })
            }
            "nsName" => {
                let except = self.except_class(e, &ctx);
                let ns = self.cat.names.intern(&ctx.ns);
                self.cat.name_classes.add(NameClass::NsName { ns, except })
            }
            "choice" => {
                let children: Vec<Rc<XElem>> = e.rng_children().cloned().collect();
                let mut acc: Option<NcId> = None;
                for child in children {
                    let nc = self.name_class(&child, &ctx);
                    acc = Some(match acc {
                        None => nc,
                        Some(a) => self.cat.name_classes.add(NameClass::Choice(a, nc)),
                    });
                }
                acc.unwrap_or_else(|| {
                    self.error(&ctx.file, e.line, "empty name class <choice>");
                    let empty = self.cat.names.intern("");
                    self.cat.name_classes.add(NameClass::Name {
                        ns: empty,
                        local: empty,
                    })
                })
            }
            other => {
                let other = other.to_owned();
                self.error(&ctx.file, e.line, format!("<{other}> is not a name class"));
                let empty = self.cat.names.intern("");
                self.cat.name_classes.add(NameClass::Name {
                    ns: empty,
                    local: empty,
                })
            }
        }
    }

    fn except_class(&mut self, e: &XElem, ctx: &Ctx) -> Option<NcId> {
        let except = e.rng_children().find(|c| c.local == "except")?.clone();
        let ctx = self.enter(&except, ctx);
        let children: Vec<Rc<XElem>> = except.rng_children().cloned().collect();
        let mut acc: Option<NcId> = None;
        for child in children {
            let nc = self.name_class(&child, &ctx);
            acc = Some(match acc {
                None => nc,
                Some(a) => self.cat.name_classes.add(NameClass::Choice(a, nc)),
            });
        }
        acc
    }

    fn base_type(&mut self, e: &XElem, ctx: &Ctx, lib: &str, name: &str) -> BaseType {
        match BaseType::resolve(lib, name.trim()) {
            Some(base) => base,
            None => {
                let lib_text = if lib.is_empty() {
                    "the built-in library".to_owned()
                } else {
                    format!("'{lib}'")
                };
                self.error(
                    &ctx.file,
                    e.line,
                    format!("unknown datatype '{name}' in {lib_text}"),
                );
                BaseType::String
            }
        }
    }

    fn value(&mut self, e: &XElem, ctx: &Ctx) -> Pat {
        let base = match e.attr("type") {
            Some(t) => {
                let lib = ctx.dtlib.clone();
                self.base_type(e, ctx, &lib, t)
            }
            None => BaseType::Token,
        };
        let raw = e.text();
        let normalized = base.normalize(&raw).into_owned();
        let id = ValueId(self.cat.values.len() as u32);
        self.cat.values.push(ValueDef {
            base,
            raw,
            normalized,
            doc: None,
            since: e.since(),
        });
        self.cat.intern(Node::Value(id))
    }

    fn data(&mut self, e: &XElem, ctx: &Ctx, label: Option<&str>) -> Pat {
        let type_name = e.attr("type").unwrap_or("").to_owned();
        let lib = ctx.dtlib.clone();
        let base = self.base_type(e, ctx, &lib, &type_name);
        let mut dt = Datatype::new(base);
        dt.label = label.map(str::to_owned).or_else(|| self.type_label.clone());
        let mut except = None;
        for child in e.rng_children() {
            match child.local.as_str() {
                "param" => {
                    let name = child.attr("name").unwrap_or("").trim().to_owned();
                    if let Err(message) = dt.add_param(&name, &child.text()) {
                        self.errors.push(SchemaError {
                            file: ctx.file.to_string(),
                            line: child.line,
                            message,
                        });
                    }
                }
                "except" => except = Some(child.clone()),
                other => {
                    let other = other.to_owned();
                    self.error(
                        &ctx.file,
                        child.line,
                        format!("<{other}> is not allowed in <data>"),
                    );
                }
            }
        }
        let id = DtId(self.cat.datatypes.len() as u32);
        self.cat.datatypes.push(dt);
        match except {
            Some(ex) => {
                let ex_ctx = self.enter(&ex, ctx);
                let ex_pat = self.group_children(&ex, &ex_ctx, 0, Combinator::Choice);
                self.cat.intern(Node::DataExcept(id, ex_pat))
            }
            None => self.cat.intern(Node::Data(id)),
        }
    }
}

#[derive(Clone, Copy)]
enum Combinator {
    Group,
    Interleave,
    Choice,
}

/// Names of the defines (and whether a start) directly in an include (through divs): those
/// override the included grammar's components.
fn own_components(e: &XElem, names: &mut HashSet<String>, start: &mut bool) {
    for child in e.rng_children() {
        match child.local.as_str() {
            "define" => {
                if let Some(n) = child.attr("name") {
                    names.insert(n.trim().to_owned());
                }
            }
            "start" => *start = true,
            "div" => own_components(child, names, start),
            _ => {}
        }
    }
}

fn display(name: &str) -> &str {
    if name == START_KEY { "<start>" } else { name }
}
