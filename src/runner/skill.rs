//! Does skill pay? Seat one policy in one party's chair over many seeds,
//! the default AI everywhere else, and compare (docs/AI.md, "Skill").
//! Also the calibration of the public deal likelihood (docs/MODEL.md):
//! at every round end, the likelihood shown against whether every
//! signatory would in fact sign that text.

use crate::engine::Ending;
use crate::scenario::Model;
use crate::table::{self, SeatPolicy, Table};
use rayon::prelude::*;
use std::sync::Arc;

/// One game seen from the seat under test.
#[derive(Debug, Clone, PartialEq)]
pub struct Seen {
    pub seed: u64,
    pub deal: bool,
    /// Every party's score.
    pub scores: Vec<f64>,
    /// The final text (each clause's option).
    pub text: Vec<u16>,
    /// (public likelihood, every signatory would sign) at each round end.
    pub calibration: Vec<(f64, bool)>,
    /// (party, public acceptance, it would sign) at each round end.
    pub parties: Vec<(usize, f64, bool)>,
}

/// Play `runs` games from `seed` with `policy` in `party`'s chair (None: all
/// default AI), in parallel on the current rayon pool. Deterministic.
pub fn play(model: &Arc<Model>, chairs: &[(usize, SeatPolicy)], runs: u64, seed: u64) -> Vec<Seen> {
    let np = model.parties.len();
    let mut policies: Vec<SeatPolicy> = (0..np).map(|_| SeatPolicy::Ai(None)).collect();
    for (p, pol) in chairs {
        policies[*p] = pol.clone();
    }
    each_game(model, &policies, runs, seed, |g| {
        let calibration = g
            .history()
            .iter()
            .filter(|(r, _)| *r > 0)
            .map(|(_, e)| {
                (
                    e.likelihood,
                    // Who that text needed (cards and consent may change it).
                    (0..model.parties.len())
                        .filter(|&q| e.needs(q))
                        .all(|q| e.would_sign(q)),
                )
            })
            .collect();
        let parties = g
            .history()
            .iter()
            .filter(|(r, _)| *r > 0)
            .flat_map(|(_, e)| {
                (0..model.parties.len())
                    .filter(|&q| e.needs(q))
                    .map(|q| (q, e.acceptance[q], e.would_sign(q)))
                    .collect::<Vec<_>>()
            })
            .collect();
        Seen {
            parties,
            seed: g.seed(),
            deal: g.ending() == Some(Ending::Deal),
            scores: g
                .scores()
                .map(|v| v.iter().map(|x| x.score).collect())
                .unwrap_or_default(),
            text: g.options().iter().map(|&o| o as u16).collect(),
            calibration,
        }
    })
}

/// Mean of a party's score over games.
pub fn mean_score(games: &[Seen], party: usize) -> f64 {
    games.iter().map(|g| g.scores[party]).sum::<f64>() / games.len().max(1) as f64
}

/// Mean and standard error of the paired difference `a − b` in `party`'s
/// score over the same seeds (the same drawn bottom lines): `a` and `b` are
/// the same games played with a different policy in one seat.
pub fn paired(a: &[Seen], b: &[Seen], party: usize) -> (f64, f64) {
    let d: Vec<f64> = a
        .iter()
        .zip(b)
        .map(|(x, y)| x.scores[party] - y.scores[party])
        .collect();
    let n = d.len().max(1) as f64;
    let mean = d.iter().sum::<f64>() / n;
    let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
    (mean, (var / n).sqrt())
}

/// Standard error of that mean.
pub fn score_se(games: &[Seen], party: usize) -> f64 {
    let n = games.len().max(2) as f64;
    let m = mean_score(games, party);
    let var = games
        .iter()
        .map(|g| (g.scores[party] - m).powi(2))
        .sum::<f64>()
        / (n - 1.0);
    (var / n).sqrt()
}

pub fn deal_rate(games: &[Seen]) -> f64 {
    games.iter().filter(|g| g.deal).count() as f64 / games.len().max(1) as f64
}

/// The mean number of clauses whose final wording differs between the same
/// seeds played two ways.
pub fn text_difference(a: &[Seen], b: &[Seen]) -> f64 {
    let n = a.len().min(b.len()).max(1);
    a.iter()
        .zip(b)
        .map(|(x, y)| x.text.iter().zip(&y.text).filter(|(p, q)| p != q).count())
        .sum::<usize>() as f64
        / n as f64
}

/// One decile of the calibration table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decile {
    pub from: f64,
    pub samples: usize,
    /// Mean public likelihood in the decile.
    pub shown: f64,
    /// Share of those texts every signatory would in fact sign.
    pub signed: f64,
}

/// The calibration table over these games' round ends.
pub fn calibration(games: &[Seen]) -> Vec<Decile> {
    let mut bins = [(0usize, 0.0f64, 0usize); 10];
    for g in games {
        for &(l, s) in &g.calibration {
            let i = ((l * 10.0) as usize).min(9);
            bins[i].0 += 1;
            bins[i].1 += l;
            bins[i].2 += usize::from(s);
        }
    }
    bins.iter()
        .enumerate()
        .map(|(i, &(n, sum, yes))| Decile {
            from: i as f64 / 10.0,
            samples: n,
            shown: if n > 0 { sum / n as f64 } else { 0.0 },
            signed: if n > 0 { yes as f64 / n as f64 } else { 0.0 },
        })
        .collect()
}

/// Play `runs` games from `seed` (the sweep's seed schedule) with these
/// seat policies, in parallel on the current rayon pool, one table per
/// worker restarted per game, and map each finished game. Deterministic.
pub fn each_game<T: Send>(
    model: &Arc<Model>,
    policies: &[SeatPolicy],
    runs: u64,
    seed: u64,
    f: impl Fn(&crate::engine::Game) -> T + Sync,
) -> Vec<T> {
    let brain = Arc::new(crate::ai::Brain::new(model));
    (0..runs)
        .into_par_iter()
        .map_init(
            || None::<Table>,
            |slot, i| {
                let s = super::game_seed(seed, i);
                let t = match slot {
                    Some(t) => {
                        t.restart(s);
                        t
                    }
                    None => {
                        let options = table::Options {
                            brain: Some(Arc::clone(&brain)),
                            ..table::Options::default()
                        };
                        slot.insert(
                            Table::new(Arc::clone(model), s, policies.to_vec(), options)
                                .expect("AI and reference seats always sit"),
                        )
                    }
                };
                let _ = t.play();
                f(t.game())
            },
        )
        .collect()
}
