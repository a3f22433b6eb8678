//! The debrief report: golden Markdown and JSON of scripted games, HTML that
//! is well-formed, self-contained and escapes what scenarios say, CSV, the
//! comparison of several tables, and the `report` command.

mod common;

use backchannel::engine::Game;
use backchannel::report::{Format, ReportError, Table, render, write_report};
use common::{ORCHARD, model, play, play_some, save, scratch};
use std::path::Path;
use std::process::Command;

fn table(name: &str, source: &str, game: Game) -> Table {
    (name.to_string(), save(&game, source), game)
}

fn orchard(seed: u64, slack: f64) -> Game {
    play(model(ORCHARD), seed, slack)
}

/// Compare with a golden file; `UPDATE_GOLDEN=1` rewrites it.
fn golden(name: &str, text: &str) {
    let path = Path::new("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, text).expect("write golden");
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with UPDATE_GOLDEN=1 to create it)",
            path.display()
        )
    });
    if want != text {
        let line = want
            .lines()
            .zip(text.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(want.lines().count().min(text.lines().count()));
        panic!(
            "{} differs from the report at line {}:\n  golden: {:?}\n  report: {:?}\n(run with UPDATE_GOLDEN=1 if the change is intended)",
            path.display(),
            line + 1,
            want.lines().nth(line),
            text.lines().nth(line)
        );
    }
}

#[test]
fn markdown_and_json_of_a_scripted_game_are_pinned() {
    let tables = [table("orchard-seed1.ron", ORCHARD, orchard(1, 0.5))];
    assert_eq!(tables[0].2.ending().map(|e| e.name()), Some("deal"));
    golden("report_orchard.md", &render(&tables, Format::Md).unwrap());
    golden(
        "report_orchard.json",
        &render(&tables, Format::Json).unwrap(),
    );
}

#[test]
fn comparison_of_two_tables_is_pinned() {
    let tables = [
        table("table-a.ron", ORCHARD, orchard(1, 0.5)),
        table("table-b.ron", ORCHARD, orchard(7, 0.5)),
    ];
    golden("report_compare.md", &render(&tables, Format::Md).unwrap());
    let json: serde_json::Value =
        serde_json::from_str(&render(&tables, Format::Json).unwrap()).unwrap();
    assert_eq!(
        json["comparison"]["tables"].as_array().map(Vec::len),
        Some(2)
    );
    assert_eq!(json["tables"].as_array().map(Vec::len), Some(2));
}

#[test]
fn same_game_gives_byte_identical_reports() {
    for format in [Format::Md, Format::Html, Format::Json, Format::Csv] {
        let a = render(&[table("t.ron", ORCHARD, orchard(3, 0.5))], format).unwrap();
        let b = render(&[table("t.ron", ORCHARD, orchard(3, 0.5))], format).unwrap();
        assert_eq!(a, b, "{format:?}");
    }
}

/// A small XML well-formedness check: tags balance, attributes are quoted,
/// no raw `<` in text, and `&` only starts a known entity.
fn check_well_formed(doc: &str) -> Result<(), String> {
    let body = doc
        .strip_prefix("<!DOCTYPE html>\n")
        .ok_or("missing <!DOCTYPE html>")?;
    let mut stack: Vec<String> = Vec::new();
    let bytes = body.as_bytes();
    let mut i = 0;
    let at = |i: usize| format!("byte {i}: {:?}", &body[i..body.len().min(i + 60)]);
    while i < bytes.len() {
        match bytes[i] {
            b'<' => {
                let end = body[i..]
                    .find('>')
                    .ok_or_else(|| format!("unclosed tag at {}", at(i)))?
                    + i;
                let tag = &body[i + 1..end];
                if let Some(name) = tag.strip_prefix('/') {
                    let open = stack
                        .pop()
                        .ok_or_else(|| format!("stray </{name}> at {}", at(i)))?;
                    if open != name {
                        return Err(format!("<{open}> closed by </{name}> at {}", at(i)));
                    }
                } else {
                    let self_closing = tag.ends_with('/');
                    let tag = tag.trim_end_matches('/');
                    let name: String = tag
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric())
                        .collect();
                    if name.is_empty() {
                        return Err(format!("bad tag at {}", at(i)));
                    }
                    if tag[name.len()..].matches('"').count() % 2 != 0 {
                        return Err(format!("unbalanced quotes at {}", at(i)));
                    }
                    if tag.contains('<') {
                        return Err(format!("'<' inside a tag at {}", at(i)));
                    }
                    if !self_closing {
                        stack.push(name);
                    }
                }
                i = end + 1;
            }
            b'&' => {
                let rest = &body[i..];
                if !["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                    .iter()
                    .any(|e| rest.starts_with(e))
                {
                    return Err(format!("bare & at {}", at(i)));
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    if stack.is_empty() {
        Ok(())
    } else {
        Err(format!("unclosed elements: {stack:?}"))
    }
}

fn assert_self_contained(doc: &str) {
    let lower = doc.to_ascii_lowercase();
    for bad in [
        "<script",
        "src=\"http",
        "href=\"http",
        "src='http",
        "href='http",
        "@import",
        "url(",
        "<link",
        "<iframe",
        "<img",
        "javascript:",
        " on",
    ] {
        if bad == " on" {
            // No inline event handlers (onload=, onclick=…) on any element.
            for tag in lower.split('<').skip(1) {
                let head = tag.split('>').next().unwrap_or("");
                assert!(
                    !head
                        .split_whitespace()
                        .skip(1)
                        .any(|a| a.starts_with("on") && a.contains('=')),
                    "an event handler attribute in <{head}>"
                );
            }
            continue;
        }
        assert!(!lower.contains(bad), "the HTML report contains {bad:?}");
    }
}

#[test]
fn html_is_well_formed_standalone_and_printable() {
    let single = render(
        &[table("orchard-seed7.ron", ORCHARD, orchard(7, 0.5))],
        Format::Html,
    )
    .unwrap();
    let multi = render(
        &[
            table("a.ron", ORCHARD, orchard(7, 0.5)),
            table("b.ron", ORCHARD, orchard(11, 3.0)),
        ],
        Format::Html,
    )
    .unwrap();
    for doc in [&single, &multi] {
        check_well_formed(doc).unwrap();
        assert_self_contained(doc);
        assert!(doc.contains("@media print"));
        assert!(doc.contains("<svg"), "the report has charts");
        assert!(doc.contains("Checksum"));
    }
    // One chart per metric, and the comparison overlays the tables.
    assert_eq!(single.matches("<figure>").count(), 2);
    assert_eq!(multi.matches("<figure>").count(), 2 + 2 * 2);
    // The turning points are marked on each table's charts (not on the
    // comparison's), with a key under them.
    let json = render(
        &[table("orchard-seed7.ron", ORCHARD, orchard(7, 0.5))],
        Format::Json,
    )
    .unwrap();
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let turns = json["tables"][0]["turning_points"]
        .as_array()
        .map_or(0, Vec::len);
    assert!(turns > 0, "the scripted game has a turning point");
    assert_eq!(single.matches("<g class=\"turn\">").count(), 2 * turns);
    assert!(single.contains("<p class=\"legend\">"));
    assert!(single.contains("Turning point"));
    assert!(multi.contains("Clauses each table changed"));
}

#[test]
fn the_checker_catches_broken_markup() {
    assert!(check_well_formed("<!DOCTYPE html>\n<p><b>x</p></b>").is_err());
    assert!(check_well_formed("<!DOCTYPE html>\n<p>a < b</p>").is_err());
    assert!(check_well_formed("<!DOCTYPE html>\n<p>a & b</p>").is_err());
    assert!(check_well_formed("<!DOCTYPE html>\n<p>a &amp; b<br /></p>").is_ok());
}

const HOSTILE: &str = "<script>alert(1)</script>";

/// The fixture with script tags and quotes in every kind of text a report shows.
fn hostile_scenario(dir: &Path) -> String {
    let text = std::fs::read_to_string(ORCHARD).unwrap();
    let evil = HOSTILE.replace('"', "\\\"");
    let text = text
        .replace(
            "\"The shared orchard\"",
            &format!("\"Orchard {evil} \\\"q\\\" 'a' & b\""),
        )
        .replace("\"Harvest split\"", &format!("\"Split {evil}\""))
        .replace("\"North Farm\"", &format!("\"North {evil}\""))
        .replace("\"equal halves\"", &format!("\"halves {evil}\""))
        .replace(
            "\"The fair is in a week: buyers want a deal now.\"",
            "\"Fair <img src=x onerror=alert(2)>\"",
        )
        .replace(
            "\"No equal split of the harvest\"",
            &format!("\"line {evil}\""),
        )
        .replace("\"Pickers' pay\"", "\"Pay <img src=x onerror=alert(2)>\"")
        .replace("\"Share a cider\"", &format!("\"cider {evil}\""))
        .replace("\"Hailstorm\"", &format!("\"Hail {evil}\""))
        .replace("\"Trust\"", &format!("\"Trust {evil}\""));
    let path = dir.join("hostile.ron");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn scenario_text_is_escaped_everywhere() {
    let dir = scratch("hostile");
    let source = hostile_scenario(&dir);
    let m = model(&source);
    assert!(
        m.scenario.meta.title.contains(HOSTILE),
        "the fixture carries the script"
    );
    let tables = [
        table(&format!("{HOSTILE}.ron"), &source, play(m.clone(), 7, 0.5)),
        table("b.ron", &source, play(m, 1, 0.5)),
    ];
    let html = render(&tables, Format::Html).unwrap();
    check_well_formed(&html).unwrap();
    assert_self_contained(&html);
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&lt;img src=x onerror=alert(2)&gt;"));
    let md = render(&tables, Format::Md).unwrap();
    let raw = md
        .match_indices('<')
        .filter(|(i, _)| !md[..*i].ends_with('\\'))
        .count();
    assert_eq!(raw, 0, "Markdown carries raw HTML");
    assert!(md.contains("\\<script\\>alert(1)\\</script\\>"));
    let json = render(&tables, Format::Json).unwrap();
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        parsed["tables"][0]["scenario"]["title"].as_str().unwrap(),
        m_title(&source),
        "JSON keeps the text exact"
    );
    let _ = std::fs::remove_dir_all(dir);
}

fn m_title(source: &str) -> String {
    model(source).scenario.meta.title.clone()
}

#[test]
fn csv_has_one_row_per_round_per_table() {
    let a = orchard(7, 0.5);
    let b = orchard(11, 3.0);
    let rows = a.history().len().max(1) + b.history().len().max(1);
    let csv = render(
        &[table("a.ron", ORCHARD, a), table("b.ron", ORCHARD, b)],
        Format::Csv,
    )
    .unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("table,scenario,seed,round,trust,deal,likelihood,outcome")
    );
    let body: Vec<&str> = lines.collect();
    assert!(
        body.len() >= rows,
        "{} rows for {rows} history points",
        body.len()
    );
    assert!(
        body.iter()
            .all(|l| l.starts_with("a.ron,orchard,7,") || l.starts_with("b.ron,orchard,11,"))
    );
}

#[test]
fn a_game_in_progress_is_reported_as_such() {
    let game = play_some(model(ORCHARD), 5, 7);
    assert!(game.ending().is_none());
    let md = render(&[table("live.ron", ORCHARD, game)], Format::Md).unwrap();
    assert!(md.contains("**In progress**"), "{md}");
    assert!(md.contains("these are the current draft's figures"));
}

#[test]
fn saves_of_different_scenarios_are_refused() {
    let other = play(model("tutorial"), 1, 0.5);
    let tables = [
        table("a.ron", ORCHARD, orchard(7, 0.5)),
        table("b.ron", "tutorial", other),
    ];
    let err = render(&tables, Format::Md).unwrap_err();
    assert!(matches!(err, ReportError::Mixed(_)));
    let text = err.to_string();
    assert!(
        text.contains("a.ron") && text.contains("b.ron") && text.contains("orchard"),
        "{text}"
    );
    assert!(render(&[], Format::Md).is_err());
}

#[test]
fn write_report_writes_atomically_where_asked() {
    let dir = scratch("write-report");
    let out = dir.join("sub/debrief.html");
    // Reports go into an existing folder (a missing one is an error).
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    let text = write_report(
        &[table("t.ron", ORCHARD, orchard(7, 0.5))],
        Format::Html,
        Some(&out),
    )
    .unwrap();
    assert_eq!(std::fs::read_to_string(&out).unwrap(), text);
    let leftovers: Vec<_> = std::fs::read_dir(dir.join("sub")).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
    let _ = std::fs::remove_dir_all(dir);
}

fn backchannel(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_backchannel"))
        .args(args)
        .output()
        .expect("run backchannel")
}

#[test]
fn report_command_prints_writes_and_compares() {
    let dir = scratch("report-cli");
    let a = dir.join("a.ron");
    let b = dir.join("b.ron");
    save(&orchard(7, 0.5), ORCHARD).write(&a).unwrap();
    save(&orchard(11, 3.0), ORCHARD).write(&b).unwrap();
    let a_s = a.to_str().unwrap();
    let b_s = b.to_str().unwrap();

    let out = backchannel(&["report", a_s]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.starts_with("# Debrief: The shared orchard"));

    let html = dir.join("out/debrief.html");
    std::fs::create_dir_all(dir.join("out")).unwrap();
    let out = backchannel(&[
        "report",
        a_s,
        b_s,
        "--format",
        "html",
        "--out",
        html.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    let doc = std::fs::read_to_string(&html).unwrap();
    check_well_formed(&doc).unwrap();
    assert!(doc.contains("Comparison"));

    for format in ["json", "csv"] {
        let out = backchannel(&["report", a_s, "--format", format]);
        assert_eq!(out.status.code(), Some(0), "{format}");
    }
    let out = backchannel(&["report", a_s, "--format", "pdf"]);
    assert_eq!(out.status.code(), Some(2));
    let out = backchannel(&["report"]);
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(dir);
}
