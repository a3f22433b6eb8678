//! `backchannel serve` driven by a real OpenSSH client: each seat sees its
//! own brief and not another party's.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Start the server and read its join codes (party id or "projector" → code).
fn serve(dir: &Path, port: u16) -> (Server, Vec<(String, String)>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_backchannel"))
        .args(["serve", "plan28", "--seed", "5", "--port"])
        .arg(port.to_string())
        .arg("--save-dir")
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server");
    let mut out = child.stdout.take().expect("stdout");
    let server = Server(child);
    // The codes are printed before the server listens; read them on a thread
    // so a silent server cannot hang the test.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut text = Vec::new();
        let mut buf = [0u8; 1024];
        while let Ok(n) = out.read(&mut buf) {
            if n == 0 {
                break;
            }
            text.extend_from_slice(&buf[..n]);
            if String::from_utf8_lossy(&text).contains("projector:") {
                let _ = tx.send(String::from_utf8_lossy(&text).into_owned());
            }
        }
    });
    let text = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("the server prints its codes");
    let codes = text
        .lines()
        .filter_map(|l| {
            let (who, rest) = l.split_once(": ssh -p ")?;
            let code = rest.split_once(' ')?.1.strip_suffix("@HOST")?;
            Some((who.to_string(), code.to_string()))
        })
        .collect();
    // Wait until it listens.
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the server never listened"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    (server, codes)
}

/// Connect with OpenSSH as `code`, read the screen for a while, and return
/// it as text without escape sequences and without whitespace.
fn screen_of(port: u16, code: &str, wait: Duration) -> String {
    let mut child = Command::new("/usr/bin/ssh")
        .args([
            "-tt",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "LogLevel=ERROR",
            "-o",
            "BatchMode=yes",
            "-p",
        ])
        .arg(port.to_string())
        .arg(format!("{code}@127.0.0.1"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start ssh");
    let mut out = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut all = Vec::new();
        let _ = out.read_to_end(&mut all);
        all
    });
    std::thread::sleep(wait);
    let _ = child.kill();
    let _ = child.wait();
    let bytes = reader.join().expect("reader");
    plain(&String::from_utf8_lossy(&bytes))
}

/// Strip CSI/OSC escape sequences and all whitespace.
fn plain(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\x1b' {
            match it.next() {
                Some('[') => {
                    for d in it.by_ref() {
                        if ('@'..='~').contains(&d) {
                            break;
                        }
                    }
                }
                Some(']') => {
                    for d in it.by_ref() {
                        if d == '\x07' {
                            break;
                        }
                    }
                }
                _ => {}
            }
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

fn code<'a>(codes: &'a [(String, String)], who: &str) -> &'a str {
    &codes.iter().find(|(w, _)| w == who).expect("a code").1
}

#[test]
fn two_seats_over_ssh_see_their_own_briefs() {
    if !Path::new("/usr/bin/ssh").exists() {
        eprintln!("no /usr/bin/ssh: skipped");
        return;
    }
    let dir = std::env::temp_dir().join(format!("bc-serve-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let port = free_port();
    let (server, codes) = serve(&dir, port);
    assert_eq!(codes.len(), 5, "four seats and a projector: {codes:?}");
    let ua_brief = "Youhavebeenhandedatextwrittenwithoutyou";
    let us_brief = "YourPresidentwantsthiswaroffthefrontpage";
    let wait = Duration::from_secs(3);
    let ua = screen_of(port, code(&codes, "ua"), wait);
    let us = screen_of(port, code(&codes, "us"), wait);
    assert!(ua.contains(ua_brief), "ua's screen: {ua}");
    assert!(!ua.contains(us_brief), "ua sees the US brief");
    assert!(us.contains(us_brief), "us's screen: {us}");
    assert!(!us.contains(ua_brief), "us sees Ukraine's brief");
    // Reconnecting with the same code is the same seat.
    let again = screen_of(port, code(&codes, "ua"), wait);
    assert!(again.contains(ua_brief), "ua again: {again}");
    // An unknown code is refused (no screen at all).
    let stranger = screen_of(port, "zzzz", Duration::from_secs(2));
    assert!(!stranger.contains(ua_brief) && !stranger.contains(us_brief));
    // The game is saved in the save dir.
    let saved = std::fs::read_dir(&dir)
        .expect("save dir")
        .filter_map(|e| e.ok())
        .any(|e| e.path().extension().is_some_and(|x| x == "ron"));
    assert!(saved, "no save in {}", dir.display());
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
