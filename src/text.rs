//! Text from outside the program — scenarios, saves, scripts, bots, file
//! names — made safe to show on a terminal.
//!
//! A scenario downloaded from the web must not control the user's terminal:
//! an ESC starts a control sequence (OSC 0 sets the window title, OSC 52
//! writes the clipboard, CSI 2J clears the screen), C1 code points do the same
//! on terminals that honour them, and bidi overrides make text read in an
//! order other than the one it is stored in. The rule for every output:
//!
//! - no code point below U+0020 but `\n` and `\t`, no U+007F, no U+0080–U+009F;
//! - no bidi embedding, override or isolate (U+202A–U+202E, U+2066–U+2069);
//! - a single-line field has no line break, so it cannot forge a line of a
//!   transcript.
//!
//! Defence in depth: untrusted text is cleaned where it enters (scenario text
//! after parsing, bot reasons, save fields in reports), and the binary writes
//! stdout and stderr through [`CleanWriter`], so even an id echoed in an error
//! message cannot reach the terminal raw. The TUI also drops the zero-width and
//! bidi marks of [`is_invisible`] from every cell it draws.

use std::borrow::Cow;
use std::io::{self, Write};

/// A code point that controls a terminal or the order text is shown in: C0
/// (line breaks and tab included), DEL, C1, bidi embeddings, overrides and
/// isolates.
pub fn is_control(c: char) -> bool {
    matches!(c,
        '\0'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A code point no output may hold: [`is_control`] but `\n` and `\t`.
pub fn is_forbidden(c: char) -> bool {
    c != '\n' && c != '\t' && is_control(c)
}

/// A code point with no width that can still change how text reads: the
/// controls, zero-width spaces and joiners, bidi marks, the line and paragraph
/// separators, word joiner and invisible operators, the byte-order mark and
/// the interlinear annotation marks. The TUI draws none of them.
pub fn is_invisible(c: char) -> bool {
    is_control(c)
        || matches!(c,
            '\u{061c}' | '\u{180e}' | '\u{200b}'..='\u{200f}' | '\u{2028}' | '\u{2029}'
            | '\u{2060}'..='\u{206f}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}')
}

/// A line break of any kind: LF, CR, NEL, LINE and PARAGRAPH SEPARATOR.
fn is_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// A single-line field made safe: each run of line breaks and each tab becomes
/// one space, the other [`is_control`] code points are dropped. Borrowed when
/// nothing changes (the usual case, so cleaning costs no allocation).
pub fn clean_line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| is_control(c) || is_break(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut after_break = false;
    for c in s.chars() {
        if is_break(c) {
            if !after_break {
                out.push(' ');
            }
            after_break = true;
            continue;
        }
        after_break = false;
        if c == '\t' {
            out.push(' ');
        } else if !is_control(c) {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Multi-line text made safe: `\n` and `\t` stay, CR LF and the other line
/// breaks become `\n`, the other [`is_control`] code points are dropped.
pub fn clean_text(s: &str) -> Cow<'_, str> {
    if !s
        .chars()
        .any(|c| (is_break(c) && c != '\n') || is_forbidden(c))
    {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            continue;
        }
        if is_break(c) {
            out.push('\n');
        } else if !is_forbidden(c) {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// What the TUI draws of a text: [`clean_line`] without the [`is_invisible`]
/// code points.
pub fn clean_display(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| is_invisible(c) || is_break(c)) {
        return Cow::Borrowed(s);
    }
    let line = clean_line(s);
    Cow::Owned(line.chars().filter(|&c| !is_invisible(c)).collect())
}

/// Clean a single-line field in place.
pub fn clean_line_in(s: &mut String) {
    if let Cow::Owned(t) = clean_line(s) {
        *s = t;
    }
}

/// Clean a multi-line field in place.
pub fn clean_text_in(s: &mut String) {
    if let Cow::Owned(t) = clean_text(s) {
        *s = t;
    }
}

/// A CSV cell a spreadsheet will not read as a formula: a cell that begins
/// with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`
/// (OWASP's advice against CSV injection). For text cells, not numbers.
pub fn csv_cell(s: &str) -> Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

/// A `Write` adaptor that drops every [`is_forbidden`] code point on its way
/// to `inner`: used for everything the binary prints. A UTF-8 sequence split
/// across two writes is held until it is complete; bytes that are not UTF-8
/// become U+FFFD (a stray 0x9B byte would otherwise be a C1 CSI to some
/// terminals).
#[derive(Debug)]
pub struct CleanWriter<W: Write> {
    inner: W,
    /// The start of a UTF-8 sequence the last write ended inside (≤ 3 bytes).
    pending: Vec<u8>,
}

impl<W: Write> CleanWriter<W> {
    pub fn new(inner: W) -> CleanWriter<W> {
        CleanWriter {
            inner,
            pending: Vec::new(),
        }
    }

    /// Write out an incomplete sequence left at the end (as U+FFFD), flush,
    /// and give back the inner writer.
    pub fn finish(mut self) -> io::Result<W> {
        if !self.pending.is_empty() {
            self.pending.clear();
            self.inner.write_all("\u{fffd}".as_bytes())?;
        }
        self.inner.flush()?;
        Ok(self.inner)
    }

    /// Write the allowed runs of valid text `s`.
    fn put(&mut self, s: &str) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in s.char_indices() {
            if is_forbidden(c) {
                if start < i {
                    self.inner.write_all(&s.as_bytes()[start..i])?;
                }
                start = i + c.len_utf8();
            }
        }
        if start < s.len() {
            self.inner.write_all(&s.as_bytes()[start..])?;
        }
        Ok(())
    }

    /// Clean `data`; an incomplete sequence at its end goes to `pending`.
    fn feed(&mut self, mut data: &[u8]) -> io::Result<()> {
        loop {
            match std::str::from_utf8(data) {
                Ok(s) => return self.put(s),
                Err(e) => {
                    let (valid, rest) = data.split_at(e.valid_up_to());
                    // `valid` is UTF-8 by the error's own account.
                    self.put(std::str::from_utf8(valid).unwrap_or_default())?;
                    match e.error_len() {
                        Some(n) => {
                            self.inner.write_all("\u{fffd}".as_bytes())?;
                            data = &rest[n..];
                        }
                        None => {
                            self.pending.extend_from_slice(rest);
                            return Ok(());
                        }
                    }
                }
            }
        }
    }
}

impl<W: Write> Write for CleanWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.pending.is_empty() {
            self.feed(buf)?;
        } else {
            let mut data = std::mem::take(&mut self.pending);
            data.extend_from_slice(buf);
            self.feed(&data)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A source's site, for a short mention: `https://www.example.org/a/b` →
/// `example.org`. Text that is not a web address comes back as it is.
pub fn source_site(url: &str) -> &str {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url);
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    host.strip_prefix("www.").unwrap_or(host)
}

/// The distinct sites of a list of sources, in order: "a.org, b.com".
pub fn source_sites<'a>(urls: impl IntoIterator<Item = &'a String>) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for u in urls {
        let s = source_site(u);
        if !seen.contains(&s) {
            seen.push(s);
        }
    }
    seen.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HOSTILE: &str = "Orchard\u{1b}]0;pwned\u{7}\u{1b}]52;c;cHduZWQ=\u{7}\u{1b}[2J";

    fn clean_through_writer(chunks: &[&[u8]]) -> String {
        let mut w = CleanWriter::new(Vec::new());
        for c in chunks {
            w.write_all(c).expect("write to a Vec");
        }
        String::from_utf8(w.finish().expect("finish")).expect("UTF-8 out")
    }

    #[test]
    fn the_hostile_title_loses_its_escapes() {
        assert_eq!(clean_line(HOSTILE), "Orchard]0;pwned]52;c;cHduZWQ=[2J");
        assert_eq!(clean_text(HOSTILE), "Orchard]0;pwned]52;c;cHduZWQ=[2J");
    }

    #[test]
    fn clean_text_is_borrowed() {
        assert!(matches!(clean_line("Ukraine — 600k cap"), Cow::Borrowed(_)));
        assert!(matches!(clean_text("a\n\tb"), Cow::Borrowed(_)));
    }

    #[test]
    fn a_line_cannot_break() {
        assert_eq!(
            clean_line("ok\r\n  = 6b agreed\u{2028}x\ty"),
            "ok   = 6b agreed x y"
        );
    }

    #[test]
    fn text_keeps_its_lines_and_tabs() {
        assert_eq!(clean_text("a\r\nb\rc\u{85}d\te\u{0}"), "a\nb\nc\nd\te");
    }

    #[test]
    fn bidi_and_c1_go() {
        assert_eq!(
            clean_line("\u{202e}gpj.exe\u{202c} \u{2066}x\u{2069}\u{9b}31m\u{7f}"),
            "gpj.exe x31m"
        );
    }

    #[test]
    fn display_drops_zero_width_too() {
        assert_eq!(
            clean_display("a\u{200b}b\u{200d}c\u{feff}d\u{200f}e\u{1b}"),
            "abcde"
        );
        assert_eq!(clean_display("Україна"), "Україна");
    }

    #[test]
    fn csv_cells_that_look_like_formulas() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_cell("-2+3"), "'-2+3");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\tx"), "'\tx");
        assert_eq!(csv_cell("plan28"), "plan28");
        assert_eq!(csv_cell(""), "");
    }

    #[test]
    fn the_writer_holds_a_split_sequence() {
        // "é" (C3 A9), U+202E (E2 80 AE), then ESC, each split across writes.
        let out = clean_through_writer(&[b"a\xc3", b"\xa9b\xe2", b"\x80", b"\xaec\x1b", b"[2Jd\n"]);
        assert_eq!(out, "aébc[2Jd\n");
    }

    #[test]
    fn the_writer_replaces_bytes_that_are_not_utf8() {
        assert_eq!(clean_through_writer(&[b"a\x9bb\xff"]), "a\u{fffd}b\u{fffd}");
        assert_eq!(clean_through_writer(&[b"a\xe2\x80"]), "a\u{fffd}");
    }

    fn any_text() -> impl Strategy<Value = String> {
        let hostile = prop_oneof![
            Just('\u{1b}'),
            Just('\u{7}'),
            Just('\r'),
            Just('\n'),
            Just('\t'),
            Just('\u{85}'),
            Just('\u{9b}'),
            Just('\u{7f}'),
            Just('\u{202e}'),
            Just('\u{2067}'),
            Just('\u{2028}'),
            Just('\u{200b}'),
            Just('\u{feff}'),
            Just('['),
            Just('é'),
            Just('У'),
            any::<char>(),
        ];
        proptest::collection::vec(hostile, 0..40).prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn cleaning_obeys_the_rule(s in any_text()) {
            let line = clean_line(&s);
            prop_assert!(!line.chars().any(|c| is_control(c) || is_break(c)), "{line:?}");
            let text = clean_text(&s);
            prop_assert!(!text.chars().any(|c| is_forbidden(c) || (is_break(c) && c != '\n')), "{text:?}");
            let shown = clean_display(&s);
            prop_assert!(!shown.chars().any(is_invisible), "{shown:?}");
            // Cleaning twice changes nothing.
            prop_assert_eq!(clean_line(&line), line.clone());
            prop_assert_eq!(clean_text(&text), text.clone());
            // Printable text passes untouched.
            let plain: String = s.chars().filter(|&c| !is_invisible(c) && !is_break(c)).collect();
            prop_assert_eq!(clean_display(&plain), plain.as_str());
        }

        #[test]
        fn the_writer_agrees_with_clean_text_at_any_split(s in any_text(), cut in 0usize..200) {
            let bytes = s.as_bytes();
            let cut = cut.min(bytes.len());
            let out = clean_through_writer(&[&bytes[..cut], &bytes[cut..]]);
            let expected: String = s.chars().filter(|&c| !is_forbidden(c)).collect();
            prop_assert_eq!(out, expected);
        }
    }
}
