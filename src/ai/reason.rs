//! Why an AI seat did what it did, as data. Rendering to words happens only
//! when someone reads it (a transcript, the TUI's news ticker), never in a
//! sweep. What the seat did is narrated by `table::narrate`; this file words
//! only the why.

use crate::core::Model;
use crate::engine::Action;

/// The reason behind one decision.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// The wording on the table is the party's favourite.
    Preferred { clause: usize },
    /// Its best wording is worth `gap` more, within the `threshold` it gives up.
    Within {
        clause: usize,
        gap: f64,
        threshold: f64,
    },
    /// The draft's wording is `gap` below its best, more than `threshold`.
    TooCostly {
        clause: usize,
        gap: f64,
        threshold: f64,
    },
    /// The draft's wording crosses the party's red line `line`.
    RedLine { clause: usize, line: usize },
    /// A proposal worth `gain` to the party and `others` on average to the rest.
    Gain {
        clause: usize,
        gain: f64,
        others: f64,
    },
    /// A diplomatic action valued at `value` utility points.
    Diplomacy { value: f64 },
    /// The public chance that every other signatory signs is `likelihood`,
    /// at or above the party's `vote_at`.
    Likely { likelihood: f64, vote_at: f64 },
    /// Signs: the text reaches its bottom line (how far stays private).
    Sign,
    /// Refuses: the text falls short of its bottom line.
    Short,
    /// A package: it gains `gain` on what it values and concedes `cost` on
    /// what it values less; the public chance of a deal goes from `before` to `after`.
    Logroll {
        gain: f64,
        cost: f64,
        before: f64,
        after: f64,
    },
    /// The pen-holder's revision: `adopted` of `proposals` written in,
    /// its objective (own utility + weight × ln public deal chance) up by `gain`.
    Pen {
        adopted: usize,
        proposals: usize,
        gain: f64,
    },
    /// Refuses: the draft crosses red line `line`.
    Crossed { line: usize },
    /// Its acceptance stayed below `below` (now `acceptance`).
    Hopeless { acceptance: f64, below: f64 },
    /// Nothing more to do this turn.
    Done,
    /// The move came from a script.
    Scripted,
    /// The move came from an outside program, with its own words (maybe empty).
    Said(String),
}

/// The reason alone in words (empty when there is none).
pub fn why(model: &Model, action: &Action, reason: &Reason) -> String {
    let party = action.party().unwrap_or(0);
    let line = |l: usize| {
        model.scenario.parties[party]
            .red_lines
            .get(l)
            .map_or(String::new(), |r| r.text.clone())
    };
    match reason {
        Reason::Preferred { .. } => "it is the wording it prefers".into(),
        Reason::Within { gap, threshold, .. } => {
            format!(
                "its best wording is worth only {gap:.1} more, within the {threshold:.1} it will give up"
            )
        }
        Reason::TooCostly { gap, threshold, .. } => {
            format!(
                "it is {gap:.1} below its best wording, more than the {threshold:.1} it will give up"
            )
        }
        Reason::RedLine { line: l, .. } => {
            format!("the draft crosses its red line \"{}\"", line(*l))
        }
        Reason::Gain { gain, others, .. } => {
            format!("worth {gain:+.1} to it and {others:+.1} on average to the others")
        }
        Reason::Diplomacy { value } => format!("worth {value:+.1} to it"),
        Reason::Likely {
            likelihood,
            vote_at,
        } => format!(
            "the others sign with a public chance of {:.0}%, at or above its {:.0}% bar",
            100.0 * likelihood,
            100.0 * vote_at
        ),
        Reason::Sign => "the text reaches its bottom line".into(),
        Reason::Short => "the text falls short of its bottom line".into(),
        Reason::Logroll {
            gain,
            cost,
            before,
            after,
        } => format!(
            "it gains {gain:+.1} where it cares and gives up {cost:.1} where it cares less; the deal chance goes {:.0}% → {:.0}%",
            100.0 * before,
            100.0 * after
        ),
        Reason::Pen {
            adopted,
            proposals,
            gain,
        } => format!(
            "{adopted} of {proposals} proposal(s) serve its interest and the chance of a deal ({gain:+.1})"
        ),
        Reason::Crossed { line: l } => format!("the draft crosses its red line \"{}\"", line(*l)),
        Reason::Hopeless { acceptance, below } => format!(
            "its acceptance has stayed below {:.0}% (now {:.1}%)",
            100.0 * below,
            100.0 * acceptance
        ),
        Reason::Done => String::new(),
        Reason::Scripted => "scripted".into(),
        // A bot's own words: one clean line (crate::text).
        Reason::Said(text) => crate::text::clean_line(text).into_owned(),
    }
}
