//! `backchannel merge SHARD.json...`: the summary of a sweep played in
//! slices (`sweep --shard i/n`), byte for byte what the whole sweep prints.

use super::CliError;
use crate::runner::shard::{Report, Shard};
use serde_json::Value;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The JSON outputs of `sweep --shard i/n` for i = 1..n (any order).
    #[arg(required = true)]
    pub shards: Vec<PathBuf>,
    /// Print the statistics as one JSON object (as `sweep --json` does).
    #[arg(long)]
    pub json: bool,
}

/// Largest shard file read.
const MAX_SHARD_BYTES: usize = 256 << 20;

struct Part {
    shard: Shard,
    grid: Vec<(String, Vec<String>)>,
    cells: Vec<Report>,
}

fn read(path: &std::path::Path) -> Result<Part, CliError> {
    let file = path.display().to_string();
    let bytes = crate::files::read_limited(path, MAX_SHARD_BYTES)
        .map_err(|e| CliError::input(format!("{file}: cannot read: {e}")))?;
    let v: Value = serde_json::from_slice(&bytes)
        .map_err(|e| CliError::input(format!("{file}: not JSON: {e}")))?;
    let bad = |e: String| CliError::input(format!("{file}: not a sweep shard: {e}"));
    let sh = v
        .get("shard")
        .ok_or_else(|| bad("no 'shard' (run the sweep with --shard I/N)".into()))?;
    let shard = Shard {
        index: sh.get("index").and_then(Value::as_u64).unwrap_or(0),
        of: sh.get("of").and_then(Value::as_u64).unwrap_or(0),
    };
    if shard.index == 0 || shard.index > shard.of {
        return Err(bad("'shard' is not {index, of} with 1 ≤ index ≤ of".into()));
    }
    let (grid, cells) = match v.get("cells").and_then(Value::as_array) {
        Some(cells) => {
            let grid = v
                .get("grid")
                .and_then(Value::as_object)
                .ok_or_else(|| bad("'grid' is missing".into()))?
                .iter()
                .map(|(p, vs)| {
                    let vs = vs
                        .as_array()
                        .and_then(|a| a.iter().map(|x| x.as_str().map(String::from)).collect())
                        .ok_or_else(|| bad(format!("grid '{p}' is not a list of values")))?;
                    Ok((p.clone(), vs))
                })
                .collect::<Result<Vec<_>, CliError>>()?;
            let cells = cells
                .iter()
                .map(|c| Report::from_json(c).map_err(bad))
                .collect::<Result<Vec<_>, _>>()?;
            (grid, cells)
        }
        None => (Vec::new(), vec![Report::from_json(&v).map_err(bad)?]),
    };
    Ok(Part { shard, grid, cells })
}

pub fn execute(args: MergeArgs) -> Result<(), CliError> {
    let mut parts = Vec::new();
    for p in &args.shards {
        parts.push((p, read(p)?));
    }
    let n = parts[0].1.shard.of;
    let mut seen = vec![None; n as usize];
    for (path, part) in &parts {
        if part.shard.of != n {
            return Err(CliError::input(format!(
                "{}: shard {}/{}, but {} is of {n}",
                path.display(),
                part.shard.index,
                part.shard.of,
                parts[0].0.display()
            )));
        }
        let slot = &mut seen[part.shard.index as usize - 1];
        if let Some(other) = slot {
            return Err(CliError::input(format!(
                "{}: shard {}/{n} is also {}",
                path.display(),
                part.shard.index,
                other
            )));
        }
        *slot = Some(path.display().to_string());
    }
    if let Some(missing) = seen.iter().position(Option::is_none) {
        return Err(CliError::input(format!(
            "shard {}/{n} is missing; merge needs every shard of the sweep",
            missing + 1
        )));
    }
    // Added in shard order (the sums are exact, so the order only fixes
    // which file an error names).
    parts.sort_by_key(|(_, p)| p.shard.index);
    let mut iter = parts.into_iter();
    let (_, first) = iter.next().ok_or_else(|| CliError::input("no shard"))?;
    let grid = first.grid;
    let mut cells = first.cells;
    for (path, part) in iter {
        if part.grid != grid || part.cells.len() != cells.len() {
            return Err(CliError::input(format!(
                "{}: the shards are not of one sweep (a different --grid)",
                path.display()
            )));
        }
        for (a, b) in cells.iter_mut().zip(&part.cells) {
            a.merge(b)
                .map_err(|e| CliError::input(format!("{}: {e}", path.display())))?;
        }
    }
    let text = super::sweep::render(&cells, &grid, args.json, None)?;
    super::print_out(&text)
}
