//! Command-line arguments (clap derive), kept apart from what the commands do.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// easyrun: tells runners the truth about their recovery runs.
#[derive(Debug, Parser)]
#[command(name = "easyrun", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Summarise every activity in FIT/GPX/TCX files, archives and folders, values as
    /// recorded.
    Inspect(InspectArgs),
}

#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// Files, folders (recursive), .gz and .zip archives.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Worker threads (0 = one per core). Output is the same for any value.
    #[arg(long, short = 'j', default_value_t = 0)]
    pub jobs: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
    Jsonl,
}
