//! How a seat is played: one type, written the same way on the command line,
//! in scripts, in saves and on the setup screen.

use crate::ai::bots::BotKind;
use crate::scenario::Model;
use std::fmt;
use std::str::FromStr;

/// How a seat is played.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SeatPolicy {
    /// A person at a terminal.
    Human,
    /// The AI, with the party's default personality or the named one.
    Ai(Option<String>),
    /// Moves from the script file.
    Script,
    /// An outside program over JSON lines.
    Exec(String),
    /// A reference policy, in-process (docs/AI.md, "Reference bots").
    Bot(BotKind),
}

impl SeatPolicy {
    pub fn is_human(&self) -> bool {
        *self == SeatPolicy::Human
    }

    /// A label for people: "human", "AI", "AI: Hardliner", "script", "bot: CMD".
    pub fn label(&self, model: &Model) -> String {
        match self {
            SeatPolicy::Human => "human".into(),
            SeatPolicy::Ai(None) => "AI".into(),
            SeatPolicy::Ai(Some(id)) => {
                let name = model
                    .scenario
                    .personalities
                    .iter()
                    .find(|p| &p.id == id)
                    .map_or(id.as_str(), |p| p.name.as_str());
                format!("AI: {name}")
            }
            SeatPolicy::Script => "script".into(),
            SeatPolicy::Exec(c) => format!("bot: {c}"),
            SeatPolicy::Bot(k) => format!("reference bot: {k}"),
        }
    }

    /// The next choice on the setup screen: human, then each personality
    /// (or the plain AI when the scenario has none).
    pub fn cycle(&self, model: &Model, forward: bool) -> SeatPolicy {
        let mut all = vec![SeatPolicy::Human];
        let list = &model.scenario.personalities;
        if list.is_empty() {
            all.push(SeatPolicy::Ai(None));
        }
        all.extend(list.iter().map(|p| SeatPolicy::Ai(Some(p.id.clone()))));
        let at = all.iter().position(|s| s == self).unwrap_or(0);
        let next = if forward {
            (at + 1) % all.len()
        } else {
            (at + all.len() - 1) % all.len()
        };
        all.swap_remove(next)
    }

    /// The party's default AI seat, with its personality named.
    pub fn default_ai(model: &Model, party: usize) -> SeatPolicy {
        SeatPolicy::Ai(
            model.parties[party]
                .personality
                .map(|i| model.scenario.personalities[i].id.clone()),
        )
    }
}

impl FromStr for SeatPolicy {
    type Err = String;

    /// Read `human`, `ai`, `ai:PERSONALITY`, `script`, `exec:COMMAND` or `bot:NAME`.
    fn from_str(text: &str) -> Result<SeatPolicy, String> {
        match text {
            "human" => Ok(SeatPolicy::Human),
            "ai" => Ok(SeatPolicy::Ai(None)),
            "script" => Ok(SeatPolicy::Script),
            _ => {
                if let Some(p) = text.strip_prefix("ai:") {
                    if p.is_empty() {
                        Err("ai: needs a personality, e.g. ai:pragmatist".into())
                    } else {
                        Ok(SeatPolicy::Ai(Some(p.to_string())))
                    }
                } else if let Some(k) = text.strip_prefix("bot:") {
                    Ok(SeatPolicy::Bot(k.parse()?))
                } else if let Some(c) = text.strip_prefix("exec:") {
                    if c.trim().is_empty() {
                        Err("exec: needs a command, e.g. exec:\"python3 bot.py\"".into())
                    } else {
                        Ok(SeatPolicy::Exec(c.to_string()))
                    }
                } else {
                    Err(format!(
                        "unknown seat policy '{text}'; expected human, ai, ai:PERSONALITY, script, exec:COMMAND or bot:NAME"
                    ))
                }
            }
        }
    }
}

impl fmt::Display for SeatPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SeatPolicy::Human => f.write_str("human"),
            SeatPolicy::Ai(None) => f.write_str("ai"),
            SeatPolicy::Ai(Some(p)) => write!(f, "ai:{p}"),
            SeatPolicy::Script => f.write_str("script"),
            SeatPolicy::Exec(c) => write!(f, "exec:{c}"),
            SeatPolicy::Bot(k) => write!(f, "bot:{k}"),
        }
    }
}

/// Parse `PARTY=POLICY` against a scenario.
pub fn parse_seat(model: &Model, text: &str) -> Result<(usize, SeatPolicy), String> {
    parse_seat_raw(model, text).map_err(|e| crate::text::clean_line(&e).into_owned())
}

fn parse_seat_raw(model: &Model, text: &str) -> Result<(usize, SeatPolicy), String> {
    let Some((party, policy)) = text.split_once('=') else {
        return Err(format!(
            "--seat '{text}': expected PARTY=POLICY, e.g. ru=ai:pragmatist"
        ));
    };
    let p = model
        .find_party(party.trim())
        .map_err(|e| format!("--seat '{text}': {e}"))?;
    let policy: SeatPolicy = policy
        .trim()
        .parse()
        .map_err(|e| format!("--seat '{text}': {e}"))?;
    Ok((p, policy))
}

#[cfg(test)]
mod tests {
    use super::SeatPolicy;

    #[test]
    fn every_policy_reads_back_what_it_writes() {
        for p in [
            SeatPolicy::Human,
            SeatPolicy::Ai(None),
            SeatPolicy::Ai(Some("hardliner".into())),
            SeatPolicy::Script,
            SeatPolicy::Exec("python3 bot.py --x".into()),
        ] {
            assert_eq!(p.to_string().parse::<SeatPolicy>(), Ok(p));
        }
        assert!("ai:".parse::<SeatPolicy>().is_err());
        assert!("exec: ".parse::<SeatPolicy>().is_err());
        assert!("robot".parse::<SeatPolicy>().is_err());
    }
}
