//! The per-file pipeline, assembled once ([`analyze_raw`]): one activity through
//! clean → profile → metrics → judge, plus the compact facts the history reads. Total
//! once the thresholds are known; the only failure is "no thresholds". The batch driver
//! ([`crate::scan`]) maps it over files in parallel.

mod facts;
pub mod series;

use serde::Serialize;

use crate::clean;
use crate::history::{Intensity, RunFacts, TraceFacts};
use crate::judge::{self, Assessment, RuleSet, Surface};
use crate::metrics::zones::seconds_at_or_above;
use crate::metrics::{self, Metrics, terrain};
use crate::model::{Activity, ActivityHeader, AltitudeTreatment, CleaningReport, RawActivity};
use crate::profile::{
    AthleteProfile, HrZones, Phase, ProfileError, ProfileFile, ProfileFlags, Source, Sourced,
    require_zones, resolve,
};
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
}

/// The compact result of one activity: all a report needs, none of the samples.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    /// Which file, device, sport, name and start.
    #[serde(flatten)]
    pub header: ActivityHeader,
    /// Elapsed time, seconds: the file's statement, else the sample span.
    pub elapsed_s: f64,
    /// The ground the run was on (from the sport and sub-sport).
    pub surface: Surface,
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
}

impl Settings {
    /// The athlete profile for `raw` (flags > profile file > the watch's settings), with
    /// `fallback_max_hr` — the history's estimate — standing in for a missing max HR.
    pub(crate) fn profile_for(
        &self,
        raw: &RawActivity,
        fallback_max_hr: Option<f64>,
    ) -> AthleteProfile {
        let (label, file) = match &self.profile_file {
            Some((label, file)) => (label.as_str(), Some(file)),
            None => ("", None),
        };
        let mut profile = resolve(
            &self.flags,
            file,
            label,
            raw.watch_hr.as_ref(),
            raw.start_time,
        );
        if profile.max_hr_bpm.is_none()
            && let Some(bpm) = fallback_max_hr
        {
            profile.max_hr_bpm = Some(Sourced::new(bpm, Source::HistoryEstimate));
        }
        profile
    }

    /// [`analyze_clean`] under these settings' rules, keeping the curves when asked.
    pub(crate) fn analyze_cleaned(
        &self,
        activity: &Activity,
        profile: AthleteProfile,
        zones: HrZones,
    ) -> Analysis {
        let mut analysis = analyze_clean(activity, profile, zones, &self.rules);
        if self.keep_series {
            analysis.series = Some(series::downsample(activity));
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
    let activity = clean::clean(raw);
    let mut facts = facts::base(raw, &activity);
    let profile = settings.profile_for(raw, fallback_max_hr);
    let analysis = require_zones(&profile).map(|zones| {
        facts.hard_s = Some(seconds_at_or_above(&activity, zones.hard_bpm()));
        facts.trace = TraceFacts::of(&activity, Some(&Intensity::of(&zones)));
        let analysis = settings.analyze_cleaned(&activity, profile, zones);
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
    profile: AthleteProfile,
    zones: HrZones,
    rules: &RuleSet,
) -> Analysis {
    let indoor = activity.cleaning.altitude == AltitudeTreatment::IgnoredIndoor
        || clean::elevation::is_indoor(activity.header.sub_sport.as_ref());
    let hysteresis_m = match activity.cleaning.altitude {
        AltitudeTreatment::Gps => terrain::GPS_HYSTERESIS_M,
        _ => terrain::DEVICE_HYSTERESIS_M,
    };
    let metrics = metrics::compute(activity, Some(&zones), &profile, hysteresis_m, indoor);
    let phase = profile.phase.value;
    let assessment = judge::judge(activity, &metrics, &zones, phase, rules);
    Analysis {
        header: activity.header.clone(),
        elapsed_s: activity.elapsed_s,
        surface: judge::surface::surface(activity),
        profile,
        zones,
        phase,
        cleaning: activity.cleaning.clone(),
        metrics,
        assessment,
        series: None,
    }
}
