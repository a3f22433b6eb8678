//! The process's own terminal: raw mode, the alternate screen and mouse on
//! the way in; all of it undone on every way out (quit, error, panic,
//! SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT), and while the process is
//! stopped (Ctrl-Z or SIGTSTP, then `fg`).

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io::{self, Stdout};
use std::sync::atomic::{AtomicBool, Ordering};

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Whether the app holds the terminal (between `init` and `restore`).
static HELD: AtomicBool = AtomicBool::new(false);

/// Set when the process is continued after a stop; the event loop then
/// redraws the whole screen.
static RESUMED: AtomicBool = AtomicBool::new(false);

/// Whether the app holds the process's terminal (so Ctrl-Z may stop it).
pub fn held() -> bool {
    HELD.load(Ordering::SeqCst)
}

/// Whether the process was continued since the last call (the screen must
/// then be drawn whole: the shell has used it meanwhile).
pub fn take_resumed() -> bool {
    RESUMED.swap(false, Ordering::SeqCst)
}

/// Put the terminal back as it was. Safe to call more than once.
pub fn restore() {
    HELD.store(false, Ordering::SeqCst);
    leave();
}

/// Stop the process as Ctrl-Z does in a shell: the terminal is restored
/// first, and taken back (and redrawn) when the process is continued.
pub fn suspend() {
    let _ = signal_hook::low_level::raise(signal_hook::consts::SIGTSTP);
}

/// Raw mode off, the main screen back, the cursor shown.
fn leave() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

/// Take over the terminal, with a panic hook and signal handlers that restore it.
pub fn init() -> io::Result<Term> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
    watch_signals()?;
    HELD.store(true, Ordering::SeqCst);
    if let Err(e) = enter() {
        restore();
        return Err(e);
    }
    match Terminal::new(CrosstermBackend::new(io::stdout())) {
        Ok(t) => Ok(t),
        Err(e) => {
            restore();
            Err(e)
        }
    }
}

/// Raw mode on (again: the shell may have reset the terminal while the
/// process was stopped), the alternate screen and the mouse.
fn enter() -> io::Result<()> {
    disable_raw_mode()?;
    enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen, EnableMouseCapture)
}

/// On SIGINT, SIGTERM, SIGHUP, SIGQUIT or SIGABRT: restore the terminal, stop
/// any bot and exit. The game is saved after every action, so nothing but the
/// last keypress is lost. On SIGTSTP: restore the terminal, then stop; on
/// SIGCONT: take the terminal back and have the event loop redraw.
fn watch_signals() -> io::Result<()> {
    use signal_hook::consts::{
        SIGABRT, SIGCONT, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP, SIGWINCH,
    };
    let mut signals = signal_hook::iterator::Signals::new([
        SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGTSTP, SIGCONT,
    ])?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for sig in signals.forever() {
                match sig {
                    SIGTSTP => {
                        if held() {
                            leave();
                        }
                        // Stops here until continued (as SIGTSTP's default would).
                        let _ = signal_hook::low_level::emulate_default_handler(SIGTSTP);
                    }
                    SIGCONT => {
                        if held() && enter().is_ok() {
                            RESUMED.store(true, Ordering::SeqCst);
                            // Wakes the event loop (crossterm reports a resize).
                            let _ = signal_hook::low_level::raise(SIGWINCH);
                        }
                    }
                    _ => {
                        crate::runner::exec::stop_all();
                        restore();
                        std::process::exit(128 + sig);
                    }
                }
            }
        })?;
    Ok(())
}
