//! Byte offsets <-> (line, column) positions, columns counted in UTF-8 bytes or UTF-16 code units
//! as the LSP client negotiated. Lines end at `\n`, `\r\n` or a lone `\r`.

use rowan::TextSize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PositionEncoding {
    Utf8,
    Utf16,
}

/// A zero-based line and column; the column is in units of the encoding it was made with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

#[derive(Debug, Clone, Eq)]
pub struct LineIndex {
    /// Offset of the first byte of every line; `starts[0] == 0`.
    starts: Vec<u32>,
    len: u32,
    /// Whether the text is known to be ASCII, where columns in every encoding are byte counts
    /// (a long line would otherwise be scanned for each position on it).
    ascii: bool,
}

/// Equal when they describe the same lines; `ascii` is only a hint.
impl PartialEq for LineIndex {
    fn eq(&self, other: &Self) -> bool {
        self.starts == other.starts && self.len == other.len
    }
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let b = text.as_bytes();
        let mut starts = vec![0];
        // memchr finds the few line-end bytes a word at a time; a byte-by-byte test was most of
        // the cost of opening a large document.
        for p in memchr::memchr2_iter(b'\n', b'\r', b) {
            if is_line_start(b, p + 1) {
                starts.push(p as u32 + 1);
            }
        }
        LineIndex {
            starts,
            len: text.len() as u32,
            ascii: text.is_ascii(),
        }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    pub fn len(&self) -> TextSize {
        self.len.into()
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Where line `line` starts, if it exists.
    pub fn line_start(&self, line: u32) -> Option<TextSize> {
        self.starts.get(line as usize).map(|&s| s.into())
    }

    /// The position of `offset` (clamped to the text) in `text`, which this index describes.
    pub fn line_col(&self, text: &str, offset: TextSize, encoding: PositionEncoding) -> LineCol {
        let offset = u32::from(offset).min(self.len);
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line] as usize;
        let mut end = offset as usize;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let before = &text[start..end];
        let col = match encoding {
            PositionEncoding::Utf8 => end - start,
            // ASCII (the common case) is checked fast; one long line is converted many times.
            PositionEncoding::Utf16 if self.ascii || before.is_ascii() => before.len(),
            PositionEncoding::Utf16 => before.chars().map(char::len_utf16).sum(),
        };
        LineCol {
            line: line as u32,
            col: col as u32,
        }
    }

    /// The offset of a position; columns past the end of the line clamp to it, lines past the
    /// end of the text clamp to its end.
    pub fn offset(&self, text: &str, pos: LineCol, encoding: PositionEncoding) -> TextSize {
        let Some(&start) = self.starts.get(pos.line as usize) else {
            return self.len.into();
        };
        let start = start as usize;
        let line_end = self
            .starts
            .get(pos.line as usize + 1)
            .map_or(text.len(), |&s| s as usize);
        let line = &text[start..line_end];
        let column = if self.ascii {
            line.trim_end_matches(['\n', '\r'])
                .len()
                .min(pos.col as usize)
        } else {
            column_offset(line, pos.col, encoding)
        };
        ((start + column) as u32).into()
    }
}

/// Where column `col` (in `encoding`'s units) falls in `line` (a line with its line end, if
/// any), in bytes from its start; a column past the line's end clamps to it.
pub fn column_offset(line: &str, col: u32, encoding: PositionEncoding) -> usize {
    let content = line.trim_end_matches(['\n', '\r']);
    if content.is_ascii() {
        return content.len().min(col as usize);
    }
    let mut units = 0u32;
    for (i, c) in content.char_indices() {
        if units >= col {
            return i;
        }
        units += match encoding {
            PositionEncoding::Utf8 => c.len_utf8() as u32,
            PositionEncoding::Utf16 => c.len_utf16() as u32,
        };
    }
    content.len()
}

fn is_line_start(b: &[u8], p: usize) -> bool {
    p > 0 && (b[p - 1] == b'\n' || (b[p - 1] == b'\r' && b.get(p) != Some(&b'\n')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_three_line_ends_count() {
        let text = "a\nb\r\nc\rd";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 4);
        assert_eq!(
            idx.line_col(text, 7.into(), PositionEncoding::Utf8),
            LineCol { line: 3, col: 0 }
        );
        assert_eq!(
            idx.offset(text, LineCol { line: 1, col: 99 }, PositionEncoding::Utf8),
            3.into()
        );
    }

    #[test]
    fn utf16_columns_count_surrogate_pairs() {
        let text = "<a>é𝄞x</a>";
        let idx = LineIndex::new(text);
        let x = text.find('x').unwrap() as u32;
        assert_eq!(
            idx.line_col(text, x.into(), PositionEncoding::Utf16).col,
            3 + 1 + 2
        );
        assert_eq!(
            idx.line_col(text, x.into(), PositionEncoding::Utf8).col,
            3 + 2 + 4
        );
        assert_eq!(
            idx.offset(text, LineCol { line: 0, col: 6 }, PositionEncoding::Utf16),
            x.into()
        );
    }
}
