//! `backchannel check FILE...`: validate scenario files.

use super::{CliError, print_out};
use crate::scenario::{LoadError, Model, open};
use serde_json::{Value, json};

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Scenario files (RON): a path with a '/' or ending in .ron; a bare name is a bundled id.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<String>,
    /// Print one JSON object per file (JSON lines) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// How many of each kind of item carry a source: (kind, with, of).
pub fn sourcing(m: &Model) -> Vec<(&'static str, usize, usize)> {
    let s = &m.scenario;
    let count = |it: &mut dyn Iterator<Item = bool>| {
        it.fold((0, 0), |(w, n), has| (w + usize::from(has), n + 1))
    };
    let (cw, cn) = count(&mut s.clauses.iter().map(|c| !c.sources.is_empty()));
    let (vw, vn) = count(
        &mut s
            .clauses
            .iter()
            .flat_map(|c| &c.variants)
            .map(|v| !v.sources.is_empty()),
    );
    let (rw, rn) = count(
        &mut s
            .parties
            .iter()
            .flat_map(|p| &p.red_lines)
            .map(|r| !r.sources.is_empty()),
    );
    let (ew, en) = count(&mut s.events.iter().map(|e| !e.sources.is_empty()));
    vec![
        ("clauses", cw, cn),
        ("wordings", vw, vn),
        ("red_lines", rw, rn),
        ("cards", ew, en),
    ]
}

fn share(with: usize, of: usize) -> f64 {
    if of == 0 {
        1.0
    } else {
        with as f64 / of as f64
    }
}

/// A JSON summary of a valid scenario, with the drafted text's standing for each party.
pub fn summary(file: &str, m: &Model) -> Value {
    let pkg = m.initial_package();
    let ev = m.evaluate(&pkg);
    let draft: serde_json::Map<String, Value> = m
        .scenario
        .parties
        .iter()
        .enumerate()
        .map(|(p, party)| {
            let crossed = ev.crossed[p].map(|l| party.red_lines[l].id.clone());
            (
                party.id.clone(),
                json!({
                    "utility": ev.utility[p],
                    "reservation": ev.reservation[p],
                    "acceptance": ev.acceptance[p],
                    "red_line_crossed": crossed,
                    "would_sign": ev.would_sign(p),
                }),
            )
        })
        .collect();
    json!({
        "file": file,
        "ok": true,
        "id": m.scenario.meta.id,
        "title": m.scenario.meta.title,
        "version": m.scenario.meta.version,
        "checksum": m.checksum,
        "parties": m.scenario.parties.iter().map(|p| &p.id).collect::<Vec<_>>(),
        "clauses": m.clauses.len(),
        "metrics": m.scenario.metrics.iter().map(|x| &x.id).collect::<Vec<_>>(),
        "events": m.events.len(),
        "actions": m.actions.len(),
        "rounds": m.rules.rounds,
        "sources": sourcing(m)
            .into_iter()
            .map(|(kind, with, of)| (kind.to_string(), json!({"with": with, "of": of, "share": share(with, of)})))
            .collect::<serde_json::Map<String, Value>>(),
        "draft": {
            "deal_likelihood": ev.likelihood,
            "parties": draft,
        },
    })
}

fn error_json(file: &str, e: &LoadError) -> Value {
    let errors: Vec<Value> = match e {
        LoadError::Parse {
            line, col, message, ..
        } => {
            vec![json!({"line": line, "column": col, "message": message})]
        }
        LoadError::Invalid { diagnostics, .. } => diagnostics
            .iter()
            .map(|d| json!({"path": d.path, "message": d.message}))
            .collect(),
        other => vec![json!({"message": other.to_string()})],
    };
    json!({"file": file, "ok": false, "errors": errors})
}

pub fn execute(args: CheckArgs) -> Result<(), CliError> {
    let mut failed = 0;
    let mut out = String::new();
    let mut err = String::new();
    for file in &args.files {
        match open(file) {
            Ok(m) if args.json => out.push_str(&format!("{}\n", summary(file, &m))),
            Ok(m) => {
                let sourced: Vec<String> = sourcing(&m)
                    .into_iter()
                    .map(|(kind, with, of)| format!("{} {with}/{of}", kind.replace('_', " ")))
                    .collect();
                out.push_str(&format!(
                    "ok    {file}: {} ({} parties, {} clauses, {} events, checksum {})\n      sourced: {}\n",
                    m.scenario.meta.title,
                    m.parties.len(),
                    m.clauses.len(),
                    m.events.len(),
                    m.checksum,
                    sourced.join(", ")
                ))
            }
            Err(e) => {
                failed += 1;
                if args.json {
                    out.push_str(&format!("{}\n", error_json(file, &e)));
                }
                err.push_str(&format!("{e}\n"));
            }
        }
    }
    print_out(&out)?;
    if failed > 0 {
        let n = args.files.len();
        return Err(CliError::input(format!(
            "{}{failed} of {n} scenario file(s) failed validation",
            err
        )));
    }
    Ok(())
}
