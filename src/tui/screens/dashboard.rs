//! The dashboard: a gauge per metric, each party's readiness to sign, the
//! viewer's utility against its reservation, and the chart over rounds.

use super::{bar, block, cut, hit, line, signed};
use crate::engine::Evaluation;
use crate::table::View;
use crate::tui::app::{App, DashItem, Hit, Pane, Play};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Widget};

pub fn render(app: &App, play: &Play, g: &View, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let m = g.model();
    let b = block(t, "Dashboard — w: why", play.focus == Pane::Dashboard);
    let inner = b.inner(area);
    b.render(area, buf);
    hit(app, area, Hit::Pane(Pane::Dashboard));
    let ev = g.evaluation();
    let items = crate::tui::app::dash_items_of(m, g.viewer(), play.info());
    let w = inner.width as usize;
    let name_w = (w / 3).clamp(8, 24);
    let bar_w = w.saturating_sub(name_w + 14).min(30);
    let focused = play.focus == Pane::Dashboard;
    let mut row: u16 = 0;
    for (i, item) in items.iter().enumerate() {
        if row >= inner.height {
            break;
        }
        if i == m.metrics.len() {
            line(
                buf,
                inner,
                row,
                vec![Span::styled("Would sign (public %, R≈ estimate)", t.dim)],
                t.dim,
            );
            row += 1;
        }
        let selected = focused && i == play.dash.min(items.len().saturating_sub(1));
        let style = if selected { t.selected } else { t.text };
        let mark = if selected { "▸" } else { " " };
        let text = match *item {
            DashItem::Metric(k) => {
                let mm = &m.metrics[k];
                let v = ev.metrics[k];
                let ratio = if mm.max > mm.min {
                    (v - mm.min) / (mm.max - mm.min)
                } else {
                    0.0
                };
                let name = &m.scenario.metrics[k].name;
                let unit = if Some(k) == m.deal_metric { "%" } else { "" };
                format!(
                    "{mark}{:<name_w$} {} {v:5.1}{unit}",
                    cut(name, name_w),
                    bar(ratio, bar_w)
                )
            }
            DashItem::Acceptance(p) => {
                let a = ev.acceptance[p];
                let own = g.viewer().party() == Some(p);
                let verdict = match ev.crossed[p] {
                    Some(_) => "✗ red line".to_string(),
                    None if g.may_see(p) => match (ev.would_sign(p), own) {
                        (true, true) => "✓ you sign".into(),
                        (false, true) => "✗ you won't".into(),
                        (true, false) => "✓ above R".into(),
                        (false, false) => "✗ below R".into(),
                    },
                    None => {
                        // The estimate, and what votes revealed: above lo, at most hi.
                        let b = g.belief(p);
                        let mut s = format!("R≈{:.1}", g.public_bottom_line(p));
                        if b.lo > f64::NEG_INFINITY {
                            s.push_str(&format!(" >{:.1}", b.lo));
                        }
                        if b.hi < f64::INFINITY {
                            s.push_str(&format!(" ≤{:.1}", b.hi));
                        }
                        s
                    }
                };
                format!(
                    "{mark}{:<name_w$} {} {:>4} {verdict}",
                    cut(m.party_name(p), name_w),
                    bar(a, bar_w.saturating_sub(6)),
                    crate::tui::app::percent(a)
                )
            }
            DashItem::Utility(p) => format!(
                "{mark}{} utility {:.2} vs bottom line {:.2} ({})",
                m.party_short(p),
                ev.utility[p],
                ev.reservation[p],
                signed(ev.utility[p] - ev.reservation[p], 2)
            ),
            DashItem::Reservation(p) => {
                format!("{mark}your bottom line: {:.2} (private)", ev.reservation[p])
            }
        };
        let st = match item {
            DashItem::Utility(_) | DashItem::Reservation(_) if !selected => t.private,
            _ => style,
        };
        line(buf, inner, row, vec![Span::raw(cut(&text, w))], st);
        hit(
            app,
            Rect::new(inner.x, inner.y + row, inner.width, 1),
            Hit::Row(1000 + i),
        );
        row += 1;
    }
    if inner.height > row + 6 {
        let r = Rect::new(inner.x, inner.y + row, inner.width, inner.height - row);
        chart(app, g, r, buf);
    }
}

/// The metrics and deal likelihood over rounds, each on 0–100 % of its range.
pub fn chart(app: &App, g: &View, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let m = g.model();
    let mut points: Vec<(u32, Evaluation)> = g.history();
    if g.ending().is_none() {
        points.push((g.round(), g.evaluation()));
    }
    // The turning points (as the debrief lists them): a dotted upright at each.
    let likelihood: Vec<(u32, f64)> = points.iter().map(|(r, e)| (*r, e.likelihood)).collect();
    let turns: Vec<[(f64, f64); 2]> = crate::report::model::turning_rounds(&likelihood)
        .into_iter()
        .map(|(r, _, _)| [(f64::from(r), 0.0), (f64::from(r), 100.0)])
        .collect();
    // The legend on a row of its own, so it never hides a line; with the
    // key, shorter names rather than a second row.
    let key = if turns.is_empty() {
        ""
    } else {
        "⡇ turning point"
    };
    let legend_of = |n: usize| -> Vec<Span> {
        let mut v: Vec<Span> = (0..m.metrics.len())
            .map(|k| {
                Span::styled(
                    format!(
                        "{} {}  ",
                        ["⠿", "•", "▀", "█"][k % 4],
                        cut(&m.scenario.metrics[k].name, n)
                    ),
                    t.chart(k),
                )
            })
            .collect();
        v.push(Span::styled(key, t.dim));
        v
    };
    let fits = |v: &[Span]| v.iter().map(|s| s.width()).sum::<usize>() <= usize::from(area.width);
    // (Only for the key: a legend that wraps anyway keeps its longer names.)
    let legend = [22, 16]
        .into_iter()
        .take(if key.is_empty() { 1 } else { 2 })
        .map(legend_of)
        .find(|v| fits(v))
        .unwrap_or_else(|| legend_of(22));
    let lh = super::popups::wrapped_rows(&[Line::from(legend.clone())], area.width).min(2);
    ratatui::widgets::Paragraph::new(Line::from(legend))
        .wrap(ratatui::widgets::Wrap { trim: true })
        .render(
            Rect::new(area.x, area.y, area.width, lh.min(area.height)),
            buf,
        );
    let area = Rect::new(
        area.x,
        area.y + lh,
        area.width,
        area.height.saturating_sub(lh),
    );
    let markers = [
        Marker::Braille,
        Marker::Dot,
        Marker::HalfBlock,
        Marker::Block,
    ];
    let series: Vec<Vec<(f64, f64)>> = (0..m.metrics.len())
        .map(|k| {
            let mm = &m.metrics[k];
            points
                .iter()
                .map(|(r, e)| {
                    let span = (mm.max - mm.min).max(1e-9);
                    (f64::from(*r), 100.0 * (e.metrics[k] - mm.min) / span)
                })
                .collect()
        })
        .collect();
    let uprights = turns.iter().map(|line| {
        Dataset::default()
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(t.dim)
            .data(line)
    });
    // The uprights over the lines, so they show where the lines are thick.
    let datasets: Vec<Dataset> = series
        .iter()
        .enumerate()
        .map(|(k, data)| {
            Dataset::default()
                .name(format!(
                    "{} {}",
                    ["⠿", "•", "▀", "█"][k % 4],
                    cut(&m.scenario.metrics[k].name, 18)
                ))
                .marker(markers[k % 4])
                .graph_type(GraphType::Line)
                .style(t.chart(k))
                .data(data)
        })
        .chain(uprights)
        .collect();
    let max_x = f64::from(g.deadline().max(g.round()).max(1));
    let chart = Chart::new(datasets)
        .x_axis(
            Axis::default()
                .title(Line::from(Span::styled("round", t.dim)))
                .bounds([0.0, max_x])
                .labels(["0".to_string(), format!("{}", max_x as u32)])
                .style(t.dim),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, 100.0])
                .labels(["0", "50", "100"])
                .style(t.dim),
        )
        .legend_position(None);
    chart.render(area, buf);
}
