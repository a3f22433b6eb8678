//! Seat setup (who plays each party, rounds, seed) and the resume list.

use super::{block, cut, hit, line};
use crate::tui::app::{App, Hit, SaveEntry, Setup};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Paragraph, Widget, Wrap};

pub fn render(app: &App, s: &Setup, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let [top, help] = Layout::vertical([Constraint::Fill(1), Constraint::Length(5)]).areas(area);
    let b = block(t, format!("Seats — {}", s.model.scenario.meta.title), true);
    let inner = b.inner(top);
    b.render(top, buf);
    let np = s.seats.len();
    let mut rows: Vec<(String, String)> = (0..np)
        .map(|p| {
            (
                s.model.party_name(p).to_string(),
                s.seats[p].label(&s.model),
            )
        })
        .collect();
    rows.push(("Rounds".into(), s.rounds.to_string()));
    rows.push(("Seed".into(), s.seed.to_string()));
    let w = inner.width as usize;
    for (i, (name, value)) in rows.iter().enumerate() {
        let row = i as u16 + if i >= np { 1 } else { 0 };
        let selected = i == s.row;
        let style = if selected { t.selected } else { t.text };
        let mark = if selected { "▸" } else { " " };
        let text = format!("{mark} {:<28} ◂ {value} ▸", cut(name, 28));
        line(buf, inner, row, vec![Span::raw(cut(&text, w))], style);
        if row < inner.height {
            hit(
                app,
                Rect::new(inner.x, inner.y + row, inner.width, 1),
                Hit::Row(i),
            );
        }
    }
    let humans = s.seats.iter().filter(|x| x.is_human()).count();
    let mode = match humans {
        0 => "No human seat: you watch the AI negotiate.".to_string(),
        1 => "Solo: you against the AI (undo with u).".to_string(),
        n => format!(
            "Hot-seat: {n} human seats share this keyboard; a blank hand-over screen keeps each brief private."
        ),
    };
    let b = block(t, "How", false);
    let hin = b.inner(help);
    b.render(help, buf);
    Paragraph::new(format!(
        "{mode}\n←/→ changes the highlighted row; Enter starts."
    ))
    .style(t.dim)
    .wrap(Wrap { trim: true })
    .render(hin, buf);
}

pub fn render_resume(app: &App, saves: &[SaveEntry], sel: usize, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let b = block(t, "Saved games", true);
    let inner = b.inner(area);
    b.render(area, buf);
    if saves.is_empty() {
        Paragraph::new("No saved games yet.")
            .style(t.dim)
            .render(inner, buf);
        return;
    }
    let w = inner.width as usize;
    line(
        buf,
        inner,
        0,
        vec![Span::raw(cut(
            &format!(
                "  {:<22} {:<11} {:<16} {}",
                "table", "status", "saved (local)", "human seats"
            ),
            w,
        ))],
        t.dim,
    );
    let first = sel.saturating_sub(inner.height.saturating_sub(2) as usize);
    for (i, e) in saves.iter().enumerate().skip(first) {
        let row = (i - first) as u16 + 1;
        if row >= inner.height {
            break;
        }
        let selected = i == sel;
        let style = if selected { t.selected } else { t.text };
        let mark = if selected { "▸" } else { " " };
        let text = match &e.save {
            Ok(s) => {
                let humans: Vec<&str> = s
                    .seats
                    .iter()
                    .filter(|(_, p)| p == "human")
                    .map(|(id, _)| id.as_str())
                    .collect();
                let status = match (e.finished, e.round) {
                    (Some(true), _) => "finished".to_string(),
                    (_, Some(r)) => format!("round {r}"),
                    _ => "?".into(),
                };
                let file = e
                    .path
                    .file_name()
                    .map_or(String::new(), |f| f.to_string_lossy().into_owned());
                let table = if s.name.is_empty() {
                    format!("{} · {file}", s.scenario)
                } else {
                    format!("{} · {}", s.name, s.scenario)
                };
                format!(
                    "{mark} {:<22} {:<11} {:<16} {}",
                    cut(&table, 22),
                    status,
                    cut(&e.when, 16),
                    humans.join(", ")
                )
            }
            Err(err) => format!(
                "{mark} {} — {}",
                e.path.display(),
                err.lines().next().unwrap_or("")
            ),
        };
        line(buf, inner, row, vec![Span::raw(cut(&text, w))], style);
        hit(
            app,
            Rect::new(inner.x, inner.y + row, inner.width, 1),
            Hit::Row(i),
        );
    }
}
