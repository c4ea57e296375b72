//! Validation results of whole elements, reused across validations of edited documents.
//!
//! Validating an element is a function of its green node (immutable, shared by every version
//! of a document that did not touch it), the derivative state it is entered with, and a little
//! context: the namespace declarations in scope (compared in full), its depth (for the depth limit) and whether
//! the too-deep note was already given. Only an element that was itself not allowed where it
//! stands also reads its siblings and parent (for the message), and is not cached. The result
//! is the state after the element and its diagnostics, kept with ranges relative to the
//! element's start so that they move with it.
//!
//! Keys hold the node's address; each entry keeps its node alive, so an address cannot be
//! reused by another node while its entry exists. Entries not used by the last two validations
//! are dropped, so the cache stays the size of the documents being edited.

use std::sync::Arc;

use domxml_syntax::{GreenNode, TextRange, TextSize};

use crate::diagnostic::Diagnostic;
use crate::pattern::Pat;
use rustc_hash::FxHashMap;

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
    _node: GreenNode,
    /// The namespace declarations in scope when it was validated.
    ns: Arc<[(String, String)]>,
    pub after: Pat,
    /// Relative to the element's start.
    pub diagnostics: Box<[Diagnostic]>,
    /// The walk reported the too-deep note inside this element.
    pub reported_too_deep: bool,
    used: u64,
}

/// What validating an element gave.
pub(crate) struct Outcome<'d> {
    pub after: Pat,
    pub diagnostics: &'d [Diagnostic],
    pub reported_too_deep: bool,
}

#[derive(Default)]
pub(crate) struct ElemCache {
    map: FxHashMap<Key, Entry>,
    generation: u64,
}

impl ElemCache {
    /// Starts a validation.
    pub fn begin(&mut self) {
        self.generation += 1;
    }

    /// Ends a validation: forgets what the last two did not use.
    pub fn end(&mut self) {
        let keep_from = self.generation.saturating_sub(1);
        self.map.retain(|_, e| e.used >= keep_from);
    }

    /// The result for an element entered as `key` says, under the declarations `ns`.
    pub fn get(&mut self, key: &Key, ns: &Arc<[(String, String)]>) -> Option<&Entry> {
        let generation = self.generation;
        let entry = self.map.get_mut(key)?;
        if !(Arc::ptr_eq(&entry.ns, ns) || entry.ns == *ns) {
            return None;
        }
        entry.used = generation;
        Some(entry)
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
        let Outcome {
            after,
            diagnostics,
            reported_too_deep,
        } = outcome;
        let mut relative = Vec::with_capacity(diagnostics.len());
        for d in diagnostics {
            if d.range.start() < start {
                return;
            }
            let mut d = d.clone();
            d.range = TextRange::new(d.range.start() - start, d.range.end() - start);
            relative.push(d);
        }
        self.map.insert(
            key,
            Entry {
                _node: node,
                ns,
                after,
                diagnostics: relative.into(),
                reported_too_deep,
                used: self.generation,
            },
        );
    }
}
