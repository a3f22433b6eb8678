//! Hindcasts: the scenario's record (`hindcast:` in the file) checked
//! against all-AI games (docs/CALIBRATION.md). Each check is the share of
//! games, or of games that ended in a signed text, in which a condition on
//! the draft holds at the end of a given round (or of the game).

use crate::core::schema::Among;
use crate::engine::{Ending, Game};
use crate::scenario::Model;
use crate::table::SeatPolicy;
use std::sync::Arc;

/// One check of the record and what the games did.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub id: String,
    pub record: String,
    pub round: Option<u32>,
    pub among: Among,
    /// Games counted (all, or those that ended in a signed text).
    pub count: u64,
    /// Of which the condition held.
    pub hits: u64,
    pub expect: (f64, f64),
}

impl Row {
    /// The share of counted games in which the condition held (0 when none counted).
    pub fn share(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.hits as f64 / self.count as f64
        }
    }
    /// Whether the share lies in the expected range.
    pub fn ok(&self) -> bool {
        self.count > 0 && (self.expect.0..=self.expect.1).contains(&self.share())
    }
}

/// A scenario's hindcast over `runs` all-AI games.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub runs: u64,
    /// Games that ended in a ratified deal.
    pub deals: u64,
    /// Games that ended in a signed text (ratified or rejected at home).
    pub signed: u64,
    pub rows: Vec<Row>,
}

impl Report {
    pub fn deal_rate(&self) -> f64 {
        self.deals as f64 / self.runs.max(1) as f64
    }
    /// The table as text, one check per line.
    pub fn text(&self, model: &Model) -> String {
        let mut out = format!(
            "{} — hindcast over {} all-AI games\ndeal rate {:.1}% (signed {:.1}%)\n\n",
            model.scenario.meta.title,
            self.runs,
            100.0 * self.deal_rate(),
            100.0 * self.signed as f64 / self.runs.max(1) as f64
        );
        for r in &self.rows {
            let when = match r.round {
                Some(n) => format!("end of round {n}"),
                None => "end of game".into(),
            };
            let among = match r.among {
                Among::Games => "games",
                Among::Signed => "signed texts",
            };
            out.push_str(&format!(
                "{} {:<28} {:>5.1}% of {} {} ({when}); expected {:.0}–{:.0}%\n    {}\n",
                if r.ok() { "ok  " } else { "MISS" },
                r.id,
                100.0 * r.share(),
                r.count,
                among,
                100.0 * r.expect.0,
                100.0 * r.expect.1,
                r.record
            ));
        }
        out
    }
}

/// How one game ended, and what it says about each check: (counted, held).
type Judged = (Option<Ending>, Vec<(bool, bool)>);

/// What one game says about each check: (counted, held).
fn one(model: &Arc<Model>, game: &Game) -> Vec<(bool, bool)> {
    let checks = &model.scenario.hindcast;
    let signed = matches!(game.ending(), Some(Ending::Deal | Ending::Rejected));
    let mut out: Vec<(bool, bool)> = checks
        .iter()
        .map(|h| (h.among == Among::Games || signed, false))
        .collect();
    let mut rounds: Vec<u32> = checks.iter().filter_map(|h| h.round).collect();
    rounds.sort_unstable();
    rounds.dedup();
    let judge = |g: &Game, round: Option<u32>, out: &mut Vec<(bool, bool)>| {
        for (i, h) in checks.iter().enumerate() {
            if h.round == round {
                out[i].1 = g.draft().holds(&model.hindcast[i]);
            }
        }
    };
    // Replay the game to the end of each round a check reads.
    if !rounds.is_empty() {
        let mut g = Game::new(Arc::clone(model), game.seed());
        let mut next = 0;
        for a in game.log() {
            while next < rounds.len() && g.round() > rounds[next] {
                judge(&g, Some(rounds[next]), &mut out);
                next += 1;
            }
            if next == rounds.len() {
                break;
            }
            if g.apply(*a).is_err() {
                break;
            }
        }
        // A game over before a round's end is judged by its final text.
        for &r in &rounds[next..] {
            judge(game, Some(r), &mut out);
        }
    }
    judge(game, None, &mut out);
    out
}

/// Play `runs` all-AI games from `seed` (the sweep's seed schedule) and tally
/// the scenario's hindcast. Deterministic for any number of threads.
pub fn run(model: &Arc<Model>, runs: u64, seed: u64) -> Report {
    let np = model.parties.len();
    let policies: Vec<SeatPolicy> = (0..np).map(|_| SeatPolicy::Ai(None)).collect();
    let games: Vec<Judged> = super::skill::each_game(model, &policies, runs, seed, |g| {
        (g.ending(), one(model, g))
    });
    let mut rows: Vec<Row> = model
        .scenario
        .hindcast
        .iter()
        .map(|h| Row {
            id: h.id.clone(),
            record: h.record.clone(),
            round: h.round,
            among: h.among,
            count: 0,
            hits: 0,
            expect: h.expect,
        })
        .collect();
    let (mut deals, mut signed) = (0, 0);
    for (ending, checks) in &games {
        deals += u64::from(*ending == Some(Ending::Deal));
        signed += u64::from(matches!(ending, Some(Ending::Deal | Ending::Rejected)));
        for (row, &(counted, held)) in rows.iter_mut().zip(checks) {
            row.count += u64::from(counted);
            row.hits += u64::from(counted && held);
        }
    }
    Report {
        runs,
        deals,
        signed,
        rows,
    }
}
