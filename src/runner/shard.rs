//! A sweep's printed result and its mergeable form (docs/SWEEPS.md).
//!
//! A [`Report`] is one cell of a sweep: its [`Summary`] and, under
//! `--vary`, one band per value of each varied path. With `--shard i/n` the
//! JSON also carries each summary's sufficient statistics (`state`), which
//! `backchannel merge` adds up; the merged report prints exactly what the
//! unsharded sweep prints.

use super::stats::Stats;
use super::sweep::{Provenance, Summary};
use serde_json::{Map, Value, json};

/// One value of one `--vary` path.
#[derive(Debug, Clone)]
pub struct Band {
    pub path: String,
    pub value: String,
    pub summary: Summary,
}

/// One cell of a sweep.
#[derive(Debug, Clone)]
pub struct Report {
    pub summary: Summary,
    pub bands: Vec<Band>,
}

/// Which slice of a sweep's games a run played: `index` of `of` (from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub of: u64,
}

impl Shard {
    /// Parse `I/N` (1 ≤ I ≤ N).
    pub fn parse(text: &str) -> Result<Shard, String> {
        let bad = || format!("--shard '{text}': expected I/N with 1 ≤ I ≤ N (e.g. 3/8)");
        let (i, n) = text.split_once('/').ok_or_else(bad)?;
        let (index, of): (u64, u64) = (
            i.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if index == 0 || index > of {
            return Err(bad());
        }
        Ok(Shard { index, of })
    }

    /// The games of this shard among `runs`: contiguous, and the shards
    /// 1..=n together play each game exactly once.
    pub fn range(&self, runs: u64) -> std::ops::Range<u64> {
        let at = |k: u64| (u128::from(runs) * u128::from(k) / u128::from(self.of)) as u64;
        at(self.index - 1)..at(self.index)
    }
}

impl Report {
    /// The printed JSON; with `state`, the statistics to merge too.
    pub fn json(&self, state: bool) -> Value {
        let mut v = self.summary.json();
        if let Value::Object(m) = &mut v {
            if !self.bands.is_empty() {
                let bands: Vec<Value> = self
                    .bands
                    .iter()
                    .map(|b| {
                        let mut x = Map::new();
                        x.insert("path".into(), json!(b.path));
                        x.insert("value".into(), json!(b.value));
                        x.insert("summary".into(), b.summary.json());
                        if state {
                            x.insert("state".into(), b.summary.state());
                        }
                        Value::Object(x)
                    })
                    .collect();
                m.insert("bands".into(), Value::Array(bands));
            }
            if state {
                m.insert("state".into(), self.summary.state());
            }
        }
        v
    }

    /// The printed text.
    pub fn text(&self) -> String {
        let mut out = self.summary.text();
        if !self.bands.is_empty() {
            out.push_str("robustness bands (each game draws the value):\n");
            let labels: Vec<String> = self
                .bands
                .iter()
                .map(|b| format!("  {}={}", b.path, b.value))
                .collect();
            let width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
            out.push_str(&Summary::row_header("  value", width));
            out.push('\n');
            for (b, label) in self.bands.iter().zip(&labels) {
                out.push_str(&b.summary.row(label, width));
                out.push('\n');
            }
        }
        out
    }

    /// Read a report written with its state.
    pub fn from_json(v: &Value) -> Result<Report, String> {
        let summary = Summary::from_state(
            v.get("state")
                .ok_or("no 'state' (was it run with --shard?)")?,
        )?;
        let mut bands = Vec::new();
        if let Some(bs) = v.get("bands").and_then(Value::as_array) {
            for b in bs {
                bands.push(Band {
                    path: b
                        .get("path")
                        .and_then(Value::as_str)
                        .ok_or("a band has no path")?
                        .into(),
                    value: b
                        .get("value")
                        .and_then(Value::as_str)
                        .ok_or("a band has no value")?
                        .into(),
                    summary: Summary::from_state(b.get("state").ok_or("a band has no state")?)?,
                });
            }
        }
        Ok(Report { summary, bands })
    }

    /// Add another shard of the same cell.
    pub fn merge(&mut self, o: &Report) -> Result<(), String> {
        self.summary.merge(&o.summary)?;
        if self.bands.len() != o.bands.len() {
            return Err("the shards vary different paths".into());
        }
        for (a, b) in self.bands.iter_mut().zip(&o.bands) {
            if (&a.path, &a.value) != (&b.path, &b.value) {
                return Err("the shards vary different paths".into());
            }
            a.summary.merge(&b.summary)?;
        }
        Ok(())
    }
}

impl Summary {
    /// Everything [`Summary::from_state`] needs to rebuild the summary.
    pub fn state(&self) -> Value {
        let pairs = |v: &[(String, String)]| -> Value {
            Value::Array(v.iter().map(|(a, b)| json!([a, b])).collect())
        };
        json!({
            "scenario": {"id": self.scenario_id, "version": self.version, "checksum": self.checksum, "title": self.title},
            "seed": self.provenance.seed,
            "sweep_runs": self.provenance.runs,
            "seats": pairs(&self.provenance.seats),
            "set": pairs(&self.provenance.set),
            "vary": pairs(&self.provenance.vary),
            "names": self.names_json(),
            "stats": self.stats.state(),
        })
    }

    /// Rebuild a summary from [`Summary::state`].
    pub fn from_state(v: &Value) -> Result<Summary, String> {
        let text = |x: Option<&Value>, what: &str| -> Result<String, String> {
            x.and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| format!("'{what}' is missing"))
        };
        let pairs = |k: &str| -> Result<Vec<(String, String)>, String> {
            v.get(k)
                .and_then(Value::as_array)
                .and_then(|a| {
                    a.iter()
                        .map(|p| {
                            Some((
                                p.get(0)?.as_str()?.to_string(),
                                p.get(1)?.as_str()?.to_string(),
                            ))
                        })
                        .collect::<Option<Vec<_>>>()
                })
                .ok_or_else(|| format!("'{k}' is not a list of pairs"))
        };
        let sc = v.get("scenario").ok_or("'scenario' is missing")?;
        let names = v.get("names").ok_or("'names' is missing")?;
        let mut summary = Summary::from_names(
            [
                text(sc.get("id"), "scenario.id")?,
                text(sc.get("version"), "scenario.version")?,
                text(sc.get("checksum"), "scenario.checksum")?,
                text(sc.get("title"), "scenario.title")?,
            ],
            names,
        )?;
        summary.provenance = Provenance {
            runs: v
                .get("sweep_runs")
                .and_then(Value::as_u64)
                .ok_or("'sweep_runs' is missing")?,
            seed: v
                .get("seed")
                .and_then(Value::as_u64)
                .ok_or("'seed' is missing")?,
            seats: pairs("seats")?,
            set: pairs("set")?,
            vary: pairs("vary")?,
        };
        let like = summary.stats.clone();
        summary.set_stats(Stats::from_state(
            v.get("stats").ok_or("'stats' is missing")?,
            &like,
        )?);
        Ok(summary)
    }

    /// Add the statistics of another shard of the same sweep.
    pub fn merge(&mut self, o: &Summary) -> Result<(), String> {
        let same = self.checksum == o.checksum
            && self.provenance.seed == o.provenance.seed
            && self.provenance.runs == o.provenance.runs
            && self.provenance.seats == o.provenance.seats
            && self.provenance.set == o.provenance.set
            && self.provenance.vary == o.provenance.vary
            && self.names_json() == o.names_json();
        if !same {
            return Err(format!(
                "the shards are not of one sweep (scenario checksum {} vs {}, or a different --seed, --runs, --seat, --set, --grid or --vary)",
                self.checksum, o.checksum
            ));
        }
        let mut st = self.stats.clone();
        st.merge(&o.stats);
        self.set_stats(st);
        Ok(())
    }
}
