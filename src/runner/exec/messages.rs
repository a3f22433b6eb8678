//! The messages of agent protocol v2 (docs/AGENT_PROTOCOL.md) as JSON: the
//! `hello` (what the seat may know about the scenario, once per process),
//! `new_game` (what it may know about one game), the requests (`turn`, `vote`,
//! `revise`) and the notices (`refused`, `end`). Everything a seat may know is
//! sent as data: utilities, metric effects, weights, combinations, red lines
//! as conditions, linkage, the diplomatic actions and when they are open, its
//! prior and its true drawn bottom line, and the public beliefs.

use crate::core::schema::{Condition, MetricKind, Target};
use crate::engine::named::stance_name;
use crate::engine::score::Belief;
use crate::engine::{Game, Phase, Status};
use crate::scenario::Model;
use serde_json::{Map, Value, json};

/// The protocol's version, sent in the hello message.
pub const PROTOCOL: u32 = 2;

/// Four decimals, and never `-0`.
pub(super) fn round4(x: f64) -> f64 {
    let v = (x * 1e4).round() / 1e4;
    if v == 0.0 { 0.0 } else { v }
}

/// A finite number, or null (an unbounded belief has no `lo`/`hi`).
fn finite(x: f64) -> Value {
    if x.is_finite() {
        json!(round4(x))
    } else {
        Value::Null
    }
}

/// A condition on the draft and the metrics, with ids: `{"variant":[clause, variant]}`,
/// `{"struck":clause}`, `{"present":clause}`, `{"agreed":clause}`,
/// `{"metric_below":[metric, x]}`, `{"metric_above":[metric, x]}`, `{"all_of":[…]}`,
/// `{"any_of":[…]}`, `{"not":…}`, `{"always":true}`.
pub fn condition(c: &Condition) -> Value {
    match c {
        Condition::Variant(clause, variant) => json!({"variant": [clause, variant]}),
        Condition::Struck(clause) => json!({"struck": clause}),
        Condition::Present(clause) => json!({"present": clause}),
        Condition::Agreed(clause) => json!({"agreed": clause}),
        Condition::MetricBelow(m, x) => json!({"metric_below": [m, x]}),
        Condition::MetricAbove(m, x) => json!({"metric_above": [m, x]}),
        Condition::AllOf(list) => json!({"all_of": list.iter().map(condition).collect::<Vec<_>>()}),
        Condition::AnyOf(list) => json!({"any_of": list.iter().map(condition).collect::<Vec<_>>()}),
        Condition::Not(inner) => json!({"not": condition(inner)}),
        Condition::Always => json!({"always": true}),
    }
}

/// Whom a shift falls on: `actor`, `allies`, `others`, `all` or `party:ID`.
fn target(t: &Target) -> String {
    match t {
        Target::Actor => "actor".into(),
        Target::Allies => "allies".into(),
        Target::Others => "others".into(),
        Target::All => "all".into(),
        Target::Party(id) => format!("party:{id}"),
    }
}

/// `{metric id: delta}`.
fn effects(model: &Model, list: &[(usize, f64)]) -> Value {
    // Several effects may move one metric (an index's components): summed.
    let mut sums: Vec<(usize, f64)> = Vec::new();
    for &(m, d) in list {
        match sums.iter_mut().find(|(k, _)| *k == m) {
            Some((_, v)) => *v += d,
            None => sums.push((m, d)),
        }
    }
    let map: Map<String, Value> = sums
        .into_iter()
        .map(|(m, d)| (model.scenario.metrics[m].id.clone(), json!(round4(d))))
        .collect();
    Value::Object(map)
}

/// `{party id: value}` over every party.
fn per_party(model: &Model, values: &[f64]) -> Value {
    let map: Map<String, Value> = model
        .scenario
        .parties
        .iter()
        .zip(values)
        .map(|(p, &v)| (p.id.clone(), json!(round4(v))))
        .collect();
    Value::Object(map)
}

fn party_id(model: &Model, p: usize) -> &str {
    &model.scenario.parties[p].id
}

/// Linkage of one option: `[{"clause": id, "variant": id or null}]`.
fn links(model: &Model, list: &[crate::core::model::Link]) -> Value {
    Value::Array(
        list.iter()
            .map(|l| {
                json!({
                    "clause": model.scenario.clauses[l.clause].id,
                    "variant": l.variant.map(|v| model.option_id(l.clause, v)),
                })
            })
            .collect(),
    )
}

/// The hello: the scenario as the seat of `party` may know it. It does not
/// depend on the game, so a long-lived bot gets it once.
pub(super) fn hello(model: &Model, party: usize) -> Value {
    let s = &model.scenario;
    let clauses: Vec<Value> = s
        .clauses
        .iter()
        .enumerate()
        .map(|(c, cl)| {
            let cm = &model.clauses[c];
            let option = |o: usize| {
                let om = &cm.options[o];
                json!({
                    "id": model.option_id(c, o),
                    "label": model.option_label(c, o),
                    "utility": per_party(model, &om.utility),
                    "effects": effects(model, &om.effects),
                    "requires": links(model, &om.requires),
                    "excludes": links(model, &om.excludes),
                    "consent_of": (0..model.parties.len())
                        .filter(|&q| om.consent >> q & 1 == 1)
                        .map(|q| party_id(model, q))
                        .collect::<Vec<_>>(),
                })
            };
            json!({
                "id": cl.id,
                "number": cl.number,
                "title": cl.title,
                "category": format!("{:?}", cl.category).to_lowercase(),
                "initial": model.option_id(c, cm.initial),
                "strikable": cm.strikable,
                "variants": (0..cm.variants).map(option).collect::<Vec<_>>(),
                "struck": cm.strikable.then(|| option(cm.struck())),
            })
        })
        .collect();
    let parties: Vec<Value> = s
        .parties
        .iter()
        .enumerate()
        .map(|(p, def)| {
            let pm = &model.parties[p];
            json!({
                "id": def.id,
                "name": def.name,
                "short": def.short,
                "allies": pm.allies.iter().map(|&q| party_id(model, q)).collect::<Vec<_>>(),
                "weights": effects(model, &pm.weighted),
                "red_lines": def.red_lines.iter().map(|r| json!({
                    "id": r.id, "text": r.text, "crossed_if": condition(&r.crossed_if),
                })).collect::<Vec<_>>(),
                "prior": {"mean": round4(pm.reservation), "spread": round4(pm.spread)},
                "signatory": model.rules.signatory[p],
            })
        })
        .collect();
    let metrics: Vec<Value> = s
        .metrics
        .iter()
        .map(|m| {
            json!({
                "id": m.id, "name": m.name, "min": m.min, "max": m.max,
                "initial": m.initial, "divergence": m.divergence,
                "kind": match m.kind {
                    MetricKind::Stock => "stock",
                    MetricKind::DealLikelihood => "deal_likelihood",
                },
            })
        })
        .collect();
    let combinations: Vec<Value> = s
        .combinations
        .iter()
        .enumerate()
        .map(|(i, def)| {
            let cm = &model.combinations[i];
            json!({
                "id": def.id,
                "description": def.description,
                "when": condition(&def.when),
                "utility": per_party(model, &cm.utility),
                "effects": effects(model, &cm.effects),
            })
        })
        .collect();
    let actions: Vec<Value> = s
        .actions
        .iter()
        .enumerate()
        .map(|(a, def)| {
            let am = &model.actions[a];
            json!({
                "id": def.id,
                "name": def.name,
                "description": def.description,
                "yours": am.parties[party],
                "parties": (0..model.parties.len()).filter(|&p| am.parties[p]).map(|p| party_id(model, p)).collect::<Vec<_>>(),
                "from_round": am.from_round,
                "limit": am.limit,
                "cost": round4(am.cost),
                "effects": effects(model, &am.effects),
                "shifts": def.shifts.iter().map(|sh| json!({"target": target(&sh.target), "reservation": sh.reservation})).collect::<Vec<_>>(),
                "when": def.when.as_ref().map(condition),
            })
        })
        .collect();
    let r = &model.rules;
    let p = &s.parties[party];
    json!({
        "type": "hello",
        "protocol": PROTOCOL,
        "scenario": {"id": s.meta.id, "title": s.meta.title, "version": s.meta.version, "checksum": model.checksum},
        "party": p.id,
        "parties": parties,
        "turn_order": r.turn_order.iter().map(|&q| party_id(model, q)).collect::<Vec<_>>(),
        "metrics": metrics,
        "clauses": clauses,
        "combinations": combinations,
        "actions": actions,
        "brief": {"text": p.brief, "goals": p.goals},
        "rules": {
            "rounds": r.rounds,
            "pen": r.mediator.map(|q| party_id(model, q)),
            "signatories": r.signatories.iter().map(|&q| party_id(model, q)).collect::<Vec<_>>(),
            "votes_per_party": r.votes_per_party,
            "package_size": r.package_size,
            "revision_threshold": r.revision_threshold,
            "pen_weight": r.pen_weight,
            "final_vote": r.final_vote,
            "walkout": {"allowed": r.walkout_allowed, "from_round": r.walkout_from_round, "penalty": r.walkout_penalty},
            "each_round": {"effects": effects(model, &r.each_round.effects), "reservation": per_party(model, &r.each_round.reservation)},
            "collapse": s.rules.collapse.iter().map(|c| json!({"text": c.text, "when": condition(&c.when), "rounds": c.rounds})).collect::<Vec<_>>(),
            "dissent": effects(model, &r.dissent),
            "ratification": s.rules.ratification.as_ref().map(|ra| json!({
                "name": ra.name,
                "text": ra.text,
                "when": condition(&ra.when),
                "chance": ra.chance,
                "slopes": ra.slopes,
            })),
        },
    })
}

/// The public beliefs about every party's bottom line (docs/MODEL.md, "Beliefs").
fn beliefs(model: &Model, list: &[Belief]) -> Value {
    let map: Map<String, Value> = model
        .scenario
        .parties
        .iter()
        .zip(list)
        .map(|(p, b)| {
            (
                p.id.clone(),
                json!({"mean": round4(b.mean), "spread": round4(b.spread), "lo": finite(b.lo), "hi": finite(b.hi)}),
            )
        })
        .collect();
    Value::Object(map)
}

/// The start of one game: its seed, the seat's true bottom line drawn for it
/// (private) beside its public prior, and the public beliefs.
pub(super) fn new_game(game: &Game, party: usize, number: u64) -> Value {
    let model = game.model();
    let pm = &model.parties[party];
    json!({
        "type": "new_game",
        "game": number,
        "seed": game.seed(),
        "party": party_id(model, party),
        "reservation": round4(game.drawn()[party]),
        "prior": {"mean": round4(pm.reservation), "spread": round4(pm.spread)},
        "beliefs": beliefs(model, game.belief()),
        "deadline": game.deadline(),
    })
}

/// A JSON object written straight into bytes: the requests go out many
/// times a game (thousands of times a second in a sweep), so they skip the
/// `Value` tree.
pub(super) struct Out<'a> {
    buf: &'a mut Vec<u8>,
    /// Whether the object or list being written is still empty.
    first: bool,
}

impl<'a> Out<'a> {
    pub(super) fn object(buf: &'a mut Vec<u8>) -> Out<'a> {
        buf.push(b'{');
        Out { buf, first: true }
    }

    fn comma(&mut self) {
        if !self.first {
            self.buf.push(b',');
        }
        self.first = false;
    }

    /// `"key":` (a key is always one of ours, or an id checked by validation,
    /// but it is escaped all the same).
    fn key(&mut self, key: &str) -> &mut Self {
        self.comma();
        self.string(key);
        self.buf.push(b':');
        self
    }

    fn string(&mut self, s: &str) {
        if s.bytes()
            .all(|b| b >= 0x20 && b != b'"' && b != b'\\' && b < 0x7f)
        {
            self.buf.push(b'"');
            self.buf.extend_from_slice(s.as_bytes());
            self.buf.push(b'"');
        } else {
            // A string always serialises.
            let _ = serde_json::to_writer(&mut *self.buf, s);
        }
    }

    fn str_field(&mut self, key: &str, s: &str) -> &mut Self {
        self.key(key);
        self.string(s);
        self
    }

    fn num_field(&mut self, key: &str, x: f64) -> &mut Self {
        self.key(key);
        self.number(x);
        self
    }

    fn number(&mut self, x: f64) {
        use std::io::Write;
        if x.is_finite() {
            let _ = write!(self.buf, "{}", round4(x));
        } else {
            self.buf.extend_from_slice(b"null");
        }
    }

    fn int_field(&mut self, key: &str, x: u64) -> &mut Self {
        use std::io::Write;
        self.key(key);
        let _ = write!(self.buf, "{x}");
        self
    }

    fn bool_field(&mut self, key: &str, b: bool) -> &mut Self {
        self.key(key);
        self.buf
            .extend_from_slice(if b { b"true" } else { b"false" });
        self
    }

    fn raw_field(&mut self, key: &str, json: &[u8]) -> &mut Self {
        self.key(key);
        self.buf.extend_from_slice(json);
        self
    }

    /// A nested object under `key`, written by `f`.
    fn object_field(&mut self, key: &str, f: impl FnOnce(&mut Out<'_>)) -> &mut Self {
        self.key(key);
        let mut inner = Out::object(self.buf);
        f(&mut inner);
        inner.buf.push(b'}');
        self
    }

    /// A list of strings under `key`.
    fn strings_field<'s>(&mut self, key: &str, items: impl Iterator<Item = &'s str>) -> &mut Self {
        self.key(key);
        self.buf.push(b'[');
        for (i, s) in items.enumerate() {
            if i > 0 {
                self.buf.push(b',');
            }
            self.string(s);
        }
        self.buf.push(b']');
        self
    }

    /// Close the object and end the line.
    pub(super) fn end_line(self) {
        self.buf.extend_from_slice(b"}\n");
    }
}

/// A request (`turn`, `vote`, `revise`) or the `end` notice as one line: the
/// public state and the party's own numbers, the table's events since the
/// bot's last message (`events`, JSON already), and `extra` fields.
pub(super) fn state_line(
    game: &Game,
    party: usize,
    kind: &str,
    id: Option<u64>,
    events: &[u8],
    extra: impl FnOnce(&mut Out<'_>),
) -> Vec<u8> {
    let model = game.model();
    let s = &model.scenario;
    let eval = game.evaluation();
    let np = model.parties.len();
    let mut buf = Vec::with_capacity(4096);
    let mut o = Out::object(&mut buf);
    o.str_field("type", kind);
    if let Some(id) = id {
        o.int_field("id", id);
    }
    o.str_field("party", party_id(model, party))
        .int_field("round", u64::from(game.round()))
        .int_field("deadline", u64::from(game.deadline()));
    let phase = match game.phase() {
        Phase::Turns => "turns",
        Phase::Vote { .. } => "vote",
        Phase::Revision { .. } => "revision",
        Phase::Over(_) => "over",
    };
    o.str_field("phase", phase);
    // The text as a map (clause → wording), and the clauses no longer open:
    // a bot parses a few thousand of these a second.
    o.object_field("draft", |o| {
        for c in 0..model.clauses.len() {
            o.str_field(&s.clauses[c].id, model.option_id(c, game.options()[c]));
        }
    });
    o.object_field("closed", |o| {
        for c in 0..model.clauses.len() {
            match game.status()[c] {
                Status::Open => {}
                Status::Agreed => {
                    o.str_field(&s.clauses[c].id, "agreed");
                }
                Status::Struck => {
                    o.str_field(&s.clauses[c].id, "struck");
                }
            }
        }
    });
    o.object_field("stances", |o| {
        for p in 0..np {
            o.object_field(party_id(model, p), |o| {
                for c in 0..model.clauses.len() {
                    if let Some(st) = game.stance(p, c) {
                        o.str_field(&s.clauses[c].id, &stance_name(model, c, st));
                    }
                }
            });
        }
    });
    o.object_field("metrics", |o| {
        for (m, def) in s.metrics.iter().enumerate() {
            o.num_field(&def.id, eval.metrics[m]);
        }
    });
    o.object_field("base", |o| {
        for (m, def) in s.metrics.iter().enumerate() {
            o.num_field(&def.id, game.base()[m]);
        }
    });
    o.num_field("likelihood", eval.likelihood);
    o.object_field("acceptance", |o| {
        for p in 0..np {
            o.num_field(party_id(model, p), eval.acceptance[p]);
        }
    });
    o.object_field("beliefs", |o| {
        for (p, b) in game.belief().iter().enumerate() {
            o.object_field(party_id(model, p), |o| {
                o.num_field("mean", b.mean)
                    .num_field("spread", b.spread)
                    .num_field("lo", b.lo)
                    .num_field("hi", b.hi);
            });
        }
    });
    o.key("pen");
    match game.pen() {
        Some(q) => o.string(party_id(model, q)),
        None => o.buf.extend_from_slice(b"null"),
    }
    o.strings_field(
        "signatories",
        (0..np)
            .filter(|&q| game.signatories()[q])
            .map(|q| party_id(model, q)),
    );
    o.bool_field("acted", game.acted());
    o.int_field(
        "votes_left",
        u64::from(
            model
                .rules
                .votes_per_party
                .saturating_sub(game.votes_called(party)),
        ),
    );
    o.strings_field(
        "open_actions",
        (0..model.actions.len())
            .filter(|&a| !game.acted() && game.diplomacy_open(party, a).is_ok())
            .map(|a| s.actions[a].id.as_str()),
    );
    o.bool_field("may_walk_out", game.may_walk_out(party).is_ok());
    o.object_field("you", |o| {
        o.num_field("utility", eval.utility[party])
            .num_field("reservation", eval.reservation[party])
            .num_field("acceptance", eval.acceptance[party]);
        o.key("red_line_crossed");
        match eval.crossed[party] {
            Some(l) => o.string(&s.parties[party].red_lines[l].id),
            None => o.buf.extend_from_slice(b"null"),
        }
    });
    extra(&mut o);
    o.raw_field("events", events);
    o.end_line();
    buf
}

/// The proposals before the pen-holder as a field (a `revise` request).
pub(super) fn proposals_field(game: &Game, o: &mut Out<'_>) {
    let v = proposals(game);
    o.raw_field("proposals", v.to_string().as_bytes());
}

/// The proposals before the pen-holder, by index (what `adopt` names).
fn proposals(game: &Game) -> Value {
    let model = game.model();
    Value::Array(
        game.proposals()
            .iter()
            .enumerate()
            .map(|(i, pr)| {
                json!({
                    "index": i,
                    "changes": pr.changes.iter().map(|(c, o)| json!([model.scenario.clauses[c].id, model.option_id(c, o)])).collect::<Vec<_>>(),
                    "by": party_id(model, pr.by),
                    "backers": pr.backer_list().map(|p| party_id(model, p)).collect::<Vec<_>>(),
                    "package": pr.package,
                })
            })
            .collect(),
    )
}

/// The `end` notice: the state, the outcome and every party's score.
pub(super) fn end_line(game: &Game, party: usize, events: &[u8]) -> Vec<u8> {
    let model = game.model();
    let ending = game.ending();
    state_line(game, party, "end", None, events, |o| {
        o.str_field("outcome", ending.map_or("unfinished", |e| e.name()));
        o.key("walked_out");
        match ending {
            Some(crate::engine::Ending::WalkOut { party: p }) => o.string(party_id(model, p)),
            _ => o.buf.extend_from_slice(b"null"),
        }
        o.object_field("scores", |o| {
            if let Some(list) = game.scores() {
                for (p, sc) in list.iter().enumerate() {
                    o.object_field(party_id(model, p), |o| {
                        o.num_field("utility", sc.utility)
                            .num_field("reservation", sc.reservation)
                            .num_field("score", sc.score);
                    });
                }
            }
        });
    })
}
