//! Every screen is a widget; this file lays out the frame (screen, popups,
//! footer) and holds the small helpers they share.

pub mod briefing;
pub mod dashboard;
pub mod end;
pub mod popups;
pub mod revision;
pub mod setup;
pub mod summary;
pub mod table;
pub mod title;

use super::app::{App, Hit, Screen};
use super::keys::{Keymap, Scope};
use super::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

/// The smallest screen the UI draws.
pub const MIN_W: u16 = 80;
pub const MIN_H: u16 = 24;

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        self.hits.borrow_mut().clear();
        if area.width < MIN_W || area.height < MIN_H {
            too_small(area, buf, &self.theme);
            return;
        }
        // A failed save is said plainly, above everything, until a save succeeds.
        let banner_h = u16::from(self.save_failed.is_some()) * 2;
        let [banner, body, footer_area] = Layout::vertical([
            Constraint::Length(banner_h),
            Constraint::Fill(1),
            Constraint::Length(1),
        ])
        .areas(area);
        if let Some(e) = &self.save_failed {
            Paragraph::new(format!("SAVING FAILED — the game is not being saved. {e}"))
                .style(self.theme.warn)
                .wrap(Wrap { trim: true })
                .render(banner, buf);
        }
        match &self.screen {
            Screen::Title { sel } => title::render(self, *sel, body, buf),
            Screen::Setup(s) => setup::render(self, s, body, buf),
            Screen::Resume { saves, sel } => setup::render_resume(self, saves, *sel, body, buf),
            Screen::Game(play) => {
                let scope = play.scope();
                play.with_view(|g| table::render_game(self, play, g, scope, body, buf));
            }
        }
        for (i, p) in self.popups.iter().enumerate() {
            popups::render(self, p, i, body, buf);
        }
        footer(self, footer_area, buf);
        scrub(area, buf);
    }
}

/// The last guard before the terminal: no cell may hold a control character
/// (a raw ESC in a cell would reach the terminal as is) or a zero-width or
/// bidi mark (see [`crate::text::clean_display`]). Scenario text is clean
/// already; this catches text from anywhere else (file names, errors).
fn scrub(area: Rect, buf: &mut Buffer) {
    let area = area.intersection(buf.area);
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            if let Some(cell) = buf.cell_mut((x, y))
                && let std::borrow::Cow::Owned(clean) = crate::text::clean_display(cell.symbol())
            {
                cell.set_symbol(if clean.is_empty() { " " } else { &clean });
            }
        }
    }
}

fn too_small(area: Rect, buf: &mut Buffer, theme: &Theme) {
    let text = format!(
        "Enlarge the terminal to at least {MIN_W}×{MIN_H} (now {}×{}).",
        area.width, area.height
    );
    Paragraph::new(text)
        .style(theme.warn)
        .wrap(Wrap { trim: true })
        .render(area, buf);
}

/// The footer: a status message, then the current screen's main keys (clickable).
fn footer(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let mut x = area.x;
    let right = area.right();
    if let Some(s) = &app.status {
        // A message is read whole: it takes the line it needs, keys after it.
        let w = (s.chars().count() as u16 + 2).min(area.width);
        buf.set_stringn(x, area.y, format!("{s}  "), w as usize, t.warn);
        x += w;
    }
    let scope = app.scope();
    // While an AI seat moves, the keys that act on the draft do nothing: show the ones that do.
    let waiting = match &app.screen {
        Screen::Game(p) => scope == Scope::Table && p.human_to_move().is_none(),
        _ => false,
    };
    // A message that asks a question is answered with y or n.
    let asking = matches!(
        app.popups.last(),
        Some(super::app::Popup::Message {
            confirm: Some(_),
            ..
        })
    );
    for b in Keymap::bindings(scope) {
        use super::keys::Command as C;
        let label = match (waiting, asking, b.command) {
            (true, _, C::Skip) => "skip AI moves",
            (true, _, C::Map) => "map",
            (true, _, C::Accept | C::Reject | C::Amend | C::Strike | C::Confirm) => "",
            (_, true, C::Yes) => "yes",
            (_, true, C::No) => "no",
            (_, true, C::Confirm | C::Back) => "",
            _ => b.footer,
        };
        if label.is_empty() {
            continue;
        }
        let Some(key) = app.keys.keys(b.command).first().map(|k| k.to_string()) else {
            continue;
        };
        let w = (key.chars().count() + label.chars().count() + 3) as u16;
        if x + w > right {
            break;
        }
        buf.set_string(x, area.y, format!(" {key} "), t.key);
        let kx = x + key.chars().count() as u16 + 2;
        buf.set_string(kx, area.y, format!("{label} "), t.dim);
        app.hits
            .borrow_mut()
            .push((Rect::new(x, area.y, w, 1), Hit::Key(b.command)));
        x += w + 1;
    }
}

/// A bordered block with a title, highlighted when focused.
/// The focused pane is drawn with a double border and a `▶` before its
/// title, so focus never rests on colour alone.
pub fn block<'a>(theme: &Theme, title: impl Into<String>, focused: bool) -> Block<'a> {
    let title = title.into();
    if focused {
        Block::bordered()
            .border_type(ratatui::widgets::BorderType::Double)
            .border_style(theme.border_focus)
            .title(Line::from(Span::styled(format!("▶ {title} "), theme.title)))
    } else {
        Block::bordered()
            .border_style(theme.border)
            .title(Line::from(Span::styled(format!(" {title} "), theme.title)))
    }
}

/// A rectangle of at most `w`×`h` centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Record a click target.
pub fn hit(app: &App, r: Rect, h: Hit) {
    app.hits.borrow_mut().push((r, h));
}

/// Cut a string to `n` characters, with an ellipsis when cut.
pub fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    if n == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(n - 1).collect();
    out.push('…');
    out
}

/// A horizontal bar of `w` cells filled to `ratio` (text, so it survives NO_COLOR).
pub fn bar(ratio: f64, w: usize) -> String {
    let r = if ratio.is_finite() {
        ratio.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let full = (r * w as f64).round() as usize;
    "█".repeat(full.min(w)) + &"░".repeat(w - full.min(w))
}

/// A signed number with a true minus sign.
/// A value that rounds to zero is written `0.0`, never `−0.0`.
pub fn signed(v: f64, prec: usize) -> String {
    let s = format!("{v:+.prec$}");
    if s[1..].chars().all(|c| c == '0' || c == '.') {
        return s[1..].to_string();
    }
    s.replace('-', "−")
}

/// Draw a line of spans clipped to the area's row.
pub fn line(buf: &mut Buffer, area: Rect, row: u16, spans: Vec<Span>, style: Style) {
    if row >= area.height {
        return;
    }
    let y = area.y + row;
    buf.set_style(Rect::new(area.x, y, area.width, 1), style);
    buf.set_line(area.x, y, &Line::from(spans), area.width);
}

/// The scope under the top popup (for the help popup).
pub fn scope_below(app: &App, index: usize) -> Scope {
    if index > 0 {
        return app.popups[index - 1].scope();
    }
    match &app.screen {
        Screen::Title { .. } => Scope::Title,
        Screen::Setup(_) => Scope::Setup,
        Screen::Resume { .. } => Scope::Resume,
        Screen::Game(p) => p.scope(),
    }
}
