//! Printing: headless Chromium renders a role sheet and a table's debrief to
//! PDF, and the page counts stay within what a class prints (a role sheet on
//! one page, a table's summary on at most two). Skipped, with a notice, where
//! Chromium is not installed (`.ci/run` installs it).

mod common;

use common::scratch;
use std::path::Path;
use std::process::Command;

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser"].into_iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

fn backchannel(args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_backchannel"))
        .args(args)
        .output()
        .expect("run backchannel");
    assert!(
        out.status.success(),
        "backchannel {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Print `html` to PDF and count its pages.
fn pages(chrome: &str, html: &Path) -> usize {
    let pdf = html.with_extension("pdf");
    let dir = html.parent().expect("folder").join("profile");
    let out = Command::new(chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            &format!("--user-data-dir={}", dir.display()),
            &format!("--print-to-pdf={}", pdf.display()),
        ])
        .arg(format!("file://{}", html.display()))
        .output()
        .expect("run chromium");
    let bytes = std::fs::read(&pdf).unwrap_or_else(|e| {
        panic!(
            "no PDF from chromium ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    count_pages(&bytes)
}

/// The pages of a PDF: the `/Type /Page` objects (not `/Pages`).
fn count_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    let mut n = 0;
    let mut rest = text.as_ref();
    while let Some(i) = rest.find("/Type") {
        rest = &rest[i + 5..];
        let t = rest.trim_start();
        if t.starts_with("/Page") && !t.starts_with("/Pages") {
            n += 1;
        }
    }
    n
}

#[test]
fn a_role_sheet_prints_on_one_page_and_a_tables_debrief_on_two_at_most() {
    let Some(chrome) = chromium() else {
        eprintln!("print test skipped: chromium is not installed (apt-get install chromium)");
        return;
    };
    let d = scratch("sheets");
    for party in ["us", "ua", "ru", "eu"] {
        let html = d.join(format!("{party}.html"));
        backchannel(&[
            "brief",
            "plan28",
            "--party",
            party,
            "--format",
            "html",
            "--out",
            html.to_str().expect("path"),
        ]);
        let n = pages(chrome, &html);
        assert!(n == 1, "{party}'s role sheet prints on {n} pages");
    }
    let teacher = d.join("teacher.html");
    backchannel(&[
        "brief",
        "plan28",
        "--teacher",
        "--format",
        "html",
        "--out",
        teacher.to_str().expect("path"),
    ]);
    let n = pages(chrome, &teacher);
    assert!(
        (1..=2).contains(&n),
        "the teacher's sheet prints on {n} pages"
    );
    // A whole game, then its debrief.
    let save = d.join("game.ron");
    backchannel(&[
        "run",
        "plan28",
        "--seed",
        "5",
        "--save",
        save.to_str().expect("path"),
        "--out",
        d.join("transcript.txt").to_str().expect("path"),
    ]);
    let report = d.join("debrief.html");
    backchannel(&[
        "report",
        save.to_str().expect("path"),
        "--format",
        "html",
        "--out",
        report.to_str().expect("path"),
    ]);
    let n = pages(chrome, &report);
    assert!(
        (1..=2).contains(&n),
        "one table's debrief prints on {n} pages (A4)"
    );
    // The same on US Letter (shorter, wider).
    let text = std::fs::read_to_string(&report).expect("report");
    assert!(
        text.contains("size: A4;"),
        "the print CSS names its page size"
    );
    let letter = d.join("debrief-letter.html");
    std::fs::write(&letter, text.replace("size: A4;", "size: letter;")).expect("write");
    let n = pages(chrome, &letter);
    assert!(
        (1..=2).contains(&n),
        "one table's debrief prints on {n} pages (Letter)"
    );
    // Several tables: the comparison, then each table from a new page on at
    // most two pages.
    let other = d.join("game2.ron");
    backchannel(&[
        "run",
        "plan28",
        "--seed",
        "2",
        "--save",
        other.to_str().expect("path"),
        "--out",
        d.join("transcript2.txt").to_str().expect("path"),
    ]);
    let both = d.join("both.html");
    backchannel(&[
        "report",
        save.to_str().expect("path"),
        other.to_str().expect("path"),
        "--format",
        "html",
        "--out",
        both.to_str().expect("path"),
    ]);
    let n = pages(chrome, &both);
    assert!(
        (3..=6).contains(&n),
        "a comparison and two tables print on {n} pages"
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn the_page_counter_counts_pages_not_the_page_tree() {
    let pdf =
        b"1 0 obj << /Type /Pages /Count 2 >> 2 0 obj << /Type /Page >> 3 0 obj <</Type/Page>>";
    assert_eq!(count_pages(pdf), 2);
}
