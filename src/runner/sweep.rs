//! Many seeded AI-against-AI games and their statistics. Results depend only
//! on the scenario, the seats and the seed, never on the number of threads.

use crate::ai::{self, AiSeat, Decision};
use crate::engine::score::{MetricVec, PartyVec};
use crate::engine::{Action, Ending, Event, Game, Phase, Stance};
use crate::scenario::Model;
use rand_chacha::ChaCha8Rng;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;

/// What a sweep keeps of one game.
#[derive(Debug, Clone, PartialEq)]
pub struct GameResult {
    pub seed: u64,
    pub ending: Ending,
    pub round: u32,
    pub metrics: MetricVec<f64>,
    pub likelihood: f64,
    pub scores: PartyVec<f64>,
    /// Clauses some party rejected at least once (a bit per clause).
    pub rejected: [u64; 4],
}

/// Play a game with AI in every seat to its end. `buf` is reused between turns.
pub fn play_ai(
    game: &mut Game,
    seats: &[AiSeat],
    rngs: &mut [ChaCha8Rng],
    buf: &mut Vec<Decision>,
) {
    let mut budget = 200_000usize;
    while let Some(party) = game.to_move() {
        budget -= 1;
        if budget == 0 {
            break;
        }
        if let Phase::Vote { .. } = game.phase() {
            let d = ai::vote(game, &seats[party], &mut rngs[party]);
            if game.apply(d.action).is_err() {
                let _ = game.apply(Action::Vote { party, sign: false });
            }
            continue;
        }
        ai::plan_turn_into(game, &seats[party], &mut rngs[party], buf);
        for d in buf.iter() {
            let stop = matches!(d.action, Action::CallVote { .. } | Action::WalkOut { .. });
            let _ = game.apply(d.action);
            if stop || game.to_move() != Some(party) {
                break;
            }
        }
    }
}

/// The AI seats of a sweep: each party's default personality, or the one named.
pub fn seats(
    model: &Model,
    personalities: &[(usize, Option<String>)],
) -> Result<Vec<AiSeat>, String> {
    let brain = Arc::new(ai::Brain::new(model));
    (0..model.parties.len())
        .map(|p| {
            let named = personalities
                .iter()
                .rev()
                .find(|(q, _)| *q == p)
                .and_then(|(_, n)| n.as_deref());
            AiSeat::new(model, Arc::clone(&brain), p, named)
        })
        .collect()
}

/// What a worker thread reuses from one game to the next.
#[derive(Debug, Default)]
pub struct Worker {
    game: Option<Game>,
    rngs: Vec<ChaCha8Rng>,
    buf: Vec<Decision>,
}

/// Play game `seed` and keep its result.
pub fn one(model: &Arc<Model>, seats: &[AiSeat], seed: u64, worker: &mut Worker) -> GameResult {
    let game = match &mut worker.game {
        Some(game) if Arc::ptr_eq(game.model(), model) => {
            game.restart(seed);
            game
        }
        slot => slot.insert(Game::new(Arc::clone(model), seed)),
    };
    worker.rngs.clear();
    worker
        .rngs
        .extend((0..model.parties.len()).map(|p| ai::seat_rng(seed, model, p)));
    play_ai(game, seats, &mut worker.rngs, &mut worker.buf);
    let mut rejected = [0u64; 4];
    for e in game.journal() {
        if let Event::Stance {
            clause,
            stance: Stance::Reject,
            ..
        } = e
            && *clause < 256
        {
            rejected[clause / 64] |= 1 << (clause % 64);
        }
    }
    let eval = game.evaluation();
    GameResult {
        seed,
        ending: game.ending().unwrap_or(Ending::DeadlinePassed),
        round: game.round(),
        metrics: eval.metrics.clone(),
        likelihood: eval.likelihood,
        scores: game
            .scores()
            .map(|s| s.iter().map(|x| x.score).collect())
            .unwrap_or_default(),
        rejected,
    }
}

/// Play `runs` games from seed `seed` on the current rayon pool, in blocks,
/// calling `tick(done)` after each block.
pub fn run(
    model: &Arc<Model>,
    seats: &[AiSeat],
    runs: u64,
    seed: u64,
    mut tick: impl FnMut(u64),
) -> Vec<GameResult> {
    use rayon::prelude::*;
    const BLOCK: u64 = 2048;
    let mut out = Vec::with_capacity(runs as usize);
    let mut start = 0;
    while start < runs {
        let end = (start + BLOCK).min(runs);
        let block: Vec<GameResult> = (start..end)
            .into_par_iter()
            .map_init(Worker::default, |worker, i| {
                one(model, seats, super::game_seed(seed, i), worker)
            })
            .collect();
        out.extend(block);
        start = end;
        tick(start);
    }
    out
}

/// Mean, 10th, 50th and 90th percentiles.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Distribution {
    pub mean: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
}

impl Distribution {
    pub fn of(values: &mut [f64]) -> Distribution {
        if values.is_empty() {
            return Distribution {
                mean: 0.0,
                p10: 0.0,
                p50: 0.0,
                p90: 0.0,
            };
        }
        values.sort_by(f64::total_cmp);
        let q = |f: f64| values[((values.len() - 1) as f64 * f).round() as usize];
        Distribution {
            mean: values.iter().sum::<f64>() / values.len() as f64,
            p10: q(0.1),
            p50: q(0.5),
            p90: q(0.9),
        }
    }

    fn json(&self) -> Value {
        json!({"mean": r4(self.mean), "p10": r4(self.p10), "p50": r4(self.p50), "p90": r4(self.p90)})
    }
}

fn r4(x: f64) -> f64 {
    let v = (x * 1e4).round() / 1e4;
    if v == 0.0 { 0.0 } else { v }
}

/// A sweep's statistics.
#[derive(Debug, Clone)]
pub struct Summary {
    pub runs: u64,
    pub seed: u64,
    pub outcomes: BTreeMap<String, u64>,
    pub deal_rate: f64,
    /// By metric id, in scenario order.
    pub metrics: Vec<(String, Distribution)>,
    pub likelihood: Distribution,
    pub rounds: Distribution,
    /// By party id, in scenario order.
    pub scores: Vec<(String, Distribution)>,
    /// (clause id, share of games in which it was rejected), most rejected first.
    pub rejected: Vec<(String, f64)>,
    /// (label, personality) per party.
    pub seats: Vec<(String, String)>,
}

impl Summary {
    pub fn of(model: &Model, seats: &[AiSeat], seed: u64, results: &[GameResult]) -> Summary {
        let s = &model.scenario;
        let n = results.len().max(1) as f64;
        let mut outcomes = BTreeMap::new();
        for r in results {
            let key = match r.ending {
                Ending::WalkOut { party } => format!("walkout:{}", s.parties[party].id),
                e => e.name().to_string(),
            };
            *outcomes.entry(key).or_insert(0) += 1;
        }
        let deals = results.iter().filter(|r| r.ending == Ending::Deal).count();
        let metrics = s
            .metrics
            .iter()
            .enumerate()
            .map(|(m, def)| {
                let mut v: Vec<f64> = results.iter().map(|r| r.metrics[m]).collect();
                (def.id.clone(), Distribution::of(&mut v))
            })
            .collect();
        let scores = s
            .parties
            .iter()
            .enumerate()
            .map(|(p, def)| {
                let mut v: Vec<f64> = results
                    .iter()
                    .filter_map(|r| r.scores.get(p).copied())
                    .collect();
                (def.id.clone(), Distribution::of(&mut v))
            })
            .collect();
        let mut rejected: Vec<(String, f64)> = s
            .clauses
            .iter()
            .enumerate()
            .map(|(c, def)| {
                let k = results
                    .iter()
                    .filter(|r| c < 256 && r.rejected[c / 64] & (1 << (c % 64)) != 0)
                    .count();
                (def.id.clone(), k as f64 / n)
            })
            .filter(|(_, share)| *share > 0.0)
            .collect();
        // Stable sort: ties stay in scenario order.
        rejected.sort_by(|a, b| b.1.total_cmp(&a.1));
        rejected.truncate(5);
        Summary {
            runs: results.len() as u64,
            seed,
            outcomes,
            deal_rate: deals as f64 / n,
            metrics,
            likelihood: Distribution::of(
                &mut results.iter().map(|r| r.likelihood).collect::<Vec<_>>(),
            ),
            rounds: Distribution::of(
                &mut results
                    .iter()
                    .map(|r| f64::from(r.round))
                    .collect::<Vec<_>>(),
            ),
            scores,
            rejected,
            seats: seats
                .iter()
                .map(|a| {
                    (
                        s.parties[a.party].id.clone(),
                        format!("ai:{}", a.personality),
                    )
                })
                .collect(),
        }
    }

    /// The summary as one JSON object.
    pub fn json(&self) -> Value {
        let mut m = Map::new();
        m.insert("runs".into(), json!(self.runs));
        m.insert("seed".into(), json!(self.seed));
        m.insert("deal_rate".into(), json!(r4(self.deal_rate)));
        m.insert("outcomes".into(), json!(self.outcomes));
        let metrics: Map<String, Value> = self
            .metrics
            .iter()
            .map(|(k, d)| (k.clone(), d.json()))
            .collect();
        m.insert("metrics".into(), Value::Object(metrics));
        m.insert("likelihood".into(), self.likelihood.json());
        m.insert("rounds".into(), self.rounds.json());
        let scores: Map<String, Value> = self
            .scores
            .iter()
            .map(|(k, d)| (k.clone(), d.json()))
            .collect();
        m.insert("scores".into(), Value::Object(scores));
        m.insert(
            "most_rejected".into(),
            Value::Array(
                self.rejected
                    .iter()
                    .map(|(c, share)| json!({"clause": c, "share": r4(*share)}))
                    .collect(),
            ),
        );
        let seats: Map<String, Value> = self
            .seats
            .iter()
            .map(|(p, s)| (p.clone(), json!(s)))
            .collect();
        m.insert("seats".into(), Value::Object(seats));
        Value::Object(m)
    }

    /// The summary in words.
    pub fn text(&self, model: &Model) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let seats: Vec<String> = self.seats.iter().map(|(p, s)| format!("{p} {s}")).collect();
        let _ = writeln!(
            out,
            "{} — {} games from seed {}",
            model.scenario.meta.title, self.runs, self.seed
        );
        let _ = writeln!(out, "seats: {}", seats.join(", "));
        let _ = writeln!(out, "deal rate: {:.1}%", 100.0 * self.deal_rate);
        let _ = writeln!(out, "outcomes:");
        for (k, v) in &self.outcomes {
            let _ = writeln!(
                out,
                "  {k:<16} {v:>8}  {:5.1}%",
                100.0 * *v as f64 / self.runs.max(1) as f64
            );
        }
        let _ = writeln!(
            out,
            "final metrics:          mean      p10      p50      p90"
        );
        let row = |out: &mut String, name: &str, d: &Distribution| {
            let _ = writeln!(
                out,
                "  {name:<18} {:8.2} {:8.2} {:8.2} {:8.2}",
                d.mean, d.p10, d.p50, d.p90
            );
        };
        for (k, d) in &self.metrics {
            row(&mut out, k, d);
        }
        row(&mut out, "likelihood", &self.likelihood);
        row(&mut out, "rounds", &self.rounds);
        let _ = writeln!(out, "scores (utility - reservation):");
        for (k, d) in &self.scores {
            row(&mut out, k, d);
        }
        if !self.rejected.is_empty() {
            let _ = writeln!(out, "most often rejected (share of games):");
            for (c, share) in &self.rejected {
                let title = model
                    .clause_index(c)
                    .map_or("", |i| model.scenario.clauses[i].title.as_str());
                let _ = writeln!(out, "  {c:<6} {:5.1}%  {title}", 100.0 * share);
            }
        }
        out
    }
}

/// The CSV header and one row per game.
pub fn csv(model: &Model, results: &[GameResult]) -> String {
    use std::fmt::Write;
    let s = &model.scenario;
    let mut out = String::from("game,seed,outcome,round");
    for m in &s.metrics {
        let _ = write!(out, ",{}", crate::text::csv_cell(&m.id));
    }
    out.push_str(",likelihood");
    for p in &s.parties {
        let _ = write!(out, ",score_{}", p.id);
    }
    out.push('\n');
    for (i, r) in results.iter().enumerate() {
        let outcome = match r.ending {
            Ending::WalkOut { party } => format!("walkout:{}", s.parties[party].id),
            e => e.name().to_string(),
        };
        let _ = write!(out, "{i},{},{outcome},{}", r.seed, r.round);
        for v in &r.metrics {
            let _ = write!(out, ",{}", r4(*v));
        }
        let _ = write!(out, ",{}", r4(r.likelihood));
        for v in &r.scores {
            let _ = write!(out, ",{}", r4(*v));
        }
        out.push('\n');
    }
    out
}
