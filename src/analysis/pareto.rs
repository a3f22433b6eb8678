//! The exact Pareto frontier over every package that satisfies linkage.
//!
//! Decomposition: a package is a head leaf h and a tail entry t, and
//! U_p = a_p(h) + a_p(t) + Σ_m w_pm · (clamp(x_m(h) + x_m(t)) − x0_m), with a
//! the additive utility and x the metric sums. Clamp is non-decreasing, so if
//! h' has a_p(h') ≥ a_p(h) for every party, and for every metric x_m(h') ≥
//! x_m(h) where some party weighs m positively and x_m(h') ≤ x_m(h) where
//! some party weighs it negatively, then U_p(h', t) ≥ U_p(h, t) for all p
//! and t; if moreover some a_p is strictly greater, (h', t) dominates (h, t).
//! So only heads on the frontier of this extended order (and likewise tails)
//! can make a globally optimal package. The product of the two small
//! frontiers is then filtered exactly on the true utilities. (Red lines play
//! no part: the frontier is over the parties' utilities.)

use super::enumerate::{Leaf, Mode, Visitor};
use super::space::Space;
use super::{Limits, Progress};
use rayon::prelude::*;

/// Largest number of head leaves for which the frontier is computed.
pub const HEAD_MAX: u128 = 1 << 22;

/// Most parties for which a frontier is computed: with more, nearly every
/// package is on it and the skyline's cost grows with its square.
pub const MAX_PARTIES: usize = 6;

/// Most candidate packages (head × tail frontiers) whose frontier is taken.
pub const MAX_CANDIDATES: u128 = 1 << 21;

/// Most frontier points kept while collecting (beyond: not computed).
pub const MAX_POINTS: usize = 1 << 16;

/// Over which packages a frontier was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every package that satisfies linkage (the frontier the figures promise).
    Feasible,
    /// Only the ZOPA: the fallback when the whole space is too large.
    Zopa,
}

impl Scope {
    pub fn name(self) -> &'static str {
        match self {
            Scope::Feasible => "feasible",
            Scope::Zopa => "zopa",
        }
    }
}

/// The frontier.
#[derive(Debug, Clone)]
pub struct Frontier {
    /// Packages (option vectors), in lexicographic order.
    pub packages: Vec<Vec<usize>>,
    pub count: Option<u128>,
    /// True when this is the exact frontier over every feasible package.
    pub exact: bool,
    pub scope: Scope,
    /// True when the frontier is exact for its scope.
    pub scope_exact: bool,
}

/// Most heads the extended-order frontier may hold after a reduction. In
/// the extended order (utilities and the metrics themselves) nearly every
/// head can be on the frontier, and each reduction is quadratic in it: a
/// wider one is not taken (the ZOPA's own frontier is given instead), which
/// bounds the cost of the merges the work budget does not count.
const MAX_HEADS: usize = 2048;

/// Gathers the ZOPA's own frontier, reducing as it goes.
struct ZopaCollect {
    pts: Vec<f64>,
    opts: Vec<Vec<usize>>,
    np: usize,
    /// The frontier grew past [`MAX_POINTS`]: it is not computed.
    overflow: bool,
}

impl ZopaCollect {
    /// Keep the points not dominated; the dominance checks it made.
    fn reduce(&mut self) -> u64 {
        let (keep, checks) = skyline_counted(&self.pts, self.np, self.np, u64::MAX, usize::MAX);
        let keep = keep.unwrap_or_default();
        let mut pts = Vec::with_capacity(keep.len() * self.np);
        let mut opts = Vec::with_capacity(keep.len());
        for i in keep {
            pts.extend_from_slice(&self.pts[i * self.np..(i + 1) * self.np]);
            opts.push(std::mem::take(&mut self.opts[i]));
        }
        self.pts = pts;
        self.opts = opts;
        checks
    }

    fn leaf_n<const NP: usize>(&mut self, space: &Space, leaf: &Leaf) -> u64 {
        let mut floor = [0.0; NP];
        for p in 0..NP {
            floor[p] = space.reservation[p] - super::space::eps(space.reservation[p]);
        }
        let before = self.opts.len() as u64;
        let mut work = space.scan_zopa::<NP>(
            leaf,
            &mut floor,
            &mut CollectSink {
                space,
                leaf,
                to: self,
            },
        );
        // A kept package allocates its options: it costs more than a visit.
        work += 16 * (self.opts.len() as u64 - before);
        if self.opts.len() >= 8192 {
            // Charged as moving the points and the checks the skyline made.
            work += 16 * self.opts.len() as u64 + self.reduce();
            if self.opts.len() > MAX_POINTS {
                self.overflow = true;
                self.opts.clear();
                self.pts.clear();
            }
        }
        work
    }
}

struct CollectSink<'a, 'b> {
    space: &'a Space<'a>,
    leaf: &'a Leaf<'a>,
    to: &'b mut ZopaCollect,
}

impl<const NP: usize> super::scan::ZopaSink<NP> for CollectSink<'_, '_> {
    fn package(&mut self, i: usize, u: &[f64; NP], _floor: &mut [f64; NP], _counted: bool) {
        self.to.pts.extend_from_slice(u);
        self.to.opts.push(self.space.package_of(self.leaf, i));
    }
}

fn zopa_leaf<const NP: usize>(v: &mut ZopaCollect, space: &Space, leaf: &Leaf) -> u64 {
    v.leaf_n::<NP>(space, leaf)
}

impl Visitor for ZopaCollect {
    fn mode(&self) -> Mode {
        Mode::Zopa
    }

    fn leaf(&mut self, space: &Space, leaf: &Leaf) -> u64 {
        let this = self;
        crate::with_np!(space.np, zopa_leaf(this, space, leaf))
    }

    fn merge(mut self, mut other: ZopaCollect) -> ZopaCollect {
        self.overflow |= other.overflow;
        if self.overflow {
            self.pts.clear();
            self.opts.clear();
            return self;
        }
        self.pts.append(&mut other.pts);
        self.opts.append(&mut other.opts);
        self.reduce();
        self
    }
}

/// The frontier within the ZOPA (every package there is exact; it is a
/// teaching fallback, not the frontier over all packages).
pub fn zopa_frontier(space: &Space, limits: Limits) -> Frontier {
    if space.np > MAX_PARTIES {
        return not_computed();
    }
    let out = space.search(
        || ZopaCollect {
            pts: Vec::new(),
            opts: Vec::new(),
            np: space.np,
            overflow: false,
        },
        limits.budget,
        limits.progress,
    );
    let mut c = out.visitor;
    if c.overflow {
        return not_computed();
    }
    c.reduce();
    let mut packages = c.opts;
    packages.sort();
    Frontier {
        count: Some(packages.len() as u128),
        packages,
        exact: false,
        scope: Scope::Zopa,
        scope_exact: out.complete,
    }
}

/// No frontier: too many parties or points for the budget.
fn not_computed() -> Frontier {
    Frontier {
        packages: Vec::new(),
        count: None,
        exact: false,
        scope: Scope::Zopa,
        scope_exact: false,
    }
}

/// Differences below this are rounding, not dominance.
pub const TOL: f64 = 1e-9;

/// Indices of the points not dominated: no other point is ≥ on every
/// coordinate and > on one of the first `strict` coordinates.
pub fn skyline(points: &[f64], dim: usize, strict: usize) -> Vec<usize> {
    skyline_within(points, dim, strict, u64::MAX).unwrap_or_default()
}

/// [`skyline`], or None once it has made `max_checks` dominance checks.
pub fn skyline_within(
    points: &[f64],
    dim: usize,
    strict: usize,
    max_checks: u64,
) -> Option<Vec<usize>> {
    skyline_counted(points, dim, strict, max_checks, usize::MAX).0
}

/// [`skyline_within`], or None once more than `max_front` points are on the
/// frontier; with the dominance checks it made (the work it cost).
pub fn skyline_counted(
    points: &[f64],
    dim: usize,
    strict: usize,
    max_checks: u64,
    max_front: usize,
) -> (Option<Vec<usize>>, u64) {
    let n = points.len().checked_div(dim).unwrap_or(0);
    let sum = |i: usize| points[i * dim..(i + 1) * dim].iter().sum::<f64>();
    let mut order: Vec<(f64, usize)> = (0..n).map(|i| (sum(i), i)).collect();
    order.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut front: Vec<usize> = Vec::new();
    let dominates = |j: usize, x: &[f64]| {
        let y = &points[j * dim..(j + 1) * dim];
        y.iter().zip(x).all(|(a, b)| *a >= b - TOL)
            && y[..strict]
                .iter()
                .zip(&x[..strict])
                .any(|(a, b)| *a > b + TOL)
    };
    let mut checks = 0u64;
    // The last dominator is tried first: dominated points come in runs.
    let mut last = usize::MAX;
    for &(_, i) in &order {
        let x = &points[i * dim..(i + 1) * dim];
        checks += 1;
        if last != usize::MAX && dominates(front[last], x) {
            continue;
        }
        match front.iter().position(|&j| dominates(j, x)) {
            Some(k) => {
                checks += k as u64 + 1;
                last = k;
            }
            None => {
                checks += front.len() as u64;
                front.push(i);
            }
        }
        if checks > max_checks || front.len() > max_front {
            return (None, checks);
        }
    }
    (Some(front), checks)
}

/// Metric coordinates for the extended order: (k, sign) pairs.
fn metric_coords(space: &Space) -> Vec<(usize, f64)> {
    let mut v = Vec::new();
    for k in 0..space.rel.len() {
        let pos = (0..space.np).any(|p| space.weights[p][k] > 0.0);
        let neg = (0..space.np).any(|p| space.weights[p][k] < 0.0);
        if pos {
            v.push((k, 1.0));
        }
        if neg {
            v.push((k, -1.0));
        }
    }
    v
}

/// A head leaf on the extended frontier.
#[derive(Debug, Clone)]
struct Head {
    options: Vec<usize>,
    off: Vec<f64>,
    base: Vec<f64>,
}

struct Collect {
    heads: Vec<Head>,
    coords: Vec<(usize, f64)>,
    np: usize,
    /// Most dominance checks one reduction may make.
    max_checks: u64,
    /// A reduction ran out of checks (a frontier too wide to take whole):
    /// the heads are dropped and the caller falls back.
    overflow: bool,
}

impl Collect {
    fn ext(&self, h: &Head) -> Vec<f64> {
        let mut v = h.off.clone();
        v.extend(self.coords.iter().map(|&(k, s)| s * h.base[k]));
        v
    }

    /// Keep the heads not dominated; the work it cost.
    fn reduce(&mut self) -> u64 {
        if self.overflow {
            return 0;
        }
        let dim = self.np + self.coords.len();
        let pts: Vec<f64> = self.heads.iter().flat_map(|h| self.ext(h)).collect();
        let (keep, checks) = skyline_counted(&pts, dim, self.np, self.max_checks, MAX_HEADS);
        let work = 16 * self.heads.len() as u64 + checks;
        let Some(keep) = keep else {
            self.overflow = true;
            self.heads.clear();
            return work;
        };
        let mut heads = std::mem::take(&mut self.heads);
        let mut mask = vec![false; heads.len()];
        for i in keep {
            mask[i] = true;
        }
        let mut i = 0;
        heads.retain(|_| {
            i += 1;
            mask[i - 1]
        });
        self.heads = heads;
        work
    }
}

impl Visitor for Collect {
    fn mode(&self) -> Mode {
        Mode::Feasible
    }

    fn leaf(&mut self, space: &Space, leaf: &Leaf) -> u64 {
        self.heads.push(Head {
            options: leaf.options.to_vec(),
            off: leaf.off[..space.np].to_vec(),
            base: leaf.base[..space.rel.len()].to_vec(),
        });
        if self.heads.len() >= 4096 {
            return 1 + self.reduce();
        }
        1
    }

    fn merge(mut self, mut other: Collect) -> Collect {
        // A merged collection is reduced already: one reduction of the
        // other's heads, one of the union.
        other.reduce();
        self.overflow |= other.overflow;
        self.heads.append(&mut other.heads);
        self.reduce();
        self
    }
}

/// Compute the frontier when the head is small enough to enumerate.
pub fn frontier(space: &Space, limits: Limits) -> Frontier {
    if space.np > MAX_PARTIES {
        return not_computed();
    }
    if space.head_leaves() > HEAD_MAX {
        return zopa_frontier(space, limits);
    }
    let np = space.np;
    let coords = metric_coords(space);
    // Tail frontier in the extended order.
    let tdim = np + coords.len();
    let tpts: Vec<f64> = (0..space.tail_len())
        .flat_map(|i| {
            let e = &space.table[i * space.stride..(i + 1) * space.stride];
            let mut v = e[..np].to_vec();
            v.extend(coords.iter().map(|&(k, s)| s * e[np + k]));
            v
        })
        .collect();
    // In the extended order (utilities and the metrics themselves) nearly
    // every point can be on the frontier, and a skyline is quadratic in it:
    // each one is bounded, with the ZOPA's own frontier as the fallback.
    let quarter = limits.budget / 4;
    let Some(tails) = skyline_within(&tpts, tdim, np, quarter) else {
        return zopa_frontier(space, limits);
    };
    let progress: Option<&dyn Progress> = limits.progress;
    let out = space.search(
        || Collect {
            heads: Vec::new(),
            coords: coords.clone(),
            np,
            max_checks: quarter,
            overflow: false,
        },
        limits.budget,
        progress,
    );
    if !out.complete || out.visitor.overflow {
        return zopa_frontier(space, limits);
    }
    let mut collect = out.visitor;
    collect.reduce();
    if collect.overflow {
        return zopa_frontier(space, limits);
    }
    let heads = collect.heads;
    // Each candidate costs a few dozen work units at least, and its
    // utilities are kept while the skyline is taken.
    let half = Limits {
        budget: limits.budget / 2,
        ..limits
    };
    let cands_n = heads.len() as u128 * tails.len() as u128;
    if cands_n.saturating_mul(64) > u128::from(half.budget) || cands_n > MAX_CANDIDATES {
        return zopa_frontier(space, half);
    }
    // Candidates: every pair of frontier head and frontier tail.
    let cands: Vec<(usize, usize)> = heads
        .iter()
        .enumerate()
        .flat_map(|(h, _)| tails.iter().map(move |&t| (h, t)))
        .collect();
    let utils: Vec<f64> = cands
        .par_iter()
        .flat_map_iter(|&(h, t)| {
            let hd = &heads[h];
            let e = &space.table[t * space.stride..(t + 1) * space.stride];
            let mut u: Vec<f64> = (0..np).map(|p| hd.off[p] + e[p]).collect();
            for k in 0..space.rel.len() {
                let d = space.metric_value(k, hd.base[k] + e[np + k]) - space.minit[k];
                for (p, x) in u.iter_mut().enumerate() {
                    *x += space.weights[p][k] * d;
                }
            }
            u
        })
        .collect();
    let Some(front) = skyline_within(&utils, np, np, half.budget) else {
        return zopa_frontier(space, half);
    };
    let mut packages: Vec<Vec<usize>> = front
        .into_iter()
        .map(|i| {
            let (h, t) = cands[i];
            let mut o = heads[h].options.clone();
            space.fill_tail(t, &mut o);
            o
        })
        .collect();
    packages.sort();
    Frontier {
        count: Some(packages.len() as u128),
        packages,
        exact: true,
        scope: Scope::Feasible,
        scope_exact: true,
    }
}
