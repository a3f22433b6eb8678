//! The key table: the shipped files load, every command has a key, and the
//! docs list every key.

use backchannel::tui::keys::{BINDINGS, Command, Keymap};
use backchannel::tui::theme::{DEFAULT_THEME, Theme};

#[test]
fn shipped_keys_load_and_bind_every_command() {
    let k = Keymap::with_patch("none", "{}").expect("assets/keys.ron parses");
    for &c in Command::ALL {
        assert!(!k.keys(c).is_empty(), "{c:?} has no key in assets/keys.ron");
    }
}

#[test]
fn shipped_theme_loads() {
    let mut t = Theme::default();
    t.patch("assets/theme.ron", DEFAULT_THEME)
        .expect("assets/theme.ron parses");
}

#[test]
fn user_patch_replaces_a_command() {
    let k = Keymap::with_patch("mine", r#"{"accept": ["y"]}"#).unwrap();
    assert_eq!(k.label(Command::Accept), "y");
    assert!(Keymap::with_patch("bad", r#"{"nope": ["y"]}"#).is_err());
}

#[test]
fn docs_list_every_key_of_the_table() {
    let doc = std::fs::read_to_string("docs/UI.md").expect("docs/UI.md");
    let table = backchannel::tui::keys::markdown(&Keymap::default());
    if !doc.contains(&table) {
        let _ = std::fs::write("target/UI-keys.md", &table);
        panic!(
            "docs/UI.md does not embed the key table; the current table is in target/UI-keys.md"
        );
    }
    let k = Keymap::default();
    for b in BINDINGS {
        assert!(doc.contains(&format!("`{}`", k.label(b.command))));
    }
}
