//! Many seeded games and their statistics. Results depend only on the
//! scenario, the seats and the seed, never on the number of threads. AI and
//! reference seats play on the rayon pool; bots (`exec:`) are long-lived, one
//! process per worker thread playing game after game over one pipe.

use crate::ai::{self, AiSeat, Brain};
use crate::engine::score::{MetricVec, PartyVec};
use crate::engine::{Ending, Event, Stance};
use crate::runner::script::Plan;
use crate::scenario::Model;
use crate::table::{self, SeatPolicy, Table, TableError};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

mod bots;
pub use bots::{MAX_FAILURES_IN_A_ROW, SweepError, run_checked};

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
    /// The seat whose bot failed in this game (crash, timeout, an unusable
    /// answer): the game counts as forfeited by it, and the bot is restarted.
    pub forfeit: Option<usize>,
}

/// The seats of a sweep: AI seats with each party's default personality, or
/// the one named, checked once and shared by every worker.
#[derive(Debug, Clone)]
pub struct Seats {
    pub policies: Vec<SeatPolicy>,
    /// (party id, policy as played: `ai:PERSONALITY`).
    pub labels: Vec<(String, String)>,
    brain: Arc<Brain>,
    /// The script of `script` seats (and facilitator moves).
    script: Option<Arc<Plan>>,
    /// Time a bot has to answer each request.
    bot_timeout: Option<Duration>,
}

impl Seats {
    /// Play `script` seats (and the script's facilitator moves) from this plan.
    pub fn with_script(mut self, plan: Option<Arc<Plan>>) -> Result<Seats, String> {
        if plan.is_none()
            && let Some(p) = self.policies.iter().position(|p| *p == SeatPolicy::Script)
        {
            return Err(format!(
                "--seat {}=script needs --script FILE",
                self.labels[p].0
            ));
        }
        self.script = plan;
        Ok(self)
    }

    /// The time a bot has to answer each request (default [`table::BOT_TIMEOUT`]).
    pub fn with_bot_timeout(mut self, timeout: Duration) -> Seats {
        self.bot_timeout = Some(timeout);
        self
    }

    /// Whether a seat is an outside program (played by long-lived workers).
    pub fn has_bots(&self) -> bool {
        self.policies
            .iter()
            .any(|p| matches!(p, SeatPolicy::Exec(_)))
    }
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
            // A command is shown in the summary: one line, no control characters.
            SeatPolicy::Exec(_) | SeatPolicy::Script => labels.push((
                id,
                crate::text::clean_line(&policy.to_string()).into_owned(),
            )),
            SeatPolicy::Human => {
                return Err(format!(
                    "seat {id}: a sweep cannot seat a human (use ai, ai:PERSONALITY, bot:NAME, script or exec:COMMAND)"
                ));
            }
        }
        policies.push(policy);
    }
    Ok(Seats {
        policies,
        labels,
        brain,
        script: None,
        bot_timeout: None,
    })
}

/// What a worker thread reuses from one game to the next: one table.
#[derive(Debug, Default)]
pub struct Worker {
    table: Option<Table>,
}

impl Worker {
    /// The game the worker played last.
    pub fn game(&self) -> Option<&crate::engine::Game> {
        self.table.as_ref().map(Table::game)
    }

    /// Let the worker's bots go: their input closes, they have a moment to
    /// exit, then their process groups are killed.
    pub fn close(&mut self) {
        if let Some(t) = &mut self.table {
            t.close_bots();
        }
    }
}

/// Play game `seed` and keep its result: seats without a script (AI,
/// reference bots, `exec:` bots), which always finish a game. With a script,
/// use [`try_one`].
pub fn one(model: &Arc<Model>, seats: &Seats, seed: u64, worker: &mut Worker) -> GameResult {
    match try_one(model, seats, seed, worker) {
        Ok(r) => r,
        // Only a scripted move can fail a game.
        Err(e) => unreachable!("a game without a script failed: {e}"),
    }
}

/// Play game `seed` and keep its result; a scripted move that cannot be
/// played is an error (bad input), as in `run`.
pub fn try_one(
    model: &Arc<Model>,
    seats: &Seats,
    seed: u64,
    worker: &mut Worker,
) -> Result<GameResult, TableError> {
    let table = match &mut worker.table {
        Some(t) if Arc::ptr_eq(t.model(), model) => {
            t.restart(seed);
            t
        }
        slot => {
            let options = table::Options {
                brain: Some(Arc::clone(&seats.brain)),
                script: seats.script.clone(),
                bot_timeout: seats.bot_timeout,
                long_lived: true,
                ..table::Options::default()
            };
            let t = Table::new(Arc::clone(model), seed, seats.policies.clone(), options)?;
            slot.insert(t)
        }
    };
    // AI, reference and bot seats always end a game within the action budget;
    // a script can stop it with an illegal move.
    match table.play() {
        Ok(()) | Err(TableError::Stuck) => {}
        Err(e) => {
            table.finish();
            return Err(e);
        }
    }
    let game = table.game();
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
    Ok(GameResult {
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
        forfeit: table.failed(),
    })
}

/// Play `runs` games from seed `seed` on the current rayon pool, in blocks,
/// calling `tick(done)` after each block.
pub fn run(
    model: &Arc<Model>,
    seats: &Seats,
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

/// A game's outcome as the summary counts it: `forfeit:PARTY` when a seat's
/// bot failed in it, else `walkout:PARTY` or the ending's name.
pub fn outcome(model: &Model, r: &GameResult) -> String {
    let parties = &model.scenario.parties;
    match (r.forfeit, r.ending) {
        (Some(p), _) => format!("forfeit:{}", parties[p].id),
        (None, Ending::WalkOut { party }) => format!("walkout:{}", parties[party].id),
        (None, e) => e.name().to_string(),
    }
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
    pub fn of(model: &Model, seats: &Seats, seed: u64, results: &[GameResult]) -> Summary {
        let s = &model.scenario;
        let n = results.len().max(1) as f64;
        let mut outcomes = BTreeMap::new();
        for r in results {
            *outcomes.entry(outcome(model, r)).or_insert(0) += 1;
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
            seats: seats.labels.clone(),
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
        let outcome = outcome(model, r);
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
