//! The documentation's worked examples, recomputed with the engine. If the model
//! or the rules change, these fail until the docs are updated.

use backchannel::engine::{Action, Event, Game, Stance};
use backchannel::scenario::{Model, load_str};
use std::sync::Arc;

const ORCHARD: &str = include_str!("../examples/scenarios/orchard.ron");
const MODEL_MD: &str = include_str!("../docs/MODEL.md");
const RULES_MD: &str = include_str!("../docs/RULES.md");
const SCENARIOS_MD: &str = include_str!("../docs/SCENARIOS.md");

fn orchard() -> Arc<Model> {
    Arc::new(load_str("orchard.ron", ORCHARD).expect("the doc example loads"))
}

fn says(doc: &str, text: &str) {
    assert!(doc.contains(text), "the doc should say `{text}`");
}

#[test]
fn scenarios_md_embeds_the_example_file() {
    let start = SCENARIOS_MD.find("```ron\n").expect("a ron block") + 7;
    let end = start + SCENARIOS_MD[start..].find("```").unwrap();
    assert_eq!(&SCENARIOS_MD[start..end], ORCHARD);
}

#[test]
fn model_md_worked_example() {
    let m = orchard();
    let ev = m.evaluate(&m.initial_package());
    let [n, s, c] = [0, 1, 2];
    says(MODEL_MD, &format!("**U_north = {:.2}**", ev.utility[n]));
    says(MODEL_MD, &format!("**U_south = {:.2}**", ev.utility[s]));
    says(MODEL_MD, &format!("**U_coop = {:.2}**", ev.utility[c]));
    says(MODEL_MD, &format!("**a_north = {:.4}**", ev.acceptance[n]));
    says(MODEL_MD, &format!("**a_south = {:.4}**", ev.acceptance[s]));
    says(MODEL_MD, &format!("**a_coop = {:.4}**", ev.acceptance[c]));
    says(MODEL_MD, &format!("**trust = {:.2}**", ev.metrics[0]));
    says(MODEL_MD, &format!("**L = {:.2}%**", 100.0 * ev.likelihood));
    says(MODEL_MD, &format!("**S = {:.3}**", ev.support));

    let by_work = m.evaluate(&m.package(&[("split", "by_work")]).unwrap());
    says(
        MODEL_MD,
        &format!("**U_north = {:.2}**", by_work.utility[n]),
    );
    says(
        MODEL_MD,
        &format!("**U_south = {:.2}**", by_work.utility[s]),
    );
    says(
        MODEL_MD,
        &format!("**L = {:.2}%**", 100.0 * by_work.likelihood),
    );
    says(MODEL_MD, &format!("**S = {:.3}**", by_work.support));

    let equal = m.evaluate(&m.package(&[("split", "equal")]).unwrap());
    assert_eq!(equal.acceptance[n], 0.0);
    says(
        MODEL_MD,
        &format!("**L = {:.2}%**", 100.0 * equal.likelihood),
    );
}

/// The round of docs/RULES.md, and the breakdown quoted in docs/MODEL.md.
#[test]
fn rules_md_example_round() {
    let m = orchard();
    let mut g = Game::new(Arc::clone(&m), 1);
    let (split, pickers, fee) = (0, 1, 2);
    let stance = |party, clause, stance| Action::Stance {
        party,
        clause,
        stance,
    };
    for a in [
        stance(0, pickers, Stance::Accept),
        stance(0, split, Stance::Accept),
        Action::EndTurn { party: 0 },
        stance(1, pickers, Stance::Accept),
        stance(1, split, Stance::Propose(2)),
        stance(1, fee, Stance::Propose(1)),
        Action::EndTurn { party: 1 },
        stance(2, pickers, Stance::Accept),
        stance(2, split, Stance::Accept),
        Action::EndTurn { party: 2 },
    ] {
        g.apply(a).unwrap();
    }
    let revisions: Vec<(usize,)> = g
        .journal()
        .iter()
        .filter_map(|e| match *e {
            Event::ClauseRevised { clause, .. } => Some((clause,)),
            _ => None,
        })
        .collect();
    assert!(
        g.journal()
            .iter()
            .any(|e| matches!(e, Event::ClauseAgreed { clause, .. } if *clause == pickers))
    );
    assert_eq!(revisions.len(), 2);
    assert_eq!(revisions[0].0, split);
    assert_eq!(revisions[1].0, fee);
    says(
        RULES_MD,
        &format!(
            "deal likelihood is **{:.2}%**",
            100.0 * g.evaluation().likelihood
        ),
    );
    says(
        RULES_MD,
        &format!("Trust is **{:.2}**", g.evaluation().metrics[0]),
    );
    assert_eq!(g.round(), 2);

    let breakdown = g.explain_utility(1).render();
    says(MODEL_MD, breakdown.trim_end());
    let total: f64 = g.explain_utility(1).total();
    assert!(
        (total - g.evaluation().utility[1]).abs() < 1e-9,
        "a utility breakdown adds up"
    );
    let trust = g.explain_metric(0);
    assert!(
        (trust.total() - trust.value).abs() < 1e-9,
        "a metric breakdown adds up"
    );
}
