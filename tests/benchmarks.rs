//! The end screen's benchmarks: the Nash share, the AI's average in the seat
//! from a seeded sweep, the best text every party would sign, and the verdict.

use backchannel::report::benchmarks::{SWEEP_RUNS, compute, verdict};
use std::sync::Arc;

#[test]
fn benchmarks_are_seeded_consistent_and_said_in_words() {
    let model = Arc::new(backchannel::scenario::open("tutorial").expect("tutorial"));
    let lines: Vec<f64> = model.parties.iter().map(|p| p.reservation).collect();
    let t = std::time::Instant::now();
    let b = compute(&model, &lines, 7);
    eprintln!("tutorial benchmarks in {:?}", t.elapsed());
    assert_eq!(b.runs, SWEEP_RUNS);
    assert_eq!(b.ai_mean.len(), model.parties.len());
    // The same seed, the same figures (a replayable benchmark).
    assert_eq!(compute(&model, &lines, 7), b);
    // The best text a party could have had with every signature is worth at
    // least its share in the Nash package (which every party signs).
    if let (Some(best), Some(nash)) = (&b.best, &b.nash) {
        for p in 0..model.parties.len() {
            assert!(best[p] + 1e-9 >= nash[p], "party {p}: {best:?} {nash:?}");
            assert!(nash[p] >= -1e-9, "the Nash package beats every bottom line");
        }
        let v = verdict(best[0] + 1.0, &b, 0);
        assert!(
            v.contains("no text everyone would sign gave you more"),
            "{v}"
        );
        let v = verdict(-1.0, &b, 0);
        assert!(v.starts_with("You ended worse off than no deal"), "{v}");
        assert!(v.contains("short of the best text"), "{v}");
    } else {
        panic!("the tutorial has a ZOPA");
    }
}
