//! "Deal space": how far the table's final draft is from the zone of possible
//! agreement (ZOPA) and from the Nash bargaining package, clause by clause,
//! from [`crate::analysis::Advisor`]. The analysis uses the bare model (the
//! scenario's reservations, no event cards or diplomatic moves), which the
//! report says.

use crate::analysis::{Advisor, advise::Change};
use crate::scenario::Model;
use serde::Serialize;

/// The final draft against the deal space.
#[derive(Debug, Clone, Serialize)]
pub struct DealSpace {
    /// Every party would sign the final draft (bare model).
    pub in_zopa: bool,
    /// Per party: would it sign the final draft (bare model)?
    pub signs: Vec<PartySigns>,
    /// The fewest clause changes that make a draft every party would sign
    /// (`None`: no such package found).
    pub distance_to_zopa: Option<usize>,
    /// One nearest package in the ZOPA, as changes from the final draft.
    pub nearest_zopa: Vec<ClauseDiff>,
    /// The Nash bargaining package's differences from the final draft.
    pub nash: Vec<ClauseDiff>,
    /// Each party's utility: the final draft, the nearest ZOPA package and the
    /// Nash package (bare model).
    pub utility: Vec<UtilityRow>,
    /// Whether a Nash package exists (an empty ZOPA has none).
    pub nash_found: bool,
    /// The distance is proven minimal and the Nash package optimal.
    pub exact: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct PartySigns {
    pub party: String,
    pub signs: bool,
}

/// One clause the draft would change.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseDiff {
    pub clause: String,
    pub number: u32,
    pub title: String,
    pub draft: String,
    pub draft_label: String,
    pub to: String,
    pub to_label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct UtilityRow {
    pub party: String,
    pub name: String,
    pub draft: f64,
    pub nearest_zopa: Option<f64>,
    pub nash: Option<f64>,
    pub reservation: f64,
}

fn diff(model: &Model, changes: &[Change]) -> Vec<ClauseDiff> {
    changes
        .iter()
        .map(|ch| {
            let c = &model.scenario.clauses[ch.clause];
            ClauseDiff {
                clause: c.id.clone(),
                number: c.number,
                title: c.title.clone(),
                draft: model.option_id(ch.clause, ch.from).into(),
                draft_label: model.option_label(ch.clause, ch.from).into(),
                to: model.option_id(ch.clause, ch.to).into(),
                to_label: model.option_label(ch.clause, ch.to).into(),
            }
        })
        .collect()
}

fn r4(x: f64) -> f64 {
    let r = (x * 10_000.0).round() / 10_000.0;
    if r == 0.0 { 0.0 } else { r }
}

impl DealSpace {
    /// The deal space around `draft` (an option per clause).
    pub fn of(model: &Model, advisor: &Advisor, draft: &[usize]) -> DealSpace {
        let advice = advisor.advise(draft);
        let eval = model.evaluate(&crate::engine::Package {
            options: draft.to_vec(),
        });
        let parties = &model.scenario.parties;
        DealSpace {
            in_zopa: advice.in_zopa,
            signs: parties
                .iter()
                .zip(&advice.signs)
                .map(|(p, &signs)| PartySigns {
                    party: p.id.clone(),
                    signs,
                })
                .collect(),
            distance_to_zopa: advice.distance_to_zopa,
            nearest_zopa: diff(model, &advice.nearest_zopa_changes),
            nash: diff(model, &advice.nash_diff),
            utility: parties
                .iter()
                .enumerate()
                .map(|(p, party)| UtilityRow {
                    party: party.id.clone(),
                    name: party.name.clone(),
                    draft: r4(eval.utility[p]),
                    nearest_zopa: advice.nearest_utility.get(p).map(|&u| r4(u)),
                    nash: advice
                        .nash_utility
                        .as_ref()
                        .and_then(|u| u.get(p))
                        .map(|&u| r4(u)),
                    reservation: r4(model.parties[p].reservation),
                })
                .collect(),
            nash_found: advice.nash_utility.is_some(),
            exact: advice.exact,
        }
    }
}
