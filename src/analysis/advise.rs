//! The draft against the deal space, for the game's advisor panel and the
//! debrief report: who would sign it, the fewest clause changes that take it
//! into the ZOPA, and how it differs from the Nash package, clause by clause.
//!
//! ```no_run
//! use backchannel::analysis::Advisor;
//! let model = backchannel::scenario::open("plan28").unwrap();
//! let advisor = Advisor::new(&model); // once per scenario: finds the Nash package
//! let advice = advisor.advise(&model.initial_package().options); // after each round
//! println!("{:?} changes to the ZOPA", advice.distance_to_zopa);
//! ```

use super::space::{Space, Tri, clause_ok, eps, tri};
use super::{Limits, zopa};
use crate::engine::Game;
use crate::engine::score::Package;
use crate::scenario::model::{MAX_METRICS, MAX_PARTIES, Model};

/// One clause changed: from option `from` to option `to` (indices as in
/// `Model::option_id`; `clauses[c].struck()` is the strike).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Change {
    pub clause: usize,
    pub from: usize,
    pub to: usize,
}

/// Where a draft stands.
#[derive(Debug, Clone, PartialEq)]
pub struct Advice {
    /// Every party would sign the draft as it stands (bare model: no events).
    pub in_zopa: bool,
    /// Per party: would it sign the draft?
    pub signs: Vec<bool>,
    /// Fewest clause changes that make a package every party would sign
    /// (None when no such package was found: an empty ZOPA, or the search
    /// budget ran out first).
    pub distance_to_zopa: Option<usize>,
    /// One nearest ZOPA package, as changes from the draft (the first found
    /// in a fixed order: the draft's own option first, then option order).
    pub nearest_zopa_changes: Vec<Change>,
    /// The utilities of that package.
    pub nearest_utility: Vec<f64>,
    /// The Nash package's differences from the draft, in clause order.
    pub nash_diff: Vec<Change>,
    /// The Nash package's utilities.
    pub nash_utility: Option<Vec<f64>>,
    /// True when the distance is proven minimal and the Nash package optimal.
    pub exact: bool,
}

/// Answers `advise` quickly for one scenario: build once (it finds the Nash
/// package, the slow part), then call [`Advisor::advise`] after each round.
pub struct Advisor<'m> {
    model: &'m Model,
    space: Space<'m>,
    nash: Option<Vec<usize>>,
    nash_exact: bool,
    /// Node budget of one distance search.
    pub budget: u64,
    order: Vec<usize>,
    umax: Vec<Vec<f64>>,
    emin: Vec<Vec<f64>>,
    emax: Vec<Vec<f64>>,
}

impl<'m> Advisor<'m> {
    /// Build an advisor: runs the ZOPA pass once for the Nash package.
    pub fn new(model: &'m Model) -> Advisor<'m> {
        let space = Space::new(model);
        let out = space.search(zopa::ZopaPass::new, Limits::default().budget, None);
        let nash = out.visitor.nash.found().then_some(out.visitor.nash.options);
        Advisor::with_nash(model, nash, out.complete)
    }

    /// Build an advisor around a Nash package found elsewhere.
    pub fn with_nash(model: &'m Model, nash: Option<Vec<usize>>, nash_exact: bool) -> Advisor<'m> {
        let space = Space::new(model);
        let order: Vec<usize> = space.head.iter().chain(&space.tail).copied().collect();
        let n = order.len();
        let np = space.np;
        let nk = space.rel.len();
        let mut umax = vec![vec![0.0; np]; n + 1];
        let mut emin = vec![vec![0.0; nk]; n + 1];
        let mut emax = vec![vec![0.0; nk]; n + 1];
        for d in (0..n).rev() {
            let c = order[d];
            for p in 0..np {
                let best = space.allowed[c].iter().map(|&o| model.clauses[c].options[o].utility[p]).fold(f64::NEG_INFINITY, f64::max);
                umax[d][p] = umax[d + 1][p] + best;
            }
            for (k, &m) in space.rel.iter().enumerate() {
                let eff = |o: usize| model.clauses[c].options[o].effects.iter().filter(|e| e.0 == m).map(|e| e.1).sum::<f64>();
                let lo = space.allowed[c].iter().map(|&o| eff(o)).fold(f64::INFINITY, f64::min);
                let hi = space.allowed[c].iter().map(|&o| eff(o)).fold(f64::NEG_INFINITY, f64::max);
                emin[d][k] = emin[d + 1][k] + lo;
                emax[d][k] = emax[d + 1][k] + hi;
            }
        }
        Advisor {
            model,
            space,
            nash,
            nash_exact,
            budget: 200_000,
            order,
            umax,
            emin,
            emax,
        }
    }

    /// The Nash package this advisor compares drafts with.
    pub fn nash(&self) -> Option<&[usize]> {
        self.nash.as_deref()
    }

    /// Advise on a game's current draft.
    pub fn advise_game(&self, game: &Game) -> Advice {
        self.advise(game.options())
    }

    /// Advise on a draft (an option per clause).
    pub fn advise(&self, draft: &[usize]) -> Advice {
        let model = self.model;
        let ev = model.evaluate(&Package { options: draft.to_vec() });
        let signs: Vec<bool> = (0..model.parties.len()).map(|p| ev.would_sign(p)).collect();
        let linked = model.linkage_problem(draft).is_none();
        let in_zopa = linked && signs.iter().all(|&s| s);
        let diff = |to: &[usize]| -> Vec<Change> {
            (0..draft.len())
                .filter(|&c| draft[c] != to[c])
                .map(|c| Change {
                    clause: c,
                    from: draft[c],
                    to: to[c],
                })
                .collect()
        };
        let (nearest, exact) = if in_zopa { (Some(draft.to_vec()), true) } else { self.nearest(draft) };
        let nearest_utility = nearest.as_ref().map_or(Vec::new(), |o| model.evaluate(&Package { options: o.clone() }).utility.to_vec());
        Advice {
            in_zopa,
            signs,
            distance_to_zopa: nearest.as_ref().map(|o| diff(o).len()),
            nearest_zopa_changes: nearest.as_ref().map_or(Vec::new(), |o| diff(o)),
            nearest_utility,
            nash_diff: self.nash.as_ref().map_or(Vec::new(), |n| diff(n)),
            nash_utility: self.nash.as_ref().map(|n| model.evaluate(&Package { options: n.clone() }).utility.to_vec()),
            exact: exact && self.nash_exact,
        }
    }

    /// Branch and bound on the number of changes.
    fn nearest(&self, draft: &[usize]) -> (Option<Vec<usize>>, bool) {
        let n = self.order.len();
        let np = self.space.np;
        // Per depth, per party: the gains one change of a remaining clause can bring, best first.
        let mut gains = vec![vec![Vec::new(); np]; n + 1];
        let mut keep = vec![vec![0.0; np]; n + 1];
        for d in (0..n).rev() {
            let c = self.order[d];
            for p in 0..np {
                let here = self.model.clauses[c].options[draft[c]].utility[p];
                let best = self.space.allowed[c].iter().map(|&o| self.model.clauses[c].options[o].utility[p]).fold(f64::NEG_INFINITY, f64::max);
                let mut g = gains[d + 1][p].clone();
                g.push((best - here).max(0.0));
                g.sort_by(|a: &f64, b| b.total_cmp(a));
                gains[d][p] = g;
                keep[d][p] = keep[d + 1][p] + here;
            }
        }
        let mut s = Search {
            a: self,
            draft,
            gains: &gains,
            keep: &keep,
            options: draft.to_vec(),
            assigned: vec![false; n],
            util: [0.0; MAX_PARTIES],
            eff: [0.0; MAX_METRICS],
            best: None,
            best_changes: usize::MAX,
            nodes: 0,
            stopped: false,
        };
        s.dfs(0, 0);
        let exact = !s.stopped;
        (s.best, exact)
    }
}

struct Search<'a, 'm> {
    a: &'a Advisor<'m>,
    draft: &'a [usize],
    gains: &'a [Vec<Vec<f64>>],
    keep: &'a [Vec<f64>],
    options: Vec<usize>,
    assigned: Vec<bool>,
    util: [f64; MAX_PARTIES],
    eff: [f64; MAX_METRICS],
    best: Option<Vec<usize>>,
    best_changes: usize,
    nodes: u64,
    stopped: bool,
}

impl Search<'_, '_> {
    fn set(&mut self, c: usize, o: usize, sign: f64) {
        let opt = &self.a.model.clauses[c].options[o];
        for p in 0..self.a.space.np {
            self.util[p] += sign * opt.utility[p];
        }
        for &(m, e) in &opt.effects {
            if let Some(k) = self.a.space.rel.iter().position(|&r| r == m) {
                self.eff[k] += sign * e;
            }
        }
        self.options[c] = o;
        self.assigned[c] = sign > 0.0;
    }

    /// A lower bound on the further changes needed (usize::MAX: none suffice).
    fn lower_bound(&self, d: usize) -> usize {
        let a = self.a;
        let sp = &a.space;
        let model = a.model;
        let nk = sp.rel.len();
        let mut lo = [0.0; MAX_METRICS];
        let mut hi = [0.0; MAX_METRICS];
        for k in 0..nk {
            lo[k] = sp.minit[k] + self.eff[k] + a.emin[d][k];
            hi[k] = sp.minit[k] + self.eff[k] + a.emax[d][k];
        }
        let mut comb = [0.0; MAX_PARTIES];
        for c in &model.combinations {
            let t = tri(model, &c.when, &self.options, &self.assigned);
            if t == Tri::False {
                continue;
            }
            for p in 0..sp.np {
                comb[p] += if t == Tri::True { c.utility[p] } else { c.utility[p].max(0.0) };
            }
            for &(m, e) in &c.effects {
                if let Some(k) = sp.rel.iter().position(|&r| r == m) {
                    if t == Tri::True {
                        lo[k] += e;
                        hi[k] += e;
                    } else {
                        lo[k] += e.min(0.0);
                        hi[k] += e.max(0.0);
                    }
                }
            }
        }
        let mut need = 0;
        for p in 0..sp.np {
            if model.parties[p].red_lines.iter().any(|l| tri(model, l, &self.options, &self.assigned) == Tri::True) {
                return usize::MAX;
            }
            let mut mt = 0.0;
            for k in 0..nk {
                mt += sp.metric_term_range(p, k, lo[k], hi[k]).1;
            }
            let r = sp.reservation[p] - eps(sp.reservation[p]);
            let ub = self.util[p] + a.umax[d][p] + comb[p] + mt;
            if ub < r {
                return usize::MAX;
            }
            let mut u = self.util[p] + self.keep[d][p] + comb[p] + mt;
            let mut k = 0;
            for g in &self.gains[d][p] {
                if u >= r {
                    break;
                }
                u += g;
                k += 1;
            }
            need = need.max(k);
        }
        need
    }

    fn dfs(&mut self, d: usize, changes: usize) {
        if self.stopped {
            return;
        }
        self.nodes += 1;
        if self.nodes > self.a.budget {
            self.stopped = true;
            return;
        }
        let lb = self.lower_bound(d);
        if lb == usize::MAX || changes.saturating_add(lb) >= self.best_changes {
            return;
        }
        let n = self.a.order.len();
        if d == n {
            let pkg = Package {
                options: self.options.clone(),
            };
            let ev = self.a.model.evaluate(&pkg);
            if (0..self.a.space.np).all(|p| ev.would_sign(p)) && self.a.model.linkage_problem(&pkg.options).is_none() {
                self.best_changes = changes;
                self.best = Some(pkg.options);
            }
            return;
        }
        let c = self.a.order[d];
        let here = self.draft[c];
        let mut opts: Vec<usize> = vec![here];
        opts.extend(self.a.space.allowed[c].iter().copied().filter(|&o| o != here));
        for o in opts {
            let extra = usize::from(o != here);
            if changes + extra >= self.best_changes {
                continue;
            }
            self.set(c, o, 1.0);
            let ok = self.a.space.checks.get(d).is_none_or(|cs| cs.iter().all(|&x| clause_ok(self.a.model, &self.options, x)));
            if ok {
                self.dfs(d + 1, changes + extra);
            }
            self.set(c, o, -1.0);
            self.options[c] = here;
        }
    }
}

/// One-off advice on a draft (builds an [`Advisor`]; keep one instead when
/// advising after every round).
pub fn advise(model: &Model, draft: &[usize]) -> Advice {
    Advisor::new(model).advise(draft)
}
