//! One narration of what happens at the table: every journal event becomes one
//! [`Narration`], with ids for machines and a sentence for people. The TUI's
//! news ticker, the debrief report, `run`'s text and JSON lines and the agent
//! protocol all read these; no other place turns events into words.

use crate::engine::named::stance_name;
use crate::engine::{Ending, Evaluation, Event, Stance};
use crate::scenario::Model;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a narration is about. The JSON vocabulary of `run --format json`,
/// `report --format json` and the agent protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A round begins.
    RoundStart,
    /// An event card fired (detail: the card's id).
    Card,
    /// A party's stance on a clause (detail: `accept`, `reject`, `strike`, `propose:ID`).
    Stance,
    /// A diplomatic action (detail: the action's id).
    Diplomacy,
    /// A party ended its turn.
    TurnEnd,
    /// Every party accepted a clause (option: the wording agreed).
    Agreed,
    /// A clause was rewritten (detail: `FROM->TO`; option: the new wording;
    /// party: who proposed it; label: the card, when a card amended it).
    Revised,
    /// A party tabled a package (detail: `CLAUSE=OPTION,…`, empty: withdrawn).
    Package,
    /// The round's proposals went before the pen-holder (party: the pen; detail: how many).
    Revision,
    /// The pen-holder finished revising (detail: `ADOPTED/PROPOSALS`).
    RevisionDone,
    /// A card passed the pen (party: the new pen-holder, none for the neutral rule).
    Pen,
    /// A round passed without a deal and the cost of delay applied.
    Delay,
    /// A card changed whose signature the deal needs (detail: the parties' ids, comma-separated).
    Signatories,
    /// A round ended (values: likelihood, metrics and acceptance at its end).
    RoundEnd,
    /// A signing vote was called (party: who, if anyone).
    VoteCalled,
    /// A party signed or refused (detail: `sign` or `refuse`).
    Vote,
    /// The vote failed; talks go on.
    VoteFailed,
    /// The facilitator moved the deadline (detail: the new last round).
    Deadline,
    /// A party refused a deal that did not need its signature.
    Dissent,
    /// The signed text went to its vote at home (detail: `passed` or
    /// `rejected`; values: `chance`).
    Ratification,
    /// The talks ended (detail: `deal`, `rejected`, `deadline`, `walkout` or `collapse`).
    Ended,
    /// A seat lost its move: a bot that failed, a scripted move that could not be played.
    Forfeit,
    /// A remark on a seat that is not a move (lines a bot sent that were discarded).
    Note,
}

impl Kind {
    /// The snake_case name used in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Kind::RoundStart => "round_start",
            Kind::Card => "card",
            Kind::Stance => "stance",
            Kind::Diplomacy => "diplomacy",
            Kind::TurnEnd => "turn_end",
            Kind::Agreed => "agreed",
            Kind::Revised => "revised",
            Kind::Package => "package",
            Kind::Revision => "revision",
            Kind::RevisionDone => "revision_done",
            Kind::Pen => "pen",
            Kind::Delay => "delay",
            Kind::Signatories => "signatories",
            Kind::Dissent => "dissent",
            Kind::Ratification => "ratification",
            Kind::RoundEnd => "round_end",
            Kind::VoteCalled => "vote_called",
            Kind::Vote => "vote",
            Kind::VoteFailed => "vote_failed",
            Kind::Deadline => "deadline",
            Kind::Ended => "ended",
            Kind::Forfeit => "forfeit",
            Kind::Note => "note",
        }
    }

    /// Whether this is the direct record of a seat's own move.
    pub fn is_move(self) -> bool {
        matches!(
            self,
            Kind::Stance
                | Kind::Diplomacy
                | Kind::Vote
                | Kind::VoteCalled
                | Kind::TurnEnd
                | Kind::Package
                | Kind::RevisionDone
        )
    }
}

/// One thing that happened, for machines and people alike.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Narration {
    pub kind: Kind,
    /// The round it happened in (a clause agreed at a round's end belongs to that round).
    pub round: u32,
    /// The party concerned (its id), when one is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party: Option<String>,
    /// The clause concerned (its id), when one is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clause: Option<String>,
    /// The wording concerned (its id, `struck` for a strike): proposed, agreed or revised to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option: Option<String>,
    /// The machine-readable detail (see [`Kind`]).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
    /// A short label: a card's title, a wording's label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The sentence people read.
    pub text: String,
    /// Why the seat did it, in its own words (AI and bot moves).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Figures: `likelihood`, `metric.ID`, `acceptance.PARTY` at a round's
    /// end. Four decimals.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub values: BTreeMap<String, f64>,
}

impl Narration {
    fn new(kind: Kind, round: u32, text: String) -> Narration {
        Narration {
            kind,
            round,
            party: None,
            clause: None,
            option: None,
            detail: String::new(),
            label: None,
            text,
            reason: None,
            values: BTreeMap::new(),
        }
    }

    /// A seat's forfeit, in words.
    pub fn forfeit(model: &Model, round: u32, party: usize, text: String) -> Narration {
        Narration {
            party: Some(model.scenario.parties[party].id.clone()),
            ..Narration::new(Kind::Forfeit, round, text)
        }
    }

    /// A note on a seat (party) that is not a move.
    pub fn note(model: &Model, round: u32, party: usize, text: String) -> Narration {
        Narration {
            party: Some(model.scenario.parties[party].id.clone()),
            ..Narration::new(Kind::Note, round, text)
        }
    }

    /// The line as JSON (one line, no trailing newline).
    pub fn json(&self) -> String {
        // A struct of strings, numbers and maps always serialises.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Four decimals, and never `-0`.
pub fn r4(x: f64) -> f64 {
    let v = (x * 1e4).round() / 1e4;
    if v == 0.0 { 0.0 } else { v }
}

/// "point 6 (Army ceiling)".
pub fn clause_words(model: &Model, clause: usize) -> String {
    let c = &model.scenario.clauses[clause];
    format!("point {} ({})", c.number, c.title)
}

/// An ending in words: "a deal: every signatory signed".
pub fn ending_words(model: &Model, ending: Ending) -> String {
    match ending {
        Ending::Deal => "a deal: every needed signature is in".into(),
        Ending::Rejected => "signed, then rejected at the vote at home".into(),
        Ending::DeadlinePassed => "the deadline passed without a deal".into(),
        Ending::WalkOut { party } => format!("{} walked out", model.party_name(party)),
        Ending::Collapse { condition } => format!(
            "the talks collapsed: {}",
            model.collapse_text(condition).unwrap_or("")
        ),
    }
}

/// The figures of an evaluation at a round's end.
pub fn round_values(model: &Model, eval: &Evaluation) -> BTreeMap<String, f64> {
    let s = &model.scenario;
    let mut v = BTreeMap::new();
    v.insert("likelihood".into(), r4(eval.likelihood));
    for (i, m) in s.metrics.iter().enumerate() {
        v.insert(format!("metric.{}", m.id), r4(eval.metrics[i]));
    }
    for (p, party) in s.parties.iter().enumerate() {
        v.insert(format!("acceptance.{}", party.id), r4(eval.acceptance[p]));
    }
    v
}

/// Narrate one event of round `round`.
pub fn narrate(model: &Model, round: u32, event: &Event) -> Narration {
    let s = &model.scenario;
    let pid = |p: usize| Some(s.parties[p].id.clone());
    let cid = |c: usize| Some(s.clauses[c].id.clone());
    let who = |p: usize| model.party_name(p);
    match *event {
        Event::RoundStarted { round } => {
            Narration::new(Kind::RoundStart, round, format!("Round {round} begins."))
        }
        Event::CardFired { event, injected } => {
            let card = &s.events[event];
            let by = if injected {
                " (played by the facilitator)"
            } else {
                ""
            };
            Narration {
                detail: card.id.clone(),
                label: Some(card.title.clone()),
                ..Narration::new(
                    Kind::Card,
                    round,
                    format!("News{by}: {}. {}", card.title, card.text),
                )
            }
        }
        Event::Stance {
            party,
            clause,
            stance,
        } => {
            let what = clause_words(model, clause);
            let (text, option, label) = match stance {
                Stance::Accept => (format!("{} accepts {what}.", who(party)), None, None),
                Stance::Reject => (format!("{} rejects {what}.", who(party)), None, None),
                Stance::Strike => (
                    format!("{} proposes to strike {what}.", who(party)),
                    Some("struck".to_string()),
                    None,
                ),
                Stance::Propose(v) => (
                    format!(
                        "{} proposes \u{201c}{}\u{201d} for {what}.",
                        who(party),
                        model.option_label(clause, v)
                    ),
                    Some(model.option_id(clause, v).to_string()),
                    Some(model.option_label(clause, v).to_string()),
                ),
                Stance::AcceptIf { clause: k, option } => (
                    format!(
                        "{} accepts {what} if {} reads \u{201c}{}\u{201d}.",
                        who(party),
                        clause_words(model, k),
                        model.option_label(k, option)
                    ),
                    None,
                    None,
                ),
            };
            Narration {
                party: pid(party),
                clause: cid(clause),
                option,
                label,
                detail: stance_name(model, clause, stance),
                ..Narration::new(Kind::Stance, round, text)
            }
        }
        Event::Diplomacy {
            party,
            action,
            credible,
        } => {
            let a = &s.actions[action];
            Narration {
                party: pid(party),
                detail: a.id.clone(),
                label: Some(a.name.clone()),
                ..Narration::new(
                    Kind::Diplomacy,
                    round,
                    if credible {
                        format!("{}: {}.", who(party), a.name)
                    } else {
                        format!(
                            "{}: {}, but it does not carry: its condition does not hold.",
                            who(party),
                            a.name
                        )
                    },
                )
            }
        }
        Event::Tabled { party, package } => {
            let parts: Vec<String> = package
                .iter()
                .map(|(c, o)| {
                    format!(
                        "{} \u{201c}{}\u{201d}",
                        clause_words(model, c),
                        model.option_label(c, o)
                    )
                })
                .collect();
            Narration {
                party: pid(party),
                detail: package
                    .iter()
                    .map(|(c, o)| format!("{}={}", s.clauses[c].id, model.option_id(c, o)))
                    .collect::<Vec<_>>()
                    .join(","),
                ..Narration::new(
                    Kind::Package,
                    round,
                    if parts.is_empty() {
                        format!("{} withdraws its package.", who(party))
                    } else {
                        format!("{} tables a package: {}.", who(party), parts.join("; "))
                    },
                )
            }
        }
        Event::RevisionOpened { pen, proposals } => Narration {
            party: pen.and_then(pid),
            detail: proposals.to_string(),
            ..Narration::new(
                Kind::Revision,
                round,
                match pen {
                    Some(p) => format!(
                        "{} holds the pen: {proposals} proposal(s) before it.",
                        who(p)
                    ),
                    None => format!(
                        "No one holds the pen: the neutral rule weighs {proposals} proposal(s)."
                    ),
                },
            )
        },
        Event::Revised {
            pen,
            adopted,
            proposals,
        } => Narration {
            party: pen.and_then(pid),
            detail: format!("{adopted}/{proposals}"),
            ..Narration::new(
                Kind::RevisionDone,
                round,
                match pen {
                    Some(p) => format!(
                        "{} writes {adopted} of {proposals} proposal(s) into the draft.",
                        who(p)
                    ),
                    None => format!(
                        "The neutral rule writes {adopted} of {proposals} proposal(s) into the draft."
                    ),
                },
            )
        },
        Event::PenMoved { party } => Narration {
            party: party.and_then(pid),
            ..Narration::new(
                Kind::Pen,
                round,
                match party {
                    Some(p) => format!("The pen passes to {}.", who(p)),
                    None => "No one holds the pen now: the neutral rule revises.".into(),
                },
            )
        },
        Event::SignatoriesChanged { event } => {
            let who_signs: Vec<usize> = model.events[event]
                .signatories
                .as_ref()
                .map(|f| (0..f.len()).filter(|&p| f[p]).collect())
                .unwrap_or_default();
            Narration {
                label: Some(s.events[event].title.clone()),
                detail: who_signs
                    .iter()
                    .map(|&p| s.parties[p].id.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
                ..Narration::new(
                    Kind::Signatories,
                    round,
                    format!(
                        "From now on the deal needs the signatures of: {}.",
                        who_signs
                            .iter()
                            .map(|&p| who(p))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            }
        }
        Event::Dissent { party } => Narration {
            party: pid(party),
            ..Narration::new(
                Kind::Dissent,
                round,
                format!(
                    "{} refuses, but the text does not need its signature: the deal goes ahead without it.",
                    who(party)
                ),
            )
        },
        Event::Ratification { passed, chance } => {
            let name = s
                .rules
                .ratification
                .as_ref()
                .map_or("the vote at home", |r| r.name.as_str());
            let mut n = Narration {
                detail: if passed { "passed" } else { "rejected" }.into(),
                ..Narration::new(
                    Kind::Ratification,
                    round,
                    if passed {
                        format!(
                            "The signed text goes to {name} ({:.0}% expected to pass): it passes.",
                            chance * 100.0
                        )
                    } else {
                        format!(
                            "The signed text goes to {name} ({:.0}% expected to pass): it is rejected, and the deal falls.",
                            chance * 100.0
                        )
                    },
                )
            };
            n.values.insert("chance".into(), r4(chance));
            n
        }
        Event::CostOfDelay { round: r } => Narration::new(
            Kind::Delay,
            r,
            format!("Round {r} passes without a deal: the war goes on."),
        ),
        Event::TurnEnded { party } => Narration {
            party: pid(party),
            ..Narration::new(
                Kind::TurnEnd,
                round,
                format!("{} ends its turn.", who(party)),
            )
        },
        Event::ClauseAgreed { clause, option } => Narration {
            clause: cid(clause),
            option: Some(model.option_id(clause, option).to_string()),
            label: Some(model.option_label(clause, option).to_string()),
            ..Narration::new(
                Kind::Agreed,
                round,
                format!(
                    "Agreed: {} as \u{201c}{}\u{201d}.",
                    clause_words(model, clause),
                    model.option_label(clause, option)
                ),
            )
        },
        Event::ClauseRevised {
            clause,
            from,
            to,
            proposer,
            card,
        } => {
            let by = match (proposer, card) {
                (_, Some(e)) => format!(" (news: {})", s.events[e].title),
                (Some(p), None) => format!(" (proposed by {})", who(p)),
                (None, None) => String::new(),
            };
            Narration {
                party: proposer.and_then(pid),
                clause: cid(clause),
                option: Some(model.option_id(clause, to).to_string()),
                label: Some(model.option_label(clause, to).to_string()),
                detail: format!(
                    "{}->{}",
                    model.option_id(clause, from),
                    model.option_id(clause, to)
                ),
                ..Narration::new(
                    Kind::Revised,
                    round,
                    format!(
                        "{} is rewritten: \u{201c}{}\u{201d} becomes \u{201c}{}\u{201d}{by}.",
                        upper_first(&clause_words(model, clause)),
                        model.option_label(clause, from),
                        model.option_label(clause, to)
                    ),
                )
            }
        }
        Event::RoundEnded { round, likelihood } => Narration::new(
            Kind::RoundEnd,
            round,
            format!(
                "Round {round} ends: deal likelihood {:.0}%.",
                100.0 * likelihood
            ),
        ),
        Event::VoteCalled { party } => Narration {
            party: party.and_then(pid),
            ..Narration::new(
                Kind::VoteCalled,
                round,
                match party {
                    Some(p) => format!("{} calls a signing vote.", who(p)),
                    None => "The draft as it stands goes to a signing vote.".into(),
                },
            )
        },
        Event::Voted { party, sign } => Narration {
            party: pid(party),
            detail: if sign { "sign" } else { "refuse" }.into(),
            ..Narration::new(
                Kind::Vote,
                round,
                format!(
                    "{} {}.",
                    who(party),
                    if sign { "signs" } else { "refuses to sign" }
                ),
            )
        },
        Event::VoteFailed => Narration::new(
            Kind::VoteFailed,
            round,
            "The vote fails; the talks go on.".into(),
        ),
        Event::DeadlineMoved { deadline } => Narration {
            detail: deadline.to_string(),
            ..Narration::new(
                Kind::Deadline,
                round,
                format!("The deadline is now round {deadline}."),
            )
        },
        Event::Ended { ending, round } => Narration {
            party: match ending {
                Ending::WalkOut { party } => pid(party),
                _ => None,
            },
            detail: ending.name().into(),
            ..Narration::new(
                Kind::Ended,
                round,
                format!(
                    "The talks end in round {round}: {}.",
                    ending_words(model, ending)
                ),
            )
        },
    }
}

/// The text with its first letter in upper case.
fn upper_first(text: &str) -> String {
    let mut c = text.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Narrates a journal in order, keeping track of the round.
#[derive(Debug, Clone, Copy, Default)]
pub struct Narrator {
    round: u32,
}

impl Narrator {
    /// The round the next event belongs to.
    pub fn round(&self) -> u32 {
        self.round.max(1)
    }

    /// Narrate the next event of the journal.
    pub fn next(&mut self, model: &Model, event: &Event) -> Narration {
        if let Event::RoundStarted { round } = *event {
            self.round = round;
        }
        narrate(model, self.round(), event)
    }
}

/// A whole journal, narrated; `history` (the evaluations at round ends) adds
/// the round-end figures.
pub fn journal(model: &Model, events: &[Event], history: &[(u32, Evaluation)]) -> Vec<Narration> {
    let mut n = Narrator::default();
    events
        .iter()
        .map(|e| {
            let mut line = n.next(model, e);
            if let Event::RoundEnded { round, .. } = *e
                && let Some((_, eval)) = history.iter().rev().find(|(r, _)| *r == round)
            {
                line.values = round_values(model, eval);
            }
            line
        })
        .collect()
}
