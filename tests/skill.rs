//! Statistical tests over seeded games (docs/AI.md, "Skill"; docs/MODEL.md,
//! "Calibration"): how the reference bots fare against the default AI in one
//! chair, whether the public deal likelihood means what it says, that deals
//! come from the text, and that signing is no dice roll.
//!
//! Every figure here is deterministic (seeded games); the thresholds leave
//! room of about two standard errors where a comparison is close.

use backchannel::ai::bots::BotKind;
use backchannel::ai::{self, AiSeat, Brain};
use backchannel::engine::{Game, Phase};
use backchannel::runner::skill::{self, Seen, paired};
use backchannel::scenario::{Model, load_str, open};
use backchannel::table::SeatPolicy;
use std::sync::Arc;

const RUNS: u64 = 500;

/// Seeds for the plan28 pen-holder's comparison.
const PEN_RUNS: u64 = 2000;

fn with(model: &Arc<Model>, party: &str, policy: &str) -> Vec<Seen> {
    let p = model.find_party(party).unwrap();
    skill::play(model, &[(p, policy.parse().unwrap())], RUNS, 1)
}

fn score(model: &Model, games: &[Seen], party: &str) -> f64 {
    skill::mean_score(games, model.find_party(party).unwrap())
}

/// expert > default AI > greedy in mean score (paired over seeds); accept-all
/// and reject-all average at most 0; a seat that only calls a late vote
/// scores below the AI.
fn skill_pays(m: &Arc<Model>, base: &[Seen], party: &str) {
    let p = m.find_party(party).unwrap();
    let expert = with(m, party, "bot:expert");
    let greedy = with(m, party, "bot:greedy");
    let (over_ai, se1) = paired(&expert, base, p);
    let (over_greedy, se2) = paired(base, &greedy, p);
    let accept = score(m, &with(m, party, "bot:accept_all"), party);
    let reject = score(m, &with(m, party, "bot:reject_all"), party);
    let voter = score(m, &with(m, party, "bot:voter"), party);
    let default = score(m, base, party);
    eprintln!(
        "{party}: expert − AI {over_ai:+.2} ± {se1:.2}, AI − greedy {over_greedy:+.2} ± {se2:.2}, \
         AI {default:+.2}, accept-all {accept:+.2}, reject-all {reject:+.2}, voter {voter:+.2}"
    );
    assert!(
        over_ai > 0.0,
        "{party}: the expert does not beat the AI: {over_ai} ± {se1}"
    );
    assert!(over_greedy > 0.0, "{party}: the AI does not beat greedy");
    assert!(accept <= 0.0, "{party}: accepting everything pays {accept}");
    assert!(reject <= 0.0, "{party}: refusing everything pays {reject}");
    assert!(
        voter < default,
        "{party}: a late voter ({voter}) matches the AI"
    );
}

#[test]
fn plan28_skill_table() {
    let m = Arc::new(open("plan28").unwrap());
    let base = skill::play(&m, &[], RUNS, 1);
    skill_pays(&m, &base, "ua");
    skill_pays(&m, &base, "ru");
    // The signed text depends on the seat's play.
    let ru = m.find_party("ru").unwrap();
    let diff = skill::text_difference(
        &skill::play(&m, &[(ru, SeatPolicy::Bot(BotKind::AcceptAll))], RUNS, 1),
        &base,
    );
    assert!(
        diff >= 3.0,
        "Russia accepting everything changes {diff} clauses"
    );
    // The pen matters: the expert pen beats the AI's, a passive pen gets no deal.
    // Its lead (0.46 ± 0.10 at 10,000 seeds) is about one standard error
    // over 500 seeds, so this comparison plays 2,000.
    let us = m.find_party("us").unwrap();
    let (over_ai, se) = paired(
        &skill::play(&m, &[(us, SeatPolicy::Bot(BotKind::Expert))], PEN_RUNS, 1),
        &skill::play(&m, &[], PEN_RUNS, 1),
        us,
    );
    eprintln!("us: expert pen − AI {over_ai:+.2} ± {se:.2}");
    assert!(
        over_ai > 0.0,
        "the expert pen does not beat the AI's: {over_ai} ± {se}"
    );
    let passive = with(&m, "us", "bot:accept_all");
    let us_passive = score(&m, &passive, "us");
    let us_default = score(&m, &base, "us");
    assert!(
        us_passive < us_default - 2.0,
        "the US: a passive pen ({us_passive}) against the AI's ({us_default})"
    );
    assert!(skill::deal_rate(&passive) < 0.05);
    let rate = skill::deal_rate(&base);
    assert!((0.10..=0.60).contains(&rate), "plan28 deal rate {rate}");
}

#[test]
fn tutorial_skill_table() {
    let m = Arc::new(open("tutorial").unwrap());
    let base = skill::play(&m, &[], RUNS, 1);
    skill_pays(&m, &base, "mill");
    // The Board holds the pen: the expert pen beats the AI's, which beats greedy's.
    let board = m.find_party("board").unwrap();
    let (over_ai, _) = paired(&with(&m, "board", "bot:expert"), &base, board);
    let (over_greedy, _) = paired(&base, &with(&m, "board", "bot:greedy"), board);
    eprintln!("board: expert − AI {over_ai:+.2}, AI − greedy {over_greedy:+.2}");
    assert!(over_ai > 0.0 && over_greedy > 0.0);
}

/// The public deal likelihood at round ends against whether every
/// party the text needs would in fact sign it: within 5 points plus 2.5
/// standard errors in every decile with at least 100 samples.
#[test]
fn plan28_public_likelihood_is_calibrated() {
    let m = Arc::new(open("plan28").unwrap());
    let games = skill::play(&m, &[], 2000, 7);
    for d in skill::calibration(&games) {
        eprintln!(
            "{:.1}: {} samples, shown {:.3}, would sign {:.3}",
            d.from, d.samples, d.shown, d.signed
        );
        if d.samples >= 100 {
            // Within 5 points plus 2.5 standard errors of the share.
            let p = d.signed.clamp(0.05, 0.95);
            let se = (p * (1.0 - p) / d.samples as f64).sqrt();
            assert!(
                (d.shown - d.signed).abs() <= 0.05 + 2.5 * se,
                "decile {:.1}: shown {:.3}, signed {:.3}",
                d.from,
                d.shown,
                d.signed
            );
        }
    }
}

/// With every diplomatic action taken out of the scenario, the all-AI deal
/// rate keeps at least half its value: deals come from the text.
#[test]
fn plan28_deals_come_from_the_text() {
    let text = std::fs::read_to_string("scenarios/plan28.ron").unwrap();
    let (head, tail) = text.split_at(text.find("    actions: [").unwrap());
    let rules = tail.find("    rules: (").unwrap();
    let bare = format!("{head}    actions: [],\n\n{}", &tail[rules..]);
    let m = Arc::new(open("plan28").unwrap());
    let none = Arc::new(load_str("plan28-no-actions.ron", &bare).unwrap());
    let with = skill::deal_rate(&skill::play(&m, &[], 1000, 3));
    let without = skill::deal_rate(&skill::play(&none, &[], 1000, 3));
    eprintln!("deal rate with diplomacy {with:.3}, without {without:.3}");
    assert!(without >= with / 2.0, "{without} vs {with}");
}

/// No dice at the vote: an AI seat asked to sign the same draft twice gives
/// the same answer, and signs exactly when the text reaches its bottom line
/// with no red line crossed.
#[test]
fn signing_is_no_dice_roll() {
    let m = Arc::new(open("plan28").unwrap());
    let brain = Arc::new(Brain::new(&m));
    let mut votes = 0;
    for seed in 0..200u64 {
        let mut t = backchannel::table::Table::new(
            Arc::clone(&m),
            seed,
            (0..4).map(|_| SeatPolicy::Ai(None)).collect(),
            Default::default(),
        )
        .unwrap();
        while t.game().ending().is_none() {
            let g: &Game = t.game();
            if let (Phase::Vote { .. }, Some(p)) = (g.phase(), g.to_move()) {
                let seat = AiSeat::new(&m, Arc::clone(&brain), p, None).unwrap();
                let a = ai::vote(g, &seat);
                let b = ai::vote(g, &seat);
                assert_eq!(a.action, b.action);
                let signs = matches!(
                    a.action,
                    backchannel::engine::Action::Vote { sign: true, .. }
                );
                assert_eq!(signs, g.evaluation().would_sign(p));
                votes += 1;
            }
            if t.step().is_err() {
                break;
            }
        }
    }
    assert!(votes > 50, "only {votes} votes seen");
}
