//! domxml: the command-line entry point (`domxml check`, `domxml lsp`).

mod check;
mod check_schema;
mod lsp;
mod schema_by_root;
mod schema_select;

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
    Check(check::CheckArgs),
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
        Command::Check(args) => check::run(args),
        Command::Lsp(_) => {
            lsp::quiet_panics();
            lsp::run()
        }
    }
}
