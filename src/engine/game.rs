//! The game state and its one way to change: [`Game::apply`].
//!
//! A game is a pure function of (scenario, seed, action log): no terminal, no
//! files, no clock. Every random draw comes from one ChaCha8 stream seeded by
//! the game's seed, so a replay of the same log reaches the same state.

use super::action::{Action, ActionError, Ending, Event, Stance, Unavailable, WalkoutBar};
use super::score::{
    Context, Draft, Evaluation, Hint, NoTrace, PartyVec, Status, Sums, finish, finish_into,
    finish_with, settle, weigh_into,
};
use crate::core::model::{Model, TargetModel, TriggerModel};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::sync::Arc;

/// Where the talks stand.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// Parties take turns; `turn` indexes the turn order.
    Turns,
    /// A signing vote: `voters[next]` votes next.
    Vote {
        caller: Option<usize>,
        voters: PartyVec<usize>,
        next: usize,
        refused: bool,
    },
    Over(Ending),
}

/// What moved a metric or a reservation outside the draft.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Source {
    Event(usize),
    Action { party: usize, action: usize },
}

/// What a ledger entry moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moved {
    Metric(usize),
    Reservation(usize),
}

/// One movement caused by an event card or a diplomatic action.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LedgerEntry {
    pub round: u32,
    pub source: Source,
    pub moved: Moved,
    pub delta: f64,
}

/// A party's result when the talks end.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// The utility the party ends with: the deal's U_p, or its reservation without one.
    pub utility: f64,
    pub reservation: f64,
    /// `utility − reservation`: above 0, the party did better than no deal.
    pub score: f64,
}

/// One game of negotiation.
#[derive(Debug, Clone)]
pub struct Game {
    model: Arc<Model>,
    seed: u64,
    rng: ChaCha8Rng,
    round: u32,
    deadline: u32,
    turn: usize,
    phase: Phase,
    options: Vec<usize>,
    status: Vec<Status>,
    /// `stances[party * clauses + clause]`.
    stances: Vec<Option<Stance>>,
    acted: bool,
    uses: Vec<u32>,
    votes_called: Vec<u32>,
    base: Vec<f64>,
    reservation: Vec<f64>,
    ledger: Vec<LedgerEntry>,
    fired: Vec<bool>,
    collapse_streak: Vec<u32>,
    sums: Sums,
    eval: Evaluation,
    /// Evaluations of the mediator's candidate revisions, reused.
    scratch: [Evaluation; 2],
    history: Vec<(u32, Evaluation)>,
    log: Vec<Action>,
    journal: Vec<Event>,
}

impl Game {
    /// A new game at the start of round 1 (its events already drawn).
    pub fn new(model: Arc<Model>, seed: u64) -> Game {
        let np = model.parties.len();
        let nc = model.clauses.len();
        let nm = model.metrics.len();
        let mut game = Game {
            seed,
            rng: ChaCha8Rng::seed_from_u64(seed),
            round: 1,
            deadline: model.rules.rounds,
            turn: 0,
            phase: Phase::Turns,
            stances: vec![None; np * nc],
            acted: false,
            uses: vec![0; np * model.actions.len()],
            votes_called: vec![0; np],
            ledger: Vec::new(),
            fired: vec![false; model.events.len()],
            collapse_streak: vec![0; model.rules.collapse.len()],
            history: Vec::with_capacity(model.rules.rounds as usize + 2),
            log: Vec::with_capacity(512),
            journal: Vec::with_capacity(512),
            options: vec![0; nc],
            status: vec![Status::Open; nc],
            base: vec![0.0; nm],
            reservation: vec![0.0; np],
            // Placeholders: `restart` sets the draft and evaluates it.
            sums: Sums::of(&model, &[]),
            eval: Evaluation::default(),
            scratch: Default::default(),
            model,
        };
        game.restart(seed);
        game
    }

    /// Start this game over with another seed, keeping its allocations (a
    /// sweep plays many games in one). The result equals `Game::new(model, seed)`.
    pub fn restart(&mut self, seed: u64) {
        let model = Arc::clone(&self.model);
        self.seed = seed;
        self.rng = ChaCha8Rng::seed_from_u64(seed);
        self.round = 1;
        self.deadline = model.rules.rounds;
        self.turn = 0;
        self.phase = Phase::Turns;
        self.stances.fill(None);
        self.acted = false;
        self.uses.fill(0);
        self.votes_called.fill(0);
        self.ledger.clear();
        self.fired.fill(false);
        self.collapse_streak.fill(0);
        self.history.clear();
        self.log.clear();
        self.journal.clear();
        for (o, c) in self.options.iter_mut().zip(&model.clauses) {
            *o = c.initial;
        }
        self.status.fill(Status::Open);
        self.base.fill(0.0);
        for (r, p) in self.reservation.iter_mut().zip(&model.parties) {
            *r = p.reservation;
        }
        self.sums = Sums::of(&model, &self.options);
        self.eval = finish(
            &model,
            &self.sums,
            &self.options,
            self.context(),
            &mut NoTrace,
        );
        self.history.push((0, self.eval.clone()));
        self.start_round();
    }

    /// Rebuild a game from its log. On an illegal action, the index of the
    /// action and why it was refused.
    pub fn replay(
        model: Arc<Model>,
        seed: u64,
        log: &[Action],
    ) -> Result<Game, (usize, ActionError)> {
        let mut game = Game::new(model, seed);
        for (i, a) in log.iter().enumerate() {
            game.apply(*a).map_err(|e| (i, e))?;
        }
        Ok(game)
    }

    // ----- reading the state -------------------------------------------------

    pub fn model(&self) -> &Arc<Model> {
        &self.model
    }
    pub fn seed(&self) -> u64 {
        self.seed
    }
    /// The current round, from 1.
    pub fn round(&self) -> u32 {
        self.round
    }
    /// The last round before the deadline passes.
    pub fn deadline(&self) -> u32 {
        self.deadline
    }
    pub fn phase(&self) -> &Phase {
        &self.phase
    }
    /// The ending, once the talks are over.
    pub fn ending(&self) -> Option<Ending> {
        match self.phase {
            Phase::Over(e) => Some(e),
            _ => None,
        }
    }
    /// Whose move it is: the party taking its turn, or the next voter.
    pub fn to_move(&self) -> Option<usize> {
        match &self.phase {
            Phase::Turns => Some(self.model.rules.turn_order[self.turn]),
            Phase::Vote { voters, next, .. } => voters.get(*next).copied(),
            Phase::Over(_) => None,
        }
    }
    /// Each clause's current option (a variant, or the clause's strike index).
    pub fn options(&self) -> &[usize] {
        &self.options
    }
    pub fn status(&self) -> &[Status] {
        &self.status
    }
    /// A party's stance on a clause (None: not yet taken, or reset by a revision).
    pub fn stance(&self, party: usize, clause: usize) -> Option<Stance> {
        self.stances[party * self.model.clauses.len() + clause]
    }
    /// Whether the party to move has taken its diplomatic action this turn.
    pub fn acted(&self) -> bool {
        self.acted
    }
    /// How many times `party` has taken diplomatic action `action`.
    pub fn uses(&self, party: usize, action: usize) -> u32 {
        self.uses[party * self.model.actions.len() + action]
    }
    pub fn votes_called(&self, party: usize) -> u32 {
        self.votes_called[party]
    }
    /// The model's verdict on the current draft.
    pub fn evaluation(&self) -> &Evaluation {
        &self.eval
    }
    /// Event and action deltas per metric.
    pub fn base(&self) -> &[f64] {
        &self.base
    }
    /// Reservation values in force.
    pub fn reservation(&self) -> &[f64] {
        &self.reservation
    }
    /// Every movement caused by events and actions.
    pub fn ledger(&self) -> &[LedgerEntry] {
        &self.ledger
    }
    /// The evaluation at the start (round 0) and at the end of every round.
    pub fn history(&self) -> &[(u32, Evaluation)] {
        &self.history
    }
    /// Every action applied so far: the source of truth.
    pub fn log(&self) -> &[Action] {
        &self.log
    }
    /// Everything that happened, in order.
    pub fn journal(&self) -> &[Event] {
        &self.journal
    }
    /// Whether event card `e` has fired.
    pub fn fired(&self, e: usize) -> bool {
        self.fired[e]
    }
    /// The context the model evaluates the draft in.
    pub(crate) fn context(&self) -> Context<'_> {
        Context {
            status: Some(&self.status),
            base: &self.base,
            reservation: &self.reservation,
        }
    }

    /// The draft as conditions read it: wordings, statuses and metrics now.
    pub(crate) fn draft(&self) -> Draft<'_> {
        Draft {
            model: &self.model,
            options: &self.options,
            status: Some(&self.status),
            metrics: &self.eval.metrics,
        }
    }

    /// Evaluate the draft as it would be with clause `clause` at `option`.
    pub fn what_if(&self, clause: usize, option: usize) -> Evaluation {
        let mut sums = self.sums;
        sums.swap(&self.model, clause, self.options[clause], option);
        let mut options = self.options.clone();
        options[clause] = option;
        finish_with(
            &self.model,
            &sums,
            &options,
            self.context(),
            Hint::Clause(&self.eval, clause),
            &mut NoTrace,
        )
    }

    /// Evaluate any draft text in this game's context (events, actions, statuses).
    pub fn evaluate_options(&self, options: &[usize]) -> Evaluation {
        let sums = Sums::of(&self.model, options);
        finish(&self.model, &sums, options, self.context(), &mut NoTrace)
    }

    /// The support the draft would have with clause `clause` at `option`,
    /// weighed into `self.scratch[slot]` without copying the draft (the hot
    /// path of revisions): [`settle`] completes the evaluation if it is kept.
    /// `self.eval` must be the current text's evaluation; statuses may have
    /// moved since, as conditions on them are always evaluated afresh.
    fn weigh_revision(&mut self, clause: usize, option: usize, slot: usize) -> f64 {
        // Restore the sums by copy, not by subtracting again, so no rounding drifts in.
        let saved = self.sums;
        let current = self.options[clause];
        self.sums.swap(&self.model, clause, current, option);
        self.options[clause] = option;
        let ctx = Context {
            status: Some(&self.status),
            base: &self.base,
            reservation: &self.reservation,
        };
        weigh_into(
            &self.model,
            &self.sums,
            &self.options,
            ctx,
            Hint::Clause(&self.eval, clause),
            &mut NoTrace,
            &mut self.scratch[slot],
        );
        self.options[clause] = current;
        self.sums = saved;
        self.scratch[slot].support
    }

    /// Final results, once the talks are over.
    pub fn scores(&self) -> Option<PartyVec<Score>> {
        let ending = self.ending()?;
        Some(
            (0..self.model.parties.len())
                .map(|p| {
                    let reservation = self.reservation[p];
                    let utility = match ending {
                        Ending::Deal => self.eval.utility[p],
                        Ending::WalkOut { party } if party == p => {
                            reservation + self.model.rules.walkout_penalty
                        }
                        _ => reservation,
                    };
                    Score {
                        utility,
                        reservation,
                        score: utility - reservation,
                    }
                })
                .collect(),
        )
    }

    /// Clauses still open.
    pub fn open_clauses(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.status.len()).filter(|&c| self.status[c] == Status::Open)
    }

    /// Every action the party to move may take now (facilitator moves aside).
    pub fn legal_actions(&self) -> Vec<Action> {
        let Some(party) = self.to_move() else {
            return Vec::new();
        };
        let m = &*self.model;
        let mut all = Vec::new();
        if let Phase::Vote { .. } = self.phase {
            all.push(Action::Vote { party, sign: true });
            all.push(Action::Vote { party, sign: false });
        } else {
            for clause in self.open_clauses() {
                let mut stances = vec![Stance::Accept, Stance::Reject, Stance::Strike];
                stances.extend((0..m.clauses[clause].variants).map(Stance::Propose));
                all.extend(stances.into_iter().map(|stance| Action::Stance {
                    party,
                    clause,
                    stance,
                }));
            }
            all.extend((0..m.actions.len()).map(|action| Action::Diplomacy { party, action }));
            all.push(Action::CallVote { party });
            all.push(Action::WalkOut { party });
            all.push(Action::EndTurn { party });
        }
        all.retain(|a| self.check(a).is_ok());
        all
    }

    // ----- changing the state ------------------------------------------------

    /// Apply one action. On success, the events it caused (a slice of the
    /// journal); on error, nothing has changed.
    pub fn apply(&mut self, action: Action) -> Result<&[Event], ActionError> {
        self.check(&action)?;
        let start = self.journal.len();
        self.log.push(action);
        match action {
            Action::Stance {
                party,
                clause,
                stance,
            } => {
                self.stances[party * self.model.clauses.len() + clause] = Some(stance);
                self.journal.push(Event::Stance {
                    party,
                    clause,
                    stance,
                });
            }
            Action::Diplomacy { party, action } => {
                self.acted = true;
                self.uses[party * self.model.actions.len() + action] += 1;
                self.journal.push(Event::Diplomacy { party, action });
                self.diplomacy(party, action);
            }
            Action::CallVote { party } => {
                self.votes_called[party] += 1;
                self.start_vote(Some(party));
            }
            Action::Vote { party, sign } => {
                self.journal.push(Event::Voted { party, sign });
                self.vote(sign);
            }
            Action::WalkOut { party } => self.end(Ending::WalkOut { party }),
            Action::EndTurn { party } => {
                self.journal.push(Event::TurnEnded { party });
                self.acted = false;
                self.turn += 1;
                if self.turn == self.model.rules.turn_order.len() {
                    self.end_round();
                }
            }
            Action::Inject { event } => self.fire(event, true),
            Action::MoveDeadline { rounds } => {
                self.deadline = (i64::from(self.deadline) + i64::from(rounds)) as u32;
                self.journal.push(Event::DeadlineMoved {
                    deadline: self.deadline,
                });
            }
        }
        Ok(&self.journal[start..])
    }

    /// Refuse an illegal action with the reason; never changes the state.
    /// The one place the rules of the table are written: the AI, the TUI and
    /// bots ask here (or through the narrower queries below, which this uses).
    pub fn check(&self, action: &Action) -> Result<(), ActionError> {
        let m = &*self.model;
        if let Phase::Over(_) = self.phase {
            return Err(ActionError::GameOver);
        }
        if let Some(party) = action.party()
            && party >= m.parties.len()
        {
            return Err(ActionError::NoSuchParty { party });
        }
        if let Phase::Vote { voters, next, .. } = &self.phase {
            let voter = voters[*next];
            return match *action {
                Action::Vote { party, sign } if party == voter => {
                    if let (true, Some(line)) = (sign, self.eval.crossed[party]) {
                        Err(ActionError::RedLine { party, line })
                    } else {
                        Ok(())
                    }
                }
                Action::Vote { party, .. } => Err(ActionError::NotYourTurn { party, turn: voter }),
                _ => Err(ActionError::VoteUnderWay { voter }),
            };
        }
        let turn = m.rules.turn_order[self.turn];
        if let Some(party) = action.party()
            && party != turn
        {
            return Err(ActionError::NotYourTurn { party, turn });
        }
        match *action {
            Action::Stance { clause, stance, .. } => self.stance_open(clause, stance),
            Action::Diplomacy { party, action } => {
                if action >= m.actions.len() {
                    return Err(ActionError::NoSuchAction { action });
                }
                if self.acted {
                    return Err(ActionError::ActionTaken { party });
                }
                self.diplomacy_open(party, action)
            }
            Action::CallVote { party } => {
                if self.votes_called[party] >= m.rules.votes_per_party {
                    return Err(ActionError::NoVotesLeft { party });
                }
                Ok(())
            }
            Action::Vote { .. } => Err(ActionError::NoVote),
            Action::WalkOut { party } => self.may_walk_out(party),
            Action::EndTurn { .. } => Ok(()),
            Action::Inject { event } => {
                if event >= m.events.len() {
                    Err(ActionError::NoSuchEvent { event })
                } else {
                    Ok(())
                }
            }
            Action::MoveDeadline { rounds } => {
                let d = i64::from(self.deadline) + i64::from(rounds);
                if d < i64::from(self.round) || d > 1000 {
                    Err(ActionError::DeadlineTooEarly { rounds })
                } else {
                    Ok(())
                }
            }
        }
    }

    /// Whether a stance on `clause` is open to whoever's turn it is, as far as
    /// the clause goes: open, the wording exists and is not the draft's, the
    /// clause strikable, and linkage kept.
    #[inline]
    pub fn stance_open(&self, clause: usize, stance: Stance) -> Result<(), ActionError> {
        let m = &*self.model;
        let Some(cm) = m.clauses.get(clause) else {
            return Err(ActionError::NoSuchClause { clause });
        };
        if self.status[clause] != Status::Open {
            return Err(ActionError::ClauseClosed { clause });
        }
        let proposed = match stance {
            Stance::Propose(variant) if variant >= cm.variants => {
                return Err(ActionError::NoSuchVariant { clause, variant });
            }
            Stance::Propose(variant) if variant == self.options[clause] => {
                return Err(ActionError::AlreadyDrafted { clause, variant });
            }
            Stance::Propose(v) => v,
            Stance::Strike if !cm.strikable => {
                return Err(ActionError::NotStrikable { clause });
            }
            Stance::Strike => cm.struck(),
            Stance::Accept | Stance::Reject => return Ok(()),
        };
        match m.linkage_with(&self.options, clause, proposed) {
            Some(broken) => Err(ActionError::Linkage(broken)),
            None => Ok(()),
        }
    }

    /// Whether diplomatic action `action` is open to `party` by its own terms
    /// (who may take it, from which round, how often); [`Game::check`] adds
    /// whose turn it is and one action a turn.
    #[inline]
    pub fn diplomacy_open(&self, party: usize, action: usize) -> Result<(), ActionError> {
        let Some(a) = self.model.actions.get(action) else {
            return Err(ActionError::NoSuchAction { action });
        };
        let why = if !a.parties[party] {
            Unavailable::NotForParty
        } else if self.round < a.from_round {
            Unavailable::TooEarly {
                from_round: a.from_round,
            }
        } else if a.limit > 0 && self.uses(party, action) >= a.limit {
            Unavailable::Limit { limit: a.limit }
        } else {
            return Ok(());
        };
        Err(ActionError::ActionUnavailable { party, action, why })
    }

    /// Whether the rules let `party` walk out in this round.
    #[inline]
    pub fn may_walk_out(&self, party: usize) -> Result<(), ActionError> {
        let rules = &self.model.rules;
        let bar = if !rules.walkout_allowed {
            WalkoutBar::Never
        } else if self.round < rules.walkout_from_round {
            WalkoutBar::TooEarly {
                from_round: rules.walkout_from_round,
            }
        } else {
            return Ok(());
        };
        Err(ActionError::WalkoutNotAllowed { party, bar })
    }

    /// Recompute the evaluation after the ledger or the statuses moved. The
    /// draft text is the one `self.eval` was computed for (a revision sets
    /// `self.eval` itself), so only conditions on metrics and statuses are
    /// evaluated again.
    fn refresh(&mut self) {
        let ctx = Context {
            status: Some(&self.status),
            base: &self.base,
            reservation: &self.reservation,
        };
        finish_into(
            &self.model,
            &self.sums,
            &self.options,
            ctx,
            Hint::Text(&self.eval),
            &mut NoTrace,
            &mut self.scratch[0],
        );
        std::mem::swap(&mut self.eval, &mut self.scratch[0]);
    }

    fn record(&mut self, source: Source, moved: Moved, delta: f64) {
        match moved {
            Moved::Metric(m) => self.base[m] += delta,
            Moved::Reservation(p) => self.reservation[p] += delta,
        }
        self.ledger.push(LedgerEntry {
            round: self.round,
            source,
            moved,
            delta,
        });
    }

    fn diplomacy(&mut self, party: usize, action: usize) {
        let model = Arc::clone(&self.model);
        let a = &model.actions[action];
        let source = Source::Action { party, action };
        for &(m, d) in &a.effects {
            self.record(source, Moved::Metric(m), d);
        }
        for &(target, d) in &a.shifts {
            for p in 0..model.parties.len() {
                if falls_on(&model, target, party, p) {
                    self.record(source, Moved::Reservation(p), d);
                }
            }
        }
        self.refresh();
    }

    fn fire(&mut self, event: usize, injected: bool) {
        self.fire_quietly(event, injected);
        self.refresh();
    }

    /// [`Game::fire`] without re-evaluating the draft: the caller refreshes.
    fn fire_quietly(&mut self, event: usize, injected: bool) {
        let model = Arc::clone(&self.model);
        let e = &model.events[event];
        self.fired[event] = true;
        self.journal.push(Event::CardFired { event, injected });
        for &(m, d) in &e.effects {
            self.record(Source::Event(event), Moved::Metric(m), d);
        }
        for &(p, d) in &e.reservation {
            self.record(Source::Event(event), Moved::Reservation(p), d);
        }
        if e.deadline != 0 {
            let d = (i64::from(self.deadline) + i64::from(e.deadline))
                .clamp(i64::from(self.round), 1000);
            self.deadline = d as u32;
            self.journal.push(Event::DeadlineMoved {
                deadline: self.deadline,
            });
        }
    }

    /// Start the current round: draw its event cards in scenario order. The
    /// draft is re-evaluated once the cards are drawn, and before any
    /// condition that reads the metrics the cards before it moved.
    fn start_round(&mut self) {
        self.journal.push(Event::RoundStarted { round: self.round });
        let model = Arc::clone(&self.model);
        let mut stale = false;
        for (i, e) in model.events.iter().enumerate() {
            if e.once && self.fired[i] {
                continue;
            }
            let due = match &e.trigger {
                TriggerModel::Round(r) => *r == self.round,
                TriggerModel::FromRound(r) => self.round >= *r,
                TriggerModel::When(c) => {
                    if std::mem::take(&mut stale) {
                        self.refresh();
                    }
                    self.draft().holds(c)
                }
                TriggerModel::Manual => false,
            };
            if !due {
                continue;
            }
            // Draw even for certain cards, so adding certainty to one card does
            // not reshuffle the draws of the others.
            let draw: f64 = self.rng.random();
            if draw < e.probability {
                self.fire_quietly(i, false);
                stale = true;
            }
        }
        if stale {
            self.refresh();
        }
    }

    fn end_round(&mut self) {
        let model = Arc::clone(&self.model);
        let np = model.parties.len();
        let nc = model.clauses.len();
        // 1. Clauses every party accepts are agreed.
        for c in 0..nc {
            if self.status[c] == Status::Open
                && (0..np).all(|p| self.stances[p * nc + c] == Some(Stance::Accept))
            {
                self.status[c] = Status::Agreed;
                self.journal.push(Event::ClauseAgreed {
                    clause: c,
                    option: self.options[c],
                });
            }
        }
        // 2. The mediator revises proposals into the draft, clause by clause.
        let mut support = self.eval.support;
        for c in 0..nc {
            if self.status[c] != Status::Open {
                continue;
            }
            let current = self.options[c];
            let mut best = (current, support, 0usize);
            // The scratch slot holding the best candidate's evaluation, and
            // the one the next candidate is evaluated into.
            let mut best_slot = None;
            let mut next = 0;
            let mut considered = 0u64; // bitmask of options already scored
            for p in 0..np {
                let option = match self.stances[p * nc + c] {
                    Some(Stance::Propose(v)) => v,
                    Some(Stance::Strike) => model.clauses[c].struck(),
                    _ => continue,
                };
                if option == current || considered & (1 << option) != 0 {
                    continue;
                }
                considered |= 1 << option;
                if model.linkage_with(&self.options, c, option).is_some() {
                    continue;
                }
                let backers = (0..np)
                    .filter(|&q| match self.stances[q * nc + c] {
                        Some(Stance::Propose(v)) => v == option,
                        Some(Stance::Strike) => option == model.clauses[c].struck(),
                        _ => false,
                    })
                    .count();
                let s = self.weigh_revision(c, option, next);
                if s > best.1 || (s == best.1 && backers > best.2) {
                    best = (option, s, backers);
                    best_slot = Some(next);
                    next = 1 - next;
                }
            }
            if let (Some(slot), true) = (
                best_slot,
                best.0 != current && best.1 > support + model.rules.revision_threshold,
            ) {
                // The candidate, settled, is the new draft's evaluation.
                settle(&model, &mut NoTrace, &mut self.scratch[slot]);
                std::mem::swap(&mut self.eval, &mut self.scratch[slot]);
                self.sums.swap(&model, c, current, best.0);
                self.options[c] = best.0;
                if best.0 == model.clauses[c].struck() {
                    self.status[c] = Status::Struck;
                }
                for p in 0..np {
                    self.stances[p * nc + c] = None;
                }
                self.journal.push(Event::ClauseRevised {
                    clause: c,
                    from: current,
                    to: best.0,
                    support_before: support,
                    support_after: best.1,
                });
                support = best.1;
            }
        }
        self.refresh();
        self.history.push((self.round, self.eval.clone()));
        self.journal.push(Event::RoundEnded {
            round: self.round,
            likelihood: self.eval.likelihood,
        });

        // 3. Collapse conditions.
        for (i, (cond, rounds)) in model.rules.collapse.iter().enumerate() {
            if self.draft().holds(cond) {
                self.collapse_streak[i] += 1;
                if self.collapse_streak[i] >= *rounds {
                    self.end(Ending::Collapse { condition: i });
                    return;
                }
            } else {
                self.collapse_streak[i] = 0;
            }
        }
        // 4. Nothing open: the draft goes to a vote.
        if self.open_clauses().next().is_none() {
            self.start_vote(None);
        } else {
            self.next_round();
        }
    }

    fn next_round(&mut self) {
        if self.round >= self.deadline {
            self.end(Ending::DeadlinePassed);
            return;
        }
        self.round += 1;
        self.turn = 0;
        self.acted = false;
        self.start_round();
    }

    fn start_vote(&mut self, caller: Option<usize>) {
        let order = &self.model.rules.turn_order;
        let first = caller
            .and_then(|c| order.iter().position(|&p| p == c))
            .unwrap_or(0);
        let voters: PartyVec<usize> = (0..order.len())
            .map(|i| order[(first + i) % order.len()])
            .filter(|p| self.model.rules.signatories.contains(p))
            .collect();
        self.journal.push(Event::VoteCalled { party: caller });
        self.phase = Phase::Vote {
            caller,
            voters,
            next: 0,
            refused: false,
        };
    }

    fn vote(&mut self, sign: bool) {
        let Phase::Vote {
            caller,
            voters,
            next,
            refused,
        } = &mut self.phase
        else {
            return;
        };
        *refused |= !sign;
        *next += 1;
        if *next < voters.len() {
            return;
        }
        let (caller, refused) = (*caller, *refused);
        self.phase = Phase::Turns;
        if !refused {
            self.end(Ending::Deal);
            return;
        }
        self.journal.push(Event::VoteFailed);
        if caller.is_none() {
            // The whole draft was on the table and failed: reopen what was
            // agreed and carry on to the next round.
            let nc = self.model.clauses.len();
            for c in 0..nc {
                if self.status[c] == Status::Agreed {
                    self.status[c] = Status::Open;
                    for p in 0..self.model.parties.len() {
                        self.stances[p * nc + c] = None;
                    }
                }
            }
            self.refresh();
            self.next_round();
        }
    }

    fn end(&mut self, ending: Ending) {
        self.phase = Phase::Over(ending);
        self.journal.push(Event::Ended {
            ending,
            round: self.round,
        });
    }
}

/// Whether a shift aimed at `target` by `actor`'s diplomatic action falls on `party`.
pub(crate) fn falls_on(model: &Model, target: TargetModel, actor: usize, party: usize) -> bool {
    match target {
        TargetModel::Actor => party == actor,
        TargetModel::Allies => model.parties[actor].allies.contains(&party),
        TargetModel::Others => party != actor,
        TargetModel::All => true,
        TargetModel::Party(q) => party == q,
    }
}
