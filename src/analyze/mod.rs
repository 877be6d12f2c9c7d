//! The per-file pipeline, assembled once ([`analyze_raw`]): one activity through
//! clean → profile → metrics → judge, plus the compact facts the history reads. Total
//! once the thresholds are known; the only failure is "no thresholds". The batch driver
//! ([`crate::scan`]) maps it over files in parallel.

mod facts;
pub mod series;

use serde::{Deserialize, Serialize};

use crate::clean;
use crate::history::{Intensity, RunFacts};
use crate::judge::{self, Assessment, ReasonCode, RuleSet, Surface, SurfaceSource};
use crate::local_time::{self, Zone};
use crate::metrics::zones::seconds_at_or_above_of;
use crate::metrics::{self, Metrics, MovingHr};
use crate::model::{
    Activity, ActivityHeader, AltitudeTreatment, CleaningReport, LocalTime, RawActivity,
};
use crate::profile::{
    AthleteProfile, HrZones, Phase, ProfileError, ProfileFile, ProfileFlags, Source, Sourced,
    Units, require_zones, resolve,
};
use crate::surface::{self, MapSurface, NoMapSurface, SurfaceStretch};
use series::SeriesPoint;

/// What the runner (or their config) told easyrun, shared by every activity of a batch.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The thresholds the caller gives explicitly (they outrank file and watch).
    pub flags: ProfileFlags,
    /// The profile file and the label (path) reports name it by.
    pub profile_file: Option<(String, ProfileFile)>,
    /// The rule's thresholds (durations, shares, terrain).
    pub rules: RuleSet,
    /// Keep each run's downsampled curves (for charts; costs a few KB per run).
    pub keep_series: bool,
    /// Opened OpenStreetMap files for the surface (none: the file's word only).
    pub maps: std::sync::Arc<Vec<surface::Map>>,
    /// The map matcher's parameters (candidate radius, GPS noise, switch costs).
    pub map_params: surface::Params,
    /// The runner's usual time zone, for runs whose file and start position do not say
    /// theirs (`--timezone`, else `timezone` in the profile file).
    pub timezone: Option<Zone>,
}

/// The compact result of one activity: all a report needs, none of the samples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// Which file, device, sport, name and start.
    #[serde(flatten)]
    pub header: ActivityHeader,
    /// Elapsed time, seconds: the file's statement, else the sample span.
    pub elapsed_s: f64,
    /// The ground the run was on (from the sport and sub-sport).
    pub surface: Surface,
    /// Where the surface judgement came from.
    pub surface_source: SurfaceSource,
    /// Paved/unpaved shares from the map, when one covered the run.
    pub surface_map: Option<MapSurface>,
    /// The thresholds used, each with its source.
    pub profile: AthleteProfile,
    /// The zones of the profile's effective model.
    pub zones: HrZones,
    /// The training phase in force (it sets the duration limit).
    pub phase: Phase,
    /// What cleaning did to the samples.
    pub cleaning: CleaningReport,
    /// Every metric of the run.
    pub metrics: Metrics,
    /// The verdict as a recovery run, with its reasons.
    pub assessment: Assessment,
    /// Downsampled curves for drawing, when asked for.
    #[serde(skip)]
    pub series: Option<Vec<SeriesPoint>>,
    /// The map's surface on the curves' buckets, for the strip along the chart: kept
    /// with the curves, when a map gave the surface.
    #[serde(skip)]
    pub surface_strip: Option<Vec<SurfaceStretch>>,
}

impl Settings {
    /// The athlete profile for `raw` (flags > profile file > the watch's settings), with
    /// `fallback_max_hr` — the history's estimate — standing in for a missing max HR.
    /// The profile file's periods are read on `local`'s calendar day.
    pub(crate) fn profile_for(
        &self,
        raw: &RawActivity,
        local: &LocalTime,
        fallback_max_hr: Option<f64>,
    ) -> AthleteProfile {
        let (label, file) = match &self.profile_file {
            Some((label, file)) => (label.as_str(), Some(file)),
            None => ("", None),
        };
        // The profile file's periods hold local calendar days.
        let day = local.wall_clock(raw.start_time);
        let mut profile = resolve(&self.flags, file, label, raw.watch_hr.as_ref(), day);
        if profile.max_hr_bpm.is_none()
            && let Some(bpm) = fallback_max_hr
        {
            profile.max_hr_bpm = Some(Sourced::new(bpm, Source::HistoryEstimate));
        }
        profile
    }

    /// The max HR cleaning may reject values above: one the runner or their watch
    /// stated, never an estimate (the history's is made from the same heart rates; an age
    /// formula is ±10 bpm).
    pub fn known_max_hr_bpm(&self, profile: &AthleteProfile) -> Option<f64> {
        profile
            .max_hr_bpm
            .as_ref()
            .filter(|m| {
                matches!(
                    m.source,
                    Source::Flag | Source::ProfileFile(_) | Source::Watch
                )
            })
            .map(|m| m.value)
    }

    /// The units to show: `asked` (a command line's choice), else the profile file's
    /// `units`, else metric.
    pub fn units(&self, asked: Option<Units>) -> Units {
        asked
            .or_else(|| self.profile_file.as_ref().and_then(|(_, f)| f.units))
            .unwrap_or_default()
    }

    /// The local clock of `raw`'s start (file, start position, configured zone, UTC).
    pub fn local_time(&self, raw: &RawActivity) -> LocalTime {
        local_time::resolve(raw, self.timezone.as_ref())
    }

    /// [`analyze_clean`] under these settings' rules, keeping the curves when asked.
    pub(crate) fn analyze_cleaned(
        &self,
        activity: &Activity,
        hr: &MovingHr,
        profile: AthleteProfile,
        zones: HrZones,
    ) -> Analysis {
        let mut analysis = analyze_clean(activity, hr, profile, zones, &self.rules);
        if !self.maps.is_empty() {
            let map = surface::surface_from_maps(activity, &self.maps, &self.map_params);
            apply_map_surface(&mut analysis, map);
        }
        // The exact stretches are only for the strip: never kept per run.
        let stretches = analysis
            .surface_map
            .as_mut()
            .map(|m| std::mem::take(&mut m.stretches));
        if self.keep_series {
            analysis.series = Some(series::downsample(activity));
            analysis.surface_strip =
                stretches.map(|s| series::surface_strip(&s, series::step_s(activity)));
        }
        analysis
    }
}

/// What the per-file pipeline keeps of one activity.
#[derive(Debug)]
pub struct Analyzed {
    /// What the history needs, known for every activity (thresholds or not).
    pub facts: RunFacts,
    /// The judged activity, or why it could not be judged (no thresholds).
    pub analysis: Result<Analysis, ProfileError>,
}

/// The per-file pipeline: cleans `raw`, resolves its thresholds (`fallback_max_hr`, the
/// history's estimate, standing in for a missing max HR), computes the metrics, judges
/// it as a recovery run and sums up the facts the history reads.
pub fn analyze_raw(
    raw: &RawActivity,
    settings: &Settings,
    fallback_max_hr: Option<f64>,
) -> Analyzed {
    // The local clock comes from the file as read (its start placed by the reader when
    // the timestamps were device uptime); the profile's periods are read on its day.
    let local = settings.local_time(raw);
    let profile = settings.profile_for(raw, &local, fallback_max_hr);
    // The max HR the runner or the watch states lets cleaning reject values above it.
    let mut activity = clean::clean_with(raw, settings.known_max_hr_bpm(&profile));
    activity.header.local = local;
    // Usable moving HR, selected once for the facts and every metric that reads it.
    let hr = MovingHr::of(&activity);
    let zones = require_zones(&profile);
    // The trace facts once, against the thresholds when they are known.
    let intensity = zones.as_ref().ok().map(Intensity::of);
    let mut facts = facts::base(raw, &activity, &hr, intensity.as_ref());
    let analysis = zones.map(|zones| {
        facts.hard_s = Some(seconds_at_or_above_of(&hr, zones.hard_bpm()));
        let analysis = settings.analyze_cleaned(&activity, &hr, profile, zones);
        facts::add_metrics(&mut facts, &analysis.metrics);
        analysis
    });
    Analyzed { facts, analysis }
}

/// Analyses one raw activity under `settings`, on its own (no history).
pub fn analyze(raw: &RawActivity, settings: &Settings) -> Result<Analysis, ProfileError> {
    analyze_raw(raw, settings, None).analysis
}

/// Analyses a cleaned activity with resolved thresholds.
pub(crate) fn analyze_clean(
    activity: &Activity,
    hr: &MovingHr,
    profile: AthleteProfile,
    zones: HrZones,
    rules: &RuleSet,
) -> Analysis {
    let indoor = activity.cleaning.altitude == AltitudeTreatment::IgnoredIndoor
        || clean::elevation::is_indoor(activity.header.sub_sport.as_ref());
    let hysteresis_m = activity.cleaning.altitude_hysteresis_m;
    let metrics = metrics::compute_with(activity, hr, Some(&zones), &profile, hysteresis_m, indoor);
    let phase = profile.phase.value;
    let assessment = judge::judge(activity, &metrics, &zones, phase, rules);
    Analysis {
        header: activity.header.clone(),
        elapsed_s: activity.elapsed_s,
        surface: judge::surface::surface(activity),
        surface_source: judge::surface::source(judge::surface::surface(activity), false),
        surface_map: None,
        profile,
        zones,
        phase,
        cleaning: activity.cleaning.clone(),
        metrics,
        assessment,
        series: None,
        surface_strip: None,
    }
}

/// Puts the map's surface into `analysis` when it decides (not for treadmill or indoor
/// runs): the file's `hard_surface` gives way to the map's, and the verdict is redone.
fn apply_map_surface(analysis: &mut Analysis, map: Result<MapSurface, NoMapSurface>) {
    let source = judge::surface::source(analysis.surface, map.is_ok());
    analysis.surface_source = source;
    if source != SurfaceSource::Map {
        if let Err(no_map) = &map {
            // Maps were given but could not say: the unknown surface says why.
            judge::rules::surface_unknown_with_maps(&mut analysis.assessment, no_map);
        }
        return;
    }
    let Ok(map) = map else {
        return;
    };
    // The map decides the surface clause: the file's road label and its silence
    // (surface_unknown) give way, and the clause is checked or broken by the map.
    let mut reasons: Vec<_> = std::mem::take(&mut analysis.assessment.reasons)
        .into_iter()
        .filter(|r| !matches!(r.code, ReasonCode::HardSurface | ReasonCode::SurfaceUnknown))
        .collect();
    reasons.extend(judge::rules::hard_surface_from_map(&map));
    let mut clauses = std::mem::take(&mut analysis.assessment.clauses);
    judge::clauses::surface_from_map(&mut clauses, &reasons);
    analysis.assessment = Assessment::from_reasons(reasons);
    analysis.assessment.clauses = clauses;
    analysis.surface_map = Some(map);
}
