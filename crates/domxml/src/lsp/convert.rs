//! LSP positions and ranges <-> byte offsets, always through the document's line index and the
//! negotiated encoding.

use domxml_ide::Document;
use domxml_syntax::{LineCol, PositionEncoding, TextRange, TextSize};
use tower_lsp_server::ls_types::{Position, Range};

#[derive(Clone, Copy)]
pub struct Lines<'a> {
    pub document: &'a Document,
    pub encoding: PositionEncoding,
}

impl Lines<'_> {
    pub fn offset(&self, p: Position) -> TextSize {
        self.document.offset(
            LineCol {
                line: p.line,
                col: p.character,
            },
            self.encoding,
        )
    }

    pub fn position(&self, o: TextSize) -> Position {
        let lc = self.document.line_col(o, self.encoding);
        Position {
            line: lc.line,
            character: lc.col,
        }
    }

    pub fn range(&self, r: TextRange) -> Range {
        Range {
            start: self.position(r.start()),
            end: self.position(r.end()),
        }
    }

    pub fn text_range(&self, r: Range) -> TextRange {
        let s = self.offset(r.start);
        let e = self.offset(r.end);
        TextRange::new(s.min(e), e.max(s))
    }
}
