//! The scoring model (docs/MODEL.md): metrics, utilities, acceptance and deal
//! likelihood for a draft. One implementation serves the game, the what-if
//! previews, the analysis and the "why" breakdowns: a [`Trace`] receives every
//! term as it is added, and the fast paths pass [`NoTrace`].

use crate::scenario::model::{Cond, MAX_METRICS, MAX_PARTIES, Model};
use crate::scenario::schema::MetricKind;
use arrayvec::ArrayVec;

/// Per-party numbers without heap allocation.
pub type PartyVec<T> = ArrayVec<T, MAX_PARTIES>;
/// Per-metric numbers without heap allocation.
pub type MetricVec<T> = ArrayVec<T, MAX_METRICS>;

/// Where a clause stands at the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Status {
    Open,
    Agreed,
    Struck,
}

/// A draft's text: for each clause, an option index (a variant, or
/// `clause.struck()` for the strike).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Package {
    pub options: Vec<usize>,
}

/// Everything the model says about one draft.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// Every metric's value (stock metrics clamped, the deal metric derived).
    pub metrics: MetricVec<f64>,
    /// U_p.
    pub utility: PartyVec<f64>,
    /// R_p in force (the scenario's, moved by events and actions).
    pub reservation: PartyVec<f64>,
    /// a_p in 0..1 (0 when a red line is crossed).
    pub acceptance: PartyVec<f64>,
    /// The first red line of each party that the draft crosses.
    pub crossed: PartyVec<Option<usize>>,
    /// Π a_p over the signatories, 0..1.
    pub likelihood: f64,
}

impl Evaluation {
    /// Would party `p` sign: no red line crossed and U_p ≥ R_p.
    pub fn would_sign(&self, p: usize) -> bool {
        self.crossed[p].is_none() && self.utility[p] >= self.reservation[p]
    }
}

/// What a term of a breakdown is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Metric(usize),
    Utility(usize),
}

/// Why a number moved.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cause {
    /// The metric's starting value.
    Initial,
    /// A clause at its current option.
    Clause { clause: usize, option: usize },
    /// An interaction term that is active.
    Combination(usize),
    /// Accumulated event and action deltas (itemised by [`crate::engine::Game::ledger`]).
    Ledger,
    /// A metric's movement valued by the party's weight.
    Weight { metric: usize },
    /// Allies' acceptance diverging (cohesion-style metrics).
    Divergence,
    /// The value was clamped to the metric's range.
    Clamp,
}

/// Receives the terms of the model as they are added.
pub trait Trace {
    fn term(&mut self, target: Target, cause: Cause, delta: f64);
}

/// The fast path: records nothing.
pub struct NoTrace;

impl Trace for NoTrace {
    #[inline(always)]
    fn term(&mut self, _: Target, _: Cause, _: f64) {}
}

/// Records every term.
#[derive(Default, Debug)]
pub struct Recorder {
    pub terms: Vec<(Target, Cause, f64)>,
}

impl Trace for Recorder {
    fn term(&mut self, target: Target, cause: Cause, delta: f64) {
        self.terms.push((target, cause, delta));
    }
}

/// The logistic function.
#[inline]
pub fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Per-clause sums over a draft, kept so a one-clause change costs O(parties + metrics).
#[derive(Debug, Clone, PartialEq)]
pub struct Sums {
    pub utility: PartyVec<f64>,
    pub effects: MetricVec<f64>,
}

impl Sums {
    /// Sum the clause terms of a draft.
    pub fn of(model: &Model, options: &[usize]) -> Sums {
        let mut s = Sums {
            utility: (0..model.parties.len()).map(|_| 0.0).collect(),
            effects: (0..model.metrics.len()).map(|_| 0.0).collect(),
        };
        for (c, &o) in options.iter().enumerate() {
            s.add(model, c, o, 1.0);
        }
        s
    }

    /// Add (`sign` 1) or remove (`sign` −1) one clause option's terms.
    #[inline]
    pub fn add(&mut self, model: &Model, clause: usize, option: usize, sign: f64) {
        let opt = &model.clauses[clause].options[option];
        for (u, d) in self.utility.iter_mut().zip(&opt.utility) {
            *u += sign * d;
        }
        for &(m, d) in &opt.effects {
            self.effects[m] += sign * d;
        }
    }

    /// Replace one clause's option.
    #[inline]
    pub fn swap(&mut self, model: &Model, clause: usize, from: usize, to: usize) {
        if from != to {
            self.add(model, clause, from, -1.0);
            self.add(model, clause, to, 1.0);
        }
    }
}

/// The state of the world beside the draft text.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// Each clause's status (None: every clause open, as for a bare package).
    pub status: Option<&'a [Status]>,
    /// Event and action deltas per metric.
    pub base: &'a [f64],
    /// Reservation values in force.
    pub reservation: &'a [f64],
}

/// Evaluate a condition on a draft.
pub fn holds(
    model: &Model,
    cond: &Cond,
    options: &[usize],
    status: Option<&[Status]>,
    metrics: &[f64],
) -> bool {
    match cond {
        Cond::Option(c, o) => options[*c] == *o,
        Cond::Struck(c) => options[*c] == model.clauses[*c].struck(),
        Cond::Present(c) => options[*c] != model.clauses[*c].struck(),
        Cond::Agreed(c) => status.is_some_and(|s| s[*c] == Status::Agreed),
        Cond::MetricBelow(m, v) => metrics[*m] < *v,
        Cond::MetricAbove(m, v) => metrics[*m] > *v,
        Cond::All(cs) => cs.iter().all(|c| holds(model, c, options, status, metrics)),
        Cond::Any(cs) => cs.iter().any(|c| holds(model, c, options, status, metrics)),
        Cond::Not(c) => !holds(model, c, options, status, metrics),
        Cond::Always => true,
    }
}

/// The model's formulas, steps 1–5 of docs/MODEL.md, given the clause sums.
pub fn finish(
    model: &Model,
    sums: &Sums,
    options: &[usize],
    ctx: Context,
    trace: &mut impl Trace,
) -> Evaluation {
    let np = model.parties.len();
    let mut utility = sums.utility.clone();
    let mut raw: MetricVec<f64> = model
        .metrics
        .iter()
        .enumerate()
        .map(|(m, mm)| mm.initial + ctx.base[m] + sums.effects[m])
        .collect();

    // Step 1: combinations add utility and effects.
    for (i, comb) in model.combinations.iter().enumerate() {
        if holds(model, &comb.when, options, ctx.status, &[]) {
            for (p, d) in comb.utility.iter().enumerate() {
                utility[p] += d;
                if *d != 0.0 {
                    trace.term(Target::Utility(p), Cause::Combination(i), *d);
                }
            }
            for &(m, d) in &comb.effects {
                raw[m] += d;
                trace.term(Target::Metric(m), Cause::Combination(i), d);
            }
        }
    }
    // Stock metrics are clamped to their range.
    let mut metrics = raw.clone();
    for (m, mm) in model.metrics.iter().enumerate() {
        if mm.kind == MetricKind::Stock {
            let v = raw[m].clamp(mm.min, mm.max);
            if v != raw[m] {
                trace.term(Target::Metric(m), Cause::Clamp, v - raw[m]);
            }
            metrics[m] = v;
        }
    }

    // Step 2: utility values the metrics' movement.
    for (p, party) in model.parties.iter().enumerate() {
        for (m, &w) in party.weights.iter().enumerate() {
            if w != 0.0 {
                let d = w * (metrics[m] - model.metrics[m].initial);
                utility[p] += d;
                trace.term(Target::Utility(p), Cause::Weight { metric: m }, d);
            }
        }
    }

    // Step 3: red lines and acceptance.
    let mut crossed = PartyVec::new();
    let mut acceptance = PartyVec::new();
    for (p, party) in model.parties.iter().enumerate() {
        let line = party
            .red_lines
            .iter()
            .position(|c| holds(model, c, options, ctx.status, &metrics));
        crossed.push(line);
        acceptance.push(if line.is_some() {
            0.0
        } else {
            logistic((utility[p] - ctx.reservation[p]) / party.flexibility)
        });
    }

    // Step 4: divergence between allies lowers cohesion-style metrics.
    let mut divergence = 0.0;
    let mut pairs = 0u32;
    for p in 0..np {
        for q in p + 1..np {
            if model.parties[p].allies.contains(&q) || model.parties[q].allies.contains(&p) {
                divergence += (acceptance[p] - acceptance[q]).abs();
                pairs += 1;
            }
        }
    }
    if pairs > 0 {
        divergence /= f64::from(pairs);
    }
    for (m, mm) in model.metrics.iter().enumerate() {
        if mm.kind == MetricKind::Stock && mm.divergence > 0.0 && pairs > 0 {
            let v = (metrics[m] - mm.divergence * divergence).clamp(mm.min, mm.max);
            trace.term(Target::Metric(m), Cause::Divergence, v - metrics[m]);
            metrics[m] = v;
        }
    }

    // Step 5: deal likelihood.
    let likelihood: f64 = model
        .rules
        .signatories
        .iter()
        .map(|&p| acceptance[p])
        .product();
    if let Some(m) = model.deal_metric {
        let mm = &model.metrics[m];
        metrics[m] = mm.min + (mm.max - mm.min) * likelihood;
    }

    Evaluation {
        metrics,
        utility,
        reservation: ctx.reservation.iter().copied().collect(),
        acceptance,
        crossed,
        likelihood,
    }
}

impl Model {
    /// The draft as the scenario writes it.
    pub fn initial_package(&self) -> Package {
        Package {
            options: self.clauses.iter().map(|c| c.initial).collect(),
        }
    }

    /// The initial draft with substitutions: `(clause id, variant id or "struck")`.
    pub fn package(&self, changes: &[(&str, &str)]) -> Result<Package, String> {
        let mut pkg = self.initial_package();
        for (clause, variant) in changes {
            let c = self
                .clause_index(clause)
                .ok_or_else(|| format!("unknown clause '{clause}'"))?;
            let o = self
                .option_index(c, variant)
                .ok_or_else(|| format!("clause '{clause}' has no variant '{variant}'"))?;
            pkg.options[c] = o;
        }
        Ok(pkg)
    }

    /// Reservation values as the scenario writes them.
    pub fn reservations(&self) -> PartyVec<f64> {
        self.parties.iter().map(|p| p.reservation).collect()
    }

    /// Evaluate a bare package: no events, no actions, every clause open.
    pub fn evaluate(&self, pkg: &Package) -> Evaluation {
        let base = vec![0.0; self.metrics.len()];
        let reservation = self.reservations();
        let ctx = Context {
            status: None,
            base: &base,
            reservation: &reservation,
        };
        finish(
            self,
            &Sums::of(self, &pkg.options),
            &pkg.options,
            ctx,
            &mut NoTrace,
        )
    }

    /// Would party `p` sign this package (no red line, U_p ≥ R_p)?
    pub fn would_sign(&self, pkg: &Package, p: usize) -> bool {
        self.evaluate(pkg).would_sign(p)
    }

    /// The first linkage rule a draft breaks: (clause index, plain words).
    pub fn linkage_problem(&self, options: &[usize]) -> Option<(usize, String)> {
        (0..self.clauses.len()).find_map(|c| self.clause_linkage(options, c).map(|m| (c, m)))
    }

    /// The linkage rule that setting clause `c` to `option` would break in
    /// `options` (only `c`'s own links and the clauses linking to `c` can break).
    pub fn linkage_with(&self, options: &mut [usize], c: usize, option: usize) -> Option<String> {
        let old = std::mem::replace(&mut options[c], option);
        let problem = self.clause_linkage(options, c).or_else(|| {
            self.clauses[c]
                .linked_from
                .iter()
                .find_map(|&d| self.clause_linkage(options, d))
        });
        options[c] = old;
        problem
    }

    /// Whether clause `c`'s current option stands with the rest of the draft.
    pub fn clause_linkage(&self, options: &[usize], c: usize) -> Option<String> {
        let link_holds = |l: &crate::scenario::model::Link| match l.variant {
            Some(v) => options[l.clause] == v,
            None => options[l.clause] != self.clauses[l.clause].struck(),
        };
        let describe = |l: &crate::scenario::model::Link| match l.variant {
            Some(v) => format!(
                "{} worded as '{}'",
                self.scenario.clauses[l.clause].id,
                self.option_label(l.clause, v)
            ),
            None => format!("{} in the draft", self.scenario.clauses[l.clause].id),
        };
        let opt = &self.clauses[c].options[options[c]];
        let id = &self.scenario.clauses[c].id;
        if let Some(l) = opt.requires.iter().find(|l| !link_holds(l)) {
            return Some(format!(
                "{id} as '{}' requires {}",
                self.option_label(c, options[c]),
                describe(l)
            ));
        }
        if let Some(l) = opt.excludes.iter().find(|l| link_holds(l)) {
            return Some(format!(
                "{id} as '{}' cannot stand beside {}",
                self.option_label(c, options[c]),
                describe(l)
            ));
        }
        None
    }
}
