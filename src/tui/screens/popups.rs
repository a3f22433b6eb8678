//! Popups: help, quit, the wording chooser, "why" breakdowns, event cards,
//! votes, diplomacy, the facilitator menu and messages.

use super::{block, centered, cut, hit, line, scope_below, signed};
use crate::table::View;
use crate::tui::app::{App, Hit, Play, Popup, Screen, facilitator_items};
use crate::tui::keys::Keymap;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};

fn frame(app: &App, area: Rect, w: u16, h: u16, title: &str, buf: &mut Buffer) -> Rect {
    let r = centered(area, w, h);
    Clear.render(r, buf);
    let b = block(&app.theme, title, true);
    let inner = b.inner(r);
    b.render(r, buf);
    // Clicks reach nothing beneath a popup.
    app.hits.borrow_mut().clear();
    inner
}

fn play(app: &App) -> Option<&Play> {
    match &app.screen {
        Screen::Game(p) => Some(p),
        _ => None,
    }
}

pub fn render(app: &App, popup: &Popup, index: usize, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    match popup {
        Popup::Help { scroll } => {
            let scope = scope_below(app, index);
            let inner = frame(
                app,
                area,
                72,
                area.height.saturating_sub(2),
                &format!("Keys — {}", scope.name()),
                buf,
            );
            let mut lines = Vec::new();
            for b in Keymap::bindings(scope) {
                let keys = app.keys.label(b.command);
                lines.push(Line::from(vec![
                    Span::styled(format!("{keys:>14}  "), t.accent),
                    Span::raw(b.help),
                ]));
            }
            lines.push(Line::default());
            lines.push(Line::from(Span::styled(
                "Mouse: click a row to select it, a key in the footer to press it.",
                t.dim,
            )));
            Paragraph::new(Text::from(lines))
                .scroll((*scroll, 0))
                .render(inner, buf);
        }
        Popup::Quit => {
            let inner = frame(app, area, 44, 5, "Quit?", buf);
            let (saved, style) = match play(app) {
                Some(_) if app.save_failed.is_some() => {
                    ("The game is NOT saved: saving failed.", t.warn)
                }
                Some(p) if p.session.save_path.is_some() && app.settings.autosave => {
                    ("The game is saved; resume it later.", t.dim)
                }
                Some(_) => ("The game is not saved.", t.dim),
                None => ("", t.dim),
            };
            Paragraph::new(vec![
                Line::from("Quit backchannel? y / n").centered(),
                Line::from(Span::styled(saved, style)).centered(),
            ])
            .render(inner, buf);
        }
        Popup::OpenPath { input } => {
            let inner = frame(app, area, 70, 5, "Open a scenario file", buf);
            let w = inner.width as usize;
            let shown: String = {
                let n = input.chars().count();
                input
                    .chars()
                    .skip(n.saturating_sub(w.saturating_sub(3)))
                    .collect()
            };
            Paragraph::new(vec![
                Line::from(Span::styled(
                    "Path to a .ron scenario (Enter opens, Esc cancels):",
                    t.dim,
                )),
                Line::from(vec![
                    Span::raw("> "),
                    Span::styled(format!("{shown}█"), t.accent),
                ]),
            ])
            .render(inner, buf);
        }
        Popup::Variants { clause, sel } => {
            let Some(p) = play(app) else { return };
            p.with_view(|g| variants(app, g, *clause, *sel, area, buf));
        }
        Popup::Why { breakdown, scroll } => {
            let h = (breakdown.terms.len() as u16 + 6).min(area.height);
            let inner = frame(app, area, 76, h, "Why", buf);
            let mut lines = vec![
                Line::from(Span::styled(breakdown.label.clone(), t.title)),
                Line::from(format!("= {:.2}", breakdown.value)),
                Line::default(),
            ];
            for term in &breakdown.terms {
                lines.push(Line::from(vec![
                    Span::styled(
                        format!("{:>9}  ", signed(term.delta, 2)),
                        if term.delta < 0.0 { t.bad } else { t.good },
                    ),
                    Span::raw(term.label.clone()),
                ]));
            }
            Paragraph::new(Text::from(lines))
                .wrap(Wrap { trim: false })
                .scroll((*scroll, 0))
                .render(inner, buf);
        }
        Popup::Text {
            title,
            lines,
            scroll,
        } => {
            let h = (lines.len() as u16 + 2).min(area.height);
            let inner = frame(app, area, 80, h, title, buf);
            let text: Vec<Line> = lines.iter().map(|l| Line::from(l.clone())).collect();
            Paragraph::new(Text::from(text))
                .wrap(Wrap { trim: false })
                .scroll((*scroll, 0))
                .render(inner, buf);
        }
        Popup::Diplomacy { sel } => {
            let Some(p) = play(app) else { return };
            let acting = p.human_to_move();
            p.with_view(|g| diplomacy(app, g, acting, *sel, area, buf));
        }
        Popup::Facilitator { sel } => {
            let Some(p) = play(app) else { return };
            let items = facilitator_items(p);
            let h = (items.len() as u16 + 2).min(area.height);
            let inner = frame(app, area, 70, h, "Facilitator", buf);
            let rows = inner.height as usize;
            let first = if *sel >= rows { *sel + 1 - rows } else { 0 };
            for (i, (_, label)) in items.iter().enumerate().skip(first).take(rows) {
                let selected = i == *sel;
                let style = if selected { t.selected } else { t.text };
                let row = (i - first) as u16;
                line(
                    buf,
                    inner,
                    row,
                    vec![Span::raw(cut(
                        &format!("{} {label}", if selected { "▸" } else { " " }),
                        inner.width as usize,
                    ))],
                    style,
                );
                hit(
                    app,
                    Rect::new(inner.x, inner.y + row, inner.width, 1),
                    Hit::Row(i),
                );
            }
        }
        Popup::Message { title, text, .. } => {
            let h = (text.len() as u16 / 60 + text.lines().count() as u16 + 4).min(area.height);
            let inner = frame(app, area, 70, h, title, buf);
            Paragraph::new(text.clone())
                .wrap(Wrap { trim: false })
                .render(inner, buf);
        }
    }
}

/// The event card that just fired.
pub fn card(app: &App, play: &Play, g: &View, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let Some(&e) = play.cards.front() else { return };
    let m = g.model();
    let ev = &m.scenario.events[e];
    let mut lines = vec![
        Line::from(Span::styled(ev.date.clone(), t.dim)),
        Line::from(ev.text.clone()),
        Line::default(),
    ];
    for &(k, d) in &m.events[e].effects {
        lines.push(Line::from(format!(
            "  {} {}",
            signed(d, 1),
            m.scenario.metrics[k].name
        )));
    }
    for &(p, d) in &m.events[e].reservation {
        if g.may_see(p) {
            lines.push(Line::from(Span::styled(
                format!("  {} {}'s reservation", signed(d, 2), m.party_name(p)),
                t.private,
            )));
        }
    }
    if m.events[e].deadline != 0 {
        lines.push(Line::from(format!(
            "  deadline {} round(s)",
            signed(f64::from(m.events[e].deadline), 0)
        )));
    }
    let h = (lines.len() as u16 + 2 + ev.text.chars().count() as u16 / 64).min(area.height);
    let more = if play.cards.len() > 1 {
        format!(" (1 of {}; Esc skips the rest)", play.cards.len())
    } else {
        String::new()
    };
    let inner = frame(app, area, 70, h, &format!("! {}{more}", ev.title), buf);
    Paragraph::new(Text::from(lines))
        .wrap(Wrap { trim: false })
        .render(inner, buf);
}

/// A signing vote for the seat at the keyboard.
pub fn vote(app: &App, play: &Play, g: &View, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let _ = play;
    let Some(p) = g.viewer().party() else { return };
    let ev = g.evaluation();
    let m = g.model();
    let mut lines = vec![
        Line::from(format!(
            "The draft is worth {:.2} to {}; no deal is worth {:.2}.",
            ev.utility[p],
            m.party_name(p),
            ev.reservation[p]
        )),
        Line::from(format!("Deal likelihood: {:.0}%.", 100.0 * ev.likelihood)),
    ];
    if let Some(l) = ev.crossed[p] {
        lines.push(Line::from(Span::styled(
            format!(
                "✗ A red line is crossed: {} — you cannot sign.",
                m.scenario.parties[p].red_lines[l].text
            ),
            t.bad,
        )));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        "y: sign   n: refuse   w: why",
        t.accent,
    )));
    let inner = frame(app, area, 70, 9, "Signing vote", buf);
    Paragraph::new(Text::from(lines))
        .wrap(Wrap { trim: false })
        .render(inner, buf);
}

/// The amend dialog: each wording of a clause with its what-if.
fn variants(app: &App, g: &View, clause: usize, sel: usize, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let m = g.model();
    let c = clause;

    let n = m.clauses[c].options.len();
    let h = (n as u16 * 2 + 4).min(area.height);
    let title = format!(
        "Amend point {} — {}",
        m.scenario.clauses[c].number, m.scenario.clauses[c].title
    );
    let inner = frame(app, area, 76, h, &title, buf);
    let ev = g.evaluation();
    let cur = g.options()[c];
    let viewer = g.viewer().party();
    let mut row = 0u16;
    for o in 0..n {
        let struck = o == m.clauses[c].struck();
        if struck && !m.clauses[c].strikable {
            continue;
        }
        let selected = o == sel;
        let style = if selected { t.selected } else { t.text };
        let label = if struck {
            "✗ strike the clause".to_string()
        } else {
            format!("{}. {}", o + 1, m.option_label(c, o))
        };
        let now = if o == cur { " (draft now)" } else { "" };
        line(
            buf,
            inner,
            row,
            vec![Span::raw(format!(
                "{} {label}{now}",
                if selected { "▸" } else { " " }
            ))],
            style,
        );
        hit(
            app,
            Rect::new(inner.x, inner.y + row, inner.width, 2),
            Hit::Row(o),
        );
        let w = g.what_if(c, o);
        let mut detail = format!(
            "    deal {:.0}% ({})",
            100.0 * w.likelihood,
            signed(100.0 * (w.likelihood - ev.likelihood), 0)
        );
        for k in 0..m.metrics.len() {
            if Some(k) != m.deal_metric {
                detail.push_str(&format!(
                    "  {} {}",
                    super::table::metric_abbrev(m, k),
                    signed(w.metrics[k] - ev.metrics[k], 1)
                ));
            }
        }
        if let Some(v) = viewer {
            detail.push_str(&format!(
                "  you {}",
                signed(w.utility[v] - ev.utility[v], 2)
            ));
        }
        line(
            buf,
            inner,
            row + 1,
            vec![Span::styled(cut(&detail, inner.width as usize), t.dim)],
            t.text,
        );
        row += 2;
    }
}

/// The diplomatic actions, each with why it is not open now.
fn diplomacy(app: &App, g: &View, acting: Option<usize>, sel: usize, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let m = g.model();
    let n = m.actions.len();

    let inner = frame(
        app,
        area,
        76,
        (n as u16 * 2 + 3).min(area.height),
        "Diplomatic action (one per turn)",
        buf,
    );
    for (i, a) in m.scenario.actions.iter().enumerate() {
        let row = i as u16 * 2;
        let ok = match acting {
            Some(party) => g
                .check(&crate::engine::Action::Diplomacy { party, action: i })
                .err(),
            None => None,
        };
        let selected = i == sel;
        let style = if selected { t.selected } else { t.text };
        let mark = if ok.is_some() { "✗" } else { "•" };
        line(
            buf,
            inner,
            row,
            vec![Span::raw(format!(
                "{} {mark} {}",
                if selected { "▸" } else { " " },
                a.name
            ))],
            style,
        );
        let why = ok.map_or(a.description.clone(), |e| e.describe(m));
        line(
            buf,
            inner,
            row + 1,
            vec![Span::styled(
                cut(&format!("    {why}"), inner.width as usize),
                t.dim,
            )],
            t.text,
        );
        hit(
            app,
            Rect::new(inner.x, inner.y + row, inner.width, 2),
            Hit::Row(i),
        );
    }
}
