//! `analyze` within its budget (SPEC §9): plan28 with any utilities, and
//! generated scenarios up to 40 clauses × 2 parties and 32 × 12, give exact
//! figures or figures labelled approximate, in bounded time, and the same
//! figures on every run (the budget is counted in work, not read off a clock).

use backchannel::analysis::{self, Limits, work_for};
use backchannel::scenario::edit::{Setting, apply};
use backchannel::scenario::{Model, load_str, open};
use proptest::prelude::*;
use std::time::{Duration, Instant};

/// Analyse with a budget of `seconds`; check the time and the labels.
fn bounded(model: &Model, seconds: f64) -> analysis::Analysis {
    let draft = model.initial_package().options;
    let t = Instant::now();
    let a = analysis::analyze(
        model,
        &draft,
        Limits {
            budget: work_for(seconds),
            ..Limits::default()
        },
    );
    let took = t.elapsed();
    // Tests build with little optimisation and share the machine: the
    // release binary's table is in the issue note; here, a loose bound.
    let limit = Duration::from_secs_f64(20.0 * seconds + 10.0);
    assert!(
        took <= limit,
        "analysis took {took:?} for a {seconds} s budget"
    );
    let text = backchannel::cli::analyze::text(model, &a);
    if !a.exact {
        assert!(
            text.contains("approximate"),
            "an inexact analysis says so:\n{text}"
        );
    }
    if !a.zopa_exact {
        assert!(
            text.contains("at least"),
            "a partial count is a lower bound:\n{text}"
        );
    }
    a
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]
    /// Five utilities of the flagship changed at random.
    #[test]
    fn plan28_with_perturbed_utilities(
        edits in proptest::collection::vec((0usize..28, 0usize..4, 0usize..4, -30i32..30), 5)
    ) {
        let base = open("plan28").unwrap();
        let settings: Vec<Setting> = edits
            .iter()
            .map(|&(c, v, p, x)| {
                let clause = &base.scenario.clauses[c % base.scenario.clauses.len()];
                let variant = &clause.variants[v % clause.variants.len()];
                let party = &base.scenario.parties[p % base.scenario.parties.len()];
                Setting {
                    path: format!("clauses.{}.variants.{}.utility.{}", clause.id, variant.id, party.id),
                    value: x.to_string(),
                }
            })
            .collect();
        let model = apply(&base, &settings).unwrap();
        let a = bounded(&model, 1.0);
        let b = bounded(&model, 1.0);
        prop_assert_eq!(a.zopa_count, b.zopa_count, "deterministic");
        prop_assert_eq!(a.nash.map(|s| s.options), b.nash.map(|s| s.options));
    }
}

#[test]
fn generated_scenarios_up_to_40_by_2_and_32_by_12() {
    for (clauses, parties) in [(34, 2), (40, 2), (32, 12)] {
        let text = analysis::generate::synthetic(clauses, parties, 1);
        let model = load_str("synthetic.ron", &text).unwrap();
        let a = bounded(&model, 1.0);
        // `generate` puts a package in the ZOPA: something is always found.
        assert!(a.zopa_count > 0 && a.nash.is_some(), "{clauses}x{parties}");
    }
}
