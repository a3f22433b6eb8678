//! Why the engine refuses an action: a structured [`ActionError`] with the
//! ids involved, a stable [`ActionError::kind`] code for programs, and words
//! for people rendered at the edge ([`ActionError::describe`]) or JSON for
//! bots and remote screens ([`ActionError::to_json`]).

use crate::core::{Broken, Model};
use serde::Serialize;

/// Why a diplomatic action is not open to a party now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unavailable {
    /// The scenario does not give the action to this party.
    NotForParty,
    /// Not before this round.
    TooEarly { from_round: u32 },
    /// Already taken this many times, the limit.
    Limit { limit: u32 },
}

/// Why walking out is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WalkoutBar {
    /// The scenario does not allow it.
    Never,
    /// Not before this round.
    TooEarly { from_round: u32 },
}

/// Why an action was refused. Nothing is applied when one is returned.
///
/// Variants carry indices into the game's model. `Display` is the
/// model-free form for logs and tests; people read [`ActionError::describe`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ActionError {
    #[error("the talks are over")]
    GameOver,
    #[error("there is no party number {party}")]
    NoSuchParty { party: usize },
    #[error("there is no clause number {clause}")]
    NoSuchClause { clause: usize },
    #[error("clause {clause} has no variant number {variant}")]
    NoSuchVariant { clause: usize, variant: usize },
    #[error("there is no event card number {event}")]
    NoSuchEvent { event: usize },
    #[error("there is no diplomatic action number {action}")]
    NoSuchAction { action: usize },
    #[error("it is not party {party}'s turn (it is party {turn}'s)")]
    NotYourTurn { party: usize, turn: usize },
    #[error("a vote is under way: party {voter} must vote first")]
    VoteUnderWay { voter: usize },
    #[error("no vote is under way")]
    NoVote,
    #[error("clause {clause} is not open")]
    ClauseClosed { clause: usize },
    #[error("that wording is already the draft's; accept it instead")]
    AlreadyDrafted { clause: usize, variant: usize },
    #[error("clause {clause} cannot be struck")]
    NotStrikable { clause: usize },
    #[error("linkage: clause {} at option {} breaks a rule", .0.clause, .0.option)]
    Linkage(Broken),
    #[error("party {party} has already taken a diplomatic action this turn")]
    ActionTaken { party: usize },
    #[error("party {party} cannot take diplomatic action {action} ({why:?})")]
    ActionUnavailable {
        party: usize,
        action: usize,
        why: Unavailable,
    },
    #[error("party {party} has called all the votes it may")]
    NoVotesLeft { party: usize },
    #[error("party {party} cannot sign: its red line {line} is crossed")]
    RedLine { party: usize, line: usize },
    #[error("walking out is not allowed ({bar:?})")]
    WalkoutNotAllowed { party: usize, bar: WalkoutBar },
    #[error("the deadline must stay between the current round and round 1000")]
    DeadlineTooEarly { rounds: i32 },
    #[error("the pen-holder (party {pen}) is revising the draft")]
    RevisionUnderWay { pen: usize },
    #[error("no revision is under way")]
    NoRevision,
    #[error("there is no proposal number {proposal}")]
    NoSuchProposal { proposal: usize },
    #[error("two adopted proposals change clause {clause}")]
    Overlap { clause: usize },
    #[error("a package changes at most {max} clauses")]
    PackageTooBig { max: usize },
    #[error("a package changes clause {clause} twice")]
    SameClauseTwice { clause: usize },
    #[error("a stance on clause {clause} cannot be conditional on itself")]
    SelfCondition { clause: usize },
}

/// An [`ActionError`] with ids instead of indices: what a bot or a remote
/// screen receives. Absent fields are left out of the JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Refusal {
    /// [`ActionError::kind`].
    pub kind: &'static str,
    /// The party refused (its id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub party: Option<String>,
    /// The party whose move it is instead (its id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub turn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clause: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// The diplomatic action (its id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// The red line crossed (its id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<String>,
    /// A finer reason: `not_for_party`, `too_early`, `limit`, `never`,
    /// `requires`, `excludes`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<&'static str>,
    /// The first round the move is allowed in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_round: Option<u32>,
    /// How many times the action may be taken.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// The clause a linkage rule refers to, and the wording it names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub linked_clause: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub linked_variant: Option<String>,
    /// [`ActionError::describe`].
    pub text: String,
}

impl ActionError {
    /// Every code [`ActionError::kind`] returns, in variant order.
    pub const KINDS: [&'static str; 26] = [
        "game_over",
        "no_such_party",
        "no_such_clause",
        "no_such_variant",
        "no_such_event",
        "no_such_action",
        "not_your_turn",
        "vote_under_way",
        "no_vote",
        "clause_closed",
        "already_drafted",
        "not_strikable",
        "linkage",
        "action_taken",
        "action_unavailable",
        "no_votes_left",
        "red_line",
        "walkout_not_allowed",
        "deadline_too_early",
        "revision_under_way",
        "no_revision",
        "no_such_proposal",
        "overlap",
        "package_too_big",
        "same_clause_twice",
        "self_condition",
    ];

    /// A stable snake_case code for programs (bots, remote screens, tests).
    pub fn kind(&self) -> &'static str {
        let i = match self {
            ActionError::GameOver => 0,
            ActionError::NoSuchParty { .. } => 1,
            ActionError::NoSuchClause { .. } => 2,
            ActionError::NoSuchVariant { .. } => 3,
            ActionError::NoSuchEvent { .. } => 4,
            ActionError::NoSuchAction { .. } => 5,
            ActionError::NotYourTurn { .. } => 6,
            ActionError::VoteUnderWay { .. } => 7,
            ActionError::NoVote => 8,
            ActionError::ClauseClosed { .. } => 9,
            ActionError::AlreadyDrafted { .. } => 10,
            ActionError::NotStrikable { .. } => 11,
            ActionError::Linkage(_) => 12,
            ActionError::ActionTaken { .. } => 13,
            ActionError::ActionUnavailable { .. } => 14,
            ActionError::NoVotesLeft { .. } => 15,
            ActionError::RedLine { .. } => 16,
            ActionError::WalkoutNotAllowed { .. } => 17,
            ActionError::DeadlineTooEarly { .. } => 18,
            ActionError::RevisionUnderWay { .. } => 19,
            ActionError::NoRevision => 20,
            ActionError::NoSuchProposal { .. } => 21,
            ActionError::Overlap { .. } => 22,
            ActionError::PackageTooBig { .. } => 23,
            ActionError::SameClauseTwice { .. } => 24,
            ActionError::SelfCondition { .. } => 25,
        };
        Self::KINDS[i]
    }

    /// The refusal in words for the people at the table: party names, clause
    /// numbers and titles, never internal ids.
    pub fn describe(&self, model: &Model) -> String {
        let party = |p: usize| model.party_short(p).to_string();
        let clause = |c: usize| model.clause_words(c);
        match *self {
            ActionError::GameOver => "the talks are over".into(),
            ActionError::NoSuchParty { party } => format!("there is no party number {party}"),
            ActionError::NoSuchClause { clause } => format!("there is no clause number {clause}"),
            ActionError::NoSuchVariant { clause: c, variant } => {
                format!("{} has no variant number {variant}", clause(c))
            }
            ActionError::NoSuchEvent { event } => format!("there is no event card number {event}"),
            ActionError::NoSuchAction { action } => {
                format!("there is no diplomatic action number {action}")
            }
            ActionError::NotYourTurn { party: p, turn } => {
                format!("it is not {}'s turn (it is {}'s)", party(p), party(turn))
            }
            ActionError::VoteUnderWay { voter } => {
                format!("a vote is under way: {} must vote first", party(voter))
            }
            ActionError::NoVote => "no vote is under way".into(),
            ActionError::ClauseClosed { clause: c } => format!("{} is not open", clause(c)),
            ActionError::AlreadyDrafted { .. } => {
                "that wording is already the draft's; accept it instead".into()
            }
            ActionError::NotStrikable { clause: c } => format!("{} cannot be struck", clause(c)),
            ActionError::Linkage(broken) => format!("linkage: {}", broken.describe(model)),
            ActionError::ActionTaken { party: p } => {
                format!(
                    "{} has already taken a diplomatic action this turn",
                    party(p)
                )
            }
            ActionError::ActionUnavailable {
                party: p,
                action,
                why,
            } => {
                let why = match why {
                    Unavailable::NotForParty => "it is not open to this party".to_string(),
                    Unavailable::TooEarly { from_round } => {
                        format!("not before round {from_round}")
                    }
                    Unavailable::Limit { limit } => {
                        format!("already taken {limit} time(s), the limit")
                    }
                };
                format!(
                    "{} cannot take '{}': {why}",
                    party(p),
                    model.scenario.actions[action].name
                )
            }
            ActionError::NoVotesLeft { party: p } => {
                format!("{} has called all the votes it may", party(p))
            }
            ActionError::RedLine { party: p, line } => format!(
                "{} cannot sign: red line '{}' is crossed",
                party(p),
                model.scenario.parties[p].red_lines[line].text
            ),
            ActionError::WalkoutNotAllowed { bar, .. } => match bar {
                WalkoutBar::Never => "walking out is not allowed in this scenario".into(),
                WalkoutBar::TooEarly { from_round } => {
                    format!("walking out is not allowed before round {from_round}")
                }
            },
            ActionError::DeadlineTooEarly { .. } => {
                "the deadline must stay between the current round and round 1000".into()
            }
            ActionError::RevisionUnderWay { pen } => {
                format!("{} holds the pen and is revising the draft", party(pen))
            }
            ActionError::NoRevision => "no revision is under way".into(),
            ActionError::NoSuchProposal { proposal } => {
                format!("there is no proposal number {proposal}")
            }
            ActionError::Overlap { clause: c } => {
                format!("two of the proposals chosen change {}", clause(c))
            }
            ActionError::PackageTooBig { max } => {
                format!("a package changes at most {max} clauses")
            }
            ActionError::SameClauseTwice { clause: c } => {
                format!("the package changes {} twice", clause(c))
            }
            ActionError::SelfCondition { clause: c } => {
                format!("a stance on {} cannot be conditional on itself", clause(c))
            }
        }
    }

    /// The structured form with ids, for bots and remote screens.
    pub fn refusal(&self, model: &Model) -> Refusal {
        let s = &model.scenario;
        let party_id = |p: usize| s.parties.get(p).map(|x| x.id.clone());
        let clause_id = |c: usize| s.clauses.get(c).map(|x| x.id.clone());
        let variant_id = |c: usize, v: usize| {
            s.clauses
                .get(c)
                .and_then(|x| x.variants.get(v))
                .map(|x| x.id.clone())
        };
        let mut r = Refusal {
            kind: self.kind(),
            party: None,
            turn: None,
            clause: None,
            variant: None,
            action: None,
            event: None,
            line: None,
            why: None,
            from_round: None,
            limit: None,
            linked_clause: None,
            linked_variant: None,
            text: self.describe(model),
        };
        match *self {
            ActionError::GameOver
            | ActionError::NoVote
            | ActionError::NoRevision
            | ActionError::NoSuchProposal { .. }
            | ActionError::PackageTooBig { .. }
            | ActionError::DeadlineTooEarly { .. } => {}
            ActionError::RevisionUnderWay { pen } => r.turn = party_id(pen),
            ActionError::Overlap { clause }
            | ActionError::SameClauseTwice { clause }
            | ActionError::SelfCondition { clause } => r.clause = clause_id(clause),
            // Numbers that name nothing: the text says which.
            ActionError::NoSuchParty { .. }
            | ActionError::NoSuchClause { .. }
            | ActionError::NoSuchEvent { .. }
            | ActionError::NoSuchAction { .. } => {}
            ActionError::NoSuchVariant { clause, .. }
            | ActionError::ClauseClosed { clause }
            | ActionError::NotStrikable { clause } => r.clause = clause_id(clause),
            ActionError::AlreadyDrafted { clause, variant } => {
                r.clause = clause_id(clause);
                r.variant = variant_id(clause, variant);
            }
            ActionError::NotYourTurn { party, turn } => {
                r.party = party_id(party);
                r.turn = party_id(turn);
            }
            ActionError::VoteUnderWay { voter } => r.turn = party_id(voter),
            ActionError::Linkage(b) => {
                r.clause = clause_id(b.clause);
                r.variant = Some(model.option_id(b.clause, b.option).to_string());
                r.why = Some(match b.bond {
                    crate::core::Bond::Requires => "requires",
                    crate::core::Bond::Excludes => "excludes",
                });
                r.linked_clause = clause_id(b.link.clause);
                r.linked_variant = b
                    .link
                    .variant
                    .map(|v| model.option_id(b.link.clause, v).to_string());
            }
            ActionError::ActionTaken { party } | ActionError::NoVotesLeft { party } => {
                r.party = party_id(party)
            }
            ActionError::ActionUnavailable { party, action, why } => {
                r.party = party_id(party);
                r.action = s.actions.get(action).map(|a| a.id.clone());
                match why {
                    Unavailable::NotForParty => r.why = Some("not_for_party"),
                    Unavailable::TooEarly { from_round } => {
                        r.why = Some("too_early");
                        r.from_round = Some(from_round);
                    }
                    Unavailable::Limit { limit } => {
                        r.why = Some("limit");
                        r.limit = Some(limit);
                    }
                }
            }
            ActionError::RedLine { party, line } => {
                r.party = party_id(party);
                r.line = s
                    .parties
                    .get(party)
                    .and_then(|p| p.red_lines.get(line))
                    .map(|l| l.id.clone());
            }
            ActionError::WalkoutNotAllowed { party, bar } => {
                r.party = party_id(party);
                match bar {
                    WalkoutBar::Never => r.why = Some("never"),
                    WalkoutBar::TooEarly { from_round } => {
                        r.why = Some("too_early");
                        r.from_round = Some(from_round);
                    }
                }
            }
        }
        r
    }

    /// [`ActionError::refusal`] as JSON.
    pub fn to_json(&self, model: &Model) -> serde_json::Value {
        serde_json::to_value(self.refusal(model)).unwrap_or_default()
    }
}
