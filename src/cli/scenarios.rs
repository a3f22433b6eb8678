//! `backchannel scenarios`: the bundled scenarios.

use super::{CliError, print_out};
use crate::scenario::{BUNDLED, load_str};

#[derive(Debug, clap::Args)]
pub struct ScenariosArgs {
    /// Print a JSON list of {id, title, summary, parties, clauses}.
    #[arg(long)]
    pub json: bool,
}

pub fn execute(args: ScenariosArgs) -> Result<(), CliError> {
    let mut rows = Vec::new();
    for b in BUNDLED {
        let m = load_str(b.file, b.text)
            .map_err(|e| CliError::other(format!("bundled scenario is broken: {e}")))?;
        rows.push(m);
    }
    if args.json {
        let list: Vec<_> = rows
            .iter()
            .map(|m| {
                serde_json::json!({
                    "id": m.scenario.meta.id,
                    "title": m.scenario.meta.title,
                    "summary": m.scenario.meta.summary,
                    "parties": m.scenario.parties.iter().map(|p| &p.id).collect::<Vec<_>>(),
                    "clauses": m.clauses.len(),
                    "checksum": m.checksum,
                })
            })
            .collect();
        let text =
            serde_json::to_string_pretty(&list).map_err(|e| CliError::other(e.to_string()))?;
        return print_out(&(text + "\n"));
    }
    let mut out = String::new();
    for m in &rows {
        let meta = &m.scenario.meta;
        let parties: Vec<&str> = m
            .scenario
            .parties
            .iter()
            .map(|p| p.short.as_str())
            .collect();
        out.push_str(&format!(
            "{:<14} {}\n{:<14} {} parties ({}), {} clauses, {} rounds\n{:<14} {}\n\n",
            meta.id,
            meta.title,
            "",
            parties.len(),
            parties.join(" "),
            m.clauses.len(),
            m.rules.rounds,
            "",
            meta.summary
        ));
    }
    out.push_str(
        "Play one with `backchannel play ID`; check your own with `backchannel check FILE`.\n",
    );
    print_out(&out)
}
