//! Who sits in each seat, and every call into the AI (the only file that
//! knows how AI seats decide).
//!
//! TEMPORARY POLICY: `src/ai` is being written on another branch. Until it
//! lands in main, AI seats use the simple greedy rule below (accept a clause
//! whose current wording is the party's best, else propose its best; sign iff
//! the model says the party would sign). Replace `plan_turn` and `vote` with
//! the real AI when it lands.

use crate::engine::{Action, Game, Phase, Stance};
use crate::scenario::Model;

/// How a seat is played.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seat {
    Human,
    /// An AI negotiator with a personality (index into the scenario's personalities).
    Ai {
        personality: Option<usize>,
    },
}

impl Seat {
    pub fn is_human(self) -> bool {
        self == Seat::Human
    }

    /// The party's default AI seat.
    pub fn default_ai(model: &Model, party: usize) -> Seat {
        Seat::Ai {
            personality: model.parties[party].personality,
        }
    }

    /// The policy as written in a save: "human", "ai" or "ai:PERSONALITY".
    pub fn policy(self, model: &Model) -> String {
        match self {
            Seat::Human => "human".into(),
            Seat::Ai { personality: None } => "ai".into(),
            Seat::Ai {
                personality: Some(i),
            } => format!("ai:{}", model.scenario.personalities[i].id),
        }
    }

    /// Read a policy written by [`Seat::policy`]; anything not human is AI.
    pub fn parse(model: &Model, party: usize, policy: &str) -> Seat {
        match policy {
            "human" => Seat::Human,
            p => match p.strip_prefix("ai:") {
                Some(id) => Seat::Ai {
                    personality: model.scenario.personalities.iter().position(|x| x.id == id),
                },
                None => Seat::default_ai(model, party),
            },
        }
    }

    /// A label for the setup screen.
    pub fn label(self, model: &Model) -> String {
        match self {
            Seat::Human => "human".into(),
            Seat::Ai { personality: None } => "AI".into(),
            Seat::Ai {
                personality: Some(i),
            } => format!("AI: {}", model.scenario.personalities[i].name),
        }
    }

    /// The next choice on the setup screen: human, then each personality.
    pub fn cycle(self, model: &Model, forward: bool) -> Seat {
        let n = model.scenario.personalities.len();
        let mut all = vec![Seat::Human];
        if n == 0 {
            all.push(Seat::Ai { personality: None });
        }
        all.extend((0..n).map(|i| Seat::Ai {
            personality: Some(i),
        }));
        let at = all.iter().position(|&s| s == self).unwrap_or(0);
        let next = if forward {
            (at + 1) % all.len()
        } else {
            (at + all.len() - 1) % all.len()
        };
        all[next]
    }
}

/// One AI move and why it was made.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub action: Action,
    pub reason: String,
}

/// The moves an AI seat makes now: a whole turn, or its vote.
pub fn plan_turn(game: &Game, party: usize, _seat: Seat) -> Vec<Decision> {
    let model = game.model();
    let name = model.party_short(party).to_string();
    if let Phase::Vote { .. } = game.phase() {
        let ev = game.evaluation();
        let sign = ev.would_sign(party);
        let reason = match ev.crossed[party] {
            Some(l) => format!(
                "{name} refuses: red line crossed — {}",
                model.scenario.parties[party].red_lines[l].text
            ),
            None if sign => format!(
                "{name} signs: the draft is worth {:.1} to it, more than no deal ({:.1})",
                ev.utility[party], ev.reservation[party]
            ),
            None => format!(
                "{name} refuses: the draft is worth {:.1} to it, less than no deal ({:.1})",
                ev.utility[party], ev.reservation[party]
            ),
        };
        return vec![Decision {
            action: Action::Vote { party, sign },
            reason,
        }];
    }
    let mut out = Vec::new();
    let clauses: Vec<usize> = game.open_clauses().collect();
    for c in clauses {
        let current = game.options()[c];
        let here = game.evaluation().utility[party];
        let mut best = (current, here);
        for o in 0..model.clauses[c].options.len() {
            if o == current {
                continue;
            }
            let stance = if o == model.clauses[c].struck() {
                Stance::Strike
            } else {
                Stance::Propose(o)
            };
            if game
                .check(&Action::Stance {
                    party,
                    clause: c,
                    stance,
                })
                .is_err()
            {
                continue;
            }
            let u = game.what_if(c, o).utility[party];
            if u > best.1 + 0.25 {
                best = (o, u);
            }
        }
        let num = model.scenario.clauses[c].number;
        let (stance, reason) = if best.0 == current {
            (
                Stance::Accept,
                format!(
                    "{name} accepts {num}: '{}' is its best wording",
                    model.option_label(c, current)
                ),
            )
        } else if best.0 == model.clauses[c].struck() {
            (
                Stance::Strike,
                format!(
                    "{name} proposes to strike {num}: worth {:+.1} to it",
                    best.1 - here
                ),
            )
        } else {
            (
                Stance::Propose(best.0),
                format!(
                    "{name} proposes '{}' for {num}: worth {:+.1} to it",
                    model.option_label(c, best.0),
                    best.1 - here
                ),
            )
        };
        if game.stance(party, c) != Some(stance) {
            out.push(Decision {
                action: Action::Stance {
                    party,
                    clause: c,
                    stance,
                },
                reason,
            });
        }
    }
    out.push(Decision {
        action: Action::EndTurn { party },
        reason: format!("{name} ends its turn"),
    });
    out
}
