//! `backchannel play` and `backchannel resume`: the terminal UI.

use super::{CliError, print_out};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct PlayArgs {
    /// A bundled scenario id or a path to a scenario file.
    #[arg(default_value = crate::scenario::FLAGSHIP)]
    pub scenario: String,
    /// A party you play (repeat for hot-seat); the others are AI.
    #[arg(long = "as", value_name = "PARTY")]
    pub seats: Vec<String>,
    /// The game's seed.
    #[arg(long)]
    pub seed: Option<u64>,
}

#[derive(Debug, clap::Args)]
pub struct ResumeArgs {
    /// A save file; without one, list the saved games.
    pub save: Option<PathBuf>,
}

/// `backchannel` with no command.
pub fn execute_default() -> Result<(), CliError> {
    let m = crate::scenario::open(crate::scenario::FLAGSHIP)?;
    let meta = &m.scenario.meta;
    print_out(&format!(
        "{}\n\n{}\n\nThe terminal UI is not built yet. Try:\n  backchannel scenarios\n  backchannel check scenarios/plan28.ron --json\n",
        meta.title, meta.summary
    ))
}

pub fn execute(_args: PlayArgs) -> Result<(), CliError> {
    Err(CliError::other("the terminal UI is not built yet"))
}

pub fn resume(_args: ResumeArgs) -> Result<(), CliError> {
    Err(CliError::other("saves are not built yet"))
}
