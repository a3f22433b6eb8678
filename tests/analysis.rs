//! The analysis against brute force on small random scenarios (linkage,
//! combinations, red lines on clauses and metrics, clamped metrics), the
//! flagship's golden figures, and the CLI.

#![allow(clippy::needless_range_loop)]

use backchannel::analysis::{self, Limits, pareto, space::Space};
use backchannel::engine::score::Package;
use backchannel::scenario::{Model, load_str};
use proptest::prelude::*;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::fmt::Write;

/// A small random scenario. Numbers are multiples of 0.25 (exact in binary).
fn random_scenario(seed: u64) -> String {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    let np = r.random_range(2..=3usize);
    let nc = r.random_range(3..=7usize);
    let q = |r: &mut ChaCha8Rng, a: i32, b: i32| f64::from(r.random_range(a..=b)) * 0.25;
    let mut s = String::from(
        "(meta: (id: \"rand\", title: \"r\", summary: \"s\", date: \"\", version: \"1\"),\n",
    );
    s += "metrics: [(id: \"m\", name: \"M\", description: \"\", min: 0.0, max: 6.0, initial: 3.0), (id: \"k\", name: \"K\", description: \"\", min: -2.0, max: 2.0, initial: 0.0)],\n";
    let nv: Vec<usize> = (0..nc).map(|_| r.random_range(1..=3usize)).collect();
    let var = |r: &mut ChaCha8Rng, c: usize| -> String {
        let v = r.random_range(0..nv[c]);
        format!("Variant(\"c{c}\", \"v{v}\")")
    };
    s += "parties: [\n";
    for p in 0..np {
        let mut lines = String::new();
        for l in 0..r.random_range(0..=2) {
            let c = r.random_range(0..nc);
            let cond = match r.random_range(0..4) {
                0 => var(&mut r, c),
                1 => format!("Struck(\"c{c}\")"),
                2 => format!("MetricBelow(\"m\", {:?})", q(&mut r, 4, 16)),
                _ => format!(
                    "AllOf([{}, MetricAbove(\"k\", {:?})])",
                    var(&mut r, c),
                    q(&mut r, -4, 4)
                ),
            };
            let _ = write!(
                lines,
                "(id: \"l{p}_{l}\", text: \"t\", crossed_if: {cond}),"
            );
        }
        let _ = writeln!(
            s,
            "(id: \"p{p}\", name: \"P{p}\", short: \"P{p}\", colour: \"blue\", description: \"\", brief: \"\", red_lines: [{lines}], reservation: Some((mean: {:?}, spread: 2.0)), weights: {{\"m\": {:?}, \"k\": {:?}}}),",
            q(&mut r, -8, 12),
            q(&mut r, -4, 4),
            q(&mut r, -4, 4)
        );
    }
    s += "],\nclauses: [\n";
    for c in 0..nc {
        let util = |r: &mut ChaCha8Rng| {
            (0..np)
                .map(|p| format!("\"p{p}\": {:?}", q(r, -12, 12)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let eff = |r: &mut ChaCha8Rng| {
            format!(
                "[(metric: \"m\", delta: {:?}), (metric: \"k\", delta: {:?})]",
                f64::from(r.random_range(-3..=3)),
                f64::from(r.random_range(-2..=2))
            )
        };
        let mut vs = String::new();
        for v in 0..nv[c] {
            let mut link = String::new();
            if c > 0 && r.random_range(0..5) == 0 {
                let d = r.random_range(0..c);
                let kind = if r.random_range(0..2) == 0 {
                    "requires"
                } else {
                    "excludes"
                };
                let _ = write!(link, "{kind}: [\"c{d}\"],");
            }
            let _ = write!(
                vs,
                "(id: \"v{v}\", label: \"v{v}\", text: \"\", utility: {{{}}}, effects: {}, {link}),",
                util(&mut r),
                eff(&mut r)
            );
        }
        let strikable = r.random_range(0..4) != 0;
        let _ = writeln!(
            s,
            "(id: \"c{c}\", number: {}, title: \"C\", text: \"\", category: Process, variants: [{vs}], strikable: {strikable}, strike: (utility: {{{}}}, effects: {})),",
            c + 1,
            util(&mut r),
            eff(&mut r)
        );
    }
    s += "],\ncombinations: [\n";
    for i in 0..r.random_range(0..=2) {
        let (a, b) = (r.random_range(0..nc), r.random_range(0..nc));
        let when = format!(
            "AllOf([{}, AnyOf([{}, Struck(\"c{b}\")])])",
            var(&mut r, a),
            var(&mut r, b)
        );
        let util = (0..np)
            .map(|p| format!("\"p{p}\": {:?}", q(&mut r, -12, 12)))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(
            s,
            "(id: \"x{i}\", description: \"\", when: {when}, utility: {{{util}}}, effects: [(metric: \"m\", delta: 2.0)]),"
        );
    }
    let order = (0..np)
        .map(|p| format!("\"p{p}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(s, "],\nrules: (turn_order: [{order}], rounds: 4))");
    s
}

struct Brute {
    zopa: Vec<(Vec<usize>, Vec<f64>)>,
    feasible: Vec<(Vec<usize>, Vec<f64>)>,
}

fn brute(model: &Model) -> Brute {
    let space = Space::new(model);
    let n = model.clauses.len();
    let mut digits = vec![0usize; n];
    let mut zopa = Vec::new();
    let mut feasible = Vec::new();
    loop {
        let options: Vec<usize> = (0..n).map(|c| space.allowed[c][digits[c]]).collect();
        if model.linkage_problem(&options).is_none() {
            let ev = model.evaluate(&Package {
                options: options.clone(),
            });
            let u = ev.utility.to_vec();
            if (0..model.parties.len()).all(|p| ev.would_sign(p)) {
                zopa.push((options.clone(), u.clone()));
            }
            feasible.push((options, u));
        }
        let mut c = n;
        loop {
            if c == 0 {
                return Brute { zopa, feasible };
            }
            c -= 1;
            digits[c] += 1;
            if digits[c] < space.allowed[c].len() {
                break;
            }
            digits[c] = 0;
        }
    }
}

/// The argmax with ties (within 1e-9) broken by the lowest option vector.
fn argmax(items: &[(Vec<usize>, Vec<f64>)], f: impl Fn(&[f64]) -> f64) -> Option<(&[usize], f64)> {
    let best = items
        .iter()
        .map(|x| f(&x.1))
        .fold(f64::NEG_INFINITY, f64::max);
    items
        .iter()
        .filter(|x| f(&x.1) >= best - 1e-9 * best.abs().max(1.0))
        .map(|x| x.0.as_slice())
        .min()
        .map(|o| (o, best))
}

fn check(seed: u64, tail_max: usize) -> Result<(), TestCaseError> {
    let text = random_scenario(seed);
    let Ok(model) = load_str("rand.ron", &text) else {
        return Ok(()); // e.g. a cyclic requirement: not a scenario
    };
    let b = brute(&model);
    let np = model.parties.len();
    let res: Vec<f64> = model.parties.iter().map(|p| p.reservation).collect();
    let draft = model.initial_package().options;
    let limits = Limits {
        tail_max,
        ..Limits::default()
    };
    let a = analysis::analyze(&model, &draft, limits);
    prop_assert!(a.exact, "small spaces are exact");
    prop_assert_eq!(a.zopa_count, b.zopa.len() as u128, "ZOPA count");
    // Nash, utilitarian, KS.
    let nash = |u: &[f64]| (0..np).map(|p| (u[p] - res[p]).max(0.0)).product::<f64>();
    let sum = |u: &[f64]| u.iter().sum::<f64>();
    match argmax(&b.zopa, nash) {
        None => prop_assert!(a.nash.is_none()),
        Some((o, v)) => {
            let got = a.nash.as_ref().expect("nash");
            prop_assert!(
                (nash(&got.utility) - v).abs() <= 1e-9 * v.abs().max(1.0),
                "nash value"
            );
            prop_assert_eq!(&got.options[..], o, "nash package");
            let (uo, _) = argmax(&b.zopa, sum).expect("utilitarian");
            prop_assert_eq!(&a.utilitarian.as_ref().expect("util").options[..], uo);
            let ideal: Vec<f64> = (0..np)
                .map(|p| {
                    b.zopa
                        .iter()
                        .map(|x| x.1[p])
                        .fold(f64::NEG_INFINITY, f64::max)
                })
                .collect();
            for p in 0..np {
                prop_assert!((ideal[p] - a.ideal[p]).abs() < 1e-9, "ideal");
            }
            let ks = |u: &[f64]| {
                (0..np)
                    .map(|p| {
                        let r = ideal[p] - res[p];
                        (u[p] - res[p]) / if r > 1e-12 { r } else { 1.0 }
                    })
                    .fold(f64::INFINITY, f64::min)
            };
            let (ko, _) = argmax(&b.zopa, ks).expect("ks");
            prop_assert_eq!(
                &a.kalai_smorodinsky.as_ref().expect("ks").options[..],
                ko,
                "KS package"
            );
        }
    }
    // Pareto over every feasible package.
    let pts: Vec<f64> = b.feasible.iter().flat_map(|x| x.1.clone()).collect();
    let mut front: Vec<Vec<usize>> = pareto::skyline(&pts, np, np)
        .into_iter()
        .map(|i| b.feasible[i].0.clone())
        .collect();
    front.sort();
    let got: Vec<Vec<usize>> = a.pareto.iter().map(|s| s.options.clone()).collect();
    prop_assert_eq!(a.pareto_count, Some(front.len() as u128));
    prop_assert_eq!(got, front, "Pareto frontier");
    // Fewest changes into the ZOPA.
    let dist = b
        .zopa
        .iter()
        .map(|x| x.0.iter().zip(&draft).filter(|(a, b)| a != b).count())
        .min();
    prop_assert_eq!(a.advice.distance_to_zopa, dist, "distance to the ZOPA");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn analysis_matches_brute_force(seed in any::<u64>(), small in any::<bool>()) {
        check(seed, if small { 2 } else { 1 << 14 })?;
    }
}

#[test]
fn fast_path_agrees_with_evaluate_on_every_package() {
    // Every ZOPA package the scan reports has the utilities `Model::evaluate` gives.
    for seed in 0..40 {
        let Ok(model) = load_str("rand.ron", &random_scenario(seed)) else {
            continue;
        };
        let b = brute(&model);
        let a = analysis::analyze(
            &model,
            &model.initial_package().options,
            Limits {
                tail_max: 2,
                ..Limits::default()
            },
        );
        assert_eq!(a.zopa_count, b.zopa.len() as u128, "seed {seed}");
    }
}

#[test]
fn synthetic_scenarios_are_valid_with_a_zopa() {
    for (n, p, seed) in [(1, 2, 1), (8, 3, 2), (12, 4, 3), (16, 6, 4)] {
        let text = analysis::generate::synthetic(n, p, seed);
        let model = load_str("g.ron", &text).expect("valid");
        assert_eq!(model.clauses.len(), n);
        let a = analysis::analyze(&model, &model.initial_package().options, Limits::default());
        assert!(a.zopa_count > 0 && a.exact, "{n} {p}");
        assert_eq!(a.space_size, 1 << n);
    }
    assert_eq!(
        analysis::generate::synthetic(10, 3, 7),
        analysis::generate::synthetic(10, 3, 7)
    );
}

#[test]
fn plan28_zopa_holds_the_geneva_plus_compromise() {
    let model = backchannel::scenario::open("plan28").expect("plan28");
    // The compromise in plan28's meta.notes.
    let compromise = model
        .package(&[
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
        ])
        .expect("compromise");
    assert!((0..4).all(|p| model.would_sign(&compromise, p)));
    let advisor = analysis::Advisor::new(&model);
    let at = advisor.advise(&compromise.options);
    assert!(at.in_zopa && at.distance_to_zopa == Some(0));
    // From the text as Geneva left it (its card's cuts written in), the
    // nearest text in the ZOPA is within the compromise's distance.
    let geneva = model
        .package(&[
            ("p6", "no_cap"),
            ("p26", "struck"),
            ("p14", "no_profit_share"),
            ("p4", "separate_track"),
            ("p13", "separate_track"),
            ("p15", "separate_track"),
        ])
        .expect("geneva");
    let from_draft = advisor.advise(&geneva.options);
    assert!(!from_draft.in_zopa);
    let apart = (0..geneva.options.len())
        .filter(|&c| geneva.options[c] != compromise.options[c])
        .count();
    // The nearest-text search has a node budget; when it finds one, it is
    // no farther than the compromise.
    if let Some(d) = from_draft.distance_to_zopa {
        assert!(
            d <= apart,
            "the compromise is {apart} changes away, the nearest {d}"
        );
    }
    assert!(!from_draft.nash_diff.is_empty());
}

#[test]
fn random_scenarios_mostly_load() {
    let ok = (0..100)
        .filter(|&s| load_str("rand.ron", &random_scenario(s)).is_ok())
        .count();
    let first_err = (0..100).find_map(|s| load_str("rand.ron", &random_scenario(s)).err());
    assert!(ok >= 60, "{ok} of 100 load; first error: {first_err:?}");
}
