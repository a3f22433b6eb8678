//! Many seeded AI-against-AI games and their statistics. Results depend only
//! on the scenario, the seats and the seed, never on the number of threads.

use super::stats::GameFigures;
pub use super::summary::{Provenance, QUANTILES, Summary, empty_stats};
use crate::ai::{self, AiSeat, Brain};
use crate::engine::score::{MetricVec, PartyVec};
use crate::engine::{Ending, Event};
use crate::scenario::Model;
use crate::table::{self, SeatPolicy, Table};
use std::sync::Arc;

/// What a sweep keeps of one game.
#[derive(Debug, Clone, PartialEq)]
pub struct GameResult {
    /// The game's index in the sweep (0-based; its seed is derived from it).
    pub index: u64,
    pub seed: u64,
    pub ending: Ending,
    pub round: u32,
    /// Signing votes called, and how many failed.
    pub votes_called: u32,
    pub votes_failed: u32,
    pub metrics: MetricVec<f64>,
    pub likelihood: f64,
    /// Per party: U (what it ends with), true R (drawn), public acceptance
    /// of the final text, score (U − R).
    pub parties: PartyVec<[f64; 4]>,
    /// The final wording (option index) of every clause.
    pub options: Vec<u16>,
    /// Which model of the sweep played it (a `--vary` level; 0 otherwise).
    pub variant: u32,
}

impl GameResult {
    /// The game's figures for [`Stats::add`].
    pub fn figures(&self) -> GameFigures<'_> {
        GameFigures {
            outcome: outcome_index(&self.ending),
            walked_out: match self.ending {
                Ending::WalkOut { party } => Some(party),
                _ => None,
            },
            round: self.round,
            votes_called: self.votes_called,
            votes_failed: self.votes_failed,
            metrics: &self.metrics,
            likelihood: self.likelihood,
            parties: &self.parties,
            options: &self.options,
        }
    }

    /// The party that walked out, if one did.
    pub fn walked_out(&self) -> Option<usize> {
        match self.ending {
            Ending::WalkOut { party } => Some(party),
            _ => None,
        }
    }
}

/// The index of an ending in [`OUTCOMES`].
pub fn outcome_index(e: &Ending) -> usize {
    match e {
        Ending::Deal => 0,
        Ending::DeadlinePassed => 1,
        Ending::WalkOut { .. } => 2,
        Ending::Collapse { .. } => 3,
    }
}

/// The seats of a sweep: AI seats with each party's default personality, or
/// the one named, checked once and shared by every worker.
#[derive(Debug, Clone)]
pub struct Seats {
    pub policies: Vec<SeatPolicy>,
    /// (party id, policy as played: `ai:PERSONALITY`).
    pub labels: Vec<(String, String)>,
    brain: Arc<Brain>,
}

/// The seats of a sweep: each party's default AI personality, or the policy
/// named (an AI personality or a reference bot, `bot:NAME`).
pub fn seats(model: &Model, chosen: &[(usize, SeatPolicy)]) -> Result<Seats, String> {
    let brain = Arc::new(ai::Brain::new(model));
    let mut policies = Vec::new();
    let mut labels = Vec::new();
    for p in 0..model.parties.len() {
        let policy = chosen
            .iter()
            .rev()
            .find(|(q, _)| *q == p)
            .map_or(SeatPolicy::Ai(None), |(_, s)| s.clone());
        let id = model.scenario.parties[p].id.clone();
        match &policy {
            SeatPolicy::Ai(named) => {
                // Checked here, so a worker's table cannot fail to seat it.
                let seat = AiSeat::new(model, Arc::clone(&brain), p, named.as_deref())?;
                labels.push((id, format!("ai:{}", seat.personality)));
            }
            SeatPolicy::Bot(k) => labels.push((id, format!("bot:{k}"))),
            other => {
                return Err(format!(
                    "a sweep plays AI seats and reference bots only (ai, ai:PERSONALITY, bot:NAME), not '{other}'"
                ));
            }
        }
        policies.push(policy);
    }
    Ok(Seats {
        policies,
        labels,
        brain,
    })
}

/// What a worker thread reuses from one game to the next: a table per
/// model it has played.
#[derive(Debug, Default)]
pub struct Worker {
    tables: Vec<Table>,
    last: usize,
}

impl Worker {
    /// The game the worker played last.
    pub fn game(&self) -> Option<&crate::engine::Game> {
        self.tables.get(self.last).map(Table::game)
    }
}

/// Play game `seed` and keep its result.
pub fn one(model: &Arc<Model>, seats: &Seats, seed: u64, worker: &mut Worker) -> GameResult {
    play(model, seats, 0, seed, 0, worker)
}

/// Play game number `index` (seed `seed`) of a sweep with the given model.
fn play(
    model: &Arc<Model>,
    seats: &Seats,
    index: u64,
    seed: u64,
    variant: u32,
    worker: &mut Worker,
) -> GameResult {
    let at = match worker
        .tables
        .iter()
        .position(|t| Arc::ptr_eq(t.model(), model))
    {
        Some(k) => {
            worker.tables[k].restart(seed);
            k
        }
        None => {
            let options = table::Options {
                brain: Some(Arc::clone(&seats.brain)),
                ..table::Options::default()
            };
            // The seats were checked by `seats`: AI seats always sit.
            let t = Table::new(Arc::clone(model), seed, seats.policies.clone(), options)
                .expect("checked AI seats");
            worker.tables.push(t);
            worker.tables.len() - 1
        }
    };
    worker.last = at;
    let table = &mut worker.tables[at];
    // AI seats always end a game within the action budget.
    let _ = table.play();
    let game = table.game();
    let (mut votes_called, mut votes_failed) = (0, 0);
    for e in game.journal() {
        match e {
            Event::VoteCalled { .. } => votes_called += 1,
            Event::VoteFailed => votes_failed += 1,
            _ => {}
        }
    }
    let eval = game.evaluation();
    let scores = game.scores();
    GameResult {
        index,
        seed,
        ending: game.ending().unwrap_or(Ending::DeadlinePassed),
        round: game.round(),
        votes_called,
        votes_failed,
        metrics: eval.metrics.clone(),
        likelihood: eval.likelihood,
        parties: (0..model.parties.len())
            .map(|p| match &scores {
                Some(s) => [
                    s[p].utility,
                    s[p].reservation,
                    eval.acceptance[p],
                    s[p].score,
                ],
                None => [0.0, game.drawn()[p], eval.acceptance[p], 0.0],
            })
            .collect(),
        options: game.options().iter().map(|&o| o as u16).collect(),
        variant,
    }
}

/// The models a sweep plays: one, or one per `--vary` level, each game
/// drawing its own ([`Plan::pick`]).
pub struct Plan<'a> {
    /// (model, its seats).
    pub models: &'a [(Arc<Model>, Seats)],
    /// Which model game `index` plays (must be below `models.len()`).
    pub pick: &'a (dyn Fn(u64) -> usize + Sync),
}

/// Play games `range` of a sweep from seed `seed` on the current rayon pool,
/// in blocks, handing each result to `sink` in game order and calling
/// `tick(done)` after each block. Memory does not grow with the range.
pub fn stream(
    plan: &Plan,
    range: std::ops::Range<u64>,
    seed: u64,
    mut sink: impl FnMut(&GameResult) + Send,
    mut tick: impl FnMut(u64),
) {
    use rayon::prelude::*;
    const BLOCK: u64 = 2048;
    let compute = |from: u64, to: u64| -> Vec<GameResult> {
        (from..to)
            .into_par_iter()
            .map_init(Worker::default, |worker, i| {
                let k = (plan.pick)(i);
                let (model, seats) = &plan.models[k];
                play(model, seats, i, super::game_seed(seed, i), k as u32, worker)
            })
            .collect()
    };
    let mut start = range.start;
    let mut pending: Vec<GameResult> = Vec::new();
    while start < range.end || !pending.is_empty() {
        let end = (start + BLOCK).min(range.end);
        // The last block's results are folded while the next one plays.
        let ((), next) = rayon::join(
            || pending.iter().for_each(&mut sink),
            || {
                if start < end {
                    compute(start, end)
                } else {
                    Vec::new()
                }
            },
        );
        if !pending.is_empty() {
            tick(pending.last().map_or(0, |r| r.index + 1) - range.start);
        }
        pending = next;
        start = end;
    }
}

/// Play `runs` games from seed `seed` on the current rayon pool and keep
/// them all (for tests and small sweeps; [`stream`] keeps none).
pub fn run(
    model: &Arc<Model>,
    seats: &Seats,
    runs: u64,
    seed: u64,
    tick: impl FnMut(u64),
) -> Vec<GameResult> {
    let models = [(Arc::clone(model), seats.clone())];
    let plan = Plan {
        models: &models,
        pick: &|_| 0,
    };
    let mut out = Vec::with_capacity(runs as usize);
    stream(&plan, 0..runs, seed, |r| out.push(r.clone()), tick);
    out
}

/// The `--csv` text of kept results (header and one row per game).
pub fn csv(model: &Model, results: &[GameResult]) -> String {
    let mut out = super::detail::games_header(model, &[]);
    for r in results {
        super::detail::game_row(model, r, &[], None, &mut out);
    }
    out
}
