//! The settings a caller gives easyrun, by name: messages that tell the runner what to
//! set name them through [`SettingNames`], so the library says `max_hr` (the profile
//! file's key) and a command line can say `--max-hr`.

use std::fmt;

/// One thing a caller can set, however it is given (a flag, a profile-file key, a field
/// of [`crate::profile::ProfileFlags`] or [`crate::history::HistoryConfig`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Setting {
    /// Maximum heart rate, bpm.
    MaxHr,
    /// Resting heart rate, bpm.
    RestHr,
    /// Lactate-threshold heart rate, bpm.
    Lthr,
    /// Age, years.
    Age,
    /// Sex, for the TRIMP weighting.
    Sex,
    /// The heart-rate zone model.
    Zones,
    /// The training phase.
    Phase,
    /// Which profile file is read.
    ProfileFile,
    /// Hours after a long or hard session in which a run counts as a recovery run.
    RecoveryWindow,
    /// Words that mark a recovery run by its name.
    RecoveryWords,
}

impl Setting {
    /// The library's name: the profile file's key where there is one (`max_hr`), else
    /// the field that holds it.
    pub fn key(self) -> &'static str {
        match self {
            Setting::MaxHr => "max_hr",
            Setting::RestHr => "rest_hr",
            Setting::Lthr => "lthr",
            Setting::Age => "age",
            Setting::Sex => "sex",
            Setting::Zones => "zones",
            Setting::Phase => "phase",
            Setting::ProfileFile => "profile_file",
            Setting::RecoveryWindow => "recovery_window_h",
            Setting::RecoveryWords => "recovery_words",
        }
    }
}

/// How messages name the settings. The default names them by [`Setting::key`]; a
/// command line passes its flags.
#[derive(Clone, Copy)]
pub struct SettingNames(pub fn(Setting) -> &'static str);

impl SettingNames {
    /// The library's own names ([`Setting::key`]).
    pub const KEYS: SettingNames = SettingNames(Setting::key);

    /// The name of `setting`.
    pub fn of(self, setting: Setting) -> &'static str {
        (self.0)(setting)
    }
}

impl Default for SettingNames {
    fn default() -> Self {
        SettingNames::KEYS
    }
}

impl fmt::Debug for SettingNames {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SettingNames(max_hr as {:?})", self.of(Setting::MaxHr))
    }
}
