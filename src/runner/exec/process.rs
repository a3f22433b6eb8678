//! A bot's processes. The bot runs in a process group of its own, and the
//! whole group is killed on every way out: the end of the talks, a forfeit,
//! an error (Drop), and SIGINT, SIGTERM, SIGHUP or SIGQUIT to backchannel.
//! Nothing a bot starts outlives the run (unless it leaves the group itself,
//! with `setsid`).

use std::io;
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

/// The process groups of the bots still running, for the signal watcher.
static GROUPS: Mutex<Vec<i32>> = Mutex::new(Vec::new());

fn groups() -> MutexGuard<'static, Vec<i32>> {
    GROUPS.lock().unwrap_or_else(|e| e.into_inner())
}

/// A running bot: `sh -c COMMAND`, leader of its own process group.
pub(super) struct Group {
    child: Child,
    pgid: i32,
    killed: bool,
}

impl Group {
    /// Start `command` through `sh -c`, its stdin and stdout piped to us and
    /// its stderr passed through.
    pub(super) fn spawn(command: &str) -> io::Result<(Group, ChildStdin, ChildStdout)> {
        watch_signals();
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(command)
            .process_group(0)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        // Held across the start, so a signal cannot fall between the start
        // and the registration and leave the group behind.
        let mut live = groups();
        let mut child = cmd.spawn()?;
        let pgid = i32::try_from(child.id()).unwrap_or(0);
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            drop(live);
            let mut group = Group {
                child,
                pgid,
                killed: false,
            };
            group.kill();
            return Err(io::Error::other("its pipes could not be opened"));
        };
        live.push(pgid);
        drop(live);
        let group = Group {
            child,
            pgid,
            killed: false,
        };
        Ok((group, stdin, stdout))
    }

    /// Wait up to `limit` for the bot to exit on its own; its status if it did.
    pub(super) fn wait_for(&mut self, limit: Duration) -> Option<ExitStatus> {
        let end = Instant::now() + limit;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            let now = Instant::now();
            if now >= end {
                return None;
            }
            std::thread::sleep((end - now).min(Duration::from_millis(5)));
        }
    }

    /// Kill the whole group (the bot and whatever it started) and reap the bot.
    /// Safe to call more than once.
    pub(super) fn kill(&mut self) {
        if self.killed {
            return;
        }
        self.killed = true;
        kill_group(self.pgid);
        let _ = self.child.kill();
        let _ = self.child.wait();
        groups().retain(|&g| g != self.pgid);
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.kill();
    }
}

fn kill_group(pgid: i32) {
    // 0 or 1 would name our own group or every process: never.
    if pgid > 1 {
        // SAFETY: killpg has no memory effects; a group that is gone is ESRCH.
        unsafe {
            libc::killpg(pgid, libc::SIGKILL);
        }
    }
}

/// The signal that is ending the process, once one has come (0: none).
static SIGNALLED: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);

/// The deadly signal that arrived while bots ran, if one did: the process
/// must then exit with 128 + it, even if its main thread finishes first
/// (the bots it was waiting on are killed by the signal's handler).
pub fn signalled() -> Option<i32> {
    match SIGNALLED.load(std::sync::atomic::Ordering::SeqCst) {
        0 => None,
        sig => Some(sig),
    }
}

/// Kill every bot's process group still running (for a process about to exit).
pub fn stop_all() {
    for &g in groups().iter() {
        kill_group(g);
    }
}

/// Once, at the first bot: on SIGINT, SIGTERM, SIGHUP or SIGQUIT, kill every
/// bot's group and exit with 128 + the signal, as the default action would.
/// (The bots are not in our group, so a Ctrl-C at the terminal does not
/// reach them by itself.) A signal we were started ignoring (`nohup`, a
/// background job's SIGINT) stays ignored.
fn watch_signals() {
    static WATCHING: OnceLock<()> = OnceLock::new();
    WATCHING.get_or_init(|| {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
        let watched: Vec<i32> = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]
            .into_iter()
            .filter(|&sig| !ignored(sig))
            .collect();
        let Ok(mut signals) = signal_hook::iterator::Signals::new(watched) else {
            return;
        };
        let _ = std::thread::Builder::new()
            .name("bot-signals".into())
            .spawn(move || {
                if let Some(sig) = signals.forever().next() {
                    SIGNALLED.store(sig, std::sync::atomic::Ordering::SeqCst);
                    stop_all();
                    std::process::exit(128 + sig);
                }
            });
    });
}

/// Whether `sig` is ignored in this process (as inherited from its parent).
fn ignored(sig: i32) -> bool {
    // SAFETY: sigaction with no new action only reads the current one.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(sig, std::ptr::null(), &mut old) == 0 && old.sa_sigaction == libc::SIG_IGN
    }
}
