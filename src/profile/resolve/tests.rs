//! Tests of profile resolution: precedence per key, sources, fallbacks, messages,
//! discovery order.

use super::*;
use crate::setting::SettingNames;

const LABEL: &str = "/home/r/easyrun.toml";

fn file(text: &str) -> ProfileFile {
    ProfileFile::parse(text, Path::new(LABEL)).unwrap_or_else(|e| unreachable!("{e}"))
}

fn at(s: &str) -> Timestamp {
    Timestamp::parse_rfc3339(s).unwrap_or_else(|| unreachable!("test time {s}"))
}

fn watch_all() -> WatchHrSettings {
    WatchHrSettings {
        max_hr_bpm: Some(195),
        threshold_hr_bpm: Some(175),
        resting_hr_bpm: Some(52),
        hr_calc_type: Some(HrCalcType::PercentMaxHr),
        default_max_hr_bpm: Some(185),
        age_years: Some(35),
        zone_high_bpm: Vec::new(),
    }
}

const FULL_FILE: &str = "max_hr = 190\nrest_hr = 50\nlthr = 170\nage = 40\n\
                         sex = \"female\"\nzones = \"hrr\"\nphase = \"build\"\n";

fn src() -> Source {
    Source::ProfileFile(LABEL.to_string())
}

fn value_and_source<T: Clone>(v: &Option<Sourced<T>>) -> Option<(T, Source)> {
    v.as_ref().map(|s| (s.value.clone(), s.source.clone()))
}

#[test]
fn flags_beat_the_file_which_beats_the_watch_per_key() {
    let f = file(FULL_FILE);
    let w = watch_all();
    let day = at("2024-05-01T07:00:00Z");
    let flags = ProfileFlags {
        max_hr: Some(200.0),
        rest_hr: Some(40.0),
        lthr: Some(180.0),
        age: Some(30.0),
        sex: Some(Sex::Male),
        zones: Some(ZoneModel::Seiler),
        phase: Some(Phase::Peak),
    };
    let p = resolve(&flags, Some(&f), LABEL, Some(&w), day);
    assert_eq!(value_and_source(&p.max_hr_bpm), Some((200.0, Source::Flag)));
    assert_eq!(value_and_source(&p.rest_hr_bpm), Some((40.0, Source::Flag)));
    assert_eq!(value_and_source(&p.lthr_bpm), Some((180.0, Source::Flag)));
    assert_eq!(value_and_source(&p.age_years), Some((30.0, Source::Flag)));
    assert_eq!(value_and_source(&p.sex), Some((Sex::Male, Source::Flag)));
    assert_eq!(
        value_and_source(&p.zone_model),
        Some((ZoneModel::Seiler, Source::Flag))
    );
    assert_eq!(p.phase, Sourced::new(Phase::Peak, Source::Flag));

    let p = resolve(&ProfileFlags::default(), Some(&f), LABEL, Some(&w), day);
    assert_eq!(value_and_source(&p.max_hr_bpm), Some((190.0, src())));
    assert_eq!(value_and_source(&p.rest_hr_bpm), Some((50.0, src())));
    assert_eq!(value_and_source(&p.lthr_bpm), Some((170.0, src())));
    assert_eq!(value_and_source(&p.age_years), Some((40.0, src())));
    assert_eq!(value_and_source(&p.sex), Some((Sex::Female, src())));
    assert_eq!(
        value_and_source(&p.zone_model),
        Some((ZoneModel::Hrr, src()))
    );
    assert_eq!(p.phase, Sourced::new(Phase::Build, src()));

    let p = resolve(&ProfileFlags::default(), None, LABEL, Some(&w), day);
    assert_eq!(
        value_and_source(&p.max_hr_bpm),
        Some((195.0, Source::Watch))
    );
    assert_eq!(
        value_and_source(&p.rest_hr_bpm),
        Some((52.0, Source::Watch))
    );
    assert_eq!(value_and_source(&p.lthr_bpm), Some((175.0, Source::Watch)));
    assert_eq!(value_and_source(&p.age_years), Some((35.0, Source::Watch)));
    assert_eq!(p.sex, None, "watches store no sex in the HR settings");
    assert_eq!(
        value_and_source(&p.zone_model),
        Some((ZoneModel::Hrmax, Source::Watch)),
        "the watch's hr_calc_type when nothing else chose"
    );
    assert_eq!(p.phase, Sourced::new(Phase::Base, Source::Default));
}

#[test]
fn each_key_falls_through_on_its_own() {
    let f = file("rest_hr = 47\nphase = \"peak\"\n");
    let w = watch_all();
    let flags = ProfileFlags {
        lthr: Some(171.0),
        ..ProfileFlags::default()
    };
    let p = resolve(
        &flags,
        Some(&f),
        LABEL,
        Some(&w),
        at("2024-05-01T07:00:00Z"),
    );
    assert_eq!(value_and_source(&p.lthr_bpm), Some((171.0, Source::Flag)));
    assert_eq!(value_and_source(&p.rest_hr_bpm), Some((47.0, src())));
    assert_eq!(
        value_and_source(&p.max_hr_bpm),
        Some((195.0, Source::Watch))
    );
    assert_eq!(value_and_source(&p.age_years), Some((35.0, Source::Watch)));
    assert_eq!(p.phase, Sourced::new(Phase::Peak, src()));
    assert_eq!(
        p.zone_model, None,
        "the user gave thresholds: they choose the model, not the watch"
    );
    assert_eq!(
        p.effective_zone_model().map(|m| (m.value, m.source)),
        Some((ZoneModel::Lthr, Source::Flag))
    );
}

#[test]
fn the_file_applies_the_period_in_force_on_the_activity_date() {
    let f = file(
        "max_hr = 188\n\n[[period]]\nfrom = \"2024-01-01\"\nuntil = \"2024-06-30\"\n\
         max_hr = 192\nphase = \"build\"\n",
    );
    let max = |t: &str| {
        let p = resolve(&ProfileFlags::default(), Some(&f), LABEL, None, at(t));
        (p.max_hr_bpm.map(|m| m.value), p.phase.value)
    };
    assert_eq!(max("2023-12-31T23:59:59Z"), (Some(188.0), Phase::Base));
    assert_eq!(max("2024-01-01T00:00:00Z"), (Some(192.0), Phase::Build));
    assert_eq!(max("2024-06-30T23:59:59Z"), (Some(192.0), Phase::Build));
    assert_eq!(max("2024-07-01T00:00:00Z"), (Some(188.0), Phase::Base));
}

#[test]
fn watch_values_fall_back_and_implausible_ones_are_dropped() {
    let w = WatchHrSettings {
        max_hr_bpm: None,
        default_max_hr_bpm: Some(186),
        resting_hr_bpm: Some(0),
        threshold_hr_bpm: Some(255),
        age_years: Some(0),
        ..WatchHrSettings::default()
    };
    let p = resolve(
        &ProfileFlags::default(),
        None,
        LABEL,
        Some(&w),
        Timestamp(0),
    );
    assert_eq!(
        value_and_source(&p.max_hr_bpm),
        Some((186.0, Source::Watch))
    );
    assert_eq!((p.rest_hr_bpm, p.lthr_bpm, p.age_years), (None, None, None));
    let w = WatchHrSettings {
        max_hr_bpm: Some(0),
        default_max_hr_bpm: Some(186),
        ..WatchHrSettings::default()
    };
    let p = resolve(
        &ProfileFlags::default(),
        None,
        LABEL,
        Some(&w),
        Timestamp(0),
    );
    assert_eq!(p.max_hr_bpm.map(|m| m.value), Some(186.0));
}

#[test]
fn the_watch_model_is_taken_only_when_it_can_be_built() {
    let w = WatchHrSettings {
        max_hr_bpm: Some(190),
        hr_calc_type: Some(HrCalcType::PercentLthr),
        ..WatchHrSettings::default()
    };
    let p = resolve(
        &ProfileFlags::default(),
        None,
        LABEL,
        Some(&w),
        Timestamp(0),
    );
    assert_eq!(p.zone_model, None, "no LTHR anywhere");
    assert_eq!(
        require_zones(&p).map(|z| z.model).ok(),
        Some(ZoneModel::Hrmax)
    );
    let w = WatchHrSettings {
        hr_calc_type: Some(HrCalcType::Custom),
        ..watch_all()
    };
    let p = resolve(
        &ProfileFlags::default(),
        None,
        LABEL,
        Some(&w),
        Timestamp(0),
    );
    assert_eq!(p.zone_model, None, "custom zones name no model");
}

#[test]
fn tanaka_only_when_the_model_needs_max_hr_and_only_age_is_known() {
    let age_only = ProfileFlags {
        age: Some(40.0),
        ..ProfileFlags::default()
    };
    let p = resolve(&age_only, None, LABEL, None, Timestamp(0));
    assert_eq!(p.max_hr_bpm, None, "MAF needs only the age");
    let z = require_zones(&p).unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!((z.model, z.ceiling_bpm), (ZoneModel::Maf, 140.0));

    for model in [ZoneModel::Hrmax, ZoneModel::Seiler, ZoneModel::Hrr] {
        let flags = ProfileFlags {
            zones: Some(model),
            rest_hr: Some(50.0),
            ..age_only.clone()
        };
        let p = resolve(&flags, None, LABEL, None, Timestamp(0));
        let max = value_and_source(&p.max_hr_bpm);
        assert_eq!(
            max,
            Some((180.0, Source::AgeFormula)),
            "{model:?}: 208 − 0.7·40"
        );
    }
    let flags = ProfileFlags {
        zones: Some(ZoneModel::Hrmax),
        max_hr: Some(185.0),
        ..age_only.clone()
    };
    let p = resolve(&flags, None, LABEL, None, Timestamp(0));
    assert_eq!(value_and_source(&p.max_hr_bpm), Some((185.0, Source::Flag)));
    let flags = ProfileFlags {
        zones: Some(ZoneModel::Lthr),
        ..age_only
    };
    let p = resolve(&flags, None, LABEL, None, Timestamp(0));
    assert_eq!(p.max_hr_bpm, None, "LTHR zones do not use max HR");
}

/// A command line's names for the settings, as messages may be asked to use them.
const FLAGS: SettingNames = SettingNames(|s| match s {
    Setting::MaxHr => "--max-hr",
    Setting::RestHr => "--rest-hr",
    Setting::Lthr => "--lthr",
    Setting::Age => "--age",
    Setting::Zones => "--zones",
    _ => "--other",
});

#[test]
fn no_thresholds_says_how_to_give_them() {
    let p = resolve(&ProfileFlags::default(), None, LABEL, None, Timestamp(0));
    let e = require_zones(&p).err();
    assert_eq!(
        e.as_ref().map(|e| e.to_string()).as_deref(),
        Some(
            "no heart-rate thresholds: give max_hr (and rest_hr), or lthr, or age, or put \
             them in easyrun.toml (see docs/profile.md); the activity file carries no \
             usable watch HR settings"
        ),
        "the library names the settings by their keys"
    );
    assert_eq!(
        e.as_ref().map(|e| e.describe(FLAGS)).as_deref(),
        Some(
            "no heart-rate thresholds: give --max-hr (and --rest-hr), or --lthr, or \
             --age, or put them in easyrun.toml (see docs/profile.md); the activity file \
             carries no usable watch HR settings"
        )
    );
    assert_eq!(e.map(|e| e.kind()), Some("no_thresholds"));
}

#[test]
fn a_chosen_model_names_the_threshold_it_lacks() {
    let f = file("zones = \"lthr\"\n");
    let flags = ProfileFlags {
        max_hr: Some(190.0),
        ..ProfileFlags::default()
    };
    let p = resolve(&flags, Some(&f), LABEL, None, Timestamp(0));
    assert_eq!(
        require_zones(&p)
            .err()
            .map(|e| e.describe(FLAGS))
            .as_deref(),
        Some(
            "zone model lthr (from profile /home/r/easyrun.toml) needs lthr: give --lthr, \
             or put lthr in easyrun.toml (see docs/profile.md), or choose another model \
             with --zones"
        )
    );
    let flags = ProfileFlags {
        max_hr: Some(190.0),
        zones: Some(ZoneModel::Hrr),
        ..ProfileFlags::default()
    };
    let p = resolve(&flags, None, LABEL, None, Timestamp(0));
    assert!(matches!(
        require_zones(&p),
        Err(ProfileError::ModelNeeds {
            missing: Setting::RestHr,
            ..
        })
    ));
    let flags = ProfileFlags {
        zones: Some(ZoneModel::Seiler),
        ..ProfileFlags::default()
    };
    let p = resolve(&flags, None, LABEL, None, Timestamp(0));
    let m = require_zones(&p).err().map(|e| e.describe(FLAGS));
    assert!(
        m.as_deref()
            .is_some_and(|m| m.contains("give --max-hr (or --age")),
        "{m:?}"
    );
}

#[test]
fn rest_at_or_above_max_is_refused_for_reserve_zones() {
    let flags = ProfileFlags {
        max_hr: Some(110.0),
        rest_hr: Some(115.0),
        ..ProfileFlags::default()
    };
    let p = resolve(&flags, None, LABEL, None, Timestamp(0));
    assert_eq!(
        require_zones(&p).err().map(|e| e.to_string()).as_deref(),
        Some(
            "resting heart rate 115 bpm (from command line) is not below max heart rate \
             110 bpm (from command line): fix one of them"
        )
    );
}

#[test]
fn flags_are_range_checked() {
    assert!(ProfileFlags::default().validate().is_ok());
    let flags = ProfileFlags {
        max_hr: Some(240.0),
        rest_hr: Some(25.0),
        lthr: Some(80.0),
        age: Some(100.0),
        ..ProfileFlags::default()
    };
    assert!(flags.validate().is_ok());
    let bad = ProfileFlags {
        rest_hr: Some(12.0),
        ..ProfileFlags::default()
    };
    assert_eq!(
        bad.validate().err().map(|e| e.describe(FLAGS)).as_deref(),
        Some("--rest-hr 12: out of range 25..=120")
    );
    assert_eq!(
        bad.validate().err().map(|e| e.to_string()).as_deref(),
        Some("rest_hr 12: out of range 25..=120")
    );
    let nan = ProfileFlags {
        age: Some(f64::NAN),
        ..ProfileFlags::default()
    };
    assert!(nan.validate().is_err());
}

#[test]
fn config_dir_follows_xdg_then_home() {
    let os = |s: &str| Some(OsString::from(s));
    assert_eq!(
        user_config_dir(os("/x/cfg"), os("/home/r")),
        Some(PathBuf::from("/x/cfg"))
    );
    assert_eq!(
        user_config_dir(os("relative/cfg"), os("/home/r")),
        Some(PathBuf::from("/home/r/.config")),
        "XDG ignores relative paths"
    );
    assert_eq!(
        user_config_dir(os(""), os("/home/r")),
        Some(PathBuf::from("/home/r/.config"))
    );
    assert_eq!(user_config_dir(None, None), None);
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("easyrun-profile-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| unreachable!("{e}"));
        TempDir(dir)
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.0.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| unreachable!("{e}"));
        }
        std::fs::write(&path, text).unwrap_or_else(|e| unreachable!("{e}"));
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn discovery_order_explicit_then_cwd_then_config() {
    let tmp = TempDir::new("discovery");
    let cwd = tmp.0.join("cwd").join(PROFILE_FILE_NAME);
    let config = tmp.0.join("config/easyrun").join(PROFILE_FILE_NAME);
    let candidates = [cwd.clone(), config.clone()];
    let found = |explicit: Option<&Path>| {
        discover_in(explicit, &candidates).map(|f| f.map(|(p, f)| (p, f.base.max_hr_bpm)))
    };

    assert!(matches!(found(None), Ok(None)), "no file anywhere is fine");
    tmp.write("config/easyrun/easyrun.toml", "max_hr = 181\n");
    assert_eq!(found(None).ok(), Some(Some((config.clone(), Some(181.0)))));
    tmp.write("cwd/easyrun.toml", "max_hr = 182\n");
    assert_eq!(found(None).ok(), Some(Some((cwd.clone(), Some(182.0)))));
    let explicit = tmp.write("mine.toml", "max_hr = 183\n");
    assert_eq!(
        found(Some(&explicit)).ok(),
        Some(Some((explicit.clone(), Some(183.0))))
    );
    let gone = tmp.0.join("gone.toml");
    assert_eq!(
        found(Some(&gone)).err().map(|e| e.to_string()),
        Some(format!("profile file {} does not exist", gone.display())),
        "an explicit path must exist"
    );
    tmp.write("cwd/easyrun.toml", "max_hr = 182\nmaxhr = 1\n");
    assert_eq!(
        found(None).err().map(|e| e.to_string()),
        Some(format!(
            "{}:2: unknown key `maxhr` at the top level (expected one of max_hr, \
             rest_hr, lthr, age, sex, zones, phase, units, timezone, maps, history, [[period]])",
            cwd.display()
        )),
        "a broken file is an error, not skipped"
    );
}
