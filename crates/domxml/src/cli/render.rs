//! The output formats of `domxml check` and `domxml fmt`: human (source line, underlined
//! range, notes and help, rendered by `annotate-snippets` like rustc's), concise (one line per
//! problem), JSON (one object per file) and GitHub Actions workflow commands.

use std::io::Write;

use annotate_snippets::{Annotation, AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use clap::ValueEnum;
use domxml_ide::{Code, Diagnostic, Severity};
use domxml_syntax::{LineIndex, PositionEncoding, TextRange, TextSize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The source line with the range underlined, notes and help, and a summary.
    Human,
    /// `file:line:col: severity: message [code]`, 1-based.
    #[value(alias = "text")]
    Concise,
    /// One JSON object per file per line, with 0-based LSP positions (UTF-16 columns).
    Json,
    /// GitHub Actions workflow commands (`::error file=...::message`): annotations on the PR.
    Github,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when standard output is a terminal and NO_COLOR is not set.
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    pub fn enabled(self, is_terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_terminal && no_color.is_none_or(|v| v.is_empty()),
        }
    }
}

/// One problem as the command line prints it: a diagnostic plus the help lines found for it
/// (did-you-mean, fixes) and the command line's own problems (a file that is not UTF-8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub range: TextRange,
    pub severity: Severity,
    pub source: &'static str,
    pub code: Code,
    pub message: String,
    pub related: Vec<(TextRange, String)>,
    pub help: Vec<String>,
}

impl Problem {
    pub fn from_diagnostic(d: &Diagnostic) -> Problem {
        Problem {
            range: d.range,
            severity: d.severity,
            source: d.source.as_str(),
            code: d.code,
            message: d.message.clone(),
            related: d
                .related
                .iter()
                .map(|r| (r.range, r.message.clone()))
                .collect(),
            help: Vec::new(),
        }
    }
}

/// One file's problems, with what is needed to show where they are.
pub struct FileReport<'a> {
    pub name: &'a str,
    pub text: &'a str,
    pub problems: &'a [Problem],
}

pub fn write_file(
    out: &mut impl Write,
    format: Format,
    color: bool,
    report: &FileReport<'_>,
) -> std::io::Result<()> {
    // Positions are only computed for problems: most files have none, so no line index.
    if report.problems.is_empty() && format != Format::Json {
        return Ok(());
    }
    let index = if report.problems.is_empty() {
        LineIndex::new("")
    } else {
        LineIndex::new(report.text)
    };
    match format {
        Format::Human => write_human(out, color, report, &index),
        Format::Concise => write_concise(out, report, &index),
        Format::Json => write_json(out, report, &index),
        Format::Github => write_github(out, report, &index),
    }
}

fn position(index: &LineIndex, text: &str, offset: TextSize) -> (u32, u32) {
    let p = index.line_col(text, offset, PositionEncoding::Utf16);
    (p.line + 1, p.col + 1)
}

fn write_concise(
    out: &mut impl Write,
    r: &FileReport<'_>,
    index: &LineIndex,
) -> std::io::Result<()> {
    for p in r.problems {
        let (line, col) = position(index, r.text, p.range.start());
        writeln!(
            out,
            "{}:{line}:{col}: {}: {} [{}]",
            r.name,
            p.severity.as_str(),
            p.message,
            p.code
        )?;
    }
    Ok(())
}

fn write_json(out: &mut impl Write, r: &FileReport<'_>, index: &LineIndex) -> std::io::Result<()> {
    let position = |offset| {
        let p = index.line_col(r.text, offset, PositionEncoding::Utf16);
        serde_json::json!({ "line": p.line, "character": p.col })
    };
    let diagnostics: Vec<_> = r
        .problems
        .iter()
        .map(|p| {
            serde_json::json!({
                "range": { "start": position(p.range.start()), "end": position(p.range.end()) },
                "severity": p.severity.as_str(),
                "source": p.source,
                "code": p.code.as_str(),
                "message": p.message,
            })
        })
        .collect();
    let line = serde_json::json!({ "file": r.name, "diagnostics": diagnostics });
    writeln!(out, "{line}")
}

/// GitHub's escaping of a workflow command's message.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// GitHub's escaping of a workflow command's property value (also `:` and `,`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn write_github(
    out: &mut impl Write,
    r: &FileReport<'_>,
    index: &LineIndex,
) -> std::io::Result<()> {
    for p in r.problems {
        let command = match p.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information | Severity::Hint => "notice",
        };
        let (line, col) = position(index, r.text, p.range.start());
        let (end_line, end_col) = position(index, r.text, p.range.end());
        let mut message = p.message.clone();
        for h in &p.help {
            message.push_str("\nhelp: ");
            message.push_str(h);
        }
        writeln!(
            out,
            "::{command} file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}",
            escape_property(r.name),
            escape_property(&format!("domxml {}", p.code)),
            escape_data(&message)
        )?;
    }
    Ok(())
}

/// At most this many lines of a range spanning lines are shown; longer ones are cut to
/// their first line (an unclosed element can span the whole document).
const MAX_SHOWN_LINES: usize = 6;
/// Lines longer than this (a document on one line, a cut-off document of thousands of tags)
/// are not drawn: a problem there is shown by its place alone. Drawing reads the whole line,
/// once per problem on it.
const MAX_SHOWN_LINE_BYTES: usize = 2000;

/// The lines around `range` (whole lines), as a window of the text with its first line's
/// number, and `range` clipped to what is shown.
struct Window<'t> {
    source: &'t str,
    start: usize,
    line: usize,
}

fn window<'t>(
    text: &'t str,
    index: &LineIndex,
    range: TextRange,
) -> (Window<'t>, std::ops::Range<usize>) {
    let s = usize::from(range.start()).min(text.len());
    let mut e = usize::from(range.end()).clamp(s, text.len());
    let line_start = text[..s].rfind('\n').map_or(0, |i| i + 1);
    let line_end = |from: usize| text[from..].find('\n').map_or(text.len(), |i| from + i);
    let first_end = line_end(s);
    if text[s..e].matches('\n').nth(MAX_SHOWN_LINES - 1).is_some() {
        e = first_end;
    }
    let end = line_end(e);
    let line = index
        .line_col(text, TextSize::from(s as u32), PositionEncoding::Utf8)
        .line as usize
        + 1;
    let mut e_in = e - line_start;
    // An empty range still points at something: the character after it, or the line's end.
    if e == s {
        e_in = (s - line_start) + text[s..end].chars().next().map_or(0, char::len_utf8);
    }
    (
        Window {
            source: &text[line_start..end],
            start: line_start,
            line,
        },
        (s - line_start)..e_in,
    )
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Information => Level::INFO,
        Severity::Hint => Level::HELP,
    }
}

fn write_human(
    out: &mut impl Write,
    color: bool,
    r: &FileReport<'_>,
    index: &LineIndex,
) -> std::io::Result<()> {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    for p in r.problems {
        let (main, main_span) = window(r.text, index, p.range);
        let title = level(p.severity)
            .primary_title(p.message.as_str())
            .id(p.code.as_str());
        let group = Group::with_title(title);
        let group = if main.source.len() > MAX_SHOWN_LINE_BYTES {
            let column = main.source[..main_span.start].chars().count() + 1;
            group.element(Origin::path(r.name).line(main.line).char_column(column))
        } else {
            let (snippet, others) = snippets(r, index, p, main, main_span);
            group.element(snippet).elements(others)
        };
        let group = group.elements(p.help.iter().map(|h| Level::HELP.message(h.as_str())));
        writeln!(out, "{}\n", renderer.render(&[group]))?;
    }
    Ok(())
}

/// The problem's lines, its related places on them labelled, and a snippet for each related
/// place elsewhere (not for those on lines too long to draw).
fn snippets<'t>(
    r: &FileReport<'t>,
    index: &LineIndex,
    p: &'t Problem,
    main: Window<'t>,
    main_span: std::ops::Range<usize>,
) -> (
    Snippet<'t, Annotation<'t>>,
    Vec<Snippet<'t, Annotation<'t>>>,
) {
    let main_end = main.start + main.source.len();
    // annotate-snippets adds `:line:col` to the path itself.
    let mut snippet = Snippet::source(main.source)
        .line_start(main.line)
        .path(r.name)
        .annotation(AnnotationKind::Primary.span(main_span));
    let mut others = Vec::new();
    for (range, message) in &p.related {
        let at = usize::from(range.start());
        if at >= main.start && usize::from(range.end()) <= main_end {
            let end = usize::from(range.end()).max(at + 1).min(main_end);
            snippet = snippet.annotation(
                AnnotationKind::Context
                    .span((at - main.start)..(end - main.start))
                    .label(message.as_str()),
            );
        } else {
            let (w, span) = window(r.text, index, *range);
            if w.source.len() <= MAX_SHOWN_LINE_BYTES {
                others.push(
                    Snippet::source(w.source)
                        .line_start(w.line)
                        .path(r.name)
                        .annotation(AnnotationKind::Context.span(span).label(message.as_str())),
                );
            }
        }
    }
    (snippet, others)
}

/// Counts for the closing line of a human report.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub files_with_problems: usize,
    pub files: usize,
}

impl Summary {
    pub fn add(&mut self, problems: &[Problem]) {
        let errors = problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count();
        let warnings = problems
            .iter()
            .filter(|p| p.severity == Severity::Warning)
            .count();
        self.errors += errors;
        self.warnings += warnings;
        self.files += 1;
        if errors + warnings > 0 {
            self.files_with_problems += 1;
        }
    }

    /// `2 errors, 1 warning in 1 of 3 files`, or `no problems in 3 files`.
    pub fn line(&self) -> String {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let files = plural(self.files, "file");
        if self.errors + self.warnings == 0 {
            return format!("no problems in {files}");
        }
        format!(
            "{}, {} in {} of {files}",
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
            self.files_with_problems
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escaping_follows_the_runner() {
        assert_eq!(escape_data("50% a\r\nb"), "50%25 a%0D%0Ab");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }

    #[test]
    fn colour_follows_the_terminal_and_no_color() {
        let set = Some(std::ffi::OsStr::new("1"));
        let empty = Some(std::ffi::OsStr::new(""));
        assert!(ColorChoice::Auto.enabled(true, None));
        assert!(ColorChoice::Auto.enabled(true, empty));
        assert!(!ColorChoice::Auto.enabled(true, set));
        assert!(!ColorChoice::Auto.enabled(false, None));
        assert!(ColorChoice::Always.enabled(false, set));
        assert!(!ColorChoice::Never.enabled(true, None));
    }

    #[test]
    fn summary_counts_files_with_errors_or_warnings() {
        let problem = |severity| Problem {
            range: TextRange::empty(0.into()),
            severity,
            source: "schema",
            code: Code::AnalysisLimited,
            message: String::new(),
            related: vec![],
            help: vec![],
        };
        let mut s = Summary::default();
        s.add(&[
            problem(Severity::Error),
            problem(Severity::Error),
            problem(Severity::Warning),
        ]);
        s.add(&[problem(Severity::Information)]);
        s.add(&[]);
        assert_eq!(s.line(), "2 errors, 1 warning in 1 of 3 files");
        assert_eq!(Summary::default().line(), "no problems in 0 files");
    }
}
