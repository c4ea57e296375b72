//! `domxml fmt`: the language server's formatter as a command. Files are rewritten in place
//! atomically (a temporary file in the same directory, then a rename; permissions kept); `-`
//! writes to standard output; `--check` lists what would change. Only whitespace between
//! markup changes (and, with `--libvirt-order`, the order of elements libvirt orders). A file
//! with syntax errors is never written. Exit 0: nothing to do or done; 1: a file would change
//! (`--check`) or has syntax errors; 2: a file cannot be read or written.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use domxml_ide::diagnostics::syntax_diagnostics;
use domxml_ide::format::{FormatOptions, format};
use domxml_ide::{TextEdit, apply_edits};
use domxml_schema::Catalogue;
use domxml_schema::libxml2_order::reorder::libvirt_order;
use domxml_syntax::ast;

use super::input::{Input, decode, encode};
use super::render::{self, ColorChoice, FileReport, Format, Problem};

#[derive(Args)]
pub struct FmtArgs {
    /// Change nothing: list the files that would change and exit 1 if any would.
    #[arg(long)]
    check: bool,
    /// Also put the children of <domain> (and of any element whose order libvirt's validator
    /// refuses) in the order libvirt writes them.
    #[arg(long)]
    libvirt_order: bool,
    /// When to colour the report of syntax errors.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,
    /// The name standard input (`-`) has in messages.
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<String>,
    /// Files to format; `-` reads standard input and writes standard output.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

pub fn run(args: FmtArgs) -> ExitCode {
    let color = args.color.enabled(
        std::io::stderr().is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
    );
    let (mut failed, mut unreadable) = (false, false);
    for file in &args.files {
        let input = Input::from_arg(file);
        let name = input.display_name(args.stdin_filename.as_deref());
        match format_one(&input, &name, &args, color) {
            Ok(Outcome::Unchanged | Outcome::Written) => {}
            Ok(Outcome::WouldChange) => {
                println!("would reformat: {name}");
                failed = true;
            }
            Ok(Outcome::Refused) => failed = true,
            Err(message) => {
                eprintln!("{name}: error: {message}");
                unreadable = true;
            }
        }
    }
    if unreadable {
        ExitCode::from(2)
    } else if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

enum Outcome {
    Unchanged,
    WouldChange,
    Written,
    /// Syntax errors: reported, nothing written.
    Refused,
}

fn format_one(input: &Input, name: &str, args: &FmtArgs, color: bool) -> Result<Outcome, String> {
    let bytes = input
        .read_bytes()
        .map_err(|e| format!("cannot read: {e}"))?;
    let decoded = decode(bytes.clone());
    let parse = domxml_syntax::parse(&decoded.text);
    let mut problems: Vec<Problem> = syntax_diagnostics(&parse)
        .iter()
        .map(Problem::from_diagnostic)
        .collect();
    if let Some((at, byte)) = decoded.bad_byte {
        problems.insert(0, super::check::not_utf8(at, byte, &decoded.text));
    }
    if !problems.is_empty() {
        let mut err = std::io::stderr().lock();
        let report = FileReport {
            name,
            text: &decoded.text,
            problems: &problems,
        };
        let _ = render::write_file(&mut err, Format::Human, color, &report);
        let _ = writeln!(err, "{name}: not formatted: it has syntax errors");
        return Ok(Outcome::Refused);
    }
    let mut text = decoded.text.clone();
    if args.libvirt_order {
        text = reorder(text)?;
    }
    let parse = domxml_syntax::parse(&text);
    let edits = format(&parse, &text, &FormatOptions::default(), None);
    let text = apply_edits(&text, &edits);
    let formatted = encode(&text, decoded.encoding);
    match input {
        Input::Stdin if !args.check => {
            let mut out = std::io::stdout().lock();
            out.write_all(&formatted)
                .and_then(|()| out.flush())
                .map_err(|e| format!("cannot write output: {e}"))?;
            Ok(Outcome::Written)
        }
        _ if formatted == bytes => Ok(Outcome::Unchanged),
        _ if args.check => Ok(Outcome::WouldChange),
        Input::File(path) => {
            write_atomically(path, &formatted).map_err(|e| format!("cannot write: {e}"))?;
            Ok(Outcome::Written)
        }
        Input::Stdin => Ok(Outcome::WouldChange),
    }
}

/// The text with <domain>'s children, and those of every element whose order libvirt's
/// validator refuses, in libvirt's order.
fn reorder(mut text: String) -> Result<String, String> {
    let catalogue = domxml_libvirt::builtin::catalogue()
        .map_err(|_| "the built-in catalogue does not compile".to_owned())?;
    let model = domxml_libvirt::select::builtin_model()?;
    // Edits of a parent contain those of its children: each round applies the innermost
    // non-overlapping ones, so a few rounds settle any nesting that matters.
    for _ in 0..8 {
        let parse = domxml_syntax::parse(&text);
        let edits = order_edits(&catalogue, model.as_ref(), &parse);
        if edits.is_empty() {
            break;
        }
        text = apply_edits(&text, &edits);
    }
    Ok(text)
}

fn order_edits(
    catalogue: &Catalogue,
    model: &dyn domxml_ide::SchemaModel,
    parse: &domxml_syntax::Parse,
) -> Vec<TextEdit> {
    let document = parse.document();
    let mut targets: Vec<ast::Element> = document.root().into_iter().collect();
    for p in domxml_ide::diagnostics::schema_problems(parse, model) {
        if p.code.as_str() != "libvirt-element-order" {
            continue;
        }
        // The problem names the misplaced child (then `expected` holds its name) or, when no
        // one child is to blame, the parent.
        let named = element_named_at(parse, p.range);
        let target = if p.expected.is_empty() {
            named
        } else {
            named.and_then(|e| e.parent())
        };
        targets.extend(target);
    }
    let mut edits: Vec<TextEdit> = targets
        .iter()
        .filter_map(|e| libvirt_order(catalogue, e))
        .collect();
    // Innermost first; drop any edit overlapping one already kept.
    edits.sort_by_key(|e| e.delete.len());
    let mut kept: Vec<TextEdit> = Vec::new();
    for e in edits {
        if kept
            .iter()
            .all(|k| k.delete.end() <= e.delete.start() || e.delete.end() <= k.delete.start())
        {
            kept.push(e);
        }
    }
    kept
}

fn element_named_at(
    parse: &domxml_syntax::Parse,
    range: domxml_syntax::TextRange,
) -> Option<ast::Element> {
    let token = parse
        .syntax()
        .token_at_offset(range.start())
        .right_biased()?;
    token.parent_ancestors().find_map(ast::Element::cast)
}

/// Replaces `path` by `bytes` so that readers see the old file or the new one, never a part:
/// a temporary file next to it (same file system) with the same permissions, then a rename.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_name = path
        .file_name()
        .map_or_else(|| "document".into(), |n| n.to_string_lossy().into_owned());
    let permissions = std::fs::metadata(path)?.permissions();
    let mut attempt = 0u32;
    let (tmp, mut file) = loop {
        let tmp = dir.join(format!(
            ".{file_name}.domxml-{}-{attempt}.tmp",
            std::process::id()
        ));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    };
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::set_permissions(&tmp, permissions))
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}
