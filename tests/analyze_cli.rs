//! `analyze` and `generate` from the command line.

use std::process::Command;

fn bc(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_backchannel"))
        .args(args)
        .output()
        .expect("run backchannel")
}

#[test]
fn analyze_plan28_json_has_the_compromise_in_a_non_empty_zopa() {
    let out = bc(&["analyze", "plan28", "--json", "--pareto-cap", "5"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(v["zopa_count"].as_u64().unwrap() > 0);
    for key in [
        "space_size",
        "exact",
        "pareto_count",
        "pareto",
        "nash",
        "kalai_smorodinsky",
        "utilitarian",
        "parties",
    ] {
        assert!(v.get(key).is_some(), "{key}");
    }
    assert_eq!(v["nash"]["clauses"]["p21"], "zone_russian_police");
    assert!(
        v["parties"]["ua"]["clauses"]["p21"]["drafted"]
            .as_f64()
            .is_some()
    );
    assert!(v["parties"]["ua"]["combinations"].is_object());
    assert_eq!(v["draft"]["in_zopa"], false);
    // The nearest-text search has a node budget: a distance, when found, is
    // at least one change (the draft is not in the ZOPA).
    assert!(
        v["draft"]["distance_to_zopa"]
            .as_u64()
            .is_none_or(|d| d >= 1)
    );
}

#[test]
fn analyze_every_bundled_scenario_in_text() {
    for s in backchannel::scenario::bundled::BUNDLED.iter().map(|b| b.id) {
        // A small time budget: the text and its labels are what this checks.
        let out = bc(&["analyze", s, "--budget", "1"]);
        assert!(
            out.status.success(),
            "{s}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("ZOPA"), "{s}");
    }
}

#[test]
fn generate_passes_check_and_analyze_counts_its_zopa() {
    let out = bc(&[
        "generate",
        "--clauses",
        "10",
        "--parties",
        "3",
        "--seed",
        "5",
    ]);
    assert!(out.status.success());
    let dir = std::env::temp_dir().join(format!("bc-gen-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("g.ron");
    std::fs::write(&file, &out.stdout).unwrap();
    let f = file.to_str().unwrap();
    assert!(bc(&["check", f]).status.success());
    let out = bc(&["analyze", f, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["space_size"], 1024);
    assert_eq!(v["exact"], true);
    assert!(v["zopa_count"].as_u64().unwrap() > 0);
    let again = bc(&[
        "generate",
        "--clauses",
        "10",
        "--parties",
        "3",
        "--seed",
        "5",
    ]);
    assert_eq!(
        again.stdout,
        std::fs::read(&file).unwrap(),
        "same seed, same scenario"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_flags_exit_2() {
    for args in [
        &["analyze"][..],
        &["analyze", "plan28", "--bogus"],
        &["analyze", "no-such-scenario.ron"],
        &["analyze", "plan28", "--save", "/no/such/save.json"],
        &["generate", "--clauses", "0", "--parties", "3"],
        &["generate", "--clauses", "4", "--parties", "1"],
        &["generate", "--clauses", "x", "--parties", "2"],
        &["generate", "--parties", "2"],
    ] {
        assert_eq!(bc(args).status.code(), Some(2), "{args:?}");
    }
}
