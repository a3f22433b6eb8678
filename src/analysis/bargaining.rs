//! The Kalai–Smorodinsky package: over the ZOPA, maximise the smallest
//! share of each party's possible gain, min_p (U_p − R_p) / (I_p − R_p), with
//! I_p the best U_p within the ZOPA (the ideal point). A second pass, pruned
//! hard: a subtree whose bound cannot beat the best ratio found is skipped.

use super::enumerate::{Leaf, Mode, Visitor};
use super::scan::Best;
use super::space::{Space, eps};
use crate::scenario::model::MAX_PARTIES;
use crate::with_np;

/// Each party's gain range within the ZOPA: I_p − R_p (1 when it is empty or flat).
pub fn ranges(space: &Space, ideal: &[f64]) -> [f64; MAX_PARTIES] {
    let mut r = [1.0; MAX_PARTIES];
    for p in 0..space.np {
        let d = ideal[p] - space.reservation[p];
        if d > 1e-12 {
            r[p] = d;
        }
    }
    r
}

/// The Kalai–Smorodinsky ratio of a utility vector.
#[inline(always)]
pub fn ks_ratio(space: &Space, range: &[f64; MAX_PARTIES], u: &[f64]) -> f64 {
    let mut m = f64::INFINITY;
    for (p, &x) in u.iter().enumerate().take(space.np) {
        m = m.min((x - space.reservation[p]) / range[p]);
    }
    m
}

/// The KS search.
#[derive(Debug, Clone)]
pub struct KsPass {
    pub range: [f64; MAX_PARTIES],
    pub best: Best,
    np: usize,
    reservation: [f64; MAX_PARTIES],
}

impl KsPass {
    pub fn new(space: &Space, ideal: &[f64]) -> KsPass {
        let mut reservation = [0.0; MAX_PARTIES];
        reservation[..space.np].copy_from_slice(&space.reservation);
        KsPass {
            range: ranges(space, ideal),
            best: Best::none(),
            np: space.np,
            reservation,
        }
    }

    /// Start from a known ratio (a lower bound), so pruning bites at once.
    pub fn seeded(mut self, value: f64, options: Vec<usize>) -> KsPass {
        self.best = Best { value, options };
        self
    }

    fn leaf_n<const NP: usize>(&mut self, space: &Space, leaf: &Leaf) {
        let mut best = std::mem::replace(&mut self.best, Best::none());
        let range = self.range;
        let r0 = space.reservation[0];
        let floor0 = if best.found() { r0 + best.value.max(0.0) * range[0] } else { r0 };
        space.scan_zopa::<NP>(leaf, floor0 - eps(floor0) - 1e-9, |i, u| {
            let ratio = ks_ratio(space, &range, u);
            best.offer(ratio, || space.package_of(leaf, i));
        });
        self.best = best;
    }
}

impl Visitor for KsPass {
    fn mode(&self) -> Mode {
        Mode::Zopa
    }

    fn keep(&self, ub: &[f64]) -> bool {
        if !self.best.found() {
            return true;
        }
        let mut m = f64::INFINITY;
        for p in 0..self.np {
            m = m.min((ub[p] - self.reservation[p]) / self.range[p]);
        }
        self.best.contends(m + 1e-9)
    }

    fn leaf(&mut self, space: &Space, leaf: &Leaf) {
        let this = self;
        with_np!(space.np, leaf_dispatch(this, space, leaf));
    }

    fn merge(mut self, other: KsPass) -> KsPass {
        self.best = self.best.merge(other.best);
        self
    }
}

fn leaf_dispatch<const NP: usize>(v: &mut KsPass, space: &Space, leaf: &Leaf) {
    v.leaf_n::<NP>(space, leaf);
}
