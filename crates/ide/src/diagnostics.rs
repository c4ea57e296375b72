//! Diagnostics as editors and the CLI show them: one type for every source of problems.

use domxml_syntax::{Parse, TextRange};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
            Severity::Hint => "hint",
        }
    }
}

/// Which layer found the problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    Syntax,
    Schema,
    Semantic,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Syntax => "syntax",
            Source::Schema => "schema",
            Source::Semantic => "semantic",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub range: TextRange,
    pub severity: Severity,
    pub source: Source,
    pub code: String,
    pub message: String,
}

/// The well-formedness problems of a parse.
pub fn syntax_diagnostics(parse: &Parse) -> Vec<Diagnostic> {
    parse
        .errors()
        .iter()
        .map(|e| Diagnostic {
            range: e.range,
            severity: Severity::Error,
            source: Source::Syntax,
            code: e.code.to_string(),
            message: e.message.clone(),
        })
        .collect()
}
