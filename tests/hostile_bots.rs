//! Hostile bots (issue 11, "Hardening"): each test runs `backchannel run`
//! against a small bot written to a temporary folder and checks that the run
//! ends in bounded time and memory, with the exit status docs/AGENT_PROTOCOL.md
//! promises, and that nothing the bot started outlives it.

#![cfg(unix)]

mod common;

use common::{scratch, write};
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_backchannel");

/// Longest any of these runs may take before the test calls it hung.
const HUNG: Duration = Duration::from_secs(30);

/// How a run ended.
struct Finished {
    code: Option<i32>,
    signal: Option<i32>,
    stdout: String,
    stderr: String,
    /// Peak resident memory of backchannel, in KiB.
    max_rss_kib: i64,
    took: Duration,
}

/// Start `backchannel ARGS`; `during` runs while it does (given its pid).
/// Waits at most [`HUNG`], then kills it and fails the test.
// Reaped by wait4 (for its peak memory), which clippy cannot see.
#[allow(clippy::zombie_processes)]
fn run_with(args: &[&str], during: impl FnOnce(i32)) -> Finished {
    let started = Instant::now();
    let mut cmd = Command::new(BIN);
    // SAFETY: only async-signal-safe calls between fork and exec. The signals
    // the test sends get their default action back, whatever this test
    // process was started with (a background job ignores SIGINT).
    unsafe {
        cmd.pre_exec(|| {
            for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT] {
                libc::signal(sig, libc::SIG_DFL);
            }
            Ok(())
        });
    }
    let mut child = cmd
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as i32;
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        String::from_utf8_lossy(&s).into_owned()
    });
    let err = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        String::from_utf8_lossy(&s).into_owned()
    });
    during(pid);
    let mut status = 0;
    // SAFETY: plain system calls on our own child; rusage is written by wait4.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            break;
        }
        if started.elapsed() > HUNG {
            unsafe { libc::kill(pid, libc::SIGKILL) };
            let _ = child.wait();
            panic!("backchannel {args:?} hung (killed after {HUNG:?})");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let exited = libc::WIFEXITED(status);
    Finished {
        code: exited.then(|| libc::WEXITSTATUS(status)),
        signal: libc::WIFSIGNALED(status).then(|| libc::WTERMSIG(status)),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
        max_rss_kib: usage.ru_maxrss,
        took: started.elapsed(),
    }
}

fn run(args: &[&str]) -> Finished {
    run_with(args, |_| {})
}

fn assert_ok(f: &Finished, says: &str) {
    assert_eq!(
        f.code,
        Some(0),
        "stderr: {}\nstdout: {}",
        f.stderr,
        f.stdout
    );
    assert!(
        f.stdout.contains(says),
        "expected '{says}' in the transcript:\n{}",
        f.stdout
    );
    assert!(f.stdout.contains("== The talks end"), "{}", f.stdout);
}

/// Whether a process is gone (or a zombie nobody has reaped yet).
fn dead(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('Z')),
    }
}

/// Wait up to two seconds for a process to be gone.
fn gone_soon(pid: i32) -> bool {
    let end = Instant::now() + Duration::from_secs(2);
    while Instant::now() < end {
        if dead(pid) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    dead(pid)
}

/// Wait for a bot to write a pid into `file`. (The bots' own children get
/// no stdio of ours: the harness reads backchannel's stderr to its end, and
/// a leftover child holding it would only make a test slow, not fail.)
fn pid_in(file: &Path) -> i32 {
    let end = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(text) = std::fs::read_to_string(file)
            && let Ok(pid) = text.trim().parse()
        {
            return pid;
        }
        assert!(
            Instant::now() < end,
            "the bot never wrote {}",
            file.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A generated scenario of 256 clauses (the most allowed), each title padded
/// so that the hello message is well over a pipe's 64 KiB.
fn big_scenario(dir: &Path) -> String {
    let o = Command::new(BIN)
        .args([
            "generate",
            "--clauses",
            "256",
            "--parties",
            "2",
            "--seed",
            "1",
        ])
        .output()
        .unwrap();
    assert!(o.status.success());
    let pad = "a long clause title ".repeat(20);
    let text = String::from_utf8(o.stdout)
        .unwrap()
        .replace("title: \"Clause ", &format!("title: \"{pad}Clause "));
    write(dir, "big.ron", &text)
}

#[test]
fn a_bot_that_never_reads_its_input_forfeits() {
    let dir = scratch("never-reads");
    let scenario = big_scenario(&dir);
    // Answers every 10 ms without reading a thing: our writes fill the pipe.
    let bot = write(
        &dir,
        "bot.sh",
        "while :; do echo '{\"moves\":[]}'; sleep 0.01; done\n",
    );
    let f = run(&[
        "run",
        &scenario,
        "--seat",
        &format!("p1=exec:sh {bot}"),
        "--bot-timeout",
        "0.5",
    ]);
    assert_ok(&f, "did not read its input within 0.5 s and was stopped");
}

#[test]
fn a_hello_over_64_kib_does_not_block_the_start() {
    let dir = scratch("big-hello");
    let scenario = big_scenario(&dir);
    let f = run(&[
        "run",
        &scenario,
        "--seat",
        "p1=exec:sleep 20",
        "--bot-timeout",
        "0.5",
    ]);
    assert_ok(&f, "Party 1's bot forfeits: it did not read its input");
    assert!(f.took < Duration::from_secs(15), "took {:?}", f.took);
}

#[test]
fn a_bot_that_closes_its_output_and_stays_alive_is_stopped() {
    let dir = scratch("closes-output");
    let pidfile = dir.join("pid");
    // (Python, as dash keeps a copy of a descriptor closed by `exec >&-`.)
    let bot = write(
        &dir,
        "bot.py",
        &format!(
            "import os, subprocess, time\nos.close(1)\nchild = subprocess.Popen(['sleep', '20'], stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\nopen('{}', 'w').write(str(child.pid))\ntime.sleep(20)\n",
            pidfile.display()
        ),
    );
    let f = run(&[
        "run",
        "tutorial",
        "--seat",
        &format!("mill=exec:exec python3 {bot}"),
        "--bot-timeout",
        "1",
    ]);
    assert_ok(
        &f,
        "Millbrook's bot forfeits: it closed its output and was stopped",
    );
    assert!(f.took < Duration::from_secs(10), "took {:?}", f.took);
    assert!(
        gone_soon(pid_in(&pidfile)),
        "the bot's sleep outlived the run"
    );
}

#[test]
fn a_bots_children_do_not_outlive_a_normal_end() {
    let dir = scratch("children");
    let pidfile = dir.join("pid");
    // A child left behind, then the example bot (which exits at `end`).
    let bot = write(
        &dir,
        "bot.sh",
        &format!(
            "sleep 30 </dev/null >/dev/null 2>&1 &\necho $! > {}\nexec python3 examples/bot.py\n",
            pidfile.display()
        ),
    );
    let f = run(&["run", "tutorial", "--seat", &format!("mill=exec:sh {bot}")]);
    assert_ok(&f, "Millbrook");
    assert!(!f.stdout.contains("forfeit"), "{}", f.stdout);
    assert!(f.took < Duration::from_secs(10), "took {:?}", f.took);
    assert!(
        gone_soon(pid_in(&pidfile)),
        "the bot's child outlived the run"
    );
}

#[test]
fn a_bots_children_do_not_outlive_a_forfeit() {
    let dir = scratch("children-forfeit");
    let pidfile = dir.join("pid");
    let bot = write(
        &dir,
        "bot.sh",
        &format!(
            "sleep 30 </dev/null >/dev/null 2>&1 &\necho $! > {}\nwait\n",
            pidfile.display()
        ),
    );
    let f = run(&[
        "run",
        "tutorial",
        "--seat",
        &format!("mill=exec:sh {bot}"),
        "--bot-timeout",
        "0.3",
    ]);
    assert_ok(&f, "did not answer within 0.3 s");
    assert!(
        gone_soon(pid_in(&pidfile)),
        "the bot's child outlived the run"
    );
}

#[test]
fn a_signal_to_run_takes_the_bot_down_too() {
    for (sig, name) in [
        (libc::SIGINT, "INT"),
        (libc::SIGTERM, "TERM"),
        (libc::SIGHUP, "HUP"),
        (libc::SIGQUIT, "QUIT"),
    ] {
        let dir = scratch(&format!("signal-{name}"));
        let pidfile = dir.join("pid");
        // Never answers: the run waits on it when the signal comes.
        let bot = write(
            &dir,
            "bot.sh",
            &format!(
                "sleep 30 </dev/null >/dev/null 2>&1 &\necho $! > {}\nwait\n",
                pidfile.display()
            ),
        );
        let mut child_pid = 0;
        let f = run_with(
            &[
                "run",
                "tutorial",
                "--seat",
                &format!("mill=exec:sh {bot}"),
                "--bot-timeout",
                "25",
            ],
            |pid| {
                child_pid = pid_in(&pidfile);
                // SAFETY: a signal to the backchannel we started.
                unsafe { libc::kill(pid, sig) };
            },
        );
        assert!(
            f.code == Some(128 + sig) || f.signal == Some(sig),
            "SIG{name}: exit {:?}, signal {:?}; stderr {}",
            f.code,
            f.signal,
            f.stderr
        );
        assert!(
            f.took < Duration::from_secs(15),
            "SIG{name}: took {:?}",
            f.took
        );
        assert!(
            gone_soon(child_pid),
            "SIG{name}: the bot's child outlived backchannel"
        );
    }
}

#[test]
fn an_endless_line_is_a_forfeit_with_a_note_and_bounded_memory() {
    let f = run(&[
        "run",
        "tutorial",
        "--seat",
        "mill=exec:cat /dev/zero",
        "--bot-timeout",
        "5",
    ]);
    // The line is skipped, not split: the turn is forfeited, and the next
    // request finds the bot still inside that line.
    assert_ok(
        &f,
        "Millbrook's bot forfeits its turn: it sent a line longer than 1048576 bytes (the limit); the line was skipped",
    );
    assert!(
        f.stdout
            .contains("Millbrook's bot forfeits: it did not answer within 5.0 s and was stopped"),
        "{}",
        f.stdout
    );
    assert!(f.max_rss_kib < 100 * 1024, "peak RSS {} KiB", f.max_rss_kib);
}

#[test]
fn a_flood_of_long_lines_costs_bounded_memory() {
    let dir = scratch("flood");
    // Lines just under the limit, as fast as it can: about a GiB a second.
    let bot = write(
        &dir,
        "bot.py",
        "import sys\nline = b'x' * 1000000 + b'\\n'\nwhile True:\n    sys.stdout.buffer.write(line)\n",
    );
    let f = run(&[
        "run",
        "tutorial",
        "--seat",
        &format!("mill=exec:python3 {bot}"),
        "--bot-timeout",
        "2",
    ]);
    // Lines without the request's id are discarded (and noted), and the
    // bot is stopped when no answer comes in time.
    assert_ok(&f, "did not answer within 2.0 s and was stopped");
    assert!(f.max_rss_kib < 100 * 1024, "peak RSS {} KiB", f.max_rss_kib);
}

#[test]
fn a_long_reason_full_of_escape_codes_is_cut_and_the_run_completes() {
    let dir = scratch("reason");
    // Answers every request (an empty turn, a refusal) with a huge hostile reason.
    let bot = write(
        &dir,
        "bot.py",
        r#"import json, sys
reason = "\x1b]0;pwned\x07\x1b[2J\x1b[31m" + "A" * 200000
for line in sys.stdin:
    msg = json.loads(line)
    if msg["type"] == "turn" and msg["round"] == 1:
        end = {"type": "end_turn", "party": msg["party"]}
        print(json.dumps({"id": msg["id"], "moves": [end], "reason": reason}), flush=True)
    elif msg["type"] == "turn":
        # An unknown clause id the error message would quote whole.
        move = {"type": "stance", "party": msg["party"], "clause": "c" * 200000, "stance": "accept"}
        print(json.dumps({"id": msg["id"], "moves": [move], "reason": reason}), flush=True)
    elif msg["type"] == "vote":
        print(json.dumps({"id": msg["id"], "sign": False, "reason": reason}), flush=True)
"#,
    );
    let f = run(&[
        "run",
        "tutorial",
        "--seat",
        &format!("mill=exec:python3 {bot}"),
        "--format",
        "json",
    ]);
    assert_eq!(f.code, Some(0), "{}", f.stderr);
    assert!(
        f.stdout.contains("AAAA"),
        "the reason is shown: {}",
        f.stdout
    );
    assert!(
        f.stdout.contains("forfeits the rest of its turn"),
        "{}",
        f.stdout
    );
    let longest = f.stdout.lines().map(str::len).max().unwrap_or(0);
    assert!(longest < 4000, "a transcript line of {longest} bytes");
}

#[test]
fn a_script_runs_no_command_without_allow_exec() {
    let dir = scratch("allow-exec");
    let marker = dir.join("ran");
    let script = write(
        &dir,
        "script.ron",
        &format!(
            "(seats: {{\"mill\": \"exec:touch {}; exec python3 examples/bot.py\"}})",
            marker.display()
        ),
    );
    let f = run(&["run", "tutorial", "--script", &script]);
    assert_eq!(f.code, Some(2), "{}", f.stdout);
    assert!(
        f.stderr.contains("seat mill is 'exec:touch") && f.stderr.contains("--allow-exec"),
        "{}",
        f.stderr
    );
    assert!(!marker.exists(), "the script's command ran");

    // The seat given on the command line: the script's command is not run.
    let f = run(&["run", "tutorial", "--script", &script, "--seat", "mill=ai"]);
    assert_eq!(f.code, Some(0), "{}", f.stderr);
    assert!(!marker.exists(), "the script's command ran");

    let f = run(&["run", "tutorial", "--script", &script, "--allow-exec"]);
    assert_eq!(f.code, Some(0), "{}", f.stderr);
    assert!(
        marker.exists(),
        "--allow-exec did not run the script's command"
    );
}
