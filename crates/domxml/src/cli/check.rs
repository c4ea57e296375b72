//! `domxml check`: the linter. Exit 0 when no file has an error, 1 when any has, 2 on usage or
//! I/O errors (a missing file is reported and the other files are still checked).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use clap::Args;
use domxml_ide::actions::CodeAction;
use domxml_ide::diagnostics::DiagnosticsOptions;
use domxml_ide::{Code, SchemaModel, Severity};
use domxml_libvirt::kinds::{DocumentKind, document_kind};
use domxml_libvirt::rules::{RuleCode, RuleOptions};
use domxml_libvirt::{report, select};
use domxml_syntax::{TextRange, TextSize};

use super::input::{Input, decode};
use super::render::{self, ColorChoice, FileReport, Format, Problem, Summary};

#[derive(Args)]
pub struct CheckArgs {
    /// Only check well-formedness (no schema validation, no schema discovery).
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
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,
    /// The name standard input (`-`) has in messages (and for recognising `virsh edit` files).
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<String>,
    /// Files to check; `-` reads standard input.
    #[arg(required_unless_present = "print_schema")]
    files: Vec<PathBuf>,
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

    /// Whether libvirt's rules may read the files: then the parser records each document's
    /// element table for them as it reads (cheaper than their walking the tree afterwards).
    fn reads_every_element(&self) -> bool {
        !self.syntax_only && !self.rule_options().disables_all()
    }
}

/// What checking one file produced; printed in the order of the command line.
#[derive(Default)]
struct FileOutcome {
    stdout: Vec<u8>,
    stderr: String,
    problems: Vec<Problem>,
    /// The root element of a libvirt document the schema does not cover (only its syntax
    /// was checked).
    uncovered_root: Option<String>,
    io_error: bool,
    checked: bool,
}

pub fn run(args: CheckArgs) -> ExitCode {
    if args.print_schema {
        let discovery = select::discover(args.schema.as_deref(), "--schema");
        print!("{}", report::report(&discovery, &args.files));
        return ExitCode::SUCCESS;
    }
    let color = args.color.enabled(
        std::io::stdout().is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
    );
    if args.files.iter().filter(|f| f.as_os_str() == "-").count() > 1 {
        eprintln!("error: standard input (`-`) can be named once");
        return ExitCode::from(2);
    }
    // Discovery (host directories, the libvirt version) and compiling happen at most once, by
    // the first worker that needs them; the others parse the next files meanwhile. A
    // syntax-only run does neither.
    let model: OnceLock<Result<Arc<dyn SchemaModel>, String>> = OnceLock::new();
    let compiling = AtomicBool::new(false);
    let open = || {
        model.get_or_init(|| {
            select::open(&select::discover_first(args.schema.as_deref(), "--schema"))
        })
    };
    // One file (an editor hook, pre-commit, `virsh dumpxml | domxml check -`) is checked on
    // the main thread: a worker would cost its start-up, and glibc gives a thread its own
    // malloc arena that grows page by page (mprotect) under the schema's allocations.
    let workers = if args.files.len() > 1 {
        std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(args.files.len())
    } else {
        1
    };
    let next = AtomicUsize::new(0);
    let waiting: Mutex<Vec<(usize, Prepared)>> = Mutex::new(Vec::new());
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if let Some(file) = args.files.get(i) {
                match prepare(Input::from_arg(file), &args) {
                    Err(outcome) => done.push((i, outcome)),
                    Ok(prepared) if args.syntax_only => {
                        done.push((i, finish(prepared, None, &args, color)));
                    }
                    Ok(prepared) => match model.get() {
                        Some(m) => done.push((i, finish(prepared, Some(m), &args, color))),
                        None if !compiling.swap(true, Ordering::AcqRel) => {
                            let m = open();
                            done.push((i, finish(prepared, Some(m), &args, color)));
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
            done.push((i, finish(prepared, Some(open()), &args, color)));
        }
        done
    };
    let mut outcomes: Vec<(usize, FileOutcome)> = if workers <= 1 {
        work()
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers).map(|_| scope.spawn(work)).collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        })
    };
    outcomes.sort_by_key(|(i, _)| *i);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut io_error = false;
    if let Some(Err(message)) = model.get() {
        eprintln!("error: {message}");
        io_error = true;
    }
    // The compiled schemas and their memo tables are freed by the process's exit: dropping
    // them piece by piece only costs time at the end of the run.
    std::mem::forget(model);
    let mut summary = Summary::default();
    let mut uncovered: Vec<String> = Vec::new();
    for (_, outcome) in outcomes {
        if !outcome.stderr.is_empty() {
            // Messages about a file come after the diagnostics of the files before it.
            if let Err(e) = out.flush() {
                eprintln!("error: cannot write output: {e}");
                return ExitCode::from(2);
            }
            eprint!("{}", outcome.stderr);
        }
        if outcome.checked {
            summary.add(&outcome.problems);
        }
        io_error |= outcome.io_error;
        if let Some(root) = outcome.uncovered_root
            && !uncovered.contains(&root)
        {
            uncovered.push(root);
        }
        if let Err(e) = out.write_all(&outcome.stdout) {
            eprintln!("error: cannot write output: {e}");
            return ExitCode::from(2);
        }
    }
    if args.format == Format::Human {
        let _ = writeln!(out, "{}", summary.line());
    }
    if let Err(e) = out.flush() {
        eprintln!("error: cannot write output: {e}");
        return ExitCode::from(2);
    }
    if !uncovered.is_empty() {
        eprintln!("{}", uncovered_note(&uncovered));
    }
    if io_error {
        ExitCode::from(2)
    } else if summary.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Said once per run when some libvirt documents got no schema check.
fn uncovered_note(roots: &[String]) -> String {
    let roots: Vec<String> = roots.iter().map(|r| format!("<{r}>")).collect();
    format!(
        "note: only well-formedness was checked for {}: the schema in use has no definition for \
         {}. The built-in catalogue covers <domain> only; install libvirt's schemas (they come \
         with libvirt, in /usr/share/libvirt/schemas) or pass `--schema DIR` with a directory of \
         them to validate every kind of libvirt document.",
        if roots.len() == 1 {
            "a libvirt document"
        } else {
            "libvirt documents"
        },
        roots.join(", ")
    )
}

/// A file read and parsed, waiting for its schema.
struct Prepared {
    name: String,
    text: String,
    parse: domxml_syntax::Parse,
    encoding_problem: Option<Problem>,
}

/// Reads, decodes and parses a file; an outcome already when it cannot be read.
fn prepare(input: Input, args: &CheckArgs) -> Result<Prepared, FileOutcome> {
    let name = input.display_name(args.stdin_filename.as_deref());
    let bytes = input.read_bytes().map_err(|e| FileOutcome {
        stderr: format!("{name}: error: cannot read: {e}\n"),
        io_error: true,
        ..FileOutcome::default()
    })?;
    let decoded = decode(bytes);
    let encoding_problem = decoded
        .bad_byte
        .map(|(at, byte)| not_utf8(at, byte, &decoded.text));
    let parse = if args.reads_every_element() {
        domxml_syntax::parse_with_elements(&decoded.text)
    } else {
        domxml_syntax::parse(&decoded.text)
    };
    Ok(Prepared {
        name,
        text: decoded.text,
        parse,
        encoding_problem,
    })
}

pub(super) fn not_utf8(at: usize, byte: u8, text: &str) -> Problem {
    let len = text[at..].chars().next().map_or(0, char::len_utf8) as u32;
    let start = TextSize::from(at as u32);
    Problem {
        range: TextRange::at(start, len.into()),
        severity: Severity::Error,
        source: "syntax",
        code: Code::InvalidEncoding,
        message: format!(
            "byte 0x{byte:02X} at offset {at} is not UTF-8, and the document declares no other \
             encoding: libvirt refuses it"
        ),
        related: Vec::new(),
        help: vec![
            "save the file as UTF-8, or declare its encoding: <?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
                .to_owned(),
        ],
    }
}

/// Validates a parsed file with the run's schema (`None`: syntax only; `Some(Err)`: it did not
/// compile, reported once by the caller) and formats its problems.
fn finish(
    prepared: Prepared,
    model: Option<&Result<Arc<dyn SchemaModel>, String>>,
    args: &CheckArgs,
    color: bool,
) -> FileOutcome {
    let mut outcome = FileOutcome {
        checked: true,
        ..FileOutcome::default()
    };
    let Prepared {
        name,
        text,
        parse,
        encoding_problem,
    } = prepared;
    // The same computation as the language server's (one path for both).
    let kind = document_kind(&parse, &name);
    let model = model.and_then(|m| m.as_ref().ok()).map(|m| m.as_ref());
    let options = DiagnosticsOptions {
        rules: args.rule_options(),
        // The command line validates documents of any size: a large file is never passed
        // silently (the server keeps its limit for responsiveness).
        schema_size_limit: usize::MAX,
        ..DiagnosticsOptions::default()
    };
    // Human and github output show each problem's quick fixes as help lines: they come from
    // the same analysis, so a file is validated and judged once.
    let with_help = matches!(args.format, Format::Human | Format::Github);
    let (diagnostics, fixes) = if with_help {
        domxml_ide::diagnostics::diagnostics_with_fixes(&parse, &text, kind, model, &options)
    } else {
        let d = domxml_ide::diagnostics::diagnostics(&parse, &text, kind, model, &options);
        (d, Vec::new())
    };
    if let (DocumentKind::Libvirt, Some(m)) = (kind, model) {
        let root = parse.document().root().and_then(|r| r.name());
        if let Some(root) = root
            && !m.applies_to_any_document()
            && !m.accepts_root(root.local())
        {
            outcome.uncovered_root = Some(root.local().to_owned());
        }
    }
    let mut problems: Vec<Problem> = encoding_problem.into_iter().collect();
    problems.extend(diagnostics.iter().map(Problem::from_diagnostic));
    add_help(&mut problems, &fixes);
    let report = FileReport {
        name: &name,
        text: &text,
        problems: &problems,
    };
    if let Err(e) = render::write_file(&mut outcome.stdout, args.format, color, &report) {
        outcome
            .stderr
            .push_str(&format!("error: cannot format output: {e}\n"));
        outcome.io_error = true;
    }
    outcome.problems = problems;
    outcome
}

/// The quick fixes the editor would offer, as help lines: did-you-mean replacements, missing
/// attributes, libvirt's rules' repairs.
fn add_help(problems: &mut [Problem], fixes: &[CodeAction]) {
    for p in problems.iter_mut() {
        for a in fixes {
            if a.fixes
                .is_some_and(|(range, code)| range == p.range && code == p.code)
                && !p.help.contains(&a.title)
            {
                p.help.push(a.title.clone());
            }
        }
    }
}
