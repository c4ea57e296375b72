//! Open documents: an ide [`Document`] (text, incremental tree, line index) with its URI and
//! version. Edits are applied synchronously in the notification handlers, before any `.await`,
//! so they happen in the order the client sent them.

use std::collections::HashMap;

use domxml_ide::Document;
use domxml_syntax::{PositionEncoding, TextEdit, TextRange};
use tower_lsp_server::ls_types::TextDocumentContentChangeEvent;

use super::convert::Lines;

#[derive(Clone)]
pub struct Doc {
    pub uri: String,
    pub document: Document,
    pub version: i32,
}

/// A consistent view of one document for a request or an analysis.
pub type Snapshot = Doc;

impl Doc {
    pub fn new(uri: String, text: String, version: i32) -> Doc {
        Doc {
            uri,
            document: Document::new(text),
            version,
        }
    }

    pub fn lines(&self, encoding: PositionEncoding) -> Lines<'_> {
        Lines {
            text: self.document.text(),
            index: self.document.line_index(),
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
            match change.range {
                None => self.document.replace_all(change.text),
                Some(range) => {
                    let delete: TextRange = self.lines(encoding).text_range(range);
                    self.document
                        .apply_edit(&TextEdit::new(delete, change.text));
                }
            }
        }
        self.version = version;
    }
}

#[derive(Default)]
pub struct Store {
    pub docs: HashMap<String, Doc>,
}
