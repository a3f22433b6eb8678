//! Load bench for `backchannel serve` (spec §10): 10 tables × 4 seats = 40
//! simulated clients (the russh client) on loopback, each pressing a key
//! every 200 ms. Reports the p50/p99 key-to-frame latency (from sending a
//! key to the first screen bytes after it), the server's CPU and peak RSS
//! while loaded, and its CPU while idle.
//!
//! `cargo bench --bench serve`; `BENCH_SERVE_SECS=10` for a quick run
//! (default 60), `BENCH_SERVE_TABLES` to change the number of tables.
//! The server is the release binary in its own process, so the figures
//! are its own (Linux: read from /proc).

use russh::client;
use russh::keys::PublicKeyOrCertificate;
use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Seat;

impl client::Handler for Seat {
    type Error = russh::Error;
    async fn check_server_key(&mut self, _: &PublicKeyOrCertificate) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// CPU seconds (user + system) of a process, from /proc.
fn cpu_secs(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces) in parentheses.
    let rest = stat.rsplit_once(')').map_or("", |r| r.1);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0)
        + f.get(12).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    ticks / hz.max(1.0)
}

fn status_kib(pid: u32, field: &str) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    s.lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` does not: then
    // only check that the bench builds.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let secs = env_num("BENCH_SERVE_SECS", 60);
    let tables = env_num("BENCH_SERVE_TABLES", 10) as usize;
    let dir = std::env::temp_dir().join(format!("bc-bench-serve-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let mut child = Command::new(env!("CARGO_BIN_EXE_backchannel"))
        .args(["serve", "plan28", "--seed", "7", "--tables"])
        .arg(tables.to_string())
        .arg("--port")
        .arg(port.to_string())
        .arg("--save-dir")
        .arg(dir.join("class"))
        .arg("--host-key")
        .arg(dir.join("host_key"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server");
    let mut out = child.stdout.take().expect("stdout");
    let server = Server(child);
    let pid = server.0.id();
    let mut text = String::new();
    let mut buf = [0u8; 8192];
    let last = format!("table {tables} ru:");
    while !text.contains(&last) {
        let n = out.read(&mut buf).unwrap_or(0);
        assert!(n > 0, "the server stopped: {text}");
        text.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    let codes: Vec<String> = text
        .lines()
        .filter(|l| l.starts_with("table ") && !l.contains("projector"))
        .filter_map(|l| {
            let at = l.rsplit_once(' ')?.1;
            Some(at.strip_suffix("@HOST")?.to_string())
        })
        .collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let clients = codes.len();
    println!(
        "serve load bench: {tables} tables, {clients} clients, a key every 200 ms each for {secs} s"
    );
    // Idle: nobody connected.
    std::thread::sleep(Duration::from_secs(1));
    let (c0, t0) = (cpu_secs(pid), Instant::now());
    std::thread::sleep(Duration::from_secs(5));
    let idle_empty = (cpu_secs(pid) - c0) / t0.elapsed().as_secs_f64();

    let started = Arc::new(tokio::sync::Barrier::new(clients + 1));
    let (lat_tx, mut lat_rx) = tokio::sync::mpsc::unbounded_channel::<Duration>();
    let run_for = Duration::from_secs(secs);
    let (cpu_loaded, wall_loaded, peak, idle_connected, latencies) = rt.block_on(async {
        let mut tasks = Vec::new();
        for code in codes {
            let lat = lat_tx.clone();
            let started = Arc::clone(&started);
            tasks.push(tokio::spawn(async move {
                let config = Arc::new(client::Config::default());
                let mut s = client::connect(config, ("127.0.0.1", port), Seat)
                    .await
                    .expect("connect");
                assert!(s.authenticate_none(code).await.expect("auth").success());
                let mut ch = s.channel_open_session().await.expect("channel");
                ch.request_pty(false, "xterm-256color", 100, 30, 0, 0, &[])
                    .await
                    .expect("pty");
                ch.request_shell(false).await.expect("shell");
                // Wait for the first screen, then leave the brief.
                while let Some(m) = ch.wait().await {
                    if matches!(m, russh::ChannelMsg::Data { .. }) {
                        break;
                    }
                }
                ch.data_bytes(&b"\r"[..]).await.expect("key");
                tokio::time::sleep(Duration::from_millis(500)).await;
                while let Ok(Some(_)) =
                    tokio::time::timeout(Duration::from_millis(50), ch.wait()).await
                {
                }
                started.wait().await;
                // Down and up the clause list: every key changes the screen.
                let end = Instant::now() + run_for;
                let mut tick = tokio::time::interval(Duration::from_millis(200));
                let mut down = true;
                while Instant::now() < end {
                    tick.tick().await;
                    let key: &[u8] = if down { b"\x1b[B" } else { b"\x1b[A" };
                    down = !down;
                    let sent = Instant::now();
                    if ch.data_bytes(key).await.is_err() {
                        break;
                    }
                    // The first frame bytes after the key.
                    loop {
                        match tokio::time::timeout(Duration::from_secs(2), ch.wait()).await {
                            Ok(Some(russh::ChannelMsg::Data { .. })) => {
                                let _ = lat.send(sent.elapsed());
                                break;
                            }
                            Ok(Some(_)) => continue,
                            Ok(None) => return,
                            Err(_) => {
                                let _ = lat.send(Duration::from_secs(2));
                                break;
                            }
                        }
                    }
                    // Drain what else came (other seats' moves) before the next key.
                    while let Ok(Some(_)) =
                        tokio::time::timeout(Duration::from_millis(1), ch.wait()).await
                    {
                    }
                }
                // Stay connected, idle, for the idle measurement.
                tokio::time::sleep(Duration::from_secs(8)).await;
                drop(ch);
            }));
        }
        drop(lat_tx);
        started.wait().await;
        let (c1, t1) = (cpu_secs(pid), Instant::now());
        let mut peak = 0u64;
        while t1.elapsed() < run_for {
            tokio::time::sleep(Duration::from_millis(500)).await;
            peak = peak.max(status_kib(pid, "VmRSS:"));
        }
        let cpu = cpu_secs(pid) - c1;
        let wall = t1.elapsed().as_secs_f64();
        // Connected but nobody typing: let the last frames go, then measure.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let (c2, t2) = (cpu_secs(pid), Instant::now());
        tokio::time::sleep(Duration::from_secs(5)).await;
        let idle = (cpu_secs(pid) - c2) / t2.elapsed().as_secs_f64();
        let mut lat = Vec::new();
        while let Some(d) = lat_rx.recv().await {
            lat.push(d);
        }
        for t in tasks {
            let _ = t.await;
        }
        (cpu, wall, peak, idle, lat)
    });
    let mut ms: Vec<f64> = latencies.iter().map(|d| d.as_secs_f64() * 1e3).collect();
    ms.sort_by(|a, b| a.total_cmp(b));
    let q = |p: f64| {
        if ms.is_empty() {
            f64::NAN
        } else {
            ms[((ms.len() - 1) as f64 * p).round() as usize]
        }
    };
    let hwm = status_kib(pid, "VmHWM:");
    println!("keys answered: {}", ms.len());
    println!(
        "key-to-frame latency: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms (bar: p99 ≤ 50 ms)",
        q(0.5),
        q(0.99),
        q(1.0)
    );
    println!(
        "server CPU under load: {:.0}% of one core ({:.1} s over {:.1} s)",
        100.0 * cpu_loaded / wall_loaded,
        cpu_loaded,
        wall_loaded
    );
    println!(
        "server RSS under load: peak {:.1} MB (high-water mark {:.1} MB)",
        peak as f64 / 1024.0,
        hwm as f64 / 1024.0
    );
    println!(
        "server CPU idle: {:.2}% with nobody connected, {:.2}% with {clients} idle clients",
        100.0 * idle_empty,
        100.0 * idle_connected
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
