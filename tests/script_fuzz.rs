//! Mutated scripts never panic: they load and play, or fail with a message.

use backchannel::ai::Brain;
use backchannel::engine::Game;
use backchannel::runner::script::Plan;
use backchannel::runner::{Policy, Seat, Table};
use backchannel::scenario::open;
use proptest::prelude::*;
use std::sync::Arc;

const SCRIPT: &str = include_str!("../examples/scripts/plan28.ron");

const TOKENS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "\"",
    "Some(",
    "None",
    "-1",
    "99999999999999999999",
    "p6",
    "p99",
    "ua",
    "zz",
    "propose:",
    "strike",
    "accept",
    "Stance",
    "Vote",
    "CallVote",
    "WalkOut",
    "Inject",
    "MoveDeadline",
    "round: 0",
    "sign: true",
    "\u{0}",
    "é",
    "\n",
];

fn mutate(text: &str, edits: &[(usize, usize, usize)]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for &(kind, at, tok) in edits {
        let at = at % (bytes.len() + 1);
        match kind % 3 {
            0 => {
                let end = (at + tok % 8).min(bytes.len());
                bytes.drain(at..end);
            }
            1 => {
                let t = TOKENS[tok % TOKENS.len()].as_bytes();
                bytes.splice(at..at, t.iter().copied());
            }
            _ => {
                if at < bytes.len() {
                    bytes[at] = TOKENS[tok % TOKENS.len()].as_bytes()[0];
                }
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
    #[test]
    fn mutated_scripts_never_panic(edits in prop::collection::vec((0usize..3, 0usize..4000, 0usize..64), 1..6)) {
        let model = Arc::new(open("plan28").unwrap());
        let text = mutate(SCRIPT, &edits);
        match Plan::load("fuzz.ron", text.as_bytes(), &model) {
            Err(e) => prop_assert!(e.to_string().starts_with("fuzz.ron")),
            Ok(plan) => {
                let brain = Arc::new(Brain::new(&model));
                let seed = plan.seed.unwrap_or(1);
                let mut seats = Vec::new();
                for p in 0..model.parties.len() {
                    let policy = plan.seats.iter().find(|(q, _)| *q == p).map(|(_, pol)| pol.clone());
                    seats.push(match policy {
                        Some(Policy::Script) => Seat::Script,
                        Some(Policy::Ai(name)) => match Seat::ai(&model, Arc::clone(&brain), p, name.as_deref(), seed) {
                            Ok(s) => s,
                            Err(_) => return Ok(()),
                        },
                        _ => Seat::ai(&model, Arc::clone(&brain), p, None, seed).unwrap(),
                    });
                }
                let mut game = Game::new(Arc::clone(&model), seed);
                let mut table = Table::new(seats, Some(&plan), true);
                if let Err(e) = table.play(&mut game) {
                    prop_assert!(e.to_string().starts_with("fuzz.ron"), "{e}");
                } else {
                    prop_assert!(game.ending().is_some());
                }
            }
        }
    }
}

/// The long run (`cargo test --release --test script_fuzz -- --ignored`).
#[test]
#[ignore]
fn mutated_scripts_never_panic_long() {
    let model = Arc::new(open("plan28").unwrap());
    let mut state = 0x1234_5678_u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state as usize
    };
    for _ in 0..100_000 {
        let edits: Vec<(usize, usize, usize)> = (0..1 + next() % 5)
            .map(|_| (next(), next(), next()))
            .collect();
        let text = mutate(SCRIPT, &edits);
        let _ = Plan::load("fuzz.ron", text.as_bytes(), &model);
    }
}
