//! The Kalai–Smorodinsky package: over the ZOPA, maximise the smallest
//! share of each party's possible gain, min_p (U_p − R_p) / (I_p − R_p), with
//! I_p the best U_p within the ZOPA (the ideal point). A second pass, pruned
//! hard: a subtree whose bound cannot beat the best ratio found is skipped.

use super::enumerate::{Leaf, Mode, Visitor};
use super::scan::{Best, ZopaSink};
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

    fn leaf_n<const NP: usize>(&mut self, space: &Space, leaf: &Leaf) -> u64 {
        let best = std::mem::replace(&mut self.best, Best::none());
        let mut sink = KsSink::<NP> {
            space,
            leaf,
            range: self.range,
            best,
        };
        let mut floor = sink.floor_of(if sink.best.found() {
            sink.best.value
        } else {
            0.0
        });
        let work = space.scan_zopa::<NP>(leaf, &mut floor, &mut sink);
        self.best = sink.best;
        work
    }
}

/// The KS search at one head leaf.
struct KsSink<'a, const NP: usize> {
    space: &'a Space<'a>,
    leaf: &'a Leaf<'a>,
    range: [f64; MAX_PARTIES],
    best: Best,
}

impl<const NP: usize> KsSink<'_, NP> {
    /// The utilities a package needs to reach `ratio`.
    fn floor_of(&self, ratio: f64) -> [f64; NP] {
        let mut floor = [0.0; NP];
        for p in 0..NP {
            let r = self.space.reservation[p];
            floor[p] = (r + ratio.max(0.0) * self.range[p]) - eps(r) - 1e-9;
        }
        floor
    }
}

impl<const NP: usize> ZopaSink<NP> for KsSink<'_, NP> {
    fn whole(&mut self, ub: &[f64; NP], _size: u64, _counted: bool, _exact: bool) -> bool {
        !self.best.found()
            || self
                .best
                .contends(ks_ratio(self.space, &self.range, ub) + 1e-9)
    }

    fn package(&mut self, i: usize, u: &[f64; NP], floor: &mut [f64; NP], _counted: bool) {
        let ratio = ks_ratio(self.space, &self.range, u);
        if self.best.contends(ratio) {
            let (space, leaf) = (self.space, self.leaf);
            self.best.offer(ratio, || space.package_of(leaf, i));
            *floor = self.floor_of(self.best.value);
        }
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

    fn leaf(&mut self, space: &Space, leaf: &Leaf) -> u64 {
        let this = self;
        with_np!(space.np, leaf_dispatch(this, space, leaf))
    }

    fn merge(mut self, other: KsPass) -> KsPass {
        self.best = self.best.merge(other.best);
        self
    }
}

fn leaf_dispatch<const NP: usize>(v: &mut KsPass, space: &Space, leaf: &Leaf) -> u64 {
    v.leaf_n::<NP>(space, leaf)
}
