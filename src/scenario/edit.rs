//! `--set PATH=VALUE`: one field of a scenario changed from the command
//! line, generically, over the scenario's data (docs/SWEEPS.md).
//!
//! The scenario is turned into a JSON value with the field names of the
//! file format; a path walks it one dot-separated step at a time: a field by
//! name, an entry of a map by key (`utility.ru`, `weights.cohesion`), and an
//! item of a list by its `id` (`parties.ru`, `clauses.p21.variants.zone`) or
//! by its position from 0 (`rules.turn_order.0`). The new value must have the
//! old one's type; the edited scenario is read back and validated like a
//! file, so every problem names the path.

use super::load::checksum;
use super::model::Model;
use super::schema::Scenario;
use super::validate::compile;
use serde_json::Value;

/// One `PATH=VALUE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub path: String,
    pub value: String,
}

impl std::fmt::Display for Setting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={}", self.path, self.value)
    }
}

/// Split `PATH=VALUE` (the flag names the option in errors).
pub fn parse(text: &str, flag: &str) -> Result<Setting, String> {
    let Some((path, value)) = text.split_once('=') else {
        return Err(format!(
            "{flag} '{text}': expected PATH=VALUE (e.g. parties.ru.reservation.mean=28)"
        ));
    };
    let path = path.trim();
    if path.is_empty() || path.split('.').any(str::is_empty) {
        return Err(format!(
            "{flag} '{text}': the path is empty or has an empty step"
        ));
    }
    Ok(Setting {
        path: path.into(),
        value: value.trim().into(),
    })
}

/// The scenario as a JSON value (field names as in the file).
fn to_value(s: &Scenario) -> Result<Value, String> {
    serde_json::to_value(s).map_err(|e| format!("cannot represent the scenario: {e}"))
}

/// Walk to the value at `path`; with `create`, a missing last step of a map
/// is added (as null).
fn walk<'a>(root: &'a mut Value, path: &str, create: bool) -> Result<&'a mut Value, String> {
    let steps: Vec<&str> = path.split('.').collect();
    let mut cur = root;
    for (i, step) in steps.iter().enumerate() {
        let here = if i == 0 {
            "the scenario".to_string()
        } else {
            steps[..i].join(".")
        };
        let last = i + 1 == steps.len();
        cur = match cur {
            Value::Object(m) => {
                if !m.contains_key(*step) {
                    if create && last {
                        m.insert((*step).to_string(), Value::Null);
                    } else {
                        let keys: Vec<&str> = m.keys().map(String::as_str).collect();
                        return Err(format!(
                            "{path}: {here} has no '{step}' (it has: {})",
                            if keys.is_empty() {
                                "nothing".into()
                            } else {
                                keys.join(", ")
                            }
                        ));
                    }
                }
                m.get_mut(*step)
                    .ok_or_else(|| format!("{path}: no '{step}'"))?
            }
            Value::Array(a) => {
                let by_id = a
                    .iter()
                    .position(|x| x.get("id").and_then(Value::as_str) == Some(*step));
                let at = by_id.or_else(|| step.parse::<usize>().ok().filter(|&k| k < a.len()));
                match at {
                    Some(k) => &mut a[k],
                    None => {
                        let ids: Vec<&str> = a
                            .iter()
                            .filter_map(|x| x.get("id").and_then(Value::as_str))
                            .collect();
                        return Err(if ids.is_empty() {
                            format!(
                                "{path}: {here} is a list of {} items; '{step}' is not a position in it (0..{})",
                                a.len(),
                                a.len().saturating_sub(1)
                            )
                        } else {
                            format!(
                                "{path}: {here} has no item with id '{step}' (ids: {})",
                                ids.join(", ")
                            )
                        });
                    }
                }
            }
            _ => {
                return Err(format!(
                    "{path}: {here} is a single value; it has no '{step}'"
                ));
            }
        };
    }
    Ok(cur)
}

/// The new value for a field that holds `old`.
fn typed(path: &str, old: &Value, text: &str) -> Result<Value, String> {
    let json = serde_json::from_str::<Value>(text).ok();
    match old {
        Value::Number(n) => {
            let x: f64 = text
                .parse()
                .map_err(|_| format!("{path}: expects a number, not '{text}'"))?;
            if !x.is_finite() {
                return Err(format!("{path}: expects a finite number, not '{text}'"));
            }
            if n.is_f64() {
                Ok(serde_json::json!(x))
            } else if x.fract() == 0.0 && x.abs() < 9e15 {
                Ok(serde_json::json!(x as i64))
            } else {
                Err(format!("{path}: expects a whole number, not '{text}'"))
            }
        }
        Value::Bool(_) => match text {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(format!("{path}: expects true or false, not '{text}'")),
        },
        Value::String(_) => Ok(Value::String(match json {
            Some(Value::String(s)) => s,
            _ => text.to_string(),
        })),
        // A missing map entry or an unset option: a number, a JSON value, or text.
        Value::Null => Ok(match (text.parse::<f64>(), json) {
            (Ok(x), _) if x.is_finite() => serde_json::json!(x),
            (_, Some(v)) => v,
            _ => Value::String(text.to_string()),
        }),
        Value::Array(_) | Value::Object(_) => match json {
            Some(v) if std::mem::discriminant(&v) == std::mem::discriminant(old) => Ok(v),
            _ => Err(format!(
                "{path}: expects a {} in JSON, not '{text}'",
                if old.is_array() { "list" } else { "record" }
            )),
        },
    }
}

/// The number a path holds in a model's scenario (for `--vary`), and
/// whether the field takes whole numbers only.
pub fn number_at(model: &Model, path: &str) -> Result<(f64, bool), String> {
    let mut v = to_value(&model.scenario)?;
    let at = walk(&mut v, path, false)?;
    match at {
        Value::Number(n) => Ok((n.as_f64().unwrap_or(0.0), !n.is_f64())),
        _ => Err(format!("{path}: is not a number, so it cannot vary")),
    }
}

/// The model with `settings` applied in order and validated. The checksum
/// is the base model's with the settings folded in.
pub fn apply(model: &Model, settings: &[Setting]) -> Result<Model, String> {
    if settings.is_empty() {
        return Ok(model.clone());
    }
    let mut v = to_value(&model.scenario)?;
    let mut stamp = model.checksum.clone();
    for s in settings {
        let at = walk(&mut v, &s.path, true)?;
        let new = typed(&s.path, at, &s.value)?;
        *at = new;
        stamp.push('\n');
        stamp.push_str(&s.to_string());
    }
    let scenario: Scenario = serde_json::from_value(v).map_err(|e| {
        let paths: Vec<&str> = settings.iter().map(|s| s.path.as_str()).collect();
        format!("{}: {e}", paths.join(", "))
    })?;
    compile(scenario, checksum(stamp.as_bytes())).map_err(|ds| {
        let set: Vec<String> = settings.iter().map(Setting::to_string).collect();
        let lines: Vec<String> = ds.iter().map(|d| d.to_string()).collect();
        format!(
            "the scenario with {} is not valid:\n{}",
            set.join(", "),
            lines.join("\n")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan28() -> Model {
        super::super::bundled::open("plan28").unwrap()
    }

    fn set(m: &Model, s: &str) -> Result<Model, String> {
        apply(m, &[parse(s, "--set")?])
    }

    #[test]
    fn paths_by_id_and_by_key() {
        let m = plan28();
        let ru = m.party_index("ru").unwrap();
        let e = set(&m, "parties.ru.reservation.mean=28").unwrap();
        assert_eq!(e.scenario.parties[ru].reservation.unwrap().mean, 28.0);
        assert_ne!(e.checksum, m.checksum);
        let p = &m.scenario.personalities[0].id;
        let e = set(&m, &format!("personalities.{p}.vote_at=0.25")).unwrap();
        assert_eq!(e.scenario.personalities[0].vote_at, 0.25);
        let c = &m.scenario.clauses[0];
        let path = format!(
            "clauses.{}.variants.{}.utility.ru=3",
            c.id, c.variants[0].id
        );
        let e = set(&m, &path).unwrap();
        assert_eq!(e.scenario.clauses[0].variants[0].utility["ru"], 3.0);
        let e = set(&m, "rules.rounds=5").unwrap();
        assert_eq!(e.scenario.rules.rounds, 5);
    }

    #[test]
    fn bad_paths_and_values_name_the_path() {
        let m = plan28();
        let err = set(&m, "parties.xx.reservation.mean=1").unwrap_err();
        assert!(
            err.contains("parties.xx.reservation.mean") && err.contains("ids: "),
            "{err}"
        );
        let err = set(&m, "parties.ru.reservation.meen=1").unwrap_err();
        assert!(err.contains("meen"), "{err}");
        let err = set(&m, "parties.ru.reservation.mean=lots").unwrap_err();
        assert!(err.contains("expects a number"), "{err}");
        let err = set(&m, "rules.rounds=2.5").unwrap_err();
        assert!(err.contains("whole number"), "{err}");
        let err = set(&m, "parties.ru.reservation.spread=-1").unwrap_err();
        assert!(err.contains("not valid"), "{err}");
        assert!(parse("novalue", "--set").is_err());
    }
}
