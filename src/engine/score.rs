//! The scoring model (docs/MODEL.md): metrics, utilities, acceptance and deal
//! likelihood for a draft. One implementation serves the game, the what-if
//! previews, the analysis and the "why" breakdowns: a [`Trace`] receives every
//! term as it is added, and the fast paths pass [`NoTrace`].

use crate::core::model::{MAX_METRICS, MAX_PARTIES, Model};
use crate::core::schema::MetricKind;
use crate::core::{Cond, Facts};
use arrayvec::ArrayVec;

pub use crate::core::model::{MetricVec, Package, PartyVec};

/// Where a clause stands at the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Status {
    Open,
    Agreed,
    Struck,
}

/// Everything the model says about one draft.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Evaluation {
    /// Every metric's value (stock metrics clamped, the deal metric derived).
    pub metrics: MetricVec<f64>,
    /// U_p.
    pub utility: PartyVec<f64>,
    /// R_p in force: each party's true bottom line (drawn for the game, moved
    /// by events, actions and the cost of delay). Private to each seat.
    pub reservation: PartyVec<f64>,
    /// a_p in 0..1: the public chance that p signs this text (its belief's
    /// [`Belief::accept`] of U_p; 0 when a red line is crossed).
    pub acceptance: PartyVec<f64>,
    /// The first red line of each party that the draft crosses.
    pub crossed: PartyVec<Option<usize>>,
    /// Π a_p over the signatories, 0..1: the public chance of a deal.
    pub likelihood: f64,
    /// The table's support (docs/MODEL.md): Σ ln a_p over the signatories,
    /// less [`RED_LINE_PENALTY`] for each crossed red line.
    pub support: f64,
    /// Bitset of the active combinations.
    pub active: u64,
    /// Per party, bitset of the red lines that hold.
    pub lines: PartyVec<u64>,
    /// Bitset of the parties whose signature the deal needs for this text:
    /// the signatories in force, and every party whose consent a clause in
    /// the text needs (`consent_of`).
    pub needed: u64,
}

impl Evaluation {
    /// Does the deal need `p`'s signature for this text?
    pub fn needs(&self, p: usize) -> bool {
        self.needed >> p & 1 == 1
    }

    /// Would party `p` sign: no red line crossed and U_p ≥ R_p.
    pub fn would_sign(&self, p: usize) -> bool {
        self.crossed[p].is_none() && self.utility[p] >= self.reservation[p]
    }
}

/// What a term of a breakdown is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Metric(usize),
    Utility(usize),
}

/// Why a number moved.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cause {
    /// The metric's starting value.
    Initial,
    /// A clause at its current option.
    Clause { clause: usize, option: usize },
    /// An interaction term that is active.
    Combination(usize),
    /// A metric's movement valued by the party's weight.
    Weight { metric: usize },
    /// Allies' acceptance diverging (cohesion-style metrics).
    Divergence,
    /// The value was clamped to the metric's range.
    Clamp,
}

/// Receives the terms of the model as they are added.
pub(crate) trait Trace {
    fn term(&mut self, target: Target, cause: Cause, delta: f64);
}

/// The fast path: records nothing.
pub(crate) struct NoTrace;

impl Trace for NoTrace {
    #[inline(always)]
    fn term(&mut self, _: Target, _: Cause, _: f64) {}
}

/// Records every term.
#[derive(Default, Debug)]
pub(crate) struct Recorder {
    pub terms: Vec<(Target, Cause, f64)>,
}

impl Trace for Recorder {
    fn term(&mut self, target: Target, cause: Cause, delta: f64) {
        self.terms.push((target, cause, delta));
    }
}

/// Penalty, in nats of support, for each red line a draft crosses (docs/MODEL.md).
pub const RED_LINE_PENALTY: f64 = 10.0;

/// The least ln σ counted in the support (σ below 1e-300 counts as 1e-300).
const LN_FLOOR: f64 = -690.775_527_898_213_7;

/// The logistic function.
#[inline]
pub(crate) fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// What the table publicly knows about one party's bottom line
/// (docs/MODEL.md, "Private bottom lines"): a logistic prior with this mean
/// and scale, moved by public shifts, and cut by what votes revealed: the
/// bottom line is above `lo` (a refusal) and at most `hi` (a signature).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Belief {
    pub mean: f64,
    pub spread: f64,
    pub lo: f64,
    pub hi: f64,
}

impl Belief {
    /// The scenario's prior, nothing revealed.
    pub fn prior(mean: f64, spread: f64) -> Belief {
        Belief {
            mean,
            spread,
            lo: f64::NEG_INFINITY,
            hi: f64::INFINITY,
        }
    }

    /// Whether a vote has revealed anything.
    pub fn revealed(&self) -> bool {
        self.lo > f64::NEG_INFINITY || self.hi < f64::INFINITY
    }

    /// P(R ≤ u | lo < R ≤ hi): the public chance the party signs a text worth
    /// `u` to it (no red line crossed). Exact for the truncated logistic.
    #[inline]
    pub fn accept(&self, u: f64) -> f64 {
        if u <= self.lo {
            return 0.0;
        }
        if u >= self.hi {
            return 1.0;
        }
        let z = |x: f64| (x - self.mean) / self.spread;
        if !self.revealed() {
            return logistic(z(u));
        }
        let (a, b, x) = (z(self.lo), z(self.hi), z(u));
        // In the upper tail the survival function S(t) = σ(−t) keeps its
        // precision where σ(t) rounds to 1.
        let p = if a > 0.0 {
            let s = |t: f64| logistic(-t);
            (s(a) - s(x)) / (s(a) - s(b))
        } else {
            (logistic(x) - logistic(a)) / (logistic(b) - logistic(a))
        };
        if p.is_nan() { 0.5 } else { p.clamp(0.0, 1.0) }
    }

    /// Where the public belief gives even odds: the screens' public estimate
    /// of the bottom line (the prior mean until a vote reveals something).
    pub fn median(&self) -> f64 {
        let b = self;
        let spread = b.spread.abs().max(1e-9);
        let mut lo = if b.lo.is_finite() {
            b.lo
        } else {
            b.mean - 60.0 * spread
        };
        let mut hi = if b.hi.is_finite() {
            b.hi
        } else {
            b.mean + 60.0 * spread
        };
        if lo.partial_cmp(&hi) != Some(std::cmp::Ordering::Less) {
            return b.mean;
        }
        for _ in 0..100 {
            let mid = 0.5 * (lo + hi);
            if b.accept(mid) < 0.5 {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    }

    /// A public change to the bottom line (a card, an action, the cost of delay).
    pub fn shift(&mut self, d: f64) {
        self.mean += d;
        self.lo += d;
        self.hi += d;
    }

    /// The party refused a text worth `u` to it (no red line crossed): its
    /// bottom line is above `u`. A refusal that contradicts an earlier
    /// signature (a bluff, from a human seat) replaces what it contradicts.
    pub fn refused(&mut self, u: f64) {
        if u >= self.hi {
            self.hi = f64::INFINITY;
        }
        self.lo = self.lo.max(u);
    }

    /// The party signed a text worth `u` to it: its bottom line is at most `u`.
    pub fn signed(&mut self, u: f64) {
        if u <= self.lo {
            self.lo = f64::NEG_INFINITY;
        }
        self.hi = self.hi.min(u);
    }
}

/// Per-clause sums over a draft, kept so a one-clause change costs O(parties + metrics).
/// Fixed-size, so saving and restoring them is one copy; entries past the
/// scenario's parties and metrics stay 0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Sums {
    pub utility: [f64; MAX_PARTIES],
    pub effects: [f64; MAX_METRICS],
    /// Per party, how many clauses of the text need its consent.
    pub consent: [u16; MAX_PARTIES],
}

impl Sums {
    /// Sum the clause terms of a draft.
    pub fn of(model: &Model, options: &[usize]) -> Sums {
        let mut s = Sums {
            utility: [0.0; MAX_PARTIES],
            effects: [0.0; MAX_METRICS],
            consent: [0; MAX_PARTIES],
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
        for p in ones(opt.consent) {
            if sign > 0.0 {
                self.consent[p] += 1;
            } else {
                self.consent[p] -= 1;
            }
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
pub(crate) struct Context<'a> {
    /// Each clause's status (None: every clause open, as for a bare package).
    pub status: Option<&'a [Status]>,
    /// Event and action deltas per metric.
    pub base: &'a [f64],
    /// True bottom lines in force.
    pub reservation: &'a [f64],
    /// The public beliefs about them.
    pub belief: &'a [Belief],
    /// Whose signature the deal needs (a flag per party).
    pub signatory: &'a [bool],
}

/// A draft in its context, as conditions read it: each clause's option, the
/// table's statuses (None: a bare package, nothing agreed) and the metrics.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Draft<'a> {
    pub model: &'a Model,
    pub options: &'a [usize],
    pub status: Option<&'a [Status]>,
    pub metrics: &'a [f64],
}

impl Facts for Draft<'_> {
    #[inline]
    fn option(&self, clause: usize) -> Option<usize> {
        Some(self.options[clause])
    }
    #[inline]
    fn struck(&self, clause: usize) -> usize {
        self.model.clauses[clause].struck()
    }
    #[inline]
    fn agreed(&self, clause: usize) -> bool {
        self.status.is_some_and(|s| s[clause] == Status::Agreed)
    }
    #[inline]
    fn metric(&self, metric: usize) -> f64 {
        self.metrics[metric]
    }
}

impl<'a> Draft<'a> {
    /// Whether `cond` holds on this draft.
    #[inline]
    pub fn holds(&self, cond: &Cond) -> bool {
        cond.holds(self)
    }
}

/// The model's formulas, steps 1–5 of docs/MODEL.md, given the clause sums.
pub(crate) fn finish(
    model: &Model,
    sums: &Sums,
    options: &[usize],
    ctx: Context,
    trace: &mut impl Trace,
) -> Evaluation {
    finish_with(model, sums, options, ctx, Hint::None, trace)
}

/// What is already known about a draft close to the one being evaluated.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Hint<'a> {
    /// Nothing: every condition is evaluated.
    None,
    /// The evaluation of a draft that differs only in this clause's option.
    Clause(&'a Evaluation, usize),
    /// The evaluation of the same draft text in another context (events,
    /// actions or statuses have moved since).
    Text(&'a Evaluation),
}

/// What an incremental evaluation starts from: the known evaluation, and
/// the combinations and (party, red line) pairs it must evaluate again.
struct Recheck<'a> {
    known: &'a Evaluation,
    combos: &'a [usize],
    lines: &'a [(usize, usize)],
}

impl<'a> Hint<'a> {
    /// `None` when nothing is known (evaluate everything).
    #[inline]
    fn recheck(self, model: &'a Model) -> Option<Recheck<'a>> {
        let w = &model.watch;
        let (known, combos, lines) = match self {
            Hint::None => return None,
            Hint::Clause(known, c) => (known, &w.combos[c], &w.lines[c]),
            Hint::Text(known) => (known, &w.dynamic_combos, &w.dynamic_lines),
        };
        Some(Recheck {
            known,
            combos,
            lines,
        })
    }
}

/// Make `v` hold `n` entries (new ones 0), keeping its buffer.
#[inline]
fn resize<T: Copy + Default, const N: usize>(v: &mut ArrayVec<T, N>, n: usize) {
    if v.len() != n {
        v.truncate(n);
        while v.len() < n {
            v.push(T::default());
        }
    }
}

/// Set or clear bit `i`.
#[inline]
fn set_bit(bits: &mut u64, i: usize, on: bool) {
    *bits = (*bits & !(1 << i)) | (u64::from(on) << i);
}

/// The indices of the set bits, lowest first.
#[inline]
fn ones(mut bits: u64) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (bits != 0).then(|| {
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            i
        })
    })
}

/// [`finish`] given what is known about a nearby draft (see [`Hint`]).
/// Conditions the difference cannot reach keep their truth from the hint;
/// the result is identical to [`finish`].
pub(crate) fn finish_with(
    model: &Model,
    sums: &Sums,
    options: &[usize],
    ctx: Context,
    hint: Hint,
    trace: &mut impl Trace,
) -> Evaluation {
    let mut out = Evaluation::default();
    finish_into(model, sums, options, ctx, hint, trace, &mut out);
    out
}

/// [`finish_with`] into an evaluation that is overwritten, so a caller
/// trying many drafts reuses one (the hot path of the mediator's revisions).
pub(crate) fn finish_into(
    model: &Model,
    sums: &Sums,
    options: &[usize],
    ctx: Context,
    hint: Hint,
    trace: &mut impl Trace,
    out: &mut Evaluation,
) {
    weigh_into(model, sums, options, ctx, hint, trace, out);
    settle(model, trace, out);
}

/// Steps 1–3 of [`finish_into`]: utilities, metrics before divergence, red
/// lines, acceptance and the mediator's support. Enough to rank candidate
/// drafts by support; [`settle`] completes the evaluation of the one kept.
pub(crate) fn weigh_into(
    model: &Model,
    sums: &Sums,
    options: &[usize],
    ctx: Context,
    hint: Hint,
    trace: &mut impl Trace,
    out: &mut Evaluation,
) {
    let Evaluation {
        metrics,
        utility,
        reservation,
        acceptance,
        crossed,
        support,
        active,
        lines,
        needed,
        likelihood: _,
    } = out;
    let (np, nm) = (model.parties.len(), model.metrics.len());
    // The buffers are reused: sized once, then overwritten in place.
    for (v, n) in [
        (&mut *utility, np),
        (&mut *reservation, np),
        (&mut *acceptance, np),
    ] {
        resize(v, n);
    }
    resize(metrics, nm);
    resize(lines, np);
    if crossed.len() != np {
        crossed.clear();
        crossed.extend((0..np).map(|_| None));
    }
    utility.copy_from_slice(&sums.utility[..np]);
    reservation.copy_from_slice(&ctx.reservation[..np]);
    for (m, (v, mm)) in metrics.iter_mut().zip(&model.metrics).enumerate() {
        *v = mm.initial + ctx.base[m] + sums.effects[m];
    }

    // Step 1: combinations add utility and effects.
    let recheck = hint.recheck(model);
    // Combinations read wordings and statuses, never metrics.
    let draft = Draft {
        model,
        options,
        status: ctx.status,
        metrics: &[],
    };
    let comb_holds = |i: usize| draft.holds(&model.combinations[i].when);
    *active = match &recheck {
        None => {
            (0..model.combinations.len()).fold(0u64, |bits, i| bits | u64::from(comb_holds(i)) << i)
        }
        Some(r) => {
            let mut bits = r.known.active;
            for &i in r.combos {
                set_bit(&mut bits, i, comb_holds(i));
            }
            bits
        }
    };
    for i in ones(*active) {
        let comb = &model.combinations[i];
        for (p, d) in comb.utility.iter().enumerate() {
            utility[p] += d;
            if *d != 0.0 {
                trace.term(Target::Utility(p), Cause::Combination(i), *d);
            }
        }
        for &(m, d) in &comb.effects {
            metrics[m] += d;
            trace.term(Target::Metric(m), Cause::Combination(i), d);
        }
    }
    // Stock metrics are clamped to their range.
    for (m, mm) in model.metrics.iter().enumerate() {
        if mm.kind == MetricKind::Stock {
            let v = metrics[m].clamp(mm.min, mm.max);
            if v != metrics[m] {
                trace.term(Target::Metric(m), Cause::Clamp, v - metrics[m]);
            }
            metrics[m] = v;
        }
    }

    // Step 2: utility values the metrics' movement.
    for (p, party) in model.parties.iter().enumerate() {
        for &(m, w) in &party.weighted {
            let d = w * (metrics[m] - model.metrics[m].initial);
            utility[p] += d;
            trace.term(Target::Utility(p), Cause::Weight { metric: m }, d);
        }
    }

    // Step 3: red lines, acceptance, and the mediator's support.
    let draft = Draft { metrics, ..draft };
    let line_holds = |p: usize, j: usize| draft.holds(&model.parties[p].red_lines[j]);
    match recheck {
        None => {
            for (p, party) in model.parties.iter().enumerate() {
                lines[p] = (0..party.red_lines.len())
                    .fold(0u64, |bits, j| bits | u64::from(line_holds(p, j)) << j);
            }
        }
        Some(r) => {
            lines.copy_from_slice(&r.known.lines);
            for &(p, j) in r.lines {
                set_bit(&mut lines[p], j, line_holds(p, j));
            }
        }
    }
    *needed = 0;
    for p in 0..np {
        if ctx.signatory[p] || sums.consent[p] > 0 {
            *needed |= 1 << p;
        }
    }
    *support = 0.0;
    for p in 0..np {
        let bits = lines[p];
        let line = (bits != 0).then(|| bits.trailing_zeros() as usize);
        crossed[p] = line;
        let b = &ctx.belief[p];
        // Nothing revealed: σ(x) and ln σ(x) from one exponential,
        // σ = 1/(1+e^−x), ln σ = −ln(1+e^−x).
        let (a, ln_a) = if b.revealed() {
            let a = b.accept(utility[p]);
            (a, a.ln())
        } else {
            let e = (-(utility[p] - b.mean) / b.spread).exp();
            // ln(1 + e) rather than ln_1p: as precise where it matters (e above
            // 1e-16) and much faster in the revision loop.
            let d = 1.0 + e;
            (1.0 / d, -d.ln())
        };
        acceptance[p] = if line.is_some() { 0.0 } else { a };
        if *needed >> p & 1 == 1 {
            *support += ln_a.max(LN_FLOOR) - RED_LINE_PENALTY * f64::from(bits.count_ones());
        }
    }
}

/// Steps 4–5 of [`finish_into`], on an evaluation [`weigh_into`] left.
pub(crate) fn settle(model: &Model, trace: &mut impl Trace, out: &mut Evaluation) {
    let Evaluation {
        metrics,
        acceptance,
        likelihood,
        needed,
        ..
    } = out;
    // Step 4: divergence between allies lowers cohesion-style metrics.
    if !model.ally_pairs.is_empty() {
        let divergence = model
            .ally_pairs
            .iter()
            .map(|&(p, q)| (acceptance[p] - acceptance[q]).abs())
            .sum::<f64>()
            / model.ally_pairs.len() as f64;
        for (m, mm) in model.metrics.iter().enumerate() {
            if mm.kind == MetricKind::Stock && mm.divergence > 0.0 {
                let v = (metrics[m] - mm.divergence * divergence).clamp(mm.min, mm.max);
                trace.term(Target::Metric(m), Cause::Divergence, v - metrics[m]);
                metrics[m] = v;
            }
        }
    }

    // Step 5: deal likelihood.
    *likelihood = acceptance
        .iter()
        .enumerate()
        .filter(|&(p, _)| *needed >> p & 1 == 1)
        .map(|(_, a)| *a)
        .product();
    if let Some(m) = model.deal_metric {
        let mm = &model.metrics[m];
        metrics[m] = mm.min + (mm.max - mm.min) * *likelihood;
    }
}

impl Model {
    /// The bottom lines' prior means as the scenario writes them.
    pub fn reservations(&self) -> PartyVec<f64> {
        self.parties.iter().map(|p| p.reservation).collect()
    }

    /// The public priors on the bottom lines, nothing revealed.
    pub fn priors(&self) -> PartyVec<Belief> {
        self.parties
            .iter()
            .map(|p| Belief::prior(p.reservation, p.spread))
            .collect()
    }

    /// Evaluate a bare package: no events, no actions, every clause open,
    /// each bottom line at its prior mean and the public beliefs the priors.
    pub fn evaluate(&self, pkg: &Package) -> Evaluation {
        let base = vec![0.0; self.metrics.len()];
        let reservation = self.reservations();
        let belief = self.priors();
        let ctx = Context {
            status: None,
            base: &base,
            reservation: &reservation,
            belief: &belief,
            signatory: &self.rules.signatory,
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
}
