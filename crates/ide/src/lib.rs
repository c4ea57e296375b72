//! domxml-ide: editor features as plain functions over syntax trees and the schema catalogue; never depends on LSP types, tokio or I/O.
//!
//! Every feature takes a [`domxml_syntax::Parse`] (and its text), an optional [`SchemaModel`] and
//! a byte offset, and returns plain Rust values with byte ranges. The language server converts
//! positions and ranges through its line index; `domxml check` uses [`diagnostics::diagnostics`]
//! as well, so both compute problems in exactly one way.

pub mod actions;
pub mod catalogue;
pub mod completion;
mod context;
pub mod diagnostics;
pub mod format;
pub mod hints;
pub mod hover;
pub mod kinds;
pub mod numbers;
pub mod schema;
pub mod structure;
pub mod tags;

#[cfg(test)]
mod fixture;

pub use context::{CursorContext, cursor_context};
pub use diagnostics::{Diagnostic, Severity, Source};
pub use schema::{AttributeInfo, ElementInfo, SchemaModel, SchemaProblem, ValueInfo};

use domxml_syntax::TextRange;

/// A replacement of `range` by `text` in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextEdit {
    pub range: TextRange,
    pub text: String,
}

impl TextEdit {
    pub fn new(range: TextRange, text: impl Into<String>) -> TextEdit {
        TextEdit {
            range,
            text: text.into(),
        }
    }
}

/// Applies non-overlapping edits (any order) to `text`.
pub fn apply_edits(text: &str, edits: &[TextEdit]) -> String {
    let mut sorted: Vec<&TextEdit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start(), e.range.end()));
    let mut out = String::with_capacity(text.len());
    let mut at = 0usize;
    for e in sorted {
        let s = usize::from(e.range.start()).max(at).min(text.len());
        let end = usize::from(e.range.end()).max(s).min(text.len());
        out.push_str(text.get(at..s).unwrap_or(""));
        out.push_str(&e.text);
        at = end;
    }
    out.push_str(text.get(at..).unwrap_or(""));
    out
}
