//! Syntax errors: values with byte ranges and plain messages.

use rowan::TextRange;

macro_rules! error_codes {
    ($($variant:ident = $name:literal,)*) => {
        /// The kind of a syntax error: a stable code shown to users (`unclosed-element`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum ErrorCode {
            $($variant,)*
        }

        impl ErrorCode {
            pub const ALL: &[ErrorCode] = &[$(ErrorCode::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $name,)*
                }
            }
        }
    };
}

error_codes! {
    TextOutsideRoot = "text-outside-root",
    DoubleHyphenInComment = "double-hyphen-in-comment",
    InvalidComment = "invalid-comment",
    UnclosedComment = "unclosed-comment",
    UnclosedCdata = "unclosed-cdata",
    UnclosedPi = "unclosed-pi",
    InvalidPi = "invalid-pi",
    UnknownMarkup = "unknown-markup",
    LtInText = "lt-in-text",
    ContentAfterRoot = "content-after-root",
    UnexpectedInTag = "unexpected-in-tag",
    UnclosedTag = "unclosed-tag",
    MissingWhitespace = "missing-whitespace",
    DuplicateAttribute = "duplicate-attribute",
    UnquotedValue = "unquoted-value",
    MissingValue = "missing-value",
    MissingEq = "missing-eq",
    UnclosedValue = "unclosed-value",
    LtInValue = "lt-in-value",
    MissingEndTagName = "missing-end-tag-name",
    UnclosedEndTag = "unclosed-end-tag",
    UnclosedElement = "unclosed-element",
    MismatchedEndTag = "mismatched-end-tag",
    InvalidChar = "invalid-char",
    CdataEndInText = "cdata-end-in-text",
    BadXmlDeclaration = "bad-xml-declaration",
    MisplacedXmlDeclaration = "misplaced-xml-declaration",
    UnclosedDoctype = "unclosed-doctype",
    MisplacedDoctype = "misplaced-doctype",
    MissingRoot = "missing-root",
    InvalidCharRef = "invalid-char-ref",
    UnknownEntity = "unknown-entity",
    BareAmpersand = "bare-ampersand",
    TooDeep = "too-deep",
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SyntaxError {
    pub range: TextRange,
    pub message: String,
    pub code: ErrorCode,
}

impl SyntaxError {
    pub(crate) fn new(code: ErrorCode, range: TextRange, message: impl Into<String>) -> Self {
        SyntaxError {
            range,
            message: message.into(),
            code,
        }
    }

    pub(crate) fn with_end_shifted(mut self, by: i64) -> Self {
        let end = (u32::from(self.range.end()) as i64 + by) as u32;
        self.range = TextRange::new(self.range.start(), end.into());
        self
    }

    pub(crate) fn shifted(mut self, by: i64) -> Self {
        let start = (u32::from(self.range.start()) as i64 + by) as u32;
        let end = (u32::from(self.range.end()) as i64 + by) as u32;
        self.range = TextRange::new(start.into(), end.into());
        self
    }
}

/// Errors are kept sorted by position so that incremental and full parses compare equal.
pub(crate) fn sort_errors(errors: &mut [SyntaxError]) {
    errors.sort_by(|a, b| {
        (a.range.start(), a.range.end(), a.code, &a.message).cmp(&(
            b.range.start(),
            b.range.end(),
            b.code,
            &b.message,
        ))
    });
}
