//! Starting the terminal UI on the process's own terminal: the title screen,
//! a new game, a resumed one. The command line calls these and knows nothing
//! of the app's insides.

use super::app::{App, Popup, SaveEntry, Screen, Settings, default_seats, resume_session};
use super::session::Session;
use super::{Effect, load_config, run, terminal};
use crate::scenario::Model;
use crate::table::SeatPolicy;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Why the terminal UI could not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Bad input (a save that cannot be resumed): exit status 2.
    Input(String),
    /// Anything else (the terminal): exit status 1.
    Other(String),
}

/// A new game.
#[derive(Debug, Clone)]
pub struct Play {
    pub model: Arc<Model>,
    /// Where the scenario came from (bundled id or path), for saves.
    pub source: String,
    /// The parties people play (none: the default, Ukraine or the first party).
    pub humans: Vec<usize>,
    pub seed: Option<u64>,
    pub save: Option<PathBuf>,
    /// Open the facilitator menu at the start.
    pub facilitator: bool,
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
    if !warnings.is_empty() {
        app.message(
            "Configuration",
            &format!("{}\nThe defaults are used instead.", warnings.join("\n")),
        );
    }
    app
}

fn run_app(mut app: App, first: Vec<Effect>) -> Result<(), String> {
    let mut term = terminal::init().map_err(|e| format!("cannot open the terminal: {e}"))?;
    let result = run::run(&mut term, &mut app, first);
    terminal::restore();
    result.map_err(|e| format!("terminal error: {e}"))?;
    // Said again once the screen is gone, so it is not lost with it.
    match app.save_failed {
        Some(e) => Err(format!("the game could not be saved: {e}")),
        None => Ok(()),
    }
}

/// The title screen.
pub fn title() -> Result<(), String> {
    run_app(new_app(None), Vec::new())
}

/// A new game at the table.
pub fn play(p: Play) -> Result<(), String> {
    let model = p.model;
    let seats = if p.humans.is_empty() {
        default_seats(&model)
    } else {
        (0..model.parties.len())
            .map(|q| {
                if p.humans.contains(&q) {
                    SeatPolicy::Human
                } else {
                    SeatPolicy::default_ai(&model, q)
                }
            })
            .collect()
    };
    let mut app = new_app(p.save);
    let seed = p.seed.unwrap_or(app.settings.seed);
    let session = Session::new(model, &p.source, seed, seats)?;
    let fx = app.start(session);
    if p.facilitator {
        app.popups.push(Popup::Facilitator { sel: 0 });
    }
    run_app(app, fx)
}

/// Resume a saved game.
pub fn resume(path: &Path) -> Result<(), Error> {
    let session = resume_session(path).map_err(Error::Input)?;
    let mut app = new_app(Some(path.to_path_buf()));
    let fx = app.start(session);
    run_app(app, fx).map_err(Error::Other)
}

/// The list of saved games to resume from; `None` when there is none.
pub fn resume_list() -> Result<Option<()>, String> {
    let saves = list_saves();
    if saves.is_empty() {
        return Ok(None);
    }
    let mut app = new_app(None);
    app.screen = Screen::Resume { saves, sel: 0 };
    run_app(app, Vec::new()).map(Some)
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
            let opened = crate::save::open(&path);
            let round = opened.as_ref().ok().map(|(_, g)| g.round());
            SaveEntry {
                save: opened.map(|(s, _)| s).map_err(|e| e.to_string()),
                round,
                path,
            }
        })
        .collect()
}
