//! `domxml check`: the linter. Exit 0 when no file has an error, 1 when any has, 2 on usage or
//! I/O errors (a missing file is reported and the other files are still checked).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use domxml_ide::{Diagnostic, Severity};
use domxml_syntax::{LineIndex, PositionEncoding};

#[derive(Args)]
pub struct CheckArgs {
    /// Only check well-formedness (no schema validation).
    #[arg(long)]
    syntax_only: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Files to check.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// `file:line:col: severity: message`, 1-based.
    Text,
    /// One JSON object per file per line, with 0-based LSP positions (UTF-16 columns).
    Json,
}

pub fn run(args: CheckArgs) -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut any_error = false;
    let mut io_error = false;
    let schema = if args.syntax_only {
        None
    } else {
        match crate::lsp::schema::load(None) {
            Ok(schema) => schema,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        }
    };
    for file in &args.files {
        let text = match std::fs::read(file) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(e) => {
                    eprintln!(
                        "{}: error: not UTF-8 text (byte {})",
                        file.display(),
                        e.utf8_error().valid_up_to()
                    );
                    io_error = true;
                    continue;
                }
            },
            Err(e) => {
                eprintln!("{}: error: cannot read: {e}", file.display());
                io_error = true;
                continue;
            }
        };
        let parse = domxml_syntax::parse(&text);
        // The same computation as the language server's (one path for both).
        let kind = domxml_ide::kinds::document_kind(&parse, &file.to_string_lossy());
        let diagnostics = domxml_ide::diagnostics::diagnostics(
            &parse,
            &text,
            kind,
            schema.as_deref(),
            &Default::default(),
        );
        any_error |= diagnostics.iter().any(|d| d.severity == Severity::Error);
        let index = LineIndex::new(&text);
        let written = match args.format {
            Format::Text => write_text(&mut out, file, &text, &index, &diagnostics),
            Format::Json => write_json(&mut out, file, &text, &index, &diagnostics),
        };
        if let Err(e) = written {
            eprintln!("error: cannot write output: {e}");
            return ExitCode::from(2);
        }
    }
    if io_error {
        ExitCode::from(2)
    } else if any_error {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn write_text(
    out: &mut impl Write,
    file: &std::path::Path,
    text: &str,
    index: &LineIndex,
    diagnostics: &[Diagnostic],
) -> std::io::Result<()> {
    for d in diagnostics {
        let pos = index.line_col(text, d.range.start(), PositionEncoding::Utf16);
        writeln!(
            out,
            "{}:{}:{}: {}: {} [{}]",
            file.display(),
            pos.line + 1,
            pos.col + 1,
            d.severity.as_str(),
            d.message,
            d.code
        )?;
    }
    Ok(())
}

fn write_json(
    out: &mut impl Write,
    file: &std::path::Path,
    text: &str,
    index: &LineIndex,
    diagnostics: &[Diagnostic],
) -> std::io::Result<()> {
    let position = |offset| {
        let p = index.line_col(text, offset, PositionEncoding::Utf16);
        serde_json::json!({ "line": p.line, "character": p.col })
    };
    let diagnostics: Vec<_> = diagnostics
        .iter()
        .map(|d| {
            serde_json::json!({
                "range": { "start": position(d.range.start()), "end": position(d.range.end()) },
                "severity": d.severity.as_str(),
                "source": d.source.as_str(),
                "code": d.code,
                "message": d.message,
            })
        })
        .collect();
    let line =
        serde_json::json!({ "file": file.display().to_string(), "diagnostics": diagnostics });
    writeln!(out, "{line}")
}
