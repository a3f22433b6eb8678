//! The game state and its one way to change: [`Game::apply`].
//!
//! A game is a pure function of (scenario, seed, action log): no terminal, no
//! files, no clock. Every random draw comes from one ChaCha8 stream seeded by
//! the game's seed, so a replay of the same log reaches the same state.

use super::action::{
    Action, ActionError, Changes, Ending, Event, MAX_PROPOSALS, Proposal, Selection, Stance,
    Unavailable, WalkoutBar,
};
use super::score::{
    Belief, Context, Draft, Evaluation, Hint, NoTrace, PartyVec, Status, Sums, finish, finish_into,
    finish_with, weigh_into,
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
    /// A signing vote: `voters[next]` votes next; `signed` is the bitset of
    /// the voters who signed so far.
    Vote {
        caller: Option<usize>,
        voters: PartyVec<usize>,
        next: usize,
        refused: bool,
        signed: u32,
    },
    /// A round's end: the pen-holder decides which of
    /// [`Game::proposals`] go into the draft ([`Action::Revise`]).
    Revision {
        pen: usize,
    },
    Over(Ending),
}

/// What moved a metric or a reservation outside the draft.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Source {
    Event(usize),
    Action {
        party: usize,
        action: usize,
    },
    /// The scenario's cost of delay at a round's end (`rules.each_round`).
    Delay,
    /// A party refused a deal that did not need its signature (`rules.dissent`).
    Dissent(usize),
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

/// A party's result when the talks end (docs/MODEL.md, "Scores").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// What the party ends with: the deal's U_p, or without one its bottom
    /// line as the world moved it to the deadline; less what its diplomacy cost.
    pub utility: f64,
    /// The bottom line it started the game with (its true value, drawn).
    pub reservation: f64,
    /// `utility − reservation`: above 0, the party ends better off than it
    /// started. No move of its own bottom line changes this.
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
    /// True bottom lines in force (private to each seat).
    reservation: Vec<f64>,
    /// The true bottom lines drawn at the start.
    drawn: Vec<f64>,
    /// The public beliefs about the bottom lines.
    belief: Vec<Belief>,
    /// Per party, the part of its bottom line moved by diplomacy (a posture,
    /// not a change in what no deal is worth).
    posture: Vec<f64>,
    /// Per party, what its diplomatic actions cost it.
    spent: Vec<f64>,
    /// Who holds the pen now.
    pen: Option<usize>,
    /// Whose signature the deal needs now (cards can change it).
    signatory: Vec<bool>,
    /// Each party's package tabled this round.
    packages: Vec<Option<Changes>>,
    /// The proposals before the pen-holder (filled at a round's end).
    proposals: Vec<Proposal>,
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
            drawn: vec![0.0; np],
            belief: model.priors().to_vec(),
            posture: vec![0.0; np],
            spent: vec![0.0; np],
            pen: model.rules.mediator,
            signatory: model.rules.signatory.clone(),
            packages: vec![None; np],
            proposals: Vec::with_capacity(64),
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
        self.posture.fill(0.0);
        self.spent.fill(0.0);
        self.pen = model.rules.mediator;
        self.signatory.clone_from(&model.rules.signatory);
        self.packages.fill(None);
        self.proposals.clear();
        // The true bottom lines: one draw each from the public logistic
        // prior, in party order, before any card (docs/MODEL.md).
        for (p, party) in model.parties.iter().enumerate() {
            let u: f64 = self.rng.random();
            let u = u.clamp(1e-12, 1.0 - 1e-12);
            let r = party.reservation + party.spread * (u / (1.0 - u)).ln();
            self.drawn[p] = r;
            self.reservation[p] = r;
            self.belief[p] = Belief::prior(party.reservation, party.spread);
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
            Phase::Revision { pen } => Some(*pen),
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
    /// True bottom lines in force: private, each to its own seat (a
    /// screen reads them through [`crate::table::View`]).
    pub fn reservation(&self) -> &[f64] {
        &self.reservation
    }
    /// The true bottom lines drawn at the start: what scores are measured against.
    pub fn drawn(&self) -> &[f64] {
        &self.drawn
    }
    /// The public beliefs about each party's bottom line.
    pub fn belief(&self) -> &[Belief] {
        &self.belief
    }
    /// What each party's diplomacy has cost it so far.
    pub fn spent(&self) -> &[f64] {
        &self.spent
    }
    /// Who holds the pen (None: the neutral rule revises).
    pub fn pen(&self) -> Option<usize> {
        self.pen
    }
    /// The signatories in force (a flag per party): whose signature every
    /// deal needs, whatever the text. See [`Game::needs`] for this text.
    pub fn signatories(&self) -> &[bool] {
        &self.signatory
    }
    /// Does a deal on the draft as it stands need `p`'s signature: a
    /// signatory, or a party whose consent a clause in the text needs.
    pub fn needs(&self, p: usize) -> bool {
        self.eval.needs(p)
    }
    /// Does `p` vote when a vote is called: a signatory, or a party whose
    /// consent some wording can need (its refusal then costs the deal or,
    /// when the text does not need it, `rules.dissent`).
    pub fn votes(&self, p: usize) -> bool {
        self.signatory[p] || self.model.rules.consenters >> p & 1 == 1
    }
    /// The package `party` has tabled this round.
    pub fn package(&self, party: usize) -> Option<Changes> {
        self.packages[party]
    }
    /// The proposals before the pen-holder during a revision (empty otherwise).
    pub fn proposals(&self) -> &[Proposal] {
        &self.proposals
    }
    /// What no deal would be worth to `p` if the talks ended now: its bottom
    /// line as the world moved it (cards, the cost of delay, not its own or
    /// others' diplomacy), with the cost of delay run on to the deadline.
    pub fn no_deal_value(&self, p: usize) -> f64 {
        let left = f64::from(self.deadline.saturating_sub(self.round));
        self.reservation[p] - self.posture[p] + left * self.model.rules.each_round.reservation[p]
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
            belief: &self.belief,
            signatory: &self.signatory,
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

    /// Evaluate the draft as it would be with these changes (a package).
    pub fn what_if_changes(&self, changes: &[(usize, usize)]) -> Evaluation {
        if let [(c, o)] = *changes {
            return self.what_if(c, o);
        }
        let mut sums = self.sums;
        let mut options = self.options.clone();
        for &(c, o) in changes {
            sums.swap(&self.model, c, options[c], o);
            options[c] = o;
        }
        finish(&self.model, &sums, &options, self.context(), &mut NoTrace)
    }

    /// The proposals a greedy broker with this objective writes into the
    /// draft: every proposal is weighed against the current text; then, best
    /// first, each is adopted if it still raises the objective by more than
    /// `threshold` given those adopted before it (no two touching the same
    /// clause, linkage kept). The neutral rule is `broker(support)`; the AI
    /// pen-holder's objective is in docs/AI.md. `objective` reads an
    /// evaluation before allies' divergence is settled (utilities, red
    /// lines, public acceptance and support are final by then).
    pub fn broker(&self, objective: &dyn Fn(&Evaluation) -> f64, threshold: f64) -> Selection {
        let mut sel = Selection::default();
        if self.proposals.is_empty() {
            return sel;
        }
        let model = &*self.model;
        let mut options = self.options.clone();
        let mut sums = self.sums;
        let mut eval = self.eval.clone();
        let mut scratch = Evaluation::default();
        let mut current = objective(&eval);
        let mut gains: Vec<(f64, usize)> = Vec::with_capacity(self.proposals.len());
        for (i, prop) in self.proposals.iter().enumerate() {
            if let Some(v) = self.weigh_changes(
                &mut options,
                &mut sums,
                &eval,
                prop.changes,
                &mut scratch,
                objective,
            ) {
                gains.push((v - current, i));
            }
        }
        gains.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut touched = vec![false; model.clauses.len()];
        for (gain, i) in gains {
            if gain <= threshold {
                break;
            }
            let changes = self.proposals[i].changes;
            if changes.iter().any(|(c, _)| touched[c]) {
                continue;
            }
            let saved = sums;
            for (c, o) in changes.iter() {
                sums.swap(model, c, options[c], o);
                options[c] = o;
            }
            let ok = changes
                .iter()
                .all(|(c, o)| model.linkage_with(&options, c, o).is_none());
            let value = ok.then(|| {
                self.weigh_into_ctx(&options, &sums, &eval, changes, &mut scratch);
                objective(&scratch)
            });
            match value {
                Some(v) if v > current + threshold => {
                    current = v;
                    std::mem::swap(&mut eval, &mut scratch);
                    for (c, _) in changes.iter() {
                        touched[c] = true;
                    }
                    sel.insert(i);
                }
                _ => {
                    sums = saved;
                    for (c, _) in changes.iter() {
                        options[c] = self.options[c];
                    }
                }
            }
        }
        sel
    }

    /// The objective of the draft `options` with `changes` applied (None
    /// when they break linkage); `options` and `sums` are restored.
    fn weigh_changes(
        &self,
        options: &mut [usize],
        sums: &mut Sums,
        known: &Evaluation,
        changes: Changes,
        out: &mut Evaluation,
        objective: &dyn Fn(&Evaluation) -> f64,
    ) -> Option<f64> {
        let model = &*self.model;
        let saved = *sums;
        let before: PartyVec<usize> = changes.iter().map(|(c, _)| options[c]).collect();
        for (c, o) in changes.iter() {
            sums.swap(model, c, options[c], o);
            options[c] = o;
        }
        let ok = changes
            .iter()
            .all(|(c, o)| model.linkage_with(options, c, o).is_none());
        let value = ok.then(|| {
            self.weigh_into_ctx(options, sums, known, changes, out);
            objective(out)
        });
        *sums = saved;
        for ((c, _), o) in changes.iter().zip(before) {
            options[c] = o;
        }
        value
    }

    /// Weigh a draft (utilities, red lines, acceptance, support) in this
    /// game's context; `known` is the evaluation of the draft before `changes`.
    fn weigh_into_ctx(
        &self,
        options: &[usize],
        sums: &Sums,
        known: &Evaluation,
        changes: Changes,
        out: &mut Evaluation,
    ) {
        let hint = match changes.len() {
            1 => Hint::Clause(known, changes.iter().next().map_or(0, |(c, _)| c)),
            _ => Hint::None,
        };
        weigh_into(
            &self.model,
            sums,
            options,
            self.context(),
            hint,
            &mut NoTrace,
            out,
        );
    }

    /// Final results, once the talks are over.
    pub fn scores(&self) -> Option<PartyVec<Score>> {
        let ending = self.ending()?;
        Some(
            (0..self.model.parties.len())
                .map(|p| {
                    let reservation = self.drawn[p];
                    let utility = match ending {
                        Ending::Deal => self.eval.utility[p],
                        Ending::WalkOut { party } if party == p => {
                            self.no_deal_value(p) + self.model.rules.walkout_penalty
                        }
                        _ => self.no_deal_value(p),
                    } - self.spent[p];
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
        } else if let Phase::Revision { .. } = self.phase {
            // Any set of proposals that overlap nowhere; listed: adopt none.
            all.push(Action::Revise {
                party,
                adopt: Selection::default(),
            });
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
                self.diplomacy(party, action);
            }
            Action::Table { party, package } => {
                self.packages[party] = (!package.is_empty()).then_some(package);
                self.journal.push(Event::Tabled { party, package });
            }
            Action::Revise { party, adopt } => {
                self.adopt(adopt, Some(party));
                self.phase = Phase::Turns;
                self.after_revision();
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
        if let Phase::Revision { pen } = self.phase {
            return match *action {
                Action::Revise { party, adopt } if party == pen => self.selection_open(adopt),
                Action::Revise { party, .. } => Err(ActionError::NotYourTurn { party, turn: pen }),
                _ => Err(ActionError::RevisionUnderWay { pen }),
            };
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
            Action::Table { package, .. } => self.package_open(package),
            Action::Revise { .. } => Err(ActionError::NoRevision),
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
            Stance::AcceptIf { clause: k, option } => {
                let Some(km) = m.clauses.get(k) else {
                    return Err(ActionError::NoSuchClause { clause: k });
                };
                if k == clause {
                    return Err(ActionError::SelfCondition { clause });
                }
                if option >= km.options.len() {
                    return Err(ActionError::NoSuchVariant {
                        clause: k,
                        variant: option,
                    });
                }
                return Ok(());
            }
        };
        match m.linkage_with(&self.options, clause, proposed) {
            Some(broken) => Err(ActionError::Linkage(broken)),
            None => Ok(()),
        }
    }

    /// Whether a package may be tabled now, as far as its changes go: at most
    /// `rules.package_size` clauses, each open and changed once, each change
    /// a stance could propose, and the draft with all of them keeps linkage.
    pub fn package_open(&self, package: Changes) -> Result<(), ActionError> {
        let m = &*self.model;
        let max = m.rules.package_size;
        if package.len() > max {
            return Err(ActionError::PackageTooBig { max });
        }
        let mut options = self.options.clone();
        for (i, (c, o)) in package.iter().enumerate() {
            if package.iter().take(i).any(|(d, _)| d == c) {
                return Err(ActionError::SameClauseTwice { clause: c });
            }
            let stance = match m.clauses.get(c) {
                Some(cm) if o == cm.struck() => Stance::Strike,
                _ => Stance::Propose(o),
            };
            match self.stance_open(c, stance) {
                Ok(()) | Err(ActionError::Linkage(_)) => {}
                Err(e) => return Err(e),
            }
            options[c] = o;
        }
        for (c, o) in package.iter() {
            if let Some(broken) = m.linkage_with(&options, c, o) {
                return Err(ActionError::Linkage(broken));
            }
        }
        Ok(())
    }

    /// Whether the pen-holder may adopt this set of the round's proposals.
    pub fn selection_open(&self, adopt: Selection) -> Result<(), ActionError> {
        let m = &*self.model;
        let mut options = self.options.clone();
        let mut touched = vec![false; m.clauses.len()];
        for i in adopt.iter() {
            let Some(prop) = self.proposals.get(i) else {
                return Err(ActionError::NoSuchProposal { proposal: i });
            };
            for (c, o) in prop.changes.iter() {
                if touched[c] {
                    return Err(ActionError::Overlap { clause: c });
                }
                touched[c] = true;
                options[c] = o;
            }
        }
        for i in adopt.iter() {
            for (c, o) in self.proposals[i].changes.iter() {
                if let Some(broken) = m.linkage_with(&options, c, o) {
                    return Err(ActionError::Linkage(broken));
                }
            }
        }
        Ok(())
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
            belief: &self.belief,
            signatory: &self.signatory,
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

    /// Move a metric or a bottom line; every such move is public, so a
    /// bottom line's belief moves with it.
    fn record(&mut self, source: Source, moved: Moved, delta: f64) {
        match moved {
            Moved::Metric(m) => self.base[m] += delta,
            Moved::Reservation(p) => {
                self.reservation[p] += delta;
                self.belief[p].shift(delta);
                if let Source::Action { .. } = source {
                    self.posture[p] += delta;
                }
            }
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
        let credible = a.when.as_ref().is_none_or(|c| self.draft().holds(c));
        self.journal.push(Event::Diplomacy {
            party,
            action,
            credible,
        });
        self.spent[party] += a.cost;
        for &(m, d) in &a.effects {
            self.record(source, Moved::Metric(m), d);
        }
        let shifts: &[(TargetModel, f64)] = if credible { &a.shifts } else { &[] };
        for &(target, d) in shifts {
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
        let mut amended = false;
        for &(c, o) in &e.amend {
            if self.status[c] == Status::Open
                && self.options[c] != o
                && model.linkage_with(&self.options, c, o).is_none()
            {
                self.rewrite(c, o, None, Some(event));
                amended = true;
            }
        }
        if amended {
            // The text moved: evaluate it afresh (a later refresh only
            // rechecks what the metrics can reach).
            self.eval = finish(
                &self.model,
                &self.sums,
                &self.options,
                self.context(),
                &mut NoTrace,
            );
        }
        if let Some(pen) = e.pen {
            self.pen = pen;
            self.journal.push(Event::PenMoved { party: pen });
        }
        if let Some(flags) = &e.signatories {
            self.signatory.clone_from(flags);
            self.journal.push(Event::SignatoriesChanged { event });
        }
    }

    /// Write option `o` into clause `c` (the caller re-evaluates): stances
    /// on it are reset and a struck clause leaves the table.
    fn rewrite(&mut self, c: usize, o: usize, proposer: Option<usize>, card: Option<usize>) {
        let model = Arc::clone(&self.model);
        let from = self.options[c];
        self.sums.swap(&model, c, from, o);
        self.options[c] = o;
        if o == model.clauses[c].struck() {
            self.status[c] = Status::Struck;
        }
        let np = model.parties.len();
        let nc = model.clauses.len();
        for p in 0..np {
            self.stances[p * nc + c] = None;
        }
        self.journal.push(Event::ClauseRevised {
            clause: c,
            from,
            to: o,
            proposer,
            card,
        });
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

    /// A round's end: the proposals go before the pen-holder (who answers
    /// with [`Action::Revise`]), or the neutral rule revises at once.
    fn end_round(&mut self) {
        self.collect_proposals();
        if self.proposals.is_empty() {
            self.after_revision();
            return;
        }
        self.journal.push(Event::RevisionOpened {
            pen: self.pen,
            proposals: self.proposals.len(),
        });
        match self.pen {
            Some(pen) => self.phase = Phase::Revision { pen },
            None => {
                let threshold = self.model.rules.revision_threshold;
                let sel = self.broker(&|e: &Evaluation| e.support, threshold);
                self.adopt(sel, None);
                self.after_revision();
            }
        }
    }

    /// Gather the round's proposals: packages in turn order, then
    /// single-clause proposals (stances) in clause order; the same changes
    /// from several parties are one proposal with several backers.
    fn collect_proposals(&mut self) {
        let model = Arc::clone(&self.model);
        let nc = model.clauses.len();
        self.proposals.clear();
        let live = |g: &Game, pkg: Changes| {
            let kept: PartyVec<(usize, usize)> = pkg
                .iter()
                .filter(|&(c, o)| g.status[c] == Status::Open && g.options[c] != o)
                .collect();
            Changes::new(&kept).map(Changes::sorted)
        };
        for &p in &model.rules.turn_order {
            let Some(pkg) = self.packages[p].and_then(|pkg| live(self, pkg)) else {
                continue;
            };
            if pkg.is_empty() || self.package_open(pkg).is_err() {
                continue;
            }
            self.push_proposal(pkg, p, true, 0);
        }
        let packaged = self.proposals.len();
        for c in 0..nc {
            if self.status[c] != Status::Open {
                continue;
            }
            let from = self.proposals.len();
            for &p in &model.rules.turn_order {
                let o = match self.stances[p * nc + c] {
                    Some(Stance::Propose(v)) => v,
                    Some(Stance::Strike) => model.clauses[c].struck(),
                    _ => continue,
                };
                if o == self.options[c] || model.linkage_with(&self.options, c, o).is_some() {
                    continue;
                }
                if let Some(one) = Changes::new(&[(c, o)]) {
                    // Same single change as a package of one, or another party's stance.
                    let twin = self.proposals[..packaged]
                        .iter()
                        .position(|q| q.changes == one)
                        .or_else(|| {
                            self.proposals[from..]
                                .iter()
                                .position(|q| q.changes == one)
                                .map(|i| i + from)
                        });
                    match twin {
                        Some(i) => self.proposals[i].backers |= 1 << p,
                        None => self.push_proposal(one, p, false, self.proposals.len()),
                    }
                }
            }
        }
    }

    fn push_proposal(&mut self, changes: Changes, by: usize, package: bool, from: usize) {
        if let Some(q) = self.proposals[from..]
            .iter_mut()
            .find(|q| q.changes == changes)
        {
            q.backers |= 1 << by;
            return;
        }
        if self.proposals.len() < MAX_PROPOSALS {
            self.proposals.push(Proposal {
                changes,
                by,
                backers: 1 << by,
                package,
            });
        }
    }

    /// Write the selected proposals into the draft.
    fn adopt(&mut self, sel: Selection, pen: Option<usize>) {
        for i in sel.iter() {
            let prop = self.proposals[i];
            for (c, o) in prop.changes.iter() {
                self.rewrite(c, o, Some(prop.by), None);
            }
        }
        if !sel.is_empty() {
            // Several clauses moved: evaluate the text afresh.
            self.eval = finish(
                &self.model,
                &self.sums,
                &self.options,
                self.context(),
                &mut NoTrace,
            );
        }
        self.journal.push(Event::Revised {
            pen,
            adopted: sel.len(),
            proposals: self.proposals.len(),
        });
    }

    /// The rest of a round's end: agreement, the record, collapse, and the
    /// next round or a vote.
    fn after_revision(&mut self) {
        let model = Arc::clone(&self.model);
        let np = model.parties.len();
        let nc = model.clauses.len();
        self.proposals.clear();
        self.packages.fill(None);
        // Clauses every party accepts (conditions read on the revised draft) are agreed.
        for c in 0..nc {
            if self.status[c] != Status::Open {
                continue;
            }
            let accepted = (0..np).all(|p| match self.stances[p * nc + c] {
                Some(Stance::Accept) => true,
                Some(Stance::AcceptIf { clause, option }) => self.options[clause] == option,
                _ => false,
            });
            if accepted {
                self.status[c] = Status::Agreed;
                self.journal.push(Event::ClauseAgreed {
                    clause: c,
                    option: self.options[c],
                });
            }
        }
        self.refresh();
        self.history.push((self.round, self.eval.clone()));
        self.journal.push(Event::RoundEnded {
            round: self.round,
            likelihood: self.eval.likelihood,
        });

        // Collapse conditions.
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
        // Nothing open, or the deadline's final vote: the draft goes to a vote.
        if self.open_clauses().next().is_none()
            || (model.rules.final_vote && self.round >= self.deadline)
        {
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
        // The war goes on: the cost of delay, public.
        let model = Arc::clone(&self.model);
        let delay = &model.rules.each_round;
        if !delay.effects.is_empty() || delay.reservation.iter().any(|&d| d != 0.0) {
            self.journal.push(Event::CostOfDelay { round: self.round });
            for &(m, d) in &delay.effects {
                self.record(Source::Delay, Moved::Metric(m), d);
            }
            for (p, &d) in delay.reservation.iter().enumerate() {
                if d != 0.0 {
                    self.record(Source::Delay, Moved::Reservation(p), d);
                }
            }
            self.refresh();
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
            .filter(|&p| self.votes(p))
            .collect();
        self.journal.push(Event::VoteCalled { party: caller });
        self.phase = Phase::Vote {
            caller,
            voters,
            next: 0,
            refused: false,
            signed: 0,
        };
    }

    fn vote(&mut self, sign: bool) {
        let Phase::Vote {
            caller,
            voters,
            next,
            refused,
            signed,
        } = &mut self.phase
        else {
            return;
        };
        let voter = voters[*next];
        // A refusal the text does not need is dissent, not a veto.
        *refused |= !sign && self.eval.needs(voter);
        if sign {
            *signed |= 1 << voter;
        }
        *next += 1;
        if *next < voters.len() {
            return;
        }
        let (caller, refused, signed) = (*caller, *refused, *signed);
        let voters = voters.clone();
        self.phase = Phase::Turns;
        if !refused {
            self.deal(&voters, signed);
            return;
        }
        // What the vote revealed: a signature puts the bottom line at or
        // below the text's worth to the signer, a refusal (with no red line
        // to explain it) above (docs/MODEL.md, "Beliefs").
        for &v in &voters {
            if self.eval.crossed[v].is_some() {
                continue;
            }
            let u = self.eval.utility[v];
            if signed & (1 << v) != 0 {
                self.belief[v].signed(u);
            } else {
                self.belief[v].refused(u);
            }
        }
        self.refresh();
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

    /// Every needed signature is in: dissent from the others costs what
    /// `rules.dissent` says, then the signed text goes home for ratification
    /// if it needs it (docs/RULES.md, "Consent" and "Ratification").
    fn deal(&mut self, voters: &[usize], signed: u32) {
        let model = Arc::clone(&self.model);
        let dissenters: Vec<usize> = voters
            .iter()
            .copied()
            .filter(|&v| signed & (1 << v) == 0)
            .collect();
        for &d in &dissenters {
            self.journal.push(Event::Dissent { party: d });
            for &(m, delta) in &model.rules.dissent {
                self.record(Source::Dissent(d), Moved::Metric(m), delta);
            }
        }
        if !dissenters.is_empty() {
            self.refresh();
        }
        if let Some(r) = &model.rules.ratification
            && self.draft().holds(&r.when)
        {
            let chance = r.chance(&self.eval.metrics, &model.metrics);
            let draw: f64 = self.rng.random();
            let passed = draw < chance;
            self.journal.push(Event::Ratification { passed, chance });
            if !passed {
                self.end(Ending::Rejected);
                return;
            }
        }
        self.end(Ending::Deal);
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
