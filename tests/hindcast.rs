//! The record against all-AI games: each real scenario's `hindcast:` checks
//! (docs/CALIBRATION.md) on a few hundred seeded games, and its deal rate.

use backchannel::runner::hindcast;
use backchannel::scenario::open;
use std::sync::Arc;

/// Every check of `id` in range over `runs` games from seed 1, and the deal
/// rate within `lo..=hi`.
fn holds(id: &str, runs: u64, (lo, hi): (f64, f64)) {
    let model = Arc::new(open(id).expect("bundled scenario"));
    assert!(!model.scenario.hindcast.is_empty(), "{id} has no hindcast");
    let report = hindcast::run(&model, runs, 1);
    let table = report.text(&model);
    for row in &report.rows {
        assert!(row.ok(), "{id}: {} outside its range\n{table}", row.id);
    }
    let rate = report.deal_rate();
    assert!(
        (lo..=hi).contains(&rate),
        "{id}: deal rate {rate:.3} outside {lo}..{hi}\n{table}"
    );
}

#[test]
fn plan28_matches_the_record() {
    holds("plan28", 400, (0.10, 0.40));
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
