//! A whole game through key events, undo, autosave and resume, and random
//! input at random sizes (no panic, the engine's invariants hold).

mod tui_support;

use backchannel::engine::Game;
use backchannel::tui::app::{Effect, Msg, Screen, resume_session};
use backchannel::tui::keys::Scope;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tui_support::*;

#[test]
fn a_whole_game_from_title_to_end_by_keys() {
    let mut a = app();
    assert_eq!(a.scope(), Scope::Title);
    enter(&mut a);
    let mut turns = 0;
    for _ in 0..5000 {
        match a.scope() {
            Scope::End => break,
            Scope::Briefing | Scope::Card | Scope::Summary | Scope::Handover => enter(&mut a),
            Scope::Vote => ch(&mut a, 'y'),
            Scope::Table => {
                if play(&a).human_to_move().is_some() {
                    // Accept the first three open clauses, propose on the fourth, end the turn.
                    press(&mut a, KeyCode::Home);
                    for _ in 0..3 {
                        ch(&mut a, 'a');
                        press(&mut a, KeyCode::Down);
                    }
                    ch(&mut a, 'm');
                    press(&mut a, KeyCode::Down);
                    enter(&mut a);
                    enter(&mut a);
                    turns += 1;
                }
                settle(&mut a);
            }
            _ => press(&mut a, KeyCode::Esc),
        }
        let _ = draw(&a, 80, 24);
    }
    assert_eq!(a.scope(), Scope::End, "the game should end");
    assert!(turns >= 1);
    assert!(play(&a).session.table().game().ending().is_some());
    // The end screen offers the debrief.
    let fx = a.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('e'),
        KeyModifiers::NONE,
    )));
    assert!(matches!(fx.as_slice(), [Effect::Export(..)]));
    // A stray Enter does not leave the end screen; Esc goes back to the title.
    enter(&mut a);
    assert_eq!(a.scope(), Scope::End);
    press(&mut a, KeyCode::Esc);
    assert_eq!(a.scope(), Scope::Title);
}

#[test]
fn undo_takes_back_the_last_move_and_the_ai_replies() {
    let mut a = app();
    to_table(&mut a);
    let before = play(&a).session.table().game().log().len();
    ch(&mut a, 'a');
    enter(&mut a);
    settle(&mut a);
    dismiss(&mut a); // the round's summary and the new round's cards
    assert_eq!(a.scope(), Scope::Table);
    assert!(play(&a).session.table().game().log().len() > before + 1);
    ch(&mut a, 'u');
    // Back before the end of the turn: the accept stays, the AI moves are gone.
    assert_eq!(play(&a).session.table().game().log().len(), before + 1);
    ch(&mut a, 'u');
    assert_eq!(play(&a).session.table().game().log().len(), before);
}

#[test]
fn autosave_writes_a_save_that_resumes() {
    let dir = std::env::temp_dir().join(format!("backchannel-tui-{}", std::process::id()));
    let path = dir.join("game.ron");
    // Saves go into an existing folder; only the data folder is made on demand.
    std::fs::create_dir_all(&dir).unwrap();
    let mut a = app();
    a.settings.autosave = true;
    a.settings.save_path = Some(path.clone());
    enter(&mut a);
    enter(&mut a);
    press(&mut a, KeyCode::Esc);
    let mut saved = 0;
    for _ in 0..10_000 {
        if a.tick_after().is_none() {
            break;
        }
        for e in a.update(Msg::Tick) {
            if let Effect::Save(p, s) = e {
                s.write(&p).expect("write save");
                saved += 1;
            }
        }
    }
    assert!(saved > 0, "every AI move is saved");
    ch(&mut a, 'a');
    let s = resume_session(&path).expect("resume");
    let t = play(&a).session.table();
    let live = t.game();
    assert_eq!(
        s.table().game().log().len(),
        live.log().len() - 1,
        "the last save is one keypress behind at most"
    );
    // A corrupt save is refused and left untouched.
    let bad = dir.join("bad.ron");
    std::fs::write(&bad, "(format: 1, nonsense").unwrap();
    let err = resume_session(&bad).unwrap_err();
    assert!(err.contains("bad.ron"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&bad).unwrap(),
        "(format: 1, nonsense"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_second_game_from_the_title_does_not_overwrite_the_first_save() {
    let path = std::env::temp_dir().join("backchannel-first-game.ron");
    let mut a = app();
    a.settings.autosave = true;
    a.settings.save_path = Some(path.clone());
    enter(&mut a);
    enter(&mut a);
    assert_eq!(play(&a).session.save_path.as_deref(), Some(path.as_path()));
    // Back to the title (as Esc on the end screen does) and a new game.
    a.screen = Screen::Title { sel: 0 };
    enter(&mut a);
    enter(&mut a);
    assert_ne!(
        play(&a).session.save_path.as_deref(),
        Some(path.as_path()),
        "the second game saves elsewhere"
    );
}

fn check_invariants(a: &backchannel::tui::App) {
    if let Screen::Game(p) = &a.screen {
        let t = p.session.table();
        let g = t.game();
        let ev = g.evaluation();
        assert!((0.0..=1.0).contains(&ev.likelihood));
        let m = g.model();
        for (k, mm) in m.metrics.iter().enumerate() {
            assert!(ev.metrics[k] >= mm.min - 1e-9 && ev.metrics[k] <= mm.max + 1e-9);
        }
        let r = Game::replay(m.clone(), g.seed(), g.log()).expect("the log replays");
        assert_eq!(r.evaluation(), g.evaluation());
        assert_eq!(r.options(), g.options());
        assert_eq!(r.round(), g.round());
    }
}

fn fuzz(events: usize, seed: u64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut a = app();
    let keys: Vec<KeyCode> = [
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::Backspace,
        KeyCode::F(1),
    ]
    .into_iter()
    // `A` (the advisor) is left out: it starts a deal-space search on a thread
    // per game, which in a debug build would dominate the run.
    .chain("akjmrsuwMbdvWFPyneoq? xhl0/.".chars().map(KeyCode::Char))
    .collect();
    let (mut w, mut h) = (80u16, 24u16);
    for i in 0..events {
        let roll: u32 = rng.random_range(0..100);
        let msg = if roll < 80 {
            let k = keys[rng.random_range(0..keys.len())];
            let mods = if rng.random_range(0..50) == 0 {
                KeyModifiers::CONTROL
            } else {
                KeyModifiers::NONE
            };
            Msg::Key(KeyEvent::new(k, mods))
        } else if roll < 90 {
            Msg::Click {
                x: rng.random_range(0..w.max(1) + 5),
                y: rng.random_range(0..h.max(1) + 5),
            }
        } else if roll < 95 {
            Msg::Tick
        } else if roll < 97 {
            Msg::Scroll { up: rng.random() }
        } else {
            w = rng.random_range(0..260);
            h = rng.random_range(0..90);
            Msg::Resize { w, h }
        };
        let _ = a.update(msg);
        let _ = draw(&a, w, h);
        if i % 1000 == 0 {
            check_invariants(&a);
        }
    }
    check_invariants(&a);
}

#[test]
fn random_keys_clicks_and_sizes_never_panic() {
    fuzz(10_000, 1);
}

/// The full count: `cargo test --release --test tui_game -- --ignored`.
#[test]
#[ignore]
fn random_input_100k() {
    fuzz(100_000, 2);
}

/// A default save name is only a proposal: the shell makes it a new file and
/// answers with the name it used; later saves go to that file. The app itself
/// touches no file.
#[test]
fn a_default_save_is_claimed_by_the_shell_and_answered() {
    let mut a = app();
    a.settings.autosave = true;
    a.settings.save_path = None;
    let m = std::sync::Arc::new(backchannel::scenario::open("tutorial").expect("tutorial"));
    let seats = backchannel::tui::app::default_seats(&m);
    let s = backchannel::tui::session::Session::new(m, "tutorial", 1, seats).expect("seats");
    let fx = a.start(s);
    let Some(Effect::SaveNew(proposed, _)) = fx.first() else {
        // No platform data folder here: nothing to save to.
        return;
    };
    let chosen = proposed.with_file_name("tutorial-claimed-2.ron");
    a.update(Msg::SavedAs(chosen.clone()));
    assert_eq!(
        play(&a).session.save_path.as_deref(),
        Some(chosen.as_path())
    );
    enter(&mut a);
    let fx = a.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('a'),
        KeyModifiers::NONE,
    )));
    assert!(
        fx.iter()
            .all(|e| matches!(e, Effect::Save(p, _) if *p == chosen)),
        "{fx:?}"
    );
}

/// The seat the tutorial's pen-holder (the board) plays.
fn board(a: &backchannel::tui::App) -> usize {
    play(a).session.model().party_index("board").expect("board")
}

#[test]
fn a_human_pen_holder_adopts_a_proposal_and_the_draft_changes() {
    let mut a = app();
    tutorial_as(&mut a, "board");
    to_revision(&mut a);
    let pen = board(&a);
    let (props, options) = {
        let t = play(&a).session.table();
        assert_eq!(
            *t.game().phase(),
            backchannel::engine::Phase::Revision { pen }
        );
        (t.game().proposals().to_vec(), t.game().options().to_vec())
    };
    assert!(!props.is_empty());
    // The first proposal that may be adopted alone and changes the text.
    let i = (0..props.len())
        .find(|&i| {
            let sel = backchannel::engine::Selection::of([i]).unwrap();
            play(&a).session.table().game().selection_open(sel).is_ok()
                && props[i].changes.iter().any(|(c, o)| options[c] != o)
        })
        .expect("an adoptable proposal");
    for _ in 0..i {
        press(&mut a, KeyCode::Down);
    }
    ch(&mut a, ' ');
    assert!(play(&a).revision.adopt.contains(i));
    enter(&mut a);
    assert_eq!(a.scope(), Scope::Message, "Enter asks first");
    ch(&mut a, 'y');
    let t = play(&a).session.table();
    assert!(!matches!(
        t.game().phase(),
        backchannel::engine::Phase::Revision { .. }
    ));
    for (c, o) in props[i].changes.iter() {
        assert_eq!(
            t.game().options()[c],
            o,
            "clause {c} takes the adopted wording"
        );
    }
    assert!(
        t.game().log().iter().any(|x| matches!(
            x,
            backchannel::engine::Action::Revise { party, adopt } if *party == pen && adopt.contains(i)
        )),
        "the revision is the human pen-holder's"
    );
}

#[test]
fn overlapping_proposals_are_refused_in_words() {
    let mut a = app();
    tutorial_as(&mut a, "board");
    to_revision(&mut a);
    let props = play(&a).session.table().game().proposals().to_vec();
    // Two proposals touching one clause, if this revision has them.
    let pair = (0..props.len())
        .flat_map(|i| (i + 1..props.len()).map(move |j| (i, j)))
        .find(|&(i, j)| {
            props[i]
                .changes
                .iter()
                .any(|(c, _)| props[j].changes.touches(c))
        });
    let Some((i, j)) = pair else { return };
    for _ in 0..i {
        press(&mut a, KeyCode::Down);
    }
    ch(&mut a, ' ');
    for _ in i..j {
        press(&mut a, KeyCode::Down);
    }
    ch(&mut a, ' ');
    let r = play(&a).revision;
    assert!(r.adopt.contains(i) && !r.adopt.contains(j));
    let s = a.status.clone().unwrap_or_default();
    assert!(
        s.starts_with("cannot adopt it: ") && s.contains("point "),
        "{s}"
    );
}

#[test]
fn a_human_tables_a_two_clause_package_and_the_pen_sees_it() {
    let mut a = app();
    tutorial_as(&mut a, "board");
    assert_eq!(a.scope(), Scope::Table);
    let me = board(&a);
    assert_eq!(play(&a).human_to_move(), Some(me));
    // Point 1 and point 2: the wording after the draft's, added to the package.
    for _ in 0..2 {
        ch(&mut a, 'm');
        assert_eq!(a.scope(), Scope::Variants);
        press(&mut a, KeyCode::Down);
        ch(&mut a, 'p');
        assert_eq!(a.scope(), Scope::Table, "{:?}", a.status);
        press(&mut a, KeyCode::Down);
    }
    let built = play(&a).package().to_vec();
    assert_eq!(built.len(), 2);
    ch(&mut a, 'p');
    assert_eq!(a.scope(), Scope::Package);
    enter(&mut a);
    let tabled = play(&a).session.table().game().package(me).expect("tabled");
    assert_eq!(tabled.iter().collect::<Vec<_>>(), built);
    press(&mut a, KeyCode::Esc);
    enter(&mut a); // end the turn
    settle(&mut a);
    to_revision(&mut a);
    let props = play(&a).session.table().game().proposals().to_vec();
    assert!(
        props.iter().any(|p| p.package
            && p.by == me
            && p.changes.sorted().iter().collect::<Vec<_>>() == built),
        "{props:?}"
    );
}

#[test]
fn a_conditional_accept_is_stored_as_accept_if() {
    let mut a = app();
    tutorial_as(&mut a, "board");
    let me = board(&a);
    let (on, option) = {
        let t = play(&a).session.table();
        let n = t.model().clauses[1].options.len();
        (1, (t.game().options()[1] + 1).min(n - 1))
    };
    ch(&mut a, 'c');
    assert_eq!(a.scope(), Scope::Condition);
    press(&mut a, KeyCode::Right);
    press(&mut a, KeyCode::Down);
    enter(&mut a);
    assert_eq!(a.scope(), Scope::Table, "{:?}", a.status);
    assert_eq!(
        play(&a).session.table().game().stance(me, 0),
        Some(backchannel::engine::Stance::AcceptIf { clause: on, option })
    );
    // The selected clause says the condition in words.
    let text = format!("{}", draw(&a, 160, 48).backend());
    assert!(text.contains("accepts it as drafted if point 2"), "{text}");
}

#[test]
fn signing_below_ones_bottom_line_asks_first() {
    // Seeds draw the board's bottom line; find games where the draft is below it at its vote.
    let below = |a: &backchannel::tui::App, me: usize| {
        let t = play(a).session.table();
        let ev = t.game().evaluation();
        ev.crossed[me].is_none() && ev.utility[me] < t.game().reservation()[me]
    };
    let mut warned = 0;
    for seed in 1..40 {
        let mut a = app();
        tutorial_seeded(&mut a, "board", seed);
        let me = board(&a);
        ch(&mut a, 'v');
        if a.scope() != Scope::Message {
            continue; // refused: the board's own red line is crossed
        }
        ch(&mut a, 'y'); // the vote is confirmed
        settle(&mut a);
        if a.scope() != Scope::Vote || !below(&a, me) {
            continue;
        }
        let before = play(&a).session.table().game().log().len();
        ch(&mut a, 'y');
        assert_eq!(a.scope(), Scope::Message, "signing below asks first");
        assert_eq!(play(&a).session.table().game().log().len(), before);
        let text = format!("{}", draw(&a, 80, 24).backend());
        assert!(text.contains("below your bottom line"), "{text}");
        ch(&mut a, 'n');
        assert_eq!(a.scope(), Scope::Vote, "n keeps the vote open");
        ch(&mut a, 'y');
        ch(&mut a, 'y');
        let log = play(&a).session.table().game().log().to_vec();
        assert_eq!(log.len(), before + 1);
        assert_eq!(
            log[before],
            backchannel::engine::Action::Vote {
                party: me,
                sign: true
            }
        );
        warned += 1;
        if warned == 2 {
            break;
        }
    }
    assert!(
        warned > 0,
        "no seed put the board below its bottom line at a vote"
    );
}

#[test]
fn the_facilitator_turns_the_advisor_off() {
    let mut a = app();
    tutorial_as(&mut a, "board");
    ch(&mut a, 'A');
    assert_eq!(a.scope(), Scope::Why, "the advisor opens");
    press(&mut a, KeyCode::Esc);
    facilitator_menu(&mut a);
    // The advisor's line, then the what-if previews' line just below it.
    facilitator_item(&mut a, "Seats see: advisor");
    press(&mut a, KeyCode::Down);
    enter(&mut a);
    press(&mut a, KeyCode::Esc);
    let info = play(&a).session.info();
    assert!(!info.advisor && !info.what_if, "{info:?}");
    assert!(info.others_acceptance && info.ai_reasons, "{info:?}");
    ch(&mut a, 'A');
    assert_eq!(a.scope(), Scope::Table);
    assert_eq!(
        a.status.as_deref(),
        Some("the advisor is off at this table")
    );
    let text = format!("{}", draw(&a, 160, 48).backend());
    assert!(text.contains("what-if previews are off at this table"));
    assert!(!text.contains("deal 14% (+0)"));
}

/// Hot-seat: every human seat sees every event card and every round summary,
/// at its own hand-over, whoever had the keyboard when it happened.
#[test]
fn hot_seat_shows_every_seat_each_card_and_round_summary() {
    use backchannel::table::{Kind, SeatPolicy};
    use backchannel::tui::app::Notice;
    use backchannel::tui::session::Session;
    use std::collections::BTreeSet;
    let model = std::sync::Arc::new(backchannel::scenario::open("tutorial").expect("tutorial"));
    let np = model.parties.len();
    let seats = vec![SeatPolicy::Human; np];
    let session = Session::new(model, "tutorial", 7, seats).expect("seats");
    let mut a = app();
    a.start(session);
    let mut seen: Vec<BTreeSet<String>> = vec![BTreeSet::new(); np];
    let mut handovers = 0;
    for _ in 0..20_000 {
        let scope = a.scope();
        match scope {
            Scope::End => break,
            Scope::Handover => {
                handovers += 1;
                let text = format!("{}", draw(&a, 80, 24).backend());
                assert!(text.contains("Pass the keyboard to"), "{text}");
                enter(&mut a);
            }
            Scope::Card | Scope::Summary => {
                let p = play(&a).viewer_party().expect("a seat at the keyboard");
                let front = *play(&a)
                    .pending()
                    .and_then(|q| q.front())
                    .expect("a notice");
                let key = match front {
                    Notice::Card(e) => format!("card {e}"),
                    Notice::Summary(r) => format!("round {r}"),
                };
                // Drawn for that seat, at both sizes, without a panic.
                let _ = draw(&a, 80, 24);
                let _ = draw(&a, 160, 48);
                seen[p].insert(key);
                enter(&mut a);
            }
            Scope::Briefing => enter(&mut a),
            Scope::Vote => ch(&mut a, 'n'),
            Scope::Revision => {
                enter(&mut a);
                ch(&mut a, 'y');
            }
            Scope::Table => {
                // Accept everything as drafted, then end the turn.
                ch(&mut a, 'Y');
                end_turn(&mut a);
            }
            Scope::Message => ch(&mut a, 'y'),
            _ => press(&mut a, KeyCode::Esc),
        }
        settle(&mut a);
    }
    assert_eq!(a.scope(), Scope::End, "the hot-seat game should end");
    assert!(handovers > 2, "the keyboard was handed over");
    // What every seat had to see: the cards fired and the rounds ended.
    let t = play(&a).session.table();
    let m = t.model().clone();
    let mut all = BTreeSet::new();
    for n in t.narrations() {
        match n.kind {
            Kind::Card => {
                all.insert(format!("card {}", m.event_index(&n.detail).expect("card")));
            }
            Kind::RoundEnd => {
                all.insert(format!("round {}", n.round));
            }
            _ => {}
        }
    }
    drop(t);
    assert!(all.iter().any(|k| k.starts_with("card")), "{all:?}");
    assert!(all.iter().any(|k| k.starts_with("round")), "{all:?}");
    for (p, seen) in seen.iter().enumerate() {
        // Seen, or still waiting when the talks ended (the end screen comes first).
        let waiting: BTreeSet<String> = play(&a).notices[p]
            .iter()
            .map(|n| match n {
                Notice::Card(e) => format!("card {e}"),
                Notice::Summary(r) => format!("round {r}"),
            })
            .collect();
        let shown: BTreeSet<String> = seen.union(&waiting).cloned().collect();
        assert_eq!(shown, all, "seat {p} saw {seen:?}");
        assert!(
            seen.iter().any(|k| k.starts_with("round")),
            "seat {p} saw a round summary"
        );
    }
}

/// Enter on a turn with no move asks first; n keeps the turn.
#[test]
fn an_empty_turn_asks_before_it_ends() {
    let mut a = app();
    to_table(&mut a);
    let before = play(&a).session.table().game().log().len();
    enter(&mut a);
    assert_eq!(a.scope(), Scope::Message);
    ch(&mut a, 'n');
    assert_eq!(play(&a).session.table().game().log().len(), before);
    assert_eq!(a.scope(), Scope::Table);
    // After a move, Enter ends the turn at once.
    ch(&mut a, 'a');
    enter(&mut a);
    assert_ne!(a.scope(), Scope::Message);
}

/// The amend dialog opens on the draft's own wording: Enter changes nothing.
#[test]
fn the_amend_dialog_starts_on_the_current_wording() {
    let mut a = app();
    to_table(&mut a);
    let cur = play(&a).session.table().game().options()[0];
    ch(&mut a, 'm');
    match a.popups.last() {
        Some(backchannel::tui::app::Popup::Variants { sel, .. }) => assert_eq!(*sel, cur),
        other => panic!("{other:?}"),
    }
}

/// A vote is refused, in words, while the seat's own red line is crossed.
#[test]
fn no_vote_over_ones_own_red_line() {
    let mut a = app();
    to_table(&mut a);
    let (me, crossed) = {
        let p = play(&a);
        let me = p.human_to_move().expect("my move");
        (me, p.session.table().game().evaluation().crossed[me])
    };
    let before = play(&a).session.table().game().log().len();
    ch(&mut a, 'v');
    if crossed.is_some() {
        assert_eq!(a.scope(), Scope::Table);
        assert!(a.status.as_deref().unwrap_or("").contains("red line"));
        assert_eq!(play(&a).session.table().game().log().len(), before);
    } else {
        assert_eq!(a.scope(), Scope::Message, "a vote asks first ({me})");
    }
}

#[test]
fn the_facilitator_hides_others_acceptance_and_ai_reasons() {
    let mut a = app();
    tutorial_as(&mut a, "board");
    // Let the AI seats move so the ticker has their reasons.
    for _ in 0..200 {
        if !play(&a).session.step() {
            break;
        }
    }
    let reason = play(&a)
        .session
        .table()
        .narrations()
        .iter()
        .rev()
        .find_map(|n| n.reason.clone())
        .expect("an AI move with a reason");
    let probe: String = reason.chars().take(12).collect();
    let shown = |a: &backchannel::tui::app::App| format!("{}", draw(a, 200, 60).backend());
    let before = shown(&a);
    assert!(
        before.contains(&probe),
        "the reason {probe:?} is in the ticker"
    );
    // A row of another party: its public chance, then the estimate "R≈…".
    let estimates = |t: &str| t.matches("% R≈").count();
    assert!(estimates(&before) > 0, "others' acceptance rows are shown");
    let s = &play(&a).session;
    let mut info = s.info();
    info.others_acceptance = false;
    info.ai_reasons = false;
    s.set_info(info);
    let after = shown(&a);
    assert!(!after.contains(&probe), "the AI's reason is hidden");
    assert_eq!(estimates(&after), 0, "others' acceptance is hidden");
    // The facilitator with reveal on still sees it all.
    facilitator_menu(&mut a);
    facilitator_item(&mut a, "Show every bottom line");
    press(&mut a, KeyCode::Esc);
    assert!(shown(&a).contains(&probe));
}

#[test]
fn a_facilitated_table_keeps_its_pin_when_resumed() {
    use backchannel::table::SeatPolicy;
    use backchannel::tui::session::Session;
    let dir = std::env::temp_dir().join(format!("backchannel-pin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("table.ron");
    let model = std::sync::Arc::new(backchannel::scenario::open("tutorial").expect("tutorial"));
    let seats = vec![SeatPolicy::Human; model.parties.len()];
    let mut session = Session::new(model, "tutorial", 7, seats).expect("seats");
    session.save_path = Some(path.clone());
    let mut a = app();
    a.settings.autosave = true;
    a.start(session);
    // `play --facilitator`: the PIN is chosen at the start, typed masked.
    a.ask_pin();
    assert_eq!(a.scope(), Scope::Pin);
    for c in "2468".chars() {
        ch(&mut a, c);
    }
    let screen = format!("{}", draw(&a, 80, 24).backend());
    assert!(!screen.contains("2468"), "the PIN is masked: {screen}");
    let fx = a.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
    assert_eq!(a.scope(), Scope::Facilitator);
    // Choosing it saves the table at once, with the PIN's hash only.
    let mut written = false;
    for e in fx {
        if let Effect::Save(p, s) = e {
            s.write(&p).expect("write save");
            written = true;
        }
    }
    assert!(written, "choosing the PIN saves the table");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("2468"), "the PIN is not in the save: {text}");
    assert!(text.contains("facilitator: Some(\"sha256:"), "{text}");

    // `backchannel resume FILE`: the facilitator menu still needs the PIN.
    let mut b = app();
    b.start(resume_session(&path).expect("resume"));
    for _ in 0..20 {
        if !matches!(
            b.scope(),
            Scope::Handover | Scope::Briefing | Scope::Card | Scope::Summary
        ) {
            break;
        }
        enter(&mut b);
    }
    assert_eq!(b.scope(), Scope::Table);
    ch(&mut b, 'F');
    assert_eq!(b.scope(), Scope::Pin, "{:?}", b.status);
    for c in "1357".chars() {
        ch(&mut b, c);
    }
    enter(&mut b);
    assert_ne!(b.scope(), Scope::Facilitator, "a wrong PIN opens nothing");
    assert!(b.status.as_deref().unwrap_or("").contains("wrong PIN"));
    ch(&mut b, 'F');
    for c in "2468".chars() {
        ch(&mut b, c);
    }
    let screen = format!("{}", draw(&b, 160, 48).backend());
    assert!(!screen.contains("2468"), "the PIN is masked: {screen}");
    enter(&mut b);
    assert_eq!(b.scope(), Scope::Facilitator, "{:?}", b.status);
    // Its hash goes on into the next save of the resumed table.
    assert!(play(&b).session.save("now").facilitator.is_some());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_pin_hash_is_salted_and_checks_only_its_pin() {
    use backchannel::save::{pin_hash, pin_matches};
    let (a, b) = (pin_hash("4711"), pin_hash("4711"));
    assert_ne!(a, b, "each hash has its own salt");
    assert!(a.starts_with("sha256:") && !a.contains("4711"));
    assert!(pin_matches(&a, "4711") && pin_matches(&b, "4711"));
    assert!(!pin_matches(&a, "4712") && !pin_matches(&a, ""));
    assert!(
        !pin_matches("4711", "4711"),
        "a PIN in the clear is no hash"
    );
    assert!(!pin_matches("sha256:zz:00", "4711"));
}

#[test]
fn ending_a_turn_without_a_move_asks_and_the_footer_says_y_or_n() {
    let mut a = app();
    tutorial_as(&mut a, "mill");
    let before = play(&a).session.table().game().log().len();
    enter(&mut a);
    assert_eq!(a.scope(), Scope::Message, "an empty turn asks first");
    let text = format!("{}", draw(&a, 80, 24).backend());
    assert!(text.contains("End your turn without a move?"), "{text}");
    assert!(text.contains("y yes") && text.contains("n no"), "{text}");
    assert!(!text.contains("Enter close"), "{text}");
    ch(&mut a, 'n');
    assert_eq!(a.scope(), Scope::Table, "n keeps the turn");
    assert_eq!(play(&a).session.table().game().log().len(), before);
}
