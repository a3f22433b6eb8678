//! The class one `serve` process holds: its tables, the join codes, the
//! class folder (a save per table and `class.json`), who is connected, the
//! facilitator's settings. Every screen and the AI driver share one `Class`.

use crate::core::model::InfoSettings;
use crate::engine::{Action, Phase};
use crate::scenario::Model;
use crate::table::SeatPolicy;
use crate::tui::session::Session;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{Notify, watch};

/// Who a join code lets in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A party's seat at a table (both 0-based).
    Seat { table: usize, party: usize },
    /// The public view of one table, or of each table in turn (None).
    Projector(Option<usize>),
    /// The console over every table.
    Facilitator,
}

/// The class file (`class.json` in the class folder): what `--resume`
/// needs beyond the tables' saves.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClassFile {
    pub version: u32,
    /// The scenario as given (bundled id or path).
    pub source: String,
    pub seed: u64,
    pub facilitator: String,
    pub projector: String,
    pub tables: Vec<TableFile>,
    #[serde(default)]
    pub turn_timer_secs: Option<u64>,
    #[serde(default)]
    pub round_timer_secs: Option<u64>,
}

/// One table in the class file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableFile {
    /// The save's file name in the class folder.
    pub save: String,
    pub projector: String,
    /// (party id, join code) for every seat people may take.
    pub seats: Vec<(String, String)>,
    pub info: InfoSettings,
    /// The AI plays the seats nobody is connected to.
    #[serde(default)]
    pub fill_ai: bool,
    /// The facilitator paused the AI seats.
    #[serde(default)]
    pub paused: bool,
}

const CLASS_FILE: &str = "class.json";
const CLASS_VERSION: u32 = 1;

/// When a table's current turn and round began (for the timers).
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    key: (usize, u32, Option<usize>),
    pub turn_since: Instant,
    round: u32,
    pub round_since: Instant,
}

/// One served table.
pub struct Served {
    pub session: Session,
    pub save: PathBuf,
    /// Per party: its join code (None: an `--ai` seat nobody can take).
    pub codes: Vec<Option<String>>,
    pub projector: String,
    /// Per party: connected screens.
    online: Vec<AtomicUsize>,
    /// Bumped on every change at this table (screens redraw on it).
    pub changed: watch::Sender<u64>,
    pub fill_ai: AtomicBool,
    pub clock: Mutex<Clock>,
    /// Per party: the screen of a seat whose connection closed (its cursor,
    /// brief read, cards seen, package), taken up again on reconnecting.
    pub parked: Vec<Mutex<Option<Box<crate::tui::app::App>>>>,
}

impl Served {
    /// How many screens are connected to a party's seat.
    pub fn online(&self, party: usize) -> usize {
        self.online
            .get(party)
            .map_or(0, |c| c.load(Ordering::Relaxed))
    }
}

/// The turn and round timers (None: off).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timers {
    pub turn: Option<Duration>,
    pub round: Option<Duration>,
}

/// The whole class.
pub struct Class {
    pub dir: PathBuf,
    pub source: String,
    pub seed: u64,
    pub model: Arc<Model>,
    pub tables: Vec<Served>,
    pub facilitator: String,
    pub projector: String,
    pub timers: Mutex<Timers>,
    /// Bumped on every change anywhere (the console and rotating projectors).
    pub any: watch::Sender<u64>,
    /// Wakes the AI driver (a move, a pause lifted, a seat handed over).
    pub wake: Notify,
    pub started: Instant,
}

/// `count` random join codes of `len` characters, all different and none in `taken`.
pub fn join_codes(count: usize, len: usize, taken: &[String]) -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut codes: Vec<String> = Vec::new();
    while codes.len() < count {
        let code: String = (0..len)
            .map(|_| ALPHABET[rand::random::<u32>() as usize % ALPHABET.len()] as char)
            .collect();
        if !codes.contains(&code) && !taken.contains(&code) {
            codes.push(code);
        }
    }
    codes
}

fn now_clock(t: &crate::table::Table) -> Clock {
    let g = t.game();
    let now = Instant::now();
    Clock {
        key: (g.round() as usize, g.round(), g.to_move()),
        turn_since: now,
        round: g.round(),
        round_since: now,
    }
}

fn served(
    session: Session,
    save: PathBuf,
    codes: Vec<Option<String>>,
    projector: String,
    fill_ai: bool,
) -> Served {
    let np = codes.len();
    let clock = now_clock(&session.table());
    Served {
        session,
        save,
        codes,
        projector,
        online: (0..np).map(|_| AtomicUsize::new(0)).collect(),
        changed: watch::channel(0).0,
        fill_ai: AtomicBool::new(fill_ai),
        clock: Mutex::new(clock),
        parked: (0..np).map(|_| Mutex::new(None)).collect(),
    }
}

/// How a new class is made.
pub struct NewClass {
    pub model: Arc<Model>,
    pub source: String,
    pub seed: u64,
    pub tables: usize,
    /// Parties the AI plays at every table (no join code).
    pub ai: Vec<usize>,
    pub dir: PathBuf,
    pub timers: Timers,
}

impl Class {
    /// A new class: `tables` tables of one scenario and seed, a code per seat.
    pub fn create(n: NewClass) -> Result<Class, String> {
        let np = n.model.parties.len();
        let humans: Vec<usize> = (0..np).filter(|p| !n.ai.contains(p)).collect();
        let mut taken: Vec<String> = Vec::new();
        let mut take = |count: usize, len: usize| {
            let c = join_codes(count, len, &taken);
            taken.extend(c.iter().cloned());
            c
        };
        let facilitator = take(1, 8).remove(0);
        let projector = take(1, 4).remove(0);
        let now = crate::tui::run::now_rfc3339();
        let mut tables = Vec::new();
        for i in 0..n.tables {
            let seats: Vec<SeatPolicy> = (0..np)
                .map(|p| {
                    if humans.contains(&p) {
                        SeatPolicy::Human
                    } else {
                        SeatPolicy::default_ai(&n.model, p)
                    }
                })
                .collect();
            let mut session = Session::new(Arc::clone(&n.model), &n.source, n.seed, seats)?;
            session.started = now.clone();
            let words = take(humans.len() + 1, 4);
            let codes = (0..np)
                .map(|p| {
                    humans
                        .iter()
                        .position(|&h| h == p)
                        .map(|k| words[k].clone())
                })
                .collect();
            let save = n.dir.join(format!("table-{}.ron", i + 1));
            tables.push(served(
                session,
                save,
                codes,
                words[humans.len()].clone(),
                false,
            ));
        }
        let class = Class::of(
            n.dir,
            n.source,
            n.seed,
            n.model,
            tables,
            facilitator,
            projector,
        );
        *class.timers.lock().unwrap_or_else(|e| e.into_inner()) = n.timers;
        Ok(class)
    }

    fn of(
        dir: PathBuf,
        source: String,
        seed: u64,
        model: Arc<Model>,
        tables: Vec<Served>,
        facilitator: String,
        projector: String,
    ) -> Class {
        Class {
            dir,
            source,
            seed,
            model,
            tables,
            facilitator,
            projector,
            timers: Mutex::new(Timers::default()),
            any: watch::channel(0).0,
            wake: Notify::new(),
            started: Instant::now(),
        }
    }

    /// A class brought back from its folder (`serve --resume DIR`): the
    /// same tables, codes and settings, every game where its save left it.
    pub fn resume(dir: &Path) -> Result<Class, String> {
        let file = dir.join(CLASS_FILE);
        let text = std::fs::read_to_string(&file).map_err(|e| {
            format!(
                "{}: {e} (is this a class folder written by `backchannel serve`?)",
                file.display()
            )
        })?;
        let cf: ClassFile = serde_json::from_str(&text).map_err(|e| {
            format!(
                "{}: not a class file: {}",
                file.display(),
                crate::text::clean_line(&e.to_string())
            )
        })?;
        if cf.version != CLASS_VERSION {
            return Err(format!(
                "{}: class file version {}; this backchannel reads version {CLASS_VERSION}",
                file.display(),
                cf.version
            ));
        }
        if cf.tables.is_empty() {
            return Err(format!("{}: no tables", file.display()));
        }
        let mut tables = Vec::new();
        let mut model = None;
        for (i, tf) in cf.tables.iter().enumerate() {
            let name = Path::new(&tf.save);
            if name.components().count() != 1 {
                return Err(format!(
                    "{}: tables[{i}].save must be a file name in the class folder",
                    file.display()
                ));
            }
            let path = dir.join(name);
            let session = crate::tui::app::resume_session(&path)?;
            session.set_info(tf.info);
            session.table().set_paused(tf.paused);
            let m = Arc::clone(session.model());
            let mut codes = vec![None; m.parties.len()];
            for (party, code) in &tf.seats {
                let p = m.party_index(party).ok_or_else(|| {
                    format!(
                        "{}: tables[{i}]: no party '{}' in the scenario",
                        file.display(),
                        crate::text::clean_line(party)
                    )
                })?;
                codes[p] = Some(code.clone());
            }
            if model.is_none() {
                model = Some(Arc::clone(&m));
            }
            let fill = tf.fill_ai;
            tables.push(served(session, path, codes, tf.projector.clone(), fill));
        }
        let model = model.ok_or("no tables")?;
        let class = Class::of(
            dir.to_path_buf(),
            cf.source,
            cf.seed,
            model,
            tables,
            cf.facilitator,
            cf.projector,
        );
        *class.timers.lock().unwrap_or_else(|e| e.into_inner()) = Timers {
            turn: cf.turn_timer_secs.map(Duration::from_secs),
            round: cf.round_timer_secs.map(Duration::from_secs),
        };
        // Nobody is connected yet: seats the AI kept warm stay the AI's.
        Ok(class)
    }

    /// Who a join code lets in (None: refused; nothing says which exist).
    pub fn role(&self, code: &str) -> Option<Role> {
        if code == self.facilitator {
            return Some(Role::Facilitator);
        }
        if code == self.projector {
            return Some(Role::Projector(None));
        }
        for (t, s) in self.tables.iter().enumerate() {
            if s.projector == code {
                return Some(Role::Projector(Some(t)));
            }
            if let Some(p) = s.codes.iter().position(|c| c.as_deref() == Some(code)) {
                return Some(Role::Seat { table: t, party: p });
            }
        }
        None
    }

    /// Every code with who it is for, in print order.
    pub fn code_lines(&self, port: u16) -> Vec<String> {
        let ssh = |c: &str| format!("ssh -p {port} {c}@HOST");
        let mut out = vec![
            format!("facilitator: {}", ssh(&self.facilitator)),
            format!("projector (every table in turn): {}", ssh(&self.projector)),
        ];
        for (t, s) in self.tables.iter().enumerate() {
            out.push(format!("table {} projector: {}", t + 1, ssh(&s.projector)));
            for (p, c) in s.codes.iter().enumerate() {
                if let Some(c) = c {
                    let id = &self.model.scenario.parties[p].id;
                    out.push(format!("table {} {id}: {}", t + 1, ssh(c)));
                }
            }
        }
        out
    }

    /// Something changed at table `t`: redraw its screens and the console,
    /// wake the AI driver. (The saver writes the table's save.)
    pub fn moved(&self, t: usize) {
        if let Some(s) = self.tables.get(t) {
            s.changed.send_modify(|v| *v += 1);
        }
        self.any.send_modify(|v| *v += 1);
        self.wake.notify_one();
    }

    /// A screen connected to (or left) a seat: counted, and with the AI
    /// keeping empty seats warm, the seat goes to the person (or back).
    pub fn connect(&self, role: Role, on: bool) {
        if let Role::Seat { table, party } = role
            && let Some(s) = self.tables.get(table)
            && let Some(c) = s.online.get(party)
        {
            if on {
                c.fetch_add(1, Ordering::Relaxed);
            } else {
                c.fetch_sub(1, Ordering::Relaxed);
            }
            self.hand_over(table);
        }
        self.any.send_modify(|v| *v += 1);
    }

    /// Give every coded seat of table `t` to a person or the AI: the AI
    /// when it keeps empty seats warm and nobody is connected, else a person.
    fn hand_over(&self, t: usize) {
        let Some(s) = self.tables.get(t) else {
            return;
        };
        let fill = s.fill_ai.load(Ordering::Relaxed);
        let mut changed = false;
        {
            let mut table = s.session.table();
            for (p, code) in s.codes.iter().enumerate() {
                if code.is_none() {
                    continue;
                }
                let policy = if fill && s.online(p) == 0 {
                    SeatPolicy::default_ai(&self.model, p)
                } else {
                    SeatPolicy::Human
                };
                if table.policies()[p] != policy && table.set_seat(p, policy).is_ok() {
                    changed = true;
                }
            }
        }
        if changed {
            self.moved(t);
        }
    }

    /// Whether the AI plays the empty seats of table `t`.
    pub fn set_fill_ai(&self, t: usize, on: bool) {
        if let Some(s) = self.tables.get(t) {
            s.fill_ai.store(on, Ordering::Relaxed);
            self.hand_over(t);
            self.moved(t);
        }
    }

    /// Write table `t`'s save (atomically).
    pub fn save_table(&self, t: usize) -> Result<(), String> {
        let Some(s) = self.tables.get(t) else {
            return Ok(());
        };
        let mut save = s.session.save(&crate::tui::run::now_rfc3339());
        save.source = crate::save::absolute_source(&save.source);
        save.write(&s.save)
            .map_err(|e| format!("cannot save {}: {e}", s.save.display()))
    }

    /// Write every table's save and the class file; the first error, if any.
    pub fn save_all(&self) -> Result<(), String> {
        let mut first = self.write_class_file().err();
        for t in 0..self.tables.len() {
            if let Err(e) = self.save_table(t) {
                first.get_or_insert(e);
            }
        }
        first.map_or(Ok(()), Err)
    }

    /// Write `class.json` (codes, settings, timers) atomically.
    pub fn write_class_file(&self) -> Result<(), String> {
        let timers = *self.timers.lock().unwrap_or_else(|e| e.into_inner());
        let cf = ClassFile {
            version: CLASS_VERSION,
            source: crate::save::absolute_source(&self.source),
            seed: self.seed,
            facilitator: self.facilitator.clone(),
            projector: self.projector.clone(),
            tables: self
                .tables
                .iter()
                .map(|s| TableFile {
                    save: s
                        .save
                        .file_name()
                        .map(|f| f.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    projector: s.projector.clone(),
                    seats: s
                        .codes
                        .iter()
                        .enumerate()
                        .filter_map(|(p, c)| {
                            let id = self.model.scenario.parties[p].id.clone();
                            c.clone().map(|c| (id, c))
                        })
                        .collect(),
                    info: s.session.info(),
                    fill_ai: s.fill_ai.load(Ordering::Relaxed),
                    paused: s.session.table().paused(),
                })
                .collect(),
            turn_timer_secs: timers.turn.map(|d| d.as_secs()),
            round_timer_secs: timers.round.map(|d| d.as_secs()),
        };
        let text = serde_json::to_string_pretty(&cf).map_err(|e| e.to_string())?;
        let path = self.dir.join(CLASS_FILE);
        crate::save::write_atomic(&path, text.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))
    }

    /// What other screens at table `t` must follow: the moves in its log,
    /// whether it is paused, what the seats may see.
    pub fn signature(&self, t: usize) -> (usize, bool, InfoSettings) {
        self.tables
            .get(t)
            .map_or((0, false, InfoSettings::ALL), |s| {
                let info = s.session.info();
                let table = s.session.table();
                (table.game().log().len(), table.paused(), info)
            })
    }

    /// The moves the log holds at table `t`.
    pub fn log_len(&self, t: usize) -> usize {
        self.tables
            .get(t)
            .map_or(0, |s| s.session.table().game().log().len())
    }

    /// Enforce the turn and round timers at every table: a human seat whose
    /// time ran out has its turn ended. Returns the next time a timer can
    /// run out (the AI driver sleeps until then), and the tables moved.
    pub fn enforce_timers(&self, now: Instant) -> (Option<Instant>, Vec<usize>) {
        let timers = *self.timers.lock().unwrap_or_else(|e| e.into_inner());
        let mut next: Option<Instant> = None;
        let mut moved = Vec::new();
        for (t, s) in self.tables.iter().enumerate() {
            let mut table = s.session.table();
            let mut clock = s.clock.lock().unwrap_or_else(|e| e.into_inner());
            let g = table.game();
            let key = (g.log().len(), g.round(), g.to_move());
            // A new turn (a different seat to move, or a new round).
            if (key.1, key.2) != (clock.key.1, clock.key.2) {
                clock.turn_since = now;
            }
            if g.round() != clock.round {
                clock.round = g.round();
                clock.round_since = now;
            }
            clock.key = key;
            let Some(p) = g.to_move() else {
                continue;
            };
            if !table.is_human(p) || table.paused() || !matches!(g.phase(), Phase::Turns) {
                continue;
            }
            let ends = [
                timers.turn.map(|d| clock.turn_since + d),
                timers.round.map(|d| clock.round_since + d),
            ];
            for end in ends.into_iter().flatten() {
                if end <= now {
                    if table.apply(Action::EndTurn { party: p }, None).is_ok() {
                        moved.push(t);
                    }
                    break;
                }
                next = Some(next.map_or(end, |n: Instant| n.min(end)));
            }
        }
        (next, moved)
    }

    /// Start every table's turn and round clocks again (a timer was set:
    /// it counts from now, not from when the turn began).
    pub fn restart_clocks(&self) {
        let now = Instant::now();
        for s in &self.tables {
            let mut c = s.clock.lock().unwrap_or_else(|e| e.into_inner());
            c.turn_since = now;
            c.round_since = now;
        }
    }

    /// Time left on table `t`'s turn and round timers.
    pub fn time_left(&self, t: usize, now: Instant) -> (Option<Duration>, Option<Duration>) {
        let timers = *self.timers.lock().unwrap_or_else(|e| e.into_inner());
        let Some(s) = self.tables.get(t) else {
            return (None, None);
        };
        let clock = *s.clock.lock().unwrap_or_else(|e| e.into_inner());
        let left = |since: Instant, d: Duration| d.saturating_sub(now.duration_since(since));
        (
            timers.turn.map(|d| left(clock.turn_since, d)),
            timers.round.map(|d| left(clock.round_since, d)),
        )
    }
}

/// A class of two plan28 tables saving into `dir` (tests).
#[cfg(test)]
pub(crate) fn test_class(dir: &Path) -> Class {
    let model = Arc::new(crate::scenario::open("plan28").expect("plan28"));
    Class::create(NewClass {
        model,
        source: "plan28".into(),
        seed: 3,
        tables: 2,
        ai: vec![],
        dir: dir.to_path_buf(),
        timers: Timers::default(),
    })
    .expect("class")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(dir: &Path) -> Class {
        test_class(dir)
    }

    #[test]
    fn codes_differ_and_name_one_role_each() {
        let c = join_codes(200, 4, &[]);
        let mut sorted = c.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 200);
        let dir = std::env::temp_dir().join(format!("bc-class-{}", std::process::id()));
        let k = class(&dir);
        assert_eq!(k.role(&k.facilitator), Some(Role::Facilitator));
        assert_eq!(k.role(&k.projector), Some(Role::Projector(None)));
        let c = k.tables[1].codes[2].clone().expect("a code");
        assert_eq!(k.role(&c), Some(Role::Seat { table: 1, party: 2 }));
        assert_eq!(k.role("nope"), None);
        assert_eq!(k.code_lines(2222).len(), 2 + 2 * 5);
    }

    #[test]
    fn a_class_comes_back_from_its_folder() {
        let dir = std::env::temp_dir().join(format!("bc-class-resume-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let k = class(&dir);
        let p = k.tables[1]
            .session
            .table()
            .game()
            .to_move()
            .expect("a seat to move");
        k.tables[1]
            .session
            .apply(Action::EndTurn { party: p }, None)
            .expect("end turn");
        let mut info = k.tables[0].session.info();
        info.ai_reasons = false;
        k.tables[0].session.set_info(info);
        k.set_fill_ai(0, true);
        k.tables[1].session.table().set_paused(true);
        k.save_all().expect("saved");
        let back = Class::resume(&dir).expect("resumed");
        assert_eq!(back.facilitator, k.facilitator);
        assert_eq!(back.tables[1].codes, k.tables[1].codes);
        assert_eq!(back.log_len(1), 1);
        assert!(!back.tables[0].session.info().ai_reasons);
        assert!(back.tables[0].fill_ai.load(Ordering::Relaxed));
        assert!(back.tables[1].session.table().paused());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_turn_timer_ends_a_human_turn() {
        let dir = std::env::temp_dir().join(format!("bc-class-timer-{}", std::process::id()));
        let k = class(&dir);
        *k.timers.lock().expect("timers") = Timers {
            turn: Some(Duration::from_secs(60)),
            round: None,
        };
        let t0 = Instant::now();
        let (next, moved) = k.enforce_timers(t0);
        assert!(moved.is_empty());
        assert!(next.is_some_and(|n| n > t0));
        let before = k.tables[0].session.table().game().to_move();
        let (_, moved) = k.enforce_timers(t0 + Duration::from_secs(61));
        assert_eq!(moved, vec![0, 1]);
        assert_ne!(k.tables[0].session.table().game().to_move(), before);
    }

    #[test]
    fn the_ai_keeps_an_empty_seat_warm_and_hands_it_back() {
        let dir = std::env::temp_dir().join(format!("bc-class-fill-{}", std::process::id()));
        let k = class(&dir);
        k.connect(Role::Seat { table: 0, party: 1 }, true);
        k.set_fill_ai(0, true);
        let humans = k.tables[0].session.humans();
        assert_eq!(humans, vec![1], "only the connected seat stays human");
        k.connect(Role::Seat { table: 0, party: 2 }, true);
        assert_eq!(k.tables[0].session.humans(), vec![1, 2]);
        k.connect(Role::Seat { table: 0, party: 2 }, false);
        assert_eq!(k.tables[0].session.humans(), vec![1]);
        k.set_fill_ai(0, false);
        assert_eq!(k.tables[0].session.humans().len(), 4);
    }
}
