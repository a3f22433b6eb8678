//! The TUI draws no control character, zero-width or bidi mark from a hostile
//! scenario (tests/hostile) on any screen of a whole game, nor from any other
//! text it shows (an error message naming a hostile file).

mod hostile;
mod tui_support;

use backchannel::tui::app::{App, Popup};
use backchannel::tui::keys::Scope;
use crossterm::event::KeyCode;
use hostile::{EVIL, TITLE, invisible};
use tui_support::*;

/// Every cell of the screen at two sizes holds only visible text.
fn assert_screen_clean(app: &App, what: &str) {
    for (w, h) in [(80, 24), (160, 48)] {
        let t = draw(app, w, h);
        let buf = t.backend().buffer();
        for (i, cell) in buf.content().iter().enumerate() {
            if let Some(c) = cell.symbol().chars().find(|&c| invisible(c)) {
                panic!(
                    "{what} at {w}x{h}: U+{:04X} in cell ({}, {}) {:?}",
                    c as u32,
                    i % w as usize,
                    i / w as usize,
                    cell.symbol()
                );
            }
        }
    }
}

#[test]
fn a_hostile_scenario_draws_no_control_character_on_any_screen() {
    let dir = std::env::temp_dir().join(format!("bc-tui-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp folder");
    let path = dir.join("orchard.ron");
    std::fs::write(&path, hostile::orchard()).expect("write the scenario");

    let mut a = app();
    ch(&mut a, 'o');
    for c in path.display().to_string().chars() {
        ch(&mut a, c);
    }
    enter(&mut a);
    assert_eq!(a.scope(), Scope::Setup, "the hostile scenario opens");
    assert_screen_clean(&a, "setup");
    enter(&mut a);
    let mut seen = Vec::new();
    for _ in 0..400 {
        let scope = a.scope();
        if !seen.contains(&scope) {
            seen.push(scope);
        }
        assert_screen_clean(&a, &format!("{scope:?}"));
        match scope {
            Scope::End => break,
            Scope::Table => {
                // Look at every pane and popup a player can open, then move on.
                for key in ['?', 'w', 'm', 'd', 'M', 'c', 'A'] {
                    ch(&mut a, key);
                    assert_screen_clean(&a, &format!("{scope:?} then '{key}'"));
                    press(&mut a, KeyCode::Esc);
                }
                // The facilitator's menu and its reveal of every brief.
                facilitator_menu(&mut a);
                assert_screen_clean(&a, "the facilitator menu");
                facilitator_item(&mut a, "Reveal all briefs");
                assert_screen_clean(&a, "every brief revealed");
                press(&mut a, KeyCode::Esc);
                press(&mut a, KeyCode::Esc);
                // A wording into the package, then the package pop-up.
                ch(&mut a, 'm');
                ch(&mut a, 'p');
                ch(&mut a, 'p');
                assert_screen_clean(&a, "the package");
                press(&mut a, KeyCode::Esc);
                press(&mut a, KeyCode::Tab);
                press(&mut a, KeyCode::Down);
                end_turn(&mut a);
            }
            Scope::Vote => ch(&mut a, 'n'),
            Scope::Revision => {
                ch(&mut a, 'a');
                assert_screen_clean(&a, "the revision with a suggestion");
                enter(&mut a);
                ch(&mut a, 'y');
            }
            Scope::Card | Scope::Summary | Scope::Briefing | Scope::Handover => enter(&mut a),
            _ => press(&mut a, KeyCode::Esc),
        }
        settle(&mut a);
    }
    assert!(
        [Scope::Briefing, Scope::Card, Scope::Table, Scope::End]
            .iter()
            .all(|s| seen.contains(s)),
        "{seen:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn other_text_is_scrubbed_too() {
    let mut a = app();
    a.popups.push(Popup::Message {
        title: format!("Cannot open {TITLE}"),
        text: format!("{EVIL}: cannot read: No such file or directory"),
        confirm: None,
    });
    assert_screen_clean(&a, "message");
    a.status = Some(format!("autosave failed: {EVIL}"));
    assert_screen_clean(&a, "status");
}
