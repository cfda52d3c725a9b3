//! Charts for people who would rather look than read: plain SVG drawn on the server (no chart
//! JavaScript), the same picture on a page and in a PDF. Every bar carries its number and a
//! legend names every colour, so nothing depends on colour alone; each chart has a title and a
//! description for screen readers.

use std::fmt::Write;

/// A colour with a meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Good: go, verified, done.
    Good,
    /// Needs care: with restrictions, explained, in progress.
    Caution,
    /// Stop: do not start, missed, outstanding.
    Stop,
    /// Neither: open, not yet.
    Neutral,
    /// Set aside: dropped, not applicable.
    Quiet,
}

impl Tone {
    fn fill(self) -> &'static str {
        match self {
            Tone::Good => "#007f3b",
            Tone::Caution => "#ffb81c",
            Tone::Stop => "#d5281b",
            Tone::Neutral => "#005eb8",
            Tone::Quiet => "#aeb7bd",
        }
    }
    fn ink(self) -> &'static str {
        match self {
            Tone::Caution | Tone::Quiet => "#212b32",
            _ => "#ffffff",
        }
    }
}

/// One part of a bar: what it counts, how many, its colour.
#[derive(Debug, Clone)]
pub struct Segment {
    /// What it counts, such as "Go".
    pub label: String,
    /// How many.
    pub value: usize,
    /// Its colour.
    pub tone: Tone,
}

impl Segment {
    /// A segment.
    pub fn new(label: &str, value: usize, tone: Tone) -> Self {
        Self {
            label: label.to_string(),
            value,
            tone,
        }
    }
}

/// One labelled bar made of segments.
#[derive(Debug, Clone)]
pub struct Bar {
    /// What the bar is, such as a service's name.
    pub label: String,
    /// Its parts, left to right.
    pub segments: Vec<Segment>,
}

const WIDTH: f64 = 640.0;
const FONT: &str = "Noto Sans, Arial, sans-serif";

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn open(out: &mut String, height: f64, title: &str, desc: &str) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" aria-label="{}. {}" font-family="{FONT}" font-size="14"><title>{}</title><desc>{}</desc>"#,
        esc(title),
        esc(desc),
        esc(title),
        esc(desc)
    );
}

/// Horizontal stacked bars, each as long as its total against the longest, with the number in
/// each part wide enough to hold it, the total after the bar, and a legend of every part.
pub fn stacked_bars(title: &str, bars: &[Bar]) -> String {
    let max = bars
        .iter()
        .map(|b| b.segments.iter().map(|s| s.value).sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let row = 50.0;
    // The legend: one entry per kind of part, in the order the parts come, wrapped to the width.
    let mut seen: Vec<(&str, Tone)> = Vec::new();
    for s in bars.iter().flat_map(|b| b.segments.iter()) {
        if !seen.iter().any(|(l, _)| *l == s.label) {
            seen.push((&s.label, s.tone));
        }
    }
    let mut legend: Vec<(f64, usize, &str, Tone)> = Vec::new();
    let (mut lx, mut line) = (0.0, 0);
    for (label, tone) in seen {
        let w = 19.0 + 8.5 * label.chars().count() as f64 + 20.0;
        if lx > 0.0 && lx + w > WIDTH {
            lx = 0.0;
            line += 1;
        }
        legend.push((lx, line, label, tone));
        lx += w;
    }
    let legend_y = 8.0 + bars.len() as f64 * row;
    let height = legend_y + 24.0 * (line + 1) as f64 + 4.0;
    let desc = bars
        .iter()
        .map(|b| {
            let parts: Vec<String> = b
                .segments
                .iter()
                .map(|s| format!("{} {}", s.value, s.label))
                .collect();
            format!("{}: {}", b.label, parts.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ");
    let mut out = String::new();
    open(&mut out, height, title, &desc);
    let span = WIDTH - 60.0;
    for (i, b) in bars.iter().enumerate() {
        let y = 4.0 + i as f64 * row;
        let total: usize = b.segments.iter().map(|s| s.value).sum();
        let _ = write!(
            out,
            r##"<text x="0" y="{}" fill="#212b32" font-weight="600">{}</text>"##,
            y + 14.0,
            esc(&b.label)
        );
        let mut x = 0.0;
        for s in b.segments.iter().filter(|s| s.value > 0) {
            let w = span * s.value as f64 / max;
            let _ = write!(
                out,
                r#"<rect x="{x:.1}" y="{}" width="{w:.1}" height="24" fill="{}"><title>{}: {}</title></rect>"#,
                y + 20.0,
                s.tone.fill(),
                esc(&s.label),
                s.value
            );
            if w >= 10.0 * s.value.to_string().len() as f64 + 8.0 {
                let _ = write!(
                    out,
                    r#"<text x="{:.1}" y="{}" fill="{}" text-anchor="middle" font-weight="600">{}</text>"#,
                    x + w / 2.0,
                    y + 37.0,
                    s.tone.ink(),
                    s.value
                );
            }
            x += w;
        }
        let _ = write!(
            out,
            r##"<text x="{:.1}" y="{}" fill="#212b32">{total}</text>"##,
            x + 6.0,
            y + 37.0
        );
    }
    for (x, line, label, tone) in legend {
        let y = legend_y + 24.0 * line as f64;
        let _ = write!(
            out,
            r##"<rect x="{x:.1}" y="{}" width="14" height="14" fill="{}" stroke="#212b32" stroke-width="0.5"/><text x="{:.1}" y="{}" fill="#212b32">{}</text>"##,
            y + 4.0,
            tone.fill(),
            x + 19.0,
            y + 16.0,
            esc(label)
        );
    }
    out.push_str("</svg>");
    out
}

/// Columns over time, such as an audit's accuracy: each column labelled below and its value
/// (as `unit` says) above; `max` is the top of the scale.
pub fn columns(title: &str, points: &[(String, f64)], max: f64, unit: &str) -> String {
    let height = 200.0;
    let base = 160.0;
    let top = 24.0;
    let n = points.len().max(1) as f64;
    let slot = (WIDTH / n).min(120.0);
    let desc = points
        .iter()
        .map(|(l, v)| format!("{l}: {v:.1}{unit}"))
        .collect::<Vec<_>>()
        .join("; ");
    let mut out = String::new();
    open(&mut out, height, title, &desc);
    let _ = write!(
        out,
        r##"<line x1="0" y1="{base}" x2="{WIDTH}" y2="{base}" stroke="#212b32" stroke-width="1"/>"##
    );
    for (i, (label, v)) in points.iter().enumerate() {
        let h = (base - top) * (v / max.max(f64::EPSILON)).clamp(0.0, 1.0);
        let x = i as f64 * slot + slot * 0.15;
        let w = slot * 0.7;
        let _ = write!(
            out,
            r##"<rect x="{x:.1}" y="{:.1}" width="{w:.1}" height="{h:.1}" fill="#005eb8"><title>{}: {v:.1}{unit}</title></rect><text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#212b32" font-weight="600">{v:.0}{}</text><text x="{:.1}" y="{}" text-anchor="middle" fill="#212b32" font-size="12">{}</text>"##,
            base - h,
            esc(label),
            x + w / 2.0,
            base - h - 6.0,
            esc(unit),
            x + w / 2.0,
            base + 18.0,
            esc(label)
        );
    }
    out.push_str("</svg>");
    out
}

/// A 5 × 5 risk heat map: impact up the side (5 at the top), likelihood along the bottom, each
/// cell coloured by its band and carrying its count and its band's initial, so that nothing
/// depends on colour. `grid[impact - 1][likelihood - 1]` is the count.
pub fn heat_map(title: &str, grid: &[[usize; 5]; 5]) -> String {
    let cell = 84.0;
    let left = 150.0;
    let top = 8.0;
    let height = top + 5.0 * cell + 80.0;
    let band = |l: usize, i: usize| match l * i {
        0..=3 => ("Low", Tone::Good),
        4..=6 => ("Moderate", Tone::Caution),
        8..=12 => ("High", Tone::Caution),
        _ => ("Extreme", Tone::Stop),
    };
    let mut parts = Vec::new();
    for (i, row) in grid.iter().enumerate() {
        for (l, n) in row.iter().enumerate() {
            if *n > 0 {
                parts.push(format!(
                    "{n} at likelihood {} × impact {} ({})",
                    l + 1,
                    i + 1,
                    band(l + 1, i + 1).0.to_lowercase()
                ));
            }
        }
    }
    let desc = if parts.is_empty() {
        "No open risks.".to_string()
    } else {
        parts.join("; ")
    };
    let mut out = String::new();
    open(&mut out, height, title, &desc);
    let impacts = ["Negligible", "Minor", "Moderate", "Major", "Catastrophic"];
    let likelihoods = ["Rare", "Unlikely", "Possible", "Likely", "Certain"];
    for i in (1..=5).rev() {
        let y = top + (5 - i) as f64 * cell;
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" text-anchor="end">{} {}</text>"#,
            left - 8.0,
            y + cell / 2.0 + 5.0,
            i,
            impacts[i - 1]
        );
        for l in 1..=5 {
            let x = left + (l - 1) as f64 * cell;
            let (name, tone) = band(l, i);
            // High is a deeper amber than moderate, and every cell says its band in a letter.
            let fill = match (name, tone) {
                ("High", _) => "#ed8b00",
                (_, t) => t.fill(),
            };
            let n = grid[i - 1][l - 1];
            let _ = write!(
                out,
                r##"<rect x="{x}" y="{y}" width="{w}" height="{w}" fill="{fill}" stroke="#ffffff" stroke-width="2"/><text x="{tx}" y="{ty}" font-size="11" fill="{ink}">{initial} {score}</text>"##,
                w = cell,
                tx = x + 6.0,
                ty = y + 16.0,
                ink = if matches!(name, "Extreme" | "Low") {
                    "#ffffff"
                } else {
                    "#212b32"
                },
                initial = &name[..1],
                score = l * i,
            );
            if n > 0 {
                let _ = write!(
                    out,
                    r##"<text x="{}" y="{}" text-anchor="middle" font-size="26" font-weight="bold" fill="{}">{n}</text>"##,
                    x + cell / 2.0,
                    y + cell / 2.0 + 14.0,
                    if matches!(name, "Extreme" | "Low") {
                        "#ffffff"
                    } else {
                        "#212b32"
                    }
                );
            }
        }
    }
    for l in 1..=5 {
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" text-anchor="middle">{} {}</text>"#,
            left + (l - 1) as f64 * cell + cell / 2.0,
            top + 5.0 * cell + 20.0,
            l,
            likelihoods[l - 1]
        );
    }
    let _ = write!(
        out,
        r#"<text x="{}" y="{}" text-anchor="middle">Likelihood, rare to certain</text><text x="{}" y="{}" text-anchor="middle" font-size="12">L low, M moderate, H high, E extreme; the big number is how many risks</text></svg>"#,
        left + 2.5 * cell,
        top + 5.0 * cell + 44.0,
        WIDTH / 2.0,
        top + 5.0 * cell + 68.0
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_carry_their_numbers_a_legend_and_escaped_text() {
        let svg = stacked_bars(
            "Readiness <by> service",
            &[
                Bar {
                    label: "Riverside & co".into(),
                    segments: vec![
                        Segment::new("Go", 30, Tone::Good),
                        Segment::new("Do not start", 1, Tone::Stop),
                    ],
                },
                Bar {
                    label: "Maple".into(),
                    segments: vec![Segment::new("Go", 0, Tone::Good)],
                },
            ],
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("Readiness &lt;by&gt; service"));
        assert!(svg.contains("Riverside &amp; co"));
        assert!(svg.contains(">30</text>") && svg.contains(">31</text>"));
        // "Go" once in the legend though two bars have it; an empty part draws nothing.
        assert_eq!(svg.matches(">Go</text>").count(), 1);
        assert!(svg.contains("Riverside &amp; co: 30 Go, 1 Do not start; Maple: 0 Go"));
        let cols = columns("Accuracy", &[("Nov".into(), 97.5)], 100.0, "%");
        assert!(cols.contains(">98%</text>") && cols.contains("Nov: 97.5%"));
    }
}

/// One stretch of a timeline row: from and to as fractions of the window (0 to 1), its colour,
/// a short mark to print inside when it fits (so nothing depends on colour), and what it is.
#[derive(Debug, Clone)]
pub struct Stretch {
    /// Start, 0 to 1.
    pub from: f64,
    /// End, 0 to 1.
    pub to: f64,
    /// Its colour.
    pub tone: Tone,
    /// A mark printed inside when wide enough ("GAP").
    pub mark: String,
    /// What it is, for the tooltip and screen readers ("Daniel Hughes, Wed 20:00 to Thu 08:00").
    pub title: String,
}

/// Rows of stretches across one window of time (an on-call rota): a label above each row, ticks
/// with labels along the top (such as each day's midnight), and a legend.
pub fn timeline(
    title: &str,
    ticks: &[(f64, String)],
    rows: &[(String, Vec<Stretch>)],
    legend: &[(&str, Tone)],
) -> String {
    let row = 50.0;
    let top = 22.0;
    let legend_y = top + rows.len() as f64 * row + 6.0;
    let height = legend_y + 26.0;
    let desc = rows
        .iter()
        .map(|(label, st)| {
            let parts: Vec<&str> = st.iter().map(|s| s.title.as_str()).collect();
            format!("{label}: {}", parts.join("; "))
        })
        .collect::<Vec<_>>()
        .join(". ");
    let mut out = String::new();
    open(&mut out, height, title, &desc);
    for (x, label) in ticks {
        let x = x.clamp(0.0, 1.0) * WIDTH;
        let _ = write!(
            out,
            r##"<line x1="{x:.1}" y1="{}" x2="{x:.1}" y2="{}" stroke="#768692" stroke-width="1"/><text x="{:.1}" y="14" fill="#212b32" font-size="12">{}</text>"##,
            top - 4.0,
            legend_y - 6.0,
            x + 2.0,
            esc(label)
        );
    }
    for (i, (label, stretches)) in rows.iter().enumerate() {
        let y = top + i as f64 * row;
        let _ = write!(
            out,
            r##"<text x="0" y="{}" fill="#212b32" font-weight="600">{}</text>"##,
            y + 14.0,
            esc(label)
        );
        for s in stretches {
            let x = s.from.clamp(0.0, 1.0) * WIDTH;
            let w = (s.to.clamp(0.0, 1.0) * WIDTH - x).max(0.0);
            let _ = write!(
                out,
                r#"<rect x="{x:.1}" y="{}" width="{w:.1}" height="24" fill="{}"><title>{}</title></rect>"#,
                y + 20.0,
                s.tone.fill(),
                esc(&s.title)
            );
            if !s.mark.is_empty() && w >= 9.0 * s.mark.chars().count() as f64 + 6.0 {
                let _ = write!(
                    out,
                    r#"<text x="{:.1}" y="{}" fill="{}" text-anchor="middle" font-size="12" font-weight="600">{}</text>"#,
                    x + w / 2.0,
                    y + 37.0,
                    s.tone.ink(),
                    esc(&s.mark)
                );
            }
        }
    }
    let mut lx = 0.0;
    for (label, tone) in legend {
        let _ = write!(
            out,
            r##"<rect x="{lx:.1}" y="{}" width="14" height="14" fill="{}" stroke="#212b32" stroke-width="0.5"/><text x="{:.1}" y="{}" fill="#212b32">{}</text>"##,
            legend_y + 4.0,
            tone.fill(),
            lx + 19.0,
            legend_y + 16.0,
            esc(label)
        );
        lx += 19.0 + 8.0 * label.chars().count() as f64 + 20.0;
    }
    out.push_str("</svg>");
    out
}
