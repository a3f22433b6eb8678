//! The event loop for the process's own terminal: block on input (with a
//! timeout only while an AI seat is due to move), update, carry out effects,
//! draw. No busy loop: with nothing to do, it sleeps in `event::read`.

use super::app::{App, Effect, Msg, Popup};
use crossterm::event::{
    self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};
use ratatui::Terminal;
use ratatui::backend::Backend;
use std::io;

/// Run the app until it quits.
pub fn run<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    first: Vec<Effect>,
) -> io::Result<()>
where
    B::Error: Into<io::Error>,
{
    for e in first {
        if carry_out(app, e) {
            return Ok(());
        }
    }
    let size = terminal.size().map_err(Into::into)?;
    app.update(Msg::Resize {
        w: size.width,
        h: size.height,
    });
    loop {
        if super::terminal::take_resumed() {
            // Back from a stop: the shell has used the screen meanwhile. Clear
            // it and draw a blank frame, so that the next one is drawn whole.
            // (Terminal::clear would ask the terminal for its cursor position
            // and fail where no answer comes.)
            terminal.backend_mut().clear().map_err(Into::into)?;
            terminal.draw(|_| {}).map_err(Into::into)?;
        }
        terminal
            .draw(|f| f.render_widget(&*app, f.area()))
            .map_err(Into::into)?;
        let msg = loop {
            let ev = match app.tick_after() {
                Some(d) if !event::poll(d)? => break Msg::Tick,
                _ => event::read()?,
            };
            match ev {
                // Ctrl-Z stops the process as in any terminal program (raw mode
                // makes it a key instead of a signal).
                Event::Key(k) if is_suspend(&k) && super::terminal::held() => {
                    super::terminal::suspend();
                    continue;
                }
                Event::Key(k) => break Msg::Key(k),
                Event::Resize(w, h) => break Msg::Resize { w, h },
                Event::Mouse(m) => match m.kind {
                    MouseEventKind::Down(MouseButton::Left) => {
                        break Msg::Click {
                            x: m.column,
                            y: m.row,
                        };
                    }
                    MouseEventKind::ScrollUp => break Msg::Scroll { up: true },
                    MouseEventKind::ScrollDown => break Msg::Scroll { up: false },
                    _ => continue,
                },
                _ => continue,
            }
        };
        let fx = app.update(msg);
        // Writing the debrief takes seconds (it searches the deal space):
        // show that it is under way before the screen waits for it.
        if fx.iter().any(|e| matches!(e, Effect::Export(..))) {
            terminal
                .draw(|f| f.render_widget(&*app, f.area()))
                .map_err(Into::into)?;
        }
        for e in fx {
            if carry_out(app, e) {
                return Ok(());
            }
        }
    }
}

/// Ctrl-Z.
fn is_suspend(k: &KeyEvent) -> bool {
    k.kind == KeyEventKind::Press
        && k.code == KeyCode::Char('z')
        && k.modifiers.contains(KeyModifiers::CONTROL)
}

/// Carry out one effect; true means quit.
pub fn carry_out(app: &mut App, e: Effect) -> bool {
    match e {
        Effect::Quit => return true,
        Effect::Save(path, mut save) => {
            // A file scenario is recorded by its full path, so `resume` finds
            // it from any folder (the app itself never looks at files).
            save.source = crate::save::absolute_source(&save.source);
            app.save_failed = save.write(&path).err().map(|err| err.to_string());
        }
        Effect::SaveNew(path, mut save) => {
            save.source = crate::save::absolute_source(&save.source);
            let path = crate::save::claim_new(path);
            app.save_failed = save.write(&path).err().map(|err| err.to_string());
            if app.save_failed.is_none() {
                app.update(Msg::SavedAs(path));
            }
        }
        Effect::Export(path, mut save) => {
            save.source = crate::save::absolute_source(&save.source);
            let text = match export(&path, &save) {
                Ok((html, md)) => format!(
                    "The debrief is written:\n  {}\n  {}\nThe game is saved in\n  {}\nCompare tables with\n  backchannel report SAVE SAVE… --format html",
                    html.display(),
                    md.display(),
                    path.display()
                ),
                Err(err) => format!("Cannot write the debrief: {err}"),
            };
            app.popups.push(Popup::Message {
                title: "Debrief".into(),
                text,
                confirm: None,
            });
        }
    }
    false
}

/// Write the save, then its debrief as HTML and Markdown beside it.
fn export(
    path: &std::path::Path,
    save: &crate::save::Save,
) -> Result<(std::path::PathBuf, std::path::PathBuf), String> {
    use crate::report::{Format, load_table, write_report};
    let html = path.with_extension("html");
    let md = path.with_extension("md");
    // The debrief goes beside the save under the same name: never over it.
    let over_save = |out: &std::path::Path| out == path || crate::files::same_file(out, path);
    let refuse = |out: &std::path::Path| {
        format!(
            "{} would be overwritten by its own debrief {}; save the game under a name ending in .ron (backchannel play --save FILE.ron)",
            path.display(),
            out.display()
        )
    };
    if let Some(out) = [&html, &md].into_iter().find(|o| over_save(o)) {
        return Err(refuse(out));
    }
    save.write(path).map_err(|e| e.to_string())?;
    let table = load_table(path).map_err(|e| e.to_string())?;
    for (format, out) in [(Format::Html, &html), (Format::Md, &md)] {
        if over_save(out) {
            return Err(refuse(out));
        }
        write_report(std::slice::from_ref(&table), format, Some(out)).map_err(|e| e.to_string())?;
    }
    Ok((html, md))
}

/// The time now as RFC 3339 (UTC), from the system clock.
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    rfc3339(secs)
}

/// Seconds since the Unix epoch as RFC 3339 (UTC).
pub fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}
