//! The hot loop: a head leaf against the tail table.

use super::enumerate::Leaf;
use super::space::{Space, eps};
use crate::engine::score::{Draft, Package};
use crate::scenario::model::MAX_METRICS;

/// Call a method generic over the party count with the space's party count.
#[macro_export]
#[doc(hidden)]
macro_rules! with_np {
    ($np:expr, $f:ident ( $($arg:expr),* )) => {
        match $np {
            1 => $f::<1>($($arg),*),
            2 => $f::<2>($($arg),*),
            3 => $f::<3>($($arg),*),
            4 => $f::<4>($($arg),*),
            5 => $f::<5>($($arg),*),
            6 => $f::<6>($($arg),*),
            7 => $f::<7>($($arg),*),
            8 => $f::<8>($($arg),*),
            9 => $f::<9>($($arg),*),
            10 => $f::<10>($($arg),*),
            11 => $f::<11>($($arg),*),
            _ => $f::<12>($($arg),*),
        }
    };
}

impl Space<'_> {
    /// The full option vector of a leaf and a table entry.
    pub fn package_of(&self, leaf: &Leaf, entry: usize) -> Vec<usize> {
        let mut options = leaf.options.to_vec();
        self.fill_tail(entry, &mut options);
        options
    }

    /// Utilities of the package (leaf, entry `i`) into `u`; the metric values
    /// into `metrics` when asked.
    #[inline(always)]
    pub fn utilities<const NP: usize>(
        &self,
        leaf: &Leaf,
        i: usize,
        u: &mut [f64; NP],
        metrics: Option<&mut [f64; MAX_METRICS]>,
    ) {
        let e = &self.table[i * self.stride..(i + 1) * self.stride];
        for p in 0..NP {
            u[p] = leaf.off[p] + e[p];
        }
        let nk = self.rel.len();
        if nk > 0 {
            let mut vals = [0.0; MAX_METRICS];
            for k in 0..nk {
                let v = self.metric_value(k, leaf.base[k] + e[NP + k]);
                vals[k] = v;
                let d = v - self.minit[k];
                for p in 0..NP {
                    u[p] += self.weights[p][k] * d;
                }
            }
            if let Some(m) = metrics {
                for k in 0..nk {
                    m[self.rel[k]] = vals[k];
                }
            }
        }
    }

    /// Give the sink every package of the leaf that every party would sign
    /// (`package(entry, utilities, floor, counted)`), skipping the tree's
    /// boxes where some party cannot reach `floor[p]` (the sink may raise
    /// the floor as it goes).
    /// Packages within rounding of a reservation or a red line's threshold
    /// are settled by `Model::evaluate`.
    ///
    /// A box whose every package is surely signable (each party's lower
    /// bound clears its reservation by more than rounding, and no red line
    /// reads metrics) goes to `whole(ub, size, counted, exact)` first, with
    /// each party's upper bound over it (`exact`: the box's best for each
    /// party, not just a bound): the sink counts it at once and says
    /// whether its packages must still be seen one by one (to find an
    /// optimum); if so they come to `f` with `counted` true. `counted` starts
    /// as `leaf.counted`. Returns the work done (boxes and packages visited).
    #[inline(always)]
    pub fn scan_zopa<const NP: usize>(
        &self,
        leaf: &Leaf,
        floor: &mut [f64; NP],
        sink: &mut impl ZopaSink<NP>,
    ) -> u64 {
        let residual = leaf.residual[..NP].iter().any(|&r| r);
        let nk = self.rel.len();
        let mut eps_r = [0.0; NP];
        let mut lift = [0.0; NP];
        for p in 0..NP {
            eps_r[p] = eps(self.reservation[p]);
            lift[p] = leaf.off[p] + leaf.mterm_max[p];
        }
        let mut u = [0.0; NP];
        let mut n = 0usize;
        let mut work = 0u64;
        // Boxes before this index lie in a subtree already counted.
        let mut counted_until = if leaf.counted { usize::MAX } else { 0 };
        while n < self.nodes.len() {
            work += 1;
            let node = &self.nodes[n];
            let mut cut = false;
            for p in 0..NP {
                cut |= lift[p] + node.umax[p] < floor[p];
            }
            if cut {
                n = node.skip as usize;
                continue;
            }
            let counted = n < counted_until;
            if !residual {
                // Exact bounds of the box: additive part and metric terms.
                let mut lo = [0.0; NP];
                let mut hi = [0.0; NP];
                for p in 0..NP {
                    lo[p] = leaf.off[p] + node.umin[p];
                    hi[p] = leaf.off[p] + node.umax[p];
                }
                for k in 0..nk {
                    let (a, b) = (leaf.base[k] + node.emin[k], leaf.base[k] + node.emax[k]);
                    for p in 0..NP {
                        let (tl, th) = self.metric_term_range(p, k, a, b);
                        lo[p] += tl;
                        hi[p] += th;
                    }
                }
                let mut inside = true;
                for p in 0..NP {
                    inside &= lo[p] > self.reservation[p] + eps_r[p] && lo[p] >= floor[p];
                }
                if inside {
                    let size = u64::from(node.end - node.start);
                    if !sink.whole(&hi, size, counted, nk == 0) {
                        n = node.skip as usize;
                        continue;
                    }
                    if !counted {
                        counted_until = node.skip as usize;
                    }
                }
            }
            let counted = n < counted_until;
            if node.skip as usize != n + 1 {
                n += 1;
                continue;
            }
            n = node.skip as usize;
            for i in node.start as usize..node.end as usize {
                work += 1;
                self.utilities::<NP>(leaf, i, &mut u, None);
                let mut ok = true;
                let mut near = false;
                for p in 0..NP {
                    let d = u[p] - self.reservation[p];
                    ok &= d >= -eps_r[p] && u[p] >= floor[p];
                    near |= d <= eps_r[p];
                }
                if !ok {
                    continue;
                }
                if residual {
                    let mut metrics = [0.0; MAX_METRICS];
                    self.utilities::<NP>(leaf, i, &mut u, Some(&mut metrics));
                    for (k, &m) in self.rel.iter().enumerate() {
                        near |= self.thresholds[k]
                            .iter()
                            .any(|&t| (metrics[m] - t).abs() <= eps(t));
                    }
                    if !near {
                        let options = self.package_of(leaf, i);
                        let draft = Draft {
                            model: self.model,
                            options: &options,
                            status: None,
                            metrics: &metrics,
                        };
                        let crossed = (0..NP).any(|p| {
                            leaf.residual[p]
                                && self.model.parties[p]
                                    .red_lines
                                    .iter()
                                    .any(|c| draft.holds(c))
                        });
                        if crossed {
                            continue;
                        }
                    }
                }
                if near {
                    let pkg = Package {
                        options: self.package_of(leaf, i),
                    };
                    let ev = self.model.evaluate(&pkg);
                    if !(0..NP).all(|p| ev.would_sign(p)) {
                        continue;
                    }
                    for p in 0..NP {
                        u[p] = ev.utility[p];
                    }
                }
                sink.package(i, &u, floor, counted);
            }
        }
        work
    }

    /// Call `f(entry, utilities)` for every package of the leaf (linkage holds
    /// by construction).
    #[inline(always)]
    pub fn scan_all<const NP: usize>(&self, leaf: &Leaf, mut f: impl FnMut(usize, &[f64; NP])) {
        let mut u = [0.0; NP];
        for i in 0..self.tail_len() {
            self.utilities::<NP>(leaf, i, &mut u, None);
            f(i, &u);
        }
    }
}

/// What [`Space::scan_zopa`] hands its packages and surely-signable boxes to.
pub trait ZopaSink<const NP: usize> {
    /// A box of `size` packages every party surely signs, each party's
    /// utility at most `ub` (exactly its best there when `exact`); `counted`
    /// when an enclosing subtree was already counted. Returns whether its
    /// packages must still be seen one by one.
    fn whole(&mut self, _ub: &[f64; NP], _size: u64, _counted: bool, _exact: bool) -> bool {
        true
    }
    /// One signable package: table entry `i` with utilities `u`.
    fn package(&mut self, i: usize, u: &[f64; NP], floor: &mut [f64; NP], counted: bool);
}

/// The best package for an objective, ties broken by the lowest option
/// vector (clause by clause, in scenario order).
#[derive(Debug, Clone, Default)]
pub struct Best {
    pub value: f64,
    pub options: Vec<usize>,
}

impl Best {
    pub fn none() -> Best {
        Best {
            value: f64::NEG_INFINITY,
            options: Vec::new(),
        }
    }

    pub fn found(&self) -> bool {
        !self.options.is_empty()
    }

    fn tol(&self) -> f64 {
        1e-12 * self.value.abs().max(1.0)
    }

    /// Would a value beat or tie the current best?
    #[inline(always)]
    pub fn contends(&self, value: f64) -> bool {
        value >= self.value - self.tol()
    }

    /// Offer a candidate (its options built only when it contends).
    #[inline(always)]
    pub fn offer(&mut self, value: f64, options: impl FnOnce() -> Vec<usize>) {
        if !self.contends(value) {
            return;
        }
        if value > self.value + self.tol() || !self.found() {
            self.value = value;
            self.options = options();
        } else {
            let o = options();
            if o < self.options {
                self.value = value;
                self.options = o;
            }
        }
    }

    pub fn merge(mut self, other: Best) -> Best {
        if other.found() {
            let opts = other.options;
            self.offer(other.value, || opts);
        }
        self
    }
}
