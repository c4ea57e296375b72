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

/// Limits that keep huge documents responsive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiagnosticsOptions {
    /// Documents larger than this (bytes) get syntax diagnostics only, plus an information
    /// diagnostic saying so.
    pub schema_size_limit: usize,
    /// At most this many diagnostics are reported.
    pub max_diagnostics: usize,
}

impl Default for DiagnosticsOptions {
    fn default() -> Self {
        DiagnosticsOptions {
            schema_size_limit: 8 << 20,
            max_diagnostics: 2000,
        }
    }
}

pub const CODE_ANALYSIS_LIMITED: &str = "analysis-limited";

/// Every diagnostic of a document: syntax, then schema problems when it is a libvirt document
/// with a schema. The one way `domxml check` and the language server compute problems.
pub fn diagnostics(
    parse: &Parse,
    text: &str,
    kind: crate::kinds::DocumentKind,
    schema: Option<&dyn crate::SchemaModel>,
    options: &DiagnosticsOptions,
) -> Vec<Diagnostic> {
    let mut out = syntax_diagnostics(parse);
    if let (crate::kinds::DocumentKind::Libvirt, Some(schema)) = (kind, schema) {
        if text.len() > options.schema_size_limit {
            let range = parse
                .document()
                .root()
                .and_then(|r| r.name())
                .map_or(TextRange::empty(0.into()), |n| n.range());
            out.push(Diagnostic {
                range,
                severity: Severity::Information,
                source: Source::Schema,
                code: CODE_ANALYSIS_LIMITED.to_string(),
                message: format!(
                    "this document is {:.1} MB: schema validation is skipped above {} MB (well-formedness is still checked)",
                    text.len() as f64 / (1 << 20) as f64,
                    options.schema_size_limit >> 20
                ),
            });
        } else {
            out.extend(
                schema_problems(parse, schema)
                    .into_iter()
                    .map(|p| Diagnostic {
                        range: p.range,
                        severity: p.severity,
                        source: Source::Schema,
                        code: p.code,
                        message: p.message,
                    }),
            );
        }
    }
    out.sort_by_key(|d| (d.range.start(), d.range.end()));
    if out.len() > options.max_diagnostics {
        out.truncate(options.max_diagnostics);
    }
    out
}

/// Schema problems of a document whose root the schema is meant for (other roots: none).
pub fn schema_problems(
    parse: &Parse,
    schema: &dyn crate::SchemaModel,
) -> Vec<crate::SchemaProblem> {
    let document = parse.document();
    let Some(root) = document.root().and_then(|r| r.name()) else {
        return Vec::new();
    };
    if !schema.accepts_root(root.text()) {
        return Vec::new();
    }
    schema.validate(&document)
}
