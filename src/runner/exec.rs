//! Outside programs at the table, agent protocol v2 (docs/AGENT_PROTOCOL.md):
//! one JSON object per line each way. Every request has an id that its
//! answer echoes (other lines are discarded, with a note), and a deadline
//! that bounds both its write and the wait for its answer; lines read are
//! bounded in length, and the bot runs in a process group of its own that is
//! killed whole when it is done with. A bot that hangs, floods or stops
//! reading forfeits; the run goes on. One bot may play many games (a sweep's
//! long-lived bots): `hello` once, then `new_game` … `end` per game.

mod messages;
mod pipe;
mod process;

use crate::ai::{Decision, Reason};
use crate::engine::{Action, Game, NamedAction, Selection};
use crate::table::Narration;
use pipe::{Incoming, Pipe, Stalled};
use process::Group;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

pub use messages::{PROTOCOL, condition};
pub use pipe::MAX_LINE;
pub use process::{signalled, stop_all};

/// Longest `reason` kept from a bot, in characters (the rest is cut).
pub const MAX_REASON: usize = 500;

/// How long a bot that closed its output has to exit before it is killed.
const EXIT_GRACE: Duration = Duration::from_millis(500);

/// How long a bot has to exit on its own after `end` before it is killed.
const FINISH_GRACE: Duration = Duration::from_millis(200);

/// A running bot that plays one seat, for one game or (long-lived, in a
/// sweep) for many: `hello` once per process, then `new_game` … `end` per game.
pub struct Bot {
    party: usize,
    name: String,
    command: String,
    link: Option<Link>,
    timeout: Duration,
    /// How much of the table's narration the bot has been sent.
    seen: usize,
    /// Why the bot no longer plays (it then forfeits every turn).
    gone: Option<String>,
    /// The forfeit for `gone` is in the transcript: later turns say so.
    told: bool,
    /// The id of the next request (unique for the process's life).
    next_id: u64,
    /// Games started with this process.
    games: u64,
    /// Whether the bot failed in this game (stopped, or sent an unusable answer).
    failed: bool,
    /// Notes for the transcript (lines discarded), not yet taken.
    notes: Vec<String>,
    /// Moves of an answer that follow its `call_vote`: played after the vote.
    pending: Option<Answer>,
}

/// The running process and its two pipes. Dropping it kills the process group.
struct Link {
    group: Group,
    pipe: Pipe,
}

/// A bot's answer to a `turn` request, its moves resolved.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The request's id (a `refused` notice names it).
    pub id: u64,
    /// The moves, in order, up to the first that could not be read.
    pub moves: Vec<Action>,
    /// The index in the answer of `moves[0]` (moves after a `call_vote`
    /// are kept and played later).
    pub offset: usize,
    /// The first move that could not be read: its index and why.
    pub bad: Option<(usize, String)>,
    pub reason: Reason,
}

impl Bot {
    /// Start `command` (through `sh -c`) for `party` and send it the `hello`
    /// and the `new_game` of `game`. Never blocks: what the pipe does not take
    /// at once is written by the first request, within its deadline.
    pub fn spawn(command: &str, game: &Game, party: usize, timeout: Duration) -> Bot {
        let name = game.model().party_name(party).to_string();
        let mut bot = Bot {
            party,
            name,
            command: command.to_string(),
            link: None,
            timeout,
            seen: 0,
            gone: None,
            told: false,
            next_id: 1,
            games: 0,
            failed: false,
            notes: Vec::new(),
            pending: None,
        };
        bot.start(game);
        bot.post_new_game(game);
        bot
    }

    fn start(&mut self, game: &Game) {
        match Group::spawn(&self.command) {
            Err(e) => self.gone = Some(format!("could not be started ({e})")),
            Ok((group, stdin, stdout)) => {
                let mut link = Link {
                    group,
                    pipe: Pipe::new(stdin, stdout),
                };
                // Refused only by a bot already gone: the first request says how.
                let _ = link
                    .pipe
                    .post(&line_of(&messages::hello(game.model(), self.party)));
                self.link = Some(link);
            }
        }
    }

    fn post_new_game(&mut self, game: &Game) {
        self.games += 1;
        if let Some(link) = &mut self.link {
            let _ = link
                .pipe
                .post(&line_of(&messages::new_game(game, self.party, self.games)));
        }
    }

    /// A new game for a long-lived bot: a bot that failed in the last game
    /// is stopped and started again (with a new `hello`) first.
    pub fn new_game(&mut self, game: &Game) {
        if self.failed || self.gone.is_some() {
            self.link = None;
            self.gone = None;
            self.told = false;
            self.start(game);
        }
        self.failed = false;
        self.seen = 0;
        self.pending = None;
        self.notes.clear();
        self.post_new_game(game);
    }

    /// The command line the bot was started with.
    pub fn command(&self) -> &str {
        &self.command
    }

    /// Whether the bot failed in this game: it was stopped (crash, timeout,
    /// a line over the limit) or sent an answer that could not be used.
    pub fn failed(&self) -> bool {
        self.failed
    }

    /// Count an unusable answer as a failure of this game.
    pub fn mark_failed(&mut self) {
        self.failed = true;
    }

    /// The transcript notes gathered since the last call (discarded lines).
    pub fn take_notes(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notes)
    }

    /// Moves left over from an answer with a `call_vote`, to play now.
    pub fn take_pending(&mut self) -> Option<Answer> {
        self.pending.take()
    }

    /// Keep the moves that follow a `call_vote` until the vote is over.
    pub fn keep_pending(&mut self, answer: Answer) {
        self.pending = Some(answer);
    }

    /// Tell the bot that move `index` of its answer to request `id` was
    /// refused, and why (a structured refusal, docs/AGENT_PROTOCOL.md).
    pub fn refused(&mut self, id: u64, index: Option<usize>, refusal: Value) {
        if let Some(link) = &mut self.link {
            let msg = json!({"type": "refused", "id": id, "move": index, "refusal": refusal});
            let _ = link.pipe.post(&line_of(&msg));
        }
    }

    /// The bot no longer plays: kill its process group and remember why.
    fn stop(&mut self, why: String) {
        if self.gone.is_none() {
            self.gone = Some(why);
        }
        self.failed = true;
        self.link = None;
    }

    /// The forfeit line: why the bot stopped the first time it is said,
    /// and on later turns that it stopped earlier (not as if it failed again).
    fn forfeits(&mut self) -> String {
        let why = self.gone.as_deref().unwrap_or("is not running");
        if std::mem::replace(&mut self.told, true) {
            format!(
                "{}'s bot forfeits this turn too: earlier in the game it {why}",
                self.name
            )
        } else {
            format!("{}'s bot forfeits: it {why}", self.name)
        }
    }

    /// Send a request with the next id and wait for the line that answers
    /// it, all within the time limit. Lines without that id are discarded
    /// (and noted).
    fn ask(
        &mut self,
        game: &Game,
        news: &[Narration],
        kind: &str,
        what: &str,
    ) -> Result<(u64, Value), String> {
        if self.gone.is_some() {
            return Err(self.forfeits());
        }
        let (id, msg) = self.request(game, news, kind);
        let Some(link) = &mut self.link else {
            return Err(self.forfeits());
        };
        let mut discarded = Discarded::default();
        let got = exchange(link, msg, id, self.timeout, &mut discarded);
        if discarded.count > 0 {
            let first = discarded.first.as_deref().unwrap_or("");
            self.notes.push(format!(
                "{}'s bot: {} line{} discarded while waiting for the answer to request {id} (no id, or an old one; the first: {})",
                self.name,
                discarded.count,
                if discarded.count == 1 { "" } else { "s" },
                clip(first, 80)
            ));
        }
        match got {
            Ok(reply) => Ok((id, reply)),
            Err(Failure::TooLong) => {
                self.failed = true;
                Err(format!(
                    "{}'s bot forfeits its {what}: it sent a line longer than {MAX_LINE} bytes (the limit); the line was skipped",
                    self.name
                ))
            }
            Err(Failure::Stop(why)) => {
                self.stop(why);
                Err(self.forfeits())
            }
        }
    }

    /// The `events` field: what happened at the table since the bot's last
    /// message, in the table's one narration (docs/REPORT.md), as JSON.
    /// Another seat's reasons are its own and are left out.
    fn news(&mut self, game: &Game, news: &[Narration]) -> Vec<u8> {
        let me = &game.model().scenario.parties[self.party].id;
        let fresh = news.get(self.seen..).unwrap_or_default();
        self.seen = news.len();
        if fresh.is_empty() {
            return b"[]".to_vec();
        }
        let events: Vec<Value> = fresh
            .iter()
            .map(|n| {
                let mut n = n.clone();
                if n.party.as_ref() != Some(me) {
                    n.reason = None;
                }
                serde_json::to_value(n).unwrap_or(Value::Null)
            })
            .collect();
        Value::Array(events).to_string().into_bytes()
    }

    /// A request of this kind, with its id.
    fn request(&mut self, game: &Game, news: &[Narration], kind: &str) -> (u64, Vec<u8>) {
        let id = self.next_id;
        self.next_id += 1;
        let events = self.news(game, news);
        let line = if kind == "revise" {
            messages::state_line(game, self.party, kind, Some(id), &events, |o| {
                messages::proposals_field(game, o)
            })
        } else {
            messages::state_line(game, self.party, kind, Some(id), &events, |_| {})
        };
        (id, line)
    }

    /// The bot's moves for its turn, or why it forfeits the turn.
    pub fn turn(&mut self, game: &Game, news: &[Narration]) -> Result<Answer, String> {
        let (id, reply) = self.ask(game, news, "turn", "turn")?;
        let reason = said(&reply);
        let Some(moves) = reply.get("moves").and_then(Value::as_array) else {
            self.failed = true;
            return Err(format!(
                "{}'s bot forfeits its turn: no \"moves\" list in {}",
                self.name,
                clip(&reply.to_string(), 120)
            ));
        };
        let mut answer = Answer {
            id,
            moves: Vec::with_capacity(moves.len()),
            offset: 0,
            bad: None,
            reason,
        };
        for (i, m) in moves.iter().enumerate() {
            let action = serde_json::from_value::<NamedAction>(m.clone())
                .map_err(|e| e.to_string())
                .and_then(|named| named.resolve(game.model()))
                .and_then(|action| {
                    if action.party() == Some(self.party) {
                        Ok(action)
                    } else {
                        Err("it is not a move of its own party".to_string())
                    }
                });
            match action {
                Ok(action) => answer.moves.push(action),
                Err(e) => {
                    // Bounded: the message may quote the bot's text (an unknown id…).
                    answer.bad = Some((i, clip(&format!("moves[{i}]: {e}"), MAX_REASON)));
                    break;
                }
            }
        }
        Ok(answer)
    }

    /// The bot's vote and its request's id, or why it forfeits (the table
    /// then refuses for it).
    pub fn vote(&mut self, game: &Game, news: &[Narration]) -> Result<(u64, Decision), String> {
        let (id, reply) = self.ask(game, news, "vote", "vote")?;
        let reason = said(&reply);
        match reply.get("sign").and_then(Value::as_bool) {
            Some(sign) => Ok((
                id,
                Decision {
                    action: Action::Vote {
                        party: self.party,
                        sign,
                    },
                    reason,
                },
            )),
            None => {
                self.failed = true;
                Err(format!(
                    "{}'s bot forfeits its vote: expected {{\"id\": {id}, \"sign\": true|false}}, got {}",
                    self.name,
                    clip(&reply.to_string(), 120)
                ))
            }
        }
    }

    /// The pen-holder's revision: the proposals the bot adopts, or why it
    /// forfeits (the table then adopts none).
    pub fn revise(&mut self, game: &Game, news: &[Narration]) -> Result<(u64, Decision), String> {
        let (id, reply) = self.ask(game, news, "revise", "revision")?;
        let reason = said(&reply);
        let adopt = reply
            .get("adopt")
            .ok_or_else(|| "no \"adopt\" list".to_string())
            .and_then(|a| {
                serde_json::from_value::<Selection>(a.clone()).map_err(|e| e.to_string())
            });
        match adopt {
            Ok(adopt) => Ok((
                id,
                Decision {
                    action: Action::Revise {
                        party: self.party,
                        adopt,
                    },
                    reason,
                },
            )),
            Err(e) => {
                self.failed = true;
                Err(format!(
                    "{}'s bot forfeits its revision (nothing is adopted): {}",
                    self.name,
                    clip(&e, MAX_REASON)
                ))
            }
        }
    }

    /// Tell the bot how the talks ended (`end`, with the outcome and every
    /// party's score). A long-lived bot (`keep`) waits for its next
    /// `new_game`; otherwise it has a moment to exit on its own, then its
    /// process group is killed (with whatever it started).
    pub fn finish(&mut self, game: &Game, news: &[Narration], keep: bool) {
        let events = self.news(game, news);
        let msg = messages::end_line(game, self.party, &events);
        self.pending = None;
        if let Some(link) = &mut self.link {
            let _ = link.pipe.post(&msg);
            if keep {
                return;
            }
        }
        self.close();
    }
}

impl Bot {
    /// Close the bot's input and give it a moment to exit, then kill its
    /// process group (with whatever it started).
    pub fn close(&mut self) {
        if let Some(link) = &mut self.link {
            link.pipe.close(Instant::now() + FINISH_GRACE);
            link.group.wait_for(FINISH_GRACE);
        }
        self.link = None;
    }
}

/// Lines read that did not answer the request.
#[derive(Debug, Default)]
struct Discarded {
    count: usize,
    first: Option<String>,
}

impl Discarded {
    fn add(&mut self, line: &str) {
        self.count += 1;
        if self.first.is_none() {
            self.first = Some(clip(line, 80));
        }
    }
}

/// Why a request got no usable answer.
enum Failure {
    /// A line over [`MAX_LINE`] came instead of the answer (it was skipped).
    TooLong,
    /// The bot must be stopped, for this reason.
    Stop(String),
}

/// The answer's id, if the line is a JSON object with one.
fn answer_id(v: &Value) -> Option<u64> {
    v.get("id").and_then(Value::as_u64)
}

/// Send request `id` and wait for the line that answers it, the write and
/// the wait within `timeout` together. Lines sent before the request, and
/// lines without its id, are discarded (and counted).
fn exchange(
    link: &mut Link,
    msg: Vec<u8>,
    id: u64,
    timeout: Duration,
    discarded: &mut Discarded,
) -> Result<Value, Failure> {
    let deadline = Instant::now() + timeout;
    let secs = timeout.as_secs_f64();
    // Bounded: a bot that floods its output cannot keep the table here.
    for _ in 0..64 {
        match link.pipe.try_next() {
            Some(Incoming::Line(line)) => discarded.add(&line),
            Some(Incoming::TooLong) => discarded.add("(a line over the limit)"),
            None => break,
        }
    }
    match link
        .pipe
        .post(&msg)
        .and_then(|()| link.pipe.flush(deadline))
    {
        Ok(()) => {}
        Err(Stalled::Late) => {
            return Err(Failure::Stop(format!(
                "did not read its input within {secs:.1} s and was stopped"
            )));
        }
        Err(Stalled::Broken) => {
            return Err(Failure::Stop(exited(&mut link.group, "closed its input")));
        }
    }
    loop {
        match link.pipe.next(deadline) {
            Ok(Incoming::Line(line)) => match serde_json::from_str::<Value>(&line) {
                Ok(v) if answer_id(&v) == Some(id) => return Ok(v),
                _ => discarded.add(&line),
            },
            Ok(Incoming::TooLong) => return Err(Failure::TooLong),
            Err(Stalled::Late) => {
                return Err(Failure::Stop(format!(
                    "did not answer within {secs:.1} s and was stopped"
                )));
            }
            Err(Stalled::Broken) => {
                return Err(Failure::Stop(exited(&mut link.group, "closed its output")));
            }
        }
    }
}

/// How a bot that closed a pipe ended: its exit status if it exits within
/// a moment, otherwise it is said to be stopped (its link is dropped next).
fn exited(group: &mut Group, closed: &str) -> String {
    match group.wait_for(EXIT_GRACE) {
        Some(status) => format!("exited ({status})"),
        None => format!("{closed} and was stopped"),
    }
}

/// A message as one line of the protocol.
fn line_of(msg: &Value) -> Vec<u8> {
    let mut line = msg.to_string().into_bytes();
    line.push(b'\n');
    line
}

/// The `reason` of an answer, cut to [`MAX_REASON`] characters.
fn said(reply: &Value) -> Reason {
    let text = reply.get("reason").and_then(Value::as_str).unwrap_or("");
    Reason::Said(clip(text, MAX_REASON))
}

/// At most `max` characters of `text`, with an ellipsis when cut.
fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}
