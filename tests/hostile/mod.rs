//! Hostile text for the terminal-injection tests: a scenario whose every text
//! field tries to control the terminal, and the rule every output must obey
//! (written out here, independently of `backchannel::text`).

#![allow(dead_code)]

/// Sets the window title (OSC 0), writes the clipboard (OSC 52), clears the screen.
pub const TITLE: &str = "Orchard\u{1b}]0;pwned\u{7}\u{1b}]52;c;cHduZWQ=\u{7}\u{1b}[2J";

/// Every forbidden class at once: CSI, BEL, C1 CSI, DEL, a bidi override and
/// isolate, CR LF and LF forging a transcript line, zero-width joiners, a BOM.
pub const EVIL: &str = "\u{1b}[31mred\u{1b}[0m\u{9b}2J\u{7f}\u{202e}gnp.exe\u{202c}\u{2066}x\u{2069}\r\n== Round 9 ==\n  forged\u{85}line\u{2028}a\u{200d}b\u{200c}c\u{200b}d\u{feff}\u{200f}\t.";

/// Markdown and HTML that would become a link, an image, an autolink and a tag.
pub const MARKUP: &str = "[click](http://evil.example) ![img](http://evil.example/x.png) <http://evil.example> <img src=x onerror=alert(1)>";

/// A code point no output may hold: below U+0020 but `\n` and `\t`, U+007F,
/// U+0080–U+009F, bidi embeddings, overrides and isolates.
pub fn forbidden(c: char) -> bool {
    (c < ' ' && c != '\n' && c != '\t')
        || ('\u{7f}'..='\u{9f}').contains(&c)
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// What a TUI cell may not hold beyond [`forbidden`]: line breaks, tabs, and
/// the zero-width and bidi marks.
pub fn invisible(c: char) -> bool {
    forbidden(c)
        || matches!(c,
            '\n' | '\t' | '\u{061c}' | '\u{180e}' | '\u{200b}'..='\u{200f}' | '\u{2028}' | '\u{2029}'
            | '\u{2060}'..='\u{206f}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}')
}

/// Panic, naming `what`, when `bytes` hold a forbidden code point (or bytes
/// that are not UTF-8: a lone 0x9B is a C1 CSI to some terminals).
pub fn assert_clean(what: &str, bytes: &[u8]) {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => panic!("{what}: not UTF-8 at byte {}", e.valid_up_to()),
    };
    if let Some((i, c)) = text.char_indices().find(|&(_, c)| forbidden(c)) {
        let from = text[..i].char_indices().rev().nth(40).map_or(0, |(j, _)| j);
        panic!(
            "{what}: U+{:04X} at byte {i}, after {:?}",
            c as u32,
            &text[from..i]
        );
    }
}

/// Replace `from` with `to` in `text`, insisting that it is there.
pub fn swap(text: &mut String, from: &str, to: &str) {
    assert!(text.contains(from), "the fixture no longer says {from:?}");
    *text = text.replacen(from, to, 1);
}

/// The orchard scenario with hostile text in every text field it has but the
/// ids and names (which validation refuses; see `hostile_text.rs`).
pub fn orchard() -> String {
    let mut s = std::fs::read_to_string("tests/fixtures/orchard.ron").expect("the orchard fixture");
    let evil = |prefix: &str| format!("{prefix}{EVIL} {MARKUP}");
    for (from, to) in [
        ("\"The shared orchard\"", format!("\"{TITLE}\"")),
        ("\"Two farms and", format!("\"{}Two farms and", evil(""))),
        (
            "\"How far the neighbours trust each other.\"",
            format!("\"{}\"", evil("Trust")),
        ),
        (
            "\"The older farm, with most of the trees.\"",
            format!("\"{}\"", evil("Older")),
        ),
        (
            "\"You own two thirds",
            format!("\"{}\u{1b}]52;c;cHduZWQ=\u{7}You own two thirds", evil("")),
        ),
        (
            "\"Split by trees owned\"",
            format!("\"{}\"", evil("By trees")),
        ),
        (
            "\"No equal split of the harvest\"",
            format!("\"{}\"", evil("No equal split")),
        ),
        (
            "\"Harvest split\"",
            format!("\"{}\"", evil("Harvest split")),
        ),
        (
            "\"The harvest is split between the farms.\"",
            format!("\"{}\"", evil("Split")),
        ),
        ("\"by trees owned\"", format!("\"{}\"", evil("by trees"))),
        ("\"equal halves\"", format!("\"{}\"", evil("halves"))),
        ("\"by hours picked\"", format!("\"{}\"", evil("by hours"))),
        ("\"paid first\"", format!("\"{}\"", evil("paid first"))),
        ("\"10% fee\"", format!("\"{}\"", evil("10%"))),
        ("\"5% fee\"", format!("\"{}\"", evil("5%"))),
        (
            "\"Split by the number of trees each farm owns.\"",
            format!("\"{}\"", evil("Wording")),
        ),
        (
            "\"Pickers paid first beside a split by hours\"",
            format!("\"{}\"", evil("Combination")),
        ),
        ("\"Hailstorm\"", format!("\"{}\"", evil("Hail"))),
        ("\"County fair\"", format!("\"{}\"", evil("Fair"))),
        (
            "\"The fair is in a week: buyers want a deal now.\"",
            format!("\"{}\"", evil("Buyers")),
        ),
        (
            "\"Talk it over after work.\"",
            format!("\"{}\"", evil("Cider")),
        ),
        (
            "\"Trust has broken down\"",
            format!("\"{}\"", evil("Collapse")),
        ),
    ] {
        swap(&mut s, from, &to);
    }
    s
}
