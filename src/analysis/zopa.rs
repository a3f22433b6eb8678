//! One pass over the ZOPA: its size, each party's best (the ideal point),
//! the Nash bargaining package and the utilitarian package.

use super::enumerate::{Leaf, Mode, Visitor};
use super::scan::{Best, ZopaSink};
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

    fn leaf_n<const NP: usize>(&mut self, space: &Space, leaf: &Leaf) -> u64 {
        let mut floor = [0.0; NP];
        for p in 0..NP {
            floor[p] = space.reservation[p] - eps(space.reservation[p]);
        }
        let mut ideal = [f64::NEG_INFINITY; NP];
        ideal.copy_from_slice(&self.ideal[..NP]);
        let mut acc = Acc::<NP> {
            space,
            leaf,
            count: 0,
            ideal,
            nash: std::mem::replace(&mut self.nash, Best::none()),
            util: std::mem::replace(&mut self.utilitarian, Best::none()),
        };
        let work = space.scan_zopa::<NP>(leaf, &mut floor, &mut acc);
        self.nash = acc.nash;
        self.utilitarian = acc.util;
        self.count = self.count.saturating_add(acc.count);
        for p in 0..NP {
            self.ideal[p] = self.ideal[p].max(acc.ideal[p]);
        }
        work
    }

    /// Could a subtree whose utilities are at most `ub` raise a figure?
    fn could_improve(&self, space: &Space, ub: &[f64]) -> bool {
        improves(space, ub, &self.ideal, &self.nash, &self.utilitarian)
    }
}

/// Could packages with utilities at most `ub` raise an ideal, the Nash
/// product or the utilitarian sum?
fn improves(space: &Space, ub: &[f64], ideal: &[f64], nash: &Best, util: &Best) -> bool {
    let mut prod = 1.0;
    let mut sum = 0.0;
    let mut raise = false;
    for p in 0..space.np {
        raise |= ub[p] > ideal[p];
        prod *= (ub[p] - space.reservation[p]).max(0.0);
        sum += ub[p];
    }
    raise || !nash.found() || !util.found() || nash.contends(prod) || util.contends(sum)
}

/// The ZOPA pass at one head leaf.
struct Acc<'a, const NP: usize> {
    space: &'a Space<'a>,
    leaf: &'a Leaf<'a>,
    count: u128,
    ideal: [f64; NP],
    nash: Best,
    util: Best,
}

impl<const NP: usize> ZopaSink<NP> for Acc<'_, NP> {
    fn whole(&mut self, ub: &[f64; NP], size: u64, counted: bool, exact: bool) -> bool {
        if !counted {
            self.count += u128::from(size);
        }
        if exact {
            // The box's best for each party is known: no need to look.
            for p in 0..NP {
                self.ideal[p] = self.ideal[p].max(ub[p]);
            }
        }
        improves(self.space, ub, &self.ideal, &self.nash, &self.util)
    }

    fn package(&mut self, i: usize, u: &[f64; NP], _floor: &mut [f64; NP], counted: bool) {
        if !counted {
            self.count += 1;
        }
        let space = self.space;
        let leaf = self.leaf;
        let mut prod = 1.0;
        let mut sum = 0.0;
        for p in 0..NP {
            self.ideal[p] = self.ideal[p].max(u[p]);
            prod *= (u[p] - space.reservation[p]).max(0.0);
            sum += u[p];
        }
        self.nash.offer(prod, || space.package_of(leaf, i));
        self.util.offer(sum, || space.package_of(leaf, i));
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

    fn leaf(&mut self, space: &Space, leaf: &Leaf) -> u64 {
        let this = self;
        with_np!(space.np, leaf_n_dispatch(this, space, leaf))
    }

    fn whole(&mut self, space: &Space, ub: &[f64], count: u128, counted: bool) -> bool {
        if !counted {
            self.count = self.count.saturating_add(count);
        }
        // Utilities are only bounded here, so the ideal point cannot be
        // read off: look whenever it might rise.
        self.could_improve(space, ub)
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

fn leaf_n_dispatch<const NP: usize>(v: &mut ZopaPass, space: &Space, leaf: &Leaf) -> u64 {
    v.leaf_n::<NP>(space, leaf)
}
