//! The headless runner: drives a [`Game`] to its end with one policy per seat
//! (AI, script, outside program) and records a transcript of what happened and
//! why. Shared by `run`, `sweep` and the TUI's AI seats.

pub mod exec;
pub mod output;
pub mod script;
pub mod sweep;

use crate::ai::{self, AiSeat, Brain, Decision, Reason};
use crate::engine::{Action, Event, Game, Phase};
use crate::scenario::Model;
use rand_chacha::ChaCha8Rng;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// How a seat is played, as written on the command line or in a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Policy {
    /// The AI, with the party's default personality or the named one.
    Ai(Option<String>),
    /// Moves from the script file.
    Script,
    /// An outside program over JSON lines.
    Exec(String),
}

impl Policy {
    /// Read `ai`, `ai:PERSONALITY`, `script` or `exec:COMMAND`.
    pub fn parse(text: &str) -> Result<Policy, String> {
        match text {
            "ai" => Ok(Policy::Ai(None)),
            "script" => Ok(Policy::Script),
            _ => {
                if let Some(p) = text.strip_prefix("ai:") {
                    Ok(Policy::Ai(Some(p.to_string())))
                } else if let Some(c) = text.strip_prefix("exec:") {
                    if c.trim().is_empty() {
                        Err("exec: needs a command, e.g. exec:\"python3 bot.py\"".into())
                    } else {
                        Ok(Policy::Exec(c.to_string()))
                    }
                } else if text == "human" {
                    Err("'human' seats are for the terminal UI (backchannel play); use ai, ai:PERSONALITY, script or exec:COMMAND".into())
                } else {
                    Err(format!(
                        "unknown seat policy '{text}'; expected ai, ai:PERSONALITY, script or exec:COMMAND"
                    ))
                }
            }
        }
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Policy::Ai(None) => f.write_str("ai"),
            Policy::Ai(Some(p)) => write!(f, "ai:{p}"),
            Policy::Script => f.write_str("script"),
            Policy::Exec(c) => write!(f, "exec:{c}"),
        }
    }
}

/// Parse `PARTY=POLICY` against a scenario.
pub fn parse_seat(model: &Model, text: &str) -> Result<(usize, Policy), String> {
    let Some((party, policy)) = text.split_once('=') else {
        return Err(format!(
            "--seat '{text}': expected PARTY=POLICY, e.g. ru=ai:pragmatist"
        ));
    };
    let p = model
        .find_party(party.trim())
        .map_err(|e| format!("--seat '{text}': {e}"))?;
    let policy = Policy::parse(policy.trim()).map_err(|e| format!("--seat '{text}': {e}"))?;
    Ok((p, policy))
}

/// One seat at the table, ready to play.
// A handful per game; boxing the AI seat would only add a pointer chase.
#[allow(clippy::large_enum_variant)]
pub enum Seat {
    Ai { seat: AiSeat, rng: ChaCha8Rng },
    Script,
    Exec(Box<exec::Bot>),
}

impl Seat {
    /// An AI seat for this game (its random stream derived from the game's seed).
    pub fn ai(
        model: &Model,
        brain: Arc<Brain>,
        party: usize,
        personality: Option<&str>,
        seed: u64,
    ) -> Result<Seat, String> {
        Ok(Seat::Ai {
            seat: AiSeat::new(model, brain, party, personality)?,
            rng: ai::seat_rng(seed, model, party),
        })
    }
}

/// A line of the transcript.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    /// Something the engine did by itself (a card, a revision, a round end…).
    Event(Event),
    /// A seat's move: the event it caused, in words, and why.
    Move {
        event: Event,
        text: String,
        reason: String,
    },
    /// A seat lost its turn (or its vote): a bot that crashed, hung or sent garbage.
    Forfeit { party: usize, text: String },
}

/// Everything worth printing about a game, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Transcript {
    pub lines: Vec<Line>,
}

/// Why a run stopped before the end.
#[derive(Debug, Clone, PartialEq)]
pub enum RunError {
    /// A scripted move is illegal at the point it is played (exit 2).
    Script { at: String, message: String },
    /// The game did not end within the action budget (a runner bug).
    Stuck,
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Script { at, message } => write!(f, "{at}: {message}"),
            RunError::Stuck => f.write_str("the game did not end within its action budget"),
        }
    }
}

/// Most actions one game may take (a guard against a seat that never ends).
const ACTION_BUDGET: usize = 200_000;

/// Drives games: seats, a script, and an optional transcript.
pub struct Table<'a> {
    pub seats: Vec<Seat>,
    pub script: Option<&'a script::Plan>,
    /// Where the script's cursor stands.
    cursor: script::Cursor,
    /// Buffer reused between turns (no allocation per turn in sweeps).
    buf: Vec<Decision>,
    record: bool,
    pub transcript: Transcript,
    spent: usize,
}

impl<'a> Table<'a> {
    /// A table; with `record`, a transcript is kept (with reasons in words).
    pub fn new(seats: Vec<Seat>, script: Option<&'a script::Plan>, record: bool) -> Table<'a> {
        Table {
            seats,
            script,
            cursor: script::Cursor::default(),
            buf: Vec::with_capacity(64),
            record,
            transcript: Transcript::default(),
            spent: 0,
        }
    }

    /// Play the game to its end.
    pub fn play(&mut self, game: &mut Game) -> Result<(), RunError> {
        if self.record {
            // The events of Game::new (round 1's start and its cards).
            let start: Vec<Line> = game.journal().iter().map(|e| Line::Event(*e)).collect();
            self.transcript.lines.extend(start);
        }
        while let Some(party) = game.to_move() {
            self.spent += 1;
            if self.spent > ACTION_BUDGET {
                return Err(RunError::Stuck);
            }
            if let Some(plan) = self.script {
                self.facilitator(game, plan)?;
                if game.to_move() != Some(party) {
                    continue;
                }
            }
            match game.phase() {
                Phase::Vote { .. } => self.vote(game, party)?,
                Phase::Turns => self.turn(game, party)?,
                Phase::Over(_) => break,
            }
        }
        for seat in &mut self.seats {
            if let Seat::Exec(bot) = seat {
                bot.finish(game);
            }
        }
        Ok(())
    }

    /// Apply a seat's move, recording it with its reason. On an illegal move
    /// the error, and nothing changes.
    fn apply(
        &mut self,
        game: &mut Game,
        action: Action,
        reason: &Reason,
    ) -> Result<(), crate::engine::ActionError> {
        let text = if self.record {
            Some(ai::reason::render(
                game.model(),
                &action,
                reason,
                game.options(),
            ))
        } else {
            None
        };
        let why = if self.record {
            ai::reason::why(game.model(), &action, reason)
        } else {
            String::new()
        };
        let events = game.apply(action)?;
        if let Some(text) = text {
            let mut first = true;
            for e in events {
                let mine = first && is_move(e);
                if mine {
                    first = false;
                    self.transcript.lines.push(Line::Move {
                        event: *e,
                        text: text.clone(),
                        reason: why.clone(),
                    });
                } else {
                    self.transcript.lines.push(Line::Event(*e));
                }
            }
        }
        Ok(())
    }

    fn forfeit(&mut self, party: usize, text: String) {
        if self.record {
            // Bot forfeits quote what the bot sent: one clean line.
            let text = crate::text::clean_line(&text).into_owned();
            self.transcript.lines.push(Line::Forfeit { party, text });
        }
    }

    fn vote(&mut self, game: &mut Game, party: usize) -> Result<(), RunError> {
        let decision = match &mut self.seats[party] {
            Seat::Ai { seat, rng } => ai::vote(game, seat, rng),
            Seat::Script => script::vote(game, party, self.script, &mut self.cursor),
            Seat::Exec(bot) => match bot.vote(game) {
                Ok(d) => d,
                Err(why) => {
                    self.forfeit(party, why);
                    refuse(party)
                }
            },
        };
        let action = decision.action;
        if let Err(e) = self.apply(game, action, &decision.reason) {
            match &self.seats[party] {
                Seat::Exec(_) => {
                    let name = game.model().party_name(party).to_string();
                    self.forfeit(
                        party,
                        format!("{name}'s bot forfeits its vote: illegal vote ({e})"),
                    );
                }
                Seat::Script => {
                    // A scripted "sign" across a red line: refuse instead, and say so.
                    let name = game.model().party_name(party).to_string();
                    self.forfeit(party, format!("{name} cannot sign as scripted: {e}"));
                }
                Seat::Ai { .. } => {}
            }
            let d = refuse(party);
            self.apply(game, d.action, &d.reason)
                .map_err(|_| RunError::Stuck)?;
        }
        Ok(())
    }

    fn turn(&mut self, game: &mut Game, party: usize) -> Result<(), RunError> {
        let before = game.log().len();
        let mut buf = std::mem::take(&mut self.buf);
        let result = self.turn_with(game, party, &mut buf);
        self.buf = buf;
        result?;
        // A seat that left its turn open (a script's last move, a bot that sent
        // no end_turn, a seat with nothing more to say after its vote): end it.
        let called = game.log()[before..]
            .iter()
            .any(|a| matches!(a, Action::CallVote { .. }));
        if game.to_move() == Some(party) && matches!(game.phase(), Phase::Turns) && !called {
            let _ = self.apply(game, Action::EndTurn { party }, &Reason::Done);
        }
        Ok(())
    }

    fn turn_with(
        &mut self,
        game: &mut Game,
        party: usize,
        buf: &mut Vec<Decision>,
    ) -> Result<(), RunError> {
        match &mut self.seats[party] {
            Seat::Ai { seat, rng } => {
                ai::plan_turn_into(game, seat, rng, buf);
                for d in buf.iter() {
                    // Plans are legal by construction; a refusal would be a bug, so skip it.
                    let stop = matches!(d.action, Action::CallVote { .. } | Action::WalkOut { .. });
                    let _ = self.apply(game, d.action, &d.reason);
                    if stop || game.to_move() != Some(party) {
                        break;
                    }
                }
                Ok(())
            }
            Seat::Script => {
                let Some(plan) = self.script else {
                    return Ok(());
                };
                let moves = script::turn(game, party, plan, &mut self.cursor);
                for (at, action) in moves {
                    self.apply(game, action, &Reason::Scripted)
                        .map_err(|e| RunError::Script {
                            at: plan.locate(at),
                            message: format!("illegal move in round {}: {e}", game.round()),
                        })?;
                    if matches!(action, Action::CallVote { .. } | Action::WalkOut { .. }) {
                        break;
                    }
                }
                Ok(())
            }
            Seat::Exec(bot) => {
                let reply = bot.turn(game);
                let name = game.model().party_name(party).to_string();
                match reply {
                    Err(why) => self.forfeit(party, why),
                    Ok((actions, reason)) => {
                        for action in actions {
                            if let Err(e) = self.apply(game, action, &reason) {
                                self.forfeit(party, format!("{name}'s bot forfeits the rest of its turn: illegal move ({e})"));
                                break;
                            }
                            if matches!(
                                action,
                                Action::CallVote { .. }
                                    | Action::WalkOut { .. }
                                    | Action::EndTurn { .. }
                            ) {
                                break;
                            }
                        }
                    }
                }
                Ok(())
            }
        }
    }

    /// Facilitator moves the script plays at the start of a round.
    fn facilitator(&mut self, game: &mut Game, plan: &script::Plan) -> Result<(), RunError> {
        if !matches!(game.phase(), Phase::Turns) {
            return Ok(());
        }
        for (at, action) in script::facilitator(game, plan, &mut self.cursor) {
            self.apply(game, action, &Reason::Scripted)
                .map_err(|e| RunError::Script {
                    at: plan.locate(at),
                    message: format!("illegal move in round {}: {e}", game.round()),
                })?;
        }
        Ok(())
    }
}

fn refuse(party: usize) -> Decision {
    Decision {
        action: Action::Vote { party, sign: false },
        reason: Reason::Said("forfeit".into()),
    }
}

/// Whether an event is the direct record of a seat's move.
fn is_move(e: &Event) -> bool {
    matches!(
        e,
        Event::Stance { .. }
            | Event::Diplomacy { .. }
            | Event::Voted { .. }
            | Event::VoteCalled { .. }
            | Event::TurnEnded { .. }
            | Event::Ended { .. }
    )
}

/// Seed of game `i` of a sweep from seed `s` (splitmix64).
pub fn game_seed(s: u64, i: u64) -> u64 {
    let mut z = s.wrapping_add(i.wrapping_add(1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Default time a bot has to answer.
pub const BOT_TIMEOUT: Duration = Duration::from_secs(3);
