//! Helpers to drive the App in tests: keys in, screens out.

#![allow(dead_code)]

use backchannel::tui::app::{App, Msg, Screen, Settings};
use backchannel::tui::keys::{Keymap, Scope};
use backchannel::tui::theme::Theme;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::Duration;

pub fn app() -> App {
    App::new(
        Theme::mono(),
        Keymap::default(),
        Settings {
            autosave: false,
            ai_delay: Duration::ZERO,
            seed: 7,
            save_path: None,
            benchmarks: false,
        },
    )
}

pub fn press(app: &mut App, code: KeyCode) {
    let mods = match code {
        KeyCode::Char(c) if c.is_ascii_uppercase() => KeyModifiers::SHIFT,
        _ => KeyModifiers::NONE,
    };
    app.update(Msg::Key(KeyEvent::new(code, mods)));
}

pub fn ch(app: &mut App, c: char) {
    press(app, KeyCode::Char(c));
}

pub fn enter(app: &mut App) {
    press(app, KeyCode::Enter);
}

/// Let AI seats move until a human must act (or the game ends).
pub fn settle(app: &mut App) {
    for _ in 0..100_000 {
        if app.tick_after().is_none() {
            return;
        }
        app.update(Msg::Tick);
    }
    panic!("the AI never stopped");
}

pub fn draw(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    t.draw(|f| f.render_widget(app, f.area())).expect("draw");
    t
}

/// Enter through the event cards and round summaries on screen.
pub fn dismiss(app: &mut App) {
    for _ in 0..100 {
        if !matches!(app.scope(), Scope::Card | Scope::Summary) {
            return;
        }
        enter(app);
    }
}

/// End the seat's turn: Enter, and yes when it asks (a turn with no move).
pub fn end_turn(app: &mut App) {
    enter(app);
    if app.scope() == Scope::Message {
        ch(app, 'y');
    }
}

/// Title → Enter (default seats) → brief → dismiss news → the table, AI settled.
pub fn to_table(app: &mut App) {
    enter(app); // play
    enter(app); // brief read
    press(app, KeyCode::Esc); // skip the news cards
    settle(app);
    assert_eq!(app.scope(), Scope::Table, "expected the table");
}

pub fn play(app: &App) -> &backchannel::tui::app::Play {
    match &app.screen {
        Screen::Game(p) => p,
        _ => panic!("not in a game"),
    }
}

/// The tutorial with `party` (an id) human and AI elsewhere, seed 7, at the
/// table: brief read, cards skipped, AI settled.
pub fn tutorial_as(app: &mut App, party: &str) {
    tutorial_seeded(app, party, 7);
}

/// The tutorial as [`tutorial_as`], with another seed.
pub fn tutorial_seeded(app: &mut App, party: &str, seed: u64) {
    use backchannel::table::SeatPolicy;
    use backchannel::tui::session::Session;
    let model = std::sync::Arc::new(backchannel::scenario::open("tutorial").expect("tutorial"));
    let human = model.party_index(party).expect("party");
    let seats = (0..model.parties.len())
        .map(|p| {
            if p == human {
                SeatPolicy::Human
            } else {
                SeatPolicy::default_ai(&model, p)
            }
        })
        .collect();
    let session = Session::new(model, "tutorial", seed, seats).expect("seats");
    app.start(session);
    enter(app); // brief read
    press(app, KeyCode::Esc); // skip the news cards
    settle(app);
    // A vote an AI seat calls at once is refused; then the board's turn.
    for _ in 0..20 {
        match app.scope() {
            Scope::Vote => ch(app, 'n'),
            Scope::Card | Scope::Summary => enter(app),
            _ => break,
        }
        settle(app);
    }
    assert_eq!(app.scope(), Scope::Table);
}

/// End the human's turns (refusing votes) until the revision screen is up.
pub fn to_revision(app: &mut App) {
    for _ in 0..200 {
        match app.scope() {
            Scope::Revision => return,
            Scope::Briefing | Scope::Card | Scope::Summary | Scope::Handover => enter(app),
            Scope::Vote => ch(app, 'n'),
            Scope::Table => end_turn(app),
            Scope::End => panic!("the game ended before a revision"),
            _ => press(app, KeyCode::Esc),
        }
        settle(app);
    }
    panic!("no revision came");
}

/// Open the facilitator menu: a PIN is set for the table (as `play
/// --facilitator` asks at the start) and typed after `F`.
pub fn facilitator_menu(app: &mut App) {
    if app.pin.is_none() {
        app.set_pin("4711");
    }
    ch(app, 'F');
    for c in "4711".chars() {
        ch(app, c);
    }
    enter(app);
    assert_eq!(app.scope(), Scope::Facilitator, "{:?}", app.status);
}

/// In the open facilitator menu, do the item whose label starts with `label`.
pub fn facilitator_item(app: &mut App, label: &str) {
    let items = backchannel::tui::app::facilitator_items(play(app));
    let i = items
        .iter()
        .position(|(_, l)| l.starts_with(label))
        .unwrap_or_else(|| panic!("no facilitator item '{label}'"));
    for _ in 0..i {
        press(app, KeyCode::Down);
    }
    enter(app);
}
