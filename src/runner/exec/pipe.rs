//! The two pipes to a bot, both bounded. What is sent waits in a short queue
//! for a writer thread, and the caller waits for a write only up to a
//! deadline: a bot that stops reading cannot block the run. What is read
//! comes in lines of at most [`MAX_LINE`] bytes through a short channel: a
//! flood of output costs a few MiB at most, never all memory.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{ChildStdin, ChildStdout};
use std::sync::mpsc::{Receiver, sync_channel};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Instant;

/// Longest line read from a bot, in bytes (its newline not counted).
pub const MAX_LINE: usize = 1 << 20;

/// Lines read ahead of the runner; more and the reader waits (so does the bot).
const READ_AHEAD: usize = 4;

/// Lines queued for the bot and not yet written. The runner waits for each
/// request to be written before it reads the answer, so a handful is plenty.
const MAX_QUEUED: usize = 8;

/// What the reader thread hands over.
#[derive(Debug)]
pub(super) enum Incoming {
    /// A non-empty line, trimmed.
    Line(String),
    /// A line longer than [`MAX_LINE`]: its bytes were skipped up to its
    /// newline, never read as several lines, and reading goes on after it.
    TooLong,
}

/// Read the bot's output line by line on a thread of its own. The channel
/// closes when the bot closes its output. A line over the limit is reported
/// once and skipped to its end (an endless one is skipped until the bot is
/// stopped), so a bot stays in step after it.
pub(super) fn read_lines(out: ChildStdout) -> Receiver<Incoming> {
    let (tx, rx) = sync_channel(READ_AHEAD);
    std::thread::spawn(move || {
        let mut reader = BufReader::with_capacity(1 << 16, out);
        let mut line = Vec::new();
        loop {
            line.clear();
            // One byte over the limit tells a line of exactly MAX_LINE from a longer one.
            match (&mut reader)
                .take(MAX_LINE as u64 + 1)
                .read_until(b'\n', &mut line)
            {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    if line.last() == Some(&b'\n') {
                        line.pop();
                    } else if line.len() > MAX_LINE {
                        if tx.send(Incoming::TooLong).is_err() || !skip_line(&mut reader) {
                            break;
                        }
                        continue;
                    }
                    let text = String::from_utf8_lossy(&line).trim().to_string();
                    if text.is_empty() {
                        continue;
                    }
                    if tx.send(Incoming::Line(text)).is_err() {
                        break;
                    }
                }
            }
        }
    });
    rx
}

/// Skip the rest of a line without keeping it; false when the output ends first.
fn skip_line(reader: &mut BufReader<ChildStdout>) -> bool {
    loop {
        let (found, used) = match reader.fill_buf() {
            Ok([]) | Err(_) => return false,
            Ok(buf) => match buf.iter().position(|&b| b == b'\n') {
                Some(at) => (true, at + 1),
                None => (false, buf.len()),
            },
        };
        reader.consume(used);
        if found {
            return true;
        }
    }
}

/// Why a line could not be handed to the bot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stalled {
    /// Its input is closed (it has exited, or closed it).
    Broken,
    /// It did not read what it was sent in time.
    Late,
}

/// The bot's input, written by a thread of its own.
pub(super) struct Outbox {
    shared: Arc<Shared>,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Default)]
struct State {
    queue: VecDeque<Vec<u8>>,
    /// Lines posted and lines fully written so far.
    posted: u64,
    written: u64,
    broken: bool,
    /// No more lines: the writer closes the pipe once the queue is written.
    closed: bool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Outbox {
    /// Take over the bot's input.
    pub(super) fn new(stdin: ChildStdin) -> Outbox {
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
        });
        let writer = Arc::clone(&shared);
        std::thread::spawn(move || write_all(stdin, &writer));
        Outbox { shared }
    }

    /// Queue one line (its newline included); the ticket to wait for it.
    pub(super) fn post(&self, line: Vec<u8>) -> Result<u64, Stalled> {
        let mut s = self.shared.lock();
        if s.broken || s.closed {
            return Err(Stalled::Broken);
        }
        if s.queue.len() >= MAX_QUEUED {
            return Err(Stalled::Late);
        }
        s.queue.push_back(line);
        s.posted += 1;
        let ticket = s.posted;
        drop(s);
        self.shared.changed.notify_all();
        Ok(ticket)
    }

    /// Wait until the line of `ticket` (and every line before it) is written.
    pub(super) fn wait_written(&self, ticket: u64, deadline: Instant) -> Result<(), Stalled> {
        let mut s = self.shared.lock();
        loop {
            if s.written >= ticket {
                return Ok(());
            }
            if s.broken {
                return Err(Stalled::Broken);
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(Stalled::Late);
            }
            s = self
                .shared
                .changed
                .wait_timeout(s, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// No more lines: the bot's input closes once the queue is written.
    pub(super) fn close(&self) {
        self.shared.lock().closed = true;
        self.shared.changed.notify_all();
    }
}

impl Drop for Outbox {
    fn drop(&mut self) {
        self.close();
    }
}

/// The writer thread: write queued lines until the queue is closed and
/// empty, or the pipe breaks. A write the bot does not read blocks here, not
/// in the runner; it ends when the bot is killed (the pipe then breaks).
fn write_all(mut stdin: ChildStdin, shared: &Shared) {
    loop {
        let line = {
            let mut s = shared.lock();
            loop {
                if let Some(line) = s.queue.pop_front() {
                    break line;
                }
                if s.closed {
                    return;
                }
                s = shared.changed.wait(s).unwrap_or_else(|e| e.into_inner());
            }
        };
        let ok = stdin.write_all(&line).and_then(|()| stdin.flush()).is_ok();
        let mut s = shared.lock();
        if ok {
            s.written += 1;
        } else {
            s.broken = true;
            s.queue.clear();
        }
        drop(s);
        shared.changed.notify_all();
        if !ok {
            return;
        }
    }
}
