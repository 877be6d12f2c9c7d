//! Sanity checks of the scenarios: each file is read back from its bytes, cleaned, and
//! the numbers every rule looks at are recomputed here, independently of the metrics
//! code. Each number must sit far from its thresholds (margins below), and a small
//! re-statement of the rules applied to them must give the manifest's verdict and codes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use super::*;
use easyrun::clean;
use easyrun::model::{Activity, Format, HrFlag};

/// Margins: how far a measured number must stay from each threshold.
const SHARE_MARGIN: f64 = 0.05;
const AVG_HR_MARGIN_BPM: f64 = 5.0;
const DURATION_MARGIN_S: f64 = 180.0;
const DRIFT_MARGIN_PCT: f64 = 2.5;
const ASCENT_MARGIN_M_PER_KM: f64 = 4.0;
const STEEP_MARGIN: f64 = 0.03;
const UNRELIABLE_MARGIN: f64 = 0.10;
const SURGE_TOTAL_MARGIN_S: f64 = 60.0;
const SURGE_RATIO_MARGIN: f64 = 0.06;
const MAX_FILE_BYTES: usize = 150 * 1024;

/// What the flags say about the athlete.
struct Athlete {
    ceiling_bpm: f64,
    limit_s: f64,
}

fn athlete(flags: &[String]) -> Athlete {
    let value = |name: &str| {
        flags
            .iter()
            .position(|f| f == name)
            .map(|i| flags[i + 1].clone())
    };
    let num = |name: &str| value(name).map(|v| v.parse::<f64>().unwrap());
    let ceiling_bpm = match (num("--lthr"), num("--max-hr"), num("--rest-hr")) {
        (Some(l), _, _) => 0.85 * l,
        (None, Some(m), Some(r)) => r + 0.65 * (m - r),
        other => panic!("no ceiling in {flags:?}: {other:?}"),
    };
    let limit_s = match value("--phase").as_deref() {
        Some("base") | None => 45.0 * 60.0,
        Some("build" | "peak") => 75.0 * 60.0,
        Some(p) => panic!("phase {p}"),
    };
    Athlete {
        ceiling_bpm,
        limit_s,
    }
}

/// The numbers the rules look at.
#[derive(Debug)]
struct Measured {
    is_run: bool,
    street: bool,
    /// A run whose surface the file does not state.
    surface_unknown: bool,
    indoor: bool,
    any_hr: bool,
    moving_s: f64,
    /// Moving seconds with usable heart rate.
    hr_s: f64,
    above_s: f64,
    avg_hr_bpm: f64,
    max_clean_hr_bpm: f64,
    lock_s: f64,
    /// Moving seconds whose reading was locked, a spike, implausible or missing.
    unreliable_s: f64,
    /// Surge counts at the nominal threshold (1.15, 30 s), a looser (1.10, 20 s) and a
    /// stricter one (1.20, 45 s): all three must agree.
    surges: [usize; 3],
    surge_total_s: f64,
    max_smoothed_ratio: f64,
    /// Seconds after the warm-up, and the decoupling over them (when HR covers ≥ 80 %).
    analysed_s: f64,
    decoupling_pct: Option<f64>,
    ascent_per_km_m: f64,
    steep_share: f64,
}

/// Strava's equal-heart-rate GAP factor, the cubic through its published points
/// (−10 % → 0.876, +10 % → 1.459, +20 % → 2.297), written out term by term.
fn equal_hr(grade: f64) -> f64 {
    let i = grade.clamp(-0.30, 0.30);
    1.0 + 2.841_666_666_666_667 * i + 16.75 * i.powi(2) + 7.333_333_333_333_333 * i.powi(3)
}

fn gap(s: &easyrun::model::Second) -> Option<f64> {
    let v = f64::from(s.speed_mps?);
    Some(v * equal_hr(s.grade.map_or(0.0, f64::from)))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    if v.is_empty() { 0.0 } else { v[v.len() / 2] }
}

/// Surges: runs of moving seconds whose centred 11-s mean GAP is ≥ `ratio` × the median,
/// merged across gaps < 10 s, at least `min_s` long. Returns (count, total seconds).
fn surges(a: &Activity, ratio: f64, min_s: u32) -> (usize, f64, f64) {
    let moving: Vec<&easyrun::model::Second> = a.seconds.iter().filter(|s| s.moving).collect();
    let med = median(moving.iter().filter_map(|s| gap(s)).collect());
    let by_t: std::collections::HashMap<u32, f64> = moving
        .iter()
        .filter_map(|s| Some((s.t_s, gap(s)?)))
        .collect();
    let mut spans: Vec<(u32, u32)> = Vec::new();
    let mut max_ratio = 0.0f64;
    for s in &moving {
        let vals: Vec<f64> = (s.t_s.saturating_sub(5)..=s.t_s + 5)
            .filter_map(|t| by_t.get(&t).copied())
            .collect();
        if vals.is_empty() || med <= 0.0 {
            continue;
        }
        let r = vals.iter().sum::<f64>() / vals.len() as f64 / med;
        max_ratio = max_ratio.max(r);
        if r >= ratio {
            match spans.last_mut() {
                Some(last) if s.t_s - last.1 < 10 => last.1 = s.t_s + 1,
                _ => spans.push((s.t_s, s.t_s + 1)),
            }
        }
    }
    let kept: Vec<_> = spans.iter().filter(|(a, b)| b - a >= min_s).collect();
    let total = kept.iter().map(|(a, b)| f64::from(b - a)).sum();
    (kept.len(), total, max_ratio)
}

/// Pa:HR decoupling over moving seconds after the first 600, halves of moving time.
fn decoupling(a: &Activity) -> (f64, Option<f64>) {
    let rest: Vec<&easyrun::model::Second> =
        a.seconds.iter().filter(|s| s.moving).skip(600).collect();
    let n = rest.len();
    let with_hr = rest.iter().filter(|s| s.hr_bpm.is_some()).count();
    if n < 600 || (with_hr as f64) < 0.8 * n as f64 {
        return (n as f64, None);
    }
    let ef = |half: &[&easyrun::model::Second]| {
        let v: Vec<f64> = half.iter().filter_map(|s| gap(s)).collect();
        let h: Vec<f64> = half
            .iter()
            .filter_map(|s| s.hr_bpm.map(f64::from))
            .collect();
        (v.iter().sum::<f64>() / v.len() as f64) / (h.iter().sum::<f64>() / h.len() as f64)
    };
    let (first, second) = rest.split_at(n / 2);
    let (e1, e2) = (ef(first), ef(second));
    (n as f64, Some(100.0 * (e1 - e2) / e1))
}

/// Ascent with hysteresis (extreme to extreme) over moving seconds, per moving km, and
/// the share of moving distance steeper than 4 %.
fn terrain(a: &Activity, hysteresis_m: f64) -> (f64, f64) {
    let mut ascent = 0.0;
    let mut low: Option<f64> = None;
    let mut high: Option<f64> = None;
    let mut climbing = false;
    for alt in a
        .seconds
        .iter()
        .filter(|s| s.moving)
        .filter_map(|s| s.altitude_m.map(f64::from))
    {
        let (lo, hi) = (*low.get_or_insert(alt), *high.get_or_insert(alt));
        if climbing {
            if alt > hi {
                high = Some(alt);
            } else if alt < hi - hysteresis_m {
                ascent += hi - lo;
                climbing = false;
                low = Some(alt);
            }
        } else if alt < lo {
            low = Some(alt);
            high = Some(alt);
        } else if alt > lo + hysteresis_m {
            climbing = true;
            high = Some(alt);
        }
    }
    if climbing {
        ascent += high.unwrap_or(0.0) - low.unwrap_or(0.0);
    }
    let (mut steep, mut graded) = (0.0, 0.0);
    for w in a.seconds.windows(2) {
        let (p, s) = (&w[0], &w[1]);
        if !s.moving || s.t_s != p.t_s + 1 {
            continue;
        }
        let (Some(d0), Some(d1), Some(g)) = (p.distance_m, s.distance_m, s.grade) else {
            continue;
        };
        let step = (d1 - d0).max(0.0);
        graded += step;
        if f64::from(g).abs() > 0.04 {
            steep += step;
        }
    }
    let km = a.moving_distance_m() / 1000.0;
    (
        if km > 0.0 { ascent / km } else { 0.0 },
        if graded > 0.0 { steep / graded } else { 0.0 },
    )
}

fn measure(a: &Activity, athlete: &Athlete) -> Measured {
    let moving: Vec<&easyrun::model::Second> = a.seconds.iter().filter(|s| s.moving).collect();
    let hrs: Vec<f64> = moving
        .iter()
        .filter_map(|s| s.hr_bpm.map(f64::from))
        .collect();
    let count =
        |f: &dyn Fn(&easyrun::model::Second) -> bool| moving.iter().filter(|s| f(s)).count() as f64;
    let (n1, t1, max_ratio) = surges(a, 1.15, 30);
    let (n0, _, _) = surges(a, 1.10, 20);
    let (n2, _, _) = surges(a, 1.20, 45);
    let (analysed_s, decoupling_pct) = decoupling(a);
    let hysteresis = if a.header.format == Format::Fit {
        3.0
    } else {
        5.0
    };
    let indoor = clean::elevation::is_indoor(a.header.sub_sport.as_ref());
    let (ascent_per_km_m, steep_share) = if indoor {
        (0.0, 0.0)
    } else {
        terrain(a, hysteresis)
    };
    Measured {
        is_run: a.header.sport == Some(Sport::Running),
        street: a.header.sub_sport == Some(SubSport::Street),
        surface_unknown: a.header.sport == Some(Sport::Running)
            && easyrun::judge::surface::surface(a) == easyrun::judge::Surface::Unknown,
        indoor,
        any_hr: a.seconds.iter().any(|s| s.hr_raw_bpm.is_some()),
        moving_s: moving.len() as f64,
        hr_s: hrs.len() as f64,
        above_s: hrs.iter().filter(|&&h| h > athlete.ceiling_bpm).count() as f64,
        avg_hr_bpm: hrs.iter().sum::<f64>() / hrs.len().max(1) as f64,
        max_clean_hr_bpm: hrs.iter().copied().fold(0.0, f64::max),
        lock_s: count(&|s| s.hr_flag == HrFlag::CadenceLock),
        unreliable_s: count(&|s| {
            matches!(
                s.hr_flag,
                HrFlag::CadenceLock | HrFlag::Spike | HrFlag::Implausible | HrFlag::Missing
            )
        }),
        surges: [n0, n1, n2],
        surge_total_s: t1,
        max_smoothed_ratio: max_ratio,
        analysed_s,
        decoupling_pct,
        ascent_per_km_m,
        steep_share,
    }
}

/// Requires `value` to be at least `margin` away from `threshold`.
fn far(problems: &mut Vec<String>, what: &str, value: f64, threshold: f64, margin: f64) {
    if (value - threshold).abs() < margin {
        problems.push(format!(
            "{what} = {value:.3} is within {margin} of the threshold {threshold}"
        ));
    }
}

/// The rules of the brief, applied to the measured numbers; margin problems collected.
fn judge(m: &Measured, athlete: &Athlete, problems: &mut Vec<String>) -> (Verdict, Vec<Code>) {
    #[derive(PartialEq, PartialOrd)]
    enum Sev {
        Info,
        Warn,
        Fail,
        Unknown,
    }
    let mut reasons: Vec<(Code, Sev)> = Vec::new();
    if !m.is_run {
        reasons.push((Code::NotARun, Sev::Unknown));
    }
    let mut hr_judgeable = false;
    if !m.any_hr {
        reasons.push((Code::NoHr, Sev::Unknown));
    } else {
        let unreliable = m.unreliable_s / m.moving_s;
        far(
            problems,
            "unreliable share",
            unreliable,
            0.30,
            UNRELIABLE_MARGIN,
        );
        if unreliable > 0.30 {
            reasons.push((Code::HrUnreliable, Sev::Unknown));
        } else {
            hr_judgeable = true;
            if m.lock_s > 0.0 {
                reasons.push((Code::HrUnreliable, Sev::Info));
            }
        }
    }
    if hr_judgeable && m.hr_s > 0.0 {
        let share = m.above_s / m.hr_s;
        far(problems, "share above ceiling", share, 0.10, SHARE_MARGIN);
        far(problems, "share above ceiling", share, 0.25, SHARE_MARGIN);
        far(
            problems,
            "mean HR",
            m.avg_hr_bpm,
            athlete.ceiling_bpm,
            AVG_HR_MARGIN_BPM,
        );
        if share > 0.25 || m.avg_hr_bpm >= athlete.ceiling_bpm {
            reasons.push((Code::TooHard, Sev::Fail));
        } else if share > 0.10 {
            reasons.push((Code::TooHard, Sev::Warn));
        }
    }
    let limit = athlete.limit_s;
    far(problems, "moving s", m.moving_s, limit, DURATION_MARGIN_S);
    far(
        problems,
        "moving s",
        m.moving_s,
        1.33 * limit,
        DURATION_MARGIN_S,
    );
    far(problems, "moving s", m.moving_s, 1200.0, DURATION_MARGIN_S);
    if m.moving_s > 1.33 * limit {
        reasons.push((Code::TooLong, Sev::Fail));
    } else if m.moving_s > limit {
        reasons.push((Code::TooLong, Sev::Warn));
    }
    if m.moving_s < 1200.0 {
        reasons.push((Code::TooShort, Sev::Info));
    }
    if m.surges.iter().any(|&n| n != m.surges[1]) {
        problems.push(format!(
            "surge counts depend on the threshold: {:?}",
            m.surges
        ));
    }
    far(
        problems,
        "surge total s",
        m.surge_total_s,
        300.0,
        SURGE_TOTAL_MARGIN_S,
    );
    if m.surges[1] == 0 && m.max_smoothed_ratio > 1.15 - SURGE_RATIO_MARGIN {
        problems.push(format!(
            "smoothed GAP reaches {:.3} × the median without a surge",
            m.max_smoothed_ratio
        ));
    }
    if m.surges[1] >= 3 || m.surge_total_s >= 300.0 {
        reasons.push((Code::Surges, Sev::Fail));
    } else if m.surges[1] >= 1 {
        reasons.push((Code::Surges, Sev::Warn));
    }
    if let Some(d) = m.decoupling_pct {
        far(problems, "decoupling %", d, 5.0, DRIFT_MARGIN_PCT);
        far(problems, "decoupling %", d, 10.0, DRIFT_MARGIN_PCT);
        if d > 2.5 {
            // Whether drift is judged at all then matters: ≥ 20 min after warm-up.
            far(problems, "analysed s", m.analysed_s, 1200.0, 60.0);
        }
        if m.analysed_s >= 1200.0 && d > 10.0 {
            reasons.push((Code::HrDrift, Sev::Fail));
        } else if m.analysed_s >= 1200.0 && d > 5.0 {
            reasons.push((Code::HrDrift, Sev::Warn));
        }
    }
    if !m.indoor {
        let (a, s) = (m.ascent_per_km_m, m.steep_share);
        far(problems, "ascent m/km", a, 10.0, ASCENT_MARGIN_M_PER_KM);
        far(problems, "ascent m/km", a, 20.0, ASCENT_MARGIN_M_PER_KM);
        far(problems, "steep share", s, 0.05, STEEP_MARGIN);
        far(problems, "steep share", s, 0.15, STEEP_MARGIN);
        if a > 20.0 || s > 0.15 {
            reasons.push((Code::Hilly, Sev::Fail));
        } else if a > 10.0 || s > 0.05 {
            reasons.push((Code::Hilly, Sev::Warn));
        }
    }
    if m.street {
        reasons.push((Code::HardSurface, Sev::Warn));
    }
    if m.surface_unknown {
        reasons.push((Code::SurfaceUnknown, Sev::Info));
    }
    let has = |sev: Sev| reasons.iter().any(|(_, s)| *s == sev);
    let verdict = if !m.is_run {
        Verdict::Unknown
    } else if has(Sev::Fail) {
        Verdict::Fail
    } else if has(Sev::Unknown) {
        Verdict::Unknown
    } else if has(Sev::Warn) {
        Verdict::Warn
    } else {
        Verdict::Pass
    };
    let mut codes: Vec<Code> = reasons.into_iter().map(|(c, _)| c).collect();
    codes.sort_by_key(|c| c.as_str());
    codes.dedup();
    (verdict, codes)
}

fn read_back(file: &ScenarioFile) -> (Activity, usize) {
    let bytes = file.bytes();
    let results = easyrun::ingest::read_bytes(file.path, &bytes);
    assert_eq!(results.len(), 1, "{}", file.path);
    let raw = results.into_iter().next().unwrap().expect(file.path);
    (clean::clean(&raw), bytes.len())
}

#[test]
fn every_scenario_lands_far_on_its_side_of_every_threshold() {
    let files = scenario_files();
    assert!(!files.is_empty());
    let mut failures = Vec::new();
    for file in &files {
        let (activity, size) = read_back(file);
        if size > MAX_FILE_BYTES {
            failures.push(format!("{}: {size} bytes", file.path));
        }
        for j in &file.judgements {
            let athlete = athlete(&j.flags);
            let m = measure(&activity, &athlete);
            let mut problems = Vec::new();
            let (verdict, codes) = judge(&m, &athlete, &mut problems);
            if (verdict, &codes) != (j.verdict, &j.codes) {
                problems.push(format!(
                    "expected {:?} {:?}, the rules give {verdict:?} {codes:?}",
                    j.verdict, j.codes
                ));
            }
            let target = f64::from(file.spec.duration_s);
            if (m.moving_s - target).abs() > MOVING_TOLERANCE_S / 2.0 {
                problems.push(format!("moving {} s, expected ~{target}", m.moving_s));
            }
            // `SCENARIO_DEBUG=1 cargo test --lib scenarios -- --nocapture` shows the numbers.
            if std::env::var_os("SCENARIO_DEBUG").is_some() {
                eprintln!("{} [{}] {size} B: {m:?}", file.path, j.name);
            }
            for p in problems {
                failures.push(format!("{} [{}]: {p}\n    {m:?}", file.path, j.name));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn names_are_unique_and_codes_sorted() {
    let files = scenario_files();
    let mut names: Vec<&str> = files
        .iter()
        .flat_map(|f| f.judgements.iter().map(|j| j.name))
        .collect();
    let n = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), n, "duplicate scenario names");
    let mut paths: Vec<&str> = files.iter().map(|f| f.path).collect();
    paths.sort_unstable();
    paths.dedup();
    assert_eq!(paths.len(), files.len(), "duplicate paths");
    for j in files.iter().flat_map(|f| &f.judgements) {
        let strs: Vec<&str> = j.codes.iter().map(|c| c.as_str()).collect();
        assert!(strs.windows(2).all(|w| w[0] < w[1]), "{}: {strs:?}", j.name);
    }
}

#[test]
fn cleaning_removes_the_spikes_and_the_max_stays_put() {
    let files = scenario_files();
    let file = files.iter().find(|f| f.path == "hr_artifacts.fit").unwrap();
    let mut clean_spec = file.spec.clone();
    clean_spec.hr_spikes = 0;
    clean_spec.hr_gaps.clear();
    let true_max = clean_spec
        .build()
        .samples
        .iter()
        .filter_map(|s| s.hr_bpm)
        .max()
        .map(f64::from)
        .unwrap();
    let raw_max = file
        .spec
        .build()
        .samples
        .iter()
        .filter_map(|s| s.hr_bpm)
        .max()
        .map(f64::from)
        .unwrap();
    assert!(
        raw_max >= true_max + 30.0,
        "the spikes are in the file: {raw_max}"
    );
    let (activity, _) = read_back(file);
    let athlete = athlete(&file.judgements[0].flags);
    let m = measure(&activity, &athlete);
    assert!(
        m.max_clean_hr_bpm <= true_max + 1.0,
        "clean max {} vs true {true_max}",
        m.max_clean_hr_bpm
    );
    assert_eq!(m.unreliable_s, 0.0, "every artifact is bridged");
}

#[test]
fn the_drift_scenario_decouples_by_about_fifteen_percent() {
    let files = scenario_files();
    let file = files.iter().find(|f| f.path == "hr_drift.fit").unwrap();
    let (activity, _) = read_back(file);
    let (_, d) = decoupling(&activity);
    let d = d.unwrap();
    assert!((12.5..=17.5).contains(&d), "{d}");
}
