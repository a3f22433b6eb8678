//! Actions with ids instead of indices: the form used in saves, scripts, the
//! agent protocol and JSON output, so a log stays readable and survives a
//! reordering of the scenario file.

use super::action::{Action, Changes, Selection, Stance};
use crate::core::Model;
use serde::{Deserialize, Serialize};

/// An [`Action`] written with ids. Stances are `accept`, `reject`, `strike`,
/// `propose:VARIANT` or `accept_if:CLAUSE=VARIANT`. A package is a list of
/// `[clause, variant]` pairs (variant `struck` strikes); a revision lists the
/// indices of the proposals adopted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum NamedAction {
    Stance {
        party: String,
        clause: String,
        stance: String,
    },
    Diplomacy {
        party: String,
        action: String,
    },
    CallVote {
        party: String,
    },
    Vote {
        party: String,
        sign: bool,
    },
    WalkOut {
        party: String,
    },
    EndTurn {
        party: String,
    },
    Inject {
        event: String,
    },
    MoveDeadline {
        rounds: i32,
    },
    Table {
        party: String,
        package: Vec<(String, String)>,
    },
    Revise {
        party: String,
        adopt: Vec<usize>,
    },
}

/// A stance written as text.
pub fn stance_name(model: &Model, clause: usize, stance: Stance) -> String {
    match stance {
        Stance::Accept => "accept".into(),
        Stance::Reject => "reject".into(),
        Stance::Strike => "strike".into(),
        Stance::Propose(v) => format!("propose:{}", model.option_id(clause, v)),
        Stance::AcceptIf { clause: k, option } => format!(
            "accept_if:{}={}",
            model.scenario.clauses[k].id,
            model.option_id(k, option)
        ),
    }
}

/// Read a clause id and an option id ("struck" strikes).
pub fn parse_option(model: &Model, clause: &str, option: &str) -> Result<(usize, usize), String> {
    let c = model
        .clause_index(clause)
        .ok_or_else(|| format!("unknown clause '{clause}'"))?;
    let o = model.option_index(c, option).ok_or_else(|| {
        let known: Vec<&str> = model.scenario.clauses[c]
            .variants
            .iter()
            .map(|x| x.id.as_str())
            .collect();
        format!(
            "clause '{clause}' has no variant '{option}'; expected one of: {}, struck",
            known.join(", ")
        )
    })?;
    Ok((c, o))
}

/// Read a stance written as text.
pub fn parse_stance(model: &Model, clause: usize, text: &str) -> Result<Stance, String> {
    match text {
        "accept" => Ok(Stance::Accept),
        "reject" => Ok(Stance::Reject),
        "strike" => Ok(Stance::Strike),
        _ if text.starts_with("accept_if:") => {
            let rest = &text["accept_if:".len()..];
            let Some((k, v)) = rest.split_once('=') else {
                return Err(format!(
                    "unknown stance '{text}'; expected accept_if:CLAUSE=VARIANT"
                ));
            };
            let (clause, option) = parse_option(model, k, v)?;
            Ok(Stance::AcceptIf { clause, option })
        }
        _ => {
            let Some(v) = text.strip_prefix("propose:") else {
                return Err(format!(
                    "unknown stance '{text}'; expected accept, reject, strike, propose:VARIANT or accept_if:CLAUSE=VARIANT"
                ));
            };
            let c = &model.scenario.clauses[clause];
            c.variants
                .iter()
                .position(|x| x.id == v)
                .map(Stance::Propose)
                .ok_or_else(|| {
                    let known: Vec<&str> = c.variants.iter().map(|x| x.id.as_str()).collect();
                    format!(
                        "clause '{}' has no variant '{v}'; expected one of: {}",
                        c.id,
                        known.join(", ")
                    )
                })
        }
    }
}

impl Action {
    /// This action with ids.
    pub fn to_named(&self, model: &Model) -> NamedAction {
        let party = |p: usize| model.scenario.parties[p].id.clone();
        match *self {
            Action::Stance {
                party: p,
                clause,
                stance,
            } => NamedAction::Stance {
                party: party(p),
                clause: model.scenario.clauses[clause].id.clone(),
                stance: stance_name(model, clause, stance),
            },
            Action::Diplomacy { party: p, action } => NamedAction::Diplomacy {
                party: party(p),
                action: model.scenario.actions[action].id.clone(),
            },
            Action::CallVote { party: p } => NamedAction::CallVote { party: party(p) },
            Action::Vote { party: p, sign } => NamedAction::Vote {
                party: party(p),
                sign,
            },
            Action::WalkOut { party: p } => NamedAction::WalkOut { party: party(p) },
            Action::EndTurn { party: p } => NamedAction::EndTurn { party: party(p) },
            Action::Inject { event } => NamedAction::Inject {
                event: model.scenario.events[event].id.clone(),
            },
            Action::MoveDeadline { rounds } => NamedAction::MoveDeadline { rounds },
            Action::Table { party: p, package } => NamedAction::Table {
                party: party(p),
                package: package
                    .iter()
                    .map(|(c, o)| {
                        (
                            model.scenario.clauses[c].id.clone(),
                            model.option_id(c, o).to_string(),
                        )
                    })
                    .collect(),
            },
            Action::Revise { party: p, adopt } => NamedAction::Revise {
                party: party(p),
                adopt: adopt.iter().collect(),
            },
        }
    }
}

impl NamedAction {
    /// Resolve the ids against a scenario.
    pub fn resolve(&self, model: &Model) -> Result<Action, String> {
        let party = |id: &str| model.find_party(id);
        Ok(match self {
            NamedAction::Stance {
                party: p,
                clause,
                stance,
            } => {
                let c = model
                    .clause_index(clause)
                    .ok_or_else(|| format!("unknown clause '{clause}'"))?;
                Action::Stance {
                    party: party(p)?,
                    clause: c,
                    stance: parse_stance(model, c, stance)?,
                }
            }
            NamedAction::Diplomacy { party: p, action } => Action::Diplomacy {
                party: party(p)?,
                action: model
                    .action_index(action)
                    .ok_or_else(|| format!("unknown diplomatic action '{action}'"))?,
            },
            NamedAction::CallVote { party: p } => Action::CallVote { party: party(p)? },
            NamedAction::Vote { party: p, sign } => Action::Vote {
                party: party(p)?,
                sign: *sign,
            },
            NamedAction::WalkOut { party: p } => Action::WalkOut { party: party(p)? },
            NamedAction::EndTurn { party: p } => Action::EndTurn { party: party(p)? },
            NamedAction::Inject { event } => Action::Inject {
                event: model
                    .event_index(event)
                    .ok_or_else(|| format!("unknown event card '{event}'"))?,
            },
            NamedAction::MoveDeadline { rounds } => Action::MoveDeadline { rounds: *rounds },
            NamedAction::Table { party: p, package } => {
                let mut changes = Vec::with_capacity(package.len());
                for (c, o) in package {
                    changes.push(parse_option(model, c, o)?);
                }
                Action::Table {
                    party: party(p)?,
                    package: Changes::new(&changes).ok_or_else(|| {
                        format!(
                            "a package changes at most {} clauses",
                            crate::core::model::MAX_PACKAGE
                        )
                    })?,
                }
            }
            NamedAction::Revise { party: p, adopt } => Action::Revise {
                party: party(p)?,
                adopt: Selection::of(adopt.iter().copied()).ok_or_else(|| {
                    format!(
                        "a proposal index is at most {}",
                        super::action::MAX_PROPOSALS - 1
                    )
                })?,
            },
        })
    }
}
