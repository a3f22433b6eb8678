//! Starting the terminal UI on the process's own terminal: the title screen,
//! a new game, a resumed one. The command line calls these and knows nothing
//! of the app's insides.

use super::app::{App, SaveEntry, Screen, Settings, default_seats, resume_session};
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
    /// Ask for a facilitator PIN at the start (the menu is closed without one).
    pub facilitator: bool,
    /// The table's name (a team name), kept in the save and the debrief.
    pub name: Option<String>,
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
    if let Some(path) = &p.save {
        crate::save::remember(path);
    }
    let mut app = new_app(p.save);
    let seed = p.seed.unwrap_or(app.settings.seed);
    let mut session = Session::new(model, &p.source, seed, seats)?;
    session.name = p
        .name
        .as_deref()
        .map(|n| crate::text::clean_line(n).into_owned())
        .unwrap_or_default();
    let fx = app.start(session);
    if p.facilitator {
        app.ask_pin();
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

/// The saves in the data folder and the recent `play --save` files, newest first.
pub fn list_saves() -> Vec<SaveEntry> {
    let mut paths: Vec<PathBuf> = crate::save::recent();
    if let Some(dir) = crate::save::save_dir()
        && let Ok(rd) = std::fs::read_dir(&dir)
    {
        paths.extend(
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "ron")),
        );
    }
    let mut seen = std::collections::BTreeSet::new();
    paths.retain(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())));
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = paths
        .into_iter()
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
            let finished = opened.as_ref().ok().map(|(_, g)| g.ending().is_some());
            let when = opened
                .as_ref()
                .ok()
                .map_or(String::new(), |(s, _)| local_time(&s.saved));
            SaveEntry {
                save: opened.map(|(s, _)| s).map_err(|e| e.to_string()),
                round,
                finished,
                when,
                path,
            }
        })
        .collect()
}

/// An RFC 3339 UTC time (`2025-11-21T12:00:00Z`) in the local time zone as
/// `2025-11-21 13:00`; unchanged (with "UTC") where the zone is unknown.
pub fn local_time(rfc: &str) -> String {
    let utc = || {
        let s: String = rfc.chars().take(16).collect();
        format!("{} UTC", s.replace('T', " "))
    };
    let Some(secs) = parse_utc(rfc) else {
        return rfc.chars().take(19).collect();
    };
    match local_offset(secs) {
        Some(off) => {
            let t = super::run::rfc3339((secs + off).max(0) as u64);
            t.chars().take(16).collect::<String>().replace('T', " ")
        }
        None => utc(),
    }
}

/// Seconds since the epoch of `YYYY-MM-DDTHH:MM:SSZ`.
fn parse_utc(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[19] != b'Z' {
        return None;
    }
    let n = |a: usize, z: usize| s.get(a..z)?.parse::<i64>().ok();
    let (y, m, d) = (n(0, 4)?, n(5, 7)?, n(8, 10)?);
    let (hh, mm, ss) = (n(11, 13)?, n(14, 16)?, n(17, 19)?);
    // Days from civil (Howard Hinnant's algorithm).
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss)
}

#[cfg(unix)]
fn local_offset(secs: i64) -> Option<i64> {
    let t: libc::time_t = secs as libc::time_t;
    // SAFETY: localtime_r writes only into `tm`, which we own.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let ok = unsafe { !libc::localtime_r(&t, &mut tm).is_null() };
    ok.then_some(tm.tm_gmtoff as i64)
}

#[cfg(not(unix))]
fn local_offset(_secs: i64) -> Option<i64> {
    None
}
