//! Syntax errors: values with byte ranges and plain messages.

use rowan::TextRange;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SyntaxError {
    pub range: TextRange,
    pub message: String,
    /// Stable identifier of the kind of problem, e.g. `unclosed-element`.
    pub code: &'static str,
}

impl SyntaxError {
    pub(crate) fn new(code: &'static str, range: TextRange, message: impl Into<String>) -> Self {
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
