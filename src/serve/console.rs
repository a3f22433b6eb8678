//! The facilitator's console: one screen over every table of the class.
//!
//! A list of tables (round, whose turn, deal likelihood, clock, who is
//! connected); the selected table opens into its full view (reveal on);
//! cards, pause, deadline, the information settings and the AI keeping
//! empty seats warm act on the selected table or on all; timers; the
//! comparison report of every table in one key.

use super::Class;
use super::screen::app_key;
use crate::core::model::{InfoItem, InfoSettings};
use crate::engine::Action;
use crate::table::view::Redacted;
use crate::table::{View, Viewer};
use crate::tui::app::{App, Msg, Screen};
use crate::tui::keys::Scope;
use crate::tui::screens::{block, centered, cut, line};
use crate::tui::theme::Theme;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::{Clear, Widget};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The turn timer's choices (`t` cycles), and the round timer's (`T`).
const TURN_TIMERS: [u64; 5] = [0, 60, 120, 180, 300];
const ROUND_TIMERS: [u64; 5] = [0, 300, 600, 900, 1200];

/// The console's state (one per facilitator connection).
pub struct Console {
    theme: Theme,
    sel: usize,
    /// Act on every table rather than the selected one.
    all: bool,
    /// The selected table's full view, when open.
    view: Option<Box<App>>,
    /// The card menu: its cursor.
    cards: Option<usize>,
    status: Option<String>,
    /// What the report writer (a thread) has to say when it is done.
    report: Arc<Mutex<Option<String>>>,
    reporting: bool,
    size: (u16, u16),
}

/// One table's row on the console.
pub struct Row {
    pub table: usize,
    pub round: String,
    pub to_move: String,
    pub deal: String,
    pub clock: String,
    pub seats: String,
}

/// The console's rows, one per table (also used by tests).
pub fn rows(class: &Class, now: Instant) -> Vec<Row> {
    let mut out = Vec::new();
    for (t, s) in class.tables.iter().enumerate() {
        let table = s.session.table();
        let m = table.model();
        let g = table.game();
        let redacted = Redacted::of(m, Viewer::Facilitator { reveal: true });
        let deal = View::new(&table, &redacted).evaluation().likelihood;
        let to_move = match (g.ending(), g.to_move()) {
            (Some(e), _) => match e {
                crate::engine::Ending::Deal => "ended: deal".into(),
                crate::engine::Ending::Rejected => "rejected at home".into(),
                crate::engine::Ending::DeadlinePassed => "no deal".into(),
                crate::engine::Ending::WalkOut { party } => {
                    format!("{} left", m.party_short(party))
                }
                crate::engine::Ending::Collapse { .. } => "collapsed".into(),
            },
            (None, Some(p)) => m.party_short(p).to_string(),
            (None, None) => "—".into(),
        };
        // An ended table has no clock.
        let (turn, round) = match g.ending() {
            Some(_) => (None, None),
            None => class.time_left(t, now),
        };
        let mut clock: Vec<String> = Vec::new();
        if table.paused() {
            clock.push("paused".into());
        }
        if let Some(d) = turn {
            clock.push(format!("turn {}", mmss(d)));
        }
        if let Some(d) = round {
            clock.push(format!("round {}", mmss(d)));
        }
        if clock.is_empty() {
            clock.push("—".into());
        }
        let seats: Vec<String> = (0..m.parties.len())
            .map(|p| {
                let id = &m.scenario.parties[p].id;
                let mark = if s.online(p) > 0 {
                    "●"
                } else if s.codes[p].is_none() || !table.is_human(p) {
                    "◇"
                } else {
                    "○"
                };
                format!("{id}{mark}")
            })
            .collect();
        out.push(Row {
            table: t,
            round: format!("{}/{}", g.round(), g.deadline()),
            to_move,
            deal: format!("{:.0}%", 100.0 * deal),
            clock: clock.join(" "),
            seats: seats.join(" "),
        });
    }
    out
}

fn mmss(d: Duration) -> String {
    let s = d.as_secs();
    format!("{}:{:02}", s / 60, s % 60)
}

fn on(b: bool) -> &'static str {
    if b { "on" } else { "off" }
}

impl Console {
    pub fn new(theme: Theme) -> Console {
        Console {
            theme,
            sel: 0,
            all: false,
            view: None,
            cards: None,
            status: None,
            report: Arc::new(Mutex::new(None)),
            reporting: false,
            size: (80, 24),
        }
    }

    pub fn resize(&mut self, w: u16, h: u16) {
        self.size = (w, h);
        if let Some(v) = &mut self.view {
            v.update(Msg::Resize { w, h });
        }
    }

    pub fn refresh(&mut self, _class: &Class) {
        if let Some(v) = &mut self.view {
            v.update(Msg::Refresh);
        }
    }

    /// Poll for the report while it is being written.
    pub fn tick_after(&self) -> Option<Duration> {
        self.reporting.then_some(Duration::from_millis(250))
    }

    pub fn tick(&mut self) {
        if let Some(text) = self.report.lock().ok().and_then(|mut r| r.take()) {
            self.status = Some(text);
            self.reporting = false;
        }
    }

    /// The tables an action reaches: the selected one, or all.
    fn targets(&self, class: &Class) -> Vec<usize> {
        if self.all {
            (0..class.tables.len()).collect()
        } else {
            vec![self.sel.min(class.tables.len().saturating_sub(1))]
        }
    }

    fn target_name(&self) -> String {
        if self.all {
            "every table".into()
        } else {
            format!("table {}", self.sel + 1)
        }
    }

    /// A key; false: close the console's connection.
    pub fn key(&mut self, k: KeyEvent, class: &Class) -> bool {
        if let Some(view) = &mut self.view {
            let t = self.sel;
            if k.code == KeyCode::Esc && view.popups.is_empty() && view.scope() == Scope::Table {
                self.view = None;
                return true;
            }
            let before = class.signature(t);
            let open = app_key(view, k, true).is_some();
            if class.signature(t) != before {
                // A move, a pause or a setting from the table's own menu.
                class.moved(t);
                let _ = class.write_class_file();
            }
            if !open {
                self.view = None;
            }
            return true;
        }
        if let Some(cur) = self.cards {
            let n = class.model.scenario.events.len();
            match k.code {
                KeyCode::Up => self.cards = Some(cur.saturating_sub(1)),
                KeyCode::Down => self.cards = Some((cur + 1).min(n.saturating_sub(1))),
                KeyCode::Enter => {
                    self.cards = None;
                    self.inject(class, cur);
                }
                KeyCode::Esc | KeyCode::Char('q') => self.cards = None,
                _ => {}
            }
            return true;
        }
        let n = class.tables.len();
        self.status = None;
        match k.code {
            KeyCode::Up | KeyCode::Char('k') => self.sel = self.sel.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => {
                self.sel = (self.sel + 1).min(n.saturating_sub(1))
            }
            KeyCode::Enter => {
                let mut app = super::screen::app_on(class, self.sel, None, self.theme.clone());
                if let Screen::Game(play) = &mut app.screen {
                    play.projector = false;
                    play.reveal_all = true;
                    play.sync();
                }
                app.update(Msg::Resize {
                    w: self.size.0,
                    h: self.size.1,
                });
                self.view = Some(Box::new(app));
            }
            KeyCode::Char('g') => self.all = !self.all,
            KeyCode::Char('i') if !class.model.scenario.events.is_empty() => self.cards = Some(0),
            KeyCode::Char('p') => {
                let targets = self.targets(class);
                let pause = !targets
                    .iter()
                    .all(|&t| class.tables[t].session.table().paused());
                for t in targets {
                    class.tables[t].session.table().set_paused(pause);
                    class.moved(t);
                }
                let _ = class.write_class_file();
                self.status = Some(format!(
                    "{}: AI seats {}",
                    self.target_name(),
                    if pause { "paused" } else { "playing" }
                ));
            }
            KeyCode::Char('+') | KeyCode::Char('=') => self.deadline(class, 1),
            KeyCode::Char('-') => self.deadline(class, -1),
            KeyCode::Char(c @ '1'..='4') => {
                let item = InfoItem::ALL[c as usize - '1' as usize];
                let targets = self.targets(class);
                let value = !self.info_of(class).get(item);
                for t in targets {
                    let s = &class.tables[t].session;
                    let mut info = s.info();
                    if info.get(item) != value {
                        info = info.toggled(item);
                    }
                    s.set_info(info);
                    class.moved(t);
                }
                let _ = class.write_class_file();
                self.status = Some(format!(
                    "{}: seats see {} {}",
                    self.target_name(),
                    item.label(),
                    on(value)
                ));
            }
            KeyCode::Char('a') => {
                let targets = self.targets(class);
                let fill = !targets.iter().all(|&t| {
                    class.tables[t]
                        .fill_ai
                        .load(std::sync::atomic::Ordering::Relaxed)
                });
                for t in targets {
                    class.set_fill_ai(t, fill);
                }
                let _ = class.write_class_file();
                self.status = Some(format!(
                    "{}: the AI {} empty seats",
                    self.target_name(),
                    if fill { "plays" } else { "no longer plays" }
                ));
            }
            KeyCode::Char('t') | KeyCode::Char('T') => {
                let round =
                    k.code == KeyCode::Char('T') || k.modifiers.contains(KeyModifiers::SHIFT);
                let mut timers = class.timers.lock().unwrap_or_else(|e| e.into_inner());
                let (slot, choices) = if round {
                    (&mut timers.round, &ROUND_TIMERS)
                } else {
                    (&mut timers.turn, &TURN_TIMERS)
                };
                let now = slot.map_or(0, |d| d.as_secs());
                let at = choices.iter().position(|&c| c == now).unwrap_or(0);
                let next = choices[(at + 1) % choices.len()];
                *slot = (next > 0).then(|| Duration::from_secs(next));
                drop(timers);
                class.restart_clocks();
                let _ = class.write_class_file();
                class.wake.notify_one();
                self.status = Some(format!(
                    "{} timer: {} (every table)",
                    if round { "round" } else { "turn" },
                    if next > 0 {
                        mmss(Duration::from_secs(next))
                    } else {
                        "off".into()
                    }
                ));
            }
            KeyCode::Char('r') if !self.reporting => self.write_report(class),
            KeyCode::Char('q') => return false,
            KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => return false,
            _ => {}
        }
        true
    }

    /// The information settings shown for the target (the selected table's).
    fn info_of(&self, class: &Class) -> InfoSettings {
        class
            .tables
            .get(self.sel)
            .map_or(InfoSettings::ALL, |s| s.session.info())
    }

    fn inject(&mut self, class: &Class, event: usize) {
        let mut done = 0;
        let mut why = None;
        for t in self.targets(class) {
            match class.tables[t]
                .session
                .apply(Action::Inject { event }, None)
            {
                Ok(()) => {
                    done += 1;
                    class.moved(t);
                }
                Err(e) => why = Some(e.describe(&class.model)),
            }
        }
        let title = &class.model.scenario.events[event].title;
        self.status = Some(match why {
            Some(w) if done == 0 => format!("cannot inject '{title}': {w}"),
            Some(w) => format!("'{title}' injected at {done} table(s); elsewhere: {w}"),
            None => format!("'{title}' injected at {}", self.target_name()),
        });
    }

    fn deadline(&mut self, class: &Class, rounds: i32) {
        let mut why = None;
        for t in self.targets(class) {
            match class.tables[t]
                .session
                .apply(Action::MoveDeadline { rounds }, None)
            {
                Ok(()) => class.moved(t),
                Err(e) => why = Some(e.describe(&class.model)),
            }
        }
        self.status = Some(match why {
            Some(w) => format!("deadline: {w}"),
            None => format!(
                "{}: deadline {} by a round",
                self.target_name(),
                if rounds > 0 { "extended" } else { "cut" }
            ),
        });
    }

    /// Save every table, then write the comparison report (Markdown and
    /// HTML) into the class folder on a thread; the status says when done.
    fn write_report(&mut self, class: &Class) {
        if let Err(e) = class.save_all() {
            self.status = Some(e);
            return;
        }
        let files: Vec<std::path::PathBuf> = class.tables.iter().map(|s| s.save.clone()).collect();
        let dir = class.dir.clone();
        let slot = Arc::clone(&self.report);
        self.reporting = true;
        self.status = Some("writing the report…".into());
        let spawned = std::thread::Builder::new()
            .name("report".into())
            .spawn(move || {
                let text = report(&files, &dir);
                if let Ok(mut s) = slot.lock() {
                    *s = Some(text);
                }
            });
        if spawned.is_err() {
            self.reporting = false;
            self.status = Some("cannot start the report writer".into());
        }
    }

    pub fn render(&self, class: &Class, area: Rect, buf: &mut Buffer) {
        if let Some(v) = &self.view {
            v.as_ref().render(area, buf);
            let hint = " facilitator view, reveal on · Esc: back to the console ";
            let w = hint.chars().count() as u16;
            if area.width > w + 2 && area.height > 1 {
                buf.set_string(
                    area.x + area.width - w - 1,
                    area.y + area.height - 1,
                    hint,
                    self.theme.accent,
                );
            }
            return;
        }
        let t = &self.theme;
        if area.width < 60 || area.height < 16 {
            line(
                buf,
                area,
                0,
                vec![Span::raw(format!(
                    "Enlarge the terminal to at least 60×16 (now {}×{}).",
                    area.width, area.height
                ))],
                t.warn,
            );
            return;
        }
        let up = class.started.elapsed();
        let head = format!(
            "backchannel serve · {} · {} table(s) · seed {} · up {}:{:02}:{:02}",
            class.model.scenario.meta.title,
            class.tables.len(),
            class.seed,
            up.as_secs() / 3600,
            up.as_secs() / 60 % 60,
            up.as_secs() % 60
        );
        line(
            buf,
            area,
            0,
            vec![Span::raw(cut(&head, area.width as usize))],
            t.title,
        );
        let rows = rows(class, Instant::now());
        let list_h = (rows.len() as u16 + 3)
            .min(area.height.saturating_sub(9))
            .max(4);
        let list = Rect::new(area.x, area.y + 1, area.width, list_h);
        let b = block(t, "Tables (↑↓ select · Enter full view)", true);
        let inner = b.inner(list);
        b.render(list, buf);
        let w = inner.width as usize;
        let header = format!(
            "  {:>2} {:<6} {:<10} {:>5}  {:<18} seats (● connected ○ empty ◇ AI)",
            "#", "round", "to move", "deal", "clock"
        );
        line(buf, inner, 0, vec![Span::raw(cut(&header, w))], t.dim);
        let visible = inner.height.saturating_sub(1) as usize;
        let first = self.sel.saturating_sub(visible.saturating_sub(1));
        for (i, r) in rows.iter().enumerate().skip(first).take(visible) {
            let selected = r.table == self.sel;
            let mark = if selected { "▸" } else { " " };
            let text = format!(
                "{mark} {:>2} {:<6} {:<10} {:>5}  {:<18} {}",
                r.table + 1,
                r.round,
                cut(&r.to_move, 10),
                r.deal,
                cut(&r.clock, 18),
                r.seats
            );
            let style = if selected { t.selected } else { t.text };
            line(
                buf,
                inner,
                (i - first + 1) as u16,
                vec![Span::raw(cut(&text, w))],
                style,
            );
        }
        let mut y = list.y + list.height;
        let below = Rect::new(area.x, 0, area.width, area.height);
        let mut say = |text: String, style| {
            if y < area.y + area.height {
                line(
                    buf,
                    below,
                    y,
                    vec![Span::raw(cut(&text, area.width as usize))],
                    style,
                );
                y += 1;
            }
        };
        let info = self.info_of(class);
        let timers = *class.timers.lock().unwrap_or_else(|e| e.into_inner());
        let fill = class
            .tables
            .get(self.sel)
            .is_some_and(|s| s.fill_ai.load(std::sync::atomic::Ordering::Relaxed));
        say(
            format!(
                "Acting on: {} (g switches to {})",
                self.target_name(),
                if self.all {
                    "the selected table"
                } else {
                    "every table"
                }
            ),
            t.accent,
        );
        let items: Vec<String> = info
            .items()
            .iter()
            .enumerate()
            .map(|(i, (item, v))| format!("{} {} [{}]", i + 1, item.label(), on(*v)))
            .collect();
        let all = format!("Seats see: {}", items.join(" · "));
        if all.chars().count() <= area.width as usize {
            say(all, t.text);
        } else {
            say(format!("Seats see: {} · {}", items[0], items[1]), t.text);
            say(format!("           {} · {}", items[2], items[3]), t.text);
        }
        say(
            format!(
                "Timers (every table): t turn {} · T round {} · a AI plays empty seats [{}]",
                timers.turn.map_or("off".into(), mmss),
                timers.round.map_or("off".into(), mmss),
                on(fill)
            ),
            t.text,
        );
        say(
            "i inject a card · p pause · + / − deadline · r comparison report · q close".into(),
            t.key,
        );
        if let Some(s) = &self.status {
            say(crate::text::clean_line(s).into_owned(), t.warn);
        }
        if let Some(cur) = self.cards {
            self.render_cards(class, cur, area, buf);
        }
    }

    fn render_cards(&self, class: &Class, cur: usize, area: Rect, buf: &mut Buffer) {
        let events = &class.model.scenario.events;
        let h = (events.len() as u16 + 2).min(area.height.saturating_sub(2));
        let r = centered(area, 70, h);
        Clear.render(r, buf);
        let title = format!("Inject a card at {} (Enter · Esc)", self.target_name());
        let b = block(&self.theme, title, true);
        let inner = b.inner(r);
        b.render(r, buf);
        let visible = inner.height as usize;
        let first = cur.saturating_sub(visible.saturating_sub(1));
        let sel_table = class.tables.get(self.sel);
        for (i, e) in events.iter().enumerate().skip(first).take(visible) {
            let fired = sel_table.is_some_and(|s| s.session.table().game().fired(i));
            let text = format!(
                "{} {}{}",
                if i == cur { "▸" } else { " " },
                e.title,
                if fired { " (fired here)" } else { "" }
            );
            let style = if i == cur {
                self.theme.selected
            } else {
                self.theme.text
            };
            line(
                buf,
                inner,
                (i - first) as u16,
                vec![Span::raw(cut(&text, inner.width as usize))],
                style,
            );
        }
    }
}

/// Write `report.md` and `report.html` comparing the saves; what happened, in words.
fn report(files: &[std::path::PathBuf], dir: &std::path::Path) -> String {
    use crate::report::{Format, load_table, write_report};
    let mut tables = Vec::new();
    for f in files {
        match load_table(f) {
            Ok(t) => tables.push(t),
            Err(e) => return format!("report: {e}"),
        }
    }
    for (name, format) in [("report.md", Format::Md), ("report.html", Format::Html)] {
        if let Err(e) = write_report(&tables, format, Some(&dir.join(name))) {
            return format!("report: {e}");
        }
    }
    format!(
        "report of {} table(s) written: {} and report.html",
        tables.len(),
        dir.join("report.md").display()
    )
}
