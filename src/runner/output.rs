//! A finished game's transcript as text, JSON lines or CSV. Deterministic: no
//! clock, no hash-map order, floats rounded to four decimals.

use crate::engine::{Ending, Evaluation, Game};
use crate::scenario::Model;
use crate::table::narrate::{self, Kind, Narration};
use serde_json::{Map, Value, json};
use std::fmt::Write;

use narrate::r4;

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

fn ending_json(model: &Model, ending: &Ending, round: u32) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("outcome".into(), json!(ending.name()));
    m.insert("round".into(), json!(round));
    match *ending {
        Ending::WalkOut { party } => {
            // `party` is the older name of `walked_out` (the sweep's word).
            m.insert("party".into(), json!(model.scenario.parties[party].id));
            m.insert("walked_out".into(), json!(model.scenario.parties[party].id));
        }
        Ending::Collapse { condition } => {
            let text = model.collapse_text(condition).unwrap_or("");
            m.insert("condition".into(), json!(text));
        }
        _ => {}
    }
    m
}

/// One JSON object per line per narrated event (docs/REPORT.md: the one
/// event vocabulary), then the `end` object.
pub fn json_lines(game: &Game, stream: &[Narration]) -> String {
    let mut out = String::new();
    for line in stream {
        let _ = writeln!(out, "{}", line.json());
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
    m.insert("kind".into(), json!("end"));
    m.insert("scenario".into(), json!(model.scenario.meta.id));
    m.insert("version".into(), json!(model.scenario.meta.version));
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

/// One row per point of the game: `start` (round 0), each `round_end`, and
/// the `end` (the final text, also after a deal struck mid-round). Every row
/// carries the scenario's id, version and checksum and the seed; the `end`
/// row carries the outcome, who walked out, and each party's U, true R and
/// score (docs/SWEEPS.md lists the columns).
pub fn csv(game: &Game) -> String {
    let model = &**game.model();
    let s = &model.scenario;
    let mut out = String::from("scenario,version,checksum,seed,point,round");
    for m in &s.metrics {
        let _ = write!(out, ",{}", crate::text::csv_cell(&m.id));
    }
    out.push_str(",likelihood");
    for p in &s.parties {
        let _ = write!(out, ",acceptance_{}", p.id);
    }
    out.push_str(",outcome,walked_out");
    for p in &s.parties {
        let id = &p.id;
        let _ = write!(out, ",U_{id},R_{id},score_{id}");
    }
    out.push('\n');
    let stamp = format!(
        "{},{},{},{}",
        crate::text::csv_cell(&s.meta.id),
        crate::text::csv_cell(&s.meta.version),
        model.checksum,
        game.seed()
    );
    let row = |out: &mut String, point: &str, round: u32, eval: &Evaluation| {
        let _ = write!(out, "{stamp},{point},{round}");
        for v in &eval.metrics {
            let _ = write!(out, ",{}", r4(*v));
        }
        let _ = write!(out, ",{}", r4(eval.likelihood));
        for a in &eval.acceptance {
            let _ = write!(out, ",{}", r4(*a));
        }
    };
    let blank = ",".repeat(2 + 3 * s.parties.len());
    for (round, eval) in game.history() {
        row(
            &mut out,
            if *round == 0 { "start" } else { "round_end" },
            *round,
            eval,
        );
        out.push_str(&blank);
        out.push('\n');
    }
    row(&mut out, "end", game.round(), game.evaluation());
    match game.ending() {
        Some(e) => {
            let walked = match e {
                Ending::WalkOut { party } => s.parties[party].id.as_str(),
                _ => "",
            };
            let _ = write!(out, ",{},{}", e.name(), crate::text::csv_cell(walked));
        }
        None => out.push_str(",unfinished,"),
    }
    match game.scores() {
        Some(scores) => {
            for sc in &scores {
                let _ = write!(
                    out,
                    ",{},{},{}",
                    r4(sc.utility),
                    r4(sc.reservation),
                    r4(sc.score)
                );
            }
        }
        None => out.push_str(&",".repeat(3 * s.parties.len())),
    }
    out.push('\n');
    out
}

/// A readable transcript.
pub fn text(game: &Game, stream: &[Narration], seats: &[(String, String)]) -> String {
    let model = &**game.model();
    let s = &model.scenario;
    let mut out = String::new();
    let _ = writeln!(out, "{} — seed {}", s.meta.title, game.seed());
    let _ = writeln!(
        out,
        "scenario: {} version {} checksum {}",
        s.meta.id, s.meta.version, model.checksum
    );
    let seat_words: Vec<String> = seats.iter().map(|(p, pol)| format!("{p} {pol}")).collect();
    let _ = writeln!(out, "seats: {}", seat_words.join(", "));
    for line in stream {
        let text = &line.text;
        match line.kind {
            Kind::TurnEnd => {}
            Kind::RoundStart => {
                let _ = writeln!(out, "\n== Round {} ==", line.round);
            }
            Kind::Card => {
                let _ = writeln!(out, "  * {text}");
            }
            Kind::Agreed => {
                let _ = writeln!(out, "  = {text}");
            }
            Kind::Revised => {
                let v = |k: &str| line.values.get(k).copied().unwrap_or(0.0);
                let _ = writeln!(
                    out,
                    "  ~ {text} (support {:.2} -> {:.2})",
                    v("support_before"),
                    v("support_after")
                );
            }
            Kind::RoundEnd => {
                let metrics: Vec<String> = s
                    .metrics
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| Some(*i) != model.deal_metric)
                    .filter_map(|(_, m)| {
                        let v = line.values.get(&format!("metric.{}", m.id))?;
                        Some(format!("{} {v:.1}", m.name.to_lowercase()))
                    })
                    .collect();
                let _ = writeln!(out, "  -- {text} {}.", metrics.join(", "));
            }
            Kind::Forfeit => {
                let _ = writeln!(out, "  ! {text}");
            }
            Kind::Note => {
                let _ = writeln!(out, "  (note) {text}");
            }
            Kind::Ended => {
                let _ = writeln!(out, "\n== {text} ==");
            }
            _ => match &line.reason {
                Some(why) => {
                    let _ = writeln!(out, "  {text} ({why})");
                }
                None => {
                    let _ = writeln!(out, "  {text}");
                }
            },
        }
    }
    if let Some(scores) = game.scores() {
        let _ = writeln!(out, "Scores (utility against reservation):");
        for (p, sc) in scores.iter().enumerate() {
            let _ = writeln!(
                out,
                "  {:<28} {:+7.1}   (U {:.1}, R {:.1})",
                model.party_name(p),
                narrate::r4(sc.score),
                sc.utility,
                sc.reservation
            );
        }
    }
    out
}
