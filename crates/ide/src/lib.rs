//! domxml-ide: editor features as plain functions over syntax trees and the schema catalogue; never depends on LSP types, tokio or I/O.
//!
//! Every feature takes a [`domxml_syntax::Parse`] (and its text), an optional [`SchemaModel`] and
//! a byte offset, and returns plain Rust values with byte ranges. The language server converts
//! positions and ranges through its line index; `domxml check` uses [`diagnostics::diagnostics`]
//! as well, so both compute problems in exactly one way.

pub mod actions;
pub mod autoclose;
pub mod completion;
mod context;
pub mod diagnostics;
pub mod doclinks;
pub mod document;
pub mod format;
pub mod hints;
pub mod hover;
pub mod links;
pub mod navigation;
pub mod numbers;
pub mod ranking;
pub mod structure;
pub mod tags;

#[cfg(test)]
mod fixture;

pub use context::{CursorContext, cursor_context};
pub use diagnostics::{Diagnostic, Source};
pub use document::Document;
pub use domxml_libvirt::model::{
    AttributeInfo, ElementInfo, SchemaModel, SchemaProblem, ValueInfo,
};
pub use domxml_libvirt::{Code, Severity};
pub use domxml_syntax::TextEdit;

/// Applies non-overlapping edits (any order) to `text`.
pub fn apply_edits(text: &str, edits: &[TextEdit]) -> String {
    let mut sorted: Vec<&TextEdit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.delete.start(), e.delete.end()));
    let mut out = String::with_capacity(text.len());
    let mut at = 0usize;
    for e in sorted {
        let s = usize::from(e.delete.start()).max(at).min(text.len());
        let end = usize::from(e.delete.end()).max(s).min(text.len());
        out.push_str(text.get(at..s).unwrap_or(""));
        out.push_str(&e.insert);
        at = end;
    }
    out.push_str(text.get(at..).unwrap_or(""));
    out
}
