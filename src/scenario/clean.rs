//! Scenario text made safe for a terminal before anything shows it
//! (see [`crate::text`]): names must not hold control characters at all, and
//! every other text field is cleaned to one line.
//!
//! The scenario and its meta are destructured whole, so a new section does not
//! compile until it is considered here; inside a section, mind new text fields.

use super::schema::*;
use super::validate::Diagnostic;
use crate::text::{clean_line_in, clean_text_in, is_control};

/// The first control character of `text`, as a diagnostic at `path`.
pub(super) fn control(path: &str, text: &str) -> Option<Diagnostic> {
    text.chars().find(|&c| is_control(c)).map(|c| Diagnostic {
        path: path.into(),
        message: format!("contains a control character (U+{:04X})", c as u32),
    })
}

/// Names and short labels with a control character (line breaks, tabs, ESC,
/// C1, bidi overrides): a name is shown on one line everywhere, and a hostile
/// one is refused rather than silently changed. Ids are checked with the rest
/// of their syntax by validation.
pub(super) fn check_names(s: &Scenario) -> Vec<Diagnostic> {
    let mut names: Vec<(String, &str)> = Vec::new();
    for (i, m) in s.metrics.iter().enumerate() {
        names.push((format!("metrics[{i}].name"), &m.name));
    }
    for (i, p) in s.parties.iter().enumerate() {
        names.push((format!("parties[{i}].name"), &p.name));
        names.push((format!("parties[{i}].short"), &p.short));
        names.push((format!("parties[{i}].colour"), &p.colour));
    }
    for (i, p) in s.personalities.iter().enumerate() {
        names.push((format!("personalities[{i}].name"), &p.name));
    }
    for (i, a) in s.actions.iter().enumerate() {
        names.push((format!("actions[{i}].name"), &a.name));
    }
    names
        .iter()
        .filter_map(|(path, text)| control(path, text))
        .collect()
}

/// Clean every text field in place: one line each ([`crate::text::clean_line`]),
/// but the teachers' notes, which keep their lines. Ids and references are
/// left alone: validation accepts only letters, digits, `_` and `-` in them.
pub(super) fn clean(s: &mut Scenario) {
    let Scenario {
        meta,
        metrics,
        parties,
        personalities,
        clauses,
        combinations,
        events,
        actions,
        rules,
        hindcast,
    } = s;
    let Meta {
        id: _,
        title,
        summary,
        date,
        version,
        sources,
        notes,
        debrief_questions,
    } = meta;
    lines([title, summary, date, version]);
    sources.iter_mut().for_each(clean_line_in);
    debrief_questions.iter_mut().for_each(clean_line_in);
    clean_text_in(notes);
    for Metric {
        name,
        description,
        components,
        ..
    } in metrics
    {
        lines([name, description]);
        for c in components {
            lines([&mut c.name, &mut c.description, &mut c.unit]);
            c.sources.iter_mut().for_each(clean_line_in);
        }
    }
    for p in parties {
        let Party {
            name,
            short,
            colour,
            description,
            brief,
            goals,
            red_lines,
            ..
        } = p;
        lines([name, short, colour, description, brief]);
        goals.iter_mut().for_each(clean_line_in);
        for RedLine { text, sources, .. } in red_lines {
            clean_line_in(text);
            sources.iter_mut().for_each(clean_line_in);
        }
    }
    for Personality {
        name, description, ..
    } in personalities
    {
        lines([name, description]);
    }
    for Clause {
        title,
        text,
        variants,
        sources,
        ..
    } in clauses
    {
        lines([title, text]);
        sources.iter_mut().for_each(clean_line_in);
        for Variant {
            label,
            text,
            sources,
            ..
        } in variants
        {
            lines([label, text]);
            sources.iter_mut().for_each(clean_line_in);
        }
    }
    for Combination { description, .. } in combinations {
        clean_line_in(description);
    }
    for EventCard {
        title,
        text,
        date,
        sources,
        ..
    } in events
    {
        lines([title, text, date]);
        sources.iter_mut().for_each(clean_line_in);
    }
    for ActionDef {
        name, description, ..
    } in actions
    {
        lines([name, description]);
    }
    for Collapse { text, .. } in &mut rules.collapse {
        clean_line_in(text);
    }
    if let Some(r) = &mut rules.ratification {
        lines([&mut r.name, &mut r.text]);
        r.sources.iter_mut().for_each(clean_line_in);
    }
    for h in hindcast {
        clean_line_in(&mut h.record);
        h.sources.iter_mut().for_each(clean_line_in);
    }
}

fn lines<const N: usize>(fields: [&mut String; N]) {
    for f in fields {
        clean_line_in(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_control_character_is_named_by_its_code_point() {
        let d = control("parties[1].id", "ua\u{1b}[2J").expect("a diagnostic");
        assert_eq!(
            d.to_string(),
            "parties[1].id: contains a control character (U+001B)"
        );
        assert!(control("x", "Україна — EU").is_none());
    }
}
