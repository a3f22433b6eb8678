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
            Ok(m) => out.push_str(&format!(
                "ok    {file}: {} ({} parties, {} clauses, {} events, checksum {})\n",
                m.scenario.meta.title,
                m.parties.len(),
                m.clauses.len(),
                m.events.len(),
                m.checksum
            )),
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
