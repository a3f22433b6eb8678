//! The control-character rule (tests/hostile) on every text output of random
//! scenarios: random strings, rich in every forbidden class, in the orchard's
//! text fields and names, then the check summary, the run transcript (text,
//! JSON lines, CSV), the analysis (text, JSON), a sweep (text, JSON, CSV) and
//! the report (Markdown, HTML, JSON, CSV) — or the validation errors.

mod hostile;

use backchannel::analysis::{self, Limits};
use backchannel::report::{self, Format};
use backchannel::runner::{output, sweep};
use backchannel::save::Save;
use backchannel::scenario::load_str;
use backchannel::table::{self, SeatPolicy, Table};
use hostile::{assert_clean, swap};
use proptest::prelude::*;
use std::sync::Arc;

/// The fixture's text fields the random strings go into.
const FIELDS: [&str; 12] = [
    "\"The shared orchard\"",
    "\"How far the neighbours trust each other.\"",
    "\"The older farm, with most of the trees.\"",
    "\"Split by trees owned\"",
    "\"No equal split of the harvest\"",
    "\"Harvest split\"",
    "\"by trees owned\"",
    "\"Split in equal halves.\"",
    "\"Pickers paid first beside a split by hours\"",
    "\"County fair\"",
    "\"The fair is in a week: buyers want a deal now.\"",
    "\"Trust has broken down\"",
];

/// Names, which validation refuses with a control character: sometimes hostile.
const NAMES: [&str; 2] = ["\"Co-operative\"", "\"Share a cider\""];

/// A character: often one of the forbidden or tricky classes, else any.
fn any_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => prop::sample::select(vec![
            '\u{0}', '\u{7}', '\u{8}', '\t', '\n', '\r', '\u{b}', '\u{1b}', '\u{1f}', '\u{7f}',
            '\u{80}', '\u{85}', '\u{9b}', '\u{9d}', '\u{9f}', '\u{202a}', '\u{202e}', '\u{2066}',
            '\u{2069}', '\u{200b}', '\u{200d}', '\u{2028}', '\u{feff}', '[', ']', '(', ')', '<',
            '>', '!', '&', '|', '`', '*', '=', '+', '-', '@', '\\', '"', 'é', 'Я',
        ]),
        2 => prop::char::range(' ', '~'),
        1 => any::<char>(),
    ]
}

/// A RON string literal holding `s` (only `"` and `\` need escaping).
fn ron_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

fn every_output(text: &str, seed: u64) -> Result<(), TestCaseError> {
    let model = match load_str("fuzz.ron", text) {
        Ok(m) => Arc::new(m),
        Err(e) => {
            // A name with a control character, or a title with nothing left.
            assert_clean("the validation error", e.to_string().as_bytes());
            return Ok(());
        }
    };
    let summary = backchannel::cli::check::summary("fuzz.ron", &model);
    assert_clean("check --json", summary.to_string().as_bytes());

    let seats = vec![SeatPolicy::Ai(None); model.parties.len()];
    let options = table::Options {
        record: true,
        ..table::Options::default()
    };
    let mut table = Table::new(Arc::clone(&model), seed, seats, options).expect("AI seats");
    table.play().expect("the game ends");
    let game = table.game().clone();
    let names: Vec<(String, String)> = model
        .scenario
        .parties
        .iter()
        .map(|p| (p.id.clone(), "ai".to_string()))
        .collect();
    let transcript = table.narrations();
    assert_clean(
        "run text",
        output::text(&game, transcript, &names).as_bytes(),
    );
    assert_clean("run json", output::json_lines(&game, transcript).as_bytes());
    assert_clean("run csv", output::csv(&game).as_bytes());

    let a = analysis::analyze(&model, &model.initial_package().options, Limits::default());
    assert_clean(
        "analyze",
        backchannel::cli::analyze::text(&model, &a).as_bytes(),
    );
    let json = analysis::json::report(&model, &a).to_string();
    assert_clean("analyze --json", json.as_bytes());

    let ai = sweep::seats(&model, &[]).expect("sweep seats");
    let results = sweep::run(&model, &ai, 8, seed, |_| {});
    let stats = sweep::Summary::of(&model, &ai, seed, &results);
    assert_clean("sweep", stats.text().as_bytes());
    assert_clean("sweep --json", stats.json().to_string().as_bytes());
    assert_clean("sweep --csv", sweep::csv(&model, &results).as_bytes());

    let save = Save::of(&game, "fuzz.ron", names);
    let tables = [("fuzz.ron".to_string(), save, game)];
    for format in [Format::Md, Format::Html, Format::Json, Format::Csv] {
        let text = report::render(&tables, format).expect("a report");
        assert_clean(&format!("report {format:?}"), text.as_bytes());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn no_output_holds_a_control_character(
        texts in prop::collection::vec(prop::collection::vec(any_char(), 0..24), FIELDS.len()),
        names in prop::collection::vec(
            prop::option::weighted(0.2, prop::collection::vec(any_char(), 0..8)),
            NAMES.len(),
        ),
        seed in 0u64..1000,
    ) {
        let mut s = std::fs::read_to_string("tests/fixtures/orchard.ron").expect("the fixture");
        let names = NAMES.iter().zip(&names).filter_map(|(f, n)| n.as_ref().map(|n| (f, n)));
        for (field, chars) in FIELDS.iter().zip(&texts).chain(names) {
            // Keep a letter so that a title is never empty by chance alone.
            let text: String = std::iter::once('x').chain(chars.iter().copied()).collect();
            swap(&mut s, field, &ron_string(&text));
        }
        every_output(&s, seed)?;
    }
}
