//! The terminal is given back on stop and on every deadly signal (issue 11,
//! "Terminal"): `backchannel` runs on a pseudo-terminal of its own, and the
//! test reads the pty's modes (raw or not) and the screen switches it writes.

#![cfg(target_os = "linux")]

use std::fs::File;
use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_backchannel");

/// Enter and leave the alternate screen.
const ENTER: &str = "\x1b[?1049h";
const LEAVE: &str = "\x1b[?1049l";

/// The TUI on a pty: the child, the pty's two ends, everything it wrote.
struct Tui {
    child: Child,
    master: OwnedFd,
    slave: OwnedFd,
    screen: Arc<Mutex<Vec<u8>>>,
}

impl Tui {
    fn start(name: &str) -> Tui {
        let home = std::env::temp_dir().join(format!("bc-tty-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&home);
        std::fs::create_dir_all(&home).unwrap();
        let (mut master, mut slave) = (0, 0);
        let size = libc::winsize {
            ws_row: 30,
            ws_col: 100,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: openpty writes two descriptors we then own.
        let r = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                &size,
            )
        };
        assert_eq!(r, 0, "openpty");
        let (master, slave) =
            unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
        let mut cmd = Command::new(BIN);
        cmd.env("TERM", "xterm-256color")
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .stdin(Stdio::from(slave.try_clone().unwrap()))
            .stdout(Stdio::from(slave.try_clone().unwrap()))
            .stderr(Stdio::from(slave.try_clone().unwrap()));
        // SAFETY: only async-signal-safe calls between fork and exec: a
        // session of its own with the pty as its terminal, default signals.
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT] {
                    libc::signal(sig, libc::SIG_DFL);
                }
                Ok(())
            });
        }
        let child = cmd.spawn().unwrap();
        let screen = Arc::new(Mutex::new(Vec::new()));
        let mut reader = File::from(master.try_clone().unwrap());
        let sink = Arc::clone(&screen);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Tui {
            child,
            master,
            slave,
            screen,
        }
    }

    fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    fn signal(&self, sig: i32) {
        // SAFETY: a signal to the child we started.
        unsafe { libc::kill(self.pid(), sig) };
    }

    fn key(&self, bytes: &[u8]) {
        // SAFETY: a write of a live buffer to the pty's master.
        let n = unsafe { libc::write(self.master.as_raw_fd(), bytes.as_ptr().cast(), bytes.len()) };
        assert_eq!(n, bytes.len() as isize);
    }

    /// Everything written to the terminal from byte `from` on.
    fn written_since(&self, from: usize) -> String {
        let s = self.screen.lock().unwrap();
        String::from_utf8_lossy(&s[from.min(s.len())..]).into_owned()
    }

    fn written(&self) -> usize {
        self.screen.lock().unwrap().len()
    }

    /// Whether the pty is in raw mode (no line editing, no echo).
    fn raw(&self) -> bool {
        // SAFETY: tcgetattr fills the termios we pass.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        assert_eq!(
            unsafe { libc::tcgetattr(self.slave.as_raw_fd(), &mut t) },
            0
        );
        t.c_lflag & (libc::ICANON | libc::ECHO) == 0
    }

    /// The process state letter from /proc (R, S, T for stopped…).
    fn state(&self) -> char {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap_or_default();
        stat.rsplit(')')
            .next()
            .and_then(|rest| rest.trim_start().chars().next())
            .unwrap_or('?')
    }

    fn until(&self, what: &str, ok: impl Fn(&Tui) -> bool) {
        let end = Instant::now() + Duration::from_secs(15);
        while !ok(self) {
            assert!(
                Instant::now() < end,
                "timed out waiting for {what}; state {}, raw {}, output tail {:?}",
                self.state(),
                self.raw(),
                self.written_since(self.written().saturating_sub(300))
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Wait for the process to exit; its exit code.
    fn exit_code(&mut self) -> Option<i32> {
        let end = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            if Instant::now() > end {
                let _ = self.child.kill();
                panic!("backchannel did not exit");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The title screen is up: raw mode on, the alternate screen entered, drawn.
fn started(name: &str) -> Tui {
    let tui = Tui::start(name);
    tui.until("the title screen", |t| {
        t.raw() && {
            let w = t.written_since(0);
            w.contains(ENTER) && w.contains("Scenarios")
        }
    });
    tui
}

/// Stopped with the terminal given back, then continued with it taken back
/// and the screen drawn again.
fn stop_and_continue(tui: &Tui, stop: impl Fn(&Tui)) {
    let mark = tui.written();
    stop(tui);
    tui.until("the stop", |t| t.state() == 'T');
    assert!(!tui.raw(), "stopped with the terminal still raw");
    tui.until("the main screen back", |t| {
        t.written_since(mark).contains(LEAVE)
    });
    let mark = tui.written();
    tui.signal(libc::SIGCONT);
    tui.until("the redraw after SIGCONT", |t| {
        t.raw() && {
            let w = t.written_since(mark);
            w.contains(ENTER) && w.contains("Scenarios")
        }
    });
    assert_ne!(tui.state(), 'T');
}

#[test]
fn sigtstp_gives_the_terminal_back_and_sigcont_takes_it_again() {
    let tui = started("tstp");
    stop_and_continue(&tui, |t| t.signal(libc::SIGTSTP));
    // Twice: the second stop is as good as the first.
    stop_and_continue(&tui, |t| t.signal(libc::SIGTSTP));
}

#[test]
fn ctrl_z_stops_like_in_any_terminal_program() {
    let tui = started("ctrl-z");
    stop_and_continue(&tui, |t| t.key(b"\x1a"));
    // Keys still work after: down moves the selection (the screen changes).
    let mark = tui.written();
    tui.key(b"j");
    tui.until("a redraw after a key", |t| t.written() > mark);
}

#[test]
fn deadly_signals_restore_the_terminal() {
    for (sig, name) in [
        (libc::SIGQUIT, "quit"),
        (libc::SIGABRT, "abrt"),
        (libc::SIGTERM, "term"),
        (libc::SIGHUP, "hup"),
    ] {
        let mut tui = started(name);
        let mark = tui.written();
        tui.signal(sig);
        assert_eq!(tui.exit_code(), Some(128 + sig), "SIG{name}");
        assert!(!tui.raw(), "SIG{name}: the terminal is left raw");
        tui.until("the main screen back", |t| {
            t.written_since(mark).contains(LEAVE)
        });
    }
}
