//! backchannel: a terminal negotiation simulator.
//!
//! - [`core`]: the compiled model both `scenario` and `engine` depend on.
//! - [`scenario`]: the RON schema, loading and validation.
//! - [`engine`]: the pure, deterministic game.
//! - [`ai`]: the AI negotiators.
//! - [`analysis`]: the deal space (ZOPA, Pareto frontier, bargaining solutions).
//! - [`table`]: one game, its seats and the one turn driver; narration; viewers.
//! - [`runner`]: headless games with AI, scripted and outside-program seats.
//! - [`save`]: saved games.
//! - [`files`]: reading and writing the user's files safely.
//! - [`report`]: the debrief report of saved games.
//! - [`text`]: untrusted text made safe for a terminal.
//! - [`cli`]: the command-line shell.
//! - [`tui`]: the terminal UI.

pub mod ai;
pub mod analysis;
pub mod cli;
pub mod core;
pub mod engine;
pub mod files;
pub mod report;
pub mod runner;
pub mod save;
pub mod scenario;
pub mod serve;
pub mod table;
pub mod text;
pub mod tui;
