//! Test fixtures: a document with a `$0` cursor marker.

use domxml_syntax::TextSize;

/// Removes the `$0` marker and returns the text and the marker's offset.
pub(crate) fn cursor(fixture: &str) -> (String, TextSize) {
    let at = fixture.find("$0").expect("fixture has a $0 cursor marker");
    let mut text = fixture.to_string();
    text.replace_range(at..at + 2, "");
    (text, TextSize::from(at as u32))
}
