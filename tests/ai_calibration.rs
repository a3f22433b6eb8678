//! The AI negotiators on the flagship: a deal is neither certain nor hopeless,
//! and personalities move the deal rate the way a reader would expect.

use backchannel::runner::sweep;
use backchannel::scenario::{Model, open};
use backchannel::table::SeatPolicy;
use std::sync::Arc;

const GAMES: u64 = 1000;

fn deal_rate(model: &Arc<Model>, seats: &[(&str, &str)]) -> f64 {
    let named: Vec<(usize, SeatPolicy)> = seats
        .iter()
        .map(|(p, n)| {
            (
                model.party_index(p).unwrap(),
                SeatPolicy::Ai(Some(n.to_string())),
            )
        })
        .collect();
    let seats = sweep::seats(model, &named).unwrap();
    let results = sweep::run(model, &seats, GAMES, 2025, |_| {});
    sweep::Summary::of(model, &seats, 2025, &results).deal_rate
}

#[test]
fn flagship_deal_rate_is_uncertain_and_follows_personalities() {
    let model = Arc::new(open("plan28").unwrap());
    let default = deal_rate(&model, &[]);
    let walking_kyiv = deal_rate(&model, &[("ua", "hardliner")]);
    let walking_europe = deal_rate(&model, &[("eu", "hardliner")]);
    eprintln!(
        "deal rate: default {default:.3}, ua hardliner {walking_kyiv:.3}, eu hardliner {walking_europe:.3}"
    );
    assert!(
        (0.10..=0.60).contains(&default),
        "default deal rate {default}"
    );
    // A seat that walks out when the text turns against it (the flagship's
    // defender and pragmatist cannot afford to) ends the talks before most
    // deals. (A softer Russia does not deal more: the pen and the final vote
    // decide, and Moscow's stances move them little; docs/CALIBRATION.md.)
    assert!(
        walking_europe < default / 2.0,
        "{walking_europe} vs {default}"
    );
    assert!(walking_kyiv < default / 2.0, "{walking_kyiv} vs {default}");
}

#[test]
fn ai_games_are_deterministic() {
    let model = Arc::new(open("plan28").unwrap());
    let seats = sweep::seats(&model, &[]).unwrap();
    let a = sweep::run(&model, &seats, 20, 7, |_| {});
    let b = sweep::run(&model, &seats, 20, 7, |_| {});
    assert_eq!(a, b);
}

#[test]
fn a_seat_to_move_always_has_a_plan() {
    let model = Arc::new(open("plan28").unwrap());
    let brain = Arc::new(backchannel::ai::Brain::new(&model));
    let game = backchannel::engine::Game::new(Arc::clone(&model), 1);
    let party = game.to_move().unwrap();
    let seat = backchannel::ai::AiSeat::new(&model, brain, party, None).unwrap();
    let mut rng = backchannel::ai::seat_rng(1, &model, party);
    for _ in 0..100 {
        let plan = backchannel::ai::plan_turn(&game, &seat, &mut rng);
        assert!(!plan.is_empty());
    }
}
