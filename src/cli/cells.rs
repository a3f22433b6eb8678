//! The cells of a sweep: `--set`, `--grid` and `--vary` turned into the
//! models each game plays (docs/SWEEPS.md).

use super::CliError;
use crate::runner::sweep;
use crate::scenario::Model;
use crate::scenario::edit::{self, Setting};
use std::sync::Arc;

/// Most models one cell may build for `--vary`.
const MAX_VARIANTS: usize = 1331;

/// How many values a `--vary` range takes.
const VARY_LEVELS: usize = 11;

/// `--grid PATH=a,b,c` flags.
pub fn parse_grid(flags: &[String]) -> Result<Vec<(String, Vec<String>)>, CliError> {
    let mut grid = Vec::new();
    for g in flags {
        let s = edit::parse(g, "--grid").map_err(CliError::input)?;
        let values: Vec<String> = s.value.split(',').map(|v| v.trim().to_string()).collect();
        if values.iter().any(String::is_empty) {
            return Err(CliError::input(format!(
                "--grid '{g}': expected PATH=A,B,... with no empty value"
            )));
        }
        grid.push((s.path, values));
    }
    let cells = grid
        .iter()
        .try_fold(1usize, |n, (_, v)| n.checked_mul(v.len()))
        .unwrap_or(usize::MAX);
    if cells > 1024 {
        return Err(CliError::input(format!(
            "--grid: {cells} cells; at most 1024"
        )));
    }
    Ok(grid)
}

/// Every combination of grid values, first path slowest.
pub fn cartesian(grid: &[(String, Vec<String>)]) -> Vec<Vec<Setting>> {
    let mut out: Vec<Vec<Setting>> = vec![Vec::new()];
    for (path, values) in grid {
        out = out
            .into_iter()
            .flat_map(|prefix| {
                values.iter().map(move |v| {
                    let mut x = prefix.clone();
                    x.push(Setting {
                        path: path.clone(),
                        value: v.clone(),
                    });
                    x
                })
            })
            .collect();
    }
    out
}

/// One `--vary PATH=LO..HI`.
pub struct Vary {
    pub path: String,
    pub range: String,
    pub values: Vec<String>,
}

pub fn parse_vary(model: &Model, flags: &[String]) -> Result<Vec<Vary>, CliError> {
    let mut out = Vec::new();
    let mut total = 1usize;
    for f in flags {
        let s = edit::parse(f, "--vary").map_err(CliError::input)?;
        let bad = || {
            CliError::input(format!(
                "--vary '{f}': expected PATH=LO..HI with numbers LO < HI"
            ))
        };
        let (lo, hi) = s.value.split_once("..").ok_or_else(bad)?;
        let (lo, hi): (f64, f64) = (
            lo.trim().parse().map_err(|_| bad())?,
            hi.trim().parse().map_err(|_| bad())?,
        );
        if !(lo.is_finite() && hi.is_finite() && lo < hi) {
            return Err(bad());
        }
        let (_, whole) =
            edit::number_at(model, &s.path).map_err(|e| CliError::input(format!("--vary {e}")))?;
        let mut values: Vec<String> = (0..VARY_LEVELS)
            .map(|j| {
                let x = lo + (hi - lo) * j as f64 / (VARY_LEVELS - 1) as f64;
                if whole {
                    format!("{}", x.round())
                } else {
                    format!("{}", (x * 1e6).round() / 1e6)
                }
            })
            .collect();
        values.dedup();
        total = total.saturating_mul(values.len());
        out.push(Vary {
            path: s.path,
            range: s.value,
            values,
        });
    }
    if total > MAX_VARIANTS {
        return Err(CliError::input(format!(
            "--vary: {total} combinations of values; at most {MAX_VARIANTS} (vary fewer paths)"
        )));
    }
    Ok(out)
}

/// One cell of a sweep: its settings and its models (one per combination of
/// `--vary` values, in mixed radix, the last path fastest).
pub struct Cell {
    pub set: Vec<(String, String)>,
    /// The values of the `--grid` paths in this cell.
    pub grid_values: Vec<String>,
    pub models: Vec<(Arc<Model>, sweep::Seats)>,
}

impl Cell {
    pub fn build(
        base: &Model,
        settings: &[Setting],
        grid_n: usize,
        vary: &[Vary],
        seats: &dyn Fn(&Model) -> Result<sweep::Seats, CliError>,
    ) -> Result<Cell, CliError> {
        let count: usize = vary.iter().map(|v| v.values.len()).product();
        let mut models = Vec::with_capacity(count);
        for k in 0..count {
            let mut all = settings.to_vec();
            let mut rest = k;
            let mut levels = vec![0; vary.len()];
            for (j, v) in vary.iter().enumerate().rev() {
                levels[j] = rest % v.values.len();
                rest /= v.values.len();
            }
            for (j, v) in vary.iter().enumerate() {
                all.push(Setting {
                    path: v.path.clone(),
                    value: v.values[levels[j]].clone(),
                });
            }
            let flag = if vary.is_empty() { "--set" } else { "--vary" };
            let model = Arc::new(
                edit::apply(base, &all).map_err(|e| CliError::input(format!("{flag} {e}")))?,
            );
            let seats = seats(&model)?;
            models.push((model, seats));
        }
        let n_set = settings.len();
        Ok(Cell {
            set: settings
                .iter()
                .map(|s| (s.path.clone(), s.value.clone()))
                .collect(),
            grid_values: settings[n_set - grid_n..]
                .iter()
                .map(|s| s.value.clone())
                .collect(),
            models,
        })
    }

    /// The model game `i` plays: each varied path's value drawn from a
    /// stream of its own, independent of the games' seeds.
    pub fn pick(&self, seed: u64, i: u64, vary: &[Vary]) -> usize {
        let mut k = 0;
        for (j, v) in vary.iter().enumerate() {
            let h = crate::runner::game_seed(
                seed ^ VARY_STREAM,
                i.wrapping_mul(vary.len() as u64).wrapping_add(j as u64),
            );
            k = k * v.values.len() + (h % v.values.len() as u64) as usize;
        }
        k
    }

    /// Each varied path's value index of model `k`.
    pub fn levels(&self, k: usize, vary: &[Vary]) -> Vec<usize> {
        let mut rest = k;
        let mut levels = vec![0; vary.len()];
        for (j, v) in vary.iter().enumerate().rev() {
            levels[j] = rest % v.values.len();
            rest /= v.values.len();
        }
        levels
    }
}

/// Salt of the `--vary` draws' stream.
const VARY_STREAM: u64 = 0x7661_7279_5f64_7261;
