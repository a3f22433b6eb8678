//! Deal-space analysis benchmarks (run in release: `cargo bench --bench analysis`).
//!
//! For each size 2^N (N clauses kept or struck, 4 parties, `generate` seed 1)
//! it runs, in a child process of its own so peak RSS is per size: the ZOPA
//! pass (count, ideal point, Nash, utilitarian), the Kalai–Smorodinsky pass,
//! the exact Pareto frontier, and one `advise` call; then the flagship.
//! Sizes: `cargo bench --bench analysis -- 20 24 28` (default 20 24 28 32).

use backchannel::analysis::{Advisor, Limits, bargaining, pareto, space::Space, zopa};
use backchannel::scenario::{Model, load_str, open};
use std::time::Instant;

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn run(name: &str, model: &Model) {
    let t = Instant::now();
    let space = Space::new(model);
    let t_compile = t.elapsed();
    let t = Instant::now();
    let pass = space.search(zopa::ZopaPass::new, Limits::default().budget, None);
    let t_zopa = t.elapsed();
    let z = pass.visitor;
    let ideal = z.ideal[..space.np].to_vec();
    let t = Instant::now();
    let ks = space.search(
        || bargaining::KsPass::new(&space, &ideal),
        Limits::default().budget,
        None,
    );
    let t_ks = t.elapsed();
    let t = Instant::now();
    let front = pareto::frontier(&space, Limits::default());
    let t_pareto = t.elapsed();
    let advisor = Advisor::with_nash(model, Some(z.nash.options.clone()), pass.complete);
    let t = Instant::now();
    let adv = advisor.advise(&model.initial_package().options);
    let t_adv = t.elapsed();
    println!(
        "{name}: 2^{:.1} packages | compile {:.3}s | ZOPA+Nash+util {:.3}s (zopa {} , exact {}) | KS {:.3}s (found {}) | ZOPA+Nash+KS {:.3}s | Pareto {:.3}s ({} packages, exact {}) | advise {:.1}ms (distance {:?}) | peak RSS {} MB",
        space.log2_size(),
        t_compile.as_secs_f64(),
        t_zopa.as_secs_f64(),
        z.count,
        pass.complete,
        t_ks.as_secs_f64(),
        ks.visitor.best.found(),
        (t_zopa + t_ks).as_secs_f64(),
        t_pareto.as_secs_f64(),
        front.count.map_or("-".to_string(), |c| c.to_string()),
        front.exact,
        t_adv.as_secs_f64() * 1e3,
        adv.distance_to_zopa,
        peak_rss_kb() / 1024,
    );
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    if let Some(child) = args.iter().position(|a| a == "child") {
        let what = &args[child + 1];
        if what == "plan28" {
            let m = open("plan28").expect("plan28");
            run("plan28", &m);
        } else {
            let n: usize = what.parse().expect("size");
            let text = backchannel::analysis::generate::synthetic(n, 4, 1);
            let m = load_str("synthetic.ron", &text).expect("valid synthetic scenario");
            run(&format!("generate --clauses {n} --parties 4"), &m);
        }
        return;
    }
    let mut sizes: Vec<String> = args
        .into_iter()
        .filter(|a| a.parse::<usize>().is_ok() || a == "plan28")
        .collect();
    if sizes.is_empty() {
        sizes = ["20", "24", "28", "32", "plan28"]
            .iter()
            .map(|s| s.to_string())
            .collect();
    }
    let exe = std::env::current_exe().expect("bench executable");
    for s in sizes {
        let status = std::process::Command::new(&exe)
            .args(["child", &s])
            .status()
            .expect("child");
        assert!(status.success());
    }
}
