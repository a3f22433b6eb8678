//! The deal space compiled for fast search.
//!
//! Clauses fall in two groups. *Tail* clauses are free: no linkage rule, no
//! combination and no red line mentions them, so their options only add
//! utilities and metric deltas. Their joint options are tabulated once (the
//! table holds, per entry, each party's utility sum and each relevant
//! metric's delta sum) and sorted by the first party's utility, best first.
//! *Head* clauses are searched depth first; at a head leaf every linkage rule,
//! combination and red line is settled except the metric part of red lines,
//! and a package is a head leaf plus a table entry.
//!
//! Utilities are not additive in general: stock metrics are clamped to their
//! range before the parties' weights apply. The table therefore keeps metric
//! sums apart and the scan applies clamp and weights per package (a few flops).

use crate::scenario::model::{Cond, MAX_METRICS, MAX_PARTIES, Model};
use crate::scenario::schema::MetricKind;

/// Largest tail table (entries).
pub const TAIL_MAX: usize = 1 << 14;

/// Most entries in a tree leaf.
pub const NODE_LEAF: usize = 32;

/// A box of the tail table: entries `start..end`, each party's additive
/// utility within `umin..=umax` and each relevant metric's sum within
/// `emin..=emax`; `skip` is the next node after this subtree.
#[derive(Debug, Clone)]
pub struct Node {
    pub start: u32,
    pub end: u32,
    pub skip: u32,
    pub umax: [f64; MAX_PARTIES],
    pub umin: [f64; MAX_PARTIES],
    pub emin: [f64; MAX_METRICS],
    pub emax: [f64; MAX_METRICS],
}

/// Order `idx` as a k-d tree (split on the party with the widest spread, at
/// the median) and append its nodes in preorder.
fn build_tree(
    idx: &mut [u32],
    table: &[f64],
    stride: usize,
    np: usize,
    start: usize,
    nodes: &mut Vec<Node>,
) {
    let me = nodes.len();
    let mut umax = [f64::NEG_INFINITY; MAX_PARTIES];
    let mut umin = [f64::INFINITY; MAX_PARTIES];
    let mut emax = [f64::NEG_INFINITY; MAX_METRICS];
    let mut emin = [f64::INFINITY; MAX_METRICS];
    for &i in idx.iter() {
        for p in 0..np {
            let v = table[i as usize * stride + p];
            umax[p] = umax[p].max(v);
            umin[p] = umin[p].min(v);
        }
        for k in 0..stride - np {
            let v = table[i as usize * stride + np + k];
            emax[k] = emax[k].max(v);
            emin[k] = emin[k].min(v);
        }
    }
    nodes.push(Node {
        start: start as u32,
        end: (start + idx.len()) as u32,
        skip: 0,
        umax,
        umin,
        emin,
        emax,
    });
    if idx.len() > NODE_LEAF && np > 0 {
        let dim = (0..np)
            .max_by(|&a, &b| {
                (umax[a] - umin[a])
                    .total_cmp(&(umax[b] - umin[b]))
                    .then(b.cmp(&a))
            })
            .unwrap_or(0);
        idx.sort_by(|&a, &b| {
            table[b as usize * stride + dim]
                .total_cmp(&table[a as usize * stride + dim])
                .then(a.cmp(&b))
        });
        let mid = idx.len() / 2;
        let (l, r) = idx.split_at_mut(mid);
        build_tree(l, table, stride, np, start, nodes);
        build_tree(r, table, stride, np, start + mid, nodes);
    }
    nodes[me].skip = nodes.len() as u32;
}

/// Three-valued truth for partly decided packages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tri {
    True,
    False,
    Unknown,
}

/// Tolerance under which a float comparison is redone with `Model::evaluate`.
pub fn eps(x: f64) -> f64 {
    1e-9 * x.abs().max(1.0)
}

/// The compiled space.
pub struct Space<'m> {
    pub model: &'m Model,
    pub np: usize,
    /// Options a package may give each clause (by clause index): every
    /// variant, and the strike when the clause may be struck.
    pub allowed: Vec<Vec<usize>>,
    /// Head clauses in search order.
    pub head: Vec<usize>,
    /// Tail clauses (tabulated).
    pub tail: Vec<usize>,
    /// Metrics that matter for utilities or red lines.
    pub rel: Vec<usize>,
    /// Entry width: `np` utilities then `rel.len()` metric sums.
    pub stride: usize,
    /// Tail entries, in the order of a k-d tree over the parties' utilities.
    pub table: Vec<f64>,
    /// The tree: boxes over table ranges, in preorder.
    pub nodes: Vec<Node>,
    /// Each entry's index in mixed radix over `tail` (last tail clause fastest).
    pub table_index: Vec<u32>,
    /// Bounds over the table: per party max utility, per relevant metric min/max sum.
    pub tail_umax: Vec<f64>,
    pub tail_umin: Vec<f64>,
    pub tail_emin: Vec<f64>,
    pub tail_emax: Vec<f64>,
    /// Bounds from head position `d` on (head clauses only): `[d][p]`, `[d][k]`.
    pub suffix_umax: Vec<Vec<f64>>,
    pub suffix_umin: Vec<Vec<f64>>,
    /// Packages from head position `d` on (head options × tail entries),
    /// when no linkage check is left from `d` on (else 0).
    pub free_count: Vec<u128>,
    pub suffix_emin: Vec<Vec<f64>>,
    pub suffix_emax: Vec<Vec<f64>>,
    /// Clauses whose linkage is decided once head position `d` is assigned.
    pub checks: Vec<Vec<usize>>,
    /// Per relevant metric: min, max, initial, stock?
    pub mmin: Vec<f64>,
    pub mmax: Vec<f64>,
    pub minit: Vec<f64>,
    pub stock: Vec<bool>,
    /// `weights[p][k]` for relevant metric k.
    pub weights: Vec<Vec<f64>>,
    /// Reservations.
    pub reservation: Vec<f64>,
    /// Thresholds of metric conditions in red lines, per relevant metric.
    pub thresholds: Vec<Vec<f64>>,
}

fn cond_clauses(cond: &Cond, out: &mut Vec<usize>) {
    cond.each_clause(&mut |c| out.push(c));
}

fn cond_metrics(cond: &Cond, out: &mut Vec<(usize, f64)>) {
    match cond {
        Cond::MetricBelow(m, v) | Cond::MetricAbove(m, v) => out.push((*m, *v)),
        Cond::All(cs) | Cond::Any(cs) => cs.iter().for_each(|c| cond_metrics(c, out)),
        Cond::Not(c) => cond_metrics(c, out),
        _ => {}
    }
}

/// Evaluate a condition on a partial package (`assigned[c]` false: unknown).
/// Metric conditions are unknown; `Agreed` is false (a bare package).
pub fn tri(model: &Model, cond: &Cond, options: &[usize], assigned: &[bool]) -> Tri {
    let known = |c: usize| assigned[c];
    let b = |x: bool| if x { Tri::True } else { Tri::False };
    match cond {
        Cond::Option(c, o) if known(*c) => b(options[*c] == *o),
        Cond::Struck(c) if known(*c) => b(options[*c] == model.clauses[*c].struck()),
        Cond::Present(c) if known(*c) => b(options[*c] != model.clauses[*c].struck()),
        Cond::Option(..) | Cond::Struck(_) | Cond::Present(_) => Tri::Unknown,
        Cond::Agreed(_) => Tri::False,
        Cond::MetricBelow(..) | Cond::MetricAbove(..) => Tri::Unknown,
        Cond::Always => Tri::True,
        Cond::Not(c) => match tri(model, c, options, assigned) {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        },
        Cond::All(cs) => {
            let mut r = Tri::True;
            for c in cs {
                match tri(model, c, options, assigned) {
                    Tri::False => return Tri::False,
                    Tri::Unknown => r = Tri::Unknown,
                    Tri::True => {}
                }
            }
            r
        }
        Cond::Any(cs) => {
            let mut r = Tri::False;
            for c in cs {
                match tri(model, c, options, assigned) {
                    Tri::True => return Tri::True,
                    Tri::Unknown => r = Tri::Unknown,
                    Tri::False => {}
                }
            }
            r
        }
    }
}

/// Does clause `c`'s option stand with the rest of the package
/// ([`Model::clause_linkage`])?
#[inline]
pub fn clause_ok(model: &Model, options: &[usize], c: usize) -> bool {
    model.clause_linkage(options, c).is_none()
}

impl<'m> Space<'m> {
    /// Compile a model with the scenario's reservations.
    pub fn new(model: &'m Model) -> Space<'m> {
        Space::with_tail_max(model, TAIL_MAX)
    }

    /// Compile with a chosen table size limit (tests use small ones).
    pub fn with_tail_max(model: &'m Model, tail_max: usize) -> Space<'m> {
        let n = model.clauses.len();
        let np = model.parties.len();
        assert!(np <= MAX_PARTIES);
        let allowed: Vec<Vec<usize>> = model
            .clauses
            .iter()
            .map(|c| {
                let mut v: Vec<usize> = (0..c.variants).collect();
                if c.strikable {
                    v.push(c.struck());
                }
                v
            })
            .collect();

        // Which clauses are mentioned by conditions or linkage.
        let mut linked = vec![false; n];
        let mut mentioned = Vec::new();
        for comb in &model.combinations {
            cond_clauses(&comb.when, &mut mentioned);
        }
        let mut red_metrics = Vec::new();
        for party in &model.parties {
            for line in &party.red_lines {
                cond_clauses(line, &mut mentioned);
                cond_metrics(line, &mut red_metrics);
            }
        }
        for (c, clause) in model.clauses.iter().enumerate() {
            for opt in &clause.options {
                for l in opt.requires.iter().chain(&opt.excludes) {
                    linked[c] = true;
                    mentioned.push(l.clause);
                }
            }
        }
        for c in mentioned {
            linked[c] = true;
        }

        // Relevant metrics: weighted by a party, or read by a red line.
        let rel: Vec<usize> = (0..model.metrics.len())
            .filter(|&m| {
                model.parties.iter().any(|p| p.weights[m] != 0.0)
                    || red_metrics.iter().any(|&(x, _)| x == m)
            })
            .collect();
        let nk = rel.len();
        let stride = np + nk;

        // Tail: free clauses, from the last, while the table stays small.
        let mut tail = Vec::new();
        let mut size = 1usize;
        for c in (0..n).rev() {
            if !linked[c] && size * allowed[c].len() <= tail_max {
                size *= allowed[c].len();
                tail.push(c);
            }
        }
        tail.reverse();
        let in_tail: Vec<bool> = (0..n).map(|c| tail.contains(&c)).collect();
        // Head: linked clauses first (so conditions settle early), then the rest.
        let mut head: Vec<usize> = (0..n).filter(|&c| linked[c]).collect();
        head.extend((0..n).filter(|&c| !linked[c] && !in_tail[c]));

        let opt_vec = |c: usize, o: usize| -> Vec<f64> {
            let opt = &model.clauses[c].options[o];
            let mut v = opt.utility.clone();
            v.resize(np, 0.0);
            for &m in &rel {
                v.push(opt.effects.iter().filter(|e| e.0 == m).map(|e| e.1).sum());
            }
            v
        };

        // The tail table.
        let mut table = vec![0.0; size * stride];
        let mut digits = vec![0usize; tail.len()];
        for i in 0..size {
            let e = &mut table[i * stride..(i + 1) * stride];
            for (j, &c) in tail.iter().enumerate() {
                let v = opt_vec(c, allowed[c][digits[j]]);
                for (a, b) in e.iter_mut().zip(&v) {
                    *a += b;
                }
            }
            for j in (0..tail.len()).rev() {
                digits[j] += 1;
                if digits[j] < allowed[tail[j]].len() {
                    break;
                }
                digits[j] = 0;
            }
        }
        let mut order: Vec<u32> = (0..size as u32).collect();
        let mut nodes = Vec::new();
        build_tree(&mut order, &table, stride, np, 0, &mut nodes);
        let mut sorted = Vec::with_capacity(table.len());
        for &i in &order {
            sorted.extend_from_slice(&table[i as usize * stride..(i as usize + 1) * stride]);
        }
        let table = sorted;
        let col_max = |j: usize| {
            (0..size)
                .map(|i| table[i * stride + j])
                .fold(f64::NEG_INFINITY, f64::max)
        };
        let col_min = |j: usize| {
            (0..size)
                .map(|i| table[i * stride + j])
                .fold(f64::INFINITY, f64::min)
        };
        let tail_umax = (0..np).map(col_max).collect();
        let tail_umin = (0..np).map(col_min).collect();
        let tail_emin = (np..stride).map(col_min).collect();
        let tail_emax = (np..stride).map(col_max).collect();

        // Suffix bounds over head clauses.
        let h = head.len();
        let mut suffix_umax = vec![vec![0.0; np]; h + 1];
        let mut suffix_umin = vec![vec![0.0; np]; h + 1];
        let mut suffix_emin = vec![vec![0.0; nk]; h + 1];
        let mut suffix_emax = vec![vec![0.0; nk]; h + 1];
        for d in (0..h).rev() {
            let c = head[d];
            let vs: Vec<Vec<f64>> = allowed[c].iter().map(|&o| opt_vec(c, o)).collect();
            for p in 0..np {
                let best = vs.iter().map(|v| v[p]).fold(f64::NEG_INFINITY, f64::max);
                suffix_umax[d][p] = suffix_umax[d + 1][p] + best;
                let worst = vs.iter().map(|v| v[p]).fold(f64::INFINITY, f64::min);
                suffix_umin[d][p] = suffix_umin[d + 1][p] + worst;
            }
            for k in 0..nk {
                let lo = vs.iter().map(|v| v[np + k]).fold(f64::INFINITY, f64::min);
                let hi = vs
                    .iter()
                    .map(|v| v[np + k])
                    .fold(f64::NEG_INFINITY, f64::max);
                suffix_emin[d][k] = suffix_emin[d + 1][k] + lo;
                suffix_emax[d][k] = suffix_emax[d + 1][k] + hi;
            }
        }

        // When each clause's linkage can be checked.
        let pos: Vec<usize> = {
            let mut pos = vec![0usize; n];
            for (d, &c) in head.iter().enumerate() {
                pos[c] = d;
            }
            pos
        };
        let mut checks = vec![Vec::new(); h];
        for &c in &head {
            let mut at = pos[c];
            let mut any = false;
            for opt in &model.clauses[c].options {
                for l in opt.requires.iter().chain(&opt.excludes) {
                    any = true;
                    at = at.max(pos[l.clause]);
                }
            }
            if any {
                checks[at].push(c);
            }
        }

        let mut free_count = vec![0u128; h + 1];
        free_count[h] = size as u128;
        for d in (0..h).rev() {
            free_count[d] = if checks[d].is_empty() {
                free_count[d + 1].saturating_mul(allowed[head[d]].len() as u128)
            } else {
                0
            };
        }
        for d in (0..h).rev() {
            if free_count[d + 1] == 0 {
                free_count[d] = 0;
            }
        }
        let mm = |k: usize| &model.metrics[rel[k]];
        Space {
            model,
            np,
            head,
            tail,
            stride,
            table,
            table_index: order,
            nodes,
            tail_umax,
            tail_umin,
            tail_emin,
            tail_emax,
            suffix_umax,
            suffix_umin,
            free_count,
            suffix_emin,
            suffix_emax,
            checks,
            mmin: (0..nk).map(|k| mm(k).min).collect(),
            mmax: (0..nk).map(|k| mm(k).max).collect(),
            minit: (0..nk).map(|k| mm(k).initial).collect(),
            stock: (0..nk).map(|k| mm(k).kind == MetricKind::Stock).collect(),
            weights: model
                .parties
                .iter()
                .map(|p| rel.iter().map(|&m| p.weights[m]).collect())
                .collect(),
            reservation: model.parties.iter().map(|p| p.reservation).collect(),
            thresholds: rel
                .iter()
                .map(|&m| {
                    red_metrics
                        .iter()
                        .filter(|x| x.0 == m)
                        .map(|x| x.1)
                        .collect()
                })
                .collect(),
            rel,
            allowed,
        }
    }

    /// Number of packages before linkage (product of the options), saturating.
    pub fn size(&self) -> u128 {
        self.allowed
            .iter()
            .fold(1u128, |a, v| a.saturating_mul(v.len() as u128))
    }

    /// log2 of the number of packages.
    pub fn log2_size(&self) -> f64 {
        self.allowed.iter().map(|v| (v.len() as f64).log2()).sum()
    }

    /// Number of table entries.
    pub fn tail_len(&self) -> usize {
        self.table_index.len()
    }

    /// Number of head leaves before pruning (saturating).
    pub fn head_leaves(&self) -> u128 {
        self.head.iter().fold(1u128, |a, &c| {
            a.saturating_mul(self.allowed[c].len() as u128)
        })
    }

    /// Fill the tail clauses' options of table entry `i` into `options`.
    pub fn fill_tail(&self, i: usize, options: &mut [usize]) {
        let mut x = self.table_index[i] as usize;
        for &c in self.tail.iter().rev() {
            let r = self.allowed[c].len();
            options[c] = self.allowed[c][x % r];
            x /= r;
        }
    }

    /// A metric's value: clamped when it is a stock.
    #[inline(always)]
    pub fn metric_value(&self, k: usize, x: f64) -> f64 {
        if self.stock[k] {
            x.clamp(self.mmin[k], self.mmax[k])
        } else {
            x
        }
    }

    /// The weighted metric term's max and min for party p when metric k's raw
    /// value lies in [lo, hi] (clamp is monotone, so the ends decide).
    #[inline]
    pub fn metric_term_range(&self, p: usize, k: usize, lo: f64, hi: f64) -> (f64, f64) {
        let w = self.weights[p][k];
        let a = w * (self.metric_value(k, lo) - self.minit[k]);
        let b = w * (self.metric_value(k, hi) - self.minit[k]);
        (a.min(b), a.max(b))
    }
}
