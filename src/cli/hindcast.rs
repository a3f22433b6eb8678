//! `backchannel hindcast SCENARIO`: the scenario's record against all-AI games.

use super::{CliError, print_out};
use crate::core::schema::Among;
use crate::runner::hindcast;
use serde_json::{Value, json};
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub struct HindcastArgs {
    /// A bundled scenario id, or a path to a scenario file (a name with a '/' or ending in .ron).
    pub scenario: String,
    /// How many all-AI games.
    #[arg(long, default_value_t = 1000)]
    pub runs: u64,
    /// The seed the games' seeds are derived from (as in `sweep`).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Exit with status 1 when a share lies outside its expected range.
    #[arg(long)]
    pub check: bool,
}

/// Most games one hindcast may play.
const MAX_RUNS: u64 = 10_000_000;

pub fn json(model: &crate::scenario::Model, r: &hindcast::Report) -> Value {
    json!({
        "scenario": model.scenario.meta.id,
        "version": model.scenario.meta.version,
        "checksum": model.checksum,
        "runs": r.runs,
        "deal_rate": r.deal_rate(),
        "signed_rate": r.signed as f64 / r.runs.max(1) as f64,
        "checks": r.rows.iter().map(|row| json!({
            "id": row.id,
            "record": row.record,
            "round": row.round,
            "among": match row.among { Among::Games => "games", Among::Signed => "signed" },
            "count": row.count,
            "hits": row.hits,
            "share": row.share(),
            "expect": [row.expect.0, row.expect.1],
            "ok": row.ok(),
        })).collect::<Vec<_>>(),
    })
}

pub fn execute(args: HindcastArgs) -> Result<(), CliError> {
    let model = Arc::new(crate::scenario::open(&args.scenario)?);
    if args.runs == 0 || args.runs > MAX_RUNS {
        return Err(CliError::input(format!(
            "--runs must be between 1 and {MAX_RUNS}"
        )));
    }
    if model.scenario.hindcast.is_empty() {
        return Err(CliError::input(format!(
            "{}: the scenario has no hindcast checks (a `hindcast: [...]` list; see docs/SCENARIOS.md)",
            args.scenario
        )));
    }
    let report = hindcast::run(&model, args.runs, args.seed);
    if args.json {
        print_out(&format!("{}\n", json(&model, &report)))?;
    } else {
        print_out(&report.text(&model))?;
    }
    let missed = report.rows.iter().filter(|r| !r.ok()).count();
    if args.check && missed > 0 {
        return Err(CliError {
            code: 1,
            message: format!("{missed} hindcast check(s) outside their expected range"),
        });
    }
    Ok(())
}
