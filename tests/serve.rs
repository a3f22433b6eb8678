//! `backchannel serve` driven by real OpenSSH clients: four seats play a
//! round, each sees its own brief only, a reconnect resumes the seat; and
//! the faults of issue 14 (a client killed mid-frame, a client that never
//! reads, hundreds of connections, garbage before the handshake) leave the
//! other seats playing and the server's memory bounded.

use backchannel::engine::Game;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SSH: &str = "/usr/bin/ssh";

struct Server {
    child: Child,
    /// The temporary folder (removed at the end).
    root: PathBuf,
    /// The class folder.
    dir: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

impl Server {
    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The game at table 1 as its autosave has it.
    fn game(&self) -> Option<Game> {
        backchannel::save::open(&self.dir.join("table-1.ron"))
            .ok()
            .map(|(_, g)| g)
    }

    /// Resident memory in KiB (Linux).
    fn rss_kib(&self) -> u64 {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bc-serve-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Start the server and read its join codes ("table 1 ua", "facilitator",
/// "table 1 projector" … → code). `extra` are more arguments.
fn serve(name: &str, codes: usize, extra: &[&str]) -> (Server, u16, Vec<(String, String)>) {
    let dir = temp_dir(name);
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_backchannel"))
        .args(["serve", "plan28", "--seed", "5", "--port"])
        .arg(port.to_string())
        .arg("--save-dir")
        .arg(dir.join("class"))
        .arg("--host-key")
        .arg(dir.join("host_key"))
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server");
    let mut out = child.stdout.take().expect("stdout");
    let server = Server {
        child,
        root: dir.clone(),
        dir: dir.join("class"),
    };
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut text = Vec::new();
        let mut buf = [0u8; 4096];
        let mut sent = false;
        while let Ok(n) = out.read(&mut buf) {
            if n == 0 {
                break;
            }
            text.extend_from_slice(&buf[..n]);
            let s = String::from_utf8_lossy(&text).into_owned();
            if !sent && s.matches("@HOST").count() >= codes {
                let _ = tx.send(s);
                sent = true;
            }
        }
    });
    let text = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the server prints its codes");
    let codes = text
        .lines()
        .filter_map(|l| {
            let (who, rest) = l.split_once(": ssh -p ")?;
            let code = rest.split_once(' ')?.1.strip_suffix("@HOST")?;
            Some((who.to_string(), code.to_string()))
        })
        .collect();
    // It listens before it prints.
    std::net::TcpStream::connect(("127.0.0.1", port)).expect("the server listens");
    (server, port, codes)
}

fn code<'a>(codes: &'a [(String, String)], who: &str) -> &'a str {
    &codes
        .iter()
        .find(|(w, _)| w == who)
        .unwrap_or_else(|| panic!("no code for {who}: {codes:?}"))
        .1
}

/// A live OpenSSH client: its input, and everything it has received.
struct Client {
    child: Child,
    stdin: ChildStdin,
    out: Arc<Mutex<Vec<u8>>>,
}

impl Client {
    fn connect(port: u16, code: &str) -> Client {
        let mut child = Command::new(SSH)
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
        let stdin = child.stdin.take().expect("stdin");
        let mut stdout = child.stdout.take().expect("stdout");
        let out = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&out);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().expect("out").extend_from_slice(&buf[..n]);
            }
        });
        Client { child, stdin, out }
    }

    fn send(&mut self, bytes: &[u8]) {
        let _ = self.stdin.write_all(bytes);
        let _ = self.stdin.flush();
    }

    /// Its screen as it stands (the bytes received so far played on a
    /// terminal), without whitespace and box lines: frames after the first
    /// are diffs, so only the screen they build says what a person sees.
    fn text(&self) -> String {
        let bytes = self.out.lock().expect("out").clone();
        screen(&String::from_utf8_lossy(&bytes))
            .concat()
            .chars()
            .filter(|c| !c.is_whitespace() && !"│─┌┐└┘".contains(*c))
            .collect()
    }

    fn received(&self) -> usize {
        self.out.lock().expect("out").len()
    }

    /// Wait until its screen shows `needle` (whitespace-free).
    fn wait_for(&self, needle: &str, within: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < within {
            if self.text().contains(needle) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    }

    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The screen a terminal shows after `s`: enough of one to follow what
/// ratatui sends (cursor moves, clears, text; colours ignored).
fn screen(s: &str) -> Vec<String> {
    const W: usize = 400;
    const H: usize = 150;
    let mut grid = vec![vec![' '; W]; H];
    let (mut row, mut col) = (0usize, 0usize);
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '\x1b' => match it.next() {
                Some('[') => {
                    let mut params = String::new();
                    let mut fin = ' ';
                    for d in it.by_ref() {
                        if ('@'..='~').contains(&d) {
                            fin = d;
                            break;
                        }
                        params.push(d);
                    }
                    let n: Vec<usize> = params
                        .trim_start_matches('?')
                        .split(';')
                        .map(|v| v.parse().unwrap_or(0))
                        .collect();
                    match fin {
                        'H' | 'f' => {
                            row = n.first().copied().unwrap_or(1).max(1) - 1;
                            col = n.get(1).copied().unwrap_or(1).max(1) - 1;
                        }
                        'J' if n.first() == Some(&2) => {
                            grid = vec![vec![' '; W]; H];
                        }
                        'h' | 'l' if params == "?1049" => grid = vec![vec![' '; W]; H],
                        _ => {}
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
            },
            '\r' => col = 0,
            '\n' => row += 1,
            c if (c as u32) < 0x20 => {}
            c => {
                if row < H && col < W {
                    grid[row][col] = c;
                }
                col += 1;
            }
        }
    }
    grid.into_iter().map(|r| r.into_iter().collect()).collect()
}

fn have_ssh() -> bool {
    if Path::new(SSH).exists() {
        return true;
    }
    // CI installs it (.ci/run); a developer machine without it says so.
    assert!(
        std::env::var_os("CI").is_none(),
        "no {SSH} on CI: .ci/run installs openssh-client"
    );
    eprintln!("no {SSH}: skipped");
    false
}

/// Press Enter for whoever is to move until table 1 reaches `round`.
fn play_until_round(server: &Server, seats: &mut [(usize, Client)], round: u32, within: Duration) {
    let start = Instant::now();
    loop {
        let g = server.game().expect("the autosave reads");
        if g.round() >= round {
            return;
        }
        if start.elapsed() > within {
            let screen = g
                .to_move()
                .and_then(|p| seats.iter().find(|(q, _)| *q == p))
                .map(|(_, c)| c.text())
                .unwrap_or_default();
            panic!(
                "stuck in round {} ({:?} to move, {} moves); its screen: {screen}",
                g.round(),
                g.to_move(),
                g.log().len()
            );
        }
        if let Some(p) = g.to_move()
            && let Some((_, c)) = seats.iter_mut().find(|(q, _)| *q == p)
        {
            // Ending a turn with no move, like the pen-holder's revision
            // (adopting none), asks to confirm: y.
            c.send(b"\ry");
        }
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// Two briefs' opening words (whitespace-free), each private to its seat.
const BRIEFS: [(&str, &str); 2] = [
    ("us", "YourPresidentwantsthiswaroffthefrontpage"),
    ("ua", "Youhavebeenhandedatextwrittenwithoutyou"),
];

#[test]
fn four_seats_play_a_round_over_openssh_and_a_reconnect_resumes() {
    if !have_ssh() {
        return;
    }
    let (server, port, codes) = serve("round", 7, &[]);
    assert_eq!(
        codes.len(),
        2 + 1 + 4,
        "facilitator, projectors, four seats: {codes:?}"
    );
    let model = server.game().expect("a save at start").model().clone();
    let mut seats: Vec<(usize, Client)> = ["us", "ua", "eu", "ru"]
        .iter()
        .map(|id| {
            let p = model.party_index(id).expect("party");
            (
                p,
                Client::connect(port, code(&codes, &format!("table 1 {id}"))),
            )
        })
        .collect();
    // Each screen shows its own brief, and not the two distinctive ones of
    // the US and Ukraine when it is another seat.
    let (us_brief, ua_brief) = (BRIEFS[0].1, BRIEFS[1].1);
    assert!(seats[0].1.wait_for(us_brief, Duration::from_secs(20)));
    assert!(seats[1].1.wait_for(ua_brief, Duration::from_secs(20)));
    for (i, (_, c)) in seats.iter().enumerate() {
        assert!(
            c.wait_for("Privatebrief", Duration::from_secs(20)),
            "seat {i}"
        );
        let text = c.text();
        assert!(text.contains("brief") || text.contains("Brief"), "{text}");
        assert_eq!(text.contains(us_brief), i == 0, "seat {i}: {text}");
        assert_eq!(text.contains(ua_brief), i == 1, "seat {i}: {text}");
    }
    // To the table, then one round: each seat ends its turn when it is due.
    for (_, c) in seats.iter_mut() {
        c.send(b"\r");
    }
    play_until_round(&server, &mut seats, 2, Duration::from_secs(60));
    // A waiting seat sees the table live.
    assert!(seats[3].1.wait_for("Round2/", Duration::from_secs(10)));
    // Ukraine closes its terminal and comes back: the same seat, at the
    // table (its brief read), in round 2.
    let (ua, old) = seats.remove(1);
    old.kill();
    let again = Client::connect(port, code(&codes, "table 1 ua"));
    assert!(
        again.wait_for("Round2/", Duration::from_secs(20)),
        "{}",
        again.text()
    );
    assert!(
        !again.text().contains(ua_brief),
        "the brief was read before: the seat resumes at the table"
    );
    seats.insert(1, (ua, again));
    play_until_round(&server, &mut seats, 3, Duration::from_secs(60));
    // A wrong code gets no screen and learns nothing.
    let stranger = Client::connect(port, "zzzz");
    std::thread::sleep(Duration::from_secs(3));
    let t = stranger.text();
    assert!(!t.contains("Round") && !t.contains(us_brief), "{t}");
}

#[test]
fn the_facilitator_console_lists_the_tables_and_the_projector_is_public() {
    if !have_ssh() {
        return;
    }
    let (server, port, codes) = serve("console", 12, &["--tables", "2"]);
    let ua = Client::connect(port, code(&codes, "table 2 ua"));
    assert!(ua.wait_for("brief", Duration::from_secs(20)));
    let mut fac = Client::connect(port, code(&codes, "facilitator"));
    assert!(
        fac.wait_for("Tables", Duration::from_secs(20)),
        "{}",
        fac.text()
    );
    let t = fac.text();
    assert!(t.contains("Seatssee:"), "{t}");
    assert!(t.contains("ua●"), "the connected seat is marked: {t}");
    // Turn others' acceptance off at every table.
    fac.send(b"g3");
    assert!(fac.wait_for(
        "everytable:seatsseeothers'acceptanceoff",
        Duration::from_secs(10)
    ));
    let class: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(server.dir.join("class.json")).expect("class.json"),
    )
    .expect("json");
    for t in class["tables"].as_array().expect("tables") {
        assert_eq!(t["info"]["others_acceptance"], false);
    }
    // The comparison report of both tables, one key.
    fac.send(b"r");
    assert!(
        fac.wait_for("reportof2table(s)written", Duration::from_secs(60)),
        "{}",
        fac.text()
    );
    assert!(server.dir.join("report.md").is_file());
    // The projector shows the public view: no brief, no private bottom line.
    let proj = Client::connect(port, code(&codes, "table 1 projector"));
    assert!(
        proj.wait_for("Round1/", Duration::from_secs(20)),
        "{}",
        proj.text()
    );
    assert!(!proj.text().contains(BRIEFS[1].1));
    assert!(!proj.text().contains("yourbottomline"));
    drop(server);
}

#[test]
fn faults_leave_the_other_seats_playing_and_memory_bounded() {
    if !have_ssh() {
        return;
    }
    let (mut server, port, codes) = serve("faults", 5, &["--ai", "eu", "--ai", "ru"]);
    let model = server.game().expect("save").model().clone();
    let (us, ua) = (
        model.party_index("us").expect("us"),
        model.party_index("ua").expect("ua"),
    );
    let mut seats = vec![
        (us, Client::connect(port, code(&codes, "table 1 us"))),
        (ua, Client::connect(port, code(&codes, "table 1 ua"))),
    ];
    for (_, c) in seats.iter_mut() {
        assert!(c.wait_for("brief", Duration::from_secs(20)));
        c.send(b"\r");
    }
    let rss_start = server.rss_kib();

    // A client killed mid-frame: a projector receiving, killed while keys
    // make frames.
    let proj = Client::connect(port, code(&codes, "table 1 projector"));
    let start = Instant::now();
    while proj.received() == 0 && start.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(50));
    }
    seats[0].1.send(b"\x1b[B\x1b[B\x1b[A\x1b[A");
    proj.kill();

    // A client that never reads: OpenSSH whose output pipe nobody drains.
    let mut stalled = Command::new(SSH)
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
        .arg(format!(
            "{}@127.0.0.1",
            code(&codes, "projector (every table in turn)")
        ))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("ssh");

    // 500 connection attempts: half say nothing, half send garbage where
    // the SSH greeting belongs; all held open while the seats play.
    let mut flood = Vec::new();
    for i in 0..500 {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            if i % 2 == 0 {
                let _ = s.write_all(b"GET / HTTP/1.1\r\n\x00\xff\xfe garbage\r\n\r\n");
            }
            flood.push(s);
        }
    }

    // The seats play two rounds through all of it.
    play_until_round(&server, &mut seats, 3, Duration::from_secs(90));
    assert!(server.alive());
    drop(flood);
    let _ = stalled.kill();
    let _ = stalled.wait();
    // A newcomer still gets in after the flood.
    let fac = Client::connect(port, code(&codes, "facilitator"));
    assert!(
        fac.wait_for("Tables", Duration::from_secs(30)),
        "{}",
        fac.text()
    );
    let rss_end = server.rss_kib();
    assert!(
        rss_end < rss_start + 64 * 1024,
        "memory grew from {rss_start} KiB to {rss_end} KiB"
    );
}

#[test]
fn ctrl_c_saves_every_table_and_resume_brings_the_class_back() {
    if !have_ssh() {
        return;
    }
    let (mut server, port, codes) = serve("resume", 12, &["--tables", "2"]);
    let model = server.game().expect("save").model().clone();
    let us = model.party_index("us").expect("us");
    let mut seats = vec![(us, Client::connect(port, code(&codes, "table 1 us")))];
    assert!(seats[0].1.wait_for("brief", Duration::from_secs(20)));
    seats[0].1.send(b"\r");
    // The US ends its turn: one move at table 1.
    let start = Instant::now();
    while server.game().expect("save").log().is_empty() {
        assert!(start.elapsed() < Duration::from_secs(20), "no move saved");
        // Enter on a turn with no move asks first: y.
        seats[0].1.send(b"\ry");
        std::thread::sleep(Duration::from_millis(300));
    }
    drop(seats);
    let moves = server.game().expect("save").log().len();
    // SIGINT, as Ctrl-C in the terminal.
    let pid = server.pid() as i32;
    // SAFETY: kill(2) on our own child.
    unsafe {
        libc::kill(pid, libc::SIGINT);
    }
    let start = Instant::now();
    let status = loop {
        if let Ok(Some(s)) = server.child.try_wait() {
            break s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no exit on SIGINT"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "{status:?}");
    let dir = server.dir.clone();
    assert!(dir.join("table-2.ron").is_file());
    // `report DIR/*.ron` compares the tables.
    let out = Command::new(env!("CARGO_BIN_EXE_backchannel"))
        .arg("report")
        .arg(dir.join("table-1.ron"))
        .arg(dir.join("table-2.ron"))
        .output()
        .expect("report");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Resume: the same codes, the game where it was.
    let port2 = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_backchannel"))
        .args(["serve", "--port", &port2.to_string(), "--resume"])
        .arg(&dir)
        .arg("--host-key")
        .arg(dir.join("../host_key"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("resume");
    let mut text = String::new();
    let mut out = child.stdout.take().expect("stdout");
    let mut buf = [0u8; 4096];
    while !text.contains("table 2 ru") {
        let n = out.read(&mut buf).unwrap_or(0);
        if n == 0 {
            break;
        }
        text.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    let root = temp_dir("resume-2");
    let resumed = Server {
        child,
        dir: root.clone(),
        root,
    };
    assert!(text.contains(code(&codes, "table 1 us")), "{text}");
    let mut c = Client::connect(port2, code(&codes, "table 1 us"));
    assert!(
        c.wait_for("Privatebrief", Duration::from_secs(20)),
        "{}",
        c.text()
    );
    c.send(b"\x1b");
    assert!(
        c.wait_for("Round1/", Duration::from_secs(20)),
        "{}",
        c.text()
    );
    let g = backchannel::save::open(&dir.join("table-1.ron"))
        .expect("save")
        .1;
    assert_eq!(g.log().len(), moves, "the game where it was");
    drop(resumed);
}
