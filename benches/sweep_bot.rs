//! A long-lived Python bot in a sweep (SPEC §9 bar: `examples/bot.py` in one
//! seat of the flagship, ≥ 1,000 games/s on 2 cores). Run:
//! `cargo bench --bench sweep_bot`.
//!
//! Plays what `backchannel sweep plan28 --runs 10000 --jobs 2 --seat
//! ua=exec:"python3 examples/bot.py"` plays: two jobs, each with one bot
//! process that plays its games over one pipe. Several repetitions, each on
//! fresh bot processes (their start is counted), with the median, best and
//! worst: a shared machine's noise shows as spread. Also on 1 job, for the
//! latency of one pipe. Every game must finish without a forfeit.

use backchannel::runner::{Policy, sweep};
use backchannel::scenario::{BUNDLED, load_str};
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

const RUNS: u64 = 10_000;
const REPS: usize = 5;

fn main() {
    if !Command::new("python3")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        println!("sweep_bot: python3 is missing, nothing measured");
        return;
    }
    let b = BUNDLED
        .iter()
        .find(|b| b.file.ends_with("plan28.ron"))
        .expect("the flagship is bundled");
    let model = Arc::new(load_str(b.file, b.text).expect("bundled scenario loads"));
    let ua = model.party_index("ua").expect("plan28 has Ukraine");
    let bot = format!("python3 {}/examples/bot.py", env!("CARGO_MANIFEST_DIR"));
    let seats = sweep::seats(&model, &[(ua, Policy::Exec(bot))]).expect("seats");
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "load average before: {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    for jobs in [2, 1] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build()
            .expect("thread pool");
        let runs = if jobs == 1 { RUNS / 2 } else { RUNS };
        let mut rates: Vec<f64> = (0..REPS)
            .map(|_| {
                let t = Instant::now();
                let results = pool
                    .install(|| sweep::run_checked(&model, &seats, runs, 1, |_| {}))
                    .expect("the sweep runs");
                assert_eq!(results.len() as u64, runs);
                let forfeits = results.iter().filter(|r| r.forfeit.is_some()).count();
                assert_eq!(forfeits, 0, "games forfeited by the bot");
                runs as f64 / t.elapsed().as_secs_f64()
            })
            .collect();
        let each: Vec<String> = rates.iter().map(|r| format!("{r:.0}")).collect();
        rates.sort_by(f64::total_cmp);
        println!(
            "sweep plan28 with examples/bot.py as ua, {runs} games × {REPS}, --jobs {jobs}: median {:.0} games/s, best {:.0}, worst {:.0}  [{}]",
            rates[REPS / 2],
            rates[REPS - 1],
            rates[0],
            each.join(" ")
        );
    }
}
