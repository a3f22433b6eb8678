//! The documentation's worked examples, recomputed with the engine. If the model
//! or the rules change, these fail until the docs are updated.
//!
//! The examples use `tests/fixtures/orchard.ron`, a frozen copy of
//! `examples/scenarios/orchard.ron` (only its header comment differs). Every
//! figure is formatted here exactly as the docs print it, and each test lists
//! every figure the docs lack before it fails.

use backchannel::ai;
use backchannel::engine::{Action, Changes, Ending, Evaluation, Event, Game, Phase, Stance};
use backchannel::scenario::{Model, load_str};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::sync::Arc;

const EXAMPLE: &str = include_str!("../examples/scenarios/orchard.ron");
const ORCHARD: &str = include_str!("fixtures/orchard.ron");
const MODEL_MD: &str = include_str!("../docs/MODEL.md");
const RULES_MD: &str = include_str!("../docs/RULES.md");
const SCENARIOS_MD: &str = include_str!("../docs/SCENARIOS.md");

/// The seed of every worked example that plays a game.
const SEED: u64 = 3;
const NORTH: usize = 0;
const SOUTH: usize = 1;
const COOP: usize = 2;
const SPLIT: usize = 0;
const PICKERS: usize = 1;
const FEE: usize = 2;

fn orchard() -> Arc<Model> {
    Arc::new(load_str("orchard.ron", ORCHARD).expect("the doc example loads"))
}

/// What a doc page must say: every missing text is listed at the end.
struct Page {
    name: &'static str,
    text: &'static str,
    missing: Vec<String>,
}

impl Page {
    fn new(name: &'static str, text: &'static str) -> Page {
        Page {
            name,
            text,
            missing: Vec::new(),
        }
    }
    fn says(&mut self, want: impl Into<String>) {
        let want = want.into();
        if !self.text.contains(&want) {
            self.missing.push(want);
        }
    }
}

impl Drop for Page {
    fn drop(&mut self) {
        if self.missing.is_empty() {
            return;
        }
        let list = self.missing.join("\n");
        if std::thread::panicking() {
            eprintln!("{} should also say:\n{list}", self.name);
        } else {
            panic!(
                "{} should say each of these (with the numbers the engine computes):\n{}",
                self.name, list
            );
        }
    }
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-9, "{a} != {b}");
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

#[test]
fn scenarios_md_embeds_the_example_file() {
    let start = SCENARIOS_MD.find("```ron\n").expect("a ron block") + 7;
    let end = start + SCENARIOS_MD[start..].find("```").unwrap();
    assert_eq!(&SCENARIOS_MD[start..end], EXAMPLE);
    // The fixture the worked examples use is the same scenario.
    let body = |s: &'static str| s.lines().skip(2).collect::<Vec<_>>();
    assert_eq!(body(EXAMPLE), body(ORCHARD));
}

/// (b) The public acceptance of the drafted text and of two what-ifs.
#[test]
fn model_md_worked_example() {
    let m = orchard();
    let mut doc = Page::new("docs/MODEL.md", MODEL_MD);
    let ev = m.evaluate(&m.initial_package());
    doc.says(format!("**U_north = {:.2}**", ev.utility[NORTH]));
    doc.says(format!("**U_south = {:.2}**", ev.utility[SOUTH]));
    doc.says(format!("**U_coop = {:.2}**", ev.utility[COOP]));
    doc.says(format!("**a_north = {:.4}**", ev.acceptance[NORTH]));
    doc.says(format!("**a_south = {:.4}**", ev.acceptance[SOUTH]));
    doc.says(format!("**a_coop = {:.4}**", ev.acceptance[COOP]));
    doc.says(format!("**trust = {:.2}**", ev.metrics[0]));
    doc.says(format!("**L = {:.2}%**", 100.0 * ev.likelihood));
    doc.says(format!("**S = {:.3}**", ev.support));
    // The prior is the v1 formula: σ((U − mean) / spread).
    for p in [NORTH, SOUTH, COOP] {
        let party = &m.parties[p];
        close(
            ev.acceptance[p],
            logistic((ev.utility[p] - party.reservation) / party.spread),
        );
    }

    let by_work = m.evaluate(&m.package(&[("split", "by_work")]).unwrap());
    doc.says(format!("**U_north = {:.2}**", by_work.utility[NORTH]));
    doc.says(format!("**U_south = {:.2}**", by_work.utility[SOUTH]));
    doc.says(format!("**L = {:.2}%**", 100.0 * by_work.likelihood));
    doc.says(format!("**S = {:.3}**", by_work.support));

    let equal = m.evaluate(&m.package(&[("split", "equal")]).unwrap());
    assert_eq!(equal.acceptance[NORTH], 0.0);
    doc.says(format!("**L = {:.2}%**", 100.0 * equal.likelihood));
}

/// (a) The bottom lines drawn for seed 3.
#[test]
fn model_md_draw() {
    let m = orchard();
    let mut doc = Page::new("docs/MODEL.md", MODEL_MD);
    let g = Game::new(Arc::clone(&m), SEED);
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    doc.says(format!("seed {SEED}"));
    for (p, name) in ["north", "south", "coop"].iter().enumerate() {
        let u: f64 = rng.random();
        let party = &m.parties[p];
        let r = party.reservation + party.spread * (u / (1.0 - u)).ln();
        close(r, g.drawn()[p]);
        close(r, g.reservation()[p]);
        doc.says(format!("**u_{name} = {u:.4}**"));
        doc.says(format!("**R_{name} = {r:.2}**"));
    }
}

/// The round of docs/RULES.md, played step by step.
struct Played {
    game: Game,
    /// The objective values before the revision: (U_coop, S) of the draft,
    /// of South's package and of North's strike; and the neutral rule's pick.
    before: Evaluation,
    package: Evaluation,
    strike: Evaluation,
    neutral: Vec<usize>,
    /// The draft after round 1.
    after_round_1: Evaluation,
    /// What a split by trees would be worth to North after round 1 (a what-if).
    by_trees_before_vote: Evaluation,
    /// The draft and the what-if after South's vote in round 2.
    after_vote: Evaluation,
    by_trees_after_vote: Evaluation,
    /// The evaluation North refused.
    refused: Evaluation,
}

fn stance(party: usize, clause: usize, stance: Stance) -> Action {
    Action::Stance {
        party,
        clause,
        stance,
    }
}

fn play_example_round(m: &Arc<Model>) -> Played {
    let mut g = Game::new(Arc::clone(m), SEED);
    let package = Changes::new(&[(SPLIT, 2), (FEE, 1)]).unwrap();
    let struck_fee = m.clauses[FEE].struck();
    for a in [
        stance(NORTH, PICKERS, Stance::Accept),
        stance(NORTH, SPLIT, Stance::Accept),
        stance(NORTH, FEE, Stance::Strike),
        Action::EndTurn { party: NORTH },
        stance(SOUTH, PICKERS, Stance::Accept),
        Action::Table {
            party: SOUTH,
            package,
        },
        Action::EndTurn { party: SOUTH },
        stance(COOP, PICKERS, Stance::Accept),
        stance(COOP, SPLIT, Stance::Accept),
        Action::EndTurn { party: COOP },
    ] {
        g.apply(a).unwrap();
    }
    assert_eq!(g.phase(), &Phase::Revision { pen: COOP });
    assert_eq!(g.proposals().len(), 2);
    let (p0, p1) = (g.proposals()[0], g.proposals()[1]);
    assert!(p0.package && p0.by == SOUTH && p0.changes == package);
    assert!(!p1.package && p1.by == NORTH);
    assert_eq!(p1.changes.iter().collect::<Vec<_>>(), [(FEE, struck_fee)]);
    let before = g.evaluation().clone();
    let package_eval = g.what_if_changes(&[(SPLIT, 2), (FEE, 1)]);
    let strike = g.what_if_changes(&[(FEE, struck_fee)]);
    let neutral: Vec<usize> = g.broker(&|e: &Evaluation| e.support, 0.0).iter().collect();

    // The AI pen-holder's revision.
    let d = ai::revise(&g, COOP);
    let Action::Revise { adopt, .. } = d.action else {
        panic!("the pen revises");
    };
    assert_eq!(adopt.iter().collect::<Vec<_>>(), [0]);
    g.apply(d.action).unwrap();
    let revised: Vec<(usize, usize, usize, Option<usize>)> = g
        .journal()
        .iter()
        .filter_map(|e| match *e {
            Event::ClauseRevised {
                clause,
                from,
                to,
                proposer,
                ..
            } => Some((clause, from, to, proposer)),
            _ => None,
        })
        .collect();
    assert_eq!(
        revised,
        [(SPLIT, 0, 2, Some(SOUTH)), (FEE, 0, 1, Some(SOUTH))]
    );
    assert!(
        g.journal()
            .iter()
            .any(|e| matches!(e, Event::ClauseAgreed { clause, .. } if *clause == PICKERS))
    );
    assert_eq!(g.round(), 2);
    assert!(
        g.fired(m.event_index("hail").unwrap()),
        "the hailstorm fires in round 2"
    );
    let after_round_1 = g.history().last().unwrap().1.clone();

    // Round 2: North ends its turn; South calls a vote; North refuses.
    let by_trees_before_vote = g.what_if(SPLIT, 0);
    g.apply(Action::EndTurn { party: NORTH }).unwrap();
    g.apply(Action::CallVote { party: SOUTH }).unwrap();
    let refused = g.evaluation().clone();
    let mut order = Vec::new();
    while let Phase::Vote { .. } = g.phase() {
        let p = g.to_move().unwrap();
        order.push((p, refused.would_sign(p)));
        g.apply(Action::Vote {
            party: p,
            sign: refused.would_sign(p),
        })
        .unwrap();
    }
    assert_eq!(order, [(SOUTH, true), (COOP, true), (NORTH, false)]);
    assert_eq!(g.to_move(), Some(SOUTH), "South's turn goes on");
    let after_vote = g.evaluation().clone();
    let by_trees_after_vote = g.what_if(SPLIT, 0);
    Played {
        game: g,
        before,
        package: package_eval,
        strike,
        neutral,
        after_round_1,
        by_trees_before_vote,
        after_vote,
        by_trees_after_vote,
        refused,
    }
}

/// (d) The pen-holder's revision, with the objective values.
#[test]
fn rules_md_example_round() {
    let m = orchard();
    let mut doc = Page::new("docs/RULES.md", RULES_MD);
    let mut model_doc = Page::new("docs/MODEL.md", MODEL_MD);
    let played = play_example_round(&m);
    let w = m.rules.pen_weight;
    doc.says(format!("seed {SEED}"));
    doc.says(format!("`pen_weight` {w}"));
    for (e, name) in [
        (&played.before, "draft"),
        (&played.package, "package"),
        (&played.strike, "strike"),
    ] {
        let obj = e.utility[COOP] + w * e.support;
        doc.says(format!(
            "{name}: {:.2} + {w} × ({:.3}) = **{:.2}**",
            e.utility[COOP], e.support, obj
        ));
    }
    // Both proposals raise the support; they touch the same clause, so the
    // neutral rule would adopt only the best, the package.
    assert!(played.strike.support > played.before.support);
    assert_eq!(played.neutral, [0]);
    let r1 = &played.after_round_1;
    doc.says(format!(
        "deal likelihood is **{:.2}%**",
        100.0 * r1.likelihood
    ));
    doc.says(format!("Trust is **{:.2}**", r1.metrics[0]));

    // South's utility after round 1, as MODEL.md prints its breakdown.
    let mut g = Game::new(Arc::clone(&m), SEED);
    for a in &played.game.log()[..11] {
        g.apply(*a).unwrap();
    }
    assert_eq!(g.round(), 2);
    let breakdown = g.explain_utility(SOUTH).render();
    model_doc.says(breakdown.trim_end());
    close(
        g.explain_utility(SOUTH).total(),
        g.evaluation().utility[SOUTH],
    );
    let trust = g.explain_metric(0);
    close(trust.total(), trust.value);
}

/// (c) A refused vote's Bayes update.
#[test]
fn model_md_refused_vote() {
    let m = orchard();
    let mut doc = Page::new("docs/MODEL.md", MODEL_MD);
    let played = play_example_round(&m);
    let g = &played.game;
    let (mean, spread) = (m.parties[NORTH].reservation, m.parties[NORTH].spread);
    let u0 = played.refused.utility[NORTH];
    doc.says(format!("**U_north = {u0:.2}**"));
    doc.says(format!("**R_north = {:.2}**", g.drawn()[NORTH]));
    // What the vote revealed.
    let b = g.belief()[NORTH];
    close(b.lo, u0);
    assert_eq!(b.hi, f64::INFINITY);
    close(g.belief()[SOUTH].hi, played.refused.utility[SOUTH]);
    close(g.belief()[COOP].hi, played.refused.utility[COOP]);
    doc.says(format!("**L = {:.2}%**", 100.0 * played.refused.likelihood));
    assert_eq!(played.after_vote.acceptance[NORTH], 0.0);
    assert_eq!(played.after_vote.acceptance[SOUTH], 1.0);
    assert_eq!(played.after_vote.acceptance[COOP], 1.0);
    doc.says(format!(
        "**L = {:.2}%**",
        100.0 * played.after_vote.likelihood
    ));
    // A split by trees, before and after the refusal.
    let u = played.by_trees_after_vote.utility[NORTH];
    close(u, played.by_trees_before_vote.utility[NORTH]);
    let z = |x: f64| (x - mean) / spread;
    let prior = logistic(z(u));
    close(prior, played.by_trees_before_vote.acceptance[NORTH]);
    let post = (logistic(z(u)) - logistic(z(u0))) / (1.0 - logistic(z(u0)));
    close(post, played.by_trees_after_vote.acceptance[NORTH]);
    doc.says(format!("**U_north = {u:.2}**"));
    doc.says(format!("σ({:.3}) = **{prior:.4}**", z(u)));
    doc.says(format!(
        "(σ({:.3}) − σ({:.3})) / (1 − σ({:.3})) = ({:.4} − {:.4}) / {:.4} = **{post:.4}**",
        z(u),
        z(u0),
        z(u0),
        logistic(z(u)),
        logistic(z(u0)),
        1.0 - logistic(z(u0)),
    ));
}

/// The orchard with a price on time: the cost of delay and a costed action.
const COST: (&str, &str) = (
    "limit: 1, effects: [(metric: \"trust\", delta: 4)]),",
    "limit: 1, cost: 0.5, effects: [(metric: \"trust\", delta: 4)]),",
);
const DELAY: (&str, &str) = (
    "walkout_penalty: -1,\n",
    "walkout_penalty: -1,\n        each_round: (reservation: {\"north\": -0.5, \"south\": -0.5, \"coop\": -1}),\n",
);

/// (e) Scores against the starting bottom line, with a diplomatic cost, a
/// posture and the cost of delay run to the deadline.
#[test]
fn model_md_scores() {
    let mut doc = Page::new("docs/MODEL.md", MODEL_MD);
    for (from, to) in [COST, DELAY] {
        assert!(ORCHARD.contains(from));
        doc.says(to.trim().replace("\n        ", " "));
    }
    let text = ORCHARD.replace(COST.0, COST.1).replace(DELAY.0, DELAY.1);
    let m = Arc::new(load_str("orchard-delay.ron", &text).expect("loads"));
    let mut g = Game::new(Arc::clone(&m), SEED);
    let cider = m.action_index("cider").unwrap();
    let threat = m.action_index("sell_alone").unwrap();
    for a in [
        Action::Diplomacy {
            party: NORTH,
            action: cider,
        },
        Action::EndTurn { party: NORTH },
        Action::EndTurn { party: SOUTH },
        Action::EndTurn { party: COOP },
        Action::Diplomacy {
            party: NORTH,
            action: threat,
        },
        Action::EndTurn { party: NORTH },
        Action::WalkOut { party: SOUTH },
    ] {
        g.apply(a).unwrap();
    }
    assert_eq!(g.ending(), Some(Ending::WalkOut { party: SOUTH }));
    assert_eq!((g.round(), g.deadline()), (2, 4));
    let scores = g.scores().unwrap();
    for (p, name) in ["north", "south", "coop"].iter().enumerate() {
        let s = scores[p];
        close(s.reservation, g.drawn()[p]);
        doc.says(format!(
            "{name}: final **{:.2}**, started at **{:.2}**, score **{:.2}**",
            s.utility, s.reservation, s.score
        ));
    }
    // North's bottom line in force counts its threat; what no deal is worth does not.
    doc.says(format!(
        "North's bottom line in force is {:.2}",
        g.reservation()[NORTH]
    ));
    close(g.reservation()[NORTH], g.drawn()[NORTH] - 0.5 + 1.0);
    close(g.no_deal_value(NORTH), g.drawn()[NORTH] - 0.5 - 2.0 * 0.5);
    close(scores[NORTH].utility, g.no_deal_value(NORTH) - 0.5);
    close(scores[SOUTH].utility, g.no_deal_value(SOUTH) - 1.0);
}
