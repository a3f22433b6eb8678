//! What one viewer may see of a table. Every screen is built from a [`View`],
//! and a view is built from a [`Redacted`] model: a copy of the scenario in
//! which every other party's private data (its brief, its goals, its
//! reservation and what moves it) is gone. A screen for Ukraine cannot show
//! Russia's brief because Ukraine's view has no such text to give it.
//!
//! Public: clause texts, utility tables and red lines (the parties' known
//! positions) and all play at the table. Private to a party: its brief and
//! goals and its reservation. At the end of the talks the scores (with every
//! reservation) are the debrief's and are shown to all.

use super::{Narration, Table};
use crate::engine::score::{Belief, PartyVec};
use crate::engine::{
    Action, ActionError, Breakdown, Changes, Ending, Evaluation, Phase, Proposal, Score, Selection,
    Stance, Status, Term,
};
use crate::scenario::Model;
use std::sync::Arc;

/// Who is looking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Viewer {
    /// A party's own seat: its private data, and the public rest.
    Party(usize),
    /// The facilitator: public data, and everyone's private data when `reveal` is on.
    Facilitator { reveal: bool },
    /// The projector, or a hot-seat screen between two seats: public data only.
    Public,
}

impl Viewer {
    /// Whether this viewer may see party `p`'s private data.
    pub fn may_see(self, p: usize) -> bool {
        match self {
            Viewer::Party(q) => q == p,
            Viewer::Facilitator { reveal } => reveal,
            Viewer::Public => false,
        }
    }

    /// The party whose seat this is, if any.
    pub fn party(self) -> Option<usize> {
        match self {
            Viewer::Party(p) => Some(p),
            _ => None,
        }
    }
}

/// A model with the private data the viewer may not see taken out. Only
/// [`Redacted::of`] makes one.
#[derive(Debug, Clone)]
pub struct Redacted {
    viewer: Viewer,
    checksum: String,
    model: Arc<Model>,
}

impl Redacted {
    /// The model as `viewer` may know it.
    pub fn of(model: &Arc<Model>, viewer: Viewer) -> Redacted {
        let np = model.parties.len();
        let hidden: Vec<bool> = (0..np).map(|p| !viewer.may_see(p)).collect();
        let model = if hidden.iter().any(|h| *h) {
            let mut m = (**model).clone();
            for (p, hide) in hidden.iter().enumerate() {
                if !hide {
                    continue;
                }
                let def = &mut m.scenario.parties[p];
                def.brief = String::new();
                def.goals.clear();
                def.reservation = None;
                m.parties[p].reservation = f64::NAN;
                let id = def.id.clone();
                for e in &mut m.scenario.events {
                    e.reservation.remove(&id);
                }
                for e in &mut m.events {
                    e.reservation.retain(|(q, _)| *q != p);
                }
            }
            Arc::new(m)
        } else {
            Arc::clone(model)
        };
        Redacted {
            viewer,
            checksum: model.checksum.clone(),
            model,
        }
    }

    /// Make this the redaction for `viewer` of `model`, redacting again only
    /// if the viewer or the model changed.
    pub fn refresh(&mut self, model: &Arc<Model>, viewer: Viewer) {
        if self.viewer != viewer || self.checksum != model.checksum {
            *self = Redacted::of(model, viewer);
        }
    }

    pub fn viewer(&self) -> Viewer {
        self.viewer
    }
}

/// A table as one viewer sees it.
pub struct View<'a> {
    table: &'a Table,
    redacted: &'a Redacted,
}

impl<'a> View<'a> {
    /// The view of `table` through `redacted` (made for this table's model).
    pub fn new(table: &'a Table, redacted: &'a Redacted) -> View<'a> {
        View { table, redacted }
    }

    pub fn viewer(&self) -> Viewer {
        self.redacted.viewer
    }

    /// Whether party `p`'s private data is on this view.
    pub fn may_see(&self, p: usize) -> bool {
        self.redacted.viewer.may_see(p)
    }

    /// The scenario, without the private data of parties this viewer may not see.
    pub fn model(&self) -> &'a Arc<Model> {
        &self.redacted.model
    }

    fn redact(&self, mut e: Evaluation) -> Evaluation {
        for p in 0..e.reservation.len() {
            if !self.may_see(p) {
                e.reservation[p] = f64::NAN;
            }
        }
        e
    }

    pub fn seed(&self) -> u64 {
        self.table.game().seed()
    }
    pub fn round(&self) -> u32 {
        self.table.game().round()
    }
    pub fn deadline(&self) -> u32 {
        self.table.game().deadline()
    }
    pub fn phase(&self) -> &'a Phase {
        self.table.game().phase()
    }
    pub fn to_move(&self) -> Option<usize> {
        self.table.game().to_move()
    }
    pub fn ending(&self) -> Option<Ending> {
        self.table.game().ending()
    }
    pub fn options(&self) -> &'a [usize] {
        self.table.game().options()
    }
    pub fn status(&self) -> &'a [Status] {
        self.table.game().status()
    }
    pub fn stance(&self, party: usize, clause: usize) -> Option<Stance> {
        self.table.game().stance(party, clause)
    }
    pub fn fired(&self, event: usize) -> bool {
        self.table.game().fired(event)
    }
    pub fn votes_called(&self, party: usize) -> u32 {
        self.table.game().votes_called(party)
    }
    pub fn uses(&self, party: usize, action: usize) -> u32 {
        self.table.game().uses(party, action)
    }
    pub fn narrations(&self) -> &'a [Narration] {
        self.table.narrations()
    }
    pub fn is_human(&self, party: usize) -> bool {
        self.table.is_human(party)
    }
    pub fn paused(&self) -> bool {
        self.table.paused()
    }

    /// Who holds the pen (None: the neutral rule revises).
    pub fn pen(&self) -> Option<usize> {
        self.table.game().pen()
    }
    /// The proposals before the pen-holder during a revision (public).
    pub fn proposals(&self) -> &'a [Proposal] {
        self.table.game().proposals()
    }
    /// The package a party has tabled this round (tabling is public).
    pub fn package(&self, party: usize) -> Option<Changes> {
        self.table.game().package(party)
    }
    /// How many actions the game has applied (a revision is identified by it).
    pub fn moves(&self) -> usize {
        self.table.game().log().len()
    }
    /// Whether the pen-holder may adopt this set of proposals, and why not.
    pub fn selection_open(&self, adopt: Selection) -> Result<(), ActionError> {
        self.table.game().selection_open(adopt)
    }
    /// Whether a package may be tabled now, and why not.
    pub fn package_open(&self, package: Changes) -> Result<(), ActionError> {
        self.table.game().package_open(package)
    }
    /// What the table publicly knows of party `p`'s bottom line.
    pub fn belief(&self, p: usize) -> Belief {
        self.table.game().belief()[p]
    }
    /// The public estimate of party `p`'s bottom line: the median of its
    /// belief (the value at which the public chance it signs is one half).
    pub fn public_bottom_line(&self, p: usize) -> f64 {
        self.belief(p).median()
    }
    /// Party `p`'s true bottom line in force: only for a viewer who may see it.
    pub fn reservation(&self, p: usize) -> Option<f64> {
        self.may_see(p).then(|| self.table.game().reservation()[p])
    }
    /// The viewer's own seat and its true bottom line in force.
    pub fn own_reservation(&self) -> Option<(usize, f64)> {
        let p = self.viewer().party()?;
        Some((p, self.reservation(p)?))
    }
    /// The bottom line the viewer would reckon with for party `p`: the true
    /// one when it may see it, else the public estimate.
    pub fn reckoned_bottom_line(&self, p: usize) -> f64 {
        self.reservation(p)
            .unwrap_or_else(|| self.public_bottom_line(p))
    }

    /// Whether a move is legal now, and why not (rules are public).
    pub fn check(&self, action: &Action) -> Result<(), ActionError> {
        self.table.game().check(action)
    }

    /// The draft's evaluation; reservations this viewer may not see are NaN.
    pub fn evaluation(&self) -> Evaluation {
        self.redact(self.table.game().evaluation().clone())
    }

    /// The evaluations at each round's end, redacted the same way.
    pub fn history(&self) -> Vec<(u32, Evaluation)> {
        self.table
            .game()
            .history()
            .iter()
            .map(|(r, e)| (*r, self.redact(e.clone())))
            .collect()
    }

    /// The draft with `clause` set to `option`, redacted.
    pub fn what_if(&self, clause: usize, option: usize) -> Evaluation {
        self.redact(self.table.game().what_if(clause, option))
    }

    /// The draft with these changes (a package, a revision), redacted.
    pub fn what_if_changes(&self, changes: &[(usize, usize)]) -> Evaluation {
        self.redact(self.table.game().what_if_changes(changes))
    }

    /// What the AI pen-holder ([`crate::ai::revise`]) would adopt in
    /// `party`'s place: its objective reads the party's utility (public
    /// tables) and the table's support (public beliefs), nothing private.
    pub fn broker_suggestion(&self, party: usize) -> Selection {
        match crate::ai::revise(self.table.game(), party).action {
            Action::Revise { adopt, .. } => adopt,
            _ => Selection::default(),
        }
    }

    /// Why party `p` is as ready to sign as it is: only for a viewer who may
    /// see its reservation.
    pub fn explain_acceptance(&self, p: usize) -> Option<Breakdown> {
        self.may_see(p)
            .then(|| self.table.game().explain_acceptance(p))
    }

    /// Why a metric stands where it does (public).
    pub fn explain_metric(&self, metric: usize) -> Breakdown {
        self.table.game().explain_metric(metric)
    }

    /// Why a party's utility is what it is (utility tables are public).
    pub fn explain_utility(&self, p: usize) -> Breakdown {
        self.table.game().explain_utility(p)
    }

    /// Why a party's reservation is what it is: only for a viewer who may see it.
    pub fn explain_reservation(&self, p: usize) -> Option<Breakdown> {
        self.may_see(p)
            .then(|| self.table.game().explain_reservation(p))
    }

    /// What anyone may know of a party's readiness to sign: the figure, its
    /// utility, and whether a red line is crossed; its reservation is its own.
    pub fn public_acceptance(&self, p: usize) -> Breakdown {
        let m = self.model();
        let ev = self.table.game().evaluation();
        let mut terms = vec![Term {
            label: "utility U (public utility tables)".into(),
            delta: ev.utility[p],
        }];
        if let Some(line) = ev.crossed[p] {
            terms.push(Term {
                label: format!(
                    "red line crossed: {}",
                    m.scenario.parties[p]
                        .red_lines
                        .get(line)
                        .map_or("", |r| r.text.as_str())
                ),
                delta: 0.0,
            });
        }
        let b = self.belief(p);
        terms.push(Term {
            label: "public estimate of its bottom line (the prior's mean, moved in public)".into(),
            delta: b.mean,
        });
        terms.push(Term {
            label: "spread of that estimate".into(),
            delta: b.spread,
        });
        if b.lo > f64::NEG_INFINITY {
            terms.push(Term {
                label: format!(
                    "revealed by a refusal: its bottom line is above {:.1}",
                    b.lo
                ),
                delta: 0.0,
            });
        }
        if b.hi < f64::INFINITY {
            terms.push(Term {
                label: format!(
                    "revealed by a signature: its bottom line is at most {:.1}",
                    b.hi
                ),
                delta: 0.0,
            });
        }
        terms.push(Term {
            label: format!("its true bottom line is private to {}", m.party_name(p)),
            delta: 0.0,
        });
        Breakdown {
            label: format!("{}: public chance it signs (0 to 1)", m.party_name(p)),
            value: ev.acceptance[p],
            terms,
        }
    }

    /// The final scores (every reservation is part of the debrief once the talks end).
    pub fn scores(&self) -> Option<PartyVec<Score>> {
        self.table.game().scores()
    }
}
