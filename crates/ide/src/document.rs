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
    ///
    /// A text or index that a snapshot still shares (in the server, always: requests and the
    /// analysis read the previous version meanwhile) is built anew in one pass, never copied
    /// whole and then edited: on a 5 MB document a copy then an insertion moved the text three
    /// times (the copy, a reallocation to grow it, the tail moved over).
    pub fn apply_edit(&mut self, edit: &TextEdit) {
        match Arc::get_mut(&mut self.text) {
            Some(text) => edit.apply(text),
            None => self.text = Arc::new(edited_copy(&self.text, edit)),
        }
        self.parse = self.parse.reparse(edit, &self.text);
        match Arc::get_mut(&mut self.index) {
            Some(index) => index.apply_edit(edit, &self.text),
            None => self.index = Arc::new(self.index.edited(edit, &self.text)),
        }
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

/// `text` with `edit` applied, in a new string of exactly its size.
fn edited_copy(text: &str, edit: &TextEdit) -> String {
    let (start, end) = (
        usize::from(edit.delete.start()),
        usize::from(edit.delete.end()),
    );
    let mut out = String::with_capacity(text.len() - (end - start) + edit.insert.len());
    out.push_str(&text[..start]);
    out.push_str(&edit.insert);
    out.push_str(&text[end..]);
    out
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

    #[test]
    fn edits_of_a_shared_document_leave_the_snapshot_alone() {
        let mut doc = Document::new("<domain>\n  <name>a</name>\n</domain>\n".into());
        let snapshot = doc.clone();
        let at = doc.offset(LineCol { line: 1, col: 8 }, PositionEncoding::Utf16);
        doc.apply_edit(&TextEdit::new(
            TextRange::new(at, at + TextSize::from(1)),
            "x\ny",
        ));
        assert_eq!(doc.text(), "<domain>\n  <name>x\ny</name>\n</domain>\n");
        assert_eq!(doc.parse(), &domxml_syntax::parse(doc.text()));
        assert_eq!(doc.line_index(), &LineIndex::new(doc.text()));
        assert_eq!(snapshot.text(), "<domain>\n  <name>a</name>\n</domain>\n");
        assert_eq!(snapshot.line_index(), &LineIndex::new(snapshot.text()));
    }
}
