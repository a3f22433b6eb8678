//! Sweeps with outside seats: bots (`exec:`) and scripts. Each job is one
//! worker thread with one table whose bots are long-lived: one process per
//! seat and job plays game after game over one pipe (`new_game` … `end`).
//! Which game a job plays next is first come, first served, but every game's
//! result depends only on its seed (the seed schedule), so the results are
//! the same for any number of jobs. A bot that fails in a game (crash,
//! timeout, an unusable answer) forfeits that game and is started again for
//! the next; a bot that fails game after game stops the sweep.

use super::{GameResult, Seats, Worker, try_one};
use crate::runner::game_seed;
use crate::scenario::Model;
use crate::table::TableError;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// A job whose bot fails in this many games in a row stops the sweep (a bot
/// that cannot start, or hangs every time, would otherwise cost a timeout
/// per game for every game).
pub const MAX_FAILURES_IN_A_ROW: u32 = 20;

/// Games a job takes at a time.
const CHUNK: u64 = 8;

/// Why a sweep stopped.
#[derive(Debug, Clone, PartialEq)]
pub enum SweepError {
    /// A scripted move could not be played (bad input): the first such game.
    Script {
        game: u64,
        seed: u64,
        error: TableError,
    },
    /// A seat's bot failed in [`MAX_FAILURES_IN_A_ROW`] games in a row.
    Failing { party: String, games: u32 },
    /// A worker thread panicked (a bug).
    Worker,
}

impl SweepError {
    /// Bad input (exit 2), or another failure (exit 1).
    pub fn is_input(&self) -> bool {
        matches!(self, SweepError::Script { .. })
    }
}

impl fmt::Display for SweepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SweepError::Script { game, seed, error } => {
                write!(f, "game {game} (seed {seed}): {error}")
            }
            SweepError::Failing { party, games } => write!(
                f,
                "seat {}: its bot failed in {games} games in a row (see the forfeit lines of `backchannel run` with its seed); the sweep is stopped",
                crate::text::clean_line(party)
            ),
            SweepError::Worker => f.write_str("a sweep worker stopped unexpectedly"),
        }
    }
}

impl std::error::Error for SweepError {}

/// Play `runs` games from seed `seed`, calling `tick(done)` now and then.
/// AI and reference seats only: the rayon path of [`super::run`]. With a bot
/// or script seat: one long-lived worker per thread of the current rayon pool.
pub fn run_checked(
    model: &Arc<Model>,
    seats: &Seats,
    runs: u64,
    seed: u64,
    mut tick: impl FnMut(u64),
) -> Result<Vec<GameResult>, SweepError> {
    if !seats.has_bots() && seats.script.is_none() {
        return Ok(super::run(model, seats, runs, seed, tick));
    }
    let jobs = (rayon::current_num_threads().max(1) as u64).min(runs.max(1));
    let next = AtomicU64::new(0);
    let done = AtomicU64::new(0);
    // Games at or past this index are not started: the first script error's.
    let limit = AtomicU64::new(runs);
    let finished = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..jobs)
            .map(|_| scope.spawn(|| job(model, seats, runs, seed, &next, &done, &limit)))
            .collect();
        while !handles.iter().all(|h| h.is_finished()) {
            tick(done.load(Ordering::Relaxed));
            std::thread::sleep(Duration::from_millis(50));
        }
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or(Err(SweepError::Worker)))
            .collect::<Vec<_>>()
    });
    tick(done.load(Ordering::Relaxed));
    let mut results = Vec::with_capacity(runs as usize);
    let mut first: Option<SweepError> = None;
    for f in finished {
        match f {
            Ok(list) => results.extend(list),
            Err(e) => {
                // The script error of the lowest game wins: the one a single
                // job would meet first.
                let earlier = match (&first, &e) {
                    (None, _) => true,
                    (
                        Some(SweepError::Script { game: a, .. }),
                        SweepError::Script { game: b, .. },
                    ) => b < a,
                    (Some(SweepError::Script { .. }), _) => false,
                    (Some(_), SweepError::Script { .. }) => true,
                    (Some(_), _) => false,
                };
                if earlier {
                    first = Some(e);
                }
            }
        }
    }
    if let Some(e) = first {
        return Err(e);
    }
    results.sort_by_key(|(i, _)| *i);
    Ok(results.into_iter().map(|(_, r)| r).collect())
}

/// One job: a table of its own, games taken a few at a time.
fn job(
    model: &Arc<Model>,
    seats: &Seats,
    runs: u64,
    seed: u64,
    next: &AtomicU64,
    done: &AtomicU64,
    limit: &AtomicU64,
) -> Result<Vec<(u64, GameResult)>, SweepError> {
    let mut worker = Worker::default();
    let mut out = Vec::new();
    let mut streak = 0u32;
    let result = loop {
        let start = next.fetch_add(CHUNK, Ordering::Relaxed);
        if start >= runs {
            break Ok(out);
        }
        let mut failed = None;
        for i in start..(start + CHUNK).min(runs) {
            if i >= limit.load(Ordering::Relaxed) {
                break;
            }
            let s = game_seed(seed, i);
            match try_one(model, seats, s, &mut worker) {
                Ok(r) => {
                    match r.forfeit {
                        Some(p) => {
                            streak += 1;
                            if streak >= MAX_FAILURES_IN_A_ROW {
                                failed = Some(SweepError::Failing {
                                    party: model.scenario.parties[p].id.clone(),
                                    games: streak,
                                });
                            }
                        }
                        None => streak = 0,
                    }
                    out.push((i, r));
                    done.fetch_add(1, Ordering::Relaxed);
                }
                Err(error) => {
                    limit.fetch_min(i, Ordering::Relaxed);
                    failed = Some(SweepError::Script {
                        game: i,
                        seed: s,
                        error,
                    });
                }
            }
            if failed.is_some() {
                break;
            }
        }
        if let Some(e) = failed {
            if !e.is_input() {
                // Stop the other jobs too.
                limit.store(0, Ordering::Relaxed);
            }
            break Err(e);
        }
    };
    worker.close();
    result
}
