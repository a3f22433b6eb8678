//! Rendering the table screen at 200×60 (SPEC §9 bar: ≤ 2 ms a frame), with
//! the map and the end screen for comparison. Run: `cargo bench --bench tui_frame`.

use backchannel::tui::app::{App, Msg, Settings};
use backchannel::tui::keys::{Keymap, Scope};
use backchannel::tui::theme::Theme;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;
use std::time::{Duration, Instant};

fn key(app: &mut App, code: KeyCode) {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn settle(app: &mut App) {
    while app.tick_after().is_some() {
        app.update(Msg::Tick);
    }
}

fn time(label: &str, app: &App, w: u16, h: u16) {
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    for _ in 0..20 {
        term.draw(|f| f.render_widget(app, f.area())).expect("draw");
    }
    let n = 500;
    let mut times: Vec<f64> = (0..n)
        .map(|_| {
            // A full redraw each time: clear the previous buffer so nothing is diffed away.
            term.clear().expect("clear");
            let t = Instant::now();
            term.draw(|f| f.render_widget(black_box(app), f.area()))
                .expect("draw");
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let mean = times.iter().sum::<f64>() / n as f64;
    println!(
        "{label:<28} {w}x{h}  mean {mean:.3} ms  p50 {:.3} ms  p99 {:.3} ms",
        times[n / 2],
        times[n * 99 / 100]
    );
}

fn main() {
    let mut app = App::new(
        Theme::colour(),
        Keymap::default(),
        Settings {
            ai_delay: Duration::ZERO,
            ..Settings::default()
        },
    );
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Esc);
    settle(&mut app);
    // A few rounds in, so the chart and the ticker have something in them.
    for _ in 0..3 {
        if app.scope() != Scope::Table {
            key(&mut app, KeyCode::Esc);
        }
        key(&mut app, KeyCode::Char('a'));
        key(&mut app, KeyCode::Enter);
        settle(&mut app);
        key(&mut app, KeyCode::Esc);
    }
    assert_eq!(app.scope(), Scope::Table, "the bench renders the table");
    time("table", &app, 200, 60);
    time("table", &app, 80, 24);
    key(&mut app, KeyCode::Char('M'));
    time("map", &app, 200, 60);
}
