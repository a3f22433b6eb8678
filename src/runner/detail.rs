//! A sweep's detail as CSV (docs/SWEEPS.md): one row per game (`--csv`), or
//! one row per game and clause (`--clauses-csv`). Rows are written as the
//! games finish, so a sweep of any length keeps none of them in memory.

use super::stats::{OUTCOMES, r4};
use super::sweep::GameResult;
use crate::scenario::Model;
use crate::text::csv_cell;
use std::fmt::Write;

/// The header of `--csv`; `extra` names the columns of the settings that
/// change between rows (`--grid` and `--vary` paths).
pub fn games_header(model: &Model, extra: &[String]) -> String {
    let s = &model.scenario;
    let mut out = String::from("game,seed,scenario,version,checksum");
    for e in extra {
        let _ = write!(out, ",{}", csv_cell(e));
    }
    out.push_str(",outcome,walked_out,forfeited,rounds,votes_called,votes_failed");
    for m in &s.metrics {
        let _ = write!(out, ",{}", csv_cell(&m.id));
    }
    out.push_str(",likelihood");
    for p in &s.parties {
        let id = &p.id;
        let _ = write!(out, ",U_{id},R_{id},a_{id},score_{id}");
    }
    out.push_str(",nash_distance");
    for c in &s.clauses {
        let _ = write!(out, ",clause_{}", c.id);
    }
    out.push('\n');
    out
}

/// Clauses whose final wording differs from the Nash package's.
pub fn nash_distance(r: &GameResult, nash: &[usize]) -> usize {
    r.options
        .iter()
        .zip(nash)
        .filter(|(a, b)| usize::from(**a) != **b)
        .count()
}

fn party_id(model: &Model, p: Option<usize>) -> &str {
    p.map_or("", |p| model.scenario.parties[p].id.as_str())
}

/// One `--csv` row (with its newline) onto `out`.
pub fn game_row(
    model: &Model,
    r: &GameResult,
    extra: &[String],
    nash: Option<&[usize]>,
    out: &mut String,
) {
    stamp(model, r, out);
    for e in extra {
        let _ = write!(out, ",{}", csv_cell(e));
    }
    let _ = write!(
        out,
        ",{},{},{},{},{},{}",
        OUTCOMES[r.outcome()],
        csv_cell(party_id(model, r.walked_out())),
        csv_cell(party_id(model, r.forfeit)),
        r.round,
        r.votes_called,
        r.votes_failed
    );
    for v in &r.metrics {
        let _ = write!(out, ",{}", r4(*v));
    }
    let _ = write!(out, ",{}", r4(r.likelihood));
    for f in &r.parties {
        let _ = write!(out, ",{},{},{},{}", r4(f[0]), r4(f[1]), r4(f[2]), r4(f[3]));
    }
    match nash {
        Some(n) => {
            let _ = write!(out, ",{}", nash_distance(r, n));
        }
        None => out.push(','),
    }
    for (c, &o) in r.options.iter().enumerate() {
        let _ = write!(out, ",{}", csv_cell(model.option_id(c, usize::from(o))));
    }
    out.push('\n');
}

/// The first cells of a row: game, seed, and the scenario's id, version and checksum.
fn stamp(model: &Model, r: &GameResult, out: &mut String) {
    let meta = &model.scenario.meta;
    let _ = write!(
        out,
        "{},{},{},{},{}",
        r.index,
        r.seed,
        csv_cell(&meta.id),
        csv_cell(&meta.version),
        model.checksum
    );
}

/// The header of `--clauses-csv`.
pub fn clauses_header(extra: &[String]) -> String {
    let mut out = String::from("game,seed,scenario,version,checksum");
    for e in extra {
        let _ = write!(out, ",{}", csv_cell(e));
    }
    out.push_str(",outcome,clause,wording,nash_wording\n");
    out
}

/// One `--clauses-csv` row per clause of a game onto `out`.
pub fn clause_rows(
    model: &Model,
    r: &GameResult,
    extra: &[String],
    nash: Option<&[usize]>,
    out: &mut String,
) {
    let outcome = OUTCOMES[r.outcome()];
    for (c, &o) in r.options.iter().enumerate() {
        stamp(model, r, out);
        for e in extra {
            let _ = write!(out, ",{}", csv_cell(e));
        }
        let _ = writeln!(
            out,
            ",{outcome},{},{},{}",
            csv_cell(&model.scenario.clauses[c].id),
            csv_cell(model.option_id(c, usize::from(o))),
            nash.map_or("", |n| model.option_id(c, n[c]))
        );
    }
}
