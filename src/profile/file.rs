//! The profile file (`easyrun.toml`): the runner's thresholds and choices, with date
//! ranges because zones change over the years. Parsed into typed values with the line of
//! every problem; [`ProfileFile::for_date`] gives the values in force on one day.
//! Format: docs/profile.md.
//!
//! The file is read through toml's spanned document tree ([`toml::de::DeTable`]) rather
//! than a serde derive, so that every key and value keeps its position: an unknown key,
//! a value out of range or two clashing periods are reported with their line.

use std::fmt;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::error::{FileProblem, ProfileError};
use super::{Choice, Phase, Sex, Units, ZoneModel};
use crate::local_time::Zone;
use crate::model::Timestamp;

/// Plausible maximum heart rate, bpm.
pub const MAX_HR_BPM_RANGE: RangeInclusive<f64> = 100.0..=240.0;
/// Plausible resting heart rate, bpm.
pub const REST_HR_BPM_RANGE: RangeInclusive<f64> = 25.0..=120.0;
/// Plausible lactate-threshold heart rate, bpm.
pub const LTHR_BPM_RANGE: RangeInclusive<f64> = 80.0..=230.0;
/// Plausible age, years.
pub const AGE_YEARS_RANGE: RangeInclusive<f64> = 5.0..=100.0;

const SEX_CHOICES: &str = "male, female";
const ZONES_CHOICES: &str = "hrmax, hrr, lthr, seiler, maf";
const PHASE_CHOICES: &str = "base, build, peak";
const UNITS_CHOICES: &str = "metric, imperial";
const TOP_KEYS: &str =
    "max_hr, rest_hr, lthr, age, sex, zones, phase, units, timezone, maps, history, [[period]]";
const PERIOD_KEYS: &str = "from, until, max_hr, rest_hr, lthr, age, sex, zones, phase";

/// A calendar day, days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i64);

const MS_PER_DAY: i64 = 86_400_000;

impl Date {
    /// The calendar day holding `t` read as UTC: pass a run's local wall clock
    /// ([`crate::model::LocalTime::wall_clock`]) for its local day.
    pub fn of(t: Timestamp) -> Date {
        Date(t.unix_ms().div_euclid(MS_PER_DAY))
    }

    /// A proleptic Gregorian date; `None` when it does not exist (2023-02-29) or the
    /// year is outside 1..=9999.
    pub fn from_ymd(year: i64, month: u32, day: u32) -> Option<Date> {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        if !(1..=9999).contains(&year) || !(1..=days_in_month).contains(&day) {
            return None;
        }
        let midnight = format!("{year:04}-{month:02}-{day:02}T00:00:00Z");
        Timestamp::parse_rfc3339(&midnight).map(Date::of)
    }

    /// Parses exactly `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if parts.next().is_some() || !digits(y, 4) || !digits(m, 2) || !digits(d, 2) {
            return None;
        }
        Date::from_ymd(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = Timestamp(self.0.saturating_mul(MS_PER_DAY)).to_string();
        f.write_str(t.split('T').next().unwrap_or(&t))
    }
}

/// Profile values from one source, each present only when that source sets it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PartialProfile {
    /// Maximum heart rate, bpm.
    pub max_hr_bpm: Option<f64>,
    /// Resting heart rate, bpm.
    pub rest_hr_bpm: Option<f64>,
    /// Lactate-threshold heart rate, bpm.
    pub lthr_bpm: Option<f64>,
    /// Age, years.
    pub age_years: Option<f64>,
    /// Sex.
    pub sex: Option<Sex>,
    /// Zone model.
    pub zone_model: Option<ZoneModel>,
    /// Training phase.
    pub phase: Option<Phase>,
}

impl PartialProfile {
    /// Replaces every value `over` sets.
    fn overlay(&mut self, over: &PartialProfile) {
        fn put<T: Copy>(slot: &mut Option<T>, v: Option<T>) {
            if v.is_some() {
                *slot = v;
            }
        }
        put(&mut self.max_hr_bpm, over.max_hr_bpm);
        put(&mut self.rest_hr_bpm, over.rest_hr_bpm);
        put(&mut self.lthr_bpm, over.lthr_bpm);
        put(&mut self.age_years, over.age_years);
        put(&mut self.sex, over.sex);
        put(&mut self.zone_model, over.zone_model);
        put(&mut self.phase, over.phase);
    }

    /// The file keys this sets.
    fn keys(&self) -> Vec<&'static str> {
        [
            ("max_hr", self.max_hr_bpm.is_some()),
            ("rest_hr", self.rest_hr_bpm.is_some()),
            ("lthr", self.lthr_bpm.is_some()),
            ("age", self.age_years.is_some()),
            ("sex", self.sex.is_some()),
            ("zones", self.zone_model.is_some()),
            ("phase", self.phase.is_some()),
        ]
        .into_iter()
        .filter_map(|(k, set)| set.then_some(k))
        .collect()
    }
}

/// A `[[period]]`: values in force from `from` to `until`, both inclusive; a missing
/// bound is open.
#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    /// First day of the period (open when absent).
    pub from: Option<Date>,
    /// Last day of the period (open when absent).
    pub until: Option<Date>,
    /// The values in force during the period.
    pub values: PartialProfile,
    /// Line of the period in the file (1-based), for messages.
    pub line: usize,
}

impl Period {
    /// Whether `date` falls in the period.
    pub fn contains(&self, date: Date) -> bool {
        self.from.is_none_or(|f| f <= date) && self.until.is_none_or(|u| date <= u)
    }

    fn overlaps(&self, other: &Period) -> bool {
        let starts_before_other_ends = match (self.from, other.until) {
            (Some(f), Some(u)) => f <= u,
            _ => true,
        };
        let ends_after_other_starts = match (self.until, other.from) {
            (Some(u), Some(f)) => f <= u,
            _ => true,
        };
        starts_before_other_ends && ends_after_other_starts
    }
}

/// A parsed profile file.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileFile {
    /// The file, as its messages name it.
    pub path: PathBuf,
    /// Top-level values: in force unless a period overrides them.
    pub base: PartialProfile,
    /// In file order.
    pub periods: Vec<Period>,
    /// `history = [...]`: the folders `check --latest` reads by default, as written
    /// (`~` not expanded).
    pub history: Vec<String>,
    /// OpenStreetMap files for the surface (`maps = ["region.osm.pbf"]`), relative
    /// paths resolved against the profile file's folder.
    pub maps: Vec<PathBuf>,
    /// `units`: what distances and paces are shown in (top level only).
    pub units: Option<Units>,
    /// `timezone`: the runner's usual time zone, for runs whose file and position do not
    /// say theirs (top level only).
    pub timezone: Option<Zone>,
}

impl ProfileFile {
    /// Reads and parses `path`; a missing file is [`ProfileError::NotFound`].
    pub fn load(path: &Path) -> Result<ProfileFile, ProfileError> {
        let read = crate::ingest::open::read_settings_file(path).and_then(|bytes| {
            String::from_utf8(bytes)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
        });
        match read {
            Ok(text) => ProfileFile::parse(&text, path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(ProfileError::NotFound {
                path: path.to_path_buf(),
            }),
            Err(source) => Err(ProfileError::Io {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// Parses the text of a profile file; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<ProfileFile, ProfileError> {
        let cx = Cx { text, path };
        let doc = DeTable::parse(text).map_err(|e| {
            let at = e.span().map_or(0, |s| s.start);
            let message = e.message().trim().to_string();
            cx.error(at, FileProblem::Syntax { message })
        })?;
        let mut base = PartialProfile::default();
        let mut periods = Vec::new();
        let mut history = Vec::new();
        let mut maps = Vec::new();
        let (mut units, mut timezone) = (None, None);
        for (key, value) in in_file_order(doc.get_ref()) {
            let name: &str = key.get_ref();
            if name == "period" {
                periods = cx.periods(value)?;
            } else if name == "history" {
                history = cx.strings(value, "history")?;
            } else if name == "maps" {
                maps = cx.maps(value)?;
            } else if name == "units" {
                units = Some(cx.choice(value, "units", UNITS_CHOICES)?);
            } else if name == "timezone" {
                timezone = Some(cx.timezone(value)?);
            } else if !cx.common_value(&mut base, name, value)? {
                return Err(cx.error(
                    key.span().start,
                    FileProblem::UnknownKey {
                        key: name.to_string(),
                        section: "at the top level",
                        expected: TOP_KEYS,
                    },
                ));
            }
        }
        check_overlaps(&periods).map_err(|(line, problem)| ProfileError::Invalid {
            path: path.to_path_buf(),
            line,
            problem,
        })?;
        Ok(ProfileFile {
            path: path.to_path_buf(),
            base,
            periods,
            history,
            maps,
            units,
            timezone,
        })
    }

    /// The values in force on `date`: top-level values, overridden by those of every
    /// period that holds the date (periods that hold the same day never set the same
    /// key, so their order does not matter).
    pub fn for_date(&self, date: Date) -> PartialProfile {
        let mut values = self.base.clone();
        for period in self.periods.iter().filter(|p| p.contains(date)) {
            values.overlay(&period.values);
        }
        values
    }
}

type Entry<'a, 'i> = (
    &'a Spanned<toml::de::DeString<'i>>,
    &'a Spanned<DeValue<'i>>,
);

/// Table entries in the order they appear, so the first problem reported is the first
/// in the file.
fn in_file_order<'a, 'i>(table: &'a DeTable<'i>) -> Vec<Entry<'a, 'i>> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    entries
}

/// Two periods that share a day and set the same key: which applies would be a guess.
fn check_overlaps(periods: &[Period]) -> Result<(), (usize, FileProblem)> {
    for (i, later) in periods.iter().enumerate() {
        for earlier in periods.iter().take(i) {
            if !later.overlaps(earlier) {
                continue;
            }
            let earlier_keys = earlier.values.keys();
            if let Some(key) = later
                .values
                .keys()
                .into_iter()
                .find(|k| earlier_keys.contains(k))
            {
                let problem = FileProblem::Overlap {
                    key,
                    other_line: earlier.line,
                };
                return Err((later.line, problem));
            }
        }
    }
    Ok(())
}

/// 1-based line holding byte `offset` of `text`.
fn line_of(text: &str, offset: usize) -> usize {
    let before = text.get(..offset).unwrap_or(text);
    before.matches('\n').count() + 1
}

/// Parsing context: the text (for line numbers) and the path (for messages).
struct Cx<'a> {
    text: &'a str,
    path: &'a Path,
}

impl Cx<'_> {
    fn error(&self, offset: usize, problem: FileProblem) -> ProfileError {
        ProfileError::Invalid {
            path: self.path.to_path_buf(),
            line: line_of(self.text, offset),
            problem,
        }
    }

    fn wrong_type(
        &self,
        key: &str,
        value: &Spanned<DeValue>,
        expected: &'static str,
    ) -> ProfileError {
        self.error(
            value.span().start,
            FileProblem::WrongType {
                key: key.to_string(),
                expected,
                found: match value.get_ref() {
                    DeValue::String(_) => "a string",
                    DeValue::Integer(_) => "an integer",
                    DeValue::Float(_) => "a float",
                    DeValue::Boolean(_) => "a boolean",
                    DeValue::Datetime(_) => "a date-time",
                    DeValue::Array(_) => "an array",
                    DeValue::Table(_) => "a table",
                },
            },
        )
    }

    /// Sets `key` (one of the keys allowed both at the top level and in a period) in
    /// `out`; `Ok(false)` when `key` is not one of them.
    fn common_value(
        &self,
        out: &mut PartialProfile,
        key: &str,
        value: &Spanned<DeValue>,
    ) -> Result<bool, ProfileError> {
        match key {
            "max_hr" => out.max_hr_bpm = Some(self.number(value, "max_hr", MAX_HR_BPM_RANGE)?),
            "rest_hr" => {
                out.rest_hr_bpm = Some(self.number(value, "rest_hr", REST_HR_BPM_RANGE)?);
            }
            "lthr" => out.lthr_bpm = Some(self.number(value, "lthr", LTHR_BPM_RANGE)?),
            "age" => out.age_years = Some(self.number(value, "age", AGE_YEARS_RANGE)?),
            "sex" => out.sex = Some(self.choice(value, "sex", SEX_CHOICES)?),
            "zones" => out.zone_model = Some(self.choice(value, "zones", ZONES_CHOICES)?),
            "phase" => out.phase = Some(self.choice(value, "phase", PHASE_CHOICES)?),
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn number(
        &self,
        value: &Spanned<DeValue>,
        key: &'static str,
        range: RangeInclusive<f64>,
    ) -> Result<f64, ProfileError> {
        let n = match value.get_ref() {
            // Decimal digits parse as f64 directly (a huge one stays huge and fails the
            // range check below); hex/octal/binary go through an integer.
            DeValue::Integer(i) if i.radix() == 10 => i.as_str().parse::<f64>().ok(),
            DeValue::Integer(i) => i128::from_str_radix(i.as_str(), i.radix())
                .ok()
                .map(|n| n as f64),
            DeValue::Float(x) => x.as_str().parse::<f64>().ok(),
            _ => return Err(self.wrong_type(key, value, "a number")),
        };
        let n = n.unwrap_or(f64::NAN);
        if range.contains(&n) {
            Ok(n)
        } else {
            Err(self.error(
                value.span().start,
                FileProblem::OutOfRange {
                    key,
                    value: n,
                    min: *range.start(),
                    max: *range.end(),
                },
            ))
        }
    }

    /// A word of `T`'s list, matched exactly.
    fn choice<T: Choice>(
        &self,
        value: &Spanned<DeValue>,
        key: &'static str,
        choices: &'static str,
    ) -> Result<T, ProfileError> {
        let DeValue::String(word) = value.get_ref() else {
            return Err(self.wrong_type(key, value, "a quoted word"));
        };
        T::from_word(word).ok_or_else(|| {
            self.error(
                value.span().start,
                FileProblem::BadChoice {
                    key,
                    value: word.to_string(),
                    choices,
                },
            )
        })
    }

    /// A time zone of the tz database (`"America/Denver"`).
    fn timezone(&self, value: &Spanned<DeValue>) -> Result<Zone, ProfileError> {
        let DeValue::String(name) = value.get_ref() else {
            return Err(self.wrong_type("timezone", value, "a quoted time zone name"));
        };
        Zone::named(name).ok_or_else(|| {
            self.error(
                value.span().start,
                FileProblem::UnknownTimeZone {
                    value: name.to_string(),
                },
            )
        })
    }

    /// A date: a TOML local date (`2024-01-31`) or a string (`"2024-01-31"`).
    fn date(&self, value: &Spanned<DeValue>, key: &'static str) -> Result<Date, ProfileError> {
        let (parsed, shown) = match value.get_ref() {
            DeValue::String(s) => (Date::parse(s), format!("\"{s}\"")),
            DeValue::Datetime(dt) => {
                let parsed = match (dt.date, dt.time, dt.offset) {
                    (Some(d), None, None) => {
                        Date::from_ymd(i64::from(d.year), u32::from(d.month), u32::from(d.day))
                    }
                    _ => None,
                };
                (parsed, dt.to_string())
            }
            _ => return Err(self.wrong_type(key, value, "a date like \"2024-01-31\"")),
        };
        parsed.ok_or_else(|| {
            self.error(
                value.span().start,
                FileProblem::BadDate { key, value: shown },
            )
        })
    }

    /// A list of strings (`history = ["~/Garmin/Activities"]`).
    fn strings(&self, value: &Spanned<DeValue>, key: &str) -> Result<Vec<String>, ProfileError> {
        const EXPECTED: &str = "a list of quoted paths";
        let DeValue::Array(items) = value.get_ref() else {
            return Err(self.wrong_type(key, value, EXPECTED));
        };
        items
            .iter()
            .map(|item| match item.get_ref() {
                DeValue::String(s) => Ok(s.to_string()),
                _ => Err(self.wrong_type(key, item, EXPECTED)),
            })
            .collect()
    }

    fn maps(&self, value: &Spanned<DeValue>) -> Result<Vec<PathBuf>, ProfileError> {
        const EXPECTED: &str = "a list of file paths";
        let DeValue::Array(items) = value.get_ref() else {
            return Err(self.wrong_type("maps", value, EXPECTED));
        };
        let dir = self.path.parent().unwrap_or(Path::new(""));
        items
            .iter()
            .map(|item| match item.get_ref() {
                DeValue::String(s) => Ok(dir.join(&**s)),
                _ => Err(self.wrong_type("maps", item, EXPECTED)),
            })
            .collect()
    }

    fn periods(&self, value: &Spanned<DeValue>) -> Result<Vec<Period>, ProfileError> {
        const EXPECTED: &str = "a list of tables ([[period]])";
        let DeValue::Array(items) = value.get_ref() else {
            return Err(self.wrong_type("period", value, EXPECTED));
        };
        let mut periods = Vec::new();
        for item in items.iter() {
            let DeValue::Table(table) = item.get_ref() else {
                return Err(self.wrong_type("period", item, EXPECTED));
            };
            periods.push(self.period(table, item.span().start)?);
        }
        Ok(periods)
    }

    fn period(&self, table: &DeTable, offset: usize) -> Result<Period, ProfileError> {
        let mut period = Period {
            from: None,
            until: None,
            values: PartialProfile::default(),
            line: line_of(self.text, offset),
        };
        for (key, value) in in_file_order(table) {
            let name: &str = key.get_ref();
            match name {
                "from" => period.from = Some(self.date(value, "from")?),
                "until" => period.until = Some(self.date(value, "until")?),
                _ => {
                    if !self.common_value(&mut period.values, name, value)? {
                        return Err(self.error(
                            key.span().start,
                            FileProblem::UnknownKey {
                                key: name.to_string(),
                                section: "in [[period]]",
                                expected: PERIOD_KEYS,
                            },
                        ));
                    }
                }
            }
        }
        if let (Some(from), Some(until)) = (period.from, period.until)
            && from > until
        {
            return Err(self.error(
                offset,
                FileProblem::EmptyRange {
                    from: from.to_string(),
                    until: until.to_string(),
                },
            ));
        }
        Ok(period)
    }
}

#[cfg(test)]
mod tests;
