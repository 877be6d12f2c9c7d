//! History, step 1: what each activity was (recovery, easy, long, tempo, intervals,
//! race, other), on what evidence, and which runs were meant as recovery runs — placed
//! within the window after the END of a long or hard session (shared/DOMAIN.md §1), or
//! named so. Recordings minutes apart are one session (`sessions.rs`).
//!
//! Pure and total: facts in, one [`Placement`] per activity out, in input order. The
//! rules, their defaults and why are in docs/history.md; "long" and "hard" follow
//! shared/DOMAIN.md §4.

use super::config::HistoryConfig;
use super::sessions::{self, SessionPart, SessionRole};
use super::signals::{Signals, Words};
use super::sport::SportConfig;
use super::{Class, ClassReason, Intent, Placement, RecoversFrom, RunFacts, race};
use crate::model::Sport;

const MS_PER_HOUR: f64 = 3_600_000.0;

/// Whether an activity is a run (with the default sport inference; `classify` uses
/// the configured one): labelled, recorded or inferred running.
pub fn is_running(facts: &RunFacts) -> bool {
    super::sport::resolve(facts, &SportConfig::default()).sport == Some(Sport::Running)
}

/// The runner's usual run, seconds: the median moving time of the running activities
/// of the whole batch, races and warm-ups/cool-downs left out (when every run is a
/// race, all runs count). `None` without any run with moving time.
pub fn usual_run_s(facts: &[RunFacts], config: &HistoryConfig) -> Option<f64> {
    let ctx = Context::new(facts, config);
    ctx.usual_s
}

/// Classifies every activity and finds the intended recovery runs.
///
/// `facts` should be sorted by start time (the batch driver sorts them). If they are
/// not, they are processed in a stable order of (start time, source) anyway; the result
/// is always in INPUT order, one placement per activity, and
/// [`RecoversFrom::index`] is an index into `facts`.
///
/// Per activity, in this order (docs/history.md explains each step):
/// 1. not a run → other;
/// 2. the warm-up or cool-down of a session → easy (never a recovery run);
/// 3. planned sessions keep their class: a race by name (unless the name also says
///    recovery), intervals by lap intensity, lap shape or planned workout;
/// 4. a recovery word → recovery (intent: name);
/// 5. a workout name (tempo, intervals, long run) → that class;
/// 6. a race's evidence — exertion, sustained threshold effort, near the runner's best,
///    a race distance after its own warm-up — → race (a triathlon's run leg is a race
///    right after a race name);
/// 7. starting within the window after the end of the most recent long or hard
///    session → recovery (intent: placement), unless the run is itself long, the main
///    part of a session with its own warm-up or with a ride or swim (planned), another
///    run of a session, or run to a planned workout file;
/// 8. otherwise: intervals by efforts (not on a long run), long (floor), tempo
///    (sustained), long (relative), else easy.
///
/// A run that was merely run too hard after a long run (tempo by heart rate, surges)
/// stays a recovery run: judging it is the point.
pub fn classify(facts: &[RunFacts], config: &HistoryConfig) -> Vec<Placement> {
    let ctx = Context::new(facts, config);
    let window_ms = (config.recovery_window_h.max(0.0) * MS_PER_HOUR).round() as i64;
    let mut windows = Windows::default();
    let mut placed: Vec<Option<Placement>> = vec![None; facts.len()];
    for &i in &ctx.order {
        let (Some(f), Some(s)) = (facts.get(i), ctx.signals.get(i)) else {
            continue;
        };
        let part = ctx.session_of.get(i).cloned().flatten();
        let role = part.as_ref().map(|p| p.role);
        let (long_floor, long_relative) = ctx.long(i, f);
        let after = if s.running {
            windows.most_recent(f.start_time.unix_ms(), window_ms)
        } else {
            None
        };
        let facts_of = Facts {
            long_floor,
            long_relative,
            in_session: role == Some(SessionRole::Part)
                || role == Some(SessionRole::Main)
                    && (ctx.warmed_up.get(i).copied().unwrap_or(false)
                        || ctx.multisport.get(i).copied().unwrap_or(false)),
            triathlon: ctx.triathlon.get(i).copied().unwrap_or(false),
            race: ctx.race_evidence(i, s),
        };
        let (class, class_reason, intent) = decide(s, role, &facts_of, after.is_some());
        if class.is_long_or_hard()
            && role != Some(SessionRole::WarmUp)
            && role != Some(SessionRole::CoolDown)
        {
            let end_ms = ctx
                .group_end_ms
                .get(i)
                .copied()
                .flatten()
                .unwrap_or(f.end_time.unix_ms());
            windows.push(Window {
                index: i,
                source: f.source.clone(),
                start_ms: f.start_time.unix_ms(),
                end_ms,
                class,
            });
        }
        if let Some(slot) = placed.get_mut(i) {
            *slot = Some(Placement {
                class,
                class_reason,
                recovers_from: if intent.is_some() { after } else { None },
                intent,
                sport: s.sport.sport.clone(),
                sport_source: s.sport.source,
                sport_inferred_from: s.sport.inferred_from,
                session: part,
                implausible_start: None,
            });
        }
    }
    placed
        .into_iter()
        .zip(&ctx.signals)
        .map(|(p, s)| {
            p.unwrap_or_else(|| Placement {
                class: Class::Other,
                class_reason: s.other_reason(),
                intent: None,
                recovers_from: None,
                sport: s.sport.sport.clone(),
                sport_source: s.sport.source,
                sport_inferred_from: s.sport.inferred_from,
                session: None,
                implausible_start: None,
            })
        })
        .collect()
}

/// What a decision needs beyond the run's own signals.
struct Facts {
    long_floor: bool,
    long_relative: bool,
    /// A planned session's main part (it has its own warm-up, or rides or swims come
    /// with it) or another run of a session.
    in_session: bool,
    /// The run leg of a swim-bike-run session.
    triathlon: bool,
    race: Option<ClassReason>,
}

/// The decision for one activity: class, reason, intent.
fn decide(
    s: &Signals,
    role: Option<SessionRole>,
    f: &Facts,
    in_window: bool,
) -> (Class, ClassReason, Option<Intent>) {
    let plain = |class, reason| (class, reason, None);
    if !s.running {
        return plain(Class::Other, s.other_reason());
    }
    if matches!(role, Some(SessionRole::WarmUp | SessionRole::CoolDown)) {
        return plain(Class::Easy, ClassReason::SessionPart);
    }
    if s.race_by_name && !s.recovery_by_name {
        return plain(Class::Race, ClassReason::RaceName);
    }
    if f.triathlon && !s.recovery_by_name {
        return plain(Class::Race, ClassReason::RaceTriathlon);
    }
    if let Some(reason) = s.planned_intervals {
        return plain(Class::Intervals, reason);
    }
    if s.recovery_by_name {
        return (
            Class::Recovery,
            ClassReason::RecoveryName,
            Some(Intent::Name),
        );
    }
    if let Some((class, reason)) = s.named {
        return plain(class, reason);
    }
    if let Some(reason) = f.race {
        // Regular repeated efforts keep heart rate up through short recoveries: a
        // sustained hard hour of them is a workout, not a race.
        if reason == ClassReason::RaceEffort && s.efforts && !f.long_floor {
            return plain(Class::Intervals, ClassReason::IntervalsEfforts);
        }
        return plain(Class::Race, reason);
    }
    let long = f.long_floor || f.long_relative;
    if in_window && !long && !f.in_session && !s.planned_workout {
        return (
            Class::Recovery,
            ClassReason::RecoveryPlacement,
            Some(Intent::Placement),
        );
    }
    if s.efforts && !f.long_floor {
        plain(Class::Intervals, ClassReason::IntervalsEfforts)
    } else if f.long_floor {
        plain(Class::Long, ClassReason::LongDuration)
    } else if s.tempo {
        plain(Class::Tempo, ClassReason::TempoSustained)
    } else if f.long_relative {
        plain(Class::Long, ClassReason::LongRelative)
    } else {
        plain(Class::Easy, ClassReason::Easy)
    }
}

/// Everything `classify` works out before walking the runs in time order.
struct Context<'a> {
    facts: &'a [RunFacts],
    config: &'a HistoryConfig,
    signals: Vec<Signals>,
    /// Indexes in (start, source) order.
    order: Vec<usize>,
    session_of: Vec<Option<SessionPart>>,
    /// For the main part of a session of several: the session's end and the running
    /// moving time of all its parts.
    group_end_ms: Vec<Option<i64>>,
    group_moving_s: Vec<Option<u32>>,
    /// Main parts with a warm-up before them.
    warmed_up: Vec<bool>,
    /// Main parts of a session with a ride or a swim (a brick, a triathlon).
    multisport: Vec<bool>,
    triathlon: Vec<bool>,
    near_best: Vec<bool>,
    usual_s: Option<f64>,
}

impl<'a> Context<'a> {
    fn new(facts: &'a [RunFacts], config: &'a HistoryConfig) -> Context<'a> {
        let words = Words::new(config);
        let signals: Vec<Signals> = facts
            .iter()
            .map(|f| Signals::of(f, config, &words))
            .collect();
        let mut order: Vec<usize> = (0..facts.len()).collect();
        order.sort_by(|&a, &b| {
            let key = |i: usize| facts.get(i).map(|f| (f.start_time, f.source.as_str()));
            key(a).cmp(&key(b))
        });
        let running: Vec<bool> = signals.iter().map(|s| s.running).collect();
        let sports: Vec<Option<Sport>> = signals.iter().map(|s| s.sport.sport.clone()).collect();
        let gap_ms = i64::from(config.session_gap_s) * 1000;
        let n = facts.len();
        let mut ctx = Context {
            facts,
            config,
            signals,
            order,
            session_of: vec![None; n],
            group_end_ms: vec![None; n],
            group_moving_s: vec![None; n],
            warmed_up: vec![false; n],
            multisport: vec![false; n],
            triathlon: vec![false; n],
            near_best: vec![false; n],
            usual_s: None,
        };
        for g in sessions::groups(&ctx.order, facts, &sports, gap_ms) {
            let parts = sessions::parts(&g, facts, &sports);
            let Some(main) = g.main.filter(|_| !parts.is_empty()) else {
                continue;
            };
            let moving: u32 = g
                .members
                .iter()
                .filter(|&&i| running.get(i).copied().unwrap_or(false))
                .filter_map(|&i| facts.get(i).map(|f| f.moving_s))
                .sum();
            let warmed = parts.iter().any(|(_, p)| p.role == SessionRole::WarmUp);
            let multisport = g.multisport;
            for (i, p) in parts {
                if let Some(slot) = ctx.session_of.get_mut(i) {
                    *slot = Some(p);
                }
            }
            let set = |v: &mut Vec<Option<i64>>, x| {
                if let Some(slot) = v.get_mut(main) {
                    *slot = Some(x);
                }
            };
            set(&mut ctx.group_end_ms, g.end_ms);
            if let Some(slot) = ctx.group_moving_s.get_mut(main) {
                *slot = Some(moving);
            }
            if let Some(slot) = ctx.warmed_up.get_mut(main) {
                *slot = warmed;
            }
            if let Some(slot) = ctx.multisport.get_mut(main) {
                *slot = multisport;
            }
            if let Some(slot) = ctx.triathlon.get_mut(main) {
                *slot = g.triathlon;
            }
        }
        // Runs that stand for themselves: not warm-ups or cool-downs.
        let whole: Vec<usize> = ctx
            .order
            .iter()
            .copied()
            .filter(|&i| running.get(i).copied().unwrap_or(false) && !ctx.is_part(i))
            .collect();
        let race = &config.race;
        for i in race::near_best(
            facts,
            &whole,
            race.near_best_window_days,
            race.near_best_margin,
            race.near_best_min_runs,
        ) {
            if let Some(slot) = ctx.near_best.get_mut(i) {
                *slot = true;
            }
        }
        ctx.usual_s = ctx.usual(&whole);
        ctx
    }

    fn is_part(&self, i: usize) -> bool {
        matches!(
            self.session_of.get(i).cloned().flatten().map(|p| p.role),
            Some(SessionRole::WarmUp | SessionRole::CoolDown)
        )
    }

    /// Median moving time of the whole runs that are not races (of all when all are).
    fn usual(&self, whole: &[usize]) -> Option<f64> {
        let mut all = Vec::new();
        let mut not_races = Vec::new();
        for &i in whole {
            let (Some(f), Some(s)) = (self.facts.get(i), self.signals.get(i)) else {
                continue;
            };
            if f.moving_s == 0 {
                continue;
            }
            let moving_s = f64::from(f.moving_s);
            all.push(moving_s);
            if !s.race_signal() {
                not_races.push(moving_s);
            }
        }
        median(if not_races.is_empty() { all } else { not_races })
    }

    /// Whether run `i` is long by the floor and by the relative rule (a session's main
    /// part counts the moving time of all its running parts).
    fn long(&self, i: usize, f: &RunFacts) -> (bool, bool) {
        let c = self.config;
        let moving_s = self
            .group_moving_s
            .get(i)
            .copied()
            .flatten()
            .unwrap_or(f.moving_s);
        let relative = self.usual_s.is_some_and(|usual| {
            moving_s >= c.long_relative_min_s && f64::from(moving_s) >= c.long_vs_usual * usual
        });
        (moving_s >= c.long_floor_s, relative)
    }

    /// A race's evidence beyond its name.
    fn race_evidence(&self, i: usize, s: &Signals) -> Option<ClassReason> {
        if let Some(r) = s.race_by_effort {
            return Some(r);
        }
        let race = &self.config.race;
        let hard = s.hard_share >= race.min_hard_share;
        let flag = |v: &Vec<bool>| v.get(i).copied().unwrap_or(false);
        let distance = self.facts.get(i).map_or(0.0, |f| f.distance_m);
        if hard
            && s.has_hr
            && flag(&self.warmed_up)
            && race::standard_distance(distance, race.distance_tolerance)
        {
            return Some(ClassReason::RaceDay);
        }
        if hard && s.has_hr && flag(&self.near_best) {
            return Some(ClassReason::RaceNearBest);
        }
        None
    }
}

/// Median (mean of the two middle values for an even count); `None` when empty.
fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    let upper = values.get(n / 2).copied()?;
    if n % 2 == 1 {
        return Some(upper);
    }
    let lower = values.get(n / 2 - 1).copied()?;
    Some((lower + upper) / 2.0)
}

/// A long or hard session already classified: the window after it.
#[derive(Debug, Clone)]
struct Window {
    index: usize,
    source: String,
    start_ms: i64,
    end_ms: i64,
    class: Class,
}

/// The long and hard sessions so far, in start order.
#[derive(Debug, Default)]
struct Windows {
    list: Vec<Window>,
    /// Longest end − start among them, to stop looking back early.
    max_span_ms: i64,
}

impl Windows {
    fn push(&mut self, s: Window) {
        self.max_span_ms = self.max_span_ms.max(s.end_ms.saturating_sub(s.start_ms));
        self.list.push(s);
    }

    /// The session whose end lies within `window_ms` before `start_ms` (not after it),
    /// the most recent end first; on a tie the later one in time order.
    fn most_recent(&self, start_ms: i64, window_ms: i64) -> Option<RecoversFrom> {
        let earliest_end_ms = start_ms.saturating_sub(window_ms);
        let mut best: Option<(&Window, i64)> = None;
        for s in self.list.iter().rev() {
            // Every earlier session started no later than `s`, so ended by this bound.
            if s.start_ms.saturating_add(self.max_span_ms) < earliest_end_ms {
                break;
            }
            let gap_ms = start_ms.saturating_sub(s.end_ms);
            if !(0..=window_ms).contains(&gap_ms) {
                continue;
            }
            if best.is_none_or(|(_, best_gap)| gap_ms < best_gap) {
                best = Some((s, gap_ms));
            }
        }
        best.map(|(s, gap_ms)| RecoversFrom {
            index: s.index,
            source: s.source.clone(),
            class: s.class,
            hours_since_end: gap_ms as f64 / MS_PER_HOUR,
        })
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_sessions;
