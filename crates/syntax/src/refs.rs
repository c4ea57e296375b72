//! Entity and character references inside text and attribute values: finding, checking, decoding.
//! Only the five predefined entities exist; nothing is ever expanded from a DTD.

use crate::error::ErrorCode;
use std::borrow::Cow;
use std::ops::Range;

use crate::error::SyntaxError;
use crate::text_range;

pub(crate) const PREDEFINED: [(&str, char); 5] = [
    ("lt", '<'),
    ("gt", '>'),
    ("amp", '&'),
    ("apos", '\''),
    ("quot", '"'),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    Text(Range<usize>),
    EntityRef(Range<usize>),
    CharRef(Range<usize>),
}

/// Splits `text[range]` into text and reference pieces, reporting bad references.
/// Ranges are absolute offsets into `text`.
pub(crate) fn scan(
    text: &str,
    range: Range<usize>,
    errors: &mut Vec<SyntaxError>,
    mut piece: impl FnMut(Piece),
) {
    let bytes = text.as_bytes();
    let mut start = range.start;
    let mut i = range.start;
    while i < range.end {
        let Some(off) = memchr(b'&', &bytes[i..range.end]) else {
            break;
        };
        let amp = i + off;
        match reference_len(&text[amp..range.end]) {
            Some(len) => {
                if amp > start {
                    piece(Piece::Text(start..amp));
                }
                let r = amp..amp + len;
                if bytes[amp + 1] == b'#' {
                    if let Err(msg) = char_ref_value(&text[r.clone()]) {
                        errors.push(SyntaxError::new(
                            ErrorCode::InvalidCharRef,
                            text_range(r.clone()),
                            msg,
                        ));
                    }
                    piece(Piece::CharRef(r.clone()));
                } else {
                    let name = &text[amp + 1..amp + len - 1];
                    if !PREDEFINED.iter().any(|(n, _)| *n == name) {
                        errors.push(SyntaxError::new(
                            ErrorCode::UnknownEntity,
                            text_range(r.clone()),
                            format!(
                                "unknown entity '&{name};': only &lt; &gt; &amp; &apos; &quot; and character references like &#38; are defined"
                            ),
                        ));
                    }
                    piece(Piece::EntityRef(r.clone()));
                }
                start = r.end;
                i = r.end;
            }
            None => {
                errors.push(SyntaxError::new(
                    ErrorCode::BareAmpersand,
                    text_range(amp..amp + 1),
                    "'&' must start an entity or character reference: write &amp; for a literal '&'",
                ));
                i = amp + 1;
            }
        }
    }
    if range.end > start {
        piece(Piece::Text(start..range.end));
    }
}

/// Length of a well-formed-looking reference at the start of `s` (which starts with `&`).
fn reference_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 1;
    if b.get(1) == Some(&b'#') {
        i = 2;
        if b.get(2) == Some(&b'x') {
            i = 3;
        }
        let digits = i;
        while i < b.len() && b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        return (i > digits && b.get(i) == Some(&b';')).then_some(i + 1);
    }
    let name_start = i;
    for (off, c) in s[1..].char_indices() {
        if c == ';' {
            return (1 + off > name_start).then_some(1 + off + 1);
        }
        let ok = if off == 0 {
            is_name_start_char(c)
        } else {
            is_name_char(c)
        };
        if !ok {
            return None;
        }
    }
    None
}

fn char_ref_value(r: &str) -> Result<char, String> {
    let body = &r[2..r.len() - 1];
    let parsed = match body.strip_prefix('x') {
        Some(hex) => u32::from_str_radix(hex, 16),
        None => body.parse::<u32>(),
    };
    let Ok(n) = parsed else {
        return Err(format!(
            "invalid character reference '{r}': expected decimal digits or x and hex digits"
        ));
    };
    match char::from_u32(n) {
        Some(c) if is_xml_char(c) => Ok(c),
        _ => Err(format!(
            "character reference '{r}' names a character XML does not allow"
        )),
    }
}

pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{9}' | '\u{A}' | '\u{D}' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

pub(crate) fn is_name_start_char(c: char) -> bool {
    matches!(c, ':' | 'A'..='Z' | '_' | 'a'..='z' | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}'
        | '\u{F8}'..='\u{2FF}' | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}'
        | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

pub(crate) fn is_name_char(c: char) -> bool {
    is_name_start_char(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// Decodes the references in `raw` (text or an unquoted attribute value). Bad references stay as written.
pub fn decode(raw: &str) -> Cow<'_, str> {
    if !raw.contains('&') {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut ignored = Vec::new();
    scan(raw, 0..raw.len(), &mut ignored, |p| match p {
        Piece::Text(r) => out.push_str(&raw[r]),
        Piece::EntityRef(r) => {
            let name = &raw[r.start + 1..r.end - 1];
            match PREDEFINED.iter().find(|(n, _)| *n == name) {
                Some((_, c)) => out.push(*c),
                None => out.push_str(&raw[r]),
            }
        }
        Piece::CharRef(r) => match char_ref_value(&raw[r.clone()]) {
            Ok(c) => out.push(c),
            Err(_) => out.push_str(&raw[r]),
        },
    });
    Cow::Owned(out)
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_predefined_and_numeric_references() {
        assert_eq!(
            decode("a &lt;b&gt; &#65;&#x42; &amp;amp;"),
            "a <b> AB &amp;"
        );
        assert_eq!(decode("&bogus; stays"), "&bogus; stays");
    }

    #[test]
    fn reports_unknown_entity_and_bare_ampersand() {
        let text = "x &bogus; & y &#0;";
        let mut errors = Vec::new();
        scan(text, 0..text.len(), &mut errors, |_| {});
        let codes: Vec<_> = errors
            .iter()
            .map(|e| (e.code, u32::from(e.range.start())))
            .collect();
        assert_eq!(
            codes,
            vec![
                (ErrorCode::UnknownEntity, 2),
                (ErrorCode::BareAmpersand, 10),
                (ErrorCode::InvalidCharRef, 14)
            ]
        );
    }
}
