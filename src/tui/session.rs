//! One game at the table as the terminal UI holds it: a shared handle on the
//! [`Table`] (the game, its seats, the one turn driver and the narrated event
//! stream), where the scenario came from, and the save. Several screens may
//! hold clones of one session: each is an [`super::app::App`] for its own
//! viewer, and they all see the same table.

use crate::core::model::InfoSettings;
use crate::engine::{Action, ActionError};
use crate::save::Save;
use crate::scenario::Model;
use crate::table::{self, Kind, SeatPolicy, Step, Table};
use crate::table::{View, Viewer};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

/// Where the advisor's Nash package search stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Nash {
    NotAsked,
    Searching,
    Found(Option<Vec<usize>>, bool),
}

/// What a ticker line is about (for its mark and style).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TickKind {
    Round,
    Card,
    Move,
    Agreed,
    Revised,
    Vote,
    End,
}

impl TickKind {
    /// The ticker's kind of a narration (None: not shown in the ticker).
    pub fn of(kind: Kind) -> Option<TickKind> {
        Some(match kind {
            Kind::RoundStart | Kind::RoundEnd => TickKind::Round,
            Kind::Card | Kind::Deadline => TickKind::Card,
            Kind::Stance | Kind::Diplomacy | Kind::Forfeit | Kind::Note => TickKind::Move,
            Kind::Agreed => TickKind::Agreed,
            Kind::Revised | Kind::Revision | Kind::RevisionDone | Kind::Pen => TickKind::Revised,
            Kind::Signatories => TickKind::Card,
            Kind::Package => TickKind::Move,
            Kind::Delay => TickKind::Round,
            Kind::VoteCalled | Kind::Vote | Kind::VoteFailed | Kind::Dissent => TickKind::Vote,
            Kind::Ratification => TickKind::End,
            Kind::Ended => TickKind::End,
            Kind::TurnEnd => return None,
        })
    }
}

/// A game in progress, shared by every screen on it.
#[derive(Debug, Clone)]
pub struct Session {
    model: Arc<Model>,
    /// Where the scenario came from (bundled id or path), for saves.
    pub source: String,
    table: Arc<Mutex<Table>>,
    pub save_path: Option<PathBuf>,
    /// `save_path` is a proposed name, not yet a file of this game's.
    pub fresh_save: bool,
    pub started: String,
    /// The table's name (`play --name`), kept in the save for the debrief.
    pub name: String,
    /// The facilitator's PIN, salted and hashed ([`crate::save::pin_hash`]),
    /// kept in the save so `resume` asks for it again.
    pub facilitator: Option<String>,
    /// The Nash package for each set of bottom lines a seat reckons with,
    /// found on a background thread (the advisor's slow part), shared by
    /// clones of the session.
    nash: Arc<Mutex<HashMap<Vec<u64>, Nash>>>,
    /// What the seats at this table may see (the facilitator's switches,
    /// shared by every screen): the one place the screens ask.
    info: Arc<Mutex<InfoSettings>>,
    /// The end screen's benchmarks, worked out on a thread once the game ends.
    bench: Arc<Mutex<Bench>>,
}

/// Where the end screen's benchmarks stand.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Bench {
    #[default]
    NotAsked,
    Working,
    Done(crate::report::benchmarks::Benchmarks),
}

/// What the advisor may know for one viewer: the bottom lines it reckons
/// with (its own true one, the others' public estimates; every true one for
/// the facilitator with reveal on), read from the viewer's [`View`].
#[derive(Debug, Clone, PartialEq)]
pub struct AdviceInput {
    pub viewer: Viewer,
    pub bottom_lines: Vec<f64>,
    /// Per party: the bottom line is the true one (else the public estimate).
    pub known: Vec<bool>,
    pub draft: Vec<usize>,
    /// The public chance each party signs the draft.
    pub acceptance: Vec<f64>,
}

impl AdviceInput {
    pub fn of(v: &View) -> AdviceInput {
        let np = v.model().parties.len();
        AdviceInput {
            viewer: v.viewer(),
            bottom_lines: (0..np).map(|p| v.reckoned_bottom_line(p)).collect(),
            known: (0..np).map(|p| v.reservation(p).is_some()).collect(),
            draft: v.options().to_vec(),
            acceptance: v.evaluation().acceptance.to_vec(),
        }
    }
}

/// A new table for the terminal: every narration is kept (the ticker reads it).
fn options() -> table::Options {
    table::Options {
        record: true,
        ..table::Options::default()
    }
}

impl Session {
    pub fn new(
        model: Arc<Model>,
        source: &str,
        seed: u64,
        seats: Vec<SeatPolicy>,
    ) -> Result<Session, String> {
        let table =
            Table::new(Arc::clone(&model), seed, seats, options()).map_err(|e| e.to_string())?;
        Ok(Session::of(model, source, table))
    }

    fn of(model: Arc<Model>, source: &str, table: Table) -> Session {
        let info = model.rules.info;
        Session {
            model,
            source: source.into(),
            table: Arc::new(Mutex::new(table)),
            save_path: None,
            fresh_save: false,
            started: String::new(),
            name: String::new(),
            facilitator: None,
            nash: Arc::new(Mutex::new(HashMap::new())),
            info: Arc::new(Mutex::new(info)),
            bench: Arc::new(Mutex::new(Bench::NotAsked)),
        }
    }

    /// The end screen's benchmarks: the first call after the game ended
    /// starts the work on a thread; until it is done, `Working`.
    pub fn benchmarks(&self) -> Bench {
        let state = self.bench.lock().map(|b| b.clone()).unwrap_or_default();
        if state != Bench::NotAsked {
            return state;
        }
        let (lines, seed) = {
            let t = self.table();
            let Some(scores) = t.game().scores() else {
                return Bench::NotAsked;
            };
            let lines: Vec<f64> = scores.iter().map(|s| s.reservation).collect();
            (lines, t.game().seed())
        };
        if let Ok(mut b) = self.bench.lock() {
            *b = Bench::Working;
        }
        let model = Arc::clone(&self.model);
        let slot = Arc::clone(&self.bench);
        let spawned = std::thread::Builder::new()
            .name("benchmarks".into())
            .spawn(move || {
                let b = crate::report::benchmarks::compute(&model, &lines, seed);
                if let Ok(mut s) = slot.lock() {
                    *s = Bench::Done(b);
                }
            });
        if spawned.is_err()
            && let Ok(mut b) = self.bench.lock()
        {
            *b = Bench::NotAsked;
        }
        Bench::Working
    }

    /// The benchmarks as they stand (never starts the work).
    pub fn benchmarks_state(&self) -> Bench {
        self.bench.lock().map(|b| b.clone()).unwrap_or_default()
    }

    /// Whether the benchmarks are being worked out.
    pub fn bench_busy(&self) -> bool {
        self.bench.lock().is_ok_and(|b| *b == Bench::Working)
    }

    /// What the seats at this table may see (before the viewer is taken
    /// into account: screens ask [`super::app::Play::info`]).
    pub fn info(&self) -> InfoSettings {
        *self.info.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Change what the seats at this table may see, for every screen on it.
    pub fn set_info(&self, info: InfoSettings) {
        *self.info.lock().unwrap_or_else(|e| e.into_inner()) = info;
    }

    /// A session replayed from a log (resume, undo).
    pub fn replayed(
        model: Arc<Model>,
        source: &str,
        seed: u64,
        seats: Vec<SeatPolicy>,
        log: &[Action],
        reasons: &[Option<String>],
    ) -> Result<Session, String> {
        let table = Table::replay(Arc::clone(&model), seed, seats, options(), log, reasons)
            .map_err(|e| e.to_string())?;
        Ok(Session::of(model, source, table))
    }

    /// The whole scenario: for the app's logic (counts, ids), never for a
    /// screen, which reads the redacted model of its view.
    pub fn model(&self) -> &Arc<Model> {
        &self.model
    }

    /// The table (locked while the guard lives).
    pub fn table(&self) -> MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether two sessions are the same table.
    pub fn same_table(&self, other: &Session) -> bool {
        Arc::ptr_eq(&self.table, &other.table)
    }

    pub fn humans(&self) -> Vec<usize> {
        self.table().humans()
    }

    /// One human seat against AI: undo is allowed.
    pub fn solo(&self) -> bool {
        self.humans().len() == 1
    }

    /// Apply a move of a human seat or of the facilitator.
    pub fn apply(&self, action: Action, reason: Option<String>) -> Result<(), ActionError> {
        self.table().apply(action, reason)
    }

    /// Play the next move of an AI (or script or bot) seat, if one is due.
    pub fn step(&self) -> bool {
        let mut t = self.table();
        if !t.machine_due() {
            return false;
        }
        matches!(t.step(), Ok(Step::Moved))
    }

    /// Whether an AI seat is due to move.
    pub fn machine_due(&self) -> bool {
        self.table().machine_due()
    }

    /// Undo the last human move in solo play (and the AI moves after it).
    pub fn undo(&self) -> Result<(), String> {
        if !self.solo() {
            return Err(
                "undo works in solo play only (in hot-seat the facilitator undoes a move: F)"
                    .into(),
            );
        }
        self.undo_human()
    }

    /// Undo the last move of any human seat and the machine moves after it
    /// (the facilitator's undo in hot-seat play).
    pub fn undo_human(&self) -> Result<(), String> {
        let humans = self.humans();
        let mut t = self.table();
        let log = t.game().log();
        let Some(i) = log
            .iter()
            .rposition(|a| a.party().is_some_and(|p| humans.contains(&p)))
        else {
            return Err("no move of a human seat to undo".into());
        };
        let log = log[..i].to_vec();
        let reasons = t.reasons()[..i.min(t.reasons().len())].to_vec();
        let mut again = Table::replay(
            Arc::clone(&self.model),
            t.game().seed(),
            t.policies().to_vec(),
            options(),
            &log,
            &reasons,
        )
        .map_err(|e| format!("cannot replay: {e}"))?;
        again.set_paused(t.paused());
        *t = again;
        Ok(())
    }

    /// Whether the advisor is still searching for a Nash package.
    pub fn advisor_busy(&self) -> bool {
        self.nash
            .lock()
            .is_ok_and(|n| n.values().any(|x| *x == Nash::Searching))
    }

    /// The deal-space advisor on the current draft for one viewer, in lines
    /// of text. It reckons with what that viewer knows only ([`AdviceInput`]):
    /// a party counts as signing when its bottom line there is met, which for
    /// a public estimate means a public chance of at least one half. The
    /// first call for a set of bottom lines starts the search for its Nash
    /// package on a thread; until it is found, the lines say so.
    pub fn advice(&self, input: &AdviceInput) -> Vec<String> {
        use crate::analysis::advise::Advisor;
        let key: Vec<u64> = input.bottom_lines.iter().map(|r| r.to_bits()).collect();
        let mut model = (*self.model).clone();
        for (p, &r) in input.bottom_lines.iter().enumerate() {
            if let Some(pm) = model.parties.get_mut(p) {
                pm.reservation = r;
            }
        }
        let model = Arc::new(model);
        let state = self
            .nash
            .lock()
            .map(|n| n.get(&key).cloned().unwrap_or(Nash::NotAsked))
            .unwrap_or(Nash::Searching);
        let searching = || vec!["Searching the deal space for the Nash package…".into()];
        let (nash, exact) = match state {
            Nash::Found(n, e) => (n, e),
            Nash::Searching => return searching(),
            Nash::NotAsked => {
                if let Ok(mut n) = self.nash.lock() {
                    n.insert(key.clone(), Nash::Searching);
                }
                let m = Arc::clone(&model);
                let slot = Arc::clone(&self.nash);
                let k = key.clone();
                let spawned = std::thread::Builder::new()
                    .name("advisor".into())
                    .spawn(move || {
                        let a = Advisor::new(&m).advise(&m.initial_package().options);
                        let nash = a.nash_utility.as_ref().map(|_| {
                            let mut o = m.initial_package().options;
                            for ch in &a.nash_diff {
                                o[ch.clause] = ch.to;
                            }
                            o
                        });
                        if let Ok(mut n) = slot.lock() {
                            n.insert(k, Nash::Found(nash, a.exact));
                        }
                    });
                if spawned.is_err()
                    && let Ok(mut n) = self.nash.lock()
                {
                    n.remove(&key);
                }
                return searching();
            }
        };
        let m = &*model;
        let advice = Advisor::with_nash(m, nash, exact).advise(&input.draft);
        let change = |ch: &crate::analysis::advise::Change| {
            format!(
                "  point {}: '{}' → '{}'",
                m.scenario.clauses[ch.clause].number,
                m.option_label(ch.clause, ch.from),
                m.option_label(ch.clause, ch.to)
            )
        };
        let whose = match input.viewer {
            Viewer::Facilitator { reveal: true } => {
                "It uses every party's true bottom line (the facilitator's view).".to_string()
            }
            Viewer::Party(p) => format!(
                "It uses {}'s own bottom line and the public estimates of the others'.",
                m.party_short(p)
            ),
            _ => "It uses the public estimates of every party's bottom line.".to_string(),
        };
        let mut out = vec![
            "The model's reading of the draft as it stands (clause texts only: events and".into(),
            "diplomacy aside), a coach for this seat. ".to_string() + &whose,
            "A party counts as signing when the public chance it signs is at least 50%,".into(),
            "or, for a bottom line this screen knows, when the draft meets it.".into(),
            String::new(),
        ];
        let signs: Vec<String> = (0..m.parties.len())
            .map(|p| {
                let mark = if advice.signs.get(p) == Some(&true) {
                    "✓"
                } else {
                    "✗"
                };
                if input.known.get(p) == Some(&true) {
                    format!("{} {mark}", m.party_short(p))
                } else {
                    let a = input.acceptance.get(p).copied().unwrap_or(0.0);
                    format!("{} {mark} (public {:.0}%)", m.party_short(p), 100.0 * a)
                }
            })
            .collect();
        out.push(format!("Would sign now: {}", signs.join("  ")));
        out.push(if advice.in_zopa {
            "The draft is in the ZOPA: every party would sign it.".into()
        } else {
            match advice.distance_to_zopa {
                Some(d) => format!("Fewest clause changes into the ZOPA: {d}"),
                None => "No package every party would sign was found (empty ZOPA or search budget spent).".into(),
            }
        });
        out.extend(advice.nearest_zopa_changes.iter().map(change));
        out.push(String::new());
        match &advice.nash_utility {
            Some(_) if advice.nash_diff.is_empty() => {
                out.push("The draft is the Nash bargaining package.".into())
            }
            Some(_) => {
                out.push(format!(
                    "The Nash bargaining package differs on {} clause(s):",
                    advice.nash_diff.len()
                ));
                out.extend(advice.nash_diff.iter().map(change));
            }
            None => out.push("No Nash package: no package beats every party's bottom line.".into()),
        }
        if !advice.exact {
            out.push(String::new());
            out.push("(approximate: the search stopped at its budget)".into());
        }
        out
    }

    /// The save of this game as it stands.
    pub fn save(&self, now: &str) -> Save {
        let t = self.table();
        let seats = (0..self.model.parties.len())
            .map(|p| {
                (
                    self.model.scenario.parties[p].id.clone(),
                    t.policies()[p].to_string(),
                )
            })
            .collect();
        let mut save = Save::of(t.game(), &self.source, seats);
        save.reasons = t.reasons().to_vec();
        save.started = self.started.clone();
        save.name = self.name.clone();
        save.facilitator = self.facilitator.clone();
        save.saved = now.into();
        save
    }
}
