//! The map: Ukraine and its neighbours on a canvas, each contested region
//! shaded by what the current draft says about it. Outlines are data
//! (`assets/map.ron`); the region statuses come from the scenario's
//! `regions:` on variants and strike terms.

use super::app::{App, Play};
use super::screens::{block, cut, line};
use super::theme::Theme;
use crate::scenario::schema::RegionControl;
use crate::table::View;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::Span;
use ratatui::widgets::canvas::{Canvas, Line, Painter, Shape};
use ratatui::widgets::{Paragraph, Widget, Wrap};
use serde::Deserialize;
use std::sync::OnceLock;

/// An outlined area.
#[derive(Debug, Clone, Deserialize)]
pub struct Region {
    pub id: String,
    pub name: String,
    pub outline: Vec<(f64, f64)>,
}

/// A place name.
#[derive(Debug, Clone, Deserialize)]
pub struct Label {
    pub name: String,
    pub at: (f64, f64),
}

/// The map file.
#[derive(Debug, Clone, Deserialize)]
pub struct MapData {
    pub lon: (f64, f64),
    pub lat: (f64, f64),
    pub ukraine: Vec<(f64, f64)>,
    pub regions: Vec<Region>,
    pub neighbours: Vec<Region>,
    pub labels: Vec<Label>,
}

/// The shipped map file.
pub const MAP_RON: &str = include_str!("../../assets/map.ron");

/// The map, parsed once.
pub fn data() -> Option<&'static MapData> {
    static MAP: OnceLock<Option<MapData>> = OnceLock::new();
    MAP.get_or_init(|| ron::from_str(MAP_RON).ok()).as_ref()
}

/// What the draft says about each region, with the clause that says it.
pub fn statuses(game: &View) -> Vec<(String, RegionControl, u32)> {
    let m = game.model();
    let mut out: Vec<(String, RegionControl, u32)> = Vec::new();
    for (c, &o) in game.options().iter().enumerate() {
        let cl = &m.scenario.clauses[c];
        let regions = match cl.variants.get(o) {
            Some(v) => &v.regions,
            None => &cl.strike.regions,
        };
        for r in regions {
            match out.iter_mut().find(|x| x.0 == r.region) {
                Some(x) => *x = (r.region.clone(), r.status, cl.number),
                None => out.push((r.region.clone(), r.status, cl.number)),
            }
        }
    }
    out
}

/// Whether the scenario says anything about any region.
pub fn mentions_regions(game: &View) -> bool {
    game.model()
        .scenario
        .clauses
        .iter()
        .any(|c| !c.strike.regions.is_empty() || c.variants.iter().any(|v| !v.regions.is_empty()))
}

/// A status as a letter and words (never colour alone).
pub fn control_text(c: RegionControl) -> (&'static str, &'static str) {
    match c {
        RegionControl::Recognised => ("R", "recognised as Russian"),
        RegionControl::Frozen => ("F", "frozen on the line of contact"),
        RegionControl::Demilitarised => ("D", "demilitarised buffer zone"),
        RegionControl::Ukrainian => ("U", "returned to or kept by Ukraine"),
        RegionControl::Deferred => ("?", "left to later talks"),
    }
}

fn control_style(t: &Theme, c: RegionControl) -> Style {
    match c {
        RegionControl::Recognised => t.region_recognised,
        RegionControl::Frozen => t.region_frozen,
        RegionControl::Demilitarised => t.region_demilitarised,
        RegionControl::Ukrainian => t.region_ukrainian,
        RegionControl::Deferred => t.region_deferred,
    }
}

fn colour(s: Style) -> Color {
    s.fg.unwrap_or(Color::Reset)
}

/// An outline drawn as line segments.
struct Outline<'a> {
    points: &'a [(f64, f64)],
    color: Color,
}

impl Shape for Outline<'_> {
    fn draw(&self, painter: &mut Painter) {
        for w in self.points.windows(2) {
            Line::new(w[0].0, w[0].1, w[1].0, w[1].1, self.color).draw(painter);
        }
    }
}

/// A polygon filled with dots (a texture, so it reads without colour too).
struct Fill<'a> {
    points: &'a [(f64, f64)],
    color: Color,
    step: (f64, f64),
    every: usize,
}

fn inside(p: (f64, f64), poly: &[(f64, f64)]) -> bool {
    let mut c = false;
    let n = poly.len();
    for i in 0..n {
        let (a, b) = (poly[i], poly[(i + n - 1) % n]);
        if (a.1 > p.1) != (b.1 > p.1) && p.0 < (b.0 - a.0) * (p.1 - a.1) / (b.1 - a.1) + a.0 {
            c = !c;
        }
    }
    c
}

impl Shape for Fill<'_> {
    fn draw(&self, painter: &mut Painter) {
        if self.points.is_empty() || self.step.0 <= 0.0 || self.step.1 <= 0.0 {
            return;
        }
        let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for &(x, y) in self.points {
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
        let mut j = 0usize;
        let mut y = y0;
        while y <= y1 {
            let mut i = 0usize;
            let mut x = x0;
            while x <= x1 {
                if (i + j).is_multiple_of(self.every)
                    && inside((x, y), self.points)
                    && let Some((px, py)) = painter.get_point(x, y)
                {
                    painter.paint(px, py, self.color);
                }
                x += self.step.0;
                i += 1;
            }
            y += self.step.1;
            j += 1;
        }
    }
}

fn centroid(poly: &[(f64, f64)]) -> (f64, f64) {
    let n = poly.len().max(1) as f64;
    let (sx, sy) = poly.iter().fold((0.0, 0.0), |a, p| (a.0 + p.0, a.1 + p.1));
    (sx / n, sy / n)
}

pub fn render(app: &App, play: &Play, g: &View, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let _ = play;
    let [map_area, legend] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(34)]).areas(area);
    let b = block(t, "Map — what the draft says about each region", true);
    let Some(data) = data() else {
        Paragraph::new("The map data does not load.")
            .block(b)
            .render(map_area, buf);
        return;
    };
    let statuses = statuses(g);
    let inner = b.inner(map_area);
    // Keep the land's shape: a cell is about twice as tall as wide, and a
    // degree of longitude at 48°N is about two thirds of a degree of latitude.
    let (mut lon, mut lat) = (data.lon, data.lat);
    let ground = (lon.1 - lon.0) * 0.67 / (lat.1 - lat.0);
    let screen = f64::from(inner.width.max(1)) / (2.0 * f64::from(inner.height.max(1)));
    if screen > ground {
        let extra = (lat.1 - lat.0) * screen / 0.67 - (lon.1 - lon.0);
        lon = (lon.0 - extra / 2.0, lon.1 + extra / 2.0);
    } else {
        let extra = (lon.1 - lon.0) * 0.67 / screen - (lat.1 - lat.0);
        lat = (lat.0 - extra / 2.0, lat.1 + extra / 2.0);
    }
    let step = (
        (lon.1 - lon.0) / (f64::from(inner.width.max(1)) * 2.0),
        (lat.1 - lat.0) / (f64::from(inner.height.max(1)) * 4.0),
    );
    let canvas = Canvas::default()
        .block(b)
        .marker(Marker::Braille)
        .x_bounds([lon.0, lon.1])
        .y_bounds([lat.0, lat.1])
        .paint(|ctx| {
            for n in &data.neighbours {
                ctx.draw(&Outline {
                    points: &n.outline,
                    color: colour(t.map_neighbour),
                });
            }
            ctx.draw(&Outline {
                points: &data.ukraine,
                color: colour(t.map_border),
            });
            for r in &data.regions {
                if let Some((_, c, _)) = statuses.iter().find(|s| s.0 == r.id) {
                    let every = match c {
                        RegionControl::Recognised => 1,
                        RegionControl::Frozen | RegionControl::Demilitarised => 2,
                        _ => 3,
                    };
                    ctx.draw(&Fill {
                        points: &r.outline,
                        color: colour(control_style(t, *c)),
                        step,
                        every,
                    });
                }
                ctx.draw(&Outline {
                    points: &r.outline,
                    color: colour(t.map_border),
                });
            }
            ctx.layer();
            for l in &data.labels {
                ctx.print(l.at.0, l.at.1, Span::styled(l.name.clone(), t.dim));
            }
            for r in &data.regions {
                let (x, y) = centroid(&r.outline);
                let letter = statuses
                    .iter()
                    .find(|s| s.0 == r.id)
                    .map_or("–", |s| control_text(s.1).0);
                ctx.print(x, y, Span::styled(letter.to_string(), t.title));
            }
        });
    canvas.render(map_area, buf);
    let b = block(t, "Legend", false);
    let li = b.inner(legend);
    b.render(legend, buf);
    if !mentions_regions(g) {
        Paragraph::new(
            "This scenario's clauses say nothing about these regions, so none is shaded.",
        )
        .style(t.dim)
        .wrap(Wrap { trim: true })
        .render(li, buf);
        return;
    }
    let w = li.width as usize;
    let mut row = 0;
    for r in &data.regions {
        let (letter, words, clause) = match statuses.iter().find(|s| s.0 == r.id) {
            Some((_, c, n)) => {
                let (l, w) = control_text(*c);
                (l, w, format!(" (pt {n})"))
            }
            None => ("–", "not mentioned", String::new()),
        };
        let st = statuses
            .iter()
            .find(|s| s.0 == r.id)
            .map_or(t.dim, |s| control_style(t, s.1));
        line(
            buf,
            li,
            row,
            vec![
                Span::styled(format!("{letter} "), t.title),
                Span::styled(r.name.clone(), st),
            ],
            t.text,
        );
        line(
            buf,
            li,
            row + 1,
            vec![Span::raw(cut(&format!("  {words}{clause}"), w))],
            t.dim,
        );
        row += 2;
    }
    row += 1;
    let keys = [
        RegionControl::Recognised,
        RegionControl::Frozen,
        RegionControl::Demilitarised,
        RegionControl::Ukrainian,
        RegionControl::Deferred,
    ];
    for k in keys {
        let (l, words) = control_text(k);
        line(
            buf,
            li,
            row,
            vec![
                Span::styled(format!("{l} "), t.title),
                Span::styled(cut(words, w.saturating_sub(2)), control_style(t, k)),
            ],
            t.text,
        );
        row += 1;
    }
}
