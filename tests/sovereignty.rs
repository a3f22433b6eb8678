//! The flagship's sovereignty index (docs/MODEL.md, "Indices"): a text moves
//! it only through named components, so ceding the Ukrainian-held Donbas
//! scores below the status quo unless components the doc names make up for it.

use backchannel::scenario::{Model, open};

/// Sovereignty of the text with these wordings and every other clause struck
/// (nothing else agreed: the status quo of 21 November plus these changes).
fn sovereignty(m: &Model, changes: &[(&str, &str)]) -> f64 {
    let mut pkg = m.initial_package();
    for (c, clause) in m.clauses.iter().enumerate() {
        pkg.options[c] = if clause.strikable {
            clause.struck()
        } else {
            pkg.options[c]
        };
    }
    for (c, o) in changes {
        let ci = m.clause_index(c).unwrap();
        pkg.options[ci] = m.option_index(ci, o).unwrap();
    }
    let s = m.metric_index("sovereignty").unwrap();
    m.evaluate(&pkg).metrics[s]
}

/// Index points per unit of a component: weight × credibility.
fn per_unit(m: &Model, id: &str) -> f64 {
    let s = &m.scenario.metrics[m.metric_index("sovereignty").unwrap()];
    let c = s.components.iter().find(|c| c.id == id).unwrap();
    c.weight * c.credibility
}

#[test]
fn ceding_donbas_scores_below_the_status_quo_unless_components_make_up_for_it() {
    let m = open("plan28").unwrap();
    let status_quo = sovereignty(&m, &[]);
    assert!((status_quo - 55.0).abs() < 1e-9, "{status_quo}");
    // Every component is named, with a weight and a source.
    let s = &m.scenario.metrics[m.metric_index("sovereignty").unwrap()];
    assert!(s.components.len() >= 4);
    assert!(s.components.iter().all(|c| !c.sources.is_empty()));

    // The zone: Ukraine leaves 0.83% of the country and Russia returns
    // 0.46% (territory −0.37), and Kyiv's claim weakens by 2 points.
    let zone = sovereignty(&m, &[("p21", "zone_russian_police")]);
    let expect = 55.0 - 0.37 * per_unit(&m, "territory") - 2.0 * per_unit(&m, "claims");
    assert!((zone - expect).abs() < 1e-9, "{zone} vs {expect}");
    assert!(zone < status_quo);
    // The draft's recognition is worse still.
    assert!(sovereignty(&m, &[("p21", "drafted")]) < zone);

    // A guarantee (at its credibility) and the EU path are what can make up
    // for it; a declaration of sovereignty (point 1) cannot.
    assert_eq!(
        sovereignty(&m, &[("p21", "zone_russian_police"), ("p1", "drafted")]),
        zone
    );
    let guaranteed = sovereignty(
        &m,
        &[
            ("p21", "zone_russian_police"),
            ("p5", "article5_like"),
            ("p11", "drafted"),
        ],
    );
    let made_up = 7.0 * per_unit(&m, "guarantees") + 2.0 * per_unit(&m, "alignment");
    assert!((guaranteed - (zone + made_up)).abs() < 1e-9);
    assert!(guaranteed > status_quo);
    // The 600k cap weighs more than the declaration and less than nothing.
    let cap = sovereignty(&m, &[("p6", "drafted")]);
    assert!((cap - (55.0 - 2.8 * per_unit(&m, "army"))).abs() < 1e-9);
}
