//! Open documents: text, incremental tree, line index and version. Edits are applied
//! synchronously in the notification handlers, before any `.await`, so they happen in the order
//! the client sent them.

use std::collections::HashMap;
use std::sync::Arc;

use domxml_syntax::{LineIndex, Parse, PositionEncoding, TextEdit, TextRange};
use tower_lsp_server::ls_types::TextDocumentContentChangeEvent;

use super::convert::Lines;

#[derive(Clone)]
pub struct Doc {
    pub uri: String,
    pub text: Arc<String>,
    pub parse: Parse,
    pub index: Arc<LineIndex>,
    pub version: i32,
}

/// A consistent view of one document for a request or an analysis.
pub type Snapshot = Doc;

impl Doc {
    pub fn new(uri: String, text: String, version: i32) -> Doc {
        let parse = domxml_syntax::parse(&text);
        let index = LineIndex::new(&text);
        Doc {
            uri,
            text: Arc::new(text),
            parse,
            index: Arc::new(index),
            version,
        }
    }

    pub fn lines(&self, encoding: PositionEncoding) -> Lines<'_> {
        Lines {
            text: &self.text,
            index: &self.index,
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
                None => {
                    *self = Doc::new(std::mem::take(&mut self.uri), change.text, version);
                }
                Some(range) => {
                    let delete: TextRange = self.lines(encoding).text_range(range);
                    let edit = TextEdit::new(delete, change.text);
                    let text = Arc::make_mut(&mut self.text);
                    edit.apply(text);
                    self.parse = self.parse.reparse(&edit, text);
                    Arc::make_mut(&mut self.index).apply_edit(&edit, text);
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
