//! Heart rate at pace over a run's steady stretch: the one point (grade-adjusted speed,
//! heart rate) of a run that the runner's own baseline is made of
//! (`history::baseline`). HR at a fixed submaximal pace tracks fitness and fatigue
//! (Vesterinen et al. 2014, J Strength Cond Res 28:902–908); the efficiency factor
//! `EF = v/HR` (Friel) is the same pair as a ratio.
//!
//! Method:
//!
//! - moving time from [`WARMUP_S`] (10 min: HR kinetics, DOMAIN §3) to [`UNTIL_S`]
//!   (45 min, the recovery-run limit), so a 60-min easy run and a 30-min recovery run
//!   are compared over the same stretch of a run and cardiac drift (Coyle &
//!   González-Alonso 2001) weighs the same on both;
//! - cut into blocks of [`BLOCK_S`] consecutive moving seconds of the 1 Hz grid (a
//!   pause or a hole ends a block; after a break of [`RESETTLE_AFTER_S`] or more, the
//!   next [`RESETTLE_S`] moving seconds are skipped while HR settles again);
//! - a block is **steady** when at least [`MIN_BLOCK_COVERED_S`] of its seconds carry
//!   usable HR and speed; its mean grade-adjusted speed (Minetti, [`super::gap`]) is at
//!   least [`MIN_RUNNING_SPEED_MPS`] (walking breaks are not running); it is nearly
//!   flat — mean absolute grade at most [`MAX_BLOCK_GRADE`], net grade at most
//!   [`MAX_BLOCK_NET_GRADE`] — because HR lags the climbs and the GAP models disagree
//!   most downhill (Minetti credits −3 % with 15 % of speed, the equal-heart-rate model
//!   with 7 %), so the point rests on ground where any GAP is within a few per cent of
//!   the pace; and the means of its 10-s parts vary by at most
//!   [`MAX_BLOCK_SPEED_CV`] (no surge, no stop-and-go; 10-s means so GPS jitter does
//!   not count as unsteadiness);
//! - heart rate lags pace by a minute or two (HR kinetics), so a steady block counts
//!   only when the block before it was steady at a speed within
//!   [`MAX_NEIGHBOUR_SPEED_CHANGE`] of its own (the first block after the warm-up or a
//!   resettle counts: those were the settling) and its heart rate moved by at most
//!   [`MAX_BLOCK_HR_CHANGE_BPM`] between its first and last 10 s: the jog right after
//!   an interval, its HR still falling, says nothing of the HR the pace needs;
//! - with at least [`MIN_STEADY_BLOCKS`] steady blocks the run's point is the mean
//!   grade-adjusted speed and mean HR over the steady blocks' covered seconds; else the
//!   run has no point (`None`).

use serde::{Deserialize, Serialize};

use super::drift::WARMUP_S;
use super::gap::gap_speed_mps;
use crate::model::{Activity, Second};

/// Moving seconds after which the stretch ends (45 min).
pub const UNTIL_S: u32 = 45 * 60;
/// Length of a block, seconds.
pub const BLOCK_S: usize = 60;
/// Seconds of a block that must carry usable HR and speed.
pub const MIN_BLOCK_COVERED_S: usize = 50;
/// Lowest mean grade-adjusted speed of a steady block, m/s (≈ 11:54 /km).
pub const MIN_RUNNING_SPEED_MPS: f64 = 1.4;
/// Highest mean absolute grade of a steady block (rise/run).
pub const MAX_BLOCK_GRADE: f64 = 0.03;
/// Highest absolute mean (net) grade of a steady block (rise/run).
pub const MAX_BLOCK_NET_GRADE: f64 = 0.015;
/// Highest coefficient of variation of a block's 10-s mean GAP speeds.
pub const MAX_BLOCK_SPEED_CV: f64 = 0.10;
/// A break of at least this many seconds (pause, standing still) resets HR.
pub const RESETTLE_AFTER_S: u32 = 60;
/// Moving seconds skipped after such a break.
pub const RESETTLE_S: u32 = 120;
/// Steady blocks a run needs for a point (5 min).
pub const MIN_STEADY_BLOCKS: usize = 5;
/// Largest relative change of mean GAP speed from the block before.
pub const MAX_NEIGHBOUR_SPEED_CHANGE: f64 = 0.10;
/// Largest change of HR within a block (first 10 s to last 10 s), bpm.
pub const MAX_BLOCK_HR_CHANGE_BPM: f64 = 5.0;

/// What the block before the current one was.
#[derive(Clone, Copy)]
enum Before {
    /// The end of the warm-up or of a resettle: HR has settled.
    Settled,
    /// A pace-steady block at this mean GAP speed, m/s.
    Steady(f64),
    /// Anything else (unsteady, a hole).
    Unsteady,
}

/// A run's heart rate at its pace over its steady stretch.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SteadyHr {
    /// Mean grade-adjusted speed over the steady blocks, m/s.
    pub gap_speed_mps: f64,
    /// Mean usable heart rate over the same seconds, bpm.
    pub hr_bpm: f64,
    /// Steady blocks found ([`BLOCK_S`] seconds each).
    pub blocks: u32,
}

impl SteadyHr {
    /// The grade-adjusted pace, s/km.
    pub fn gap_pace_s_per_km(&self) -> f64 {
        1000.0 / self.gap_speed_mps
    }

    /// The efficiency factor, metres per minute per beat (Friel's unit).
    pub fn efficiency_factor(&self) -> f64 {
        self.gap_speed_mps * 60.0 / self.hr_bpm
    }
}

/// The run's steady point, or `None` when it has fewer than [`MIN_STEADY_BLOCKS`]
/// steady blocks between [`WARMUP_S`] and [`UNTIL_S`] of moving time.
pub fn steady_hr(activity: &Activity) -> Option<SteadyHr> {
    let mut moving_s: u32 = 0;
    let mut skip_until_s: u32 = WARMUP_S;
    let mut last_t: Option<u32> = None;
    // The block's seconds with their grade-adjusted speed (computed once per second),
    // and a buffer for its 10-s parts: both reused from block to block.
    let mut block: Vec<(&Second, Option<f64>)> = Vec::with_capacity(BLOCK_S);
    let mut parts: Vec<f64> = Vec::with_capacity(BLOCK_S.div_ceil(PART_S));
    let mut before = Before::Unsteady;
    let (mut speed_sum, mut hr_sum, mut covered, mut blocks) = (0.0, 0.0, 0usize, 0u32);
    for s in activity.seconds.iter().filter(|s| s.moving) {
        let gap = last_t.map_or(0, |t| s.t_s.saturating_sub(t).saturating_sub(1));
        last_t = Some(s.t_s);
        if gap > 0 {
            block.clear();
            before = Before::Unsteady;
            if gap >= RESETTLE_AFTER_S {
                skip_until_s = skip_until_s.max(moving_s + RESETTLE_S);
            }
        }
        moving_s += 1;
        if moving_s > UNTIL_S {
            break;
        }
        if moving_s <= skip_until_s {
            before = Before::Settled;
            continue;
        }
        block.push((s, gap_speed_mps(s)));
        if block.len() == BLOCK_S {
            let steady = steady_block(&block, &mut parts);
            if let Some(b) = &steady {
                let settled = match before {
                    Before::Settled => true,
                    Before::Steady(v) => {
                        (b.mean_speed() - v).abs() <= MAX_NEIGHBOUR_SPEED_CHANGE * v
                    }
                    Before::Unsteady => false,
                };
                if settled && b.hr_change_bpm.abs() <= MAX_BLOCK_HR_CHANGE_BPM {
                    speed_sum += b.speed_sum;
                    hr_sum += b.hr_sum;
                    covered += b.covered;
                    blocks += 1;
                }
            }
            before = steady.map_or(Before::Unsteady, |b| Before::Steady(b.mean_speed()));
            block.clear();
        }
    }
    (blocks as usize >= MIN_STEADY_BLOCKS && covered > 0).then(|| SteadyHr {
        gap_speed_mps: speed_sum / covered as f64,
        hr_bpm: hr_sum / covered as f64,
        blocks,
    })
}

/// A pace-steady block: its sums of GAP speed and HR over its covered seconds.
struct Block {
    speed_sum: f64,
    hr_sum: f64,
    covered: usize,
    /// Mean HR of its last 10 s minus that of its first 10 s, bpm.
    hr_change_bpm: f64,
}

impl Block {
    fn mean_speed(&self) -> f64 {
        self.speed_sum / self.covered.max(1) as f64
    }
}

/// The parts of a block whose mean speeds must agree, seconds.
const PART_S: usize = 10;

/// The block's sums when it is steady on its own (coverage, running speed, flat, even
/// 10-s parts); whether its neighbours agree is the caller's test. `block` holds each
/// second with its grade-adjusted speed; `parts` is a scratch buffer. Each sum adds the
/// same values in the same order, from the same start, as `Iterator::sum` over a
/// collected `Vec` did (the version this replaced), several of them in one walk.
fn steady_block(block: &[(&Second, Option<f64>)], parts: &mut Vec<f64>) -> Option<Block> {
    let mut n = 0usize;
    let (mut speed_sum, mut hr_sum) = (Total::new(), Total::new());
    let (mut abs_grade, mut net_grade) = (Total::new(), Total::new());
    for (s, v) in block {
        if let (Some(v), Some(h)) = (*v, s.hr_bpm) {
            n += 1;
            speed_sum.add(v);
            hr_sum.add(f64::from(h));
        }
        let grade = s.grade.map_or(0.0, f64::from);
        abs_grade.add(grade.abs());
        net_grade.add(grade);
    }
    let (speed_sum, hr_sum) = (speed_sum.0, hr_sum.0);
    if n < MIN_BLOCK_COVERED_S || speed_sum / (n as f64) < MIN_RUNNING_SPEED_MPS {
        return None;
    }
    let abs_grade = abs_grade.0 / block.len() as f64;
    let net_grade = net_grade.0 / block.len() as f64;
    if abs_grade > MAX_BLOCK_GRADE || net_grade.abs() > MAX_BLOCK_NET_GRADE {
        return None;
    }
    parts.clear();
    parts.extend(
        block
            .chunks(PART_S)
            .filter_map(|part| mean_of(part.iter().filter_map(|(_, v)| *v))),
    );
    let mean = parts.iter().sum::<f64>() / parts.len().max(1) as f64;
    let var = parts.iter().map(|p| (p - mean).powi(2)).sum::<f64>() / parts.len().max(1) as f64;
    if mean <= 0.0 || var.sqrt() / mean > MAX_BLOCK_SPEED_CV {
        return None;
    }
    let hr_mean = |part: &[(&Second, Option<f64>)]| {
        mean_of(part.iter().filter_map(|(s, _)| s.hr_bpm.map(f64::from)))
    };
    let first = hr_mean(block.get(..PART_S).unwrap_or_default());
    let last = hr_mean(
        block
            .get(block.len().saturating_sub(PART_S)..)
            .unwrap_or_default(),
    );
    Some(Block {
        speed_sum,
        hr_sum,
        covered: n,
        hr_change_bpm: match (first, last) {
            (Some(a), Some(b)) => b - a,
            _ => f64::INFINITY,
        },
    })
}

/// A running `Iterator::sum` of `f64`: the same additions in the same order, from the
/// same start (the sum of nothing, -0.0 today), so one walk can keep several sums.
struct Total(f64);

impl Total {
    fn new() -> Total {
        Total(std::iter::empty::<f64>().sum())
    }

    fn add(&mut self, v: f64) {
        self.0 += v;
    }
}

/// `values.sum() / count`, `None` when empty (one walk, nothing collected).
fn mean_of(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (mut n, mut total) = (0usize, Total::new());
    for v in values {
        n += 1;
        total.add(v);
    }
    (n > 0).then(|| total.0 / n as f64)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use crate::metrics::testkit::{Columns, assert_close};

    #[test]
    fn a_steady_run_gives_its_pace_and_hr_after_the_warm_up() {
        // 30 min at 2.8 m/s; HR 100 in the warm-up, 140 after.
        let mut c = Columns::steady(1800, 2.8, 140.0);
        for h in c.hr_bpm.iter_mut().take(600) {
            *h = Some(100.0);
        }
        let s = steady_hr(&c.build()).unwrap();
        assert_close(s.gap_speed_mps, 2.8, 1e-5);
        assert_close(s.hr_bpm, 140.0, 1e-9);
        // Moving seconds 601..=1800: 1200 seconds, 20 blocks.
        assert_eq!(s.blocks, 20);
        assert_close(s.gap_pace_s_per_km(), 1000.0 / 2.8, 1e-3);
        assert_close(s.efficiency_factor(), 2.8 * 60.0 / 140.0, 1e-5);
    }

    #[test]
    fn only_the_stretch_up_to_45_minutes_counts() {
        // 60 min; HR 140 until 45 min, 170 after (drift the stretch leaves out).
        let mut c = Columns::steady(3600, 3.0, 140.0);
        for h in c.hr_bpm.iter_mut().skip(2700) {
            *h = Some(170.0);
        }
        let s = steady_hr(&c.build()).unwrap();
        assert_close(s.hr_bpm, 140.0, 1e-9);
        assert_eq!(s.blocks, 35);
    }

    #[test]
    fn short_runs_and_runs_without_hr_have_no_point() {
        // 14 min: 4 blocks after the warm-up.
        assert_eq!(steady_hr(&Columns::steady(840, 3.0, 140.0).build()), None);
        assert!(steady_hr(&Columns::steady(900, 3.0, 140.0).build()).is_some());
        let mut c = Columns::steady(1800, 3.0, 140.0);
        c.hr_bpm = vec![None; 1800];
        assert_eq!(steady_hr(&c.build()), None);
    }

    #[test]
    fn unsteady_hilly_and_walking_blocks_are_left_out() {
        // 30 min; after the warm-up alternate 20 s fast / 20 s slow for 10 min, climb
        // at 8 % for 5 min (then 2 % down for 1 min: net grade), walk for 3 min: 2
        // steady minutes remain.
        let mut c = Columns::steady(1800, 3.0, 140.0);
        c.grade = vec![Some(0.0); 1800];
        for i in 600..1200 {
            c.speed_mps[i] = Some(if (i / 20) % 2 == 0 { 3.8 } else { 2.2 });
            c.hr_bpm[i] = Some(190.0);
        }
        for i in 1200..1500 {
            c.grade[i] = Some(if i < 1440 { 0.08 } else { -0.02 });
            c.hr_bpm[i] = Some(190.0);
        }
        for i in 1500..1680 {
            c.speed_mps[i] = Some(1.2);
            c.hr_bpm[i] = Some(190.0);
        }
        assert_eq!(steady_hr(&c.build()), None, "2 steady blocks only");
        // Seven more steady minutes at the end: 7 blocks at 140 bpm.
        let mut c2 = Columns::steady(2100, 3.0, 140.0);
        c2.grade = c.grade.clone();
        c2.grade.resize(2100, Some(0.0));
        for i in 600..1680 {
            c2.speed_mps[i] = c.speed_mps[i];
            c2.hr_bpm[i] = c.hr_bpm[i];
        }
        let s = steady_hr(&c2.build()).unwrap();
        assert_close(s.hr_bpm, 140.0, 1e-9);
        assert_close(s.gap_speed_mps, 3.0, 1e-6);
    }

    #[test]
    fn the_jog_after_an_effort_is_no_steady_state() {
        // After the warm-up: 3 min at 4.5 m/s (HR 170), then 3 min at 3.0 m/s with HR
        // falling from 165 to 140 over the first 90 s, then 140 — five times.
        let mut c = Columns::steady(600 + 5 * 360, 3.0, 140.0);
        for rep in 0..5 {
            let t0 = 600 + rep * 360;
            for i in t0..t0 + 180 {
                c.speed_mps[i] = Some(4.5);
                c.hr_bpm[i] = Some(170.0);
            }
            for k in 0..90 {
                c.hr_bpm[t0 + 180 + k] = Some(165.0 - 25.0 * k as f32 / 90.0);
            }
        }
        let s = steady_hr(&c.build()).unwrap();
        // Per repeat the hard minutes 2 and 3 (after a steady hard minute; all three
        // in the first repeat, which follows the warm-up) and the jog's third minute
        // count; the first hard minute follows a slower block, the first jog minute a
        // faster one, the second jog minute still has HR falling by 7 bpm. 11 hard
        // blocks and 5 jog blocks.
        assert_eq!(s.blocks, 16);
        assert_close(s.gap_speed_mps, (11.0 * 4.5 + 5.0 * 3.0) / 16.0, 1e-4);
        assert_close(s.hr_bpm, (11.0 * 170.0 + 5.0 * 140.0) / 16.0, 1e-4);
    }

    #[test]
    fn hr_resettles_after_a_pause() {
        // 20 min moving, then a 5-min pause (a hole in the grid), then 15 min moving
        // whose first 2 min (HR recovering at 110) are skipped.
        let mut c = Columns::steady(2100, 3.0, 140.0);
        c.t_s = (0..2100u32)
            .map(|i| if i < 1200 { i } else { i + 300 })
            .collect();
        for i in 1200..1320 {
            c.hr_bpm[i] = Some(110.0);
        }
        let s = steady_hr(&c.build()).unwrap();
        assert_close(s.hr_bpm, 140.0, 1e-9);
        // 600 s before the pause (10 blocks); 900 after, 120 of them skipped (13 blocks).
        assert_eq!(s.blocks, 23);
    }

    /// The collecting version this file had (a `Vec` per block and per 10-s part): the
    /// reference the allocation-free one must match bit for bit.
    fn reference_steady_hr(activity: &Activity) -> Option<SteadyHr> {
        let mut moving_s: u32 = 0;
        let mut skip_until_s: u32 = WARMUP_S;
        let mut last_t: Option<u32> = None;
        let mut block: Vec<&Second> = Vec::with_capacity(BLOCK_S);
        let mut before = Before::Unsteady;
        let (mut speed_sum, mut hr_sum, mut covered, mut blocks) = (0.0, 0.0, 0usize, 0u32);
        for s in activity.seconds.iter().filter(|s| s.moving) {
            let gap = last_t.map_or(0, |t| s.t_s.saturating_sub(t).saturating_sub(1));
            last_t = Some(s.t_s);
            if gap > 0 {
                block.clear();
                before = Before::Unsteady;
                if gap >= RESETTLE_AFTER_S {
                    skip_until_s = skip_until_s.max(moving_s + RESETTLE_S);
                }
            }
            moving_s += 1;
            if moving_s > UNTIL_S {
                break;
            }
            if moving_s <= skip_until_s {
                before = Before::Settled;
                continue;
            }
            block.push(s);
            if block.len() == BLOCK_S {
                let steady = reference_block(&block);
                if let Some(b) = &steady {
                    let settled = match before {
                        Before::Settled => true,
                        Before::Steady(v) => {
                            (b.mean_speed() - v).abs() <= MAX_NEIGHBOUR_SPEED_CHANGE * v
                        }
                        Before::Unsteady => false,
                    };
                    if settled && b.hr_change_bpm.abs() <= MAX_BLOCK_HR_CHANGE_BPM {
                        speed_sum += b.speed_sum;
                        hr_sum += b.hr_sum;
                        covered += b.covered;
                        blocks += 1;
                    }
                }
                before = steady.map_or(Before::Unsteady, |b| Before::Steady(b.mean_speed()));
                block.clear();
            }
        }
        (blocks as usize >= MIN_STEADY_BLOCKS && covered > 0).then(|| SteadyHr {
            gap_speed_mps: speed_sum / covered as f64,
            hr_bpm: hr_sum / covered as f64,
            blocks,
        })
    }

    fn reference_block(block: &[&Second]) -> Option<Block> {
        let covered: Vec<(f64, f64)> = block
            .iter()
            .filter_map(|s| Some((gap_speed_mps(s)?, f64::from(s.hr_bpm?))))
            .collect();
        let n = covered.len();
        if n < MIN_BLOCK_COVERED_S {
            return None;
        }
        let speed_sum: f64 = covered.iter().map(|(v, _)| v).sum();
        let hr_sum: f64 = covered.iter().map(|(_, h)| h).sum();
        if speed_sum / (n as f64) < MIN_RUNNING_SPEED_MPS {
            return None;
        }
        let grades = block.iter().map(|s| s.grade.map_or(0.0, f64::from));
        let abs_grade = grades.clone().map(f64::abs).sum::<f64>() / block.len() as f64;
        let net_grade = grades.sum::<f64>() / block.len() as f64;
        if abs_grade > MAX_BLOCK_GRADE || net_grade.abs() > MAX_BLOCK_NET_GRADE {
            return None;
        }
        let parts: Vec<f64> = block
            .chunks(10)
            .filter_map(|part| {
                let speeds: Vec<f64> = part.iter().filter_map(|s| gap_speed_mps(s)).collect();
                (!speeds.is_empty()).then(|| speeds.iter().sum::<f64>() / speeds.len() as f64)
            })
            .collect();
        let mean = parts.iter().sum::<f64>() / parts.len().max(1) as f64;
        let var = parts.iter().map(|p| (p - mean).powi(2)).sum::<f64>() / parts.len().max(1) as f64;
        if mean <= 0.0 || var.sqrt() / mean > MAX_BLOCK_SPEED_CV {
            return None;
        }
        let hr_mean = |part: &[&Second]| {
            let hrs: Vec<f64> = part
                .iter()
                .filter_map(|s| s.hr_bpm.map(f64::from))
                .collect();
            (!hrs.is_empty()).then(|| hrs.iter().sum::<f64>() / hrs.len() as f64)
        };
        let first = hr_mean(block.get(..10).unwrap_or_default());
        let last = hr_mean(
            block
                .get(block.len().saturating_sub(10)..)
                .unwrap_or_default(),
        );
        Some(Block {
            speed_sum,
            hr_sum,
            covered: n,
            hr_change_bpm: match (first, last) {
                (Some(a), Some(b)) => b - a,
                _ => f64::INFINITY,
            },
        })
    }

    fn bits(s: Option<SteadyHr>) -> Option<(u64, u64, u32)> {
        s.map(|s| (s.gap_speed_mps.to_bits(), s.hr_bpm.to_bits(), s.blocks))
    }

    #[test]
    fn matches_the_collecting_version_bit_for_bit() {
        use easyrun_testkit::synth::SplitMix64;
        let mut rng = SplitMix64::new(35);
        let mut some = 0;
        for case in 0..120usize {
            let n = 300 + 31 * case;
            let mut c = Columns::steady(n, 3.0, 140.0);
            let noise = [0.01, 0.05, 0.2][case % 3];
            for i in 0..n {
                let u = rng.next_f64();
                c.speed_mps[i] = match rng.next_u64() % 50 {
                    0 => None,
                    1 => Some(-0.0),
                    2 if case % 4 == 0 && rng.next_u64().is_multiple_of(20) => Some(f32::NAN),
                    _ => Some((3.0 * (1.0 + noise * rng.gauss())) as f32),
                };
                c.hr_bpm[i] = match rng.next_u64() % 40 {
                    0 => None,
                    // Whole beats: ties.
                    _ => Some(
                        (140.0 + 20.0 * (i as f64 / n as f64) + 2.0 * rng.gauss()).round() as f32,
                    ),
                };
                if u < 0.01 {
                    c.moving[i] = false;
                }
            }
            c.grade = (0..n)
                .map(|_| match rng.next_u64() % 20 {
                    0 => None,
                    _ => Some((0.01 * rng.gauss()) as f32),
                })
                .collect();
            // Holes (short and long breaks) in time.
            let mut t = 0u32;
            c.t_s = (0..n)
                .map(|_| {
                    t += match rng.next_u64() % 400 {
                        0 => 90,
                        1 => 3,
                        _ => 1,
                    };
                    t
                })
                .collect();
            let a = c.build();
            let want = reference_steady_hr(&a);
            some += usize::from(want.is_some());
            assert_eq!(bits(steady_hr(&a)), bits(want), "case {case}");
        }
        assert!(some > 20, "only {some} runs had a steady point");
    }

    #[test]
    fn a_running_total_is_iterator_sum_bit_for_bit() {
        for values in [
            vec![],
            vec![-0.0],
            vec![0.0, -0.0],
            vec![-0.0, -0.0],
            vec![0.1, 0.2, 0.3],
        ] {
            let mut t = Total::new();
            for v in &values {
                t.add(*v);
            }
            assert_eq!(
                t.0.to_bits(),
                values.iter().sum::<f64>().to_bits(),
                "{values:?}"
            );
        }
    }
}
