//! The real scenarios against the record (docs/CALIBRATION.md): every
//! hindcast check of a bundled scenario lies in its expected range over a few
//! hundred all-AI games, and the deal rate stays a game (10–60%).
//!
//! The tables in docs/CALIBRATION.md are from 10,000 games
//! (`backchannel hindcast ID --runs 10000`); these tests use fewer, so the
//! expected ranges in the scenarios leave room for sampling error.

use backchannel::runner::hindcast::{self, Report};
use backchannel::scenario::open;
use std::sync::Arc;

const RUNS: u64 = 300;

fn hindcast(id: &str) -> Report {
    let model = Arc::new(open(id).unwrap_or_else(|e| panic!("{id} does not load: {e}")));
    assert!(
        !model.scenario.hindcast.is_empty(),
        "{id}: the scenario has no hindcast checks"
    );
    let report = hindcast::run(&model, RUNS, 1);
    eprintln!("{}", report.text(&model));
    report
}

fn all_ok(id: &str, report: &Report) {
    let missed: Vec<String> = report
        .rows
        .iter()
        .filter(|r| !r.ok())
        .map(|r| {
            format!(
                "{}: {:.1}% of {} (expected {:.0}–{:.0}%)",
                r.id,
                100.0 * r.share(),
                r.count,
                100.0 * r.expect.0,
                100.0 * r.expect.1
            )
        })
        .collect();
    assert!(
        missed.is_empty(),
        "{id}: checks outside their range: {missed:?}"
    );
    let rate = report.deal_rate();
    assert!(
        (0.10..=0.60).contains(&rate),
        "{id}: deal rate {:.1}% outside 10–60%",
        100.0 * rate
    );
}

#[test]
fn minsk2_hindcast_matches_the_record() {
    let report = hindcast("minsk2");
    all_ok("minsk2", &report);
}

#[test]
fn istanbul2022_hindcast_matches_the_record() {
    let report = hindcast("istanbul2022");
    all_ok("istanbul2022", &report);
}

#[test]
fn plan28_hindcast_matches_the_record() {
    let report = hindcast("plan28");
    all_ok("plan28", &report);
    // The flagship's own band: 10–40% of games end in a ratified deal.
    assert!(report.deal_rate() <= 0.40, "{}", report.deal_rate());
}

#[test]
fn hindcast_is_deterministic() {
    let model = Arc::new(open("plan28").expect("bundled"));
    let a = hindcast::run(&model, 40, 7);
    let b = hindcast::run(&model, 40, 7);
    assert_eq!(a, b);
    // A check that reads round 2 is judged on round 2's text, not the end's:
    // the Geneva card's cuts are in every game by then.
    let cap = a.rows.iter().find(|r| r.id == "army_cap_changed").unwrap();
    assert_eq!(cap.hits, cap.count);
}

#[test]
fn plan28_class_hindcast_matches_the_record() {
    let report = hindcast("plan28-class");
    let missed: Vec<&str> = report
        .rows
        .iter()
        .filter(|r| !r.ok())
        .map(|r| r.id.as_str())
        .collect();
    assert!(missed.is_empty(), "{missed:?}");
    // Four rounds leave less time for a deal than eight: 5–40%.
    let rate = report.deal_rate();
    assert!((0.05..=0.40).contains(&rate), "{rate}");
}
