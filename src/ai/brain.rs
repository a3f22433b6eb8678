//! What an AI seat knows about a scenario before the game starts: each party's
//! value for every clause option, and which clauses its red lines mention.
//! Built once per scenario and shared, so a decision is table look-ups.

use crate::core::Facts;
use crate::core::model::{MAX_VARIANTS, Model};

/// What a party makes of a clause at its current wording, before the
/// threshold of the moment is applied: everything a stance needs from the
/// utility tables and the red lines.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Assessment {
    /// The party's own red line the current wording crosses.
    pub crossed: Option<usize>,
    /// How far the current wording is below the party's best wording that
    /// crosses none of its red lines.
    pub gap: f64,
    /// The wording it would propose instead: (option, its own gain, the
    /// others' average gain). None when no other wording is better for it
    /// and crosses no one's red line.
    pub proposal: Option<(usize, f64, f64)>,
}

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
    /// Per clause whose red lines read no metric and no status: where its
    /// assessments start in a seat's table, and the other clauses those red
    /// lines read (with the stride of each in the table). What a party makes
    /// of such a clause depends on these wordings alone, so it is tabulated.
    keyed: Vec<Option<Key>>,
    /// Size of a seat's table.
    table_len: usize,
}

/// Who assesses, and what they see: the party, its seat's cooperation, the
/// draft's wordings and the world's metrics.
#[derive(Debug, Clone, Copy)]
pub struct View<'a> {
    pub party: usize,
    pub coop: f64,
    /// Opening rounds (a personality's `anchor`): propose its own best
    /// wording, whoever's red lines it crosses.
    pub anchor: bool,
    pub options: &'a [usize],
    pub metrics: &'a [f64],
}

/// Where a clause's assessments sit in a seat's table: at
/// `start + current + Σ options[k] × stride_k` over the clauses k read.
#[derive(Debug, Clone)]
struct Key {
    start: usize,
    others: Vec<(usize, usize)>,
}

/// The most entries one clause may take in a seat's table; a clause whose red
/// lines read more wordings than this is assessed afresh every time.
const MAX_KEYED: usize = 4096;

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
                cond.each_clause(&mut |c| mentioned.push(c));
                mentioned.sort_unstable();
                mentioned.dedup();
                for c in mentioned {
                    lines[c].push((p, l));
                }
            }
        }
        let mut keyed = Vec::with_capacity(model.clauses.len());
        let mut table_len = 0;
        for (c, clause) in model.clauses.iter().enumerate() {
            let mut reads: Vec<usize> = Vec::new();
            let mut dynamic = false;
            for &(p, l) in &lines[c] {
                let deps = &model.parties[p].red_line_deps[l];
                dynamic |= deps.dynamic;
                reads.extend((0..model.clauses.len()).filter(|&k| k != c && deps.touches(k)));
            }
            reads.sort_unstable();
            reads.dedup();
            let mut size = clause.options.len();
            let mut others = Vec::with_capacity(reads.len());
            for k in reads {
                others.push((k, size));
                size = size.saturating_mul(model.clauses[k].options.len());
            }
            if dynamic || size > MAX_KEYED {
                keyed.push(None);
            } else {
                keyed.push(Some(Key {
                    start: table_len,
                    others,
                }));
                table_len += size;
            }
        }
        Brain {
            parties: np,
            offset,
            value,
            lines,
            total,
            keyed,
            table_len,
        }
    }

    /// Party p's assessment of every tabulated clause at every wording of it
    /// and of the clauses its red lines read, for a seat of cooperation
    /// `coop`: the seat's table, read by [`Brain::assess`].
    pub fn tabulate(&self, model: &Model, p: usize, coop: f64, anchor: bool) -> Vec<Assessment> {
        let blank = Assessment {
            crossed: None,
            gap: 0.0,
            proposal: None,
        };
        let mut table = vec![blank; self.table_len];
        // Other clauses keep their initial wording: the red lines read none of them.
        let mut options: Vec<usize> = model.clauses.iter().map(|c| c.initial).collect();
        for (c, key) in self.keyed.iter().enumerate() {
            let Some(key) = key else { continue };
            let n = model.clauses[c].options.len();
            let size = key
                .others
                .iter()
                .fold(n, |s, &(k, _)| s * model.clauses[k].options.len());
            for i in 0..size {
                // Entry i: the wording of c and of each clause read, by stride.
                options[c] = i % n;
                for &(k, stride) in &key.others {
                    options[k] = (i / stride) % model.clauses[k].options.len();
                }
                let view = View {
                    party: p,
                    coop,
                    anchor,
                    options: &options,
                    metrics: &[],
                };
                table[key.start + i] = self.assess_now(model, view, c);
            }
            for &k in std::iter::once(&c).chain(key.others.iter().map(|(k, _)| k)) {
                options[k] = model.clauses[k].initial;
            }
        }
        table
    }

    /// What `view.party` makes of clause c at the draft's wording.
    /// `table` is the seat's [`Brain::tabulate`].
    #[inline]
    pub fn assess(&self, model: &Model, table: &[Assessment], view: View, c: usize) -> Assessment {
        match &self.keyed[c] {
            Some(key) => {
                let at = key
                    .others
                    .iter()
                    .fold(key.start + view.options[c], |i, &(k, stride)| {
                        i + view.options[k] * stride
                    });
                table[at]
            }
            None => self.assess_now(model, view, c),
        }
    }

    /// [`Brain::assess`] worked out from the utility tables and red lines.
    fn assess_now(&self, model: &Model, view: View, c: usize) -> Assessment {
        let View {
            party: p,
            coop,
            anchor,
            options,
            metrics,
        } = view;
        // An opening position weighs only the party's own values.
        let coop = if anchor { 0.0 } else { coop };
        let current = options[c];
        let cm = &model.clauses[c];
        let n = if cm.strikable {
            cm.options.len()
        } else {
            cm.variants
        };
        let guarded = self.guarded(c);
        // Which options cross one of its red lines. When every option does, the
        // line is held by other clauses too: blame only this clause's own atoms.
        let mut cross = [None; MAX_VARIANTS + 1];
        if guarded {
            for (o, x) in cross.iter_mut().enumerate().take(n) {
                *x = self.crosses(model, p, c, o, options, metrics);
            }
            if cross[..n].iter().all(Option::is_some) {
                for (o, x) in cross.iter_mut().enumerate().take(n) {
                    *x = self.culprit(model, p, c, o);
                }
            }
        }
        let crossed = cross[current];
        // The party's own best wording that crosses none of its red lines.
        let best_own = (0..n)
            .filter(|&o| cross[o].is_none())
            .map(|o| self.value(p, c, o))
            .fold(f64::NEG_INFINITY, f64::max);
        let here = self.value(p, c, current);

        // A wording to propose: its own value, weighed against the others' by
        // its cooperation, and none that crosses anyone's red line.
        let others_mean = |o: usize| {
            if self.parties < 2 {
                return 0.0;
            }
            (0..self.parties)
                .filter(|&q| q != p)
                .map(|q| self.value(q, c, o))
                .sum::<f64>()
                / (self.parties - 1) as f64
        };
        let score = |o: usize| (1.0 - coop) * self.value(p, c, o) + coop * others_mean(o);
        let mut best: Option<(usize, f64)> = None;
        for (o, x) in cross.iter().enumerate().take(n) {
            if o == current || x.is_some() {
                continue;
            }
            if self.value(p, c, o) <= here && crossed.is_none() {
                continue;
            }
            if guarded
                && !anchor
                && self
                    .crosses_other(model, p, c, o, options, metrics)
                    .is_some()
            {
                continue;
            }
            let s = score(o);
            if best.is_none_or(|(_, b)| s > b) {
                best = Some((o, s));
            }
        }
        Assessment {
            crossed,
            gap: best_own - here,
            proposal: best.map(|(o, _)| {
                (
                    o,
                    self.value(p, c, o) - here,
                    others_mean(o) - others_mean(current),
                )
            }),
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
        self.first_crossed(model, |q| q == p, c, o, options, metrics)
            .map(|(_, l)| l)
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
        self.first_crossed(model, |q| q != p, c, o, options, metrics)
    }

    /// The first (party, red line) among the parties `whose` that mentions
    /// clause c and would be crossed with c at option o.
    fn first_crossed(
        &self,
        model: &Model,
        whose: impl Fn(usize) -> bool,
        c: usize,
        o: usize,
        options: &[usize],
        metrics: &[f64],
    ) -> Option<(usize, usize)> {
        let facts = Swapped {
            model,
            options,
            clause: c,
            option: o,
            metrics,
        };
        self.lines[c]
            .iter()
            .copied()
            .find(|&(q, l)| whose(q) && model.parties[q].red_lines[l].holds(&facts))
    }

    /// Whether party p's red line `line` is held by clause c at option o alone
    /// (atoms about other clauses read as false): the clause is a culprit.
    pub fn culprit(&self, model: &Model, p: usize, c: usize, o: usize) -> Option<usize> {
        self.lines[c]
            .iter()
            .filter(|&&(q, _)| q == p)
            .find(|&&(_, l)| {
                model.parties[p].red_lines[l].holds(&Local {
                    model,
                    clause: c,
                    option: o,
                })
            })
            .map(|&(_, l)| l)
    }

    /// Whether any red line mentions clause c.
    #[inline]
    pub fn guarded(&self, c: usize) -> bool {
        !self.lines[c].is_empty()
    }
}

/// The draft as it is, with clause `clause` read at `option` (no copy), as a
/// party weighs a wording: nothing is agreed yet, metrics as they are now.
struct Swapped<'a> {
    model: &'a Model,
    options: &'a [usize],
    clause: usize,
    option: usize,
    metrics: &'a [f64],
}

impl Facts for Swapped<'_> {
    #[inline]
    fn option(&self, c: usize) -> Option<usize> {
        Some(if c == self.clause {
            self.option
        } else {
            self.options[c]
        })
    }
    #[inline]
    fn struck(&self, c: usize) -> usize {
        self.model.clauses[c].struck()
    }
    #[inline]
    fn agreed(&self, _: usize) -> bool {
        false
    }
    #[inline]
    fn metric(&self, m: usize) -> f64 {
        self.metrics[m]
    }
}

/// Only clause `clause`'s atoms, read at `option`: atoms about anything else
/// (other clauses, agreement, metrics) read as false.
struct Local<'a> {
    model: &'a Model,
    clause: usize,
    option: usize,
}

impl Facts for Local<'_> {
    #[inline]
    fn option(&self, c: usize) -> Option<usize> {
        (c == self.clause).then_some(self.option)
    }
    #[inline]
    fn struck(&self, c: usize) -> usize {
        self.model.clauses[c].struck()
    }
    #[inline]
    fn agreed(&self, _: usize) -> bool {
        false
    }
    #[inline]
    fn metric(&self, _: usize) -> f64 {
        f64::NAN
    }
}
