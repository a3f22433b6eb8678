//! The private briefing of a seat, and the blank hand-over screen between
//! human seats (nothing private is on it).

use super::{block, centered, signed};
use crate::table::View;
use crate::tui::app::{App, Play};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Paragraph, Widget, Wrap};

pub fn render(app: &App, play: &Play, g: &View, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let Some(p) = g.viewer().party() else {
        return;
    };
    let m = g.model();
    let party = &m.scenario.parties[p];
    let b = block(
        t,
        format!("Private brief — {} (only for this seat)", party.name),
        true,
    );
    let inner = b.inner(area);
    b.render(area, buf);
    let ev = g.evaluation();
    let mut lines = vec![
        Line::from(Span::styled(party.description.clone(), t.dim)),
        Line::default(),
        Line::from(Span::styled("Your brief", t.title)),
        Line::from(Span::styled(party.brief.clone(), t.private)),
        Line::default(),
        Line::from(Span::styled("Goals", t.title)),
    ];
    lines.extend(party.goals.iter().map(|g| Line::from(format!(" • {g}"))));
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        "Red lines (you cannot sign a draft that crosses one)",
        t.title,
    )));
    for (i, r) in party.red_lines.iter().enumerate() {
        let crossed = ev.crossed[p] == Some(i);
        let mark = if crossed {
            "✗ CROSSED by the draft:"
        } else {
            "•"
        };
        lines.push(Line::from(Span::styled(
            format!(" {mark} {}", r.text),
            if crossed { t.bad } else { t.text },
        )));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("Your bottom line", t.title)));
    lines.push(Line::from(format!(
        " Your bottom line: {:.1} (private, drawn for this game): no deal is worth that much to you. The current draft is worth {:.1} ({}). A deal below your bottom line is worse than walking away.",
        ev.reservation[p],
        ev.utility[p],
        signed(ev.utility[p] - ev.reservation[p], 1)
    )));
    lines.push(Line::from(Span::styled(
        format!(
            " The others see only a public estimate of it (about {:.1}); how you vote tells them more.",
            g.public_bottom_line(p)
        ),
        t.dim,
    )));
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("Enter: to the table", t.accent)));
    Paragraph::new(Text::from(lines))
        .wrap(Wrap { trim: false })
        .scroll((play.brief_scroll, 0))
        .render(inner, buf);
}

pub fn handover(app: &App, play: &Play, g: &View, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let _ = play;
    let Some(p) = g.to_move() else {
        return;
    };
    let name = g.model().party_name(p);
    let r = centered(area, 60, 7);
    let b = block(t, "Hand-over", true);
    let inner = b.inner(r);
    b.render(r, buf);
    let text = vec![
        Line::default(),
        Line::from(Span::styled(
            format!("Pass the keyboard to {name}."),
            t.title,
        ))
        .centered(),
        Line::default(),
        Line::from(Span::styled(
            format!("{name}: press Enter when you are ready."),
            t.dim,
        ))
        .centered(),
    ];
    Paragraph::new(text).render(inner, buf);
}
