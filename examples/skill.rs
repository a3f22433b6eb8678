//! The skill table: each reference bot and the default AI in one chair,
//! the default AI elsewhere, over many seeds; and the calibration of the
//! public deal likelihood. `cargo run --release --example skill -- plan28 ua ru`
//! (arguments: scenario, then party ids). Environment: `RUNS=2000` seeds per
//! row; `BOTS=expert,greedy` only these bots ("vs AI": the paired
//! difference from the default AI over the same seeds); `EXTRA=ai:hardliner,…` more
//! rows; `PER_PARTY=1` each signatory's own calibration too.

use backchannel::ai::bots::BotKind;
use backchannel::runner::skill;
use backchannel::scenario::open;
use backchannel::table::SeatPolicy;
use std::sync::Arc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let scenario = args.first().map_or("plan28", String::as_str);
    let model = Arc::new(open(scenario).expect("scenario"));
    let runs: u64 = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1000);
    let parties: Vec<usize> = if args.len() > 1 {
        args[1..]
            .iter()
            .map(|p| model.find_party(p).expect("party"))
            .collect()
    } else {
        (0..model.parties.len()).collect()
    };
    let base = skill::play(&model, &[], runs, 1);
    println!(
        "{scenario}: all default AI over {runs} seeds: deal rate {:.1}%",
        100.0 * skill::deal_rate(&base)
    );
    for p in parties {
        let id = &model.scenario.parties[p].id;
        println!(
            "\nseat {id} (mean score ± s.e., deal rate, clauses differing from the default AI's text)"
        );
        let mut rows = vec![("default AI".to_string(), base.clone())];
        let kinds: Vec<BotKind> = match std::env::var("BOTS") {
            Ok(list) => list.split(',').map(|k| k.parse().expect("bot")).collect(),
            Err(_) => BotKind::ALL.to_vec(),
        };
        for k in kinds {
            rows.push((
                format!("bot:{k}"),
                skill::play(&model, &[(p, SeatPolicy::Bot(k))], runs, 1),
            ));
        }
        if let Ok(extra) = std::env::var("EXTRA") {
            for pol in extra.split(',') {
                let policy: SeatPolicy = pol.parse().expect("policy");
                rows.push((
                    pol.to_string(),
                    skill::play(&model, &[(p, policy)], runs, 1),
                ));
            }
        }
        for (name, games) in &rows {
            let (over, se) = skill::paired(games, &base, p);
            println!(
                "  {name:<16} {:+7.2} ± {:.2}   deals {:5.1}%   text diff {:.2}   vs AI {over:+.2} ± {se:.2}",
                skill::mean_score(games, p),
                skill::score_se(games, p),
                100.0 * skill::deal_rate(games),
                skill::text_difference(games, &base)
            );
        }
    }
    if std::env::var("PER_PARTY").is_ok() {
        for q in 0..model.parties.len() {
            let games: Vec<skill::Seen> = base
                .iter()
                .map(|g| skill::Seen {
                    calibration: g
                        .parties
                        .iter()
                        .filter(|x| x.0 == q)
                        .map(|x| (x.1, x.2))
                        .collect(),
                    ..g.clone()
                })
                .collect();
            println!("party {}:", model.scenario.parties[q].id);
            for d in skill::calibration(&games) {
                if d.samples > 0 {
                    println!(
                        "  {:.1}  {:6}  {:5.1}%  {:5.1}%",
                        d.from,
                        d.samples,
                        100.0 * d.shown,
                        100.0 * d.signed
                    );
                }
            }
        }
    }
    println!("\ncalibration (all default AI): decile, samples, mean shown, share that would sign");
    for d in skill::calibration(&base) {
        if d.samples > 0 {
            println!(
                "  {:.1}-{:.1}  {:6}  {:5.1}%  {:5.1}%",
                d.from,
                d.from + 0.1,
                d.samples,
                100.0 * d.shown,
                100.0 * d.signed
            );
        }
    }
}
