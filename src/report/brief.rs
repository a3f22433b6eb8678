//! Printable role sheets (`backchannel brief`): one page per seat with its
//! brief, goals, red lines, priorities and how scoring works, and the
//! teacher's sheet (notes, every party's public position, the hinge clauses,
//! the Nash package, the debrief questions). One [`Sheet`] value; Markdown and
//! HTML only format it.

use super::text::{html, md, num, signed};
use crate::scenario::Model;

/// A printable sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub title: String,
    pub subtitle: String,
    pub sections: Vec<Section>,
}

/// A heading and what follows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub heading: String,
    pub blocks: Vec<Block>,
}

/// A piece of a section.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Para(String),
    List(Vec<String>),
    Table {
        head: Vec<String>,
        rows: Vec<Vec<String>>,
    },
}

fn section(heading: &str, blocks: Vec<Block>) -> Section {
    Section {
        heading: heading.into(),
        blocks,
    }
}

/// The wording label of a clause's option ("struck" for the strike).
fn wording(m: &Model, c: usize, o: usize) -> String {
    if o == m.clauses[c].struck() {
        "struck".into()
    } else {
        m.option_label(c, o).to_string()
    }
}

/// A party's priorities: the clauses whose wording matters most to it (the
/// widest spread of its utility across the wordings), best and worst wording.
pub fn priorities(m: &Model, p: usize, n: usize) -> Vec<(usize, usize, f64, usize, f64)> {
    let mut v: Vec<(usize, usize, f64, usize, f64)> = (0..m.clauses.len())
        .filter_map(|c| {
            let cm = &m.clauses[c];
            let opts: Vec<usize> = (0..cm.options.len())
                .filter(|&o| o != cm.struck() || cm.strikable)
                .collect();
            let best = *opts
                .iter()
                .max_by(|&&a, &&b| cm.options[a].utility[p].total_cmp(&cm.options[b].utility[p]))?;
            let worst = *opts
                .iter()
                .min_by(|&&a, &&b| cm.options[a].utility[p].total_cmp(&cm.options[b].utility[p]))?;
            let (ub, uw) = (cm.options[best].utility[p], cm.options[worst].utility[p]);
            (ub - uw > 1e-9).then_some((c, best, ub, worst, uw))
        })
        .collect();
    v.sort_by(|a, b| (b.2 - b.4).total_cmp(&(a.2 - a.4)).then(a.0.cmp(&b.0)));
    v.truncate(n);
    v
}

/// The clauses that divide the table most: the widest spread of utility
/// across wordings, summed over the parties.
pub fn hinges(m: &Model, n: usize) -> Vec<usize> {
    let spread = |c: usize| -> f64 {
        let cm = &m.clauses[c];
        (0..m.parties.len())
            .map(|p| {
                let us = cm.options.iter().map(|o| o.utility[p]);
                let hi = us.clone().fold(f64::NEG_INFINITY, f64::max);
                let lo = us.fold(f64::INFINITY, f64::min);
                hi - lo
            })
            .sum()
    };
    let mut v: Vec<usize> = (0..m.clauses.len()).collect();
    v.sort_by(|&a, &b| spread(b).total_cmp(&spread(a)).then(a.cmp(&b)));
    v.truncate(n);
    v
}

/// How scoring works, in the same words for every seat.
pub fn scoring_words(m: &Model) -> Vec<String> {
    vec![
        "Your utility U is what the draft is worth to you: the sum of your values for each clause's wording, plus your weights on the metrics.".into(),
        "Your bottom line R is what no deal is worth to you. The table knows only an estimate of it (below); your true value is drawn at the start of each game and shown on your screen only.".into(),
        "You sign if and only if none of your red lines is crossed and U ≥ R. A deal needs every signatory's signature.".into(),
        format!(
            "Your score is U − R (your bottom line from the start of the game): above zero, the talks left you better off. Without a deal you keep your bottom line as the world moved it, and every round without a deal costs ({} rounds at most).",
            m.rules.rounds
        ),
        "Benchmarks on the end screen: your share in the Nash bargaining package, the AI's average in your seat, and the best text every party would have signed.".into(),
    ]
}

/// One seat's sheet.
pub fn party_sheet(m: &Model, p: usize) -> Sheet {
    let s = &m.scenario;
    let party = &s.parties[p];
    let pm = &m.parties[p];
    let mut sections = vec![section(
        "Your brief (private)",
        vec![Block::Para(party.brief.clone())],
    )];
    if !party.goals.is_empty() {
        sections.push(section(
            "Your goals",
            vec![Block::List(party.goals.clone())],
        ));
    }
    if !party.red_lines.is_empty() {
        sections.push(section(
            "Your red lines (public: the table knows them)",
            vec![Block::List(
                party.red_lines.iter().map(|r| r.text.clone()).collect(),
            )],
        ));
    }
    let rows: Vec<Vec<String>> = priorities(m, p, 7)
        .into_iter()
        .map(|(c, best, ub, worst, uw)| {
            vec![
                format!("{}. {}", s.clauses[c].number, s.clauses[c].title),
                format!("{} ({})", wording(m, c, best), signed(ub)),
                format!("{} ({})", wording(m, c, worst), signed(uw)),
            ]
        })
        .collect();
    let mut pri = vec![Block::Table {
        head: vec![
            "point".into(),
            "best wording for you".into(),
            "worst wording for you".into(),
        ],
        rows,
    }];
    let weights: Vec<String> = pm
        .weighted
        .iter()
        .map(|&(k, w)| format!("{} {}", s.metrics[k].name, signed(w)))
        .collect();
    if !weights.is_empty() {
        pri.push(Block::Para(format!(
            "Your weights on the metrics (utility per point): {}.",
            weights.join(" · ")
        )));
    }
    sections.push(section(
        "Your priorities: the clauses that matter most to you",
        pri,
    ));
    let mut score = scoring_words(m);
    score.push(format!(
        "The public estimate of your bottom line: {} (spread {}).",
        num(pm.reservation),
        num(pm.spread)
    ));
    sections.push(section("How scoring works", vec![Block::List(score)]));
    Sheet {
        title: format!("{} — role sheet", party.name),
        subtitle: format!("{} · {}", s.meta.title, s.meta.date),
        sections,
    }
}

/// The teacher's sheet. `nash`: the Nash bargaining package at the public
/// bottom lines, when the analysis found one.
pub fn teacher_sheet(m: &Model, nash: Option<&[usize]>) -> Sheet {
    let s = &m.scenario;
    let mut sections = Vec::new();
    if !s.meta.notes.trim().is_empty() {
        sections.push(section(
            "Notes for the teacher",
            s.meta
                .notes
                .split("\n\n")
                .map(|para| Block::Para(para.split_whitespace().collect::<Vec<_>>().join(" ")))
                .collect(),
        ));
    }
    let rows = (0..m.parties.len())
        .map(|p| {
            let party = &s.parties[p];
            vec![
                party.name.clone(),
                format!(
                    "{} ± {}",
                    num(m.parties[p].reservation),
                    num(m.parties[p].spread)
                ),
                party
                    .red_lines
                    .iter()
                    .map(|r| r.text.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
            ]
        })
        .collect();
    sections.push(section(
        "The seats",
        vec![Block::Table {
            head: vec![
                "party".into(),
                "bottom line (public prior)".into(),
                "red lines".into(),
            ],
            rows,
        }],
    ));
    let hinge_rows = hinges(m, 8)
        .into_iter()
        .map(|c| {
            let cl = &s.clauses[c];
            let mut row = vec![format!("{}. {}", cl.number, cl.title)];
            for p in 0..m.parties.len() {
                let best = priorities(m, p, usize::MAX)
                    .into_iter()
                    .find(|x| x.0 == c)
                    .map_or("—".to_string(), |x| wording(m, c, x.1));
                row.push(best);
            }
            row
        })
        .collect();
    let mut head = vec!["hinge clause".to_string()];
    head.extend((0..m.parties.len()).map(|p| format!("{} wants", m.party_short(p))));
    sections.push(section(
        "The hinges: the clauses that divide the table most",
        vec![Block::Table {
            head,
            rows: hinge_rows,
        }],
    ));
    let nash_blocks = match nash {
        Some(opts) => {
            let diff: Vec<String> = opts
                .iter()
                .enumerate()
                .filter(|&(c, &o)| o != m.clauses[c].initial)
                .map(|(c, &o)| {
                    format!(
                        "point {} ({}): '{}' → '{}'",
                        s.clauses[c].number,
                        s.clauses[c].title,
                        wording(m, c, m.clauses[c].initial),
                        wording(m, c, o)
                    )
                })
                .collect();
            if diff.is_empty() {
                vec![Block::Para(
                    "The draft as written is the Nash bargaining package.".into(),
                )]
            } else {
                vec![
                    Block::Para(format!(
                        "At the public bottom lines, the Nash bargaining package differs from the draft on {} clause(s):",
                        diff.len()
                    )),
                    Block::List(diff),
                ]
            }
        }
        None => vec![Block::Para(
            "No package beats every party's public bottom line: there is no Nash package to aim for."
                .into(),
        )],
    };
    sections.push(section("The Nash package", nash_blocks));
    sections.push(section(
        "The hindcast",
        vec![Block::Para(
            "What happened in reality is in the scenario's sources; compare the tables' texts with it in the debrief:"
                .into(),
        ), Block::List(s.meta.sources.iter().take(6).cloned().collect())],
    ));
    if !s.meta.debrief_questions.is_empty() {
        sections.push(section(
            "Questions for the debrief",
            vec![Block::List(s.meta.debrief_questions.clone())],
        ));
    }
    Sheet {
        title: format!("{} — teacher's sheet", s.meta.title),
        subtitle: format!(
            "{} · version {} · checksum {}",
            s.meta.date, s.meta.version, m.checksum
        ),
        sections,
    }
}

/// The sheet as Markdown.
pub fn markdown(sheet: &Sheet) -> String {
    let mut out = format!("# {}\n\n*{}*\n\n", md(&sheet.title), md(&sheet.subtitle));
    for sec in &sheet.sections {
        out.push_str(&format!("## {}\n\n", md(&sec.heading)));
        for b in &sec.blocks {
            match b {
                Block::Para(t) => out.push_str(&format!("{}\n\n", md(t))),
                Block::List(items) => {
                    for i in items {
                        out.push_str(&format!("- {}\n", md(i)));
                    }
                    out.push('\n');
                }
                Block::Table { head, rows } => {
                    let cells = |r: &[String]| {
                        format!(
                            "| {} |\n",
                            r.iter().map(|c| md(c)).collect::<Vec<_>>().join(" | ")
                        )
                    };
                    out.push_str(&cells(head));
                    out.push_str(&format!("|{}\n", " --- |".repeat(head.len())));
                    for r in rows {
                        out.push_str(&cells(r));
                    }
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// Print CSS shared by the role sheets and the debrief: A4, margins, no
/// heading left alone at a page's foot, tables that do not split a row.
pub const PRINT_CSS: &str = "@page { size: A4; margin: 12mm 13mm 12mm 13mm; }
@media print {
  body { font-size: 9pt; line-height: 1.22; max-width: none; margin: 0; }
  h2 { margin: .6em 0 .2em; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  tr, li, figure, svg { break-inside: avoid; page-break-inside: avoid; }
  p { orphans: 3; widows: 3; }
  .page { break-before: page; page-break-before: always; }
  .page:first-of-type { break-before: auto; page-break-before: auto; }
  nav, .screen-only { display: none; }
}";

/// The sheets as one standalone HTML page, each sheet starting a printed page.
pub fn html_pages(sheets: &[Sheet]) -> String {
    let title = sheets.first().map_or(String::new(), |s| s.title.clone());
    let mut out =
        String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str(&format!("<title>{}</title>\n<style>\n", html(&title)));
    out.push_str(SHEET_CSS);
    out.push_str(PRINT_CSS);
    out.push_str("\n</style>\n</head>\n<body>\n");
    for sheet in sheets {
        out.push_str("<article class=\"page\">\n");
        out.push_str(&sheet_body(sheet));
        out.push_str("</article>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

const SHEET_CSS: &str = "body { font-family: system-ui, sans-serif; max-width: 48em; margin: 1.5em auto; line-height: 1.3; font-size: 10.5pt; color: #111; }
h1 { font-size: 1.45em; margin: 0 0 .1em; }
h2 { font-size: 1.05em; margin: .9em 0 .25em; border-bottom: 1px solid #999; }
p { margin: .25em 0; }
ul { margin: .2em 0; padding-left: 1.2em; }
table { border-collapse: collapse; width: 100%; font-size: .92em; }
th, td { border: 1px solid #bbb; padding: .15em .35em; text-align: left; vertical-align: top; }
.sub { color: #555; margin: 0 0 .5em; }
";

/// One sheet's body (headings, sections) as HTML.
fn sheet_body(sheet: &Sheet) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "<h1>{}</h1>\n<p class=\"sub\">{}</p>\n",
        html(&sheet.title),
        html(&sheet.subtitle)
    ));
    for sec in &sheet.sections {
        out.push_str(&format!("<section>\n<h2>{}</h2>\n", html(&sec.heading)));
        for b in &sec.blocks {
            match b {
                Block::Para(t) => out.push_str(&format!("<p>{}</p>\n", html(t))),
                Block::List(items) => {
                    out.push_str("<ul>\n");
                    for i in items {
                        out.push_str(&format!("<li>{}</li>\n", html(i)));
                    }
                    out.push_str("</ul>\n");
                }
                Block::Table { head, rows } => {
                    out.push_str("<table>\n<tr>");
                    for h in head {
                        out.push_str(&format!("<th>{}</th>", html(h)));
                    }
                    out.push_str("</tr>\n");
                    for r in rows {
                        out.push_str("<tr>");
                        for c in r {
                            out.push_str(&format!("<td>{}</td>", html(c)));
                        }
                        out.push_str("</tr>\n");
                    }
                    out.push_str("</table>\n");
                }
            }
        }
        out.push_str("</section>\n");
    }
    out
}
