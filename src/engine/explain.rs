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

    /// Why party `p`'s reservation value is what it is.
    pub fn explain_reservation(&self, p: usize) -> Breakdown {
        let model = self.model();
        let mut terms = vec![Term {
            label: "the scenario's reservation".into(),
            delta: model.parties[p].reservation,
        }];
        terms.extend(ledger_terms(model, self.ledger(), Moved::Reservation(p)));
        Breakdown {
            label: format!("{}'s reservation (no-deal value)", model.party_name(p)),
            value: self.reservation()[p],
            terms,
        }
    }

    /// Why party `p` would sign with the probability it would.
    pub fn explain_acceptance(&self, p: usize) -> Breakdown {
        let model = self.model();
        let ev = self.evaluation();
        let tau = model.parties[p].flexibility;
        let terms = vec![
            Term {
                label: "utility U".into(),
                delta: ev.utility[p],
            },
            Term {
                label: "less reservation R".into(),
                delta: -ev.reservation[p],
            },
        ];
        let label = match ev.crossed[p] {
            Some(line) => format!(
                "{} will not sign: red line crossed — {}",
                model.party_name(p),
                model.scenario.parties[p].red_lines[line].text
            ),
            None => format!(
                "{} signs with probability σ((U − R)/τ), τ = {tau}: σ({:.2}/{tau})",
                model.party_name(p),
                ev.utility[p] - ev.reservation[p]
            ),
        };
        Breakdown {
            label,
            value: ev.acceptance[p],
            terms,
        }
    }
}
