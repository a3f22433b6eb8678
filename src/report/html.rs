//! The report as one standalone HTML page: inline CSS (with print rules),
//! inline SVG charts, no scripts and nothing fetched from anywhere. Every text
//! that comes from a scenario or a save goes through [`html`] escaping: a
//! scenario is data from anyone, and a report must not run what its author
//! wrote into it. The markup is also well-formed XML (every element closed).

use super::compare::Comparison;
use super::deal_space::DealSpace;
use super::markdown::{ending_word, zopa_distance};
use super::model::{Debrief, MetricInfo};
use super::text::{html, num, percent, signed};
use super::turns::{Line, lines};
use crate::table::Kind;
use std::fmt::Write;

const STYLE: &str = r#"
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d232b;
  background: #fff; margin: 0 auto; max-width: 1080px; padding: 24px 32px 48px; }
h1 { font-size: 1.7em; margin: 0 0 4px; }
h2 { font-size: 1.3em; margin: 32px 0 8px; border-bottom: 2px solid #1d232b; padding-bottom: 2px; }
h3 { font-size: 1.1em; margin: 22px 0 6px; }
h4 { font-size: 1em; margin: 14px 0 4px; }
p.sub { color: #4a5563; margin: 0 0 16px; }
table { border-collapse: collapse; margin: 6px 0 12px; font-size: 0.93em; }
th, td { border: 1px solid #c9ced6; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #eef1f5; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
table.facts th { width: 9em; }
code { font: 0.9em ui-monospace, "DejaVu Sans Mono", monospace; word-break: break-all; }
.outcome { font-size: 1.15em; padding: 10px 14px; border-left: 6px solid #4a5563; background: #f4f6f8; }
.outcome.deal { border-color: #2f7d32; background: #eef7ee; }
.outcome.fail { border-color: #b3261e; background: #fbeeed; }
.pos { color: #1f6b24; }
.neg { color: #a3231b; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 12px; }
figure { margin: 0; border: 1px solid #d7dbe1; padding: 6px 8px 2px; }
figcaption { font-weight: 600; font-size: 0.95em; }
svg { width: 100%; height: auto; display: block; }
svg text { font: 11px system-ui, sans-serif; fill: #4a5563; }
svg.key { display: inline; width: 22px; height: 10px; vertical-align: middle; }
p.legend { margin: 4px 0 0; font-size: 0.9em; color: #4a5563; }
ul.timeline { margin: 4px 0 8px; padding-left: 20px; }
ul.timeline li { margin: 2px 0; }
ul.timeline li.revised, ul.timeline li.agreed { color: #1d4f91; }
ul.timeline li.ended, ul.timeline li.vote_failed { font-weight: 600; }
.muted { color: #6b7280; }
section.table { margin-top: 28px; }
h2.tablehead { background: #1d232b; color: #fff; padding: 6px 10px; border: none; font-size: 1.4em; }
footer { margin-top: 36px; color: #6b7280; font-size: 0.85em; }
@media print {
  @page { size: A4; margin: 11mm 12mm; }
  body { max-width: none; padding: 0; margin: 0; font-size: 8.6pt; line-height: 1.28; }
  h1 { font-size: 1.45em; }
  p.sub { margin: 0 0 4px; }
  h2 { margin: 9px 0 3px; font-size: 1.08em; border-bottom-width: 1.5px; }
  h2.tablehead { margin-top: 0; font-size: 1.2em; padding: 3px 8px; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  table { margin: 2px 0 4px; font-size: 0.95em; }
  th, td { padding: 1px 5px; }
  figure, table, .outcome, ol { break-inside: avoid; }
  li, tr { break-inside: avoid; }
  ul, ol { margin: 2px 0 4px; padding-left: 16px; }
  li { margin: 0 0 1px; }
  p { orphans: 3; widows: 3; }
  section.table { margin-top: 0; }
  section.newpage { break-before: page; }
  .outcome { font-size: 1.05em; padding: 4px 10px; margin: 2px 0 4px; }
  table.facts { font-size: 0.88em; }
  table.facts th { width: 6em; }
  .charts { grid-template-columns: repeat(3, 1fr); gap: 5px; }
  figure { padding: 2px 4px 0; }
  figure svg { max-height: 33mm; }
  .cols { display: grid; grid-template-columns: 1fr 1fr; gap: 0 5mm; }
  .detail { display: none; }
  .print-note { display: block; margin: 4px 0 0; }
  footer { display: none; }
}
.print-note { display: none; color: #6b7280; font-size: 0.85em; }
.paper { display: none; }
@media print { .paper { display: inline; } .screen { display: none; } }
"#;

/// Line colours and dash patterns: a table's line differs from another's by
/// its dashes as well as its colour, so the charts read in black and white.
const LINES: [(&str, &str); 6] = [
    ("#1d4f91", ""),
    ("#b3261e", "6 3"),
    ("#2f7d32", "2 3"),
    ("#8a4f00", "8 3 2 3"),
    ("#6a3d9a", "1 2"),
    ("#00796b", "10 4"),
];

/// The colour of the turning-point marks on the charts.
const TURN: &str = "#8a4f00";

/// "3", "3 and 4", "3, 4 and 6".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The HTML text of the report.
pub fn render(debriefs: &[Debrief], comparison: Option<&Comparison>) -> String {
    let mut out = String::new();
    let Some(first) = debriefs.first() else {
        return out;
    };
    let title = html(&first.scenario.title);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n\
         <meta name=\"generator\" content=\"backchannel {}\" />\n\
         <title>Debrief: {title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(out, "<header>\n<h1>Debrief: {title}</h1>");
    let _ = writeln!(
        out,
        "<p class=\"sub\">Scenario <code>{}</code>, version {}, checksum <code>{}</code>. {}</p>\n</header>",
        html(&first.scenario.id),
        html(&first.scenario.version),
        html(&first.scenario.checksum),
        match debriefs.len() {
            1 => String::new(),
            n => format!("{n} tables compared."),
        }
    );
    if let Some(cmp) = comparison {
        compare(&mut out, debriefs, cmp);
    }
    for (i, d) in debriefs.iter().enumerate() {
        // On paper each table starts a page (the first one too, after a comparison).
        let _ = writeln!(
            out,
            "<section class=\"table{}\">",
            if i > 0 || comparison.is_some() {
                " newpage"
            } else {
                ""
            }
        );
        if debriefs.len() > 1 {
            let _ = writeln!(
                out,
                "<h2 class=\"tablehead\">Table {}: {}</h2>",
                i + 1,
                html(&d.table)
            );
        }
        table(&mut out, d, &format!("t{}", i + 1));
        let _ = writeln!(out, "</section>");
    }
    let _ = writeln!(
        out,
        "<footer>Made by backchannel {} from the saves' action logs, replayed on the scenario above.</footer>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION")
    );
    out
}

/// Text for the screen and a shorter one for paper (a party's short name in
/// the half-width tables of the print).
fn both(screen: &str, paper: &str) -> String {
    if screen == paper {
        return screen.to_string();
    }
    format!("<span class=\"screen\">{screen}</span><span class=\"paper\">{paper}</span>")
}

fn outcome_class(ending: &str) -> &'static str {
    match ending {
        "deal" => "outcome deal",
        "in_progress" => "outcome",
        _ => "outcome fail",
    }
}

fn score_cell(score: f64) -> String {
    // Zero (no deal: the reservation) is neither a gain nor a loss.
    let class = match signed(score).as_str() {
        "+0.0" => "n",
        s if s.starts_with('+') => "n pos",
        _ => "n neg",
    };
    format!("<td class=\"{class}\">{}</td>", html(&signed(score)))
}

fn table(out: &mut String, d: &Debrief, t: &str) {
    if d.name.is_empty() {
        let _ = writeln!(out, "<h2 id=\"{t}-outcome\">Outcome</h2>");
    } else {
        let _ = writeln!(
            out,
            "<h2 id=\"{t}-outcome\">Outcome — {}</h2>",
            html(&d.name)
        );
    }
    let _ = writeln!(
        out,
        "<p class=\"{}\"><strong>{}.</strong> {}</p>",
        outcome_class(&d.outcome.ending),
        ending_word(&d.outcome.ending),
        html(&d.outcome.text)
    );
    let _ = writeln!(out, "<table class=\"facts\">");
    // `screen`: a row the print leaves out (the header says it already).
    let fact = |out: &mut String, k: &str, v: String, screen: bool| {
        let class = if screen { " class=\"detail\"" } else { "" };
        let _ = writeln!(out, "<tr{class}><th>{k}</th><td>{v}</td></tr>");
    };
    fact(
        out,
        "Scenario",
        format!(
            "{} (<code>{}</code>, version {})",
            html(&d.scenario.title),
            html(&d.scenario.id),
            html(&d.scenario.version)
        ),
        true,
    );
    fact(
        out,
        "Checksum",
        format!("<code>{}</code>", html(&d.scenario.checksum)),
        true,
    );
    fact(out, "Seed", d.seed.to_string(), false);
    let seats: Vec<String> = d
        .seats
        .iter()
        .map(|s| format!("{}: {}", html(&s.name), html(&s.policy)))
        .collect();
    fact(out, "Seats", seats.join("; "), false);
    fact(
        out,
        "Save",
        format!("<code>{}</code>", html(&d.table)),
        false,
    );
    if !d.saved.is_empty() {
        fact(out, "Saved", html(&d.saved), true);
    }
    fact(out, "Actions", d.actions.to_string(), false);
    let _ = writeln!(out, "</table>");

    let _ = writeln!(
        out,
        "<h2 id=\"{t}-metrics\">Metrics over rounds</h2>\n<div class=\"charts\">"
    );
    let marks: Vec<u32> = d.turning_points.iter().map(|tp| tp.round).collect();
    for (m, info) in d.metrics.iter().enumerate() {
        let line: Vec<(u32, f64)> = d.series.iter().map(|p| (p.round, p.values[m])).collect();
        out.push_str(&chart(info, &[(String::new(), line)], &marks));
    }
    let _ = writeln!(out, "</div>");
    if !marks.is_empty() {
        let rounds: Vec<String> = marks.iter().map(u32::to_string).collect();
        let _ = writeln!(
            out,
            "<p class=\"legend\"><svg class=\"key\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 22 10\" aria-hidden=\"true\">\
             <line x1=\"0\" y1=\"5\" x2=\"22\" y2=\"5\" stroke=\"{TURN}\" stroke-width=\"2\" stroke-dasharray=\"4 3\" /></svg> \
             Turning point{} (round{} {}): <a href=\"#{t}-turning\">what happened</a>.</p>",
            if marks.len() == 1 { "" } else { "s" },
            if marks.len() == 1 { "" } else { "s" },
            and_list(&rounds)
        );
    }
    // The numbers behind the charts: on screen only (the print keeps to two pages).
    let _ = write!(
        out,
        "<table class=\"detail\">\n<tr><th class=\"n\">Round</th>"
    );
    for info in &d.metrics {
        let _ = write!(out, "<th class=\"n\">{}</th>", html(&info.name));
    }
    let _ = writeln!(out, "<th class=\"n\">Signing chance</th></tr>");
    for p in &d.series {
        let _ = write!(out, "<tr><td class=\"n\">{}</td>", p.round);
        for v in &p.values {
            let _ = write!(out, "<td class=\"n\">{}</td>", num(*v));
        }
        let _ = writeln!(out, "<td class=\"n\">{}</td></tr>", percent(p.likelihood));
    }
    let _ = writeln!(out, "</table>");

    // On paper, the parties' results beside what each seat did.
    let _ = writeln!(out, "<div class=\"cols\">\n<div>");
    let _ = writeln!(
        out,
        "<h2 id=\"{t}-parties\">Parties: final utility against reservation</h2>"
    );
    if !d.finished() {
        let _ = writeln!(
            out,
            "<p class=\"muted\">The talks are in progress: these are the current draft&#39;s figures.</p>"
        );
    }
    let _ = writeln!(
        out,
        "<table>\n<tr><th>Party</th><th class=\"n\">Utility</th><th class=\"n\">Reservation</th>\
         <th class=\"n\">Score</th><th>{}</th></tr>",
        both("Would sign the draft", "Would sign")
    );
    for p in &d.parties {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>{}<td>{}</td></tr>",
            both(&html(&p.name), &html(&p.short)),
            num(p.utility),
            num(p.reservation),
            score_cell(p.score),
            if p.would_sign { "yes" } else { "no" }
        );
    }
    let _ = writeln!(out, "</table>\n</div>\n<div>");
    contributions(out, d, t);
    let _ = writeln!(out, "</div>\n</div>");

    // Red lines in play over the game: on screen only (the print says, under
    // "why there was no deal", the ones that still held the deal back).
    let _ = writeln!(
        out,
        "<div class=\"detail\">\n<h2 id=\"{t}-red-lines\">Red lines touched</h2>"
    );
    if d.red_lines.is_empty() {
        let _ = writeln!(
            out,
            "<p>None: no draft on the table crossed a party&#39;s red line.</p>"
        );
    } else {
        let _ = writeln!(out, "<ul>");
        for r in &d.red_lines {
            let name = d.party_name(&r.party);
            let rounds: Vec<String> = r.rounds.iter().map(u32::to_string).collect();
            let _ = writeln!(
                out,
                "<li><strong>{}</strong>: \u{201c}{}\u{201d}, crossed at round {}{}</li>",
                html(name),
                html(&r.text),
                rounds.join(", "),
                if r.at_end {
                    "; <strong>still crossed at the end</strong>"
                } else {
                    ""
                }
            );
        }
        let _ = writeln!(out, "</ul>");
    }
    let _ = writeln!(out, "</div>");

    no_deal(out, d, t);
    let _ = writeln!(
        out,
        "<h2 id=\"{t}-changes\">Clauses changed from the draft</h2>"
    );
    if d.changes.is_empty() {
        let _ = writeln!(out, "<p>None: the table kept every clause as drafted.</p>");
    } else {
        let _ = writeln!(
            out,
            "<table>\n<tr><th class=\"n\">#</th><th>Clause</th><th>Drafted</th><th>Adopted wording</th><th>Proposed by</th></tr>"
        );
        for c in &d.changes {
            let by = match (&c.proposed_by, &c.card) {
                (_, Some(card)) => format!("news: {}", html(card)),
                (Some(p), None) => html(d.party_name(p)),
                (None, None) => "<span class=\"muted\">—</span>".into(),
            };
            let _ = writeln!(
                out,
                "<tr><td class=\"n\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{by}</td></tr>",
                c.number,
                html(&c.title),
                html(&c.from_label),
                html(&c.to_label)
            );
        }
        let _ = writeln!(out, "</table>");
    }

    discussion(out, d, t);
    let _ = writeln!(
        out,
        "<p class=\"print-note\">The deal space, the final draft and the whole timeline are in the on-screen report.</p>\n<div class=\"detail\">"
    );
    if let Some(ds) = &d.deal_space {
        deal_space(out, d, ds, t);
    }

    let _ = writeln!(
        out,
        "<h2 id=\"{t}-draft\" class=\"detail\">Final draft</h2>\n<table class=\"detail\">\n<tr><th class=\"n\">#</th><th>Clause</th><th>Wording</th><th>Status</th><th class=\"detail\">Sources</th></tr>"
    );
    for c in &d.draft {
        let label = if c.changed {
            format!("<strong>{}</strong> (changed)", html(&c.label))
        } else {
            html(&c.label)
        };
        let mut seen: Vec<&str> = Vec::new();
        let links: Vec<String> = c
            .sources
            .iter()
            .filter(|u| {
                let site = crate::text::source_site(u);
                let new = !seen.contains(&site);
                seen.push(site);
                new
            })
            .map(|u| {
                format!(
                    "<a href=\"{}\">{}</a>",
                    html(u),
                    html(crate::text::source_site(u))
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "<tr{}><td class=\"n\">{}</td><td>{}</td><td>{label}</td><td>{}</td><td class=\"detail\">{}</td></tr>",
            // On paper, only the clauses the table changed (the rest read as drafted).
            if c.changed { "" } else { " class=\"detail\"" },
            c.number,
            html(&c.title),
            html(&c.status),
            links.join(", ")
        );
    }
    let _ = writeln!(out, "</table>");

    // The whole timeline is for the screen: on paper the turning points and
    // what each seat did stand for it.
    let _ = writeln!(
        out,
        "<div class=\"detail\">\n<h2 id=\"{t}-timeline\">Timeline</h2>"
    );
    for r in &d.timeline {
        let _ = writeln!(out, "<h4>Round {}</h4>\n<ul class=\"timeline\">", r.round);
        for line in lines(d, &r.entries) {
            let _ = match line {
                Line::Single(e) => match (&e.label, e.kind) {
                    (Some(title), Kind::Card) => {
                        // "News[ (played by…)]: TITLE. TEXT": the headline in bold.
                        let (head, rest) = e
                            .text
                            .split_once(&format!("{title}. "))
                            .map(|(h, r)| (format!("{h}{title}"), r))
                            .unwrap_or((e.text.clone(), ""));
                        writeln!(
                            out,
                            "<li class=\"card\"><strong>{}.</strong> {}</li>",
                            html(&head),
                            html(rest)
                        )
                    }
                    _ => writeln!(
                        out,
                        "<li class=\"{}\">{}</li>",
                        e.kind.name(),
                        html(&e.text)
                    ),
                },
                Line::Turn { party, parts } => writeln!(
                    out,
                    "<li class=\"turn\"><strong>{}</strong> {}.</li>",
                    html(party),
                    html(&parts.join("; "))
                ),
            };
        }
        let _ = writeln!(out, "</ul>");
    }
    let _ = writeln!(out, "</div>");
    let _ = writeln!(out, "</div>");
}

/// Why there was no deal: who would not sign the final text.
fn no_deal(out: &mut String, d: &Debrief, t: &str) {
    if d.no_deal.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<h2 id=\"{t}-no-deal\">Why there was no deal</h2>\n<ul>"
    );
    for w in &d.no_deal {
        let _ = writeln!(out, "<li>{}</li>", html(w));
    }
    let _ = writeln!(out, "</ul>");
}

/// What each seat did.
fn contributions(out: &mut String, d: &Debrief, t: &str) {
    let _ = writeln!(
        out,
        "<h2 id=\"{t}-contributions\">What each seat did</h2>\n<table>\n<tr><th>Seat</th><th class=\"n\">Proposals</th><th class=\"n\">Adopted</th><th class=\"n\">{}</th><th class=\"n\">Signed</th><th class=\"n\">Refused</th><th class=\"n\">Actions</th></tr>",
        both("Votes called", "Votes")
    );
    for c in &d.contributions {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            both(
                &html(d.party_name(&c.party)),
                &html(d.party_short(&c.party))
            ),
            c.proposals,
            c.adopted,
            c.votes_called,
            c.signed,
            c.refused,
            c.actions
        );
    }
    let _ = writeln!(out, "</table>");
}

/// For the discussion: the turning points and the questions for the class.
fn discussion(out: &mut String, d: &Debrief, t: &str) {
    let _ = writeln!(out, "<h2 id=\"{t}-turning\">Turning points</h2>");
    if d.turning_points.is_empty() {
        let _ = writeln!(
            out,
            "<p>No round moved the public chance of a deal by five points or more.</p>"
        );
    } else {
        let _ = writeln!(out, "<ul>");
        for tp in &d.turning_points {
            let what = if tp.events.is_empty() {
                "the stances of the round".to_string()
            } else {
                tp.events
                    .iter()
                    .map(|e| html(e))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let _ = writeln!(
                out,
                "<li><strong>Round {}</strong>: chance of a deal {} → {}. {what}</li>",
                tp.round,
                super::text::percent(tp.before),
                super::text::percent(tp.after)
            );
        }
        let _ = writeln!(out, "</ul>");
    }
    if !d.questions.is_empty() {
        let _ = writeln!(
            out,
            "<h2 id=\"{t}-questions\">Questions for the class</h2>\n<ol>"
        );
        for q in &d.questions {
            let _ = writeln!(out, "<li>{}</li>", html(q));
        }
        let _ = writeln!(out, "</ol>");
    }
}

fn deal_space(out: &mut String, d: &Debrief, ds: &DealSpace, t: &str) {
    let _ = writeln!(
        out,
        "<h2 id=\"{t}-deal-space\">Deal space</h2>\n<p>The final draft against every package the scenario allows \
         (the bare model: the scenario&#39;s reservations, without event cards or diplomatic moves).</p>\n<ul>"
    );
    let signs: Vec<String> = ds
        .signs
        .iter()
        .map(|s| {
            let name = d.party_name(&s.party);
            format!("{} {}", html(name), if s.signs { "yes" } else { "no" })
        })
        .collect();
    let _ = writeln!(
        out,
        "<li>In the ZOPA (every party would sign): <strong>{}</strong>. Would sign: {}.</li>",
        if ds.in_zopa { "yes" } else { "no" },
        signs.join(", ")
    );
    let _ = writeln!(
        out,
        "<li>Fewest clause changes into the ZOPA: <strong>{}</strong>.</li>",
        html(&zopa_distance(ds))
    );
    if ds.nash_found {
        let _ = writeln!(
            out,
            "<li>The Nash bargaining package differs from the final draft on <strong>{}</strong> clause{}.</li>",
            ds.nash.len(),
            if ds.nash.len() == 1 { "" } else { "s" }
        );
    } else {
        let _ = writeln!(
            out,
            "<li>No Nash bargaining package: no package is signable by every party.</li>"
        );
    }
    let _ = writeln!(
        out,
        "</ul>\n<table>\n<tr><th>Party</th><th class=\"n\">Final draft</th><th class=\"n\">Nearest ZOPA package</th>\
         <th class=\"n\">Nash package</th><th class=\"n\">Reservation</th></tr>"
    );
    let opt = |v: Option<f64>| v.map_or_else(|| "—".to_string(), num);
    for u in &ds.utility {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            html(&u.name),
            num(u.draft),
            opt(u.nearest_zopa),
            opt(u.nash),
            num(u.reservation)
        );
    }
    let _ = writeln!(out, "</table>");
    for (title, rows, to) in [
        ("Nearest package in the ZOPA", &ds.nearest_zopa, "Change to"),
        ("Nash package, clause by clause", &ds.nash, "Nash package"),
    ] {
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            // Clause-by-clause tables are for the screen; on paper the
            // summary above says how far the text was.
            "<h3 class=\"detail\">{title}</h3>\n<table class=\"detail\">\n<tr><th class=\"n\">#</th><th>Clause</th><th>Final draft</th><th>{to}</th></tr>"
        );
        for c in rows {
            let _ = writeln!(
                out,
                "<tr><td class=\"n\">{}</td><td>{}</td><td>{}</td><td><strong>{}</strong></td></tr>",
                c.number,
                html(&c.title),
                html(&c.draft_label),
                html(&c.to_label)
            );
        }
        let _ = writeln!(out, "</table>");
    }
}

fn compare(out: &mut String, debriefs: &[Debrief], cmp: &Comparison) {
    let _ = writeln!(out, "<h2>Comparison</h2>\n<table>\n<tr><th></th>");
    for (i, t) in cmp.tables.iter().enumerate() {
        let _ = writeln!(out, "<th>Table {}<br />{}</th>", i + 1, html(t));
    }
    let _ = writeln!(out, "</tr>");
    let row = |out: &mut String, label: &str, cells: Vec<String>| {
        let _ = writeln!(out, "<tr><th>{label}</th>{}</tr>", cells.concat());
    };
    row(
        out,
        "Outcome",
        cmp.endings
            .iter()
            .map(|e| format!("<td>{}</td>", ending_word(e)))
            .collect(),
    );
    row(
        out,
        "Rounds",
        cmp.rounds
            .iter()
            .map(|r| format!("<td class=\"n\">{r}</td>"))
            .collect(),
    );
    for m in &cmp.metrics {
        row(
            out,
            &html(&m.name),
            m.values
                .iter()
                .map(|v| format!("<td class=\"n\">{}</td>", num(*v)))
                .collect(),
        );
    }
    for s in &cmp.scores {
        row(
            out,
            &format!("Score: {}", html(&s.name)),
            s.values.iter().map(|v| score_cell(*v)).collect(),
        );
    }
    if let Some(zopa) = &cmp.to_zopa {
        row(
            out,
            "Changes into the ZOPA",
            zopa.iter()
                .map(|z| {
                    format!(
                        "<td class=\"n\">{}</td>",
                        z.map_or_else(|| "—".into(), |n| n.to_string())
                    )
                })
                .collect(),
        );
    }
    if let Some(nash) = &cmp.from_nash {
        row(
            out,
            "Differences from Nash",
            nash.iter()
                .map(|n| format!("<td class=\"n\">{n}</td>"))
                .collect(),
        );
    }
    row(
        out,
        "Clauses changed",
        (0..cmp.tables.len())
            .map(|i| {
                let n = cmp.clauses.iter().filter(|c| c.tables[i].is_some()).count();
                format!("<td class=\"n\">{n}</td>")
            })
            .collect(),
    );
    let _ = writeln!(out, "</table>");

    let _ = writeln!(out, "<div class=\"charts\">");
    let first = &debriefs[0];
    for (m, info) in first.metrics.iter().enumerate() {
        let lines: Vec<(String, Vec<(u32, f64)>)> = debriefs
            .iter()
            .enumerate()
            .map(|(i, d)| {
                (
                    format!("Table {}", i + 1),
                    d.series.iter().map(|p| (p.round, p.values[m])).collect(),
                )
            })
            .collect();
        out.push_str(&chart(info, &lines, &[]));
    }
    let _ = writeln!(out, "</div>");

    let _ = writeln!(out, "<h3>Clauses each table changed</h3>");
    if cmp.clauses.is_empty() {
        let _ = writeln!(out, "<p>None: every table kept the draft.</p>");
        return;
    }
    let _ = write!(
        out,
        "<table>\n<tr><th class=\"n\">#</th><th>Clause</th><th>Drafted</th>"
    );
    for i in 0..cmp.tables.len() {
        let _ = write!(out, "<th>Table {}</th>", i + 1);
    }
    let _ = writeln!(out, "</tr>");
    for c in &cmp.clauses {
        let cells: String = c
            .tables
            .iter()
            .map(|t| match t {
                Some(label) => format!("<td><strong>{}</strong></td>", html(label)),
                None => "<td class=\"muted\">as drafted</td>".to_string(),
            })
            .collect();
        let _ = writeln!(
            out,
            "<tr><td class=\"n\">{}</td><td>{}</td><td>{}</td>{cells}</tr>",
            c.number,
            html(&c.title),
            html(&c.drafted)
        );
    }
    let _ = writeln!(out, "</table>");
}

/// An SVG line chart of one metric on its own scale, one line per table
/// (labelled in a legend when there are several), with a dashed mark at each
/// round in `marks` (the turning points).
fn chart(info: &MetricInfo, lines: &[(String, Vec<(u32, f64)>)], marks: &[u32]) -> String {
    const W: f64 = 360.0;
    const H: f64 = 190.0;
    const LEFT: f64 = 38.0;
    const RIGHT: f64 = 10.0;
    const TOP: f64 = 10.0;
    let bottom = if lines.len() > 1 { 44.0 } else { 26.0 };
    let last = lines
        .iter()
        .flat_map(|(_, l)| l.iter().map(|(r, _)| *r))
        .max()
        .unwrap_or(0)
        .max(1);
    let (min, max) = (info.min, info.max);
    let span = if max > min { max - min } else { 1.0 };
    let x = |r: u32| LEFT + (W - LEFT - RIGHT) * f64::from(r) / f64::from(last);
    let y = |v: f64| TOP + (H - TOP - bottom) * (1.0 - ((v - min) / span).clamp(0.0, 1.0));
    let name = html(&info.name);
    let mut s = String::new();
    let _ = writeln!(s, "<figure>\n<figcaption>{name}</figcaption>");
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{name} by round\">"
    );
    // Grid and axis labels: min, middle, max.
    for t in [0.0, 0.5, 1.0] {
        let v = min + span * t;
        let yy = y(v);
        let _ = writeln!(
            s,
            "<line x1=\"{LEFT}\" y1=\"{yy:.1}\" x2=\"{:.1}\" y2=\"{yy:.1}\" stroke=\"#d7dbe1\" stroke-width=\"1\" />\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            W - RIGHT,
            LEFT - 4.0,
            yy + 4.0,
            html(&short_num(v))
        );
    }
    let step = last.div_ceil(12).max(1);
    let axis_y = H - bottom;
    for r in (0..=last).filter(|r| r % step == 0 || *r == last) {
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{r}</text>",
            x(r),
            axis_y + 14.0
        );
    }
    let _ = writeln!(
        s,
        "<line x1=\"{LEFT}\" y1=\"{axis_y:.1}\" x2=\"{:.1}\" y2=\"{axis_y:.1}\" stroke=\"#6b7280\" stroke-width=\"1\" />",
        W - RIGHT
    );
    for &r in marks.iter().filter(|&&r| r <= last) {
        let xx = x(r);
        let _ = writeln!(
            s,
            "<g class=\"turn\"><title>turning point: round {r}</title>\
             <line x1=\"{xx:.1}\" y1=\"{TOP:.1}\" x2=\"{xx:.1}\" y2=\"{axis_y:.1}\" stroke=\"{TURN}\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\" />\
             <path d=\"M{:.1},{:.1} L{:.1},{:.1} L{xx:.1},{:.1} Z\" fill=\"{TURN}\" /></g>",
            xx - 4.0,
            TOP - 2.0,
            xx + 4.0,
            TOP - 2.0,
            TOP + 5.0
        );
    }
    for (i, (label, points)) in lines.iter().enumerate() {
        let (colour, dash) = LINES[i % LINES.len()];
        let path: Vec<String> = points
            .iter()
            .map(|&(r, v)| format!("{:.1},{:.1}", x(r), y(v)))
            .collect();
        let dash_attr = if dash.is_empty() {
            String::new()
        } else {
            format!(" stroke-dasharray=\"{dash}\"")
        };
        let _ = writeln!(
            s,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"{dash_attr} />",
            path.join(" ")
        );
        for &(r, v) in points {
            let _ = writeln!(
                s,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\" fill=\"{colour}\"><title>round {r}: {}</title></circle>",
                x(r),
                y(v),
                html(&num(v))
            );
        }
        if lines.len() > 1 {
            let lx = LEFT + 86.0 * i as f64;
            let ly = H - 8.0;
            let _ = writeln!(
                s,
                "<line x1=\"{lx:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{colour}\" stroke-width=\"2\"{dash_attr} />\
                 <text x=\"{:.1}\" y=\"{ly:.1}\">{}</text>",
                ly - 4.0,
                lx + 20.0,
                ly - 4.0,
                lx + 24.0,
                html(label)
            );
        }
    }
    let _ = writeln!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">round</text>",
        W - RIGHT,
        axis_y + 26.0
    );
    let _ = writeln!(s, "</svg>\n</figure>");
    s
}

/// An axis label: no decimals when the value is whole.
fn short_num(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        num(v)
    }
}
