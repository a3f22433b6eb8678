//! Full AI-against-AI games of the flagship per second (SPEC §9 bar:
//! ≥ 20,000 games/s on 2 cores). Run: `cargo bench --bench sweep`.
//!
//! Plays what `backchannel sweep plan28 --runs 20000` plays (default seats,
//! seed 1), several times over, on 1 thread and on every core, and reports
//! each repetition, the median and the best: a shared machine's noise shows
//! as spread rather than hiding in one number.
//!
//! Then the memory bar (SPEC §9: `sweep --runs 10000000` peaks at ≤ 100 MB):
//! streams `RSS_RUNS` games (default 1,000,000; `cargo bench --bench sweep --
//! 10000000` for the full bar) into the sweep's statistics, as the CLI does,
//! and prints the process's peak RSS after each tenth, so a flat line shows
//! that memory does not grow with the number of games.

use backchannel::runner::sweep;

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .unwrap_or(0.0)
        / 1024.0
}
use backchannel::scenario::{BUNDLED, load_str};
use std::sync::Arc;
use std::time::Instant;

const RUNS: u64 = 20_000;
const REPS: usize = 7;

fn main() {
    let b = BUNDLED
        .iter()
        .find(|b| b.file.ends_with("plan28.ron"))
        .expect("the flagship is bundled");
    let model = Arc::new(load_str(b.file, b.text).expect("bundled scenario loads"));
    let seats = sweep::seats(&model, &[]).expect("default seats");
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    for threads in [1, cores] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool");
        // Warm up caches, the allocator and the pool.
        pool.install(|| sweep::run(&model, &seats, 2_000, 1, |_| {}));
        let mut rates: Vec<f64> = (0..REPS)
            .map(|_| {
                let t = Instant::now();
                let results = pool.install(|| sweep::run(&model, &seats, RUNS, 1, |_| {}));
                assert_eq!(results.len() as u64, RUNS);
                RUNS as f64 / t.elapsed().as_secs_f64()
            })
            .collect();
        let each: Vec<String> = rates.iter().map(|r| format!("{r:.0}")).collect();
        rates.sort_by(f64::total_cmp);
        println!(
            "sweep plan28, {RUNS} games × {REPS}, {threads} thread(s): median {:.0} games/s, best {:.0}, worst {:.0}  [{}]",
            rates[REPS / 2],
            rates[REPS - 1],
            rates[0],
            each.join(" ")
        );
    }
    let rss_runs: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let models = [(Arc::clone(&model), seats.clone())];
    let plan = sweep::Plan {
        models: &models,
        pick: &|_| 0,
    };
    let mut stats = sweep::empty_stats(&model);
    let t = Instant::now();
    let tenth = (rss_runs / 10).max(1);
    let mut marks = Vec::new();
    rayon::ThreadPoolBuilder::new()
        .num_threads(cores)
        .build()
        .expect("thread pool")
        .install(|| {
            sweep::stream(
                &plan,
                0..rss_runs,
                1,
                |r| {
                    stats.add(&r.figures());
                    if (r.index + 1) % tenth == 0 {
                        marks.push(format!("{}k {:.1} MB", (r.index + 1) / 1000, peak_rss_mb()));
                    }
                },
                |_| {},
            )
        })
        .expect("AI seats always finish a game");
    println!(
        "streamed {rss_runs} games in {:.1} s; peak RSS as it went: {}",
        t.elapsed().as_secs_f64(),
        marks.join(", ")
    );
}
