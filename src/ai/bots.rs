//! The reference policies (docs/AI.md, "Reference bots"): fixed ways of
//! playing a seat that measure whether skill pays. They run in-process as
//! `bot:NAME` seats, so a sweep plays thousands of games with them; the
//! simple ones are also written out for the agent protocol in
//! `examples/bots/`.
//!
//! Each decides from what its seat may know: the public table, its own
//! utility table and red lines, its own true bottom line, and the others'
//! public beliefs.

use super::{AiSeat, Decision, Reason, others_sign};
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
    /// Plays for expected score: proposals and packages the pen-holder will
    /// adopt, votes called when the others are likely to sign, and as pen
    /// maximises its chance of a deal times what the deal gains it.
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
        BotKind::Expert => expert_turn(game, seat, &mut out),
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
        BotKind::Greedy | BotKind::Voter | BotKind::Expert => eval.would_sign(party),
    };
    Decision {
        action: Action::Vote { party, sign },
        reason: if sign { Reason::Sign } else { Reason::Short },
    }
}

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
            let objective = expected_gain(game, party);
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

/// The expert's measure of a draft: the public chance that every other
/// signatory signs, times what the deal gains it over no deal (nothing when
/// it would not sign itself, by its true bottom line).
fn expected_gain(game: &Game, party: usize) -> impl Fn(&Evaluation) -> f64 + '_ {
    let model = game.model();
    let no_deal = game.no_deal_value(party);
    move |e: &Evaluation| {
        if e.crossed[party].is_some() || e.utility[party] < e.reservation[party] {
            // Below its bottom line: only the way back up counts.
            return (e.utility[party] - e.reservation[party]) * 1e-3 - 1.0;
        }
        let others: f64 = model
            .rules
            .signatories
            .iter()
            .filter(|&&q| q != party)
            .map(|&q| e.acceptance[q])
            .product();
        others * (e.utility[party] - no_deal).max(0.0)
    }
}

/// The expert's turn: on each open clause, accept the draft's wording if no
/// proposal of its own would raise its expected gain, else propose the one
/// that raises it most; then table the package (two clauses) that raises it
/// most; call a vote when it would sign and the others sign with a public
/// chance of at least a half (spending no vote on the deadline's round).
fn expert_turn(game: &Game, seat: &AiSeat, out: &mut Vec<Decision>) {
    let party = seat.party;
    let model = &**game.model();
    let gain = expected_gain(game, party);
    let now = gain(game.evaluation());
    // What another seat's pen adopts: its own utility plus pen_weight × support.
    let w = model.rules.pen_weight;
    let pen = game.pen().filter(|&p| p != party);
    let pen_value = |e: &Evaluation| pen.map_or(0.0, |p| e.utility[p] + w * e.support);
    let pen_now = pen_value(game.evaluation());
    let adoptable = |e: &Evaluation| pen.is_none() || pen_value(e) > pen_now;
    let mut best_single: Vec<(f64, usize, usize)> = Vec::new();
    for c in game.open_clauses() {
        let here = game.options()[c];
        let mut best: Option<(f64, usize)> = None;
        for o in 0..options_of(model, c) {
            if o == here {
                continue;
            }
            let s = if o == model.clauses[c].struck() {
                Stance::Strike
            } else {
                Stance::Propose(o)
            };
            if game.stance_open(c, s).is_err() {
                continue;
            }
            let e = game.what_if(c, o);
            let v = gain(&e);
            if v > now + 0.05 && adoptable(&e) && best.is_none_or(|(b, _)| v > b) {
                best = Some((v, o));
            }
        }
        let s = match best {
            Some((v, o)) => {
                best_single.push((v - now, c, o));
                if o == model.clauses[c].struck() {
                    Stance::Strike
                } else {
                    Stance::Propose(o)
                }
            }
            None => Stance::Accept,
        };
        if game.stance(party, c) != Some(s) {
            out.push(Decision {
                action: Action::Stance {
                    party,
                    clause: c,
                    stance: s,
                },
                reason: said("for its expected gain"),
            });
        }
    }
    // A package: its best single change with the partner that adds most.
    if model.rules.package_size >= 2 && game.package(party).is_none() {
        best_single.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut best: Option<(f64, Changes)> = None;
        for &(_, c1, o1) in best_single.iter().take(3) {
            for c2 in game.open_clauses() {
                if c2 == c1 {
                    continue;
                }
                for o2 in 0..options_of(model, c2) {
                    if o2 == game.options()[c2] {
                        continue;
                    }
                    let Some(pkg) = Changes::new(&[(c1, o1), (c2, o2)]) else {
                        continue;
                    };
                    if game.package_open(pkg).is_err() {
                        continue;
                    }
                    let e = game.what_if_changes(&[(c1, o1), (c2, o2)]);
                    if !adoptable(&e) {
                        continue;
                    }
                    let v = gain(&e);
                    let alone = best_single
                        .iter()
                        .find(|x| x.1 == c1)
                        .map_or(now, |x| now + x.0);
                    if v > alone + 0.05 && best.is_none_or(|(b, _)| v > b) {
                        best = Some((v, pkg));
                    }
                }
            }
        }
        if let Some((_, package)) = best {
            out.push(Decision {
                action: Action::Table { party, package },
                reason: said("a package worth more than its parts"),
            });
        }
    }
    let eval = game.evaluation();
    if eval.would_sign(party)
        && others_sign(game, party) >= 0.5
        && !(model.rules.final_vote && game.round() >= game.deadline())
        && game.check(&Action::CallVote { party }).is_ok()
    {
        out.push(Decision {
            action: Action::CallVote { party },
            reason: said("the others are likely to sign"),
        });
    }
}
