//! One [`Theme`] of styles for every screen: no colour literals in render
//! code. `assets/theme.ron` holds the defaults; a user's `theme.ron` patches
//! them; `NO_COLOR` switches to a monochrome theme (meaning never rests on
//! colour alone: every status also has a mark or a letter).

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::str::FromStr;

/// One style as written in a theme file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct StyleSpec {
    fg: Option<String>,
    bg: Option<String>,
    bold: Option<bool>,
    dim: Option<bool>,
    italic: Option<bool>,
    reversed: Option<bool>,
    underlined: Option<bool>,
}

impl StyleSpec {
    fn style(&self, name: &str) -> Result<Style, String> {
        let colour = |c: &Option<String>| -> Result<Option<Color>, String> {
            c.as_deref()
                .map(|c| Color::from_str(c).map_err(|_| format!("{name}: unknown colour '{c}'")))
                .transpose()
        };
        let mut s = Style::default();
        if let Some(c) = colour(&self.fg)? {
            s = s.fg(c);
        }
        if let Some(c) = colour(&self.bg)? {
            s = s.bg(c);
        }
        for (on, m) in [
            (self.bold, Modifier::BOLD),
            (self.dim, Modifier::DIM),
            (self.italic, Modifier::ITALIC),
            (self.reversed, Modifier::REVERSED),
            (self.underlined, Modifier::UNDERLINED),
        ] {
            if on == Some(true) {
                s = s.add_modifier(m);
            }
        }
        Ok(s)
    }
}

macro_rules! theme {
    ($($field:ident),* $(,)?) => {
        /// Every style the UI uses.
        #[derive(Debug, Clone, Default)]
        pub struct Theme {
            /// False under `NO_COLOR`: party and map colours are dropped too.
            pub colour: bool,
            $(pub $field: Style,)*
        }

        impl Theme {
            fn set(&mut self, name: &str, style: Style) -> Result<(), String> {
                match name {
                    $(stringify!($field) => self.$field = style,)*
                    _ => return Err(format!("unknown theme entry '{name}'")),
                }
                Ok(())
            }
        }
    };
}

theme!(
    text,
    dim,
    title,
    border,
    border_focus,
    selected,
    key,
    good,
    bad,
    warn,
    accent,
    private,
    gauge,
    chart_1,
    chart_2,
    chart_3,
    chart_4,
    map_border,
    map_neighbour,
    region_recognised,
    region_frozen,
    region_demilitarised,
    region_ukrainian,
    region_deferred,
);

/// The default theme file, as shipped.
pub const DEFAULT_THEME: &str = include_str!("../../assets/theme.ron");

impl Theme {
    /// The shipped theme.
    pub fn colour() -> Theme {
        let mut t = Theme {
            colour: true,
            ..Theme::default()
        };
        // The shipped file is tested; an error here is a build defect.
        let _ = t.patch("assets/theme.ron", DEFAULT_THEME);
        t
    }

    /// Black and white: emphasis by bold, reverse and underline only.
    pub fn mono() -> Theme {
        let bold = Style::default().add_modifier(Modifier::BOLD);
        Theme {
            colour: false,
            title: bold,
            border_focus: bold,
            selected: Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            key: Style::default().add_modifier(Modifier::REVERSED),
            accent: bold,
            bad: bold,
            private: Style::default().add_modifier(Modifier::UNDERLINED),
            ..Theme::default()
        }
    }

    /// Lay a theme file over this theme.
    pub fn patch(&mut self, file: &str, text: &str) -> Result<(), String> {
        let raw: BTreeMap<String, StyleSpec> = ron::Options::default()
            .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
            .from_str(text)
            .map_err(|e| format!("{file}: {e}"))?;
        for (name, spec) in raw {
            let style = spec.style(&name).map_err(|e| format!("{file}: {e}"))?;
            self.set(&name, style).map_err(|e| format!("{file}: {e}"))?;
        }
        Ok(())
    }

    /// A scenario colour name as a style (plain text without colour).
    pub fn party(&self, colour: &str) -> Style {
        match Color::from_str(colour) {
            Ok(c) if self.colour => Style::default().fg(c),
            _ => self.text,
        }
    }

    /// The i-th chart line style.
    pub fn chart(&self, i: usize) -> Style {
        [self.chart_1, self.chart_2, self.chart_3, self.chart_4][i % 4]
    }
}
