//! The debrief as data: everything a report says about one table, built from a
//! replayed [`Game`] and its [`Save`]. The renderers (Markdown, HTML, JSON,
//! CSV) only format this value, so the formats can never disagree.

use super::deal_space::DealSpace;
use crate::analysis::Advisor;
use crate::engine::{Ending, Evaluation, Game, Status};
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
    /// `deal`, `deadline`, `walkout`, `collapse`, or `in_progress`.
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

    /// The debrief of `game`, replayed from `save` (read from `table`); with
    /// an advisor for the game's scenario, the "deal space" section too.
    pub fn of(table: &str, save: &Save, game: &Game, advisor: Option<&Advisor>) -> Debrief {
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
        }
    }

    /// Whether the talks are over.
    pub fn finished(&self) -> bool {
        self.outcome.ending != "in_progress"
    }
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
            ClauseChange {
                clause: clause.id.clone(),
                number: clause.number,
                title: clause.title.clone(),
                from: model.option_id(c, cm.initial).into(),
                from_label: model.option_label(c, cm.initial).into(),
                to: model.option_id(c, to).into(),
                to_label: model.option_label(c, to).into(),
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
