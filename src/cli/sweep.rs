//! `backchannel sweep`: many seeded games (AI, reference bots, scripts and
//! long-lived `exec:` bots) and their statistics.

use super::CliError;
use super::cells::{Cell, cartesian, parse_grid, parse_vary};
use crate::files::AtomicWriter;
use crate::runner::shard::{Band, Report, Shard};
use crate::runner::stats::Stats;
use crate::runner::{self, detail, sweep};
use crate::scenario::Model;
use crate::scenario::edit::{self, Setting};
use std::io::{IsTerminal, Write};
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
    /// Write one CSV row per game to this file (docs/SWEEPS.md lists the columns).
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// Write one CSV row per game and clause (the final wordings, long form).
    #[arg(long, value_name = "FILE")]
    pub clauses_csv: Option<PathBuf>,
    /// Change one value of the scenario, e.g. parties.ru.reservation.mean=28. Repeatable.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Sweep every value of a path with the same seeds, one result per cell
    /// (several: every combination), e.g. personalities.hardliner.vote_at=0.3,0.5,0.7.
    #[arg(long = "grid", value_name = "PATH=A,B,...")]
    pub grid: Vec<String>,
    /// Draw a number per game, uniformly among 11 evenly spaced values of
    /// LO..HI (whole numbers for whole-number fields), for robustness bands.
    #[arg(long = "vary", value_name = "PATH=LO..HI")]
    pub vary: Vec<String>,
    /// Play only the I-th of N equal slices of the games, and print JSON
    /// with the statistics `backchannel merge` adds up.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
}

/// Most games one sweep may play.
const MAX_RUNS: u64 = 100_000_000;

pub fn execute(args: SweepArgs) -> Result<(), CliError> {
    let outputs: Vec<(&std::path::Path, &str)> = [
        (&args.csv, "the --csv file"),
        (&args.clauses_csv, "the --clauses-csv file"),
    ]
    .into_iter()
    .filter_map(|(p, what)| p.as_deref().map(|p| (p, what)))
    .collect();
    if !outputs.is_empty() {
        let scenario = std::path::Path::new(&args.scenario);
        let mut inputs = Vec::new();
        if crate::scenario::bundled::is_path(&args.scenario) {
            inputs.push((scenario, "the scenario"));
        }
        if let Some(script) = &args.script {
            inputs.push((script.as_path(), "the --script file"));
        }
        super::check_outputs(&outputs, &inputs)?;
    }
    let base = Arc::new(crate::scenario::open(&args.scenario)?);
    if args.runs == 0 || args.runs > MAX_RUNS {
        return Err(CliError::input(format!(
            "--runs must be between 1 and {MAX_RUNS}"
        )));
    }
    let shard = args
        .shard
        .as_deref()
        .map(Shard::parse)
        .transpose()
        .map_err(CliError::input)?;
    let sets: Vec<Setting> = args
        .set
        .iter()
        .map(|s| edit::parse(s, "--set"))
        .collect::<Result<_, _>>()
        .map_err(CliError::input)?;
    let grid = parse_grid(&args.grid)?;
    let script = super::load_script(args.script.as_deref(), &base)?.map(Arc::new);
    // Seats: the script's, then --seat (a script's exec: seat only with --allow-exec).
    let named = args
        .seats
        .iter()
        .map(|s| runner::parse_seat(&base, s).map_err(CliError::input))
        .collect::<Result<Vec<_>, _>>()?;
    let mut chosen = Vec::new();
    if let Some(script) = &script {
        super::check_script_exec(script, &base, args.allow_exec, |p| {
            named.iter().any(|(q, _)| *q == p)
        })?;
        chosen.extend(script.seats.iter().cloned());
    }
    chosen.extend(named);
    let bot_timeout = super::bot_timeout(args.bot_timeout)?;
    let make_seats = |model: &Model| -> Result<sweep::Seats, CliError> {
        sweep::seats(model, &chosen)
            .and_then(|s| s.with_script(script.clone()))
            .map(|s| s.with_bot_timeout(bot_timeout))
            .map_err(|e| CliError::input(crate::text::clean_line(&e)))
    };
    let jobs = args.jobs.unwrap_or(0);
    if jobs > 1024 {
        return Err(CliError::input("--jobs must be at most 1024"));
    }
    // Every cell's models, built and validated before any game is played.
    let set_model = edit::apply(&base, &sets).map_err(|e| CliError::input(format!("--set {e}")))?;
    let vary = parse_vary(&set_model, &args.vary)?;
    let mut cells = Vec::new();
    for assignment in cartesian(&grid) {
        let mut settings = sets.clone();
        settings.extend(assignment.iter().cloned());
        cells.push(Cell::build(
            &base,
            &settings,
            grid.len(),
            &vary,
            &make_seats,
        )?);
    }
    if args.csv.is_some() || args.clauses_csv.is_some() {
        let first = detail::games_header(&cells[0].models[0].0, &[]);
        if cells
            .iter()
            .any(|c| detail::games_header(&c.models[0].0, &[]) != first)
        {
            return Err(CliError::input(
                "--csv: the --grid cells have different metrics, parties or clauses, so their rows would not share columns",
            ));
        }
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| CliError::other(format!("cannot start worker threads: {e}")))?;
    let range = shard.map_or(0..args.runs, |s| s.range(args.runs));
    let games = (range.end - range.start) * cells.len() as u64;
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(games);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} games, {per_sec}, {eta} left",
        ) {
            bar.set_style(style);
        }
        bar
    });
    let open = |p: &Option<PathBuf>| -> Result<Option<AtomicWriter>, CliError> {
        p.as_deref()
            .map(|p| {
                AtomicWriter::create(p)
                    .map_err(|e| CliError::other(format!("{}: cannot write: {e}", p.display())))
            })
            .transpose()
    };
    let mut csv = open(&args.csv)?;
    let mut clauses_csv = open(&args.clauses_csv)?;
    let extra_names: Vec<String> = grid
        .iter()
        .map(|(p, _)| p.clone())
        .chain(vary.iter().map(|v| v.path.clone()))
        .collect();
    let write_err = |e: std::io::Error| CliError::other(format!("cannot write a CSV file: {e}"));
    if let Some(w) = &mut csv {
        w.write_all(detail::games_header(&cells[0].models[0].0, &extra_names).as_bytes())
            .map_err(write_err)?;
    }
    if let Some(w) = &mut clauses_csv {
        w.write_all(detail::clauses_header(&extra_names).as_bytes())
            .map_err(write_err)?;
    }
    let started = Instant::now();
    let mut reports = Vec::new();
    let mut done_before = 0;
    for cell in &cells {
        let nash: Vec<Option<Vec<usize>>> = if csv.is_some() || clauses_csv.is_some() {
            cell.models
                .iter()
                .map(|(m, _)| crate::analysis::nash_package(m, NASH_BUDGET).0)
                .collect()
        } else {
            Vec::new()
        };
        let mut stats = sweep::empty_stats(&cell.models[0].0);
        let mut bands: Vec<Vec<Stats>> = vary
            .iter()
            .map(|v| v.values.iter().map(|_| stats.clone()).collect())
            .collect();
        let mut failed: Option<std::io::Error> = None;
        let mut line = String::new();
        let pick = |i: u64| cell.pick(args.seed, i, &vary);
        let plan = sweep::Plan {
            models: &cell.models,
            pick: &pick,
        };
        let played = pool.install(|| {
            sweep::stream(
                &plan,
                range.clone(),
                args.seed,
                |r| {
                    let figures = r.figures();
                    stats.add(&figures);
                    let levels = cell.levels(r.variant as usize, &vary);
                    for (j, &l) in levels.iter().enumerate() {
                        bands[j][l].add(&figures);
                    }
                    if csv.is_none() && clauses_csv.is_none() || failed.is_some() {
                        return;
                    }
                    let model = &cell.models[r.variant as usize].0;
                    let nash = nash[r.variant as usize].as_deref();
                    let extra: Vec<String> = cell
                        .grid_values
                        .iter()
                        .cloned()
                        .chain(
                            levels
                                .iter()
                                .enumerate()
                                .map(|(j, &l)| vary[j].values[l].clone()),
                        )
                        .collect();
                    for (w, rows) in [
                        (&mut csv, detail::game_row as RowFn),
                        (&mut clauses_csv, detail::clause_rows as RowFn),
                    ] {
                        if let Some(w) = w {
                            line.clear();
                            rows(model, r, &extra, nash, &mut line);
                            if let Err(e) = w.write_all(line.as_bytes()) {
                                failed = Some(e);
                            }
                        }
                    }
                },
                |done| {
                    if let Some(b) = &bar {
                        b.set_position(done_before + done);
                    }
                },
            )
        });
        if let Err(e) = played {
            if let Some(b) = &bar {
                b.finish_and_clear();
            }
            let text = crate::text::clean_line(&e.to_string()).into_owned();
            return Err(if e.is_input() {
                CliError::input(text)
            } else {
                CliError::other(text)
            });
        }
        if let Some(e) = failed {
            return Err(write_err(e));
        }
        done_before += range.end - range.start;
        let model = &cell.models[0].0;
        let provenance = |set: Vec<(String, String)>| sweep::Provenance {
            runs: args.runs,
            seed: args.seed,
            seats: cell.models[0].1.labels.clone(),
            set,
            vary: vary
                .iter()
                .map(|v| (v.path.clone(), v.range.clone()))
                .collect(),
        };
        let mut bands_out = Vec::new();
        for (j, v) in vary.iter().enumerate() {
            for (l, st) in std::mem::take(&mut bands[j]).into_iter().enumerate() {
                bands_out.push(Band {
                    path: v.path.clone(),
                    value: v.values[l].clone(),
                    summary: sweep::Summary::from_stats(model, provenance(cell.set.clone()), st),
                });
            }
        }
        reports.push(Report {
            summary: sweep::Summary::from_stats(model, provenance(cell.set.clone()), stats),
            bands: bands_out,
        });
    }
    let elapsed = started.elapsed().as_secs_f64();
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    for w in [csv, clauses_csv].into_iter().flatten() {
        w.commit().map_err(write_err)?;
    }
    let rate = games as f64 / elapsed.max(1e-9);
    let text = render(&reports, &grid, args.json || shard.is_some(), shard)?;
    super::print_out(&text)?;
    // Timing is not part of the result (it would break byte-identical output).
    let _ = writeln!(
        std::io::stderr(),
        "{games} games in {elapsed:.2} s: {rate:.0} games/s"
    );
    Ok(())
}

type RowFn = fn(&Model, &sweep::GameResult, &[String], Option<&[usize]>, &mut String);

/// Work budget of the Nash package the CSV rows are measured against.
const NASH_BUDGET: u64 = 1 << 20;

/// The output of a sweep (or of `merge`): one report, or a grid of them.
pub fn render(
    reports: &[Report],
    grid: &[(String, Vec<String>)],
    json: bool,
    shard: Option<Shard>,
) -> Result<String, CliError> {
    let state = shard.is_some();
    if grid.is_empty() {
        let r = &reports[0];
        if json {
            let mut v = r.json(state);
            if let (Some(s), serde_json::Value::Object(m)) = (shard, &mut v) {
                m.insert(
                    "shard".into(),
                    serde_json::json!({"index": s.index, "of": s.of}),
                );
            }
            return Ok(format!("{v}\n"));
        }
        return Ok(r.text());
    }
    if json {
        let g: serde_json::Map<String, serde_json::Value> = grid
            .iter()
            .map(|(p, vs)| (p.clone(), serde_json::json!(vs)))
            .collect();
        let mut m = serde_json::Map::new();
        m.insert("grid".into(), serde_json::Value::Object(g));
        m.insert(
            "cells".into(),
            serde_json::Value::Array(reports.iter().map(|r| r.json(state)).collect()),
        );
        if let Some(s) = shard {
            m.insert(
                "shard".into(),
                serde_json::json!({"index": s.index, "of": s.of}),
            );
        }
        return Ok(format!("{}\n", serde_json::Value::Object(m)));
    }
    let first = &reports[0].summary;
    let mut out = format!(
        "{} — grid of {} cells, {} games each from seed {} (the same seeds in every cell)\nscenario: {} version {}\n",
        first.title,
        reports.len(),
        first.stats.runs,
        first.provenance.seed,
        first.scenario_id,
        first.version
    );
    let n = grid.len();
    let labels: Vec<String> = reports
        .iter()
        .map(|r| {
            let set = &r.summary.provenance.set;
            set[set.len().saturating_sub(n)..]
                .iter()
                .map(|(p, v)| format!("{p}={v}"))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    out.push_str(&sweep::Summary::row_header("cell", width));
    out.push('\n');
    for (r, label) in reports.iter().zip(&labels) {
        out.push_str(&r.summary.row(label, width));
        out.push('\n');
    }
    out.push_str(&format!("quantiles: {}\n", sweep::QUANTILES));
    Ok(out)
}
