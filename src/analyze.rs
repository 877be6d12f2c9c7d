//! One activity through the whole per-file pipeline: clean → profile → metrics → judge.
//! Total once the thresholds are known; the only failure is "no thresholds".

use serde::Serialize;

use crate::clean;
use crate::judge::{self, Assessment, RuleSet, Surface};
use crate::metrics::{self, Metrics};
use crate::model::{
    Activity, AltitudeTreatment, CleaningReport, Format, RawActivity, Sport, SubSport, TimeBase,
    Timestamp,
};
use crate::profile::{
    AthleteProfile, HrZones, Phase, ProfileError, ProfileFile, ProfileFlags, Source, Sourced,
    require_zones, resolve,
};
use crate::report::series::{self, SeriesPoint};

/// What the runner (or their config) told easyrun, shared by every activity of a batch.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub flags: ProfileFlags,
    /// The profile file and the label (path) reports name it by.
    pub profile_file: Option<(String, ProfileFile)>,
    pub rules: RuleSet,
    /// Keep each run's downsampled curves (for charts; costs a few KB per run).
    pub keep_series: bool,
}

/// The compact result of one activity: all a report needs, none of the samples.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    pub source: String,
    pub format: Format,
    pub manufacturer: Option<String>,
    pub product: Option<String>,
    pub sport: Option<Sport>,
    pub sub_sport: Option<SubSport>,
    pub name: Option<String>,
    pub start_time: Timestamp,
    /// Where the instants come from (the start is unknown with device uptime).
    pub time_base: TimeBase,
    pub elapsed_s: f64,
    pub surface: Surface,
    pub profile: AthleteProfile,
    pub zones: HrZones,
    pub phase: Phase,
    pub cleaning: CleaningReport,
    pub metrics: Metrics,
    pub assessment: Assessment,
    /// Downsampled curves for drawing, when asked for.
    #[serde(skip)]
    pub series: Option<Vec<SeriesPoint>>,
}

impl Settings {
    /// The athlete profile for `raw` (flags > profile file > the watch's settings), with
    /// `fallback_max_hr` — the history's estimate — standing in for a missing max HR.
    pub fn profile_for(&self, raw: &RawActivity, fallback_max_hr: Option<f64>) -> AthleteProfile {
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

    /// [`analyze_clean`] under these settings' rules, keeping the curves when asked.
    pub fn analyze_cleaned(
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

/// Analyses one raw activity under `settings`.
pub fn analyze(raw: &RawActivity, settings: &Settings) -> Result<Analysis, ProfileError> {
    let profile = settings.profile_for(raw, None);
    let zones = require_zones(&profile)?;
    let activity = clean::clean_with(raw, settings.known_max_hr_bpm(&profile));
    Ok(settings.analyze_cleaned(&activity, profile, zones))
}

/// Analyses a cleaned activity with resolved thresholds.
pub fn analyze_clean(
    activity: &Activity,
    profile: AthleteProfile,
    zones: HrZones,
    rules: &RuleSet,
) -> Analysis {
    let indoor = activity.cleaning.altitude == AltitudeTreatment::IgnoredIndoor
        || clean::elevation::is_indoor(activity.sub_sport.as_ref());
    let hysteresis_m = activity.cleaning.altitude_hysteresis_m;
    let metrics = metrics::compute(activity, Some(&zones), &profile, hysteresis_m, indoor);
    let phase = profile.phase.value;
    let assessment = judge::judge(activity, &metrics, &zones, phase, rules);
    Analysis {
        source: activity.source.clone(),
        format: activity.format,
        manufacturer: activity.manufacturer.clone(),
        product: activity.product.clone(),
        sport: activity.sport.clone(),
        sub_sport: activity.sub_sport.clone(),
        name: activity.name.clone(),
        start_time: activity.start_time,
        time_base: activity.time_base,
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
