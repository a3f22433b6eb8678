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

/// A dialog's width for this screen: most of it, at most `max` cells.
pub fn dialog_w(area: Rect, max: u16) -> u16 {
    area.width.saturating_sub(4).min(max).max(20)
}

/// How many rows `lines` take once word-wrapped at `w` cells.
pub fn wrapped_rows(lines: &[Line], w: u16) -> u16 {
    let w = usize::from(w.max(1));
    let mut rows = 0usize;
    for l in lines {
        let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
        let mut n = 1;
        let mut len = 0usize;
        for word in text.split(' ') {
            let wl = word.chars().count();
            if len > 0 && len + 1 + wl > w {
                n += 1 + (wl.saturating_sub(1)) / w;
                len = wl % w;
            } else {
                len += wl + usize::from(len > 0);
                if len > w {
                    n += len / w;
                    len %= w;
                }
            }
        }
        rows += n;
    }
    rows.min(usize::from(u16::MAX)) as u16
}

/// A dialog of wrapped text sized to the screen: as wide as it needs up to
/// `max_w`, as tall as its wrapped lines (then it scrolls).
pub fn text_dialog(
    app: &App,
    area: Rect,
    max_w: u16,
    title: &str,
    lines: Vec<Line>,
    scroll: u16,
    buf: &mut Buffer,
) {
    let longest = lines
        .iter()
        .map(|l| l.width())
        .max()
        .unwrap_or(0)
        .max(title.chars().count() + 4) as u16;
    let w = dialog_w(area, max_w)
        .min(longest + 4)
        .max(40.min(area.width));
    let h = (wrapped_rows(&lines, w.saturating_sub(2)) + 2).min(area.height);
    let inner = frame(app, area, w, h, title, buf);
    Paragraph::new(Text::from(lines))
        .wrap(Wrap { trim: false })
        .scroll((scroll, 0))
        .render(inner, buf);
}

/// The width of the help's keys column (keys right-aligned in 14, then 2).
const KEYS_W: usize = 16;

/// `text` in lines of at most `width` characters, broken between words (a
/// word longer than a line is cut).
fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        let (n, w) = (cur.chars().count(), word.chars().count());
        if n > 0 && n + 1 + w > width {
            out.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
        while cur.chars().count() > width {
            let head: String = cur.chars().take(width).collect();
            cur = cur.chars().skip(width).collect();
            out.push(head);
        }
    }
    if !cur.is_empty() || out.is_empty() {
        out.push(cur);
    }
    out
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
            // A long description wraps under itself, beside the keys' column.
            let room = (inner.width as usize).saturating_sub(KEYS_W).max(20);
            for b in Keymap::bindings(scope) {
                let keys = app.keys.label(b.command);
                for (i, part) in wrap_words(b.help, room).into_iter().enumerate() {
                    let left = if i == 0 {
                        format!("{keys:>14}  ")
                    } else {
                        " ".repeat(KEYS_W)
                    };
                    lines.push(Line::from(vec![
                        Span::styled(left, t.accent),
                        Span::raw(part),
                    ]));
                }
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
        Popup::Why {
            breakdown,
            scroll,
            percent,
            notes,
        } => {
            let total = breakdown.total();
            let head = if *percent {
                format!(
                    "= {}   (the terms add up to {}; a chance follows from that margin)",
                    crate::tui::app::percent(breakdown.value),
                    signed(total, 2)
                )
            } else {
                format!("= {}", signed(breakdown.value, 2))
            };
            let mut lines = vec![
                Line::from(Span::styled(breakdown.label.clone(), t.title)),
                Line::from(head),
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
            if !*percent && !breakdown.terms.is_empty() {
                lines.push(Line::from(Span::styled(
                    format!("{:>9}  total", signed(total, 2)),
                    t.accent,
                )));
            }
            if !notes.is_empty() {
                lines.push(Line::default());
                lines.push(Line::from(Span::styled(
                    "Beside it (not in the total):",
                    t.dim,
                )));
                for n in notes {
                    lines.push(Line::from(Span::styled(format!("  {n}"), t.dim)));
                }
            }
            text_dialog(app, area, 100, "Why", lines, *scroll, buf);
        }
        Popup::Text {
            title,
            lines,
            scroll,
        } => {
            let text: Vec<Line> = lines.iter().map(|l| Line::from(l.clone())).collect();
            text_dialog(app, area, 110, title, text, *scroll, buf);
        }
        Popup::Pin { input, set } => {
            let (title, say) = if *set {
                (
                    "Facilitator PIN",
                    "Choose a PIN (4 or more characters) for the facilitator menu; students at the keyboard cannot open it without it.",
                )
            } else {
                ("Facilitator PIN", "The facilitator's PIN:")
            };
            let masked: String = "•".repeat(input.chars().count());
            let lines = vec![
                Line::from(Span::styled(say, t.dim)),
                Line::from(vec![
                    Span::raw("> "),
                    Span::styled(format!("{masked}█"), t.accent),
                ]),
                Line::from(Span::styled("Enter: ok · Esc: cancel", t.dim)),
            ];
            text_dialog(app, area, 70, title, lines, 0, buf);
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
            let lines: Vec<Line> = text.lines().map(|l| Line::from(l.to_string())).collect();
            text_dialog(app, area, 90, title, lines, 0, buf);
        }
    }
}

/// The event card that just fired.
pub fn card(app: &App, play: &Play, g: &View, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let Some(q) = play.pending_for(g.viewer().party()) else {
        return;
    };
    let Some(&crate::tui::app::Notice::Card(e)) = q.front() else {
        return;
    };
    let cards = q
        .iter()
        .filter(|n| matches!(n, crate::tui::app::Notice::Card(_)))
        .count();
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
    let more = if cards > 1 {
        format!(" (1 of {cards}; Esc skips the rest)")
    } else {
        String::new()
    };
    if let Some(p) = g.viewer().party() {
        lines.insert(
            0,
            Line::from(Span::styled(
                format!("For {}: news every seat sees", m.party_name(p)),
                t.dim,
            )),
        );
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("Enter: continue", t.accent)));
    text_dialog(
        app,
        area,
        90,
        &format!("! {}{more}", ev.title),
        lines,
        0,
        buf,
    );
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
    let pc = crate::tui::app::percent;
    let mut lines = vec![
        Line::from(format!(
            "The draft is worth {:.1} to {}; your bottom line is {r:.1} (private): {verdict}.",
            ev.utility[p],
            m.party_name(p),
        )),
        Line::from(format!(
            "The table's public chance that you sign: {}; that everyone signs (a deal): {}. How you vote tells the table about your bottom line.",
            pc(ev.acceptance[p]),
            pc(ev.likelihood)
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
    text_dialog(app, area, 90, "Signing vote", lines, 0, buf);
}

/// The red lines this wording crosses itself: crossed with it, and not
/// with some other wording of the clause (a line the rest of the draft
/// crosses whatever this clause says is not this wording's doing).
fn red_line_marks(g: &View, clause: usize, option: usize) -> Option<String> {
    let m = g.model();
    let n = m.clauses[clause].options.len();
    let lines: Vec<Vec<u64>> = (0..n)
        .map(|o| g.what_if(clause, o).lines.to_vec())
        .collect();
    let seat = g.viewer().party();
    let mut own = None;
    let mut others = Vec::new();
    for p in 0..m.parties.len() {
        // `lines`: the red lines a text crosses (their condition holds).
        let crossed_anyway = lines.iter().fold(u64::MAX, |acc, l| acc & l[p]);
        let due = lines[option][p] & !crossed_anyway;
        if due == 0 {
            continue;
        }
        let l = due.trailing_zeros() as usize;
        if seat == Some(p) {
            own = m.scenario.parties[p]
                .red_lines
                .get(l)
                .map(|r| cut(&r.text, 60));
        } else {
            others.push(m.party_short(p).to_string());
        }
    }
    let mut out = Vec::new();
    if let Some(text) = own {
        out.push(format!("✗ crosses YOUR red line: {text}"));
    }
    if !others.is_empty() {
        out.push(format!("✗ crosses a red line of {}", others.join(", ")));
    }
    (!out.is_empty()).then(|| out.join(" · "))
}

/// The amend dialog: each wording of a clause with its what-if.
fn variants(app: &App, g: &View, clause: usize, sel: usize, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let m = g.model();
    let c = clause;
    let n = m.clauses[c].options.len();
    let title = format!(
        "Amend point {} — {}",
        m.scenario.clauses[c].number, m.scenario.clauses[c].title
    );
    let previews = match &app.screen {
        Screen::Game(p) => p.info().what_if,
        _ => true,
    };
    let ev = g.evaluation();
    let cur = g.options()[c];
    let viewer = g.viewer().party();
    // Each wording: its name, its red lines, its what-if (each its own row).
    let mut rows: Vec<(usize, Line)> = Vec::new();
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
        let now = if o == cur {
            " (the draft now: Enter keeps it)"
        } else {
            ""
        };
        rows.push((
            o,
            Line::from(Span::styled(
                format!("{} {label}{now}", if selected { "▸" } else { " " }),
                style,
            )),
        ));
        if let Some(x) = red_line_marks(g, c, o) {
            rows.push((o, Line::from(Span::styled(format!("    {x}"), t.bad))));
        }
        if !previews {
            continue;
        }
        let w = g.what_if(c, o);
        let mut detail = format!(
            "    deal {} ({})",
            crate::tui::app::percent(w.likelihood),
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
        rows.push((o, Line::from(Span::styled(detail, t.dim))));
    }
    let hint = if previews {
        "Enter proposes alone · p adds it to your package · deal: public chance of a deal"
    } else {
        "Enter proposes alone · p adds it to your package · (what-if previews are off)"
    };
    let w = dialog_w(area, 100);
    let iw = w.saturating_sub(2);
    let body: u16 = rows
        .iter()
        .map(|(_, l)| wrapped_rows(std::slice::from_ref(l), iw))
        .sum();
    let hint_rows = wrapped_rows(&[Line::from(hint)], iw);
    let h = (body + hint_rows + 2).min(area.height);
    let inner = frame(app, area, w, h, &title, buf);
    // Keep the selected wording in view.
    let avail = inner.height.saturating_sub(hint_rows);
    let mut y = 0u16;
    let heights: Vec<u16> = rows
        .iter()
        .map(|(_, l)| wrapped_rows(std::slice::from_ref(l), iw))
        .collect();
    let sel_end: u16 = rows
        .iter()
        .zip(&heights)
        .take_while(|((o, _), _)| *o <= sel)
        .map(|(_, h)| *h)
        .sum();
    let skip = sel_end.saturating_sub(avail);
    let mut skipped = 0u16;
    for ((o, l), hgt) in rows.into_iter().zip(heights) {
        if skipped < skip {
            skipped += hgt;
            continue;
        }
        if y + hgt > avail {
            break;
        }
        let r = Rect::new(inner.x, inner.y + y, inner.width, hgt);
        Paragraph::new(l).wrap(Wrap { trim: false }).render(r, buf);
        hit(app, r, Hit::Row(o));
        y += hgt;
    }
    let r = Rect::new(
        inner.x,
        inner.y + inner.height.saturating_sub(hint_rows),
        inner.width,
        hint_rows.min(inner.height),
    );
    Paragraph::new(Line::from(Span::styled(hint, t.dim)))
        .wrap(Wrap { trim: false })
        .render(r, buf);
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

/// What a diplomatic action does, in words: its cost, its effects on the
/// metrics and whose bottom line it moves (all public rules of the scenario).
pub fn action_effects(m: &crate::scenario::Model, a: usize) -> String {
    use crate::core::model::TargetModel;
    let am = &m.actions[a];
    let mut out = Vec::new();
    if am.cost > 0.0 {
        out.push(format!("costs you {:.1}", am.cost));
    }
    for &(k, d) in &am.effects {
        out.push(format!("{} {}", m.scenario.metrics[k].name, signed(d, 1)));
    }
    for &(target, d) in &am.shifts {
        let who = match target {
            TargetModel::Actor => "your own".to_string(),
            TargetModel::Allies => "your allies'".into(),
            TargetModel::Others => "the others'".into(),
            TargetModel::All => "everyone's".into(),
            TargetModel::Party(p) => format!("{}'s", m.party_name(p)),
        };
        let cond = if am.when.is_some() {
            " (if the draft allows it)"
        } else {
            ""
        };
        out.push(format!("{who} bottom line {}{cond}", signed(d, 1)));
    }
    if out.is_empty() {
        "no effect on the numbers".into()
    } else {
        out.join(" · ")
    }
}

/// The diplomatic actions, each with what it does and why it is not open now.
fn diplomacy(app: &App, g: &View, acting: Option<usize>, sel: usize, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let m = g.model();
    let mut lines: Vec<(usize, Line)> = Vec::new();
    for (i, a) in m.scenario.actions.iter().enumerate() {
        let refused = match acting {
            Some(party) => g
                .check(&crate::engine::Action::Diplomacy { party, action: i })
                .err(),
            None => None,
        };
        let selected = i == sel;
        let style = if selected { t.selected } else { t.text };
        let mark = if refused.is_some() { "✗" } else { "•" };
        lines.push((
            i,
            Line::from(Span::styled(
                format!("{} {mark} {}", if selected { "▸" } else { " " }, a.name),
                style,
            )),
        ));
        lines.push((
            i,
            Line::from(Span::styled(format!("    {}", a.description), t.dim)),
        ));
        lines.push((
            i,
            Line::from(Span::styled(
                format!("    effect: {}", action_effects(m, i)),
                t.accent,
            )),
        ));
        if let Some(e) = refused {
            lines.push((
                i,
                Line::from(Span::styled(
                    format!("    not now: {}", e.describe(m)),
                    t.warn,
                )),
            ));
        }
    }
    let w = dialog_w(area, 110);
    let iw = w.saturating_sub(2);
    let heights: Vec<u16> = lines
        .iter()
        .map(|(_, l)| wrapped_rows(std::slice::from_ref(l), iw))
        .collect();
    let total: u16 = heights.iter().sum();
    let inner = frame(
        app,
        area,
        w,
        (total + 2).min(area.height),
        "Diplomatic action (one per turn)",
        buf,
    );
    let sel_end: u16 = lines
        .iter()
        .zip(&heights)
        .take_while(|((i, _), _)| *i <= sel)
        .map(|(_, h)| *h)
        .sum();
    let skip = sel_end.saturating_sub(inner.height);
    let mut skipped = 0;
    let mut y = 0u16;
    for ((i, l), hgt) in lines.into_iter().zip(heights) {
        if skipped < skip {
            skipped += hgt;
            continue;
        }
        if y + hgt > inner.height {
            break;
        }
        let r = Rect::new(inner.x, inner.y + y, inner.width, hgt);
        Paragraph::new(l).wrap(Wrap { trim: false }).render(r, buf);
        hit(app, r, Hit::Row(i));
        y += hgt;
    }
}

#[cfg(test)]
mod tests {
    use super::wrap_words;

    #[test]
    fn help_lines_wrap_between_words() {
        let lines = wrap_words(
            "accept the clause on a condition: if another clause reads",
            20,
        );
        assert_eq!(
            lines,
            [
                "accept the clause on",
                "a condition: if",
                "another clause reads"
            ]
        );
        assert!(lines.iter().all(|l| l.chars().count() <= 20));
        assert_eq!(wrap_words("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap_words("", 10), [""]);
    }
}
