use super::*;
use crate::metrics::testkit::{Columns, assert_close, assert_some_close};

/// 40 min at 6:00 /km (2.78 m/s) with pickups (start, seconds, speed); heart rate
/// follows speed with a 25-s lag, +40 bpm per m/s above the easy pace.
fn with_pickups(pickups: &[(usize, usize, f32)], hr: bool) -> Columns {
    let n = 2400;
    let easy = 1000.0 / 360.0;
    let mut c = Columns::steady(n, easy, 135.0);
    for &(from, len, v) in pickups {
        c.speed_mps
            .iter_mut()
            .skip(from)
            .take(len)
            .for_each(|s| *s = Some(v));
    }
    let mut h = 135.0f32;
    c.hr_bpm = c
        .speed_mps
        .iter()
        .map(|v| {
            let target = 135.0 + 40.0 * (v.unwrap_or(easy) - easy);
            h += (target - h) / 25.0;
            hr.then_some(h)
        })
        .collect();
    c
}

fn spans(s: &[Surge]) -> Vec<(u32, u32)> {
    s.iter().map(|s| (s.span.start_s, s.span.end_s)).collect()
}

/// Asserts each found span is within `tol_s` of the wanted one.
#[track_caller]
fn assert_spans(found: &[Surge], want: &[(u32, u32)], tol_s: u32) {
    let got = spans(found);
    assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
    for (g, w) in got.iter().zip(want) {
        assert!(
            g.0.abs_diff(w.0) <= tol_s && g.1.abs_diff(w.1) <= tol_s,
            "{got:?} vs {want:?}"
        );
    }
}

#[test]
fn a_steady_run_has_no_surge() {
    let activity = Columns::steady(1200, 3.0, 140.0).build();
    assert!(surges(&activity).is_empty());
    assert_some_close(gap_speed_cv_pct(&activity), 0.0, 1e-9);
}

#[test]
fn four_ninety_second_pickups_to_3_50_are_four_surges() {
    let fast = 1000.0 / 230.0;
    let starts = [400usize, 800, 1200, 1600];
    let pickups: Vec<(usize, usize, f32)> = starts.iter().map(|&s| (s, 90, fast)).collect();
    let found = surges(&with_pickups(&pickups, true).build());
    let want: Vec<(u32, u32)> = starts.iter().map(|&s| (s as u32, s as u32 + 90)).collect();
    assert_spans(&found, &want, 5);
    for s in &found {
        assert_close(s.mean_speed_ratio, 360.0 / 230.0, 0.05);
        assert!(s.hr_rise_bpm.is_some_and(|r| r > 20.0), "{s:?}");
    }
}

#[test]
fn a_single_three_minute_effort_is_one_surge() {
    let found = surges(&with_pickups(&[(1000, 180, 4.6)], true).build());
    assert_spans(&found, &[(1000, 1180)], 5);
}

#[test]
fn fartlek_one_on_one_off_is_found() {
    let pickups: Vec<(usize, usize, f32)> = (0..8).map(|k| (600 + 120 * k, 60, 3.6f32)).collect();
    let found = surges(&with_pickups(&pickups, true).build());
    assert!(found.len() >= 6, "{:?}", spans(&found));
}

#[test]
fn without_heart_rate_the_pace_alone_decides() {
    let found = surges(&with_pickups(&[(1000, 90, 4.0)], false).build());
    assert_spans(&found, &[(1000, 1090)], 5);
    assert_eq!(found.first().and_then(|s| s.hr_rise_bpm), None);
}

#[test]
fn a_pickup_the_heart_does_not_answer_is_not_a_surge() {
    // GPS noise: the "pickup" leaves heart rate at 135.
    let mut c = with_pickups(&[(1000, 60, 3.6)], false);
    c.hr_bpm = vec![Some(135.0); 2400];
    assert!(surges(&c.build()).is_empty());
}

#[test]
fn short_pickups_are_not_surges_and_close_ones_merge() {
    let activity = with_pickups(&[(1000, 20, 3.9)], true).build();
    assert!(
        surges(&activity).is_empty(),
        "20 s is a stride, not a surge"
    );
    let activity = with_pickups(&[(1000, 25, 3.9), (1030, 25, 3.9)], true).build();
    assert_spans(&surges(&activity), &[(1000, 1055)], 4);
}

#[test]
fn the_first_minutes_do_not_surge() {
    let activity = with_pickups(&[(0, 90, 3.6)], true).build();
    assert!(surges(&activity).is_empty());
}

#[test]
fn a_faster_second_half_is_not_a_surge_of_the_whole_half() {
    // 20 min at 6:30 /km, then 20 min at 5:30 /km: a progression, not a pickup.
    let mut c = with_pickups(&[], true);
    for (i, v) in c.speed_mps.iter_mut().enumerate() {
        *v = Some(if i < 1200 {
            1000.0 / 390.0
        } else {
            1000.0 / 330.0
        });
    }
    let found = surges(&c.build());
    let total: u32 = found.iter().map(|s| s.span.len_s()).sum();
    assert!(total <= 90, "{:?}", spans(&found));
}

#[test]
fn a_climb_at_even_effort_is_not_a_surge_nor_is_a_descent() {
    // 3 min up 8 % at the slower speed of the same effort, 3 min down 8 % faster.
    let mut c = with_pickups(&[], true);
    let up = crate::metrics::grade_adjusted_speed(1.0, f64::from(0.08f32));
    let down = crate::metrics::grade_adjusted_speed(1.0, f64::from(-0.08f32));
    let easy = 1000.0 / 360.0;
    for (i, v) in c.speed_mps.iter_mut().enumerate() {
        if (1000..1180).contains(&i) {
            *v = Some((easy / up) as f32);
        } else if (1180..1360).contains(&i) {
            // Gravity's free speed: 25 % faster than even effort would give.
            *v = Some((1.25 * easy / down) as f32);
        }
    }
    c.grade = (0..2400)
        .map(|i| {
            Some(if (1000..1180).contains(&i) {
                0.08
            } else if (1180..1360).contains(&i) {
                -0.08
            } else {
                0.0
            })
        })
        .collect();
    assert!(surges(&c.build()).is_empty());
}

#[test]
fn run_walk_running_is_not_a_surge() {
    // 4 min running at 6:00 /km, 1 min walking at 1.4 m/s, repeated; HR follows.
    let mut c = with_pickups(&[], false);
    let mut h = 130.0f32;
    let speeds: Vec<f32> = (0..2400)
        .map(|i| if i % 300 >= 240 { 1.4 } else { 1000.0 / 360.0 })
        .collect();
    c.hr_bpm = speeds
        .iter()
        .map(|v| {
            h += (100.0 + 12.0 * v - h) / 25.0;
            Some(h)
        })
        .collect();
    c.speed_mps = speeds.into_iter().map(Some).collect();
    assert!(surges(&c.build()).is_empty());
}

#[test]
fn pace_cv_of_alternating_blocks() {
    // 30-s blocks alternating 3 and 4 m/s: mean 3.5, population sd 0.5.
    let mut c = Columns::steady(1200, 3.0, 140.0);
    for (i, v) in c.speed_mps.iter_mut().enumerate() {
        *v = Some(if (i / 30) % 2 == 0 { 3.0 } else { 4.0 });
    }
    assert_some_close(gap_speed_cv_pct(&c.build()), 100.0 * 0.5 / 3.5, 1e-9);
    assert_eq!(
        gap_speed_cv_pct(&Columns::steady(59, 3.0, 140.0).build()),
        None
    );
}

/// Random runs with holes in time, stops, seconds without speed, non-finite speeds
/// (`-0.0`, NaN, infinity) and grades.
fn rough_runs() -> Vec<Activity> {
    use easyrun_testkit::synth::SplitMix64;
    let mut rng = SplitMix64::new(16);
    (0..24usize)
        .map(|case| {
            let n = 40 + 211 * case;
            let mut c = Columns::steady(n, 3.0, 140.0);
            for i in 0..n {
                if let (Some(v), Some(m)) = (c.speed_mps.get_mut(i), c.moving.get_mut(i)) {
                    *v = match rng.next_u64() % 60 {
                        0 => None,
                        1 => Some(-0.0),
                        2 => Some(f32::NAN),
                        3 => Some(f32::INFINITY),
                        4..=9 => Some(1.2),
                        _ => Some((3.0 + 0.8 * rng.gauss()) as f32),
                    };
                    *m = !rng.next_u64().is_multiple_of(25);
                }
            }
            c.grade = (0..n)
                .map(|_| (!rng.next_u64().is_multiple_of(8)).then(|| (0.08 * rng.gauss()) as f32))
                .collect();
            let mut t = 0u32;
            c.t_s = (0..n)
                .map(|_| {
                    t += if rng.next_u64().is_multiple_of(50) {
                        4
                    } else {
                        1
                    };
                    t
                })
                .collect();
            c.build()
        })
        .collect()
}

#[test]
fn one_selection_gives_the_surges_and_the_variability_bit_for_bit() {
    for (case, a) in rough_runs().iter().enumerate() {
        let (found, cv) = surges_and_cv(a);
        assert_eq!(
            format!("{found:?}"),
            format!("{:?}", surges(a)),
            "case {case}"
        );
        assert_eq!(
            cv.map(f64::to_bits),
            gap_speed_cv_pct(a).map(f64::to_bits),
            "case {case}"
        );
    }
}

#[test]
fn walking_is_told_by_the_rolling_mean_of_raw_speed() {
    // The walk speed as the generic rolling mean gives it, second by second.
    for (case, a) in rough_runs().iter().enumerate() {
        let raw = series::moving_points(&a.seconds, |s| s.speed_mps.map(f64::from));
        let smooth = series::rolling(&raw, WALK_SMOOTHING_HALF_S, 1, |w| {
            series::mean(w.iter().map(|p| p.value))
        });
        let pts = points(a);
        assert_eq!(pts.len(), raw.len(), "case {case}");
        for ((p, q), v) in pts.iter().zip(&raw).zip(&smooth) {
            let speed = v.unwrap_or(q.value);
            assert_eq!((p.t_s, p.raw.to_bits()), (q.t_s, q.value.to_bits()));
            let walking = speed < WALK_MAX_SPEED_MPS;
            assert_eq!(p.running, !walking, "case {case}, t {}", p.t_s);
        }
    }
}
