//! Resolves the athlete profile for one activity from its sources, key by key, in order
//! of trust: command-line flags, the profile file (values in force on the activity's
//! date), the watch's settings stored in the activity file, then documented fallbacks.
//! Every value keeps its [`Source`]. Also finds the profile file (without printing).
//!
//! Fallbacks:
//! - phase: `base` ([`Source::Default`]);
//! - zone model: flags, file, else the watch's `hr_calc_type` — but only when neither
//!   flags nor file gave any threshold (the user's own thresholds then choose the model,
//!   see [`AthleteProfile::effective_zone_model`]) and the watch's model can be built;
//! - max HR: the Tanaka formula HRmax = 208 − 0.7·age ([`Source::AgeFormula`], Tanaka,
//!   Monahan & Seals 2001, SD ≈ 10 bpm) ONLY when the zone model in force needs max HR
//!   (hrmax, hrr, seiler) and no source gave it but the age is known. With only an age
//!   and no model asked for, the model is MAF (180 − age), which needs no max HR.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::error::ProfileError;
use super::file::{
    AGE_YEARS_RANGE, Date, LTHR_BPM_RANGE, MAX_HR_BPM_RANGE, PartialProfile, ProfileFile,
    REST_HR_BPM_RANGE,
};
use super::zones::{HrZones, ZonesError};
use super::{AthleteProfile, Phase, Sex, Source, Sourced, ZoneModel};
use crate::model::Timestamp;
use crate::model::activity::{HrCalcType, WatchHrSettings};
use crate::setting::Setting;

/// The profile file's name, in the current directory or the user's config directory.
pub const PROFILE_FILE_NAME: &str = "easyrun.toml";

/// Profile values the caller gives explicitly (a command line's flags, an API's
/// arguments): they outrank the profile file and the watch ([`Source::Flag`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProfileFlags {
    /// Maximum heart rate, bpm.
    pub max_hr: Option<f64>,
    /// Resting heart rate, bpm.
    pub rest_hr: Option<f64>,
    /// Lactate-threshold heart rate, bpm.
    pub lthr: Option<f64>,
    /// Age, years.
    pub age: Option<f64>,
    /// Sex, for the TRIMP weighting.
    pub sex: Option<Sex>,
    /// The zone model (else the most specific the thresholds allow).
    pub zones: Option<ZoneModel>,
    /// The training phase.
    pub phase: Option<Phase>,
}

impl ProfileFlags {
    /// Checks each number against the same plausible range the profile file uses.
    pub fn validate(&self) -> Result<(), ProfileError> {
        let checks = [
            (Setting::MaxHr, self.max_hr, MAX_HR_BPM_RANGE),
            (Setting::RestHr, self.rest_hr, REST_HR_BPM_RANGE),
            (Setting::Lthr, self.lthr, LTHR_BPM_RANGE),
            (Setting::Age, self.age, AGE_YEARS_RANGE),
        ];
        for (setting, value, range) in checks {
            if let Some(v) = value
                && !range.contains(&v)
            {
                return Err(ProfileError::OutOfRange {
                    setting,
                    value: v,
                    min: *range.start(),
                    max: *range.end(),
                });
            }
        }
        Ok(())
    }

    fn as_partial(&self) -> PartialProfile {
        PartialProfile {
            max_hr_bpm: self.max_hr,
            rest_hr_bpm: self.rest_hr,
            lthr_bpm: self.lthr,
            age_years: self.age,
            sex: self.sex,
            zone_model: self.zones,
            phase: self.phase,
        }
    }
}

/// What the watch's settings contribute: plausible values only (a watch that stores 0
/// or 255 for an unset threshold gives nothing).
fn from_watch(watch: &WatchHrSettings) -> PartialProfile {
    let bpm = |v: Option<u16>, range: &std::ops::RangeInclusive<f64>| {
        v.map(f64::from).filter(|v| range.contains(v))
    };
    PartialProfile {
        max_hr_bpm: bpm(watch.max_hr_bpm, &MAX_HR_BPM_RANGE)
            .or_else(|| bpm(watch.default_max_hr_bpm, &MAX_HR_BPM_RANGE)),
        rest_hr_bpm: bpm(watch.resting_hr_bpm, &REST_HR_BPM_RANGE),
        lthr_bpm: bpm(watch.threshold_hr_bpm, &LTHR_BPM_RANGE),
        age_years: watch
            .age_years
            .map(f64::from)
            .filter(|v| AGE_YEARS_RANGE.contains(v)),
        sex: None,
        zone_model: watch.hr_calc_type.and_then(|t| match t {
            HrCalcType::PercentMaxHr => Some(ZoneModel::Hrmax),
            HrCalcType::PercentHrr => Some(ZoneModel::Hrr),
            HrCalcType::PercentLthr => Some(ZoneModel::Lthr),
            HrCalcType::Custom => None,
        }),
        phase: None,
    }
}

/// Tanaka, Monahan & Seals (2001): HRmax = 208 − 0.7·age, bpm.
pub fn tanaka_max_hr_bpm(age_years: f64) -> f64 {
    208.0 - 0.7 * age_years
}

/// Whether `model` is built on max HR.
fn needs_max_hr(model: ZoneModel) -> bool {
    matches!(model, ZoneModel::Hrmax | ZoneModel::Hrr | ZoneModel::Seiler)
}

/// The profile for an activity on `date`: per key, flag > file (values in force on the
/// activity's UTC date) > watch > fallback (see the module docs). `file_path_label`
/// names the file in [`Source::ProfileFile`].
pub fn resolve(
    flags: &ProfileFlags,
    file: Option<&ProfileFile>,
    file_path_label: &str,
    watch: Option<&WatchHrSettings>,
    date: Timestamp,
) -> AthleteProfile {
    let flag = flags.as_partial();
    let file = file.map(|f| f.for_date(Date::of(date))).unwrap_or_default();
    let watch = watch.map(from_watch).unwrap_or_default();
    let file_source = Source::ProfileFile(file_path_label.to_string());

    fn pick<T: Copy>(layers: [(Option<T>, &Source); 3]) -> Option<Sourced<T>> {
        layers
            .into_iter()
            .find_map(|(v, source)| v.map(|v| Sourced::new(v, source.clone())))
    }
    let layers = |get: fn(&PartialProfile) -> Option<f64>| {
        pick([
            (get(&flag), &Source::Flag),
            (get(&file), &file_source),
            (get(&watch), &Source::Watch),
        ])
    };
    let mut profile = AthleteProfile {
        max_hr_bpm: layers(|p| p.max_hr_bpm),
        rest_hr_bpm: layers(|p| p.rest_hr_bpm),
        lthr_bpm: layers(|p| p.lthr_bpm),
        age_years: layers(|p| p.age_years),
        sex: pick([
            (flag.sex, &Source::Flag),
            (file.sex, &file_source),
            (watch.sex, &Source::Watch),
        ]),
        zone_model: pick([
            (flag.zone_model, &Source::Flag),
            (file.zone_model, &file_source),
            // The watch's hr_calc_type is weighed below, once the thresholds are known.
            (None, &Source::Watch),
        ]),
        phase: pick([
            (flag.phase, &Source::Flag),
            (file.phase, &file_source),
            (None, &Source::Watch),
        ])
        .unwrap_or(Sourced::new(Phase::Base, Source::Default)),
    };

    let user_gave_threshold = [&flag, &file].iter().any(|p| {
        p.max_hr_bpm.is_some()
            || p.rest_hr_bpm.is_some()
            || p.lthr_bpm.is_some()
            || p.age_years.is_some()
    });
    if profile.zone_model.is_none()
        && !user_gave_threshold
        && let Some(model) = watch.zone_model
        && HrZones::build(model, &profile).is_ok()
    {
        profile.zone_model = Some(Sourced::new(model, Source::Watch));
    }

    if profile.max_hr_bpm.is_none()
        && let (Some(model), Some(age)) = (profile.effective_zone_model(), &profile.age_years)
        && needs_max_hr(model.value)
    {
        let max = tanaka_max_hr_bpm(age.value);
        profile.max_hr_bpm = Some(Sourced::new(max, Source::AgeFormula));
    }
    profile
}

/// The zones of the profile's effective model, or an error that tells the user exactly
/// which value to give and how.
pub fn require_zones(profile: &AthleteProfile) -> Result<HrZones, ProfileError> {
    let model = profile
        .effective_zone_model()
        .ok_or(ProfileError::NoThresholds)?;
    if model.value == ZoneModel::Hrr
        && let (Some(rest), Some(max)) = (&profile.rest_hr_bpm, &profile.max_hr_bpm)
        && rest.value >= max.value
    {
        return Err(ProfileError::RestNotBelowMax {
            rest_bpm: rest.value,
            rest_source: rest.source.clone(),
            max_bpm: max.value,
            max_source: max.source.clone(),
        });
    }
    HrZones::build(model.value, profile).map_err(|e| match e {
        ZonesError::Missing(missing) => ProfileError::ModelNeeds {
            model: model.value,
            model_source: model.source,
            missing,
        },
    })
}

/// The user's config directory: `$XDG_CONFIG_HOME` when set to an absolute path (the
/// XDG spec ignores relative ones), else `$HOME/.config`.
pub fn user_config_dir(
    xdg_config_home: Option<OsString>,
    home: Option<OsString>,
) -> Option<PathBuf> {
    let xdg = xdg_config_home
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    xdg.or_else(|| {
        home.filter(|h| !h.is_empty())
            .map(|h| PathBuf::from(h).join(".config"))
    })
}

/// Finds and parses the profile file: `explicit` (a path the caller names, which must exist),
/// else `easyrun.toml` in the current directory, else `easyrun/easyrun.toml` in the
/// user's config directory (see [`user_config_dir`]). `Ok(None)` when there is none.
/// The first file found is used alone (files are not merged).
pub fn discover_profile_file(
    explicit: Option<&Path>,
) -> Result<Option<(PathBuf, ProfileFile)>, ProfileError> {
    let mut candidates = vec![PathBuf::from(PROFILE_FILE_NAME)];
    if let Some(dir) = user_config_dir(
        std::env::var_os("XDG_CONFIG_HOME"),
        std::env::var_os("HOME"),
    ) {
        candidates.push(dir.join("easyrun").join(PROFILE_FILE_NAME));
    }
    discover_in(explicit, &candidates)
}

/// [`discover_profile_file`] over explicit candidate paths, in order: the first that
/// exists is parsed (one that exists but cannot be read is an error, not skipped).
pub fn discover_in(
    explicit: Option<&Path>,
    candidates: &[PathBuf],
) -> Result<Option<(PathBuf, ProfileFile)>, ProfileError> {
    if let Some(path) = explicit {
        return ProfileFile::load(path).map(|f| Some((path.to_path_buf(), f)));
    }
    for path in candidates {
        match ProfileFile::load(path) {
            Ok(file) => return Ok(Some((path.clone(), file))),
            Err(ProfileError::NotFound { .. }) => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests;
