//! History: sessions across files. Runners record the warm-up, the race and the
//! cool-down as separate files minutes apart (DOMAIN §9); a multisport file is split
//! into one activity per leg. Recordings that start within a gap (20 min) of the end of
//! the one before are parts of one session; its main part is the hardest running part,
//! the running parts before it are its warm-up and those after it its cool-down. The
//! parts are not recovery runs, and the session is classed by its main part
//! (docs/history.md "Sessions across files").

use serde::Serialize;

use super::RunFacts;
use crate::model::Sport;

/// What a recording is within its session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionRole {
    /// A running part before the main part.
    WarmUp,
    /// The session's main (hardest) running part: the session is classed by it.
    Main,
    /// A running part after the main part.
    CoolDown,
    /// Another run of the session that is no warm-up or cool-down: a leg of a
    /// multisport session, or a run as long as the main part. Classed on its own, but
    /// never a recovery run.
    Part,
    /// Not running (a transition, the bike leg of a brick).
    OtherSport,
}

/// A recording's place in a session of two or more recordings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionPart {
    pub role: SessionRole,
    /// The main part: index (into the slice given to `classify`) and source.
    pub main_index: usize,
    pub main_source: String,
    /// Recordings in the session.
    pub parts: usize,
}

/// One session: members in time order (indexes into the facts), its main member, when
/// it ends, and what its members say about it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Group {
    pub(crate) members: Vec<usize>,
    pub(crate) main: Option<usize>,
    pub(crate) end_ms: i64,
    /// A ride or a swim among the members: a brick, a triathlon.
    pub(crate) multisport: bool,
    /// Swim, bike and run legs in one session: a triathlon.
    pub(crate) triathlon: bool,
}

/// Recordings overlapping the session before by more than this were made at the same
/// time (a watch and a phone), not one after the other: no parts of one session, ms.
pub const MAX_OVERLAP_MS: i64 = 60_000;

/// Groups `order` (indexes into `facts` in time order) into sessions: a recording
/// joins the session before it when it starts at most `gap_ms` after that session's
/// end, and not more than [`MAX_OVERLAP_MS`] before it. `sports[i]` is the sport
/// history took for `facts[i]`. Single recordings are sessions of one.
pub(crate) fn groups(
    order: &[usize],
    facts: &[RunFacts],
    sports: &[Option<Sport>],
    gap_ms: i64,
) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    for &i in order {
        let Some(f) = facts.get(i) else { continue };
        let (start, end) = (
            f.start_time.unix_ms(),
            f.end_time.unix_ms().max(f.start_time.unix_ms()),
        );
        match out.last_mut() {
            Some(g)
                if start.saturating_sub(g.end_ms) <= gap_ms
                    && start >= g.end_ms - MAX_OVERLAP_MS =>
            {
                g.members.push(i);
                g.end_ms = g.end_ms.max(end);
            }
            _ => out.push(Group {
                members: vec![i],
                main: None,
                end_ms: end,
                multisport: false,
                triathlon: false,
            }),
        }
    }
    let running: Vec<bool> = sports.iter().map(|s| *s == Some(Sport::Running)).collect();
    for g in &mut out {
        g.main = main_of(&g.members, facts, &running);
        let has = |sport: Sport| {
            g.members
                .iter()
                .any(|&i| sports.get(i).is_some_and(|s| s.as_ref() == Some(&sport)))
        };
        g.multisport = has(Sport::Cycling) || has(Sport::Swimming);
        g.triathlon = has(Sport::Swimming) && has(Sport::Cycling) && has(Sport::Running);
    }
    out
}

/// The hardest running member: the most time at or above the hard threshold when any
/// has a minute of it; else the fastest of those with five minutes of moving time;
/// else the longest. Ties go to the earlier.
fn main_of(members: &[usize], facts: &[RunFacts], running: &[bool]) -> Option<usize> {
    let runs: Vec<(usize, &RunFacts)> = members
        .iter()
        .filter(|&&i| running.get(i).copied().unwrap_or(false))
        .filter_map(|&i| facts.get(i).map(|f| (i, f)))
        .collect();
    let first_max = |key: &dyn Fn(&RunFacts) -> f64| {
        runs.iter()
            .fold(None::<(usize, f64)>, |best, (i, f)| {
                let k = key(f);
                match best {
                    Some((_, b)) if b >= k => best,
                    _ => Some((*i, k)),
                }
            })
            .map(|(i, _)| i)
    };
    if runs.iter().any(|(_, f)| f.hard_s.unwrap_or(0) >= 60) {
        return first_max(&|f| f64::from(f.hard_s.unwrap_or(0)));
    }
    let speed = |f: &RunFacts| {
        (f.moving_s >= 300 && f.distance_m.is_finite() && f.distance_m > 0.0)
            .then(|| f.distance_m / f64::from(f.moving_s))
    };
    if runs.iter().any(|(_, f)| speed(f).is_some()) {
        return first_max(&|f| speed(f).unwrap_or(0.0));
    }
    first_max(&|f| f64::from(f.moving_s))
}

/// The role of each member of `g` (for sessions of two or more). Warm-up and cool-down
/// are runs shorter than the main part, in a session without rides or swims; in a
/// multisport session the other runs are legs ([`SessionRole::Part`]).
pub(crate) fn parts(
    g: &Group,
    facts: &[RunFacts],
    sports: &[Option<Sport>],
) -> Vec<(usize, SessionPart)> {
    if g.members.len() < 2 {
        return Vec::new();
    }
    let Some(main) = g.main else {
        return Vec::new();
    };
    let is_run = |i: usize| sports.get(i).is_some_and(|s| *s == Some(Sport::Running));
    let runs_only = !g.multisport;
    let main_pos = g.members.iter().position(|&i| i == main).unwrap_or(0);
    let main_moving = facts.get(main).map_or(0, |f| f.moving_s);
    let main_source = facts
        .get(main)
        .map(|f| f.source.clone())
        .unwrap_or_default();
    g.members
        .iter()
        .enumerate()
        .map(|(pos, &i)| {
            let shorter = facts.get(i).is_some_and(|f| f.moving_s < main_moving);
            let role = if i == main {
                SessionRole::Main
            } else if !is_run(i) {
                SessionRole::OtherSport
            } else if !runs_only || !shorter {
                SessionRole::Part
            } else if pos < main_pos {
                SessionRole::WarmUp
            } else {
                SessionRole::CoolDown
            };
            (
                i,
                SessionPart {
                    role,
                    main_index: main,
                    main_source: main_source.clone(),
                    parts: g.members.len(),
                },
            )
        })
        .collect()
}
