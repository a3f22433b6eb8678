//! The `analyze --json` shape (docs/ANALYSIS.md): the figures, each package
//! as `{clauses: {clause id: variant id | "struck"}, utilities: {party id: U}}`,
//! and every party's utility table so another tool can recompute them.

use super::{Analysis, Change, Scored};
use crate::scenario::model::Model;
use serde_json::{Map, Value, json};

fn big(x: u128) -> Value {
    match u64::try_from(x) {
        Ok(v) => json!(v),
        Err(_) => json!(x as f64),
    }
}

/// A package as JSON.
pub fn package(model: &Model, s: &Scored) -> Value {
    let clauses: Map<String, Value> = s
        .options
        .iter()
        .enumerate()
        .map(|(c, &o)| {
            (
                model.scenario.clauses[c].id.clone(),
                json!(model.option_id(c, o)),
            )
        })
        .collect();
    let utilities: Map<String, Value> = s
        .utility
        .iter()
        .enumerate()
        .map(|(p, &u)| (model.scenario.parties[p].id.clone(), json!(u)))
        .collect();
    json!({ "clauses": clauses, "utilities": utilities })
}

/// A list of clause changes as JSON.
pub fn changes(model: &Model, cs: &[Change]) -> Value {
    Value::Array(
        cs.iter()
            .map(|c| {
                json!({
                    "clause": model.scenario.clauses[c.clause].id,
                    "from": model.option_id(c.clause, c.from),
                    "to": model.option_id(c.clause, c.to),
                })
            })
            .collect(),
    )
}

/// Each party's reservation, weights, red lines and utility table.
pub fn parties(model: &Model) -> Value {
    let mut out = Map::new();
    for (p, party) in model.scenario.parties.iter().enumerate() {
        let clauses: Map<String, Value> = model
            .clauses
            .iter()
            .enumerate()
            .map(|(c, cm)| {
                let table: Map<String, Value> = (0..cm.options.len())
                    .map(|o| {
                        (
                            model.option_id(c, o).to_string(),
                            json!(cm.options[o].utility[p]),
                        )
                    })
                    .collect();
                (model.scenario.clauses[c].id.clone(), Value::Object(table))
            })
            .collect();
        let combinations: Map<String, Value> = model
            .combinations
            .iter()
            .enumerate()
            .map(|(i, cm)| {
                (
                    model.scenario.combinations[i].id.clone(),
                    json!(cm.utility[p]),
                )
            })
            .collect();
        let weights: Map<String, Value> = model
            .scenario
            .metrics
            .iter()
            .enumerate()
            .filter(|(m, _)| model.parties[p].weights[*m] != 0.0)
            .map(|(m, mm)| (mm.id.clone(), json!(model.parties[p].weights[m])))
            .collect();
        out.insert(
            party.id.clone(),
            json!({
                "reservation": model.parties[p].reservation,
                "weights": weights,
                "red_lines": party.red_lines.iter().map(|l| json!({"id": l.id, "crossed_if": l.crossed_if})).collect::<Vec<_>>(),
                "clauses": clauses,
                "combinations": combinations,
            }),
        );
    }
    Value::Object(out)
}

/// What else a tool needs to recompute U: metrics, option effects, linkage
/// and the combinations' conditions.
pub fn mechanics(model: &Model) -> Value {
    let metrics: Map<String, Value> = model
        .scenario
        .metrics
        .iter()
        .map(|m| {
            (
                m.id.clone(),
                json!({"min": m.min, "max": m.max, "initial": m.initial, "kind": m.kind}),
            )
        })
        .collect();
    let clauses: Map<String, Value> = model
        .scenario
        .clauses
        .iter()
        .map(|c| {
            let mut opts = Map::new();
            for v in &c.variants {
                opts.insert(v.id.clone(), json!({"effects": v.effects, "requires": v.requires, "excludes": v.excludes}));
            }
            if c.strikable {
                opts.insert("struck".into(), json!({"effects": c.strike.effects}));
            }
            (
                c.id.clone(),
                json!({"strikable": c.strikable, "requires": c.requires, "excludes": c.excludes, "options": opts}),
            )
        })
        .collect();
    let combinations: Vec<Value> = model
        .scenario
        .combinations
        .iter()
        .map(|c| json!({"id": c.id, "when": c.when, "effects": c.effects}))
        .collect();
    json!({"metrics": metrics, "clauses": clauses, "combinations": combinations})
}

/// The whole report.
pub fn report(model: &Model, a: &Analysis) -> Value {
    let pkg = |s: &Option<Scored>| s.as_ref().map_or(Value::Null, |s| package(model, s));
    let ideal: Map<String, Value> = a
        .ideal
        .iter()
        .enumerate()
        .map(|(p, &u)| (model.scenario.parties[p].id.clone(), json!(u)))
        .collect();
    let adv = &a.advice;
    let signs: Map<String, Value> = adv
        .signs
        .iter()
        .enumerate()
        .map(|(p, &s)| (model.scenario.parties[p].id.clone(), json!(s)))
        .collect();
    let nearest = adv.distance_to_zopa.map(|_| {
        let mut o = a.draft.options.clone();
        for c in &adv.nearest_zopa_changes {
            o[c.clause] = c.to;
        }
        package(
            model,
            &Scored {
                options: o,
                utility: adv.nearest_utility.clone(),
            },
        )
    });
    json!({
        "scenario": model.scenario.meta.id,
        "version": model.scenario.meta.version,
        "checksum": model.checksum,
        "space_size": big(a.space_size),
        "log2_space_size": a.log2_size,
        "exact": a.exact,
        "zopa_exact": a.zopa_exact,
        "bargaining_exact": a.bargaining_exact,
        "pareto_exact": a.pareto_exact,
        "zopa_count": big(a.zopa_count),
        "pareto_count": a.pareto_count.map_or(Value::Null, big),
        "pareto_scope": a.pareto_scope.name(),
        "pareto_scope_exact": a.pareto_scope_exact,
        "pareto": a.pareto.iter().map(|s| package(model, s)).collect::<Vec<_>>(),
        "ideal": ideal,
        "nash": pkg(&a.nash),
        "kalai_smorodinsky": pkg(&a.kalai_smorodinsky),
        "utilitarian": pkg(&a.utilitarian),
        "draft": {
            "package": package(model, &a.draft),
            "in_zopa": adv.in_zopa,
            "signs": signs,
            "distance_to_zopa": adv.distance_to_zopa,
            "distance_exact": adv.exact,
            "nearest_zopa": nearest,
            "nearest_zopa_changes": changes(model, &adv.nearest_zopa_changes),
            "nash_diff": changes(model, &adv.nash_diff),
        },
        "parties": parties(model),
        "model": mechanics(model),
    })
}
