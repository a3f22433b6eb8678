//! Outside programs at the table (docs/AGENT_PROTOCOL.md): one JSON object per
//! line each way. A reader thread feeds a channel, so a bot that hangs is
//! caught by a timeout and killed; the run never waits on it for longer.

use crate::ai::{Decision, Reason};
use crate::engine::named::stance_name;
use crate::engine::{Action, Game, NamedAction, Phase, Status};
use serde_json::{Map, Value, json};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, sync_channel};
use std::time::Duration;

/// The protocol's version, sent in the hello message.
pub const PROTOCOL: u32 = 1;

/// Longest line read from a bot, in bytes.
const MAX_LINE: usize = 1 << 20;

/// A running bot that plays one seat.
pub struct Bot {
    party: usize,
    name: String,
    command: String,
    child: Option<Child>,
    stdin: Option<ChildStdin>,
    rx: Option<Receiver<String>>,
    timeout: Duration,
    /// Why the bot no longer plays (it then forfeits every turn).
    gone: Option<String>,
}

impl Bot {
    /// Start `command` (through `sh -c`) for `party` and send it the hello message.
    pub fn spawn(command: &str, game: &Game, party: usize, timeout: Duration) -> Bot {
        let name = game.model().party_name(party).to_string();
        let mut bot = Bot {
            party,
            name,
            command: command.to_string(),
            child: None,
            stdin: None,
            rx: None,
            timeout,
            gone: None,
        };
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(command);
        // Its own process group, so stopping it stops whatever it started too.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let spawned = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn();
        match spawned {
            Err(e) => bot.gone = Some(format!("could not be started ({e})")),
            Ok(mut child) => {
                // Bounded: a bot that floods its output blocks instead of filling memory.
                let (tx, rx) = sync_channel(16);
                if let Some(out) = child.stdout.take() {
                    std::thread::spawn(move || {
                        let mut reader = BufReader::new(out);
                        loop {
                            let mut line = Vec::new();
                            match std::io::Read::take(&mut reader, MAX_LINE as u64)
                                .read_until(b'\n', &mut line)
                            {
                                Ok(0) | Err(_) => break,
                                Ok(_) => {
                                    let text = String::from_utf8_lossy(&line).trim().to_string();
                                    if text.is_empty() {
                                        continue;
                                    }
                                    if tx.send(text).is_err() {
                                        break;
                                    }
                                }
                            }
                        }
                    });
                }
                bot.stdin = child.stdin.take();
                bot.child = Some(child);
                bot.rx = Some(rx);
                let hello = hello(game, party);
                bot.send(&hello);
            }
        }
        bot
    }

    /// The command line the bot was started with.
    pub fn command(&self) -> &str {
        &self.command
    }

    fn send(&mut self, msg: &Value) {
        if self.gone.is_some() {
            return;
        }
        let ok = match &mut self.stdin {
            Some(stdin) => writeln!(stdin, "{msg}").and_then(|_| stdin.flush()).is_ok(),
            None => false,
        };
        if !ok {
            self.stop("closed its input (it has exited)".into());
        }
    }

    fn stop(&mut self, why: String) {
        if self.gone.is_none() {
            self.gone = Some(why);
        }
        self.stdin = None;
        if let Some(child) = self.child.take() {
            kill(child);
        }
    }

    /// Send a request and wait for one line.
    fn ask(&mut self, msg: &Value) -> Result<Value, String> {
        if let Some(why) = &self.gone {
            return Err(format!("{}'s bot forfeits: it {why}", self.name));
        }
        // Lines the bot sent out of turn are stale: drop them.
        if let Some(rx) = &self.rx {
            while rx.try_recv().is_ok() {}
        }
        self.send(msg);
        if let Some(why) = &self.gone {
            return Err(format!("{}'s bot forfeits: it {why}", self.name));
        }
        let Some(rx) = &self.rx else {
            return Err(format!("{}'s bot forfeits: it is not running", self.name));
        };
        match rx.recv_timeout(self.timeout) {
            Ok(line) => serde_json::from_str::<Value>(&line).map_err(|e| {
                format!(
                    "{}'s bot forfeits its turn: its answer is not JSON ({e}): {}",
                    self.name,
                    clip(&line)
                )
            }),
            Err(RecvTimeoutError::Timeout) => {
                let why = format!(
                    "did not answer within {:.1} s and was stopped",
                    self.timeout.as_secs_f64()
                );
                self.stop(why.clone());
                Err(format!("{}'s bot forfeits: it {why}", self.name))
            }
            Err(RecvTimeoutError::Disconnected) => {
                let status = self
                    .child
                    .as_mut()
                    .and_then(|c| c.wait().ok())
                    .map_or("exited".to_string(), |s| format!("exited ({s})"));
                self.stop(status.clone());
                Err(format!("{}'s bot forfeits: it {status}", self.name))
            }
        }
    }

    /// The bot's moves for its turn, or why it forfeits the turn.
    pub fn turn(&mut self, game: &Game) -> Result<(Vec<Action>, Reason), String> {
        let msg = state(game, self.party, "turn");
        let reply = self.ask(&msg)?;
        let garbage = |what: String| format!("{}'s bot forfeits its turn: {what}", self.name);
        let reason = Reason::Said(
            reply
                .get("reason")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
        );
        let Some(moves) = reply.get("moves").and_then(Value::as_array) else {
            return Err(garbage(format!(
                "no \"moves\" list in {}",
                clip(&reply.to_string())
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
    pub fn vote(&mut self, game: &Game) -> Result<Decision, String> {
        let msg = state(game, self.party, "vote");
        let reply = self.ask(&msg)?;
        let reason = Reason::Said(
            reply
                .get("reason")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
        );
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
                clip(&reply.to_string())
            )),
        }
    }

    /// Tell the bot how the talks ended and let it go.
    pub fn finish(&mut self, game: &Game) {
        if self.gone.is_none() {
            let mut msg = state(game, self.party, "end");
            if let Value::Object(map) = &mut msg {
                map.insert("type".into(), json!("end"));
                map.insert(
                    "outcome".into(),
                    json!(game.ending().map_or("unfinished", |e| e.name())),
                );
            }
            self.send(&msg);
        }
        self.stdin = None;
        if let Some(mut child) = self.child.take() {
            // A polite moment to exit on its own, then stop it.
            for _ in 0..20 {
                if let Ok(Some(_)) = child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            kill(child);
        }
    }
}

impl Drop for Bot {
    fn drop(&mut self) {
        if let Some(child) = self.child.take() {
            kill(child);
        }
    }
}

/// Stop a bot and everything in its process group.
fn kill(mut child: Child) {
    #[cfg(unix)]
    {
        // `kill` is a shell builtin on some systems, not a program.
        let _ = Command::new("sh")
            .arg("-c")
            .arg(format!("kill -KILL -{} 2>/dev/null", child.id()))
            .stderr(Stdio::null())
            .status();
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn clip(text: &str) -> String {
    let t: String = text.chars().take(120).collect();
    if t.len() < text.len() {
        format!("{t}…")
    } else {
        t
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
            "reservation": round4(model.parties[party].reservation),
            "flexibility": round4(model.parties[party].flexibility),
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
