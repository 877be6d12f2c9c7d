//! One function per clause of the coaching rule (shared/DOMAIN.md §1). Each returns the
//! reasons it finds, with the measured value, the threshold and the words a runner can
//! act on. Defaults are in [`RuleSet::default`] and docs/verdict.md.

use crate::metrics::{Metrics, TerrainClass};
use crate::model::{Activity, Sport};
use crate::profile::{HrZones, Phase};

use super::surface::Surface;
use super::verdict::{Reason, ReasonCode, Severity, clock};

/// Thresholds of every rule; all configurable, defaults documented in docs/verdict.md.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSet {
    /// Share of HR-moving time above the ceiling that warns / fails.
    pub hard_warn_share: f64,
    pub hard_fail_share: f64,
    /// Moving-time limit, minutes, in base and in build/peak.
    pub base_limit_min: f64,
    pub build_limit_min: f64,
    /// Over `limit × this` fails (below warns).
    pub long_fail_factor: f64,
    /// Below this many moving minutes: `too_short` (information).
    pub short_min: f64,
    /// Surges: this many or more fail; fewer (but some) warn. Or this much surge time.
    pub surge_fail_count: usize,
    pub surge_fail_total_s: u32,
    /// Decoupling, %: above warns / fails.
    pub drift_warn_pct: f64,
    pub drift_fail_pct: f64,
    /// Share of moving time with unusable HR (artifacts, cadence lock, dropouts) above
    /// which intensity is not judged.
    pub unreliable_share: f64,
}

impl Default for RuleSet {
    fn default() -> Self {
        RuleSet {
            hard_warn_share: 0.10,
            hard_fail_share: 0.25,
            base_limit_min: 45.0,
            build_limit_min: 75.0,
            long_fail_factor: 1.33,
            short_min: 20.0,
            surge_fail_count: 3,
            surge_fail_total_s: 300,
            drift_warn_pct: 5.0,
            drift_fail_pct: 10.0,
            unreliable_share: 0.30,
        }
    }
}

fn reason(
    code: ReasonCode,
    severity: Severity,
    message: String,
    value: Option<f64>,
    threshold: Option<f64>,
    unit: &'static str,
) -> Reason {
    // Three decimals keep output stable and readable; the message has the rounded text.
    let round = |v: f64| (v * 1000.0).round() / 1000.0;
    Reason {
        code,
        severity,
        message,
        value: value.map(round),
        threshold: threshold.map(round),
        unit,
        spans: Vec::new(),
    }
}

fn spans_text(spans: &[crate::model::Span], max: usize) -> String {
    let mut parts: Vec<String> = spans
        .iter()
        .take(max)
        .map(|s| format!("{}–{}", clock(s.start_s), clock(s.end_s)))
        .collect();
    if spans.len() > max {
        parts.push(format!("and {} more", spans.len() - max));
    }
    parts.join(", ")
}

/// `not_a_run`: only runs are judged as recovery runs.
pub fn not_a_run(activity: &Activity) -> Option<Reason> {
    if activity.header.sport == Some(Sport::Running) {
        return None;
    }
    let what = activity
        .header
        .sport
        .as_ref()
        .map_or("unknown sport", |s| s.as_str());
    Some(reason(
        ReasonCode::NotARun,
        Severity::Unknown,
        format!("not a run ({what}): recovery-run rules do not apply"),
        None,
        None,
        "",
    ))
}

/// `no_hr` and `hr_unreliable`; `None` when intensity can be judged. The second value is
/// an informational `hr_unreliable` when some spans were excluded but not enough to
/// stop judging.
pub fn hr_quality(activity: &Activity, m: &Metrics, rules: &RuleSet) -> Vec<Reason> {
    let c = &activity.cleaning;
    if activity
        .seconds
        .iter()
        .all(|s| s.hr_raw_bpm.is_none_or(|h| h <= 0.0))
    {
        return vec![reason(
            ReasonCode::NoHr,
            Severity::Unknown,
            "no heart rate recorded: intensity cannot be judged".to_string(),
            None,
            None,
            "",
        )];
    }
    if m.moving_s == 0 {
        return Vec::new();
    }
    let unusable = f64::from(m.moving_s.saturating_sub(m.hr_moving_s)) / f64::from(m.moving_s);
    let lock_s = c.hr_cadence_lock_s;
    let detail = |lock_s: u32| {
        let mut d = Vec::new();
        if lock_s > 0 {
            d.push(format!(
                "heart rate locked onto the step rate for {} min ({})",
                lock_s / 60,
                spans_text(&c.cadence_lock_spans, 3)
            ));
        }
        if c.hr_erratic_s > 0 {
            d.push(format!(
                "the trace changes faster than a heart can throughout ({} s untrusted)",
                c.hr_erratic_s
            ));
        }
        let artifacts = c.hr_implausible_s + c.hr_above_max_s + c.hr_spike_s + c.hr_swing_s;
        if artifacts > 0 {
            d.push(format!(
                "{artifacts} s of artifacts removed (spikes, swings, values above max)"
            ));
        }
        if c.hr_missing_s > 0 {
            d.push(format!("{} s of dropouts", c.hr_missing_s));
        }
        d.join("; ")
    };
    if unusable > rules.unreliable_share {
        let mut r = reason(
            ReasonCode::HrUnreliable,
            Severity::Unknown,
            format!(
                "heart rate unreliable for {:.0} % of moving time ({}): intensity not judged",
                unusable * 100.0,
                detail(lock_s)
            ),
            Some(unusable),
            Some(rules.unreliable_share),
            "share",
        );
        r.spans = c.cadence_lock_spans.clone();
        return vec![r];
    }
    if lock_s > 0 {
        let mut r = reason(
            ReasonCode::HrUnreliable,
            Severity::Info,
            format!("{}: excluded from the intensity rules", detail(lock_s)),
            Some(unusable),
            Some(rules.unreliable_share),
            "share",
        );
        r.spans = c.cadence_lock_spans.clone();
        return vec![r];
    }
    Vec::new()
}

/// `too_hard`: time above the conversational ceiling, or an average above it.
pub fn too_hard(m: &Metrics, zones: &HrZones, rules: &RuleSet) -> Option<Reason> {
    let ceiling = m.ceiling.as_ref()?;
    let share = ceiling.share?;
    let avg = m.avg_hr_bpm?;
    let severity = if share > rules.hard_fail_share || avg >= zones.ceiling_bpm {
        Severity::Fail
    } else if share > rules.hard_warn_share {
        Severity::Warn
    } else {
        return None;
    };
    let mut r = reason(
        ReasonCode::TooHard,
        severity,
        format!(
            "{:.0} % of moving time above your ceiling of {:.0} bpm (avg {:.0})",
            share * 100.0,
            zones.ceiling_bpm,
            avg
        ),
        Some(share),
        Some(if severity == Severity::Fail {
            rules.hard_fail_share
        } else {
            rules.hard_warn_share
        }),
        "share",
    );
    r.spans = ceiling.spans.clone();
    Some(r)
}

/// The moving-time limit of a phase, minutes.
pub fn limit_min(phase: Phase, rules: &RuleSet) -> f64 {
    match phase {
        Phase::Base => rules.base_limit_min,
        Phase::Build | Phase::Peak => rules.build_limit_min,
    }
}

/// `too_long` (over the phase's limit) and `too_short` (information).
pub fn duration(m: &Metrics, phase: Phase, rules: &RuleSet) -> Option<Reason> {
    let minutes = f64::from(m.moving_s) / 60.0;
    let limit = limit_min(phase, rules);
    let phase_name = phase.as_str();
    if minutes > limit {
        let fail_at = limit * rules.long_fail_factor;
        let severity = if minutes > fail_at {
            Severity::Fail
        } else {
            Severity::Warn
        };
        return Some(reason(
            ReasonCode::TooLong,
            severity,
            format!(
                "{} moving: a recovery run in the {phase_name} phase lasts at most {limit:.0} min",
                clock(m.moving_s)
            ),
            Some(minutes),
            Some(if severity == Severity::Fail {
                fail_at
            } else {
                limit
            }),
            "min",
        ));
    }
    (minutes < rules.short_min).then(|| {
        reason(
            ReasonCode::TooShort,
            Severity::Info,
            format!(
                "{} moving, under {:.0} min: short, but a short easy run still beats nothing",
                clock(m.moving_s),
                rules.short_min
            ),
            Some(minutes),
            Some(rules.short_min),
            "min",
        )
    })
}

/// `surges`: pace pickups.
pub fn surges(m: &Metrics, rules: &RuleSet) -> Option<Reason> {
    if m.surges.is_empty() {
        return None;
    }
    let total: u32 = m.surges.iter().map(|s| s.span.len_s()).sum();
    let n = m.surges.len();
    let severity = if n >= rules.surge_fail_count || total >= rules.surge_fail_total_s {
        Severity::Fail
    } else {
        Severity::Warn
    };
    let spans: Vec<crate::model::Span> = m.surges.iter().map(|s| s.span).collect();
    let mut r = reason(
        ReasonCode::Surges,
        severity,
        format!(
            "{n} surge{}: {} — a recovery run stays steady",
            if n == 1 { "" } else { "s" },
            spans_text(&spans, 4)
        ),
        Some(n as f64),
        Some(rules.surge_fail_count as f64),
        "count",
    );
    r.spans = spans;
    Some(r)
}

/// `hr_drift`: Pa:HR decoupling.
pub fn drift(m: &Metrics, rules: &RuleSet) -> Option<Reason> {
    let d = m.decoupling.drift()?;
    let severity = if d.decoupling_pct > rules.drift_fail_pct {
        Severity::Fail
    } else if d.decoupling_pct > rules.drift_warn_pct {
        Severity::Warn
    } else {
        return None;
    };
    let which = if d.cardiac_drift_pct.abs() >= d.speed_change_pct.abs() {
        format!(
            "heart rate rose {:.0} % ({:.0} → {:.0} bpm) at steady pace",
            d.cardiac_drift_pct, d.first_half_hr_bpm, d.second_half_hr_bpm
        )
    } else {
        format!(
            "pace fell {:.0} % at steady heart rate",
            -d.speed_change_pct
        )
    };
    Some(reason(
        ReasonCode::HrDrift,
        severity,
        format!(
            "decoupling {:.1} % between halves ({which}): the effort was not sustainably easy",
            d.decoupling_pct
        ),
        Some(d.decoupling_pct),
        Some(if severity == Severity::Fail {
            rules.drift_fail_pct
        } else {
            rules.drift_warn_pct
        }),
        "pct",
    ))
}

/// `hilly`: rolling warns, hilly fails.
pub fn hilly(m: &Metrics) -> Option<Reason> {
    let t = &m.terrain;
    let severity = match t.class? {
        TerrainClass::Flat => return None,
        TerrainClass::Rolling => Severity::Warn,
        TerrainClass::Hilly => Severity::Fail,
    };
    let per_km = t.ascent_per_km_m?;
    Some(reason(
        ReasonCode::Hilly,
        severity,
        format!(
            "{:.0} m of climbing ({per_km:.0} m/km, {:.0} % of distance steeper than 4 %): recovery runs belong on flat ground",
            t.ascent_m.unwrap_or(0.0),
            t.steep_share.unwrap_or(0.0) * 100.0
        ),
        Some(per_km),
        Some(if severity == Severity::Fail {
            crate::metrics::terrain::HILLY_MIN_ASCENT_PER_KM_M
        } else {
            crate::metrics::terrain::FLAT_MAX_ASCENT_PER_KM_M
        }),
        "m_per_km",
    ))
}

/// Fewest moving seconds a run needs to be judged at all.
pub const MIN_MOVING_S: u32 = 60;

/// `no_moving_time`: under a minute of usable moving time (a clock that ran backwards,
/// a speed stream stuck at 0 with no distance, a file of a few seconds).
pub fn no_moving_time(m: &Metrics) -> Option<Reason> {
    (m.moving_s < MIN_MOVING_S).then(|| {
        reason(
            ReasonCode::NoMovingTime,
            Severity::Unknown,
            format!(
                "{} s of usable moving time: too little to judge",
                m.moving_s
            ),
            Some(f64::from(m.moving_s)),
            Some(f64::from(MIN_MOVING_S)),
            "s",
        )
    })
}

/// `time_repaired`: what was done to the file's clock (information) — forward jumps taken
/// out, backward steps re-timed (clean::clock), records dropped because their time ran
/// backwards (the grid).
pub fn time_repaired(activity: &Activity) -> Option<Reason> {
    let c = &activity.cleaning;
    let mut said = Vec::new();
    let mut fixed_s: i64 = 0;
    for j in &c.clock_jumps {
        fixed_s += j.by_s;
        said.push(if j.forward {
            format!(
                "the clock jumped {} forward at {} with no pause recorded: the jump is not counted",
                duration_words(j.by_s),
                clock(j.at_s)
            )
        } else {
            format!(
                "the clock was set back {} at {}: the records after it were kept and re-timed",
                duration_words(j.by_s),
                clock(j.at_s)
            )
        });
    }
    if c.backwards_samples > 0 {
        said.push(format!(
            "{} of records dropped ({} records): timestamps ran backwards",
            duration_words(i64::from(c.backwards_dropped_s)),
            c.backwards_samples
        ));
    }
    (!said.is_empty()).then(|| {
        reason(
            ReasonCode::TimeRepaired,
            Severity::Info,
            said.join("; "),
            Some((fixed_s + i64::from(c.backwards_dropped_s)) as f64),
            None,
            "s",
        )
    })
}

/// `start_unknown`: the file's clock counts from device power-on and nothing in it dates
/// the run (information: per-run rules are unaffected; history cannot place it).
pub fn start_unknown(activity: &Activity) -> Option<Reason> {
    (!activity.header.time_base.start_known()).then(|| {
        reason(
            ReasonCode::StartUnknown,
            Severity::Info,
            "start unknown: the file's timestamps count from the device's power-on and \
             nothing in it gives the date"
                .to_string(),
            None,
            None,
            "",
        )
    })
}

/// "20 d 5 h", "3 h 12 min", "14 min", "40 s": a clock repair in words.
fn duration_words(s: i64) -> String {
    let s = s.max(0);
    if s >= 86_400 {
        format!("{} d {} h", s / 86_400, (s % 86_400) / 3600)
    } else if s >= 3600 {
        format!("{} h {} min", s / 3600, (s % 3600) / 60)
    } else if s >= 60 {
        format!("{} min", s / 60)
    } else {
        format!("{s} s")
    }
}

/// Why the surface is unknown, for the `surface_unknown` reason and the clause: the
/// file's silence, and, when maps were given, why none of them could say.
pub fn surface_unknown_why(no_map: Option<&crate::surface::NoMapSurface>) -> &'static str {
    use crate::surface::NoMapSurface;
    match no_map {
        None | Some(NoMapSurface::NoMaps) => "surface unknown: the file does not say road or trail",
        Some(NoMapSurface::NotCovered) => {
            "surface unknown: the file does not say road or trail, and no map given covers the run"
        }
        Some(NoMapSurface::NoGps) => {
            "surface unknown: the file does not say road or trail, and without positions the map cannot"
        }
    }
}

/// Says in `assessment` why the maps given could not tell the surface (a run they do
/// not cover, a run without positions): the `surface_unknown` reason and the surface
/// clause name it.
pub fn surface_unknown_with_maps(
    assessment: &mut crate::judge::Assessment,
    no_map: &crate::surface::NoMapSurface,
) {
    let why = surface_unknown_why(Some(no_map));
    for r in assessment
        .reasons
        .iter_mut()
        .filter(|r| r.code == ReasonCode::SurfaceUnknown)
    {
        r.message = format!("{why}, so the soft-ground clause was not checked");
    }
    super::clauses::surface_not_checkable(&mut assessment.clauses, why);
}

/// `surface_unknown`: the soft-ground clause could not be checked (information).
pub fn surface_unknown(activity: &Activity, surface: Surface) -> Option<Reason> {
    (surface == Surface::Unknown && activity.header.sport == Some(Sport::Running)).then(|| {
        reason(
            ReasonCode::SurfaceUnknown,
            Severity::Info,
            format!(
                "{}, so the soft-ground clause was not checked",
                surface_unknown_why(None)
            ),
            None,
            None,
            "",
        )
    })
}

/// `hard_surface`: a run the file says was on the road.
pub fn hard_surface(surface: Surface) -> Option<Reason> {
    (surface == Surface::Road).then(|| {
        reason(
            ReasonCode::HardSurface,
            Severity::Warn,
            "run on road: soft ground (trail, grass, treadmill) spares the legs on recovery days"
                .to_string(),
            None,
            None,
            "",
        )
    })
}

/// Share of moving distance on paved ground (from the map) from which a run counts as
/// run on hard surface: "most of the run".
pub const MAP_PAVED_SHARE_WARN: f64 = 0.5;

/// `hard_surface` from the map: most of the moving distance matched to paved ways.
pub fn hard_surface_from_map(map: &crate::surface::MapSurface) -> Option<Reason> {
    (map.shares.paved >= MAP_PAVED_SHARE_WARN).then(|| {
        reason(
            ReasonCode::HardSurface,
            Severity::Warn,
            format!(
                "{:.0} % of the run on paved ground (longest paved stretch {:.1} km, from the map): soft ground (trail, grass, treadmill) spares the legs on recovery days",
                map.shares.paved * 100.0,
                map.longest_paved_m / 1000.0
            ),
            Some(map.shares.paved),
            Some(MAP_PAVED_SHARE_WARN),
            "share",
        )
    })
}
