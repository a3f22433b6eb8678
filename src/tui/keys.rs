//! The one key table. [`BINDINGS`] says which commands each screen answers
//! and what they do there; the keys come from `assets/keys.ron`, patched by
//! the user's own `keys.ron`. The handler, the footer and the help popup all
//! read the same [`Keymap`], so they can never disagree.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;
use std::fmt;

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Command {
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    NextPane,
    PrevPane,
    Confirm,
    Back,
    Quit,
    Help,
    Accept,
    Reject,
    Amend,
    Strike,
    Undo,
    Why,
    Map,
    Brief,
    Diplomacy,
    CallVote,
    WalkOut,
    Skip,
    Facilitator,
    Projector,
    Setup,
    OpenPath,
    Yes,
    No,
    Export,
    Advise,
    Toggle,
    Suggest,
    Package,
    Condition,
    Remove,
    Clear,
    Latest,
    AcceptAll,
}

impl Command {
    /// The command's name in `keys.ron` (snake_case).
    pub fn name(self) -> String {
        let debug = format!("{self:?}");
        let mut out = String::new();
        for (i, ch) in debug.chars().enumerate() {
            if ch.is_ascii_uppercase() && i > 0 {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
        }
        out
    }

    /// Every command, in the order of `assets/keys.ron`.
    pub const ALL: &'static [Command] = &[
        Command::Up,
        Command::Down,
        Command::Left,
        Command::Right,
        Command::PageUp,
        Command::PageDown,
        Command::NextPane,
        Command::PrevPane,
        Command::Confirm,
        Command::Back,
        Command::Quit,
        Command::Help,
        Command::Accept,
        Command::Reject,
        Command::Amend,
        Command::Strike,
        Command::Undo,
        Command::Why,
        Command::Map,
        Command::Brief,
        Command::Diplomacy,
        Command::CallVote,
        Command::WalkOut,
        Command::Skip,
        Command::Facilitator,
        Command::Projector,
        Command::Setup,
        Command::OpenPath,
        Command::Yes,
        Command::No,
        Command::Export,
        Command::Advise,
        Command::Toggle,
        Command::Suggest,
        Command::Package,
        Command::Condition,
        Command::Remove,
        Command::Clear,
        Command::Latest,
        Command::AcceptAll,
    ];
}

/// Where the keyboard is: a screen or the popup on top of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Title,
    OpenPath,
    Setup,
    Resume,
    Briefing,
    Handover,
    Table,
    Map,
    End,
    Help,
    Quit,
    Variants,
    Why,
    Card,
    Vote,
    Diplomacy,
    Facilitator,
    Message,
    Revision,
    Package,
    Condition,
    Pin,
    Projector,
    Summary,
}

impl Scope {
    /// The name shown in the help popup and the docs.
    pub fn name(self) -> &'static str {
        match self {
            Scope::Title => "Title",
            Scope::OpenPath => "Open a scenario file",
            Scope::Setup => "Seat setup",
            Scope::Resume => "Resume",
            Scope::Briefing => "Briefing",
            Scope::Handover => "Hand-over",
            Scope::Table => "The table",
            Scope::Map => "Map",
            Scope::End => "End",
            Scope::Help => "Help",
            Scope::Quit => "Quit?",
            Scope::Variants => "Amend: choose a wording",
            Scope::Why => "Why",
            Scope::Card => "Event card",
            Scope::Vote => "Vote",
            Scope::Diplomacy => "Diplomacy",
            Scope::Facilitator => "Facilitator",
            Scope::Message => "Message",
            Scope::Revision => "Revision: you hold the pen",
            Scope::Package => "Your package",
            Scope::Condition => "Accept on a condition",
            Scope::Pin => "Facilitator PIN",
            Scope::Projector => "Projector view",
            Scope::Summary => "Round summary",
        }
    }

    /// Whether global keys (help, quit) work here; popups that take text or
    /// a yes/no answer keep the keyboard to themselves.
    pub fn has_globals(self) -> bool {
        !matches!(
            self,
            Scope::OpenPath | Scope::Quit | Scope::Help | Scope::Pin
        )
    }
}

/// One row of the key table: in `scope`, `command` does `help`.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub scope: Option<Scope>,
    pub command: Command,
    pub help: &'static str,
    /// The footer's short label ("" keeps it out of the footer).
    pub footer: &'static str,
}

const fn b(scope: Scope, command: Command, help: &'static str, footer: &'static str) -> Binding {
    Binding {
        scope: Some(scope),
        command,
        help,
        footer,
    }
}

const fn g(command: Command, help: &'static str, footer: &'static str) -> Binding {
    Binding {
        scope: None,
        command,
        help,
        footer,
    }
}

use Command as C;
use Scope as S;

/// The key table: every command each screen answers (`scope: None` for every screen).
pub const BINDINGS: &[Binding] = &[
    b(S::Title, C::Up, "previous scenario", ""),
    b(S::Title, C::Down, "next scenario", ""),
    b(
        S::Title,
        C::Confirm,
        "play as the default seat, AI elsewhere",
        "play",
    ),
    b(
        S::Title,
        C::Setup,
        "seat setup: who plays which party",
        "seats",
    ),
    b(
        S::Title,
        C::OpenPath,
        "open a scenario file by path",
        "open file",
    ),
    b(S::OpenPath, C::Confirm, "open the file typed", "open"),
    b(S::OpenPath, C::Back, "cancel", "cancel"),
    b(S::Setup, C::Up, "previous row", ""),
    b(S::Setup, C::Down, "next row", ""),
    b(S::Setup, C::Left, "previous choice", ""),
    b(S::Setup, C::Right, "next choice", "change"),
    b(S::Setup, C::Confirm, "start the game", "start"),
    b(S::Setup, C::Back, "back to the title", "back"),
    b(S::Resume, C::Up, "previous save", ""),
    b(S::Resume, C::Down, "next save", ""),
    b(S::Resume, C::Confirm, "continue this game", "resume"),
    b(S::Resume, C::Back, "back", "back"),
    b(S::Briefing, C::Down, "scroll down", ""),
    b(S::Briefing, C::Up, "scroll up", ""),
    b(S::Briefing, C::Confirm, "to the table", "table"),
    b(S::Briefing, C::Back, "to the table", ""),
    b(
        S::Handover,
        C::Confirm,
        "I am at the keyboard: show my screen",
        "I am here",
    ),
    b(S::Table, C::Up, "previous clause / row", ""),
    b(S::Table, C::Down, "next clause / row", ""),
    b(S::Table, C::PageUp, "scroll up a page", ""),
    b(S::Table, C::PageDown, "scroll down a page", ""),
    b(S::Table, C::NextPane, "next pane", ""),
    b(S::Table, C::PrevPane, "previous pane", ""),
    b(S::Table, C::Latest, "news: back to the newest line", ""),
    b(S::Table, C::Accept, "accept the clause", "accept"),
    b(
        S::Table,
        C::AcceptAll,
        "accept every open clause as it is drafted now",
        "",
    ),
    b(S::Table, C::Reject, "reject the clause", "reject"),
    b(
        S::Table,
        C::Amend,
        "amend: propose another wording",
        "amend",
    ),
    b(
        S::Table,
        C::Strike,
        "propose to strike the clause",
        "strike",
    ),
    b(
        S::Table,
        C::Condition,
        "accept the clause on a condition: if another clause reads a wording",
        "",
    ),
    b(
        S::Table,
        C::Package,
        "your package: wordings on several clauses tabled together",
        "package",
    ),
    b(S::Table, C::Confirm, "end your turn", "end turn"),
    b(
        S::Table,
        C::Why,
        "why: the breakdown of the selected value",
        "why",
    ),
    b(S::Table, C::Diplomacy, "take a diplomatic action", ""),
    b(S::Table, C::CallVote, "call a signing vote", ""),
    b(S::Table, C::WalkOut, "walk out of the talks", ""),
    b(S::Table, C::Undo, "undo your last move (solo play)", ""),
    b(S::Table, C::Brief, "your private brief", ""),
    b(S::Table, C::Map, "the map", ""),
    b(
        S::Table,
        C::Advise,
        "advisor: the draft against the deal space (ZOPA, Nash)",
        "",
    ),
    b(S::Table, C::Skip, "AI: play its moves without waiting", ""),
    b(
        S::Table,
        C::Facilitator,
        "facilitator menu (asks for the facilitator's PIN)",
        "",
    ),
    b(
        S::Projector,
        C::Facilitator,
        "facilitator menu: turn the projector view off",
        "facilitator",
    ),
    b(S::Projector, C::Up, "news: scroll back", ""),
    b(S::Projector, C::Down, "news: scroll forward", ""),
    b(S::Projector, C::Latest, "news: back to the newest line", ""),
    b(S::Pin, C::Confirm, "enter the PIN", "ok"),
    b(S::Pin, C::Back, "cancel", "cancel"),
    b(S::Summary, C::Confirm, "continue", "continue"),
    b(S::Summary, C::Up, "scroll up", ""),
    b(S::Summary, C::Down, "scroll down", "more"),
    b(S::Map, C::Map, "back to the table", "table"),
    b(S::Map, C::Back, "back to the table", "table"),
    b(S::End, C::Up, "scroll up", ""),
    b(S::End, C::Down, "scroll down", ""),
    b(S::End, C::Export, "write the debrief report", "debrief"),
    b(S::End, C::Back, "back to the title", "back"),
    b(S::Help, C::Up, "scroll up", ""),
    b(S::Help, C::Down, "scroll down", ""),
    b(S::Help, C::Back, "close", "close"),
    b(S::Help, C::Help, "close", ""),
    b(S::Help, C::Confirm, "close", ""),
    b(
        S::Quit,
        C::Yes,
        "quit (saves first when autosave is on)",
        "quit",
    ),
    b(S::Quit, C::No, "stay", "stay"),
    b(S::Quit, C::Back, "stay", ""),
    b(S::Variants, C::Up, "previous wording", ""),
    b(S::Variants, C::Down, "next wording", ""),
    b(S::Variants, C::Confirm, "propose this wording", "propose"),
    b(
        S::Variants,
        C::Package,
        "add this wording to your package instead",
        "add to package",
    ),
    b(S::Variants, C::Back, "cancel", "cancel"),
    b(S::Why, C::Up, "scroll up", ""),
    b(S::Why, C::Down, "scroll down", ""),
    b(S::Why, C::Back, "close", "close"),
    b(S::Why, C::Confirm, "close", ""),
    b(S::Card, C::Confirm, "continue", "continue"),
    b(S::Card, C::Back, "skip the other new cards", ""),
    b(S::Vote, C::Yes, "sign the draft", "sign"),
    b(S::Vote, C::No, "refuse to sign", "refuse"),
    b(S::Vote, C::Why, "why: your acceptance", "why"),
    b(S::Diplomacy, C::Up, "previous action", ""),
    b(S::Diplomacy, C::Down, "next action", ""),
    b(S::Diplomacy, C::Confirm, "take this action", "take"),
    b(S::Diplomacy, C::Back, "cancel", "cancel"),
    b(S::Facilitator, C::Up, "previous item", ""),
    b(S::Facilitator, C::Down, "next item", ""),
    b(S::Facilitator, C::Confirm, "do it", "do it"),
    b(S::Facilitator, C::Back, "close", "close"),
    b(S::Message, C::Confirm, "close", "close"),
    b(S::Message, C::Back, "close", ""),
    b(S::Message, C::Yes, "yes", ""),
    b(S::Message, C::No, "no", ""),
    b(S::Revision, C::Up, "previous proposal", ""),
    b(S::Revision, C::Down, "next proposal", ""),
    b(
        S::Revision,
        C::Toggle,
        "adopt the proposal, or drop it",
        "adopt/drop",
    ),
    b(
        S::Revision,
        C::Suggest,
        "what the AI broker would adopt (a suggestion to edit)",
        "suggest",
    ),
    b(
        S::Revision,
        C::Confirm,
        "write the adopted proposals into the draft (asks first)",
        "revise",
    ),
    b(S::Revision, C::Brief, "your private brief", ""),
    b(S::Package, C::Up, "previous change", ""),
    b(S::Package, C::Down, "next change", ""),
    b(
        S::Package,
        C::Confirm,
        "table the package (empty: withdraw the tabled one)",
        "table it",
    ),
    b(S::Package, C::Remove, "take the change out", "remove"),
    b(
        S::Package,
        C::Clear,
        "clear the package (and withdraw it if tabled)",
        "clear",
    ),
    b(S::Package, C::Back, "close", "close"),
    b(S::Condition, C::Up, "previous clause / wording", ""),
    b(S::Condition, C::Down, "next clause / wording", ""),
    b(S::Condition, C::Left, "choose the clause", ""),
    b(S::Condition, C::Right, "choose its wording", ""),
    b(
        S::Condition,
        C::NextPane,
        "switch between the two lists",
        "",
    ),
    b(
        S::Condition,
        C::Confirm,
        "accept on this condition",
        "accept if",
    ),
    b(S::Condition, C::Back, "cancel", "cancel"),
    g(C::Help, "help: every key of this screen", "help"),
    g(C::Quit, "quit (asks first)", "quit"),
];

/// A key with its modifiers (Shift is folded into the character).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

impl Key {
    /// The key of a terminal key event.
    pub fn of(e: &KeyEvent) -> Key {
        let code = match e.code {
            KeyCode::Char(c) if e.modifiers.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            c => c,
        };
        Key {
            code,
            ctrl: e.modifiers.contains(KeyModifiers::CONTROL),
        }
    }

    /// Read a key written as in `assets/keys.ron`.
    pub fn parse(text: &str) -> Result<Key, String> {
        let (ctrl, rest) = match text.strip_prefix("Ctrl-") {
            Some(r) => (true, r),
            None => (false, text),
        };
        let code = match rest {
            "Enter" => KeyCode::Enter,
            "Esc" => KeyCode::Esc,
            "Tab" => KeyCode::Tab,
            "BackTab" => KeyCode::BackTab,
            "Space" => KeyCode::Char(' '),
            "Backspace" => KeyCode::Backspace,
            "Up" => KeyCode::Up,
            "Down" => KeyCode::Down,
            "Left" => KeyCode::Left,
            "Right" => KeyCode::Right,
            "PageUp" => KeyCode::PageUp,
            "PageDown" => KeyCode::PageDown,
            "Home" => KeyCode::Home,
            "End" => KeyCode::End,
            f if f.len() > 1
                && f.starts_with('F')
                && f[1..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) =>
            {
                KeyCode::F(f[1..].parse().unwrap_or(1))
            }
            _ => {
                let mut chars = rest.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => KeyCode::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
                    _ => return Err(format!("unknown key '{text}'")),
                }
            }
        };
        Ok(Key { code, ctrl })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("BackTab"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::PageUp => f.write_str("PageUp"),
            KeyCode::PageDown => f.write_str("PageDown"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::F(n) => write!(f, "F{n}"),
            _ => f.write_str("?"),
        }
    }
}

/// The default bindings, as shipped.
pub const DEFAULT_KEYS: &str = include_str!("../../assets/keys.ron");

/// Keys for every command: the defaults patched by the user's file.
#[derive(Debug, Clone)]
pub struct Keymap {
    keys: BTreeMap<Command, Vec<Key>>,
}

fn parse_file(name: &str, text: &str) -> Result<BTreeMap<Command, Vec<Key>>, String> {
    let raw: BTreeMap<String, Vec<String>> =
        ron::from_str(text).map_err(|e| format!("{name}: {e}"))?;
    raw.into_iter()
        .map(|(c, keys)| {
            let c = Command::ALL
                .iter()
                .copied()
                .find(|x| x.name() == c)
                .ok_or_else(|| format!("{name}: unknown command '{c}'"))?;
            let keys = keys
                .iter()
                .map(|k| Key::parse(k))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("{name}: {e}"))?;
            Ok((c, keys))
        })
        .collect()
}

impl Default for Keymap {
    fn default() -> Keymap {
        // The shipped file is tested; an error here is a build defect.
        let keys = parse_file("assets/keys.ron", DEFAULT_KEYS).unwrap_or_default();
        Keymap { keys }
    }
}

impl Keymap {
    /// The defaults with a user's `keys.ron` laid over them.
    pub fn with_patch(name: &str, text: &str) -> Result<Keymap, String> {
        let mut map = Keymap::default();
        for (c, keys) in parse_file(name, text)? {
            map.keys.insert(c, keys);
        }
        Ok(map)
    }

    /// The keys bound to a command.
    pub fn keys(&self, c: Command) -> &[Key] {
        self.keys.get(&c).map_or(&[], |v| v.as_slice())
    }

    /// The bindings active in a scope, its own first.
    pub fn bindings(scope: Scope) -> impl Iterator<Item = &'static Binding> {
        let own = BINDINGS.iter().filter(move |b| b.scope == Some(scope));
        let global = BINDINGS
            .iter()
            .filter(move |b| b.scope.is_none() && scope.has_globals())
            .filter(move |g| {
                !BINDINGS
                    .iter()
                    .any(|b| b.scope == Some(scope) && b.command == g.command)
            });
        own.chain(global)
    }

    /// The command a key event means in `scope`.
    pub fn command(&self, scope: Scope, e: &KeyEvent) -> Option<Command> {
        let key = Key::of(e);
        Keymap::bindings(scope)
            .map(|b| b.command)
            .find(|&c| self.keys(c).contains(&key))
    }

    /// "a/b" for a command's keys.
    pub fn label(&self, c: Command) -> String {
        let keys: Vec<String> = self.keys(c).iter().map(|k| k.to_string()).collect();
        keys.join("/")
    }
}

/// The key table as Markdown, one section per screen (docs/UI.md embeds it).
pub fn markdown(map: &Keymap) -> String {
    const SCOPES: &[Scope] = &[
        Scope::Title,
        Scope::OpenPath,
        Scope::Setup,
        Scope::Resume,
        Scope::Briefing,
        Scope::Handover,
        Scope::Table,
        Scope::Variants,
        Scope::Package,
        Scope::Condition,
        Scope::Revision,
        Scope::Diplomacy,
        Scope::Vote,
        Scope::Card,
        Scope::Summary,
        Scope::Why,
        Scope::Map,
        Scope::End,
        Scope::Facilitator,
        Scope::Pin,
        Scope::Projector,
        Scope::Message,
        Scope::Help,
        Scope::Quit,
    ];
    let mut out = String::new();
    for &s in SCOPES {
        out.push_str(&format!(
            "**{}**\n\n| key | does |\n| --- | --- |\n",
            s.name()
        ));
        for b in BINDINGS.iter().filter(|b| b.scope == Some(s)) {
            out.push_str(&format!("| `{}` | {} |\n", map.label(b.command), b.help));
        }
        out.push('\n');
    }
    out.push_str("**Every screen** (except text entry and the quit question)\n\n| key | does |\n| --- | --- |\n");
    for b in BINDINGS.iter().filter(|b| b.scope.is_none()) {
        out.push_str(&format!("| `{}` | {} |\n", map.label(b.command), b.help));
    }
    out
}
