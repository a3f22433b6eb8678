//! The end: outcome, final metrics, charts over rounds, scores against reservation.

use super::{bar, block, cut, signed};
use crate::table::View;
use crate::table::narrate::ending_words;
use crate::tui::app::{App, Play};
use crate::tui::session::Bench;
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
    let bench = play.session.benchmarks_state();
    let seat = g.viewer().party();
    let scores = g.scores();
    // The verdict for the seat on this screen, in plain words.
    let verdict = match (seat, &scores, &bench) {
        (Some(p), Some(sc), Bench::Done(b)) => {
            Some(crate::report::benchmarks::verdict(sc[p].score, b, p))
        }
        (Some(_), Some(_), Bench::Working) => {
            Some("Working out your benchmarks (a quick sweep of the AI in every seat)…".into())
        }
        _ => None,
    };
    let head_h = 3 + u16::from(verdict.is_some()) * 3;
    let [head, mid, chart_area] = Layout::vertical([
        Constraint::Length(head_h),
        Constraint::Length(
            (m.metrics.len().max(m.parties.len() + 3) as u16 + 3).min(area.height / 2),
        ),
        Constraint::Fill(1),
    ])
    .areas(area);
    let mut head_text = vec![Line::from(Span::styled(
        format!(
            "{} {}",
            if deal {
                "✓ DEAL —"
            } else {
                "✗ NO DEAL —"
            },
            ending_words(m, ending)
        ),
        if deal { t.good } else { t.bad },
    ))];
    if let Some(v) = verdict {
        head_text.push(Line::from(Span::styled(v, t.title)));
    }
    head_text.extend([
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
    ]);
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
    let b = block(t, "Scores (U − R) against the benchmarks", false);
    let inner = b.inner(right);
    b.render(right, buf);
    let mut lines = Vec::new();
    let w = inner.width as usize;
    let wide = w >= 60;
    lines.push(Line::from(Span::styled(
        cut(
            &if wide {
                "seat   score     U      R    Nash  AI avg  best".to_string()
            } else {
                "seat   score   Nash  AI avg  best".to_string()
            },
            w,
        ),
        t.dim,
    )));
    let cell = |v: Option<f64>| v.map_or("   …".to_string(), |x| signed(x, 1));
    if let Some(scores) = &scores {
        for (p, sc) in scores.iter().enumerate() {
            let (nash, ai, best) = match &bench {
                Bench::Done(b) => (
                    Some(b.nash.as_ref().map_or(f64::NAN, |v| v[p])),
                    b.ai_mean.get(p).copied(),
                    Some(b.best.as_ref().map_or(f64::NAN, |v| v[p])),
                ),
                _ => (None, None, None),
            };
            let fmt = |v: Option<f64>| match v {
                Some(x) if x.is_nan() => "     –".to_string(),
                v => format!("{:>6}", cell(v)),
            };
            let mark = if sc.score > 0.0 {
                "✓"
            } else if sc.score < 0.0 {
                "✗"
            } else {
                "="
            };
            let who = if seat == Some(p) {
                "you".to_string()
            } else {
                m.party_short(p).to_string()
            };
            let text = if wide {
                format!(
                    "{:<5}{mark}{:>6} {:>6.1} {:>6.1} {} {} {}",
                    cut(&who, 5),
                    signed(sc.score, 1),
                    sc.utility,
                    sc.reservation,
                    fmt(nash),
                    fmt(ai),
                    fmt(best)
                )
            } else {
                format!(
                    "{:<5}{mark}{:>6} {} {} {}",
                    cut(&who, 5),
                    signed(sc.score, 1),
                    fmt(nash),
                    fmt(ai),
                    fmt(best)
                )
            };
            lines.push(Line::from(Span::styled(
                cut(&text, w),
                if sc.score >= 0.0 { t.good } else { t.bad },
            )));
        }
    }
    lines.push(Line::from(Span::styled(
        cut(
            "Nash: your share in the Nash package · AI avg: the AI in your seat · best: the best text all would sign",
            w * 2,
        ),
        t.dim,
    )));
    Paragraph::new(Text::from(lines))
        .wrap(Wrap { trim: true })
        .render(inner, buf);
    let b = block(t, "Over the rounds (each on its own range, in %)", false);
    let inner = b.inner(chart_area);
    b.render(chart_area, buf);
    if inner.height >= 4 {
        super::dashboard::chart(app, g, inner, buf);
    }
}
