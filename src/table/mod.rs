//! The table: one [`Game`], one [`SeatPolicy`] per party, the one turn driver
//! and the narrated event stream. `run`, `sweep`, the terminal UI and `serve`
//! all drive a `Table`; no other game loop exists.
//!
//! A table is a shell around the pure engine: the AI seats draw from their own
//! seeded streams, scripts are data, and only an `exec:` seat talks to the
//! outside world (a bot process). [`Table::step`] plays one move of whoever is
//! due, or says that a human seat must move.

pub mod narrate;
pub mod seat;
pub mod view;

pub use narrate::{Kind, Narration, Narrator, narrate};
pub use seat::SeatPolicy;
pub use view::{View, Viewer};

use crate::ai::{self, AiSeat, Brain, Decision, Reason};
use crate::engine::{Action, ActionError, Event, Game, Phase};
use crate::runner::exec::Bot;
use crate::runner::script::{self, Plan};
use crate::scenario::Model;
use rand_chacha::ChaCha8Rng;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Most actions one game may take (a guard against a seat that never ends).
const ACTION_BUDGET: usize = 200_000;

/// Default time a bot has to answer.
pub const BOT_TIMEOUT: Duration = Duration::from_secs(3);

/// What [`Table::step`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// A seat moved (an AI seat one action; a script or bot its whole turn or vote).
    Moved,
    /// It is this human seat's move.
    AwaitHuman(usize),
    /// The facilitator has paused the table and an AI, script or bot seat is due.
    Paused,
    /// The talks are over.
    Over,
}

/// Why a table stopped before the end.
#[derive(Debug, Clone, PartialEq)]
pub enum TableError {
    /// A scripted move is illegal at the point it is played (bad input).
    Script { at: String, message: String },
    /// A seat cannot be set up (an unknown personality, a script seat with no script).
    Seat(String),
    /// The game did not end within the action budget (a driver bug).
    Stuck,
}

/// The messages quote ids, policies and moves from a script, a save or the
/// command line: one line each, without control characters.
impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::text::clean_line;
        match self {
            TableError::Script { at, message } => {
                write!(f, "{}: {}", clean_line(at), clean_line(message))
            }
            TableError::Seat(m) => f.write_str(&clean_line(m)),
            TableError::Stuck => f.write_str("the game did not end within its action budget"),
        }
    }
}

impl std::error::Error for TableError {}

/// How a table is set up beyond its seats.
#[derive(Clone, Default)]
pub struct Options {
    /// The script for `script` seats and facilitator moves.
    pub script: Option<Arc<Plan>>,
    /// Keep the narrated event stream and the reasons (off in sweeps).
    pub record: bool,
    /// Time a bot has to answer each request (default [`BOT_TIMEOUT`]).
    pub bot_timeout: Option<Duration>,
    /// The AI's tables for this model, when the caller already has them.
    pub brain: Option<Arc<Brain>>,
    /// Keep the bots running from one game to the next ([`Table::restart`]
    /// sends them `new_game`): a sweep's long-lived bots.
    pub long_lived: bool,
}

/// One seat, ready to play.
// A handful per game; boxing the AI seat would only add a pointer chase.
#[allow(clippy::large_enum_variant)]
enum Driver {
    Human,
    Ai {
        seat: AiSeat,
        rng: ChaCha8Rng,
    },
    Script,
    Exec(Box<Bot>),
    Reference {
        kind: ai::bots::BotKind,
        seat: AiSeat,
        rng: ChaCha8Rng,
    },
}

/// A game and the seats around it.
pub struct Table {
    game: Game,
    policies: Vec<SeatPolicy>,
    drivers: Vec<Driver>,
    script: Option<Arc<Plan>>,
    cursor: script::Cursor,
    /// The AI seat's plan for the rest of its turn, and how far it has got.
    plan: Vec<Decision>,
    plan_at: usize,
    plan_for: Option<usize>,
    record: bool,
    narrator: Narrator,
    /// How much of the game's journal has been narrated.
    narrated: usize,
    stream: Vec<Narration>,
    /// The reason given for each entry of the action log (None when none was).
    reasons: Vec<Option<String>>,
    spent: usize,
    paused: bool,
    long_lived: bool,
    /// The first seat whose bot failed in this game (crash, timeout, an
    /// unusable answer): a sweep counts the game as forfeited by it.
    failed: Option<usize>,
}

impl fmt::Debug for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Table")
            .field("scenario", &self.game.model().scenario.meta.id)
            .field("seed", &self.game.seed())
            .field("policies", &self.policies)
            .field("round", &self.game.round())
            .finish_non_exhaustive()
    }
}

impl Table {
    /// A new game of `model` from `seed` with these seats (one per party).
    pub fn new(
        model: Arc<Model>,
        seed: u64,
        policies: Vec<SeatPolicy>,
        options: Options,
    ) -> Result<Table, TableError> {
        let np = model.parties.len();
        if policies.len() != np {
            return Err(TableError::Seat(format!(
                "{} seats for {np} parties",
                policies.len()
            )));
        }
        let game = Game::new(Arc::clone(&model), seed);
        let needs_brain = policies
            .iter()
            .any(|p| matches!(p, SeatPolicy::Ai(_) | SeatPolicy::Bot(_)));
        let brain = match (options.brain, needs_brain) {
            (Some(b), _) => Some(b),
            (None, true) => Some(Arc::new(Brain::new(&model))),
            (None, false) => None,
        };
        let timeout = options.bot_timeout.unwrap_or(BOT_TIMEOUT);
        let mut drivers = Vec::with_capacity(np);
        for (p, policy) in policies.iter().enumerate() {
            let party = &model.scenario.parties[p].id;
            // An AI or reference seat: the party's tables (one brain per table).
            let seat = |name: Option<&str>| {
                let brain = brain
                    .clone()
                    .unwrap_or_else(|| Arc::new(Brain::new(&model)));
                AiSeat::new(&model, brain, p, name)
                    .map_err(|e| TableError::Seat(format!("seat {party}: {e}")))
            };
            drivers.push(match policy {
                SeatPolicy::Human => Driver::Human,
                SeatPolicy::Ai(name) => Driver::Ai {
                    seat: seat(name.as_deref())?,
                    rng: ai::seat_rng(seed, &model, p),
                },
                SeatPolicy::Script => {
                    if options.script.is_none() {
                        return Err(TableError::Seat(format!(
                            "seat {party}=script needs a script (--script FILE)"
                        )));
                    }
                    Driver::Script
                }
                SeatPolicy::Exec(cmd) => Driver::Exec(Box::new(Bot::spawn(cmd, &game, p, timeout))),
                SeatPolicy::Bot(kind) => Driver::Reference {
                    kind: *kind,
                    seat: seat(None)?,
                    rng: ai::seat_rng(seed, &model, p),
                },
            });
        }
        let mut table = Table {
            game,
            policies,
            drivers,
            script: options.script,
            cursor: script::Cursor::default(),
            plan: Vec::with_capacity(64),
            plan_at: 0,
            plan_for: None,
            record: options.record,
            narrator: Narrator::default(),
            narrated: 0,
            stream: Vec::new(),
            reasons: Vec::new(),
            spent: 0,
            paused: false,
            long_lived: options.long_lived,
            failed: None,
        };
        table.narrate_new(None);
        Ok(table)
    }

    /// A table replayed from an action log (resume, undo): every action is
    /// applied again, with the reason recorded for it.
    pub fn replay(
        model: Arc<Model>,
        seed: u64,
        policies: Vec<SeatPolicy>,
        options: Options,
        log: &[Action],
        reasons: &[Option<String>],
    ) -> Result<Table, ReplayError> {
        let mut table = Table::new(model, seed, policies, options).map_err(ReplayError::Seat)?;
        for (i, a) in log.iter().enumerate() {
            table
                .apply(*a, reasons.get(i).cloned().flatten())
                .map_err(|error| ReplayError::Action {
                    index: i,
                    text: error.describe(table.model()),
                    error,
                })?;
        }
        Ok(table)
    }

    /// The same seats on a new game from `seed`: buffers are kept (a sweep
    /// worker plays thousands of games on one table).
    pub fn restart(&mut self, seed: u64) {
        self.game.restart(seed);
        let model = Arc::clone(self.game.model());
        for (p, d) in self.drivers.iter_mut().enumerate() {
            match d {
                Driver::Ai { rng, .. } | Driver::Reference { rng, .. } => {
                    *rng = ai::seat_rng(seed, &model, p);
                }
                Driver::Exec(bot) => bot.new_game(&self.game),
                Driver::Human | Driver::Script => {}
            }
        }
        self.failed = None;
        self.cursor = script::Cursor::default();
        self.plan.clear();
        self.plan_at = 0;
        self.plan_for = None;
        self.narrator = Narrator::default();
        self.narrated = 0;
        self.stream.clear();
        self.reasons.clear();
        self.spent = 0;
        self.narrate_new(None);
    }

    pub fn game(&self) -> &Game {
        &self.game
    }

    pub fn model(&self) -> &Arc<Model> {
        self.game.model()
    }

    pub fn policies(&self) -> &[SeatPolicy] {
        &self.policies
    }

    /// The seat's policy as it is played: an AI seat names its personality.
    pub fn seat_label(&self, party: usize) -> String {
        match &self.drivers[party] {
            Driver::Ai { seat, .. } => format!("ai:{}", seat.personality),
            _ => self.policies[party].to_string(),
        }
    }

    /// The first seat whose bot failed in this game (it was stopped, or sent
    /// an answer that could not be used); None when every bot played it out.
    pub fn failed(&self) -> Option<usize> {
        self.failed
    }

    /// Hand a seat to a person or to the AI mid-game (`serve`: the AI
    /// keeps an empty seat warm). The log is unchanged, so a replay of the
    /// save is the same game. Only human and AI seats can be swapped.
    pub fn set_seat(&mut self, party: usize, policy: SeatPolicy) -> Result<(), TableError> {
        let model = Arc::clone(self.game.model());
        let Some(slot) = self.policies.get(party) else {
            return Err(TableError::Seat(format!("no seat {party}")));
        };
        if *slot == policy {
            return Ok(());
        }
        let driver = match &policy {
            SeatPolicy::Human => Driver::Human,
            SeatPolicy::Ai(name) => Driver::Ai {
                seat: AiSeat::new(&model, Arc::new(Brain::new(&model)), party, name.as_deref())
                    .map_err(|e| TableError::Seat(e.to_string()))?,
                rng: ai::seat_rng(self.game.seed(), &model, party),
            },
            other => {
                return Err(TableError::Seat(format!(
                    "a seat can be handed to a person or the AI only, not to {other}"
                )));
            }
        };
        self.drivers[party] = driver;
        self.policies[party] = policy;
        if self.plan_for == Some(party) {
            self.plan.clear();
            self.plan_at = 0;
            self.plan_for = None;
        }
        Ok(())
    }

    /// Whether a person plays this seat.
    pub fn is_human(&self, party: usize) -> bool {
        matches!(self.drivers.get(party), Some(Driver::Human))
    }

    /// The parties played by people.
    pub fn humans(&self) -> Vec<usize> {
        (0..self.drivers.len())
            .filter(|&p| self.is_human(p))
            .collect()
    }

    /// The narrated event stream so far (empty unless recording).
    pub fn narrations(&self) -> &[Narration] {
        &self.stream
    }

    /// The reason recorded for each action of the log.
    pub fn reasons(&self) -> &[Option<String>] {
        &self.reasons
    }

    pub fn paused(&self) -> bool {
        self.paused
    }

    /// Facilitator: stop (or restart) the AI, script and bot seats.
    pub fn set_paused(&mut self, paused: bool) {
        self.paused = paused;
    }

    /// Whether a seat that is not human is due to move (and the table is not paused).
    pub fn machine_due(&self) -> bool {
        !self.paused && self.game.to_move().is_some_and(|p| !self.is_human(p))
    }

    /// Apply a move (a human seat's or the facilitator's) with an optional
    /// reason; an illegal one changes nothing.
    pub fn apply(&mut self, action: Action, reason: Option<String>) -> Result<(), ActionError> {
        self.game.apply(action)?;
        if self.record {
            self.reasons.push(reason.clone());
        }
        self.narrate_new(reason.map(|r| (action, r)));
        if self.plan_for.is_some()
            && (self.game.to_move() != self.plan_for
                || matches!(action, Action::CallVote { .. } | Action::WalkOut { .. }))
        {
            self.drop_plan();
        }
        Ok(())
    }

    /// Narrate the journal events not narrated yet; the move's reason goes on
    /// the event that records the move.
    fn narrate_new(&mut self, mut reason: Option<(Action, String)>) {
        if !self.record {
            self.narrated = self.game.journal().len();
            return;
        }
        let model = Arc::clone(self.game.model());
        let journal = self.game.journal();
        for e in &journal[self.narrated..] {
            let mut line = self.narrator.next(&model, e);
            if let Event::RoundEnded { round, .. } = *e
                && let Some((_, eval)) = self.game.history().iter().rev().find(|(r, _)| *r == round)
            {
                line.values = narrate::round_values(&model, eval);
            }
            if line.kind.is_move()
                && let Some((action, why)) = &reason
                && action
                    .party()
                    .map(|p| model.scenario.parties[p].id.as_str())
                    == line.party.as_deref()
            {
                if !why.is_empty() {
                    line.reason = Some(why.clone());
                }
                reason = None;
            }
            self.stream.push(line);
        }
        self.narrated = journal.len();
    }

    /// A bot's failure: a forfeit line, and the game counted as failed by it.
    fn bot_failed(&mut self, party: usize, text: String) {
        if self.failed.is_none() {
            self.failed = Some(party);
        }
        if let Driver::Exec(bot) = &mut self.drivers[party] {
            bot.mark_failed();
        }
        self.forfeit(party, text);
    }

    /// The bot's notes (lines it sent that were discarded) into the transcript.
    fn bot_notes(&mut self, party: usize) {
        let Driver::Exec(bot) = &mut self.drivers[party] else {
            return;
        };
        let notes = bot.take_notes();
        if self.record {
            let round = self.narrator.round();
            for text in notes {
                let text = crate::text::clean_line(&text).into_owned();
                let line = Narration::note(self.game.model(), round, party, text);
                self.stream.push(line);
            }
        }
    }

    /// Tell a bot its move was refused, with the engine's structured reason.
    fn tell_refused(&mut self, party: usize, id: u64, index: Option<usize>, e: &ActionError) {
        let refusal = e.to_json(self.game.model());
        if let Driver::Exec(bot) = &mut self.drivers[party] {
            bot.refused(id, index, refusal);
        }
    }

    fn forfeit(&mut self, party: usize, text: String) {
        if self.record {
            // Bot forfeits quote what the bot sent: one clean line.
            let text = crate::text::clean_line(&text).into_owned();
            let round = self.narrator.round();
            let line = Narration::forfeit(self.game.model(), round, party, text);
            self.stream.push(line);
        }
    }

    fn drop_plan(&mut self) {
        self.plan.clear();
        self.plan_at = 0;
        self.plan_for = None;
    }

    /// Apply a seat's decision, with its reason in words when recording.
    fn decide(&mut self, action: Action, reason: &Reason) -> Result<(), ActionError> {
        let why = if self.record {
            Some(ai::reason::why(self.game.model(), &action, reason))
        } else {
            None
        };
        self.apply(action, why)
    }

    /// Play until the talks end (no human seat may sit at this table).
    pub fn play(&mut self) -> Result<(), TableError> {
        loop {
            match self.step()? {
                Step::Moved => {}
                Step::Over => break,
                Step::AwaitHuman(p) => {
                    return Err(TableError::Seat(format!(
                        "seat {} is human: this table cannot play it",
                        self.game.model().scenario.parties[p].id
                    )));
                }
                Step::Paused => return Err(TableError::Stuck),
            }
        }
        self.finish();
        Ok(())
    }

    /// Tell the bots how the talks ended and let them go (a long-lived
    /// table's bots wait for the next game).
    pub fn finish(&mut self) {
        for d in &mut self.drivers {
            if let Driver::Exec(bot) = d {
                bot.finish(&self.game, &self.stream, self.long_lived);
            }
        }
    }

    /// Let a long-lived table's bots go (after its last game's `end`).
    pub fn close_bots(&mut self) {
        for d in &mut self.drivers {
            if let Driver::Exec(bot) = d {
                bot.close();
            }
        }
    }

    /// Play one move of whoever is due.
    pub fn step(&mut self) -> Result<Step, TableError> {
        let Some(party) = self.game.to_move() else {
            return Ok(Step::Over);
        };
        self.spent += 1;
        if self.spent > ACTION_BUDGET {
            return Err(TableError::Stuck);
        }
        if let Some(plan) = self.script.clone()
            && matches!(self.game.phase(), Phase::Turns)
        {
            for (at, action) in script::facilitator(&self.game, &plan, &mut self.cursor) {
                self.decide(action, &Reason::Scripted)
                    .map_err(|e| script_error(&plan, at, &self.game, &e))?;
            }
            if self.game.to_move() != Some(party) {
                return Ok(Step::Moved);
            }
        }
        if self.is_human(party) {
            return Ok(Step::AwaitHuman(party));
        }
        if self.paused {
            return Ok(Step::Paused);
        }
        if let Phase::Revision { .. } = self.game.phase() {
            // The pen-holder's revision. A bot is asked (`revise`); a script
            // holds the pen by the AI broker's rule.
            if let Driver::Exec(_) = self.drivers[party] {
                self.bot_revise(party);
                return Ok(Step::Moved);
            }
            let d = match &mut self.drivers[party] {
                Driver::Reference { kind, seat, rng } => {
                    ai::bots::revise(&self.game, *kind, seat, rng)
                }
                _ => ai::revise(&self.game, party),
            };
            let _ = self.decide(d.action, &d.reason);
            return Ok(Step::Moved);
        }
        if let Driver::Reference { kind, seat, rng } = &mut self.drivers[party] {
            if matches!(self.game.phase(), Phase::Vote { .. }) {
                let d = ai::bots::vote(&self.game, *kind, seat, rng);
                if self.decide(d.action, &d.reason).is_err() {
                    self.refuse(party);
                }
            } else {
                let before = self.game.log().len();
                let plan = ai::bots::turn(&self.game, *kind, seat, rng);
                for d in plan {
                    if self.decide(d.action, &d.reason).is_err() {
                        break;
                    }
                    if self.game.to_move() != Some(party)
                        || matches!(d.action, Action::CallVote { .. })
                    {
                        break;
                    }
                }
                self.close_turn(party, before);
            }
            return Ok(Step::Moved);
        }
        let voting = matches!(self.game.phase(), Phase::Vote { .. });
        match &self.drivers[party] {
            Driver::Ai { .. } if voting => self.ai_vote(party),
            Driver::Ai { .. } => self.ai_move(party),
            Driver::Script | Driver::Exec(_) if voting => self.outside_vote(party),
            Driver::Script => self.script_turn(party)?,
            Driver::Exec(_) => self.bot_turn(party),
            Driver::Human | Driver::Reference { .. } => {}
        }
        Ok(Step::Moved)
    }

    fn ai_vote(&mut self, party: usize) {
        let Driver::Ai { seat, .. } = &self.drivers[party] else {
            return;
        };
        let d = ai::vote(&self.game, seat);
        if self.decide(d.action, &d.reason).is_err() {
            self.refuse(party);
        }
    }

    /// One action of the AI seat's plan for its turn (planned when it starts).
    fn ai_move(&mut self, party: usize) {
        if self.plan_for != Some(party) || self.plan_at >= self.plan.len() {
            let Driver::Ai { seat, rng } = &mut self.drivers[party] else {
                return;
            };
            ai::plan_turn_into(&self.game, seat, rng, &mut self.plan);
            self.plan_at = 0;
            self.plan_for = Some(party);
        }
        let Some(d) = self.plan.get(self.plan_at) else {
            // Nothing planned: the seat has nothing more to say this turn.
            self.drop_plan();
            let _ = self.decide(Action::EndTurn { party }, &Reason::Done);
            return;
        };
        let (action, reason) = (d.action, d.reason.clone());
        self.plan_at += 1;
        // Plans are legal by construction; a refusal would be a bug, so skip it.
        let _ = self.decide(action, &reason);
        let ends = matches!(action, Action::CallVote { .. } | Action::WalkOut { .. });
        if ends || self.game.to_move() != Some(party) {
            self.drop_plan();
        } else if self.plan_at >= self.plan.len() {
            // The plan is spent but the turn is still open: end it.
            self.drop_plan();
            if matches!(self.game.phase(), Phase::Turns) {
                let _ = self.decide(Action::EndTurn { party }, &Reason::Done);
            }
        }
    }

    /// Refuse to sign for a seat whose vote could not be played.
    fn refuse(&mut self, party: usize) {
        let _ = self.decide(
            Action::Vote { party, sign: false },
            &Reason::Said("forfeit".into()),
        );
    }

    fn outside_vote(&mut self, party: usize) {
        let name = self.game.model().party_name(party).to_string();
        let decision = match &mut self.drivers[party] {
            Driver::Exec(bot) => bot
                .vote(&self.game, &self.stream)
                .map(|(id, d)| (Some(id), d)),
            _ => Ok((
                None,
                script::vote(&self.game, party, self.script.as_deref(), &mut self.cursor),
            )),
        };
        self.bot_notes(party);
        match decision {
            Err(why) => {
                self.bot_failed(party, why);
                self.refuse(party);
            }
            Ok((id, d)) => {
                if let Err(e) = self.decide(d.action, &d.reason) {
                    let text = e.describe(self.game.model());
                    let text = match id {
                        Some(id) => {
                            self.tell_refused(party, id, None, &e);
                            format!("{name}'s bot forfeits its vote: illegal vote ({text})")
                        }
                        // A scripted "sign" across a red line: refuse instead, and say so.
                        None => format!("{name} cannot sign as scripted: {text}"),
                    };
                    self.forfeit(party, text);
                    self.refuse(party);
                }
            }
        }
    }

    /// The pen-holder's revision by a bot: adopt what it names, or nothing
    /// when its answer is unusable or refused.
    fn bot_revise(&mut self, party: usize) {
        let name = self.game.model().party_name(party).to_string();
        let Driver::Exec(bot) = &mut self.drivers[party] else {
            return;
        };
        let decision = bot.revise(&self.game, &self.stream);
        self.bot_notes(party);
        let done = match decision {
            Err(why) => {
                self.bot_failed(party, why);
                false
            }
            Ok((id, d)) => match self.decide(d.action, &d.reason) {
                Ok(()) => true,
                Err(e) => {
                    self.tell_refused(party, id, None, &e);
                    let text = e.describe(self.game.model());
                    self.forfeit(
                        party,
                        format!("{name}'s bot's revision is refused ({text}): nothing is adopted"),
                    );
                    false
                }
            },
        };
        if !done {
            let nothing = Action::Revise {
                party,
                adopt: crate::engine::Selection::default(),
            };
            if self
                .decide(nothing, &Reason::Said("forfeit".into()))
                .is_err()
            {
                let d = ai::revise(&self.game, party);
                let _ = self.decide(d.action, &d.reason);
            }
        }
    }

    fn script_turn(&mut self, party: usize) -> Result<(), TableError> {
        let before = self.game.log().len();
        if let Some(plan) = self.script.clone() {
            for (at, action) in script::turn(&self.game, party, &plan, &mut self.cursor) {
                self.decide(action, &Reason::Scripted)
                    .map_err(|e| script_error(&plan, at, &self.game, &e))?;
                if matches!(action, Action::CallVote { .. } | Action::WalkOut { .. }) {
                    break;
                }
            }
        }
        self.close_turn(party, before);
        Ok(())
    }

    /// A bot's turn: its answer's moves in order, up to the first refused
    /// (the bot is told why) or unreadable one. Moves after a `call_vote`
    /// wait for the vote and are played when the turn comes back.
    fn bot_turn(&mut self, party: usize) {
        let before = self.game.log().len();
        let name = self.game.model().party_name(party).to_string();
        let Driver::Exec(bot) = &mut self.drivers[party] else {
            return;
        };
        let answer = match bot.take_pending() {
            Some(rest) => Ok(rest),
            None => bot.turn(&self.game, &self.stream),
        };
        self.bot_notes(party);
        let mut answer = match answer {
            Ok(answer) => answer,
            Err(why) => {
                self.bot_failed(party, why);
                self.close_turn(party, before);
                return;
            }
        };
        let moves = std::mem::take(&mut answer.moves);
        for (i, &action) in moves.iter().enumerate() {
            if let Err(e) = self.decide(action, &answer.reason) {
                self.tell_refused(party, answer.id, Some(answer.offset + i), &e);
                let e = e.describe(self.game.model());
                self.forfeit(
                    party,
                    format!("{name}'s bot forfeits the rest of its turn: illegal move ({e})"),
                );
                self.close_turn(party, before);
                return;
            }
            match action {
                Action::CallVote { .. } => {
                    let rest = moves[i + 1..].to_vec();
                    if !rest.is_empty() || answer.bad.is_some() {
                        if let Driver::Exec(bot) = &mut self.drivers[party] {
                            answer.moves = rest;
                            // A later refusal still counts from the answer's first move.
                            answer.offset += i + 1;
                            bot.keep_pending(answer);
                        }
                        return;
                    }
                    break;
                }
                Action::WalkOut { .. } | Action::EndTurn { .. } => break,
                _ => {}
            }
            if self.game.to_move() != Some(party) {
                break;
            }
        }
        if let Some((at, why)) = answer.bad
            && self.game.to_move() == Some(party)
        {
            let refusal = serde_json::json!({"kind": "malformed", "text": why});
            if let Driver::Exec(bot) = &mut self.drivers[party] {
                bot.refused(answer.id, Some(at), refusal);
            }
            self.bot_failed(
                party,
                format!("{name}'s bot forfeits the rest of its turn: {why}"),
            );
        }
        self.close_turn(party, before);
    }

    /// A seat that left its turn open (a script's last move, a bot that sent
    /// no end_turn): end it, unless it called a vote.
    fn close_turn(&mut self, party: usize, before: usize) {
        let called = self.game.log()[before..]
            .iter()
            .any(|a| matches!(a, Action::CallVote { .. }));
        if self.game.to_move() == Some(party)
            && matches!(self.game.phase(), Phase::Turns)
            && !called
        {
            let _ = self.decide(Action::EndTurn { party }, &Reason::Done);
        }
    }
}

fn script_error(plan: &Plan, at: usize, game: &Game, e: &ActionError) -> TableError {
    TableError::Script {
        at: plan.locate(at),
        message: format!(
            "illegal move in round {}: {}",
            game.round(),
            e.describe(game.model())
        ),
    }
}

/// Why a log could not be replayed.
#[derive(Debug, Clone, PartialEq)]
pub enum ReplayError {
    Seat(TableError),
    Action {
        index: usize,
        error: ActionError,
        /// The refusal in words.
        text: String,
    },
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplayError::Seat(e) => e.fmt(f),
            ReplayError::Action { index, text, .. } => {
                write!(
                    f,
                    "action {index} is illegal at this point of the game: {text}"
                )
            }
        }
    }
}

impl std::error::Error for ReplayError {}
