//! `backchannel serve`: a class of tables over SSH (spec §10, issue 14).
//!
//! One process holds a [`Class`]: several tables of one scenario, each a
//! shared [`crate::tui::session::Session`]. Each connection authenticates
//! with a join code as its user name and gets one screen: a seat's own
//! [`crate::tui::app::App`] on its table, a projector's public view, or the
//! facilitator's console ([`console`]). Screens draw with ratatui into a
//! buffer sent down the SSH channel ([`screen`]). Only a PTY and a shell are
//! served: no exec, no subsystem, no forwarding.
//!
//! Limits keep one client from hurting the others: connections in total and
//! per address, a handshake and login deadline, the SSH window for input, a
//! key rate per connection, and a bounded output queue (a client that does
//! not read loses frames, then gets a full redraw when it catches up). Each
//! connection runs in its own task, so a panic there ends that connection only.

pub mod class;
pub mod console;
pub mod keys;
pub mod screen;

pub use class::{Class, NewClass, Role, Timers};
pub use keys::KeyParser;

use russh::server::{Auth, Handler, Msg as SshMsg, Session as SshSession};
use russh::{Channel, ChannelId, Pty};
use std::collections::HashMap;
use std::net::IpAddr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// Connections served at once, in total and from one address (a classroom
/// behind one NAT shares an address, so that limit is generous).
pub const MAX_CONNECTIONS: usize = 256;
pub const MAX_PER_ADDRESS: usize = 64;
/// A connection that has not logged in by then is closed.
pub const LOGIN_DEADLINE: Duration = Duration::from_secs(20);
/// Input events queued for one screen; more are dropped.
const INPUT_QUEUE: usize = 64;

/// The ed25519 host key in `path`, made on first use (mode 0600).
pub fn host_key(path: &Path) -> Result<russh::keys::PrivateKey, String> {
    use russh::keys::ssh_key::{LineEnding, private::Ed25519Keypair};
    if let Ok(text) = std::fs::read_to_string(path) {
        return russh::keys::PrivateKey::from_openssh(text.trim())
            .map_err(|e| format!("{}: not a host key: {e}", path.display()));
    }
    let seed: [u8; 32] = rand::random();
    let key = russh::keys::PrivateKey::from(Ed25519Keypair::from_seed(&seed));
    let text = key
        .to_openssh(LineEnding::LF)
        .map_err(|e| format!("cannot encode the host key: {e}"))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    write_private(path, text.as_bytes()).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(key)
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)?.write_all(bytes)
}

/// Open connections by address.
#[derive(Default)]
struct Counts {
    total: usize,
    by_addr: HashMap<IpAddr, usize>,
}

/// A connection slot, given back when the connection ends.
struct Slot {
    counts: Arc<Mutex<Counts>>,
    addr: IpAddr,
}

impl Slot {
    fn take(counts: &Arc<Mutex<Counts>>, addr: IpAddr) -> Option<Slot> {
        let mut c = counts.lock().unwrap_or_else(|e| e.into_inner());
        let here = c.by_addr.get(&addr).copied().unwrap_or(0);
        if c.total >= MAX_CONNECTIONS || here >= MAX_PER_ADDRESS {
            return None;
        }
        c.total += 1;
        c.by_addr.insert(addr, here + 1);
        Some(Slot {
            counts: Arc::clone(counts),
            addr,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut c = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        c.total = c.total.saturating_sub(1);
        if let Some(n) = c.by_addr.get_mut(&self.addr) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                c.by_addr.remove(&self.addr);
            }
        }
    }
}

/// Serve the class on `listener` until Ctrl-C (or SIGTERM): then save every
/// table and the class file and return.
pub fn run(
    class: Class,
    key: russh::keys::PrivateKey,
    listener: std::net::TcpListener,
) -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    let class = Arc::new(class);
    let result = rt.block_on(serve(Arc::clone(&class), key, listener));
    // Whatever ended the server, the tables are saved.
    let saved = class.save_all();
    rt.shutdown_timeout(Duration::from_secs(1));
    result.and(saved)
}

async fn serve(
    class: Arc<Class>,
    key: russh::keys::PrivateKey,
    listener: std::net::TcpListener,
) -> Result<(), String> {
    listener
        .set_nonblocking(true)
        .map_err(|e| format!("cannot listen: {e}"))?;
    let listener =
        tokio::net::TcpListener::from_std(listener).map_err(|e| format!("cannot listen: {e}"))?;
    let config = Arc::new(russh::server::Config {
        inactivity_timeout: Some(Duration::from_secs(6 * 3600)),
        keepalive_interval: Some(Duration::from_secs(30)),
        keepalive_max: 4,
        auth_rejection_time: Duration::from_secs(1),
        auth_rejection_time_initial: Some(Duration::from_secs(0)),
        max_auth_attempts: 3,
        keys: vec![key],
        nodelay: true,
        // What a client may send before we read it: keys, not files.
        window_size: 64 * 1024,
        maximum_packet_size: 32 * 1024,
        ..Default::default()
    });
    tokio::spawn(driver(Arc::clone(&class)));
    for t in 0..class.tables.len() {
        tokio::spawn(saver(Arc::clone(&class), t));
    }
    let counts = Arc::new(Mutex::new(Counts::default()));
    let stop = stop_signal();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => return Ok(()),
            accepted = listener.accept() => {
                let Ok((stream, addr)) = accepted else {
                    // Out of file descriptors and the like: wait, go on.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let Some(slot) = Slot::take(&counts, addr.ip()) else {
                    drop(stream);
                    continue;
                };
                let _ = stream.set_nodelay(true);
                tokio::spawn(connection(Arc::clone(&class), Arc::clone(&config), stream, slot));
            }
        }
    }
}

/// Ctrl-C or SIGTERM.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let term = signal(SignalKind::terminate());
        let hup = signal(SignalKind::hangup());
        match (term, hup) {
            (Ok(mut term), Ok(mut hup)) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                    _ = hup.recv() => {}
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// One TCP connection: the SSH session, closed if it does not log in in time.
async fn connection(
    class: Arc<Class>,
    config: Arc<russh::server::Config>,
    stream: tokio::net::TcpStream,
    slot: Slot,
) {
    let logged_in = Arc::new(AtomicBool::new(false));
    let conn = Conn {
        class,
        role: None,
        input: None,
        logged_in: Arc::clone(&logged_in),
    };
    let Ok(Ok(running)) = tokio::time::timeout(
        LOGIN_DEADLINE,
        russh::server::run_stream(config, stream, conn),
    )
    .await
    else {
        return;
    };
    let handle = running.handle();
    tokio::pin!(running);
    tokio::select! {
        _ = &mut running => {}
        _ = tokio::time::sleep(LOGIN_DEADLINE) => {
            if logged_in.load(Ordering::Relaxed) {
                let _ = running.await;
            } else {
                let _ = handle
                    .disconnect(russh::Disconnect::ByApplication, "login timed out".into(), String::new())
                    .await;
            }
        }
    }
    drop(slot);
}

/// Wait for a change at a table: autosave it (atomically), coalescing
/// changes that come while a save is being written.
async fn saver(class: Arc<Class>, t: usize) {
    let Some(s) = class.tables.get(t) else {
        return;
    };
    let mut rx = s.changed.subscribe();
    let mut saved_len = usize::MAX;
    loop {
        if rx.changed().await.is_err() {
            return;
        }
        let c = Arc::clone(&class);
        let result = tokio::task::spawn_blocking(move || {
            let len = c.log_len(t);
            (
                len,
                if len == saved_len {
                    Ok(())
                } else {
                    c.save_table(t)
                },
            )
        })
        .await;
        match result {
            Ok((len, Ok(()))) => saved_len = len,
            Ok((_, Err(e))) => eprintln!("backchannel serve: {}", crate::text::clean_line(&e)),
            Err(_) => {}
        }
    }
}

/// The pause between two AI moves at a table, so people can follow them.
const AI_PACE: Duration = Duration::from_millis(100);

/// Play the AI seats and run the timers. Sleeps while nothing is due, so
/// an idle class costs no CPU.
async fn driver(class: Arc<Class>) {
    loop {
        let c = Arc::clone(&class);
        let moved: Vec<usize> = tokio::task::spawn_blocking(move || {
            let mut moved: Vec<usize> = (0..c.tables.len())
                .filter(|&t| c.tables[t].session.step())
                .collect();
            let (_, timed) = c.enforce_timers(Instant::now());
            moved.extend(timed);
            moved
        })
        .await
        .unwrap_or_default();
        for &t in &moved {
            class.moved(t);
        }
        if !moved.is_empty() {
            tokio::time::sleep(AI_PACE).await;
            continue;
        }
        let (next, _) = class.enforce_timers(Instant::now());
        match next {
            Some(at) => {
                tokio::select! {
                    _ = class.wake.notified() => {}
                    _ = tokio::time::sleep_until(tokio::time::Instant::from_std(at)) => {}
                }
            }
            None => class.wake.notified().await,
        }
    }
}

/// What the SSH side tells a screen.
pub enum Input {
    Size(u16, u16),
    /// The client's TERM (from its PTY request).
    Term(String),
    /// The client sent NO_COLOR (`ssh -o SendEnv=NO_COLOR`).
    NoColor,
    Bytes(Vec<u8>),
    Start,
}

/// One connection's SSH handler.
struct Conn {
    class: Arc<Class>,
    role: Option<Role>,
    input: Option<mpsc::Sender<Input>>,
    logged_in: Arc<AtomicBool>,
}

impl Conn {
    fn check(&mut self, user: &str) -> Auth {
        match self.class.role(user) {
            Some(r) => {
                self.role = Some(r);
                self.logged_in.store(true, Ordering::Relaxed);
                Auth::Accept
            }
            None => Auth::reject(),
        }
    }

    /// Queue input for the screen; a full queue drops it (a flood).
    fn send(&self, i: Input) {
        if let Some(tx) = &self.input {
            let _ = tx.try_send(i);
        }
    }
}

fn dims(w: u32, h: u32) -> (u16, u16) {
    let clamp = |v: u32, d: u16| {
        if v == 0 { d } else { v.min(10_000) as u16 }
    };
    (clamp(w, 80), clamp(h, 24))
}

impl Handler for Conn {
    type Error = russh::Error;

    async fn auth_none(&mut self, user: &str) -> Result<Auth, Self::Error> {
        Ok(self.check(user))
    }

    async fn auth_password(&mut self, user: &str, _: &str) -> Result<Auth, Self::Error> {
        Ok(self.check(user))
    }

    async fn auth_publickey_offered(
        &mut self,
        user: &str,
        _: russh::server::PublicKeyOffer<'_>,
    ) -> Result<Auth, Self::Error> {
        Ok(self.check(user))
    }

    async fn auth_publickey(
        &mut self,
        user: &str,
        _: russh::server::VerifiedPublicKey<'_>,
    ) -> Result<Auth, Self::Error> {
        Ok(self.check(user))
    }

    async fn auth_keyboard_interactive<'a>(
        &'a mut self,
        user: &str,
        _: &str,
        _: Option<russh::server::Response<'a>>,
    ) -> Result<Auth, Self::Error> {
        Ok(self.check(user))
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<SshMsg>,
        reply: russh::server::ChannelOpenHandle,
        session: &mut SshSession,
    ) -> Result<(), Self::Error> {
        // One screen per connection.
        let (Some(role), None) = (self.role, &self.input) else {
            return Ok(());
        };
        let (tx, rx) = mpsc::channel(INPUT_QUEUE);
        self.input = Some(tx);
        let class = Arc::clone(&self.class);
        let handle = session.handle();
        let id = channel.id();
        reply.accept().await;
        tokio::spawn(screen::screen(class, role, handle, id, rx));
        Ok(())
    }

    async fn pty_request(
        &mut self,
        channel: ChannelId,
        term: &str,
        w: u32,
        h: u32,
        _: u32,
        _: u32,
        _: &[(Pty, u32)],
        session: &mut SshSession,
    ) -> Result<(), Self::Error> {
        let (w, h) = dims(w, h);
        self.send(Input::Term(term.chars().take(64).collect()));
        self.send(Input::Size(w, h));
        session.channel_success(channel)?;
        Ok(())
    }

    async fn window_change_request(
        &mut self,
        _: ChannelId,
        w: u32,
        h: u32,
        _: u32,
        _: u32,
        _: &mut SshSession,
    ) -> Result<(), Self::Error> {
        let (w, h) = dims(w, h);
        self.send(Input::Size(w, h));
        Ok(())
    }

    async fn env_request(
        &mut self,
        _: ChannelId,
        name: &str,
        _: &str,
        _: &mut SshSession,
    ) -> Result<(), Self::Error> {
        if name == "NO_COLOR" {
            self.send(Input::NoColor);
        }
        Ok(())
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut SshSession,
    ) -> Result<(), Self::Error> {
        self.send(Input::Start);
        session.channel_success(channel)?;
        Ok(())
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        _: &[u8],
        session: &mut SshSession,
    ) -> Result<(), Self::Error> {
        session.channel_failure(channel)?;
        Ok(())
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        _: &str,
        session: &mut SshSession,
    ) -> Result<(), Self::Error> {
        session.channel_failure(channel)?;
        Ok(())
    }

    async fn data(
        &mut self,
        _: ChannelId,
        data: &[u8],
        _: &mut SshSession,
    ) -> Result<(), Self::Error> {
        // Keys are a few bytes; a paste of a file is not a key.
        let data = &data[..data.len().min(4096)];
        self.send(Input::Bytes(data.to_vec()));
        Ok(())
    }
}
