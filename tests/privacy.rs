//! Privacy by construction: every screen and pop-up, rendered for every
//! viewer at random points of random games, shows no other party's private
//! data. The scenario (tests/fixtures/sentinels.ron) gives every brief, goal
//! and reservation a value found nowhere else, so a leak is a string match.

mod tui_support;

use backchannel::engine::Game;
use backchannel::scenario::{Model, load_file};
use backchannel::table::SeatPolicy;
use backchannel::tui::app::{App, Pane, Screen};
use backchannel::tui::keys::Command;
use backchannel::tui::session::Session;
use proptest::prelude::*;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::path::Path;
use std::sync::Arc;
use tui_support::*;

fn model() -> Arc<Model> {
    Arc::new(load_file(Path::new("tests/fixtures/sentinels.ron")).expect("the sentinel scenario"))
}

/// Party `p`'s private strings, and while the talks go on its reservation.
fn secrets(m: &Model, g: &Game, p: usize) -> Vec<String> {
    let def = &m.scenario.parties[p];
    let mut out = vec![def.brief.clone()];
    out.extend(def.goals.iter().cloned());
    if g.ending().is_none() {
        out.push(format!("{:.2}", m.parties[p].reservation));
        out.push(format!("{:.2}", g.reservation()[p]));
    }
    out
}

/// Which screen is for whom.
#[derive(Debug, Clone, Copy)]
enum Who {
    /// A screen bound to one party's seat.
    Seat(usize),
    /// The hot-seat keyboard, handed to the party to move.
    Keyboard,
    /// The projector.
    Projector,
}

fn screen_for(session: &Session, who: Who) -> App {
    let mut a = app();
    let seat = match who {
        Who::Seat(p) => Some(p),
        _ => None,
    };
    a.join(session.clone(), seat);
    if let Screen::Game(play) = &mut a.screen {
        match who {
            Who::Projector => play.projector = true,
            Who::Keyboard => play.at_keyboard = session.table().game().to_move(),
            Who::Seat(_) => {}
        }
        // Cards fired so far stay: the first frame shows them.
        play.sync();
    }
    a
}

/// Every text the screen shows for this viewer: the screen itself, the brief,
/// each dashboard value's "why", the amend and diplomacy pop-ups, a card.
fn frames(a: &mut App) -> Vec<String> {
    let mut out = Vec::new();
    let mut shot = |a: &App| {
        for (w, h) in [(80, 24), (160, 48)] {
            out.push(format!("{}", draw(a, w, h).backend()));
        }
    };
    shot(a);
    let mut fx = Vec::new();
    a.command(Command::Brief, &mut fx);
    shot(a);
    a.command(Command::Back, &mut fx);
    let items = match &a.screen {
        Screen::Game(p) => p.dash_items().len(),
        _ => 0,
    };
    for i in 0..items {
        if let Screen::Game(p) = &mut a.screen {
            p.focus = Pane::Dashboard;
            p.dash = i;
        }
        a.command(Command::Why, &mut fx);
        shot(a);
        a.popups.clear();
    }
    if let Screen::Game(p) = &mut a.screen {
        p.focus = Pane::Clauses;
    }
    for c in [
        Command::Why,
        Command::Amend,
        Command::Diplomacy,
        Command::Map,
    ] {
        a.command(c, &mut fx);
        shot(a);
        a.popups.clear();
        if let Screen::Game(p) = &mut a.screen {
            p.map_open = false;
        }
    }
    out
}

fn check(session: &Session, who: Who) -> Result<(), TestCaseError> {
    let (m, g) = {
        let t = session.table();
        (Arc::clone(t.model()), t.game().clone())
    };
    let mut a = screen_for(session, who);
    let viewer = match &a.screen {
        Screen::Game(p) => p.viewer(),
        _ => unreachable!(),
    };
    let text = frames(&mut a).join("\n");
    for p in 0..m.parties.len() {
        if viewer.may_see(p) {
            continue;
        }
        for s in secrets(&m, &g, p) {
            prop_assert!(
                !text.contains(&s),
                "{who:?} ({viewer:?}) sees '{s}' of {} in round {}",
                m.scenario.parties[p].id,
                g.round()
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn no_screen_shows_another_partys_private_data(seed in 0u64..1000, moves in 0usize..60) {
        let m = model();
        let seats = vec![SeatPolicy::Human; m.parties.len()];
        let session = Session::new(Arc::clone(&m), "sentinels", seed, seats).expect("seats");
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        for _ in 0..moves {
            let legal = session.table().game().legal_actions();
            if legal.is_empty() {
                break;
            }
            let a = legal[rng.random_range(0..legal.len())];
            session.apply(a, None).expect("a legal move");
        }
        for p in 0..m.parties.len() {
            check(&session, Who::Seat(p))?;
        }
        check(&session, Who::Keyboard)?;
        check(&session, Who::Projector)?;
    }

    #[test]
    fn solo_against_the_ai_shows_only_the_players_data(seed in 0u64..1000, ticks in 0usize..200) {
        let m = model();
        let mut seats: Vec<SeatPolicy> = (0..m.parties.len()).map(|p| SeatPolicy::default_ai(&m, p)).collect();
        seats[1] = SeatPolicy::Human;
        let session = Session::new(Arc::clone(&m), "sentinels", seed, seats).expect("seats");
        for _ in 0..ticks {
            if !session.step() {
                let legal = session.table().game().legal_actions();
                let Some(a) = legal.last().copied() else { break };
                let _ = session.apply(a, None);
            }
        }
        check(&session, Who::Keyboard)?;
        check(&session, Who::Projector)?;
    }
}

#[test]
fn two_screens_on_one_table_show_each_its_own_brief() {
    let m = model();
    let seats = vec![SeatPolicy::Human; m.parties.len()];
    let session = Session::new(Arc::clone(&m), "sentinels", 3, seats).expect("seats");
    let mut north = screen_for(&session, Who::Seat(0));
    let mut south = screen_for(&session, Who::Seat(1));
    let mut fx = Vec::new();
    north.command(Command::Brief, &mut fx);
    south.command(Command::Brief, &mut fx);
    let n = format!("{}", draw(&north, 100, 30).backend());
    let s = format!("{}", draw(&south, 100, 30).backend());
    assert!(
        n.contains("BRIEFxNORTHx") && !n.contains("BRIEFxSOUTHx"),
        "{n}"
    );
    assert!(
        s.contains("BRIEFxSOUTHx") && !s.contains("BRIEFxNORTHx"),
        "{s}"
    );
    // One table: a move from one screen is seen on the other.
    let before = session.table().game().log().len();
    let to_move = session.table().game().to_move().expect("someone moves");
    let mover = if to_move == 0 { &mut north } else { &mut south };
    if to_move <= 1 {
        mover.command(Command::Back, &mut fx);
        mover.command(Command::Accept, &mut fx);
        assert_eq!(session.table().game().log().len(), before + 1);
    }
    if let (Screen::Game(a), Screen::Game(b)) = (&north.screen, &south.screen) {
        assert!(a.session.same_table(&b.session));
    }
}
