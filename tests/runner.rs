//! `run` and `sweep` end to end: golden transcripts, script errors, bots.

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_backchannel");
const SCENARIOS: [&str; 4] = ["plan28", "tutorial", "minsk2", "istanbul2022"];

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Golden JSON transcripts of each bundled scenario's example script.
/// `UPDATE_GOLDEN=1 cargo test --test runner` rewrites them.
#[test]
fn golden_transcripts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for sc in SCENARIOS {
        let script = format!("examples/scripts/{sc}.ron");
        let o = run(&["run", sc, "--script", &script, "--format", "json"]);
        assert!(o.status.success(), "{sc}: {}", stderr(&o));
        let got = stdout(&o);
        let last: serde_json::Value = serde_json::from_str(got.lines().last().unwrap()).unwrap();
        assert_eq!(last["kind"], "end");
        for key in ["outcome", "round", "metrics", "scores"] {
            assert!(last.get(key).is_some(), "{sc}: end line lacks {key}");
        }
        for line in got.lines() {
            serde_json::from_str::<serde_json::Value>(line).expect("every line is JSON");
        }
        let path = root.join(format!("tests/golden/{sc}.jsonl"));
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("{} missing: run with UPDATE_GOLDEN=1", path.display()));
        assert!(
            got == want,
            "{sc}: transcript differs from {}; rerun with UPDATE_GOLDEN=1 if intended",
            path.display()
        );
    }
}

#[test]
fn same_seed_same_bytes_in_every_format() {
    for format in ["text", "json", "csv"] {
        let a = run(&["run", "plan28", "--seed", "42", "--format", format]);
        let b = run(&["run", "plan28", "--seed", "42", "--format", format]);
        assert!(a.status.success(), "{}", stderr(&a));
        assert_eq!(a.stdout, b.stdout, "{format}");
    }
    let csv = stdout(&run(&["run", "tutorial", "--format", "csv"]));
    assert!(csv.starts_with("scenario,version,checksum,seed,point,round,"));
    assert!(csv.lines().count() >= 3);
}

/// `run --format csv` ends with the final state: the outcome and every
/// party's score, matching the JSON transcript's `end` line.
#[test]
fn run_csv_is_complete() {
    let csv = stdout(&run(&["run", "plan28", "--seed", "3", "--format", "csv"]));
    let json = stdout(&run(&["run", "plan28", "--seed", "3", "--format", "json"]));
    let end: serde_json::Value = serde_json::from_str(json.lines().last().unwrap()).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let last: Vec<&str> = csv.lines().last().unwrap().split(',').collect();
    let col = |name: &str| last[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(col("point"), "end");
    assert_eq!(col("seed"), "3");
    assert_eq!(col("outcome"), end["outcome"].as_str().unwrap());
    assert_eq!(col("round"), end["round"].to_string());
    for p in ["us", "ua", "ru", "eu"] {
        let want = end["scores"][p]["score"].as_f64().unwrap();
        let got: f64 = col(&format!("score_{p}")).parse().unwrap();
        assert!((got - want).abs() < 1e-9, "{p}: {got} vs {want}");
    }
    assert!(csv.lines().nth(1).unwrap().contains(",start,0,"));
}

fn bad_script(text: &str, expect: &str) {
    let dir =
        std::env::temp_dir().join(format!("bc-script-{}-{}", std::process::id(), expect.len()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.ron");
    std::fs::write(&path, text).unwrap();
    let o = run(&["run", "plan28", "--script", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{text}\n{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains(expect), "expected '{expect}' in: {err}");
    assert!(err.contains("bad.ron"), "the message names the file: {err}");
}

#[test]
fn bad_scripts_exit_2_with_a_located_message() {
    bad_script(
        r#"(rounds: [(round: 1, moves: [Stance(party: "xx", clause: "p6", stance: "accept")])])"#,
        "rounds[0].moves[0].party: unknown party 'xx'",
    );
    bad_script(
        r#"(rounds: [(round: 1, moves: [Stance(party: "ua", clause: "p99", stance: "accept")])])"#,
        "rounds[0].moves[0].clause: unknown clause 'p99'",
    );
    bad_script(
        r#"(rounds: [(round: 1, moves: [Stance(party: "ua", clause: "p6", stance: "propose:cap_9k")])])"#,
        "rounds[0].moves[0].stance: clause 'p6' has no variant 'cap_9k'",
    );
    bad_script(
        r#"(rounds: [(round: 1, moves: [Stance(party: "ua", clause: "p6", stance: "propose:drafted")])])"#,
        "rounds[0].moves[0]: illegal move in round 1",
    );
    bad_script(
        "(rounds: [(round: 1, moves: [Stance(party: \"ua\",\n  clause: ]) ])",
        "bad.ron:2:",
    );
    bad_script(
        r#"(seats: {"ua": "robot"})"#,
        "seats[\"ua\"]: unknown seat policy 'robot'",
    );
}

#[test]
fn bad_seats_exit_2() {
    let o = run(&["run", "plan28", "--seat", "zz=ai"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown party 'zz'"));
    let o = run(&["run", "plan28", "--seat", "ru=ai:saint"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown personality 'saint'"));
}

#[test]
fn example_bot_plays_a_seat() {
    let o = run(&[
        "run",
        "plan28",
        "--seat",
        "ua=exec:python3 examples/bot.py",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains(r#""party":"ua""#) && out.contains(r#""reason":"its favourite wordings""#),
        "{out}"
    );
    assert!(out.lines().last().unwrap().contains(r#""kind":"end""#));
}

#[test]
fn broken_bots_forfeit_and_the_run_goes_on() {
    for (cmd, says) in [
        ("exec:sleep 30", "did not answer within"),
        ("exec:exit 3", "forfeits"),
        (
            "exec:yes garbage",
            "lines discarded while waiting for the answer",
        ),
    ] {
        let started = std::time::Instant::now();
        let o = run(&[
            "run",
            "tutorial",
            "--seat",
            &format!("mill={cmd}"),
            "--bot-timeout",
            "0.3",
        ]);
        assert!(o.status.success(), "{cmd}: {}", stderr(&o));
        let out = stdout(&o);
        assert!(out.contains(says), "{cmd}: expected '{says}' in\n{out}");
        assert!(out.contains("== The talks end"), "{cmd}");
        assert!(started.elapsed().as_secs() < 20, "{cmd} took too long");
    }
}

#[test]
fn a_stopped_bot_says_why_once_and_later_turns_say_it_stopped_earlier() {
    let o = run(&[
        "run",
        "tutorial",
        "--seat",
        "mill=exec:sleep 30",
        "--bot-timeout",
        "0.3",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let first = "Millbrook's bot forfeits: it did not answer within 0.3 s and was stopped";
    assert_eq!(out.matches(first).count(), 1, "{out}");
    assert!(
        out.contains(
            "Millbrook's bot forfeits this turn too: earlier in the game it did not answer within 0.3 s"
        ),
        "{out}"
    );
}

#[test]
fn sweep_json_is_the_same_for_any_jobs() {
    let a = run(&[
        "sweep", "tutorial", "--runs", "300", "--seed", "9", "--jobs", "1", "--json",
    ]);
    let b = run(&[
        "sweep", "tutorial", "--runs", "300", "--seed", "9", "--jobs", "2", "--json",
    ]);
    assert!(a.status.success(), "{}", stderr(&a));
    assert_eq!(a.stdout, b.stdout);
    let v: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    for key in ["runs", "deal_rate", "outcomes", "metrics"] {
        assert!(v.get(key).is_some(), "sweep --json lacks {key}");
    }
    assert_eq!(v["runs"], 300);
}

#[test]
fn sweep_writes_one_csv_row_per_game() {
    let path = std::env::temp_dir().join(format!("bc-sweep-{}.csv", std::process::id()));
    let o = run(&[
        "sweep",
        "tutorial",
        "--runs",
        "50",
        "--csv",
        path.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = std::fs::read_to_string(&path).unwrap();
    assert_eq!(csv.lines().count(), 51);
    assert!(stdout(&o).contains("deal rate"));
}

#[test]
fn run_save_replays() {
    let path = std::env::temp_dir().join(format!("bc-run-{}.ron", std::process::id()));
    let o = run(&[
        "run",
        "tutorial",
        "--seed",
        "4",
        "--save",
        path.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let save = backchannel::save::Save::read(&path).unwrap();
    let model = std::sync::Arc::new(backchannel::scenario::open("tutorial").unwrap());
    let game = save.replay("save", model).unwrap();
    assert!(game.ending().is_some());
}

/// A bot tables a package with the named form of docs/AGENT_PROTOCOL.md; the
/// package reaches the pen-holder and nothing is forfeited.
#[test]
fn a_bot_tables_a_package() {
    if Command::new("python3").arg("-V").output().is_err() {
        eprintln!("python3 is missing: a_bot_tables_a_package skipped");
        return;
    }
    let dir = std::env::temp_dir().join(format!("bc-table-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bot = dir.join("table.py");
    std::fs::write(
        &bot,
        r#"import json, sys
for line in sys.stdin:
    msg = json.loads(line)
    if msg["type"] == "end":
        break
    if msg["type"] == "vote":
        print(json.dumps({"id": msg["id"], "sign": False}), flush=True)
    elif msg["type"] == "revise":
        print(json.dumps({"id": msg["id"], "adopt": []}), flush=True)
    elif msg["type"] == "turn":
        me = msg["party"]
        moves = []
        if msg["round"] == 1:
            moves.append({"type": "table", "party": me,
                          "package": [["p6", "cap_800k"], ["p5", "article5_like"]]})
        moves.append({"type": "end_turn", "party": me})
        print(json.dumps({"id": msg["id"], "moves": moves, "reason": "a package"}), flush=True)
"#,
    )
    .unwrap();
    let o = run(&[
        "run",
        "plan28",
        "--seed",
        "5",
        "--seat",
        &format!("ua=exec:python3 {}", bot.display()),
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(!out.contains(r#""kind":"forfeit""#), "{out}");
    let tabled = out.lines().any(|l| {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        v["kind"] == "package" && v["party"] == "ua" && v["round"] == 1
    });
    assert!(tabled, "no package narrated for ua in round 1:\n{out}");
    assert!(
        out.lines().any(|l| l.contains(r#""kind":"revision""#)),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
