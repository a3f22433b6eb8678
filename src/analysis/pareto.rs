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

/// The frontier.
#[derive(Debug, Clone)]
pub struct Frontier {
    /// Packages (option vectors), in lexicographic order.
    pub packages: Vec<Vec<usize>>,
    pub count: Option<u128>,
    pub exact: bool,
}

/// Indices of the points not dominated: no other point is ≥ on every
/// coordinate and > on one of the first `strict` coordinates.
pub fn skyline(points: &[f64], dim: usize, strict: usize) -> Vec<usize> {
    let n = if dim == 0 { 0 } else { points.len() / dim };
    let sum = |i: usize| points[i * dim..(i + 1) * dim].iter().sum::<f64>();
    let mut order: Vec<(f64, usize)> = (0..n).map(|i| (sum(i), i)).collect();
    order.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut front: Vec<usize> = Vec::new();
    for &(_, i) in &order {
        let x = &points[i * dim..(i + 1) * dim];
        let dominated = front.iter().any(|&j| {
            let y = &points[j * dim..(j + 1) * dim];
            y.iter().zip(x).all(|(a, b)| a >= b) && y[..strict].iter().zip(&x[..strict]).any(|(a, b)| a > b)
        });
        if !dominated {
            front.push(i);
        }
    }
    front
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
}

impl Collect {
    fn ext(&self, h: &Head) -> Vec<f64> {
        let mut v = h.off.clone();
        v.extend(self.coords.iter().map(|&(k, s)| s * h.base[k]));
        v
    }

    fn reduce(&mut self) {
        let dim = self.np + self.coords.len();
        let pts: Vec<f64> = self.heads.iter().flat_map(|h| self.ext(h)).collect();
        let keep = skyline(&pts, dim, self.np);
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
    }
}

impl Visitor for Collect {
    fn mode(&self) -> Mode {
        Mode::Feasible
    }

    fn leaf(&mut self, space: &Space, leaf: &Leaf) {
        self.heads.push(Head {
            options: leaf.options.to_vec(),
            off: leaf.off[..space.np].to_vec(),
            base: leaf.base[..space.rel.len()].to_vec(),
        });
        if self.heads.len() >= 4096 {
            self.reduce();
        }
    }

    fn merge(mut self, mut other: Collect) -> Collect {
        self.reduce();
        other.reduce();
        self.heads.append(&mut other.heads);
        self.reduce();
        self
    }
}

/// Compute the frontier when the head is small enough to enumerate.
pub fn frontier(space: &Space, limits: Limits) -> Frontier {
    if space.head_leaves() > HEAD_MAX {
        return Frontier {
            packages: Vec::new(),
            count: None,
            exact: false,
        };
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
    let tails = skyline(&tpts, tdim, np);
    let progress: Option<&dyn Progress> = limits.progress;
    let out = space.search(
        || Collect {
            heads: Vec::new(),
            coords: coords.clone(),
            np,
        },
        u64::MAX / 32,
        progress,
    );
    let mut collect = out.visitor;
    collect.reduce();
    let heads = collect.heads;
    // Candidates: every pair of frontier head and frontier tail.
    let cands: Vec<(usize, usize)> = heads.iter().enumerate().flat_map(|(h, _)| tails.iter().map(move |&t| (h, t))).collect();
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
    let front = skyline(&utils, np, np);
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
    }
}
