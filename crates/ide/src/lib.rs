//! domxml-ide: editor features as plain functions over syntax trees and the schema catalogue; never depends on LSP types, tokio or I/O.

pub mod diagnostics;

pub use diagnostics::{Diagnostic, Severity, Source};
