//! `domxml check`: the linter. Exit 0 when no file has an error, 1 when any has, 2 on usage or
//! I/O errors (a missing file is reported and the other files are still checked).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use clap::{Args, ValueEnum};
use domxml_ide::diagnostics::DiagnosticsOptions;
use domxml_ide::{Diagnostic, SchemaModel, Severity};
use domxml_libvirt::kinds::document_kind;
use domxml_libvirt::rules::{RuleCode, RuleOptions};
use domxml_libvirt::{report, select};
use domxml_syntax::{LineIndex, PositionEncoding};

#[derive(Args)]
pub struct CheckArgs {
    /// Only check well-formedness (no schema validation).
    #[arg(long)]
    syntax_only: bool,
    /// Schema to validate with: an `.rng` file (every document), a directory of libvirt
    /// schemas (chosen by root element: domain -> domain.rng, pool -> storagepool.rng, ...)
    /// or `builtin` (the embedded catalogue). Default: $DOMXML_SCHEMA_PATH, else the host's
    /// libvirt schemas (/usr/share/libvirt/schemas, /usr/local/share/libvirt/schemas), else
    /// `builtin`.
    #[arg(long, value_name = "PATH")]
    schema: Option<String>,
    /// Print which schema (and libvirt version) would be used and why, and for each FILE the
    /// schema file its root element selects; check nothing.
    #[arg(long)]
    print_schema: bool,
    /// Turn off one of libvirt's rules (repeatable): `--disable boot-order-duplicate`.
    #[arg(long, value_name = "RULE", value_parser = parse_rule)]
    disable: Vec<RuleCode>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Files to check.
    #[arg(required_unless_present = "print_schema")]
    files: Vec<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// `file:line:col: severity: message`, 1-based.
    Text,
    /// One JSON object per file per line, with 0-based LSP positions (UTF-16 columns).
    Json,
}

fn parse_rule(name: &str) -> Result<RuleCode, String> {
    RuleCode::from_name(name)
        .ok_or_else(|| format!("no rule named '{name}' (docs/rules.md lists them)"))
}

impl CheckArgs {
    fn rule_options(&self) -> RuleOptions {
        RuleOptions {
            disabled: self.disable.clone(),
        }
    }
}

/// What checking one file produced; printed in the order of the command line.
#[derive(Default)]
struct FileOutcome {
    stdout: Vec<u8>,
    stderr: String,
    error: bool,
    io_error: bool,
}

pub fn run(args: CheckArgs) -> ExitCode {
    let discovery = select::discover(args.schema.as_deref(), "--schema");
    if args.print_schema {
        print!("{}", report::report(&discovery, &args.files));
        return ExitCode::SUCCESS;
    }
    // Compiled by the first worker that needs it; the others parse the next files meanwhile.
    let model: OnceLock<Result<Arc<dyn SchemaModel>, String>> = OnceLock::new();
    let compiling = AtomicBool::new(false);
    let open = || model.get_or_init(|| select::open(&discovery));
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(args.files.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let waiting: Mutex<Vec<(usize, Prepared)>> = Mutex::new(Vec::new());
    let mut outcomes: Vec<(usize, FileOutcome)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if let Some(file) = args.files.get(i) {
                            match prepare(file) {
                                Err(outcome) => done.push((i, outcome)),
                                Ok(prepared) if args.syntax_only => {
                                    done.push((i, finish(file, prepared, None, &args)));
                                }
                                Ok(prepared) => match model.get() {
                                    Some(m) => {
                                        done.push((i, finish(file, prepared, Some(m), &args)))
                                    }
                                    None if !compiling.swap(true, Ordering::AcqRel) => {
                                        let m = open();
                                        done.push((i, finish(file, prepared, Some(m), &args)));
                                    }
                                    None => {
                                        if let Ok(mut w) = waiting.lock() {
                                            w.push((i, prepared));
                                        }
                                    }
                                },
                            }
                            continue;
                        }
                        let item = waiting.lock().ok().and_then(|mut w| w.pop());
                        let Some((i, prepared)) = item else { break };
                        done.push((i, finish(&args.files[i], prepared, Some(open()), &args)));
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    outcomes.sort_by_key(|(i, _)| *i);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let (mut any_error, mut io_error) = (false, false);
    if let Some(Err(message)) = model.get() {
        eprintln!("error: {message}");
        io_error = true;
    }
    // The compiled schemas and their memo tables are freed by the process's exit: dropping
    // them piece by piece only costs time at the end of the run.
    std::mem::forget(model);
    for (_, outcome) in outcomes {
        if !outcome.stderr.is_empty() {
            // Messages about a file come after the diagnostics of the files before it.
            if let Err(e) = out.flush() {
                eprintln!("error: cannot write output: {e}");
                return ExitCode::from(2);
            }
            eprint!("{}", outcome.stderr);
        }
        any_error |= outcome.error;
        io_error |= outcome.io_error;
        if let Err(e) = out.write_all(&outcome.stdout) {
            eprintln!("error: cannot write output: {e}");
            return ExitCode::from(2);
        }
    }
    if let Err(e) = out.flush() {
        eprintln!("error: cannot write output: {e}");
        return ExitCode::from(2);
    }
    if io_error {
        ExitCode::from(2)
    } else if any_error {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// A file read and parsed, waiting for its schema.
struct Prepared {
    text: String,
    parse: domxml_syntax::Parse,
}

/// Reads and parses `file`; an outcome already when it cannot be read.
fn prepare(file: &Path) -> Result<Prepared, FileOutcome> {
    let mut outcome = FileOutcome::default();
    let text = match std::fs::read(file) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                outcome.stderr = format!(
                    "{}: error: not UTF-8 text (byte {})\n",
                    file.display(),
                    e.utf8_error().valid_up_to()
                );
                outcome.io_error = true;
                return Err(outcome);
            }
        },
        Err(e) => {
            outcome.stderr = format!("{}: error: cannot read: {e}\n", file.display());
            outcome.io_error = true;
            return Err(outcome);
        }
    };
    let parse = domxml_syntax::parse(&text);
    Ok(Prepared { text, parse })
}

/// Validates a parsed file with the run's schema (`None`: syntax only; `Some(Err)`: it did not
/// compile, reported once by the caller) and formats its diagnostics.
fn finish(
    file: &Path,
    prepared: Prepared,
    model: Option<&Result<Arc<dyn SchemaModel>, String>>,
    args: &CheckArgs,
) -> FileOutcome {
    let mut outcome = FileOutcome::default();
    let Prepared { text, parse } = prepared;
    // The same computation as the language server's (one path for both).
    let kind = document_kind(&parse, &file.to_string_lossy());
    let model = model.and_then(|m| m.as_ref().ok()).map(|m| m.as_ref());
    let options = DiagnosticsOptions {
        rules: args.rule_options(),
        ..DiagnosticsOptions::default()
    };
    let diagnostics = domxml_ide::diagnostics::diagnostics(&parse, &text, kind, model, &options);
    outcome.error = diagnostics.iter().any(|d| d.severity == Severity::Error);
    // Positions are only computed for diagnostics: most files have none, so no line index.
    let index = if diagnostics.is_empty() {
        LineIndex::new("")
    } else {
        LineIndex::new(&text)
    };
    let written = match args.format {
        Format::Text => write_text(&mut outcome.stdout, file, &text, &index, &diagnostics),
        Format::Json => write_json(&mut outcome.stdout, file, &text, &index, &diagnostics),
    };
    if let Err(e) = written {
        outcome
            .stderr
            .push_str(&format!("error: cannot format output: {e}\n"));
        outcome.io_error = true;
    }
    outcome
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
                "code": d.code.as_str(),
                "message": d.message,
            })
        })
        .collect();
    let line =
        serde_json::json!({ "file": file.display().to_string(), "diagnostics": diagnostics });
    writeln!(out, "{line}")
}
