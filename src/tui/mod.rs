//! The terminal UI (The Elm Architecture around the pure engine).
//!
//! - [`app`]: the App value, its messages and `update`.
//! - [`keys`]: the one key table (handler, footer, help).
//! - [`theme`]: the one theme (NO_COLOR aware, RON overrides).
//! - [`screens`]: every screen as a widget; [`map`]: the map.
//! - [`session`]: a shared handle on a game's [`crate::table::Table`] (undo, saves, advisor).
//! - [`launch`]: starting the UI on the process's own terminal.
//! - [`terminal`], [`run`]: the process's own terminal and its event loop.

pub mod app;
pub mod keys;
pub mod launch;
pub mod map;
pub mod run;
pub mod screens;
pub mod session;
pub mod terminal;
pub mod theme;

pub use app::{App, Effect, Msg, Settings};

use std::path::PathBuf;

/// Where a user's own `keys.ron` and `theme.ron` go.
pub fn config_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "backchannel").map(|d| d.config_dir().to_path_buf())
}

/// Most bytes of a configuration file read.
const MAX_CONFIG_BYTES: usize = 1024 * 1024;

/// A configuration file's text; `None` when there is none. A file that cannot
/// be read (too large, not UTF-8, a folder…) is a warning.
fn read_config(path: &std::path::Path, warnings: &mut Vec<String>) -> Option<String> {
    let file = path.display().to_string();
    match crate::files::read_limited(path, MAX_CONFIG_BYTES) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            warnings.push(format!("{file}: cannot read: {e}"));
            None
        }
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some(
                text.strip_prefix('\u{feff}')
                    .map(str::to_string)
                    .unwrap_or(text),
            ),
            Err(_) => {
                warnings.push(format!("{file}: the file is not UTF-8 text"));
                None
            }
        },
    }
}

/// The theme and keymap: defaults, the user's files over them, `NO_COLOR`.
/// Problems with the user's files come back as warnings (the defaults stay).
pub fn load_config() -> (theme::Theme, keys::Keymap, Vec<String>) {
    let mut warnings = Vec::new();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let mut theme = if no_color {
        theme::Theme::mono()
    } else {
        theme::Theme::colour()
    };
    let mut keymap = keys::Keymap::default();
    if let Some(dir) = config_dir() {
        let path = dir.join("theme.ron");
        if !no_color && let Some(text) = read_config(&path, &mut warnings) {
            let mut t = theme.clone();
            match t.patch(&path.display().to_string(), &text) {
                Ok(()) => theme = t,
                Err(e) => warnings.push(e),
            }
        }
        let path = dir.join("keys.ron");
        if let Some(text) = read_config(&path, &mut warnings) {
            match keys::Keymap::with_patch(&path.display().to_string(), &text) {
                Ok(k) => keymap = k,
                Err(e) => warnings.push(e),
            }
        }
    }
    (theme, keymap, warnings)
}
