//! Property tests of the engine's invariants over random legal (and illegal)
//! action sequences on every bundled scenario.

use backchannel::engine::{Action, Game, Phase, Stance, Status};
use backchannel::scenario::{BUNDLED, Model, load_str};
use proptest::prelude::*;
use std::sync::Arc;

fn models() -> Vec<Arc<Model>> {
    BUNDLED
        .iter()
        .map(|b| Arc::new(load_str(b.file, b.text).expect("bundled scenario loads")))
        .collect()
}

/// Play `choices` as indices into the legal actions (end-turn favoured, so
/// games progress), checking the invariants after each step.
fn play(model: &Arc<Model>, seed: u64, choices: &[u16]) -> Game {
    let mut game = Game::new(Arc::clone(model), seed);
    play_on(&mut game, choices);
    game
}

/// [`play`] on a game already set up.
fn play_on(game: &mut Game, choices: &[u16]) {
    for &choice in choices {
        let legal = game.legal_actions();
        if legal.is_empty() {
            break;
        }
        // One step in four ends the turn (or votes), the rest pick any legal action.
        let action = if choice % 4 == 0 {
            *legal
                .iter()
                .find(|a| matches!(a, Action::EndTurn { .. } | Action::Vote { .. }))
                .unwrap_or(&legal[0])
        } else {
            legal[usize::from(choice) % legal.len()]
        };
        game.apply(action).expect("a legal action applies");
        assert_invariants(game);
    }
}

fn assert_invariants(game: &Game) {
    let model = game.model();
    let ev = game.evaluation();
    // The game keeps its evaluation incrementally (cached condition truths,
    // adjusted sums); it must equal a full evaluation of the draft.
    let full = game.evaluate_options(game.options());
    assert_eq!(ev.crossed, full.crossed, "red lines crossed");
    assert_eq!(ev.active, full.active, "active combinations");
    assert_eq!(ev.lines, full.lines, "red-line truths");
    for p in 0..model.parties.len() {
        assert!((ev.utility[p] - full.utility[p]).abs() < 1e-9);
        assert!((ev.acceptance[p] - full.acceptance[p]).abs() < 1e-9);
    }
    for m in 0..model.metrics.len() {
        assert!((ev.metrics[m] - full.metrics[m]).abs() < 1e-9);
    }
    for (m, mm) in model.metrics.iter().enumerate() {
        assert!(
            ev.metrics[m] >= mm.min - 1e-9 && ev.metrics[m] <= mm.max + 1e-9,
            "metric {} = {} outside {}..{}",
            model.scenario.metrics[m].id,
            ev.metrics[m],
            mm.min,
            mm.max
        );
    }
    for p in 0..model.parties.len() {
        assert!((0.0..=1.0).contains(&ev.acceptance[p]));
        assert!(ev.utility[p].is_finite());
        if ev.crossed[p].is_some() {
            assert_eq!(
                ev.acceptance[p], 0.0,
                "a crossed red line means no signature"
            );
        }
    }
    assert!((0.0..=1.0).contains(&ev.likelihood));
    assert!(game.round() >= 1);
    if game.ending().is_none() {
        assert!(
            game.round() <= game.deadline(),
            "round {} past deadline {}",
            game.round(),
            game.deadline()
        );
    }
    // A struck clause's option is the strike; an open or agreed one is a variant... unless
    // the scenario's initial text already left it struck (never: initial is a variant).
    for (c, s) in game.status().iter().enumerate() {
        let struck = game.options()[c] == model.clauses[c].struck();
        assert_eq!(
            *s == Status::Struck,
            struck,
            "clause {c} status {s:?} vs option"
        );
    }
    assert!(
        model.linkage_problem(game.options()).is_none(),
        "the draft breaks linkage"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Metrics stay in range and the state stays consistent for any legal sequence;
    /// replaying the log gives the identical state.
    #[test]
    fn legal_play_keeps_invariants_and_replays(which in 0usize..4, seed in any::<u64>(), choices in prop::collection::vec(any::<u16>(), 0..600)) {
        let models = models();
        let model = &models[which % models.len()];
        let game = play(model, seed, &choices);
        let again = Game::replay(Arc::clone(model), seed, game.log()).expect("the log replays");
        prop_assert_eq!(again.options(), game.options());
        prop_assert_eq!(again.status(), game.status());
        prop_assert_eq!(again.evaluation(), game.evaluation());
        prop_assert_eq!(again.journal(), game.journal());
        prop_assert_eq!(again.round(), game.round());
    }

    /// Illegal actions are refused and change nothing.
    #[test]
    fn illegal_actions_change_nothing(which in 0usize..4, seed in any::<u64>(), choices in prop::collection::vec(any::<u16>(), 0..200),
                                      kind in 0u8..8, a in 0usize..40, b in 0usize..40, c in 0usize..20) {
        let models = models();
        let model = &models[which % models.len()];
        let mut game = play(model, seed, &choices);
        let stance = match c % 4 { 0 => Stance::Accept, 1 => Stance::Reject, 2 => Stance::Strike, _ => Stance::Propose(c) };
        let action = match kind {
            0 => Action::Stance { party: a % 14, clause: b, stance },
            1 => Action::Diplomacy { party: a % 14, action: b },
            2 => Action::CallVote { party: a % 14 },
            3 => Action::Vote { party: a % 14, sign: b % 2 == 0 },
            4 => Action::WalkOut { party: a % 14 },
            5 => Action::EndTurn { party: a % 14 },
            6 => Action::Inject { event: b },
            _ => Action::MoveDeadline { rounds: b as i32 - 20 },
        };
        let before = game.clone();
        match game.check(&action) {
            Ok(()) => { game.apply(action).expect("check and apply agree"); }
            Err(e) => {
                prop_assert_eq!(game.apply(action).err(), Some(e));
                prop_assert_eq!(game.log(), before.log());
                prop_assert_eq!(game.journal(), before.journal());
                prop_assert_eq!(game.options(), before.options());
                prop_assert_eq!(game.evaluation(), before.evaluation());
                prop_assert_eq!(game.phase(), before.phase());
            }
        }
    }
}

/// Same seed and actions, same state; another seed draws other event cards
/// somewhere among a handful of seeds.
#[test]
fn seeds_decide_the_event_draws() {
    let model = Arc::new(load_str("plan28", BUNDLED[0].text).unwrap());
    let mut journals = std::collections::BTreeSet::new();
    for seed in 0..16 {
        let end_turns = |g: &mut Game| {
            while let Some(p) = g.to_move() {
                let a = match g.phase() {
                    Phase::Vote { .. } => Action::Vote {
                        party: p,
                        sign: false,
                    },
                    _ => Action::EndTurn { party: p },
                };
                g.apply(a).unwrap();
            }
        };
        let mut a = Game::new(Arc::clone(&model), seed);
        let mut b = Game::new(Arc::clone(&model), seed);
        end_turns(&mut a);
        end_turns(&mut b);
        assert_eq!(a.journal(), b.journal());
        assert_eq!(a.ending(), b.ending());
        journals.insert(format!("{:?}", a.journal()));
    }
    assert!(journals.len() > 1, "every seed drew the same cards");
}

/// A game where nobody moves ends at the deadline (or collapses), never loops.
#[test]
fn passive_games_end() {
    for model in models() {
        let mut game = Game::new(Arc::clone(&model), 7);
        let mut steps = 0;
        while let Some(p) = game.to_move() {
            let action = match game.phase() {
                Phase::Vote { .. } => Action::Vote {
                    party: p,
                    sign: false,
                },
                Phase::Revision { .. } => Action::Revise {
                    party: p,
                    adopt: Default::default(),
                },
                _ => Action::EndTurn { party: p },
            };
            game.apply(action).unwrap();
            steps += 1;
            assert!(steps < 10_000);
        }
        assert!(game.ending().is_some());
        assert!(game.scores().is_some());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// A game restarted with a seed (as a sweep's worker does) plays exactly
    /// like a new game with that seed, whatever it played before.
    #[test]
    fn restart_is_a_new_game(which in 0usize..4, first in any::<u64>(), second in any::<u64>(),
                             before in prop::collection::vec(any::<u16>(), 0..200),
                             after in prop::collection::vec(any::<u16>(), 0..200)) {
        let models = models();
        let model = &models[which % models.len()];
        let mut reused = play(model, first, &before);
        reused.restart(second);
        play_on(&mut reused, &after);
        let fresh = play(model, second, &after);
        prop_assert_eq!(reused.journal(), fresh.journal());
        prop_assert_eq!(reused.log(), fresh.log());
        prop_assert_eq!(reused.evaluation(), fresh.evaluation());
        prop_assert_eq!(reused.history(), fresh.history());
        prop_assert_eq!(reused.ledger(), fresh.ledger());
        prop_assert_eq!(reused.options(), fresh.options());
        prop_assert_eq!(reused.status(), fresh.status());
        prop_assert_eq!((reused.round(), reused.deadline()), (fresh.round(), fresh.deadline()));
    }

    /// The incremental what-if (cached condition truths, adjusted sums) agrees
    /// with a full evaluation of the changed draft.
    #[test]
    fn what_if_agrees_with_full_evaluation(which in 0usize..4, seed in any::<u64>(), choices in prop::collection::vec(any::<u16>(), 0..300)) {
        let models = models();
        let model = &models[which % models.len()];
        let game = play(model, seed, &choices);
        for c in 0..model.clauses.len() {
            for o in 0..model.clauses[c].options.len() {
                let quick = game.what_if(c, o);
                let mut options = game.options().to_vec();
                options[c] = o;
                let full = game.evaluate_options(&options);
                prop_assert_eq!(&quick.crossed, &full.crossed);
                prop_assert_eq!(quick.active, full.active);
                prop_assert_eq!(&quick.lines, &full.lines);
                for p in 0..model.parties.len() {
                    prop_assert!((quick.utility[p] - full.utility[p]).abs() < 1e-9);
                    prop_assert!((quick.acceptance[p] - full.acceptance[p]).abs() < 1e-9);
                }
                for m in 0..model.metrics.len() {
                    prop_assert!((quick.metrics[m] - full.metrics[m]).abs() < 1e-9);
                }
            }
        }
    }
}
