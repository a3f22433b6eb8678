//! Streaming sweep statistics in bounded memory, exact and mergeable.
//!
//! Every accumulator is integer arithmetic on a fixed grid, so adding games
//! in any order, on any number of threads or machines (shards), and merging
//! the parts gives the same bits:
//!
//! - [`Moments`]: count, sum and sum of squares of each value rounded to
//!   10⁻⁶ (i128): means and standard errors exact to 10⁻⁶.
//! - [`Histogram`]: counts per grid cell (0.01 for utilities and metrics,
//!   10⁻⁴ for chances, 1 for counts): quantiles are the nearest-rank order
//!   statistic (Hyndman–Fan type 1: the smallest value with at least ⌈q·n⌉
//!   values at or below it) of the values on that grid, so within half a
//!   cell of the exact one. Memory grows with the range a value spans, never
//!   with the number of games.
//! - [`Tally`]: counts, with Wilson 95% intervals for rates.
//!
//! The state serialises to JSON ([`Stats::state`]) and back ([`Stats::from_state`])
//! so `backchannel merge` can add shards.

use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The 97.5% point of the standard normal (two-sided 95%).
pub const Z95: f64 = 1.959_963_984_540_054;

/// Fixed point of [`Moments`]: values are kept in millionths.
const FIX: f64 = 1e6;

/// Count, sum and sum of squares on a 10⁻⁶ grid.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Moments {
    pub n: u64,
    pub sum: i128,
    pub sum_sq: i128,
}

impl Moments {
    pub fn add(&mut self, x: f64) {
        let v = fixed(x);
        self.n += 1;
        self.sum = self.sum.saturating_add(i128::from(v));
        self.sum_sq = self.sum_sq.saturating_add(i128::from(v) * i128::from(v));
    }

    pub fn merge(&mut self, o: &Moments) {
        self.n += o.n;
        self.sum = self.sum.saturating_add(o.sum);
        self.sum_sq = self.sum_sq.saturating_add(o.sum_sq);
    }

    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            return 0.0;
        }
        self.sum as f64 / self.n as f64 / FIX
    }

    /// Standard error of the mean: the sample standard deviation over √n.
    pub fn se(&self) -> f64 {
        if self.n < 2 {
            return 0.0;
        }
        let n = self.n as i128;
        // n·Σx² − (Σx)², exact in integers (then one rounding).
        let num = self.sum_sq.saturating_mul(n) - self.sum.saturating_mul(self.sum);
        let var = num.max(0) as f64 / (n * (n - 1)) as f64 / (FIX * FIX);
        (var / self.n as f64).sqrt()
    }
}

/// `x` in millionths (non-finite values count as 0).
fn fixed(x: f64) -> i64 {
    if x.is_finite() {
        (x * FIX).round().clamp(-1e15, 1e15) as i64
    } else {
        0
    }
}

/// Counts of values per cell of a fixed grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Histogram {
    /// The cell width is 10^-decimals.
    pub decimals: u32,
    pub cells: BTreeMap<i64, u64>,
}

impl Histogram {
    pub fn new(decimals: u32) -> Histogram {
        Histogram {
            decimals,
            cells: BTreeMap::new(),
        }
    }

    fn scale(&self) -> f64 {
        10f64.powi(self.decimals as i32)
    }

    pub fn add(&mut self, x: f64) {
        let k = if x.is_finite() {
            (x * self.scale()).round().clamp(-1e15, 1e15) as i64
        } else {
            0
        };
        *self.cells.entry(k).or_insert(0) += 1;
    }

    pub fn merge(&mut self, o: &Histogram) {
        for (k, c) in &o.cells {
            *self.cells.entry(*k).or_insert(0) += c;
        }
    }

    /// The nearest-rank quantile (type 1) of the values on the grid.
    pub fn quantile(&self, q: f64) -> f64 {
        let n: u64 = self.cells.values().sum();
        if n == 0 {
            return 0.0;
        }
        let rank = ((q * n as f64).ceil() as u64).clamp(1, n);
        let mut seen = 0;
        for (k, c) in &self.cells {
            seen += c;
            if seen >= rank {
                return *k as f64 / self.scale();
            }
        }
        0.0
    }
}

/// One quantity's accumulator: moments and a histogram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dist {
    pub moments: Moments,
    pub hist: Histogram,
}

/// Grid of utilities, reservations, scores and metrics.
pub const POINTS: u32 = 2;
/// Grid of chances (likelihood, acceptance).
pub const CHANCES: u32 = 4;
/// Grid of counts (rounds, votes).
pub const COUNTS: u32 = 0;

impl Dist {
    pub fn new(decimals: u32) -> Dist {
        Dist {
            moments: Moments::default(),
            hist: Histogram::new(decimals),
        }
    }

    pub fn add(&mut self, x: f64) {
        self.moments.add(x);
        self.hist.add(x);
    }

    pub fn merge(&mut self, o: &Dist) {
        self.moments.merge(&o.moments);
        self.hist.merge(&o.hist);
    }

    /// `{mean, se, p10, p50, p90}`.
    pub fn json(&self) -> Value {
        json!({
            "mean": r4(self.moments.mean()),
            "se": r4(self.moments.se()),
            "p10": r4(self.hist.quantile(0.1)),
            "p50": r4(self.hist.quantile(0.5)),
            "p90": r4(self.hist.quantile(0.9)),
        })
    }

    fn state(&self) -> Value {
        let cells: Vec<Value> = self.hist.cells.iter().map(|(k, c)| json!([k, c])).collect();
        json!({
            "n": self.moments.n,
            "sum": self.moments.sum.to_string(),
            "sum_sq": self.moments.sum_sq.to_string(),
            "decimals": self.hist.decimals,
            "cells": cells,
        })
    }

    fn from_state(v: &Value) -> Result<Dist, String> {
        let int = |k: &str| -> Result<i128, String> {
            v.get(k)
                .and_then(Value::as_str)
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| format!("'{k}' is not an integer string"))
        };
        let decimals = v
            .get("decimals")
            .and_then(Value::as_u64)
            .filter(|d| *d <= 9)
            .ok_or("'decimals' is missing")? as u32;
        let mut hist = Histogram::new(decimals);
        for cell in v
            .get("cells")
            .and_then(Value::as_array)
            .ok_or("'cells' is missing")?
        {
            let (Some(k), Some(c)) = (
                cell.get(0).and_then(Value::as_i64),
                cell.get(1).and_then(Value::as_u64),
            ) else {
                return Err("a cell is not [value, count]".into());
            };
            *hist.cells.entry(k).or_insert(0) += c;
        }
        let n = v.get("n").and_then(Value::as_u64).ok_or("'n' is missing")?;
        if hist.cells.values().sum::<u64>() != n {
            return Err("the cells do not add up to n".into());
        }
        Ok(Dist {
            moments: Moments {
                n,
                sum: int("sum")?,
                sum_sq: int("sum_sq")?,
            },
            hist,
        })
    }
}

/// A rate with its Wilson 95% interval.
pub fn rate_json(k: u64, n: u64) -> Value {
    let (lo, hi) = wilson(k, n);
    json!({"count": k, "rate": r4(if n == 0 { 0.0 } else { k as f64 / n as f64 }), "ci95": [r4(lo), r4(hi)]})
}

/// The Wilson score interval for k successes in n trials, at 95%.
pub fn wilson(k: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let n = n as f64;
    let p = k as f64 / n;
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = Z95 / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// Round to four decimals (and never print -0).
pub fn r4(x: f64) -> f64 {
    let v = (x * 1e4).round() / 1e4;
    if v == 0.0 { 0.0 } else { v }
}

/// The outcomes, in the order they are reported.
/// `rejected`: signed, then rejected at the vote at home (ratification);
/// `forfeit`: a seat's bot failed in the game (an `exec:` seat).
pub const OUTCOMES: [&str; 6] = [
    "deal", "rejected", "deadline", "walkout", "collapse", "forfeit",
];

/// Indices into [`OUTCOMES`].
pub const DEAL: usize = 0;
pub const REJECTED: usize = 1;
pub const DEADLINE: usize = 2;
pub const WALKOUT: usize = 3;
pub const COLLAPSE: usize = 4;
pub const FORFEIT: usize = 5;

/// How many outcomes there are.
const N_OUTCOMES: usize = OUTCOMES.len();

/// What one game adds to the statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct GameFigures<'a> {
    /// Index into [`OUTCOMES`].
    pub outcome: usize,
    /// The party that walked out.
    pub walked_out: Option<usize>,
    /// The party whose bot failed in the game.
    pub forfeited: Option<usize>,
    pub round: u32,
    pub votes_called: u32,
    pub votes_failed: u32,
    pub metrics: &'a [f64],
    pub likelihood: f64,
    /// Per party: (U, true R drawn, public acceptance, score).
    pub parties: &'a [[f64; 4]],
    /// Final option per clause.
    pub options: &'a [u16],
}

/// A sweep's sufficient statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    pub runs: u64,
    pub outcomes: [u64; N_OUTCOMES],
    pub walkouts: Vec<u64>,
    /// Per party, games its bot forfeited.
    pub forfeits: Vec<u64>,
    pub metrics: Vec<Dist>,
    pub likelihood: Dist,
    pub rounds: Dist,
    pub votes_called: Dist,
    pub votes_failed: Dist,
    /// Per party: U, R, a, score.
    pub parties: Vec<[Dist; 4]>,
    /// Per clause, games ending with each option.
    pub wordings: Vec<Vec<u64>>,
}

/// The per-party quantities, in [`Stats::parties`] order.
pub const PARTY_FIGURES: [&str; 4] = ["utility", "reservation", "acceptance", "score"];

impl Stats {
    /// Empty statistics for `metrics` metrics, `parties` parties and clauses
    /// with `options[c]` options each.
    pub fn new(metrics: usize, parties: usize, options: &[usize]) -> Stats {
        Stats {
            runs: 0,
            outcomes: [0; N_OUTCOMES],
            walkouts: vec![0; parties],
            forfeits: vec![0; parties],
            metrics: (0..metrics).map(|_| Dist::new(POINTS)).collect(),
            likelihood: Dist::new(CHANCES),
            rounds: Dist::new(COUNTS),
            votes_called: Dist::new(COUNTS),
            votes_failed: Dist::new(COUNTS),
            parties: (0..parties)
                .map(|_| {
                    [
                        Dist::new(POINTS),
                        Dist::new(POINTS),
                        Dist::new(CHANCES),
                        Dist::new(POINTS),
                    ]
                })
                .collect(),
            wordings: options.iter().map(|&n| vec![0; n]).collect(),
        }
    }

    pub fn add(&mut self, g: &GameFigures) {
        self.runs += 1;
        self.outcomes[g.outcome] += 1;
        if let Some(p) = g.walked_out {
            self.walkouts[p] += 1;
        }
        if let Some(p) = g.forfeited {
            self.forfeits[p] += 1;
        }
        for (d, &x) in self.metrics.iter_mut().zip(g.metrics) {
            d.add(x);
        }
        self.likelihood.add(g.likelihood);
        self.rounds.add(f64::from(g.round));
        self.votes_called.add(f64::from(g.votes_called));
        self.votes_failed.add(f64::from(g.votes_failed));
        for (ds, xs) in self.parties.iter_mut().zip(g.parties) {
            for (d, &x) in ds.iter_mut().zip(xs) {
                d.add(x);
            }
        }
        for (w, &o) in self.wordings.iter_mut().zip(g.options) {
            if let Some(c) = w.get_mut(usize::from(o)) {
                *c += 1;
            }
        }
    }

    pub fn merge(&mut self, o: &Stats) {
        self.runs += o.runs;
        for (a, b) in self.outcomes.iter_mut().zip(&o.outcomes) {
            *a += b;
        }
        for (a, b) in self.walkouts.iter_mut().zip(&o.walkouts) {
            *a += b;
        }
        for (a, b) in self.forfeits.iter_mut().zip(&o.forfeits) {
            *a += b;
        }
        for (a, b) in self.metrics.iter_mut().zip(&o.metrics) {
            a.merge(b);
        }
        self.likelihood.merge(&o.likelihood);
        self.rounds.merge(&o.rounds);
        self.votes_called.merge(&o.votes_called);
        self.votes_failed.merge(&o.votes_failed);
        for (a, b) in self.parties.iter_mut().zip(&o.parties) {
            for (x, y) in a.iter_mut().zip(b) {
                x.merge(y);
            }
        }
        for (a, b) in self.wordings.iter_mut().zip(&o.wordings) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
    }

    /// The state as JSON, for `merge`.
    pub fn state(&self) -> Value {
        let dists = |v: &[Dist]| Value::Array(v.iter().map(Dist::state).collect());
        json!({
            "runs": self.runs,
            "outcomes": self.outcomes,
            "walkouts": self.walkouts,
            "forfeits": self.forfeits,
            "metrics": dists(&self.metrics),
            "likelihood": self.likelihood.state(),
            "rounds": self.rounds.state(),
            "votes_called": self.votes_called.state(),
            "votes_failed": self.votes_failed.state(),
            "parties": self.parties.iter().map(|ds| dists(ds.as_slice())).collect::<Vec<_>>(),
            "wordings": self.wordings,
        })
    }

    /// Read a state written by [`Stats::state`], checking its shape against
    /// `like` (empty statistics of the same scenario).
    pub fn from_state(v: &Value, like: &Stats) -> Result<Stats, String> {
        let u64s = |k: &str| -> Result<Vec<u64>, String> {
            v.get(k)
                .and_then(Value::as_array)
                .and_then(|a| a.iter().map(Value::as_u64).collect::<Option<Vec<_>>>())
                .ok_or_else(|| format!("'{k}' is not a list of counts"))
        };
        let dist = |x: Option<&Value>, k: &str| -> Result<Dist, String> {
            Dist::from_state(x.ok_or_else(|| format!("'{k}' is missing"))?)
                .map_err(|e| format!("{k}: {e}"))
        };
        let dists = |x: Option<&Value>, k: &str, n: usize| -> Result<Vec<Dist>, String> {
            let a = x
                .and_then(Value::as_array)
                .ok_or_else(|| format!("'{k}' is not a list"))?;
            if a.len() != n {
                return Err(format!("'{k}' has {} entries, not {n}", a.len()));
            }
            a.iter().map(|d| dist(Some(d), k)).collect()
        };
        let outcomes = u64s("outcomes")?;
        let walkouts = u64s("walkouts")?;
        let forfeits = u64s("forfeits")?;
        if outcomes.len() != N_OUTCOMES
            || walkouts.len() != like.walkouts.len()
            || forfeits.len() != like.forfeits.len()
        {
            return Err("the outcome counts do not fit the scenario".into());
        }
        let parties_v = v
            .get("parties")
            .and_then(Value::as_array)
            .ok_or("'parties' is not a list")?;
        if parties_v.len() != like.parties.len() {
            return Err("'parties' does not fit the scenario".into());
        }
        let mut parties = Vec::new();
        for pv in parties_v {
            let ds = dists(Some(pv), "parties", 4)?;
            let arr: [Dist; 4] = ds.try_into().map_err(|_| "four figures per party")?;
            parties.push(arr);
        }
        let wordings: Vec<Vec<u64>> = v
            .get("wordings")
            .and_then(Value::as_array)
            .and_then(|a| {
                a.iter()
                    .map(|w| {
                        w.as_array()?
                            .iter()
                            .map(Value::as_u64)
                            .collect::<Option<Vec<_>>>()
                    })
                    .collect::<Option<Vec<_>>>()
            })
            .ok_or("'wordings' is not a list of count lists")?;
        if wordings.len() != like.wordings.len()
            || wordings
                .iter()
                .zip(&like.wordings)
                .any(|(a, b)| a.len() != b.len())
        {
            return Err("'wordings' does not fit the scenario".into());
        }
        Ok(Stats {
            runs: v
                .get("runs")
                .and_then(Value::as_u64)
                .ok_or("'runs' is missing")?,
            outcomes: outcomes
                .try_into()
                .map_err(|_| "the outcome counts do not fit the scenario")?,
            walkouts,
            forfeits,
            metrics: dists(v.get("metrics"), "metrics", like.metrics.len())?,
            likelihood: dist(v.get("likelihood"), "likelihood")?,
            rounds: dist(v.get("rounds"), "rounds")?,
            votes_called: dist(v.get("votes_called"), "votes_called")?,
            votes_failed: dist(v.get("votes_failed"), "votes_failed")?,
            parties,
            wordings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_quantiles() {
        let mut h = Histogram::new(0);
        for x in 1..=10 {
            h.add(f64::from(x));
        }
        // ⌈0.1·10⌉ = 1st, ⌈0.5·10⌉ = 5th, ⌈0.9·10⌉ = 9th value.
        assert_eq!(h.quantile(0.1), 1.0);
        assert_eq!(h.quantile(0.5), 5.0);
        assert_eq!(h.quantile(0.9), 9.0);
        assert_eq!(h.quantile(1.0), 10.0);
    }

    #[test]
    fn moments_are_exact_and_split_free() {
        let xs: Vec<f64> = (0..1000).map(|i| (i as f64 * 0.37).sin() * 50.0).collect();
        let mut all = Moments::default();
        xs.iter().for_each(|&x| all.add(x));
        let mut a = Moments::default();
        let mut b = Moments::default();
        xs[..313].iter().for_each(|&x| a.add(x));
        xs[313..].iter().rev().for_each(|&x| b.add(x));
        b.merge(&a);
        assert_eq!(all, b);
        let mean = xs.iter().sum::<f64>() / 1000.0;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 999.0;
        assert!((all.mean() - mean).abs() < 1e-6);
        assert!((all.se() - (var / 1000.0).sqrt()).abs() < 1e-6);
    }

    #[test]
    fn wilson_interval() {
        // 50 of 100: 0.4038 .. 0.5962 (the textbook value).
        let (lo, hi) = wilson(50, 100);
        assert!((lo - 0.4038).abs() < 1e-4 && (hi - 0.5962).abs() < 1e-4);
        let (lo, hi) = wilson(0, 10);
        assert_eq!(lo, 0.0);
        assert!((hi - 0.2775).abs() < 1e-4);
    }

    #[test]
    fn state_round_trips() {
        let mut s = Stats::new(2, 2, &[3, 2]);
        s.add(&GameFigures {
            outcome: WALKOUT,
            walked_out: Some(1),
            forfeited: None,
            round: 4,
            votes_called: 1,
            votes_failed: 1,
            metrics: &[10.5, -3.25],
            likelihood: 0.123456,
            parties: &[[1.0, 2.0, 0.5, -1.0], [3.0, 1.0, 0.25, 2.0]],
            options: &[2u16, 0],
        });
        let back = Stats::from_state(&s.state(), &Stats::new(2, 2, &[3, 2])).unwrap();
        assert_eq!(back, s);
    }
}
