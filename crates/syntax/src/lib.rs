//! domxml-syntax: lossless, error-tolerant XML syntax tree (rowan) with incremental reparsing; never depends on schema, ide or LSP.
//!
//! Every byte of the input ends up in the tree, whatever the input: `parse(text).syntax().text() == text`.
//! Problems are reported as [`SyntaxError`] values with byte ranges. Nothing is ever fetched or
//! expanded: no DTD processing, no external entities.

pub mod ast;
mod builder;
pub mod chunk;
pub mod elements;
mod error;
mod green;
mod kind;
mod line_index;
mod parser;
mod refs;
mod reparse;
mod text;

use std::sync::Arc;

pub use elements::ElementTable;
pub use error::{ErrorCode, SyntaxError};
pub use kind::{SyntaxElement, SyntaxKind, SyntaxNode, SyntaxToken, XmlLanguage};
pub use line_index::{LineCol, LineIndex, PositionEncoding, column_offset};
pub use parser::MAX_DEPTH;
pub use refs::decode as decode_references;
pub use rowan::{Children as GreenChildren, GreenNode, TextRange, TextSize, WalkEvent};
pub use text::{Rope, TextSource};

/// The result of parsing: a tree and its errors (sorted by position). Cheap to clone.
#[derive(Debug, Clone)]
pub struct Parse {
    green: GreenNode,
    errors: Arc<[SyntaxError]>,
    /// The root element's table, when the parse recorded it ([`parse_with_elements`]).
    elements: Option<Arc<ElementTable>>,
}

/// Two parses are equal when their trees (with chunks taken away: where a long child list is
/// cut depends on the edits that led to it) and errors are; the table is derived from the tree.
impl PartialEq for Parse {
    fn eq(&self, other: &Self) -> bool {
        self.errors == other.errors && chunk::same_unchunked(&self.green, &other.green)
    }
}

impl Eq for Parse {}

/// Parses any text. Never fails, never panics.
// Never inlined, as `parse_with_elements`: profiles count the two apart (bench/rules-cost.sh).
#[inline(never)]
pub fn parse(text: &str) -> Parse {
    Parse::from(parser::parse_document(text))
}

/// [`parse`], recording the root element's [`ElementTable`] on the way (for a reader of every
/// element, such as libvirt's rules: cheaper than walking the tree afterwards).
#[inline(never)]
pub fn parse_with_elements(text: &str) -> Parse {
    Parse::from(parser::parse_document_recording(text))
}

impl From<parser::Parsed> for Parse {
    fn from(parsed: parser::Parsed) -> Parse {
        let parser::Parsed {
            green,
            mut errors,
            elements,
        } = parsed;
        error::sort_errors(&mut errors);
        Parse {
            green,
            errors: errors.into(),
            elements: elements.map(Arc::new),
        }
    }
}

impl Parse {
    pub fn syntax(&self) -> SyntaxNode {
        SyntaxNode::new_root(self.green.clone())
    }

    pub fn green(&self) -> &GreenNode {
        &self.green
    }

    pub fn errors(&self) -> &[SyntaxError] {
        &self.errors
    }

    /// The root element's table, when this parse recorded it.
    pub fn recorded_elements(&self) -> Option<&ElementTable> {
        self.elements.as_deref()
    }

    pub fn document(&self) -> ast::Document {
        ast::Document::cast(self.syntax()).expect("the root of a parse is always a document")
    }

    /// The tree of `new_text`, which is this parse's text with `edit` applied, reusing what the
    /// edit did not touch. Equal to `parse(new_text)` in every case.
    pub fn reparse<T: TextSource + ?Sized>(&self, edit: &TextEdit, new_text: &T) -> Parse {
        reparse::reparse(self, edit, new_text)
    }
}

/// Replace the bytes in `delete` by `insert`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextEdit {
    pub delete: TextRange,
    pub insert: String,
}

impl TextEdit {
    pub fn new(delete: TextRange, insert: impl Into<String>) -> Self {
        TextEdit {
            delete,
            insert: insert.into(),
        }
    }

    /// Applies the edit; the range must lie on character boundaries of `text`.
    pub fn apply(&self, text: &mut String) {
        text.replace_range(std::ops::Range::<usize>::from(self.delete), &self.insert);
    }

    /// [`Self::apply`] to a rope (which counts in characters).
    pub fn apply_to_rope(&self, rope: &mut Rope) {
        let chars = |offset: TextSize| rope.byte_to_char(usize::from(offset));
        let (from, to) = (chars(self.delete.start()), chars(self.delete.end()));
        rope.remove(from..to);
        rope.insert(from, &self.insert);
    }

    /// How much longer the text gets.
    pub fn delta(&self) -> i64 {
        self.insert.len() as i64 - u32::from(self.delete.len()) as i64
    }
}

/// A debug rendering of a tree: one line per node or token with its range.
pub fn debug_tree(node: &SyntaxNode) -> String {
    format!("{node:#?}")
}

pub(crate) fn text_range(r: std::ops::Range<usize>) -> TextRange {
    TextRange::new(TextSize::from(r.start as u32), TextSize::from(r.end as u32))
}
