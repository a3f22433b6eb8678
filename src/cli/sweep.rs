//! `backchannel sweep`: many seeded AI games and their statistics.

use super::CliError;
use crate::runner::{self, Policy, sweep};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub struct SweepArgs {
    /// A bundled scenario id, or a path to a scenario file (a name with a '/' or ending in .ron).
    pub scenario: String,
    /// How many games.
    #[arg(long)]
    pub runs: u64,
    /// The seed the games' seeds are derived from.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (default: one per core). Results do not depend on it.
    #[arg(long)]
    pub jobs: Option<usize>,
    /// A seat's policy: PARTY=ai, PARTY=ai:PERSONALITY or PARTY=bot:NAME
    /// (random, accept_all, reject_all, greedy, voter, expert). Repeatable.
    #[arg(long = "seat", value_name = "PARTY=POLICY")]
    pub seats: Vec<String>,
    /// Print the statistics as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Write one CSV row per game to this file.
    #[arg(long)]
    pub csv: Option<PathBuf>,
}

/// Most games one sweep may play.
const MAX_RUNS: u64 = 100_000_000;

pub fn execute(args: SweepArgs) -> Result<(), CliError> {
    if let Some(csv) = &args.csv {
        let scenario = std::path::Path::new(&args.scenario);
        let inputs: &[_] = if crate::scenario::bundled::is_path(&args.scenario) {
            &[(scenario, "the scenario")]
        } else {
            &[]
        };
        super::check_outputs(&[(csv, "the --csv file")], inputs)?;
    }
    let model = Arc::new(crate::scenario::open(&args.scenario)?);
    if args.runs == 0 || args.runs > MAX_RUNS {
        return Err(CliError::input(format!(
            "--runs must be between 1 and {MAX_RUNS}"
        )));
    }
    let mut chosen = Vec::new();
    for s in &args.seats {
        match runner::parse_seat(&model, s).map_err(CliError::input)? {
            (p, policy @ (Policy::Ai(_) | Policy::Bot(_))) => chosen.push((p, policy)),
            (_, other) => {
                return Err(CliError::input(crate::text::clean_line(&format!(
                    "--seat '{s}': a sweep plays AI seats and reference bots only (ai, ai:PERSONALITY, bot:NAME), not '{other}'"
                ))));
            }
        }
    }
    let seats =
        sweep::seats(&model, &chosen).map_err(|e| CliError::input(crate::text::clean_line(&e)))?;
    let jobs = args.jobs.unwrap_or(0);
    if jobs > 1024 {
        return Err(CliError::input("--jobs must be at most 1024"));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| CliError::other(format!("cannot start worker threads: {e}")))?;
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(args.runs);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} games, {per_sec}, {eta} left",
        ) {
            bar.set_style(style);
        }
        bar
    });
    let started = Instant::now();
    let results = pool.install(|| {
        sweep::run(&model, &seats, args.runs, args.seed, |done| {
            if let Some(b) = &bar {
                b.set_position(done);
            }
        })
    });
    let elapsed = started.elapsed().as_secs_f64();
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let summary = sweep::Summary::of(&model, &seats, args.seed, &results);
    if let Some(path) = &args.csv {
        crate::save::write_atomic(path, sweep::csv(&model, &results).as_bytes())
            .map_err(|e| CliError::other(e.to_string()))?;
    }
    let rate = args.runs as f64 / elapsed.max(1e-9);
    if args.json {
        super::print_out(&format!("{}\n", summary.json()))?;
        // Timing is not part of the result (it would break byte-identical output).
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "{} games in {elapsed:.2} s: {rate:.0} games/s",
            args.runs
        );
        Ok(())
    } else {
        let mut text = summary.text(&model);
        text.push_str(&format!(
            "{} games in {elapsed:.2} s: {rate:.0} games/s\n",
            args.runs
        ));
        super::print_out(&text)
    }
}
