//! `backchannel report SAVE... [--format md|html|json|csv] [--out FILE]`: the
//! debrief of one or more saved games. Saves are only read, never written.

use super::{CliError, print_out};
use crate::report::{Format, ReportError, load_table, write_report};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Saved games (two or more of the same scenario are compared side by side).
    #[arg(required = true, value_name = "SAVE")]
    pub saves: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "md")]
    pub format: Format,
    /// Write the report to this file (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

impl From<ReportError> for CliError {
    fn from(e: ReportError) -> Self {
        if e.is_input() {
            CliError::input(e.to_string())
        } else {
            CliError::other(e.to_string())
        }
    }
}

pub fn execute(args: ReportArgs) -> Result<(), CliError> {
    let tables = args
        .saves
        .iter()
        .map(|path| load_table(path))
        .collect::<Result<Vec<_>, _>>()?;
    let text = write_report(&tables, args.format, args.out.as_deref())?;
    if args.out.is_none() {
        print_out(&text)?;
    }
    Ok(())
}
