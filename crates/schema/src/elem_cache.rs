//! Validation results of whole elements and of runs of siblings, reused across validations of
//! edited documents.
//!
//! Validating an element (or a chunk of a long child list, `domxml_syntax::chunk`, treated as
//! one here) is a function of its green node (immutable, shared by every version
//! of a document that did not touch it), the derivative state it is entered with, and a little
//! context: the namespace declarations in scope (compared in full), its depth (for the depth limit) and whether
//! the too-deep note was already given. Only an element that was itself not allowed where it
//! stands also reads its siblings and parent (for the message), and is not cached. The result
//! is the state after the element and its diagnostics, kept with ranges relative to the
//! element's start so that they move with it. Three tables:
//!
//! - by the state the parent was in before the element (`get`/`put`): the state after it too;
//! - by the element's own content state (`get_content`/`put_content`): when one definition
//!   matches, the element's diagnostics depend on that state only, not on the parent's state,
//!   so an edit that changes the parent's state for every later sibling (a `<watchdog>` typed
//!   into `<devices>`) still reuses each sibling's own validation;
//!
//! and the names of the elements in each chunk (`names_in`), for the message about a misplaced
//! element, which names its earlier siblings.
//!
//! Keys hold a node's address; each entry keeps its node(s) alive, so an address cannot be
//! reused by another node while its entry exists. Wide elements and chunks (many children) and
//! name sets not used by the last two validations are dropped at once; the others are swept
//! when their tables doubled since the last sweep, keeping those the last two validations used
//! and the members of the chunks kept (a chunk hit does not touch its members, but they are
//! needed again when the chunk's entry state changes).

use std::sync::Arc;

use domxml_syntax::{GreenNode, TextRange, TextSize};

/// Rowan's green node type, named through `GreenNode`'s `Deref`.
type GreenNodeData = <GreenNode as std::ops::Deref>::Target;

use crate::diagnostic::Diagnostic;
use crate::doc_walk::{GElem, Item, parts_of};
use crate::pattern::Pat;
use rustc_hash::{FxHashMap, FxHashSet};

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Key {
    /// The green node's address.
    pub node: usize,
    pub state: Pat,
    pub depth: u32,
    pub too_deep_reported: bool,
}

pub(crate) struct Entry {
    /// Keeps `Key::node` from being freed and reused.
    node: GreenNode,
    /// The namespace declarations in scope when it was validated.
    ns: Arc<[(String, String)]>,
    pub after: Pat,
    /// Relative to the element's start.
    pub diagnostics: Box<[Diagnostic]>,
    /// The walk reported the too-deep note inside this element.
    pub reported_too_deep: bool,
    used: u64,
}

/// What validating an element (or a run of siblings) gave.
pub(crate) struct Outcome<'d> {
    pub after: Pat,
    pub diagnostics: &'d [Diagnostic],
    pub reported_too_deep: bool,
}

/// The names of a chunk's elements.
struct Names {
    /// Keeps the chunk's address from being reused.
    _node: GreenNode,
    names: Arc<[Box<str>]>,
    used: u64,
}

/// Elements with this many children (elements, text, tags) are dropped from the tables soon
/// after their last use (`ElemCache::young`).
const WIDE: usize = 32;

/// Element tables are not swept below this size.
const MIN_SWEEP: usize = 4096;

#[derive(Default)]
pub(crate) struct ElemCache {
    map: FxHashMap<Key, Entry>,
    by_content: FxHashMap<Key, Entry>,
    names: FxHashMap<usize, Names>,
    generation: u64,
    /// Elements kept by the last sweep.
    swept_len: usize,
    /// Wide elements recorded by the last validations, oldest first (generation, by content,
    /// key): those no later validation used are dropped two validations on, without a sweep
    /// (the ancestors of each edit, new at every keystroke, would otherwise pile up, each with
    /// its array of children). Narrow elements wait for the sweep: they may be members of a
    /// run, which does not mark them used.
    young: std::collections::VecDeque<(u64, bool, Key)>,
}

fn same_ns(a: &Arc<[(String, String)]>, b: &Arc<[(String, String)]>) -> bool {
    Arc::ptr_eq(a, b) || a == b
}

/// `diagnostics` relative to `start`, or None when one lies before it.
fn relative(diagnostics: &[Diagnostic], start: TextSize) -> Option<Box<[Diagnostic]>> {
    let mut out = Vec::with_capacity(diagnostics.len());
    for d in diagnostics {
        if d.range.start() < start {
            return None;
        }
        let mut d = d.clone();
        d.range = TextRange::new(d.range.start() - start, d.range.end() - start);
        out.push(d);
    }
    Some(out.into())
}

fn lookup<'m>(
    map: &'m mut FxHashMap<Key, Entry>,
    generation: u64,
    key: &Key,
    ns: &Arc<[(String, String)]>,
) -> Option<&'m Entry> {
    let entry = map.get_mut(key)?;
    if !same_ns(&entry.ns, ns) {
        return None;
    }
    entry.used = generation;
    Some(entry)
}

impl ElemCache {
    /// Starts a validation.
    pub fn begin(&mut self) {
        self.generation += 1;
    }

    /// Ends a validation: forgets the runs the last two did not use, and sweeps the elements
    /// when their tables doubled.
    pub fn end(&mut self) {
        let keep_from = self.generation.saturating_sub(1);
        self.names.retain(|_, n| n.used >= keep_from);
        while let Some(&(generation, by_content, key)) = self.young.front() {
            if generation >= keep_from {
                break;
            }
            self.young.pop_front();
            let map = if by_content {
                &mut self.by_content
            } else {
                &mut self.map
            };
            if map.get(&key).is_some_and(|e| e.used < keep_from) {
                map.remove(&key);
            }
        }
        let len = self.map.len() + self.by_content.len();
        if len <= MIN_SWEEP.max(2 * self.swept_len) {
            return;
        }
        // The members of the chunks kept, and theirs: a chunk hit does not mark them used.
        let is_chunk = |n: &GreenNodeData| n.kind() == domxml_syntax::SyntaxKind::CHUNK.into();
        let mut kept: FxHashSet<usize> = FxHashSet::default();
        let mut work: Vec<&GreenNodeData> = self
            .map
            .values()
            .filter(|e| e.used >= keep_from && is_chunk(&e.node))
            .map(|e| &*e.node)
            .collect();
        while let Some(chunk) = work.pop() {
            for child in chunk.children().filter_map(|c| c.into_node()) {
                if kept.insert(std::ptr::from_ref(child) as usize) && is_chunk(child) {
                    work.push(child);
                }
            }
        }
        self.map
            .retain(|k, e| e.used >= keep_from || kept.contains(&k.node));
        kept.extend(self.map.keys().map(|k| k.node));
        self.by_content
            .retain(|k, e| e.used >= keep_from || kept.contains(&k.node));
        self.swept_len = self.map.len() + self.by_content.len();
    }

    /// The result for an element entered as `key` says, under the declarations `ns`.
    pub fn get(&mut self, key: &Key, ns: &Arc<[(String, String)]>) -> Option<&Entry> {
        lookup(&mut self.map, self.generation, key, ns)
    }

    /// The result for an element whose own content state (after its start tag opened, before
    /// its attributes) is `key.state`, under the declarations `ns` (its own included).
    pub fn get_content(&mut self, key: &Key, ns: &Arc<[(String, String)]>) -> Option<&Entry> {
        lookup(&mut self.by_content, self.generation, key, ns)
    }

    /// Records an element's result; its diagnostics are absolute and must lie at or after
    /// `start` (otherwise nothing is recorded).
    pub fn put(
        &mut self,
        key: Key,
        node: GreenNode,
        ns: Arc<[(String, String)]>,
        start: TextSize,
        outcome: Outcome<'_>,
    ) {
        self.insert(false, key, node, ns, start, outcome);
    }

    /// Records an element's result by its own content state (`get_content`).
    pub fn put_content(
        &mut self,
        key: Key,
        node: GreenNode,
        ns: Arc<[(String, String)]>,
        start: TextSize,
        outcome: Outcome<'_>,
    ) {
        self.insert(true, key, node, ns, start, outcome);
    }

    fn insert(
        &mut self,
        by_content: bool,
        key: Key,
        node: GreenNode,
        ns: Arc<[(String, String)]>,
        start: TextSize,
        outcome: Outcome<'_>,
    ) {
        let Some(diagnostics) = relative(outcome.diagnostics, start) else {
            return;
        };
        let wide = node.children().len() >= WIDE;
        let entry = Entry {
            node,
            ns,
            after: outcome.after,
            diagnostics,
            reported_too_deep: outcome.reported_too_deep,
            used: self.generation,
        };
        let map = if by_content {
            &mut self.by_content
        } else {
            &mut self.map
        };
        map.insert(key, entry);
        if wide {
            self.young.push_back((self.generation, by_content, key));
        }
    }

    /// The names (as written) of the elements in `chunk`, nested chunks included.
    pub fn names_in(&mut self, chunk: GElem<'_>) -> Arc<[Box<str>]> {
        let address = std::ptr::from_ref(chunk.green()) as usize;
        if let Some(entry) = self.names.get_mut(&address) {
            entry.used = self.generation;
            return entry.names.clone();
        }
        let mut names: Vec<Box<str>> = Vec::new();
        for item in crate::doc_walk::chunk_items(chunk) {
            match item {
                Item::Element(e) => {
                    if let Some(n) = parts_of(e, false).name {
                        names.push(n.text().into());
                    }
                }
                // Chunks nest a few levels at most.
                Item::Chunk(c) => names.extend(self.names_in(c).iter().cloned()),
                Item::Text { .. } => {}
            }
        }
        names.sort_unstable();
        names.dedup();
        let names: Arc<[Box<str>]> = names.into();
        self.names.insert(
            address,
            Names {
                _node: chunk.green().to_owned(),
                names: names.clone(),
                used: self.generation,
            },
        );
        names
    }
}
