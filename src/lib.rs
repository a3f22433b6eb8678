//! backchannel: a terminal negotiation simulator.
//!
//! - [`scenario`]: the RON schema, loading and validation.
//! - [`engine`]: the pure, deterministic game.
//! - [`cli`]: the command-line shell.
//! - [`tui`]: the terminal UI.

pub mod cli;
pub mod engine;
pub mod save;
pub mod scenario;
pub mod tui;
