//! Snapshots of every screen at 80×24 and 160×48.

mod tui_support;

use backchannel::tui::app::{App, Popup, SaveEntry, Screen};
use backchannel::tui::keys::Scope;
use crossterm::event::KeyCode;
use tui_support::*;

fn snap(name: &str, app: &App) {
    for (w, h) in [(80, 24), (160, 48)] {
        let t = draw(app, w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), t.backend());
    }
}

#[test]
fn title() {
    let a = app();
    snap("title", &a);
}

#[test]
fn open_path() {
    let mut a = app();
    ch(&mut a, 'o');
    for c in "examples/scenarios/orchard.ron".chars() {
        ch(&mut a, c);
    }
    snap("open_path", &a);
}

#[test]
fn setup() {
    let mut a = app();
    ch(&mut a, 's');
    press(&mut a, KeyCode::Down);
    press(&mut a, KeyCode::Right);
    assert_eq!(a.scope(), Scope::Setup);
    snap("setup", &a);
}

#[test]
fn resume_list() {
    let mut a = app();
    a.screen = Screen::Resume {
        saves: vec![SaveEntry {
            path: "plan28-2025-11-21.ron".into(),
            save: Err("plan28-2025-11-21.ron: 3:1: expected a save".into()),
            round: None,
            finished: None,
            when: String::new(),
        }],
        sel: 0,
    };
    snap("resume", &a);
}

#[test]
fn briefing() {
    let mut a = app();
    enter(&mut a);
    assert_eq!(a.scope(), Scope::Briefing);
    snap("briefing", &a);
}

#[test]
fn event_card() {
    let mut a = app();
    enter(&mut a);
    enter(&mut a);
    assert_eq!(a.scope(), Scope::Card);
    snap("card", &a);
}

#[test]
fn table() {
    let mut a = app();
    to_table(&mut a);
    ch(&mut a, 'a');
    press(&mut a, KeyCode::Down);
    ch(&mut a, 'r');
    snap("table", &a);
}

#[test]
fn table_dashboard() {
    let mut a = app();
    to_table(&mut a);
    press(&mut a, KeyCode::Tab);
    press(&mut a, KeyCode::Tab);
    snap("dashboard", &a);
}

#[test]
fn amend() {
    let mut a = app();
    to_table(&mut a);
    for _ in 0..5 {
        press(&mut a, KeyCode::Down);
    }
    ch(&mut a, 'm');
    assert_eq!(a.scope(), Scope::Variants);
    snap("amend", &a);
}

#[test]
fn why() {
    let mut a = app();
    to_table(&mut a);
    press(&mut a, KeyCode::Tab);
    press(&mut a, KeyCode::Tab);
    ch(&mut a, 'w');
    assert_eq!(a.scope(), Scope::Why);
    snap("why", &a);
}

#[test]
fn help() {
    let mut a = app();
    to_table(&mut a);
    ch(&mut a, '?');
    assert_eq!(a.scope(), Scope::Help);
    snap("help", &a);
}

#[test]
fn quit() {
    let mut a = app();
    ch(&mut a, 'q');
    assert_eq!(a.scope(), Scope::Quit);
    snap("quit", &a);
}

#[test]
fn diplomacy() {
    let mut a = app();
    to_table(&mut a);
    ch(&mut a, 'd');
    assert_eq!(a.scope(), Scope::Diplomacy);
    snap("diplomacy", &a);
}

#[test]
fn facilitator_and_projector() {
    let mut a = app();
    to_table(&mut a);
    // No facilitator at this table: F says so and opens nothing.
    ch(&mut a, 'F');
    assert_eq!(a.scope(), Scope::Table);
    assert!(a.status.as_deref().unwrap_or("").contains("--facilitator"));
    // With a PIN set at the start, F asks for it; a wrong one keeps it closed.
    a.set_pin("4711");
    ch(&mut a, 'F');
    assert_eq!(a.scope(), Scope::Pin);
    for c in "0000".chars() {
        ch(&mut a, c);
    }
    snap("pin", &a);
    enter(&mut a);
    assert_eq!(a.scope(), Scope::Table);
    facilitator_menu(&mut a);
    snap("facilitator", &a);
    // The projector is a view the facilitator turns on, not a seat. The room
    // has not seen this round's news yet: it pops up there first.
    facilitator_item(&mut a, "Projector view");
    press(&mut a, KeyCode::Esc);
    assert_eq!(a.scope(), Scope::Card);
    snap("projector_card", &a);
    dismiss(&mut a);
    assert_eq!(a.scope(), Scope::Projector);
    snap("projector", &a);
    ch(&mut a, 'a');
    assert_eq!(a.scope(), Scope::Projector, "no move from the projector");
}

#[test]
fn the_projector_shows_the_room_each_round_summary() {
    use backchannel::table::Viewer;
    let mut a = app();
    to_table(&mut a);
    let round = play(&a).session.table().game().round();
    // The seat plays the round out (its own cards and summary at its screen).
    for _ in 0..200 {
        if play(&a).session.table().game().round() > round {
            break;
        }
        match a.scope() {
            Scope::Table => end_turn(&mut a),
            Scope::Vote => ch(&mut a, 'n'),
            Scope::Message => ch(&mut a, 'y'),
            _ => enter(&mut a),
        }
        settle(&mut a);
    }
    assert!(play(&a).session.table().game().round() > round);
    dismiss(&mut a);
    // The facilitator turns the projector on: the room gets the round's
    // summary (after any card it has not seen), in the public view.
    facilitator_menu(&mut a);
    facilitator_item(&mut a, "Projector view");
    press(&mut a, KeyCode::Esc);
    assert_eq!(play(&a).viewer(), Viewer::Public);
    for _ in 0..20 {
        if a.scope() != Scope::Card {
            break;
        }
        enter(&mut a);
    }
    assert_eq!(a.scope(), Scope::Summary);
    let text = format!("{}", draw(&a, 80, 24).backend());
    assert!(text.contains(&format!("Round {round} is over")), "{text}");
    assert!(
        !text.contains(" — for "),
        "the room's summary is no seat's: {text}"
    );
    snap("projector_summary", &a);
    dismiss(&mut a);
    assert_eq!(a.scope(), Scope::Projector);
}

#[test]
fn map() {
    let mut a = app();
    to_table(&mut a);
    ch(&mut a, 'M');
    assert_eq!(a.scope(), Scope::Map);
    snap("map", &a);
}

#[test]
fn map_without_regions() {
    let mut a = app();
    press(&mut a, KeyCode::Down);
    to_table(&mut a);
    ch(&mut a, 'M');
    snap("map_tutorial", &a);
}

#[test]
fn hand_over() {
    let mut a = app();
    ch(&mut a, 's');
    // United States: AI → human; Ukraine stays human.
    press(&mut a, KeyCode::Right);
    for _ in 0..4 {
        press(&mut a, KeyCode::Left);
    }
    enter(&mut a);
    assert_eq!(a.scope(), Scope::Handover);
    snap("handover", &a);
}

#[test]
fn vote_and_end() {
    let mut a = app();
    to_table(&mut a);
    // Call a vote at once: it asks first.
    ch(&mut a, 'v');
    if a.scope() == Scope::Message {
        snap("call_vote", &a);
        ch(&mut a, 'y');
    }
    settle(&mut a);
    if a.scope() == Scope::Vote {
        snap("vote", &a);
        ch(&mut a, 'n');
    }
    for _ in 0..2000 {
        if a.scope() == Scope::End {
            break;
        }
        match a.scope() {
            Scope::Card | Scope::Summary | Scope::Briefing | Scope::Handover => enter(&mut a),
            Scope::Vote => ch(&mut a, 'n'),
            Scope::Table => end_turn(&mut a),
            _ => press(&mut a, KeyCode::Esc),
        }
        settle(&mut a);
    }
    assert_eq!(a.scope(), Scope::End);
    snap("end", &a);
}

#[test]
fn round_summary() {
    let mut a = app();
    tutorial_as(&mut a, "board");
    for _ in 0..200 {
        match a.scope() {
            Scope::Summary => break,
            Scope::Card | Scope::Briefing | Scope::Handover => enter(&mut a),
            Scope::Vote => ch(&mut a, 'n'),
            Scope::Revision => {
                enter(&mut a);
                ch(&mut a, 'y');
            }
            Scope::Table => end_turn(&mut a),
            _ => press(&mut a, KeyCode::Esc),
        }
        settle(&mut a);
    }
    assert_eq!(a.scope(), Scope::Summary);
    snap("summary", &a);
    // The dashboard pane, focused, and the news, focused and grown.
    enter(&mut a);
    dismiss(&mut a);
    press(&mut a, KeyCode::Tab);
    press(&mut a, KeyCode::Tab);
    snap("dashboard_focused", &a);
    press(&mut a, KeyCode::Tab);
    snap("news_focused", &a);
}

#[test]
fn too_small() {
    let a = app();
    for (w, h) in [(79, 24), (80, 23), (1, 1), (0, 0), (20, 3)] {
        let _ = draw(&a, w, h);
    }
    let t = draw(&a, 40, 10);
    insta::assert_snapshot!("too_small_40x10", t.backend());
}

#[test]
fn message_popup() {
    let mut a = app();
    a.popups.push(Popup::Message {
        title: "Cannot open the scenario".into(),
        text: "nope.ron: cannot read: No such file or directory (os error 2)".into(),
        confirm: None,
    });
    snap("message", &a);
}

#[test]
fn revision_screen() {
    let mut a = app();
    tutorial_as(&mut a, "board");
    to_revision(&mut a);
    press(&mut a, KeyCode::Down);
    ch(&mut a, ' ');
    press(&mut a, KeyCode::Down);
    snap("revision", &a);
}

#[test]
fn package_panel() {
    let mut a = app();
    tutorial_as(&mut a, "board");
    for _ in 0..2 {
        ch(&mut a, 'm');
        ch(&mut a, 'p');
        press(&mut a, KeyCode::Down);
    }
    ch(&mut a, 'p');
    enter(&mut a);
    assert_eq!(a.scope(), Scope::Package);
    snap("package", &a);
}

#[test]
fn conditional_accept_dialog() {
    let mut a = app();
    tutorial_as(&mut a, "board");
    ch(&mut a, 'c');
    press(&mut a, KeyCode::Down);
    press(&mut a, KeyCode::Right);
    press(&mut a, KeyCode::Down);
    assert_eq!(a.scope(), Scope::Condition);
    snap("condition", &a);
}

#[test]
fn other_seats_see_who_holds_the_pen() {
    let mut a = app();
    tutorial_as(&mut a, "board");
    to_revision(&mut a);
    let (session, low) = match &a.screen {
        Screen::Game(p) => (
            p.session.clone(),
            p.session.model().party_index("low").unwrap(),
        ),
        _ => unreachable!(),
    };
    // Lowater's own screen on the same table, and the projector.
    let mut other = app();
    other.join(session, Some(low));
    if let Screen::Game(p) = &mut other.screen {
        p.briefed[low] = true;
        p.notices.iter_mut().for_each(|q| q.clear());
    }
    assert_eq!(other.scope(), Scope::Table);
    if let Screen::Game(p) = &mut a.screen {
        p.projector = true;
    }
    assert_eq!(a.scope(), Scope::Projector, "the projector shows the table");
    for screen in [&other, &a] {
        let text = format!("{}", draw(screen, 160, 48).backend());
        assert!(
            text.contains("County River Board holds the pen and is revising the draft"),
            "{text}"
        );
        assert!(!text.contains("you hold the pen"));
    }
}
