//! The engine: pure and deterministic. No terminal, no files, no clock.
//!
//! State = replay(scenario, seed, action log). [`Game::apply`] is the only way
//! to change a game; it refuses illegal actions with an [`ActionError`] and
//! leaves the state untouched.

pub mod action;
pub mod explain;
pub mod game;
pub mod named;
pub mod refusal;
pub mod score;

pub use action::{Action, Changes, Ending, Event, MAX_PROPOSALS, Proposal, Selection, Stance};
pub use explain::{Breakdown, Term};
pub(crate) use game::falls_on;
pub use game::{Game, LedgerEntry, Moved, Phase, Score, Source};
pub use named::NamedAction;
pub use refusal::{ActionError, Refusal, Unavailable, WalkoutBar};
pub use score::{Belief, Evaluation, Package, RED_LINE_PENALTY, Status};
