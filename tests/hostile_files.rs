//! Hostile files (issue 11, "Output files" and "Inputs"): symlinks, FIFOs,
//! folders, paths under a regular file, endless streams, huge numbers.
//!
//! Every special file is made inside the test's own temporary folder; the
//! machine's `/dev` is never touched. Tests run as root, so a write error is
//! provoked by something that fails even for root: a FIFO with no reader, a
//! path under a regular file, a folder as the target, a read-only descriptor
//! as stdout.

mod common;

use backchannel::save::Save;
use backchannel::tui::app::{App, Effect, Msg, Settings};
use backchannel::tui::keys::Keymap;
use backchannel::tui::theme::Theme;
use common::{ORCHARD, scratch};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::io::{Read, Write};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_backchannel");

fn bin() -> Command {
    let mut c = Command::new(BIN);
    c.stdin(Stdio::null());
    c
}

/// Run to the end, or fail the test after `secs` (killing the child): a
/// command that hangs is a failure, not a hung test suite.
fn finish_within(mut child: Child, secs: u64, what: &str) -> Output {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {secs} s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn run(args: &[&str], secs: u64) -> Output {
    let child = bin()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    finish_within(child, secs, &args.join(" "))
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo")
        .success();
    assert!(ok, "mkfifo {}", path.display());
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

// ---------------------------------------------------------------- outputs

#[test]
fn out_through_a_symlink_writes_its_target_and_keeps_the_link() {
    let d = scratch("hf-symlink");
    let target = d.join("real.txt");
    std::fs::write(&target, "old").unwrap();
    let link = d.join("link.txt");
    std::os::unix::fs::symlink("real.txt", &link).unwrap();
    let o = run(&["run", "tutorial", "--out", s(&link)], 60);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link is still a link"
    );
    let text = std::fs::read_to_string(&target).unwrap();
    assert!(text.starts_with("Tutorial"), "{text}");
}

#[test]
fn out_to_a_fifo_with_a_reader_is_written_in_place() {
    let d = scratch("hf-fifo-reader");
    let fifo = d.join("pipe");
    mkfifo(&fifo);
    // Read and write end both held here (Linux opens a FIFO read-write
    // without blocking), so the binary finds a reader; non-blocking, so an
    // empty FIFO fails the test instead of hanging it.
    let mut reader = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(&fifo)
        .unwrap();
    let o = run(&["run", "tutorial", "--out", s(&fifo)], 60);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut buf = vec![0; 1 << 16];
    let n = reader
        .read(&mut buf)
        .expect("the transcript is in the FIFO");
    let text = String::from_utf8_lossy(&buf[..n]);
    assert!(text.starts_with("Tutorial"), "{text}");
    assert!(
        std::fs::metadata(&fifo).unwrap().file_type().is_fifo(),
        "the FIFO is still a FIFO, not replaced by a file"
    );
}

#[test]
fn out_to_a_fifo_with_no_reader_fails_with_exit_1_and_the_reason() {
    let d = scratch("hf-fifo-noreader");
    let fifo = d.join("pipe");
    mkfifo(&fifo);
    let o = run(&["run", "tutorial", "--out", s(&fifo)], 60);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(e.contains(s(&fifo)) && e.contains("no reader"), "{e}");
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
}

#[test]
fn stale_temp_files_of_a_killed_run_are_removed_at_the_next_write() {
    let d = scratch("hf-stale");
    let out = d.join("out.txt");
    // A temporary file of a run whose process is gone (no pid is this large).
    let stale = d.join(".out.txt.bctmp-2147483632-0123456789abcdef");
    std::fs::write(&stale, "half").unwrap();
    let unrelated = d.join(".notes.txt.bctmp-2147483632-0123456789abcdef");
    std::fs::write(&unrelated, "keep").unwrap();
    let o = run(&["run", "tutorial", "--out", s(&out)], 60);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stale.exists(), "the stale temporary file is removed");
    assert!(unrelated.exists(), "another target's file is left alone");
    let names: Vec<_> = std::fs::read_dir(&d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "no temporary file left behind: {names:?}");
}

#[test]
fn a_symlink_planted_at_the_old_predictable_temp_name_is_not_followed() {
    let d = scratch("hf-planted");
    let victim = d.join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    let target = d.join("out.txt");
    // The name the first release used: `.NAME.PID.tmp`.
    let planted = d.join(format!(".out.txt.{}.tmp", std::process::id()));
    std::os::unix::fs::symlink(&victim, &planted).unwrap();
    backchannel::save::write_atomic(&target, b"new").unwrap();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
    assert!(
        !std::fs::symlink_metadata(&target)
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn a_missing_output_folder_is_named_and_not_created() {
    let d = scratch("hf-missing");
    let out = d.join("missing/deep/x.txt");
    let o = run(&["run", "tutorial", "--out", s(&out)], 60);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(
        e.contains(&format!(
            "the folder {} does not exist",
            d.join("missing/deep").display()
        )),
        "{e}"
    );
    assert!(!d.join("missing").exists(), "nothing is created");
}

#[test]
fn an_output_under_a_regular_file_is_refused_before_the_game() {
    let d = scratch("hf-under-file");
    let file = d.join("file");
    std::fs::write(&file, "x").unwrap();
    let out = d.join("file/x.txt");
    for args in [
        vec!["run", "tutorial", "--out", s(&out)],
        vec!["run", "tutorial", "--save", s(&out)],
    ] {
        let o = run(&args, 60);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {e}");
        assert!(
            e.contains(&format!("{} is not a folder", file.display())),
            "{e}"
        );
    }
}

#[test]
fn an_output_name_ending_in_a_slash_is_refused_before_the_work() {
    let d = scratch("hf-out-slash");
    let target = format!("{}/", s(&d.join("new")));
    for args in [
        vec!["run", "tutorial", "--out", &target],
        vec!["run", "tutorial", "--save", &target],
        vec!["sweep", "tutorial", "--runs", "1", "--csv", &target],
    ] {
        let o = run(&args, 60);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("names a folder"), "{}", stderr(&o));
    }
    assert!(!d.join("new").exists());
}

#[test]
fn a_folder_as_the_output_is_refused() {
    let d = scratch("hf-folder-target");
    let o = run(&["run", "tutorial", "--out", s(&d)], 60);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("is a folder"), "{e}");
}

#[test]
fn sweep_csv_path_is_checked_before_the_sweep_starts() {
    let d = scratch("hf-sweep-csv");
    std::fs::write(d.join("file"), "x").unwrap();
    let csv = d.join("file/x.csv");
    // A sweep this long would take minutes; the refusal comes at once.
    let o = run(
        &["sweep", "tutorial", "--runs", "100000000", "--csv", s(&csv)],
        20,
    );
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("x.csv") && e.contains("not a folder"), "{e}");
}

/// A finished game saved by `run --save`, and its folder.
fn saved_game(name: &str) -> (PathBuf, PathBuf) {
    let d = scratch(name);
    let save = d.join("s.ron");
    let o = run(&["run", "tutorial", "--save", s(&save)], 60);
    assert!(o.status.success(), "{}", stderr(&o));
    (d, save)
}

#[test]
fn report_out_is_checked_before_the_saves_are_read() {
    let (d, save) = saved_game("hf-report-out");
    std::fs::write(d.join("file"), "x").unwrap();
    let o = run(&["report", s(&save), "--out", s(&d.join("file/r.md"))], 60);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn run_refuses_to_save_over_its_scenario() {
    let d = scratch("hf-save-over-scenario");
    let scen = d.join("my.ron");
    std::fs::copy("scenarios/tutorial.ron", &scen).unwrap();
    let before = std::fs::read(&scen).unwrap();
    let hard = d.join("hard.ron");
    std::fs::hard_link(&scen, &hard).unwrap();
    for flag in ["--save", "--out"] {
        for out in [&scen, &hard] {
            let o = run(&["run", s(&scen), flag, s(out)], 60);
            let e = stderr(&o);
            assert_eq!(o.status.code(), Some(2), "{flag} {}: {e}", out.display());
            assert!(e.contains("is also the scenario"), "{e}");
        }
    }
    assert_eq!(
        std::fs::read(&scen).unwrap(),
        before,
        "the scenario is intact"
    );
}

#[test]
fn run_refuses_the_same_file_for_out_and_save() {
    let d = scratch("hf-out-save");
    let f = d.join("x.ron");
    let o = run(&["run", "tutorial", "--out", s(&f), "--save", s(&f)], 60);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!f.exists());
}

#[test]
fn out_and_save_spelt_differently_are_still_one_file() {
    let d = scratch("hf-out-save-spelt");
    std::fs::create_dir(d.join("sub")).expect("sub");
    let f = d.join("x.ron");
    // Neither exists yet: the paths differ, the file they land on does not.
    for other in [
        d.join(".").join("x.ron"),
        d.join("sub").join("..").join("x.ron"),
    ] {
        let o = run(
            &["run", "tutorial", "--out", s(&f), "--save", s(&other)],
            60,
        );
        assert_eq!(
            o.status.code(),
            Some(2),
            "{}: {}",
            other.display(),
            stderr(&o)
        );
        assert!(
            stderr(&o).contains("is also the --out file"),
            "{}",
            stderr(&o)
        );
        assert!(!f.exists(), "{} was written", f.display());
    }
}

#[test]
fn report_refuses_to_write_over_its_save() {
    let (_d, save) = saved_game("hf-report-over-save");
    let before = std::fs::read(&save).unwrap();
    let o = run(&["report", s(&save), "--out", s(&save)], 60);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("is also a save"), "{e}");
    assert_eq!(std::fs::read(&save).unwrap(), before);
}

fn test_app(settings: Settings) -> App {
    App::new(Theme::mono(), Keymap::default(), settings)
}

fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn screen_text(app: &App) -> String {
    let mut t = Terminal::new(TestBackend::new(100, 30)).unwrap();
    t.draw(|f| f.render_widget(app, f.area())).unwrap();
    let buf = t.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

#[test]
fn tui_export_never_writes_the_debrief_over_a_save_named_html() {
    let d = scratch("hf-export-html");
    let path = d.join("game.html");
    let model = common::model(ORCHARD);
    let game = common::play(model, 3, 0.5);
    let save = common::save(&game, ORCHARD);
    let mut app = test_app(Settings::default());
    backchannel::tui::run::carry_out(&mut app, Effect::Export(path.clone(), Box::new(save)));
    let text = format!("{:?}", app.popups.last());
    assert!(text.contains("overwritten by its own debrief"), "{text}");
    assert!(!path.exists(), "nothing written");
}

#[test]
fn autosave_failure_shows_a_banner_and_the_quit_dialog_does_not_say_saved() {
    let d = scratch("hf-autosave");
    std::fs::write(d.join("file"), "x").unwrap();
    let mut app = test_app(Settings {
        autosave: true,
        save_path: Some(d.join("file/game.ron")),
        ai_delay: Duration::ZERO,
        seed: 7,
        benchmarks: false,
    });
    for _ in 0..2 {
        for e in key(&mut app, KeyCode::Enter) {
            backchannel::tui::run::carry_out(&mut app, e);
        }
    }
    assert!(app.save_failed.is_some(), "the failed write is recorded");
    let screen = screen_text(&app);
    assert!(screen.contains("SAVING FAILED"), "{screen}");
    key(&mut app, KeyCode::Char('q'));
    let screen = screen_text(&app);
    assert!(screen.contains("NOT saved"), "{screen}");
    assert!(!screen.contains("The game is saved"), "{screen}");
}

#[test]
fn play_save_over_an_existing_finished_game_needs_force() {
    let (_d, save) = saved_game("hf-play-force");
    let before = std::fs::read(&save).unwrap();
    // Refused before the terminal is opened.
    let o = run(&["play", "tutorial", "--save", s(&save)], 60);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(
        e.contains("a finished game") && e.contains("--force"),
        "{e}"
    );
    assert_eq!(std::fs::read(&save).unwrap(), before);
    // With --force the same check lets it through.
    backchannel::cli::play::check_save_target(&save, "tutorial", true).expect("forced");
}

#[test]
fn play_refuses_to_save_over_its_scenario() {
    let d = scratch("hf-play-scenario");
    let scen = d.join("my.ron");
    std::fs::copy("scenarios/tutorial.ron", &scen).unwrap();
    let o = run(&["play", s(&scen), "--save", s(&scen), "--force"], 60);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("is also the scenario"), "{e}");
}

#[test]
fn default_save_names_never_collide() {
    let d = scratch("hf-claim");
    let name = d.join("plan28-2025-11-21T12-00-00Z.ron");
    let first = backchannel::save::claim_new(name.clone());
    let second = backchannel::save::claim_new(name.clone());
    assert_eq!(first, name);
    assert_ne!(first, second, "two games in the same second");
    assert!(first.exists() && second.exists());
}

// ---------------------------------------------------------------- stdout

/// A full pipe in non-blocking mode as stdout: every write fails (EAGAIN),
/// even for root. (A read-only descriptor would not do: Rust's stdout treats
/// EBADF as a closed stdout and drops the text silently.) The read end is
/// returned too, so the pipe stays open.
fn full_pipe_stdout() -> (Stdio, std::fs::File) {
    use std::os::fd::FromRawFd;
    let mut fds = [0; 2];
    // SAFETY: plain system calls on descriptors this test owns.
    unsafe {
        assert_eq!(libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC), 0);
        let flags = libc::fcntl(fds[1], libc::F_GETFL);
        assert_eq!(
            libc::fcntl(fds[1], libc::F_SETFL, flags | libc::O_NONBLOCK),
            0
        );
    }
    // SAFETY: both descriptors were just made and are owned once each.
    let (read, mut write) = unsafe {
        (
            std::fs::File::from_raw_fd(fds[0]),
            std::fs::File::from_raw_fd(fds[1]),
        )
    };
    let chunk = [b'x'; 4096];
    while write.write(&chunk).is_ok() {}
    (Stdio::from(write), read)
}

#[test]
fn a_failed_write_to_stdout_is_exit_1_with_a_message() {
    for args in [
        vec!["run", "tutorial"],
        vec!["check", ORCHARD],
        vec!["scenarios"],
        vec!["--help"],
        vec!["--version"],
    ] {
        let (stdout, _read_end) = full_pipe_stdout();
        let child = bin()
            .args(&args)
            .stdout(stdout)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let o = finish_within(child, 60, &args.join(" "));
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {e}");
        assert!(e.contains("cannot write to stdout"), "{args:?}: {e}");
    }
}

#[test]
fn a_closed_pipe_on_stdout_ends_quietly() {
    for args in [vec!["run", "plan28"], vec!["--help"]] {
        let mut child = bin()
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Like `| head -c 0`: the reader goes away at once.
        drop(child.stdout.take());
        let o = finish_within(child, 60, &args.join(" "));
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {e}");
        assert!(!e.contains("panicked"), "{e}");
    }
}

// ---------------------------------------------------------------- inputs

#[test]
fn a_fifo_with_no_writer_is_read_as_empty_not_waited_on() {
    let d = scratch("hf-fifo-in");
    let fifo = d.join("in.ron");
    mkfifo(&fifo);
    for args in [
        vec!["check", s(&fifo)],
        vec!["run", "tutorial", "--script", s(&fifo)],
        vec!["resume", s(&fifo)],
    ] {
        let o = run(&args, 20);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {e}");
        assert!(e.contains("in.ron"), "{e}");
    }
}

/// A FIFO fed endlessly by a thread, like `/dev/zero`.
fn endless_fifo(d: &Path) -> PathBuf {
    let fifo = d.join("endless.ron");
    mkfifo(&fifo);
    // The writing end is open before the program runs (read-write, which
    // does not wait for a reader): the program, which opens a FIFO without
    // waiting for a writer, must never find it writer-less and read it as
    // empty. The writer then fills the pipe as fast as it is read; once the
    // program has gone it blocks on a full pipe until this test process ends.
    let mut w = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&fifo)
        .expect("open the FIFO's writing end");
    std::thread::spawn(move || {
        let chunk = vec![b' '; 1 << 16];
        while w.write_all(&chunk).is_ok() {}
    });
    fifo
}

#[test]
fn an_endless_scenario_stream_is_refused_at_the_size_limit() {
    let d = scratch("hf-endless-scenario");
    let fifo = endless_fifo(&d);
    let o = run(&["check", s(&fifo)], 30);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("larger than 4194304 bytes"), "{e}");
}

#[test]
fn an_endless_script_stream_is_refused_at_the_size_limit() {
    let d = scratch("hf-endless-script");
    let fifo = endless_fifo(&d);
    let o = run(&["run", "tutorial", "--script", s(&fifo)], 30);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("larger than"), "{e}");
}

#[test]
fn report_of_a_save_whose_source_is_an_endless_stream_is_refused() {
    let (d, save) = saved_game("hf-endless-source");
    let fifo = endless_fifo(&d);
    let mut s0 = Save::read(&save).unwrap();
    s0.source = fifo.display().to_string();
    s0.write(&save).unwrap();
    let o = run(&["report", s(&save)], 30);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("larger than"), "{e}");
}

#[test]
fn a_scripted_deadline_pushed_past_round_1000_is_refused_for_that_reason() {
    let d = scratch("hf-deadline-far");
    let script = d.join("far.ron");
    std::fs::write(
        &script,
        "(rounds: [(round: 1, moves: [MoveDeadline(rounds: 2147483647)])])",
    )
    .expect("script");
    let o = run(&["run", ORCHARD, "--script", s(&script)], 60);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("round 1000") && !e.contains("before"), "{e}");
}

#[test]
fn saves_have_a_size_and_an_action_limit() {
    let model = common::model(ORCHARD);
    let game = common::play(model, 3, 0.5);
    let mut save = common::save(&game, ORCHARD);
    let one = save.actions[0].clone();
    save.actions = vec![one; backchannel::save::MAX_SAVE_ACTIONS + 1];
    let text = save.to_text();
    let e = Save::parse("big.ron", text.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(e.contains("big.ron") && e.contains("actions"), "{e}");
    let huge = vec![b' '; backchannel::save::MAX_SAVE_BYTES + 1];
    let e = Save::parse("huge.ron", &huge).unwrap_err().to_string();
    assert!(e.contains("huge.ron") && e.contains("larger than"), "{e}");
}

fn orchard() -> String {
    std::fs::read_to_string(ORCHARD).unwrap()
}

fn check_text(name: &str, text: &str) -> Output {
    let d = scratch(name);
    let f = d.join("s.ron");
    std::fs::write(&f, text).unwrap();
    run(&["check", s(&f)], 30)
}

#[test]
fn huge_numbers_are_refused_with_their_field_path() {
    let text = orchard().replacen("\"north\": 6,", "\"north\": 1e308,", 1);
    assert_ne!(text, orchard());
    let o = check_text("hf-huge", &text);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(
        e.contains("utility.north: 1e308 is too large"),
        "the field path and the value: {e}"
    );
}

#[test]
fn party_colours_are_validated() {
    let text = orchard().replacen("colour: \"green\"", "colour: \"blurple\"", 1);
    let o = check_text("hf-colour", &text);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(
        e.contains("parties[0].colour: unknown colour 'blurple'"),
        "{e}"
    );
}

#[test]
fn deep_nesting_is_reported_as_the_files_problem() {
    let deep = format!(
        "crossed_if: {}Always{}",
        "Not(".repeat(300),
        ")".repeat(300)
    );
    let text = orchard().replacen("crossed_if: Variant(\"split\", \"equal\")", &deep, 1);
    assert_ne!(text, orchard());
    let o = check_text("hf-deep", &text);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(
        e.contains("s.ron:") && e.contains("nested too deeply"),
        "{e}"
    );
    assert!(!e.contains("ron::Options"), "{e}");
}

#[test]
fn a_utf8_byte_order_mark_is_accepted() {
    let o = check_text("hf-bom", &format!("\u{feff}{}", orchard()));
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn a_file_named_like_a_bundled_id_does_not_shadow_it() {
    let d = scratch("hf-shadow");
    std::fs::write(d.join("plan28"), "not a scenario").unwrap();
    std::fs::create_dir(d.join("tutorial")).unwrap();
    let in_dir = |args: &[&str]| {
        let child = bin()
            .args(args)
            .current_dir(&d)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        finish_within(child, 60, &args.join(" "))
    };
    // Bare names are bundled ids in every command.
    for args in [
        vec!["check", "plan28"],
        vec!["check", "tutorial"],
        vec!["run", "tutorial"],
    ] {
        let o = in_dir(&args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    }
    // A '/' makes it a path.
    let o = in_dir(&["check", "./plan28"]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("./plan28:1:"), "{e}");
    let o = in_dir(&["run", "./tutorial"]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("folder"), "{e}");
    // An unknown bare name says how to give a path.
    let o = in_dir(&["run", "nosuch"]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("./nosuch"), "{e}");
}

/// A folder the user may not write to, made by the test (root writes
/// anywhere, so as root the run is started as `nobody`): refused before the
/// game, exit 2, naming the folder, and nothing left in it.
#[test]
fn a_read_only_folder_is_refused_before_the_game() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let d = scratch("hf-read-only");
    let ro = d.join("ro");
    std::fs::create_dir_all(&ro).expect("folder");
    std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    let target = ro.join("out.txt");
    let mut cmd = bin();
    cmd.args(["run", "tutorial", "--out"]).arg(&target);
    // SAFETY: geteuid only reads the process's user id.
    if unsafe { libc::geteuid() } == 0 {
        cmd.uid(65534).gid(65534);
    }
    let out = cmd.output().expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(&ro.display().to_string()), "{err}");
    assert!(out.stdout.is_empty(), "no game was played");
    assert_eq!(std::fs::read_dir(&ro).expect("list").count(), 0);
}
