//! The debrief report: what happened at one table, or at several tables of the
//! same scenario side by side.
//!
//! A report is built from saves only (scenario + seed + action log, replayed),
//! so it says exactly what the game said. [`Debrief`] holds the facts; the
//! renderers in [`markdown`], [`html`], [`json`] and [`csv`] only format them.
//!
//! Entry points: [`load_table`] (read and replay a save), [`render`] (text of a
//! report), [`write_report`] (render and, given a path, write it atomically).

pub mod benchmarks;
pub mod brief;
pub mod compare;
pub mod csv;
pub mod deal_space;
pub mod html;
pub mod json;
pub mod markdown;
pub mod model;
mod text;
pub mod turns;

pub use compare::Comparison;
pub use model::Debrief;

use crate::analysis::Advisor;
use crate::engine::Game;
use crate::save::{Save, SaveError, write_atomic};
use std::path::Path;

/// The formats a report can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Markdown, with text sparklines.
    Md,
    /// One standalone, printable HTML page with SVG charts.
    Html,
    /// JSON: every table's debrief and the comparison.
    Json,
    /// CSV: one row per round per table.
    Csv,
}

impl Format {
    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Html => "html",
            Format::Json => "json",
            Format::Csv => "csv",
        }
    }
}

/// One table to report on: the file it was read from, its save, and the game
/// replayed from it.
pub type Table = (String, Save, Game);

/// Saves of different scenarios given to one report.
#[derive(Debug, thiserror::Error)]
#[error(
    "a report compares tables of one scenario, but {first} is '{first_id}' (checksum {first_checksum}) and {other} is '{other_id}' (checksum {other_checksum}); write one report per scenario"
)]
pub struct MixedScenarios {
    pub first: String,
    pub first_id: String,
    pub first_checksum: String,
    pub other: String,
    pub other_id: String,
    pub other_checksum: String,
}

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("{0}")]
    Save(#[from] SaveError),
    #[error("{0}")]
    Mixed(Box<MixedScenarios>),
    #[error("no save to report on")]
    Empty,
}

impl ReportError {
    /// Whether the error is the user's input (exit status 2) rather than a
    /// failure to write (exit status 1).
    pub fn is_input(&self) -> bool {
        !matches!(self, ReportError::Save(SaveError::Write { .. }))
    }
}

/// Read a save, open its scenario (`save.source`: a bundled id or a path) and
/// replay it. The file is only read, never written.
pub fn load_table(path: &Path) -> Result<Table, ReportError> {
    let (save, game) = crate::save::open(path)?;
    Ok((path.display().to_string(), save, game))
}

/// The debriefs of the tables, checking they are of one scenario.
pub fn debriefs(tables: &[Table]) -> Result<Vec<Debrief>, ReportError> {
    let Some((first, _, first_game)) = tables.first() else {
        return Err(ReportError::Empty);
    };
    let fm = first_game.model();
    for (other, _, game) in &tables[1..] {
        let om = game.model();
        if om.checksum != fm.checksum {
            return Err(ReportError::Mixed(Box::new(MixedScenarios {
                first: first.clone(),
                first_id: fm.scenario.meta.id.clone(),
                first_checksum: fm.checksum.clone(),
                other: other.clone(),
                other_id: om.scenario.meta.id.clone(),
                other_checksum: om.checksum.clone(),
            })));
        }
    }
    // One advisor for the scenario: finding the Nash package is the slow part.
    let advisor = Advisor::new(fm);
    Ok(tables
        .iter()
        .map(|(file, save, game)| Debrief::of(file, save, game, Some(&advisor)))
        .collect())
}

/// The report of `tables` (one or more saves of the same scenario) as text.
pub fn render(tables: &[Table], format: Format) -> Result<String, ReportError> {
    let debriefs = debriefs(tables)?;
    let comparison = (debriefs.len() > 1).then(|| Comparison::of(&debriefs));
    let text = match format {
        Format::Md => markdown::render(&debriefs, comparison.as_ref()),
        Format::Html => html::render(&debriefs, comparison.as_ref()),
        Format::Json => json::render(&debriefs, comparison.as_ref()),
        Format::Csv => csv::render(&debriefs),
    };
    // The last guard before a file or a terminal (crate::text).
    Ok(crate::text::clean_text(&text).into_owned())
}

/// Render the report of `tables` and, when `out` is given, write it there
/// atomically (temporary file, then rename). Returns the report's text either way.
///
/// The TUI's end screen calls this with the game it just finished:
/// `write_report(&[(file, Save::of(&game, source, seats), game)], Format::Html, Some(path))`.
pub fn write_report(
    tables: &[Table],
    format: Format,
    out: Option<&Path>,
) -> Result<String, ReportError> {
    let text = render(tables, format)?;
    if let Some(path) = out {
        write_atomic(path, text.as_bytes())?;
    }
    Ok(text)
}
