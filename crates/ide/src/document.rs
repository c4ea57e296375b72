//! A document as every front end holds it: its text, syntax tree and line index, kept in step
//! through edits (the tree and the index are updated incrementally). The server, `domxml
//! check` and the tests all use this one type.

use std::sync::Arc;

use domxml_syntax::{LineCol, LineIndex, Parse, PositionEncoding, TextEdit, TextRange, TextSize};

/// Cheap to clone: a snapshot shares the text, tree and index with the live document until
/// either changes.
#[derive(Debug, Clone)]
pub struct Document {
    text: Arc<String>,
    parse: Parse,
    index: Arc<LineIndex>,
}

impl Document {
    pub fn new(text: String) -> Document {
        let parse = domxml_syntax::parse(&text);
        let index = LineIndex::new(&text);
        Document {
            text: Arc::new(text),
            parse,
            index: Arc::new(index),
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn parse(&self) -> &Parse {
        &self.parse
    }

    pub fn line_index(&self) -> &LineIndex {
        &self.index
    }

    /// Replaces the bytes of `edit.delete` (on character boundaries, within the text) by
    /// `edit.insert`, reparsing incrementally.
    pub fn apply_edit(&mut self, edit: &TextEdit) {
        let text = Arc::make_mut(&mut self.text);
        edit.apply(text);
        self.parse = self.parse.reparse(edit, text);
        Arc::make_mut(&mut self.index).apply_edit(edit, text);
    }

    /// Replaces the whole text.
    pub fn replace_all(&mut self, text: String) {
        *self = Document::new(text);
    }

    pub fn line_col(&self, offset: TextSize, encoding: PositionEncoding) -> LineCol {
        self.index.line_col(&self.text, offset, encoding)
    }

    pub fn offset(&self, pos: LineCol, encoding: PositionEncoding) -> TextSize {
        self.index.offset(&self.text, pos, encoding)
    }

    /// The byte range between two positions.
    pub fn range(&self, start: LineCol, end: LineCol, encoding: PositionEncoding) -> TextRange {
        let s = self.offset(start, encoding);
        let e = self.offset(end, encoding).max(s);
        TextRange::new(s, e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_keep_tree_and_index_in_step() {
        let mut doc = Document::new("<domain>\n  <name>a</name>\n</domain>\n".into());
        let at = doc.offset(LineCol { line: 1, col: 9 }, PositionEncoding::Utf16);
        doc.apply_edit(&TextEdit::new(TextRange::empty(at), "bc"));
        assert_eq!(doc.text(), "<domain>\n  <name>abc</name>\n</domain>\n");
        assert_eq!(doc.parse(), &domxml_syntax::parse(doc.text()));
        let end = doc.line_col(TextSize::of(doc.text()), PositionEncoding::Utf8);
        assert_eq!(end, LineCol { line: 3, col: 0 });
    }
}
