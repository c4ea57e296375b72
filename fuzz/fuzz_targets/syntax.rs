//! The syntax invariants under coverage-guided input: any text parses without panicking into a
//! tree holding exactly that text, and an edit reparsed incrementally gives what a full parse
//! gives. Input: the document, then (after a 0xFF byte) edits as (at, delete, insert) triples.
#![no_main]

use domxml_syntax::{TextEdit, TextRange, TextSize, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (doc, edits) = match data.iter().position(|&b| b == 0xFF) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let mut text = String::from_utf8_lossy(doc).into_owned();
    let mut tree = parse(&text);
    assert_eq!(tree.syntax().text().to_string(), text);
    for chunk in edits.chunks(3) {
        let [at, delete, insert] = [0, 1, 2].map(|i| chunk.get(i).copied().unwrap_or(0) as usize);
        let mut start = at * text.len() / 256;
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + delete % 8).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let insert = ["", "<", ">", "/", "'", "\"", "=", "&", ";", " ", "\n", "a", "<a>", "</a>", "<!--", "-->"][insert % 16];
        let edit = TextEdit::new(TextRange::new(TextSize::from(start as u32), TextSize::from(end as u32)), insert);
        edit.apply(&mut text);
        tree = tree.reparse(&edit, &text);
        let full = parse(&text);
        assert_eq!(tree.green(), full.green());
        assert_eq!(tree.errors(), full.errors());
    }
});
