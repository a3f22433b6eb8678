//! `backchannel brief SCENARIO --party P [--format md|html] [--teacher] [--out FILE]`:
//! printable role sheets (one page per seat) and the teacher's sheet.

use super::{CliError, print_out};
use crate::report::brief;
use std::path::PathBuf;

/// The format of a sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SheetFormat {
    Md,
    Html,
}

#[derive(Debug, clap::Args)]
pub struct BriefArgs {
    /// A bundled scenario id, or a path to a scenario file.
    pub scenario: String,
    /// The seat's party id (its role sheet: brief, goals, red lines,
    /// priorities, how scoring works). Repeat for several seats (HTML: one
    /// printed page each).
    #[arg(long, value_name = "PARTY", required_unless_present = "teacher")]
    pub party: Vec<String>,
    /// The teacher's sheet instead: notes, every seat's public position, the
    /// hinge clauses, the Nash package, the debrief questions.
    #[arg(long, conflicts_with = "party")]
    pub teacher: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "md")]
    pub format: SheetFormat,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn execute(args: BriefArgs) -> Result<(), CliError> {
    let out = args.out.as_deref().map(|p| (p, "the --out file"));
    let inputs: Vec<(&std::path::Path, &str)> = if crate::scenario::bundled::is_path(&args.scenario)
    {
        vec![(std::path::Path::new(&args.scenario), "the scenario")]
    } else {
        Vec::new()
    };
    super::check_outputs(out.as_slice(), &inputs)?;
    let model = crate::scenario::open(&args.scenario)?;
    let sheets: Vec<brief::Sheet> = if args.teacher {
        let nash = crate::analysis::Advisor::new(&model)
            .advise(&model.initial_package().options)
            .nash_utility
            .is_some()
            .then(|| nash_package(&model));
        vec![brief::teacher_sheet(&model, nash.as_deref())]
    } else {
        let mut v = Vec::new();
        for id in &args.party {
            let p = model
                .find_party(id)
                .map_err(|e| CliError::input(crate::text::clean_line(&e)))?;
            v.push(brief::party_sheet(&model, p));
        }
        v
    };
    let text = match args.format {
        SheetFormat::Md => sheets
            .iter()
            .map(brief::markdown)
            .collect::<Vec<_>>()
            .join("\n---\n\n"),
        SheetFormat::Html => brief::html_pages(&sheets),
    };
    match &args.out {
        Some(path) => crate::files::write_atomic(path, text.as_bytes())
            .map_err(|e| CliError::other(format!("{}: cannot write: {e}", path.display()))),
        None => print_out(&text),
    }
}

/// The Nash bargaining package at the public bottom lines.
fn nash_package(model: &crate::scenario::Model) -> Vec<usize> {
    let a = crate::analysis::Advisor::new(model).advise(&model.initial_package().options);
    let mut o = model.initial_package().options;
    for ch in &a.nash_diff {
        o[ch.clause] = ch.to;
    }
    o
}
