//! Tests of the profile file parser: values, date ranges, every error with its line.

use super::*;

const EXAMPLE: &str = r#"# values that apply unless a period overrides them
max_hr = 188
rest_hr = 48
lthr = 168
age = 41
sex = "female"
zones = "lthr"
phase = "base"

[[period]]
from = "2024-01-01"      # inclusive, optional
until = "2024-06-30"     # inclusive, optional
max_hr = 192
phase = "build"

[[period]]
from = 2024-07-01
rest_hr = 45.5
"#;

fn parse(text: &str) -> Result<ProfileFile, ProfileError> {
    ProfileFile::parse(text, Path::new("easyrun.toml"))
}

fn day(s: &str) -> Date {
    Date::parse(s).unwrap_or_else(|| unreachable!("test date {s}"))
}

/// The error's message, which must start with the file and line.
fn message(text: &str) -> String {
    match parse(text) {
        Ok(_) => String::from("parsed without error"),
        Err(e) => e.to_string(),
    }
}

fn problem(text: &str) -> Option<(usize, FileProblem)> {
    match parse(text) {
        Err(ProfileError::Invalid { line, problem, .. }) => Some((line, problem)),
        _ => None,
    }
}

#[test]
fn parses_the_documented_example() {
    let f = parse(EXAMPLE).unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!(
        f.base,
        PartialProfile {
            max_hr_bpm: Some(188.0),
            rest_hr_bpm: Some(48.0),
            lthr_bpm: Some(168.0),
            age_years: Some(41.0),
            sex: Some(Sex::Female),
            zone_model: Some(ZoneModel::Lthr),
            phase: Some(Phase::Base),
        }
    );
    assert_eq!(f.periods.len(), 2);
    let lines: Vec<usize> = f.periods.iter().map(|p| p.line).collect();
    assert_eq!(
        lines,
        vec![10, 16],
        "a period's line is its [[period]] header"
    );
    assert_eq!(
        f.periods.first().and_then(|p| p.from),
        Some(day("2024-01-01"))
    );
    assert_eq!(
        f.periods.get(1).and_then(|p| p.from),
        Some(day("2024-07-01")),
        "a bare TOML date works like a quoted one"
    );
    assert_eq!(f.periods.get(1).and_then(|p| p.until), None);
}

#[test]
fn a_period_applies_inside_its_inclusive_range_only() {
    let f = parse(EXAMPLE).unwrap_or_else(|e| unreachable!("{e}"));
    let at = |s: &str| f.for_date(day(s));
    for inside in ["2024-01-01", "2024-03-15", "2024-06-30"] {
        let p = at(inside);
        assert_eq!(p.max_hr_bpm, Some(192.0), "{inside}");
        assert_eq!(p.phase, Some(Phase::Build), "{inside}");
        assert_eq!(
            p.rest_hr_bpm,
            Some(48.0),
            "keys the period does not set stay"
        );
    }
    for outside in ["2023-12-31", "2024-07-01"] {
        let p = at(outside);
        assert_eq!(p.max_hr_bpm, Some(188.0), "{outside}");
        assert_eq!(p.phase, Some(Phase::Base), "{outside}");
    }
    assert_eq!(
        at("2024-07-01").rest_hr_bpm,
        Some(45.5),
        "open-ended period"
    );
    assert_eq!(at("2031-01-01").rest_hr_bpm, Some(45.5));
    assert_eq!(at("2024-06-30").rest_hr_bpm, Some(48.0));
}

#[test]
fn dates_are_strict_and_utc() {
    assert_eq!(day("2024-02-29").to_string(), "2024-02-29");
    for bad in [
        "2023-02-29",
        "2024-13-01",
        "2024-1-01",
        "24-01-01",
        "2024-01-01x",
    ] {
        assert_eq!(Date::parse(bad), None, "{bad}");
    }
    let late = Timestamp::parse_rfc3339("2024-06-30T23:59:59Z");
    assert_eq!(late.map(Date::of), Some(day("2024-06-30")));
    let next = Timestamp::parse_rfc3339("2024-07-01T01:30:00+02:00");
    assert_eq!(next.map(Date::of), Some(day("2024-06-30")), "UTC day");
}

#[test]
fn every_value_is_range_checked_with_its_line() {
    for (text, key, value) in [
        ("\nmax_hr = 250\n", "max_hr", 250.0),
        ("\nmax_hr = 99.5\n", "max_hr", 99.5),
        ("\nrest_hr = 20\n", "rest_hr", 20.0),
        ("\nrest_hr = 121\n", "rest_hr", 121.0),
        ("\nlthr = 79\n", "lthr", 79.0),
        ("\nlthr = 231\n", "lthr", 231.0),
        ("\nage = 4\n", "age", 4.0),
        ("\nage = 101\n", "age", 101.0),
    ] {
        match problem(text) {
            Some((
                2,
                FileProblem::OutOfRange {
                    key: k, value: v, ..
                },
            )) => {
                assert_eq!((k, v), (key, value), "{text}");
            }
            other => unreachable!("{text}: {other:?}"),
        }
    }
    assert_eq!(
        message("max_hr = 100\nrest_hr = 120\nlthr = 230\nage = 5\n\nmax_hr = 300\n"),
        "easyrun.toml:6: invalid TOML: duplicate key",
        "duplicates are toml's to catch"
    );
    assert!(parse("max_hr = 240\nrest_hr = 25\nlthr = 80\nage = 100\n").is_ok());
    assert_eq!(
        message("# my profile\n\nmax_hr = 250\n"),
        "easyrun.toml:3: `max_hr` = 250 is out of range 100..=240"
    );
    assert_eq!(
        message("max_hr = nan\n"),
        "easyrun.toml:1: `max_hr` = NaN is out of range 100..=240"
    );
    assert_eq!(
        message("max_hr = 0xBC\n").as_str(),
        "parsed without error",
        "hex 188"
    );
}

#[test]
fn unknown_keys_are_named_with_their_line() {
    assert_eq!(
        message("max_hr = 188\nmaxhr = 190\n"),
        "easyrun.toml:2: unknown key `maxhr` at the top level (expected one of max_hr, \
         rest_hr, lthr, age, sex, zones, phase, units, timezone, maps, history, [[period]])"
    );
    assert_eq!(
        message("[[period]]\nfrom = \"2024-01-01\"\nuntill = \"2024-02-01\"\n"),
        "easyrun.toml:3: unknown key `untill` in [[period]] (expected one of from, until, \
         max_hr, rest_hr, lthr, age, sex, zones, phase)"
    );
    assert!(
        matches!(
            problem("from = \"2024-01-01\"\n"),
            Some((1, FileProblem::UnknownKey { .. }))
        ),
        "from/until belong in a period"
    );
    assert!(matches!(
        problem("max_hr = 188\n\n[hr_zones]\nz1 = 120\n"),
        Some((3, FileProblem::UnknownKey { .. }))
    ));
    assert_eq!(
        message("max_hr = 188\n\n[zones]\nz1 = 120\n"),
        "easyrun.toml:3: `zones` must be a quoted word, not a table"
    );
}

#[test]
fn wrong_types_and_bad_words_are_reported() {
    assert_eq!(
        message("max_hr = \"188\"\n"),
        "easyrun.toml:1: `max_hr` must be a number, not a string"
    );
    assert_eq!(
        message("age = 40\nzones = \"karvonen\"\n"),
        "easyrun.toml:2: `zones` = \"karvonen\" is not one of hrmax, hrr, lthr, seiler, maf"
    );
    assert_eq!(
        message("sex = 1\n"),
        "easyrun.toml:1: `sex` must be a quoted word, not an integer"
    );
    assert!(matches!(
        problem("phase = \"Build\"\n"),
        Some((1, FileProblem::BadChoice { key: "phase", .. }))
    ));
    assert_eq!(
        message("max_hr = 188\n[period]\nfrom = \"2024-01-01\"\n"),
        "easyrun.toml:2: `period` must be a list of tables ([[period]]), not a table"
    );
}

#[test]
fn the_word_lists_are_the_choices() {
    fn words<T: Choice>() -> String {
        T::ALL
            .iter()
            .map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
    assert_eq!(words::<Sex>(), SEX_CHOICES);
    assert_eq!(words::<ZoneModel>(), ZONES_CHOICES);
    assert_eq!(words::<Phase>(), PHASE_CHOICES);
    assert_eq!(ZoneModel::from_word("lthr"), Some(ZoneModel::Lthr));
    assert_eq!(ZoneModel::from_word("LTHR"), None, "matched exactly");
}

#[test]
fn bad_dates_and_ranges_are_reported() {
    assert_eq!(
        message("[[period]]\nfrom = \"2024-02-30\"\n"),
        "easyrun.toml:2: `from` = \"2024-02-30\" is not a date like 2024-01-31"
    );
    assert_eq!(
        message("\n[[period]]\nuntil = \"30/06/2024\"\n"),
        "easyrun.toml:3: `until` = \"30/06/2024\" is not a date like 2024-01-31"
    );
    assert!(matches!(
        problem("[[period]]\nfrom = 2024-01-01T10:00:00\n"),
        Some((2, FileProblem::BadDate { key: "from", .. }))
    ));
    assert!(matches!(
        problem("[[period]]\nfrom = 20240101\n"),
        Some((2, FileProblem::WrongType { .. }))
    ));
    assert_eq!(
        message("max_hr = 188\n\n[[period]]\nfrom = \"2024-07-01\"\nuntil = \"2024-06-30\"\n"),
        "easyrun.toml:3: period starts (2024-07-01) after it ends (2024-06-30)"
    );
}

#[test]
fn overlapping_periods_may_not_set_the_same_key() {
    let text = "[[period]]\nuntil = \"2024-06-30\"\nmax_hr = 190\n\n\
                [[period]]\nfrom = \"2024-06-30\"\nmax_hr = 192\n";
    assert_eq!(
        message(text),
        "easyrun.toml:5: this period overlaps the period at line 1 and both set \
         `max_hr`: make the date ranges disjoint or set `max_hr` in only one"
    );
    let adjacent = "[[period]]\nuntil = \"2024-06-30\"\nmax_hr = 190\n\n\
                    [[period]]\nfrom = \"2024-07-01\"\nmax_hr = 192\n";
    assert!(parse(adjacent).is_ok(), "adjacent days do not overlap");
    let other_keys = "[[period]]\nfrom = \"2024-01-01\"\nmax_hr = 190\n\n\
                      [[period]]\nfrom = \"2024-03-01\"\nuntil = \"2024-04-01\"\nphase = \"peak\"\n";
    let f = parse(other_keys).unwrap_or_else(|e| unreachable!("{e}"));
    let p = f.for_date(day("2024-03-10"));
    assert_eq!((p.max_hr_bpm, p.phase), (Some(190.0), Some(Phase::Peak)));
    let unbounded = "[[period]]\nlthr = 170\n\n[[period]]\nfrom = \"2020-01-01\"\nuntil = \"2020-01-01\"\nlthr = 171\n";
    assert!(matches!(
        problem(unbounded),
        Some((
            4,
            FileProblem::Overlap {
                key: "lthr",
                other_line: 1
            }
        ))
    ));
}

#[test]
fn syntax_errors_carry_their_line() {
    assert!(matches!(
        problem("max_hr = 188\nrest_hr =\nlthr = 170\n"),
        Some((2, FileProblem::Syntax { .. }))
    ));
    let m = message("max_hr = 188\n\n[[period]\n");
    assert!(m.starts_with("easyrun.toml:3: "), "{m}");
}

#[test]
fn load_tells_missing_from_unreadable() {
    let missing = Path::new("/nonexistent/easyrun-test/easyrun.toml");
    assert!(matches!(
        ProfileFile::load(missing),
        Err(ProfileError::NotFound { .. })
    ));
}

#[test]
fn history_folders_are_a_list_of_paths() {
    let file = parse("max_hr = 188\nhistory = [\"~/Garmin/Activities\", \"/data/strava\"]\n");
    assert_eq!(
        file.map(|f| f.history).ok(),
        Some(vec![
            "~/Garmin/Activities".to_string(),
            "/data/strava".to_string()
        ])
    );
    assert_eq!(
        message("history = \"~/Garmin\"\n"),
        "easyrun.toml:1: `history` must be a list of quoted paths, not a string"
    );
}

#[test]
fn maps_are_paths_beside_the_file() {
    let f = ProfileFile::parse(
        "maps = [\"alps.osm.pbf\", \"/data/town.osm\"]\n",
        Path::new("/home/r/easyrun.toml"),
    )
    .unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!(
        f.maps,
        vec![
            PathBuf::from("/home/r/alps.osm.pbf"),
            PathBuf::from("/data/town.osm")
        ]
    );
    assert_eq!(
        message("maps = \"alps.osm.pbf\"\n"),
        "easyrun.toml:1: `maps` must be a list of file paths, not a string"
    );
}

#[test]
fn units_and_timezone_are_top_level_keys() {
    let text = "units = \"imperial\"\ntimezone = \"america/denver\"\nmax_hr = 188\n";
    let f = ProfileFile::parse(text, Path::new("easyrun.toml"));
    let f = f.unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!(f.units, Some(crate::profile::Units::Imperial));
    assert_eq!(
        f.timezone.as_ref().map(|z| z.name()),
        Some("America/Denver")
    );
    assert_eq!(
        message("units = \"miles\"\n"),
        "easyrun.toml:1: `units` = \"miles\" is not one of metric, imperial"
    );
    assert_eq!(
        message("max_hr = 188\ntimezone = \"Mars/Olympus\"\n"),
        "easyrun.toml:2: `timezone` = \"Mars/Olympus\" is no time zone of the tz database \
         (like \"America/Denver\" or \"Europe/Berlin\")"
    );
    assert!(matches!(
        problem("timezone = 3\n"),
        Some((1, FileProblem::WrongType { .. }))
    ));
    // Not per period: the runner's units and usual zone are one each.
    assert!(matches!(
        problem("[[period]]\nunits = \"metric\"\n"),
        Some((2, FileProblem::UnknownKey { .. }))
    ));
}
