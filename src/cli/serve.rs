//! `backchannel serve`: one table over SSH (a first step; see docs/CLASSROOM.md).

use super::{CliError, print_out};
use crate::serve::{Class, Role};
use crate::table::SeatPolicy;
use crate::tui::session::Session;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// A bundled scenario id, or a path to a scenario file.
    #[arg(default_value = crate::scenario::FLAGSHIP)]
    pub scenario: String,
    /// The port to listen on.
    #[arg(long, default_value_t = 2222)]
    pub port: u16,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub listen: String,
    /// The game's seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// A party played by the AI (repeat); every other party gets a join code.
    #[arg(long = "ai", value_name = "PARTY")]
    pub ai: Vec<String>,
    /// The folder for the autosave and the host key (default: the data folder).
    #[arg(long, value_name = "DIR")]
    pub save_dir: Option<PathBuf>,
}

pub fn execute(args: ServeArgs) -> Result<(), CliError> {
    let model = Arc::new(crate::scenario::open(&args.scenario)?);
    let mut ai = Vec::new();
    for id in &args.ai {
        ai.push(
            model
                .find_party(id)
                .map_err(|e| CliError::input(crate::text::clean_line(&e)))?,
        );
    }
    let dir = match args.save_dir {
        Some(d) => d,
        None => crate::save::save_dir()
            .ok_or_else(|| CliError::other("no data folder; pass --save-dir DIR"))?,
    };
    std::fs::create_dir_all(&dir)
        .map_err(|e| CliError::input(format!("{}: {e}", dir.display())))?;
    let key = crate::serve::host_key(&dir).map_err(CliError::other)?;
    let np = model.parties.len();
    let seats: Vec<SeatPolicy> = (0..np)
        .map(|p| {
            if ai.contains(&p) {
                SeatPolicy::default_ai(&model, p)
            } else {
                SeatPolicy::Human
            }
        })
        .collect();
    let seed = args.seed.unwrap_or_else(rand::random::<u64>) % 1_000_000_000;
    let now = crate::tui::run::now_rfc3339();
    let mut session =
        Session::new(Arc::clone(&model), &args.scenario, seed, seats).map_err(CliError::other)?;
    session.started = now.clone();
    let stamp: String = now
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let save =
        crate::save::claim_new(dir.join(format!("{}-serve-{stamp}.ron", model.scenario.meta.id)));
    let humans: Vec<usize> = (0..np).filter(|p| !ai.contains(p)).collect();
    let words = crate::serve::join_codes(humans.len() + 1);
    let mut codes: Vec<(String, Role)> = humans
        .iter()
        .zip(&words)
        .map(|(p, c)| (c.clone(), Role::Seat(*p)))
        .collect();
    codes.push((words[humans.len()].clone(), Role::Projector));
    let mut text = format!(
        "backchannel serve: {} (seed {seed}) on {}:{}\nsaving to {}\n",
        model.scenario.meta.id,
        args.listen,
        args.port,
        save.display()
    );
    for (code, role) in &codes {
        let who = match role {
            Role::Seat(p) => model.scenario.parties[*p].id.clone(),
            Role::Projector => "projector".into(),
        };
        text.push_str(&format!("{who}: ssh -p {} {code}@HOST\n", args.port));
    }
    let class = Class::new(session, codes, save);
    class.save_now();
    print_out(&text)?;
    crate::serve::run(class, key, (args.listen, args.port)).map_err(CliError::other)
}
