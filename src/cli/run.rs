//! `backchannel run`: one headless game (AI, scripted or bot seats) and its transcript.

use super::CliError;
use crate::runner::{self, Policy, output};
use crate::save::Save;
use crate::table::{self, SeatPolicy, Table, TableError};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Csv,
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// A bundled scenario id, or a path to a scenario file (a name with a '/' or ending in .ron).
    pub scenario: String,
    /// A script file (RON, docs/SCRIPTS.md): seats and scripted moves by round.
    #[arg(long)]
    pub script: Option<PathBuf>,
    /// The game's seed (default: the script's, else 1).
    #[arg(long)]
    pub seed: Option<u64>,
    /// A seat policy, PARTY=POLICY: ai, ai:PERSONALITY, script, exec:COMMAND. Repeatable.
    #[arg(long = "seat", value_name = "PARTY=POLICY")]
    pub seats: Vec<String>,
    /// Output: a readable transcript, JSON lines (one per event), or CSV (one row per round, then the end with outcome and scores).
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Write the output to this file (atomically; its folder must exist) instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Save the finished game (for `backchannel report`).
    #[arg(long)]
    pub save: Option<PathBuf>,
    /// Seconds an exec: bot has to take each request and answer it.
    #[arg(long, default_value_t = 3.0, value_name = "SECONDS")]
    pub bot_timeout: f64,
    /// Run the commands of the script's exec: seats (a script alone never runs a program).
    #[arg(long)]
    pub allow_exec: bool,
}

pub fn execute(args: RunArgs) -> Result<(), CliError> {
    let scenario = std::path::Path::new(&args.scenario);
    let mut inputs = Vec::new();
    if crate::scenario::bundled::is_path(&args.scenario) {
        inputs.push((scenario, "the scenario"));
    }
    if let Some(script) = &args.script {
        inputs.push((script.as_path(), "the --script file"));
    }
    let outputs: Vec<_> = [
        (&args.out, "the --out file"),
        (&args.save, "the --save file"),
    ]
    .into_iter()
    .filter_map(|(p, what)| p.as_deref().map(|p| (p, what)))
    .collect();
    super::check_outputs(&outputs, &inputs)?;
    let model = Arc::new(crate::scenario::open(&args.scenario)?);
    let plan = super::load_script(args.script.as_deref(), &model)?;
    // Seats: AI by default, then the script's, then --seat.
    let mut policies: Vec<Policy> = vec![Policy::Ai(None); model.parties.len()];
    if let Some(plan) = &plan {
        for (p, pol) in &plan.seats {
            policies[*p] = pol.clone();
        }
    }
    let mut named = vec![false; model.parties.len()];
    for s in &args.seats {
        let (p, pol) = runner::parse_seat(&model, s).map_err(CliError::input)?;
        policies[p] = pol;
        named[p] = true;
    }
    if let Some(plan) = &plan {
        super::check_script_exec(plan, &model, args.allow_exec, |p| named[p])?;
    }
    if plan.is_none()
        && let Some(p) = policies.iter().position(|p| *p == Policy::Script)
    {
        return Err(CliError::input(format!(
            "--seat {}=script needs --script FILE",
            model.scenario.parties[p].id
        )));
    }
    let bot_timeout = super::bot_timeout(args.bot_timeout)?;
    let seed = args
        .seed
        .or(plan.as_ref().and_then(|p| p.seed))
        .unwrap_or(1);
    if let Some(p) = policies.iter().position(SeatPolicy::is_human) {
        return Err(CliError::input(format!(
            "seat {}: human seats are for the terminal UI (backchannel play); use ai, ai:PERSONALITY, script or exec:COMMAND",
            model.scenario.parties[p].id
        )));
    }
    let options = table::Options {
        script: plan.map(Arc::new),
        record: true,
        bot_timeout: Some(bot_timeout),
        brain: None,
        long_lived: false,
    };
    let mut table = Table::new(Arc::clone(&model), seed, policies, options)
        .map_err(|e| CliError::input(e.to_string()))?;
    table.play().map_err(|e| match e {
        TableError::Script { .. } | TableError::Seat(_) => CliError::input(e.to_string()),
        TableError::Stuck => CliError::other(e.to_string()),
    })?;
    let seat_names: Vec<(String, String)> = (0..model.parties.len())
        .map(|p| {
            let label = crate::text::clean_line(&table.seat_label(p)).into_owned();
            (model.scenario.parties[p].id.clone(), label)
        })
        .collect();
    let game = table.game();
    let text = match args.format {
        Format::Text => output::text(game, table.narrations(), &seat_names),
        Format::Json => output::json_lines(game, table.narrations()),
        Format::Csv => output::csv(game),
    };
    if let Some(path) = &args.save {
        let save = Save::of(
            game,
            &crate::save::absolute_source(&args.scenario),
            seat_names.clone(),
        );
        save.write(path)
            .map_err(|e| CliError::other(e.to_string()))?;
    }
    match &args.out {
        // Written whole or not at all: an interrupted run leaves no half file.
        Some(path) => crate::save::write_atomic(path, crate::text::clean_text(&text).as_bytes())
            .map_err(|e| CliError::other(e.to_string())),
        None => super::print_out(&text),
    }
}
