//! The bundled scenarios beside the flagship: Minsk II, the Istanbul
//! communiqué and the tutorial. Each must load, its drafted text must not be
//! signable by every party (otherwise there is nothing to negotiate), and the
//! compromise package named in its `meta.notes` must be signable by all.

use backchannel::scenario::{Model, load_str};

fn load(name: &str, text: &str) -> Model {
    match load_str(name, text) {
        Ok(model) => model,
        Err(e) => panic!("{name} does not load: {e}"),
    }
}

/// Every party's id, utility, reservation and red line, for failure messages.
fn table(model: &Model, ids: &[&str], pkg: &backchannel::engine::score::Package) -> String {
    let eval = model.evaluate(pkg);
    ids.iter()
        .map(|id| {
            let p = model.party_index(id).expect("party exists");
            format!(
                "{id}: U={:.2} R={:.2} a={:.3} crossed={:?}",
                eval.utility[p], eval.reservation[p], eval.acceptance[p], eval.crossed[p]
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn check(name: &str, text: &str, parties: &[&str], compromise: &[(&str, &str)]) {
    let model = load(name, text);
    assert_eq!(model.party_count(), parties.len(), "{name}: party count");
    for id in parties {
        assert!(model.party_index(id).is_some(), "{name}: no party '{id}'");
    }

    let draft = model.initial_package();
    let refusing: Vec<&str> = parties
        .iter()
        .copied()
        .filter(|id| !model.would_sign(&draft, model.party_index(id).unwrap()))
        .collect();
    assert!(
        !refusing.is_empty(),
        "{name}: every party would sign the drafted text ({})",
        table(&model, parties, &draft)
    );

    let deal = model
        .package(compromise)
        .unwrap_or_else(|e| panic!("{name}: compromise package: {e}"));
    assert!(
        model.linkage_problem(&deal.options).is_none(),
        "{name}: the compromise breaks a linkage rule: {:?}",
        model.linkage_problem(&deal.options)
    );
    for id in parties {
        let p = model.party_index(id).unwrap();
        assert!(
            model.would_sign(&deal, p),
            "{name}: {id} would not sign the compromise ({})",
            table(&model, parties, &deal)
        );
    }

    let before = model.evaluate(&draft).likelihood;
    let after = model.evaluate(&deal).likelihood;
    assert!((0.0..=1.0).contains(&before) && (0.0..=1.0).contains(&after));
    assert!(
        after > before,
        "{name}: the compromise should be likelier than the draft ({after:.3} vs {before:.3})"
    );
}

#[test]
fn minsk2_draft_is_fragile_and_the_compromise_signs() {
    check(
        "minsk2.ron",
        include_str!("../scenarios/minsk2.ron"),
        &["ua", "ru", "sep", "normandy"],
        &[
            ("m9", "osce_border_mission"),
            ("m2", "current_line"),
            ("m8", "phased"),
        ],
    );
}

#[test]
fn minsk2_ukraine_is_the_party_that_refuses_the_draft() {
    let model = load("minsk2.ron", include_str!("../scenarios/minsk2.ron"));
    let draft = model.initial_package();
    let ua = model.party_index("ua").unwrap();
    let eval = model.evaluate(&draft);
    assert!(!eval.would_sign(ua));
    assert!(
        eval.crossed[ua].is_none(),
        "below reservation, not over a red line"
    );
    for id in ["ru", "sep", "normandy"] {
        assert!(
            eval.would_sign(model.party_index(id).unwrap()),
            "{id} signs the draft"
        );
    }
}

#[test]
fn minsk2_border_before_elections_crosses_a_separatist_red_line() {
    let model = load("minsk2.ron", include_str!("../scenarios/minsk2.ron"));
    let pkg = model.package(&[("m9", "before_elections")]).unwrap();
    let sep = model.party_index("sep").unwrap();
    assert!(model.evaluate(&pkg).crossed[sep].is_some());
}

#[test]
fn istanbul2022_draft_is_refused_by_russia_and_the_compromise_signs() {
    let model = load(
        "istanbul2022.ron",
        include_str!("../scenarios/istanbul2022.ron"),
    );
    let ru = model.party_index("ru").unwrap();
    assert!(!model.would_sign(&model.initial_package(), ru));
    check(
        "istanbul2022.ron",
        include_str!("../scenarios/istanbul2022.ron"),
        &["ua", "ru", "guarantors", "tr"],
        &[
            ("i8", "leave_north"),
            ("i9", "cap_150k"),
            ("i10", "majority"),
            ("i12", "phased_relief"),
        ],
    );
}

#[test]
fn istanbul2022_neutrality_without_a_treaty_crosses_ukraines_red_line() {
    let model = load(
        "istanbul2022.ron",
        include_str!("../scenarios/istanbul2022.ron"),
    );
    let ua = model.party_index("ua").unwrap();
    // i10 (how the guarantors decide) requires i2, so strike both.
    let pkg = model
        .package(&[("i2", "struck"), ("i10", "struck")])
        .unwrap();
    assert!(model.linkage_problem(&pkg.options).is_none());
    assert!(model.evaluate(&pkg).crossed[ua].is_some());
}

#[test]
fn tutorial_lowater_refuses_the_draft_and_two_amendments_settle_it() {
    check(
        "tutorial.ron",
        include_str!("../scenarios/tutorial.ron"),
        &["mill", "low", "board"],
        &[("t1", "even_split"), ("t2", "shared_toll")],
    );
    let model = load("tutorial.ron", include_str!("../scenarios/tutorial.ron"));
    let low = model.party_index("low").unwrap();
    assert!(!model.would_sign(&model.initial_package(), low));
}

#[test]
fn tutorial_red_lines_teach_three_kinds() {
    let model = load("tutorial.ron", include_str!("../scenarios/tutorial.ron"));
    let crossed = |changes: &[(&str, &str)], party: &str| {
        let pkg = model.package(changes).unwrap();
        model.evaluate(&pkg).crossed[model.party_index(party).unwrap()].is_some()
    };
    assert!(
        crossed(&[("t2", "free_bridge")], "mill"),
        "a variant red line"
    );
    assert!(crossed(&[("t5", "struck")], "low"), "a strike red line");
    assert!(crossed(&[("t4", "struck")], "board"), "a metric red line");
    assert!(!crossed(&[], "board"));
}

#[test]
fn bundled_scenarios_have_the_expected_ids_and_deal_metrics() {
    for (file, text, id) in [
        (
            "minsk2.ron",
            include_str!("../scenarios/minsk2.ron"),
            "minsk2",
        ),
        (
            "istanbul2022.ron",
            include_str!("../scenarios/istanbul2022.ron"),
            "istanbul2022",
        ),
        (
            "tutorial.ron",
            include_str!("../scenarios/tutorial.ron"),
            "tutorial",
        ),
    ] {
        let model = load(file, text);
        assert_eq!(model.scenario.meta.id, id, "{file}");
        assert!(
            model.deal_metric.is_some(),
            "{file}: a deal likelihood metric"
        );
    }
}
