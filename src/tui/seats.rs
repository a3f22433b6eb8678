//! Who sits in each seat, and every call into the AI (the only file that
//! knows how AI seats decide).
//!
//! AI seats are `crate::ai` (docs/AI.md): each decision comes with its
//! reason, rendered in words for the news ticker.

use crate::ai;
use crate::engine::{Action, Game, Phase};
use crate::scenario::Model;
use rand_chacha::ChaCha8Rng;
use std::sync::Arc;

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

/// One AI move and why it was made, in words for the ticker.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub action: Action,
    pub reason: String,
}

/// The AI negotiators of one game (`crate::ai`), one per AI seat, each with
/// its own random stream.
#[derive(Debug, Clone)]
pub struct Ai {
    seats: Vec<Option<(ai::AiSeat, ChaCha8Rng)>>,
}

impl Ai {
    pub fn new(model: &Arc<Model>, seed: u64, seats: &[Seat]) -> Ai {
        let brain = Arc::new(ai::Brain::new(model));
        let seats = seats
            .iter()
            .enumerate()
            .map(|(p, s)| match *s {
                Seat::Human => None,
                Seat::Ai { personality } => {
                    let id = personality.map(|i| model.scenario.personalities[i].id.as_str());
                    let seat = ai::AiSeat::new(model, Arc::clone(&brain), p, id)
                        .or_else(|_| ai::AiSeat::new(model, Arc::clone(&brain), p, None))
                        .ok()?;
                    Some((seat, ai::seat_rng(seed, model, p)))
                }
            })
            .collect();
        Ai { seats }
    }

    /// The moves an AI seat makes now: the rest of its turn, or its vote.
    pub fn plan(&mut self, game: &Game, party: usize) -> Vec<Decision> {
        let model = game.model();
        let words = |d: ai::Decision| Decision {
            reason: ai::reason::render(model, &d.action, &d.reason, game.options()),
            action: d.action,
        };
        let Some(Some((seat, rng))) = self.seats.get_mut(party) else {
            return Vec::new();
        };
        let mut out: Vec<Decision> = match game.phase() {
            Phase::Vote { .. } => vec![words(ai::vote(game, seat, rng))],
            Phase::Turns => ai::plan_turn(game, seat, rng)
                .into_iter()
                .map(words)
                .collect(),
            Phase::Over(_) => Vec::new(),
        };
        if out.is_empty() && matches!(game.phase(), Phase::Turns) {
            out.push(Decision {
                action: Action::EndTurn { party },
                reason: format!("{} ends its turn", model.party_name(party)),
            });
        }
        out
    }
}
