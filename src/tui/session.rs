//! One game at the table: the engine's [`Game`], who sits where, the news
//! ticker, undo and saves. The action log stays the truth: the ticker and
//! undo are rebuilt from it.

use super::seats::{Ai, Decision, Seat};
use crate::engine::{Action, ActionError, Ending, Event, Game, Phase, Stance};
use crate::save::Save;
use crate::scenario::Model;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Where the advisor's Nash package search stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Nash {
    NotAsked,
    Searching,
    Found(Option<Vec<usize>>, bool),
}

/// What a ticker line is about (for its mark and style).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TickKind {
    Round,
    Card,
    Move,
    Agreed,
    Revised,
    Vote,
    End,
}

/// One line of the news ticker.
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    pub round: u32,
    pub kind: TickKind,
    pub text: String,
}

/// A game in progress and everything the table shows about it.
#[derive(Debug, Clone)]
pub struct Session {
    pub model: Arc<Model>,
    /// Where the scenario came from (bundled id or path), for saves.
    pub source: String,
    pub game: Game,
    pub seats: Vec<Seat>,
    /// The AI's reason for each log entry (None for human and facilitator moves).
    pub reasons: Vec<Option<String>>,
    pub ticker: Vec<Tick>,
    /// Event cards fired and not yet shown.
    pub cards: VecDeque<usize>,
    ai_queue: VecDeque<Decision>,
    ai: Ai,
    /// Facilitator: AI seats stop moving.
    pub paused: bool,
    /// Facilitator: every brief and utility on screen.
    pub reveal_all: bool,
    /// Public information only.
    pub projector: bool,
    /// In hot-seat, the human seat that has been handed the keyboard.
    pub at_keyboard: Option<usize>,
    /// Seats that have read their brief.
    pub briefed: Vec<bool>,
    pub save_path: Option<PathBuf>,
    pub started: String,
    /// The Nash package, found once per game on a background thread (the
    /// advisor's slow part), shared by clones of the session.
    nash: Arc<Mutex<Nash>>,
}

impl Session {
    pub fn new(model: Arc<Model>, source: &str, seed: u64, seats: Vec<Seat>) -> Session {
        let game = Game::new(Arc::clone(&model), seed);
        let np = model.parties.len();
        let mut s = Session {
            source: source.into(),
            ticker: Vec::new(),
            cards: VecDeque::new(),
            reasons: Vec::new(),
            ai_queue: VecDeque::new(),
            ai: Ai::new(&model, seed, &seats),
            paused: false,
            reveal_all: false,
            projector: false,
            at_keyboard: None,
            briefed: vec![false; np],
            save_path: None,
            started: String::new(),
            nash: Arc::new(Mutex::new(Nash::NotAsked)),
            seats,
            game,
            model,
        };
        let journal: Vec<Event> = s.game.journal().to_vec();
        for e in &journal {
            s.tick(e, None, false);
        }
        s
    }

    /// A session replayed from a log (resume, undo).
    pub fn replayed(
        model: Arc<Model>,
        source: &str,
        seed: u64,
        seats: Vec<Seat>,
        log: &[Action],
        reasons: &[Option<String>],
    ) -> Result<Session, (usize, ActionError)> {
        let mut s = Session::new(model, source, seed, seats);
        s.cards.clear();
        for (i, a) in log.iter().enumerate() {
            s.apply_quiet(*a, reasons.get(i).cloned().flatten())
                .map_err(|e| (i, e))?;
        }
        s.cards.clear();
        Ok(s)
    }

    pub fn humans(&self) -> Vec<usize> {
        (0..self.seats.len())
            .filter(|&p| self.seats[p].is_human())
            .collect()
    }

    /// One human seat against AI: undo is allowed.
    pub fn solo(&self) -> bool {
        self.humans().len() == 1
    }

    /// The human seat waiting for the keyboard in hot-seat, if any.
    pub fn handover(&self) -> Option<usize> {
        if self.humans().len() < 2 || self.game.ending().is_some() {
            return None;
        }
        let p = self.game.to_move()?;
        (self.seats[p].is_human() && self.at_keyboard != Some(p)).then_some(p)
    }

    /// Whose private data may be on screen now.
    pub fn viewer(&self) -> Option<usize> {
        if self.projector {
            return None;
        }
        let humans = self.humans();
        if humans.len() == 1 {
            return Some(humans[0]);
        }
        let p = self.game.to_move()?;
        (self.seats[p].is_human() && self.at_keyboard == Some(p)).then_some(p)
    }

    /// Whether private data of party `p` may be shown.
    pub fn may_see(&self, p: usize) -> bool {
        (self.reveal_all && !self.projector) || self.viewer() == Some(p)
    }

    /// The human seat that may act now (it is its move and it has the keyboard).
    pub fn human_to_move(&self) -> Option<usize> {
        let p = self.game.to_move()?;
        (self.seats[p].is_human() && self.viewer() == Some(p)).then_some(p)
    }

    /// Whether an AI seat is due to move.
    pub fn ai_due(&self) -> bool {
        !self.paused
            && self
                .game
                .to_move()
                .is_some_and(|p| !self.seats[p].is_human())
    }

    /// Apply an action and record it in the ticker; pop-ups for fired cards.
    pub fn apply(&mut self, action: Action, reason: Option<String>) -> Result<(), ActionError> {
        self.apply_quiet(action, reason)
    }

    fn apply_quiet(&mut self, action: Action, reason: Option<String>) -> Result<(), ActionError> {
        let events = self.game.apply(action)?.to_vec();
        self.reasons.push(reason.clone());
        let mut reason = reason;
        for e in &events {
            let own = matches!(
                e,
                Event::Stance { .. } | Event::Diplomacy { .. } | Event::Voted { .. }
            );
            self.tick(e, if own { reason.take() } else { None }, false);
        }
        if self.game.to_move() != action.party()
            || matches!(action, Action::CallVote { .. } | Action::WalkOut { .. })
        {
            self.ai_queue.clear();
        }
        Ok(())
    }

    /// Play the next AI move, if one is due.
    pub fn ai_step(&mut self) -> bool {
        if !self.ai_due() {
            return false;
        }
        let Some(party) = self.game.to_move() else {
            return false;
        };
        if self.ai_queue.is_empty() {
            self.ai_queue = self.ai.plan(&self.game, party).into();
        }
        let Some(d) = self.ai_queue.pop_front() else {
            return false;
        };
        if self.apply(d.action, Some(d.reason)).is_err() {
            // A stale plan: end the turn instead, so the game never stalls.
            self.ai_queue.clear();
            let fallback = match self.game.phase() {
                Phase::Vote { .. } => Action::Vote { party, sign: false },
                _ => Action::EndTurn { party },
            };
            return self
                .apply(
                    fallback,
                    Some(format!("{} passes", self.model.party_short(party))),
                )
                .is_ok();
        }
        true
    }

    /// Undo the last human move in solo play (and the AI moves after it).
    pub fn undo(&mut self) -> Result<(), String> {
        if !self.solo() {
            return Err("undo works in solo play only".into());
        }
        let human = self.humans()[0];
        let log = self.game.log();
        let Some(i) = log.iter().rposition(|a| a.party() == Some(human)) else {
            return Err("nothing of yours to undo".into());
        };
        let log = log[..i].to_vec();
        let reasons = self.reasons[..i].to_vec();
        let mut s = Session::replayed(
            Arc::clone(&self.model),
            &self.source,
            self.game.seed(),
            self.seats.clone(),
            &log,
            &reasons,
        )
        .map_err(|(i, e)| format!("cannot replay action {i}: {}", e.describe(&self.model)))?;
        s.paused = self.paused;
        s.reveal_all = self.reveal_all;
        s.projector = self.projector;
        s.at_keyboard = self.at_keyboard;
        s.briefed = self.briefed.clone();
        s.save_path = self.save_path.take();
        s.started = std::mem::take(&mut self.started);
        *self = s;
        Ok(())
    }

    /// Whether the advisor is still searching for the Nash package.
    pub fn advisor_busy(&self) -> bool {
        self.nash.lock().is_ok_and(|n| *n == Nash::Searching)
    }

    /// The deal-space advisor on the current draft, in lines of text. The
    /// first call starts the search for the Nash package on a thread; until
    /// it is found, the lines say so.
    pub fn advice(&mut self) -> Vec<String> {
        use crate::analysis::advise::Advisor;
        let state = self
            .nash
            .lock()
            .map(|n| n.clone())
            .unwrap_or(Nash::Searching);
        let (nash, exact) = match state {
            Nash::Found(n, e) => (n, e),
            Nash::Searching => {
                return vec!["Searching the deal space for the Nash package…".into()];
            }
            Nash::NotAsked => {
                if let Ok(mut n) = self.nash.lock() {
                    *n = Nash::Searching;
                }
                let model = Arc::clone(&self.model);
                let slot = Arc::clone(&self.nash);
                let spawned = std::thread::Builder::new()
                    .name("advisor".into())
                    .spawn(move || {
                        let a = Advisor::new(&model).advise(&model.initial_package().options);
                        let nash = a.nash_utility.as_ref().map(|_| {
                            let mut o = model.initial_package().options;
                            for ch in &a.nash_diff {
                                o[ch.clause] = ch.to;
                            }
                            o
                        });
                        if let Ok(mut n) = slot.lock() {
                            *n = Nash::Found(nash, a.exact);
                        }
                    });
                if spawned.is_err()
                    && let Ok(mut n) = self.nash.lock()
                {
                    *n = Nash::NotAsked;
                }
                return vec!["Searching the deal space for the Nash package…".into()];
            }
        };
        let m = &*self.model;
        let draft = self.game.options();
        let advice = Advisor::with_nash(m, nash, exact).advise(draft);
        let change = |ch: &crate::analysis::advise::Change| {
            format!(
                "  point {}: '{}' → '{}'",
                m.scenario.clauses[ch.clause].number,
                m.option_label(ch.clause, ch.from),
                m.option_label(ch.clause, ch.to)
            )
        };
        let mut out = vec![
            "The model's reading of the draft as it stands (clause texts only: events and".into(),
            "diplomacy aside). It uses every party's numbers: a coach, not a seat's brief.".into(),
            String::new(),
        ];
        let signs: Vec<String> = (0..m.parties.len())
            .map(|p| {
                format!(
                    "{} {}",
                    m.party_short(p),
                    if advice.signs.get(p) == Some(&true) {
                        "✓"
                    } else {
                        "✗"
                    }
                )
            })
            .collect();
        out.push(format!("Would sign now: {}", signs.join("  ")));
        out.push(if advice.in_zopa {
            "The draft is in the ZOPA: every party would sign it.".into()
        } else {
            match advice.distance_to_zopa {
                Some(d) => format!("Fewest clause changes into the ZOPA: {d}"),
                None => "No package every party would sign was found (empty ZOPA or search budget spent).".into(),
            }
        });
        out.extend(advice.nearest_zopa_changes.iter().map(change));
        out.push(String::new());
        match &advice.nash_utility {
            Some(_) if advice.nash_diff.is_empty() => {
                out.push("The draft is the Nash bargaining package.".into())
            }
            Some(_) => {
                out.push(format!(
                    "The Nash bargaining package differs on {} clause(s):",
                    advice.nash_diff.len()
                ));
                out.extend(advice.nash_diff.iter().map(change));
            }
            None => out.push("No Nash package: no package beats every party's reservation.".into()),
        }
        if !advice.exact {
            out.push(String::new());
            out.push("(approximate: the search stopped at its budget)".into());
        }
        out
    }

    /// The save of this game as it stands.
    pub fn save(&self, now: &str) -> Save {
        let seats = (0..self.seats.len())
            .map(|p| {
                (
                    self.model.scenario.parties[p].id.clone(),
                    self.seats[p].policy(&self.model),
                )
            })
            .collect();
        let mut save = Save::of(&self.game, &self.source, seats);
        save.started = self.started.clone();
        save.saved = now.into();
        save
    }

    fn tick(&mut self, e: &Event, reason: Option<String>, quiet: bool) {
        let m = &*self.model;
        let s = &m.scenario;
        let num = |c: usize| s.clauses[c].number;
        let round = match *e {
            Event::RoundStarted { round } | Event::RoundEnded { round } => round,
            _ => self.game.round(),
        };
        let (kind, text) = match *e {
            Event::RoundStarted { round } => (TickKind::Round, format!("── Round {round} ──")),
            Event::CardFired { event, injected } => {
                if !quiet {
                    self.cards.push_back(event);
                }
                let by = if injected { " (facilitator)" } else { "" };
                (
                    TickKind::Card,
                    format!("NEWS{by}: {}", s.events[event].title),
                )
            }
            Event::Stance {
                party,
                clause,
                stance,
            } => {
                let p = m.party_short(party);
                let t = match stance {
                    Stance::Accept => {
                        format!("{p} accepts {} ({})", num(clause), s.clauses[clause].title)
                    }
                    Stance::Reject => {
                        format!("{p} rejects {} ({})", num(clause), s.clauses[clause].title)
                    }
                    Stance::Strike => format!(
                        "{p} proposes to strike {} ({})",
                        num(clause),
                        s.clauses[clause].title
                    ),
                    Stance::Propose(v) => format!(
                        "{p} proposes '{}' for {}",
                        m.option_label(clause, v),
                        num(clause)
                    ),
                };
                (TickKind::Move, reason.unwrap_or(t))
            }
            Event::Diplomacy { party, action } => (
                TickKind::Move,
                reason.unwrap_or_else(|| {
                    format!("{}: {}", m.party_short(party), s.actions[action].name)
                }),
            ),
            Event::TurnEnded { .. } => return,
            Event::ClauseAgreed { clause } => (
                TickKind::Agreed,
                format!(
                    "AGREED {}: {} — '{}'",
                    num(clause),
                    s.clauses[clause].title,
                    m.option_label(clause, self.game.options()[clause])
                ),
            ),
            Event::ClauseRevised {
                clause, from, to, ..
            } => (
                TickKind::Revised,
                format!(
                    "Mediator rewrites {}: '{}' → '{}'",
                    num(clause),
                    m.option_label(clause, from),
                    m.option_label(clause, to)
                ),
            ),
            Event::RoundEnded { round } => (
                TickKind::Round,
                format!(
                    "Round {round} ends: deal likelihood {:.0}%",
                    100.0 * self.game.evaluation().likelihood
                ),
            ),
            Event::VoteCalled { party: Some(p) } => (
                TickKind::Vote,
                format!("{} calls a signing vote", m.party_short(p)),
            ),
            Event::VoteCalled { party: None } => (
                TickKind::Vote,
                "Nothing is open: the draft goes to a vote".into(),
            ),
            Event::Voted { party, sign } => (
                TickKind::Vote,
                reason.unwrap_or_else(|| {
                    format!(
                        "{} {}",
                        m.party_short(party),
                        if sign { "signs" } else { "refuses to sign" }
                    )
                }),
            ),
            Event::VoteFailed => (TickKind::Vote, "The vote fails; talks go on".into()),
            Event::DeadlineMoved { deadline } => (
                TickKind::Card,
                format!("The deadline is now round {deadline}"),
            ),
            Event::Ended { ending, .. } => (
                TickKind::End,
                format!("TALKS END: {}", ending_text(m, ending)),
            ),
        };
        self.ticker.push(Tick { round, kind, text });
    }
}

/// An ending in words.
pub fn ending_text(m: &Model, ending: Ending) -> String {
    match ending {
        Ending::Deal => "a deal — every signatory signed".into(),
        Ending::DeadlinePassed => "the deadline passed without a deal".into(),
        Ending::WalkOut { party } => format!("{} walked out", m.party_name(party)),
        Ending::Collapse { condition } => format!(
            "the talks collapsed — {}",
            m.collapse_text(condition).unwrap_or("")
        ),
    }
}
