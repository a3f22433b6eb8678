//! Full AI-against-AI games of the flagship per second (SPEC §9 bar:
//! ≥ 20,000 games/s on 2 cores). Run: `cargo bench --bench sweep`.
//!
//! Plays what `backchannel sweep plan28 --runs 20000` plays (default seats,
//! seed 1), several times over, on 1 thread and on every core, and reports
//! each repetition, the median and the best: a shared machine's noise shows
//! as spread rather than hiding in one number.

use backchannel::runner::sweep;
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
}
