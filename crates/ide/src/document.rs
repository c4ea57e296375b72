//! A document as every front end holds it: its text, syntax tree and line index, kept in step
//! through edits (the tree and the index are updated incrementally). The server, `domxml
//! check` and the tests all use this one type.

use std::sync::{Arc, OnceLock};

use domxml_syntax::{
    LineCol, LineIndex, Parse, PositionEncoding, Rope, TextEdit, TextRange, TextSize,
};

/// Cheap to clone: a snapshot shares the text, tree and index with the live document until
/// either changes.
#[derive(Debug, Clone)]
pub struct Document {
    /// The text. An edit costs a few small copies whatever the document's size, and a clone
    /// shares it all: the server's snapshots used to make every keystroke copy the whole text.
    rope: Rope,
    /// The text as one string, made when first asked for (the keystroke path never asks) and
    /// shared by every snapshot of this version.
    flat: Arc<OnceLock<String>>,
    parse: Parse,
    index: Arc<LineIndex>,
}

impl Document {
    pub fn new(text: String) -> Document {
        let parse = domxml_syntax::parse(&text);
        let index = LineIndex::new(&text);
        Document {
            rope: Rope::from_str(&text),
            flat: Arc::new(OnceLock::from(text)),
            parse,
            index: Arc::new(index),
        }
    }

    /// The whole text as one string: made once per version, when first asked for (O(length)).
    pub fn text(&self) -> &str {
        self.flat.get_or_init(|| self.rope.to_string())
    }

    /// The length of the text in bytes.
    pub fn len(&self) -> TextSize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    pub fn parse(&self) -> &Parse {
        &self.parse
    }

    /// Replaces the bytes of `edit.delete` (on character boundaries, within the text) by
    /// `edit.insert`, reparsing incrementally.
    ///
    /// An index that a snapshot still shares (in the server, always: requests and the analysis
    /// read the previous version meanwhile) is built anew in one pass, never copied whole and
    /// then edited.
    pub fn apply_edit(&mut self, edit: &TextEdit) {
        let chars = |rope: &Rope, offset: TextSize| rope.byte_to_char(usize::from(offset));
        let from = chars(&self.rope, edit.delete.start());
        let to = chars(&self.rope, edit.delete.end());
        self.rope.remove(from..to);
        self.rope.insert(from, &edit.insert);
        self.flat = Arc::default();
        self.parse = self.parse.reparse(edit, &self.rope);
        match Arc::get_mut(&mut self.index) {
            Some(index) => index.apply_edit(edit, &self.rope),
            None => self.index = Arc::new(self.index.edited(edit, &self.rope)),
        }
    }

    /// Replaces the whole text.
    pub fn replace_all(&mut self, text: String) {
        *self = Document::new(text);
    }

    pub fn line_col(&self, offset: TextSize, encoding: PositionEncoding) -> LineCol {
        self.index.line_col(&self.rope, offset, encoding)
    }

    pub fn offset(&self, pos: LineCol, encoding: PositionEncoding) -> TextSize {
        self.index.offset(&self.rope, pos, encoding)
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
        assert_eq!(*doc.index, LineIndex::new(doc.text()));
        assert_eq!(snapshot.text(), "<domain>\n  <name>a</name>\n</domain>\n");
        assert_eq!(*snapshot.index, LineIndex::new(snapshot.text()));
    }
}
