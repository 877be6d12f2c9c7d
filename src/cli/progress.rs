//! A progress line on stderr while a batch runs (files done/total, rate, ETA) — only
//! when stderr is a terminal and not `--quiet`. The library counts; this thread draws.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use easyrun::scan::Progress;

/// A progress display for [`easyrun::scan::run_batch`]; [`ProgressLine::finish`] clears
/// the line.
pub struct ProgressLine {
    quiet: bool,
    done: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    drawer: Mutex<Option<JoinHandle<()>>>,
}

impl ProgressLine {
    /// A display that draws nothing when `quiet`.
    pub fn new(quiet: bool) -> ProgressLine {
        ProgressLine {
            quiet,
            done: Arc::new(AtomicUsize::new(0)),
            stop: Arc::new(AtomicBool::new(false)),
            drawer: Mutex::new(None),
        }
    }

    /// Stops drawing and clears the line.
    pub fn finish(self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Ok(Some(h)) = self.drawer.into_inner() {
            let _ = h.join();
        }
    }
}

impl Progress for ProgressLine {
    /// Starts drawing done/`total` every 200 ms, unless quiet or stderr is not a
    /// terminal (then nothing is drawn at all).
    fn start(&self, total: usize) {
        if self.quiet || !std::io::stderr().is_terminal() || total == 0 {
            return;
        }
        let (done, stop) = (Arc::clone(&self.done), Arc::clone(&self.stop));
        let handle = std::thread::spawn(move || draw(&done, &stop, total));
        if let Ok(mut drawer) = self.drawer.lock() {
            *drawer = Some(handle);
        }
    }

    fn file_done(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }
}

fn draw(done: &AtomicUsize, stop: &AtomicBool, total: usize) {
    let started = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        let n = done.load(Ordering::Relaxed);
        let secs = started.elapsed().as_secs_f64().max(1e-3);
        let rate = n as f64 / secs;
        let eta = if rate > 0.0 {
            format!("{:.0} s", (total.saturating_sub(n)) as f64 / rate)
        } else {
            "?".to_string()
        };
        let width = 30;
        let filled = (n * width / total).min(width);
        let bar: String = "#".repeat(filled) + &"-".repeat(width - filled);
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r[{bar}] {n}/{total} files · {rate:.0}/s · ETA {eta}  "
        );
        let _ = err.flush();
        drop(err);
        std::thread::sleep(Duration::from_millis(200));
    }
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "\r{}\r", " ".repeat(72));
    let _ = err.flush();
}
