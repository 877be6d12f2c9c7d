//! A progress line on stderr while a command runs — only when stderr is a terminal and
//! not `--quiet`. It names its phase: reading the files (done/total, rate, ETA),
//! re-reading those that waited for the max-HR estimate, the history (classes,
//! placement, weeks), writing the output. The library counts and names its phases; a
//! thread here draws.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use easyrun::scan::{BatchPhase, Progress};

/// What the line shows now.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Phase {
    /// Files done of `total` (the first pass, or the re-read when `again`).
    Files { total: usize, again: bool },
    /// The history: classes, placement, verdicts, weeks.
    History,
    /// Writing the output to the named target.
    Writing(String),
}

/// What the drawing thread shares with the batch.
struct State {
    phase: Mutex<Phase>,
    done: AtomicUsize,
    started: Mutex<Instant>,
    stop: AtomicBool,
}

/// A progress display for [`easyrun::scan::run_batch`] and the output after it. It
/// stops drawing and clears its line when dropped.
pub struct ProgressLine {
    enabled: bool,
    state: Arc<State>,
    drawer: Mutex<Option<JoinHandle<()>>>,
}

impl ProgressLine {
    /// A display that draws nothing when `quiet` or when stderr is not a terminal.
    pub fn new(quiet: bool) -> ProgressLine {
        ProgressLine {
            enabled: !quiet && std::io::stderr().is_terminal(),
            state: Arc::new(State {
                phase: Mutex::new(Phase::Files {
                    total: 0,
                    again: false,
                }),
                done: AtomicUsize::new(0),
                started: Mutex::new(Instant::now()),
                stop: AtomicBool::new(false),
            }),
            drawer: Mutex::new(None),
        }
    }

    /// The output is being written to `target` (a path, or stdout).
    pub fn writing(&self, target: &str) {
        self.set(Phase::Writing(target.to_string()));
    }

    fn set(&self, phase: Phase) {
        if let Ok(mut p) = self.state.phase.lock() {
            *p = phase;
        }
        self.state.done.store(0, Ordering::Relaxed);
        if let Ok(mut s) = self.state.started.lock() {
            *s = Instant::now();
        }
        self.ensure_drawing();
    }

    fn ensure_drawing(&self) {
        if !self.enabled {
            return;
        }
        let Ok(mut drawer) = self.drawer.lock() else {
            return;
        };
        if drawer.is_none() {
            let state = Arc::clone(&self.state);
            *drawer = Some(std::thread::spawn(move || draw(&state)));
        }
    }
}

impl Drop for ProgressLine {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::Relaxed);
        if let Ok(mut drawer) = self.drawer.lock()
            && let Some(h) = drawer.take()
        {
            let _ = h.join();
        }
    }
}

impl Progress for ProgressLine {
    fn start(&self, total: usize) {
        if total > 0 {
            self.set(Phase::Files {
                total,
                again: false,
            });
        }
    }

    fn phase(&self, phase: BatchPhase) {
        self.set(match phase {
            BatchPhase::Rereading { files } => Phase::Files {
                total: files,
                again: true,
            },
            BatchPhase::History { .. } => Phase::History,
        });
    }

    fn file_done(&self) {
        self.state.done.fetch_add(1, Ordering::Relaxed);
    }
}

fn draw(state: &State) {
    let mut width: usize = 0;
    while !state.stop.load(Ordering::Relaxed) {
        let phase = state.phase.lock().map(|p| p.clone()).ok();
        let secs = state
            .started
            .lock()
            .map(|s| s.elapsed().as_secs_f64())
            .unwrap_or(0.0);
        if let Some(phase) = phase {
            let text = line(&phase, state.done.load(Ordering::Relaxed), secs);
            let pad = width.saturating_sub(text.chars().count());
            width = width.max(text.chars().count());
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{text}{}", " ".repeat(pad));
            let _ = err.flush();
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "\r{}\r", " ".repeat(width));
    let _ = err.flush();
}

/// The line for `phase` with `done` files `secs` seconds into it.
fn line(phase: &Phase, done: usize, secs: f64) -> String {
    match phase {
        Phase::Files { total, again } => {
            let total = (*total).max(1);
            let rate = done as f64 / secs.max(1e-3);
            let eta = if rate > 0.0 && done > 0 {
                format!("{:.0} s", total.saturating_sub(done) as f64 / rate)
            } else {
                "?".to_string()
            };
            const WIDTH: usize = 30;
            let filled = (done * WIDTH / total).min(WIDTH);
            let bar: String = "#".repeat(filled) + &"-".repeat(WIDTH - filled);
            let what = if *again {
                "re-reading (max-HR estimate)"
            } else {
                "reading"
            };
            format!("{what} [{bar}] {done}/{total} files · {rate:.0}/s · ETA {eta}")
        }
        Phase::History => "history: classes, recovery runs, weeks…".to_string(),
        Phase::Writing(target) => format!("writing {target}…"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_phase_names_itself() {
        let reading = line(
            &Phase::Files {
                total: 316,
                again: false,
            },
            158,
            2.0,
        );
        assert_eq!(
            reading,
            format!(
                "reading [{}{}] 158/316 files · 79/s · ETA 2 s",
                "#".repeat(15),
                "-".repeat(15)
            )
        );
        let again = line(
            &Phase::Files {
                total: 4,
                again: true,
            },
            0,
            0.5,
        );
        assert!(
            again.starts_with("re-reading (max-HR estimate) ["),
            "{again}"
        );
        assert!(again.ends_with("0/4 files · 0/s · ETA ?"), "{again}");
        assert_eq!(
            line(&Phase::History, 0, 1.0),
            "history: classes, recovery runs, weeks…"
        );
        assert_eq!(
            line(&Phase::Writing("report.html".into()), 0, 1.0),
            "writing report.html…"
        );
    }
}
