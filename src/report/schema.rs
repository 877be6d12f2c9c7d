//! Versioned wire types of `check` (and, later, `scan`) output, kept apart from the
//! internal types so the JSON stays stable when the code moves. docs/output-schema.md
//! documents every key.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analyze::Analysis;
use crate::analyze::series::SeriesPoint;
use crate::history::baseline::BaselineCheck;
use crate::history::{Class, MaxHrEstimate, Placement};
use crate::judge::{Clause, Reason, Verdict};
use crate::metrics::{Decoupling, Load, TerrainClass};
use crate::model::{Span, Sport, SubSport, Timestamp};
use crate::profile::{Source, Sourced};
use crate::scan::Entry;
use crate::surface::SurfaceStretch;

use super::clock::LocalTimeRecord;
use super::round_to as round;

/// Bumped on any incompatible change of the records below.
pub const SCHEMA_VERSION: u32 = 1;

fn r1(v: Option<f64>) -> Option<f64> {
    v.map(|v| round(v, 1))
}

fn r3(v: Option<f64>) -> Option<f64> {
    v.map(|v| round(v, 3))
}

/// When an activity started: a UTC instant, or unknown (FIT device-uptime timestamps with
/// nothing in the file to date them). JSON: the RFC 3339 instant or `null`; text: the
/// instant or "start unknown". `at` is still the instant on the device's own clock, for
/// ordering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Start {
    /// The instant (on the device's own clock when not known).
    pub at: Timestamp,
    /// Whether `at` is a real UTC instant.
    pub known: bool,
}

impl Serialize for Start {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.known {
            self.at.serialize(s)
        } else {
            s.serialize_none()
        }
    }
}

impl std::fmt::Display for Start {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.known {
            write!(f, "{}", self.at)
        } else {
            f.write_str("start unknown")
        }
    }
}

/// One judged activity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckRecord {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The file, or `archive.zip/member`.
    pub source: String,
    /// `fit`, `gpx` or `tcx`.
    pub format: &'static str,
    /// The sport the file states.
    pub sport: Option<Sport>,
    /// The sub-sport the file states.
    pub sub_sport: Option<SubSport>,
    /// The activity's name (the file's, or an export's label).
    pub name: Option<String>,
    /// `manufacturer/product`, or whichever is known.
    pub device: Option<String>,
    /// The file's start, UTC; `null` when unknown (FIT device-uptime clock).
    pub start_time: Start,
    /// The start on the local clock, its offset and where it came from.
    #[serde(flatten)]
    pub local: LocalTimeRecord,
    /// Elapsed time, seconds.
    pub elapsed_s: f64,
    /// Moving time, seconds.
    pub moving_s: u32,
    /// Distance covered while moving, metres.
    pub distance_m: f64,
    /// Mean moving pace, seconds per km.
    pub pace_s_per_km: Option<f64>,
    /// Mean grade-adjusted pace, seconds per km.
    pub gap_s_per_km: Option<f64>,
    /// Heart rate and its quality.
    pub hr: HrRecord,
    /// The zone model, its bounds and the time in each zone.
    pub zones: ZonesRecord,
    /// The conversational ceiling and the time above it.
    pub ceiling: CeilingRecord,
    /// Pa:HR decoupling, % (null when not applicable: see `drift`).
    pub decoupling_pct: Option<f64>,
    /// Heart-rate drift between the halves, % (null when not applicable).
    pub cardiac_drift_pct: Option<f64>,
    /// Pa:HR decoupling with its quality gate: the numbers, or why there are none.
    pub drift: Decoupling,
    /// Ascent, metres.
    pub ascent_m: Option<f64>,
    /// Descent, metres.
    pub descent_m: Option<f64>,
    /// Ascent per km, metres.
    pub ascent_per_km_m: Option<f64>,
    /// Share of distance at a grade steeper than 4 %.
    pub steep_share: Option<f64>,
    /// `flat`, `rolling` or `hilly`.
    pub terrain: Option<TerrainClass>,
    /// `treadmill`, `indoor`, `track`, `trail`, `road` or `unknown`.
    pub surface: &'static str,
    /// `map`, `sport` or `none`: where the surface judgement came from.
    pub surface_source: &'static str,
    /// Fractions of moving distance from the map (`null` without a covering map).
    pub surface_shares: Option<SurfaceSharesRecord>,
    /// How the map shares came about (`null` without a covering map).
    pub surface_map: Option<SurfaceMapRecord>,
    /// Pace surges, seconds from the first sample.
    pub surges: Vec<SurgeRecord>,
    /// Coefficient of variation of 30-s grade-adjusted speed, %.
    pub pace_variability_pct: Option<f64>,
    /// Banister TRIMP.
    pub trimp: Option<f64>,
    /// Heart-rate stress score (TRIMP relative to an hour at LTHR).
    pub hrss: Option<f64>,
    /// The thresholds used, each with its source.
    pub thresholds: ThresholdsRecord,
    /// `null` only in `scan` output, for runs that are not judged as recovery runs.
    pub verdict: Option<Verdict>,
    /// The reasons behind the verdict, most severe first.
    pub reasons: Vec<Reason>,
    /// Every clause of the rule: checked, broken or not checkable (empty in `scan`
    /// output for runs that are not judged).
    pub clauses: Vec<Clause>,
    /// In a history: what the runner's own baseline says of the run (absent without a
    /// history; docs/metrics.md).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineRecord>,
    /// `check` in a history: the run's class, intent and the session it recovers from
    /// (`recovers_from` null: nothing long or hard in the window before it).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub placement: Option<Placement>,
    /// `check` in a history: the history it was judged in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<HistoryRecord>,
}

/// The history a `check` judged its runs in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryRecord {
    /// Files of the history's paths.
    pub files: usize,
    /// Activities of the history and the checked runs (duplicates out).
    pub activities: usize,
    /// Of which runs.
    pub runs: usize,
    /// Activities by class.
    pub by_class: BTreeMap<Class, usize>,
    /// The max HR estimated from the history, when one was needed.
    pub max_hr_estimate: Option<MaxHrEstimate>,
    /// History files that could not be read (skipped).
    pub unreadable: usize,
    /// Hours after a long or hard session in which a run is placed as its recovery.
    pub recovery_window_h: f64,
}

/// What the runner's own baseline says of a run: `status` `compared` (with the
/// numbers), `too_few_runs`, `pace_outside` or `no_steady_stretch`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BaselineRecord {
    /// `compared`, `too_few_runs`, `pace_outside` or `no_steady_stretch`.
    pub status: &'static str,
    /// Steady easy runs of the window the baseline is made of.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runs: Option<usize>,
    /// Runs needed (`too_few_runs`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needed_runs: Option<usize>,
    /// The run's mean HR over its steady stretch, bpm.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_hr_bpm: Option<f64>,
    /// The run's grade-adjusted pace over the same stretch, s/km.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gap_pace_s_per_km: Option<f64>,
    /// The usual HR at that pace, bpm.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usual_hr_bpm: Option<f64>,
    /// The run's HR minus the usual, bpm.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excess_bpm: Option<f64>,
    /// The excess from which the run is elevated, bpm.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold_bpm: Option<f64>,
    /// The runner's day-to-day spread, bpm.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spread_bpm: Option<f64>,
    /// The HR–speed slope used, bpm per m/s, and whether it is the runner's own fit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slope_bpm_per_mps: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Whether the slope is the runner's own fit (else the default).
    pub own_slope: Option<bool>,
    /// The baseline's slowest and fastest steady paces, s/km (`pace_outside`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slowest_pace_s_per_km: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The baseline's fastest steady pace, s/km (`pace_outside`).
    pub fastest_pace_s_per_km: Option<f64>,
    /// Whether the run's HR was clearly above the usual (`compared`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elevated: Option<bool>,
}

impl BaselineRecord {
    /// The record of `check`, rounded for output.
    pub fn of(check: &BaselineCheck) -> BaselineRecord {
        let none = BaselineRecord {
            status: "no_steady_stretch",
            runs: None,
            needed_runs: None,
            run_hr_bpm: None,
            gap_pace_s_per_km: None,
            usual_hr_bpm: None,
            excess_bpm: None,
            threshold_bpm: None,
            spread_bpm: None,
            slope_bpm_per_mps: None,
            own_slope: None,
            slowest_pace_s_per_km: None,
            fastest_pace_s_per_km: None,
            elevated: None,
        };
        let pace = |v: f64| Some(round(1000.0 / v, 1));
        match check {
            BaselineCheck::NoSteadyStretch => none,
            BaselineCheck::TooFewRuns { runs, needed, run } => BaselineRecord {
                status: "too_few_runs",
                runs: Some(*runs),
                needed_runs: Some(*needed),
                run_hr_bpm: Some(round(run.hr_bpm, 1)),
                gap_pace_s_per_km: pace(run.gap_speed_mps),
                ..none
            },
            BaselineCheck::PaceOutside {
                runs,
                run,
                slowest_mps,
                fastest_mps,
            } => BaselineRecord {
                status: "pace_outside",
                runs: Some(*runs),
                run_hr_bpm: Some(round(run.hr_bpm, 1)),
                gap_pace_s_per_km: pace(run.gap_speed_mps),
                slowest_pace_s_per_km: pace(*slowest_mps),
                fastest_pace_s_per_km: pace(*fastest_mps),
                ..none
            },
            BaselineCheck::Compared(c) => BaselineRecord {
                status: "compared",
                runs: Some(c.runs),
                run_hr_bpm: Some(round(c.run.hr_bpm, 1)),
                gap_pace_s_per_km: pace(c.run.gap_speed_mps),
                usual_hr_bpm: Some(round(c.usual_hr_bpm, 1)),
                excess_bpm: Some(round(c.excess_bpm, 1)),
                threshold_bpm: Some(round(c.threshold_bpm, 1)),
                spread_bpm: Some(round(c.spread_bpm, 1)),
                slope_bpm_per_mps: Some(round(c.slope_bpm_per_mps, 1)),
                own_slope: Some(c.own_slope),
                elevated: Some(c.elevated),
                ..none
            },
        }
    }
}

/// Paved / unpaved / unknown shares of moving distance (sum 1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SurfaceSharesRecord {
    /// On paved ways.
    pub paved: f64,
    /// On unpaved ways.
    pub unpaved: f64,
    /// On ways of unknown surface, or off the map.
    pub unknown: f64,
}

/// The map matching behind the shares.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SurfaceMapRecord {
    /// The map file used.
    pub map: String,
    /// Share of moving distance classed from `surface`/`tracktype` tags.
    pub tagged_share: f64,
    /// Share classed by inference (way type, smoothness).
    pub inferred_share: f64,
    /// Share matched to no way (part of `unknown`).
    pub off_map_share: f64,
    /// The longest continuous stretch on paved ways, metres.
    pub longest_paved_m: f64,
    /// Mean posterior of the chosen surface class, 0–1.
    pub confidence: f64,
    /// The GPS noise the matcher assumed (given or estimated from the track), metres.
    pub gps_sigma_m: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
/// Heart rate of a judged activity and its quality.
pub struct HrRecord {
    /// Mean usable moving HR, bpm.
    pub avg_bpm: Option<f64>,
    /// Max of the 5-s rolling median of usable HR, bpm.
    pub max_bpm: Option<f64>,
    /// Share of moving time with usable HR.
    pub coverage: Option<f64>,
    /// Share of moving time whose HR was excluded (dropouts, artifacts, cadence lock).
    pub unreliable_share: Option<f64>,
    /// Seconds of optical cadence lock (HR excluded).
    pub cadence_lock_s: u32,
    /// Where the cadence lock was, seconds from the first sample.
    pub cadence_lock_spans: Vec<Span>,
    /// Seconds of missing HR.
    pub dropout_s: u32,
    /// Every second whose recorded HR is not trusted as recorded: artifacts (impossible
    /// values, above max, spikes, swings, an erratic trace, cadence lock), bridged or not.
    pub artifact_s: u32,
    /// Of those, seconds left without HR.
    pub artifact_removed_s: u32,
    /// Of those, seconds replaced by interpolation (still used).
    pub artifact_bridged_s: u32,
    /// Spans of rejected values (spikes, swings, above max).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub artifact_spans: Vec<Span>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
/// The zones of a judged activity.
pub struct ZonesRecord {
    /// `hrmax`, `hrr`, `lthr`, `seiler` or `maf`.
    pub model: &'static str,
    /// The zones' names.
    pub names: Vec<&'static str>,
    /// Lower bound of each zone, bpm (the first zone starts at 0).
    pub lower_bpm: Vec<f64>,
    /// Moving seconds with usable HR in each zone.
    pub seconds: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
/// The conversational ceiling of a judged activity.
pub struct CeilingRecord {
    /// The ceiling, bpm.
    pub bpm: f64,
    /// Moving seconds with usable HR above it.
    pub above_s: u32,
    /// Their share of moving time with usable HR.
    pub share: Option<f64>,
    /// Where, seconds from the first sample.
    pub spans: Vec<Span>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
/// One pace surge.
pub struct SurgeRecord {
    /// Start, seconds from the first sample.
    pub start_s: u32,
    /// End, seconds from the first sample.
    pub end_s: u32,
    /// Mean GAP speed over the span / the local baseline around it.
    pub mean_speed_ratio: f64,
    /// Heart-rate rise that confirmed the surge, bpm; `null` when HR was not usable.
    pub hr_rise_bpm: Option<f64>,
}

/// A threshold with where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourcedValue<T> {
    /// The value.
    pub value: T,
    /// Where it came from.
    pub source: Source,
}

fn sourced<T: Clone, U>(s: &Option<Sourced<T>>, f: impl Fn(T) -> U) -> Option<SourcedValue<U>> {
    s.as_ref().map(|s| SourcedValue {
        value: f(s.value.clone()),
        source: s.source.clone(),
    })
}

#[derive(Debug, Clone, PartialEq, Serialize)]
/// The thresholds a judged activity used, each with its source.
pub struct ThresholdsRecord {
    /// The zone model.
    pub zone_model: Option<SourcedValue<&'static str>>,
    /// Maximum heart rate, bpm.
    pub max_hr_bpm: Option<SourcedValue<f64>>,
    /// Resting heart rate, bpm.
    pub rest_hr_bpm: Option<SourcedValue<f64>>,
    /// Lactate-threshold heart rate, bpm.
    pub lthr_bpm: Option<SourcedValue<f64>>,
    /// Age, years.
    pub age_years: Option<SourcedValue<f64>>,
    /// Training phase.
    pub phase: SourcedValue<&'static str>,
}

impl CheckRecord {
    /// The record of analysis `a`, rounded for output.
    pub fn of(a: &Analysis) -> CheckRecord {
        let m = &a.metrics;
        let c = &a.cleaning;
        let moving = f64::from(m.moving_s);
        let share = |s: u32| (m.moving_s > 0).then(|| round(f64::from(s) / moving, 3));
        let drift = m.decoupling.drift();
        let ceiling = m.ceiling.as_ref();
        let p = &a.profile;
        let h = &a.header;
        CheckRecord {
            schema_version: SCHEMA_VERSION,
            source: h.source.clone(),
            format: h.format.as_str(),
            sport: h.sport.clone(),
            sub_sport: h.sub_sport.clone(),
            name: h.name.clone(),
            device: h.device(),
            start_time: Start {
                at: h.start_time,
                known: h.time_base.start_known(),
            },
            local: LocalTimeRecord::of(h),
            elapsed_s: round(a.elapsed_s, 1),
            moving_s: m.moving_s,
            distance_m: round(m.distance_m, 1),
            pace_s_per_km: r1(m.avg_pace_s_per_km),
            gap_s_per_km: r1(m.avg_gap_s_per_km),
            hr: HrRecord {
                avg_bpm: r1(m.avg_hr_bpm),
                max_bpm: r1(m.max_hr_bpm),
                coverage: r3(m.hr_coverage),
                unreliable_share: share(m.moving_s.saturating_sub(m.hr_moving_s)),
                cadence_lock_s: c.hr_cadence_lock_s,
                cadence_lock_spans: c.cadence_lock_spans.clone(),
                dropout_s: c.hr_missing_s,
                artifact_s: c.hr_artifact_removed_s() + c.hr_bridged_s,
                artifact_removed_s: c.hr_artifact_removed_s(),
                artifact_bridged_s: c.hr_bridged_s,
                artifact_spans: c.hr_artifact_spans.clone(),
            },
            zones: ZonesRecord {
                model: a.zones.model.as_str(),
                names: a.zones.names.clone(),
                lower_bpm: a.zones.lower_bpm.iter().map(|v| round(*v, 1)).collect(),
                seconds: m
                    .zones
                    .as_ref()
                    .map(|z| z.seconds.clone())
                    .unwrap_or_default(),
            },
            ceiling: CeilingRecord {
                bpm: round(a.zones.ceiling_bpm, 1),
                above_s: ceiling.map_or(0, |c| c.above_s),
                share: r3(ceiling.and_then(|c| c.share)),
                spans: ceiling.map(|c| c.spans.clone()).unwrap_or_default(),
            },
            decoupling_pct: r1(drift.map(|d| d.decoupling_pct)),
            cardiac_drift_pct: r1(drift.map(|d| d.cardiac_drift_pct)),
            drift: m.decoupling.clone(),
            ascent_m: r1(m.terrain.ascent_m),
            descent_m: r1(m.terrain.descent_m),
            ascent_per_km_m: r1(m.terrain.ascent_per_km_m),
            steep_share: r3(m.terrain.steep_share),
            terrain: m.terrain.class,
            surface: a.surface.as_str(),
            surface_source: a.surface_source.as_str(),
            surface_shares: a.surface_map.as_ref().map(|s| SurfaceSharesRecord {
                paved: round(s.shares.paved, 3),
                unpaved: round(s.shares.unpaved, 3),
                unknown: round(s.shares.unknown, 3),
            }),
            surface_map: a.surface_map.as_ref().map(|s| SurfaceMapRecord {
                map: s.map.clone(),
                tagged_share: round(s.tagged_share, 3),
                inferred_share: round(s.inferred_share, 3),
                off_map_share: round(s.off_map_share, 3),
                longest_paved_m: round(s.longest_paved_m, 0),
                confidence: round(s.confidence, 3),
                gps_sigma_m: round(s.gps_sigma_m, 1),
            }),
            surges: m
                .surges
                .iter()
                .map(|s| SurgeRecord {
                    start_s: s.span.start_s,
                    end_s: s.span.end_s,
                    mean_speed_ratio: round(s.mean_speed_ratio, 3),
                    hr_rise_bpm: r1(s.hr_rise_bpm),
                })
                .collect(),
            pace_variability_pct: r1(m.gap_speed_cv_pct),
            trimp: r1(m.load.trimp().map(|t| t.trimp)),
            hrss: r1(match &m.load {
                Load::Applicable(t) => t.hrss,
                Load::NotApplicable(_) => None,
            }),
            thresholds: ThresholdsRecord {
                zone_model: p.effective_zone_model().map(|z| SourcedValue {
                    value: z.value.as_str(),
                    source: z.source,
                }),
                max_hr_bpm: sourced(&p.max_hr_bpm, |v| round(v, 1)),
                rest_hr_bpm: sourced(&p.rest_hr_bpm, |v| round(v, 1)),
                lthr_bpm: sourced(&p.lthr_bpm, |v| round(v, 1)),
                age_years: sourced(&p.age_years, |v| v),
                phase: SourcedValue {
                    value: p.phase.value.as_str(),
                    source: p.phase.source.clone(),
                },
            },
            verdict: Some(a.assessment.verdict),
            reasons: a.assessment.reasons.clone(),
            clauses: a.assessment.clauses.clone(),
            baseline: None,
            placement: None,
            history: None,
        }
    }

    /// The record of `entry`: its analysis and, judged in a history, its baseline.
    pub fn of_entry(entry: &Entry) -> CheckRecord {
        let mut record = CheckRecord::of(&entry.analysis);
        if entry.judged {
            record.baseline = entry.baseline.as_ref().map(BaselineRecord::of);
        }
        record
    }
}

/// One activity of `scan` output: everything `check` reports (`verdict` null and
/// `reasons` empty when the run is not judged as a recovery run), its place in the
/// history and whether it was judged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntryRecord<'a> {
    #[serde(flatten)]
    /// What `check` reports about the activity.
    pub record: CheckRecord,
    #[serde(flatten)]
    /// Its class and, for a recovery run, why and from what.
    pub placement: &'a Placement,
    /// Whether it was judged as a recovery run.
    pub judged: bool,
    /// The run's downsampled curves, when the scan kept them, for charts; not part of
    /// the wire format.
    #[serde(skip)]
    pub series: Option<&'a [SeriesPoint]>,
    /// The map's surface on the curves' buckets (the strip along the chart), when a map
    /// gave the surface and the scan kept the curves; not part of the wire format.
    #[serde(skip)]
    pub surface_strip: Option<&'a [SurfaceStretch]>,
}

impl<'a> EntryRecord<'a> {
    /// The record of `entry`, placed in its history at `placement` ([`crate::scan::Scan::placed`]).
    pub fn of(entry: &'a Entry, placement: &'a Placement) -> EntryRecord<'a> {
        let mut record = CheckRecord::of_entry(entry);
        // The sport history took (recorded, labelled or inferred).
        record.sport.clone_from(&placement.sport);
        if !entry.judged {
            record.verdict = None;
            record.reasons.clear();
        }
        EntryRecord {
            record,
            placement,
            judged: entry.judged,
            series: entry.analysis.series.as_deref(),
            surface_strip: entry.analysis.surface_strip.as_deref(),
        }
    }
}
