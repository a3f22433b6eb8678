//! The round summary: what a round settled, shown to every seat once (in
//! hot-seat, at its hand-over) before it goes back to the table.

use super::popups::text_dialog;
use super::signed;
use crate::table::{Kind, View};
use crate::tui::app::{App, Play, percent};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// The summary of `round` as lines, from what this view may see.
pub fn lines(app: &App, g: &View, round: u32) -> Vec<Line<'static>> {
    let t = &app.theme;
    let m = g.model();
    let mut out: Vec<Line<'static>> = Vec::new();
    let settled: Vec<&crate::table::Narration> = g
        .narrations()
        .iter()
        .filter(|n| n.round == round)
        .filter(|n| {
            matches!(
                n.kind,
                Kind::Agreed
                    | Kind::Revised
                    | Kind::RevisionDone
                    | Kind::Pen
                    | Kind::VoteFailed
                    | Kind::Signatories
                    | Kind::Delay
                    | Kind::Deadline
            )
        })
        .collect();
    out.push(Line::from(Span::styled("What the round settled", t.title)));
    if settled.is_empty() {
        out.push(Line::from("  Nothing was agreed or rewritten this round."));
    }
    for n in settled {
        let mark = match n.kind {
            Kind::Agreed => "✓",
            Kind::Revised | Kind::RevisionDone | Kind::Pen => "✎",
            _ => "·",
        };
        out.push(Line::from(format!("  {mark} {}", n.text)));
    }
    // The numbers: the round's start (the previous round's end) against its end.
    let history = g.history();
    let end = history
        .iter()
        .rev()
        .find(|(r, _)| *r == round)
        .map(|x| &x.1);
    let start = history.iter().rev().find(|(r, _)| *r < round).map(|x| &x.1);
    if let Some(end) = end {
        out.push(Line::default());
        out.push(Line::from(Span::styled(
            "The numbers at the round's end",
            t.title,
        )));
        for k in 0..m.metrics.len() {
            let v = end.metrics[k];
            let unit = if Some(k) == m.deal_metric { "%" } else { "" };
            let moved = start.map_or(String::new(), |s| {
                format!(" ({})", signed(v - s.metrics[k], 1))
            });
            out.push(Line::from(format!(
                "  {:<34} {v:6.1}{unit}{moved}",
                m.scenario.metrics[k].name
            )));
        }
        let mut signs = Vec::new();
        for p in 0..m.parties.len() {
            let x = match end.crossed[p] {
                Some(_) => "✗ red line".to_string(),
                None => percent(end.acceptance[p]),
            };
            signs.push(format!("{} {x}", m.party_short(p)));
        }
        out.push(Line::from(format!(
            "  Public chance each signs: {}",
            signs.join(" · ")
        )));
        if let Some(p) = g.viewer().party()
            && let Some(r) = g.reservation(p)
        {
            let u = end.utility[p];
            let verdict = if end.crossed[p].is_some() {
                "a red line of yours is crossed"
            } else if u >= r {
                "you would sign it"
            } else {
                "you would not sign it"
            };
            out.push(Line::from(Span::styled(
                format!(
                    "  For you: the draft is worth {u:.1} against your bottom line {r:.1} (private): {verdict}."
                ),
                t.private,
            )));
        }
    }
    out.push(Line::default());
    let open = g
        .status()
        .iter()
        .filter(|s| **s == crate::engine::Status::Open)
        .count();
    out.push(Line::from(format!(
        "{open} clause(s) still open · round {} of {} next.",
        (round + 1).min(g.deadline().max(round + 1)),
        g.deadline()
    )));
    out.push(Line::from(Span::styled(
        "Enter: back to the table",
        t.accent,
    )));
    out
}

/// The summary over the table, sized to the screen.
pub fn render(app: &App, play: &Play, g: &View, area: Rect, buf: &mut Buffer) {
    let Some(crate::tui::app::Notice::Summary(round)) = play
        .pending_for(g.viewer().party())
        .and_then(|q| q.front())
        .copied()
    else {
        return;
    };
    let who = g.viewer().party().map_or(String::new(), |p| {
        format!(" — for {}", g.model().party_name(p))
    });
    text_dialog(
        app,
        area,
        110,
        &format!("Round {round} is over{who}"),
        lines(app, g, round),
        play.end_scroll,
        buf,
    );
}
