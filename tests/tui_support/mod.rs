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
