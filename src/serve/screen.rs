//! One connection's screen: a seat's or a projector's [`App`] on its table,
//! or the facilitator's [`Console`], drawn by a ratatui `Terminal` whose
//! backend writes escape sequences into a buffer sent down the SSH channel.

use super::console::Console;
use super::keys::KeyParser;
use super::{Class, Input, Role};
use crate::tui::app::{App, Effect, Msg, Screen, Settings};
use crate::tui::keys::{Command, Keymap};
use crate::tui::theme::Theme;
use crossterm::event::KeyEvent;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use russh::ChannelId;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// The largest screen drawn for a client, in columns and rows: a client may
/// claim any size, and must not make the server allocate a huge frame.
pub const MAX_COLS: u16 = 400;
pub const MAX_ROWS: u16 = 150;
/// Frames queued for a client; when it does not read, newer frames are
/// dropped and it gets a whole new frame once it catches up.
const OUT_FRAMES: usize = 4;
/// Keys a connection may send: a burst of this many, then `KEY_RATE` a second.
const KEY_BURST: f64 = 40.0;
const KEY_RATE: f64 = 20.0;
/// A rotating projector shows each table this long.
pub const ROTATE: Duration = Duration::from_secs(20);

/// The bytes a screen draws. The backend flushes after every small
/// command (each cursor move of a clear), so nothing is sent on flush: the
/// screen loop sends what a whole update wrote as one message ([`send`]).
struct Sink(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Queue what the screen wrote for its client. Ok(false): the queue was
/// full and the update was dropped (the client is not reading); Err: the
/// client is gone.
fn send(pending: &Mutex<Vec<u8>>, out: &mpsc::Sender<Vec<u8>>) -> Result<bool, ()> {
    let bytes = std::mem::take(&mut *pending.lock().unwrap_or_else(|e| e.into_inner()));
    if bytes.is_empty() {
        return Ok(true);
    }
    match out.try_send(bytes) {
        Ok(()) => Ok(true),
        Err(mpsc::error::TrySendError::Full(_)) => Ok(false),
        Err(mpsc::error::TrySendError::Closed(_)) => Err(()),
    }
}

/// A token bucket for keys.
struct Rate {
    tokens: f64,
    at: Instant,
}

impl Rate {
    fn allow(&mut self, now: Instant) -> bool {
        let dt = now.duration_since(self.at).as_secs_f64();
        self.at = now;
        self.tokens = (self.tokens + dt * KEY_RATE).min(KEY_BURST);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Commands a networked screen never runs: they reach the facilitator's
/// powers, another viewer, the server's files or undo a shared table.
fn refused(c: Command, facilitator: bool) -> bool {
    match c {
        Command::Facilitator | Command::Projector => !facilitator,
        Command::Undo | Command::Export | Command::Setup | Command::OpenPath => true,
        _ => false,
    }
}

/// Run one key through an app; `Some(moved)` unless the screen is to close.
pub fn app_key(app: &mut App, k: KeyEvent, facilitator: bool) -> Option<()> {
    if let Some(c) = app.keys.command(app.scope(), &k)
        && refused(c, facilitator)
    {
        return Some(());
    }
    let fx = app.update(Msg::Key(k));
    if fx.contains(&Effect::Quit) || !matches!(app.screen, Screen::Game(_)) {
        return None;
    }
    Some(())
}

/// A new app on table `t` of the class for a seat (`Some(party)`) or a
/// watcher (projector, facilitator).
pub fn app_on(class: &Class, t: usize, seat: Option<usize>, theme: Theme) -> App {
    let mut app = App::new(
        theme,
        Keymap::default(),
        Settings {
            autosave: false,
            ai_delay: Duration::ZERO,
            ..Settings::default()
        },
    );
    app.clock = crate::tui::run::now_rfc3339;
    if let Some(s) = class.tables.get(t) {
        app.join(s.session.clone(), seat);
    }
    if let Screen::Game(play) = &mut app.screen
        && seat.is_none()
    {
        play.watcher = true;
        play.projector = true;
    }
    app
}

/// What a connection shows.
enum Face {
    Seat {
        app: Box<App>,
        table: usize,
    },
    Projector {
        app: Box<App>,
        table: usize,
        rotate: Option<Instant>,
        /// When the event card on show gives way to the next.
        card_until: Option<Instant>,
    },
    Console(Box<Console>),
}

impl Face {
    fn new(class: &Class, role: Role, theme: Theme) -> Face {
        match role {
            Role::Seat { table, party } => {
                // The seat's own screen as its last connection left it.
                let parked = class.tables[table].parked[party]
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .take();
                let app = match parked {
                    Some(mut app) => {
                        app.theme = theme;
                        app.update(Msg::Refresh);
                        app
                    }
                    None => Box::new(app_on(class, table, Some(party), theme)),
                };
                Face::Seat { app, table }
            }
            Role::Projector(t) => Face::Projector {
                app: Box::new(app_on(class, t.unwrap_or(0), None, theme)),
                table: t.unwrap_or(0),
                rotate: t.is_none().then(|| Instant::now() + ROTATE),
                card_until: None,
            },
            Role::Facilitator => Face::Console(Box::new(Console::new(theme))),
        }
    }

    /// The table whose changes this screen follows (None: every table).
    fn table(&self) -> Option<usize> {
        match self {
            Face::Seat { table, .. } => Some(*table),
            Face::Projector {
                table,
                rotate: None,
                ..
            } => Some(*table),
            _ => None,
        }
    }

    fn resize(&mut self, w: u16, h: u16) {
        match self {
            Face::Seat { app, .. } => {
                app.update(Msg::Resize { w, h });
            }
            Face::Projector {
                app, card_until, ..
            } => {
                app.update(Msg::Resize { w, h });
                face_cards(app, card_until, Instant::now());
            }
            Face::Console(c) => c.resize(w, h),
        }
    }

    fn refresh(&mut self, class: &Class) {
        match self {
            Face::Seat { app, .. } => {
                app.update(Msg::Refresh);
            }
            Face::Projector {
                app, card_until, ..
            } => {
                app.update(Msg::Refresh);
                face_cards(app, card_until, Instant::now());
            }
            Face::Console(c) => c.refresh(class),
        }
    }

    /// A key; false: close the connection.
    fn key(&mut self, k: KeyEvent, class: &Class) -> bool {
        match self {
            Face::Seat { app, table } => {
                let before = class.signature(*table);
                let open = app_key(app, k, false).is_some();
                if class.signature(*table) != before {
                    class.moved(*table);
                }
                open
            }
            // Read-only: only quitting does anything.
            Face::Projector { .. } => !matches!(
                k.code,
                crossterm::event::KeyCode::Char('q') | crossterm::event::KeyCode::Char('Q')
            ),
            Face::Console(c) => c.key(k, class),
        }
    }

    fn tick_after(&self, now: Instant) -> Option<Duration> {
        match self {
            Face::Seat { app, .. } => app
                .tick_after()
                .filter(|_| !app_machine_due(app))
                .map(|_| Duration::from_millis(200)),
            Face::Projector {
                rotate, card_until, ..
            } => [*rotate, *card_until]
                .into_iter()
                .flatten()
                .min()
                .map(|at| at.saturating_duration_since(now)),
            Face::Console(c) => c.tick_after(),
        }
    }

    fn tick(&mut self, class: &Class, theme: Theme, now: Instant) {
        match self {
            Face::Seat { app, .. } => {
                app.update(Msg::Tick);
            }
            Face::Projector {
                app,
                table,
                rotate,
                card_until,
            } => {
                if card_until.is_some_and(|at| at <= now) {
                    if let Screen::Game(play) = &mut app.screen {
                        play.room.pop_front();
                    }
                    *card_until = None;
                }
                if let Some(at) = rotate
                    && *at <= now
                {
                    let size = app.size;
                    *table = (*table + 1) % class.tables.len().max(1);
                    **app = app_on(class, *table, None, theme);
                    app.update(Msg::Resize {
                        w: size.0,
                        h: size.1,
                    });
                    *at = now + ROTATE;
                    *card_until = None;
                }
                face_cards(app, card_until, now);
            }
            Face::Console(c) => c.tick(),
        }
    }

    fn draw(&self, class: &Class, f: &mut ratatui::Frame) {
        match self {
            Face::Seat { app, .. } => f.render_widget(&**app, f.area()),
            Face::Projector { app, table, .. } => {
                f.render_widget(&**app, f.area());
                projector_label(class, *table, f);
            }
            Face::Console(c) => c.render(class, f.area(), f.buffer_mut()),
        }
    }
}

/// A projector shows each new event card and round summary for this long
/// (nobody there to press a key), then the next.
pub const CARD_SHOW: Duration = Duration::from_secs(8);

/// Start the clock on the card a projector shows, if one waits.
fn face_cards(app: &App, card_until: &mut Option<Instant>, now: Instant) {
    let waiting = matches!(&app.screen, Screen::Game(play) if !play.room.is_empty());
    if waiting && card_until.is_none() {
        *card_until = Some(now + CARD_SHOW);
    }
}

/// Which table a projector shows, in the top right corner.
fn projector_label(class: &Class, t: usize, f: &mut ratatui::Frame) {
    let label = format!(" table {} of {} ", t + 1, class.tables.len());
    let area = f.area();
    let w = label.chars().count() as u16;
    if area.width > w + 2 && area.height > 0 {
        f.buffer_mut().set_string(
            area.x + area.width - w - 1,
            area.y,
            label,
            ratatui::style::Style::default(),
        );
    }
}

fn app_machine_due(app: &App) -> bool {
    match &app.screen {
        Screen::Game(play) => play.session.machine_due(),
        _ => false,
    }
}

/// Counts a screen in as connected while it lives (even through a panic).
struct Present<'a> {
    class: &'a Class,
    role: Role,
}

impl Drop for Present<'_> {
    fn drop(&mut self) {
        self.class.connect(self.role, false);
    }
}

/// Whether a terminal gets the monochrome theme: it says it has no colour.
fn mono(term: &str, no_color: bool) -> bool {
    no_color || term.is_empty() || term == "dumb" || term.starts_with("vt")
}

fn theme(mono: bool) -> Theme {
    if mono { Theme::mono() } else { Theme::colour() }
}

/// One connection's screen, until the client leaves or quits.
pub async fn screen(
    class: Arc<Class>,
    role: Role,
    handle: russh::server::Handle,
    id: ChannelId,
    mut input: mpsc::Receiver<Input>,
) {
    let (out_tx, mut out_rx) = mpsc::channel::<Vec<u8>>(OUT_FRAMES);
    let writer = handle.clone();
    tokio::spawn(async move {
        while let Some(data) = out_rx.recv().await {
            if writer.data(id, data).await.is_err() {
                break;
            }
        }
    });
    class.connect(role, true);
    let _present = Present {
        class: &class,
        role,
    };
    let mut plain = false;
    let mut face = Face::new(&class, role, theme(plain));
    let mut table_rx = face.table().map(|t| class.tables[t].changed.subscribe());
    let mut any_rx = class.any.subscribe();
    let pending = Arc::new(Mutex::new(Vec::new()));
    let mut dropped = false;
    let Ok(mut term) = Terminal::with_options(
        CrosstermBackend::new(Sink(Arc::clone(&pending))),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, 80, 24)),
        },
    ) else {
        return;
    };
    let mut started = false;
    let mut keys = KeyParser::default();
    let mut rate = Rate {
        tokens: KEY_BURST,
        at: Instant::now(),
    };
    let (mut term_name, mut no_color) = (String::from("xterm"), false);
    loop {
        let now = Instant::now();
        let tick = face.tick_after(now);
        let follows_all = table_rx.is_none();
        let mut open = true;
        tokio::select! {
            i = input.recv() => match i {
                None => break,
                Some(Input::Size(w, h)) => {
                    let (w, h) = (w.clamp(1, MAX_COLS), h.clamp(1, MAX_ROWS));
                    let _ = term.resize(Rect::new(0, 0, w, h));
                    face.resize(w, h);
                }
                Some(Input::Term(t)) => term_name = t,
                Some(Input::NoColor) => no_color = true,
                Some(Input::Start) => {
                    started = true;
                    // The terminal's colours are known now (TERM, NO_COLOR).
                    if mono(&term_name, no_color) != plain {
                        plain = !plain;
                        face = Face::new(&class, role, theme(plain));
                    }
                    // The viewport is the client's size (the backend's own
                    // size would be the server's terminal).
                    let area = term.get_frame().area();
                    face.resize(area.width, area.height);
                    use crossterm::{cursor::Hide, execute, terminal::{Clear, ClearType, EnterAlternateScreen}};
                    let _ = execute!(term.backend_mut(), EnterAlternateScreen, Hide, Clear(ClearType::All));
                }
                Some(Input::Bytes(b)) => {
                    for k in keys.feed(&b) {
                        if !rate.allow(Instant::now()) {
                            continue;
                        }
                        if !face.key(k, &class) {
                            open = false;
                            break;
                        }
                    }
                }
            },
            r = async { match table_rx.as_mut() { Some(rx) => rx.changed().await, None => std::future::pending().await } } => {
                if r.is_err() {
                    break;
                }
                face.refresh(&class);
            }
            r = any_rx.changed(), if follows_all => {
                if r.is_err() {
                    break;
                }
                face.refresh(&class);
            }
            _ = tokio::time::sleep(tick.unwrap_or(Duration::from_secs(3600))), if tick.is_some() => {
                face.tick(&class, theme(plain), Instant::now());
            }
        }
        if !open {
            use crossterm::{cursor::Show, execute, terminal::LeaveAlternateScreen};
            let _ = execute!(term.backend_mut(), LeaveAlternateScreen, Show);
            let _ = send(&pending, &out_tx);
            break;
        }
        if !started {
            // Nothing is shown before the shell starts.
            pending.lock().unwrap_or_else(|e| e.into_inner()).clear();
            continue;
        }
        if dropped {
            // The client missed an update: draw the next frame whole.
            let _ = term.clear();
        }
        if term.draw(|f| face.draw(&class, f)).is_err() {
            break;
        }
        match send(&pending, &out_tx) {
            Ok(sent) => dropped = !sent,
            Err(()) => break,
        }
    }
    drop(term);
    if let (Face::Seat { mut app, table }, Role::Seat { party, .. }) = (face, role)
        && matches!(app.screen, Screen::Game(_))
    {
        app.popups.clear();
        *class.tables[table].parked[party]
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(app);
    }
    let _ = handle.eof(id).await;
    let _ = handle.close(id).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_screen_closes_only_itself() {
        let dir = std::env::temp_dir().join(format!("bc-screen-panic-{}", std::process::id()));
        let class = Arc::new(super::super::class::test_class(&dir));
        let role = Role::Seat { table: 0, party: 1 };
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        rt.block_on(async {
            let c = Arc::clone(&class);
            let r = tokio::spawn(async move {
                c.connect(role, true);
                let _present = Present { class: &c, role };
                // A bug while the table is locked.
                let _t = c.tables[0].session.table();
                panic!("a bug in one screen");
            })
            .await;
            assert!(r.is_err_and(|e| e.is_panic()));
            // The runtime goes on serving.
            let ok = tokio::spawn(async { 7 }).await;
            assert_eq!(ok.ok(), Some(7));
        });
        assert_eq!(class.tables[0].online(1), 0, "the seat is counted as gone");
        // The table's lock recovers: the game goes on.
        let p = class.tables[0]
            .session
            .table()
            .game()
            .to_move()
            .expect("to move");
        class.tables[0]
            .session
            .apply(crate::engine::Action::EndTurn { party: p }, None)
            .expect("a move after the panic");
    }

    #[test]
    fn seats_cannot_reach_the_facilitator_or_files() {
        for c in [
            Command::Facilitator,
            Command::Projector,
            Command::Undo,
            Command::Export,
            Command::OpenPath,
        ] {
            assert!(refused(c, false), "{c:?}");
        }
        assert!(!refused(Command::Facilitator, true));
        assert!(refused(Command::Undo, true));
        assert!(!refused(Command::Confirm, false));
    }

    #[test]
    fn the_key_rate_is_bounded() {
        let t0 = Instant::now();
        let mut r = Rate {
            tokens: KEY_BURST,
            at: t0,
        };
        let burst = (0..1000).filter(|_| r.allow(t0)).count();
        assert_eq!(burst, KEY_BURST as usize);
        let later = (0..1000)
            .filter(|_| r.allow(t0 + Duration::from_secs(1)))
            .count();
        assert_eq!(later, KEY_RATE as usize);
    }
}
