//! Pure geometry of the analytics charts: a linear scale, a "nice" axis top with its
//! ticks, and polyline paths with gaps. The charts are inline SVG drawn by the app on
//! the server (and the same on hydration), so this is plain arithmetic, tested here.

/// Maps `[domain.0, domain.1]` onto `[range.0, range.1]` (the range may run downwards,
/// as a y axis does).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scale {
    pub domain: (f64, f64),
    pub range: (f64, f64),
}

impl Scale {
    pub fn new(domain: (f64, f64), range: (f64, f64)) -> Scale {
        Scale { domain, range }
    }

    pub fn at(&self, value: f64) -> f64 {
        let (d0, d1) = self.domain;
        let (r0, r1) = self.range;
        if d1 == d0 {
            return (r0 + r1) / 2.0;
        }
        r0 + (value - d0) * (r1 - r0) / (d1 - d0)
    }
}

/// The top of a value axis: the smallest 1, 2 or 5 × 10ⁿ (n ≥ 0) at or above `max`,
/// so the ticks fall on round numbers; at least 1 (an empty chart still has an axis).
pub fn nice_max(max: f64) -> f64 {
    if max.is_nan() || max <= 1.0 {
        return 1.0;
    }
    let mut power = 1.0;
    while power * 10.0 < max {
        power *= 10.0;
    }
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|step| step * power)
        .find(|top| *top >= max)
        .unwrap_or(10.0 * power)
}

/// Tick values from 0 to `nice_max(max)` in whole, round steps: a top of 1, 2 or 5 is
/// counted in ones; 10 in twos, 20 in fives, 50 in tens, and so on.
pub fn ticks(max: f64) -> Vec<f64> {
    let top = nice_max(max);
    let parts = if top <= 5.0 {
        top
    } else {
        let mut power = 1.0;
        while power * 10.0 <= top {
            power *= 10.0;
        }
        match (top / power).round() as i64 {
            2 => 4.0,
            _ => 5.0,
        }
    };
    (0..=parts as usize)
        .map(|i| top * i as f64 / parts)
        .collect()
}

/// The points of `points` with no defined neighbour: a line cannot show them, the
/// chart marks them with a dot (an hour of samples between hours without any).
pub fn lone_points(points: &[(f64, Option<f64>)]) -> Vec<(f64, f64)> {
    let defined = |i: Option<usize>| {
        i.and_then(|i| points.get(i))
            .is_some_and(|(_, y)| y.is_some())
    };
    points
        .iter()
        .enumerate()
        .filter_map(|(i, (x, y))| {
            let y = (*y)?;
            (!defined(i.checked_sub(1)) && !defined(Some(i + 1))).then_some((*x, y))
        })
        .collect()
}

/// An SVG path through `points` left to right; a `None` value breaks the line (an
/// hour without a sample is not a zero). A point alone between gaps is a dot (a
/// zero-length line, drawn by a round line cap).
pub fn line_path(points: &[(f64, Option<f64>)]) -> String {
    let mut path = String::new();
    let mut drawing = false;
    let mut run = 0;
    for (x, y) in points {
        match y {
            Some(y) => {
                let command = if drawing { 'L' } else { 'M' };
                if !path.is_empty() && !drawing {
                    path.push(' ');
                }
                if drawing {
                    path.push(' ');
                }
                path.push_str(&format!("{command}{} {}", round1(*x), round1(*y)));
                drawing = true;
                run += 1;
            }
            None => {
                close_lone_point(&mut path, run);
                drawing = false;
                run = 0;
            }
        }
    }
    close_lone_point(&mut path, run);
    path
}

fn close_lone_point(path: &mut String, run: usize) {
    if run == 1 {
        path.push_str(" h0");
    }
}

/// One decimal: enough for a viewBox of a few hundred units, and stable text for
/// hydration (the server and the browser print the same path).
fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// An axis label: whole numbers as such, the rest with one decimal; thousands as "k".
pub fn tick_label(value: f64) -> String {
    if value >= 10_000.0 {
        return format!("{}k", (value / 1000.0).round());
    }
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_map_both_ways() {
        let y = Scale::new((0.0, 10.0), (200.0, 0.0));
        assert_eq!(y.at(0.0), 200.0);
        assert_eq!(y.at(10.0), 0.0);
        assert_eq!(y.at(2.5), 150.0);
        let flat = Scale::new((3.0, 3.0), (0.0, 100.0));
        assert_eq!(flat.at(3.0), 50.0, "one point sits in the middle");
    }

    #[test]
    fn axis_tops_are_round() {
        let cases = [
            (0.0, 1.0),
            (f64::NAN, 1.0),
            (1.0, 1.0),
            (1.5, 2.0),
            (3.0, 5.0),
            (7.0, 10.0),
            (10.0, 10.0),
            (11.0, 20.0),
            (66.67, 100.0),
            (100.0, 100.0),
            (101.0, 200.0),
            (4_200.0, 5_000.0),
        ];
        for (max, top) in cases {
            assert_eq!(nice_max(max), top, "{max}");
        }
    }

    #[test]
    fn ticks_are_whole_steps() {
        assert_eq!(ticks(0.0), vec![0.0, 1.0]);
        assert_eq!(ticks(2.0), vec![0.0, 1.0, 2.0]);
        assert_eq!(ticks(4.0), vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(ticks(7.0), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(ticks(15.0), vec![0.0, 5.0, 10.0, 15.0, 20.0]);
        assert_eq!(ticks(150.0), vec![0.0, 50.0, 100.0, 150.0, 200.0]);
        assert_eq!(ticks(420.0), vec![0.0, 100.0, 200.0, 300.0, 400.0, 500.0]);
    }

    #[test]
    fn lone_points_are_found() {
        let points = [
            (0.0, Some(1.0)),
            (1.0, None),
            (2.0, Some(2.0)),
            (3.0, Some(3.0)),
            (4.0, None),
            (5.0, Some(4.0)),
        ];
        assert_eq!(lone_points(&points), vec![(0.0, 1.0), (5.0, 4.0)]);
        assert_eq!(lone_points(&[]), vec![]);
    }

    #[test]
    fn paths_break_at_gaps_and_dot_lone_points() {
        assert_eq!(line_path(&[]), "");
        let points = [
            (0.0, Some(10.0)),
            (10.0, Some(5.25)),
            (20.0, None),
            (30.0, Some(1.0)),
            (40.0, None),
            (50.0, Some(2.0)),
            (60.0, Some(3.0)),
        ];
        assert_eq!(line_path(&points), "M0 10 L10 5.3 M30 1 h0 M50 2 L60 3");
        assert_eq!(line_path(&[(5.0, Some(1.0))]), "M5 1 h0");
    }

    #[test]
    fn labels_read_short() {
        assert_eq!(tick_label(0.0), "0");
        assert_eq!(tick_label(2.5), "2.5");
        assert_eq!(tick_label(5_000.0), "5000");
        assert_eq!(tick_label(20_000.0), "20k");
    }
}
