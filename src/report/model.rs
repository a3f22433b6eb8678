//! The debrief as data: everything a report says about one table, built from a
//! replayed [`Game`] and its [`Save`]. The renderers (Markdown, HTML, JSON,
//! CSV) only format this value, so the formats can never disagree.

use super::deal_space::DealSpace;
use crate::analysis::Advisor;
use crate::engine::{Ending, Evaluation, Event, Game, Status};
use crate::save::Save;
use crate::scenario::Model;
use crate::table::narrate::{self, Kind, Narration};
use serde::Serialize;

/// The debrief of one table (one saved game).
#[derive(Debug, Clone, Serialize)]
pub struct Debrief {
    /// The save file the table came from, as given on the command line.
    pub table: String,
    pub scenario: ScenarioInfo,
    pub seed: u64,
    pub seats: Vec<Seat>,
    pub started: String,
    pub saved: String,
    /// The number of actions in the log.
    pub actions: usize,
    pub outcome: Outcome,
    pub metrics: Vec<MetricInfo>,
    /// Metric values at the start (round 0), after each round, and at the end.
    pub series: Vec<Point>,
    pub timeline: Vec<RoundLog>,
    pub parties: Vec<PartyResult>,
    pub red_lines: Vec<RedLineTouch>,
    /// Clauses whose final wording differs from the scenario's draft.
    pub changes: Vec<ClauseChange>,
    /// Every clause as the table left it.
    pub draft: Vec<ClauseState>,
    /// The final draft against the ZOPA and the Nash package.
    pub deal_space: Option<DealSpace>,
    /// The table's name (`play --name`: a team name), if it has one.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// The rounds that moved the chance of a deal most, with what happened.
    pub turning_points: Vec<TurningPoint>,
    /// Without a deal: who would not sign the final text, and why.
    pub no_deal: Vec<String>,
    /// What each seat did: proposals made and adopted, votes, actions.
    pub contributions: Vec<Contribution>,
    /// The scenario's questions for the class (optional field
    /// `debrief_questions`); without them, questions built from this table's
    /// own record (see [`reflection`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub questions: Vec<String>,
}

/// A round that moved the public chance of a deal.
#[derive(Debug, Clone, Serialize)]
pub struct TurningPoint {
    pub round: u32,
    /// The public chance of a deal (0..1) before the round and at its end.
    pub before: f64,
    pub after: f64,
    /// What happened in it: cards, agreements, rewrites, failed votes.
    pub events: Vec<String>,
}

/// What one seat did at the table.
#[derive(Debug, Clone, Serialize)]
pub struct Contribution {
    pub party: String,
    /// Wordings proposed (a strike counts) and tabled packages.
    pub proposals: u32,
    /// Rewrites the pen-holder adopted from this seat's proposals.
    pub adopted: u32,
    pub votes_called: u32,
    pub signed: u32,
    pub refused: u32,
    /// Diplomatic actions taken.
    pub actions: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScenarioInfo {
    pub id: String,
    pub title: String,
    pub version: String,
    pub checksum: String,
    /// Where the scenario was opened from (a bundled id or a path).
    pub source: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Seat {
    pub party: String,
    pub name: String,
    pub policy: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// `deal`, `deadline`, `walkout`, `collapse`, `rejected`, or `in_progress`.
    pub ending: String,
    /// One sentence for people.
    pub text: String,
    /// The round the talks ended in (or have reached).
    pub round: u32,
    pub deadline: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct MetricInfo {
    pub id: String,
    pub name: String,
    pub min: f64,
    pub max: f64,
}

/// The metrics at one moment.
#[derive(Debug, Clone, Serialize)]
pub struct Point {
    /// 0 = before the first round; otherwise the round that had just ended
    /// (or, for the last point of a game that ended mid-round, the round it ended in).
    pub round: u32,
    /// One value per metric, in the order of `Debrief::metrics`.
    pub values: Vec<f64>,
    /// The probability that every signatory signs, 0..1.
    pub likelihood: f64,
}

/// What happened in one round.
#[derive(Debug, Clone, Serialize)]
pub struct RoundLog {
    pub round: u32,
    pub entries: Vec<Entry>,
}

/// One line of the timeline: the table's one narration of an event.
pub type Entry = Narration;

/// A party's result against its reservation.
#[derive(Debug, Clone, Serialize)]
pub struct PartyResult {
    pub party: String,
    pub name: String,
    pub short: String,
    /// The final utility (the deal's U_p, or the reservation without a deal);
    /// for a game in progress, U_p of the current draft.
    pub utility: f64,
    pub reservation: f64,
    /// `utility − reservation`.
    pub score: f64,
    /// Whether the party would sign the draft as it stands.
    pub would_sign: bool,
}

/// A red line that the draft crossed in at least one round.
#[derive(Debug, Clone, Serialize)]
pub struct RedLineTouch {
    pub party: String,
    pub id: String,
    pub text: String,
    /// The points of the series (by round) at which it was crossed.
    pub rounds: Vec<u32>,
    /// Still crossed at the end.
    pub at_end: bool,
}

/// A clause whose wording the table changed.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseChange {
    pub clause: String,
    pub number: u32,
    pub title: String,
    /// The drafted option id and label.
    pub from: String,
    pub from_label: String,
    /// The final option id (`struck` for a strike) and label.
    pub to: String,
    pub to_label: String,
    /// Who proposed the final wording (a party id), when a party's proposal
    /// was written in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposed_by: Option<String>,
    /// The event card that wrote the final wording in, when one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card: Option<String>,
}

/// A clause as the table left it.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseState {
    pub clause: String,
    pub number: u32,
    pub title: String,
    pub option: String,
    pub label: String,
    /// `open`, `agreed` or `struck`.
    pub status: String,
    pub changed: bool,
    /// Where the clause and its final wording are on record (URLs).
    pub sources: Vec<String>,
}

/// Four decimals are plenty for a report, and keep golden files stable.
fn r4(x: f64) -> f64 {
    let r = (x * 10_000.0).round() / 10_000.0;
    if r == 0.0 { 0.0 } else { r }
}

impl Debrief {
    /// A party's name, by id (the id itself if the debrief has no such party).
    pub fn party_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.parties
            .iter()
            .find(|p| p.party == id)
            .map_or(id, |p| p.name.as_str())
    }

    /// A party's short name, by id (the id itself if there is no such party).
    pub fn party_short<'a>(&'a self, id: &'a str) -> &'a str {
        self.parties
            .iter()
            .find(|p| p.party == id)
            .map_or(id, |p| p.short.as_str())
    }

    /// The debrief of `game`, replayed from `save` (read from `table`); with
    /// an advisor for the game's scenario, the "deal space" section too.
    pub fn of(table: &str, save: &Save, game: &Game, advisor: Option<&Advisor>) -> Debrief {
        let mut d = Debrief::of_record(table, save, game, advisor);
        if d.questions.is_empty() {
            d.questions = reflection(&d);
        }
        d
    }

    fn of_record(table: &str, save: &Save, game: &Game, advisor: Option<&Advisor>) -> Debrief {
        let model = &**game.model();
        let s = &model.scenario;
        // The save's own fields and its file name are not scenario text, which
        // is clean already: clean them here for every format.
        let line = |s: &str| crate::text::clean_line(s).into_owned();
        Debrief {
            table: line(table),
            scenario: ScenarioInfo {
                id: s.meta.id.clone(),
                title: s.meta.title.clone(),
                version: s.meta.version.clone(),
                checksum: model.checksum.clone(),
                source: line(&save.source),
            },
            seed: game.seed(),
            seats: seats(model, save),
            started: line(&save.started),
            saved: line(&save.saved),
            actions: game.log().len(),
            outcome: outcome(model, game),
            metrics: s
                .metrics
                .iter()
                .map(|m| MetricInfo {
                    id: m.id.clone(),
                    name: m.name.clone(),
                    min: m.min,
                    max: m.max,
                })
                .collect(),
            series: series(game)
                .iter()
                .map(|(round, e)| point(*round, e))
                .collect(),
            timeline: timeline(model, game),
            parties: results(model, game),
            red_lines: red_lines(model, game),
            changes: changes(model, game),
            draft: draft(model, game),
            deal_space: advisor.map(|a| DealSpace::of(model, a, game.options())),
            name: line(&save.name),
            turning_points: turning_points(model, game),
            no_deal: no_deal(model, game),
            contributions: contributions(model, game),
            questions: s.meta.debrief_questions.clone(),
        }
    }

    /// Whether the talks are over.
    pub fn finished(&self) -> bool {
        self.outcome.ending != "in_progress"
    }
}

/// Questions for the class built from a table's own record, for a scenario
/// that brings none: who paid or refused, the biggest turning point, whose
/// proposals the pen took, and what to do differently.
pub fn reflection(d: &Debrief) -> Vec<String> {
    let mut q = Vec::new();
    let score = |p: &&PartyResult| p.score;
    let refused = d
        .parties
        .iter()
        .filter(|p| !p.would_sign)
        .min_by(|a, b| score(a).total_cmp(&score(b)));
    let least = d
        .parties
        .iter()
        .min_by(|a, b| score(a).total_cmp(&score(b)));
    match (d.outcome.ending.as_str(), refused, least) {
        ("in_progress", _, _) => {}
        ("deal", _, Some(p)) => q.push(format!(
            "{} came out of the deal with the least over its bottom line ({}). What did it give up, and what did it get for it?",
            p.name,
            super::text::signed(p.score)
        )),
        (_, Some(p), _) => q.push(format!(
            "{} would not sign the final text. Which change could have brought it over its bottom line, and which seat would have paid for it?",
            p.name
        )),
        _ => {}
    }
    if let Some(tp) = d.turning_points.iter().max_by(|a, b| {
        (a.after - a.before)
            .abs()
            .total_cmp(&(b.after - b.before).abs())
    }) {
        q.push(format!(
            "Round {} moved the chance of a deal from {} to {}. What happened, and could the table have seen it coming?",
            tp.round,
            super::text::percent(tp.before),
            super::text::percent(tp.after)
        ));
    }
    if let Some(c) = d
        .contributions
        .iter()
        .filter(|c| c.adopted > 0)
        .max_by_key(|c| c.adopted)
    {
        q.push(format!(
            "The draft took {} proposal{} from {}. What made {} acceptable to whoever held the pen?",
            c.adopted,
            if c.adopted == 1 { "" } else { "s" },
            d.party_name(&c.party),
            if c.adopted == 1 { "it" } else { "them" }
        ));
    }
    q.push("Playing your seat again, what would you do differently in the first round?".into());
    q
}

/// The turning points of a record of the chance of a deal by round (the
/// start, then each round's end): the (at most three) rounds whose end moved
/// it by five points or more, the largest moves, in round order, each with
/// the chance before and after. The report lists them; the charts mark them.
pub fn turning_rounds(likelihood: &[(u32, f64)]) -> Vec<(u32, f64, f64)> {
    let mut out: Vec<(u32, f64, f64)> = likelihood
        .windows(2)
        .filter(|w| (w[1].1 - w[0].1).abs() >= 0.05)
        .map(|w| (w[1].0, w[0].1, w[1].1))
        .collect();
    out.sort_by(|a, b| {
        (b.2 - b.1)
            .abs()
            .total_cmp(&(a.2 - a.1).abs())
            .then(a.0.cmp(&b.0))
    });
    out.truncate(3);
    out.sort_by_key(|t| t.0);
    out
}

/// The turning points ([`turning_rounds`]), each with what happened in it.
fn turning_points(model: &Model, game: &Game) -> Vec<TurningPoint> {
    let points: Vec<(u32, f64)> = series(game)
        .iter()
        .map(|(r, e)| (*r, e.likelihood))
        .collect();
    let lines = crate::table::narrate::journal(model, game.journal(), game.history());
    turning_rounds(&points)
        .into_iter()
        .map(|(round, before, after)| TurningPoint {
            round,
            before: r4(before),
            after: r4(after),
            events: lines
                .iter()
                .filter(|n| n.round == round)
                .filter(|n| {
                    matches!(
                        n.kind,
                        Kind::Card
                            | Kind::Agreed
                            | Kind::Revised
                            | Kind::VoteFailed
                            | Kind::Signatories
                    )
                })
                .map(|n| n.text.clone())
                .take(4)
                .collect(),
        })
        .collect()
}

/// Without a deal, who would not sign the final text and why.
fn no_deal(model: &Model, game: &Game) -> Vec<String> {
    if matches!(game.ending(), Some(Ending::Deal) | None) {
        return Vec::new();
    }
    let ev = game.evaluation();
    let r = game.reservation();
    (0..model.parties.len())
        .filter_map(|p| match ev.crossed[p] {
            Some(l) => Some(format!(
                "{} could not sign: its red line \u{201c}{}\u{201d} was crossed.",
                model.party_name(p),
                model.scenario.parties[p].red_lines[l].text
            )),
            None if ev.utility[p] < r[p] => Some(format!(
                "{} would not sign: the text was worth {} to it, below its bottom line {}.",
                model.party_name(p),
                super::text::num(ev.utility[p]),
                super::text::num(r[p])
            )),
            None => None,
        })
        .collect()
}

/// What each seat did, counted from the table's narration.
fn contributions(model: &Model, game: &Game) -> Vec<Contribution> {
    let lines = crate::table::narrate::journal(model, game.journal(), game.history());
    model
        .scenario
        .parties
        .iter()
        .map(|party| {
            let mine = |n: &&Narration| n.party.as_deref() == Some(party.id.as_str());
            let count = |f: &dyn Fn(&Narration) -> bool| {
                lines.iter().filter(mine).filter(|n| f(n)).count() as u32
            };
            Contribution {
                party: party.id.clone(),
                proposals: count(&|n| {
                    (n.kind == Kind::Stance
                        && (n.detail.starts_with("propose") || n.detail == "strike"))
                        || (n.kind == Kind::Package && !n.detail.is_empty())
                }),
                adopted: count(&|n| n.kind == Kind::Revised),
                votes_called: count(&|n| n.kind == Kind::VoteCalled),
                signed: count(&|n| n.kind == Kind::Vote && n.detail == "sign"),
                refused: count(&|n| n.kind == Kind::Vote && n.detail == "refuse"),
                actions: count(&|n| n.kind == Kind::Diplomacy),
            }
        })
        .collect()
}

fn seats(model: &Model, save: &Save) -> Vec<Seat> {
    model
        .scenario
        .parties
        .iter()
        .map(|p| Seat {
            party: p.id.clone(),
            name: p.name.clone(),
            policy: save.seats.iter().find(|(id, _)| *id == p.id).map_or_else(
                || "unrecorded".into(),
                |(_, policy)| crate::text::clean_line(policy).into_owned(),
            ),
        })
        .collect()
}

fn outcome(model: &Model, game: &Game) -> Outcome {
    let round = game.round();
    let (ending, text) = match game.ending() {
        None => (
            "in_progress".to_string(),
            format!("In progress: round {round} of {}.", game.deadline()),
        ),
        Some(e) => {
            let text = match e {
                Ending::Deal => format!("Deal: every needed signature was in by round {round}."),
                Ending::Rejected => format!(
                    "No deal: signed in round {round}, then rejected at {}.",
                    model
                        .scenario
                        .rules
                        .ratification
                        .as_ref()
                        .map_or("the vote at home", |r| r.name.as_str())
                ),
                Ending::DeadlinePassed => {
                    format!("No deal: the deadline passed after round {round}.")
                }
                Ending::WalkOut { party } => {
                    format!(
                        "No deal: {} walked out in round {round}.",
                        model.party_name(party)
                    )
                }
                Ending::Collapse { condition } => {
                    let why = model
                        .collapse_text(condition)
                        .unwrap_or("a collapse condition held");
                    format!("No deal: the talks collapsed in round {round} ({why}).")
                }
            };
            (e.name().to_string(), text)
        }
    };
    Outcome {
        ending,
        text,
        round,
        deadline: game.deadline(),
    }
}

/// The history, plus the final state when it moved after the last round end
/// (a deal signed mid-round, a walk-out, an event card).
fn series(game: &Game) -> Vec<(u32, Evaluation)> {
    let mut points: Vec<(u32, Evaluation)> = game.history().to_vec();
    let now = game.evaluation();
    match points.last_mut() {
        Some((round, last)) if last != now => {
            if *round == game.round() {
                *last = now.clone();
            } else {
                points.push((game.round(), now.clone()));
            }
        }
        Some(_) => {}
        None => points.push((game.round(), now.clone())),
    }
    points
}

fn point(round: u32, e: &Evaluation) -> Point {
    Point {
        round,
        values: e.metrics.iter().map(|&v| r4(v)).collect(),
        likelihood: r4(e.likelihood),
    }
}

fn party_id(model: &Model, p: usize) -> String {
    model.scenario.parties[p].id.clone()
}

/// The journal, grouped by round, without the bookkeeping events (round
/// starts and ends, turn ends).
fn timeline(model: &Model, game: &Game) -> Vec<RoundLog> {
    let mut rounds: Vec<RoundLog> = Vec::new();
    for entry in narrate::journal(model, game.journal(), game.history()) {
        if matches!(
            entry.kind,
            Kind::RoundStart | Kind::RoundEnd | Kind::TurnEnd
        ) {
            continue;
        }
        if rounds.last().is_none_or(|r| r.round != entry.round) {
            rounds.push(RoundLog {
                round: entry.round,
                entries: Vec::new(),
            });
        }
        if let Some(r) = rounds.last_mut() {
            r.entries.push(entry);
        }
    }
    rounds
}

fn results(model: &Model, game: &Game) -> Vec<PartyResult> {
    let eval = game.evaluation();
    let scores = game.scores();
    (0..model.parties.len())
        .map(|p| {
            let (utility, reservation) = match &scores {
                Some(s) => (s[p].utility, s[p].reservation),
                None => (eval.utility[p], eval.reservation[p]),
            };
            let party = &model.scenario.parties[p];
            PartyResult {
                party: party.id.clone(),
                name: party.name.clone(),
                short: party.short.clone(),
                utility: r4(utility),
                reservation: r4(reservation),
                score: r4(utility - reservation),
                would_sign: eval.would_sign(p),
            }
        })
        .collect()
}

fn red_lines(model: &Model, game: &Game) -> Vec<RedLineTouch> {
    let points = series(game);
    let mut touched: Vec<(usize, usize, Vec<u32>)> = Vec::new();
    for (round, e) in &points {
        for (p, crossed) in e.crossed.iter().enumerate() {
            let Some(line) = *crossed else { continue };
            match touched.iter_mut().find(|(q, l, _)| *q == p && *l == line) {
                Some((_, _, rounds)) => {
                    if rounds.last() != Some(round) {
                        rounds.push(*round);
                    }
                }
                None => touched.push((p, line, vec![*round])),
            }
        }
    }
    touched.sort_by_key(|(p, l, _)| (*p, *l));
    let end = game.evaluation();
    touched
        .into_iter()
        .filter_map(|(p, l, rounds)| {
            let line = model.scenario.parties[p].red_lines.get(l)?;
            Some(RedLineTouch {
                party: party_id(model, p),
                id: line.id.clone(),
                text: line.text.clone(),
                rounds,
                at_end: end.crossed[p] == Some(l),
            })
        })
        .collect()
}

fn changes(model: &Model, game: &Game) -> Vec<ClauseChange> {
    model
        .clauses
        .iter()
        .enumerate()
        .filter(|(c, cm)| game.options()[*c] != cm.initial)
        .map(|(c, cm)| {
            let clause = &model.scenario.clauses[c];
            let to = game.options()[c];
            // The last rewrite to the final wording says whose it was.
            let by = game.journal().iter().rev().find_map(|e| match *e {
                Event::ClauseRevised {
                    clause,
                    to: o,
                    proposer,
                    card,
                    ..
                } if clause == c && o == to => Some((proposer, card)),
                _ => None,
            });
            let (proposer, card) = by.unwrap_or((None, None));
            ClauseChange {
                clause: clause.id.clone(),
                number: clause.number,
                title: clause.title.clone(),
                from: model.option_id(c, cm.initial).into(),
                from_label: model.option_label(c, cm.initial).into(),
                to: model.option_id(c, to).into(),
                to_label: model.option_label(c, to).into(),
                proposed_by: proposer
                    .filter(|_| card.is_none())
                    .map(|p| model.scenario.parties[p].id.clone()),
                card: card.map(|e| model.scenario.events[e].title.clone()),
            }
        })
        .collect()
}

fn draft(model: &Model, game: &Game) -> Vec<ClauseState> {
    (0..model.clauses.len())
        .map(|c| {
            let clause = &model.scenario.clauses[c];
            let option = game.options()[c];
            ClauseState {
                clause: clause.id.clone(),
                number: clause.number,
                title: clause.title.clone(),
                option: model.option_id(c, option).into(),
                label: model.option_label(c, option).into(),
                status: match game.status()[c] {
                    Status::Open => "open",
                    Status::Agreed => "agreed",
                    Status::Struck => "struck",
                }
                .into(),
                changed: option != model.clauses[c].initial,
                sources: clause
                    .sources
                    .iter()
                    .chain(
                        clause
                            .variants
                            .get(option)
                            .map(|v| &v.sources)
                            .into_iter()
                            .flatten(),
                    )
                    .cloned()
                    .collect(),
            }
        })
        .collect()
}
