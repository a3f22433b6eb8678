//! The reference bots of `examples/bots/` play whole games through the real
//! binary and the agent protocol, without a forfeit.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_backchannel");
const BOTS: [&str; 5] = ["random_bot", "accept_all", "reject_all", "greedy", "voter"];
/// (scenario, the seat the bot takes).
const TABLES: [(&str, &str); 2] = [("tutorial", "mill"), ("plan28", "ua")];
const SEEDS: [u64; 3] = [1, 2, 3];

fn python() -> bool {
    Command::new("python3")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn every_example_bot_finishes_its_games_without_a_forfeit() {
    if !python() {
        eprintln!("python3 is missing: the example bots were not run");
        return;
    }
    for bot in BOTS {
        for (scenario, seat) in TABLES {
            for seed in SEEDS {
                let o = Command::new(BIN)
                    .args(["run", scenario, "--seed", &seed.to_string(), "--seat"])
                    .arg(format!("{seat}=exec:python3 examples/bots/{bot}.py"))
                    .args(["--format", "json"])
                    .current_dir(env!("CARGO_MANIFEST_DIR"))
                    .output()
                    .expect("the binary runs");
                let what = format!("{bot} as {seat} in {scenario}, seed {seed}");
                let out = String::from_utf8_lossy(&o.stdout);
                assert!(
                    o.status.success(),
                    "{what}: {}",
                    String::from_utf8_lossy(&o.stderr)
                );
                let mut kinds = Vec::new();
                for line in out.lines() {
                    let v: serde_json::Value = serde_json::from_str(line)
                        .unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {line}"));
                    kinds.push(v["kind"].as_str().unwrap_or("").to_string());
                    assert_ne!(v["kind"], "forfeit", "{what}: {line}");
                }
                assert_eq!(kinds.last().map(String::as_str), Some("end"), "{what}");
                // The bot played: its own moves are in the transcript.
                assert!(
                    out.contains(&format!(r#""party":"{seat}""#)),
                    "{what}: no move of its own"
                );
            }
        }
    }
}
