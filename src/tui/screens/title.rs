//! The title screen: the bundled scenarios with their summaries.

use super::{block, cut, hit, line};
use crate::tui::app::{App, Hit};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Paragraph, Widget, Wrap};

pub fn render(app: &App, sel: usize, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let [head, body] = Layout::vertical([Constraint::Length(3), Constraint::Fill(1)]).areas(area);
    let title = vec![
        Line::from(Span::styled("backchannel", t.title)),
        Line::from(Span::styled(
            "a negotiation at the table — accept, reject or amend, clause by clause",
            t.dim,
        )),
    ];
    Paragraph::new(title).centered().render(head, buf);
    let [list, detail] =
        Layout::horizontal([Constraint::Length(34), Constraint::Fill(1)]).areas(body);
    let b = block(t, "Scenarios", true);
    let inner = b.inner(list);
    b.render(list, buf);
    for (i, e) in app.entries.iter().enumerate() {
        let row = i as u16 * 2;
        if row + 1 >= inner.height {
            break;
        }
        let name = match &e.model {
            Ok(m) => m.scenario.meta.title.clone(),
            Err(_) => format!("{} (does not load)", e.source),
        };
        let selected = i == sel;
        let style = if selected { t.selected } else { t.text };
        let mark = if selected { "▸ " } else { "  " };
        let w = inner.width as usize;
        line(
            buf,
            inner,
            row,
            vec![Span::raw(cut(&format!("{mark}{name}"), w))],
            style,
        );
        line(
            buf,
            inner,
            row + 1,
            vec![Span::styled(cut(&format!("    {}", e.source), w), t.dim)],
            t.text,
        );
        hit(
            app,
            Rect::new(inner.x, inner.y + row, inner.width, 2),
            Hit::Row(i),
        );
    }
    let Some(e) = app.entries.get(sel) else {
        return;
    };
    let b = block(t, "About", false);
    let inner = b.inner(detail);
    b.render(detail, buf);
    let text = match &e.model {
        Ok(m) => {
            let s = &m.scenario;
            let parties: Vec<String> = s
                .parties
                .iter()
                .map(|p| format!("{} ({})", p.name, p.short))
                .collect();
            let mut lines = vec![
                Line::from(Span::styled(s.meta.title.clone(), t.title)),
                Line::from(Span::styled(s.meta.date.clone(), t.dim)),
            ];
            let default = crate::tui::app::default_seats(m);
            if let Some(p) = default.iter().position(|s| s.is_human()) {
                lines.push(Line::from(Span::styled(
                    format!(
                        "Enter: play as {}, AI in the other seats · s: choose seats",
                        m.party_name(p)
                    ),
                    t.accent,
                )));
            }
            lines.extend([
                Line::default(),
                Line::from(s.meta.summary.clone()),
                Line::default(),
                Line::from(vec![
                    Span::styled("Parties: ", t.dim),
                    Span::raw(parties.join(", ")),
                ]),
                Line::from(vec![
                    Span::styled("Clauses: ", t.dim),
                    Span::raw(format!("{}   ", s.clauses.len())),
                    Span::styled("Rounds: ", t.dim),
                    Span::raw(format!("{}   ", m.rules.rounds)),
                    Span::styled("Events: ", t.dim),
                    Span::raw(format!("{}", s.events.len())),
                ]),
            ]);
            Text::from(lines)
        }
        Err(err) => Text::from(err.clone()).style(t.bad),
    };
    Paragraph::new(text)
        .wrap(Wrap { trim: true })
        .render(inner, buf);
}
