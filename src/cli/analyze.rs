//! `backchannel analyze SCENARIO [--save SAVE] [--json]`: the deal space.

use super::{CliError, print_out};
use crate::analysis::pareto::Scope;
use crate::analysis::{self, Analysis, Limits, Progress, Scored};
use crate::engine::score::Package;
use crate::scenario::{self, Model};
use std::fmt::Write;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub struct AnalyzeArgs {
    /// A bundled scenario id, or a path to a scenario file (a name with a '/' or ending in .ron).
    pub scenario: String,
    /// Analyse the draft of a saved game instead of the scenario's draft.
    #[arg(long)]
    pub save: Option<PathBuf>,
    /// Print JSON for tools instead of text.
    #[arg(long)]
    pub json: bool,
    /// Most Pareto-frontier packages listed (JSON) or shown (text: at most 10).
    #[arg(long, default_value_t = 1000)]
    pub pareto_cap: usize,
    /// Time budget in seconds. It is counted as work (a fixed number of
    /// search steps per second), so a given input always stops at the same
    /// place; figures the budget cut short are labelled approximate.
    #[arg(long, default_value_t = analysis::DEFAULT_SECONDS, value_name = "SECONDS")]
    pub budget: f64,
    /// Change one value of the scenario first, e.g. parties.ru.reservation.mean=28. Repeatable.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
}

struct Bar(indicatif::ProgressBar);

impl Progress for Bar {
    fn start(&self, total: u64) {
        self.0.reset();
        self.0.set_length(total);
    }
    fn tick(&self) {
        self.0.inc(1);
    }
}

pub fn execute(args: AnalyzeArgs) -> Result<(), CliError> {
    if !(args.budget > 0.0 && args.budget <= 86_400.0) {
        return Err(CliError::input(
            "--budget must be between 0 and 86400 seconds",
        ));
    }
    let base = scenario::open(&args.scenario)?;
    let sets: Vec<scenario::edit::Setting> = args
        .set
        .iter()
        .map(|s| scenario::edit::parse(s, "--set"))
        .collect::<Result<_, _>>()
        .map_err(CliError::input)?;
    let model = Arc::new(
        scenario::edit::apply(&base, &sets).map_err(|e| CliError::input(format!("--set {e}")))?,
    );
    let draft = match &args.save {
        None => model.initial_package().options,
        Some(path) => {
            let (_, game) = crate::save::open(path).map_err(|e| CliError::input(e.to_string()))?;
            if game.model().checksum != model.checksum {
                return Err(CliError::input(format!(
                    "{}: the save is a game of '{}', not of the scenario given ('{}')",
                    path.display(),
                    game.model().scenario.meta.id,
                    model.scenario.meta.id
                )));
            }
            game.options().to_vec()
        }
    };
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = indicatif::ProgressBar::new(0);
        b.set_style(
            indicatif::ProgressStyle::with_template("analyze {bar:40} {pos}/{len} tasks {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Bar(b)
    });
    let limits = Limits {
        budget: analysis::work_for(args.budget).max(1),
        pareto_cap: args.pareto_cap,
        progress: bar.as_ref().map(|b| b as &dyn Progress),
        ..Limits::default()
    };
    let a = analysis::analyze(&model, &draft, limits);
    if let Some(b) = &bar {
        b.0.finish_and_clear();
    }
    if args.json {
        let v = analysis::json::report(&model, &a);
        let text = serde_json::to_string_pretty(&v).map_err(|e| CliError::other(e.to_string()))?;
        print_out(&(text + "\n"))
    } else {
        print_out(&text(&model, &a))
    }
}

fn num(x: u128) -> String {
    let s = x.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

fn utilities(model: &Model, s: &Scored) -> String {
    s.utility
        .iter()
        .enumerate()
        .map(|(p, u)| {
            format!(
                "{} {:.1} (R {:.1})",
                model.party_short(p),
                u + 0.0,
                model.parties[p].reservation + 0.0
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn versus(model: &Model, draft: &[usize], s: &Scored) -> String {
    let diffs: Vec<String> = (0..draft.len())
        .filter(|&c| draft[c] != s.options[c])
        .map(|c| {
            format!(
                "{} {}",
                model.scenario.clauses[c].id,
                model.option_id(c, s.options[c])
            )
        })
        .collect();
    if diffs.is_empty() {
        "the draft itself".into()
    } else {
        format!("the draft with {}", diffs.join(", "))
    }
}

/// The report for people.
pub fn text(model: &Model, a: &Analysis) -> String {
    let mut s = String::new();
    let approx = |exact: bool| {
        if exact {
            ""
        } else {
            " (approximate: the search budget ran out)"
        }
    };
    let _ = writeln!(
        s,
        "{} — deal-space analysis (scenario {} version {}, checksum {})",
        model.scenario.meta.title,
        model.scenario.meta.id,
        model.scenario.meta.version,
        model.checksum
    );
    let size = if a.log2_size <= 96.0 {
        num(a.space_size)
    } else {
        format!("about 2^{:.0}", a.log2_size)
    };
    let _ = writeln!(
        s,
        "Packages: {size} (2^{:.1}): each clause at one of its variants or struck.",
        a.log2_size
    );
    let zopa = if a.zopa_exact {
        num(a.zopa_count)
    } else {
        format!("at least {}", num(a.zopa_count))
    };
    let _ = writeln!(
        s,
        "ZOPA (every party would sign): {zopa} packages{}.",
        approx(a.zopa_exact)
    );
    if a.nash.is_none() {
        let _ = writeln!(
            s,
            "No package is acceptable to every party: the ZOPA is empty{}.",
            approx(a.zopa_exact)
        );
    }
    let ideal: Vec<String> = a
        .ideal
        .iter()
        .enumerate()
        .filter(|(_, u)| u.is_finite())
        .map(|(p, u)| format!("{} {:.1}", model.party_short(p), u))
        .collect();
    if !ideal.is_empty() {
        let _ = writeln!(
            s,
            "Best each party can get inside the ZOPA: {}.",
            ideal.join(", ")
        );
    }
    let _ = writeln!(s);
    for (name, what, pkg) in [
        (
            "Nash package",
            "maximises the product of every party's gain over its reservation",
            &a.nash,
        ),
        (
            "Kalai–Smorodinsky package",
            "gives every party the same share of its best possible gain",
            &a.kalai_smorodinsky,
        ),
        (
            "Utilitarian package",
            "maximises the sum of utilities",
            &a.utilitarian,
        ),
    ] {
        if let Some(p) = pkg {
            let _ = writeln!(s, "{name}{} — {what}:", approx(a.bargaining_exact));
            let _ = writeln!(s, "  {}", versus(model, &a.draft.options, p));
            let _ = writeln!(s, "  utilities: {}", utilities(model, p));
        }
    }
    let _ = writeln!(s);
    let in_zopa = |p: &Scored| {
        model.linkage_problem(&p.options).is_none()
            && (0..model.parties.len()).all(|q| {
                model.would_sign(
                    &Package {
                        options: p.options.clone(),
                    },
                    q,
                )
            })
    };
    match (a.pareto_scope, a.pareto_count) {
        (Scope::Feasible, Some(n)) => {
            let _ = writeln!(
                s,
                "Pareto frontier (no package is better for one party and worse for none): {} packages.",
                num(n)
            );
            let inz = a.pareto.iter().filter(|p| in_zopa(p)).count();
            let _ = writeln!(
                s,
                "  of the {} listed, {} are in the ZOPA.",
                a.pareto.len(),
                inz
            );
        }
        (_, n) => {
            let _ = writeln!(
                s,
                "Pareto frontier over all packages: not computed: {}.",
                if model.parties.len() > crate::analysis::pareto::MAX_PARTIES {
                    format!(
                        "with more than {} parties nearly every package is on it",
                        crate::analysis::pareto::MAX_PARTIES
                    )
                } else {
                    format!(
                        "among 2^{:.0} packages it is too wide, or too costly to find, within the budget",
                        a.log2_size
                    )
                }
            );
            if let Some(n) = n {
                let _ = writeln!(
                    s,
                    "Pareto frontier within the ZOPA (no signable package is better for one party and worse for none): {} packages{}.",
                    num(n),
                    approx(a.pareto_scope_exact)
                );
            }
        }
    }
    let _ = writeln!(s);
    let adv = &a.advice;
    let _ = writeln!(s, "The draft: {}", utilities(model, &a.draft));
    let who: Vec<&str> = adv
        .signs
        .iter()
        .enumerate()
        .filter(|(_, s)| !**s)
        .map(|(p, _)| model.party_short(p))
        .collect();
    if adv.in_zopa {
        let _ = writeln!(s, "  every party would sign it: it is in the ZOPA.");
    } else {
        let _ = writeln!(s, "  would not sign: {}.", who.join(", "));
        match adv.distance_to_zopa {
            Some(d) => {
                let _ = writeln!(
                    s,
                    "  fewest clause changes into the ZOPA: {d}{}:",
                    if adv.exact {
                        ""
                    } else {
                        " (best found; not proven minimal)"
                    }
                );
                for c in &adv.nearest_zopa_changes {
                    let _ = writeln!(
                        s,
                        "    {}: {} → {}",
                        model.scenario.clauses[c.clause].id,
                        model.option_label(c.clause, c.from),
                        model.option_label(c.clause, c.to)
                    );
                }
            }
            None => {
                let _ = writeln!(s, "  no change takes it into the ZOPA.");
            }
        }
    }
    if !adv.nash_diff.is_empty() {
        let _ = writeln!(
            s,
            "  differs from the Nash package in {} clauses:",
            adv.nash_diff.len()
        );
        for c in &adv.nash_diff {
            let _ = writeln!(
                s,
                "    {}: {} → {}",
                model.scenario.clauses[c.clause].id,
                model.option_label(c.clause, c.from),
                model.option_label(c.clause, c.to)
            );
        }
    }
    if !a.exact {
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "Figures marked approximate are bounds or best-found values; the rest are exact."
        );
    }
    s
}
