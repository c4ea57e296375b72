//! A document as every front end holds it: its text, syntax tree and line index, kept in step
//! through edits (the tree and the index are updated incrementally). The server, `domxml
//! check` and the tests all use this one type.

use std::sync::{Arc, OnceLock};

use domxml_syntax::{
    LineCol, Parse, PositionEncoding, Rope, TextEdit, TextRange, TextSize, TextSource,
    column_offset,
};

/// Cheap to clone: a snapshot shares the text and tree with the live document until either
/// changes.
#[derive(Debug, Clone)]
pub struct Document {
    /// The text, and its lines. An edit costs a few small copies whatever the document's size,
    /// and a clone shares it all: the server's snapshots used to make every keystroke copy the
    /// whole text and line index.
    rope: Rope,
    /// The text as one string, made when first asked for (the keystroke path never asks) and
    /// shared by every snapshot of this version.
    flat: Arc<OnceLock<String>>,
    parse: Parse,
}

impl Document {
    pub fn new(text: String) -> Document {
        Document {
            rope: Rope::from_str(&text),
            parse: domxml_syntax::parse(&text),
            flat: Arc::new(OnceLock::from(text)),
        }
    }

    /// The whole text as one string: made once per version, when first asked for (O(length)).
    pub fn text(&self) -> &str {
        self.flat.get_or_init(|| self.rope.to_string())
    }

    /// The length of the text in bytes.
    pub fn len(&self) -> TextSize {
        TextSize::from(self.rope.len_bytes() as u32)
    }

    pub fn is_empty(&self) -> bool {
        self.rope.len_bytes() == 0
    }

    pub fn parse(&self) -> &Parse {
        &self.parse
    }

    /// Replaces the bytes of `edit.delete` (on character boundaries, within the text) by
    /// `edit.insert`, reparsing incrementally.
    pub fn apply_edit(&mut self, edit: &TextEdit) {
        edit.apply_to_rope(&mut self.rope);
        self.flat = Arc::default();
        self.parse = self.parse.reparse(edit, &self.rope);
    }

    /// Replaces the whole text.
    pub fn replace_all(&mut self, text: String) {
        *self = Document::new(text);
    }

    /// The position of `offset` (clamped to the text); what [`domxml_syntax::LineIndex`]
    /// answers for a string, read from the rope's own line index.
    pub fn line_col(&self, offset: TextSize, encoding: PositionEncoding) -> LineCol {
        let rope = &self.rope;
        let mut end = usize::from(offset).min(rope.len_bytes());
        while !TextSource::is_char_boundary(rope, end) {
            end -= 1;
        }
        let line = rope.byte_to_line(end);
        let start = rope.line_to_byte(line);
        let col = match encoding {
            PositionEncoding::Utf8 => end - start,
            PositionEncoding::Utf16 => {
                let units = |byte| rope.char_to_utf16_cu(rope.byte_to_char(byte));
                units(end) - units(start)
            }
        };
        LineCol {
            line: line as u32,
            col: col as u32,
        }
    }

    /// The offset of a position; columns past the end of the line clamp to it, lines past the
    /// end of the text clamp to its end.
    pub fn offset(&self, pos: LineCol, encoding: PositionEncoding) -> TextSize {
        let rope = &self.rope;
        let line = pos.line as usize;
        if line >= rope.len_lines() {
            return self.len();
        }
        let start = rope.line_to_byte(line);
        let line_end = if line + 1 < rope.len_lines() {
            rope.line_to_byte(line + 1)
        } else {
            rope.len_bytes()
        };
        let line = TextSource::slice(rope, start..line_end).unwrap_or_default();
        TextSize::from((start + column_offset(&line, pos.col, encoding)) as u32)
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
    use domxml_syntax::LineIndex;
    use proptest::prelude::*;

    /// Every position the document gives is the one a line index of its text gives.
    fn check_positions(doc: &Document) {
        let text = doc.text();
        let index = LineIndex::new(text);
        for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16] {
            for offset in 0..=text.len() + 1 {
                let offset = TextSize::from(offset as u32);
                assert_eq!(
                    doc.line_col(offset, encoding),
                    index.line_col(text, offset, encoding),
                    "{offset:?} {encoding:?} in {text:?}"
                );
            }
            for line in 0..index.line_count() as u32 + 2 {
                for col in 0..12 {
                    let pos = LineCol { line, col };
                    assert_eq!(
                        doc.offset(pos, encoding),
                        index.offset(text, pos, encoding),
                        "{pos:?} {encoding:?} in {text:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn edits_keep_tree_and_positions_in_step() {
        let mut doc = Document::new("<domain>\n  <name>a</name>\n</domain>\n".into());
        let at = doc.offset(LineCol { line: 1, col: 9 }, PositionEncoding::Utf16);
        doc.apply_edit(&TextEdit::new(TextRange::empty(at), "bc"));
        assert_eq!(doc.text(), "<domain>\n  <name>abc</name>\n</domain>\n");
        assert_eq!(doc.parse(), &domxml_syntax::parse(doc.text()));
        let end = doc.line_col(TextSize::of(doc.text()), PositionEncoding::Utf8);
        assert_eq!(end, LineCol { line: 3, col: 0 });
        check_positions(&doc);
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
        check_positions(&doc);
        assert_eq!(snapshot.text(), "<domain>\n  <name>a</name>\n</domain>\n");
        check_positions(&snapshot);
    }

    fn piece() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "a", "<b>", "\n", "\r", "\r\n", "é", "𝄞", "\u{2028}", " ",
        ])
        .prop_map(str::to_owned)
    }

    proptest! {
        #[test]
        fn positions_follow_edits(
            seed in prop::collection::vec(piece(), 0..20),
            edits in prop::collection::vec(
                (0.0..1.0f64, 0usize..4, prop::collection::vec(piece(), 0..4)),
                1..6,
            ),
        ) {
            let mut doc = Document::new(seed.concat());
            for (at, delete, insert) in edits {
                let text = doc.text().to_owned();
                let mut start = (at * text.len() as f64) as usize;
                while !text.is_char_boundary(start) {
                    start -= 1;
                }
                let mut end = (start + delete).min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                let range = TextRange::new((start as u32).into(), (end as u32).into());
                doc.apply_edit(&TextEdit::new(range, insert.concat()));
                let mut expected = text;
                expected.replace_range(start..end, &insert.concat());
                prop_assert_eq!(doc.text(), expected.as_str());
                check_positions(&doc);
            }
        }
    }
}
