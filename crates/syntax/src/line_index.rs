//! Byte offsets <-> (line, column) positions, columns counted in UTF-8 bytes or UTF-16 code units
//! as the LSP client negotiated. Lines end at `\n`, `\r\n` or a lone `\r`.

use rowan::TextSize;

use crate::TextEdit;
use crate::text::TextSource;

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
    pub fn line_col<T: TextSource + ?Sized>(
        &self,
        text: &T,
        offset: TextSize,
        encoding: PositionEncoding,
    ) -> LineCol {
        let offset = u32::from(offset).min(self.len);
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line] as usize;
        let mut end = offset as usize;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let col = match encoding {
            PositionEncoding::Utf8 => end - start,
            // ASCII (the common case) needs no reading; one long line is converted many times.
            PositionEncoding::Utf16 if self.ascii => end - start,
            PositionEncoding::Utf16 => {
                let before = text.slice(start..end).unwrap_or_default();
                before.chars().map(char::len_utf16).sum()
            }
        };
        LineCol {
            line: line as u32,
            col: col as u32,
        }
    }

    /// The offset of a position; columns past the end of the line clamp to it, lines past the
    /// end of the text clamp to its end.
    pub fn offset<T: TextSource + ?Sized>(
        &self,
        text: &T,
        pos: LineCol,
        encoding: PositionEncoding,
    ) -> TextSize {
        let Some(&start) = self.starts.get(pos.line as usize) else {
            return self.len.into();
        };
        let start = start as usize;
        let line_end = self
            .starts
            .get(pos.line as usize + 1)
            .map_or(text.len(), |&s| s as usize);
        let line = text.slice(start..line_end).unwrap_or_default();
        let content = line.trim_end_matches(['\n', '\r']);
        if self.ascii || content.is_ascii() {
            return ((start + content.len().min(pos.col as usize)) as u32).into();
        }
        let mut units = 0u32;
        for (i, c) in content.char_indices() {
            if units >= pos.col {
                return ((start + i) as u32).into();
            }
            units += match encoding {
                PositionEncoding::Utf8 => c.len_utf8() as u32,
                PositionEncoding::Utf16 => c.len_utf16() as u32,
            };
        }
        ((start + content.len()) as u32).into()
    }

    /// Updates the index for `edit`, after which the text is `new_text`, in place: only the
    /// line starts after the edit move (no copy of the index).
    pub fn apply_edit<T: TextSource + ?Sized>(&mut self, edit: &TextEdit, new_text: &T) {
        let (keep_before, keep_after, inserted) = self.edit_span(edit, new_text);
        let delta = edit.delta();
        let moved_from = keep_before + inserted.len();
        self.starts.splice(keep_before..keep_after, inserted);
        for p in &mut self.starts[moved_from..] {
            *p = (*p as i64 + delta) as u32;
        }
        self.len = new_text.len() as u32;
        // Deleting the last non-ASCII character leaves this false: only slower, never wrong.
        self.ascii = self.ascii && edit.insert.is_ascii();
    }

    /// The index after `edit` (after which the text is `new_text`), built in one pass: for an
    /// index that is shared (a snapshot still reads it), cheaper than a copy then an update.
    pub fn edited<T: TextSource + ?Sized>(&self, edit: &TextEdit, new_text: &T) -> LineIndex {
        let (keep_before, keep_after, inserted) = self.edit_span(edit, new_text);
        let delta = edit.delta();
        let mut starts =
            Vec::with_capacity(keep_before + inserted.len() + self.starts.len() - keep_after);
        starts.extend_from_slice(&self.starts[..keep_before]);
        starts.extend_from_slice(&inserted);
        starts.extend(
            self.starts[keep_after..]
                .iter()
                .map(|&p| (p as i64 + delta) as u32),
        );
        LineIndex {
            starts,
            len: new_text.len() as u32,
            ascii: self.ascii && edit.insert.is_ascii(),
        }
    }

    /// What `edit` changes: the line starts before `keep_before` stay, those from `keep_after`
    /// on move by the edit's delta, and the inserted ones (in `new_text`) come between.
    fn edit_span<T: TextSource + ?Sized>(
        &self,
        edit: &TextEdit,
        new_text: &T,
    ) -> (usize, usize, Vec<u32>) {
        let s = u32::from(edit.delete.start());
        let e = u32::from(edit.delete.end());
        let inserted_end = s as usize + edit.insert.len();
        // Only line starts whose two neighbouring bytes changed can appear or vanish: those
        // from the byte before the insertion to the one after it.
        let from = (s as usize).max(1) - 1;
        let mut b = Vec::with_capacity(edit.insert.len() + 2);
        b.extend(new_text.byte(from).filter(|_| from < s as usize));
        b.extend_from_slice(edit.insert.as_bytes());
        b.extend(new_text.byte(inserted_end));
        // Line 0 always starts at 0, whatever the edit.
        let keep_before = self.starts.partition_point(|&p| p < s).max(1);
        let keep_after = self.starts.partition_point(|&p| p <= e).max(1);
        let inserted = ((s as usize).max(1)..=inserted_end.min(new_text.len()))
            .filter(|&p| is_line_start(&b, p - from))
            .map(|p| p as u32)
            .collect();
        (keep_before, keep_after.max(keep_before), inserted)
    }
}

fn is_line_start(b: &[u8], p: usize) -> bool {
    p > 0 && (b[p - 1] == b'\n' || (b[p - 1] == b'\r' && b.get(p) != Some(&b'\n')))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text_range;

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

    #[test]
    fn edits_keep_the_index_equal_to_a_fresh_one() {
        let cases = [
            ("a\rb", 2..2, "\n"), // lone \r becomes \r\n: one line fewer
            ("a\r\nb", 2..3, ""), // \r\n becomes lone \r
            ("x\ny\nz", 1..4, "1\r2\r\n3"),
            ("", 0..0, "\n\n"),
            ("ab\n", 3..3, "\r"),
            ("\nab", 0..1, ""),
            ("ab", 0..0, "\n"),
        ];
        for (text, range, insert) in cases {
            let mut idx = LineIndex::new(text);
            let edit = TextEdit::new(text_range(range), insert);
            let mut new = text.to_string();
            edit.apply(&mut new);
            let edited = idx.edited(&edit, &new);
            idx.apply_edit(&edit, &new);
            assert_eq!(idx, LineIndex::new(&new), "{text:?} -> {new:?}");
            assert_eq!(edited, LineIndex::new(&new), "{text:?} -> {new:?} (copied)");
        }
    }
}
