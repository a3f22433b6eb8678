//! `backchannel serve`: a class of tables over SSH (docs/CLASSROOM.md).

use super::{CliError, print_out};
use crate::serve::{Class, NewClass, Timers};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The most tables one process serves.
const MAX_TABLES: usize = 50;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// A bundled scenario id, or a path to a scenario file.
    #[arg(default_value = crate::scenario::FLAGSHIP)]
    pub scenario: String,
    /// How many tables (each with a join code per seat).
    #[arg(long, default_value_t = 1)]
    pub tables: usize,
    /// The port to listen on.
    #[arg(long, default_value_t = 2222)]
    pub port: u16,
    /// The address to listen on (0.0.0.0: every network of this machine).
    #[arg(long, default_value = "127.0.0.1")]
    pub listen: String,
    /// The seed of every table's game (the same dice at every table).
    #[arg(long)]
    pub seed: Option<u64>,
    /// A party the AI plays at every table (repeat); it gets no join code.
    #[arg(long = "ai", value_name = "PARTY")]
    pub ai: Vec<String>,
    /// The class folder: a save per table, class.json (codes, settings).
    /// Default: a new folder under the data folder.
    #[arg(long, value_name = "DIR")]
    pub save_dir: Option<PathBuf>,
    /// Bring back the class in DIR (after a crash or a reboot): the same
    /// tables, codes and settings.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["tables", "seed", "ai", "save_dir"])]
    pub resume: Option<PathBuf>,
    /// The SSH host key (made on first use). Default: host_ed25519 in the
    /// data folder, so students are asked about it once.
    #[arg(long, value_name = "FILE")]
    pub host_key: Option<PathBuf>,
    /// End a student's turn after this many seconds (0: off, the default).
    #[arg(long, value_name = "SECS", default_value_t = 0)]
    pub turn_timer: u64,
    /// End each turn of a round once the round has run this many seconds (0: off).
    #[arg(long, value_name = "SECS", default_value_t = 0)]
    pub round_timer: u64,
}

fn stamp() -> String {
    crate::tui::run::now_rfc3339()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

pub fn execute(args: ServeArgs) -> Result<(), CliError> {
    let data = crate::save::save_dir().and_then(|d| d.parent().map(|p| p.to_path_buf()));
    // Listen first: a port in use leaves no half-made class folder behind.
    let listener = std::net::TcpListener::bind((args.listen.as_str(), args.port)).map_err(|e| {
        CliError::other(format!(
            "cannot listen on {}:{}: {e}",
            crate::text::clean_line(&args.listen),
            args.port
        ))
    })?;
    let class = match &args.resume {
        Some(dir) => Class::resume(dir).map_err(CliError::input)?,
        None => new_class(&args, data.as_deref())?,
    };
    let timers = Timers {
        turn: (args.turn_timer > 0).then(|| Duration::from_secs(args.turn_timer)),
        round: (args.round_timer > 0).then(|| Duration::from_secs(args.round_timer)),
    };
    if args.resume.is_none() || timers != Timers::default() {
        *class.timers.lock().unwrap_or_else(|e| e.into_inner()) = timers;
    }
    let key_path = match (&args.host_key, &data) {
        (Some(k), _) => k.clone(),
        (None, Some(d)) => d.join("host_ed25519"),
        (None, None) => class.dir.join("host_ed25519"),
    };
    let key = crate::serve::host_key(&key_path).map_err(CliError::other)?;
    class.save_all().map_err(CliError::other)?;
    let mut text = format!(
        "backchannel serve: {} (seed {}), {} table(s), listening on {}:{}\n\
         class folder: {} (after a crash: backchannel serve --resume {})\n\
         Students join with ssh; HOST is this machine's address. Ctrl-C saves every table and stops.\n",
        class.model.scenario.meta.id,
        class.seed,
        class.tables.len(),
        crate::text::clean_line(&args.listen),
        args.port,
        class.dir.display(),
        class.dir.display(),
    );
    for l in class.code_lines(args.port) {
        text.push_str(&l);
        text.push('\n');
    }
    print_out(&text)?;
    crate::serve::run(class, key, listener).map_err(CliError::other)?;
    eprintln!("backchannel serve: every table saved; stopped.");
    Ok(())
}

fn new_class(args: &ServeArgs, data: Option<&std::path::Path>) -> Result<Class, CliError> {
    if args.tables == 0 || args.tables > MAX_TABLES {
        return Err(CliError::input(format!(
            "--tables {}: expected 1 to {MAX_TABLES}",
            args.tables
        )));
    }
    let model = Arc::new(crate::scenario::open(&args.scenario)?);
    let mut ai = Vec::new();
    for id in &args.ai {
        ai.push(
            model
                .find_party(id)
                .map_err(|e| CliError::input(crate::text::clean_line(&e)))?,
        );
    }
    if ai.len() >= model.parties.len() {
        return Err(CliError::input(
            "every party is --ai: nobody could join; leave at least one seat to people",
        ));
    }
    let dir = match &args.save_dir {
        Some(d) => d.clone(),
        None => data
            .map(|d| d.join("serve").join(stamp()))
            .ok_or_else(|| CliError::other("no data folder; pass --save-dir DIR"))?,
    };
    if dir.join("class.json").exists() {
        return Err(CliError::input(format!(
            "{} already holds a class: bring it back with --resume {}, or choose another folder",
            dir.display(),
            dir.display()
        )));
    }
    std::fs::create_dir_all(&dir)
        .map_err(|e| CliError::input(format!("{}: {e}", dir.display())))?;
    let seed = args.seed.unwrap_or_else(rand::random::<u64>) % 1_000_000_000;
    Class::create(NewClass {
        model,
        source: args.scenario.clone(),
        seed,
        tables: args.tables,
        ai,
        dir,
        timers: Timers::default(),
    })
    .map_err(CliError::other)
}
