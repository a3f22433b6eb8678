//! The rules live in the engine: every move an AI seat makes passes
//! `Game::check`, and the engine's refusals carry stable codes and render to
//! words without internal ids.

use backchannel::ai::{self, AiSeat};
use backchannel::engine::{Action, ActionError, Game, Phase, Stance, Unavailable, WalkoutBar};
use backchannel::scenario::{BUNDLED, Model, load_str};
use std::sync::Arc;

fn models() -> Vec<Arc<Model>> {
    BUNDLED
        .iter()
        .map(|b| Arc::new(load_str(b.file, b.text).expect("bundled scenario loads")))
        .collect()
}

/// The AI seats of a game: each party's default personality, or the one named.
fn ai_seats(model: &Model, named: &[(usize, Option<String>)]) -> Vec<AiSeat> {
    let brain = Arc::new(backchannel::ai::Brain::new(model));
    (0..model.parties.len())
        .map(|p| {
            let name = named
                .iter()
                .find(|(q, _)| *q == p)
                .and_then(|(_, n)| n.as_deref());
            AiSeat::new(model, Arc::clone(&brain), p, name).expect("a personality of the scenario")
        })
        .collect()
}

/// Every personality of the scenario in turn, rotated over the seats, so
/// hardliners, mediators and walk-outs all get their say.
fn seatings(model: &Model) -> Vec<Vec<AiSeat>> {
    let ids: Vec<String> = model
        .scenario
        .personalities
        .iter()
        .map(|p| p.id.clone())
        .collect();
    let mut all = vec![ai_seats(model, &[])];
    for shift in 0..ids.len() {
        let named: Vec<(usize, Option<String>)> = (0..model.parties.len())
            .map(|p| (p, Some(ids[(p + shift) % ids.len()].clone())))
            .collect();
        all.push(ai_seats(model, &named));
    }
    all
}

/// Apply an AI's move after asking the engine whether it is legal.
fn legal(game: &mut Game, action: Action, who: &str) {
    if let Err(e) = game.check(&action) {
        panic!(
            "{who}: the AI played {action:?}, which the engine refuses: {} ({})",
            e.describe(game.model()),
            e.kind()
        );
    }
    game.apply(action).expect("checked");
}

/// Play to the end with AI seats, as a sweep does, checking every move;
/// how many moves were checked.
fn play_checked(game: &mut Game, seats: &[AiSeat], who: &str) -> usize {
    let model = Arc::clone(game.model());
    let mut rngs: Vec<_> = (0..model.parties.len())
        .map(|p| ai::seat_rng(game.seed(), &model, p))
        .collect();
    let mut moves = 0;
    for _ in 0..100_000 {
        let Some(party) = game.to_move() else {
            return moves;
        };
        if let Phase::Revision { .. } = game.phase() {
            let d = ai::revise(game, party);
            legal(game, d.action, who);
            moves += 1;
            continue;
        }
        if let Phase::Vote { .. } = game.phase() {
            let d = ai::vote(game, &seats[party]);
            legal(game, d.action, who);
            moves += 1;
            continue;
        }
        for d in ai::plan_turn(game, &seats[party], &mut rngs[party]) {
            let stop = matches!(d.action, Action::CallVote { .. } | Action::WalkOut { .. });
            legal(game, d.action, who);
            moves += 1;
            if stop || game.to_move() != Some(party) {
                break;
            }
        }
    }
    panic!("{who}: the game did not end");
}

#[test]
fn ai_moves_are_always_legal() {
    let mut moves = 0;
    for model in models() {
        let id = &model.scenario.meta.id;
        for (s, seats) in seatings(&model).iter().enumerate() {
            for seed in 0..12u64 {
                let mut game = Game::new(Arc::clone(&model), seed * 7919 + 1);
                moves += play_checked(&mut game, seats, &format!("{id} seating {s} seed {seed}"));
            }
        }
    }
    assert!(moves > 10_000, "only {moves} moves checked");
}

#[test]
fn ai_moves_are_legal_from_odd_positions() {
    // Random legal moves first (stances, diplomacy, votes the AI would not
    // make), then the AI takes over every seat.
    for model in models() {
        let id = &model.scenario.meta.id;
        let seats = ai_seats(&model, &[]);
        for seed in 0..24u64 {
            let mut game = Game::new(Arc::clone(&model), seed);
            let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
            for _ in 0..(seed * 5) % 90 {
                let moves: Vec<Action> = game
                    .legal_actions()
                    .into_iter()
                    .filter(|a| !matches!(a, Action::WalkOut { .. }))
                    .collect();
                if moves.is_empty() {
                    break;
                }
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                game.apply(moves[(x % moves.len() as u64) as usize])
                    .expect("legal");
            }
            play_checked(&mut game, &seats, &format!("{id} odd seed {seed}"));
        }
    }
}

fn flagship() -> Arc<Model> {
    models()
        .into_iter()
        .find(|m| m.scenario.meta.id == "plan28")
        .expect("the flagship is bundled")
}

/// One refusal of every kind, with real indices of the flagship.
fn every_refusal(model: &Model) -> Vec<ActionError> {
    let linkage = (0..model.clauses.len())
        .flat_map(|c| (0..model.clauses[c].options.len()).map(move |o| (c, o)))
        .find_map(|(c, o)| {
            let mut options = model.initial_package().options;
            options[c] = o;
            model.linkage_with(&options, c, o)
        })
        .expect("the flagship has a linkage rule to break");
    let (liner, _) = model
        .parties
        .iter()
        .enumerate()
        .find(|(_, p)| !p.red_lines.is_empty())
        .expect("a party with a red line");
    vec![
        ActionError::GameOver,
        ActionError::NoSuchParty { party: 99 },
        ActionError::NoSuchClause { clause: 999 },
        ActionError::NoSuchVariant {
            clause: 20,
            variant: 9,
        },
        ActionError::NoSuchEvent { event: 999 },
        ActionError::NoSuchAction { action: 999 },
        ActionError::NotYourTurn { party: 1, turn: 0 },
        ActionError::VoteUnderWay { voter: 2 },
        ActionError::NoVote,
        ActionError::ClauseClosed { clause: 20 },
        ActionError::AlreadyDrafted {
            clause: 20,
            variant: 0,
        },
        ActionError::NotStrikable { clause: 20 },
        ActionError::Linkage(linkage),
        ActionError::ActionTaken { party: 1 },
        ActionError::ActionUnavailable {
            party: 1,
            action: 0,
            why: Unavailable::TooEarly { from_round: 3 },
        },
        ActionError::NoVotesLeft { party: 1 },
        ActionError::RedLine {
            party: liner,
            line: 0,
        },
        ActionError::WalkoutNotAllowed {
            party: 1,
            bar: WalkoutBar::Never,
        },
        ActionError::DeadlineTooEarly { rounds: -9 },
        ActionError::RevisionUnderWay { pen: 0 },
        ActionError::NoRevision,
        ActionError::NoSuchProposal { proposal: 7 },
        ActionError::Overlap { clause: 20 },
        ActionError::PackageTooBig { max: 3 },
        ActionError::SameClauseTwice { clause: 20 },
        ActionError::SelfCondition { clause: 20 },
    ]
}

#[test]
fn refusal_codes_are_stable() {
    // Bots and remote screens match on these: never rename one.
    assert_eq!(
        ActionError::KINDS,
        [
            "game_over",
            "no_such_party",
            "no_such_clause",
            "no_such_variant",
            "no_such_event",
            "no_such_action",
            "not_your_turn",
            "vote_under_way",
            "no_vote",
            "clause_closed",
            "already_drafted",
            "not_strikable",
            "linkage",
            "action_taken",
            "action_unavailable",
            "no_votes_left",
            "red_line",
            "walkout_not_allowed",
            "deadline_too_early",
            "revision_under_way",
            "no_revision",
            "no_such_proposal",
            "overlap",
            "package_too_big",
            "same_clause_twice",
            "self_condition",
        ]
    );
    let model = flagship();
    let kinds: Vec<&str> = every_refusal(&model).iter().map(|e| e.kind()).collect();
    assert_eq!(
        kinds,
        ActionError::KINDS,
        "one refusal of every kind, in order"
    );
}

#[test]
fn refusals_render_without_internal_ids() {
    let model = flagship();
    let s = &model.scenario;
    let ids: Vec<&str> = s
        .clauses
        .iter()
        .map(|c| c.id.as_str())
        .chain(s.parties.iter().map(|p| p.id.as_str()))
        .chain(s.actions.iter().map(|a| a.id.as_str()))
        .chain(s.events.iter().map(|e| e.id.as_str()))
        .chain(
            s.parties
                .iter()
                .flat_map(|p| p.red_lines.iter().map(|l| l.id.as_str())),
        )
        .collect();
    for e in every_refusal(&model) {
        let text = e.describe(&model);
        assert!(!text.is_empty(), "{}", e.kind());
        for word in text.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
            assert!(
                !ids.contains(&word),
                "{}: '{text}' shows the internal id '{word}'",
                e.kind()
            );
        }
        let json = e.to_json(&model);
        assert_eq!(json["kind"], e.kind());
        assert_eq!(json["text"], text);
    }
}

#[test]
fn refusals_say_what_is_wrong() {
    let model = flagship();
    let ua = model.party_index("ua").expect("ua");
    let p21 = model.clause_index("p21").expect("p21");
    let e = ActionError::ClauseClosed { clause: p21 };
    assert_eq!(
        e.describe(&model),
        format!("point 21 ({}) is not open", s_title(&model, p21))
    );
    let line = ActionError::RedLine { party: ua, line: 0 };
    let json = line.to_json(&model);
    assert_eq!(json["party"], "ua");
    assert_eq!(json["line"], model.scenario.parties[ua].red_lines[0].id);
    assert!(
        json["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("UA cannot sign: red line '"))
    );
}

fn s_title(model: &Model, c: usize) -> &str {
    &model.scenario.clauses[c].title
}

#[test]
fn the_engine_refuses_with_the_ids_involved() {
    let model = flagship();
    let game = Game::new(Arc::clone(&model), 1);
    let first = game.to_move().expect("someone moves");
    let other = (first + 1) % model.parties.len();
    let e = game.check(&Action::EndTurn { party: other }).unwrap_err();
    assert_eq!(
        e,
        ActionError::NotYourTurn {
            party: other,
            turn: first
        }
    );
    let clause = 0;
    let drafted = game.options()[clause];
    let e = game
        .check(&Action::Stance {
            party: first,
            clause,
            stance: Stance::Propose(drafted),
        })
        .unwrap_err();
    assert_eq!(e.kind(), "already_drafted");
    // The narrow queries agree with check.
    for action in 0..model.actions.len() {
        assert_eq!(
            game.diplomacy_open(first, action).err(),
            game.check(&Action::Diplomacy {
                party: first,
                action
            })
            .err()
        );
    }
    assert_eq!(
        game.may_walk_out(first).err(),
        game.check(&Action::WalkOut { party: first }).err()
    );
}

/// A card can change whose signature the deal needs: the likelihood is the
/// product over the new signatories, and only they vote.
#[test]
fn a_card_changes_the_signatories() {
    let text = std::fs::read_to_string("tests/fixtures/orchard.ron")
        .unwrap()
        .replace(
            "trigger: Round(3), deadline: -1),",
            "trigger: Manual, signatories: Some([\"north\", \"south\"])),",
        );
    let m = Arc::new(load_str("orchard-signatories.ron", &text).unwrap());
    let fair = m.event_index("fair").unwrap();
    let mut g = Game::new(Arc::clone(&m), 5);
    assert_eq!(g.signatories(), &[true, true, true]);
    g.apply(Action::Inject { event: fair }).unwrap();
    assert_eq!(g.signatories(), &[true, true, false]);
    let e = g.evaluation();
    assert!((e.likelihood - e.acceptance[0] * e.acceptance[1]).abs() < 1e-12);
    let line = backchannel::table::narrate::journal(&m, g.journal(), g.history())
        .into_iter()
        .find(|n| n.kind == backchannel::table::Kind::Signatories)
        .expect("narrated");
    assert_eq!(line.detail, "north,south");
    g.apply(Action::CallVote { party: 0 }).unwrap();
    let Phase::Vote { voters, .. } = g.phase() else {
        panic!("a vote")
    };
    assert_eq!(voters.as_slice(), &[0, 1]);
}
