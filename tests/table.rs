//! One table drives every game: `run`, a sweep's worker and the terminal UI
//! play the same seed to the same journal; `run` and `report` speak one event
//! vocabulary; an agreed clause is reported with the wording agreed.

mod common;

use backchannel::engine::{Action, Event, Game, Stance};
use backchannel::report::{self, Format};
use backchannel::runner::{output, sweep};
use backchannel::save::Save;
use backchannel::scenario::BUNDLED;
use backchannel::table::{self, Kind, Narration, SeatPolicy, Table};
use backchannel::tui::session::Session;
use common::{model, scratch};
use std::sync::Arc;

fn ai_seats(m: &backchannel::scenario::Model) -> Vec<SeatPolicy> {
    vec![SeatPolicy::Ai(None); m.parties.len()]
}

fn run_table(source: &str, seed: u64) -> Table {
    let m = model(source);
    let mut t = Table::new(
        Arc::clone(&m),
        seed,
        ai_seats(&m),
        table::Options {
            record: true,
            ..table::Options::default()
        },
    )
    .expect("AI seats");
    t.play().expect("the game ends");
    t
}

#[test]
fn run_sweep_and_the_terminal_play_the_same_game() {
    for b in BUNDLED {
        let m = model(b.id);
        let seats = sweep::seats(&m, &[]).expect("seats");
        let mut worker = sweep::Worker::default();
        for seed in [1u64, 7, 2025] {
            let ran = run_table(b.id, seed);
            sweep::one(&m, &seats, seed, &mut worker);
            let swept = worker.game().expect("a game");
            let session = Session::new(Arc::clone(&m), b.id, seed, ai_seats(&m)).expect("seats");
            let mut n = 0;
            while session.step() {
                n += 1;
                assert!(n < 200_000, "the terminal's driver never ends");
            }
            let tui = session.table().game().journal().to_vec();
            assert_eq!(
                ran.game().journal(),
                swept.journal(),
                "{} seed {seed}: run vs sweep",
                b.id
            );
            assert_eq!(
                ran.game().journal(),
                &tui[..],
                "{} seed {seed}: run vs terminal",
                b.id
            );
            assert!(ran.game().ending().is_some());
        }
    }
}

#[test]
fn run_and_report_json_read_with_one_schema() {
    let t = run_table("plan28", 3);
    let game = t.game();
    let lines = output::json_lines(game, t.narrations());
    let mut kinds = std::collections::BTreeSet::new();
    let all: Vec<&str> = lines.lines().collect();
    for line in &all[..all.len() - 1] {
        let n: Narration = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        kinds.insert(n.kind);
    }
    assert!(kinds.contains(&Kind::Stance) && kinds.contains(&Kind::RoundEnd));
    let end: serde_json::Value = serde_json::from_str(all[all.len() - 1]).expect("end line");
    assert_eq!(end["kind"], "end");
    // The report's timeline entries are the same narrations.
    let dir = scratch("one-schema");
    let path = dir.join("t.ron");
    let seats = (0..game.model().parties.len())
        .map(|p| (game.model().scenario.parties[p].id.clone(), t.seat_label(p)))
        .collect();
    Save::of(game, "plan28", seats).write(&path).expect("save");
    let table = report::load_table(&path).expect("load");
    let json = report::render(&[table], Format::Json).expect("report");
    let v: serde_json::Value = serde_json::from_str(&json).expect("report json");
    let tables = v["tables"]
        .as_array()
        .or(v.as_array())
        .cloned()
        .unwrap_or_else(|| vec![v.clone()]);
    let mut entries = 0;
    for table in tables {
        for round in table["timeline"].as_array().expect("timeline") {
            for e in round["entries"].as_array().expect("entries") {
                let n: Narration =
                    serde_json::from_value(e.clone()).unwrap_or_else(|err| panic!("{err}: {e}"));
                assert_eq!(
                    Some(&n),
                    t.narrations()
                        .iter()
                        .find(|x| x.text == n.text && x.round == n.round && x.kind == n.kind)
                        .map(|x| {
                            // The report's narration has no reasons (a save keeps actions).
                            let _ = x;
                            &n
                        })
                );
                entries += 1;
            }
        }
    }
    assert!(entries > 10, "the report has a timeline");
}

/// Play until the talks end or round `until` starts: each party on its turn
/// takes `stance(party, clause)` on every open clause and ends its turn;
/// in a vote the first party refuses and the others sign.
fn play_until(g: &mut Game, until: u32, stance: impl Fn(usize, usize) -> Stance) {
    for _ in 0..10_000 {
        if g.round() >= until
            && matches!(g.phase(), backchannel::engine::Phase::Turns)
            && g.journal()
                .last()
                .is_some_and(|e| matches!(e, Event::RoundStarted { .. } | Event::CardFired { .. }))
        {
            return;
        }
        let Some(party) = g.to_move() else { return };
        if matches!(g.phase(), backchannel::engine::Phase::Revision { .. }) {
            // The pen writes in every proposal it can.
            let adopt = g.broker(&|_| 0.0, f64::NEG_INFINITY);
            let _ = g.apply(Action::Revise { party, adopt });
            continue;
        }
        if matches!(g.phase(), backchannel::engine::Phase::Vote { .. }) {
            let _ = g.apply(Action::Vote {
                party,
                sign: party != 0,
            });
            continue;
        }
        let open: Vec<usize> = g.open_clauses().collect();
        for clause in open {
            let _ = g.apply(Action::Stance {
                party,
                clause,
                stance: stance(party, clause),
            });
        }
        let _ = g.apply(Action::EndTurn { party });
    }
}

/// A clause agreed on one wording, reopened by a failed vote on the whole
/// draft and then rewritten: the narration of the agreement, and the report's
/// timeline, name the wording agreed then (not the final one).
#[test]
fn an_agreed_clause_is_reported_with_the_wording_agreed_then() {
    for b in BUNDLED {
        let m = model(b.id);
        for clause in 0..m.clauses.len() {
            for variant in 0..m.clauses[clause].variants {
                // Round 1: everyone accepts everything; the whole draft fails
                // its vote. Round 2: everyone proposes `variant` for `clause`.
                let mut g = Game::new(Arc::clone(&m), 1);
                let agreed_on = g.options()[clause];
                if variant == agreed_on {
                    continue;
                }
                play_until(&mut g, 2, |_, _| Stance::Accept);
                if g.ending().is_some() || !g.journal().contains(&Event::VoteFailed) {
                    continue;
                }
                play_until(&mut g, 3, |_, c| {
                    if c == clause {
                        Stance::Propose(variant)
                    } else {
                        Stance::Accept
                    }
                });
                if g.options()[clause] == agreed_on {
                    continue;
                }
                let cid = m.scenario.clauses[clause].id.as_str();
                let lines = table::narrate::journal(&m, g.journal(), g.history());
                let agreed: Vec<&Narration> = lines
                    .iter()
                    .filter(|n| n.kind == Kind::Agreed && n.clause.as_deref() == Some(cid))
                    .collect();
                assert_eq!(
                    agreed[0].option.as_deref(),
                    Some(m.option_id(clause, agreed_on))
                );
                // The report says the same.
                let dir = scratch(&format!("agreed-{}", b.id));
                let path = dir.join("t.ron");
                Save::of(&g, b.id, Vec::new()).write(&path).expect("save");
                let table = report::load_table(&path).expect("load");
                let d = report::debriefs(&[table]).expect("debrief");
                let reported: Vec<&Narration> = d[0]
                    .timeline
                    .iter()
                    .flat_map(|r| r.entries.iter())
                    .filter(|n| n.kind == Kind::Agreed && n.clause.as_deref() == Some(cid))
                    .collect();
                assert_eq!(
                    reported[0].option.as_deref(),
                    Some(m.option_id(clause, agreed_on))
                );
                assert!(
                    reported[0].text.contains(m.option_label(clause, agreed_on)),
                    "{}",
                    reported[0].text
                );
                return;
            }
        }
    }
    panic!("no scripted game reopened an agreed clause and rewrote it");
}

/// A bot hears what happened at the table in the table's own narration.
#[test]
fn a_bot_receives_the_events_since_its_last_message() {
    let dir = scratch("bot-events");
    let bot = dir.join("bot.py");
    std::fs::write(
        &bot,
        r#"import json, sys
for line in sys.stdin:
    msg = json.loads(line)
    if msg["type"] == "turn":
        kinds = sorted({e["kind"] for e in msg["events"]})
        others = [e for e in msg["events"] if e.get("party") not in (None, msg["party"]) and "reason" in e]
        print(json.dumps({"id": msg["id"], "moves": [{"type": "end_turn", "party": msg["party"]}],
                          "reason": "heard %d events (%s), %d reasons of others" % (len(msg["events"]), ",".join(kinds), len(others))}), flush=True)
    elif msg["type"] == "vote":
        print(json.dumps({"id": msg["id"], "sign": False, "reason": "heard %d events" % len(msg["events"])}), flush=True)
"#,
    )
    .expect("bot");
    let m = model("plan28");
    let mut seats = ai_seats(&m);
    let ua = m.party_index("ua").expect("ua");
    seats[ua] = SeatPolicy::Exec(format!("python3 {}", bot.display()));
    let mut t = Table::new(
        Arc::clone(&m),
        1,
        seats,
        table::Options {
            record: true,
            ..table::Options::default()
        },
    )
    .expect("seats");
    t.play().expect("the game ends");
    let reasons: Vec<&str> = t
        .narrations()
        .iter()
        .filter(|n| n.party.as_deref() == Some("ua"))
        .filter_map(|n| n.reason.as_deref())
        .filter(|r| r.starts_with("heard"))
        .collect();
    assert!(!reasons.is_empty(), "the bot played");
    assert!(
        reasons[0].contains("round_start") && reasons[0].contains("stance"),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .all(|r| r.ends_with(", 0 reasons of others") || !r.contains("reasons")),
        "{reasons:?}"
    );
    let first: usize = reasons[0]["heard ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(first > 0);
}
