//! `backchannel play` and `backchannel resume`: the terminal UI.

use super::{CliError, print_out};
use crate::tui::launch;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub struct PlayArgs {
    /// A bundled scenario id, or a path to a scenario file (a name with a '/' or ending in .ron).
    #[arg(default_value = crate::scenario::FLAGSHIP)]
    pub scenario: String,
    /// A party you play (repeat for hot-seat); the others are AI.
    #[arg(long = "as", value_name = "PARTY")]
    pub seats: Vec<String>,
    /// The game's seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Save to this file (default: a new file in the platform data folder).
    /// An existing file is not replaced without --force.
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    /// Replace the --save file even when it already holds a game.
    #[arg(long, requires = "save")]
    pub force: bool,
    /// A facilitator runs this table: choose a PIN at the start; `F` then asks
    /// for it before the facilitator menu opens (cards, pause, deadline,
    /// undo, reveal, projector). Without it there is no facilitator menu.
    #[arg(long)]
    pub facilitator: bool,
    /// The table's name (a team name), shown on the resume list and the debrief.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
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
    if let Some(path) = &args.save {
        check_save_target(path, &args.scenario, args.force)?;
    }
    let model = Arc::new(crate::scenario::open(&args.scenario)?);
    let mut humans = Vec::new();
    for id in &args.seats {
        humans.push(
            model
                .find_party(id)
                .map_err(|e| CliError::input(crate::text::clean_line(&e)))?,
        );
    }
    launch::play(launch::Play {
        model,
        source: args.scenario,
        humans,
        seed: args.seed,
        save: args.save,
        facilitator: args.facilitator,
        name: args.name,
    })
    .map_err(CliError::other)
}

/// `play --save FILE`: the file can be written, is not the scenario, and an
/// existing one is replaced only with `--force` (it may hold a finished game).
pub fn check_save_target(path: &Path, scenario: &str, force: bool) -> Result<(), CliError> {
    let inputs: &[_] = if crate::scenario::bundled::is_path(scenario) {
        &[(Path::new(scenario), "the scenario")]
    } else {
        &[]
    };
    super::check_outputs(&[(path, "the --save file")], inputs)?;
    let exists = std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() > 0);
    if !exists || force {
        return Ok(());
    }
    let file = path.display().to_string();
    let holds = match crate::save::open(path) {
        Ok((_, game)) if game.ending().is_some() => "a finished game".to_string(),
        Ok(_) => format!("a game in progress (continue it with: backchannel resume {file})"),
        Err(crate::save::SaveError::Load(_)) => "something that is not a save".into(),
        Err(_) => "a saved game".into(),
    };
    Err(CliError::input(format!(
        "{file}: the file already exists and holds {holds}; pass --force to replace it, or choose another file"
    )))
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
