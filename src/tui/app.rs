//! The App: state, messages and `update` (The Elm Architecture). `update`
//! never touches a terminal, a file or a clock; what must happen outside
//! comes back as [`Effect`]s for the shell (`run.rs`) to carry out.

use super::keys::{Command, Keymap, Scope};
use super::session::Session;
use super::theme::Theme;
use crate::core::model::{InfoItem, InfoSettings};
use crate::engine::{Action, Breakdown, Changes, Phase, Selection, Stance, Term};
use crate::save::Save;
use crate::scenario::{self, Model};
use crate::table::view::Redacted;
use crate::table::{Kind, SeatPolicy, Table, View, Viewer};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind};
use ratatui::layout::{Position, Rect};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Something that happened to the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
    Key(KeyEvent),
    /// A left click at a cell.
    Click {
        x: u16,
        y: u16,
    },
    /// The wheel: up (true) or down.
    Scroll {
        up: bool,
    },
    Resize {
        w: u16,
        h: u16,
    },
    /// Time passed (AI seats move one step).
    Tick,
    /// The shell wrote a new save file under this name (after [`Effect::SaveNew`]).
    SavedAs(PathBuf),
    /// The shared table changed (another screen moved): read it again.
    Refresh,
}

/// Work for the shell.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Write this save (atomically) to this path.
    Save(PathBuf, Box<Save>),
    /// Write this save to a new file named like this path (never over an
    /// existing one), and answer with [`Msg::SavedAs`] and the name used.
    SaveNew(PathBuf, Box<Save>),
    /// Write the debrief report of this save (and this path for it).
    Export(PathBuf, Box<Save>),
    Quit,
}

/// A thing on screen a click can reach (recorded while rendering).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hit {
    Row(usize),
    Pane(Pane),
    Key(Command),
}

/// The panes of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Clauses,
    Detail,
    Dashboard,
    Ticker,
}

impl Pane {
    pub const ALL: [Pane; 4] = [Pane::Clauses, Pane::Detail, Pane::Dashboard, Pane::Ticker];
}

/// A popup over the current screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Popup {
    Help {
        scroll: u16,
    },
    Quit,
    OpenPath {
        input: String,
    },
    /// Scrollable text (the deal-space advisor).
    Text {
        title: String,
        lines: Vec<String>,
        scroll: u16,
    },
    Variants {
        clause: usize,
        sel: usize,
    },
    Why {
        breakdown: Breakdown,
        scroll: u16,
        /// The value is a chance (0..1) reached through the terms, not their sum.
        percent: bool,
        /// Lines said after the terms, not added into the value.
        notes: Vec<String>,
    },
    Diplomacy {
        sel: usize,
    },
    Facilitator {
        sel: usize,
    },
    /// The facilitator's PIN: `set` chooses it at the start, otherwise it is
    /// asked before the facilitator menu opens.
    Pin {
        input: String,
        set: bool,
    },
    /// The package being built on this screen, with its what-if.
    Package {
        sel: usize,
    },
    /// Accept `clause` on a condition: clause `on` reads option `option`;
    /// `col` 0 picks the clause, 1 the wording.
    Condition {
        clause: usize,
        on: usize,
        option: usize,
        col: u8,
    },
    Message {
        title: String,
        text: String,
        /// What `y` does (None: a plain message).
        confirm: Option<Confirm>,
    },
}

/// A move that asks "are you sure?" first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirm {
    WalkOut,
    /// End a turn in which the seat made no move.
    EndTurn,
    /// Call a signing vote (a seat has few).
    CallVote,
    /// Sign a text below the seat's own bottom line.
    Sign,
    /// Write these proposals into the draft (the pen-holder).
    Revise(Selection),
}

impl Popup {
    pub fn scope(&self) -> Scope {
        match self {
            Popup::Help { .. } => Scope::Help,
            Popup::Quit => Scope::Quit,
            Popup::OpenPath { .. } => Scope::OpenPath,
            Popup::Pin { .. } => Scope::Pin,
            Popup::Variants { .. } => Scope::Variants,
            Popup::Why { .. } | Popup::Text { .. } => Scope::Why,
            Popup::Diplomacy { .. } => Scope::Diplomacy,
            Popup::Facilitator { .. } => Scope::Facilitator,
            Popup::Package { .. } => Scope::Package,
            Popup::Condition { .. } => Scope::Condition,
            Popup::Message { .. } => Scope::Message,
        }
    }
}

/// A scenario on the title screen.
#[derive(Debug, Clone)]
pub struct Entry {
    pub source: String,
    pub model: Result<Arc<Model>, String>,
}

/// The seat setup screen.
#[derive(Debug, Clone)]
pub struct Setup {
    pub model: Arc<Model>,
    pub source: String,
    pub seats: Vec<SeatPolicy>,
    pub rounds: u32,
    pub seed: u64,
    pub row: usize,
}

/// A save on the resume screen.
#[derive(Debug, Clone)]
pub struct SaveEntry {
    pub path: PathBuf,
    pub save: Result<Save, String>,
    /// The round it was saved in (when its scenario still replays).
    pub round: Option<u32>,
    /// Whether the game is over (when its scenario still replays).
    pub finished: Option<bool>,
    /// When it was last saved, in local time (the shell's clock).
    pub when: String,
}

/// One screen on a table: the viewer it is for, and its own cursor, scroll,
/// cards seen and pop-ups. The table itself is shared ([`Session`]).
#[derive(Debug, Clone)]
pub struct Play {
    pub session: Session,
    /// The party this screen belongs to (a networked seat, a second screen);
    /// None: the local keyboard, handed from seat to seat in hot-seat play.
    pub seat: Option<usize>,
    /// In hot-seat, the human seat that has been handed the keyboard.
    pub at_keyboard: Option<usize>,
    /// Seats that have read their brief on this screen.
    pub briefed: Vec<bool>,
    /// Facilitator: every brief and utility on this screen.
    pub reveal_all: bool,
    /// Public information only on this screen.
    pub projector: bool,
    /// A screen that only watches (a served projector or facilitator
    /// view): it never takes the keyboard or acts for a seat.
    pub watcher: bool,
    /// How much of the table's narration this screen has looked through for
    /// event cards and round ends.
    pub cards_seen: usize,
    /// Per party, the event cards and round summaries not yet shown to that
    /// seat on this screen (in hot-seat, each seat sees them at its hand-over).
    pub notices: Vec<VecDeque<Notice>>,
    /// The event cards and round summaries not yet shown to the room: the
    /// projector view pops them up as a seat's screen does. It holds the
    /// last round's at most (an older summary and what came before it go).
    pub room: VecDeque<Notice>,
    /// The scenario as this screen's viewer may know it.
    pub redacted: Redacted,
    pub focus: Pane,
    pub clause: usize,
    pub dash: usize,
    pub ticker_scroll: usize,
    pub detail_scroll: u16,
    pub brief_open: bool,
    pub brief_scroll: u16,
    pub map_open: bool,
    pub end_scroll: u16,
    /// Per seat, the package being built on this screen (clause, option).
    pub packages: Vec<Vec<(usize, usize)>>,
    /// The pen-holder's revision screen.
    pub revision: Revision,
}

/// Something a seat is shown once, over the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// An event card fired (the event's index).
    Card(usize),
    /// A round ended: its summary.
    Summary(u32),
}

/// The pen-holder's choices on the revision screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Revision {
    /// The game's move count, round and number of proposals when this
    /// revision opened (a new one, or an undo, resets the choices).
    pub key: (usize, u32, usize),
    /// The proposal under the cursor.
    pub cursor: usize,
    /// The proposals marked for adoption.
    pub adopt: Selection,
}

impl Play {
    /// A screen on `session` for the local keyboard (`seat` None) or for one party.
    pub fn new(session: Session, seat: Option<usize>) -> Play {
        let np = session.model().parties.len();
        let redacted = Redacted::of(session.model(), Viewer::Public);
        let mut play = Play {
            session,
            seat,
            at_keyboard: None,
            briefed: vec![false; np],
            reveal_all: false,
            projector: false,
            watcher: false,
            cards_seen: 0,
            notices: vec![VecDeque::new(); np],
            room: VecDeque::new(),
            redacted,
            focus: Pane::Clauses,
            clause: 0,
            dash: 0,
            ticker_scroll: 0,
            detail_scroll: 0,
            brief_open: false,
            brief_scroll: 0,
            map_open: false,
            end_scroll: 0,
            packages: vec![Vec::new(); np],
            revision: Revision::default(),
        };
        // A resumed game shows the cards of the round it is in, not every
        // card and summary of its past.
        play.cards_seen = {
            let t = play.session.table();
            t.narrations()
                .iter()
                .rposition(|n| n.kind == Kind::RoundStart)
                .unwrap_or(0)
        };
        play.sync();
        play
    }

    /// The seats this screen shows notices to: its own seat, or on the local
    /// keyboard every human seat (each at its hand-over, the projector on or off).
    fn notice_seats(&self, t: &Table) -> Vec<usize> {
        if self.watcher {
            return Vec::new();
        }
        match self.seat {
            Some(s) => vec![s],
            None => t.humans(),
        }
    }

    /// The notices (event cards, round summaries) waiting for the viewer now.
    pub fn pending(&self) -> Option<&VecDeque<Notice>> {
        self.pending_for(self.viewer_party())
    }

    /// The notices waiting for `viewer` (a party; on the projector, the
    /// room's): for renderers, which hold the table already and know their viewer.
    pub fn pending_for(&self, viewer: Option<usize>) -> Option<&VecDeque<Notice>> {
        if self.projector {
            return Some(&self.room).filter(|q| !q.is_empty());
        }
        viewer
            .and_then(|p| self.notices.get(p))
            .filter(|q| !q.is_empty())
    }

    fn pending_mut(&mut self) -> Option<&mut VecDeque<Notice>> {
        if self.projector {
            return Some(&mut self.room);
        }
        let p = self.viewer_party()?;
        self.notices.get_mut(p)
    }

    /// The seat acting from this screen now: its own seat, the only human
    /// seat in solo play, or in hot-seat the seat that has the keyboard.
    fn acting(&self, t: &Table) -> Option<usize> {
        if self.watcher {
            return None;
        }
        if let Some(s) = self.seat {
            return Some(s);
        }
        let humans = t.humans();
        if humans.len() == 1 {
            return Some(humans[0]);
        }
        let p = t.game().to_move()?;
        (t.is_human(p) && self.at_keyboard == Some(p)).then_some(p)
    }

    /// Who this screen is for now.
    fn viewer_of(&self, t: &Table) -> Viewer {
        if self.projector {
            Viewer::Public
        } else if self.reveal_all {
            Viewer::Facilitator { reveal: true }
        } else {
            self.acting(t).map_or(Viewer::Public, Viewer::Party)
        }
    }

    /// What this screen may show: the table's information settings, or
    /// everything for the facilitator with reveal on. Screens ask here only.
    pub fn info(&self) -> InfoSettings {
        // The viewer as of the last sync: screens call this while they hold
        // the table's lock, so it must not lock it again.
        match self.redacted.viewer() {
            Viewer::Facilitator { reveal: true } => InfoSettings::ALL,
            _ => self.session.info(),
        }
    }

    /// Who this screen is for now.
    pub fn viewer(&self) -> Viewer {
        self.viewer_of(&self.session.table())
    }

    /// The party whose private data this screen shows (its own seat's).
    pub fn viewer_party(&self) -> Option<usize> {
        self.viewer().party()
    }

    /// The human seat waiting for the keyboard in hot-seat, if any.
    pub fn handover(&self) -> Option<usize> {
        let t = self.session.table();
        if self.seat.is_some()
            || self.watcher
            || t.humans().len() < 2
            || t.game().ending().is_some()
        {
            return None;
        }
        let p = t.game().to_move()?;
        (t.is_human(p) && self.at_keyboard != Some(p)).then_some(p)
    }

    /// The human seat that may act from this screen now.
    pub fn human_to_move(&self) -> Option<usize> {
        let t = self.session.table();
        let p = t.game().to_move()?;
        (t.is_human(p) && self.acting(&t) == Some(p)).then_some(p)
    }

    /// Bring this screen up to date with the table: its viewer's redaction,
    /// and the event cards fired since it last looked.
    pub fn sync(&mut self) {
        let t = self.session.table();
        let viewer = self.viewer_of(&t);
        let model = t.model();
        self.redacted.refresh(model, viewer);
        let stream = t.narrations();
        let seats = self.notice_seats(&t);
        // A ticker scrolled back stays on the lines it shows.
        if self.ticker_scroll > 0 {
            self.ticker_scroll += stream.len().saturating_sub(self.cards_seen);
        }
        for n in stream.get(self.cards_seen..).unwrap_or_default() {
            let notice = match n.kind {
                Kind::Card => model.event_index(&n.detail).map(Notice::Card),
                Kind::RoundEnd => Some(Notice::Summary(n.round)),
                _ => None,
            };
            if let Some(x) = notice {
                for &s in &seats {
                    self.notices[s].push_back(x);
                }
                if matches!(x, Notice::Summary(_))
                    && let Some(i) = self
                        .room
                        .iter()
                        .rposition(|n| matches!(n, Notice::Summary(_)))
                {
                    self.room.drain(..=i);
                }
                self.room.push_back(x);
            }
        }
        self.cards_seen = stream.len();
        let g = t.game();
        let key = (g.log().len(), g.round(), g.proposals().len());
        if matches!(g.phase(), Phase::Revision { .. }) && self.revision.key != key {
            self.revision = Revision {
                key,
                ..Revision::default()
            };
        }
        // A package's changes that the table has settled or written in go.
        for pkg in &mut self.packages {
            pkg.retain(|&(c, o)| {
                g.status().get(c) == Some(&crate::engine::Status::Open) && g.options()[c] != o
            });
        }
    }

    /// The package this screen's seat is building.
    pub fn package(&self) -> &[(usize, usize)] {
        self.viewer_party()
            .and_then(|p| self.packages.get(p))
            .map_or(&[], |v| v.as_slice())
    }

    /// The view of the table this screen renders (the table locked while it lives).
    pub fn with_view<R>(&self, f: impl FnOnce(&View) -> R) -> R {
        let t = self.session.table();
        f(&View::new(&t, &self.redacted))
    }

    /// The screen the game shows now.
    pub fn scope(&self) -> Scope {
        let (ended, voting, revising) = {
            let t = self.session.table();
            (
                t.game().ending().is_some(),
                matches!(t.game().phase(), Phase::Vote { .. }),
                matches!(t.game().phase(), Phase::Revision { .. }),
            )
        };
        if ended {
            return Scope::End;
        }
        if self.handover().is_some() {
            return Scope::Handover;
        }
        if let Some(v) = self.viewer_party()
            && (self.brief_open || !self.briefed[v])
        {
            return Scope::Briefing;
        }
        match self.pending().and_then(|q| q.front()) {
            Some(Notice::Card(_)) => return Scope::Card,
            Some(Notice::Summary(_)) => return Scope::Summary,
            None if self.projector => return Scope::Projector,
            None => {}
        }
        if voting && self.human_to_move().is_some() {
            return Scope::Vote;
        }
        if revising && self.human_to_move().is_some() && !self.projector {
            return Scope::Revision;
        }
        if self.map_open {
            return Scope::Map;
        }
        Scope::Table
    }

    /// The values the dashboard lists (each opens into its "why").
    pub fn dash_items(&self) -> Vec<DashItem> {
        dash_items_of(self.session.model(), self.viewer(), self.info())
    }
}

/// The values a viewer's dashboard lists: the metrics, every party's
/// readiness to sign, and the viewer's own utility and reservation.
/// Other parties' readiness is listed only when `info` lets the viewer see it.
pub fn dash_items_of(m: &Model, viewer: Viewer, info: InfoSettings) -> Vec<DashItem> {
    let mut v: Vec<DashItem> = (0..m.metrics.len()).map(DashItem::Metric).collect();
    v.extend(
        (0..m.parties.len())
            .filter(|&p| info.others_acceptance || viewer.party() == Some(p))
            .map(DashItem::Acceptance),
    );
    match viewer {
        Viewer::Party(p) => {
            v.push(DashItem::Utility(p));
            v.push(DashItem::Reservation(p));
        }
        Viewer::Facilitator { reveal: true } => {
            for p in 0..m.parties.len() {
                v.push(DashItem::Utility(p));
            }
        }
        _ => {}
    }
    v
}

/// A value on the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DashItem {
    Metric(usize),
    Acceptance(usize),
    Utility(usize),
    Reservation(usize),
}

/// The screens.
#[derive(Debug, Clone)]
pub enum Screen {
    Title { sel: usize },
    Setup(Setup),
    Resume { saves: Vec<SaveEntry>, sel: usize },
    Game(Box<Play>),
}

/// Shell settings the app needs to know.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Write a save after every action.
    pub autosave: bool,
    /// Save to this file instead of the data folder.
    pub save_path: Option<PathBuf>,
    /// The pause between two AI moves.
    pub ai_delay: Duration,
    /// The seed new games get unless the setup changes it.
    pub seed: u64,
    /// Work out the end screen's benchmarks (a quick sweep on a thread).
    pub benchmarks: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            autosave: false,
            save_path: None,
            ai_delay: Duration::from_millis(90),
            seed: 1,
            benchmarks: true,
        }
    }
}

/// The whole terminal UI as a value.
#[derive(Debug)]
pub struct App {
    pub theme: Theme,
    pub keys: Keymap,
    pub settings: Settings,
    /// Returns the time as RFC 3339 (the shell's clock; fixed in tests).
    pub clock: fn() -> String,
    pub entries: Vec<Entry>,
    pub screen: Screen,
    pub popups: Vec<Popup>,
    /// A one-line message in the footer (an error or a confirmation).
    pub status: Option<String>,
    /// Why the last save failed, shown as a banner until a save succeeds.
    pub save_failed: Option<String>,
    pub size: (u16, u16),
    /// Click targets of the last frame.
    pub hits: RefCell<Vec<(Rect, Hit)>>,
    /// The facilitator's PIN, salted and hashed ([`crate::save::pin_hash`]);
    /// None: no facilitator at this table, `F` says so. A game that joins
    /// brings its own (a resumed table's); [`App::set_pin`] chooses one.
    pub pin: Option<String>,
}

fn fixed_clock() -> String {
    "2025-11-21T12:00:00Z".into()
}

impl App {
    /// The title screen with the bundled scenarios.
    pub fn new(theme: Theme, keys: Keymap, settings: Settings) -> App {
        let entries = scenario::BUNDLED
            .iter()
            .map(|b| Entry {
                source: b.id.into(),
                model: scenario::open(b.id)
                    .map(Arc::new)
                    .map_err(|e| e.to_string()),
            })
            .collect();
        App {
            theme,
            keys,
            settings,
            clock: fixed_clock,
            entries,
            screen: Screen::Title { sel: 0 },
            popups: Vec::new(),
            status: None,
            save_failed: None,
            size: (80, 24),
            hits: RefCell::new(Vec::new()),
            pin: None,
        }
    }

    /// Ask for a facilitator PIN now (`play --facilitator`); the facilitator
    /// menu then opens only after it is typed.
    pub fn ask_pin(&mut self) {
        self.popups.push(Popup::Pin {
            input: String::new(),
            set: true,
        });
    }

    /// Choose the facilitator's PIN: only its hash is kept, on this screen
    /// and in the game's save (so `resume` asks for it again).
    pub fn set_pin(&mut self, pin: &str) {
        let hash = crate::save::pin_hash(pin);
        if let Screen::Game(play) = &mut self.screen {
            play.session.facilitator = Some(hash.clone());
        }
        self.pin = Some(hash);
    }

    /// `F`: the PIN question, or why there is no facilitator menu.
    fn open_facilitator(&mut self) {
        if self.pin.is_some() {
            self.popups.push(Popup::Pin {
                input: String::new(),
                set: false,
            });
        } else {
            self.status = Some(
                "no facilitator at this table: start it with `backchannel play --facilitator`"
                    .into(),
            );
        }
    }

    /// Go straight to a game (for `play` and `resume`) on the local keyboard.
    pub fn start(&mut self, session: Session) -> Vec<Effect> {
        self.join(session, None)
    }

    /// Open a screen on a game: for the local keyboard (`seat` None) or for
    /// one party's seat. Several apps may join one session (one table).
    pub fn join(&mut self, mut session: Session, seat: Option<usize>) -> Vec<Effect> {
        if session.started.is_empty() {
            session.started = (self.clock)();
        }
        if session.save_path.is_none() && self.settings.autosave {
            // `--save FILE` names the first game's save only: a later game
            // started from the title must not overwrite it.
            session.save_path = self.settings.save_path.take().or_else(|| {
                crate::save::save_dir().map(|d| {
                    let stamp: String = session
                        .started
                        .chars()
                        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                        .collect();
                    // A proposal: the shell makes it a new file (adding -2, -3…
                    // if needed) and answers with Msg::SavedAs.
                    session.fresh_save = true;
                    d.join(format!("{}-{stamp}.ron", session.model().scenario.meta.id))
                })
            });
        }
        // The facilitator's PIN: a resumed table's own, or this screen's
        // carried on to a game it starts.
        match &session.facilitator {
            Some(h) => self.pin = Some(h.clone()),
            None => session.facilitator = self.pin.clone(),
        }
        self.popups.clear();
        self.screen = Screen::Game(Box::new(Play::new(session, seat)));
        let mut fx = Vec::new();
        self.autosave(&mut fx);
        fx
    }

    /// The scope the keyboard is in.
    pub fn scope(&self) -> Scope {
        if let Some(p) = self.popups.last() {
            return p.scope();
        }
        match &self.screen {
            Screen::Title { .. } => Scope::Title,
            Screen::Setup(_) => Scope::Setup,
            Screen::Resume { .. } => Scope::Resume,
            Screen::Game(play) => play.scope(),
        }
    }

    /// How long the shell may wait for input before sending [`Msg::Tick`].
    pub fn tick_after(&self) -> Option<Duration> {
        if let (Screen::Game(play), Some(Popup::Text { .. })) = (&self.screen, self.popups.last())
            && play.session.advisor_busy()
        {
            return Some(Duration::from_millis(200));
        }
        if let Screen::Game(play) = &self.screen
            && play.session.bench_busy()
        {
            return Some(Duration::from_millis(250));
        }
        match &self.screen {
            Screen::Game(play)
                if self.popups.is_empty()
                    && play.pending().is_none()
                    && play.session.machine_due() =>
            {
                Some(self.settings.ai_delay)
            }
            _ => None,
        }
    }

    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        let mut fx = Vec::new();
        match msg {
            Msg::Key(k) if k.kind != KeyEventKind::Release => self.key(k, &mut fx),
            Msg::Key(_) => {}
            Msg::Click { x, y } => self.click(x, y, &mut fx),
            Msg::Scroll { up } => {
                self.command(if up { Command::Up } else { Command::Down }, &mut fx)
            }
            Msg::Resize { w, h } => self.size = (w, h),
            Msg::Refresh => {}
            Msg::SavedAs(path) => {
                if let Screen::Game(play) = &mut self.screen {
                    play.session.save_path = Some(path);
                    play.session.fresh_save = false;
                }
            }
            Msg::Tick => {
                if let (Screen::Game(play), Some(Popup::Text { lines, .. })) =
                    (&mut self.screen, self.popups.last_mut())
                    && lines.len() == 1
                    && !play.session.advisor_busy()
                {
                    let input = play.with_view(crate::tui::session::AdviceInput::of);
                    *lines = play.session.advice(&input);
                }
                if self.tick_after().is_some()
                    && let Screen::Game(play) = &mut self.screen
                    && play.session.step()
                {
                    self.autosave(&mut fx);
                }
            }
        }
        if let Screen::Game(play) = &mut self.screen {
            play.sync();
            if self.settings.benchmarks && play.scope() == Scope::End {
                play.session.benchmarks();
            }
        }
        fx
    }

    fn key(&mut self, k: KeyEvent, fx: &mut Vec<Effect>) {
        let scope = self.scope();
        if let Some(Popup::OpenPath { input } | Popup::Pin { input, .. }) = self.popups.last_mut() {
            match k.code {
                KeyCode::Char(c)
                    if !k
                        .modifiers
                        .contains(crossterm::event::KeyModifiers::CONTROL) =>
                {
                    if input.len() < 4096 {
                        input.push(c);
                    }
                    return;
                }
                KeyCode::Backspace => {
                    input.pop();
                    return;
                }
                _ => {}
            }
        }
        if let Some(c) = self.keys.command(scope, &k) {
            self.status = None;
            self.command(c, fx);
        }
    }

    fn click(&mut self, x: u16, y: u16, fx: &mut Vec<Effect>) {
        let hit = self
            .hits
            .borrow()
            .iter()
            .rev()
            .find(|(r, _)| r.contains(Position { x, y }))
            .map(|(_, h)| *h);
        match hit {
            Some(Hit::Key(c)) => self.command(c, fx),
            Some(Hit::Row(i)) => self.select_row(i),
            Some(Hit::Pane(p)) => {
                if let Screen::Game(play) = &mut self.screen {
                    play.focus = p;
                }
            }
            None => {}
        }
    }

    fn select_row(&mut self, i: usize) {
        match self.popups.last_mut() {
            Some(
                Popup::Variants { sel, .. }
                | Popup::Diplomacy { sel }
                | Popup::Facilitator { sel }
                | Popup::Package { sel },
            ) => {
                *sel = i;
                return;
            }
            Some(_) => return,
            None => {}
        }
        match &mut self.screen {
            Screen::Title { sel } => *sel = i.min(self.entries.len().saturating_sub(1)),
            Screen::Setup(s) => s.row = i.min(s.seats.len() + 1),
            Screen::Resume { saves, sel } => *sel = i.min(saves.len().saturating_sub(1)),
            Screen::Game(play) if play.scope() == Scope::Revision => {
                let n = play.session.table().game().proposals().len();
                play.revision.cursor = i.min(n.saturating_sub(1));
            }
            Screen::Game(play) if play.scope() == Scope::Table => {
                if i < play.session.model().clauses.len() {
                    play.focus = Pane::Clauses;
                    play.clause = i;
                    play.detail_scroll = 0;
                } else if i >= 1000 {
                    play.focus = Pane::Dashboard;
                    play.dash = i - 1000;
                }
            }
            Screen::Game(_) => {}
        }
    }

    fn autosave(&mut self, fx: &mut Vec<Effect>) {
        if !self.settings.autosave {
            return;
        }
        if let Screen::Game(play) = &self.screen
            && let Some(path) = &play.session.save_path
        {
            let save = Box::new(play.session.save(&(self.clock)()));
            fx.push(if play.session.fresh_save {
                Effect::SaveNew(path.clone(), save)
            } else {
                Effect::Save(path.clone(), save)
            });
        }
    }

    /// Carry out a command in the current scope.
    pub fn command(&mut self, c: Command, fx: &mut Vec<Effect>) {
        let scope = self.scope();
        match (scope, c) {
            (Scope::Help, Command::Up) => {
                if let Some(Popup::Help { scroll }) = self.popups.last_mut() {
                    *scroll = scroll.saturating_sub(1);
                }
            }
            (Scope::Help, Command::Down) => {
                if let Some(Popup::Help { scroll }) = self.popups.last_mut() {
                    *scroll = scroll.saturating_add(1).min(200);
                }
            }
            (_, Command::Help) if scope.has_globals() || scope == Scope::Help => {
                if scope == Scope::Help {
                    self.popups.pop();
                } else {
                    self.popups.push(Popup::Help { scroll: 0 });
                }
            }
            (Scope::Quit, Command::Yes) => {
                self.autosave(fx);
                fx.push(Effect::Quit);
            }
            (_, Command::Quit) if scope.has_globals() => self.popups.push(Popup::Quit),
            (
                Scope::Help | Scope::Quit | Scope::Why | Scope::Message | Scope::OpenPath,
                Command::Back,
            )
            | (Scope::Help | Scope::Why, Command::Confirm)
            | (Scope::Quit, Command::No)
            | (
                Scope::Variants
                | Scope::Diplomacy
                | Scope::Facilitator
                | Scope::Package
                | Scope::Condition,
                Command::Back,
            ) => {
                self.popups.pop();
            }
            (Scope::Message, Command::Confirm | Command::No) => {
                self.popups.pop();
            }
            (Scope::Message, Command::Yes) => {
                if let Some(Popup::Message {
                    confirm: Some(what),
                    ..
                }) = self.popups.pop()
                {
                    match what {
                        Confirm::WalkOut => self.act_party(|p| Action::WalkOut { party: p }, fx),
                        Confirm::EndTurn => self.act_party(|p| Action::EndTurn { party: p }, fx),
                        Confirm::CallVote => self.act_party(|p| Action::CallVote { party: p }, fx),
                        Confirm::Sign => self.act_party(
                            |p| Action::Vote {
                                party: p,
                                sign: true,
                            },
                            fx,
                        ),
                        Confirm::Revise(adopt) => {
                            self.act_party(|p| Action::Revise { party: p, adopt }, fx)
                        }
                    }
                }
            }
            (Scope::Why, Command::Up | Command::Down) => {
                if let Some(Popup::Why { scroll, .. } | Popup::Text { scroll, .. }) =
                    self.popups.last_mut()
                {
                    *scroll = if c == Command::Up {
                        scroll.saturating_sub(1)
                    } else {
                        scroll.saturating_add(1).min(500)
                    };
                }
            }
            (Scope::Pin, Command::Back) => {
                self.popups.pop();
            }
            (Scope::Pin, Command::Confirm) => {
                if let Some(Popup::Pin { input, set }) = self.popups.pop() {
                    let typed = input.trim().to_string();
                    if set {
                        if typed.chars().count() < 4 {
                            self.status = Some("a PIN has at least 4 characters".into());
                            self.popups.push(Popup::Pin { input, set });
                        } else {
                            self.set_pin(&typed);
                            // Saved at once, so a table resumed before any
                            // move still asks for it.
                            self.autosave(fx);
                            self.popups.push(Popup::Facilitator { sel: 0 });
                        }
                    } else if self
                        .pin
                        .as_deref()
                        .is_some_and(|h| crate::save::pin_matches(h, &typed))
                    {
                        self.popups.push(Popup::Facilitator { sel: 0 });
                    } else {
                        self.status = Some("wrong PIN: the facilitator menu stays closed".into());
                    }
                }
            }
            (Scope::OpenPath, Command::Confirm) => {
                if let Some(Popup::OpenPath { input }) = self.popups.pop() {
                    match scenario::open(input.trim()) {
                        Ok(m) => {
                            self.screen = Screen::Setup(self.setup_for(Arc::new(m), input.trim()))
                        }
                        Err(e) => self.message("Cannot open the scenario", &e.to_string()),
                    }
                }
            }
            _ => match &self.screen {
                Screen::Title { .. } => self.title_command(c, fx),
                Screen::Setup(_) => self.setup_command(c, fx),
                Screen::Resume { .. } => self.resume_command(c, fx),
                Screen::Game(_) => self.game_command(scope, c, fx),
            },
        }
    }

    /// Show a message popup.
    pub fn message(&mut self, title: &str, text: &str) {
        self.popups.push(Popup::Message {
            title: title.into(),
            text: text.into(),
            confirm: None,
        });
    }

    fn setup_for(&self, model: Arc<Model>, source: &str) -> Setup {
        let seats = default_seats(&model);
        Setup {
            rounds: model.rules.rounds,
            seed: self.settings.seed,
            source: source.into(),
            seats,
            row: 0,
            model,
        }
    }

    fn title_command(&mut self, c: Command, fx: &mut Vec<Effect>) {
        let Screen::Title { sel } = &mut self.screen else {
            return;
        };
        let n = self.entries.len();
        match c {
            Command::Up => *sel = sel.saturating_sub(1),
            Command::Down => *sel = (*sel + 1).min(n.saturating_sub(1)),
            Command::OpenPath => self.popups.push(Popup::OpenPath {
                input: String::new(),
            }),
            Command::Confirm | Command::Setup => {
                let e = &self.entries[(*sel).min(n.saturating_sub(1))];
                match &e.model {
                    Ok(m) => {
                        let setup = self.setup_for(Arc::clone(m), &e.source);
                        if c == Command::Confirm {
                            let fx2 = self.start_setup(setup);
                            fx.extend(fx2);
                        } else {
                            self.screen = Screen::Setup(setup);
                        }
                    }
                    Err(err) => {
                        let err = err.clone();
                        self.message("Cannot open the scenario", &err);
                    }
                }
            }
            _ => {}
        }
    }

    fn start_setup(&mut self, s: Setup) -> Vec<Effect> {
        let session = match Session::new(Arc::clone(&s.model), &s.source, s.seed, s.seats) {
            Ok(session) => session,
            Err(e) => {
                self.message("Cannot seat the table", &e);
                return Vec::new();
            }
        };
        let moved = i64::from(s.rounds) - i64::from(s.model.rules.rounds);
        if moved != 0 {
            let _ = session.apply(
                Action::MoveDeadline {
                    rounds: moved as i32,
                },
                None,
            );
        }
        self.start(session)
    }

    fn setup_command(&mut self, c: Command, fx: &mut Vec<Effect>) {
        let Screen::Setup(s) = &mut self.screen else {
            return;
        };
        let rows = s.seats.len() + 2;
        match c {
            Command::Up => s.row = s.row.saturating_sub(1),
            Command::Down => s.row = (s.row + 1).min(rows - 1),
            Command::Left | Command::Right => {
                let fwd = c == Command::Right;
                let np = s.seats.len();
                if s.row < np {
                    s.seats[s.row] = s.seats[s.row].cycle(&s.model, fwd);
                } else if s.row == np {
                    s.rounds = if fwd {
                        (s.rounds + 1).min(99)
                    } else {
                        s.rounds.saturating_sub(1).max(1)
                    };
                } else {
                    s.seed = if fwd {
                        s.seed.wrapping_add(1)
                    } else {
                        s.seed.wrapping_sub(1)
                    };
                }
            }
            Command::Confirm => {
                let s = s.clone();
                let f = self.start_setup(s);
                fx.extend(f);
            }
            Command::Back => self.screen = Screen::Title { sel: 0 },
            _ => {}
        }
    }

    fn resume_command(&mut self, c: Command, fx: &mut Vec<Effect>) {
        let Screen::Resume { saves, sel } = &mut self.screen else {
            return;
        };
        match c {
            Command::Up => *sel = sel.saturating_sub(1),
            Command::Down => *sel = (*sel + 1).min(saves.len().saturating_sub(1)),
            Command::Back => self.screen = Screen::Title { sel: 0 },
            Command::Confirm => {
                let Some(entry) = saves.get(*sel) else {
                    return;
                };
                let path = entry.path.clone();
                match resume_session(&path) {
                    Ok(s) => fx.extend(self.start(s)),
                    Err(e) => self.message("Cannot resume this game", &e),
                }
            }
            _ => {}
        }
    }

    /// Apply an action for the human seat at the keyboard.
    /// Withdraw the seat's tabled package (an empty `table`), saying `done`
    /// unless the move was refused.
    fn withdraw_package(&mut self, done: &str, fx: &mut Vec<Effect>) {
        self.act_party(
            |party| Action::Table {
                party,
                package: Changes::default(),
            },
            fx,
        );
        if self.status.is_none() {
            self.status = Some(done.into());
        }
    }

    fn act_party(&mut self, f: impl FnOnce(usize) -> Action, fx: &mut Vec<Effect>) {
        let Screen::Game(play) = &mut self.screen else {
            return;
        };
        let Some(p) = play.human_to_move() else {
            self.status = Some("it is not your move".into());
            return;
        };
        let action = f(p);
        self.act(action, fx);
    }

    fn act(&mut self, action: Action, fx: &mut Vec<Effect>) {
        let Screen::Game(play) = &mut self.screen else {
            return;
        };
        match play.session.apply(action, None) {
            Ok(()) => self.autosave(fx),
            Err(e) => self.status = Some(e.describe(play.session.model())),
        }
    }

    fn game_command(&mut self, scope: Scope, c: Command, fx: &mut Vec<Effect>) {
        let Screen::Game(play) = &mut self.screen else {
            return;
        };
        match (scope, c) {
            (Scope::Handover, Command::Confirm) => {
                play.at_keyboard = play.session.table().game().to_move();
                play.sync();
            }
            (Scope::Briefing, Command::Confirm | Command::Back) => {
                if let Some(v) = play.viewer_party() {
                    play.briefed[v] = true;
                }
                play.brief_open = false;
            }
            (Scope::Briefing, Command::Up) => {
                play.brief_scroll = play.brief_scroll.saturating_sub(1)
            }
            (Scope::Briefing, Command::Down) => {
                play.brief_scroll = play.brief_scroll.saturating_add(1).min(300)
            }
            (Scope::Card | Scope::Summary, Command::Confirm) => {
                if let Some(q) = play.pending_mut() {
                    q.pop_front();
                }
                play.end_scroll = 0;
            }
            (Scope::Card, Command::Back) => {
                // Skip the other cards; round summaries stay.
                if let Some(q) = play.pending_mut() {
                    q.retain(|n| matches!(n, Notice::Summary(_)));
                }
            }
            (Scope::Summary, Command::Up) => play.end_scroll = play.end_scroll.saturating_sub(1),
            (Scope::Summary, Command::Down) => {
                play.end_scroll = play.end_scroll.saturating_add(1).min(300)
            }
            (Scope::Vote, Command::Yes) => {
                // Signing below one's own bottom line is allowed, but said first.
                let below = play.with_view(|v| {
                    let (p, r) = v.own_reservation()?;
                    let ev = v.evaluation();
                    (ev.crossed[p].is_none() && ev.utility[p] < r).then_some((ev.utility[p], r))
                });
                match below {
                    Some((u, r)) => self.popups.push(Popup::Message {
                        title: "Sign below your bottom line?".into(),
                        text: format!(
                            "The draft is worth {u:.1} to you and your bottom line is {r:.1}: you would end below your bottom line. Sign anyway? y / n"
                        ),
                        confirm: Some(Confirm::Sign),
                    }),
                    None => self.act_party(|p| Action::Vote { party: p, sign: true }, fx),
                }
            }
            (Scope::Vote, Command::No) => {
                self.act_party(
                    |p| Action::Vote {
                        party: p,
                        sign: false,
                    },
                    fx,
                );
            }
            (Scope::Revision, Command::Up | Command::Down) => {
                let n = play.session.table().game().proposals().len();
                let r = &mut play.revision;
                r.cursor = if c == Command::Up {
                    r.cursor.saturating_sub(1)
                } else {
                    (r.cursor + 1).min(n.saturating_sub(1))
                };
            }
            (Scope::Revision, Command::Toggle) => {
                let i = play.revision.cursor;
                let mut adopt = play.revision.adopt;
                if adopt.contains(i) {
                    adopt.remove(i);
                    play.revision.adopt = adopt;
                } else {
                    adopt.insert(i);
                    match play.with_view(|v| v.selection_open(adopt)) {
                        Ok(()) => play.revision.adopt = adopt,
                        Err(e) => {
                            self.status = Some(format!(
                                "cannot adopt it: {}",
                                e.describe(play.session.model())
                            ))
                        }
                    }
                }
            }
            (Scope::Revision, Command::Suggest) => {
                if !play.info().advisor {
                    self.status = Some(ADVISOR_OFF.into());
                } else if let Some(pen) = play.human_to_move() {
                    let adopt = play.with_view(|v| v.broker_suggestion(pen));
                    play.revision.adopt = adopt;
                    self.status = Some(format!(
                        "the AI broker would adopt {} of the proposals: edit with Space, then Enter",
                        adopt.len()
                    ));
                }
            }
            (Scope::Revision, Command::Confirm) => {
                let adopt = play.revision.adopt;
                let n = play.session.table().game().proposals().len();
                let text = if adopt.is_empty() {
                    format!(
                        "Adopt none of the {n} proposals: the draft stays as it is. Confirm? y / n"
                    )
                } else {
                    format!(
                        "Write {} of the {n} proposals into the draft and end the revision? y / n",
                        adopt.len()
                    )
                };
                self.popups.push(Popup::Message {
                    title: "Revise the draft?".into(),
                    text,
                    confirm: Some(Confirm::Revise(adopt)),
                });
            }
            (Scope::Revision, Command::Brief) if play.viewer_party().is_some() => {
                play.brief_open = true;
                play.brief_scroll = 0;
            }
            (Scope::Vote, Command::Why) => {
                if let Some(b) = play
                    .viewer_party()
                    .and_then(|p| play.with_view(|v| v.explain_acceptance(p)))
                {
                    self.popups.push(Popup::Why {
                        breakdown: b,
                        scroll: 0,
                        percent: true,
                        notes: Vec::new(),
                    });
                }
            }
            (Scope::Map, Command::Map | Command::Back) => play.map_open = false,
            (Scope::End, Command::Up) => play.end_scroll = play.end_scroll.saturating_sub(1),
            (Scope::End, Command::Down) => {
                play.end_scroll = play.end_scroll.saturating_add(1).min(300)
            }
            (Scope::End, Command::Back) => self.screen = Screen::Title { sel: 0 },
            (Scope::End, Command::Export) => {
                let s = &play.session;
                let path = s.save_path.clone().unwrap_or_else(|| {
                    PathBuf::from(format!(
                        "{}-{}.ron",
                        s.model().scenario.meta.id,
                        s.table().game().seed()
                    ))
                });
                fx.push(Effect::Export(path, Box::new(s.save(&(self.clock)()))));
                self.status =
                    Some("writing the debrief (it searches the deal space: a few seconds)…".into());
            }
            (Scope::Variants, Command::Up | Command::Down) => {
                if let Some(Popup::Variants { clause, sel }) = self.popups.last_mut() {
                    let n = play.session.model().clauses[*clause].options.len();
                    *sel = if c == Command::Up {
                        sel.saturating_sub(1)
                    } else {
                        (*sel + 1).min(n - 1)
                    };
                }
            }
            (Scope::Variants, Command::Package) => {
                let Some(Popup::Variants { clause, sel }) = self.popups.last().cloned() else {
                    return;
                };
                let Some(seat) = play.viewer_party() else {
                    self.status = Some("no seat on this screen to table a package".into());
                    return;
                };
                let model = Arc::clone(play.session.model());
                let max = model.rules.package_size;
                let mut pkg = play.packages[seat].clone();
                pkg.retain(|&(c, _)| c != clause);
                pkg.push((clause, sel));
                pkg.sort_unstable();
                let refusal = match Changes::new(&pkg) {
                    Some(ch) if pkg.len() <= max => play
                        .with_view(|v| v.package_open(ch))
                        .err()
                        // Linkage may be mended by a later change: the panel says it.
                        .filter(|e| !matches!(e, crate::engine::ActionError::Linkage(_))),
                    _ => Some(crate::engine::ActionError::PackageTooBig { max }),
                };
                match refusal {
                    Some(e) => self.status = Some(e.describe(&model)),
                    None => {
                        let n = pkg.len();
                        play.packages[seat] = pkg;
                        self.popups.pop();
                        self.status = Some(format!(
                            "added to your package ({n} of at most {max} clauses): p shows it"
                        ));
                    }
                }
            }
            (Scope::Package, Command::Up | Command::Down) => {
                let n = play.package().len();
                if let Some(Popup::Package { sel }) = self.popups.last_mut() {
                    *sel = if c == Command::Up {
                        sel.saturating_sub(1)
                    } else {
                        (*sel + 1).min(n.saturating_sub(1))
                    };
                }
            }
            (Scope::Package, Command::Remove) => {
                let Some(Popup::Package { sel }) = self.popups.last_mut() else {
                    return;
                };
                if let Some(seat) = play.viewer_party()
                    && *sel < play.packages[seat].len()
                {
                    play.packages[seat].remove(*sel);
                    *sel = (*sel).min(play.packages[seat].len().saturating_sub(1));
                }
            }
            (Scope::Package, Command::Clear) => {
                let Some(seat) = play.viewer_party() else {
                    return;
                };
                play.packages[seat].clear();
                let tabled = play.session.table().game().package(seat).is_some();
                if tabled && play.human_to_move() == Some(seat) {
                    self.withdraw_package("package cleared and withdrawn", fx);
                } else {
                    self.status = Some("package cleared".into());
                }
            }
            (Scope::Package, Command::Confirm) => {
                let pkg = play.package().to_vec();
                let Some(seat) = play.viewer_party() else {
                    return;
                };
                if pkg.is_empty() {
                    if play.session.table().game().package(seat).is_some() {
                        self.withdraw_package("your package is withdrawn", fx);
                    } else {
                        self.status = Some(
                            "the package is empty: in the amend dialog (m), p adds a wording"
                                .into(),
                        );
                    }
                    return;
                }
                let max = play.session.model().rules.package_size;
                let Some(package) = Changes::new(&pkg).filter(|_| pkg.len() <= max) else {
                    self.status = Some(
                        crate::engine::ActionError::PackageTooBig { max }
                            .describe(play.session.model()),
                    );
                    return;
                };
                self.act_party(|party| Action::Table { party, package }, fx);
                if self.status.is_none() {
                    self.status =
                        Some("package tabled: the pen-holder weighs it at the round's end".into());
                }
            }
            (Scope::Condition, Command::Left | Command::Right | Command::NextPane) => {
                if let Some(Popup::Condition { col, .. }) = self.popups.last_mut() {
                    *col = match c {
                        Command::Left => 0,
                        Command::Right => 1,
                        _ => 1 - (*col).min(1),
                    };
                }
            }
            (Scope::Condition, Command::Up | Command::Down) => {
                let model = Arc::clone(play.session.model());
                let nc = model.clauses.len();
                let options = play.session.table().game().options().to_vec();
                if let Some(Popup::Condition {
                    clause,
                    on,
                    option,
                    col,
                }) = self.popups.last_mut()
                {
                    let up = c == Command::Up;
                    if *col == 0 {
                        // Every clause but this one.
                        let others: Vec<usize> = (0..nc).filter(|k| k != clause).collect();
                        let i = others.iter().position(|k| k == on).unwrap_or(0);
                        let j = if up {
                            i.saturating_sub(1)
                        } else {
                            (i + 1).min(others.len().saturating_sub(1))
                        };
                        if let Some(&k) = others.get(j) {
                            *on = k;
                            *option = options[k];
                        }
                    } else {
                        let n = condition_options(&model, *on);
                        *option = if up {
                            option.saturating_sub(1)
                        } else {
                            (*option + 1).min(n.saturating_sub(1))
                        };
                    }
                }
            }
            (Scope::Condition, Command::Confirm) => {
                if let Some(Popup::Condition {
                    clause, on, option, ..
                }) = self.popups.last().cloned()
                {
                    let stance = Stance::AcceptIf { clause: on, option };
                    let before = play.session.table().game().log().len();
                    self.act_party(
                        |party| Action::Stance {
                            party,
                            clause,
                            stance,
                        },
                        fx,
                    );
                    let Screen::Game(play) = &self.screen else {
                        return;
                    };
                    if play.session.table().game().log().len() > before {
                        self.popups.pop();
                    }
                }
            }
            (Scope::Variants, Command::Confirm) => {
                if let Some(Popup::Variants { clause, sel }) = self.popups.pop() {
                    let stance = if sel == play.session.model().clauses[clause].struck() {
                        Stance::Strike
                    } else {
                        Stance::Propose(sel)
                    };
                    self.act_party(
                        |party| Action::Stance {
                            party,
                            clause,
                            stance,
                        },
                        fx,
                    );
                }
            }
            (Scope::Diplomacy, Command::Up | Command::Down) => {
                let n = play.session.model().actions.len();
                if let Some(Popup::Diplomacy { sel }) = self.popups.last_mut() {
                    *sel = if c == Command::Up {
                        sel.saturating_sub(1)
                    } else {
                        (*sel + 1).min(n.saturating_sub(1))
                    };
                }
            }
            (Scope::Diplomacy, Command::Confirm) => {
                if let Some(Popup::Diplomacy { sel }) = self.popups.pop()
                    && sel < play.session.model().actions.len()
                {
                    self.act_party(|party| Action::Diplomacy { party, action: sel }, fx);
                }
            }
            (Scope::Facilitator, Command::Up | Command::Down) => {
                let n = facilitator_items(play).len();
                if let Some(Popup::Facilitator { sel }) = self.popups.last_mut() {
                    *sel = if c == Command::Up {
                        sel.saturating_sub(1)
                    } else {
                        (*sel + 1).min(n - 1)
                    };
                }
            }
            (Scope::Facilitator, Command::Confirm) => {
                let Some(Popup::Facilitator { sel }) = self.popups.last() else {
                    return;
                };
                let items = facilitator_items(play);
                match items.get(*sel).map(|i| i.0) {
                    Some(FacItem::Pause) => {
                        let mut t = play.session.table();
                        let paused = t.paused();
                        t.set_paused(!paused);
                    }
                    Some(FacItem::Reveal) => play.reveal_all = !play.reveal_all,
                    Some(FacItem::Briefs) => {
                        let lines = every_brief(play.session.model(), &play.session.table());
                        self.popups.push(Popup::Text {
                            title: "Every brief, goal, red line and bottom line (debrief)".into(),
                            lines,
                            scroll: 0,
                        });
                    }
                    Some(FacItem::Undo) => match play.session.undo_human() {
                        Ok(()) => {
                            play.at_keyboard = None;
                            self.status = Some(
                                "undone: the last move of a human seat and the AI moves after it"
                                    .into(),
                            );
                            self.autosave(fx);
                        }
                        Err(e) => self.status = Some(e),
                    },
                    Some(FacItem::Info(item)) => {
                        let info = play.session.info();
                        play.session.set_info(info.toggled(item));
                    }
                    Some(FacItem::Projector) => play.projector = !play.projector,
                    Some(FacItem::Deadline(d)) => self.act(Action::MoveDeadline { rounds: d }, fx),
                    Some(FacItem::Inject(e)) => {
                        self.popups.pop();
                        self.act(Action::Inject { event: e }, fx);
                    }
                    None => {}
                }
            }
            (Scope::Projector, Command::Up | Command::Down) => {
                let n = play.session.table().narrations().len();
                let step: isize = if c == Command::Up { 1 } else { -1 };
                play.ticker_scroll =
                    (play.ticker_scroll as isize + step).clamp(0, n as isize) as usize;
            }
            (Scope::Projector, Command::Latest) => play.ticker_scroll = 0,
            (Scope::Table, _) => self.table_command(c, fx),
            (_, Command::Facilitator) => self.open_facilitator(),
            _ => {}
        }
    }

    fn table_command(&mut self, c: Command, fx: &mut Vec<Effect>) {
        let Screen::Game(play) = &mut self.screen else {
            return;
        };
        let nc = play.session.model().clauses.len();
        let clause = play.clause.min(nc.saturating_sub(1));
        let stance = |stance| {
            move |party| Action::Stance {
                party,
                clause,
                stance,
            }
        };
        match c {
            Command::Up | Command::Down | Command::PageUp | Command::PageDown => {
                let step: isize = match c {
                    Command::Up => -1,
                    Command::Down => 1,
                    Command::PageUp => -10,
                    _ => 10,
                };
                let mv = |v: usize, n: usize| {
                    (v as isize + step).clamp(0, n.saturating_sub(1) as isize) as usize
                };
                match play.focus {
                    Pane::Clauses => {
                        play.clause = mv(play.clause, nc);
                        play.detail_scroll = 0;
                    }
                    Pane::Detail => {
                        play.detail_scroll =
                            (play.detail_scroll as isize + step).clamp(0, 500) as u16;
                    }
                    Pane::Dashboard => play.dash = mv(play.dash, play.dash_items().len()),
                    Pane::Ticker => {
                        // Scrolling back in time: up goes further back.
                        let n = play.session.table().narrations().len();
                        play.ticker_scroll =
                            (play.ticker_scroll as isize - step).clamp(0, n as isize) as usize;
                    }
                }
            }
            Command::NextPane | Command::PrevPane => {
                let i = Pane::ALL.iter().position(|&p| p == play.focus).unwrap_or(0);
                let n = Pane::ALL.len();
                play.focus = Pane::ALL[if c == Command::NextPane {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                }];
            }
            Command::Accept => self.act_party(stance(Stance::Accept), fx),
            Command::Reject => self.act_party(stance(Stance::Reject), fx),
            Command::Strike => self.act_party(stance(Stance::Strike), fx),
            Command::Amend => {
                if play.human_to_move().is_none() {
                    self.status = Some("it is not your move".into());
                } else if play.session.table().game().status()[clause]
                    != crate::engine::Status::Open
                {
                    self.status = Some("this clause is settled".into());
                } else {
                    // On the wording the draft has now: Enter right away changes nothing.
                    let sel = play.session.table().game().options()[clause];
                    self.popups.push(Popup::Variants { clause, sel });
                }
            }
            Command::Confirm => {
                let Some(p) = play.human_to_move() else {
                    self.status = Some("it is not your move".into());
                    return;
                };
                if moves_this_turn(play.session.table().game().log(), p) == 0 {
                    self.popups.push(Popup::Message {
                        title: "End your turn without a move?".into(),
                        text: "You have made no move this turn (your stances from earlier rounds stand). End your turn anyway? y / n".into(),
                        confirm: Some(Confirm::EndTurn),
                    });
                } else {
                    self.act_party(|party| Action::EndTurn { party }, fx);
                }
            }
            Command::CallVote => {
                let Some(p) = play.human_to_move() else {
                    self.status = Some("it is not your move".into());
                    return;
                };
                let check = play.with_view(|v| {
                    let m = v.model();
                    let ev = v.evaluation();
                    let left = m.rules.votes_per_party.saturating_sub(v.votes_called(p));
                    if left == 0 {
                        return Err(format!(
                            "you have no signing votes left ({} a seat)",
                            m.rules.votes_per_party
                        ));
                    }
                    if let Some(l) = ev.crossed[p] {
                        return Err(format!(
                            "the draft crosses your red line \"{}\": you could not sign it; amend it first",
                            m.scenario.parties[p].red_lines[l].text
                        ));
                    }
                    Ok(format!(
                        "Every signatory votes on the draft as it stands now; if one refuses, the talks go on. You have {left} of {} signing vote(s) left. Public chance of a deal now: {}. Call the vote? y / n",
                        m.rules.votes_per_party,
                        percent(ev.likelihood)
                    ))
                });
                match check {
                    Err(e) => self.status = Some(e),
                    Ok(text) => self.popups.push(Popup::Message {
                        title: "Call a signing vote?".into(),
                        text,
                        confirm: Some(Confirm::CallVote),
                    }),
                }
            }
            Command::AcceptAll => {
                let Some(p) = play.human_to_move() else {
                    self.status = Some("it is not your move".into());
                    return;
                };
                let todo: Vec<usize> = {
                    let t = play.session.table();
                    let g = t.game();
                    (0..nc)
                        .filter(|&k| {
                            g.status()[k] == crate::engine::Status::Open
                                && g.stance(p, k) != Some(Stance::Accept)
                        })
                        .collect()
                };
                let mut done = 0;
                for k in &todo {
                    let a = Action::Stance {
                        party: p,
                        clause: *k,
                        stance: Stance::Accept,
                    };
                    if play.session.apply(a, None).is_ok() {
                        done += 1;
                    }
                }
                self.status = Some(format!(
                    "you accept {done} open clause(s) as drafted; Enter ends your turn"
                ));
                self.autosave(fx);
            }
            Command::Latest => play.ticker_scroll = 0,
            Command::WalkOut => {
                // A walk-out the rules refuse is said at once, not after "press y".
                let refused = play.human_to_move().and_then(|party| {
                    play.with_view(|v| {
                        v.check(&Action::WalkOut { party })
                            .err()
                            .map(|e| e.describe(v.model()))
                    })
                });
                if let Some(why) = refused {
                    self.status = Some(why);
                } else if play.human_to_move().is_some() {
                    self.popups.push(Popup::Message {
                        title: "Walk out?".into(),
                        text: "Leaving the table ends the talks for everyone. Press y to walk out, Esc to stay.".into(),
                        confirm: Some(Confirm::WalkOut),
                    });
                } else {
                    self.status = Some("it is not your move".into());
                }
            }
            Command::Diplomacy => {
                if play.session.model().actions.is_empty() {
                    self.status = Some("this scenario has no diplomatic actions".into());
                } else {
                    self.popups.push(Popup::Diplomacy { sel: 0 });
                }
            }
            Command::Why => {
                let (breakdown, percent, notes) = why(play);
                self.popups.push(Popup::Why {
                    breakdown,
                    scroll: 0,
                    percent,
                    notes,
                });
            }
            Command::Undo => match play.session.undo() {
                Ok(()) => {
                    self.status = Some("undone: your last move and the moves after it".into());
                    self.autosave(fx);
                }
                Err(e) => self.status = Some(e),
            },
            Command::Brief => {
                if play.viewer_party().is_some() {
                    play.brief_open = true;
                    play.brief_scroll = 0;
                } else {
                    self.status = Some("no private brief on this screen".into());
                }
            }
            Command::Map => play.map_open = true,
            Command::Package => {
                if play.viewer_party().is_some() {
                    self.popups.push(Popup::Package { sel: 0 });
                } else {
                    self.status = Some("no seat on this screen to table a package".into());
                }
            }
            Command::Condition => {
                if play.human_to_move().is_none() {
                    self.status = Some("it is not your move".into());
                } else if play.session.table().game().status()[clause]
                    != crate::engine::Status::Open
                {
                    self.status = Some("this clause is settled".into());
                } else if nc < 2 {
                    self.status = Some("there is no other clause to make it depend on".into());
                } else {
                    let on = if clause == 0 { 1 } else { 0 };
                    let option = play.session.table().game().options()[on];
                    self.popups.push(Popup::Condition {
                        clause,
                        on,
                        option,
                        col: 0,
                    });
                }
            }
            Command::Advise if !play.info().advisor => {
                self.status = Some(ADVISOR_OFF.into());
            }
            Command::Advise => {
                let input = play.with_view(crate::tui::session::AdviceInput::of);
                let lines = play.session.advice(&input);
                self.popups.push(Popup::Text {
                    title: "Advisor — the draft against the deal space".into(),
                    lines,
                    scroll: 0,
                });
            }
            Command::Skip => {
                let mut n = 0;
                while play.pending().is_none() && n < 10_000 && play.session.step() {
                    n += 1;
                    play.sync();
                }
                if n > 0 {
                    self.autosave(fx);
                }
            }
            Command::Facilitator => self.open_facilitator(),
            _ => {}
        }
    }
}

/// How many moves `party` made since its turn began: the actions at the end
/// of the log that are its own (an end of turn, anyone's, stops the count).
pub fn moves_this_turn(log: &[Action], party: usize) -> usize {
    log.iter()
        .rev()
        .take_while(|a| a.party() == Some(party) && !matches!(a, Action::EndTurn { .. }))
        .count()
}

/// A chance (0..1) as a whole percent: the one way every screen writes one.
pub fn percent(x: f64) -> String {
    let v = (100.0 * x).round();
    format!("{}%", if v == 0.0 { 0.0 } else { v })
}

/// How many wordings a condition on clause `k` may name: its variants, and
/// "struck" when the clause may be struck.
pub fn condition_options(m: &Model, k: usize) -> usize {
    let cm = &m.clauses[k];
    if cm.strikable {
        cm.options.len()
    } else {
        cm.variants
    }
}

/// What the advisor's keys say when the facilitator has turned it off.
pub const ADVISOR_OFF: &str = "the advisor is off at this table";

/// The "why" of what is selected on the table, from what this screen's
/// viewer may see: the breakdown, whether its value is a chance reached
/// through the terms (not their sum), and lines said beside it.
fn why(play: &Play) -> (Breakdown, bool, Vec<String>) {
    let items = play.dash_items();
    let focus = play.focus;
    let clause = play.clause;
    let dash = play.dash;
    play.with_view(|v| {
        let m = v.model();
        if focus == Pane::Dashboard || focus == Pane::Ticker {
            return match items.get(dash.min(items.len().saturating_sub(1))) {
                Some(DashItem::Metric(i)) => (v.explain_metric(*i), false, Vec::new()),
                Some(DashItem::Acceptance(p)) => (
                    v.explain_acceptance(*p)
                        .unwrap_or_else(|| v.public_acceptance(*p)),
                    true,
                    Vec::new(),
                ),
                Some(DashItem::Utility(p)) => (v.explain_utility(*p), false, Vec::new()),
                Some(DashItem::Reservation(p)) => match v.explain_reservation(*p) {
                    Some(b) => (b, false, Vec::new()),
                    None => (v.public_acceptance(*p), true, Vec::new()),
                },
                None => (v.explain_metric(0), false, Vec::new()),
            };
        }
        // A clause: what its current wording is worth to each party (the
        // terms, which add up), and what it does to the metrics (beside).
        let c = clause.min(m.clauses.len().saturating_sub(1));
        let o = v.options()[c];
        let opt = &m.clauses[c].options[o];
        let seat = v.viewer().party();
        let mut terms = Vec::new();
        let mut notes = Vec::new();
        for p in 0..m.parties.len() {
            let label = if seat == Some(p) {
                format!("its worth to you ({}), as written", m.party_name(p))
            } else {
                format!("worth to {} (its public position)", m.party_name(p))
            };
            if seat.is_none() || seat == Some(p) {
                terms.push(Term {
                    label,
                    delta: opt.utility[p],
                });
            } else {
                notes.push(format!("{} {label}", signed_text(opt.utility[p])));
            }
        }
        for &(mi, d) in &opt.effects {
            notes.push(format!(
                "{} on {} (moves every party's utility by its weight on it)",
                signed_text(d),
                m.scenario.metrics[mi].name
            ));
        }
        let cl = &m.scenario.clauses[c];
        let who = if seat.is_some() {
            "worth to you"
        } else {
            "worth to the parties together"
        };
        let value = terms.iter().map(|t| t.delta).sum();
        (
            Breakdown {
                label: format!(
                    "Point {} ({}) as drafted, '{}': {who}",
                    cl.number,
                    cl.title,
                    m.option_label(c, o)
                ),
                value,
                terms,
            },
            false,
            notes,
        )
    })
}

fn signed_text(v: f64) -> String {
    crate::tui::screens::signed(v, 2)
}

/// A line of the facilitator menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FacItem {
    Pause,
    Undo,
    Briefs,
    Reveal,
    Info(InfoItem),
    Projector,
    Deadline(i32),
    Inject(usize),
}

/// The facilitator menu with labels.
pub fn facilitator_items(play: &Play) -> Vec<(FacItem, String)> {
    let on = |b: bool| if b { "on" } else { "off" };
    let t = play.session.table();
    let mut v = vec![
        (
            FacItem::Pause,
            format!("Pause the AI seats [{}]", on(t.paused())),
        ),
        (
            FacItem::Undo,
            "Undo the last move of a human seat (and the AI moves after it)".into(),
        ),
        (
            FacItem::Briefs,
            "Reveal all briefs: every seat's brief, goals and bottom line".into(),
        ),
        (
            FacItem::Reveal,
            format!(
                "Show every bottom line and utility on the table [{}]",
                on(play.reveal_all)
            ),
        ),
        (
            FacItem::Projector,
            format!("Projector view: public only [{}]", on(play.projector)),
        ),
        (
            FacItem::Deadline(1),
            format!("Extend the deadline (now round {})", t.game().deadline()),
        ),
        (FacItem::Deadline(-1), "Cut the deadline by a round".into()),
    ];
    // What the seats may see, after the reveal switch it sits beside.
    let info = play.session.info();
    let at = v.len() - 3;
    for (i, (item, is_on)) in info.items().into_iter().enumerate() {
        let label = format!("Seats see: {} [{}]", item.label(), on(is_on));
        v.insert(at + i, (FacItem::Info(item), label));
    }
    for (i, e) in t.model().scenario.events.iter().enumerate() {
        let fired = if t.game().fired(i) { " (fired)" } else { "" };
        v.push((FacItem::Inject(i), format!("Inject: {}{fired}", e.title)));
    }
    v
}

/// Every party's private brief, goals, red lines and true bottom line, for
/// the facilitator's debrief (never on a seat's screen).
pub fn every_brief(m: &Model, t: &Table) -> Vec<String> {
    let ev = t.game().evaluation().clone();
    let mut out = Vec::new();
    for (p, party) in m.scenario.parties.iter().enumerate() {
        out.push(format!("━━ {} ({})", party.name, party.short));
        out.push(format!(
            "Bottom line drawn for this game: {:.1} (public estimate {:.1}); the draft is worth {:.1} to it now: it {} sign.",
            ev.reservation[p],
            m.parties[p].reservation,
            ev.utility[p],
            if ev.would_sign(p) { "would" } else { "would not" }
        ));
        out.push(String::new());
        for l in party.brief.lines() {
            out.push(l.to_string());
        }
        if !party.goals.is_empty() {
            out.push("Goals:".into());
            for g in &party.goals {
                out.push(format!("  • {g}"));
            }
        }
        if !party.red_lines.is_empty() {
            out.push("Red lines:".into());
            for (i, r) in party.red_lines.iter().enumerate() {
                let x = if ev.crossed[p] == Some(i) {
                    "✗ crossed"
                } else {
                    "holds"
                };
                out.push(format!("  • {} ({x})", r.text));
            }
        }
        out.push(String::new());
    }
    out
}

/// The default seats: the player as Ukraine (or the first party), AI elsewhere.
pub fn default_seats(model: &Model) -> Vec<SeatPolicy> {
    let human = model
        .party_index("ua")
        .unwrap_or(model.rules.turn_order.first().copied().unwrap_or(0));
    (0..model.parties.len())
        .map(|p| {
            if p == human {
                SeatPolicy::Human
            } else {
                SeatPolicy::default_ai(model, p)
            }
        })
        .collect()
}

/// Read a save and replay it; errors in words (the save is never touched).
pub fn resume_session(path: &std::path::Path) -> Result<Session, String> {
    let (save, game) =
        crate::save::open(path).map_err(|e| format!("{e}\nThe save file was left untouched."))?;
    let model = Arc::clone(game.model());
    let file = path.display().to_string();
    let mut seats = Vec::with_capacity(model.parties.len());
    for p in 0..model.parties.len() {
        let id = &model.scenario.parties[p].id;
        seats.push(match save.seats.iter().find(|(q, _)| q == id) {
            Some((_, pol)) => match pol
                .parse::<SeatPolicy>()
                .map_err(|e| format!("{file}: seats[\"{id}\"]: {}", crate::text::clean_line(&e)))?
            {
                // A save never runs a program or needs a script: those seats
                // come back as the party's AI.
                SeatPolicy::Exec(_) | SeatPolicy::Script => SeatPolicy::default_ai(&model, p),
                policy => policy,
            },
            None => SeatPolicy::default_ai(&model, p),
        });
    }
    let mut s = Session::replayed(
        model,
        &save.source,
        save.seed,
        seats,
        game.log(),
        &save.reasons,
    )
    .map_err(|e| format!("{file}: {}", crate::text::clean_line(&e.to_string())))?;
    s.started = save.started.clone();
    s.name = save.name.clone();
    // A table started with a facilitator keeps its PIN (as its hash).
    s.facilitator = save.facilitator.clone();
    s.save_path = Some(path.to_path_buf());
    Ok(s)
}
