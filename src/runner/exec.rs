//! Outside programs at the table (docs/AGENT_PROTOCOL.md): one JSON object per
//! line each way. Every request has a deadline that bounds both its write and
//! the wait for its answer, lines read are bounded in length, and the bot runs
//! in a process group of its own that is killed whole when it is done with.
//! A bot that hangs, floods or stops reading forfeits; the run goes on.

mod pipe;
mod process;

use crate::ai::{Decision, Reason};
use crate::engine::named::stance_name;
use crate::engine::{Action, Game, NamedAction, Phase, Status};
use crate::table::Narration;
use pipe::{Incoming, Outbox, Stalled};
use process::Group;
use serde_json::{Map, Value, json};
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError};
use std::time::{Duration, Instant};

pub use pipe::MAX_LINE;
pub use process::{signalled, stop_all};

/// The protocol's version, sent in the hello message.
pub const PROTOCOL: u32 = 1;

/// Longest `reason` kept from a bot, in characters (the rest is cut).
pub const MAX_REASON: usize = 500;

/// How long a bot that closed its output has to exit before it is killed.
const EXIT_GRACE: Duration = Duration::from_millis(500);

/// How long a bot has to exit on its own after `end` before it is killed.
const FINISH_GRACE: Duration = Duration::from_millis(200);

/// A running bot that plays one seat.
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
}

/// The running process and its two pipes. Dropping it kills the process group.
struct Link {
    group: Group,
    outbox: Outbox,
    inbox: Receiver<Incoming>,
}

impl Bot {
    /// Start `command` (through `sh -c`) for `party` and send it the hello
    /// message. Never blocks: the hello is written by the bot's writer thread,
    /// and the first request waits for it within its deadline.
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
        };
        match Group::spawn(command) {
            Err(e) => bot.gone = Some(format!("could not be started ({e})")),
            Ok((group, stdin, stdout)) => {
                bot.link = Some(Link {
                    group,
                    outbox: Outbox::new(stdin),
                    inbox: pipe::read_lines(stdout),
                });
                if let Some(link) = &bot.link {
                    // Refused only by a bot already gone: the first request says how.
                    let _ = link.outbox.post(line_of(&hello(game, party)));
                }
            }
        }
        bot
    }

    /// The command line the bot was started with.
    pub fn command(&self) -> &str {
        &self.command
    }

    /// The bot no longer plays: kill its process group and remember why.
    fn stop(&mut self, why: String) {
        if self.gone.is_none() {
            self.gone = Some(why);
        }
        self.link = None;
    }

    fn forfeits(&self) -> String {
        let why = self.gone.as_deref().unwrap_or("is not running");
        format!("{}'s bot forfeits: it {why}", self.name)
    }

    /// Send a request and wait for one line, all within the time limit.
    fn ask(&mut self, msg: &Value) -> Result<Value, String> {
        if self.gone.is_some() {
            return Err(self.forfeits());
        }
        let Some(link) = &mut self.link else {
            return Err(self.forfeits());
        };
        match exchange(link, msg, self.timeout) {
            Ok(line) => serde_json::from_str::<Value>(&line).map_err(|e| {
                format!(
                    "{}'s bot forfeits its turn: its answer is not JSON ({e}): {}",
                    self.name,
                    clip(&line, 120)
                )
            }),
            Err(why) => {
                self.stop(why);
                Err(self.forfeits())
            }
        }
    }

    /// A message with `events`: what happened at the table since the bot's
    /// last message, in the table's one narration (docs/REPORT.md). Another
    /// seat's reasons are its own and are left out.
    fn with_news(&mut self, mut msg: Value, game: &Game, news: &[Narration]) -> Value {
        let me = &game.model().scenario.parties[self.party].id;
        let events: Vec<Value> = news
            .get(self.seen..)
            .unwrap_or_default()
            .iter()
            .map(|n| {
                let mut n = n.clone();
                if n.party.as_ref() != Some(me) {
                    n.reason = None;
                }
                serde_json::to_value(n).unwrap_or(Value::Null)
            })
            .collect();
        self.seen = news.len();
        if let Value::Object(map) = &mut msg {
            map.insert("events".into(), Value::Array(events));
        }
        msg
    }

    /// The bot's moves for its turn, or why it forfeits the turn.
    pub fn turn(
        &mut self,
        game: &Game,
        news: &[Narration],
    ) -> Result<(Vec<Action>, Reason), String> {
        let msg = self.with_news(state(game, self.party, "turn"), game, news);
        let reply = self.ask(&msg)?;
        // Bounded: an error message may quote the bot's text (an unknown id…).
        let garbage = |what: String| {
            format!(
                "{}'s bot forfeits its turn: {}",
                self.name,
                clip(&what, MAX_REASON)
            )
        };
        let reason = said(&reply);
        let Some(moves) = reply.get("moves").and_then(Value::as_array) else {
            return Err(garbage(format!(
                "no \"moves\" list in {}",
                clip(&reply.to_string(), 120)
            )));
        };
        let mut actions = Vec::with_capacity(moves.len());
        for (i, m) in moves.iter().enumerate() {
            let named: NamedAction = serde_json::from_value(m.clone())
                .map_err(|e| garbage(format!("moves[{i}]: {e}")))?;
            let action = named
                .resolve(game.model())
                .map_err(|e| garbage(format!("moves[{i}]: {e}")))?;
            if action.party() != Some(self.party) {
                return Err(garbage(format!(
                    "moves[{i}] is not a move of its own party"
                )));
            }
            actions.push(action);
        }
        Ok((actions, reason))
    }

    /// The bot's vote, or why it forfeits (the runner then refuses for it).
    pub fn vote(&mut self, game: &Game, news: &[Narration]) -> Result<Decision, String> {
        let msg = self.with_news(state(game, self.party, "vote"), game, news);
        let reply = self.ask(&msg)?;
        let reason = said(&reply);
        let sign = reply.get("sign").and_then(Value::as_bool).or_else(|| {
            reply
                .get("moves")
                .and_then(Value::as_array)
                .and_then(|m| m.first())
                .and_then(|m| m.get("sign"))
                .and_then(Value::as_bool)
        });
        match sign {
            Some(sign) => Ok(Decision {
                action: Action::Vote {
                    party: self.party,
                    sign,
                },
                reason,
            }),
            None => Err(format!(
                "{}'s bot forfeits its vote: expected {{\"sign\": true|false}}, got {}",
                self.name,
                clip(&reply.to_string(), 120)
            )),
        }
    }

    /// Tell the bot how the talks ended and let it go: a moment to exit on
    /// its own, then its process group is killed (with whatever it started).
    pub fn finish(&mut self, game: &Game, news: &[Narration]) {
        let msg = self.with_news(state(game, self.party, "end"), game, news);
        if let Some(link) = &mut self.link {
            let mut msg = msg;
            if let Value::Object(map) = &mut msg {
                map.insert("type".into(), json!("end"));
                map.insert(
                    "outcome".into(),
                    json!(game.ending().map_or("unfinished", |e| e.name())),
                );
            }
            let _ = link.outbox.post(line_of(&msg));
            link.outbox.close();
            link.group.wait_for(FINISH_GRACE);
        }
        self.link = None;
    }
}

/// Send `msg` and read one line, the write and the read within `timeout`
/// together. Lines the bot sent out of turn are stale and dropped first.
/// An error says why the bot must be stopped.
fn exchange(link: &mut Link, msg: &Value, timeout: Duration) -> Result<String, String> {
    let deadline = Instant::now() + timeout;
    let secs = timeout.as_secs_f64();
    loop {
        match link.inbox.try_recv() {
            Ok(Incoming::Line(_)) => continue,
            Ok(Incoming::TooLong) => return Err(too_long()),
            Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
        }
    }
    let written = link
        .outbox
        .post(line_of(msg))
        .and_then(|ticket| link.outbox.wait_written(ticket, deadline));
    match written {
        Ok(()) => {}
        Err(Stalled::Late) => {
            return Err(format!(
                "did not read its input within {secs:.1} s and was stopped"
            ));
        }
        Err(Stalled::Broken) => return Err(exited(&mut link.group, "closed its input")),
    }
    match link
        .inbox
        .recv_timeout(deadline.saturating_duration_since(Instant::now()))
    {
        Ok(Incoming::Line(line)) => Ok(line),
        Ok(Incoming::TooLong) => Err(too_long()),
        Err(RecvTimeoutError::Timeout) => {
            Err(format!("did not answer within {secs:.1} s and was stopped"))
        }
        Err(RecvTimeoutError::Disconnected) => Err(exited(&mut link.group, "closed its output")),
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

fn too_long() -> String {
    format!("sent a line longer than {MAX_LINE} bytes (the limit) and was stopped")
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

/// The hello message: the scenario's public facts and the party's private brief.
fn hello(game: &Game, party: usize) -> Value {
    let model = game.model();
    let s = &model.scenario;
    let clauses: Vec<Value> = s
        .clauses
        .iter()
        .enumerate()
        .map(|(c, cl)| {
            let utility: Map<String, Value> = (0..model.clauses[c].options.len())
                .filter(|&o| o < model.clauses[c].variants || model.clauses[c].strikable)
                .map(|o| (model.option_id(c, o).to_string(), json!(round4(model.clauses[c].options[o].utility[party]))))
                .collect();
            json!({
                "id": cl.id,
                "number": cl.number,
                "title": cl.title,
                "variants": cl.variants.iter().map(|v| json!({"id": v.id, "label": v.label})).collect::<Vec<_>>(),
                "strikable": model.clauses[c].strikable,
                "utility": utility,
            })
        })
        .collect();
    let p = &s.parties[party];
    json!({
        "type": "hello",
        "protocol": PROTOCOL,
        "scenario": s.meta.id,
        "party": p.id,
        "seed": game.seed(),
        "parties": s.parties.iter().map(|q| json!({"id": q.id, "name": q.name, "short": q.short})).collect::<Vec<_>>(),
        "turn_order": model.rules.turn_order.iter().map(|&q| s.parties[q].id.clone()).collect::<Vec<_>>(),
        "metrics": s.metrics.iter().map(|m| m.id.clone()).collect::<Vec<_>>(),
        "actions": s.actions.iter().map(|a| json!({"id": a.id, "name": a.name})).collect::<Vec<_>>(),
        "clauses": clauses,
        "brief": {
            "text": p.brief,
            "goals": p.goals,
            "red_lines": p.red_lines.iter().map(|r| r.text.clone()).collect::<Vec<_>>(),
            "reservation": round4(game.drawn()[party]),
            "prior": {"mean": round4(model.parties[party].reservation), "spread": round4(model.parties[party].spread)},
        },
        "rules": {
            "rounds": model.rules.rounds,
            "votes_per_party": model.rules.votes_per_party,
            "walkout_allowed": model.rules.walkout_allowed,
        },
    })
}

fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

/// A request: the public state and the party's own numbers.
fn state(game: &Game, party: usize, kind: &str) -> Value {
    let model = game.model();
    let s = &model.scenario;
    let eval = game.evaluation();
    let draft: Vec<Value> = (0..model.clauses.len())
        .map(|c| {
            let status = match game.status()[c] {
                Status::Open => "open",
                Status::Agreed => "agreed",
                Status::Struck => "struck",
            };
            json!({"clause": s.clauses[c].id, "option": model.option_id(c, game.options()[c]), "status": status})
        })
        .collect();
    let stances: Map<String, Value> = (0..model.parties.len())
        .map(|p| {
            let m: Map<String, Value> = (0..model.clauses.len())
                .filter_map(|c| {
                    game.stance(p, c)
                        .map(|st| (s.clauses[c].id.clone(), json!(stance_name(model, c, st))))
                })
                .collect();
            (s.parties[p].id.clone(), Value::Object(m))
        })
        .collect();
    let metrics: Map<String, Value> = s
        .metrics
        .iter()
        .enumerate()
        .map(|(m, def)| (def.id.clone(), json!(round4(eval.metrics[m]))))
        .collect();
    let phase = match game.phase() {
        Phase::Turns => "turns",
        Phase::Vote { .. } => "vote",
        Phase::Revision { .. } => "revision",
        Phase::Over(_) => "over",
    };
    json!({
        "type": kind,
        "party": s.parties[party].id,
        "round": game.round(),
        "deadline": game.deadline(),
        "phase": phase,
        "draft": draft,
        "stances": stances,
        "metrics": metrics,
        "likelihood": round4(eval.likelihood),
        "acted": game.acted(),
        "votes_left": model.rules.votes_per_party.saturating_sub(game.votes_called(party)),
        "you": {
            "utility": round4(eval.utility[party]),
            "reservation": round4(eval.reservation[party]),
            "acceptance": round4(eval.acceptance[party]),
            "red_line_crossed": eval.crossed[party].map(|l| s.parties[party].red_lines[l].text.clone()),
        },
    })
}
