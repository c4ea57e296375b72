//! domxml: the command-line entry point (`domxml check`, `domxml fmt`, `domxml lsp`).

mod cli;
mod lsp;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "domxml",
    version,
    about = "Language server and linter for libvirt domain XML"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check XML files and print their problems.
    Check(cli::check::CheckArgs),
    /// Format XML files the way the language server does (whitespace only; `--libvirt-order`
    /// also puts elements in libvirt's order).
    Fmt(cli::fmt::FmtArgs),
    /// Run the language server on standard input/output.
    Lsp(LspArgs),
}

#[derive(clap::Args)]
struct LspArgs {
    /// Accepted for clients that always pass it: stdio is the only transport.
    #[arg(long)]
    stdio: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => cli::check::run(args),
        Command::Fmt(args) => cli::fmt::run(args),
        Command::Lsp(_) => {
            lsp::quiet_panics();
            lsp::run()
        }
    }
}
