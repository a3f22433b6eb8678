//! Agent protocol v2 (docs/AGENT_PROTOCOL.md) through the real binary: a bot
//! stays in step whatever stray output it prints, moves after `call_vote`
//! are played, a refused move is answered with a structured `refused`, a bot
//! can hold the pen, `end` carries the outcome and scores; and bots in
//! sweeps: long-lived, restarted after a failure, the same results for any
//! number of jobs.

#![cfg(unix)]

mod common;

use common::{scratch, write};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_backchannel");

fn python() -> bool {
    Command::new("python3")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs")
}

/// The transcript of `run --format json` as JSON values.
fn events(o: &Output) -> Vec<serde_json::Value> {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// The common part of the test bots: every stance it takes says, in its
/// reason, the round of the request it answers, so a bot out of step shows
/// as a move whose reason names another round.
const PRELUDE: &str = r#"import json, sys
def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()
def stances(msg, me):
    # Reject the first open clause it has not rejected yet: one move a turn.
    mine = msg["stances"].get(me, {})
    for cid in msg["draft"]:
        if cid not in msg["closed"] and mine.get(cid) != "reject":
            return [{"type": "stance", "party": me, "clause": cid, "stance": "reject"}]
    return []
"#;

/// Each stance of `party` in the transcript carries the round it was asked in.
fn in_step(events: &[serde_json::Value], party: &str) -> usize {
    let mut moves = 0;
    for e in events {
        if e["kind"] == "stance" && e["party"] == party {
            let round = e["round"].as_u64().unwrap();
            assert_eq!(
                e["reason"].as_str(),
                Some(format!("round {round}").as_str()),
                "a move answered another round's request: {e}"
            );
            moves += 1;
        }
    }
    moves
}

#[test]
fn a_bot_that_prints_stray_lines_stays_in_step() {
    if !python() {
        return eprintln!("python3 is missing: skipped");
    }
    let dir = scratch("stray");
    // Before every answer: a line that is not JSON, a JSON line with no id,
    // and an answer to a request that is long gone.
    let bot = write(
        &dir,
        "bot.py",
        &format!(
            r#"{PRELUDE}
for line in sys.stdin:
    msg = json.loads(line)
    if msg["type"] in ("turn", "vote"):
        print("debug: thinking about", msg["type"], flush=True)
        send({{"moves": [], "note": "no id"}})
        send({{"id": msg["id"] - 1, "moves": [{{"type": "walk_out", "party": msg["party"]}}], "sign": True}})
    if msg["type"] == "turn":
        me = msg["party"]
        send({{"id": msg["id"], "moves": stances(msg, me) + [{{"type": "end_turn", "party": me}}],
               "reason": "round %d" % msg["round"]}})
    elif msg["type"] == "vote":
        send({{"id": msg["id"], "sign": False, "reason": "round %d" % msg["round"]}})
"#
        ),
    );
    let o = run(&[
        "run",
        "plan28",
        "--seed",
        "2",
        "--seat",
        &format!("ua=exec:python3 {bot}"),
        "--format",
        "json",
    ]);
    let ev = events(&o);
    assert!(
        !ev.iter().any(|e| e["kind"] == "forfeit"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(
        !ev.iter()
            .any(|e| e["kind"] == "ended" && e["detail"] == "walkout"),
        "a stale answer was played"
    );
    let notes = ev.iter().filter(|e| e["kind"] == "note").count();
    assert!(notes >= 5, "the discarded lines are noted: {notes} notes");
    let note = ev.iter().find(|e| e["kind"] == "note").unwrap();
    assert!(
        note["text"]
            .as_str()
            .unwrap()
            .contains("3 lines discarded while waiting for the answer to request"),
        "{note}"
    );
    assert!(in_step(&ev, "ua") >= 5, "the bot played its turns");
}

#[test]
fn a_two_mib_line_forfeits_one_turn_and_the_bot_stays_in_step() {
    if !python() {
        return eprintln!("python3 is missing: skipped");
    }
    let dir = scratch("long-line");
    let bot = write(
        &dir,
        "bot.py",
        &format!(
            r#"{PRELUDE}
for line in sys.stdin:
    msg = json.loads(line)
    if msg["type"] == "turn":
        me = msg["party"]
        if msg["round"] == 1:
            # 2 MiB with a newline only at the end: never several answers.
            sys.stdout.write('{{"id": %d, "moves": [], "pad": "' % msg["id"] + "x" * (2 << 20) + '"}}\n')
            sys.stdout.flush()
        send({{"id": msg["id"], "moves": stances(msg, me) + [{{"type": "end_turn", "party": me}}],
               "reason": "round %d" % msg["round"]}})
    elif msg["type"] == "vote":
        send({{"id": msg["id"], "sign": False, "reason": "round %d" % msg["round"]}})
"#
        ),
    );
    let o = run(&[
        "run",
        "plan28",
        "--seed",
        "2",
        "--seat",
        &format!("ua=exec:python3 {bot}"),
        "--format",
        "json",
    ]);
    let ev = events(&o);
    let forfeits: Vec<_> = ev.iter().filter(|e| e["kind"] == "forfeit").collect();
    assert_eq!(forfeits.len(), 1, "one forfeit: {forfeits:?}");
    assert_eq!(forfeits[0]["round"], 1);
    let text = forfeits[0]["text"].as_str().unwrap();
    assert!(
        text.contains("sent a line longer than 1048576 bytes") && !text.contains("stopped"),
        "{text}"
    );
    // Its real answer to round 1 came after the long line: stale, discarded.
    assert!(ev.iter().any(|e| e["kind"] == "note"), "no note");
    let moves = in_step(&ev, "ua");
    assert!(moves >= 4, "the bot went on playing: {moves} moves");
    assert!(
        !ev.iter()
            .any(|e| e["kind"] == "stance" && e["party"] == "ua" && e["round"] == 1),
        "round 1 was forfeited"
    );
}

#[test]
fn moves_after_call_vote_are_played_and_refusals_are_explained() {
    if !python() {
        return eprintln!("python3 is missing: skipped");
    }
    let dir = scratch("call-vote");
    let log = dir.join("seen.jsonl");
    // Round 2: call a vote (and refuse to sign it), then a stance and an
    // illegal move (proposing the wording already drafted) in the same answer.
    // (A card in round 2 rewrites point 6, so only a rejection is sure to be legal.)
    let bot = write(
        &dir,
        "bot.py",
        &format!(
            r#"{PRELUDE}
log = open({log:?}, "w")
for line in sys.stdin:
    msg = json.loads(line)
    if msg["type"] in ("hello", "new_game", "refused", "end"):
        log.write(line); log.flush()
    if msg["type"] == "turn":
        me = msg["party"]
        moves = []
        if msg["round"] == 2 and msg["votes_left"] == 2:
            moves = [{{"type": "call_vote", "party": me}},
                     {{"type": "stance", "party": me, "clause": "p6", "stance": "reject"}},
                     {{"type": "stance", "party": me, "clause": "p1", "stance": "propose:" + msg["draft"]["p1"]}}]
        else:
            moves = [{{"type": "end_turn", "party": me}}]
        send({{"id": msg["id"], "moves": moves, "reason": "round %d" % msg["round"]}})
    elif msg["type"] == "vote":
        send({{"id": msg["id"], "sign": False}})
    elif msg["type"] == "revise":
        send({{"id": msg["id"], "adopt": []}})
"#
        ),
    );
    let o = run(&[
        "run",
        "plan28",
        "--seed",
        "4",
        "--seat",
        &format!("ua=exec:python3 {bot}"),
        "--format",
        "json",
    ]);
    let ev = events(&o);
    let at = |pred: &dyn Fn(&serde_json::Value) -> bool| ev.iter().position(pred);
    let called = at(&|e| e["kind"] == "vote_called" && e["party"] == "ua").expect("a vote called");
    let failed = at(&|e| e["kind"] == "vote_failed").expect("the vote failed");
    let stance = at(&|e| {
        e["kind"] == "stance" && e["party"] == "ua" && e["clause"] == "p6" && e["round"] == 2
    })
    .expect("the move after call_vote was played");
    assert!(
        called < failed && failed < stance,
        "{called} {failed} {stance}"
    );
    // The illegal move: one forfeit line, and a structured `refused`.
    assert!(ev.iter().any(|e| e["kind"] == "forfeit"
        && e["text"].as_str().unwrap().contains("illegal move")));
    let seen = std::fs::read_to_string(&log).unwrap();
    let refused: Vec<serde_json::Value> = seen
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|v: &serde_json::Value| v["type"] == "refused")
        .collect();
    assert_eq!(refused.len(), 1, "{seen}");
    assert_eq!(refused[0]["move"], 2, "{}", refused[0]);
    assert_eq!(refused[0]["refusal"]["kind"], "already_drafted");
    assert_eq!(refused[0]["refusal"]["clause"], "p1");
    // hello, new_game and end carry what the protocol promises.
    let msgs: Vec<serde_json::Value> = seen
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let hello = &msgs[0];
    assert_eq!(hello["type"], "hello");
    assert_eq!(hello["protocol"], 2);
    let p21 = hello["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "p21")
        .unwrap();
    assert!(p21["variants"][0]["utility"]["ru"].is_number(), "{p21}");
    assert!(p21["variants"][0]["effects"].is_object());
    let ua = hello["parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "ua")
        .unwrap();
    assert!(
        ua["weights"].as_object().is_some_and(|w| !w.is_empty()),
        "{ua}"
    );
    assert!(ua["red_lines"][0]["crossed_if"].is_object(), "{ua}");
    assert!(
        hello["combinations"]
            .as_array()
            .is_some_and(|c| !c.is_empty())
    );
    assert!(
        hello["actions"][0]["cost"].is_number() && hello["actions"][0]["from_round"].is_number()
    );
    let new_game = &msgs[1];
    assert_eq!(new_game["type"], "new_game");
    assert_eq!(new_game["seed"], 4);
    assert!(new_game["reservation"].is_number() && new_game["prior"]["mean"].is_number());
    assert!(new_game["beliefs"]["ru"]["mean"].is_number());
    let end = msgs.last().unwrap();
    assert_eq!(end["type"], "end");
    assert!(end["outcome"].is_string());
    assert!(end["scores"]["ua"]["score"].is_number(), "{end}");
}

#[test]
fn a_bot_can_hold_the_pen() {
    if !python() {
        return eprintln!("python3 is missing: skipped");
    }
    let dir = scratch("pen");
    // The US holds the pen in plan28: adopt the first proposal each round.
    let bot = write(
        &dir,
        "bot.py",
        &format!(
            r#"{PRELUDE}
for line in sys.stdin:
    msg = json.loads(line)
    if msg["type"] == "turn":
        send({{"id": msg["id"], "moves": [{{"type": "end_turn", "party": msg["party"]}}]}})
    elif msg["type"] == "vote":
        send({{"id": msg["id"], "sign": True}})
    elif msg["type"] == "revise":
        adopt = [msg["proposals"][0]["index"]] if msg["proposals"] else []
        send({{"id": msg["id"], "adopt": adopt, "reason": "the first proposal"}})
"#
        ),
    );
    let o = run(&[
        "run",
        "plan28",
        "--seed",
        "6",
        "--seat",
        &format!("us=exec:python3 {bot}"),
        "--format",
        "json",
    ]);
    let ev = events(&o);
    let done: Vec<_> = ev
        .iter()
        .filter(|e| e["kind"] == "revision_done" && e["party"] == "us")
        .collect();
    assert!(!done.is_empty(), "no revision by the bot");
    assert!(
        done.iter()
            .any(|e| e["reason"].as_str() == Some("the first proposal")),
        "{done:?}"
    );
}

/// The issue that made v2: a bot's real utility differed from the sum it
/// could see by 8–17 points. Now the hello and each request carry all of it:
/// `tests/check_utility.py` recomputes `you.utility` from them alone.
#[test]
fn the_hello_lets_a_bot_compute_its_own_utility_exactly() {
    if !python() {
        return eprintln!("python3 is missing: skipped");
    }
    let dir = scratch("utility");
    let mut files = Vec::new();
    for (seat, seed) in [("ua", "1"), ("eu", "2"), ("ru", "3"), ("us", "4")] {
        let file = dir.join(format!("{seat}.jsonl"));
        let o = run(&[
            "run",
            "plan28",
            "--seed",
            seed,
            "--seat",
            &format!(
                "{seat}=exec:tee {} | python3 examples/bot.py",
                file.display()
            ),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        files.push(file.display().to_string());
    }
    let o = Command::new("python3")
        .arg("tests/check_utility.py")
        .args(&files)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let worst: f64 = out
        .lines()
        .last()
        .and_then(|l| l.strip_prefix("worst difference "))
        .and_then(|x| x.parse().ok())
        .unwrap_or_else(|| panic!("{out}"));
    assert!(worst < 1e-3, "{out}");
    assert!(out.lines().count() == 1, "{out}");
}

/// A sweep's JSON summary, checked to have succeeded.
fn sweep(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["sweep"];
    all.extend_from_slice(args);
    all.push("--json");
    let o = run(&all);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn a_sweep_with_a_bot_is_the_same_for_any_jobs() {
    if !python() {
        return eprintln!("python3 is missing: skipped");
    }
    let bot = "mill=exec:python3 examples/bots/random_bot.py";
    let one = run(&[
        "sweep", "tutorial", "--runs", "300", "--seed", "5", "--jobs", "1", "--seat", bot, "--json",
    ]);
    let two = run(&[
        "sweep", "tutorial", "--runs", "300", "--seed", "5", "--jobs", "2", "--seat", bot, "--json",
    ]);
    assert!(
        one.status.success(),
        "{}",
        String::from_utf8_lossy(&one.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&one.stdout),
        String::from_utf8_lossy(&two.stdout)
    );
    let v: serde_json::Value = serde_json::from_slice(&one.stdout).unwrap();
    assert_eq!(v["runs"], 300);
    assert_eq!(
        v["seats"]["mill"],
        "exec:python3 examples/bots/random_bot.py"
    );
    // The bot played: no game forfeited, and not the AI's results.
    assert_eq!(v["outcomes"]["forfeit"]["count"], 0, "{v}");
    assert!(v["forfeited"]["mill"]["count"] == 0, "{v}");
    let ai = sweep(&["tutorial", "--runs", "300", "--seed", "5"]);
    assert_ne!(v["outcomes"], ai["outcomes"]);
}

#[test]
fn a_crashing_bot_in_a_sweep_forfeits_only_its_games() {
    if !python() {
        return eprintln!("python3 is missing: skipped");
    }
    let dir = scratch("crash");
    // Dies in the middle of every game whose seed is a multiple of 5.
    let bot = write(
        &dir,
        "bot.py",
        r#"import json, os, sys
seed = None
for line in sys.stdin:
    msg = json.loads(line)
    if msg["type"] == "new_game":
        seed = msg["seed"]
    elif msg["type"] == "turn":
        if seed % 5 == 0 and msg["round"] == 2:
            os._exit(3)
        print(json.dumps({"id": msg["id"], "moves": [{"type": "end_turn", "party": msg["party"]}]}), flush=True)
    elif msg["type"] == "vote":
        print(json.dumps({"id": msg["id"], "sign": True}), flush=True)
    elif msg["type"] == "revise":
        print(json.dumps({"id": msg["id"], "adopt": []}), flush=True)
"#,
    );
    let runs = 60u64;
    let crashes = (0..runs)
        .filter(|&i| backchannel::runner::game_seed(3, i).is_multiple_of(5))
        .count() as u64;
    assert!(
        crashes > 3 && crashes < 30,
        "{crashes} crashes in the schedule"
    );
    let seat = format!("mill=exec:python3 {bot}");
    let started = std::time::Instant::now();
    let a = sweep(&[
        "tutorial", "--runs", "60", "--seed", "3", "--jobs", "1", "--seat", &seat,
    ]);
    let b = sweep(&[
        "tutorial", "--runs", "60", "--seed", "3", "--jobs", "2", "--seat", &seat,
    ]);
    assert!(
        started.elapsed().as_secs() < 60,
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(a, b);
    assert_eq!(a["outcomes"]["forfeit"]["count"], crashes, "{a}");
    assert_eq!(a["forfeited"]["mill"]["count"], crashes, "{a}");
    let played: u64 = a["outcomes"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v["count"].as_u64().unwrap())
        .sum();
    assert_eq!(played, runs);
}

#[test]
fn a_bot_that_never_works_stops_the_sweep_with_a_clear_error() {
    let o = run(&[
        "sweep",
        "tutorial",
        "--runs",
        "1000",
        "--jobs",
        "1",
        "--seat",
        "mill=exec:exit 3",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("seat mill: its bot failed in 20 games in a row"),
        "{err}"
    );
}

#[test]
fn a_sweep_plays_script_seats() {
    let dir = scratch("script");
    let script = write(
        &dir,
        "script.ron",
        r#"(rounds: [(round: 1, moves: [Stance(party: "mill", clause: "t1", stance: "reject")])])"#,
    );
    let a = sweep(&[
        "tutorial", "--runs", "50", "--script", &script, "--jobs", "1",
    ]);
    let b = sweep(&[
        "tutorial", "--runs", "50", "--script", &script, "--jobs", "2",
    ]);
    assert_eq!(a, b);
    assert_eq!(a["seats"]["mill"], "script");
    let o = run(&["sweep", "tutorial", "--runs", "5", "--seat", "mill=script"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("needs --script FILE"));
}
