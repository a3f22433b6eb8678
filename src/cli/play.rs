//! `backchannel play` and `backchannel resume`: the terminal UI.

use super::{CliError, print_out};
use crate::tui::app::{App, Popup, SaveEntry, Screen, Settings, open_save, resume_session};
use crate::tui::seats::Seat;
use crate::tui::session::Session;
use crate::tui::{Effect, load_config, run, terminal};
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
    /// Open the facilitator menu (inject events, pause, deadline, reveal).
    #[arg(long)]
    pub facilitator: bool,
}

#[derive(Debug, clap::Args)]
pub struct ResumeArgs {
    /// A save file; without one, list the saved games.
    pub save: Option<PathBuf>,
}

fn time_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64 % 1_000_000)
}

fn new_app(save_path: Option<PathBuf>) -> App {
    let (theme, keys, warnings) = load_config();
    let mut app = App::new(
        theme,
        keys,
        Settings {
            autosave: true,
            save_path,
            seed: time_seed(),
            ..Settings::default()
        },
    );
    app.clock = run::now_rfc3339;
    app.claim_save = crate::save::claim_new;
    if !warnings.is_empty() {
        app.message(
            "Configuration",
            &format!("{}\nThe defaults are used instead.", warnings.join("\n")),
        );
    }
    app
}

fn run_app(mut app: App, first: Vec<Effect>) -> Result<(), CliError> {
    let mut term =
        terminal::init().map_err(|e| CliError::other(format!("cannot open the terminal: {e}")))?;
    let result = run::run(&mut term, &mut app, first);
    terminal::restore();
    result.map_err(|e| CliError::other(format!("terminal error: {e}")))?;
    // Said again once the screen is gone, so it is not lost with it.
    match app.save_failed {
        Some(e) => Err(CliError::other(format!("the game could not be saved: {e}"))),
        None => Ok(()),
    }
}

/// `backchannel` with no command: the title screen.
pub fn execute_default() -> Result<(), CliError> {
    run_app(new_app(None), Vec::new())
}

pub fn execute(args: PlayArgs) -> Result<(), CliError> {
    if let Some(path) = &args.save {
        check_save_target(path, &args.scenario, args.force)?;
    }
    let model = Arc::new(crate::scenario::open(&args.scenario)?);
    let mut seats = crate::tui::app::default_seats(&model);
    if !args.seats.is_empty() {
        seats = (0..model.parties.len())
            .map(|p| Seat::default_ai(&model, p))
            .collect();
        for id in &args.seats {
            let p = model.find_party(id).map_err(CliError::input)?;
            seats[p] = Seat::Human;
        }
    }
    let mut app = new_app(args.save.clone());
    let seed = args.seed.unwrap_or(app.settings.seed);
    let session = Session::new(model, &args.scenario, seed, seats);
    let fx = app.start(session);
    if args.facilitator {
        app.popups.push(Popup::Facilitator { sel: 0 });
    }
    run_app(app, fx)
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
    let holds = match open_save(path) {
        Ok((save, model)) => match save.replay(&file, model) {
            Ok(game) if game.ending().is_some() => "a finished game".to_string(),
            Ok(_) => format!("a game in progress (continue it with: backchannel resume {file})"),
            Err(_) => "a saved game".into(),
        },
        Err(_) => "something that is not a save".into(),
    };
    Err(CliError::input(format!(
        "{file}: the file already exists and holds {holds}; pass --force to replace it, or choose another file"
    )))
}

pub fn resume(args: ResumeArgs) -> Result<(), CliError> {
    if let Some(path) = args.save {
        let session = resume_session(&path).map_err(CliError::input)?;
        let mut app = new_app(Some(path));
        let fx = app.start(session);
        return run_app(app, fx);
    }
    let saves = list_saves();
    if saves.is_empty() {
        let dir =
            crate::save::save_dir().map_or("(no data folder)".into(), |d| d.display().to_string());
        return print_out(&format!(
            "No saved games in {dir}.\nStart one with: backchannel play\n"
        ));
    }
    let mut app = new_app(None);
    app.screen = Screen::Resume { saves, sel: 0 };
    run_app(app, Vec::new())
}

/// The saves in the data folder, newest first.
pub fn list_saves() -> Vec<SaveEntry> {
    let Some(dir) = crate::save::save_dir() else {
        return Vec::new();
    };
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .map(|p| {
            (
                std::fs::metadata(&p)
                    .and_then(|m| m.modified())
                    .unwrap_or(std::time::UNIX_EPOCH),
                p,
            )
        })
        .collect();
    files.sort_by_key(|f| std::cmp::Reverse(f.0));
    files
        .into_iter()
        .take(200)
        .map(|(_, path)| {
            let opened = open_save(&path);
            let round = opened
                .as_ref()
                .ok()
                .and_then(|(s, m)| s.replay(&path.display().to_string(), Arc::clone(m)).ok())
                .map(|g| g.round());
            SaveEntry {
                save: opened.map(|(s, _)| s),
                round,
                path,
            }
        })
        .collect()
}
