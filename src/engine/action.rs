//! What players do, what happens as a result, and why an action can be refused.

use serde::{Deserialize, Serialize};

/// A party's position on one open clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Stance {
    Accept,
    Reject,
    /// Propose this variant (an index into the clause's variants).
    Propose(usize),
    /// Propose to strike the clause.
    Strike,
}

/// One entry of the action log. The game is a function of the scenario, the
/// seed and the sequence of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    /// Set (or change) a stance on an open clause during one's turn.
    Stance {
        party: usize,
        clause: usize,
        stance: Stance,
    },
    /// Take a diplomatic action (at most one per turn).
    Diplomacy { party: usize, action: usize },
    /// Call a signing vote (ends nothing by itself: every signatory then votes).
    CallVote { party: usize },
    /// Sign or refuse during a vote.
    Vote { party: usize, sign: bool },
    /// Leave the table: the talks end.
    WalkOut { party: usize },
    /// Finish one's turn.
    EndTurn { party: usize },
    /// Facilitator: fire an event card now.
    Inject { event: usize },
    /// Facilitator: move the deadline by this many rounds.
    MoveDeadline { rounds: i32 },
}

impl Action {
    /// The party that takes the action (None for facilitator moves).
    pub fn party(&self) -> Option<usize> {
        match *self {
            Action::Stance { party, .. }
            | Action::Diplomacy { party, .. }
            | Action::CallVote { party }
            | Action::Vote { party, .. }
            | Action::WalkOut { party }
            | Action::EndTurn { party } => Some(party),
            Action::Inject { .. } | Action::MoveDeadline { .. } => None,
        }
    }
}

/// How the talks ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Ending {
    /// Every signatory signed.
    Deal,
    /// The last round ended without a deal.
    DeadlinePassed,
    /// A party left the table.
    WalkOut { party: usize },
    /// A collapse condition held (index into the rules' collapse list).
    Collapse { condition: usize },
}

impl Ending {
    /// A stable lower-case name for reports and JSON.
    pub fn name(&self) -> &'static str {
        match self {
            Ending::Deal => "deal",
            Ending::DeadlinePassed => "deadline",
            Ending::WalkOut { .. } => "walkout",
            Ending::Collapse { .. } => "collapse",
        }
    }
}

/// What happened, in order. The journal of a game is a list of these.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Event {
    RoundStarted {
        round: u32,
    },
    /// An event card fired (`injected` when a facilitator forced it).
    CardFired {
        event: usize,
        injected: bool,
    },
    Stance {
        party: usize,
        clause: usize,
        stance: Stance,
    },
    Diplomacy {
        party: usize,
        action: usize,
    },
    TurnEnded {
        party: usize,
    },
    /// Every party accepted the clause as drafted: `option` is the wording agreed.
    ClauseAgreed {
        clause: usize,
        option: usize,
    },
    /// The mediator rewrote a clause; `support` is the model's support score
    /// (docs/MODEL.md) before and after.
    ClauseRevised {
        clause: usize,
        from: usize,
        to: usize,
        support_before: f64,
        support_after: f64,
    },
    /// The round is over; `likelihood` is the deal likelihood of the draft
    /// the round leaves on the table.
    RoundEnded {
        round: u32,
        likelihood: f64,
    },
    VoteCalled {
        party: Option<usize>,
    },
    Voted {
        party: usize,
        sign: bool,
    },
    /// A vote failed; talks go on.
    VoteFailed,
    DeadlineMoved {
        deadline: u32,
    },
    Ended {
        ending: Ending,
        round: u32,
    },
}

pub use super::refusal::{ActionError, Unavailable, WalkoutBar};
