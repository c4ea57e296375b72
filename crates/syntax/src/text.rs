//! A document's text read in pieces: what incremental reparsing needs of the text after an
//! edit. Either a `str`, or a [`Rope`], whose edits and clones never copy the whole text (a 5 MB
//! document was copied at every keystroke while a snapshot shared it).

use std::borrow::Cow;
use std::ops::Range;

pub use ropey::Rope;

pub trait TextSource {
    /// Length in bytes.
    fn len(&self) -> usize;

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether `offset` (at most the length) starts a character or ends the text.
    fn is_char_boundary(&self, offset: usize) -> bool;

    /// The text in `range`; `None` when the range is out of bounds or splits a character.
    fn slice(&self, range: Range<usize>) -> Option<Cow<'_, str>>;
}

impl TextSource for str {
    fn len(&self) -> usize {
        str::len(self)
    }

    fn is_char_boundary(&self, offset: usize) -> bool {
        str::is_char_boundary(self, offset)
    }

    fn slice(&self, range: Range<usize>) -> Option<Cow<'_, str>> {
        self.get(range).map(Cow::Borrowed)
    }
}

impl TextSource for Rope {
    fn len(&self) -> usize {
        self.len_bytes()
    }

    fn is_char_boundary(&self, offset: usize) -> bool {
        offset <= self.len_bytes() && self.char_to_byte(self.byte_to_char(offset)) == offset
    }

    fn slice(&self, range: Range<usize>) -> Option<Cow<'_, str>> {
        let ok = range.start <= range.end
            && TextSource::is_char_boundary(self, range.start)
            && TextSource::is_char_boundary(self, range.end);
        ok.then(|| self.byte_slice(range).into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rope_reads_as_its_string() {
        let text = "<a>é𝄞</a>\r\n".repeat(500);
        let rope = Rope::from_str(&text);
        for (start, end) in [
            (0, 0),
            (0, 3),
            (3, 5),
            (4, 5),
            (3, 9),
            (100, 2000),
            (0, text.len()),
        ] {
            assert_eq!(
                TextSource::slice(&rope, start..end),
                TextSource::slice(text.as_str(), start..end),
                "{start}..{end}"
            );
        }
        for offset in 0..=text.len() + 1 {
            assert_eq!(
                TextSource::is_char_boundary(&rope, offset),
                offset <= text.len() && text.is_char_boundary(offset)
            );
        }
    }
}
