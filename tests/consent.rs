//! Per-clause consent, dissent, ratification and index components
//! (docs/RULES.md "Consent" and "Ratification", docs/MODEL.md "Indices"),
//! on the orchard fixture with small edits.

use backchannel::engine::{Action, Ending, Event, Game, Phase};
use backchannel::scenario::{Model, load_str};
use std::sync::Arc;

fn orchard(edit: impl Fn(String) -> String) -> Arc<Model> {
    let text = edit(std::fs::read_to_string("tests/fixtures/orchard.ron").unwrap());
    Arc::new(load_str("orchard-edit.ron", &text).unwrap_or_else(|e| panic!("{e}")))
}

/// North and South always sign; the co-operative's signature is needed only
/// while the 10% fee (a clause needing its consent) is in the text.
fn consent(edit: &str) -> Arc<Model> {
    let edit = edit.to_string();
    orchard(move |t| {
        let t = t
            .replace(
                "text: \"The co-operative takes a fee on each crate it sells.\",",
                "text: \"The co-operative takes a fee on each crate it sells.\", consent_of: [\"coop\"],",
            )
            .replace(
                "utility: {\"north\": 0.5, \"south\": 0.5, \"coop\": 2}),",
                "utility: {\"north\": 0.5, \"south\": 0.5, \"coop\": 2}, consent_of: Some([])),",
            )
            .replace(
                "        walkout_penalty: -1,\n",
                "        walkout_penalty: -1,\n        signatories: [\"north\", \"south\"],\n        dissent: [(metric: \"trust\", delta: -7)],\n",
            );
        let t = t.replace(
            "         trigger: Round(3), deadline: -1),\n",
            "         trigger: Round(3), deadline: -1),\n        (id: \"work_five\", title: \"W5\", text: \"w\", trigger: Manual, amend: [(\"split\", \"by_work\"), (\"fee\", \"five\")]),\n        (id: \"work_ten\", title: \"W10\", text: \"w\", trigger: Manual, amend: [(\"split\", \"by_work\"), (\"fee\", \"ten\")]),\n        (id: \"trees_five\", title: \"T5\", text: \"w\", trigger: Manual, amend: [(\"split\", \"by_trees\"), (\"fee\", \"five\")]),\n",
        );
        t.replace(
            "        walkout_penalty: -1,\n",
            &format!("        walkout_penalty: -1,\n{edit}"),
        )
    })
}

/// Write a text in with one of the fixture's manual cards, then play a vote
/// called by North in round 1 with these signatures, in voter order.
fn vote(m: &Arc<Model>, card: &str, signs: &[bool]) -> Game {
    let mut g = Game::new(Arc::clone(m), 3);
    g.apply(Action::Inject {
        event: m.event_index(card).unwrap(),
    })
    .unwrap();
    g.apply(Action::CallVote { party: 0 }).unwrap();
    for &sign in signs {
        let Phase::Vote { voters, next, .. } = g.phase().clone() else {
            break;
        };
        g.apply(Action::Vote {
            party: voters[next],
            sign,
        })
        .unwrap();
    }
    g
}

#[test]
fn consent_is_needed_only_while_its_clause_is_in_the_text() {
    let m = consent("");
    let coop = m.party_index("coop").unwrap();
    let ten = m.evaluate(&m.package(&[("fee", "ten")]).unwrap());
    assert!(ten.needs(coop));
    let e = &ten;
    let product: f64 = (0..3).map(|p| e.acceptance[p]).product();
    assert!((e.likelihood - product).abs() < 1e-12);
    for other in ["five", "struck"] {
        let e = m.evaluate(&m.package(&[("fee", other)]).unwrap());
        assert!(!e.needs(coop), "{other}");
        assert!((e.likelihood - e.acceptance[0] * e.acceptance[1]).abs() < 1e-12);
    }
}

#[test]
fn a_refusal_the_text_does_not_need_costs_trust_not_the_deal() {
    let m = consent("");
    let trust = m.metric_index("trust").unwrap();
    // Voters: north, south, coop (turn order). Coop refuses the 5% text.
    let g = vote(&m, "work_five", &[true, true, false]);
    assert_eq!(g.ending(), Some(Ending::Deal));
    assert!(g.journal().contains(&Event::Dissent { party: 2 }));
    assert_eq!(g.base()[trust], -7.0);
    // The same refusal of the 10% text, which needs the co-operative: no deal.
    let g = vote(&m, "work_ten", &[true, true, false]);
    assert_eq!(g.ending(), None);
    assert!(g.journal().contains(&Event::VoteFailed));
    assert_eq!(g.base()[trust], 0.0);
}

#[test]
fn a_signed_text_goes_home_when_it_needs_ratification() {
    for (chance, ending) in [("0.0", Ending::Rejected), ("1.0", Ending::Deal)] {
        let m = consent(&format!(
            "        ratification: Some((name: \"a village meeting\", text: \"The village votes.\", when: Variant(\"split\", \"by_work\"), chance: {chance})),\n"
        ));
        let g = vote(&m, "work_five", &[true, true, true]);
        assert_eq!(g.ending(), Some(ending), "chance {chance}");
        assert!(g
            .journal()
            .iter()
            .any(|e| matches!(e, Event::Ratification { passed, .. } if *passed == (ending == Ending::Deal))));
        // A rejected text scores as no deal.
        if ending == Ending::Rejected {
            let s = g.scores().unwrap();
            for p in 0..3 {
                assert!((s[p].utility - g.no_deal_value(p)).abs() < 1e-9);
            }
        }
        // A text the vote does not concern is not sent home.
        let g = vote(&m, "trees_five", &[true, true, true]);
        assert!(
            !g.journal()
                .iter()
                .any(|e| matches!(e, Event::Ratification { .. }))
        );
    }
}

#[test]
fn the_chance_moves_with_the_metric() {
    let m = consent(
        "        ratification: Some((name: \"v\", text: \"t\", when: Always, chance: 0.5, slopes: {\"trust\": 0.01})),\n",
    );
    let r = m.rules.ratification.as_ref().unwrap();
    let mut metrics = vec![50.0, 0.0];
    assert!((r.chance(&metrics, &m.metrics) - 0.5).abs() < 1e-12);
    metrics[0] = 40.0;
    assert!((r.chance(&metrics, &m.metrics) - 0.4).abs() < 1e-12);
    metrics[0] = 1000.0;
    assert_eq!(r.chance(&metrics, &m.metrics), 1.0);
}

#[test]
fn an_index_component_moves_its_metric_by_weight_and_credibility() {
    let m = orchard(|t| {
        t.replace(
            "min: 0, max: 100, initial: 50, divergence: 20),",
            "min: 0, max: 100, initial: 50, divergence: 20,\n         components: [(id: \"promises\", name: \"Promises\", description: \"Kept words\", weight: 2.0, credibility: 0.5)]),",
        )
        .replace(
            "(id: \"drafted\", label: \"paid first\", text: \"Pickers are paid first.\",\n             effects: [(metric: \"trust\", delta: 4)],",
            "(id: \"drafted\", label: \"paid first\", text: \"Pickers are paid first.\",\n             effects: [(metric: \"trust.promises\", delta: 4)],",
        )
    });
    let trust = m.metric_index("trust").unwrap();
    let pickers = m.clause_index("pickers").unwrap();
    // 4 units × weight 2 × credibility 0.5 = 4 points, as the plain effect was.
    assert_eq!(m.clauses[pickers].options[0].effects, vec![(trust, 4.0)]);
}

#[test]
fn an_unknown_component_is_refused_by_path() {
    let text = std::fs::read_to_string("tests/fixtures/orchard.ron")
        .unwrap()
        .replace(
            "effects: [(metric: \"trust\", delta: 4)],",
            "effects: [(metric: \"trust.nope\", delta: 4)],",
        );
    let err = load_str("bad.ron", &text).unwrap_err().to_string();
    assert!(
        err.contains("clauses[1].variants[0].effects[0].metric"),
        "{err}"
    );
    assert!(err.contains("unknown component 'nope'"), "{err}");
}
