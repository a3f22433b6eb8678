//! Calibration of the flagship scenario (`scenarios/plan28.ron`).
//!
//! The numbers in the scenario are a teaching model, but they must tell the
//! story the record tells: the US draft as written suits Washington and
//! Moscow and is refused by Kyiv and Brussels; the European counter-text is
//! refused by Moscow; and there is a text all four would sign.

use backchannel::scenario::{Model, load_str};

const TEXT: &str = include_str!("../scenarios/plan28.ron");
const PARTIES: [&str; 4] = ["us", "ua", "ru", "eu"];

/// The E3 counter-proposal of 23 November 2025, as far as the published
/// text reaches; every other point stays as drafted.
const E3: &[(&str, &str)] = &[
    ("p2", "russia_ukraine_nato"),
    ("p3", "struck"),
    ("p4", "after_signing"),
    ("p5", "article5_like"),
    ("p6", "cap_800k"),
    ("p7", "alliance_consensus"),
    ("p8", "no_permanent_peacetime"),
    ("p9", "nato_jets_poland"),
    ("p13", "relief_tied_to_compliance"),
    ("p14", "assets_frozen_until_compensation"),
    ("p21", "freeze_line_of_contact"),
    ("p24", "children_unconditional"),
    ("p25", "as_soon_as_possible"),
    ("p26", "struck"),
    ("p28", "ceasefire_on_current_line"),
];

/// The "Geneva-plus compromise" named in `meta.notes` (the Nash package of
/// `backchannel analyze plan28`): every seat would sign it at the priors.
const COMPROMISE: &[(&str, &str)] = &[
    ("p2", "russia_ukraine_nato"),
    ("p3", "struck"),
    ("p4", "separate_track"),
    ("p5", "security_framework"),
    ("p6", "cap_800k"),
    ("p7", "no_legal_renunciation"),
    ("p10", "separate_guarantee_treaty"),
    ("p13", "separate_track"),
    ("p14", "no_profit_share"),
    ("p15", "separate_track"),
    ("p20", "eu_standards"),
    ("p21", "zone_russian_police"),
    ("p24", "children_unconditional"),
    ("p25", "when_secure"),
    ("p26", "struck"),
];

fn model() -> Model {
    match load_str("plan28.ron", TEXT) {
        Ok(m) => m,
        Err(e) => panic!("plan28.ron does not load:\n{e}"),
    }
}

fn party(model: &Model, id: &str) -> usize {
    model
        .party_index(id)
        .unwrap_or_else(|| panic!("no party '{id}'"))
}

/// One line per party, printed on failure (and with `--nocapture`).
fn report(model: &Model, name: &str, pkg: &backchannel::engine::score::Package) -> String {
    let ev = model.evaluate(pkg);
    let mut out = format!("{name}: deal likelihood {:.1}%\n", 100.0 * ev.likelihood);
    for id in PARTIES {
        let p = party(model, id);
        out += &format!(
            "  {id}: U {:7.2}  R {:6.2}  a {:.3}  red line {:?}  signs {}\n",
            ev.utility[p],
            ev.reservation[p],
            ev.acceptance[p],
            ev.crossed[p],
            model.would_sign(pkg, p)
        );
    }
    out
}

#[test]
fn all_28_points_are_in_the_draft() {
    let m = model();
    for n in 1..=28 {
        let id = format!("p{n}");
        assert!(m.clause_index(&id).is_some(), "missing clause {id}");
    }
    for id in PARTIES {
        party(&m, id);
    }
    assert!(m.linkage_problem(&m.initial_package().options).is_none());
}

#[test]
fn the_draft_as_written_suits_washington_and_moscow_only() {
    let m = model();
    let pkg = m.initial_package();
    let ev = m.evaluate(&pkg);
    let why = report(&m, "drafted", &pkg);
    println!("{why}");

    assert!(
        m.would_sign(&pkg, party(&m, "us")),
        "the US should sign its own draft\n{why}"
    );
    let ru = party(&m, "ru");
    assert!(
        ev.crossed[ru].is_none(),
        "the draft crosses no Russian red line\n{why}"
    );
    assert!(
        m.would_sign(&pkg, ru),
        "Russia should sign the draft\n{why}"
    );

    for id in ["ua", "eu"] {
        let p = party(&m, id);
        assert!(
            !m.would_sign(&pkg, p),
            "{id} should refuse the draft\n{why}"
        );
        assert!(
            ev.crossed[p].is_some(),
            "the draft should cross a red line of {id}\n{why}"
        );
    }
    assert!(
        ev.likelihood <= 0.05,
        "the drafted text should have 0-5% deal likelihood\n{why}"
    );
}

#[test]
fn the_european_counter_text_is_unacceptable_to_russia() {
    let m = model();
    let pkg = m.package(E3).expect("E3 package");
    let ev = m.evaluate(&pkg);
    let why = report(&m, "E3 counter-proposal", &pkg);
    println!("{why}");

    let ru = party(&m, "ru");
    assert!(
        !m.would_sign(&pkg, ru),
        "Russia should refuse the E3 text\n{why}"
    );
    assert!(
        ev.crossed[ru].is_some(),
        "the E3 text should cross a Russian red line\n{why}"
    );
    assert!(
        m.would_sign(&pkg, party(&m, "ua")),
        "Ukraine backs the E3 text\n{why}"
    );
    assert!(
        m.would_sign(&pkg, party(&m, "eu")),
        "Europe backs its own text\n{why}"
    );
    assert!(ev.likelihood < 0.01, "{why}");
}

#[test]
fn a_compromise_exists_that_all_four_would_sign() {
    let m = model();
    let pkg = m.package(COMPROMISE).expect("compromise package");
    let ev = m.evaluate(&pkg);
    let why = report(&m, "Geneva-plus compromise", &pkg);
    println!("{why}");

    assert!(m.linkage_problem(&pkg.options).is_none(), "{why}");
    for id in PARTIES {
        let p = party(&m, id);
        assert!(
            ev.crossed[p].is_none(),
            "the compromise crosses a red line of {id}\n{why}"
        );
        assert!(
            m.would_sign(&pkg, p),
            "{id} should sign the compromise\n{why}"
        );
    }
    assert!(
        ev.likelihood >= 0.20,
        "the compromise should be at least 20% likely\n{why}"
    );
}

#[test]
fn each_pillar_of_the_compromise_matters() {
    // Put back the drafted wording of a pillar, or the European one, and a
    // seat drops out: the compromise is a real balance, not a free lunch.
    let m = model();
    let swaps: &[(&str, &str, &str)] = &[
        ("p21", "drafted", "ua"),
        ("p21", "freeze_line_of_contact", "ru"),
        ("p21", "economic_zone_referendum", "ru"),
        ("p5", "article5_like", "ru"),
        ("p7", "drafted", "eu"),
        ("p7", "alliance_consensus", "ru"),
        ("p14", "drafted", "eu"),
        ("p6", "drafted", "ua"),
        ("p26", "drafted", "ua"),
    ];
    for &(clause, variant, refuser) in swaps {
        let mut changes: Vec<(&str, &str)> = COMPROMISE
            .iter()
            .copied()
            .filter(|(c, _)| *c != clause)
            .collect();
        changes.push((clause, variant));
        let pkg = m.package(&changes).expect("variant package");
        let p = party(&m, refuser);
        assert!(
            !m.would_sign(&pkg, p),
            "{refuser} should refuse the compromise with {clause} as {variant}\n{}",
            report(&m, "variant", &pkg)
        );
    }
}

#[test]
fn red_lines_only_read_stock_metrics_and_the_draft() {
    // deal_likelihood is derived; a red line on it would be circular.
    assert!(!TEXT.contains("MetricBelow(\"deal_likelihood\""));
    assert!(!TEXT.contains("MetricAbove(\"deal_likelihood\""));
}
