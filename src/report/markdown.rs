//! The report as Markdown: readable as plain text, with text sparklines for
//! the metrics. Scenario text is escaped so it cannot inject HTML or break a
//! table when a viewer renders the Markdown.

use super::compare::Comparison;
use super::deal_space::DealSpace;
use super::model::Debrief;
use super::text::{md, num, percent, signed, sparkline};
use super::turns::{Line, lines};
use std::fmt::Write;

/// The Markdown text of the report.
pub fn render(debriefs: &[Debrief], comparison: Option<&Comparison>) -> String {
    let mut out = String::new();
    let Some(first) = debriefs.first() else {
        return out;
    };
    let _ = writeln!(out, "# Debrief: {}\n", md(&first.scenario.title));
    match comparison {
        None => table(&mut out, first, 2),
        Some(cmp) => {
            let _ = writeln!(
                out,
                "{} tables of scenario `{}` (checksum `{}`).\n",
                debriefs.len(),
                md(&first.scenario.id),
                md(&first.scenario.checksum)
            );
            compare(&mut out, first, cmp);
            for (i, d) in debriefs.iter().enumerate() {
                let _ = writeln!(out, "## Table {}: {}\n", i + 1, md(&d.table));
                table(&mut out, d, 3);
            }
        }
    }
    out
}

fn heading(out: &mut String, level: usize, title: &str) {
    let _ = writeln!(out, "{} {title}\n", "#".repeat(level));
}

/// One table's debrief, with its section headings at `level`.
fn table(out: &mut String, d: &Debrief, level: usize) {
    let _ = writeln!(out, "| | |\n| --- | --- |");
    if !d.name.is_empty() {
        let _ = writeln!(out, "| Table | {} |", md(&d.name));
    }
    let _ = writeln!(
        out,
        "| Scenario | {} (`{}`, version {}) |",
        md(&d.scenario.title),
        md(&d.scenario.id),
        md(&d.scenario.version)
    );
    let _ = writeln!(out, "| Checksum | `{}` |", md(&d.scenario.checksum));
    let _ = writeln!(out, "| Seed | {} |", d.seed);
    let seats: Vec<String> = d
        .seats
        .iter()
        .map(|s| format!("{}: {}", md(&s.name), md(&s.policy)))
        .collect();
    let _ = writeln!(out, "| Seats | {} |", seats.join("; "));
    let _ = writeln!(out, "| Save | {} |", md(&d.table));
    if !d.saved.is_empty() {
        let _ = writeln!(out, "| Saved | {} |", md(&d.saved));
    }
    let _ = writeln!(out, "| Actions | {} |\n", d.actions);

    heading(out, level, "Outcome");
    let _ = writeln!(
        out,
        "**{}** {}\n",
        ending_word(&d.outcome.ending),
        md(&d.outcome.text)
    );

    heading(out, level, "Metrics over rounds");
    let _ = writeln!(
        out,
        "| Metric | Start | End | Range | Rounds 0–{} |",
        last_round(d)
    );
    let _ = writeln!(out, "| --- | ---: | ---: | --- | --- |");
    for (m, info) in d.metrics.iter().enumerate() {
        let values: Vec<f64> = d.series.iter().map(|p| p.values[m]).collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {}–{} | `{}` |",
            md(&info.name),
            num(values.first().copied().unwrap_or(0.0)),
            num(values.last().copied().unwrap_or(0.0)),
            num(info.min),
            num(info.max),
            sparkline(&values, info.min, info.max)
        );
    }
    let _ = writeln!(out);
    let mut header = "| Round |".to_string();
    let mut rule = "| ---: |".to_string();
    for info in &d.metrics {
        let _ = write!(header, " {} |", md(&info.name));
        rule.push_str(" ---: |");
    }
    let _ = writeln!(out, "{header} Signing chance |\n{rule} ---: |");
    for p in &d.series {
        let mut row = format!("| {} |", p.round);
        for v in &p.values {
            let _ = write!(row, " {} |", num(*v));
        }
        let _ = writeln!(out, "{row} {} |", percent(p.likelihood));
    }
    let _ = writeln!(out);

    heading(out, level, "Parties: final utility against reservation");
    if !d.finished() {
        let _ = writeln!(
            out,
            "The talks are in progress: these are the current draft's figures.\n"
        );
    }
    let _ = writeln!(
        out,
        "| Party | Utility | Reservation | Score | Would sign the draft |"
    );
    let _ = writeln!(out, "| --- | ---: | ---: | ---: | --- |");
    for p in &d.parties {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            md(&p.name),
            num(p.utility),
            num(p.reservation),
            signed(p.score),
            if p.would_sign { "yes" } else { "no" }
        );
    }
    let _ = writeln!(out);

    heading(out, level, "Red lines touched");
    if d.red_lines.is_empty() {
        let _ = writeln!(
            out,
            "None: no draft on the table crossed a party's red line.\n"
        );
    } else {
        for r in &d.red_lines {
            let name = d.party_name(&r.party);
            let rounds: Vec<String> = r.rounds.iter().map(u32::to_string).collect();
            let _ = writeln!(
                out,
                "- **{}**: \u{201c}{}\u{201d}, crossed at round {}{}",
                md(name),
                md(&r.text),
                rounds.join(", "),
                if r.at_end {
                    "; still crossed at the end"
                } else {
                    ""
                }
            );
        }
        let _ = writeln!(out);
    }

    heading(out, level, "Clauses changed from the draft");
    if d.changes.is_empty() {
        let _ = writeln!(out, "None: the table kept every clause as drafted.\n");
    } else {
        let _ = writeln!(
            out,
            "| # | Clause | Drafted | Adopted wording | Proposed by |\n| ---: | --- | --- | --- | --- |"
        );
        for c in &d.changes {
            let by = match (&c.proposed_by, &c.card) {
                (_, Some(card)) => format!("news: {}", md(card)),
                (Some(p), None) => md(d.party_name(p)),
                (None, None) => "—".into(),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {by} |",
                c.number,
                md(&c.title),
                md(&c.from_label),
                md(&c.to_label)
            );
        }
        let _ = writeln!(out);
    }

    discussion(out, d, level);

    if let Some(ds) = &d.deal_space {
        deal_space(out, d, ds, level);
    }

    heading(out, level, "Final draft");
    let _ = writeln!(
        out,
        "| # | Clause | Wording | Status | Sources |\n| ---: | --- | --- | --- | --- |"
    );
    for c in &d.draft {
        let mark = if c.changed { " (changed)" } else { "" };
        let _ = writeln!(
            out,
            "| {} | {} | {}{mark} | {} | {} |",
            c.number,
            md(&c.title),
            md(&c.label),
            c.status,
            md(&crate::text::source_sites(&c.sources))
        );
    }
    let _ = writeln!(out);

    heading(out, level, "Timeline");
    for r in &d.timeline {
        heading(out, level + 1, &format!("Round {}", r.round));
        for line in lines(d, &r.entries) {
            let _ = match line {
                Line::Single(e) => writeln!(out, "- {}", md(&e.text)),
                Line::Turn { party, parts } => {
                    writeln!(out, "- **{}** {}.", md(party), md(&parts.join("; ")))
                }
            };
        }
        let _ = writeln!(out);
    }
}

/// For the discussion: why no deal, turning points, each seat's part, questions.
fn discussion(out: &mut String, d: &Debrief, level: usize) {
    if !d.no_deal.is_empty() {
        heading(out, level, "Why there was no deal");
        for w in &d.no_deal {
            let _ = writeln!(out, "- {}", md(w));
        }
        let _ = writeln!(out);
    }
    heading(out, level, "Turning points");
    if d.turning_points.is_empty() {
        let _ = writeln!(
            out,
            "No round moved the public chance of a deal by five points or more.\n"
        );
    } else {
        for tp in &d.turning_points {
            let what = if tp.events.is_empty() {
                "the stances of the round".to_string()
            } else {
                tp.events
                    .iter()
                    .map(|e| md(e))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let _ = writeln!(
                out,
                "- **Round {}**: chance of a deal {} → {}. {what}",
                tp.round,
                super::text::percent(tp.before),
                super::text::percent(tp.after)
            );
        }
        let _ = writeln!(out);
    }
    heading(out, level, "What each seat did");
    let _ = writeln!(
        out,
        "| Seat | Proposals | Adopted | Votes called | Signed | Refused | Actions |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    for c in &d.contributions {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            md(d.party_name(&c.party)),
            c.proposals,
            c.adopted,
            c.votes_called,
            c.signed,
            c.refused,
            c.actions
        );
    }
    let _ = writeln!(out);
    if !d.questions.is_empty() {
        heading(out, level, "Questions for the class");
        for (i, q) in d.questions.iter().enumerate() {
            let _ = writeln!(out, "{}. {}", i + 1, md(q));
        }
        let _ = writeln!(out);
    }
}

fn deal_space(out: &mut String, d: &Debrief, ds: &DealSpace, level: usize) {
    heading(out, level, "Deal space");
    let _ = writeln!(
        out,
        "The final draft against every package the scenario allows (the bare model: the scenario's \
         reservations, without event cards or diplomatic moves).\n"
    );
    let signs: Vec<String> = ds
        .signs
        .iter()
        .map(|s| {
            let name = d.party_name(&s.party);
            format!("{} {}", md(name), if s.signs { "yes" } else { "no" })
        })
        .collect();
    let _ = writeln!(
        out,
        "- In the ZOPA (every party would sign): **{}**. Would sign: {}.",
        if ds.in_zopa { "yes" } else { "no" },
        signs.join(", ")
    );
    let _ = writeln!(
        out,
        "- Fewest clause changes into the ZOPA: {}.",
        zopa_distance(ds)
    );
    if ds.nash_found {
        let _ = writeln!(
            out,
            "- The Nash bargaining package differs from the final draft on {} clause{}.",
            ds.nash.len(),
            if ds.nash.len() == 1 { "" } else { "s" }
        );
    } else {
        let _ = writeln!(
            out,
            "- No Nash bargaining package: no package is signable by every party."
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "| Party | Final draft | Nearest ZOPA package | Nash package | Reservation |\n| --- | ---: | ---: | ---: | ---: |"
    );
    let opt = |v: Option<f64>| v.map_or_else(|| "—".to_string(), num);
    for u in &ds.utility {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            md(&u.name),
            num(u.draft),
            opt(u.nearest_zopa),
            opt(u.nash),
            num(u.reservation)
        );
    }
    let _ = writeln!(out);
    for (title, rows, to) in [
        ("Nearest package in the ZOPA", &ds.nearest_zopa, "Change to"),
        ("Nash package, clause by clause", &ds.nash, "Nash package"),
    ] {
        if rows.is_empty() {
            continue;
        }
        heading(out, level + 1, title);
        let _ = writeln!(
            out,
            "| # | Clause | Final draft | {to} |\n| ---: | --- | --- | --- |"
        );
        for c in rows {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                c.number,
                md(&c.title),
                md(&c.draft_label),
                md(&c.to_label)
            );
        }
        let _ = writeln!(out);
    }
}

/// "3", "3 (at most: the search stopped early)", or "none found".
pub(super) fn zopa_distance(ds: &DealSpace) -> String {
    match ds.distance_to_zopa {
        None => "no package every party would sign was found".into(),
        Some(n) if ds.exact => n.to_string(),
        Some(n) => format!("{n} (at most: the search stopped early)"),
    }
}

/// The comparison section of a multi-table report.
fn compare(out: &mut String, first: &Debrief, cmp: &Comparison) {
    let _ = writeln!(out, "## Comparison\n");
    let mut header = "| |".to_string();
    let mut rule = "| --- |".to_string();
    for (i, t) in cmp.tables.iter().enumerate() {
        let _ = write!(header, " Table {}: {} |", i + 1, md(t));
        rule.push_str(" --- |");
    }
    let _ = writeln!(out, "{header}\n{rule}");
    let row = |out: &mut String, label: &str, cells: Vec<String>| {
        let _ = writeln!(out, "| {label} | {} |", cells.join(" | "));
    };
    row(
        out,
        "Outcome",
        cmp.endings
            .iter()
            .map(|e| ending_word(e).to_string())
            .collect(),
    );
    row(
        out,
        "Rounds",
        cmp.rounds.iter().map(u32::to_string).collect(),
    );
    for m in &cmp.metrics {
        row(
            out,
            &md(&m.name),
            m.values.iter().map(|v| num(*v)).collect(),
        );
    }
    for s in &cmp.scores {
        row(
            out,
            &format!("Score: {}", md(&s.name)),
            s.values.iter().map(|v| signed(*v)).collect(),
        );
    }
    if let Some(zopa) = &cmp.to_zopa {
        row(
            out,
            "Changes into the ZOPA",
            zopa.iter()
                .map(|z| z.map_or_else(|| "—".into(), |n| n.to_string()))
                .collect(),
        );
    }
    if let Some(nash) = &cmp.from_nash {
        row(
            out,
            "Differences from Nash",
            nash.iter().map(usize::to_string).collect(),
        );
    }
    let changed = |i: usize| cmp.clauses.iter().filter(|c| c.tables[i].is_some()).count();
    row(
        out,
        "Clauses changed",
        (0..cmp.tables.len())
            .map(|i| changed(i).to_string())
            .collect(),
    );
    let _ = writeln!(out);
    for (i, text) in cmp.outcomes.iter().enumerate() {
        let _ = writeln!(out, "- Table {}: {}", i + 1, md(text));
    }
    let _ = writeln!(out);

    let _ = writeln!(out, "### Clauses each table changed\n");
    if cmp.clauses.is_empty() {
        let _ = writeln!(
            out,
            "None: every table kept the draft of {}.\n",
            md(&first.scenario.title)
        );
        return;
    }
    let mut header = "| # | Clause | Drafted |".to_string();
    let mut rule = "| ---: | --- | --- |".to_string();
    for i in 0..cmp.tables.len() {
        let _ = write!(header, " Table {} |", i + 1);
        rule.push_str(" --- |");
    }
    let _ = writeln!(out, "{header}\n{rule}");
    for c in &cmp.clauses {
        let cells: Vec<String> = c
            .tables
            .iter()
            .map(|t| t.as_deref().map_or_else(|| "—".to_string(), md))
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            c.number,
            md(&c.title),
            md(&c.drafted),
            cells.join(" | ")
        );
    }
    let _ = writeln!(out);
}

fn last_round(d: &Debrief) -> u32 {
    d.series.last().map_or(0, |p| p.round)
}

/// The outcome in one word, for tables.
pub(super) fn ending_word(ending: &str) -> &'static str {
    match ending {
        "deal" => "Deal",
        "deadline" => "Deadline passed",
        "walkout" => "Walk-out",
        "collapse" => "Collapse",
        "rejected" => "Rejected at home",
        _ => "In progress",
    }
}
