//! A sweep's summary: its statistics with what they are about, as text and
//! JSON (docs/SWEEPS.md).

use super::stats::{
    DEAL, Dist, OUTCOMES, PARTY_FIGURES, REJECTED, Stats, WALKOUT, r4, rate_json, wilson,
};
use super::sweep::{GameResult, Seats};
use crate::scenario::Model;
use serde_json::{Map, Value, json};

/// What a summary says about where its games came from.
#[derive(Debug, Clone, Default)]
pub struct Provenance {
    /// Games in the whole sweep (all shards).
    pub runs: u64,
    pub seed: u64,
    /// (party id, policy as played).
    pub seats: Vec<(String, String)>,
    /// `--set` and `--grid` settings of this cell, in order.
    pub set: Vec<(String, String)>,
    /// `--vary` ranges.
    pub vary: Vec<(String, String)>,
}

/// A sweep's statistics with what they are about.
#[derive(Debug, Clone)]
pub struct Summary {
    pub scenario_id: String,
    pub version: String,
    pub checksum: String,
    pub title: String,
    pub provenance: Provenance,
    pub stats: Stats,
    /// Share of games that ended in a deal.
    pub deal_rate: f64,
    /// Metric, party and clause ids and option ids, for the output.
    names: Names,
}

#[derive(Debug, Clone)]
struct Names {
    metrics: Vec<String>,
    parties: Vec<String>,
    /// (clause id, option ids).
    clauses: Vec<(String, Vec<String>)>,
}

impl Names {
    fn of(model: &Model) -> Names {
        let s = &model.scenario;
        Names {
            metrics: s.metrics.iter().map(|m| m.id.clone()).collect(),
            parties: s.parties.iter().map(|p| p.id.clone()).collect(),
            clauses: model
                .clauses
                .iter()
                .enumerate()
                .map(|(c, def)| {
                    (
                        s.clauses[c].id.clone(),
                        (0..def.options.len())
                            .map(|o| model.option_id(c, o).to_string())
                            .collect(),
                    )
                })
                .collect(),
        }
    }
}

/// Empty statistics shaped for `model`.
pub fn empty_stats(model: &Model) -> Stats {
    let options: Vec<usize> = model.clauses.iter().map(|c| c.options.len()).collect();
    Stats::new(model.metrics.len(), model.parties.len(), &options)
}

impl Summary {
    /// The summary of kept results (all from `model`).
    pub fn of(model: &Model, seats: &Seats, seed: u64, results: &[GameResult]) -> Summary {
        let mut stats = empty_stats(model);
        for r in results {
            stats.add(&r.figures());
        }
        Summary::from_stats(
            model,
            Provenance {
                runs: results.len() as u64,
                seed,
                seats: seats.labels.clone(),
                ..Provenance::default()
            },
            stats,
        )
    }

    /// The summary of accumulated statistics.
    pub fn from_stats(model: &Model, provenance: Provenance, stats: Stats) -> Summary {
        let meta = &model.scenario.meta;
        Summary {
            scenario_id: meta.id.clone(),
            version: meta.version.clone(),
            checksum: model.checksum.clone(),
            title: meta.title.clone(),
            provenance,
            deal_rate: if stats.runs == 0 {
                0.0
            } else {
                stats.outcomes[DEAL] as f64 / stats.runs as f64
            },
            stats,
            names: Names::of(model),
        }
    }

    /// Replace the statistics (and the rates derived from them).
    pub fn set_stats(&mut self, stats: Stats) {
        self.deal_rate = if stats.runs == 0 {
            0.0
        } else {
            stats.outcomes[DEAL] as f64 / stats.runs as f64
        };
        self.stats = stats;
    }

    /// The ids the summary reports by, as JSON.
    pub fn names_json(&self) -> Value {
        json!({
            "metrics": self.names.metrics,
            "parties": self.names.parties,
            "clauses": self.names.clauses.iter().map(|(c, o)| json!([c, o])).collect::<Vec<_>>(),
        })
    }

    /// An empty summary from its scenario's (id, version, checksum, title)
    /// and [`Summary::names_json`].
    pub fn from_names(meta: [String; 4], names: &Value) -> Result<Summary, String> {
        let strings = |x: Option<&Value>| -> Option<Vec<String>> {
            x?.as_array()?
                .iter()
                .map(|s| s.as_str().map(str::to_string))
                .collect()
        };
        let metrics = strings(names.get("metrics")).ok_or("'names.metrics' is missing")?;
        let parties = strings(names.get("parties")).ok_or("'names.parties' is missing")?;
        let clauses: Vec<(String, Vec<String>)> = names
            .get("clauses")
            .and_then(Value::as_array)
            .and_then(|a| {
                a.iter()
                    .map(|c| Some((c.get(0)?.as_str()?.to_string(), strings(c.get(1))?)))
                    .collect()
            })
            .ok_or("'names.clauses' is missing")?;
        let options: Vec<usize> = clauses.iter().map(|c| c.1.len()).collect();
        let stats = Stats::new(metrics.len(), parties.len(), &options);
        let [scenario_id, version, checksum, title] = meta;
        Ok(Summary {
            scenario_id,
            version,
            checksum,
            title,
            provenance: Provenance::default(),
            stats,
            deal_rate: 0.0,
            names: Names {
                metrics,
                parties,
                clauses,
            },
        })
    }

    /// The summary as one JSON object (docs/SWEEPS.md).
    pub fn json(&self) -> Value {
        let st = &self.stats;
        let n = st.runs;
        let pairs = |v: &[(String, String)]| -> Value {
            Value::Object(
                v.iter()
                    .map(|(k, x)| (k.clone(), json!(x)))
                    .collect::<Map<String, Value>>(),
            )
        };
        let mut m = Map::new();
        m.insert(
            "scenario".into(),
            json!({"id": self.scenario_id, "version": self.version, "checksum": self.checksum}),
        );
        m.insert("runs".into(), json!(n));
        m.insert("seed".into(), json!(self.provenance.seed));
        m.insert("seats".into(), pairs(&self.provenance.seats));
        if !self.provenance.set.is_empty() {
            m.insert("set".into(), pairs(&self.provenance.set));
        }
        if !self.provenance.vary.is_empty() {
            m.insert("vary".into(), pairs(&self.provenance.vary));
        }
        m.insert("deal_rate".into(), json!(r4(self.deal_rate)));
        m.insert("deal".into(), rate_json(st.outcomes[DEAL], n));
        let outcomes: Map<String, Value> = OUTCOMES
            .iter()
            .zip(&st.outcomes)
            .map(|(k, &c)| ((*k).to_string(), rate_json(c, n)))
            .collect();
        m.insert("outcomes".into(), Value::Object(outcomes));
        let walked: Map<String, Value> = self
            .names
            .parties
            .iter()
            .zip(&st.walkouts)
            .map(|(p, &c)| (p.clone(), rate_json(c, n)))
            .collect();
        m.insert("walked_out".into(), Value::Object(walked));
        let forfeited: Map<String, Value> = self
            .names
            .parties
            .iter()
            .zip(&st.forfeits)
            .map(|(p, &c)| (p.clone(), rate_json(c, n)))
            .collect();
        m.insert("forfeited".into(), Value::Object(forfeited));
        let metrics: Map<String, Value> = self
            .names
            .metrics
            .iter()
            .zip(&st.metrics)
            .map(|(k, d)| (k.clone(), d.json()))
            .collect();
        m.insert("metrics".into(), Value::Object(metrics));
        m.insert("likelihood".into(), st.likelihood.json());
        m.insert("rounds".into(), st.rounds.json());
        m.insert("votes_called".into(), st.votes_called.json());
        m.insert("votes_failed".into(), st.votes_failed.json());
        let parties: Map<String, Value> = self
            .names
            .parties
            .iter()
            .zip(&st.parties)
            .map(|(p, ds)| {
                let f: Map<String, Value> = PARTY_FIGURES
                    .iter()
                    .zip(ds)
                    .map(|(k, d)| ((*k).to_string(), d.json()))
                    .collect();
                (p.clone(), Value::Object(f))
            })
            .collect();
        m.insert("parties".into(), Value::Object(parties));
        let clauses: Map<String, Value> = self
            .names
            .clauses
            .iter()
            .zip(&st.wordings)
            .map(|((c, opts), counts)| {
                let w: Map<String, Value> = opts
                    .iter()
                    .zip(counts)
                    .map(|(o, &k)| (o.clone(), rate_json(k, n)))
                    .collect();
                (c.clone(), Value::Object(w))
            })
            .collect();
        m.insert("final_wording".into(), Value::Object(clauses));
        m.insert("quantiles".into(), json!(QUANTILES));
        Value::Object(m)
    }

    /// One line of a grid or band table: the cell's settings, games, deal
    /// rate with its interval, walk-outs and each party's mean score.
    pub fn row(&self, label: &str, width: usize) -> String {
        let st = &self.stats;
        let (lo, hi) = wilson(st.outcomes[DEAL], st.runs);
        let scores: Vec<String> = self
            .names
            .parties
            .iter()
            .zip(&st.parties)
            .map(|(p, ds)| format!("{p} {:+.2}±{:.2}", ds[3].moments.mean(), ds[3].moments.se()))
            .collect();
        let share = |k: usize| 100.0 * st.outcomes[k] as f64 / st.runs.max(1) as f64;
        format!(
            "{label:<width$} {:>9} {:6.1}% [{:5.1}, {:5.1}] {:7.1}% {:6.1}%  {}",
            st.runs,
            100.0 * self.deal_rate,
            100.0 * lo,
            100.0 * hi,
            share(REJECTED),
            share(WALKOUT),
            scores.join("  ")
        )
    }

    /// The header of [`Summary::row`] lines.
    pub fn row_header(label: &str, width: usize) -> String {
        format!(
            "{label:<width$} {:>9} {:>7} {:>14} {:>8} {:>7}  mean score ± s.e. by party",
            "games", "deal", "95% CI", "rejected", "walkout"
        )
    }

    /// The summary in words.
    pub fn text(&self) -> String {
        use std::fmt::Write;
        let st = &self.stats;
        let n = st.runs.max(1) as f64;
        let mut out = String::new();
        let seats: Vec<String> = self
            .provenance
            .seats
            .iter()
            .map(|(p, s)| format!("{p} {s}"))
            .collect();
        let _ = writeln!(
            out,
            "{} — {} games from seed {}",
            self.title, st.runs, self.provenance.seed
        );
        let _ = writeln!(
            out,
            "scenario: {} version {} checksum {}",
            self.scenario_id, self.version, self.checksum
        );
        for (k, v) in &self.provenance.set {
            let _ = writeln!(out, "set: {k}={v}");
        }
        for (k, v) in &self.provenance.vary {
            let _ = writeln!(out, "vary: {k}={v}");
        }
        let _ = writeln!(out, "seats: {}", seats.join(", "));
        let (lo, hi) = wilson(st.outcomes[DEAL], st.runs);
        let _ = writeln!(
            out,
            "deal rate: {:.1}% (95% CI {:.1}–{:.1}%)",
            100.0 * self.deal_rate,
            100.0 * lo,
            100.0 * hi
        );
        let _ = writeln!(out, "outcomes:                 games   share   95% CI");
        let line = |out: &mut String, k: &str, c: u64| {
            let (lo, hi) = wilson(c, st.runs);
            let _ = writeln!(
                out,
                "  {k:<20} {c:>9}  {:5.1}%  {:5.1}–{:5.1}%",
                100.0 * c as f64 / n,
                100.0 * lo,
                100.0 * hi
            );
        };
        for (k, &c) in OUTCOMES.iter().zip(&st.outcomes) {
            // A forfeit needs a bot seat: the line shows only when one failed.
            if *k != "forfeit" || c > 0 {
                line(&mut out, k, c);
            }
        }
        for (p, &c) in self.names.parties.iter().zip(&st.walkouts) {
            if c > 0 {
                line(&mut out, &format!("walked out: {p}"), c);
            }
        }
        for (p, &c) in self.names.parties.iter().zip(&st.forfeits) {
            if c > 0 {
                line(&mut out, &format!("forfeited: {p}"), c);
            }
        }
        let _ = writeln!(
            out,
            "final figures:             mean     s.e.      p10      p50      p90"
        );
        let row = |out: &mut String, name: &str, d: &Dist| {
            let _ = writeln!(
                out,
                "  {name:<20} {:8.2} {:8.3} {:8.2} {:8.2} {:8.2}",
                d.moments.mean(),
                d.moments.se(),
                d.hist.quantile(0.1),
                d.hist.quantile(0.5),
                d.hist.quantile(0.9)
            );
        };
        for (k, d) in self.names.metrics.iter().zip(&st.metrics) {
            row(&mut out, k, d);
        }
        row(&mut out, "likelihood", &st.likelihood);
        row(&mut out, "rounds", &st.rounds);
        row(&mut out, "votes called", &st.votes_called);
        row(&mut out, "votes failed", &st.votes_failed);
        let _ = writeln!(
            out,
            "by party (U what it ends with, R its true bottom line, a public acceptance, score U − R):"
        );
        for (p, ds) in self.names.parties.iter().zip(&st.parties) {
            for (k, d) in ["U", "R", "a", "score"].iter().zip(ds) {
                row(&mut out, &format!("{p} {k}"), d);
            }
        }
        let _ = writeln!(out, "final wording (share of games):");
        for ((c, opts), counts) in self.names.clauses.iter().zip(&st.wordings) {
            let shares: Vec<String> = opts
                .iter()
                .zip(counts)
                .filter(|(_, k)| **k > 0)
                .map(|(o, &k)| format!("{o} {:.1}%", 100.0 * k as f64 / n))
                .collect();
            let _ = writeln!(out, "  {c:<8} {}", shares.join(", "));
        }
        let _ = writeln!(out, "quantiles: {QUANTILES}");
        out
    }
}

/// How quantiles are taken (in every summary).
pub const QUANTILES: &str = "nearest rank (Hyndman-Fan type 1) of values on a grid of 0.01 (chances 0.0001, counts 1): within half a grid step of the exact order statistic";
