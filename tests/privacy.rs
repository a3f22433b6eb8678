//! Privacy by construction: every screen and pop-up, rendered for every
//! viewer at random points of random games, shows no other party's private
//! data. The scenario (tests/fixtures/sentinels.ron) gives every brief and
//! goal a value found nowhere else, so a leak is a string match. Each party's
//! true bottom line (drawn per game, then moved) is a number: a leak of it is
//! a number on screen equal to it as the screens print numbers (one or two
//! decimals) that nothing the viewer may know explains (see [`explained`]).
//! The scenario's prior means are public under rules v2 (the table's belief
//! starts there), so they are no secret.

mod tui_support;

use backchannel::engine::{Action, Changes, Game};
use backchannel::scenario::{Model, load_file};
use backchannel::table::{SeatPolicy, Viewer};
use backchannel::tui::app::{App, Pane, Screen};
use backchannel::tui::keys::Command;
use backchannel::tui::session::Session;
use proptest::prelude::*;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use tui_support::*;

fn model() -> Arc<Model> {
    Arc::new(load_file(Path::new("tests/fixtures/sentinels.ron")).expect("the sentinel scenario"))
}

/// Party `p`'s private strings.
fn secrets(m: &Model, p: usize) -> Vec<String> {
    let def = &m.scenario.parties[p];
    let mut out = vec![def.brief.clone()];
    out.extend(def.goals.iter().cloned());
    out
}

/// Party `p`'s true bottom lines (drawn, and in force) as the screens print
/// numbers, while the talks go on (the debrief shows them all).
fn secret_numbers(g: &Game, p: usize) -> Vec<String> {
    if g.ending().is_some() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for v in [g.drawn()[p], g.reservation()[p]] {
        out.push(format!("{v:.1}"));
        out.push(format!("{v:.2}"));
    }
    out
}

/// The unsigned decimal numbers on a screen: runs of digits and points, with
/// an ASCII minus kept. Deltas (printed with '+' or '−' by `signed`) and
/// percentages are not bottom lines and are left out.
fn numbers(text: &str) -> BTreeSet<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = BTreeSet::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit()
            && (i == 0 || !(chars[i - 1].is_ascii_digit() || chars[i - 1] == '.'))
        {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let tok: String = chars[start..i].iter().collect::<String>();
            let tok = tok.trim_end_matches('.').to_string();
            let prev = if start > 0 { chars[start - 1] } else { ' ' };
            let next = chars.get(i).copied().unwrap_or(' ');
            if prev == '+' || prev == '−' || next == '%' || !tok.contains('.') {
                continue;
            }
            out.insert(if prev == '-' { format!("-{tok}") } else { tok });
        } else {
            i += 1;
        }
    }
    out
}

/// Numbers a viewer may see for reasons of its own: every party's utility
/// (public tables), public chance to sign and every metric, of the draft and of each what-if the
/// screens preview (a wording, a proposal, a tabled package); the public
/// beliefs; the viewer's own bottom lines; and what the public screen shows.
fn explained(g: &Game, viewer: Viewer, public: &BTreeSet<String>) -> BTreeSet<String> {
    let m = g.model();
    let mut evals = vec![g.evaluation().clone()];
    evals.extend(g.history().iter().map(|(_, e)| e.clone()));
    for c in 0..m.clauses.len() {
        for o in 0..m.clauses[c].options.len() {
            evals.push(g.what_if(c, o));
        }
    }
    let mut sets: Vec<Vec<(usize, usize)>> = g
        .proposals()
        .iter()
        .map(|p| p.changes.iter().collect())
        .collect();
    for p in 0..m.parties.len() {
        if let Some(pkg) = g.package(p) {
            sets.push(pkg.iter().collect());
        }
    }
    // The draft package every screen of this test builds (see `frames`).
    sets.push(vec![(0, 1)]);
    for s in &sets {
        evals.push(g.what_if_changes(s));
    }
    let mut vals: Vec<f64> = Vec::new();
    for e in &evals {
        vals.extend(e.utility.iter().copied());
        vals.extend(e.metrics.iter().copied());
        // Public chances, as fractions (a "why" prints them so) and in %.
        vals.extend(e.acceptance.iter().copied());
        vals.extend([e.likelihood, 100.0 * e.likelihood]);
    }
    for b in g.belief() {
        vals.extend([b.mean, b.spread, b.lo, b.hi, b.median()]);
    }
    for p in 0..m.parties.len() {
        if viewer.may_see(p) {
            vals.extend([g.drawn()[p], g.reservation()[p]]);
        }
    }
    let mut out = public.clone();
    for v in vals.into_iter().filter(|v| v.is_finite()) {
        // With and without its sign: a narrow column may print the minus
        // apart from the digits (`R≈-2.4` read as `2.4`).
        for v in [v, v.abs()] {
            out.insert(format!("{v:.1}"));
            out.insert(format!("{v:.2}"));
        }
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
        // A package in the making on this screen's seat.
        if let Some(v) = p.viewer_party() {
            p.packages[v] = vec![(0, 1)];
        }
    }
    // The advisor: asked once (the search runs on a thread), then read.
    a.command(Command::Advise, &mut fx);
    a.popups.clear();
    for _ in 0..500 {
        let busy = match &a.screen {
            Screen::Game(p) => p.session.advisor_busy(),
            _ => false,
        };
        if !busy {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    for c in [
        Command::Why,
        Command::Amend,
        Command::Diplomacy,
        Command::Map,
        Command::Package,
        Command::Condition,
        Command::Advise,
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

/// Check one screen; returns the numbers it showed (the projector's serve
/// the others as public).
fn check(
    session: &Session,
    who: Who,
    public: &BTreeSet<String>,
) -> Result<BTreeSet<String>, TestCaseError> {
    let (m, g, reasons) = {
        let t = session.table();
        // The seats' reasons in the ticker are built from public numbers
        // (utility tables, public chances): a number in them is no leak.
        let reasons: String = t
            .narrations()
            .iter()
            .filter_map(|n| n.reason.clone())
            .collect::<Vec<_>>()
            .join(" ");
        (Arc::clone(t.model()), t.game().clone(), reasons)
    };
    let mut a = screen_for(session, who);
    let viewer = match &a.screen {
        Screen::Game(p) => p.viewer(),
        _ => unreachable!(),
    };
    let text = frames(&mut a).join("\n");
    let shown = numbers(&text);
    let mut known = explained(&g, viewer, public);
    known.extend(numbers(&reasons));
    for p in 0..m.parties.len() {
        if viewer.may_see(p) {
            continue;
        }
        for s in secrets(&m, p) {
            prop_assert!(
                !text.contains(&s),
                "{who:?} ({viewer:?}) sees '{s}' of {} in round {}",
                m.scenario.parties[p].id,
                g.round()
            );
        }
        for s in secret_numbers(&g, p) {
            prop_assert!(
                !shown.contains(&s) || known.contains(&s),
                "{who:?} ({viewer:?}) sees {} 's true bottom line {s} in round {} ({:?}):\n{text}",
                m.scenario.parties[p].id,
                g.round(),
                g.phase()
            );
        }
    }
    Ok(shown)
}

/// Every screen of one table: the projector's first (its numbers are public).
fn check_all(session: &Session, seats: bool) -> Result<(), TestCaseError> {
    let public = check(session, Who::Projector, &BTreeSet::new())?;
    if seats {
        for p in 0..session.model().parties.len() {
            check(session, Who::Seat(p), &public)?;
        }
    }
    check(session, Who::Keyboard, &public)?;
    Ok(())
}

proptest! {
    // A fixed seed: the number search excuses coincidences it can explain
    // (docs above), and a run must not fail on a coincidence it cannot.
    // Cases found failing stay in privacy.proptest-regressions.
    #![proptest_config(ProptestConfig {
        cases: 48,
        rng_seed: proptest::test_runner::RngSeed::Fixed(20_261_201),
        ..ProptestConfig::default()
    })]
    #[test]
    fn no_screen_shows_another_partys_private_data(seed in 0u64..1000, moves in 0usize..60) {
        let m = model();
        let seats = vec![SeatPolicy::Human; m.parties.len()];
        let session = Session::new(Arc::clone(&m), "sentinels", seed, seats).expect("seats");
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        for _ in 0..moves {
            let (legal, mover, pen) = {
                let t = session.table();
                let g = t.game();
                (g.legal_actions(), g.to_move(), g.phase().clone())
            };
            if legal.is_empty() {
                break;
            }
            // Now and then a package (so revisions have some to show).
            if let (Some(party), backchannel::engine::Phase::Turns) = (mover, &pen)
                && rng.random_range(0..4) == 0
            {
                let nc = m.clauses.len();
                let a = rng.random_range(0..nc);
                let b = (a + 1 + rng.random_range(0..nc - 1)) % nc;
                let pick = |c: usize, r: &mut ChaCha8Rng| r.random_range(0..m.clauses[c].options.len());
                let (oa, ob) = (pick(a, &mut rng), pick(b, &mut rng));
                if let Some(package) = Changes::new(&[(a, oa), (b, ob)]) {
                    let act = Action::Table { party, package };
                    if session.table().game().check(&act).is_ok() {
                        session.apply(act, None).expect("a legal package");
                        continue;
                    }
                }
            }
            let a = legal[rng.random_range(0..legal.len())];
            session.apply(a, None).expect("a legal move");
        }
        check_all(&session, true)?;
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
        check_all(&session, false)?;
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
