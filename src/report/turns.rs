//! The timeline as people read it: a party's stances in one turn become one
//! line ("accepts 1–18, 20–28; proposes “US-UA-RU operation” for 19
//! Zaporizhzhia nuclear plant"), so a 28-clause round stays readable. Every
//! stance is still there; JSON keeps one entry per stance.

use super::model::{Debrief, Entry};
use crate::table::Kind;

/// One line of a round in the Markdown and HTML timelines.
pub enum Line<'a> {
    /// Anything that is not a stance.
    Single(&'a Entry),
    /// A run of one party's stances.
    Turn {
        party: &'a str,
        /// Each part of the sentence, in order: "accepts 1–3, 5", "rejects 4",
        /// "proposes “X” for 6 Army ceiling", "proposes to strike 9 Jets in Poland".
        parts: Vec<String>,
    },
}

/// Group a round's entries into lines.
pub fn lines<'a>(d: &'a Debrief, entries: &'a [Entry]) -> Vec<Line<'a>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < entries.len() {
        let e = &entries[i];
        let (Some(party), Kind::Stance) = (e.party.as_deref(), e.kind) else {
            out.push(Line::Single(e));
            i += 1;
            continue;
        };
        let end = entries[i..]
            .iter()
            .position(|x| x.kind != Kind::Stance || x.party.as_deref() != Some(party))
            .map_or(entries.len(), |n| i + n);
        out.push(Line::Turn {
            party: d.party_name(party),
            parts: parts(d, &entries[i..end]),
        });
        i = end;
    }
    out
}

fn clause<'a>(d: &'a Debrief, id: Option<&str>) -> Option<(u32, &'a str)> {
    let c = d.draft.iter().find(|c| Some(c.clause.as_str()) == id)?;
    Some((c.number, c.title.as_str()))
}

fn parts(d: &Debrief, run: &[Entry]) -> Vec<String> {
    let mut accepts = Vec::new();
    let mut rejects = Vec::new();
    let mut others = Vec::new();
    for e in run {
        let Some((number, title)) = clause(d, e.clause.as_deref()) else {
            others.push(e.text.clone());
            continue;
        };
        match e.detail.as_str() {
            "accept" => accepts.push(number),
            "reject" => rejects.push(number),
            "strike" => others.push(format!("proposes to strike {number} {title}")),
            _ => others.push(format!(
                "proposes \u{201c}{}\u{201d} for {number} {title}",
                e.label.as_deref().unwrap_or(&e.detail)
            )),
        }
    }
    let mut parts = Vec::new();
    if !accepts.is_empty() {
        parts.push(format!("accepts {}", ranges(&accepts)));
    }
    if !rejects.is_empty() {
        parts.push(format!("rejects {}", ranges(&rejects)));
    }
    parts.extend(others);
    parts
}

/// "1–3, 5, 7–8" from clause numbers in the order given (runs of consecutive
/// numbers collapse).
pub fn ranges(numbers: &[u32]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < numbers.len() {
        let mut j = i;
        while j + 1 < numbers.len() && numbers[j + 1] == numbers[j] + 1 {
            j += 1;
        }
        out.push(match j - i {
            0 => numbers[i].to_string(),
            1 => format!("{}, {}", numbers[i], numbers[j]),
            _ => format!("{}\u{2013}{}", numbers[i], numbers[j]),
        });
        i = j + 1;
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    use super::ranges;

    #[test]
    fn consecutive_clauses_collapse() {
        assert_eq!(ranges(&[1, 2, 3, 5, 7, 8, 10]), "1\u{2013}3, 5, 7, 8, 10");
        assert_eq!(ranges(&[]), "");
    }
}
