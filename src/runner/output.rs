//! A finished game's transcript as text, JSON lines or CSV. Deterministic: no
//! clock, no hash-map order, floats rounded to four decimals.

use super::{Line, Transcript};
use crate::engine::{Ending, Evaluation, Event, Game};
use crate::scenario::Model;
use serde_json::{Map, Value, json};
use std::fmt::Write;

fn r4(x: f64) -> f64 {
    let v = (x * 1e4).round() / 1e4;
    if v == 0.0 { 0.0 } else { v }
}

fn metrics_json(model: &Model, eval: &Evaluation) -> Value {
    let m: Map<String, Value> = model
        .scenario
        .metrics
        .iter()
        .enumerate()
        .map(|(i, def)| (def.id.clone(), json!(r4(eval.metrics[i]))))
        .collect();
    Value::Object(m)
}

fn per_party(model: &Model, f: impl Fn(usize) -> Value) -> Value {
    let m: Map<String, Value> = (0..model.parties.len())
        .map(|p| (model.scenario.parties[p].id.clone(), f(p)))
        .collect();
    Value::Object(m)
}

/// The evaluation recorded at the end of `round`.
fn at_round(game: &Game, round: u32) -> Option<&Evaluation> {
    game.history()
        .iter()
        .rev()
        .find(|(r, _)| *r == round)
        .map(|(_, e)| e)
}

fn ending_json(model: &Model, ending: &Ending, round: u32) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("outcome".into(), json!(ending.name()));
    m.insert("round".into(), json!(round));
    match *ending {
        Ending::WalkOut { party } => {
            m.insert("party".into(), json!(model.scenario.parties[party].id));
        }
        Ending::Collapse { condition } => {
            let text = model.collapse_text(condition).unwrap_or("");
            m.insert("condition".into(), json!(text));
        }
        _ => {}
    }
    m
}

/// One JSON object per line per event, then the `end` object.
pub fn json_lines(game: &Game, transcript: &Transcript) -> String {
    let model = &**game.model();
    let s = &model.scenario;
    let pid = |p: usize| s.parties[p].id.clone();
    let cid = |c: usize| s.clauses[c].id.clone();
    let mut out = String::new();
    let mut round = 1;
    for line in &transcript.lines {
        let (event, text, reason) = match line {
            Line::Event(e) => (e, None, None),
            Line::Move {
                event,
                text,
                reason,
            } => (event, Some(text), Some(reason)),
            Line::Forfeit { party, text } => {
                let v =
                    json!({"type": "forfeit", "round": round, "party": pid(*party), "text": text});
                let _ = writeln!(out, "{v}");
                continue;
            }
        };
        let mut v = match *event {
            Event::RoundStarted { round: r } => {
                round = r;
                json!({"type": "round_start"})
            }
            Event::CardFired { event, injected } => json!({
                "type": "card", "event": s.events[event].id, "title": s.events[event].title, "injected": injected
            }),
            Event::Stance {
                party,
                clause,
                stance,
            } => json!({
                "type": "stance", "party": pid(party), "clause": cid(clause),
                "stance": crate::engine::named::stance_name(model, clause, stance)
            }),
            Event::Diplomacy { party, action } => json!({
                "type": "action", "party": pid(party), "action": s.actions[action].id
            }),
            Event::TurnEnded { party } => json!({"type": "turn_end", "party": pid(party)}),
            Event::ClauseAgreed { clause } => {
                json!({"type": "clause_agreed", "clause": cid(clause)})
            }
            Event::ClauseRevised {
                clause,
                from,
                to,
                support_before,
                support_after,
            } => json!({
                "type": "clause_revised", "clause": cid(clause),
                "from": model.option_id(clause, from), "to": model.option_id(clause, to),
                "support_before": r4(support_before), "support_after": r4(support_after)
            }),
            Event::RoundEnded { round: r } => {
                let mut m = json!({"type": "round_end"});
                if let (Some(eval), Value::Object(map)) = (at_round(game, r), &mut m) {
                    map.insert("metrics".into(), metrics_json(model, eval));
                    map.insert("likelihood".into(), json!(r4(eval.likelihood)));
                    map.insert(
                        "acceptance".into(),
                        per_party(model, |p| json!(r4(eval.acceptance[p]))),
                    );
                }
                m
            }
            Event::VoteCalled { party } => json!({"type": "vote_called", "party": party.map(pid)}),
            Event::Voted { party, sign } => {
                json!({"type": "vote", "party": pid(party), "sign": sign})
            }
            Event::VoteFailed => json!({"type": "vote_failed"}),
            Event::DeadlineMoved { deadline } => {
                json!({"type": "deadline_moved", "deadline": deadline})
            }
            Event::Ended { ending, round: r } => {
                let mut m = ending_json(model, &ending, r);
                m.insert("type".into(), json!("outcome"));
                Value::Object(m)
            }
        };
        if let Value::Object(map) = &mut v {
            if !map.contains_key("round") {
                map.insert("round".into(), json!(round));
            }
            if let Some(text) = text {
                map.insert("text".into(), json!(text));
            }
            if let Some(reason) = reason
                && !reason.is_empty()
            {
                map.insert("reason".into(), json!(reason));
            }
        }
        let _ = writeln!(out, "{v}");
    }
    let _ = writeln!(out, "{}", end_json(game));
    out
}

/// The last line of a JSON transcript.
pub fn end_json(game: &Game) -> Value {
    let model = &**game.model();
    let eval = game.evaluation();
    let mut m = match game.ending() {
        Some(e) => ending_json(model, &e, game.round()),
        None => {
            let mut m = Map::new();
            m.insert("outcome".into(), json!("unfinished"));
            m.insert("round".into(), json!(game.round()));
            m
        }
    };
    m.insert("type".into(), json!("end"));
    m.insert("scenario".into(), json!(model.scenario.meta.id));
    m.insert("checksum".into(), json!(model.checksum));
    m.insert("seed".into(), json!(game.seed()));
    m.insert("metrics".into(), metrics_json(model, eval));
    m.insert("likelihood".into(), json!(r4(eval.likelihood)));
    let scores = game.scores();
    m.insert(
        "scores".into(),
        per_party(model, |p| match &scores {
            Some(s) => json!({"utility": r4(s[p].utility), "reservation": r4(s[p].reservation), "score": r4(s[p].score)}),
            None => Value::Null,
        }),
    );
    Value::Object(m)
}

/// One row per round: the metrics, deal likelihood and each party's acceptance
/// (round 0 is the start).
pub fn csv(game: &Game) -> String {
    let model = &**game.model();
    let s = &model.scenario;
    let mut out = String::from("round");
    for m in &s.metrics {
        let _ = write!(out, ",{}", crate::text::csv_cell(&m.id));
    }
    out.push_str(",likelihood");
    for p in &s.parties {
        let _ = write!(out, ",acceptance_{}", p.id);
    }
    out.push('\n');
    for (round, eval) in game.history() {
        let _ = write!(out, "{round}");
        for v in &eval.metrics {
            let _ = write!(out, ",{}", r4(*v));
        }
        let _ = write!(out, ",{}", r4(eval.likelihood));
        for a in &eval.acceptance {
            let _ = write!(out, ",{}", r4(*a));
        }
        out.push('\n');
    }
    out
}

/// A readable transcript.
pub fn text(game: &Game, transcript: &Transcript, seats: &[(String, String)]) -> String {
    let model = &**game.model();
    let s = &model.scenario;
    let mut out = String::new();
    let _ = writeln!(out, "{} — seed {}", s.meta.title, game.seed());
    let seat_words: Vec<String> = seats.iter().map(|(p, pol)| format!("{p} {pol}")).collect();
    let _ = writeln!(out, "seats: {}", seat_words.join(", "));
    for line in &transcript.lines {
        match line {
            Line::Forfeit { text, .. } => {
                let _ = writeln!(out, "  ! {text}");
            }
            Line::Move { event, text, .. } => match event {
                Event::TurnEnded { .. } => {}
                Event::Ended { .. } => {
                    let _ = writeln!(out, "  {text}");
                    event_text(&mut out, game, event);
                }
                _ => {
                    let _ = writeln!(out, "  {text}");
                }
            },
            Line::Event(e) => event_text(&mut out, game, e),
        }
    }
    if let Some(scores) = game.scores() {
        let _ = writeln!(out, "Scores (utility against reservation):");
        for (p, sc) in scores.iter().enumerate() {
            let _ = writeln!(
                out,
                "  {:<28} {:+7.1}   (U {:.1}, R {:.1})",
                model.party_name(p),
                sc.score,
                sc.utility,
                sc.reservation
            );
        }
    }
    out
}

fn event_text(out: &mut String, game: &Game, e: &Event) {
    let model = &**game.model();
    let s = &model.scenario;
    match *e {
        Event::RoundStarted { round } => {
            let _ = writeln!(out, "\n== Round {round} ==");
        }
        Event::CardFired { event, injected } => {
            let card = &s.events[event];
            let how = if injected {
                " (played by the facilitator)"
            } else {
                ""
            };
            let _ = writeln!(out, "  * {}{how}: {}", card.title, card.text);
        }
        Event::ClauseAgreed { clause } => {
            let _ = writeln!(
                out,
                "  = {} agreed: {}",
                s.clauses[clause].id,
                model.option_label(clause, game_option_label_safe(game, clause))
            );
        }
        Event::ClauseRevised {
            clause,
            from,
            to,
            support_before,
            support_after,
        } => {
            let _ = writeln!(
                out,
                "  ~ the mediator revises {}: {} -> {} (support {:.2} -> {:.2})",
                s.clauses[clause].id,
                model.option_label(clause, from),
                model.option_label(clause, to),
                support_before,
                support_after
            );
        }
        Event::RoundEnded { round } => {
            if let Some(eval) = at_round(game, round) {
                let metrics: Vec<String> = s
                    .metrics
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| Some(*i) != model.deal_metric)
                    .map(|(i, m)| format!("{} {:.1}", m.name.to_lowercase(), eval.metrics[i]))
                    .collect();
                let _ = writeln!(
                    out,
                    "  -- end of round {round}: {}, deal likelihood {:.1}%",
                    metrics.join(", "),
                    100.0 * eval.likelihood
                );
            }
        }
        Event::VoteCalled { party: None } => {
            let _ = writeln!(
                out,
                "  Nothing is left open: the draft goes to a signing vote."
            );
        }
        Event::VoteFailed => {
            let _ = writeln!(out, "  The vote fails; the talks go on.");
        }
        Event::DeadlineMoved { deadline } => {
            let _ = writeln!(out, "  The deadline is now round {deadline}.");
        }
        Event::Ended { ending, round } => {
            let words = match ending {
                Ending::Deal => "a deal is signed".to_string(),
                Ending::DeadlinePassed => "the deadline passes without a deal".to_string(),
                Ending::WalkOut { party } => format!("{} walks out", model.party_name(party)),
                Ending::Collapse { condition } => format!(
                    "the talks collapse: {}",
                    model.collapse_text(condition).unwrap_or("")
                ),
            };
            let _ = writeln!(out, "\n== Outcome: {words} (round {round}) ==");
        }
        _ => {}
    }
}

/// The option a clause ended on (its label is what was agreed).
fn game_option_label_safe(game: &Game, clause: usize) -> usize {
    game.options().get(clause).copied().unwrap_or(0)
}
