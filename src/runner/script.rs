//! Script files (docs/SCRIPTS.md): seat assignments and the scripted seats'
//! moves by round, in RON. Loading checks every id against the scenario and
//! names the place of each mistake (`file:line:col` for RON syntax,
//! `file: rounds[1].moves[3].clause: …` for the rest).

use super::Policy;
use crate::ai::{Decision, Reason};
use crate::engine::named::parse_stance;
use crate::engine::{Action, Game};
use crate::scenario::{Model, parse_ron};
use serde::Deserialize;
use std::collections::BTreeMap;

/// A script as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptFile {
    /// The seed to play with (`--seed` overrides it).
    #[serde(default)]
    pub seed: Option<u64>,
    /// Seat policies by party id: "script", "ai", "ai:PERSONALITY", "exec:COMMAND".
    #[serde(default)]
    pub seats: BTreeMap<String, String>,
    #[serde(default)]
    pub rounds: Vec<RoundFile>,
}

/// The moves of one round.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundFile {
    pub round: u32,
    #[serde(default)]
    pub moves: Vec<MoveFile>,
}

/// One scripted move.
#[derive(Debug, Clone, Deserialize)]
pub enum MoveFile {
    /// `Stance(party: "ua", clause: "p6", stance: "propose:cap_800k")`.
    Stance {
        party: String,
        clause: String,
        stance: String,
    },
    /// `Diplomacy(party: "eu", action: "consult_allies")`.
    Diplomacy { party: String, action: String },
    /// `CallVote(party: "us")`: later moves of that party in the round follow the vote.
    CallVote { party: String },
    /// `Vote(party: "ua", sign: true)`: the party's answer to the next vote in the round.
    Vote { party: String, sign: bool },
    /// `WalkOut(party: "ru")`.
    WalkOut { party: String },
    /// Facilitator: `Inject(event: "geneva_talks")` at the round's start.
    Inject { event: String },
    /// Facilitator: `MoveDeadline(rounds: 2)` at the round's start.
    MoveDeadline { rounds: i32 },
}

/// A checked script, ids resolved.
#[derive(Debug, Clone)]
pub struct Plan {
    pub file: String,
    pub seed: Option<u64>,
    /// Seats the script assigns (explicitly, or "script" for every party with moves).
    pub seats: Vec<(usize, Policy)>,
    moves: Vec<PlanMove>,
}

#[derive(Debug, Clone)]
struct PlanMove {
    round: u32,
    action: Action,
    /// (index in `rounds`, index in `moves`).
    at: (usize, usize),
}

/// How far a game has got through its script.
#[derive(Debug, Clone, Default)]
pub struct Cursor {
    done: Vec<bool>,
    facilitated: u32,
}

/// Why a script cannot be used.
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptError(pub String);

/// One line without control characters: the message quotes the script's text.
impl std::fmt::Display for ScriptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::text::clean_line(&self.0))
    }
}

/// Largest script file read, in bytes.
pub const MAX_SCRIPT_BYTES: usize = 4 * 1024 * 1024;

impl Plan {
    /// Parse and check a script against a scenario.
    pub fn load(file: &str, bytes: &[u8], model: &Model) -> Result<Plan, ScriptError> {
        if bytes.len() > MAX_SCRIPT_BYTES {
            return Err(ScriptError(format!(
                "{file}: the script is {} bytes, more than the {MAX_SCRIPT_BYTES} allowed",
                bytes.len()
            )));
        }
        let raw: ScriptFile = parse_ron(file, bytes).map_err(|e| ScriptError(e.to_string()))?;
        Plan::check(file, &raw, model)
    }

    /// Check a parsed script against a scenario.
    pub fn check(file: &str, raw: &ScriptFile, model: &Model) -> Result<Plan, ScriptError> {
        let err = |path: String, msg: String| ScriptError(format!("{file}: {path}: {msg}"));
        let mut seats: Vec<(usize, Policy)> = Vec::new();
        for (id, policy) in &raw.seats {
            let p = model
                .find_party(id)
                .map_err(|e| err(format!("seats[\"{id}\"]"), e))?;
            let policy = policy
                .parse::<Policy>()
                .map_err(|e| err(format!("seats[\"{id}\"]"), e))?;
            if policy.is_human() {
                return Err(err(
                    format!("seats[\"{id}\"]"),
                    "human seats are for the terminal UI (backchannel play); use ai, ai:PERSONALITY, script or exec:COMMAND".into(),
                ));
            }
            seats.push((p, policy));
        }
        let mut moves = Vec::new();
        for (r, round) in raw.rounds.iter().enumerate() {
            if round.round == 0 {
                return Err(err(
                    format!("rounds[{r}].round"),
                    "rounds count from 1".into(),
                ));
            }
            for (i, mv) in round.moves.iter().enumerate() {
                let path = |field: &str| format!("rounds[{r}].moves[{i}]{field}");
                let party = |id: &str| model.find_party(id).map_err(|e| err(path(".party"), e));
                let action = match mv {
                    MoveFile::Stance {
                        party: p,
                        clause,
                        stance,
                    } => {
                        let c = model.clause_index(clause).ok_or_else(|| {
                            err(path(".clause"), format!("unknown clause '{clause}'"))
                        })?;
                        Action::Stance {
                            party: party(p)?,
                            clause: c,
                            stance: parse_stance(model, c, stance)
                                .map_err(|e| err(path(".stance"), e))?,
                        }
                    }
                    MoveFile::Diplomacy { party: p, action } => Action::Diplomacy {
                        party: party(p)?,
                        action: model.action_index(action).ok_or_else(|| {
                            let ids: Vec<&str> = model
                                .scenario
                                .actions
                                .iter()
                                .map(|a| a.id.as_str())
                                .collect();
                            err(
                                path(".action"),
                                format!(
                                    "unknown diplomatic action '{action}'; expected one of: {}",
                                    ids.join(", ")
                                ),
                            )
                        })?,
                    },
                    MoveFile::CallVote { party: p } => Action::CallVote { party: party(p)? },
                    MoveFile::Vote { party: p, sign } => Action::Vote {
                        party: party(p)?,
                        sign: *sign,
                    },
                    MoveFile::WalkOut { party: p } => Action::WalkOut { party: party(p)? },
                    MoveFile::Inject { event } => Action::Inject {
                        event: model.event_index(event).ok_or_else(|| {
                            err(path(".event"), format!("unknown event card '{event}'"))
                        })?,
                    },
                    MoveFile::MoveDeadline { rounds } => Action::MoveDeadline { rounds: *rounds },
                };
                if let Some(p) = action.party() {
                    match seats.iter().find(|(q, _)| *q == p) {
                        None => seats.push((p, Policy::Script)),
                        Some((_, Policy::Script)) => {}
                        Some((_, other)) => {
                            return Err(err(
                                path(".party"),
                                format!(
                                    "'{}' has scripted moves but its seat is '{other}'",
                                    model.scenario.parties[p].id
                                ),
                            ));
                        }
                    }
                }
                moves.push(PlanMove {
                    round: round.round,
                    action,
                    at: (r, i),
                });
            }
        }
        seats.sort_by_key(|(p, _)| *p);
        Ok(Plan {
            file: file.to_string(),
            seed: raw.seed,
            seats,
            moves,
        })
    }

    /// Where move `index` is written: `file: rounds[1].moves[3]`.
    pub fn locate(&self, index: usize) -> String {
        let (r, i) = self.moves[index].at;
        format!("{}: rounds[{r}].moves[{i}]", self.file)
    }
}

impl Cursor {
    fn fresh(&mut self, plan: &Plan) {
        if self.done.len() != plan.moves.len() {
            self.done = vec![false; plan.moves.len()];
        }
    }
}

/// The party's scripted moves for this point of its turn, up to and
/// including a vote call or a walk-out. They are marked as played.
pub fn turn(game: &Game, party: usize, plan: &Plan, cursor: &mut Cursor) -> Vec<(usize, Action)> {
    cursor.fresh(plan);
    let mut out = Vec::new();
    for (i, m) in plan.moves.iter().enumerate() {
        if cursor.done[i] || m.round != game.round() || m.action.party() != Some(party) {
            continue;
        }
        if matches!(m.action, Action::Vote { .. }) {
            continue;
        }
        cursor.done[i] = true;
        out.push((i, m.action));
        if matches!(m.action, Action::CallVote { .. } | Action::WalkOut { .. }) {
            break;
        }
    }
    out
}

/// The party's vote: the next scripted `Vote` of this round, or else the
/// model's rule (sign when no red line is crossed and U ≥ R).
pub fn vote(game: &Game, party: usize, plan: Option<&Plan>, cursor: &mut Cursor) -> Decision {
    if let Some(plan) = plan {
        cursor.fresh(plan);
        for (i, m) in plan.moves.iter().enumerate() {
            if !cursor.done[i]
                && m.round == game.round()
                && matches!(m.action, Action::Vote { party: p, .. } if p == party)
            {
                cursor.done[i] = true;
                return Decision {
                    action: m.action,
                    reason: Reason::Scripted,
                };
            }
        }
    }
    let sign = game.evaluation().would_sign(party);
    Decision {
        action: Action::Vote { party, sign },
        reason: Reason::Said("no scripted vote: the model's rule (no red line crossed and utility at or above reservation)".into()),
    }
}

/// The facilitator moves of the current round, once per round.
pub fn facilitator(game: &Game, plan: &Plan, cursor: &mut Cursor) -> Vec<(usize, Action)> {
    cursor.fresh(plan);
    if cursor.facilitated >= game.round() {
        return Vec::new();
    }
    cursor.facilitated = game.round();
    let mut out = Vec::new();
    for (i, m) in plan.moves.iter().enumerate() {
        if !cursor.done[i] && m.round == game.round() && m.action.party().is_none() {
            cursor.done[i] = true;
            out.push((i, m.action));
        }
    }
    out
}
