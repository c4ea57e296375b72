//! Diagnostics as editors and the CLI show them: one type for every source of problems.

use domxml_libvirt::kinds::DocumentKind;
use domxml_libvirt::rules::{self, RuleOptions};
use domxml_libvirt::{Code, Related, Severity};
use domxml_syntax::{Parse, TextRange, TextSize};

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
    let base = base_diagnostics(parse, kind, schema, options);
    let semantic = if base.rules_apply {
        semantic_diagnostics(parse, text, &options.rules)
    } else {
        Vec::new()
    };
    merge(base.diagnostics, semantic, options)
}

/// The syntax and schema diagnostics of a document, and whether libvirt's rules apply to it:
/// [`diagnostics`] without the rules, so that a front end can run them apart (the language
/// server runs them off the keystroke path for large documents) and [`merge`] the two.
pub struct Base {
    /// Sorted by range, not truncated.
    pub diagnostics: Vec<Diagnostic>,
    pub rules_apply: bool,
}

pub fn base_diagnostics(
    parse: &Parse,
    kind: DocumentKind,
    schema: Option<&dyn SchemaModel>,
    options: &DiagnosticsOptions,
) -> Base {
    base_and_schema_problems(parse, kind, schema, options).0
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
    let (base, schema_found) = base_and_schema_problems(parse, kind, schema, options);
    let mut findings = if base.rules_apply {
        rules::check(parse, text, &options.rules)
    } else {
        Vec::new()
    };
    let semantic = findings.iter().map(semantic_diagnostic).collect();
    let diagnostics = merge(base.diagnostics, semantic, options);
    // The problems as the quick fixes read them: syntax first. Only those reported get fixes
    // (a document cut off after 100,000 open elements has as many problems, and finding each
    // one's element is a descent through the tree): a cut list ends with `merge`'s note, at
    // the first problem left out.
    let mut problems = syntax_problems(parse);
    problems.extend(schema_found);
    if diagnostics.len() > options.max_diagnostics
        && let Some(cut) = diagnostics.last().map(|d| d.range.start())
    {
        problems.retain(|p| p.range.start() <= cut);
        findings.retain(|f| f.range.start() <= cut);
    }
    let fixes = crate::actions::fixes_of(parse, text, schema, &problems, &findings);
    (diagnostics, fixes)
}

/// [`base_diagnostics`] and the schema problems among them, as quick fixes read them.
fn base_and_schema_problems(
    parse: &Parse,
    kind: DocumentKind,
    schema: Option<&dyn SchemaModel>,
    options: &DiagnosticsOptions,
) -> (Base, Vec<crate::SchemaProblem>) {
    let mut out = syntax_diagnostics(parse);
    let mut rules_apply = false;
    let mut schema_found = Vec::new();
    let kind = match schema {
        Some(s) if s.applies_to_any_document() => DocumentKind::Libvirt,
        _ => kind,
    };
    if let (DocumentKind::Libvirt, Some(schema)) = (kind, schema) {
        let len = usize::from(parse.green().text_len());
        if len > options.schema_size_limit {
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
                    len as f64 / (1 << 20) as f64,
                    options.schema_size_limit >> 20
                ),
                related: Vec::new(),
            });
        } else {
            schema_found = schema_problems(parse, schema);
            out.extend(schema_found.iter().map(|p| Diagnostic {
                range: p.range,
                severity: p.severity,
                source: Source::Schema,
                code: p.code,
                message: p.message.clone(),
                related: Vec::new(),
            }));
            rules_apply = true;
        }
    }
    sort(&mut out);
    (
        Base {
            diagnostics: out,
            rules_apply,
        },
        schema_found,
    )
}

/// The diagnostics of [`base_diagnostics`] with the rules' (sorted, truncated): equal to
/// [`diagnostics`] when `semantic` is what [`semantic_diagnostics`] gives for the same tree.
pub fn merge(
    base: Vec<Diagnostic>,
    semantic: Vec<Diagnostic>,
    options: &DiagnosticsOptions,
) -> Vec<Diagnostic> {
    let mut out = base;
    out.extend(semantic);
    // Stable: at equal ranges, syntax and schema stay before the rules, as in one pass.
    sort(&mut out);
    if let Some(first_dropped) = out.get(options.max_diagnostics) {
        // Said where the cut falls, so that a count of problems is never taken for all of them.
        let note = Diagnostic {
            range: TextRange::empty(first_dropped.range.start()),
            severity: Severity::Information,
            source: first_dropped.source,
            code: Code::AnalysisLimited,
            message: format!(
                "{} more problems from here on are not reported: at most {} are, per document",
                out.len() - options.max_diagnostics,
                options.max_diagnostics
            ),
            related: Vec::new(),
        };
        out.truncate(options.max_diagnostics);
        out.push(note);
    }
    out
}

fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| (d.range.start(), d.range.end()));
}

/// One replacement in a text: the bytes of `delete` became `inserted` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replacement {
    pub delete: TextRange,
    pub inserted: TextSize,
}

/// Diagnostics of an older text moved to where they stand after `edits` (applied in order);
/// a diagnostic whose range or related places an edit touches (overlaps or borders) is
/// dropped, since what it says may no longer hold there.
pub fn map_through(diagnostics: &[Diagnostic], edits: &[Replacement]) -> Vec<Diagnostic> {
    diagnostics
        .iter()
        .filter_map(|d| {
            let mut d = d.clone();
            for edit in edits {
                d.range = map_range(d.range, edit)?;
                for r in &mut d.related {
                    r.range = map_range(r.range, edit)?;
                }
            }
            Some(d)
        })
        .collect()
}

fn map_range(range: TextRange, edit: &Replacement) -> Option<TextRange> {
    if range.end() < edit.delete.start() {
        Some(range)
    } else if range.start() > edit.delete.end() {
        let start = range.start() - edit.delete.end() + edit.delete.start() + edit.inserted;
        Some(TextRange::at(start, range.len()))
    } else {
        None
    }
}

/// libvirt's rules broken by a `<domain>` document.
pub fn semantic_diagnostics(parse: &Parse, text: &str, options: &RuleOptions) -> Vec<Diagnostic> {
    rules::check(parse, text, options)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_list_says_how_many_problems_it_leaves_out() {
        let options = DiagnosticsOptions {
            max_diagnostics: 2,
            ..DiagnosticsOptions::default()
        };
        let four: Vec<Diagnostic> = (0..4)
            .map(|i| finding(at(i * 10, i * 10 + 5), &[]))
            .collect();
        let merged = merge(four[..1].to_vec(), four[1..].to_vec(), &options);
        assert_eq!(merged.len(), 3);
        assert_eq!(merged[..2], four[..2]);
        let note = &merged[2];
        assert_eq!(note.code, Code::AnalysisLimited);
        assert_eq!(note.severity, Severity::Information);
        assert_eq!(note.range, TextRange::empty(20.into()));
        assert_eq!(
            note.message,
            "2 more problems from here on are not reported: at most 2 are, per document"
        );
        // Within the limit nothing is added.
        assert_eq!(merge(four[..2].to_vec(), Vec::new(), &options), four[..2]);
    }

    fn at(start: u32, end: u32) -> TextRange {
        TextRange::new(start.into(), end.into())
    }

    fn finding(range: TextRange, related: &[TextRange]) -> Diagnostic {
        Diagnostic {
            range,
            severity: Severity::Error,
            source: Source::Semantic,
            code: Code::AnalysisLimited,
            message: String::new(),
            related: related
                .iter()
                .map(|&range| Related {
                    range,
                    message: String::new(),
                })
                .collect(),
        }
    }

    fn replace(start: u32, end: u32, inserted: u32) -> Replacement {
        Replacement {
            delete: at(start, end),
            inserted: inserted.into(),
        }
    }

    #[test]
    fn findings_before_an_edit_stay_after_it_move_and_touched_ones_go() {
        let found = [
            finding(at(0, 4), &[]),
            finding(at(10, 14), &[at(30, 32)]),
            finding(at(20, 24), &[]),
            finding(at(22, 28), &[at(0, 2)]),
        ];
        // "abc" replaces 16..18: 0..4 stays, 10..14 and its related 30..32 move by one,
        // 20..24 moves too, 22..28 too.
        let moved = map_through(&found, &[replace(16, 18, 3)]);
        let ranges: Vec<_> = moved.iter().map(|d| d.range).collect();
        assert_eq!(ranges, [at(0, 4), at(10, 14), at(21, 25), at(23, 29)]);
        assert_eq!(moved[1].related[0].range, at(31, 33));

        // Bordering counts as touching: an insertion at 14 (end of 10..14) drops it, then one
        // at 21 (start of 20..24, now 21..25) drops that one; 22..28 moves twice.
        let moved = map_through(&found, &[replace(14, 14, 1), replace(21, 21, 1)]);
        let ranges: Vec<_> = moved.iter().map(|d| d.range).collect();
        assert_eq!(ranges, [at(0, 4), at(24, 30)]);
        // One inside 30..32 drops the finding whose related place it is.
        let moved = map_through(&found, &[replace(31, 31, 5)]);
        assert!(moved.iter().all(|d| d.range != at(10, 14)));
        assert_eq!(moved.len(), 3);
    }

    #[test]
    fn edits_apply_in_order() {
        let found = [finding(at(10, 12), &[])];
        // Delete 0..5 (now 5..7), then insert 2 bytes at 0 (now 7..9).
        let moved = map_through(&found, &[replace(0, 5, 0), replace(0, 0, 2)]);
        assert_eq!(moved[0].range, at(7, 9));
    }
}
