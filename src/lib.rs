//! backchannel: a terminal negotiation simulator.
//!
//! - [`scenario`]: the RON schema, loading and validation.
//! - [`engine`]: the pure, deterministic game.
//! - [`report`]: the debrief report of saved games.
//! - [`cli`]: the command-line shell.

pub mod cli;
pub mod engine;
pub mod report;
pub mod save;
pub mod scenario;
