//! What every layer above reports a problem with: a severity, related places and fixes.

use domxml_syntax::{TextEdit, TextRange};

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

/// Another place that takes part in a problem (the first of two duplicates, the controller a
/// device cannot plug into...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub range: TextRange,
    pub message: String,
}

/// A repair: edits that, applied together, make the problem go away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<TextEdit>,
}

impl Fix {
    pub fn new(title: impl Into<String>, edits: Vec<TextEdit>) -> Fix {
        Fix {
            title: title.into(),
            edits,
        }
    }
}

/// Every diagnostic code domxml reports: one vocabulary for syntax, schema, libvirt's rules
/// and the notes domxml adds itself. Fixes match on these, never on strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    Syntax(domxml_syntax::ErrorCode),
    Schema(domxml_schema::Code),
    Rule(crate::rules::RuleCode),
    /// The host's older libvirt rejects what the built-in catalogue (newer) accepts.
    VersionDrift,
    /// Part of the analysis was skipped (size limit, deadline).
    AnalysisLimited,
    /// The schema for this document could not be compiled.
    SchemaUnavailable,
    /// The bytes are not text in the encoding the document has (or declares).
    InvalidEncoding,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Syntax(c) => c.as_str(),
            Code::Schema(c) => c.as_str(),
            Code::Rule(c) => c.as_str(),
            Code::VersionDrift => "version-drift",
            Code::AnalysisLimited => "analysis-limited",
            Code::SchemaUnavailable => "schema-unavailable",
            Code::InvalidEncoding => "invalid-encoding",
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
