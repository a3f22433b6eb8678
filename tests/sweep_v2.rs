//! Sweeps for analysts (docs/SWEEPS.md): shards that merge into the whole
//! sweep byte for byte, grids with common random numbers, `--set`,
//! `--vary`, and the per-game and per-clause CSV.

mod common;

use common::scratch;
use std::path::Path;
use std::process::{Command, Output};

fn bc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_backchannel"))
        .args(args)
        .output()
        .expect("run backchannel")
}

fn ok(args: &[&str]) -> Vec<u8> {
    let o = bc(args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o.stdout
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn four_shards_merge_into_the_whole_sweep_byte_for_byte() {
    let d = scratch("shards");
    let base = ["sweep", "tutorial", "--runs", "1001", "--seed", "5"];
    let whole_json = ok(&[&base[..], &["--json"]].concat());
    let whole_text = ok(&base);
    let mut files = Vec::new();
    // Different --jobs per shard: the result depends on the seeds only.
    for i in 1..=4 {
        let shard = format!("{i}/4");
        let jobs = format!("{}", 1 + i % 2);
        let out = ok(&[&base[..], &["--shard", &shard, "--jobs", &jobs]].concat());
        let f = d.join(format!("shard{i}.json"));
        std::fs::write(&f, out).unwrap();
        files.push(f);
    }
    // Any order of the files.
    let shuffled = [&files[2], &files[0], &files[3], &files[1]];
    let mut args = vec!["merge", "--json"];
    args.extend(shuffled.iter().map(|p| s(p)));
    assert_eq!(ok(&args), whole_json, "merge --json vs sweep --json");
    let mut args = vec!["merge"];
    args.extend(files.iter().map(|p| s(p)));
    assert_eq!(ok(&args), whole_text, "merge vs sweep");
    // A missing or repeated shard is refused.
    let o = bc(&["merge", s(&files[0]), s(&files[1]), s(&files[2])]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("shard 4/4 is missing"));
    let o = bc(&[
        "merge",
        s(&files[0]),
        s(&files[0]),
        s(&files[2]),
        s(&files[3]),
    ]);
    assert_eq!(o.status.code(), Some(2));
    // Shards of another sweep do not mix.
    let other = d.join("other.json");
    std::fs::write(
        &other,
        ok(&[
            "sweep", "tutorial", "--runs", "1001", "--seed", "6", "--shard", "4/4",
        ]),
    )
    .unwrap();
    let o = bc(&["merge", s(&files[0]), s(&files[1]), s(&files[2]), s(&other)]);
    assert_eq!(o.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn shards_cover_every_game_once() {
    let whole: serde_json::Value =
        serde_json::from_slice(&ok(&["sweep", "tutorial", "--runs", "7", "--json"])).unwrap();
    let mut runs = 0;
    for i in 1..=10 {
        let v: serde_json::Value = serde_json::from_slice(&ok(&[
            "sweep",
            "tutorial",
            "--runs",
            "7",
            "--shard",
            &format!("{i}/10"),
        ]))
        .unwrap();
        runs += v["runs"].as_u64().unwrap();
    }
    assert_eq!(runs, whole["runs"].as_u64().unwrap());
}

#[test]
fn a_grid_cell_is_the_sweep_with_that_value_set() {
    let path = "parties.low.reservation.mean";
    let grid: serde_json::Value = serde_json::from_slice(&ok(&[
        "sweep",
        "tutorial",
        "--runs",
        "300",
        "--seed",
        "3",
        "--json",
        "--grid",
        &format!("{path}=-3,3"),
    ]))
    .unwrap();
    let cells = grid["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 2);
    for (cell, value) in cells.iter().zip(["-3", "3"]) {
        let set: serde_json::Value = serde_json::from_slice(&ok(&[
            "sweep",
            "tutorial",
            "--runs",
            "300",
            "--seed",
            "3",
            "--json",
            "--set",
            &format!("{path}={value}"),
        ]))
        .unwrap();
        assert_eq!(cell, &set, "cell {value}");
    }
    // The value matters: the two cells differ.
    assert_ne!(cells[0]["parties"], cells[1]["parties"]);
    // The text prints one row per cell.
    let text = String::from_utf8(ok(&[
        "sweep",
        "tutorial",
        "--runs",
        "50",
        "--grid",
        &format!("{path}=-3,0,3"),
        "--grid",
        "rules.rounds=3,5",
    ]))
    .unwrap();
    assert_eq!(
        text.lines().filter(|l| l.starts_with(path)).count(),
        6,
        "{text}"
    );
}

#[test]
fn bad_settings_exit_2_naming_the_path() {
    for (flag, value, expect) in [
        (
            "--set",
            "parties.nobody.reservation.mean=1",
            "parties.nobody",
        ),
        ("--set", "parties.low.reservation.meen=1", "meen"),
        (
            "--set",
            "parties.low.reservation.mean=high",
            "expects a number",
        ),
        ("--set", "rules.rounds=0", "rules"),
        ("--set", "noequals", "PATH=VALUE"),
        ("--grid", "rules.rounds=3,,5", "empty value"),
        ("--vary", "parties.low.name=1..2", "not a number"),
        ("--vary", "parties.low.reservation.mean=5..1", "LO < HI"),
        ("--shard", "0/4", "--shard"),
        ("--shard", "5/4", "--shard"),
    ] {
        let o = bc(&["sweep", "tutorial", "--runs", "3", flag, value]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{flag} {value}: {err}");
        assert!(err.contains(expect), "{flag} {value}: {err}");
    }
    let o = bc(&["analyze", "tutorial", "--set", "clauses.t9.strikable=false"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("clauses.t9"));
}

#[test]
fn analyze_set_changes_the_analysis() {
    let a = ok(&["analyze", "tutorial", "--json"]);
    let b = ok(&[
        "analyze",
        "tutorial",
        "--json",
        "--set",
        "parties.low.reservation.mean=-50",
    ]);
    let (a, b): (serde_json::Value, serde_json::Value) = (
        serde_json::from_slice(&a).unwrap(),
        serde_json::from_slice(&b).unwrap(),
    );
    assert_ne!(a["checksum"], b["checksum"]);
    let count = |v: &serde_json::Value| -> u128 {
        match &v["zopa_count"] {
            serde_json::Value::String(s) => s.parse().unwrap(),
            n => u128::from(n.as_u64().unwrap()),
        }
    };
    assert!(
        count(&b) >= count(&a),
        "a lower bottom line cannot shrink the ZOPA"
    );
}

#[test]
fn vary_draws_per_game_and_reports_bands() {
    let args = [
        "sweep",
        "tutorial",
        "--runs",
        "400",
        "--json",
        "--vary",
        "parties.low.reservation.mean=-4..4",
    ];
    let a = ok(&args);
    assert_eq!(a, ok(&args), "deterministic");
    let v: serde_json::Value = serde_json::from_slice(&a).unwrap();
    let bands = v["bands"].as_array().unwrap();
    assert_eq!(bands.len(), 11);
    let total: u64 = bands
        .iter()
        .map(|b| b["summary"]["runs"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 400);
    assert!(
        bands
            .iter()
            .all(|b| b["summary"]["runs"].as_u64().unwrap() > 10)
    );
    // The games' seeds are those of the plain sweep (common random numbers).
    let d = scratch("vary");
    let (x, y) = (d.join("x.csv"), d.join("y.csv"));
    ok(&["sweep", "tutorial", "--runs", "20", "--csv", s(&x)]);
    ok(&[
        "sweep",
        "tutorial",
        "--runs",
        "20",
        "--csv",
        s(&y),
        "--vary",
        "parties.low.reservation.mean=-4..4",
    ]);
    let seeds = |p: &Path| -> Vec<String> {
        std::fs::read_to_string(p)
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(1).unwrap().to_string())
            .collect()
    };
    assert_eq!(seeds(&x), seeds(&y));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn csv_rows_agree_with_the_summary() {
    let d = scratch("csv");
    let (games, clauses) = (d.join("games.csv"), d.join("clauses.csv"));
    let out = ok(&[
        "sweep",
        "tutorial",
        "--runs",
        "120",
        "--json",
        "--csv",
        s(&games),
        "--clauses-csv",
        s(&clauses),
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let text = std::fs::read_to_string(&games).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    for col in [
        "game",
        "seed",
        "scenario",
        "version",
        "checksum",
        "outcome",
        "walked_out",
        "rounds",
        "votes_called",
        "votes_failed",
        "U_mill",
        "R_mill",
        "a_mill",
        "score_mill",
        "nash_distance",
        "clause_t1",
    ] {
        assert!(header.contains(&col), "no column {col}");
    }
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 120);
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let deals = rows.iter().filter(|r| r[col("outcome")] == "deal").count();
    assert_eq!(v["outcomes"]["deal"]["count"], deals as u64);
    for r in &rows {
        let walked = r[col("walked_out")];
        assert_eq!(walked.is_empty(), r[col("outcome")] != "walkout");
        assert_eq!(
            r[col("checksum")],
            v["scenario"]["checksum"].as_str().unwrap()
        );
        assert!(r[col("nash_distance")].parse::<usize>().is_ok());
    }
    let t1 = rows
        .iter()
        .filter(|r| r[col("clause_t1")] == "even_split")
        .count();
    assert_eq!(v["final_wording"]["t1"]["even_split"]["count"], t1 as u64);
    let mean_score: f64 = rows
        .iter()
        .map(|r| r[col("score_mill")].parse::<f64>().unwrap())
        .sum::<f64>()
        / 120.0;
    let reported = v["parties"]["mill"]["score"]["mean"].as_f64().unwrap();
    assert!(
        (mean_score - reported).abs() < 1e-3,
        "{mean_score} vs {reported}"
    );
    // Long form: one row per game and clause.
    let long = std::fs::read_to_string(&clauses).unwrap();
    assert_eq!(long.lines().count(), 1 + 120 * 5);
    assert!(
        long.starts_with(
            "game,seed,scenario,version,checksum,outcome,clause,wording,nash_wording\n"
        )
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn every_summary_says_what_it_is_about() {
    let v: serde_json::Value =
        serde_json::from_slice(&ok(&["sweep", "tutorial", "--runs", "40", "--json"])).unwrap();
    for key in ["id", "version", "checksum"] {
        assert!(v["scenario"][key].is_string(), "scenario.{key}");
    }
    let deal = &v["deal"];
    let (lo, hi) = (
        deal["ci95"][0].as_f64().unwrap(),
        deal["ci95"][1].as_f64().unwrap(),
    );
    let rate = deal["rate"].as_f64().unwrap();
    assert!(lo <= rate && rate <= hi);
    assert!(v["metrics"]["goodwill"]["se"].is_number());
    assert!(v["quantiles"].as_str().unwrap().contains("type 1"));
    assert!(v.get("most_rejected").is_none());
    let shares: f64 = v["final_wording"]["t1"]
        .as_object()
        .unwrap()
        .values()
        .map(|w| w["rate"].as_f64().unwrap())
        .sum();
    assert!((shares - 1.0).abs() < 1e-3);
}
