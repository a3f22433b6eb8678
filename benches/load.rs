//! Loading + validating the flagship scenario (SPEC §9 bar: ≤ 5 ms).
//! Run: `cargo bench --bench load`.

use backchannel::scenario::{BUNDLED, load_str};
use std::hint::black_box;
use std::time::Instant;

fn main() {
    for b in BUNDLED {
        // Warm up, then time enough iterations for a stable mean.
        for _ in 0..20 {
            black_box(load_str(b.file, b.text).expect("bundled scenario loads"));
        }
        let n = 400;
        let mut times: Vec<f64> = (0..n)
            .map(|_| {
                let t = Instant::now();
                black_box(load_str(b.file, black_box(b.text)).expect("loads"));
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        times.sort_by(f64::total_cmp);
        let mean = times.iter().sum::<f64>() / n as f64;
        println!(
            "load+validate {:<28} {:>7} bytes  mean {:.3} ms  p50 {:.3} ms  p99 {:.3} ms",
            b.file,
            b.text.len(),
            mean,
            times[n / 2],
            times[n * 99 / 100]
        );
    }
}
