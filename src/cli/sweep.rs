//! `backchannel sweep`: many seeded games (AI, reference bots, scripts and
//! long-lived `exec:` bots) and their statistics.

use super::CliError;
use crate::runner::script::Plan;
use crate::runner::{self, Policy, sweep};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

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
    /// A seat's policy: PARTY=ai, PARTY=ai:PERSONALITY, PARTY=bot:NAME
    /// (random, accept_all, reject_all, greedy, voter, expert), PARTY=script,
    /// or PARTY=exec:COMMAND (one long-lived bot process per job). Repeatable.
    #[arg(long = "seat", value_name = "PARTY=POLICY")]
    pub seats: Vec<String>,
    /// A script file (RON, docs/SCRIPTS.md) for `script` seats, played in every game.
    #[arg(long)]
    pub script: Option<PathBuf>,
    /// Seconds an exec: bot has to take each request and answer it.
    #[arg(long, default_value_t = 3.0, value_name = "SECONDS")]
    pub bot_timeout: f64,
    /// Run the commands of the script's exec: seats (a script alone never runs a program).
    #[arg(long)]
    pub allow_exec: bool,
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
        let mut inputs = inputs.to_vec();
        if let Some(script) = &args.script {
            inputs.push((script.as_path(), "the --script file"));
        }
        super::check_outputs(&[(csv, "the --csv file")], &inputs)?;
    }
    let model = Arc::new(crate::scenario::open(&args.scenario)?);
    if args.runs == 0 || args.runs > MAX_RUNS {
        return Err(CliError::input(format!(
            "--runs must be between 1 and {MAX_RUNS}"
        )));
    }
    let plan = match &args.script {
        Some(path) => {
            let file = path.display().to_string();
            let bytes = crate::files::read_limited(path, crate::runner::script::MAX_SCRIPT_BYTES)
                .map_err(|e| CliError::input(format!("{file}: cannot read: {e}")))?;
            Some(Arc::new(
                Plan::load(&file, &bytes, &model).map_err(|e| CliError::input(e.to_string()))?,
            ))
        }
        None => None,
    };
    // Seats: the script's, then --seat (a script's exec: seat only with --allow-exec).
    let mut chosen = Vec::new();
    if let Some(plan) = &plan {
        for (p, policy) in &plan.seats {
            let named = args
                .seats
                .iter()
                .any(|s| runner::parse_seat(&model, s).is_ok_and(|(q, _)| q == *p));
            if matches!(policy, Policy::Exec(_)) && !args.allow_exec && !named {
                let id = &model.scenario.parties[*p].id;
                let pol = crate::text::clean_line(&policy.to_string()).into_owned();
                return Err(CliError::input(format!(
                    "{}: seat {id} is '{pol}', a command the script would run; \
                     run it with --allow-exec, or give the seat on the command line \
                     (--seat {id}=exec:COMMAND, or another policy)",
                    plan.file
                )));
            }
            chosen.push((*p, policy.clone()));
        }
    }
    for s in &args.seats {
        chosen.push(runner::parse_seat(&model, s).map_err(CliError::input)?);
    }
    if !(args.bot_timeout > 0.0 && args.bot_timeout <= 3600.0) {
        return Err(CliError::input(
            "--bot-timeout must be between 0 and 3600 seconds",
        ));
    }
    let seats = sweep::seats(&model, &chosen)
        .and_then(|s| s.with_script(plan))
        .map_err(|e| CliError::input(crate::text::clean_line(&e)))?
        .with_bot_timeout(Duration::from_secs_f64(args.bot_timeout));
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
        sweep::run_checked(&model, &seats, args.runs, args.seed, |done| {
            if let Some(b) = &bar {
                b.set_position(done);
            }
        })
    });
    let results = results.map_err(|e| {
        if let Some(b) = &bar {
            b.finish_and_clear();
        }
        let text = crate::text::clean_line(&e.to_string()).into_owned();
        if e.is_input() {
            CliError::input(text)
        } else {
            CliError::other(text)
        }
    })?;
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
