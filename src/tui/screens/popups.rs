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
            // Long labels wrap (74 cells inside the popup).
            let wraps: usize = std::iter::once(breakdown.label.chars().count())
                .chain(breakdown.terms.iter().map(|t| t.label.chars().count() + 11))
                .map(|n| n / 74)
                .sum();
            let h = (breakdown.terms.len() as u16 + 6 + wraps as u16).min(area.height);
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
        Popup::Package { sel } => {
            let Some(p) = play(app) else { return };
            // Read before the view locks the table (the seat's package asks who is looking).
            let pkg = p.package().to_vec();
            p.with_view(|g| package(app, p, &pkg, g, *sel, area, buf));
        }
        Popup::Condition {
            clause,
            on,
            option,
            col,
        } => {
            let Some(p) = play(app) else { return };
            p.with_view(|g| condition(app, g, *clause, *on, *option, *col, area, buf));
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
    let Some((p, r)) = g.own_reservation() else {
        return;
    };
    let ev = g.evaluation();
    let m = g.model();
    let verdict = if ev.utility[p] >= r {
        "it meets your bottom line: you would sign"
    } else {
        "it is below your bottom line: you would not sign"
    };
    let mut lines = vec![
        Line::from(format!(
            "The draft is worth {:.1} to {}; your bottom line is {r:.1} (private): {verdict}.",
            ev.utility[p],
            m.party_name(p),
        )),
        Line::from(format!(
            "Public chance of a deal: {:.0}%. How you vote tells the table about your bottom line.",
            100.0 * ev.likelihood
        )),
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
    // Each line wraps at the popup's width (68 cells inside).
    let rows: u16 = lines
        .iter()
        .map(|l| (l.width() as u16).div_ceil(66).max(1))
        .sum();
    let inner = frame(app, area, 70, rows + 2, "Signing vote", buf);
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
    let h = (n as u16 * 2 + 5).min(area.height);
    let title = format!(
        "Amend point {} — {}",
        m.scenario.clauses[c].number, m.scenario.clauses[c].title
    );
    let inner = frame(app, area, 76, h, &title, buf);
    let previews = match &app.screen {
        Screen::Game(p) => p.info().what_if,
        _ => true,
    };
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
        if !previews {
            row += 2;
            continue;
        }
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
    let hint = if previews {
        "Enter proposes alone · p adds it to your package · deal: public chance of a deal"
    } else {
        "Enter proposes alone · p adds it to your package · (what-if previews are off)"
    };
    line(
        buf,
        inner,
        row.min(inner.height.saturating_sub(1)),
        vec![Span::styled(cut(hint, inner.width as usize), t.dim)],
        t.dim,
    );
}

/// The package this screen's seat is building, with its what-if, and the
/// packages tabled this round.
fn package(
    app: &App,
    play: &Play,
    pkg: &[(usize, usize)],
    g: &View,
    sel: usize,
    area: Rect,
    buf: &mut Buffer,
) {
    let t = &app.theme;
    let m = g.model();
    let Some(seat) = g.viewer().party() else {
        return;
    };
    let max = m.rules.package_size;
    let mut rows: Vec<(String, ratatui::style::Style)> = Vec::new();
    rows.push((
        format!(
            "Wordings on up to {max} open clauses, tabled together: the pen-holder adopts them whole or not at all."
        ),
        t.dim,
    ));
    if pkg.is_empty() {
        rows.push((
            "Empty: in the amend dialog (m) press p to add a wording.".into(),
            t.text,
        ));
    }
    for (i, &(c, o)) in pkg.iter().enumerate() {
        let mark = if i == sel { "▸" } else { " " };
        rows.push((
            format!(
                "{mark} {}",
                super::revision::change_words(m, g.options()[c], c, o)
            ),
            if i == sel { t.selected } else { t.text },
        ));
    }
    if !pkg.is_empty() {
        let open = crate::engine::Changes::new(pkg)
            .filter(|_| pkg.len() <= max)
            .map_or(
                Err(crate::engine::ActionError::PackageTooBig { max }),
                |ch| g.package_open(ch),
            );
        if let Err(e) = open {
            rows.push((
                format!("Cannot be tabled as it is: {}", e.describe(m)),
                t.warn,
            ));
        }
        if play.info().what_if {
            let now = g.evaluation();
            let w = g.what_if_changes(pkg);
            let wi = super::revision::WhatIf::of(g, &now, &w, play.info());
            rows.push((
                format!("If adopted: public chance of a deal {}", wi.deal),
                t.accent,
            ));
            rows.push((format!("Public chance each signs: {}", wi.parties), t.text));
            if let Some(own) = wi.own {
                rows.push((format!("For {}: {own}", m.party_short(seat)), t.private));
            }
        } else {
            rows.push(("(what-if previews are off at this table)".into(), t.dim));
        }
    }
    rows.push((String::new(), t.text));
    let mut any = false;
    for p in 0..m.parties.len() {
        if let Some(tabled) = g.package(p) {
            any = true;
            let who = if p == seat {
                "You have tabled".to_string()
            } else {
                format!("{} has tabled", m.party_short(p))
            };
            let words: Vec<String> = tabled
                .iter()
                .map(|(c, o)| {
                    format!(
                        "point {} '{}'",
                        m.scenario.clauses[c].number,
                        if o == m.clauses[c].struck() {
                            "struck"
                        } else {
                            m.option_label(c, o)
                        }
                    )
                })
                .collect();
            rows.push((format!("{who}: {}", words.join(", ")), t.accent));
        }
    }
    if !any {
        rows.push(("No package is tabled this round.".into(), t.dim));
    }
    let h = (rows.len() as u16 + 2).min(area.height);
    let inner = frame(app, area, 100, h, "Your package", buf);
    let w = inner.width as usize;
    for (i, (text, style)) in rows.into_iter().enumerate() {
        line(buf, inner, i as u16, vec![Span::raw(cut(&text, w))], style);
    }
}

/// Accept a clause on a condition: choose the other clause, then its wording.
#[allow(clippy::too_many_arguments)]
fn condition(
    app: &App,
    g: &View,
    clause: usize,
    on: usize,
    option: usize,
    col: u8,
    area: Rect,
    buf: &mut Buffer,
) {
    let t = &app.theme;
    let m = g.model();
    let cl = &m.scenario.clauses[clause];
    let others: Vec<usize> = (0..m.clauses.len()).filter(|&k| k != clause).collect();
    let n = crate::tui::app::condition_options(m, on);
    let h = (others.len().max(n) as u16 + 6).min(area.height);
    let inner = frame(
        app,
        area,
        100,
        h,
        &format!("Accept point {} — {} — on a condition", cl.number, cl.title),
        buf,
    );
    let w = inner.width as usize;
    let kn = m.scenario.clauses[on].number;
    let word = if option == m.clauses[on].struck() {
        "is struck".to_string()
    } else {
        format!("reads '{}'", m.option_label(on, option))
    };
    line(
        buf,
        inner,
        0,
        vec![Span::styled(
            cut(
                &format!(
                    "Accept point {} as drafted if point {kn} {word}.",
                    cl.number
                ),
                w,
            ),
            t.accent,
        )],
        t.text,
    );
    let half = inner.width / 2;
    let left = Rect::new(inner.x, inner.y + 2, half, inner.height.saturating_sub(3));
    let right = Rect::new(
        inner.x + half,
        inner.y + 2,
        inner.width - half,
        inner.height.saturating_sub(3),
    );
    let heads = [("If clause… (←)", 0u8, left), ("…reads (→)", 1u8, right)];
    for (title, c, r) in heads {
        let style = if col == c { t.title } else { t.dim };
        line(buf, r, 0, vec![Span::styled(title, style)], t.text);
    }
    let rows = left.height.saturating_sub(1) as usize;
    let i = others.iter().position(|&k| k == on).unwrap_or(0);
    let first = if i >= rows { i + 1 - rows } else { 0 };
    for (j, &k) in others.iter().enumerate().skip(first).take(rows) {
        let here = k == on;
        let style = if here && col == 0 {
            t.selected
        } else if here {
            t.accent
        } else {
            t.text
        };
        let kc = &m.scenario.clauses[k];
        line(
            buf,
            left,
            (j - first) as u16 + 1,
            vec![Span::raw(cut(
                &format!(
                    "{}{:>2} {}",
                    if here { "▸" } else { " " },
                    kc.number,
                    kc.title
                ),
                left.width as usize - 1,
            ))],
            style,
        );
    }
    let cur = g.options()[on];
    let first = if option >= rows { option + 1 - rows } else { 0 };
    for o in (0..n).skip(first).take(rows) {
        let here = o == option;
        let style = if here && col == 1 {
            t.selected
        } else if here {
            t.accent
        } else {
            t.text
        };
        let label = if o == m.clauses[on].struck() {
            "✗ struck".to_string()
        } else {
            format!("{}. {}", o + 1, m.option_label(on, o))
        };
        let now = if o == cur { " (draft now)" } else { "" };
        line(
            buf,
            right,
            (o - first) as u16 + 1,
            vec![Span::raw(cut(
                &format!("{}{label}{now}", if here { "▸" } else { " " }),
                right.width as usize,
            ))],
            style,
        );
    }
    line(
        buf,
        inner,
        inner.height.saturating_sub(1),
        vec![Span::styled(
            cut(
                "↑↓ choose · ←/→ or Tab switch list · Enter accept on this condition · Esc cancel",
                w,
            ),
            t.dim,
        )],
        t.dim,
    );
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
