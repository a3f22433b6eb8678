//! Saved games: the scenario's checksum, the seed, the seats and the action
//! log — never the state, which is always replayed from the log.
//!
//! Writes are atomic ([`crate::files::write_atomic`]): a temporary file in the
//! same folder, synced, then renamed over the target, so a killed process
//! leaves the old save or the new one, never half of either. Reads are
//! bounded: at most [`MAX_SAVE_BYTES`] bytes and [`MAX_SAVE_ACTIONS`] actions.

use crate::engine::{Action, Game, NamedAction};
use crate::scenario::{LoadError, Model, parse_ron};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The version of the save format this build writes: 2 for the rules of
/// docs/RULES.md (private bottom lines, the pen-holder, packages). Format 1
/// games were played under the first rules and cannot be replayed.
pub const SAVE_FORMAT: u32 = 2;

/// Largest save file read, in bytes.
pub const MAX_SAVE_BYTES: usize = 4 * 1024 * 1024;

/// Most actions a save may hold (a long game of the flagship has a few thousand).
pub const MAX_SAVE_ACTIONS: usize = 50_000;

/// A saved game.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Save {
    pub format: u32,
    /// The scenario's id.
    pub scenario: String,
    /// Where the scenario came from: a bundled id or a file path.
    pub source: String,
    /// The checksum of the scenario the game was played on.
    pub checksum: String,
    pub seed: u64,
    /// Seat policies by party id ("human", "ai:hardliner", "script", …).
    pub seats: Vec<(String, String)>,
    /// The table's name (`play --name`: a team name for the debrief), if any.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// When the game was started and last saved (RFC 3339, from the shell's clock).
    #[serde(default)]
    pub started: String,
    #[serde(default)]
    pub saved: String,
    /// The action log.
    pub actions: Vec<NamedAction>,
    /// The reason given for each action (an AI's or a bot's words), where one was.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<Option<String>>,
    /// A hot-seat table's facilitator PIN (`play --facilitator`), salted and
    /// hashed ([`pin_hash`]): never the PIN itself. `resume` asks for it again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facilitator: Option<String>,
}

/// Why a save could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("{0}")]
    Load(#[from] LoadError),
    #[error("{file}: the save's scenario '{origin}' cannot be opened: {error}")]
    Scenario {
        file: String,
        origin: String,
        error: Box<LoadError>,
    },
    #[error(
        "{file}: source: the save's scenario '{origin}' holds control characters or line breaks, which no file name or bundled id has"
    )]
    Source { file: String, origin: String },
    #[error("{file}: save format {found} is not one this build reads (it reads {SAVE_FORMAT}){}", if *found == 1 { "; format 1 games were played under the first rules (dice at the vote, no pen-holder) and cannot be replayed under the current ones" } else { "" })]
    Format { file: String, found: u32 },
    #[error(
        "{file}: this game was played on scenario '{scenario}' with checksum {saved}, but the scenario now has checksum {current}; the scenario has changed since, so the game cannot be replayed"
    )]
    Checksum {
        file: String,
        scenario: String,
        saved: String,
        current: String,
    },
    #[error("{file}: {count} actions; a save holds at most {MAX_SAVE_ACTIONS}")]
    TooManyActions { file: String, count: usize },
    #[error("{file}: actions[{index}]: {message}")]
    Action {
        file: String,
        index: usize,
        message: String,
    },
    #[error("{file}: cannot write: {source}")]
    Write {
        file: String,
        #[source]
        source: std::io::Error,
    },
}

impl Save {
    /// A save of a game in progress.
    pub fn of(game: &Game, source: &str, seats: Vec<(String, String)>) -> Save {
        let model = game.model();
        Save {
            format: SAVE_FORMAT,
            scenario: model.scenario.meta.id.clone(),
            source: source.into(),
            checksum: model.checksum.clone(),
            seed: game.seed(),
            seats,
            name: String::new(),
            started: String::new(),
            saved: String::new(),
            actions: game.log().iter().map(|a| a.to_named(model)).collect(),
            reasons: Vec::new(),
            facilitator: None,
        }
    }

    /// Read a save file (not yet replayed).
    pub fn read(path: &Path) -> Result<Save, SaveError> {
        let file = path.display().to_string();
        let bytes =
            crate::files::read_limited(path, MAX_SAVE_BYTES).map_err(|source| LoadError::Io {
                file: file.clone(),
                source,
            })?;
        Save::parse(&file, &bytes)
    }

    /// Parse save text; `file` names it in errors.
    pub fn parse(file: &str, bytes: &[u8]) -> Result<Save, SaveError> {
        if bytes.len() > MAX_SAVE_BYTES {
            return Err(LoadError::Io {
                file: file.into(),
                source: crate::files::too_large(MAX_SAVE_BYTES),
            }
            .into());
        }
        let save: Save = parse_ron(file, bytes)?;
        if save.format != SAVE_FORMAT {
            return Err(SaveError::Format {
                file: file.into(),
                found: save.format,
            });
        }
        if save.actions.len() > MAX_SAVE_ACTIONS {
            return Err(SaveError::TooManyActions {
                file: file.into(),
                count: save.actions.len(),
            });
        }
        Ok(save)
    }

    /// Replay the log on `model`, which must be the scenario it was saved from.
    pub fn replay(&self, file: &str, model: Arc<Model>) -> Result<Game, SaveError> {
        if model.checksum != self.checksum {
            return Err(SaveError::Checksum {
                file: file.into(),
                scenario: line(&self.scenario),
                saved: line(&self.checksum),
                current: model.checksum.clone(),
            });
        }
        let mut actions: Vec<Action> = Vec::with_capacity(self.actions.len());
        for (index, a) in self.actions.iter().enumerate() {
            actions.push(a.resolve(&model).map_err(|message| SaveError::Action {
                file: file.into(),
                index,
                message: line(&message),
            })?);
        }
        let names = Arc::clone(&model);
        Game::replay(model, self.seed, &actions).map_err(|(index, e)| SaveError::Action {
            file: file.into(),
            index,
            message: line(&format!(
                "illegal at this point of the game: {}",
                e.describe(&names)
            )),
        })
    }

    /// The save as RON text.
    pub fn to_text(&self) -> String {
        let config = ron::ser::PrettyConfig::new().depth_limit(2);
        // Serialising plain data cannot fail.
        ron::ser::to_string_pretty(self, config).unwrap_or_default() + "\n"
    }

    /// Write atomically: temporary file, flush and sync, then rename.
    pub fn write(&self, path: &Path) -> Result<(), SaveError> {
        write_atomic(path, self.to_text().as_bytes())
    }
}

/// Read a save, open its scenario (`source`: a bundled id or a path) and
/// replay its log: the one way every command opens a save. The file is only
/// read, never written.
pub fn open(path: &Path) -> Result<(Save, Game), SaveError> {
    let file = path.display().to_string();
    let save = Save::read(path)?;
    if line(&save.source) != save.source {
        // No file name holds a control character or line break; the error
        // message must not carry them to the terminal either.
        return Err(SaveError::Source {
            file,
            origin: line(&save.source),
        });
    }
    let model = crate::scenario::open(&save.source).map_err(|error| SaveError::Scenario {
        file: file.clone(),
        origin: save.source.clone(),
        error: Box::new(error),
    })?;
    let game = save.replay(&file, Arc::new(model))?;
    Ok((save, game))
}

/// Text from a save quoted in an error message: one line, no control characters.
fn line(s: &str) -> String {
    crate::text::clean_line(s).into_owned()
}

/// Write `bytes` to `path` atomically (temporary file in the same folder, then rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    crate::files::write_atomic(path, bytes).map_err(|source| SaveError::Write {
        file: path.display().to_string(),
        source,
    })
}

/// A scenario path made absolute, so the save resumes from any folder; a
/// bundled id (or anything that is not a file) is kept as it is.
pub fn absolute_source(source: &str) -> String {
    let path = Path::new(source);
    if crate::scenario::bundled::is_path(source)
        && path.is_file()
        && let Ok(abs) = std::fs::canonicalize(path)
    {
        return abs.display().to_string();
    }
    source.into()
}

/// A save path no other game has: `path` itself or, when that exists,
/// `NAME-2.ron`, `NAME-3.ron`…, claimed by creating it empty with `O_EXCL`,
/// so two games started in the same second never share a save. Creates the
/// folder (the data folder) when missing. On failure it returns `path`, and
/// the first autosave reports the problem.
pub fn claim_new(path: PathBuf) -> PathBuf {
    let (Some(dir), Some(stem)) = (path.parent(), path.file_stem()) else {
        return path;
    };
    let stem = stem.to_string_lossy().into_owned();
    let ext = path
        .extension()
        .map_or(String::new(), |e| format!(".{}", e.to_string_lossy()));
    let _ = std::fs::create_dir_all(dir);
    for n in 1..1000 {
        let candidate = if n == 1 {
            path.clone()
        } else {
            dir.join(format!("{stem}-{n}{ext}"))
        };
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(_) => return candidate,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(_) => break,
        }
    }
    path
}

/// The list of recent `play --save FILE` files (one absolute path a line),
/// so that `resume` finds saves kept outside the data folder.
pub fn recent_file() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "backchannel")
        .map(|d| d.data_dir().join("recent-saves.txt"))
}

/// Most paths the recent list keeps.
pub const MAX_RECENT: usize = 50;

/// Put `path` first in the recent list (best effort: a list that cannot be
/// written only costs `resume` its entry).
pub fn remember(path: &Path) {
    let Some(list) = recent_file() else { return };
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let line = abs.display().to_string();
    if line.contains('\n') {
        return;
    }
    let old = crate::files::read_limited(&list, 1 << 20).unwrap_or_default();
    let old = String::from_utf8_lossy(&old);
    let mut out = vec![line.clone()];
    out.extend(
        old.lines()
            .filter(|l| !l.is_empty() && *l != line)
            .take(MAX_RECENT - 1)
            .map(str::to_string),
    );
    if let Some(dir) = list.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = crate::files::write_atomic(&list, (out.join("\n") + "\n").as_bytes());
}

/// The recent `--save` files that still exist, most recent first.
pub fn recent() -> Vec<PathBuf> {
    let Some(list) = recent_file() else {
        return Vec::new();
    };
    let text = crate::files::read_limited(&list, 1 << 20).unwrap_or_default();
    String::from_utf8_lossy(&text)
        .lines()
        .map(PathBuf::from)
        .filter(|p| p.is_file())
        .take(MAX_RECENT)
        .collect()
}

/// How many times [`pin_hash`] runs SHA-256: a little work for each guess.
const PIN_ROUNDS: u32 = 20_000;

/// A facilitator PIN as a save keeps it: `sha256:SALT:DIGEST` in hex, where
/// SALT is 16 fresh bytes and DIGEST is SHA-256 over SALT and the PIN, run
/// [`PIN_ROUNDS`] times. The save never holds the PIN, so a student who opens
/// the file does not read it there; a short PIN can still be found by trying
/// every one, so the hash keeps the PIN out of sight, not out of reach.
pub fn pin_hash(pin: &str) -> String {
    let salt: [u8; 16] = rand::random();
    format!("sha256:{}:{}", hex(&salt), hex(&pin_digest(&salt, pin)))
}

/// Whether `typed` is the PIN that `stored` ([`pin_hash`]) was made from.
pub fn pin_matches(stored: &str, typed: &str) -> bool {
    let mut parts = stored.split(':');
    let (Some("sha256"), Some(salt), Some(digest), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let Some(salt) = unhex(salt) else {
        return false;
    };
    hex(&pin_digest(&salt, typed)) == digest
}

fn pin_digest(salt: &[u8], pin: &str) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let mut d = Sha256::new()
        .chain_update(salt)
        .chain_update(pin.as_bytes())
        .finalize();
    for _ in 1..PIN_ROUNDS {
        d = Sha256::new().chain_update(salt).chain_update(d).finalize();
    }
    d.to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

/// The folder saves go in by default (the platform's data folder).
pub fn save_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "backchannel").map(|d| d.data_dir().join("saves"))
}
