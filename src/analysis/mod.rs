//! Deal-space analysis (docs/ANALYSIS.md): the zone of possible agreement
//! (ZOPA), the Pareto frontier, the Nash, Kalai–Smorodinsky and utilitarian
//! packages, and how far a draft stands from them.
//!
//! - [`space`]: the model compiled for search (head clauses, tail table, bounds).
//! - [`enumerate`]: depth-first branch and bound over the head, across cores.
//! - [`scan`]: the hot loop over the tail table.
//! - [`zopa`], [`bargaining`], [`pareto`]: the figures.
//! - [`advise`]: the draft against the ZOPA and the Nash package, for the game.
//! - [`json`]: the `--json` shape.
//! - [`generate`]: synthetic scenarios.

// Per-party and per-metric loops index several parallel arrays at once
// (utilities, reservations, floors, weights); ranges read better than zips.
#![allow(clippy::needless_range_loop)]

pub mod advise;
pub mod bargaining;
pub mod enumerate;
pub mod generate;
pub mod json;
pub mod pareto;
pub mod scan;
pub mod space;
pub mod zopa;

pub use advise::{Advice, Advisor, Change, advise};
pub use enumerate::Progress;

use crate::engine::score::Package;
use crate::scenario::model::Model;
use space::Space;

/// Work units (head nodes, tail boxes and packages visited) that one second
/// buys on one core of a small machine. Budgets are counted in work, not
/// measured in time, so an analysis stops at the same place on any machine
/// and with any number of threads (its figures are reproducible); the rate
/// is set low enough that the search ends within the time asked for on one
/// busy core.
pub const WORK_PER_SECOND: u64 = 100_000_000;

/// The default time budget of `analyze`, in seconds.
pub const DEFAULT_SECONDS: f64 = 10.0;

/// The work budget of a time budget in seconds.
pub fn work_for(seconds: f64) -> u64 {
    (seconds.clamp(0.0, 1e6) * WORK_PER_SECOND as f64) as u64
}

/// How much work an analysis may do.
#[derive(Clone, Copy)]
pub struct Limits<'a> {
    /// Work units for the whole analysis ([`work_for`]): the ZOPA pass gets
    /// 60%, the Kalai–Smorodinsky and Pareto passes 20% each.
    pub budget: u64,
    /// Most frontier packages kept in the result.
    pub pareto_cap: usize,
    /// Progress reporting (stderr bar in the CLI).
    pub progress: Option<&'a dyn Progress>,
    /// Largest tail table (tests use small ones to exercise the search).
    pub tail_max: usize,
}

impl Default for Limits<'_> {
    fn default() -> Self {
        Limits {
            budget: work_for(DEFAULT_SECONDS),
            pareto_cap: 1000,
            progress: None,
            tail_max: space::TAIL_MAX,
        }
    }
}

/// A package with its utilities (from `Model::evaluate`).
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// Option index per clause.
    pub options: Vec<usize>,
    /// U_p per party.
    pub utility: Vec<f64>,
}

impl Scored {
    pub fn of(model: &Model, options: Vec<usize>) -> Scored {
        let ev = model.evaluate(&Package {
            options: options.clone(),
        });
        Scored {
            options,
            utility: ev.utility.to_vec(),
        }
    }
}

/// Everything `analyze` reports.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// Packages before linkage (saturating at u128::MAX).
    pub space_size: u128,
    pub log2_size: f64,
    /// True when every figure below is exact.
    pub exact: bool,
    /// Packages every party would sign (a lower bound when not `zopa_exact`).
    pub zopa_count: u128,
    pub zopa_exact: bool,
    /// Each party's best utility within the ZOPA.
    pub ideal: Vec<f64>,
    pub nash: Option<Scored>,
    pub kalai_smorodinsky: Option<Scored>,
    pub utilitarian: Option<Scored>,
    /// True when the three packages above are proven optimal.
    pub bargaining_exact: bool,
    /// The frontier over all packages that satisfy linkage (capped).
    pub pareto: Vec<Scored>,
    /// The frontier's size (None when it was not computed).
    pub pareto_count: Option<u128>,
    pub pareto_exact: bool,
    /// Over which packages the frontier was taken (the ZOPA when the whole
    /// space is too large), and whether it is exact for that scope.
    pub pareto_scope: pareto::Scope,
    pub pareto_scope_exact: bool,
    /// The draft analysed.
    pub draft: Scored,
    pub advice: Advice,
    /// Head leaves scanned by the ZOPA pass (a measure of work).
    pub leaves: u64,
}

/// Analyse a model's deal space around a draft.
pub fn analyze(model: &Model, draft: &[usize], limits: Limits) -> Analysis {
    let space = Space::with_tail_max(model, limits.tail_max);
    let pass = space.search(zopa::ZopaPass::new, limits.budget / 10 * 6, limits.progress);
    let zp = pass.visitor;
    let np = model.parties.len();
    let ideal: Vec<f64> = zp.ideal[..np].to_vec();
    let mut bargaining_exact = pass.complete;
    let (ks, ks_complete) = if zp.nash.found() {
        let seed_ratio = bargaining::ks_ratio(
            &space,
            &bargaining::ranges(&space, &ideal),
            &Scored::of(model, zp.nash.options.clone()).utility,
        );
        let seed_opts = zp.nash.options.clone();
        let out = space.search(
            || bargaining::KsPass::new(&space, &ideal).seeded(seed_ratio, seed_opts.clone()),
            limits.budget / 5,
            limits.progress,
        );
        (Some(out.visitor.best.options), out.complete)
    } else {
        (None, true)
    };
    bargaining_exact &= ks_complete;
    let pareto = pareto::frontier(
        &space,
        Limits {
            budget: limits.budget / 5,
            ..limits
        },
    );
    let advice = advise::Advisor::with_nash(
        model,
        zp.nash.found().then(|| zp.nash.options.clone()),
        bargaining_exact,
    )
    .advise(draft);
    Analysis {
        space_size: space.size(),
        log2_size: space.log2_size(),
        exact: pass.complete && bargaining_exact && pareto.exact && advice.exact,
        zopa_count: zp.count,
        zopa_exact: pass.complete,
        ideal,
        nash: zp.nash.found().then(|| Scored::of(model, zp.nash.options)),
        kalai_smorodinsky: ks.map(|o| Scored::of(model, o)),
        utilitarian: zp
            .utilitarian
            .found()
            .then(|| Scored::of(model, zp.utilitarian.options)),
        bargaining_exact,
        pareto_count: pareto.count,
        pareto_exact: pareto.exact,
        pareto_scope: pareto.scope,
        pareto_scope_exact: pareto.scope_exact,
        pareto: pareto
            .packages
            .into_iter()
            .take(limits.pareto_cap)
            .map(|o| Scored::of(model, o))
            .collect(),
        draft: Scored::of(model, draft.to_vec()),
        advice,
        leaves: pass.leaves,
    }
}

/// The Nash package alone (max Π (U_p − R_p) over the ZOPA, with the
/// scenario's public reservations), for comparing games' final texts with;
/// None when the ZOPA is empty. The flag says whether it is proven optimal.
pub fn nash_package(model: &Model, budget: u64) -> (Option<Vec<usize>>, bool) {
    let space = Space::new(model);
    let pass = space.search(zopa::ZopaPass::new, budget, None);
    let nash = pass.visitor.nash;
    (nash.found().then_some(nash.options), pass.complete)
}
