//! Deterministic games for the report and save tests, played by a simple
//! rule instead of the AI (so the tests pin the report, not the AI).

#![allow(dead_code)]

use backchannel::engine::{Action, Game, Phase, Stance};
use backchannel::save::Save;
use backchannel::scenario::{Model, open};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The frozen fixture scenario (a path relative to the crate root, where
/// cargo runs tests).
pub const ORCHARD: &str = "tests/fixtures/orchard.ron";

pub fn model(source: &str) -> Arc<Model> {
    Arc::new(open(source).unwrap_or_else(|e| panic!("{source}: {e}")))
}

/// One move for the party to move: in a vote, sign when allowed; in a turn,
/// set on each open clause the stance the rule picks (once), take the first
/// diplomatic action in round 2, then end the turn. The rule: accept the
/// current wording when it is within `slack` of the party's best option,
/// otherwise propose the best (or strike it when that is best); the slack
/// grows each round. From round 2, call a vote when every signatory would sign.
/// A pen-holder adopts what raises the table's support (the neutral rule's choice).
fn next_action(game: &Game, slack: f64) -> Option<Action> {
    let party = game.to_move()?;
    if let Phase::Revision { .. } = game.phase() {
        let adopt = game.broker(&|e| e.support, 0.0);
        return Some(Action::Revise { party, adopt });
    }
    if let Phase::Vote { .. } = game.phase() {
        let sign = Action::Vote { party, sign: true };
        return Some(if game.check(&sign).is_ok() {
            sign
        } else {
            Action::Vote { party, sign: false }
        });
    }
    let model = game.model();
    let eval = game.evaluation();
    let call = Action::CallVote { party };
    if game.round() >= 2
        && model.rules.signatories.iter().all(|&p| eval.would_sign(p))
        && game.check(&call).is_ok()
    {
        return Some(call);
    }
    // Parties concede as the deadline nears.
    let slack = slack + 1.5 * f64::from(game.round() - 1);
    for clause in game.open_clauses() {
        let current = game.options()[clause];
        let now = game.evaluation().utility[party];
        let cm = &model.clauses[clause];
        let count = if cm.strikable {
            cm.variants + 1
        } else {
            cm.variants
        };
        let (best, best_u) = (0..count)
            .map(|o| (o, game.what_if(clause, o).utility[party]))
            .fold(
                (current, now),
                |acc, x| if x.1 > acc.1 + 1e-9 { x } else { acc },
            );
        let stance = if best == current || best_u - now <= slack {
            Stance::Accept
        } else if best == cm.struck() {
            Stance::Strike
        } else {
            Stance::Propose(best)
        };
        if game.stance(party, clause) == Some(stance) {
            continue;
        }
        let action = Action::Stance {
            party,
            clause,
            stance,
        };
        if game.check(&action).is_ok() {
            return Some(action);
        }
        let accept = Action::Stance {
            party,
            clause,
            stance: Stance::Accept,
        };
        if game.stance(party, clause) != Some(Stance::Accept) && game.check(&accept).is_ok() {
            return Some(accept);
        }
    }
    if game.round() == 2 && !game.acted() {
        let diplomacy = (0..model.actions.len())
            .map(|action| Action::Diplomacy { party, action })
            .find(|a| game.check(a).is_ok());
        if let Some(a) = diplomacy {
            return Some(a);
        }
    }
    Some(Action::EndTurn { party })
}

/// Play a whole game by the rule.
pub fn play(model: Arc<Model>, seed: u64, slack: f64) -> Game {
    let mut game = Game::new(model, seed);
    for _ in 0..10_000 {
        let Some(action) = next_action(&game, slack) else {
            break;
        };
        if let Err(e) = game.check(&action) {
            panic!(
                "rule played an illegal {action:?}: {}",
                e.describe(game.model())
            );
        }
        game.apply(action).expect("checked");
    }
    assert!(game.ending().is_some(), "the rule's game did not end");
    game
}

/// Play `moves` moves by the rule (a game in progress).
pub fn play_some(model: Arc<Model>, seed: u64, moves: usize) -> Game {
    let mut game = Game::new(model, seed);
    for _ in 0..moves {
        let Some(action) = next_action(&game, 0.5) else {
            break;
        };
        game.apply(action).expect("legal");
    }
    game
}

/// The seats every rule game records.
pub fn seats(game: &Game) -> Vec<(String, String)> {
    game.model()
        .scenario
        .parties
        .iter()
        .map(|p| (p.id.clone(), "script".to_string()))
        .collect()
}

pub fn save(game: &Game, source: &str) -> Save {
    Save::of(game, source, seats(game))
}

/// A fresh, empty folder for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("backchannel-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Write a file into a test's folder; its path, as a command line takes it.
pub fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write a test file");
    path.display().to_string()
}
