//! What counts as winning: a seat's score set against benchmarks — its
//! share in the Nash bargaining package, the AI's average in that seat over a
//! quick seeded sweep, and the best text every party would have signed.
//! Scores are `U − R` with R the bottom line drawn at the start, as on the
//! end screen.

use crate::analysis::space::Space;
use crate::analysis::zopa::ZopaPass;
use crate::runner::sweep;
use crate::scenario::Model;
use std::sync::Arc;

/// How many games the quick sweep plays (seeded: the same every time).
pub const SWEEP_RUNS: u64 = 200;

/// The benchmarks for every seat of one game.
#[derive(Debug, Clone, PartialEq)]
pub struct Benchmarks {
    /// Each party's score in the Nash bargaining package at the game's true
    /// bottom lines (None: no package beats every bottom line).
    pub nash: Option<Vec<f64>>,
    /// Each party's best score among the texts every party would have signed
    /// (None: there was no such text).
    pub best: Option<Vec<f64>>,
    /// Each party's mean score with the AI in every seat over the sweep.
    pub ai_mean: Vec<f64>,
    pub runs: u64,
}

/// Work the benchmarks out (seconds of work: run it off the UI thread).
/// `bottom_lines`: each party's true bottom line drawn at the game's start.
pub fn compute(model: &Arc<Model>, bottom_lines: &[f64], seed: u64) -> Benchmarks {
    let mut m = (**model).clone();
    for (p, &r) in bottom_lines.iter().enumerate() {
        if let Some(pm) = m.parties.get_mut(p) {
            pm.reservation = r;
        }
    }
    let space = Space::new(&m);
    let out = space.search(ZopaPass::new, 1 << 20, None);
    let zp = out.visitor;
    let np = m.parties.len();
    let nash = zp.nash.found().then(|| {
        let u = crate::analysis::Scored::of(&m, zp.nash.options.clone()).utility;
        (0..np).map(|p| u[p] - bottom_lines[p]).collect()
    });
    let best = (zp.count > 0).then(|| (0..np).map(|p| zp.ideal[p] - bottom_lines[p]).collect());
    let mut ai_mean = vec![0.0; np];
    let mut runs = 0;
    if let Ok(seats) = sweep::seats(model, &[]) {
        let mut worker = sweep::Worker::default();
        for i in 0..SWEEP_RUNS {
            let r = sweep::one(
                model,
                &seats,
                crate::runner::game_seed(seed, i),
                &mut worker,
            );
            for (p, f) in r.parties.iter().enumerate().take(np) {
                ai_mean[p] += f[3];
            }
            runs += 1;
        }
    }
    if runs > 0 {
        ai_mean.iter_mut().for_each(|x| *x /= runs as f64);
    }
    Benchmarks {
        nash,
        best,
        ai_mean,
        runs,
    }
}

/// The plain verdict for a seat's score against its benchmarks.
pub fn verdict(score: f64, b: &Benchmarks, p: usize) -> String {
    let ai = b.ai_mean.get(p).copied().unwrap_or(0.0);
    let vs_ai = if score > ai + 0.05 {
        "better than the AI does in your seat"
    } else if score < ai - 0.05 {
        "worse than the AI does in your seat"
    } else {
        "about what the AI does in your seat"
    };
    let start = if score > 0.0 {
        "You ended better off than no deal"
    } else if score < 0.0 {
        "You ended worse off than no deal"
    } else {
        "You ended where no deal would have left you"
    };
    let reach = match (&b.best, &b.nash) {
        (Some(best), _) if score >= best[p] - 0.05 => {
            "; no text everyone would sign gave you more".to_string()
        }
        (Some(best), Some(nash)) if score >= nash[p] => format!(
            "; above your Nash share, {:.1} short of the best text everyone would sign",
            best[p] - score
        ),
        (Some(best), _) => format!(
            "; {:.1} short of the best text everyone would sign",
            best[p] - score
        ),
        (None, _) => "; no text would have won every signature".to_string(),
    };
    format!("{start}, {vs_ai}{reach}.")
}
