//! The table: clause list, clause detail with what-if, dashboard, ticker.

use super::{block, cut, hit, line, signed};
use crate::engine::{Stance, Status};
use crate::table::View;
use crate::tui::app::{App, Hit, Pane, Play};
use crate::tui::keys::Scope;
use crate::tui::session::TickKind;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Paragraph, Widget, Wrap};

/// Whichever screen the game is on.
pub fn render_game(app: &App, play: &Play, g: &View, scope: Scope, area: Rect, buf: &mut Buffer) {
    match scope {
        Scope::End => super::end::render(app, play, g, area, buf),
        Scope::Handover => super::briefing::handover(app, play, g, area, buf),
        Scope::Briefing => super::briefing::render(app, play, g, area, buf),
        Scope::Map => crate::tui::map::render(app, play, g, area, buf),
        Scope::Revision => super::revision::render(app, play, g, area, buf),
        scope => {
            render(app, play, g, area, buf);
            match scope {
                Scope::Card => super::popups::card(app, play, g, area, buf),
                Scope::Summary => super::summary::render(app, play, g, area, buf),
                Scope::Vote => super::popups::vote(app, play, g, area, buf),
                _ => {}
            }
        }
    }
}

/// The table's panes and where they are.
pub struct TableLayout {
    pub header: Rect,
    /// The metrics and who would sign, always on screen (below 140×36, where
    /// the dashboard is not).
    pub strip: Option<Rect>,
    pub clauses: Rect,
    pub detail: Option<Rect>,
    pub dashboard: Option<Rect>,
    pub ticker: Rect,
}

pub fn layout(area: Rect, focus: Pane) -> TableLayout {
    let wide = area.width >= 140 && area.height >= 36;
    // The news grows when it has the focus.
    let ticker_h = match (wide, focus == Pane::Ticker) {
        (true, false) => (area.height / 3).clamp(6, 18),
        (true, true) => (area.height / 2).clamp(6, 30),
        (false, false) => 5,
        (false, true) => (area.height / 2).max(5),
    };
    let strip_h = if wide { 0 } else { 2 };
    let [header, strip, main, ticker] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(strip_h),
        Constraint::Fill(1),
        Constraint::Length(ticker_h),
    ])
    .areas(area);
    let strip = (!wide).then_some(strip);
    if wide {
        let [clauses, detail, dashboard] = Layout::horizontal([
            Constraint::Percentage(30),
            Constraint::Fill(1),
            Constraint::Percentage(34),
        ])
        .areas(main);
        TableLayout {
            header,
            strip,
            clauses,
            detail: Some(detail),
            dashboard: Some(dashboard),
            ticker,
        }
    } else {
        let cw = (area.width * 9 / 20).max(36);
        let [clauses, right] =
            Layout::horizontal([Constraint::Length(cw), Constraint::Fill(1)]).areas(main);
        let dash = focus == Pane::Dashboard;
        TableLayout {
            header,
            strip,
            clauses,
            detail: (!dash).then_some(right),
            dashboard: dash.then_some(right),
            ticker,
        }
    }
}

pub fn render(app: &App, play: &Play, g: &View, area: Rect, buf: &mut Buffer) {
    let l = layout(area, play.focus);
    header(app, play, g, l.header, buf);
    if let Some(r) = l.strip {
        strip(app, g, r, buf);
    }
    clauses(app, play, g, l.clauses, buf);
    if let Some(r) = l.detail {
        detail(app, play, g, r, buf);
    }
    if let Some(r) = l.dashboard {
        super::dashboard::render(app, play, g, r, buf);
    }
    ticker(app, play, g, l.ticker, buf);
}

fn header(app: &App, play: &Play, g: &View, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let m = g.model();
    // What must be read comes first; the scenario's title gets what is left.
    let mut spans = vec![Span::styled(
        format!("Round {}/{}", g.round(), g.deadline()),
        t.title,
    )];
    if let Some(p) = g.to_move() {
        let who = if g.viewer().party() == Some(p) {
            "you"
        } else if g.is_human(p) {
            "human"
        } else {
            "AI"
        };
        let what = match g.phase() {
            crate::engine::Phase::Vote { .. } => "votes",
            crate::engine::Phase::Revision { .. } => "holds the pen and is revising the draft",
            _ => "moves",
        };
        spans.push(Span::raw(" · "));
        let name = if area.width >= 120 {
            m.party_name(p)
        } else {
            m.party_short(p)
        };
        spans.push(Span::styled(
            name.to_string(),
            t.party(&m.scenario.parties[p].colour),
        ));
        spans.push(Span::raw(format!(" {what} ({who})")));
    }
    if let Some(v) = g.viewer().party() {
        spans.push(Span::styled(
            format!(" · your seat: {}", m.party_short(v)),
            t.private,
        ));
    }
    if g.paused() {
        spans.push(Span::styled(" [AI PAUSED]", t.warn));
    }
    if play.projector {
        spans.push(Span::styled(" [PROJECTOR]", t.accent));
    } else if play.reveal_all {
        spans.push(Span::styled(" [ALL REVEALED]", t.accent));
    }
    let used: usize = spans.iter().map(|s| s.width()).sum();
    let room = (area.width as usize).saturating_sub(used + 2);
    if room >= 8 {
        spans.insert(0, Span::raw("  "));
        spans.insert(0, Span::styled(cut(&m.scenario.meta.title, room), t.dim));
    }
    buf.set_line(area.x, area.y, &Line::from(spans), area.width);
}

/// Two rows always on screen: every metric, then who would sign (the public
/// chance, or your own answer by your true bottom line) and your votes left.
fn strip(app: &App, g: &View, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let m = g.model();
    let ev = g.evaluation();
    let w = area.width as usize;
    let n = m.metrics.len().max(1);
    let cell = w / n;
    let mut spans = Vec::new();
    for k in 0..m.metrics.len() {
        let mm = &m.metrics[k];
        let v = ev.metrics[k];
        let ratio = if mm.max > mm.min {
            (v - mm.min) / (mm.max - mm.min)
        } else {
            0.0
        };
        let value = if Some(k) == m.deal_metric {
            crate::tui::app::percent(ev.likelihood)
        } else {
            format!("{v:.1}")
        };
        let bar_w = 4;
        let name_w = cell
            .saturating_sub(value.chars().count() + bar_w + 3)
            .max(3);
        let text = format!(
            "{} {} {value}",
            cut(&m.scenario.metrics[k].name, name_w),
            super::bar(ratio, bar_w)
        );
        spans.push(Span::styled(format!("{:<cell$}", cut(&text, cell)), t.text));
    }
    line(buf, area, 0, spans, t.text);
    let seat = g.viewer().party();
    let mut spans = vec![Span::styled("Sign? ", t.dim)];
    for p in 0..m.parties.len() {
        let (text, style) = match ev.crossed[p] {
            Some(_) => ("✗line".to_string(), t.bad),
            None if seat == Some(p) => {
                if ev.would_sign(p) {
                    ("✓ yes".into(), t.good)
                } else {
                    ("✗ no".into(), t.bad)
                }
            }
            None => (crate::tui::app::percent(ev.acceptance[p]), t.text),
        };
        let who = if seat == Some(p) {
            "you".to_string()
        } else {
            m.party_short(p).to_string()
        };
        spans.push(Span::styled(format!("{who} "), t.dim));
        spans.push(Span::styled(text, style));
        spans.push(Span::raw(" "));
    }
    if let Some(p) = seat {
        let left = m.rules.votes_per_party.saturating_sub(g.votes_called(p));
        let num = |x: f64| super::signed(x, 1).trim_start_matches('+').to_string();
        spans.push(Span::styled(
            format!(
                "│ your U {} R {} ",
                num(ev.utility[p]),
                num(ev.reservation[p])
            ),
            t.private,
        ));
        spans.push(Span::styled(
            format!("│ votes left {left}/{}", m.rules.votes_per_party),
            t.dim,
        ));
    }
    line(buf, area, 1, spans, t.text);
}

/// A stance as a letter (never colour alone).
pub fn stance_mark(s: Option<Stance>) -> &'static str {
    match s {
        None => "·",
        Some(Stance::Accept) => "A",
        Some(Stance::AcceptIf { .. }) => "a",
        Some(Stance::Reject) => "R",
        Some(Stance::Propose(_)) => "P",
        Some(Stance::Strike) => "S",
    }
}

/// A clause's status as a mark.
pub fn status_mark(s: Status) -> &'static str {
    match s {
        Status::Open => "○",
        Status::Agreed => "✓",
        Status::Struck => "✗",
    }
}

fn clauses(app: &App, play: &Play, g: &View, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let m = g.model();
    let np = m.parties.len();
    let open = g.status().iter().filter(|s| **s == Status::Open).count();
    let b = block(
        t,
        format!("Draft — {open} open"),
        play.focus == Pane::Clauses,
    );
    let inner = b.inner(area);
    b.render(area, buf);
    hit(app, area, Hit::Pane(Pane::Clauses));
    if inner.height < 2 {
        return;
    }
    let marks_w = np * 3;
    let title_w = (inner.width as usize).saturating_sub(7 + marks_w);
    let mut head = format!("{:>4} {:<title_w$}", "# ", "clause");
    for p in 0..np {
        head.push_str(&format!(" {:<2}", cut(m.party_short(p), 2)));
    }
    line(buf, inner, 0, vec![Span::raw(head)], t.dim);
    let rows = (inner.height - 1) as usize;
    let sel = play.clause.min(m.clauses.len().saturating_sub(1));
    let first = if sel >= rows { sel + 1 - rows } else { 0 };
    for c in first..m.clauses.len().min(first + rows) {
        let row = (c - first) as u16 + 1;
        let cl = &m.scenario.clauses[c];
        let st = g.status()[c];
        let selected = c == sel;
        let base = if selected {
            t.selected
        } else if st == Status::Open {
            t.text
        } else {
            t.dim
        };
        let mut spans = vec![
            Span::raw(if selected { "▸" } else { " " }),
            Span::raw(format!("{:>2} {} ", cl.number, status_mark(st))),
            Span::raw(format!("{:<title_w$}", cut(&cl.title, title_w))),
        ];
        for p in 0..np {
            let mark = if st == Status::Open {
                stance_mark(g.stance(p, c))
            } else {
                " "
            };
            let style = match g.stance(p, c) {
                Some(Stance::Accept) if !selected => t.good,
                Some(Stance::Reject) if !selected => t.bad,
                Some(_) if !selected => t.warn,
                _ => base,
            };
            spans.push(Span::raw("  "));
            spans.push(Span::styled(mark, style));
        }
        line(buf, inner, row, spans, base);
        hit(
            app,
            Rect::new(inner.x, inner.y + row, inner.width, 1),
            Hit::Row(c),
        );
    }
}

/// A metric's short name for narrow rows.
pub fn metric_abbrev(m: &crate::scenario::Model, i: usize) -> String {
    let id = &m.scenario.metrics[i].id;
    if Some(i) == m.deal_metric {
        return "deal".into();
    }
    id.chars().take(3).collect()
}

fn detail(app: &App, play: &Play, g: &View, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let m = g.model();
    let c = play.clause.min(m.clauses.len().saturating_sub(1));
    let cl = &m.scenario.clauses[c];
    let b = block(
        t,
        format!("Point {} — {}", cl.number, cl.title),
        play.focus == Pane::Detail,
    );
    let inner = b.inner(area);
    b.render(area, buf);
    hit(app, area, Hit::Pane(Pane::Detail));
    let cur = g.options()[c];
    let st = g.status()[c];
    let viewer = g.viewer().party();
    let mut lines: Vec<Line> = Vec::new();
    let state = match st {
        Status::Open => "open",
        Status::Agreed => "agreed",
        Status::Struck => "struck",
    };
    lines.push(Line::from(vec![
        Span::styled(format!("{} {state}", status_mark(st)), t.accent),
        Span::styled(format!(" · {:?}", cl.category), t.dim),
        Span::styled(format!(" · draft: {}", m.option_label(c, cur)), t.text),
    ]));
    let text = cl
        .variants
        .get(cur)
        .map_or("Struck from the draft.", |v| v.text.as_str());
    lines.push(Line::from(Span::raw(text.to_string())));
    // Whose consent this wording needs beyond the signatories (docs/RULES.md).
    let consent = m.clauses[c].options[cur].consent;
    if consent != 0 {
        let who: Vec<&str> = (0..m.parties.len())
            .filter(|&p| consent >> p & 1 == 1)
            .map(|p| m.party_name(p))
            .collect();
        lines.push(Line::from(Span::styled(
            format!(
                "Needs the consent of {}: the deal needs its signature while this reads so.",
                who.join(", ")
            ),
            t.warn,
        )));
    }
    // Who stands where.
    let mut stances = vec![Span::styled("Stances: ", t.dim)];
    for p in 0..m.parties.len() {
        let mark = stance_mark(g.stance(p, c));
        let what = match g.stance(p, c) {
            Some(Stance::Propose(v)) => format!(
                "{} {mark}:{} ",
                m.party_short(p),
                cut(m.option_label(c, v), 14)
            ),
            _ => format!("{} {mark} ", m.party_short(p)),
        };
        stances.push(Span::raw(what));
    }
    lines.push(Line::from(stances));
    // Conditions in words.
    for p in 0..m.parties.len() {
        if let Some(Stance::AcceptIf { clause: k, option }) = g.stance(p, c) {
            let kn = m.scenario.clauses.get(k).map_or(0, |x| x.number);
            let word = if m.clauses.get(k).is_some_and(|km| option == km.struck()) {
                "is struck".to_string()
            } else if k < m.clauses.len() {
                format!("reads '{}'", m.option_label(k, option))
            } else {
                String::new()
            };
            lines.push(Line::from(Span::styled(
                format!(
                    "{} accepts it as drafted if point {kn} {word}",
                    m.party_short(p)
                ),
                t.warn,
            )));
        }
    }
    // Tabled packages that touch this clause (tabling is public).
    for p in 0..m.parties.len() {
        if let Some(pkg) = g.package(p)
            && let Some(o) = pkg.option(c)
        {
            let who = if viewer == Some(p) {
                "Your tabled package".to_string()
            } else {
                format!("{}'s tabled package", m.party_short(p))
            };
            lines.push(Line::from(Span::styled(
                format!(
                    "{who} makes it '{}' (with {} other clause(s))",
                    m.option_label(c, o),
                    pkg.len() - 1
                ),
                t.accent,
            )));
        }
    }
    lines.push(Line::default());
    let previews = play.info().what_if;
    lines.push(Line::from(Span::styled(
        if previews {
            "Wordings — what if the draft said… (deal: the public chance of a deal)"
        } else {
            "Wordings (what-if previews are off at this table)"
        },
        t.title,
    )));
    let ev = g.evaluation();
    let metrics: Vec<usize> = (0..m.metrics.len())
        .filter(|&i| Some(i) != m.deal_metric)
        .collect();
    for o in 0..m.clauses[c].options.len() {
        let struck = o == m.clauses[c].struck();
        if struck && !m.clauses[c].strikable {
            continue;
        }
        let label = m.option_label(c, o);
        let now = if o == cur { " (draft)" } else { "" };
        let mark = if o == cur { "●" } else { "○" };
        let head = if struck {
            format!("{mark} ✗ strike the clause{now}")
        } else {
            format!("{mark} {}. {label}{now}", o + 1)
        };
        lines.push(Line::from(Span::styled(
            head,
            if o == cur { t.accent } else { t.text },
        )));
        if !previews {
            continue;
        }
        let w = g.what_if(c, o);
        let mut spans = vec![Span::raw("  ")];
        for &i in &metrics {
            let d = w.metrics[i] - ev.metrics[i];
            spans.push(Span::styled(
                format!("{} {} ", metric_abbrev(m, i), signed(d, 1)),
                delta_style(t, d),
            ));
        }
        let d = w.likelihood - ev.likelihood;
        spans.push(Span::styled(
            format!(
                "deal {:.0}% ({}) ",
                100.0 * w.likelihood,
                signed(100.0 * d, 0)
            ),
            delta_style(t, d),
        ));
        if let Some(p) = viewer {
            let du = w.utility[p] - ev.utility[p];
            spans.push(Span::styled(format!("you {}", signed(du, 1)), t.private));
        }
        lines.push(Line::from(spans));
    }
    if !cl.requires.is_empty() || !cl.excludes.is_empty() {
        lines.push(Line::default());
        if !cl.requires.is_empty() {
            lines.push(Line::from(Span::styled(
                format!("Requires: {}", cl.requires.join(", ")),
                t.dim,
            )));
        }
        if !cl.excludes.is_empty() {
            lines.push(Line::from(Span::styled(
                format!("Excludes: {}", cl.excludes.join(", ")),
                t.dim,
            )));
        }
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(cl.text.clone(), t.dim)));
    let sources: Vec<&String> = cl
        .sources
        .iter()
        .chain(
            cl.variants
                .get(cur)
                .map(|v| &v.sources)
                .into_iter()
                .flatten(),
        )
        .collect();
    if !sources.is_empty() {
        lines.push(Line::from(Span::styled(
            format!(
                "Sources: {} (full addresses in the report and the scenario file)",
                crate::text::source_sites(sources)
            ),
            t.dim,
        )));
    }
    Paragraph::new(Text::from(lines))
        .wrap(Wrap { trim: false })
        .scroll((play.detail_scroll, 0))
        .render(inner, buf);
}

fn delta_style(t: &crate::tui::theme::Theme, d: f64) -> ratatui::style::Style {
    if d > 1e-9 {
        t.good
    } else if d < -1e-9 {
        t.bad
    } else {
        t.dim
    }
}

fn ticker(app: &App, play: &Play, g: &View, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let stream = g.narrations();
    let n = stream.len();
    let back = play.ticker_scroll.min(n);
    let title = if back > 0 {
        format!("News and moves — {back} newer below · End/G: follow the news")
    } else if play.focus == Pane::Ticker {
        "News and moves — ↑↓ scroll · End/G: newest".to_string()
    } else {
        "News and moves".to_string()
    };
    let b = block(t, title, play.focus == Pane::Ticker);
    let inner = b.inner(area);
    b.render(area, buf);
    hit(app, area, Hit::Pane(Pane::Ticker));
    // The seats' reasons (AI and bot moves only carry one).
    let reasons = play.info().ai_reasons;
    let end = n - back;
    let rows = inner.height as usize;
    let w = (inner.width as usize).max(8);
    // Newest at the bottom; long lines wrap under their text.
    let mut out: Vec<(String, ratatui::style::Style)> = Vec::new();
    for tk in stream[..end].iter().rev() {
        if out.len() >= rows {
            break;
        }
        let Some(kind) = TickKind::of(tk.kind) else {
            continue;
        };
        let (mark, style) = match kind {
            TickKind::Round => ("─", t.dim),
            TickKind::Card => ("!", t.warn),
            TickKind::Move => ("·", t.text),
            TickKind::Agreed => ("✓", t.good),
            TickKind::Revised => ("✎", t.accent),
            TickKind::Vote => ("☐", t.accent),
            TickKind::End => ("■", t.title),
        };
        let text = match &tk.reason {
            Some(why) if reasons => format!("r{:<2} {mark} {} ({why})", tk.round, tk.text),
            _ => format!("r{:<2} {mark} {}", tk.round, tk.text),
        };
        let lines = wrap(&text, w, 6);
        for l in lines.into_iter().rev() {
            out.push((l, style));
        }
    }
    let skip = out.len().saturating_sub(rows);
    for (i, (text, style)) in out.into_iter().rev().skip(skip).enumerate() {
        line(buf, inner, i as u16, vec![Span::raw(text)], style);
    }
}

/// Wrap text at spaces into lines of at most `w` characters; continuation
/// lines are indented by `indent`.
fn wrap(text: &str, w: usize, indent: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut len = 0;
    for word in text.split(' ') {
        let wl = word.chars().count();
        if len > 0 && len + 1 + wl > w {
            out.push(std::mem::take(&mut cur));
            cur.push_str(&" ".repeat(indent));
            len = indent;
        } else if len > 0 {
            cur.push(' ');
            len += 1;
        }
        cur.push_str(word);
        len += wl;
    }
    out.push(cur);
    out.into_iter().map(|l| cut(&l, w)).collect()
}
