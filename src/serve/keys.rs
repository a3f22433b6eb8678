//! Terminal input bytes to key events: what a client's terminal sends down
//! the SSH channel, parsed without a local terminal (crossterm reads only
//! the process's own).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Terminal input bytes to key events (the keys the app uses).
#[derive(Default)]
pub struct KeyParser {
    pending: Vec<u8>,
}

impl KeyParser {
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<KeyEvent> {
        self.pending.extend_from_slice(bytes);
        let mut out = Vec::new();
        let mut i = 0;
        let b = std::mem::take(&mut self.pending);
        while i < b.len() {
            let (key, used) = parse(&b[i..]);
            if used == 0 {
                // An incomplete sequence: wait for the rest.
                self.pending = b[i..].to_vec();
                break;
            }
            if let Some(k) = key {
                out.push(k);
            }
            i += used;
        }
        out
    }
}

fn key(code: KeyCode, m: KeyModifiers) -> Option<KeyEvent> {
    Some(KeyEvent::new(code, m))
}

/// One key from the front of `b`, and how many bytes it took (0: incomplete).
fn parse(b: &[u8]) -> (Option<KeyEvent>, usize) {
    let none = KeyModifiers::NONE;
    match b[0] {
        0x1b => {
            if b.len() == 1 {
                return (key(KeyCode::Esc, none), 1);
            }
            if b[1] != b'[' && b[1] != b'O' {
                // Alt+key, or a lone Esc followed by another key.
                return (key(KeyCode::Esc, none), 1);
            }
            // CSI or SS3: parameters, then a final byte in 0x40..=0x7e.
            let Some(end) = b[2..].iter().position(|c| (0x40..=0x7e).contains(c)) else {
                return (None, if b.len() > 16 { b.len() } else { 0 });
            };
            let params = &b[2..2 + end];
            let fin = b[2 + end];
            let used = 3 + end;
            let code = match fin {
                b'A' => KeyCode::Up,
                b'B' => KeyCode::Down,
                b'C' => KeyCode::Right,
                b'D' => KeyCode::Left,
                b'H' => KeyCode::Home,
                b'F' => KeyCode::End,
                b'Z' => return (key(KeyCode::BackTab, KeyModifiers::SHIFT), used),
                b'~' => match params.split(|c| *c == b';').next() {
                    Some(b"1") | Some(b"7") => KeyCode::Home,
                    Some(b"4") | Some(b"8") => KeyCode::End,
                    Some(b"3") => KeyCode::Delete,
                    Some(b"5") => KeyCode::PageUp,
                    Some(b"6") => KeyCode::PageDown,
                    _ => return (None, used),
                },
                _ => return (None, used),
            };
            (key(code, none), used)
        }
        b'\r' | b'\n' => (key(KeyCode::Enter, none), 1),
        b'\t' => (key(KeyCode::Tab, none), 1),
        0x7f | 0x08 => (key(KeyCode::Backspace, none), 1),
        c @ 0x01..=0x1a => (
            key(KeyCode::Char((c - 1 + b'a') as char), KeyModifiers::CONTROL),
            1,
        ),
        c if c < 0x80 => {
            let ch = c as char;
            let m = if ch.is_ascii_uppercase() {
                KeyModifiers::SHIFT
            } else {
                none
            };
            (key(KeyCode::Char(ch), m), 1)
        }
        c => {
            // UTF-8: the length from the first byte.
            let len = match c {
                0xc0..=0xdf => 2,
                0xe0..=0xef => 3,
                0xf0..=0xf7 => 4,
                _ => return (None, 1),
            };
            if b.len() < len {
                return (None, 0);
            }
            match std::str::from_utf8(&b[..len])
                .ok()
                .and_then(|s| s.chars().next())
            {
                Some(ch) => (key(KeyCode::Char(ch), none), len),
                None => (None, len),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_from_bytes() {
        let mut p = KeyParser::default();
        let ks: Vec<KeyCode> = p
            .feed(b"a\r\x1b[A\x1b[6~\t\x7fQ")
            .into_iter()
            .map(|k| k.code)
            .collect();
        assert_eq!(
            ks,
            [
                KeyCode::Char('a'),
                KeyCode::Enter,
                KeyCode::Up,
                KeyCode::PageDown,
                KeyCode::Tab,
                KeyCode::Backspace,
                KeyCode::Char('Q')
            ]
        );
        // A sequence split across reads.
        assert!(p.feed(b"\x1b[5").is_empty());
        assert_eq!(p.feed(b"~")[0].code, KeyCode::PageUp);
        assert_eq!(p.feed(b"\x1b")[0].code, KeyCode::Esc);
    }
}
