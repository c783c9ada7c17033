//! The status page's lag chart: a small inline SVG drawn on the server, so the page
//! needs no script and no external asset.
//!
//! Lag here is how old the mirror's data may be: right after a pass that started at
//! `s` ends, everything changed before `s` is in; so just before the next pass ends the
//! lag is that end minus `s`, and right after it, the new pass's own duration. The
//! points make a saw tooth, the same curve `time() - last success` draws in Grafana.

use std::fmt::Write;

use chrono::{DateTime, Utc};

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 160.0;
/// Room for the axis labels.
const LEFT: f64 = 56.0;
const BOTTOM: f64 = 22.0;
const TOP: f64 = 10.0;

/// `(time, lag in seconds)` points from succeeded runs `(started, finished)` (oldest
/// first), ending at `now`, keeping only the last `hours`.
pub(crate) fn lag_points(
    runs: &[(DateTime<Utc>, DateTime<Utc>)],
    now: DateTime<Utc>,
    hours: f64,
) -> Vec<(DateTime<Utc>, f64)> {
    let secs = |d: chrono::TimeDelta| d.num_milliseconds() as f64 / 1000.0;
    let mut points = Vec::new();
    let mut previous_start: Option<DateTime<Utc>> = None;
    for &(started, finished) in runs {
        if let Some(prev) = previous_start {
            points.push((finished, secs(finished - prev)));
        }
        points.push((finished, secs(finished - started)));
        previous_start = Some(started);
    }
    if let Some(prev) = previous_start {
        points.push((now, secs(now - prev)));
    }
    let from = now - chrono::TimeDelta::milliseconds((hours * 3_600_000.0) as i64);
    points.retain(|(t, _)| *t >= from);
    points
}

/// The SVG element, `hours` wide, for the points of [`lag_points`].
pub(crate) fn svg(store: &str, points: &[(DateTime<Utc>, f64)], now: DateTime<Utc>, hours: f64) -> String {
    let mut out = String::new();
    let label = format!("lag of store {store} over the last {hours} hours");
    let _ = write!(
        out,
        r#"<svg class="lag-chart" role="img" aria-label="{label}" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg">"#,
        label = crate::status::escape(&label),
    );
    let plot_w = WIDTH - LEFT - 8.0;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let max = points.iter().map(|p| p.1).fold(0.0_f64, f64::max);
    let (unit, scale) = unit_for(max);
    let top = nice_ceiling(max / scale).max(1.0);
    let _ = write!(
        out,
        r##"<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="#fafafa" stroke="#ccc"/>"##
    );
    for (frac, text) in [
        (0.0, "0".to_owned()),
        (0.5, fmt_num(top / 2.0)),
        (1.0, fmt_num(top)),
    ] {
        let y = TOP + plot_h * (1.0 - frac);
        let _ = write!(
            out,
            r##"<line x1="{LEFT}" x2="{x2}" y1="{y}" y2="{y}" stroke="#e4e4e4"/><text x="{tx}" y="{ty}" font-size="11" text-anchor="end" fill="#555">{text} {unit}</text>"##,
            x2 = LEFT + plot_w,
            tx = LEFT - 4.0,
            ty = y + 4.0,
        );
    }
    let _ = write!(
        out,
        r##"<text x="{LEFT}" y="{y}" font-size="11" fill="#555">-{hours}h</text><text x="{x}" y="{y}" font-size="11" text-anchor="end" fill="#555">now</text>"##,
        y = HEIGHT - 6.0,
        x = LEFT + plot_w,
    );
    let span = hours * 3600.0;
    let coords: Vec<String> = points
        .iter()
        .map(|&(t, lag)| {
            let ago = (now - t).num_milliseconds() as f64 / 1000.0;
            let x = LEFT + plot_w * (1.0 - (ago / span).clamp(0.0, 1.0));
            let y = TOP + plot_h * (1.0 - (lag / scale / top).clamp(0.0, 1.0));
            format!("{x:.1},{y:.1}")
        })
        .collect();
    if coords.is_empty() {
        let _ = write!(
            out,
            r##"<text x="{x}" y="{y}" font-size="12" text-anchor="middle" fill="#777">no successful pass in this window</text>"##,
            x = LEFT + plot_w / 2.0,
            y = TOP + plot_h / 2.0,
        );
    } else {
        let _ = write!(
            out,
            r##"<polyline class="lag-line" fill="none" stroke="#1f77b4" stroke-width="1.5" points="{}"/>"##,
            coords.join(" ")
        );
    }
    out.push_str("</svg>");
    out
}

/// Seconds, minutes or hours, whichever keeps the axis numbers readable.
fn unit_for(max_secs: f64) -> (&'static str, f64) {
    if max_secs >= 2.0 * 3600.0 {
        ("h", 3600.0)
    } else if max_secs >= 120.0 {
        ("min", 60.0)
    } else {
        ("s", 1.0)
    }
}

/// 1, 2 or 5 times a power of ten, at least `x`.
fn nice_ceiling(x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    let power = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|v| *v >= x)
        .unwrap_or(10.0 * power)
}

fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeDelta, TimeZone, Utc};

    use super::{lag_points, nice_ceiling, svg};

    #[test]
    fn lag_is_a_saw_tooth_from_pass_starts() {
        let t = |m: i64| Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap() + TimeDelta::minutes(m);
        // Passes at :00 and :05, one minute each; now is :08.
        let runs = [(t(0), t(1)), (t(5), t(6))];
        let points = lag_points(&runs, t(8), 6.0);
        let lags: Vec<f64> = points.iter().map(|p| p.1).collect();
        assert_eq!(lags, vec![60.0, 360.0, 60.0, 180.0]);
        assert_eq!(points.last().unwrap().0, t(8));
        // Outside the window: dropped.
        assert!(lag_points(&runs, t(8 + 600), 1.0).len() == 1);
    }

    #[test]
    fn the_chart_is_one_svg_with_a_line_or_a_notice() {
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap();
        let drawn = svg(
            "abc<1>",
            &[(now - TimeDelta::hours(1), 90.0), (now, 30.0)],
            now,
            6.0,
        );
        assert!(drawn.starts_with("<svg") && drawn.ends_with("</svg>"));
        assert!(drawn.contains("<polyline") && drawn.contains("abc&lt;1&gt;"));
        assert!(drawn.contains("100 s"), "{drawn}");
        let empty = svg("abc", &[], now, 6.0);
        assert!(!empty.contains("<polyline") && empty.contains("no successful pass"));
        assert_eq!(nice_ceiling(3.2), 5.0);
        assert_eq!(nice_ceiling(0.7), 1.0);
    }
}
