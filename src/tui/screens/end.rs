//! The end: outcome, final metrics, charts over rounds, scores against reservation.

use super::{bar, block, cut, signed};
use crate::table::View;
use crate::table::narrate::ending_words;
use crate::tui::app::{App, Play};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Paragraph, Widget, Wrap};

pub fn render(app: &App, play: &Play, g: &View, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let m = g.model();
    let Some(ending) = g.ending() else {
        return;
    };
    let deal = ending == crate::engine::Ending::Deal;
    let [head, mid, chart_area] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length((m.metrics.len().max(m.parties.len()) as u16 + 3).min(area.height / 2)),
        Constraint::Fill(1),
    ])
    .areas(area);
    let head_text = vec![
        Line::from(Span::styled(
            format!(
                "{} {}",
                if deal { "✓ DEAL:" } else { "✗ NO DEAL:" },
                ending_words(m, ending)
            ),
            if deal { t.good } else { t.bad },
        )),
        Line::from(Span::styled(
            format!(
                "{} · ended in round {} of {} · seed {} · scenario checksum {}",
                m.scenario.meta.title,
                g.round(),
                g.deadline(),
                g.seed(),
                m.checksum
            ),
            t.dim,
        )),
        Line::from(Span::styled(
            match &play.session.save_path {
                Some(p) if app.save_failed.is_some() => {
                    format!("NOT saved: writing {} failed.", p.display())
                }
                Some(p) => format!("Saved: {}", p.display()),
                None => "Not saved (press e to write the save and the debrief).".into(),
            },
            t.dim,
        )),
    ];
    Paragraph::new(head_text)
        .wrap(Wrap { trim: true })
        .render(head, buf);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Fill(1)]).areas(mid);
    let ev = g.evaluation();
    let b = block(t, "Final metrics", false);
    let inner = b.inner(left);
    b.render(left, buf);
    let w = inner.width as usize;
    let lines: Vec<Line> = (0..m.metrics.len())
        .map(|k| {
            let mm = &m.metrics[k];
            let v = ev.metrics[k];
            let ratio = if mm.max > mm.min {
                (v - mm.min) / (mm.max - mm.min)
            } else {
                0.0
            };
            let start = g.history().first().map_or(v, |(_, e)| e.metrics[k]);
            Line::from(cut(
                &format!(
                    "{:<14} {} {v:5.1} ({})",
                    cut(&m.scenario.metrics[k].name, 14),
                    bar(ratio, w.saturating_sub(30).min(20)),
                    signed(v - start, 1)
                ),
                w,
            ))
        })
        .collect();
    Paragraph::new(lines).render(inner, buf);
    let b = block(
        t,
        "Scores: utility (U) against the bottom line drawn at the start (R)",
        false,
    );
    let inner = b.inner(right);
    b.render(right, buf);
    let mut lines = Vec::new();
    if let Some(scores) = g.scores() {
        for (p, sc) in scores.iter().enumerate() {
            let verdict = if sc.score > 0.0 {
                "✓ better than no deal"
            } else if sc.score < 0.0 {
                "✗ worse than no deal"
            } else {
                "= no deal"
            };
            let human = if g.is_human(p) { " (human)" } else { "" };
            lines.push(Line::from(Span::styled(
                cut(
                    &format!(
                        "{:<4} U {:6.2}  R {:6.2}  {:>7}  {verdict}{human}",
                        m.party_short(p),
                        sc.utility,
                        sc.reservation,
                        signed(sc.score, 2)
                    ),
                    inner.width as usize,
                ),
                if sc.score >= 0.0 { t.good } else { t.bad },
            )));
        }
    }
    Paragraph::new(Text::from(lines)).render(inner, buf);
    let b = block(t, "Over the rounds (each on its own range, in %)", false);
    let inner = b.inner(chart_area);
    b.render(chart_area, buf);
    if inner.height >= 4 {
        super::dashboard::chart(app, g, inner, buf);
    }
}
