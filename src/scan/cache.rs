//! The history cache: what each file of a history boiled down to — its activities'
//! [`RunFacts`] (the history's input: classes, placement, the max-HR estimate, the
//! baseline), their [`Analysis`] as the per-file pipeline left it (before labels and
//! the history's passes), and which of them needed the estimate — kept between runs so
//! that a history is not read again to judge one new run (`check --history`, `check
//! --latest`), and a re-scan reads only the files that changed (`scan`, `report`).
//!
//! Design (docs/decisions.md §22):
//!
//! - One file per build and settings: `facts-<build>-<settings>.cache` in the cache
//!   folder ([`default_dir`]). `<build>` hashes easyrun's version, [`FACTS_FORMAT_VERSION`]
//!   and the library's sources (build.rs), so any change of code that could compute
//!   other facts starts a new cache; `<settings>` hashes the thresholds given (flags,
//!   profile file), the rules, the time zone and the maps (their files' identity and
//!   the matcher's parameters: they shape the analyses). Files of other builds are
//!   removed when a cache is written.
//! - An entry is keyed by the file's canonical path, size and modification time; its
//!   activities' facts and analyses were computed with the max-HR estimate they
//!   record, and are used only while the history's estimate is the same.
//! - Entries are kept as their JSON lines: opening a cache reads only each line's key
//!   (path and stamp); a line is parsed in full when its file is asked for, and written
//!   back as it was read.
//! - Files with an unreadable part are never cached: their errors are always read
//!   afresh. An entry is stored only when it survives its own round trip exactly (no
//!   float that JSON cannot hold), so a cached run gives byte-identical output.
//! - A header line names the format, build, settings, body length and an FNV-1a
//!   checksum: a truncated or hand-edited file is not trusted but rebuilt, with a
//!   warning.
//! - Written atomically (a temporary file renamed over the cache), merging what
//!   another process wrote since this one read: concurrent runs lose at most each
//!   other's newest entries, never corrupt the file.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use super::{Skipped, parallel};
use crate::analyze::{Analysis, Settings};
use crate::history::RunFacts;
use crate::model::Format;

/// Bumped whenever what a cache entry holds, or means, changes. 1: the first facts;
/// 2: `RunFacts` gained `created` (implausible starts), `local` (the start's local
/// clock) and facts computed with map surfaces; 3: every activity's [`Analysis`] beside
/// its facts, and the maps in the settings' hash. A cache of another format is rebuilt,
/// never read.
pub const FACTS_FORMAT_VERSION: u32 = 3;
const MAGIC: &str = "easyrun-history-cache";
const PREFIX: &str = "facts-";
const SUFFIX: &str = ".cache";
const TEMP_MARK: &str = ".tmp.";

/// The cache folder: `EASYRUN_CACHE_DIR`, else `$XDG_CACHE_HOME/easyrun`, else
/// `$HOME/.cache/easyrun` (XDG Base Directory defaults); `None` without any. `var`
/// reads the environment (`|k| std::env::var_os(k)`).
pub fn default_dir(var: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let set = |k: &str| var(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = set("EASYRUN_CACHE_DIR") {
        return Some(dir);
    }
    if let Some(dir) = set("XDG_CACHE_HOME").filter(|p| p.is_absolute()) {
        return Some(dir.join("easyrun"));
    }
    set("HOME").map(|home| home.join(".cache").join("easyrun"))
}

/// What the cache did in one batch.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CacheReport {
    /// The cache file.
    pub file: PathBuf,
    /// History files whose facts came from the cache.
    pub hits: usize,
    /// History files read (new, changed, or not cacheable).
    pub misses: usize,
    /// Whether the cache file was (re)written.
    pub written: bool,
    /// A broken cache rebuilt, a cache that could not be written: said, never fatal.
    pub warnings: Vec<String>,
}

/// One cache file found in the folder ([`info`]).
#[derive(Debug, Clone, PartialEq)]
pub struct CacheFileInfo {
    /// The file.
    pub path: PathBuf,
    /// Its size, bytes.
    pub bytes: u64,
    /// History files it holds; `None` when it is broken.
    pub files: Option<usize>,
    /// Activities it holds.
    pub activities: usize,
    /// Whether this build of easyrun reads it.
    pub current_build: bool,
}

/// The cache files in `dir` (none when it does not exist), sorted by name.
pub fn info(dir: &Path) -> io::Result<Vec<CacheFileInfo>> {
    let build = build_id();
    let mut out = Vec::new();
    for path in cache_files(dir)? {
        let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let parsed = std::fs::read_to_string(&path)
            .ok()
            .and_then(|text| parse(&text, None).ok());
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        out.push(CacheFileInfo {
            bytes,
            files: parsed.as_ref().map(BTreeMap::len),
            activities: parsed
                .iter()
                .flat_map(|m| m.values())
                .map(activities_in)
                .sum(),
            current_build: name.is_some_and(|n| n.starts_with(&format!("{PREFIX}{build}-"))),
            path,
        });
    }
    Ok(out)
}

/// Removes every cache file (and leftover temporary file) from `dir`; returns how
/// many. Nothing else in the folder is touched.
pub fn clear(dir: &Path) -> io::Result<usize> {
    let files = cache_files(dir)?;
    for f in &files {
        std::fs::remove_file(f)?;
    }
    Ok(files.len())
}

fn cache_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut out: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                let n = n.strip_prefix('.').unwrap_or(n);
                n.starts_with(PREFIX) && (n.ends_with(SUFFIX) || n.contains(TEMP_MARK))
            })
        })
        .collect();
    out.sort();
    Ok(out)
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a, 64 bits: a stable hash (std's hasher may change between releases).
fn fnv(bytes: &[u8]) -> u64 {
    let mut hash = FNV_OFFSET;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(FNV_PRIME);
    }
    hash
}

/// The body's checksum: FNV-1a over little-endian 64-bit words of the byte stream (the
/// last, short word zero-padded, then the length), eight times fewer multiplications
/// than bytewise FNV on a cache of megabytes. Each step is a bijection of the state for
/// a given word, so any change confined to one word always changes the sum. Fed in
/// pieces: the sum is the same however the stream is cut.
#[derive(Debug, Clone)]
struct Checksum {
    hash: u64,
    pending: [u8; 8],
    filled: usize,
    len: u64,
}

impl Checksum {
    fn new() -> Checksum {
        Checksum {
            hash: FNV_OFFSET,
            pending: [0; 8],
            filled: 0,
            len: 0,
        }
    }

    fn word(&mut self, w: u64) {
        self.hash ^= w;
        self.hash = self.hash.wrapping_mul(FNV_PRIME);
    }

    fn write(&mut self, mut bytes: &[u8]) {
        self.len += bytes.len() as u64;
        if self.filled > 0 {
            let take = (8 - self.filled).min(bytes.len());
            let (head, rest) = bytes.split_at(take);
            if let Some(dst) = self.pending.get_mut(self.filled..self.filled + take) {
                dst.copy_from_slice(head);
            }
            self.filled += take;
            bytes = rest;
            if self.filled < 8 {
                return;
            }
            self.word(u64::from_le_bytes(self.pending));
            self.filled = 0;
        }
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let mut b = [0u8; 8];
            b.copy_from_slice(w);
            self.word(u64::from_le_bytes(b));
        }
        let tail = words.remainder();
        if let Some(dst) = self.pending.get_mut(..tail.len()) {
            dst.copy_from_slice(tail);
        }
        self.filled = tail.len();
    }

    fn finish(mut self) -> u64 {
        if self.filled > 0 {
            let mut b = [0u8; 8];
            if let (Some(dst), Some(src)) =
                (b.get_mut(..self.filled), self.pending.get(..self.filled))
            {
                dst.copy_from_slice(src);
            }
            self.word(u64::from_le_bytes(b));
        }
        let len = self.len;
        self.word(len);
        self.hash
    }
}

fn checksum(bytes: &[u8]) -> u64 {
    let mut c = Checksum::new();
    c.write(bytes);
    c.finish()
}

/// This build: easyrun's version, the facts format and the sources' hash.
fn build_id() -> String {
    let text = format!(
        "{} {FACTS_FORMAT_VERSION} {}",
        env!("CARGO_PKG_VERSION"),
        env!("EASYRUN_SOURCE_HASH")
    );
    format!("{:016x}", fnv(text.as_bytes()))
}

/// The settings that shape the facts and analyses: thresholds given, rules, the
/// configured time zone (a run that says no zone of its own takes it), and the maps —
/// each file's name and identity (size, modification time: its index is built from
/// it) and the matcher's parameters — which shape an analysis's surface. Whether the
/// curves are kept is not among them: curves are never cached.
fn settings_id(settings: &Settings) -> String {
    let maps: Vec<_> = settings
        .maps
        .iter()
        .map(|m| (&m.path, m.index.stamp))
        .collect();
    let text = format!(
        "{:?}|{:?}|{:?}|{:?}|{maps:?}|{:?}",
        settings.flags,
        settings.profile_file,
        settings.rules,
        settings.timezone,
        if settings.maps.is_empty() {
            None
        } else {
            Some(&settings.map_params)
        }
    );
    format!("{:016x}", fnv(text.as_bytes()))
}

/// A file's size and modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Stamp {
    size: u64,
    mtime_s: i64,
    mtime_ns: u32,
}

/// A history file as the cache knows it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct FileId {
    canonical: String,
    stamp: Stamp,
}

impl FileId {
    /// `path`'s identity now; `None` when it cannot be known (then it is not cached).
    pub(super) fn of(path: &Path) -> Option<FileId> {
        let canonical = std::fs::canonicalize(path).ok()?;
        let meta = std::fs::metadata(&canonical).ok()?;
        let mtime = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
        Some(FileId {
            canonical: canonical.to_str()?.to_string(),
            stamp: Stamp {
                size: meta.len(),
                mtime_s: i64::try_from(mtime.as_secs()).ok()?,
                mtime_ns: mtime.subsec_nanos(),
            },
        })
    }

    /// The canonical path (files given twice under different names are one).
    pub(super) fn canonical(&self) -> &str {
        &self.canonical
    }
}

/// One activity of a cached file.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct CachedActivity {
    /// Its facts, computed with `fallback_bpm` standing in for a missing max HR.
    pub(super) facts: RunFacts,
    /// Its analysis as the per-file pipeline made it (no labels, nothing of the
    /// history; no curves), with the same `fallback_bpm`.
    pub(super) analysis: Box<Analysis>,
    pub(super) format: Format,
    /// Whether it has no max HR of its own (the history's estimate stands in).
    pub(super) needs_fallback: bool,
    /// The estimate its facts were computed with.
    pub(super) fallback_bpm: Option<f64>,
}

/// One result of reading a cached file.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Outcome {
    Activity(Box<CachedActivity>),
    /// A member that is no activity.
    Skipped(Skipped),
}

/// The key of a line: what it says of its file, read without parsing the rest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Key {
    path: String,
    stamp: Stamp,
}

/// An outcome with its source relative to the file (`""`, `/member`, `#2`): the same
/// file is named differently from another folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Stored {
    Activity {
        suffix: String,
        format: Format,
        needs_fallback: bool,
        fallback_bpm: Option<f64>,
        facts: Box<RunFacts>,
        analysis: Box<Analysis>,
    },
    Skipped {
        suffix: String,
        reason: String,
    },
}

impl Stored {
    fn restore(self, name: &str) -> Outcome {
        match self {
            Stored::Activity {
                suffix,
                format,
                needs_fallback,
                fallback_bpm,
                facts,
                analysis,
            } => {
                let source = format!("{name}{suffix}");
                let mut analysis = analysis;
                analysis.header.source.clone_from(&source);
                let mut facts = *facts;
                facts.source = source;
                Outcome::Activity(Box::new(CachedActivity {
                    facts,
                    analysis,
                    format,
                    needs_fallback,
                    fallback_bpm,
                }))
            }
            Stored::Skipped { suffix, reason } => Outcome::Skipped(Skipped {
                source: format!("{name}{suffix}"),
                reason,
            }),
        }
    }

    fn of(outcome: Outcome, name: &str) -> Option<Stored> {
        Some(match outcome {
            Outcome::Activity(a) => {
                let a = *a;
                if a.analysis.header.source != a.facts.source {
                    return None;
                }
                let suffix = a.facts.source.strip_prefix(name)?.to_string();
                let mut facts = a.facts;
                facts.source = String::new();
                let mut analysis = a.analysis;
                analysis.header.source = String::new();
                // Curves are never cached (`scan::read_curves` reads them again).
                analysis.series = None;
                analysis.surface_strip = None;
                Stored::Activity {
                    suffix,
                    format: a.format,
                    needs_fallback: a.needs_fallback,
                    fallback_bpm: a.fallback_bpm,
                    facts: Box::new(facts),
                    analysis,
                }
            }
            Outcome::Skipped(s) => Stored::Skipped {
                suffix: s.source.strip_prefix(name)?.to_string(),
                reason: s.reason,
            },
        })
    }
}

/// One entry as it is held: its stamp and its line — the [`Key`] as JSON, a tab (JSON
/// never holds a raw one), the outcomes as a JSON array — parsed when asked for.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    stamp: Stamp,
    text: String,
    /// Where the outcomes start in `text`.
    outcomes_at: usize,
}

impl Line {
    fn outcomes(&self) -> Option<Vec<Stored>> {
        serde_json::from_str(self.text.get(self.outcomes_at..)?).ok()
    }
}

/// The entries of a cache file's text, by canonical path, or why it is not trusted.
fn parse(text: &str, expect: Option<(&str, &str)>) -> Result<BTreeMap<String, Line>, String> {
    let (header, body) = text.split_once('\n').ok_or("no header line")?;
    let fields: Vec<&str> = header.split(' ').collect();
    let [magic, version, build, settings, len, sum] = fields.as_slice() else {
        return Err("the header line is not a cache header".to_string());
    };
    if *magic != MAGIC || *version != FACTS_FORMAT_VERSION.to_string() {
        return Err("not a cache of this format".to_string());
    }
    if let Some((b, s)) = expect
        && (*build != b || *settings != s)
    {
        return Err("written for another build or settings".to_string());
    }
    if len.parse::<usize>().ok() != Some(body.len()) {
        return Err(format!(
            "{} bytes where the header says {len}: truncated or edited",
            body.len()
        ));
    }
    if *sum != format!("{:016x}", checksum(body.as_bytes())) {
        return Err("its checksum does not match: edited or damaged".to_string());
    }
    let mut files = BTreeMap::new();
    for (i, line) in body.lines().enumerate() {
        let key = line
            .split_once('\t')
            .ok_or_else(|| "no tab after the key".to_string())
            .and_then(|(key, _)| serde_json::from_str::<Key>(key).map_err(|e| e.to_string()))
            .map_err(|e| format!("entry {}: {e}", i + 1))?;
        let outcomes_at = line.find('\t').map_or(line.len(), |t| t + 1);
        files.insert(
            key.path,
            Line {
                stamp: key.stamp,
                text: line.to_string(),
                outcomes_at,
            },
        );
    }
    Ok(files)
}

/// How many activities a line holds (`info`), without reading them.
fn activities_in(line: &Line) -> usize {
    #[derive(Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Activity(serde::de::IgnoredAny),
        Skipped(serde::de::IgnoredAny),
    }
    line.text
        .get(line.outcomes_at..)
        .and_then(|text| serde_json::from_str::<Vec<Kind>>(text).ok())
        .map_or(0, |k| {
            k.iter().filter(|o| matches!(o, Kind::Activity(_))).count()
        })
}

/// The line that keeps `outcomes` of `path` (identified as `id` before it was read),
/// or `None` when the file changed since, when something names the file elsewhere than
/// in its sources, or when an outcome would not come back exactly.
fn line_of(id: &FileId, path: &Path, outcomes: Vec<Outcome>) -> Option<Line> {
    if FileId::of(path).as_ref() != Some(id) {
        return None;
    }
    let name = path.display().to_string();
    let stored = outcomes
        .into_iter()
        .map(|o| Stored::of(o, &name))
        .collect::<Option<Vec<_>>>()?;
    let key = serde_json::to_string(&Key {
        path: id.canonical.clone(),
        stamp: id.stamp,
    })
    .ok()?;
    let json = serde_json::to_string(&stored).ok()?;
    // The file's name must not be anywhere else in what is kept (a message that quotes
    // it): under another name the entry would not come back as it was read.
    let quoted = serde_json::to_string(&name).ok()?;
    let bare = quoted.get(1..quoted.len().saturating_sub(1))?;
    if bare.is_empty() || json.contains(bare) {
        return None;
    }
    let round_trip = serde_json::from_str::<Vec<Stored>>(&json).ok()?;
    (round_trip == stored).then(|| Line {
        stamp: id.stamp,
        outcomes_at: key.len() + 1,
        text: format!("{key}\t{json}"),
    })
}

/// An open cache: read once, looked up per file, written back once.
#[derive(Debug)]
pub(super) struct HistoryCache {
    dir: PathBuf,
    file: PathBuf,
    build: String,
    settings: String,
    files: BTreeMap<String, Line>,
    dirty: bool,
    report: CacheReport,
}

impl HistoryCache {
    /// The cache in `dir` for `settings`; a missing cache is empty, a broken one is
    /// empty with a warning (and rewritten).
    pub(super) fn open(dir: &Path, settings: &Settings) -> HistoryCache {
        let build = build_id();
        let settings = settings_id(settings);
        let file = dir.join(format!("{PREFIX}{build}-{settings}{SUFFIX}"));
        let mut cache = HistoryCache {
            dir: dir.to_path_buf(),
            report: CacheReport {
                file: file.clone(),
                ..CacheReport::default()
            },
            file,
            build,
            settings,
            files: BTreeMap::new(),
            dirty: false,
        };
        match std::fs::read_to_string(&cache.file) {
            Ok(text) => match parse(&text, Some((&cache.build, &cache.settings))) {
                Ok(files) => cache.files = files,
                Err(why) => {
                    cache.dirty = true;
                    cache.report.warnings.push(format!(
                        "history cache {} not trusted ({why}): rebuilt",
                        cache.file.display()
                    ));
                }
            },
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => {
                cache.dirty = true;
                cache.report.warnings.push(format!(
                    "history cache {} unreadable ({e}): rebuilt",
                    cache.file.display()
                ));
            }
        }
        cache
    }

    /// The cached outcomes of `path` (named as the walk names it) when `id` matches.
    #[cfg(test)]
    pub(super) fn get(&mut self, id: &FileId, path: &Path) -> Option<Vec<Outcome>> {
        self.get_all(&[(Some(id), path)]).pop().flatten()
    }

    /// [`HistoryCache::get`] for every file of `files` (`None` for a file whose identity
    /// is unknown: a miss), in order; the lines are parsed in parallel on the current
    /// pool.
    pub(super) fn get_all(
        &mut self,
        files: &[(Option<&FileId>, &Path)],
    ) -> Vec<Option<Vec<Outcome>>> {
        let lines: Vec<Option<&Line>> = files
            .iter()
            .map(|(id, _)| {
                id.and_then(|id| {
                    self.files
                        .get(&id.canonical)
                        .filter(|line| line.stamp == id.stamp)
                })
            })
            .collect();
        let jobs: Vec<(Option<&Line>, &Path)> = lines
            .into_iter()
            .zip(files.iter().map(|(_, p)| *p))
            .collect();
        let got = parallel::map_each(&jobs, |(line, path)| {
            let outcomes = (*line)?.outcomes()?;
            let name = path.display().to_string();
            Some(
                outcomes
                    .into_iter()
                    .map(|o| o.restore(&name))
                    .collect::<Vec<_>>(),
            )
        });
        for hit in &got {
            match hit {
                Some(_) => self.report.hits += 1,
                None => self.report.misses += 1,
            }
        }
        got
    }

    /// Keeps `outcomes` of `path` (identified as `id` before it was read) — unless the
    /// file changed since, or an outcome would not come back exactly.
    #[cfg(test)]
    pub(super) fn put(&mut self, id: &FileId, path: &Path, outcomes: &[Outcome]) {
        self.put_all(&[(id, path)], |_| outcomes.to_vec());
    }

    /// [`HistoryCache::put`] for each file of `files`, whose outcomes `outcomes(k)` makes
    /// for the `k`-th; the lines are made and checked in parallel on the current pool,
    /// and each file's outcomes dropped as soon as its line is made.
    pub(super) fn put_all<F>(&mut self, files: &[(&FileId, &Path)], outcomes: F)
    where
        F: Fn(usize) -> Vec<Outcome> + Sync + Send,
    {
        let numbered: Vec<(usize, &(&FileId, &Path))> = files.iter().enumerate().collect();
        let lines = parallel::map_each(&numbered, |(k, (id, path))| {
            let line = line_of(id, path, outcomes(*k))?;
            // Already held as it is: nothing to write.
            let held = self.files.get(&id.canonical);
            (held != Some(&line)).then_some(line)
        });
        for ((id, _), line) in files.iter().zip(lines) {
            if let Some(line) = line {
                self.files.insert(id.canonical.clone(), line);
                self.dirty = true;
            }
        }
    }

    /// Writes the cache back when it changed (merging entries another process wrote
    /// meanwhile, dropping files that no longer exist) and returns what it did.
    pub(super) fn finish(mut self) -> CacheReport {
        if self.dirty {
            match self.write() {
                Ok(()) => self.report.written = true,
                Err(e) => self.report.warnings.push(format!(
                    "history cache {} not written: {e}",
                    self.file.display()
                )),
            }
        }
        self.report
    }

    fn write(&mut self) -> io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        if let Ok(text) = std::fs::read_to_string(&self.file)
            && let Ok(theirs) = parse(&text, Some((&self.build, &self.settings)))
        {
            for (path, file) in theirs {
                self.files.entry(path).or_insert(file);
            }
        }
        self.files.retain(|path, _| Path::new(path).exists());
        // The body is written line by line, never gathered in one string.
        let mut sum = Checksum::new();
        let mut len = 0;
        for line in self.files.values() {
            sum.write(line.text.as_bytes());
            sum.write(b"\n");
            len += line.text.len() + 1;
        }
        let header = format!(
            "{MAGIC} {FACTS_FORMAT_VERSION} {} {} {len} {:016x}\n",
            self.build,
            self.settings,
            sum.finish()
        );
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let name = self
            .file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = self.dir.join(format!(
            ".{name}{TEMP_MARK}{}.{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let result = self
            .write_to(&tmp, &header)
            .and_then(|()| std::fs::rename(&tmp, &self.file));
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result?;
        // Caches of other builds can never be read again.
        let mine = format!("{PREFIX}{}-", self.build);
        for old in cache_files(&self.dir).unwrap_or_default() {
            let n = old.file_name().map(|n| n.to_string_lossy().into_owned());
            if n.is_some_and(|n| {
                n.starts_with(PREFIX) && n.ends_with(SUFFIX) && !n.starts_with(&mine)
            }) {
                let _ = std::fs::remove_file(old);
            }
        }
        Ok(())
    }
}

impl HistoryCache {
    fn write_to(&self, tmp: &Path, header: &str) -> io::Result<()> {
        use std::io::Write as _;
        let mut out = io::BufWriter::with_capacity(1 << 16, std::fs::File::create(tmp)?);
        out.write_all(header.as_bytes())?;
        for line in self.files.values() {
            out.write_all(line.text.as_bytes())?;
            out.write_all(b"\n")?;
        }
        out.flush()
    }
}

#[cfg(test)]
mod tests;
