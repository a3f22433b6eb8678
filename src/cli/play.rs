//! `backchannel play` and `backchannel resume`: the terminal UI.

use super::{CliError, print_out};
use crate::tui::launch;
use std::path::PathBuf;
use std::sync::Arc;

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
    /// Save to this file (default: the platform data folder).
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    /// Open the facilitator menu (inject events, pause, deadline, reveal).
    #[arg(long)]
    pub facilitator: bool,
}

#[derive(Debug, clap::Args)]
pub struct ResumeArgs {
    /// A save file; without one, list the saved games.
    pub save: Option<PathBuf>,
}

/// `backchannel` with no command: the title screen.
pub fn execute_default() -> Result<(), CliError> {
    launch::title().map_err(CliError::other)
}

pub fn execute(args: PlayArgs) -> Result<(), CliError> {
    let model = Arc::new(crate::scenario::open(&args.scenario)?);
    let mut humans = Vec::new();
    for id in &args.seats {
        humans.push(model.find_party(id).map_err(CliError::input)?);
    }
    launch::play(launch::Play {
        model,
        source: args.scenario,
        humans,
        seed: args.seed,
        save: args.save,
        facilitator: args.facilitator,
    })
    .map_err(CliError::other)
}

pub fn resume(args: ResumeArgs) -> Result<(), CliError> {
    match args.save {
        Some(path) => launch::resume(&path).map_err(|e| match e {
            launch::Error::Input(m) => CliError::input(m),
            launch::Error::Other(m) => CliError::other(m),
        }),
        None => match launch::resume_list().map_err(CliError::other)? {
            Some(()) => Ok(()),
            None => {
                let dir = crate::save::save_dir()
                    .map_or("(no data folder)".into(), |d| d.display().to_string());
                print_out(&format!(
                    "No saved games in {dir}.\nStart one with: backchannel play\n"
                ))
            }
        },
    }
}
