//! Small formatting helpers shared by the renderers.

/// A number as a report shows it: one decimal, no "-0.0".
pub fn num(x: f64) -> String {
    let s = format!("{x:.1}");
    if s == "-0.0" { "0.0".into() } else { s }
}

/// A signed number: "+1.5", "−2.0".
pub fn signed(x: f64) -> String {
    let s = num(x);
    match s.strip_prefix('-') {
        Some(abs) => format!("\u{2212}{abs}"),
        None => format!("+{s}"),
    }
}

/// A probability as a percentage.
pub fn percent(p: f64) -> String {
    format!("{:.1}%", p * 100.0)
}

/// A text sparkline of `values` on the scale `min..max`.
pub fn sparkline(values: &[f64], min: f64, max: f64) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let span = max - min;
    values
        .iter()
        .map(|&v| {
            let t = if span > 0.0 {
                ((v - min) / span).clamp(0.0, 1.0)
            } else {
                0.0
            };
            BARS[((t * 7.0).round() as usize).min(7)]
        })
        .collect()
}

/// Text made safe for Markdown: one line, no terminal controls, no raw HTML
/// or autolink (`<…>`), no link or image (`[x](y)`, `![x](y)`), no entity, no
/// table break. Escaped with backslashes, so the text still reads as written.
pub fn md(s: &str) -> String {
    let s = crate::text::clean_line(s);
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '<' => out.push_str("\\<"),
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '&' => out.push_str("\\&"),
            '>' => out.push_str("\\>"),
            '|' => out.push_str("\\|"),
            '\\' => out.push_str("\\\\"),
            '`' => out.push_str("\\`"),
            _ => out.push(ch),
        }
    }
    out
}

/// Text made safe for HTML text and quoted attribute values (and for a
/// terminal it is printed on: no controls).
pub fn html(s: &str) -> String {
    let s = crate::text::clean_line(s);
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_html_specials() {
        assert_eq!(
            html(r#"<script>alert("x" & 'y')</script>"#),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
    }

    #[test]
    fn markdown_links_images_and_tags_are_inert() {
        assert_eq!(
            md("![x](http://a) [y](b) <http://c> <img src=x> a&amp;b |\n\u{1b}[2J"),
            "!\\[x\\](http://a) \\[y\\](b) \\<http://c\\> \\<img src=x\\> a\\&amp;b \\| \\[2J"
        );
    }

    #[test]
    fn sparkline_spans_the_scale() {
        assert_eq!(sparkline(&[0.0, 50.0, 100.0], 0.0, 100.0), "▁▅█");
        assert_eq!(sparkline(&[5.0], 5.0, 5.0), "▁");
    }

    #[test]
    fn numbers_have_no_negative_zero() {
        assert_eq!(num(-0.01), "0.0");
        assert_eq!(signed(-1.26), "\u{2212}1.3");
        assert_eq!(signed(2.0), "+2.0");
    }
}
