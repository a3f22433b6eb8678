//! Terminal injection: a scenario, script, save or bot downloaded from the web
//! must not control the user's terminal. Every command's stdout, stderr and
//! written files are scanned for forbidden code points (tests/hostile).

mod hostile;

mod common;

use common::{scratch, write};
use hostile::{EVIL, MARKUP, TITLE, assert_clean, forbidden, orchard, swap};
use std::path::Path;
use std::process::{Command, Output};

/// Run the binary in `dir`; both streams must be clean, whatever the status.
fn bc(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_backchannel"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run backchannel");
    let what = args.join(" ");
    assert_clean(&format!("stdout of `{what}`"), &out.stdout);
    assert_clean(&format!("stderr of `{what}`"), &out.stderr);
    out
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = bc(dir, args);
    assert!(
        out.status.success(),
        "`{}`: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn fails(dir: &Path, args: &[&str]) -> String {
    let out = bc(dir, args);
    assert_eq!(out.status.code(), Some(2), "`{}`", args.join(" "));
    String::from_utf8(out.stderr).expect("UTF-8")
}

fn file_clean(path: &Path) -> String {
    let bytes = std::fs::read(path).expect("an output file");
    assert_clean(&path.display().to_string(), &bytes);
    String::from_utf8(bytes).expect("UTF-8")
}

/// No transcript line can be forged: the hostile text's own lines never start one.
fn no_forged_lines(what: &str, text: &str) {
    for line in text.lines() {
        let t = line.trim_start();
        assert!(
            !t.starts_with("== Round 9") && !t.starts_with("forged"),
            "{what}: a forged line: {line:?}"
        );
    }
}

#[test]
fn check_analyze_and_sweep_print_no_control_characters() {
    // The fixture keeps its teeth (else every test here would pass vacuously).
    assert!(TITLE.chars().any(forbidden));
    assert!(EVIL.contains('\u{1b}') && EVIL.contains('\u{202e}') && EVIL.contains('\u{9b}'));
    assert!(orchard().matches('\u{1b}').count() > 40);
    let dir = scratch("check");
    write(&dir, "orchard.ron", &orchard());
    let text = ok(&dir, &["check", "orchard.ron"]);
    assert!(text.contains("Orchard]0;pwned]52;c;cHduZWQ=[2J"), "{text}");
    ok(&dir, &["check", "orchard.ron", "--json"]);
    for args in [
        &["analyze", "orchard.ron"][..],
        &["analyze", "orchard.ron", "--json"],
        &["sweep", "orchard.ron", "--runs", "30"],
        &[
            "sweep",
            "orchard.ron",
            "--runs",
            "30",
            "--json",
            "--csv",
            "games.csv",
        ],
    ] {
        let out = ok(&dir, args);
        no_forged_lines(&args.join(" "), &out);
    }
    file_clean(&dir.join("games.csv"));
}

#[test]
fn run_prints_no_control_characters_in_any_format() {
    let dir = scratch("run");
    write(&dir, "orchard.ron", &orchard());
    for seed in ["1", "2", "3", "4", "5"] {
        let text = ok(&dir, &["run", "orchard.ron", "--seed", seed]);
        assert!(text.starts_with("Orchard]0;pwned"), "{text}");
        no_forged_lines("run text", &text);
        for line in ok(
            &dir,
            &["run", "orchard.ron", "--seed", seed, "--format", "json"],
        )
        .lines()
        {
            let _: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        }
        ok(
            &dir,
            &["run", "orchard.ron", "--seed", seed, "--format", "csv"],
        );
    }
    ok(&dir, &["run", "orchard.ron", "--out", "run.txt"]);
    no_forged_lines("run --out", &file_clean(&dir.join("run.txt")));
}

#[test]
fn hostile_ids_and_names_are_refused_with_their_field_path() {
    let dir = scratch("ids");
    let mut s = orchard();
    swap(&mut s, "(id: \"south\"", "(id: \"south\u{1b}[2J\"");
    swap(
        &mut s,
        "name: \"North Farm\"",
        "name: \"North\u{202e}Farm\"",
    );
    swap(
        &mut s,
        "allies: [\"coop\"]",
        "allies: [\"co\u{1b}]0;pwned\u{7}op\"]",
    );
    swap(&mut s, "short: \"CO\"", "short: \"C\nO\"");
    write(&dir, "ids.ron", &s);
    let err = fails(&dir, &["check", "ids.ron"]);
    for expected in [
        "parties[1].id: contains a control character (U+001B)",
        "parties[0].name: contains a control character (U+202E)",
        "parties[2].short: contains a control character (U+000A)",
        "unknown party 'co]0;pwnedop'",
    ] {
        assert!(err.contains(expected), "{expected:?} in\n{err}");
    }
    let out = bc(&dir, &["check", "ids.ron", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(
        v["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .any(|e| e["path"] == "parties[1].id"),
        "{v}"
    );
    for cmd in ["run", "analyze"] {
        fails(&dir, &[cmd, "ids.ron"]);
    }
    fails(&dir, &["sweep", "ids.ron", "--runs", "2"]);
    // A hostile file name is echoed by every message about it.
    write(&dir, "\u{1b}]0;pwned\u{7}.ron", "(meta: oops");
    fails(&dir, &["check", "\u{1b}]0;pwned\u{7}.ron"]);
    fails(&dir, &["check", "missing\u{1b}[2J\u{9b}.ron"]);
    fails(
        &dir,
        &["run", "orchard\u{1b}[2J", "--seat", "x\u{1b}]0;t\u{7}=ai"],
    );
}

#[test]
fn a_hostile_script_cannot_reach_the_terminal() {
    let dir = scratch("script");
    write(&dir, "orchard.ron", &orchard());
    write(
        &dir,
        "moves.ron",
        "(rounds: [(round: 1, moves: [Stance(party: \"north\u{1b}]0;pwned\u{7}\", clause: \"split\u{202e}\", stance: \"accept\u{1b}[2J\")])])",
    );
    let err = fails(&dir, &["run", "orchard.ron", "--script", "moves.ron"]);
    assert!(err.contains("moves.ron"), "{err}");
    write(
        &dir,
        "stance.ron",
        "(rounds: [(round: 1, moves: [Stance(party: \"north\", clause: \"split\", stance: \"propose:\u{1b}[2J\u{9b}x\")])])",
    );
    fails(&dir, &["run", "orchard.ron", "--script", "stance.ron"]);
    // An exec: seat from the script is echoed in the seats line and the save.
    write(
        &dir,
        "seats.ron",
        "(seats: {\"south\": \"exec:true \u{1b}]0pwned\u{7}\u{202e}\"})",
    );
    let text = ok(
        &dir,
        &[
            "run",
            "orchard.ron",
            "--script",
            "seats.ron",
            "--allow-exec",
            "--save",
            "s.ron",
            "--bot-timeout",
            "2",
        ],
    );
    assert!(text.contains("exec:true ]0pwned"), "{text}");
    for format in ["md", "html", "json", "csv"] {
        ok(&dir, &["report", "s.ron", "--format", format]);
    }
}

/// A bot that answers its first turn with escape-laden garbage, then moves
/// with a hostile `reason`, and votes with one.
const BOT: &str = r#"#!/bin/sh
n=0
while IFS= read -r line; do
  case "$line" in
    *'"type":"turn"'*)
      n=$((n+1))
      id=$(printf '%s' "$line" | sed -n 's/^{"type":"[a-z_]*","id":\([0-9]*\).*/\1/p')
      if [ "$n" -eq 1 ]; then
        printf '\033]0;pwned\007 not json \033[2J\302\233\n'
        printf '{"id":%s,"moves":%s}\n' "$id" '"\u001b]0;pwned"'
      else
        printf '{"id":%s,' "$id"
        printf '%s\n' '"moves":[{"type":"stance","party":"south","clause":"split","stance":"reject"},{"type":"end_turn","party":"south"}],"reason":"\u001b]0;pwned\u0007because\n== Round 9 ==\u202e\u009b2J\u007f"}'
      fi;;
    *'"type":"vote"'*)
      id=$(printf '%s' "$line" | sed -n 's/^{"type":"[a-z_]*","id":\([0-9]*\).*/\1/p')
      printf '{"id":%s,' "$id"
      printf '%s\n' '"sign":false,"reason":"\u001b]52;c;cHduZWQ=\u0007no\r\nforged line\u2066"}';;
    *'"type":"end"'*) exit 0;;
  esac
done
"#;

#[test]
fn a_bots_words_cannot_reach_the_terminal() {
    let dir = scratch("bot");
    write(&dir, "orchard.ron", &orchard());
    let bot = write(&dir, "bot.sh", BOT);
    let seat = format!("south=exec:sh {}", bot);
    for seed in ["1", "2"] {
        let text = ok(
            &dir,
            &["run", "orchard.ron", "--seat", &seat, "--seed", seed],
        );
        assert!(text.contains("forfeits"), "{text}");
        assert!(
            text.contains("because"),
            "the bot's reason is shown:\n{text}"
        );
        no_forged_lines("run with a bot", &text);
        ok(
            &dir,
            &[
                "run",
                "orchard.ron",
                "--seat",
                &seat,
                "--seed",
                seed,
                "--format",
                "json",
            ],
        );
    }
}

#[test]
fn a_hostile_save_and_file_name_cannot_reach_the_terminal_or_a_spreadsheet() {
    let dir = scratch("save");
    write(&dir, "orchard.ron", &orchard());
    ok(&dir, &["run", "orchard.ron", "--save", "game.ron"]);
    let mut save = std::fs::read_to_string(dir.join("game.ron")).expect("the save");
    swap(&mut save, "\"ai:steady\"", &format!("\"ai:steady{EVIL}\""));
    swap(
        &mut save,
        "saved: \"\"",
        &format!("saved: \"2026\u{1b}[2J{MARKUP}\""),
    );
    let name = "=HYPERLINK(\"evil\")\u{1b}]0;pwned\u{7}.ron";
    write(&dir, name, &save);
    for format in ["md", "html", "json", "csv"] {
        let text = ok(&dir, &["report", name, "--format", format]);
        let out = format!("report.{format}");
        ok(&dir, &["report", name, "--format", format, "--out", &out]);
        assert_eq!(file_clean(&dir.join(&out)), text);
        match format {
            "md" => {
                // Links, images, autolinks and tags from the scenario stay text.
                for live in ["[click](", "![img](", "<http://", "<img"] {
                    let unescaped = text
                        .match_indices(live)
                        .any(|(i, _)| !text[..i].ends_with('\\'));
                    assert!(!unescaped, "{live:?} is live in\n{text}");
                }
                assert!(text.contains("\\[click\\](http://evil.example)"), "{text}");
                no_forged_lines("report md", &text);
            }
            "html" => {
                assert!(!text.contains("<img src=x"), "a raw tag in the HTML");
                assert!(text.contains("&lt;img src=x onerror=alert(1)&gt;"));
            }
            "csv" => {
                let mut rows = csv::Reader::from_reader(text.as_bytes());
                for row in rows.records() {
                    for cell in row.expect("a CSV row").iter() {
                        assert!(
                            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                            "a formula cell {cell:?}"
                        );
                    }
                }
                assert!(text.contains("'=HYPERLINK"), "{text}");
            }
            _ => {
                let v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
                assert!(!v.to_string().chars().any(forbidden));
            }
        }
    }
    // A save whose action names a hostile id: the error echoes it, cleaned.
    swap(
        &mut save,
        "party: \"north\"",
        "party: \"north\u{1b}]0;pwned\u{7}\u{202e}\"",
    );
    write(&dir, "bad.ron", &save);
    fails(&dir, &["report", "bad.ron"]);
    fails(&dir, &["analyze", "orchard.ron", "--save", "bad.ron"]);
}

/// An error quoting a field of a save, a script or a flag is one line: a line
/// break inside the field cannot forge a second message.
#[test]
fn errors_quoting_a_hostile_field_are_one_line() {
    let dir = scratch("one-line");
    write(
        &dir,
        "orchard.ron",
        &std::fs::read_to_string("tests/fixtures/orchard.ron").expect("orchard"),
    );
    ok(&dir, &["run", "orchard.ron", "--save", "game.ron"]);
    let save = std::fs::read_to_string(dir.join("game.ron")).expect("the save");
    let forge = "\u{1b}]0;pwned\u{7}\nbackchannel: forged\r\n";
    let one_line = |what: &str, err: &str| {
        assert_eq!(err.lines().count(), 1, "{what}: {err}");
        assert!(!err.contains('\r'), "{what}: {err:?}");
    };
    let source = save
        .lines()
        .find(|l| l.trim_start().starts_with("source:"))
        .expect("a source line")
        .to_string();
    for (name, from, to) in [
        (
            "party",
            "party: \"north\"",
            format!("party: \"north{forge}\""),
        ),
        (
            "stance",
            "stance: \"accept\"",
            format!("stance: \"accept{forge}\""),
        ),
        ("checksum", "checksum: \"", format!("checksum: \"{forge}")),
        (
            "source",
            source.as_str(),
            format!("source: \"orchard{forge}.ron\","),
        ),
    ] {
        let mut bad = save.clone();
        swap(&mut bad, from, &to);
        let file = format!("bad-{name}.ron");
        write(&dir, &file, &bad);
        one_line(&file, &fails(&dir, &["report", &file]));
        one_line(
            &file,
            &fails(&dir, &["analyze", "orchard.ron", "--save", &file]),
        );
    }
    // `resume` reads the seats of a save too (before it opens the terminal).
    let mut bad = save.clone();
    swap(&mut bad, "\"ai:steady\"", &format!("\"bogus{forge}\""));
    write(&dir, "bad-seat.ron", &bad);
    one_line("resume", &fails(&dir, &["resume", "bad-seat.ron"]));
    let escaped = "\\u{1b}]0;pwned\\u{7}\\nbackchannel: forged\\r\\n";
    for (name, script) in [
        (
            "seat",
            format!("(seats: {{\"north\": \"ai:x{escaped}\"}}, rounds: [])"),
        ),
        (
            "exec",
            format!("(seats: {{\"north\": \"exec:x{escaped}\"}}, rounds: [])"),
        ),
        (
            "party",
            format!("(rounds: [(round: 1, moves: [WalkOut(party: \"n{escaped}\")])])"),
        ),
        (
            "stance",
            format!(
                "(rounds: [(round: 1, moves: [Stance(party: \"north\", clause: \"split\", stance: \"a{escaped}\")])])"
            ),
        ),
    ] {
        let file = format!("script-{name}.ron");
        write(&dir, &file, &script);
        one_line(
            &file,
            &fails(&dir, &["run", "orchard.ron", "--script", &file]),
        );
    }
    let seat = "north=ai:x\nbackchannel: forged";
    one_line(
        seat,
        &fails(
            &dir,
            &["sweep", "orchard.ron", "--runs", "1", "--seat", seat],
        ),
    );
    // A sweep plays exec: seats (protocol v2): the command, quoted in the
    // summary's seats, stays on one line.
    let text = ok(
        &dir,
        &[
            "sweep",
            "orchard.ron",
            "--runs",
            "1",
            "--seat",
            "north=exec:x\nbackchannel: forged",
            "--bot-timeout",
            "1",
        ],
    );
    assert!(
        !text.lines().any(|l| l.starts_with("backchannel: forged")),
        "{text}"
    );
    assert!(text.contains("exec:x backchannel: forged"), "{text}");
    one_line(
        "run --seat",
        &fails(&dir, &["run", "orchard.ron", "--seat", "no\nrth=ai"]),
    );
}
