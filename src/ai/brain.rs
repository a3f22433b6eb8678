//! What an AI seat knows about a scenario before the game starts: each party's
//! value for every clause option, and which clauses its red lines mention.
//! Built once per scenario and shared, so a decision is table look-ups.

use crate::engine::score::holds;
use crate::scenario::model::{Cond, Model};

/// Per-scenario tables shared by every AI seat.
#[derive(Debug, Clone)]
pub struct Brain {
    parties: usize,
    /// Start of each clause's options in the flat tables.
    offset: Vec<usize>,
    /// `value[p * total + offset[c] + o]`: party p's utility for clause c at
    /// option o, with the option's metric effects valued by p's weights.
    value: Vec<f64>,
    /// `lines[c]`: (party, red line) pairs whose condition mentions clause c.
    lines: Vec<Vec<(usize, usize)>>,
    total: usize,
    linked: Vec<bool>,
}

impl Brain {
    /// Tabulate a scenario.
    pub fn new(model: &Model) -> Brain {
        let np = model.parties.len();
        let mut offset = Vec::with_capacity(model.clauses.len());
        let mut total = 0;
        for c in &model.clauses {
            offset.push(total);
            total += c.options.len();
        }
        let mut value = vec![0.0; np * total];
        for p in 0..np {
            let weights = &model.parties[p].weights;
            for (c, clause) in model.clauses.iter().enumerate() {
                for (o, opt) in clause.options.iter().enumerate() {
                    let metric: f64 = opt.effects.iter().map(|&(m, d)| weights[m] * d).sum();
                    value[p * total + offset[c] + o] = opt.utility[p] + metric;
                }
            }
        }
        let mut lines = vec![Vec::new(); model.clauses.len()];
        for (p, party) in model.parties.iter().enumerate() {
            for (l, cond) in party.red_lines.iter().enumerate() {
                let mut mentioned = Vec::new();
                clauses_of(cond, &mut mentioned);
                mentioned.sort_unstable();
                mentioned.dedup();
                for c in mentioned {
                    lines[c].push((p, l));
                }
            }
        }
        let mut linked = vec![false; model.clauses.len()];
        for (c, clause) in model.clauses.iter().enumerate() {
            for opt in &clause.options {
                for l in opt.requires.iter().chain(&opt.excludes) {
                    linked[c] = true;
                    linked[l.clause] = true;
                }
            }
        }
        Brain {
            linked,
            parties: np,
            offset,
            value,
            lines,
            total,
        }
    }

    /// Party p's value for clause c at option o.
    #[inline]
    pub fn value(&self, p: usize, c: usize, o: usize) -> f64 {
        self.value[p * self.total + self.offset[c] + o]
    }

    pub fn parties(&self) -> usize {
        self.parties
    }

    /// The first red line of party p crossed if clause c were at option o
    /// (the rest of the draft as it is).
    pub fn crosses(
        &self,
        model: &Model,
        p: usize,
        c: usize,
        o: usize,
        options: &[usize],
        metrics: &[f64],
    ) -> Option<usize> {
        self.lines[c]
            .iter()
            .filter(|&&(q, _)| q == p)
            .find(|&&(_, l)| {
                holds_with(
                    model,
                    &model.parties[p].red_lines[l],
                    options,
                    c,
                    o,
                    metrics,
                )
            })
            .map(|&(_, l)| l)
    }

    /// Whether any red line of a party other than `p` mentions clause c and
    /// would be crossed at option o; the first such (party, line).
    pub fn crosses_other(
        &self,
        model: &Model,
        p: usize,
        c: usize,
        o: usize,
        options: &[usize],
        metrics: &[f64],
    ) -> Option<(usize, usize)> {
        self.lines[c]
            .iter()
            .filter(|&&(q, _)| q != p)
            .find(|&&(q, l)| {
                holds_with(
                    model,
                    &model.parties[q].red_lines[l],
                    options,
                    c,
                    o,
                    metrics,
                )
            })
            .copied()
    }

    /// Whether party p's red line `line` is held by clause c at option o alone
    /// (atoms about other clauses read as false): the clause is a culprit.
    pub fn culprit(&self, model: &Model, p: usize, c: usize, o: usize) -> Option<usize> {
        self.lines[c]
            .iter()
            .filter(|&&(q, _)| q == p)
            .find(|&&(_, l)| local(model, &model.parties[p].red_lines[l], c, o))
            .map(|&(_, l)| l)
    }

    /// Whether clause c's options take part in any linkage rule.
    #[inline]
    pub fn linked(&self, c: usize) -> bool {
        self.linked[c]
    }

    /// Whether any red line mentions clause c.
    #[inline]
    pub fn guarded(&self, c: usize) -> bool {
        !self.lines[c].is_empty()
    }
}

fn clauses_of(cond: &Cond, out: &mut Vec<usize>) {
    match cond {
        Cond::Option(c, _) | Cond::Struck(c) | Cond::Present(c) | Cond::Agreed(c) => out.push(*c),
        Cond::All(cs) | Cond::Any(cs) => cs.iter().for_each(|c| clauses_of(c, out)),
        Cond::Not(c) => clauses_of(c, out),
        Cond::MetricBelow(..) | Cond::MetricAbove(..) | Cond::Always => {}
    }
}

/// [`holds`] with clause `sc` read as option `so`, without copying the draft.
fn holds_with(
    model: &Model,
    cond: &Cond,
    options: &[usize],
    sc: usize,
    so: usize,
    metrics: &[f64],
) -> bool {
    let opt = |c: usize| if c == sc { so } else { options[c] };
    match cond {
        Cond::Option(c, o) => opt(*c) == *o,
        Cond::Struck(c) => opt(*c) == model.clauses[*c].struck(),
        Cond::Present(c) => opt(*c) != model.clauses[*c].struck(),
        Cond::All(cs) => cs
            .iter()
            .all(|c| holds_with(model, c, options, sc, so, metrics)),
        Cond::Any(cs) => cs
            .iter()
            .any(|c| holds_with(model, c, options, sc, so, metrics)),
        Cond::Not(c) => !holds_with(model, c, options, sc, so, metrics),
        // Agreement is about the table, metrics about the world: read as they are now.
        other => holds(model, other, options, None, metrics),
    }
}

/// A condition with only clause `sc`'s atoms read (as option `so`); atoms about
/// anything else read as false.
fn local(model: &Model, cond: &Cond, sc: usize, so: usize) -> bool {
    match cond {
        Cond::Option(c, o) => *c == sc && so == *o,
        Cond::Struck(c) => *c == sc && so == model.clauses[*c].struck(),
        Cond::Present(c) => *c == sc && so != model.clauses[*c].struck(),
        Cond::All(cs) => cs.iter().all(|c| local(model, c, sc, so)),
        Cond::Any(cs) => cs.iter().any(|c| local(model, c, sc, so)),
        Cond::Not(c) => !local(model, c, sc, so),
        _ => false,
    }
}
