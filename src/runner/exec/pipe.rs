//! The two pipes to a bot, both non-blocking and both bounded, driven by
//! the thread that plays the seat (no thread hops: a sweep exchanges
//! thousands of lines a second). What is sent waits in a buffer until the
//! bot reads it, and the caller waits for a write only up to a deadline: a
//! bot that stops reading cannot block the run. What is read is split into
//! lines of at most [`MAX_LINE`] bytes, and only while the table waits for
//! the bot: a flood of output costs the buffer, never all memory.

use std::io::{ErrorKind, Read, Write};
use std::os::fd::AsRawFd;
use std::process::{ChildStdin, ChildStdout};
use std::time::Instant;

/// Longest line read from a bot, in bytes (its newline not counted).
pub const MAX_LINE: usize = 1 << 20;

/// Bytes read at a time.
const CHUNK: usize = 1 << 16;

/// Most bytes queued for the bot and not yet written (a bot that reads
/// nothing is stopped long before).
const MAX_QUEUED: usize = 64 << 20;

/// What the bot sent.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Incoming {
    /// A non-empty line, trimmed.
    Line(String),
    /// A line longer than [`MAX_LINE`]: its bytes are skipped up to its
    /// newline, never read as several lines, and reading goes on after it.
    TooLong,
}

/// Why a line could not be handed to the bot, or none came from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stalled {
    /// The pipe is closed (the bot exited, or closed it).
    Broken,
    /// Not in time: it did not read what it was sent, or did not answer.
    Late,
}

/// Both pipes of one bot.
pub(super) struct Pipe {
    stdin: Option<ChildStdin>,
    stdout: ChildStdout,
    /// Bytes queued for the bot; `sent` of them are written.
    queue: Vec<u8>,
    sent: usize,
    /// Bytes read; those from `head` on are not yet split into lines (the
    /// consumed front is dropped before the next read, so splitting many
    /// short lines costs no move of the rest per line).
    inbox: Vec<u8>,
    head: usize,
    /// Inside a line over the limit: skip up to its newline.
    skipping: bool,
    /// The bot closed its output.
    eof: bool,
    broken: bool,
}

fn nonblocking(fd: i32) {
    // SAFETY: fcntl on a descriptor we own; failure leaves it blocking, and
    // poll still bounds every wait.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags >= 0 {
            libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK);
        }
    }
}

/// Wait until `fd` is ready for `events` or the deadline passes; false on timeout.
fn ready(fd: i32, events: i16, deadline: Instant) -> bool {
    let now = Instant::now();
    if now >= deadline {
        return false;
    }
    let ms = (deadline - now).as_millis().clamp(1, i32::MAX as u128) as i32;
    let mut p = libc::pollfd {
        fd,
        events,
        revents: 0,
    };
    // SAFETY: one pollfd, owned here, for the length given.
    let n = unsafe { libc::poll(&mut p, 1, ms) };
    // EINTR counts as "look again": the caller loops until its deadline.
    n != 0
}

impl Pipe {
    pub(super) fn new(stdin: ChildStdin, stdout: ChildStdout) -> Pipe {
        nonblocking(stdin.as_raw_fd());
        nonblocking(stdout.as_raw_fd());
        Pipe {
            stdin: Some(stdin),
            stdout,
            queue: Vec::new(),
            sent: 0,
            inbox: Vec::with_capacity(CHUNK),
            head: 0,
            skipping: false,
            eof: false,
            broken: false,
        }
    }

    /// Queue one line (its newline included) and write what the pipe takes now.
    pub(super) fn post(&mut self, line: &[u8]) -> Result<(), Stalled> {
        if self.broken || self.stdin.is_none() {
            return Err(Stalled::Broken);
        }
        if self.queue.len() - self.sent + line.len() > MAX_QUEUED {
            return Err(Stalled::Late);
        }
        if self.sent > 0 && self.sent == self.queue.len() {
            self.queue.clear();
            self.sent = 0;
        }
        self.queue.extend_from_slice(line);
        self.write_some();
        if self.broken {
            return Err(Stalled::Broken);
        }
        Ok(())
    }

    /// Write what the pipe takes without waiting.
    fn write_some(&mut self) {
        let Some(stdin) = &mut self.stdin else {
            return;
        };
        while self.sent < self.queue.len() {
            match stdin.write(&self.queue[self.sent..]) {
                Ok(0) => {
                    self.broken = true;
                    return;
                }
                Ok(n) => self.sent += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => {
                    self.broken = true;
                    return;
                }
            }
        }
    }

    /// Wait until everything queued is written.
    pub(super) fn flush(&mut self, deadline: Instant) -> Result<(), Stalled> {
        loop {
            self.write_some();
            if self.broken {
                return Err(Stalled::Broken);
            }
            if self.sent == self.queue.len() {
                self.queue.clear();
                self.sent = 0;
                return Ok(());
            }
            let Some(stdin) = &self.stdin else {
                return Err(Stalled::Broken);
            };
            if !ready(stdin.as_raw_fd(), libc::POLLOUT, deadline) {
                return Err(Stalled::Late);
            }
        }
    }

    /// No more lines: write what is queued (until `deadline`), then close
    /// the bot's input.
    pub(super) fn close(&mut self, deadline: Instant) {
        if self.stdin.is_some() && !self.broken {
            let _ = self.flush(deadline);
        }
        self.stdin = None;
    }

    fn clear_inbox(&mut self) {
        self.inbox.clear();
        self.head = 0;
    }

    /// The next line already read, if a whole one is in the buffer.
    fn split(&mut self) -> Option<Incoming> {
        loop {
            let rest = &self.inbox[self.head..];
            let newline = rest.iter().position(|&b| b == b'\n');
            if self.skipping {
                match newline {
                    Some(at) => {
                        self.head += at + 1;
                        self.skipping = false;
                        continue;
                    }
                    None => {
                        self.clear_inbox();
                        return None;
                    }
                }
            }
            match newline {
                Some(at) if at <= MAX_LINE => {
                    let text = String::from_utf8_lossy(&rest[..at]).trim().to_string();
                    self.head += at + 1;
                    if text.is_empty() {
                        continue;
                    }
                    return Some(Incoming::Line(text));
                }
                Some(_) => {
                    // A whole line over the limit: skip it.
                    self.skipping = true;
                    return Some(Incoming::TooLong);
                }
                None if rest.len() > MAX_LINE => {
                    self.skipping = true;
                    self.clear_inbox();
                    return Some(Incoming::TooLong);
                }
                None => return None,
            }
        }
    }

    /// Read what the pipe holds now, at most a chunk; false when nothing was there.
    fn read_some(&mut self) -> bool {
        // Drop what was split off: only the start of a line remains.
        if self.head > 0 {
            self.inbox.drain(..self.head);
            self.head = 0;
        }
        let at = self.inbox.len();
        self.inbox.resize(at + CHUNK, 0);
        let got = self.stdout.read(&mut self.inbox[at..]);
        let n = match got {
            Ok(0) => {
                self.eof = true;
                0
            }
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::WouldBlock || e.kind() == ErrorKind::Interrupted => 0,
            Err(_) => {
                self.eof = true;
                0
            }
        };
        self.inbox.truncate(at + n);
        n > 0
    }

    /// The next line, waiting for it until `deadline`: `Late` when none
    /// came in time, `Broken` when the bot closed its output.
    pub(super) fn next(&mut self, deadline: Instant) -> Result<Incoming, Stalled> {
        loop {
            if let Some(line) = self.split() {
                return Ok(line);
            }
            if self.eof {
                return Err(Stalled::Broken);
            }
            if self.read_some() || self.eof {
                continue;
            }
            if !ready(self.stdout.as_raw_fd(), libc::POLLIN, deadline) {
                return Err(Stalled::Late);
            }
        }
    }

    /// A line the bot already sent, without waiting (at most a few chunks are
    /// read: a bot that floods its output cannot keep the caller here).
    pub(super) fn try_next(&mut self) -> Option<Incoming> {
        for _ in 0..4 {
            if let Some(line) = self.split() {
                return Some(line);
            }
            if self.eof || !self.read_some() {
                return None;
            }
        }
        self.split()
    }
}
