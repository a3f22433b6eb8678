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
    let out = args.out.as_deref().map(|p| (p, "the --out file"));
    let saves: Vec<_> = args.saves.iter().map(|p| (p.as_path(), "a save")).collect();
    super::check_outputs(out.as_slice(), &saves)?;
    let tables = args
        .saves
        .iter()
        .map(|path| load_table(path))
        .collect::<Result<Vec<_>, _>>()?;
    // Nor over the scenario a save was played on.
    for (_, save, _) in &tables {
        if let Some((out, _)) = out
            && crate::scenario::bundled::is_path(&save.source)
        {
            let source = std::path::Path::new(&save.source);
            crate::files::check_not_input(out, source, "the scenario of a save")?;
        }
    }
    let text = write_report(&tables, args.format, args.out.as_deref())?;
    if args.out.is_none() {
        print_out(&text)?;
    }
    Ok(())
}
