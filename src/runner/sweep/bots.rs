//! Sweeps with outside seats: bots (`exec:`) and scripts. Each job is one
//! thread with tables of its own whose bots are long-lived: one process per
//! seat and job plays game after game over one pipe (`new_game` … `end`).
//! Games are played in blocks; within a block, which game a job plays next is
//! first come, first served, but every game's result depends only on its seed
//! (the seed schedule) and results reach the sink in game order, so the
//! output is the same for any number of jobs. A bot that fails in a game
//! (crash, timeout, an unusable answer) forfeits that game and is started
//! again for the next; a bot that fails game after game stops the sweep.

use super::{GameResult, Plan, Worker, play};
use crate::runner::game_seed;
use crate::table::TableError;
use std::fmt;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// A job whose bot fails in this many games in a row stops the sweep (a bot
/// that cannot start, or hangs every time, would otherwise cost a timeout
/// per game for every game).
pub const MAX_FAILURES_IN_A_ROW: u32 = 20;

/// Games a job takes at a time.
const CHUNK: u64 = 8;

/// Games played before their results are handed on in order (memory per
/// block, not per sweep).
const BLOCK: u64 = 1024;

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

    /// Of two errors, the one to report: the script error of the lowest
    /// game (the one a single job would meet first), else the first seen.
    fn before(&self, other: &SweepError) -> bool {
        match (self, other) {
            (SweepError::Script { game: a, .. }, SweepError::Script { game: b, .. }) => a < b,
            (SweepError::Script { .. }, _) => true,
            _ => false,
        }
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

/// [`super::stream`] with bot or script seats: one long-lived job per thread
/// of the current rayon pool, kept from block to block.
pub(super) fn stream(
    plan: &Plan,
    range: Range<u64>,
    seed: u64,
    mut sink: impl FnMut(&GameResult) + Send,
    mut tick: impl FnMut(u64),
) -> Result<(), SweepError> {
    let total = range.end - range.start;
    let jobs = (rayon::current_num_threads().max(1) as u64).min(total.max(1)) as usize;
    let mut workers: Vec<Worker> = (0..jobs).map(|_| Worker::default()).collect();
    let mut streaks = vec![0u32; jobs];
    let done = AtomicU64::new(0);
    let mut start = range.start;
    let outcome = loop {
        if start >= range.end {
            break Ok(());
        }
        let end = (start + BLOCK).min(range.end);
        let next = AtomicU64::new(start);
        // Games at or past this index are not started: the first error's.
        let limit = AtomicU64::new(end);
        let finished = std::thread::scope(|scope| {
            let handles: Vec<_> = workers
                .iter_mut()
                .zip(streaks.iter_mut())
                .map(|(worker, streak)| {
                    let (next, limit, done) = (&next, &limit, &done);
                    scope.spawn(move || job(plan, end, seed, worker, streak, next, limit, done))
                })
                .collect();
            while !handles.iter().all(|h| h.is_finished()) {
                tick(done.load(Ordering::Relaxed));
                std::thread::sleep(Duration::from_millis(20));
            }
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or(Err(SweepError::Worker)))
                .collect::<Vec<_>>()
        });
        let mut results = Vec::with_capacity((end - start) as usize);
        let mut first: Option<SweepError> = None;
        for f in finished {
            match f {
                Ok(list) => results.extend(list),
                Err(e) => {
                    if first.as_ref().is_none_or(|f| e.before(f)) {
                        first = Some(e);
                    }
                }
            }
        }
        if let Some(e) = first {
            break Err(e);
        }
        results.sort_by_key(|r| r.index);
        results.iter().for_each(&mut sink);
        tick(done.load(Ordering::Relaxed));
        start = end;
    };
    for w in &mut workers {
        w.close();
    }
    outcome
}

/// One job's share of a block: games taken a few at a time until `end`.
#[allow(clippy::too_many_arguments)]
fn job(
    plan: &Plan,
    end: u64,
    seed: u64,
    worker: &mut Worker,
    streak: &mut u32,
    next: &AtomicU64,
    limit: &AtomicU64,
    done: &AtomicU64,
) -> Result<Vec<GameResult>, SweepError> {
    let mut out = Vec::new();
    loop {
        let from = next.fetch_add(CHUNK, Ordering::Relaxed);
        if from >= end {
            return Ok(out);
        }
        for i in from..(from + CHUNK).min(end) {
            if i >= limit.load(Ordering::Relaxed) {
                return Ok(out);
            }
            let k = (plan.pick)(i);
            let (model, seats) = &plan.models[k];
            let s = game_seed(seed, i);
            match play(model, seats, i, s, k as u32, worker) {
                Ok(r) => {
                    if let Some(p) = r.forfeit {
                        *streak += 1;
                        if *streak >= MAX_FAILURES_IN_A_ROW {
                            // Stop the other jobs too.
                            limit.store(0, Ordering::Relaxed);
                            return Err(SweepError::Failing {
                                party: model.scenario.parties[p].id.clone(),
                                games: *streak,
                            });
                        }
                    } else {
                        *streak = 0;
                    }
                    out.push(r);
                    done.fetch_add(1, Ordering::Relaxed);
                }
                Err(error) => {
                    limit.fetch_min(i, Ordering::Relaxed);
                    return Err(SweepError::Script {
                        game: i,
                        seed: s,
                        error,
                    });
                }
            }
        }
    }
}
