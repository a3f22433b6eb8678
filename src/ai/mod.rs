//! The AI negotiators: seat policies driven by a party's utilities, red lines,
//! reservation and personality (docs/AI.md).
//!
//! A seat decides from the public game state and its own party's numbers. Every
//! random draw comes from the seat's own ChaCha8 stream (see [`seat_rng`]); the
//! engine's RNG is never touched, so replaying the action log needs no AI.

pub mod bots;
pub mod brain;
pub mod reason;

pub use brain::{Assessment, Brain, View};
pub use reason::Reason;

use crate::core::Model;
use crate::core::PartyVec;
use crate::core::schema::Personality;
use crate::engine::{
    Action, Changes, Evaluation, Event, Game, Phase, RED_LINE_PENALTY, Stance, falls_on,
};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::sync::Arc;

/// One move and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub action: Action,
    pub reason: Reason,
}

/// The numbers of a personality (see `scenario::schema::Personality`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    pub tolerance: f64,
    pub concession: f64,
    pub cooperation: f64,
    pub activity: f64,
    pub walkout_below: f64,
    pub vote_at: f64,
    pub noise: f64,
    pub anchor: u32,
}

impl From<&Personality> for Params {
    fn from(p: &Personality) -> Params {
        Params {
            tolerance: p.tolerance,
            concession: p.concession,
            cooperation: p.cooperation,
            activity: p.activity,
            walkout_below: p.walkout_below,
            vote_at: p.vote_at,
            noise: p.noise,
            anchor: p.anchor,
        }
    }
}

impl Default for Params {
    /// The schema's defaults, for a scenario without personalities.
    fn default() -> Params {
        Params {
            tolerance: 1.0,
            concession: 0.0,
            cooperation: 0.5,
            activity: 0.5,
            walkout_below: 0.0,
            vote_at: 0.5,
            noise: 0.0,
            anchor: 0,
        }
    }
}

/// An AI seat: a party, a personality, and the scenario's tables.
#[derive(Debug, Clone)]
pub struct AiSeat {
    pub party: usize,
    /// The personality's id ("default" when the scenario has none).
    pub personality: String,
    pub params: Params,
    brain: Arc<Brain>,
    /// The party's assessments of the clauses whose red lines read only
    /// wordings ([`Brain::tabulate`] for this personality).
    table: Arc<[Assessment]>,
    /// The same for its opening rounds (`anchor` > 0): its own best wordings.
    opening: Option<Arc<[Assessment]>>,
}

impl AiSeat {
    /// The seat with the party's default personality (the scenario's `ai:` line),
    /// or the named one.
    pub fn new(
        model: &Model,
        brain: Arc<Brain>,
        party: usize,
        personality: Option<&str>,
    ) -> Result<AiSeat, String> {
        let list = &model.scenario.personalities;
        let index = match personality {
            Some(id) => Some(list.iter().position(|p| p.id == id).ok_or_else(|| {
                let known: Vec<&str> = list.iter().map(|p| p.id.as_str()).collect();
                format!(
                    "unknown personality '{id}'; this scenario has: {}",
                    if known.is_empty() {
                        "none".into()
                    } else {
                        known.join(", ")
                    }
                )
            })?),
            None => model.parties[party].personality,
        };
        let (personality, params) = match index {
            Some(i) => (list[i].id.clone(), Params::from(&list[i])),
            None => ("default".to_string(), Params::default()),
        };
        Ok(AiSeat {
            party,
            personality,
            table: brain
                .tabulate(model, party, params.cooperation, false)
                .into(),
            opening: (params.anchor > 0).then(|| {
                brain
                    .tabulate(model, party, params.cooperation, true)
                    .into()
            }),
            params,
            brain,
        })
    }

    pub fn brain(&self) -> &Brain {
        &self.brain
    }

    /// What the seat makes of an open clause at the draft's wording.
    #[inline]
    pub fn assess(&self, game: &Game, clause: usize) -> Assessment {
        let (anchor, table) = match &self.opening {
            Some(t) if game.round() <= self.params.anchor => (true, t),
            _ => (false, &self.table),
        };
        let view = View {
            party: self.party,
            coop: self.params.cooperation,
            anchor,
            options: game.options(),
            metrics: &game.evaluation().metrics,
        };
        self.brain.assess(game.model(), table, view, clause)
    }
}

/// The seat's own random stream: the game seed mixed with the party's id, so
/// seats never share draws and adding a party does not reshuffle the others.
pub fn seat_rng(seed: u64, model: &Model, party: usize) -> ChaCha8Rng {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in model.scenario.parties[party].id.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ h);
    rng.set_stream(1 + party as u64);
    rng
}

/// A draw in −noise..noise.
#[inline]
fn jitter(rng: &mut ChaCha8Rng, noise: f64) -> f64 {
    if noise == 0.0 {
        return 0.0;
    }
    noise * (2.0 * rng.random::<f64>() - 1.0)
}

/// How much utility the party gives up by this round.
#[inline]
fn slack(game: &Game, params: &Params) -> f64 {
    params.concession * f64::from(game.round().saturating_sub(1))
}

/// Plan the rest of the party's turn. Call when `game.to_move()` is the seat's
/// party in the turn phase. The plan ends with `EndTurn`, or with `CallVote`
/// (or `WalkOut`) after which the caller asks again once the vote is over.
pub fn plan_turn(game: &Game, seat: &AiSeat, rng: &mut ChaCha8Rng) -> Vec<Decision> {
    let mut out = Vec::new();
    plan_turn_into(game, seat, rng, &mut out);
    out
}

/// [`plan_turn`] into a reused buffer (cleared first): the sweep's hot path.
pub fn plan_turn_into(game: &Game, seat: &AiSeat, rng: &mut ChaCha8Rng, out: &mut Vec<Decision>) {
    out.clear();
    let party = seat.party;
    if game.to_move() != Some(party) || !matches!(game.phase(), Phase::Turns) {
        return;
    }
    let model = &**game.model();
    let params = &seat.params;
    if let Some(d) = walk_out(game, seat) {
        out.push(d);
        return;
    }
    let threshold_base = params.tolerance + slack(game, params);
    for clause in game.open_clauses() {
        let threshold = threshold_base + jitter(rng, params.noise);
        if let Some(d) = stance(game, model, seat, clause, threshold)
            && game.stance(party, clause) != Some(stance_of(&d.action))
        {
            out.push(d);
        }
    }
    if !game.acted() && params.activity > 0.0 && rng.random::<f64>() < params.activity {
        // Drawn before deciding, so the stream does not depend on what is available.
        if let Some(d) = diplomacy(game, model, seat) {
            out.push(d);
        }
    }
    if let Some(d) = logroll(game, model, seat) {
        out.push(d);
    }
    if let Some(d) = call_vote(game, seat) {
        out.push(d);
        return;
    }
    out.push(Decision {
        action: Action::EndTurn { party },
        reason: Reason::Done,
    });
}

fn stance_of(action: &Action) -> Stance {
    match *action {
        Action::Stance { stance, .. } => stance,
        _ => Stance::Reject,
    }
}

/// The stance on one open clause.
fn stance(
    game: &Game,
    model: &Model,
    seat: &AiSeat,
    clause: usize,
    threshold: f64,
) -> Option<Decision> {
    let party = seat.party;
    let Assessment {
        crossed,
        gap,
        proposal,
    } = seat.assess(game, clause);
    if crossed.is_none() && gap <= threshold {
        let reason = if gap <= 0.0 {
            Reason::Preferred { clause }
        } else {
            Reason::Within {
                clause,
                gap,
                threshold,
            }
        };
        return Some(Decision {
            action: Action::Stance {
                party,
                clause,
                stance: Stance::Accept,
            },
            reason,
        });
    }
    if let Some((o, gain, others)) = proposal {
        let stance = if o == model.clauses[clause].struck() {
            Stance::Strike
        } else {
            Stance::Propose(o)
        };
        let action = Action::Stance {
            party,
            clause,
            stance,
        };
        // The engine decides what is legal (linkage, strikability...); a
        // stance the seat already holds stands as it is. It is the seat's
        // turn, so the clause's own terms are all `check` would add.
        if game.stance(party, clause) == Some(stance) || game.stance_open(clause, stance).is_ok() {
            let reason = match crossed {
                Some(line) => Reason::RedLine { clause, line },
                None => Reason::Gain {
                    clause,
                    gain,
                    others,
                },
            };
            return Some(Decision { action, reason });
        }
    }
    let reason = match crossed {
        Some(line) => Reason::RedLine { clause, line },
        None => Reason::TooCostly {
            clause,
            gap,
            threshold,
        },
    };
    Some(Decision {
        action: Action::Stance {
            party,
            clause,
            stance: Stance::Reject,
        },
        reason,
    })
}

/// The diplomatic action worth most to the party, if any is worth more than
/// it costs (docs/AI.md, "Diplomacy"). Metric effects are valued by its
/// weights; a shift that lowers others' bottom lines helps a deal it wants,
/// valued by how far the draft clears its own bottom line; a shift of its own
/// bottom line is a posture: raising it is a commitment only a hard seat
/// values (and only while the talks are young), lowering it is a loss; a
/// shift whose condition does not hold is worth nothing.
fn diplomacy(game: &Game, model: &Model, seat: &AiSeat) -> Option<Decision> {
    let party = seat.party;
    let coop = seat.params.cooperation;
    let np = model.parties.len();
    let weights = &model.parties[party].weights;
    let eval = game.evaluation();
    // Valued from public numbers only (its utility against the public
    // estimate of its bottom line), so taking an action reveals nothing the
    // table does not already know and the public deal likelihood stays exact.
    let margin = (eval.utility[party] - game.belief()[party].mean).max(0.0);
    let young = game.round() * 2 <= game.deadline();
    let mut best: Option<(usize, f64)> = None;
    for (i, a) in model.actions.iter().enumerate() {
        // Called only before the seat's action of this turn, in its turn: the
        // action's own terms are all `check` would add.
        if game.diplomacy_open(party, i).is_err() {
            continue;
        }
        let mut value: f64 = a.effects.iter().map(|&(m, d)| weights[m] * d).sum();
        value -= a.cost;
        let credible = a.when.as_ref().is_none_or(|c| game.draft().holds(c));
        if credible {
            for &(target, d) in &a.shifts {
                for q in 0..np {
                    if !falls_on(model, target, party, q) {
                        continue;
                    }
                    if q == party {
                        value += if d > 0.0 && young {
                            d * (0.5 - coop).max(0.0)
                        } else {
                            -d.abs() * 0.5
                        };
                    } else if game.needs(q) {
                        // Others lowering theirs makes a deal on this text likelier.
                        value -= d * (0.1 + margin / 10.0).min(1.0) / (np - 1).max(1) as f64;
                    }
                }
            }
        }
        if value > 0.1 && best.is_none_or(|(_, b)| value > b) {
            best = Some((i, value));
        }
    }
    best.map(|(action, value)| Decision {
        action: Action::Diplomacy { party, action },
        reason: Reason::Diplomacy { value },
    })
}

/// A logroll (docs/AI.md, "Packages"): the wording it wants most on one
/// clause, paired with a concession on a clause it values less and the
/// others value more, tabled together if the pair leaves the public chance
/// of a deal no lower than the wording alone would.
pub fn logroll(game: &Game, model: &Model, seat: &AiSeat) -> Option<Decision> {
    let party = seat.party;
    // Opening rounds (its `anchor`): positions, not concessions.
    if model.rules.package_size < 2
        || game.package(party).is_some()
        || game.round() <= seat.params.anchor
    {
        return None;
    }
    let brain = seat.brain();
    let np = model.parties.len();
    let options = game.options();
    // What it wants most: its own proposal with the largest gain.
    let mut want: Option<(usize, usize, f64)> = None;
    for c in game.open_clauses() {
        if let Some((o, gain, _)) = seat.assess(game, c).proposal
            && gain > 0.0
            && want.is_none_or(|(_, _, g)| gain > g)
        {
            want = Some((c, o, gain));
        }
    }
    let (wc, wo, gain) = want?;
    // What it gives: the wording the others gain most from per point it loses.
    let others = |c: usize, o: usize| -> f64 {
        (0..np)
            .filter(|&q| q != party)
            .map(|q| brain.value(q, c, o) - brain.value(q, c, options[c]))
            .sum::<f64>()
            / (np - 1).max(1) as f64
    };
    let mut give: Option<(usize, usize, f64, f64)> = None;
    for c in game.open_clauses() {
        if c == wc {
            continue;
        }
        let cm = &model.clauses[c];
        let n = if cm.strikable {
            cm.options.len()
        } else {
            cm.variants
        };
        for o in 0..n {
            if o == options[c] {
                continue;
            }
            let cost = brain.value(party, c, options[c]) - brain.value(party, c, o);
            let theirs = others(c, o);
            if cost < 0.0 || cost > gain * 0.6 || theirs <= cost {
                continue;
            }
            if brain
                .crosses(model, party, c, o, options, &game.evaluation().metrics)
                .is_some()
                || brain
                    .crosses_other(model, party, c, o, options, &game.evaluation().metrics)
                    .is_some()
            {
                continue;
            }
            let ratio = theirs - cost;
            if give.is_none_or(|(_, _, r, _)| ratio > r) {
                give = Some((c, o, ratio, cost));
            }
        }
    }
    let (gc, go, _, cost) = give?;
    let package = Changes::new(&[(wc, wo), (gc, go)])?;
    game.package_open(package).ok()?;
    let alone = game.what_if_changes(&[(wc, wo)]).likelihood;
    let after = game.what_if_changes(&[(wc, wo), (gc, go)]);
    if after.likelihood < alone || after.crossed[party].is_some() {
        return None;
    }
    Some(Decision {
        action: Action::Table { party, package },
        reason: Reason::Logroll {
            gain,
            cost,
            before: game.evaluation().likelihood,
            after: after.likelihood,
        },
    })
}

/// Whether the party called a vote earlier in this same turn.
fn called_this_turn(game: &Game, party: usize) -> bool {
    for e in game.journal().iter().rev() {
        match e {
            Event::VoteCalled { party: Some(p) } if *p == party => return true,
            Event::TurnEnded { .. } | Event::RoundStarted { .. } => return false,
            _ => {}
        }
    }
    false
}

/// The public chance that every other signatory signs the draft as it stands.
pub fn others_sign(game: &Game, party: usize) -> f64 {
    let eval = game.evaluation();
    (0..eval.acceptance.len())
        .filter(|&q| eval.needs(q) && q != party)
        .map(|q| eval.acceptance[q])
        .product()
}

/// Call a vote when the public chance that it signs is at least a half and
/// the public chance that all the others sign is at least its `vote_at`
/// (docs/AI.md, "Votes"). In the last round the deadline's final vote comes
/// anyway, so it spends no vote on it.
fn call_vote(game: &Game, seat: &AiSeat) -> Option<Decision> {
    let party = seat.party;
    let eval = game.evaluation();
    let vote_at = seat.params.vote_at;
    let others = others_sign(game, party);
    // Decided on public numbers only (the public chance that it signs
    // itself stands in for what it knows), so that not calling reveals
    // nothing the table's estimate leaves out; its vote then tells the truth.
    if vote_at <= 0.0
        || others < vote_at
        || eval.acceptance[party] < 0.5
        || (game.model().rules.final_vote && game.round() >= game.deadline())
        || game.check(&Action::CallVote { party }).is_err()
        || called_this_turn(game, party)
    {
        return None;
    }
    Some(Decision {
        action: Action::CallVote { party },
        reason: Reason::Likely {
            likelihood: others,
            vote_at,
        },
    })
}

/// Walk out when the public chance of a deal has stayed below its
/// `walkout_below` for two readings (the last round's end and now).
fn walk_out(game: &Game, seat: &AiSeat) -> Option<Decision> {
    let below = seat.params.walkout_below;
    let party = seat.party;
    if below <= 0.0 || game.check(&Action::WalkOut { party }).is_err() {
        return None;
    }
    // The text has turned against it: the public chance that it signs
    // (0 while one of its red lines is crossed) has stayed below its
    // threshold at this round's start and the last round's end. Public
    // numbers only, like the vote call: leaving reveals nothing the
    // table's estimate leaves out.
    let eval = game.evaluation();
    let now = eval.acceptance[party];
    let before = game
        .history()
        .last()
        .map_or(1.0, |(_, e)| e.acceptance[party]);
    if now < below && before < below {
        Some(Decision {
            action: Action::WalkOut { party },
            reason: Reason::Hopeless {
                acceptance: now,
                below,
            },
        })
    } else {
        None
    }
}

/// How the party votes: it signs if and only if no red line is crossed and
/// the text reaches its true bottom line. No dice.
pub fn vote(game: &Game, seat: &AiSeat) -> Decision {
    let party = seat.party;
    let eval = game.evaluation();
    if let Some(line) = eval.crossed[party] {
        return Decision {
            action: Action::Vote { party, sign: false },
            reason: Reason::Crossed { line },
        };
    }
    let sign = eval.would_sign(party);
    Decision {
        action: Action::Vote { party, sign },
        reason: if sign { Reason::Sign } else { Reason::Short },
    }
}

/// What a revision costs in the pen's eyes for the red lines of needed
/// parties it would newly cross (`now`: each party's red lines crossed by
/// the text as it stands): [`RED_LINE_PENALTY`] nats each, on top of the
/// support's own penalty.
pub fn fresh_harm(now: &[u64], e: &Evaluation) -> f64 {
    let fresh: u32 = e
        .lines
        .iter()
        .zip(now)
        .enumerate()
        .filter(|&(p, _)| e.needs(p))
        .map(|(_, (l, n))| (l & !n).count_ones())
        .sum();
    RED_LINE_PENALTY * f64::from(fresh)
}

/// The AI pen-holder's revision: a broker with interests. It writes in the
/// proposals that raise its own utility plus `rules.pen_weight` times the
/// natural log of the public chance of a deal (the table's support), best
/// first (docs/AI.md, "The pen").
pub fn revise(game: &Game, party: usize) -> Decision {
    let w = game.model().rules.pen_weight;
    // First, do no harm: a red line the text does not cross now counts
    // twice if a revision would cross it (docs/AI.md, "The pen-holder"), so
    // the pen does not trade one party's grievance for another's.
    let now: PartyVec<u64> = game.evaluation().lines.clone();
    let objective = move |e: &Evaluation| e.utility[party] + w * (e.support - fresh_harm(&now, e));
    let before = objective(game.evaluation());
    let adopt = game.broker(&objective, 0.0);
    let after = if adopt.is_empty() {
        before
    } else {
        let mut changes = Vec::new();
        for i in adopt.iter() {
            changes.extend(game.proposals()[i].changes.iter());
        }
        let e = game.what_if_changes(&changes);
        objective(&e)
    };
    Decision {
        action: Action::Revise { party, adopt },
        reason: Reason::Pen {
            adopted: adopt.len(),
            proposals: game.proposals().len(),
            gain: after - before,
        },
    }
}
