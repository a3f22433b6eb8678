//! The pen-holder's revision: every proposal of the round with what it
//! would do if adopted alone, and what the current selection does together.

use super::{block, cut, hit, line, signed};
use crate::core::model::InfoSettings;
use crate::engine::{Evaluation, Proposal};
use crate::scenario::Model;
use crate::table::View;
use crate::tui::app::{App, Hit, Play};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::Widget;

/// A change in words: "point 3 Water share: 'even split' → 'mill keeps 60%'".
pub fn change_words(m: &Model, from: usize, c: usize, to: usize) -> String {
    let cl = &m.scenario.clauses[c];
    let word = |o: usize| {
        if o == m.clauses[c].struck() {
            "struck".to_string()
        } else {
            format!("'{}'", m.option_label(c, o))
        }
    };
    format!(
        "point {} {}: {} → {}",
        cl.number,
        cl.title,
        word(from),
        word(to)
    )
}

/// Who tabled a proposal and who backs it, in words.
pub fn proposers(m: &Model, p: &Proposal) -> String {
    let backers: Vec<&str> = p
        .backer_list()
        .filter(|&b| b != p.by && b < m.parties.len())
        .map(|b| m.party_short(b))
        .collect();
    let what = if p.package { "package" } else { "proposal" };
    let by = m.parties.get(p.by).map_or("?", |_| m.party_short(p.by));
    if backers.is_empty() {
        format!("{what} tabled by {by}")
    } else {
        format!("{what} tabled by {by}, backed by {}", backers.join(", "))
    }
}

/// The what-if of a set of changes, in words: the public chance of a deal,
/// each party's public chance to sign, and the viewer's own utility and
/// verdict by its true bottom line.
pub struct WhatIf {
    pub deal: String,
    pub parties: String,
    pub own: Option<String>,
}

impl WhatIf {
    /// The preview of `w` against `now`; other parties' chances only when
    /// `info` lets this screen show them.
    pub fn of(g: &View, now: &Evaluation, w: &Evaluation, info: InfoSettings) -> WhatIf {
        let m = g.model();
        let own_party = g.viewer().party();
        let deal = format!(
            "{:.0}% ({})",
            100.0 * w.likelihood,
            signed(100.0 * (w.likelihood - now.likelihood), 0)
        );
        let parties: Vec<String> = (0..m.parties.len())
            .map(|p| {
                let red = if w.crossed[p].is_some() {
                    " ✗red line"
                } else {
                    ""
                };
                if !info.others_acceptance && own_party != Some(p) {
                    return format!("{} –{red}", m.party_short(p));
                }
                format!("{} {:.0}%{red}", m.party_short(p), 100.0 * w.acceptance[p])
            })
            .collect();
        let own = g.viewer().party().map(|v| {
            let sign = if w.would_sign(v) {
                "you would sign"
            } else {
                "you would not sign"
            };
            format!(
                "you {:.1} ({}), {sign}",
                w.utility[v],
                signed(w.utility[v] - now.utility[v], 1)
            )
        });
        WhatIf {
            deal,
            parties: parties.join(" · "),
            own,
        }
    }

    /// All of it on one line.
    pub fn line(&self) -> String {
        match &self.own {
            Some(o) => format!("deal {} · {} · {o}", self.deal, self.parties),
            None => format!("deal {} · {}", self.deal, self.parties),
        }
    }
}

pub fn render(app: &App, play: &Play, g: &View, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let m = g.model();
    let props = g.proposals();
    let rev = play.revision;
    let previews = play.info().what_if;
    let now = g.evaluation();
    let [head, list, summary] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Fill(1),
        Constraint::Length(6),
    ])
    .areas(area);
    let pen = g.pen().map_or("", |p| {
        if head.width < 100 {
            m.party_short(p)
        } else {
            m.party_name(p)
        }
    });
    line(
        buf,
        head,
        0,
        vec![Span::styled(
            cut(
                &format!(
                    "Round {}/{} · {pen}: you hold the pen. Choose which proposals go into the draft.",
                    g.round(),
                    g.deadline()
                ),
                head.width as usize,
            ),
            t.title,
        )],
        t.text,
    );
    let mut own = String::new();
    if let Some((v, r)) = g.own_reservation() {
        own = format!(
            "Your bottom line: {r:.1} (private); the draft now is worth {:.1} to you.",
            now.utility[v]
        );
    }
    if head.width >= 140 || own.is_empty() {
        own.push_str(
            " deal % = the public chance of a deal; party % = the public chance it signs.",
        );
    }
    line(
        buf,
        head,
        1,
        vec![Span::styled(
            cut(own.trim_start(), head.width as usize),
            t.dim,
        )],
        t.dim,
    );

    // Wide screens show the draft beside the proposals, with the adopted changes.
    let list = if area.width >= 140 {
        let [list, draft] =
            Layout::horizontal([Constraint::Fill(1), Constraint::Percentage(34)]).areas(list);
        draft_pane(app, g, rev.adopt, draft, buf);
        list
    } else {
        list
    };
    let b = block(
        t,
        format!(
            "Proposals — {} of {} adopted (Space adopts, a suggests, Enter revises)",
            rev.adopt.len(),
            props.len()
        ),
        true,
    );
    let inner = b.inner(list);
    b.render(list, buf);
    let w = inner.width as usize;
    // Every proposal's rows; the window scrolls to keep the cursor's in view.
    let mut rows: Vec<(usize, Vec<Span>, Style)> = Vec::new();
    let mut cursor_rows = (0, 0);
    for (i, p) in props.iter().enumerate() {
        let selected = i == rev.cursor;
        let style = if selected { t.selected } else { t.text };
        let mark = if rev.adopt.contains(i) { "[x]" } else { "[ ]" };
        let start = rows.len();
        rows.push((
            i,
            vec![Span::raw(cut(
                &format!(
                    "{}{mark} {}. {}",
                    if selected { "▸" } else { " " },
                    i + 1,
                    proposers(m, p)
                ),
                w,
            ))],
            style,
        ));
        for (c, o) in p.changes.iter() {
            rows.push((
                i,
                vec![Span::raw(cut(
                    &format!("      {}", change_words(m, g.options()[c], c, o)),
                    w,
                ))],
                if selected { t.selected } else { t.text },
            ));
        }
        if previews {
            let changes: Vec<(usize, usize)> = p.changes.iter().collect();
            let e = g.what_if_changes(&changes);
            let wi = WhatIf::of(g, &now, &e, play.info());
            let all = format!("      alone: {}", wi.line());
            if all.chars().count() <= w {
                rows.push((i, vec![Span::raw(all)], t.dim));
            } else {
                // Narrow: the public chances, then the viewer's own line.
                let public = format!("      alone: deal {} · {}", wi.deal, wi.parties);
                rows.push((i, vec![Span::raw(cut(&public, w))], t.dim));
                if let Some(own) = wi.own {
                    rows.push((
                        i,
                        vec![Span::raw(cut(&format!("             {own}"), w))],
                        t.dim,
                    ));
                }
            }
        } else {
            let off = "      (what-if previews are off at this table)";
            rows.push((i, vec![Span::raw(cut(off, w))], t.dim));
        }
        if selected {
            cursor_rows = (start, rows.len());
        }
    }
    if props.is_empty() {
        rows.push((0, vec![Span::raw("No proposals this round.")], t.dim));
    }
    let h = inner.height as usize;
    let first = cursor_rows.1.saturating_sub(h).min(cursor_rows.0);
    let more = rows.len() > first + h;
    for (r, (i, spans, style)) in rows.into_iter().skip(first).take(h).enumerate() {
        let row = r as u16;
        line(buf, inner, row, spans, style);
        hit(
            app,
            Rect::new(inner.x, inner.y + row, inner.width, 1),
            Hit::Row(i),
        );
    }
    if first > 0 {
        buf.set_string(inner.right().saturating_sub(3), inner.y, " ↑ ", t.dim);
    }
    if more && h > 0 {
        buf.set_string(
            inner.right().saturating_sub(3),
            inner.bottom().saturating_sub(1),
            " ↓ ",
            t.dim,
        );
    }

    // The selection together.
    let b = block(t, "If you revise with the adopted proposals", false);
    let inner = b.inner(summary);
    b.render(summary, buf);
    let mut changes: Vec<(usize, usize)> = Vec::new();
    for i in rev.adopt.iter() {
        if let Some(p) = props.get(i) {
            changes.extend(p.changes.iter());
        }
    }
    let n = changes.len();
    let said = match g.selection_open(rev.adopt) {
        Ok(()) => format!(
            "{} proposal(s), {n} clause change(s). Enter writes them in (asks first).",
            rev.adopt.len()
        ),
        Err(e) => format!("Cannot be adopted together: {}", e.describe(m)),
    };
    line(
        buf,
        inner,
        0,
        vec![Span::raw(cut(&said, inner.width as usize))],
        t.text,
    );
    if previews {
        let e = g.what_if_changes(&changes);
        let wi = WhatIf::of(g, &now, &e, play.info());
        let own = wi.own.clone().unwrap_or_default();
        let rows = [
            (
                format!("Public chance of a deal: {}   {own}", wi.deal),
                t.accent,
            ),
            (format!("Public chance each signs: {}", wi.parties), t.text),
        ];
        for (i, (text, style)) in rows.into_iter().enumerate() {
            line(
                buf,
                inner,
                1 + i as u16,
                vec![Span::styled(cut(&text, inner.width as usize), style)],
                t.text,
            );
        }
    } else {
        line(
            buf,
            inner,
            1,
            vec![Span::styled(
                "(what-if previews are off at this table)",
                t.dim,
            )],
            t.dim,
        );
    }
    // The last refusal or suggestion in full (the footer has room for half of it).
    if let Some(s) = &app.status {
        line(
            buf,
            inner,
            3,
            vec![Span::styled(cut(s, inner.width as usize), t.warn)],
            t.text,
        );
    }
}

/// The draft as it stands, each clause with its wording, and the wording the
/// adopted proposals would give it.
fn draft_pane(app: &App, g: &View, adopt: crate::engine::Selection, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let m = g.model();
    let b = block(t, "The draft now (→ if you revise)", false);
    let inner = b.inner(area);
    b.render(area, buf);
    let w = inner.width as usize;
    let mut to: Vec<Option<usize>> = vec![None; m.clauses.len()];
    for i in adopt.iter() {
        if let Some(p) = g.proposals().get(i) {
            for (c, o) in p.changes.iter() {
                to[c] = Some(o);
            }
        }
    }
    let word = |c: usize, o: usize| {
        if o == m.clauses[c].struck() {
            "struck".to_string()
        } else {
            m.option_label(c, o).to_string()
        }
    };
    let mut row = 0u16;
    for (c, &adopted) in to.iter().enumerate() {
        if row + 1 >= inner.height {
            break;
        }
        let cl = &m.scenario.clauses[c];
        let st = g.status()[c];
        line(
            buf,
            inner,
            row,
            vec![Span::raw(cut(
                &format!(
                    "{} {:>2} {}: {}",
                    super::table::status_mark(st),
                    cl.number,
                    cl.title,
                    word(c, g.options()[c])
                ),
                w,
            ))],
            if st == crate::engine::Status::Open {
                t.text
            } else {
                t.dim
            },
        );
        row += 1;
        if let Some(o) = adopted {
            line(
                buf,
                inner,
                row,
                vec![Span::styled(
                    cut(&format!("     → {}", word(c, o)), w),
                    t.accent,
                )],
                t.text,
            );
            row += 1;
        }
    }
}
