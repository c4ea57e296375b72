//! Reading a document from a file or standard input, decoded the way libvirt's parser does:
//! UTF-8 by default, UTF-16 when a byte order mark or the first bytes say so, ISO-8859-1 when
//! the XML declaration names it. Bytes that are not UTF-8 are a problem of the document (at
//! the first bad byte), not a failure to read it.

use std::io::Read;
use std::path::{Path, PathBuf};

/// What the command line named: a file, or `-` for standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    File(PathBuf),
    Stdin,
}

impl Input {
    pub fn from_arg(arg: &Path) -> Input {
        if arg.as_os_str() == "-" {
            Input::Stdin
        } else {
            Input::File(arg.to_path_buf())
        }
    }

    /// The name messages use: the path as given, or `--stdin-filename` / `<stdin>`.
    pub fn display_name(&self, stdin_name: Option<&str>) -> String {
        match self {
            Input::File(p) => p.display().to_string(),
            Input::Stdin => stdin_name.unwrap_or("<stdin>").to_owned(),
        }
    }

    pub fn read_bytes(&self) -> std::io::Result<Vec<u8>> {
        match self {
            Input::File(p) => std::fs::read(p),
            Input::Stdin => {
                let mut bytes = Vec::new();
                std::io::stdin().lock().read_to_end(&mut bytes)?;
                Ok(bytes)
            }
        }
    }
}

/// How the bytes were turned into text, so `fmt` can write them back the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16Le { bom: bool },
    Utf16Be { bom: bool },
    Latin1,
}

/// A decoded document. `bad_byte` is the offset (in the bytes and in `text`, which agree up
/// to it) of the first byte that is not UTF-8; `text` then has U+FFFD in its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: Encoding,
    pub bad_byte: Option<(usize, u8)>,
}

pub fn decode(bytes: Vec<u8>) -> Decoded {
    match bytes.as_slice() {
        [0xFF, 0xFE, ..] => return utf16(&bytes[2..], false, true),
        [0xFE, 0xFF, ..] => return utf16(&bytes[2..], true, true),
        [b'<', 0, b'?', 0, ..] => return utf16(&bytes, false, false),
        [0, b'<', 0, b'?', ..] => return utf16(&bytes, true, false),
        _ => {}
    }
    if declared_encoding(&bytes).is_some_and(|e| is_latin1(&e)) {
        return Decoded {
            text: bytes.iter().map(|&b| char::from(b)).collect(),
            encoding: Encoding::Latin1,
            bad_byte: None,
        };
    }
    match String::from_utf8(bytes) {
        Ok(text) => Decoded {
            text,
            encoding: Encoding::Utf8,
            bad_byte: None,
        },
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let byte = e.as_bytes().get(at).copied().unwrap_or(0);
            Decoded {
                text: String::from_utf8_lossy(e.as_bytes()).into_owned(),
                encoding: Encoding::Utf8,
                bad_byte: Some((at, byte)),
            }
        }
    }
}

/// The text in the encoding it was read in (what `fmt` writes back).
pub fn encode(text: &str, encoding: Encoding) -> Vec<u8> {
    match encoding {
        Encoding::Utf8 => text.as_bytes().to_vec(),
        Encoding::Latin1 => text
            .chars()
            .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
            .collect(),
        Encoding::Utf16Le { bom } | Encoding::Utf16Be { bom } => {
            let big = matches!(encoding, Encoding::Utf16Be { .. });
            let mut out = Vec::with_capacity(text.len() * 2 + 2);
            let units = bom
                .then_some(0xFEFF_u16)
                .into_iter()
                .chain(text.encode_utf16());
            for u in units {
                out.extend_from_slice(&if big {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                });
            }
            out
        }
    }
}

fn utf16(bytes: &[u8], big: bool, bom: bool) -> Decoded {
    let units = bytes.chunks(2).map(|c| {
        let pair = [c[0], c.get(1).copied().unwrap_or(0)];
        if big {
            u16::from_be_bytes(pair)
        } else {
            u16::from_le_bytes(pair)
        }
    });
    let text = char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    let encoding = if big {
        Encoding::Utf16Be { bom }
    } else {
        Encoding::Utf16Le { bom }
    };
    Decoded {
        text,
        encoding,
        bad_byte: None,
    }
}

/// The `encoding` pseudo-attribute of an XML declaration at the very start of `bytes`.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = bytes.strip_prefix(b"<?xml")?;
    let end = head.iter().take(200).position(|&b| b == b'>')?;
    let decl = std::str::from_utf8(&head[..end]).ok()?;
    let after = &decl[decl.find("encoding")? + "encoding".len()..];
    let after = after.trim_start().strip_prefix('=')?.trim_start();
    let quote = after.chars().next().filter(|q| *q == '"' || *q == '\'')?;
    let value = &after[1..];
    Some(value[..value.find(quote)?].to_owned())
}

fn is_latin1(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "iso-8859-1"
            | "iso_8859-1"
            | "iso8859-1"
            | "latin1"
            | "latin-1"
            | "l1"
            | "us-ascii"
            | "ascii"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_taken_as_it_is() {
        let d = decode(b"<a>\xc3\xa9</a>".to_vec());
        assert_eq!(
            (d.text.as_str(), d.encoding, d.bad_byte),
            ("<a>é</a>", Encoding::Utf8, None)
        );
    }

    #[test]
    fn the_first_bad_byte_is_found() {
        let d = decode(b"<a>\n ok \xe9t\xe9</a>".to_vec());
        assert_eq!(d.bad_byte, Some((8, 0xE9)));
        assert!(d.text.starts_with("<a>\n ok \u{FFFD}"));
    }

    #[test]
    fn a_latin1_declaration_is_honoured_and_round_trips() {
        let bytes = b"<?xml version='1.0' encoding='ISO-8859-1'?><a>\xe9</a>".to_vec();
        let d = decode(bytes.clone());
        assert_eq!(d.encoding, Encoding::Latin1);
        assert!(d.text.ends_with("<a>é</a>"));
        assert_eq!(encode(&d.text, d.encoding), bytes);
    }

    #[test]
    fn utf16_with_and_without_bom_round_trips() {
        for (big, bom) in [(false, true), (true, true), (false, false), (true, false)] {
            let enc = if big {
                Encoding::Utf16Be { bom }
            } else {
                Encoding::Utf16Le { bom }
            };
            let text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a>é</a>";
            let bytes = encode(text, enc);
            let d = decode(bytes.clone());
            assert_eq!((d.text.as_str(), d.encoding), (text, enc));
            assert_eq!(encode(&d.text, d.encoding), bytes);
        }
    }
}
