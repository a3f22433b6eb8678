//! The command-line shell: parses arguments, calls the library, reports
//! errors once, at the edge, with the exit status the spec asks for
//! (0 success, 2 bad input, 1 other failure).

pub mod analyze;
pub mod brief;
pub mod cells;
pub mod check;
pub mod generate;
pub mod hindcast;
pub mod merge;
pub mod play;
pub mod report;
pub mod run;
pub mod scenarios;
pub mod serve;
pub mod sweep;

use crate::text::CleanWriter;
use clap::{Parser, Subcommand};
use std::fmt;
use std::io::Write;
use std::path::Path;

/// backchannel — a terminal negotiation simulator.
#[derive(Debug, Parser)]
#[command(name = "backchannel", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Play a scenario in the terminal.
    Play(play::PlayArgs),
    /// Continue a saved game.
    Resume(play::ResumeArgs),
    /// List the bundled scenarios.
    Scenarios(scenarios::ScenariosArgs),
    /// Validate scenario files.
    Check(check::CheckArgs),
    /// Run one game headless (AI, scripted or bot seats) and print its transcript.
    Run(run::RunArgs),
    /// Run many seeded games and print statistics.
    Sweep(sweep::SweepArgs),
    /// Check a scenario against the record: what happened vs the share of all-AI games that did it.
    Hindcast(hindcast::HindcastArgs),
    /// Combine the outputs of `sweep --shard i/n` into the whole sweep's summary.
    Merge(merge::MergeArgs),
    /// Explore the deal space: ZOPA, Pareto frontier, Nash and Kalai–Smorodinsky packages.
    Analyze(analyze::AnalyzeArgs),
    /// Write the debrief report of saved games.
    Report(report::ReportArgs),
    /// Write a synthetic scenario to stdout.
    Generate(generate::GenerateArgs),
    /// Printable role sheets: one page per seat, or the teacher's sheet.
    Brief(brief::BriefArgs),
    /// Serve a class over SSH: every student at their own terminal (`ssh -p PORT CODE@HOST`).
    Serve(serve::ServeArgs),
}

/// An error reported at the binary's edge.
#[derive(Debug)]
pub struct CliError {
    /// 2 for bad input, 1 for other failures.
    pub code: i32,
    pub message: String,
}

impl CliError {
    /// Bad input: a file, flag or value the user can fix (exit status 2).
    pub fn input(message: impl Into<String>) -> CliError {
        CliError {
            code: 2,
            message: message.into(),
        }
    }

    /// Any other failure (exit status 1).
    pub fn other(message: impl Into<String>) -> CliError {
        CliError {
            code: 1,
            message: message.into(),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<crate::scenario::LoadError> for CliError {
    fn from(e: crate::scenario::LoadError) -> Self {
        match e {
            crate::scenario::LoadError::Io { .. } => CliError::input(e.to_string()),
            _ => CliError::input(e.to_string()),
        }
    }
}

impl From<crate::files::OutputError> for CliError {
    fn from(e: crate::files::OutputError) -> Self {
        CliError::input(e.to_string())
    }
}

/// Check every output path of a command before its work starts: each can be
/// written (its folder exists and takes a file), no two are the same file,
/// and none is one of the `inputs` (a path and what it is, e.g. "the
/// scenario"). Problems are bad input (exit status 2).
pub fn check_outputs(outputs: &[(&Path, &str)], inputs: &[(&Path, &str)]) -> Result<(), CliError> {
    for (i, (out, _)) in outputs.iter().enumerate() {
        crate::files::check_output(out)?;
        for (input, what) in inputs.iter().chain(&outputs[..i]) {
            crate::files::check_not_input(out, input, what)?;
            if crate::files::same_target(out, input) {
                return Err(CliError::input(format!(
                    "{}: is also {what}; give each output its own file",
                    out.display()
                )));
            }
        }
    }
    Ok(())
}

/// The `--script` file of `run` and `sweep`, read within its size limit and
/// checked against the scenario; None without one.
pub fn load_script(
    path: Option<&Path>,
    model: &crate::scenario::Model,
) -> Result<Option<crate::runner::script::Plan>, CliError> {
    let Some(path) = path else {
        return Ok(None);
    };
    let file = path.display().to_string();
    let bytes = crate::files::read_limited(path, crate::runner::script::MAX_SCRIPT_BYTES)
        .map_err(|e| CliError::input(format!("{file}: cannot read: {e}")))?;
    crate::runner::script::Plan::load(&file, &bytes, model)
        .map(Some)
        .map_err(|e| CliError::input(e.to_string()))
}

/// A script alone never runs a program: its `exec:` seats need
/// `--allow-exec`, unless `--seat` gives that seat (`named`).
pub fn check_script_exec(
    plan: &crate::runner::script::Plan,
    model: &crate::scenario::Model,
    allow_exec: bool,
    named: impl Fn(usize) -> bool,
) -> Result<(), CliError> {
    if allow_exec {
        return Ok(());
    }
    let Some((p, pol)) = plan
        .seats
        .iter()
        .find(|(p, pol)| matches!(pol, crate::runner::Policy::Exec(_)) && !named(*p))
    else {
        return Ok(());
    };
    let id = &model.scenario.parties[*p].id;
    let pol = crate::text::clean_line(&pol.to_string()).into_owned();
    Err(CliError::input(format!(
        "{}: seat {id} is '{pol}', a command the script would run; \
         run it with --allow-exec, or give the seat on the command line \
         (--seat {id}=exec:COMMAND, or another policy)",
        plan.file
    )))
}

/// `--bot-timeout SECONDS`, checked.
pub fn bot_timeout(seconds: f64) -> Result<std::time::Duration, CliError> {
    if !(seconds > 0.0 && seconds <= 3600.0) {
        return Err(CliError::input(
            "--bot-timeout must be between 0 and 3600 seconds",
        ));
    }
    Ok(std::time::Duration::from_secs_f64(seconds))
}

/// Write to stdout, treating a closed pipe as success. Everything goes
/// through [`CleanWriter`]: no terminal control from a scenario, save, script
/// or bot reaches the terminal, whatever path it took here.
pub fn print_out(text: &str) -> Result<(), CliError> {
    use std::io::Write;
    let mut out = CleanWriter::new(std::io::stdout().lock());
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::other(format!("cannot write to stdout: {e}"))),
    }
}

/// Parse the arguments, run the command, and return the exit status.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            // A usage error echoes the arguments: plain text, cleaned.
            let _ = CleanWriter::new(std::io::stderr().lock())
                .write_all(e.render().to_string().as_bytes());
            return 2;
        }
        Err(e) => {
            // --help and --version go to stdout: a failed write is a failure.
            return match (e.print(), e.use_stderr()) {
                (_, true) => 2,
                (Ok(()), false) => 0,
                (Err(err), false) if err.kind() == std::io::ErrorKind::BrokenPipe => 0,
                (Err(err), false) => {
                    use std::io::Write;
                    let _ = writeln!(
                        std::io::stderr(),
                        "backchannel: cannot write to stdout: {err}"
                    );
                    1
                }
            };
        }
    };
    let result = match cli.command {
        None => play::execute_default(),
        Some(Command::Play(a)) => play::execute(a),
        Some(Command::Resume(a)) => play::resume(a),
        Some(Command::Scenarios(a)) => scenarios::execute(a),
        Some(Command::Check(a)) => check::execute(a),
        Some(Command::Run(a)) => run::execute(a),
        Some(Command::Sweep(a)) => sweep::execute(a),
        Some(Command::Merge(a)) => merge::execute(a),
        Some(Command::Analyze(a)) => analyze::execute(a),
        Some(Command::Hindcast(a)) => hindcast::execute(a),
        Some(Command::Report(a)) => report::execute(a),
        Some(Command::Generate(a)) => generate::execute(a),
        Some(Command::Serve(a)) => serve::execute(a),
        Some(Command::Brief(a)) => brief::execute(a),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            // Errors echo ids, file names and text from the input: cleaned.
            let text = format!(
                "backchannel: {}\n",
                e.message.replace('\n', "\nbackchannel: ")
            );
            let _ = CleanWriter::new(std::io::stderr().lock()).write_all(text.as_bytes());
            e.code
        }
    }
}
