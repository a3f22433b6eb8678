//! Depth-first search over the head clauses, with bounds, split across cores.
//!
//! A node assigns the first `d` head clauses. Its bound on each party's
//! utility adds the best each remaining clause can give, every combination
//! that may still switch on (its positive part), and the best weighted metric
//! term over the interval the metrics can still reach (the clamp is monotone,
//! so the interval's ends decide). A [`Visitor`] sees every head leaf that
//! survives and scans the tail table itself; no package allocates.

use super::space::{Space, Tri, clause_ok, eps, tri};
use crate::scenario::model::{MAX_METRICS, MAX_PARTIES};
use rayon::prelude::*;

/// Which packages the search may skip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Only packages every party would sign matter: prune crossed red lines
    /// and subtrees where a party cannot reach its reservation.
    Zopa,
    /// Every package that satisfies linkage matters.
    Feasible,
}

/// A head leaf: the head clauses are set; the tail is still free.
pub struct Leaf<'a> {
    /// Options by clause index (tail positions hold stale values).
    pub options: &'a [usize],
    /// Each party's utility from head clauses and active combinations.
    pub off: [f64; MAX_PARTIES],
    /// Each relevant metric's raw value before the tail (initial + head
    /// effects + combinations).
    pub base: [f64; MAX_METRICS],
    /// A red line of the party is crossed whatever the tail.
    pub crossed: [bool; MAX_PARTIES],
    /// A red line of the party reads metrics: check it per package.
    pub residual: [bool; MAX_PARTIES],
    /// The party's metric term can reach at most this over the tail.
    pub mterm_max: [f64; MAX_PARTIES],
    /// Upper bound on each party's utility over the leaf's packages.
    pub ub: [f64; MAX_PARTIES],
    /// Lower bound on each party's utility over the node's packages.
    pub lb: [f64; MAX_PARTIES],
    /// The packages were already counted by [`Visitor::whole`] higher up.
    pub counted: bool,
}

/// What a search does at its leaves.
pub trait Visitor: Send + Sized {
    fn mode(&self) -> Mode;
    /// Search a subtree whose utilities are at most `ub`?
    fn keep(&self, _ub: &[f64]) -> bool {
        true
    }
    /// Scan a head leaf's packages; returns the work done (see
    /// [`Space::scan_zopa`]).
    fn leaf(&mut self, space: &Space, leaf: &Leaf) -> u64;
    /// A subtree of `count` packages (u128::MAX: too many to say) that every
    /// party surely signs, each party's utility at most `ub`; `counted` when
    /// an enclosing subtree was already reported. Returns whether its
    /// packages must still be visited (to find an optimum).
    fn whole(&mut self, _space: &Space, _ub: &[f64], _count: u128, _counted: bool) -> bool {
        true
    }
    fn merge(self, other: Self) -> Self;
}

/// A search's result.
pub struct Outcome<V> {
    pub visitor: V,
    /// False when a task ran out of budget (figures are then partial).
    pub complete: bool,
    /// Head leaves scanned.
    pub leaves: u64,
    /// Work done (head nodes, tail boxes and packages visited).
    pub work: u64,
}

/// Reports progress (tasks done of total).
pub trait Progress: Sync {
    fn start(&self, total: u64);
    fn tick(&self);
}

struct State {
    options: Vec<usize>,
    assigned: Vec<bool>,
    util: [f64; MAX_PARTIES],
    eff: [f64; MAX_METRICS],
    leaves: u64,
    /// Work done and allowed (head nodes, tail boxes, packages).
    work: u64,
    budget: u64,
    stopped: bool,
    /// Depth below which the subtree was counted whole (usize::MAX: none).
    counted_below: usize,
}

impl<'m> Space<'m> {
    /// Assign head position `d` to option `o` (adds its terms).
    fn assign(&self, st: &mut State, d: usize, o: usize, sign: f64) {
        let c = self.head[d];
        let opt = &self.model.clauses[c].options[o];
        for p in 0..self.np {
            st.util[p] += sign * opt.utility[p];
        }
        for &(m, delta) in &opt.effects {
            if let Some(k) = self.rel.iter().position(|&r| r == m) {
                st.eff[k] += sign * delta;
            }
        }
        if sign > 0.0 {
            st.options[c] = o;
            st.assigned[c] = true;
        } else {
            st.assigned[c] = false;
        }
    }

    /// Bound the node at depth `d` (head[..d] assigned). Fills a leaf-like
    /// summary; returns false when the subtree cannot matter.
    fn bound(&self, st: &State, d: usize, mode: Mode, out: &mut Leaf) -> bool {
        let np = self.np;
        let nk = self.rel.len();
        let model = self.model;
        let leaf = d == self.head.len();
        let mut lo = [0.0; MAX_METRICS];
        let mut hi = [0.0; MAX_METRICS];
        for k in 0..nk {
            let b = self.minit[k] + st.eff[k];
            out.base[k] = b;
            lo[k] = b + self.suffix_emin[d][k] + self.tail_emin[k];
            hi[k] = b + self.suffix_emax[d][k] + self.tail_emax[k];
        }
        for p in 0..np {
            out.off[p] = st.util[p];
            out.ub[p] = st.util[p] + self.suffix_umax[d][p] + self.tail_umax[p];
            out.lb[p] = st.util[p] + self.suffix_umin[d][p] + self.tail_umin[p];
        }
        for comb in &model.combinations {
            match tri(model, &comb.when, &st.options, &st.assigned) {
                Tri::True => {
                    for p in 0..np {
                        out.off[p] += comb.utility[p];
                        out.ub[p] += comb.utility[p];
                        out.lb[p] += comb.utility[p];
                    }
                    for &(m, e) in &comb.effects {
                        if let Some(k) = self.rel.iter().position(|&r| r == m) {
                            out.base[k] += e;
                            lo[k] += e;
                            hi[k] += e;
                        }
                    }
                }
                Tri::Unknown if !leaf => {
                    for p in 0..np {
                        out.ub[p] += comb.utility[p].max(0.0);
                        out.lb[p] += comb.utility[p].min(0.0);
                    }
                    for &(m, e) in &comb.effects {
                        if let Some(k) = self.rel.iter().position(|&r| r == m) {
                            lo[k] += e.min(0.0);
                            hi[k] += e.max(0.0);
                        }
                    }
                }
                _ => {}
            }
        }
        for p in 0..np {
            let mut t = 0.0;
            let mut b = 0.0;
            for k in 0..nk {
                let (a, c) = self.metric_term_range(p, k, lo[k], hi[k]);
                b += a;
                t += c;
            }
            out.mterm_max[p] = t;
            out.ub[p] += t;
            out.lb[p] += b;
            out.crossed[p] = false;
            out.residual[p] = false;
            for line in &model.parties[p].red_lines {
                match tri(model, line, &st.options, &st.assigned) {
                    Tri::True => out.crossed[p] = true,
                    Tri::Unknown => out.residual[p] = true,
                    Tri::False => {}
                }
            }
            if mode == Mode::Zopa
                && (out.crossed[p] || out.ub[p] < self.reservation[p] - eps(self.reservation[p]))
            {
                return false;
            }
        }
        true
    }

    fn dfs<V: Visitor>(&self, st: &mut State, d: usize, v: &mut V, leaf: &mut Leaf) {
        if st.stopped {
            return;
        }
        st.work += 1;
        let mode = v.mode();
        if !self.bound(st, d, mode, leaf) || !v.keep(&leaf.ub[..self.np]) {
            return;
        }
        let counted = st.counted_below < d;
        // A subtree every party surely signs is counted at once.
        if mode == Mode::Zopa
            && d < self.head.len()
            && self.free_count[d] > 0
            && (0..self.np).all(|p| {
                !leaf.residual[p] && leaf.lb[p] > self.reservation[p] + eps(self.reservation[p])
            })
        {
            if !v.whole(self, &leaf.ub[..self.np], self.free_count[d], counted) {
                return;
            }
            if !counted {
                st.counted_below = d;
            }
        }
        if d == self.head.len() {
            if st.work >= st.budget {
                st.stopped = true;
                return;
            }
            st.leaves += 1;
            let l = Leaf {
                options: &st.options,
                off: leaf.off,
                base: leaf.base,
                crossed: leaf.crossed,
                residual: leaf.residual,
                mterm_max: leaf.mterm_max,
                ub: leaf.ub,
                lb: leaf.lb,
                counted: st.counted_below < d,
            };
            st.work += v.leaf(self, &l);
            if st.counted_below == d {
                st.counted_below = usize::MAX;
            }
            return;
        }
        let c = self.head[d];
        for i in 0..self.allowed[c].len() {
            let o = self.allowed[c][i];
            self.assign(st, d, o, 1.0);
            if self.checks[d]
                .iter()
                .all(|&x| clause_ok(self.model, &st.options, x))
            {
                self.dfs(st, d + 1, v, leaf);
            }
            self.assign(st, d, o, -1.0);
        }
        if st.counted_below == d {
            st.counted_below = usize::MAX;
        }
    }

    fn state(&self, budget: u64) -> State {
        State {
            options: self.model.clauses.iter().map(|c| c.initial).collect(),
            assigned: vec![false; self.model.clauses.len()],
            util: [0.0; MAX_PARTIES],
            eff: [0.0; MAX_METRICS],
            leaves: 0,
            work: 0,
            budget,
            stopped: false,
            counted_below: usize::MAX,
        }
    }

    /// Search every head leaf the visitor's mode and bounds allow, in
    /// parallel. `budget` caps the head leaves each task may scan; a task that
    /// reaches it stops and the outcome is marked incomplete (deterministically:
    /// the split into tasks does not depend on the machine).
    pub fn search<V: Visitor>(
        &self,
        make: impl Fn() -> V + Sync,
        budget: u64,
        progress: Option<&dyn Progress>,
    ) -> Outcome<V> {
        // Split: the prefixes of the first `k` head clauses.
        let mut k = 0;
        let mut count = 1usize;
        while k < self.head.len() && count < 512 {
            count = count.saturating_mul(self.allowed[self.head[k]].len());
            k += 1;
        }
        let mut prefixes: Vec<Vec<usize>> = Vec::new();
        let probe = make();
        let mode = probe.mode();
        {
            let mut st = self.state(u64::MAX);
            let mut leaf = empty_leaf();
            let mut cur = Vec::new();
            self.prefixes(&mut st, 0, k, mode, &mut cur, &mut prefixes, &mut leaf);
        }
        // The work is shared out in rounds: every unfinished task gets an
        // even share of what is left, and a task that runs out starts again
        // with a larger share in the next round, while the shares grow. The
        // whole search does at most `budget` units (plus one leaf per task),
        // so its time is bounded, and where it stops depends on the input
        // only, never on the machine or the threads.
        let tasks = prefixes.len();
        if let Some(p) = progress {
            p.start(tasks as u64);
        }
        let run = |t: usize, per: u64| {
            let prefix = &prefixes[t];
            let mut v = make();
            let mut st = self.state(per);
            for (d, &o) in prefix.iter().enumerate() {
                self.assign(&mut st, d, o, 1.0);
            }
            let mut leaf = empty_leaf();
            self.dfs(&mut st, prefix.len(), &mut v, &mut leaf);
            if !st.stopped
                && let Some(p) = progress
            {
                p.tick();
            }
            (t, v, !st.stopped, st.leaves, st.work)
        };
        // Finished tasks are merged as each chunk ends (in task order), and
        // unfinished ones into one partial result per round, kept only from
        // the last round: memory holds a chunk and two merged visitors.
        const CHUNK: usize = 64;
        let merge = |acc: Option<V>, v: V| -> Option<V> {
            Some(match acc {
                Some(a) => a.merge(v),
                None => v,
            })
        };
        let mut visitor: Option<V> = None;
        let mut partial: Option<V> = None;
        let mut pending: Vec<usize> = (0..tasks).collect();
        let (mut remaining, mut leaves, mut work) = (budget, 0u64, 0u64);
        let mut share = (remaining / pending.len().max(1) as u64).max(1);
        while !pending.is_empty() {
            let mut next = Vec::new();
            let mut failed: Option<V> = None;
            for chunk in pending.chunks(CHUNK) {
                let round: Vec<_> = chunk.par_iter().map(|&t| run(t, share)).collect();
                for (t, v, done, l, w) in round {
                    remaining = remaining.saturating_sub(w);
                    leaves += l;
                    work += w;
                    if done {
                        visitor = merge(visitor.take(), v);
                    } else {
                        failed = merge(failed.take(), v);
                        next.push(t);
                    }
                }
            }
            pending = next;
            if pending.is_empty() {
                break;
            }
            let grown = (remaining / pending.len() as u64).max(1);
            if grown <= share {
                // No larger share is left: what the unfinished tasks found
                // stays (the figures are then bounds).
                partial = failed;
                break;
            }
            share = grown;
        }
        let complete = pending.is_empty();
        if let Some(p) = partial {
            visitor = merge(visitor.take(), p);
        }
        Outcome {
            visitor: visitor.unwrap_or(probe),
            complete,
            leaves,
            work,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn prefixes(
        &self,
        st: &mut State,
        d: usize,
        k: usize,
        mode: Mode,
        cur: &mut Vec<usize>,
        out: &mut Vec<Vec<usize>>,
        leaf: &mut Leaf,
    ) {
        if !self.bound(st, d, mode, leaf) {
            return;
        }
        if d == k {
            out.push(cur.clone());
            return;
        }
        let c = self.head[d];
        for i in 0..self.allowed[c].len() {
            let o = self.allowed[c][i];
            self.assign(st, d, o, 1.0);
            if self.checks[d]
                .iter()
                .all(|&x| clause_ok(self.model, &st.options, x))
            {
                cur.push(o);
                self.prefixes(st, d + 1, k, mode, cur, out, leaf);
                cur.pop();
            }
            self.assign(st, d, o, -1.0);
        }
    }
}

fn empty_leaf() -> Leaf<'static> {
    Leaf {
        options: &[],
        off: [0.0; MAX_PARTIES],
        base: [0.0; MAX_METRICS],
        crossed: [false; MAX_PARTIES],
        residual: [false; MAX_PARTIES],
        mterm_max: [0.0; MAX_PARTIES],
        ub: [0.0; MAX_PARTIES],
        lb: [0.0; MAX_PARTIES],
        counted: false,
    }
}
