//! Malformed scenarios: every one gets a located message, never a panic,
//! never a partial load.

use backchannel::scenario::{BUNDLED, LoadError, load_bytes, load_str};
use proptest::prelude::*;
use std::process::Command;

const PLAN28: &str = include_str!("../scenarios/plan28.ron");
const ORCHARD: &str = include_str!("../examples/scenarios/orchard.ron");

fn err(text: &str) -> String {
    match load_str("x.ron", text) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn every_bundled_scenario_is_valid() {
    for b in BUNDLED {
        let m = load_str(b.file, b.text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.scenario.meta.id, b.id);
    }
}

#[test]
fn parse_errors_name_line_and_column() {
    let text = ORCHARD.replacen(
        "min: 0, max: 100, initial: 50",
        "min: 0, max: \"high\", initial: 50",
        1,
    );
    let e = err(&text);
    assert!(e.starts_with("x.ron:14:22: "), "{e}");
    assert!(
        e.contains("float") || e.contains("number") || e.contains("Expected"),
        "{e}"
    );
}

#[test]
fn truncated_and_empty_files() {
    let e = err(&ORCHARD[..ORCHARD.len() / 2]);
    assert!(e.starts_with("x.ron:"), "{e}");
    let e = err("");
    assert!(e.contains("x.ron:1:1"), "{e}");
    let e = match load_bytes("bin.ron", &[0xff, 0xfe, 0x00, 0x41]) {
        Err(e) => e.to_string(),
        Ok(_) => panic!(),
    };
    assert!(e.contains("bin.ron:1:1") && e.contains("UTF-8"), "{e}");
}

#[test]
fn semantic_errors_name_the_field_path_and_all_are_reported() {
    let text = PLAN28
        .replacen("\"ru\": ", "\"rx\": ", 1)
        .replacen("probability: 0.", "probability: 1.", 1)
        .replacen("spread: ", "spread: -", 1);
    let e = err(&text);
    let lines: Vec<&str> = e.lines().collect();
    assert!(lines.len() >= 3, "{e}");
    assert!(lines.iter().all(|l| l.starts_with("x.ron: ")), "{e}");
    assert!(
        e.contains("unknown party 'rx'; expected one of: us, ua, ru, eu"),
        "{e}"
    );
    assert!(
        e.contains("].probability: ") && e.contains("out of range; expected 0 to 1"),
        "{e}"
    );
    assert!(
        e.contains("parties[0].reservation.spread: ") && e.contains("must be above 0"),
        "{e}"
    );
    assert!(e.contains(".utility.rx"), "{e}");
}

#[test]
fn duplicate_ids_unknown_references_and_missing_reservation() {
    let dup = ORCHARD.replacen("id: \"pickers\"", "id: \"split\"", 1);
    let e = err(&dup);
    assert!(
        e.contains("clauses[1].id: duplicate id 'split' (first used by clauses[0])"),
        "{e}"
    );

    let unknown = ORCHARD.replacen(
        "Variant(\"split\", \"equal\")",
        "Variant(\"split\", \"thirds\")",
        1,
    );
    let e = err(&unknown);
    assert!(
        e.contains("parties[0].red_lines[0].crossed_if: clause 'split' has no variant 'thirds'"),
        "{e}"
    );

    let missing = ORCHARD.replacen("reservation: (mean: 1, spread: 2), ", "", 1);
    let e = err(&missing);
    assert!(e.contains("parties[1].reservation: missing"), "{e}");

    let novariant = ORCHARD.replacen(
        "variants: [\n            (id: \"drafted\", label: \"paid first\", text: \"Pickers are paid first.\",\n             effects: [(metric: \"trust\", delta: 4)], utility: {\"north\": -2, \"south\": 3, \"coop\": 1}),\n         ]",
        "variants: []",
        1,
    );
    assert_ne!(novariant, ORCHARD);
    let e = err(&novariant);
    assert!(e.contains("clauses[1].variants: no variants"), "{e}");
}

#[test]
fn cyclic_requirements_are_reported() {
    let text = ORCHARD.replacen(
        "strikable: false),",
        "strikable: false, requires: [\"fee\"]),",
        1,
    );
    let e = err(&text);
    assert!(e.contains("cyclic requirement"), "{e}");
    assert!(
        e.contains("split → fee → split") || e.contains("fee → split → fee"),
        "{e}"
    );
}

#[test]
fn out_of_range_values() {
    let e = err(&ORCHARD.replacen("initial: 50", "initial: 150", 1));
    assert!(
        e.contains("metrics[0].initial: 150 is out of range; expected 0 to 100"),
        "{e}"
    );
    let e = err(&ORCHARD.replacen("rounds: 4", "rounds: 0", 1));
    assert!(e.contains("rules.rounds: 0; expected 1 to 1000"), "{e}");
}

#[test]
fn unknown_fields_are_refused_with_the_expected_ones() {
    let e = err(&ORCHARD.replacen("summary:", "sumary:", 1));
    assert!(
        e.contains("unknown field 'sumary'") && e.contains("summary"),
        "{e}"
    );
}

#[test]
fn oversized_files_are_refused_before_parsing() {
    let big = vec![b' '; 10 * 1024 * 1024];
    match load_bytes("big.ron", &big) {
        Err(LoadError::TooLarge { bytes, .. }) => assert_eq!(bytes, 10 * 1024 * 1024),
        other => panic!("{other:?}"),
    }
}

/// The binary: exit 0 on valid files, 2 with the located message on bad ones.
#[test]
fn check_command_exit_status() {
    let bin = env!("CARGO_BIN_EXE_backchannel");
    let dir = std::env::temp_dir().join(format!("bc-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.ron");
    std::fs::write(&bad, &ORCHARD[..300]).unwrap();
    let big = dir.join("big.ron");
    std::fs::write(&big, vec![b'('; 10 * 1024 * 1024]).unwrap();

    let ok = Command::new(bin)
        .args([
            "check",
            "scenarios/plan28.ron",
            "examples/scenarios/orchard.ron",
        ])
        .output()
        .unwrap();
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );

    for f in [&bad, &big] {
        let out = Command::new(bin).arg("check").arg(f).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(&f.display().to_string()), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }

    let json = Command::new(bin)
        .args(["check", "--json", "scenarios/plan28.ron"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["id"], "plan28");
    assert_eq!(v["clauses"], 28);
    assert_eq!(v["parties"], serde_json::json!(["us", "ua", "ru", "eu"]));
    assert_eq!(v["checksum"].as_str().unwrap().len(), 16);

    let missing = Command::new(bin)
        .args(["check", "no/such/file.ron"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    let flag = Command::new(bin)
        .args(["check", "--frobnicate"])
        .output()
        .unwrap();
    assert_eq!(flag.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}

/// Mutations of a real scenario text.
fn mutate(text: &str, kind: u8, at: usize, len: usize, byte: u8) -> Vec<u8> {
    let mut b = text.as_bytes().to_vec();
    let at = at % (b.len() + 1);
    let end = (at + len).min(b.len());
    match kind % 7 {
        0 => b.truncate(at),
        1 => {
            b.drain(at..end);
        }
        2 => b.insert(at, byte),
        3 => {
            if at < b.len() {
                b[at] = byte;
            }
        }
        4 => {
            let chunk: Vec<u8> = b[at..end].to_vec();
            b.splice(at..at, chunk);
        }
        5 => {
            // Replace the next number with an extreme one.
            if let Some(i) = b[at..].iter().position(|c| c.is_ascii_digit()) {
                let extreme = [
                    "-1e308",
                    "1e999",
                    "NaN",
                    "-0",
                    "99999999999999999999",
                    "inf",
                ][usize::from(byte) % 6];
                b.splice(at + i..at + i + 1, extreme.bytes());
            }
        }
        _ => {
            // Rename the next quoted string, breaking an id or a reference.
            if let Some(i) = b[at..].iter().position(|&c| c == b'"') {
                let j = at + i;
                b.splice(j..j + 1, "\"zz".bytes());
            }
        }
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    /// Thousands of mutated scenario texts: the loader never panics, and every
    /// error names the file and a place in it.
    #[test]
    fn mutated_scenarios_never_panic(which in 0usize..5, kind in any::<u8>(), at in any::<usize>(), len in 0usize..64, byte in any::<u8>()) {
        let texts = [PLAN28, ORCHARD, BUNDLED[1].text, BUNDLED[2].text, BUNDLED[3].text];
        let bytes = mutate(texts[which], kind, at, len, byte);
        if let Err(e) = load_bytes("m.ron", &bytes) {
            let msg = e.to_string();
            prop_assert!(msg.starts_with("m.ron:"), "{}", msg);
            prop_assert!(msg.len() > 8);
        }
    }
}

/// The SPEC §9 bar: 0 panics over ≥ 100,000 fuzzed scenario inputs. Run with
/// `cargo test --release --test scenario_errors -- --ignored`.
#[test]
#[ignore]
fn fuzz_100k_scenarios() {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2025);
    let texts = [
        PLAN28,
        ORCHARD,
        BUNDLED[1].text,
        BUNDLED[2].text,
        BUNDLED[3].text,
    ];
    let mut errors = 0;
    for _ in 0..100_000 {
        let t = texts[rng.random_range(0..texts.len())];
        let mut bytes = t.as_bytes().to_vec();
        for _ in 0..rng.random_range(1..4) {
            let s = String::from_utf8_lossy(&bytes).into_owned();
            bytes = mutate(
                &s,
                rng.random(),
                rng.random::<u32>() as usize,
                rng.random_range(0..64),
                rng.random(),
            );
        }
        if load_bytes("f.ron", &bytes).is_err() {
            errors += 1;
        }
    }
    println!("100000 fuzzed scenarios: {errors} refused with a message, 0 panics");
    assert!(errors > 50_000);
}

#[test]
fn information_settings_default_from_the_rules_and_are_checked() {
    use backchannel::core::model::InfoSettings;
    let m = load_str("x.ron", ORCHARD).expect("orchard loads");
    assert_eq!(m.rules.info, InfoSettings::ALL, "everything on by default");
    let with = |info: &str| ORCHARD.replacen("rules: (", &format!("rules: ({info}"), 1);
    let m = load_str(
        "x.ron",
        &with("info: (others_acceptance: false, ai_reasons: false), advisor: false, "),
    )
    .expect("loads");
    assert_eq!(
        m.rules.info,
        InfoSettings {
            advisor: false,
            what_if: false,
            others_acceptance: false,
            ai_reasons: false
        }
    );
    let m = load_str("x.ron", &with("info: (what_if: false), ")).expect("loads");
    assert!(m.rules.info.advisor && !m.rules.info.what_if);
    let e = err(&with("advisor: false, info: (advisor: true), "));
    assert!(
        e.contains("rules.info.advisor") && e.contains("rules.advisor is false"),
        "{e}"
    );
    let e = err(&with("info: (previews: false), "));
    assert!(e.contains("previews"), "{e}");
}
