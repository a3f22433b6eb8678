//! One pass over the ZOPA: its size, each party's best (the ideal point),
//! the Nash bargaining package and the utilitarian package.

use super::enumerate::{Leaf, Mode, Visitor};
use super::scan::Best;
use super::space::{Space, eps};
use crate::scenario::model::MAX_PARTIES;
use crate::with_np;

/// What the ZOPA pass gathers.
#[derive(Debug, Clone)]
pub struct ZopaPass {
    /// Packages every party would sign.
    pub count: u128,
    /// Each party's best utility within the ZOPA.
    pub ideal: [f64; MAX_PARTIES],
    /// max Π (U_p − R_p).
    pub nash: Best,
    /// max Σ U_p.
    pub utilitarian: Best,
}

impl ZopaPass {
    pub fn new() -> ZopaPass {
        ZopaPass {
            count: 0,
            ideal: [f64::NEG_INFINITY; MAX_PARTIES],
            nash: Best::none(),
            utilitarian: Best::none(),
        }
    }

    fn leaf_n<const NP: usize>(&mut self, space: &Space, leaf: &Leaf) {
        let r0 = space.reservation[0];
        let mut count = 0u128;
        let mut ideal = [f64::NEG_INFINITY; NP];
        let mut nash = std::mem::replace(&mut self.nash, Best::none());
        let mut util = std::mem::replace(&mut self.utilitarian, Best::none());
        space.scan_zopa::<NP>(leaf, r0 - eps(r0), |i, u| {
            count += 1;
            let mut prod = 1.0;
            let mut sum = 0.0;
            for p in 0..NP {
                ideal[p] = ideal[p].max(u[p]);
                prod *= (u[p] - space.reservation[p]).max(0.0);
                sum += u[p];
            }
            nash.offer(prod, || space.package_of(leaf, i));
            util.offer(sum, || space.package_of(leaf, i));
        });
        self.nash = nash;
        self.utilitarian = util;
        self.count += count;
        for p in 0..NP {
            self.ideal[p] = self.ideal[p].max(ideal[p]);
        }
    }
}

impl Default for ZopaPass {
    fn default() -> Self {
        ZopaPass::new()
    }
}

impl Visitor for ZopaPass {
    fn mode(&self) -> Mode {
        Mode::Zopa
    }

    fn leaf(&mut self, space: &Space, leaf: &Leaf) {
        let this = self;
        with_np!(space.np, leaf_n_dispatch(this, space, leaf));
    }

    fn merge(mut self, other: ZopaPass) -> ZopaPass {
        self.count += other.count;
        for p in 0..MAX_PARTIES {
            self.ideal[p] = self.ideal[p].max(other.ideal[p]);
        }
        self.nash = self.nash.merge(other.nash);
        self.utilitarian = self.utilitarian.merge(other.utilitarian);
        self
    }
}

fn leaf_n_dispatch<const NP: usize>(v: &mut ZopaPass, space: &Space, leaf: &Leaf) {
    v.leaf_n::<NP>(space, leaf);
}
