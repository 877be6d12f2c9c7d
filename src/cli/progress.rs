//! A progress line on stderr while a batch runs (files done/total, rate, ETA) — only
//! when stderr is a terminal and not `--quiet`. The library counts; this thread draws.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A running progress display; [`Progress::finish`] clears the line.
pub struct Progress {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl Progress {
    /// Starts drawing `done`/`total` every 200 ms, unless `quiet` or stderr is not a
    /// terminal (then nothing is drawn at all).
    pub fn start(done: Arc<AtomicUsize>, total: usize, quiet: bool) -> Progress {
        let stop = Arc::new(AtomicBool::new(false));
        if quiet || !std::io::stderr().is_terminal() || total == 0 {
            return Progress { stop, handle: None };
        }
        let flag = Arc::clone(&stop);
        let handle = std::thread::spawn(move || {
            let started = Instant::now();
            while !flag.load(Ordering::Relaxed) {
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
        });
        Progress {
            stop,
            handle: Some(handle),
        }
    }

    /// Stops drawing and clears the line.
    pub fn finish(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}
