//! Mutated scripts never panic: they load and play, or fail with a message.

use backchannel::runner::Policy;
use backchannel::runner::script::Plan;
use backchannel::scenario::open;
use backchannel::table::{self, Table};
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
                let seed = plan.seed.unwrap_or(1);
                let mut seats = vec![Policy::Ai(None); model.parties.len()];
                for (p, pol) in &plan.seats {
                    if matches!(pol, Policy::Exec(_)) {
                        return Ok(());
                    }
                    seats[*p] = pol.clone();
                }
                let options = table::Options {
                    script: Some(Arc::new(plan)),
                    record: true,
                    ..table::Options::default()
                };
                let Ok(mut t) = Table::new(Arc::clone(&model), seed, seats, options) else {
                    return Ok(());
                };
                if let Err(e) = t.play() {
                    prop_assert!(e.to_string().starts_with("fuzz.ron"), "{e}");
                } else {
                    prop_assert!(t.game().ending().is_some());
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
