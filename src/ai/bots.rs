//! The reference policies (docs/AI.md, "Reference bots"): fixed ways of
//! playing a seat that measure whether skill pays. They run in-process as
//! `bot:NAME` seats, so a sweep plays thousands of games with them; the
//! simple ones are also written out for the agent protocol in
//! `examples/bots/`.
//!
//! Each decides from what its seat may know: the public table, its own
//! utility table and red lines, its own true bottom line, and the others'
//! public beliefs.

use super::{AiSeat, Decision, Reason};
use crate::core::Model;
use crate::engine::{Action, Changes, Evaluation, Game, Phase, Selection, Stance};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use std::fmt;
use std::str::FromStr;

/// A reference policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BotKind {
    /// Random stances, random votes, a random revision.
    Random,
    /// Accepts every clause, signs whatever it can, adopts nothing as pen.
    AcceptAll,
    /// Rejects every clause, refuses every vote, adopts nothing as pen.
    RejectAll,
    /// Proposes its own best wording everywhere, never trades, never calls
    /// a vote, signs iff the text reaches its bottom line; as pen, adopts
    /// what raises its own utility.
    Greedy,
    /// Takes no stances; calls a vote in the last two rounds when it would
    /// sign; signs iff the text reaches its bottom line.
    Voter,
    /// Negotiates like its seat's default AI, but manages what the table
    /// learns: in the first half of the talks it refuses every vote its
    /// signature does not close (the table then reads its bottom line as
    /// above the text, and the pen-holder must offer more), and calls votes
    /// it means to refuse so that the others show their hand. In the second
    /// half it signs iff the text reaches its bottom line and calls the votes
    /// it would sign. It tables the package worth most to it that the
    /// pen-holder would adopt. As pen-holder it weighs its own signature by
    /// what it knows, leans more on its own utility than the AI broker, and
    /// calls the votes it would sign early.
    Expert,
}

impl BotKind {
    pub const ALL: [BotKind; 6] = [
        BotKind::Random,
        BotKind::AcceptAll,
        BotKind::RejectAll,
        BotKind::Greedy,
        BotKind::Voter,
        BotKind::Expert,
    ];

    pub fn name(self) -> &'static str {
        match self {
            BotKind::Random => "random",
            BotKind::AcceptAll => "accept_all",
            BotKind::RejectAll => "reject_all",
            BotKind::Greedy => "greedy",
            BotKind::Voter => "voter",
            BotKind::Expert => "expert",
        }
    }
}

impl fmt::Display for BotKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for BotKind {
    type Err = String;
    fn from_str(s: &str) -> Result<BotKind, String> {
        BotKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = BotKind::ALL.iter().map(|k| k.name()).collect();
                format!(
                    "unknown reference bot '{s}'; expected one of: {}",
                    names.join(", ")
                )
            })
    }
}

fn said(text: &str) -> Reason {
    Reason::Said(text.to_string())
}

/// The options a stance may give clause `c` (its variants, and struck when it may be).
fn options_of(model: &Model, c: usize) -> usize {
    let cm = &model.clauses[c];
    if cm.strikable {
        cm.options.len()
    } else {
        cm.variants
    }
}

/// The seat's whole turn (ends with `EndTurn`, or a `CallVote`).
pub fn turn(game: &Game, kind: BotKind, seat: &AiSeat, rng: &mut ChaCha8Rng) -> Vec<Decision> {
    let party = seat.party;
    let model = &**game.model();
    let mut out = Vec::new();
    if game.to_move() != Some(party) || !matches!(game.phase(), Phase::Turns) {
        return out;
    }
    let stance = |clause, stance, why: &str| Decision {
        action: Action::Stance {
            party,
            clause,
            stance,
        },
        reason: said(why),
    };
    match kind {
        BotKind::AcceptAll | BotKind::RejectAll => {
            let s = if kind == BotKind::AcceptAll {
                Stance::Accept
            } else {
                Stance::Reject
            };
            for c in game.open_clauses() {
                if game.stance(party, c) != Some(s) {
                    out.push(stance(c, s, kind.name()));
                }
            }
        }
        BotKind::Random => {
            for c in game.open_clauses() {
                let s = match rng.random_range(0..3u32) {
                    0 => Stance::Accept,
                    1 => Stance::Reject,
                    _ => {
                        let o = rng.random_range(0..options_of(model, c));
                        if o == model.clauses[c].struck() {
                            Stance::Strike
                        } else {
                            Stance::Propose(o)
                        }
                    }
                };
                if game.stance_open(c, s).is_ok() {
                    out.push(stance(c, s, "random"));
                }
            }
            if rng.random::<f64>() < 0.2 && !model.actions.is_empty() {
                let a = rng.random_range(0..model.actions.len());
                if game.diplomacy_open(party, a).is_ok() {
                    out.push(Decision {
                        action: Action::Diplomacy { party, action: a },
                        reason: said("random"),
                    });
                }
            }
            if rng.random::<f64>() < 0.1 && game.check(&Action::CallVote { party }).is_ok() {
                out.push(Decision {
                    action: Action::CallVote { party },
                    reason: said("random"),
                });
                return out;
            }
        }
        BotKind::Greedy => {
            let brain = seat.brain();
            for c in game.open_clauses() {
                let here = game.options()[c];
                let best = (0..options_of(model, c))
                    .max_by(|&a, &b| {
                        brain
                            .value(party, c, a)
                            .total_cmp(&brain.value(party, c, b))
                            .then(b.cmp(&a))
                    })
                    .unwrap_or(here);
                let s = if brain.value(party, c, best) <= brain.value(party, c, here) {
                    Stance::Accept
                } else if best == model.clauses[c].struck() {
                    Stance::Strike
                } else {
                    Stance::Propose(best)
                };
                let s = if game.stance_open(c, s).is_ok() {
                    s
                } else {
                    Stance::Reject
                };
                if game.stance(party, c) != Some(s) {
                    out.push(stance(c, s, "its own best wording"));
                }
            }
        }
        BotKind::Voter => {
            let eval = game.evaluation();
            if game.round() + 1 >= game.deadline()
                && !(model.rules.final_vote && game.round() >= game.deadline())
                && eval.would_sign(party)
                && game.check(&Action::CallVote { party }).is_ok()
            {
                out.push(Decision {
                    action: Action::CallVote { party },
                    reason: said("a late vote"),
                });
                return out;
            }
        }
        BotKind::Expert => {
            // The default AI's moves for its seat, without its vote calls
            // (the expert calls its own, below).
            super::plan_turn_into(game, seat, rng, &mut out);
            let pen = game.pen() == Some(party);
            for d in out.iter_mut().filter(|_| !pen) {
                if let Action::CallVote { .. } = d.action {
                    *d = Decision {
                        action: Action::EndTurn { party },
                        reason: said("it holds out for the final vote"),
                    };
                }
            }
            if let Some(end) = out
                .iter()
                .position(|d| matches!(d.action, Action::EndTurn { .. }))
            {
                out.truncate(end + 1);
            }
            // Its own package in place of the AI's logroll: the pair of
            // changes worth most to it that the pen-holder would adopt.
            out.retain(|d| !matches!(d.action, Action::Table { .. }));
            if let Some(d) = expert_package(game, seat) {
                let at = out.len().saturating_sub(1);
                out.insert(at, d);
            }
            // In the first half of the talks, off the pen, it calls votes it
            // means to refuse: the others show their hand (a signature caps
            // their bottom lines) while its refusal reads as a bottom line
            // above the text, with time left for the pen to answer it. In the
            // second half, and with the pen, it calls the votes it means to
            // sign as soon as the others may well sign too: every round of
            // delay costs, and a deal it would sign is worth more than the
            // chance of a better one.
            {
                let eval = game.evaluation();
                let bar = if pen {
                    EXPERT_PEN_CALL
                } else if holding_out(game) {
                    EXPERT_CALL
                } else {
                    EXPERT_LATE_CALL
                };
                if eval.would_sign(party)
                    && super::others_sign(game, party) >= bar
                    && !(model.rules.final_vote && game.round() >= game.deadline())
                    && game.check(&Action::CallVote { party }).is_ok()
                    && matches!(out.last().map(|d| d.action), Some(Action::EndTurn { .. }))
                {
                    let why = if !pen && holding_out(game) {
                        "a vote to make the others show their hand"
                    } else {
                        "a vote it means to sign"
                    };
                    out.pop();
                    out.push(Decision {
                        action: Action::CallVote { party },
                        reason: said(why),
                    });
                }
            }
            return out;
        }
    }
    if !matches!(out.last().map(|d| d.action), Some(Action::CallVote { .. })) {
        out.push(Decision {
            action: Action::EndTurn { party },
            reason: Reason::Done,
        });
    }
    out
}

/// The seat's vote.
pub fn vote(game: &Game, kind: BotKind, seat: &AiSeat, rng: &mut ChaCha8Rng) -> Decision {
    let party = seat.party;
    let eval = game.evaluation();
    let can = eval.crossed[party].is_none();
    let sign = match kind {
        BotKind::AcceptAll => can,
        BotKind::RejectAll => false,
        BotKind::Random => can && rng.random::<bool>(),
        BotKind::Greedy | BotKind::Voter => eval.would_sign(party),
        // It shows its hand only in the second half of the talks: before,
        // it refuses every vote its signature does not close, so the table
        // reads its bottom line as higher than the text.
        BotKind::Expert => expert_signs(game, party),
    };
    Decision {
        action: Action::Vote { party, sign },
        reason: if sign { Reason::Sign } else { Reason::Short },
    }
}

/// The expert calls a vote (which it will refuse) when the public chance
/// that all the others sign is at least this.
const EXPERT_CALL: f64 = 0.15;

/// In the second half of the talks, off the pen, the expert calls a vote it
/// will sign when the public chance that all the others sign is at least this.
const EXPERT_LATE_CALL: f64 = 0.2;

/// With the pen, the expert calls a vote it will sign when the public chance
/// that all the others sign is at least this.
const EXPERT_PEN_CALL: f64 = 0.2;

/// Whether the expert (off the pen) still holds out: the first half of the
/// talks (round × 2 ≤ deadline), when a refusal leaves the pen-holder time to
/// answer it with a better text. In the second half a refusal would only
/// tell the table it is harder than it is, so that nobody calls a vote
/// and the deal dies at the deadline: it signs what reaches its bottom line.
fn holding_out(game: &Game) -> bool {
    game.round() * 2 <= game.deadline()
}

/// The expert pen-holder's weight on the table's support, as a share of the
/// AI broker's `rules.pen_weight`: it leans more on its own utility.
const EXPERT_PEN: f64 = 0.7;

/// The seat's revision, when it holds the pen.
pub fn revise(game: &Game, kind: BotKind, seat: &AiSeat, rng: &mut ChaCha8Rng) -> Decision {
    let party = seat.party;
    let adopt = match kind {
        BotKind::AcceptAll | BotKind::RejectAll | BotKind::Voter => Selection::default(),
        BotKind::Random => {
            let mut sel = Selection::default();
            for i in 0..game.proposals().len() {
                if rng.random::<bool>() {
                    sel.insert(i);
                    if game.selection_open(sel).is_err() {
                        sel.remove(i);
                    }
                }
            }
            sel
        }
        BotKind::Greedy => game.broker(&|e: &Evaluation| e.utility[party], 0.0),
        BotKind::Expert => {
            let w = EXPERT_PEN * game.model().rules.pen_weight;
            let belief = game.belief()[party];
            let now = game.evaluation().lines.clone();
            let objective = move |e: &Evaluation| {
                // The table's support without its own public term, which it
                // replaces by what it knows: whether it would sign.
                let public = if e.crossed[party].is_some() {
                    belief.accept(e.utility[party]).max(1e-300).ln() - 10.0
                } else {
                    e.acceptance[party].max(1e-300).ln()
                };
                let own = if e.would_sign(party) { 0.0 } else { -10.0 };
                e.utility[party] + w * (e.support - public + own - super::fresh_harm(&now, e))
            };
            game.broker(&objective, 0.0)
        }
    };
    Decision {
        action: Action::Revise { party, adopt },
        reason: said(match kind {
            BotKind::Expert => "what raises its expected gain",
            BotKind::Greedy => "what raises its own utility",
            BotKind::Random => "at random",
            _ => "it adopts nothing",
        }),
    }
}

/// The package worth most to the seat among those the pen-holder would
/// adopt (its objective rises): any single change it gains from, paired with
/// any other change, crossing neither its own red lines nor, newly, anyone
/// else's. The pen-holder's objective decides what passes, so the best
/// package is often a small gain paired with a concession the pen values,
/// not its largest wish: every wish is tried.
fn expert_package(game: &Game, seat: &AiSeat) -> Option<Decision> {
    let party = seat.party;
    let model = &**game.model();
    if model.rules.package_size < 2 || game.package(party).is_some() {
        return None;
    }
    let brain = seat.brain();
    let options = game.options();
    let w = model.rules.pen_weight;
    let pen = game.pen().filter(|&p| p != party);
    let pen_value = |e: &Evaluation| pen.map_or(0.0, |p| e.utility[p] + w * e.support);
    let now = game.evaluation();
    let pen_now = pen_value(now);
    let mut wants: Vec<(f64, usize, usize)> = Vec::new();
    for c in game.open_clauses() {
        for o in 0..options_of(model, c) {
            let gain = brain.value(party, c, o) - brain.value(party, c, options[c]);
            if o != options[c] && gain > 0.0 {
                wants.push((gain, c, o));
            }
        }
    }
    wants.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut best: Option<(f64, Changes)> = None;
    for &(_, c1, o1) in &wants {
        for c2 in game.open_clauses() {
            if c2 == c1 {
                continue;
            }
            for o2 in 0..options_of(model, c2) {
                if o2 == options[c2] {
                    continue;
                }
                let Some(pkg) = Changes::new(&[(c1, o1), (c2, o2)]) else {
                    continue;
                };
                if game.package_open(pkg).is_err() {
                    continue;
                }
                let e = game.what_if_changes(&[(c1, o1), (c2, o2)]);
                // A careful player pushes no one over a public red line: the
                // party would refuse, and may leave the table.
                let pushes = (0..e.crossed.len())
                    .any(|q| q != party && e.crossed[q].is_some() && now.crossed[q].is_none());
                if e.crossed[party].is_some()
                    || pushes
                    || (pen.is_some() && pen_value(&e) <= pen_now)
                {
                    continue;
                }
                let mine = e.utility[party] - now.utility[party];
                if mine > 0.0 && best.is_none_or(|(b, _)| mine > b) {
                    best = Some((mine, pkg));
                }
            }
        }
    }
    best.map(|(_, package)| Decision {
        action: Action::Table { party, package },
        reason: said("a package the pen-holder will take"),
    })
}

/// The expert's vote. It signs only texts that reach its bottom line; of
/// those, it signs in the second half of the talks, with the pen, and when
/// its signature closes a deal (the last voter, nobody has refused). Before
/// that, a vote it called itself it refuses (it called it to make the others
/// show their hand), and so does every other vote.
fn expert_signs(game: &Game, party: usize) -> bool {
    let eval = game.evaluation();
    if !eval.would_sign(party) {
        return false;
    }
    // In the second half the bluff would cost the deal itself.
    if !holding_out(game) {
        return true;
    }
    let Phase::Vote {
        caller,
        voters,
        next,
        refused,
        ..
    } = game.phase()
    else {
        return false;
    };
    // The pen-holder has nothing to gain by bluffing: it writes the text.
    if game.pen() == Some(party) {
        return true;
    }
    if *caller == Some(party) {
        return false;
    }
    // Its signature closes the deal.
    !refused && *next + 1 == voters.len()
}
