//! Open documents: an ide [`Document`] (text, incremental tree, line index) with its URI and
//! version.
//!
//! Edits are queued in the order the client sent them (synchronously, in the notification
//! handler) and applied off the server's task by one applier per document, so that a large
//! change never holds up the requests behind it. Each entry keeps the newest *applied* snapshot
//! readable while the next one is built: a request waits a short while for pending edits (typing
//! is applied in well under that, so requests see the text the client sees) and otherwise
//! answers from that snapshot.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use domxml_ide::Document;
use domxml_ide::diagnostics::Replacement;
use domxml_syntax::{PositionEncoding, TextEdit, TextRange, TextSize};
use tower_lsp_server::ls_types::TextDocumentContentChangeEvent;

use super::convert::Lines;

#[derive(Clone)]
pub struct Doc {
    pub uri: String,
    pub document: Document,
    pub version: i32,
    /// The latest edits, so that what was found in an older snapshot of this document can be
    /// moved to where it stands now.
    journal: Arc<Journal>,
}

/// Numbers the documents opened.
static OPENED: AtomicU64 = AtomicU64::new(0);

/// How many edits a document remembers.
const JOURNAL_LEN: usize = 256;

/// The last [`JOURNAL_LEN`] edits applied since the document was opened, numbered from 1.
#[derive(Clone, Default)]
struct Journal {
    /// Tells documents opened apart (also the same URI opened again).
    opened: u64,
    /// How many edits were applied in all.
    applied: u64,
    recent: VecDeque<Replacement>,
}

/// Where a snapshot stands in its document's history of edits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    opened: u64,
    applied: u64,
}

/// A consistent view of one document for a request or an analysis.
pub type Snapshot = Doc;

impl Doc {
    pub fn new(uri: String, text: String, version: i32) -> Doc {
        Doc {
            uri,
            document: Document::new(text),
            version,
            journal: Arc::new(Journal {
                opened: OPENED.fetch_add(1, Ordering::Relaxed),
                ..Journal::default()
            }),
        }
    }

    pub fn mark(&self) -> Mark {
        Mark {
            opened: self.journal.opened,
            applied: self.journal.applied,
        }
    }

    /// The edits that lead from the snapshot at `since` to this one, in order; None when they
    /// are forgotten (or `since` is not an older snapshot of this document).
    pub fn edits_since(&self, since: Mark) -> Option<Vec<Replacement>> {
        let j = &self.journal;
        if j.opened != since.opened {
            return None;
        }
        let count = usize::try_from(j.applied.checked_sub(since.applied)?).ok()?;
        let skip = j.recent.len().checked_sub(count)?;
        Some(j.recent.iter().skip(skip).copied().collect())
    }

    fn record(&mut self, delete: TextRange, inserted: usize) {
        let journal = Arc::make_mut(&mut self.journal);
        journal.applied += 1;
        if journal.recent.len() == JOURNAL_LEN {
            journal.recent.pop_front();
        }
        journal.recent.push_back(Replacement {
            delete,
            inserted: TextSize::try_from(inserted).unwrap_or(TextSize::from(u32::MAX)),
        });
    }

    pub fn lines(&self, encoding: PositionEncoding) -> Lines<'_> {
        Lines {
            document: &self.document,
            encoding,
        }
    }

    /// Applies the changes of one `didChange` in order.
    pub fn apply(
        &mut self,
        changes: Vec<TextDocumentContentChangeEvent>,
        version: i32,
        encoding: PositionEncoding,
    ) {
        for change in changes {
            let (delete, inserted) = match change.range {
                None => {
                    let all = TextRange::up_to(self.document.len());
                    let inserted = change.text.len();
                    self.document.replace_all(change.text);
                    (all, inserted)
                }
                Some(range) => {
                    let delete: TextRange = self.lines(encoding).text_range(range);
                    let inserted = change.text.len();
                    self.document
                        .apply_edit(&TextEdit::new(delete, change.text));
                    (delete, inserted)
                }
            };
            self.record(delete, inserted);
        }
        self.version = version;
    }
}

/// The changes of one `didChange`, not applied yet.
pub struct Change {
    pub changes: Vec<TextDocumentContentChangeEvent>,
    pub version: i32,
}

/// One open document.
struct Entry {
    /// The newest applied version: what requests and the analysis read.
    doc: Doc,
    /// Changes received but not taken by the applier yet, oldest first.
    queued: Vec<Change>,
    /// True while an applier works on this entry.
    applying: bool,
    /// The newest version received (applied or not): older changes are dropped.
    received: i32,
    /// Tells an applier whether the document it works on is still this one (not closed and
    /// opened again meanwhile).
    generation: u64,
}

/// What an applier needs to take the next batch of one document's changes.
#[derive(Clone)]
pub struct Ticket {
    pub uri: String,
    generation: u64,
}

#[derive(Default)]
pub struct Store {
    docs: HashMap<String, Entry>,
    generations: u64,
}

/// How long a request waits for pending edits before it answers from the newest applied
/// snapshot: 50 ms, or `DOMXML_EDIT_WAIT_MS`.
pub fn edit_wait() -> Duration {
    static WAIT: std::sync::OnceLock<Duration> = std::sync::OnceLock::new();
    *WAIT.get_or_init(|| {
        std::env::var("DOMXML_EDIT_WAIT_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .map_or(Duration::from_millis(50), Duration::from_millis)
    })
}

impl Store {
    /// Opens (or opens again) a document; true when it replaced an open one.
    pub fn open(&mut self, doc: Doc) -> bool {
        self.generations += 1;
        let entry = Entry {
            received: doc.version,
            doc,
            queued: Vec::new(),
            applying: false,
            generation: self.generations,
        };
        self.docs.insert(entry.doc.uri.clone(), entry).is_some()
    }

    pub fn close(&mut self, uri: &str) {
        self.docs.remove(uri);
    }

    pub fn uris(&self) -> Vec<String> {
        self.docs.keys().cloned().collect()
    }

    /// The newest applied snapshot.
    pub fn get(&self, uri: &str) -> Option<Doc> {
        self.docs.get(uri).map(|e| e.doc.clone())
    }

    /// The newest applied version.
    pub fn version(&self, uri: &str) -> Option<i32> {
        self.docs.get(uri).map(|e| e.doc.version)
    }

    /// The newest applied snapshot, and whether changes are still pending.
    pub fn latest(&self, uri: &str) -> Option<(Doc, bool)> {
        let e = self.docs.get(uri)?;
        Some((e.doc.clone(), e.applying || !e.queued.is_empty()))
    }

    /// Queues a change; returns a ticket when the caller must start an applier for it (none is
    /// running). Stale or repeated versions are dropped.
    pub fn queue(&mut self, uri: &str, change: Change) -> Option<Ticket> {
        let e = self.docs.get_mut(uri)?;
        if change.version <= e.received {
            return None;
        }
        e.received = change.version;
        e.queued.push(change);
        if e.applying {
            return None;
        }
        e.applying = true;
        Some(Ticket {
            uri: uri.to_string(),
            generation: e.generation,
        })
    }

    /// The applier's next batch: the snapshot to apply it to and the queued changes. None (and
    /// the applier ends) when nothing is queued or the document was closed.
    pub fn take(&mut self, ticket: &Ticket) -> Option<(Doc, Vec<Change>)> {
        let e = self
            .docs
            .get_mut(&ticket.uri)
            .filter(|e| e.generation == ticket.generation)?;
        if e.queued.is_empty() {
            e.applying = false;
            return None;
        }
        Some((e.doc.clone(), std::mem::take(&mut e.queued)))
    }

    /// Installs an applied snapshot; false when the document was closed meanwhile.
    pub fn install(&mut self, ticket: &Ticket, doc: Doc) -> bool {
        match self
            .docs
            .get_mut(&ticket.uri)
            .filter(|e| e.generation == ticket.generation)
        {
            Some(e) => {
                e.doc = doc;
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::{Position, Range};

    fn insert(at: u32, text: &str, version: i32) -> Change {
        let p = Position::new(0, at);
        Change {
            changes: vec![TextDocumentContentChangeEvent {
                range: Some(Range::new(p, p)),
                range_length: None,
                text: text.into(),
            }],
            version,
        }
    }

    #[test]
    fn changes_apply_in_order_and_stale_ones_are_dropped() {
        let mut store = Store::default();
        store.open(Doc::new("u".into(), "<a/>".into(), 1));
        let ticket = store
            .queue("u", insert(1, "b", 2))
            .expect("starts an applier");
        assert!(store.queue("u", insert(2, "c", 3)).is_none(), "one applier");
        assert!(store.queue("u", insert(0, "zz", 3)).is_none(), "stale");
        assert_eq!(store.latest("u").map(|(_, pending)| pending), Some(true));
        let (mut doc, batch) = store.take(&ticket).expect("queued");
        assert_eq!(batch.len(), 2);
        for c in batch {
            doc.apply(c.changes, c.version, PositionEncoding::Utf16);
        }
        assert!(store.install(&ticket, doc));
        assert!(store.take(&ticket).is_none());
        let (doc, pending) = store.latest("u").expect("open");
        assert!(!pending);
        assert_eq!((doc.document.text(), doc.version), ("<bca/>", 3));
    }

    #[test]
    fn an_applier_of_a_closed_document_installs_nothing() {
        let mut store = Store::default();
        store.open(Doc::new("u".into(), "<a/>".into(), 1));
        let ticket = store
            .queue("u", insert(1, "b", 2))
            .expect("starts an applier");
        let (doc, _) = store.take(&ticket).expect("queued");
        store.close("u");
        store.open(Doc::new("u".into(), "<x/>".into(), 1));
        assert!(!store.install(&ticket, doc));
        assert_eq!(store.get("u").map(|d| d.version), Some(1));
        assert!(store.take(&ticket).is_none());
    }
}
