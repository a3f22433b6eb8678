//! Saves: a round trip through text replays to the identical game; corrupt,
//! truncated and stale saves are refused with a clear error and left
//! byte-identical; an interrupted atomic write leaves the old save intact.

mod common;

use backchannel::engine::Game;
use backchannel::save::{Save, SaveError, write_atomic};
use common::{ORCHARD, model, play, play_some, save, scratch};
use proptest::prelude::*;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::path::Path;
use std::process::Command;

/// A game of random legal moves (at most `moves` of them).
fn random_game(source: &str, seed: u64, moves: usize) -> Game {
    let mut game = Game::new(model(source), seed);
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
    for _ in 0..moves {
        let legal = game.legal_actions();
        if legal.is_empty() {
            break;
        }
        // Prefer ending the turn now and then, so games move through rounds.
        let action = if rng.random_range(0..4) == 0 {
            legal
                .iter()
                .copied()
                .find(|a| matches!(a, backchannel::engine::Action::EndTurn { .. }))
        } else {
            None
        }
        .unwrap_or_else(|| legal[rng.random_range(0..legal.len())]);
        game.apply(action).expect("a legal action applies");
    }
    game
}

fn assert_same(a: &Game, b: &Game) {
    assert_eq!(a.log(), b.log());
    assert_eq!(a.options(), b.options());
    assert_eq!(a.status(), b.status());
    assert_eq!(a.evaluation(), b.evaluation());
    assert_eq!(a.history(), b.history());
    assert_eq!(a.journal(), b.journal());
    assert_eq!(a.round(), b.round());
    assert_eq!(a.ending(), b.ending());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Save → text → parse → replay gives the identical game, at any point.
    #[test]
    fn save_round_trips(seed in any::<u64>(), moves in 0usize..160, tutorial in any::<bool>()) {
        let source = if tutorial { "tutorial" } else { ORCHARD };
        let game = random_game(source, seed, moves);
        let text = save(&game, source).to_text();
        let parsed = Save::parse("mem.ron", text.as_bytes()).expect("the save parses");
        prop_assert_eq!(&parsed, &save(&game, source));
        let replayed = parsed.replay("mem.ron", model(source)).expect("the save replays");
        assert_same(&game, &replayed);
    }
}

/// Write a save, then check that `damage` makes it fail with an error that
/// `expect` accepts, without touching the file.
fn refused(name: &str, damage: impl Fn(&str) -> String, expect: impl Fn(&SaveError, &str) -> bool) {
    let dir = scratch(name);
    let path = dir.join("game.ron");
    let game = play(model(ORCHARD), 1, 0.5);
    let text = save(&game, ORCHARD).to_text();
    let damaged = damage(&text);
    std::fs::write(&path, &damaged).unwrap();
    let result =
        Save::read(&path).and_then(|s| s.replay(&path.display().to_string(), model(ORCHARD)));
    let err = result.expect_err("the damaged save is refused");
    let message = err.to_string();
    assert!(
        expect(&err, &message),
        "{name}: unexpected error: {message}"
    );
    assert!(
        message.contains("game.ron"),
        "{name}: the error names the file: {message}"
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        damaged,
        "{name}: the save was modified"
    );

    // The same through the binary: exit status 2, the message, the file untouched.
    let out = Command::new(env!("CARGO_BIN_EXE_backchannel"))
        .args(["report", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{name}: report exits 2");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("game.ron"), "{name}: {stderr}");
    assert!(out.stdout.is_empty());
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        damaged,
        "{name}: report modified the save"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn corrupt_save_is_refused_with_its_location() {
    refused(
        "corrupt",
        |t| t.replacen("seed:", "seed: ]]", 1),
        |e, m| {
            matches!(e, SaveError::Load(_))
                && m.contains("game.ron:")
                && m.chars().filter(|c| *c == ':').count() >= 3
        },
    );
}

#[test]
fn truncated_save_is_refused() {
    refused(
        "truncated",
        |t| t[..t.len() * 2 / 3].to_string(),
        |e, _| matches!(e, SaveError::Load(_)),
    );
}

#[test]
fn save_with_an_edited_action_is_refused() {
    refused(
        "bad-action",
        |t| t.replacen("\"accept\"", "\"propose:nonsense\"", 1),
        |e, m| matches!(e, SaveError::Action { .. }) && m.contains("nonsense"),
    );
}

#[test]
fn save_from_another_scenario_version_names_both_checksums() {
    let current = model(ORCHARD).checksum.clone();
    refused(
        "checksum",
        |t| t.replace(&current, "0123456789abcdef"),
        |e, m| {
            matches!(e, SaveError::Checksum { .. })
                && m.contains("0123456789abcdef")
                && m.contains(&current)
        },
    );
}

#[test]
fn save_of_a_future_format_is_refused() {
    refused(
        "format",
        |t| t.replacen("format: 2", "format: 99", 1),
        |e, _| matches!(e, SaveError::Format { found: 99, .. }),
    );
}

/// A process killed mid-write leaves its temporary file beside the save, but
/// never a half-written save: the rename is the commit.
#[test]
fn interrupted_atomic_write_leaves_the_old_save_intact() {
    let dir = scratch("interrupted");
    let path = dir.join("game.ron");
    let early = play_some(model(ORCHARD), 3, 10);
    save(&early, ORCHARD).write(&path).unwrap();
    let before = std::fs::read(&path).unwrap();

    // Simulate the kill: the next save's temporary file is half written and
    // never renamed.
    let later = play_some(model(ORCHARD), 3, 20);
    let text = save(&later, ORCHARD).to_text();
    let tmp = dir.join(".game.ron.99999.tmp");
    std::fs::write(&tmp, &text.as_bytes()[..text.len() / 2]).unwrap();
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the old save is untouched"
    );
    let resumed = Save::read(&path)
        .unwrap()
        .replay("game.ron", model(ORCHARD))
        .unwrap();
    assert_same(&early, &resumed);

    // The next successful write replaces it whole, leaving no new temporary file.
    write_atomic(&path, text.as_bytes()).unwrap();
    let resumed = Save::read(&path)
        .unwrap()
        .replay("game.ron", model(ORCHARD))
        .unwrap();
    assert_same(&later, &resumed);
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names.len(),
        2,
        "only the save and the stale temporary file: {names:?}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// Save after every action (as the TUI does), "kill" after any of them, and
/// resume: the resumed game is the game as of that action.
#[test]
fn resume_after_a_kill_at_any_action_gives_the_identical_state() {
    let dir = scratch("kill");
    let path = dir.join("autosave.ron");
    let full = play(model(ORCHARD), 5, 0.5);
    let mut game = Game::new(model(ORCHARD), 5);
    for &action in full.log() {
        game.apply(action).unwrap();
        save(&game, ORCHARD).write(&path).unwrap();
        let resumed = Save::read(&path)
            .unwrap()
            .replay("autosave.ron", model(ORCHARD))
            .unwrap();
        assert_same(&game, &resumed);
    }
    assert_same(&full, &game);
    let _ = std::fs::remove_dir_all(dir);
}

/// `run --save` writes a save that `report` reads: a scripted game makes a debrief.
#[test]
fn a_saved_run_makes_a_report() {
    let dir = scratch("run-save");
    let path = dir.join("run.ron");
    let bin = env!("CARGO_BIN_EXE_backchannel");
    let out = Command::new(bin)
        .args([
            "run",
            "tutorial",
            "--seed",
            "3",
            "--save",
            path.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let before = std::fs::read(&path).unwrap();
    let out = Command::new(bin)
        .args(["report", path.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["tables"][0]["seed"], 3);
    assert_eq!(json["tables"][0]["scenario"]["id"], "tutorial");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "report never writes the save"
    );
    assert!(Path::new(&path).exists());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn save_of_the_first_rules_is_refused_with_why() {
    refused(
        "format1",
        |t| t.replacen("format: 2", "format: 1", 1),
        |e, _| {
            let m = e.to_string();
            matches!(e, SaveError::Format { found: 1, .. })
                && m.contains("first rules")
                && m.contains("cannot be replayed")
        },
    );
}
