//! Diagnostics as editors and the CLI show them: one type for every source of problems.

use domxml_libvirt::kinds::DocumentKind;
use domxml_libvirt::rules::{self, RuleOptions};
use domxml_libvirt::{Code, Related, Severity};
use domxml_syntax::{Parse, TextRange};

use crate::SchemaModel;
use crate::actions::CodeAction;

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
    pub code: Code,
    pub message: String,
    /// Other places that take part (the first of two duplicates...).
    pub related: Vec<Related>,
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
            code: Code::Syntax(e.code),
            message: e.message.clone(),
            related: Vec::new(),
        })
        .collect()
}

/// Limits that keep huge documents responsive, and which of libvirt's rules run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagnosticsOptions {
    /// Documents larger than this (bytes) get syntax diagnostics only, plus an information
    /// diagnostic saying so.
    pub schema_size_limit: usize,
    /// At most this many diagnostics are reported.
    pub max_diagnostics: usize,
    pub rules: RuleOptions,
}

impl Default for DiagnosticsOptions {
    fn default() -> Self {
        DiagnosticsOptions {
            schema_size_limit: 8 << 20,
            max_diagnostics: 2000,
            rules: RuleOptions::default(),
        }
    }
}

/// Every diagnostic of a document: syntax, then, when it is a libvirt document with a schema,
/// schema problems and libvirt's rules. The one way `domxml check` and the language server
/// compute problems.
pub fn diagnostics(
    parse: &Parse,
    text: &str,
    kind: DocumentKind,
    schema: Option<&dyn SchemaModel>,
    options: &DiagnosticsOptions,
) -> Vec<Diagnostic> {
    analyse(parse, text, kind, schema, options, None)
}

/// [`diagnostics`] and the quick fixes of those problems (what `code_actions` offers for
/// them), from one analysis of the document.
pub fn diagnostics_with_fixes(
    parse: &Parse,
    text: &str,
    kind: DocumentKind,
    schema: Option<&dyn SchemaModel>,
    options: &DiagnosticsOptions,
) -> (Vec<Diagnostic>, Vec<CodeAction>) {
    let mut fixes = Vec::new();
    let diagnostics = analyse(parse, text, kind, schema, options, Some(&mut fixes));
    (diagnostics, fixes)
}

fn analyse(
    parse: &Parse,
    text: &str,
    kind: DocumentKind,
    schema: Option<&dyn SchemaModel>,
    options: &DiagnosticsOptions,
    fixes: Option<&mut Vec<CodeAction>>,
) -> Vec<Diagnostic> {
    let mut out = syntax_diagnostics(parse);
    // The problems as the quick fixes read them (syntax first), kept only when fixes are wanted.
    let want_fixes = fixes.is_some();
    let mut problems = if want_fixes {
        syntax_problems(parse)
    } else {
        Vec::new()
    };
    let mut findings: Vec<rules::Finding> = Vec::new();
    let kind = match schema {
        Some(s) if s.applies_to_any_document() => DocumentKind::Libvirt,
        _ => kind,
    };
    if let (DocumentKind::Libvirt, Some(schema)) = (kind, schema) {
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
                code: Code::AnalysisLimited,
                message: format!(
                    "this document is {:.1} MB: schema validation is skipped above {} MB (well-formedness is still checked)",
                    text.len() as f64 / (1 << 20) as f64,
                    options.schema_size_limit >> 20
                ),
                related: Vec::new(),
            });
        } else {
            let schema_found = schema_problems(parse, schema);
            out.extend(schema_found.iter().map(|p| Diagnostic {
                range: p.range,
                severity: p.severity,
                source: Source::Schema,
                code: p.code,
                message: p.message.clone(),
                related: Vec::new(),
            }));
            let rules_found = rules::check(&parse.document(), &options.rules);
            out.extend(rules_found.iter().map(semantic_diagnostic));
            if want_fixes {
                problems.extend(schema_found);
                findings = rules_found;
            }
        }
    }
    if let Some(fixes) = fixes {
        *fixes = crate::actions::fixes_of(parse, text, schema, &problems, &findings);
    }
    out.sort_by_key(|d| (d.range.start(), d.range.end()));
    if out.len() > options.max_diagnostics {
        out.truncate(options.max_diagnostics);
    }
    out
}

/// libvirt's rules broken by a `<domain>` document.
pub fn semantic_diagnostics(parse: &Parse, options: &RuleOptions) -> Vec<Diagnostic> {
    rules::check(&parse.document(), options)
        .iter()
        .map(semantic_diagnostic)
        .collect()
}

fn semantic_diagnostic(f: &rules::Finding) -> Diagnostic {
    Diagnostic {
        range: f.range,
        severity: f.severity,
        source: Source::Semantic,
        code: Code::Rule(f.code),
        message: f.message.clone(),
        related: f.related.clone(),
    }
}

/// The well-formedness problems as quick fixes read them.
fn syntax_problems(parse: &Parse) -> Vec<crate::SchemaProblem> {
    parse
        .errors()
        .iter()
        .map(|e| crate::SchemaProblem {
            range: e.range,
            severity: Severity::Error,
            code: Code::Syntax(e.code),
            message: e.message.clone(),
            suggestion: None,
            expected: Vec::new(),
        })
        .collect()
}

/// Schema problems of a document whose root the schema is meant for (other roots: none).
pub fn schema_problems(parse: &Parse, schema: &dyn SchemaModel) -> Vec<crate::SchemaProblem> {
    let document = parse.document();
    let Some(root) = document.root().and_then(|r| r.name()) else {
        return Vec::new();
    };
    if !schema.accepts_root(root.text()) {
        // A misspelt libvirt root: say which one it means (other roots are not ours to judge).
        return domxml_libvirt::kinds::near_libvirt_root(root.text())
            .map(|meant| crate::SchemaProblem {
                range: root.range(),
                severity: Severity::Error,
                code: Code::Schema(domxml_schema::Code::WrongRoot),
                message: format!(
                    "unknown root element <{}>: did you mean <{meant}>?",
                    root.text()
                ),
                suggestion: Some(meant.to_owned()),
                expected: vec![meant.to_owned()],
            })
            .into_iter()
            .collect();
    }
    schema.validate(&document)
}
