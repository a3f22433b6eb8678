//! `backchannel serve` (first step of issue 14): one table served over SSH.
//!
//! Each connection authenticates with a join code as its user name and gets
//! its own [`App`] joined to the one shared [`Session`], drawn by a ratatui
//! `Terminal` whose backend writes crossterm escape sequences into a buffer
//! sent down the SSH channel. Only a PTY and a shell are served: no exec, no
//! subsystem, no forwarding. Every move on the table redraws every screen
//! (a broadcast "table changed") and autosaves the game.

use crate::tui::app::{App, Effect, Msg, Settings};
use crate::tui::keys::Keymap;
use crate::tui::session::Session;
use crate::tui::theme::Theme;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use russh::server::{Auth, Handler, Msg as SshMsg, Server as _, Session as SshSession};
use russh::{Channel, ChannelId, Pty};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};

/// Who a join code lets in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Seat(usize),
    Projector,
}

/// The served table: the game, its join codes, where it saves.
pub struct Class {
    pub session: Session,
    pub codes: Vec<(String, Role)>,
    pub save: PathBuf,
    changed: broadcast::Sender<()>,
}

impl Class {
    pub fn new(session: Session, codes: Vec<(String, Role)>, save: PathBuf) -> Class {
        let (changed, _) = broadcast::channel(16);
        Class {
            session,
            codes,
            save,
            changed,
        }
    }

    fn role(&self, code: &str) -> Option<Role> {
        self.codes.iter().find(|(c, _)| c == code).map(|(_, r)| *r)
    }

    /// After a move: autosave, and redraw every screen.
    fn moved(&self) {
        self.save_now();
        let _ = self.changed.send(());
    }

    /// Write the game to its save file (errors go to stderr).
    pub fn save_now(&self) {
        let mut save = self.session.save(&crate::tui::run::now_rfc3339());
        save.source = crate::save::absolute_source(&save.source);
        if let Err(e) = save.write(&self.save) {
            eprintln!(
                "backchannel serve: cannot save {}: {e}",
                self.save.display()
            );
        }
    }

    fn log_len(&self) -> usize {
        self.session.table().game().log().len()
    }
}

/// `count` random join codes like `k7f2`, all different.
pub fn join_codes(count: usize) -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut codes: Vec<String> = Vec::new();
    while codes.len() < count {
        let bytes: [u8; 4] = rand::random();
        let code: String = bytes
            .iter()
            .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
            .collect();
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    codes
}

/// The ed25519 host key in `dir/host_ed25519`, made on first use.
pub fn host_key(dir: &Path) -> Result<russh::keys::PrivateKey, String> {
    use russh::keys::ssh_key::{LineEnding, private::Ed25519Keypair};
    let path = dir.join("host_ed25519");
    if let Ok(text) = std::fs::read_to_string(&path) {
        return russh::keys::PrivateKey::from_openssh(text.trim())
            .map_err(|e| format!("{}: not a host key: {e}", path.display()));
    }
    let seed: [u8; 32] = rand::random();
    let key = russh::keys::PrivateKey::from(Ed25519Keypair::from_seed(&seed));
    let text = key
        .to_openssh(LineEnding::LF)
        .map_err(|e| format!("cannot encode the host key: {e}"))?;
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    write_private(&path, text.as_bytes()).map_err(|e| format!("{}: {e}", path.display()))?;
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

/// Serve the class on `addr` until the process is stopped.
pub fn run(class: Class, key: russh::keys::PrivateKey, addr: (String, u16)) -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    rt.block_on(async move {
        let class = Arc::new(class);
        tokio::spawn(ai_clock(Arc::clone(&class)));
        let config = russh::server::Config {
            inactivity_timeout: Some(Duration::from_secs(6 * 3600)),
            auth_rejection_time: Duration::from_secs(1),
            auth_rejection_time_initial: Some(Duration::from_secs(0)),
            keys: vec![key],
            nodelay: true,
            ..Default::default()
        };
        let mut server = Server { class };
        server
            .run_on_address(Arc::new(config), (addr.0.as_str(), addr.1))
            .await
            .map_err(|e| format!("cannot serve on {}:{}: {e}", addr.0, addr.1))
    })
}

/// One AI move per 100 ms while one is due.
async fn ai_clock(class: Arc<Class>) {
    let mut every = tokio::time::interval(Duration::from_millis(100));
    loop {
        every.tick().await;
        let c = Arc::clone(&class);
        let moved = tokio::task::spawn_blocking(move || c.session.step())
            .await
            .unwrap_or(false);
        if moved {
            class.moved();
        }
    }
}

struct Server {
    class: Arc<Class>,
}

impl russh::server::Server for Server {
    type Handler = Conn;
    fn new_client(&mut self, _: Option<std::net::SocketAddr>) -> Conn {
        Conn {
            class: Arc::clone(&self.class),
            role: None,
            input: None,
        }
    }
}

/// What the SSH side tells a screen.
enum Input {
    Size(u16, u16),
    Bytes(Vec<u8>),
    Start,
}

/// One connection.
struct Conn {
    class: Arc<Class>,
    role: Option<Role>,
    input: Option<mpsc::UnboundedSender<Input>>,
}

impl Conn {
    fn check(&mut self, user: &str) -> Auth {
        match self.class.role(user) {
            Some(r) => {
                self.role = Some(r);
                Auth::Accept
            }
            None => Auth::reject(),
        }
    }

    fn send(&self, i: Input) {
        if let Some(tx) = &self.input {
            let _ = tx.send(i);
        }
    }
}

fn dims(w: u32, h: u32) -> (u16, u16) {
    let clamp = |v: u32, d: u16| {
        if v == 0 { d } else { v.min(500) as u16 }
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
        let (tx, rx) = mpsc::unbounded_channel();
        self.input = Some(tx);
        let class = Arc::clone(&self.class);
        let handle = session.handle();
        let id = channel.id();
        reply.accept().await;
        tokio::spawn(screen(class, role, handle, id, rx));
        Ok(())
    }

    async fn pty_request(
        &mut self,
        channel: ChannelId,
        _: &str,
        w: u32,
        h: u32,
        _: u32,
        _: u32,
        _: &[(Pty, u32)],
        session: &mut SshSession,
    ) -> Result<(), Self::Error> {
        let (w, h) = dims(w, h);
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
        self.send(Input::Bytes(data.to_vec()));
        Ok(())
    }
}

/// The bytes a screen draws, sent down its channel on flush.
struct Sink {
    buf: Vec<u8>,
    out: mpsc::UnboundedSender<Vec<u8>>,
}

impl std::io::Write for Sink {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        self.out
            .send(std::mem::take(&mut self.buf))
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe))
    }
}

/// The largest screen drawn for a client, in columns and rows.
const MAX_COLS: u16 = 500;
const MAX_ROWS: u16 = 200;

/// One connection's screen: its own app on the shared table.
async fn screen(
    class: Arc<Class>,
    role: Role,
    handle: russh::server::Handle,
    id: ChannelId,
    mut input: mpsc::UnboundedReceiver<Input>,
) {
    let (out_tx, mut out_rx) = mpsc::unbounded_channel::<Vec<u8>>();
    let writer = handle.clone();
    tokio::spawn(async move {
        while let Some(data) = out_rx.recv().await {
            if writer.data(id, data).await.is_err() {
                break;
            }
        }
    });
    let mut changed = class.changed.subscribe();
    let mut app = App::new(
        Theme::colour(),
        Keymap::default(),
        Settings {
            autosave: false,
            ai_delay: Duration::ZERO,
            ..Settings::default()
        },
    );
    app.clock = crate::tui::run::now_rfc3339;
    let seat = match role {
        Role::Seat(p) => Some(p),
        Role::Projector => None,
    };
    app.join(class.session.clone(), seat);
    if role == Role::Projector
        && let crate::tui::app::Screen::Game(play) = &mut app.screen
    {
        play.projector = true;
    }
    let size = (80u16, 24u16);
    let sink = Sink {
        buf: Vec::new(),
        out: out_tx,
    };
    let Ok(mut term) = Terminal::with_options(
        CrosstermBackend::new(sink),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, size.0, size.1)),
        },
    ) else {
        return;
    };
    let mut started = false;
    let mut keys = KeyParser::default();
    loop {
        let tick = app
            .tick_after()
            .filter(|_| !class.session.machine_due())
            .map(|_| Duration::from_millis(200));
        let mut quit = false;
        tokio::select! {
            i = input.recv() => match i {
                None => break,
                Some(Input::Size(w, h)) => {
                    // A client may claim any size: a screen is drawn at most
                    // this large, so one client cannot make the server
                    // allocate a huge frame.
                    let (w, h) = (w.clamp(1, MAX_COLS), h.clamp(1, MAX_ROWS));
                    let _ = term.resize(Rect::new(0, 0, w, h));
                    app.update(Msg::Resize { w, h });
                }
                Some(Input::Start) => {
                    started = true;
                    use crossterm::{cursor::Hide, execute, terminal::{Clear, ClearType, EnterAlternateScreen}};
                    let _ = execute!(term.backend_mut(), EnterAlternateScreen, Hide, Clear(ClearType::All));
                    app.update(Msg::Refresh);
                }
                Some(Input::Bytes(b)) => {
                    let before = class.log_len();
                    let mut any = false;
                    for k in keys.feed(&b) {
                        for e in app.update(Msg::Key(k)) {
                            if e == Effect::Quit {
                                quit = true;
                            }
                        }
                        any = true;
                    }
                    if any && class.log_len() != before {
                        class.moved();
                    } else if any {
                        // Facilitator-free first step: other screens only
                        // need a redraw after a move.
                    }
                }
            },
            r = changed.recv() => {
                if matches!(r, Err(broadcast::error::RecvError::Closed)) {
                    break;
                }
                app.update(Msg::Refresh);
            }
            _ = tokio::time::sleep(tick.unwrap_or(Duration::from_secs(3600))), if tick.is_some() => {
                app.update(Msg::Tick);
            }
        }
        if quit {
            use crossterm::{cursor::Show, execute, terminal::LeaveAlternateScreen};
            let _ = execute!(term.backend_mut(), LeaveAlternateScreen, Show);
            break;
        }
        if started && term.draw(|f| f.render_widget(&app, f.area())).is_err() {
            break;
        }
    }
    let _ = handle.eof(id).await;
    let _ = handle.close(id).await;
}

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

    #[test]
    fn codes_differ() {
        let c = join_codes(20);
        assert_eq!(c.len(), 20);
        assert!(c.iter().all(|x| x.len() == 4));
    }
}
