//! The "why" behind every number: breakdowns built from the same formulas the
//! engine uses ([`super::score::finish`] with a [`Recorder`]).

use super::game::{Game, LedgerEntry, Moved, Source};
use super::score::{Cause, Recorder, Sums, Target, finish};
use crate::core::model::Model;
use crate::core::schema::MetricKind;

/// One line of a breakdown.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub label: String,
    pub delta: f64,
}

/// A value and the terms that add up to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Breakdown {
    pub label: String,
    pub value: f64,
    pub terms: Vec<Term>,
}

impl Breakdown {
    /// The sum of the terms (equals `value` for additive breakdowns).
    pub fn total(&self) -> f64 {
        self.terms.iter().map(|t| t.delta).sum()
    }

    /// Plain-text rendering, one term a line.
    pub fn render(&self) -> String {
        let mut s = format!("{} = {:.2}\n", self.label, self.value);
        for t in &self.terms {
            s.push_str(&format!("  {:+8.2}  {}\n", t.delta, t.label));
        }
        s
    }
}

/// Describe a cause in plain words.
pub(crate) fn describe(model: &Model, cause: Cause) -> String {
    let s = &model.scenario;
    match cause {
        Cause::Initial => "starting value".into(),
        Cause::Clause { clause, option } => {
            let c = &s.clauses[clause];
            format!(
                "point {} ({}): {}",
                c.number,
                c.title,
                model.option_label(clause, option)
            )
        }
        Cause::Combination(i) => format!("combination: {}", s.combinations[i].description),
        Cause::Weight { metric } => format!("weight on {}", s.metrics[metric].name),
        Cause::Divergence => "allies' acceptance diverging".into(),
        Cause::Clamp => "held within the metric's range".into(),
    }
}

/// Describe a ledger entry's source.
pub(crate) fn describe_source(model: &Model, source: Source) -> String {
    let s = &model.scenario;
    match source {
        Source::Event(e) => format!("event: {}", s.events[e].title),
        Source::Action { party, action } => {
            format!(
                "{} took '{}'",
                model.party_short(party),
                s.actions[action].name
            )
        }
        Source::Delay => "the war goes on (cost of delay)".into(),
        Source::Dissent(p) => format!(
            "{} refused a deal that went ahead without it",
            model.party_short(p)
        ),
    }
}

fn ledger_terms(model: &Model, ledger: &[LedgerEntry], moved: Moved) -> Vec<Term> {
    ledger
        .iter()
        .filter(|e| e.moved == moved && e.delta != 0.0)
        .map(|e| Term {
            label: format!("round {}: {}", e.round, describe_source(model, e.source)),
            delta: e.delta,
        })
        .collect()
}

impl Game {
    fn recorded(&self) -> Recorder {
        let mut rec = Recorder::default();
        let model = self.model();
        let sums = Sums::of(model, self.options());
        finish(model, &sums, self.options(), self.context(), &mut rec);
        rec
    }

    fn clause_terms(&self, target: Target) -> Vec<Term> {
        let model = self.model();
        let mut out = Vec::new();
        for (c, &o) in self.options().iter().enumerate() {
            let opt = &model.clauses[c].options[o];
            let delta = match target {
                Target::Utility(p) => opt.utility[p],
                Target::Metric(m) => opt.effects.iter().filter(|e| e.0 == m).map(|e| e.1).sum(),
            };
            if delta != 0.0 {
                out.push(Term {
                    label: describe(
                        model,
                        Cause::Clause {
                            clause: c,
                            option: o,
                        },
                    ),
                    delta,
                });
            }
        }
        out
    }

    fn traced(&self, target: Target) -> Vec<Term> {
        self.recorded()
            .terms
            .into_iter()
            .filter(|(t, _, d)| *t == target && *d != 0.0)
            .map(|(_, cause, delta)| Term {
                label: describe(self.model(), cause),
                delta,
            })
            .collect()
    }

    /// Why metric `m` has its value.
    pub fn explain_metric(&self, m: usize) -> Breakdown {
        let model = self.model();
        let meta = &model.scenario.metrics[m];
        let value = self.evaluation().metrics[m];
        if model.metrics[m].kind == MetricKind::DealLikelihood {
            let ev = self.evaluation();
            let terms = model
                .rules
                .signatories
                .iter()
                .map(|&p| Term {
                    label: format!(
                        "{} signs with probability {:.1}%",
                        model.party_name(p),
                        100.0 * ev.acceptance[p]
                    ),
                    delta: ev.acceptance[p],
                })
                .collect();
            return Breakdown {
                label: format!(
                    "{} (product of the factors below, on a {}–{} scale)",
                    meta.name, meta.min, meta.max
                ),
                value,
                terms,
            };
        }
        let mut terms = vec![Term {
            label: describe(model, Cause::Initial),
            delta: model.metrics[m].initial,
        }];
        terms.extend(ledger_terms(model, self.ledger(), Moved::Metric(m)));
        terms.extend(self.clause_terms(Target::Metric(m)));
        terms.extend(self.traced(Target::Metric(m)));
        Breakdown {
            label: meta.name.clone(),
            value,
            terms,
        }
    }

    /// Why party `p` values the draft as it does.
    pub fn explain_utility(&self, p: usize) -> Breakdown {
        let mut terms = self.clause_terms(Target::Utility(p));
        terms.extend(self.traced(Target::Utility(p)));
        Breakdown {
            label: format!("{}'s utility", self.model().party_name(p)),
            value: self.evaluation().utility[p],
            terms,
        }
    }

    /// Why party `p`'s bottom line is what it is: the value drawn for this
    /// game, then every public move of it.
    pub fn explain_reservation(&self, p: usize) -> Breakdown {
        let model = self.model();
        let prior = &model.parties[p];
        let mut terms = vec![Term {
            label: format!(
                "drawn for this game from the public prior (mean {:.1}, spread {:.1})",
                prior.reservation, prior.spread
            ),
            delta: self.drawn()[p],
        }];
        terms.extend(ledger_terms(model, self.ledger(), Moved::Reservation(p)));
        Breakdown {
            label: format!("{}'s bottom line (true reservation)", model.party_name(p)),
            value: self.reservation()[p],
            terms,
        }
    }

    /// Why the table gives party `p` the public chance of signing it does:
    /// its utility, the public belief about its bottom line and what votes
    /// revealed (docs/MODEL.md, "Beliefs").
    pub fn explain_acceptance(&self, p: usize) -> Breakdown {
        let model = self.model();
        let ev = self.evaluation();
        let b = self.belief()[p];
        let mut terms = vec![
            Term {
                label: "utility U".into(),
                delta: ev.utility[p],
            },
            Term {
                label: "less the public estimate of its bottom line (prior mean, moved in public)"
                    .into(),
                delta: -b.mean,
            },
        ];
        if b.lo > f64::NEG_INFINITY {
            terms.push(Term {
                label: format!("a refused vote showed its bottom line is above {:.1}", b.lo),
                delta: 0.0,
            });
        }
        if b.hi < f64::INFINITY {
            terms.push(Term {
                label: format!("a signature showed its bottom line is at most {:.1}", b.hi),
                delta: 0.0,
            });
        }
        let label = match ev.crossed[p] {
            Some(line) => format!(
                "{} will not sign: red line crossed — {}",
                model.party_name(p),
                model.scenario.parties[p].red_lines[line].text
            ),
            None => format!(
                "public chance {} signs: P(bottom line ≤ U), logistic prior with spread {:.1}{}",
                model.party_name(p),
                b.spread,
                if b.revealed() {
                    ", cut by what votes revealed"
                } else {
                    ""
                }
            ),
        };
        Breakdown {
            label,
            value: ev.acceptance[p],
            terms,
        }
    }
}
