//! What players do, what happens as a result, and why an action can be refused.

use crate::core::model::MAX_PACKAGE;
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
    /// Accept the clause as drafted, but only if `clause` reads `option`
    /// (a conditional stance: "p7 as drafted if p5 is Article-5-like").
    AcceptIf {
        clause: usize,
        option: usize,
    },
}

impl Stance {
    /// Whether the stance accepts the clause (outright or on a condition).
    pub fn accepts(self) -> bool {
        matches!(self, Stance::Accept | Stance::AcceptIf { .. })
    }
}

/// A package: changes to up to [`MAX_PACKAGE`] clauses, tabled together and
/// adopted whole or not at all. Each change is (clause, option), where the
/// option is a variant index or the clause's strike index. Plain data with
/// a fixed size, so an [`Action`] stays `Copy`; serialised as a list of pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Changes {
    len: u8,
    items: [(u16, u16); MAX_PACKAGE],
}

impl Changes {
    /// At most [`MAX_PACKAGE`] changes; None when there are more, or an
    /// index does not fit.
    pub fn new(changes: &[(usize, usize)]) -> Option<Changes> {
        if changes.len() > MAX_PACKAGE {
            return None;
        }
        let mut out = Changes::default();
        for &(c, o) in changes {
            out.items[out.len as usize] = (u16::try_from(c).ok()?, u16::try_from(o).ok()?);
            out.len += 1;
        }
        Some(out)
    }
    pub fn len(&self) -> usize {
        self.len as usize
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// The (clause, option) pairs.
    pub fn iter(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.items[..self.len()]
            .iter()
            .map(|&(c, o)| (usize::from(c), usize::from(o)))
    }
    /// Whether the package changes this clause.
    pub fn touches(&self, clause: usize) -> bool {
        self.iter().any(|(c, _)| c == clause)
    }
    /// The option the package gives this clause.
    pub fn option(&self, clause: usize) -> Option<usize> {
        self.iter().find(|&(c, _)| c == clause).map(|(_, o)| o)
    }
    /// The same changes, in clause order (two packages with the same changes
    /// are one proposal).
    pub fn sorted(mut self) -> Changes {
        let n = self.len();
        self.items[..n].sort_unstable();
        self
    }
}

impl Serialize for Changes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Changes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Changes, D::Error> {
        let v: Vec<(usize, usize)> = Vec::deserialize(d)?;
        Changes::new(&v).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "a package changes at most {MAX_PACKAGE} clauses ({} given)",
                v.len()
            ))
        })
    }
}

/// Which of the round's proposals the pen-holder writes into the draft: a
/// set of indices into [`crate::engine::Game::proposals`] (at most
/// [`MAX_PROPOSALS`]), serialised as a sorted list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Selection(pub u128);

impl Selection {
    pub fn of(indices: impl IntoIterator<Item = usize>) -> Option<Selection> {
        let mut bits = 0u128;
        for i in indices {
            if i >= MAX_PROPOSALS {
                return None;
            }
            bits |= 1 << i;
        }
        Some(Selection(bits))
    }
    pub fn contains(&self, i: usize) -> bool {
        i < MAX_PROPOSALS && self.0 & (1 << i) != 0
    }
    pub fn insert(&mut self, i: usize) {
        if i < MAX_PROPOSALS {
            self.0 |= 1 << i;
        }
    }
    pub fn remove(&mut self, i: usize) {
        if i < MAX_PROPOSALS {
            self.0 &= !(1 << i);
        }
    }
    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }
    pub fn len(&self) -> usize {
        self.0.count_ones() as usize
    }
    /// The indices, lowest first.
    pub fn iter(&self) -> impl Iterator<Item = usize> {
        let mut bits = self.0;
        std::iter::from_fn(move || {
            (bits != 0).then(|| {
                let i = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                i
            })
        })
    }
}

impl Serialize for Selection {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Selection {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Selection, D::Error> {
        let v: Vec<usize> = Vec::deserialize(d)?;
        Selection::of(v).ok_or_else(|| {
            serde::de::Error::custom(format!("a proposal index is at most {}", MAX_PROPOSALS - 1))
        })
    }
}

/// The most proposals the pen-holder is shown in one round (packages first,
/// then single-clause proposals in clause order; the rest wait a round).
pub const MAX_PROPOSALS: usize = 128;

/// One proposal before the pen-holder at a round's end.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Proposal {
    pub changes: Changes,
    /// The first party to table it.
    pub by: usize,
    /// Bitset of the parties that tabled or proposed exactly these changes.
    pub backers: u32,
    /// Tabled as a package (several clauses, or one clause by `table`).
    pub package: bool,
}

impl Proposal {
    /// The backers' indices, lowest first.
    pub fn backer_list(&self) -> impl Iterator<Item = usize> + '_ {
        (0..32).filter(|p| self.backers & (1 << p) != 0)
    }
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
    /// Table a package for this round's revision (an empty one withdraws
    /// the party's package). One package per party per round; tabling again
    /// replaces it.
    Table { party: usize, package: Changes },
    /// The pen-holder, at a round's end: write these proposals into the draft.
    Revise { party: usize, adopt: Selection },
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
            | Action::EndTurn { party }
            | Action::Table { party, .. }
            | Action::Revise { party, .. } => Some(party),
            Action::Inject { .. } | Action::MoveDeadline { .. } => None,
        }
    }
}

/// How the talks ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Ending {
    /// Every needed signature is in (and the text passed its ratification,
    /// if it needed one).
    Deal,
    /// Signed, then rejected at the vote at home (`rules.ratification`).
    Rejected,
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
            Ending::Rejected => "rejected",
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
    /// A party refused a deal that did not need its signature.
    Dissent {
        party: usize,
    },
    /// The signed text went to its vote at home, with this public chance.
    Ratification {
        passed: bool,
        chance: f64,
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
    /// A diplomatic action; `credible` is false when its condition did not
    /// hold, so its shifts did not apply (its cost and effects did).
    Diplomacy {
        party: usize,
        action: usize,
        credible: bool,
    },
    /// A party tabled a package (an empty one withdraws it).
    Tabled {
        party: usize,
        package: Changes,
    },
    TurnEnded {
        party: usize,
    },
    /// Every party accepted the clause as drafted: `option` is the wording agreed.
    ClauseAgreed {
        clause: usize,
        option: usize,
    },
    /// The round's proposals are before the pen-holder (`pen`: None for
    /// the neutral rule); `proposals` is how many.
    RevisionOpened {
        pen: Option<usize>,
        proposals: usize,
    },
    /// A clause was rewritten: by the pen-holder (or the neutral rule)
    /// adopting a proposal first tabled by `proposer`, or by event card `card`.
    ClauseRevised {
        clause: usize,
        from: usize,
        to: usize,
        proposer: Option<usize>,
        card: Option<usize>,
    },
    /// The pen-holder's revision is done: `adopted` of the proposals went in.
    Revised {
        pen: Option<usize>,
        adopted: usize,
        proposals: usize,
    },
    /// The pen passed to another seat (None: the neutral rule) by a card.
    PenMoved {
        party: Option<usize>,
    },
    /// Card `event` changed whose signature the deal needs
    /// ([`crate::engine::Game::signatories`]).
    SignatoriesChanged {
        event: usize,
    },
    /// A round ended without a deal and the scenario's cost of delay applied.
    CostOfDelay {
        round: u32,
    },
    /// The round is over; `likelihood` is the deal likelihood of the draft
    /// the round leaves on the table.
    RoundEnded {
        round: u32,
        likelihood: f64,
    },
    /// A signing vote; `party` None when the table calls it (nothing left
    /// open, or the deadline's final vote).
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
