//! The `attache` binary: parse the command line and call the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the Telegram bot (polling or webhook) with the ops listener.
    Serve {
        /// Settings file layered over the built-in defaults.
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Print the effective settings (secrets redacted) and where each came from.
    Config {
        #[arg(long)]
        config: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Serve { config } => attache::telegram::run_serve(config.as_deref()),
        Command::Config { config } => attache::config::run_config(config.as_deref()),
    }
}
